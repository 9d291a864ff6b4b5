/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

void help_report(FILE *f)
{
	fputs("Usage: " PROG " [report] [--root DIR] [--format table|json|prom]\n"
	      "\n"
	      "One screen on where the memory went: MemTotal broken into\n"
	      "  free         MemFree\n"
	      "  kernel       Slab, VmallocUsed, PageTables, SecPageTables, KernelStack,\n"
	      "               Percpu, HardwareCorrupted, Bounce (those present)\n"
	      "  user         by LRU: anon LRU (Active(anon) + Inactive(anon)), file LRU\n"
	      "               (Active(file) + Inactive(file): the page cache), Unevictable\n"
	      "  hugetlb      Hugetlb, else HugePages_Total * Hugepagesize\n"
	      "  unaccounted  MemTotal - free - kernel - user - hugetlb (the LRU formula)\n"
	      "each in bytes, in binary units and in % of MemTotal; then the page-cache\n"
	      "view: page cache (Cached + Buffers: mapped, unmapped, Buffers), anon\n"
	      "(AnonPages) and its unaccounted remainder, which is only valid when\n"
	      "SwapCached is 0 (the report says so otherwise); then a one-line summary of\n"
	      "the identity check ('" PROG " check' gives the details). The table\n"
	      "fits in 80 columns. A part whose field is absent is left out, never\n"
	      "counted as 0. This is the default command.\n"
	      "\n"
	      "Options:\n"
	      "  --root DIR       read DIR instead of /proc\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output:\n"
	      "  json   {\"memtotal\": N,\n"
	      "          \"lru_view\": {\"free\", \"kernel\", \"kernel_parts\": {FIELD: N},\n"
	      "                       \"user\", \"user_parts\": {\"anon_lru\", \"file_lru\",\n"
	      "                       \"unevictable\"}, \"hugetlb\", \"unaccounted\"},\n"
	      "          \"pagecache_view\": {\"free\", \"kernel\", \"page_cache\",\n"
	      "                       \"page_cache_parts\": {\"mapped\", \"unmapped\",\n"
	      "                       \"buffers\"}, \"anon\", \"hugetlb\", \"unaccounted\",\n"
	      "                       \"unaccounted_valid\": bool},\n"
	      "          \"identities\": {\"holds\", \"caveat\", \"violated\", \"skipped\",\n"
	      "                       \"violated_ids\": [...], \"caveat_ids\": [...]}}\n"
	      "         in bytes (signed: an unaccounted remainder can be negative); a\n"
	      "         member whose input is absent is left out.\n"
	      "  prom   memacct_report_memtotal_bytes,\n"
	      "         memacct_report_bytes{view,category},\n"
	      "         memacct_report_component_bytes{view,category,component},\n"
	      "         memacct_report_view_valid{view}, memacct_report_identities{status}.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed (a violated identity is reported, not an error here)\n"
	      "  2  usage error\n"
	      "  3  a file could not be read or is malformed (the message names it)\n"
	      "\n"
	      "Examples:\n"
	      "  " PROG "\n"
	      "  " PROG " report --root fixtures/quiet/proc\n"
	      "  " PROG " report --format prom > /var/lib/node_exporter/memacct.prom\n", f);
}

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
	struct item uparts[3];
	struct item cache, cparts[3], anon, unacc_pc;
	bool unacc_pc_valid;
	bool have_swapcached;
	uint64_t swapcached;
	bool checked;
	struct results res;
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
	field(mi, &rp->anon, MEMACCT_MEMINFO_ANONPAGES, "anon", "anon (AnonPages)");
	rp->unacc_pc_valid = derived(mi, &rp->unacc_pc, MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE,
				     "unaccounted", "unaccounted (page-cache formula)") == 0;
	rp->have_swapcached = memacct_meminfo_get(mi, MEMACCT_MEMINFO_SWAPCACHED,
						  &rp->swapcached) == 0;
}

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

static void print_table(const struct report *rp)
{
	char b[32], h[HUMAN_LEN], s[HUMAN_LEN];
	size_t i;

	printf(ROW, "MEMORY", "BYTES", "HUMAN", "% TOTAL");
	snprintf(b, sizeof(b), "%" PRIu64, rp->memtotal);
	printf(ROW, "MemTotal", b, human_ubytes(h, rp->memtotal), "100.0%");
	row(rp, &rp->free, 1);
	row(rp, &rp->kernel, 1);
	for (i = 0; i < ARRAY_SIZE(rp->kparts); i++)
		if (rp->kparts[i].have)
			row(rp, &rp->kparts[i], 2);
	row(rp, &rp->user, 1);
	for (i = 0; i < ARRAY_SIZE(rp->uparts); i++)
		if (rp->uparts[i].have)
			row(rp, &rp->uparts[i], 2);
	row(rp, &rp->hugetlb, 1);
	row(rp, &rp->unacc_lru, 1);

	printf("\nPage-cache view (free, kernel and hugetlb as above):\n");
	row(rp, &rp->cache, 1);
	for (i = 0; i < ARRAY_SIZE(rp->cparts); i++)
		if (rp->cparts[i].have)
			row(rp, &rp->cparts[i], 2);
	row(rp, &rp->anon, 1);
	row(rp, &rp->unacc_pc, 1);
	if (rp->unacc_pc.have && !rp->unacc_pc_valid)
		printf("    not valid: SwapCached is %s, not 0\n",
		       rp->have_swapcached ? human_ubytes(s, rp->swapcached) : "absent");

	putchar('\n');
	if (rp->checked)
		results_summary_line(&rp->res, stdout, 80);
	else
		printf("identities: not checked\n");
}

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

static void print_json(const struct report *rp)
{
	struct json j;
	size_t i;

	json_begin(&j, stdout);
	json_object_begin(&j);
	json_kv_u64(&j, "memtotal", rp->memtotal);

	json_key(&j, "lru_view");
	json_object_begin(&j);
	json_item(&j, &rp->free);
	json_item(&j, &rp->kernel);
	json_key(&j, "kernel_parts");
	json_object_begin(&j);
	for (i = 0; i < ARRAY_SIZE(rp->kparts); i++)
		json_item(&j, &rp->kparts[i]);
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

	json_object_end(&j);
	json_end(&j);
}

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
	prom_parts("lru", &rp->kernel, rp->kparts, ARRAY_SIZE(rp->kparts));
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
	static const struct option opts[] = { CLI_GLOBAL_OPTIONS, { NULL, 0, NULL, 0 } };
	struct memacct_snapshot *snap = NULL;
	struct report rp = { 0 };
	struct inputs in = { 0 };
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_GLOBAL_SHORTOPTS, opts, NULL)) != -1) {
		r = cli_global_option(cli, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0)
			return cli_bad_option("report", c, argv);
	}
	if (cli->help) {
		help_report(stdout);
		return EXIT_OK;
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);

	r = inputs_open(&in, cli, 0);
	if (r == EXIT_OK)
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
out:
	results_free(&rp.res);
	memacct_snapshot_free(snap);
	inputs_close(&in);
	return r;
}
