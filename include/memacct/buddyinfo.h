/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_BUDDYINFO_H
#define MEMACCT_BUDDYINFO_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/buddyinfo: per node and zone, the number of free blocks of each
 * order ("Node 0, zone   Normal   2  666 ..."). Zone names are borrowed and
 * valid until the next _parse, _read or _free of the handle. Same strictness
 * rules and flags as meminfo.
 */
struct memacct_buddyinfo;

MEMACCT_API int memacct_buddyinfo_new(struct memacct_buddyinfo **ret);
MEMACCT_API struct memacct_buddyinfo *memacct_buddyinfo_free(struct memacct_buddyinfo *bi);
MEMACCT_API int memacct_buddyinfo_set_flags(struct memacct_buddyinfo *bi, uint32_t flags);
MEMACCT_API int memacct_buddyinfo_parse(struct memacct_buddyinfo *bi, const char *buf,
					size_t len, struct memacct_diag *diag);
MEMACCT_API int memacct_buddyinfo_read(struct memacct_buddyinfo *bi, struct memacct_source *src,
				       struct memacct_diag *diag);

/** @brief The number of lines the last lenient parse skipped, >= 0. */
MEMACCT_API int memacct_buddyinfo_count_skipped(const struct memacct_buddyinfo *bi);

/** @brief Number of zones, >= 0. */
MEMACCT_API int memacct_buddyinfo_count(const struct memacct_buddyinfo *bi);

/**
 * @brief Zone @i: its node, name, number of orders printed, and its free
 * pages (sum of count * 2^order). Any ret pointer may be NULL.
 * @return 0, -ERANGE past the end, -EOVERFLOW.
 */
MEMACCT_API int memacct_buddyinfo_at(const struct memacct_buddyinfo *bi, size_t i,
				     uint32_t *ret_node, const char **ret_zone,
				     uint32_t *ret_orders, uint64_t *ret_free_pages);

/**
 * @brief Free blocks of @order in zone @i.
 * @return 0, -ERANGE when @i or @order is past what the file printed.
 */
MEMACCT_API int memacct_buddyinfo_get_blocks(const struct memacct_buddyinfo *bi, size_t i,
					     uint32_t order, uint64_t *ret);

/**
 * @brief Free pages over every zone: sum of count * 2^order.
 * @return 0; -ENOENT when the file held no zone; -EOVERFLOW.
 */
MEMACCT_API int memacct_buddyinfo_get_free_pages(const struct memacct_buddyinfo *bi,
						 uint64_t *ret);

#ifdef __cplusplus
}
#endif

#endif
