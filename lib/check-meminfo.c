/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "check-internal.h"

/*
 * identities.md, "meminfo alone": relations inside one print of
 * /proc/meminfo, plus MemFree against /proc/buddyinfo and the page cache
 * against /proc/vmstat. Each cites the kernel code both sides come from.
 */

#define MI(k) MEMACCT_MEMINFO_##k

#define SRC_MEMINFO "fs/proc/meminfo.c meminfo_proc_show"

static const char exact_hint[] =
	"both sides come from the same values in one print of meminfo, so the file is "
	"damaged or was misparsed";

static void one(struct check_run *r, struct check_part *p, const char *hint)
{
	check_parts(r, p, 1, hint);
}

/*
 * fs/proc/meminfo.c meminfo_proc_show: Active is printed as
 * pages[LRU_ACTIVE_ANON] + pages[LRU_ACTIVE_FILE], the same pages[] array the
 * two lines below it print.
 */
static void active_split(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Active", .rhs_text = "Active(anon) + Active(file)",
				.cmp = CMP_EQ };
	uint64_t a, f;

	check_mi(r, &p, MI(ACTIVE), &p.lhs);
	check_mi(r, &p, MI(ACTIVE_ANON), &a);
	check_mi(r, &p, MI(ACTIVE_FILE), &f);
	p.rhs = sat_add(a, f);
	one(r, &p, exact_hint);
}

/* fs/proc/meminfo.c meminfo_proc_show: the same pages[] array, inactive lists. */
static void inactive_split(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Inactive",
				.rhs_text = "Inactive(anon) + Inactive(file)", .cmp = CMP_EQ };
	uint64_t a, f;

	check_mi(r, &p, MI(INACTIVE), &p.lhs);
	check_mi(r, &p, MI(INACTIVE_ANON), &a);
	check_mi(r, &p, MI(INACTIVE_FILE), &f);
	p.rhs = sat_add(a, f);
	one(r, &p, exact_hint);
}

/*
 * fs/proc/meminfo.c meminfo_proc_show: Slab is printed as
 * sreclaimable + sunreclaim, the two variables SReclaimable and SUnreclaim
 * print (before 4.20 the same two global_node_page_state() calls).
 */
static void slab_split(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Slab", .rhs_text = "SReclaimable + SUnreclaim",
				.cmp = CMP_EQ };
	uint64_t a, b;

	check_mi(r, &p, MI(SLAB), &p.lhs);
	check_mi(r, &p, MI(SRECLAIMABLE), &a);
	check_mi(r, &p, MI(SUNRECLAIM), &b);
	p.rhs = sat_add(a, b);
	one(r, &p, exact_hint);
}

/*
 * MemFree is si_meminfo()'s freeram = global_zone_page_state(NR_FREE_PAGES)
 * and MemTotal its totalram = totalram_pages() (mm/show_mem.c, formerly
 * mm/page_alloc.c): one per-CPU counter against an exact total.
 * MemAvailable is si_mem_available() (same file): NR_FREE_PAGES minus
 * totalreserve_pages, plus part of the file LRUs and of
 * NR_SLAB_RECLAIMABLE_B + NR_KERNEL_MISC_RECLAIMABLE: five counters, all
 * pages that totalram_pages also counts. It may be below MemFree (the
 * reserves are subtracted), which is not checked.
 */
static void free_le_total(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "MemFree", .rhs_text = "MemTotal", .cmp = CMP_LE, .counters = 1 },
		{ .lhs_text = "MemAvailable", .rhs_text = "MemTotal", .cmp = CMP_LE,
		  .counters = 5 },
	};

	check_mi(r, &p[0], MI(MEMFREE), &p[0].lhs);
	check_mi(r, &p[0], MI(MEMTOTAL), &p[0].rhs);
	check_mi(r, &p[1], MI(MEMAVAILABLE), &p[1].lhs);
	check_mi(r, &p[1], MI(MEMTOTAL), &p[1].rhs);
	check_parts(r, p, 2, "free or available memory cannot exceed the pages the kernel "
		    "manages, so the capture is damaged");
}

/*
 * fs/proc/meminfo.c meminfo_proc_show (4.20+): KReclaimable is printed as
 * sreclaimable + global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE), the
 * same sreclaimable that SReclaimable prints, and the added counter is
 * unsigned (clamped at 0). The catalog calls this a bound; the source makes
 * it exact: no drift can break it.
 */
static void kreclaimable_ge_sreclaimable(struct check_run *r)
{
	struct check_part p = { .lhs_text = "KReclaimable", .rhs_text = "SReclaimable",
				.cmp = CMP_GE };

	check_mi(r, &p, MI(KRECLAIMABLE), &p.lhs);
	check_mi(r, &p, MI(SRECLAIMABLE), &p.rhs);
	one(r, &p, "KReclaimable is SReclaimable plus a non-negative counter in the same print, "
	    "so the file is damaged or was misparsed");
}

/*
 * Cached + Buffers = NR_FILE_PAGES - SwapCached (fs/proc/meminfo.c: cached =
 * NR_FILE_PAGES - total_swapcache_pages() - bufferram): every page-cache page
 * (shmem included) that is not swap cache. The file LRU holds the non-shmem
 * ones (shmem is swap-backed: mm/swap.c folio_add_lru puts it on the anon
 * LRU), so adding Shmem covers the rest. What keeps them apart:
 * - page-cache pages on the unevictable LRU (mlocked, ramfs, SHM_LOCK is
 *   shmem and cancels out): Cached + Buffers is larger, by at most
 *   Unevictable;
 * - MADV_FREE anon pages moved to the inactive file LRU (mm/swap.c
 *   folio_mark_lazyfree, 4.12+): the LRU is larger, by an amount meminfo
 *   does not print, so it is named in the reason but cannot be a caveat;
 * - isolated pages and per-CPU LRU batches: small, and drift.
 * Shmem pages moved to the swap cache leave Shmem and Cached together (mm/
 * shmem.c shmem_writeout, mm/swap_state.c add_to_swap_cache), so, unlike the
 * catalog's wording, they open no gap.
 * Counters: NR_ACTIVE_FILE, NR_INACTIVE_FILE, NR_SHMEM, NR_FILE_PAGES,
 * NR_SWAPCACHE (Buffers is nr_blockdev_pages(), not a per-CPU counter).
 */
static void file_lru_vs_cache(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Active(file) + Inactive(file) + Shmem",
				.rhs_text = "Cached + Buffers", .cmp = CMP_EQ, .counters = 5 };
	const struct memacct_check_result *res;
	uint64_t af, inf, sh, ca, bu, unev;
	char a[48], b[48];

	check_mi(r, &p, MI(ACTIVE_FILE), &af);
	check_mi(r, &p, MI(INACTIVE_FILE), &inf);
	check_mi(r, &p, MI(SHMEM), &sh);
	check_mi(r, &p, MI(CACHED), &ca);
	check_mi(r, &p, MI(BUFFERS), &bu);
	p.lhs = sat_add(sat_add(af, inf), sh);
	p.rhs = sat_add(ca, bu);
	one(r, &p, NULL);

	res = check_result(r);
	if (res->status != MEMACCT_CHECK_VIOLATED)
		return;
	if (res->residual < 0) {
		uint64_t gap = p.rhs - p.lhs;

		if (check_mi(r, NULL, MI(UNEVICTABLE), &unev) &&
		    gap <= sat_add(unev, res->tolerance)) {
			check_caveat(r, "the page cache missing from the file LRU (%s) is within "
				     "Unevictable (%s): mlocked and ramfs file pages sit on the "
				     "unevictable list", check_fmt_bytes(a, sizeof(a), gap),
				     check_fmt_bytes(b, sizeof(b), unev));
			return;
		}
		check_reason_add(r, ": more page cache is off the file LRU than Unevictable "
				 "(mlocked and ramfs pages) can hold");
		return;
	}
	check_reason_add(r, ": the file LRU holds more than the page cache; MADV_FREE anon "
			 "pages moved to the file LRU would do this, but meminfo does not count "
			 "them, so it cannot be allowed for");
}

/*
 * Active(anon) + Inactive(anon) is the anon LRU: swap-backed pages, i.e.
 * mapped anon pages (AnonPages = NR_ANON_MAPPED), shmem/tmpfs pages (Shmem =
 * NR_SHMEM), and swap-cache pages (mm/swap_state.c), mapped or not.
 * - mlocked anon and shmem pages sit on the unevictable LRU instead
 *   (mm/mlock.c): the LRU is short, by at most Unevictable;
 * - swap-cache pages no process maps any more (out of AnonPages) and shmem
 *   pages in the swap cache (out of Shmem) are still on the anon LRU: the
 *   LRU is larger, by at most SwapCached;
 * - MADV_FREE pages leave for the file LRU (mm/swap.c): the LRU is short by
 *   an amount meminfo does not print.
 * Counters: NR_ACTIVE_ANON, NR_INACTIVE_ANON, NR_ANON_MAPPED, NR_SHMEM.
 */
static void anon_lru_vs_anon(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Active(anon) + Inactive(anon)",
				.rhs_text = "AnonPages + Shmem", .cmp = CMP_EQ, .counters = 4 };
	const struct memacct_check_result *res;
	uint64_t aa, ia, an, sh, bound;
	char a[48], b[48];

	check_mi(r, &p, MI(ACTIVE_ANON), &aa);
	check_mi(r, &p, MI(INACTIVE_ANON), &ia);
	check_mi(r, &p, MI(ANONPAGES), &an);
	check_mi(r, &p, MI(SHMEM), &sh);
	p.lhs = sat_add(aa, ia);
	p.rhs = sat_add(an, sh);
	one(r, &p, NULL);

	res = check_result(r);
	if (res->status != MEMACCT_CHECK_VIOLATED)
		return;
	if (res->residual < 0) {
		uint64_t gap = p.rhs - p.lhs;

		if (check_mi(r, NULL, MI(UNEVICTABLE), &bound) &&
		    gap <= sat_add(bound, res->tolerance)) {
			check_caveat(r, "the anon and shmem pages missing from the anon LRU (%s) "
				     "are within Unevictable (%s): mlocked pages sit on the "
				     "unevictable list", check_fmt_bytes(a, sizeof(a), gap),
				     check_fmt_bytes(b, sizeof(b), bound));
			return;
		}
		check_reason_add(r, ": more anon and shmem memory is off the anon LRU than "
				 "Unevictable (mlock) can hold; MADV_FREE pages on the file LRU "
				 "are not counted by meminfo");
		return;
	}
	{
		uint64_t gap = p.lhs - p.rhs;

		if (check_mi(r, NULL, MI(SWAPCACHED), &bound) &&
		    gap <= sat_add(bound, res->tolerance)) {
			check_caveat(r, "the anon LRU's excess (%s) is within SwapCached (%s): "
				     "swap-cache pages stay on the anon LRU after they leave "
				     "AnonPages or Shmem", check_fmt_bytes(a, sizeof(a), gap),
				     check_fmt_bytes(b, sizeof(b), bound));
			return;
		}
	}
	check_reason_add(r, ": the anon LRU holds more than SwapCached can explain");
}

/*
 * Mapped is NR_FILE_MAPPED: page-cache pages (shmem included) mapped by some
 * page table, counted once per page (mm/rmap.c __folio_add_file_rmap). They
 * are page cache, hence in NR_FILE_PAGES - SwapCached = Cached + Buffers
 * (fs/proc/meminfo.c). A shmem page must be unmapped before it enters the
 * swap cache, and mapped swap-cache pages count as anon. Counters:
 * NR_FILE_MAPPED, NR_FILE_PAGES, NR_SWAPCACHE.
 */
static void mapped_in_cached(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Mapped", .rhs_text = "Cached + Buffers",
				.cmp = CMP_LE, .counters = 3 };
	uint64_t ca, bu;

	check_mi(r, &p, MI(MAPPED), &p.lhs);
	check_mi(r, &p, MI(CACHED), &ca);
	check_mi(r, &p, MI(BUFFERS), &bu);
	p.rhs = sat_add(ca, bu);
	one(r, &p, "mapped page cache is part of the page cache, so the capture is damaged or "
	    "the kernel changed what it counts");
}

/*
 * AnonHugePages is NR_ANON_THPS (PMD-mapped anon THPs, in pages since 5.x;
 * fs/proc/meminfo.c); each such folio is also in NR_ANON_MAPPED (AnonPages)
 * with all its pages (mm/rmap.c __folio_add_anon_rmap). Two counters.
 */
static void anonhuge_in_anon(struct check_run *r)
{
	struct check_part p = { .lhs_text = "AnonHugePages", .rhs_text = "AnonPages",
				.cmp = CMP_LE, .counters = 2 };

	check_mi(r, &p, MI(ANONHUGEPAGES), &p.lhs);
	check_mi(r, &p, MI(ANONPAGES), &p.rhs);
	one(r, &p, "anonymous THPs are anonymous pages, so the capture is damaged");
}

/*
 * fs/proc/meminfo.c: ShmemHugePages = NR_SHMEM_THPS, ShmemPmdMapped =
 * NR_SHMEM_PMDMAPPED, FileHugePages = NR_FILE_THPS, FilePmdMapped =
 * NR_FILE_PMDMAPPED. A PMD-mapped THP is a THP (mm/rmap.c
 * __folio_add_file_rmap), and a shmem THP is shmem (mm/shmem.c
 * shmem_add_to_page_cache counts both). Two counters per part.
 */
static void shmemhuge_in_shmem(struct check_run *r)
{
	struct check_part p[3] = {
		{ .lhs_text = "ShmemPmdMapped", .rhs_text = "ShmemHugePages", .cmp = CMP_LE,
		  .counters = 2 },
		{ .lhs_text = "ShmemHugePages", .rhs_text = "Shmem", .cmp = CMP_LE,
		  .counters = 2 },
		{ .lhs_text = "FilePmdMapped", .rhs_text = "FileHugePages", .cmp = CMP_LE,
		  .counters = 2 },
	};

	check_mi(r, &p[0], MI(SHMEMPMDMAPPED), &p[0].lhs);
	check_mi(r, &p[0], MI(SHMEMHUGEPAGES), &p[0].rhs);
	check_mi(r, &p[1], MI(SHMEMHUGEPAGES), &p[1].lhs);
	check_mi(r, &p[1], MI(SHMEM), &p[1].rhs);
	check_mi(r, &p[2], MI(FILEPMDMAPPED), &p[2].lhs);
	check_mi(r, &p[2], MI(FILEHUGEPAGES), &p[2].rhs);
	check_parts(r, p, 3, "a PMD-mapped THP is a THP and a shmem THP is shmem, so the capture "
		    "is damaged");
}

/*
 * Mlocked is NR_MLOCK, Unevictable the unevictable LRU (fs/proc/meminfo.c).
 * mm/mlock.c moves every mlocked folio to the unevictable LRU, through a
 * per-CPU batch drained at once for large folios. Two counters.
 */
static void mlocked_in_unevictable(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Mlocked", .rhs_text = "Unevictable", .cmp = CMP_LE,
				.counters = 2 };

	check_mi(r, &p, MI(MLOCKED), &p.lhs);
	check_mi(r, &p, MI(UNEVICTABLE), &p.rhs);
	one(r, &p, "mlocked pages go to the unevictable list, so the capture is damaged");
}

/*
 * mm/hugetlb.c hugetlb_report_meminfo: HugePages_{Total,Free,Rsvd,Surp} are
 * the default hstate's nr_huge_pages, free_huge_pages, resv_huge_pages and
 * surplus_huge_pages (plain counts under hugetlb_lock, no per-CPU drift);
 * Hugetlb sums nr_huge_pages * size over every hstate, so it is at least
 * the default pool's bytes. Reserved pages are free pages promised to a
 * mapping, and surplus pages are part of the pool
 * (Documentation/admin-guide/mm/hugetlbpage.rst).
 */
static void hugetlb_pool(struct check_run *r)
{
	struct check_part p[4] = {
		{ .lhs_text = "HugePages_Rsvd", .rhs_text = "HugePages_Free", .cmp = CMP_LE },
		{ .lhs_text = "HugePages_Free", .rhs_text = "HugePages_Total", .cmp = CMP_LE },
		{ .lhs_text = "HugePages_Surp", .rhs_text = "HugePages_Total", .cmp = CMP_LE },
		{ .lhs_text = "Hugetlb", .rhs_text = "HugePages_Total x Hugepagesize",
		  .cmp = CMP_GE },
	};
	uint64_t total = 0, size = 0, unit;

	check_mi(r, &p[0], MI(HUGEPAGES_RSVD), &p[0].lhs);
	check_mi(r, &p[0], MI(HUGEPAGES_FREE), &p[0].rhs);
	check_mi(r, &p[1], MI(HUGEPAGES_FREE), &p[1].lhs);
	check_mi(r, &p[1], MI(HUGEPAGES_TOTAL), &p[1].rhs);
	check_mi(r, &p[2], MI(HUGEPAGES_SURP), &p[2].lhs);
	check_mi(r, &p[2], MI(HUGEPAGES_TOTAL), &p[2].rhs);
	check_mi(r, &p[3], MI(HUGETLB), &p[3].lhs);
	check_mi(r, &p[3], MI(HUGEPAGES_TOTAL), &total);
	check_mi(r, &p[3], MI(HUGEPAGESIZE), &size);
	p[3].rhs = sat_mul(total, size);
	/* The counts compare as counts; a huge page's bytes weigh their margins. */
	unit = size ? size : check_page_size(r);
	p[0].unit = p[1].unit = p[2].unit = unit;
	check_parts(r, p, 4, "the pool's counters contradict each other, so the capture is "
		    "damaged or was taken while the pool was being resized");
}

/*
 * mm/swapfile.c si_swapinfo: freeswap = nr_swap_pages + nr_to_be_unused,
 * totalswap = total_swap_pages + nr_to_be_unused, under swap_lock (no
 * per-CPU counter; slots held in per-CPU caches only lower SwapFree).
 * SwapCached is total_swapcache_pages() (NR_SWAPCACHE since 5.13, one
 * counter): every swap-cache page holds an allocated swap slot
 * (mm/swap_state.c), so it is within the used swap.
 */
static void swap_bounds(struct check_run *r)
{
	struct check_part p[2] = {
		{ .lhs_text = "SwapFree", .rhs_text = "SwapTotal", .cmp = CMP_LE },
		{ .lhs_text = "SwapCached", .rhs_text = "SwapTotal - SwapFree", .cmp = CMP_LE,
		  .counters = 1 },
	};
	uint64_t total, free;

	check_mi(r, &p[0], MI(SWAPFREE), &p[0].lhs);
	check_mi(r, &p[0], MI(SWAPTOTAL), &p[0].rhs);
	check_mi(r, &p[1], MI(SWAPCACHED), &p[1].lhs);
	check_mi(r, &p[1], MI(SWAPTOTAL), &total);
	check_mi(r, &p[1], MI(SWAPFREE), &free);
	p[1].rhs = total > free ? total - free : 0;
	check_parts(r, p, 2, "swap-cache pages hold swap slots and free slots are slots, so the "
		    "capture is damaged");
}

/*
 * arch/x86/mm/pat/set_memory.c arch_report_meminfo (s390: arch/s390/mm/
 * pageattr.c): DirectMap* count the kernel's direct mapping of RAM by page
 * size, reserved memory included, so together they cover MemTotal. On a
 * 32-bit kernel with CONFIG_HIGHMEM the direct map stops at lowmem: there
 * the bound is LowTotal (a correction of the catalog's wording). Counted
 * under pgd_lock, no per-CPU drift. Skipped where no DirectMap line is
 * printed (arm64 and most other architectures).
 */
static void directmap_covers_ram(struct check_run *r)
{
	static const struct {
		uint32_t key;
		const char *name;
	} dm[] = {
		{ MI(DIRECTMAP4K), "DirectMap4k" }, { MI(DIRECTMAP2M), "DirectMap2M" },
		{ MI(DIRECTMAP4M), "DirectMap4M" }, { MI(DIRECTMAP1G), "DirectMap1G" },
		{ MI(DIRECTMAP1M), "DirectMap1M" }, { MI(DIRECTMAP2G), "DirectMap2G" },
	};
	struct check_part p = { .rhs_text = "MemTotal", .cmp = CMP_GE };
	char lhs[128] = "";
	size_t len = 0;
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(dm); i++) {
		if (!check_mi(r, NULL, dm[i].key, &v))
			continue;
		p.lhs = sat_add(p.lhs, v);
		len += (size_t)snprintf(lhs + len, sizeof(lhs) - len, "%s%s", len ? " + " : "",
					dm[i].name);
	}
	p.lhs_text = len ? lhs : "DirectMap*";
	if (check_mi(r, NULL, MI(HIGHTOTAL), &v)) {
		p.rhs_text = "LowTotal";
		check_mi(r, &p, MI(LOWTOTAL), &p.rhs);
	} else {
		check_mi(r, &p, MI(MEMTOTAL), &p.rhs);
	}
	/* Without a meminfo at all, "meminfo" is what is missing. */
	if (!len && check_has_meminfo(r))
		check_missing(r, &p, "DirectMap*");
	one(r, &p, "the direct map covers all of RAM, so the capture is damaged");
	if (!len && check_result(r)->status == MEMACCT_CHECK_SKIPPED && check_has_meminfo(r))
		check_reason_add(r, " (this architecture prints no DirectMap line)");
}

/*
 * MemFree is NR_FREE_PAGES (mm/show_mem.c si_meminfo); /proc/buddyinfo
 * prints each zone's free_area[order].nr_free (mm/vmstat.c frag_show_print),
 * so sum(count << order) pages is the buddy allocator's free memory. Both
 * leave out the per-CPU free lists. Free pages in isolated pageblocks are
 * on the free lists but not in NR_FREE_PAGES (mm/page_alloc.c
 * account_freepages, formerly __mod_zone_freepage_state), which can only
 * lower MemFree, transiently (memory offlining, alloc_contig_range). Vendor
 * kernels with lazy (deferred) memory init count memory in MemFree before
 * it reaches the buddy allocator: the relation then breaks by gigabytes,
 * and the check says so rather than hide it. One counter (NR_FREE_PAGES).
 */
static void free_vs_buddyinfo(struct check_run *r)
{
	struct check_part p = { .lhs_text = "MemFree",
				.rhs_text = "buddyinfo free pages x page size", .cmp = CMP_EQ,
				.counters = 1 };
	const struct memacct_check_result *res;
	uint64_t pages, ps = check_page_size(r), nr_free;
	char a[48];

	check_mi(r, &p, MI(MEMFREE), &p.lhs);
	check_bi_free_pages(r, &p, &pages);
	p.rhs = sat_mul(pages, ps);
	one(r, &p, NULL);

	res = check_result(r);
	if (res->status == MEMACCT_CHECK_VIOLATED && res->residual > 0) {
		check_reason_add(r, ": a large positive residual is what vendor kernels with lazy "
				 "(deferred) memory init show: they count memory in MemFree before "
				 "handing it to the buddy allocator");
		if (check_vs(r, NULL, "nr_free_pages", &nr_free)) {
			uint64_t nf = sat_mul(nr_free, ps);
			uint64_t d = nf > p.rhs ? nf - p.rhs : p.rhs - nf;

			check_reason_add(r, "; vmstat nr_free_pages (%s) %s buddyinfo",
					 check_fmt_bytes(a, sizeof(a), nf),
					 d <= res->tolerance ? "agrees with" : "differs from");
		}
	} else if (res->status == MEMACCT_CHECK_VIOLATED) {
		check_reason_add(r, ": buddyinfo holds more free memory than MemFree; free pages "
				 "in isolated pageblocks (memory offlining, contiguous allocations) "
				 "are on the free lists but not in NR_FREE_PAGES");
	}
	if (res->status != MEMACCT_CHECK_SKIPPED && !check_page_size_known(r))
		check_reason_add(r, "; the page size is not known and was taken as %" PRIu64 " B",
				 ps);
	if (res->status != MEMACCT_CHECK_SKIPPED && check_live(r))
		check_reason_add(r, "; two files read at different moments on a live system, so "
				 "part of the residual may be change between the reads");
}

/*
 * fs/proc/meminfo.c meminfo_proc_show: Cached = NR_FILE_PAGES -
 * total_swapcache_pages() - bufferram, clamped at 0, and SwapCached and
 * Buffers print the other two terms: the sum is NR_FILE_PAGES, which
 * /proc/vmstat prints as nr_file_pages (mm/vmstat.c vmstat_start). When
 * Cached reads 0 the clamp may have raised it, so only
 * Cached + Buffers + SwapCached >= nr_file_pages is left. Two files read one
 * after the other: the global counter moves by per-CPU folds between them.
 * Counters: NR_FILE_PAGES, NR_SWAPCACHE.
 */
static void file_pages_vs_vmstat(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Cached + Buffers + SwapCached",
				.rhs_text = "vmstat nr_file_pages x page size", .cmp = CMP_EQ,
				.counters = 2 };
	const struct memacct_check_result *res;
	uint64_t ca, bu, sc, pages, ps = check_page_size(r);
	bool have_cached;

	have_cached = check_mi(r, &p, MI(CACHED), &ca);
	check_mi(r, &p, MI(BUFFERS), &bu);
	check_mi(r, &p, MI(SWAPCACHED), &sc);
	check_vs(r, &p, "nr_file_pages", &pages);
	p.lhs = sat_add(sat_add(ca, bu), sc);
	p.rhs = sat_mul(pages, ps);
	if (have_cached && ca == 0) {
		p.cmp = CMP_GE;
		p.lhs_text = "Cached (clamped at 0) + Buffers + SwapCached";
	}
	one(r, &p, "meminfo derives Cached from the very counter vmstat prints, so one of the "
	    "captures is damaged or they were taken far apart");

	res = check_result(r);
	if (res->status != MEMACCT_CHECK_SKIPPED && !check_page_size_known(r))
		check_reason_add(r, "; the page size is not known and was taken as %" PRIu64 " B",
				 ps);
	if (res->status != MEMACCT_CHECK_SKIPPED && check_live(r))
		check_reason_add(r, "; two files read at different moments on a live system, so "
				 "part of the residual may be change between the reads");
}

#define DEF(name, k, rel, in, src) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = "meminfo." #name, \
		    .kind = MEMACCT_CHECK_##k, .relation = rel, .inputs = in, .source = src }, \
	  .run = name }

const struct check_def check_meminfo_defs[] = {
	DEF(active_split, EXACT, "Active = Active(anon) + Active(file)", "meminfo",
	    SRC_MEMINFO),
	DEF(inactive_split, EXACT, "Inactive = Inactive(anon) + Inactive(file)", "meminfo",
	    SRC_MEMINFO),
	DEF(slab_split, EXACT, "Slab = SReclaimable + SUnreclaim", "meminfo", SRC_MEMINFO),
	DEF(free_le_total, BOUND,
	    "MemFree <= MemTotal and MemAvailable <= MemTotal (MemAvailable may be below "
	    "MemFree: reserves are subtracted)", "meminfo",
	    SRC_MEMINFO "; mm/show_mem.c si_meminfo, si_mem_available"),
	DEF(kreclaimable_ge_sreclaimable, EXACT, "KReclaimable >= SReclaimable", "meminfo",
	    SRC_MEMINFO " (KReclaimable = sreclaimable + NR_KERNEL_MISC_RECLAIMABLE)"),
	DEF(file_lru_vs_cache, APPROX,
	    "Active(file) + Inactive(file) + Shmem = Cached + Buffers; caveats: mlocked and "
	    "ramfs file pages sit on Unevictable, MADV_FREE anon pages move to the file LRU",
	    "meminfo", SRC_MEMINFO "; mm/swap.c; Documentation/filesystems/proc.rst"),
	DEF(anon_lru_vs_anon, APPROX,
	    "Active(anon) + Inactive(anon) = AnonPages + Shmem; caveats: mlock (Unevictable), "
	    "swap cache in flight (SwapCached), MADV_FREE pages moved to the file LRU",
	    "meminfo", SRC_MEMINFO "; mm/mlock.c; mm/swap_state.c"),
	DEF(mapped_in_cached, BOUND,
	    "Mapped <= Cached + Buffers: mapped pages are page-cache pages (shmem included) "
	    "that some page table maps, each counted once however many processes map it",
	    "meminfo", SRC_MEMINFO "; mm/rmap.c"),
	DEF(anonhuge_in_anon, BOUND, "AnonHugePages <= AnonPages", "meminfo",
	    SRC_MEMINFO "; mm/rmap.c"),
	DEF(shmemhuge_in_shmem, BOUND,
	    "ShmemPmdMapped <= ShmemHugePages <= Shmem; FilePmdMapped <= FileHugePages",
	    "meminfo", SRC_MEMINFO "; mm/rmap.c; mm/shmem.c"),
	DEF(mlocked_in_unevictable, BOUND, "Mlocked <= Unevictable", "meminfo",
	    SRC_MEMINFO "; mm/mlock.c"),
	DEF(hugetlb_pool, BOUND,
	    "HugePages_Rsvd <= HugePages_Free <= HugePages_Total; HugePages_Surp <= "
	    "HugePages_Total; Hugetlb >= HugePages_Total * Hugepagesize", "meminfo",
	    "mm/hugetlb.c hugetlb_report_meminfo; Documentation/admin-guide/mm/hugetlbpage.rst"),
	DEF(swap_bounds, BOUND, "SwapFree <= SwapTotal; SwapCached <= SwapTotal - SwapFree",
	    "meminfo", SRC_MEMINFO "; mm/swapfile.c si_swapinfo; mm/swap_state.c"),
	DEF(directmap_covers_ram, BOUND,
	    "DirectMap4k + DirectMap2M + DirectMap4M + DirectMap1G >= MemTotal (where the "
	    "architecture prints them; LowTotal on 32-bit highmem kernels)", "meminfo",
	    "arch/x86/mm/pat/set_memory.c arch_report_meminfo; arch/s390/mm/pageattr.c"),
	DEF(free_vs_buddyinfo, APPROX,
	    "MemFree = sum over zones and orders of buddyinfo count * 2^order * page size; some "
	    "vendor kernels with lazy memory init break it, and the check says so",
	    "meminfo, buddyinfo",
	    "mm/show_mem.c si_meminfo; mm/vmstat.c frag_show; mm/page_alloc.c"),
	DEF(file_pages_vs_vmstat, APPROX,
	    "Cached + Buffers + SwapCached = nr_file_pages from /proc/vmstat (Cached is clamped "
	    "at 0; two files)", "meminfo, vmstat", SRC_MEMINFO "; mm/vmstat.c vmstat_start"),
};

const size_t check_meminfo_ndefs = ARRAY_SIZE(check_meminfo_defs);
