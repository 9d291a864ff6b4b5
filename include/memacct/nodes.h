/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_NODES_H
#define MEMACCT_NODES_H

#include <memacct/common.h>
#include <memacct/meminfo.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The NUMA nodes' meminfo, /sys/devices/system/node/node<N>/meminfo, each
 * parsed by the meminfo parser (the "Node N " prefix of every line is checked
 * and dropped). The sysfs tree is found beside the source's root:
 * ROOT/../sys, i.e. /sys for the live "/proc" and DIR/sys for a capture whose
 * root is DIR/proc.
 *
 * Nodes are sorted by id. The meminfo handles returned are borrowed, valid
 * until the next _read or _free of @nodes. Once the handle has grown to fit,
 * refilling allocates nothing.
 */
struct memacct_nodes;

/** @brief Allocate an empty handle (no node). @return 0 or -ENOMEM/-EINVAL. */
MEMACCT_API int memacct_nodes_new(struct memacct_nodes **ret);

/** @brief Free @nodes. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_nodes *memacct_nodes_free(struct memacct_nodes *nodes);

/**
 * @brief Read every node<N>/meminfo under ROOT/../sys/devices/system/node.
 * @param diag NULL, or receives the line, column, key and a message on failure.
 * @return 0; -ENOENT when the directory is absent (a kernel without
 *         CONFIG_NUMA, or a capture without a sys/ tree) or a node has no
 *         meminfo file; -EBADMSG when a node file is malformed or its lines
 *         do not all carry "Node N" with the directory's N; -EOVERFLOW;
 *         -ENOMEM; another read error. On failure @nodes holds no node.
 */
MEMACCT_API int memacct_nodes_read(struct memacct_nodes *nodes, struct memacct_source *src,
				   struct memacct_diag *diag);

/** @brief The number of nodes found, >= 0. */
MEMACCT_API int memacct_nodes_count(const struct memacct_nodes *nodes);

/** @brief The id N of node @i (from "nodeN"). @return 0, or -ERANGE. */
MEMACCT_API int memacct_nodes_get_id(const struct memacct_nodes *nodes, size_t i, int *ret);

/**
 * @brief The parsed meminfo of node @i (borrowed). Sizes are bytes, the
 * HugePages_* lines counts, as for /proc/meminfo; node-only fields
 * (MemUsed, FilePages, KReclaimable, ...) have their own keys.
 * @return 0, or -ERANGE.
 */
MEMACCT_API int memacct_nodes_get_meminfo(const struct memacct_nodes *nodes, size_t i,
					  const struct memacct_meminfo **ret);

#ifdef __cplusplus
}
#endif

#endif
