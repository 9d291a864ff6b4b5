/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include <memacct/memacct.h>

#include "test-tree.h"

#define KB UINT64_C(1024)
#define HP(k) MEMACCT_HUGEPAGES_##k

static struct memacct_source *source(const char *root)
{
	struct memacct_source *src = NULL;

	assert_int_equal(memacct_source_new(root, NULL, &src), 0);
	return src;
}

static void expect(const struct memacct_hugepages *hp, size_t i, uint32_t key, uint64_t want)
{
	uint64_t v = UINT64_MAX;

	assert_int_equal(memacct_hugepages_get(hp, i, key, &v), 0);
	assert_u64_equal(v, want);
}

/* This machine, with 8 pages of 2048 kB in the pool and 3 of them in use (MANIFEST). */
static void test_live_fixture(void **state)
{
	struct memacct_source *src = source(MEMACCT_FIXTURES "/kernel-live/proc");
	struct memacct_hugepages *hp;
	uint64_t v = 7;

	(void)state;
	assert_int_equal(memacct_hugepages_new(&hp), 0);
	assert_int_equal(memacct_hugepages_count(hp), 0);
	assert_int_equal(memacct_hugepages_read(hp, src, NULL), 0);
	assert_int_equal(memacct_hugepages_count(hp), 1);
	expect(hp, 0, HP(SIZE), 2048 * KB);
	expect(hp, 0, HP(NR), 8);
	expect(hp, 0, HP(FREE), 5);
	expect(hp, 0, HP(RESV), 0);
	expect(hp, 0, HP(SURPLUS), 0);
	expect(hp, 0, HP(NR_OVERCOMMIT), 0);
	assert_int_equal(memacct_hugepages_get(hp, 1, HP(NR), &v), -ERANGE);
	assert_int_equal(memacct_hugepages_get(hp, 0, 0, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_hugepages_get(hp, 0, 7, &v), -EOPNOTSUPP);
	assert_u64_equal(v, 7);
	/* A refill gives the same pool. */
	assert_int_equal(memacct_hugepages_read(hp, src, NULL), 0);
	assert_int_equal(memacct_hugepages_count(hp), 1);
	expect(hp, 0, HP(FREE), 5);
	memacct_hugepages_free(hp);
	memacct_source_free(src);
}

/* Hand-made: two sizes, whatever order readdir() gives, sorted by size. */
static void test_two_sizes(void **state)
{
	struct memacct_source *src = source(MEMACCT_FIXTURES "/kernel-2node/proc");
	struct memacct_hugepages *hp;

	(void)state;
	assert_int_equal(memacct_hugepages_new(&hp), 0);
	assert_int_equal(memacct_hugepages_read(hp, src, NULL), 0);
	assert_int_equal(memacct_hugepages_count(hp), 2);
	expect(hp, 0, HP(SIZE), 2048 * KB);
	expect(hp, 0, HP(NR), 4);
	expect(hp, 0, HP(FREE), 3);
	expect(hp, 0, HP(RESV), 1);
	expect(hp, 0, HP(SURPLUS), 0);
	expect(hp, 1, HP(SIZE), 1048576 * KB);
	expect(hp, 1, HP(NR), 2);
	expect(hp, 1, HP(FREE), 2);
	expect(hp, 1, HP(RESV), 0);
	expect(hp, 1, HP(NR_OVERCOMMIT), 0);
	memacct_hugepages_free(hp);
	memacct_source_free(src);
}

/* No sys/ tree beside the root, and a sys/ tree without hugepages: -ENOENT, said apart. */
static void test_absent(void **state)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_source *src = source(MEMACCT_FIXTURES "/quiet/proc");
	struct memacct_hugepages *hp;
	struct tree t;

	(void)state;
	assert_int_equal(memacct_hugepages_new(&hp), 0);
	assert_int_equal(memacct_hugepages_read(hp, src, &d), -ENOENT);
	assert_int_equal(d.error, -ENOENT);
	assert_string_equal(d.message, "no sys tree beside the root (a capture without sysfs)");
	assert_int_equal(memacct_hugepages_count(hp), 0);
	memacct_source_free(src);

	tree_make(&t, "hp-absent");
	tree_mkdir(&t, "sys/kernel/mm");
	src = source(t.proc);
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(memacct_hugepages_read(hp, src, &d), -ENOENT);
	assert_string_equal(d.message,
			    "no hugepages directory in sysfs: the kernel has no hugetlb support");
	assert_string_equal(d.key, "kernel/mm/hugepages");

	/* An empty directory: hugetlb configured, no pool. */
	tree_mkdir(&t, "sys/kernel/mm/hugepages");
	assert_int_equal(memacct_hugepages_read(hp, src, NULL), 0);
	assert_int_equal(memacct_hugepages_count(hp), 0);
	memacct_source_free(src);
	tree_remove(&t);
	memacct_hugepages_free(hp);
}

/* A pool file that is absent reads as -ENOENT for its key, never 0. */
static void test_missing_file(void **state)
{
	struct memacct_source *src;
	struct memacct_hugepages *hp;
	uint64_t v = 42;
	struct tree t;

	(void)state;
	tree_make(&t, "hp-missing");
	tree_put(&t, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "3\n");
	tree_put(&t, "sys/kernel/mm/hugepages/hugepages-2048kB/surplus_hugepages", "0\n");
	tree_put(&t, "sys/kernel/mm/hugepages/README", "not a pool\n");
	src = source(t.proc);
	assert_int_equal(memacct_hugepages_new(&hp), 0);
	assert_int_equal(memacct_hugepages_read(hp, src, NULL), 0);
	assert_int_equal(memacct_hugepages_count(hp), 1);
	expect(hp, 0, HP(NR), 3);
	expect(hp, 0, HP(SURPLUS), 0);
	assert_int_equal(memacct_hugepages_get(hp, 0, HP(FREE), &v), -ENOENT);
	assert_int_equal(memacct_hugepages_get(hp, 0, HP(RESV), &v), -ENOENT);
	assert_int_equal(memacct_hugepages_get(hp, 0, HP(NR_OVERCOMMIT), &v), -ENOENT);
	assert_u64_equal(v, 42);
	memacct_hugepages_free(hp);
	memacct_source_free(src);
	tree_remove(&t);
}

static void expect_bad(const char *rel, const char *text, int err, const char *key,
		       const char *msg)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_source *src;
	struct memacct_hugepages *hp;
	struct tree t;

	tree_make(&t, "hp-bad");
	tree_put(&t, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "8\n");
	tree_put(&t, rel, text);
	src = source(t.proc);
	assert_int_equal(memacct_hugepages_new(&hp), 0);
	assert_int_equal(memacct_hugepages_read(hp, src, &d), err);
	assert_int_equal(d.error, err);
	assert_string_equal(d.key, key);
	assert_string_equal(d.message, msg);
	assert_int_equal(memacct_hugepages_count(hp), 0);
	memacct_hugepages_free(hp);
	memacct_source_free(src);
	tree_remove(&t);
}

/* Garbage in a pool file or a pool directory's name: -EBADMSG and where. */
static void test_garbage(void **state)
{
	(void)state;
	expect_bad("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "five\n", -EBADMSG,
		   "hugepages-2048kB/free_hugepages", "pool file is not a decimal number");
	expect_bad("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "5 pages\n",
		   -EBADMSG, "hugepages-2048kB/free_hugepages", "pool file is not a decimal number");
	expect_bad("sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages", "", -EBADMSG,
		   "hugepages-2048kB/resv_hugepages", "pool file is not a decimal number");
	expect_bad("sys/kernel/mm/hugepages/hugepages-2048kB/surplus_hugepages",
		   "99999999999999999999999\n", -EOVERFLOW, "hugepages-2048kB/surplus_hugepages",
		   "number does not fit in 64 bits");
	expect_bad("sys/kernel/mm/hugepages/hugepages-2MB/nr_hugepages", "1\n", -EBADMSG,
		   "hugepages-2MB", "pool directory name is not hugepages-<N>kB");
}

/* After a failed read the handle holds no pool; a good read refills it. */
static void test_reuse_after_failure(void **state)
{
	struct memacct_source *good = source(MEMACCT_FIXTURES "/kernel-2node/proc");
	struct memacct_source *none = source(MEMACCT_FIXTURES "/quiet/proc");
	struct memacct_hugepages *hp;
	uint64_t v;

	(void)state;
	assert_int_equal(memacct_hugepages_new(&hp), 0);
	assert_int_equal(memacct_hugepages_read(hp, good, NULL), 0);
	assert_int_equal(memacct_hugepages_read(hp, none, NULL), -ENOENT);
	assert_int_equal(memacct_hugepages_count(hp), 0);
	assert_int_equal(memacct_hugepages_get(hp, 0, HP(NR), &v), -ERANGE);
	assert_int_equal(memacct_hugepages_read(hp, good, NULL), 0);
	assert_int_equal(memacct_hugepages_count(hp), 2);
	expect(hp, 1, HP(NR), 2);

	assert_int_equal(memacct_hugepages_new(NULL), -EINVAL);
	assert_int_equal(memacct_hugepages_read(NULL, good, NULL), -EINVAL);
	assert_int_equal(memacct_hugepages_read(hp, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_hugepages_get(hp, 0, HP(NR), NULL), -EINVAL);
	assert_int_equal(memacct_hugepages_count(NULL), -EINVAL);
	assert_null(memacct_hugepages_free(NULL));
	memacct_hugepages_free(hp);
	memacct_source_free(good);
	memacct_source_free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_fixture),
		cmocka_unit_test(test_two_sizes),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_reuse_after_failure),
	};

	return cmocka_run_group_tests_name("hugepages", tests, NULL, NULL);
}
