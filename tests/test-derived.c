/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "test-util.h"
#include "memacct.h"

static struct memacct_meminfo *parse(const char *text)
{
	struct memacct_meminfo *mi = NULL;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_int_equal(memacct_meminfo_parse(mi, text, strlen(text), NULL), 0);
	return mi;
}

static int64_t derive(const struct memacct_meminfo *mi, uint32_t key, int expect_r)
{
	int64_t v = -1;

	assert_int_equal(memacct_meminfo_get_derived(mi, key, &v), expect_r);
	return v;
}

#define KB(x) ((int64_t)(x) * 1024)

/* Every term present, numbers chosen so each sum is distinct. */
static const char full[] =
	"MemTotal:      100000 kB\n"
	"MemFree:        40000 kB\n"
	"Buffers:         1000 kB\n"
	"Cached:         20000 kB\n"
	"SwapCached:         0 kB\n"
	"Active:         15000 kB\n"
	"Inactive:       12000 kB\n"
	"Unevictable:      300 kB\n"
	"Dirty:             70 kB\n"
	"Writeback:          5 kB\n"
	"AnonPages:       7000 kB\n"
	"Mapped:          3000 kB\n"
	"Slab:            4000 kB\n"
	"KernelStack:      200 kB\n"
	"PageTables:       100 kB\n"
	"SecPageTables:     10 kB\n"
	"NFS_Unstable:       1 kB\n"
	"Bounce:             2 kB\n"
	"VmallocUsed:      500 kB\n"
	"Percpu:            50 kB\n"
	"HardwareCorrupted:  4 kB\n"
	"HugePages_Total:    2\n"
	"Hugepagesize:    2048 kB\n"
	"Hugetlb:         6144 kB\n";

static void test_full(void **state)
{
	struct memacct_meminfo *mi = parse(full);
	int64_t kernel = KB(4000 + 500 + 100 + 10 + 200 + 50 + 4 + 2);

	assert_true(derive(mi, MEMACCT_DERIVED_KERNEL, 0) == kernel);
	/* Hugetlb (every size) wins over the default pool's 2 * 2048 kB. */
	assert_true(derive(mi, MEMACCT_DERIVED_HUGETLB, 0) == KB(6144));
	assert_true(derive(mi, MEMACCT_DERIVED_TOTAL_DIRTY, 0) == KB(70 + 1 + 5));
	assert_true(derive(mi, MEMACCT_DERIVED_USER_LRU, 0) == KB(15000 + 12000 + 300));
	assert_true(derive(mi, MEMACCT_DERIVED_USER_PAGECACHE, 0) == KB(20000 + 7000 + 1000));
	assert_true(derive(mi, MEMACCT_DERIVED_UNACCOUNTED_LRU, 0) ==
		    KB(100000 - 40000) - kernel - KB(27300 + 6144));
	assert_true(derive(mi, MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE, 0) ==
		    KB(100000 - 40000) - kernel - KB(28000 + 6144));
	assert_true(derive(mi, MEMACCT_DERIVED_CACHE_UNMAPPED, 0) == KB(20000 - 3000));
	derive(mi, 0, -EOPNOTSUPP);
	derive(mi, 99, -EOPNOTSUPP);
	memacct_meminfo_free(mi);
}

static void test_old_and_missing(void **state)
{
	/* No Hugetlb line (before 4.16): the default pool. */
	struct memacct_meminfo *mi = parse(
		"MemTotal: 1000 kB\nMemFree: 100 kB\nSlab: 10 kB\nActive: 5 kB\nInactive: 6 kB\n"
		"Cached: 50 kB\nBuffers: 1 kB\nAnonPages: 2 kB\nSwapCached: 8 kB\n"
		"HugePages_Total: 3\nHugepagesize: 4096 kB\n");
	int64_t v;

	assert_true(derive(mi, MEMACCT_DERIVED_HUGETLB, 0) == KB(3 * 4096));
	/* Only Slab of the kernel terms: the sum is Slab. */
	assert_true(derive(mi, MEMACCT_DERIVED_KERNEL, 0) == KB(10));
	/* No Unevictable (before 2.6.28): LRU is Active + Inactive. */
	assert_true(derive(mi, MEMACCT_DERIVED_USER_LRU, 0) == KB(11));
	assert_true(derive(mi, MEMACCT_DERIVED_UNACCOUNTED_LRU, 0) ==
		    KB(1000 - 100 - 10 - 11 - 3 * 4096));
	/* SwapCached != 0: the page-cache formula is given, flagged with 1. */
	assert_true(derive(mi, MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE, 1) ==
		    KB(1000 - 100 - 10 - 53 - 3 * 4096));
	/* No Dirty, no Mapped: absent, never zero. */
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_TOTAL_DIRTY, &v), -ENOENT);
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_CACHE_UNMAPPED, &v), -ENOENT);
	memacct_meminfo_free(mi);

	/* No hugetlb support at all: no pool, X still computed. */
	mi = parse("MemTotal: 1000 kB\nMemFree: 100 kB\nSlab: 10 kB\nActive: 5 kB\nInactive: 6 kB\n");
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_HUGETLB, &v), -ENOENT);
	assert_true(derive(mi, MEMACCT_DERIVED_UNACCOUNTED_LRU, 0) == KB(1000 - 100 - 10 - 11));
	memacct_meminfo_free(mi);

	/* A required term missing (no Slab): -ENOENT, output untouched. */
	mi = parse("MemTotal: 1000 kB\nMemFree: 100 kB\nActive: 5 kB\nInactive: 6 kB\n");
	v = 42;
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_KERNEL, &v), -ENOENT);
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_UNACCOUNTED_LRU, &v), -ENOENT);
	assert_int_equal(v, 42);
	memacct_meminfo_free(mi);

	/* Sums past int64: -EOVERFLOW. */
	mi = parse("MemTotal: 1 kB\nSlab: 9007199254740991 kB\nVmallocUsed: 9007199254740991 kB\n");
	assert_int_equal(memacct_meminfo_get_derived(mi, MEMACCT_DERIVED_KERNEL, &v), -EOVERFLOW);
	memacct_meminfo_free(mi);

	/* The unaccounted remainder may be negative. */
	mi = parse("MemTotal: 100 kB\nMemFree: 90 kB\nSlab: 20 kB\nActive: 0 kB\nInactive: 0 kB\n");
	assert_true(derive(mi, MEMACCT_DERIVED_UNACCOUNTED_LRU, 0) == KB(-10));
	memacct_meminfo_free(mi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_old_and_missing),
	};

	return cmocka_run_group_tests_name("derived", tests, NULL, NULL);
}
