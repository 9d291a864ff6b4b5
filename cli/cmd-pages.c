/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_PID = OPT_CMD_FIRST,
	OPT_CGROUPS,
	OPT_CGROUP_ROOT,
	OPT_BYTES,
	OPT_THREADS,
};


void help_pages(FILE *f)
{
	fputs("Usage: " PROG " pages [--pid PID] [--cgroups [--cgroup-root DIR]] [--bytes]\n"
	      "                         [--threads N] [--root DIR] [--format table|json|prom]\n"
	      "\n"
	      "Count the physical pages of the machine by their kernel flags: every page\n"
	      "frame (PFN) of ROOT/kpageflags and ROOT/kpagecount, in one pass (the job\n"
	      "of the kernel's tools/mm/page-types), in bytes:\n"
	      "  flags         the bytes of pages with each kpageflags bit (LRU, ACTIVE,\n"
	      "                ANON, SWAPBACKED, HUGE, THP, MLOCKED, ...); bits 32 and up\n"
	      "                are the kernel's debugging bits, subject to change, and\n"
	      "                are marked unstable\n"
	      "  combinations  the bytes of page kinds that take several bits: anon,\n"
	      "                file (page cache), shmem (SWAPBACKED and not ANON), lru,\n"
	      "                lru_active, mapped_file (not ANON, mapped: meminfo's\n"
	      "                Mapped), mapped_anon (meminfo's AnonPages), dirty_file,\n"
	      "                buddy (free), buddy_heads, no_flags, ...\n"
	      "A flag describes the folio a page belongs to: every page of a huge page\n"
	      "counts. '" PROG " check --pages' compares the census with meminfo.\n"
	      "With --pid, the same census over the present pages of one process (each\n"
	      "virtual page once, from ROOT/PID/pagemap), and the histogram of their\n"
	      "mapcounts (how many page tables map each page).\n"
	      "The kernel lets only root (CAP_SYS_ADMIN) read these files: without it\n"
	      "nothing is printed and the exit status is 3. Never a count of zeros.\n"
	      "\n"
	      "Options:\n"
	      "  --pid PID          the census of process PID's present pages, with the\n"
	      "                     histogram of their mapcounts\n"
	      "  --cgroups          also read ROOT/kpagecgroup: the bytes charged to each\n"
	      "                     memory cgroup, named by the cgroup filesystem\n"
	      "  --cgroup-root DIR  name cgroups from the directories of DIR (default:\n"
	      "                     /sys/fs/cgroup/memory when it exists, else\n"
	      "                     /sys/fs/cgroup; with a captured --root, none unless\n"
	      "                     given: the machine's own names would be wrong)\n"
	      "  --bytes            table: exact bytes instead of binary units\n"
	      "  --threads N        read the kpage* files with N threads, 1 to 1024, or 0\n"
	      "                     (default) for one per online CPU; never more than\n"
	      "                     the files have chunks of 128 Ki PFNs (1 MiB of each).\n"
	      "                     The counts are the same for any N. --pid reads with\n"
	      "                     one\n"
	      "  --root DIR         read DIR instead of /proc: a captured tree with the\n"
	      "                     kpage* files (see '" PROG " capture')\n"
	      "  --format FORMAT    table (default), json or prom\n"
	      "  -h, --help         show this help\n"
	      "\n", f);
	fputs("Output:\n"
	      "  table  the combinations, then the flags (unstable ones marked *), then\n"
	      "         with --pid the mapcounts, with --cgroups the cgroups: each in\n"
	      "         binary units (with --bytes, exact bytes) and in % of the total.\n"
	      "         Fits 80 columns.\n"
	      "  json   {\"pid\"? (with --pid), \"scope\": \"system\"|\"process\",\n"
	      "          \"page_size\": bytes, \"pfns\": pages counted, \"total\": bytes,\n"
	      "          \"combinations\": {\"total\", \"anon\", \"file\", \"shmem\", ...: bytes},\n"
	      "          \"flags\": {\"LOCKED\", ..., \"LRU\", \"ANON\", \"MLOCKED\", ...: bytes},\n"
	      "          \"unstable_flags\": [\"RESERVED\", \"MLOCKED\", ...],\n"
	      "          \"mapcount\": [{\"mapcount\": N, \"bytes\": N}, ...] (kpagecount),\n"
	      "          \"cgroups\"? (with --cgroups): [{\"inode\": N, \"path\": \"/x\"|null,\n"
	      "          \"bytes\": N}, ...]}. Every flag the library names is a key, 0\n"
	      "         included; \"path\" is null when no cgroup directory has that inode\n"
	      "         (inode 0: pages charged to no cgroup).\n"
	      "  prom   memacct_pages_bytes{combination}, memacct_pages_flag_bytes{flag},\n"
	      "         memacct_pages_mapcount_bytes{mapcount} (--pid),\n"
	      "         memacct_pages_cgroup_bytes{inode,cgroup} (--cgroups; cgroup is \"\"\n"
	      "         when unnamed), memacct_pages_page_size_bytes, memacct_pages_pfns;\n"
	      "         all gauges; with --pid each also has a pid label.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed\n"
	      "  2  usage error\n"
	      "  3  the files could not be read: not root (\"... CAP_SYS_ADMIN ...\"),\n"
	      "     a kernel or capture without them, no such process, a malformed\n"
	      "     capture; nothing is printed\n"
	      "\n"
	      "Examples:\n"
	      "  sudo " PROG " pages\n"
	      "  sudo " PROG " pages --format json | jq .combinations.mapped_file\n"
	      "  sudo " PROG " pages --pid 1 --format json | jq .mapcount\n"
	      "  sudo " PROG " pages --cgroups --format prom\n", f);
}

/* One line on stderr for a failed read of the page tables; the caller exits 3. */
void cli_pages_error(const struct cli *cli, int pid, const char *what, int err,
		     const struct memacct_diag *diag)
{
	const char *msg = diag && diag->error && diag->message ? diag->message : NULL;
	char where[64];

	if (pid > 0)
		snprintf(where, sizeof(where), "pid %d: ", pid);
	else
		where[0] = '\0';
	switch (err) {
	case -EPERM:
		if (!msg)
			msg = memacct_strerror(err);
		cli_err("%s%s: %s%s", where, what, msg,
			strstr(msg, "CAP_SYS_ADMIN") ? "; run as root" :
			" (the kernel lets only CAP_SYS_ADMIN read it: run as root)");
		return;
	case -ESRCH:
		cli_err("pid %d: no such process", pid);
		return;
	case -EACCES:
		if (pid > 0) {
			cli_err("%s%s%d/pagemap: %s", cli->root,
				cli->root[0] && cli->root[strlen(cli->root) - 1] == '/' ? "" : "/", pid,
				strerror(EACCES));
			return;
		}
		break;
	case -ENOENT:
		cli_err("%s%s: %s: %s", where, cli->root, what,
			msg ? msg : "the files are absent (a kernel without them, or a capture "
				    "without them)");
		return;
	case -ENODATA:
		cli_err("%s%s: %s: %s", where, cli->root, what,
			msg ? msg : "the capture does not hold the entries needed");
		return;
	default:
		break;
	}
	if (msg && diag->line)
		cli_err("%s%s: %s: %s%s%s, line %u column %u (%s)", where, cli->root, what,
			diag->key[0] ? diag->key : "", diag->key[0] ? ": " : "", msg,
			(unsigned)diag->line, (unsigned)diag->column, memacct_strerror(err));
	else if (msg)
		cli_err("%s%s: %s: %s (%s)", where, cli->root, what, msg, memacct_strerror(err));
	else
		cli_err("%s%s: %s: %s", where, cli->root, what, memacct_strerror(err));
}

/* What a combination counts, for the table: at most 35 columns. */
static const char *const combination_text[] = {
	[MEMACCT_CENSUS_TOTAL] = "every page counted",
	[MEMACCT_CENSUS_ANON] = "ANON",
	[MEMACCT_CENSUS_FILE] = "page cache: not anon, not shmem",
	[MEMACCT_CENSUS_SHMEM] = "SWAPBACKED, not ANON",
	[MEMACCT_CENSUS_SLAB] = "SLAB",
	[MEMACCT_CENSUS_BUDDY] = "BUDDY: free",
	[MEMACCT_CENSUS_PGTABLE] = "PGTABLE: page tables",
	[MEMACCT_CENSUS_HUGETLB] = "HUGE: hugetlb pages",
	[MEMACCT_CENSUS_THP] = "THP: transparent huge pages",
	[MEMACCT_CENSUS_UNEVICTABLE] = "UNEVICTABLE",
	[MEMACCT_CENSUS_MLOCKED] = "MLOCKED",
	[MEMACCT_CENSUS_DIRTY] = "DIRTY",
	[MEMACCT_CENSUS_WRITEBACK] = "WRITEBACK",
	[MEMACCT_CENSUS_SWAPCACHE] = "SWAPCACHE",
	[MEMACCT_CENSUS_KSM] = "KSM",
	[MEMACCT_CENSUS_ZERO_PAGE] = "ZERO_PAGE",
	[MEMACCT_CENSUS_IDLE] = "IDLE",
	[MEMACCT_CENSUS_OFFLINE] = "OFFLINE or NOPAGE: not usable",
	[MEMACCT_CENSUS_LRU] = "LRU",
	[MEMACCT_CENSUS_LRU_ACTIVE] = "LRU and ACTIVE",
	[MEMACCT_CENSUS_MAPPED_FILE] = "not ANON, mapped (meminfo Mapped)",
	[MEMACCT_CENSUS_MAPPED_ANON] = "ANON, mapped (meminfo AnonPages)",
	[MEMACCT_CENSUS_MMAP] = "MMAP",
	[MEMACCT_CENSUS_DIRTY_FILE] = "DIRTY, not SWAPBACKED (Dirty)",
	[MEMACCT_CENSUS_NO_FLAGS] = "no flag at all: off every list",
	[MEMACCT_CENSUS_MAPPED] = "mapcount > 0",
	[MEMACCT_CENSUS_BUDDY_HEADS] = "first pages of free blocks",
};

#define FLAG_BITS 64

struct pages {
	const struct cli *cli;
	int pid;		/* 0: the whole machine */
	char pidstr[16];
	bool bytes;
	bool cgroups;
	const char *cgroup_root;
	unsigned int threads;	/* 0: the online CPUs */
	struct memacct_source *src;
	struct memacct_census *c;
	struct memacct_cgroups *cg;	/* NULL: no names */
	uint64_t page_size;		/* 0: unknown */
	uint64_t total;
};

static const char *value_text(const struct pages *p, char buf[HUMAN_LEN], uint64_t v)
{
	if (p->bytes) {
		snprintf(buf, HUMAN_LEN, "%" PRIu64, v);
		return buf;
	}
	return human_ubytes(buf, v);
}

static const char *cgroup_path(const struct pages *p, uint64_t ino)
{
	const char *path;

	if (!p->cg || memacct_cgroups_path(p->cg, ino, &path) < 0)
		return NULL;
	return path;
}

static bool flag_at(const struct pages *p, unsigned int bit, const char **name, bool *unstable,
		    uint64_t *v)
{
	uint32_t attrs = 0;

	if (memacct_kpageflag_info(bit, name, &attrs) < 0 || !*name)
		return false;
	*unstable = attrs & MEMACCT_KPF_ATTR_UNSTABLE;
	return memacct_census_get_flag(p->c, bit, v) == 0;
}

static void print_table(const struct pages *p)
{
	char h[HUMAN_LEN], pct[HUMAN_LEN], name[32];
	int vw = p->bytes ? 20 : 10, n, i;
	bool any_unstable = false, unstable;
	const char *s;
	uint64_t v, m;

	if (p->pid)
		printf("page census of pid %d: ", p->pid);
	else
		printf("page census: ");
	if (p->page_size)
		printf("%" PRIu64 " %s of %" PRIu64 " B, ", p->total / p->page_size,
		       p->pid ? "present pages" : "PFNs", p->page_size);
	printf("%s%s\n", value_text(p, h, p->total), p->bytes ? " B" : "");

	printf("\n%-14s %*s %7s  %s\n", "COMBINATION", vw, p->bytes ? "BYTES" : "SIZE", "%TOTAL",
	       "COUNTS");
	n = memacct_census_key_count();
	for (i = 1; i <= n; i++) {
		if (memacct_census_key_name((uint32_t)i, &s) < 0 ||
		    memacct_census_get(p->c, (uint32_t)i, &v) < 0)
			continue;
		printf("%-14s %*s %7s  %s\n", s, vw, value_text(p, h, v),
		       human_percent(pct, (int64_t)v, p->total),
		       (size_t)i < ARRAY_SIZE(combination_text) && combination_text[i] ?
		       combination_text[i] : "");
	}

	printf("\n%-14s %*s %7s\n", "FLAG", vw, p->bytes ? "BYTES" : "SIZE", "%TOTAL");
	for (i = 0; i < FLAG_BITS; i++) {
		if (!flag_at(p, (unsigned int)i, &s, &unstable, &v))
			continue;
		snprintf(name, sizeof(name), "%s%s", s, unstable ? "*" : "");
		any_unstable |= unstable;
		printf("%-14s %*s %7s\n", name, vw, value_text(p, h, v),
		       human_percent(pct, (int64_t)v, p->total));
	}
	if (any_unstable)
		printf("* a kernel debugging bit (32 and up), subject to change\n");

	/* The machine's histogram has a row per process count: JSON only. */
	n = p->pid ? memacct_census_mapcount_count(p->c) : 0;
	if (p->pid) {
		printf("\n%-14s %*s %7s\n", "MAPCOUNT", vw, p->bytes ? "BYTES" : "SIZE", "%TOTAL");
		for (i = 0; i < n; i++) {
			if (memacct_census_mapcount_at(p->c, (size_t)i, &m, &v) < 0)
				continue;
			printf("%-14" PRIu64 " %*s %7s\n", m, vw, value_text(p, h, v),
			       human_percent(pct, (int64_t)v, p->total));
		}
	}

	if (p->cgroups) {
		/* 80 columns: the path gets what the numbers leave. */
		int room = 80 - (vw + 1 + 7 + 1 + 12 + 2);

		printf("\n%*s %7s %12s  %s\n", vw, p->bytes ? "BYTES" : "SIZE", "%TOTAL",
		       "INODE", "CGROUP");
		n = memacct_census_cgroup_count(p->c);
		for (i = 0; i < n; i++) {
			const char *path;
			size_t len;

			if (memacct_census_cgroup_at(p->c, (size_t)i, &m, &v) < 0)
				continue;
			path = cgroup_path(p, m);
			if (!path)
				path = m ? "-" : "- (no cgroup)";
			len = strlen(path);
			printf("%*s %7s %12" PRIu64 "  %s%s\n", vw, value_text(p, h, v),
			       human_percent(pct, (int64_t)v, p->total), m,
			       (int)len > room ? "..." : "",
			       (int)len > room ? path + len - (size_t)(room - 3) : path);
		}
	}
}

static void print_json(const struct pages *p)
{
	const char *s, *path;
	bool unstable;
	struct json j;
	uint64_t v, m;
	uint32_t attrs;
	int i, n;

	json_begin(&j, stdout);
	json_object_begin(&j);
	if (p->pid)
		json_kv_u64(&j, "pid", (uint64_t)p->pid);
	json_kv_str(&j, "scope", p->pid ? "process" : "system");
	if (p->page_size) {
		json_kv_u64(&j, "page_size", p->page_size);
		json_kv_u64(&j, "pfns", p->total / p->page_size);
	}
	json_kv_u64(&j, "total", p->total);

	json_key(&j, "combinations");
	json_object_begin(&j);
	n = memacct_census_key_count();
	for (i = 1; i <= n; i++)
		if (memacct_census_key_name((uint32_t)i, &s) == 0 &&
		    memacct_census_get(p->c, (uint32_t)i, &v) == 0)
			json_kv_u64(&j, s, v);
	json_object_end(&j);

	json_key(&j, "flags");
	json_object_begin(&j);
	for (i = 0; i < FLAG_BITS; i++)
		if (flag_at(p, (unsigned int)i, &s, &unstable, &v))
			json_kv_u64(&j, s, v);
	json_object_end(&j);

	json_key(&j, "unstable_flags");
	json_array_begin(&j);
	for (i = 0; i < FLAG_BITS; i++)
		if (memacct_kpageflag_info((unsigned int)i, &s, &attrs) == 0 && s &&
		    (attrs & MEMACCT_KPF_ATTR_UNSTABLE))
			json_str(&j, s);
	json_array_end(&j);

	n = memacct_census_mapcount_count(p->c);
	if (n > 0 || p->pid) {
		json_key(&j, "mapcount");
		json_array_begin(&j);
		for (i = 0; i < n; i++) {
			if (memacct_census_mapcount_at(p->c, (size_t)i, &m, &v) < 0)
				continue;
			json_object_begin(&j);
			json_kv_u64(&j, "mapcount", m);
			json_kv_u64(&j, "bytes", v);
			json_object_end(&j);
		}
		json_array_end(&j);
	}

	if (p->cgroups) {
		json_key(&j, "cgroups");
		json_array_begin(&j);
		n = memacct_census_cgroup_count(p->c);
		for (i = 0; i < n; i++) {
			if (memacct_census_cgroup_at(p->c, (size_t)i, &m, &v) < 0)
				continue;
			json_object_begin(&j);
			json_kv_u64(&j, "inode", m);
			json_key(&j, "path");
			path = cgroup_path(p, m);
			if (path)
				json_str(&j, path);
			else
				json_null(&j);
			json_kv_u64(&j, "bytes", v);
			json_object_end(&j);
		}
		json_array_end(&j);
	}
	json_object_end(&j);
	json_end(&j);
}

/* Labels: {pid}? then up to two more name, value pairs; lives until the next call. */
static const char *const *labels(const struct pages *p, const char *k1, const char *v1,
				 const char *k2, const char *v2)
{
	static const char *l[7];
	size_t n = 0;

	if (p->pid) {
		l[n++] = "pid";
		l[n++] = p->pidstr;
	}
	if (k1) {
		l[n++] = k1;
		l[n++] = v1;
	}
	if (k2) {
		l[n++] = k2;
		l[n++] = v2;
	}
	l[n] = NULL;
	return l;
}

static void print_prom(const struct pages *p)
{
	const char *s, *path;
	char num[24];
	bool unstable;
	uint64_t v, m;
	int i, n;

	if (p->page_size) {
		prom_family(stdout, "memacct_pages_page_size_bytes", "gauge",
			    "The page size of the page census, in bytes.");
		prom_u64(stdout, "memacct_pages_page_size_bytes", labels(p, NULL, NULL, NULL, NULL),
			 p->page_size);
		/* One HELP with and without --pid: node_exporter drops a family whose
		 * HELP differs between two files of its textfile directory. */
		prom_family(stdout, "memacct_pages_pfns", "gauge",
			    "Pages counted by the page census: page frames (PFNs), or with a pid "
			    "label the present pages of that process.");
		prom_u64(stdout, "memacct_pages_pfns", labels(p, NULL, NULL, NULL, NULL),
			 p->total / p->page_size);
	}

	prom_family(stdout, "memacct_pages_bytes", "gauge",
		    "Bytes of pages of a kind (a combination of kpageflags bits and kpagecount; "
		    "see memacct-cli pages --help).");
	n = memacct_census_key_count();
	for (i = 1; i <= n; i++)
		if (memacct_census_key_name((uint32_t)i, &s) == 0 &&
		    memacct_census_get(p->c, (uint32_t)i, &v) == 0)
			prom_u64(stdout, "memacct_pages_bytes",
				 labels(p, "combination", s, NULL, NULL), v);

	prom_family(stdout, "memacct_pages_flag_bytes", "gauge",
		    "Bytes of pages with a kpageflags bit set, by the kernel's name of the bit "
		    "(bits 32 and up are debugging bits, subject to change).");
	for (i = 0; i < FLAG_BITS; i++)
		if (flag_at(p, (unsigned int)i, &s, &unstable, &v))
			prom_u64(stdout, "memacct_pages_flag_bytes", labels(p, "flag", s, NULL, NULL),
				 v);

	n = p->pid ? memacct_census_mapcount_count(p->c) : 0;
	if (n > 0) {
		prom_family(stdout, "memacct_pages_mapcount_bytes", "gauge",
			    "Bytes of pages mapped by this many page tables (kpagecount).");
		for (i = 0; i < n; i++) {
			if (memacct_census_mapcount_at(p->c, (size_t)i, &m, &v) < 0)
				continue;
			snprintf(num, sizeof(num), "%" PRIu64, m);
			prom_u64(stdout, "memacct_pages_mapcount_bytes",
				 labels(p, "mapcount", num, NULL, NULL), v);
		}
	}

	n = p->cgroups ? memacct_census_cgroup_count(p->c) : 0;
	if (n > 0) {
		prom_family(stdout, "memacct_pages_cgroup_bytes", "gauge",
			    "Bytes of pages charged to a memory cgroup, by the inode of its "
			    "directory and its path (\"\" when unnamed).");
		for (i = 0; i < n; i++) {
			if (memacct_census_cgroup_at(p->c, (size_t)i, &m, &v) < 0)
				continue;
			snprintf(num, sizeof(num), "%" PRIu64, m);
			path = cgroup_path(p, m);
			prom_u64(stdout, "memacct_pages_cgroup_bytes",
				 labels(p, "inode", num, "cgroup", path ? path : ""), v);
		}
	}
}

static int parse_args(struct cli *cli, int argc, char **argv, struct pages *p)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "pid", required_argument, NULL, OPT_PID },
		{ "cgroups", no_argument, NULL, OPT_CGROUPS },
		{ "cgroup-root", required_argument, NULL, OPT_CGROUP_ROOT },
		{ "bytes", no_argument, NULL, OPT_BYTES },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_next_option(cli, "pages", argc, argv, opts)) >= 0) {
		switch (c) {
		case OPT_PID:
			if (cli_parse_pid("pages", optarg, &p->pid))
				return EXIT_USAGE;
			break;
		case OPT_CGROUPS:
			p->cgroups = true;
			break;
		case OPT_CGROUP_ROOT:
			if (!optarg[0])
				return cli_usage_error("pages", "--cgroup-root needs a directory");
			p->cgroup_root = optarg;
			break;
		case OPT_BYTES:
			p->bytes = true;
			break;
		case OPT_THREADS:
			if (cli_parse_threads("pages", optarg, &p->threads))
				return EXIT_USAGE;
			break;
		}
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help)
		return EXIT_OK;
	if (optind < argc)
		return cli_usage_error("pages", "unexpected argument '%s'", argv[optind]);
	if (p->cgroup_root && !p->cgroups)
		return cli_usage_error("pages", "--cgroup-root names the cgroups of --cgroups");
	return EXIT_OK;
}

/* Names for the memcg inodes: only from the machine the census was read on. */
static int open_cgroups(struct pages *p)
{
	uint64_t live = 0;
	int r;

	if (!p->cgroup_root &&
	    (memacct_source_get(p->src, MEMACCT_SOURCE_LIVE, &live) < 0 || !live))
		return EXIT_OK;
	r = memacct_cgroups_new(p->cgroup_root, &p->cg);
	if (r == -ENOENT && !p->cgroup_root)
		return EXIT_OK;	/* no cgroup filesystem: inodes without names */
	if (r < 0) {
		cli_err("%s: cannot index the cgroups: %s",
			p->cgroup_root ? p->cgroup_root : "/sys/fs/cgroup", memacct_strerror(r));
		return EXIT_READ;
	}
	return EXIT_OK;
}

int cmd_pages(struct cli *cli, int argc, char **argv)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct pages p;
	uint32_t flags;
	int r;

	memset(&p, 0, sizeof(p));
	p.cli = cli;
	r = parse_args(cli, argc, argv, &p);
	if (r != EXIT_OK)
		return r;
	if (cli->help) {
		help_pages(stdout);
		return EXIT_OK;
	}
	snprintf(p.pidstr, sizeof(p.pidstr), "%d", p.pid);

	r = memacct_source_new(cli->root, NULL, &p.src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	r = memacct_census_new(&p.c);
	if (r < 0) {
		cli_err("cannot set up the census: %s", memacct_strerror(r));
		r = EXIT_READ;
		goto out;
	}
	r = memacct_census_set_threads(p.c, p.threads);
	if (r < 0) {
		cli_err("cannot set up the census: %s", memacct_strerror(r));
		r = EXIT_READ;
		goto out;
	}
	flags = p.cgroups ? MEMACCT_CENSUS_CGROUPS : 0;
	if (p.pid)
		r = memacct_census_read_pid(p.c, p.src, p.pid, flags, &diag);
	else
		r = memacct_census_read(p.c, p.src, flags, &diag);
	if (r < 0) {
		cli_pages_error(cli, p.pid,
				p.pid ? "pagemap and kpage*" :
				p.cgroups ? "kpageflags, kpagecount and kpagecgroup" :
				"kpageflags and kpagecount", r, &diag);
		r = EXIT_READ;
		goto out;
	}
	if (memacct_census_get(p.c, MEMACCT_CENSUS_TOTAL, &p.total) < 0) {
		cli_err("the census has no total");
		r = EXIT_READ;
		goto out;
	}
	if (memacct_source_get(p.src, MEMACCT_SOURCE_PAGE_SIZE, &p.page_size) < 0)
		p.page_size = 0;
	if (p.cgroups) {
		r = open_cgroups(&p);
		if (r != EXIT_OK)
			goto out;
	}

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
	r = EXIT_OK;
out:
	memacct_cgroups_free(p.cg);
	memacct_census_free(p.c);
	memacct_source_free(p.src);
	return r;
}
