// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pages-region ROOT PID START-END: what the captured (or live) pagemap and
 * kpage* files say about one address range of one process, one "key value"
 * line each, for scripts/make-process-fixtures.sh to check against what the
 * construction of the range implies. Reads through libmemacct's pagemap and
 * kpage readers; the sums are its own (per page, as fs/proc/task_mmu.c
 * smaps_account does: (page size << 12) / mapcount, shifted down once).
 *
 *   pages N            virtual pages of the range
 *   present N          present entries
 *   exclusive N        present entries with PM_MMAP_EXCLUSIVE
 *   file N             present entries with PM_FILE
 *   pfn_sum N          the sum of their PFNs (equal in processes that share them)
 *   pfn_runs N         runs of consecutive PFNs
 *   count_min N        the least kpagecount of a present page
 *   count_max N        the greatest
 *   pss_bytes N        sum of (page size << 12) / kpagecount, >> 12
 *   pss_kb N           pss_bytes >> 10, as smaps prints it
 *   uss_kb N           present pages of kpagecount 1, in kB
 *   flags_all NAMES    kpageflags set on every present page ("-" for none)
 *   cgroups N          distinct kpagecgroup values ("absent" without the file)
 * Exit status: 0, 1 on a read error (said on stderr), 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memacct/memacct.h>

#define CHUNK 4096

static int fail(const char *what, int r)
{
	fprintf(stderr, "pages-region: %s: %s\n", what, memacct_strerror(r));
	return 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static uint64_t e[CHUNK];
	struct memacct_source *src = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *kf = NULL, *kc = NULL, *kg = NULL;
	uint64_t start, end, ps, present = 0, excl = 0, file = 0, pfn_sum = 0, runs = 0;
	uint64_t cmin = UINT64_MAX, cmax = 0, pss = 0, uss = 0, all = UINT64_MAX, prev = 0;
	uint64_t *cgs = NULL, ncg = 0;
	char *dash;
	int pid, r;

	if (argc != 4 || !(dash = strchr(argv[3], '-'))) {
		fprintf(stderr, "usage: pages-region ROOT PID START-END\n");
		return 2;
	}
	pid = atoi(argv[2]);
	start = strtoull(argv[3], NULL, 16);
	end = strtoull(dash + 1, NULL, 16);
	if ((r = memacct_source_new(argv[1], NULL, &src)) < 0)
		return fail(argv[1], r);
	if ((r = memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &ps)) < 0)
		return fail("page size", r);
	if ((r = memacct_pagemap_open(src, pid, &pm, NULL)) < 0)
		return fail("pagemap", r);
	if ((r = memacct_kpage_open(src, MEMACCT_KPAGE_FLAGS, &kf, NULL)) < 0)
		return fail("kpageflags", r);
	if ((r = memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &kc, NULL)) < 0)
		return fail("kpagecount", r);
	if (memacct_kpage_open(src, MEMACCT_KPAGE_CGROUP, &kg, NULL) < 0)
		kg = NULL;
	cgs = malloc(((end - start) / ps + 1) * sizeof(*cgs));
	if (!cgs)
		return fail("memory", -ENOMEM);

	for (uint64_t va = start; va < end;) {
		size_t want = (end - va) / ps < CHUNK ? (size_t)((end - va) / ps) : CHUNK, n = 0;

		if ((r = memacct_pagemap_read(pm, va, want, e, &n)) < 0 || n == 0)
			return fail("pagemap read", r < 0 ? r : -ENODATA);
		for (size_t i = 0; i < n; i++) {
			uint64_t pfn = memacct_pm_pfn(e[i]), v[3] = { 0 };
			size_t got = 0;

			if (!(e[i] & MEMACCT_PM_PRESENT))
				continue;
			present++;
			excl += !!(e[i] & MEMACCT_PM_EXCLUSIVE);
			file += !!(e[i] & MEMACCT_PM_FILE);
			pfn_sum += pfn;
			runs += present == 1 || pfn != prev + 1;
			prev = pfn;
			if ((r = memacct_kpage_read(kf, pfn, 1, &v[0], &got)) < 0 || got != 1)
				return fail("kpageflags read", r < 0 ? r : -ENODATA);
			if ((r = memacct_kpage_read(kc, pfn, 1, &v[1], &got)) < 0 || got != 1)
				return fail("kpagecount read", r < 0 ? r : -ENODATA);
			if (kg && ((r = memacct_kpage_read(kg, pfn, 1, &v[2], &got)) < 0 || got != 1))
				return fail("kpagecgroup read", r < 0 ? r : -ENODATA);
			all &= v[0];
			cmin = v[1] < cmin ? v[1] : cmin;
			cmax = v[1] > cmax ? v[1] : cmax;
			if (v[1])
				pss += (ps << 12) / v[1];
			uss += v[1] == 1 ? ps : 0;
			cgs[present - 1] = v[2];
		}
		va += n * ps;
	}
	qsort(cgs, present, sizeof(*cgs), cmp_u64);
	for (uint64_t i = 0; i < present; i++)
		ncg += i == 0 || cgs[i] != cgs[i - 1];

	printf("pages %" PRIu64 "\n", (end - start) / ps);
	printf("present %" PRIu64 "\nexclusive %" PRIu64 "\nfile %" PRIu64 "\n", present, excl,
	       file);
	printf("pfn_sum %" PRIu64 "\npfn_runs %" PRIu64 "\n", pfn_sum, runs);
	printf("count_min %" PRIu64 "\ncount_max %" PRIu64 "\n", present ? cmin : 0, cmax);
	printf("pss_bytes %" PRIu64 "\npss_kb %" PRIu64 "\nuss_kb %" PRIu64 "\n", pss >> 12,
	       pss >> 22, uss >> 10);
	printf("flags_all");
	if (!present || !all)
		printf(" -");
	for (unsigned b = 0; present && b < 64; b++) {
		const char *name;

		if ((all >> b & 1) && memacct_kpageflag_info(b, &name, NULL) == 0)
			printf(" %s", name);
	}
	printf("\n");
	if (kg)
		printf("cgroups %" PRIu64 "\n", ncg);
	else
		printf("cgroups absent\n");

	free(cgs);
	memacct_kpage_free(kf);
	memacct_kpage_free(kc);
	memacct_kpage_free(kg);
	memacct_pagemap_free(pm);
	memacct_source_free(src);
	return 0;
}
