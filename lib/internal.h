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

/*
 * sysfs through the source: @path (relative, "" for the top) under
 * ROOT/../sys, which is /sys for the live "/proc" and DIR/sys for a capture
 * rooted at DIR/proc. Each returns a negative errno on failure.
 */
hidden int source_openat_sys(const struct memacct_source *src, const char *path, int flags);
/*
 * Call @fn with the name of every entry of the open directory @dirfd but "."
 * and "..", listing it through the caller's @buf of @sz bytes (a few kB).
 * @return 0, the first non-zero value of @fn, or a negative errno.
 */
hidden int dir_foreach(int dirfd, uint64_t *buf, size_t sz,
		       int (*fn)(const char *name, void *userdata), void *userdata);
/* Whether ROOT/../sys exists at all (a capture may have no sys/ tree). */
hidden bool source_has_sys(const struct memacct_source *src);
/* Read the whole file @path into the source's buffer, as memacct_source_read_file(). */
hidden int source_read_sys(struct memacct_source *src, const char *path, const char **ret_buf,
			   size_t *ret_len);

#endif
