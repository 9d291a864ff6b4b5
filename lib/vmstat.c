/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"
#include "nametab.h"
#include "scan.h"

/*
 * /proc/vmstat, printed by mm/vmstat.c vmstat_show(): one "%s %lu" line per
 * counter (seq_puts of the name, then seq_put_decimal_ull(m, " ", value)).
 */

#define MAX_NAME 255

struct entry {
	uint64_t value;
	uint32_t name_off;
	uint32_t name_len;
};

struct memacct_vmstat {
	struct entry *e;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	struct nametab tab;
	uint32_t flags;
	uint32_t skipped;
};

int memacct_vmstat_new(struct memacct_vmstat **ret)
{
	struct memacct_vmstat *vs;

	assert_return(ret, -EINVAL);
	vs = calloc(1, sizeof(*vs));
	if (!vs)
		return -ENOMEM;
	*ret = vs;
	return 0;
}

struct memacct_vmstat *memacct_vmstat_free(struct memacct_vmstat *vs)
{
	if (vs) {
		free(vs->e);
		free(vs->names);
		nametab_free(&vs->tab);
		free(vs);
	}
	return NULL;
}

int memacct_vmstat_set_flags(struct memacct_vmstat *vs, uint32_t flags)
{
	assert_return(vs, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	vs->flags = flags;
	return 0;
}

static void reset(struct memacct_vmstat *vs)
{
	vs->n = 0;
	vs->names_len = 0;
	nametab_clear(&vs->tab);
}

static bool name_eq(const void *ctx, uint32_t idx, const char *name, size_t len, uint32_t tag)
{
	const struct memacct_vmstat *vs = ctx;

	return vs->e[idx].name_len == len && !memcmp(vs->names + vs->e[idx].name_off, name, len);
}

static int grow(void **p, size_t *cap, size_t len, size_t more, size_t elsz, size_t first)
{
	size_t need = len + more, c;
	void *q;

	if (need <= *cap)
		return 0;
	if (need > UINT32_MAX)
		return -EFBIG;
	for (c = *cap ? *cap : first; c < need; c *= 2)
		;
	q = realloc(*p, c * elsz);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

struct bad {
	const char *msg;
	const char *key;
	size_t key_len;
	uint32_t col;
};

static int fail(struct bad *b, const char *line, const char *at, const char *msg, int err)
{
	b->col = (uint32_t)(at - line) + 1;
	b->msg = msg;
	return err;
}

static int take_line(struct memacct_vmstat *vs, const char *line, size_t len, struct bad *b)
{
	const char *end = line + len, *p = line, *name, *nul;
	uint64_t value;
	uint32_t hash;
	size_t name_len;
	struct entry *e;
	int r;

	nul = memchr(line, '\0', len);
	if (nul)
		return fail(b, line, nul, "NUL byte in line", -EBADMSG);
	scan_blanks(&p, end);
	name = p;
	while (p < end && *p != ' ' && *p != '\t') {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return fail(b, line, p, "control or non-ASCII byte in name", -EBADMSG);
		p++;
	}
	name_len = (size_t)(p - name);
	b->key = name;
	b->key_len = name_len;
	if (name_len > MAX_NAME)
		return fail(b, line, name, "name longer than 255 bytes", -EBADMSG);
	scan_blanks(&p, end);
	if (p == end)
		return fail(b, line, p, "no value", -EBADMSG);
	r = scan_u64(&p, end, &value);
	if (r == -EOVERFLOW)
		return fail(b, line, p, "number does not fit in 64 bits", r);
	if (r < 0)
		return fail(b, line, p, "value is not a decimal number", r);
	scan_blanks(&p, end);
	if (p != end)
		return fail(b, line, p, "text after the value", -EBADMSG);

	hash = nametab_hash(name, name_len, 0);
	if (nametab_find(&vs->tab, hash, name, name_len, 0, name_eq, vs) >= 0)
		return fail(b, line, name, "duplicate name", -EBADMSG);

	r = grow((void **)&vs->e, &vs->cap, vs->n, 1, sizeof(*vs->e), 256);
	if (r == 0)
		r = grow((void **)&vs->names, &vs->names_cap, vs->names_len, name_len + 1, 1, 4096);
	if (r == 0)
		r = nametab_add(&vs->tab, hash, (uint32_t)vs->n);
	if (r < 0)
		return fail(b, line, line, "out of memory", r);

	e = &vs->e[vs->n++];
	e->value = value;
	e->name_off = (uint32_t)vs->names_len;
	e->name_len = (uint32_t)name_len;
	memcpy(vs->names + vs->names_len, name, name_len);
	vs->names[vs->names_len + name_len] = '\0';
	vs->names_len += name_len + 1;
	return 0;
}

int memacct_vmstat_parse(struct memacct_vmstat *vs, const char *buf, size_t len,
			 struct memacct_diag *diag)
{
	struct scanner s;
	struct bad first = { 0 };
	uint32_t first_line = 0;
	int first_err = 0;
	const char *line;
	size_t n;
	int r;

	assert_return(vs, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);

	reset(vs);
	vs->skipped = 0;
	scanner_init(&s, buf, len);
	while (scan_next_line(&s, &line, &n)) {
		struct bad b = { 0 };
		const char *p = line;

		scan_blanks(&p, line + n);
		if (p == line + n)
			continue;
		r = take_line(vs, line, n, &b);
		if (likely(r == 0))
			continue;
		if (r != -ENOMEM && r != -EFBIG && (vs->flags & MEMACCT_PARSE_SKIP_BAD_LINES)) {
			if (vs->skipped++ == 0) {
				first = b;
				first_line = s.lineno;
				first_err = r;
			}
			continue;
		}
		diag_set(diag, r, s.lineno, b.col, b.key, b.key_len, b.msg);
		reset(vs);
		return r;
	}
	if (vs->skipped)
		diag_set(diag, first_err, first_line, first.col, first.key, first.key_len,
			 first.msg);
	return 0;
}

int memacct_vmstat_read(struct memacct_vmstat *vs, struct memacct_source *src,
			struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(vs && src, -EINVAL);
	r = memacct_source_read_file(src, "vmstat", &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read vmstat");
		return r;
	}
	return memacct_vmstat_parse(vs, buf, len, diag);
}

int memacct_vmstat_count_skipped(const struct memacct_vmstat *vs)
{
	assert_return(vs, -EINVAL);
	return (int)vs->skipped;
}

int memacct_vmstat_get_by_name(const struct memacct_vmstat *vs, const char *name,
			       uint64_t *ret)
{
	size_t len;
	int64_t i;

	assert_return(vs && name && ret, -EINVAL);
	len = strlen(name);
	i = nametab_find(&vs->tab, nametab_hash(name, len, 0), name, len, 0, name_eq, vs);
	if (i < 0)
		return -ENOENT;
	*ret = vs->e[i].value;
	return 0;
}

int memacct_vmstat_count(const struct memacct_vmstat *vs)
{
	assert_return(vs, -EINVAL);
	return (int)vs->n;
}

int memacct_vmstat_at(const struct memacct_vmstat *vs, size_t i, const char **ret_name,
		      uint64_t *ret_value)
{
	assert_return(vs, -EINVAL);
	if (i >= vs->n)
		return -ERANGE;
	if (ret_name)
		*ret_name = vs->names + vs->e[i].name_off;
	if (ret_value)
		*ret_value = vs->e[i].value;
	return 0;
}
