/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "internal.h"
#include "meminfo-internal.h"

/*
 * The derived quantities of identities.md. A required field that is absent
 * makes the quantity absent (-ENOENT); optional ones are those a kernel
 * prints only with some config or version, counted when present.
 */

struct sum {
	int64_t v;
	int err;
};

static void add(struct sum *s, const struct memacct_meminfo *mi, uint32_t key, bool required)
{
	uint64_t v;

	if (s->err)
		return;
	if (meminfo_value(mi, key, &v) < 0) {
		if (required)
			s->err = -ENOENT;
		return;
	}
	if (v > INT64_MAX || __builtin_add_overflow(s->v, (int64_t)v, &s->v))
		s->err = -EOVERFLOW;
}

static void sub(struct sum *s, int64_t v)
{
	if (!s->err && __builtin_sub_overflow(s->v, v, &s->v))
		s->err = -EOVERFLOW;
}

static struct sum kernel(const struct memacct_meminfo *mi)
{
	struct sum s = { 0, 0 };

	add(&s, mi, MEMACCT_MEMINFO_SLAB, true);
	add(&s, mi, MEMACCT_MEMINFO_VMALLOCUSED, false);
	add(&s, mi, MEMACCT_MEMINFO_PAGETABLES, false);
	add(&s, mi, MEMACCT_MEMINFO_SECPAGETABLES, false);
	add(&s, mi, MEMACCT_MEMINFO_KERNELSTACK, false);
	add(&s, mi, MEMACCT_MEMINFO_PERCPU, false);
	add(&s, mi, MEMACCT_MEMINFO_HARDWARECORRUPTED, false);
	add(&s, mi, MEMACCT_MEMINFO_BOUNCE, false);
	return s;
}

/* Hugetlb (4.16+, every huge page size), else the default pool. */
static struct sum hugetlb(const struct memacct_meminfo *mi)
{
	struct sum s = { 0, 0 };
	uint64_t total, size, v;

	if (meminfo_value(mi, MEMACCT_MEMINFO_HUGETLB, &v) == 0) {
		add(&s, mi, MEMACCT_MEMINFO_HUGETLB, true);
		return s;
	}
	if (meminfo_value(mi, MEMACCT_MEMINFO_HUGEPAGES_TOTAL, &total) < 0 ||
	    meminfo_value(mi, MEMACCT_MEMINFO_HUGEPAGESIZE, &size) < 0) {
		/* A kernel without hugetlb support prints none of these lines. */
		s.err = -ENOENT;
		return s;
	}
	if (__builtin_mul_overflow(total, size, &v) || v > INT64_MAX)
		s.err = -EOVERFLOW;
	else
		s.v = (int64_t)v;
	return s;
}

/* A kernel built without hugetlb has no pool: count it as none. */
static struct sum hugetlb_or_none(const struct memacct_meminfo *mi)
{
	struct sum s = hugetlb(mi);

	if (s.err == -ENOENT && !memacct_meminfo_has(mi, MEMACCT_MEMINFO_HUGEPAGES_TOTAL) &&
	    !memacct_meminfo_has(mi, MEMACCT_MEMINFO_HUGEPAGESIZE))
		s.err = 0;
	return s;
}

static struct sum user_lru(const struct memacct_meminfo *mi)
{
	struct sum s = { 0, 0 };

	add(&s, mi, MEMACCT_MEMINFO_ACTIVE, true);
	add(&s, mi, MEMACCT_MEMINFO_INACTIVE, true);
	add(&s, mi, MEMACCT_MEMINFO_UNEVICTABLE, false);
	return s;
}

static struct sum user_pagecache(const struct memacct_meminfo *mi)
{
	struct sum s = { 0, 0 };

	add(&s, mi, MEMACCT_MEMINFO_CACHED, true);
	add(&s, mi, MEMACCT_MEMINFO_ANONPAGES, true);
	add(&s, mi, MEMACCT_MEMINFO_BUFFERS, true);
	return s;
}

/* MemTotal - MemFree - kernel - (user + hugetlb). */
static struct sum unaccounted(const struct memacct_meminfo *mi, struct sum user)
{
	struct sum s = { 0, 0 }, k = kernel(mi), h = hugetlb_or_none(mi);

	add(&s, mi, MEMACCT_MEMINFO_MEMTOTAL, true);
	if (!s.err) {
		struct sum f = { 0, 0 };

		add(&f, mi, MEMACCT_MEMINFO_MEMFREE, true);
		s.err = f.err;
		sub(&s, f.v);
	}
	if (!s.err)
		s.err = k.err ? k.err : user.err ? user.err : h.err;
	sub(&s, k.v);
	sub(&s, user.v);
	sub(&s, h.v);
	return s;
}

int memacct_meminfo_get_derived(const struct memacct_meminfo *mi, uint32_t key, int64_t *ret)
{
	struct sum s = { 0, 0 };
	uint64_t swapcached;
	int caveat = 0;

	assert_return(mi && ret, -EINVAL);
	switch (key) {
	case MEMACCT_DERIVED_KERNEL:
		s = kernel(mi);
		break;
	case MEMACCT_DERIVED_HUGETLB:
		s = hugetlb(mi);
		break;
	case MEMACCT_DERIVED_TOTAL_DIRTY:
		add(&s, mi, MEMACCT_MEMINFO_DIRTY, true);
		add(&s, mi, MEMACCT_MEMINFO_NFS_UNSTABLE, false);
		add(&s, mi, MEMACCT_MEMINFO_WRITEBACK, false);
		break;
	case MEMACCT_DERIVED_USER_LRU:
		s = user_lru(mi);
		break;
	case MEMACCT_DERIVED_USER_PAGECACHE:
		s = user_pagecache(mi);
		break;
	case MEMACCT_DERIVED_UNACCOUNTED_LRU:
		s = unaccounted(mi, user_lru(mi));
		break;
	case MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE:
		s = unaccounted(mi, user_pagecache(mi));
		/* fs/proc/meminfo.c takes SwapCached out of Cached, and a swap-cache
		 * page no process maps is not in AnonPages either: with SwapCached
		 * non-zero such pages fall into X (identities.md). */
		if (meminfo_value(mi, MEMACCT_MEMINFO_SWAPCACHED, &swapcached) < 0)
			s.err = s.err ? s.err : -ENOENT;
		else if (swapcached)
			caveat = 1;
		break;
	case MEMACCT_DERIVED_CACHE_UNMAPPED: {
		struct sum m = { 0, 0 };

		add(&s, mi, MEMACCT_MEMINFO_CACHED, true);
		add(&m, mi, MEMACCT_MEMINFO_MAPPED, true);
		if (!s.err)
			s.err = m.err;
		sub(&s, m.v);
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	if (s.err)
		return s.err;
	*ret = s.v;
	return caveat;
}
