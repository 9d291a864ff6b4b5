/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_PMSCAN_H
#define MEMACCT_PMSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

/*
 * Where a live pagemap holds anything: the PAGEMAP_SCAN ioctl of
 * /proc/PID/pagemap (fs/proc/task_mmu.c do_pagemap_scan, Linux 6.7) walks
 * the page tables and reports runs of present or swapped pages, skipping an
 * empty PUD or PMD at once, where a pagemap read returns 8 bytes for every
 * page of it. A process that reserves terabytes and touches megabytes
 * (AddressSanitizer's shadow, a JVM or Go heap) costs a few ioctls instead
 * of gigabytes of zeros.
 *
 * The scan skips VM_PFNMAP VMAs (pagemap_scan_test_walk): do not ask it
 * about one. Swap-format entries of every kind (swap, migration, device,
 * PTE markers) are PAGE_IS_SWAPPED, as they are PM_SWAP in pagemap.
 */

#define PMSCAN_VEC 64
/* Runs this close are read as one: 2 KiB of pagemap costs less than a pread. */
#define PMSCAN_GAP_PAGES 256
/* VMAs smaller than this are read whole: one pread, no ioctl. */
#define PMSCAN_MIN_PAGES 4096

struct pmscan_region {	/* struct page_region, include/uapi/linux/fs.h */
	uint64_t start, end, categories;
};

struct pmscan {
	struct pmscan_region vec[PMSCAN_VEC];
	size_t n, i;		/* regions held; the next to look at */
	uint64_t from, walk_end;	/* the range they cover */
	bool unsupported;	/* the kernel has no PAGEMAP_SCAN */
};

/* Forget what was scanned (a new process, or a new pagemap fd). */
hidden void pmscan_reset(struct pmscan *s);

/*
 * The first run [*@ret_start, *@ret_end) of [@start, @end) that may hold a
 * present or swapped entry of the pagemap open as @fd, runs at most @gap
 * bytes apart joined into one. Without PAGEMAP_SCAN the run is the whole
 * range. @return 1 (a run), 0 (the rest of the range is holes), or a
 * negative errno of the ioctl (-ESRCH: the process is gone).
 */
hidden int pmscan_next(struct pmscan *s, int fd, uint64_t start, uint64_t end, uint64_t gap,
		       uint64_t *ret_start, uint64_t *ret_end);

struct memacct_pagemap;

/*
 * pmscan_next() over @pm when it is a live file; a capture's range is
 * returned whole (1), or 0 when @start >= @end.
 */
hidden int pagemap_next_used(struct memacct_pagemap *pm, uint64_t start, uint64_t end,
			     uint64_t *ret_start, uint64_t *ret_end);

#endif
