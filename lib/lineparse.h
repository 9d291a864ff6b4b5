/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_LINEPARSE_H
#define MEMACCT_LINEPARSE_H

#include <stdlib.h>

#include "internal.h"
#include "nametab.h"

/*
 * What the line-at-a-time parsers (buddyinfo, vmstat, zoneinfo) share: the
 * growth of their arrays, why a line was rejected, the "Node N, zone NAME"
 * header, the copies of their entries' names, and the strict or lenient loop
 * over the lines with its skip count. What runs for every kept line is
 * inline here; the rest is in lineparse.c.
 */

/* Why a line was rejected, for diag_set(). */
struct bad {
	const char *msg;
	const char *key;	/* NULL until the line's key is known */
	size_t key_len;
	uint32_t col;		/* 1-based */
};

/* The part of a parser's handle that is not its own entries. */
struct lineparse {
	char *names;		/* the entries' names, each NUL-terminated */
	size_t names_len, names_cap;
	struct nametab tab;	/* name (and tag) -> entry number */
	uint32_t flags;		/* MEMACCT_PARSE_* */
	uint32_t skipped;	/* lines the last parse skipped */
};

/*
 * Take the line from @line to @end into @obj. The line is not blank, holds no
 * NUL byte and has no end-of-line bytes; @p is its first byte that is not a
 * blank. @return 0, or a negative errno with *@b filled (by fail()).
 */
typedef int (*lineparse_take_fn)(void *obj, const char *line, const char *p, const char *end,
				 struct bad *b);

/* Forget @obj's own entries, keeping their memory. */
typedef void (*lineparse_reset_fn)(void *obj);

/* May a lenient parse skip a line that failed with @err? Not for want of memory. */
static inline bool skippable(int err, uint32_t flags)
{
	return err != -ENOMEM && err != -EFBIG && (flags & MEMACCT_PARSE_SKIP_BAD_LINES);
}

/*
 * Make room for @more elements of @elsz bytes past @len in *@p (capacity
 * *@cap: @first at the first growth, then doubled). Nothing changes on
 * failure. @return 0, -EFBIG when it would grow past UINT32_MAX elements,
 * -ENOMEM.
 */
static inline int grow(void **p, size_t *cap, size_t len, size_t more, size_t elsz, size_t first)
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

/*
 * Append a NUL-terminated copy of @s (@n bytes) to the text *@text (length
 * *@len, capacity *@cap, grown as by grow()); *@ret_off: where the copy
 * starts. @return 0, -EFBIG, -ENOMEM.
 */
static inline int text_append(char **text, size_t *len, size_t *cap, const char *s, size_t n,
			      size_t first, uint32_t *ret_off)
{
	int r = grow((void **)text, cap, *len, n + 1, 1, first);

	if (r < 0)
		return r;
	memcpy(*text + *len, s, n);
	(*text)[*len + n] = '\0';
	*ret_off = (uint32_t)*len;
	*len += n + 1;
	return 0;
}

/*
 * Index entry @idx under @hash and copy its name, NUL-terminated, to
 * lp->names + *@ret_off (@first: the names' first capacity). Nothing changes
 * on failure. @return 0, -EFBIG, -ENOMEM.
 */
static inline int lineparse_add_name(struct lineparse *lp, const char *name, size_t len,
				     uint32_t hash, uint32_t idx, size_t first, uint32_t *ret_off)
{
	uint32_t off;
	int r;

	r = text_append(&lp->names, &lp->names_len, &lp->names_cap, name, len, first, &off);
	if (r < 0)
		return r;
	r = nametab_add(&lp->tab, hash, idx);
	if (r < 0) {
		lp->names_len = off;
		return r;
	}
	*ret_off = off;
	return 0;
}

/* Note in *@b that @line is bad at @at, with @msg. @return @err. */
hidden int fail(struct bad *b, const char *line, const char *at, const char *msg, int err);

/*
 * "Node N, zone NAME" at *@p (blanks before it allowed); NAME also becomes
 * b->key. *@p is left just past NAME. @return 0, -EBADMSG, -EOVERFLOW.
 */
hidden int zone_header(const char *line, const char *end, const char **p, uint32_t *ret_node,
		       const char **ret_name, size_t *ret_len, struct bad *b);

hidden void lineparse_free(struct lineparse *lp);

/* @return 0, or -EINVAL for a flag the parsers do not know. */
hidden int lineparse_set_flags(struct lineparse *lp, uint32_t flags);

/*
 * Parse @buf line by line: reset @obj (with @reset) and @lp, pass over blank
 * lines, reject a line with a NUL byte, and give every other line to @take.
 * Strict, the first bad line fails the parse: @diag describes it and
 * everything is reset. Lenient (MEMACCT_PARSE_SKIP_BAD_LINES), bad lines are
 * counted in lp->skipped and @diag describes the first; only -ENOMEM and
 * -EFBIG fail.
 */
hidden int lineparse_run(struct lineparse *lp, const char *buf, size_t len, lineparse_take_fn take,
			 lineparse_reset_fn reset, void *obj, struct memacct_diag *diag);

#endif
