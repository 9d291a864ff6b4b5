/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_VMSTAT_H
#define MEMACCT_VMSTAT_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/vmstat: "name value" lines. Values are kept as the kernel prints
 * them, because the file mixes units (most nr_* are pages, nr_kernel_stack is
 * kB, the rest are event counts); the caller converts. Names are borrowed and
 * valid until the next _parse, _read or _free. Same strictness rules and
 * flags as meminfo (a duplicate name, a missing or malformed value, a NUL
 * byte, a number past 2^64 fail).
 */
struct memacct_vmstat;

MEMACCT_API int memacct_vmstat_new(struct memacct_vmstat **ret);
MEMACCT_API struct memacct_vmstat *memacct_vmstat_free(struct memacct_vmstat *vs);
MEMACCT_API int memacct_vmstat_set_flags(struct memacct_vmstat *vs, uint32_t flags);
MEMACCT_API int memacct_vmstat_parse(struct memacct_vmstat *vs, const char *buf, size_t len,
				     struct memacct_diag *diag);
MEMACCT_API int memacct_vmstat_read(struct memacct_vmstat *vs, struct memacct_source *src,
				    struct memacct_diag *diag);

/** @brief The number of lines the last lenient parse skipped, >= 0. */
MEMACCT_API int memacct_vmstat_count_skipped(const struct memacct_vmstat *vs);

/** @brief The raw value of @name. @return 0 or -ENOENT. */
MEMACCT_API int memacct_vmstat_get_by_name(const struct memacct_vmstat *vs, const char *name,
					   uint64_t *ret);

/** @brief Number of lines, >= 0. */
MEMACCT_API int memacct_vmstat_count(const struct memacct_vmstat *vs);

/** @brief Line @i in file order. @return 0 or -ERANGE. */
MEMACCT_API int memacct_vmstat_at(const struct memacct_vmstat *vs, size_t i,
				  const char **ret_name, uint64_t *ret_value);

#ifdef __cplusplus
}
#endif

#endif
