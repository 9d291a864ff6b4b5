/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"
#include "lineparse.h"
#include "scan.h"

/*
 * /proc/buddyinfo, printed by mm/vmstat.c frag_show_print():
 *   "Node %d, zone %8s " then "%6lu " per order (NR_PAGE_ORDERS of them).
 */

#define MAX_ORDERS 64	/* count << order must stay a 64-bit shift */

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
	struct lineparse lp;
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
		lineparse_free(&bi->lp);
		free(bi);
	}
	return NULL;
}

int memacct_buddyinfo_set_flags(struct memacct_buddyinfo *bi, uint32_t flags)
{
	assert_return(bi, -EINVAL);
	return lineparse_set_flags(&bi->lp, flags);
}

static void reset(void *obj)
{
	struct memacct_buddyinfo *bi = obj;

	bi->n = 0;
	bi->ncounts = 0;
}

static bool zone_eq(const void *ctx, uint32_t idx, const char *name, size_t len, uint32_t node)
{
	const struct memacct_buddyinfo *bi = ctx;
	const struct zone *z = &bi->z[idx];

	return z->node == node && z->name_len == len &&
	       !memcmp(bi->lp.names + z->name_off, name, len);
}

static int take_line(void *obj, const char *line, const char *p, const char *end, struct bad *b)
{
	struct memacct_buddyinfo *bi = obj;
	const char *name;
	uint64_t counts[MAX_ORDERS], sum = 0;
	uint32_t node, orders = 0, hash, name_off;
	bool overflow = false;
	size_t name_len;
	struct zone *z;
	int r;

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
	if (nametab_find(&bi->lp.tab, hash, name, name_len, node, zone_eq, bi) >= 0)
		return fail(b, line, name, "duplicate zone", -EBADMSG);

	r = grow((void **)&bi->z, &bi->cap, bi->n, 1, sizeof(*bi->z), 8);
	if (r == 0)
		r = grow((void **)&bi->counts, &bi->counts_cap, bi->ncounts, orders,
			 sizeof(*bi->counts), 64);
	if (r == 0)
		r = lineparse_add_name(&bi->lp, name, name_len, hash, (uint32_t)bi->n, 64,
				       &name_off);
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
	z->name_off = name_off;
	z->name_len = (uint32_t)name_len;
	return 0;
}

int memacct_buddyinfo_parse(struct memacct_buddyinfo *bi, const char *buf, size_t len,
			    struct memacct_diag *diag)
{
	assert_return(bi, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return lineparse_run(&bi->lp, buf, len, take_line, reset, bi, diag);
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
	return (int)bi->lp.skipped;
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
		*ret_zone = bi->lp.names + z->name_off;
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
