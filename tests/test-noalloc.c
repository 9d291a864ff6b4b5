/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitoring agent's promise: once a handle has grown to fit, reading and
 * parsing again allocates nothing. Allocations are counted (test-alloc.h);
 * sanitizer builds replace the allocator themselves, so there the test is
 * skipped.
 */
#include <errno.h>
#include <stdlib.h>

#include "test-util.h"
#include "memacct.h"
#include "test-alloc.h"

#ifndef NO_INTERPOSE
static void test_live_reads(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_meminfo *mi = NULL;
	unsigned long before;
	uint64_t v;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_meminfo_new(&mi), 0);
	before = allocs;
	assert_int_equal(memacct_meminfo_read(mi, src, NULL), 0);
	/* The first read grows the buffers: it must have been counted. */
	if (!alloc_counter_live(before)) {
		memacct_meminfo_free(mi);
		memacct_source_free(src);
		skip();
	}

	before = allocs;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(memacct_meminfo_read(mi, src, NULL), 0);
		assert_int_equal(memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, &v), 0);
	}
	assert_int_equal(allocs - before, 0);
	memacct_meminfo_free(mi);
	memacct_source_free(src);
}

static int count_violated(const struct memacct_check_result *r, void *userdata)
{
	*(int *)userdata += r->status == MEMACCT_CHECK_VIOLATED;
	return 0;
}

/* An agent's whole round: read the four files, run every identity. */
static void test_check_rounds(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_meminfo *mi = NULL;
	struct memacct_buddyinfo *bi = NULL;
	struct memacct_vmstat *vs = NULL;
	struct memacct_zoneinfo *zi = NULL;
	struct memacct_snapshot *snap = NULL;
	unsigned long before = allocs, first = 0;
	int seen, r;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_int_equal(memacct_buddyinfo_new(&bi), 0);
	assert_int_equal(memacct_vmstat_new(&vs), 0);
	assert_int_equal(memacct_zoneinfo_new(&zi), 0);
	assert_int_equal(memacct_snapshot_new(&snap), 0);
	assert_int_equal(memacct_snapshot_set_source(snap, src), 0);
	for (int i = 0; i < 201; i++) {
		if (i == 1) {
			first = allocs - before;
			before = allocs;
		}
		assert_int_equal(memacct_zoneinfo_read(zi, src, NULL), 0);
		assert_int_equal(memacct_buddyinfo_read(bi, src, NULL), 0);
		assert_int_equal(memacct_meminfo_read(mi, src, NULL), 0);
		assert_int_equal(memacct_vmstat_read(vs, src, NULL), 0);
		assert_int_equal(memacct_snapshot_set_meminfo(snap, mi), 0);
		assert_int_equal(memacct_snapshot_set_buddyinfo(snap, bi), 0);
		assert_int_equal(memacct_snapshot_set_vmstat(snap, vs), 0);
		assert_int_equal(memacct_snapshot_set_zoneinfo(snap, zi), 0);
		seen = 0;
		/* The run's own count and the callback's must agree. */
		r = memacct_check_run(snap, NULL, count_violated, &seen);
		assert_int_equal(r, seen);
	}
	/* As above: no allocation seen in the first round means a tool owns malloc. */
	if (first)
		assert_int_equal(allocs - before, 0);
	memacct_snapshot_free(snap);
	memacct_zoneinfo_free(zi);
	memacct_vmstat_free(vs);
	memacct_buddyinfo_free(bi);
	memacct_meminfo_free(mi);
	memacct_source_free(src);
}

static void test_reparse(void **state)
{
	static const char big[] = "MemTotal: 1 kB\nNewA: 1 kB\nNewB: 2\nMem: 1 2 3\nMemFree: 1 kB\n";
	static const char small[] = "MemTotal: 1 kB\nNewB: 5\n";
	struct memacct_meminfo *mi = NULL;
	unsigned long before;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	before = allocs;
	assert_int_equal(memacct_meminfo_parse(mi, big, sizeof(big) - 1, NULL), 0);
	if (!alloc_counter_live(before)) {
		memacct_meminfo_free(mi);
		skip();
	}
	before = allocs;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(memacct_meminfo_parse(mi, small, sizeof(small) - 1, NULL), 0);
		assert_int_equal(memacct_meminfo_parse(mi, big, sizeof(big) - 1, NULL), 0);
		assert_int_equal(memacct_meminfo_parse(mi, "x", 1, NULL), -EBADMSG);
	}
	assert_int_equal(allocs - before, 0);
	memacct_meminfo_free(mi);
}
#endif

int main(void)
{
#ifdef NO_INTERPOSE
	printf("# SKIP: the sanitizer owns malloc here\n");
	return 77;
#else
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_reads),
		cmocka_unit_test(test_reparse),
		cmocka_unit_test(test_check_rounds),
	};

	return cmocka_run_group_tests_name("noalloc", tests, NULL, NULL);
#endif
}
