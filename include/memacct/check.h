/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CHECK_H
#define MEMACCT_CHECK_H

#include <memacct/common.h>
#include <memacct/source.h>
#include <memacct/meminfo.h>
#include <memacct/buddyinfo.h>
#include <memacct/vmstat.h>
#include <memacct/zoneinfo.h>
#include <memacct/status.h>
#include <memacct/statm.h>
#include <memacct/maps.h>
#include <memacct/smaps.h>
#include <memacct/exact.h>
#include <memacct/census.h>
#include <memacct/procs.h>
#include <memacct/vmallocinfo.h>
#include <memacct/hugepages.h>
#include <memacct/nodes.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The identity engine: relations between the kernel's memory counters
 * (the catalog in identities.md), each checked and given a verdict with the
 * reason behind it.
 *
 * A snapshot borrows the parsed models it is given and owns none of them: the
 * caller keeps them alive and unchanged until the snapshot is freed or given
 * others. An identity whose input is not in the snapshot, or whose field is
 * absent from a file, is skipped and names what was missing; an absent field
 * is never read as zero.
 */
struct memacct_snapshot;

MEMACCT_API int memacct_snapshot_new(struct memacct_snapshot **ret);
MEMACCT_API struct memacct_snapshot *memacct_snapshot_free(struct memacct_snapshot *snap);

/* Attach a borrowed model (NULL detaches it). @return 0 or -EINVAL. */
MEMACCT_API int memacct_snapshot_set_meminfo(struct memacct_snapshot *snap,
					     const struct memacct_meminfo *mi);
MEMACCT_API int memacct_snapshot_set_buddyinfo(struct memacct_snapshot *snap,
					       const struct memacct_buddyinfo *bi);
MEMACCT_API int memacct_snapshot_set_vmstat(struct memacct_snapshot *snap,
					    const struct memacct_vmstat *vs);
MEMACCT_API int memacct_snapshot_set_zoneinfo(struct memacct_snapshot *snap,
					      const struct memacct_zoneinfo *zi);

/**
 * @brief Attach the borrowed files of one process for the per-process
 * identities ("one process, one file", "one process, several files"). Any may
 * be NULL (not read): the identities that need it are skipped. @maps holds
 * PID/maps, @smaps PID/smaps, @rollup PID/smaps_rollup (each parsed into its
 * own set). Their results carry @pid.
 * @return 0 or -EINVAL (@pid < 0).
 */
MEMACCT_API int memacct_snapshot_set_process(struct memacct_snapshot *snap, int pid,
					     const struct memacct_status *st,
					     const struct memacct_statm *sm,
					     const struct memacct_vmas *maps,
					     const struct memacct_vmas *smaps,
					     const struct memacct_vmas *rollup);

/**
 * @brief Attach a borrowed exact account of the process given to
 * memacct_snapshot_set_process() (same pid, else -EINVAL), for the
 * pagemap.* and pages.pss/uss_from_mapcount identities, which compare it
 * with that process's smaps. NULL detaches it.
 */
MEMACCT_API int memacct_snapshot_set_exact(struct memacct_snapshot *snap,
					   const struct memacct_exact *ex);

/**
 * @brief Attach a borrowed whole-machine census (memacct_census_read()) for
 * the pages.* identities against meminfo and buddyinfo. A per-process
 * census is refused (-EINVAL). NULL detaches it.
 */
MEMACCT_API int memacct_snapshot_set_census(struct memacct_snapshot *snap,
					    const struct memacct_census *c);

/**
 * @brief Attach a borrowed scan of every process (memacct_procs_read()) for
 * the system.* identities, which compare its sums with the attached meminfo.
 * NULL detaches it.
 */
MEMACCT_API int memacct_snapshot_set_procs(struct memacct_snapshot *snap,
					   const struct memacct_procs *procs);

/**
 * @brief Attach the borrowed hugetlb pools (memacct_hugepages_read()) for the
 * hugetlb.* identities, which compare them with the attached meminfo. NULL
 * detaches them.
 */
MEMACCT_API int memacct_snapshot_set_hugepages(struct memacct_snapshot *snap,
					       const struct memacct_hugepages *hp);

/**
 * @brief Attach the borrowed NUMA nodes (memacct_nodes_read()) for
 * numa.nodes_sum, which compares their sums with the attached meminfo. NULL
 * detaches them.
 */
MEMACCT_API int memacct_snapshot_set_nodes(struct memacct_snapshot *snap,
					   const struct memacct_nodes *nodes);

/**
 * @brief Attach a borrowed /proc/vmallocinfo (memacct_vmallocinfo_read())
 * for vmalloc.used_vs_vmallocinfo, which compares it with the attached
 * meminfo's VmallocUsed. NULL detaches it.
 */
MEMACCT_API int memacct_snapshot_set_vmallocinfo(struct memacct_snapshot *snap,
						 const struct memacct_vmallocinfo *vi);

/**
 * @brief The kernel release the inputs come from, as in
 * sys/kernel/osrelease ("6.18.44-fc-v1272"; a trailing newline is allowed),
 * for identities whose definition changed between kernels. NULL, or a
 * length of 0, unsets it.
 * @return 0; -EBADMSG when it does not start with "MAJOR.MINOR".
 */
MEMACCT_API int memacct_snapshot_set_osrelease(struct memacct_snapshot *snap,
					       const char *release, size_t len);

/* Keys for memacct_snapshot_set_value(). */
enum {
	MEMACCT_SNAPSHOT_PAGE_SIZE = 1,	/* bytes */
	MEMACCT_SNAPSHOT_NCPUS = 2,
	/* 1: the inputs were read from a live system at different moments */
	MEMACCT_SNAPSHOT_LIVE = 3,
	/* 1: per-CPU vmstat deltas were folded (vm/stat_refresh) before reading */
	MEMACCT_SNAPSHOT_FOLDED = 4,
};

/** @brief Set a property of the snapshot. @return 0, -EINVAL, -EOPNOTSUPP. */
MEMACCT_API int memacct_snapshot_set_value(struct memacct_snapshot *snap, uint32_t key,
					   uint64_t value);

/**
 * @brief Copy the page size, CPU count and liveness of @src into @snap (the
 * source is not kept). Properties the source does not know are left unset.
 */
MEMACCT_API int memacct_snapshot_set_source(struct memacct_snapshot *snap,
					    const struct memacct_source *src);

/* Classes of identity. */
enum {
	MEMACCT_CHECK_EXACT = 1,	/* both sides from the same values in one print */
	MEMACCT_CHECK_BOUND = 2,	/* an inequality, up to per-CPU drift */
	MEMACCT_CHECK_APPROX = 3,	/* an equality up to drift and named caveats */
};

/* Verdicts. */
enum {
	MEMACCT_CHECK_HOLDS = 1,
	MEMACCT_CHECK_CAVEAT = 2,	/* holds once the named caveat is allowed for */
	MEMACCT_CHECK_VIOLATED = 3,
	MEMACCT_CHECK_SKIPPED = 4,	/* an input is missing */
};

enum {
	/* opts.tolerance_bytes is set: use it for every identity */
	MEMACCT_CHECK_OPT_TOLERANCE_BYTES = 1u << 0,
	/* opts.tolerance_ppm is set: parts per million of the larger side */
	MEMACCT_CHECK_OPT_TOLERANCE_PPM = 1u << 1,
};

struct memacct_check_opts {
	size_t sz;			/* sizeof(struct memacct_check_opts) */
	uint64_t flags;			/* MEMACCT_CHECK_OPT_* */
	uint64_t tolerance_bytes;
	uint32_t tolerance_ppm;
	uint32_t _reserved;		/* must be 0 */
	/* NULL-terminated lists of ids or "group.*" patterns; NULL = all / none */
	const char *const *only;
	const char *const *skip;
};

/**
 * One verdict. Library-allocated and read-only; valid only during the
 * callback. Grows only at the end: test ->sz before reading a newer field.
 */
struct memacct_check_result {
	size_t sz;
	const char *id;			/* stable, e.g. "meminfo.slab_split" */
	uint32_t kind;			/* MEMACCT_CHECK_EXACT/BOUND/APPROX */
	uint32_t status;		/* MEMACCT_CHECK_HOLDS/... */
	int64_t residual;		/* lhs - rhs, bytes */
	uint64_t lhs;			/* bytes, or a count: see unit */
	uint64_t rhs;
	uint64_t tolerance;		/* bytes */
	const char *relation;		/* the relation (or the part of it) reported */
	const char *tolerance_source;	/* where the tolerance came from */
	const char *reason;		/* one sentence: why this verdict */
	const char *caveat;		/* the caveat allowed for, or NULL */
	const char *missing;		/* for SKIPPED: the missing inputs, or NULL */
	const char *source;		/* kernel source the relation comes from */
	/* MEMACCT_UNIT_BYTES, or MEMACCT_UNIT_COUNT when lhs, rhs, residual and
	 * tolerance count things (huge pages of meminfo.hugetlb_pool) */
	uint32_t unit;
	int32_t pid;			/* the process of a per-process identity; 0 for the system */
};

/* Return 0 to go on, a negative errno to stop the run with that value. */
typedef int (*memacct_check_fn)(const struct memacct_check_result *r, void *userdata);

/**
 * @brief Check every identity the snapshot can feed (and skip, with a reason,
 * those it cannot), calling @fn once per identity in catalog order.
 * @param opts NULL or options with .sz set.
 * @return the number of identities violated (>= 0), a negative value @fn
 *         returned, -EINVAL, -E2BIG, -ENOMEM.
 */
MEMACCT_API int memacct_check_run(const struct memacct_snapshot *snap,
				  const struct memacct_check_opts *opts, memacct_check_fn fn,
				  void *userdata);

/** A catalog entry: static, valid for the life of the library. */
struct memacct_check_info {
	size_t sz;
	const char *id;
	uint32_t kind;
	uint32_t _reserved;
	const char *relation;		/* the relation, in the catalog's words */
	const char *inputs;		/* files it reads, e.g. "meminfo, buddyinfo" */
	const char *source;		/* kernel source it is checked against */
};

/** @brief The number of identities the library knows, >= 0. */
MEMACCT_API int memacct_check_count(void);

/** @brief Catalog entry @i. @return 0 or -ERANGE. */
MEMACCT_API int memacct_check_at(size_t i, const struct memacct_check_info **ret);

/** @brief "exact", "bound", "approx". @return 0 or -EOPNOTSUPP. */
MEMACCT_API int memacct_check_kind_name(uint32_t kind, const char **ret);

/** @brief "holds", "caveat", "violated", "skipped". @return 0 or -EOPNOTSUPP. */
MEMACCT_API int memacct_check_status_name(uint32_t status, const char **ret);

#ifdef __cplusplus
}
#endif

#endif
