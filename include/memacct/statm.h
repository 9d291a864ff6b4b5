/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_STATM_H
#define MEMACCT_STATM_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/PID/statm: one line of seven decimal columns, in pages
 * (fs/proc/task_mmu.c task_statm), given here in bytes: each column times
 * the page size. Caller-allocated and size-first: set .sz to
 * sizeof(struct memacct_statm). The library writes only the first
 * min(.sz, its own size) bytes, never .sz itself, and only on success.
 *
 * A task without an mm (a kernel thread, a zombie) has a statm of seven
 * zeros: every column is present and 0.
 */
struct memacct_statm {
	size_t sz;
	uint64_t size;		/* total_vm: VmSize */
	uint64_t resident;	/* anon + file + shmem: VmRSS */
	uint64_t shared;	/* file + shmem (RssFile + RssShmem), not "shared pages" */
	uint64_t text;		/* end_code - start_code, not clamped: >= VmExe */
	uint64_t lib;		/* always 0 since 2.6 */
	uint64_t data;		/* data_vm + stack_vm: VmData + VmStk */
	uint64_t dt;		/* always 0 since 2.6 */
	uint32_t present;	/* bit i: column i (0 = size ... 6 = dt) was in the file */
	uint32_t _reserved;
};

/* Bits of memacct_statm.present. */
enum {
	MEMACCT_STATM_SIZE = 1u << 0,
	MEMACCT_STATM_RESIDENT = 1u << 1,
	MEMACCT_STATM_SHARED = 1u << 2,
	MEMACCT_STATM_TEXT = 1u << 3,
	MEMACCT_STATM_LIB = 1u << 4,
	MEMACCT_STATM_DATA = 1u << 5,
	MEMACCT_STATM_DT = 1u << 6,
};

/**
 * @brief Parse the bytes of a statm file. No I/O, no allocation.
 *
 * Strict (@flags 0): exactly seven decimal columns on one line, separated by
 * blanks; blanks around them, "\r" and trailing empty lines are tolerated.
 * With MEMACCT_PARSE_SKIP_BAD_LINES, one to six columns are accepted (the
 * missing ones are 0 and their bits clear in .present), columns past the
 * seventh and any line after the first are ignored. Never accepted: no
 * column at all, a column that is not a decimal number.
 *
 * @param page_size bytes per page, a power of two (1 gives the columns in
 *        pages, as the file has them).
 * @param ret .sz set; must reach at least .size.
 * @param diag NULL, or receives the line, column, column name and a message
 *        on failure.
 * @return 0; -EBADMSG for bad input; -EOVERFLOW when a column does not fit
 *         in 64 bits, or not once multiplied by @page_size (both in either
 *         mode); -EINVAL for a bad argument: a page size that is not a power
 *         of two, an unknown flag bit, .sz too small to hold .size.
 */
MEMACCT_API int memacct_statm_parse(const char *buf, size_t len, uint64_t page_size,
				    uint32_t flags, struct memacct_statm *ret,
				    struct memacct_diag *diag);

/**
 * @brief Read "PID/statm" from @src and parse it with the source's page size
 * (MEMACCT_SOURCE_PAGE_SIZE). One read into the source's buffer.
 * @param pid a process (or thread) id, > 0.
 * @return as memacct_statm_parse(); -ENOENT as memacct_source_get() returns
 *         it when the source does not know its page size (a captured tree
 *         without MANIFEST: give one with memacct_source_opts.page_size);
 *         a read error from memacct_source_read_file(): -ENOENT when there
 *         is no such process, because the open fails (neither procfs nor a
 *         captured tree can tell a pid that never existed from one already
 *         reaped); -ESRCH when the process was reaped between the open and
 *         the read (the kernel's read fails); -EACCES.
 */
MEMACCT_API int memacct_statm_read(struct memacct_source *src, int pid, uint32_t flags,
				   struct memacct_statm *ret, struct memacct_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
