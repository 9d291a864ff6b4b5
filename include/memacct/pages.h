/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_PAGES_H
#define MEMACCT_PAGES_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The page tables and the physical pages: /proc/PID/pagemap (one 64-bit
 * entry per virtual page), /proc/kpageflags, /proc/kpagecount and
 * /proc/kpagecgroup (one 64-bit entry per page frame number, PFN).
 * Documentation/admin-guide/mm/pagemap.rst; fs/proc/task_mmu.c
 * pagemap_read, fs/proc/page.c.
 *
 * Both kinds are tables of uint64_t read through a source, by index (the
 * virtual page number, or the PFN), in large batches:
 *   - a live procfs: pread() at 8-byte aligned offsets, as the kernel
 *     requires (a misaligned read is EINVAL there);
 *   - a captured tree: either the raw bytes (little-endian u64s, as the
 *     kernel writes them on the machines that matter) or the sparse text
 *     format below, told apart by its first line.
 *
 * The sparse format keeps only the ranges a capture needed, keeps their
 * indices, and tells an entry it does not hold from an entry that is zero:
 *
 *   memacct-sparse 1
 *   end INDEX                  (optional) one past the last index of the
 *                              file the capture was taken from
 *   INDEX COUNT VALUE [STEP]   COUNT entries from INDEX: VALUE, VALUE+STEP,
 *                              VALUE+2*STEP, ...
 *   # a comment
 *
 * INDEX, VALUE and STEP are hexadecimal (no 0x), COUNT decimal, COUNT >= 1;
 * fields are separated by one space; lines end with '\n'. Runs are in
 * ascending order of INDEX and never overlap. An index no run covers is not
 * held: a read that starts on one fails with -ENODATA, a read that meets
 * one stops short before it. An index at or past "end" is past the end of
 * the file: reads there return 0 entries, as the kernel's do. Anything else
 * is -EBADMSG (or -EOVERFLOW for a number past 2^64, or a run whose last
 * value or index does not fit), with the line and column in the diagnostic.
 *
 * Privilege: pagemap is readable by anyone who may ptrace the process, but
 * the kernel zeroes every PFN (and swap offset) unless the opener has
 * CAP_SYS_ADMIN in the initial user namespace (pagemap_read: show_pfn); the
 * kpage* files are root-only (mode 0400). The readers return -EPERM for
 * both, with a diagnostic that names the capability, and never pass zeros
 * on as data: a pagemap whose present entries all carry PFN 0 is one read
 * without CAP_SYS_ADMIN (PFN 0 is never a page a process maps).
 */

/* Bits of a pagemap entry (pagemap.rst; fs/proc/task_mmu.c PM_*). */
#define MEMACCT_PM_PFN_MASK	((UINT64_C(1) << 55) - 1)	/* bits 0-54: PFN if present */
#define MEMACCT_PM_SWAP_TYPE_MASK	UINT64_C(0x1f)		/* bits 0-4 if swapped */
#define MEMACCT_PM_SWAP_OFFSET_SHIFT	5			/* bits 5-54 if swapped */
#define MEMACCT_PM_SOFT_DIRTY	(UINT64_C(1) << 55)	/* 3.11 */
#define MEMACCT_PM_EXCLUSIVE	(UINT64_C(1) << 56)	/* mapped exactly once, 4.2 */
#define MEMACCT_PM_UFFD_WP	(UINT64_C(1) << 57)	/* 5.13 */
#define MEMACCT_PM_GUARD	(UINT64_C(1) << 58)	/* MADV_GUARD_INSTALL, 6.15 */
#define MEMACCT_PM_FILE		(UINT64_C(1) << 61)	/* file page or shared anon, 3.5 */
#define MEMACCT_PM_SWAPPED	(UINT64_C(1) << 62)
#define MEMACCT_PM_PRESENT	(UINT64_C(1) << 63)

/** @brief The PFN of a present entry, else 0 (also 0 when hidden). */
static inline uint64_t memacct_pm_pfn(uint64_t e)
{
	return (e & MEMACCT_PM_PRESENT) ? (e & MEMACCT_PM_PFN_MASK) : 0;
}

/** @brief The swap type of a swapped entry, else 0. */
static inline uint32_t memacct_pm_swap_type(uint64_t e)
{
	return (e & MEMACCT_PM_SWAPPED) && !(e & MEMACCT_PM_PRESENT)
		       ? (uint32_t)(e & MEMACCT_PM_SWAP_TYPE_MASK) : 0;
}

/** @brief The swap offset (in pages) of a swapped entry, else 0. */
static inline uint64_t memacct_pm_swap_offset(uint64_t e)
{
	return (e & MEMACCT_PM_SWAPPED) && !(e & MEMACCT_PM_PRESENT)
		       ? (e & MEMACCT_PM_PFN_MASK) >> MEMACCT_PM_SWAP_OFFSET_SHIFT : 0;
}

/**
 * @brief Decode @len bytes of a raw pagemap or kpage* file (little-endian
 * u64s) into @out, which holds @cap entries.
 * @return 0 and *@ret_n entries; -EINVAL when @len is not a multiple of 8
 *         (the kernel never returns part of an entry), -ENOSPC when @out is
 *         too small. Nothing is written on failure.
 */
MEMACCT_API int memacct_pages_decode(const void *buf, size_t len, uint64_t *out, size_t cap,
				     size_t *ret_n);

/** An open /proc/PID/pagemap of a source. Not shareable across threads. */
struct memacct_pagemap;

/**
 * @brief Open PID/pagemap of @src.
 * @return 0; -ESRCH (no such process, or a kernel thread), -EACCES (not
 *         allowed to ptrace it), -ENOENT (a capture without it), -EBADMSG
 *         (a malformed sparse capture, see @diag), -ENOMEM.
 */
MEMACCT_API int memacct_pagemap_open(struct memacct_source *src, int pid,
				     struct memacct_pagemap **ret, struct memacct_diag *diag);

/** @brief Close @pm. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_pagemap *memacct_pagemap_free(struct memacct_pagemap *pm);

/**
 * @brief Read the entries of up to @n virtual pages from @vaddr (a multiple
 * of the page size) into @out, in one or a few reads.
 * @param ret_n receives the number read: fewer than @n at the end of the
 *        address space or before an entry a capture does not hold; 0 when
 *        the process has exited (the kernel then returns nothing).
 * @return 0; -EINVAL (unaligned @vaddr), -ENODATA (a capture that does not
 *         hold the entry at @vaddr), or a negative errno of the read.
 */
MEMACCT_API int memacct_pagemap_read(struct memacct_pagemap *pm, uint64_t vaddr, size_t n,
				     uint64_t *out, size_t *ret_n);

/**
 * @brief Whether the reader may see PFNs: 1 when the source is live and
 * the process holds CAP_SYS_ADMIN in its effective set, or when the source
 * is a capture (whose entries tell by themselves); 0 when the kernel will
 * zero them. A 1 on a live source in a user namespace may still see zeros:
 * check the entries (memacct_exact_read() does).
 */
MEMACCT_API int memacct_pagemap_may_see_pfns(const struct memacct_pagemap *pm);

/* The physical page tables, for memacct_kpage_open(). */
enum {
	MEMACCT_KPAGE_FLAGS = 1,	/* /proc/kpageflags, KPF_* bits */
	MEMACCT_KPAGE_COUNT = 2,	/* /proc/kpagecount, mapcount per PFN */
	MEMACCT_KPAGE_CGROUP = 3,	/* /proc/kpagecgroup, memcg inode per PFN (4.3) */
};

/** An open kpage* file of a source. Not shareable across threads. */
struct memacct_kpage;

/**
 * @brief Open one of the kpage* files (MEMACCT_KPAGE_*) of @src.
 * @return 0; -EPERM (not root: the message in @diag names the capability),
 *         -ENOENT (a kernel without it, or a capture without it), -EBADMSG
 *         (a malformed sparse capture), -EINVAL, -ENOMEM.
 */
MEMACCT_API int memacct_kpage_open(struct memacct_source *src, uint32_t which,
				   struct memacct_kpage **ret, struct memacct_diag *diag);

MEMACCT_API struct memacct_kpage *memacct_kpage_free(struct memacct_kpage *kp);

/**
 * @brief Read the entries of up to @n PFNs from @pfn into @out.
 * @param ret_n receives the number read: fewer than @n at the end of the
 *        file (past the last memory section) or before an entry a capture
 *        does not hold; 0 at or past the end.
 * @return 0; -ENODATA (a capture that does not hold @pfn), or a negative
 *         errno of the read.
 */
MEMACCT_API int memacct_kpage_read(struct memacct_kpage *kp, uint64_t pfn, size_t n,
				   uint64_t *out, size_t *ret_n);

/**
 * @brief The first PFN >= @pfn that the file holds: @pfn itself for a live
 * or raw file, the start of the next run of a sparse capture.
 * @return 0; -ENODATA when none is held from @pfn on.
 */
MEMACCT_API int memacct_kpage_next(const struct memacct_kpage *kp, uint64_t pfn,
				   uint64_t *ret_pfn);

/* kpageflags bits (include/uapi/linux/kernel-page-flags.h). 32 and up are
 * the kernel's debugging bits, "subject to change": marked unstable. */
enum {
	MEMACCT_KPF_LOCKED = 0,
	MEMACCT_KPF_ERROR = 1,
	MEMACCT_KPF_REFERENCED = 2,
	MEMACCT_KPF_UPTODATE = 3,
	MEMACCT_KPF_DIRTY = 4,
	MEMACCT_KPF_LRU = 5,
	MEMACCT_KPF_ACTIVE = 6,
	MEMACCT_KPF_SLAB = 7,
	MEMACCT_KPF_WRITEBACK = 8,
	MEMACCT_KPF_RECLAIM = 9,
	MEMACCT_KPF_BUDDY = 10,
	MEMACCT_KPF_MMAP = 11,
	MEMACCT_KPF_ANON = 12,
	MEMACCT_KPF_SWAPCACHE = 13,
	MEMACCT_KPF_SWAPBACKED = 14,
	MEMACCT_KPF_COMPOUND_HEAD = 15,
	MEMACCT_KPF_COMPOUND_TAIL = 16,
	MEMACCT_KPF_HUGE = 17,
	MEMACCT_KPF_UNEVICTABLE = 18,
	MEMACCT_KPF_HWPOISON = 19,
	MEMACCT_KPF_NOPAGE = 20,
	MEMACCT_KPF_KSM = 21,
	MEMACCT_KPF_THP = 22,
	MEMACCT_KPF_OFFLINE = 23,
	MEMACCT_KPF_ZERO_PAGE = 24,
	MEMACCT_KPF_IDLE = 25,
	MEMACCT_KPF_PGTABLE = 26,
	MEMACCT_KPF_RESERVED = 32,
	MEMACCT_KPF_MLOCKED = 33,
	MEMACCT_KPF_OWNER_2 = 34,
	MEMACCT_KPF_PRIVATE = 35,
	MEMACCT_KPF_PRIVATE_2 = 36,
	MEMACCT_KPF_OWNER_PRIVATE = 37,
	MEMACCT_KPF_ARCH = 38,
	MEMACCT_KPF_UNCACHED = 39,
	MEMACCT_KPF_SOFTDIRTY = 40,
	MEMACCT_KPF_ARCH_2 = 41,
	MEMACCT_KPF_ARCH_3 = 42,
};

/* Bits of memacct_kpageflag_info()'s *ret_attrs. */
enum {
	/* A debugging bit (32 and up): the kernel says never rely on it. */
	MEMACCT_KPF_ATTR_UNSTABLE = 1u << 0,
};

/**
 * @brief The name of kpageflags bit @bit ("LRU", "MLOCKED", ...: the KPF_
 * suffix) and its attributes (MEMACCT_KPF_ATTR_*); either output may be NULL.
 * @return 0; -ENOENT for a bit the kernel does not define (27-31, 43-63).
 */
MEMACCT_API int memacct_kpageflag_info(unsigned int bit, const char **ret_name,
				       uint32_t *ret_attrs);

/** @brief The bit named @name (as memacct_kpageflag_info() spells it). @return 0 or -ENOENT. */
MEMACCT_API int memacct_kpageflag_from_name(const char *name, unsigned int *ret_bit);

/**
 * A writer of the sparse format, for captures: append entries in ascending
 * index order and it merges them into runs (equal values, or values that
 * step by a constant, as consecutive PFNs do).
 */
struct memacct_sparse_writer;

/**
 * @brief Start a sparse file on @fd (kept open, not closed by the writer).
 * @param end the "end" line's index, or UINT64_MAX for none.
 */
MEMACCT_API int memacct_sparse_writer_new(int fd, uint64_t end,
					  struct memacct_sparse_writer **ret);

/**
 * @brief Append @n entries from @index. @return 0; -EINVAL when @index is
 * below the end of what was appended; a negative errno of write().
 */
MEMACCT_API int memacct_sparse_writer_add(struct memacct_sparse_writer *w, uint64_t index,
					  const uint64_t *values, size_t n);

/**
 * @brief Write what is pending and free @w (which is freed even on failure).
 * @return 0 or a negative errno of write().
 */
MEMACCT_API int memacct_sparse_writer_finish(struct memacct_sparse_writer *w);

#ifdef __cplusplus
}
#endif

#endif
