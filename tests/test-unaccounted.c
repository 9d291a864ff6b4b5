/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * memacct_procs_get_unaccounted(): the unaccounted remainder by the PSS
 * formula, over the hand-made tree fixtures/report-12procs (its MANIFEST
 * gives the same numbers), over meminfo given by the caller, and with
 * processes whose Pss is unknown, which must make the value a flagged upper
 * bound, never a sum that took them as 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "test-util.h"
#include <memacct/memacct.h>

#define KB INT64_C(1024)
#define FIXTURE MEMACCT_FIXTURES "/report-12procs"

/*
 * fixtures/report-12procs/proc/meminfo, in kB:
 *   MemTotal 4194304, MemFree 2359296, Buffers 65536, Cached 1048576,
 *   Mapped 182912, hugetlb (Hugetlb) 65536,
 *   kernel = Slab 131072 + VmallocUsed 32768 + PageTables 16384
 *            + SecPageTables 0 + KernelStack 8192 + Percpu 4096
 *            + HardwareCorrupted 0 + Bounce 0 = 192512
 * The Pss of its 12 processes (PID/smaps_rollup), in kB:
 *   1: 6144, 388: 2048, 412: 327680, 413: 45056, 414: 45056, 520: 12288,
 *   521: 6144, 602: 24576, 777: 1024, 801: 512, 950: 61440, 951: 128
 *   sum = 532096; pid 2 is a kernel thread (no Pss, none to miss).
 * X = 4194304 - 2359296 - 192512 - (532096 + (1048576 - 182912) + 65536 + 65536)
 *   = 1642496 - 1528832 = 113664 kB = 116391936 bytes.
 */
#define X_PSS (113664 * KB)
#define PSS_412 (327680 * KB)
#define PSS_950 (61440 * KB)
/* The same without any Pss: 1642496 - (865664 + 65536 + 65536) = 645760 kB. */
#define X_NO_PSS (645760 * KB)

#define assert_i64_equal(a, b) \
	do { \
		int64_t a_ = (a), b_ = (b); \
		if (a_ != b_) \
			fail_msg("%s = %" PRId64 ", want %" PRId64, #a, a_, b_); \
	} while (0)

struct scan {
	struct memacct_source *src;
	struct memacct_procs *p;
};

static void scan(struct scan *s, const char *root, uint32_t flags)
{
	assert_int_equal(memacct_source_new(root, NULL, &s->src), 0);
	assert_int_equal(memacct_procs_new(&s->p), 0);
	assert_int_equal(memacct_procs_read(s->p, s->src, flags, NULL), 0);
}

static void scan_free(struct scan *s)
{
	memacct_procs_free(s->p);
	memacct_source_free(s->src);
}

static void parse(struct memacct_meminfo **mi, const char *text)
{
	assert_int_equal(memacct_meminfo_new(mi), 0);
	assert_int_equal(memacct_meminfo_parse(*mi, text, strlen(text), NULL), 0);
}

static void test_fixture(void **state)
{
	struct memacct_meminfo *mi;
	const struct memacct_meminfo *end;
	struct scan s;
	int64_t x = -1, lru = 0, pc = 0;
	size_t unknown = 99;

	(void)state;
	scan(&s, FIXTURE "/proc", 0);
	assert_int_equal(memacct_procs_count(s.p), 12);
	assert_int_equal(memacct_procs_count_skipped(s.p, MEMACCT_PROCS_KERNEL_THREAD), 1);

	/* NULL: the scan's own meminfo read at its end. */
	assert_int_equal(memacct_procs_get_unaccounted(s.p, NULL, &x, &unknown), 0);
	assert_i64_equal(x, X_PSS);
	assert_int_equal(unknown, 0);

	/* The caller's meminfo, from the same tree: the same X. */
	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_int_equal(memacct_meminfo_read(mi, s.src, NULL), 0);
	x = -1;
	assert_int_equal(memacct_procs_get_unaccounted(s.p, mi, &x, NULL), 0);
	assert_i64_equal(x, X_PSS);
	assert_int_equal(memacct_procs_get_meminfo(s.p, MEMACCT_PROCS_AT_END, &end), 0);

	/*
	 * The three formulas over one meminfo differ only in how user is
	 * counted: LRU 839680 + 622592 + 16384 = 1478656 kB, X = 98304 kB;
	 * page cache 1048576 + 348160 + 65536 = 1462272 kB, X = 114688 kB.
	 */
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_UNACCOUNTED_LRU, &lru), 0);
	assert_i64_equal(lru, 98304 * KB);
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE,
						     &pc), 0);
	assert_i64_equal(pc, 114688 * KB);

	memacct_meminfo_free(mi);
	scan_free(&s);
}

/* Every term but the Pss from the caller's meminfo; X may be negative. */
static void test_given_meminfo(void **state)
{
	/*
	 * No hugetlb line at all: no pool, 0. kernel = Slab 32768 (the other
	 * kernel fields are absent, not 0: left out of the sum).
	 * X = 1048576 - 524288 - 32768 - (532096 + (262144 - 65536) + 16384 + 0)
	 *   = 491520 - 745088 = -253568 kB.
	 */
	static const char small[] = "MemTotal: 1048576 kB\nMemFree: 524288 kB\n"
				    "Buffers: 16384 kB\nCached: 262144 kB\nMapped: 65536 kB\n"
				    "Slab: 32768 kB\n";
	/* HugePages_Total without Hugepagesize or Hugetlb: the pool's size is unknown. */
	static const char no_size[] = "MemTotal: 1048576 kB\nMemFree: 524288 kB\n"
				      "Buffers: 16384 kB\nCached: 262144 kB\nMapped: 65536 kB\n"
				      "Slab: 32768 kB\nHugePages_Total: 4\n";
	static const char no_mapped[] = "MemTotal: 1048576 kB\nMemFree: 524288 kB\n"
					"Buffers: 16384 kB\nCached: 262144 kB\nSlab: 32768 kB\n";
	static const char no_buffers[] = "MemTotal: 1048576 kB\nMemFree: 524288 kB\n"
					 "Cached: 262144 kB\nMapped: 65536 kB\nSlab: 32768 kB\n";
	/* 2^54 - 1 kB: 2^64 - 1024 bytes, past INT64_MAX. */
	static const char huge[] = "MemTotal: 18014398509481983 kB\nMemFree: 524288 kB\n"
				   "Buffers: 16384 kB\nCached: 262144 kB\nMapped: 65536 kB\n"
				   "Slab: 32768 kB\n";
	struct memacct_meminfo *mi;
	struct scan s;
	int64_t x = 7;
	size_t unknown = 99;

	(void)state;
	scan(&s, FIXTURE "/proc", 0);

	parse(&mi, small);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, mi, &x, &unknown), 0);
	assert_i64_equal(x, -253568 * KB);
	assert_int_equal(unknown, 0);
	memacct_meminfo_free(mi);

	x = 7;
	unknown = 99;
	parse(&mi, no_size);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, mi, &x, &unknown), -ENOENT);
	memacct_meminfo_free(mi);
	parse(&mi, no_mapped);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, mi, &x, &unknown), -ENOENT);
	memacct_meminfo_free(mi);
	parse(&mi, no_buffers);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, mi, &x, &unknown), -ENOENT);
	memacct_meminfo_free(mi);
	parse(&mi, huge);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, mi, &x, &unknown), -EOVERFLOW);
	memacct_meminfo_free(mi);
	/* Outputs are written only on success. */
	assert_i64_equal(x, 7);
	assert_int_equal(unknown, 99);

	scan_free(&s);
}

/* A tree without PID directories, a scan not yet read, bad arguments. */
static void test_none(void **state)
{
	struct memacct_procs *p;
	struct scan s;
	int64_t x = 7;

	(void)state;
	assert_int_equal(memacct_procs_new(&p), 0);
	assert_int_equal(memacct_procs_get_unaccounted(p, NULL, &x, NULL), -ENOENT);
	assert_int_equal(memacct_procs_get_unaccounted(NULL, NULL, &x, NULL), -EINVAL);
	assert_int_equal(memacct_procs_get_unaccounted(p, NULL, NULL, NULL), -EINVAL);
	memacct_procs_free(p);

	/* fixtures/quiet has meminfo and no process: nothing to sum, not a sum of 0. */
	scan(&s, MEMACCT_FIXTURES "/quiet/proc", 0);
	assert_int_equal(memacct_procs_count(s.p), 0);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, NULL, &x, NULL), -ENOENT);
	assert_i64_equal(x, 7);
	scan_free(&s);
}

/* A scan that reads no Pss: every process's is unknown, and X is the bound without any. */
static void test_cheap(void **state)
{
	struct scan s;
	int64_t x = 0;
	size_t unknown = 0;

	(void)state;
	scan(&s, FIXTURE "/proc", MEMACCT_PROCS_CHEAP);
	assert_int_equal(memacct_procs_get_unaccounted(s.p, NULL, &x, &unknown), 1);
	assert_i64_equal(x, X_NO_PSS);
	assert_int_equal(unknown, 12);
	scan_free(&s);
}

/* A copy of the fixture in a fresh directory every user may enter. */
static void copy_fixture(char dir[64])
{
	char cmd[256];

	snprintf(dir, 64, "/tmp/memacct-test-unaccounted-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp -r '%s/proc' '%s/MANIFEST' '%s/'", FIXTURE, FIXTURE, dir);
	assert_int_equal(system(cmd), 0);
}

static void remove_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* A process whose status does not parse is skipped as failed: its Pss is unknown. */
static void test_failed(void **state)
{
	char dir[64], root[96], path[128];
	struct scan s;
	int64_t x = 0;
	size_t unknown = 0;

	(void)state;
	copy_fixture(dir);
	snprintf(path, sizeof(path), "%s/proc/999", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(dir, "999/status", "Name:\tbroken\nVmSize:\tlots kB\n");
	write_file(dir, "999/smaps_rollup", "");
	snprintf(root, sizeof(root), "%s/proc", dir);
	scan(&s, root, 0);
	assert_int_equal(memacct_procs_count_skipped(s.p, MEMACCT_PROCS_FAILED), 1);
	/* The known Pss are the fixture's, all of them: the bound is the exact X. */
	assert_int_equal(memacct_procs_get_unaccounted(s.p, NULL, &x, &unknown), 1);
	assert_i64_equal(x, X_PSS);
	assert_int_equal(unknown, 1);
	scan_free(&s);
	remove_dir(dir);
}

struct result {
	int r, partial, denied;
	int64_t x;
	size_t unknown;
};

/* In a child without the permissions: root becomes nobody, anyone else stays who it is. */
static void scan_unprivileged(const char *root, struct result *res)
{
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct memacct_source *src;
		struct memacct_procs *p;
		struct result out = { .r = -1000 };

		close(fds[0]);
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(10);
		if (memacct_source_new(root, NULL, &src) || memacct_procs_new(&p) ||
		    memacct_procs_read(p, src, 0, NULL))
			_exit(11);
		out.r = memacct_procs_get_unaccounted(p, NULL, &out.x, &out.unknown);
		out.partial = memacct_procs_count_partial(p);
		out.denied = memacct_procs_count_skipped(p, MEMACCT_PROCS_DENIED);
		if (write(fds[1], &out, sizeof(out)) != (ssize_t)sizeof(out))
			_exit(12);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], res, sizeof(*res)), sizeof(*res));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * Another user's process: smaps_rollup denied keeps it partial, Pss
 * unknown; status denied too skips it as denied. Either way the known Pss
 * give an upper bound, flagged by 1, never the Pss taken as 0 silently.
 */
static void test_partial(void **state)
{
	char dir[64], root[96], path[160];
	struct result res;

	(void)state;
	copy_fixture(dir);
	snprintf(root, sizeof(root), "%s/proc", dir);

	/* 412's smaps_rollup: X lacks its 327680 kB, 113664 + 327680 = 441344 kB. */
	snprintf(path, sizeof(path), "%s/412/smaps_rollup", root);
	assert_int_equal(chmod(path, geteuid() == 0 ? 0600 : 0), 0);
	scan_unprivileged(root, &res);
	assert_int_equal(res.r, 1);
	assert_int_equal(res.partial, 1);
	assert_int_equal(res.unknown, 1);
	assert_i64_equal(res.x, X_PSS + PSS_412);
	assert_i64_equal(res.x, 441344 * KB);

	/* And 950 unreadable altogether: 441344 + 61440 = 502784 kB. */
	snprintf(path, sizeof(path), "%s/950/status", root);
	assert_int_equal(chmod(path, geteuid() == 0 ? 0600 : 0), 0);
	snprintf(path, sizeof(path), "%s/950/smaps_rollup", root);
	assert_int_equal(chmod(path, geteuid() == 0 ? 0600 : 0), 0);
	scan_unprivileged(root, &res);
	assert_int_equal(res.r, 1);
	assert_int_equal(res.partial, 1);
	assert_int_equal(res.denied, 1);
	assert_int_equal(res.unknown, 2);
	assert_i64_equal(res.x, X_PSS + PSS_412 + PSS_950);
	assert_i64_equal(res.x, 502784 * KB);

	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_given_meminfo),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_cheap),
		cmocka_unit_test(test_failed),
		cmocka_unit_test(test_partial),
	};

	return cmocka_run_group_tests_name("unaccounted", tests, NULL, NULL);
}
