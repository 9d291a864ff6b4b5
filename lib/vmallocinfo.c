/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "lineparse.h"
#include "scan.h"

/*
 * /proc/vmallocinfo, printed by torvalds/linux mm/vmalloc.c s_show() (since
 * 2.6.25; vmalloc_info_show() since 6.9, one list per vmap node):
 *
 *   seq_printf(m, "0x%pK-0x%pK %7ld", v->addr, v->addr + v->size, v->size);
 *   " %pS" caller, " pages=%d" when nr_pages, " phys=%pa" when phys_addr
 *   (" phys=%llx", no "0x", before 4.x), then the flag words in this order:
 *   ioremap, sparse (6.9), xen (6.9), vmalloc, vmap, user, dma-coherent (5.8),
 *   vpages, then show_numa_info()'s " N%u=%u" per node holding pages;
 * and two short forms: "0x%pK-0x%pK %7ld vm_map_ram" (vmap blocks) and,
 * since 4.11 (show_purge_info(), 5.4), "... unpurged vm_area" for areas
 * freed lazily but not yet purged. v->size includes the guard page
 * (__get_vm_area_node: "size += PAGE_SIZE" unless VM_NO_GUARD).
 *
 * The caller's "%pS" is "sym+0xoff/0xlen", followed by " [module]" for a
 * symbol in a module, or a bare "0x..." when kallsyms has no name for it.
 */

#define MAX_CALLER 1024	/* KSYM_NAME_LEN is 512 since 6.1, plus +off/len and [module] */
#define NO_TEXT UINT32_MAX

enum {
	R_PAGES = 1u << 0,
	R_PHYS = 1u << 1,
	R_MODULE = 1u << 2,	/* allocated by the module loader */
};

struct rec {
	uint64_t start, end, size, pages, phys;
	uint32_t kinds;
	uint32_t flags;		/* R_* */
	uint32_t text_off;	/* caller as printed, NUL-terminated, or NO_TEXT */
	uint32_t sym_off;	/* the symbol alone */
	uint32_t mod_off;	/* the [module] name, or NO_TEXT */
	uint32_t nodes_off;	/* into ->nodes */
	uint32_t nnodes;
};

struct sym_idx {
	const char *sym;
	size_t i;
};

struct node_pages {
	uint64_t pages;
	uint32_t node;
};

/* Totals, each with an overflow bit (a sum past 2^64 reads as -EOVERFLOW). */
enum {
	T_VMALLOC_PAGES,
	T_IOREMAP_SIZE,
	T_ALL_SIZE,
	T_VMALLOC_SIZE,
	T_UNPURGED_SIZE,
	T_VM_MAP_RAM_SIZE,
	T_MODULE_RECORDS,
	T_MODULE_SIZE,
	T_MODULE_PAGES,
	T_PAGES,
	T_N
};

struct memacct_vmallocinfo {
	struct rec *r;
	size_t n, cap;
	struct node_pages *nodes;
	size_t nnodes, nodes_cap;
	char *text;
	size_t text_len, text_cap;
	uint64_t page_size;
	uint64_t tot[T_N];
	uint32_t tot_ovf;	/* bit per T_* */
	bool nonzero_addr, hashed;
	struct lineparse lp;

	/* Built on demand, owned. */
	bool callers_valid;
	struct memacct_vmalloc_caller *callers;
	size_t ncallers, callers_cap;
	struct sym_idx *idx;
	size_t idx_cap;
	struct memacct_vmalloc_module *mods;
	size_t nmods, mods_cap;
	char *mod_names;
	size_t mod_names_len, mod_names_cap;
};

/*
 * The symbols the module loader's allocation is attributed to: the caller
 * of the function that passes __builtin_return_address(0) to
 * __vmalloc_node_range(). kernel/module.c: module_alloc_update_bounds()
 * (2.6.29-4.4) and move_module() call module_alloc() (arch/x86 and most
 * arches pass the return address there); kernel/module/main.c since 6.4:
 * module_memory_alloc(), often inlined into move_module(); mm/execmem.c since
 * 6.10: execmem_alloc() (execmem_vmalloc() passes its return address) and,
 * since 6.16, execmem_alloc_rw(). The generic weak module_alloc() calls
 * vmalloc_exec(), so there the caller printed is module_alloc itself.
 */
static const char *const module_callers[] = {
	"module_alloc",
	"module_alloc_update_bounds",
	"move_module",
	"module_memory_alloc",
	"execmem_alloc",
	"execmem_alloc_rw",
	"layout_and_allocate",
	"load_module",
};

int memacct_vmallocinfo_is_module_caller(const char *name)
{
	if (!name)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(module_callers); i++)
		if (!strcmp(name, module_callers[i]))
			return 1;
	return 0;
}

int memacct_vmallocinfo_new(struct memacct_vmallocinfo **ret)
{
	struct memacct_vmallocinfo *vi;

	assert_return(ret, -EINVAL);
	vi = calloc(1, sizeof(*vi));
	if (!vi)
		return -ENOMEM;
	*ret = vi;
	return 0;
}

struct memacct_vmallocinfo *memacct_vmallocinfo_free(struct memacct_vmallocinfo *vi)
{
	if (vi) {
		free(vi->r);
		free(vi->nodes);
		free(vi->text);
		free(vi->callers);
		free(vi->idx);
		free(vi->mods);
		free(vi->mod_names);
		lineparse_free(&vi->lp);
		free(vi);
	}
	return NULL;
}

int memacct_vmallocinfo_set_flags(struct memacct_vmallocinfo *vi, uint32_t flags)
{
	assert_return(vi, -EINVAL);
	return lineparse_set_flags(&vi->lp, flags);
}

int memacct_vmallocinfo_set_page_size(struct memacct_vmallocinfo *vi, uint64_t page_size)
{
	assert_return(vi, -EINVAL);
	assert_return((page_size & (page_size - 1)) == 0, -EINVAL);
	vi->page_size = page_size;
	vi->callers_valid = false;
	return 0;
}

static void reset(void *obj)
{
	struct memacct_vmallocinfo *vi = obj;

	vi->n = 0;
	vi->nnodes = 0;
	vi->text_len = 0;
	memset(vi->tot, 0, sizeof(vi->tot));
	vi->tot_ovf = 0;
	vi->nonzero_addr = false;
	vi->hashed = false;
	vi->callers_valid = false;
	vi->ncallers = 0;
	vi->nmods = 0;
	vi->mod_names_len = 0;
}

static inline int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits at *p (no prefix). @return 0, -EBADMSG (no digit), -EOVERFLOW. */
static int scan_hex(const char **p, const char *end, uint64_t *ret)
{
	const char *q = *p;
	uint64_t v = 0;
	int r = 0, d;

	if (q >= end || hexval(*q) < 0)
		return -EBADMSG;
	for (; q < end && (d = hexval(*q)) >= 0; q++) {
		if (v >> 60)
			r = -EOVERFLOW;
		v = v << 4 | (uint64_t)d;
	}
	*p = q;
	if (r == 0)
		*ret = v;
	return r;
}

/* "0x" then hex digits. */
static int scan_addr(const char **p, const char *end, uint64_t *ret)
{
	if (end - *p < 2 || (*p)[0] != '0' || ((*p)[1] | 0x20) != 'x')
		return -EBADMSG;
	*p += 2;
	return scan_hex(p, end, ret);
}

static bool is_word(const char *w, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n == l && !memcmp(w, lit, l);
}

static const struct {
	const char *word;
	uint32_t bit;
} kind_words[] = {
	{ "vmalloc", MEMACCT_VMALLOC_KIND_VMALLOC },
	{ "ioremap", MEMACCT_VMALLOC_KIND_IOREMAP },
	{ "vmap", MEMACCT_VMALLOC_KIND_VMAP },
	{ "user", MEMACCT_VMALLOC_KIND_USER },
	{ "vpages", MEMACCT_VMALLOC_KIND_VPAGES },
	{ "dma-coherent", MEMACCT_VMALLOC_KIND_DMA_COHERENT },
	{ "sparse", MEMACCT_VMALLOC_KIND_SPARSE },
	{ "xen", MEMACCT_VMALLOC_KIND_XEN },
};

static uint32_t kind_bit(const char *w, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(kind_words); i++)
		if (is_word(w, n, kind_words[i].word))
			return kind_words[i].bit;
	return 0;
}

/* "N<digits>=" at @w: a NUMA field. */
static bool is_node_field(const char *w, size_t n)
{
	size_t i = 1;

	if (n < 3 || w[0] != 'N')
		return false;
	while (i < n && w[i] >= '0' && w[i] <= '9')
		i++;
	return i > 1 && i < n && w[i] == '=';
}

static bool is_field(const char *w, size_t n)
{
	return (n >= 6 && !memcmp(w, "pages=", 6)) || (n >= 5 && !memcmp(w, "phys=", 5)) ||
	       is_node_field(w, n) || kind_bit(w, n);
}

static void add_total(struct memacct_vmallocinfo *vi, int t, uint64_t v)
{
	if (__builtin_add_overflow(vi->tot[t], v, &vi->tot[t]))
		vi->tot_ovf |= 1u << t;
}

/* A number field's value: the bytes from @p to @we, all of them digits. */
static int field_u64(const char *line, const char *p, const char *we, bool hex, uint64_t *v,
		     struct bad *b)
{
	const char *q = p;
	int r;

	if (hex) {
		if (we - q >= 2 && q[0] == '0' && (q[1] | 0x20) == 'x')
			q += 2;
		r = scan_hex(&q, we, v);
	} else {
		r = scan_u64(&q, we, v);
	}
	if (r == -EOVERFLOW)
		return fail(b, line, p, "number does not fit in 64 bits", r);
	if (r < 0 || q != we)
		return fail(b, line, r < 0 ? q : q, "expected a number", -EBADMSG);
	return 0;
}

static int take_line(void *obj, const char *line, const char *p, const char *end, struct bad *b)
{
	struct memacct_vmallocinfo *vi = obj;
	struct rec rec = { .text_off = NO_TEXT, .sym_off = NO_TEXT, .mod_off = NO_TEXT };
	const char *caller = NULL, *sym_end = NULL, *mod = NULL;
	size_t caller_len = 0, mod_len = 0, nodes0 = vi->nnodes;
	bool first = true;
	int r;

	r = scan_addr(&p, end, &rec.start);
	if (r == 0 && (p == end || *p != '-'))
		r = -EBADMSG;
	if (r == 0) {
		p++;
		r = scan_addr(&p, end, &rec.end);
	}
	if (r < 0)
		return fail(b, line, p, r == -EOVERFLOW ? "address does not fit in 64 bits" :
			    "expected \"0xSTART-0xEND\"", r);
	if (p == end || (*p != ' ' && *p != '\t'))
		return fail(b, line, p, "expected a blank after the address range", -EBADMSG);
	scan_blanks(&p, end);
	r = scan_u64(&p, end, &rec.size);
	if (r < 0)
		return fail(b, line, p, r == -EOVERFLOW ? "size does not fit in 64 bits" :
			    "expected the size in bytes", r);
	if (p != end && *p != ' ' && *p != '\t')
		return fail(b, line, p, "expected a blank after the size", -EBADMSG);

	while (scan_blanks(&p, end), p < end) {
		const char *w = p, *we;
		size_t n;

		while (p < end && *p != ' ' && *p != '\t')
			p++;
		we = p;
		n = (size_t)(we - w);
		for (const char *c = w; c < we; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return fail(b, line, c, "control byte in line", -EBADMSG);

		if (first && is_word(w, n, "vm_map_ram")) {
			rec.kinds |= MEMACCT_VMALLOC_KIND_VM_MAP_RAM;
		} else if (first && is_word(w, n, "unpurged")) {
			const char *q = p;

			scan_blanks(&q, end);
			if (end - q < 7 || memcmp(q, "vm_area", 7) ||
			    (q + 7 < end && q[7] != ' ' && q[7] != '\t'))
				return fail(b, line, q, "expected \"unpurged vm_area\"", -EBADMSG);
			p = q + 7;
			rec.kinds |= MEMACCT_VMALLOC_KIND_UNPURGED;
		} else if (first && !is_field(w, n)) {
			const char *plus = memchr(w, '+', n);

			if (n > MAX_CALLER)
				return fail(b, line, w, "caller longer than 1024 bytes", -EBADMSG);
			caller = w;
			caller_len = n;
			sym_end = plus ? plus : we;
			if (sym_end == w)
				return fail(b, line, w, "caller without a symbol", -EBADMSG);
			b->key = w;
			b->key_len = (size_t)(sym_end - w);
			/* %pS of a module symbol: " [module]" follows. */
			{
				const char *q = p, *m;

				scan_blanks(&q, end);
				if (q < end && *q == '[') {
					m = q + 1;
					while (q < end && *q != ']' && *q != ' ' && *q != '\t')
						q++;
					if (q == end || *q != ']' || q == m)
						return fail(b, line, m, "expected \"[module]\" after the caller",
							    -EBADMSG);
					mod = m;
					mod_len = (size_t)(q - m);
					if (mod_len > MAX_CALLER)
						return fail(b, line, m, "module name too long", -EBADMSG);
					for (const char *c = m; c < q; c++)
						if ((unsigned char)*c < 0x20 || *c == 0x7f)
							return fail(b, line, c, "control byte in line",
								    -EBADMSG);
					p = q + 1;
					caller_len = (size_t)(p - w);
				}
			}
		} else if (n >= 6 && !memcmp(w, "pages=", 6)) {
			if (rec.flags & R_PAGES)
				return fail(b, line, w, "pages= printed twice", -EBADMSG);
			r = field_u64(line, w + 6, we, false, &rec.pages, b);
			if (r < 0)
				return r;
			rec.flags |= R_PAGES;
		} else if (n >= 5 && !memcmp(w, "phys=", 5)) {
			if (rec.flags & R_PHYS)
				return fail(b, line, w, "phys= printed twice", -EBADMSG);
			r = field_u64(line, w + 5, we, true, &rec.phys, b);
			if (r < 0)
				return r;
			rec.flags |= R_PHYS;
		} else if (is_node_field(w, n)) {
			const char *q = w + 1;
			uint64_t node, cnt;

			r = scan_u64(&q, we, &node);
			if (r == 0 && node > UINT32_MAX)
				r = -EOVERFLOW;
			if (r < 0)
				return fail(b, line, w, "node number too large", r);
			r = field_u64(line, q + 1, we, false, &cnt, b);
			if (r < 0)
				return r;
			for (size_t k = nodes0; k < vi->nnodes; k++)
				if (vi->nodes[k].node == node)
					return fail(b, line, w, "node printed twice", -EBADMSG);
			r = grow((void **)&vi->nodes, &vi->nodes_cap, vi->nnodes, 1,
				 sizeof(*vi->nodes), 64);
			if (r < 0) {
				vi->nnodes = nodes0;
				return fail(b, line, line, "out of memory", r);
			}
			vi->nodes[vi->nnodes].node = (uint32_t)node;
			vi->nodes[vi->nnodes].pages = cnt;
			vi->nnodes++;
		} else {
			uint32_t bit = kind_bit(w, n);

			/* A word of a newer kernel: kept as OTHER, never an error. */
			rec.kinds |= bit ? bit : MEMACCT_VMALLOC_KIND_OTHER;
		}
		if ((rec.kinds & (MEMACCT_VMALLOC_KIND_VM_MAP_RAM | MEMACCT_VMALLOC_KIND_UNPURGED))) {
			scan_blanks(&p, end);
			if (p != end) {
				vi->nnodes = nodes0;
				return fail(b, line, p, "text after a short-form record", -EBADMSG);
			}
		}
		first = false;
	}
	if (vi->nnodes - nodes0 > UINT32_MAX)
		return fail(b, line, line, "too many nodes", -EBADMSG);

	r = grow((void **)&vi->r, &vi->cap, vi->n, 1, sizeof(*vi->r), 64);
	if (r == 0 && caller) {
		uint32_t off;

		r = text_append(&vi->text, &vi->text_len, &vi->text_cap, caller, caller_len,
				4096, &off);
		if (r == 0) {
			rec.text_off = off;
			r = text_append(&vi->text, &vi->text_len, &vi->text_cap, caller,
					(size_t)(sym_end - caller), 4096, &off);
			rec.sym_off = off;
		}
		if (r == 0 && mod) {
			r = text_append(&vi->text, &vi->text_len, &vi->text_cap, mod, mod_len, 4096,
					&off);
			rec.mod_off = off;
		}
	}
	if (r < 0) {
		vi->nnodes = nodes0;
		if (rec.text_off != NO_TEXT)
			vi->text_len = rec.text_off;
		return fail(b, line, line, "out of memory", r);
	}

	if (caller && memacct_vmallocinfo_is_module_caller(vi->text + rec.sym_off))
		rec.flags |= R_MODULE;
	rec.nodes_off = (uint32_t)nodes0;
	rec.nnodes = (uint32_t)(vi->nnodes - nodes0);
	vi->r[vi->n++] = rec;

	if (rec.start || rec.end)
		vi->nonzero_addr = true;
	if (rec.end - rec.start != rec.size)
		vi->hashed = true;
	add_total(vi, T_ALL_SIZE, rec.size);
	if (rec.flags & R_PAGES)
		add_total(vi, T_PAGES, rec.pages);
	if (rec.kinds & MEMACCT_VMALLOC_KIND_VMALLOC) {
		add_total(vi, T_VMALLOC_SIZE, rec.size);
		if (rec.flags & R_PAGES)
			add_total(vi, T_VMALLOC_PAGES, rec.pages);
	}
	if (rec.kinds & MEMACCT_VMALLOC_KIND_IOREMAP)
		add_total(vi, T_IOREMAP_SIZE, rec.size);
	if (rec.kinds & MEMACCT_VMALLOC_KIND_UNPURGED)
		add_total(vi, T_UNPURGED_SIZE, rec.size);
	if (rec.kinds & MEMACCT_VMALLOC_KIND_VM_MAP_RAM)
		add_total(vi, T_VM_MAP_RAM_SIZE, rec.size);
	if (rec.flags & R_MODULE) {
		add_total(vi, T_MODULE_RECORDS, 1);
		add_total(vi, T_MODULE_SIZE, rec.size);
		if (rec.flags & R_PAGES)
			add_total(vi, T_MODULE_PAGES, rec.pages);
	}
	return 0;
}

int memacct_vmallocinfo_parse(struct memacct_vmallocinfo *vi, const char *buf, size_t len,
			      struct memacct_diag *diag)
{
	assert_return(vi, -EINVAL);
	assert_return(buf || len == 0, -EINVAL);
	return lineparse_run(&vi->lp, buf, len, take_line, reset, vi, diag);
}

int memacct_vmallocinfo_read(struct memacct_vmallocinfo *vi, struct memacct_source *src,
			     struct memacct_diag *diag)
{
	const char *buf;
	uint64_t ps;
	size_t len;
	int r;

	assert_return(vi && src, -EINVAL);
	r = memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &ps);
	if (r == 0 && ps && (ps & (ps - 1)) == 0)
		vi->page_size = ps;
	r = memacct_source_read_file(src, "vmallocinfo", &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, NULL, 0, "cannot read vmallocinfo");
		return r;
	}
	return memacct_vmallocinfo_parse(vi, buf, len, diag);
}

int memacct_vmallocinfo_count(const struct memacct_vmallocinfo *vi)
{
	assert_return(vi, -EINVAL);
	return vi->n > INT32_MAX ? INT32_MAX : (int)vi->n;
}

int memacct_vmallocinfo_count_skipped(const struct memacct_vmallocinfo *vi)
{
	assert_return(vi, -EINVAL);
	return (int)vi->lp.skipped;
}

int memacct_vmallocinfo_get(const struct memacct_vmallocinfo *vi, size_t i, uint32_t key,
			    uint64_t *ret)
{
	const struct rec *rec;
	uint64_t v;

	assert_return(vi && ret, -EINVAL);
	if (key == 0 || key > MEMACCT_VMALLOCINFO_MODULE_AREA)
		return -EOPNOTSUPP;
	if (i >= vi->n)
		return -ERANGE;
	rec = &vi->r[i];
	switch (key) {
	case MEMACCT_VMALLOCINFO_START:
		v = rec->start;
		break;
	case MEMACCT_VMALLOCINFO_END:
		v = rec->end;
		break;
	case MEMACCT_VMALLOCINFO_SIZE:
		v = rec->size;
		break;
	case MEMACCT_VMALLOCINFO_PAGES:
		if (!(rec->flags & R_PAGES))
			return -ENOENT;
		v = rec->pages;
		break;
	case MEMACCT_VMALLOCINFO_PHYS:
		if (!(rec->flags & R_PHYS))
			return -ENOENT;
		v = rec->phys;
		break;
	case MEMACCT_VMALLOCINFO_KINDS:
		v = rec->kinds;
		break;
	default:
		v = !!(rec->flags & R_MODULE);
		break;
	}
	*ret = v;
	return 0;
}

static int get_text(const struct memacct_vmallocinfo *vi, size_t i, int which, const char **ret)
{
	uint32_t off;

	assert_return(vi && ret, -EINVAL);
	if (i >= vi->n)
		return -ERANGE;
	off = which == 0 ? vi->r[i].sym_off : which == 1 ? vi->r[i].text_off : vi->r[i].mod_off;
	if (off == NO_TEXT)
		return -ENOENT;
	*ret = vi->text + off;
	return 0;
}

int memacct_vmallocinfo_get_caller(const struct memacct_vmallocinfo *vi, size_t i,
				   const char **ret)
{
	return get_text(vi, i, 0, ret);
}

int memacct_vmallocinfo_get_caller_text(const struct memacct_vmallocinfo *vi, size_t i,
					const char **ret)
{
	return get_text(vi, i, 1, ret);
}

int memacct_vmallocinfo_get_caller_module(const struct memacct_vmallocinfo *vi, size_t i,
					  const char **ret)
{
	return get_text(vi, i, 2, ret);
}

int memacct_vmallocinfo_get_node_pages(const struct memacct_vmallocinfo *vi, size_t i,
				       uint32_t node, uint64_t *ret)
{
	const struct rec *rec;

	assert_return(vi && ret, -EINVAL);
	if (i >= vi->n)
		return -ERANGE;
	rec = &vi->r[i];
	for (uint32_t k = 0; k < rec->nnodes; k++)
		if (vi->nodes[rec->nodes_off + k].node == node) {
			*ret = vi->nodes[rec->nodes_off + k].pages;
			return 0;
		}
	return -ENOENT;
}

int memacct_vmallocinfo_addresses_hidden(const struct memacct_vmallocinfo *vi)
{
	assert_return(vi, -EINVAL);
	if (vi->n == 0)
		return -ENOENT;
	return !vi->nonzero_addr;
}

int memacct_vmallocinfo_addresses_hashed(const struct memacct_vmallocinfo *vi)
{
	assert_return(vi, -EINVAL);
	if (vi->n == 0)
		return -ENOENT;
	return vi->nonzero_addr && vi->hashed;
}

static int total(const struct memacct_vmallocinfo *vi, int t, uint64_t *v)
{
	if (vi->tot_ovf & (1u << t))
		return -EOVERFLOW;
	*v = vi->tot[t];
	return 0;
}

static int total_bytes(const struct memacct_vmallocinfo *vi, int t, uint64_t *v)
{
	uint64_t pages;
	int r;

	if (!vi->page_size)
		return -ENOENT;
	r = total(vi, t, &pages);
	if (r < 0)
		return r;
	return __builtin_mul_overflow(pages, vi->page_size, v) ? -EOVERFLOW : 0;
}

int memacct_vmallocinfo_get_total(const struct memacct_vmallocinfo *vi, uint32_t key,
				  uint64_t *ret)
{
	uint64_t v = 0;
	int r;

	assert_return(vi && ret, -EINVAL);
	switch (key) {
	case MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_BYTES:
		r = total_bytes(vi, T_VMALLOC_PAGES, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_IOREMAP_BYTES:
		r = total(vi, T_IOREMAP_SIZE, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_ALL_SIZE:
		r = total(vi, T_ALL_SIZE, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_RECORDS:
		v = vi->n;
		r = 0;
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_PAGES:
		r = total(vi, T_VMALLOC_PAGES, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_VMALLOC_SIZE:
		r = total(vi, T_VMALLOC_SIZE, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_UNPURGED_SIZE:
		r = total(vi, T_UNPURGED_SIZE, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_VM_MAP_RAM_SIZE:
		r = total(vi, T_VM_MAP_RAM_SIZE, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_MODULE_RECORDS:
		r = total(vi, T_MODULE_RECORDS, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_MODULE_SIZE:
		r = total(vi, T_MODULE_SIZE, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_MODULE_BYTES:
		r = total_bytes(vi, T_MODULE_PAGES, &v);
		break;
	case MEMACCT_VMALLOCINFO_TOTAL_PAGES:
		r = total(vi, T_PAGES, &v);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

/* --- callers ------------------------------------------------------------ */

static int cmp_sym(const void *a, const void *b)
{
	const struct sym_idx *x = a, *y = b;
	int c = strcmp(x->sym, y->sym);

	if (c)
		return c;
	return x->i < y->i ? -1 : 1;
}

static int cmp_caller(const void *a, const void *b)
{
	const struct memacct_vmalloc_caller *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int build_callers(struct memacct_vmallocinfo *vi)
{
	size_t m = 0;
	int r;

	r = grow((void **)&vi->idx, &vi->idx_cap, 0, vi->n, sizeof(*vi->idx), 64);
	if (r < 0)
		return r == -EFBIG ? -ENOMEM : r;
	for (size_t i = 0; i < vi->n; i++)
		if (vi->r[i].sym_off != NO_TEXT) {
			vi->idx[m].sym = vi->text + vi->r[i].sym_off;
			vi->idx[m++].i = i;
		}
	if (m > 1)
		qsort(vi->idx, m, sizeof(*vi->idx), cmp_sym);

	vi->ncallers = 0;
	for (size_t k = 0; k < m;) {
		const char *name = vi->idx[k].sym;
		struct memacct_vmalloc_caller c = { .sz = sizeof(c), .name = name };
		bool ovf = false;

		for (; k < m && !strcmp(vi->idx[k].sym, name); k++) {
			const struct rec *rec = &vi->r[vi->idx[k].i];

			c.records++;
			ovf |= __builtin_add_overflow(c.size, rec->size, &c.size);
			if ((rec->kinds & MEMACCT_VMALLOC_KIND_VMALLOC) && (rec->flags & R_PAGES))
				ovf |= __builtin_add_overflow(c.pages, rec->pages, &c.pages);
		}
		ovf |= __builtin_mul_overflow(c.pages, vi->page_size, &c.bytes);
		if (ovf)
			return -EOVERFLOW;
		r = grow((void **)&vi->callers, &vi->callers_cap, vi->ncallers, 1,
			 sizeof(*vi->callers), 32);
		if (r < 0)
			return r == -EFBIG ? -ENOMEM : r;
		vi->callers[vi->ncallers++] = c;
	}
	if (vi->ncallers > 1)
		qsort(vi->callers, vi->ncallers, sizeof(*vi->callers), cmp_caller);
	return 0;
}

int memacct_vmallocinfo_callers(struct memacct_vmallocinfo *vi,
				const struct memacct_vmalloc_caller **ret, size_t *ret_n)
{
	int r;

	assert_return(vi && ret && ret_n, -EINVAL);
	if (!vi->page_size)
		return -ENOENT;
	if (!vi->callers_valid) {
		r = build_callers(vi);
		if (r < 0) {
			vi->ncallers = 0;
			return r;
		}
		vi->callers_valid = true;
	}
	*ret = vi->callers;
	*ret_n = vi->ncallers;
	return 0;
}

/* --- modules ------------------------------------------------------------ */

/* The next blank-separated word of [*p, end), or false at the end. */
static bool next_word(const char **p, const char *end, const char **w, size_t *n)
{
	scan_blanks(p, end);
	if (*p == end)
		return false;
	*w = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*n = (size_t)(*p - *w);
	return true;
}

/*
 * One line of /proc/modules, printed by kernel/module/procfs.c m_show()
 * (kernel/module.c before 5.13): "%s %u" name and size, " %i" references
 * (or " -"), the dependencies ("a,b," or " -"), the state (Live, Loading,
 * Unloading), " 0x%px" the text address (NULL unless kallsyms may show it),
 * then " (taints)" when tainted.
 */
static int take_module(struct memacct_vmallocinfo *vi, const char *line, const char *p,
		       const char *end, struct bad *b)
{
	struct memacct_vmalloc_module m = { .sz = sizeof(m), .record = -1 };
	const char *w, *name;
	size_t n, name_len;
	uint32_t off;
	int r;

	if (!next_word(&p, end, &name, &name_len))
		return fail(b, line, p, "expected a module name", -EBADMSG);
	if (name_len > 255)
		return fail(b, line, name, "module name too long", -EBADMSG);
	for (const char *c = name; c < name + name_len; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f)
			return fail(b, line, c, "control byte in module name", -EBADMSG);
	b->key = name;
	b->key_len = name_len;
	if (!next_word(&p, end, &w, &n))
		return fail(b, line, p, "expected the module size", -EBADMSG);
	r = field_u64(line, w, w + n, false, &m.lsmod_size, b);
	if (r < 0)
		return r;
	for (int k = 0; k < 3; k++)
		if (!next_word(&p, end, &w, &n))
			return fail(b, line, p, "expected references, dependencies and state",
				    -EBADMSG);
	if (!next_word(&p, end, &w, &n))
		return fail(b, line, p, "expected the module address", -EBADMSG);
	{
		const char *q = w;

		r = scan_addr(&q, w + n, &m.address);
		if (r == 0 && q != w + n)
			r = -EBADMSG;
		if (r < 0)
			return fail(b, line, q, r == -EOVERFLOW ? "address does not fit in 64 bits" :
				    "expected \"0xADDRESS\"", r);
	}

	if (m.address && vi->nonzero_addr && !vi->hashed)
		for (size_t i = 0; i < vi->n; i++)
			if (vi->r[i].start == m.address && vi->r[i].sym_off != NO_TEXT) {
				m.record = (int64_t)i;
				m.area_size = vi->r[i].size;
				if (vi->r[i].flags & R_PAGES &&
				    __builtin_mul_overflow(vi->r[i].pages, vi->page_size, &m.area_bytes))
					return fail(b, line, w, "area bytes do not fit in 64 bits",
						    -EOVERFLOW);
				break;
			}

	r = grow((void **)&vi->mods, &vi->mods_cap, vi->nmods, 1, sizeof(*vi->mods), 32);
	if (r == 0)
		r = text_append(&vi->mod_names, &vi->mod_names_len, &vi->mod_names_cap, name,
				name_len, 1024, &off);
	if (r < 0)
		return fail(b, line, line, "out of memory", r);
	m.name = (const char *)(uintptr_t)off;	/* an offset until the names stop moving */
	vi->mods[vi->nmods++] = m;
	return 0;
}

int memacct_vmallocinfo_match_modules(struct memacct_vmallocinfo *vi, const char *modules_buf,
				      size_t len, const struct memacct_vmalloc_module **ret,
				      size_t *ret_n, struct memacct_diag *diag)
{
	struct scanner s;
	const char *line;
	size_t n;
	int matched = 0;

	assert_return(vi && ret && ret_n, -EINVAL);
	assert_return(modules_buf || len == 0, -EINVAL);
	if (!vi->page_size)
		return -ENOENT;
	vi->nmods = 0;
	vi->mod_names_len = 0;
	scanner_init(&s, modules_buf, len);
	while (scan_next_line(&s, &line, &n)) {
		const char *p = line, *end = line + n;
		struct bad b = { 0 };
		int r;

		scan_blanks(&p, end);
		if (p == end)
			continue;
		if (memchr(line, '\0', n))
			r = fail(&b, line, memchr(line, '\0', n), "NUL byte in line", -EBADMSG);
		else
			r = take_module(vi, line, p, end, &b);
		if (r < 0) {
			diag_set(diag, r, s.lineno, b.col, b.key, b.key_len, b.msg);
			vi->nmods = 0;
			vi->mod_names_len = 0;
			return r;
		}
	}
	for (size_t i = 0; i < vi->nmods; i++) {
		vi->mods[i].name = vi->mod_names + (uintptr_t)vi->mods[i].name;
		if (vi->mods[i].record >= 0 && matched < INT32_MAX)
			matched++;
	}
	*ret = vi->mods;
	*ret_n = vi->nmods;
	return matched;
}
