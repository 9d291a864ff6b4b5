/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_MEMINFO_INTERNAL_H
#define MEMACCT_MEMINFO_INTERNAL_H

#include "internal.h"

#define MEMINFO_NKEYS 78	/* the highest MEMACCT_MEMINFO_* key */

/* memacct_meminfo_get() without the argument checks. */
hidden int meminfo_value(const struct memacct_meminfo *mi, uint32_t key, uint64_t *ret);

/* Whether the next parse of a text of the same length may read only the lines that changed. */
hidden bool meminfo_is_diffable(const struct memacct_meminfo *mi);

#endif
