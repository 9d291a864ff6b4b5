/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	const char *summary;
	int (*run)(struct cli *cli, int argc, char **argv);
	void (*help)(FILE *f);
};

static const struct command commands[] = {
	{ "report", "where the memory went, in one screen (the default)", cmd_report, help_report },
	{ "meminfo", "every /proc/meminfo field in bytes, with derived quantities", cmd_meminfo,
	  help_meminfo },
	{ "check", "check the identities between the kernel's counters", cmd_check, help_check },
	{ "proc", "a process's memory usage in bytes: VSS, RSS, PSS, USS, swap", cmd_proc,
	  help_proc },
	{ "maps", "a process's memory map, one row per VMA with its counters (pmap -X)",
	  cmd_maps, help_maps },
	{ "top", "every process ranked by PSS, USS, RSS or swap, with totals (smem)", cmd_top,
	  help_top },
	{ "pages", "the physical pages by kernel flag and kind, in bytes (page-types)",
	  cmd_pages, help_pages },
	{ "kernel", "vmalloc by caller, modules, hugepage pools, NUMA nodes, in bytes",
	  cmd_kernel, help_kernel },
	{ "capture", "copy what the library reads into a tree for --root", cmd_capture,
	  help_capture },
};

static void help_main(FILE *f)
{
	size_t i;

	fputs("Usage: " PROG " [--root DIR] [--format table|json|prom] [COMMAND] [OPTIONS]\n"
	      "\n"
	      "Read Linux memory accounting (/proc/meminfo, buddyinfo, vmstat, zoneinfo,\n"
	      "a process's status, statm, smaps and smaps_rollup, and as root the page\n"
	      "tables: pagemap, kpageflags, kpagecount) in bytes, and check the identities\n"
	      "between the kernel's counters.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("  help      show the help of a command: " PROG " help COMMAND\n"
	      "\n"
	      "Global options (before or after the command):\n"
	      "  --root DIR       read DIR instead of /proc, e.g. a captured tree such as\n"
	      "                   fixtures/quiet/proc (page size and CPU count come from\n"
	      "                   DIR/../MANIFEST)\n"
	      "  --format FORMAT  table (the default), json, or prom (the Prometheus text\n"
	      "                   format, for node_exporter's textfile collector); check\n"
	      "                   also tap (TAP version 13, for CI)\n"
	      "  -h, --help       show this help, or with a command that command's help\n"
	      "  --version        show the version of " PROG " and of libmemacct\n"
	      "\n"
	      "Exit status:\n"
	      "  0  fine\n"
	      "  1  check: an identity is violated\n"
	      "  2  usage error (unknown command or option, bad option value)\n"
	      "  3  could not read what was asked: the root or a file is absent,\n"
	      "     unreadable or malformed (the message names the file and line), or\n"
	      "     proc, maps, pages --pid: no such process, or pages, proc --exact,\n"
	      "     maps --exact: not root (the message names CAP_SYS_ADMIN)\n"
	      "\n"
	      "Run '" PROG " COMMAND --help' for a command's options and output.\n", f);
}

void cli_print_version(void)
{
	printf(PROG " %s (libmemacct %s)\n", MEMACCT_VERSION_STRING, memacct_version_string());
}

/* 1: a global option, handled; 0: not a global option; -1: a usage error, said. */
int cli_global_option(struct cli *cli, int c, const char *arg)
{
	switch (c) {
	case OPT_ROOT:
		if (!arg[0]) {
			cli_usage_error(NULL, "--root needs a directory");
			return -1;
		}
		cli->root = arg;
		return 1;
	case OPT_FORMAT:
		cli->tap = false;
		if (strcmp(arg, "table") == 0) {
			cli->format = FORMAT_TABLE;
		} else if (strcmp(arg, "json") == 0) {
			cli->format = FORMAT_JSON;
		} else if (strcmp(arg, "prom") == 0) {
			cli->format = FORMAT_PROM;
		} else if (strcmp(arg, "tap") == 0 && cli->before_command) {
			/* main() lets only check run with it */
			cli->tap = true;
			cli->format = FORMAT_TABLE;
			return 1;
		} else if (strcmp(arg, "tap") == 0) {
			/* check takes it before this is called; anywhere else it is an error */
			cli_usage_error(NULL, "--format tap: only check writes TAP");
			return -1;
		} else {
			cli_usage_error(NULL, "unknown format '%s' (table, json or prom)", arg);
			return -1;
		}
		return 1;
	case OPT_HELP:
		cli->help = true;
		return 1;
	case OPT_VERSION:
		cli_print_version();
		exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_READ);
	default:
		return 0;
	}
}

/* getopt_long() said '?' or ':' (opterr is 0, so nothing was printed yet). */
int cli_bad_option(const char *cmd, int c, char **argv)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs an argument", opt);
	if (optopt && strncmp(opt, "--", 2) != 0)
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return cli_usage_error(cmd, "unknown option '%s'", opt);
}

/*
 * getopt_long() over a command's options, the global ones (--root, --format,
 * --help) taken here. @return the next option of the command's own, -1 at
 * the end of the options, or CLI_OPT_USAGE after a usage error it said (an
 * unknown option, a missing argument, a bad --root or --format).
 */
int cli_next_option(struct cli *cli, const char *cmd, int argc, char **argv,
		    const struct option *opts)
{
	int c, r;

	while ((c = getopt_long(argc, argv, CLI_GLOBAL_SHORTOPTS, opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			cli_bad_option(cmd, c, argv);
			return CLI_OPT_USAGE;
		}
		r = cli_global_option(cli, c, optarg);
		if (r < 0)
			return CLI_OPT_USAGE;
		if (r == 0)
			return c;
	}
	return -1;
}

/* --threads N: 0 (one per online CPU) to CLI_MAX_THREADS. */
int cli_parse_threads(const char *cmd, const char *arg, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v > CLI_MAX_THREADS)
		return cli_usage_error(cmd, "--threads takes a number from 0 to %d, not '%s'",
				       CLI_MAX_THREADS, arg);
	*ret = (unsigned)v;
	return 0;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int help_command(int argc, char **argv)
{
	const struct command *cmd;

	/* 'help', 'help help' and 'help --help' all mean the main help */
	if (argc < 2 || (argc == 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
				       !strcmp(argv[1], "-h")))) {
		help_main(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error(NULL, "help takes one command");
	cmd = find_command(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	cmd->help(stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { CLI_GLOBAL_OPTIONS, { NULL, 0, NULL, 0 } };
	static char *report_argv[] = { (char *)"report", NULL };
	struct cli cli = { .root = "/proc", .format = FORMAT_TABLE };
	const struct command *cmd;
	int c, r;

	opterr = 0;
	cli.before_command = true;
	/* '+': stop at the command; its own parse takes the options after it. */
	while ((c = getopt_long(argc, argv, "+" CLI_GLOBAL_SHORTOPTS, opts, NULL)) != -1) {
		r = cli_global_option(&cli, c, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0)
			return cli_bad_option(NULL, c, argv);
	}
	cli.before_command = false;
	if (cli.tap && !cli.help && (optind >= argc || strcmp(argv[optind], "check") != 0))
		return cli_usage_error(NULL, "--format tap: only check writes TAP");

	if (optind >= argc && cli.help) {
		help_main(stdout);
		r = EXIT_OK;
	} else if (optind >= argc) {
		optind = 0;
		r = cmd_report(&cli, 1, report_argv);
	} else if (strcmp(argv[optind], "help") == 0) {
		r = help_command(argc - optind, argv + optind);
	} else if (!(cmd = find_command(argv[optind]))) {
		r = cli_usage_error(NULL, "unknown command '%s'", argv[optind]);
	} else {
		argc -= optind;
		argv += optind;
		optind = 0;	/* glibc: a fresh scan, argv[0] being the command */
		r = cmd->run(&cli, argc, argv);
	}

	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_err("write error: %s", strerror(errno));
		return EXIT_READ;
	}
	return r;
}
