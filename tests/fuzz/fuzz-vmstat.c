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

FUZZ_LINE_PARSER(vmstat)
