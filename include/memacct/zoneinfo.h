/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_ZONEINFO_H
#define MEMACCT_ZONEINFO_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/zoneinfo, the parts the identity engine needs: for each zone its
 * node, name, free/managed/present pages and the per-CPU vmstat threshold
 * ("vm stats threshold", pages) that bounds counter drift. Lines the parser
 * does not use are passed over, but a "Node N, zone NAME" header or a used
 * line that is malformed fails with -EBADMSG (or is skipped and counted with
 * MEMACCT_PARSE_SKIP_BAD_LINES).
 */
struct memacct_zoneinfo;

MEMACCT_API int memacct_zoneinfo_new(struct memacct_zoneinfo **ret);
MEMACCT_API struct memacct_zoneinfo *memacct_zoneinfo_free(struct memacct_zoneinfo *zi);
MEMACCT_API int memacct_zoneinfo_set_flags(struct memacct_zoneinfo *zi, uint32_t flags);
MEMACCT_API int memacct_zoneinfo_parse(struct memacct_zoneinfo *zi, const char *buf, size_t len,
				       struct memacct_diag *diag);
MEMACCT_API int memacct_zoneinfo_read(struct memacct_zoneinfo *zi, struct memacct_source *src,
				      struct memacct_diag *diag);

/** @brief The number of lines the last lenient parse skipped, >= 0. */
MEMACCT_API int memacct_zoneinfo_count_skipped(const struct memacct_zoneinfo *zi);

/** @brief Number of zones, >= 0. */
MEMACCT_API int memacct_zoneinfo_count(const struct memacct_zoneinfo *zi);

/* Keys for memacct_zoneinfo_get(), all in pages. */
enum {
	MEMACCT_ZONEINFO_FREE = 1,	/* "pages free" */
	MEMACCT_ZONEINFO_MANAGED = 2,	/* "managed" */
	MEMACCT_ZONEINFO_PRESENT = 3,	/* "present" */
	MEMACCT_ZONEINFO_SPANNED = 4,	/* "spanned" */
	MEMACCT_ZONEINFO_THRESHOLD = 5,	/* "vm stats threshold" (highest printed for the zone) */
};

/** @brief Zone @i's node and name (borrowed). @return 0 or -ERANGE. */
MEMACCT_API int memacct_zoneinfo_at(const struct memacct_zoneinfo *zi, size_t i,
				    uint32_t *ret_node, const char **ret_zone);

/**
 * @brief A value of zone @i.
 * @return 0; -ERANGE; -ENOENT when the zone did not print it; -EOPNOTSUPP.
 */
MEMACCT_API int memacct_zoneinfo_get(const struct memacct_zoneinfo *zi, size_t i, uint32_t key,
				     uint64_t *ret);

/**
 * @brief The highest "vm stats threshold" over all zones, in pages.
 * @return 0, or -ENOENT when no zone printed one.
 */
MEMACCT_API int memacct_zoneinfo_get_max_threshold(const struct memacct_zoneinfo *zi,
						   uint64_t *ret);

#ifdef __cplusplus
}
#endif

#endif
