/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "lineparse.h"
#include "scan.h"

#define MAX_ZONE_NAME 64

int fail(struct bad *b, const char *line, const char *at, const char *msg, int err)
{
	b->col = (uint32_t)(at - line) + 1;
	b->msg = msg;
	return err;
}

int zone_header(const char *line, const char *end, const char **p, uint32_t *ret_node,
		const char **ret_name, size_t *ret_len, struct bad *b)
{
	const char *q = *p, *name;
	uint64_t node;
	int r;

	scan_blanks(&q, end);
	if (end - q < 4 || memcmp(q, "Node", 4))
		return fail(b, line, q, "expected \"Node N, zone NAME\"", -EBADMSG);
	q += 4;
	if (q == end || (*q != ' ' && *q != '\t'))
		return fail(b, line, q, "expected a blank after \"Node\"", -EBADMSG);
	scan_blanks(&q, end);
	r = scan_u64(&q, end, &node);
	if (r == 0 && node > UINT32_MAX)
		r = -EOVERFLOW;
	if (r < 0)
		return fail(b, line, q, r == -EOVERFLOW ? "node number too large" :
			    "expected a node number", r);
	if (q == end || *q != ',')
		return fail(b, line, q, "expected ',' after the node number", -EBADMSG);
	q++;
	scan_blanks(&q, end);
	if (end - q < 4 || memcmp(q, "zone", 4))
		return fail(b, line, q, "expected \"zone\"", -EBADMSG);
	q += 4;
	if (q == end || (*q != ' ' && *q != '\t'))
		return fail(b, line, q, "expected a blank after \"zone\"", -EBADMSG);
	scan_blanks(&q, end);
	name = q;
	while (q < end && *q != ' ' && *q != '\t') {
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f)
			return fail(b, line, q, "control or non-ASCII byte in zone name", -EBADMSG);
		q++;
	}
	if (q == name)
		return fail(b, line, q, "no zone name", -EBADMSG);
	if (q - name > MAX_ZONE_NAME)
		return fail(b, line, name, "zone name longer than 64 bytes", -EBADMSG);
	b->key = name;
	b->key_len = (size_t)(q - name);
	*ret_node = (uint32_t)node;
	*ret_name = name;
	*ret_len = (size_t)(q - name);
	*p = q;
	return 0;
}

void lineparse_free(struct lineparse *lp)
{
	free(lp->names);
	nametab_free(&lp->tab);
}

int lineparse_set_flags(struct lineparse *lp, uint32_t flags)
{
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	lp->flags = flags;
	return 0;
}

static void reset_all(struct lineparse *lp, lineparse_reset_fn reset_obj, void *obj)
{
	reset_obj(obj);
	lp->names_len = 0;
	nametab_clear(&lp->tab);
}

int lineparse_run(struct lineparse *lp, const char *buf, size_t len, lineparse_take_fn take,
		  lineparse_reset_fn reset_obj, void *obj, struct memacct_diag *diag)
{
	struct scanner s;
	struct bad first = { 0 };
	uint32_t first_line = 0;
	int first_err = 0;
	const char *line;
	size_t n;
	int r;

	reset_all(lp, reset_obj, obj);
	lp->skipped = 0;
	scanner_init(&s, buf, len);
	while (scan_next_line(&s, &line, &n)) {
		const char *p = line, *end = line + n, *nul;
		struct bad b = { 0 };

		scan_blanks(&p, end);
		if (p == end)
			continue;
		nul = memchr(line, '\0', n);
		if (unlikely(nul))
			r = fail(&b, line, nul, "NUL byte in line", -EBADMSG);
		else
			r = take(obj, line, p, end, &b);
		if (likely(r == 0))
			continue;
		if (skippable(r, lp->flags)) {
			if (lp->skipped++ == 0) {
				first = b;
				first_line = s.lineno;
				first_err = r;
			}
			continue;
		}
		diag_set(diag, r, s.lineno, b.col, b.key, b.key_len, b.msg);
		reset_all(lp, reset_obj, obj);
		return r;
	}
	if (lp->skipped)
		diag_set(diag, first_err, first_line, first.col, first.key, first.key_len,
			 first.msg);
	return 0;
}
