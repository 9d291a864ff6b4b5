/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli.h"

/* The names the CLI gives the MEMACCT_DERIVED_* quantities (identities.md, "Derived quantities"). */
const struct derived_info derived_table[] = {
	{ MEMACCT_DERIVED_KERNEL, "kernel",
	  "Slab + VmallocUsed + PageTables + SecPageTables + KernelStack + Percpu"
	  " + HardwareCorrupted + Bounce" },
	{ MEMACCT_DERIVED_HUGETLB, "hugetlb", "Hugetlb, else HugePages_Total * Hugepagesize" },
	{ MEMACCT_DERIVED_TOTAL_DIRTY, "total_dirty", "Dirty + NFS_Unstable + Writeback" },
	{ MEMACCT_DERIVED_USER_LRU, "user_lru", "Active + Inactive + Unevictable" },
	{ MEMACCT_DERIVED_USER_PAGECACHE, "user_pagecache", "Cached + AnonPages + Buffers" },
	{ MEMACCT_DERIVED_UNACCOUNTED_LRU, "unaccounted_lru",
	  "MemTotal - MemFree - kernel - (user_lru + hugetlb)" },
	{ MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE, "unaccounted_pagecache",
	  "MemTotal - MemFree - kernel - (user_pagecache + hugetlb), valid when SwapCached = 0" },
	{ MEMACCT_DERIVED_CACHE_UNMAPPED, "cache_unmapped", "Cached - Mapped" },
};

const size_t derived_count = ARRAY_SIZE(derived_table);
