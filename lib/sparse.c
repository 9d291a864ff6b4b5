/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <unistd.h>

#include "sparse.h"

#define WRITE_BUF (64 * 1024)
#define MAX_RECORD 80	/* "INDEX COUNT VALUE STEP\n": 16 + 20 + 16 + 16 + 4 */

struct parse_error {
	int err;
	uint32_t line;
	uint32_t column;
	const char *key;
	const char *message;
};

static int fail(struct parse_error *e, int err, uint32_t line, size_t column, const char *key,
		const char *message)
{
	e->err = err;
	e->line = line;
	e->column = column > UINT32_MAX ? UINT32_MAX : (uint32_t)column;
	e->key = key;
	e->message = message;
	return err;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A number at *p in base 16 or 10; *p moves past every digit, even on overflow. */
static int parse_num(const char **p, const char *end, unsigned int base, uint64_t *ret)
{
	const char *q = *p;
	uint64_t v = 0;
	bool over = false;
	int d;

	while (q < end) {
		d = base == 16 ? hex_digit(*q) : (*q >= '0' && *q <= '9' ? *q - '0' : -1);
		if (d < 0)
			break;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)d, &v))
			over = true;
		q++;
	}
	if (q == *p)
		return -EBADMSG;
	*p = q;
	if (over)
		return -EOVERFLOW;
	*ret = v;
	return 0;
}

enum { F_INDEX, F_COUNT, F_VALUE, F_STEP, F_MAX };

static const char *const field_names[F_MAX] = { "index", "count", "value", "step" };

/* "INDEX COUNT VALUE [STEP]" of line @lineno (@len bytes, no '\n') into *@run. */
static int parse_run(const char *line, size_t len, uint32_t lineno, struct sparse_run *run,
		     struct parse_error *e)
{
	const char *q = line, *end = line + len;
	size_t col[F_MAX] = { 0 };
	uint64_t f[F_MAX] = { 0 };
	uint64_t span;
	int r;

	for (int i = 0; i < F_MAX; i++) {
		const char *start;
		unsigned int base = i == F_COUNT ? 10 : 16;

		if (i > 0) {
			if (q == end) {
				if (i == F_STEP)
					break;
				return fail(e, -EBADMSG, lineno, len + 1, field_names[i],
					    "missing field");
			}
			q++;	/* the one space the previous field ended on */
		}
		start = q;
		col[i] = (size_t)(start - line) + 1;
		r = parse_num(&q, end, base, &f[i]);
		if (r == -EOVERFLOW)
			return fail(e, r, lineno, col[i], field_names[i], "number past 2^64");
		if (r < 0)
			return fail(e, r, lineno, col[i], field_names[i],
				    base == 16 ? "expected a hexadecimal number"
					       : "expected a decimal number");
		if (q < end && *q != ' ')
			return fail(e, -EBADMSG, lineno, (size_t)(q - line) + 1, field_names[i],
				    base == 16 ? "not a hexadecimal digit" : "not a decimal digit");
	}
	if (q < end)
		return fail(e, -EBADMSG, lineno, (size_t)(q - line) + 2, "line", "extra field");
	if (f[F_COUNT] == 0)
		return fail(e, -EBADMSG, lineno, col[F_COUNT], "count", "COUNT is 0");
	if (f[F_COUNT] - 1 > UINT64_MAX - f[F_INDEX])
		return fail(e, -EOVERFLOW, lineno, col[F_COUNT], "count",
			    "the run's last index is past 2^64");
	if (__builtin_mul_overflow(f[F_COUNT] - 1, f[F_STEP], &span) ||
	    span > UINT64_MAX - f[F_VALUE])
		return fail(e, -EOVERFLOW, lineno, col[F_STEP], "step",
			    "the run's last value is past 2^64");
	run->index = f[F_INDEX];
	run->count = f[F_COUNT];
	run->value = f[F_VALUE];
	run->step = f[F_STEP];
	return 0;
}

static uint64_t run_last(const struct sparse_run *r)
{
	return r->index + (r->count - 1);
}

static int parse_lines(const char *buf, size_t len, struct sparse *s, struct parse_error *e)
{
	static const char magic[] = "memacct-sparse 1";
	const char *p = buf, *end = buf + len;
	uint32_t lineno = 0;
	int r;

	if (len == 0)
		return fail(e, -EBADMSG, 1, 1, "magic", "empty file");
	while (p < end) {
		const char *eol, *bad;
		size_t llen, scan;

		lineno++;
		scan = (size_t)(end - p);
		if (scan > SPARSE_MAX_LINE + 1)
			scan = SPARSE_MAX_LINE + 1;
		eol = memchr(p, '\n', scan);
		llen = eol ? (size_t)(eol - p) : scan;
		bad = memchr(p, '\0', llen);
		if (bad)
			return fail(e, -EBADMSG, lineno, (size_t)(bad - p) + 1, "line", "NUL byte");
		bad = memchr(p, '\r', llen);
		if (bad)
			return fail(e, -EBADMSG, lineno, (size_t)(bad - p) + 1, "line",
				    "carriage return");
		if (!eol && llen > SPARSE_MAX_LINE)
			return fail(e, -EBADMSG, lineno, SPARSE_MAX_LINE + 1, "line",
				    "line longer than 4096 bytes");
		if (!eol)
			return fail(e, -EBADMSG, lineno, llen + 1, "line",
				    "truncated: the last line has no newline");

		if (lineno == 1) {
			size_t i = 0;

			while (i < llen && i < sizeof(magic) - 1 && p[i] == magic[i])
				i++;
			if (i != llen || llen != sizeof(magic) - 1)
				return fail(e, -EBADMSG, 1, i + 1, "magic",
					    sparse_is(p, llen)
						    ? "unsupported memacct-sparse version"
						    : "not a memacct-sparse file");
		} else if (llen == 0) {
			return fail(e, -EBADMSG, lineno, 1, "line", "empty line");
		} else if (p[0] == '#') {
			/* a comment */
		} else if (llen >= 4 && !memcmp(p, "end ", 4)) {
			const char *q = p + 4, *le = p + llen;
			uint64_t v;

			if (s->has_end)
				return fail(e, -EBADMSG, lineno, 1, "end", "a second end line");
			r = parse_num(&q, le, 16, &v);
			if (r == -EOVERFLOW)
				return fail(e, r, lineno, 5, "end", "number past 2^64");
			if (r < 0 || q != le)
				return fail(e, -EBADMSG, lineno, (size_t)(q - p) + 1, "end",
					    r < 0 ? "expected a hexadecimal number"
						  : "not a hexadecimal digit");
			if (s->n && run_last(&s->runs[s->n - 1]) >= v)
				return fail(e, -EBADMSG, lineno, 5, "end",
					    "end is not past the last run");
			s->has_end = true;
			s->end = v;
		} else {
			struct sparse_run *run = &s->runs[s->n];

			r = parse_run(p, llen, lineno, run, e);
			if (r < 0)
				return r;
			if (s->n && run->index <= run_last(&s->runs[s->n - 1]))
				return fail(e, -EBADMSG, lineno, 1, "index",
					    "run overlaps or precedes the previous one");
			if (s->has_end && run_last(run) >= s->end)
				return fail(e, -EBADMSG, lineno, 1, "index", "run past end");
			s->n++;
		}
		p = eol + 1;
	}
	return 0;
}

int sparse_parse(const char *buf, size_t len, struct sparse *out, struct memacct_diag *diag)
{
	struct sparse s = { 0 };
	struct parse_error e = { 0 };
	size_t lines = 0;
	int r;

	for (const char *p = buf, *end = buf + len; p < end; p++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			break;
		lines++;
	}
	/* At most one run per line, the first being the magic. */
	s.runs = malloc((lines ? lines : 1) * sizeof(*s.runs));
	if (!s.runs)
		return -ENOMEM;
	r = parse_lines(buf, len, &s, &e);
	if (r < 0) {
		free(s.runs);
		diag_set(diag, e.err, e.line, e.column, e.key, strlen(e.key), e.message);
		return r;
	}
	*out = s;
	return 0;
}

void sparse_done(struct sparse *s)
{
	free(s->runs);
	s->runs = NULL;
	s->n = 0;
}

/* How many runs begin at or before @index. */
static size_t runs_upto(const struct sparse *s, uint64_t index)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->runs[mid].index <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int sparse_read(const struct sparse *s, uint64_t index, size_t n, uint64_t *out, size_t *ret_n)
{
	size_t i, got = 0;

	if (n == 0 || (s->has_end && index >= s->end)) {
		*ret_n = 0;
		return 0;
	}
	i = runs_upto(s, index);
	if (i == 0 || index - s->runs[i - 1].index >= s->runs[i - 1].count)
		return -ENODATA;
	for (i--; got < n && i < s->n && s->runs[i].index <= index; i++) {
		const struct sparse_run *run = &s->runs[i];
		uint64_t off = index - run->index, avail = run->count - off;
		uint64_t v = run->value + off * run->step;
		size_t k = avail < n - got ? (size_t)avail : n - got;

		for (size_t j = 0; j < k; j++, v += run->step)
			out[got + j] = v;
		got += k;
		if (k < avail || run_last(run) == UINT64_MAX)
			break;
		index += k;
	}
	*ret_n = got;
	return 0;
}

int sparse_next(const struct sparse *s, uint64_t index, uint64_t *ret)
{
	size_t i;

	if (s->has_end && index >= s->end)
		return -ENODATA;
	i = runs_upto(s, index);
	if (i > 0 && index - s->runs[i - 1].index < s->runs[i - 1].count) {
		*ret = index;
		return 0;
	}
	if (i < s->n) {
		*ret = s->runs[i].index;
		return 0;
	}
	return -ENODATA;
}

/* The writer. */

struct memacct_sparse_writer {
	int fd;
	int err;		/* the first write() error, kept */
	uint64_t end;		/* UINT64_MAX: none */
	bool any;		/* something was appended */
	bool full;		/* the last index appended was UINT64_MAX */
	uint64_t next;		/* one past the last index appended */
	bool has_run;
	struct sparse_run run;	/* pending, not yet formatted */
	size_t len;
	char buf[WRITE_BUF];
};

static char *put_hex(char *p, uint64_t v)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_dec(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static int writer_flush(struct memacct_sparse_writer *w)
{
	size_t off = 0;

	while (!w->err && off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n < 0) {
			if (errno != EINTR)
				w->err = -errno;
			continue;
		}
		if (n == 0)
			w->err = -EIO;
		off += (size_t)n;
	}
	w->len = 0;
	return w->err;
}

static int writer_put(struct memacct_sparse_writer *w, const char *s, size_t n)
{
	if (w->len + n > sizeof(w->buf) && writer_flush(w) < 0)
		return w->err;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	return 0;
}

static int writer_emit(struct memacct_sparse_writer *w)
{
	char *p;

	if (!w->has_run)
		return 0;
	if (w->len + MAX_RECORD > sizeof(w->buf) && writer_flush(w) < 0)
		return w->err;
	p = w->buf + w->len;
	p = put_hex(p, w->run.index);
	*p++ = ' ';
	p = put_dec(p, w->run.count);
	*p++ = ' ';
	p = put_hex(p, w->run.value);
	if (w->run.step && w->run.count > 1) {
		*p++ = ' ';
		p = put_hex(p, w->run.step);
	}
	*p++ = '\n';
	w->len = (size_t)(p - w->buf);
	w->has_run = false;
	return 0;
}

int memacct_sparse_writer_new(int fd, uint64_t end, struct memacct_sparse_writer **ret)
{
	struct memacct_sparse_writer *w;
	char line[32], *p;

	assert_return(fd >= 0 && ret, -EINVAL);
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w, 0, offsetof(struct memacct_sparse_writer, buf));
	w->fd = fd;
	w->end = end;
	writer_put(w, "memacct-sparse 1\n", 17);
	if (end != UINT64_MAX) {
		p = put_hex(stpcpy(line, "end "), end);
		*p++ = '\n';
		writer_put(w, line, (size_t)(p - line));
	}
	*ret = w;
	return 0;
}

int memacct_sparse_writer_add(struct memacct_sparse_writer *w, uint64_t index,
			      const uint64_t *values, size_t n)
{
	assert_return(w && (values || n == 0), -EINVAL);
	if (w->err)
		return w->err;
	if (n == 0)
		return 0;
	if (w->full || (w->any && index < w->next))
		return -EINVAL;
	if (n - 1 > UINT64_MAX - index)
		return -EINVAL;
	if (w->end != UINT64_MAX && (index >= w->end || n > w->end - index))
		return -EINVAL;

	for (size_t i = 0; i < n; i++, index++) {
		struct sparse_run *run = &w->run;
		uint64_t v = values[i];

		if (w->has_run && index == run->index + run->count) {
			uint64_t last = run->value + (run->count - 1) * run->step;

			if (run->count == 1 && v >= last) {
				run->step = v - last;
				run->count = 2;
				continue;
			}
			if (v >= last && v - last == run->step) {
				run->count++;
				continue;
			}
		}
		if (writer_emit(w) < 0)
			return w->err;
		*run = (struct sparse_run){ .index = index, .count = 1, .value = v };
		w->has_run = true;
	}
	w->any = true;
	w->next = index;
	w->full = index == 0;	/* wrapped: UINT64_MAX was appended */
	return 0;
}

int memacct_sparse_writer_finish(struct memacct_sparse_writer *w)
{
	int r;

	if (!w)
		return -EINVAL;
	writer_emit(w);
	r = writer_flush(w);
	free(w);
	return r;
}
