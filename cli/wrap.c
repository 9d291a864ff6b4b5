/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Text wrapped within CLI_WIDTH columns, for the notes under a table. */

const char *cli_glue(char *s)
{
	for (char *c = s; *c; c++)
		if (*c == ' ')
			*c = CLI_GLUE;
	return s;
}

static void put_glued(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		putchar(s[i] == CLI_GLUE ? ' ' : s[i]);
}

void cli_print_wrapped(const char *lead, const char *text, int indent)
{
	size_t col = strlen(lead), len;
	bool empty = true;

	fputs(lead, stdout);
	while (*text) {
		if (*text == ' ') {
			text++;
			continue;
		}
		len = strcspn(text, " ");
		/* a word that does not fit goes to the next line, also after a long @lead */
		if ((!empty || col > (size_t)indent) && col + (empty ? 0 : 1) + len > CLI_WIDTH) {
			printf("\n%*s", indent, "");
			col = (size_t)indent;
			empty = true;
		}
		if (!empty) {
			putchar(' ');
			col++;
		}
		while (col + len > CLI_WIDTH) {
			put_glued(text, CLI_WIDTH - col);
			text += CLI_WIDTH - col;
			len -= CLI_WIDTH - col;
			printf("\n%*s", indent, "");
			col = (size_t)indent;
		}
		put_glued(text, len);
		text += len;
		col += len;
		empty = false;
	}
	putchar('\n');
}
