// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-top [--rounds N] [--batch-ms MS] [--threads N] [--only CASE --calls N]
 *
 * Microseconds per scan of every process of the live /proc, side by side in
 * one run:
 *   top       what `memacct-cli top --threads 1` does before it prints:
 *             memacct_procs_read() on one kept handle (each PID/status and
 *             PID/smaps_rollup, and meminfo every 8 processes), then the rows
 *             (pid, comm, uid, VSS, RSS, PSS, USS, swap, SwapPss) ranked by PSS
 *   topN      the same on N threads (memacct_procs_set_threads(); --threads,
 *             default: the online CPUs), what `memacct-cli top` does
 *   cat       `cat /proc/[0-9]*\/smaps_rollup >/dev/null` done in C: list
 *             /proc, then open, read to the end and close each smaps_rollup:
 *             the floor, since the kernel's walk of the page tables dominates
 *   catN      the same reads spread over N threads, each taking the next pid
 *             of the listing: the floor of a parallel scan
 *   libproc2  procps_pids_reap() of the same columns (pid, command, real uid,
 *             VmSize, VmRSS, smaps_rollup Pss, private, Swap, SwapPss) on one
 *             kept pids_info, then procps_pids_sort() by PSS (when built with
 *             libproc2)
 * Each round runs one calibrated batch of every case, in an order that
 * rotates from round to round; the figure reported is the median over rounds.
 * The goals (topN/cat <= 0.7, top/cat <= 1.0, top and topN/libproc2 <= 0.95)
 * are reported as PASS or MISS and never fail the run. --only CASE --calls N makes N untimed calls of
 * one case and exits: the way to profile it (perf record bench-top --only top
 * --calls 2000). Processes that come or go during the run make
 * the cases differ by a few files; the counts of the last batch are printed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <memacct/memacct.h>

#ifdef HAVE_LIBPROC2
#include <libproc2/pids.h>
#endif

#define MAX_ROUNDS 1001
#define READ_BUF (128 * 1024)	/* what cat reads with */
#define MAX_THREADS 256

static const uint32_t cols[] = {
	MEMACCT_USAGE_VSS, MEMACCT_USAGE_RSS, MEMACCT_USAGE_PSS,
	MEMACCT_USAGE_USS, MEMACCT_USAGE_SWAP, MEMACCT_USAGE_SWAP_PSS,
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))
#define PSS_COL 2

struct row {
	int pid;
	uint32_t uid;
	const char *comm;
	uint64_t v[NCOLS];
	uint32_t has;
};

struct ctx;

/* One thread of catN. */
struct cat_worker {
	struct ctx *c;
	pthread_t tid;
	char *buf;
	size_t nread;
};

struct ctx {
	struct memacct_source *src;
	struct memacct_procs *procs;	/* the one the last top case scanned with */
	struct memacct_procs *procs1, *procsn;
	struct row *rows;
	size_t nrows, cap;
	char *buf;
	size_t ncat;		/* smaps_rollup files the last cat case read */
	/* catN: the pids listed, the next to take, the threads */
	unsigned nthreads;
	int *pids;
	size_t npids, cap_pids;
	atomic_size_t next;
	struct cat_worker w[MAX_THREADS];
	size_t ncatn;
#ifdef HAVE_LIBPROC2
	struct pids_info *info;
	int nlibproc2;		/* processes the last libproc2 case ranked */
#endif
};

struct bench_case {
	const char *name;
	const char *what;
	int (*fn)(struct ctx *c);
	uint64_t batch;
	double ns[MAX_ROUNDS];
};

/* Largest PSS first; a process without PSS (partial) after every one with it. */
static int cmp_pss(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int hx = !!(x->has & (1u << PSS_COL)), hy = !!(y->has & (1u << PSS_COL));

	if (hx != hy)
		return hy - hx;
	if (x->v[PSS_COL] != y->v[PSS_COL])
		return x->v[PSS_COL] < y->v[PSS_COL] ? 1 : -1;
	return x->pid - y->pid;
}

static int do_top(struct ctx *c)
{
	int r, n;

	if (!c->procs)
		c->procs = c->procs1;
	r = memacct_procs_read(c->procs, c->src, 0, NULL);
	if (r < 0)
		return r;
	n = memacct_procs_count(c->procs);
	if (n < 0)
		return n;
	if ((size_t)n > c->cap) {
		struct row *v = realloc(c->rows, (size_t)n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->rows = v;
		c->cap = (size_t)n;
	}
	for (size_t i = 0; i < (size_t)n; i++) {
		struct row *w = &c->rows[i];

		w->has = 0;
		memacct_procs_get_pid(c->procs, i, &w->pid);
		memacct_procs_get_comm(c->procs, i, &w->comm);
		if (memacct_procs_get_uid(c->procs, i, &w->uid) < 0)
			w->uid = UINT32_MAX;
		for (size_t k = 0; k < NCOLS; k++)
			if (memacct_procs_get(c->procs, i, cols[k], &w->v[k]) == 0)
				w->has |= 1u << k;
	}
	c->nrows = (size_t)n;
	qsort(c->rows, c->nrows, sizeof(*c->rows), cmp_pss);
	return 0;
}

static int do_top1(struct ctx *c)
{
	c->procs = c->procs1;
	return do_top(c);
}

static int do_topn(struct ctx *c)
{
	c->procs = c->procsn;
	return do_top(c);
}

static int do_cat(struct ctx *c)
{
	char path[6 + 256 + 14];	/* "/proc/" d_name "/smaps_rollup" */
	struct dirent *d;
	DIR *dir = opendir("/proc");
	ssize_t n;
	int fd;

	if (!dir)
		return -errno;
	c->ncat = 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/smaps_rollup", d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* gone, or denied: cat would say so and go on */
		do
			n = read(fd, c->buf, READ_BUF);
		while (n > 0);
		close(fd);
		c->ncat++;
	}
	closedir(dir);
	return 0;
}

static size_t cat_one(char *buf, int pid)
{
	char path[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	do
		n = read(fd, buf, READ_BUF);
	while (n > 0);
	close(fd);
	return 1;
}

static void *cat_work(void *arg)
{
	struct cat_worker *w = arg;
	struct ctx *c = w->c;

	w->nread = 0;
	for (;;) {
		size_t i = atomic_fetch_add_explicit(&c->next, 1, memory_order_relaxed);

		if (i >= c->npids)
			break;
		w->nread += cat_one(w->buf, c->pids[i]);
	}
	return NULL;
}

/* catN: list /proc, then the threads (this one too) read the files of the pids they take. */
static int do_catn(struct ctx *c)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");
	unsigned started = 1;

	if (!dir)
		return -errno;
	c->npids = 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		if (c->npids == c->cap_pids) {
			size_t ncap = c->cap_pids ? 2 * c->cap_pids : 1024;
			int *v = realloc(c->pids, ncap * sizeof(*v));

			if (!v) {
				closedir(dir);
				return -ENOMEM;
			}
			c->pids = v;
			c->cap_pids = ncap;
		}
		c->pids[c->npids++] = atoi(d->d_name);
	}
	closedir(dir);
	atomic_store(&c->next, 0);
	for (; started < c->nthreads; started++)
		if (pthread_create(&c->w[started].tid, NULL, cat_work, &c->w[started]))
			break;
	cat_work(&c->w[0]);
	c->ncatn = c->w[0].nread;
	for (unsigned i = 1; i < started; i++) {
		pthread_join(c->w[i].tid, NULL);
		c->ncatn += c->w[i].nread;
	}
	return 0;
}

#ifdef HAVE_LIBPROC2
enum { I_PID, I_PSS };
static enum pids_item items[] = {
	[I_PID] = PIDS_ID_PID, [I_PSS] = PIDS_SMAP_PSS, PIDS_CMD, PIDS_ID_RUID, PIDS_VM_SIZE,
	PIDS_VM_RSS, PIDS_SMAP_PRV_TOTAL, PIDS_SMAP_SWAP, PIDS_SMAP_SWAP_PSS,
};

static int do_libproc2(struct ctx *c)
{
	struct pids_fetch *f = procps_pids_reap(c->info, PIDS_FETCH_TASKS_ONLY);

	if (!f)
		return -EIO;
	c->nlibproc2 = f->counts->total;
	if (c->nlibproc2 > 0 &&
	    !procps_pids_sort(c->info, f->stacks, f->counts->total, PIDS_SMAP_PSS, PIDS_SORT_DESCEND))
		return -EIO;
	return 0;
}
#endif

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-top: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(2);
}

#include "bench-util.h"

static void usage(void)
{
	fprintf(stderr, "usage: bench-top [--rounds N] [--batch-ms MS] [--threads N] "
		"[--only CASE --calls N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench_case cases[] = {
		{ .name = "top", .what = "memacct_procs_read + rank by PSS, 1 thread", .fn = do_top1 },
		{ .name = "topN", .what = "the same on N threads", .fn = do_topn },
		{ .name = "cat", .what = "open/read/close each smaps_rollup (floor)", .fn = do_cat },
		{ .name = "catN", .what = "the same on N threads (parallel floor)", .fn = do_catn },
#ifdef HAVE_LIBPROC2
		{ .name = "libproc2", .what = "procps_pids_reap + procps_pids_sort by PSS",
		  .fn = do_libproc2 },
#endif
	};
	enum { TOP, TOPN, CAT, CATN, LIBPROC2 };
	const size_t ncases = sizeof(cases) / sizeof(cases[0]);
	unsigned rounds = 15, batch_ms = 200;
	const char *only = NULL;
	long calls = -1, online = sysconf(_SC_NPROCESSORS_ONLN);
	struct ctx c = { .nthreads = online > 0 ? (unsigned)online : 1 };
	double med[5] = { 0 };
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--batch-ms") && i + 1 < argc)
			batch_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			c.nthreads = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			calls = strtol(argv[++i], NULL, 10);
		else
			usage();
	}
	if (rounds == 0 || rounds > MAX_ROUNDS || batch_ms == 0 || !only != (calls < 0) ||
	    c.nthreads == 0 || c.nthreads > MAX_THREADS)
		usage();

	if ((r = memacct_source_new(NULL, NULL, &c.src)) < 0)
		die("memacct_source_new", r);
	if ((r = memacct_procs_new(&c.procs1)) < 0 || (r = memacct_procs_new(&c.procsn)) < 0)
		die("memacct_procs_new", r);
	if ((r = memacct_procs_set_threads(c.procsn, c.nthreads)) < 0)
		die("memacct_procs_set_threads", r);
	c.buf = malloc(READ_BUF);
	if (!c.buf)
		die("malloc", ENOMEM);
	for (unsigned k = 0; k < c.nthreads; k++) {
		c.w[k].c = &c;
		c.w[k].buf = malloc(READ_BUF);
		if (!c.w[k].buf)
			die("malloc", ENOMEM);
	}
#ifdef HAVE_LIBPROC2
	r = procps_pids_new(&c.info, items, (int)(sizeof(items) / sizeof(items[0])));
	if (r < 0)
		die("procps_pids_new", r);
#endif

	/* Warm up: handles grow, dentries and caches fill. */
	for (size_t k = 0; k < ncases; k++)
		run_batch(&c, &cases[k], 20);

	/* The scan must have ranked what the kernel has, or the timing means nothing. */
	if (c.nrows == 0 || !(c.rows[0].has & (1u << PSS_COL)))
		die("top: no process with a PSS (is this root, on a live /proc?)", ENOENT);
#ifdef HAVE_LIBPROC2
	{
		/* Both read this process's PSS alike, give or take what it moved between them. */
		struct pids_fetch *f = procps_pids_reap(c.info, PIDS_FETCH_TASKS_ONLY);
		uint64_t theirs = 0, ours = 0;

		for (int k = 0; f && k < f->counts->total; k++)
			if (PIDS_VAL(I_PID, s_int, f->stacks[k], c.info) == getpid())
				theirs = PIDS_VAL(I_PSS, ul_int, f->stacks[k], c.info) * 1024ull;
		if ((r = do_top(&c)) < 0)
			die("top", r);
		for (size_t k = 0; k < c.nrows; k++)
			if (c.rows[k].pid == getpid())
				ours = c.rows[k].v[PSS_COL];
		if (!theirs || !ours || (ours > theirs ? ours - theirs : theirs - ours) > ours / 10) {
			fprintf(stderr, "bench-top: this process's PSS: libproc2 %llu, libmemacct %llu\n",
				(unsigned long long)theirs, (unsigned long long)ours);
			return 2;
		}
	}
#endif

	if (only) {
		for (size_t k = 0; k < ncases; k++)
			if (!strcmp(cases[k].name, only)) {
				run_batch(&c, &cases[k], (uint64_t)calls);
				printf("%ld untimed calls of %s done\n", calls, only);
				goto out;
			}
		usage();
	}

	for (size_t k = 0; k < ncases; k++)
		cases[k].batch = calibrate(&c, &cases[k], batch_ms);
	for (unsigned rd = 0; rd < rounds; rd++)
		for (size_t j = 0; j < ncases; j++) {
			struct bench_case *bc = &cases[(rd + j) % ncases];

			bc->ns[rd] = run_batch(&c, bc, bc->batch);
		}

	printf("bench-top: %u rounds, case order rotated each round, ~%u ms per batch, N = %u "
	       "threads\n", rounds, batch_ms, c.nthreads);
	printf("processes: top kept %d (skipped: %d kernel threads, %d vanished, %d denied, "
	       "%d failed; %d partial); cat read %zu smaps_rollup, catN %zu",
	       memacct_procs_count(c.procs1),
	       memacct_procs_count_skipped(c.procs1, MEMACCT_PROCS_KERNEL_THREAD),
	       memacct_procs_count_skipped(c.procs1, MEMACCT_PROCS_VANISHED),
	       memacct_procs_count_skipped(c.procs1, MEMACCT_PROCS_DENIED),
	       memacct_procs_count_skipped(c.procs1, MEMACCT_PROCS_FAILED),
	       memacct_procs_count_partial(c.procs1), c.ncat, c.ncatn);
#ifdef HAVE_LIBPROC2
	printf("; libproc2 ranked %d", c.nlibproc2);
#endif
	printf("\n%-9s %10s %10s %10s %8s  %s\n", "case", "median us", "min us", "max us", "batch",
	       "what");
	for (size_t k = 0; k < ncases; k++) {
		struct bench_case *bc = &cases[k];

		med[k] = median(bc->ns, rounds);
		printf("%-9s %10.1f %10.1f %10.1f %8llu  %s\n", bc->name, med[k] / 1e3,
		       bc->ns[0] / 1e3, bc->ns[rounds - 1] / 1e3, (unsigned long long)bc->batch,
		       bc->what);
	}
	printf("topN/cat      = %.3f (goal <= 0.70) %s\n", med[TOPN] / med[CAT],
	       med[TOPN] / med[CAT] <= 0.7 ? "PASS" : "MISS");
	printf("top/cat       = %.3f (goal <= 1.00) %s\n", med[TOP] / med[CAT],
	       med[TOP] / med[CAT] <= 1.0 ? "PASS" : "MISS");
	printf("topN/catN     = %.3f (the parallel floor; catN/cat = %.3f)\n",
	       med[TOPN] / med[CATN], med[CATN] / med[CAT]);
#ifdef HAVE_LIBPROC2
	printf("top/libproc2  = %.3f (goal <= 0.95) %s\n", med[TOP] / med[LIBPROC2],
	       med[TOP] / med[LIBPROC2] <= 0.95 ? "PASS" : "MISS");
	printf("topN/libproc2 = %.3f (goal <= 0.95) %s\n", med[TOPN] / med[LIBPROC2],
	       med[TOPN] / med[LIBPROC2] <= 0.95 ? "PASS" : "MISS");
#else
	(void)LIBPROC2;
	printf("top/libproc2  = n/a (built without libproc2)\n");
#endif
out:
#ifdef HAVE_LIBPROC2
	procps_pids_unref(&c.info);
#endif

	memacct_procs_free(c.procs1);
	memacct_procs_free(c.procsn);
	memacct_source_free(c.src);
	free(c.rows);
	free(c.buf);
	free(c.pids);
	for (unsigned k = 0; k < c.nthreads; k++)
		free(c.w[k].buf);
	return 0;
}
