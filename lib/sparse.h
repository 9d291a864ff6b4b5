/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_SPARSE_H
#define MEMACCT_SPARSE_H

#include "internal.h"

/*
 * The "memacct-sparse 1" text format of include/memacct/pages.h, parsed into
 * runs sorted by index, for lookups by binary search.
 */

#define SPARSE_MAGIC "memacct-sparse "
#define SPARSE_MAX_LINE 4096	/* longer lines (comments included) are rejected */

struct sparse_run {
	uint64_t index;		/* first index */
	uint64_t count;		/* >= 1; index + count - 1 fits */
	uint64_t value;		/* entry at index */
	uint64_t step;		/* value + (count - 1) * step fits */
};

struct sparse {
	struct sparse_run *runs;	/* ascending, never overlapping */
	size_t n;
	bool has_end;
	uint64_t end;		/* one past the last index of the file, if has_end */
};

/* Whether @buf begins like a sparse file (then it is one, or malformed). */
static inline bool sparse_is(const char *buf, size_t len)
{
	size_t n = sizeof(SPARSE_MAGIC) - 1;

	return len >= n && !memcmp(buf, SPARSE_MAGIC, n);
}

/*
 * Parse @len bytes into *@out (written only on success; free with
 * sparse_done()). @return 0, -EBADMSG, -EOVERFLOW (with @diag's line and
 * column), -ENOMEM.
 */
hidden int sparse_parse(const char *buf, size_t len, struct sparse *out,
			struct memacct_diag *diag);

hidden void sparse_done(struct sparse *s);

/*
 * Up to @n entries from @index into @out: *@ret_n stops short before an
 * index no run holds and is 0 at or past the end. @return 0 or -ENODATA when
 * @index itself is not held.
 */
hidden int sparse_read(const struct sparse *s, uint64_t index, size_t n, uint64_t *out,
		       size_t *ret_n);

/* The first index >= @index that a run holds. @return 0 or -ENODATA. */
hidden int sparse_next(const struct sparse *s, uint64_t index, uint64_t *ret);

#endif
