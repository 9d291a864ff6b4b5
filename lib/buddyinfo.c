/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"
#include "nametab.h"
#include "scan.h"

/*
 * /proc/buddyinfo, printed by mm/vmstat.c frag_show_print():
 *   "Node %d, zone %8s " then "%6lu " per order (NR_PAGE_ORDERS of them).
 */

#define MAX_ORDERS 64	/* count << order must stay a 64-bit shift */
#define MAX_NAME 64

struct zone {
	uint64_t free_pages;	/* sum of count << order, valid unless overflow */
	uint32_t node;
	uint32_t orders;
	uint32_t name_off;
	uint32_t name_len;
	uint32_t counts_off;	/* into ->counts */
	bool overflow;
};

struct memacct_buddyinfo {
	struct zone *z;
	size_t n, cap;
	uint64_t *counts;
	size_t ncounts, counts_cap;
	char *names;
	size_t names_len, names_cap;
	struct nametab tab;
	uint32_t flags;
	uint32_t skipped;
};

int memacct_buddyinfo_new(struct memacct_buddyinfo **ret)
{
	struct memacct_buddyinfo *bi;

	assert_return(ret, -EINVAL);
	bi = calloc(1, sizeof(*bi));
	if (!bi)
		return -ENOMEM;
	*ret = bi;
	return 0;
}

struct memacct_buddyinfo *memacct_buddyinfo_free(struct memacct_buddyinfo *bi)
{
	if (bi) {
		free(bi->z);
		free(bi->counts);
		free(bi->names);
		nametab_free(&bi->tab);
		free(bi);
	}
	return NULL;
}

int memacct_buddyinfo_set_flags(struct memacct_buddyinfo *bi, uint32_t flags)
{
	assert_return(bi, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	bi->flags = flags;
	return 0;
}

static void reset(struct memacct_buddyinfo *bi)
{
	bi->n = 0;
	bi->ncounts = 0;
	bi->names_len = 0;
	nametab_clear(&bi->tab);
}

/* Make room for @more elements of @elsz bytes past @len in *@p (capacity *@cap). */
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

static bool zone_eq(const void *ctx, uint32_t idx, const char *name, size_t len, uint32_t node)
{
	const struct memacct_buddyinfo *bi = ctx;
	const struct zone *z = &bi->z[idx];

	return z->node == node && z->name_len == len && !memcmp(bi->names + z->name_off, name, len);
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

/* "Node N, zone NAME"; *p is left just past NAME. */
static int zone_header(const char *line, const char *end, const char **p, uint32_t *ret_node,
		       const char **ret_name, size_t *ret_len, struct bad *b)
{
	const char *q = *p, *name;
	uint64_t node;
	int r;

	scan_blanks(&q, end);
	if (end - q < 4 || memcmp(q, "Node", 4))
		return fail(b, line, q, "expected \"Node N, zone NAME\"", -EBADMSG);
	q += 4;
	if (q == end || (*q != ' ' && *q != '\t'))
		return fail(b, line, q, "expected a blank after \"Node\"", -EBADMSG);
	scan_blanks(&q, end);
	r = scan_u64(&q, end, &node);
	if (r == 0 && node > UINT32_MAX)
		r = -EOVERFLOW;
	if (r < 0)
		return fail(b, line, q, r == -EOVERFLOW ? "node number too large" :
			    "expected a node number", r);
	if (q == end || *q != ',')
		return fail(b, line, q, "expected ',' after the node number", -EBADMSG);
	q++;
	scan_blanks(&q, end);
	if (end - q < 4 || memcmp(q, "zone", 4))
		return fail(b, line, q, "expected \"zone\"", -EBADMSG);
	q += 4;
	if (q == end || (*q != ' ' && *q != '\t'))
		return fail(b, line, q, "expected a blank after \"zone\"", -EBADMSG);
	scan_blanks(&q, end);
	name = q;
	while (q < end && *q != ' ' && *q != '\t') {
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
			return fail(b, line, q, "control or non-ASCII byte in zone name", -EBADMSG);
		q++;
	}
	if (q == name)
		return fail(b, line, q, "no zone name", -EBADMSG);
	if (q - name > MAX_NAME)
		return fail(b, line, name, "zone name longer than 64 bytes", -EBADMSG);
	b->key = name;
	b->key_len = (size_t)(q - name);
	*ret_node = (uint32_t)node;
	*ret_name = name;
	*ret_len = (size_t)(q - name);
	*p = q;
	return 0;
}

static int take_line(struct memacct_buddyinfo *bi, const char *line, size_t len, struct bad *b)
{
	const char *end = line + len, *p = line, *name;
	uint64_t counts[MAX_ORDERS], sum = 0;
	uint32_t node, orders = 0, hash;
	bool overflow = false;
	size_t name_len;
	struct zone *z;
	int r;

	if (memchr(line, '\0', len))
		return fail(b, line, (const char *)memchr(line, '\0', len), "NUL byte in line",
			    -EBADMSG);
	r = zone_header(line, end, &p, &node, &name, &name_len, b);
	if (r < 0)
		return r;
	for (;;) {
		const char *blank = p;

		scan_blanks(&p, end);
		if (p == end)
			break;
		if (p == blank)
			return fail(b, line, p, "expected a blank before the count", -EBADMSG);
		if (orders == MAX_ORDERS)
			return fail(b, line, p, "more than 64 orders", -EBADMSG);
		r = scan_u64(&p, end, &counts[orders]);
		if (r < 0)
			return fail(b, line, p, r == -EOVERFLOW ? "number does not fit in 64 bits" :
				    "expected a block count", r);
		if (counts[orders] > (UINT64_MAX >> orders) ||
		    __builtin_add_overflow(sum, counts[orders] << orders, &sum))
			overflow = true;
		orders++;
	}
	if (orders == 0)
		return fail(b, line, p, "no block counts after the zone name", -EBADMSG);

	hash = nametab_hash(name, name_len, node);
	if (nametab_find(&bi->tab, hash, name, name_len, node, zone_eq, bi) >= 0)
		return fail(b, line, name, "duplicate zone", -EBADMSG);

	r = grow((void **)&bi->z, &bi->cap, bi->n, 1, sizeof(*bi->z), 8);
	if (r == 0)
		r = grow((void **)&bi->counts, &bi->counts_cap, bi->ncounts, orders,
			 sizeof(*bi->counts), 64);
	if (r == 0)
		r = grow((void **)&bi->names, &bi->names_cap, bi->names_len, name_len + 1, 1, 64);
	if (r == 0)
		r = nametab_add(&bi->tab, hash, (uint32_t)bi->n);
	if (r < 0)
		return fail(b, line, line, "out of memory", r);

	z = &bi->z[bi->n++];
	z->node = node;
	z->orders = orders;
	z->free_pages = overflow ? 0 : sum;
	z->overflow = overflow;
	z->counts_off = (uint32_t)bi->ncounts;
	memcpy(bi->counts + bi->ncounts, counts, orders * sizeof(*counts));
	bi->ncounts += orders;
	z->name_off = (uint32_t)bi->names_len;
	z->name_len = (uint32_t)name_len;
	memcpy(bi->names + bi->names_len, name, name_len);
	bi->names[bi->names_len + name_len] = '\0';
	bi->names_len += name_len + 1;
	return 0;
}

int memacct_buddyinfo_parse(struct memacct_buddyinfo *bi, const char *buf, size_t len,
			    struct memacct_diag *diag)
{
	struct scanner s;
	struct bad first = { 0 };
	uint32_t first_line = 0;
	int first_err = 0;
	const char *line;
	size_t n;
	int r;

	assert_return(bi, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);

	reset(bi);
	bi->skipped = 0;
	scanner_init(&s, buf, len);
	while (scan_next_line(&s, &line, &n)) {
		struct bad b = { 0 };
		const char *p = line;

		scan_blanks(&p, line + n);
		if (p == line + n)
			continue;
		r = take_line(bi, line, n, &b);
		if (likely(r == 0))
			continue;
		if (r != -ENOMEM && r != -EFBIG && (bi->flags & MEMACCT_PARSE_SKIP_BAD_LINES)) {
			if (bi->skipped++ == 0) {
				first = b;
				first_line = s.lineno;
				first_err = r;
			}
			continue;
		}
		diag_set(diag, r, s.lineno, b.col, b.key, b.key_len, b.msg);
		reset(bi);
		return r;
	}
	if (bi->skipped)
		diag_set(diag, first_err, first_line, first.col, first.key, first.key_len,
			 first.msg);
	return 0;
}

int memacct_buddyinfo_read(struct memacct_buddyinfo *bi, struct memacct_source *src,
			   struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(bi && src, -EINVAL);
	r = memacct_source_read_file(src, "buddyinfo", &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read buddyinfo");
		return r;
	}
	return memacct_buddyinfo_parse(bi, buf, len, diag);
}

int memacct_buddyinfo_count(const struct memacct_buddyinfo *bi)
{
	assert_return(bi, -EINVAL);
	return (int)bi->n;
}

int memacct_buddyinfo_count_skipped(const struct memacct_buddyinfo *bi)
{
	assert_return(bi, -EINVAL);
	return (int)bi->skipped;
}

int memacct_buddyinfo_at(const struct memacct_buddyinfo *bi, size_t i, uint32_t *ret_node,
			 const char **ret_zone, uint32_t *ret_orders, uint64_t *ret_free_pages)
{
	const struct zone *z;

	assert_return(bi, -EINVAL);
	if (i >= bi->n)
		return -ERANGE;
	z = &bi->z[i];
	if (ret_free_pages && z->overflow)
		return -EOVERFLOW;
	if (ret_node)
		*ret_node = z->node;
	if (ret_zone)
		*ret_zone = bi->names + z->name_off;
	if (ret_orders)
		*ret_orders = z->orders;
	if (ret_free_pages)
		*ret_free_pages = z->free_pages;
	return 0;
}

int memacct_buddyinfo_get_blocks(const struct memacct_buddyinfo *bi, size_t i, uint32_t order,
				 uint64_t *ret)
{
	assert_return(bi && ret, -EINVAL);
	if (i >= bi->n || order >= bi->z[i].orders)
		return -ERANGE;
	*ret = bi->counts[bi->z[i].counts_off + order];
	return 0;
}

int memacct_buddyinfo_get_free_pages(const struct memacct_buddyinfo *bi, uint64_t *ret)
{
	uint64_t sum = 0;

	assert_return(bi && ret, -EINVAL);
	if (bi->n == 0)
		return -ENOENT;
	for (size_t i = 0; i < bi->n; i++)
		if (bi->z[i].overflow || __builtin_add_overflow(sum, bi->z[i].free_pages, &sum))
			return -EOVERFLOW;
	*ret = sum;
	return 0;
}
