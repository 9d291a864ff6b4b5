/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "check-internal.h"

/*
 * identities.md, "one process, one file" and "one process, several files":
 * relations inside one print of /proc/PID/status, smaps or smaps_rollup, and
 * between the files of one pid. Per-VMA identities report the worst VMA.
 */

#define ST(k) MEMACCT_STATUS_##k
#define SM(k) MEMACCT_SMAPS_##k

#define SRC_SHOW_SMAP "fs/proc/task_mmu.c show_smap, __show_smap, smaps_account"
#define SRC_ROLLUP "fs/proc/task_mmu.c show_smaps_rollup, __show_smap, smaps_account"
#define SRC_TASK_MEM "fs/proc/task_mmu.c task_mem, fs/proc/array.c proc_pid_status"

#define KB 1024u

static const char exact_hint[] =
	"both sides come from the same values in one print of the file, so the file is "
	"damaged or was misparsed";
static const char pss_slack[] =
	"1 kB: Pss-like fields are summed in fixed point and truncated to kB once per VMA "
	"(fs/proc/task_mmu.c PSS_SHIFT)";

/* --- inputs ------------------------------------------------------------ */

static bool st_get(struct check_run *r, struct check_part *p, uint32_t key, uint64_t *v)
{
	const struct memacct_snapshot *s = check_snap(r);
	const char *name = "?";
	char buf[64];

	*v = 0;
	if (!s->st) {
		check_missing(r, p, "status");
		return false;
	}
	if (memacct_status_get(s->st, key, v) == 0)
		return true;
	*v = 0;
	memacct_status_key_name(key, &name);
	snprintf(buf, sizeof(buf), "status:%s", name);
	check_missing(r, p, buf);
	return false;
}

static bool sm_get(struct check_run *r, struct check_part *p, uint32_t bit, const char *name,
		   const uint64_t *field, uint64_t *v)
{
	const struct memacct_snapshot *s = check_snap(r);
	char buf[64];

	*v = 0;
	if (!s->sm) {
		check_missing(r, p, "statm");
		return false;
	}
	if (s->sm->present & bit) {
		*v = *field;
		return true;
	}
	snprintf(buf, sizeof(buf), "statm:%s", name);
	check_missing(r, p, buf);
	return false;
}

/* A field of one VMA of @file ("smaps" or "smaps_rollup"). */
static bool vma_get(struct check_run *r, struct check_part *p, const struct memacct_vma *vma,
		    const char *file, uint32_t key, uint64_t *v)
{
	const char *name = "?";
	char buf[64];

	*v = 0;
	if (memacct_vma_get(vma, key, v) == 0)
		return true;
	*v = 0;
	memacct_smaps_key_name(key, &name);
	snprintf(buf, sizeof(buf), "%s:%s", file, name);
	check_missing(r, p, buf);
	return false;
}

/* The smaps_rollup pseudo-VMA, or NULL with "smaps_rollup" missing. */
static const struct memacct_vma *rollup_vma(struct check_run *r, struct check_part *p)
{
	const struct memacct_snapshot *s = check_snap(r);
	const struct memacct_vma *v = s->rollup && memacct_vmas_count(s->rollup) > 0 ?
		memacct_vmas_at(s->rollup, 0) : NULL;

	if (!v)
		check_missing(r, p, "smaps_rollup");
	return v;
}

/* The sum of @key over every smaps VMA; missing when smaps or the field is absent. */
static bool smaps_sum(struct check_run *r, struct check_part *p, uint32_t key, uint64_t *sum)
{
	const struct memacct_snapshot *s = check_snap(r);
	int n = s->smaps ? memacct_vmas_count(s->smaps) : -1;
	uint64_t v;
	bool ok = true;

	*sum = 0;
	if (n < 0) {
		check_missing(r, p, "smaps");
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (!vma_get(r, p, memacct_vmas_at(s->smaps, (size_t)i), "smaps", key, &v))
			ok = false;
		*sum = sat_add(*sum, v);
	}
	return ok;
}

static void vma_desc(char *buf, size_t sz, const struct memacct_vma *vma)
{
	uint64_t a = 0, b = 0;
	const char *path = NULL;

	memacct_vma_get(vma, MEMACCT_VMA_START, &a);
	memacct_vma_get(vma, MEMACCT_VMA_END, &b);
	if (memacct_vma_get_path(vma, &path) < 0 || !path)
		path = "";
	snprintf(buf, sz, "%08" PRIx64 "-%08" PRIx64 "%s%.80s", a, b, *path ? " " : "", path);
}

/*
 * A file read at several moments of a live process: a residual may be the
 * process changing between the reads. Turns a violation into that caveat.
 */
static bool live_caveat(struct check_run *r)
{
	const struct memacct_check_result *res = check_result(r);
	char a[48];

	if (res->status != MEMACCT_CHECK_VIOLATED || !check_live(r))
		return false;
	check_caveat(r, "the files were read one after the other from a live process, which "
		     "may have changed between the reads (residual %s)",
		     check_fmt_sbytes(a, sizeof(a), res->residual));
	return true;
}

/* --- per-VMA identities ----------------------------------------------- */

#define MAX_VMA_PARTS 8

typedef size_t (*vma_parts_fn)(struct check_run *r, struct check_part *p,
			       const struct memacct_vma *vma, const struct memacct_vma *prev);

/* Run @fn's parts over every smaps VMA; report the worst VMA of the worst part. */
static void per_vma(struct check_run *r, vma_parts_fn fn, const char *hint)
{
	const struct memacct_snapshot *s = check_snap(r);
	struct check_part worst[MAX_VMA_PARTS], p[MAX_VMA_PARTS];
	size_t at[MAX_VMA_PARTS] = { 0 }, np = 0;
	bool checked[MAX_VMA_PARTS] = { false };
	int n = s->smaps ? memacct_vmas_count(s->smaps) : -1;
	char desc[160];
	int k;

	memset(worst, 0, sizeof(worst));
	if (n <= 0) {
		np = fn(r, worst, NULL, NULL);
		for (size_t j = 0; j < np; j++)
			check_missing(r, &worst[j], n < 0 ? "smaps" : "smaps (no VMA)");
		check_parts(r, worst, np, hint);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct memacct_vma *vma = memacct_vmas_at(s->smaps, (size_t)i);
		const struct memacct_vma *prev = NULL;

		if (i)
			prev = memacct_vmas_at(s->smaps, (size_t)i - 1);

		memset(p, 0, sizeof(p));
		np = fn(r, p, vma, prev);
		for (size_t j = 0; j < np; j++) {
			if (p[j].miss[0]) {
				if (!checked[j] && !worst[j].miss[0])
					worst[j] = p[j];
				continue;
			}
			check_judge(r, &p[j]);
			if (!checked[j] || check_part_worse(&p[j], &worst[j])) {
				worst[j] = p[j];
				at[j] = (size_t)i;
				checked[j] = true;
			}
		}
	}
	k = check_parts(r, worst, np, hint);
	if (k < 0)
		return;
	vma_desc(desc, sizeof(desc), memacct_vmas_at(s->smaps, at[k]));
	check_reason_add(r, "; %s VMA: %s (%zu of %d)",
			 check_result(r)->status == MEMACCT_CHECK_VIOLATED ? "the worst" :
			 "the closest", desc, at[k] + 1, n);
}

/* fs/proc/task_mmu.c smaps_account: each page adds its size to Rss and to exactly one of
 * the four Shared/Private Clean/Dirty fields (smaps_page_accumulate). */
static size_t rss_split_parts(struct check_run *r, struct check_part *p,
			      const struct memacct_vma *v, const struct memacct_vma *prev)
{
	uint64_t a, b, c, d;

	(void)prev;
	p[0] = (struct check_part){ .lhs_text = "Rss", .rhs_text =
		"Shared_Clean + Shared_Dirty + Private_Clean + Private_Dirty", .cmp = CMP_EQ };
	if (!v)
		return 1;
	vma_get(r, &p[0], v, "smaps", SM(RSS), &p[0].lhs);
	vma_get(r, &p[0], v, "smaps", SM(SHARED_CLEAN), &a);
	vma_get(r, &p[0], v, "smaps", SM(SHARED_DIRTY), &b);
	vma_get(r, &p[0], v, "smaps", SM(PRIVATE_CLEAN), &c);
	vma_get(r, &p[0], v, "smaps", SM(PRIVATE_DIRTY), &d);
	p[0].rhs = sat_add(sat_add(a, b), sat_add(c, d));
	return 1;
}

static void smaps_rss_split(struct check_run *r)
{
	per_vma(r, rss_split_parts, exact_hint);
}

/*
 * smaps_page_accumulate: a private page adds its whole size to Pss, a shared
 * one size / mapcount, so Private <= Pss <= Rss; Pss_Dirty, pss_locked (only
 * for VM_LOCKED) and SwapPss are parts of the same sums. Pss and the other
 * fixed-point fields are truncated to kB separately: 1 kB of slack.
 */
static size_t pss_bounds_parts(struct check_run *r, struct check_part *p,
			       const struct memacct_vma *v, const struct memacct_vma *prev)
{
	uint64_t pc, pd;

	(void)prev;
	p[0] = (struct check_part){ .lhs_text = "Private_Clean + Private_Dirty", .rhs_text = "Pss",
		.cmp = CMP_LE, .slack = KB, .slack_text = pss_slack };
	p[1] = (struct check_part){ .lhs_text = "Pss", .rhs_text = "Rss", .cmp = CMP_LE,
		.slack = KB, .slack_text = pss_slack };
	p[2] = (struct check_part){ .lhs_text = "Pss_Dirty", .rhs_text = "Pss", .cmp = CMP_LE,
		.slack = KB, .slack_text = pss_slack };
	p[3] = (struct check_part){ .lhs_text = "SwapPss", .rhs_text = "Swap", .cmp = CMP_LE,
		.slack = KB, .slack_text = pss_slack };
	p[4] = (struct check_part){ .lhs_text = "Locked", .rhs_text = "Pss", .cmp = CMP_LE,
		.slack = KB, .slack_text = pss_slack };
	p[5] = (struct check_part){ .lhs_text = "LazyFree", .rhs_text = "Anonymous",
		.cmp = CMP_LE };
	p[6] = (struct check_part){ .lhs_text = "KSM", .rhs_text = "Anonymous", .cmp = CMP_LE };
	if (!v)
		return 7;
	vma_get(r, &p[0], v, "smaps", SM(PRIVATE_CLEAN), &pc);
	vma_get(r, &p[0], v, "smaps", SM(PRIVATE_DIRTY), &pd);
	p[0].lhs = sat_add(pc, pd);
	vma_get(r, &p[0], v, "smaps", SM(PSS), &p[0].rhs);
	vma_get(r, &p[1], v, "smaps", SM(PSS), &p[1].lhs);
	vma_get(r, &p[1], v, "smaps", SM(RSS), &p[1].rhs);
	vma_get(r, &p[2], v, "smaps", SM(PSS_DIRTY), &p[2].lhs);
	vma_get(r, &p[2], v, "smaps", SM(PSS), &p[2].rhs);
	vma_get(r, &p[3], v, "smaps", SM(SWAPPSS), &p[3].lhs);
	vma_get(r, &p[3], v, "smaps", SM(SWAP), &p[3].rhs);
	vma_get(r, &p[4], v, "smaps", SM(LOCKED), &p[4].lhs);
	vma_get(r, &p[4], v, "smaps", SM(PSS), &p[4].rhs);
	vma_get(r, &p[5], v, "smaps", SM(LAZYFREE), &p[5].lhs);
	vma_get(r, &p[5], v, "smaps", SM(ANONYMOUS), &p[5].rhs);
	vma_get(r, &p[6], v, "smaps", SM(KSM), &p[6].lhs);
	vma_get(r, &p[6], v, "smaps", SM(ANONYMOUS), &p[6].rhs);
	return 7;
}

static void smaps_pss_bounds(struct check_run *r)
{
	per_vma(r, pss_bounds_parts, "a share of a page cannot exceed the page, nor a part its "
		"whole, so the file is damaged or was misparsed");
}

/*
 * smaps_pte_entry: a present page adds to Rss, a swap entry to Swap, each
 * address at most once (shmem holes add swapped shmem: still within the
 * range); Anonymous and AnonHugePages count present anon pages only.
 * Hugetlb pages go to Shared/Private_Hugetlb (smaps_hugetlb_range), in none
 * of these.
 */
static size_t size_bounds_parts(struct check_run *r, struct check_part *p,
				const struct memacct_vma *v, const struct memacct_vma *prev)
{
	uint64_t rss, swap;

	(void)prev;
	p[0] = (struct check_part){ .lhs_text = "Rss + Swap", .rhs_text = "Size", .cmp = CMP_LE };
	p[1] = (struct check_part){ .lhs_text = "AnonHugePages", .rhs_text = "Anonymous",
		.cmp = CMP_LE };
	p[2] = (struct check_part){ .lhs_text = "Anonymous", .rhs_text = "Rss", .cmp = CMP_LE };
	if (!v)
		return 3;
	vma_get(r, &p[0], v, "smaps", SM(RSS), &rss);
	vma_get(r, &p[0], v, "smaps", SM(SWAP), &swap);
	p[0].lhs = sat_add(rss, swap);
	vma_get(r, &p[0], v, "smaps", SM(SIZE), &p[0].rhs);
	vma_get(r, &p[1], v, "smaps", SM(ANONHUGEPAGES), &p[1].lhs);
	vma_get(r, &p[1], v, "smaps", SM(ANONYMOUS), &p[1].rhs);
	vma_get(r, &p[2], v, "smaps", SM(ANONYMOUS), &p[2].lhs);
	vma_get(r, &p[2], v, "smaps", SM(RSS), &p[2].rhs);
	return 3;
}

static void smaps_size_bounds(struct check_run *r)
{
	per_vma(r, size_bounds_parts, "a VMA cannot hold more pages than its size, nor anon "
		"pages that are not resident, so the file is damaged or was misparsed");
}

/*
 * smaps_account: "if (locked) mss->pss_locked += pss" with locked =
 * vma->vm_flags & VM_LOCKED, next to "mss->pss += pss": Locked is Pss when
 * VmFlags has lo (show_smap_vma_flags), else 0.
 */
static size_t locked_parts(struct check_run *r, struct check_part *p,
			   const struct memacct_vma *v, const struct memacct_vma *prev)
{
	uint64_t flags = 0;

	(void)prev;
	p[0] = (struct check_part){ .lhs_text = "Locked", .rhs_text = "0 (VmFlags has no lo)",
		.cmp = CMP_EQ };
	if (!v)
		return 1;
	vma_get(r, &p[0], v, "smaps", SM(LOCKED), &p[0].lhs);
	if (memacct_vma_get_vmflags(v, &flags) < 0) {
		check_missing(r, &p[0], "smaps:VmFlags");
		return 1;
	}
	if (flags & MEMACCT_VMFLAG_LO) {
		p[0].rhs_text = "Pss (VmFlags has lo)";
		vma_get(r, &p[0], v, "smaps", SM(PSS), &p[0].rhs);
	}
	return 1;
}

static void smaps_locked(struct check_run *r)
{
	per_vma(r, locked_parts, exact_hint);
}

/*
 * show_smap: "Size: vma->vm_end - vma->vm_start", a multiple of
 * vma_kernel_pagesize(); the VMAs come from the maple tree in address order
 * and never overlap (the gate VMA, above every user VMA, comes last).
 */
static size_t geometry_parts(struct check_run *r, struct check_part *p,
			     const struct memacct_vma *v, const struct memacct_vma *prev)
{
	uint64_t a = 0, b = 0, size, kps;

	p[0] = (struct check_part){ .lhs_text = "end - start", .rhs_text = "Size", .cmp = CMP_EQ };
	p[1] = (struct check_part){ .lhs_text = "Size mod KernelPageSize", .rhs_text = "0",
		.cmp = CMP_EQ };
	p[2] = (struct check_part){ .lhs_text = "the previous VMA's end", .rhs_text = "start",
		.cmp = CMP_LE };
	if (!v)
		return 3;
	memacct_vma_get(v, MEMACCT_VMA_START, &a);
	memacct_vma_get(v, MEMACCT_VMA_END, &b);
	p[0].lhs = b >= a ? b - a : 0;
	vma_get(r, &p[0], v, "smaps", SM(SIZE), &p[0].rhs);
	if (vma_get(r, &p[1], v, "smaps", SM(SIZE), &size) &&
	    vma_get(r, &p[1], v, "smaps", SM(KERNELPAGESIZE), &kps))
		p[1].lhs = kps ? size % kps : size;
	if (prev) {
		memacct_vma_get(prev, MEMACCT_VMA_END, &p[2].lhs);
		p[2].rhs = a;
	} else {
		p[2].lhs = p[2].rhs = a;
	}
	return 3;
}

static void smaps_geometry(struct check_run *r)
{
	per_vma(r, geometry_parts, exact_hint);
}

/* --- one file ----------------------------------------------------------- */

/*
 * fs/proc/task_mmu.c task_mem: anon, file and shmem are read once
 * (get_mm_counter) and VmRSS is printed as their sum, total_rss (4.5+).
 */
static void status_rss_split(struct check_run *r)
{
	struct check_part p = { .lhs_text = "VmRSS", .rhs_text = "RssAnon + RssFile + RssShmem",
				.cmp = CMP_EQ };
	uint64_t a, f, s;

	st_get(r, &p, ST(VMRSS), &p.lhs);
	st_get(r, &p, ST(RSSANON), &a);
	st_get(r, &p, ST(RSSFILE), &f);
	st_get(r, &p, ST(RSSSHMEM), &s);
	p.rhs = sat_add(sat_add(a, f), s);
	check_parts(r, &p, 1, exact_hint);
}

/* task_mem: "if (hiwater_vm < mm->total_vm) hiwater_vm = total_vm", the same for rss. */
static void status_peaks(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "VmHWM", .rhs_text = "VmRSS", .cmp = CMP_GE },
		{ .lhs_text = "VmPeak", .rhs_text = "VmSize", .cmp = CMP_GE },
	};

	st_get(r, &p[0], ST(VMHWM), &p[0].lhs);
	st_get(r, &p[0], ST(VMRSS), &p[0].rhs);
	st_get(r, &p[1], ST(VMPEAK), &p[1].lhs);
	st_get(r, &p[1], ST(VMSIZE), &p[1].rhs);
	check_parts(r, p, 2, "task_mem raises the peak to the current value before printing "
		    "it, so the file is damaged or was misparsed");
}

/*
 * show_smaps_rollup: one mem_size_stats summed over every VMA; Pss, Pss_Anon,
 * Pss_File and Pss_Shmem are fixed-point sums of the same per-page shares
 * (smaps_page_accumulate adds each to pss and to one of the three), each
 * truncated to kB on its own: Pss is at most 2 kB above the three.
 */
static void rollup_pss_split(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "Pss", .rhs_text = "Pss_Anon + Pss_File + Pss_Shmem", .cmp = CMP_GE },
		{ .lhs_text = "Pss", .rhs_text = "Pss_Anon + Pss_File + Pss_Shmem", .cmp = CMP_LE,
		  .slack = 2 * KB, .slack_text = "2 kB: the three fields are truncated to kB "
		  "separately (fs/proc/task_mmu.c PSS_SHIFT)" },
	};
	const struct memacct_vma *v = rollup_vma(r, &p[0]);
	uint64_t a = 0, f = 0, s = 0;

	if (!v) {
		check_missing(r, &p[1], "smaps_rollup");
	} else {
		vma_get(r, &p[0], v, "smaps_rollup", SM(PSS), &p[0].lhs);
		vma_get(r, &p[0], v, "smaps_rollup", SM(PSS_ANON), &a);
		vma_get(r, &p[0], v, "smaps_rollup", SM(PSS_FILE), &f);
		vma_get(r, &p[0], v, "smaps_rollup", SM(PSS_SHMEM), &s);
		p[0].rhs = sat_add(sat_add(a, f), s);
		memcpy(p[1].miss, p[0].miss, sizeof(p[1].miss));
		p[1].lhs = p[0].lhs;
		p[1].rhs = p[0].rhs;
	}
	check_parts(r, p, 2, "Pss is the sum of the three shares, truncated once where they "
		    "are truncated three times, so the file is damaged or was misparsed");
}

/* --- several files ------------------------------------------------------ */

static bool same_vma(const struct memacct_vma *a, const struct memacct_vma *b)
{
	static const uint32_t keys[] = {
		MEMACCT_VMA_START, MEMACCT_VMA_END, MEMACCT_VMA_PERMS, MEMACCT_VMA_OFFSET,
		MEMACCT_VMA_DEV_MAJOR, MEMACCT_VMA_DEV_MINOR, MEMACCT_VMA_INODE,
	};
	const char *pa = NULL, *pb = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		uint64_t x = 0, y = 0;
		int ra = memacct_vma_get(a, keys[i], &x), rb = memacct_vma_get(b, keys[i], &y);

		if (ra != rb || x != y)
			return false;
	}
	if (memacct_vma_get_path(a, &pa) < 0)
		pa = NULL;
	if (memacct_vma_get_path(b, &pb) < 0)
		pb = NULL;
	if (!pa || !pb)
		return !pa == !pb || (pa ? !*pa : !*pb);
	return strcmp(pa, pb) == 0;
}

/*
 * show_map and show_smap print the same header (show_map_vma, the same
 * show_vma_header_prefix and name) for the same VMAs, the gate VMA included
 * (proc_get_vma): the same process at one instant gives the same lines.
 */
static void maps_vs_smaps(struct check_run *r)
{
	const struct memacct_snapshot *s = check_snap(r);
	struct check_part p[2] = {
		{ .lhs_text = "VMAs in maps", .rhs_text = "VMAs in smaps", .cmp = CMP_EQ,
		  .unit = 1 },
		{ .lhs_text = "VMAs whose header differs", .rhs_text = "0", .cmp = CMP_EQ,
		  .unit = 1 },
	};
	int nm = s->maps ? memacct_vmas_count(s->maps) : -1;
	int ns = s->smaps ? memacct_vmas_count(s->smaps) : -1;
	long first = -1;
	char a[160], b[160];

	for (size_t j = 0; j < 2; j++) {
		if (nm < 0)
			check_missing(r, &p[j], "maps");
		if (ns < 0)
			check_missing(r, &p[j], "smaps");
	}
	if (nm >= 0 && ns >= 0) {
		p[0].lhs = (uint64_t)nm;
		p[0].rhs = (uint64_t)ns;
		for (int i = 0; i < nm && i < ns; i++) {
			if (same_vma(memacct_vmas_at(s->maps, (size_t)i),
				     memacct_vmas_at(s->smaps, (size_t)i)))
				continue;
			if (first < 0)
				first = i;
			p[1].lhs++;
		}
	}
	check_parts(r, p, 2, NULL);
	if (first >= 0) {
		vma_desc(a, sizeof(a), memacct_vmas_at(s->maps, (size_t)first));
		vma_desc(b, sizeof(b), memacct_vmas_at(s->smaps, (size_t)first));
		check_reason_add(r, "; the first difference is VMA %ld: maps has %s, smaps %s",
				 first + 1, a, b);
	}
	live_caveat(r);
}

static const struct {
	uint32_t key;
	bool pss;	/* a fixed-point field, truncated per VMA */
	const char *lhs, *rhs;
} rollup_fields[] = {
#define F(k, name, pss) { SM(k), pss, "smaps_rollup " name, "the sum over smaps of " name }
	F(RSS, "Rss", false),
	F(PSS, "Pss", true),
	F(PSS_DIRTY, "Pss_Dirty", true),
	F(SHARED_CLEAN, "Shared_Clean", false),
	F(SHARED_DIRTY, "Shared_Dirty", false),
	F(PRIVATE_CLEAN, "Private_Clean", false),
	F(PRIVATE_DIRTY, "Private_Dirty", false),
	F(REFERENCED, "Referenced", false),
	F(ANONYMOUS, "Anonymous", false),
	F(KSM, "KSM", false),
	F(LAZYFREE, "LazyFree", false),
	F(ANONHUGEPAGES, "AnonHugePages", false),
	F(SHMEMPMDMAPPED, "ShmemPmdMapped", false),
	F(FILEPMDMAPPED, "FilePmdMapped", false),
	F(SHARED_HUGETLB, "Shared_Hugetlb", false),
	F(PRIVATE_HUGETLB, "Private_Hugetlb", false),
	F(SWAP, "Swap", false),
	F(SWAPPSS, "SwapPss", true),
	F(LOCKED, "Locked", true),
#undef F
};

#define ROLLUP_PARTS (2 * ARRAY_SIZE(rollup_fields))

/*
 * show_smaps_rollup gathers every VMA (not the gate VMA, which has no
 * pages) into one mem_size_stats with smap_gather_stats, the walk show_smap
 * does per VMA: page-granular fields are the same sums; the fixed-point ones
 * are truncated once in the rollup and once per VMA in smaps, so the rollup
 * is at or above the sum, by under 1 kB per VMA.
 */
static void rollup_vs_smaps(struct check_run *r)
{
	const struct memacct_snapshot *s = check_snap(r);
	struct check_part p[ROLLUP_PARTS];
	const struct memacct_vma *v;
	int n = s->smaps ? memacct_vmas_count(s->smaps) : 0;
	size_t np = 0;

	memset(p, 0, sizeof(p));
	for (size_t i = 0; i < ARRAY_SIZE(rollup_fields); i++) {
		struct check_part *q = &p[np++];

		q->lhs_text = rollup_fields[i].lhs;
		q->rhs_text = rollup_fields[i].rhs;
		q->cmp = rollup_fields[i].pss ? CMP_GE : CMP_EQ;
		v = rollup_vma(r, q);
		if (v)
			vma_get(r, q, v, "smaps_rollup", rollup_fields[i].key, &q->lhs);
		smaps_sum(r, q, rollup_fields[i].key, &q->rhs);
		if (!rollup_fields[i].pss)
			continue;
		p[np] = *q;
		p[np].cmp = CMP_LE;
		p[np].slack = n > 1 ? (uint64_t)(n - 1) * KB : 0;
		p[np].slack_text = "under 1 kB per VMA but one: smaps truncates each VMA's "
			"fixed-point sum to kB, the rollup the total "
			"(fs/proc/task_mmu.c PSS_SHIFT)";
		np++;
	}
	check_parts(r, p, np, NULL);
	live_caveat(r);
}

/*
 * The RSS counters task_mem prints are approximate: per-thread caches
 * (SPLIT_RSS_COUNTING, up to TASK_RSS_EVENTS_THRESH = 64 pages each) before
 * 6.2, per-CPU counters (percpu_counter_read_positive, up to the batch,
 * max(32, 2 * ncpus) pages, per CPU) since; the page walk of smaps is exact.
 */
static uint64_t rss_slop(struct check_run *r)
{
	uint64_t threads = 1, ncpus = check_snap(r)->ncpus ? check_snap(r)->ncpus : 1;
	uint64_t batch = ncpus * 2 > 32 ? ncpus * 2 : 32, a, b;

	if (!st_get(r, NULL, ST(THREADS), &threads) || !threads)
		threads = 1;
	a = sat_mul(threads, 64);
	b = sat_mul(ncpus, batch);
	return sat_mul(a > b ? a : b, check_page_size(r));
}

/*
 * smaps (the page walk, smaps_account) against status (task_mem, the mm's
 * counters): Rss and Anonymous count the pages the RSS counters count;
 * VmSwap (MM_SWAPENTS) leaves out swapped shmem, which smaps_pte_hole adds
 * to Swap; the gate VMA ([vsyscall] on x86-64) is in smaps (proc_get_vma)
 * but not in total_vm; VmLck is locked_vm, whole VM_LOCKED VMAs, of which
 * Locked counts the resident share; HugetlbPages is the mm's hugetlb_usage,
 * the pages smaps_hugetlb_range counts.
 */
static void smaps_vs_status(struct check_run *r)
{
	const struct memacct_snapshot *s = check_snap(r);
	struct check_part p[6] = {
		{ .lhs_text = "the sum of smaps Rss", .rhs_text = "VmRSS", .cmp = CMP_EQ },
		{ .lhs_text = "the sum of smaps Anonymous", .rhs_text = "RssAnon", .cmp = CMP_EQ },
		{ .lhs_text = "VmSwap", .rhs_text = "the sum of smaps Swap", .cmp = CMP_LE },
		{ .lhs_text = "the sum of smaps Size",
		  .rhs_text = "VmSize + the gate VMA's Size ([vsyscall])", .cmp = CMP_EQ },
		{ .lhs_text = "VmLck", .rhs_text = "the sum of smaps Locked", .cmp = CMP_GE },
		{ .lhs_text = "the sum of smaps Shared_Hugetlb + Private_Hugetlb",
		  .rhs_text = "HugetlbPages", .cmp = CMP_EQ },
	};
	const struct memacct_check_result *res;
	uint64_t gate = 0, sh, ph, slop;
	char a[48], b[48];
	int k, n;

	smaps_sum(r, &p[0], SM(RSS), &p[0].lhs);
	st_get(r, &p[0], ST(VMRSS), &p[0].rhs);
	smaps_sum(r, &p[1], SM(ANONYMOUS), &p[1].lhs);
	st_get(r, &p[1], ST(RSSANON), &p[1].rhs);
	st_get(r, &p[2], ST(VMSWAP), &p[2].lhs);
	smaps_sum(r, &p[2], SM(SWAP), &p[2].rhs);
	smaps_sum(r, &p[3], SM(SIZE), &p[3].lhs);
	st_get(r, &p[3], ST(VMSIZE), &p[3].rhs);
	n = s->smaps ? memacct_vmas_count(s->smaps) : 0;
	for (int i = 0; i < n; i++) {
		const struct memacct_vma *v = memacct_vmas_at(s->smaps, (size_t)i);
		const char *path = NULL;
		uint64_t sz;

		if (memacct_vma_get_path(v, &path) == 0 && path && !strcmp(path, "[vsyscall]") &&
		    memacct_vma_get(v, SM(SIZE), &sz) == 0)
			gate = sat_add(gate, sz);
	}
	p[3].rhs = sat_add(p[3].rhs, gate);
	st_get(r, &p[4], ST(VMLCK), &p[4].lhs);
	smaps_sum(r, &p[4], SM(LOCKED), &p[4].rhs);
	smaps_sum(r, &p[5], SM(SHARED_HUGETLB), &sh);
	smaps_sum(r, &p[5], SM(PRIVATE_HUGETLB), &ph);
	p[5].lhs = sat_add(sh, ph);
	st_get(r, &p[5], ST(HUGETLBPAGES), &p[5].rhs);

	k = check_parts(r, p, ARRAY_SIZE(p), NULL);
	res = check_result(r);
	if (res->status != MEMACCT_CHECK_VIOLATED)
		return;
	if (k <= 1) {
		uint64_t d = p[k].lhs > p[k].rhs ? p[k].lhs - p[k].rhs : p[k].rhs - p[k].lhs;

		slop = rss_slop(r);
		if (d <= slop) {
			check_caveat(r, "the RSS counters status prints are approximate "
				     "(per-thread caches before 6.2, per-CPU counters since) by "
				     "up to %s here, "
				     "and the gap is %s", check_fmt_bytes(a, sizeof(a), slop),
				     check_fmt_bytes(b, sizeof(b), d));
			return;
		}
	}
	live_caveat(r);
}

/*
 * fs/proc/task_mmu.c task_statm: size = total_vm, shared = MM_FILEPAGES +
 * MM_SHMEMPAGES, resident = shared + MM_ANONPAGES, text = the page-aligned
 * code range, data = data_vm + stack_vm, lib and dt 0; task_mem prints the
 * same counters (VmExe is the code range capped at exec_vm, so <= text).
 */
static void statm_vs_status(struct check_run *r)
{
	const struct memacct_snapshot *s = check_snap(r);
	const struct memacct_statm *m = s->sm;
	static const uint64_t zero;
	struct check_part p[7] = {
		{ .lhs_text = "statm size", .rhs_text = "VmSize", .cmp = CMP_EQ },
		{ .lhs_text = "statm resident", .rhs_text = "VmRSS", .cmp = CMP_EQ },
		{ .lhs_text = "statm shared", .rhs_text = "RssFile + RssShmem", .cmp = CMP_EQ },
		{ .lhs_text = "statm data", .rhs_text = "VmData + VmStk", .cmp = CMP_EQ },
		{ .lhs_text = "statm text", .rhs_text = "VmExe", .cmp = CMP_GE },
		{ .lhs_text = "statm lib", .rhs_text = "0", .cmp = CMP_EQ },
		{ .lhs_text = "statm dt", .rhs_text = "0", .cmp = CMP_EQ },
	};
	uint64_t a, b;

	sm_get(r, &p[0], MEMACCT_STATM_SIZE, "size", m ? &m->size : &zero, &p[0].lhs);
	st_get(r, &p[0], ST(VMSIZE), &p[0].rhs);
	sm_get(r, &p[1], MEMACCT_STATM_RESIDENT, "resident", m ? &m->resident : &zero, &p[1].lhs);
	st_get(r, &p[1], ST(VMRSS), &p[1].rhs);
	sm_get(r, &p[2], MEMACCT_STATM_SHARED, "shared", m ? &m->shared : &zero, &p[2].lhs);
	st_get(r, &p[2], ST(RSSFILE), &a);
	st_get(r, &p[2], ST(RSSSHMEM), &b);
	p[2].rhs = sat_add(a, b);
	sm_get(r, &p[3], MEMACCT_STATM_DATA, "data", m ? &m->data : &zero, &p[3].lhs);
	st_get(r, &p[3], ST(VMDATA), &a);
	st_get(r, &p[3], ST(VMSTK), &b);
	p[3].rhs = sat_add(a, b);
	sm_get(r, &p[4], MEMACCT_STATM_TEXT, "text", m ? &m->text : &zero, &p[4].lhs);
	st_get(r, &p[4], ST(VMEXE), &p[4].rhs);
	sm_get(r, &p[5], MEMACCT_STATM_LIB, "lib", m ? &m->lib : &zero, &p[5].lhs);
	sm_get(r, &p[6], MEMACCT_STATM_DT, "dt", m ? &m->dt : &zero, &p[6].lhs);
	check_parts(r, p, ARRAY_SIZE(p), NULL);
	live_caveat(r);
}

#define DEF(i, k, rel, in, src, fn) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = i, .kind = MEMACCT_CHECK_##k, \
		    .relation = rel, .inputs = in, .source = src }, .run = fn }

const struct check_def check_process_defs[] = {
	DEF("status.rss_split", EXACT, "VmRSS = RssAnon + RssFile + RssShmem (Linux 4.5+)",
	    "status", SRC_TASK_MEM, status_rss_split),
	DEF("status.peaks", BOUND, "VmHWM >= VmRSS; VmPeak >= VmSize", "status", SRC_TASK_MEM,
	    status_peaks),
	DEF("smaps.rss_split", EXACT,
	    "per VMA: Rss = Shared_Clean + Shared_Dirty + Private_Clean + Private_Dirty", "smaps",
	    SRC_SHOW_SMAP, smaps_rss_split),
	DEF("smaps.pss_bounds", BOUND,
	    "per VMA: Private_Clean + Private_Dirty <= Pss <= Rss (to within 1 kB of truncation); "
	    "Pss_Dirty <= Pss; SwapPss <= Swap; Locked <= Pss; LazyFree <= Anonymous; "
	    "KSM <= Anonymous", "smaps", SRC_SHOW_SMAP ", smaps_page_accumulate", smaps_pss_bounds),
	DEF("smaps.size_bounds", BOUND,
	    "per VMA: Rss + Swap <= Size; AnonHugePages <= Anonymous <= Rss (hugetlb pages are in "
	    "none of Rss, Pss or the Shared/Private fields)", "smaps",
	    SRC_SHOW_SMAP ", smaps_pte_entry, smaps_hugetlb_range", smaps_size_bounds),
	DEF("smaps.locked", EXACT, "per VMA: Locked is 0, or equals Pss when VmFlags has lo",
	    "smaps", SRC_SHOW_SMAP ", show_smap_vma_flags", smaps_locked),
	DEF("smaps.geometry", EXACT,
	    "per VMA: end - start = Size; Size is a multiple of KernelPageSize; VMAs sorted and "
	    "disjoint", "smaps", "fs/proc/task_mmu.c show_smap, show_vma_header_prefix",
	    smaps_geometry),
	DEF("smaps_rollup.pss_split", BOUND,
	    "0 <= Pss - (Pss_Anon + Pss_File + Pss_Shmem) <= 2 kB (three separate truncations)",
	    "smaps_rollup", SRC_ROLLUP ", smaps_page_accumulate", rollup_pss_split),
	DEF("proc.maps_vs_smaps", EXACT,
	    "the same VMAs (start, end, perms, offset, device, inode, path), at one instant",
	    "maps, smaps", "fs/proc/task_mmu.c show_map, show_smap, show_vma_header_prefix, "
	    "proc_get_vma", maps_vs_smaps),
	DEF("proc.rollup_vs_smaps", APPROX,
	    "each page-granular smaps_rollup field = the sum over smaps; rollup Pss, SwapPss, "
	    "Pss_Dirty and Locked >= the sum, short by under 1 kB per VMA", "smaps_rollup, smaps",
	    SRC_ROLLUP ", show_smap, Documentation/filesystems/proc.rst", rollup_vs_smaps),
	DEF("proc.smaps_vs_status", APPROX,
	    "sum Rss = VmRSS; sum Anonymous = RssAnon; VmSwap <= sum Swap; sum Size = VmSize + "
	    "the gate VMA ([vsyscall] on x86-64); VmLck >= sum Locked; sum Shared_Hugetlb + "
	    "Private_Hugetlb = HugetlbPages", "smaps, status",
	    SRC_SHOW_SMAP ", task_mem, fs/proc/array.c, Documentation/filesystems/proc.rst",
	    smaps_vs_status),
	DEF("proc.statm_vs_status", APPROX,
	    "statm size, resident, shared, data (times page size) = VmSize, VmRSS, RssFile + "
	    "RssShmem, VmData + VmStk; text >= VmExe; lib = dt = 0; exact at one instant",
	    "statm, status", "fs/proc/task_mmu.c task_statm, task_mem, fs/proc/array.c "
	    "proc_pid_statm", statm_vs_status),
};

const size_t check_process_ndefs = ARRAY_SIZE(check_process_defs);
