/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CLI's output helpers: JSON and Prometheus escaping, human units. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

struct sink {
	FILE *f;
	char *buf;
	size_t len;
};

static void sink_open(struct sink *s)
{
	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->f);
}

/* Close the stream and compare what was written with @want. */
static void sink_expect(struct sink *s, const char *want)
{
	assert_int_equal(fclose(s->f), 0);
	assert_string_equal(s->buf, want);
	free(s->buf);
}

static void expect_json_string(const char *in, const char *want)
{
	struct sink s;

	sink_open(&s);
	json_write_string(s.f, in);
	sink_expect(&s, want);
}

static void json_escapes_specials(void **state)
{
	expect_json_string("", "\"\"");
	expect_json_string("Active(anon)", "\"Active(anon)\"");
	expect_json_string("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	expect_json_string("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	expect_json_string("\x01\x1f\x1b[0m\x7f", "\"\\u0001\\u001f\\u001b[0m\x7f\"");
}

static void json_escapes_every_control_byte(void **state)
{
	char in[2] = { 0, 0 }, want[16];
	int c;

	for (c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		switch (c) {
		case '\b': strcpy(want, "\"\\b\""); break;
		case '\f': strcpy(want, "\"\\f\""); break;
		case '\n': strcpy(want, "\"\\n\""); break;
		case '\r': strcpy(want, "\"\\r\""); break;
		case '\t': strcpy(want, "\"\\t\""); break;
		default: snprintf(want, sizeof(want), "\"\\u%04x\"", c); break;
		}
		expect_json_string(in, want);
	}
}

static void json_keeps_utf8_replaces_broken(void **state)
{
	/* Well-formed UTF-8 of 2, 3 and 4 bytes passes through. */
	expect_json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Each byte that does not start a well-formed sequence becomes U+FFFD. */
	expect_json_string("a\xff" "b", "\"a\\ufffdb\"");
	expect_json_string("\x80", "\"\\ufffd\"");
	expect_json_string("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	expect_json_string("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	expect_json_string("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
	expect_json_string("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* cut at the end */
	expect_json_string("\xe2\x82x", "\"\\ufffd\\ufffdx\"");
}

static void json_document_shape(void **state)
{
	struct sink s;
	struct json j;

	sink_open(&s);
	json_begin(&j, s.f);
	json_object_begin(&j);
	json_kv_u64(&j, "max", UINT64_MAX);
	json_kv_i64(&j, "min", INT64_MIN);
	json_key(&j, "empty");
	json_object_begin(&j);
	json_object_end(&j);
	json_key(&j, "list");
	json_array_begin(&j);
	json_str(&j, "x");
	json_null(&j);
	json_bool(&j, true);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_kv_bool(&j, "no", false);
	json_object_end(&j);
	json_end(&j);
	sink_expect(&s,
		    "{\n"
		    "  \"max\": 18446744073709551615,\n"
		    "  \"min\": -9223372036854775808,\n"
		    "  \"empty\": {},\n"
		    "  \"list\": [\n"
		    "    \"x\",\n"
		    "    null,\n"
		    "    true,\n"
		    "    []\n"
		    "  ],\n"
		    "  \"no\": false\n"
		    "}\n");
}

static void prom_escapes_labels_and_help(void **state)
{
	struct sink s;

	sink_open(&s);
	prom_family(s.f, "memacct_x_bytes", "gauge", "a \\ and\na \"quote\"");
	prom_u64(s.f, "memacct_x_bytes",
		 (const char *const[]){ "field", "a\"b\\c\nd", "other", "\xff", NULL }, UINT64_MAX);
	prom_i64(s.f, "memacct_x_bytes", NULL, INT64_MIN);
	prom_i64(s.f, "memacct_x_bytes", (const char *const[]){ NULL }, -1);
	sink_expect(&s,
		    "# HELP memacct_x_bytes a \\\\ and\\na \"quote\"\n"
		    "# TYPE memacct_x_bytes gauge\n"
		    "memacct_x_bytes{field=\"a\\\"b\\\\c\\nd\",other=\"\xef\xbf\xbd\"} "
		    "18446744073709551615\n"
		    "memacct_x_bytes -9223372036854775808\n"
		    "memacct_x_bytes -1\n");
}

static void expect_human(int64_t v, const char *want)
{
	char buf[HUMAN_LEN];

	assert_string_equal(human_bytes(buf, v), want);
}

static void human_units(void **state)
{
	char buf[HUMAN_LEN];

	expect_human(0, "0 B");
	expect_human(1023, "1023 B");
	expect_human(1024, "1.0 KiB");
	expect_human(1536, "1.5 KiB");
	expect_human(25276502016, "23.5 GiB");
	expect_human(-4194304, "-4.0 MiB");
	/* Promoted rather than printed as "1024.0 KiB". */
	expect_human(1048575, "1.0 MiB");
	expect_human(INT64_MIN, "-8.0 EiB");
	expect_human(INT64_MAX, "8.0 EiB");
	assert_string_equal(human_ubytes(buf, UINT64_MAX), "16.0 EiB");
	assert_string_equal(human_percent(buf, 1, 3), "33.3%");
	assert_string_equal(human_percent(buf, -1, 1000), "-0.1%");
	assert_string_equal(human_percent(buf, 5, 0), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_escapes_specials),
		cmocka_unit_test(json_escapes_every_control_byte),
		cmocka_unit_test(json_keeps_utf8_replaces_broken),
		cmocka_unit_test(json_document_shape),
		cmocka_unit_test(prom_escapes_labels_and_help),
		cmocka_unit_test(human_units),
	};

	return cmocka_run_group_tests_name("cli-writers", tests, NULL, NULL);
}
