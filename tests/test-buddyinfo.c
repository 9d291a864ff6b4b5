/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>

#include "test-util.h"
#include "memacct.h"

/* This machine's /proc/buddyinfo (6.18, x86-64), as mm/vmstat.c frag_show_print prints it. */
static const char real[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0"
	"      1      1      3 \n"
	"Node 0, zone    DMA32      1      1      4      2      5      4      3      3"
	"      4      2    752 \n"
	"Node 0, zone   Normal    520    652    619    579    467    320    191     95"
	"     47     33    237 \n";

/* Free pages of the lines above, by hand: sum of count << order. */
#define DMA_FREE (UINT64_C(1) * 256 + 1 * 512 + 3 * 1024)
#define DMA32_FREE (UINT64_C(1) + 1 * 2 + 4 * 4 + 2 * 8 + 5 * 16 + 4 * 32 + 3 * 64 + 3 * 128 + \
		    4 * 256 + 2 * 512 + 752 * 1024)
#define NORMAL_FREE (UINT64_C(520) + 652 * 2 + 619 * 4 + 579 * 8 + 467 * 16 + 320 * 32 + \
		     191 * 64 + 95 * 128 + 47 * 256 + 33 * 512 + 237 * 1024)

static struct memacct_buddyinfo *new_bi(void)
{
	struct memacct_buddyinfo *bi = NULL;

	assert_int_equal(memacct_buddyinfo_new(&bi), 0);
	assert_non_null(bi);
	return bi;
}

static void test_real(void **state)
{
	struct memacct_buddyinfo *bi = new_bi();
	const char *zone = NULL;
	uint32_t node = 99, orders = 0;
	uint64_t v = 0;

	assert_int_equal(memacct_buddyinfo_parse(bi, real, sizeof(real) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count(bi), 3);

	assert_int_equal(memacct_buddyinfo_at(bi, 0, &node, &zone, &orders, &v), 0);
	assert_int_equal(node, 0);
	assert_string_equal(zone, "DMA");
	assert_int_equal(orders, 11);
	assert_u64_equal(v, DMA_FREE);
	assert_int_equal(memacct_buddyinfo_at(bi, 1, NULL, &zone, NULL, &v), 0);
	assert_string_equal(zone, "DMA32");
	assert_u64_equal(v, DMA32_FREE);
	assert_int_equal(memacct_buddyinfo_at(bi, 2, NULL, &zone, NULL, &v), 0);
	assert_string_equal(zone, "Normal");
	assert_u64_equal(v, NORMAL_FREE);
	assert_int_equal(memacct_buddyinfo_at(bi, 3, NULL, NULL, NULL, NULL), -ERANGE);

	assert_int_equal(memacct_buddyinfo_get_blocks(bi, 2, 0, &v), 0);
	assert_u64_equal(v, 520);
	assert_int_equal(memacct_buddyinfo_get_blocks(bi, 2, 10, &v), 0);
	assert_u64_equal(v, 237);
	assert_int_equal(memacct_buddyinfo_get_blocks(bi, 2, 11, &v), -ERANGE);
	assert_int_equal(memacct_buddyinfo_get_blocks(bi, 3, 0, &v), -ERANGE);

	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), 0);
	assert_u64_equal(v, DMA_FREE + DMA32_FREE + NORMAL_FREE);
	memacct_buddyinfo_free(bi);
}

/* Several nodes, a 14-order zone (arm64 64K pages), tabs, CRLF, no final newline. */
static void test_shapes(void **state)
{
	static const char text[] =
		"Node 0, zone   Normal 1 2 3 4 5 6 7 8 9 10 11 12 13 14\r\n"
		"\n"
		"Node 1,zone\tNormal\t7\n"
		"Node 1, zone Movable 0 0 1";
	struct memacct_buddyinfo *bi = new_bi();
	uint32_t node = 0, orders = 0;
	const char *zone;
	uint64_t v;

	assert_int_equal(memacct_buddyinfo_parse(bi, text, sizeof(text) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count(bi), 3);
	assert_int_equal(memacct_buddyinfo_at(bi, 0, NULL, NULL, &orders, &v), 0);
	assert_int_equal(orders, 14);
	/* sum (o + 1) << o for o = 0..13 */
	{
		uint64_t want = 0;

		for (unsigned o = 0; o < 14; o++)
			want += (uint64_t)(o + 1) << o;
		assert_u64_equal(v, want);
	}
	assert_int_equal(memacct_buddyinfo_at(bi, 1, &node, &zone, &orders, &v), 0);
	assert_int_equal(node, 1);
	assert_string_equal(zone, "Normal");
	assert_int_equal(orders, 1);
	assert_u64_equal(v, 7);
	assert_int_equal(memacct_buddyinfo_at(bi, 2, &node, &zone, NULL, &v), 0);
	assert_string_equal(zone, "Movable");
	assert_u64_equal(v, 4);
	memacct_buddyinfo_free(bi);
}

static void expect_fail(const char *text, size_t len, int err, uint32_t line, uint32_t col,
			const char *key)
{
	struct memacct_buddyinfo *bi = new_bi();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v;

	assert_int_equal(memacct_buddyinfo_parse(bi, text, len, &d), err);
	assert_diag(&d, err, line, col, key);
	/* A failed parse leaves nothing behind. */
	assert_int_equal(memacct_buddyinfo_count(bi), 0);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), -ENOENT);
	memacct_buddyinfo_free(bi);
}

static void test_truncated(void **state)
{
	/* Cut inside the second header: "zo" is not "zone". */
	static const char t1[] = "Node 0, zone DMA 1 2\nNode 0, zo";
	/* Cut right after the zone name: no counts. */
	static const char t2[] = "Node 0, zone DMA 1 2\nNode 0, zone Normal";

	expect_fail(t1, sizeof(t1) - 1, -EBADMSG, 2, 9, NULL);
	expect_fail(t2, sizeof(t2) - 1, -EBADMSG, 2, 20, "Normal");
}

static void test_garbage(void **state)
{
	static const char g1[] = "Node 0, zone DMA 1 2\nhello world\n";
	static const char g2[] = "Node 0, zone DMA 1 x2\n";
	static const char g3[] = "Node -1, zone DMA 1\n";
	static const char g4[] = "Node 0, zone DMA 1 2-3\n";
	static const char g5[] = "Node 0, zone D\x01MA 1\n";

	expect_fail(g1, sizeof(g1) - 1, -EBADMSG, 2, 1, NULL);
	expect_fail(g2, sizeof(g2) - 1, -EBADMSG, 1, 20, "DMA");
	expect_fail(g3, sizeof(g3) - 1, -EBADMSG, 1, 6, NULL);
	expect_fail(g4, sizeof(g4) - 1, -EBADMSG, 1, 21, "DMA");
	expect_fail(g5, sizeof(g5) - 1, -EBADMSG, 1, 15, NULL);
}

static void test_duplicate(void **state)
{
	static const char dup[] = "Node 0, zone DMA 1\nNode 0, zone Normal 2\nNode 0, zone DMA 3\n";
	static const char other_node[] = "Node 0, zone DMA 1\nNode 1, zone DMA 3\n";
	struct memacct_buddyinfo *bi = new_bi();

	expect_fail(dup, sizeof(dup) - 1, -EBADMSG, 3, 14, "DMA");
	/* The same zone name on another node is not a duplicate. */
	assert_int_equal(memacct_buddyinfo_parse(bi, other_node, sizeof(other_node) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count(bi), 2);
	memacct_buddyinfo_free(bi);
}

static void test_overflow(void **state)
{
	static const char past[] = "Node 0, zone DMA 18446744073709551616\n";
	static const char node[] = "Node 4294967296, zone DMA 1\n";
	/* UINT64_MAX blocks of order 0 fit; one more page of order 1 does not. */
	static const char max0[] = "Node 0, zone DMA 18446744073709551615\n";
	static const char sum[] = "Node 0, zone DMA 18446744073709551615 1\n";
	static const char shift[] = "Node 0, zone DMA 0 9223372036854775808\n";
	static const char zones[] = "Node 0, zone A 18446744073709551615\nNode 0, zone B 1\n";
	struct memacct_buddyinfo *bi = new_bi();
	uint64_t v;

	expect_fail(past, sizeof(past) - 1, -EOVERFLOW, 1, 0, "DMA");
	expect_fail(node, sizeof(node) - 1, -EOVERFLOW, 1, 0, NULL);

	assert_int_equal(memacct_buddyinfo_parse(bi, max0, sizeof(max0) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), 0);
	assert_u64_equal(v, UINT64_MAX);

	/* The counts parse; only the sum overflows, and says so. */
	assert_int_equal(memacct_buddyinfo_parse(bi, sum, sizeof(sum) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_get_blocks(bi, 0, 1, &v), 0);
	assert_u64_equal(v, 1);
	assert_int_equal(memacct_buddyinfo_at(bi, 0, NULL, NULL, NULL, &v), -EOVERFLOW);
	assert_int_equal(memacct_buddyinfo_at(bi, 0, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), -EOVERFLOW);

	assert_int_equal(memacct_buddyinfo_parse(bi, shift, sizeof(shift) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), -EOVERFLOW);

	/* Each zone fits; their total does not. */
	assert_int_equal(memacct_buddyinfo_parse(bi, zones, sizeof(zones) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_at(bi, 1, NULL, NULL, NULL, &v), 0);
	assert_u64_equal(v, 1);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), -EOVERFLOW);
	memacct_buddyinfo_free(bi);
}

static void test_nul(void **state)
{
	static const char nul[] = "Node 0, zone DMA 1 2\nNode 0, zone Normal 3\0 4\n";

	expect_fail(nul, sizeof(nul) - 1, -EBADMSG, 2, 22, NULL);
}

static void test_long_line(void **state)
{
	const size_t n = 1 << 20;
	char *buf = xmalloc(n + 64);
	struct memacct_buddyinfo *bi = new_bi();
	struct memacct_diag d = { .sz = sizeof(d) };
	size_t len;

	/* A megabyte of block counts: far past any order the kernel has. */
	len = (size_t)sprintf(buf, "Node 0, zone DMA");
	while (len < n) {
		buf[len++] = ' ';
		buf[len++] = '1';
	}
	assert_int_equal(memacct_buddyinfo_parse(bi, buf, len, &d), -EBADMSG);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.column, 17 + 64 * 2 + 1);

	/* A megabyte-long zone name. */
	len = (size_t)sprintf(buf, "Node 0, zone ");
	memset(buf + len, 'Z', n - len);
	memcpy(buf + n, " 1\n", 3);
	assert_int_equal(memacct_buddyinfo_parse(bi, buf, n + 3, &d), -EBADMSG);
	assert_int_equal(d.column, 14);

	/* A megabyte of blanks is a blank line. */
	memset(buf, ' ', n);
	memcpy(buf + n, "\nNode 0, zone DMA 5\n", 20);
	assert_int_equal(memacct_buddyinfo_parse(bi, buf, n + 20, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count(bi), 1);
	free(buf);
	memacct_buddyinfo_free(bi);
}

static void test_lenient(void **state)
{
	static const char text[] =
		"Node 0, zone DMA 1\n"
		"junk\n"
		"Node 0, zone DMA 2\n"
		"Node 0, zone Normal 18446744073709551616\n"
		"Node 0, zone Normal 4 1\n";
	struct memacct_buddyinfo *bi = new_bi();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v;

	assert_int_equal(memacct_buddyinfo_set_flags(bi, 1u << 7), -EINVAL);
	assert_int_equal(memacct_buddyinfo_set_flags(bi, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_buddyinfo_parse(bi, text, sizeof(text) - 1, &d), 0);
	assert_int_equal(memacct_buddyinfo_count_skipped(bi), 3);
	/* The diagnostic describes the first skipped line. */
	assert_int_equal(d.line, 2);
	assert_int_equal(d.error, -EBADMSG);
	assert_int_equal(memacct_buddyinfo_count(bi), 2);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), 0);
	/* DMA keeps its first value (1 page); Normal 4 + 1 * 2. */
	assert_u64_equal(v, 1 + 4 + 2);

	/* A clean parse resets the count. */
	assert_int_equal(memacct_buddyinfo_parse(bi, real, sizeof(real) - 1, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count_skipped(bi), 0);
	memacct_buddyinfo_free(bi);
}

static void test_empty(void **state)
{
	struct memacct_buddyinfo *bi = new_bi();
	uint64_t v;

	assert_int_equal(memacct_buddyinfo_parse(bi, NULL, 0, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count(bi), 0);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), -ENOENT);
	assert_int_equal(memacct_buddyinfo_parse(bi, "\n\n  \n", 5, NULL), 0);
	assert_int_equal(memacct_buddyinfo_count(bi), 0);
	assert_int_equal(memacct_buddyinfo_parse(NULL, "", 0, NULL), -EINVAL);
	assert_int_equal(memacct_buddyinfo_parse(bi, NULL, 3, NULL), -EINVAL);
	assert_int_equal(memacct_buddyinfo_new(NULL), -EINVAL);
	assert_null(memacct_buddyinfo_free(NULL));
	memacct_buddyinfo_free(bi);
}

/* Refill the handle with bigger, smaller and failing inputs: each parse stands alone. */
static void test_reuse(void **state)
{
	static const char small[] = "Node 3, zone Tiny 2\n";
	static const char bad[] = "Node 0, zone DMA 1\nNode 0, zone DMA 1\n";
	struct memacct_buddyinfo *bi = new_bi();
	const char *zone;
	uint32_t node;
	uint64_t v;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(memacct_buddyinfo_parse(bi, real, sizeof(real) - 1, NULL), 0);
		assert_int_equal(memacct_buddyinfo_count(bi), 3);
		assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), 0);
		assert_u64_equal(v, DMA_FREE + DMA32_FREE + NORMAL_FREE);
		assert_int_equal(memacct_buddyinfo_at(bi, 2, NULL, &zone, NULL, NULL), 0);
		assert_string_equal(zone, "Normal");

		assert_int_equal(memacct_buddyinfo_parse(bi, small, sizeof(small) - 1, NULL), 0);
		assert_int_equal(memacct_buddyinfo_count(bi), 1);
		assert_int_equal(memacct_buddyinfo_at(bi, 0, &node, &zone, NULL, &v), 0);
		assert_int_equal(node, 3);
		assert_string_equal(zone, "Tiny");
		assert_u64_equal(v, 2);

		assert_int_equal(memacct_buddyinfo_parse(bi, bad, sizeof(bad) - 1, NULL), -EBADMSG);
		assert_int_equal(memacct_buddyinfo_count(bi), 0);
	}
	memacct_buddyinfo_free(bi);
}

/* _read goes through a source: a fixture-shaped tree made here. */
static void test_read(void **state)
{
	struct memacct_buddyinfo *bi = new_bi();
	struct memacct_source *src = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	struct tmp_root root;
	uint64_t v;

	tmp_root_make(&root, "buddyinfo");
	assert_int_equal(memacct_source_new(root.dir, NULL, &src), 0);
	assert_int_equal(memacct_buddyinfo_read(bi, src, &d), -ENOENT);

	tmp_root_write(&root, real);
	assert_int_equal(memacct_buddyinfo_read(bi, src, NULL), 0);
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), 0);
	assert_u64_equal(v, DMA_FREE + DMA32_FREE + NORMAL_FREE);

	tmp_root_remove(&root);
	memacct_source_free(src);
	memacct_buddyinfo_free(bi);
}

static void test_live(void **state)
{
	struct memacct_buddyinfo *bi = new_bi();
	struct memacct_source *src = NULL;
	uint64_t v, sum = 0, z;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	if (memacct_buddyinfo_read(bi, src, NULL) == -ENOENT)
		skip();
	assert_true(memacct_buddyinfo_count(bi) > 0);
	for (int i = 0; i < memacct_buddyinfo_count(bi); i++) {
		assert_int_equal(memacct_buddyinfo_at(bi, (size_t)i, NULL, NULL, NULL, &z), 0);
		sum += z;
	}
	assert_int_equal(memacct_buddyinfo_get_free_pages(bi, &v), 0);
	assert_u64_equal(v, sum);
	memacct_source_free(src);
	memacct_buddyinfo_free(bi);
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
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("buddyinfo", tests, NULL, NULL);
}
