// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * population [--procs N] [--heaps N] [--heap-mib MIN-MAX] [--vma-procs N]
 *            [--vmas N] [--thread-procs N] [--threads N] [--file-mib N]
 *            [--shm-mib N] [--tmpfs-mib N] [--tmpfs-files N] [--dir DIR]
 *            [--seed N]
 *
 * Builds a realistic population of processes for the benchmarks to measure,
 * prints "ready N" on stdout once every process has built its memory, and
 * holds it until stdin reaches end of file or a signal (INT, TERM, HUP, QUIT)
 * arrives. It then kills and reaps every child, unmounts its tmpfs and
 * removes its files, and exits 0 (1 when the population could not be built,
 * 2 on a usage error). Children die with it (PR_SET_PDEATHSIG), so even a
 * SIGKILL leaves no process behind; only the shared file under DIR remains.
 *
 * The kinds of process, --procs in all (300 by default):
 *   heap     --heaps (20) big private heaps of --heap-mib (64-256) MiB,
 *            malloc'ed and written
 *   vmas     --vma-procs (4) processes of --vmas (10000) VMAs each: one
 *            mapping of that many pages, written, then every other page
 *            mprotect'ed read-only
 *   threads  --thread-procs (20) processes of --threads (8) threads, each
 *            thread with 1 MiB of its own heap written
 *   file     reads a slice (a quarter to all of it, from a varying offset) of
 *            one --file-mib (256) MiB file on DIR's file system mapped
 *            MAP_SHARED: page cache with mapcounts from a few to ~80
 *   shm      reads all of a --shm-mib (256) MiB MAP_SHARED|MAP_ANONYMOUS
 *            region mapped before the fork, and writes its own slice of it
 *   tmpfs    maps one of --tmpfs-files (8) files (--tmpfs-mib, 256 MiB, in
 *            all) of a private tmpfs mount MAP_SHARED and writes all of it
 * The processes left after heap, vmas and threads are shared round robin
 * between file, shm and tmpfs. Every process also writes a private heap of
 * 1-4 MiB, so that each has a USS of its own.
 *
 * As root, the tmpfs is mounted in a mount namespace of the population's own,
 * under DIR (default $TMPDIR or /var/tmp), so that it vanishes with the last
 * process; without root, its files are made under /dev/shm. Sizes and
 * offsets come from --seed, so that two runs build the same population. The
 * defaults need about 5 GiB of memory and build in a few seconds on 2 cores.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)
#define BUILD_TIMEOUT_MS (600 * 1000)
#define THREAD_HEAP MIB

enum kind { K_HEAP, K_VMAS, K_THREADS, K_FILE, K_SHM, K_TMPFS, K_COUNT };

static const char *const kind_name[K_COUNT] = {
	"heap", "vmas", "threads", "file", "shm", "tmpfs",
};

struct opts {
	long procs, heaps, heap_min, heap_max, vma_procs, vmas, thread_procs, threads;
	long file_mib, shm_mib, tmpfs_mib, tmpfs_files;
	unsigned long seed;
	const char *dir;
};

struct pop {
	struct opts o;
	long page;
	char base[4096];	/* our directory under DIR */
	char file[4200];	/* the shared file */
	char tmpfs[4200];	/* the tmpfs mount point, or the /dev/shm directory */
	int mounted;		/* tmpfs mounted in our own mount namespace */
	int made_base, made_tmpfs;
	char *shm;		/* the shared anonymous region */
	pid_t *pids;
	long npids;
	long nready;		/* children that have built their memory */
	int sfd;		/* signalfd */
	int ready[2];
	uint64_t kind_bytes[K_COUNT];	/* bytes each kind writes or reads, summed */
	long kind_procs[K_COUNT];
};

/* ------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64: a deterministic sequence from --seed */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return hi <= lo ? lo : lo + rng_next(s) % (hi - lo + 1);
}

/* volatile: the compiler must not drop stores to memory nobody reads */
static void touch_write(char *p, size_t len, long page, unsigned char v)
{
	for (size_t i = 0; i < len; i += (size_t)page)
		((volatile char *)p)[i] = (char)(v | 1);
}

static unsigned long touch_read(const char *p, size_t len, long page)
{
	unsigned long sum = 0;

	for (size_t i = 0; i < len; i += (size_t)page)
		sum += (unsigned char)((const volatile char *)p)[i];
	return sum;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ children */

static void *thread_main(void *arg)
{
	long page = *(const long *)arg;
	char *p = malloc(THREAD_HEAP);

	if (p)
		touch_write(p, THREAD_HEAP, page, 0x5a);
	for (;;)
		pause();
	return NULL;
}

/* Builds one child's memory; 0 or a negative errno. */
static int build_child(struct pop *p, enum kind k, long idx, uint64_t *rng)
{
	const struct opts *o = &p->o;
	size_t len;
	char *m;
	int fd;

	/* a private heap of its own, 1-4 MiB */
	len = (size_t)rng_range(rng, 1, 4) * MIB;
	m = malloc(len);
	if (!m)
		return -ENOMEM;
	touch_write(m, len, p->page, (unsigned char)idx);

	if (k != K_SHM && p->shm)
		munmap(p->shm, (size_t)o->shm_mib * MIB);

	switch (k) {
	case K_HEAP:
		len = (size_t)rng_range(rng, (uint64_t)o->heap_min, (uint64_t)o->heap_max) * MIB;
		m = malloc(len);
		if (!m)
			return -ENOMEM;
		touch_write(m, len, p->page, (unsigned char)idx);
		break;
	case K_VMAS:
		len = (size_t)o->vmas * (size_t)p->page;
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -errno;
		touch_write(m, len, p->page, (unsigned char)idx);
		for (long i = 1; i < o->vmas; i += 2)
			if (mprotect(m + i * p->page, (size_t)p->page, PROT_READ) < 0)
				return -errno;
		break;
	case K_THREADS:
		for (long i = 1; i < o->threads; i++) {
			pthread_t t;
			int r = pthread_create(&t, NULL, thread_main, &p->page);

			if (r)
				return -r;
		}
		break;
	case K_FILE: {
		size_t size = (size_t)o->file_mib * MIB;
		size_t off, slice;

		fd = open(p->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			return -errno;
		/* a quarter to all of the file, wrapping: mapcounts differ page to page */
		slice = (size_t)rng_range(rng, 1, 4) * (size / 4) / (size_t)p->page * (size_t)p->page;
		off = (size_t)rng_range(rng, 0, size / (size_t)p->page - 1) * (size_t)p->page;
		if (off + slice <= size) {
			touch_read(m + off, slice, p->page);
		} else {
			touch_read(m + off, size - off, p->page);
			touch_read(m, slice - (size - off), p->page);
		}
		break;
	}
	case K_SHM: {
		size_t size = (size_t)o->shm_mib * MIB, part = size / 16;

		touch_read(p->shm, size, p->page);
		touch_write(p->shm + (size_t)(idx % 16) * part, part, p->page, (unsigned char)idx);
		break;
	}
	case K_TMPFS: {
		char path[4300];
		size_t size = (size_t)o->tmpfs_mib * MIB / (size_t)o->tmpfs_files;

		snprintf(path, sizeof(path), "%s/file%ld", p->tmpfs, idx % o->tmpfs_files);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED)
			return -errno;
		touch_write(m, size, p->page, (unsigned char)idx);
		break;
	}
	default:
		break;
	}
	return 0;
}

static void child_main(struct pop *p, enum kind k, long idx, pid_t parent)
{
	uint64_t rng = p->o.seed * 1000003u + (uint64_t)idx;
	sigset_t none;
	char c;
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close(p->sfd);
	close(p->ready[0]);
	if (!isatty(0)) {
		/* stdin is the population's: a child holding it would keep a pipe open */
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (nul >= 0) {
			dup2(nul, 0);
			close(nul);
		}
	}

	r = build_child(p, k, idx, &rng);
	c = r < 0 ? 'f' : 'r';
	if (r < 0)
		fprintf(stderr, "population: %s process %ld: %s\n", kind_name[k], idx, strerror(-r));
	if (write(p->ready[1], &c, 1) != 1 || r < 0)
		_exit(1);
	close(p->ready[1]);
	for (;;)
		pause();
}

/* ------------------------------------------------------------------ parent */

static void kill_all(struct pop *p)
{
	for (long i = 0; i < p->npids; i++)
		if (p->pids[i] > 0)
			kill(p->pids[i], SIGKILL);
	for (long i = 0; i < p->npids; i++)
		if (p->pids[i] > 0) {
			while (waitpid(p->pids[i], NULL, 0) < 0 && errno == EINTR)
				;
			p->pids[i] = 0;
		}
	p->npids = 0;
}

static void cleanup(struct pop *p)
{
	char path[4300];

	kill_all(p);
	if (p->shm)
		munmap(p->shm, (size_t)p->o.shm_mib * MIB);
	p->shm = NULL;
	if (p->made_tmpfs) {
		if (p->mounted) {
			if (umount2(p->tmpfs, MNT_DETACH) < 0)
				fprintf(stderr, "population: umount %s: %s\n", p->tmpfs,
					strerror(errno));
		} else {
			for (long i = 0; i < p->o.tmpfs_files; i++) {
				snprintf(path, sizeof(path), "%s/file%ld", p->tmpfs, i);
				unlink(path);
			}
		}
		if (rmdir(p->tmpfs) < 0 && errno != ENOENT)
			fprintf(stderr, "population: rmdir %s: %s\n", p->tmpfs, strerror(errno));
		p->made_tmpfs = 0;
	}
	if (p->file[0]) {
		unlink(p->file);
		p->file[0] = '\0';
	}
	if (p->made_base) {
		if (rmdir(p->base) < 0)
			fprintf(stderr, "population: rmdir %s: %s\n", p->base, strerror(errno));
		p->made_base = 0;
	}
}

static int fail(struct pop *p, const char *what, int err)
{
	fprintf(stderr, "population: %s: %s\n", what, strerror(err < 0 ? -err : err));
	cleanup(p);
	return 1;
}

/* Writes @len bytes of a non-zero pattern to @fd. */
static int fill_fd(int fd, size_t len, unsigned char v)
{
	static char buf[1 << 16];
	size_t done = 0;

	memset(buf, v | 1, sizeof(buf));
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		done += (size_t)w;
	}
	return 0;
}

static int make_file(const char *path, size_t len, unsigned char v)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return -errno;
	r = fill_fd(fd, len, v);
	close(fd);
	return r;
}

/* The tmpfs: a private mount as root, else a directory of /dev/shm. */
static int make_tmpfs(struct pop *p)
{
	char opts[64], path[4300];
	int r;

	snprintf(p->tmpfs, sizeof(p->tmpfs), "%s/tmpfs", p->base);
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
		if (mkdir(p->tmpfs, 0700) < 0)
			return -errno;
		p->made_tmpfs = 1;
		snprintf(opts, sizeof(opts), "size=%ldm,mode=0700", p->o.tmpfs_mib + 16);
		if (mount("memacct-pop", p->tmpfs, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return -errno;
		p->mounted = 1;
	} else {
		snprintf(p->tmpfs, sizeof(p->tmpfs), "/dev/shm/memacct-pop.%d", (int)getpid());
		if (mkdir(p->tmpfs, 0700) < 0)
			return -errno;
		p->made_tmpfs = 1;
	}
	for (long i = 0; i < p->o.tmpfs_files; i++) {
		snprintf(path, sizeof(path), "%s/file%ld", p->tmpfs, i);
		r = make_file(path, (size_t)p->o.tmpfs_mib * MIB / (size_t)p->o.tmpfs_files,
			      (unsigned char)i);
		if (r < 0)
			return r;
	}
	return 0;
}

static enum kind kind_of(const struct opts *o, long i)
{
	if (i < o->heaps)
		return K_HEAP;
	i -= o->heaps;
	if (i < o->vma_procs)
		return K_VMAS;
	i -= o->vma_procs;
	if (i < o->thread_procs)
		return K_THREADS;
	i -= o->thread_procs;
	return (enum kind)(K_FILE + i % 3);
}

/*
 * Waits until @want children have sent their byte; 0, or 1 with the reason
 * printed.
 */
static int wait_ready(struct pop *p, long want)
{
	double deadline = now_s() + BUILD_TIMEOUT_MS / 1000.0;

	while (p->nready < want) {
		struct pollfd pf[2] = {
			{ .fd = p->ready[0], .events = POLLIN },
			{ .fd = p->sfd, .events = POLLIN },
		};
		int left = (int)((deadline - now_s()) * 1000);
		struct signalfd_siginfo si;
		char buf[512];
		ssize_t n;

		if (left <= 0) {
			fprintf(stderr, "population: %ld of %ld processes built after %d s\n",
				p->nready, p->npids, BUILD_TIMEOUT_MS / 1000);
			return 1;
		}
		if (poll(pf, 2, left) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "population: poll: %s\n", strerror(errno));
			return 1;
		}
		if (pf[1].revents & POLLIN) {
			if (read(p->sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGCHLD) {
				fprintf(stderr, "population: signal %u while building\n", si.ssi_signo);
				return 1;
			}
			if (waitpid(-1, NULL, WNOHANG) > 0) {
				fprintf(stderr, "population: a process died while building\n");
				return 1;
			}
		}
		if (pf[0].revents & POLLIN) {
			n = read(p->ready[0], buf, sizeof(buf));
			for (ssize_t i = 0; i < n; i++) {
				if (buf[i] != 'r')
					return 1;
				p->nready++;
			}
		}
	}
	return 0;
}

/* Holds the population until stdin reaches its end or a signal comes. */
static void hold(struct pop *p)
{
	int in_open = 1;

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
			{ .fd = p->sfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		char buf[4096];

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pf[1].revents & POLLIN && read(p->sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				return;
			/* a child killed from outside: reap it, keep the rest */
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf, sizeof(buf));

			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				return;
		}
		if (pf[0].revents & POLLNVAL)
			in_open = 0;	/* no stdin at all: wait for a signal */
	}
}

static int parse_long(const char *s, long min, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min)
		return -EINVAL;
	*ret = v;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: population [--procs N] [--heaps N] [--heap-mib MIN-MAX] [--vma-procs N]\n"
		"                  [--vmas N] [--thread-procs N] [--threads N] [--file-mib N]\n"
		"                  [--shm-mib N] [--tmpfs-mib N] [--tmpfs-files N] [--dir DIR]\n"
		"                  [--seed N]\n"
		"Builds the benchmarks' population, prints \"ready N\" and holds it until stdin\n"
		"closes or a signal comes (see the comment at the top of bench/population.c).\n");
	exit(2);
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct {
		const char *name;
		long min;
		size_t off;
	} nums[] = {
		{ "--procs", 1, offsetof(struct opts, procs) },
		{ "--heaps", 0, offsetof(struct opts, heaps) },
		{ "--vma-procs", 0, offsetof(struct opts, vma_procs) },
		{ "--vmas", 2, offsetof(struct opts, vmas) },
		{ "--thread-procs", 0, offsetof(struct opts, thread_procs) },
		{ "--threads", 1, offsetof(struct opts, threads) },
		{ "--file-mib", 1, offsetof(struct opts, file_mib) },
		{ "--shm-mib", 1, offsetof(struct opts, shm_mib) },
		{ "--tmpfs-mib", 1, offsetof(struct opts, tmpfs_mib) },
		{ "--tmpfs-files", 1, offsetof(struct opts, tmpfs_files) },
	};
	long v;

	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
			if (!strcmp(argv[i], nums[k].name))
				break;
		if (k < sizeof(nums) / sizeof(nums[0])) {
			if (i + 1 >= argc || parse_long(argv[++i], nums[k].min, &v) < 0)
				usage();
			*(long *)((char *)o + nums[k].off) = v;
		} else if (!strcmp(argv[i], "--heap-mib") && i + 1 < argc) {
			char *end;

			o->heap_min = strtol(argv[++i], &end, 10);
			o->heap_max = *end == '-' ? strtol(end + 1, &end, 10) : o->heap_min;
			if (*end || o->heap_min < 1 || o->heap_max < o->heap_min)
				usage();
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			if (parse_long(argv[++i], 0, &v) < 0)
				usage();
			o->seed = (unsigned long)v;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			o->dir = argv[++i];
		} else {
			usage();
		}
	}
	if (o->heaps + o->vma_procs + o->thread_procs > o->procs) {
		fprintf(stderr, "population: --heaps + --vma-procs + --thread-procs exceed --procs\n");
		usage();
	}
	if (o->tmpfs_mib * (long)MIB / o->tmpfs_files < 4096)
		usage();
}

int main(int argc, char **argv)
{
	struct pop p = {
		.o = {
			.procs = 300, .heaps = 20, .heap_min = 64, .heap_max = 256,
			.vma_procs = 4, .vmas = 10000, .thread_procs = 20, .threads = 8,
			.file_mib = 256, .shm_mib = 256, .tmpfs_mib = 256, .tmpfs_files = 8,
			.seed = 1,
		},
		.sfd = -1, .ready = { -1, -1 },
	};
	uint64_t total = 0;
	sigset_t mask;
	pid_t self = getpid();
	double t0 = now_s();
	long maxpar;
	int r;

	p.o.dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp";
	parse_args(&p.o, argc, argv);
	p.page = sysconf(_SC_PAGESIZE);

	/* Signals are read from a signalfd, so that no handler runs mid-cleanup. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	p.sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	p.pids = calloc((size_t)p.o.procs, sizeof(*p.pids));
	if (p.sfd < 0 || !p.pids || pipe2(p.ready, O_CLOEXEC) < 0)
		return fail(&p, "setup", errno);

	snprintf(p.base, sizeof(p.base), "%s/memacct-pop.XXXXXX", p.o.dir);
	if (!mkdtemp(p.base))
		return fail(&p, p.base, errno);
	p.made_base = 1;
	snprintf(p.file, sizeof(p.file), "%s/shared-file", p.base);
	if ((r = make_file(p.file, (size_t)p.o.file_mib * MIB, 0x33)) < 0) {
		char f[sizeof(p.file)];

		memcpy(f, p.file, sizeof(f));
		if (r != -EEXIST)
			unlink(p.file);
		p.file[0] = '\0';
		return fail(&p, f, r);
	}
	if ((r = make_tmpfs(&p)) < 0)
		return fail(&p, p.tmpfs, r);
	p.shm = mmap(NULL, (size_t)p.o.shm_mib * MIB, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p.shm == MAP_FAILED) {
		p.shm = NULL;
		return fail(&p, "shared anonymous region", errno);
	}
	touch_write(p.shm, (size_t)p.o.shm_mib * MIB, p.page, 0x44);

	/*
	 * A few builders at a time: hundreds faulting at once on a small
	 * machine only thrash, and the build ends no sooner.
	 */
	maxpar = 2 * sysconf(_SC_NPROCESSORS_ONLN);
	if (maxpar < 2)
		maxpar = 2;
	fflush(NULL);
	for (long i = 0; i < p.o.procs; i++) {
		enum kind k = kind_of(&p.o, i);
		pid_t pid;

		if (p.npids - p.nready >= maxpar && wait_ready(&p, p.npids - maxpar + 1)) {
			cleanup(&p);
			return 1;
		}
		pid = fork();
		if (pid < 0)
			return fail(&p, "fork", errno);
		if (pid == 0)
			child_main(&p, k, i, self);
		p.pids[p.npids++] = pid;
		p.kind_procs[k]++;
	}
	close(p.ready[1]);
	p.ready[1] = -1;
	if (wait_ready(&p, p.npids)) {
		cleanup(&p);
		return 1;
	}

	/* What the kinds hold, for the report (recomputed with the children's seeds). */
	for (long i = 0; i < p.o.procs; i++) {
		enum kind k = kind_of(&p.o, i);
		uint64_t s = p.o.seed * 1000003u + (uint64_t)i, own = rng_range(&s, 1, 4) * MIB;

		total += own;
		if (k == K_HEAP) {
			uint64_t h = rng_range(&s, (uint64_t)p.o.heap_min, (uint64_t)p.o.heap_max) * MIB;

			p.kind_bytes[k] += h;
			total += h;
		} else if (k == K_VMAS) {
			p.kind_bytes[k] += (uint64_t)p.o.vmas * (uint64_t)p.page;
			total += (uint64_t)p.o.vmas * (uint64_t)p.page;
		} else if (k == K_THREADS) {
			total += (uint64_t)(p.o.threads - 1) * THREAD_HEAP;
		}
	}
	total += (uint64_t)(p.o.file_mib + p.o.shm_mib + p.o.tmpfs_mib) * MIB;

	fprintf(stderr,
		"population: %ld processes in %.1f s: %ld heap (%" PRIu64 " MiB private, %ld-%ld "
		"MiB each), %ld vmas (%ld VMAs each), %ld threads (%ld threads each), %ld file "
		"(%ld MiB file, MAP_SHARED), %ld shm (%ld MiB shared anonymous), %ld tmpfs "
		"(%ld MiB in %ld files%s); about %" PRIu64 " MiB in all; pid %d\n",
		p.npids, now_s() - t0, p.kind_procs[K_HEAP], p.kind_bytes[K_HEAP] >> 20,
		p.o.heap_min, p.o.heap_max, p.kind_procs[K_VMAS], p.o.vmas,
		p.kind_procs[K_THREADS], p.o.threads, p.kind_procs[K_FILE], p.o.file_mib,
		p.kind_procs[K_SHM], p.o.shm_mib, p.kind_procs[K_TMPFS], p.o.tmpfs_mib,
		p.o.tmpfs_files, p.mounted ? ", private mount" : ", /dev/shm", total >> 20,
		(int)self);
	printf("ready %ld\n", p.npids);
	fflush(stdout);

	hold(&p);
	cleanup(&p);
	return 0;
}
