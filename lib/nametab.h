/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_NAMETAB_H
#define MEMACCT_NAMETAB_H

#include <stdlib.h>

#include "internal.h"

/*
 * A small open-addressing index from a name (plus a 32-bit tag, e.g. a NUMA
 * node) to an entry number of the caller's own array, for the parsers that
 * must reject duplicate names without a quadratic search. The caller keeps
 * the names; the table keeps hashes and entry numbers only. Cleared per
 * parse, grown by doubling, never shrunk: refilling allocates nothing.
 */

struct nametab_slot {
	uint32_t hash;
	uint32_t idx1;		/* entry number + 1; 0 = empty */
};

struct nametab {
	struct nametab_slot *slot;
	uint32_t cap;		/* a power of two, or 0 */
	uint32_t n;
};

/* Does entry @idx have this name and tag? */
typedef bool (*nametab_eq_fn)(const void *ctx, uint32_t idx, const char *name, size_t len,
			      uint32_t tag);

static inline uint32_t nametab_hash(const char *name, size_t len, uint32_t tag)
{
	uint32_t h = 2166136261u ^ tag;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h;
}

static inline void nametab_clear(struct nametab *t)
{
	if (t->slot)
		memset(t->slot, 0, t->cap * sizeof(*t->slot));
	t->n = 0;
}

static inline void nametab_free(struct nametab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->n = 0;
}

/* The entry number of (@name, @tag), or -1. */
static inline int64_t nametab_find(const struct nametab *t, uint32_t hash, const char *name,
				   size_t len, uint32_t tag, nametab_eq_fn eq, const void *ctx)
{
	uint32_t mask, i;

	if (t->n == 0)
		return -1;
	mask = t->cap - 1;
	for (i = hash & mask; t->slot[i].idx1; i = (i + 1) & mask)
		if (t->slot[i].hash == hash && eq(ctx, t->slot[i].idx1 - 1, name, len, tag))
			return t->slot[i].idx1 - 1;
	return -1;
}

/* Index entry @idx under @hash (the caller checked it is not there yet). */
static inline int nametab_add(struct nametab *t, uint32_t hash, uint32_t idx)
{
	uint32_t mask, i;

	if (idx >= UINT32_MAX - 1)
		return -EFBIG;
	if ((t->n + 1) * 2 > t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		struct nametab_slot *s;

		if (cap < t->cap)
			return -EFBIG;
		s = calloc(cap, sizeof(*s));
		if (!s)
			return -ENOMEM;
		for (uint32_t j = 0; j < t->cap; j++) {
			if (!t->slot[j].idx1)
				continue;
			for (i = t->slot[j].hash & (cap - 1); s[i].idx1; i = (i + 1) & (cap - 1))
				;
			s[i] = t->slot[j];
		}
		free(t->slot);
		t->slot = s;
		t->cap = cap;
	}
	mask = t->cap - 1;
	for (i = hash & mask; t->slot[i].idx1; i = (i + 1) & mask)
		;
	t->slot[i].hash = hash;
	t->slot[i].idx1 = idx + 1;
	t->n++;
	return 0;
}

#endif
