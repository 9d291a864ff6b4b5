/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_STATUS_H
#define MEMACCT_STATUS_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/PID/status. The memory lines (Vm*, Rss*, HugetlbPages) are bytes
 * (the kernel's kB times 1024); Pid, PPid, Tgid, TracerPid and Threads are
 * numbers; the four columns of "Uid:" and "Gid:" (real, effective, saved,
 * filesystem) are numbers up to 4294967295 under their own keys. A task
 * without an mm (a kernel thread, a zombie) has no Vm or Rss line: each of
 * those keys reads as -ENOENT, never as 0.
 *
 * Every line is kept, in file order, with its name and the text after its
 * colon (trimmed): memacct_status_get_text() reaches any of them, e.g.
 * "Name", "State", "Cpus_allowed_list". A line that is neither a single
 * number, with "kB" or without a unit, is a MEMACCT_UNIT_TEXT line, never an
 * error: Name, State, Groups, hex masks (Sig*, Cap*, Cpus_allowed, ...),
 * Speculation_*, lists of ids (NStgid, NSpid, ...). The lines the kernel
 * prints as masks, octal or lists are text even when they look like a
 * decimal number ("Cpus_allowed: 3", "Umask: 0022", "NSpid: 1", "Groups:
 * 4"), so a line's kind never depends on its value. So are "Uid" and "Gid"
 * themselves; their values are the keys MEMACCT_STATUS_UID_* and _GID_*.
 * Unknown lines are kept by name: "N kB" as bytes, a single "N" as a count,
 * anything else as text.
 *
 * Strict by default: a NUL byte, a line without ':', a bad key, a duplicate
 * line, a memory line without "kB" or with another unit, a unit on one of
 * the numbers above, a known number line that is not a number, a Uid or Gid
 * line without exactly four ids fail with -EBADMSG; a number that does not
 * fit in 64 bits (in 32 for an id), or once converted to bytes, with
 * -EOVERFLOW. memacct_status_set_flags(MEMACCT_PARSE_SKIP_BAD_LINES) skips
 * such lines instead and counts them. Always tolerated: blank lines (the
 * file may start with one), spaces instead of tabs, "\r\n", no final
 * newline. No line is required: an empty file parses as holding none.
 *
 * A handle is refilled by each _parse or _read; once it has grown to fit a
 * file, refilling allocates nothing. Names and texts returned are borrowed
 * and valid until the next _parse, _read or _free of the same handle.
 */
struct memacct_status;

/* Known keys. Values are stable and append-only. */
enum {
	MEMACCT_STATUS_VMPEAK = 1,		/* bytes */
	MEMACCT_STATUS_VMSIZE = 2,
	MEMACCT_STATUS_VMLCK = 3,
	MEMACCT_STATUS_VMPIN = 4,
	MEMACCT_STATUS_VMHWM = 5,
	MEMACCT_STATUS_VMRSS = 6,
	MEMACCT_STATUS_RSSANON = 7,
	MEMACCT_STATUS_RSSFILE = 8,
	MEMACCT_STATUS_RSSSHMEM = 9,
	MEMACCT_STATUS_VMDATA = 10,
	MEMACCT_STATUS_VMSTK = 11,
	MEMACCT_STATUS_VMEXE = 12,
	MEMACCT_STATUS_VMLIB = 13,
	MEMACCT_STATUS_VMPTE = 14,
	MEMACCT_STATUS_VMPMD = 15,		/* 4.0 - 4.14 */
	MEMACCT_STATUS_VMSWAP = 16,
	MEMACCT_STATUS_HUGETLBPAGES = 17,
	MEMACCT_STATUS_PID = 18,		/* counts and ids from here on */
	MEMACCT_STATUS_PPID = 19,
	MEMACCT_STATUS_TGID = 20,
	MEMACCT_STATUS_TRACERPID = 21,
	MEMACCT_STATUS_THREADS = 22,
	MEMACCT_STATUS_UID_REAL = 23,		/* "Uid:" column 1 */
	MEMACCT_STATUS_UID_EFFECTIVE = 24,	/* column 2 */
	MEMACCT_STATUS_UID_SAVED = 25,		/* column 3 */
	MEMACCT_STATUS_UID_FS = 26,		/* column 4 */
	MEMACCT_STATUS_GID_REAL = 27,		/* "Gid:" column 1 */
	MEMACCT_STATUS_GID_EFFECTIVE = 28,
	MEMACCT_STATUS_GID_SAVED = 29,
	MEMACCT_STATUS_GID_FS = 30,
};

/** @brief Allocate an empty status handle. @return 0 or -ENOMEM/-EINVAL. */
MEMACCT_API int memacct_status_new(struct memacct_status **ret);

/** @brief Free @st. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_status *memacct_status_free(struct memacct_status *st);

/**
 * @brief Set parse flags (MEMACCT_PARSE_*) for the next parses.
 * @return 0, or -EINVAL for an unknown flag bit.
 */
MEMACCT_API int memacct_status_set_flags(struct memacct_status *st, uint32_t flags);

/**
 * @brief Parse the bytes of a /proc/PID/status file into @st. No I/O.
 * @param diag NULL, or receives the line, column, key and a message on failure.
 * @return 0; -EBADMSG or -EOVERFLOW for bad input (see above), -ENOMEM,
 *         -EFBIG past 2^32 lines. On failure @st holds no line.
 */
MEMACCT_API int memacct_status_parse(struct memacct_status *st, const char *buf, size_t len,
				     struct memacct_diag *diag);

/**
 * @brief Read "PID/status" from @src and parse it: one read of the file into
 * the source's buffer, no allocation once both handles have grown.
 * @param pid a process (or thread) id, > 0.
 * @return as memacct_status_parse(); -EINVAL for pid <= 0; or a read error
 *         from memacct_source_read_file(): -ENOENT when there is no such
 *         process, because the open fails (neither procfs nor a captured
 *         tree can tell a pid that never existed from one already reaped);
 *         -ESRCH when the process was reaped between the open and the read
 *         (the kernel's read fails); -EACCES. A zombie or a kernel thread
 *         is not an error: it reads as a file without memory lines. On
 *         failure @st holds no line.
 */
MEMACCT_API int memacct_status_read(struct memacct_status *st, struct memacct_source *src,
				    int pid, struct memacct_diag *diag);

/**
 * @brief The value of a known key (MEMACCT_STATUS_*): bytes for the memory
 * keys, the number for the others.
 * @return 0; -ENOENT when the file has no such line; -EOPNOTSUPP for a key
 *         this library version does not know.
 */
MEMACCT_API int memacct_status_get(const struct memacct_status *st, uint32_t key,
				   uint64_t *ret);

/**
 * @brief The value of any number line, known or not, by its name as spelled
 * in the file ("VmRSS", "voluntary_ctxt_switches", "SomeNewField").
 * @return 0; -ENOENT when absent; -ENODATA for a MEMACCT_UNIT_TEXT line
 *         (including "Uid" and "Gid": use their keys).
 */
MEMACCT_API int memacct_status_get_by_name(const struct memacct_status *st, const char *name,
					   uint64_t *ret);

/**
 * @brief The text after the colon of any line, blanks trimmed on both ends,
 * by the line's name: "prometheus" for "Name", "S (sleeping)" for "State",
 * "58472 kB" for "VmPeak", "" for an empty "Groups:".
 * @param ret borrowed, NUL-terminated, valid until the next parse.
 * @return 0; -ENOENT when the file has no such line.
 */
MEMACCT_API int memacct_status_get_text(const struct memacct_status *st, const char *name,
					const char **ret);

/** @brief 1 when the file has the known @key, 0 when not, -EOPNOTSUPP. */
MEMACCT_API int memacct_status_has(const struct memacct_status *st, uint32_t key);

/** @brief The number of lines kept (numbers and text lines), >= 0. */
MEMACCT_API int memacct_status_count(const struct memacct_status *st);

/**
 * @brief Line @i in file order. Any of the ret pointers may be NULL.
 * @param ret_unit MEMACCT_UNIT_BYTES, _COUNT, or _TEXT (then the value is 0:
 *        read the line with memacct_status_text_at()).
 * @param ret_key the MEMACCT_STATUS_* key of a number line, or 0: for a line
 *        the library does not know, and for every text line ("Uid" and
 *        "Gid" included).
 * @return 0, or -ERANGE when @i is past the end.
 */
MEMACCT_API int memacct_status_at(const struct memacct_status *st, size_t i,
				  const char **ret_name, uint64_t *ret_value, uint32_t *ret_unit,
				  uint32_t *ret_key);

/**
 * @brief The text after the colon of line @i, trimmed, as
 * memacct_status_get_text() gives it.
 * @return 0, or -ERANGE.
 */
MEMACCT_API int memacct_status_text_at(const struct memacct_status *st, size_t i,
				       const char **ret_text);

/** @brief The number of lines the last lenient parse skipped, >= 0. */
MEMACCT_API int memacct_status_count_skipped(const struct memacct_status *st);

/**
 * @brief Where the first line skipped by the last lenient parse was, and why.
 * @return 0, or -ENOENT when no line was skipped.
 */
MEMACCT_API int memacct_status_get_skipped(const struct memacct_status *st,
					   struct memacct_diag *ret);

/**
 * @brief The kernel's name of a known key ("VmRSS", "Pid"). The id keys are
 * named by their line and column: "Uid[0]" ... "Uid[3]", "Gid[0]" ...
 * "Gid[3]".
 * @return 0, or -EOPNOTSUPP for an unknown key.
 */
MEMACCT_API int memacct_status_key_name(uint32_t key, const char **ret);

#ifdef __cplusplus
}
#endif

#endif
