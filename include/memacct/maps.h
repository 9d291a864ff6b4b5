/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_MAPS_H
#define MEMACCT_MAPS_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A process's VMA set: /proc/PID/maps, /proc/PID/smaps or
 * /proc/PID/smaps_rollup (smaps.h), one struct memacct_vma per header line
 * ("start-end perms offset major:minor inode [name]", fs/proc/task_mmu.c
 * show_vma_header_prefix). The same handle serves all three files; each
 * _parse or _read refills it, and once it has grown to fit a file, refilling
 * allocates nothing.
 *
 * Header lines, strict (the default): the range is two hexadecimal numbers
 * of at most 16 digits with start < end (the kernel never prints an empty
 * or backwards VMA; smaps_rollup's pseudo-VMA may be empty), perms are four
 * lower-case letters "[r-][w-][x-][ps]", the offset is hexadecimal, the
 * device is "major:minor" in hexadecimal (each at most 32 bits), the inode
 * decimal; one or more blanks (spaces or tabs) separate them. The name, if
 * any, is everything after the blanks that follow the inode, up to the end
 * of the line. A header must end with '\n': a header cut at the end of the
 * buffer may have lost part of its name, so it is an error (-EBADMSG), as
 * it is for Chromium's parser. Anything else, a NUL byte, or a number that
 * does not fit its field (-EOVERFLOW) fails the parse, and the diagnostic
 * names the line, the column and the attribute ("range", "start", "end",
 * "perms", "offset", "dev", "inode", "path").
 *
 * Always tolerated: "\r\n" line ends (and a '\r' or blanks at the start of
 * a line, so "\n\r" too), blank lines, 32-bit 8-digit addresses, upper-case
 * hexadecimal digits, a single blank or any run of blanks before the name,
 * names with spaces, blanks after the inode of a VMA with no name.
 *
 * Lenient (memacct_vmas_set_flags(MEMACCT_PARSE_SKIP_BAD_LINES)): a bad
 * line is skipped and counted instead of failing the parse. A bad header is
 * read attribute by attribute (perms in either case): when its range reads
 * but is empty or backwards, the header and every line of its block are
 * skipped; when at least its range or its perms read, the VMA is kept with
 * the attributes that read and the others absent (-ENOENT), so that the
 * counters under it still count; otherwise the line alone is skipped.
 *
 * Names are kept as printed: "[heap]", "[stack]", "[vdso]", "[anon:NAME]",
 * "/path/to/file (deleted)", and a newline inside a file name as the
 * kernel's four-character escape "\012" (seq_path), not decoded. Every
 * string and struct memacct_vma returned is borrowed from the handle and
 * valid until its next _parse, _read or _free.
 */
struct memacct_vmas;

/** One VMA of a struct memacct_vmas; read it through the memacct_vma_* getters. */
struct memacct_vma;

/*
 * Header keys for memacct_vma_get(). Stable and append-only; the smaps
 * counters (smaps.h, MEMACCT_SMAPS_*) start at 100 and never overlap these.
 */
enum {
	MEMACCT_VMA_START = 1,		/* first address */
	MEMACCT_VMA_END = 2,		/* first address past the VMA */
	MEMACCT_VMA_OFFSET = 3,		/* file offset, bytes */
	MEMACCT_VMA_INODE = 4,
	MEMACCT_VMA_DEV_MAJOR = 5,
	MEMACCT_VMA_DEV_MINOR = 6,
	MEMACCT_VMA_PERMS = 7,		/* MEMACCT_VMA_PERM_* bits */
};

/* Bits of MEMACCT_VMA_PERMS. A private mapping has SHARED clear ('p'). */
enum {
	MEMACCT_VMA_PERM_READ = 1u << 0,	/* 'r' */
	MEMACCT_VMA_PERM_WRITE = 1u << 1,	/* 'w' */
	MEMACCT_VMA_PERM_EXEC = 1u << 2,	/* 'x' */
	MEMACCT_VMA_PERM_SHARED = 1u << 3,	/* 's' (VM_MAYSHARE) */
};

/** @brief Allocate an empty VMA set. @return 0, -EINVAL or -ENOMEM. */
MEMACCT_API int memacct_vmas_new(struct memacct_vmas **ret);

/** @brief Free @v. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_vmas *memacct_vmas_free(struct memacct_vmas *v);

/**
 * @brief Set parse flags (MEMACCT_PARSE_*) for the next parses and reads of
 * maps, smaps and smaps_rollup into @v.
 * @return 0, or -EINVAL for an unknown flag bit.
 */
MEMACCT_API int memacct_vmas_set_flags(struct memacct_vmas *v, uint32_t flags);

/** @brief The number of VMAs of the last fill, >= 0. */
MEMACCT_API int memacct_vmas_count(const struct memacct_vmas *v);

/**
 * @brief VMA @i, in file order (ascending addresses for a kernel's file).
 * @return a borrowed pointer, valid until the next fill or free of @v; NULL
 *         when @i is past the end or @v is NULL.
 */
MEMACCT_API const struct memacct_vma *memacct_vmas_at(const struct memacct_vmas *v, size_t i);

/**
 * @brief The number of lines the last lenient parse skipped, >= 0. A skipped
 * header's block counts every line of it; a header kept in part counts one.
 */
MEMACCT_API int memacct_vmas_count_skipped(const struct memacct_vmas *v);

/**
 * @brief Where the first line skipped by the last lenient parse was, and why.
 * @return 0, or -ENOENT when no line was skipped.
 */
MEMACCT_API int memacct_vmas_get_skipped(const struct memacct_vmas *v, struct memacct_diag *ret);

/**
 * @brief Parse the bytes of a maps file into @v: header lines only. No I/O.
 * @param diag NULL, or receives the line, column, attribute and a message on
 *        failure.
 * @return 0; -EBADMSG (including a "Key: value" line) or -EOVERFLOW for bad
 *         input, -ENOMEM, -EFBIG. On failure @v holds no VMA.
 */
MEMACCT_API int memacct_maps_parse(struct memacct_vmas *v, const char *buf, size_t len,
				   struct memacct_diag *diag);

/**
 * @brief Read "PID/maps" from @src and parse it.
 * @param pid > 0.
 * @return as memacct_maps_parse(); -EINVAL for pid <= 0; -ESRCH when the
 *         file is not there (the process does not exist or has exited; in a
 *         captured tree, also when the tree lacks the file); -EACCES, or
 *         another read error of memacct_source_read_file().
 */
MEMACCT_API int memacct_maps_read(struct memacct_vmas *v, struct memacct_source *src, int pid,
				  struct memacct_diag *diag);

/**
 * @brief A header attribute (MEMACCT_VMA_*) or smaps counter
 * (MEMACCT_SMAPS_*, smaps.h) of @vma: addresses and sizes in bytes,
 * THPeligible and ProtectionKey as the counts printed.
 * @return 0; -ENOENT when the VMA has no such value (a maps file has no
 *         counters; a kernel may not print a field; a lenient parse may keep
 *         a header in part); -EOPNOTSUPP for a key this library does not know.
 */
MEMACCT_API int memacct_vma_get(const struct memacct_vma *vma, uint32_t key, uint64_t *ret);

/**
 * @brief The VMA's name as printed, NUL-terminated: "" when it has none.
 * Escapes such as "\012" are kept as printed; see above.
 * @return 0, or -ENOENT when a lenient parse could not tell where the name
 *         starts.
 */
MEMACCT_API int memacct_vma_get_path(const struct memacct_vma *vma, const char **ret);

#ifdef __cplusplus
}
#endif

#endif
