/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"
#include "lineparse.h"
#include "meminfo-internal.h"
#include "scan.h"

/*
 * Known fields, indexed by key - 1 (fs/proc/meminfo.c meminfo_proc_show,
 * arch_report_meminfo, hugetlb_report_meminfo, and the removed 2.4/2.6 names
 * listed in field-reference.md). count = printed without a unit.
 */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t count;
} known[] = {
#define K(n) { n, sizeof(n) - 1, 0 }
#define C(n) { n, sizeof(n) - 1, 1 }
	K("MemTotal"), K("MemFree"), K("MemAvailable"), K("Buffers"), K("Cached"),
	K("SwapCached"), K("Active"), K("Inactive"), K("Active(anon)"), K("Inactive(anon)"),
	K("Active(file)"), K("Inactive(file)"), K("Unevictable"), K("Mlocked"),
	K("HighTotal"), K("HighFree"), K("LowTotal"), K("LowFree"), K("MmapCopy"),
	K("SwapTotal"), K("SwapFree"), K("Zswap"), K("Zswapped"), K("Dirty"), K("Writeback"),
	K("AnonPages"), K("Mapped"), K("Shmem"), K("KReclaimable"), K("Slab"),
	K("SReclaimable"), K("SUnreclaim"), K("KernelStack"), K("ShadowCallStack"),
	K("PageTables"), K("SecPageTables"), K("NFS_Unstable"), K("Bounce"),
	K("WritebackTmp"), K("CommitLimit"), K("Committed_AS"), K("VmallocTotal"),
	K("VmallocUsed"), K("VmallocChunk"), K("Percpu"), K("EarlyMemtestBad"),
	K("HardwareCorrupted"), K("AnonHugePages"), K("ShmemHugePages"),
	K("ShmemPmdMapped"), K("FileHugePages"), K("FilePmdMapped"), K("CmaTotal"),
	K("CmaFree"), K("Unaccepted"), K("Balloon"), K("GPUActive"), K("GPUReclaim"),
	C("HugePages_Total"), C("HugePages_Free"), C("HugePages_Rsvd"), C("HugePages_Surp"),
	K("Hugepagesize"), K("Hugetlb"), K("DirectMap4k"), K("DirectMap2M"),
	K("DirectMap4M"), K("DirectMap1G"), K("DirectMap1M"), K("DirectMap2G"),
	K("MemShared"), K("Quicklists"), K("Inact_dirty"), K("Inact_clean"),
	K("Inact_laundry"), K("Inact_target"),
	/* drivers/base/node.c node_read_meminfo only */
	K("MemUsed"), K("FilePages"),
#undef K
#undef C
};

_Static_assert(ARRAY_SIZE(known) == MEMINFO_NKEYS, "known[] and the key enum disagree");

struct entry {
	uint64_t value;
	const char *name;	/* known[].name, or into the arena (fixed up after growth) */
	uint32_t name_off;	/* arena offset for names we copied, UINT32_MAX for known */
	uint32_t name_len;
	uint32_t text_off;	/* arena offset of the text for UNIT_TEXT lines */
	uint32_t text_len;
	uint32_t key;		/* 0 = unknown */
	uint32_t unit;
};

struct memacct_meminfo {
	struct entry *e;
	size_t n, cap;
	size_t prev_n;		/* lines of the previous parse, for the key guess */
	char *arena;
	size_t arena_len, arena_cap;
	int16_t idx[MEMINFO_NKEYS + 1];	/* key -> entry index, -1 absent */
	uint32_t flags;
	uint32_t skipped;
	struct memacct_diag first_skip;
	/* A node file's "Node N " prefix, as its first line spells it; 0 = none. */
	int node;
	size_t prefix_len;
	char prefix[24];
	/*
	 * The text of the last parse, when every line of it was one entry
	 * (no prefix, blank or skipped line): line i is
	 * last[off[i], off[i + 1]) and entry i. A reparse of a text of the
	 * same length compares it with this one and parses again only the
	 * lines that differ (diff_parse()).
	 */
	char *last;
	size_t last_len, last_cap;
	uint32_t *off;		/* [cap + 1], set by the parse as it takes each line */
	bool diffable;
};

/* 2.4-era summary lines: kept as text, never an error. */
static bool is_summary_key(const char *k, size_t len)
{
	return (len == 5 && !memcmp(k, "total", 5)) || (len == 3 && !memcmp(k, "Mem", 3)) ||
	       (len == 4 && !memcmp(k, "Swap", 4));
}

static uint32_t lookup(const char *k, size_t len)
{
	for (uint32_t i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i].len == len && known[i].name[0] == k[0] &&
		    !memcmp(known[i].name, k, len))
			return i + 1;
	return 0;
}

/*
 * The kernel prints its lines in a fixed order, so line i of this parse is
 * almost always line i of the last one: try that key before searching.
 */
static uint32_t guess_key(const struct memacct_meminfo *mi, const char *k, size_t len)
{
	if (mi->n < mi->prev_n) {
		uint32_t key = mi->e[mi->n].key;

		if (key && known[key - 1].len == len && !memcmp(known[key - 1].name, k, len))
			return key;
	}
	return lookup(k, len);
}

int memacct_meminfo_key_name(uint32_t key, const char **ret)
{
	assert_return(ret, -EINVAL);
	if (key == 0 || key > MEMINFO_NKEYS)
		return -EOPNOTSUPP;
	*ret = known[key - 1].name;
	return 0;
}

int memacct_meminfo_key_from_name(const char *name, uint32_t *ret)
{
	uint32_t k;

	assert_return(name && ret, -EINVAL);
	k = lookup(name, strlen(name));
	if (!k)
		return -ENOENT;
	*ret = k;
	return 0;
}

int memacct_meminfo_new(struct memacct_meminfo **ret)
{
	struct memacct_meminfo *mi;

	assert_return(ret, -EINVAL);
	mi = calloc(1, sizeof(*mi));
	if (!mi)
		return -ENOMEM;
	memset(mi->idx, 0xff, sizeof(mi->idx));
	*ret = mi;
	return 0;
}

struct memacct_meminfo *memacct_meminfo_free(struct memacct_meminfo *mi)
{
	if (mi) {
		free(mi->e);
		free(mi->arena);
		free(mi->last);
		free(mi->off);
		free(mi);
	}
	return NULL;
}

int memacct_meminfo_set_flags(struct memacct_meminfo *mi, uint32_t flags)
{
	assert_return(mi, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_PARSE_SKIP_BAD_LINES), -EINVAL);
	mi->flags = flags;
	mi->diffable = false;
	return 0;
}

static void reset(struct memacct_meminfo *mi)
{
	mi->diffable = false;
	mi->prev_n = mi->n;
	mi->n = 0;
	mi->arena_len = 0;
	mi->skipped = 0;
	mi->prefix_len = 0;
	memset(mi->idx, 0xff, sizeof(mi->idx));
}

/*
 * drivers/base/node.c node_read_meminfo prints "Node %d " before every name.
 * @return the length of such a prefix at @p (up to the name), with the node
 * in *@ret_node, or 0 when @p does not start with one.
 */
static size_t node_prefix(const char *p, const char *end, int *ret_node)
{
	const char *q = p + 4;
	uint64_t v;

	if (end - p < 7 || memcmp(p, "Node", 4) || (*q != ' ' && *q != '\t'))
		return 0;
	scan_blanks(&q, end);
	if (q == end || (unsigned char)(*q - '0') >= 10 || scan_u64(&q, end, &v) < 0 ||
	    v > INT32_MAX || q == end || (*q != ' ' && *q != '\t'))
		return 0;
	scan_blanks(&q, end);
	if (q == end || *q == ':' || *q == '\n' || *q == '\r')
		return 0;
	*ret_node = (int)v;
	return (size_t)(q - p);
}

/* Set the parse's prefix from the first line that is not blank. */
static void detect_prefix(struct memacct_meminfo *mi, const char *p, const char *end)
{
	size_t n;
	int node;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	n = node_prefix(p, end, &node);
	if (n && n <= sizeof(mi->prefix)) {
		memcpy(mi->prefix, p, n);
		mi->prefix_len = n;
		mi->node = node;
	}
}

/*
 * Drop the "Node N " prefix from @kv's key in a node file, and refuse a line
 * whose prefix does not match the first line's (a missing, extra or other N).
 */
static int strip_prefix(struct memacct_meminfo *mi, struct scan_kv *kv, const char **msg,
			uint32_t *col)
{
	int node = -1;
	size_t n;

	if (kv->has_nul || kv->kind == SCAN_NOCOLON)
		return 0;	/* take_line() says why */
	n = node_prefix(kv->key, kv->key + kv->key_len, &node);
	*col = (uint32_t)(kv->key - kv->line) + 1;
	if (!mi->prefix_len) {
		if (!n)
			return 0;
		*msg = "\"Node N\" prefix on a line of a file whose first line has none";
		return -EBADMSG;
	}
	if (!n) {
		*msg = "line without the \"Node N\" prefix of the file's first line";
		return -EBADMSG;
	}
	if (node != mi->node) {
		*msg = "mixed \"Node N\" prefixes: this line's N differs from the first line's";
		return -EBADMSG;
	}
	kv->key += n;
	kv->key_len -= n;
	return 0;
}

static int arena_put(struct memacct_meminfo *mi, const char *s, size_t len, uint32_t *ret_off)
{
	return text_append(&mi->arena, &mi->arena_len, &mi->arena_cap, s, len, 256, ret_off);
}

static struct entry *entry_add(struct memacct_meminfo *mi)
{
	if (mi->n == mi->cap) {
		size_t cap = mi->cap ? mi->cap * 2 : 64;
		struct entry *e;
		uint32_t *o;

		if (cap > INT16_MAX)
			return NULL;
		e = realloc(mi->e, cap * sizeof(*e));
		if (!e)
			return NULL;
		mi->e = e;
		o = realloc(mi->off, (cap + 1) * sizeof(*o));
		if (!o)
			return NULL;
		mi->off = o;
		mi->cap = cap;
	}
	return &mi->e[mi->n++];
}

/* An unknown name seen earlier in this parse (duplicates are errors). */
static bool unknown_seen(const struct memacct_meminfo *mi, const char *k, size_t len)
{
	for (size_t i = 0; i < mi->n; i++) {
		const struct entry *e = &mi->e[i];

		if (e->key == 0 && e->name_len == len &&
		    !memcmp(mi->arena + e->name_off, k, len))
			return true;
	}
	return false;
}

#define MAX_KEY_LEN 255

/*
 * Judge one line: 0 = keep (entry filled), or a negative errno with @msg
 * and @col set.
 */
static int take_line(struct memacct_meminfo *mi, const struct scan_kv *kv, const char **msg,
		     uint32_t *col)
{
	uint32_t key = 0, unit;
	uint64_t value = 0;
	struct entry *e;
	int r;

	*col = kv->bad_col;
	if (kv->has_nul) {
		*msg = "NUL byte in line";
		return -EBADMSG;
	}
	if (kv->kind == SCAN_NOCOLON) {
		*msg = "no ':' after the key";
		return -EBADMSG;
	}
	if (kv->key_len == 0) {
		*col = (uint32_t)(kv->key - kv->line) + 1;
		*msg = "empty key";
		return -EBADMSG;
	}
	if (kv->key_len > MAX_KEY_LEN) {
		*col = (uint32_t)(kv->key - kv->line) + 1;
		*msg = "key longer than 255 bytes";
		return -EBADMSG;
	}
	for (size_t i = 0; i < kv->key_len; i++) {
		unsigned char c = (unsigned char)kv->key[i];

		if (c < 0x20 || c >= 0x7f) {
			*col = (uint32_t)(kv->key - kv->line + i) + 1;
			*msg = "control or non-ASCII byte in key";
			return -EBADMSG;
		}
	}
	if (kv->kind == SCAN_NOVALUE) {
		*msg = "no value";
		return -EBADMSG;
	}
	if (kv->overflow) {
		*col = (uint32_t)(kv->rest - kv->line) + 1;
		*msg = "number does not fit in 64 bits";
		return -EOVERFLOW;
	}

	if (kv->kind == SCAN_TEXT) {
		if (!is_summary_key(kv->key, kv->key_len)) {
			*msg = "value is not a number with an optional unit";
			return -EBADMSG;
		}
		unit = MEMACCT_UNIT_TEXT;
	} else {
		key = guess_key(mi, kv->key, kv->key_len);
		if (!kv->unit) {
			if (key && !known[key - 1].count) {
				*col = (uint32_t)(kv->rest - kv->line + kv->rest_len) + 1;
				*msg = "missing unit: expected kB";
				return -EBADMSG;
			}
			unit = MEMACCT_UNIT_COUNT;
			value = kv->value;
		} else if (kv->unit_len == 2 && kv->unit[0] == 'k' && kv->unit[1] == 'B') {
			if (key && known[key - 1].count) {
				*col = (uint32_t)(kv->unit - kv->line) + 1;
				*msg = "unit on a field the kernel prints as a count";
				return -EBADMSG;
			}
			if (scan_mul(kv->value, 1024, &value) < 0) {
				*col = (uint32_t)(kv->rest - kv->line) + 1;
				*msg = "number does not fit in 64 bits once converted to bytes";
				return -EOVERFLOW;
			}
			unit = MEMACCT_UNIT_BYTES;
		} else {
			*col = (uint32_t)(kv->unit - kv->line) + 1;
			*msg = "unknown unit: the kernel prints only kB";
			return -EBADMSG;
		}
	}

	if (key ? mi->idx[key] >= 0 : unknown_seen(mi, kv->key, kv->key_len)) {
		*col = (uint32_t)(kv->key - kv->line) + 1;
		*msg = "duplicate key";
		return -EBADMSG;
	}

	e = entry_add(mi);
	if (!e)
		return -ENOMEM;
	e->key = key;
	e->unit = unit;
	e->value = value;
	e->name_len = (uint32_t)kv->key_len;
	e->text_len = 0;
	e->text_off = 0;
	if (key) {
		e->name = known[key - 1].name;
		e->name_off = UINT32_MAX;
		mi->idx[key] = (int16_t)(mi->n - 1);
		return 0;
	}
	e->name = NULL;
	r = arena_put(mi, kv->key, kv->key_len, &e->name_off);
	if (r == 0 && unit == MEMACCT_UNIT_TEXT) {
		r = arena_put(mi, kv->rest, kv->rest_len, &e->text_off);
		e->text_len = (uint32_t)kv->rest_len;
	}
	if (r < 0)
		mi->n--;
	return r;
}


/*
 * Key @key's line at @p as the kernel prints it: "Name:", blanks, digits and
 * " kB\n" (or "\n" for a count), read straight through. @return its '\n',
 * with the value (bytes, or the count) in *@ret; NULL for anything else,
 * which the general scanner then judges by the same rules.
 */
static const char *line_value(uint32_t key, const char *p, const char *end, uint64_t *ret)
{
	size_t len = known[key - 1].len;
	uint64_t v = 0;
	const char *d;

	if ((size_t)(end - p) < len + 3 || !same_bytes(p, known[key - 1].name, len) || p[len] != ':')
		return NULL;
	p += len + 1;
	/* Values are right-aligned in a field of 8 or more: skip blanks a word at a time. */
	while (end - p >= 8 && load64(p) == UINT64_C(0x2020202020202020))
		p += 8;
	while (p < end && *p == ' ')
		p++;
	d = p;
	if (likely(end - p >= 24)) {
		/* 19 digits always fit in 64 bits; a 20th sends the line to the scanner. */
		while ((unsigned char)(*p - '0') < 10 && p - d < 19)
			v = v * 10 + (uint64_t)(*p++ - '0');
	} else {
		while (p < end && (unsigned char)(*p - '0') < 10 && p - d < 19)
			v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (p == d || p == end)
		return NULL;
	if (*p == '\n' && known[key - 1].count) {
		*ret = v;
		return p;
	}
	if (end - p >= 4 && load32(p) == load32(" kB\n") && !known[key - 1].count &&
	    !__builtin_mul_overflow(v, 1024, ret))
		return p + 3;
	return NULL;
}

/*
 * The hot path. The kernel prints its lines in a fixed order, so line i of
 * this parse almost always has line i's key of the last one: try that key's
 * form first. @return true when the line was taken.
 */
static bool fast_line(struct memacct_meminfo *mi, struct scanner *s)
{
	const char *p = s->cur, *end = s->end;
	uint64_t bytes;
	uint32_t key;
	struct entry *e;

	if (mi->n >= mi->prev_n)
		return false;
	key = mi->e[mi->n].key;
	if (!key || mi->idx[key] >= 0)
		return false;
	if (mi->prefix_len) {
		if ((size_t)(end - p) < mi->prefix_len || !same_bytes(p, mi->prefix, mi->prefix_len))
			return false;
		p += mi->prefix_len;
	}
	p = line_value(key, p, end, &bytes);
	if (!p)
		return false;
	e = &mi->e[mi->n];
	e->value = bytes;
	e->unit = known[key - 1].count ? MEMACCT_UNIT_COUNT : MEMACCT_UNIT_BYTES;
	e->name = known[key - 1].name;
	e->name_off = UINT32_MAX;
	e->name_len = known[key - 1].len;
	e->text_off = 0;
	e->text_len = 0;
	mi->idx[key] = (int16_t)mi->n++;
	s->cur = p + 1;
	s->lineno++;
	return true;
}

/* The offset of the first byte from @pos on where @a and @b differ; @len if none. */
static size_t first_diff(const char *a, const char *b, size_t pos, size_t len)
{
	for (; pos + 32 <= len; pos += 32)
		if ((load64(a + pos) ^ load64(b + pos)) | (load64(a + pos + 8) ^ load64(b + pos + 8)) |
		    (load64(a + pos + 16) ^ load64(b + pos + 16)) |
		    (load64(a + pos + 24) ^ load64(b + pos + 24)))
			break;
	while (pos < len && a[pos] == b[pos])
		pos++;
	return pos;
}

/*
 * A reparse that costs less than a parse: most of meminfo's values do not
 * change between two reads, and a line whose bytes are those of the last
 * parse has its value already. So compare the text with the last one a word
 * at a time and read again only the lines that differ, each by the form of
 * its key. A differing line that does not keep that form and its length (a
 * value that grew a digit while another lost one, a renamed key) gives up:
 * the caller parses the whole text, which then judges it. The entries are
 * rebuilt by that parse, so values written here before giving up are not
 * seen. @return true when every line was accounted for.
 */
static bool diff_parse(struct memacct_meminfo *mi, const char *buf, size_t len)
{
	size_t i = 0, pos = 0;

	for (;;) {
		const char *a, *end;
		uint64_t v;

		pos = first_diff(buf, mi->last, pos, len);
		if (pos == len)
			return true;
		while (mi->off[i + 1] <= pos)
			i++;
		a = buf + mi->off[i];
		end = buf + mi->off[i + 1];
		if (!mi->e[i].key || line_value(mi->e[i].key, a, end, &v) != end - 1)
			return false;
		mi->e[i].value = v;
		memcpy(mi->last + mi->off[i], a, (size_t)(end - a));
		pos = mi->off[i + 1];
	}
}

/*
 * Keep @buf for diff_parse() when @one_each: its lines were the entries, one
 * each, from its first byte to its last '\n' (no blank, skipped or prefixed
 * line), their starts in off[]. Otherwise, or when memory is short, the next
 * parse is a whole one, as it would have been. A line of an unknown key or of
 * text stays as it was while its bytes do; when they change, diff_parse()
 * gives up.
 */
static void remember(struct memacct_meminfo *mi, const char *buf, size_t len, bool one_each)
{
	if (!one_each || mi->prefix_len || mi->skipped || !mi->n || len > UINT32_MAX ||
	    buf[len - 1] != '\n')
		return;
	if (len > mi->last_cap) {
		char *b = realloc(mi->last, len);

		if (!b)
			return;
		mi->last = b;
		mi->last_cap = len;
	}
	mi->off[mi->n] = (uint32_t)len;
	memcpy(mi->last, buf, len);
	mi->last_len = len;
	mi->diffable = true;
}

int memacct_meminfo_parse(struct memacct_meminfo *mi, const char *buf, size_t len,
			  struct memacct_diag *diag)
{
	struct scanner s;
	struct scan_kv kv;
	const char *msg = NULL, *next = buf;
	bool one_each = true;
	uint32_t col;
	int r;

	assert_return(mi, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);

	if (mi->diffable && len == mi->last_len && diff_parse(mi, buf, len))
		return 0;
	reset(mi);
	if (len)
		detect_prefix(mi, buf, buf + len);
	scanner_init(&s, buf, len);
	for (;;) {
		const char *line = s.cur;

		if (fast_line(mi, &s)) {
			mi->off[mi->n - 1] = (uint32_t)(line - buf);
			next = s.cur;
			continue;
		}
		if (!scan_next_kv(&s, &kv))
			break;
		msg = NULL;
		r = strip_prefix(mi, &kv, &msg, &col);
		if (likely(r == 0))
			r = take_line(mi, &kv, &msg, &col);
		if (likely(r == 0)) {
			/* a blank line before it leaves line i of the text not entry i */
			one_each &= kv.line == line;
			mi->off[mi->n - 1] = (uint32_t)(line - buf);
			next = s.cur;
			continue;
		}
		if (skippable(r, mi->flags)) {
			if (mi->skipped++ == 0) {
				mi->first_skip.sz = sizeof(mi->first_skip);
				diag_set(&mi->first_skip, r, kv.lineno, col, kv.key, kv.key_len, msg);
			}
			continue;
		}
		diag_set(diag, r, kv.lineno, col, kv.key, kv.key_len,
			 msg ? msg : "out of memory");
		reset(mi);
		return r;
	}

	/* fs/proc/meminfo.c has printed MemTotal first since 2.6 (and 2.4 printed it
	 * after its summary lines): a non-empty file without it was cut. */
	if (mi->n > 0 && mi->idx[MEMACCT_MEMINFO_MEMTOTAL] < 0 &&
	    !(mi->flags & MEMACCT_PARSE_SKIP_BAD_LINES)) {
		diag_set(diag, -EBADMSG, 0, 0, "MemTotal", 8,
			 "no MemTotal line: the file is cut or is not /proc/meminfo");
		reset(mi);
		return -EBADMSG;
	}

	/* Names copied into the arena are resolved only now: it may have moved. */
	for (size_t i = 0; mi->arena_len && i < mi->n; i++)
		if (mi->e[i].name_off != UINT32_MAX)
			mi->e[i].name = mi->arena + mi->e[i].name_off;
	remember(mi, buf, len, one_each && next == buf + len);
	return 0;
}

int memacct_meminfo_read(struct memacct_meminfo *mi, struct memacct_source *src,
			 struct memacct_diag *diag)
{
	const char *buf;
	size_t len;
	int r;

	assert_return(mi && src, -EINVAL);
	r = memacct_source_read_file(src, "meminfo", &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read meminfo");
		return r;
	}
	return memacct_meminfo_parse(mi, buf, len, diag);
}

bool meminfo_is_diffable(const struct memacct_meminfo *mi)
{
	return mi->diffable;
}

int meminfo_value(const struct memacct_meminfo *mi, uint32_t key, uint64_t *ret)
{
	int16_t i = mi->idx[key];

	if (i < 0)
		return -ENOENT;
	*ret = mi->e[i].value;
	return 0;
}

int memacct_meminfo_get(const struct memacct_meminfo *mi, uint32_t key, uint64_t *ret)
{
	assert_return(mi && ret, -EINVAL);
	if (key == 0 || key > MEMINFO_NKEYS)
		return -EOPNOTSUPP;
	return meminfo_value(mi, key, ret);
}

int memacct_meminfo_has(const struct memacct_meminfo *mi, uint32_t key)
{
	assert_return(mi, -EINVAL);
	if (key == 0 || key > MEMINFO_NKEYS)
		return -EOPNOTSUPP;
	return mi->idx[key] >= 0;
}

int memacct_meminfo_get_by_name(const struct memacct_meminfo *mi, const char *name,
				uint64_t *ret)
{
	size_t len;

	assert_return(mi && name && ret, -EINVAL);
	len = strlen(name);
	for (size_t i = 0; i < mi->n; i++) {
		const struct entry *e = &mi->e[i];

		if (e->name_len == len && !memcmp(e->name, name, len)) {
			if (e->unit == MEMACCT_UNIT_TEXT)
				return -ENODATA;
			*ret = e->value;
			return 0;
		}
	}
	return -ENOENT;
}

int memacct_meminfo_get_node(const struct memacct_meminfo *mi, int *ret)
{
	assert_return(mi && ret, -EINVAL);
	if (!mi->prefix_len)
		return -ENOENT;
	*ret = mi->node;
	return 0;
}

int memacct_meminfo_count(const struct memacct_meminfo *mi)
{
	assert_return(mi, -EINVAL);
	return (int)mi->n;
}

int memacct_meminfo_at(const struct memacct_meminfo *mi, size_t i, const char **ret_name,
		       uint64_t *ret_value, uint32_t *ret_unit, uint32_t *ret_key)
{
	const struct entry *e;

	assert_return(mi, -EINVAL);
	if (i >= mi->n)
		return -ERANGE;
	e = &mi->e[i];
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

int memacct_meminfo_text_at(const struct memacct_meminfo *mi, size_t i, const char **ret_text)
{
	assert_return(mi && ret_text, -EINVAL);
	if (i >= mi->n)
		return -ERANGE;
	*ret_text = mi->e[i].unit == MEMACCT_UNIT_TEXT ? mi->arena + mi->e[i].text_off : "";
	return 0;
}

int memacct_meminfo_count_skipped(const struct memacct_meminfo *mi)
{
	assert_return(mi, -EINVAL);
	return (int)mi->skipped;
}

int memacct_meminfo_get_skipped(const struct memacct_meminfo *mi, struct memacct_diag *ret)
{
	size_t n;

	assert_return(mi && ret && ret->sz >= sizeof(size_t), -EINVAL);
	if (mi->skipped == 0)
		return -ENOENT;
	n = ret->sz < sizeof(mi->first_skip) ? ret->sz : sizeof(mi->first_skip);
	memcpy((char *)ret + sizeof(size_t), (const char *)&mi->first_skip + sizeof(size_t),
	       n - sizeof(size_t));
	return 0;
}
