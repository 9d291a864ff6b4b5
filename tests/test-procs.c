/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system scan (lib/procs.c): the live /proc against direct reads, a
 * made-up tree with known processes and every way of being skipped, and
 * scans while processes come and go; with several threads, the same
 * results as with one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "test-util.h"
#include "test-alloc.h"
#include <memacct/memacct.h>
#include "procs-internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint32_t all_keys[] = {
	MEMACCT_USAGE_VSS, MEMACCT_USAGE_RSS, MEMACCT_USAGE_PSS, MEMACCT_USAGE_USS,
	MEMACCT_USAGE_SWAP, MEMACCT_USAGE_SWAP_PSS, MEMACCT_USAGE_ANON, MEMACCT_USAGE_FILE,
	MEMACCT_USAGE_SHMEM, MEMACCT_USAGE_LOCKED, MEMACCT_USAGE_HUGETLB,
};

/* The index of @pid in the scan, or -1. */
static int find(const struct memacct_procs *p, int pid)
{
	int n = memacct_procs_count(p), got;

	for (int i = 0; i < n; i++) {
		assert_int_equal(memacct_procs_get_pid(p, (size_t)i, &got), 0);
		if (got == pid)
			return i;
	}
	return -1;
}

static uint64_t pget(const struct memacct_procs *p, int i, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_procs_get(p, (size_t)i, key, &v), 0);
	return v;
}

static uint64_t uget(const struct memacct_usage *u, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_usage_get(u, key, &v), 0);
	return v;
}

/* Pids ascending, totals equal to the sums of the rows, partial rows lacking PSS. */
static void assert_consistent(const struct memacct_procs *p)
{
	int n = memacct_procs_count(p), prev = 0, partial = 0;

	assert_true(n >= 0);
	for (size_t k = 0; k < ARRAY_SIZE(all_keys); k++) {
		uint64_t sum = 0, total = UINT64_MAX, v;
		size_t have = 0, lacking = SIZE_MAX;
		int r;

		for (int i = 0; i < n; i++) {
			r = memacct_procs_get(p, (size_t)i, all_keys[k], &v);
			if (r == 0) {
				sum += v;
				have++;
			} else {
				assert_int_equal(r, -ENOENT);
			}
		}
		r = memacct_procs_get_total(p, all_keys[k], &total, &lacking);
		if (have == 0) {
			assert_int_equal(r, -ENOENT);
			continue;
		}
		assert_int_equal(r, 0);
		assert_u64_equal(total, sum);
		assert_int_equal(lacking, (size_t)n - have);
	}
	for (int i = 0; i < n; i++) {
		int pid, part = memacct_procs_is_partial(p, (size_t)i);
		uint64_t v;

		assert_int_equal(memacct_procs_get_pid(p, (size_t)i, &pid), 0);
		assert_true(pid > prev);
		prev = pid;
		assert_true(part == 0 || part == 1);
		if (part) {
			partial++;
			assert_int_equal(memacct_procs_get(p, (size_t)i, MEMACCT_USAGE_PSS, &v),
					 -ENOENT);
			assert_int_equal(memacct_procs_get(p, (size_t)i, MEMACCT_USAGE_RSS, &v), 0);
		}
	}
	assert_int_equal(memacct_procs_count_partial(p), partial);
	for (uint32_t r = MEMACCT_PROCS_VANISHED; r <= MEMACCT_PROCS_FAILED; r++)
		assert_true(memacct_procs_count_skipped(p, r) >= 0);
}

/* --- live ---------------------------------------------------------------- */

/* Whether live @pid has a status without VmSize: no memory map. */
static bool kernel_thread(int pid)
{
	char path[64], *buf;
	size_t len = 0;
	bool kt;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	buf = slurp(path, &len);
	if (!buf)
		return false;
	kt = !strstr(buf, "\nVmSize:");
	free(buf);
	return kt;
}

static void test_live_self(void **state)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	struct memacct_usage *u, *before;
	const struct memacct_meminfo *mi;
	char comm[64] = "";
	const char *name;
	uint64_t ps = 0, ns = 0;
	uint32_t uid;
	FILE *f;
	int i;

	(void)state;
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &ps), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_new(&before), 0);
	assert_int_equal(memacct_procs_get_duration(p, &ns), -ENOENT);
	/* The first scan grows the handle; this process's memory then barely moves. */
	assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
	/*
	 * The scan reads this process between two direct reads: its values lie
	 * within a page or two of theirs. A tool such as valgrind grows the
	 * process meanwhile, and processes that start or exit and share its pages
	 * change its PSS and USS: a few tries are allowed, one must agree.
	 */
	for (int t = 0; t < 5; t++) {
		static const uint32_t keys[] = { MEMACCT_USAGE_PSS, MEMACCT_USAGE_RSS,
						 MEMACCT_USAGE_USS, MEMACCT_USAGE_VSS };
		bool ok = true;

		assert_int_equal(memacct_usage_read(before, src, getpid(), 0, NULL), 0);
		assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
		assert_int_equal(memacct_usage_read(u, src, getpid(), 0, NULL), 0);
		i = find(p, getpid());
		assert_true(i >= 0);
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			uint64_t a = uget(before, keys[k]), b = uget(u, keys[k]);
			uint64_t v = pget(p, i, keys[k]);
			uint64_t lo = a < b ? a : b, hi = a > b ? a : b;

			ok = ok && v + 2 * ps >= lo && v <= hi + 2 * ps;
		}
		if (ok)
			break;
		assert_true(t < 4);
	}
	f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_int_equal(memacct_procs_get_comm(p, (size_t)i, &name), 0);
	assert_string_equal(name, comm);
	assert_int_equal(memacct_procs_get_uid(p, (size_t)i, &uid), 0);
	assert_int_equal(uid, getuid());
	assert_int_equal(memacct_procs_is_partial(p, (size_t)i), 0);
	assert_true(pget(p, i, MEMACCT_USAGE_PSS) > 0);

	/* pid 1 is a process; kernel threads (kthreadd is pid 2 on a host) are counted. */
	assert_true(find(p, 1) >= 0);
	if (kernel_thread(2)) {
		assert_int_equal(find(p, 2), -1);
		assert_true(memacct_procs_count_skipped(p, MEMACCT_PROCS_KERNEL_THREAD) > 0);
	}
	assert_int_equal(memacct_procs_get_meminfo(p, MEMACCT_PROCS_AT_START, &mi), 0);
	assert_int_equal(memacct_procs_get_meminfo(p, MEMACCT_PROCS_AT_END, &mi), 0);
	assert_int_equal(memacct_procs_get_duration(p, &ns), 0);
	assert_true(ns > 0);
	assert_consistent(p);

	/* CHEAP: status only, so no PSS anywhere. */
	assert_int_equal(memacct_procs_read(p, src, MEMACCT_PROCS_CHEAP, NULL), 0);
	i = find(p, getpid());
	assert_true(i >= 0);
	assert_true(pget(p, i, MEMACCT_USAGE_RSS) > 0);
	assert_int_equal(memacct_procs_get_total(p, MEMACCT_USAGE_PSS, &ns, NULL), -ENOENT);
	assert_consistent(p);

	memacct_usage_free(before);
	memacct_usage_free(u);
	memacct_procs_free(p);
	memacct_source_free(src);
}

/* --- a made-up tree -------------------------------------------------------- */

struct tree {
	char root[64];
	char proc[96];
};

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void copy(const char *from, const char *to)
{
	size_t len = 0;
	char *buf = slurp(from, &len);

	assert_non_null(buf);
	put(to, buf, len);
	free(buf);
}

/* The first pid of fixture @fix, from its MANIFEST's "pids:" line. */
static int fixture_pid(const char *fix)
{
	char path[512], *buf, *line;
	size_t len = 0;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/%s/MANIFEST", MEMACCT_FIXTURES, fix);
	buf = slurp(path, &len);
	assert_non_null(buf);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "pids: ", 6))
			pid = atoi(line + 6);
	free(buf);
	assert_true(pid > 0);
	return pid;
}

/* PID dir @pid of the tree with files copied from fixture @fix, pid @fpid. */
static void add_fixture_pid(const struct tree *t, int pid, const char *fix, int fpid)
{
	char from[512], to[256];

	snprintf(to, sizeof(to), "%s/%d", t->proc, pid);
	assert_int_equal(mkdir(to, 0755), 0);
	snprintf(from, sizeof(from), "%s/%s/proc/%d/status", MEMACCT_FIXTURES, fix, fpid);
	snprintf(to, sizeof(to), "%s/%d/status", t->proc, pid);
	copy(from, to);
	snprintf(from, sizeof(from), "%s/%s/proc/%d/smaps_rollup", MEMACCT_FIXTURES, fix, fpid);
	snprintf(to, sizeof(to), "%s/%d/smaps_rollup", t->proc, pid);
	copy(from, to);
}

static void add_file(const struct tree *t, const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->proc, name);
	put(path, text, strlen(text));
}

static void add_dir(const struct tree *t, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->proc, name);
	assert_int_equal(mkdir(path, 0755), 0);
}

static const char kthread_status[] =
	"Name:\tkthreadd\nUmask:\t0000\nState:\tS (sleeping)\nTgid:\t2\nPid:\t2\nPPid:\t0\n"
	"Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\n";

/*
 * pid 100: proc-anon-64m's process; pid 200: proc-mlock-32m's; pid 2: a
 * kernel thread; pid 300: an empty dir (vanished); pid 400: garbage status
 * (failed); "self", "0012" and a file "123": not processes.
 */
static void make_tree(struct tree *t)
{
	char from[512], to[256];

	snprintf(t->root, sizeof(t->root), "/tmp/memacct-test-procs-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->proc, sizeof(t->proc), "%s/proc", t->root);
	assert_int_equal(mkdir(t->proc, 0755), 0);
	snprintf(from, sizeof(from), "%s/proc-anon-64m/proc/meminfo", MEMACCT_FIXTURES);
	snprintf(to, sizeof(to), "%s/meminfo", t->proc);
	copy(from, to);
	add_file(t, "../MANIFEST", "page_size: 4096\ncpus: 2\n");
	add_fixture_pid(t, 200, "proc-mlock-32m", fixture_pid("proc-mlock-32m"));
	add_fixture_pid(t, 100, "proc-anon-64m", fixture_pid("proc-anon-64m"));
	add_dir(t, "2");
	add_file(t, "2/status", kthread_status);
	add_dir(t, "300");
	add_dir(t, "400");
	add_file(t, "400/status", "Name:\tbroken\nVmSize:\tlots kB\n");
	add_file(t, "400/smaps_rollup", "");
	add_dir(t, "self");
	add_dir(t, "0012");
	add_file(t, "123", "not a process\n");
}

static void remove_tree(const struct tree *t)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
}

/* The kB value of "@field:" in fixture file @path, in bytes, read here independently. */
static uint64_t kb_field(const char *path, const char *field)
{
	size_t len = 0, flen = strlen(field);
	char *buf = slurp(path, &len), *line;
	unsigned long long v = 0;
	bool found = false;

	assert_non_null(buf);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			assert_int_equal(sscanf(line + flen + 1, "%llu", &v), 1);
			found = true;
		}
	free(buf);
	assert_true(found);
	return (uint64_t)v * 1024;
}

static void test_tree(void **state)
{
	static const struct {
		int pid;
		const char *fix;
		const char *comm;
	} procs[] = {
		{ 100, "proc-anon-64m", "memstate" },
		{ 200, "proc-mlock-32m", "memstate" },
	};
	struct memacct_source *src, *fsrc;
	struct memacct_procs *p;
	struct memacct_usage *u;
	struct tree t;
	const struct memacct_meminfo *mi;
	uint64_t sum[ARRAY_SIZE(all_keys)] = { 0 }, v, mt;
	size_t lacking;
	char path[512];
	const char *name;
	uint32_t uid;
	int pid;

	(void)state;
	make_tree(&t);
	assert_int_equal(memacct_source_new(t.proc, NULL, &src), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);

	assert_int_equal(memacct_procs_count(p), 2);
	assert_int_equal(memacct_procs_count_skipped(p, MEMACCT_PROCS_VANISHED), 1);
	assert_int_equal(memacct_procs_count_skipped(p, MEMACCT_PROCS_KERNEL_THREAD), 1);
	assert_int_equal(memacct_procs_count_skipped(p, MEMACCT_PROCS_DENIED), 0);
	assert_int_equal(memacct_procs_count_skipped(p, MEMACCT_PROCS_FAILED), 1);
	assert_int_equal(memacct_procs_count_partial(p), 0);
	assert_int_equal(memacct_procs_count_skipped(p, 0), -EOPNOTSUPP);
	assert_int_equal(memacct_procs_count_skipped(p, 5), -EOPNOTSUPP);

	for (size_t i = 0; i < ARRAY_SIZE(procs); i++) {
		char fpath[640];
		int fpid = fixture_pid(procs[i].fix);

		snprintf(path, sizeof(path), "%s/%s/proc", MEMACCT_FIXTURES, procs[i].fix);
		assert_int_equal(memacct_source_new(path, NULL, &fsrc), 0);
		assert_int_equal(memacct_usage_read(u, fsrc, fpid, 0, NULL), 0);
		assert_int_equal(memacct_procs_get_pid(p, i, &pid), 0);
		assert_int_equal(pid, procs[i].pid);
		assert_int_equal(memacct_procs_get_comm(p, i, &name), 0);
		assert_string_equal(name, procs[i].comm);
		assert_int_equal(memacct_procs_get_uid(p, i, &uid), 0);
		for (size_t k = 0; k < ARRAY_SIZE(all_keys); k++) {
			uint64_t want = 0;
			int r = memacct_usage_get(u, all_keys[k], &want);

			assert_int_equal(memacct_procs_get(p, i, all_keys[k], &v), r);
			if (r < 0)
				continue;
			assert_u64_equal(v, want);
			sum[k] += want;
		}
		/* Straight from the files' text. */
		snprintf(fpath, sizeof(fpath), "%s/%d/smaps_rollup", path, fpid);
		assert_u64_equal(pget(p, (int)i, MEMACCT_USAGE_PSS), kb_field(fpath, "Pss"));
		snprintf(fpath, sizeof(fpath), "%s/%d/status", path, fpid);
		assert_u64_equal(pget(p, (int)i, MEMACCT_USAGE_VSS), kb_field(fpath, "VmSize"));
		assert_u64_equal(uid, kb_field(fpath, "Uid") / 1024);
		memacct_source_free(fsrc);
	}
	for (size_t k = 0; k < ARRAY_SIZE(all_keys); k++) {
		assert_int_equal(memacct_procs_get_total(p, all_keys[k], &v, &lacking), 0);
		assert_u64_equal(v, sum[k]);
		assert_int_equal(lacking, 0);
	}
	assert_consistent(p);

	/* meminfo around the scan: the tree's, twice. */
	assert_int_equal(memacct_procs_get_meminfo(p, MEMACCT_PROCS_AT_END, &mi), 0);
	assert_int_equal(memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, &mt), 0);
	snprintf(path, sizeof(path), "%s/meminfo", t.proc);
	assert_u64_equal(mt, kb_field(path, "MemTotal"));
	assert_int_equal(memacct_procs_get_meminfo(p, 3, &mi), -EOPNOTSUPP);

	/* Bad arguments and indexes. */
	assert_int_equal(memacct_procs_get_pid(p, 2, &pid), -ERANGE);
	assert_int_equal(memacct_procs_get(p, 0, 0, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_procs_get(p, 0, 99, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_procs_get_total(p, 99, &v, NULL), -EOPNOTSUPP);
	assert_int_equal(memacct_procs_read(p, src, 1u << 5, NULL), -EINVAL);
	assert_int_equal(memacct_procs_read(NULL, src, 0, NULL), -EINVAL);
	assert_int_equal(memacct_procs_read(p, NULL, 0, NULL), -EINVAL);
	assert_int_equal(memacct_procs_count(NULL), -EINVAL);
	assert_int_equal(memacct_procs_new(NULL), -EINVAL);
	assert_null(memacct_procs_free(NULL));

	memacct_usage_free(u);
	memacct_procs_free(p);
	memacct_source_free(src);
	remove_tree(&t);
}

/* A new source over @t and a scan of it with a new handle. */
static void scan_tree(const struct tree *t, struct memacct_source **src, struct memacct_procs **p)
{
	assert_int_equal(memacct_source_new(t->proc, NULL, src), 0);
	assert_int_equal(memacct_procs_new(p), 0);
	assert_int_equal(memacct_procs_read(*p, *src, 0, NULL), 0);
}

/* memacct_source_read_file() of @path: its result alone. */
static int read_err(struct memacct_source *src, const char *path)
{
	const char *buf;
	size_t len;

	return memacct_source_read_file(src, path, &buf, &len);
}

/*
 * What memacct-cli capture adds beside a tree's proc/: the MANIFEST's denied:
 * files fail as they did live (a refused smaps_rollup makes the process
 * partial, not vanished), and the meminfo texts of meminfo.scan widen the
 * scan's meminfo ranges (how far meminfo moved while the capture read the
 * processes); a text that does not parse is left out.
 */
static void test_tree_capture_extras(void **state)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	struct tree t;
	char path[256], mi[192];
	uint64_t lo, hi, v, mapped;
	int i;

	(void)state;
	make_tree(&t);
	snprintf(path, sizeof(path), "%s/meminfo", t.proc);
	mapped = kb_field(path, "Mapped");
	snprintf(path, sizeof(path), "%s/100/smaps_rollup", t.proc);
	assert_int_equal(unlink(path), 0);
	add_file(&t, "../MANIFEST", "page_size: 4096\ncpus: 2\n"
		 "denied: 1/maps  100/smaps_rollup 100/smaps\tvmallocinfo\n");
	snprintf(mi, sizeof(mi), "MemTotal: 9 kB\nMapped: %" PRIu64 " kB\n\nMemTotal: 9 kB\n"
		 "Mapped: x kB\n\nMemTotal: 9 kB\nMapped: %" PRIu64 " kB\nAnonPages: 8 kB\n",
		 mapped / 1024 - 100, mapped / 1024 + 7);
	add_file(&t, "../meminfo.scan", mi);

	scan_tree(&t, &src, &p);
	assert_int_equal(memacct_procs_count(p), 2);
	assert_int_equal(memacct_procs_count_skipped(p, MEMACCT_PROCS_VANISHED), 1);
	assert_int_equal(memacct_procs_count_partial(p), 1);
	i = find(p, 100);
	assert_true(i >= 0);
	assert_true(memacct_procs_is_partial(p, (size_t)i));
	assert_int_equal(memacct_procs_get(p, (size_t)i, MEMACCT_USAGE_PSS, &v), -ENOENT);
	assert_int_equal(memacct_procs_get(p, (size_t)i, MEMACCT_USAGE_RSS, &v), 0);
	snprintf(path, sizeof(path), "%s/100/status", t.proc);
	assert_u64_equal(v, kb_field(path, "VmRSS"));
	assert_false(memacct_procs_is_partial(p, (size_t)find(p, 200)));

	assert_int_equal(procs_captured_samples(p), 2);
	assert_int_equal(memacct_procs_get_meminfo_range(p, MEMACCT_MEMINFO_MAPPED, &lo, &hi), 0);
	assert_u64_equal(lo, mapped - 100 * 1024);
	assert_u64_equal(hi, mapped + 7 * 1024);
	assert_int_equal(memacct_procs_get_meminfo_range(p, MEMACCT_MEMINFO_ANONPAGES, &lo, &hi), 0);
	assert_u64_equal(lo, 8 * 1024);

	/* The refusals are the source's: every reader sees them. */
	assert_int_equal(read_err(src, "1/maps"), -EACCES);
	assert_int_equal(read_err(src, "vmallocinfo"), -EACCES);
	assert_int_equal(read_err(src, "100/smaps_rollup"), -EACCES);
	assert_int_equal(read_err(src, "100/status"), 0);
	assert_int_equal(read_err(src, "100/smaps_rollupx"), -ENOENT);
	memacct_procs_free(p);
	memacct_source_free(src);

	/* Without them, the tree reads as before: the process vanished, one meminfo. */
	add_file(&t, "../MANIFEST", "page_size: 4096\ncpus: 2\n");
	snprintf(path, sizeof(path), "%s/../meminfo.scan", t.proc);
	assert_int_equal(unlink(path), 0);
	scan_tree(&t, &src, &p);
	assert_int_equal(memacct_procs_count(p), 1);
	assert_int_equal(memacct_procs_count_skipped(p, MEMACCT_PROCS_VANISHED), 2);
	assert_int_equal(procs_captured_samples(p), 0);
	assert_int_equal(memacct_procs_get_meminfo_range(p, MEMACCT_MEMINFO_MAPPED, &lo, &hi), 0);
	assert_u64_equal(lo, mapped);
	assert_u64_equal(hi, mapped);
	memacct_procs_free(p);
	memacct_source_free(src);
	remove_tree(&t);
}

/* A tree whose root has gone: the scan fails, and the handle holds nothing. */
static void test_root_gone(void **state)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_source *src;
	struct memacct_procs *p;
	struct tree t;
	uint64_t ns;

	(void)state;
	make_tree(&t);
	assert_int_equal(memacct_source_new(t.proc, NULL, &src), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
	assert_int_equal(memacct_procs_count(p), 2);
	remove_tree(&t);
	/* The root fd stays open on a deleted directory: listing it fails. */
	assert_true(memacct_procs_read(p, src, 0, &diag) < 0);
	assert_true(diag.error < 0);
	assert_int_equal(memacct_procs_count(p), 0);
	assert_int_equal(memacct_procs_get_duration(p, &ns), -ENOENT);
	memacct_procs_free(p);
	memacct_source_free(src);
}

/* Once grown, a scan of the same tree allocates nothing. */
static void test_noalloc(void **state)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	struct tree t;
	unsigned long before;

	(void)state;
	make_tree(&t);
	assert_int_equal(memacct_source_new(t.proc, NULL, &src), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	before = allocs;
	assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
	if (!alloc_counter_live(before)) {
		/* valgrind or a sanitizer owns malloc: nothing to count here. */
		memacct_procs_free(p);
		memacct_source_free(src);
		remove_tree(&t);
		skip();
	}
	for (int i = 0; i < 3; i++) {
		before = allocs;
		assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
		assert_int_equal(allocs - before, 0);
		assert_int_equal(memacct_procs_count(p), 2);
	}
	memacct_procs_free(p);
	memacct_source_free(src);
	remove_tree(&t);
}

/* --- churn ---------------------------------------------------------------- */

/* A child that forks short-lived processes and reaps them until killed. */
static pid_t start_spawner(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid > 0)
		return pid;
	for (;;) {
		for (int i = 0; i < 200; i++) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
		}
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
}

static void test_churn(void **state)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	pid_t spawner;
	int status;

	(void)state;
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	spawner = start_spawner();
	for (int i = 0; i < 20; i++) {
		assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
		assert_true(memacct_procs_count(p) > 0);
		assert_true(find(p, getpid()) >= 0);
		assert_consistent(p);
	}
	assert_int_equal(kill(spawner, SIGKILL), 0);
	assert_int_equal(waitpid(spawner, &status, 0), spawner);
	memacct_procs_free(p);
	memacct_source_free(src);
}

/*
 * Another user's processes: an unprivileged child reads status but not
 * smaps_rollup of root's processes, which are kept partial. The child
 * reports by its exit status (cmocka's asserts belong to the parent).
 */
static int unprivileged_scan(void)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	int n, i, partial = 0, self = -1;
	uint64_t v;

	if (setgid(65534) || setuid(65534))
		return 10;
	if (memacct_source_new(NULL, NULL, &src) || memacct_procs_new(&p) ||
	    memacct_procs_read(p, src, 0, NULL))
		return 11;
	n = memacct_procs_count(p);
	for (i = 0; i < n; i++) {
		int pid;

		memacct_procs_get_pid(p, (size_t)i, &pid);
		if (pid == getpid())
			self = i;
		if (memacct_procs_is_partial(p, (size_t)i) != 1)
			continue;
		partial++;
		if (memacct_procs_get(p, (size_t)i, MEMACCT_USAGE_PSS, &v) != -ENOENT ||
		    memacct_procs_get(p, (size_t)i, MEMACCT_USAGE_RSS, &v) != 0)
			return 12;
	}
	if (partial == 0 || partial != memacct_procs_count_partial(p))
		return 13;
	if (self < 0 || memacct_procs_is_partial(p, (size_t)self) != 0 ||
	    memacct_procs_get(p, (size_t)self, MEMACCT_USAGE_PSS, &v) != 0)
		return 14;
	memacct_procs_free(p);
	memacct_source_free(src);
	return 0;
}

static void test_partial(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (getuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(unprivileged_scan());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* --- threads ------------------------------------------------------------- */

/* Every observable of two scans is the same: rows, counts, totals, meminfo, X. */
static void assert_same_scan(const struct memacct_procs *a, const struct memacct_procs *b)
{
	int n = memacct_procs_count(a), ra, rb;
	uint64_t va, vb, wa, wb;
	size_t la, lb;
	int64_t xa, xb;

	assert_int_equal(memacct_procs_count(b), n);
	for (uint32_t r = MEMACCT_PROCS_VANISHED; r <= MEMACCT_PROCS_FAILED; r++)
		assert_int_equal(memacct_procs_count_skipped(b, r), memacct_procs_count_skipped(a, r));
	assert_int_equal(memacct_procs_count_partial(b), memacct_procs_count_partial(a));
	for (int i = 0; i < n; i++) {
		const char *ca, *cb;
		uint32_t ua = 0, ub = 0;
		int pa, pb;

		assert_int_equal(memacct_procs_get_pid(a, (size_t)i, &pa), 0);
		assert_int_equal(memacct_procs_get_pid(b, (size_t)i, &pb), 0);
		assert_int_equal(pb, pa);
		assert_int_equal(memacct_procs_get_comm(a, (size_t)i, &ca), 0);
		assert_int_equal(memacct_procs_get_comm(b, (size_t)i, &cb), 0);
		assert_string_equal(cb, ca);
		ra = memacct_procs_get_uid(a, (size_t)i, &ua);
		assert_int_equal(memacct_procs_get_uid(b, (size_t)i, &ub), ra);
		assert_int_equal(ub, ua);
		assert_int_equal(memacct_procs_is_partial(b, (size_t)i),
				 memacct_procs_is_partial(a, (size_t)i));
		for (size_t k = 0; k < ARRAY_SIZE(all_keys); k++) {
			va = vb = 0;
			ra = memacct_procs_get(a, (size_t)i, all_keys[k], &va);
			assert_int_equal(memacct_procs_get(b, (size_t)i, all_keys[k], &vb), ra);
			assert_u64_equal(vb, va);
		}
		for (unsigned x = 0; x < PROCS_NX; x++) {
			va = vb = 0;
			ra = procs_get_extra(a, (size_t)i, x, &va);
			assert_int_equal(procs_get_extra(b, (size_t)i, x, &vb), ra);
			assert_u64_equal(vb, va);
		}
	}
	for (size_t k = 0; k < ARRAY_SIZE(all_keys); k++) {
		va = vb = 0;
		la = lb = 0;
		ra = memacct_procs_get_total(a, all_keys[k], &va, &la);
		assert_int_equal(memacct_procs_get_total(b, all_keys[k], &vb, &lb), ra);
		assert_u64_equal(vb, va);
		assert_int_equal(lb, la);
	}
	for (unsigned x = 0; x < PROCS_NX; x++) {
		va = vb = 0;
		la = lb = 0;
		ra = procs_get_extra_total(a, x, &va, &la);
		assert_int_equal(procs_get_extra_total(b, x, &vb, &lb), ra);
		assert_u64_equal(vb, va);
		assert_int_equal(lb, la);
	}
	for (uint32_t key = 1; key < 200; key++) {
		va = vb = wa = wb = 0;
		ra = memacct_procs_get_meminfo_range(a, key, &va, &wa);
		assert_int_equal(memacct_procs_get_meminfo_range(b, key, &vb, &wb), ra);
		assert_u64_equal(vb, va);
		assert_u64_equal(wb, wa);
	}
	xa = xb = 0;
	la = lb = 0;
	ra = memacct_procs_get_unaccounted(a, NULL, &xa, &la);
	rb = memacct_procs_get_unaccounted(b, NULL, &xb, &lb);
	assert_int_equal(rb, ra);
	assert_true(xb == xa);
	assert_int_equal(lb, la);
}

/*
 * A tree of @n pids, 1000 + 7 j: the processes of report-12procs and of
 * proc-anon-64m and proc-mlock-32m in turn (@same: proc-anon-64m's alone),
 * and one in six of them skipped for a reason: an empty dir (vanished), a
 * status that does not parse (failed), a kernel thread's status. Counts
 * what a scan must find.
 */
struct big {
	struct tree t;
	int kept, vanished, failed, kthreads;
};

static void make_big_tree(struct big *b, int n, bool same)
{
	struct {
		char fix[64];
		int pid;
	} srcs[32];
	size_t nsrcs = 0;
	char from[512], to[256];
	struct dirent *d;
	DIR *dir;

	memset(b, 0, sizeof(*b));
	snprintf(from, sizeof(from), "%s/report-12procs/proc", MEMACCT_FIXTURES);
	dir = opendir(from);
	assert_non_null(dir);
	while ((d = readdir(dir)) && nsrcs < ARRAY_SIZE(srcs) - 2) {
		int pid = atoi(d->d_name);

		/* pid 2 there is kthreadd: a kernel thread, as the others of kind 3 */
		if (pid > 2) {
			snprintf(srcs[nsrcs].fix, sizeof(srcs[nsrcs].fix), "report-12procs");
			srcs[nsrcs++].pid = pid;
		}
	}
	closedir(dir);
	assert_true(nsrcs >= 8);
	snprintf(srcs[nsrcs].fix, sizeof(srcs[nsrcs].fix), "proc-anon-64m");
	srcs[nsrcs].pid = fixture_pid("proc-anon-64m");
	nsrcs++;
	snprintf(srcs[nsrcs].fix, sizeof(srcs[nsrcs].fix), "proc-mlock-32m");
	srcs[nsrcs].pid = fixture_pid("proc-mlock-32m");
	nsrcs++;

	snprintf(b->t.root, sizeof(b->t.root), "/tmp/memacct-test-procs-XXXXXX");
	assert_non_null(mkdtemp(b->t.root));
	snprintf(b->t.proc, sizeof(b->t.proc), "%s/proc", b->t.root);
	assert_int_equal(mkdir(b->t.proc, 0755), 0);
	snprintf(from, sizeof(from), "%s/report-12procs/proc/meminfo", MEMACCT_FIXTURES);
	snprintf(to, sizeof(to), "%s/meminfo", b->t.proc);
	copy(from, to);
	add_file(&b->t, "../MANIFEST", "page_size: 4096\ncpus: 2\n");
	for (int j = 0; j < n; j++) {
		int pid = 1000 + 7 * j;
		char name[32];

		switch (j % 6) {
		case 1:
			snprintf(name, sizeof(name), "%d", pid);
			add_dir(&b->t, name);
			b->vanished++;
			break;
		case 3:
			snprintf(name, sizeof(name), "%d", pid);
			add_dir(&b->t, name);
			snprintf(name, sizeof(name), "%d/status", pid);
			add_file(&b->t, name, kthread_status);
			b->kthreads++;
			break;
		case 5:
			snprintf(name, sizeof(name), "%d", pid);
			add_dir(&b->t, name);
			snprintf(name, sizeof(name), "%d/status", pid);
			add_file(&b->t, name, "Name:\tbroken\nVmSize:\tlots kB\n");
			b->failed++;
			break;
		default:
			if (same)
				add_fixture_pid(&b->t, pid, srcs[nsrcs - 2].fix, srcs[nsrcs - 2].pid);
			else
				add_fixture_pid(&b->t, pid, srcs[(size_t)j % nsrcs].fix,
						srcs[(size_t)j % nsrcs].pid);
			b->kept++;
		}
	}
}

/* Scan @root with @ref single-threaded, then with @pt at each thread count: the same. */
static void check_threads_on(const char *root, struct memacct_procs *ref,
			     struct memacct_procs *pt)
{
	static const unsigned counts[] = { 1, 2, 3, 8, 1024 };
	static const uint32_t flags[] = { 0, MEMACCT_PROCS_CHEAP };
	struct memacct_source *src, *src2;

	assert_int_equal(memacct_source_new(root, NULL, &src), 0);
	assert_int_equal(memacct_source_new(root, NULL, &src2), 0);
	for (size_t f = 0; f < ARRAY_SIZE(flags); f++) {
		assert_int_equal(memacct_procs_read(ref, src, flags[f], NULL), 0);
		assert_consistent(ref);
		for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
			assert_int_equal(memacct_procs_set_threads(pt, counts[c]), 0);
			/* twice: the second with the threads' kept readers, through another source */
			assert_int_equal(memacct_procs_read(pt, src, flags[f], NULL), 0);
			assert_same_scan(ref, pt);
			assert_int_equal(memacct_procs_read(pt, src2, flags[f], NULL), 0);
			assert_same_scan(ref, pt);
		}
	}
	memacct_source_free(src2);
	memacct_source_free(src);
}

static void test_threads_fixtures(void **state)
{
	static const char *const fixtures[] = {
		"report-12procs", "proc-anon-64m", "proc-cow-64m-x4", "proc-hugetlb-8x2m",
		"proc-mlock-32m", "proc-shared-file-64m-x3", "proc-shmem-64m-x2", "proc-thp-64m",
		"proc-vmas-1000",
	};
	struct memacct_procs *ref, *pt;
	char root[512];
	struct tree t;
	struct big b;

	(void)state;
	assert_int_equal(memacct_procs_new(&ref), 0);
	assert_int_equal(memacct_procs_new(&pt), 0);
	/* One threaded handle across every root: its readers follow the root. */
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		snprintf(root, sizeof(root), "%s/%s/proc", MEMACCT_FIXTURES, fixtures[i]);
		check_threads_on(root, ref, pt);
		assert_true(memacct_procs_count(ref) > 0);
	}

	make_tree(&t);
	check_threads_on(t.proc, ref, pt);
	assert_int_equal(memacct_procs_count(pt), 2);
	remove_tree(&t);

	/* The last root removed, another one: the threads read the new one, not the old. */
	make_big_tree(&b, 300, false);
	check_threads_on(b.t.proc, ref, pt);
	assert_int_equal(memacct_procs_read(pt, NULL, 0, NULL), -EINVAL);
	for (unsigned n = 1; n <= 4; n++) {
		struct memacct_source *src;

		assert_int_equal(memacct_source_new(b.t.proc, NULL, &src), 0);
		assert_int_equal(memacct_procs_set_threads(pt, n), 0);
		assert_int_equal(memacct_procs_read(pt, src, 0, NULL), 0);
		assert_int_equal(memacct_procs_count(pt), b.kept);
		assert_int_equal(memacct_procs_count_skipped(pt, MEMACCT_PROCS_VANISHED), b.vanished);
		assert_int_equal(memacct_procs_count_skipped(pt, MEMACCT_PROCS_FAILED), b.failed);
		assert_int_equal(memacct_procs_count_skipped(pt, MEMACCT_PROCS_KERNEL_THREAD),
				 b.kthreads);
		assert_int_equal(memacct_procs_count_skipped(pt, MEMACCT_PROCS_DENIED), 0);
		memacct_source_free(src);
	}
	remove_tree(&b.t);

	assert_int_equal(memacct_procs_set_threads(NULL, 2), -EINVAL);
	assert_int_equal(memacct_procs_set_threads(pt, 1025), -EINVAL);
	assert_int_equal(memacct_procs_set_threads(pt, 0), 0);
	memacct_procs_free(pt);
	memacct_procs_free(ref);
}

/*
 * Once grown, a threaded scan of the same tree allocates nothing either.
 * Which thread reads which process varies, and a thread scheduled late may
 * read none: the scan grows such a thread's buffers on one process of its
 * own, so that the first scan grows them all.
 */
static void test_threads_noalloc(void **state)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	unsigned long before;
	struct big b;

	(void)state;
	make_big_tree(&b, 300, true);
	assert_int_equal(memacct_source_new(b.t.proc, NULL, &src), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	assert_int_equal(memacct_procs_set_threads(p, 3), 0);
	before = allocs;
	assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
	if (!alloc_counter_live(before)) {
		memacct_procs_free(p);
		memacct_source_free(src);
		remove_tree(&b.t);
		skip();
	}
	for (int i = 0; i < 5; i++) {
		before = allocs;
		assert_int_equal(memacct_procs_read(p, src, 0, NULL), 0);
		assert_int_equal(allocs - before, 0);
		assert_int_equal(memacct_procs_count(p), b.kept);
	}
	memacct_procs_free(p);
	memacct_source_free(src);
	remove_tree(&b.t);
}

/* The live /proc on two threads while processes come and go: never a failure. */
static void test_threads_churn(void **state)
{
	struct memacct_source *src;
	struct memacct_procs *p;
	pid_t spawner;
	int status;

	(void)state;
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_procs_new(&p), 0);
	assert_int_equal(memacct_procs_set_threads(p, 2), 0);
	spawner = start_spawner();
	for (int i = 0; i < 30; i++) {
		int n, self;

		assert_int_equal(memacct_procs_read(p, src, i % 3 ? 0 : MEMACCT_PROCS_CHEAP, NULL), 0);
		n = memacct_procs_count(p);
		assert_true(n > 0);
		self = find(p, getpid());
		assert_true(self >= 0);
		assert_consistent(p);
		/* A kept process was read whole: status values, and PSS unless partial or CHEAP. */
		for (int k = 0; k < n; k++) {
			uint64_t v;

			assert_int_equal(memacct_procs_get(p, (size_t)k, MEMACCT_USAGE_VSS, &v), 0);
			assert_int_equal(memacct_procs_get(p, (size_t)k, MEMACCT_USAGE_RSS, &v), 0);
			if (i % 3 && memacct_procs_is_partial(p, (size_t)k) == 0)
				assert_int_equal(memacct_procs_get(p, (size_t)k, MEMACCT_USAGE_PSS,
								   &v), 0);
		}
		if (i % 3)
			assert_true(pget(p, self, MEMACCT_USAGE_PSS) > 0);
	}
	assert_int_equal(kill(spawner, SIGKILL), 0);
	assert_int_equal(waitpid(spawner, &status, 0), spawner);
	memacct_procs_free(p);
	memacct_source_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_tree_capture_extras),
		cmocka_unit_test(test_root_gone),
		cmocka_unit_test(test_noalloc),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_threads_fixtures),
		cmocka_unit_test(test_threads_noalloc),
		cmocka_unit_test(test_threads_churn),
	};

	return cmocka_run_group_tests_name("procs", tests, NULL, NULL);
}
