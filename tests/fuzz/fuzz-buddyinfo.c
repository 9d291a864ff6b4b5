// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_buddyinfo_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), leaving no
 *    zone; lenient never fails on content;
 *  - on success every zone's free pages equal the sum of count << order
 *    over the orders _get_blocks gives (or _at says -EOVERFLOW exactly when
 *    that sum overflows), orders past the last are -ERANGE, zones are
 *    unique by (node, name), and _get_free_pages is the sum over zones;
 *  - when strict succeeds, lenient gives the same zones and skips none;
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

static void check_empty(const struct memacct_buddyinfo *bi)
{
	uint64_t v;

	CHECK(memacct_buddyinfo_count(bi) == 0);
	CHECK(memacct_buddyinfo_at(bi, 0, NULL, NULL, NULL, NULL) == -ERANGE);
	CHECK(memacct_buddyinfo_get_free_pages(bi, &v) == -ENOENT);
}

static void check_consistent(const struct memacct_buddyinfo *bi, int lenient)
{
	int n = memacct_buddyinfo_count(bi), total_ovf = 0, r;
	uint64_t total = 0, v;

	CHECK(n >= 0);
	CHECK(lenient || memacct_buddyinfo_count_skipped(bi) == 0);
	for (int i = 0; i < n; i++) {
		const char *zone = NULL;
		uint32_t node, orders = 0;
		uint64_t free_pages = 0, sum = 0, b;
		int ovf = 0;

		CHECK(memacct_buddyinfo_at(bi, (size_t)i, &node, &zone, &orders, NULL) == 0);
		CHECK(zone && zone[0] && orders > 0);
		for (const char *p = zone; *p; p++)
			CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
		for (uint32_t o = 0; o < orders; o++) {
			CHECK(memacct_buddyinfo_get_blocks(bi, (size_t)i, o, &b) == 0);
			ovf |= add_blocks(&sum, b, o) < 0;
		}
		CHECK(memacct_buddyinfo_get_blocks(bi, (size_t)i, orders, &b) == -ERANGE);
		r = memacct_buddyinfo_at(bi, (size_t)i, NULL, NULL, NULL, &free_pages);
		if (ovf) {
			CHECK(r == -EOVERFLOW);
			total_ovf = 1;
		} else {
			CHECK(r == 0 && free_pages == sum);
			total_ovf |= __builtin_add_overflow(total, sum, &total);
		}
		/* zones are unique (bounded, to keep the harness fast) */
		for (int j = 0; j < i && n <= 256; j++) {
			const char *zj;
			uint32_t nj;

			CHECK(memacct_buddyinfo_at(bi, (size_t)j, &nj, &zj, NULL, NULL) == 0);
			CHECK(nj != node || strcmp(zj, zone));
		}
	}
	CHECK(memacct_buddyinfo_at(bi, (size_t)n, NULL, NULL, NULL, NULL) == -ERANGE);
	r = memacct_buddyinfo_get_free_pages(bi, &v);
	if (n == 0)
		CHECK(r == -ENOENT);
	else if (total_ovf)
		CHECK(r == -EOVERFLOW);
	else
		CHECK(r == 0 && v == total);
}

static void check_same(const struct memacct_buddyinfo *a, const struct memacct_buddyinfo *b)
{
	int n = memacct_buddyinfo_count(a);

	CHECK(memacct_buddyinfo_count(b) == n);
	CHECK(memacct_buddyinfo_count_skipped(a) == memacct_buddyinfo_count_skipped(b));
	for (int i = 0; i < n; i++) {
		const char *za, *zb;
		uint32_t na, nb, oa, ob;
		uint64_t ba, bb;

		CHECK(memacct_buddyinfo_at(a, (size_t)i, &na, &za, &oa, NULL) == 0);
		CHECK(memacct_buddyinfo_at(b, (size_t)i, &nb, &zb, &ob, NULL) == 0);
		CHECK(na == nb && oa == ob && !strcmp(za, zb));
		for (uint32_t o = 0; o < oa; o++) {
			CHECK(memacct_buddyinfo_get_blocks(a, (size_t)i, o, &ba) == 0);
			CHECK(memacct_buddyinfo_get_blocks(b, (size_t)i, o, &bb) == 0);
			CHECK(ba == bb);
		}
	}
}

FUZZ_LINE_PARSER(buddyinfo)
