// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The page-table data of the captured fixtures (scripts/make-process-fixtures.sh,
 * memacct-cli capture --pages / --census):
 *   - proc-*: exact accounting (pagemap + kpagecount) of every process agrees
 *     with its smaps Pss within 1 %, and to the kB on the constructed region;
 *     the region's frames have kpagecount = the number of processes sharing
 *     them; the pagemap.* and pages.*_from_mapcount identities never fail;
 *   - pages-hidden: PFNs zeroed as for a reader without CAP_SYS_ADMIN: -EPERM;
 *   - pages-census: every combination and flag of memacct_census_read() equals
 *     what a naive decoder of the sparse files, written here, counts.
 * Every expected value is computed from the fixture's own files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>

#include "test-util.h"

#include <memacct/memacct.h>

#define MAX_PIDS 8
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct fixture {
	const char *name;
	int nproc;		/* processes sharing the region's frames */
	bool shared;		/* kpagecount of the region's frames = nproc */
	bool hugetlb;
};

static const struct fixture fixtures[] = {
	{ "proc-anon-64m", 1, true, false },
	{ "proc-cow-64m-x4", 4, true, false },
	{ "proc-shared-file-64m-x3", 3, true, false },
	{ "proc-shmem-64m-x2", 2, true, false },
	{ "proc-mlock-32m", 1, true, false },
	{ "proc-thp-64m", 1, true, false },
	{ "proc-hugetlb-8x2m", 1, false, true },
};

/* ------------------------------------------------------------ MANIFEST */

/* The value of "key: value" in fixtures/NAME/MANIFEST, into @out; false when absent. */
static bool manifest_get(const char *name, const char *key, char *out, size_t size)
{
	char path[512], line[4096];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/MANIFEST", MEMACCT_FIXTURES, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':' || line[klen + 1] != ' ')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, size, "%s", line + klen + 2);
		found = true;
	}
	fclose(f);
	return found;
}

static int manifest_pids(const char *name, int *pids)
{
	char buf[512], *p, *end;
	int n = 0;

	assert_true(manifest_get(name, "pids", buf, sizeof(buf)));
	for (p = buf; *p && n < MAX_PIDS; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		pids[n++] = (int)v;
	}
	assert_true(n > 0);
	return n;
}

static void manifest_region(const char *name, uint64_t *start, uint64_t *end)
{
	char buf[128], *dash;

	assert_true(manifest_get(name, "region", buf, sizeof(buf)));
	dash = strchr(buf, '-');
	assert_non_null(dash);
	*start = strtoull(buf, NULL, 16);
	*end = strtoull(dash + 1, NULL, 16);
	assert_true(*start < *end);
}

static struct memacct_source *open_fixture(const char *name)
{
	struct memacct_source *src = NULL;
	char root[512];

	snprintf(root, sizeof(root), "%s/%s/proc", MEMACCT_FIXTURES, name);
	assert_int_equal(memacct_source_new(root, NULL, &src), 0);
	return src;
}

/* ------------------------------------------------------------ helpers */

static uint64_t vma_value(const struct memacct_vma *vma, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_vma_get(vma, key, &v), 0);
	return v;
}

/* The smaps VMA starting at @start. */
static const struct memacct_vma *smaps_vma_at(const struct memacct_vmas *v, uint64_t start)
{
	for (int i = 0; i < memacct_vmas_count(v); i++) {
		const struct memacct_vma *vma = memacct_vmas_at(v, (size_t)i);

		if (vma_value(vma, MEMACCT_VMA_START) == start)
			return vma;
	}
	fail_msg("no VMA at %" PRIx64, start);
	return NULL;
}

/* The exact account's VMA index starting at @start. */
static size_t exact_vma_at(const struct memacct_exact *ex, uint64_t start)
{
	for (int i = 0; i < memacct_exact_vma_count(ex); i++) {
		uint64_t s = 0;

		assert_int_equal(memacct_exact_vma_get(ex, (size_t)i, MEMACCT_EXACT_START, &s), 0);
		if (s == start)
			return (size_t)i;
	}
	fail_msg("no exact VMA at %" PRIx64, start);
	return 0;
}

static uint64_t exact_get(const struct memacct_exact *ex, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_exact_get(ex, key, &v), 0);
	return v;
}

static uint64_t exact_vma(const struct memacct_exact *ex, size_t i, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_exact_vma_get(ex, i, key, &v), 0);
	return v;
}

/* The sum of a counter over every VMA of an smaps set (absent counts as absent: fails). */
static uint64_t smaps_sum(const struct memacct_vmas *v, uint32_t key)
{
	uint64_t sum = 0;

	for (int i = 0; i < memacct_vmas_count(v); i++) {
		uint64_t x = 0;
		int r = memacct_vma_get(memacct_vmas_at(v, (size_t)i), key, &x);

		assert_true(r == 0 || r == -ENOENT);
		sum += x;
	}
	return sum;
}

struct verdicts {
	int n, holds, caveat, violated, skipped;
	int unexpected;		/* violated, and not "ID violated" in .expect */
	char first_bad[256];
	char expect[4096];	/* a MANIFEST's expect line, or "" */
};

static int collect(const struct memacct_check_result *r, void *userdata)
{
	struct verdicts *v = userdata;

	v->n++;
	switch (r->status) {
	case MEMACCT_CHECK_HOLDS:
		v->holds++;
		break;
	case MEMACCT_CHECK_CAVEAT:
		v->caveat++;
		break;
	case MEMACCT_CHECK_VIOLATED: {
		char said[128];

		v->violated++;
		snprintf(said, sizeof(said), "%s violated", r->id);
		if (!strstr(v->expect, said) && !v->unexpected++)
			snprintf(v->first_bad, sizeof(v->first_bad), "%s violated: %s", r->id,
				 r->reason ? r->reason : "");
		break;
	}
	default:
		v->skipped++;
		break;
	}
	if (r->status != MEMACCT_CHECK_HOLDS && r->status != MEMACCT_CHECK_CAVEAT &&
	    !v->expect[0] && !v->first_bad[0])
		snprintf(v->first_bad, sizeof(v->first_bad), "%s pid %d: %s (%s)", r->id,
			 (int)r->pid, r->reason ? r->reason : "",
			 r->missing ? r->missing : "");
	return 0;
}

/* ------------------------------------------------------------ proc-* */

static bool has_pages(const char *name, int pid)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/proc/%d/pagemap", MEMACCT_FIXTURES, name, pid);
	return access(path, R_OK) == 0;
}

/* Every present frame of the region has kpagecount @want. */
static void check_region_counts(struct memacct_source *src, int pid, uint64_t start, uint64_t end,
				uint64_t ps, uint64_t want, uint64_t *ret_present)
{
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *kc = NULL;
	uint64_t *e = xmalloc(4096 * sizeof(*e)), present = 0;

	assert_int_equal(memacct_pagemap_open(src, pid, &pm, NULL), 0);
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &kc, NULL), 0);
	for (uint64_t va = start; va < end;) {
		size_t want_n = (end - va) / ps > 4096 ? 4096 : (size_t)((end - va) / ps), n = 0;

		assert_int_equal(memacct_pagemap_read(pm, va, want_n, e, &n), 0);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			uint64_t count = 0;
			size_t got = 0;

			if (!(e[i] & MEMACCT_PM_PRESENT))
				continue;
			present++;
			assert_true(memacct_pm_pfn(e[i]) != 0);
			assert_int_equal(memacct_kpage_read(kc, memacct_pm_pfn(e[i]), 1, &count,
							    &got), 0);
			assert_int_equal(got, 1);
			assert_u64_equal(count, want);
		}
		va += n * ps;
	}
	*ret_present = present;
	memacct_kpage_free(kc);
	memacct_pagemap_free(pm);
	free(e);
}

static void check_fixture(const struct fixture *fx)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_source *src = open_fixture(fx->name);
	struct memacct_vmas *maps = NULL, *smaps = NULL, *rollup = NULL;
	struct memacct_exact *ex = NULL;
	uint64_t start, end, ps = 0;
	int pids[MAX_PIDS], n;

	n = manifest_pids(fx->name, pids);
	manifest_region(fx->name, &start, &end);
	assert_int_equal(memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &ps), 0);
	assert_int_equal(n, fx->nproc);
	assert_int_equal(memacct_vmas_new(&maps), 0);
	assert_int_equal(memacct_vmas_new(&smaps), 0);
	assert_int_equal(memacct_vmas_new(&rollup), 0);
	assert_int_equal(memacct_exact_new(&ex), 0);

	for (int k = 0; k < n; k++) {
		const struct memacct_check_opts opts = {
			.sz = sizeof(opts),
			.only = (const char *const[]){ "pagemap.*", "pages.pss_from_mapcount",
						       "pages.uss_from_mapcount", NULL },
		};
		struct memacct_snapshot *snap = NULL;
		struct verdicts v = { 0 };
		const struct memacct_vma *region;
		uint64_t pss, smaps_pss, diff, present = 0;
		size_t ri;
		int pid = pids[k];

		assert_true(has_pages(fx->name, pid));
		assert_int_equal(memacct_maps_read(maps, src, pid, NULL), 0);
		assert_int_equal(memacct_smaps_read(smaps, src, pid, NULL), 0);
		assert_int_equal(memacct_smaps_rollup_read(rollup, src, pid, NULL), 0);
		assert_int_equal(memacct_exact_read(ex, src, pid, smaps, 0, &diag), 0);
		assert_int_equal(memacct_exact_get_pid(ex), pid);
		assert_true(memacct_exact_vma_count(ex) > 0);

		/*
		 * The whole process: within 1 % of its Pss (smaps_rollup: one
		 * truncation to kB over the fixed-point sum, as the exact total);
		 * pages of other VMAs may change between the reads.
		 */
		pss = exact_get(ex, MEMACCT_EXACT_PSS);
		assert_int_equal(memacct_vma_get(memacct_vmas_at(rollup, 0), MEMACCT_SMAPS_PSS,
						 &smaps_pss), 0);
		assert_true(smaps_pss > 0);
		diff = pss > smaps_pss ? pss - smaps_pss : smaps_pss - pss;
		if (diff * 100 > smaps_pss)
			fail_msg("%s pid %d: exact PSS %" PRIu64 " vs smaps_rollup Pss %" PRIu64,
				 fx->name, pid, pss, smaps_pss);
		/* and the sum of the VMAs' Pss, each truncated to the kB, is within 1 % too */
		smaps_pss = smaps_sum(smaps, MEMACCT_SMAPS_PSS);
		diff = pss > smaps_pss ? pss - smaps_pss : smaps_pss - pss;
		assert_true(diff * 100 <= smaps_pss ||
			    diff <= (uint64_t)memacct_vmas_count(smaps) * 1024);
		assert_u64_equal(exact_get(ex, MEMACCT_EXACT_PSS_FIXED) >> 12, pss);

		/* the constructed region: to the kB, as smaps prints it */
		region = smaps_vma_at(smaps, start);
		ri = exact_vma_at(ex, start);
		assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_END), end);
		if (fx->hugetlb) {
			assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_HUGETLB_VMA), 1);
			assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_HUGETLB),
					 vma_value(region, MEMACCT_SMAPS_PRIVATE_HUGETLB) +
						 vma_value(region, MEMACCT_SMAPS_SHARED_HUGETLB));
			assert_u64_equal(vma_value(region, MEMACCT_SMAPS_PRIVATE_HUGETLB), end - start);
		} else {
			assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_PRESENT),
					 vma_value(region, MEMACCT_SMAPS_RSS));
			assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_PSS) >> 10 << 10,
					 vma_value(region, MEMACCT_SMAPS_PSS));
			assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_USS),
					 vma_value(region, MEMACCT_SMAPS_PRIVATE_CLEAN) +
						 vma_value(region, MEMACCT_SMAPS_PRIVATE_DIRTY));
			/* the construction: every page present */
			assert_u64_equal(vma_value(region, MEMACCT_SMAPS_RSS), end - start);
		}

		/* the frames: mapped by exactly the processes of the state */
		if (fx->shared) {
			check_region_counts(src, pid, start, end, ps, (uint64_t)fx->nproc, &present);
			assert_u64_equal(present * ps, end - start);
		}

		/* the identities that compare the account with smaps */
		assert_int_equal(memacct_snapshot_new(&snap), 0);
		assert_int_equal(memacct_snapshot_set_source(snap, src), 0);
		assert_int_equal(memacct_snapshot_set_process(snap, pid, NULL, NULL, maps, smaps,
							      rollup), 0);
		assert_int_equal(memacct_snapshot_set_exact(snap, ex), 0);
		assert_int_equal(memacct_check_run(snap, &opts, collect, &v), 0);
		if (v.violated || v.skipped)
			fail_msg("%s: %s", fx->name, v.first_bad);
		assert_true(v.n >= 5);
		assert_true(v.holds > 0);
		memacct_snapshot_free(snap);
	}

	memacct_exact_free(ex);
	memacct_vmas_free(maps);
	memacct_vmas_free(smaps);
	memacct_vmas_free(rollup);
	memacct_source_free(src);
}

static void test_proc_fixture(void **state)
{
	check_fixture(*state);
}

/* ------------------------------------------------------------ pages-hidden */

static void test_hidden(void **state)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_source *src = open_fixture("pages-hidden");
	struct memacct_vmas *smaps = NULL;
	struct memacct_exact *ex = NULL;
	struct memacct_kpage *kp = NULL;
	uint64_t start, end;
	int pids[MAX_PIDS];
	char origin[32];
	size_t ri;

	(void)state;
	assert_true(manifest_get("pages-hidden", "origin", origin, sizeof(origin)));
	assert_string_equal(origin, "hand-made");
	assert_int_equal(manifest_pids("pages-hidden", pids), 1);
	manifest_region("pages-hidden", &start, &end);
	assert_int_equal(memacct_vmas_new(&smaps), 0);
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_smaps_read(smaps, src, pids[0], NULL), 0);

	/* PFN 0 in every present entry: hidden, never zeros passed on */
	assert_int_equal(memacct_exact_read(ex, src, pids[0], smaps, 0, &diag), -EPERM);
	assert_int_equal(diag.error, -EPERM);
	assert_non_null(diag.message);
	assert_non_null(strstr(diag.message, "CAP_SYS_ADMIN"));
	assert_int_equal(memacct_exact_get_pid(ex), -ENOENT);
	assert_int_equal(memacct_exact_read(ex, src, pids[0], NULL, 0, NULL), -EPERM);

	/* pagemap alone still reads: the flags are kept */
	assert_int_equal(memacct_exact_read(ex, src, pids[0], smaps, MEMACCT_EXACT_NO_MAPCOUNT,
					    NULL), 0);
	ri = exact_vma_at(ex, start);
	assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_PRESENT),
			 vma_value(smaps_vma_at(smaps, start), MEMACCT_SMAPS_RSS));
	assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_EXCLUSIVE), end - start);
	assert_u64_equal(exact_vma(ex, ri, MEMACCT_EXACT_PRESENT), end - start);
	assert_int_equal(memacct_exact_vma_get(ex, ri, MEMACCT_EXACT_PSS, &(uint64_t){ 0 }),
			 -ENOENT);

	/* an unprivileged capture has no kpage* files */
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &kp, NULL), -ENOENT);

	memacct_exact_free(ex);
	memacct_vmas_free(smaps);
	memacct_source_free(src);
}

/* ------------------------------------------------------------ pages-census */

/* A naive reader of the sparse format: every run, in file order. */
struct run {
	uint64_t index, count, value, step;
};

struct sparse_file {
	struct run *runs;
	size_t n;
	uint64_t end;
};

static void naive_read(const char *name, const char *file, struct sparse_file *sf)
{
	char path[512], line[256];
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/proc/%s", MEMACCT_FIXTURES, name, file);
	f = fopen(path, "r");
	assert_non_null(f);
	memset(sf, 0, sizeof(*sf));
	sf->end = UINT64_MAX;
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "memacct-sparse 1\n");
	while (fgets(line, sizeof(line), f)) {
		struct run r = { 0 };
		int k;

		if (line[0] == '#')
			continue;
		if (sscanf(line, "end %" SCNx64, &sf->end) == 1)
			continue;
		k = sscanf(line, "%" SCNx64 " %" SCNu64 " %" SCNx64 " %" SCNx64, &r.index, &r.count,
			   &r.value, &r.step);
		assert_true(k == 3 || k == 4);
		assert_true(r.count >= 1);
		/* ascending, never overlapping */
		if (sf->n)
			assert_true(sf->runs[sf->n - 1].index + sf->runs[sf->n - 1].count <= r.index);
		if (sf->n == cap) {
			cap = cap ? cap * 2 : 1024;
			sf->runs = realloc(sf->runs, cap * sizeof(*sf->runs));
			assert_non_null(sf->runs);
		}
		sf->runs[sf->n++] = r;
	}
	fclose(f);
}

/* The value at @pfn, via a cursor that only moves forward; false when not held. */
static bool naive_at(const struct sparse_file *sf, size_t *cur, uint64_t pfn, uint64_t *ret)
{
	while (*cur < sf->n && sf->runs[*cur].index + sf->runs[*cur].count <= pfn)
		(*cur)++;
	if (*cur == sf->n || sf->runs[*cur].index > pfn)
		return false;
	*ret = sf->runs[*cur].value + (pfn - sf->runs[*cur].index) * sf->runs[*cur].step;
	return true;
}

#define F(bit) (UINT64_C(1) << MEMACCT_KPF_##bit)

/*
 * The combinations of census.h, by their definitions there; ANON and KSM
 * leave SLAB pages out: fs/proc/page.c stable_page_flags() reads the folio's
 * mapping word for them, which a slab page uses for slab data (seen here:
 * hundreds of SLAB pages flagged ANON).
 */
static bool naive_combo(uint32_t key, uint64_t fl, uint64_t count, bool prev_buddy)
{
	switch (key) {
	case MEMACCT_CENSUS_TOTAL: return true;
	case MEMACCT_CENSUS_ANON: return (fl & F(ANON)) && !(fl & F(SLAB));
	case MEMACCT_CENSUS_FILE:
		return (fl & (F(LRU) | F(MMAP))) && !(fl & (F(ANON) | F(SWAPBACKED)));
	case MEMACCT_CENSUS_SHMEM: return (fl & F(SWAPBACKED)) && !(fl & F(ANON));
	case MEMACCT_CENSUS_SLAB: return fl & F(SLAB);
	case MEMACCT_CENSUS_BUDDY: return fl & F(BUDDY);
	case MEMACCT_CENSUS_PGTABLE: return fl & F(PGTABLE);
	case MEMACCT_CENSUS_HUGETLB: return fl & F(HUGE);
	case MEMACCT_CENSUS_THP: return fl & F(THP);
	case MEMACCT_CENSUS_UNEVICTABLE: return fl & F(UNEVICTABLE);
	case MEMACCT_CENSUS_MLOCKED: return fl & F(MLOCKED);
	case MEMACCT_CENSUS_DIRTY: return fl & F(DIRTY);
	case MEMACCT_CENSUS_WRITEBACK: return fl & F(WRITEBACK);
	case MEMACCT_CENSUS_SWAPCACHE: return fl & F(SWAPCACHE);
	case MEMACCT_CENSUS_KSM: return (fl & F(KSM)) && !(fl & F(SLAB));
	case MEMACCT_CENSUS_ZERO_PAGE: return fl & F(ZERO_PAGE);
	case MEMACCT_CENSUS_IDLE: return fl & F(IDLE);
	case MEMACCT_CENSUS_OFFLINE: return fl & (F(OFFLINE) | F(NOPAGE));
	case MEMACCT_CENSUS_LRU: return fl & F(LRU);
	case MEMACCT_CENSUS_LRU_ACTIVE: return (fl & F(LRU)) && (fl & F(ACTIVE));
	case MEMACCT_CENSUS_MAPPED_FILE: return !(fl & F(ANON)) && count > 0;
	case MEMACCT_CENSUS_MAPPED_ANON: return (fl & F(ANON)) && count > 0;
	case MEMACCT_CENSUS_MMAP: return fl & F(MMAP);
	case MEMACCT_CENSUS_DIRTY_FILE: return (fl & F(DIRTY)) && !(fl & F(SWAPBACKED));
	case MEMACCT_CENSUS_NO_FLAGS: return fl == 0;
	case MEMACCT_CENSUS_MAPPED: return count > 0;
	case MEMACCT_CENSUS_BUDDY_HEADS: return (fl & F(BUDDY)) && !prev_buddy;
	default: fail_msg("combination %u unknown to the test", key);
	}
	return false;
}

#define MAX_COUNTS 4096

struct naive_census {
	uint64_t combo[64];
	uint64_t flag[64];
	uint64_t count_val[MAX_COUNTS], count_pages[MAX_COUNTS];
	size_t ncounts;
	uint64_t pages;
};

static void naive_count(struct naive_census *nc, uint64_t count)
{
	size_t i;

	for (i = 0; i < nc->ncounts && nc->count_val[i] != count; i++)
		;
	if (i == nc->ncounts) {
		assert_true(nc->ncounts < MAX_COUNTS);
		nc->count_val[nc->ncounts++] = count;
	}
	nc->count_pages[i]++;
}

static void test_census(void **state)
{
	struct memacct_census *c = NULL;
	struct memacct_source *src = open_fixture("pages-census");
	struct sparse_file flags, counts;
	struct naive_census *nc = calloc(1, sizeof(*nc));
	size_t fcur = 0, ccur = 0;
	uint64_t ps = 0, prev_pfn = UINT64_MAX, prev_fl = 0, v = 0, whole_end;
	int nkeys = memacct_census_key_count();
	char range[64];

	(void)state;
	assert_non_null(nc);
	assert_true(nkeys >= MEMACCT_CENSUS_BUDDY_HEADS && nkeys < 64);
	assert_int_equal(memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &ps), 0);
	naive_read("pages-census", "kpageflags", &flags);
	naive_read("pages-census", "kpagecount", &counts);
	assert_true(flags.n > 0);

	/* every PFN kpageflags holds, with its kpagecount */
	for (size_t i = 0; i < flags.n; i++) {
		const struct run *r = &flags.runs[i];

		for (uint64_t k = 0; k < r->count; k++) {
			uint64_t pfn = r->index + k, fl = r->value + k * r->step, count = 0;
			bool prev_buddy = prev_pfn == pfn - 1 && (prev_fl & F(BUDDY));
			uint64_t fl2 = 0;

			assert_true(naive_at(&flags, &fcur, pfn, &fl2));
			assert_u64_equal(fl2, fl);
			assert_true(naive_at(&counts, &ccur, pfn, &count));
			for (int key = 1; key <= nkeys; key++)
				nc->combo[key] += naive_combo((uint32_t)key, fl, count, prev_buddy);
			for (unsigned b = 0; b < 64; b++)
				nc->flag[b] += fl >> b & 1;
			naive_count(nc, count);
			nc->pages++;
			prev_pfn = pfn;
			prev_fl = fl;
		}
	}
	assert_true(nc->combo[MEMACCT_CENSUS_TOTAL] > 0);
	assert_true(nc->combo[MEMACCT_CENSUS_BUDDY] > 0);

	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_read(c, src, 0, NULL), 0);
	assert_int_equal(memacct_census_get_pid(c), 0);
	for (int key = 1; key <= nkeys; key++) {
		const char *name = NULL;

		assert_int_equal(memacct_census_key_name((uint32_t)key, &name), 0);
		assert_int_equal(memacct_census_get(c, (uint32_t)key, &v), 0);
		if (v != nc->combo[key] * ps)
			fail_msg("census %s: %" PRIu64 " bytes, the naive decoder counts %" PRIu64,
				 name, v, nc->combo[key] * ps);
	}
	for (unsigned b = 0; b < 64; b++) {
		if (memacct_kpageflag_info(b, NULL, NULL) < 0)
			continue;
		assert_int_equal(memacct_census_get_flag(c, b, &v), 0);
		if (v != nc->flag[b] * ps)
			fail_msg("census flag %u: %" PRIu64 " bytes, the naive decoder counts %" PRIu64,
				 b, v, nc->flag[b] * ps);
	}
	/* the mapcount histogram: the same values with the same bytes */
	assert_int_equal(memacct_census_mapcount_count(c), (int)nc->ncounts);
	for (int i = 0; i < memacct_census_mapcount_count(c); i++) {
		uint64_t mc = 0, bytes = 0;
		size_t j;

		assert_int_equal(memacct_census_mapcount_at(c, (size_t)i, &mc, &bytes), 0);
		for (j = 0; j < nc->ncounts && nc->count_val[j] != mc; j++)
			;
		assert_true(j < nc->ncounts);
		assert_u64_equal(bytes, nc->count_pages[j] * ps);
	}

	/*
	 * The whole machine: the pages.* identities against the meminfo,
	 * buddyinfo, vmstat and zoneinfo read right after vm/stat_refresh fail
	 * only where the MANIFEST's expect line says so ("ID violated").
	 */
	assert_true(manifest_get("pages-census", "census_pfns", range, sizeof(range)));
	whole_end = strtoull(strchr(range, '-') + 1, NULL, 16);
	if (strtoull(range, NULL, 16) == 0 && whole_end == flags.end) {
		const struct memacct_check_opts opts = {
			.sz = sizeof(opts),
			.only = (const char *const[]){ "pages.*", NULL },
			.skip = (const char *const[]){ "pages.pss_from_mapcount",
						       "pages.uss_from_mapcount", NULL },
		};
		struct memacct_meminfo *mi = NULL;
		struct memacct_buddyinfo *bi = NULL;
		struct memacct_vmstat *vs = NULL;
		struct memacct_zoneinfo *zi = NULL;
		struct memacct_snapshot *snap = NULL;
		struct verdicts vd = { 0 };

		assert_u64_equal(nc->pages, whole_end);
		assert_int_equal(memacct_meminfo_new(&mi), 0);
		assert_int_equal(memacct_buddyinfo_new(&bi), 0);
		assert_int_equal(memacct_vmstat_new(&vs), 0);
		assert_int_equal(memacct_zoneinfo_new(&zi), 0);
		assert_int_equal(memacct_meminfo_read(mi, src, NULL), 0);
		assert_int_equal(memacct_buddyinfo_read(bi, src, NULL), 0);
		assert_int_equal(memacct_vmstat_read(vs, src, NULL), 0);
		assert_int_equal(memacct_zoneinfo_read(zi, src, NULL), 0);
		assert_int_equal(memacct_snapshot_new(&snap), 0);
		assert_int_equal(memacct_snapshot_set_source(snap, src), 0);
		assert_int_equal(memacct_snapshot_set_meminfo(snap, mi), 0);
		assert_int_equal(memacct_snapshot_set_buddyinfo(snap, bi), 0);
		assert_int_equal(memacct_snapshot_set_vmstat(snap, vs), 0);
		assert_int_equal(memacct_snapshot_set_zoneinfo(snap, zi), 0);
		assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_FOLDED, 1), 0);
		assert_int_equal(memacct_snapshot_set_census(snap, c), 0);
		assert_true(manifest_get("pages-census", "expect", vd.expect, sizeof(vd.expect)));
		assert_true(memacct_check_run(snap, &opts, collect, &vd) >= 0);
		if (vd.unexpected)
			fail_msg("pages-census: %s", vd.first_bad);
		assert_true(vd.holds > 0);
		memacct_snapshot_free(snap);
		memacct_meminfo_free(mi);
		memacct_buddyinfo_free(bi);
		memacct_vmstat_free(vs);
		memacct_zoneinfo_free(zi);
	}

	memacct_census_free(c);
	memacct_source_free(src);
	free(flags.runs);
	free(counts.runs);
	free(nc);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(fixtures) + 2];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++)
		tests[n++] = (struct CMUnitTest){
			.name = fixtures[i].name,
			.test_func = test_proc_fixture,
			.initial_state = (void *)&fixtures[i],
		};
	tests[n++] = (struct CMUnitTest){ .name = "pages-hidden", .test_func = test_hidden };
	tests[n++] = (struct CMUnitTest){ .name = "pages-census", .test_func = test_census };
	return _cmocka_run_group_tests("fixtures-pages", tests, n, NULL, NULL);
}
