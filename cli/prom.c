/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdbool.h>

#include "prom.h"
#include "utf8.h"

/* Help text escapes \ and newline; a label value also escapes ". */
static void write_escaped(FILE *f, const char *s, bool label)
{
	size_t n;

	while (*s) {
		if (*s == '\\') {
			fputs("\\\\", f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s == '"' && label) {
			fputs("\\\"", f);
		} else {
			n = utf8_seq_len(s);
			if (n == 0) {
				fputs("\xef\xbf\xbd", f);
				s++;
			} else {
				fwrite(s, 1, n, f);
				s += n;
			}
			continue;
		}
		s++;
	}
}

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	write_escaped(f, help, false);
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void write_series(FILE *f, const char *name, const char *const *labels)
{
	const char *const *l;

	fputs(name, f);
	if (!labels || !labels[0])
		return;
	fputc('{', f);
	for (l = labels; l[0] && l[1]; l += 2) {
		if (l != labels)
			fputc(',', f);
		fprintf(f, "%s=\"", l[0]);
		write_escaped(f, l[1], true);
		fputc('"', f);
	}
	fputc('}', f);
}

void prom_u64(FILE *f, const char *name, const char *const *labels, uint64_t v)
{
	write_series(f, name, labels);
	fprintf(f, " %" PRIu64 "\n", v);
}

void prom_i64(FILE *f, const char *name, const char *const *labels, int64_t v)
{
	write_series(f, name, labels);
	fprintf(f, " %" PRId64 "\n", v);
}
