/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"
#include "lineparse.h"
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
	struct lineparse lp;
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
		lineparse_free(&vs->lp);
		free(vs);
	}
	return NULL;
}

int memacct_vmstat_set_flags(struct memacct_vmstat *vs, uint32_t flags)
{
	assert_return(vs, -EINVAL);
	return lineparse_set_flags(&vs->lp, flags);
}

static void reset(void *obj)
{
	struct memacct_vmstat *vs = obj;

	vs->n = 0;
}

static bool name_eq(const void *ctx, uint32_t idx, const char *name, size_t len, uint32_t tag)
{
	const struct memacct_vmstat *vs = ctx;

	return vs->e[idx].name_len == len && !memcmp(vs->lp.names + vs->e[idx].name_off, name, len);
}

static int take_line(void *obj, const char *line, const char *p, const char *end, struct bad *b)
{
	struct memacct_vmstat *vs = obj;
	const char *name;
	uint32_t hash, name_off;
	uint64_t value;
	size_t name_len;
	struct entry *e;
	int r;

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
	if (nametab_find(&vs->lp.tab, hash, name, name_len, 0, name_eq, vs) >= 0)
		return fail(b, line, name, "duplicate name", -EBADMSG);

	r = grow((void **)&vs->e, &vs->cap, vs->n, 1, sizeof(*vs->e), 256);
	if (r == 0)
		r = lineparse_add_name(&vs->lp, name, name_len, hash, (uint32_t)vs->n, 4096,
				       &name_off);
	if (r < 0)
		return fail(b, line, line, "out of memory", r);

	e = &vs->e[vs->n++];
	e->value = value;
	e->name_off = name_off;
	e->name_len = (uint32_t)name_len;
	return 0;
}

int memacct_vmstat_parse(struct memacct_vmstat *vs, const char *buf, size_t len,
			 struct memacct_diag *diag)
{
	assert_return(vs, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return lineparse_run(&vs->lp, buf, len, take_line, reset, vs, diag);
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
	return (int)vs->lp.skipped;
}

int memacct_vmstat_get_by_name(const struct memacct_vmstat *vs, const char *name,
			       uint64_t *ret)
{
	size_t len;
	int64_t i;

	assert_return(vs && name && ret, -EINVAL);
	len = strlen(name);
	i = nametab_find(&vs->lp.tab, nametab_hash(name, len, 0), name, len, 0, name_eq, vs);
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
		*ret_name = vs->lp.names + vs->e[i].name_off;
	if (ret_value)
		*ret_value = vs->e[i].value;
	return 0;
}
