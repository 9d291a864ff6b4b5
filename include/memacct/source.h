/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_SOURCE_H
#define MEMACCT_SOURCE_H

#include <memacct/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A source is where every file is read from: the live /proc, or a captured
 * tree shaped like it (fixtures/NAME/proc). It holds the root directory fd,
 * one reusable read buffer, and the page size and CPU count of the system
 * the tree describes. It is not shareable across threads; use one per thread.
 *
 * Page size and CPU count come from the tree, never from the running machine
 * unless the tree is the running machine's procfs:
 *   1. the opts fields, when non-zero;
 *   2. a MANIFEST file beside the root (ROOT/../MANIFEST, then ROOT/MANIFEST),
 *      lines "page_size: BYTES" and "cpus: N";
 *   3. for a live procfs root, the running kernel (sysconf), and for CPUs the
 *      "cpuN" lines of ROOT/stat when present.
 * When none applies, memacct_source_get() says -ENOENT for that key.
 *
 * A captured tree also reproduces the kernel's refusals: the paths its
 * MANIFEST's "denied:" line names (PID/FILE or FILE, as memacct-cli capture
 * writes them) fail to open with -EACCES, as they did live, rather than
 * -ENOENT, so a process whose smaps_rollup was refused reads as partial in
 * the tree as it did live, not as vanished.
 */
struct memacct_source;

struct memacct_source_opts {
	size_t sz;		/* sizeof(struct memacct_source_opts) */
	uint64_t flags;		/* none defined yet: must be 0 */
	uint64_t page_size;	/* bytes; 0 = from the tree */
	uint32_t ncpus;		/* 0 = from the tree */
	uint32_t _reserved;	/* must be 0 */
};

/* Keys for memacct_source_get(). */
enum {
	MEMACCT_SOURCE_PAGE_SIZE = 1,	/* bytes */
	MEMACCT_SOURCE_NCPUS = 2,	/* CPUs of the system the tree describes */
	MEMACCT_SOURCE_LIVE = 3,	/* 1 when the root is a mounted procfs, else 0 */
};

/**
 * @brief Open a source over @root (NULL means "/proc").
 * @param opts NULL, or options with .sz set; unknown non-zero bytes past the
 *        fields this version knows give -E2BIG.
 * @param ret receives the new source on success; untouched on failure.
 * @return 0; -EINVAL for a bad argument or page size (not a power of two),
 *         -ENOENT/-EACCES/-ENOTDIR when the root cannot be opened, -ENOMEM,
 *         -EBADMSG when a MANIFEST page_size or cpus line is malformed.
 */
MEMACCT_API int memacct_source_new(const char *root, const struct memacct_source_opts *opts,
				   struct memacct_source **ret);

/**
 * @brief Like memacct_source_new() over an already open directory fd. The fd
 * is duplicated; the caller keeps its own. No MANIFEST beside the root can be
 * found this way except ROOT/MANIFEST.
 */
MEMACCT_API int memacct_source_new_fd(int root_fd, const struct memacct_source_opts *opts,
				      struct memacct_source **ret);

/** @brief Close and free @src. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_source *memacct_source_free(struct memacct_source *src);

/**
 * @brief One property of the source (MEMACCT_SOURCE_*).
 * @return 0; -ENOENT when the tree does not say; -EOPNOTSUPP for an unknown key.
 */
MEMACCT_API int memacct_source_get(const struct memacct_source *src, uint32_t key,
				   uint64_t *ret);

/**
 * @brief Read a whole file of the tree, e.g. "meminfo" or "1/status", into
 * the source's reusable buffer.
 * @param ret_buf receives a pointer to the bytes, borrowed: valid until the
 *        next read through @src or its free. Not NUL-terminated.
 * @return 0; -ENOENT, -EACCES, -ESRCH (process gone), -EFBIG (over 1 GiB),
 *         -ENOMEM, or another negative errno from the kernel.
 */
MEMACCT_API int memacct_source_read_file(struct memacct_source *src, const char *path,
					 const char **ret_buf, size_t *ret_len);

#ifdef __cplusplus
}
#endif

#endif
