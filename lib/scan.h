/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_SCAN_H
#define MEMACCT_SCAN_H

#include "internal.h"

/*
 * The one scanner behind every "Key:   value [unit]" file (meminfo, status,
 * smaps, smaps_rollup, node meminfo). It walks the bytes once: a well-formed
 * line is split into key, value and unit as it is read, and only a malformed
 * one is searched again for its end. It allocates nothing and keeps no
 * pointer past the buffer it is given.
 */

struct scanner {
	const char *cur;
	const char *end;
	uint32_t lineno;	/* of the line last returned, 1-based */
};

enum scan_kind {
	SCAN_VALUE = 1,		/* key, ':', one decimal number, an optional unit word */
	SCAN_NOVALUE = 2,	/* key, ':', nothing else */
	SCAN_TEXT = 3,		/* key, ':', then something that is not "number [unit]" */
	SCAN_NOCOLON = 4,	/* no ':' on the line */
};

struct scan_kv {
	const char *line;	/* the line without its end-of-line bytes */
	size_t line_len;
	const char *key;	/* leading blanks skipped; may contain '(' ')' '_' ' ' */
	size_t key_len;
	const char *rest;	/* after the colon, blanks trimmed on both sides */
	size_t rest_len;
	const char *unit;	/* the unit word ("kB"), or NULL */
	size_t unit_len;
	uint64_t value;		/* SCAN_VALUE only */
	uint32_t lineno;
	uint32_t bad_col;	/* 1-based column of the first byte that broke the shape, 0 if none */
	int kind;		/* enum scan_kind */
	int overflow;		/* SCAN_VALUE/SCAN_TEXT: the number had more than 64 bits */
	int has_nul;		/* the line holds a NUL byte (then kind is SCAN_TEXT or SCAN_NOCOLON) */
};

static inline void scanner_init(struct scanner *s, const char *buf, size_t len)
{
	s->cur = buf;
	s->end = buf + len;
	s->lineno = 0;
}

/*
 * The next non-blank line as a key/value. Blank lines (only spaces, tabs,
 * '\r') are passed over but counted. A trailing '\r' is not part of the line.
 * @return 1 with *kv filled, 0 at the end of the buffer.
 */
hidden int scan_next_kv(struct scanner *s, struct scan_kv *kv);

/*
 * The next line, raw (no splitting), '\r' before '\n' removed; blank lines
 * are returned too. @return 1 or 0 at the end.
 */
hidden int scan_next_line(struct scanner *s, const char **ret_line, size_t *ret_len);

/*
 * A decimal u64 at *p (no sign, no blanks), advancing *p past the digits.
 * @return 0; -EBADMSG when no digit; -EOVERFLOW past 2^64-1 (*p still moves
 * past every digit).
 */
hidden int scan_u64(const char **p, const char *end, uint64_t *ret);

/* *p past spaces and tabs. */
static inline void scan_blanks(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Multiply by a unit: "kB" = 1024 (the kernel's kB is KiB). -EOVERFLOW or 0. */
static inline int scan_mul(uint64_t v, uint64_t m, uint64_t *ret)
{
	if (__builtin_mul_overflow(v, m, ret))
		return -EOVERFLOW;
	return 0;
}

/* Unaligned word loads, for the hot paths' word-at-a-time compares. */
static inline uint64_t load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * memcmp(a, b, n) == 0 for the short names of meminfo and smaps, without a
 * call: a few word loads, the last one overlapping. Both sides hold at least
 * n bytes.
 */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 <= n; i += 8)
			if (load64(a + i) != load64(b + i))
				return false;
		return i == n || load64(a + n - 8) == load64(b + n - 8);
	}
	if (n >= 4)
		return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

#endif
