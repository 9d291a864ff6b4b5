/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "check-internal.h"
#include "procs-internal.h"

/*
 * identities.md, "the whole system (every process)": sums over a scan of
 * every process (procs.c) against one meminfo. The scan is not one instant:
 * each process is read at its own moment, while meminfo is one print. So
 * every identity here also reports how far its meminfo side moved while the
 * scan ran (meminfo read before the listing, every 8 processes, after the
 * last one, and the snapshot's own), and may allow that much as a caveat.
 */

#define MI(k) MEMACCT_MEMINFO_##k
#define KB 1024u

/* mm/vmstat.c calculate_normal_threshold(): "threshold = min(125, threshold)". */
#define KERNEL_MAX_THRESHOLD 125

#define SRC_ROLLUP "fs/proc/task_mmu.c show_smaps_rollup, smaps_account, smaps_pte_entry"
#define SRC_MEMINFO "fs/proc/meminfo.c meminfo_proc_show"

/* --- inputs ------------------------------------------------------------ */

/* The attached scan, or NULL with what is missing named in @p. */
static const struct memacct_procs *scan_of(struct check_run *r, struct check_part *p)
{
	const struct memacct_procs *ps = check_snap(r)->procs;

	if (!ps) {
		check_missing(r, p, "processes (a scan of every process)");
		return NULL;
	}
	if (memacct_procs_count(ps) <= 0) {
		check_missing(r, p, "processes (the scan found none)");
		return NULL;
	}
	return ps;
}

/* The total of usage @key over the scan; missing when no process gave it. */
static bool total(struct check_run *r, struct check_part *p, const struct memacct_procs *ps,
		  uint32_t key, const char *name, uint64_t *v, size_t *lacking)
{
	char buf[96];
	int k;

	*v = 0;
	*lacking = 0;
	if (!ps)
		return false;
	k = memacct_procs_get_total(ps, key, v, lacking);
	if (k == 0)
		return true;
	*v = 0;
	snprintf(buf, sizeof(buf), "processes' %s (%s)", name,
		 k == -EOVERFLOW ? "the sum overflows 64 bits" : "no process gave it");
	check_missing(r, p, buf);
	return false;
}

/* The same for a smaps_rollup field the scan keeps (PROCS_X_*). */
static bool total_x(struct check_run *r, struct check_part *p, const struct memacct_procs *ps,
		    unsigned x, const char *name, uint64_t *v, size_t *lacking)
{
	char buf[96];
	int k;

	*v = 0;
	*lacking = 0;
	if (!ps)
		return false;
	k = procs_get_extra_total(ps, x, v, lacking);
	if (k == 0)
		return true;
	*v = 0;
	snprintf(buf, sizeof(buf), "processes' smaps_rollup %s (%s)", name,
		 k == -EOVERFLOW ? "the sum overflows 64 bits" : "no process gave it");
	check_missing(r, p, buf);
	return false;
}

/* Usage @key of process @i, 0 when it has none. */
static uint64_t val(const struct memacct_procs *ps, size_t i, uint32_t key)
{
	uint64_t v = 0;

	return memacct_procs_get(ps, i, key, &v) == 0 ? v : 0;
}

/*
 * Per-CPU drift as check.c computes it (identities.md, "Tolerance"), for the
 * identities whose tolerance adds a fixed truncation to it.
 */
static uint64_t drift(struct check_run *r, uint32_t counters, char *text, size_t sz)
{
	const struct memacct_snapshot *s = check_snap(r);
	uint64_t thr = KERNEL_MAX_THRESHOLD, ncpus = s->ncpus ? s->ncpus : 1;
	const char *thr_src = "the kernel's ceiling: no zoneinfo";

	if (s->zi) {
		if (memacct_zoneinfo_get_max_threshold(s->zi, &thr) == 0)
			thr_src = "the highest vm stats threshold in zoneinfo";
		else
			thr_src = "the kernel's ceiling: zoneinfo printed no threshold";
	}
	snprintf(text, sz, "per-CPU drift: %" PRIu32 " counters x %" PRIu64 " CPU%s%s x %" PRIu64
		 " pages (%s) x %" PRIu64 " B pages%s%s", counters, ncpus, ncpus == 1 ? "" : "s",
		 s->ncpus ? "" : " (assumed: CPU count unknown)", thr, thr_src, check_page_size(r),
		 s->page_size ? "" : " (assumed: page size unknown)",
		 s->folded == 1 ? "; the per-CPU deltas were folded before the read" : "");
	return sat_mul(sat_mul(sat_mul(counters, ncpus), thr), check_page_size(r));
}

/*
 * How far the meminfo side made of @keys moved while the scan ran: for each
 * key, the range of the values it took over the scan's meminfo reads
 * (before, during, after) and the snapshot's own meminfo; their sum bounds
 * the movement of any sum or difference of the keys.
 */
static uint64_t movement(struct check_run *r, const uint32_t *keys, size_t nkeys)
{
	const struct memacct_snapshot *s = check_snap(r);
	uint64_t sum = 0, lo, hi, v;

	for (size_t i = 0; i < nkeys; i++) {
		if (!s->procs || memacct_procs_get_meminfo_range(s->procs, keys[i], &lo, &hi) < 0)
			continue;
		if (s->mi && memacct_meminfo_get(s->mi, keys[i], &v) == 0) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		sum = sat_add(sum, hi - lo);
	}
	return sum;
}

/* What the scan was: appended to every checked result's reason. */
static void scan_note(struct check_run *r, const char *what, uint64_t by)
{
	const struct memacct_procs *ps = check_snap(r)->procs;
	uint64_t ns = 0;
	char a[48];

	memacct_procs_get_duration(ps, &ns);
	check_reason_add(r, "; %d processes read one after another in %" PRIu64 ".%03" PRIu64
			 " ms (%d partial: smaps_rollup denied; skipped: %d vanished, %d kernel "
			 "threads, %d denied, %d failed)", memacct_procs_count(ps),
			 ns / 1000000, ns / 1000 % 1000, memacct_procs_count_partial(ps),
			 memacct_procs_count_skipped(ps, MEMACCT_PROCS_VANISHED),
			 memacct_procs_count_skipped(ps, MEMACCT_PROCS_KERNEL_THREAD),
			 memacct_procs_count_skipped(ps, MEMACCT_PROCS_DENIED),
			 memacct_procs_count_skipped(ps, MEMACCT_PROCS_FAILED));
	if (check_live(r))
		check_reason_add(r, "; the scan is not one instant: %s moved by up to %s over the "
				 "meminfo reads before, during and after it", what,
				 check_fmt_bytes(a, sizeof(a), by));
	else if (procs_captured_samples(ps))
		check_reason_add(r, "; the capture was not one instant: %s moved by up to %s over "
				 "the %zu meminfo reads it made while it read the processes "
				 "(meminfo.scan)", what, check_fmt_bytes(a, sizeof(a), by),
				 procs_captured_samples(ps));
	else
		check_reason_add(r, "; the scan is not one instant: a captured tree's processes "
				 "were captured one after another too, which the tree does not "
				 "measure");
}

/*
 * After check_parts(): a violation whose gap is within the tolerance plus
 * @allow becomes the caveat @text names (with the amounts); else @hint is
 * added to the reason. @return true when it became a caveat.
 */
static bool allow_or_hint(struct check_run *r, uint64_t allow, const char *text,
			  const char *hint)
{
	const struct memacct_check_result *res = check_result(r);
	uint64_t gap;
	char a[48], b[48];

	if (res->status != MEMACCT_CHECK_VIOLATED)
		return false;
	gap = res->residual < 0 ? (uint64_t)0 - (uint64_t)res->residual : (uint64_t)res->residual;
	if (allow && gap <= sat_add(res->tolerance, allow)) {
		check_caveat(r, "%s (%s allowed, the gap is %s)", text,
			     check_fmt_bytes(a, sizeof(a), allow), check_fmt_bytes(b, sizeof(b), gap));
		return true;
	}
	check_reason_add(r, ": %s", hint);
	return false;
}

/* After a violation where the sum is short: who else may hold the rest. */
static void unseen(struct check_run *r)
{
	if (check_result(r)->status != MEMACCT_CHECK_VIOLATED)
		return;
	if (check_live(r))
		check_reason_add(r, "; processes that vanished, or that live in another pid "
				 "namespace (not in this /proc), may map the rest");
	else
		check_reason_add(r, "; a captured tree may hold only some of the system's "
				 "processes, else it is damaged");
}

/* --- the identities ----------------------------------------------------- */

/*
 * Pss shares each mapped page among its mappings: smaps_account adds
 * (PAGE_SIZE << PSS_SHIFT) / mapcount per page table entry, so over every
 * page table that maps it a page adds up to one page (fs/proc/task_mmu.c).
 * Mapped (NR_FILE_MAPPED) and AnonPages (NR_ANON_MAPPED) count each page
 * once when its first mapping is added (mm/rmap.c __folio_add_rmap,
 * __folio_mod_stat: anon folios to NR_ANON_MAPPED, every other, shmem
 * included, to NR_FILE_MAPPED). So the sum of Pss over every mm is Mapped +
 * AnonPages, up to:
 * - truncation: each page's share truncated to 1/4096 B, each rollup's Pss
 *   to kB (under 1 kB per process): the sum is short, never long;
 * - drift of the two counters;
 * - what the scan cannot see or could not read: partial processes (smaps_
 *   rollup denied; their Pss is at most their RSS), processes that vanished
 *   or live in another pid namespace: the sum is short. A process that
 *   vanished after the pages it shared were divided for the processes read
 *   takes its shares with it: at most the others' Rss - Pss, the part of
 *   their pages the mapcounts gave to other mappers;
 * - change while the scan ran (measured from meminfo around it);
 * - two processes sharing one mm (vfork children before exec, clone with
 *   CLONE_VM): that mm is counted twice, the sum is long;
 * - kernels without CONFIG_PAGE_MAPCOUNT: a large folio counts whole in
 *   Mapped/AnonPages once any page of it is mapped, and Pss uses the folio's
 *   average mapcount (__folio_add_rmap, smaps_account).
 * Shmem that no process maps is in neither side (NR_FILE_MAPPED counts mapped
 * pages only), so, unlike the catalog's wording, it opens no gap; hugetlb
 * pages are in neither either.
 */
static void pss_vs_mapped_anon(struct check_run *r)
{
	struct check_part p = { .lhs_text = "the sum of every process's Pss",
				.rhs_text = "Mapped + AnonPages", .cmp = CMP_EQ };
	const struct memacct_procs *ps = scan_of(r, &p);
	uint64_t mapped, anon, rss = 0, trunc, partial_rss = 0, others = 0, moved, allow;
	size_t lacking = 0, n;
	int vanished;
	char tol[640], dtext[256], a[48];

	total(r, &p, ps, MEMACCT_USAGE_PSS, "Pss", &p.lhs, &lacking);
	check_mi(r, &p, MI(MAPPED), &mapped);
	check_mi(r, &p, MI(ANONPAGES), &anon);
	p.rhs = sat_add(mapped, anon);
	if (p.miss[0]) {
		check_parts(r, &p, 1, NULL);
		return;
	}

	n = (size_t)memacct_procs_count(ps);
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		if (memacct_procs_get(ps, i, MEMACCT_USAGE_PSS, &v) == 0) {
			uint64_t w = val(ps, i, MEMACCT_USAGE_RSS);

			rss = sat_add(rss, w);
			others = sat_add(others, w > v ? w - v : 0);
		} else
			partial_rss = sat_add(partial_rss, val(ps, i, MEMACCT_USAGE_RSS));
	}
	trunc = sat_add(sat_mul(n - lacking, KB + 1), rss / check_page_size(r) / 4096 + 1);
	p.slack = sat_add(drift(r, 2, dtext, sizeof(dtext)), trunc);
	snprintf(tol, sizeof(tol), "%s; plus Pss truncation, %s: under 1 kB per process (%zu) "
		 "and 1/4096 B per mapped page", dtext, check_fmt_bytes(a, sizeof(a), trunc),
		 n - lacking);
	p.slack_text = tol;
	moved = movement(r, (const uint32_t[]){ MI(MAPPED), MI(ANONPAGES) }, 2);
	check_parts(r, &p, 1, NULL);

	vanished = memacct_procs_count_skipped(ps, MEMACCT_PROCS_VANISHED);
	if (p.lhs < p.rhs) {
		char b[48], c[48];
		size_t len;

		len = (size_t)snprintf(tol, sizeof(tol), "processes this scan could not fully read: "
				       "%zu partial (their RSS, %s, bounds their Pss)", lacking,
				       check_fmt_bytes(a, sizeof(a), partial_rss));
		allow = sat_add(partial_rss, moved);
		if (vanished > 0 && len < sizeof(tol)) {
			len += (size_t)snprintf(tol + len, sizeof(tol) - len, ", %d that vanished "
						"with their shares of the pages the others map (at "
						"most the others' Rss - Pss, %s)", vanished,
						check_fmt_bytes(c, sizeof(c), others));
			allow = sat_add(allow, others);
		}
		if (len < sizeof(tol))
			snprintf(tol + len, sizeof(tol) - len, "; and Mapped + AnonPages moved by "
				 "up to %s while the scan ran", check_fmt_bytes(b, sizeof(b), moved));
		if (!allow_or_hint(r, allow, tol,
				   "the sum is short by more than the partial processes and the "
				   "change during the scan explain; kernels without "
				   "CONFIG_PAGE_MAPCOUNT count a partly mapped large folio whole in "
				   "Mapped and AnonPages"))
			unseen(r);
	} else {
		snprintf(tol, sizeof(tol), "Mapped + AnonPages moved by up to %s while the scan ran",
			 check_fmt_bytes(a, sizeof(a), moved));
		allow_or_hint(r, moved, tol,
			      "the sum is long by more than the change during the scan explains; "
			      "processes sharing one mm (vfork children before exec, clone with "
			      "CLONE_VM) count it twice");
	}
	scan_note(r, "Mapped + AnonPages", moved);
}

/*
 * smaps_pmd_entry adds HPAGE_PMD_SIZE to AnonHugePages for every PMD mapping
 * of an anon THP, in each process that maps it; meminfo's AnonHugePages is
 * NR_ANON_THPS, counted once when a THP's first PMD mapping is added
 * (mm/rmap.c __folio_mod_stat, nr_pmdmapped). So the sum equals it unless a
 * THP is PMD-mapped by several processes (after fork), when the sum is
 * long, by at most the anon memory counted more than once across
 * processes: the sum of Anonymous - Pss_Anon. Shmem THPs go to
 * ShmemPmdMapped and NR_SHMEM_PMDMAPPED on both sides, so the catalog's
 * "when shmem THP is off" is not needed. One counter; the walk is exact.
 */
static void anonhuge_sum(struct check_run *r)
{
	struct check_part p = { .lhs_text = "the sum of every process's AnonHugePages",
				.rhs_text = "AnonHugePages (meminfo)", .cmp = CMP_EQ, .counters = 1 };
	const struct memacct_procs *ps = scan_of(r, &p);
	uint64_t shared = 0, unread = 0, moved, v, w;
	size_t lacking = 0, n;
	bool have_shared = false;
	char text[320], a[48], b[48];

	total_x(r, &p, ps, PROCS_X_ANONHUGEPAGES, "AnonHugePages", &p.lhs, &lacking);
	check_mi(r, &p, MI(ANONHUGEPAGES), &p.rhs);
	if (p.miss[0]) {
		check_parts(r, &p, 1, NULL);
		return;
	}
	n = (size_t)memacct_procs_count(ps);
	for (size_t i = 0; i < n; i++) {
		if (procs_get_extra(ps, i, PROCS_X_ANONHUGEPAGES, &v) < 0) {
			unread = sat_add(unread, val(ps, i, MEMACCT_USAGE_ANON));
			continue;
		}
		if (procs_get_extra(ps, i, PROCS_X_ANONYMOUS, &v) == 0 &&
		    procs_get_extra(ps, i, PROCS_X_PSS_ANON, &w) == 0) {
			have_shared = true;
			shared = sat_add(shared, v > w ? v - w : 0);
		}
	}
	moved = movement(r, (const uint32_t[]){ MI(ANONHUGEPAGES) }, 1);
	check_parts(r, &p, 1, NULL);

	if (p.lhs > p.rhs) {
		snprintf(text, sizeof(text), "THPs mapped by several processes (shared after fork) "
			 "count in each one's AnonHugePages and once in meminfo: the anon memory "
			 "counted more than once across processes (Anonymous - Pss_Anon) is %s, "
			 "and AnonHugePages moved by up to %s while the scan ran",
			 have_shared ? check_fmt_bytes(a, sizeof(a), shared) : "unknown (no Pss_Anon)",
			 check_fmt_bytes(b, sizeof(b), moved));
		allow_or_hint(r, sat_add(shared, moved), text,
			      "the sum is long by more than shared THPs and the change during the "
			      "scan explain");
	} else {
		snprintf(text, sizeof(text), "%zu processes without smaps_rollup (their RssAnon, "
			 "%s, bounds their THPs), and AnonHugePages moved by up to %s while the scan ran",
			 lacking, check_fmt_bytes(a, sizeof(a), unread),
			 check_fmt_bytes(b, sizeof(b), moved));
		if (!allow_or_hint(r, sat_add(unread, moved), text,
				   "the sum is short by more than the unread processes and the "
				   "change during the scan explain"))
			unseen(r);
	}
	scan_note(r, "AnonHugePages", moved);
}

/*
 * The RSS counters status prints are approximate: per-thread caches of up
 * to 64 pages before 6.2, per-CPU counters of batch max(32, 2 * ncpus) pages
 * per CPU since (kernel/fork.c, lib/percpu_counter.c); two of them (file,
 * shmem) per process.
 */
static uint64_t status_slop(struct check_run *r)
{
	uint64_t ncpus = check_snap(r)->ncpus ? check_snap(r)->ncpus : 1;
	uint64_t batch = ncpus * 2 > 32 ? ncpus * 2 : 32, pages = sat_mul(ncpus, batch);

	return sat_mul(2 * (pages > 64 ? pages : 64), check_page_size(r));
}

/*
 * A present page is in Rss of every process that maps it (smaps_pte_entry,
 * smaps_account: "mss->resident += size"), and Anonymous counts the anon
 * ones, so Rss - Anonymous is the file and shmem pages a process maps.
 * Mapped is NR_FILE_MAPPED: each such page once, when its first mapping is
 * added (mm/rmap.c __folio_add_file_rmap, __folio_mod_stat). The sum over
 * every process is at least Mapped: a shared page is in every Rss, once in
 * Mapped. For a process without smaps_rollup (partial, or a kernel before
 * 4.14) status RssFile + RssShmem stand in, approximate counters. One
 * counter; the walk is exact.
 */
static void file_rss_ge_mapped(struct check_run *r)
{
	struct check_part p = { .lhs_text = "the sum of every process's file-backed Rss "
				"(Rss - Anonymous)", .rhs_text = "Mapped", .cmp = CMP_GE,
				.counters = 1 };
	const struct memacct_procs *ps = scan_of(r, &p);
	uint64_t unknown = 0, moved, v, anon, f, sh;
	size_t from_status = 0, nunknown = 0, n = 0;
	char text[320], a[48], b[48], c[48];

	check_mi(r, &p, MI(MAPPED), &p.rhs);
	if (ps)
		n = (size_t)memacct_procs_count(ps);
	for (size_t i = 0; i < n; i++) {
		if (procs_get_extra(ps, i, PROCS_X_ANONYMOUS, &anon) == 0 &&
		    memacct_procs_get(ps, i, MEMACCT_USAGE_RSS, &v) == 0) {
			p.lhs = sat_add(p.lhs, v > anon ? v - anon : 0);
		} else if (memacct_procs_get(ps, i, MEMACCT_USAGE_FILE, &f) == 0 &&
			   memacct_procs_get(ps, i, MEMACCT_USAGE_SHMEM, &sh) == 0) {
			p.lhs = sat_add(p.lhs, sat_add(f, sh));
			from_status++;
		} else {
			unknown = sat_add(unknown, val(ps, i, MEMACCT_USAGE_RSS));
			nunknown++;
		}
	}
	if (ps && nunknown == n)
		check_missing(r, &p, "processes' file-backed Rss (no process gave it)");
	if (p.miss[0]) {
		check_parts(r, &p, 1, NULL);
		return;
	}
	moved = movement(r, (const uint32_t[]){ MI(MAPPED) }, 1);
	check_parts(r, &p, 1, NULL);
	snprintf(text, sizeof(text), "%zu processes counted from status, whose RSS counters are "
		 "approximate by up to %s each; %zu without any file-backed count (their RSS, "
		 "%s); and Mapped moved by up to %s while the scan ran", from_status,
		 check_fmt_bytes(a, sizeof(a), status_slop(r)), nunknown,
		 check_fmt_bytes(b, sizeof(b), unknown), check_fmt_bytes(c, sizeof(c), moved));
	if (!allow_or_hint(r, sat_add(sat_add(sat_mul(from_status, status_slop(r)), unknown),
				      moved), text,
			   "mapped page cache is in the Rss of every process that maps it"))
		unseen(r);
	if (from_status)
		check_reason_add(r, "; status RssFile + RssShmem stand in for %zu process%s "
				 "without smaps_rollup", from_status, from_status == 1 ? "" : "es");
	scan_note(r, "Mapped", moved);
}

/*
 * smaps_pte_entry adds to SwapPss, for each swap entry a page table holds,
 * (PAGE_SIZE << PSS_SHIFT) / swp_swapcount(entry): over every page table
 * that references a swap slot, at most one slot (fs/proc/task_mmu.c).
 * SwapTotal - SwapFree is every slot in use (mm/swapfile.c si_swapinfo:
 * nr_swap_pages, an exact atomic, not a per-CPU counter): also slots that
 * only shmem or the swap cache hold, and the per-CPU slot caches. So the sum
 * is at most it; truncation only makes it smaller.
 */
static void swappss_le_used(struct check_run *r)
{
	struct check_part p = { .lhs_text = "the sum of every process's SwapPss",
				.rhs_text = "SwapTotal - SwapFree", .cmp = CMP_LE };
	const struct memacct_procs *ps = scan_of(r, &p);
	uint64_t t, f, moved;
	size_t lacking = 0;
	char text[160], a[48];

	total(r, &p, ps, MEMACCT_USAGE_SWAP_PSS, "SwapPss", &p.lhs, &lacking);
	check_mi(r, &p, MI(SWAPTOTAL), &t);
	check_mi(r, &p, MI(SWAPFREE), &f);
	p.rhs = t >= f ? t - f : 0;
	if (p.miss[0]) {
		check_parts(r, &p, 1, NULL);
		return;
	}
	moved = movement(r, (const uint32_t[]){ MI(SWAPTOTAL), MI(SWAPFREE) }, 2);
	check_parts(r, &p, 1, NULL);
	snprintf(text, sizeof(text), "the swap in use moved by up to %s while the scan ran",
		 check_fmt_bytes(a, sizeof(a), moved));
	allow_or_hint(r, moved, text, "SwapPss shares each swap slot among the page tables "
		      "that reference it, so the sum cannot exceed the slots in use; processes "
		      "sharing one mm (vfork children before exec) count it twice, else the "
		      "capture is damaged");
	scan_note(r, "SwapTotal - SwapFree", moved);
}

#define DEF(name, k, rel, src) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = "system." #name, \
		    .kind = MEMACCT_CHECK_##k, .relation = rel, \
		    .inputs = "meminfo, every PID/smaps_rollup and PID/status", .source = src }, \
	  .run = name }

const struct check_def check_system_defs[] = {
	DEF(pss_vs_mapped_anon, APPROX,
	    "sum of every process's Pss = Mapped + AnonPages (caveats: processes that could not "
	    "be read, processes changing during the scan; shmem mapped by no process is in "
	    "neither side)",
	    SRC_ROLLUP "; mm/rmap.c __folio_add_rmap, __folio_mod_stat; " SRC_MEMINFO),
	DEF(anonhuge_sum, APPROX,
	    "sum of every process's AnonHugePages = meminfo AnonHugePages (caveat: a THP "
	    "mapped by several processes counts in each)",
	    "fs/proc/task_mmu.c smaps_pmd_entry; mm/rmap.c __folio_mod_stat; " SRC_MEMINFO),
	DEF(file_rss_ge_mapped, BOUND,
	    "sum of every process's file-backed Rss >= Mapped: a shared page counts in every "
	    "Rss, once in Mapped",
	    SRC_ROLLUP "; mm/rmap.c __folio_add_file_rmap; " SRC_MEMINFO),
	DEF(swappss_le_used, BOUND, "sum of every process's SwapPss <= SwapTotal - SwapFree",
	    "fs/proc/task_mmu.c smaps_pte_entry; mm/swapfile.c si_swapinfo, swp_swapcount; "
	    SRC_MEMINFO),
};

const size_t check_system_ndefs = ARRAY_SIZE(check_system_defs);
