/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>

#include "test-util.h"
#include "memacct.h"

/* The head of this machine's /proc/vmstat (6.18), as mm/vmstat.c vmstat_show prints it. */
static const char real[] =
	"nr_free_pages 1099399\n"
	"nr_free_pages_blocks 1034240\n"
	"nr_zone_inactive_anon 672\n"
	"nr_zone_active_anon 378\n"
	"nr_file_pages 4665\n"
	"numa_hit 1134600\n"
	"nr_kernel_stack 1300\n"
	"pgfault 18446744073709551615\n";

static struct memacct_vmstat *new_vs(void)
{
	struct memacct_vmstat *vs = NULL;

	assert_int_equal(memacct_vmstat_new(&vs), 0);
	assert_non_null(vs);
	return vs;
}

static uint64_t get(const struct memacct_vmstat *vs, const char *name)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_vmstat_get_by_name(vs, name, &v), 0);
	return v;
}

static void test_real(void **state)
{
	struct memacct_vmstat *vs = new_vs();
	const char *name = NULL;
	uint64_t v = 7;

	assert_int_equal(memacct_vmstat_parse(vs, real, sizeof(real) - 1, NULL), 0);
	assert_int_equal(memacct_vmstat_count(vs), 8);
	assert_u64_equal(get(vs, "nr_free_pages"), 1099399);
	assert_u64_equal(get(vs, "nr_file_pages"), 4665);
	assert_u64_equal(get(vs, "nr_kernel_stack"), 1300);
	assert_u64_equal(get(vs, "pgfault"), UINT64_MAX);
	/* A name that is a prefix of another is not that other. */
	assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_free", &v), -ENOENT);
	assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_free_pages_blocks_x", &v), -ENOENT);
	assert_int_equal(memacct_vmstat_get_by_name(vs, "", &v), -ENOENT);
	assert_u64_equal(v, 7);

	assert_int_equal(memacct_vmstat_at(vs, 1, &name, &v), 0);
	assert_string_equal(name, "nr_free_pages_blocks");
	assert_u64_equal(v, 1034240);
	assert_int_equal(memacct_vmstat_at(vs, 7, &name, NULL), 0);
	assert_string_equal(name, "pgfault");
	assert_int_equal(memacct_vmstat_at(vs, 8, &name, &v), -ERANGE);
	memacct_vmstat_free(vs);
}

static void test_shapes(void **state)
{
	static const char text[] = "a 1\r\n\n  b\t\t2  \nc 3";
	struct memacct_vmstat *vs = new_vs();

	assert_int_equal(memacct_vmstat_parse(vs, text, sizeof(text) - 1, NULL), 0);
	assert_int_equal(memacct_vmstat_count(vs), 3);
	assert_u64_equal(get(vs, "a"), 1);
	assert_u64_equal(get(vs, "b"), 2);
	assert_u64_equal(get(vs, "c"), 3);
	memacct_vmstat_free(vs);
}

static void expect_fail(const char *text, size_t len, int err, uint32_t line, uint32_t col,
			const char *key)
{
	struct memacct_vmstat *vs = new_vs();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v;

	assert_int_equal(memacct_vmstat_parse(vs, text, len, &d), err);
	assert_diag(&d, err, line, col, key);
	assert_int_equal(memacct_vmstat_count(vs), 0);
	assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_free_pages", &v), -ENOENT);
	memacct_vmstat_free(vs);
}

static void test_truncated(void **state)
{
	/* Cut after a name, before its value. */
	static const char t1[] = "nr_free_pages 1\nnr_file_pa";
	static const char t2[] = "nr_free_pages 1\nnr_file_pages ";

	expect_fail(t1, sizeof(t1) - 1, -EBADMSG, 2, 11, "nr_file_pa");
	expect_fail(t2, sizeof(t2) - 1, -EBADMSG, 2, 15, "nr_file_pages");
}

static void test_garbage(void **state)
{
	static const char g1[] = "nr_a 1\nnr_b x\n";
	static const char g2[] = "nr_a 1 2\n";
	static const char g3[] = "nr_a -1\n";
	static const char g4[] = "nr_\x80 1\n";
	static const char g5[] = "nr_a 12kB\n";

	expect_fail(g1, sizeof(g1) - 1, -EBADMSG, 2, 6, "nr_b");
	expect_fail(g2, sizeof(g2) - 1, -EBADMSG, 1, 8, "nr_a");
	expect_fail(g3, sizeof(g3) - 1, -EBADMSG, 1, 6, "nr_a");
	expect_fail(g4, sizeof(g4) - 1, -EBADMSG, 1, 4, NULL);
	expect_fail(g5, sizeof(g5) - 1, -EBADMSG, 1, 8, "nr_a");
}

static void test_duplicate(void **state)
{
	static const char dup[] = "nr_a 1\nnr_b 2\nnr_a 3\n";

	expect_fail(dup, sizeof(dup) - 1, -EBADMSG, 3, 1, "nr_a");
}

static void test_overflow(void **state)
{
	static const char past[] = "nr_a 18446744073709551616\n";
	static const char huge[] = "nr_a 99999999999999999999999999999999999999\n";

	expect_fail(past, sizeof(past) - 1, -EOVERFLOW, 1, 26, "nr_a");
	expect_fail(huge, sizeof(huge) - 1, -EOVERFLOW, 1, 44, "nr_a");
}

static void test_nul(void **state)
{
	static const char nul[] = "nr_a 1\nnr_b 2\0\n";
	static const char nul_name[] = "nr\0_a 1\n";

	expect_fail(nul, sizeof(nul) - 1, -EBADMSG, 2, 7, NULL);
	expect_fail(nul_name, sizeof(nul_name) - 1, -EBADMSG, 1, 3, NULL);
}

static void test_long_line(void **state)
{
	const size_t n = 1 << 20;
	char *buf = xmalloc(n + 64);
	struct memacct_vmstat *vs = new_vs();
	struct memacct_diag d = { .sz = sizeof(d) };

	/* A megabyte-long name. */
	memset(buf, 'n', n);
	memcpy(buf + n, " 1\n", 3);
	assert_int_equal(memacct_vmstat_parse(vs, buf, n + 3, &d), -EBADMSG);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.column, 1);
	assert_int_equal(strlen(d.key), sizeof(d.key) - 1);

	/* A megabyte-long number. */
	memcpy(buf, "nr_a ", 5);
	memset(buf + 5, '7', n - 5);
	assert_int_equal(memacct_vmstat_parse(vs, buf, n, &d), -EOVERFLOW);
	assert_int_equal(d.column, n + 1);
	free(buf);
	memacct_vmstat_free(vs);
}

static void test_lenient(void **state)
{
	static const char text[] = "nr_a 1\nnr_b\nnr_a 2\nnr_c 18446744073709551616\nnr_d 4\n";
	struct memacct_vmstat *vs = new_vs();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v;

	assert_int_equal(memacct_vmstat_set_flags(vs, 2), -EINVAL);
	assert_int_equal(memacct_vmstat_set_flags(vs, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_vmstat_parse(vs, text, sizeof(text) - 1, &d), 0);
	assert_int_equal(memacct_vmstat_count_skipped(vs), 3);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.key, "nr_b");
	assert_int_equal(memacct_vmstat_count(vs), 2);
	assert_u64_equal(get(vs, "nr_a"), 1);
	assert_u64_equal(get(vs, "nr_d"), 4);
	assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_c", &v), -ENOENT);
	memacct_vmstat_free(vs);
}

/* Many names: the index must grow, and find every one of them. */
static void test_many(void **state)
{
	struct memacct_vmstat *vs = new_vs();
	size_t cap = 5000 * 32, len = 0;
	char *buf = xmalloc(cap), name[32];

	for (int i = 0; i < 5000; i++)
		len += (size_t)snprintf(buf + len, cap - len, "counter_%d %d\n", i, i * 3);
	assert_int_equal(memacct_vmstat_parse(vs, buf, len, NULL), 0);
	assert_int_equal(memacct_vmstat_count(vs), 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "counter_%d", i);
		assert_u64_equal(get(vs, name), (uint64_t)i * 3);
	}
	/* And a duplicate far from its first copy. */
	len += (size_t)snprintf(buf + len, cap - len, "counter_17 1\n");
	assert_int_equal(memacct_vmstat_parse(vs, buf, len, NULL), -EBADMSG);
	free(buf);
	memacct_vmstat_free(vs);
}

static void test_reuse(void **state)
{
	static const char small[] = "only 5\n";
	struct memacct_vmstat *vs = new_vs();
	const char *name;
	uint64_t v;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(memacct_vmstat_parse(vs, real, sizeof(real) - 1, NULL), 0);
		assert_int_equal(memacct_vmstat_count(vs), 8);
		assert_u64_equal(get(vs, "nr_file_pages"), 4665);
		assert_int_equal(memacct_vmstat_parse(vs, small, sizeof(small) - 1, NULL), 0);
		assert_int_equal(memacct_vmstat_count(vs), 1);
		assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_file_pages", &v), -ENOENT);
		assert_int_equal(memacct_vmstat_at(vs, 0, &name, &v), 0);
		assert_string_equal(name, "only");
		assert_u64_equal(v, 5);
		assert_int_equal(memacct_vmstat_parse(vs, "x 1\nx 1\n", 8, NULL), -EBADMSG);
		assert_int_equal(memacct_vmstat_count(vs), 0);
	}
	memacct_vmstat_free(vs);
}

static void test_empty(void **state)
{
	struct memacct_vmstat *vs = new_vs();
	uint64_t v;

	assert_int_equal(memacct_vmstat_parse(vs, NULL, 0, NULL), 0);
	assert_int_equal(memacct_vmstat_count(vs), 0);
	assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_free_pages", &v), -ENOENT);
	assert_int_equal(memacct_vmstat_get_by_name(vs, NULL, &v), -EINVAL);
	assert_int_equal(memacct_vmstat_new(NULL), -EINVAL);
	assert_null(memacct_vmstat_free(NULL));
	memacct_vmstat_free(vs);
}

static void test_read(void **state)
{
	struct memacct_vmstat *vs = new_vs();
	struct memacct_source *src = NULL;
	struct tmp_root root;

	tmp_root_make(&root, "vmstat");
	assert_int_equal(memacct_source_new(root.dir, NULL, &src), 0);
	assert_int_equal(memacct_vmstat_read(vs, src, NULL), -ENOENT);
	tmp_root_write(&root, real);
	assert_int_equal(memacct_vmstat_read(vs, src, NULL), 0);
	assert_u64_equal(get(vs, "nr_free_pages"), 1099399);
	tmp_root_remove(&root);
	memacct_source_free(src);
	memacct_vmstat_free(vs);
}

static void test_live(void **state)
{
	struct memacct_vmstat *vs = new_vs();
	struct memacct_source *src = NULL;
	uint64_t v;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_vmstat_read(vs, src, NULL), 0);
	assert_true(memacct_vmstat_count(vs) > 10);
	assert_int_equal(memacct_vmstat_get_by_name(vs, "nr_file_pages", &v), 0);
	memacct_source_free(src);
	memacct_vmstat_free(vs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("vmstat", tests, NULL, NULL);
}
