/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Accessors for VMA sets that fail the test instead of returning an error. */
#ifndef MEMACCT_TEST_VMAS_H
#define MEMACCT_TEST_VMAS_H

#include "memacct.h"
#include "test-util.h"

static inline struct memacct_vmas *new_vmas(void)
{
	struct memacct_vmas *v = NULL;

	assert_int_equal(memacct_vmas_new(&v), 0);
	assert_non_null(v);
	return v;
}

static inline const struct memacct_vma *at(const struct memacct_vmas *v, size_t i)
{
	const struct memacct_vma *vma = memacct_vmas_at(v, i);

	assert_non_null(vma);
	return vma;
}

static inline uint64_t get(const struct memacct_vma *vma, uint32_t key)
{
	uint64_t x = 0xdeadbeef;

	assert_int_equal(memacct_vma_get(vma, key, &x), 0);
	return x;
}

static inline uint64_t by_name(const struct memacct_vma *vma, const char *name)
{
	uint64_t x = 0xdeadbeef;

	assert_int_equal(memacct_vma_get_by_name(vma, name, &x), 0);
	return x;
}

static inline const char *text_of(const struct memacct_vma *vma, const char *name)
{
	const char *t = NULL;

	assert_int_equal(memacct_vma_get_text_by_name(vma, name, &t), 0);
	assert_non_null(t);
	return t;
}

static inline const char *path_of(const struct memacct_vma *vma)
{
	const char *p = NULL;

	assert_int_equal(memacct_vma_get_path(vma, &p), 0);
	assert_non_null(p);
	return p;
}

#endif
