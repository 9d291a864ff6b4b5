/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>

#include "check-internal.h"

/*
 * vmalloc.*: meminfo's VmallocUsed against /proc/vmallocinfo. What
 * VmallocUsed means changed twice (fs/proc/meminfo.c meminfo_proc_show):
 *   before 4.4: vmi.used from get_vmalloc_info() (mm/vmalloc.c; fs/proc/mmu.c
 *     before 4.0): the size (guard page included) of every vmap area inside
 *     VMALLOC_START..VMALLOC_END that is not lazily freed: vmalloc, ioremap
 *     and vmap areas alike; on x86-64 the module areas lie below, at
 *     MODULES_VADDR, and are not counted.
 *   4.4 to 5.2: printed as a literal 0 (a5ad88ce8c7f "mm: get rid of
 *     'vmalloc_info' from /proc/meminfo"), VmallocChunk too.
 *   since 5.3: vmalloc_nr_pages() (97105f0ab7b8 "mm: vmalloc: show number of
 *     vmalloc pages in /proc/meminfo"), the pages __vmalloc_area_node() put
 *     into VM_ALLOC areas: the pages= of the "vmalloc" records of
 *     vmallocinfo (a vmap with VM_MAP_PUT_PAGES prints pages= too but is not
 *     counted, hence "vmalloc" records only).
 */

#define KV(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

#define SRC_VMALLOC "fs/proc/meminfo.c meminfo_proc_show; mm/vmalloc.c vmalloc_nr_pages, " \
	"get_vmalloc_info (before 4.4), s_show / vmalloc_info_show"

/*
 * The two files are read at different moments; areas allocated or freed in
 * between (a fork's kernel stack is 4 pages with CONFIG_VMAP_STACK, a BPF
 * program 1 or more) move one side only. No counter bounds that; 64 pages
 * is the allowance ([live]: 4 pages between two back-to-back cat reads).
 */
#define SKEW_PAGES 64

static void used_vs_vmallocinfo(struct check_run *r)
{
	const struct memacct_snapshot *s = check_snap(r);
	uint32_t kv = s->kernel_version;
	uint64_t ps = check_page_size(r), used, v = 0, mod = 0, unp = 0;
	struct check_part p = { .lhs_text = "VmallocUsed", .cmp = CMP_EQ };
	char a[48], b[48];
	int k;

	check_mi(r, &p, MEMACCT_MEMINFO_VMALLOCUSED, &used);
	p.lhs = used;
	if (!s->vi)
		check_missing(r, &p, "vmallocinfo");

	if (kv && kv < KV(4, 4, 0)) {
		p.rhs_text = "size of the non-module records of vmallocinfo (vmalloc, ioremap, "
			     "vmap; guard pages included), as get_vmalloc_info() summed before 4.4";
		if (s->vi &&
		    (memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v) < 0 ||
		     memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_MODULE_SIZE, &mod) < 0 ||
		     memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_UNPURGED_SIZE, &unp) < 0))
			check_missing(r, &p, "vmallocinfo (a total overflows 64 bits)");
		p.rhs = v - mod - unp;
	} else if (kv && kv < KV(5, 3, 0)) {
		p.rhs_text = "0 (kernels 4.4 to 5.2 print VmallocUsed as 0)";
		p.rhs = 0;
		k = check_parts(r, &p, 1, "VmallocUsed is not 0 although the kernel release is "
				"4.4 to 5.2, which print a literal 0: the release given is wrong");
		if (k >= 0 && p.status == MEMACCT_CHECK_HOLDS && s->vi &&
		    memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES,
						  &v) == 0)
			check_caveat(r, "kernels 4.4 to 5.2 print VmallocUsed as 0, so the %s of "
				     "vmalloc pages in vmallocinfo cannot be compared with it",
				     check_fmt_bytes(a, sizeof(a), sat_mul(v, ps)));
		return;
	} else {
		p.rhs_text = "pages= of the vmalloc records of vmallocinfo x page size";
		if (s->vi && memacct_vmallocinfo_get_total(s->vi,
				MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES, &v) < 0)
			check_missing(r, &p, "vmallocinfo (vmalloc pages overflow 64 bits)");
		p.rhs = sat_mul(v, ps);
	}
	p.slack = sat_mul(SKEW_PAGES, ps);
	p.slack_text = check_page_size_known(r) ?
		"time skew between the reads of meminfo and vmallocinfo: 64 pages" :
		"time skew between the reads of meminfo and vmallocinfo: 64 pages of 4096 B "
		"(assumed: page size unknown)";
	k = check_parts(r, &p, 1, kv ? NULL : "the kernel release is unknown: attach it "
			"(memacct_snapshot_set_osrelease) for the 4.4 to 5.2 and pre-4.4 "
			"definitions");
	if (k < 0 || p.status != MEMACCT_CHECK_VIOLATED || kv)
		return;

	/* Unknown release: the violation may be one of the older definitions. */
	if (used == 0) {
		check_caveat(r, "VmallocUsed is 0, as kernels 4.4 to 5.2 print it (the kernel "
			     "release is unknown)");
		return;
	}
	if (memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v) == 0 &&
	    memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_MODULE_SIZE, &mod) == 0 &&
	    memacct_vmallocinfo_get_total(s->vi, MEMACCT_VMALLOCINFO_TOTAL_UNPURGED_SIZE, &unp) == 0 &&
	    (used > v - mod - unp ? used - (v - mod - unp) : (v - mod - unp) - used) <= p.slack)
		check_caveat(r, "VmallocUsed matches the %s of all non-module areas (%s), as "
			     "kernels before 4.4 counted it (the kernel release is unknown)",
			     check_fmt_bytes(a, sizeof(a), v - mod - unp),
			     check_fmt_bytes(b, sizeof(b), used));
}

#define DEF(name, k, rel, in, src) \
	{ .info = { .sz = sizeof(struct memacct_check_info), .id = "vmalloc." #name, \
		    .kind = MEMACCT_CHECK_##k, .relation = rel, .inputs = in, .source = src }, \
	  .run = name }

const struct check_def check_vmalloc_defs[] = {
	DEF(used_vs_vmallocinfo, APPROX,
	    "VmallocUsed = pages= of the vmalloc records of vmallocinfo x page size (since 5.3); "
	    "printed as 0 from 4.4 to 5.2; before 4.4 the size of every non-module area, "
	    "ioremap and vmap included", "meminfo, vmallocinfo, osrelease", SRC_VMALLOC),
};

const size_t check_vmalloc_ndefs = ARRAY_SIZE(check_vmalloc_defs);
