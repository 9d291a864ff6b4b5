/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "utf8.h"

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG "%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
	return EXIT_USAGE;
}

void cli_path(char *buf, size_t n, const char *root, const char *file)
{
	size_t len = strlen(root);

	if (len > 0 && root[len - 1] == '/')
		snprintf(buf, n, "%s%s", root, file);
	else
		snprintf(buf, n, "%s/%s", root, file);
}

/* The key as the parser saw it; bytes a terminal would act on, and broken UTF-8, as \xNN. */
static void write_key(FILE *f, const char *key, size_t max)
{
	const char *end = memchr(key, '\0', max);
	const char *p = key;
	size_t n;

	if (!end)
		end = key + max;
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		n = c >= 0x80 ? utf8_seq_len(p) : 1;
		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c < 0x20 || c == 0x7f || n == 0 || p + n > end) {
			fprintf(f, "\\x%02x", c);
			n = 1;
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
	}
}

/* "memacct-cli: ROOT/FILE:LINE:COL: key "K": message (strerror)" */
void cli_diag(const char *root, const char *file, int err, const struct memacct_diag *diag)
{
	char path[4096 + 64];
	/* A parse error is the library's to name; a read error is the system's. */
	const char *why = diag && diag->error && diag->line ? memacct_strerror(err) :
			  strerror(-err);

	fflush(stdout);
	cli_path(path, sizeof(path), root, file);
	fprintf(stderr, PROG ": %s", path);
	if (!diag || diag->error == 0) {
		fprintf(stderr, ": %s\n", why);
		return;
	}
	if (diag->line) {
		fprintf(stderr, ":%u", (unsigned)diag->line);
		if (diag->column)
			fprintf(stderr, ":%u", (unsigned)diag->column);
	}
	fputs(": ", stderr);
	if (diag->key[0]) {
		fputs("key \"", stderr);
		write_key(stderr, diag->key, sizeof(diag->key));
		fputs("\": ", stderr);
	}
	if (diag->message && strcmp(diag->message, why) != 0)
		fprintf(stderr, "%s (%s)\n", diag->message, why);
	else
		fprintf(stderr, "%s\n", why);
}
