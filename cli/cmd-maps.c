/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_EXACT = OPT_CMD_FIRST,
};

void help_maps(FILE *f)
{
	fputs("Usage: " PROG " maps PID [--exact] [--root DIR] [--format table|json|prom]\n"
	      "\n"
	      "Print the memory map of process PID, one row per VMA (virtual memory area)\n"
	      "of ROOT/PID/smaps with its counters, then a totals row: the job of\n"
	      "'pmap -X PID', in bytes. The file is read once and parsed VMA by VMA, so a\n"
	      "process with 100,000 VMAs takes no more memory than one with ten.\n"
	      "With --exact, each VMA also gets its counts from the page tables: the\n"
	      "entries of ROOT/PID/pagemap (present, swapped, exclusive, file, in bytes)\n"
	      "and, from ROOT/kpagecount, the exact PSS and USS of its present pages\n"
	      "(the smaps VMAs are kept in memory for it). That needs CAP_SYS_ADMIN\n"
	      "(root): without it --exact fails (exit 3) rather than print zeros.\n"
	      "\n"
	      "Options:\n"
	      "  --exact          add the pagemap and kpagecount columns (root)\n"
	      "  --root DIR       read DIR/PID/smaps instead of /proc/PID/smaps\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output:\n"
	      "  table  ADDRESS (start, hex), PERM, then in binary units (e.g. 4.0 KiB):\n"
	      "         SIZE, RSS, PSS, PRIVATE (Private_Clean + Private_Dirty), SHARED\n"
	      "         (Shared_Clean + Shared_Dirty), SWAP, SWAPPSS, ANON (Anonymous),\n"
	      "         ANONHUGE (AnonHugePages), LOCKED; then VMFLAGS and MAPPING (the\n"
	      "         name as the kernel prints it). \"-\" is a field the kernel did not\n"
	      "         print. Rows are wider than 80 columns, as pmap -X's are; pipe\n"
	      "         through 'less -S' on a narrow terminal. The last row is the total.\n"
	      "         --exact adds PM_PRESENT, PM_SWAPPED, PM_EXCL, PM_FILE, EXACT_PSS\n"
	      "         and EXACT_USS after LOCKED.\n"
	      "  json   {\"pid\": N, \"vmas\": [{\"start\": number, \"end\": number,\n"
	      "          \"perms\": \"rw-p\", \"offset\": number, \"dev\": \"fd:01\",\n"
	      "          \"inode\": number, \"path\": string, \"VmFlags\": [\"rd\", ...],\n"
	      "          FIELD: bytes or count, ...}, ...], \"totals\": {FIELD: bytes},\n"
	      "          \"vma_count\": N}. FIELD is the kernel's name (\"Rss\",\n"
	      "         \"Pss_Dirty\", \"AnonHugePages\", ...), sizes in bytes (the kernel's\n"
	      "         kB times 1024); THPeligible and ProtectionKey stay numbers. The\n"
	      "         totals sum every size but KernelPageSize and MMUPageSize.\n"
	      "         --exact adds to each VMA and to the totals \"pm_present\",\n"
	      "         \"pm_swapped\", \"pm_exclusive\", \"pm_file\" (pagemap entries\n"
	      "         times the page size), \"exact_pss\", \"exact_uss\" and\n"
	      "         \"exact_shared\" (bytes); the total exact_pss is summed in fixed\n"
	      "         point before rounding, as smaps_rollup's Pss is.\n"
	      "  prom   totals only: memacct_maps_bytes{pid=\"N\",field=\"Rss\"} and\n"
	      "         memacct_maps_vmas{pid=\"N\"}, gauges. One series per VMA would make\n"
	      "         the cardinality grow with the process's map, so there is none.\n"
	      "         --exact adds memacct_maps_exact_bytes{pid,field=\"exact_pss\"}.\n"
	      "\n"
	      "A kernel thread has no memory map: it has no rows and totals of zero VMAs.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed\n"
	      "  2  usage error: no PID, or PID is not a positive number\n"
	      "  3  the process does not exist (\"memacct-cli: pid N: no such process\"),\n"
	      "     smaps may not be read (another user's process: run as root), or it is\n"
	      "     malformed (the message names the file and line; nothing is printed);\n"
	      "     --exact without root (the message names CAP_SYS_ADMIN)\n"
	      "\n"
	      "Examples:\n"
	      "  " PROG " maps $$\n"
	      "  " PROG " maps 1 --format json | jq '.vmas[] | select(.path == \"[heap]\")'\n"
	      "  sudo " PROG " maps 1 --exact --format json | jq .totals.exact_uss\n"
	      "  " PROG " maps 2290 --root fixtures/proc-cow-64m-x4/proc --format prom\n", f);
}

struct total {
	char name[48];
	uint64_t sum;
};

struct maps {
	const struct cli *cli;
	int pid;
	struct total *totals;
	size_t n_totals, cap_totals;
	size_t n_vmas;
	int flags_width;
	struct json j;
	int err;
	const struct memacct_exact *ex;	/* --exact, else NULL */
	size_t ex_next;			/* the exact VMA to match the next row with */
};

/* The --exact values of a VMA and of the totals: JSON key, table head, exact key. */
#define EXACT_COLS 7

static const struct {
	const char *json;
	const char *head;	/* NULL: not a table column */
	uint32_t key;
} exact_cols[EXACT_COLS] = {
	{ "pm_present", "PM_PRESENT", MEMACCT_EXACT_PRESENT },
	{ "pm_swapped", "PM_SWAPPED", MEMACCT_EXACT_SWAPPED },
	{ "pm_exclusive", "PM_EXCL", MEMACCT_EXACT_EXCLUSIVE },
	{ "pm_file", "PM_FILE", MEMACCT_EXACT_FILE },
	{ "exact_pss", "EXACT_PSS", MEMACCT_EXACT_PSS },
	{ "exact_uss", "EXACT_USS", MEMACCT_EXACT_USS },
	{ "exact_shared", NULL, MEMACCT_EXACT_SHARED },
};

/* The exact VMA that starts where @vma does (rows come in address order), or -1. */
static long exact_match(struct maps *m, const struct memacct_vma *vma)
{
	size_t n = (size_t)memacct_exact_vma_count(m->ex);
	uint64_t start, s;

	if (memacct_vma_get(vma, MEMACCT_VMA_START, &start) < 0)
		return -1;
	for (; m->ex_next < n; m->ex_next++) {
		if (memacct_exact_vma_get(m->ex, m->ex_next, MEMACCT_EXACT_START, &s) < 0)
			continue;
		if (s == start)
			return (long)m->ex_next++;
		if (s > start)
			break;
	}
	return -1;
}

static int total_add(struct maps *m, const char *name, uint64_t v)
{
	struct total *t;
	size_t i;

	for (i = 0; i < m->n_totals; i++) {
		if (strcmp(m->totals[i].name, name) == 0) {
			m->totals[i].sum += v;
			return 0;
		}
	}
	if (m->n_totals == m->cap_totals) {
		size_t cap = m->cap_totals ? m->cap_totals * 2 : 32;

		t = realloc(m->totals, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		m->totals = t;
		m->cap_totals = cap;
	}
	t = &m->totals[m->n_totals++];
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->sum = v;
	return 0;
}

static int total_get(const struct maps *m, const char *name, uint64_t *ret)
{
	size_t i;

	for (i = 0; i < m->n_totals; i++) {
		if (strcmp(m->totals[i].name, name) == 0) {
			*ret = m->totals[i].sum;
			return 0;
		}
	}
	return -ENOENT;
}

/* Pass 1: the totals and the width of the VmFlags column. */
static int vma_count(const struct memacct_vma *vma, void *userdata)
{
	struct maps *m = userdata;
	const char *name, *text;
	uint64_t v;
	uint32_t unit, key;
	int i, n = memacct_vma_field_count(vma), r;

	m->n_vmas++;
	for (i = 0; i < n; i++) {
		if (memacct_vma_field_at(vma, (size_t)i, &name, &v, &unit, &key) < 0 ||
		    unit != MEMACCT_UNIT_BYTES)
			continue;
		/* Page sizes are attributes of a VMA, not amounts: a sum means nothing. */
		if (key == MEMACCT_SMAPS_KERNELPAGESIZE || key == MEMACCT_SMAPS_MMUPAGESIZE)
			continue;
		r = total_add(m, name, v);
		if (r < 0)
			return r;
	}
	if (memacct_vma_get_vmflags_text(vma, &text) == 0 && (int)strlen(text) > m->flags_width)
		m->flags_width = (int)strlen(text);
	return 0;
}

static void perms_text(const struct memacct_vma *vma, char buf[5])
{
	uint64_t p;

	if (memacct_vma_get(vma, MEMACCT_VMA_PERMS, &p) < 0) {
		memcpy(buf, "????", 5);
		return;
	}
	buf[0] = p & MEMACCT_VMA_PERM_READ ? 'r' : '-';
	buf[1] = p & MEMACCT_VMA_PERM_WRITE ? 'w' : '-';
	buf[2] = p & MEMACCT_VMA_PERM_EXEC ? 'x' : '-';
	buf[3] = p & MEMACCT_VMA_PERM_SHARED ? 's' : 'p';
	buf[4] = '\0';
}

/* A table cell: the value in binary units, or "-" when absent. */
static const char *cell(char buf[HUMAN_LEN], int r, uint64_t v)
{
	if (r < 0) {
		snprintf(buf, HUMAN_LEN, "-");
		return buf;
	}
	return human_ubytes(buf, v);
}

/* The sum of two fields, present when either is. */
static int sum2(int ra, uint64_t a, int rb, uint64_t b, uint64_t *ret)
{
	*ret = (ra == 0 ? a : 0) + (rb == 0 ? b : 0);
	return ra == 0 || rb == 0 ? 0 : -ENOENT;
}

#define TABLE_COLS 10

static const char *const table_heads[TABLE_COLS] = {
	"SIZE", "RSS", "PSS", "PRIVATE", "SHARED", "SWAP", "SWAPPSS", "ANON", "ANONHUGE", "LOCKED",
};

static const char *const table_fields[TABLE_COLS][2] = {
	{ "Size", NULL }, { "Rss", NULL }, { "Pss", NULL },
	{ "Private_Clean", "Private_Dirty" }, { "Shared_Clean", "Shared_Dirty" },
	{ "Swap", NULL }, { "SwapPss", NULL }, { "Anonymous", NULL },
	{ "AnonHugePages", NULL }, { "Locked", NULL },
};

static void print_head(const struct maps *m)
{
	size_t i;

	printf("%16s %-4s", "ADDRESS", "PERM");
	for (i = 0; i < TABLE_COLS; i++)
		printf(" %10s", table_heads[i]);
	for (i = 0; m->ex && i < EXACT_COLS; i++)
		if (exact_cols[i].head)
			printf(" %10s", exact_cols[i].head);
	printf(" %-*s %s\n", m->flags_width, "VMFLAGS", "MAPPING");
}

static int vma_row(const struct memacct_vma *vma, void *userdata)
{
	struct maps *m = userdata;
	char h[HUMAN_LEN], perms[5];
	const char *path, *flags;
	uint64_t start, a, b;
	long x = m->ex ? exact_match(m, vma) : -1;
	size_t i;
	int ra, rb;

	if (memacct_vma_get(vma, MEMACCT_VMA_START, &start) < 0)
		start = 0;
	perms_text(vma, perms);
	printf("%16" PRIx64 " %-4s", start, perms);
	for (i = 0; i < TABLE_COLS; i++) {
		ra = memacct_vma_get_by_name(vma, table_fields[i][0], &a);
		rb = -ENOENT;
		b = 0;
		if (table_fields[i][1]) {
			rb = memacct_vma_get_by_name(vma, table_fields[i][1], &b);
			ra = sum2(ra, a, rb, b, &a);
		}
		printf(" %10s", cell(h, ra, a));
	}
	for (i = 0; m->ex && i < EXACT_COLS; i++) {
		if (!exact_cols[i].head)
			continue;
		ra = x < 0 ? -ENOENT :
		     memacct_exact_vma_get(m->ex, (size_t)x, exact_cols[i].key, &a);
		printf(" %10s", cell(h, ra, a));
	}
	if (memacct_vma_get_vmflags_text(vma, &flags) < 0)
		flags = "-";
	if (memacct_vma_get_path(vma, &path) < 0 || !path[0])
		printf(" %s\n", flags);
	else
		printf(" %-*s %s\n", m->flags_width, flags, path);
	return 0;
}

static void print_totals_row(const struct maps *m)
{
	char h[HUMAN_LEN];
	uint64_t a, b;
	size_t i;
	int ra, rb;

	printf("%16s %-4s", "total", "");
	for (i = 0; i < TABLE_COLS; i++) {
		ra = total_get(m, table_fields[i][0], &a);
		if (table_fields[i][1]) {
			rb = total_get(m, table_fields[i][1], &b);
			ra = sum2(ra, a, rb, b, &a);
		}
		printf(" %10s", cell(h, ra, a));
	}
	for (i = 0; m->ex && i < EXACT_COLS; i++) {
		if (!exact_cols[i].head)
			continue;
		ra = memacct_exact_get(m->ex, exact_cols[i].key, &a);
		printf(" %10s", cell(h, ra, a));
	}
	printf(" %-*s %zu VMAs\n", m->flags_width, "", m->n_vmas);
}

static void json_vmflags(struct json *j, const char *text)
{
	char word[16];
	size_t n;

	json_key(j, "VmFlags");
	json_array_begin(j);
	while (*text) {
		text += strspn(text, " \t");
		n = strcspn(text, " \t");
		if (n == 0)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1),
			 text);
		json_str(j, word);
		text += n;
	}
	json_array_end(j);
}

static int vma_json(const struct memacct_vma *vma, void *userdata)
{
	struct maps *m = userdata;
	struct json *j = &m->j;
	const char *name, *text;
	char buf[48], perms[5];
	uint64_t v, minor;
	uint32_t unit;
	int i, n = memacct_vma_field_count(vma);
	long x = m->ex ? exact_match(m, vma) : -1;

	json_object_begin(j);
	if (memacct_vma_get(vma, MEMACCT_VMA_START, &v) == 0)
		json_kv_u64(j, "start", v);
	if (memacct_vma_get(vma, MEMACCT_VMA_END, &v) == 0)
		json_kv_u64(j, "end", v);
	perms_text(vma, perms);
	json_kv_str(j, "perms", perms);
	if (memacct_vma_get(vma, MEMACCT_VMA_OFFSET, &v) == 0)
		json_kv_u64(j, "offset", v);
	if (memacct_vma_get(vma, MEMACCT_VMA_DEV_MAJOR, &v) == 0 &&
	    memacct_vma_get(vma, MEMACCT_VMA_DEV_MINOR, &minor) == 0) {
		snprintf(buf, sizeof(buf), "%02" PRIx64 ":%02" PRIx64, v, minor);
		json_kv_str(j, "dev", buf);
	}
	if (memacct_vma_get(vma, MEMACCT_VMA_INODE, &v) == 0)
		json_kv_u64(j, "inode", v);
	if (memacct_vma_get_path(vma, &text) == 0)
		json_kv_str(j, "path", text);
	if (memacct_vma_get_vmflags_text(vma, &text) == 0)
		json_vmflags(j, text);
	for (i = 0; i < n; i++) {
		if (memacct_vma_field_at(vma, (size_t)i, &name, &v, &unit, NULL) < 0 ||
		    strcmp(name, "VmFlags") == 0)
			continue;
		if (unit != MEMACCT_UNIT_TEXT)
			json_kv_u64(j, name, v);
		else if (memacct_vma_get_text_by_name(vma, name, &text) == 0)
			json_kv_str(j, name, text);
	}
	for (i = 0; x >= 0 && i < EXACT_COLS; i++)
		if (memacct_exact_vma_get(m->ex, (size_t)x, exact_cols[i].key, &v) == 0)
			json_kv_u64(j, exact_cols[i].json, v);
	json_object_end(j);
	return 0;
}

static int no_such_process(struct maps *m, struct memacct_source *src)
{
	const char *buf;
	char file[48];
	size_t len;
	int r;

	/* smaps is absent: is the process, or only the file of a captured tree? */
	snprintf(file, sizeof(file), "%d/status", m->pid);
	r = memacct_source_read_file(src, file, &buf, &len);
	if (r == 0) {
		snprintf(file, sizeof(file), "%d/smaps", m->pid);
		cli_diag(m->cli->root, file, -ENOENT, NULL);
	} else {
		cli_err("pid %d: no such process", m->pid);
	}
	return EXIT_READ;
}

/*
 * The VMAs, one callback each: streamed from the file's bytes, or with --exact
 * from the set parsed once (the exact read may reuse the source's buffer).
 */
static int each_vma(struct maps *m, const struct memacct_vmas *all, struct memacct_vmas *scratch,
		    const char *buf, size_t len, memacct_smaps_fn fn, struct memacct_diag *diag)
{
	size_t i, n;
	int r;

	m->ex_next = 0;
	if (!all)
		return memacct_smaps_parse_foreach(scratch, buf, len, fn, m, diag);
	n = (size_t)memacct_vmas_count(all);
	for (i = 0; i < n; i++) {
		r = fn(memacct_vmas_at(all, i), m);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --exact: parse the whole file into @all, then read pagemap and kpagecount for its VMAs. */
static int exact_read(struct maps *m, struct memacct_source *src, struct memacct_vmas *all,
		      struct memacct_exact *ex, const char *buf, size_t len, const char *file)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	int r;

	r = memacct_smaps_parse(all, buf, len, &diag);
	if (r == -ENOMEM) {
		cli_err("%s: %s", file, memacct_strerror(r));
		return EXIT_READ;
	}
	if (r < 0) {
		cli_diag(m->cli->root, file, r, &diag);
		return EXIT_READ;
	}
	/* A kernel thread: no VMA, and no pagemap to open (ESRCH). */
	if (memacct_vmas_count(all) == 0)
		return EXIT_OK;
	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_exact_read(ex, src, m->pid, all, 0, &diag);
	if (r < 0) {
		cli_pages_error(m->cli, m->pid, "pagemap", r, &diag);
		return EXIT_READ;
	}
	m->ex = ex;
	return EXIT_OK;
}

static int maps_run(struct maps *m, struct memacct_source *src, struct memacct_vmas *scratch,
		    struct memacct_vmas *all, struct memacct_exact *ex)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	const struct cli *cli = m->cli;
	char file[48], pidstr[16];
	const char *buf;
	uint64_t v;
	size_t len, i;
	int r;

	snprintf(file, sizeof(file), "%d/smaps", m->pid);
	r = memacct_source_read_file(src, file, &buf, &len);
	if (r == -ENOENT || r == -ESRCH)
		return no_such_process(m, src);
	if (r < 0) {
		cli_diag(cli->root, file, r, NULL);
		return EXIT_READ;
	}
	if (all) {
		r = exact_read(m, src, all, ex, buf, len, file);
		if (r != EXIT_OK)
			return r;
	}
	/* Two passes over the one read: nothing is printed for a file that fails to parse. */
	m->flags_width = 7;
	r = each_vma(m, all, scratch, buf, len, vma_count, &diag);
	if (r == -ENOMEM) {
		cli_err("%s: %s", file, memacct_strerror(r));
		return EXIT_READ;
	}
	if (r < 0) {
		cli_diag(cli->root, file, r, &diag);
		return EXIT_READ;
	}

	switch (cli->format) {
	case FORMAT_TABLE:
		print_head(m);
		r = each_vma(m, all, scratch, buf, len, vma_row, &diag);
		print_totals_row(m);
		break;
	case FORMAT_JSON:
		json_begin(&m->j, stdout);
		json_object_begin(&m->j);
		json_kv_u64(&m->j, "pid", (uint64_t)m->pid);
		json_key(&m->j, "vmas");
		json_array_begin(&m->j);
		r = each_vma(m, all, scratch, buf, len, vma_json, &diag);
		json_array_end(&m->j);
		json_key(&m->j, "totals");
		json_object_begin(&m->j);
		for (i = 0; i < m->n_totals; i++)
			json_kv_u64(&m->j, m->totals[i].name, m->totals[i].sum);
		for (i = 0; m->ex && i < EXACT_COLS; i++)
			if (memacct_exact_get(m->ex, exact_cols[i].key, &v) == 0)
				json_kv_u64(&m->j, exact_cols[i].json, v);
		json_object_end(&m->j);
		json_kv_u64(&m->j, "vma_count", m->n_vmas);
		json_object_end(&m->j);
		json_end(&m->j);
		break;
	case FORMAT_PROM:
		snprintf(pidstr, sizeof(pidstr), "%d", m->pid);
		prom_family(stdout, "memacct_maps_vmas", "gauge",
			    "The number of VMAs in /proc/PID/smaps.");
		prom_u64(stdout, "memacct_maps_vmas", (const char *const[]){ "pid", pidstr, NULL },
			 m->n_vmas);
		if (m->n_totals)
			prom_family(stdout, "memacct_maps_bytes", "gauge",
				    "A /proc/PID/smaps field summed over the VMAs, in bytes, by "
				    "the kernel's field name (no per-VMA series).");
		for (i = 0; i < m->n_totals; i++)
			prom_u64(stdout, "memacct_maps_bytes",
				 (const char *const[]){ "pid", pidstr, "field", m->totals[i].name,
							NULL },
				 m->totals[i].sum);
		if (m->ex)
			prom_family(stdout, "memacct_maps_exact_bytes", "gauge",
				    "A count of the process's page tables (pagemap, kpagecount) "
				    "over its VMAs, in bytes (see memacct-cli maps --help).");
		for (i = 0; m->ex && i < EXACT_COLS; i++)
			if (memacct_exact_get(m->ex, exact_cols[i].key, &v) == 0)
				prom_u64(stdout, "memacct_maps_exact_bytes",
					 (const char *const[]){ "pid", pidstr, "field",
								exact_cols[i].json, NULL },
					 v);
		break;
	}
	if (r < 0) {
		cli_diag(cli->root, file, r, &diag);
		return EXIT_READ;
	}
	return EXIT_OK;
}

int cmd_maps(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "exact", no_argument, NULL, OPT_EXACT },
		{ NULL, 0, NULL, 0 },
	};
	struct memacct_source *src = NULL;
	struct memacct_vmas *scratch = NULL, *all = NULL;
	struct memacct_exact *ex = NULL;
	bool exact = false;
	struct maps m;
	int c, r;

	memset(&m, 0, sizeof(m));
	m.cli = cli;
	while ((c = cli_next_option(cli, "maps", argc, argv, opts)) >= 0) {
		if (c == OPT_EXACT)
			exact = true;
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help) {
		help_maps(stdout);
		return EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage_error("maps", "a process id is needed");
	if (optind + 1 < argc)
		return cli_usage_error("maps", "unexpected argument '%s'", argv[optind + 1]);
	if (cli_parse_pid("maps", argv[optind], &m.pid))
		return EXIT_USAGE;

	r = memacct_source_new(cli->root, NULL, &src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	r = memacct_vmas_new(&scratch);
	if (r >= 0 && exact)
		r = memacct_vmas_new(&all);
	if (r >= 0 && exact)
		r = memacct_exact_new(&ex);
	if (r < 0) {
		cli_err("cannot set up the parser: %s", memacct_strerror(r));
		r = EXIT_READ;
	} else {
		r = maps_run(&m, src, scratch, all, ex);
	}
	free(m.totals);
	memacct_exact_free(ex);
	memacct_vmas_free(all);
	memacct_vmas_free(scratch);
	memacct_source_free(src);
	return r;
}
