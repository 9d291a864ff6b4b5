/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_CLI_H
#define MEMACCT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <memacct/memacct.h>

#define PROG "memacct-cli"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses (the documented contract). */
enum {
	EXIT_OK = 0,
	EXIT_VIOLATED = 1,
	EXIT_USAGE = 2,
	EXIT_READ = 3,
};

enum cli_format {
	FORMAT_TABLE,
	FORMAT_JSON,
	FORMAT_PROM,
};

struct cli {
	const char *root;	/* --root, "/proc" by default */
	enum cli_format format;
	bool help;
	bool tap;		/* --format tap before the command: check's own format */
	bool before_command;	/* main() is parsing the options before the command */
};

/* Long-option values of the global options, shared by every command's table. */
enum {
	OPT_ROOT = 0x100,
	OPT_FORMAT,
	OPT_VERSION,
	OPT_HELP = 'h',
	OPT_CMD_FIRST = 0x200,	/* commands number their own options from here */
};

#define CLI_GLOBAL_OPTIONS \
	{ "root", required_argument, NULL, OPT_ROOT }, \
	{ "format", required_argument, NULL, OPT_FORMAT }, \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "version", no_argument, NULL, OPT_VERSION }

/* Short options every command accepts; ':' first so a missing argument is told apart. */
#define CLI_GLOBAL_SHORTOPTS ":h"

/* main.c */
int cli_global_option(struct cli *cli, int c, const char *arg);
int cli_bad_option(const char *cmd, int c, char **argv);
/* cli_next_option(): a usage error, already said */
#define CLI_OPT_USAGE (-2)
int cli_next_option(struct cli *cli, const char *cmd, int argc, char **argv,
		    const struct option *opts);
#define CLI_MAX_THREADS 1024	/* memacct_procs_set_threads(), memacct_census_set_threads() */
int cli_parse_threads(const char *cmd, const char *arg, unsigned *ret);
void cli_print_version(void);

/* error.c */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_diag(const char *root, const char *file, int err, const struct memacct_diag *diag);
void cli_path(char *buf, size_t n, const char *root, const char *file);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* human.c */
#define HUMAN_LEN 24
const char *human_bytes(char buf[HUMAN_LEN], int64_t v);
const char *human_ubytes(char buf[HUMAN_LEN], uint64_t v);
const char *human_percent(char buf[HUMAN_LEN], int64_t part, uint64_t whole);

/* inputs.c: the files of the identity engine, read as close together as possible */
struct inputs {
	struct memacct_source *src;
	struct memacct_meminfo *mi;
	struct memacct_buddyinfo *bi;
	struct memacct_vmstat *vs;
	struct memacct_zoneinfo *zi;
	struct memacct_nodes *nodes;
	struct memacct_vmallocinfo *vi;
	struct memacct_hugepages *hp;
	bool have_bi, have_vs, have_zi, have_nodes, have_vi, have_hp;
	int vi_err;		/* why vmallocinfo was not read (negative errno), else 0 */
	bool folded;
	char release[128];	/* sys/kernel/osrelease; "" when absent */
};

int inputs_open(struct inputs *in, const struct cli *cli, uint32_t meminfo_flags);
int inputs_fold(struct inputs *in, const struct cli *cli);
int inputs_read_meminfo(struct inputs *in, const struct cli *cli);
int inputs_read_all(struct inputs *in, const struct cli *cli);
int inputs_read_kernel(struct inputs *in, const struct cli *cli);
int inputs_snapshot(const struct inputs *in, struct memacct_snapshot **ret);
void inputs_report_skipped(const struct inputs *in, const struct cli *cli);
void inputs_close(struct inputs *in);

/* inputs.c: the files of one process for the per-process identities */
struct proc_inputs {
	struct memacct_status *st;
	struct memacct_statm sm;
	struct memacct_vmas *maps, *smaps, *rollup;
	bool have_sm, have_maps, have_smaps, have_rollup;
};

enum {
	PROC_READ = 0,
	PROC_KTHREAD = 1,	/* a kernel thread: no memory map */
	PROC_VANISHED = 2,	/* exited before or while it was read */
	PROC_UNREADABLE = 3,	/* permission denied */
	PROC_ERROR = 4,		/* malformed: said on stderr */
};

int proc_inputs_new(struct proc_inputs *p);
int proc_inputs_read(struct proc_inputs *p, struct memacct_source *src, const struct cli *cli,
		     int pid, bool quiet);
int proc_inputs_snapshot(const struct proc_inputs *p, struct memacct_source *src, int pid,
			 struct memacct_snapshot **ret);
void proc_inputs_free(struct proc_inputs *p);

/* results.c: verdicts of memacct_check_run(), copied out of the callback */
struct result {
	char *id;
	uint32_t kind;
	uint32_t status;
	int64_t residual;
	uint64_t lhs;
	uint64_t rhs;
	uint64_t tolerance;
	uint32_t unit;		/* MEMACCT_UNIT_BYTES or MEMACCT_UNIT_COUNT */
	char *relation;
	char *tolerance_source;
	char *reason;
	char *caveat;
	char *missing;
	char *source;
	int32_t pid;		/* 0: a system identity */
};

struct results {
	struct result *v;
	size_t n;
	size_t cap;
	unsigned by_status[5];	/* indexed by MEMACCT_CHECK_HOLDS.. _SKIPPED */
	int violated;
	bool per_process;	/* check --pid: results carry pids */
	unsigned processes, vanished, unreadable, kthreads;
};

/* "group.*" patterns of the per-process identities, and of the system ones; NULL-terminated */
extern const char *const results_process_groups[];
extern const char *const results_system_groups[];
/* The identities that need pagemap or the kpage* files (check --pages) */
extern const char *const results_pages_groups[];

int results_run(struct results *res, const struct memacct_snapshot *snap,
		const struct memacct_check_opts *opts);
/* Like results_run, but adds to @res (initialised to zero) instead of refilling it. */
int results_append(struct results *res, const struct memacct_snapshot *snap,
		   const struct memacct_check_opts *opts);
const char *results_kind_name(uint32_t kind);
const char *results_status_name(uint32_t status);
void results_summary_line(const struct results *res, FILE *f, size_t width);
void results_free(struct results *res);

/* ranking.c: the processes of a scan ranked, with their users' names (report, top) */
struct user_name;
struct user_names {
	struct user_name **v;	/* each allocated once: the names stay put */
	size_t n;
	bool live;		/* names from passwd; else, as for a captured tree, the uid */
};

/* The name of @uid, borrowed until user_names_free(); NULL when out of memory. */
const char *user_names_get(struct user_names *u, uint32_t uid);
void user_names_free(struct user_names *u);

/* The reasons a scan skips a process: JSON key (report, top "skipped") and prom label. */
struct skip_reason {
	uint32_t reason;	/* MEMACCT_PROCS_* */
	const char *json;
	const char *label;
};
#define CLI_NSKIP_REASONS 4
extern const struct skip_reason cli_skip_reasons[CLI_NSKIP_REASONS];
/* How many processes @p skipped for @reason; 0 when it cannot say. */
uint64_t cli_skipped(const struct memacct_procs *p, uint32_t reason);
struct json;
/* "skipped": {"vanished": N, "kernel_threads": N, "denied": N, "failed": N} */
void cli_json_skipped(struct json *j, const struct memacct_procs *p);
/*
 * The scan's counts as Prometheus gauges: PREFIX (@count processes read),
 * PREFIX_partial (@partial_help) and PREFIX_skipped{reason}, each with a
 * "by" label of @by unless it is NULL.
 */
void cli_prom_scan(const char *prefix, const struct memacct_procs *p, uint64_t count,
		   const char *partial_help, const char *by);
/* @s (NULL: "-") cut to @width bytes into @buf (width + 1), anything but printable ASCII as '?'. */
const char *cli_printable(char *buf, size_t width, const char *s);
/* The indices of @p's processes by @key (MEMACCT_USAGE_*): largest first, absent last, then by
 * pid. *ret is malloc'd, *ret_n entries. 0, or a negative errno. */
int ranking_order(const struct memacct_procs *p, uint32_t key, size_t **ret, size_t *ret_n);

/* derived.c: the derived quantities of meminfo.h, by name */
struct derived_info {
	uint32_t key;
	const char *name;
	const char *formula;
};

extern const struct derived_info derived_table[];
extern const size_t derived_count;

/* Commands. */
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_meminfo(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_proc(struct cli *cli, int argc, char **argv);
int cmd_maps(struct cli *cli, int argc, char **argv);
int cmd_top(struct cli *cli, int argc, char **argv);
int cmd_pages(struct cli *cli, int argc, char **argv);
int cmd_capture(struct cli *cli, int argc, char **argv);
int cmd_kernel(struct cli *cli, int argc, char **argv);
void help_report(FILE *f);
void help_meminfo(FILE *f);
void help_check(FILE *f);
void help_proc(FILE *f);
void help_maps(FILE *f);
void help_top(FILE *f);
void help_pages(FILE *f);
void help_capture(FILE *f);
void help_kernel(FILE *f);

/* cmd-proc.c: the PID argument of proc and maps; 0, or EXIT_USAGE said */
int cli_parse_pid(const char *cmd, const char *arg, int *ret);

/* cmd-pages.c: one line on stderr for a failed read of pagemap or kpage* (the caller exits 3) */
void cli_pages_error(const struct cli *cli, int pid, const char *what, int err,
		     const struct memacct_diag *diag);

/* cmd-kernel.c: what meminfo's VmallocUsed counts on the kernel that wrote it (report, kernel) */
enum vmallocused_status {
	VMALLOCUSED_AGREES,	/* = the vmalloc pages of vmallocinfo */
	VMALLOCUSED_DIFFERS,	/* meant to agree; the two files were read apart */
	VMALLOCUSED_ZERO,	/* Linux 4.4 to 5.2: always 0 */
	VMALLOCUSED_IOREMAP,	/* before 4.4: the size of every area, ioremap included */
};

/* ROOT/sys/kernel/osrelease, printable, into @buf: 0, -ENOENT absent, -EBADMSG not N.M... */
int cli_kernel_release(struct memacct_source *src, char *buf, size_t len, unsigned *major,
		       unsigned *minor);
enum vmallocused_status cli_vmallocused_status(bool have_release, unsigned major, unsigned minor,
					       uint64_t vmallocused, uint64_t vmalloc_bytes);

/* wrap.c: notes under a table, wrapped within CLI_WIDTH columns */
#define CLI_WIDTH 80
/* A space cli_print_wrapped() does not break at: "512.0 KiB" stays on one line. */
#define CLI_GLUE '\x1f'
#define CLI_G "\x1f"
/* Every space of @s made a CLI_GLUE, in place; returns @s. */
const char *cli_glue(char *s);
/*
 * @text in lines of at most CLI_WIDTH columns, broken at spaces: the first
 * starts with @lead, the others with @indent spaces. A word longer than a
 * line is cut.
 */
void cli_print_wrapped(const char *lead, const char *text, int indent);

#endif
