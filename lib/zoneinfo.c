/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"
#include "lineparse.h"
#include "scan.h"

/*
 * /proc/zoneinfo, printed by mm/vmstat.c zoneinfo_show_print(): per zone a
 * "Node %d, zone %8s" header, then (first zone of a node) "per-node stats",
 * "  pages free %lu", "        spanned %lu", "        present %lu",
 * "        managed %lu", and per CPU a pageset block ending in
 * "  vm stats threshold: %d". Everything else is passed over.
 */

#define NKEYS 5

struct zone {
	uint64_t v[NKEYS];	/* indexed by MEMACCT_ZONEINFO_* - 1 */
	uint32_t node;
	uint32_t name_off;
	uint32_t name_len;
	uint32_t have;		/* bit (key - 1) */
};

struct memacct_zoneinfo {
	struct zone *z;
	size_t n, cap;
	struct lineparse lp;
};

int memacct_zoneinfo_new(struct memacct_zoneinfo **ret)
{
	struct memacct_zoneinfo *zi;

	assert_return(ret, -EINVAL);
	zi = calloc(1, sizeof(*zi));
	if (!zi)
		return -ENOMEM;
	*ret = zi;
	return 0;
}

struct memacct_zoneinfo *memacct_zoneinfo_free(struct memacct_zoneinfo *zi)
{
	if (zi) {
		free(zi->z);
		lineparse_free(&zi->lp);
		free(zi);
	}
	return NULL;
}

int memacct_zoneinfo_set_flags(struct memacct_zoneinfo *zi, uint32_t flags)
{
	assert_return(zi, -EINVAL);
	return lineparse_set_flags(&zi->lp, flags);
}

static void reset(void *obj)
{
	struct memacct_zoneinfo *zi = obj;

	zi->n = 0;
}

static bool zone_eq(const void *ctx, uint32_t idx, const char *name, size_t len, uint32_t node)
{
	const struct memacct_zoneinfo *zi = ctx;
	const struct zone *z = &zi->z[idx];

	return z->node == node && z->name_len == len &&
	       !memcmp(zi->lp.names + z->name_off, name, len);
}

/* "Node N, zone NAME" and nothing after but blanks. */
static int add_zone(struct memacct_zoneinfo *zi, const char *line, const char *end, struct bad *b)
{
	const char *p = line, *name;
	uint32_t node, hash, name_off;
	size_t name_len;
	struct zone *z;
	int r;

	r = zone_header(line, end, &p, &node, &name, &name_len, b);
	if (r < 0)
		return r;
	scan_blanks(&p, end);
	if (p != end)
		return fail(b, line, p, "text after the zone name", -EBADMSG);
	hash = nametab_hash(name, name_len, node);
	if (nametab_find(&zi->lp.tab, hash, name, name_len, node, zone_eq, zi) >= 0)
		return fail(b, line, name, "duplicate zone", -EBADMSG);
	r = grow((void **)&zi->z, &zi->cap, zi->n, 1, sizeof(*zi->z), 8);
	if (r == 0)
		r = lineparse_add_name(&zi->lp, name, name_len, hash, (uint32_t)zi->n, 64,
				       &name_off);
	if (r < 0)
		return fail(b, line, line, "out of memory", r);
	z = &zi->z[zi->n++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	z->name_off = name_off;
	z->name_len = (uint32_t)name_len;
	return 0;
}

/* Is the word at *p exactly @w (followed by a blank or the end)? Moves *p past it. */
static bool word(const char **p, const char *end, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(end - *p) < n || memcmp(*p, w, n))
		return false;
	if (*p + n < end && (*p)[n] != ' ' && (*p)[n] != '\t')
		return false;
	*p += n;
	scan_blanks(p, end);
	return true;
}

static int take_line(void *obj, const char *line, const char *p, const char *end, struct bad *b)
{
	struct memacct_zoneinfo *zi = obj;
	const char *k = p;
	uint32_t key = 0;
	uint64_t value;
	struct zone *z;
	int r;

	if (end - line >= 4 && !memcmp(line, "Node", 4))
		return add_zone(zi, line, end, b);

	if (word(&p, end, "pages")) {
		if (word(&p, end, "free"))
			key = MEMACCT_ZONEINFO_FREE;
	} else if (word(&p, end, "managed")) {
		key = MEMACCT_ZONEINFO_MANAGED;
	} else if (word(&p, end, "present")) {
		key = MEMACCT_ZONEINFO_PRESENT;
	} else if (word(&p, end, "spanned")) {
		key = MEMACCT_ZONEINFO_SPANNED;
	} else if (word(&p, end, "vm")) {
		if (word(&p, end, "stats") && word(&p, end, "threshold:"))
			key = MEMACCT_ZONEINFO_THRESHOLD;
	}
	if (!key)
		return 0;

	b->key = k;
	b->key_len = (size_t)(p - k);
	while (b->key_len && (k[b->key_len - 1] == ' ' || k[b->key_len - 1] == '\t'))
		b->key_len--;
	if (zi->n == 0)
		return fail(b, line, k, "zone value before any \"Node N, zone NAME\" line", -EBADMSG);
	r = scan_u64(&p, end, &value);
	if (r == -EOVERFLOW)
		return fail(b, line, p, "number does not fit in 64 bits", r);
	if (r < 0)
		return fail(b, line, p, "expected a number", r);
	scan_blanks(&p, end);
	if (p != end)
		return fail(b, line, p, "text after the value", -EBADMSG);

	z = &zi->z[zi->n - 1];
	if (key == MEMACCT_ZONEINFO_THRESHOLD) {
		/* Printed once per CPU: keep the highest. */
		if (!(z->have & (1u << (key - 1))) || value > z->v[key - 1])
			z->v[key - 1] = value;
	} else if (z->have & (1u << (key - 1))) {
		return fail(b, line, k, "duplicate key in zone", -EBADMSG);
	} else {
		z->v[key - 1] = value;
	}
	z->have |= 1u << (key - 1);
	return 0;
}

int memacct_zoneinfo_parse(struct memacct_zoneinfo *zi, const char *buf, size_t len,
			   struct memacct_diag *diag)
{
	assert_return(zi, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return lineparse_run(&zi->lp, buf, len, take_line, reset, zi, diag);
}

int memacct_zoneinfo_read(struct memacct_zoneinfo *zi, struct memacct_source *src,
			  struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(zi && src, -EINVAL);
	r = memacct_source_read_file(src, "zoneinfo", &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read zoneinfo");
		return r;
	}
	return memacct_zoneinfo_parse(zi, buf, len, diag);
}

int memacct_zoneinfo_count_skipped(const struct memacct_zoneinfo *zi)
{
	assert_return(zi, -EINVAL);
	return (int)zi->lp.skipped;
}

int memacct_zoneinfo_count(const struct memacct_zoneinfo *zi)
{
	assert_return(zi, -EINVAL);
	return (int)zi->n;
}

int memacct_zoneinfo_at(const struct memacct_zoneinfo *zi, size_t i, uint32_t *ret_node,
			const char **ret_zone)
{
	assert_return(zi, -EINVAL);
	if (i >= zi->n)
		return -ERANGE;
	if (ret_node)
		*ret_node = zi->z[i].node;
	if (ret_zone)
		*ret_zone = zi->lp.names + zi->z[i].name_off;
	return 0;
}

int memacct_zoneinfo_get(const struct memacct_zoneinfo *zi, size_t i, uint32_t key,
			 uint64_t *ret)
{
	assert_return(zi && ret, -EINVAL);
	if (key == 0 || key > NKEYS)
		return -EOPNOTSUPP;
	if (i >= zi->n)
		return -ERANGE;
	if (!(zi->z[i].have & (1u << (key - 1))))
		return -ENOENT;
	*ret = zi->z[i].v[key - 1];
	return 0;
}

int memacct_zoneinfo_get_max_threshold(const struct memacct_zoneinfo *zi, uint64_t *ret)
{
	const uint32_t bit = 1u << (MEMACCT_ZONEINFO_THRESHOLD - 1);
	bool found = false;
	uint64_t max = 0;

	assert_return(zi && ret, -EINVAL);
	for (size_t i = 0; i < zi->n; i++) {
		if (!(zi->z[i].have & bit))
			continue;
		if (!found || zi->z[i].v[MEMACCT_ZONEINFO_THRESHOLD - 1] > max)
			max = zi->z[i].v[MEMACCT_ZONEINFO_THRESHOLD - 1];
		found = true;
	}
	if (!found)
		return -ENOENT;
	*ret = max;
	return 0;
}
