// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_vmstat_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), leaving no
 *    line; lenient never fails on content;
 *  - on success every line from _at is reachable by its name with the same
 *    value, and names are non-empty, printable, without blanks;
 *  - when strict succeeds, lenient gives the same lines and skips none;
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

static struct memacct_vmstat *strict_vs, *lenient_vs;

static void check_empty(const struct memacct_vmstat *vs)
{
	uint64_t v;

	CHECK(memacct_vmstat_count(vs) == 0);
	CHECK(memacct_vmstat_at(vs, 0, NULL, NULL) == -ERANGE);
	CHECK(memacct_vmstat_get_by_name(vs, "nr_free_pages", &v) == -ENOENT);
}

static void check_consistent(const struct memacct_vmstat *vs, int lenient)
{
	int n = memacct_vmstat_count(vs);

	CHECK(n >= 0);
	CHECK(lenient || memacct_vmstat_count_skipped(vs) == 0);
	for (int i = 0; i < n; i++) {
		const char *name = NULL;
		uint64_t v = 1, w = 2;

		CHECK(memacct_vmstat_at(vs, (size_t)i, &name, &v) == 0);
		CHECK(name && name[0]);
		for (const char *p = name; *p; p++)
			CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
		CHECK(memacct_vmstat_get_by_name(vs, name, &w) == 0 && w == v);
	}
	CHECK(memacct_vmstat_at(vs, (size_t)n, NULL, NULL) == -ERANGE);
}

static void check_same(const struct memacct_vmstat *a, const struct memacct_vmstat *b)
{
	int n = memacct_vmstat_count(a);

	CHECK(memacct_vmstat_count(b) == n);
	CHECK(memacct_vmstat_count_skipped(a) == memacct_vmstat_count_skipped(b));
	for (int i = 0; i < n; i++) {
		const char *na, *nb;
		uint64_t va, vb;

		CHECK(memacct_vmstat_at(a, (size_t)i, &na, &va) == 0);
		CHECK(memacct_vmstat_at(b, (size_t)i, &nb, &vb) == 0);
		CHECK(!strcmp(na, nb) && va == vb);
	}
}

static void parse_fresh(const char *buf, size_t len, uint32_t flags, int expect,
			const struct memacct_vmstat *reused)
{
	struct memacct_vmstat *vs = NULL;

	CHECK(memacct_vmstat_new(&vs) == 0);
	CHECK(memacct_vmstat_set_flags(vs, flags) == 0);
	CHECK(memacct_vmstat_parse(vs, buf, len, NULL) == expect);
	if (expect == 0)
		check_same(vs, reused);
	memacct_vmstat_free(vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *buf = (const char *)data;
	int rs, rl;

	if (!strict_vs) {
		CHECK(memacct_vmstat_new(&strict_vs) == 0);
		CHECK(memacct_vmstat_new(&lenient_vs) == 0);
		CHECK(memacct_vmstat_set_flags(lenient_vs, MEMACCT_PARSE_SKIP_BAD_LINES) == 0);
	}

	rs = memacct_vmstat_parse(strict_vs, buf, size, &d);
	CHECK(strict_result_ok(rs));
	if (rs < 0) {
		check_failure_diag(&d, rs);
		check_empty(strict_vs);
	} else {
		check_consistent(strict_vs, 0);
	}
	parse_fresh(buf, size, 0, rs, strict_vs);

	rl = memacct_vmstat_parse(lenient_vs, buf, size, NULL);
	CHECK(lenient_result_ok(rl));
	if (rl == 0)
		check_consistent(lenient_vs, 1);
	else
		check_empty(lenient_vs);
	if (rs == 0) {
		CHECK(rl == 0);
		check_same(strict_vs, lenient_vs);
	}
	parse_fresh(buf, size, MEMACCT_PARSE_SKIP_BAD_LINES, rl, lenient_vs);
	return 0;
}
