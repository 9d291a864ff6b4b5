/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_INTERNAL_H
#define MEMACCT_INTERNAL_H

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memacct.h"

#define hidden __attribute__((visibility("hidden")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Argument check at the public boundary (systemd's assert_return). */
#define assert_return(cond, err) \
	do { \
		if (unlikely(!(cond))) \
			return (err); \
	} while (0)

/* Fill a caller's optional diagnostic, honouring its .sz. */
hidden void diag_set(struct memacct_diag *diag, int err, uint32_t line, uint32_t column,
		     const char *key, size_t key_len, const char *message);

/* openat() relative to the source's root: an fd, or a negative errno. */
hidden int source_openat(const struct memacct_source *src, const char *path, int flags);

/* Whether the source's root is a mounted procfs. */
hidden bool source_is_live(const struct memacct_source *src);

#endif
