/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_SORT = OPT_CMD_FIRST,
	OPT_LIMIT,
	OPT_BY,
	OPT_THREADS,
};

#define DEFAULT_TABLE_LIMIT 20

void help_top(FILE *f)
{
	fputs("Usage: " PROG " top [--sort pss|uss|rss|swap] [--limit N]\n"
	      "                   [--by process|command|user] [--threads N]\n"
	      "                   [--root DIR] [--format table|json|prom]\n"
	      "\n"
	      "Rank every process by its memory usage, with totals: the job of smem and\n"
	      "procrank. Each numeric directory of ROOT is read: ROOT/PID/status and\n"
	      "ROOT/PID/smaps_rollup (ROOT/PID/smaps summed when there is no rollup).\n"
	      "  VSS      status VmSize: the address space, mostly not memory\n"
	      "  RSS      smaps_rollup Rss: pages in memory, shared ones in full\n"
	      "  PSS      smaps_rollup Pss: each page divided by the processes mapping\n"
	      "           it, so the PSS of every process adds up to the memory they use\n"
	      "  USS      Private_Clean + Private_Dirty: what exiting would free\n"
	      "  SWAP     smaps_rollup Swap (status VmSwap without a rollup)\n"
	      "  SWAPPSS  smaps_rollup SwapPss: swap divided like PSS\n"
	      "Processes come and go while the scan runs, and it is not one instant:\n"
	      "each process is read at its own moment. A process that exits meanwhile\n"
	      "is skipped and counted, as are kernel threads (no memory). Another\n"
	      "user's process is partial without root: status is readable, smaps_rollup\n"
	      "is not, so its PSS, USS and SWAPPSS are not known. They are shown as \"-\"\n"
	      "(null in JSON), never as 0, and left out of those totals.\n"
	      "\n"
	      "Options:\n"
	      "  --sort KEY       rank by pss (the default), uss, rss or swap, largest\n"
	      "                   first; a row without the value comes last\n"
	      "  --limit N        show the first N rows; 0 shows all. Default: 20 for the\n"
	      "                   table, all for json and prom. Totals always cover every\n"
	      "                   process\n"
	      "  --by WHAT        process (the default): one row per process; command:\n"
	      "                   one row per name (status Name), the sum of its\n"
	      "                   processes; user: one row per real user\n"
	      "  --threads N      read the processes with N threads, 1 to 1024, or 0\n"
	      "                   (default) for one per online CPU; never more than\n"
	      "                   there are processes. The rows and totals are the\n"
	      "                   same for any N; only the moment each process is read\n"
	      "                   differs\n"
	      "  --root DIR       read DIR instead of /proc, e.g. a captured tree such as\n"
	      "                   fixtures/proc-cow-64m-x4/proc\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n", f);
	fputs("Output:\n"
	      "  table  PID, USER, COMMAND (or COUNT and the command or user with --by),\n"
	      "         then VSS, RSS, PSS, USS, SWAP, SWAPPSS in binary units (K = 1024\n"
	      "         bytes), a total row, what was skipped. Within 80 columns.\n"
	      "  json   {\"processes\": [{\"pid\": N, \"comm\": NAME, \"user\": NAME,\n"
	      "          \"vss\", \"rss\", \"pss\", \"uss\", \"swap\", \"swap_pss\": bytes or\n"
	      "          null}, ...], \"totals\": {\"processes\": N, \"partial\": N, \"vss\",\n"
	      "          ..., \"swap_pss\": bytes or null, \"lacking\": {\"vss\": N, ...}},\n"
	      "          \"skipped\": {\"vanished\": N, \"kernel_threads\": N, \"denied\": N,\n"
	      "          \"failed\": N}}. With --by command or user each element of\n"
	      "         \"processes\" is a group: {\"comm\" or \"user\", \"count\": N, \"vss\",\n"
	      "         ...}: the sums over its processes that gave the value (null when\n"
	      "         none did). \"user\" is the user's name, or the uid as a string\n"
	      "         when it has none or ROOT is a captured tree (whose uids are not\n"
	      "         this machine's); null when status had no Uid.\n"
	      "  prom   memacct_process_pss_bytes{pid=\"N\",comm=\"NAME\"} and likewise\n"
	      "         _vss_, _rss_, _uss_, _swap_, _swap_pss_bytes, per process; with\n"
	      "         --by: memacct_command_*_bytes{comm} or memacct_user_*_bytes{user}\n"
	      "         and memacct_command_processes / memacct_user_processes; always\n"
	      "         memacct_processes_*_bytes (the totals), memacct_processes,\n"
	      "         memacct_processes_partial and memacct_processes_skipped{reason};\n"
	      "         with --by the totals also carry by=\"command\" or by=\"user\".\n"
	      "         All gauges. A value a process did not give has no sample.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed, however many processes vanished or were partial\n"
	      "  2  usage error\n"
	      "  3  ROOT cannot be opened or listed\n"
	      "\n"
	      "Examples:\n"
	      "  sudo " PROG " top\n"
	      "  " PROG " top --sort uss --limit 5\n"
	      "  " PROG " top --threads 1\n"
	      "  " PROG " top --by user --format json | jq '.processes[0]'\n"
	      "  " PROG " top --root fixtures/proc-cow-64m-x4/proc --limit 0\n", f);
}

/* The columns, in output order. */
static const struct {
	uint32_t key;
	const char *name;	/* JSON key, prom infix */
	const char *head;	/* table heading */
} cols[] = {
	{ MEMACCT_USAGE_VSS, "vss", "VSS" },
	{ MEMACCT_USAGE_RSS, "rss", "RSS" },
	{ MEMACCT_USAGE_PSS, "pss", "PSS" },
	{ MEMACCT_USAGE_USS, "uss", "USS" },
	{ MEMACCT_USAGE_SWAP, "swap", "SWAP" },
	{ MEMACCT_USAGE_SWAP_PSS, "swap_pss", "SWAPPSS" },
};

#define NCOLS ARRAY_SIZE(cols)

enum by { BY_PROCESS, BY_COMMAND, BY_USER };

struct row {
	int pid;		/* BY_PROCESS */
	const char *comm;	/* borrowed from the scan */
	const char *user;	/* borrowed from the user cache; NULL: no Uid */
	size_t count;		/* processes in the row */
	uint64_t v[NCOLS];
	unsigned has;		/* bit c: v[c] given */
};

struct top {
	struct memacct_procs *procs;
	struct row *rows;
	size_t nrows;
	struct user_names users;	/* rows point at the names */
	int sort_col;
	enum by by;
};

static int build_rows(struct top *t)
{
	int n = memacct_procs_count(t->procs);

	t->rows = calloc(n > 0 ? (size_t)n : 1, sizeof(*t->rows));
	if (!t->rows)
		return -ENOMEM;
	for (size_t i = 0; i < (size_t)n; i++) {
		struct row *r = &t->rows[i];
		uint32_t uid;

		memacct_procs_get_pid(t->procs, i, &r->pid);
		if (memacct_procs_get_comm(t->procs, i, &r->comm) < 0)
			r->comm = "";
		if (memacct_procs_get_uid(t->procs, i, &uid) == 0) {
			r->user = user_names_get(&t->users, uid);
			if (!r->user)
				return -ENOMEM;
		}
		r->count = 1;
		for (size_t c = 0; c < NCOLS; c++)
			if (memacct_procs_get(t->procs, i, cols[c].key, &r->v[c]) == 0)
				r->has |= 1u << c;
	}
	t->nrows = (size_t)n;
	return 0;
}

static const char *group_key(const struct top *t, const struct row *r)
{
	if (t->by == BY_COMMAND)
		return r->comm;
	return r->user;
}

static const struct top *sort_ctx;

/* NULL (no Uid) sorts after every name. */
static int cmp_key(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

static int cmp_group_key(const void *a, const void *b)
{
	return cmp_key(group_key(sort_ctx, a), group_key(sort_ctx, b));
}

/* Merge rows with the same command or user into one row each. */
static void group_rows(struct top *t)
{
	size_t out = 0;

	sort_ctx = t;
	qsort(t->rows, t->nrows, sizeof(*t->rows), cmp_group_key);
	for (size_t i = 0; i < t->nrows; i++) {
		struct row *r = &t->rows[i], *g;

		if (out && !cmp_key(group_key(t, &t->rows[out - 1]), group_key(t, r))) {
			g = &t->rows[out - 1];
			g->count++;
			for (size_t c = 0; c < NCOLS; c++) {
				if (!(r->has & (1u << c)))
					continue;
				g->v[c] = g->has & (1u << c) ? g->v[c] + r->v[c] : r->v[c];
				g->has |= 1u << c;
			}
			continue;
		}
		t->rows[out++] = *r;
	}
	t->nrows = out;
}

/* Largest first; a row without the value last; then by pid, or by name. */
static int cmp_rank(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c = sort_ctx->sort_col;
	bool ha = a->has & (1u << c), hb = b->has & (1u << c);

	if (ha != hb)
		return ha ? -1 : 1;
	if (ha && a->v[c] != b->v[c])
		return a->v[c] > b->v[c] ? -1 : 1;
	if (sort_ctx->by == BY_PROCESS)
		return (a->pid > b->pid) - (a->pid < b->pid);
	return cmp_key(group_key(sort_ctx, a), group_key(sort_ctx, b));
}

/* "1023B", "1.5K", "23.4G": at most 7 characters; "-" when absent. */
static const char *compact(char buf[16], const struct row *r, size_t c)
{
	static const char units[] = "KMGTPE";
	double d;
	size_t k = 0;

	if (!(r->has & (1u << c)))
		return "-";
	if (r->v[c] == 0)
		return "0";
	if (r->v[c] < 1024) {
		snprintf(buf, 16, "%" PRIu64 "B", r->v[c]);
		return buf;
	}
	d = (double)r->v[c] / 1024.0;
	while (d >= 1023.95 && k + 1 < sizeof(units) - 1) {
		d /= 1024.0;
		k++;
	}
	snprintf(buf, 16, "%.1f%c", d, units[k]);
	return buf;
}

static void table_values(const struct row *r)
{
	char b[16];

	for (size_t c = 0; c < NCOLS; c++)
		printf(" %7s", compact(b, r, c));
	putchar('\n');
}

/* A row of the totals: sums over the processes that gave each value. */
static struct row totals_row(const struct top *t, size_t lacking[NCOLS])
{
	struct row r = { .count = (size_t)memacct_procs_count(t->procs) };

	for (size_t c = 0; c < NCOLS; c++) {
		lacking[c] = r.count;
		if (memacct_procs_get_total(t->procs, cols[c].key, &r.v[c], &lacking[c]) == 0)
			r.has |= 1u << c;
	}
	return r;
}

static void print_table(const struct top *t, size_t limit)
{
	size_t lacking[NCOLS], shown = limit && limit < t->nrows ? limit : t->nrows;
	struct row tot = totals_row(t, lacking);
	char name[32], user[16], line[48];
	int partial = memacct_procs_count_partial(t->procs);
	uint64_t ns = 0;

	if (t->by == BY_PROCESS)
		printf("%7s %-8s %-15s", "PID", "USER", "COMMAND");
	else
		printf("%7s %-24s", "COUNT", t->by == BY_COMMAND ? "COMMAND" : "USER");
	for (size_t c = 0; c < NCOLS; c++)
		printf(" %7s", cols[c].head);
	putchar('\n');

	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &t->rows[i];

		if (t->by == BY_PROCESS)
			printf("%7d %-8s %-15s", r->pid, cli_printable(user, 8, r->user),
			       cli_printable(name, 15, r->comm));
		else
			printf("%7zu %-24s", r->count, cli_printable(name, 24, group_key(t, r)));
		table_values(r);
	}
	snprintf(line, sizeof(line), "total of %zu process%s", tot.count,
		 tot.count == 1 ? "" : "es");
	printf("%7s %-24s", "", line);
	table_values(&tot);

	printf("\n%zu of %zu %s shown, by %s.\n", shown, t->nrows,
	       t->by == BY_PROCESS ? "processes" : t->by == BY_COMMAND ? "commands" : "users",
	       cols[t->sort_col].head);
	if (partial > 0)
		printf("%d partial: smaps_rollup denied%s. PSS, USS and SWAPPSS show \"-\"\n"
		       "and are left out of those totals.\n", partial,
		       geteuid() ? " (another user's process: run as root)" : "");
	printf("skipped: %d vanished, %d kernel threads, %d denied, %d failed.\n",
	       memacct_procs_count_skipped(t->procs, MEMACCT_PROCS_VANISHED),
	       memacct_procs_count_skipped(t->procs, MEMACCT_PROCS_KERNEL_THREAD),
	       memacct_procs_count_skipped(t->procs, MEMACCT_PROCS_DENIED),
	       memacct_procs_count_skipped(t->procs, MEMACCT_PROCS_FAILED));
	if (memacct_procs_get_duration(t->procs, &ns) == 0)
		printf("read one process after another in %" PRIu64 ".%" PRIu64
		       " ms: not one instant.\n", ns / 1000000, ns / 100000 % 10);
}

static void json_value(struct json *j, const struct row *r, size_t c)
{
	json_key(j, cols[c].name);
	if (r->has & (1u << c))
		json_u64(j, r->v[c]);
	else
		json_null(j);
}

static void print_json(const struct top *t, size_t limit)
{
	size_t lacking[NCOLS], shown = limit && limit < t->nrows ? limit : t->nrows;
	struct row tot = totals_row(t, lacking);
	struct json j;

	json_begin(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "processes");
	json_array_begin(&j);
	for (size_t i = 0; i < shown; i++) {
		const struct row *r = &t->rows[i];

		json_object_begin(&j);
		if (t->by == BY_PROCESS) {
			json_kv_u64(&j, "pid", (uint64_t)r->pid);
			json_kv_str(&j, "comm", r->comm);
			json_kv_str_or_null(&j, "user", r->user);
		} else {
			json_kv_str_or_null(&j, t->by == BY_COMMAND ? "comm" : "user",
					    group_key(t, r));
			json_kv_u64(&j, "count", r->count);
		}
		for (size_t c = 0; c < NCOLS; c++)
			json_value(&j, r, c);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "totals");
	json_object_begin(&j);
	json_kv_u64(&j, "processes", tot.count);
	json_kv_u64(&j, "partial", (uint64_t)memacct_procs_count_partial(t->procs));
	for (size_t c = 0; c < NCOLS; c++)
		json_value(&j, &tot, c);
	json_key(&j, "lacking");
	json_object_begin(&j);
	for (size_t c = 0; c < NCOLS; c++)
		json_kv_u64(&j, cols[c].name, lacking[c]);
	json_object_end(&j);
	json_object_end(&j);

	cli_json_skipped(&j, t->procs);
	json_object_end(&j);
	json_end(&j);
}

static void print_prom(const struct top *t, size_t limit)
{
	static const char *const what[] = { "process", "command", "user" };
	size_t lacking[NCOLS], shown = limit && limit < t->nrows ? limit : t->nrows;
	struct row tot = totals_row(t, lacking);
	char name[64], help[160], pid[16];

	for (size_t c = 0; c < NCOLS; c++) {
		bool any = false;

		snprintf(name, sizeof(name), "memacct_%s_%s_bytes", what[t->by], cols[c].name);
		snprintf(help, sizeof(help), "%s of a %s in bytes (see memacct-cli top --help).",
			 cols[c].head, t->by == BY_PROCESS ? "process" : t->by == BY_COMMAND ?
			 "command, summed over its processes" : "user, summed over its processes");
		for (size_t i = 0; i < shown; i++) {
			const struct row *r = &t->rows[i];
			const char *key = group_key(t, r);

			if (!(r->has & (1u << c)))
				continue;
			if (!any)
				prom_family(stdout, name, "gauge", help);
			any = true;
			if (t->by == BY_PROCESS) {
				snprintf(pid, sizeof(pid), "%d", r->pid);
				prom_u64(stdout, name, (const char *const[]){ "pid", pid, "comm",
					 r->comm, NULL }, r->v[c]);
			} else {
				prom_u64(stdout, name, (const char *const[]){
					 t->by == BY_COMMAND ? "comm" : "user", key ? key : "", NULL },
					 r->v[c]);
			}
		}
	}
	if (t->by != BY_PROCESS && shown) {
		snprintf(name, sizeof(name), "memacct_%s_processes", what[t->by]);
		prom_family(stdout, name, "gauge", "Processes in the group.");
		for (size_t i = 0; i < shown; i++) {
			const char *key = group_key(t, &t->rows[i]);

			prom_u64(stdout, name, (const char *const[]){
				 t->by == BY_COMMAND ? "comm" : "user", key ? key : "", NULL },
				 t->rows[i].count);
		}
	}
	/*
	 * The totals are the same whatever the grouping: with --by they carry a
	 * "by" label, so that 'top' and 'top --by user' published side by side
	 * in one textfile collector do not give the same series twice.
	 */
	const char *by = t->by == BY_COMMAND ? "command" : "user";
	const char *const *tl = t->by == BY_PROCESS ? NULL : (const char *const[]){ "by", by, NULL };

	for (size_t c = 0; c < NCOLS; c++) {
		if (!(tot.has & (1u << c)))
			continue;
		snprintf(name, sizeof(name), "memacct_processes_%s_bytes", cols[c].name);
		snprintf(help, sizeof(help), "%s summed over every process that gave it, in "
			 "bytes.", cols[c].head);
		prom_family(stdout, name, "gauge", help);
		prom_u64(stdout, name, tl, tot.v[c]);
	}
	cli_prom_scan("memacct_processes", t->procs, tot.count,
		      "Processes whose smaps_rollup could not be read (PSS, USS, SWAPPSS unknown).",
		      t->by == BY_PROCESS ? NULL : by);
}

static int parse_limit(const char *arg, size_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v > SIZE_MAX)
		return cli_usage_error("top", "--limit takes a number >= 0, not '%s'", arg);
	*ret = (size_t)v;
	return 0;
}

static int parse_sort(const char *arg, int *ret)
{
	static const struct {
		const char *name;
		uint32_t key;
	} keys[] = {
		{ "pss", MEMACCT_USAGE_PSS },
		{ "uss", MEMACCT_USAGE_USS },
		{ "rss", MEMACCT_USAGE_RSS },
		{ "swap", MEMACCT_USAGE_SWAP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(arg, keys[i].name))
			continue;
		for (size_t c = 0; c < NCOLS; c++)
			if (cols[c].key == keys[i].key)
				*ret = (int)c;
		return 0;
	}
	return cli_usage_error("top", "--sort takes pss, uss, rss or swap, not '%s'", arg);
}

static int parse_by(const char *arg, enum by *ret)
{
	if (!strcmp(arg, "process"))
		*ret = BY_PROCESS;
	else if (!strcmp(arg, "command"))
		*ret = BY_COMMAND;
	else if (!strcmp(arg, "user"))
		*ret = BY_USER;
	else
		return cli_usage_error("top", "--by takes process, command or user, not '%s'", arg);
	return 0;
}

int cmd_top(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "by", required_argument, NULL, OPT_BY },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ NULL, 0, NULL, 0 },
	};
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_source *src = NULL;
	struct top t = { .by = BY_PROCESS };
	size_t limit = 0;
	unsigned threads = 0;
	bool have_limit = false;
	uint64_t live = 0;
	int c, r;

	parse_sort("pss", &t.sort_col);
	while ((c = cli_next_option(cli, "top", argc, argv, opts)) >= 0) {
		switch (c) {
		case OPT_SORT:
			if (parse_sort(optarg, &t.sort_col))
				return EXIT_USAGE;
			continue;
		case OPT_LIMIT:
			if (parse_limit(optarg, &limit))
				return EXIT_USAGE;
			have_limit = true;
			continue;
		case OPT_BY:
			if (parse_by(optarg, &t.by))
				return EXIT_USAGE;
			continue;
		case OPT_THREADS:
			if (cli_parse_threads("top", optarg, &threads))
				return EXIT_USAGE;
			continue;
		}
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help) {
		help_top(stdout);
		return EXIT_OK;
	}
	if (optind < argc)
		return cli_usage_error("top", "unexpected argument '%s'", argv[optind]);
	if (!have_limit && cli->format == FORMAT_TABLE)
		limit = DEFAULT_TABLE_LIMIT;

	r = memacct_source_new(cli->root, NULL, &src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	if (memacct_source_get(src, MEMACCT_SOURCE_LIVE, &live) == 0)
		t.users.live = live == 1;
	r = memacct_procs_new(&t.procs);
	if (r == 0)
		r = memacct_procs_set_threads(t.procs, threads);
	if (r == 0)
		r = memacct_procs_read(t.procs, src, 0, &diag);
	if (r < 0) {
		cli_err("%s: cannot scan the processes: %s", cli->root, memacct_strerror(r));
		r = EXIT_READ;
		goto out;
	}
	r = build_rows(&t);
	if (r < 0) {
		cli_err("out of memory");
		r = EXIT_READ;
		goto out;
	}
	if (t.by != BY_PROCESS)
		group_rows(&t);
	sort_ctx = &t;
	qsort(t.rows, t.nrows, sizeof(*t.rows), cmp_rank);

	switch (cli->format) {
	case FORMAT_TABLE:
		print_table(&t, limit);
		break;
	case FORMAT_JSON:
		print_json(&t, limit);
		break;
	case FORMAT_PROM:
		print_prom(&t, limit);
		break;
	}
	r = EXIT_OK;
out:
	free(t.rows);
	user_names_free(&t.users);
	memacct_procs_free(t.procs);
	memacct_source_free(src);
	return r;
}
