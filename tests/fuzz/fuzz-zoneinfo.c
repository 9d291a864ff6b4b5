// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_zoneinfo_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), leaving no
 *    zone; lenient never fails on content;
 *  - on success every zone has a name, each key reads 0 or -ENOENT, an
 *    unknown key -EOPNOTSUPP, zones are unique by (node, name), and
 *    _get_max_threshold is the highest zone threshold (-ENOENT when none);
 *  - when strict succeeds, lenient gives the same zones and skips none;
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

#define NKEYS 5	/* MEMACCT_ZONEINFO_FREE .. MEMACCT_ZONEINFO_THRESHOLD */

static void check_empty(const struct memacct_zoneinfo *zi)
{
	uint64_t v;

	CHECK(memacct_zoneinfo_count(zi) == 0);
	CHECK(memacct_zoneinfo_at(zi, 0, NULL, NULL) == -ERANGE);
	CHECK(memacct_zoneinfo_get(zi, 0, MEMACCT_ZONEINFO_FREE, &v) == -ERANGE);
	CHECK(memacct_zoneinfo_get_max_threshold(zi, &v) == -ENOENT);
}

static void check_consistent(const struct memacct_zoneinfo *zi, int lenient)
{
	int n = memacct_zoneinfo_count(zi), have_thr = 0, r;
	uint64_t max_thr = 0, v;

	CHECK(n >= 0);
	CHECK(lenient || memacct_zoneinfo_count_skipped(zi) == 0);
	for (int i = 0; i < n; i++) {
		const char *zone = NULL;
		uint32_t node;

		CHECK(memacct_zoneinfo_at(zi, (size_t)i, &node, &zone) == 0);
		CHECK(zone && zone[0]);
		for (const char *p = zone; *p; p++)
			CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
		for (uint32_t k = 1; k <= NKEYS; k++) {
			r = memacct_zoneinfo_get(zi, (size_t)i, k, &v);
			CHECK(r == 0 || r == -ENOENT);
			if (r == 0 && k == MEMACCT_ZONEINFO_THRESHOLD) {
				have_thr = 1;
				if (v > max_thr)
					max_thr = v;
			}
		}
		CHECK(memacct_zoneinfo_get(zi, (size_t)i, 0, &v) == -EOPNOTSUPP);
		for (int j = 0; j < i && n <= 256; j++) {
			const char *zj;
			uint32_t nj;

			CHECK(memacct_zoneinfo_at(zi, (size_t)j, &nj, &zj) == 0);
			CHECK(nj != node || strcmp(zj, zone));
		}
	}
	CHECK(memacct_zoneinfo_at(zi, (size_t)n, NULL, NULL) == -ERANGE);
	CHECK(memacct_zoneinfo_get(zi, (size_t)n, MEMACCT_ZONEINFO_FREE, &v) == -ERANGE);
	r = memacct_zoneinfo_get_max_threshold(zi, &v);
	if (have_thr)
		CHECK(r == 0 && v == max_thr);
	else
		CHECK(r == -ENOENT);
}

static void check_same(const struct memacct_zoneinfo *a, const struct memacct_zoneinfo *b)
{
	int n = memacct_zoneinfo_count(a);

	CHECK(memacct_zoneinfo_count(b) == n);
	CHECK(memacct_zoneinfo_count_skipped(a) == memacct_zoneinfo_count_skipped(b));
	for (int i = 0; i < n; i++) {
		const char *za, *zb;
		uint32_t na, nb;

		CHECK(memacct_zoneinfo_at(a, (size_t)i, &na, &za) == 0);
		CHECK(memacct_zoneinfo_at(b, (size_t)i, &nb, &zb) == 0);
		CHECK(na == nb && !strcmp(za, zb));
		for (uint32_t k = 1; k <= NKEYS; k++) {
			uint64_t va = 1, vb = 2;
			int ra = memacct_zoneinfo_get(a, (size_t)i, k, &va);
			int rb = memacct_zoneinfo_get(b, (size_t)i, k, &vb);

			CHECK(ra == rb && (ra < 0 || va == vb));
		}
	}
}

FUZZ_LINE_PARSER(zoneinfo)
