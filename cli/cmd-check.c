/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_TOLERANCE = OPT_CMD_FIRST,
	OPT_ONLY,
	OPT_SKIP,
	OPT_FOLD,
	OPT_LIST,
	OPT_PID,
	OPT_PAGES,
	OPT_SYSTEM,
	OPT_THREADS,
};

void help_check(FILE *f)
{
	fputs("Usage: " PROG " check [--pid PID|all] [--pages] [--system]\n"
	      "                         [--tolerance BYTES|PCT%]\n"
	      "                         [--only ID,...] [--skip ID,...] [--fold] [--list]\n"
	      "                         [--threads N] [--root DIR]\n"
	      "                         [--format table|json|prom|tap]\n"
	      "\n"
	      "Check the identities between the kernel's memory counters (the catalog of\n"
	      "libmemacct: '" PROG " check --list' shows it) and give each a verdict:\n"
	      "  holds     the relation holds within the tolerance\n"
	      "  caveat    it holds once a named caveat is allowed for\n"
	      "  violated  it does not hold\n"
	      "  skipped   an input is missing (an absent file or field is never read as 0)\n"
	      "Reads zoneinfo, buddyinfo, meminfo and vmstat from the root, the last three\n"
	      "back to back; a file that is absent is not used and the identities that need\n"
	      "it are skipped. With --pid, the per-process identities instead (status,\n"
	      "statm, maps, smaps and smaps_rollup of each process, read back to back).\n"
	      "Classes: exact (both sides from one print of one file),\n"
	      "bound (an inequality up to per-CPU drift), approx (an equality up to drift\n"
	      "and named caveats). Unless --tolerance is given, each identity gets its\n"
	      "own tolerance: 0 for exact ones, else counters * CPUs * the \"vm stats\n"
	      "threshold\" of zoneinfo (125 pages without it) * page size; the JSON says\n"
	      "where it came from. Sides are in bytes, except for relations between\n"
	      "counts (HugePages_*), whose sides are counts of huge pages.\n"
	      "With --pages, also the identities of the page tables: the page census of\n"
	      "kpageflags and kpagecount against meminfo and buddyinfo (pages.*), and\n"
	      "with --pid each process's pagemap against its smaps (pagemap.*) and its\n"
	      "PSS and USS from kpagecount (pages.pss_from_mapcount, ...). The kernel\n"
	      "lets only CAP_SYS_ADMIN (root) read kpageflags, kpagecount and the PFNs\n"
	      "of pagemap: without it those identities are skipped, each with the\n"
	      "reason, and one line on stderr says so; the exit status still depends on\n"
	      "violations only.\n"
	      "With --system, also the identities of every process together (system.*):\n"
	      "each process's smaps_rollup is read and the sums are compared with\n"
	      "meminfo. The processes are read one after another, so the scan is not one\n"
	      "instant: each result says how far meminfo moved meanwhile (it is read\n"
	      "every few processes) and may allow that as a caveat; without root another\n"
	      "user's process is partial, and allowed for by its RSS.\n"
	      "\n", f);
	fputs("Options:\n"
	      "  --pid PID|all    check the identities of one process, or of every process\n"
	      "                   of the root (those that exit or cannot be read are\n"
	      "                   skipped and counted; kernel threads have no memory map\n"
	      "                   and are skipped silently)\n"
	      "  --pages          add the page-table identities (pages.*; with --pid,\n"
	      "                   pagemap.* and pages.*_from_mapcount); best as root\n"
	      "  --system         add the identities of every process together\n"
	      "                   (system.*, a scan of ROOT/PID/smaps_rollup); best as root\n"
	      "  --tolerance BYTES|PCT%  use this tolerance for every identity instead:\n"
	      "                   bytes (suffixes K, M, G: binary, e.g. 4096 or 16K) or a\n"
	      "                   percentage of the larger side (e.g. 0.5%)\n"
	      "  --only ID,...    check only these identities; an ID may be a pattern\n"
	      "                   GROUP.* (e.g. meminfo.*); repeatable or comma-separated\n"
	      "  --skip ID,...    do not check these identities (same syntax)\n"
	      "  --threads N      read the processes of --system, and the page frames of\n"
	      "                   --pages, with N threads, 1 to 1024, or 0 (default) for\n"
	      "                   one per online CPU; the verdicts are the same for any N\n"
	      "  --fold           first write 1 to ROOT/sys/vm/stat_refresh, folding the\n"
	      "                   per-CPU counter deltas (needs root and a live /proc;\n"
	      "                   never done by default)\n"
	      "  --list           list the catalog (id, class, inputs, relation, kernel\n"
	      "                   source) instead of checking: the identities check runs,\n"
	      "                   with --pid the per-process ones, with --pages those of\n"
	      "                   the page tables too\n"
	      "  --root DIR       read DIR instead of /proc\n"
	      "  --format FORMAT  table (default), json, prom or tap\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      , f);
	fputs("Output:\n"
	      "  table  one row per identity: ID, CLASS, STATUS, RESIDUAL (lhs - rhs),\n"
	      "         TOLERANCE and the REASON of the verdict, then the line\n"
	      "         \"identities: N hold, N caveat, N violated (IDS), N skipped\".\n"
	      "  json   {\"results\": [{\"id\", \"class\", \"status\", \"relation\", \"lhs\", \"rhs\",\n"
	      "          \"residual\", \"tolerance\", \"unit\" (\"bytes\" or \"count\"),\n"
	      "          \"tolerance_source\", \"reason\", \"source\", \"caveat\"?, \"missing\"?,\n"
	      "          \"pid\"? (with --pid)}, ...], \"summary\": {\"holds\": N, \"caveat\": N,\n"
	      "          \"violated\": N, \"skipped\": N, \"total\": N}, \"processes\"?:\n"
	      "          {\"checked\", \"vanished\", \"unreadable\", \"kernel_threads\"}};\n"
	      "         bytes are exact integers; lhs, rhs, residual and tolerance are\n"
	      "         null when skipped.\n"
	      "  prom   memacct_identity_status{id,class,status} (1 for the verdict, 0 for\n"
	      "         the other three), memacct_identity_residual_bytes{id},\n"
	      "         memacct_identity_tolerance_bytes{id} (memacct_identity_residual{id}\n"
	      "         and memacct_identity_tolerance{id} for count relations), and\n"
	      "         memacct_identities{status}; with --pid each also has a pid label\n"
	      "         (\"all\" on memacct_identities with --pid all).\n"
	      "  tap    TAP version 13 for a CI job (prove(1) or any TAP harness): the\n"
	      "         plan \"1..N\", then one test point per result, in table order:\n"
	      "           ok 1 - meminfo.active_split\n"
	      "           ok 7 - meminfo.anon_lru_vs_anon # caveat: WHICH\n"
	      "           ok 15 - meminfo.free_vs_buddyinfo # SKIP WHY\n"
	      "           not ok 3 - meminfo.slab_split\n"
	      "         (with --pid, \" (pid N)\" after the id). A violated one is followed\n"
	      "         by a YAML block (\"  ---\" to \"  ...\") with class, relation, lhs,\n"
	      "         rhs, difference (lhs - rhs), tolerance, unit (bytes, or count),\n"
	      "         tolerance_source, reason and source. A caveat is \"ok\": \"caveat\"\n"
	      "         is not a TAP directive. Comment lines end it: the summary line\n"
	      "         (and with --pid the processes line).\n"
	      "\n"
	      "Exit status:\n"
	      "  0  no identity is violated\n"
	      "  1  at least one identity is violated\n"
	      "  2  usage error (e.g. an unknown identity, a bad tolerance)\n"
	      "  3  a file could not be read or is malformed (the message names the file\n"
	      "     and line), or --fold could not write stat_refresh\n"
	      "\n"
	      "Examples:\n"
	      "  " PROG " check\n"
	      "  " PROG " check --root fixtures/damaged-slab/proc --format json\n"
	      "  " PROG " check --root fixtures/quiet/proc --format tap > check.tap\n"
	      "  " PROG " check --only meminfo.slab_split,meminfo.active_split\n"
	      "  " PROG " check --pid all --format json\n"
	      "  sudo " PROG " check --pages --only pages.*\n"
	      "  sudo " PROG " check --pages --pid 1\n"
	      "  sudo " PROG " check --system --only system.*\n"
	      "  " PROG " check --skip meminfo.free_vs_buddyinfo --tolerance 0.5%\n"
	      "  sudo " PROG " check --fold\n", f);
}

struct idlist {
	char **v;	/* NULL-terminated once built */
	size_t n;
	size_t cap;
};

static bool pattern_matches(const char *pattern, const char *id)
{
	size_t len = strlen(pattern);

	if (len > 2 && strcmp(pattern + len - 2, ".*") == 0)
		return strncmp(id, pattern, len - 1) == 0;
	return strcmp(pattern, id) == 0;
}

/* True when the pattern names at least one identity of the catalog (or there is no catalog). */
static bool pattern_known(const char *pattern)
{
	const struct memacct_check_info *info;
	int i, n = memacct_check_count();

	if (n <= 0)
		return true;
	for (i = 0; i < n; i++)
		if (memacct_check_at((size_t)i, &info) == 0 && pattern_matches(pattern, info->id))
			return true;
	return false;
}

static int idlist_push(struct idlist *l, const char *s, size_t len)
{
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strndup(s, len);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	l->v[l->n] = NULL;
	return 0;
}

/* "a,b, c" adds a, b and c. */
static int idlist_add(struct idlist *l, const char *arg, const char *opt)
{
	const char *p = arg;

	for (;;) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return cli_usage_error("check", "%s: empty identity in '%s'", opt, arg);
		if (idlist_push(l, p, len) < 0) {
			cli_err("out of memory");
			return EXIT_READ;
		}
		p += strcspn(p, ",");
		if (!*p)
			return EXIT_OK;
		p++;
	}
}

/* Each entry must name at least one identity: a typo must not silently check nothing. */
static int idlist_validate(const struct idlist *l, const char *opt)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!pattern_known(l->v[i]))
			return cli_usage_error("check", "%s: no identity matches '%s' "
					       "(see '" PROG " check --list')", opt, l->v[i]);
	return EXIT_OK;
}

static void idlist_free(struct idlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* "4096", "16K", "1MiB" (binary multiples) or "0.5%" (up to 4 decimals, at most 100%). */
static int parse_tolerance(const char *s, struct memacct_check_opts *o)
{
	static const struct {
		const char *suffix;
		uint64_t mul;
	} suffixes[] = {
		{ "", 1 }, { "B", 1 },
		{ "K", 1ull << 10 }, { "k", 1ull << 10 }, { "KiB", 1ull << 10 }, { "kB", 1ull << 10 },
		{ "M", 1ull << 20 }, { "MiB", 1ull << 20 },
		{ "G", 1ull << 30 }, { "GiB", 1ull << 30 },
		{ "T", 1ull << 40 }, { "TiB", 1ull << 40 },
	};
	const char *p = s;
	uint64_t v = 0, frac = 0;
	unsigned nfrac = 0;
	size_t i;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
			return -ERANGE;

	if (*p == '.' || *p == '%') {
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++) {
				if (++nfrac > 4)
					return -EINVAL;
				frac = frac * 10 + (uint64_t)(*p - '0');
			}
			if (nfrac == 0)
				return -EINVAL;
		}
		if (strcmp(p, "%") != 0)
			return -EINVAL;
		for (; nfrac < 4; nfrac++)
			frac *= 10;
		if (v > 100 || v * 10000 + frac > 1000000)
			return -ERANGE;
		o->flags |= MEMACCT_CHECK_OPT_TOLERANCE_PPM;
		o->tolerance_ppm = (uint32_t)(v * 10000 + frac);
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		if (strcmp(p, suffixes[i].suffix) != 0)
			continue;
		if (__builtin_mul_overflow(v, suffixes[i].mul, &v))
			return -ERANGE;
		o->flags |= MEMACCT_CHECK_OPT_TOLERANCE_BYTES;
		o->tolerance_bytes = v;
		return 0;
	}
	return -EINVAL;
}

/* True when @id matches one of the NULL-terminated @groups. */
static bool in_groups(const char *const *groups, const char *id)
{
	for (; *groups; groups++)
		if (pattern_matches(*groups, id))
			return true;
	return false;
}

/* Those over every process: only with --system, which scans them. */
static const char *const system_groups[] = { "system.*", NULL };

/* Whether check runs @id: the system ones, or with --pid the per-process ones; --pages; --system. */
static bool runs(const char *id, bool per_process, bool pages, bool system)
{
	if (in_groups(results_process_groups, id) != per_process)
		return false;
	if (!system && in_groups(system_groups, id))
		return false;
	return pages || !in_groups(results_pages_groups, id);
}

/* Each --only entry must name an identity of the scope: with --pid the per-process ones. */
static int only_in_scope(const struct idlist *only, bool per_process)
{
	const struct memacct_check_info *info;
	int i, n = memacct_check_count();
	size_t k;

	for (k = 0; k < only->n; k++) {
		bool found = false;

		for (i = 0; i < n && !found; i++)
			found = memacct_check_at((size_t)i, &info) == 0 &&
				pattern_matches(only->v[k], info->id) &&
				in_groups(results_process_groups, info->id) == per_process;
		if (!found)
			return cli_usage_error("check", "--only: '%s' names %s identities only (%s)",
					       only->v[k],
					       per_process ? "system" : "per-process",
					       per_process ? "drop --pid" : "add --pid PID|all");
	}
	return EXIT_OK;
}

static int print_list(const struct cli *cli, bool per_process, bool pages, bool system)
{
	const struct memacct_check_info *info;
	int i, n = memacct_check_count();
	struct json j;

	if (n < 0) {
		cli_err("cannot list the identities: %s", memacct_strerror(n));
		return EXIT_READ;
	}
	if (cli->format == FORMAT_JSON) {
		json_begin(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "identities");
		json_array_begin(&j);
	}
	for (i = 0; i < n; i++) {
		if (memacct_check_at((size_t)i, &info) < 0 ||
		    !runs(info->id, per_process, pages, system))
			continue;
		if (cli->format == FORMAT_JSON) {
			json_object_begin(&j);
			json_kv_str(&j, "id", info->id);
			json_kv_str(&j, "class", results_kind_name(info->kind));
			json_kv_str(&j, "relation", info->relation ? info->relation : "");
			json_kv_str(&j, "inputs", info->inputs ? info->inputs : "");
			json_kv_str(&j, "source", info->source ? info->source : "");
			json_object_end(&j);
		} else {
			printf("%s (%s; reads %s; %s)\n    %s\n", info->id,
			       results_kind_name(info->kind), info->inputs ? info->inputs : "?",
			       info->source ? info->source : "?",
			       info->relation ? info->relation : "");
		}
	}
	if (cli->format == FORMAT_JSON) {
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
	}
	return EXIT_OK;
}

static const char *why(const struct result *o)
{
	if (o->reason)
		return o->reason;
	if (o->missing)
		return o->missing;
	if (o->caveat)
		return o->caveat;
	return o->relation ? o->relation : "";
}

static void print_table(const struct results *res)
{
	char r[HUMAN_LEN], t[HUMAN_LEN];
	size_t i;
	int w = 2;

	for (i = 0; i < res->n; i++)
		if ((int)strlen(res->v[i].id) > w)
			w = (int)strlen(res->v[i].id);

	if (res->per_process)
		printf("%7s ", "PID");
	printf("%-*s %-6s %-8s %11s %10s  %s\n", w, "ID", "CLASS", "STATUS", "RESIDUAL",
	       "TOLERANCE", "REASON");
	for (i = 0; i < res->n; i++) {
		const struct result *o = &res->v[i];
		bool skipped = o->status == MEMACCT_CHECK_SKIPPED;

		if (skipped) {
			strcpy(r, "-");
			strcpy(t, "-");
		} else if (o->unit == MEMACCT_UNIT_COUNT) {
			/* huge pages, not bytes */
			snprintf(r, sizeof(r), "%+" PRId64 " pg", o->residual);
			snprintf(t, sizeof(t), "%" PRIu64 " pg", o->tolerance);
		} else {
			human_bytes(r, o->residual);
			human_ubytes(t, o->tolerance);
		}
		if (res->per_process)
			printf("%7" PRId32 " ", o->pid);
		printf("%-*s %-6s %-8s %11s %10s  %s\n", w, o->id, results_kind_name(o->kind),
		       results_status_name(o->status), r, t, why(o));
	}
	putchar('\n');
	results_summary_line(res, stdout, 0);
	if (res->per_process)
		printf("processes: %u checked, %u vanished, %u unreadable, %u kernel threads\n",
		       res->processes, res->vanished, res->unreadable, res->kthreads);
}

static void json_opt_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s)
		json_str(j, s);
	else
		json_null(j);
}

static void print_json(const struct results *res)
{
	static const uint32_t statuses[] = { MEMACCT_CHECK_HOLDS, MEMACCT_CHECK_CAVEAT,
					     MEMACCT_CHECK_VIOLATED, MEMACCT_CHECK_SKIPPED };
	struct json j;
	size_t i;

	json_begin(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "results");
	json_array_begin(&j);
	for (i = 0; i < res->n; i++) {
		const struct result *o = &res->v[i];
		bool skipped = o->status == MEMACCT_CHECK_SKIPPED;

		json_object_begin(&j);
		json_kv_str(&j, "id", o->id);
		if (o->pid)
			json_kv_i64(&j, "pid", o->pid);
		json_kv_str(&j, "class", results_kind_name(o->kind));
		json_kv_str(&j, "status", results_status_name(o->status));
		json_opt_str(&j, "relation", o->relation);
		if (skipped) {
			json_key(&j, "lhs");
			json_null(&j);
			json_key(&j, "rhs");
			json_null(&j);
			json_key(&j, "residual");
			json_null(&j);
			json_key(&j, "tolerance");
			json_null(&j);
		} else {
			json_kv_u64(&j, "lhs", o->lhs);
			json_kv_u64(&j, "rhs", o->rhs);
			json_kv_i64(&j, "residual", o->residual);
			json_kv_u64(&j, "tolerance", o->tolerance);
		}
		json_kv_str(&j, "unit", o->unit == MEMACCT_UNIT_COUNT ? "count" : "bytes");
		json_opt_str(&j, "tolerance_source", o->tolerance_source);
		json_opt_str(&j, "reason", o->reason);
		json_opt_str(&j, "source", o->source);
		if (o->caveat)
			json_kv_str(&j, "caveat", o->caveat);
		if (o->missing)
			json_kv_str(&j, "missing", o->missing);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "summary");
	json_object_begin(&j);
	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		json_kv_u64(&j, results_status_name(statuses[i]), res->by_status[statuses[i]]);
	json_kv_u64(&j, "total", res->n);
	json_object_end(&j);
	if (res->per_process) {
		json_key(&j, "processes");
		json_object_begin(&j);
		json_kv_u64(&j, "checked", res->processes);
		json_kv_u64(&j, "vanished", res->vanished);
		json_kv_u64(&j, "unreadable", res->unreadable);
		json_kv_u64(&j, "kernel_threads", res->kthreads);
		json_object_end(&j);
	}

	json_object_end(&j);
	json_end(&j);
}

/* {id} or, for a per-process result, {id, pid}; the array lives until the next call. */
static const char *const *id_labels(const struct result *o, char *pid, size_t sz)
{
	static const char *labels[5];

	labels[0] = "id";
	labels[1] = o->id;
	labels[2] = NULL;
	if (o->pid) {
		snprintf(pid, sz, "%" PRId32, o->pid);
		labels[2] = "pid";
		labels[3] = pid;
		labels[4] = NULL;
	}
	return labels;
}

/* Residuals and tolerances of the results in @unit, as two metric families. */
static void print_prom_values(const struct results *res, uint32_t unit, const char *residual,
			      const char *tolerance, const char *what)
{
	char help[160], pid[16];
	size_t i, n = 0;

	for (i = 0; i < res->n; i++)
		n += res->v[i].status != MEMACCT_CHECK_SKIPPED && res->v[i].unit == unit;
	if (!n)
		return;
	snprintf(help, sizeof(help),
		 "Left side minus right side of an identity, in %s (not for skipped ones).", what);
	prom_family(stdout, residual, "gauge", help);
	for (i = 0; i < res->n; i++)
		if (res->v[i].status != MEMACCT_CHECK_SKIPPED && res->v[i].unit == unit)
			prom_i64(stdout, residual, id_labels(&res->v[i], pid, sizeof(pid)),
				 res->v[i].residual);
	snprintf(help, sizeof(help),
		 "Tolerance an identity's residual was judged against, in %s.", what);
	prom_family(stdout, tolerance, "gauge", help);
	for (i = 0; i < res->n; i++)
		if (res->v[i].status != MEMACCT_CHECK_SKIPPED && res->v[i].unit == unit)
			prom_u64(stdout, tolerance, id_labels(&res->v[i], pid, sizeof(pid)),
				 res->v[i].tolerance);
}

/* @pid: 0 (the system's identities), -1 (--pid all) or the process of --pid. */
static void print_prom(const struct results *res, int pid_arg)
{
	static const uint32_t statuses[] = { MEMACCT_CHECK_HOLDS, MEMACCT_CHECK_CAVEAT,
					     MEMACCT_CHECK_VIOLATED, MEMACCT_CHECK_SKIPPED };
	size_t i, k;
	char pid[16];

	prom_family(stdout, "memacct_identity_status", "gauge",
		    "Verdict of a libmemacct identity: 1 for its status, 0 for the others.");
	for (i = 0; i < res->n; i++) {
		const struct result *o = &res->v[i];

		snprintf(pid, sizeof(pid), "%" PRId32, o->pid);
		for (k = 0; k < ARRAY_SIZE(statuses); k++)
			prom_u64(stdout, "memacct_identity_status",
				 (const char *const[]){ "id", o->id,
							"class", results_kind_name(o->kind),
							"status", results_status_name(statuses[k]),
							o->pid ? "pid" : NULL, pid, NULL },
				 o->status == statuses[k]);
	}

	print_prom_values(res, MEMACCT_UNIT_BYTES, "memacct_identity_residual_bytes",
			  "memacct_identity_tolerance_bytes", "bytes");
	print_prom_values(res, MEMACCT_UNIT_COUNT, "memacct_identity_residual",
			  "memacct_identity_tolerance", "a count (huge pages)");

	/* a pid label keeps 'check --pid' apart from 'check' in one textfile collector */
	if (pid_arg < 0)
		snprintf(pid, sizeof(pid), "all");
	else
		snprintf(pid, sizeof(pid), "%d", pid_arg);
	prom_family(stdout, "memacct_identities", "gauge",
		    "Number of identities checked, by status.");
	for (k = 0; k < ARRAY_SIZE(statuses); k++)
		prom_u64(stdout, "memacct_identities",
			 (const char *const[]){ "status", results_status_name(statuses[k]),
						pid_arg ? "pid" : NULL, pid, NULL },
			 res->by_status[statuses[k]]);
}

/* TAP text: a '#' would start a directive and a newline a new line, so neither stays bare. */
static void tap_text(const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			putchar('\\');
		putchar(*s == '\n' || *s == '\r' ? ' ' : *s);
	}
}

/* A YAML double-quoted scalar. */
static void yaml_str(const char *key, const char *s)
{
	printf("  %s: \"", key);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	puts("\"");
}

/*
 * TAP version 13 (prove(1), any TAP harness): one test point per result.
 * Holds and caveat are "ok" (a caveat says which after "# caveat:", not a
 * TAP directive), skipped is "ok ... # SKIP why", violated is "not ok" with
 * a YAML block of both sides, their difference, the tolerance and why.
 */
static void print_tap(const struct results *res)
{
	size_t i;

	puts("TAP version 13");
	if (!res->n)
		puts("1..0 # SKIP no identity was checked");
	else
		printf("1..%zu\n", res->n);
	for (i = 0; i < res->n; i++) {
		const struct result *o = &res->v[i];
		const char *why = o->reason ? o->reason : o->missing ? o->missing : "";

		printf("%s %zu - %s", o->status == MEMACCT_CHECK_VIOLATED ? "not ok" : "ok", i + 1,
		       o->id);
		if (o->pid)
			printf(" (pid %" PRId32 ")", o->pid);
		if (o->status == MEMACCT_CHECK_SKIPPED) {
			if (!strncmp(why, "skipped: ", 9))
				why += 9;
			fputs(" # SKIP ", stdout);
			tap_text(why);
		} else if (o->status == MEMACCT_CHECK_CAVEAT) {
			fputs(" # caveat: ", stdout);
			tap_text(o->caveat ? o->caveat : why);
		}
		putchar('\n');
		if (o->status != MEMACCT_CHECK_VIOLATED)
			continue;
		puts("  ---");
		if (o->pid)
			printf("  pid: %" PRId32 "\n", o->pid);
		printf("  class: %s\n", results_kind_name(o->kind));
		if (o->relation)
			yaml_str("relation", o->relation);
		printf("  lhs: %" PRIu64 "\n  rhs: %" PRIu64 "\n  difference: %" PRId64 "\n"
		       "  tolerance: %" PRIu64 "\n  unit: %s\n", o->lhs, o->rhs, o->residual,
		       o->tolerance, o->unit == MEMACCT_UNIT_COUNT ? "count" : "bytes");
		if (o->tolerance_source)
			yaml_str("tolerance_source", o->tolerance_source);
		yaml_str("reason", why);
		if (o->source)
			yaml_str("source", o->source);
		puts("  ...");
	}
	fputs("# ", stdout);
	results_summary_line(res, stdout, 0);
	if (res->per_process)
		printf("# processes: %u checked, %u vanished, %u unreadable, %u kernel threads\n",
		       res->processes, res->vanished, res->unreadable, res->kthreads);
}

struct check_args {
	const char *tolerance;
	struct idlist only;
	struct idlist skip;
	bool fold;
	bool list;
	bool pages;
	bool system;
	bool tap;	/* --format tap: check's own format, not a global one */
	int pid;	/* > 0: one process; -1: all; 0: none (the system identities) */
	unsigned threads;	/* --threads; 0: one per online CPU */
};

static int parse_pid(const char *arg, int *pid)
{
	char *end = NULL;
	long v;

	if (strcmp(arg, "all") == 0) {
		*pid = -1;
		return EXIT_OK;
	}
	errno = 0;
	v = arg[0] >= '0' && arg[0] <= '9' ? strtol(arg, &end, 10) : 0;
	if (v <= 0 || v > INT32_MAX || errno || !end || *end)
		return cli_usage_error("check", "--pid '%s': expected a process id (> 0) or 'all'",
				       arg);
	*pid = (int)v;
	return EXIT_OK;
}

static int parse_args(struct cli *cli, int argc, char **argv, struct check_args *a)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "skip", required_argument, NULL, OPT_SKIP },
		{ "fold", no_argument, NULL, OPT_FOLD },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "pages", no_argument, NULL, OPT_PAGES },
		{ "system", no_argument, NULL, OPT_SYSTEM },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_GLOBAL_SHORTOPTS, opts, NULL)) != -1) {
		if (c == OPT_FORMAT) {
			/* the last --format wins, tap as any other */
			a->tap = strcmp(optarg, "tap") == 0;
			if (a->tap)
				continue;
		}
		r = cli_global_option(cli, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_TOLERANCE:
			a->tolerance = optarg;
			break;
		case OPT_ONLY:
			r = idlist_add(&a->only, optarg, "--only");
			if (r != EXIT_OK)
				return r;
			break;
		case OPT_SKIP:
			r = idlist_add(&a->skip, optarg, "--skip");
			if (r != EXIT_OK)
				return r;
			break;
		case OPT_FOLD:
			a->fold = true;
			break;
		case OPT_LIST:
			a->list = true;
			break;
		case OPT_PID:
			r = parse_pid(optarg, &a->pid);
			if (r != EXIT_OK)
				return r;
			break;
		case OPT_PAGES:
			a->pages = true;
			break;
		case OPT_SYSTEM:
			a->system = true;
			break;
		case OPT_THREADS:
			if (cli_parse_threads("check", optarg, &a->threads))
				return EXIT_USAGE;
			break;
		default:
			return cli_bad_option("check", c, argv);
		}
	}
	if (cli->help)
		return EXIT_OK;
	if (optind < argc)
		return cli_usage_error("check", "unexpected argument '%s'", argv[optind]);
	r = idlist_validate(&a->only, "--only");
	if (r == EXIT_OK)
		r = idlist_validate(&a->skip, "--skip");
	if (r != EXIT_OK)
		return r;
	if (!a->list) {
		r = only_in_scope(&a->only, a->pid != 0);
		if (r != EXIT_OK)
			return r;
	}
	if (a->list && (cli->format == FORMAT_PROM || a->tap))
		return cli_usage_error("check", "--list has a table and a json form, not %s",
				       a->tap ? "tap" : "prom");
	if (a->pid && a->system)
		return cli_usage_error("check", "--system checks every process together; it does "
				       "not apply to --pid");
	if (a->pid && a->fold)
		return cli_usage_error("check", "--fold folds the system's counters; it does not "
				       "apply to --pid");
	return EXIT_OK;
}

static int pid_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The numeric directories of the root, sorted. */
static int list_pids(const struct cli *cli, int **ret, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	int *v = NULL;
	DIR *d;

	*n = 0;
	d = opendir(cli->root);
	if (!d) {
		cli_err("%s: cannot list the processes: %s", cli->root, strerror(errno));
		return EXIT_READ;
	}
	while ((e = readdir(d))) {
		char *end;
		long pid;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		if (*n == cap) {
			int *nv;

			cap = cap ? 2 * cap : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				cli_err("out of memory");
				return EXIT_READ;
			}
			v = nv;
		}
		v[(*n)++] = (int)pid;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), pid_cmp);
	*ret = v;
	return EXIT_OK;
}

/* Why an input could not be read ("" when it could): --pages, vmallocinfo. */
struct pages_note {
	char text[320];
};

static void pages_note_set(struct pages_note *note, const char *what, int err,
			   const struct memacct_diag *diag)
{
	const char *msg = diag && diag->error && diag->message ? diag->message
							    : memacct_strerror(err);

	snprintf(note->text, sizeof(note->text), "%s: %s%s", what, msg,
		 err == -EPERM && !strstr(msg, "CAP_SYS_ADMIN") ?
		 " (needs CAP_SYS_ADMIN: run as root)" : "");
}

/*
 * The skipped results matching @pattern say why, after the library's reason:
 * "@lead: NOTE." The library says an input is missing; only the CLI knows
 * whether the kernel refused it.
 */
static int note_annotate(struct results *res, const char *pattern, const char *lead,
			 const struct pages_note *note)
{
	size_t i, len;
	char *reason;

	if (!note->text[0])
		return EXIT_OK;
	for (i = 0; i < res->n; i++) {
		struct result *o = &res->v[i];

		if (o->status != MEMACCT_CHECK_SKIPPED || !pattern_matches(pattern, o->id))
			continue;
		len = (o->reason ? strlen(o->reason) + 1 : 0) + strlen(lead) + strlen(note->text) + 4;
		reason = malloc(len);
		if (!reason) {
			cli_err("out of memory");
			return EXIT_READ;
		}
		snprintf(reason, len, "%s%s%s: %s.", o->reason ? o->reason : "",
			 o->reason ? " " : "", lead, note->text);
		free(o->reason);
		o->reason = reason;
	}
	return EXIT_OK;
}

/* check --pages: the whole machine's census, or a note on stderr when the kernel refuses it. */
static int read_census(const struct cli *cli, struct memacct_source *src, unsigned threads,
		       struct memacct_census **ret, struct pages_note *note)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_census *c = NULL;
	int r;

	r = memacct_census_new(&c);
	if (r == 0)
		r = memacct_census_set_threads(c, threads);
	if (r < 0) {
		cli_err("cannot set up the census: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	r = memacct_census_read(c, src, 0, &diag);
	if (r == 0) {
		*ret = c;
		return EXIT_OK;
	}
	memacct_census_free(c);
	if (r == -EPERM || r == -EACCES || r == -ENOENT) {
		pages_note_set(note, "kpageflags", r, &diag);
		cli_err("note: the pages.* identities are skipped: %s", note->text);
		return EXIT_OK;
	}
	cli_pages_error(cli, 0, "kpageflags and kpagecount", r, &diag);
	return EXIT_READ;
}

/*
 * check --pid --pages: the process's pagemap (and kpagecount) for the pagemap.*
 * and pages.*_from_mapcount identities. Without CAP_SYS_ADMIN, pagemap alone
 * (no PFNs, no mapcounts): the pagemap.* identities still run.
 */
static int attach_exact(const struct cli *cli, const struct check_args *a,
			struct memacct_exact *ex, struct memacct_source *src,
			const struct proc_inputs *p, int pid, struct memacct_snapshot *snap,
			bool *no_pfns, struct pages_note *note)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	const struct memacct_vmas *vmas = p->have_smaps ? p->smaps : NULL;
	int r;

	r = memacct_exact_read(ex, src, pid, vmas, *no_pfns ? MEMACCT_EXACT_NO_MAPCOUNT : 0, &diag);
	/* Hidden PFNs, no kpagecount (a capture without it), or not its entries: pagemap alone. */
	if ((r == -EPERM || r == -ENOENT || r == -ENODATA) && !*no_pfns) {
		if (r != -ENODATA)
			*no_pfns = true;
		if (!note->text[0]) {
			pages_note_set(note, "pagemap", r, &diag);
			cli_err("note: the identities that need PFNs or kpagecount are skipped: %s",
				note->text);
		}
		diag = (struct memacct_diag){ .sz = sizeof(diag) };
		r = memacct_exact_read(ex, src, pid, vmas, MEMACCT_EXACT_NO_MAPCOUNT, &diag);
	}
	if (r == 0) {
		r = memacct_snapshot_set_exact(snap, ex);
		if (r < 0) {
			cli_err("cannot set up the identity check: %s", memacct_strerror(r));
			return EXIT_READ;
		}
		return EXIT_OK;
	}
	/* Not attached: the identities that need it are skipped, naming it. */
	if (a->pid < 0)
		return EXIT_OK;
	if (r == -EPERM || r == -EACCES || r == -ENOENT || r == -ENODATA) {
		if (!note->text[0]) {
			pages_note_set(note, "pagemap", r, &diag);
			cli_err("note: the pagemap.* identities are skipped: %s", note->text);
		}
		return EXIT_OK;
	}
	cli_pages_error(cli, pid, "pagemap", r, &diag);
	return EXIT_READ;
}

/* The per-process identities of one pid (@all: of each, skipping those that cannot be read). */
static int check_processes(const struct cli *cli, const struct check_args *a,
			   const struct memacct_check_opts *opts, struct results *res)
{
	struct memacct_source *src = NULL;
	struct memacct_exact *ex = NULL;
	struct pages_note note = { "" };
	struct proc_inputs p;
	int *pids = NULL, one = a->pid, r;
	bool no_pfns = false;
	size_t n = 1;

	res->per_process = true;
	r = memacct_source_new(cli->root, NULL, &src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	if (proc_inputs_new(&p) != EXIT_OK) {
		memacct_source_free(src);
		return EXIT_READ;
	}
	r = a->pid < 0 ? list_pids(cli, &pids, &n) : EXIT_OK;
	if (r == EXIT_OK && a->pages && memacct_exact_new(&ex) < 0) {
		cli_err("cannot set up the exact accounting: out of memory");
		r = EXIT_READ;
	}
	for (size_t i = 0; r == EXIT_OK && i < n; i++) {
		int pid = pids ? pids[i] : one, k;
		struct memacct_snapshot *snap = NULL;

		k = proc_inputs_read(&p, src, cli, pid, a->pid < 0);
		if (k == PROC_KTHREAD) {
			res->kthreads++;
			if (a->pid > 0)
				cli_err("%d is a kernel thread (or a zombie): no memory map, so no "
					"process identity applies", pid);
			continue;
		}
		if (k == PROC_VANISHED || k == PROC_UNREADABLE || k == PROC_ERROR) {
			if (k == PROC_VANISHED)
				res->vanished++;
			else
				res->unreadable++;
			if (a->pid < 0)
				continue;
			if (k == PROC_VANISHED)
				cli_err("%s/%d: no such process", cli->root, pid);
			else if (k == PROC_UNREADABLE)
				cli_err("%s/%d: permission denied", cli->root, pid);
			r = EXIT_READ;
			break;
		}
		r = proc_inputs_snapshot(&p, src, pid, &snap);
		if (r == EXIT_OK && ex)
			r = attach_exact(cli, a, ex, src, &p, pid, snap, &no_pfns, &note);
		if (r == EXIT_OK)
			r = results_append(res, snap, opts);
		memacct_snapshot_free(snap);
		res->processes++;
	}
	if (r == EXIT_OK)
		r = note_annotate(res, "pages.*", "The page tables could not be read", &note);
	free(pids);
	memacct_exact_free(ex);
	proc_inputs_free(&p);
	memacct_source_free(src);
	return r;
}

/* check --system: every process of the root, for the system.* identities. */
static int scan_processes(const struct cli *cli, struct memacct_source *src, unsigned threads,
			  struct memacct_snapshot *snap, struct memacct_procs **ret)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	int r = memacct_procs_new(ret);

	if (r == 0)
		r = memacct_procs_set_threads(*ret, threads);
	if (r == 0)
		r = memacct_procs_read(*ret, src, 0, &diag);
	if (r == 0)
		r = memacct_snapshot_set_procs(snap, *ret);
	if (r < 0) {
		cli_err("%s: cannot scan the processes: %s", cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	return EXIT_OK;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct memacct_check_opts opts = { .sz = sizeof(opts) };
	struct check_args a = { .tap = cli->tap };
	struct memacct_snapshot *snap = NULL;
	struct memacct_census *census = NULL;
	struct memacct_procs *procs = NULL;
	struct pages_note note = { "" };
	struct results res = { 0 };
	struct inputs in = { 0 };
	int r;

	r = parse_args(cli, argc, argv, &a);
	if (r != EXIT_OK)
		goto out;
	if (cli->help) {
		help_check(stdout);
		goto out;
	}
	if (a.tolerance) {
		int e = parse_tolerance(a.tolerance, &opts);

		if (e < 0) {
			r = cli_usage_error("check", "--tolerance '%s': %s", a.tolerance,
					    e == -ERANGE ? "out of range (at most 100%, 2^64-1 bytes)" :
					    "expected bytes (e.g. 4096, 16K) or a percentage "
					    "(e.g. 0.5%)");
			goto out;
		}
	}
	if (a.list) {
		r = print_list(cli, a.pid != 0, a.pages, a.system);
		goto out;
	}
	/*
	 * --pid: the per-process identities only; else the system ones only. Those of
	 * the page tables with --pages, or when --only names them (then skipped
	 * without --pages, saying what is missing).
	 */
	{
		const struct memacct_check_info *info;
		int i, n = memacct_check_count();

		for (i = 0; i < n; i++) {
			if (memacct_check_at((size_t)i, &info) < 0 ||
			    runs(info->id, a.pid != 0, a.pages || a.only.n, a.system || a.only.n))
				continue;
			if (idlist_push(&a.skip, info->id, strlen(info->id)) < 0) {
				cli_err("out of memory");
				r = EXIT_READ;
				goto out;
			}
		}
	}
	opts.only = (const char *const *)a.only.v;
	opts.skip = (const char *const *)a.skip.v;

	if (a.pid) {
		r = check_processes(cli, &a, &opts, &res);
		if (r != EXIT_OK)
			goto out;
		goto print;
	}

	r = inputs_open(&in, cli, 0);
	if (r == EXIT_OK && a.fold)
		r = inputs_fold(&in, cli);
	/* The census is one long pass: meminfo and buddyinfo are read right after it. */
	if (r == EXIT_OK && a.pages)
		r = read_census(cli, in.src, a.threads, &census, &note);
	if (r == EXIT_OK)
		r = inputs_read_all(&in, cli);
	if (r == EXIT_OK)
		r = inputs_snapshot(&in, &snap);
	if (r == EXIT_OK && census && memacct_snapshot_set_census(snap, census) < 0) {
		cli_err("cannot set up the identity check: the census was refused");
		r = EXIT_READ;
	}
	if (r == EXIT_OK && a.system)
		r = scan_processes(cli, in.src, a.threads, snap, &procs);
	if (r == EXIT_OK)
		r = results_run(&res, snap, &opts);
	if (r == EXIT_OK)
		r = note_annotate(&res, "pages.*", "The page tables could not be read", &note);
	if (r == EXIT_OK && (in.vi_err == -EACCES || in.vi_err == -EPERM)) {
		struct pages_note vn;

		snprintf(vn.text, sizeof(vn.text), "%s (the kernel lets only root read it)",
			 memacct_strerror(in.vi_err));
		r = note_annotate(&res, "vmalloc.*", "vmallocinfo was refused", &vn);
	}
	if (r != EXIT_OK)
		goto out;
print:
	if (a.tap)
		print_tap(&res);
	else if (cli->format == FORMAT_JSON)
		print_json(&res);
	else if (cli->format == FORMAT_PROM)
		print_prom(&res, a.pid);
	else
		print_table(&res);
	r = res.by_status[MEMACCT_CHECK_VIOLATED] > 0 || res.violated > 0 ? EXIT_VIOLATED : EXIT_OK;
out:
	results_free(&res);
	memacct_snapshot_free(snap);
	memacct_census_free(census);
	memacct_procs_free(procs);
	inputs_close(&in);
	idlist_free(&a.only);
	idlist_free(&a.skip);
	return r;
}
