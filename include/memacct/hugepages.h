/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_HUGEPAGES_H
#define MEMACCT_HUGEPAGES_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The hugetlb pools, one per huge page size, from
 * /sys/kernel/mm/hugepages/hugepages-<size>kB/ (nr_hugepages, free_hugepages,
 * resv_hugepages, surplus_hugepages, nr_overcommit_hugepages). The sysfs tree
 * is found beside the source's root: ROOT/../sys, i.e. /sys for the live
 * "/proc" and DIR/sys for a capture whose root is DIR/proc.
 *
 * Pools are sorted by size, smallest first. A pool file that is absent reads
 * as -ENOENT for its key, never as 0. The handle is refilled by each _read;
 * once it has grown to fit, refilling allocates nothing.
 */
struct memacct_hugepages;

/* Keys of memacct_hugepages_get(). Values are stable and append-only. */
enum {
	MEMACCT_HUGEPAGES_SIZE = 1,		/* bytes, from the directory name */
	MEMACCT_HUGEPAGES_NR = 2,		/* nr_hugepages, count */
	MEMACCT_HUGEPAGES_FREE = 3,		/* free_hugepages, count */
	MEMACCT_HUGEPAGES_RESV = 4,		/* resv_hugepages, count */
	MEMACCT_HUGEPAGES_SURPLUS = 5,		/* surplus_hugepages, count */
	MEMACCT_HUGEPAGES_NR_OVERCOMMIT = 6,	/* nr_overcommit_hugepages, count */
};

/** @brief Allocate an empty handle (no pool). @return 0 or -ENOMEM/-EINVAL. */
MEMACCT_API int memacct_hugepages_new(struct memacct_hugepages **ret);

/** @brief Free @hp. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_hugepages *memacct_hugepages_free(struct memacct_hugepages *hp);

/**
 * @brief Read every pool under ROOT/../sys/kernel/mm/hugepages.
 * @param diag NULL, or receives the file (as key) and a message on failure.
 * @return 0 (possibly with no pool, when the directory is empty);
 *         -ENOENT when the directory is absent: the kernel has no hugetlb
 *         support (CONFIG_HUGETLBFS off, or no huge page size), or a capture
 *         has no sys/ tree (diag's message says which);
 *         -EACCES or another read error when it exists but cannot be read;
 *         -EBADMSG for a pool directory name or a pool file that is not a
 *         number; -EOVERFLOW; -ENOMEM. On failure @hp holds no pool.
 */
MEMACCT_API int memacct_hugepages_read(struct memacct_hugepages *hp, struct memacct_source *src,
				       struct memacct_diag *diag);

/** @brief The number of pools (huge page sizes) found, >= 0. */
MEMACCT_API int memacct_hugepages_count(const struct memacct_hugepages *hp);

/**
 * @brief A value (MEMACCT_HUGEPAGES_*) of pool @i, sorted by size.
 * @return 0; -ENOENT when the pool's file for @key is absent; -ERANGE when
 *         @i is past the end; -EOPNOTSUPP for a key this library version
 *         does not know.
 */
MEMACCT_API int memacct_hugepages_get(const struct memacct_hugepages *hp, size_t i, uint32_t key,
				      uint64_t *ret);

#ifdef __cplusplus
}
#endif

#endif
