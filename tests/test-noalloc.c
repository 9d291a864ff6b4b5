/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The monitoring agent's promise: once a handle has grown to fit, reading and
 * parsing again allocates nothing. malloc and friends are interposed here to
 * count calls; sanitizer builds replace the allocator themselves, so there
 * the test is skipped.
 */
#include <errno.h>
#include <stdlib.h>

#include "test-util.h"
#include "memacct.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

#ifndef NO_INTERPOSE
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long allocs;

void *malloc(size_t n)
{
	allocs++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	allocs++;
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	allocs++;
	return __libc_realloc(p, n);
}

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
	/* The first read grows the buffers; when it seems not to, a tool such as
	 * valgrind has taken malloc from us and the count means nothing. */
	if (allocs == before) {
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

static void test_reparse(void **state)
{
	static const char big[] = "MemTotal: 1 kB\nNewA: 1 kB\nNewB: 2\nMem: 1 2 3\nMemFree: 1 kB\n";
	static const char small[] = "MemTotal: 1 kB\nNewB: 5\n";
	struct memacct_meminfo *mi = NULL;
	unsigned long before;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	before = allocs;
	assert_int_equal(memacct_meminfo_parse(mi, big, sizeof(big) - 1, NULL), 0);
	if (allocs == before) {
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
	};

	return cmocka_run_group_tests_name("noalloc", tests, NULL, NULL);
#endif
}
