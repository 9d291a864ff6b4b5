/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>

#include "test-util.h"
#include "memacct.h"

/* This machine's /proc/zoneinfo (6.18), as mm/vmstat.c zoneinfo_show_print prints it, shortened. */
static const char real[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 665\n"
	"      nr_file_pages 4582\n"
	"      nr_shmem     2218\n"
	"  pages free     3840\n"
	"        boost    0\n"
	"        min      57\n"
	"        low      71\n"
	"        high     85\n"
	"        promo    99\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        managed  3840\n"
	"        cma      0\n"
	"        protection: (0, 3019, 4427, 4427, 4427)\n"
	"      nr_free_pages 3840\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    0\n"
	"              high:     0\n"
	"              batch:    1\n"
	"  vm stats threshold: 4\n"
	"    cpu: 1\n"
	"              count:    0\n"
	"  vm stats threshold: 4\n"
	"  node_unreclaimable:  0\n"
	"  start_pfn:           1\n"
	"Node 0, zone    DMA32\n"
	"  pages free     772915\n"
	"        spanned  1044480\n"
	"        present  782336\n"
	"        managed  772915\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"  vm stats threshold: 24\n"
	"    cpu: 1\n"
	"  vm stats threshold: 24\n"
	"Node 0, zone   Normal\n"
	"  pages free     322644\n"
	"        spanned  5505024\n"
	"        present  5505024\n"
	"        managed  360448\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"  vm stats threshold: 20\n"
	"    cpu: 1\n"
	"  vm stats threshold: 20\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        protection: (0, 0, 0, 0, 0)\n";

static struct memacct_zoneinfo *new_zi(void)
{
	struct memacct_zoneinfo *zi = NULL;

	assert_int_equal(memacct_zoneinfo_new(&zi), 0);
	assert_non_null(zi);
	return zi;
}

static uint64_t get(const struct memacct_zoneinfo *zi, size_t i, uint32_t key)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_zoneinfo_get(zi, i, key, &v), 0);
	return v;
}

static void test_real(void **state)
{
	struct memacct_zoneinfo *zi = new_zi();
	const char *zone = NULL;
	uint32_t node = 9;
	uint64_t v = 1;

	assert_int_equal(memacct_zoneinfo_parse(zi, real, sizeof(real) - 1, NULL), 0);
	assert_int_equal(memacct_zoneinfo_count(zi), 4);
	assert_int_equal(memacct_zoneinfo_at(zi, 0, &node, &zone), 0);
	assert_int_equal(node, 0);
	assert_string_equal(zone, "DMA");
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_FREE), 3840);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_SPANNED), 4095);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_PRESENT), 3998);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_MANAGED), 3840);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_THRESHOLD), 4);
	assert_int_equal(memacct_zoneinfo_at(zi, 2, NULL, &zone), 0);
	assert_string_equal(zone, "Normal");
	assert_u64_equal(get(zi, 2, MEMACCT_ZONEINFO_FREE), 322644);
	assert_u64_equal(get(zi, 2, MEMACCT_ZONEINFO_MANAGED), 360448);
	assert_u64_equal(get(zi, 2, MEMACCT_ZONEINFO_THRESHOLD), 20);
	/* Movable has no pagesets: no threshold, and that is -ENOENT, not 0. */
	assert_int_equal(memacct_zoneinfo_get(zi, 3, MEMACCT_ZONEINFO_THRESHOLD, &v), -ENOENT);
	assert_u64_equal(v, 1);
	assert_u64_equal(get(zi, 3, MEMACCT_ZONEINFO_FREE), 0);

	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), 0);
	assert_u64_equal(v, 24);

	assert_int_equal(memacct_zoneinfo_get(zi, 4, MEMACCT_ZONEINFO_FREE, &v), -ERANGE);
	assert_int_equal(memacct_zoneinfo_get(zi, 0, 0, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_zoneinfo_get(zi, 0, 6, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_zoneinfo_at(zi, 4, NULL, NULL), -ERANGE);
	memacct_zoneinfo_free(zi);
}

/* The highest threshold printed for a zone wins, in whatever order the CPUs come. */
static void test_threshold(void **state)
{
	static const char text[] =
		"Node 0, zone Normal\n"
		"  vm stats threshold: 8\n"
		"  vm stats threshold: 30\n"
		"  vm stats threshold: 12\n"
		"Node 1, zone Normal\n"
		"  vm stats threshold: 2\n";
	static const char none[] = "Node 0, zone Normal\n  pages free 1\n";
	struct memacct_zoneinfo *zi = new_zi();
	uint64_t v;

	assert_int_equal(memacct_zoneinfo_parse(zi, text, sizeof(text) - 1, NULL), 0);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_THRESHOLD), 30);
	assert_u64_equal(get(zi, 1, MEMACCT_ZONEINFO_THRESHOLD), 2);
	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), 0);
	assert_u64_equal(v, 30);
	assert_int_equal(memacct_zoneinfo_get(zi, 1, MEMACCT_ZONEINFO_FREE, &v), -ENOENT);

	assert_int_equal(memacct_zoneinfo_parse(zi, none, sizeof(none) - 1, NULL), 0);
	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), -ENOENT);
	memacct_zoneinfo_free(zi);
}

static void expect_fail(const char *text, size_t len, int err, uint32_t line, uint32_t col,
			const char *key)
{
	struct memacct_zoneinfo *zi = new_zi();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v;

	assert_int_equal(memacct_zoneinfo_parse(zi, text, len, &d), err);
	assert_diag(&d, err, line, col, key);
	assert_int_equal(memacct_zoneinfo_count(zi), 0);
	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), -ENOENT);
	memacct_zoneinfo_free(zi);
}

static void test_truncated(void **state)
{
	/* Cut in a header, and right after a used key. */
	static const char t1[] = "Node 0, zone DMA\n  pages free 1\nNode 0, zo";
	static const char t2[] = "Node 0, zone DMA\n  pages free";

	expect_fail(t1, sizeof(t1) - 1, -EBADMSG, 3, 9, NULL);
	expect_fail(t2, sizeof(t2) - 1, -EBADMSG, 2, 13, "pages free");
}

static void test_garbage(void **state)
{
	static const char g1[] = "Node 0, zone DMA\n  pages free lots\n";
	static const char g2[] = "Node 0, zone DMA\n        managed  12 pages\n";
	static const char g3[] = "Node 0, zone DMA extra\n";
	static const char g4[] = "  pages free 1\nNode 0, zone DMA\n";
	static const char g5[] = "Nodes 0, zone DMA\n";
	static const char g6[] = "Node 0, zone DMA\n  vm stats threshold: -1\n";
	/* Lines the parser does not use may say anything. */
	static const char ok[] = "garbage before\nNode 0, zone DMA\n  ~~~~ \x80\x81 junk\n  pagesets\n";
	struct memacct_zoneinfo *zi = new_zi();

	expect_fail(g1, sizeof(g1) - 1, -EBADMSG, 2, 14, "pages free");
	expect_fail(g2, sizeof(g2) - 1, -EBADMSG, 2, 21, "managed");
	expect_fail(g3, sizeof(g3) - 1, -EBADMSG, 1, 18, "DMA");
	expect_fail(g4, sizeof(g4) - 1, -EBADMSG, 1, 3, "pages free");
	expect_fail(g5, sizeof(g5) - 1, -EBADMSG, 1, 5, NULL);
	expect_fail(g6, sizeof(g6) - 1, -EBADMSG, 2, 23, "vm stats threshold:");
	assert_int_equal(memacct_zoneinfo_parse(zi, ok, sizeof(ok) - 1, NULL), 0);
	assert_int_equal(memacct_zoneinfo_count(zi), 1);
	memacct_zoneinfo_free(zi);
}

static void test_duplicate(void **state)
{
	static const char zone[] = "Node 0, zone DMA\nNode 0, zone Normal\nNode 0, zone DMA\n";
	static const char key[] = "Node 0, zone DMA\n  pages free 1\n        present 2\n"
				  "  pages free 3\n";

	expect_fail(zone, sizeof(zone) - 1, -EBADMSG, 3, 14, "DMA");
	expect_fail(key, sizeof(key) - 1, -EBADMSG, 4, 3, "pages free");
}

static void test_overflow(void **state)
{
	static const char past[] = "Node 0, zone DMA\n        spanned 18446744073709551616\n";
	static const char node[] = "Node 99999999999, zone DMA\n";
	static const char max[] = "Node 0, zone DMA\n        spanned 18446744073709551615\n";
	struct memacct_zoneinfo *zi = new_zi();

	expect_fail(past, sizeof(past) - 1, -EOVERFLOW, 2, 37, "spanned");
	expect_fail(node, sizeof(node) - 1, -EOVERFLOW, 1, 17, NULL);
	assert_int_equal(memacct_zoneinfo_parse(zi, max, sizeof(max) - 1, NULL), 0);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_SPANNED), UINT64_MAX);
	memacct_zoneinfo_free(zi);
}

static void test_nul(void **state)
{
	static const char nul[] = "Node 0, zone DMA\n  pages free 1\0\n";
	/* Even in a line the parser does not use. */
	static const char nul2[] = "Node 0, zone DMA\n  boost \0\n";

	expect_fail(nul, sizeof(nul) - 1, -EBADMSG, 2, 15, NULL);
	expect_fail(nul2, sizeof(nul2) - 1, -EBADMSG, 2, 9, NULL);
}

static void test_long_line(void **state)
{
	const size_t n = 1 << 20;
	char *buf = xmalloc(n + 64);
	struct memacct_zoneinfo *zi = new_zi();
	struct memacct_diag d = { .sz = sizeof(d) };
	size_t len;

	/* A megabyte-long line the parser does not use is passed over. */
	len = (size_t)sprintf(buf, "Node 0, zone DMA\n  ");
	memset(buf + len, 'x', n);
	len += n;
	len += (size_t)sprintf(buf + len, "\n  pages free 5\n");
	assert_int_equal(memacct_zoneinfo_parse(zi, buf, len, NULL), 0);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_FREE), 5);

	/* A megabyte-long value of a used key does not fit. */
	len = (size_t)sprintf(buf, "Node 0, zone DMA\n  pages free ");
	memset(buf + len, '9', n);
	len += n;
	assert_int_equal(memacct_zoneinfo_parse(zi, buf, len, &d), -EOVERFLOW);
	assert_int_equal(d.line, 2);
	free(buf);
	memacct_zoneinfo_free(zi);
}

static void test_lenient(void **state)
{
	static const char text[] =
		"Node 0, zone DMA\n"
		"  pages free x\n"
		"  pages free 7\n"
		"  pages free 8\n"
		"Node 0, zone DMA\n"
		"  managed 3\n";
	struct memacct_zoneinfo *zi = new_zi();
	struct memacct_diag d = { .sz = sizeof(d) };

	assert_int_equal(memacct_zoneinfo_set_flags(zi, 0x10), -EINVAL);
	assert_int_equal(memacct_zoneinfo_set_flags(zi, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_zoneinfo_parse(zi, text, sizeof(text) - 1, &d), 0);
	assert_int_equal(memacct_zoneinfo_count_skipped(zi), 3);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.error, -EBADMSG);
	assert_int_equal(memacct_zoneinfo_count(zi), 1);
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_FREE), 7);
	/* The duplicate header was skipped, so "managed 3" lands in the first DMA. */
	assert_u64_equal(get(zi, 0, MEMACCT_ZONEINFO_MANAGED), 3);
	memacct_zoneinfo_free(zi);
}

static void test_reuse(void **state)
{
	static const char small[] = "Node 2, zone Small\n  pages free 1\n";
	struct memacct_zoneinfo *zi = new_zi();
	const char *zone;
	uint32_t node;
	uint64_t v;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(memacct_zoneinfo_parse(zi, real, sizeof(real) - 1, NULL), 0);
		assert_int_equal(memacct_zoneinfo_count(zi), 4);
		assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), 0);
		assert_u64_equal(v, 24);
		assert_int_equal(memacct_zoneinfo_parse(zi, small, sizeof(small) - 1, NULL), 0);
		assert_int_equal(memacct_zoneinfo_count(zi), 1);
		assert_int_equal(memacct_zoneinfo_at(zi, 0, &node, &zone), 0);
		assert_int_equal(node, 2);
		assert_string_equal(zone, "Small");
		/* Nothing of the previous fill shows through. */
		assert_int_equal(memacct_zoneinfo_get(zi, 0, MEMACCT_ZONEINFO_MANAGED, &v), -ENOENT);
		assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), -ENOENT);
	}
	memacct_zoneinfo_free(zi);
}

static void test_empty(void **state)
{
	struct memacct_zoneinfo *zi = new_zi();
	uint64_t v;

	assert_int_equal(memacct_zoneinfo_parse(zi, NULL, 0, NULL), 0);
	assert_int_equal(memacct_zoneinfo_count(zi), 0);
	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), -ENOENT);
	assert_int_equal(memacct_zoneinfo_new(NULL), -EINVAL);
	assert_null(memacct_zoneinfo_free(NULL));
	memacct_zoneinfo_free(zi);
}

static void test_read(void **state)
{
	struct memacct_zoneinfo *zi = new_zi();
	struct memacct_source *src = NULL;
	struct tmp_root root;
	uint64_t v;

	tmp_root_make(&root, "zoneinfo");
	assert_int_equal(memacct_source_new(root.dir, NULL, &src), 0);
	assert_int_equal(memacct_zoneinfo_read(zi, src, NULL), -ENOENT);
	tmp_root_write(&root, real);
	assert_int_equal(memacct_zoneinfo_read(zi, src, NULL), 0);
	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), 0);
	assert_u64_equal(v, 24);
	tmp_root_remove(&root);
	memacct_source_free(src);
	memacct_zoneinfo_free(zi);
}

static void test_live(void **state)
{
	struct memacct_zoneinfo *zi = new_zi();
	struct memacct_source *src = NULL;
	uint64_t v;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_zoneinfo_read(zi, src, NULL), 0);
	assert_true(memacct_zoneinfo_count(zi) > 0);
	/* mm/vmstat.c calculate_normal_threshold caps it at 125 pages. */
	assert_int_equal(memacct_zoneinfo_get_max_threshold(zi, &v), 0);
	assert_true(v <= 125);
	memacct_source_free(src);
	memacct_zoneinfo_free(zi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("zoneinfo", tests, NULL, NULL);
}
