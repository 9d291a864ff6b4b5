/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "internal.h"
#include "scan.h"

#define NCOLS 7

/* fs/proc/task_mmu.c task_statm, in man 5 proc's order. */
static const char *const col_names[NCOLS] = {
	"size", "resident", "shared", "text", "lib", "data", "dt",
};

static bool is_eol(char c)
{
	return c == '\n' || c == '\r';
}

/* Fail with @err at @at (line and column counted from @buf), naming column @col (-1: none). */
static int bad(struct memacct_diag *diag, int err, const char *buf, const char *at, int col,
	       const char *msg)
{
	const char *bol = buf;
	uint32_t line = 1;

	for (const char *p = buf; p < at; p++) {
		if (*p == '\n') {
			line++;
			bol = p + 1;
		}
	}
	diag_set(diag, err, line, (uint32_t)(at - bol) + 1, col >= 0 ? col_names[col] : NULL,
		 col >= 0 ? strlen(col_names[col]) : 0, msg);
	return err;
}

int memacct_statm_parse(const char *buf, size_t len, uint64_t page_size, uint32_t flags,
			struct memacct_statm *ret, struct memacct_diag *diag)
{
	struct memacct_statm out = { .sz = sizeof(out) };
	const char *start = buf ? buf : "", *p = start, *end = start + len;
	uint64_t v[NCOLS] = { 0 };
	bool lenient;
	int ncols = 0, r;
	size_t n;

	assert_return(buf || len == 0, -EINVAL);
	assert_return(ret && ret->sz >= offsetof(struct memacct_statm, size) + sizeof(ret->size),
		      -EINVAL);
	assert_return(page_size && !(page_size & (page_size - 1)), -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	lenient = flags & MEMACCT_PARSE_SKIP_BAD_LINES;

	for (;;) {
		const char *at;
		int col;
		uint64_t x;

		scan_blanks(&p, end);
		if (p == end || is_eol(*p))
			break;
		at = p;
		col = ncols < NCOLS ? ncols : -1;
		if (col < 0 && !lenient)
			return bad(diag, -EBADMSG, start, at, -1, "more than 7 columns");
		r = scan_u64(&p, end, &x);
		if (r == -EBADMSG)
			return bad(diag, r, start, at, col, "column is not a decimal number");
		if (p < end && *p != ' ' && *p != '\t' && !is_eol(*p))
			return bad(diag, -EBADMSG, start, p, col, "column is not a decimal number");
		if (r < 0)
			return bad(diag, r, start, at, col, "number does not fit in 64 bits");
		if (col < 0)
			continue;	/* lenient: columns past the seventh are ignored */
		if (scan_mul(x, page_size, &v[col]) < 0)
			return bad(diag, -EOVERFLOW, start, at, col,
				   "number does not fit in 64 bits once converted to bytes");
		ncols++;
	}
	if (ncols == 0)
		return bad(diag, -EBADMSG, start, p, -1, "no column");
	if (ncols < NCOLS && !lenient)
		return bad(diag, -EBADMSG, start, p, ncols, "fewer than 7 columns");

	/* The end of the line; then only empty lines, unless lenient. */
	if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n'))
		p++;
	if (p < end && *p != '\n')
		return bad(diag, -EBADMSG, start, p, -1, "stray carriage return");
	for (; !lenient && p < end; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return bad(diag, -EBADMSG, start, p, -1, "more than one line");

	out.size = v[0];
	out.resident = v[1];
	out.shared = v[2];
	out.text = v[3];
	out.lib = v[4];
	out.data = v[5];
	out.dt = v[6];
	out.present = (1u << ncols) - 1;
	n = ret->sz < sizeof(out) ? ret->sz : sizeof(out);
	memcpy((char *)ret + sizeof(size_t), (const char *)&out + sizeof(size_t),
	       n - sizeof(size_t));
	return 0;
}

int memacct_statm_read(struct memacct_source *src, int pid, uint32_t flags,
		       struct memacct_statm *ret, struct memacct_diag *diag)
{
	uint64_t page_size;
	char path[32];
	const char *buf;
	size_t len;
	int r;

	assert_return(src && pid > 0, -EINVAL);
	assert_return(ret && ret->sz >= offsetof(struct memacct_statm, size) + sizeof(ret->size),
		      -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	r = memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &page_size);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "the source does not know its page size");
		return r;
	}
	snprintf(path, sizeof(path), "%d/statm", pid);
	r = memacct_source_read_file(src, path, &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read PID/statm");
		return r;
	}
	return memacct_statm_parse(buf, len, page_size, flags, ret, diag);
}
