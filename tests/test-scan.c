/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test-util.h"
#include "scan.h"

static void test_u64(void **state)
{
	const char *s = "18446744073709551615x", *p = s;
	uint64_t v = 7;

	assert_int_equal(scan_u64(&p, s + strlen(s), &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(*p, 'x');

	s = "18446744073709551616 kB";
	p = s;
	v = 7;
	assert_int_equal(scan_u64(&p, s + strlen(s), &v), -EOVERFLOW);
	assert_int_equal(v, 7);		/* untouched on failure */
	assert_int_equal(*p, ' ');	/* but past every digit */

	s = "99999999999999999999999999999";
	p = s;
	assert_int_equal(scan_u64(&p, s + strlen(s), &v), -EOVERFLOW);
	assert_true(p == s + strlen(s));

	s = "-1";
	p = s;
	assert_int_equal(scan_u64(&p, s + 2, &v), -EBADMSG);
	assert_true(p == s);

	/* The end bound is honoured: "12" of "123". */
	s = "123";
	p = s;
	assert_int_equal(scan_u64(&p, s + 2, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(scan_u64(&p, p, &v), -EBADMSG);
}

static void expect_kv(struct scanner *s, int kind, const char *key, uint64_t value,
		      const char *unit, uint32_t lineno)
{
	struct scan_kv kv;

	assert_int_equal(scan_next_kv(s, &kv), 1);
	assert_int_equal(kv.kind, kind);
	assert_int_equal(kv.key_len, strlen(key));
	assert_memory_equal(kv.key, key, kv.key_len);
	assert_int_equal(kv.lineno, lineno);
	if (kind == SCAN_VALUE)
		assert_true(kv.value == value);
	if (unit) {
		assert_non_null(kv.unit);
		assert_int_equal(kv.unit_len, strlen(unit));
		assert_memory_equal(kv.unit, unit, kv.unit_len);
	} else {
		assert_null(kv.unit);
	}
}

static void test_kv(void **state)
{
	static const char text[] =
		"\n"
		"MemTotal:       24684084 kB\n"
		"ShadowCallStack:10373888 kB\r\n"
		"HugePages_Total:       0\n"
		"   \t \n"
		"Active(anon):\t1 kB \t\n"
		"Empty:\n"
		"Mem:  1 2 3\n"
		"no colon here\n"
		"Last: 5 kB";
	struct scanner s;
	struct scan_kv kv;

	scanner_init(&s, text, sizeof(text) - 1);
	expect_kv(&s, SCAN_VALUE, "MemTotal", 24684084, "kB", 2);
	expect_kv(&s, SCAN_VALUE, "ShadowCallStack", 10373888, "kB", 3);
	expect_kv(&s, SCAN_VALUE, "HugePages_Total", 0, NULL, 4);
	expect_kv(&s, SCAN_VALUE, "Active(anon)", 1, "kB", 6);
	expect_kv(&s, SCAN_NOVALUE, "Empty", 0, NULL, 7);
	expect_kv(&s, SCAN_TEXT, "Mem", 0, NULL, 8);
	expect_kv(&s, SCAN_NOCOLON, "no colon here", 0, NULL, 9);
	expect_kv(&s, SCAN_VALUE, "Last", 5, "kB", 10);
	assert_int_equal(scan_next_kv(&s, &kv), 0);
	assert_int_equal(scan_next_kv(&s, &kv), 0);

	/* The text of a TEXT line, trimmed, and where it went wrong. */
	scanner_init(&s, "Mem:  1 2 3  \r\n", 15);
	assert_int_equal(scan_next_kv(&s, &kv), 1);
	assert_int_equal(kv.rest_len, 5);
	assert_memory_equal(kv.rest, "1 2 3", 5);
	assert_int_equal(kv.bad_col, 9);
	assert_int_equal(kv.line_len, 13);

	/* A NUL anywhere is reported, and the line still ends at its '\n'. */
	scanner_init(&s, "A: 1\0 kB\nB: 2 kB\n", 17);
	assert_int_equal(scan_next_kv(&s, &kv), 1);
	assert_true(kv.has_nul);
	assert_int_equal(kv.kind, SCAN_TEXT);
	expect_kv(&s, SCAN_VALUE, "B", 2, "kB", 2);
	scanner_init(&s, "A\0B: 1 kB\n", 10);
	assert_int_equal(scan_next_kv(&s, &kv), 1);
	assert_true(kv.has_nul);

	/* Overflow is flagged, not wrapped. */
	scanner_init(&s, "X: 18446744073709551616 kB\n", 27);
	assert_int_equal(scan_next_kv(&s, &kv), 1);
	assert_int_equal(kv.kind, SCAN_VALUE);
	assert_true(kv.overflow);
}

static void test_lines(void **state)
{
	static const char text[] = "a\r\n\nb c\nlast";
	struct scanner s;
	const char *l;
	size_t n;

	scanner_init(&s, text, sizeof(text) - 1);
	assert_int_equal(scan_next_line(&s, &l, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(*l, 'a');
	assert_int_equal(scan_next_line(&s, &l, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(scan_next_line(&s, &l, &n), 1);
	assert_int_equal(n, 3);
	assert_int_equal(scan_next_line(&s, &l, &n), 1);
	assert_int_equal(n, 4);
	assert_memory_equal(l, "last", 4);
	assert_int_equal(s.lineno, 4);
	assert_int_equal(scan_next_line(&s, &l, &n), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
