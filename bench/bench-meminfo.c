// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-meminfo [--rounds N] [--batch-ms MS] [--check-alloc | --calls N] FIXTURE_MEMINFO
 *
 * Nanoseconds per call, measured side by side in one run:
 *   parse     memacct_meminfo_parse() of a captured meminfo held in memory,
 *             every line read: each call alternates between the fixture and
 *             a copy one byte longer (MemTotal with one more digit), so the
 *             parse never takes the shortcut below
 *   reparse   the fixture again on its own handle: the text is as long as
 *             the last one, so the parse compares it with that one and reads
 *             only the lines that differ (here none: the cost of the compare)
 *   live      memacct_meminfo_read() through one kept memacct_source on /proc
 *   pread     a bare pread() of /proc/meminfo on a kept fd: the floor, since
 *             the kernel's generation of the text dominates
 *   libproc2  procps_meminfo_select() of every meminfo item libproc2 has, on
 *             one procps_meminfo_new() handle (when built with libproc2)
 * Each round runs one calibrated batch of every case, in an order that
 * rotates from round to round; the figure reported is the median over rounds.
 * The goals (live/pread <= 1.15, live/libproc2 <= 0.8) are reported as PASS
 * or MISS and never fail the run.
 *
 * It also counts calls to malloc/calloc/realloc made during 1000 steady-state
 * calls of each case (the counter interposes the allocator of this program,
 * so it sees the library's calls too). --check-alloc does only that and
 * exits 1 when a case of the library (parse, reparse, live) allocated: it must allocate
 * nothing per call once its handles have grown. --calls N makes N untimed
 * calls of every case after the warm-up and exits: run it under valgrind
 * for N and 2N, and the "total heap usage" must not change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <memacct/memacct.h>

#ifdef HAVE_LIBPROC2
#include <libproc2/meminfo.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define NO_MALLOC_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_MALLOC_COUNT 1
#endif
#endif

/* ------------------------------------------------------------------ */
/* Allocation counter: this program's malloc family wraps glibc's. */

static unsigned long nallocs;

#ifndef NO_MALLOC_COUNT
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

void *malloc(size_t size)
{
	nallocs++;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	nallocs++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	nallocs++;
	return __libc_realloc(p, size);
}
#endif

/* ------------------------------------------------------------------ */

#define PREAD_BUF (64 * 1024)	/* what memacct_source starts with */
#define MAX_ROUNDS 1001
#define ALLOC_CALLS 1000

struct ctx {
	const char *fix;
	size_t fix_len;
	struct memacct_meminfo *mi_parse, *mi_reparse;
	char *fix2;		/* the fixture with one more digit in its first value */
	size_t fix2_len;
	unsigned flip;
	struct memacct_meminfo *mi_live;
	struct memacct_source *src;
	int fd;
	char *buf;
#ifdef HAVE_LIBPROC2
	struct meminfo_info *info;
	enum meminfo_item *items;
	int nitems;
#endif
};

struct bench_case {
	const char *name;
	const char *what;
	int (*fn)(struct ctx *c);
	uint64_t batch;
	double ns[MAX_ROUNDS];
	unsigned long allocs;
};

static int do_parse(struct ctx *c)
{
	return ++c->flip & 1 ? memacct_meminfo_parse(c->mi_parse, c->fix2, c->fix2_len, NULL) :
			       memacct_meminfo_parse(c->mi_parse, c->fix, c->fix_len, NULL);
}

static int do_reparse(struct ctx *c)
{
	return memacct_meminfo_parse(c->mi_reparse, c->fix, c->fix_len, NULL);
}

static int do_live(struct ctx *c)
{
	return memacct_meminfo_read(c->mi_live, c->src, NULL);
}

static int do_pread(struct ctx *c)
{
	ssize_t n = pread(c->fd, c->buf, PREAD_BUF, 0);

	return n > 0 ? 0 : -EIO;
}

#ifdef HAVE_LIBPROC2
static int do_libproc2(struct ctx *c)
{
	return procps_meminfo_select(c->info, c->items, c->nitems) ? 0 : -EIO;
}
#endif

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-meminfo: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(2);
}

#include "bench-util.h"

static void count_allocs(struct ctx *c, struct bench_case *bc)
{
	unsigned long before = nallocs;

	for (int i = 0; i < ALLOC_CALLS; i++)
		if (bc->fn(c) < 0)
			die(bc->name, -EIO);
	bc->allocs = nallocs - before;
}

static char *slurp(const char *path, size_t *ret_len)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		die(path, fd < 0 ? errno : ENOMEM);
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n < 0)
			die(path, errno);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap)
			die(path, EFBIG);
	}
	close(fd);
	*ret_len = len;
	return buf;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-meminfo [--rounds N] [--batch-ms MS] "
			"[--check-alloc | --calls N] FIXTURE_MEMINFO\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench_case cases[] = {
		{ .name = "parse", .what = "memacct_meminfo_parse, captured buffer", .fn = do_parse },
		{ .name = "live", .what = "memacct_meminfo_read, kept source on /proc", .fn = do_live },
		{ .name = "pread", .what = "pread of /proc/meminfo, kept fd (floor)", .fn = do_pread },
#ifdef HAVE_LIBPROC2
		{ .name = "libproc2", .what = "procps_meminfo_select, every item", .fn = do_libproc2 },
#endif
		{ .name = "reparse", .what = "the same text again: compared, no line read", .fn = do_reparse },
	};
	const size_t ncases = sizeof(cases) / sizeof(cases[0]);
	unsigned rounds = 15, batch_ms = 20;
	int check_alloc = 0, status = 0, i, r;
	long calls = -1;
	const char *fixture = NULL;
	struct ctx c = { .fd = -1 };
	double med[5] = { 0 };
	const char *kb;
	uint64_t a, b;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--batch-ms") && i + 1 < argc)
			batch_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--check-alloc"))
			check_alloc = 1;
		else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			calls = strtol(argv[++i], NULL, 10);
		else if (argv[i][0] == '-' || fixture)
			usage();
		else
			fixture = argv[i];
	}
	if (!fixture || rounds == 0 || rounds > MAX_ROUNDS || batch_ms == 0)
		usage();

	c.fix = slurp(fixture, &c.fix_len);
	if ((r = memacct_meminfo_new(&c.mi_parse)) < 0 || (r = memacct_meminfo_new(&c.mi_live)) < 0 ||
	    (r = memacct_meminfo_new(&c.mi_reparse)) < 0)
		die("memacct_meminfo_new", r);
	kb = strstr(c.fix, " kB\n");
	c.fix2 = malloc(c.fix_len + 1);
	if (!kb || !c.fix2)
		die("the fixture has no \" kB\" line", EINVAL);
	memcpy(c.fix2, c.fix, (size_t)(kb - c.fix));
	c.fix2[kb - c.fix] = '1';
	memcpy(c.fix2 + (kb - c.fix) + 1, kb, c.fix_len - (size_t)(kb - c.fix));
	c.fix2_len = c.fix_len + 1;
	if ((r = memacct_source_new(NULL, NULL, &c.src)) < 0)
		die("memacct_source_new", r);
	c.fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	c.buf = malloc(PREAD_BUF);
	if (c.fd < 0 || !c.buf)
		die("/proc/meminfo", c.fd < 0 ? errno : ENOMEM);
#ifdef HAVE_LIBPROC2
	if ((r = procps_meminfo_new(&c.info)) < 0)
		die("procps_meminfo_new", r);
	c.nitems = MEMINFO_SWAP_DELTA_USED - MEMINFO_MEM_ACTIVE + 1;
	c.items = malloc(sizeof(*c.items) * (size_t)c.nitems);
	if (!c.items)
		die("malloc", ENOMEM);
	for (i = 0; i < c.nitems; i++)
		c.items[i] = (enum meminfo_item)(MEMINFO_MEM_ACTIVE + i);
#endif

	/* Warm up: handles grow, fds open, caches fill. */
	for (size_t k = 0; k < ncases; k++)
		run_batch(&c, &cases[k], 200);

	/* The parsed values must be the kernel's, or the timing means nothing. */
	r = memacct_meminfo_get(c.mi_live, MEMACCT_MEMINFO_MEMTOTAL, &a);
	if (r < 0)
		die("live MemTotal", r);
	r = memacct_meminfo_get(c.mi_parse, MEMACCT_MEMINFO_MEMTOTAL, &b);
	if (r < 0)
		die("fixture MemTotal", r);
#ifdef HAVE_LIBPROC2
	{
		struct meminfo_result *mt = procps_meminfo_get(c.info, MEMINFO_MEM_TOTAL);

		if (!mt || mt->result.ul_int * 1024ul != a) {
			fprintf(stderr, "bench-meminfo: libproc2 and libmemacct disagree on MemTotal\n");
			return 2;
		}
	}
#endif

	if (calls >= 0) {
		for (size_t k = 0; k < ncases; k++)
			run_batch(&c, &cases[k], (uint64_t)calls);
		printf("%ld untimed calls of each case done\n", calls);
		goto out;
	}

	for (size_t k = 0; k < ncases; k++)
		count_allocs(&c, &cases[k]);
	if (check_alloc) {
		struct memacct_meminfo *fresh = NULL;
		unsigned long before = nallocs;

#ifdef NO_MALLOC_COUNT
		/* A sanitizer owns malloc here: nothing can be counted, so say skipped. */
		printf("allocation counter disabled under a sanitizer: skipped\n");
		status = 77;
		goto out;
#endif
		/* The counter must see the library: a new handle's first parse grows it. */
		if ((r = memacct_meminfo_new(&fresh)) < 0 ||
		    (r = memacct_meminfo_parse(fresh, c.fix, c.fix_len, NULL)) < 0)
			die("fresh handle", r);
		memacct_meminfo_free(fresh);
		printf("self-check: new handle + first parse made %lu allocations\n",
		       nallocs - before);
		status |= nallocs == before;

		for (size_t k = 0; k < ncases; k++) {
			printf("%-9s %lu allocations in %d steady-state calls\n", cases[k].name,
			       cases[k].allocs, ALLOC_CALLS);
			if (cases[k].fn == do_parse || cases[k].fn == do_live ||
			    cases[k].fn == do_reparse)
				status |= cases[k].allocs != 0;
		}
		goto out;
	}

	for (size_t k = 0; k < ncases; k++)
		cases[k].batch = calibrate(&c, &cases[k], batch_ms);
	for (unsigned rd = 0; rd < rounds; rd++)
		for (size_t j = 0; j < ncases; j++) {
			struct bench_case *bc = &cases[(rd + j) % ncases];

			bc->ns[rd] = run_batch(&c, bc, bc->batch);
		}

	printf("bench-meminfo: %u rounds, case order rotated each round, ~%u ms per batch\n",
	       rounds, batch_ms);
	printf("fixture: %s (%zu bytes, %d lines); live MemTotal %llu bytes\n", fixture,
	       c.fix_len, memacct_meminfo_count(c.mi_parse), (unsigned long long)a);
#ifdef HAVE_LIBPROC2
	printf("libproc2: %d items per select\n", c.nitems);
#endif
	printf("%-9s %10s %10s %10s %8s  %s\n", "case", "median ns", "min ns", "max ns",
	       "allocs", "what");
	for (size_t k = 0; k < ncases; k++) {
		struct bench_case *bc = &cases[k];
		double lo, hi;

		med[k] = median(bc->ns, rounds);
		lo = bc->ns[0];
		hi = bc->ns[rounds - 1];
		printf("%-9s %10.0f %10.0f %10.0f %8lu  %s\n", bc->name, med[k], lo, hi,
		       bc->allocs, bc->what);
	}
#ifdef NO_MALLOC_COUNT
	printf("(allocation counter disabled under a sanitizer)\n");
#else
	printf("(allocs: malloc/calloc/realloc calls during %d steady-state calls)\n",
	       ALLOC_CALLS);
#endif
	printf("live/pread    = %.3f (goal <= 1.15) %s\n", med[1] / med[2],
	       med[1] / med[2] <= 1.15 ? "PASS" : "MISS");
#ifdef HAVE_LIBPROC2
	printf("live/libproc2 = %.3f (goal <= 0.80) %s\n", med[1] / med[3],
	       med[1] / med[3] <= 0.8 ? "PASS" : "MISS");
#else
	printf("live/libproc2 = n/a (built without libproc2)\n");
#endif
	printf("parse/live    = %.3f (a whole parse, against a live read)\n", med[0] / med[1]);
	printf("reparse/parse = %.3f (the compare of an unchanged text, against a whole parse)\n",
	       med[ncases - 1] / med[0]);
out:
#ifdef HAVE_LIBPROC2
	procps_meminfo_unref(&c.info);
	free(c.items);
#endif

	memacct_meminfo_free(c.mi_parse);
	memacct_meminfo_free(c.mi_reparse);
	free(c.fix2);
	memacct_meminfo_free(c.mi_live);
	memacct_source_free(c.src);
	close(c.fd);
	free(c.buf);
	free((char *)c.fix);
	return status;
}
