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


/*
 * The driver of a line parser's harness: @noun's handles kept across inputs
 * (strict and lenient) and a fresh one per input. The harness defines
 * check_empty(h), check_consistent(h, lenient) and check_same(a, b) for its
 * type before using this.
 */
#define FUZZ_LINE_PARSER_EXTRA(noun, extra)                                             \
	static struct memacct_##noun *strict_h, *lenient_h;                              \
                                                                                         \
	static void parse_fresh(const char *buf, size_t len, uint32_t flags, int expect, \
				const struct memacct_##noun *reused)                     \
	{                                                                                \
		struct memacct_##noun *h = NULL;                                         \
		int r;                                                                   \
                                                                                         \
		CHECK(memacct_##noun##_new(&h) == 0);                                    \
		CHECK(memacct_##noun##_set_flags(h, flags) == 0);                        \
		r = memacct_##noun##_parse(h, buf, len, NULL);                           \
		CHECK(r == expect);                                                      \
		if (r == 0)                                                              \
			check_same(h, reused);                                           \
		memacct_##noun##_free(h);                                                \
	}                                                                                \
                                                                                         \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                    \
                                                                                         \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                     \
	{                                                                                \
		struct memacct_diag d = { .sz = sizeof(d) };                             \
		const char *buf = (const char *)data;                                    \
		int rs, rl;                                                              \
                                                                                         \
		if (!strict_h) {                                                         \
			CHECK(memacct_##noun##_new(&strict_h) == 0);                     \
			CHECK(memacct_##noun##_new(&lenient_h) == 0);                    \
			CHECK(memacct_##noun##_set_flags(lenient_h,                      \
							 MEMACCT_PARSE_SKIP_BAD_LINES) == 0); \
		}                                                                        \
		rs = memacct_##noun##_parse(strict_h, buf, size, &d);                    \
		CHECK(strict_result_ok(rs));                                             \
		if (rs < 0) {                                                            \
			check_failure_diag(&d, rs);                                      \
			check_empty(strict_h);                                           \
		} else {                                                                 \
			check_consistent(strict_h, 0);                                   \
		}                                                                        \
		parse_fresh(buf, size, 0, rs, strict_h);                                 \
                                                                                         \
		rl = memacct_##noun##_parse(lenient_h, buf, size, NULL);                 \
		CHECK(lenient_result_ok(rl));                                            \
		if (rl == 0)                                                             \
			check_consistent(lenient_h, 1);                                  \
		else                                                                     \
			check_empty(lenient_h);                                          \
		if (rs == 0) {                                                           \
			CHECK(rl == 0);                                                  \
			check_same(strict_h, lenient_h);                                 \
		}                                                                        \
		parse_fresh(buf, size, MEMACCT_PARSE_SKIP_BAD_LINES, rl, lenient_h);     \
		extra(buf, size);                                                         \
		return 0;                                                                \
	}

static inline void fuzz_no_extra(const char *buf, size_t size)
{
	(void)buf;
	(void)size;
}

#define FUZZ_LINE_PARSER(noun) FUZZ_LINE_PARSER_EXTRA(noun, fuzz_no_extra)

#endif
