/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "lineparse.h"
#include "nametab.h"
#include "scan.h"

#define STATUS_NKEYS 30	/* the highest MEMACCT_STATUS_* key */
#define MAX_KEY_LEN 255

_Static_assert(STATUS_NKEYS < 64, "present is a 64-bit set");

enum field_kind {
	F_KB = 1,	/* "N kB": bytes */
	F_NUM,		/* "N": a count or an id */
	F_IDS,		/* "Uid:"/"Gid:": four ids, keys key .. key + 3 */
	F_TEXT,		/* a mask, octal, list or word: always text */
};

/*
 * The lines the library knows (fs/proc/array.c proc_pid_status and its
 * task_name, task_state, task_sig, task_cap, task_seccomp, task_cpus_allowed,
 * task_context_switch_counts, and fs/proc/task_mmu.c task_mem). Lines not
 * listed are judged by their shape.
 */
static const struct field {
	const char *name;
	uint8_t len;
	uint8_t kind;
	uint8_t key;
} fields[] = {
#define F(n, k, key) { n, sizeof(n) - 1, k, key }
	F("VmPeak", F_KB, MEMACCT_STATUS_VMPEAK),
	F("VmSize", F_KB, MEMACCT_STATUS_VMSIZE),
	F("VmLck", F_KB, MEMACCT_STATUS_VMLCK),
	F("VmPin", F_KB, MEMACCT_STATUS_VMPIN),
	F("VmHWM", F_KB, MEMACCT_STATUS_VMHWM),
	F("VmRSS", F_KB, MEMACCT_STATUS_VMRSS),
	F("RssAnon", F_KB, MEMACCT_STATUS_RSSANON),
	F("RssFile", F_KB, MEMACCT_STATUS_RSSFILE),
	F("RssShmem", F_KB, MEMACCT_STATUS_RSSSHMEM),
	F("VmData", F_KB, MEMACCT_STATUS_VMDATA),
	F("VmStk", F_KB, MEMACCT_STATUS_VMSTK),
	F("VmExe", F_KB, MEMACCT_STATUS_VMEXE),
	F("VmLib", F_KB, MEMACCT_STATUS_VMLIB),
	F("VmPTE", F_KB, MEMACCT_STATUS_VMPTE),
	F("VmPMD", F_KB, MEMACCT_STATUS_VMPMD),
	F("VmSwap", F_KB, MEMACCT_STATUS_VMSWAP),
	F("HugetlbPages", F_KB, MEMACCT_STATUS_HUGETLBPAGES),
	F("Pid", F_NUM, MEMACCT_STATUS_PID),
	F("PPid", F_NUM, MEMACCT_STATUS_PPID),
	F("Tgid", F_NUM, MEMACCT_STATUS_TGID),
	F("TracerPid", F_NUM, MEMACCT_STATUS_TRACERPID),
	F("Threads", F_NUM, MEMACCT_STATUS_THREADS),
	F("Uid", F_IDS, MEMACCT_STATUS_UID_REAL),
	F("Gid", F_IDS, MEMACCT_STATUS_GID_REAL),
	F("Name", F_TEXT, 0),
	F("Umask", F_TEXT, 0),		/* octal */
	F("State", F_TEXT, 0),
	F("Groups", F_TEXT, 0),
	F("NStgid", F_TEXT, 0),		/* one id per pid namespace level */
	F("NSpid", F_TEXT, 0),
	F("NSpgid", F_TEXT, 0),
	F("NSsid", F_TEXT, 0),
	F("SigQ", F_TEXT, 0),
	F("SigPnd", F_TEXT, 0),		/* hex */
	F("ShdPnd", F_TEXT, 0),
	F("SigBlk", F_TEXT, 0),
	F("SigIgn", F_TEXT, 0),
	F("SigCgt", F_TEXT, 0),
	F("CapInh", F_TEXT, 0),
	F("CapPrm", F_TEXT, 0),
	F("CapEff", F_TEXT, 0),
	F("CapBnd", F_TEXT, 0),
	F("CapAmb", F_TEXT, 0),
	F("Cpus_allowed", F_TEXT, 0),
	F("Cpus_allowed_list", F_TEXT, 0),
	F("Mems_allowed", F_TEXT, 0),
	F("Mems_allowed_list", F_TEXT, 0),
	F("untag_mask", F_TEXT, 0),
#undef F
};

/* Key -> name, for memacct_status_key_name(). */
static const char *const key_names[STATUS_NKEYS] = {
	"VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile",
	"RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmPMD", "VmSwap",
	"HugetlbPages", "Pid", "PPid", "Tgid", "TracerPid", "Threads",
	"Uid[0]", "Uid[1]", "Uid[2]", "Uid[3]", "Gid[0]", "Gid[1]", "Gid[2]", "Gid[3]",
};

struct entry {
	uint64_t value;
	const char *name;	/* fields[].name, or into the arena (set once the parse is done) */
	uint32_t name_off;	/* arena offset of a copied name, UINT32_MAX for a known one */
	uint32_t name_len;
	uint32_t text_off;	/* arena offset of the text after the colon */
	uint32_t key;		/* 0 = none */
	uint32_t unit;
};

struct memacct_status {
	struct entry *e;
	size_t n, cap;
	char *arena;
	size_t arena_len, arena_cap;
	struct nametab tab;	/* every line's name -> its entry */
	uint64_t val[STATUS_NKEYS + 1];
	uint64_t present;	/* bit key: val[key] was set by this parse */
	uint32_t flags;
	uint32_t skipped;
	struct memacct_diag first_skip;
};

static const struct field *lookup(const char *k, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].len == len && fields[i].name[0] == k[0] &&
		    !memcmp(fields[i].name, k, len))
			return &fields[i];
	return NULL;
}

int memacct_status_key_name(uint32_t key, const char **ret)
{
	assert_return(ret, -EINVAL);
	if (key == 0 || key > STATUS_NKEYS)
		return -EOPNOTSUPP;
	*ret = key_names[key - 1];
	return 0;
}

int memacct_status_new(struct memacct_status **ret)
{
	struct memacct_status *st;

	assert_return(ret, -EINVAL);
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	*ret = st;
	return 0;
}

struct memacct_status *memacct_status_free(struct memacct_status *st)
{
	if (st) {
		free(st->e);
		free(st->arena);
		nametab_free(&st->tab);
		free(st);
	}
	return NULL;
}

int memacct_status_set_flags(struct memacct_status *st, uint32_t flags)
{
	assert_return(st, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	st->flags = flags;
	return 0;
}

static void reset(struct memacct_status *st)
{
	st->n = 0;
	st->arena_len = 0;
	st->present = 0;
	st->skipped = 0;
	nametab_clear(&st->tab);
}

/* The name of @e, also during a parse (before e->name is set for copied names). */
static const char *entry_name(const struct memacct_status *st, const struct entry *e)
{
	return e->name_off == UINT32_MAX ? e->name : st->arena + e->name_off;
}

static bool name_eq(const void *ctx, uint32_t idx, const char *name, size_t len, uint32_t tag)
{
	const struct memacct_status *st = ctx;
	const struct entry *e = &st->e[idx];

	return e->name_len == len && !memcmp(entry_name(st, e), name, len);
}

static int64_t find(const struct memacct_status *st, const char *name, size_t len)
{
	return nametab_find(&st->tab, nametab_hash(name, len, 0), name, len, 0, name_eq, st);
}

/* "Uid:"/"Gid:": exactly four decimal ids, each below 2^32. */
static int parse_ids(const struct scan_kv *kv, uint64_t ids[4], struct bad *b)
{
	const char *p = kv->rest, *end = kv->rest + kv->rest_len;
	int r;

	for (int i = 0; i < 4; i++) {
		const char *at;

		if (i > 0) {
			if (p < end && *p != ' ' && *p != '\t')
				return fail(b, kv->line, p, "expected a blank between ids", -EBADMSG);
			scan_blanks(&p, end);
		}
		at = p;
		r = scan_u64(&p, end, &ids[i]);
		if (r == 0 && ids[i] > UINT32_MAX)
			r = -EOVERFLOW;
		if (r < 0)
			return fail(b, kv->line, at, r == -EOVERFLOW ? "id does not fit in 32 bits" :
				    "expected four decimal ids", r);
	}
	scan_blanks(&p, end);
	if (p != end)
		return fail(b, kv->line, p, "more than four ids, or text after them", -EBADMSG);
	return 0;
}

static bool is_kb(const struct scan_kv *kv)
{
	return kv->unit && kv->unit_len == 2 && kv->unit[0] == 'k' && kv->unit[1] == 'B';
}

/* A single number, "N" or "N kB" (@kb), as the scanner split it. */
static int parse_number(const struct scan_kv *kv, bool kb, uint64_t *ret, struct bad *b)
{
	if (kv->kind == SCAN_NOVALUE)
		return fail(b, kv->line, kv->line + kv->bad_col - 1, "no value", -EBADMSG);
	if (kv->kind != SCAN_VALUE)
		return fail(b, kv->line, kv->line + kv->bad_col - 1,
			    kb ? "value is not a number of kB" : "value is not a decimal number",
			    -EBADMSG);
	if (kv->overflow)
		return fail(b, kv->line, kv->rest, "number does not fit in 64 bits", -EOVERFLOW);
	if (!kb) {
		if (kv->unit)
			return fail(b, kv->line, kv->unit,
				    "unit on a field the kernel prints as a number", -EBADMSG);
		*ret = kv->value;
		return 0;
	}
	if (!kv->unit)
		return fail(b, kv->line, kv->rest + kv->rest_len, "missing unit: expected kB",
			    -EBADMSG);
	if (!is_kb(kv))
		return fail(b, kv->line, kv->unit, "unknown unit: the kernel prints only kB",
			    -EBADMSG);
	if (scan_mul(kv->value, 1024, ret) < 0)
		return fail(b, kv->line, kv->rest,
			    "number does not fit in 64 bits once converted to bytes", -EOVERFLOW);
	return 0;
}

/* Judge one line and keep it: 0, or a negative errno with *@b filled. */
static int take_line(struct memacct_status *st, const struct scan_kv *kv, struct bad *b)
{
	const struct field *f;
	uint32_t unit = MEMACCT_UNIT_TEXT, key = 0, idx, hash;
	uint64_t value = 0, ids[4];
	struct entry *e;
	const char *nul;
	int r;

	if (kv->has_nul) {
		nul = memchr(kv->line, '\0', kv->line_len);
		return fail(b, kv->line, nul ? nul : kv->line, "NUL byte in line", -EBADMSG);
	}
	if (kv->kind == SCAN_NOCOLON)
		return fail(b, kv->line, kv->line + kv->bad_col - 1, "no ':' after the key",
			    -EBADMSG);
	if (kv->key_len == 0)
		return fail(b, kv->line, kv->key, "empty key", -EBADMSG);
	if (kv->key_len > MAX_KEY_LEN)
		return fail(b, kv->line, kv->key, "key longer than 255 bytes", -EBADMSG);
	for (size_t i = 0; i < kv->key_len; i++) {
		unsigned char c = (unsigned char)kv->key[i];

		if (c < 0x20 || c >= 0x7f)
			return fail(b, kv->line, kv->key + i, "control or non-ASCII byte in key",
				    -EBADMSG);
	}

	f = lookup(kv->key, kv->key_len);
	switch (f ? f->kind : 0) {
	case F_KB:
	case F_NUM:
		r = parse_number(kv, f->kind == F_KB, &value, b);
		if (r < 0)
			return r;
		unit = f->kind == F_KB ? MEMACCT_UNIT_BYTES : MEMACCT_UNIT_COUNT;
		key = f->key;
		break;
	case F_IDS:
		r = parse_ids(kv, ids, b);
		if (r < 0)
			return r;
		break;
	case F_TEXT:
		break;
	default:
		/* Unknown: a number when it is shaped as one, else text. */
		if (kv->kind == SCAN_VALUE && (!kv->unit || is_kb(kv))) {
			r = parse_number(kv, kv->unit != NULL, &value, b);
			if (r < 0)
				return r;
			unit = kv->unit ? MEMACCT_UNIT_BYTES : MEMACCT_UNIT_COUNT;
		}
		break;
	}

	hash = nametab_hash(kv->key, kv->key_len, 0);
	if (nametab_find(&st->tab, hash, kv->key, kv->key_len, 0, name_eq, st) >= 0)
		return fail(b, kv->line, kv->key, "duplicate key", -EBADMSG);

	r = grow((void **)&st->e, &st->cap, st->n, 1, sizeof(*st->e), 64);
	if (r < 0)
		return fail(b, kv->line, kv->key, "out of memory", r);
	idx = (uint32_t)st->n;
	e = &st->e[idx];
	e->value = value;
	e->unit = unit;
	e->key = key;
	e->name_len = (uint32_t)kv->key_len;
	if (f) {
		e->name = f->name;
		e->name_off = UINT32_MAX;
	} else {
		e->name = NULL;
		r = text_append(&st->arena, &st->arena_len, &st->arena_cap, kv->key, kv->key_len,
				1024, &e->name_off);
		if (r < 0)
			return fail(b, kv->line, kv->key, "out of memory", r);
	}
	r = text_append(&st->arena, &st->arena_len, &st->arena_cap, kv->rest, kv->rest_len, 1024,
			&e->text_off);
	if (r == 0)
		r = nametab_add(&st->tab, hash, idx);
	if (r < 0)
		return fail(b, kv->line, kv->key, "out of memory", r);
	st->n++;

	if (key) {
		st->val[key] = value;
		st->present |= UINT64_C(1) << key;
	} else if (f && f->kind == F_IDS) {
		for (uint32_t i = 0; i < 4; i++) {
			st->val[f->key + i] = ids[i];
			st->present |= UINT64_C(1) << (f->key + i);
		}
	}
	return 0;
}

int memacct_status_parse(struct memacct_status *st, const char *buf, size_t len,
			 struct memacct_diag *diag)
{
	struct scanner s;
	struct scan_kv kv;
	int r;

	assert_return(st, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);

	reset(st);
	scanner_init(&s, buf, len);
	while (scan_next_kv(&s, &kv)) {
		struct bad b = { .key = kv.key, .key_len = kv.key_len };

		r = take_line(st, &kv, &b);
		if (likely(r == 0))
			continue;
		if (skippable(r, st->flags)) {
			if (st->skipped++ == 0) {
				st->first_skip.sz = sizeof(st->first_skip);
				diag_set(&st->first_skip, r, kv.lineno, b.col, b.key, b.key_len,
					 b.msg);
			}
			continue;
		}
		diag_set(diag, r, kv.lineno, b.col, b.key, b.key_len, b.msg);
		reset(st);
		return r;
	}

	/* Copied names are resolved only now: the arena may have moved. */
	for (size_t i = 0; i < st->n; i++)
		if (st->e[i].name_off != UINT32_MAX)
			st->e[i].name = st->arena + st->e[i].name_off;
	return 0;
}

int memacct_status_read(struct memacct_status *st, struct memacct_source *src, int pid,
			struct memacct_diag *diag)
{
	char path[32];
	const char *buf;
	size_t len;
	int r;

	assert_return(st && src && pid > 0, -EINVAL);
	snprintf(path, sizeof(path), "%d/status", pid);
	r = memacct_source_read_file(src, path, &buf, &len);
	if (r < 0) {
		reset(st);
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read PID/status");
		return r;
	}
	return memacct_status_parse(st, buf, len, diag);
}

int memacct_status_get(const struct memacct_status *st, uint32_t key, uint64_t *ret)
{
	assert_return(st && ret, -EINVAL);
	if (key == 0 || key > STATUS_NKEYS)
		return -EOPNOTSUPP;
	if (!(st->present & (UINT64_C(1) << key)))
		return -ENOENT;
	*ret = st->val[key];
	return 0;
}

int memacct_status_has(const struct memacct_status *st, uint32_t key)
{
	assert_return(st, -EINVAL);
	if (key == 0 || key > STATUS_NKEYS)
		return -EOPNOTSUPP;
	return !!(st->present & (UINT64_C(1) << key));
}

int memacct_status_get_by_name(const struct memacct_status *st, const char *name, uint64_t *ret)
{
	int64_t i;

	assert_return(st && name && ret, -EINVAL);
	i = find(st, name, strlen(name));
	if (i < 0)
		return -ENOENT;
	if (st->e[i].unit == MEMACCT_UNIT_TEXT)
		return -ENODATA;
	*ret = st->e[i].value;
	return 0;
}

int memacct_status_get_text(const struct memacct_status *st, const char *name, const char **ret)
{
	int64_t i;

	assert_return(st && name && ret, -EINVAL);
	i = find(st, name, strlen(name));
	if (i < 0)
		return -ENOENT;
	*ret = st->arena + st->e[i].text_off;
	return 0;
}

int memacct_status_count(const struct memacct_status *st)
{
	assert_return(st, -EINVAL);
	return (int)st->n;
}

int memacct_status_at(const struct memacct_status *st, size_t i, const char **ret_name,
		      uint64_t *ret_value, uint32_t *ret_unit, uint32_t *ret_key)
{
	const struct entry *e;

	assert_return(st, -EINVAL);
	if (i >= st->n)
		return -ERANGE;
	e = &st->e[i];
	if (ret_name)
		*ret_name = e->name;
	if (ret_value)
		*ret_value = e->value;
	if (ret_unit)
		*ret_unit = e->unit;
	if (ret_key)
		*ret_key = e->key;
	return 0;
}

int memacct_status_text_at(const struct memacct_status *st, size_t i, const char **ret_text)
{
	assert_return(st && ret_text, -EINVAL);
	if (i >= st->n)
		return -ERANGE;
	*ret_text = st->arena + st->e[i].text_off;
	return 0;
}

int memacct_status_count_skipped(const struct memacct_status *st)
{
	assert_return(st, -EINVAL);
	return (int)st->skipped;
}

int memacct_status_get_skipped(const struct memacct_status *st, struct memacct_diag *ret)
{
	size_t n;

	assert_return(st && ret && ret->sz >= sizeof(size_t), -EINVAL);
	if (st->skipped == 0)
		return -ENOENT;
	n = ret->sz < sizeof(st->first_skip) ? ret->sz : sizeof(st->first_skip);
	memcpy((char *)ret + sizeof(size_t), (const char *)&st->first_skip + sizeof(size_t),
	       n - sizeof(size_t));
	return 0;
}
