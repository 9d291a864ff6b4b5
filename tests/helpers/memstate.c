// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * memstate MODE [ARGS]: build a known memory state, touch every page of it,
 * report it on stdout, then hold it until stdin reaches end of file or a
 * SIGTERM, SIGINT or SIGHUP arrives, and clean up (children included).
 * Used by scripts/make-process-fixtures.sh.
 *
 * Modes (MIB in MiB; every anonymous region is its own VMA, fenced by
 * PROT_NONE pages so it cannot merge with a neighbour):
 *   anon MIB               private anonymous, written (MADV_NOHUGEPAGE)
 *   cow MIB NPROC          private anonymous written by the parent, then
 *                          NPROC-1 forked children that only read it: every
 *                          page shared copy-on-write by NPROC processes
 *   shared-file MIB NPROC  a file written and fsync'ed in a new directory
 *                          under $TMPDIR (default /var/tmp), mapped MAP_SHARED
 *                          read-only and read by NPROC processes
 *   shmem MIB NPROC        a memfd mapped MAP_SHARED and written by NPROC
 *                          processes
 *   mlock MIB              private anonymous, written, mlocked
 *   thp MIB                private anonymous aligned to the PMD size,
 *                          MADV_HUGEPAGE, written
 *   hugetlb NPAGES         MAP_HUGETLB private anonymous, NPAGES default-size
 *                          huge pages, written
 *   vmas N                 N one-page private anonymous VMAs, written, then
 *                          every other page made read-only so none merge
 *   swap MIB               private anonymous, written (MADV_NOHUGEPAGE), then
 *                          paged out to swap with MADV_PAGEOUT (Linux 5.4)
 *
 * Output on stdout, one line each, the last one "ready":
 *   region START-END       the constructed range, as in /proc/PID/maps (the
 *                          same address in every process of the state)
 *   page_kb N              the size of the region's pages (huge for hugetlb)
 *   thp_enabled MODE       thp only: the [selected] word of
 *                          /sys/kernel/mm/transparent_hugepage/enabled
 *   anon_huge_kb N         thp only: AnonHugePages of the region's VMA
 *   swapped_kb N           swap only: Swap of the region's VMA
 *   ready PID...           the parent first, then its children
 *
 * Exit status: 0 after a clean hold, 1 on an error, 2 on a usage error, 77
 * when the kernel refused the state (no huge pages, mlock refused, no swap
 * active, or no page left for swap).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PROCS 64
#define EXIT_SKIP 77
#define PAGEOUT_TRIES 10

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21		/* include/uapi/asm-generic/mman-common.h, 5.4 */
#endif

enum mode { ANON, COW, SHARED_FILE, SHMEM, MLOCK, THP, HUGETLB, VMAS, SWAP };

static const struct {
	const char *name;
	int nargs;
	const char *args;
} modes[] = {
	[ANON] = { "anon", 1, "MIB" },
	[COW] = { "cow", 2, "MIB NPROC" },
	[SHARED_FILE] = { "shared-file", 2, "MIB NPROC" },
	[SHMEM] = { "shmem", 2, "MIB NPROC" },
	[MLOCK] = { "mlock", 1, "MIB" },
	[THP] = { "thp", 1, "MIB" },
	[HUGETLB] = { "hugetlb", 1, "NPAGES" },
	[VMAS] = { "vmas", 1, "N" },
	[SWAP] = { "swap", 1, "MIB" },
};

struct state {
	enum mode mode;
	size_t page;
	char *resv;		/* PROT_NONE reservation around an anonymous region */
	size_t resv_len;
	char *region;
	size_t len;
	int fd;
	char dir[PATH_MAX];
	char file[PATH_MAX];
	pid_t kids[MAX_PROCS];
	int nkids;
};

static const char *prog = "memstate";
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: %s MODE [ARGS], MODE one of:\n", prog);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(stderr, "  %s %s\n", modes[i].name, modes[i].args);
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v == 0 || v > max) {
		fprintf(stderr, "%s: bad number '%s' (1 to %lu)\n", prog, s, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* A value different on each page, never zero, so no page can be the zero page. */
static void write_pages(char *p, size_t len, size_t step)
{
	size_t i;

	for (i = 0; i < len; i += step)
		p[i] = (char)(1 + (i / step) % 251);
}

static void read_pages(const char *p, size_t len, size_t step)
{
	volatile char sink = 0;
	size_t i;

	for (i = 0; i < len; i += step)
		sink ^= ((const volatile char *)p)[i];
	(void)sink;
}

/*
 * Map @len bytes of private anonymous memory at an @align-aligned address
 * inside a PROT_NONE reservation that leaves at least one page on each side.
 */
static int map_fenced(struct state *st, size_t len, size_t align)
{
	uintptr_t start;

	st->resv_len = len + align + 2 * st->page;
	st->resv = mmap(NULL, st->resv_len, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (st->resv == MAP_FAILED) {
		st->resv = NULL;
		fprintf(stderr, "%s: mmap reservation: %s\n", prog, strerror(errno));
		return -1;
	}
	start = ((uintptr_t)st->resv + st->page + align - 1) & ~(uintptr_t)(align - 1);
	if (mprotect((void *)start, len, PROT_READ | PROT_WRITE) < 0) {
		fprintf(stderr, "%s: mprotect: %s\n", prog, strerror(errno));
		return -1;
	}
	st->region = (char *)start;
	st->len = len;
	return 0;
}

/* The [selected] word of a sysfs THP setting, or "absent". */
static void thp_setting(const char *path, char *out, size_t size)
{
	char buf[256], *l, *r;
	FILE *f = fopen(path, "re");

	snprintf(out, size, "absent");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r)
			snprintf(out, size, "%.*s", (int)(r - l - 1), l + 1);
	}
	fclose(f);
}

/* The value in kB of @key in this process's smaps entry for the VMA at @start. */
static int own_smaps_kb(uintptr_t start, const char *key, unsigned long *kb)
{
	size_t klen = strlen(key);
	unsigned long s, e;
	bool in = false;
	char line[512];
	int r = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* a VMA header starts with a lower-case hex address, a field with a capital */
		if (line[0] && strchr("0123456789abcdef", line[0]) &&
		    sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = s == start;
			continue;
		}
		if (in && !strncmp(line, key, klen) && line[klen] == ':' &&
		    sscanf(line + klen + 1, "%lu", kb) == 1) {
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

/* The default huge page size in bytes, from /proc/meminfo. */
static size_t default_hugepage_size(void)
{
	unsigned long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb << 10;
}

/* Whether /proc/swaps lists a swap area (a line after its header). */
static bool swap_active(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

/*
 * Page the region out (mm/madvise.c madvise_pageout: reclaim_pages() on
 * the spot) until its smaps Swap covers it or the tries run out; the
 * region's Swap in kB goes to *@kb.
 */
static int page_out(const struct state *st, unsigned long *kb)
{
	int i;

	*kb = 0;
	for (i = 0; i < PAGEOUT_TRIES && *kb < st->len >> 10; i++) {
		if (madvise(st->region, st->len, MADV_PAGEOUT) < 0) {
			fprintf(stderr, "%s: madvise(MADV_PAGEOUT): %s\n", prog, strerror(errno));
			return errno == EINVAL ? EXIT_SKIP : 1;
		}
		if (own_smaps_kb((uintptr_t)st->region, "Swap", kb) < 0) {
			fprintf(stderr, "%s: no Swap line for the region in /proc/self/smaps\n", prog);
			return 1;
		}
	}
	if (*kb == 0) {
		fprintf(stderr, "%s: no page of the region went to swap\n", prog);
		return EXIT_SKIP;
	}
	return 0;
}

static size_t pmd_size(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "re");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v && !(v & (v - 1)) ? (size_t)v : (size_t)2 << 20;
}

static int make_file(struct state *st, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	size_t off, n, csize = (size_t)1 << 20;
	char *chunk;
	int r = -1;

	if (!tmp || !*tmp)
		tmp = "/var/tmp";
	if ((size_t)snprintf(st->dir, sizeof(st->dir), "%s/memstate.XXXXXX", tmp) >=
	    sizeof(st->dir)) {
		st->dir[0] = '\0';
		fprintf(stderr, "%s: TMPDIR too long\n", prog);
		return -1;
	}
	if (!mkdtemp(st->dir)) {
		fprintf(stderr, "%s: mkdtemp %s: %s\n", prog, st->dir, strerror(errno));
		st->dir[0] = '\0';
		return -1;
	}
	if ((size_t)snprintf(st->file, sizeof(st->file), "%s/shared-file", st->dir) >=
	    sizeof(st->file)) {
		st->file[0] = '\0';
		fprintf(stderr, "%s: TMPDIR too long\n", prog);
		return -1;
	}
	st->fd = open(st->file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (st->fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, st->file, strerror(errno));
		st->file[0] = '\0';
		return -1;
	}
	chunk = malloc(csize);
	if (!chunk) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	write_pages(chunk, csize, st->page);
	for (off = 0; off < len; off += n) {
		ssize_t w;

		n = len - off < csize ? len - off : csize;
		w = write(st->fd, chunk, n);
		if (w < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (w < 0) {
			fprintf(stderr, "%s: write %s: %s\n", prog, st->file, strerror(errno));
			goto out;
		}
		n = (size_t)w;
	}
	/* written back, so the page-cache pages are clean when they are mapped */
	if (fsync(st->fd) < 0) {
		fprintf(stderr, "%s: fsync %s: %s\n", prog, st->file, strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(chunk);
	return r;
}

static void touch(const struct state *st)
{
	switch (st->mode) {
	case SHMEM:
		write_pages(st->region, st->len, st->page);
		break;
	default:
		read_pages(st->region, st->len, st->page);
		break;
	}
}

/*
 * Fork @n children that touch the region (read, or write for shmem), say so
 * through a pipe, then wait for SIGTERM or their parent's death.
 */
static int fork_kids(struct state *st, int n, const sigset_t *waitmask)
{
	pid_t parent = getpid();
	int pfd[2], i, got = 0;
	char c;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prog, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		pid_t pid;
		int null;

		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
			break;
		}
		if (pid > 0) {
			st->kids[st->nkids++] = pid;
			continue;
		}
		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		/* only the parent talks to the caller */
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
		touch(st);
		if (write(pfd[1], "k", 1) != 1)
			_exit(1);
		close(pfd[1]);
		while (!stop)
			sigsuspend(waitmask);
		_exit(0);
	}
	close(pfd[1]);
	while (got < st->nkids) {
		ssize_t r = read(pfd[0], &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got++;
	}
	close(pfd[0]);
	if (got < n) {
		fprintf(stderr, "%s: %d of %d children got ready\n", prog, got, n);
		return -1;
	}
	return 0;
}

static void cleanup(struct state *st)
{
	int i;

	for (i = 0; i < st->nkids; i++)
		kill(st->kids[i], SIGTERM);
	for (i = 0; i < st->nkids; i++)
		while (waitpid(st->kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	st->nkids = 0;
	if (st->mode == MLOCK && st->region)
		munlock(st->region, st->len);
	if (st->resv)
		munmap(st->resv, st->resv_len);
	else if (st->region)
		munmap(st->region, st->len);
	st->resv = st->region = NULL;
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	if (st->file[0])
		unlink(st->file);
	if (st->dir[0])
		rmdir(st->dir);
	st->file[0] = st->dir[0] = '\0';
}

/* Hold until stdin reaches end of file (or fails) or a signal sets @stop. */
static void hold(const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[256];

	while (!stop) {
		int r = ppoll(&pfd, 1, NULL, waitmask);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				return;
		}
	}
}

static int build(struct state *st, unsigned long a1, unsigned long a2, const sigset_t *waitmask)
{
	size_t mib = (size_t)a1 << 20;
	unsigned long kb;
	size_t hps;
	int flags, r;

	switch (st->mode) {
	case ANON:
	case COW:
	case MLOCK:
		if (map_fenced(st, mib, st->page) < 0)
			return 1;
		/* small pages only, whatever the THP settings say */
		madvise(st->region, st->len, MADV_NOHUGEPAGE);
		write_pages(st->region, st->len, st->page);
		if (st->mode == MLOCK && mlock(st->region, st->len) < 0) {
			fprintf(stderr, "%s: mlock: %s\n", prog, strerror(errno));
			return errno == EPERM || errno == ENOMEM || errno == EAGAIN ? EXIT_SKIP : 1;
		}
		if (st->mode == COW && fork_kids(st, (int)a2 - 1, waitmask) < 0)
			return 1;
		break;
	case THP:
		if (map_fenced(st, mib, pmd_size()) < 0)
			return 1;
		if (madvise(st->region, st->len, MADV_HUGEPAGE) < 0)
			fprintf(stderr, "%s: madvise(MADV_HUGEPAGE): %s\n", prog, strerror(errno));
		write_pages(st->region, st->len, st->page);
		break;
	case SHARED_FILE:
	case SHMEM:
		if (st->mode == SHARED_FILE) {
			if (make_file(st, mib) < 0)
				return 1;
		} else {
			st->fd = memfd_create("memstate-shmem", MFD_CLOEXEC);
			if (st->fd < 0 || ftruncate(st->fd, (off_t)mib) < 0) {
				fprintf(stderr, "%s: memfd: %s\n", prog, strerror(errno));
				return 1;
			}
		}
		flags = st->mode == SHMEM ? PROT_READ | PROT_WRITE : PROT_READ;
		st->region = mmap(NULL, mib, flags, MAP_SHARED, st->fd, 0);
		if (st->region == MAP_FAILED) {
			st->region = NULL;
			fprintf(stderr, "%s: mmap: %s\n", prog, strerror(errno));
			return 1;
		}
		st->len = mib;
		touch(st);
		/* the children inherit the mapping but no page table entries */
		if (fork_kids(st, (int)a2 - 1, waitmask) < 0)
			return 1;
		break;
	case HUGETLB:
		hps = default_hugepage_size();
		if (!hps) {
			fprintf(stderr, "%s: no Hugepagesize in /proc/meminfo\n", prog);
			return EXIT_SKIP;
		}
		st->region = mmap(NULL, a1 * hps, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (st->region == MAP_FAILED) {
			st->region = NULL;
			fprintf(stderr, "%s: hugetlb: the kernel refused %lu pages of %zu kB: %s (see /proc/sys/vm/nr_hugepages)\n",
				prog, a1, hps >> 10, strerror(errno));
			return EXIT_SKIP;
		}
		st->len = a1 * hps;
		/* the pages were reserved at mmap(), so these faults cannot fail */
		write_pages(st->region, st->len, st->page);
		break;
	case SWAP:
		if (!swap_active()) {
			fprintf(stderr, "%s: no swap area is active (/proc/swaps)\n", prog);
			return EXIT_SKIP;
		}
		if (map_fenced(st, mib, st->page) < 0)
			return 1;
		madvise(st->region, st->len, MADV_NOHUGEPAGE);
		write_pages(st->region, st->len, st->page);
		r = page_out(st, &kb);
		if (r)
			return r;
		break;
	case VMAS:
		if (map_fenced(st, a1 * st->page, st->page) < 0)
			return 1;
		write_pages(st->region, st->len, st->page);
		for (size_t i = 1; i < a1; i += 2) {
			if (mprotect(st->region + i * st->page, st->page, PROT_READ) < 0) {
				fprintf(stderr, "%s: mprotect: %s%s\n", prog, strerror(errno),
					errno == ENOMEM ? " (vm.max_map_count?)" : "");
				return 1;
			}
		}
		break;
	}
	return 0;
}

static int report(const struct state *st)
{
	uintptr_t s = (uintptr_t)st->region;
	unsigned long kb;
	char buf[64];
	int i;

	printf("region %08lx-%08lx\n", (unsigned long)s, (unsigned long)(s + st->len));
	printf("page_kb %zu\n",
	       (st->mode == HUGETLB ? default_hugepage_size() : st->page) >> 10);
	if (st->mode == THP) {
		thp_setting("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf));
		printf("thp_enabled %s\n", buf);
		if (own_smaps_kb(s, "AnonHugePages", &kb) < 0)
			printf("anon_huge_kb unknown\n");
		else
			printf("anon_huge_kb %lu\n", kb);
	}
	if (st->mode == SWAP) {
		if (own_smaps_kb(s, "Swap", &kb) < 0)
			printf("swapped_kb unknown\n");
		else
			printf("swapped_kb %lu\n", kb);
	}
	printf("ready %ld", (long)getpid());
	for (i = 0; i < st->nkids; i++)
		printf(" %ld", (long)st->kids[i]);
	printf("\n");
	return fflush(stdout) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct state st = { .fd = -1 };
	unsigned long a1 = 0, a2 = 1, max1;
	sigset_t block, waitmask;
	size_t i;
	int r;

	if (argc > 0 && argv[0][0])
		prog = argv[0];
	if (argc < 2) {
		usage();
		return 2;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			break;
	if (i == sizeof(modes) / sizeof(modes[0]) || argc != 2 + modes[i].nargs) {
		usage();
		return 2;
	}
	st.mode = (enum mode)i;
	st.page = (size_t)sysconf(_SC_PAGESIZE);
	max1 = st.mode == VMAS ? 1ul << 20 : st.mode == HUGETLB ? 1ul << 16 : 1ul << 20;
	if (parse_count(argv[2], max1, &a1) < 0)
		return 2;
	if (modes[i].nargs == 2 && parse_count(argv[3], MAX_PROCS + 1, &a2) < 0)
		return 2;

	/* blocked except while waiting, so a signal cannot slip in before the wait */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	r = build(&st, a1, a2, &waitmask);
	if (r == 0 && !stop) {
		if (report(&st) < 0) {
			fprintf(stderr, "%s: stdout: %s\n", prog, strerror(errno));
			r = 1;
		} else {
			hold(&waitmask);
		}
	}
	cleanup(&st);
	return r;
}
