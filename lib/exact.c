/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"
#include "pmscan.h"

/*
 * Exact per-process accounting (exact.h): pagemap VMA by VMA, read in
 * batches into one reusable array; the PFNs of present entries that are not
 * PM_MMAP_EXCLUSIVE are queued with their VMA, sorted, and looked up in
 * kpagecount in coalesced runs, so that private memory costs about a plain
 * pagemap read.
 *
 * Rules taken from the kernel (fs/proc/task_mmu.c, fs/proc/page.c, 6.18):
 *  - pte_to_pagemap_entry and pagemap_pmd_range set PM_MMAP_EXCLUSIVE when
 *    folio_precise_page_mapcount() == 1 (CONFIG_PAGE_MAPCOUNT), which is
 *    the value kpagecount_read returns: such an entry is mapcount 1 with no
 *    lookup. Without CONFIG_PAGE_MAPCOUNT (6.15+) both sides are per folio
 *    (folio_maybe_mapped_shared, folio_average_page_mapcount): a large folio
 *    mapped twice by this process alone is "exclusive" here and shared by
 *    its average mapcount in smaps_account.
 *  - smaps_account: pss = (PAGE_SIZE << PSS_SHIFT), divided by the mapcount
 *    when it is >= 2; private when the mapcount is < 2.
 *  - A present entry whose kpagecount is 0 adds to PRESENT only, not to PSS,
 *    USS or SHARED. kpagecount_read gives 0 when the PFN has no online
 *    struct page (pfn_to_online_page: MMIO, offline or ZONE_DEVICE memory,
 *    a PFN past max_pfn) or a page that is not mapped through the rmap: the
 *    shared zero page and the huge zero page, and pages of VM_PFNMAP /
 *    VM_MIXEDMAP special mappings. smaps_pte_entry and smaps_pmd_entry skip
 *    all of these (vm_normal_page() and vm_normal_page_pmd() return NULL),
 *    so they are in neither Rss nor Pss. The one other way to read 0 is a
 *    page unmapped between the pagemap read and the kpagecount read: it is
 *    no longer this process's either. (smaps_account itself would count a
 *    mapped page of mapcount 0 as private, but it never sees one outside a
 *    race; ZONE_DEVICE pages, such as DAX, are the exception: smaps counts
 *    them, kpagecount cannot: fs/proc/page.c's TODO.)
 *  - PM_SWAP marks every non-present swap-format entry: swap, but also
 *    migration and device entries and PTE markers. Guard regions
 *    (PM_GUARD_REGION, 6.15) are markers, not swap, and are not counted.
 *  - pagemap_read stops at mm->task_size: the gate VMA ([vsyscall]) above it
 *    reads as nothing, so it is not accounted (as libmeminfo skips it).
 */

#define BATCH 65536			/* pagemap entries per read, pending PFNs, kpagecount run */
#define KPAGE_GAP 8			/* read through gaps of up to this many PFNs */
#define PSS_SHIFT 12			/* fs/proc/task_mmu.c */
#define PM_SWAPPED_ONLY (MEMACCT_PM_SWAPPED | MEMACCT_PM_GUARD)

/* include/uapi/linux/fs.h, Linux 6.11: the ioctl of /proc/PID/maps. */
#ifdef PROCMAP_QUERY
typedef struct procmap_query procmap_query_t;
#else
typedef struct {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
} procmap_query_t;
#define PROCMAP_QUERY _IOWR('f', 17, procmap_query_t)
#endif

struct exact_vma {
	uint64_t start, end;
	/* pages */
	uint64_t present, swapped, exclusive, file, uss, shared, hugetlb;
	uint64_t pss_fixed;	/* bytes << PSS_SHIFT */
	bool is_hugetlb, is_pfnmap;
};

struct pending {
	uint64_t pfn;
	size_t vma;
};

struct memacct_exact {
	int pid;		/* -1: empty */
	bool mapcount;		/* PSS, USS and SHARED were read */
	uint32_t kinds_from;
	uint64_t page_size;
	uint64_t lookups;
	uint64_t pm_read;	/* pagemap entries read */

	struct exact_vma *vmas;
	size_t nvmas, cap_vmas;

	uint64_t *pm;		/* pagemap batch */
	size_t cap_pm;
	struct pending *pend;
	size_t npend, cap_pend;
	uint64_t *kc;		/* kpagecount run */
	size_t cap_kc;

	struct memacct_vmas *maps;	/* PID/maps when the caller gives no VMAs */
	/* /proc/kpagecount, kept open: every live procfs shows the same kernel's */
	struct memacct_kpage *live_kp;
};

/* The state of one memacct_exact_read(). */
struct reader {
	struct memacct_exact *ex;
	struct memacct_source *src;
	struct memacct_pagemap *pm;
	struct memacct_kpage *kp;
	struct memacct_diag *diag;
	int maps_fd;		/* PID/maps for PROCMAP_QUERY, or -1 */
	bool live;
	bool saw_pfn;
	bool no_kc;		/* a capture without kpagecount: judged after the walk */
	uint64_t present;	/* every present entry, hugetlb included */
};

int memacct_exact_new(struct memacct_exact **ret)
{
	struct memacct_exact *ex;

	assert_return(ret, -EINVAL);
	ex = calloc(1, sizeof(*ex));
	if (!ex)
		return -ENOMEM;
	ex->pid = -1;
	*ret = ex;
	return 0;
}

struct memacct_exact *memacct_exact_free(struct memacct_exact *ex)
{
	if (!ex)
		return NULL;
	free(ex->vmas);
	free(ex->pm);
	free(ex->pend);
	free(ex->kc);
	memacct_vmas_free(ex->maps);
	memacct_kpage_free(ex->live_kp);
	free(ex);
	return NULL;
}

/* Grow *@p (of *@cap elements of @size bytes) to hold at least @need, at most @max. */
static int grow(void **p, size_t *cap, size_t need, size_t size, size_t max)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (max && n > max)
		n = max;
	if (n < need)
		return -ENOMEM;
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int fail(struct reader *rd, int err, const char *key, const char *msg)
{
	diag_set(rd->diag, err, 0, 0, key, key ? strlen(key) : 0, msg);
	return err;
}

static int fail_perm(struct reader *rd, const char *key)
{
	return fail(rd, -EPERM, key,
		    "PFNs are hidden: pagemap shows them, and /proc/kpagecount can be read, only "
		    "with CAP_SYS_ADMIN (present, swapped and exclusive pages need no privilege)");
}

/* --- kinds of VMA ---------------------------------------------------------- */

static bool all_have_vmflags(const struct memacct_vmas *vmas)
{
	int n = memacct_vmas_count(vmas);
	uint64_t f;

	for (int i = 0; i < n; i++)
		if (memacct_vma_get_vmflags(memacct_vmas_at(vmas, (size_t)i), &f) < 0)
			return false;
	return n > 0;
}

/* PROCMAP_QUERY on the VMA at @start: 1 hugetlb, 0 not, or a negative errno. */
static int query_hugetlb(struct reader *rd, uint64_t start)
{
	procmap_query_t q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_addr = start;
	if (ioctl(rd->maps_fd, PROCMAP_QUERY, &q) < 0)
		return -errno;
	return q.vma_page_size > rd->ex->page_size;
}

/* Choose how VMAs are told apart: the caller's VmFlags, PROCMAP_QUERY, or names. */
static int pick_kinds(struct reader *rd, const struct memacct_vmas *vmas, int pid)
{
	const struct memacct_vma *first;
	char path[32];
	uint64_t start;
	int r;

	if (all_have_vmflags(vmas)) {
		rd->ex->kinds_from = MEMACCT_EXACT_FROM_SMAPS;
		return 0;
	}
	rd->ex->kinds_from = MEMACCT_EXACT_FROM_NAME;
	first = memacct_vmas_at(vmas, 0);
	if (!rd->live || !first || memacct_vma_get(first, MEMACCT_VMA_START, &start) < 0)
		return 0;
	snprintf(path, sizeof(path), "%d/maps", pid);
	rd->maps_fd = source_openat(rd->src, path, O_RDONLY);
	if (rd->maps_fd < 0) {
		r = rd->maps_fd;
		rd->maps_fd = -1;
		return r == -ENOENT || r == -ESRCH ? -ESRCH : 0;
	}
	r = query_hugetlb(rd, start);
	if (r == -ESRCH)
		return r;
	if (r < 0 && r != -ENOENT) {
		/* ENOTTY before 6.11 */
		close(rd->maps_fd);
		rd->maps_fd = -1;
		return 0;
	}
	rd->ex->kinds_from = MEMACCT_EXACT_FROM_QUERY;
	return 0;
}

static bool name_is_hugetlb(const struct memacct_vma *v)
{
	static const char anon[] = "/anon_hugepage";
	const char *path = NULL;

	/* mm/mmap.c ksys_mmap_pgoff: MAP_HUGETLB anonymous memory is a hugetlbfs file */
	return memacct_vma_get_path(v, &path) == 0 && path && !strncmp(path, anon, sizeof(anon) - 1) &&
	       (path[sizeof(anon) - 1] == '\0' || path[sizeof(anon) - 1] == ' ');
}

static int vma_kind(struct reader *rd, const struct memacct_vma *v, struct exact_vma *e)
{
	uint64_t f = 0;
	int r;

	switch (rd->ex->kinds_from) {
	case MEMACCT_EXACT_FROM_SMAPS:
		memacct_vma_get_vmflags(v, &f);
		e->is_hugetlb = f & MEMACCT_VMFLAG_HT;
		e->is_pfnmap = f & (MEMACCT_VMFLAG_PF | MEMACCT_VMFLAG_IO);
		return 0;
	case MEMACCT_EXACT_FROM_QUERY:
		r = query_hugetlb(rd, e->start);
		if (r == -ESRCH)
			return r;
		/* -ENOENT: the VMA went away since maps was read; its entries read as holes */
		e->is_hugetlb = r > 0 || (r < 0 && name_is_hugetlb(v));
		return 0;
	default:
		e->is_hugetlb = name_is_hugetlb(v);
		return 0;
	}
}

/* --- kpagecount ------------------------------------------------------------ */

/* In place by PFN (glibc's qsort() may allocate): heapsort. */
static void sift(struct pending *a, size_t i, size_t n)
{
	struct pending t = a[i];

	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && a[c + 1].pfn > a[c].pfn)
			c++;
		if (a[c].pfn <= t.pfn)
			break;
		a[i] = a[c];
	}
	a[i] = t;
}

static void sort_pending(struct pending *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(a, i, n);
	for (size_t i = n; i-- > 1;) {
		struct pending t = a[0];

		a[0] = a[i];
		a[i] = t;
		sift(a, 0, i);
	}
}

static void account(struct exact_vma *v, uint64_t mapcount, uint64_t page_size)
{
	if (mapcount == 0)
		return;
	if (mapcount == 1) {
		v->uss++;
		v->pss_fixed += page_size << PSS_SHIFT;
		return;
	}
	v->shared++;
	v->pss_fixed += (page_size << PSS_SHIFT) / mapcount;
}

/*
 * Read kpagecount for the pending PFNs pend[i..j] (sorted, spanning fewer
 * than BATCH PFNs from @base) into ex->kc. Entries past the end of the file
 * read as 0; a gap a sparse capture does not hold is skipped, a needed PFN
 * it does not hold is -ENODATA.
 */
static int read_run(struct reader *rd, size_t i, size_t j, uint64_t base)
{
	struct memacct_exact *ex = rd->ex;
	uint64_t last = ex->pend[j].pfn, pos = base;
	size_t k = i, got;
	int r;

	while (pos <= last) {
		r = memacct_kpage_read(rd->kp, pos, (size_t)(last - pos + 1), ex->kc + (pos - base),
				       &got);
		if (r == -ENODATA)
			return fail(rd, r, "kpagecount",
				    "the capture does not hold the kpagecount entry of a mapped PFN");
		if (r == -EPERM || r == -EACCES)
			return fail_perm(rd, "kpagecount");
		if (r < 0)
			return fail(rd, r, "kpagecount", "reading /proc/kpagecount failed");
		ex->lookups += got;
		if (got == 0) {
			/* past the last memory section: no struct page */
			memset(ex->kc + (pos - base), 0, (size_t)(last - pos + 1) * sizeof(uint64_t));
			return 0;
		}
		pos += got;
		/* stopped short before an entry a capture does not hold: go on from a needed one */
		while (k <= j && ex->pend[k].pfn < pos)
			k++;
		if (k <= j && ex->pend[k].pfn > pos)
			pos = ex->pend[k].pfn;
	}
	return 0;
}

static int flush(struct reader *rd)
{
	struct memacct_exact *ex = rd->ex;
	size_t i = 0, j;
	int r;

	if (!ex->npend)
		return 0;
	if (rd->no_kc) {
		/* nothing to look up in; do_read() says why once the walk is done */
		ex->npend = 0;
		return 0;
	}
	sort_pending(ex->pend, ex->npend);
	while (i < ex->npend) {
		uint64_t base = ex->pend[i].pfn;

		for (j = i; j + 1 < ex->npend; j++) {
			uint64_t next = ex->pend[j + 1].pfn;

			if (next - base >= ex->cap_kc || next > ex->pend[j].pfn + KPAGE_GAP + 1)
				break;
		}
		r = read_run(rd, i, j, base);
		if (r < 0)
			return r;
		for (; i <= j; i++)
			account(&ex->vmas[ex->pend[i].vma], ex->kc[ex->pend[i].pfn - base],
				ex->page_size);
	}
	ex->npend = 0;
	return 0;
}

static int enqueue(struct reader *rd, uint64_t pfn, size_t vma)
{
	struct memacct_exact *ex = rd->ex;
	int r;

	if (ex->npend == ex->cap_pend) {
		r = ex->cap_pend < BATCH ?
			grow((void **)&ex->pend, &ex->cap_pend, ex->npend + 1, sizeof(*ex->pend), BATCH) :
			flush(rd);
		if (r < 0)
			return r;
	}
	ex->pend[ex->npend++] = (struct pending){ .pfn = pfn, .vma = vma };
	return 0;
}

/* --- pagemap --------------------------------------------------------------- */

/* The entries of [addr, end) of VMA @vi, accounted. */
static int read_range(struct reader *rd, size_t vi, uint64_t addr, uint64_t end)
{
	struct memacct_exact *ex = rd->ex;
	uint64_t ps = ex->page_size;
	bool lookup = ex->mapcount && !ex->vmas[vi].is_pfnmap;
	size_t n, got;
	int r;

	while (addr < end) {
		struct exact_vma *v = &ex->vmas[vi];

		n = (end - addr) / ps < ex->cap_pm ? (size_t)((end - addr) / ps) : ex->cap_pm;
		r = memacct_pagemap_read(rd->pm, addr, n, ex->pm, &got);
		if (r == -ENODATA)
			return fail(rd, r, "pagemap",
				    "the capture does not hold the pagemap entries of a VMA");
		if (r < 0)
			return fail(rd, r, "pagemap", "reading the process's pagemap failed");
		if (got == 0)
			return rd->live ? fail(rd, -ESRCH, "pagemap", "the process exited during the read") :
			       fail(rd, -ENODATA, "pagemap",
				    "the capture's pagemap ends before a VMA does");
		addr += got * ps;
		ex->pm_read += got;
		if (v->is_hugetlb) {
			for (size_t k = 0; k < got; k++) {
				uint64_t e = ex->pm[k];

				if (e & MEMACCT_PM_PRESENT) {
					v->hugetlb++;
					rd->present++;
					rd->saw_pfn |= (e & MEMACCT_PM_PFN_MASK) != 0;
				}
			}
			continue;
		}
		for (size_t k = 0; k < got; k++) {
			uint64_t e = ex->pm[k], pfn;

			if (!(e & MEMACCT_PM_PRESENT)) {
				v->swapped += (e & PM_SWAPPED_ONLY) == MEMACCT_PM_SWAPPED;
				continue;
			}
			v->present++;
			v->file += !!(e & MEMACCT_PM_FILE);
			pfn = e & MEMACCT_PM_PFN_MASK;
			rd->saw_pfn |= pfn != 0;
			if (e & MEMACCT_PM_EXCLUSIVE) {
				v->exclusive++;
				if (lookup)
					account(v, 1, ps);
			} else if (lookup && pfn) {
				r = enqueue(rd, pfn, vi);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

/*
 * A large VMA is read where the page tables hold something (pmscan.h); the
 * kernel's scan does not see into PFN-mapped VMAs, which are read whole.
 */
static int read_vma(struct reader *rd, size_t vi)
{
	struct memacct_exact *ex = rd->ex;
	uint64_t addr = ex->vmas[vi].start, end = ex->vmas[vi].end, rs, re;
	int r;

	if (ex->vmas[vi].is_pfnmap || (end - addr) / ex->page_size < PMSCAN_MIN_PAGES) {
		r = read_range(rd, vi, addr, end);
	} else {
		while ((r = pagemap_next_used(rd->pm, addr, end, &rs, &re)) > 0) {
			r = read_range(rd, vi, rs, re);
			if (r < 0)
				return r;
			addr = re;
		}
		if (r == -ESRCH)
			return fail(rd, r, "pagemap", "the process exited during the read");
		if (r < 0)
			return fail(rd, r, "pagemap", "scanning the process's page tables failed");
	}
	if (r < 0)
		return r;
	rd->present += ex->vmas[vi].present;
	return 0;
}

static bool is_named(const struct memacct_vma *v, const char *name)
{
	const char *path = NULL;

	return memacct_vma_get_path(v, &path) == 0 && path && !strcmp(path, name);
}

static void reset(struct memacct_exact *ex)
{
	ex->pid = -1;
	ex->nvmas = 0;
	ex->npend = 0;
	ex->lookups = 0;
	ex->pm_read = 0;
	ex->kinds_from = 0;
	ex->mapcount = false;
}

static int do_read(struct reader *rd, int pid, const struct memacct_vmas *vmas, uint32_t flags)
{
	struct memacct_exact *ex = rd->ex;
	int n, r;

	if (!vmas) {
		if (!ex->maps) {
			r = memacct_vmas_new(&ex->maps);
			if (r < 0)
				return r;
		}
		r = memacct_maps_read(ex->maps, rd->src, pid, rd->diag);
		if (r < 0)
			return r;
		vmas = ex->maps;
	}
	r = memacct_pagemap_open(rd->src, pid, &rd->pm, rd->diag);
	if (r == -ENOENT && !rd->live)
		return fail(rd, -ENODATA, "pagemap", "the capture has no pagemap for the process");
	if (r < 0)
		return r;
	if (memacct_source_get(rd->src, MEMACCT_SOURCE_PAGE_SIZE, &ex->page_size) < 0 ||
	    !ex->page_size)
		return fail(rd, -ENOENT, "page_size", "the page size of the source is not known");
	ex->mapcount = !(flags & MEMACCT_EXACT_NO_MAPCOUNT);
	if (ex->mapcount) {
		if (memacct_pagemap_may_see_pfns(rd->pm) != 1)
			return fail_perm(rd, "pagemap");
		r = 0;
		if (rd->live && ex->live_kp)
			rd->kp = ex->live_kp;
		else
			r = memacct_kpage_open(rd->src, MEMACCT_KPAGE_COUNT, &rd->kp, NULL);
		if (r == 0 && rd->live)
			ex->live_kp = rd->kp;
		if (r == -EPERM || r == -EACCES)
			return fail_perm(rd, "kpagecount");
		/*
		 * A capture taken without CAP_SYS_ADMIN has no kpage* files, and
		 * its pagemap has no PFNs: read the pagemap first, so that such a
		 * capture fails as hidden (-EPERM) rather than incomplete.
		 */
		if (r == -ENOENT && !rd->live) {
			rd->no_kc = true;
			r = 0;
		}
		if (r < 0)
			return fail(rd, r, "kpagecount", "cannot open /proc/kpagecount");
		r = grow((void **)&ex->kc, &ex->cap_kc, BATCH, sizeof(*ex->kc), BATCH);
		if (r < 0)
			return r;
	}
	r = pick_kinds(rd, vmas, pid);
	if (r < 0)
		return fail(rd, r, "maps", "the process exited during the read");

	n = memacct_vmas_count(vmas);
	for (int i = 0; i < n; i++) {
		const struct memacct_vma *v = memacct_vmas_at(vmas, (size_t)i);
		struct exact_vma *e;
		uint64_t start, end;

		/* smaps_rollup's pseudo-VMA spans the whole address space: not a VMA set */
		if (is_named(v, "[rollup]"))
			return fail(rd, -EINVAL, "[rollup]", "smaps_rollup holds no VMAs");
		if (memacct_vma_get(v, MEMACCT_VMA_START, &start) < 0 ||
		    memacct_vma_get(v, MEMACCT_VMA_END, &end) < 0 || end <= start ||
		    start % ex->page_size || end % ex->page_size || is_named(v, "[vsyscall]"))
			continue;
		r = grow((void **)&ex->vmas, &ex->cap_vmas, ex->nvmas + 1, sizeof(*ex->vmas), 0);
		if (r < 0)
			return r;
		r = grow((void **)&ex->pm, &ex->cap_pm, (size_t)((end - start) / ex->page_size < BATCH ?
			 (end - start) / ex->page_size : BATCH), sizeof(*ex->pm), BATCH);
		if (r < 0)
			return r;
		e = &ex->vmas[ex->nvmas];
		*e = (struct exact_vma){ .start = start, .end = end };
		r = vma_kind(rd, v, e);
		if (r < 0)
			return fail(rd, r, "maps", "the process exited during the read");
		ex->nvmas++;
		r = read_vma(rd, ex->nvmas - 1);
		if (r < 0)
			return r;
	}
	r = flush(rd);
	if (r < 0)
		return r;
	/* pages.h: PFN 0 is never a page a process maps; all zeros means hidden PFNs */
	if (ex->mapcount && rd->present && !rd->saw_pfn)
		return fail_perm(rd, "pagemap");
	if (rd->no_kc && rd->present)
		return fail(rd, -ENODATA, "kpagecount", "the capture has no kpagecount");
	ex->pid = pid;
	return 0;
}

int memacct_exact_read(struct memacct_exact *ex, struct memacct_source *src, int pid,
		       const struct memacct_vmas *vmas, uint32_t flags, struct memacct_diag *diag)
{
	struct reader rd = { .ex = ex, .src = src, .diag = diag, .maps_fd = -1 };
	int r;

	assert_return(ex && src && pid > 0, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_EXACT_NO_MAPCOUNT), -EINVAL);
	reset(ex);
	rd.live = source_is_live(src);
	r = do_read(&rd, pid, vmas, flags);
	memacct_pagemap_free(rd.pm);
	if (rd.kp != ex->live_kp)
		memacct_kpage_free(rd.kp);
	if (rd.maps_fd >= 0)
		close(rd.maps_fd);
	if (r < 0)
		reset(ex);
	return r;
}

int memacct_exact_get_pid(const struct memacct_exact *ex)
{
	assert_return(ex, -EINVAL);
	return ex->pid >= 0 ? ex->pid : -ENOENT;
}

/* @v's value of @key; @total when @v sums the whole process (VMA-only keys refused). */
static int value(const struct memacct_exact *ex, const struct exact_vma *v, bool total,
		 uint32_t key, uint64_t *ret)
{
	uint64_t ps = ex->page_size;

	switch (key) {
	case MEMACCT_EXACT_START:
	case MEMACCT_EXACT_END:
	case MEMACCT_EXACT_HUGETLB_VMA:
	case MEMACCT_EXACT_PFNMAP_VMA:
		if (total)
			return -EOPNOTSUPP;
		*ret = key == MEMACCT_EXACT_START ? v->start : key == MEMACCT_EXACT_END ? v->end :
		       key == MEMACCT_EXACT_HUGETLB_VMA ? v->is_hugetlb : v->is_pfnmap;
		return 0;
	case MEMACCT_EXACT_LOOKUPS:
	case MEMACCT_EXACT_KINDS_FROM:
	case MEMACCT_EXACT_PAGEMAP_READ:
		if (!total)
			return -EOPNOTSUPP;
		*ret = key == MEMACCT_EXACT_LOOKUPS ? ex->lookups :
		       key == MEMACCT_EXACT_PAGEMAP_READ ? ex->pm_read : ex->kinds_from;
		return 0;
	case MEMACCT_EXACT_SIZE:
		*ret = v->end - v->start;
		return 0;
	case MEMACCT_EXACT_PRESENT:
		*ret = v->present * ps;
		return 0;
	case MEMACCT_EXACT_SWAPPED:
		*ret = v->swapped * ps;
		return 0;
	case MEMACCT_EXACT_EXCLUSIVE:
		*ret = v->exclusive * ps;
		return 0;
	case MEMACCT_EXACT_FILE:
		*ret = v->file * ps;
		return 0;
	case MEMACCT_EXACT_HUGETLB:
		*ret = v->hugetlb * ps;
		return 0;
	case MEMACCT_EXACT_PSS:
	case MEMACCT_EXACT_PSS_FIXED:
	case MEMACCT_EXACT_USS:
	case MEMACCT_EXACT_SHARED:
		if (!ex->mapcount)
			return -ENOENT;
		*ret = key == MEMACCT_EXACT_PSS ? v->pss_fixed >> PSS_SHIFT :
		       key == MEMACCT_EXACT_PSS_FIXED ? v->pss_fixed :
		       key == MEMACCT_EXACT_USS ? v->uss * ps : v->shared * ps;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

int memacct_exact_get(const struct memacct_exact *ex, uint32_t key, uint64_t *ret)
{
	struct exact_vma sum = { 0 };
	uint64_t size = 0, v;
	int r;

	assert_return(ex && ret, -EINVAL);
	if (ex->pid < 0)
		return key >= MEMACCT_EXACT_START && key <= MEMACCT_EXACT_PAGEMAP_READ ? -ENOENT :
		       -EOPNOTSUPP;
	for (size_t i = 0; i < ex->nvmas; i++) {
		const struct exact_vma *e = &ex->vmas[i];

		size += e->end - e->start;
		sum.present += e->present;
		sum.swapped += e->swapped;
		sum.exclusive += e->exclusive;
		sum.file += e->file;
		sum.uss += e->uss;
		sum.shared += e->shared;
		sum.hugetlb += e->hugetlb;
		/* smaps_rollup: the VMAs' fixed-point sums are added, then shifted once */
		sum.pss_fixed += e->pss_fixed;
	}
	sum.end = size;
	r = value(ex, &sum, true, key, &v);
	if (r == 0)
		*ret = v;
	return r;
}

int memacct_exact_vma_count(const struct memacct_exact *ex)
{
	if (!ex || ex->pid < 0)
		return 0;
	return ex->nvmas > INT32_MAX ? INT32_MAX : (int)ex->nvmas;
}

int memacct_exact_vma_get(const struct memacct_exact *ex, size_t i, uint32_t key, uint64_t *ret)
{
	uint64_t v;
	int r;

	assert_return(ex && ret, -EINVAL);
	if (ex->pid < 0 || i >= ex->nvmas)
		return -ERANGE;
	r = value(ex, &ex->vmas[i], false, key, &v);
	if (r == 0)
		*ret = v;
	return r;
}
