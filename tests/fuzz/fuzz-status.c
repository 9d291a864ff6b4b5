// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_status_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), and then the
 *    handle holds no line and the diagnostic names the error;
 *  - lenient never fails on content (no -EBADMSG, no -EOVERFLOW);
 *  - on success every line from _at is reachable by its name, with the same
 *    value (or -ENODATA for a text line) and the same text; sizes are whole
 *    kB in bytes; a known key's value is its line's; the ids of Uid and Gid
 *    fit in 32 bits and are present exactly when the line is;
 *  - when strict succeeds, lenient gives the same lines and skips none;
 *  - handles reused across inputs give what fresh handles give.
 */
#include "fuzz-common.h"

static void check_empty(const struct memacct_status *st)
{
	const char *t;
	uint64_t v;
	uint32_t k;

	CHECK(memacct_status_count(st) == 0);
	CHECK(memacct_status_at(st, 0, NULL, NULL, NULL, NULL) == -ERANGE);
	for (k = 1; memacct_status_has(st, k) != -EOPNOTSUPP; k++) {
		CHECK(memacct_status_has(st, k) == 0);
		CHECK(memacct_status_get(st, k, &v) == -ENOENT);
	}
	CHECK(memacct_status_get_by_name(st, "VmRSS", &v) == -ENOENT);
	CHECK(memacct_status_get_text(st, "Name", &t) == -ENOENT);
}

static void check_ids(const struct memacct_status *st, const char *line, uint32_t first)
{
	const char *t;
	int has = memacct_status_get_text(st, line, &t) == 0;

	for (uint32_t k = first; k < first + 4; k++) {
		uint64_t v;

		CHECK(memacct_status_has(st, k) == has);
		if (has)
			CHECK(memacct_status_get(st, k, &v) == 0 && v <= UINT32_MAX);
	}
}

static void check_consistent(const struct memacct_status *st, int lenient)
{
	int n = memacct_status_count(st), known = 0, present = 0, s;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint32_t k;

	CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *name = NULL, *text = NULL, *t2 = NULL, *kname = NULL;
		uint32_t unit = 0, key = 0;
		uint64_t v = 1, w = 2;

		CHECK(memacct_status_at(st, (size_t)i, &name, &v, &unit, &key) == 0);
		CHECK(name && name[0] && !strchr(name, ':'));
		CHECK(memacct_status_text_at(st, (size_t)i, &text) == 0 && text);
		CHECK(memacct_status_get_text(st, name, &t2) == 0 && t2 == text);
		switch (unit) {
		case MEMACCT_UNIT_TEXT:
			CHECK(v == 0 && key == 0);
			CHECK(memacct_status_get_by_name(st, name, &w) == -ENODATA);
			break;
		case MEMACCT_UNIT_BYTES:
			CHECK(v % 1024 == 0);
			CHECK(memacct_status_get_by_name(st, name, &w) == 0 && w == v);
			break;
		case MEMACCT_UNIT_COUNT:
			CHECK(memacct_status_get_by_name(st, name, &w) == 0 && w == v);
			break;
		default:
			CHECK(!"unit is BYTES, COUNT or TEXT");
		}
		if (key) {
			known++;
			CHECK(unit != MEMACCT_UNIT_TEXT);
			CHECK(memacct_status_has(st, key) == 1);
			CHECK(memacct_status_get(st, key, &w) == 0 && w == v);
			CHECK(memacct_status_key_name(key, &kname) == 0 && !strcmp(kname, name));
		}
	}
	CHECK(memacct_status_at(st, (size_t)n, NULL, NULL, NULL, NULL) == -ERANGE);
	check_ids(st, "Uid", MEMACCT_STATUS_UID_REAL);
	check_ids(st, "Gid", MEMACCT_STATUS_GID_REAL);
	for (k = 1; k < MEMACCT_STATUS_UID_REAL; k++)
		present += memacct_status_has(st, k) == 1;
	CHECK(present == known);

	s = memacct_status_count_skipped(st);
	CHECK(s >= 0);
	CHECK(lenient || s == 0);
	if (s > 0) {
		CHECK(memacct_status_get_skipped(st, &d) == 0);
		CHECK(d.error == -EBADMSG || d.error == -EOVERFLOW);
		CHECK(d.line >= 1 && d.message);
	} else {
		CHECK(memacct_status_get_skipped(st, &d) == -ENOENT);
	}
}

/* Same lines, names, values, units, keys, texts and skips. */
static void check_same(const struct memacct_status *a, const struct memacct_status *b)
{
	int n = memacct_status_count(a);

	CHECK(memacct_status_count(b) == n);
	CHECK(memacct_status_count_skipped(a) == memacct_status_count_skipped(b));
	for (int i = 0; i < n; i++) {
		const char *na, *nb, *ta, *tb;
		uint64_t va, vb;
		uint32_t ua, ub, ka, kb;

		CHECK(memacct_status_at(a, (size_t)i, &na, &va, &ua, &ka) == 0);
		CHECK(memacct_status_at(b, (size_t)i, &nb, &vb, &ub, &kb) == 0);
		CHECK(!strcmp(na, nb) && va == vb && ua == ub && ka == kb);
		CHECK(memacct_status_text_at(a, (size_t)i, &ta) == 0);
		CHECK(memacct_status_text_at(b, (size_t)i, &tb) == 0);
		CHECK(!strcmp(ta, tb));
	}
	for (uint32_t k = 1; memacct_status_has(a, k) != -EOPNOTSUPP; k++) {
		uint64_t va = 1, vb = 2;
		int ra = memacct_status_get(a, k, &va), rb = memacct_status_get(b, k, &vb);

		CHECK(ra == rb && (ra < 0 || va == vb));
	}
}

FUZZ_LINE_PARSER(status)
