/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_VMALLOCINFO_H
#define MEMACCT_VMALLOCINFO_H

#include <memacct/common.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/vmallocinfo: one record per area of the kernel's vmalloc space, as
 * printed by mm/vmalloc.c (s_show(), vmalloc_info_show() since 6.9,
 * show_numa_info(), show_purge_info()):
 *
 *   0xSTART-0xEND SIZE [CALLER] [pages=N] [phys=ADDR] [KIND...] [Nn=COUNT...]
 *   0xSTART-0xEND SIZE vm_map_ram
 *   0xSTART-0xEND SIZE unpurged vm_area
 *
 * SIZE is in bytes and includes the guard page the kernel adds to every area
 * not allocated with VM_NO_GUARD. CALLER is "%pS": "sym+0xoff/0xlen", with
 * " [module]" after it when the symbol is in a module, or a bare address.
 * The file is root-only (mode 0400); addresses are "%pK": real for a reader
 * with CAP_SYSLOG under kptr_restrict=1, hashed under kptr_restrict=0 (so
 * END - START need not be SIZE and START may exceed END), all zero under
 * kptr_restrict=2 or without CAP_SYSLOG.
 *
 * Strings returned by the getters and the caller and module arrays are
 * borrowed: valid until the next _parse, _read or _free of the handle (the
 * module array also until the next _match_modules). Same strictness rules
 * and flags as meminfo (memacct_vmallocinfo_set_flags()); a kind word this
 * library does not know is kept as MEMACCT_VMALLOC_KIND_OTHER, never an
 * error.
 */
struct memacct_vmallocinfo;

/* Kinds of a record: bits of MEMACCT_VMALLOCINFO_KINDS, one per word. */
enum {
	MEMACCT_VMALLOC_KIND_VMALLOC = 1u << 0,		/* "vmalloc": VM_ALLOC */
	MEMACCT_VMALLOC_KIND_IOREMAP = 1u << 1,		/* "ioremap": VM_IOREMAP, no RAM */
	MEMACCT_VMALLOC_KIND_VMAP = 1u << 2,		/* "vmap": VM_MAP */
	MEMACCT_VMALLOC_KIND_USER = 1u << 3,		/* "user": VM_USERMAP */
	MEMACCT_VMALLOC_KIND_VPAGES = 1u << 4,		/* "vpages": page array vmalloc'ed */
	MEMACCT_VMALLOC_KIND_VM_MAP_RAM = 1u << 5,	/* a "vm_map_ram" line */
	MEMACCT_VMALLOC_KIND_UNPURGED = 1u << 6,	/* an "unpurged vm_area" line */
	MEMACCT_VMALLOC_KIND_DMA_COHERENT = 1u << 7,	/* "dma-coherent" (5.8) */
	MEMACCT_VMALLOC_KIND_SPARSE = 1u << 8,		/* "sparse": VM_SPARSE (6.9) */
	MEMACCT_VMALLOC_KIND_XEN = 1u << 9,		/* "xen": VM_XEN (6.9) */
	MEMACCT_VMALLOC_KIND_OTHER = 1u << 30,		/* a word this library does not know */
};

/* Keys for memacct_vmallocinfo_get(). */
enum {
	MEMACCT_VMALLOCINFO_START = 1,	/* address as printed (0 when hidden) */
	MEMACCT_VMALLOCINFO_END = 2,	/* address as printed */
	MEMACCT_VMALLOCINFO_SIZE = 3,	/* bytes as printed, guard page included */
	MEMACCT_VMALLOCINFO_PAGES = 4,	/* pages=N (a count); -ENOENT when not printed */
	MEMACCT_VMALLOCINFO_PHYS = 5,	/* phys= address; -ENOENT when not printed */
	MEMACCT_VMALLOCINFO_KINDS = 6,	/* MEMACCT_VMALLOC_KIND_* bits */
	MEMACCT_VMALLOCINFO_MODULE_AREA = 7,	/* 1 when the module loader allocated it, else 0 */
};

/* Keys for memacct_vmallocinfo_get_total(). */
enum {
	/* pages= of "vmalloc" records times the page size: RAM vmalloc holds */
	MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES = 1,
	/* size of "ioremap" records (address space only: they hold no RAM) */
	MEMACCT_VMALLOCINFO_TOTAL_IOREMAP_BYTES = 2,
	/* size of every record, unpurged and vm_map_ram ones included */
	MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE = 3,
	/* number of records */
	MEMACCT_VMALLOCINFO_TOTAL_RECORDS = 4,
	/* pages= of "vmalloc" records (a count) */
	MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES = 5,
	/* size of "vmalloc" records: address space, guard pages included */
	MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_SIZE = 6,
	/* size of "unpurged vm_area" records */
	MEMACCT_VMALLOCINFO_TOTAL_UNPURGED_SIZE = 7,
	/* size of "vm_map_ram" records */
	MEMACCT_VMALLOCINFO_TOTAL_VM_MAP_RAM_SIZE = 8,
	/* module loader records (MEMACCT_VMALLOCINFO_MODULE_AREA): their number, */
	MEMACCT_VMALLOCINFO_TOTAL_MODULE_RECORDS = 9,
	/* their size, guard pages included, */
	MEMACCT_VMALLOCINFO_TOTAL_MODULE_SIZE = 10,
	/* and their pages= times the page size */
	MEMACCT_VMALLOCINFO_TOTAL_MODULE_BYTES = 11,
	/* pages= of every record, vmap ones included (a count) */
	MEMACCT_VMALLOCINFO_TOTAL_PAGES = 12,
};

/**
 * One caller in memacct_vmallocinfo_callers(): library-allocated, read-only,
 * may grow at the end (test .sz before reading a newer field).
 */
struct memacct_vmalloc_caller {
	size_t sz;
	uint64_t bytes;		/* pages * page size over its "vmalloc" records */
	uint64_t pages;		/* pages= over its "vmalloc" records */
	uint64_t size;		/* size over all its records, guard pages included */
	uint64_t records;	/* number of its records */
	const char *name;	/* the symbol, without +off/len or [module] */
};

/**
 * One module in memacct_vmallocinfo_match_modules(): library-allocated,
 * read-only, may grow at the end.
 */
struct memacct_vmalloc_module {
	size_t sz;
	uint64_t lsmod_size;	/* bytes, the size column of /proc/modules */
	uint64_t address;	/* the address column; 0 when hidden */
	uint64_t area_size;	/* size of the area at .address, guard included; valid when .record >= 0 */
	uint64_t area_bytes;	/* its pages= times the page size; valid when .record >= 0 */
	int64_t record;		/* index of the record starting at .address, -1 when none */
	const char *name;
};

/** @brief Create an empty handle. @return 0, -EINVAL, -ENOMEM. */
MEMACCT_API int memacct_vmallocinfo_new(struct memacct_vmallocinfo **ret);

/** @brief Free @vi. Accepts NULL; returns NULL. */
MEMACCT_API struct memacct_vmallocinfo *memacct_vmallocinfo_free(struct memacct_vmallocinfo *vi);

/** @brief MEMACCT_PARSE_* flags for the next parses. @return 0, -EINVAL. */
MEMACCT_API int memacct_vmallocinfo_set_flags(struct memacct_vmallocinfo *vi, uint32_t flags);

/**
 * @brief The page size, in bytes, of the system the text comes from, used to
 * turn pages= into bytes. 0 (the default) means unknown: byte totals and the
 * caller list then return -ENOENT. memacct_vmallocinfo_read() sets it from
 * the source. Kept across parses.
 * @return 0; -EINVAL unless a power of two or 0.
 */
MEMACCT_API int memacct_vmallocinfo_set_page_size(struct memacct_vmallocinfo *vi,
						  uint64_t page_size);

/**
 * @brief Parse the text of /proc/vmallocinfo. No I/O. An empty text is valid
 * (no record).
 * @return 0; -EBADMSG (malformed line), -EOVERFLOW (a number past 64 bits),
 *         -ENOMEM; @diag says where.
 */
MEMACCT_API int memacct_vmallocinfo_parse(struct memacct_vmallocinfo *vi, const char *buf,
					  size_t len, struct memacct_diag *diag);

/**
 * @brief Read "vmallocinfo" through @src, take the page size from it (when
 * it knows one), and parse.
 * @return as _parse, or the source's error (-ENOENT, -EACCES for a reader
 *         without root: the file is mode 0400).
 */
MEMACCT_API int memacct_vmallocinfo_read(struct memacct_vmallocinfo *vi,
					 struct memacct_source *src, struct memacct_diag *diag);

/** @brief Number of records, >= 0. */
MEMACCT_API int memacct_vmallocinfo_count(const struct memacct_vmallocinfo *vi);

/** @brief The number of lines the last lenient parse skipped, >= 0. */
MEMACCT_API int memacct_vmallocinfo_count_skipped(const struct memacct_vmallocinfo *vi);

/**
 * @brief One value (MEMACCT_VMALLOCINFO_*) of record @i.
 * @return 0; -ENOENT when the record does not print it; -ERANGE past the
 *         end; -EOPNOTSUPP for an unknown key.
 */
MEMACCT_API int memacct_vmallocinfo_get(const struct memacct_vmallocinfo *vi, size_t i,
					uint32_t key, uint64_t *ret);

/**
 * @brief The caller symbol of record @i, without "+off/len" and without the
 * " [module]" suffix (a bare address stays as printed).
 * @return 0; -ENOENT for a record without caller (vm_map_ram, unpurged);
 *         -ERANGE.
 */
MEMACCT_API int memacct_vmallocinfo_get_caller(const struct memacct_vmallocinfo *vi, size_t i,
					       const char **ret);

/** @brief The caller of record @i as printed, e.g. "f+0x1a/0x50 [mod]". Errors as _get_caller. */
MEMACCT_API int memacct_vmallocinfo_get_caller_text(const struct memacct_vmallocinfo *vi,
						    size_t i, const char **ret);

/**
 * @brief The module the caller of record @i lies in (the "[module]" suffix).
 * @return 0; -ENOENT when the caller is in the kernel image or absent; -ERANGE.
 */
MEMACCT_API int memacct_vmallocinfo_get_caller_module(const struct memacct_vmallocinfo *vi,
						      size_t i, const char **ret);

/**
 * @brief Pages of record @i on NUMA node @node (its "N<node>=" field).
 * @return 0; -ENOENT when not printed (no NUMA, or no page there); -ERANGE.
 */
MEMACCT_API int memacct_vmallocinfo_get_node_pages(const struct memacct_vmallocinfo *vi,
						   size_t i, uint32_t node, uint64_t *ret);

/**
 * @brief Whether every address is 0: the kernel hid them (kptr_restrict=2,
 * or a reader without CAP_SYSLOG under kptr_restrict=1).
 * @return 1, 0; -ENOENT when there is no record.
 */
MEMACCT_API int memacct_vmallocinfo_addresses_hidden(const struct memacct_vmallocinfo *vi);

/**
 * @brief Whether the addresses are hashed (kptr_restrict=0): some record's
 * END - START differs from its SIZE. Hashed addresses cannot be matched with
 * /proc/modules.
 * @return 1, 0; -ENOENT when there is no record.
 */
MEMACCT_API int memacct_vmallocinfo_addresses_hashed(const struct memacct_vmallocinfo *vi);

/**
 * @brief A total over the records (MEMACCT_VMALLOCINFO_TOTAL_*). An empty
 * file gives 0 for every total: no record is a valid state, not an absence.
 * @return 0; -ENOENT for a byte total of pages when the page size is
 *         unknown; -EOVERFLOW; -EOPNOTSUPP for an unknown key.
 */
MEMACCT_API int memacct_vmallocinfo_get_total(const struct memacct_vmallocinfo *vi, uint32_t key,
					      uint64_t *ret);

/**
 * @brief Records grouped by caller symbol (records without a caller are
 * left out), sorted by bytes, then size, descending, then name. Built on the
 * first call after a parse; the array is owned by @vi.
 * @return 0; -ENOENT when the page size is unknown; -EOVERFLOW; -ENOMEM.
 */
MEMACCT_API int memacct_vmallocinfo_callers(struct memacct_vmallocinfo *vi,
					    const struct memacct_vmalloc_caller **ret,
					    size_t *ret_n);

/**
 * @brief Whether the caller symbol @name is one the module loader allocates
 * module memory from (move_module, module_alloc, module_memory_alloc,
 * execmem_alloc, ... across kernel versions). @return 1 or 0.
 */
MEMACCT_API int memacct_vmallocinfo_is_module_caller(const char *name);

/**
 * @brief Parse the text of /proc/modules ("name size refs deps state
 * address [taints]") and match each module's address with the record that
 * starts there. Only real addresses match: hidden or hashed ones leave
 * .record at -1. Since 6.4 a module has several areas and /proc/modules
 * gives only the text one, so only that one matches; the module totals still
 * count them all.
 * @param ret the array, owned by @vi; @ret_n its length.
 * @return the number of modules matched (>= 0); -EBADMSG, -EOVERFLOW for a
 *         malformed line (@diag says where), -ENOENT when the page size is
 *         unknown, -ENOMEM.
 */
MEMACCT_API int memacct_vmallocinfo_match_modules(struct memacct_vmallocinfo *vi,
						  const char *modules_buf, size_t len,
						  const struct memacct_vmalloc_module **ret,
						  size_t *ret_n, struct memacct_diag *diag);

#ifdef __cplusplus
}
#endif

#endif
