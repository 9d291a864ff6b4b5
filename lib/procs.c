/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "meminfo-internal.h"
#include "procs-internal.h"

#define NKEYS (MEMACCT_USAGE_HUGETLB + 1)
#define NREASONS (MEMACCT_PROCS_FAILED + 1)
#define COMM_MAX 64
/* meminfo is read again after this many processes: a few per cent of a scan */
#define SAMPLE_EVERY 8
/* a bound on memacct_procs_set_threads(), far above any useful count */
#define THREADS_MAX 1024
/* struct proc .fate of a process kept (partial or not); else a MEMACCT_PROCS_* reason */
#define KEPT 0

struct proc {
	int pid;
	uint8_t fate;
	uint32_t uid;
	uint32_t has;		/* bit k: val[k] is present */
	uint32_t has_x;		/* bit x: x[x] is present */
	bool has_uid;
	bool partial;
	uint64_t val[NKEYS];
	uint64_t x[PROCS_NX];
	char comm[COMM_MAX];
};

struct total {
	uint64_t sum;
	size_t have;
	bool overflow;
};

/*
 * One reader of a scan. Worker 0 is the calling thread, with the caller's
 * source and the handle's usage: a scan with one thread is the plain loop.
 * The others own a source over the same root (a source has one read buffer
 * and is not shareable) and a usage, kept from scan to scan.
 */
struct worker {
	struct memacct_procs *p;
	struct memacct_source *src;
	struct memacct_usage *u;
	pthread_t tid;
	int err;
	bool warm;		/* has read a process whole (not CHEAP): its buffers fit one */
};

struct memacct_procs {
	struct memacct_usage *u;
	struct memacct_meminfo *mi[2];	/* at start, at end */
	int mi_err[2];
	struct memacct_meminfo *sample;	/* during the scan */
	bool sample_warm;		/* sample has been read: its table fits */
	uint64_t mi_lo[MEMINFO_NKEYS + 1], mi_hi[MEMINFO_NKEYS + 1];
	bool mi_has[MEMINFO_NKEYS + 1];
	size_t captured_samples;	/* meminfo reads of a capture's meminfo.scan */
	struct proc *v;
	size_t n, cap;
	int *pids;
	size_t npids, cap_pids;
	int *kthreads;		/* the children of kthreadd, ascending (list_kthreads()) */
	size_t nkthreads, cap_kthreads;
	size_t skipped[NREASONS];
	size_t partial;
	struct total tot[NKEYS];
	struct total tot_x[PROCS_NX];
	uint64_t duration_ns;
	bool scanned;
	unsigned threads;	/* memacct_procs_set_threads() */
	struct worker *w;	/* [nw]; w[0] is the calling thread */
	unsigned nw;
	/* the root and properties the own sources of w[1..] were opened over */
	dev_t root_dev;
	ino_t root_ino;
	uint64_t root_page_size, root_ncpus;
	/* one scan: the flags of memacct_usage_read(), the next slot to claim, a stop */
	uint32_t uflags;
	atomic_size_t next;
	atomic_bool stop;
	/* getdents64 records; uint64_t for their alignment */
	uint64_t dents[4096];
};

static const uint32_t x_keys[PROCS_NX] = {
	[PROCS_X_ANONYMOUS] = MEMACCT_SMAPS_ANONYMOUS,
	[PROCS_X_ANONHUGEPAGES] = MEMACCT_SMAPS_ANONHUGEPAGES,
	[PROCS_X_PSS_ANON] = MEMACCT_SMAPS_PSS_ANON,
};

static void reset(struct memacct_procs *p)
{
	p->n = 0;
	p->npids = 0;
	p->partial = 0;
	memset(p->skipped, 0, sizeof(p->skipped));
	memset(p->tot, 0, sizeof(p->tot));
	memset(p->tot_x, 0, sizeof(p->tot_x));
	p->mi_err[0] = p->mi_err[1] = -ENOENT;
	memset(p->mi_has, 0, sizeof(p->mi_has));
	p->captured_samples = 0;
	p->duration_ns = 0;
	p->scanned = false;
}

int memacct_procs_new(struct memacct_procs **ret)
{
	struct memacct_procs *p;

	assert_return(ret, -EINVAL);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (memacct_usage_new(&p->u) < 0 || memacct_meminfo_new(&p->mi[0]) < 0 ||
	    memacct_meminfo_new(&p->mi[1]) < 0 || memacct_meminfo_new(&p->sample) < 0) {
		memacct_procs_free(p);
		return -ENOMEM;
	}
	p->threads = 1;
	reset(p);
	*ret = p;
	return 0;
}

struct memacct_procs *memacct_procs_free(struct memacct_procs *p)
{
	if (p) {
		memacct_usage_free(p->u);
		memacct_meminfo_free(p->mi[0]);
		memacct_meminfo_free(p->mi[1]);
		memacct_meminfo_free(p->sample);
		for (unsigned i = 1; i < p->nw; i++) {
			memacct_source_free(p->w[i].src);
			memacct_usage_free(p->w[i].u);
		}
		free(p->w);
		free(p->v);
		free(p->pids);
		free(p->kthreads);
		free(p);
	}
	return NULL;
}

/* Widen the range of every key by the meminfo @mi, read with result @r. */
static void sample(struct memacct_procs *p, const struct memacct_meminfo *mi, int r)
{
	uint64_t v;

	if (r < 0)
		return;
	for (uint32_t k = 1; k <= MEMINFO_NKEYS; k++) {
		if (memacct_meminfo_get(mi, k, &v) < 0)
			continue;
		if (!p->mi_has[k] || v < p->mi_lo[k])
			p->mi_lo[k] = v;
		if (!p->mi_has[k] || v > p->mi_hi[k])
			p->mi_hi[k] = v;
		p->mi_has[k] = true;
	}
}

/*
 * A captured tree holds one meminfo, read before its processes; a capture
 * also keeps, in DIR/meminfo.scan beside DIR/proc, the meminfo texts it read
 * while it read the processes, each ended by an empty line. Their range is
 * how far meminfo moved while the tree's processes were read, which a scan
 * of the tree cannot see otherwise. @return how many were read; none when
 * the file is absent (an older capture, a tree made by hand).
 */
static size_t sample_captured(struct memacct_procs *p, struct memacct_source *src)
{
	const char *buf, *end, *sep;
	size_t len, n = 0;

	if (memacct_source_read_file(src, "../meminfo.scan", &buf, &len) < 0)
		return 0;
	for (end = buf + len; buf < end; buf = sep + 2) {
		sep = memmem(buf, (size_t)(end - buf), "\n\n", 2);
		if (!sep)
			sep = end - 1;
		if (memacct_meminfo_parse(p->sample, buf, (size_t)(sep + 1 - buf), NULL) == 0) {
			sample(p, p->sample, 0);
			n++;
		}
	}
	return n;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A directory name that is a pid: decimal digits, no leading zero, > 0, fits an int. */
static int parse_pid(const char *name)
{
	int64_t v = 0;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9')
			return 0;
		v = v * 10 + (*name - '0');
		if (v > INT32_MAX)
			return 0;
	}
	return (int)v;
}

static int add_int(int **v, size_t *n, size_t *cap, int x)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 512;
		int *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static int add_pid(struct memacct_procs *p, int pid)
{
	return add_int(&p->pids, &p->npids, &p->cap_pids, pid);
}

/* The pids of the root, with getdents64 into the handle's buffer: no DIR, no allocation. */
static int list_pids(struct memacct_procs *p, struct memacct_source *src,
		     struct memacct_diag *diag)
{
	int fd, r = 0;

	fd = source_openat(src, ".", O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		diag_set(diag, fd, 0, 0, NULL, 0, "the root directory cannot be listed");
		return fd;
	}
	for (;;) {
		ssize_t n = getdents64(fd, p->dents, sizeof(p->dents));
		size_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			diag_set(diag, r, 0, 0, NULL, 0, "the root directory cannot be listed");
			break;
		}
		if (n == 0)
			break;
		while (off < (size_t)n) {
			const struct dirent64 *d = (const struct dirent64 *)((const char *)p->dents + off);
			int pid;

			off += d->d_reclen;
			if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
				continue;
			pid = parse_pid(d->d_name);
			if (pid > 0) {
				r = add_pid(p, pid);
				if (r < 0)
					goto out;
			}
		}
	}
out:
	close(fd);
	return r;
}

static void sift_down(int *a, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		int t;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[root] >= a[c])
			return;
		t = a[root];
		a[root] = a[c];
		a[c] = t;
		root = c;
	}
}

/* Heapsort: in place, so a scan allocates nothing (glibc's qsort may). */
static void sort_pids(int *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end > 1; end--) {
		int t = a[0];

		a[0] = a[end - 1];
		a[end - 1] = t;
		sift_down(a, 0, end - 1);
	}
}

#define PF_KTHREAD 0x00200000	/* include/linux/sched.h */

/*
 * The kernel threads of a live /proc, in one read: every kernel thread but
 * kthreadd itself is a child of kthreadd, pid 2, and its task/2/children lists
 * them (CONFIG_PROC_CHILDREN). A scan then skips them without reading their
 * status, three system calls and a status text each: most of the pids of an
 * idle machine. Pid 2 must be kthreadd: its stat flags have PF_KTHREAD, which
 * no user process can set (in a pid namespace, pid 2 is a user process). A
 * listed pid can only be a user process by the time it is read if the kernel
 * thread exited and its pid was reused during the scan, which takes a
 * wrap-around of pid_max. Anything unexpected leaves the list empty: every
 * process is then read and told apart by its status, as on a captured tree.
 */
static int list_kthreads(struct memacct_procs *p, struct memacct_source *src)
{
	const char *buf, *end, *s;
	unsigned long long flags;
	size_t len;
	int field, r;

	p->nkthreads = 0;
	if (!source_is_live(src) || memacct_source_read_file(src, "2/stat", &buf, &len) < 0)
		return 0;
	/* "2 (kthreadd) S 0 0 0 0 -1 FLAGS ...": flags is the 7th field after the name. */
	end = buf + len;
	s = memrchr(buf, ')', len);
	if (len < 3 || memcmp(buf, "2 (", 3) || !s)
		return 0;
	for (field = 0, s++; s < end && field < 7; field++) {
		while (s < end && *s == ' ')
			s++;
		if (field < 6)
			while (s < end && *s != ' ')
				s++;
	}
	for (flags = 0; s < end && *s >= '0' && *s <= '9'; s++)
		flags = flags * 10 + (unsigned)(*s - '0');
	if (!(flags & PF_KTHREAD))
		return 0;

	if (memacct_source_read_file(src, "2/task/2/children", &buf, &len) < 0)
		return 0;
	for (s = buf, end = buf + len; s < end;) {
		int64_t v = 0;

		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		for (; s < end && *s >= '0' && *s <= '9'; s++) {
			v = v * 10 + (*s - '0');
			if (v > INT32_MAX)
				break;
		}
		if (v <= 0 || v > INT32_MAX || (s < end && *s != ' ' && *s != '\n')) {
			p->nkthreads = 0;
			return 0;
		}
		r = add_int(&p->kthreads, &p->nkthreads, &p->cap_kthreads, (int)v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Room for @n slots, grown with a margin so that a system's churn does not realloc each scan. */
static int reserve(struct memacct_procs *p, size_t n)
{
	struct proc *v;
	size_t ncap;

	if (n <= p->cap)
		return 0;
	ncap = n + n / 4 + 64;
	v = realloc(p->v, ncap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->v = v;
	p->cap = ncap;
	return 0;
}

/* Keep in @e what the last read of @u gave for @pid; @partial: its smaps_rollup was denied. */
static void keep(struct proc *e, const struct memacct_usage *u, int pid, bool partial)
{
	const struct memacct_status *st;
	const struct memacct_vmas *rollup;
	const char *name;
	uint64_t v;

	e->pid = pid;
	e->fate = KEPT;
	e->partial = partial;
	if (memacct_usage_get_status(u, &st) == 0) {
		if (memacct_status_get_text(st, "Name", &name) == 0) {
			size_t len = strlen(name);

			if (len >= COMM_MAX)
				len = COMM_MAX - 1;
			memcpy(e->comm, name, len);
			e->comm[len] = '\0';
		}
		if (memacct_status_get(st, MEMACCT_STATUS_UID_REAL, &v) == 0) {
			e->uid = (uint32_t)v;
			e->has_uid = true;
		}
	}
	for (uint32_t k = MEMACCT_USAGE_VSS; k < NKEYS; k++)
		if (memacct_usage_get(u, k, &e->val[k]) == 0)
			e->has |= 1u << k;
	if (!partial && memacct_usage_get_rollup(u, &rollup) == 0 &&
	    memacct_vmas_count(rollup) == 1) {
		const struct memacct_vma *vma = memacct_vmas_at(rollup, 0);

		for (unsigned x = 0; x < PROCS_NX; x++)
			if (memacct_vma_get(vma, x_keys[x], &e->x[x]) == 0)
				e->has_x |= 1u << x;
	}
}

static void add_total(struct total *t, uint64_t v)
{
	if (__builtin_add_overflow(t->sum, v, &t->sum))
		t->overflow = true;
	t->have++;
}

static void sum_up(struct memacct_procs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct proc *e = &p->v[i];

		for (uint32_t k = MEMACCT_USAGE_VSS; k < NKEYS; k++)
			if (e->has & (1u << k))
				add_total(&p->tot[k], e->val[k]);
		for (unsigned x = 0; x < PROCS_NX; x++)
			if (e->has_x & (1u << x))
				add_total(&p->tot_x[x], e->x[x]);
	}
}

/* Read one process into its slot @e: kept, partial, or skipped for a reason. */
static int scan_one(struct worker *w, struct proc *e, int pid)
{
	const struct memacct_status *st;
	int r = memacct_usage_read(w->u, w->src, pid, w->p->uflags, NULL);

	memset(e, 0, sizeof(*e));
	e->pid = pid;
	switch (r) {
	case 0:
		if (memacct_usage_is_kernel_thread(w->u) == 1) {
			e->fate = MEMACCT_PROCS_KERNEL_THREAD;
		} else {
			keep(e, w->u, pid, false);
			if (!w->p->uflags)
				w->warm = true;
		}
		return 0;
	case -ESRCH:
	case -ENOENT:
		e->fate = MEMACCT_PROCS_VANISHED;
		return 0;
	case -EACCES:
	case -EPERM:
		/* smaps_rollup denied: what status gave is kept; status denied: nothing. */
		if (memacct_usage_get_status(w->u, &st) == 0)
			keep(e, w->u, pid, true);
		else
			e->fate = MEMACCT_PROCS_DENIED;
		return 0;
	case -ENOMEM:
		return r;
	default:
		e->fate = MEMACCT_PROCS_FAILED;
		return 0;
	}
}

/*
 * A worker's loop: claim the next pid, read it into the slot of the same
 * index. Slots are written by one worker each and read by the caller after
 * the joins, so the result is the single-threaded one whatever the
 * interleaving. Worker 0 alone samples meminfo, through the caller's source:
 * every SAMPLE_EVERY of its own processes, which spaces the samples in time
 * as a single-threaded scan does.
 */
static void *work(void *arg)
{
	struct worker *w = arg;
	struct memacct_procs *p = w->p;
	size_t nread = 0;

	while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		size_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
		int r;

		if (i >= p->npids)
			break;
		r = scan_one(w, &p->v[i], p->pids[i]);
		if (r < 0) {
			w->err = r;
			atomic_store_explicit(&p->stop, true, memory_order_relaxed);
			break;
		}
		if (w == &p->w[0] && ++nread % SAMPLE_EVERY == 0 &&
		    atomic_load_explicit(&p->next, memory_order_relaxed) < p->npids) {
			r = memacct_meminfo_read(p->sample, w->src, NULL);
			sample(p, p->sample, r);
			p->sample_warm |= r == 0;
		}
	}
	return NULL;
}

int memacct_procs_set_threads(struct memacct_procs *p, unsigned n)
{
	assert_return(p, -EINVAL);
	assert_return(n <= THREADS_MAX, -EINVAL);
	if (n == 0) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		n = online < 1 ? 1 : online > THREADS_MAX ? THREADS_MAX : (unsigned)online;
	}
	p->threads = n;
	return 0;
}

/*
 * Ready workers 0..@n-1 to read @src: worker 0 is the caller's source and
 * the handle's usage, the others keep their own from scan to scan while the
 * root and its properties stay the same. A kept source holds its root open,
 * so a root with the same device and inode is the same directory. Returns
 * how many workers are ready, >= 1: a worker that cannot have a source
 * (out of fds or memory) leaves its share to the others; or -ENOMEM.
 */
static int prepare(struct memacct_procs *p, struct memacct_source *src, unsigned n)
{
	struct memacct_source_opts opts = { .sz = sizeof(opts) };
	uint64_t ps = 0, ncpus = 0;
	struct stat st;
	unsigned ready = 1;
	int fd;

	if (n > p->nw) {
		struct worker *w = realloc(p->w, n * sizeof(*w));

		if (!w)
			return -ENOMEM;
		memset(w + p->nw, 0, (n - p->nw) * sizeof(*w));
		p->w = w;
		p->nw = n;
	}
	for (unsigned i = 0; i < n; i++) {
		p->w[i].p = p;
		p->w[i].err = 0;
	}
	p->w[0].src = src;
	p->w[0].u = p->u;
	if (n == 1)
		return 1;

	fd = source_openat(src, ".", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 1;
	if (fstat(fd, &st) < 0)
		goto out;
	(void)memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &ps);
	(void)memacct_source_get(src, MEMACCT_SOURCE_NCPUS, &ncpus);
	if (st.st_dev != p->root_dev || st.st_ino != p->root_ino || ps != p->root_page_size ||
	    ncpus != p->root_ncpus) {
		for (unsigned i = 1; i < p->nw; i++) {
			p->w[i].src = memacct_source_free(p->w[i].src);
			p->w[i].warm = false;
		}
		p->root_dev = st.st_dev;
		p->root_ino = st.st_ino;
		p->root_page_size = ps;
		p->root_ncpus = ncpus;
	}
	opts.page_size = ps;
	opts.ncpus = ncpus > UINT32_MAX ? 0 : (uint32_t)ncpus;
	for (; ready < n; ready++) {
		struct worker *w = &p->w[ready];

		if (!w->u && memacct_usage_new(&w->u) < 0)
			break;
		if (!w->src && memacct_source_new_fd(fd, &opts, &w->src) < 0)
			break;
	}
out:
	close(fd);
	return (int)ready;
}

/*
 * Which worker reads which process varies from scan to scan, and a thread
 * may get no process at all in a scan (scheduled late). A worker that has
 * not yet read a process whole reads one now, the first kept one, so that
 * its buffers are grown in the first scan and a steady state allocates
 * nothing. The result is dropped. This costs one read per thread, once.
 */
static void warm_up(struct memacct_procs *p, struct memacct_source *src, unsigned n)
{
	const struct proc *e = NULL;
	int r;

	/* Likewise the meminfo of the samples, which a short share may not have read. */
	if (!p->sample_warm) {
		r = memacct_meminfo_read(p->sample, src, NULL);
		sample(p, p->sample, r);
		p->sample_warm = r == 0;
	}
	for (size_t i = 0; i < p->n && !e; i++)
		if (!p->v[i].partial)
			e = &p->v[i];
	if (!e)
		return;
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &p->w[i];

		if (!w->warm && memacct_usage_read(w->u, w->src, e->pid, 0, NULL) == 0)
			w->warm = true;
	}
}

/*
 * Run workers 1..@n-1 on threads of their own and worker 0 on the caller's,
 * then join them. The threads block every signal: the caller's handlers run
 * where they expect. A thread that cannot be created leaves its share to the
 * others. Returns the first error of a worker.
 */
static int run(struct memacct_procs *p, unsigned n)
{
	sigset_t all, old;
	unsigned started = 1;
	int r = 0;

	atomic_store_explicit(&p->next, 0, memory_order_relaxed);
	atomic_store_explicit(&p->stop, false, memory_order_relaxed);
	if (n > 1) {
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		for (; started < n; started++)
			if (pthread_create(&p->w[started].tid, NULL, work, &p->w[started]))
				break;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	work(&p->w[0]);
	for (unsigned i = 1; i < started; i++)
		pthread_join(p->w[i].tid, NULL);
	for (unsigned i = 0; i < started; i++)
		if (p->w[i].err < 0 && r == 0)
			r = p->w[i].err;
	return r;
}

/* Drop the pids of @p->kthreads from the list, counting them: neither is read. */
static void drop_kthreads(struct memacct_procs *p)
{
	size_t k = 0, out = 0;

	for (size_t i = 0; i < p->npids; i++) {
		while (k < p->nkthreads && p->kthreads[k] < p->pids[i])
			k++;
		if (k < p->nkthreads && p->kthreads[k] == p->pids[i]) {
			p->skipped[MEMACCT_PROCS_KERNEL_THREAD]++;
			continue;
		}
		p->pids[out++] = p->pids[i];
	}
	p->npids = out;
}

/* Count the fates of the slots and pack the kept ones to the front, in pid order. */
static void gather(struct memacct_procs *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->npids; i++) {
		const struct proc *e = &p->v[i];

		if (e->fate != KEPT) {
			p->skipped[e->fate]++;
			continue;
		}
		if (e->partial)
			p->partial++;
		if (n != i)
			p->v[n] = *e;
		n++;
	}
	p->n = n;
}

int memacct_procs_read(struct memacct_procs *p, struct memacct_source *src, uint32_t flags,
		       struct memacct_diag *diag)
{
	uint64_t start;
	unsigned n;
	int r;

	assert_return(p && src, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PROCS_CHEAP), -EINVAL);
	reset(p);
	p->uflags = flags & MEMACCT_PROCS_CHEAP ? MEMACCT_USAGE_CHEAP : 0;

	start = now_ns();
	p->mi_err[0] = memacct_meminfo_read(p->mi[0], src, NULL);
	sample(p, p->mi[0], p->mi_err[0]);
	r = list_pids(p, src, diag);
	if (r < 0)
		goto fail;
	sort_pids(p->pids, p->npids);
	r = list_kthreads(p, src);
	if (r < 0)
		goto oom;
	sort_pids(p->kthreads, p->nkthreads);
	drop_kthreads(p);
	r = reserve(p, p->npids);
	if (r < 0)
		goto oom;
	n = p->threads;
	if (n > p->npids)
		n = p->npids > 0 ? (unsigned)p->npids : 1;
	r = prepare(p, src, n);
	if (r < 0)
		goto oom;
	n = (unsigned)r;
	r = run(p, n);
	if (r < 0)
		goto oom;
	gather(p);
	warm_up(p, src, n);
	p->mi_err[1] = memacct_meminfo_read(p->mi[1], src, NULL);
	sample(p, p->mi[1], p->mi_err[1]);
	if (!source_is_live(src))
		p->captured_samples = sample_captured(p, src);
	p->duration_ns = now_ns() - start;
	sum_up(p);
	p->scanned = true;
	return 0;
oom:
	diag_set(diag, r, 0, 0, NULL, 0, "out of memory while scanning the processes");
fail:
	reset(p);
	return r;
}

int memacct_procs_count(const struct memacct_procs *p)
{
	assert_return(p, -EINVAL);
	return p->n > INT32_MAX ? INT32_MAX : (int)p->n;
}

static int at(const struct memacct_procs *p, size_t i, const struct proc **ret)
{
	assert_return(p, -EINVAL);
	if (i >= p->n)
		return -ERANGE;
	*ret = &p->v[i];
	return 0;
}

int memacct_procs_get_pid(const struct memacct_procs *p, size_t i, int *ret)
{
	const struct proc *e;
	int r;

	assert_return(ret, -EINVAL);
	r = at(p, i, &e);
	if (r < 0)
		return r;
	*ret = e->pid;
	return 0;
}

int memacct_procs_get_comm(const struct memacct_procs *p, size_t i, const char **ret)
{
	const struct proc *e;
	int r;

	assert_return(ret, -EINVAL);
	r = at(p, i, &e);
	if (r < 0)
		return r;
	*ret = e->comm;
	return 0;
}

int memacct_procs_get_uid(const struct memacct_procs *p, size_t i, uint32_t *ret)
{
	const struct proc *e;
	int r;

	assert_return(ret, -EINVAL);
	r = at(p, i, &e);
	if (r < 0)
		return r;
	if (!e->has_uid)
		return -ENOENT;
	*ret = e->uid;
	return 0;
}

int memacct_procs_get(const struct memacct_procs *p, size_t i, uint32_t key, uint64_t *ret)
{
	const struct proc *e;
	int r;

	assert_return(ret, -EINVAL);
	r = at(p, i, &e);
	if (r < 0)
		return r;
	assert_return(key >= MEMACCT_USAGE_VSS && key < NKEYS, -EOPNOTSUPP);
	if (!(e->has & (1u << key)))
		return -ENOENT;
	*ret = e->val[key];
	return 0;
}

int memacct_procs_is_partial(const struct memacct_procs *p, size_t i)
{
	const struct proc *e;
	int r = at(p, i, &e);

	return r < 0 ? r : e->partial;
}

static int total_of(const struct memacct_procs *p, const struct total *t, uint64_t *ret_sum,
		    size_t *ret_lacking)
{
	if (!t->have)
		return -ENOENT;
	if (t->overflow)
		return -EOVERFLOW;
	*ret_sum = t->sum;
	if (ret_lacking)
		*ret_lacking = p->n - t->have;
	return 0;
}

int memacct_procs_get_total(const struct memacct_procs *p, uint32_t key, uint64_t *ret_sum,
			    size_t *ret_lacking)
{
	assert_return(p && ret_sum, -EINVAL);
	assert_return(key >= MEMACCT_USAGE_VSS && key < NKEYS, -EOPNOTSUPP);
	return total_of(p, &p->tot[key], ret_sum, ret_lacking);
}

int memacct_procs_count_skipped(const struct memacct_procs *p, uint32_t reason)
{
	assert_return(p, -EINVAL);
	assert_return(reason >= MEMACCT_PROCS_VANISHED && reason < NREASONS, -EOPNOTSUPP);
	return p->skipped[reason] > INT32_MAX ? INT32_MAX : (int)p->skipped[reason];
}

int memacct_procs_count_partial(const struct memacct_procs *p)
{
	assert_return(p, -EINVAL);
	return p->partial > INT32_MAX ? INT32_MAX : (int)p->partial;
}

int memacct_procs_get_meminfo(const struct memacct_procs *p, uint32_t when,
			      const struct memacct_meminfo **ret)
{
	assert_return(p && ret, -EINVAL);
	assert_return(when == MEMACCT_PROCS_AT_START || when == MEMACCT_PROCS_AT_END, -EOPNOTSUPP);
	if (p->mi_err[when - 1] < 0)
		return p->mi_err[when - 1];
	*ret = p->mi[when - 1];
	return 0;
}

int memacct_procs_get_meminfo_range(const struct memacct_procs *p, uint32_t key,
				    uint64_t *ret_min, uint64_t *ret_max)
{
	assert_return(p && ret_min && ret_max, -EINVAL);
	assert_return(key >= 1 && key <= MEMINFO_NKEYS, -EOPNOTSUPP);
	if (!p->mi_has[key])
		return -ENOENT;
	*ret_min = p->mi_lo[key];
	*ret_max = p->mi_hi[key];
	return 0;
}

int memacct_procs_get_duration(const struct memacct_procs *p, uint64_t *ret_ns)
{
	assert_return(p && ret_ns, -EINVAL);
	if (!p->scanned)
		return -ENOENT;
	*ret_ns = p->duration_ns;
	return 0;
}

size_t procs_captured_samples(const struct memacct_procs *p)
{
	return p->captured_samples;
}

int procs_get_extra(const struct memacct_procs *p, size_t i, unsigned x, uint64_t *ret)
{
	const struct proc *e;
	int r = at(p, i, &e);

	if (r < 0)
		return r;
	assert(x < PROCS_NX);
	if (!(e->has_x & (1u << x)))
		return -ENOENT;
	*ret = e->x[x];
	return 0;
}

int procs_get_extra_total(const struct memacct_procs *p, unsigned x, uint64_t *ret_sum,
			  size_t *ret_lacking)
{
	assert(x < PROCS_NX);
	return total_of(p, &p->tot_x[x], ret_sum, ret_lacking);
}

/* Hugetlb as the unaccounted formulas take it: no hugetlb line at all is no pool (derived.c). */
static int hugetlb_or_none(const struct memacct_meminfo *mi, int64_t *ret)
{
	int r = memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_HUGETLB, ret);

	if (r == -ENOENT && !memacct_meminfo_has(mi, MEMACCT_MEMINFO_HUGEPAGES_TOTAL) &&
	    !memacct_meminfo_has(mi, MEMACCT_MEMINFO_HUGEPAGESIZE)) {
		*ret = 0;
		return 0;
	}
	return r;
}

int memacct_procs_get_unaccounted(const struct memacct_procs *p,
				  const struct memacct_meminfo *mi, int64_t *ret,
				  size_t *ret_unknown)
{
	uint64_t total, free, buffers, pss = 0;
	int64_t kernel, unmapped, huge, x, user;
	size_t lacking = 0, unknown;
	int r;

	assert_return(p && ret, -EINVAL);
	if (!p->scanned)
		return -ENOENT;
	if (!mi) {
		r = memacct_procs_get_meminfo(p, MEMACCT_PROCS_AT_END, &mi);
		if (r < 0)
			return r;
	}
	unknown = p->skipped[MEMACCT_PROCS_DENIED] + p->skipped[MEMACCT_PROCS_FAILED];
	r = memacct_procs_get_total(p, MEMACCT_USAGE_PSS, &pss, &lacking);
	if (r == -ENOENT)
		lacking = p->n;	/* no kept process gave its Pss */
	else if (r < 0)
		return r;
	unknown += lacking;
	if (p->n == 0 && unknown == 0)
		return -ENOENT;

	if (meminfo_value(mi, MEMACCT_MEMINFO_MEMTOTAL, &total) < 0 ||
	    meminfo_value(mi, MEMACCT_MEMINFO_MEMFREE, &free) < 0 ||
	    meminfo_value(mi, MEMACCT_MEMINFO_BUFFERS, &buffers) < 0)
		return -ENOENT;
	r = memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_KERNEL, &kernel);
	if (r >= 0)
		r = memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_CACHE_UNMAPPED, &unmapped);
	if (r >= 0)
		r = hugetlb_or_none(mi, &huge);
	if (r < 0)
		return r;
	if (total > INT64_MAX || free > INT64_MAX || buffers > INT64_MAX || pss > INT64_MAX)
		return -EOVERFLOW;

	if (__builtin_add_overflow((int64_t)pss, unmapped, &user) ||
	    __builtin_add_overflow(user, (int64_t)buffers, &user) ||
	    __builtin_add_overflow(user, huge, &user) ||
	    __builtin_sub_overflow((int64_t)total, (int64_t)free, &x) ||
	    __builtin_sub_overflow(x, kernel, &x) || __builtin_sub_overflow(x, user, &x))
		return -EOVERFLOW;
	*ret = x;
	if (ret_unknown)
		*ret_unknown = unknown;
	return unknown > 0;
}
