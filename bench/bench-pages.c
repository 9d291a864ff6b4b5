// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-pages [--rounds N] [--batch-ms MS] [--mib N]
 *
 * (root) Two groups of cases, each measured side by side in one run: every
 * round runs one calibrated batch of every case of the group, in an order
 * that rotates from round to round; the figure reported is the median over
 * rounds, in milliseconds per call.
 *
 * The page census, over every PFN of this machine:
 *   census1  memacct_census_read(c, src, 0, NULL) on a kept handle set to one
 *            thread (kpageflags and kpagecount, counted per flag and
 *            combination)
 *   censusN  the same with the default thread count, one per online CPU
 *            (memacct_census_set_threads(c, 0))
 *   raw      pread of /proc/kpageflags and /proc/kpagecount, 1 MiB at a time,
 *            to the end, on kept fds, in one thread: the kernel's own cost,
 *            the floor
 *
 * Exact accounting of a child that maps --mib MiB (4096 by default, capped at
 * half of MemAvailable) of private anonymous memory and writes every page:
 *   exact    memacct_exact_read(ex, src, pid, NULL, 0, NULL): PID/maps, then
 *            pagemap, and kpagecount only for the PFNs of present entries that
 *            are not PM_MMAP_EXCLUSIVE
 *   plain    what a reader does without the library: PID/maps, one pagemap
 *            read per VMA (per 16 GiB of a larger one), then a kpagecount lookup for every present PFN, in
 *            runs of consecutive PFNs once the PFNs are sorted
 * Both give the child's big VMA the same PSS, or the run stops.
 *
 * On a machine other work keeps busy the threads do not get whole CPUs and
 * censusN means little: run it under chrt -f 10 (SCHED_FIFO) there.
 *
 * The goals (census1/raw <= 1.1, censusN/raw <= 0.7, exact/plain <= 0.5) are
 * reported as PASS or MISS and never fail the run. Exits 77 (skipped) without
 * CAP_SYS_ADMIN. The child is killed and reaped at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <memacct/memacct.h>

#define MAX_ROUNDS 101
#define CHUNK (1u << 20)
#define PSS_SHIFT 12
#define PLAIN_MAX_READ ((size_t)1 << 22)	/* entries: 16 GiB of address space */

struct ctx {
	struct memacct_source *src;
	/* census */
	struct memacct_census *census, *census_n;
	int kflags_fd, kcount_fd;
	char *chunk;
	uint64_t raw_bytes;
	/* exact */
	pid_t child;
	uint64_t big_start, big_end;
	struct memacct_exact *ex;
	int pagemap_fd;
	char maps_path[64];
	char *maps_buf;
	size_t maps_cap;
	uint64_t *pm;		/* pagemap entries of one VMA */
	size_t pm_cap;
	uint64_t *pfns;		/* present PFNs, then sorted */
	size_t pfns_cap;
	uint64_t *counts;	/* kpagecount of one run */
	size_t counts_cap;
	uint64_t page_size;
	uint64_t plain_big_pss;	/* fixed point, the big VMA */
	uint64_t plain_lookups;
	uint64_t plain_runs;
};

struct bench_case {
	const char *name;
	const char *what;
	int (*fn)(struct ctx *c);
	uint64_t batch;
	double ns[MAX_ROUNDS];
	double med;
};

static pid_t child_pid;

static void kill_child(void)
{
	if (child_pid > 0) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
		child_pid = 0;
	}
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-pages: %s: %s\n", what, strerror(err < 0 ? -err : err));
	kill_child();
	exit(2);
}

#include "bench-util.h"

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *q;

	if (need <= *cap)
		return 0;
	q = realloc(*p, need * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = need;
	return 0;
}

/* ---------------------------------------------------------------- census */

static int do_census(struct ctx *c)
{
	return memacct_census_read(c->census, c->src, 0, NULL);
}

static int do_census_n(struct ctx *c)
{
	return memacct_census_read(c->census_n, c->src, 0, NULL);
}

static int read_to_end(int fd, char *buf, uint64_t *bytes)
{
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(fd, buf, CHUNK, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		off += n;
		*bytes += (uint64_t)n;
	}
}

static int do_raw(struct ctx *c)
{
	int r;

	c->raw_bytes = 0;
	r = read_to_end(c->kflags_fd, c->chunk, &c->raw_bytes);
	if (r == 0)
		r = read_to_end(c->kcount_fd, c->chunk, &c->raw_bytes);
	return r;
}

/* ---------------------------------------------------------------- exact */

static int do_exact(struct ctx *c)
{
	return memacct_exact_read(c->ex, c->src, c->child, NULL, 0, NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static ssize_t read_maps(struct ctx *c)
{
	size_t len = 0;
	int fd = open(c->maps_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (c->maps_cap - len < 4096 &&
		    grow((void **)&c->maps_buf, &c->maps_cap, c->maps_cap * 2 + 65536, 1) < 0) {
			close(fd);
			return -ENOMEM;
		}
		n = read(fd, c->maps_buf + len, c->maps_cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			if (n < 0)
				return -errno;
			break;
		}
		len += (size_t)n;
	}
	c->maps_buf[len] = '\0';
	return (ssize_t)len;
}

/*
 * Sum (page size << 12) / kpagecount over the sorted PFNs [@from, @to), one
 * kpagecount read per run of consecutive PFNs.
 */
static int plain_pss(struct ctx *c, size_t from, size_t to, uint64_t *ret)
{
	uint64_t sum = 0;
	size_t i = from;

	while (i < to) {
		uint64_t first = c->pfns[i], n = 1;
		size_t j = i + 1;
		ssize_t got;

		/* the run: consecutive PFNs, a PFN mapped twice counted twice */
		while (j < to && c->pfns[j] <= first + n) {
			if (c->pfns[j] == first + n)
				n++;
			j++;
		}
		if (grow((void **)&c->counts, &c->counts_cap, n, sizeof(*c->counts)) < 0)
			return -ENOMEM;
		got = pread(c->kcount_fd, c->counts, n * 8, (off_t)(first * 8));
		if (got < 0)
			return -errno;
		c->plain_runs++;
		c->plain_lookups += n;
		for (; i < j; i++) {
			uint64_t k = c->pfns[i] - first, count;

			if (k * 8 >= (uint64_t)got)
				continue;
			count = c->counts[k];
			if (count)
				sum += (c->page_size << PSS_SHIFT) / count;
		}
	}
	*ret = sum;
	return 0;
}

static int do_plain(struct ctx *c)
{
	ssize_t len = read_maps(c);
	size_t npfns = 0, big_from = 0, big_to = 0;
	uint64_t total = 0, big = 0;
	char *line, *save = NULL;
	int r;

	if (len < 0)
		return (int)len;
	c->plain_lookups = c->plain_runs = 0;
	for (line = strtok_r(c->maps_buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;
		size_t n;
		ssize_t got;

		if (sscanf(line, "%llx-%llx", &s, &e) != 2 || strstr(line, "[vsyscall]"))
			continue;
		if (s == c->big_start)
			big_from = npfns;
		/* one read per VMA (per PLAIN_MAX_READ of a larger one: sanitizer shadows) */
		for (unsigned long long va = s; va < e; va += (unsigned long long)n * c->page_size) {
			n = (size_t)((e - va) / c->page_size);
			if (n > PLAIN_MAX_READ)
				n = PLAIN_MAX_READ;
			if (grow((void **)&c->pm, &c->pm_cap, n, sizeof(*c->pm)) < 0)
				return -ENOMEM;
			got = pread(c->pagemap_fd, c->pm, n * 8, (off_t)(va / c->page_size * 8));
			if (got < 0)
				return -errno;
			for (size_t i = 0; i < (size_t)got / 8; i++) {
				if (!(c->pm[i] & MEMACCT_PM_PRESENT))
					continue;
				if (npfns == c->pfns_cap &&
				    grow((void **)&c->pfns, &c->pfns_cap, npfns * 2 + 65536,
					 sizeof(*c->pfns)) < 0)
					return -ENOMEM;
				c->pfns[npfns++] = memacct_pm_pfn(c->pm[i]);
			}
		}
		if (s == c->big_start)
			big_to = npfns;
	}
	/* the big VMA apart, so that its PSS can be compared with the library's */
	qsort(c->pfns + big_from, big_to - big_from, sizeof(*c->pfns), cmp_u64);
	r = plain_pss(c, big_from, big_to, &big);
	if (r < 0)
		return r;
	qsort(c->pfns, big_from, sizeof(*c->pfns), cmp_u64);
	qsort(c->pfns + big_to, npfns - big_to, sizeof(*c->pfns), cmp_u64);
	if ((r = plain_pss(c, 0, big_from, &total)) < 0 ||
	    (r = plain_pss(c, big_to, npfns, &total)) < 0)
		return r;
	c->plain_big_pss = big;
	return 0;
}

/* ---------------------------------------------------------------- setup */

static uint64_t mem_available(struct memacct_source *src)
{
	struct memacct_meminfo *mi = NULL;
	uint64_t v = 0;

	if (memacct_meminfo_new(&mi) < 0 ||
	    memacct_meminfo_read(mi, src, NULL) < 0 ||
	    memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMAVAILABLE, &v) < 0)
		v = 0;
	memacct_meminfo_free(mi);
	return v;
}

/* A child that maps and writes @len bytes of private anonymous memory and waits. */
static pid_t spawn_big(size_t len, uint64_t *ret_start)
{
	uintptr_t start = 0;
	int pfd[2];
	pid_t pid;

	if (pipe(pfd) < 0)
		die("pipe", errno);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		char *p;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		for (size_t i = 0; i < len; i += 4096)
			p[i] = (char)(i >> 12) | 1;
		start = (uintptr_t)p;
		if (write(pfd[1], &start, sizeof(start)) != sizeof(start))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &start, sizeof(start)) != sizeof(start)) {
		waitpid(pid, NULL, 0);
		die("child: map and write", ENOMEM);
	}
	close(pfd[0]);
	*ret_start = start;
	return pid;
}

static void print_group(const struct bench_case *cases, size_t ncases, unsigned rounds)
{
	printf("%-8s %10s %10s %10s %6s  %s\n", "case", "median ms", "min ms", "max ms", "batch",
	       "what");
	for (size_t k = 0; k < ncases; k++) {
		const struct bench_case *bc = &cases[k];

		printf("%-8s %10.2f %10.2f %10.2f %6llu  %s\n", bc->name, bc->med / 1e6,
		       bc->ns[0] / 1e6, bc->ns[rounds - 1] / 1e6, (unsigned long long)bc->batch,
		       bc->what);
	}
}

/* Calibrate, run @rounds rotated rounds, and sort each case's times. */
static void run_group(struct ctx *c, struct bench_case *cases, size_t ncases, unsigned rounds,
		      unsigned batch_ms)
{
	for (size_t k = 0; k < ncases; k++)
		cases[k].batch = calibrate(c, &cases[k], batch_ms);
	for (unsigned rd = 0; rd < rounds; rd++)
		for (size_t j = 0; j < ncases; j++) {
			struct bench_case *bc = &cases[(rd + j) % ncases];

			bc->ns[rd] = run_batch(c, bc, bc->batch);
		}
	for (size_t k = 0; k < ncases; k++)
		cases[k].med = median(cases[k].ns, rounds);
}

static void usage_exit(void)
{
	fprintf(stderr, "usage: bench-pages [--rounds N] [--batch-ms MS] [--mib N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench_case census[] = {
		{ .name = "census1", .what = "memacct_census_read(c, src, 0, NULL), 1 thread",
		  .fn = do_census },
		{ .name = "censusN", .what = NULL, .fn = do_census_n },
		{ .name = "raw", .what = "pread kpageflags + kpagecount, 1 MiB chunks (floor)",
		  .fn = do_raw },
	};
	struct bench_case exact[] = {
		{ .name = "exact", .what = "memacct_exact_read(ex, src, pid, NULL, 0, NULL)",
		  .fn = do_exact },
		{ .name = "plain", .what = "maps, pagemap per VMA, kpagecount of every present PFN",
		  .fn = do_plain },
	};
	struct ctx c = { .kflags_fd = -1, .kcount_fd = -1, .pagemap_fd = -1 };
	struct memacct_diag diag = { .sz = sizeof(diag) };
	uint64_t avail, total = 0, total_n = 0, pss_fixed = 0, lookups = 0, mapped = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char census_n_what[96];
	double ratio1, ratio_n;
	unsigned rounds = 7, batch_ms = 200;
	long mib = 4096;
	char path[64];
	size_t big;
	int i, r, nvma;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--batch-ms") && i + 1 < argc)
			batch_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
			mib = strtol(argv[++i], NULL, 10);
		else
			usage_exit();
	}
	if (rounds == 0 || rounds > MAX_ROUNDS || batch_ms == 0 || mib < 1)
		usage_exit();

	if ((r = memacct_source_new(NULL, NULL, &c.src)) < 0)
		die("memacct_source_new", r);
	if ((r = memacct_source_get(c.src, MEMACCT_SOURCE_PAGE_SIZE, &c.page_size)) < 0)
		die("page size", r);
	if ((r = memacct_census_new(&c.census)) < 0 || (r = memacct_census_new(&c.census_n)) < 0 ||
	    (r = memacct_exact_new(&c.ex)) < 0)
		die("handles", r);
	if ((r = memacct_census_set_threads(c.census, 1)) < 0 ||
	    (r = memacct_census_set_threads(c.census_n, 0)) < 0)
		die("memacct_census_set_threads", r);
	snprintf(census_n_what, sizeof(census_n_what), "the same, %ld threads (the online CPUs)",
		 cpus);
	census[1].what = census_n_what;
	c.kflags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	c.kcount_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	if (c.kflags_fd < 0 || c.kcount_fd < 0) {
		if (errno == EACCES || errno == EPERM || errno == ENOENT) {
			printf("bench-pages: /proc/kpageflags and kpagecount: %s: skipped "
			       "(needs root)\n", strerror(errno));
			return 77;
		}
		die("/proc/kpageflags", errno);
	}
	c.chunk = malloc(CHUNK);
	if (!c.chunk)
		die("malloc", ENOMEM);

	/* ---- the census ---- */
	if ((r = do_census(&c)) < 0 || (r = do_census_n(&c)) < 0 || (r = do_raw(&c)) < 0)
		die("census warm-up", r);
	if ((r = memacct_census_get(c.census, MEMACCT_CENSUS_TOTAL, &total)) < 0 ||
	    (r = memacct_census_get(c.census_n, MEMACCT_CENSUS_TOTAL, &total_n)) < 0)
		die("census total", r);
	/* all must have covered the same PFNs, or the timing means nothing */
	if (total / c.page_size * 16 != c.raw_bytes || total_n != total)
		die("census and raw reads cover different PFNs", EPROTO);
	run_group(&c, census, 3, rounds, batch_ms);

	printf("bench-pages: %u rounds per group, case order rotated each round, ~%u ms per "
	       "batch\n", rounds, batch_ms);
	printf("\ncensus of every PFN: %" PRIu64 " PFNs (%" PRIu64 " MiB of physical address "
	       "space), %" PRIu64 " MiB read from kpageflags + kpagecount per call\n",
	       total / c.page_size, total >> 20, c.raw_bytes >> 20);
	print_group(census, 3, rounds);

	/* ---- exact accounting of a big process ---- */
	avail = mem_available(c.src);
	big = (size_t)mib << 20;
	if (avail && big > avail / 2)
		big = (size_t)(avail / 2) & ~(size_t)((1u << 20) - 1);
	c.child = child_pid = spawn_big(big, &c.big_start);
	c.big_end = c.big_start + big;
	snprintf(c.maps_path, sizeof(c.maps_path), "/proc/%d/maps", (int)c.child);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)c.child);
	c.pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c.pagemap_fd < 0)
		die(path, errno);

	if ((r = memacct_exact_read(c.ex, c.src, c.child, NULL, 0, &diag)) < 0)
		die(diag.message ? diag.message : "memacct_exact_read", r);
	if ((r = do_plain(&c)) < 0)
		die("plain reader", r);
	nvma = memacct_exact_vma_count(c.ex);
	for (i = 0; i < nvma; i++) {
		uint64_t s = 0;

		if (memacct_exact_vma_get(c.ex, (size_t)i, MEMACCT_EXACT_START, &s) == 0 &&
		    s == c.big_start) {
			if ((r = memacct_exact_vma_get(c.ex, (size_t)i, MEMACCT_EXACT_PSS_FIXED,
						       &pss_fixed)) < 0 ||
			    (r = memacct_exact_vma_get(c.ex, (size_t)i, MEMACCT_EXACT_PRESENT,
						       &mapped)) < 0)
				die("exact: the big VMA", r);
			break;
		}
	}
	if (i == nvma)
		die("exact: no VMA at the child's mapping", EPROTO);
	if (mapped < big || pss_fixed != c.plain_big_pss)
		die("exact and plain disagree on the big VMA's PSS", EPROTO);
	if ((r = memacct_exact_get(c.ex, MEMACCT_EXACT_LOOKUPS, &lookups)) < 0)
		die("exact lookups", r);

	run_group(&c, exact, 2, rounds, batch_ms);

	printf("\nexact accounting: child %d mapped and wrote %zu MiB of private anonymous memory "
	       "(MemAvailable %" PRIu64 " MiB), %d VMAs; PSS of the big VMA %" PRIu64 " MiB in "
	       "both\n", (int)c.child, big >> 20, avail >> 20, nvma,
	       (pss_fixed >> PSS_SHIFT) >> 20);
	printf("kpagecount entries read per call: exact %" PRIu64 ", plain %" PRIu64 " in %" PRIu64
	       " runs\n", lookups, c.plain_lookups, c.plain_runs);
	print_group(exact, 2, rounds);

	ratio1 = census[0].med / census[2].med;
	ratio_n = census[1].med / census[2].med;
	printf("\ncensus1/raw = %.3f (goal <= 1.1) %s\n", ratio1, ratio1 <= 1.1 ? "PASS" : "MISS");
	printf("censusN/raw = %.3f (goal <= 0.7, %ld threads) %s\n", ratio_n, cpus,
	       ratio_n <= 0.7 ? "PASS" : "MISS");
	printf("exact/plain = %.3f (goal <= 0.5) %s\n", exact[0].med / exact[1].med,
	       exact[0].med / exact[1].med <= 0.5 ? "PASS" : "MISS");

	kill_child();
	close(c.pagemap_fd);
	close(c.kflags_fd);
	close(c.kcount_fd);
	memacct_census_free(c.census);
	memacct_census_free(c.census_n);
	memacct_exact_free(c.ex);
	memacct_source_free(c.src);
	free(c.chunk);
	free(c.maps_buf);
	free(c.pm);
	free(c.pfns);
	free(c.counts);
	return 0;
}
