// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_maps_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), and then the
 *    handle holds no VMA and the diagnostic names the error;
 *  - lenient never fails on content;
 *  - on a strict success every VMA has every header attribute, start < end,
 *    a name, perms within the four bits and no counter; on a lenient one, a
 *    VMA's range, when it has one, is not backwards or empty;
 *  - when strict succeeds, lenient gives the same VMAs and skips nothing, and
 *    the bytes parse as smaps into the same VMAs too;
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

static struct memacct_vmas *strict_v, *lenient_v, *smaps_v;

static void check_empty(const struct memacct_vmas *v)
{
	CHECK(memacct_vmas_count(v) == 0);
	CHECK(memacct_vmas_at(v, 0) == NULL);
}

static void check_consistent(const struct memacct_vmas *v, int lenient)
{
	int n = memacct_vmas_count(v), s;
	struct memacct_diag d = { .sz = sizeof(d) };

	CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		const struct memacct_vma *vma = memacct_vmas_at(v, (size_t)i);
		uint64_t start = 0, end = 0, x;
		const char *path = NULL;
		int rs, re, rp;

		CHECK(vma != NULL);
		rs = memacct_vma_get(vma, MEMACCT_VMA_START, &start);
		re = memacct_vma_get(vma, MEMACCT_VMA_END, &end);
		CHECK(rs == re && (rs == 0 || rs == -ENOENT));
		if (rs == 0)
			CHECK(start < end);
		for (uint32_t k = MEMACCT_VMA_START; k <= MEMACCT_VMA_PERMS; k++) {
			int r = memacct_vma_get(vma, k, &x);

			CHECK(r == 0 || (lenient && r == -ENOENT));
			if (r == 0 && k == MEMACCT_VMA_PERMS)
				CHECK(x < 16);
			if (r == 0 && (k == MEMACCT_VMA_DEV_MAJOR || k == MEMACCT_VMA_DEV_MINOR))
				CHECK(x <= UINT32_MAX);
		}
		if (lenient && rs < 0)
			CHECK(memacct_vma_get(vma, MEMACCT_VMA_PERMS, &x) == 0);
		rp = memacct_vma_get_path(vma, &path);
		CHECK(rp == 0 || (lenient && rp == -ENOENT));
		if (rp == 0)
			CHECK(path && !memchr(path, '\n', strlen(path)));
		for (uint32_t k = MEMACCT_SMAPS_SIZE; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++)
			CHECK(memacct_vma_get(vma, k, &x) == -ENOENT);
		CHECK(memacct_vma_get(vma, 0, &x) == -EOPNOTSUPP);
		CHECK(memacct_vma_field_count(vma) == 0);
	}
	CHECK(memacct_vmas_at(v, (size_t)n) == NULL);
	s = memacct_vmas_count_skipped(v);
	CHECK(s >= 0);
	CHECK(lenient || s == 0);
	if (s > 0) {
		CHECK(memacct_vmas_get_skipped(v, &d) == 0);
		CHECK(d.error == -EBADMSG || d.error == -EOVERFLOW);
		CHECK(d.line >= 1 && d.message);
	} else {
		CHECK(memacct_vmas_get_skipped(v, &d) == -ENOENT);
	}
}

/* Same VMAs: every header attribute and the name. */
static void check_same(const struct memacct_vmas *a, const struct memacct_vmas *b)
{
	int n = memacct_vmas_count(a);

	CHECK(memacct_vmas_count(b) == n);
	for (int i = 0; i < n; i++) {
		const struct memacct_vma *va = memacct_vmas_at(a, (size_t)i);
		const struct memacct_vma *vb = memacct_vmas_at(b, (size_t)i);
		const char *pa = NULL, *pb = NULL;

		for (uint32_t k = MEMACCT_VMA_START; k <= MEMACCT_VMA_PERMS; k++) {
			uint64_t xa = 1, xb = 2;
			int ra = memacct_vma_get(va, k, &xa), rb = memacct_vma_get(vb, k, &xb);

			CHECK(ra == rb);
			CHECK(ra < 0 || xa == xb);
		}
		CHECK(memacct_vma_get_path(va, &pa) == memacct_vma_get_path(vb, &pb));
		CHECK(pa == pb || !strcmp(pa, pb));
	}
}

static void parse_fresh(const char *buf, size_t len, uint32_t flags, int expect,
			const struct memacct_vmas *reused)
{
	struct memacct_vmas *v = NULL;
	int r;

	CHECK(memacct_vmas_new(&v) == 0);
	CHECK(memacct_vmas_set_flags(v, flags) == 0);
	r = memacct_maps_parse(v, buf, len, NULL);
	CHECK(r == expect);
	if (r == 0) {
		check_same(v, reused);
		CHECK(memacct_vmas_count_skipped(v) == memacct_vmas_count_skipped(reused));
	}
	memacct_vmas_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *buf = (const char *)data;
	int rs, rl;

	if (!strict_v) {
		CHECK(memacct_vmas_new(&strict_v) == 0);
		CHECK(memacct_vmas_new(&lenient_v) == 0);
		CHECK(memacct_vmas_new(&smaps_v) == 0);
		CHECK(memacct_vmas_set_flags(lenient_v, MEMACCT_PARSE_SKIP_BAD_LINES) == 0);
	}

	rs = memacct_maps_parse(strict_v, buf, size, &d);
	CHECK(strict_result_ok(rs));
	if (rs < 0) {
		check_failure_diag(&d, rs);
		CHECK(d.line >= 1);
		check_empty(strict_v);
	} else {
		check_consistent(strict_v, 0);
		CHECK(memacct_smaps_parse(smaps_v, buf, size, NULL) == 0);
		check_same(strict_v, smaps_v);
	}
	parse_fresh(buf, size, 0, rs, strict_v);

	rl = memacct_maps_parse(lenient_v, buf, size, NULL);
	CHECK(lenient_result_ok(rl));
	if (rl == 0)
		check_consistent(lenient_v, 1);
	else
		check_empty(lenient_v);
	if (rs == 0) {
		CHECK(rl == 0);
		CHECK(memacct_vmas_count_skipped(lenient_v) == 0);
		check_same(strict_v, lenient_v);
	}
	parse_fresh(buf, size, MEMACCT_PARSE_SKIP_BAD_LINES, rl, lenient_v);
	return 0;
}
