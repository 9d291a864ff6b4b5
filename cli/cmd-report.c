/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <memacct/vmallocinfo.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

void help_report(FILE *f)
{
	fputs("Usage: " PROG " [report] [--root DIR] [--no-processes] [--threads N]\n"
	      "                      [--format table|json|prom]\n"
	      "\n"
	      "One screen on where the memory went. MemTotal is broken into\n"
	      "  free         MemFree\n"
	      "  kernel       Slab, VmallocUsed, PageTables, SecPageTables, KernelStack,\n"
	      "               Percpu, HardwareCorrupted, Bounce (those present); where\n"
	      "               VmallocUsed is wrong for the kernel (0 on Linux 4.4 to 5.2,\n"
	      "               every area, ioremap included, before 4.4) and ROOT/vmallocinfo\n"
	      "               can be read (root only), its vmalloc pages instead, shown as\n"
	      "               \"vmalloc (vmallocinfo)\"\n"
	      "  user         by LRU: anon LRU (Active(anon) + Inactive(anon)), file LRU\n"
	      "               (Active(file) + Inactive(file): the page cache), Unevictable\n"
	      "  hugetlb      Hugetlb, else HugePages_Total * Hugepagesize\n"
	      "  unaccounted  what is left: memory the kernel uses without a meminfo\n"
	      "               line (driver and network buffers, GPU memory, ...); over\n"
	      "               1% of MemTotal, a \"suspects:\" line names them: driver\n"
	      "               alloc_pages, balloon drivers (Balloon: since 2025), GPU\n"
	      "               memory (GPUActive: on newer kernels)\n"
	      "each in bytes, in binary units (KiB = 1024 bytes) and in % of MemTotal;\n"
	      "a part that is 0 is not shown. Then the page-cache view of the same\n"
	      "memory: page cache (Cached + Buffers: mapped, unmapped, Buffers; of\n"
	      "which shmem: tmpfs, SysV and shared anonymous memory) and anon\n"
	      "(AnonPages).\n"
	      "\n"
	      "How much is unaccounted depends on how user memory is counted, so it\n"
	      "is given three ways, side by side:\n"
	      "  X = MemTotal - MemFree - kernel - hugetlb - user, where user is\n"
	      "  LRU         Active + Inactive + Unevictable\n"
	      "  page cache  Cached + AnonPages + Buffers; only valid when SwapCached\n"
	      "              is 0 (a swap-cache page no process maps is in neither\n"
	      "              Cached nor AnonPages); the report says so otherwise\n"
	      "  PSS         the sum of every process's Pss (ROOT/PID/smaps_rollup) +\n"
	      "              (Cached - Mapped) + Buffers: what processes map, each\n"
	      "              shared page counted once, and the page cache nobody maps\n"
	      "On a sound system the three come out close; where they part, the\n"
	      "counts of user memory behind them disagree ('" PROG " check' tests\n"
	      "such relations one by one).\n"
	      "\n"
	      "The PSS way reads every process, one after another: not one instant.\n"
	      "The report says how long that took and how far MemFree moved meanwhile.\n"
	      "Without root, another user's process is partial (its smaps_rollup is\n"
	      "denied): its Pss is unknown, never taken as 0, and the PSS column is an\n"
	      "upper bound, shown as \"<= X\". A captured tree (--root) holds only the\n"
	      "processes captured with it, so its Pss sum leaves the others out; a\n"
	      "tree without PID directories has no PSS column (\"-\", and why).\n"
	      "\n"
	      "Then the 10 processes with the largest PSS (PID, USER, COMMAND, PSS,\n"
	      "USS, RSS, SWAP, as '" PROG " top' gives them), their totals, and\n"
	      "how many processes were partial or skipped; last, one line on the\n"
	      "identity check ('" PROG " check' gives the details). A value whose\n"
	      "input is absent is shown as \"-\", never as 0. The table fits in 80\n"
	      "columns. This is the default command.\n"
	      "\n", f);
	fputs("Options:\n"
	      "  --root DIR       read DIR instead of /proc, e.g. a captured tree such\n"
	      "                   as fixtures/report-12procs/proc\n"
	      "  --no-processes   do not read the processes: no PSS column, no top\n"
	      "                   processes (the scan takes each process's mmap lock\n"
	      "                   while the kernel walks its page tables)\n"
	      "  --threads N      read the processes with N threads, 1 to 1024, or 0\n"
	      "                   (default) for one per online CPU; the report is the\n"
	      "                   same for any N\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output:\n"
	      "  json   {\"memtotal\": N,\n"
	      "          \"kernel_vmalloc_source\": \"VmallocUsed\"|\"vmallocinfo\",\n"
	      "          \"lru_view\": {\"free\", \"kernel\", \"kernel_parts\": {FIELD: N},\n"
	      "                       \"user\", \"user_parts\": {\"anon_lru\", \"file_lru\",\n"
	      "                       \"unevictable\"}, \"hugetlb\", \"unaccounted\"},\n"
	      "          \"pagecache_view\": {\"free\", \"kernel\", \"page_cache\",\n"
	      "                       \"page_cache_parts\": {\"mapped\", \"unmapped\",\n"
	      "                       \"buffers\"}, \"shmem\", \"anon\", \"hugetlb\",\n"
	      "                       \"unaccounted\",\n"
	      "                       \"unaccounted_valid\": bool},\n"
	      "          \"identities\": {\"holds\", \"caveat\", \"violated\", \"skipped\",\n"
	      "                       \"violated_ids\": [...], \"caveat_ids\": [...]},\n"
	      "          \"unaccounted\": {\"lru\", \"pagecache\", \"pagecache_valid\": bool,\n"
	      "                       \"pss\", \"pss_upper_bound\",\n"
	      "                       \"pss_unknown_processes\", \"pss_reason\"},\n"
	      "          \"top\": [{\"pid\", \"comm\", \"user\", \"pss\", \"uss\", \"rss\",\n"
	      "                   \"swap\"}, ...],\n"
	      "          \"processes\": {\"count\", \"partial\", \"skipped\": {\"vanished\",\n"
	      "                       \"kernel_threads\", \"denied\", \"failed\"},\n"
	      "                       \"duration_ns\", \"memfree_range\"}}\n", f);
	fputs("         in bytes (signed: an unaccounted remainder can be negative).\n"
	      "         kernel_parts are what kernel sums: with vmallocinfo as the source,\n"
	      "         \"vmallocinfo\" takes the place of \"VmallocUsed\" (so in prom). In\n"
	      "         the older members, a member whose input is absent is left out;\n"
	      "         the newer ones are null instead. unaccounted.pss is null unless\n"
	      "         exact: pss_upper_bound holds the bound when some Pss is unknown\n"
	      "         (pss_unknown_processes), pss_reason says why pss is null.\n"
	      "         \"user\" is a name, or the uid as a string for a captured tree.\n"
	      "         top and processes are null with --no-processes or when the\n"
	      "         scan failed.\n"
	      "  prom   memacct_report_memtotal_bytes,\n"
	      "         memacct_report_bytes{view,category},\n"
	      "         memacct_report_component_bytes{view,category,component},\n"
	      "         memacct_report_view_valid{view}, memacct_report_identities{status},\n"
	      "         memacct_report_unaccounted_bytes{formula=\"lru|pagecache|pss\"}\n"
	      "         (valid, exact values only),\n"
	      "         memacct_report_unaccounted_upper_bound_bytes{formula=\"pss\"},\n"
	      "         memacct_report_top_pss_bytes{pid,comm},\n"
	      "         memacct_report_processes, memacct_report_processes_partial,\n"
	      "         memacct_report_processes_skipped{reason}. All gauges.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed (a violated identity, a partial or failed process scan are\n"
	      "     reported, not errors here)\n"
	      "  2  usage error\n"
	      "  3  meminfo could not be read or is malformed (the message names it)\n"
	      "\n"
	      "Examples:\n"
	      "  sudo " PROG "\n"
	      "  " PROG " report --root fixtures/report-12procs/proc\n"
	      "  " PROG " report --format json | jq .unaccounted\n"
	      "  " PROG " report --no-processes --format prom \\\n"
	      "      > /var/lib/node_exporter/memacct.prom\n", f);
}

enum {
	OPT_NO_PROCESSES = OPT_CMD_FIRST,
	OPT_THREADS,
};

#define TOP_N 10
#define WIDTH CLI_WIDTH

/* The columns of the top processes, in output order. */
static const struct {
	uint32_t key;
	const char *name;	/* JSON key */
	const char *head;	/* table heading */
} top_cols[] = {
	{ MEMACCT_USAGE_PSS, "pss", "PSS" },
	{ MEMACCT_USAGE_USS, "uss", "USS" },
	{ MEMACCT_USAGE_RSS, "rss", "RSS" },
	{ MEMACCT_USAGE_SWAP, "swap", "SWAP" },
};

#define NTOP_COLS ARRAY_SIZE(top_cols)

struct top_row {
	int pid;
	const char *comm;	/* borrowed from the scan */
	const char *user;	/* borrowed from the user names; NULL: no Uid */
	uint64_t v[NTOP_COLS];
	unsigned has;		/* bit c: v[c] given */
};

struct item {
	const char *key;	/* JSON member and Prometheus label */
	const char *label;	/* table */
	bool have;
	int64_t v;
};

struct report {
	uint64_t memtotal;
	struct item free, kernel, user, hugetlb, unacc_lru;
	struct item kparts[8];
	/*
	 * The vmalloc pages of vmallocinfo, summed into kernel instead of
	 * VmallocUsed (kparts[1]) when VmallocUsed is wrong for the kernel.
	 */
	struct item vmi;
	bool vmi_used;
	enum vmallocused_status vmi_why;
	bool have_balloon, have_gpu;
	uint64_t balloon, gpu;
	struct item uparts[3];
	struct item cache, cparts[3], shmem, anon, unacc_pc;
	struct item user_pc, user_pss;	/* user by the page-cache and the PSS formula */
	bool unacc_pc_valid;
	bool have_swapcached;
	uint64_t swapcached;
	bool checked;
	struct results res;

	/* The process scan and the PSS formula. */
	bool scan_wanted;
	unsigned threads;	/* --threads; 0: one per online CPU */
	struct memacct_procs *procs;	/* NULL: not scanned */
	bool live;
	int pss_r;		/* memacct_procs_get_unaccounted(): 0 exact, 1 bound, < 0 none */
	int64_t unacc_pss;
	size_t pss_unknown;
	char pss_why[160];	/* why there is no PSS value ("" when there is one) */
	struct item pss_sum;	/* the sum of the known Pss */
	struct top_row top[TOP_N];
	size_t ntop;
	struct user_names users;
};

static void field(const struct memacct_meminfo *mi, struct item *it, uint32_t key,
		  const char *json, const char *label)
{
	uint64_t v;

	it->key = json;
	it->label = label;
	it->have = memacct_meminfo_get(mi, key, &v) == 0 && v <= INT64_MAX;
	it->v = it->have ? (int64_t)v : 0;
}

static void sum2(const struct memacct_meminfo *mi, struct item *it, uint32_t a, uint32_t b,
		 const char *json, const char *label)
{
	uint64_t x, y;

	it->key = json;
	it->label = label;
	it->have = memacct_meminfo_get(mi, a, &x) == 0 && memacct_meminfo_get(mi, b, &y) == 0 &&
		   x <= INT64_MAX / 2 && y <= INT64_MAX / 2;
	it->v = it->have ? (int64_t)(x + y) : 0;
}

/* 0, or 1 when the value is given but its formula does not hold (see meminfo.h). */
static int derived(const struct memacct_meminfo *mi, struct item *it, uint32_t key,
		   const char *json, const char *label)
{
	int r = memacct_meminfo_get_derived(mi, key, &it->v);

	it->key = json;
	it->label = label;
	it->have = r >= 0;
	if (!it->have)
		it->v = 0;
	return r;
}

static void gather(const struct memacct_meminfo *mi, struct report *rp)
{
	static const struct {
		uint32_t key;
		const char *name;
	} kernel[] = {
		{ MEMACCT_MEMINFO_SLAB, "Slab" },
		{ MEMACCT_MEMINFO_VMALLOCUSED, "VmallocUsed" },
		{ MEMACCT_MEMINFO_PAGETABLES, "PageTables" },
		{ MEMACCT_MEMINFO_SECPAGETABLES, "SecPageTables" },
		{ MEMACCT_MEMINFO_KERNELSTACK, "KernelStack" },
		{ MEMACCT_MEMINFO_PERCPU, "Percpu" },
		{ MEMACCT_MEMINFO_HARDWARECORRUPTED, "HardwareCorrupted" },
		{ MEMACCT_MEMINFO_BOUNCE, "Bounce" },
	};
	size_t i;

	field(mi, &rp->free, MEMACCT_MEMINFO_MEMFREE, "free", "free (MemFree)");
	derived(mi, &rp->kernel, MEMACCT_DERIVED_KERNEL, "kernel", "kernel");
	for (i = 0; i < ARRAY_SIZE(kernel); i++)
		field(mi, &rp->kparts[i], kernel[i].key, kernel[i].name, kernel[i].name);
	derived(mi, &rp->user, MEMACCT_DERIVED_USER_LRU, "user", "user, by LRU");
	sum2(mi, &rp->uparts[0], MEMACCT_MEMINFO_ACTIVE_ANON, MEMACCT_MEMINFO_INACTIVE_ANON,
	     "anon_lru", "anon LRU");
	sum2(mi, &rp->uparts[1], MEMACCT_MEMINFO_ACTIVE_FILE, MEMACCT_MEMINFO_INACTIVE_FILE,
	     "file_lru", "file LRU (page cache)");
	field(mi, &rp->uparts[2], MEMACCT_MEMINFO_UNEVICTABLE, "unevictable", "Unevictable");
	derived(mi, &rp->hugetlb, MEMACCT_DERIVED_HUGETLB, "hugetlb", "hugetlb");
	derived(mi, &rp->unacc_lru, MEMACCT_DERIVED_UNACCOUNTED_LRU, "unaccounted",
		"unaccounted (LRU formula)");

	sum2(mi, &rp->cache, MEMACCT_MEMINFO_CACHED, MEMACCT_MEMINFO_BUFFERS, "page_cache",
	     "page cache (Cached + Buffers)");
	field(mi, &rp->cparts[0], MEMACCT_MEMINFO_MAPPED, "mapped", "mapped (Mapped)");
	derived(mi, &rp->cparts[1], MEMACCT_DERIVED_CACHE_UNMAPPED, "unmapped",
		"unmapped (Cached - Mapped)");
	field(mi, &rp->cparts[2], MEMACCT_MEMINFO_BUFFERS, "buffers", "Buffers");
	/* tmpfs, SysV and shared anonymous memory: page cache, mapped or not */
	field(mi, &rp->shmem, MEMACCT_MEMINFO_SHMEM, "shmem", "of which shmem (Shmem)");
	field(mi, &rp->anon, MEMACCT_MEMINFO_ANONPAGES, "anon", "anon (AnonPages)");
	rp->unacc_pc_valid = derived(mi, &rp->unacc_pc, MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE,
				     "unaccounted", "unaccounted (page-cache formula)") == 0;
	rp->have_swapcached = memacct_meminfo_get(mi, MEMACCT_MEMINFO_SWAPCACHED,
						  &rp->swapcached) == 0;
	derived(mi, &rp->user_pc, MEMACCT_DERIVED_USER_PAGECACHE, "user", "user");
	rp->have_balloon = memacct_meminfo_get(mi, MEMACCT_MEMINFO_BALLOON, &rp->balloon) == 0;
	rp->have_gpu = memacct_meminfo_get(mi, MEMACCT_MEMINFO_GPUACTIVE, &rp->gpu) == 0;
}

/*
 * VmallocUsed is 0 on Linux 4.4 to 5.2 and was the size of every area,
 * ioremap included, before 4.4: then, when ROOT/vmallocinfo can be read
 * (root only), its vmalloc pages take VmallocUsed's place in kernel, and
 * every unaccounted remainder moves by the difference. Unreadable or
 * absent, the report keeps VmallocUsed, as before.
 */
static int use_vmallocinfo(struct report *rp, struct memacct_source *src)
{
	struct memacct_vmallocinfo *vi = NULL;
	const struct item *used = &rp->kparts[1];
	unsigned major = 0, minor = 0;
	uint64_t bytes;
	int64_t delta;
	char rel[64];
	bool have_rel;
	int r;

	/* from 5.3 VmallocUsed is right: no need to read the file (it takes vmap_area_lock) */
	have_rel = cli_kernel_release(src, rel, sizeof(rel), &major, &minor) == 0;
	if (!rp->kernel.have || (have_rel && major * 1000 + minor >= 5003))
		return 0;
	r = memacct_vmallocinfo_new(&vi);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || memacct_vmallocinfo_read(vi, src, NULL) < 0 ||
	    memacct_vmallocinfo_get_total(vi, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES, &bytes) < 0 ||
	    bytes > INT64_MAX / 4) {
		memacct_vmallocinfo_free(vi);
		return 0;
	}
	memacct_vmallocinfo_free(vi);
	rp->vmi_why = cli_vmallocused_status(have_rel, major, minor,
					     used->have ? (uint64_t)used->v : 0, bytes);
	if (rp->vmi_why != VMALLOCUSED_ZERO && rp->vmi_why != VMALLOCUSED_IOREMAP)
		return 0;
	rp->vmi = (struct item){ .key = "vmallocinfo", .label = "vmalloc (vmallocinfo)",
				 .have = true, .v = (int64_t)bytes };
	rp->vmi_used = true;
	delta = (int64_t)bytes - (used->have ? used->v : 0);
	rp->kernel.v += delta;
	if (rp->unacc_lru.have)
		rp->unacc_lru.v -= delta;
	if (rp->unacc_pc.have)
		rp->unacc_pc.v -= delta;
	if (rp->pss_r >= 0)
		rp->unacc_pss -= delta;
	return 0;
}

/* Read every process (a failure is said in the report, not fatal): 0, or -ENOMEM. */
static int scan_procs(struct report *rp, struct memacct_source *src)
{
	struct memacct_procs *p = NULL;
	uint64_t live = 0;
	int r;

	if (memacct_source_get(src, MEMACCT_SOURCE_LIVE, &live) == 0)
		rp->live = live == 1;
	rp->users.live = rp->live;
	rp->pss_r = -ENOENT;
	if (!rp->scan_wanted) {
		snprintf(rp->pss_why, sizeof(rp->pss_why), "the processes were not read "
			 "(--no-processes)");
		return 0;
	}
	r = memacct_procs_new(&p);
	if (r == 0)
		r = memacct_procs_set_threads(p, rp->threads);
	if (r == 0)
		r = memacct_procs_read(p, src, 0, NULL);
	if (r == -ENOMEM) {
		memacct_procs_free(p);
		return r;
	}
	if (r < 0) {
		snprintf(rp->pss_why, sizeof(rp->pss_why), "the processes could not be listed: %s",
			 memacct_strerror(r));
		memacct_procs_free(p);
		return 0;
	}
	rp->procs = p;
	return 0;
}

/* "the Pss of 3 processes is unknown: 2 partial (smaps_rollup denied), 1 denied" */
static void unknown_why(struct report *rp)
{
	int partial = memacct_procs_count_partial(rp->procs);
	unsigned denied = (unsigned)cli_skipped(rp->procs, MEMACCT_PROCS_DENIED);
	unsigned failed = (unsigned)cli_skipped(rp->procs, MEMACCT_PROCS_FAILED);
	size_t len = sizeof(rp->pss_why), other = rp->pss_unknown;
	const char *sep = ": ";
	char *b = rp->pss_why;
	int n;

	n = snprintf(b, len, "the Pss of %zu process%s is unknown", rp->pss_unknown,
		     rp->pss_unknown == 1 ? "" : "es");
	if (partial > 0 && n > 0 && (size_t)n < len) {
		n += snprintf(b + n, len - (size_t)n, "%s%d partial (smaps_rollup denied)", sep,
			      partial);
		other -= (size_t)partial;
		sep = ", ";
	}
	if (denied > 0 && n > 0 && (size_t)n < len) {
		n += snprintf(b + n, len - (size_t)n, "%s%u denied (status too)", sep, denied);
		other -= denied;
		sep = ", ";
	}
	if (failed > 0 && n > 0 && (size_t)n < len) {
		n += snprintf(b + n, len - (size_t)n, "%s%u failed to read", sep, failed);
		other -= failed;
		sep = ", ";
	}
	if (other > 0 && n > 0 && (size_t)n < len)
		snprintf(b + n, len - (size_t)n, "%s%zu without Pss", sep, other);
}

/* The PSS formula over @mi, the meminfo of the other two, and the top processes. */
static int rank_procs(struct report *rp, const struct memacct_meminfo *mi)
{
	const struct item *unmapped = &rp->cparts[1], *buffers = &rp->cparts[2];
	size_t *order = NULL, n = 0;
	uint64_t sum;
	int r;

	if (!rp->procs)
		return 0;
	rp->pss_r = memacct_procs_get_unaccounted(rp->procs, mi, &rp->unacc_pss, &rp->pss_unknown);
	if (rp->pss_r == -ENOENT && memacct_procs_count(rp->procs) == 0)
		snprintf(rp->pss_why, sizeof(rp->pss_why), "%s", rp->live ?
			 "no process was found" : "the tree holds no process (no PID directory)");
	else if (rp->pss_r == -ENOENT)
		snprintf(rp->pss_why, sizeof(rp->pss_why), "meminfo lacks a field it needs "
			 "(MemTotal, MemFree, Buffers, Cached, Mapped or Slab)");
	else if (rp->pss_r < 0)
		snprintf(rp->pss_why, sizeof(rp->pss_why), "%s", memacct_strerror(rp->pss_r));
	else if (rp->pss_r == 1)
		unknown_why(rp);

	rp->pss_sum.have = memacct_procs_get_total(rp->procs, MEMACCT_USAGE_PSS, &sum, NULL) == 0 &&
			   sum <= INT64_MAX;
	rp->pss_sum.v = rp->pss_sum.have ? (int64_t)sum : 0;
	rp->user_pss.have = rp->pss_r >= 0 && unmapped->have && buffers->have &&
			    !__builtin_add_overflow(rp->pss_sum.v, unmapped->v, &rp->user_pss.v) &&
			    !__builtin_add_overflow(rp->user_pss.v, buffers->v, &rp->user_pss.v);

	r = ranking_order(rp->procs, MEMACCT_USAGE_PSS, &order, &n);
	if (r < 0)
		return r;
	for (size_t k = 0; k < n && k < TOP_N; k++) {
		struct top_row *t = &rp->top[k];
		uint32_t uid;

		memacct_procs_get_pid(rp->procs, order[k], &t->pid);
		if (memacct_procs_get_comm(rp->procs, order[k], &t->comm) < 0)
			t->comm = "";
		if (memacct_procs_get_uid(rp->procs, order[k], &uid) == 0) {
			t->user = user_names_get(&rp->users, uid);
			if (!t->user) {
				free(order);
				return -ENOMEM;
			}
		}
		for (size_t c = 0; c < NTOP_COLS; c++)
			if (memacct_procs_get(rp->procs, order[k], top_cols[c].key, &t->v[c]) == 0)
				t->has |= 1u << c;
		rp->ntop++;
	}
	free(order);
	return 0;
}

/* --- table ----------------------------------------------------------------- */

#define ROW "%-34s %16s %12s %8s\n"

static void row(const struct report *rp, const struct item *it, int depth)
{
	char label[64], b[32], h[HUMAN_LEN], p[HUMAN_LEN];

	snprintf(label, sizeof(label), "%*s%s", 2 * depth, "", it->label);
	if (!it->have) {
		printf(ROW, label, "-", "-", "-");
		return;
	}
	snprintf(b, sizeof(b), "%" PRId64, it->v);
	printf(ROW, label, b, human_bytes(h, it->v), human_percent(p, it->v, rp->memtotal));
}

/* The parts of a category that hold memory: a 0 says nothing about where it went. */
static void parts(const struct report *rp, const struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].have && v[i].v != 0)
			row(rp, &v[i], 2);
}

/* The parts of kernel, with vmallocinfo's vmalloc pages in VmallocUsed's place when used. */
static void kernel_parts(const struct report *rp)
{
	static const char *const why[] = {
		[VMALLOCUSED_ZERO] = "0 on Linux 4.4 to 5.2",
		[VMALLOCUSED_IOREMAP] = "ioremap included before 4.4",
	};

	for (size_t i = 0; i < ARRAY_SIZE(rp->kparts); i++) {
		if (i != 1 || !rp->vmi_used) {
			parts(rp, &rp->kparts[i], 1);
			continue;
		}
		row(rp, &rp->vmi, 2);
		printf("      (not VmallocUsed: %s)\n", why[rp->vmi_why]);
	}
}

enum how { BYTES, HUMAN, PERCENT };

/* A cell of the unaccounted table; @mark ("<= ", ">= ", "") says a bound, @star an invalid one. */
static const char *cell(char buf[48], const struct report *rp, bool have, int64_t v,
			enum how how, const char *mark, bool star)
{
	char h[HUMAN_LEN];

	if (!have)
		return "-";
	if (how == BYTES)
		snprintf(h, sizeof(h), "%" PRId64, v);
	else if (how == HUMAN)
		human_bytes(h, v);
	else
		human_percent(h, v, rp->memtotal);
	snprintf(buf, 48, "%s%s%s", star ? "*" : "", mark, h);
	return buf;
}

/* A row of the unaccounted table: the label narrows for cells too wide for their column. */
static void u3(const char *label, const char *a, const char *b, const char *c)
{
	const char *v[3] = { a, b, c };
	int w[3], lw = 22, sum = 0;

	for (size_t i = 0; i < 3; i++) {
		w[i] = strlen(v[i]) > 18 ? (int)strlen(v[i]) : 18;
		sum += w[i] + 1;
	}
	if (lw + sum > WIDTH)
		lw = WIDTH - sum > (int)strlen(label) ? WIDTH - sum : (int)strlen(label);
	printf("%-*s %*s %*s %*s\n", lw, label, w[0], a, w[1], b, w[2], c);
}

static void unaccounted_rows(const struct report *rp)
{
	static const struct {
		const char *label;
		enum how how;
	} rows[] = {
		{ "  unaccounted", HUMAN },
		{ "    bytes", BYTES },
		{ "    % of MemTotal", PERCENT },
	};
	bool pc_star = rp->unacc_pc.have && !rp->unacc_pc_valid;
	bool pss_have = rp->pss_r >= 0, bound = rp->pss_r == 1;
	char a[48], b[48], c[48];

	u3("UNACCOUNTED, 3 WAYS", "LRU", "PAGE CACHE", "PSS");
	u3("  user", cell(a, rp, rp->user.have, rp->user.v, HUMAN, "", false),
	       cell(b, rp, rp->user_pc.have, rp->user_pc.v, HUMAN, "", false),
	       cell(c, rp, rp->user_pss.have, rp->user_pss.v, HUMAN, bound ? ">= " : "", false));
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		u3(rows[i].label,
		       cell(a, rp, rp->unacc_lru.have, rp->unacc_lru.v, rows[i].how, "", false),
		       cell(b, rp, rp->unacc_pc.have, rp->unacc_pc.v, rows[i].how, "", pc_star),
		       cell(c, rp, pss_have, rp->unacc_pss, rows[i].how, bound ? "<= " : "",
			    false));
}

/*
 * When a remainder is more than 1% of MemTotal, what usually makes it: memory
 * the kernel hands out with no meminfo line of its own, and the counters
 * newer kernels have for some of it (in the remainder too: kernel does not
 * sum them).
 */
static void suspects(const struct report *rp)
{
	char text[512], h[HUMAN_LEN];
	int64_t pct = (int64_t)(rp->memtotal / 100);
	size_t n;

	if (!((rp->unacc_lru.have && rp->unacc_lru.v > pct) ||
	      (rp->unacc_pc.have && rp->unacc_pc_valid && rp->unacc_pc.v > pct) ||
	      (rp->pss_r == 0 && rp->unacc_pss > pct)))
		return;
	n = (size_t)snprintf(text, sizeof(text), "driver alloc_pages");
	if (rp->have_balloon)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", balloons (Balloon:" CLI_G "%s)",
				      (human_ubytes(h, rp->balloon), cli_glue(h)));
	else
		n += (size_t)snprintf(text + n, sizeof(text) - n, ", balloons (no Balloon:)");
	if (rp->have_gpu)
		snprintf(text + n, sizeof(text) - n, ", GPU (GPUActive:" CLI_G "%s)",
			 (human_ubytes(h, rp->gpu), cli_glue(h)));
	else
		snprintf(text + n, sizeof(text) - n, ", GPU (no GPUActive:)");
	cli_print_wrapped("  suspects: ", text, 4);
}

static void unaccounted_notes(const struct report *rp)
{
	char text[512], h[HUMAN_LEN];
	int n = rp->procs ? memacct_procs_count(rp->procs) : 0;
	uint64_t ns, lo, hi;

	puts("  unaccounted = MemTotal - free - kernel - hugetlb - user, with user by");
	puts("  LRU          Active + Inactive + Unevictable");
	if (rp->have_swapcached)
		human_ubytes(h, rp->swapcached);
	else
		snprintf(h, sizeof(h), "absent");
	if (rp->unacc_pc.have && !rp->unacc_pc_valid)
		snprintf(text, sizeof(text), "Cached + AnonPages + Buffers; *not valid: "
			 "SwapCached is %s, not 0", cli_glue(h));
	else
		snprintf(text, sizeof(text), "Cached + AnonPages + Buffers (valid: SwapCached "
			 "is 0)");
	cli_print_wrapped("  page cache   ", text, 15);
	if (n > 0)
		snprintf(text, sizeof(text), "Pss of %d process%s + (Cached - Mapped) + Buffers",
			 n, n == 1 ? "" : "es");
	else
		snprintf(text, sizeof(text), "Pss of every process + (Cached - Mapped) + Buffers");
	cli_print_wrapped("  PSS          ", text, 15);

	if (rp->pss_r < 0) {
		snprintf(text, sizeof(text), "not available: %s.", rp->pss_why);
		cli_print_wrapped("  PSS: ", text, 4);
		return;
	}
	if (rp->pss_r == 1) {
		snprintf(text, sizeof(text), "at most, as %s%s.", rp->pss_why,
			 rp->live && geteuid() ? "; run as root" : "");
		cli_print_wrapped("  PSS: ", text, 4);
	}
	if (!rp->live) {
		cli_print_wrapped("  PSS: ", "a captured tree holds only the processes captured with "
			      "it: the Pss of all others is left out.", 4);
	} else if (memacct_procs_get_duration(rp->procs, &ns) == 0) {
		int len = snprintf(text, sizeof(text), "read one by one in %" PRIu64 ".%" PRIu64
				   " ms", ns / 1000000, ns / 100000 % 10);

		if (memacct_procs_get_meminfo_range(rp->procs, MEMACCT_MEMINFO_MEMFREE, &lo,
						    &hi) == 0 && len > 0) {
			human_ubytes(h, hi - lo);
			snprintf(text + len, sizeof(text) - (size_t)len, "; MemFree varied by %s "
				 "meanwhile", cli_glue(h));
		}
		strcat(text, ".");
		cli_print_wrapped("  PSS: ", text, 4);
	}
}

/* "processes: 24 read, 1 partial; skipped: 60 kernel threads, 2 vanished" */
static void processes_line(const struct report *rp, int n)
{
	static const struct {
		uint32_t reason;
		const char *name;
	} reasons[] = {
		{ MEMACCT_PROCS_KERNEL_THREAD, "kernel" CLI_G "thread" },
		{ MEMACCT_PROCS_VANISHED, "vanished" },
		{ MEMACCT_PROCS_DENIED, "denied" },
		{ MEMACCT_PROCS_FAILED, "failed" },
	};
	const char *sep = " ";
	char text[256];
	int len;

	len = snprintf(text, sizeof(text), "%d" CLI_G "read, %d" CLI_G "partial; skipped:", n,
		       memacct_procs_count_partial(rp->procs));
	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++) {
		unsigned k = (unsigned)cli_skipped(rp->procs, reasons[i].reason);

		if (k == 0 || len < 0 || (size_t)len >= sizeof(text))
			continue;
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%s%u" CLI_G "%s%s", sep, k,
				reasons[i].name, k > 1 && i == 0 ? "s" : "");
		sep = ", ";
	}
	if (len > 0 && (size_t)len < sizeof(text) && sep[0] == ' ')
		snprintf(text + len, sizeof(text) - (size_t)len, " none");
	cli_print_wrapped("processes: ", text, 2);
}

static void print_top(const struct report *rp)
{
	char name[32], user[16], line[48], b[HUMAN_LEN], text[256];
	uint64_t tot;
	int n;

	n = rp->procs ? memacct_procs_count(rp->procs) : 0;
	if (!rp->procs || (n == 0 && rp->pss_r < 0)) {
		snprintf(text, sizeof(text), "%s.", rp->pss_why);
		cli_print_wrapped("PROCESSES: ", text, 2);
		return;
	}
	printf("PROCESSES BY PSS, %zu OF %d\n", rp->ntop, n);
	printf("%7s %-8s %-15s", "PID", "USER", "COMMAND");
	for (size_t c = 0; c < NTOP_COLS; c++)
		printf(" %10s", top_cols[c].head);
	putchar('\n');
	for (size_t k = 0; k < rp->ntop; k++) {
		const struct top_row *t = &rp->top[k];

		printf("%7d %-8s %-15s", t->pid, cli_printable(user, 8, t->user),
		       cli_printable(name, 15, t->comm));
		for (size_t c = 0; c < NTOP_COLS; c++)
			printf(" %10s", t->has & (1u << c) ? human_ubytes(b, t->v[c]) : "-");
		putchar('\n');
	}
	snprintf(line, sizeof(line), "total of %d process%s", n, n == 1 ? "" : "es");
	printf("%7s %-24s", "", line);
	/* Sums over the processes that gave the value: partial ones have no PSS, USS. */
	for (size_t c = 0; c < NTOP_COLS; c++) {
		bool have = memacct_procs_get_total(rp->procs, top_cols[c].key, &tot, NULL) == 0;

		printf(" %10s", have ? human_ubytes(b, tot) : "-");
	}
	putchar('\n');

	processes_line(rp, n);
}

/*
 * "identities: 14 hold, 1 caveat, 1 violated (meminfo.free_vs_buddyinfo), 0 skipped",
 * the line of 'check', with the violated ids wrapped onto further lines when
 * they do not fit.
 */
static void print_identities(const struct report *rp)
{
	const struct results *res = &rp->res;
	unsigned holds = res->by_status[MEMACCT_CHECK_HOLDS];
	unsigned caveats = res->by_status[MEMACCT_CHECK_CAVEAT];
	unsigned violated = res->by_status[MEMACCT_CHECK_VIOLATED];
	char *text = NULL;
	size_t size = 0;
	const char *sep = " (";
	FILE *f;

	if (!rp->checked) {
		puts("identities: not checked");
		return;
	}
	f = open_memstream(&text, &size);
	if (!f) {
		results_summary_line(res, stdout, WIDTH);
		return;
	}
	fprintf(f, "%u hold%s, %u caveat%s, %u violated", holds, holds == 1 ? "s" : "",
		caveats, caveats == 1 ? "" : "s", violated);
	for (size_t i = 0; i < res->n; i++) {
		if (res->v[i].status != MEMACCT_CHECK_VIOLATED)
			continue;
		fprintf(f, "%s%s", sep, res->v[i].id);
		sep = ", ";
	}
	fprintf(f, "%s, %u skipped", violated ? ")" : "", res->by_status[MEMACCT_CHECK_SKIPPED]);
	if (fclose(f) == 0 && text)
		cli_print_wrapped("identities: ", text, 2);
	else
		results_summary_line(res, stdout, WIDTH);
	free(text);
}

static void print_table(const struct report *rp)
{
	char b[32], h[HUMAN_LEN], s[HUMAN_LEN];

	printf(ROW, "MEMORY", "BYTES", "HUMAN", "% TOTAL");
	snprintf(b, sizeof(b), "%" PRIu64, rp->memtotal);
	printf(ROW, "MemTotal", b, human_ubytes(h, rp->memtotal), "100.0%");
	row(rp, &rp->free, 1);
	row(rp, &rp->kernel, 1);
	kernel_parts(rp);
	row(rp, &rp->user, 1);
	parts(rp, rp->uparts, ARRAY_SIZE(rp->uparts));
	row(rp, &rp->hugetlb, 1);
	row(rp, &rp->unacc_lru, 1);

	printf("\nPage-cache view (free, kernel and hugetlb as above):\n");
	row(rp, &rp->cache, 1);
	parts(rp, rp->cparts, ARRAY_SIZE(rp->cparts));
	if (rp->shmem.have)
		row(rp, &rp->shmem, 2);
	row(rp, &rp->anon, 1);
	row(rp, &rp->unacc_pc, 1);
	if (rp->unacc_pc.have && !rp->unacc_pc_valid)
		printf("    not valid: SwapCached is %s, not 0\n",
		       rp->have_swapcached ? human_ubytes(s, rp->swapcached) : "absent");

	putchar('\n');
	unaccounted_rows(rp);
	suspects(rp);
	unaccounted_notes(rp);
	putchar('\n');
	print_top(rp);
	putchar('\n');
	print_identities(rp);
}

/* --- JSON ------------------------------------------------------------------ */

static void json_item(struct json *j, const struct item *it)
{
	if (it->have)
		json_kv_i64(j, it->key, it->v);
}

static void json_ids(struct json *j, const struct results *res, uint32_t status,
		     const char *key)
{
	size_t i;

	json_key(j, key);
	json_array_begin(j);
	for (i = 0; i < res->n; i++)
		if (res->v[i].status == status)
			json_str(j, res->v[i].id);
	json_array_end(j);
}

static void json_unaccounted(struct json *j, const struct report *rp)
{
	json_key(j, "unaccounted");
	json_object_begin(j);
	json_kv_i64_or_null(j, "lru", rp->unacc_lru.have, rp->unacc_lru.v);
	json_kv_i64_or_null(j, "pagecache", rp->unacc_pc.have, rp->unacc_pc.v);
	json_kv_bool(j, "pagecache_valid", rp->unacc_pc.have && rp->unacc_pc_valid);
	json_kv_i64_or_null(j, "pss", rp->pss_r == 0, rp->unacc_pss);
	json_kv_i64_or_null(j, "pss_upper_bound", rp->pss_r == 1, rp->unacc_pss);
	json_key(j, "pss_unknown_processes");
	if (rp->pss_r >= 0)
		json_u64(j, rp->pss_unknown);
	else
		json_null(j);
	json_kv_str_or_null(j, "pss_reason", rp->pss_r == 0 ? NULL : rp->pss_why);
	json_object_end(j);
}

static void json_top(struct json *j, const struct report *rp)
{
	json_key(j, "top");
	if (!rp->procs) {
		json_null(j);
		return;
	}
	json_array_begin(j);
	for (size_t k = 0; k < rp->ntop; k++) {
		const struct top_row *t = &rp->top[k];

		json_object_begin(j);
		json_kv_u64(j, "pid", (uint64_t)t->pid);
		json_kv_str(j, "comm", t->comm);
		json_kv_str_or_null(j, "user", t->user);
		for (size_t c = 0; c < NTOP_COLS; c++) {
			json_key(j, top_cols[c].name);
			if (t->has & (1u << c))
				json_u64(j, t->v[c]);
			else
				json_null(j);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_processes(struct json *j, const struct report *rp)
{
	uint64_t ns, lo, hi;

	json_key(j, "processes");
	if (!rp->procs) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_kv_u64(j, "count", (uint64_t)memacct_procs_count(rp->procs));
	json_kv_u64(j, "partial", (uint64_t)memacct_procs_count_partial(rp->procs));
	cli_json_skipped(j, rp->procs);
	json_key(j, "duration_ns");
	if (memacct_procs_get_duration(rp->procs, &ns) == 0)
		json_u64(j, ns);
	else
		json_null(j);
	json_key(j, "memfree_range");
	if (memacct_procs_get_meminfo_range(rp->procs, MEMACCT_MEMINFO_MEMFREE, &lo, &hi) == 0)
		json_u64(j, hi - lo);
	else
		json_null(j);
	json_object_end(j);
}

static void print_json(const struct report *rp)
{
	struct json j;
	size_t i;

	json_begin(&j, stdout);
	json_object_begin(&j);
	json_kv_u64(&j, "memtotal", rp->memtotal);
	json_kv_str(&j, "kernel_vmalloc_source", rp->vmi_used ? "vmallocinfo" : "VmallocUsed");

	json_key(&j, "lru_view");
	json_object_begin(&j);
	json_item(&j, &rp->free);
	json_item(&j, &rp->kernel);
	json_key(&j, "kernel_parts");
	json_object_begin(&j);
	/* what kernel sums: vmallocinfo's vmalloc pages in VmallocUsed's place when used */
	for (i = 0; i < ARRAY_SIZE(rp->kparts); i++)
		json_item(&j, i == 1 && rp->vmi_used ? &rp->vmi : &rp->kparts[i]);
	json_object_end(&j);
	json_item(&j, &rp->user);
	json_key(&j, "user_parts");
	json_object_begin(&j);
	for (i = 0; i < ARRAY_SIZE(rp->uparts); i++)
		json_item(&j, &rp->uparts[i]);
	json_object_end(&j);
	json_item(&j, &rp->hugetlb);
	json_item(&j, &rp->unacc_lru);
	json_object_end(&j);

	json_key(&j, "pagecache_view");
	json_object_begin(&j);
	json_item(&j, &rp->free);
	json_item(&j, &rp->kernel);
	json_item(&j, &rp->cache);
	json_key(&j, "page_cache_parts");
	json_object_begin(&j);
	for (i = 0; i < ARRAY_SIZE(rp->cparts); i++)
		json_item(&j, &rp->cparts[i]);
	json_object_end(&j);
	json_item(&j, &rp->shmem);
	json_item(&j, &rp->anon);
	json_item(&j, &rp->hugetlb);
	json_item(&j, &rp->unacc_pc);
	if (rp->unacc_pc.have)
		json_kv_bool(&j, "unaccounted_valid", rp->unacc_pc_valid);
	json_object_end(&j);

	if (rp->checked) {
		json_key(&j, "identities");
		json_object_begin(&j);
		json_kv_u64(&j, "holds", rp->res.by_status[MEMACCT_CHECK_HOLDS]);
		json_kv_u64(&j, "caveat", rp->res.by_status[MEMACCT_CHECK_CAVEAT]);
		json_kv_u64(&j, "violated", rp->res.by_status[MEMACCT_CHECK_VIOLATED]);
		json_kv_u64(&j, "skipped", rp->res.by_status[MEMACCT_CHECK_SKIPPED]);
		json_ids(&j, &rp->res, MEMACCT_CHECK_VIOLATED, "violated_ids");
		json_ids(&j, &rp->res, MEMACCT_CHECK_CAVEAT, "caveat_ids");
		json_object_end(&j);
	}

	json_unaccounted(&j, rp);
	json_top(&j, rp);
	json_processes(&j, rp);

	json_object_end(&j);
	json_end(&j);
}

/* --- Prometheus ------------------------------------------------------------ */

static void prom_item(const char *view, const struct item *it)
{
	if (it->have)
		prom_i64(stdout, "memacct_report_bytes",
			 (const char *const[]){ "view", view, "category", it->key, NULL }, it->v);
}

static void prom_parts(const char *view, const struct item *cat, const struct item *parts,
		       size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (parts[i].have)
			prom_i64(stdout, "memacct_report_component_bytes",
				 (const char *const[]){ "view", view, "category", cat->key,
							"component", parts[i].key, NULL },
				 parts[i].v);
}

static void prom_unaccounted(const struct report *rp)
{
	bool pc = rp->unacc_pc.have && rp->unacc_pc_valid;

	if (rp->unacc_lru.have || pc || rp->pss_r == 0) {
		prom_family(stdout, "memacct_report_unaccounted_bytes", "gauge",
			    "MemTotal - MemFree - kernel - hugetlb - user, by the formula that "
			    "counts user memory (lru, pagecache, pss); valid and exact values "
			    "only.");
		if (rp->unacc_lru.have)
			prom_i64(stdout, "memacct_report_unaccounted_bytes",
				 (const char *const[]){ "formula", "lru", NULL }, rp->unacc_lru.v);
		if (pc)
			prom_i64(stdout, "memacct_report_unaccounted_bytes",
				 (const char *const[]){ "formula", "pagecache", NULL },
				 rp->unacc_pc.v);
		if (rp->pss_r == 0)
			prom_i64(stdout, "memacct_report_unaccounted_bytes",
				 (const char *const[]){ "formula", "pss", NULL }, rp->unacc_pss);
	}
	if (rp->pss_r == 1) {
		prom_family(stdout, "memacct_report_unaccounted_upper_bound_bytes", "gauge",
			    "An upper bound of the unaccounted memory when some processes' Pss "
			    "is unknown (smaps_rollup denied).");
		prom_i64(stdout, "memacct_report_unaccounted_upper_bound_bytes",
			 (const char *const[]){ "formula", "pss", NULL }, rp->unacc_pss);
	}
}

static void prom_procs(const struct report *rp)
{
	bool any = false;
	char pid[16];

	if (!rp->procs)
		return;
	for (size_t k = 0; k < rp->ntop; k++) {
		const struct top_row *t = &rp->top[k];

		if (!(t->has & 1u))	/* top_cols[0] is PSS */
			continue;
		if (!any)
			prom_family(stdout, "memacct_report_top_pss_bytes", "gauge",
				    "PSS of the processes with the largest PSS, in bytes.");
		any = true;
		snprintf(pid, sizeof(pid), "%d", t->pid);
		prom_u64(stdout, "memacct_report_top_pss_bytes",
			 (const char *const[]){ "pid", pid, "comm", t->comm, NULL }, t->v[0]);
	}
	cli_prom_scan("memacct_report_processes", rp->procs,
		      (uint64_t)memacct_procs_count(rp->procs),
		      "Processes whose smaps_rollup could not be read (Pss unknown).", NULL);
}

static void print_prom(const struct report *rp)
{
	static const uint32_t statuses[] = { MEMACCT_CHECK_HOLDS, MEMACCT_CHECK_CAVEAT,
					     MEMACCT_CHECK_VIOLATED, MEMACCT_CHECK_SKIPPED };
	size_t k;

	prom_family(stdout, "memacct_report_memtotal_bytes", "gauge",
		    "MemTotal, the whole that the report breaks down.");
	prom_u64(stdout, "memacct_report_memtotal_bytes", NULL, rp->memtotal);

	prom_family(stdout, "memacct_report_bytes", "gauge",
		    "MemTotal broken into categories, by view (lru or pagecache formula).");
	prom_item("lru", &rp->free);
	prom_item("lru", &rp->kernel);
	prom_item("lru", &rp->user);
	prom_item("lru", &rp->hugetlb);
	prom_item("lru", &rp->unacc_lru);
	prom_item("pagecache", &rp->free);
	prom_item("pagecache", &rp->kernel);
	prom_item("pagecache", &rp->cache);
	prom_item("pagecache", &rp->anon);
	prom_item("pagecache", &rp->hugetlb);
	if (rp->unacc_pc_valid)
		prom_item("pagecache", &rp->unacc_pc);

	prom_family(stdout, "memacct_report_component_bytes", "gauge",
		    "The parts of a category of the report.");
	if (rp->vmi_used) {
		/* the components that kernel sums: vmallocinfo's in VmallocUsed's place */
		prom_parts("lru", &rp->kernel, rp->kparts, 1);
		prom_parts("lru", &rp->kernel, &rp->vmi, 1);
		prom_parts("lru", &rp->kernel, rp->kparts + 2, ARRAY_SIZE(rp->kparts) - 2);
	} else {
		prom_parts("lru", &rp->kernel, rp->kparts, ARRAY_SIZE(rp->kparts));
	}
	prom_parts("lru", &rp->user, rp->uparts, ARRAY_SIZE(rp->uparts));
	prom_parts("pagecache", &rp->cache, rp->cparts, ARRAY_SIZE(rp->cparts));

	prom_family(stdout, "memacct_report_view_valid", "gauge",
		    "1 when the view's unaccounted formula holds for this input "
		    "(pagecache: SwapCached is 0).");
	prom_u64(stdout, "memacct_report_view_valid",
		 (const char *const[]){ "view", "lru", NULL }, rp->unacc_lru.have);
	prom_u64(stdout, "memacct_report_view_valid",
		 (const char *const[]){ "view", "pagecache", NULL },
		 rp->unacc_pc.have && rp->unacc_pc_valid);

	prom_unaccounted(rp);
	prom_procs(rp);

	if (!rp->checked)
		return;
	prom_family(stdout, "memacct_report_identities", "gauge",
		    "Number of identities checked, by status.");
	for (k = 0; k < ARRAY_SIZE(statuses); k++)
		prom_u64(stdout, "memacct_report_identities",
			 (const char *const[]){ "status", results_status_name(statuses[k]), NULL },
			 rp->res.by_status[statuses[k]]);
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "no-processes", no_argument, NULL, OPT_NO_PROCESSES },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ NULL, 0, NULL, 0 },
	};
	struct memacct_snapshot *snap = NULL;
	struct report rp = { .scan_wanted = true };
	struct inputs in = { 0 };
	int c, r;

	while ((c = cli_next_option(cli, "report", argc, argv, opts)) >= 0) {
		if (c == OPT_NO_PROCESSES)
			rp.scan_wanted = false;
		else if (c == OPT_THREADS && cli_parse_threads("report", optarg, &rp.threads))
			return EXIT_USAGE;
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help) {
		help_report(stdout);
		return EXIT_OK;
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);

	/*
	 * The processes first, then the system files right after the last of
	 * them: the meminfo of all three formulas is then the one closest to
	 * the end of the scan.
	 */
	r = inputs_open(&in, cli, 0);
	if (r != EXIT_OK)
		goto out;
	if (scan_procs(&rp, in.src) < 0)
		goto oom;
	r = inputs_read_all(&in, cli);
	if (r != EXIT_OK)
		goto out;
	if (memacct_meminfo_get(in.mi, MEMACCT_MEMINFO_MEMTOTAL, &rp.memtotal) < 0) {
		char path[4096 + 64];

		cli_path(path, sizeof(path), cli->root, "meminfo");
		cli_err("%s: no MemTotal line: nothing to break down", path);
		r = EXIT_READ;
		goto out;
	}
	gather(in.mi, &rp);
	if (rank_procs(&rp, in.mi) < 0 || use_vmallocinfo(&rp, in.src) < 0)
		goto oom;

	/* The identity summary is secondary: its failure is said, the breakdown still printed. */
	r = inputs_snapshot(&in, &snap);
	if (r == EXIT_OK)
		r = results_run(&rp.res, snap, NULL);
	rp.checked = r == EXIT_OK;

	switch (cli->format) {
	case FORMAT_TABLE:
		print_table(&rp);
		break;
	case FORMAT_JSON:
		print_json(&rp);
		break;
	case FORMAT_PROM:
		print_prom(&rp);
		break;
	}
	goto out;
oom:
	cli_err("out of memory");
	r = EXIT_READ;
out:
	user_names_free(&rp.users);
	memacct_procs_free(rp.procs);
	results_free(&rp.res);
	memacct_snapshot_free(snap);
	inputs_close(&in);
	return r;
}
