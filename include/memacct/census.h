/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CENSUS_H
#define MEMACCT_CENSUS_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The physical page census: every PFN of /proc/kpageflags and
 * /proc/kpagecount (and with MEMACCT_CENSUS_CGROUPS /proc/kpagecgroup),
 * counted in bytes per flag and for the combinations below (the job of the
 * kernel's tools/mm/page-types). Or the same over the present pages of one
 * process (memacct_census_read_pid), with a histogram of their mapcounts.
 *
 * The census is one pass in large chunks; a sparse capture is read run by
 * run. A flag describes the folio a page belongs to (the LRU, MMAP, THP
 * bits are set on every page of a large folio), so a combination counts
 * pages, not folios. fs/proc/page.c reads ANON and KSM from the folio's
 * mapping word, which a slab page uses for slab data (mm/slab.h struct slab),
 * so the ANON and KSM combinations leave SLAB pages out; the raw bits are
 * memacct_census_get_flag()'s. Values are bytes (pages times the source's
 * page size).
 * A handle is refilled by each read; once grown it allocates nothing.
 */
struct memacct_census;

/* Combinations for memacct_census_get(). Append-only. */
enum {
	MEMACCT_CENSUS_TOTAL = 1,	/* every PFN read */
	MEMACCT_CENSUS_ANON = 2,	/* ANON and not SLAB */
	MEMACCT_CENSUS_FILE = 3,	/* page cache: LRU or MMAP, not ANON, not SWAPBACKED */
	MEMACCT_CENSUS_SHMEM = 4,	/* SWAPBACKED and not ANON */
	MEMACCT_CENSUS_SLAB = 5,
	MEMACCT_CENSUS_BUDDY = 6,
	MEMACCT_CENSUS_PGTABLE = 7,
	MEMACCT_CENSUS_HUGETLB = 8,	/* HUGE */
	MEMACCT_CENSUS_THP = 9,
	MEMACCT_CENSUS_UNEVICTABLE = 10,
	MEMACCT_CENSUS_MLOCKED = 11,
	MEMACCT_CENSUS_DIRTY = 12,
	MEMACCT_CENSUS_WRITEBACK = 13,
	MEMACCT_CENSUS_SWAPCACHE = 14,
	MEMACCT_CENSUS_KSM = 15,	/* KSM and not SLAB */
	MEMACCT_CENSUS_ZERO_PAGE = 16,
	MEMACCT_CENSUS_IDLE = 17,
	MEMACCT_CENSUS_OFFLINE = 18,	/* OFFLINE or NOPAGE: no usable page */
	MEMACCT_CENSUS_LRU = 19,
	MEMACCT_CENSUS_LRU_ACTIVE = 20,	/* LRU and ACTIVE */
	MEMACCT_CENSUS_MAPPED_FILE = 21, /* not ANON, kpagecount > 0 (meminfo Mapped) */
	MEMACCT_CENSUS_MAPPED_ANON = 22, /* ANON, kpagecount > 0 (meminfo AnonPages) */
	MEMACCT_CENSUS_MMAP = 23,
	MEMACCT_CENSUS_DIRTY_FILE = 24,	/* DIRTY and not SWAPBACKED (meminfo Dirty) */
	MEMACCT_CENSUS_NO_FLAGS = 25,	/* no flag at all: kernel allocations off every list */
	MEMACCT_CENSUS_MAPPED = 26,	/* kpagecount > 0 */
	MEMACCT_CENSUS_BUDDY_HEADS = 27, /* BUDDY pages whose PFN - 1 is not BUDDY */
};

/* Flags of memacct_census_read*(). */
enum {
	MEMACCT_CENSUS_CGROUPS = 1u << 0,	/* also read kpagecgroup */
	MEMACCT_CENSUS_NO_COUNT = 1u << 1,	/* skip kpagecount: MAPPED* stay absent */
};

MEMACCT_API int memacct_census_new(struct memacct_census **ret);
MEMACCT_API struct memacct_census *memacct_census_free(struct memacct_census *c);

/**
 * @brief Read with @n threads: 0 (the default) one per online CPU
 * (sysconf(_SC_NPROCESSORS_ONLN)), 1 the calling thread alone.
 *
 * memacct_census_read() cuts the PFNs into chunks of 128 Ki PFNs (1 MiB of
 * each file) that the threads claim in order, the calling thread being one
 * of them; it starts and joins the others within the call, with every
 * signal blocked, and never more than the files have chunks. Each thread
 * has its own 1 MiB buffers and tables, kept by @c for the next read. The
 * results are exactly those of one thread. memacct_census_read_pid() reads
 * with the calling thread alone.
 * @return 0, or -EINVAL for a NULL @c.
 */
MEMACCT_API int memacct_census_set_threads(struct memacct_census *c, unsigned int n);

/**
 * @brief Count every PFN of @src's kpage* files.
 * @return 0; -EPERM (not root; @diag names the capability), -ENOENT,
 *         -EBADMSG (a bad capture), -ENOMEM, or a read error. On failure
 *         @c is left empty.
 */
MEMACCT_API int memacct_census_read(struct memacct_census *c, struct memacct_source *src,
				    uint32_t flags, struct memacct_diag *diag);

/**
 * @brief Count the present pages of process @pid (each virtual page once,
 * so a frame mapped twice by it counts twice), and their mapcounts.
 * Hugetlb and PFN-mapped pages are included as the kernel flags them.
 * @return as memacct_census_read(), and -ESRCH for a process gone.
 */
MEMACCT_API int memacct_census_read_pid(struct memacct_census *c, struct memacct_source *src,
					int pid, uint32_t flags, struct memacct_diag *diag);

/** @brief Bytes of a combination. @return 0, -ENOENT (not read), -EOPNOTSUPP. */
MEMACCT_API int memacct_census_get(const struct memacct_census *c, uint32_t key, uint64_t *ret);

/** @brief Bytes of pages with kpageflags bit @bit (0-63). @return 0, -ENOENT, -EINVAL. */
MEMACCT_API int memacct_census_get_flag(const struct memacct_census *c, unsigned int bit,
					uint64_t *ret);

/** @brief "anon", "file", "shmem", ... for a combination. @return 0 or -EOPNOTSUPP. */
MEMACCT_API int memacct_census_key_name(uint32_t key, const char **ret);

/** @brief The number of combination keys (they run from 1 to it). */
MEMACCT_API int memacct_census_key_count(void);

/**
 * @brief The pid of a per-process census, 0 for the whole machine, -ENOENT
 * when empty.
 */
MEMACCT_API int memacct_census_get_pid(const struct memacct_census *c);

/** @brief Distinct mapcounts seen (kpagecount values), ascending. */
MEMACCT_API int memacct_census_mapcount_count(const struct memacct_census *c);
/** @brief Entry @i: a mapcount and the bytes of pages with it. @return 0 or -ERANGE. */
MEMACCT_API int memacct_census_mapcount_at(const struct memacct_census *c, size_t i,
					   uint64_t *ret_mapcount, uint64_t *ret_bytes);

/** @brief memcgs seen (MEMACCT_CENSUS_CGROUPS), by inode number, ascending. */
MEMACCT_API int memacct_census_cgroup_count(const struct memacct_census *c);
/** @brief Entry @i: a memcg inode (0: no memcg) and its bytes. @return 0 or -ERANGE. */
MEMACCT_API int memacct_census_cgroup_at(const struct memacct_census *c, size_t i,
					 uint64_t *ret_ino, uint64_t *ret_bytes);

/**
 * Names for memcg inodes: the directories of a cgroup filesystem
 * (/sys/fs/cgroup, or its memory controller's hierarchy on cgroup v1), by
 * inode number, as fs/proc/page.c kpagecgroup_read reports them
 * (page_cgroup_ino: the inode of the memcg's cgroup directory).
 */
struct memacct_cgroups;

/**
 * @brief Walk @root (NULL: "/sys/fs/cgroup/memory" when it exists, else
 * "/sys/fs/cgroup") and index its directories by inode.
 * @return 0; -ENOENT when @root is absent, -ENOMEM.
 */
MEMACCT_API int memacct_cgroups_new(const char *root, struct memacct_cgroups **ret);
MEMACCT_API struct memacct_cgroups *memacct_cgroups_free(struct memacct_cgroups *cg);

/**
 * @brief The path of memcg inode @ino relative to the root ("/" for the
 * root itself, "/system.slice/x.service"), borrowed from @cg.
 * @return 0 or -ENOENT.
 */
MEMACCT_API int memacct_cgroups_path(const struct memacct_cgroups *cg, uint64_t ino,
				     const char **ret);

#ifdef __cplusplus
}
#endif

#endif
