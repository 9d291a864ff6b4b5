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
#include <cmocka.h>

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

/* cmocka 1.1 compares as LargestIntegralType; keep u64 compares exact. */
#define assert_u64_equal(a, b) assert_true((uint64_t)(a) == (uint64_t)(b))

#endif
