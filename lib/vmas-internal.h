/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_VMAS_INTERNAL_H
#define MEMACCT_VMAS_INTERNAL_H

#include "internal.h"
#include "lineparse.h"
#include "scan.h"

/*
 * The VMA set behind maps.c (the handle, the loop over the lines, the header
 * lines), smaps.c (the field lines) and vmflags.c (the VmFlags mnemonics).
 */

#define SMAPS_KEY_FIRST MEMACCT_SMAPS_SIZE
#define SMAPS_NKEYS 27		/* MEMACCT_SMAPS_SIZE .. MEMACCT_SMAPS_PROTECTIONKEY */

/* Fast-path key ids: 1..SMAPS_NKEYS the counters, then the text lines. */
enum {
	FID_NONE = 0,
	FID_VMFLAGS = SMAPS_NKEYS + 1,
	FID_NAME = SMAPS_NKEYS + 2,
	FID_COUNT = SMAPS_NKEYS + 3,
};

enum vmas_mode {
	MODE_MAPS = 1,
	MODE_SMAPS = 2,
	MODE_ROLLUP = 3,
};

/* Which header attributes a VMA has (a lenient parse may keep part of one). */
enum {
	HDR_RANGE = 1u << 0,
	HDR_PERMS = 1u << 1,
	HDR_OFFSET = 1u << 2,
	HDR_DEV = 1u << 3,
	HDR_INODE = 1u << 4,
	HDR_PATH = 1u << 5,
	HDR_ALL = (1u << 6) - 1,
};

/* A field line that is not a known counter: VmFlags, Name, unknown keys. */
struct vma_extra {
	uint64_t value;
	uint32_t name_off, name_len;	/* in the handle's text */
	uint32_t text_off, text_len;	/* for MEMACCT_UNIT_TEXT */
	uint32_t unit;			/* MEMACCT_UNIT_* */
	uint32_t fid;			/* FID_VMFLAGS, FID_NAME or FID_NONE */
};

struct memacct_vma {
	const struct memacct_vmas *owner;
	uint64_t start, end, offset, inode;
	uint64_t vmflags;
	uint64_t present;		/* bit k-1: val[k-1] (counter id k) was read */
	uint64_t val[SMAPS_NKEYS];
	uint32_t dev_major, dev_minor;
	uint32_t perms;
	uint32_t hdr;			/* HDR_* */
	uint32_t path_off, path_len;
	uint32_t extra_first, extra_n;
	int32_t vmflags_extra, name_extra;	/* absolute index into extras, -1 none */
};

struct memacct_vmas {
	struct memacct_vma *vma;
	size_t n, cap;
	struct vma_extra *extra;
	size_t extra_n, extra_cap;
	char *text;			/* names, paths and texts, each NUL-terminated */
	size_t text_len, text_cap;
	uint32_t flags;			/* MEMACCT_PARSE_* */
	uint32_t skipped;
	struct memacct_diag first_skip;
	uint8_t next_fid[FID_COUNT];	/* the field that followed each one last time */
};

/*
 * Judge a field line of the open VMA @vma (@p: its first non-blank byte)
 * and keep it. @prev_fid: the field before it in this block, updated.
 * @return 0, or a negative errno with *@b filled.
 */
hidden int smaps_take_field(struct memacct_vmas *v, struct memacct_vma *vma, const char *line,
			    const char *end, uint32_t *prev_fid, struct bad *b);

/*
 * The fast path for the next line at s->cur: a known counter, in the order
 * the block before had it, with the kernel's exact shape. @return true when
 * taken (the scanner moved past it), false to leave the line to the scanner.
 */
hidden bool smaps_fast_field(struct memacct_vmas *v, struct memacct_vma *vma, struct scanner *s,
			     uint32_t *prev_fid);

/* The VmFlags text @s (@len bytes) as MEMACCT_VMFLAG_* bits. */
hidden uint64_t vmflags_from_text(const char *s, size_t len);

/*
 * The parse loop of maps, smaps and smaps_rollup. @fn NULL: fill @v with
 * every VMA; else call @fn per VMA with @v as one VMA's scratch.
 */
hidden int vmas_parse(struct memacct_vmas *v, const char *buf, size_t len, enum vmas_mode mode,
		      memacct_smaps_fn fn, void *userdata, struct memacct_diag *diag);

/* Read "PID/@name" through @src; -ENOENT becomes -ESRCH. */
hidden int vmas_read_file(struct memacct_source *src, int pid, const char *name,
			  const char **ret_buf, size_t *ret_len, struct memacct_diag *diag);

/* Append @n bytes of @s, NUL-terminated, to the handle's text. */
static inline int vmas_text_put(struct memacct_vmas *v, const char *s, size_t n, uint32_t *ret_off)
{
	return text_append(&v->text, &v->text_len, &v->text_cap, s, n, 4096, ret_off);
}

#endif
