// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for memacct_meminfo_parse(). Invariants:
 *  - strict fails only with -EBADMSG, -EOVERFLOW (or -ENOMEM), and then the
 *    handle holds no field and the diagnostic names the error;
 *  - lenient never fails on content (no -EBADMSG, no -EOVERFLOW);
 *  - on success every line from _at is reachable by its name with the same
 *    value (and by its key with the same value and name, for known keys),
 *    sizes are whole kB in bytes, and the derived quantities do not fail
 *    in an undocumented way;
 *  - when strict succeeds, lenient gives the same lines and skips none;
 *  - handles reused across inputs give what fresh handles give, also when
 *    the input follows a text of its length that differs in every digit
 *    (the reparse that reads only the lines that changed).
 */
#include "fuzz-common.h"

static void check_empty(const struct memacct_meminfo *mi)
{
	uint64_t v;
	uint32_t k;

	CHECK(memacct_meminfo_count(mi) == 0);
	CHECK(memacct_meminfo_at(mi, 0, NULL, NULL, NULL, NULL) == -ERANGE);
	for (k = 1; memacct_meminfo_has(mi, k) != -EOPNOTSUPP; k++) {
		CHECK(memacct_meminfo_has(mi, k) == 0);
		CHECK(memacct_meminfo_get(mi, k, &v) == -ENOENT);
	}
	CHECK(memacct_meminfo_get_by_name(mi, "MemTotal", &v) == -ENOENT);
}

static void check_consistent(const struct memacct_meminfo *mi, int lenient)
{
	int n = memacct_meminfo_count(mi), known = 0, present = 0, s;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint32_t k;

	CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *name = NULL, *text = NULL, *kname = NULL;
		uint32_t unit = 0, key = 0, key2 = 0;
		uint64_t v = 1, w = 2;

		CHECK(memacct_meminfo_at(mi, (size_t)i, &name, &v, &unit, &key) == 0);
		CHECK(name && name[0] && !strchr(name, ':'));
		CHECK(memacct_meminfo_text_at(mi, (size_t)i, &text) == 0 && text);
		switch (unit) {
		case MEMACCT_UNIT_TEXT:
			CHECK(v == 0 && key == 0);
			CHECK(memacct_meminfo_get_by_name(mi, name, &w) == -ENODATA);
			break;
		case MEMACCT_UNIT_BYTES:
			CHECK(v % 1024 == 0);
			CHECK(memacct_meminfo_get_by_name(mi, name, &w) == 0 && w == v);
			break;
		case MEMACCT_UNIT_COUNT:
			CHECK(memacct_meminfo_get_by_name(mi, name, &w) == 0 && w == v);
			break;
		default:
			CHECK(!"unit is BYTES, COUNT or TEXT");
		}
		if (key) {
			known++;
			CHECK(memacct_meminfo_has(mi, key) == 1);
			CHECK(memacct_meminfo_get(mi, key, &w) == 0 && w == v);
			CHECK(memacct_meminfo_key_name(key, &kname) == 0 && !strcmp(kname, name));
			CHECK(memacct_meminfo_key_from_name(name, &key2) == 0 && key2 == key);
		} else {
			CHECK(memacct_meminfo_key_from_name(name, &key2) == -ENOENT);
		}
	}
	CHECK(memacct_meminfo_at(mi, (size_t)n, NULL, NULL, NULL, NULL) == -ERANGE);
	for (k = 1; memacct_meminfo_has(mi, k) != -EOPNOTSUPP; k++)
		present += memacct_meminfo_has(mi, k) == 1;
	CHECK(present == known);

	for (k = 1; k <= 8; k++) {
		int64_t dv;
		int r = memacct_meminfo_get_derived(mi, k, &dv);

		CHECK(r == 0 || r == 1 || r == -ENOENT || r == -EOVERFLOW);
	}

	s = memacct_meminfo_count_skipped(mi);
	CHECK(s >= 0);
	CHECK(lenient || s == 0);
	if (s > 0) {
		CHECK(memacct_meminfo_get_skipped(mi, &d) == 0);
		CHECK(d.error == -EBADMSG || d.error == -EOVERFLOW);
		CHECK(d.line >= 1 && d.message);
	} else {
		CHECK(memacct_meminfo_get_skipped(mi, &d) == -ENOENT);
	}
}

/* Same lines, names, values, units, keys and skips. */
static void check_same(const struct memacct_meminfo *a, const struct memacct_meminfo *b)
{
	int n = memacct_meminfo_count(a);

	CHECK(memacct_meminfo_count(b) == n);
	CHECK(memacct_meminfo_count_skipped(a) == memacct_meminfo_count_skipped(b));
	for (int i = 0; i < n; i++) {
		const char *na, *nb, *ta, *tb;
		uint64_t va, vb;
		uint32_t ua, ub, ka, kb;

		CHECK(memacct_meminfo_at(a, (size_t)i, &na, &va, &ua, &ka) == 0);
		CHECK(memacct_meminfo_at(b, (size_t)i, &nb, &vb, &ub, &kb) == 0);
		CHECK(!strcmp(na, nb) && va == vb && ua == ub && ka == kb);
		CHECK(memacct_meminfo_text_at(a, (size_t)i, &ta) == 0);
		CHECK(memacct_meminfo_text_at(b, (size_t)i, &tb) == 0);
		CHECK(!strcmp(ta, tb));
	}
}

/*
 * The input after its own text with every digit '0', on one handle: a
 * reparse of the same length, which reads again only the lines that differ,
 * must give what a fresh parse of the input gives.
 */
static struct memacct_meminfo *diff_h;

static void check_diff(const char *buf, size_t size)
{
	struct memacct_meminfo *fresh = NULL;
	char *base = malloc(size ? size : 1);
	int r;

	CHECK(base != NULL);
	for (size_t i = 0; i < size; i++)
		base[i] = buf[i] >= '1' && buf[i] <= '9' ? '0' : buf[i];
	if (!diff_h)
		CHECK(memacct_meminfo_new(&diff_h) == 0);
	(void)memacct_meminfo_parse(diff_h, base, size, NULL);
	r = memacct_meminfo_parse(diff_h, buf, size, NULL);
	CHECK(memacct_meminfo_new(&fresh) == 0);
	CHECK(memacct_meminfo_parse(fresh, buf, size, NULL) == r);
	if (r == 0)
		check_same(diff_h, fresh);
	else
		check_empty(diff_h);
	memacct_meminfo_free(fresh);
	free(base);
}

FUZZ_LINE_PARSER_EXTRA(meminfo, check_diff)
