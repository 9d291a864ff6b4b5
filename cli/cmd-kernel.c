/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <memacct/hugepages.h>
#include <memacct/nodes.h>
#include <memacct/vmallocinfo.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

enum {
	OPT_CALLERS = OPT_CMD_FIRST,
};

#define DEFAULT_CALLERS 10

void help_kernel(FILE *f)
{
	fputs("Usage: " PROG " kernel [--callers N] [--root DIR]\n"
	      "                      [--format table|json|prom]\n"
	      "\n"
	      "The kernel side of the memory, in bytes, section by section:\n"
	      "  vmalloc   ROOT/vmallocinfo: the RAM vmalloc'd (pages= of the vmalloc\n"
	      "            areas, times the page size) next to meminfo's VmallocUsed,\n"
	      "            which is 0 on Linux 4.4 to 5.2 and counted every area,\n"
	      "            ioremap included, before 4.4; the ioremap address space\n"
	      "            (device memory: no RAM); the callers with the most RAM\n"
	      "  modules   ROOT/modules: each module's size as lsmod gives it, and the\n"
	      "            area vmallocinfo has at its address (the RAM it holds)\n"
	      "  hugepages ROOT/../sys/kernel/mm/hugepages/hugepages-*/: each pool's\n"
	      "            total, free, reserved, surplus and overcommit huge pages,\n"
	      "            and its bytes (total * size), against meminfo's Hugetlb\n"
	      "  nodes     ROOT/../sys/devices/system/node/node*/meminfo: MemTotal,\n"
	      "            MemFree, FilePages, AnonPages, Shmem and Slab of each NUMA\n"
	      "            node, their sum, and the system's (FilePages: Cached +\n"
	      "            Buffers + SwapCached)\n"
	      "ROOT/../sys is /sys for the live /proc, and DIR/sys for a captured tree\n"
	      "DIR/proc ('" PROG " capture' copies all of these files).\n"
	      "A section whose files are absent (a kernel without modules, hugetlb or\n"
	      "NUMA sysfs, a capture without them) or unreadable (vmallocinfo is\n"
	      "root-only) says so in one line, and is null in JSON: never zeros.\n"
	      "When the kernel hides the addresses of vmallocinfo (kptr_restrict, or a\n"
	      "reader without CAP_SYSLOG) the totals are still right, but modules\n"
	      "cannot be matched with their areas; this is said.\n"
	      "\n"
	      "Options:\n"
	      "  --callers N      show the N vmalloc callers with the most RAM (default\n"
	      "                   10; 0 shows all)\n"
	      "  --root DIR       read DIR instead of /proc, e.g. a captured tree such\n"
	      "                   as fixtures/kernel-live/proc\n"
	      "  --format FORMAT  table (default), json or prom\n"
	      "  -h, --help       show this help\n"
	      "\n", f);
	fputs("Output:\n"
	      "  table  one block per section, sizes in binary units (KiB = 1024\n"
	      "         bytes), a value that is absent as \"-\". Within 80 columns.\n"
	      "  json   {\"kernel_release\": TEXT|null,\n"
	      "          \"vmalloc\": null | {\"areas\": N, \"vmalloc_bytes\",\n"
	      "             \"vmalloc_pages\", \"vmalloc_size\", \"ioremap_bytes\",\n"
	      "             \"other_mapped_bytes\", \"address_space_bytes\",\n"
	      "             \"vmallocused\": bytes|null, \"vmallocused_status\":\n"
	      "             \"agrees\"|\"differs\"|\"zero_4.4_to_5.2\"|\"ioremap_before_4.4\"|\n"
	      "             null, \"addresses\": \"real\"|\"hashed\"|\"hidden\"|null,\n"
	      "             \"callers_count\": N, \"callers\": [{\"caller\", \"areas\",\n"
	      "             \"size\", \"pages\", \"bytes\"}, ...]},\n"
	      "          \"modules\": null | {\"areas\": N|null, \"size\": N|null,\n"
	      "             \"bytes\": N|null, \"list\": [{\"name\", \"size\",\n"
	      "             \"area_size\": N|null, \"vmalloc_bytes\": N|null}, ...]},\n"
	      "          \"hugepages\": null | {\"bytes\": N, \"hugetlb\": N|null,\n"
	      "             \"pools\": [{\"size\", \"total\", \"free\", \"reserved\",\n"
	      "             \"surplus\", \"overcommit\": N|null, \"bytes\": N|null}, ...]},\n"
	      "          \"nodes\": null | {\"list\": [{\"node\": N, \"MemTotal\", \"MemFree\",\n"
	      "             \"FilePages\", \"AnonPages\", \"Shmem\", \"Slab\": N|null}, ...],\n"
	      "             \"sum\": {...}, \"system\": {...}},\n"
	      "          \"absent\": {SECTION: why, ...}}\n"
	      "         Sizes and bytes in bytes; areas, pages and pool sizes counts.\n"
	      "         \"size\" of a pool is its huge page size in bytes; \"bytes\" of a\n"
	      "         caller its RAM, \"size\" its address space (guard pages\n"
	      "         included). A section that is null is named in \"absent\".\n"
	      "  prom   memacct_kernel_section_present{section} (1 or 0),\n"
	      "         memacct_kernel_vmalloc_bytes, memacct_kernel_vmalloc_areas,\n"
	      "         memacct_kernel_vmalloc_ioremap_bytes,\n"
	      "         memacct_kernel_vmalloc_address_space_bytes,\n"
	      "         memacct_kernel_vmalloc_caller_bytes{caller} (the --callers N),\n"
	      "         memacct_kernel_module_bytes{module} (lsmod),\n"
	      "         memacct_kernel_module_vmalloc_bytes{module} (matched ones),\n"
	      "         memacct_kernel_hugepages{size,state} (a count; state: total,\n"
	      "         free, reserved, surplus, overcommit),\n"
	      "         memacct_kernel_hugepages_pool_bytes{size},\n"
	      "         memacct_kernel_node_bytes{node,field}. All gauges; an absent\n"
	      "         value has no sample.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  printed, however many sections are absent\n"
	      "  2  usage error\n"
	      "  3  ROOT cannot be opened, or a file is malformed (the message names\n"
	      "     it and the line)\n"
	      "\n"
	      "Examples:\n"
	      "  sudo " PROG " kernel\n"
	      "  sudo " PROG " kernel --callers 0 --format json | jq .vmalloc.callers\n"
	      "  " PROG " kernel --root fixtures/kernel-2node/proc\n"
	      "  sudo " PROG " kernel --format prom > /var/lib/node_exporter/kernel.prom\n",
	      f);
}

/* The nodes' fields, in output order; FilePages of the system is computed. */
static const char *const node_fields[] = {
	"MemTotal", "MemFree", "FilePages", "AnonPages", "Shmem", "Slab",
};

#define NFIELDS ARRAY_SIZE(node_fields)

enum section { SEC_VMALLOC, SEC_MODULES, SEC_HUGEPAGES, SEC_NODES, NSECTIONS };

static const char *const section_names[] = { "vmalloc", "modules", "hugepages", "nodes" };

struct kernel {
	const struct cli *cli;
	size_t ncallers;	/* 0: all */
	struct memacct_source *src;
	uint64_t page_size;	/* 0: unknown */
	char release[64];	/* "" when unknown */

	struct memacct_meminfo *mi;
	bool have_mi;

	struct memacct_vmallocinfo *vi;
	const struct memacct_vmalloc_caller *callers;
	size_t ncall;
	const struct memacct_vmalloc_module *mods;
	size_t nmods;
	struct memacct_hugepages *hp;
	struct memacct_nodes *nodes;

	bool have[NSECTIONS];
	char why[NSECTIONS][4096 + 512];	/* why a section is absent */
};

/* --- what VmallocUsed means on this kernel (report uses it too) ------------ */

int cli_kernel_release(struct memacct_source *src, char *buf, size_t len, unsigned *major,
		       unsigned *minor)
{
	const char *b;
	size_t n, i;
	char *end;
	unsigned long ma, mi;

	if (memacct_source_read_file(src, "sys/kernel/osrelease", &b, &n) < 0)
		return -ENOENT;
	for (i = 0; i < n && i + 1 < len && b[i] != '\n'; i++)
		buf[i] = b[i] >= ' ' && b[i] <= '~' ? b[i] : '?';
	buf[i] = '\0';
	ma = strtoul(buf, &end, 10);
	if (end == buf || *end != '.')
		return -EBADMSG;
	mi = strtoul(end + 1, &end, 10);
	*major = (unsigned)ma;
	*minor = (unsigned)mi;
	return 0;
}

enum vmallocused_status cli_vmallocused_status(bool have_release, unsigned major, unsigned minor,
					       uint64_t vmallocused, uint64_t vmalloc_bytes)
{
	unsigned v = major * 1000 + minor;

	if (have_release && v < 4004)
		return VMALLOCUSED_IOREMAP;
	if (have_release && v < 5003)
		return VMALLOCUSED_ZERO;
	/* no release to go by: a 0 beside vmalloc'd pages is the 4.4 to 5.2 one */
	if (!have_release && vmallocused == 0 && vmalloc_bytes > 0)
		return VMALLOCUSED_ZERO;
	return vmallocused == vmalloc_bytes ? VMALLOCUSED_AGREES : VMALLOCUSED_DIFFERS;
}

static const char *status_key(enum vmallocused_status s)
{
	switch (s) {
	case VMALLOCUSED_AGREES:
		return "agrees";
	case VMALLOCUSED_DIFFERS:
		return "differs";
	case VMALLOCUSED_ZERO:
		return "zero_4.4_to_5.2";
	case VMALLOCUSED_IOREMAP:
		return "ioremap_before_4.4";
	}
	return NULL;
}

/* --- reading ------------------------------------------------------------- */

/* ROOT/../sys/@rel as a person would name it: /sys/... for /proc, DIR/sys/... for DIR/proc. */
static void sys_name(char *buf, size_t n, const char *root, const char *rel)
{
	size_t len = strlen(root);

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 5 && !strncmp(root, "/proc", 5))
		snprintf(buf, n, "/sys/%s", rel);
	else if (len >= 5 && !strncmp(root + len - 5, "/proc", 5))
		snprintf(buf, n, "%.*s/sys/%s", (int)(len - 5), root, rel);
	else if (len == 4 && !strncmp(root, "proc", 4))
		snprintf(buf, n, "sys/%s", rel);
	else
		snprintf(buf, n, "%.*s/../sys/%s", (int)len, root, rel);
}

/*
 * A section's read failed with @r: absent or refused makes the section
 * absent, with @why said; anything else (malformed) is an error said here.
 */
static int section_error(struct kernel *k, enum section s, int r, const char *name,
			 const char *absent, const struct memacct_diag *diag)
{
	const char *msg = diag && diag->error && diag->message ? diag->message : NULL;

	if (r == -ENOMEM) {
		cli_err("out of memory");
		return EXIT_READ;
	}
	if (r == -ENOENT) {
		snprintf(k->why[s], sizeof(k->why[s]), "%s: %s", name, msg ? msg : absent);
		return EXIT_OK;
	}
	if (r == -EACCES || r == -EPERM) {
		snprintf(k->why[s], sizeof(k->why[s]), "%s: %s%s", name, strerror(-r),
			 s == SEC_VMALLOC || s == SEC_MODULES ? " (root only: run as root)" : "");
		return EXIT_OK;
	}
	if (diag && diag->error && diag->line)
		cli_err("%s: line %u: %s%s%s (%s)", name, (unsigned)diag->line,
			diag->key[0] ? diag->key : "", diag->key[0] ? ": " : "",
			msg ? msg : memacct_strerror(r), memacct_strerror(r));
	else
		cli_err("%s: %s%s%s", name, msg ? msg : memacct_strerror(r), msg ? ": " : "",
			msg ? memacct_strerror(r) : "");
	return EXIT_READ;
}

static int read_vmalloc(struct kernel *k)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	char name[4096 + 64];
	int r;

	cli_path(name, sizeof(name), k->cli->root, "vmallocinfo");
	r = memacct_vmallocinfo_read(k->vi, k->src, &diag);
	if (r == 0) {
		r = memacct_vmallocinfo_callers(k->vi, &k->callers, &k->ncall);
		if (r == -ENOENT) {
			snprintf(k->why[SEC_VMALLOC], sizeof(k->why[SEC_VMALLOC]), "%s: the page "
				 "size is unknown (a captured tree needs a MANIFEST with page_size)",
				 name);
			return EXIT_OK;
		}
		if (r < 0)
			return section_error(k, SEC_VMALLOC, r, name, "", NULL);
		k->have[SEC_VMALLOC] = true;
		return EXIT_OK;
	}
	/* modules still get their lsmod sizes from an empty list of areas */
	if (memacct_vmallocinfo_parse(k->vi, "", 0, NULL) < 0)
		return section_error(k, SEC_VMALLOC, -ENOMEM, name, "", NULL);
	return section_error(k, SEC_VMALLOC, r, name,
			     "absent (a capture without it, or a kernel before 2.6.25)",
			     r == -ENOENT ? NULL : &diag);
}

static int read_modules(struct kernel *k)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	char name[4096 + 64];
	const char *buf;
	size_t len;
	int r;

	cli_path(name, sizeof(name), k->cli->root, "modules");
	r = memacct_source_read_file(k->src, "modules", &buf, &len);
	if (r < 0)
		return section_error(k, SEC_MODULES, r, name, "absent (a kernel without loadable "
				     "modules, or a capture without it)", NULL);
	r = memacct_vmallocinfo_match_modules(k->vi, buf, len, &k->mods, &k->nmods, &diag);
	if (r == -ENOENT) {
		snprintf(k->why[SEC_MODULES], sizeof(k->why[SEC_MODULES]), "%s: the page size is "
			 "unknown (a captured tree needs a MANIFEST with page_size)", name);
		return EXIT_OK;
	}
	if (r < 0)
		return section_error(k, SEC_MODULES, r, name, "", &diag);
	k->have[SEC_MODULES] = true;
	return EXIT_OK;
}

static int read_hugepages(struct kernel *k)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	char name[4096 + 64];
	int r;

	sys_name(name, sizeof(name), k->cli->root, "kernel/mm/hugepages");
	r = memacct_hugepages_read(k->hp, k->src, &diag);
	if (r < 0)
		return section_error(k, SEC_HUGEPAGES, r, name, "absent (a kernel without hugetlb "
				     "support, or a capture without sys/)", &diag);
	k->have[SEC_HUGEPAGES] = true;
	return EXIT_OK;
}

static int read_nodes(struct kernel *k)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	char name[4096 + 64];
	int r;

	sys_name(name, sizeof(name), k->cli->root, "devices/system/node");
	r = memacct_nodes_read(k->nodes, k->src, &diag);
	if (r < 0)
		return section_error(k, SEC_NODES, r, name, "absent (a kernel without NUMA "
				     "sysfs, or a capture without sys/)", &diag);
	k->have[SEC_NODES] = true;
	return EXIT_OK;
}

static int read_all(struct kernel *k)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	unsigned major, minor;
	int r;

	r = memacct_source_new(k->cli->root, NULL, &k->src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", k->cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	if (memacct_source_get(k->src, MEMACCT_SOURCE_PAGE_SIZE, &k->page_size) < 0)
		k->page_size = 0;
	if (cli_kernel_release(k->src, k->release, sizeof(k->release), &major, &minor) == -ENOENT)
		k->release[0] = '\0';
	if (memacct_meminfo_new(&k->mi) < 0 || memacct_vmallocinfo_new(&k->vi) < 0 ||
	    memacct_hugepages_new(&k->hp) < 0 || memacct_nodes_new(&k->nodes) < 0) {
		cli_err("out of memory");
		return EXIT_READ;
	}
	/* meminfo right before the files it is compared with */
	r = memacct_meminfo_read(k->mi, k->src, &diag);
	if (r < 0 && r != -ENOENT && r != -EACCES) {
		cli_diag(k->cli->root, "meminfo", r, &diag);
		return EXIT_READ;
	}
	k->have_mi = r == 0;
	r = read_hugepages(k);
	if (r == EXIT_OK)
		r = read_nodes(k);
	if (r == EXIT_OK)
		r = read_vmalloc(k);
	if (r == EXIT_OK)
		r = read_modules(k);
	return r;
}

/* --- values -------------------------------------------------------------- */

static bool mi_get(const struct memacct_meminfo *mi, const char *name, uint64_t *v)
{
	return mi && memacct_meminfo_get_by_name(mi, name, v) == 0;
}

/* The system's value of a node field: FilePages is Cached + Buffers + SwapCached. */
static bool system_field(const struct kernel *k, size_t f, uint64_t *v)
{
	uint64_t a, b, c;

	if (!k->have_mi)
		return false;
	if (strcmp(node_fields[f], "FilePages"))
		return mi_get(k->mi, node_fields[f], v);
	if (!mi_get(k->mi, "Cached", &a) || !mi_get(k->mi, "Buffers", &b) ||
	    !mi_get(k->mi, "SwapCached", &c))
		return false;
	*v = a + b + c;
	return true;
}

static bool node_field(const struct kernel *k, size_t i, size_t f, uint64_t *v)
{
	const struct memacct_meminfo *mi;

	return memacct_nodes_get_meminfo(k->nodes, i, &mi) == 0 && mi_get(mi, node_fields[f], v);
}

/* The sum over the nodes: absent unless every node has the field. */
static bool nodes_sum(const struct kernel *k, size_t f, uint64_t *v)
{
	int n = memacct_nodes_count(k->nodes);
	uint64_t s = 0, x;

	if (n <= 0)
		return false;
	for (size_t i = 0; i < (size_t)n; i++) {
		if (!node_field(k, i, f, &x))
			return false;
		s += x;
	}
	*v = s;
	return true;
}

static bool total(const struct kernel *k, uint32_t key, uint64_t *v)
{
	return k->have[SEC_VMALLOC] && memacct_vmallocinfo_get_total(k->vi, key, v) == 0;
}

/* Pages mapped into vmalloc space that vmalloc did not allocate (vmap, ...). */
static bool other_mapped(const struct kernel *k, uint64_t *v)
{
	uint64_t all, vm;

	if (!k->page_size || !total(k, MEMACCT_VMALLOCINFO_TOTAL_PAGES, &all) ||
	    !total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES, &vm) || all < vm)
		return false;
	*v = (all - vm) * k->page_size;
	return true;
}

static bool vmallocused(const struct kernel *k, uint64_t *v)
{
	return k->have_mi && memacct_meminfo_get(k->mi, MEMACCT_MEMINFO_VMALLOCUSED, v) == 0;
}

static bool vm_status(const struct kernel *k, enum vmallocused_status *s)
{
	unsigned major = 0, minor = 0;
	char rel[64];
	uint64_t used, bytes;
	bool have_rel;

	if (!vmallocused(k, &used) || !total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES, &bytes))
		return false;
	have_rel = cli_kernel_release(k->src, rel, sizeof(rel), &major, &minor) == 0;
	*s = cli_vmallocused_status(have_rel, major, minor, used, bytes);
	return true;
}

/* "real", "hashed", "hidden", or NULL without records. */
static const char *addresses(const struct kernel *k)
{
	if (!k->have[SEC_VMALLOC])
		return NULL;
	if (memacct_vmallocinfo_addresses_hidden(k->vi) == 1)
		return "hidden";
	if (memacct_vmallocinfo_addresses_hashed(k->vi) == 1)
		return "hashed";
	if (memacct_vmallocinfo_count(k->vi) > 0)
		return "real";
	return NULL;
}

static size_t shown_callers(const struct kernel *k)
{
	return k->ncallers && k->ncallers < k->ncall ? k->ncallers : k->ncall;
}

static bool pool_get(const struct kernel *k, size_t i, uint32_t key, uint64_t *v)
{
	return memacct_hugepages_get(k->hp, i, key, v) == 0;
}

static bool pool_bytes(const struct kernel *k, size_t i, uint64_t *v)
{
	uint64_t size, nr;

	if (!pool_get(k, i, MEMACCT_HUGEPAGES_SIZE, &size) ||
	    !pool_get(k, i, MEMACCT_HUGEPAGES_NR, &nr))
		return false;
	*v = size * nr;
	return true;
}

/* --- table --------------------------------------------------------------- */


/* "vmalloc: none: WHY", wrapped. */
static void none(const char *section, const char *why)
{
	char lead[64];

	snprintf(lead, sizeof(lead), "%s: none: ", section);
	cli_print_wrapped(lead, why, 2);
}

/*
 * The value goes by pointer: read after @have, which the caller's argument
 * list computes, in whatever order it evaluates them.
 */
static const char *hb(char buf[HUMAN_LEN], bool have, const uint64_t *v)
{
	return have ? human_ubytes(buf, *v) : "-";
}

static const char *num(char buf[HUMAN_LEN], bool have, const uint64_t *v)
{
	if (!have)
		return "-";
	snprintf(buf, HUMAN_LEN, "%" PRIu64, *v);
	return buf;
}

#define VROW "  %-20s %10s %14s  %s\n"

static void vrow(const char *label, bool have, uint64_t v, const char *note)
{
	char h[HUMAN_LEN], b[HUMAN_LEN];

	printf(VROW, label, hb(h, have, &v), num(b, have, &v), note);
}

static void table_vmalloc(const struct kernel *k)
{
	char text[4096 + 128];
	static const char *const notes[] = {
		[VMALLOCUSED_AGREES] = "meminfo: agrees",
		[VMALLOCUSED_DIFFERS] = "meminfo: read apart, moved",
		[VMALLOCUSED_ZERO] = "meminfo: 0 on Linux 4.4-5.2",
		[VMALLOCUSED_IOREMAP] = "meminfo: all areas (< 4.4)",
	};
	char name[4096 + 64], b[HUMAN_LEN], h[HUMAN_LEN], c[48];
	enum vmallocused_status st;
	uint64_t v, areas = 0;
	const char *addr;
	bool have;

	cli_path(name, sizeof(name), k->cli->root, "vmallocinfo");
	if (!k->have[SEC_VMALLOC]) {
		none("vmalloc", k->why[SEC_VMALLOC]);
		return;
	}
	total(k, MEMACCT_VMALLOCINFO_TOTAL_RECORDS, &areas);
	snprintf(text, sizeof(text), "(%s, %" PRIu64 " areas)", name, areas);
	cli_print_wrapped("VMALLOC ", text, 2);
	printf("  %-20s %10s %14s\n", "", "SIZE", "BYTES");
	have = total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES, &v);
	vrow("vmalloc'd RAM", have, v, "pages= of the vmalloc areas");
	have = vmallocused(k, &v);
	vrow("VmallocUsed", have, v, !have ? "meminfo: absent" :
	     vm_status(k, &st) ? notes[st] : "meminfo");
	have = other_mapped(k, &v);
	vrow("other pages mapped", have, v, "vmap and others: not vmalloc'd");
	have = total(k, MEMACCT_VMALLOCINFO_TOTAL_IOREMAP_BYTES, &v);
	vrow("ioremap", have, v, "device address space: no RAM");
	have = total(k, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v);
	vrow("address space", have, v, "every area, guard pages too");
	addr = addresses(k);
	if (addr && strcmp(addr, "real"))
		printf("  addresses %s (%s): the totals are still right\n", addr,
		       !strcmp(addr, "hidden") ? "kptr_restrict, or no CAP_SYSLOG" :
		       "kptr_restrict=0");

	printf("\n%-44s %7s %12s %12s\n", "VMALLOC CALLER", "AREAS", "ADDR SPACE", "RAM");
	for (size_t i = 0; i < shown_callers(k); i++) {
		const struct memacct_vmalloc_caller *cl = &k->callers[i];

		printf("%-44s %7" PRIu64 " %12s %12s\n", cli_printable(c, 44, cl->name),
		       cl->records, human_ubytes(h, cl->size), human_ubytes(b, cl->bytes));
	}
	if (shown_callers(k) < k->ncall)
		printf("(%zu of %zu callers; --callers 0 shows all)\n", shown_callers(k), k->ncall);
}

static void table_modules(const struct kernel *k)
{
	char text[4096 + 128];
	char name[4096 + 64], a[HUMAN_LEN], b[HUMAN_LEN], c[HUMAN_LEN], m[48];
	uint64_t n = 0, size = 0, bytes = 0;
	const char *addr = addresses(k);
	bool have;

	cli_path(name, sizeof(name), k->cli->root, "modules");
	if (!k->have[SEC_MODULES]) {
		none("modules", k->why[SEC_MODULES]);
		return;
	}
	snprintf(text, sizeof(text), "(%s, %zu)", name, k->nmods);
	cli_print_wrapped("MODULES ", text, 2);
	have = total(k, MEMACCT_VMALLOCINFO_TOTAL_MODULE_RECORDS, &n) &&
	       total(k, MEMACCT_VMALLOCINFO_TOTAL_MODULE_SIZE, &size) &&
	       total(k, MEMACCT_VMALLOCINFO_TOTAL_MODULE_BYTES, &bytes);
	if (have)
		printf("  module loader areas: %" PRIu64 ", %s of address space, %s of RAM\n", n,
		       human_ubytes(a, size), human_ubytes(b, bytes));
	if (!k->have[SEC_VMALLOC])
		printf("  no vmallocinfo: the areas of the modules are not known\n");
	else if (addr && strcmp(addr, "real"))
		printf("  addresses %s: modules cannot be matched with their areas\n", addr);
	printf("%-44s %11s %11s %11s\n", "MODULE", "LSMOD SIZE", "AREA SIZE", "RAM");
	for (size_t i = 0; i < k->nmods; i++) {
		const struct memacct_vmalloc_module *md = &k->mods[i];
		bool match = md->record >= 0;

		printf("%-44s %11s %11s %11s\n", cli_printable(m, 44, md->name),
		       human_ubytes(a, md->lsmod_size), hb(b, match, &md->area_size),
		       hb(c, match, &md->area_bytes));
	}
}

static void table_hugepages(const struct kernel *k)
{
	char text[4096 + 128];
	static const uint32_t keys[] = { MEMACCT_HUGEPAGES_NR, MEMACCT_HUGEPAGES_FREE,
					 MEMACCT_HUGEPAGES_RESV, MEMACCT_HUGEPAGES_SURPLUS,
					 MEMACCT_HUGEPAGES_NR_OVERCOMMIT };
	char name[4096 + 64], h[HUMAN_LEN], b[HUMAN_LEN];
	int n = memacct_hugepages_count(k->hp);
	uint64_t v, sum = 0;
	bool have_sum = true;

	sys_name(name, sizeof(name), k->cli->root, "kernel/mm/hugepages");
	if (!k->have[SEC_HUGEPAGES]) {
		none("hugepage pools", k->why[SEC_HUGEPAGES]);
		return;
	}
	if (n <= 0) {
		snprintf(text, sizeof(text), "%s holds no pool", name);
		none("hugepage pools", text);
		return;
	}
	snprintf(text, sizeof(text), "(%s)", name);
	cli_print_wrapped("HUGEPAGE POOLS ", text, 2);
	printf("%-10s %9s %9s %9s %9s %10s %16s\n", "SIZE", "TOTAL", "FREE", "RESERVED",
	       "SURPLUS", "OVERCOMMIT", "BYTES");
	for (size_t i = 0; i < (size_t)n; i++) {
		bool have = pool_get(k, i, MEMACCT_HUGEPAGES_SIZE, &v);

		printf("%-10s", hb(h, have, &v));
		for (size_t c = 0; c < ARRAY_SIZE(keys); c++) {
			have = pool_get(k, i, keys[c], &v);
			printf(" %*s", c == 4 ? 10 : 9, num(h, have, &v));
		}
		have = pool_bytes(k, i, &v);
		printf(" %16s\n", num(b, have, &v));
		if (have)
			sum += v;
		have_sum &= have;
	}
	printf("%-10s %49s %16s\n", "all", have_sum ? human_ubytes(h, sum) : "-",
	       num(b, have_sum, &sum));
	if (k->have_mi && memacct_meminfo_get(k->mi, MEMACCT_MEMINFO_HUGETLB, &v) == 0)
		printf("%-10s %49s %16s\n", "Hugetlb", human_ubytes(h, v), num(b, true, &v));
}

static void table_nodes(const struct kernel *k)
{
	char text[4096 + 128];
	char name[4096 + 64], h[HUMAN_LEN], label[16];
	int n = memacct_nodes_count(k->nodes), id;
	uint64_t v;

	sys_name(name, sizeof(name), k->cli->root, "devices/system/node");
	if (!k->have[SEC_NODES]) {
		none("NUMA nodes", k->why[SEC_NODES]);
		return;
	}
	if (n <= 0) {
		snprintf(text, sizeof(text), "%s holds no node", name);
		none("NUMA nodes", text);
		return;
	}
	snprintf(text, sizeof(text), "(%s)", name);
	cli_print_wrapped("NUMA NODES ", text, 2);
	printf("%-8s", "NODE");
	for (size_t f = 0; f < NFIELDS; f++)
		printf(" %11s", node_fields[f]);
	putchar('\n');
	for (size_t i = 0; i < (size_t)n; i++) {
		if (memacct_nodes_get_id(k->nodes, i, &id) < 0)
			continue;
		snprintf(label, sizeof(label), "%d", id);
		printf("%-8s", label);
		for (size_t f = 0; f < NFIELDS; f++)
			printf(" %11s", hb(h, node_field(k, i, f, &v), &v));
		putchar('\n');
	}
	printf("%-8s", "sum");
	for (size_t f = 0; f < NFIELDS; f++)
		printf(" %11s", hb(h, nodes_sum(k, f, &v), &v));
	printf("\n%-8s", "system");
	for (size_t f = 0; f < NFIELDS; f++)
		printf(" %11s", hb(h, system_field(k, f, &v), &v));
	printf("\n  system: /proc/meminfo (FilePages: Cached + Buffers + SwapCached); the\n"
	       "  files are read apart, so all but MemTotal may move in between\n");
}

static void print_table(const struct kernel *k)
{
	table_vmalloc(k);
	putchar('\n');
	table_modules(k);
	putchar('\n');
	table_hugepages(k);
	putchar('\n');
	table_nodes(k);
}

/* --- JSON ---------------------------------------------------------------- */

/* @v by pointer, as for hb() */
static void kv_opt(struct json *j, const char *key, bool have, const uint64_t *v)
{
	json_key(j, key);
	if (have)
		json_u64(j, *v);
	else
		json_null(j);
}

static void json_vmalloc(struct json *j, const struct kernel *k)
{
	enum vmallocused_status st;
	const char *addr;
	uint64_t v;

	json_key(j, "vmalloc");
	if (!k->have[SEC_VMALLOC]) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	kv_opt(j, "areas", total(k, MEMACCT_VMALLOCINFO_TOTAL_RECORDS, &v), &v);
	kv_opt(j, "vmalloc_bytes", total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES, &v), &v);
	kv_opt(j, "vmalloc_pages", total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES, &v), &v);
	kv_opt(j, "vmalloc_size", total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_SIZE, &v), &v);
	kv_opt(j, "ioremap_bytes", total(k, MEMACCT_VMALLOCINFO_TOTAL_IOREMAP_BYTES, &v), &v);
	kv_opt(j, "other_mapped_bytes", other_mapped(k, &v), &v);
	kv_opt(j, "address_space_bytes", total(k, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v), &v);
	kv_opt(j, "vmallocused", vmallocused(k, &v), &v);
	json_key(j, "vmallocused_status");
	if (vm_status(k, &st))
		json_str(j, status_key(st));
	else
		json_null(j);
	json_key(j, "addresses");
	addr = addresses(k);
	if (addr)
		json_str(j, addr);
	else
		json_null(j);
	json_kv_u64(j, "callers_count", k->ncall);
	json_key(j, "callers");
	json_array_begin(j);
	for (size_t i = 0; i < shown_callers(k); i++) {
		json_object_begin(j);
		json_kv_str(j, "caller", k->callers[i].name);
		json_kv_u64(j, "areas", k->callers[i].records);
		json_kv_u64(j, "size", k->callers[i].size);
		json_kv_u64(j, "pages", k->callers[i].pages);
		json_kv_u64(j, "bytes", k->callers[i].bytes);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void json_modules(struct json *j, const struct kernel *k)
{
	uint64_t v;

	json_key(j, "modules");
	if (!k->have[SEC_MODULES]) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	kv_opt(j, "areas", total(k, MEMACCT_VMALLOCINFO_TOTAL_MODULE_RECORDS, &v), &v);
	kv_opt(j, "size", total(k, MEMACCT_VMALLOCINFO_TOTAL_MODULE_SIZE, &v), &v);
	kv_opt(j, "bytes", total(k, MEMACCT_VMALLOCINFO_TOTAL_MODULE_BYTES, &v), &v);
	json_key(j, "list");
	json_array_begin(j);
	for (size_t i = 0; i < k->nmods; i++) {
		const struct memacct_vmalloc_module *md = &k->mods[i];

		json_object_begin(j);
		json_kv_str(j, "name", md->name);
		json_kv_u64(j, "size", md->lsmod_size);
		kv_opt(j, "area_size", md->record >= 0, &md->area_size);
		kv_opt(j, "vmalloc_bytes", md->record >= 0, &md->area_bytes);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void json_hugepages(struct json *j, const struct kernel *k)
{
	int n = memacct_hugepages_count(k->hp);
	uint64_t v, sum = 0;
	bool have_sum = true;

	json_key(j, "hugepages");
	if (!k->have[SEC_HUGEPAGES]) {
		json_null(j);
		return;
	}
	for (size_t i = 0; i < (size_t)(n > 0 ? n : 0); i++) {
		bool have = pool_bytes(k, i, &v);

		sum += have ? v : 0;
		have_sum &= have;
	}
	json_object_begin(j);
	kv_opt(j, "bytes", have_sum, &sum);
	kv_opt(j, "hugetlb", k->have_mi &&
	       memacct_meminfo_get(k->mi, MEMACCT_MEMINFO_HUGETLB, &v) == 0, &v);
	json_key(j, "pools");
	json_array_begin(j);
	for (size_t i = 0; i < (size_t)(n > 0 ? n : 0); i++) {
		json_object_begin(j);
		kv_opt(j, "size", pool_get(k, i, MEMACCT_HUGEPAGES_SIZE, &v), &v);
		kv_opt(j, "total", pool_get(k, i, MEMACCT_HUGEPAGES_NR, &v), &v);
		kv_opt(j, "free", pool_get(k, i, MEMACCT_HUGEPAGES_FREE, &v), &v);
		kv_opt(j, "reserved", pool_get(k, i, MEMACCT_HUGEPAGES_RESV, &v), &v);
		kv_opt(j, "surplus", pool_get(k, i, MEMACCT_HUGEPAGES_SURPLUS, &v), &v);
		kv_opt(j, "overcommit", pool_get(k, i, MEMACCT_HUGEPAGES_NR_OVERCOMMIT, &v), &v);
		kv_opt(j, "bytes", pool_bytes(k, i, &v), &v);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void json_nodes(struct json *j, const struct kernel *k)
{
	int n = memacct_nodes_count(k->nodes), id;
	uint64_t v;

	json_key(j, "nodes");
	if (!k->have[SEC_NODES]) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "list");
	json_array_begin(j);
	for (size_t i = 0; i < (size_t)(n > 0 ? n : 0); i++) {
		if (memacct_nodes_get_id(k->nodes, i, &id) < 0)
			continue;
		json_object_begin(j);
		json_kv_i64(j, "node", id);
		for (size_t f = 0; f < NFIELDS; f++)
			kv_opt(j, node_fields[f], node_field(k, i, f, &v), &v);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "sum");
	json_object_begin(j);
	for (size_t f = 0; f < NFIELDS; f++)
		kv_opt(j, node_fields[f], nodes_sum(k, f, &v), &v);
	json_object_end(j);
	json_key(j, "system");
	json_object_begin(j);
	for (size_t f = 0; f < NFIELDS; f++)
		kv_opt(j, node_fields[f], system_field(k, f, &v), &v);
	json_object_end(j);
	json_object_end(j);
}

static void print_json(const struct kernel *k)
{
	struct json j;

	json_begin(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "kernel_release");
	if (k->release[0])
		json_str(&j, k->release);
	else
		json_null(&j);
	json_vmalloc(&j, k);
	json_modules(&j, k);
	json_hugepages(&j, k);
	json_nodes(&j, k);
	json_key(&j, "absent");
	json_object_begin(&j);
	for (size_t s = 0; s < NSECTIONS; s++)
		if (!k->have[s])
			json_kv_str(&j, section_names[s], k->why[s]);
	json_object_end(&j);
	json_object_end(&j);
	json_end(&j);
}

/* --- Prometheus ---------------------------------------------------------- */

static void prom_total(const char *name, const char *help, bool have, const uint64_t *v)
{
	if (!have)
		return;
	prom_family(stdout, name, "gauge", help);
	prom_u64(stdout, name, NULL, *v);
}

static void prom_vmalloc(const struct kernel *k)
{
	uint64_t v;

	if (!k->have[SEC_VMALLOC])
		return;
	prom_total("memacct_kernel_vmalloc_bytes",
		   "RAM held by vmalloc areas: pages= of the vmalloc records of vmallocinfo "
		   "times the page size, in bytes.",
		   total(k, MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES, &v), &v);
	prom_total("memacct_kernel_vmalloc_areas", "Areas (records) of vmallocinfo.",
		   total(k, MEMACCT_VMALLOCINFO_TOTAL_RECORDS, &v), &v);
	prom_total("memacct_kernel_vmalloc_ioremap_bytes",
		   "Address space of the ioremap areas of vmallocinfo (device memory, no RAM), "
		   "in bytes.", total(k, MEMACCT_VMALLOCINFO_TOTAL_IOREMAP_BYTES, &v), &v);
	prom_total("memacct_kernel_vmalloc_address_space_bytes",
		   "Address space of every area of vmallocinfo, guard pages included, in bytes.",
		   total(k, MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE, &v), &v);
	if (!shown_callers(k))
		return;
	prom_family(stdout, "memacct_kernel_vmalloc_caller_bytes", "gauge",
		    "RAM held by the vmalloc areas of a caller (the symbol that allocated "
		    "them), in bytes; the callers with the most.");
	for (size_t i = 0; i < shown_callers(k); i++)
		prom_u64(stdout, "memacct_kernel_vmalloc_caller_bytes",
			 (const char *const[]){ "caller", k->callers[i].name, NULL },
			 k->callers[i].bytes);
}

static void prom_modules(const struct kernel *k)
{
	bool any = false;

	if (!k->have[SEC_MODULES] || !k->nmods)
		return;
	prom_family(stdout, "memacct_kernel_module_bytes", "gauge",
		    "The size of a loaded module as /proc/modules (lsmod) gives it, in bytes.");
	for (size_t i = 0; i < k->nmods; i++)
		prom_u64(stdout, "memacct_kernel_module_bytes",
			 (const char *const[]){ "module", k->mods[i].name, NULL },
			 k->mods[i].lsmod_size);
	for (size_t i = 0; i < k->nmods; i++) {
		if (k->mods[i].record < 0)
			continue;
		if (!any)
			prom_family(stdout, "memacct_kernel_module_vmalloc_bytes", "gauge",
				    "RAM held by the vmalloc area at a module's address, in bytes.");
		any = true;
		prom_u64(stdout, "memacct_kernel_module_vmalloc_bytes",
			 (const char *const[]){ "module", k->mods[i].name, NULL },
			 k->mods[i].area_bytes);
	}
}

static void prom_hugepages(const struct kernel *k)
{
	static const struct {
		uint32_t key;
		const char *state;
	} states[] = {
		{ MEMACCT_HUGEPAGES_NR, "total" },
		{ MEMACCT_HUGEPAGES_FREE, "free" },
		{ MEMACCT_HUGEPAGES_RESV, "reserved" },
		{ MEMACCT_HUGEPAGES_SURPLUS, "surplus" },
		{ MEMACCT_HUGEPAGES_NR_OVERCOMMIT, "overcommit" },
	};
	int n = memacct_hugepages_count(k->hp);
	char size[24];
	uint64_t v, s;

	if (!k->have[SEC_HUGEPAGES] || n <= 0)
		return;
	prom_family(stdout, "memacct_kernel_hugepages", "gauge",
		    "Huge pages of a hugetlb pool, by state; the size label is the huge page "
		    "size in B.");
	for (size_t i = 0; i < (size_t)n; i++) {
		if (!pool_get(k, i, MEMACCT_HUGEPAGES_SIZE, &s))
			continue;
		snprintf(size, sizeof(size), "%" PRIu64, s);
		for (size_t c = 0; c < ARRAY_SIZE(states); c++)
			if (pool_get(k, i, states[c].key, &v))
				prom_u64(stdout, "memacct_kernel_hugepages",
					 (const char *const[]){ "size", size, "state",
								states[c].state, NULL }, v);
	}
	prom_family(stdout, "memacct_kernel_hugepages_pool_bytes", "gauge",
		    "The bytes of a hugetlb pool: its huge pages (nr_hugepages) times their "
		    "size.");
	for (size_t i = 0; i < (size_t)n; i++) {
		if (!pool_get(k, i, MEMACCT_HUGEPAGES_SIZE, &s) || !pool_bytes(k, i, &v))
			continue;
		snprintf(size, sizeof(size), "%" PRIu64, s);
		prom_u64(stdout, "memacct_kernel_hugepages_pool_bytes",
			 (const char *const[]){ "size", size, NULL }, v);
	}
}

static void prom_nodes(const struct kernel *k)
{
	int n = memacct_nodes_count(k->nodes), id;
	char node[16];
	uint64_t v;

	if (!k->have[SEC_NODES] || n <= 0)
		return;
	prom_family(stdout, "memacct_kernel_node_bytes", "gauge",
		    "A field of a NUMA node's meminfo (sysfs node<N>/meminfo), in bytes.");
	for (size_t i = 0; i < (size_t)n; i++) {
		if (memacct_nodes_get_id(k->nodes, i, &id) < 0)
			continue;
		snprintf(node, sizeof(node), "%d", id);
		for (size_t f = 0; f < NFIELDS; f++)
			if (node_field(k, i, f, &v))
				prom_u64(stdout, "memacct_kernel_node_bytes",
					 (const char *const[]){ "node", node, "field",
								node_fields[f], NULL }, v);
	}
}

static void print_prom(const struct kernel *k)
{
	prom_family(stdout, "memacct_kernel_section_present", "gauge",
		    "1 when the section's files could be read (vmalloc: vmallocinfo, modules, "
		    "hugepages: the sysfs pools, nodes: the sysfs NUMA nodes), else 0.");
	for (size_t s = 0; s < NSECTIONS; s++)
		prom_u64(stdout, "memacct_kernel_section_present",
			 (const char *const[]){ "section", section_names[s], NULL }, k->have[s]);
	prom_vmalloc(k);
	prom_modules(k);
	prom_hugepages(k);
	prom_nodes(k);
}

/* --- command ------------------------------------------------------------- */

static int parse_args(struct cli *cli, int argc, char **argv, struct kernel *k)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "callers", required_argument, NULL, OPT_CALLERS },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long n;
	char *end;
	int c;

	while ((c = cli_next_option(cli, "kernel", argc, argv, opts)) >= 0) {
		if (c != OPT_CALLERS)
			continue;
		errno = 0;
		n = strtoull(optarg, &end, 10);
		if (!optarg[0] || *end || optarg[0] == '-' || errno || n > SIZE_MAX)
			return cli_usage_error("kernel", "--callers wants a number of callers "
					       "(0: all), not '%s'", optarg);
		k->ncallers = (size_t)n;
	}
	if (c == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help)
		return EXIT_OK;
	if (optind < argc)
		return cli_usage_error("kernel", "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

int cmd_kernel(struct cli *cli, int argc, char **argv)
{
	struct kernel k;
	int r;

	memset(&k, 0, sizeof(k));
	k.cli = cli;
	k.ncallers = DEFAULT_CALLERS;
	r = parse_args(cli, argc, argv, &k);
	if (r != EXIT_OK)
		return r;
	if (cli->help) {
		help_kernel(stdout);
		return EXIT_OK;
	}
	r = read_all(&k);
	if (r == EXIT_OK) {
		switch (cli->format) {
		case FORMAT_TABLE:
			print_table(&k);
			break;
		case FORMAT_JSON:
			print_json(&k);
			break;
		case FORMAT_PROM:
			print_prom(&k);
			break;
		}
	}
	memacct_nodes_free(k.nodes);
	memacct_hugepages_free(k.hp);
	memacct_vmallocinfo_free(k.vi);
	memacct_meminfo_free(k.mi);
	memacct_source_free(k.src);
	return r;
}
