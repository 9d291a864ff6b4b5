/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "test-util.h"
#include <memacct/memacct.h>

#define KIB UINT64_C(1024)
#define MIB (KIB * 1024)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint32_t all_keys[] = {
	MEMACCT_USAGE_VSS, MEMACCT_USAGE_RSS, MEMACCT_USAGE_PSS, MEMACCT_USAGE_USS,
	MEMACCT_USAGE_SWAP, MEMACCT_USAGE_SWAP_PSS, MEMACCT_USAGE_ANON, MEMACCT_USAGE_FILE,
	MEMACCT_USAGE_SHMEM, MEMACCT_USAGE_LOCKED, MEMACCT_USAGE_HUGETLB,
};

static struct memacct_source *fixture(const char *name)
{
	struct memacct_source *src = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/proc", MEMACCT_FIXTURES, name);
	assert_int_equal(memacct_source_new(path, NULL, &src), 0);
	return src;
}

static uint64_t uget(const struct memacct_usage *u, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_usage_get(u, key, &v), 0);
	return v;
}

static uint32_t from(const struct memacct_usage *u, uint32_t key)
{
	uint32_t f = 0;

	assert_int_equal(memacct_usage_get_source(u, key, &f), 0);
	return f;
}

static uint64_t status_get(struct memacct_source *src, int pid, uint32_t key)
{
	struct memacct_status *st;
	uint64_t v = 0;

	assert_int_equal(memacct_status_new(&st), 0);
	assert_int_equal(memacct_status_read(st, src, pid, NULL), 0);
	assert_int_equal(memacct_status_get(st, key, &v), 0);
	memacct_status_free(st);
	return v;
}

static uint64_t rollup_get(struct memacct_source *src, int pid, uint32_t key)
{
	struct memacct_vmas *v;
	uint64_t x = 0;

	assert_int_equal(memacct_vmas_new(&v), 0);
	assert_int_equal(memacct_smaps_rollup_read(v, src, pid, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 1);
	assert_int_equal(memacct_vma_get(memacct_vmas_at(v, 0), key, &x), 0);
	memacct_vmas_free(v);
	return x;
}

struct smaps_tally {
	uint64_t pss;
	uint64_t region_start;
	uint64_t region_pss;
	size_t nvmas;
};

static int tally_cb(const struct memacct_vma *vma, void *userdata)
{
	struct smaps_tally *t = userdata;
	uint64_t pss, start;

	assert_int_equal(memacct_vma_get(vma, MEMACCT_SMAPS_PSS, &pss), 0);
	assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_START, &start), 0);
	t->pss += pss;
	if (start == t->region_start)
		t->region_pss = pss;
	t->nvmas++;
	return 0;
}

static void tally(struct memacct_source *src, int pid, struct smaps_tally *t)
{
	struct memacct_vmas *v;

	assert_int_equal(memacct_vmas_new(&v), 0);
	assert_int_equal(memacct_smaps_foreach(v, src, pid, tally_cb, t, NULL), 0);
	memacct_vmas_free(v);
	assert_true(t->nvmas > 0);
}

/* PSS from the rollup, and the per-VMA Pss sum below it by < 1 kB per VMA (rounding). */
static void assert_pss_vs_smaps(const struct memacct_usage *u, const struct smaps_tally *t)
{
	uint64_t pss = uget(u, MEMACCT_USAGE_PSS);

	assert_true(pss >= t->pss);
	assert_true(pss - t->pss < t->nvmas * KIB);
}

static void test_cow(void **state)
{
	static const int pids[] = { 2290, 2294, 2295, 2296 };
	struct memacct_source *src = fixture("proc-cow-64m-x4");
	struct memacct_usage *u;
	uint64_t region_sum = 0;

	(void)state;
	assert_int_equal(memacct_usage_new(&u), 0);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		struct smaps_tally t = { .region_start = 0x7fce00091000 };
		uint64_t pss;

		assert_int_equal(memacct_usage_read(u, src, pids[i], 0, NULL), 0);
		assert_int_equal(memacct_usage_is_kernel_thread(u), 0);
		pss = uget(u, MEMACCT_USAGE_PSS);
		assert_u64_equal(pss, rollup_get(src, pids[i], MEMACCT_SMAPS_PSS));
		assert_int_equal(from(u, MEMACCT_USAGE_PSS), MEMACCT_USAGE_FROM_SMAPS_ROLLUP);
		tally(src, pids[i], &t);
		assert_pss_vs_smaps(u, &t);
		/* a quarter of the 64 MiB region, plus what else it maps */
		assert_u64_equal(t.region_pss, 16 * MIB);
		assert_true(pss >= 16 * MIB);
		region_sum += t.region_pss;
		/* the region is shared: none of it is in the USS */
		assert_true(uget(u, MEMACCT_USAGE_USS) < 16 * MIB);
		assert_true(uget(u, MEMACCT_USAGE_USS) <= pss);
		assert_true(pss <= uget(u, MEMACCT_USAGE_RSS));
		assert_true(uget(u, MEMACCT_USAGE_RSS) >= 64 * MIB);
		assert_true(uget(u, MEMACCT_USAGE_ANON) >= 64 * MIB);
		assert_int_equal(from(u, MEMACCT_USAGE_ANON), MEMACCT_USAGE_FROM_STATUS);
		assert_u64_equal(uget(u, MEMACCT_USAGE_VSS),
				 status_get(src, pids[i], MEMACCT_STATUS_VMSIZE));
		assert_int_equal(from(u, MEMACCT_USAGE_VSS), MEMACCT_USAGE_FROM_STATUS);
		assert_u64_equal(uget(u, MEMACCT_USAGE_SWAP), 0);
		assert_u64_equal(uget(u, MEMACCT_USAGE_HUGETLB), 0);
	}
	assert_u64_equal(region_sum, 64 * MIB);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void test_anon(void **state)
{
	struct memacct_source *src = fixture("proc-anon-64m");
	struct memacct_usage *u;

	(void)state;
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, 2171, 0, NULL), 0);
	assert_true(uget(u, MEMACCT_USAGE_USS) >= 64 * MIB);
	assert_true(uget(u, MEMACCT_USAGE_PSS) >= uget(u, MEMACCT_USAGE_USS));
	assert_true(uget(u, MEMACCT_USAGE_ANON) >= 64 * MIB);
	assert_u64_equal(uget(u, MEMACCT_USAGE_USS),
			 rollup_get(src, 2171, MEMACCT_SMAPS_PRIVATE_CLEAN) +
			 rollup_get(src, 2171, MEMACCT_SMAPS_PRIVATE_DIRTY));
	assert_int_equal(from(u, MEMACCT_USAGE_USS), MEMACCT_USAGE_FROM_SMAPS_ROLLUP);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void test_mlock(void **state)
{
	struct memacct_source *src = fixture("proc-mlock-32m");
	struct memacct_usage *u;

	(void)state;
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, 3209, 0, NULL), 0);
	assert_true(uget(u, MEMACCT_USAGE_LOCKED) >= 32 * MIB);
	assert_u64_equal(uget(u, MEMACCT_USAGE_LOCKED),
			 rollup_get(src, 3209, MEMACCT_SMAPS_LOCKED));
	assert_int_equal(from(u, MEMACCT_USAGE_LOCKED), MEMACCT_USAGE_FROM_SMAPS_ROLLUP);
	/* cheap: VmLck, which counts the one locked region exactly */
	assert_int_equal(memacct_usage_read(u, src, 3209, MEMACCT_USAGE_CHEAP, NULL), 0);
	assert_u64_equal(uget(u, MEMACCT_USAGE_LOCKED), 32 * MIB);
	assert_int_equal(from(u, MEMACCT_USAGE_LOCKED), MEMACCT_USAGE_FROM_STATUS);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void test_hugetlb(void **state)
{
	struct memacct_source *src = fixture("proc-hugetlb-8x2m");
	struct memacct_usage *u;

	(void)state;
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, 3422, 0, NULL), 0);
	assert_u64_equal(uget(u, MEMACCT_USAGE_HUGETLB), 16 * MIB);
	assert_int_equal(from(u, MEMACCT_USAGE_HUGETLB), MEMACCT_USAGE_FROM_SMAPS_ROLLUP);
	/* hugetlb pages are in no Rss */
	assert_true(uget(u, MEMACCT_USAGE_RSS) < 16 * MIB);
	assert_int_equal(memacct_usage_read(u, src, 3422, MEMACCT_USAGE_CHEAP, NULL), 0);
	assert_u64_equal(uget(u, MEMACCT_USAGE_HUGETLB), 16 * MIB);
	assert_int_equal(from(u, MEMACCT_USAGE_HUGETLB), MEMACCT_USAGE_FROM_STATUS);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void copy_file(const char *from_path, const char *to_path)
{
	size_t len = 0;
	char *buf = slurp(from_path, &len);
	FILE *f;

	assert_non_null(buf);
	f = fopen(to_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(buf);
}

/* The same pid, once from the fixture, once from a copy without smaps_rollup. */
static void check_fallback(const char *name, int pid)
{
	static const char *const files[] = { "status", "statm", "maps", "smaps" };
	struct memacct_source *src = fixture(name), *tmp_src = NULL;
	struct memacct_usage *u, *w;
	struct smaps_tally t = { 0 };
	char dir[64], path[512], to[512];

	snprintf(dir, sizeof(dir), "/tmp/memacct-test-usage-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(to, sizeof(to), "%s/%d", dir, pid);
	assert_int_equal(mkdir(to, 0755), 0);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s/proc/%d/%s", MEMACCT_FIXTURES, name, pid,
			 files[i]);
		snprintf(to, sizeof(to), "%s/%d/%s", dir, pid, files[i]);
		copy_file(path, to);
	}
	assert_int_equal(memacct_source_new(dir, NULL, &tmp_src), 0);

	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_new(&w), 0);
	assert_int_equal(memacct_usage_read(u, src, pid, 0, NULL), 0);
	assert_int_equal(memacct_usage_read(w, tmp_src, pid, 0, NULL), 0);
	assert_int_equal(from(u, MEMACCT_USAGE_PSS), MEMACCT_USAGE_FROM_SMAPS_ROLLUP);
	assert_int_equal(from(w, MEMACCT_USAGE_PSS), MEMACCT_USAGE_FROM_SMAPS);
	{
		/* The parsed files are lent out: the rollup only when it gave the values. */
		const struct memacct_status *st;
		const struct memacct_vmas *ro;
		uint64_t v;

		assert_int_equal(memacct_usage_get_rollup(u, &ro), 0);
		assert_int_equal(memacct_vmas_count(ro), 1);
		assert_int_equal(memacct_vma_get(memacct_vmas_at(ro, 0), MEMACCT_SMAPS_PSS, &v), 0);
		assert_u64_equal(v, uget(u, MEMACCT_USAGE_PSS));
		assert_int_equal(memacct_usage_get_rollup(w, &ro), -ENOENT);
		assert_int_equal(memacct_usage_get_status(w, &st), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMSIZE, &v), 0);
		assert_u64_equal(v, uget(w, MEMACCT_USAGE_VSS));
	}
	tally(tmp_src, pid, &t);
	assert_u64_equal(uget(w, MEMACCT_USAGE_PSS), t.pss);
	assert_pss_vs_smaps(u, &t);
	/* whole pages in every VMA: no rounding, the sums are exact */
	assert_u64_equal(uget(w, MEMACCT_USAGE_RSS), uget(u, MEMACCT_USAGE_RSS));
	assert_u64_equal(uget(w, MEMACCT_USAGE_USS), uget(u, MEMACCT_USAGE_USS));
	assert_u64_equal(uget(w, MEMACCT_USAGE_SWAP), uget(u, MEMACCT_USAGE_SWAP));
	assert_u64_equal(uget(w, MEMACCT_USAGE_HUGETLB), uget(u, MEMACCT_USAGE_HUGETLB));
	assert_u64_equal(uget(w, MEMACCT_USAGE_VSS), uget(u, MEMACCT_USAGE_VSS));
	assert_u64_equal(uget(w, MEMACCT_USAGE_ANON), uget(u, MEMACCT_USAGE_ANON));
	assert_true(uget(u, MEMACCT_USAGE_SWAP_PSS) >= uget(w, MEMACCT_USAGE_SWAP_PSS));

	memacct_usage_free(w);
	memacct_usage_free(u);
	memacct_source_free(tmp_src);
	memacct_source_free(src);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(to, sizeof(to), "%s/%d/%s", dir, pid, files[i]);
		unlink(to);
	}
	snprintf(to, sizeof(to), "%s/%d", dir, pid);
	rmdir(to);
	rmdir(dir);
}

static void test_fallback_smaps(void **state)
{
	(void)state;
	check_fallback("proc-cow-64m-x4", 2290);
	check_fallback("proc-shmem-64m-x2", 3025);
	check_fallback("proc-vmas-1000", 4824);
	check_fallback("proc-hugetlb-8x2m", 3422);
}

static void test_cheap(void **state)
{
	struct memacct_source *src = fixture("proc-cow-64m-x4");
	struct memacct_usage *u;
	uint64_t v;

	(void)state;
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, 2294, MEMACCT_USAGE_CHEAP, NULL), 0);
	assert_int_equal(memacct_usage_get(u, MEMACCT_USAGE_PSS, &v), -ENOENT);
	assert_int_equal(memacct_usage_get(u, MEMACCT_USAGE_USS, &v), -ENOENT);
	assert_int_equal(memacct_usage_get(u, MEMACCT_USAGE_SWAP_PSS, &v), -ENOENT);
	{
		const struct memacct_vmas *ro;
		const struct memacct_status *st;

		assert_int_equal(memacct_usage_get_rollup(u, &ro), -ENOENT);
		assert_int_equal(memacct_usage_get_status(u, &st), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMRSS, &v), 0);
		assert_u64_equal(v, uget(u, MEMACCT_USAGE_RSS));
	}
	assert_u64_equal(uget(u, MEMACCT_USAGE_RSS), status_get(src, 2294, MEMACCT_STATUS_VMRSS));
	assert_u64_equal(uget(u, MEMACCT_USAGE_VSS), status_get(src, 2294, MEMACCT_STATUS_VMSIZE));
	assert_u64_equal(uget(u, MEMACCT_USAGE_ANON),
			 status_get(src, 2294, MEMACCT_STATUS_RSSANON));
	assert_u64_equal(uget(u, MEMACCT_USAGE_FILE),
			 status_get(src, 2294, MEMACCT_STATUS_RSSFILE));
	assert_u64_equal(uget(u, MEMACCT_USAGE_SHMEM),
			 status_get(src, 2294, MEMACCT_STATUS_RSSSHMEM));
	assert_u64_equal(uget(u, MEMACCT_USAGE_SWAP), status_get(src, 2294, MEMACCT_STATUS_VMSWAP));
	assert_u64_equal(uget(u, MEMACCT_USAGE_LOCKED), status_get(src, 2294, MEMACCT_STATUS_VMLCK));
	assert_u64_equal(uget(u, MEMACCT_USAGE_HUGETLB),
			 status_get(src, 2294, MEMACCT_STATUS_HUGETLBPAGES));
	for (size_t i = 0; i < ARRAY_SIZE(all_keys); i++) {
		uint32_t f;

		if (memacct_usage_get_source(u, all_keys[i], &f) == 0)
			assert_int_equal(f, MEMACCT_USAGE_FROM_STATUS);
	}
	assert_true(uget(u, MEMACCT_USAGE_RSS) >= 64 * MIB);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void test_missing_pid(void **state)
{
	struct memacct_source *src = fixture("proc-cow-64m-x4"), *live = NULL;
	struct memacct_usage *u;
	size_t len = 0;
	char *pid_max = slurp("/proc/sys/kernel/pid_max", &len);
	uint64_t v;

	(void)state;
	assert_int_equal(memacct_usage_new(&u), 0);
	/* a good read first: a failed one must leave nothing behind */
	assert_int_equal(memacct_usage_read(u, src, 2290, 0, NULL), 0);
	assert_int_equal(memacct_usage_read(u, src, 1, 0, NULL), -ESRCH);
	assert_int_equal(memacct_usage_get(u, MEMACCT_USAGE_VSS, &v), -ENOENT);
	assert_int_equal(memacct_usage_is_kernel_thread(u), 0);
	assert_int_equal(memacct_usage_read(u, src, 1, MEMACCT_USAGE_CHEAP, NULL), -ESRCH);
	{
		const struct memacct_status *st;

		assert_int_equal(memacct_usage_get_status(u, &st), -ENOENT);
	}
	/* pids run below pid_max: pid_max itself never exists */
	assert_non_null(pid_max);
	assert_int_equal(memacct_source_new(NULL, NULL, &live), 0);
	assert_int_equal(memacct_usage_read(u, live, atoi(pid_max), 0, NULL), -ESRCH);
	free(pid_max);
	memacct_source_free(live);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void test_args(void **state)
{
	struct memacct_source *src = fixture("proc-anon-64m");
	struct memacct_usage *u;
	uint64_t v;
	uint32_t f;

	(void)state;
	assert_int_equal(memacct_usage_new(NULL), -EINVAL);
	assert_null(memacct_usage_free(NULL));
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, 0, 0, NULL), -EINVAL);
	assert_int_equal(memacct_usage_read(u, src, 2171, 1u << 5, NULL), -EINVAL);
	assert_int_equal(memacct_usage_read(NULL, src, 2171, 0, NULL), -EINVAL);
	assert_int_equal(memacct_usage_read(u, NULL, 2171, 0, NULL), -EINVAL);
	assert_int_equal(memacct_usage_read(u, src, 2171, 0, NULL), 0);
	assert_int_equal(memacct_usage_get(u, 0, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_usage_get(u, MEMACCT_USAGE_HUGETLB + 1, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_usage_get_source(u, 999, &f), -EOPNOTSUPP);
	assert_int_equal(memacct_usage_get(NULL, MEMACCT_USAGE_RSS, &v), -EINVAL);
	assert_int_equal(memacct_usage_is_kernel_thread(NULL), -EINVAL);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void test_live_self(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_usage *u;
	uint64_t rss, pss, uss;

	(void)state;
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, getpid(), 0, NULL), 0);
	assert_int_equal(memacct_usage_is_kernel_thread(u), 0);
	rss = uget(u, MEMACCT_USAGE_RSS);
	pss = uget(u, MEMACCT_USAGE_PSS);
	uss = uget(u, MEMACCT_USAGE_USS);
	assert_true(rss > 0);
	assert_true(pss <= rss);
	assert_true(uss <= pss);
	assert_true(uget(u, MEMACCT_USAGE_VSS) >= rss);
	assert_int_equal(memacct_usage_read(u, src, getpid(), MEMACCT_USAGE_CHEAP, NULL), 0);
	assert_true(uget(u, MEMACCT_USAGE_RSS) > 0);
	memacct_usage_free(u);
	memacct_source_free(src);
}

static void assert_kernel_thread(const struct memacct_usage *u)
{
	uint64_t v;

	assert_int_equal(memacct_usage_is_kernel_thread(u), 1);
	for (size_t i = 0; i < ARRAY_SIZE(all_keys); i++)
		assert_int_equal(memacct_usage_get(u, all_keys[i], &v), -ENOENT);
}

static void test_live_kthreadd(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_usage *u;
	size_t len = 0;
	char *comm = slurp("/proc/2/comm", &len);

	(void)state;
	if (!comm || strcmp(comm, "kthreadd\n") != 0) {
		free(comm);
		skip();
	}
	free(comm);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, 2, 0, NULL), 0);
	assert_kernel_thread(u);
	assert_int_equal(memacct_usage_read(u, src, 2, MEMACCT_USAGE_CHEAP, NULL), 0);
	assert_kernel_thread(u);
	/* the next read clears the mark */
	assert_int_equal(memacct_usage_read(u, src, getpid(), 0, NULL), 0);
	assert_int_equal(memacct_usage_is_kernel_thread(u), 0);
	memacct_usage_free(u);
	memacct_source_free(src);
}

/* A child that has exited but is not reaped yet is a zombie: it has exited. */
static void test_live_zombie(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_usage *u;
	siginfo_t si;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_usage_new(&u), 0);
	assert_int_equal(memacct_usage_read(u, src, pid, 0, NULL), -ESRCH);
	assert_int_equal(memacct_usage_read(u, src, pid, MEMACCT_USAGE_CHEAP, NULL), -ESRCH);
	assert_int_equal(memacct_usage_is_kernel_thread(u), 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(memacct_usage_read(u, src, pid, 0, NULL), -ESRCH);
	memacct_usage_free(u);
	memacct_source_free(src);
}

/*
 * As an unprivileged user, another user's smaps_rollup is denied
 * (PTRACE_MODE_READ) while its status is not: -EACCES with the status keys.
 * Runs in a child that drops root; its exit code is the first failed check.
 */
static int eacces_child(void)
{
	struct memacct_source *src = NULL;
	struct memacct_usage *u;
	uint64_t v;
	uint32_t f;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 1;
	if (memacct_source_new(NULL, NULL, &src) < 0 || memacct_usage_new(&u) < 0)
		return 2;
	if (memacct_usage_read(u, src, 1, 0, NULL) != -EACCES)
		return 3;
	if (memacct_usage_get(u, MEMACCT_USAGE_VSS, &v) < 0 || v == 0)
		return 4;
	if (memacct_usage_get(u, MEMACCT_USAGE_RSS, &v) < 0 || v == 0)
		return 5;
	if (memacct_usage_get_source(u, MEMACCT_USAGE_RSS, &f) < 0 ||
	    f != MEMACCT_USAGE_FROM_STATUS)
		return 6;
	if (memacct_usage_get(u, MEMACCT_USAGE_PSS, &v) != -ENOENT ||
	    memacct_usage_get(u, MEMACCT_USAGE_USS, &v) != -ENOENT)
		return 7;
	if (memacct_usage_read(u, src, 1, MEMACCT_USAGE_CHEAP, NULL) != 0)
		return 8;
	memacct_usage_free(u);
	memacct_source_free(src);
	return 0;
}

static void test_live_eacces(void **state)
{
	size_t len = 0;
	char *st = slurp("/proc/1/status", &len);
	int status = 0;
	pid_t pid;

	(void)state;
	/* needs root to drop, and a pid 1 with memory owned by someone else */
	if (getuid() != 0 || !st || !strstr(st, "VmSize:")) {
		free(st);
		skip();
	}
	free(st);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(eacces_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cow),
		cmocka_unit_test(test_anon),
		cmocka_unit_test(test_mlock),
		cmocka_unit_test(test_hugetlb),
		cmocka_unit_test(test_fallback_smaps),
		cmocka_unit_test(test_cheap),
		cmocka_unit_test(test_missing_pid),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_live_kthreadd),
		cmocka_unit_test(test_live_zombie),
		cmocka_unit_test(test_live_eacces),
	};

	return cmocka_run_group_tests_name("usage", tests, NULL, NULL);
}
