/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_SMAPS_H
#define MEMACCT_SMAPS_H

#include <memacct/common.h>
#include <memacct/maps.h>
#include <memacct/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * /proc/PID/smaps and /proc/PID/smaps_rollup, parsed into the VMA set of
 * maps.h: each header line starts a VMA, and the "Key: value" lines under it
 * are its fields (fs/proc/task_mmu.c __show_smap, show_smap_vma_flags,
 * show_smaps_rollup). smaps_rollup is one pseudo-VMA whose name is
 * "[rollup]" and whose range runs from the first VMA's start to the last
 * one's end.
 *
 * Sizes are bytes (the kernel's kB times 1024); THPeligible and
 * ProtectionKey, printed without a unit, stay counts. A field the VMA's
 * block does not have reads as -ENOENT, never as 0. Lines the library does
 * not know are kept by name with their value and unit (or as text when the
 * value is not "number [unit]"). "VmFlags:" is kept as a bit set and as its
 * text, "Name:" (Android kernels) as its text.
 *
 * Strict by default, as maps.h describes for the header lines; for the
 * field lines: a duplicate key within one block, a field before the first
 * header, a NUL byte, a known size without its kB, a unit on a count, any
 * unit but kB, a key that is not letters, digits, '_' and parentheses, or a
 * known numeric field whose value is not one decimal number fail with
 * -EBADMSG; a number past 2^64 - 1, or past it once converted to bytes,
 * with -EOVERFLOW. smaps_rollup must hold exactly one header, naming
 * "[rollup]". Always tolerated: any blanks (or none) after the colon, tabs,
 * trailing blanks ("VmFlags: rd wr " as the kernel prints it), no final
 * newline after a field line, Android "Name:" lines, fields in any order,
 * missing fields. Lenient parsing is as in maps.h.
 */

/*
 * smaps counter keys for memacct_vma_get(), after the kernel's names.
 * Stable and append-only; from 100 up, apart from the MEMACCT_VMA_* keys.
 */
enum {
	MEMACCT_SMAPS_SIZE = 100,
	MEMACCT_SMAPS_KERNELPAGESIZE = 101,
	MEMACCT_SMAPS_MMUPAGESIZE = 102,
	MEMACCT_SMAPS_RSS = 103,
	MEMACCT_SMAPS_PSS = 104,
	MEMACCT_SMAPS_PSS_DIRTY = 105,
	MEMACCT_SMAPS_PSS_ANON = 106,		/* smaps_rollup only */
	MEMACCT_SMAPS_PSS_FILE = 107,		/* smaps_rollup only */
	MEMACCT_SMAPS_PSS_SHMEM = 108,		/* smaps_rollup only */
	MEMACCT_SMAPS_SHARED_CLEAN = 109,
	MEMACCT_SMAPS_SHARED_DIRTY = 110,
	MEMACCT_SMAPS_PRIVATE_CLEAN = 111,
	MEMACCT_SMAPS_PRIVATE_DIRTY = 112,
	MEMACCT_SMAPS_REFERENCED = 113,
	MEMACCT_SMAPS_ANONYMOUS = 114,
	MEMACCT_SMAPS_KSM = 115,
	MEMACCT_SMAPS_LAZYFREE = 116,
	MEMACCT_SMAPS_ANONHUGEPAGES = 117,
	MEMACCT_SMAPS_SHMEMPMDMAPPED = 118,
	MEMACCT_SMAPS_FILEPMDMAPPED = 119,
	MEMACCT_SMAPS_SHARED_HUGETLB = 120,
	MEMACCT_SMAPS_PRIVATE_HUGETLB = 121,
	MEMACCT_SMAPS_SWAP = 122,
	MEMACCT_SMAPS_SWAPPSS = 123,
	MEMACCT_SMAPS_LOCKED = 124,
	MEMACCT_SMAPS_THPELIGIBLE = 125,	/* count: 0 or 1 */
	MEMACCT_SMAPS_PROTECTIONKEY = 126,	/* count */
};

/*
 * VmFlags mnemonics as bits of memacct_vma_get_vmflags(). These are the
 * library's own bit numbers, not the kernel's VM_* bits (which differ by
 * architecture and version). Append-only.
 */
#define MEMACCT_VMFLAG_RD (UINT64_C(1) << 0)	/* readable */
#define MEMACCT_VMFLAG_WR (UINT64_C(1) << 1)	/* writeable */
#define MEMACCT_VMFLAG_EX (UINT64_C(1) << 2)	/* executable */
#define MEMACCT_VMFLAG_SH (UINT64_C(1) << 3)	/* shared */
#define MEMACCT_VMFLAG_MR (UINT64_C(1) << 4)	/* may read */
#define MEMACCT_VMFLAG_MW (UINT64_C(1) << 5)	/* may write */
#define MEMACCT_VMFLAG_ME (UINT64_C(1) << 6)	/* may execute */
#define MEMACCT_VMFLAG_MS (UINT64_C(1) << 7)	/* may share */
#define MEMACCT_VMFLAG_GD (UINT64_C(1) << 8)	/* grows down */
#define MEMACCT_VMFLAG_PF (UINT64_C(1) << 9)	/* pure PFN range */
#define MEMACCT_VMFLAG_LO (UINT64_C(1) << 10)	/* locked (mlock) */
#define MEMACCT_VMFLAG_IO (UINT64_C(1) << 11)	/* memory-mapped I/O */
#define MEMACCT_VMFLAG_SR (UINT64_C(1) << 12)	/* sequential read advised */
#define MEMACCT_VMFLAG_RR (UINT64_C(1) << 13)	/* random read advised */
#define MEMACCT_VMFLAG_DC (UINT64_C(1) << 14)	/* don't copy on fork */
#define MEMACCT_VMFLAG_DE (UINT64_C(1) << 15)	/* don't expand on mremap */
#define MEMACCT_VMFLAG_AC (UINT64_C(1) << 16)	/* accountable */
#define MEMACCT_VMFLAG_NR (UINT64_C(1) << 17)	/* no swap reserve */
#define MEMACCT_VMFLAG_HT (UINT64_C(1) << 18)	/* hugetlb */
#define MEMACCT_VMFLAG_AR (UINT64_C(1) << 19)	/* architecture specific */
#define MEMACCT_VMFLAG_DD (UINT64_C(1) << 20)	/* don't dump */
#define MEMACCT_VMFLAG_SD (UINT64_C(1) << 21)	/* soft-dirty */
#define MEMACCT_VMFLAG_MM (UINT64_C(1) << 22)	/* mixed map */
#define MEMACCT_VMFLAG_HG (UINT64_C(1) << 23)	/* MADV_HUGEPAGE */
#define MEMACCT_VMFLAG_NH (UINT64_C(1) << 24)	/* MADV_NOHUGEPAGE */
#define MEMACCT_VMFLAG_MG (UINT64_C(1) << 25)	/* KSM mergeable */
#define MEMACCT_VMFLAG_NL (UINT64_C(1) << 26)	/* non-linear (removed in 4.0) */
#define MEMACCT_VMFLAG_DW (UINT64_C(1) << 27)	/* deny write (removed in 5.15) */
#define MEMACCT_VMFLAG_MP (UINT64_C(1) << 28)	/* x86 MPX (3.19 to 5.5) */
#define MEMACCT_VMFLAG_LF (UINT64_C(1) << 29)	/* lock on fault */
#define MEMACCT_VMFLAG_UM (UINT64_C(1) << 30)	/* userfaultfd missing */
#define MEMACCT_VMFLAG_UW (UINT64_C(1) << 31)	/* userfaultfd write-protect */
#define MEMACCT_VMFLAG_SF (UINT64_C(1) << 32)	/* synchronous page faults */
#define MEMACCT_VMFLAG_WF (UINT64_C(1) << 33)	/* wipe on fork */
#define MEMACCT_VMFLAG_BT (UINT64_C(1) << 34)	/* arm64 BTI guarded */
#define MEMACCT_VMFLAG_MT (UINT64_C(1) << 35)	/* arm64 MTE tags */
#define MEMACCT_VMFLAG_UI (UINT64_C(1) << 36)	/* userfaultfd minor */
#define MEMACCT_VMFLAG_SS (UINT64_C(1) << 37)	/* shadow stack */
#define MEMACCT_VMFLAG_SL (UINT64_C(1) << 38)	/* sealed (mseal) */
#define MEMACCT_VMFLAG_DP (UINT64_C(1) << 39)	/* droppable */
#define MEMACCT_VMFLAG_GU (UINT64_C(1) << 40)	/* may contain guard regions */
#define MEMACCT_VMFLAG_UNKNOWN (UINT64_C(1) << 41) /* "??": a kernel bit with no mnemonic */

/**
 * @brief Parse the bytes of an smaps file into @v. No I/O.
 * @param diag NULL, or receives the line, column, key and a message on failure.
 * @return 0; -EBADMSG or -EOVERFLOW for bad input (see above and maps.h),
 *         -ENOMEM, -EFBIG. On failure @v holds no VMA.
 */
MEMACCT_API int memacct_smaps_parse(struct memacct_vmas *v, const char *buf, size_t len,
				    struct memacct_diag *diag);

/**
 * @brief Read "PID/smaps" from @src and parse it.
 * @return as memacct_smaps_parse(), and as memacct_maps_read() for the read:
 *         -EINVAL for pid <= 0, -ESRCH when the file is not there.
 */
MEMACCT_API int memacct_smaps_read(struct memacct_vmas *v, struct memacct_source *src, int pid,
				   struct memacct_diag *diag);

/**
 * @brief Parse the bytes of an smaps_rollup file into @v: one VMA whose
 * name is "[rollup]" (none for an empty buffer). No I/O.
 * @return as memacct_smaps_parse().
 */
MEMACCT_API int memacct_smaps_rollup_parse(struct memacct_vmas *v, const char *buf, size_t len,
					   struct memacct_diag *diag);

/**
 * @brief Read "PID/smaps_rollup" from @src and parse it. A kernel thread has
 * no memory map: the kernel fails the read with ESRCH.
 * @return as memacct_smaps_rollup_parse(), and as memacct_maps_read() for
 *         the read.
 */
MEMACCT_API int memacct_smaps_rollup_read(struct memacct_vmas *v, struct memacct_source *src,
					  int pid, struct memacct_diag *diag);

/**
 * Called once per VMA by the streaming parsers. @vma and everything reached
 * through it are valid only during the call. A negative return stops the
 * parse, which returns that value.
 */
typedef int (*memacct_smaps_fn)(const struct memacct_vma *vma, void *userdata);

/**
 * @brief Parse an smaps file VMA by VMA, calling @fn for each, without
 * building a table: @scratch holds one VMA at a time and, once grown to fit
 * the largest, allocates nothing more. The parse rules and flags are those
 * of memacct_smaps_parse() (set with memacct_vmas_set_flags(@scratch)).
 * A strict parse fails at the first bad line, after @fn has seen the VMAs
 * before it. Afterwards @scratch holds no VMA; its skip count is kept.
 * @return 0; @fn's negative return; or as memacct_smaps_parse().
 */
MEMACCT_API int memacct_smaps_parse_foreach(struct memacct_vmas *scratch, const char *buf,
					    size_t len, memacct_smaps_fn fn, void *userdata,
					    struct memacct_diag *diag);

/**
 * @brief Read "PID/smaps" from @src and stream it as
 * memacct_smaps_parse_foreach() does. The file's bytes are held in the
 * source's buffer; no table of VMAs is built.
 * @return as memacct_smaps_parse_foreach(), and as memacct_smaps_read() for
 *         the read.
 */
MEMACCT_API int memacct_smaps_foreach(struct memacct_vmas *scratch, struct memacct_source *src,
				      int pid, memacct_smaps_fn fn, void *userdata,
				      struct memacct_diag *diag);

/**
 * @brief Any field of @vma by its name as printed ("Rss", "Pss_Anon",
 * "SomeFutureField"): bytes for a kB value, the number for one without a unit.
 * @return 0; -ENOENT when the block has no such line; -ENODATA for a line
 *         that holds text ("VmFlags", "Name").
 */
MEMACCT_API int memacct_vma_get_by_name(const struct memacct_vma *vma, const char *name,
					uint64_t *ret);

/**
 * @brief The text after the colon of any line of @vma's block, by its name
 * ("VmFlags", "Name", or a line the library does not know), blanks at both
 * ends dropped.
 * @return 0; -ENOENT when absent; -ENODATA for a numeric line (use
 *         memacct_vma_get_by_name()).
 */
MEMACCT_API int memacct_vma_get_text_by_name(const struct memacct_vma *vma, const char *name,
					     const char **ret);

/**
 * @brief The Android "Name:" line's text (the anonymous VMA's name).
 * @return 0, or -ENOENT when the block has no Name line.
 */
MEMACCT_API int memacct_vma_get_name(const struct memacct_vma *vma, const char **ret);

/**
 * @brief The VmFlags mnemonics the library knows, as MEMACCT_VMFLAG_* bits.
 * Mnemonics it does not know set no bit; read them in the text.
 * @return 0, or -ENOENT when the block has no VmFlags line.
 */
MEMACCT_API int memacct_vma_get_vmflags(const struct memacct_vma *vma, uint64_t *ret);

/**
 * @brief The VmFlags line's mnemonics as printed ("rd wr mr mw me ac"),
 * blanks at both ends dropped, unknown mnemonics included.
 * @return 0, or -ENOENT when the block has no VmFlags line.
 */
MEMACCT_API int memacct_vma_get_vmflags_text(const struct memacct_vma *vma, const char **ret);

/** @brief The number of field lines kept for @vma (the header not counted), >= 0. */
MEMACCT_API int memacct_vma_field_count(const struct memacct_vma *vma);

/**
 * @brief Field @i of @vma: first the MEMACCT_SMAPS_* fields present, in key
 * order, then the other lines (VmFlags, Name, unknown keys) in file order.
 * Any of the ret pointers may be NULL.
 * @param ret_unit MEMACCT_UNIT_BYTES, _COUNT, or _TEXT (then the value is 0:
 *        read the text with memacct_vma_get_text_by_name()).
 * @param ret_key the MEMACCT_SMAPS_* key, or 0.
 * @return 0, or -ERANGE when @i is past the end.
 */
MEMACCT_API int memacct_vma_field_at(const struct memacct_vma *vma, size_t i,
				     const char **ret_name, uint64_t *ret_value,
				     uint32_t *ret_unit, uint32_t *ret_key);

/**
 * @brief The kernel's name of a MEMACCT_SMAPS_* key ("Pss_Dirty").
 * @return 0, or -EOPNOTSUPP for an unknown key.
 */
MEMACCT_API int memacct_smaps_key_name(uint32_t key, const char **ret);

/**
 * @brief The MEMACCT_SMAPS_* key of a field name.
 * @return 0, or -ENOENT when the library does not know the name.
 */
MEMACCT_API int memacct_smaps_key_from_name(const char *name, uint32_t *ret);

/**
 * @brief The mnemonic ("rd", "??") of one MEMACCT_VMFLAG_* bit.
 * @return 0, or -EOPNOTSUPP when @flag is not exactly one known bit.
 */
MEMACCT_API int memacct_smaps_vmflag_name(uint64_t flag, const char **ret);

#ifdef __cplusplus
}
#endif

#endif
