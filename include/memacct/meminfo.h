/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_MEMINFO_H
#define MEMACCT_MEMINFO_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/meminfo. Sizes are bytes (the kernel's kB times 1024); the
 * HugePages_* lines stay counts. A field the file does not have reads as
 * -ENOENT, never as 0. Keys the library does not know are kept by name, in
 * file order, with their value and unit.
 *
 * Strict by default: a malformed line, a duplicate key, a NUL byte, a line
 * with no value, an unknown unit or a unit where the kernel prints none fail
 * with -EBADMSG, and a number that does not fit 64 bits once converted to
 * bytes with -EOVERFLOW. memacct_meminfo_set_flags(MEMACCT_PARSE_SKIP_BAD_LINES)
 * skips such lines instead and counts them. Always tolerated: no final
 * newline, blank lines, "\r\n", any spaces or tabs (or none) after the colon,
 * and the 2.4-era summary lines ("total:", "Mem:", "Swap:" with several
 * numbers), kept as MEMACCT_UNIT_TEXT lines. A non-empty file without
 * MemTotal is cut or is not a meminfo file: -EBADMSG (an empty one parses as
 * holding no field).
 *
 * The same parser reads a NUMA node's /sys/devices/system/node/nodeN/meminfo,
 * whose lines start with "Node N " ("Node 0 MemTotal:  24682184 kB"): when
 * the first line carries such a prefix, every line must carry it with the
 * same N (else -EBADMSG), the prefix is dropped from the names, and
 * memacct_meminfo_get_node() gives N. A line with such a prefix in a file
 * whose first line has none is -EBADMSG too.
 *
 * A handle is refilled by each _parse or _read; once it has grown to fit a
 * file, refilling allocates nothing. Names and texts returned are borrowed
 * and valid until the next _parse, _read or _free of the same handle.
 */
struct memacct_meminfo;

/* Known keys. Values are stable and append-only. */
enum {
	MEMACCT_MEMINFO_MEMTOTAL = 1,
	MEMACCT_MEMINFO_MEMFREE = 2,
	MEMACCT_MEMINFO_MEMAVAILABLE = 3,
	MEMACCT_MEMINFO_BUFFERS = 4,
	MEMACCT_MEMINFO_CACHED = 5,
	MEMACCT_MEMINFO_SWAPCACHED = 6,
	MEMACCT_MEMINFO_ACTIVE = 7,
	MEMACCT_MEMINFO_INACTIVE = 8,
	MEMACCT_MEMINFO_ACTIVE_ANON = 9,	/* Active(anon) */
	MEMACCT_MEMINFO_INACTIVE_ANON = 10,	/* Inactive(anon) */
	MEMACCT_MEMINFO_ACTIVE_FILE = 11,	/* Active(file) */
	MEMACCT_MEMINFO_INACTIVE_FILE = 12,	/* Inactive(file) */
	MEMACCT_MEMINFO_UNEVICTABLE = 13,
	MEMACCT_MEMINFO_MLOCKED = 14,
	MEMACCT_MEMINFO_HIGHTOTAL = 15,
	MEMACCT_MEMINFO_HIGHFREE = 16,
	MEMACCT_MEMINFO_LOWTOTAL = 17,
	MEMACCT_MEMINFO_LOWFREE = 18,
	MEMACCT_MEMINFO_MMAPCOPY = 19,
	MEMACCT_MEMINFO_SWAPTOTAL = 20,
	MEMACCT_MEMINFO_SWAPFREE = 21,
	MEMACCT_MEMINFO_ZSWAP = 22,
	MEMACCT_MEMINFO_ZSWAPPED = 23,
	MEMACCT_MEMINFO_DIRTY = 24,
	MEMACCT_MEMINFO_WRITEBACK = 25,
	MEMACCT_MEMINFO_ANONPAGES = 26,
	MEMACCT_MEMINFO_MAPPED = 27,
	MEMACCT_MEMINFO_SHMEM = 28,
	MEMACCT_MEMINFO_KRECLAIMABLE = 29,
	MEMACCT_MEMINFO_SLAB = 30,
	MEMACCT_MEMINFO_SRECLAIMABLE = 31,
	MEMACCT_MEMINFO_SUNRECLAIM = 32,
	MEMACCT_MEMINFO_KERNELSTACK = 33,
	MEMACCT_MEMINFO_SHADOWCALLSTACK = 34,
	MEMACCT_MEMINFO_PAGETABLES = 35,
	MEMACCT_MEMINFO_SECPAGETABLES = 36,
	MEMACCT_MEMINFO_NFS_UNSTABLE = 37,
	MEMACCT_MEMINFO_BOUNCE = 38,
	MEMACCT_MEMINFO_WRITEBACKTMP = 39,
	MEMACCT_MEMINFO_COMMITLIMIT = 40,
	MEMACCT_MEMINFO_COMMITTED_AS = 41,
	MEMACCT_MEMINFO_VMALLOCTOTAL = 42,
	MEMACCT_MEMINFO_VMALLOCUSED = 43,
	MEMACCT_MEMINFO_VMALLOCCHUNK = 44,
	MEMACCT_MEMINFO_PERCPU = 45,
	MEMACCT_MEMINFO_EARLYMEMTESTBAD = 46,
	MEMACCT_MEMINFO_HARDWARECORRUPTED = 47,
	MEMACCT_MEMINFO_ANONHUGEPAGES = 48,
	MEMACCT_MEMINFO_SHMEMHUGEPAGES = 49,
	MEMACCT_MEMINFO_SHMEMPMDMAPPED = 50,
	MEMACCT_MEMINFO_FILEHUGEPAGES = 51,
	MEMACCT_MEMINFO_FILEPMDMAPPED = 52,
	MEMACCT_MEMINFO_CMATOTAL = 53,
	MEMACCT_MEMINFO_CMAFREE = 54,
	MEMACCT_MEMINFO_UNACCEPTED = 55,
	MEMACCT_MEMINFO_BALLOON = 56,
	MEMACCT_MEMINFO_GPUACTIVE = 57,
	MEMACCT_MEMINFO_GPURECLAIM = 58,
	MEMACCT_MEMINFO_HUGEPAGES_TOTAL = 59,	/* count */
	MEMACCT_MEMINFO_HUGEPAGES_FREE = 60,	/* count */
	MEMACCT_MEMINFO_HUGEPAGES_RSVD = 61,	/* count */
	MEMACCT_MEMINFO_HUGEPAGES_SURP = 62,	/* count */
	MEMACCT_MEMINFO_HUGEPAGESIZE = 63,
	MEMACCT_MEMINFO_HUGETLB = 64,
	MEMACCT_MEMINFO_DIRECTMAP4K = 65,
	MEMACCT_MEMINFO_DIRECTMAP2M = 66,
	MEMACCT_MEMINFO_DIRECTMAP4M = 67,
	MEMACCT_MEMINFO_DIRECTMAP1G = 68,
	MEMACCT_MEMINFO_DIRECTMAP1M = 69,	/* s390 */
	MEMACCT_MEMINFO_DIRECTMAP2G = 70,	/* s390 */
	MEMACCT_MEMINFO_MEMSHARED = 71,		/* 2.4 */
	MEMACCT_MEMINFO_QUICKLISTS = 72,	/* 2.6.27 - 5.4 */
	MEMACCT_MEMINFO_INACT_DIRTY = 73,	/* 2.4-rmap */
	MEMACCT_MEMINFO_INACT_CLEAN = 74,	/* 2.4-rmap */
	MEMACCT_MEMINFO_INACT_LAUNDRY = 75,	/* 2.4-rmap */
	MEMACCT_MEMINFO_INACT_TARGET = 76,	/* 2.4-rmap */
	MEMACCT_MEMINFO_MEMUSED = 77,		/* node meminfo only: MemTotal - MemFree */
	MEMACCT_MEMINFO_FILEPAGES = 78,		/* node meminfo only: NR_FILE_PAGES */
};

/** @brief Allocate an empty meminfo handle. @return 0 or -ENOMEM/-EINVAL. */
MEMACCT_API int memacct_meminfo_new(struct memacct_meminfo **ret);

/** @brief Free @mi. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_meminfo *memacct_meminfo_free(struct memacct_meminfo *mi);

/**
 * @brief Set parse flags (MEMACCT_PARSE_*) for the next parses.
 * @return 0, or -EINVAL for an unknown flag bit.
 */
MEMACCT_API int memacct_meminfo_set_flags(struct memacct_meminfo *mi, uint32_t flags);

/**
 * @brief Parse the bytes of a meminfo file into @mi. No I/O.
 *
 * A handle reused for the same file reads it faster: it keeps a copy of the
 * last text it parsed (when each of its lines was one field), and a text of
 * the same length is compared with that copy and only its changed lines are
 * read again. The result is always the one a new handle would give.
 * @param diag NULL, or receives the line, column, key and a message on failure.
 * @return 0; -EBADMSG or -EOVERFLOW for bad input (see above), -ENOMEM. On
 *         failure @mi holds no field (every get says -ENOENT).
 */
MEMACCT_API int memacct_meminfo_parse(struct memacct_meminfo *mi, const char *buf, size_t len,
				      struct memacct_diag *diag);

/**
 * @brief Read "meminfo" from @src and parse it: one read of the file into the
 * source's buffer, no allocation once both handles have grown.
 * @return as memacct_meminfo_parse(), or a read error from
 *         memacct_source_read_file().
 */
MEMACCT_API int memacct_meminfo_read(struct memacct_meminfo *mi, struct memacct_source *src,
				     struct memacct_diag *diag);

/**
 * @brief The value of a known key (MEMACCT_MEMINFO_*), in bytes (counts for
 * the HugePages_* counts).
 * @return 0; -ENOENT when the file has no such line; -EOPNOTSUPP for a key
 *         this library version does not know.
 */
MEMACCT_API int memacct_meminfo_get(const struct memacct_meminfo *mi, uint32_t key,
				    uint64_t *ret);

/**
 * @brief The value of any key, known or not, by its name as spelled in the
 * file ("Active(anon)", "HugePages_Total", "SomeNewField").
 * @return 0; -ENOENT when absent; -ENODATA for a MEMACCT_UNIT_TEXT line.
 */
MEMACCT_API int memacct_meminfo_get_by_name(const struct memacct_meminfo *mi, const char *name,
					    uint64_t *ret);

/** @brief 1 when the file has the known @key, 0 when not, -EOPNOTSUPP. */
MEMACCT_API int memacct_meminfo_has(const struct memacct_meminfo *mi, uint32_t key);

/**
 * @brief The node N of a node meminfo file ("Node N " prefix) last parsed.
 * @return 0; -ENOENT when the lines carried no prefix (/proc/meminfo).
 */
MEMACCT_API int memacct_meminfo_get_node(const struct memacct_meminfo *mi, int *ret);

/** @brief The number of lines kept (fields and text lines), >= 0. */
MEMACCT_API int memacct_meminfo_count(const struct memacct_meminfo *mi);

/**
 * @brief Line @i in file order. Any of the ret pointers may be NULL.
 * @param ret_unit MEMACCT_UNIT_BYTES, _COUNT, or _TEXT (then the value is 0:
 *        read the line with memacct_meminfo_text_at()).
 * @param ret_key the MEMACCT_MEMINFO_* key, or 0 for a key the library does
 *        not know.
 * @return 0, or -ERANGE when @i is past the end.
 */
MEMACCT_API int memacct_meminfo_at(const struct memacct_meminfo *mi, size_t i,
				   const char **ret_name, uint64_t *ret_value,
				   uint32_t *ret_unit, uint32_t *ret_key);

/**
 * @brief The text after the colon of line @i, trimmed (for MEMACCT_UNIT_TEXT
 * lines, e.g. "260579328 136073216 ..." of a 2.4-era "Mem:" line).
 * @return 0, or -ERANGE.
 */
MEMACCT_API int memacct_meminfo_text_at(const struct memacct_meminfo *mi, size_t i,
					const char **ret_text);

/** @brief The number of lines the last lenient parse skipped, >= 0. */
MEMACCT_API int memacct_meminfo_count_skipped(const struct memacct_meminfo *mi);

/**
 * @brief Where the first line skipped by the last lenient parse was, and why.
 * @return 0, or -ENOENT when no line was skipped.
 */
MEMACCT_API int memacct_meminfo_get_skipped(const struct memacct_meminfo *mi,
					    struct memacct_diag *ret);

/**
 * @brief The kernel's name of a known key ("Active(anon)").
 * @return 0, or -EOPNOTSUPP for an unknown key.
 */
MEMACCT_API int memacct_meminfo_key_name(uint32_t key, const char **ret);

/**
 * @brief The known key for a kernel field name.
 * @return 0, or -ENOENT when the library does not know the name.
 */
MEMACCT_API int memacct_meminfo_key_from_name(const char *name, uint32_t *ret);

/*
 * Derived quantities (identities.md, "Derived quantities"): computed from the
 * fields present, in bytes, signed because an unaccounted remainder can be
 * negative.
 */
enum {
	/* Slab + VmallocUsed + PageTables + SecPageTables + KernelStack +
	 * Percpu + HardwareCorrupted + Bounce, those present (Slab required). */
	MEMACCT_DERIVED_KERNEL = 1,
	/* Hugetlb, else HugePages_Total * Hugepagesize. */
	MEMACCT_DERIVED_HUGETLB = 2,
	/* Dirty + NFS_Unstable + Writeback, those present (Dirty required). */
	MEMACCT_DERIVED_TOTAL_DIRTY = 3,
	/* Active + Inactive + Unevictable (Unevictable optional before 2.6.28). */
	MEMACCT_DERIVED_USER_LRU = 4,
	/* Cached + AnonPages + Buffers. */
	MEMACCT_DERIVED_USER_PAGECACHE = 5,
	/* MemTotal - MemFree - kernel - (user by LRU + hugetlb). */
	MEMACCT_DERIVED_UNACCOUNTED_LRU = 6,
	/* MemTotal - MemFree - kernel - (user by page cache + hugetlb); only
	 * valid when SwapCached = 0 (the getter returns 1 otherwise). */
	MEMACCT_DERIVED_UNACCOUNTED_PAGECACHE = 7,
	/* Cached - Mapped: page cache no process maps. */
	MEMACCT_DERIVED_CACHE_UNMAPPED = 8,
};

/**
 * @brief A derived quantity (MEMACCT_DERIVED_*) of @mi.
 * @return 0; 1 when the value is given but its formula does not hold for this
 *         input (UNACCOUNTED_PAGECACHE with SwapCached != 0); -ENOENT when a
 *         required field is absent; -EOPNOTSUPP for an unknown key;
 *         -EOVERFLOW when a sum does not fit.
 */
MEMACCT_API int memacct_meminfo_get_derived(const struct memacct_meminfo *mi, uint32_t key,
					    int64_t *ret);

#ifdef __cplusplus
}
#endif

#endif
