/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_EXACT_H
#define MEMACCT_EXACT_H

#include <memacct/common.h>
#include <memacct/source.h>
#include <memacct/maps.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Exact per-process accounting from the page tables: /proc/PID/pagemap for
 * every VMA, and /proc/kpagecount for the PFNs of present pages that the
 * pagemap entry does not already call exclusive (an exclusive entry has
 * mapcount 1: fs/proc/task_mmu.c sets PM_MMAP_EXCLUSIVE only then).
 *
 * PSS is summed in fixed point as the kernel sums it (task_mmu.c
 * smaps_account: (page size << PSS_SHIFT) / mapcount per page, PSS_SHIFT
 * 12, shifted down once per VMA for the VMA's value and once over the sum
 * for the total), never by an integer division of the page size.
 * USS is the bytes of present pages of mapcount 1. Values are bytes.
 *
 * Hugetlb VMAs are counted apart (MEMACCT_EXACT_HUGETLB), as smaps counts
 * them apart from Rss and Pss; PFN-mapped VMAs (VM_PFNMAP, VM_IO) have no
 * struct page and give no PSS. A VMA is known as hugetlb or PFN-mapped from
 * the VmFlags of an smaps VMA set given by the caller, else (live, Linux
 * 6.11+) from the PROCMAP_QUERY ioctl's page size, else from its name
 * ("/anon_hugepage"); MEMACCT_EXACT_KINDS_FROM says which.
 *
 * A handle is refilled by each memacct_exact_read(); once grown it
 * allocates nothing.
 */
struct memacct_exact;

/* Keys of memacct_exact_get() and memacct_exact_vma_get(). Append-only. */
enum {
	MEMACCT_EXACT_START = 1,	/* VMA only: first address */
	MEMACCT_EXACT_END = 2,		/* VMA only: first address past it */
	MEMACCT_EXACT_SIZE = 3,		/* bytes of address space */
	MEMACCT_EXACT_PRESENT = 4,	/* present entries * page size (smaps Rss) */
	MEMACCT_EXACT_SWAPPED = 5,	/* swapped entries * page size (smaps Swap) */
	MEMACCT_EXACT_EXCLUSIVE = 6,	/* present and PM_MMAP_EXCLUSIVE */
	MEMACCT_EXACT_FILE = 7,		/* present and PM_FILE (file or shared anon) */
	MEMACCT_EXACT_PSS = 8,		/* bytes, from the fixed-point sum */
	MEMACCT_EXACT_USS = 9,		/* present pages of mapcount 1 */
	MEMACCT_EXACT_SHARED = 10,	/* present pages of mapcount >= 2 */
	MEMACCT_EXACT_HUGETLB = 11,	/* present entries of hugetlb VMAs */
	MEMACCT_EXACT_PSS_FIXED = 12,	/* PSS << 12, the kernel's fixed point */
	MEMACCT_EXACT_LOOKUPS = 13,	/* kpagecount entries read (cost) */
	MEMACCT_EXACT_KINDS_FROM = 14,	/* MEMACCT_EXACT_FROM_* */
	MEMACCT_EXACT_HUGETLB_VMA = 15,	/* VMA only: 1 when a hugetlb VMA */
	MEMACCT_EXACT_PFNMAP_VMA = 16,	/* VMA only: 1 when PFN-mapped */
	/* pagemap entries read (cost). Linux 6.7+: VMAs of 16 MiB and more
	 * are read only where PAGEMAP_SCAN finds present or swapped pages. */
	MEMACCT_EXACT_PAGEMAP_READ = 17,
};

/* How hugetlb and PFN-mapped VMAs were told apart. */
enum {
	MEMACCT_EXACT_FROM_SMAPS = 1,	/* the caller's smaps VmFlags */
	MEMACCT_EXACT_FROM_QUERY = 2,	/* PROCMAP_QUERY page size (6.11+) */
	MEMACCT_EXACT_FROM_NAME = 3,	/* VMA names only */
};

/* Flags of memacct_exact_read(). */
enum {
	/* Read pagemap only: PRESENT, SWAPPED, EXCLUSIVE, FILE; PSS, USS and
	 * SHARED stay absent. Needs no privilege. */
	MEMACCT_EXACT_NO_MAPCOUNT = 1u << 0,
};

MEMACCT_API int memacct_exact_new(struct memacct_exact **ret);
MEMACCT_API struct memacct_exact *memacct_exact_free(struct memacct_exact *ex);

/**
 * @brief Account process @pid of @src from its pagemap and kpagecount.
 * @param vmas the process's VMAs (parsed from PID/smaps, best, or
 *        PID/maps), or NULL to read PID/maps here. Pages outside them are
 *        not read.
 * @return 0; -EPERM when PFNs are hidden or kpagecount unreadable (not with
 *         MEMACCT_EXACT_NO_MAPCOUNT), the message in @diag names
 *         CAP_SYS_ADMIN; -ESRCH (the process exited), -ENODATA (a capture
 *         without the entries needed), -EACCES, -EBADMSG, -ENOMEM. On
 *         failure @ex is left empty.
 */
MEMACCT_API int memacct_exact_read(struct memacct_exact *ex, struct memacct_source *src, int pid,
				   const struct memacct_vmas *vmas, uint32_t flags,
				   struct memacct_diag *diag);

/** @brief The process read last, or -ENOENT when empty. */
MEMACCT_API int memacct_exact_get_pid(const struct memacct_exact *ex);

/** @brief A total over the process. @return 0, -ENOENT (absent), -EOPNOTSUPP. */
MEMACCT_API int memacct_exact_get(const struct memacct_exact *ex, uint32_t key, uint64_t *ret);

/** @brief The number of VMAs accounted, >= 0. */
MEMACCT_API int memacct_exact_vma_count(const struct memacct_exact *ex);

/** @brief A value of VMA @i (in address order). @return 0, -ERANGE, -ENOENT, -EOPNOTSUPP. */
MEMACCT_API int memacct_exact_vma_get(const struct memacct_exact *ex, size_t i, uint32_t key,
				      uint64_t *ret);

#ifdef __cplusplus
}
#endif

#endif
