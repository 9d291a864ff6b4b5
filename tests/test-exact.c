/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Exact per-process accounting (lib/exact.c): on hand-built sparse captures
 * where every value is known, and live on the states of tests/helpers/memstate
 * (as root; a state the machine cannot give is skipped).
 */
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/utsname.h>

#include "test-util.h"
#include "test-memstate.h"
#include "memacct.h"
#include "pmscan.h"

#define PS UINT64_C(4096)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define FIX(mapcount) ((PS << 12) / (mapcount))	/* smaps_account's share of one page */
#define P MEMACCT_PM_PRESENT
#define X MEMACCT_PM_EXCLUSIVE
#define SW MEMACCT_PM_SWAPPED
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static int teardown(void **state)
{
	memstate_stop_all();
	return 0;
}

static uint64_t get(const struct memacct_exact *ex, uint32_t key)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_exact_get(ex, key, &v), 0);
	return v;
}

static uint64_t vget(const struct memacct_exact *ex, size_t i, uint32_t key)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_exact_vma_get(ex, i, key, &v), 0);
	return v;
}

/* The exact VMA starting at @start. */
static size_t vma_at(const struct memacct_exact *ex, uint64_t start)
{
	for (int i = 0; i < memacct_exact_vma_count(ex); i++)
		if (vget(ex, (size_t)i, MEMACCT_EXACT_START) == start)
			return (size_t)i;
	fail_msg("no exact VMA starts at %" PRIx64, start);
	return 0;
}

/* The smaps VMA starting at @start. */
static const struct memacct_vma *smaps_at(const struct memacct_vmas *v, uint64_t start)
{
	for (int i = 0; i < memacct_vmas_count(v); i++) {
		const struct memacct_vma *vma = memacct_vmas_at(v, (size_t)i);
		uint64_t s = 0;

		if (memacct_vma_get(vma, MEMACCT_VMA_START, &s) == 0 && s == start)
			return vma;
	}
	fail_msg("no smaps VMA starts at %" PRIx64, start);
	return NULL;
}

static uint64_t smaps_field(const struct memacct_vma *v, uint32_t key)
{
	uint64_t x = 0xdeadbeef;

	assert_int_equal(memacct_vma_get(v, key, &x), 0);
	return x;
}

static uint64_t smaps_total(const struct memacct_vmas *v, uint32_t key)
{
	uint64_t sum = 0;

	for (int i = 0; i < memacct_vmas_count(v); i++)
		sum += smaps_field(memacct_vmas_at(v, (size_t)i), key);
	return sum;
}

/* --- captures ---------------------------------------------------------------- */

#define CAP_PID 100

struct cap {
	char dir[64];
	char path[128];
};

static void cap_make(struct cap *c)
{
	snprintf(c->dir, sizeof(c->dir), "/tmp/memacct-test-exact-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->path, sizeof(c->path), "%s/%d", c->dir, CAP_PID);
	assert_int_equal(mkdir(c->path, 0700), 0);
}

static void cap_text(struct cap *c, const char *name, const char *text)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

struct run {
	uint64_t index;
	size_t n;
	uint64_t values[16];
};

/* A sparse file @name of the runs @runs (ascending), ended by an empty run. */
static void cap_sparse(struct cap *c, const char *name, uint64_t end, const struct run *runs)
{
	struct memacct_sparse_writer *w = NULL;
	char path[192];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, end, &w), 0);
	for (; runs->n; runs++)
		assert_int_equal(memacct_sparse_writer_add(w, runs->index, runs->values, runs->n), 0);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	assert_int_equal(close(fd), 0);
}

static void cap_remove(struct cap *c)
{
	static const char *const names[] = { "MANIFEST", "kpagecount", "100/maps", "100/pagemap",
					     "100/smaps" };
	char path[192];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, names[i]);
		unlink(path);
	}
	rmdir(c->path);
	rmdir(c->dir);
}

/*
 * VMA A, 0x10000-0x20000, 16 pages: 4 exclusive pages; PFNs 0x2000-0x2003 of
 * kpagecount 2; 0x3000 of 3; 0x4000 of 0 (the zero page's case); a swap
 * entry; a guard marker (PM_SWAPPED | PM_GUARD: not swap); PFN 0x2000 again,
 * as a file page; 0x2006 of kpagecount 1 behind a gap the capture does not
 * hold (0x2004-0x2005); two holes. VMA B, 0x30000-0x34000: hugetlb (by
 * name, or by VmFlags), 4 present entries. The gate VMA: never read.
 */
static const char cap_maps[] =
	"00010000-00020000 rw-p 00000000 00:00 0 \n"
	"00030000-00034000 rw-p 00000000 00:10 77 /anon_hugepage (deleted)\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

static void cap_fill(struct cap *c, bool hide_pfns, bool hold_0x3000)
{
	uint64_t m = hide_pfns ? 0 : MEMACCT_PM_PFN_MASK;
	struct run pm[] = {
		{ 0x10, 16, {
			P | X | (0x1000 & m), P | X | (0x1001 & m), P | X | (0x1002 & m),
			P | X | (0x1003 & m),
			P | (0x2000 & m), P | (0x2001 & m), P | (0x2002 & m), P | (0x2003 & m),
			P | (0x3000 & m), P | (0x4000 & m),
			SW | (7 << MEMACCT_PM_SWAP_OFFSET_SHIFT) | 1, SW | MEMACCT_PM_GUARD,
			P | MEMACCT_PM_FILE | (0x2000 & m), P | (0x2006 & m), 0, 0 } },
		{ 0x30, 4, { P | (0x8000 & m), P | (0x8001 & m), P | (0x8002 & m), P | (0x8003 & m) } },
		{ 0, 0, { 0 } },
	};
	struct run kc[] = {
		{ 0x1000, 4, { 1, 1, 1, 1 } },
		{ 0x2000, 4, { 2, 2, 2, 2 } },
		{ 0x2006, 1, { 1 } },
		{ hold_0x3000 ? 0x3000 : 0x3001, 1, { 3 } },
		{ 0x4000, 1, { 0 } },
		{ 0, 0, { 0 } },
	};

	cap_text(c, "MANIFEST", "page_size: 4096\ncpus: 2\n");
	cap_text(c, "100/maps", cap_maps);
	cap_sparse(c, "100/pagemap", UINT64_MAX, pm);
	cap_sparse(c, "kpagecount", 0x10000, kc);
}

static struct memacct_source *cap_source(const struct cap *c)
{
	struct memacct_source *src = NULL;

	assert_int_equal(memacct_source_new(c->dir, NULL, &src), 0);
	return src;
}

static void test_capture(void **state)
{
	struct memacct_exact *ex = NULL;
	struct memacct_source *src;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v, fix_a;
	struct cap c;

	cap_make(&c);
	cap_fill(&c, false, true);
	src = cap_source(&c);
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, 0, &d), 0);
	assert_int_equal(memacct_exact_get_pid(ex), CAP_PID);

	/* the gate VMA is not accounted */
	assert_int_equal(memacct_exact_vma_count(ex), 2);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_START), 0x10000);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_END), 0x20000);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_SIZE), 16 * PS);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_PRESENT), 12 * PS);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_EXCLUSIVE), 4 * PS);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_FILE), 1 * PS);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_SWAPPED), 1 * PS);
	/* mapcount 1: the exclusive four, and 0x2006 */
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_USS), 5 * PS);
	/* mapcount >= 2: 0x2000-0x2003, 0x2000 again, 0x3000; 0x4000 (kpagecount 0) in neither */
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_SHARED), 6 * PS);
	fix_a = 5 * FIX(1) + 5 * FIX(2) + FIX(3);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_PSS_FIXED), fix_a);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_PSS), fix_a >> 12);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_HUGETLB), 0);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_HUGETLB_VMA), 0);

	/* VMA B: hugetlb by name, apart from everything else */
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_HUGETLB_VMA), 1);
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_HUGETLB), 4 * PS);
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_PRESENT), 0);
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_PSS_FIXED), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_KINDS_FROM), MEMACCT_EXACT_FROM_NAME);

	/* totals */
	assert_u64_equal(get(ex, MEMACCT_EXACT_SIZE), 20 * PS);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PRESENT), 12 * PS);
	assert_u64_equal(get(ex, MEMACCT_EXACT_HUGETLB), 4 * PS);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PSS_FIXED), fix_a);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PSS), fix_a >> 12);
	/* one run 0x2000-0x2003 (a duplicate read once), stopped at the unheld 0x2004, resumed
	 * at 0x2006; 0x3000; 0x4000: no lookup for an exclusive entry */
	assert_u64_equal(get(ex, MEMACCT_EXACT_LOOKUPS), 4 + 1 + 1 + 1);

	/* VMA-only keys on the totals, totals-only keys on a VMA, unknown keys */
	assert_int_equal(memacct_exact_get(ex, MEMACCT_EXACT_START, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_exact_get(ex, MEMACCT_EXACT_PFNMAP_VMA, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_exact_vma_get(ex, 0, MEMACCT_EXACT_LOOKUPS, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_exact_get(ex, 999, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_exact_vma_get(ex, 2, MEMACCT_EXACT_PSS, &v), -ERANGE);

	/* pagemap alone: the same page counts, no PSS, USS or SHARED, no lookup */
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, MEMACCT_EXACT_NO_MAPCOUNT, &d),
			 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PRESENT), 12 * PS);
	assert_u64_equal(get(ex, MEMACCT_EXACT_EXCLUSIVE), 4 * PS);
	assert_int_equal(memacct_exact_get(ex, MEMACCT_EXACT_PSS, &v), -ENOENT);
	assert_int_equal(memacct_exact_get(ex, MEMACCT_EXACT_USS, &v), -ENOENT);
	assert_int_equal(memacct_exact_vma_get(ex, 0, MEMACCT_EXACT_SHARED, &v), -ENOENT);
	assert_u64_equal(get(ex, MEMACCT_EXACT_LOOKUPS), 0);

	memacct_exact_free(ex);
	memacct_source_free(src);
	cap_remove(&c);
}

/* The caller's smaps VMAs: hugetlb and PFN-mapped VMAs known by VmFlags. */
static void test_capture_vmflags(void **state)
{
	static const char smaps[] =
		"00010000-00020000 rw-p 00000000 00:00 0 \n"
		"Size: 64 kB\nVmFlags: rd wr mr mw me ac \n"
		"00030000-00034000 rw-p 00000000 00:10 77 /anon_hugepage (deleted)\n"
		"Size: 16 kB\nVmFlags: rd wr mr mw me de ht \n";
	static const char smaps_pf[] =
		"00010000-00020000 rw-s 00000000 00:05 9 /dev/mem\n"
		"Size: 64 kB\nVmFlags: rd wr sh mr mw me ms io pf dd \n"
		"00030000-00034000 rw-p 00000000 00:10 77 /dev/somehuge\n"
		"Size: 16 kB\nVmFlags: rd wr mr mw me de ht \n";
	struct memacct_vmas *v = NULL;
	struct memacct_exact *ex = NULL;
	struct memacct_source *src;
	struct cap c;

	cap_make(&c);
	cap_fill(&c, false, true);
	src = cap_source(&c);
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&v), 0);

	assert_int_equal(memacct_smaps_parse(v, smaps, strlen(smaps), NULL), 0);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, v, 0, NULL), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_KINDS_FROM), MEMACCT_EXACT_FROM_SMAPS);
	assert_int_equal(memacct_exact_vma_count(ex), 2);
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_HUGETLB), 4 * PS);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PSS_FIXED), 5 * FIX(1) + 5 * FIX(2) + FIX(3));

	/* "pf": present entries stay present, but give no PSS, USS or SHARED and no lookup;
	 * "ht" on a VMA whose name says nothing */
	assert_int_equal(memacct_smaps_parse(v, smaps_pf, strlen(smaps_pf), NULL), 0);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, v, 0, NULL), 0);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_PFNMAP_VMA), 1);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_PRESENT), 12 * PS);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_PSS_FIXED), 0);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_USS), 0);
	assert_u64_equal(vget(ex, 0, MEMACCT_EXACT_SHARED), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_LOOKUPS), 0);
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_HUGETLB_VMA), 1);
	assert_u64_equal(vget(ex, 1, MEMACCT_EXACT_HUGETLB), 4 * PS);

	memacct_vmas_free(v);
	memacct_exact_free(ex);
	memacct_source_free(src);
	cap_remove(&c);
}

static void test_capture_errors(void **state)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_exact *ex = NULL;
	struct memacct_source *src;
	uint64_t v;
	struct cap c;

	assert_int_equal(memacct_exact_new(&ex), 0);

	/* a capture taken without CAP_SYS_ADMIN: every PFN zero */
	cap_make(&c);
	cap_fill(&c, true, true);
	src = cap_source(&c);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, 0, &d), -EPERM);
	assert_int_equal(d.error, -EPERM);
	assert_non_null(strstr(d.message, "CAP_SYS_ADMIN"));
	/* left empty */
	assert_int_equal(memacct_exact_get_pid(ex), -ENOENT);
	assert_int_equal(memacct_exact_vma_count(ex), 0);
	assert_int_equal(memacct_exact_get(ex, MEMACCT_EXACT_PRESENT, &v), -ENOENT);
	/* but pagemap alone is fine */
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, MEMACCT_EXACT_NO_MAPCOUNT,
					    NULL), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PRESENT), 12 * PS);
	memacct_source_free(src);
	cap_remove(&c);

	/* the capture lacks the kpagecount entry of a mapped PFN */
	cap_make(&c);
	cap_fill(&c, false, false);
	src = cap_source(&c);
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, 0, &d), -ENODATA);
	assert_int_equal(d.error, -ENODATA);
	assert_string_equal(d.key, "kpagecount");
	assert_int_equal(memacct_exact_get_pid(ex), -ENOENT);
	memacct_source_free(src);

	/* ... or the pagemap of a VMA; or any pagemap */
	cap_text(&c, "100/maps", "00010000-00020000 rw-p 00000000 00:00 0 \n"
		 "00050000-00051000 rw-p 00000000 00:00 0 \n");
	src = cap_source(&c);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, MEMACCT_EXACT_NO_MAPCOUNT,
					    &d), -ENODATA);
	assert_string_equal(d.key, "pagemap");
	memacct_source_free(src);
	cap_remove(&c);

	cap_make(&c);
	cap_text(&c, "MANIFEST", "page_size: 4096\n");
	cap_text(&c, "100/maps", cap_maps);
	src = cap_source(&c);
	assert_int_equal(memacct_exact_read(ex, src, CAP_PID, NULL, MEMACCT_EXACT_NO_MAPCOUNT,
					    NULL), -ENODATA);
	/* no such process in the tree */
	assert_int_equal(memacct_exact_read(ex, src, 101, NULL, MEMACCT_EXACT_NO_MAPCOUNT, NULL),
			 -ESRCH);
	memacct_source_free(src);
	cap_remove(&c);

	/* arguments; smaps_rollup's one pseudo-VMA is no VMA set */
	{
		static const char rollup[] = "00010000-ffffffffff601000 ---p 00000000 00:00 0 "
			"[rollup]\nRss: 4 kB\n";
		struct memacct_vmas *ro = NULL;

		cap_make(&c);
		cap_fill(&c, false, true);
		src = cap_source(&c);
		assert_int_equal(memacct_vmas_new(&ro), 0);
		assert_int_equal(memacct_smaps_rollup_parse(ro, rollup, strlen(rollup), NULL), 0);
		assert_int_equal(memacct_exact_read(ex, src, CAP_PID, ro, 0, NULL), -EINVAL);
		memacct_vmas_free(ro);
		memacct_source_free(src);
		cap_remove(&c);
	}
	assert_int_equal(memacct_exact_read(ex, NULL, 1, NULL, 0, NULL), -EINVAL);
	assert_int_equal(memacct_exact_new(NULL), -EINVAL);
	assert_null(memacct_exact_free(NULL));
	assert_int_equal(memacct_exact_vma_count(NULL), 0);
	assert_int_equal(memacct_exact_get(ex, MEMACCT_EXACT_PSS, NULL), -EINVAL);
	memacct_exact_free(ex);
}

/* --- live ---------------------------------------------------------------------- */

static bool root(void)
{
	return geteuid() == 0;
}

/*
 * Read process @pid exactly with its smaps VMAs: fills @sm, returns the
 * region's exact VMA index; the whole-process PSS is checked against smaps:
 * at or above the sum of the VMAs' Pss, by under 1 kB per VMA (each VMA's
 * Pss is truncated to kB).
 */
static size_t read_live(struct memacct_exact *ex, struct memacct_source *src,
			struct memacct_vmas *sm, int pid, uint64_t start)
{
	struct memacct_vmas *again = NULL;
	uint64_t pss, spss;
	int r;

	assert_int_equal(memacct_vmas_new(&again), 0);
	/*
	 * A process that starts or exits while the pages are looked up moves
	 * the mapcount of libc's pages for a moment: smaps read the same before
	 * and after, but kpagecount saw the blip. Such a read is taken again.
	 */
	for (int tries = 0; tries < 50; tries++) {
		r = memstate_read_exact(src, pid, sm, again, ex, 0);
		if (r < 0)
			fail_msg("exact read of %d: %d", pid, r);
		if (r > 0)
			fail_msg("smaps of %d never read the same twice around the exact read", pid);
		pss = get(ex, MEMACCT_EXACT_PSS);
		spss = smaps_total(sm, MEMACCT_SMAPS_PSS);
		if (pss >= spss && pss - spss < (uint64_t)memacct_vmas_count(sm) * 1024)
			break;
	}
	memacct_vmas_free(again);
	assert_int_equal(memacct_exact_get_pid(ex), pid);
	assert_u64_equal(get(ex, MEMACCT_EXACT_KINDS_FROM), MEMACCT_EXACT_FROM_SMAPS);
	assert_true(pss >= spss);
	assert_true(pss - spss < (uint64_t)memacct_vmas_count(sm) * 1024);
	return vma_at(ex, start);
}

/* Every present page of [start, end) of @pid has kpagecount @want; returns how many. */
static uint64_t check_mapcounts(struct memacct_source *src, int pid, uint64_t start,
				uint64_t end, uint64_t want)
{
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *kp = NULL;
	uint64_t e[512], k, n = 0;
	size_t got, kgot;

	assert_int_equal(memacct_pagemap_open(src, pid, &pm, NULL), 0);
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &kp, NULL), 0);
	for (uint64_t a = start; a < end; a += got * PS) {
		assert_int_equal(memacct_pagemap_read(pm, a, (end - a) / PS < 512 ?
						      (size_t)((end - a) / PS) : 512, e, &got), 0);
		assert_true(got > 0);
		for (size_t i = 0; i < got; i++) {
			if (!(e[i] & P))
				continue;
			assert_int_equal(memacct_kpage_read(kp, memacct_pm_pfn(e[i]), 1, &k, &kgot), 0);
			assert_int_equal(kgot, 1);
			assert_u64_equal(k, want);
			n++;
		}
	}
	memacct_kpage_free(kp);
	memacct_pagemap_free(pm);
	return n;
}

/* PROCMAP_QUERY came with Linux 6.11. */
static uint64_t kinds_expected(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	assert_int_equal(uname(&u), 0);
	sscanf(u.release, "%d.%d", &major, &minor);
	return major > 6 || (major == 6 && minor >= 11) ? MEMACCT_EXACT_FROM_QUERY :
	       MEMACCT_EXACT_FROM_NAME;
}

static struct memacct_source *live_source(void)
{
	struct memacct_source *src = NULL;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	return src;
}

static int start(struct memstate *m, const char *const *args)
{
	int r = memstate_start(m, args);

	if (r == 77)
		return 77;
	if (r < 0)
		fail_msg("memstate %s failed (exit %d)", args[0], m->exit_status);
	return 0;
}

static void test_live_cow(void **state)
{
	const char *const args[] = { "cow", "64", "4", NULL };
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *sm = NULL;
	struct memacct_source *src;
	struct memstate m;
	uint64_t region, size;

	if (!root())
		skip();
	if (start(&m, args) == 77)
		skip();
	size = m.end - m.start;
	assert_u64_equal(size, 64 * MIB);
	assert_int_equal(m.npids, 4);
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&sm), 0);

	assert_u64_equal(check_mapcounts(src, m.pids[0], m.start, m.end, 4), size / PS);
	for (int i = 0; i < 4; i++) {
		region = read_live(ex, src, sm, m.pids[i], m.start);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PRESENT), size);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_SHARED), size);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_USS), 0);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_EXCLUSIVE), 0);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PSS_FIXED), size / PS * FIX(4));
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PSS), 16 * MIB);
		/* the region's Pss in smaps is the same sum, truncated to kB */
		assert_u64_equal(smaps_field(smaps_at(sm, m.start), MEMACCT_SMAPS_PSS), 16 * MIB);
		assert_true(get(ex, MEMACCT_EXACT_LOOKUPS) >= size / PS);
		/* within 1% of smaps for the whole process */
		assert_true(get(ex, MEMACCT_EXACT_PSS) - smaps_total(sm, MEMACCT_SMAPS_PSS) <=
			    smaps_total(sm, MEMACCT_SMAPS_PSS) / 100);
	}

	/* without the caller's VMAs: PID/maps, and PROCMAP_QUERY (6.11+) or the names */
	assert_int_equal(memacct_exact_read(ex, src, m.pids[1], NULL, 0, NULL), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_KINDS_FROM), kinds_expected());
	assert_u64_equal(vget(ex, vma_at(ex, m.start), MEMACCT_EXACT_PSS), 16 * MIB);

	memstate_stop(&m);
	memacct_vmas_free(sm);
	memacct_exact_free(ex);
	memacct_source_free(src);
}

static void test_live_shmem(void **state)
{
	const char *const args[] = { "shmem", "64", "2", NULL };
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *sm = NULL;
	struct memacct_source *src;
	struct memstate m;
	size_t region;

	if (!root())
		skip();
	if (start(&m, args) == 77)
		skip();
	assert_int_equal(m.npids, 2);
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&sm), 0);
	assert_u64_equal(check_mapcounts(src, m.pids[0], m.start, m.end, 2), 64 * MIB / PS);
	for (int i = 0; i < 2; i++) {
		region = read_live(ex, src, sm, m.pids[i], m.start);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PRESENT), 64 * MIB);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_FILE), 64 * MIB);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PSS), 32 * MIB);
		assert_u64_equal(vget(ex, region, MEMACCT_EXACT_SHARED), 64 * MIB);
	}
	memstate_stop(&m);
	memacct_vmas_free(sm);
	memacct_exact_free(ex);
	memacct_source_free(src);
}

static void test_live_thp(void **state)
{
	const char *const args[] = { "thp", "64", NULL };
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *sm = NULL;
	struct memacct_source *src;
	struct memacct_vmas *one = NULL;
	struct memstate m;
	char line[128];
	size_t region;

	if (!root())
		skip();
	if (start(&m, args) == 77)
		skip();
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&sm), 0);
	region = read_live(ex, src, sm, m.pids[0], m.start);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PRESENT), 64 * MIB);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PSS), 64 * MIB);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_USS), 64 * MIB);
	/* every page exclusive (a PMD-mapped THP too: pagemap_pmd_range), so no lookup for
	 * the region: the lookups are those of the rest of the process */
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_EXCLUSIVE), 64 * MIB);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_SHARED), 0);

	/* the region alone: the PSS of 16384 pages, and not one kpagecount lookup */
	snprintf(line, sizeof(line), "%08" PRIx64 "-%08" PRIx64 " rw-p 00000000 00:00 0 \n",
		 m.start, m.end);
	assert_int_equal(memacct_vmas_new(&one), 0);
	assert_int_equal(memacct_maps_parse(one, line, strlen(line), NULL), 0);
	assert_int_equal(memacct_exact_read(ex, src, m.pids[0], one, 0, NULL), 0);
	assert_int_equal(memacct_exact_vma_count(ex), 1);
	assert_u64_equal(get(ex, MEMACCT_EXACT_PSS), 64 * MIB);
	assert_u64_equal(get(ex, MEMACCT_EXACT_LOOKUPS), 0);
	memacct_vmas_free(one);
	memstate_stop(&m);
	memacct_vmas_free(sm);
	memacct_exact_free(ex);
	memacct_source_free(src);
}

static long read_long(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

static bool write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok;
}

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"
#define FREE_HUGEPAGES "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

static long saved_nr_hugepages = -1;

static int teardown_hugetlb(void **state)
{
	memstate_stop_all();
	if (saved_nr_hugepages >= 0)
		write_long(NR_HUGEPAGES, saved_nr_hugepages);
	saved_nr_hugepages = -1;
	return 0;
}

static void test_live_hugetlb(void **state)
{
	const char *const args[] = { "hugetlb", "8", NULL };
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *sm = NULL;
	struct memacct_source *src;
	struct memstate m;
	long nr, free_pages;
	size_t region;

	if (!root())
		skip();
	nr = read_long(NR_HUGEPAGES);
	free_pages = read_long(FREE_HUGEPAGES);
	if (nr < 0 || free_pages < 0)
		skip();
	if (free_pages < 8) {
		saved_nr_hugepages = nr;
		if (!write_long(NR_HUGEPAGES, nr + 8 - free_pages))
			skip();
	}
	if (start(&m, args) == 77)
		skip();
	assert_int_equal(m.page_kb, 2048);
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&sm), 0);
	region = read_live(ex, src, sm, m.pids[0], m.start);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_HUGETLB_VMA), 1);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_HUGETLB), 16 * MIB);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PRESENT), 0);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PSS), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_HUGETLB), 16 * MIB);
	assert_u64_equal(smaps_field(smaps_at(sm, m.start), MEMACCT_SMAPS_PRIVATE_HUGETLB),
			 16 * MIB);
	/* the whole PSS leaves the huge pages out, as smaps does */
	assert_true(get(ex, MEMACCT_EXACT_PSS) < smaps_total(sm, MEMACCT_SMAPS_PSS) + 64 * 1024);

	/* known by PROCMAP_QUERY's page size, or by the name, without smaps */
	assert_int_equal(memacct_exact_read(ex, src, m.pids[0], NULL, 0, NULL), 0);
	assert_u64_equal(get(ex, MEMACCT_EXACT_KINDS_FROM), kinds_expected());
	region = vma_at(ex, m.start);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_HUGETLB_VMA), 1);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_HUGETLB), 16 * MIB);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PSS), 0);

	memstate_stop(&m);
	memacct_vmas_free(sm);
	memacct_exact_free(ex);
	memacct_source_free(src);
}

#define SWAPFILE "/var/tmp/memacct-test-exact.swap"

static bool swap_on;

static int teardown_swap(void **state)
{
	memstate_stop_all();
	if (swap_on)
		swapoff(SWAPFILE);
	swap_on = false;
	unlink(SWAPFILE);
	return 0;
}

/* Run a program; true when it exits 0. */
static bool run_prog(const char *const *argv)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_live_swap(void **state)
{
	const char *const args[] = { "swap", "32", NULL };
	const char *const mkswap[] = { "mkswap", SWAPFILE, NULL };
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *sm = NULL;
	struct memacct_source *src;
	const struct memacct_vma *sv;
	struct memstate m;
	size_t region;
	int fd;

	if (!root())
		skip();
	unlink(SWAPFILE);
	fd = open(SWAPFILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		skip();
	if (posix_fallocate(fd, 0, 256 * (off_t)MIB) != 0) {
		close(fd);
		skip();
	}
	close(fd);
	if (!run_prog(mkswap) || swapon(SWAPFILE, 0) < 0)
		skip();
	swap_on = true;
	if (start(&m, args) == 77)
		skip();
	assert_true(m.swapped_kb > 0);
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&sm), 0);
	region = read_live(ex, src, sm, m.pids[0], m.start);
	sv = smaps_at(sm, m.start);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_SWAPPED), smaps_field(sv, MEMACCT_SMAPS_SWAP));
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_SWAPPED), (uint64_t)m.swapped_kb * 1024);
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PRESENT), smaps_field(sv, MEMACCT_SMAPS_RSS));
	assert_u64_equal(vget(ex, region, MEMACCT_EXACT_PRESENT) +
			 vget(ex, region, MEMACCT_EXACT_SWAPPED), 32 * MIB);
	assert_u64_equal(get(ex, MEMACCT_EXACT_SWAPPED), smaps_total(sm, MEMACCT_SMAPS_SWAP));

	memstate_stop(&m);
	memacct_vmas_free(sm);
	memacct_exact_free(ex);
	memacct_source_free(src);
	assert_int_equal(swapoff(SWAPFILE), 0);
	swap_on = false;
	assert_int_equal(unlink(SWAPFILE), 0);
}

/*
 * A child that gives up root (uid and gid 65534, no groups) reads itself:
 * the mapcounts are refused with a message naming CAP_SYS_ADMIN, pagemap
 * alone is fine. Exit codes say which step failed.
 */
static int unprivileged_child(void)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_source *src = NULL;
	struct memacct_exact *ex = NULL;
	uint64_t v;

	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 10;
	/* a change of credentials leaves /proc/PID root's (mode 0400 pagemap) until this */
	if (prctl(PR_SET_DUMPABLE, 1) < 0)
		return 18;
	if (memacct_source_new(NULL, NULL, &src) < 0 || memacct_exact_new(&ex) < 0)
		return 11;
	if (memacct_exact_read(ex, src, getpid(), NULL, 0, &d) != -EPERM)
		return 12;
	if (d.error != -EPERM || !d.message || !strstr(d.message, "CAP_SYS_ADMIN"))
		return 13;
	if (memacct_exact_get_pid(ex) != -ENOENT)
		return 14;
	if (memacct_exact_read(ex, src, getpid(), NULL, MEMACCT_EXACT_NO_MAPCOUNT, NULL) != 0)
		return 15;
	if (memacct_exact_get(ex, MEMACCT_EXACT_PRESENT, &v) != 0 || v == 0)
		return 16;
	if (memacct_exact_get(ex, MEMACCT_EXACT_PSS, &v) != -ENOENT)
		return 17;
	memacct_exact_free(ex);
	memacct_source_free(src);
	return 0;
}

static void test_live_unprivileged(void **state)
{
	int status;
	pid_t pid;

	if (!root())
		skip();
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(unprivileged_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * A process that has exited but is not reaped keeps its /proc entry, and its
 * pagemap opens, but reads nothing (pagemap_read: no mm): -ESRCH.
 */
static void test_live_exited(void **state)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *maps = NULL;
	struct memacct_source *src;
	int go[2], ready[2];
	siginfo_t si;
	pid_t pid;
	char c;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&maps), 0);
	assert_int_equal(memacct_maps_read(maps, src, pid, NULL), 0);
	assert_true(memacct_vmas_count(maps) > 0);
	close(go[1]);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);

	assert_int_equal(memacct_exact_read(ex, src, pid, maps, MEMACCT_EXACT_NO_MAPCOUNT, &d),
			 -ESRCH);
	assert_int_equal(d.error, -ESRCH);
	assert_int_equal(memacct_exact_get_pid(ex), -ENOENT);
	assert_int_equal(memacct_exact_read(ex, src, pid, NULL, MEMACCT_EXACT_NO_MAPCOUNT, NULL),
			 -ESRCH);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(memacct_exact_read(ex, src, pid, NULL, MEMACCT_EXACT_NO_MAPCOUNT, NULL),
			 -ESRCH);
	close(ready[0]);
	memacct_vmas_free(maps);
	memacct_exact_free(ex);
	memacct_source_free(src);
}

/* PAGEMAP_SCAN came with Linux 6.7. */
static bool has_pagemap_scan(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	assert_int_equal(uname(&u), 0);
	sscanf(u.release, "%d.%d", &major, &minor);
	return major > 6 || (major == 6 && minor >= 7);
}

#define RESV (8 * GIB)		/* valgrind refuses a 64 GiB mapping */
#define RESV_SPREAD 200		/* pages touched 4 MiB apart: fills the scan's vector thrice */

/* The page indexes of the reservation that sparse_reserve() touches, ascending. */
static size_t sparse_pages(uint64_t *idx)
{
	size_t n = 0;

	idx[n++] = 0;
	idx[n++] = 1;
	idx[n++] = 100;			/* within PMSCAN_GAP_PAGES of page 1 */
	for (size_t i = 1; i <= RESV_SPREAD; i++)
		idx[n++] = i * (4 * MIB / PS);
	idx[n++] = GIB / PS + 3;
	idx[n++] = RESV / PS - 1;
	return n;
}

/* 8 GiB of address space, a few hundred pages of it touched. */
static char *sparse_reserve(size_t *ret_n)
{
	uint64_t idx[RESV_SPREAD + 8];
	size_t n = sparse_pages(idx);
	char *p = mmap(NULL, RESV, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(p != MAP_FAILED);
	/* no THP: one touched page must stay one page */
	assert_int_equal(madvise(p, RESV, MADV_NOHUGEPAGE), 0);
	for (size_t i = 0; i < n; i++)
		p[idx[i] * PS] = 1;
	*ret_n = n;
	return p;
}

/*
 * The scan over a mostly empty reservation: the runs it gives are the
 * touched pages, joined when closer than PMSCAN_GAP_PAGES, in order, through
 * more runs than its vector holds.
 */
static void test_live_pmscan(void **state)
{
	uint64_t idx[RESV_SPREAD + 8], start, rs, re, base;
	struct pmscan scan = { 0 };
	size_t n, k = 0, runs = 0;
	char *p;
	int fd, r;

	(void)state;
	if (!has_pagemap_scan())
		skip();
	p = sparse_reserve(&n);
	assert_int_equal(sparse_pages(idx), n);
	base = (uint64_t)(uintptr_t)p;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	pmscan_reset(&scan);
	start = base;
	while ((r = pmscan_next(&scan, fd, start, base + RESV, PMSCAN_GAP_PAGES * PS, &rs, &re)) > 0) {
		assert_false(scan.unsupported);
		assert_u64_equal(rs, base + idx[k] * PS);
		/* pages 0, 1 and 100 are one run; each other page is its own */
		if (k == 0) {
			assert_u64_equal(re, base + 101 * PS);
			k += 3;
		} else {
			assert_u64_equal(re, rs + PS);
			k++;
		}
		runs++;
		start = re;
	}
	assert_int_equal(r, 0);
	assert_int_equal(k, n);
	assert_int_equal(runs, n - 2);
	/* a range of holes only */
	pmscan_reset(&scan);
	assert_int_equal(pmscan_next(&scan, fd, base + 2 * GIB, base + 3 * GIB, 0, &rs, &re), 0);
	close(fd);
	assert_int_equal(munmap(p, RESV), 0);
}

/*
 * Exact accounting of the same reservation: every touched page and nothing
 * else, for a fraction of the pagemap a plain read of it would take.
 */
static void test_live_reservation(void **state)
{
	struct memacct_exact *ex = NULL;
	struct memacct_source *src;
	uint32_t flags = root() ? 0 : MEMACCT_EXACT_NO_MAPCOUNT;
	uint64_t before, read;
	size_t n, vi;
	char *p;

	(void)state;
	src = live_source();
	assert_int_equal(memacct_exact_new(&ex), 0);
	/* the rest of this process (under ASan, terabytes of shadow) read before */
	assert_int_equal(memacct_exact_read(ex, src, getpid(), NULL, flags, NULL), 0);
	before = get(ex, MEMACCT_EXACT_PAGEMAP_READ);
	p = sparse_reserve(&n);
	assert_int_equal(memacct_exact_read(ex, src, getpid(), NULL, flags, NULL), 0);
	read = get(ex, MEMACCT_EXACT_PAGEMAP_READ) - before;
	vi = vma_at(ex, (uint64_t)(uintptr_t)p);
	assert_u64_equal(vget(ex, vi, MEMACCT_EXACT_SIZE), RESV);
	assert_u64_equal(vget(ex, vi, MEMACCT_EXACT_PRESENT), n * PS);
	assert_u64_equal(vget(ex, vi, MEMACCT_EXACT_EXCLUSIVE), n * PS);
	assert_u64_equal(vget(ex, vi, MEMACCT_EXACT_SWAPPED), 0);
	if (!flags) {
		assert_u64_equal(vget(ex, vi, MEMACCT_EXACT_USS), n * PS);
		assert_u64_equal(vget(ex, vi, MEMACCT_EXACT_PSS), n * PS);
	}
	/* the reservation's share: its runs, and what the rest moved meanwhile */
	if (has_pagemap_scan())
		assert_true(get(ex, MEMACCT_EXACT_PAGEMAP_READ) > before &&
			    read < RESV / PS / 64);
	else
		assert_true(read >= RESV / PS);
	memacct_exact_free(ex);
	memacct_source_free(src);
	assert_int_equal(munmap(p, RESV), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_capture_vmflags),
		cmocka_unit_test(test_capture_errors),
		cmocka_unit_test_teardown(test_live_cow, teardown),
		cmocka_unit_test_teardown(test_live_shmem, teardown),
		cmocka_unit_test_teardown(test_live_thp, teardown),
		cmocka_unit_test_teardown(test_live_hugetlb, teardown_hugetlb),
		cmocka_unit_test_teardown(test_live_swap, teardown_swap),
		cmocka_unit_test(test_live_unprivileged),
		cmocka_unit_test(test_live_exited),
		cmocka_unit_test(test_live_pmscan),
		cmocka_unit_test(test_live_reservation),
	};

	return cmocka_run_group_tests_name("exact", tests, NULL, NULL);
}
