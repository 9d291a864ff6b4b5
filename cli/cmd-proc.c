/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_EXACT = OPT_CMD_FIRST,
};

void help_proc(FILE *f)
{
	fputs("Usage: " PROG " proc PID [--exact] [--root DIR] [--format table|json|prom]\n"
	      "\n"
	      "Print the memory usage of process PID, in bytes, and the sources it comes\n"
	      "from: ROOT/PID/status, ROOT/PID/statm and ROOT/PID/smaps_rollup (ROOT/PID/smaps\n"
	      "summed over its VMAs when there is no smaps_rollup).\n"
	      "  vss       status VmSize\n"
	      "  rss       smaps_rollup Rss\n"
	      "  pss       smaps_rollup Pss: each page divided by the processes mapping it\n"
	      "  uss       smaps_rollup Private_Clean + Private_Dirty\n"
	      "  swap      smaps_rollup Swap, else status VmSwap\n"
	      "  swap_pss  smaps_rollup SwapPss\n"
	      "  anon      status RssAnon, else smaps_rollup Anonymous\n"
	      "  file      status RssFile\n"
	      "  shmem     status RssShmem\n"
	      "  locked    smaps_rollup Locked, else status VmLck\n"
	      "  hugetlb   smaps_rollup Shared_Hugetlb + Private_Hugetlb, else status\n"
	      "            HugetlbPages\n"
	      "A value the sources do not give is not shown: it is never read as zero.\n"
	      "A kernel thread has no memory map: it is reported as such, without usage.\n"
	      "With --exact, also the exact usage from the page tables: ROOT/PID/pagemap\n"
	      "for every page of ROOT/PID/maps, and ROOT/kpagecount for the mapcount of\n"
	      "each present page (PSS summed in the kernel's fixed point, as smaps does):\n"
	      "  pss        page size / mapcount over the present pages\n"
	      "  uss        present pages mapped once (mapcount 1)\n"
	      "  swap       swapped-out entries (swap ptes) times the page size\n"
	      "  shared     present pages mapped more than once\n"
	      "  present    present entries (smaps Rss, hugetlb VMAs apart)\n"
	      "  exclusive  present entries the kernel marks mapped exclusively\n"
	      "  file       present entries of file pages or shared anon (shmem)\n"
	      "  hugetlb    present entries of hugetlb VMAs (not in pss or uss)\n"
	      "Reading PFNs and kpagecount needs CAP_SYS_ADMIN (root): without it the\n"
	      "kernel hides them, and --exact fails (exit 3) rather than print zeros.\n"
	      "\n", f);
	fputs("Options:\n"
	      "  --exact          add the exact usage from pagemap and kpagecount (root)\n"
	      "  --root DIR       read DIR/PID instead of /proc/PID, e.g. a captured tree\n"
	      "                   such as fixtures/proc-cow-64m-x4/proc\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Output:\n"
	      "  table  the usage (KEY, BYTES, HUMAN, SOURCE), then every number of status,\n"
	      "         statm and smaps_rollup by its kernel name.\n"
	      "  json   {\"pid\": N, \"comm\": NAME, \"kernel_thread\": false,\n"
	      "          \"usage\": {\"vss\": bytes, \"rss\": ..., \"pss\": ..., \"uss\": ...,\n"
	      "          \"swap\", \"swap_pss\", \"anon\", \"file\", \"shmem\", \"locked\",\n"
	      "          \"hugetlb\"}, \"usage_source\": {KEY: \"status\"|\"smaps_rollup\"|\"smaps\"},\n"
	      "          \"status\": {FIELD: number}, \"status_text\": {FIELD: string},\n"
	      "          \"statm\": {\"size\", \"resident\", \"shared\", \"text\", \"lib\", \"data\",\n"
	      "          \"dt\": bytes}, \"smaps_rollup\": {FIELD: bytes or count},\n"
	      "          \"exact\"? (with --exact): {\"pss\", \"uss\", \"swap\", \"shared\",\n"
	      "          \"present\", \"exclusive\", \"file\", \"hugetlb\": bytes},\n"
	      "          \"exact_info\"?: {\"kinds_from\": \"smaps\"|\"query\"|\"name\",\n"
	      "          \"kpagecount_lookups\": N, \"vmas\": N}}.\n"
	      "         Memory fields are bytes (the kernel's kB times 1024, statm's pages\n"
	      "         times the page size); Pid, Threads and the like stay numbers. A\n"
	      "         kernel thread gives \"kernel_thread\": true and no \"usage\" or\n"
	      "         \"smaps_rollup\". With a partial read, \"missing\": [FILE, ...].\n"
	      "  prom   memacct_process_bytes{pid=\"N\",comm=\"NAME\",kind=\"pss\"} per usage\n"
	      "         value, memacct_process_kernel_thread{pid,comm} 0 or 1, and with\n"
	      "         --exact memacct_process_exact_bytes{pid,comm,kind=\"pss\"} per\n"
	      "         exact value; gauges.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed (a kernel thread included)\n"
	      "  2  usage error: no PID, or PID is not a positive number\n"
	      "  3  the process does not exist (\"memacct-cli: pid N: no such process\"),\n"
	      "     a file is malformed, or a file may not be read. When some of the files\n"
	      "     could be read (smaps_rollup of another user's process is denied to a\n"
	      "     non-root user, status is not), what they give is printed, stderr names\n"
	      "     each file that could not be read, and the exit status is still 3.\n"
	      "     --exact without root: \"memacct-cli: pid N: pagemap: ... CAP_SYS_ADMIN\n"
	      "     ...\" and nothing on stdout.\n"
	      "\n"
	      "Examples:\n"
	      "  " PROG " proc $$\n"
	      "  " PROG " proc 1 --format json | jq .usage.pss\n"
	      "  sudo " PROG " proc 1 --exact --format json | jq .exact\n"
	      "  " PROG " proc 2290 --root fixtures/proc-cow-64m-x4/proc --format prom\n", f);
}

/* The PID argument: a decimal number > 0; 0 or a usage error said. */
int cli_parse_pid(const char *cmd, const char *arg, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v <= 0 || v > INT_MAX)
		return cli_usage_error(cmd, "'%s' is not a process id (a number > 0)", arg);
	*ret = (int)v;
	return 0;
}

static const struct {
	uint32_t key;
	const char *name;
} usage_keys[] = {
	{ MEMACCT_USAGE_VSS, "vss" },
	{ MEMACCT_USAGE_RSS, "rss" },
	{ MEMACCT_USAGE_PSS, "pss" },
	{ MEMACCT_USAGE_USS, "uss" },
	{ MEMACCT_USAGE_SWAP, "swap" },
	{ MEMACCT_USAGE_SWAP_PSS, "swap_pss" },
	{ MEMACCT_USAGE_ANON, "anon" },
	{ MEMACCT_USAGE_FILE, "file" },
	{ MEMACCT_USAGE_SHMEM, "shmem" },
	{ MEMACCT_USAGE_LOCKED, "locked" },
	{ MEMACCT_USAGE_HUGETLB, "hugetlb" },
};

/* memacct_exact_get() keys of proc --exact; mapcount: needs kpagecount. */
static const struct {
	uint32_t key;
	const char *name;
	bool mapcount;
} exact_keys[] = {
	{ MEMACCT_EXACT_PSS, "pss", true },
	{ MEMACCT_EXACT_USS, "uss", true },
	{ MEMACCT_EXACT_SWAPPED, "swap", false },
	{ MEMACCT_EXACT_SHARED, "shared", true },
	{ MEMACCT_EXACT_PRESENT, "present", false },
	{ MEMACCT_EXACT_EXCLUSIVE, "exclusive", false },
	{ MEMACCT_EXACT_FILE, "file", false },
	{ MEMACCT_EXACT_HUGETLB, "hugetlb", false },
};

static const struct {
	uint32_t bit;
	const char *name;
	size_t off;
} statm_cols[] = {
	{ MEMACCT_STATM_SIZE, "size", offsetof(struct memacct_statm, size) },
	{ MEMACCT_STATM_RESIDENT, "resident", offsetof(struct memacct_statm, resident) },
	{ MEMACCT_STATM_SHARED, "shared", offsetof(struct memacct_statm, shared) },
	{ MEMACCT_STATM_TEXT, "text", offsetof(struct memacct_statm, text) },
	{ MEMACCT_STATM_LIB, "lib", offsetof(struct memacct_statm, lib) },
	{ MEMACCT_STATM_DATA, "data", offsetof(struct memacct_statm, data) },
	{ MEMACCT_STATM_DT, "dt", offsetof(struct memacct_statm, dt) },
};

#define MAX_MISSING 3

struct proc {
	int pid;
	char pidstr[16];
	const char *comm;
	struct memacct_usage *u;
	const struct memacct_status *st;	/* borrowed from u */
	const struct memacct_vmas *rollup;	/* borrowed from u */
	struct memacct_statm statm;
	struct memacct_exact *ex;	/* --exact */
	bool have_exact;
	bool kthread;
	bool have_usage, have_statm, have_rollup;
	const char *missing[MAX_MISSING];
	size_t n_missing;
};

static uint64_t statm_col(const struct memacct_statm *sm, size_t i)
{
	return *(const uint64_t *)((const char *)sm + statm_cols[i].off);
}

static const char *source_name(uint32_t from)
{
	switch (from) {
	case MEMACCT_USAGE_FROM_STATUS:
		return "status";
	case MEMACCT_USAGE_FROM_SMAPS_ROLLUP:
		return "smaps_rollup";
	case MEMACCT_USAGE_FROM_SMAPS:
		return "smaps";
	default:
		return "?";
	}
}

static const struct memacct_vma *rollup_vma(const struct proc *p)
{
	return p->have_rollup ? memacct_vmas_at(p->rollup, 0) : NULL;
}

static void print_table(const struct proc *p)
{
	const struct memacct_vma *vma = rollup_vma(p);
	char h[HUMAN_LEN];
	const char *name, *text;
	uint64_t v;
	uint32_t unit, from;
	size_t i;
	int n;

	printf("pid %d (%s)%s\n", p->pid, p->comm,
	       p->kthread ? ": kernel thread, no memory map" : "");
	if (p->have_usage && !p->kthread) {
		printf("\n%-26s %20s %12s  %s\n", "USAGE", "BYTES", "HUMAN", "SOURCE");
		for (i = 0; i < ARRAY_SIZE(usage_keys); i++) {
			if (memacct_usage_get(p->u, usage_keys[i].key, &v) < 0)
				continue;
			if (memacct_usage_get_source(p->u, usage_keys[i].key, &from) < 0)
				from = 0;
			printf("%-26s %20" PRIu64 " %12s  %s\n", usage_keys[i].name, v,
			       human_ubytes(h, v), source_name(from));
		}
	}

	if (p->have_exact) {
		printf("\n%-26s %20s %12s  %s\n", "EXACT", "BYTES", "HUMAN", "SOURCE");
		for (i = 0; i < ARRAY_SIZE(exact_keys); i++)
			if (memacct_exact_get(p->ex, exact_keys[i].key, &v) == 0)
				printf("%-26s %20" PRIu64 " %12s  %s\n", exact_keys[i].name, v,
				       human_ubytes(h, v),
				       exact_keys[i].mapcount ? "pagemap+kpagecount" : "pagemap");
	}

	printf("\n%-26s %20s %12s\n", "STATUS", "VALUE", "HUMAN");
	n = memacct_status_count(p->st);
	for (i = 0; i < (size_t)n; i++) {
		if (memacct_status_at(p->st, i, &name, &v, &unit, NULL) < 0)
			continue;
		if (unit == MEMACCT_UNIT_BYTES)
			printf("%-26s %20" PRIu64 " %12s\n", name, v, human_ubytes(h, v));
		else if (unit == MEMACCT_UNIT_COUNT)
			printf("%-26s %20" PRIu64 "\n", name, v);
	}

	if (p->have_statm) {
		printf("\n%-26s %20s %12s\n", "STATM", "BYTES", "HUMAN");
		for (i = 0; i < ARRAY_SIZE(statm_cols); i++)
			if (p->statm.present & statm_cols[i].bit)
				printf("%-26s %20" PRIu64 " %12s\n", statm_cols[i].name,
				       statm_col(&p->statm, i), human_ubytes(h, statm_col(&p->statm, i)));
	}

	if (vma) {
		printf("\n%-26s %20s %12s\n", "SMAPS_ROLLUP", "VALUE", "HUMAN");
		n = memacct_vma_field_count(vma);
		for (i = 0; i < (size_t)n; i++) {
			if (memacct_vma_field_at(vma, i, &name, &v, &unit, NULL) < 0)
				continue;
			if (unit == MEMACCT_UNIT_BYTES)
				printf("%-26s %20" PRIu64 " %12s\n", name, v, human_ubytes(h, v));
			else if (unit == MEMACCT_UNIT_COUNT)
				printf("%-26s %20" PRIu64 "\n", name, v);
			else if (memacct_vma_get_text_by_name(vma, name, &text) == 0)
				printf("%s: %s\n", name, text);
		}
	}
}

static const char *kinds_from_name(uint64_t from)
{
	switch (from) {
	case MEMACCT_EXACT_FROM_SMAPS:
		return "smaps";
	case MEMACCT_EXACT_FROM_QUERY:
		return "query";
	case MEMACCT_EXACT_FROM_NAME:
		return "name";
	default:
		return "unknown";
	}
}

static void json_exact(struct json *j, const struct proc *p)
{
	uint64_t v;
	size_t i;

	json_key(j, "exact");
	json_object_begin(j);
	for (i = 0; i < ARRAY_SIZE(exact_keys); i++)
		if (memacct_exact_get(p->ex, exact_keys[i].key, &v) == 0)
			json_kv_u64(j, exact_keys[i].name, v);
	json_object_end(j);
	json_key(j, "exact_info");
	json_object_begin(j);
	if (memacct_exact_get(p->ex, MEMACCT_EXACT_KINDS_FROM, &v) == 0)
		json_kv_str(j, "kinds_from", kinds_from_name(v));
	if (memacct_exact_get(p->ex, MEMACCT_EXACT_LOOKUPS, &v) == 0)
		json_kv_u64(j, "kpagecount_lookups", v);
	json_kv_u64(j, "vmas", (uint64_t)memacct_exact_vma_count(p->ex));
	json_object_end(j);
}

static void print_json(const struct proc *p)
{
	const struct memacct_vma *vma = rollup_vma(p);
	const char *name, *text;
	struct json j;
	uint64_t v;
	uint32_t unit, from;
	size_t i;
	int n;

	json_begin(&j, stdout);
	json_object_begin(&j);
	json_kv_u64(&j, "pid", (uint64_t)p->pid);
	json_kv_str(&j, "comm", p->comm);
	json_kv_bool(&j, "kernel_thread", p->kthread);

	if (p->have_usage && !p->kthread) {
		json_key(&j, "usage");
		json_object_begin(&j);
		for (i = 0; i < ARRAY_SIZE(usage_keys); i++)
			if (memacct_usage_get(p->u, usage_keys[i].key, &v) == 0)
				json_kv_u64(&j, usage_keys[i].name, v);
		json_object_end(&j);
		json_key(&j, "usage_source");
		json_object_begin(&j);
		for (i = 0; i < ARRAY_SIZE(usage_keys); i++)
			if (memacct_usage_get_source(p->u, usage_keys[i].key, &from) == 0)
				json_kv_str(&j, usage_keys[i].name, source_name(from));
		json_object_end(&j);
	}

	n = memacct_status_count(p->st);
	json_key(&j, "status");
	json_object_begin(&j);
	for (i = 0; i < (size_t)n; i++)
		if (memacct_status_at(p->st, i, &name, &v, &unit, NULL) == 0 &&
		    unit != MEMACCT_UNIT_TEXT)
			json_kv_u64(&j, name, v);
	json_object_end(&j);
	json_key(&j, "status_text");
	json_object_begin(&j);
	for (i = 0; i < (size_t)n; i++)
		if (memacct_status_at(p->st, i, &name, NULL, &unit, NULL) == 0 &&
		    unit == MEMACCT_UNIT_TEXT && memacct_status_text_at(p->st, i, &text) == 0)
			json_kv_str(&j, name, text);
	json_object_end(&j);

	if (p->have_statm) {
		json_key(&j, "statm");
		json_object_begin(&j);
		for (i = 0; i < ARRAY_SIZE(statm_cols); i++)
			if (p->statm.present & statm_cols[i].bit)
				json_kv_u64(&j, statm_cols[i].name, statm_col(&p->statm, i));
		json_object_end(&j);
	}

	if (vma) {
		json_key(&j, "smaps_rollup");
		json_object_begin(&j);
		n = memacct_vma_field_count(vma);
		for (i = 0; i < (size_t)n; i++) {
			if (memacct_vma_field_at(vma, i, &name, &v, &unit, NULL) < 0)
				continue;
			if (unit != MEMACCT_UNIT_TEXT)
				json_kv_u64(&j, name, v);
			else if (memacct_vma_get_text_by_name(vma, name, &text) == 0)
				json_kv_str(&j, name, text);
		}
		json_object_end(&j);
	}

	if (p->have_exact)
		json_exact(&j, p);

	if (p->n_missing) {
		json_key(&j, "missing");
		json_array_begin(&j);
		for (i = 0; i < p->n_missing; i++)
			json_str(&j, p->missing[i]);
		json_array_end(&j);
	}
	json_object_end(&j);
	json_end(&j);
}

static void print_prom(const struct proc *p)
{
	uint64_t v;
	size_t i;
	bool any = false;

	prom_family(stdout, "memacct_process_kernel_thread", "gauge",
		    "1 when the process is a kernel thread (no memory map), else 0.");
	prom_u64(stdout, "memacct_process_kernel_thread",
		 (const char *const[]){ "pid", p->pidstr, "comm", p->comm, NULL }, p->kthread);
	if (!p->have_usage || p->kthread)
		return;
	for (i = 0; i < ARRAY_SIZE(usage_keys); i++) {
		if (memacct_usage_get(p->u, usage_keys[i].key, &v) < 0)
			continue;
		if (!any)
			prom_family(stdout, "memacct_process_bytes", "gauge",
				    "Memory usage of a process in bytes, by kind (vss, rss, pss, "
				    "uss, swap, ...); see memacct-cli proc --help.");
		any = true;
		prom_u64(stdout, "memacct_process_bytes",
			 (const char *const[]){ "pid", p->pidstr, "comm", p->comm, "kind",
						usage_keys[i].name, NULL },
			 v);
	}
	if (!p->have_exact)
		return;
	prom_family(stdout, "memacct_process_exact_bytes", "gauge",
		    "Exact memory usage of a process from pagemap and kpagecount, in bytes, by "
		    "kind (pss, uss, swap, ...); see memacct-cli proc --help.");
	for (i = 0; i < ARRAY_SIZE(exact_keys); i++)
		if (memacct_exact_get(p->ex, exact_keys[i].key, &v) == 0)
			prom_u64(stdout, "memacct_process_exact_bytes",
				 (const char *const[]){ "pid", p->pidstr, "comm", p->comm, "kind",
							exact_keys[i].name, NULL },
				 v);
}

/* --exact: pagemap and kpagecount, after the files (a kernel thread has no pages). */
static int exact_read(struct proc *p, const struct cli *cli, struct memacct_source *src)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	int r;

	if (p->kthread)
		return EXIT_OK;
	r = memacct_exact_new(&p->ex);
	if (r < 0) {
		cli_err("cannot set up the exact accounting: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	r = memacct_exact_read(p->ex, src, p->pid, NULL, 0, &diag);
	if (r < 0) {
		cli_pages_error(cli, p->pid, "pagemap", r, &diag);
		return EXIT_READ;
	}
	p->have_exact = true;
	return EXIT_OK;
}

static int no_such_process(int pid)
{
	cli_err("pid %d: no such process", pid);
	return EXIT_READ;
}

/* A file that failed after status was read: fatal (EXIT_READ) or noted as missing (0). */
static int optional_failed(struct proc *p, const struct cli *cli, const char *what, int r,
			   const struct memacct_diag *diag)
{
	char file[48];

	snprintf(file, sizeof(file), "%d/%s", p->pid, what);
	if (r == -EACCES) {
		cli_diag(cli->root, file, r, NULL);
		if (p->n_missing < MAX_MISSING)
			p->missing[p->n_missing++] = what;
		return 0;
	}
	/* Absent from the tree, or the process is exiting: leave the part out. */
	if (r == -ENOENT || r == -ESRCH)
		return 0;
	cli_diag(cli->root, file, r, diag);
	return EXIT_READ;
}

static int proc_read(struct proc *p, const struct cli *cli, struct memacct_source *src)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	char file[48];
	int r, ur;

	/* One read of each file: status and smaps_rollup come from the usage's own
	 * read (the rollup's page walk is nearly all the cost of a big process). */
	ur = memacct_usage_read(p->u, src, p->pid, 0, &diag);
	if (ur == -ESRCH || ur == -ENOENT)
		return no_such_process(p->pid);
	if (memacct_usage_get_status(p->u, &p->st) < 0) {
		snprintf(file, sizeof(file), "%d/status", p->pid);
		cli_diag(cli->root, file, ur, &diag);
		return EXIT_READ;
	}
	if (memacct_status_get_text(p->st, "Name", &p->comm) < 0)
		p->comm = "";
	p->have_usage = ur == 0 || ur == -EACCES;
	p->kthread = ur == 0 && memacct_usage_is_kernel_thread(p->u) == 1;

	memset(&diag, 0, sizeof(diag));
	diag.sz = sizeof(diag);
	p->statm.sz = sizeof(p->statm);
	r = memacct_statm_read(src, p->pid, 0, &p->statm, &diag);
	if (r == 0)
		p->have_statm = true;
	else if (optional_failed(p, cli, "statm", r, &diag))
		return EXIT_READ;

	if (ur == -EACCES) {
		memset(&diag, 0, sizeof(diag));
		diag.sz = sizeof(diag);
		if (optional_failed(p, cli, "smaps_rollup", ur, &diag))
			return EXIT_READ;
	} else if (!p->kthread && memacct_usage_get_rollup(p->u, &p->rollup) == 0) {
		p->have_rollup = memacct_vmas_count(p->rollup) == 1;
	}

	if (ur < 0 && ur != -EACCES) {
		cli_err("pid %d: the usage could not be read: %s", p->pid, memacct_strerror(ur));
		return EXIT_READ;
	}
	return EXIT_OK;
}

int cmd_proc(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "exact", no_argument, NULL, OPT_EXACT },
		{ NULL, 0, NULL, 0 },
	};
	struct memacct_source *src = NULL;
	bool exact = false;
	struct proc p;
	int c, r;

	memset(&p, 0, sizeof(p));
	while ((c = cli_next_option(cli, "proc", argc, argv, opts)) >= 0) {
		if (c == OPT_EXACT)
			exact = true;
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help) {
		help_proc(stdout);
		return EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage_error("proc", "a process id is needed");
	if (optind + 1 < argc)
		return cli_usage_error("proc", "unexpected argument '%s'", argv[optind + 1]);
	if (cli_parse_pid("proc", argv[optind], &p.pid))
		return EXIT_USAGE;
	snprintf(p.pidstr, sizeof(p.pidstr), "%d", p.pid);

	r = memacct_source_new(cli->root, NULL, &src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	r = memacct_usage_new(&p.u);
	if (r < 0) {
		cli_err("cannot set up the parsers: %s", memacct_strerror(r));
		r = EXIT_READ;
		goto out;
	}

	r = proc_read(&p, cli, src);
	if (r == EXIT_OK && exact)
		r = exact_read(&p, cli, src);
	if (r != EXIT_OK)
		goto out;
	switch (cli->format) {
	case FORMAT_TABLE:
		print_table(&p);
		break;
	case FORMAT_JSON:
		print_json(&p);
		break;
	case FORMAT_PROM:
		print_prom(&p);
		break;
	}
	if (p.n_missing)
		r = EXIT_READ;
out:
	memacct_exact_free(p.ex);
	memacct_usage_free(p.u);
	memacct_source_free(src);
	return r;
}
