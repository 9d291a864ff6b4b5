/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_TEST_UTIL_H
#define MEMACCT_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <memacct/common.h>

/* malloc, or the test aborts. */
static inline void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		abort();
	return p;
}

/* Read a whole file into a malloc'd buffer; NULL when absent. */
static inline char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

/*
 * The diagnostic of a failed parse: its error, line, column (0: any) and key
 * (NULL: any), and a message.
 */
static inline void assert_diag(const struct memacct_diag *d, int err, uint32_t line, uint32_t col,
			       const char *key)
{
	assert_int_equal(d->error, err);
	assert_int_equal(d->line, line);
	if (col)
		assert_int_equal(d->column, col);
	if (key)
		assert_string_equal(d->key, key);
	assert_non_null(d->message);
}

/* A source root made for one test: a fresh directory and the path of one file in it. */
struct tmp_root {
	char dir[64];
	char path[128];
};

/* Make the directory; @name is the file's name (not created yet). */
static inline void tmp_root_make(struct tmp_root *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/memacct-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
}

/* Write the file with @text. */
static inline void tmp_root_write(const struct tmp_root *t, const char *text)
{
	FILE *f = fopen(t->path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Remove the file and the directory. */
static inline void tmp_root_remove(const struct tmp_root *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

/* cmocka 1.1 compares as LargestIntegralType; keep u64 compares exact. */
#define assert_u64_equal(a, b) assert_true((uint64_t)(a) == (uint64_t)(b))

#endif
