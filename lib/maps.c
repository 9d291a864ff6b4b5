/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "vmas-internal.h"

/*
 * The VMA set, its header lines and the loop over the lines of maps, smaps
 * and smaps_rollup. A header is what fs/proc/task_mmu.c
 * show_vma_header_prefix prints, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
 * then, for a VMA with a name, blanks up to a column and the name.
 */

/* A header line, read. */
struct hdr {
	uint64_t start, end, offset, inode;
	uint32_t major, minor, perms, hdr;
	const char *path;
	size_t path_len;
};

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Hexadecimal digit values + 1; 0 for any other byte. */
static const uint8_t hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline int hex_val(char c)
{
	return hex1[(unsigned char)c] - 1;
}

/*
 * Hexadecimal digits at *p, advancing past them all. @return 0; -EBADMSG
 * when there is none; -EOVERFLOW past 2^64 - 1.
 */
static int scan_hex(const char **p, const char *end, uint64_t *ret)
{
	const char *q = *p;
	uint64_t v = 0;
	int r = 0, d;

	if (q >= end || hex_val(*q) < 0)
		return -EBADMSG;
	for (; q < end && (d = hex_val(*q)) >= 0; q++) {
		if (v >> 60)
			r = -EOVERFLOW;
		v = v << 4 | (uint64_t)d;
	}
	*p = q;
	if (r == 0)
		*ret = v;
	return r;
}

/* Perms "[r-][w-][x-][ps]" at @q (4 bytes there), as MEMACCT_VMA_PERM_* or -1. */
static int perms_from(const char *q, bool any_case)
{
	char c[4];
	int perms = 0;

	for (int i = 0; i < 4; i++)
		c[i] = any_case && q[i] >= 'A' && q[i] <= 'Z' ? (char)(q[i] - 'A' + 'a') : q[i];
	if ((c[0] != 'r' && c[0] != '-') || (c[1] != 'w' && c[1] != '-') ||
	    (c[2] != 'x' && c[2] != '-') || (c[3] != 'p' && c[3] != 's'))
		return -1;
	if (c[0] == 'r')
		perms |= MEMACCT_VMA_PERM_READ;
	if (c[1] == 'w')
		perms |= MEMACCT_VMA_PERM_WRITE;
	if (c[2] == 'x')
		perms |= MEMACCT_VMA_PERM_EXEC;
	if (c[3] == 's')
		perms |= MEMACCT_VMA_PERM_SHARED;
	return perms;
}

/* "major:minor" in hex at *p, each at most 32 bits. */
static int scan_dev(const char **p, const char *end, uint32_t *ret_major, uint32_t *ret_minor)
{
	uint64_t ma, mi;
	int r;

	r = scan_hex(p, end, &ma);
	if (r < 0)
		return r;
	if (*p == end || **p != ':')
		return -EBADMSG;
	(*p)++;
	r = scan_hex(p, end, &mi);
	if (r < 0)
		return r;
	if (ma > UINT32_MAX || mi > UINT32_MAX)
		return -EOVERFLOW;
	*ret_major = (uint32_t)ma;
	*ret_minor = (uint32_t)mi;
	return 0;
}

static int bad_attr(struct bad *b, const char *line, const char *at, const char *attr, int err,
		    const char *msg_bad, const char *msg_overflow)
{
	b->key = attr;
	b->key_len = strlen(attr);
	return fail(b, line, at, err == -EOVERFLOW ? msg_overflow : msg_bad,
		    err == -EOVERFLOW ? -EOVERFLOW : -EBADMSG);
}

/* A header that stops before @attr. */
#define ENDS_BEFORE(b, line, q, attr) \
	bad_attr(b, line, q, attr, -EBADMSG, "the line ends before the " attr, NULL)

/* Past the blanks at *q; false unless there was at least one. */
static bool blanks(const char **q, const char *end)
{
	const char *s = *q;

	scan_blanks(q, end);
	return *q > s;
}

/*
 * The strict header grammar (see maps.h) of the line from @line to @end,
 * @p its first byte that is not a blank or '\r'. @return 0, or a negative
 * errno with *@b filled.
 */
static int header_parse(const char *line, const char *p, const char *end, enum vmas_mode mode,
			struct hdr *h, struct bad *b)
{
	const char *q = p, *at;
	int r, perms;

	memset(h, 0, sizeof(*h));
	if (hex_val(*q) < 0) {
		b->key = "header";
		b->key_len = 6;
		return fail(b, line, q, "neither a VMA header nor a \"Key: value\" line", -EBADMSG);
	}
	r = scan_hex(&q, end, &h->start);
	if (r < 0)
		return bad_attr(b, line, p, "start", r, "expected a hexadecimal start address",
				"start address does not fit in 64 bits");
	if (q == end || *q != '-')
		return bad_attr(b, line, q, "range", -EBADMSG, "expected '-' after the start address",
				NULL);
	q++;
	at = q;
	r = scan_hex(&q, end, &h->end);
	if (r < 0)
		return bad_attr(b, line, at, "end", r, "expected a hexadecimal end address",
				"end address does not fit in 64 bits");
	if (q < end && !is_blank(*q))
		return bad_attr(b, line, q, "end", -EBADMSG, "expected a hexadecimal end address",
				NULL);
	/* fs/proc/task_mmu.c: a VMA is never empty; smaps_rollup of an mm
	 * without VMAs prints 00000000-00000000. */
	if (h->start > h->end || (h->start == h->end && mode != MODE_ROLLUP))
		return bad_attr(b, line, p, "range", -EBADMSG, "empty or backwards address range",
				NULL);
	h->hdr |= HDR_RANGE;

	if (q == end)
		return ENDS_BEFORE(b, line, q, "perms");
	if (!blanks(&q, end) || end - q < 4 || (perms = perms_from(q, false)) < 0 ||
	    (q + 4 < end && !is_blank(q[4])))
		return bad_attr(b, line, q, "perms", -EBADMSG,
				"expected permissions like r-xp", NULL);
	h->perms = (uint32_t)perms;
	h->hdr |= HDR_PERMS;
	q += 4;

	scan_blanks(&q, end);
	if (q == end)
		return ENDS_BEFORE(b, line, q, "offset");
	at = q;
	r = scan_hex(&q, end, &h->offset);
	if (r == 0 && q < end && !is_blank(*q))
		r = -EBADMSG;
	if (r < 0)
		return bad_attr(b, line, r == -EOVERFLOW ? at : q, "offset", r,
				"expected a hexadecimal offset", "offset does not fit in 64 bits");
	h->hdr |= HDR_OFFSET;

	scan_blanks(&q, end);
	if (q == end)
		return ENDS_BEFORE(b, line, q, "dev");
	at = q;
	r = scan_dev(&q, end, &h->major, &h->minor);
	if (r == 0 && q < end && !is_blank(*q))
		r = -EBADMSG;
	if (r < 0)
		return bad_attr(b, line, r == -EOVERFLOW ? at : q, "dev", r,
				"expected a device major:minor in hexadecimal",
				"device number does not fit in 32 bits");
	h->hdr |= HDR_DEV;

	scan_blanks(&q, end);
	if (q == end)
		return ENDS_BEFORE(b, line, q, "inode");
	at = q;
	r = scan_u64(&q, end, &h->inode);
	if (r == 0 && q < end && !is_blank(*q))
		r = -EBADMSG;
	if (r < 0)
		return bad_attr(b, line, r == -EOVERFLOW ? at : q, "inode", r,
				"expected a decimal inode number", "inode does not fit in 64 bits");
	h->hdr |= HDR_INODE;

	scan_blanks(&q, end);
	h->path = q;
	h->path_len = (size_t)(end - q);
	h->hdr |= HDR_PATH;
	return 0;
}

/* Hex digits spanning exactly [q, e). */
static bool hex_token(const char *q, const char *e, uint64_t *ret)
{
	return scan_hex(&q, e, ret) == 0 && q == e;
}

/*
 * Lenient: read what can be read of a header the strict grammar rejected,
 * token by token (perms in either case). The name is known only after an
 * inode that reads.
 */
static void header_salvage(const char *p, const char *end, struct hdr *h)
{
	const char *tok[5], *tend[5], *q = p;
	uint64_t v;
	int n = 0, perms;

	memset(h, 0, sizeof(*h));
	while (n < 5) {
		scan_blanks(&q, end);
		if (q == end)
			break;
		tok[n] = q;
		while (q < end && !is_blank(*q))
			q++;
		tend[n++] = q;
	}
	if (n > 0) {
		const char *dash = memchr(tok[0], '-', (size_t)(tend[0] - tok[0]));

		if (dash && hex_token(tok[0], dash, &h->start) &&
		    hex_token(dash + 1, tend[0], &h->end))
			h->hdr |= HDR_RANGE;
	}
	if (n > 1 && tend[1] - tok[1] == 4 && (perms = perms_from(tok[1], true)) >= 0) {
		h->perms = (uint32_t)perms;
		h->hdr |= HDR_PERMS;
	}
	if (n > 2 && hex_token(tok[2], tend[2], &h->offset))
		h->hdr |= HDR_OFFSET;
	if (n > 3) {
		const char *d = tok[3];

		if (scan_dev(&d, tend[3], &h->major, &h->minor) == 0 && d == tend[3])
			h->hdr |= HDR_DEV;
	}
	if (n > 4) {
		const char *d = tok[4];

		if (scan_u64(&d, tend[4], &v) == 0 && d == tend[4]) {
			h->inode = v;
			h->hdr |= HDR_INODE | HDR_PATH;
			q = tend[4];
			scan_blanks(&q, end);
			h->path = q;
			h->path_len = (size_t)(end - q);
		}
	}
}

/* Does the line at @p (not blank) start "Key:", with a key of [A-Za-z][A-Za-z0-9_()]*? */
static bool is_field_line(const char *p, const char *end)
{
	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		return false;
	for (p++; p < end; p++) {
		char c = *p;

		if (c == ':')
			return true;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '(' || c == ')'))
			return false;
	}
	return false;
}

int memacct_vmas_new(struct memacct_vmas **ret)
{
	struct memacct_vmas *v;

	assert_return(ret, -EINVAL);
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	*ret = v;
	return 0;
}

struct memacct_vmas *memacct_vmas_free(struct memacct_vmas *v)
{
	if (v) {
		free(v->vma);
		free(v->extra);
		free(v->text);
		free(v);
	}
	return NULL;
}

int memacct_vmas_set_flags(struct memacct_vmas *v, uint32_t flags)
{
	assert_return(v, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	v->flags = flags;
	return 0;
}

int memacct_vmas_count(const struct memacct_vmas *v)
{
	assert_return(v, -EINVAL);
	return (int)v->n;
}

const struct memacct_vma *memacct_vmas_at(const struct memacct_vmas *v, size_t i)
{
	if (!v || i >= v->n)
		return NULL;
	return &v->vma[i];
}

int memacct_vmas_count_skipped(const struct memacct_vmas *v)
{
	assert_return(v, -EINVAL);
	return (int)v->skipped;
}

int memacct_vmas_get_skipped(const struct memacct_vmas *v, struct memacct_diag *ret)
{
	size_t n;

	assert_return(v && ret && ret->sz >= sizeof(size_t), -EINVAL);
	if (v->skipped == 0)
		return -ENOENT;
	n = ret->sz < sizeof(v->first_skip) ? ret->sz : sizeof(v->first_skip);
	memcpy((char *)ret + sizeof(size_t), (const char *)&v->first_skip + sizeof(size_t),
	       n - sizeof(size_t));
	return 0;
}

/* Forget the VMAs (not the skip count), keeping the memory. */
static void clear(struct memacct_vmas *v)
{
	v->n = 0;
	v->extra_n = 0;
	v->text_len = 0;
}

/* A new VMA from @h, the last of @v. */
static int vma_open(struct memacct_vmas *v, const struct hdr *h)
{
	struct memacct_vma *vma;
	uint32_t off = 0;
	int r;

	r = grow((void **)&v->vma, &v->cap, v->n, 1, sizeof(*v->vma), 64);
	if (r < 0)
		return r;
	if (h->path_len) {
		r = vmas_text_put(v, h->path, h->path_len, &off);
		if (r < 0)
			return r;
	}
	vma = &v->vma[v->n++];
	vma->owner = v;
	vma->start = h->start;
	vma->end = h->end;
	vma->offset = h->offset;
	vma->inode = h->inode;
	vma->vmflags = 0;
	vma->present = 0;
	vma->dev_major = h->major;
	vma->dev_minor = h->minor;
	vma->perms = h->perms;
	vma->hdr = h->hdr;
	vma->path_off = off;
	vma->path_len = (uint32_t)h->path_len;
	vma->extra_first = (uint32_t)v->extra_n;
	vma->extra_n = 0;
	vma->vmflags_extra = -1;
	vma->name_extra = -1;
	return 0;
}

struct run {
	struct memacct_vmas *v;
	enum vmas_mode mode;
	memacct_smaps_fn fn;
	void *userdata;
	int cb_err;		/* the callback's negative return */
	bool open;		/* the last VMA takes the field lines */
	bool dropping;		/* lenient: the block of a header that made no VMA */
	bool seen_header;
	uint32_t prev_fid;
};

/* The open block is complete: hand it to the callback, if any. */
static int vma_close(struct run *run)
{
	int r = 0;

	if (run->open && run->fn) {
		r = run->fn(&run->v->vma[0], run->userdata);
		clear(run->v);
	}
	run->open = false;
	if (r < 0) {
		run->cb_err = r;
		return r;
	}
	return 0;
}

/* Lenient: skip the block that starts here. */
static int vma_drop(struct run *run)
{
	run->dropping = true;
	return vma_close(run);
}

/* Record the first skipped line of a lenient parse. */
static void note_skip(struct memacct_vmas *v, uint32_t lineno, int err, const struct bad *b)
{
	if (v->skipped++ != 0)
		return;
	v->first_skip.sz = sizeof(v->first_skip);
	diag_set(&v->first_skip, err, lineno, b->col, b->key, b->key_len, b->msg);
}

/*
 * A header line, number @lineno. @cut: it is the buffer's last line and has
 * no '\n'. A lenient parse deals with a bad one here. @return 0, or a
 * negative errno with *@b filled (run->cb_err set when it is the callback's).
 */
static int take_header(struct run *run, const char *line, const char *p, const char *end,
		       bool cut, uint32_t lineno, struct bad *b)
{
	struct memacct_vmas *v = run->v;
	struct hdr h;
	int r;

	r = header_parse(line, p, end, run->mode, &h, b);
	if (r == 0 && run->mode == MODE_ROLLUP && run->seen_header)
		r = fail(b, line, p, "more than one header in smaps_rollup", -EBADMSG);
	if (r == 0 && run->mode == MODE_ROLLUP &&
	    (h.path_len != 8 || memcmp(h.path, "[rollup]", 8)))
		r = fail(b, line, h.path, "the smaps_rollup header does not name [rollup]",
			 -EBADMSG);
	if (r == 0 && cut)
		r = fail(b, line, end, "a header without '\\n' at the end: its name may be cut",
			 -EBADMSG);
	if (r < 0) {
		if (!b->key) {
			b->key = "header";
			b->key_len = 6;
		}
		if (!skippable(r, v->flags))
			return r;
		note_skip(v, lineno, r, b);
		if (run->mode == MODE_ROLLUP && run->seen_header)
			return vma_drop(run);
		header_salvage(p, end, &h);
		if ((h.hdr & HDR_RANGE) &&
		    (h.start > h.end || (h.start == h.end && run->mode != MODE_ROLLUP)))
			return vma_drop(run);
		if (!(h.hdr & (HDR_RANGE | HDR_PERMS)))
			return 0;
	}
	r = vma_close(run);
	if (r < 0)
		return r;
	r = vma_open(v, &h);
	if (r < 0)
		return fail(b, line, p, "out of memory", r);
	run->open = true;
	run->dropping = false;
	run->seen_header = true;
	run->prev_fid = FID_NONE;
	return 0;
}

int vmas_parse(struct memacct_vmas *v, const char *buf, size_t len, enum vmas_mode mode,
	       memacct_smaps_fn fn, void *userdata, struct memacct_diag *diag)
{
	struct run run = { .v = v, .mode = mode, .fn = fn, .userdata = userdata };
	struct scanner s;
	const char *line;
	size_t n;
	int r;

	clear(v);
	v->skipped = 0;
	scanner_init(&s, buf, len);
	for (;;) {
		const char *p, *end, *nul;
		struct bad b = { 0 };

		if (run.open && mode != MODE_MAPS &&
		    smaps_fast_field(v, &v->vma[v->n - 1], &s, &run.prev_fid))
			continue;
		if (!scan_next_line(&s, &line, &n))
			break;
		p = line;
		end = line + n;
		while (p < end && (is_blank(*p) || *p == '\r'))
			p++;
		if (p == end)
			continue;

		nul = memchr(line, '\0', n);
		if (unlikely(nul)) {
			r = fail(&b, line, nul, "NUL byte in line", -EBADMSG);
		} else if (!is_field_line(p, end)) {
			r = take_header(&run, line, p, end, s.cur == s.end && buf[len - 1] != '\n',
					s.lineno, &b);
			if (run.cb_err) {
				clear(v);
				return run.cb_err;
			}
		} else if (mode == MODE_MAPS || (!run.open && !run.dropping)) {
			b.key = p;
			b.key_len = (size_t)((const char *)memchr(p, ':', (size_t)(end - p)) - p);
			r = fail(&b, line, p, mode == MODE_MAPS ? "a \"Key: value\" line in a maps file" :
				 "a field line before the first VMA header", -EBADMSG);
		} else if (run.dropping) {
			v->skipped++;
			continue;
		} else {
			r = smaps_take_field(v, &v->vma[v->n - 1], line, end, &run.prev_fid, &b);
		}
		if (likely(r == 0))
			continue;
		if (!b.key) {
			b.key = p;
			b.key_len = (size_t)(end - p);
		}
		if (skippable(r, v->flags)) {
			note_skip(v, s.lineno, r, &b);
			continue;
		}
		diag_set(diag, r, s.lineno, b.col, b.key, b.key_len, b.msg);
		clear(v);
		return r;
	}
	r = vma_close(&run);
	if (r < 0 || fn)
		clear(v);
	return r;
}

int vmas_read_file(struct memacct_source *src, int pid, const char *name, const char **ret_buf,
		   size_t *ret_len, struct memacct_diag *diag)
{
	char path[32];
	int r;

	snprintf(path, sizeof(path), "%d/%s", pid, name);
	r = memacct_source_read_file(src, path, ret_buf, ret_len);
	if (r == -ENOENT)
		r = -ESRCH;
	if (r < 0)
		diag_set(diag, r, 0, 0, name, strlen(name), "cannot read the process's file");
	return r;
}

int memacct_maps_parse(struct memacct_vmas *v, const char *buf, size_t len,
		       struct memacct_diag *diag)
{
	assert_return(v, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return vmas_parse(v, buf, len, MODE_MAPS, NULL, NULL, diag);
}

int memacct_maps_read(struct memacct_vmas *v, struct memacct_source *src, int pid,
		      struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(v && src && pid > 0, -EINVAL);
	r = vmas_read_file(src, pid, "maps", &buf, &len, diag);
	if (r < 0)
		return r;
	return vmas_parse(v, buf, len, MODE_MAPS, NULL, NULL, diag);
}

int memacct_vma_get(const struct memacct_vma *vma, uint32_t key, uint64_t *ret)
{
	static const uint32_t need[] = {
		[MEMACCT_VMA_START] = HDR_RANGE,
		[MEMACCT_VMA_END] = HDR_RANGE,
		[MEMACCT_VMA_OFFSET] = HDR_OFFSET,
		[MEMACCT_VMA_INODE] = HDR_INODE,
		[MEMACCT_VMA_DEV_MAJOR] = HDR_DEV,
		[MEMACCT_VMA_DEV_MINOR] = HDR_DEV,
		[MEMACCT_VMA_PERMS] = HDR_PERMS,
	};
	uint32_t k;

	assert_return(vma && ret, -EINVAL);
	if (key >= SMAPS_KEY_FIRST && key < SMAPS_KEY_FIRST + SMAPS_NKEYS) {
		k = key - SMAPS_KEY_FIRST;
		if (!(vma->present & (UINT64_C(1) << k)))
			return -ENOENT;
		*ret = vma->val[k];
		return 0;
	}
	if (key == 0 || key >= ARRAY_SIZE(need))
		return -EOPNOTSUPP;
	if (!(vma->hdr & need[key]))
		return -ENOENT;
	switch (key) {
	case MEMACCT_VMA_START:
		*ret = vma->start;
		break;
	case MEMACCT_VMA_END:
		*ret = vma->end;
		break;
	case MEMACCT_VMA_OFFSET:
		*ret = vma->offset;
		break;
	case MEMACCT_VMA_INODE:
		*ret = vma->inode;
		break;
	case MEMACCT_VMA_DEV_MAJOR:
		*ret = vma->dev_major;
		break;
	case MEMACCT_VMA_DEV_MINOR:
		*ret = vma->dev_minor;
		break;
	default:
		*ret = vma->perms;
		break;
	}
	return 0;
}

int memacct_vma_get_path(const struct memacct_vma *vma, const char **ret)
{
	assert_return(vma && ret, -EINVAL);
	if (!(vma->hdr & HDR_PATH))
		return -ENOENT;
	*ret = vma->path_len ? vma->owner->text + vma->path_off : "";
	return 0;
}
