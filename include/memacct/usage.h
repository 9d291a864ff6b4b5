/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_USAGE_H
#define MEMACCT_USAGE_H

#include <memacct/common.h>
#include <memacct/source.h>
#include <memacct/status.h>
#include <memacct/maps.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One process's memory usage, the account over /proc/PID/status,
 * smaps_rollup and smaps (status.h, smaps.h). All values are bytes. A value
 * the sources could not give reads as -ENOENT, never as 0.
 *
 * Where each value comes from (fs/proc/task_mmu.c __show_smap,
 * task_mem; the first source present wins):
 *   VSS      status VmSize (smaps_rollup has no total size)
 *   RSS      smaps_rollup Rss, else the smaps sum; status VmRSS in CHEAP mode
 *   PSS      smaps_rollup Pss, else the smaps sum
 *   USS      Private_Clean + Private_Dirty of smaps_rollup, else of smaps.
 *            This is the smaps definition: pages mapped by this process
 *            alone. An exact USS from /proc/PID/pagemap and kpagecount
 *            comes with the pages issue.
 *   SWAP     smaps_rollup Swap, else the smaps sum, else status VmSwap
 *   SWAP_PSS smaps_rollup SwapPss, else the smaps sum
 *   ANON     status RssAnon, else smaps_rollup (or smaps) Anonymous
 *   FILE     status RssFile
 *   SHMEM    status RssShmem
 *   LOCKED   smaps_rollup Locked, else the smaps sum, else status VmLck
 *   HUGETLB  Shared_Hugetlb + Private_Hugetlb of smaps_rollup (or smaps),
 *            else status HugetlbPages
 *
 * A handle is refilled by each memacct_usage_read(); once its parsers have
 * grown to fit a process's files, refilling allocates nothing.
 */
struct memacct_usage;

/* Keys of memacct_usage_get(). Values are stable and append-only. */
enum {
	MEMACCT_USAGE_VSS = 1,
	MEMACCT_USAGE_RSS = 2,
	MEMACCT_USAGE_PSS = 3,
	MEMACCT_USAGE_USS = 4,
	MEMACCT_USAGE_SWAP = 5,
	MEMACCT_USAGE_SWAP_PSS = 6,
	MEMACCT_USAGE_ANON = 7,
	MEMACCT_USAGE_FILE = 8,
	MEMACCT_USAGE_SHMEM = 9,
	MEMACCT_USAGE_LOCKED = 10,
	MEMACCT_USAGE_HUGETLB = 11,
};

/* Files a value came from, as memacct_usage_get_source() gives them. Append-only. */
enum {
	MEMACCT_USAGE_FROM_STATUS = 1,
	MEMACCT_USAGE_FROM_SMAPS_ROLLUP = 2,
	MEMACCT_USAGE_FROM_SMAPS = 3,	/* summed over the VMAs */
};

/* Flags of memacct_usage_read(). */
enum {
	/*
	 * Read only PID/status: VSS, RSS, ANON, FILE, SHMEM, SWAP, LOCKED and
	 * HUGETLB; PSS, USS and SWAP_PSS stay absent. No page walk in the
	 * kernel, so it costs a small fraction of a smaps_rollup read.
	 */
	MEMACCT_USAGE_CHEAP = 1u << 0,
};

/** @brief Allocate an empty usage handle. @return 0, -EINVAL or -ENOMEM. */
MEMACCT_API int memacct_usage_new(struct memacct_usage **ret);

/** @brief Free @u. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_usage *memacct_usage_free(struct memacct_usage *u);

/**
 * @brief Read the usage of process @pid from @src into @u.
 *
 * Reads PID/status, then (without MEMACCT_USAGE_CHEAP) PID/smaps_rollup, or
 * PID/smaps summed over its VMAs when the rollup is not there (kernels
 * before 4.14, captured trees without it).
 *
 * Outcomes:
 *  - 0: @u holds the values the sources gave.
 *  - 0 for a kernel thread (its status has no VmSize: no mm, no memory
 *    map): memacct_usage_is_kernel_thread(@u) is 1 and every key reads as
 *    -ENOENT. This is a result, not an error.
 *  - -ESRCH: no such process, or it exited during the read (its files
 *    vanished, smaps_rollup and smaps both failed or smaps came back empty,
 *    or its status shows a zombie, "Z" or "X"). @u holds nothing.
 *  - -EACCES: smaps_rollup (or smaps) may not be read (ptrace access mode
 *    read is denied). @u keeps what status gave: the CHEAP keys read as
 *    with MEMACCT_USAGE_CHEAP, the others as -ENOENT. When status itself is
 *    denied, @u holds nothing.
 *  - -EINVAL for a bad argument (pid <= 0, an unknown flag); a parse error
 *    of one of the files (-EBADMSG, -EOVERFLOW), -ENOMEM, or another read
 *    error: @u holds nothing.
 *
 * @param diag NULL, or receives the failing file's diagnostic.
 */
MEMACCT_API int memacct_usage_read(struct memacct_usage *u, struct memacct_source *src, int pid,
				   uint32_t flags, struct memacct_diag *diag);

/**
 * @brief One value (MEMACCT_USAGE_*), in bytes.
 * @return 0; -ENOENT when the sources of the last read could not give it;
 *         -EOPNOTSUPP for a key this library version does not know.
 */
MEMACCT_API int memacct_usage_get(const struct memacct_usage *u, uint32_t key, uint64_t *ret);

/**
 * @brief The file a value came from (MEMACCT_USAGE_FROM_*); for a sum of
 * two fields, the file that held them.
 * @return as memacct_usage_get().
 */
MEMACCT_API int memacct_usage_get_source(const struct memacct_usage *u, uint32_t key,
					 uint32_t *ret);

/**
 * @brief 1 when the last read found a kernel thread (no memory map), else 0;
 * -EINVAL for NULL.
 */
MEMACCT_API int memacct_usage_is_kernel_thread(const struct memacct_usage *u);

/**
 * @brief The status the last memacct_usage_read() parsed, so that a caller
 * who also wants the file need not read it again (borrowed: valid until the
 * next read or free of @u).
 * @return 0; -ENOENT when the last read has no status (it failed on it, or
 *         the process had exited).
 */
MEMACCT_API int memacct_usage_get_status(const struct memacct_usage *u,
					 const struct memacct_status **ret);

/**
 * @brief The smaps_rollup (one "[rollup]" VMA) the last read took its values
 * from, borrowed like memacct_usage_get_status().
 * @return 0; -ENOENT when the values did not come from smaps_rollup (CHEAP
 *         mode, a kernel thread, the smaps fallback, or it was denied).
 */
MEMACCT_API int memacct_usage_get_rollup(const struct memacct_usage *u,
					 const struct memacct_vmas **ret);

#ifdef __cplusplus
}
#endif

#endif
