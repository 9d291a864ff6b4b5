/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The system scan (lib/procs.c): the live /proc against direct reads, a
 * made-up tree with known processes and every way of being skipped, and
 * scans while processes come and go.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "test-util.h"
#include "test-alloc.h"
#include <memacct/memacct.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_root_gone),
		cmocka_unit_test(test_noalloc),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_partial),
	};

	return cmocka_run_group_tests_name("procs", tests, NULL, NULL);
}
