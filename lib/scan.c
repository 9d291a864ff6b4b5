/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "scan.h"

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline bool is_unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int scan_u64(const char **p, const char *end, uint64_t *ret)
{
	const char *q = *p;
	uint64_t v = 0;
	int r = 0;

	if (q >= end || !is_digit(*q))
		return -EBADMSG;
	for (; q < end && is_digit(*q); q++) {
		if (r == 0 && (__builtin_mul_overflow(v, 10, &v) ||
			       __builtin_add_overflow(v, (uint64_t)(*q - '0'), &v)))
			r = -EOVERFLOW;
	}
	*p = q;
	if (r == 0)
		*ret = v;
	return r;
}

/* End of the line starting at or before @p: the '\n' or the buffer's end. */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

/* The line's last content byte + 1, dropping a '\r' before the end. */
static const char *strip_cr(const char *start, const char *eol)
{
	if (eol > start && eol[-1] == '\r')
		eol--;
	return eol;
}

static void finish_line(struct scanner *s, struct scan_kv *kv, const char *start,
			const char *eol)
{
	kv->line = start;
	kv->line_len = (size_t)(strip_cr(start, eol) - start);
	s->cur = eol < s->end ? eol + 1 : eol;
}

int scan_next_kv(struct scanner *s, struct scan_kv *kv)
{
	const char *end = s->end;

	while (s->cur < end) {
		const char *start = s->cur, *p = start, *eol, *v;

		s->lineno++;
		while (p < end && (is_blank(*p) || *p == '\r'))
			p++;
		if (p == end || *p == '\n') {
			s->cur = p < end ? p + 1 : p;
			continue;
		}

		memset(kv, 0, sizeof(*kv));
		kv->lineno = s->lineno;
		kv->key = p;
		while (p < end && *p != ':' && *p != '\n') {
			if (unlikely(*p == '\0'))
				kv->has_nul = 1;
			p++;
		}
		if (p == end || *p == '\n') {
			kv->kind = SCAN_NOCOLON;
			kv->key_len = (size_t)(strip_cr(kv->key, p) - kv->key);
			kv->bad_col = (uint32_t)(strip_cr(start, p) - start) + 1;
			finish_line(s, kv, start, p);
			return 1;
		}
		kv->key_len = (size_t)(p - kv->key);
		p++;
		scan_blanks(&p, end);
		kv->rest = p;

		if (p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'))) {
			kv->kind = SCAN_NOVALUE;
			kv->bad_col = (uint32_t)(p - start) + 1;
			eol = p < end && *p == '\r' ? p + 1 : p;
			finish_line(s, kv, start, eol);
			return 1;
		}

		v = p;
		if (is_digit(*p)) {
			kv->overflow = scan_u64(&p, end, &kv->value) == -EOVERFLOW;
			v = p;
			scan_blanks(&p, end);
			if (p > v && p < end && is_unit_char(*p)) {
				kv->unit = p;
				while (p < end && is_unit_char(*p))
					p++;
				kv->unit_len = (size_t)(p - kv->unit);
				v = p;
				scan_blanks(&p, end);
			}
			if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n'))
				p++;
			if (p == end || *p == '\n') {
				kv->kind = SCAN_VALUE;
				kv->rest_len = (size_t)(v - kv->rest);
				finish_line(s, kv, start, p);
				return 1;
			}
		}

		/* Not "number [unit]": find the end of this line the slow way. */
		kv->kind = SCAN_TEXT;
		kv->unit = NULL;
		kv->unit_len = 0;
		kv->bad_col = (uint32_t)(p - start) + 1;
		eol = line_end(p, end);
		if (memchr(p, '\0', (size_t)(eol - p)))
			kv->has_nul = 1;
		v = strip_cr(kv->rest, eol);
		while (v > kv->rest && is_blank(v[-1]))
			v--;
		kv->rest_len = (size_t)(v - kv->rest);
		finish_line(s, kv, start, eol);
		return 1;
	}
	return 0;
}

int scan_next_line(struct scanner *s, const char **ret_line, size_t *ret_len)
{
	const char *start = s->cur, *eol;

	if (start >= s->end)
		return 0;
	s->lineno++;
	eol = line_end(start, s->end);
	*ret_line = start;
	*ret_len = (size_t)(strip_cr(start, eol) - start);
	s->cur = eol < s->end ? eol + 1 : eol;
	return 1;
}
