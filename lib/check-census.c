/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "census-internal.h"
#include "check-internal.h"

/*
 * identities.md, "pagemap, kpagecount, kpageflags", the whole-machine part:
 * the page census (lib/census.c) against meminfo and buddyinfo.
 *
 * fs/proc/page.c stable_page_flags() takes most bits from the folio a page
 * belongs to (LRU, ACTIVE, DIRTY, SWAPBACKED, UNEVICTABLE, MLOCKED,
 * WRITEBACK, and MMAP: page_mapped() is folio_mapped() in 6.x), and the
 * meminfo counters count a folio's pages, so most relations hold page for
 * page. kpagecount is folio_precise_page_mapcount() with CONFIG_PAGE_MAPCOUNT,
 * else a folio average.
 *
 * Tolerance: the per-CPU drift of the counters involved (as check.c computes
 * it), plus the time skew of the census, which reads every PFN over a while
 * (a tenth of a second to seconds) as the counters move: 0.5% of the larger
 * side, at least 64 pages. The tolerance source says both.
 */

#define MI(k) MEMACCT_MEMINFO_##k
#define CS(k) MEMACCT_CENSUS_##k
#define KPF(k) (UINT64_C(1) << MEMACCT_KPF_##k)

#define KERNEL_MAX_THRESHOLD 125	/* mm/vmstat.c calculate_normal_threshold() */
#define SKEW_PPM 5000
#define SKEW_MIN_PAGES 64

#define SRC_PAGE "fs/proc/page.c stable_page_flags, kpagecount_read"
#define SRC_MEMINFO "fs/proc/meminfo.c meminfo_proc_show"

static const char busy_hint[] =
	"on a busy machine these counters move by more than the skew allowance while every PFN is "
	"read; compare on a quiet one";

/* Room for one part's tolerance text. */
struct tol_text {
	char s[384];
};

static const struct memacct_census *census(const struct check_run *r)
{
	return check_snap(r)->census;
}

/* A combination of the census; absent, it joins @p's missing list. */
static bool cs_get(struct check_run *r, struct check_part *p, uint32_t key, uint64_t *v)
{
	const struct memacct_census *c = census(r);

	*v = 0;
	if (!c) {
		check_missing(r, p, "census");
		return false;
	}
	if (memacct_census_get(c, key, v) == 0)
		return true;
	*v = 0;
	/* Only the MAPPED* combinations can be absent: kpagecount was not read. */
	check_missing(r, p, "census kpagecount");
	return false;
}

/* Bytes of census pages matching a pattern (census-internal.h); 0 when it cannot say. */
static uint64_t cs_sum(const struct check_run *r, uint64_t mask, uint64_t value, int mapped)
{
	uint64_t v = 0;

	if (!census(r) || census_sum(census(r), mask, value, mapped, &v) < 0)
		return 0;
	return v;
}

/*
 * Set @p's tolerance: the drift of @counters per-CPU counters plus the
 * census's time skew, with the text saying where each comes from. Call it
 * once lhs and rhs are known.
 */
static void tolerance(struct check_run *r, struct check_part *p, uint32_t counters,
		      struct tol_text *t)
{
	const struct memacct_snapshot *s = check_snap(r);
	uint64_t ps = check_page_size(r), ncpus = s->ncpus ? s->ncpus : 1;
	uint64_t larger = p->lhs > p->rhs ? p->lhs : p->rhs;
	uint64_t thr = KERNEL_MAX_THRESHOLD, drift, skew;
	const char *thr_src = "the kernel's ceiling: no zoneinfo";
	char a[48], b[48];
	size_t len = 0;
	int n;

	if (s->zi) {
		if (memacct_zoneinfo_get_max_threshold(s->zi, &thr) == 0)
			thr_src = "the highest vm stats threshold in zoneinfo";
		else
			thr_src = "the kernel's ceiling: zoneinfo printed no threshold";
	}
	drift = sat_mul(sat_mul(sat_mul(counters, ncpus), thr), ps);
	skew = larger / 1000000 * SKEW_PPM + larger % 1000000 * SKEW_PPM / 1000000;
	if (skew < SKEW_MIN_PAGES * ps)
		skew = SKEW_MIN_PAGES * ps;
	p->slack = sat_add(drift, skew);
	p->slack_text = t->s;

	if (counters)
		n = snprintf(t->s, sizeof(t->s), "per-CPU drift: %" PRIu32 " counter%s x %" PRIu64
			     " CPU%s%s x %" PRIu64 " pages (%s) x %" PRIu64 " B pages%s = %s%s",
			     counters, counters == 1 ? "" : "s", ncpus, ncpus == 1 ? "" : "s",
			     s->ncpus ? "" : " (assumed: CPU count unknown)", thr, thr_src, ps,
			     s->page_size ? "" : " (assumed: page size unknown)",
			     check_fmt_bytes(a, sizeof(a), drift),
			     s->folded == 1 ? " (the deltas were folded before the read)" : "");
	else
		n = snprintf(t->s, sizeof(t->s), "no per-CPU counter: buddyinfo is read under the "
			     "zone locks");
	if (n > 0)
		len = (size_t)n < sizeof(t->s) ? (size_t)n : sizeof(t->s) - 1;
	snprintf(t->s + len, sizeof(t->s) - len, "; plus the census's time skew, 0.5%% of the "
		 "larger side or %d pages at least = %s (the census read every PFN over %" PRIu64
		 " ms while the counters moved)", SKEW_MIN_PAGES,
		 check_fmt_bytes(b, sizeof(b), skew),
		 census(r) ? census_duration_us(census(r)) / 1000 : 0);
}

/*
 * Whether kpagecount may be a folio average (no CONFIG_PAGE_MAPCOUNT): with
 * per-page mapcounts the unmapped pages of a partly mapped large folio read
 * 0 while MMAP (the folio's) is set; an average is at least 1 on all of
 * them. So an MMAP page with kpagecount 0 proves per-page mapcounts.
 */
static bool average_mapcount_possible(const struct check_run *r)
{
	return cs_sum(r, KPF(MMAP), KPF(MMAP), CENSUS_UNMAPPED) == 0;
}

/* The verdict, when a violation in the direction of @excess (lhs above rhs when true). */
static bool violated(const struct check_run *r, bool excess)
{
	const struct memacct_check_result *res = check_result(r);

	return res->status == MEMACCT_CHECK_VIOLATED && (res->residual > 0) == excess;
}

/* |residual| of the result, within @bound once the tolerance is added. */
static bool within(const struct check_run *r, uint64_t bound)
{
	const struct memacct_check_result *res = check_result(r);
	uint64_t gap = res->residual < 0 ? (uint64_t)0 - (uint64_t)res->residual
					 : (uint64_t)res->residual;

	return gap <= sat_add(bound, res->tolerance);
}

static uint64_t gap_of(const struct check_run *r)
{
	const struct memacct_check_result *res = check_result(r);

	return res->residual < 0 ? (uint64_t)0 - (uint64_t)res->residual : (uint64_t)res->residual;
}

/*
 * LRU is PG_lru, ACTIVE PG_active, of the folio. mm/swap.c lru_add sets
 * PG_lru as it adds the folio to a list and its size to the LRU counter
 * (lruvec_add_folio, under lru_lock); mm/vmscan.c isolate_lru_folios clears
 * it as it takes the folio off and the size out (update_lru_sizes). So
 * isolated pages leave both sides at once: not a caveat, contrary to the
 * catalog's wording, only part of the time skew. With the multi-gen LRU
 * (CONFIG_LRU_GEN) PG_active is not used (mm/vmscan.c lru_gen_add_folio
 * clears it) while Active counts the youngest generations: a caveat.
 * Counters: NR_{ACTIVE,INACTIVE}_{ANON,FILE}, NR_UNEVICTABLE.
 */
static void lru_vs_meminfo(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "LRU pages", .rhs_text = "Active + Inactive + Unevictable",
		  .cmp = CMP_EQ },
		{ .lhs_text = "LRU and ACTIVE pages", .rhs_text = "Active", .cmp = CMP_EQ },
	};
	struct tol_text t[2];
	uint64_t a, in, u;
	char x[48], y[48];
	int k;

	cs_get(r, &p[0], CS(LRU), &p[0].lhs);
	check_mi(r, &p[0], MI(ACTIVE), &a);
	check_mi(r, &p[0], MI(INACTIVE), &in);
	check_mi(r, &p[0], MI(UNEVICTABLE), &u);
	p[0].rhs = sat_add(sat_add(a, in), u);
	cs_get(r, &p[1], CS(LRU_ACTIVE), &p[1].lhs);
	check_mi(r, &p[1], MI(ACTIVE), &p[1].rhs);
	tolerance(r, &p[0], 5, &t[0]);
	tolerance(r, &p[1], 2, &t[1]);
	k = check_parts(r, p, 2, "isolation takes pages off the list and out of the counter at "
			"once, so only change during the scan should part them");
	if (k == 1 && violated(r, false) && p[0].status == MEMACCT_CHECK_HOLDS &&
	    p[1].lhs <= p[1].rhs / 100)
		check_caveat(r, "almost no LRU page is ACTIVE (%s) while Active is %s: the "
			     "multi-gen LRU keeps no PG_active, and meminfo's Active counts its "
			     "youngest generations", check_fmt_bytes(x, sizeof(x), p[1].lhs),
			     check_fmt_bytes(y, sizeof(y), p[1].rhs));
}

/*
 * UNEVICTABLE is PG_unevictable, MLOCKED PG_mlocked (the folio's).
 * mm/mlock.c counts NR_MLOCK as it sets PG_mlocked (mlock_folio) and takes
 * it out as it clears it: no caveat. PG_unevictable stays on a folio taken
 * off the unevictable list (mm/vmscan.c folio_isolate_lru) and is set on a
 * new mlocked folio before the per-CPU mlock batch adds it to the list
 * (mm/mlock.c mlock_new_folio), while NR_UNEVICTABLE counts the list: the
 * flag may exceed the counter by the UNEVICTABLE pages without LRU.
 * Counters: NR_UNEVICTABLE; NR_MLOCK.
 */
static void unevictable_vs_meminfo(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "UNEVICTABLE pages", .rhs_text = "Unevictable", .cmp = CMP_EQ },
		{ .lhs_text = "MLOCKED pages", .rhs_text = "Mlocked", .cmp = CMP_EQ },
	};
	struct tol_text t[2];
	uint64_t off;
	char x[48], y[48];
	int k;

	cs_get(r, &p[0], CS(UNEVICTABLE), &p[0].lhs);
	check_mi(r, &p[0], MI(UNEVICTABLE), &p[0].rhs);
	cs_get(r, &p[1], CS(MLOCKED), &p[1].lhs);
	check_mi(r, &p[1], MI(MLOCKED), &p[1].rhs);
	tolerance(r, &p[0], 1, &t[0]);
	tolerance(r, &p[1], 1, &t[1]);
	k = check_parts(r, p, 2, NULL);
	if (k != 0 || !violated(r, true))
		return;
	off = cs_sum(r, KPF(UNEVICTABLE) | KPF(LRU), KPF(UNEVICTABLE), CENSUS_ANY);
	if (within(r, off))
		check_caveat(r, "the excess (%s) is within the UNEVICTABLE pages off the LRU (%s): "
			     "isolated folios and new mlocked folios in the per-CPU mlock batches "
			     "keep the flag but are not on the unevictable list",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), off));
}

/*
 * Mapped is NR_FILE_MAPPED, counted per page as a page of a non-anon folio
 * gains its first mapping (mm/rmap.c __folio_add_file_rmap, __folio_mod_stat);
 * kpagecount is the page's own mapcount with CONFIG_PAGE_MAPCOUNT. Without
 * it kpagecount is the folio's average, at least 1 on every page of a partly
 * mapped large folio: the census may then exceed Mapped by up to the mapped
 * pages of large file folios. That caveat is offered only when no MMAP page
 * has kpagecount 0, which per-page mapcounts would show. Counter:
 * NR_FILE_MAPPED.
 */
static void mapped_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "pages not ANON with kpagecount > 0",
				.rhs_text = "Mapped", .cmp = CMP_EQ };
	struct tol_text t;
	uint64_t large;
	char x[48], y[48];

	cs_get(r, &p, CS(MAPPED_FILE), &p.lhs);
	check_mi(r, &p, MI(MAPPED), &p.rhs);
	tolerance(r, &p, 1, &t);
	check_parts(r, &p, 1, NULL);
	if (!violated(r, true))
		return;
	large = cs_sum(r, KPF(ANON) | KPF(THP), KPF(THP), CENSUS_MAPPED);
	if (average_mapcount_possible(r) && within(r, large))
		check_caveat(r, "the excess (%s) is within the mapped pages of large file "
			     "folios (%s): a kernel without CONFIG_PAGE_MAPCOUNT reports a "
			     "folio's average mapcount, so the unmapped pages of a partly mapped "
			     "folio read as mapped (no MMAP page here has kpagecount 0, as "
			     "per-page mapcounts would show)",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), large));
}

/*
 * AnonPages is NR_ANON_MAPPED, counted per page as a page of an anon folio
 * gains its first mapping (mm/rmap.c __folio_add_anon_rmap): a PMD-mapped
 * THP counts each of its pages once, as kpagecount does. What parts them
 * (measured on 6.18 with CONFIG_PAGE_MAPCOUNT, per-CPU deltas folded): the
 * census reader's own buffers. They are anonymous memory of the reading
 * process, so the census counts them as mapped ANON pages, while a meminfo
 * read before they were first touched lacks them: AnonPages read before and
 * after one scan differed by exactly the 2 x 1 MiB read buffers, and mapped
 * ANON matched the later value to the kB; with the buffers touched before
 * meminfo was read, the two matched to the kB. The catalog's unexplained
 * "7.7 MB against 5.6 MB" is that: 2.1 MB, two 1 MiB buffers. (THP,
 * partly unmapped THPs, the huge zero page: measured, no gap.) Without
 * CONFIG_PAGE_MAPCOUNT large anon folios add the average-mapcount excess of
 * mapped_vs_meminfo. Counter: NR_ANON_MAPPED.
 */
static void anon_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "ANON pages with kpagecount > 0",
				.rhs_text = "AnonPages", .cmp = CMP_EQ };
	struct tol_text t;
	uint64_t own, large;
	char x[48], y[48], z[48];

	cs_get(r, &p, CS(MAPPED_ANON), &p.lhs);
	check_mi(r, &p, MI(ANONPAGES), &p.rhs);
	tolerance(r, &p, 1, &t);
	check_parts(r, &p, 1, NULL);
	if (!violated(r, true)) {
		if (violated(r, false))
			check_reason_add(r, ": %s", busy_hint);
		return;
	}
	own = census(r) ? census_own_bytes(census(r)) : 0;
	large = cs_sum(r, KPF(ANON) | KPF(THP), KPF(ANON) | KPF(THP), CENSUS_MAPPED);
	if (within(r, own))
		check_caveat(r, "the excess (%s) is within the census reader's own read "
			     "buffers (%s of anonymous memory): the census counts them as "
			     "mapped ANON pages, but a meminfo read before they were first "
			     "touched lacks them (measured on 6.18: AnonPages rose by exactly "
			     "the buffers' size during a first scan; read meminfo after the "
			     "census)",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), own));
	else if (average_mapcount_possible(r) && within(r, sat_add(own, large)))
		check_caveat(r, "the excess (%s) is within the reader's own buffers (%s) plus "
			     "the mapped pages of large anon folios (%s), which read as mapped "
			     "on a kernel without CONFIG_PAGE_MAPCOUNT (a folio-average "
			     "kpagecount)", check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), own),
			     check_fmt_bytes(z, sizeof(z), large));
	else
		check_reason_add(r, ": %s", busy_hint);
}

/*
 * SWAPCACHE is set when the folio has both PG_swapbacked and PG_swapcache
 * (fs/proc/page.c; PG_swapcache aliases PG_owner_priv_1); SwapCached is
 * NR_SWAPCACHE since 5.13, counted per page as folios enter and leave the
 * swap cache (mm/swap_state.c), anon and shmem alike. Counter: NR_SWAPCACHE.
 */
static void swapcache_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "SWAPCACHE pages", .rhs_text = "SwapCached",
				.cmp = CMP_EQ };
	struct tol_text t;

	cs_get(r, &p, CS(SWAPCACHE), &p.lhs);
	check_mi(r, &p, MI(SWAPCACHED), &p.rhs);
	tolerance(r, &p, 1, &t);
	check_parts(r, &p, 1, "both count the pages of swap-cache folios");
}

/*
 * SLAB is folio_test_slab(); Slab is NR_SLAB_RECLAIMABLE_B +
 * NR_SLAB_UNRECLAIMABLE_B, whole slab pages. SLUB serves kmalloc() of more
 * than two pages from the page allocator (mm/slub.c ___kmalloc_large_node)
 * and counts those pages in NR_SLAB_UNRECLAIMABLE_B without making them
 * slabs: they carry no flag but COMPOUND_HEAD/TAIL, so Slab may exceed the
 * SLAB pages by up to the pages that carry nothing else. Counters: the two.
 */
static void slab_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "SLAB pages", .rhs_text = "Slab", .cmp = CMP_EQ };
	struct tol_text t;
	uint64_t bare;
	char x[48], y[48];

	cs_get(r, &p, CS(SLAB), &p.lhs);
	check_mi(r, &p, MI(SLAB), &p.rhs);
	tolerance(r, &p, 2, &t);
	check_parts(r, &p, 1, NULL);
	if (!violated(r, false))
		return;
	bare = cs_sum(r, ~(KPF(COMPOUND_HEAD) | KPF(COMPOUND_TAIL)), 0, CENSUS_ANY);
	bare -= cs_sum(r, ~UINT64_C(0), 0, CENSUS_ANY);
	if (within(r, bare))
		check_caveat(r, "the shortfall (%s) is within the compound pages that carry no "
			     "other flag (%s): large kmalloc() allocations come from the page "
			     "allocator, counted in Slab without the SLAB flag",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), bare));
}

/*
 * PGTABLE is PageTable() (the ptdesc page type, 4.18+); PageTables is
 * NR_PAGETABLE, counted by the same constructor (include/linux/mm.h
 * pagetable_alloc, __pagetable_ctor), SecPageTables NR_SECONDARY_PAGETABLE
 * (6.1+): KVM's and the IOMMU's tables, ordinary pages without the type.
 * Counters: the two.
 */
static void pgtable_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "PGTABLE pages",
				.rhs_text = "PageTables + SecPageTables", .cmp = CMP_EQ };
	struct tol_text t;
	uint64_t pt, sec = 0;
	bool has_sec;
	char x[48], y[48];

	cs_get(r, &p, CS(PGTABLE), &p.lhs);
	check_mi(r, &p, MI(PAGETABLES), &pt);
	has_sec = check_mi(r, NULL, MI(SECPAGETABLES), &sec);
	if (!has_sec)
		p.rhs_text = "PageTables";
	p.rhs = sat_add(pt, sec);
	tolerance(r, &p, has_sec ? 2 : 1, &t);
	check_parts(r, &p, 1, NULL);
	if (!violated(r, false))
		return;
	if (p.lhs == 0)
		check_caveat(r, "no page carries PGTABLE: kernels before 4.18 do not set it");
	else if (has_sec && within(r, sec))
		check_caveat(r, "the shortfall (%s) is within SecPageTables (%s): secondary page "
			     "tables (KVM, IOMMU) are counted without the page-table type",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), sec));
}

/*
 * HUGE is folio_test_hugetlb(): every page of every hugetlb folio, free
 * pool pages included, which is Hugetlb (every hstate, 4.16+; else
 * HugePages_Total x Hugepagesize of the default size), counted under
 * hugetlb_lock. THP is set on any large rmappable folio that is not
 * hugetlb, whatever its order ("we indicate any THPs here, not just
 * PMD-sized ones"), and on the huge zero folio (with ZERO_PAGE); meminfo
 * counts PMD-sized THPs only: AnonHugePages = NR_ANON_THPS (PMD-mapped anon
 * THPs, mm/rmap.c), ShmemHugePages and FileHugePages PMD-sized page-cache
 * folios (mm/filemap.c, mm/shmem.c). The census sizes each THP folio from
 * its COMPOUND_HEAD and _TAIL pages. Pages flagged both HUGE and THP are
 * left out of the THP side. Counters: NR_ANON_THPS, NR_SHMEM_THPS,
 * NR_FILE_THPS.
 */
static void huge_vs_meminfo(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "HUGE pages", .rhs_text = "Hugetlb", .cmp = CMP_EQ },
		{ .lhs_text = "THP pages, not HUGE",
		  .rhs_text = "AnonHugePages + ShmemHugePages + FileHugePages", .cmp = CMP_EQ },
	};
	struct tol_text t[2];
	uint64_t total, size, a, s, f, small, zero, both;
	char x[48], y[48], z[48];
	int k;

	cs_get(r, &p[0], CS(HUGETLB), &p[0].lhs);
	if (!check_mi(r, NULL, MI(HUGETLB), &p[0].rhs)) {
		p[0].rhs_text = "HugePages_Total x Hugepagesize";
		check_mi(r, &p[0], MI(HUGEPAGES_TOTAL), &total);
		check_mi(r, &p[0], MI(HUGEPAGESIZE), &size);
		p[0].rhs = sat_mul(total, size);
	}
	cs_get(r, &p[1], CS(THP), &p[1].lhs);
	both = cs_sum(r, KPF(HUGE) | KPF(THP), KPF(HUGE) | KPF(THP), CENSUS_ANY);
	p[1].lhs -= both < p[1].lhs ? both : p[1].lhs;
	check_mi(r, &p[1], MI(ANONHUGEPAGES), &a);
	check_mi(r, &p[1], MI(SHMEMHUGEPAGES), &s);
	check_mi(r, &p[1], MI(FILEHUGEPAGES), &f);
	p[1].rhs = sat_add(sat_add(a, s), f);
	tolerance(r, &p[0], 0, &t[0]);
	tolerance(r, &p[1], 3, &t[1]);
	k = check_parts(r, p, 2, NULL);
	if (both && k >= 0)
		check_reason_add(r, "; %s of pages are flagged both HUGE and THP",
				 check_fmt_bytes(x, sizeof(x), both));
	if (k != 1 || !violated(r, true))
		return;
	small = census(r) ? census_small_thp_bytes(census(r)) : 0;
	zero = cs_sum(r, KPF(THP) | KPF(ZERO_PAGE), KPF(THP) | KPF(ZERO_PAGE), CENSUS_ANY);
	if (within(r, sat_add(small, zero)))
		check_caveat(r, "the excess (%s) is within the THP folios smaller than a PMD "
			     "(%s: mTHP and large page-cache folios, which meminfo does not "
			     "count) and the huge zero folio (%s)",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), small),
			     check_fmt_bytes(z, sizeof(z), zero));
	else
		check_reason_add(r, "; PMD-sized anon THPs mapped only by PTEs (after a partial "
				 "munmap or mprotect) keep the THP flag but leave AnonHugePages");
}

/*
 * WRITEBACK is PG_writeback, Writeback NR_WRITEBACK (both per folio page).
 * Dirty is NR_FILE_DIRTY, which mm/page-writeback.c folio_account_dirtied
 * counts only for mappings that write back (mapping_can_writeback()): dirty
 * pages of ramfs and the like (on the unevictable list) carry DIRTY without
 * it, and so do lazily freed (MADV_FREE) anon pages that were written again,
 * which have lost SWAPBACKED. Counters: NR_WRITEBACK; NR_FILE_DIRTY.
 */
static void writeback_dirty(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "WRITEBACK pages", .rhs_text = "Writeback", .cmp = CMP_EQ },
		{ .lhs_text = "DIRTY pages not SWAPBACKED", .rhs_text = "Dirty", .cmp = CMP_EQ },
	};
	const uint64_t d = KPF(DIRTY), sb = KPF(SWAPBACKED), un = KPF(UNEVICTABLE), an = KPF(ANON);
	struct tol_text t[2];
	uint64_t unev, lazy;
	char x[48], y[48], z[48];
	int k;

	cs_get(r, &p[0], CS(WRITEBACK), &p[0].lhs);
	check_mi(r, &p[0], MI(WRITEBACK), &p[0].rhs);
	cs_get(r, &p[1], CS(DIRTY_FILE), &p[1].lhs);
	check_mi(r, &p[1], MI(DIRTY), &p[1].rhs);
	tolerance(r, &p[0], 1, &t[0]);
	tolerance(r, &p[1], 1, &t[1]);
	k = check_parts(r, p, 2, NULL);
	unev = cs_sum(r, d | sb | un, d | un, CENSUS_ANY);
	lazy = cs_sum(r, d | sb | un | an, d | an, CENSUS_ANY);
	if (k == 1 && violated(r, true) && within(r, sat_add(unev, lazy)))
		check_caveat(r, "the excess (%s) is within the dirty unevictable pages (%s: ramfs "
			     "and other mappings that never write back) and the dirty lazily freed "
			     "anon pages (%s), which Dirty does not count",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), unev),
			     check_fmt_bytes(z, sizeof(z), lazy));
	else if (check_result(r)->status == MEMACCT_CHECK_VIOLATED)
		check_reason_add(r, ": %s", busy_hint);
}

/*
 * Shmem is NR_SHMEM: shmem/tmpfs folios in the page cache (mm/shmem.c
 * shmem_add_to_page_cache), all SWAPBACKED and not ANON. A shmem folio
 * moved to the swap cache leaves NR_SHMEM (shmem_delete_from_page_cache)
 * but keeps both flags, now with SWAPCACHE. Counter: NR_SHMEM.
 */
static void shmem_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "SWAPBACKED pages not ANON", .rhs_text = "Shmem",
				.cmp = CMP_EQ };
	struct tol_text t;
	uint64_t sc;
	char x[48], y[48];

	cs_get(r, &p, CS(SHMEM), &p.lhs);
	check_mi(r, &p, MI(SHMEM), &p.rhs);
	tolerance(r, &p, 1, &t);
	check_parts(r, &p, 1, NULL);
	if (!violated(r, true))
		return;
	sc = cs_sum(r, KPF(SWAPBACKED) | KPF(ANON) | KPF(SWAPCACHE),
		    KPF(SWAPBACKED) | KPF(SWAPCACHE), CENSUS_ANY);
	if (within(r, sc))
		check_caveat(r, "the excess (%s) is within the shmem pages in the swap cache (%s), "
			     "which leave Shmem as they enter it",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), sc));
}

/* Free blocks over every zone and order of buddyinfo; false when it cannot say. */
static bool bi_blocks(const struct check_run *r, uint64_t *ret)
{
	const struct memacct_buddyinfo *bi = check_snap(r)->bi;
	int nz;

	*ret = 0;
	if (!bi || (nz = memacct_buddyinfo_count(bi)) <= 0)
		return false;
	for (int i = 0; i < nz; i++) {
		uint32_t orders = 0;
		uint64_t b;

		if (memacct_buddyinfo_at(bi, (size_t)i, NULL, NULL, &orders, NULL) < 0)
			return false;
		for (uint32_t o = 0; o < orders; o++)
			if (memacct_buddyinfo_get_blocks(bi, (size_t)i, o, &b) == 0)
				*ret = sat_add(*ret, b);
	}
	return true;
}

/*
 * BUDDY is PageBuddy(), which the buddy allocator sets on the first page
 * of each free block, or page_count() == 0 && is_free_buddy_page()
 * (fs/proc/page.c), which holds for every page of a free block; the 2025
 * rewrite on snapshot_page() flags every free page too (measured on 6.18:
 * BUDDY pages = buddyinfo's free pages, to the page). pagemap.rst still
 * says only the first page is flagged, as older kernels did. buddyinfo prints
 * free_area[order].nr_free (mm/vmstat.c frag_show_print): sum(count <<
 * order) free pages, sum(count) blocks. Neither counts the per-CPU free
 * lists (their pages are not PageBuddy and not on free_area). The check
 * tells which flagging the kernel does: BUDDY pages against buddyinfo's
 * free pages (every page) or its free blocks (first pages only).
 */
static void buddy_vs_free(struct check_run *r)
{
	struct check_part p = { .lhs_text = "BUDDY pages",
				.rhs_text = "buddyinfo free pages x page size", .cmp = CMP_EQ };
	struct tol_text t;
	uint64_t pages, blocks = 0, heads = 0, ps = check_page_size(r);
	const struct memacct_check_result *res;
	bool has_blocks;
	char x[48], y[48];

	cs_get(r, &p, CS(BUDDY), &p.lhs);
	check_bi_free_pages(r, &p, &pages);
	p.rhs = sat_mul(pages, ps);
	tolerance(r, &p, 0, &t);
	check_parts(r, &p, 1, NULL);
	res = check_result(r);
	if (res->status == MEMACCT_CHECK_SKIPPED)
		return;
	has_blocks = bi_blocks(r, &blocks);
	cs_get(r, NULL, CS(BUDDY_HEADS), &heads);
	heads /= ps;	/* a count of first pages, in bytes */
	if (res->status == MEMACCT_CHECK_HOLDS) {
		check_reason_add(r, "; this kernel flags every page of a free block (%" PRIu64
				 " runs of BUDDY pages)", heads);
		if (has_blocks)
			check_reason_add(r, " against %" PRIu64 " free blocks in buddyinfo",
					 blocks);
		return;
	}
	if (has_blocks && p.lhs / ps <= sat_add(blocks, res->tolerance / ps) &&
	    sat_add(p.lhs / ps, res->tolerance / ps) >= blocks && census(r))
		check_caveat(r, "this kernel flags only the first page of each free block, as "
			     "pagemap.rst documents: BUDDY pages (%" PRIu64 ") match buddyinfo's "
			     "free blocks (%" PRIu64 "), not its free pages (%s)", p.lhs / ps,
			     blocks, check_fmt_bytes(x, sizeof(x), p.rhs));
	else
		check_reason_add(r, "; BUDDY pages match neither buddyinfo's free pages nor its "
				 "free blocks (%" PRIu64 "), %s", blocks,
				 check_fmt_bytes(y, sizeof(y), p.lhs));
}

/*
 * MMAP is page_mapped(), which in 6.x is folio_mapped(page_folio(page)):
 * set on every page of a folio any page of which is mapped, while
 * AnonPages + Mapped (NR_ANON_MAPPED + NR_FILE_MAPPED, mm/rmap.c) count
 * only the pages that are. So MMAP exceeds them by the unmapped pages of
 * partly mapped large folios: exactly the MMAP pages with kpagecount 0
 * (with CONFIG_PAGE_MAPCOUNT). Measured on 6.18: unmapping 1 MiB of a
 * 2 MiB anon THP (then split lazily) left 1024 kB of MMAP pages with
 * kpagecount 0, and MMAP exceeded AnonPages + Mapped by exactly that; a
 * whole PMD-mapped THP and the huge zero page opened no gap. The reader's
 * own buffers add to it as in anon_vs_meminfo (the catalog's 9%: 2 MiB of
 * buffers on a machine with about 23 MB mapped). Counters: the two.
 */
static void mmap_vs_meminfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "MMAP pages", .rhs_text = "AnonPages + Mapped",
				.cmp = CMP_EQ };
	struct tol_text t;
	uint64_t a, m, unmapped, own;
	char x[48], y[48], z[48];

	cs_get(r, &p, CS(MMAP), &p.lhs);
	check_mi(r, &p, MI(ANONPAGES), &a);
	check_mi(r, &p, MI(MAPPED), &m);
	p.rhs = sat_add(a, m);
	tolerance(r, &p, 2, &t);
	check_parts(r, &p, 1, NULL);
	if (!violated(r, true)) {
		if (violated(r, false))
			check_reason_add(r, ": %s", busy_hint);
		return;
	}
	unmapped = cs_sum(r, KPF(MMAP), KPF(MMAP), CENSUS_UNMAPPED);
	own = census(r) ? census_own_bytes(census(r)) : 0;
	if (within(r, sat_add(unmapped, own)))
		check_caveat(r, "the excess (%s) is within the MMAP pages with kpagecount 0 (%s: "
			     "the unmapped pages of partly mapped large folios, flagged from the "
			     "folio) plus the census reader's own buffers (%s, anonymous memory a "
			     "meminfo read before the scan lacks)",
			     check_fmt_bytes(x, sizeof(x), gap_of(r)),
			     check_fmt_bytes(y, sizeof(y), unmapped),
			     check_fmt_bytes(z, sizeof(z), own));
	else
		check_reason_add(r, ": %s", busy_hint);
}

#define DEF(name, rel, in, src) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = "pages." #name, \
		    .kind = MEMACCT_CHECK_APPROX, .relation = rel, .inputs = in, .source = src }, \
	  .run = name }

const struct check_def check_census_defs[] = {
	DEF(lru_vs_meminfo,
	    "pages flagged LRU = Active + Inactive + Unevictable; LRU and ACTIVE = Active "
	    "(isolation clears the flag and the counter together; caveat: the multi-gen LRU keeps "
	    "no PG_active)", "census, meminfo",
	    SRC_PAGE "; " SRC_MEMINFO "; mm/swap.c lru_add; mm/vmscan.c isolate_lru_folios"),
	DEF(unevictable_vs_meminfo,
	    "UNEVICTABLE pages = Unevictable; MLOCKED pages = Mlocked (caveat: UNEVICTABLE pages "
	    "off the LRU)", "census, meminfo", SRC_PAGE "; " SRC_MEMINFO "; mm/mlock.c"),
	DEF(mapped_vs_meminfo,
	    "pages that are not ANON and have kpagecount > 0 = Mapped: a page mapped by 100 "
	    "processes counts once (caveat: a folio-average kpagecount without "
	    "CONFIG_PAGE_MAPCOUNT)", "census, meminfo",
	    SRC_PAGE "; " SRC_MEMINFO "; mm/rmap.c __folio_add_file_rmap"),
	DEF(anon_vs_meminfo,
	    "ANON pages with kpagecount > 0 = AnonPages (caveat: the census reader's own "
	    "buffers, anonymous memory a meminfo read before the scan lacks)", "census, meminfo",
	    SRC_PAGE "; " SRC_MEMINFO "; mm/rmap.c __folio_add_anon_rmap"),
	DEF(swapcache_vs_meminfo, "SWAPCACHE pages = SwapCached", "census, meminfo",
	    SRC_PAGE "; " SRC_MEMINFO "; mm/swap_state.c"),
	DEF(slab_vs_meminfo,
	    "SLAB pages = Slab (caveat: large kmalloc allocations are counted in Slab without the "
	    "SLAB flag)", "census, meminfo", SRC_PAGE "; " SRC_MEMINFO "; mm/slub.c"),
	DEF(pgtable_vs_meminfo,
	    "PGTABLE pages = PageTables + SecPageTables (flag since Linux 4.18; caveat: secondary "
	    "page tables carry no page-table type)", "census, meminfo",
	    SRC_PAGE "; " SRC_MEMINFO "; include/linux/mm.h pagetable_alloc"),
	DEF(huge_vs_meminfo,
	    "HUGE pages = Hugetlb; THP pages = AnonHugePages + ShmemHugePages + FileHugePages "
	    "(caveat: the THP flag marks large folios of any order and the huge zero folio)",
	    "census, meminfo",
	    SRC_PAGE "; mm/hugetlb.c hugetlb_report_meminfo; " SRC_MEMINFO "; mm/rmap.c"),
	DEF(writeback_dirty,
	    "WRITEBACK pages = Writeback; DIRTY pages not SWAPBACKED = Dirty (caveat: dirty pages "
	    "of mappings that never write back, and dirty lazily freed anon pages)",
	    "census, meminfo", SRC_PAGE "; " SRC_MEMINFO "; mm/page-writeback.c"),
	DEF(shmem_vs_meminfo,
	    "SWAPBACKED pages that are not ANON = Shmem (caveat: shmem pages in the swap cache)",
	    "census, meminfo", SRC_PAGE "; " SRC_MEMINFO "; mm/shmem.c"),
	DEF(buddy_vs_free,
	    "BUDDY pages = free pages by buddyinfo (both leave out the per-CPU free lists); the "
	    "check says whether the kernel flags every free page or only each block's first, as "
	    "pagemap.rst documents", "census, buddyinfo",
	    SRC_PAGE "; mm/vmstat.c frag_show_print; Documentation/admin-guide/mm/pagemap.rst"),
	DEF(mmap_vs_meminfo,
	    "MMAP pages = AnonPages + Mapped (caveats: MMAP is the folio's, so the unmapped pages "
	    "of partly mapped large folios count; the census reader's own buffers)",
	    "census, meminfo", SRC_PAGE "; " SRC_MEMINFO "; mm/rmap.c"),
};

const size_t check_census_ndefs = ARRAY_SIZE(check_census_defs);
