/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_TABLE_H
#define MEMACCT_TABLE_H

#include <sys/types.h>

#include "sparse.h"

/*
 * A file of u64 entries read by index (pagemap, kpage*), through a source:
 * a live procfs file (pread at index * 8, native byte order), a raw capture
 * (little-endian), or a sparse capture (parsed once at open).
 */

enum table_kind {
	TABLE_LIVE = 1,
	TABLE_RAW = 2,
	TABLE_SPARSE = 3,
};

struct table {
	enum table_kind kind;
	int fd;			/* TABLE_LIVE, TABLE_RAW; else -1 */
	uint64_t nentries;	/* TABLE_RAW: entries in the file at open */
	struct sparse sparse;	/* TABLE_SPARSE */
	/* pread(2); the fuzzers put a short-reading one here. */
	ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
};

/*
 * Open @path (relative to the source's root) into *@t.
 * @return 0; a negative errno of openat() (unchanged: callers map it),
 *         -EBADMSG/-EOVERFLOW (a malformed capture, see @diag), -ENOMEM.
 */
hidden int table_open(const struct memacct_source *src, const char *path, struct table *t,
		      struct memacct_diag *diag);

hidden void table_close(struct table *t);

/*
 * Up to @n entries from @index into @out, in as few reads as the file
 * allows. *@ret_n is short at the end of the file (0 past it) or before an
 * entry a sparse capture does not hold. @return 0, -ENODATA (a sparse
 * capture without @index) or a negative errno of the read.
 */
hidden int table_read(struct table *t, uint64_t index, size_t n, uint64_t *out, size_t *ret_n);

/* The first index >= @index the file holds. @return 0 or -ENODATA. */
hidden int table_next(const struct table *t, uint64_t index, uint64_t *ret);

#endif
