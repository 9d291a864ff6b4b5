/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmas-internal.h"

/*
 * The "Key: value" lines of smaps and smaps_rollup (fs/proc/task_mmu.c
 * __show_smap, show_smap_vma_flags, show_smaps_rollup; Android adds "Name:").
 * Counters are indexed by fid = key - MEMACCT_SMAPS_SIZE + 1; count = printed
 * without a unit ("%8u" for THPeligible, "%8d" for ProtectionKey).
 */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t count;
} known[] = {
#define K(n) { n, sizeof(n) - 1, 0 }
#define C(n) { n, sizeof(n) - 1, 1 }
	K("Size"), K("KernelPageSize"), K("MMUPageSize"), K("Rss"), K("Pss"), K("Pss_Dirty"),
	K("Pss_Anon"), K("Pss_File"), K("Pss_Shmem"), K("Shared_Clean"), K("Shared_Dirty"),
	K("Private_Clean"), K("Private_Dirty"), K("Referenced"), K("Anonymous"), K("KSM"),
	K("LazyFree"), K("AnonHugePages"), K("ShmemPmdMapped"), K("FilePmdMapped"),
	K("Shared_Hugetlb"), K("Private_Hugetlb"), K("Swap"), K("SwapPss"), K("Locked"),
	C("THPeligible"), C("ProtectionKey"),
	/* text lines, FID_VMFLAGS and FID_NAME */
	K("VmFlags"), K("Name"),
#undef K
#undef C
};

_Static_assert(ARRAY_SIZE(known) == FID_COUNT - 1, "known[] and the fids disagree");
_Static_assert(MEMACCT_SMAPS_PROTECTIONKEY == SMAPS_KEY_FIRST + SMAPS_NKEYS - 1,
	       "SMAPS_NKEYS is not the last key");
_Static_assert(SMAPS_NKEYS <= 64, "present is a 64-bit set");

#define MAX_KEY_LEN 255

static uint32_t lookup(const char *k, size_t len)
{
	for (uint32_t i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i].len == len && known[i].name[0] == k[0] &&
		    !memcmp(known[i].name, k, len))
			return i + 1;
	return FID_NONE;
}

int memacct_smaps_key_name(uint32_t key, const char **ret)
{
	assert_return(ret, -EINVAL);
	if (key < SMAPS_KEY_FIRST || key >= SMAPS_KEY_FIRST + SMAPS_NKEYS)
		return -EOPNOTSUPP;
	*ret = known[key - SMAPS_KEY_FIRST].name;
	return 0;
}

int memacct_smaps_key_from_name(const char *name, uint32_t *ret)
{
	uint32_t fid;

	assert_return(name && ret, -EINVAL);
	fid = lookup(name, strlen(name));
	if (fid == FID_NONE || fid > SMAPS_NKEYS)
		return -ENOENT;
	*ret = SMAPS_KEY_FIRST + fid - 1;
	return 0;
}


bool smaps_fast_field(struct memacct_vmas *v, struct memacct_vma *vma, struct scanner *s,
		      uint32_t *prev_fid)
{
	const char *p = s->cur, *end = s->end, *d;
	uint32_t fid = v->next_fid[*prev_fid];
	uint64_t val = 0, bit;
	size_t len;

	if (fid == FID_NONE || fid > SMAPS_NKEYS)
		return false;
	bit = UINT64_C(1) << (fid - 1);
	len = known[fid - 1].len;
	if ((vma->present & bit) || (size_t)(end - p) < len + 3 ||
	    !same_bytes(p, known[fid - 1].name, len) || p[len] != ':')
		return false;
	p += len + 1;
	/* Values are right-aligned in a field of 8: skip blanks a word at a time. */
	while (end - p >= 8 && load64(p) == UINT64_C(0x2020202020202020))
		p += 8;
	while (p < end && *p == ' ')
		p++;
	d = p;
	/* 19 digits always fit in 64 bits; a 20th sends the line to the scanner. */
	while (p < end && (unsigned char)(*p - '0') < 10 && p - d < 19)
		val = val * 10 + (uint64_t)(*p++ - '0');
	if (p == d || p == end)
		return false;
	if (known[fid - 1].count) {
		if (*p != '\n')
			return false;
	} else {
		if (end - p < 4 || load32(p) != load32(" kB\n") ||
		    __builtin_mul_overflow(val, 1024, &val))
			return false;
		p += 3;
	}
	vma->val[fid - 1] = val;
	vma->present |= bit;
	*prev_fid = fid;
	s->cur = p + 1;
	s->lineno++;
	return true;
}

/* An unknown name seen earlier in this block (duplicates are errors). */
static bool extra_seen(const struct memacct_vmas *v, const struct memacct_vma *vma, const char *k,
		       size_t len)
{
	for (uint32_t i = vma->extra_first; i < vma->extra_first + vma->extra_n; i++) {
		const struct vma_extra *e = &v->extra[i];

		if (e->name_len == len && !memcmp(v->text + e->name_off, k, len))
			return true;
	}
	return false;
}

static int extra_add(struct memacct_vmas *v, struct memacct_vma *vma, const struct scan_kv *kv,
		     uint32_t fid, uint32_t unit, uint64_t value)
{
	struct vma_extra *e;
	size_t text_len = v->text_len;
	int r;

	r = grow((void **)&v->extra, &v->extra_cap, v->extra_n, 1, sizeof(*v->extra), 64);
	if (r < 0)
		return r;
	e = &v->extra[v->extra_n];
	e->value = value;
	e->unit = unit;
	e->fid = fid;
	e->name_len = (uint32_t)kv->key_len;
	e->text_off = 0;
	e->text_len = 0;
	r = vmas_text_put(v, kv->key, kv->key_len, &e->name_off);
	if (r == 0 && unit == MEMACCT_UNIT_TEXT) {
		r = vmas_text_put(v, kv->rest, kv->rest_len, &e->text_off);
		e->text_len = (uint32_t)kv->rest_len;
	}
	if (r < 0) {
		v->text_len = text_len;
		return r;
	}
	if (fid == FID_VMFLAGS)
		vma->vmflags_extra = (int32_t)v->extra_n;
	else if (fid == FID_NAME)
		vma->name_extra = (int32_t)v->extra_n;
	v->extra_n++;
	vma->extra_n++;
	return 0;
}

int smaps_take_field(struct memacct_vmas *v, struct memacct_vma *vma, const char *line,
		     const char *end, uint32_t *prev_fid, struct bad *b)
{
	struct scanner ls;
	struct scan_kv kv;
	uint64_t value = 0;
	uint32_t fid, unit;
	int r;

	scanner_init(&ls, line, (size_t)(end - line));
	if (!scan_next_kv(&ls, &kv))
		return fail(b, line, line, "blank line", -EBADMSG);
	b->key = kv.key;
	b->key_len = kv.key_len;
	if (kv.key_len > MAX_KEY_LEN)
		return fail(b, line, kv.key, "key longer than 255 bytes", -EBADMSG);
	fid = lookup(kv.key, kv.key_len);

	if (fid == FID_VMFLAGS || fid == FID_NAME) {
		if ((fid == FID_VMFLAGS ? vma->vmflags_extra : vma->name_extra) >= 0)
			return fail(b, line, kv.key, "duplicate key", -EBADMSG);
		r = extra_add(v, vma, &kv, fid, MEMACCT_UNIT_TEXT, 0);
		if (r < 0)
			return fail(b, line, kv.key, "out of memory", r);
		if (fid == FID_VMFLAGS)
			vma->vmflags = vmflags_from_text(kv.rest, kv.rest_len);
		goto taken;
	}

	if (kv.kind == SCAN_TEXT && fid == FID_NONE) {
		unit = MEMACCT_UNIT_TEXT;
	} else if (kv.kind == SCAN_NOVALUE) {
		if (fid != FID_NONE)
			return fail(b, line, line + kv.bad_col - 1, "no value", -EBADMSG);
		unit = MEMACCT_UNIT_TEXT;
	} else if (kv.kind != SCAN_VALUE) {
		return fail(b, line, line + kv.bad_col - 1,
			    "value is not a number with an optional unit", -EBADMSG);
	} else if (kv.overflow) {
		return fail(b, line, kv.rest, "number does not fit in 64 bits", -EOVERFLOW);
	} else if (!kv.unit) {
		if (fid != FID_NONE && !known[fid - 1].count)
			return fail(b, line, kv.rest + kv.rest_len, "missing unit: expected kB",
				    -EBADMSG);
		unit = MEMACCT_UNIT_COUNT;
		value = kv.value;
	} else if (kv.unit_len == 2 && kv.unit[0] == 'k' && kv.unit[1] == 'B') {
		if (fid != FID_NONE && known[fid - 1].count)
			return fail(b, line, kv.unit, "unit on a field the kernel prints as a count",
				    -EBADMSG);
		if (scan_mul(kv.value, 1024, &value) < 0)
			return fail(b, line, kv.rest,
				    "number does not fit in 64 bits once converted to bytes",
				    -EOVERFLOW);
		unit = MEMACCT_UNIT_BYTES;
	} else {
		return fail(b, line, kv.unit, "unknown unit: the kernel prints only kB", -EBADMSG);
	}

	if (fid != FID_NONE) {
		uint64_t bit = UINT64_C(1) << (fid - 1);

		if (vma->present & bit)
			return fail(b, line, kv.key, "duplicate key", -EBADMSG);
		vma->val[fid - 1] = value;
		vma->present |= bit;
	} else {
		if (extra_seen(v, vma, kv.key, kv.key_len))
			return fail(b, line, kv.key, "duplicate key", -EBADMSG);
		r = extra_add(v, vma, &kv, FID_NONE, unit, value);
		if (r < 0)
			return fail(b, line, kv.key, "out of memory", r);
	}
taken:
	v->next_fid[*prev_fid] = (uint8_t)fid;
	*prev_fid = fid;
	return 0;
}

int memacct_smaps_parse(struct memacct_vmas *v, const char *buf, size_t len,
			struct memacct_diag *diag)
{
	assert_return(v, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return vmas_parse(v, buf, len, MODE_SMAPS, NULL, NULL, diag);
}

int memacct_smaps_read(struct memacct_vmas *v, struct memacct_source *src, int pid,
		       struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(v && src && pid > 0, -EINVAL);
	r = vmas_read_file(src, pid, "smaps", &buf, &len, diag);
	if (r < 0)
		return r;
	return vmas_parse(v, buf, len, MODE_SMAPS, NULL, NULL, diag);
}

int memacct_smaps_rollup_parse(struct memacct_vmas *v, const char *buf, size_t len,
			       struct memacct_diag *diag)
{
	assert_return(v, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return vmas_parse(v, buf, len, MODE_ROLLUP, NULL, NULL, diag);
}

int memacct_smaps_rollup_read(struct memacct_vmas *v, struct memacct_source *src, int pid,
			      struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(v && src && pid > 0, -EINVAL);
	r = vmas_read_file(src, pid, "smaps_rollup", &buf, &len, diag);
	if (r < 0)
		return r;
	return vmas_parse(v, buf, len, MODE_ROLLUP, NULL, NULL, diag);
}

int memacct_smaps_parse_foreach(struct memacct_vmas *scratch, const char *buf, size_t len,
				memacct_smaps_fn fn, void *userdata, struct memacct_diag *diag)
{
	assert_return(scratch && fn, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return vmas_parse(scratch, buf, len, MODE_SMAPS, fn, userdata, diag);
}

int memacct_smaps_foreach(struct memacct_vmas *scratch, struct memacct_source *src, int pid,
			  memacct_smaps_fn fn, void *userdata, struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(scratch && src && fn && pid > 0, -EINVAL);
	r = vmas_read_file(src, pid, "smaps", &buf, &len, diag);
	if (r < 0)
		return r;
	return vmas_parse(scratch, buf, len, MODE_SMAPS, fn, userdata, diag);
}

/* The extra line named @name of @vma, or NULL. */
static const struct vma_extra *extra_find(const struct memacct_vma *vma, const char *name,
					  size_t len)
{
	const struct memacct_vmas *v = vma->owner;

	for (uint32_t i = vma->extra_first; i < vma->extra_first + vma->extra_n; i++) {
		const struct vma_extra *e = &v->extra[i];

		if (e->name_len == len && !memcmp(v->text + e->name_off, name, len))
			return e;
	}
	return NULL;
}

int memacct_vma_get_by_name(const struct memacct_vma *vma, const char *name, uint64_t *ret)
{
	const struct vma_extra *e;
	size_t len;
	uint32_t fid;

	assert_return(vma && name && ret, -EINVAL);
	len = strlen(name);
	if (len == 0)
		return -ENOENT;
	fid = lookup(name, len);
	if (fid != FID_NONE && fid <= SMAPS_NKEYS) {
		if (!(vma->present & (UINT64_C(1) << (fid - 1))))
			return -ENOENT;
		*ret = vma->val[fid - 1];
		return 0;
	}
	e = extra_find(vma, name, len);
	if (!e)
		return -ENOENT;
	if (e->unit == MEMACCT_UNIT_TEXT)
		return -ENODATA;
	*ret = e->value;
	return 0;
}

int memacct_vma_get_text_by_name(const struct memacct_vma *vma, const char *name,
				 const char **ret)
{
	const struct vma_extra *e;
	size_t len;
	uint32_t fid;

	assert_return(vma && name && ret, -EINVAL);
	len = strlen(name);
	if (len == 0)
		return -ENOENT;
	fid = lookup(name, len);
	if (fid != FID_NONE && fid <= SMAPS_NKEYS)
		return vma->present & (UINT64_C(1) << (fid - 1)) ? -ENODATA : -ENOENT;
	e = extra_find(vma, name, len);
	if (!e)
		return -ENOENT;
	if (e->unit != MEMACCT_UNIT_TEXT)
		return -ENODATA;
	*ret = vma->owner->text + e->text_off;
	return 0;
}

static int extra_text(const struct memacct_vma *vma, int32_t i, const char **ret)
{
	if (i < 0)
		return -ENOENT;
	*ret = vma->owner->text + vma->owner->extra[i].text_off;
	return 0;
}

int memacct_vma_get_name(const struct memacct_vma *vma, const char **ret)
{
	assert_return(vma && ret, -EINVAL);
	return extra_text(vma, vma->name_extra, ret);
}

int memacct_vma_get_vmflags(const struct memacct_vma *vma, uint64_t *ret)
{
	assert_return(vma && ret, -EINVAL);
	if (vma->vmflags_extra < 0)
		return -ENOENT;
	*ret = vma->vmflags;
	return 0;
}

int memacct_vma_get_vmflags_text(const struct memacct_vma *vma, const char **ret)
{
	assert_return(vma && ret, -EINVAL);
	return extra_text(vma, vma->vmflags_extra, ret);
}

int memacct_vma_field_count(const struct memacct_vma *vma)
{
	assert_return(vma, -EINVAL);
	return __builtin_popcountll(vma->present) + (int)vma->extra_n;
}

int memacct_vma_field_at(const struct memacct_vma *vma, size_t i, const char **ret_name,
			 uint64_t *ret_value, uint32_t *ret_unit, uint32_t *ret_key)
{
	size_t nknown;

	assert_return(vma, -EINVAL);
	nknown = (size_t)__builtin_popcountll(vma->present);
	if (i < nknown) {
		uint64_t rest = vma->present;
		uint32_t k;

		/* The i-th set bit: drop the i lowest ones. */
		for (size_t j = 0; j < i; j++)
			rest &= rest - 1;
		k = (uint32_t)__builtin_ctzll(rest);
		if (ret_name)
			*ret_name = known[k].name;
		if (ret_value)
			*ret_value = vma->val[k];
		if (ret_unit)
			*ret_unit = known[k].count ? MEMACCT_UNIT_COUNT : MEMACCT_UNIT_BYTES;
		if (ret_key)
			*ret_key = SMAPS_KEY_FIRST + k;
		return 0;
	}
	i -= nknown;
	if (i >= vma->extra_n)
		return -ERANGE;
	{
		const struct vma_extra *e = &vma->owner->extra[vma->extra_first + i];

		if (ret_name)
			*ret_name = vma->owner->text + e->name_off;
		if (ret_value)
			*ret_value = e->value;
		if (ret_unit)
			*ret_unit = e->unit;
		if (ret_key)
			*ret_key = 0;
	}
	return 0;
}
