/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CENSUS_INTERNAL_H
#define MEMACCT_CENSUS_INTERNAL_H

#include "internal.h"

/* What a census pattern asks of kpagecount. */
enum {
	CENSUS_ANY = 0,
	CENSUS_UNMAPPED = 1,	/* kpagecount == 0 */
	CENSUS_MAPPED = 2,	/* kpagecount > 0 */
};

/*
 * Bytes of the pages whose flags satisfy (flags & @mask) == @value and
 * whose kpagecount is as @mapped says, for the identities' caveats.
 * @return 0; -ENOENT when @c is empty, or @mapped needs kpagecount and it
 *         was not read.
 */
hidden int census_sum(const struct memacct_census *c, uint64_t mask, uint64_t value,
		      int mapped, uint64_t *ret);

/*
 * Bytes of anonymous memory the census's own read buffers hold: the
 * reading process maps them, so the census counts them as mapped ANON
 * pages, while a meminfo read before they were first touched lacks them.
 */
hidden uint64_t census_own_bytes(const struct memacct_census *c);

/*
 * Bytes of THP-flagged pages in folios smaller than a PMD (mTHP, large
 * page-cache folios), found by walking COMPOUND_HEAD and _TAIL runs; 0 for
 * a per-process census.
 */
hidden uint64_t census_small_thp_bytes(const struct memacct_census *c);

/* How long the last read took, in microseconds. */
hidden uint64_t census_duration_us(const struct memacct_census *c);

/* The threads the last successful memacct_census_read() counted with, the caller's included. */
hidden size_t census_threads_used(const struct memacct_census *c);

#endif
