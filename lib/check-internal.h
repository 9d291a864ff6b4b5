/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CHECK_INTERNAL_H
#define MEMACCT_CHECK_INTERNAL_H

#include "internal.h"

struct memacct_snapshot {
	const struct memacct_meminfo *mi;
	const struct memacct_buddyinfo *bi;
	const struct memacct_vmstat *vs;
	const struct memacct_zoneinfo *zi;
	/* One process (memacct_snapshot_set_process), each NULL when not read. */
	int pid;
	const struct memacct_status *st;
	const struct memacct_statm *sm;
	const struct memacct_vmas *maps;
	const struct memacct_vmas *smaps;
	const struct memacct_vmas *rollup;
	const struct memacct_exact *exact;	/* of the same process, or NULL */
	const struct memacct_census *census;	/* the whole machine, or NULL */
	const struct memacct_procs *procs;	/* every process (a system scan), or NULL */
	const struct memacct_hugepages *hp;	/* the hugetlb pools (sysfs), or NULL */
	const struct memacct_nodes *nodes;	/* the NUMA nodes' meminfo (sysfs), or NULL */
	const struct memacct_vmallocinfo *vi;	/* /proc/vmallocinfo, or NULL */
	uint32_t kernel_version;	/* (major << 16) | (minor << 8) | min(patch, 255); 0 = unset */
	uint64_t page_size;	/* 0 = unset */
	uint64_t ncpus;		/* 0 = unset */
	uint8_t live;		/* 0, 1, or UNSET */
	uint8_t folded;
};

#define SNAPSHOT_UNSET 0xff

/* How the two sides of one comparison relate. */
enum {
	CMP_EQ = 1,	/* lhs = rhs */
	CMP_LE = 2,	/* lhs <= rhs */
	CMP_GE = 3,	/* lhs >= rhs */
};

/*
 * One comparison of an identity. An identity with several ("A <= B and
 * C <= D") fills one part per comparison; the run checks the parts whose
 * inputs are present and reports the worst.
 */
struct check_part {
	const char *lhs_text;	/* "Active(anon) + Active(file)" */
	const char *rhs_text;
	uint64_t lhs, rhs;	/* bytes, or counts when unit != 0 */
	uint64_t unit;		/* 0: bytes; else bytes per count (a count relation) */
	uint32_t counters;	/* per-CPU vmstat counters behind the two sides */
	/* A fixed tolerance (truncation) used instead of drift; 0 = none. */
	uint64_t slack;
	const char *slack_text;	/* where the slack comes from */
	uint8_t cmp;		/* CMP_* */
	char miss[160];		/* the absent inputs, ", "-separated; "" = checkable */

	/* Filled by the run. */
	uint64_t tolerance;
	int64_t residual;
	uint32_t status;	/* MEMACCT_CHECK_HOLDS or _VIOLATED */
	double margin;		/* bytes left before a violation; < 0 when violated */
};

struct check_run;

struct check_def {
	struct memacct_check_info info;	/* first: memacct_check_at() returns &def->info */
	void (*run)(struct check_run *r);
};

/* The "meminfo alone" table and its two-file companions (check-meminfo.c). */
hidden extern const struct check_def check_meminfo_defs[];
hidden extern const size_t check_meminfo_ndefs;

/* "one process, one file" and "one process, several files" (check-process.c). */
hidden extern const struct check_def check_process_defs[];
hidden extern const size_t check_process_ndefs;

/* pagemap.* and pages.{pss,uss}_from_mapcount, per process (check-pages.c). */
hidden extern const struct check_def check_pagemap_defs[];
hidden extern const size_t check_pagemap_ndefs;

/* pages.* of the whole-machine census (check-census.c). */
hidden extern const struct check_def check_census_defs[];
hidden extern const size_t check_census_ndefs;

/* "the whole system (every process)" (check-system.c). */
hidden extern const struct check_def check_system_defs[];
hidden extern const size_t check_system_ndefs;

/* hugetlb.* and numa.*: meminfo against sysfs (check-kernel.c). */
hidden extern const struct check_def check_kernel_defs[];
hidden extern const size_t check_kernel_ndefs;

/* vmalloc.*: meminfo against vmallocinfo (check-vmalloc.c). */
hidden extern const struct check_def check_vmalloc_defs[];
hidden extern const size_t check_vmalloc_ndefs;

/*
 * Helpers for identity implementations (check.c). The current identity's
 * result is built in the run; every string lives in the run's scratch space.
 */

/* The meminfo value of @key into *@v (0 when absent); when absent (or no
 * meminfo is attached) the name joins the missing list of @part. With @part
 * NULL it only probes an optional input. */
hidden bool check_mi(struct check_run *r, struct check_part *part, uint32_t key, uint64_t *v);
/* The same for a vmstat counter (named "vmstat:NAME" in the missing list). */
hidden bool check_vs(struct check_run *r, struct check_part *part, const char *name, uint64_t *v);
/* buddyinfo free pages; -EOVERFLOW reads as absent with a note. */
hidden bool check_bi_free_pages(struct check_run *r, struct check_part *part, uint64_t *v);
/* The snapshot's page size (assumed 4096 when unset; the tolerance says so). */
hidden uint64_t check_page_size(const struct check_run *r);
hidden bool check_page_size_known(const struct check_run *r);
hidden bool check_has_meminfo(const struct check_run *r);
/* Add @name to the missing list of @part (nothing when @part is NULL). */
hidden void check_missing(struct check_run *r, struct check_part *part, const char *name);
hidden bool check_live(const struct check_run *r);
hidden const struct memacct_snapshot *check_snap(const struct check_run *r);

/* a + b, or UINT64_MAX when it does not fit. */
static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

static inline uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t p;

	return __builtin_mul_overflow(a, b, &p) ? UINT64_MAX : p;
}

/*
 * Judge @n parts and fill the result from the worst checked one (or skip the
 * identity when none could be checked). @hint is appended to the reason of a
 * violation; NULL for none. @return the index of the part reported, or -1
 * when skipped.
 */
hidden int check_parts(struct check_run *r, struct check_part *parts, size_t n,
			const char *hint);

/* Judge one part alone (status, residual, tolerance, margin). */
hidden void check_judge(const struct check_run *r, struct check_part *p);
/* True when judged @a is worse than judged @b (violated first, then the smaller margin). */
hidden bool check_part_worse(const struct check_part *a, const struct check_part *b);

/*
 * After check_parts() on an approx identity found a violation: turn it into
 * a caveat, with @text naming it and giving the amount (printf-style).
 */
hidden void check_caveat(struct check_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append printf-style text to the reason being built. */
hidden void check_reason_add(struct check_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The result being built (status, residual, ...), read-only for identities. */
hidden const struct memacct_check_result *check_result(const struct check_run *r);

/* Format bytes as "N kB" (or "N B" when not a multiple of 1024) into @buf. */
hidden const char *check_fmt_bytes(char *buf, size_t sz, uint64_t v);
hidden const char *check_fmt_sbytes(char *buf, size_t sz, int64_t v);

#endif
