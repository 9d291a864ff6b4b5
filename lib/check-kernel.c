/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "check-internal.h"

/*
 * identities.md, "the kernel side": /proc/meminfo against the hugetlb pools
 * of /sys/kernel/mm/hugepages and against the NUMA nodes' meminfo files of
 * /sys/devices/system/node. Both sides are separate files, read one after
 * the other.
 */

#define MI(k) MEMACCT_MEMINFO_##k

/* Pool @i's value of @key, or a name for the missing list. */
static bool pool_value(struct check_run *r, struct check_part *p, size_t i, uint32_t key,
		       const char *file, uint64_t *v)
{
	const struct memacct_hugepages *hp = check_snap(r)->hp;
	uint64_t size = 0;
	char name[96];

	if (memacct_hugepages_get(hp, i, key, v) == 0)
		return true;
	*v = 0;
	memacct_hugepages_get(hp, i, MEMACCT_HUGEPAGES_SIZE, &size);
	snprintf(name, sizeof(name), "%s of hugepages-%" PRIu64 "kB", file, size / 1024);
	check_missing(r, p, name);
	return false;
}

/* The pools attached and non-empty, else their absence in @p's missing list. */
static size_t pools(struct check_run *r, struct check_part *p)
{
	const struct memacct_hugepages *hp = check_snap(r)->hp;
	int n;

	if (!hp) {
		check_missing(r, p, "hugepage pools (sysfs kernel/mm/hugepages)");
		return 0;
	}
	n = memacct_hugepages_count(hp);
	if (n <= 0)
		check_missing(r, p, "hugepage pools (sysfs kernel/mm/hugepages has none)");
	return n > 0 ? (size_t)n : 0;
}

/*
 * mm/hugetlb.c hugetlb_report_meminfo: "Hugetlb" (4.16+) is the sum over
 * every hstate of huge_page_size(h) * h->nr_huge_pages, the same
 * h->nr_huge_pages that each pool's nr_hugepages prints (nr_hugepages_show
 * _common), surplus pages included. Two files, so exact only at one
 * instant: a pool resized between the reads breaks it.
 */
static void pools_sum(struct check_run *r)
{
	struct check_part p = { .lhs_text = "Hugetlb",
				.rhs_text = "sum over the pools of nr_hugepages x size",
				.cmp = CMP_EQ };
	size_t n;

	if (!check_has_meminfo(r))
		check_missing(r, &p, "meminfo");
	else if (!check_mi(r, NULL, MI(HUGETLB), &p.lhs))
		check_missing(r, &p, "Hugetlb (printed since Linux 4.16)");
	n = pools(r, &p);
	for (size_t i = 0; i < n; i++) {
		uint64_t size = 0, nr;

		memacct_hugepages_get(check_snap(r)->hp, i, MEMACCT_HUGEPAGES_SIZE, &size);
		if (pool_value(r, &p, i, MEMACCT_HUGEPAGES_NR, "nr_hugepages", &nr))
			p.rhs = sat_add(p.rhs, sat_mul(nr, size));
	}
	check_parts(r, &p, 1, "Hugetlb is printed from the same per-pool counters, so a pool "
		    "was resized between the two reads, or a file is damaged");
}

/*
 * mm/hugetlb.c hugetlb_report_meminfo: HugePages_Total, _Free, _Rsvd and
 * _Surp print the default hstate's nr_huge_pages, free_huge_pages,
 * resv_huge_pages and surplus_huge_pages, which that pool's nr_hugepages,
 * free_hugepages, resv_hugepages and surplus_hugepages print; the default
 * pool is the one of size Hugepagesize.
 */
static void default_pool(struct check_run *r)
{
	static const struct {
		uint32_t mi, key;
		const char *lhs, *rhs, *file;
	} f[4] = {
		{ MI(HUGEPAGES_TOTAL), MEMACCT_HUGEPAGES_NR, "HugePages_Total",
		  "the default pool's nr_hugepages", "nr_hugepages" },
		{ MI(HUGEPAGES_FREE), MEMACCT_HUGEPAGES_FREE, "HugePages_Free",
		  "the default pool's free_hugepages", "free_hugepages" },
		{ MI(HUGEPAGES_RSVD), MEMACCT_HUGEPAGES_RESV, "HugePages_Rsvd",
		  "the default pool's resv_hugepages", "resv_hugepages" },
		{ MI(HUGEPAGES_SURP), MEMACCT_HUGEPAGES_SURPLUS, "HugePages_Surp",
		  "the default pool's surplus_hugepages", "surplus_hugepages" },
	};
	struct check_part p[4];
	uint64_t size = 0;
	size_t n, def = SIZE_MAX;
	char miss[64];

	memset(p, 0, sizeof(p));
	n = pools(r, NULL);
	if (check_mi(r, NULL, MI(HUGEPAGESIZE), &size))
		for (size_t i = 0; i < n; i++) {
			uint64_t s = 0;

			memacct_hugepages_get(check_snap(r)->hp, i, MEMACCT_HUGEPAGES_SIZE, &s);
			if (s == size)
				def = i;
		}
	for (size_t k = 0; k < 4; k++) {
		p[k].lhs_text = f[k].lhs;
		p[k].rhs_text = f[k].rhs;
		p[k].cmp = CMP_EQ;
		p[k].unit = size ? size : check_page_size(r);
		check_mi(r, &p[k], f[k].mi, &p[k].lhs);
		check_mi(r, &p[k], MI(HUGEPAGESIZE), &size);
		if (def != SIZE_MAX) {
			pool_value(r, &p[k], def, f[k].key, f[k].file, &p[k].rhs);
		} else if (pools(r, &p[k]) && size) {
			snprintf(miss, sizeof(miss), "a pool of Hugepagesize (hugepages-%" PRIu64
				 "kB)", size / 1024);
			check_missing(r, &p[k], miss);
		}
	}
	check_parts(r, p, 4, "meminfo prints the default pool's own counters, so the pool "
		    "changed between the two reads, or a file is damaged");
}

/* The sum over the nodes of @key, or the missing names in @p. */
static void node_sum(struct check_run *r, struct check_part *p, uint32_t key, uint64_t *sum)
{
	const struct memacct_nodes *nodes = check_snap(r)->nodes;
	char name[96];
	int n;

	*sum = 0;
	if (!nodes) {
		check_missing(r, p, "NUMA nodes (sysfs devices/system/node)");
		return;
	}
	n = memacct_nodes_count(nodes);
	if (n <= 0) {
		check_missing(r, p, "NUMA nodes (sysfs devices/system/node has none)");
		return;
	}
	for (size_t i = 0; i < (size_t)n; i++) {
		const struct memacct_meminfo *mi = NULL;
		const char *kname = "?";
		uint64_t v;

		memacct_nodes_get_meminfo(nodes, i, &mi);
		if (memacct_meminfo_get(mi, key, &v) == 0) {
			*sum = sat_add(*sum, v);
			continue;
		}
		memacct_meminfo_key_name(key, &kname);
		snprintf(name, sizeof(name), "node meminfo %s", kname);
		check_missing(r, p, name);
		return;
	}
}

/*
 * drivers/base/node.c node_read_meminfo against fs/proc/meminfo.c
 * meminfo_proc_show, field by field:
 * - MemTotal: si_meminfo_node's totalram, the node's zones' managed pages,
 *   against totalram_pages(), which adjust_managed_page_count() moves with
 *   them: no per-CPU counter (before 3.11 the node printed present pages,
 *   which are more);
 * - MemFree: the node's zones' NR_FREE_PAGES against its global sum;
 * - FilePages: the node's NR_FILE_PAGES against Cached + Buffers +
 *   SwapCached, which meminfo derives from the global NR_FILE_PAGES
 *   (cached = NR_FILE_PAGES - swap cache - buffers, clamped at 0) with
 *   NR_SWAPCACHE;
 * - AnonPages: NR_ANON_MAPPED; Shmem: NR_SHMEM (si_meminfo_node's
 *   sharedram); Slab: NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B.
 * A node's and the global value of one counter fold the same per-CPU
 * deltas, so they differ by what changed between the reads: the per-CPU
 * drift of the counters involved is the scale allowed.
 */
static void nodes_sum(struct check_run *r)
{
	static const struct {
		uint32_t node, counters;
		const char *lhs, *rhs;
	} f[6] = {
		{ MI(MEMTOTAL), 0, "sum of the nodes' MemTotal", "MemTotal" },
		{ MI(MEMFREE), 1, "sum of the nodes' MemFree", "MemFree" },
		{ MI(FILEPAGES), 2, "sum of the nodes' FilePages", "Cached + Buffers + SwapCached" },
		{ MI(ANONPAGES), 1, "sum of the nodes' AnonPages", "AnonPages" },
		{ MI(SHMEM), 1, "sum of the nodes' Shmem", "Shmem" },
		{ MI(SLAB), 2, "sum of the nodes' Slab", "Slab" },
	};
	struct check_part p[6];
	uint64_t c, b, s;

	memset(p, 0, sizeof(p));
	for (size_t k = 0; k < 6; k++) {
		p[k].lhs_text = f[k].lhs;
		p[k].rhs_text = f[k].rhs;
		p[k].cmp = CMP_EQ;
		p[k].counters = f[k].counters;
		node_sum(r, &p[k], f[k].node, &p[k].lhs);
		if (f[k].node != MI(FILEPAGES)) {
			check_mi(r, &p[k], f[k].node, &p[k].rhs);
			continue;
		}
		check_mi(r, &p[k], MI(CACHED), &c);
		check_mi(r, &p[k], MI(BUFFERS), &b);
		check_mi(r, &p[k], MI(SWAPCACHED), &s);
		p[k].rhs = sat_add(sat_add(c, b), s);
	}
	check_parts(r, p, 6, check_live(r) ?
		    "the nodes' counters are the system's, split by node; on a live system they "
		    "also move between the reads of the node files and meminfo, here by more than "
		    "the drift allowed" :
		    "the nodes' counters are the system's, split by node, so a node is missing "
		    "from the capture or a file is damaged");
}

#define DEF(id_, k, rel, in, src, fn) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = id_, \
		    .kind = MEMACCT_CHECK_##k, .relation = rel, .inputs = in, .source = src }, \
	  .run = fn }

const struct check_def check_kernel_defs[] = {
	DEF("hugetlb.pools_sum", EXACT,
	    "Hugetlb = sum over /sys/kernel/mm/hugepages/hugepages-*/ of nr_hugepages times "
	    "the pool's size (exact at one instant)", "meminfo, sys/kernel/mm/hugepages",
	    "mm/hugetlb.c hugetlb_report_meminfo, nr_hugepages_show_common", pools_sum),
	DEF("hugetlb.default_pool", EXACT,
	    "HugePages_Total, HugePages_Free, HugePages_Rsvd, HugePages_Surp = the "
	    "Hugepagesize pool's nr_hugepages, free_hugepages, resv_hugepages, "
	    "surplus_hugepages (exact at one instant)", "meminfo, sys/kernel/mm/hugepages",
	    "mm/hugetlb.c hugetlb_report_meminfo and the pool files' *_show()", default_pool),
	DEF("numa.nodes_sum", APPROX,
	    "the nodes' MemTotal (exact), MemFree, FilePages (= Cached + Buffers + SwapCached), "
	    "AnonPages, Shmem and Slab sum to the system's (drift, separate reads)",
	    "meminfo, sys/devices/system/node/node*/meminfo",
	    "drivers/base/node.c node_read_meminfo; fs/proc/meminfo.c meminfo_proc_show",
	    nodes_sum),
};

const size_t check_kernel_ndefs = ARRAY_SIZE(check_kernel_defs);
