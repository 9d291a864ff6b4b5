/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_COMMON_H
#define MEMACCT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef MEMACCT_API
#define MEMACCT_API __attribute__((visibility("default")))
#endif

/**
 * @brief Where a parse failed. Optional and caller-allocated: set .sz to
 * sizeof(struct memacct_diag) and pass it, or pass NULL. It is written only
 * when the call fails (or, for a lenient parse, to describe a skipped line),
 * and only the fields that lie below .sz.
 */
struct memacct_diag {
	size_t sz;
	int32_t error;		/* the negative errno the call returned */
	uint32_t line;		/* 1-based line number; 0 = unknown */
	uint32_t column;	/* 1-based byte column; 0 = unknown */
	uint32_t _reserved;
	char key[48];		/* key being parsed, NUL-terminated, may be cut */
	const char *message;	/* static string, never freed */
};

/* How a value is expressed. Sizes are always converted to bytes. */
enum {
	MEMACCT_UNIT_BYTES = 1,	/* a size, converted to bytes */
	MEMACCT_UNIT_COUNT = 2,	/* a count printed without a unit */
	MEMACCT_UNIT_TEXT = 3,	/* not a single number; see the _text_ getter */
};

/* Parse flags (see each parser's set_flags). */
enum {
	/* Skip malformed lines and count them instead of failing. */
	MEMACCT_PARSE_SKIP_BAD_LINES = 1u << 0,
};

/**
 * @brief A short English description of a negative errno returned by this
 * library. Never NULL; the string is static.
 */
MEMACCT_API const char *memacct_strerror(int err);

/**
 * @brief The library's version at run time, as MEMACCT_VERSION_HEX:
 * (major << 16) | (minor << 8) | patch.
 */
MEMACCT_API uint32_t memacct_version(void);

/** @brief The library's version at run time as "MAJOR.MINOR.PATCH". */
MEMACCT_API const char *memacct_version_string(void);

#ifdef __cplusplus
}
#endif

#endif
