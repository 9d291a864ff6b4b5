// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_statm_parse(). Invariants, strict and
 * lenient:
 *  - a parse fails only with -EBADMSG or -EOVERFLOW, and then the output is
 *    untouched and the diagnostic names the error;
 *  - on success the present columns are a prefix (all seven when strict), the
 *    absent ones are 0, and every value is the page count times the page
 *    size: the parse in bytes agrees with the parse in pages (page size 1),
 *    and fails with -EOVERFLOW exactly when a column would not fit;
 *  - when strict succeeds, lenient gives the same;
 *  - a caller's smaller struct is written only up to its .sz.
 */
#include <stddef.h>

#include "fuzz-common.h"

#define ALL 0x7fu

static uint64_t col(const struct memacct_statm *s, int i)
{
	const uint64_t v[7] = { s->size, s->resident, s->shared, s->text, s->lib, s->data, s->dt };

	return v[i];
}

static int parse(const char *buf, size_t len, uint64_t page, uint32_t flags,
		 struct memacct_statm *s)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_statm before;
	int r;

	memset(s, 0xa5, sizeof(*s));
	s->sz = sizeof(*s);
	before = *s;
	r = memacct_statm_parse(buf, len, page, flags, s, &d);
	CHECK(r == 0 || r == -EBADMSG || r == -EOVERFLOW);
	if (r < 0) {
		check_failure_diag(&d, r);
		CHECK(!memcmp(s, &before, sizeof(*s)));
		return r;
	}
	CHECK(s->sz == sizeof(*s));
	CHECK(s->present && s->present <= ALL && !(s->present & (s->present + 1)));
	CHECK(flags || s->present == ALL);
	CHECK(s->_reserved == 0);
	for (int i = 0; i < 7; i++) {
		if (!(s->present & (1u << i)))
			CHECK(col(s, i) == 0);
		CHECK(col(s, i) % page == 0);
	}
	return 0;
}

/* @bytes parsed with @page, @pages with 1: the same file, scaled. */
static void check_scaled(int rb, const struct memacct_statm *bytes, int rp,
			 const struct memacct_statm *pages, uint64_t page)
{
	int fits = 1;

	if (rp < 0) {
		/* The pages do not parse: neither do the bytes, for the same reason or
		 * an overflow found first. */
		CHECK(rb < 0);
		return;
	}
	for (int i = 0; i < 7; i++)
		if (col(pages, i) > UINT64_MAX / page)
			fits = 0;
	CHECK(fits ? rb == 0 : rb == -EOVERFLOW);
	if (rb == 0) {
		CHECK(bytes->present == pages->present);
		for (int i = 0; i < 7; i++)
			CHECK(col(bytes, i) == col(pages, i) * page);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t pages[] = { 4096, 65536, UINT64_C(1) << 40 };
	const char *buf = (const char *)data;
	struct memacct_statm p[2], b[2];
	struct {
		struct memacct_statm s;
		char canary[8];
	} small;
	int rp[2], rb;

	rp[0] = parse(buf, size, 1, 0, &p[0]);
	rp[1] = parse(buf, size, 1, MEMACCT_PARSE_SKIP_BAD_LINES, &p[1]);
	if (rp[0] == 0) {
		CHECK(rp[1] == 0);
		CHECK(!memcmp(&p[0], &p[1], sizeof(p[0])));
	}
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		for (int m = 0; m < 2; m++) {
			rb = parse(buf, size, pages[i], m ? MEMACCT_PARSE_SKIP_BAD_LINES : 0, &b[m]);
			check_scaled(rb, &b[m], rp[m], &p[m], pages[i]);
		}
	}

	memset(&small, 0x5a, sizeof(small));
	small.s.sz = offsetof(struct memacct_statm, resident);
	rb = memacct_statm_parse(buf, size, 4096, MEMACCT_PARSE_SKIP_BAD_LINES, &small.s, NULL);
	CHECK(small.s.sz == offsetof(struct memacct_statm, resident));
	CHECK((unsigned char)((char *)&small.s.resident)[0] == 0x5a);
	CHECK((unsigned char)small.canary[0] == 0x5a);
	if (rb == 0)
		CHECK(rp[1] == 0 && small.s.size == p[1].size * 4096);
	return 0;
}
