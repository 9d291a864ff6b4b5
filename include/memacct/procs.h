/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_PROCS_H
#define MEMACCT_PROCS_H

#include <memacct/common.h>
#include <memacct/source.h>
#include <memacct/meminfo.h>
#include <memacct/usage.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A scan of every process of a source: the smem/procrank job. The numeric
 * directories of the source's root are listed, then each process's usage is
 * read (memacct_usage_read(): status and smaps_rollup) in pid order. What is
 * kept of each process is its pid, its name (status "Name"), its real uid
 * and every MEMACCT_USAGE_* value it gave.
 *
 * Processes come and go while the scan runs, and the scan is never one
 * instant: each process is read at its own moment. A process is
 *  - kept: its usage was read;
 *  - kept but partial: its smaps_rollup may not be read (another user's
 *    process, without CAP_SYS_PTRACE): it keeps what status gave (VSS, RSS,
 *    anon, file, shmem, swap, locked, hugetlb) and PSS, USS and SWAP_PSS read
 *    as -ENOENT; memacct_procs_count_partial() counts these;
 *  - skipped and counted by reason (MEMACCT_PROCS_*): it exited between the
 *    listing and its read, it is a kernel thread (no memory map), nothing of
 *    it may be read, or its files failed to read or parse.
 * A process that vanishes never fails the scan.
 *
 * The scan also reads the root's meminfo just before the listing, after
 * every 8 processes the calling thread reads and after the last one, so
 * that how much the system moved while the scan ran can be told
 * (memacct_procs_get_meminfo_range()).
 *
 * The processes may be read by several threads at once
 * (memacct_procs_set_threads()): the threads are created inside
 * memacct_procs_read() and joined before it returns, block every signal,
 * and each reads its share of the pids into the pid's own slot, so the
 * processes kept, their order and the counts are those a single thread
 * would give of the same tree. Only the moments at which the processes are
 * read differ. The default is one thread: the calling one.
 *
 * A handle is refilled by each memacct_procs_read(); once its arrays and
 * parsers (one set per thread) have grown to fit a system, refilling
 * allocates nothing, as long as @src stays a source over the same root.
 * Names and models returned are borrowed: valid until the next read or free
 * of the handle. A handle is not shareable across threads while it is read.
 */
struct memacct_procs;

/* Why a process was skipped (memacct_procs_count_skipped()). Append-only. */
enum {
	MEMACCT_PROCS_VANISHED = 1,	/* exited, or a zombie, before or during its read */
	MEMACCT_PROCS_KERNEL_THREAD = 2,	/* no memory map */
	MEMACCT_PROCS_DENIED = 3,	/* not even its status may be read (hidepid) */
	MEMACCT_PROCS_FAILED = 4,	/* another read error, or a file that does not parse */
};

/* Flags of memacct_procs_read(). */
enum {
	/* Read only each PID/status (MEMACCT_USAGE_CHEAP): no PSS, USS, SWAP_PSS. */
	MEMACCT_PROCS_CHEAP = 1u << 0,
};

/* Moments of memacct_procs_get_meminfo(). */
enum {
	MEMACCT_PROCS_AT_START = 1,	/* just before the processes were listed */
	MEMACCT_PROCS_AT_END = 2,	/* just after the last one was read */
};

/** @brief Allocate an empty scan. @return 0, -EINVAL or -ENOMEM. */
MEMACCT_API int memacct_procs_new(struct memacct_procs **ret);

/** @brief Free @p. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_procs *memacct_procs_free(struct memacct_procs *p);

/**
 * @brief Scan every process of @src into @p.
 * @param flags 0 or MEMACCT_PROCS_CHEAP.
 * @param diag NULL, or receives the reason when the scan itself fails.
 * @return 0, whatever became of each process; -EINVAL (bad argument or
 *         flag); -ENOENT, -EACCES, -ENOTDIR when the root cannot be listed;
 *         -ENOMEM. On failure @p holds no process.
 */
MEMACCT_API int memacct_procs_read(struct memacct_procs *p, struct memacct_source *src,
				   uint32_t flags, struct memacct_diag *diag);

/**
 * @brief How many threads the next memacct_procs_read() of @p reads the
 * processes with, the calling thread included.
 * @param n 1 (the default): the calling thread alone; 0: the number of
 *        online CPUs (sysconf(_SC_NPROCESSORS_ONLN)); at most 1024. A scan
 *        uses no more threads than there are processes to read, and goes on
 *        with fewer when a thread or its reader (a file descriptor on the
 *        root) cannot be had. Each thread beyond the first keeps a source
 *        over the root of the last scan, hence one open fd, until the
 *        handle is freed or scans another root.
 * @return 0; -EINVAL for a NULL @p or @n over 1024.
 */
MEMACCT_API int memacct_procs_set_threads(struct memacct_procs *p, unsigned n);

/** @brief The number of processes kept (partial ones included), >= 0; -EINVAL. */
MEMACCT_API int memacct_procs_count(const struct memacct_procs *p);

/**
 * @brief The pid of process @i (0 <= @i < count; ascending pids).
 * @return 0; -ERANGE for @i past the end; -EINVAL.
 */
MEMACCT_API int memacct_procs_get_pid(const struct memacct_procs *p, size_t i, int *ret);

/**
 * @brief The name of process @i: status "Name" as the kernel escapes it,
 * cut to 63 bytes. Borrowed; "" when status had no Name.
 * @return 0, -ERANGE, -EINVAL.
 */
MEMACCT_API int memacct_procs_get_comm(const struct memacct_procs *p, size_t i,
				       const char **ret);

/**
 * @brief The real uid of process @i (status "Uid:", first column).
 * @return 0; -ENOENT when status had no Uid line; -ERANGE; -EINVAL.
 */
MEMACCT_API int memacct_procs_get_uid(const struct memacct_procs *p, size_t i, uint32_t *ret);

/**
 * @brief One usage value (MEMACCT_USAGE_*) of process @i, in bytes.
 * @return 0; -ENOENT when the process did not give it (a partial process
 *         has no PSS, USS or SWAP_PSS); -EOPNOTSUPP for an unknown key;
 *         -ERANGE; -EINVAL.
 */
MEMACCT_API int memacct_procs_get(const struct memacct_procs *p, size_t i, uint32_t key,
				  uint64_t *ret);

/** @brief 1 when process @i is partial (its smaps_rollup was denied), else 0; -ERANGE, -EINVAL. */
MEMACCT_API int memacct_procs_is_partial(const struct memacct_procs *p, size_t i);

/**
 * @brief The sum over the kept processes of one value (MEMACCT_USAGE_*).
 * @param ret_sum receives the sum of the processes that gave it.
 * @param ret_lacking NULL, or receives how many kept processes did not.
 * @return 0; -ENOENT when no process gave it (nothing is written);
 *         -EOVERFLOW when the sum does not fit in 64 bits; -EOPNOTSUPP;
 *         -EINVAL.
 */
MEMACCT_API int memacct_procs_get_total(const struct memacct_procs *p, uint32_t key,
					uint64_t *ret_sum, size_t *ret_lacking);

/**
 * @brief How many processes the last scan skipped for @reason
 * (MEMACCT_PROCS_VANISHED, ...), >= 0.
 * @return the count; -EOPNOTSUPP for an unknown reason; -EINVAL.
 */
MEMACCT_API int memacct_procs_count_skipped(const struct memacct_procs *p, uint32_t reason);

/** @brief How many kept processes are partial, >= 0; -EINVAL. */
MEMACCT_API int memacct_procs_count_partial(const struct memacct_procs *p);

/**
 * @brief The root's meminfo as the scan read it at @when
 * (MEMACCT_PROCS_AT_START or _AT_END). Borrowed.
 * @return 0; the read's error (-ENOENT when the tree has no meminfo,
 *         -EBADMSG, ...) when it could not be read; -EOPNOTSUPP; -EINVAL.
 */
MEMACCT_API int memacct_procs_get_meminfo(const struct memacct_procs *p, uint32_t when,
					  const struct memacct_meminfo **ret);

/**
 * @brief The lowest and the highest value that meminfo key @key
 * (MEMACCT_MEMINFO_*) took over the meminfo reads of the last scan (before
 * the listing, every 8 processes of the calling thread, after the last
 * one): how far it moved while the processes were read.
 * @return 0; -ENOENT when no read gave it; -EOPNOTSUPP for an unknown key;
 *         -EINVAL.
 */
MEMACCT_API int memacct_procs_get_meminfo_range(const struct memacct_procs *p, uint32_t key,
						uint64_t *ret_min, uint64_t *ret_max);

/**
 * @brief How long the last scan took, from the first meminfo read to the
 * last, in nanoseconds (CLOCK_MONOTONIC).
 * @return 0; -ENOENT before the first scan; -EINVAL.
 */
MEMACCT_API int memacct_procs_get_duration(const struct memacct_procs *p, uint64_t *ret_ns);

/**
 * @brief The unaccounted remainder X by the PSS formula (identities.md,
 * "Derived quantities"), in bytes, signed (X can be negative):
 *
 *   X = MemTotal - MemFree - kernel - (sum of Pss + (Cached - Mapped)
 *       + Buffers + hugetlb)
 *
 * with kernel and hugetlb as MEMACCT_DERIVED_KERNEL and _HUGETLB (no hugetlb
 * lines at all count as no pool), and the sum of Pss over the processes the
 * last scan kept. Pss splits each mapped page among the processes that map
 * it, so the sum counts every mapped page once; the page cache no process
 * maps (Cached - Mapped) and Buffers complete user memory.
 *
 * Every meminfo term comes from @mi, one read, so that X is comparable with
 * MEMACCT_DERIVED_UNACCOUNTED_LRU and _PAGECACHE of the same @mi. NULL
 * means the scan's own read just after its last process
 * (memacct_procs_get_meminfo(@p, MEMACCT_PROCS_AT_END)). Either way the
 * processes were read one after another, not at the instant of the meminfo
 * read: memacct_procs_get_meminfo_range() tells how far meminfo moved
 * meanwhile.
 *
 * The Pss of a process is unknown when it is kept partial (smaps_rollup
 * denied: another user's process without CAP_SYS_PTRACE), or skipped as
 * MEMACCT_PROCS_DENIED or _FAILED; after a MEMACCT_PROCS_CHEAP scan every
 * process's is. Unknown is never taken as 0: the function then returns 1,
 * and @ret receives X computed from the known Pss only, an upper bound (the
 * missing Pss, >= 0, could only lower it). A process that vanished or a
 * kernel thread has no Pss to miss.
 *
 * @param mi NULL, or the meminfo to take every term but the Pss from.
 * @param ret receives X (written when the return is 0 or 1).
 * @param ret_unknown NULL, or receives how many processes' Pss is unknown
 *        (written when @ret is).
 * @return 0: X is exact; 1: X is an upper bound, some Pss unknown;
 *         -ENOENT: no scan yet, the scan found no process with memory
 *         (e.g. a captured tree without PID directories), or a meminfo
 *         field it needs is absent (MemTotal, MemFree, Buffers, Cached,
 *         Mapped, Slab); with @mi NULL, the error of the scan's meminfo
 *         read; -EOVERFLOW when a sum does not fit; -EINVAL.
 */
MEMACCT_API int memacct_procs_get_unaccounted(const struct memacct_procs *p,
					      const struct memacct_meminfo *mi, int64_t *ret,
					      size_t *ret_unknown);

#ifdef __cplusplus
}
#endif

#endif
