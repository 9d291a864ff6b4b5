// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_vmallocinfo_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), leaving no
 *    record; lenient never fails on content;
 *  - on success the totals are the sums over the records' getters (or
 *    -EOVERFLOW exactly when a sum overflows), pages= and phys= read as
 *    -ENOENT or a value, never a silent 0, and every caller is non-empty;
 *  - the caller list adds up to the vmalloc pages of the records with one;
 *  - when strict succeeds, lenient gives the same records and skips none;
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

static void check_empty(const struct memacct_vmallocinfo *vi)
{
	uint64_t v;

	CHECK(memacct_vmallocinfo_count(vi) == 0);
	CHECK(memacct_vmallocinfo_get(vi, 0, MEMACCT_VMALLOCINFO_SIZE, &v) == -ERANGE);
	CHECK(memacct_vmallocinfo_get_total(vi, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v) == 0 &&
	      v == 0);
	CHECK(memacct_vmallocinfo_addresses_hidden(vi) == -ENOENT);
}

static void check_consistent(const struct memacct_vmallocinfo *vi, int lenient)
{
	int n = memacct_vmallocinfo_count(vi), ovf_all = 0, ovf_vp = 0, r;
	uint64_t all = 0, vpages = 0, cpages = 0, v;
	const struct memacct_vmalloc_caller *c;
	struct memacct_vmallocinfo *mut = (struct memacct_vmallocinfo *)vi;
	size_t nc;

	CHECK(n >= 0);
	CHECK(lenient || memacct_vmallocinfo_count_skipped(vi) == 0);
	for (int i = 0; i < n; i++) {
		uint64_t size, kinds, pages;
		const char *s;

		CHECK(memacct_vmallocinfo_get(vi, (size_t)i, MEMACCT_VMALLOCINFO_SIZE, &size) == 0);
		CHECK(memacct_vmallocinfo_get(vi, (size_t)i, MEMACCT_VMALLOCINFO_KINDS, &kinds) == 0);
		ovf_all |= __builtin_add_overflow(all, size, &all);
		r = memacct_vmallocinfo_get(vi, (size_t)i, MEMACCT_VMALLOCINFO_PAGES, &pages);
		CHECK(r == 0 || r == -ENOENT);
		if (r == 0 && (kinds & MEMACCT_VMALLOC_KIND_VMALLOC))
			ovf_vp |= __builtin_add_overflow(vpages, pages, &vpages);
		r = memacct_vmallocinfo_get(vi, (size_t)i, MEMACCT_VMALLOCINFO_PHYS, &v);
		CHECK(r == 0 || r == -ENOENT);
		r = memacct_vmallocinfo_get_caller(vi, (size_t)i, &s);
		CHECK(r == 0 || r == -ENOENT);
		if (r == 0) {
			CHECK(s[0] != '\0');
			if (!ovf_vp && memacct_vmallocinfo_get(vi, (size_t)i, MEMACCT_VMALLOCINFO_PAGES,
							       &pages) == 0 &&
			    (kinds & MEMACCT_VMALLOC_KIND_VMALLOC))
				cpages += pages;
		}
	}
	CHECK(memacct_vmallocinfo_get(vi, (size_t)n, MEMACCT_VMALLOCINFO_SIZE, &v) == -ERANGE);
	r = memacct_vmallocinfo_get_total(vi, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v);
	CHECK(ovf_all ? r == -EOVERFLOW : (r == 0 && v == all));
	r = memacct_vmallocinfo_get_total(vi, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES, &v);
	CHECK(ovf_vp ? r == -EOVERFLOW : (r == 0 && v == vpages));
	CHECK(memacct_vmallocinfo_get_total(vi, MEMACCT_VMALLOCINFO_TOTAL_RECORDS, &v) == 0 &&
	      v == (uint64_t)n);
	r = memacct_vmallocinfo_callers(mut, &c, &nc);
	CHECK(r == 0 || r == -EOVERFLOW);
	if (r == 0 && !ovf_vp) {
		uint64_t sum = 0;

		for (size_t i = 0; i < nc; i++) {
			CHECK(c[i].name && c[i].name[0] && c[i].records > 0);
			CHECK(i == 0 || c[i - 1].pages >= c[i].pages);
			sum += c[i].pages;
		}
		CHECK(sum == cpages);
	}
}

static void check_same(const struct memacct_vmallocinfo *a, const struct memacct_vmallocinfo *b)
{
	int n = memacct_vmallocinfo_count(a);

	CHECK(memacct_vmallocinfo_count(b) == n);
	CHECK(memacct_vmallocinfo_count_skipped(a) == memacct_vmallocinfo_count_skipped(b));
	for (int i = 0; i < n; i++) {
		for (uint32_t k = MEMACCT_VMALLOCINFO_START; k <= MEMACCT_VMALLOCINFO_MODULE_AREA; k++) {
			uint64_t va = 1, vb = 2;
			int ra = memacct_vmallocinfo_get(a, (size_t)i, k, &va);
			int rb = memacct_vmallocinfo_get(b, (size_t)i, k, &vb);

			CHECK(ra == rb && (ra < 0 || va == vb));
		}
		{
			const char *sa = NULL, *sb = NULL;
			int ra = memacct_vmallocinfo_get_caller_text(a, (size_t)i, &sa);
			int rb = memacct_vmallocinfo_get_caller_text(b, (size_t)i, &sb);

			CHECK(ra == rb && (ra < 0 || !strcmp(sa, sb)));
		}
	}
}

/* The macro's handles have no page size: give them one before the first parse. */
static int vi_new(struct memacct_vmallocinfo **ret)
{
	int r = memacct_vmallocinfo_new(ret);

	return r < 0 ? r : memacct_vmallocinfo_set_page_size(*ret, 4096);
}
#define memacct_vmallocinfo_new vi_new

FUZZ_LINE_PARSER(vmallocinfo)
