// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_smaps_parse(), memacct_smaps_rollup_parse()
 * and memacct_smaps_parse_foreach(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), and then the
 *    handle holds no VMA and the diagnostic names the error; lenient never
 *    fails on content;
 *  - on success every field from _field_at is reachable by its name with the
 *    same value (or text), by its key for a known counter, sizes are whole
 *    kB in bytes, and the VmFlags bits are those of the mnemonics in the text;
 *  - when strict succeeds, lenient gives the same VMAs and skips nothing;
 *  - the stream sees exactly the VMAs of the table, fails where the table
 *    fails, and stops when the callback says so;
 *  - a strict smaps_rollup success holds at most one VMA, named [rollup];
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

static struct memacct_vmas *strict_v, *lenient_v, *rollup_v, *scratch;

static void check_empty(const struct memacct_vmas *v)
{
	CHECK(memacct_vmas_count(v) == 0);
	CHECK(memacct_vmas_at(v, 0) == NULL);
}

/* The MEMACCT_VMFLAG_* bits of a VmFlags text. */
static uint64_t flags_of_text(const char *t)
{
	uint64_t flags = 0;

	while (*t) {
		size_t n;

		t += strspn(t, " \t");
		n = strcspn(t, " \t");
		for (int bit = 0; n == 2 && bit < 64; bit++) {
			const char *name;

			if (memacct_smaps_vmflag_name(UINT64_C(1) << bit, &name) == 0 &&
			    !memcmp(name, t, 2))
				flags |= UINT64_C(1) << bit;
		}
		t += n;
	}
	return flags;
}

static void check_vma(const struct memacct_vma *vma, int lenient)
{
	int n = memacct_vma_field_count(vma), known = 0;
	const char *t = NULL;
	uint64_t x, flags;

	CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *name = NULL, *text = NULL, *kname = NULL;
		uint32_t unit = 0, key = 0, key2 = 0;
		uint64_t v = 1, w = 2;

		CHECK(memacct_vma_field_at(vma, (size_t)i, &name, &v, &unit, &key) == 0);
		CHECK(name && name[0] && !strchr(name, ':') && !strchr(name, ' '));
		switch (unit) {
		case MEMACCT_UNIT_TEXT:
			CHECK(v == 0 && key == 0);
			CHECK(memacct_vma_get_by_name(vma, name, &w) == -ENODATA);
			CHECK(memacct_vma_get_text_by_name(vma, name, &text) == 0 && text);
			CHECK(!strchr(text, '\n'));
			break;
		case MEMACCT_UNIT_BYTES:
			CHECK(v % 1024 == 0);
			__attribute__((fallthrough));
		case MEMACCT_UNIT_COUNT:
			CHECK(memacct_vma_get_by_name(vma, name, &w) == 0 && w == v);
			CHECK(memacct_vma_get_text_by_name(vma, name, &text) == -ENODATA);
			break;
		default:
			CHECK(!"unit is BYTES, COUNT or TEXT");
		}
		if (key) {
			known++;
			CHECK(memacct_vma_get(vma, key, &w) == 0 && w == v);
			CHECK(memacct_smaps_key_name(key, &kname) == 0 && !strcmp(kname, name));
			CHECK(memacct_smaps_key_from_name(name, &key2) == 0 && key2 == key);
			CHECK(unit == ((key == MEMACCT_SMAPS_THPELIGIBLE ||
					key == MEMACCT_SMAPS_PROTECTIONKEY) ?
				       MEMACCT_UNIT_COUNT : MEMACCT_UNIT_BYTES));
		} else {
			CHECK(memacct_smaps_key_from_name(name, &key2) == -ENOENT);
		}
	}
	CHECK(memacct_vma_field_at(vma, (size_t)n, NULL, NULL, NULL, NULL) == -ERANGE);
	for (uint32_t k = MEMACCT_SMAPS_SIZE; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++)
		known -= memacct_vma_get(vma, k, &x) == 0;
	CHECK(known == 0);

	if (memacct_vma_get_vmflags_text(vma, &t) == 0) {
		CHECK(memacct_vma_get_vmflags(vma, &flags) == 0);
		CHECK(flags == flags_of_text(t));
	} else {
		CHECK(memacct_vma_get_vmflags(vma, &flags) == -ENOENT);
	}
	if (memacct_vma_get_name(vma, &t) == 0) {
		const char *t2;

		CHECK(memacct_vma_get_text_by_name(vma, "Name", &t2) == 0 && t2 == t);
	}
	if (!lenient) {
		CHECK(memacct_vma_get(vma, MEMACCT_VMA_START, &x) == 0);
		CHECK(memacct_vma_get_path(vma, &t) == 0);
	}
}

static void check_consistent(const struct memacct_vmas *v, int lenient)
{
	int n = memacct_vmas_count(v), s;
	struct memacct_diag d = { .sz = sizeof(d) };

	CHECK(n >= 0);
	for (int i = 0; i < n; i++)
		check_vma(memacct_vmas_at(v, (size_t)i), lenient);
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

/* Same header attributes, name, counters, fields and texts. */
static void check_same_vma(const struct memacct_vma *a, const struct memacct_vma *b)
{
	const char *pa = NULL, *pb = NULL;
	int n = memacct_vma_field_count(a);

	for (uint32_t k = MEMACCT_VMA_START; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++) {
		uint64_t xa = 1, xb = 2;
		int ra = memacct_vma_get(a, k, &xa), rb = memacct_vma_get(b, k, &xb);

		CHECK(ra == rb);
		CHECK(ra < 0 || xa == xb);
		if (k == MEMACCT_VMA_PERMS)
			k = MEMACCT_SMAPS_SIZE - 1;
	}
	CHECK(memacct_vma_get_path(a, &pa) == memacct_vma_get_path(b, &pb));
	CHECK(pa == pb || !strcmp(pa, pb));
	CHECK(memacct_vma_field_count(b) == n);
	for (int i = 0; i < n; i++) {
		const char *na, *nb, *ta = NULL, *tb = NULL;
		uint64_t va, vb;
		uint32_t ua, ub;

		CHECK(memacct_vma_field_at(a, (size_t)i, &na, &va, &ua, NULL) == 0);
		CHECK(memacct_vma_field_at(b, (size_t)i, &nb, &vb, &ub, NULL) == 0);
		CHECK(!strcmp(na, nb) && va == vb && ua == ub);
		if (ua == MEMACCT_UNIT_TEXT) {
			CHECK(memacct_vma_get_text_by_name(a, na, &ta) == 0);
			CHECK(memacct_vma_get_text_by_name(b, nb, &tb) == 0);
			CHECK(!strcmp(ta, tb));
		}
	}
}

static void check_same(const struct memacct_vmas *a, const struct memacct_vmas *b)
{
	int n = memacct_vmas_count(a);

	CHECK(memacct_vmas_count(b) == n);
	CHECK(memacct_vmas_count_skipped(a) == memacct_vmas_count_skipped(b));
	for (int i = 0; i < n; i++)
		check_same_vma(memacct_vmas_at(a, (size_t)i), memacct_vmas_at(b, (size_t)i));
}

struct stream {
	const struct memacct_vmas *table;
	size_t n;
	size_t stop_at;		/* 0: never */
};

static int stream_cb(const struct memacct_vma *vma, void *userdata)
{
	struct stream *st = userdata;

	CHECK(st->n < (size_t)memacct_vmas_count(st->table));
	check_same_vma(vma, memacct_vmas_at(st->table, st->n));
	if (++st->n == st->stop_at)
		return -ECANCELED;
	return 0;
}

/* The stream over @buf against @table, which a successful parse with @flags filled. */
static void check_stream(const char *buf, size_t len, uint32_t flags,
			 const struct memacct_vmas *table)
{
	struct stream st = { .table = table };

	CHECK(memacct_vmas_set_flags(scratch, flags) == 0);
	CHECK(memacct_smaps_parse_foreach(scratch, buf, len, stream_cb, &st, NULL) == 0);
	CHECK(st.n == (size_t)memacct_vmas_count(table));
	CHECK(memacct_vmas_count(scratch) == 0);
	CHECK(memacct_vmas_count_skipped(scratch) == memacct_vmas_count_skipped(table));
	if (st.n > 1) {
		memset(&st, 0, sizeof(st));
		st.table = table;
		st.stop_at = 1;
		CHECK(memacct_smaps_parse_foreach(scratch, buf, len, stream_cb, &st, NULL) ==
		      -ECANCELED);
		CHECK(st.n == 1);
	}
}

/* A strict stream fails where the strict table parse failed, at the same line. */
static int count_cb(const struct memacct_vma *vma, void *userdata)
{
	(*(size_t *)userdata)++;
	return 0;
}

static void check_stream_failure(const char *buf, size_t len, int expect,
				 const struct memacct_diag *expect_diag)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	size_t n = 0;

	CHECK(memacct_vmas_set_flags(scratch, 0) == 0);
	CHECK(memacct_smaps_parse_foreach(scratch, buf, len, count_cb, &n, &d) == expect);
	CHECK(d.error == expect && d.line == expect_diag->line &&
	      d.column == expect_diag->column);
	CHECK(memacct_vmas_count(scratch) == 0);
}

static void parse_fresh(const char *buf, size_t len, uint32_t flags, int expect,
			const struct memacct_vmas *reused)
{
	struct memacct_vmas *v = NULL;
	int r;

	CHECK(memacct_vmas_new(&v) == 0);
	CHECK(memacct_vmas_set_flags(v, flags) == 0);
	r = memacct_smaps_parse(v, buf, len, NULL);
	CHECK(r == expect);
	if (r == 0)
		check_same(v, reused);
	memacct_vmas_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memacct_diag d = { .sz = sizeof(d) }, dr = { .sz = sizeof(dr) };
	const char *buf = (const char *)data;
	const char *path;
	int rs, rl, rr;

	if (!strict_v) {
		CHECK(memacct_vmas_new(&strict_v) == 0);
		CHECK(memacct_vmas_new(&lenient_v) == 0);
		CHECK(memacct_vmas_new(&rollup_v) == 0);
		CHECK(memacct_vmas_new(&scratch) == 0);
		CHECK(memacct_vmas_set_flags(lenient_v, MEMACCT_PARSE_SKIP_BAD_LINES) == 0);
	}

	rs = memacct_smaps_parse(strict_v, buf, size, &d);
	CHECK(strict_result_ok(rs));
	if (rs < 0) {
		check_failure_diag(&d, rs);
		CHECK(d.line >= 1);
		check_empty(strict_v);
		check_stream_failure(buf, size, rs, &d);
	} else {
		check_consistent(strict_v, 0);
		check_stream(buf, size, 0, strict_v);
	}
	parse_fresh(buf, size, 0, rs, strict_v);

	rl = memacct_smaps_parse(lenient_v, buf, size, NULL);
	CHECK(lenient_result_ok(rl));
	if (rl == 0) {
		check_consistent(lenient_v, 1);
		check_stream(buf, size, MEMACCT_PARSE_SKIP_BAD_LINES, lenient_v);
	} else {
		check_empty(lenient_v);
	}
	if (rs == 0) {
		CHECK(rl == 0);
		CHECK(memacct_vmas_count_skipped(lenient_v) == 0);
		check_same(strict_v, lenient_v);
	}
	parse_fresh(buf, size, MEMACCT_PARSE_SKIP_BAD_LINES, rl, lenient_v);

	rr = memacct_smaps_rollup_parse(rollup_v, buf, size, &dr);
	CHECK(strict_result_ok(rr));
	if (rr < 0) {
		check_failure_diag(&dr, rr);
		check_empty(rollup_v);
	} else {
		check_consistent(rollup_v, 0);
		CHECK(memacct_vmas_count(rollup_v) <= 1);
		if (memacct_vmas_count(rollup_v) == 1) {
			CHECK(memacct_vma_get_path(memacct_vmas_at(rollup_v, 0), &path) == 0);
			CHECK(!strcmp(path, "[rollup]"));
		}
	}
	return 0;
}
