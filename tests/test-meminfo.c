/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "test-util.h"
#include "memacct.h"
#include "meminfo-internal.h"

/* A 6.18 x86-64 file as fs/proc/meminfo.c prints it (widths included). */
static const char modern[] =
	"MemTotal:       24684084 kB\n"
	"MemFree:        24548748 kB\n"
	"MemAvailable:   24464836 kB\n"
	"Buffers:            8188 kB\n"
	"Cached:            54752 kB\n"
	"SwapCached:            0 kB\n"
	"Active:            24712 kB\n"
	"Inactive:          32716 kB\n"
	"Active(anon):       1504 kB\n"
	"Inactive(anon):     1860 kB\n"
	"Active(file):      23208 kB\n"
	"Inactive(file):    30856 kB\n"
	"HardwareCorrupted:     0 kB\n"
	"VmallocTotal:   34359738367 kB\n"
	"HugePages_Total:       3\n"
	"HugePages_Free:        2\n"
	"Hugepagesize:       2048 kB\n"
	"SomeFutureField:     77 kB\n"
	"FutureCount:          9\n"
	"DirectMap1G:    25165824 kB\n";

static struct memacct_meminfo *new_mi(void)
{
	struct memacct_meminfo *mi = NULL;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_non_null(mi);
	return mi;
}

static uint64_t get(const struct memacct_meminfo *mi, uint32_t key)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_meminfo_get(mi, key, &v), 0);
	return v;
}

static void test_modern(void **state)
{
	struct memacct_meminfo *mi = new_mi();
	uint64_t v = 12345;
	const char *name;
	uint32_t unit, key;

	assert_int_equal(memacct_meminfo_parse(mi, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_meminfo_count(mi), 20);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMTOTAL), UINT64_C(24684084) * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_ACTIVE_ANON), UINT64_C(1504) * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_INACTIVE_FILE), UINT64_C(30856) * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HARDWARECORRUPTED), 0);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_VMALLOCTOTAL), UINT64_C(34359738367) * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HUGEPAGES_TOTAL), 3);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HUGEPAGES_FREE), 2);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HUGEPAGESIZE), 2048 * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_DIRECTMAP1G), UINT64_C(25165824) * 1024);

	/* Absent is not zero, and the output is left alone. */
	assert_int_equal(memacct_meminfo_get(mi, MEMACCT_MEMINFO_SHMEM, &v), -ENOENT);
	assert_int_equal(v, 12345);
	assert_int_equal(memacct_meminfo_has(mi, MEMACCT_MEMINFO_SHMEM), 0);
	assert_int_equal(memacct_meminfo_has(mi, MEMACCT_MEMINFO_MEMFREE), 1);
	assert_int_equal(memacct_meminfo_get(mi, 0, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_meminfo_get(mi, 9999, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_meminfo_has(mi, 9999), -EOPNOTSUPP);

	/* Unknown keys are kept, by name, with their unit. */
	assert_int_equal(memacct_meminfo_get_by_name(mi, "SomeFutureField", &v), 0);
	assert_int_equal(v, 77 * 1024);
	assert_int_equal(memacct_meminfo_get_by_name(mi, "FutureCount", &v), 0);
	assert_int_equal(v, 9);
	assert_int_equal(memacct_meminfo_get_by_name(mi, "Active(file)", &v), 0);
	assert_int_equal(v, UINT64_C(23208) * 1024);
	assert_int_equal(memacct_meminfo_get_by_name(mi, "Nope", &v), -ENOENT);

	/* File order. */
	assert_int_equal(memacct_meminfo_at(mi, 0, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "MemTotal");
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(key, MEMACCT_MEMINFO_MEMTOTAL);
	assert_int_equal(memacct_meminfo_at(mi, 14, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "HugePages_Total");
	assert_int_equal(unit, MEMACCT_UNIT_COUNT);
	assert_int_equal(v, 3);
	assert_int_equal(memacct_meminfo_at(mi, 17, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "SomeFutureField");
	assert_int_equal(key, 0);
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(memacct_meminfo_at(mi, 18, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "FutureCount");
	assert_int_equal(unit, MEMACCT_UNIT_COUNT);
	assert_int_equal(memacct_meminfo_at(mi, 20, &name, &v, &unit, &key), -ERANGE);
	memacct_meminfo_free(mi);
}

static void test_key_names(void **state)
{
	const char *name;
	uint32_t key;

	for (uint32_t k = 1; memacct_meminfo_key_name(k, &name) == 0; k++) {
		assert_int_equal(memacct_meminfo_key_from_name(name, &key), 0);
		assert_int_equal(key, k);
		if (k == MEMACCT_MEMINFO_FILEPAGES)
			break;
	}
	assert_int_equal(memacct_meminfo_key_name(MEMACCT_MEMINFO_ACTIVE_ANON, &name), 0);
	assert_string_equal(name, "Active(anon)");
	assert_int_equal(memacct_meminfo_key_name(MEMACCT_MEMINFO_COMMITTED_AS, &name), 0);
	assert_string_equal(name, "Committed_AS");
	assert_int_equal(memacct_meminfo_key_name(MEMACCT_MEMINFO_INACT_TARGET, &name), 0);
	assert_string_equal(name, "Inact_target");
	assert_int_equal(memacct_meminfo_key_name(MEMACCT_MEMINFO_FILEPAGES, &name), 0);
	assert_string_equal(name, "FilePages");
	assert_int_equal(memacct_meminfo_key_name(79, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_meminfo_key_from_name("Active(Anon)", &key), -ENOENT);
}

/* Formats of other kernels and architectures. */
static void test_odd_formats(void **state)
{
	static const char arm64[] =
		"MemTotal:        8000000 kB\n"
		"ShadowCallStack:10373888 kB\n"
		"HardwareCorrupted:     4 kB\n"
		"HugePages_Total:       0\n";
	static const char old24[] =
		"        total:    used:    free:  shared: buffers:  cached:\n"
		"Mem:  260579328 136073216 124506112        0  4915200 94064640\n"
		"Swap:        0        0        0\n"
		"MemTotal:         254472 kB\n"
		"MemShared:             0 kB\n"
		"HighTotal:        131072 kB\n"
		"Inact_dirty:          12 kB\n";
	static const char crlf[] = "\n\r\nMemTotal:\t1 kB\r\nMemFree:2 kB\r\nBuffers:  3 kB";
	struct memacct_meminfo *mi = new_mi();
	const char *name, *text;
	uint32_t unit;
	uint64_t v;

	assert_int_equal(memacct_meminfo_parse(mi, arm64, sizeof(arm64) - 1, NULL), 0);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_SHADOWCALLSTACK), UINT64_C(10373888) * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HARDWARECORRUPTED), 4096);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HUGEPAGES_TOTAL), 0);

	assert_int_equal(memacct_meminfo_parse(mi, old24, sizeof(old24) - 1, NULL), 0);
	assert_int_equal(memacct_meminfo_count(mi), 7);
	assert_int_equal(memacct_meminfo_at(mi, 1, &name, &v, &unit, NULL), 0);
	assert_string_equal(name, "Mem");
	assert_int_equal(unit, MEMACCT_UNIT_TEXT);
	assert_int_equal(memacct_meminfo_text_at(mi, 1, &text), 0);
	assert_string_equal(text, "260579328 136073216 124506112        0  4915200 94064640");
	assert_int_equal(memacct_meminfo_text_at(mi, 0, &text), 0);
	assert_string_equal(text, "used:    free:  shared: buffers:  cached:");
	assert_int_equal(memacct_meminfo_get_by_name(mi, "Mem", &v), -ENODATA);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMSHARED), 0);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_HIGHTOTAL), UINT64_C(131072) * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_INACT_DIRTY), 12 * 1024);
	assert_int_equal(memacct_meminfo_text_at(mi, 3, &text), 0);
	assert_string_equal(text, "");

	/* Leading blank line, CRLF, a tab, no space, no final newline. */
	assert_int_equal(memacct_meminfo_parse(mi, crlf, sizeof(crlf) - 1, NULL), 0);
	assert_int_equal(memacct_meminfo_count(mi), 3);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMTOTAL), 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMFREE), 2048);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_BUFFERS), 3072);

	/* Empty: no field, no error. */
	assert_int_equal(memacct_meminfo_parse(mi, "", 0, NULL), 0);
	assert_int_equal(memacct_meminfo_count(mi), 0);
	assert_int_equal(memacct_meminfo_parse(mi, NULL, 0, NULL), 0);
	assert_int_equal(memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, &v), -ENOENT);
	memacct_meminfo_free(mi);
}

struct bad_case {
	const char *what;
	const char *text;
	size_t len;		/* 0 = strlen */
	int err;
	uint32_t line, column;
	const char *key;
};

#define L(s) s, sizeof(s) - 1

static const struct bad_case bad[] = {
	{ "no colon", L("MemTotal: 1 kB\nabc\n"), -EBADMSG, 2, 4, "abc" },
	{ "no value", L("MemTotal: 1 kB\nMemFree:\n"), -EBADMSG, 2, 9, "MemFree" },
	{ "no value, no newline", L("MemTotal:"), -EBADMSG, 1, 10, "MemTotal" },
	{ "past 2^64", L("MemTotal: 1 kB\nMemFree: 18446744073709551616 kB\n"), -EOVERFLOW, 2, 10, "MemFree" },
	{ "past 2^64 once in bytes", L("MemTotal: 18014398509481984 kB\n"), -EOVERFLOW, 1, 11, "MemTotal" },
	{ "largest kB that fits", L("MemTotal: 18014398509481983 kB\nX: 18446744073709551616\n"), -EOVERFLOW, 2, 4, "X" },
	{ "duplicate key", L("MemTotal: 1 kB\nMemFree: 1 kB\nMemFree: 2 kB\n"), -EBADMSG, 3, 1, "MemFree" },
	{ "duplicate unknown key", L("MemTotal: 1 kB\nFoo: 1 kB\nFoo: 2 kB\n"), -EBADMSG, 3, 1, "Foo" },
	{ "NUL in value", "MemTotal: 1 kB\nMemFree: 1\0 kB\n", 27, -EBADMSG, 2, 11, "MemFree" },
	{ "NUL in key", "MemTotal: 1 kB\nMem\0Free: 1 kB\n", 30, -EBADMSG, 2, 0, NULL },
	{ "missing unit", L("MemTotal: 1 kB\nMemFree:  5\n"), -EBADMSG, 2, 12, "MemFree" },
	{ "unknown unit", L("MemTotal: 1 MB\n"), -EBADMSG, 1, 13, "MemTotal" },
	{ "unit on a count", L("MemTotal: 1 kB\nHugePages_Total: 41 kB\n"), -EBADMSG, 2, 21, "HugePages_Total" },
	{ "negative", L("MemTotal: 1 kB\nMemAvailable: -1 kB\n"), -EBADMSG, 2, 15, "MemAvailable" },
	{ "two numbers", L("MemTotal: 1 2 kB\n"), -EBADMSG, 1, 13, "MemTotal" },
	{ "number glued to unit", L("MemTotal: 1kB\n"), -EBADMSG, 1, 12, "MemTotal" },
	{ "empty key", L("MemTotal: 1 kB\n: 1 kB\n"), -EBADMSG, 2, 1, "" },
	{ "control byte in key", L("MemTotal: 1 kB\nMem\x01: 1 kB\n"), -EBADMSG, 2, 4, NULL },
	{ "no MemTotal", L("MemFree: 1 kB\nBuffers: 2 kB\n"), -EBADMSG, 0, 0, "MemTotal" },
	{ "cut mid-line", L("MemTotal: 1 kB\nInactive(fi"), -EBADMSG, 2, 12, "Inactive(fi" },
	{ "cut after key", L("MemTotal: 1 kB\nCached:     4818"), -EBADMSG, 2, 17, "Cached" },
};

static void test_bad(void **state)
{
	struct memacct_meminfo *mi = new_mi();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct memacct_diag d = { .sz = sizeof(d) };
		uint64_t v;
		int r;

		/* A good parse first: a failure must leave nothing of it behind. */
		assert_int_equal(memacct_meminfo_parse(mi, modern, sizeof(modern) - 1, NULL), 0);
		r = memacct_meminfo_parse(mi, c->text, c->len, &d);
		if (r != c->err || d.line != c->line || (c->column && d.column != c->column))
			fail_msg("%s: got %d line %u col %u (%s), want %d line %u col %u", c->what,
				 r, d.line, d.column, d.message ? d.message : "-", c->err, c->line,
				 c->column);
		assert_int_equal(d.error, c->err);
		assert_non_null(d.message);
		if (c->key)
			assert_string_equal(d.key, c->key);
		assert_int_equal(memacct_meminfo_count(mi), 0);
		assert_int_equal(memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, &v), -ENOENT);
	}
	memacct_meminfo_free(mi);
}

static void test_lenient(void **state)
{
	static const char text[] =
		"MemTotal:       100 kB\n"
		"garbage line\n"
		"MemFree:         10 kB\n"
		"MemFree:         20 kB\n"
		"Cached:  99999999999999999999999 kB\n"
		"Buffers:          5\n"
		"Shmem:            7 kB\n";
	struct memacct_meminfo *mi = new_mi();
	struct memacct_diag d = { .sz = sizeof(d) };

	assert_int_equal(memacct_meminfo_set_flags(mi, 0x80), -EINVAL);
	assert_int_equal(memacct_meminfo_parse(mi, text, sizeof(text) - 1, &d), -EBADMSG);
	assert_int_equal(d.line, 2);

	assert_int_equal(memacct_meminfo_set_flags(mi, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(memacct_meminfo_parse(mi, text, sizeof(text) - 1, &d), 0);
	assert_int_equal(d.line, 0);	/* not written on success */
	assert_int_equal(memacct_meminfo_count_skipped(mi), 4);
	assert_int_equal(memacct_meminfo_count(mi), 3);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMTOTAL), 100 * 1024);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMFREE), 10 * 1024);	/* the first one */
	assert_int_equal(get(mi, MEMACCT_MEMINFO_SHMEM), 7 * 1024);
	assert_int_equal(memacct_meminfo_has(mi, MEMACCT_MEMINFO_CACHED), 0);
	assert_int_equal(memacct_meminfo_has(mi, MEMACCT_MEMINFO_BUFFERS), 0);
	assert_int_equal(memacct_meminfo_get_skipped(mi, &d), 0);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.error, -EBADMSG);
	assert_string_equal(d.key, "garbage line");

	/* A lenient parse without bad lines says so. */
	assert_int_equal(memacct_meminfo_parse(mi, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_meminfo_count_skipped(mi), 0);
	assert_int_equal(memacct_meminfo_get_skipped(mi, &d), -ENOENT);
	memacct_meminfo_free(mi);
}

/* Every line, value, unit, key and skip of @a is @b's. */
static void assert_same_mi(const struct memacct_meminfo *a, const struct memacct_meminfo *b)
{
	int n = memacct_meminfo_count(b);

	assert_int_equal(memacct_meminfo_count(a), n);
	assert_int_equal(memacct_meminfo_count_skipped(a), memacct_meminfo_count_skipped(b));
	for (int i = 0; i < n; i++) {
		const char *n1, *n2;
		uint64_t v1, v2;
		uint32_t u1, u2, k1, k2;

		assert_int_equal(memacct_meminfo_at(a, (size_t)i, &n1, &v1, &u1, &k1), 0);
		assert_int_equal(memacct_meminfo_at(b, (size_t)i, &n2, &v2, &u2, &k2), 0);
		assert_string_equal(n1, n2);
		assert_true(v1 == v2);
		assert_int_equal(u1, u2);
		assert_int_equal(k1, k2);
	}
	for (uint32_t k = 1; k <= MEMINFO_NKEYS; k++) {
		uint64_t v1 = 1, v2 = 2;
		int r = memacct_meminfo_get(b, k, &v2);

		assert_int_equal(memacct_meminfo_get(a, k, &v1), r);
		if (r == 0)
			assert_true(v1 == v2);
	}
}

/* Reparsing takes a fast path keyed on the last parse's order; same rules. */
static void test_fast_path(void **state)
{
	static const struct {
		const char *from, *to;
		int err;
		uint32_t line;
	} v[] = {
		{ "MemFree:        24548748 kB", "MemFree:        18014398509481984 kB", -EOVERFLOW, 2 },
		{ "MemFree:        24548748 kB", "MemFree:        184467440737095516150 kB", -EOVERFLOW, 2 },
		{ "MemFree:        24548748 kB", "MemTotal:       1 kB", -EBADMSG, 2 },
		{ "Buffers:            8188 kB", "Buffers:            8188", -EBADMSG, 4 },
		{ "HugePages_Total:       3", "HugePages_Total:       3 kB", -EBADMSG, 15 },
		{ "Cached:            54752 kB", "Cached:            54752 MB", -EBADMSG, 5 },
		{ "Cached:            54752 kB", "Cached:            -54752 kB", -EBADMSG, 5 },
		{ "Cached:            54752 kB", "Cached:            54752 kB 1", -EBADMSG, 5 },
	};
	struct memacct_meminfo *mi = new_mi(), *ref = new_mi();
	char text[sizeof(modern) + 64];

	assert_int_equal(memacct_meminfo_parse(ref, modern, sizeof(modern) - 1, NULL), 0);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(memacct_meminfo_parse(mi, modern, sizeof(modern) - 1, NULL), 0);
		assert_same_mi(mi, ref);
	}
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct memacct_diag d = { .sz = sizeof(d) };
		const char *at = strstr(modern, v[i].from);
		size_t pre = (size_t)(at - modern);

		assert_non_null(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)pre, modern, v[i].to,
			 at + strlen(v[i].from));
		assert_int_equal(memacct_meminfo_parse(mi, modern, sizeof(modern) - 1, NULL), 0);
		assert_int_equal(memacct_meminfo_parse(mi, text, strlen(text), &d), v[i].err);
		assert_int_equal(d.line, v[i].line);
	}
	memacct_meminfo_free(ref);
	memacct_meminfo_free(mi);
}


/* @modern with the first @from replaced by @to (the same length or not). */
static char *variant(const char *from, const char *to)
{
	const char *at = strstr(modern, from);
	char *t = malloc(sizeof(modern) + 64);

	assert_non_null(at);
	assert_non_null(t);
	snprintf(t, sizeof(modern) + 64, "%.*s%s%s", (int)(at - modern), modern, to,
		 at + strlen(from));
	return t;
}

/*
 * A reparse of a text as long as the last one reads only the lines that
 * differ (diff_parse()): whatever changed, a reused handle gives what a new
 * one gives, errors included, and the handle is armed only after a text
 * whose lines are one entry each (unknown keys included: SomeFutureField).
 */
static void test_reparse_diff(void **state)
{
	static const struct {
		const char *from, *to;
	} v[] = {
		{ "MemFree:        24548748 kB", "MemFree:        24548749 kB" },	/* one value */
		{ "Cached:            54752 kB", "Cached:            54000 kB" },
		{ "MemTotal:       24684084 kB", "MemTotal:       00000000 kB" },
		/* a digit more here, one less there: the same length, lines shifted */
		{ "MemFree:        24548748 kB\nMemAvailable:   24464836 kB",
		  "MemFree:       124548748 kB\nMemAvailable:    2446483 kB" },
		{ "MemFree:        24548748 kB\nMemAvailable:   24464836 kB",
		  "MemFree:        24548748 kB \nMemAvailable:  24464836 kB" },
		{ "MemFree:", "MemFrex:" },				/* an unknown key */
		{ "Buffers:", "Buffers " },				/* not a key line */
		{ "Cached:            54752 kB", "Cached:            54752 KB" },
		{ "Cached:            54752 kB", "Cached:            5475x kB" },
		{ "HugePages_Total:       3", "HugePages_Total:       7" },	/* a count */
		{ "HugePages_Total:       3", "HugePages_Total: 3     " },
		{ "MemTotal:       24684084 kB\nMemFree:        24548748 kB",
		  "MemFree:        24548748 kB\nMemTotal:       24684084 kB" },	/* swapped */
		{ "MemTotal:       24684084 kB\nMemFree:", "MemTotal:       24684084 kB\nMemTotal:" },
		{ "SwapCached:", "\nwapCached:" },				/* a blank line */
		{ "SomeFutureField:     77 kB", "SomeFutureField:     78 kB" },	/* unknown key */
		{ "FutureCount:          9", "FutureCount:          8" },
	};
	struct memacct_meminfo *a = new_mi();

	assert_false(meminfo_is_diffable(a));
	assert_int_equal(memacct_meminfo_parse(a, modern, sizeof(modern) - 1, NULL), 0);
	assert_true(meminfo_is_diffable(a));
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			char *t = variant(v[i].from, v[i].to);
			struct memacct_meminfo *b = new_mi();
			struct memacct_diag da = { .sz = sizeof(da) }, db = { .sz = sizeof(db) };
			size_t len = strlen(t);
			int r = memacct_meminfo_parse(b, t, len, &db);

			/* after the text itself, then after the original: both ways round */
			assert_int_equal(memacct_meminfo_parse(a, t, len, &da), r);
			if (r == 0) {
				assert_same_mi(a, b);
			} else {
				assert_int_equal(da.line, db.line);
				assert_int_equal(memacct_meminfo_count(a), 0);
				assert_false(meminfo_is_diffable(a));
			}
			assert_int_equal(memacct_meminfo_parse(b, modern, sizeof(modern) - 1, NULL), 0);
			assert_int_equal(memacct_meminfo_parse(a, modern, sizeof(modern) - 1, NULL), 0);
			assert_same_mi(a, b);
			assert_true(meminfo_is_diffable(a));
			memacct_meminfo_free(b);
			free(t);
		}
		/* a value changed on every line: each read again */
		char *t = strdup(modern);
		struct memacct_meminfo *b = new_mi();

		assert_non_null(t);
		for (char *p = t; (p = strstr(p, " kB\n")); p += 4)
			p[-1] = (char)('0' + (p[-1] - '0' + 3) % 10);
		assert_int_equal(memacct_meminfo_parse(b, t, strlen(t), NULL), 0);
		assert_int_equal(memacct_meminfo_parse(a, t, strlen(t), NULL), 0);
		assert_same_mi(a, b);
		memacct_meminfo_free(b);
		free(t);
	}
	/* Armed by one entry per line; not by blank lines, a node prefix, no last newline. */
	static const struct {
		const char *text;
		bool armed;
	} arm[] = {
		{ "MemTotal: 1 kB\nFoo: 2 kB\n", true },
		{ "MemTotal: 1 kB\n\nMemFree: 2 kB\n", false },
		{ "Node 0 MemTotal: 1 kB\n", false },
		{ "MemTotal: 1 kB\nMemFree: 2 kB", false },
		{ "MemTotal: 1 kB\nMemFree: 2 kB\n\n", false },
		{ "MemTotal: 1 kB\nMemFree: 2 kB\n \n", false },
		{ "MemTotal: 1 kB\nMemFree: 2 kB\n", true },
	};

	for (size_t i = 0; i < sizeof(arm) / sizeof(arm[0]); i++) {
		assert_int_equal(memacct_meminfo_parse(a, arm[i].text, strlen(arm[i].text), NULL), 0);
		assert_int_equal(meminfo_is_diffable(a), arm[i].armed);
	}
	assert_int_equal(memacct_meminfo_set_flags(a, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_false(meminfo_is_diffable(a));
	assert_int_equal(memacct_meminfo_parse(a, "MemTotal: 1 kB\nMemFree: x kB\n", 29, NULL), 0);
	assert_false(meminfo_is_diffable(a));
	memacct_meminfo_free(a);
}

/* A megabyte-long line: an error with the right position, no crash. */
static void test_long_lines(void **state)
{
	size_t n = 1 << 20, len;
	char *buf = malloc(n + 64);
	struct memacct_meminfo *mi = new_mi();
	struct memacct_diag d = { .sz = sizeof(d) };

	if (!buf)
		abort();
	len = (size_t)sprintf(buf, "MemTotal: 1 kB\nMemFree: ");
	memset(buf + len, '7', n);
	len += n;
	len += (size_t)sprintf(buf + len, " kB\n");
	assert_int_equal(memacct_meminfo_parse(mi, buf, len, &d), -EOVERFLOW);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.key, "MemFree");

	len = (size_t)sprintf(buf, "MemTotal: 1 kB\n");
	memset(buf + len, 'K', n);
	len += n;
	len += (size_t)sprintf(buf + len, ": 1 kB\nMemFree: 1 kB\n");
	assert_int_equal(memacct_meminfo_parse(mi, buf, len, &d), -EBADMSG);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.key[sizeof(d.key) - 1], '\0');

	/* Lenient: the long line goes, the rest stays. */
	assert_int_equal(memacct_meminfo_set_flags(mi, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_meminfo_parse(mi, buf, len, NULL), 0);
	assert_int_equal(memacct_meminfo_count(mi), 2);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMFREE), 1024);
	free(buf);
	memacct_meminfo_free(mi);
}

/* The diag struct of an older caller is written only up to its .sz. */
static void test_small_diag(void **state)
{
	struct memacct_meminfo *mi = new_mi();
	struct {
		struct memacct_diag d;
		char canary[8];
	} s;
	size_t small = offsetof(struct memacct_diag, key);

	memset(&s, 0x5a, sizeof(s));
	s.d.sz = small;
	assert_int_equal(memacct_meminfo_parse(mi, "x\n", 2, &s.d), -EBADMSG);
	assert_int_equal(s.d.error, -EBADMSG);
	assert_int_equal(s.d.line, 1);
	assert_int_equal((unsigned char)s.d.key[0], 0x5a);
	assert_int_equal((unsigned char)s.canary[0], 0x5a);
	memacct_meminfo_free(mi);
}

/* Parse /proc/meminfo's bytes with a plain reference parser and compare every field. */
static void test_live(void **state)
{
	struct memacct_meminfo *mi = new_mi();
	struct memacct_source *src = NULL;
	char buf[65536], name[128], unit[8];
	int fd, n, count = 0, pos;
	ssize_t len;
	unsigned long long v;
	const char *p;
	uint64_t got, total_direct;

	fd = open("/proc/meminfo", O_RDONLY);
	if (fd < 0)
		skip();
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_int_equal(memacct_meminfo_parse(mi, buf, (size_t)len, NULL), 0);
	for (p = buf; *p; p += pos) {
		const char *nm;

		unit[0] = '\0';
		n = sscanf(p, "%127[^:]: %llu%n", name, &v, &pos);
		assert_int_equal(n, 2);
		if (sscanf(p + pos, " %7[kB]", unit) == 1)
			v *= 1024;
		p = strchr(p, '\n');
		assert_non_null(p);
		pos = 1;
		assert_int_equal(memacct_meminfo_get_by_name(mi, name, &got), 0);
		assert_int_equal(got, v);
		assert_int_equal(memacct_meminfo_at(mi, (size_t)count, &nm, NULL, NULL, NULL), 0);
		assert_string_equal(nm, name);
		count++;
	}
	assert_int_equal(memacct_meminfo_count(mi), count);
	assert_int_equal(memacct_meminfo_count_skipped(mi), 0);
	total_direct = get(mi, MEMACCT_MEMINFO_MEMTOTAL);

	/* And through a source: the fields that cannot move between reads. */
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(memacct_meminfo_read(mi, src, NULL), 0);
	assert_int_equal(get(mi, MEMACCT_MEMINFO_MEMTOTAL), total_direct);
	assert_int_equal(memacct_meminfo_count(mi), count);
	memacct_source_free(src);
	memacct_meminfo_free(mi);
}

static void test_fixture_read(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_meminfo *mi = new_mi();
	struct memacct_diag d = { .sz = sizeof(d) };
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/quiet/proc", MEMACCT_FIXTURES);
	r = memacct_source_new(path, NULL, &src);
	if (r == -ENOENT)
		skip();
	assert_int_equal(r, 0);
	assert_int_equal(memacct_meminfo_read(mi, src, &d), 0);
	assert_true(get(mi, MEMACCT_MEMINFO_MEMTOTAL) > get(mi, MEMACCT_MEMINFO_MEMFREE));
	memacct_source_free(src);

	snprintf(path, sizeof(path), "%s/damaged-truncated/proc", MEMACCT_FIXTURES);
	if (memacct_source_new(path, NULL, &src) == 0) {
		assert_int_equal(memacct_meminfo_read(mi, src, &d), -EBADMSG);
		assert_true(d.line > 1);
		memacct_source_free(src);
	}
	memacct_meminfo_free(mi);
}

static void test_bad_args(void **state)
{
	struct memacct_meminfo *mi = new_mi();
	uint64_t v;

	assert_int_equal(memacct_meminfo_new(NULL), -EINVAL);
	assert_int_equal(memacct_meminfo_parse(NULL, "", 0, NULL), -EINVAL);
	assert_int_equal(memacct_meminfo_parse(mi, NULL, 3, NULL), -EINVAL);
	assert_int_equal(memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, NULL), -EINVAL);
	assert_int_equal(memacct_meminfo_get(NULL, MEMACCT_MEMINFO_MEMTOTAL, &v), -EINVAL);
	assert_int_equal(memacct_meminfo_read(mi, NULL, NULL), -EINVAL);
	assert_null(memacct_meminfo_free(NULL));
	memacct_meminfo_free(mi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_odd_formats),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_reparse_diff),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_small_diag),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_fixture_read),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("meminfo", tests, NULL, NULL);
}
