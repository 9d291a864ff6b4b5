// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench-proc [--rounds N] [--batch-ms MS] [--vmas N] [--mib N] [--cli PATH] FIXTURE_SMAPS
 *
 * Two groups of cases, each measured side by side in one run: every round
 * runs one calibrated batch of every case of the group, in an order that
 * rotates from round to round; the figure reported is the median over rounds.
 *
 * smaps throughput, in MB/s (10^6 bytes) of smaps text:
 *   parse-fix     memacct_smaps_parse() (table) of FIXTURE_SMAPS held in memory
 *   each-fix      memacct_smaps_parse_foreach() (streaming) of the same bytes
 *   parse-live    memacct_smaps_parse() of this process's own smaps, read once
 *                 into memory after it made itself --vmas separate mappings
 *   each-live     memacct_smaps_parse_foreach() of the same bytes
 *   kernel-live   open+read+close of /proc/self/smaps: the kernel's own rate of
 *                 producing that text
 *
 * `proc PID` on a process that maps and touches --mib MiB of anonymous memory
 * (capped at half of MemAvailable), in microseconds per call:
 *   usage         memacct_usage_read(u, src, pid, 0, NULL) on kept handles:
 *                 the library work of `memacct-cli proc`
 *   raw           open+read+close of PID/smaps_rollup, PID/status and
 *                 PID/statm, as cat does: the floor
 *   cli           fork/exec of `memacct-cli proc PID --format json >/dev/null`
 *   cat           fork/exec of `cat PID/smaps_rollup PID/status PID/statm >/dev/null`
 * The goals (usage/raw <= 1.1, cli/cat <= 1.1) are reported as PASS or MISS
 * and never fail the run. The child is killed and reaped at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
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

extern char **environ;

#define MAX_ROUNDS 101
#define MAX_CASES 5
#define READ_CHUNK (1u << 20)

struct ctx {
	/* smaps throughput */
	const char *fix;
	size_t fix_len;
	char *live;
	size_t live_len;
	struct memacct_vmas *table;
	struct memacct_vmas *scratch;
	char *rbuf;
	size_t rbuf_cap;
	size_t last_read;
	long nvma;
	/* proc PID */
	pid_t child;
	struct memacct_usage *u;
	struct memacct_source *src;
	char paths[3][64];
	char pidstr[16];
	const char *cli;
	int devnull;
};

struct bench_case {
	const char *name;
	const char *what;
	int (*fn)(struct ctx *c);
	size_t bytes;		/* of smaps text per call; 0 outside the MB/s group */
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
	fprintf(stderr, "bench-proc: %s: %s\n", what, strerror(err < 0 ? -err : err));
	kill_child();
	exit(2);
}

#include "bench-util.h"

/* Read all of @path into c->rbuf (grown as needed); returns the length. */
static ssize_t read_all(struct ctx *c, const char *path)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (c->rbuf_cap - len < READ_CHUNK) {
			char *p = realloc(c->rbuf, c->rbuf_cap * 2 + READ_CHUNK);

			if (!p) {
				close(fd);
				return -ENOMEM;
			}
			c->rbuf = p;
			c->rbuf_cap = c->rbuf_cap * 2 + READ_CHUNK;
		}
		n = read(fd, c->rbuf + len, c->rbuf_cap - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (ssize_t)len;
}

static int count_vma(const struct memacct_vma *vma, void *userdata)
{
	(*(long *)userdata)++;
	return 0;
}

static int do_parse_fix(struct ctx *c)
{
	return memacct_smaps_parse(c->table, c->fix, c->fix_len, NULL);
}

static int do_each_fix(struct ctx *c)
{
	c->nvma = 0;
	return memacct_smaps_parse_foreach(c->scratch, c->fix, c->fix_len, count_vma, &c->nvma,
					   NULL);
}

static int do_parse_live(struct ctx *c)
{
	return memacct_smaps_parse(c->table, c->live, c->live_len, NULL);
}

static int do_each_live(struct ctx *c)
{
	c->nvma = 0;
	return memacct_smaps_parse_foreach(c->scratch, c->live, c->live_len, count_vma, &c->nvma,
					   NULL);
}

static int do_kernel_live(struct ctx *c)
{
	ssize_t n = read_all(c, "/proc/self/smaps");

	if (n <= 0)
		return n < 0 ? (int)n : -EIO;
	c->last_read = (size_t)n;
	return 0;
}

static int do_usage(struct ctx *c)
{
	return memacct_usage_read(c->u, c->src, c->child, 0, NULL);
}

static int do_raw(struct ctx *c)
{
	for (int i = 0; i < 3; i++) {
		ssize_t n = read_all(c, c->paths[i]);

		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
	}
	return 0;
}

static int spawn_wait(struct ctx *c, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r, st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, c->devnull, STDOUT_FILENO);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static int do_cli(struct ctx *c)
{
	char *argv[] = { (char *)c->cli, "proc", c->pidstr, "--format", "json", NULL };

	return spawn_wait(c, argv);
}

static int do_cat(struct ctx *c)
{
	char *argv[] = { "cat", c->paths[0], c->paths[1], c->paths[2], NULL };

	return spawn_wait(c, argv);
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

static char *slurp(struct ctx *c, const char *path, size_t *ret_len)
{
	ssize_t n = read_all(c, path);
	char *p;

	if (n <= 0)
		die(path, n < 0 ? (int)n : EIO);
	p = malloc((size_t)n);
	if (!p)
		die(path, ENOMEM);
	memcpy(p, c->rbuf, (size_t)n);
	*ret_len = (size_t)n;
	return p;
}

/* @n one-page VMAs side by side, every page written, every other one read-only. */
static void *make_vmas(long n, size_t *ret_len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len = pg * (size_t)n;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap", errno);
	for (long i = 0; i < n; i++)
		p[(size_t)i * pg] = 1;
	for (long i = 1; i < n; i += 2)
		if (mprotect(p + (size_t)i * pg, pg, PROT_READ) < 0)
			die("mprotect", errno);
	*ret_len = len;
	return p;
}

static uint64_t mem_available(void)
{
	struct memacct_meminfo *mi = NULL;
	struct memacct_source *src = NULL;
	uint64_t v = 0;

	if (memacct_meminfo_new(&mi) < 0 || memacct_source_new(NULL, NULL, &src) < 0 ||
	    memacct_meminfo_read(mi, src, NULL) < 0 ||
	    memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMAVAILABLE, &v) < 0)
		v = 0;
	memacct_meminfo_free(mi);
	memacct_source_free(src);
	return v;
}

/* A child that maps and touches @len bytes of anonymous memory and waits. */
static pid_t spawn_big(size_t len)
{
	int pfd[2];
	pid_t pid;
	char ok;

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
			p[i] = (char)i | 1;
		if (write(pfd[1], "k", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &ok, 1) != 1) {
		waitpid(pid, NULL, 0);
		die("child: map and touch", ENOMEM);
	}
	close(pfd[0]);
	return pid;
}

static void print_group(const struct bench_case *cases, size_t ncases, unsigned rounds)
{
	for (size_t k = 0; k < ncases; k++) {
		const struct bench_case *bc = &cases[k];

		if (bc->bytes)
			printf("%-12s %9.1f %9.1f %9.1f %7llu  %s\n", bc->name,
			       (double)bc->bytes * 1e3 / bc->med,
			       (double)bc->bytes * 1e3 / bc->ns[rounds - 1],
			       (double)bc->bytes * 1e3 / bc->ns[0],
			       (unsigned long long)bc->batch, bc->what);
		else
			printf("%-12s %9.1f %9.1f %9.1f %7llu  %s\n", bc->name, bc->med / 1e3,
			       bc->ns[0] / 1e3, bc->ns[rounds - 1] / 1e3,
			       (unsigned long long)bc->batch, bc->what);
	}
}

static void usage_exit(void)
{
	fprintf(stderr, "usage: bench-proc [--rounds N] [--batch-ms MS] [--vmas N] [--mib N] "
			"[--cli PATH] FIXTURE_SMAPS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench_case tput[] = {
		{ .name = "parse-fix", .what = "memacct_smaps_parse, fixture", .fn = do_parse_fix },
		{ .name = "each-fix", .what = "memacct_smaps_parse_foreach, fixture",
		  .fn = do_each_fix },
		{ .name = "parse-live", .what = "memacct_smaps_parse, own smaps in memory",
		  .fn = do_parse_live },
		{ .name = "each-live", .what = "memacct_smaps_parse_foreach, own smaps in memory",
		  .fn = do_each_live },
		{ .name = "kernel-live", .what = "open+read+close /proc/self/smaps (kernel rate)",
		  .fn = do_kernel_live },
	};
	struct bench_case proc[] = {
		{ .name = "usage", .what = "memacct_usage_read(u, src, pid, 0, NULL)", .fn = do_usage },
		{ .name = "raw", .what = "open+read+close smaps_rollup, status, statm (floor)",
		  .fn = do_raw },
	};
	struct bench_case spawn[] = {
		{ .name = "cli", .what = "memacct-cli proc PID --format json >/dev/null",
		  .fn = do_cli },
		{ .name = "cat", .what = "cat smaps_rollup status statm >/dev/null", .fn = do_cat },
	};
	unsigned rounds = 11, batch_ms = 100, spawn_rounds = 7;
	long nvmas = 20000, mib = 2048, fix_nvma, live_nvma;
	const char *fixture = NULL;
	struct ctx c = { .devnull = -1 };
	size_t map_len, big;
	uint64_t avail, rss = 0;
	void *map;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--batch-ms") && i + 1 < argc)
			batch_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--vmas") && i + 1 < argc)
			nvmas = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--mib") && i + 1 < argc)
			mib = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--cli") && i + 1 < argc)
			c.cli = argv[++i];
		else if (argv[i][0] == '-' || fixture)
			usage_exit();
		else
			fixture = argv[i];
	}
	if (!fixture || rounds == 0 || rounds > MAX_ROUNDS || batch_ms == 0 || nvmas < 2 ||
	    mib < 1)
		usage_exit();
	if (spawn_rounds > rounds)
		spawn_rounds = rounds;

	if ((r = memacct_vmas_new(&c.table)) < 0 || (r = memacct_vmas_new(&c.scratch)) < 0)
		die("memacct_vmas_new", r);
	if ((r = memacct_usage_new(&c.u)) < 0)
		die("memacct_usage_new", r);
	if ((r = memacct_source_new(NULL, NULL, &c.src)) < 0)
		die("memacct_source_new", r);

	/* ---- smaps throughput ---- */
	c.fix = slurp(&c, fixture, &c.fix_len);
	map = make_vmas(nvmas, &map_len);
	c.live = slurp(&c, "/proc/self/smaps", &c.live_len);
	tput[0].bytes = tput[1].bytes = c.fix_len;
	tput[2].bytes = tput[3].bytes = c.live_len;

	/* Warm up, and both parsers must see the same VMAs, or the timing means nothing. */
	if ((r = do_each_fix(&c)) < 0 || (r = do_parse_fix(&c)) < 0)
		die("fixture smaps", r);
	fix_nvma = c.nvma;
	if (memacct_vmas_count(c.table) != fix_nvma)
		die("fixture: table and stream disagree", EPROTO);
	if ((r = do_each_live(&c)) < 0 || (r = do_parse_live(&c)) < 0)
		die("live smaps", r);
	live_nvma = c.nvma;
	if (memacct_vmas_count(c.table) != live_nvma || live_nvma < nvmas)
		die("live: table and stream disagree", EPROTO);
	if ((r = do_kernel_live(&c)) < 0)
		die("/proc/self/smaps", r);

	run_group(&c, tput, 5, rounds, batch_ms);
	tput[4].bytes = c.last_read;

	printf("bench-proc: %u rounds per group (%u for fork/exec), case order rotated each "
	       "round, ~%u ms per batch\n", rounds, spawn_rounds, batch_ms);
	printf("\nsmaps throughput, MB/s (10^6 bytes of smaps text)\n");
	printf("fixture: %s (%zu bytes, %ld VMAs)\n", fixture, c.fix_len, fix_nvma);
	printf("live:    /proc/self/smaps with %ld one-page mappings made (%zu bytes, %ld VMAs)\n",
	       nvmas, c.live_len, live_nvma);
	printf("%-12s %9s %9s %9s %7s  %s\n", "case", "median", "min", "max", "batch", "what");
	print_group(tput, 5, rounds);
	printf("parse-live/kernel-live = %.1fx, each-live/kernel-live = %.1fx "
	       "(parsing vs the kernel producing the text)\n",
	       tput[4].med / tput[2].med * (double)c.live_len / (double)tput[4].bytes,
	       tput[4].med / tput[3].med * (double)c.live_len / (double)tput[4].bytes);

	munmap(map, map_len);
	free(c.live);
	c.live = NULL;

	/* ---- proc PID on a multi-GiB process ---- */
	avail = mem_available();
	big = (size_t)mib << 20;
	if (avail && big > avail / 2)
		big = (size_t)(avail / 2) & ~(size_t)((1u << 20) - 1);
	c.child = child_pid = spawn_big(big);
	snprintf(c.pidstr, sizeof(c.pidstr), "%d", (int)c.child);
	snprintf(c.paths[0], sizeof(c.paths[0]), "/proc/%d/smaps_rollup", (int)c.child);
	snprintf(c.paths[1], sizeof(c.paths[1]), "/proc/%d/status", (int)c.child);
	snprintf(c.paths[2], sizeof(c.paths[2]), "/proc/%d/statm", (int)c.child);

	if ((r = do_usage(&c)) < 0 || (r = do_raw(&c)) < 0)
		die("child usage", r);
	if ((r = memacct_usage_get(c.u, MEMACCT_USAGE_RSS, &rss)) < 0)
		die("child RSS", r);
	if (rss < big)
		die("child RSS below what it touched", EPROTO);

	run_group(&c, proc, 2, rounds, batch_ms);

	printf("\nproc PID: child %d mapped and touched %zu MiB of anonymous memory "
	       "(MemAvailable %llu MiB); its RSS %llu MiB\n", (int)c.child, big >> 20,
	       (unsigned long long)(avail >> 20), (unsigned long long)(rss >> 20));
	printf("%-12s %9s %9s %9s %7s  %s\n", "case", "median us", "min us", "max us", "batch",
	       "what");
	print_group(proc, 2, rounds);

	if (c.cli) {
		c.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (c.devnull < 0)
			die("/dev/null", errno);
		if ((r = do_cli(&c)) < 0 || (r = do_cat(&c)) < 0)
			die("fork/exec warm-up", r);
		run_group(&c, spawn, 2, spawn_rounds, batch_ms * 2);
		print_group(spawn, 2, spawn_rounds);
	}

	printf("usage/raw = %.3f (goal <= 1.1) %s\n", proc[0].med / proc[1].med,
	       proc[0].med / proc[1].med <= 1.1 ? "PASS" : "MISS");
	if (c.cli)
		printf("cli/cat   = %.3f (goal <= 1.1) %s\n", spawn[0].med / spawn[1].med,
		       spawn[0].med / spawn[1].med <= 1.1 ? "PASS" : "MISS");
	else
		printf("cli/cat   = n/a (no --cli given)\n");

	kill_child();
	if (c.devnull >= 0)
		close(c.devnull);
	memacct_vmas_free(c.table);
	memacct_vmas_free(c.scratch);
	memacct_usage_free(c.u);
	memacct_source_free(c.src);
	free((char *)c.fix);
	free(c.rbuf);
	return 0;
}
