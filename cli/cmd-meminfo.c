/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_LENIENT = OPT_CMD_FIRST,
};

void help_meminfo(FILE *f)
{
	fputs("Usage: " PROG " meminfo [--lenient] [--root DIR] [--format table|json|prom]\n"
	      "\n"
	      "Print every field of ROOT/meminfo in file order, in bytes (the kernel's kB\n"
	      "times 1024; the HugePages_* counts stay counts), then the derived quantities:\n"
	      "  kernel                 Slab + VmallocUsed + PageTables + SecPageTables\n"
	      "                         + KernelStack + Percpu + HardwareCorrupted + Bounce\n"
	      "                         (those present; Slab required)\n"
	      "  hugetlb                Hugetlb, else HugePages_Total * Hugepagesize\n"
	      "  total_dirty            Dirty + NFS_Unstable + Writeback\n"
	      "  user_lru               Active + Inactive + Unevictable\n"
	      "  user_pagecache         Cached + AnonPages + Buffers\n"
	      "  unaccounted_lru        MemTotal - MemFree - kernel - (user_lru + hugetlb)\n"
	      "  unaccounted_pagecache  MemTotal - MemFree - kernel\n"
	      "                         - (user_pagecache + hugetlb); valid only when\n"
	      "                         SwapCached is 0\n"
	      "  cache_unmapped         Cached - Mapped\n"
	      "A derived quantity whose input field is absent is not shown: an absent field\n"
	      "is never read as zero. Unknown fields of newer kernels are shown by name.\n"
	      "\n"
	      "Options:\n"
	      "  --lenient        skip malformed lines instead of failing, and say on stderr\n"
	      "                   how many were skipped and where the first one was\n"
	      "  --root DIR       read DIR/meminfo instead of /proc/meminfo\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output:\n"
	      "  table  FIELD, VALUE (bytes) and HUMAN (binary units, e.g. 23.5 GiB);\n"
	      "         2.4-era summary lines (\"Mem:\", \"Swap:\") are shown as text.\n"
	      "  json   {\"meminfo\": {FIELD: number, ...}, \"units\": {FIELD: \"bytes\"|\"count\"},\n"
	      "          \"derived\": {NAME: signed bytes}, \"derived_invalid\": {NAME: bytes},\n"
	      "          \"text_lines\": {NAME: string}}; field names are spelled as in the\n"
	      "         file, numbers are exact integers. With --lenient, \"skipped_lines\".\n"
	      "  prom   memacct_meminfo_bytes{field=\"MemTotal\"},\n"
	      "         memacct_meminfo_hugepages{field=\"HugePages_Total\"},\n"
	      "         memacct_meminfo_derived_bytes{quantity=\"kernel\"}, all gauges.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed\n"
	      "  2  usage error\n"
	      "  3  meminfo could not be read or is malformed; the message names the file,\n"
	      "     line and column, e.g.\n"
	      "     memacct-cli: /proc/meminfo:7:12: key \"Dirty\": number does not fit ...\n"
	      "\n"
	      "Examples:\n"
	      "  " PROG " meminfo\n"
	      "  " PROG " meminfo --format json | jq .meminfo.MemTotal\n"
	      "  " PROG " meminfo --root fixtures/quiet/proc --format prom\n"
	      "  " PROG " meminfo --lenient --root fixtures/damaged-garbage/proc\n", f);
}

struct field {
	const char *name;
	uint64_t value;
	uint32_t unit;
	const char *text;
};

static bool is_hugepages_count(const struct field *fl)
{
	return fl->unit == MEMACCT_UNIT_COUNT && strncmp(fl->name, "HugePages_", 10) == 0;
}

/* Line @i; returns false for a line the library cannot give (not expected). */
static bool field_at(const struct memacct_meminfo *mi, int i, struct field *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (memacct_meminfo_at(mi, (size_t)i, &fl->name, &fl->value, &fl->unit, NULL) < 0 ||
	    !fl->name)
		return false;
	if (fl->unit == MEMACCT_UNIT_TEXT && memacct_meminfo_text_at(mi, (size_t)i, &fl->text) < 0)
		fl->text = "";
	return true;
}

/* Spaces that bring @name plus @extra bytes to @w columns. */
static int pad(int w, const char *name, int extra)
{
	int n = w - (int)strlen(name) - extra;

	return n > 0 ? n : 0;
}

static void print_table(const struct memacct_meminfo *mi)
{
	char h[HUMAN_LEN];
	struct field fl;
	int i, n = memacct_meminfo_count(mi);
	size_t j;
	int w = 22;

	for (i = 0; i < n; i++)
		if (field_at(mi, i, &fl) && (int)strlen(fl.name) > w)
			w = (int)strlen(fl.name);

	printf("%-*s %20s %12s\n", w, "FIELD", "VALUE", "HUMAN");
	for (i = 0; i < n; i++) {
		if (!field_at(mi, i, &fl))
			continue;
		if (fl.unit == MEMACCT_UNIT_TEXT)
			printf("%s:%*s %s\n", fl.name, pad(w, fl.name, 1), "", fl.text);
		else if (fl.unit == MEMACCT_UNIT_COUNT)
			printf("%-*s %20" PRIu64 " %12s\n", w, fl.name, fl.value, "(count)");
		else
			printf("%-*s %20" PRIu64 " %12s\n", w, fl.name, fl.value,
			       human_ubytes(h, fl.value));
	}

	printf("\n%-*s %20s %12s\n", w, "DERIVED", "BYTES", "HUMAN");
	for (j = 0; j < derived_count; j++) {
		int64_t v;
		int r = memacct_meminfo_get_derived(mi, derived_table[j].key, &v);

		if (r < 0)
			printf("%-*s %20s %12s  (%s)\n", w, derived_table[j].name, "-", "-",
			       r == -ENOENT ? "an input field is absent" : memacct_strerror(r));
		else
			printf("%-*s %20" PRId64 " %12s%s\n", w, derived_table[j].name, v,
			       human_bytes(h, v), r == 1 ? "  (not valid: SwapCached is not 0)" : "");
	}
}

static void print_json(const struct memacct_meminfo *mi, bool lenient)
{
	struct json j;
	struct field fl;
	int i, n = memacct_meminfo_count(mi);
	size_t k;
	bool any;

	json_begin(&j, stdout);
	json_object_begin(&j);

	json_key(&j, "meminfo");
	json_object_begin(&j);
	for (i = 0; i < n; i++)
		if (field_at(mi, i, &fl) && fl.unit != MEMACCT_UNIT_TEXT)
			json_kv_u64(&j, fl.name, fl.value);
	json_object_end(&j);

	json_key(&j, "units");
	json_object_begin(&j);
	for (i = 0; i < n; i++)
		if (field_at(mi, i, &fl) && fl.unit != MEMACCT_UNIT_TEXT)
			json_kv_str(&j, fl.name, fl.unit == MEMACCT_UNIT_COUNT ? "count" : "bytes");
	json_object_end(&j);

	json_key(&j, "derived");
	json_object_begin(&j);
	for (k = 0; k < derived_count; k++) {
		int64_t v;

		if (memacct_meminfo_get_derived(mi, derived_table[k].key, &v) == 0)
			json_kv_i64(&j, derived_table[k].name, v);
	}
	json_object_end(&j);

	/* Computed, but the formula does not hold for this input. */
	any = false;
	for (k = 0; k < derived_count; k++) {
		int64_t v;

		if (memacct_meminfo_get_derived(mi, derived_table[k].key, &v) != 1)
			continue;
		if (!any) {
			json_key(&j, "derived_invalid");
			json_object_begin(&j);
			any = true;
		}
		json_kv_i64(&j, derived_table[k].name, v);
	}
	if (any)
		json_object_end(&j);

	json_key(&j, "text_lines");
	json_object_begin(&j);
	for (i = 0; i < n; i++)
		if (field_at(mi, i, &fl) && fl.unit == MEMACCT_UNIT_TEXT)
			json_kv_str(&j, fl.name, fl.text);
	json_object_end(&j);

	if (lenient)
		json_kv_u64(&j, "skipped_lines", (uint64_t)memacct_meminfo_count_skipped(mi));

	json_object_end(&j);
	json_end(&j);
}

enum field_family { FAMILY_BYTES, FAMILY_HUGEPAGES, FAMILY_OTHER };

static enum field_family family_of(const struct field *fl)
{
	if (fl->unit == MEMACCT_UNIT_BYTES)
		return FAMILY_BYTES;
	return is_hugepages_count(fl) ? FAMILY_HUGEPAGES : FAMILY_OTHER;
}

static void prom_fields(const struct memacct_meminfo *mi, enum field_family fam,
			const char *name, const char *help)
{
	struct field fl;
	int i, n = memacct_meminfo_count(mi);
	bool any = false;

	for (i = 0; i < n; i++) {
		if (!field_at(mi, i, &fl) || fl.unit == MEMACCT_UNIT_TEXT || family_of(&fl) != fam)
			continue;
		if (!any)
			prom_family(stdout, name, "gauge", help);
		any = true;
		prom_u64(stdout, name, (const char *const[]){ "field", fl.name, NULL }, fl.value);
	}
}

static void print_prom(const struct memacct_meminfo *mi, bool lenient)
{
	size_t k;
	bool any = false;

	prom_fields(mi, FAMILY_BYTES, "memacct_meminfo_bytes",
		    "A /proc/meminfo field in bytes, by the kernel's field name.");
	prom_fields(mi, FAMILY_HUGEPAGES, "memacct_meminfo_hugepages",
		    "A HugePages_* count of /proc/meminfo, in huge pages.");
	prom_fields(mi, FAMILY_OTHER, "memacct_meminfo_value",
		    "A /proc/meminfo field printed without a unit, other than HugePages_*.");

	for (k = 0; k < derived_count; k++) {
		int64_t v;

		if (memacct_meminfo_get_derived(mi, derived_table[k].key, &v) != 0)
			continue;
		if (!any)
			prom_family(stdout, "memacct_meminfo_derived_bytes", "gauge",
				    "A quantity derived from /proc/meminfo, in bytes; "
				    "see memacct-cli meminfo --help.");
		any = true;
		prom_i64(stdout, "memacct_meminfo_derived_bytes",
			 (const char *const[]){ "quantity", derived_table[k].name, NULL }, v);
	}

	if (lenient) {
		prom_family(stdout, "memacct_meminfo_skipped_lines", "gauge",
			    "Malformed lines of /proc/meminfo skipped by a lenient parse.");
		prom_u64(stdout, "memacct_meminfo_skipped_lines", NULL,
			 (uint64_t)memacct_meminfo_count_skipped(mi));
	}
}

int cmd_meminfo(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ NULL, 0, NULL, 0 },
	};
	struct inputs in;
	bool lenient = false;
	int c, r;

	while ((c = cli_next_option(cli, "meminfo", argc, argv, opts)) >= 0) {
		if (c == OPT_LENIENT)
			lenient = true;
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help) {
		help_meminfo(stdout);
		return EXIT_OK;
	}
	if (optind < argc)
		return cli_usage_error("meminfo", "unexpected argument '%s'", argv[optind]);

	r = inputs_open(&in, cli, lenient ? MEMACCT_PARSE_SKIP_BAD_LINES : 0);
	if (r == EXIT_OK)
		r = inputs_read_meminfo(&in, cli);
	if (r != EXIT_OK) {
		inputs_close(&in);
		return r;
	}
	if (lenient)
		inputs_report_skipped(&in, cli);

	switch (cli->format) {
	case FORMAT_TABLE:
		print_table(in.mi);
		break;
	case FORMAT_JSON:
		print_json(in.mi, lenient);
		break;
	case FORMAT_PROM:
		print_prom(in.mi, lenient);
		break;
	}
	inputs_close(&in);
	return EXIT_OK;
}
