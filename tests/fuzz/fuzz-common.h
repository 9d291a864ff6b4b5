/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_FUZZ_COMMON_H
#define MEMACCT_FUZZ_COMMON_H

/*
 * Shared by the libFuzzer harnesses. Each harness parses every input twice
 * (strict, then lenient) into handles it keeps across inputs, as an agent
 * keeps its handles for years, and once more into fresh handles: a reused
 * handle must give exactly what a fresh one gives. An invariant that does
 * not hold aborts, which libFuzzer reports as a crash with the input saved.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memacct/memacct.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* A parse may fail only with these: malformed input, a number too big, or memory. */
static inline int strict_result_ok(int r)
{
	return r == 0 || r == -EBADMSG || r == -EOVERFLOW || r == -ENOMEM;
}

/* A lenient parse skips what a strict one rejects: only memory can make it fail. */
static inline int lenient_result_ok(int r)
{
	return r == 0 || r == -ENOMEM;
}

/* The diagnostic of a failed parse names the error it returned. */
static inline void check_failure_diag(const struct memacct_diag *d, int r)
{
	CHECK(d->error == r);
	CHECK(d->message != NULL);
	CHECK(memchr(d->key, '\0', sizeof(d->key)) != NULL);
}

/* count << order without overflow (the definition of a zone's free pages). */
static inline int add_blocks(uint64_t *sum, uint64_t count, uint32_t order)
{
	if (order >= 64)
		return count == 0 ? 0 : -EOVERFLOW;
	if (count > (UINT64_MAX >> order))
		return -EOVERFLOW;
	return __builtin_add_overflow(*sum, count << order, sum) ? -EOVERFLOW : 0;
}

#endif
