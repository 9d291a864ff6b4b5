/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_OPTS_H
#define MEMACCT_OPTS_H

#include <stddef.h>
#include <string.h>

/*
 * Size-first option structs (the libbpf and kernel copy_struct_from_user
 * rules): a caller built against an older header passes a smaller .sz and
 * gets defaults for the fields it does not know; one built against a newer
 * header may pass a larger .sz as long as the bytes we do not know are zero.
 */

/* 0 when @opts is NULL or acceptable; -EINVAL or -E2BIG otherwise. */
static inline int opts_check(const void *opts, size_t known)
{
	const unsigned char *p = (const unsigned char *)opts;
	size_t sz, i;

	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t))
		return -EINVAL;
	for (i = known; i < sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}

/* Field @f of @opts when the caller's struct reaches it, else @def. */
#define OPTS_HAS(opts, f) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), f) + sizeof((opts)->f))
#define OPTS_GET(opts, f, def) (OPTS_HAS(opts, f) ? (opts)->f : (def))

#endif
