/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_PROCS_INTERNAL_H
#define MEMACCT_PROCS_INTERNAL_H

#include "internal.h"

/*
 * smaps_rollup fields a scan keeps beside the usage, for the system
 * identities (check-system.c). A process has them only when its values came
 * from smaps_rollup (not partial, not CHEAP, not the smaps fallback).
 */
enum {
	PROCS_X_ANONYMOUS,	/* Anonymous */
	PROCS_X_ANONHUGEPAGES,	/* AnonHugePages */
	PROCS_X_PSS_ANON,	/* Pss_Anon (5.8+) */
	PROCS_NX,
};

/* As memacct_procs_get() and memacct_procs_get_total(), for a PROCS_X_* field. */
hidden int procs_get_extra(const struct memacct_procs *p, size_t i, unsigned x, uint64_t *ret);
hidden int procs_get_extra_total(const struct memacct_procs *p, unsigned x, uint64_t *ret_sum,
				 size_t *ret_lacking);

/*
 * How many meminfo texts of a capture's meminfo.scan widened the scan's
 * meminfo ranges (memacct_procs_get_meminfo_range()); 0 for a live root.
 */
hidden size_t procs_captured_samples(const struct memacct_procs *p);

#endif
