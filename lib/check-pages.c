/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "check-internal.h"

/*
 * identities.md, "pagemap, kpagecount, kpageflags", the per-process part:
 * an exact account (pagemap and kpagecount, lib/exact.c) against the same
 * process's smaps. The two are separate reads: of a live process they may
 * differ by what changed in between (a caveat); of a capture they must agree.
 *
 * VMAs are paired by range; the gate VMA ([vsyscall]) lies above the
 * address space pagemap_read walks (mm->task_size) and is left out of both.
 */

#define SM(k) MEMACCT_SMAPS_##k
#define EX(k) MEMACCT_EXACT_##k
#define KB 1024u

#define SRC_PAGEMAP "fs/proc/task_mmu.c pagemap_read, pte_to_pagemap_entry, pagemap_pmd_range"
#define SRC_SMAPS "fs/proc/task_mmu.c smaps_pte_entry, smaps_pmd_entry, smaps_account"

/* The per-VMA parts of one identity, and its totals. */
#define MAX_PARTS 8

struct walk {
	struct check_run *r;
	const struct memacct_vmas *smaps;
	const struct memacct_exact *ex;
	size_t nv;			/* per-VMA parts */
	struct check_part worst[MAX_PARTS];
	size_t at[MAX_PARTS];		/* the smaps index of each worst part */
	bool seen[MAX_PARTS];		/* a VMA applied to the part */
	uint64_t nsmaps;		/* smaps VMAs but the gate */
	uint64_t matched;
};

/* Fills the per-VMA parts of smaps VMA @sv and exact VMA @ei; a part left with
 * no lhs_text does not apply to this VMA. */
typedef void (*pair_fn)(struct walk *w, struct check_part *p, const struct memacct_vma *sv,
			size_t ei);

static bool is_gate(const struct memacct_vma *v)
{
	const char *path = NULL;

	return memacct_vma_get_path(v, &path) == 0 && path && !strcmp(path, "[vsyscall]");
}

static uint64_t ex_vma(const struct walk *w, size_t i, uint32_t key)
{
	uint64_t v = 0;

	memacct_exact_vma_get(w->ex, i, key, &v);
	return v;
}

/* A field of smaps VMA @v; absent, it joins the missing list of @p. */
static bool sm_get(struct check_run *r, struct check_part *p, const struct memacct_vma *v,
		   uint32_t key, uint64_t *out)
{
	const char *name = "?";
	char buf[64];

	*out = 0;
	if (memacct_vma_get(v, key, out) == 0)
		return true;
	*out = 0;
	memacct_smaps_key_name(key, &name);
	snprintf(buf, sizeof(buf), "smaps:%s", name);
	check_missing(r, p, buf);
	return false;
}

/* The exact total of @key; absent (a read with MEMACCT_EXACT_NO_MAPCOUNT), it is missing. */
static bool ex_get(struct check_run *r, struct check_part *p, uint32_t key, uint64_t *out)
{
	const struct memacct_exact *ex = check_snap(r)->exact;

	*out = 0;
	if (!ex) {
		check_missing(r, p, "exact");
		return false;
	}
	if (memacct_exact_get(ex, key, out) == 0)
		return true;
	*out = 0;
	check_missing(r, p, key == EX(PSS) ? "exact:PSS (read with MEMACCT_EXACT_NO_MAPCOUNT)" :
			    "exact:USS (read with MEMACCT_EXACT_NO_MAPCOUNT)");
	return false;
}

static bool has_mapcount(const struct memacct_exact *ex)
{
	uint64_t v;

	return ex && memacct_exact_get(ex, EX(USS), &v) == 0;
}

/* Both inputs, or every part of @p (@n) names what is absent. */
static bool inputs(struct check_run *r, struct check_part *p, size_t n)
{
	const struct memacct_snapshot *s = check_snap(r);

	for (size_t i = 0; i < n; i++) {
		if (!s->exact)
			check_missing(r, &p[i], "exact");
		if (!s->smaps)
			check_missing(r, &p[i], "smaps");
	}
	return s->exact && s->smaps;
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
 * Pair each smaps VMA with the exact VMA of the same range (both lists in
 * address order) and keep, per part, the worst judged VMA.
 */
static void walk_pairs(struct walk *w, pair_fn fn)
{
	int ns = memacct_vmas_count(w->smaps), ne = memacct_exact_vma_count(w->ex);
	size_t j = 0;

	for (int i = 0; i < ns; i++) {
		const struct memacct_vma *sv = memacct_vmas_at(w->smaps, (size_t)i);
		struct check_part p[MAX_PARTS];
		uint64_t a = 0, b = 0;

		if (is_gate(sv))
			continue;
		w->nsmaps++;
		if (memacct_vma_get(sv, MEMACCT_VMA_START, &a) < 0 ||
		    memacct_vma_get(sv, MEMACCT_VMA_END, &b) < 0)
			continue;
		while (j < (size_t)ne && ex_vma(w, j, EX(START)) < a)
			j++;
		if (j >= (size_t)ne || ex_vma(w, j, EX(START)) != a || ex_vma(w, j, EX(END)) != b)
			continue;
		w->matched++;
		memset(p, 0, sizeof(p));
		fn(w, p, sv, j);
		for (size_t k = 0; k < w->nv; k++) {
			if (!p[k].lhs_text)
				continue;
			if (p[k].miss[0]) {
				if (!w->seen[k])
					w->worst[k] = p[k];
				continue;
			}
			check_judge(w->r, &p[k]);
			if (!w->seen[k] || w->worst[k].miss[0] || check_part_worse(&p[k], &w->worst[k])) {
				w->worst[k] = p[k];
				w->at[k] = (size_t)i;
			}
			w->seen[k] = true;
		}
		j++;
	}
}

/*
 * Judge the worst per-VMA parts (those some VMA applied to) with the @nt
 * totals @t, and a count of VMAs found in one account only when @unmatched.
 * Names the worst VMA when one of its parts is reported.
 */
static void walk_finish(struct walk *w, struct check_part *t, size_t nt, bool unmatched,
			const char *hint)
{
	struct check_part all[2 * MAX_PARTS + 1];
	size_t map[2 * MAX_PARTS + 1], n = 0;
	char desc[160];
	int k;

	for (size_t i = 0; i < w->nv; i++) {
		if (!w->seen[i] && !w->worst[i].miss[0])
			continue;
		map[n] = i;
		all[n++] = w->worst[i];
	}
	for (size_t i = 0; i < nt; i++) {
		map[n] = SIZE_MAX;
		all[n++] = t[i];
	}
	if (unmatched) {
		uint64_t ne = (uint64_t)memacct_exact_vma_count(w->ex);

		map[n] = SIZE_MAX;
		all[n++] = (struct check_part){ .lhs_text = "VMAs in only one of smaps and the "
			"exact account (by range)", .rhs_text = "0", .cmp = CMP_EQ, .unit = 1,
			.lhs = (w->nsmaps - w->matched) + (ne - w->matched) };
	}
	k = check_parts(w->r, all, n, hint);
	if (k < 0 || map[k] == SIZE_MAX)
		return;
	vma_desc(desc, sizeof(desc), memacct_vmas_at(w->smaps, w->at[map[k]]));
	check_reason_add(w->r, "; %s VMA: %s",
			 check_result(w->r)->status == MEMACCT_CHECK_VIOLATED ? "the worst" :
			 "the closest", desc);
}

static void walk_init(struct walk *w, struct check_run *r, size_t nv)
{
	memset(w, 0, sizeof(*w));
	w->r = r;
	w->nv = nv;
	w->smaps = check_snap(r)->smaps;
	w->ex = check_snap(r)->exact;
}

/* A live process read twice (pagemap, then smaps, or the other way): turn a violation into that caveat. */
static bool live_caveat(struct check_run *r)
{
	const struct memacct_check_result *res = check_result(r);
	char a[48];

	if (res->status != MEMACCT_CHECK_VIOLATED || !check_live(r))
		return false;
	if (res->unit == MEMACCT_UNIT_COUNT)
		snprintf(a, sizeof(a), "%+" PRId64 " VMAs", res->residual);
	else
		check_fmt_sbytes(a, sizeof(a), res->residual);
	check_caveat(r, "pagemap (and kpagecount) and smaps were read one after the other from a "
		     "live process, which may have changed in between (residual %s)", a);
	return true;
}

/* The sum of @key over the smaps VMAs but the gate; absent fields are missing. */
static bool smaps_sum(struct check_run *r, struct check_part *p, uint32_t key, uint64_t *sum)
{
	const struct memacct_vmas *sm = check_snap(r)->smaps;
	int n = sm ? memacct_vmas_count(sm) : 0;
	bool ok = true;
	uint64_t v;

	*sum = 0;
	for (int i = 0; i < n; i++) {
		const struct memacct_vma *vma = memacct_vmas_at(sm, (size_t)i);

		if (is_gate(vma))
			continue;
		ok &= sm_get(r, p, vma, key, &v);
		*sum = sat_add(*sum, v);
	}
	return ok;
}

/* --- pagemap.present_vs_rss ---------------------------------------------- */

static const char present_lhs[] = "present entries (pagemap)";
static const char present_mc_lhs[] = "present entries with a kpagecount (pagemap, kpagecount)";

/*
 * pte_to_pagemap_entry sets PM_PRESENT for every present PTE, and
 * pagemap_pmd_range for every page of a present PMD; smaps_pte_entry and
 * smaps_pmd_entry add a page to Rss only when vm_normal_page() (or
 * vm_normal_page_pmd()) finds a struct page: never for the shared zero page,
 * the huge zero page or the pages of a VM_PFNMAP mapping, which are present
 * in pagemap and have a kpagecount of 0 (fs/proc/page.c). So with kpagecount
 * read the relation is on the present entries with a non-zero kpagecount
 * (USS + SHARED); without it, present entries above Rss may be zero pages.
 * Hugetlb pages are in Shared_Hugetlb/Private_Hugetlb instead
 * (smaps_hugetlb_range), one entry per base page in pagemap.
 */
static void present_pair(struct walk *w, struct check_part *p, const struct memacct_vma *sv,
			 size_t ei)
{
	struct check_run *r = w->r;
	uint64_t sh, ph;

	if (ex_vma(w, ei, EX(HUGETLB_VMA))) {
		p[1] = (struct check_part){ .lhs_text = "present entries of a hugetlb VMA (pagemap)",
			.rhs_text = "Shared_Hugetlb + Private_Hugetlb", .cmp = CMP_EQ };
		p[1].lhs = ex_vma(w, ei, EX(HUGETLB));
		sm_get(r, &p[1], sv, SM(SHARED_HUGETLB), &sh);
		sm_get(r, &p[1], sv, SM(PRIVATE_HUGETLB), &ph);
		p[1].rhs = sat_add(sh, ph);
		return;
	}
	if (ex_vma(w, ei, EX(PFNMAP_VMA)))
		return;
	p[0] = (struct check_part){ .lhs_text = present_lhs, .rhs_text = "Rss", .cmp = CMP_EQ };
	if (has_mapcount(w->ex)) {
		p[0].lhs_text = present_mc_lhs;
		p[0].lhs = ex_vma(w, ei, EX(USS)) + ex_vma(w, ei, EX(SHARED));
	} else {
		p[0].lhs = ex_vma(w, ei, EX(PRESENT));
	}
	sm_get(r, &p[0], sv, SM(RSS), &p[0].rhs);
}

static void present_vs_rss(struct check_run *r)
{
	struct check_part t = { .lhs_text = "the sum of present entries (pagemap)",
				.rhs_text = "the sum of smaps Rss", .cmp = CMP_EQ };
	bool mc = has_mapcount(check_snap(r)->exact);
	const struct memacct_check_result *res = check_result(r);
	struct walk w;
	char a[48];

	walk_init(&w, r, 2);
	if (!inputs(r, &t, 1)) {
		walk_finish(&w, &t, 1, false, NULL);
		return;
	}
	walk_pairs(&w, present_pair);
	if (mc)
		t.lhs_text = "the sum of present entries with a kpagecount (pagemap, kpagecount)";
	for (int i = 0, n = memacct_exact_vma_count(w.ex); i < n; i++) {
		if (ex_vma(&w, (size_t)i, EX(HUGETLB_VMA)) || ex_vma(&w, (size_t)i, EX(PFNMAP_VMA)))
			continue;
		t.lhs += mc ? ex_vma(&w, (size_t)i, EX(USS)) + ex_vma(&w, (size_t)i, EX(SHARED)) :
			ex_vma(&w, (size_t)i, EX(PRESENT));
	}
	smaps_sum(r, &t, SM(RSS), &t.rhs);
	walk_finish(&w, &t, 1, true, "pagemap and smaps walk the same page tables");
	if (res->status == MEMACCT_CHECK_VIOLATED && !mc && res->residual > 0 &&
	    res->unit == MEMACCT_UNIT_BYTES) {
		check_caveat(r, "without kpagecount, present entries of the shared zero page "
			     "(or of other pages without a struct page) cannot be told apart, and "
			     "smaps never counts them in Rss (vm_normal_page); the excess is %s",
			     check_fmt_sbytes(a, sizeof(a), res->residual));
		return;
	}
	live_caveat(r);
}

/* --- pagemap.swapped_vs_swap ----------------------------------------------- */

/*
 * pte_to_pagemap_entry sets PM_SWAP for a swap PTE; smaps_pte_entry adds a
 * swap PTE to Swap when it is real swap (not a migration or device entry:
 * those are transient, and counted as resident). A shmem page in swap has no
 * PTE at all: pagemap shows a hole, while smaps adds shmem_swap_usage() of a
 * shared or read-only mapping, or shmem_partial_swap_usage() for the holes of
 * a private one (smaps_pte_hole_lookup), to Swap. So a file-backed VMA (shmem
 * has an inode, shared anonymous memory too) may have more Swap than swapped
 * entries; an anonymous one may not.
 */
static void swapped_pair(struct walk *w, struct check_part *p, const struct memacct_vma *sv,
			 size_t ei)
{
	uint64_t inode = 0;
	int k;

	memacct_vma_get(sv, MEMACCT_VMA_INODE, &inode);
	k = inode ? 1 : 0;
	p[k] = (struct check_part){ .lhs_text = "swapped entries (pagemap)",
		.rhs_text = k ? "Swap (shmem in swap included) of a file-backed VMA" :
			"Swap of an anonymous VMA", .cmp = k ? CMP_LE : CMP_EQ };
	p[k].lhs = ex_vma(w, ei, EX(SWAPPED));
	sm_get(w->r, &p[k], sv, SM(SWAP), &p[k].rhs);
}

static void swapped_vs_swap(struct check_run *r)
{
	struct check_part t[2] = {
		{ .lhs_text = "the sum of swapped entries of anonymous VMAs (pagemap)",
		  .rhs_text = "their smaps Swap", .cmp = CMP_EQ },
		{ .lhs_text = "the sum of swapped entries of file-backed VMAs (pagemap)",
		  .rhs_text = "their smaps Swap (shmem in swap included)", .cmp = CMP_LE },
	};
	const struct memacct_check_result *res = check_result(r);
	uint64_t shmem = 0;
	struct walk w;
	char a[48];
	int n;

	walk_init(&w, r, 2);
	if (!inputs(r, t, 2)) {
		walk_finish(&w, t, 2, false, NULL);
		return;
	}
	walk_pairs(&w, swapped_pair);
	/* the totals over the pairs, with the smaps VMAs left unpaired */
	n = memacct_vmas_count(w.smaps);
	for (int i = 0, j = 0, ne = memacct_exact_vma_count(w.ex); i < n; i++) {
		const struct memacct_vma *sv = memacct_vmas_at(w.smaps, (size_t)i);
		uint64_t s = 0, e = 0, inode = 0, start = 0, end = 0;
		struct check_part *q;

		if (is_gate(sv))
			continue;
		memacct_vma_get(sv, MEMACCT_VMA_INODE, &inode);
		memacct_vma_get(sv, MEMACCT_VMA_START, &start);
		memacct_vma_get(sv, MEMACCT_VMA_END, &end);
		q = &t[inode ? 1 : 0];
		sm_get(r, q, sv, SM(SWAP), &s);
		while (j < ne && ex_vma(&w, (size_t)j, EX(START)) < start)
			j++;
		if (j < ne && ex_vma(&w, (size_t)j, EX(START)) == start &&
		    ex_vma(&w, (size_t)j, EX(END)) == end)
			e = ex_vma(&w, (size_t)j++, EX(SWAPPED));
		q->lhs = sat_add(q->lhs, e);
		q->rhs = sat_add(q->rhs, s);
		if (inode && s > e)
			shmem = sat_add(shmem, s - e);
	}
	walk_finish(&w, t, 2, true, "pagemap and smaps see the same swap entries");
	if (live_caveat(r) || res->status == MEMACCT_CHECK_VIOLATED || !shmem)
		return;
	check_caveat(r, "smaps Swap of file-backed VMAs counts %s of shmem pages in swap, which no "
		     "page table maps and pagemap shows as holes (smaps_pte_hole_lookup, "
		     "shmem_swap_usage)", check_fmt_bytes(a, sizeof(a), shmem));
}

/* --- pagemap.exclusive_vs_private, pages.uss_from_mapcount ----------------- */

/*
 * The per-folio sharing state of kernels without CONFIG_PAGE_MAPCOUNT
 * (6.15+): pagemap sets PM_MMAP_EXCLUSIVE when !folio_maybe_mapped_shared(),
 * smaps_account calls a page private when the folio's refcount is 1 or it
 * is not maybe-shared, and kpagecount gives the folio's average mapcount; a
 * large folio once mapped by two processes may stay "maybe shared". Only
 * large folios differ; the PMD-mapped ones are the THP counters of smaps.
 */
static bool large_folio_caveat(struct check_run *r)
{
	const struct memacct_check_result *res = check_result(r);
	uint64_t anon, shmem, file, d;
	char a[48], b[48];

	if (res->status != MEMACCT_CHECK_VIOLATED)
		return false;
	if (!smaps_sum(r, NULL, SM(ANONHUGEPAGES), &anon) ||
	    !smaps_sum(r, NULL, SM(SHMEMPMDMAPPED), &shmem) ||
	    !smaps_sum(r, NULL, SM(FILEPMDMAPPED), &file))
		return false;
	d = res->lhs > res->rhs ? res->lhs - res->rhs : res->rhs - res->lhs;
	if (d > sat_add(sat_add(anon, shmem), file))
		return false;
	check_caveat(r, "a kernel without CONFIG_PAGE_MAPCOUNT tells sharing per large folio "
		     "(folio_maybe_mapped_shared, folio_average_page_mapcount), and the gap of %s "
		     "fits in the %s of PMD-mapped large folios", check_fmt_bytes(a, sizeof(a), d),
		     check_fmt_bytes(b, sizeof(b), sat_add(sat_add(anon, shmem), file)));
	return true;
}

static void private_sum(struct check_run *r, struct check_part *p)
{
	uint64_t c, d;

	smaps_sum(r, p, SM(PRIVATE_CLEAN), &c);
	smaps_sum(r, p, SM(PRIVATE_DIRTY), &d);
	p->rhs = sat_add(c, d);
}

/*
 * pte_to_pagemap_entry and pagemap_pmd_range: PM_MMAP_EXCLUSIVE when
 * folio_precise_page_mapcount() == 1 (__folio_page_mapped_exclusively);
 * smaps_account: Private_* when the folio's refcount is 1 or that mapcount
 * is below 2. The same pages, up to the mapcount changing between reads.
 */
static void exclusive_vs_private(struct check_run *r)
{
	struct check_part p = { .lhs_text = "present exclusively-mapped entries (pagemap)",
				.rhs_text = "the sum of smaps Private_Clean + Private_Dirty",
				.cmp = CMP_EQ };

	if (inputs(r, &p, 1)) {
		memacct_exact_get(check_snap(r)->exact, EX(EXCLUSIVE), &p.lhs);
		private_sum(r, &p);
	}
	check_parts(r, &p, 1, "both come from the same mapcount of the same pages");
	if (!large_folio_caveat(r))
		live_caveat(r);
}

/*
 * kpagecount_read: folio_precise_page_mapcount() per PFN (CONFIG_PAGE_MAPCOUNT),
 * the value smaps_account tests ("mapcount < 2": private); a page of
 * kpagecount 0 is not in Rss at all (present_vs_rss).
 */
static void uss_from_mapcount(struct check_run *r)
{
	struct check_part p = { .lhs_text = "pages of mapcount 1 (pagemap, kpagecount)",
				.rhs_text = "the sum of smaps Private_Clean + Private_Dirty",
				.cmp = CMP_EQ };

	if (inputs(r, &p, 1)) {
		ex_get(r, &p, EX(USS), &p.lhs);
		private_sum(r, &p);
	}
	check_parts(r, &p, 1, "both come from the same mapcount of the same pages");
	if (!large_folio_caveat(r))
		live_caveat(r);
}

/* --- pages.pss_from_mapcount ------------------------------------------------ */

/*
 * smaps_account adds (PAGE_SIZE << PSS_SHIFT) / mapcount per page (the whole
 * shifted size below 2) to the VMA's fixed-point sum; show_smap prints it
 * >> PSS_SHIFT, in kB, truncated: each VMA's Pss is under 1 kB below its
 * exact value, and the exact total (the VMAs' fixed-point sums added, then
 * shifted once, as smaps_rollup does) is at or above the sum of the VMAs'
 * Pss, by under 1 kB per VMA.
 */
static void pss_from_mapcount(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "PSS from kpagecount (fixed point)", .rhs_text = "the sum of smaps Pss",
		  .cmp = CMP_GE },
		{ .lhs_text = "PSS from kpagecount (fixed point)", .rhs_text = "the sum of smaps Pss",
		  .cmp = CMP_LE, .slack_text = "under 1 kB per VMA: show_smap truncates each VMA's "
		  "fixed-point Pss to kB (fs/proc/task_mmu.c PSS_SHIFT)" },
	};
	const struct memacct_vmas *sm = check_snap(r)->smaps;
	uint64_t n = 0;

	if (inputs(r, p, 2)) {
		for (int i = 0, k = memacct_vmas_count(sm); i < k; i++)
			n += !is_gate(memacct_vmas_at(sm, (size_t)i));
		ex_get(r, &p[0], EX(PSS), &p[0].lhs);
		smaps_sum(r, &p[0], SM(PSS), &p[0].rhs);
		memcpy(p[1].miss, p[0].miss, sizeof(p[1].miss));
		p[1].lhs = p[0].lhs;
		p[1].rhs = p[0].rhs;
		p[1].slack = n ? n * KB : 1;
	}
	check_parts(r, p, 2, "both sum the same shares of the same pages in the same fixed point");
	live_caveat(r);
}

#define DEF(i, rel, src, fn) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = i, \
		    .kind = MEMACCT_CHECK_APPROX, .relation = rel, .inputs = "exact, smaps", \
		    .source = src }, .run = fn }

const struct check_def check_pagemap_defs[] = {
	DEF("pagemap.present_vs_rss",
	    "per VMA (not hugetlb, not PFN-mapped): present entries * page size = Rss, counting "
	    "only entries with a non-zero kpagecount when it was read (the zero page is present "
	    "but never in Rss); per hugetlb VMA: present entries * page size = Shared_Hugetlb + "
	    "Private_Hugetlb; and the totals",
	    SRC_PAGEMAP ", smaps_pte_entry, smaps_pmd_entry, smaps_hugetlb_range, vm_normal_page; "
	    "fs/proc/page.c kpagecount_read", present_vs_rss),
	DEF("pagemap.swapped_vs_swap",
	    "per VMA and in total: swapped entries * page size = Swap for anonymous VMAs, <= Swap "
	    "for file-backed ones (shmem in swap has no PTE: a caveat)",
	    SRC_PAGEMAP ", smaps_pte_entry, smaps_pte_hole_lookup, smap_gather_stats; mm/shmem.c "
	    "shmem_swap_usage, shmem_partial_swap_usage", swapped_vs_swap),
	DEF("pagemap.exclusive_vs_private",
	    "present and exclusively-mapped entries * page size = the sum of Private_Clean + "
	    "Private_Dirty (Linux 4.2+)",
	    SRC_PAGEMAP " (__folio_page_mapped_exclusively), smaps_account; "
	    "Documentation/admin-guide/mm/pagemap.rst", exclusive_vs_private),
	DEF("pages.pss_from_mapcount",
	    "sum over present pages of (page size << 12) / kpagecount, shifted once = the sum of "
	    "Pss, at or above it by under 1 kB per VMA (needs PFNs: CAP_SYS_ADMIN; kernels without "
	    "CONFIG_PAGE_MAPCOUNT report a folio-average mapcount)",
	    "fs/proc/page.c kpagecount_read; " SRC_SMAPS ", show_smap (PSS_SHIFT)",
	    pss_from_mapcount),
	DEF("pages.uss_from_mapcount",
	    "pages of mapcount 1 (PM_MMAP_EXCLUSIVE or kpagecount 1) * page size = the sum of "
	    "Private_Clean + Private_Dirty",
	    "fs/proc/page.c kpagecount_read; " SRC_SMAPS, uss_from_mapcount),
};

const size_t check_pagemap_ndefs = ARRAY_SIZE(check_pagemap_defs);
