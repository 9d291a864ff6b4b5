/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "census-internal.h"
#include "pmscan.h"
#include "table.h"

/*
 * The physical page census (the job of the kernel's tools/mm/page-types):
 * kpageflags and kpagecount read in one pass, 1 MiB of each per read. A
 * page adds one to the count of its key, the pair (flags, kpagecount), in a
 * small open-addressing table; runs of equal keys are long (free memory,
 * the page cache), so the loop only compares each page with the previous
 * one and touches the table when the key changes. Per flag bytes and every
 * combination come from the table at the end: nothing loops over the 64
 * bits of each page. kpagecgroup is counted the same way, by inode.
 *
 * With more than one thread the PFNs are cut into chunks of CHUNK PFNs
 * (aligned on CHUNK), which the threads claim in ascending order from one
 * atomic index. Each thread counts into its own tables; what a chunk's
 * count depends on from before it (the previous page's flags for
 * BUDDY_HEADS, the THP folio being walked) is left to the merge, which
 * walks the chunks in PFN order: the result is exactly the single thread's.
 */

#define CHUNK ((size_t)128 * 1024)	/* entries per read: 1 MiB */
#define PM_CHUNK ((size_t)64 * 1024)	/* pagemap entries per read */
/* Gaps between a process's PFNs up to this are read through, not skipped. */
#define READ_GAP 64
#define NKEYS 27
#define TAB_MIN 1024
#define RADIX_BITS 11
#define STACK_SIZE ((size_t)256 * 1024)	/* of a reading thread */

#define BIT(b) (UINT64_C(1) << (b))
#define F_DIRTY BIT(MEMACCT_KPF_DIRTY)
#define F_LRU BIT(MEMACCT_KPF_LRU)
#define F_ACTIVE BIT(MEMACCT_KPF_ACTIVE)
#define F_SLAB BIT(MEMACCT_KPF_SLAB)
#define F_BUDDY BIT(MEMACCT_KPF_BUDDY)
#define F_MMAP BIT(MEMACCT_KPF_MMAP)
#define F_ANON BIT(MEMACCT_KPF_ANON)
#define F_SWAPBACKED BIT(MEMACCT_KPF_SWAPBACKED)
#define F_NOPAGE BIT(MEMACCT_KPF_NOPAGE)
#define F_HEAD BIT(MEMACCT_KPF_COMPOUND_HEAD)
#define F_TAIL BIT(MEMACCT_KPF_COMPOUND_TAIL)
#define F_THP BIT(MEMACCT_KPF_THP)
#define F_OFFLINE BIT(MEMACCT_KPF_OFFLINE)

struct entry {
	uint64_t flags;
	uint64_t count;		/* the kpagecount value; 0 when not read */
	uint64_t pages;		/* 0: the slot is free */
};

struct pair {
	uint64_t key;
	uint64_t pages;
};

/* An open-addressing table of struct pair by key, for memcg inodes. */
struct ptab {
	struct pair *slot;
	uint8_t *used;
	size_t cap, n;
};

/* What one reader counts: pages by key, and by memcg inode. */
struct counts {
	struct entry *tab;
	size_t tab_cap, tab_n;
	struct ptab cg;
};

/* The run being counted: the key of the previous page and how many share it. */
struct acc {
	uint64_t flags, count, run;
	uint64_t heads;		/* BUDDY pages whose PFN - 1 is not BUDDY */
	uint64_t ino, ino_run;	/* kpagecgroup */
	/* The THP folio being walked (whole machine only), to size it. */
	bool in_folio;
	uint64_t folio_start;
	uint64_t small_thp;	/* pages of THP folios smaller than a PMD */
	uint64_t pmd_pages;
	/*
	 * A chunk of a threaded read starts with the folio state unknown:
	 * the first folio_end() is then left to the merge (at reset_pfn).
	 */
	bool unknown, has_reset;
	uint64_t reset_pfn;
};

/* What the merge needs of one chunk a thread counted. */
struct span {
	uint64_t chunk;
	uint64_t first, end;	/* the first PFN held, one past the last read */
	uint64_t first_flags, first_count, last_flags, last_count;
	bool eof;		/* the file ended in it (at end) */
	bool has_reset;		/* a folio_end() at reset_pfn; then the state below */
	uint64_t reset_pfn;
	bool in_folio;
	uint64_t folio_start;
};

struct par;

/* One reading thread of memacct_census_read(), kept with its buffers. */
struct worker {
	struct par *par;
	struct counts *k;	/* &own, or the census's own for the calling thread */
	struct counts own;
	uint64_t *fbuf, *cbuf, *gbuf;	/* CHUNK entries each */
	struct acc a;
	struct span *spans;
	size_t n_spans, spans_cap, cur;
	int err;		/* the first error, in chunk err_chunk */
	uint64_t err_chunk;
	struct memacct_diag diag;
	pthread_t thread;
};

struct memacct_census {
	int pid;		/* -1: empty; 0: the machine */
	bool has_counts;
	bool has_cgroups;
	uint64_t page_size;
	uint64_t duration_us;
	uint64_t keys[NKEYS + 1];	/* pages */
	uint64_t small_thp;		/* pages */
	uint64_t bits[64];		/* pages */
	unsigned int threads;		/* 0: the online CPUs */

	struct counts k;
	struct pair *cg_sorted;
	size_t cg_sorted_cap, n_cg;
	struct pair *hist;
	size_t hist_cap, n_hist;

	uint64_t *fbuf, *cbuf, *gbuf;	/* CHUNK entries each */
	size_t nbufs;			/* of these and the workers' */
	struct worker *w;		/* w[0] is the calling thread */
	size_t nw, threads_used;

	/* memacct_census_read_pid */
	struct memacct_vmas *vmas;
	uint64_t *pfns, *pfns_tmp;
	size_t pfn_cap, npfn;
	size_t radix[1u << RADIX_BITS];
	struct pmscan scan;
};

static const char *const key_names[NKEYS + 1] = {
	[MEMACCT_CENSUS_TOTAL] = "total",
	[MEMACCT_CENSUS_ANON] = "anon",
	[MEMACCT_CENSUS_FILE] = "file",
	[MEMACCT_CENSUS_SHMEM] = "shmem",
	[MEMACCT_CENSUS_SLAB] = "slab",
	[MEMACCT_CENSUS_BUDDY] = "buddy",
	[MEMACCT_CENSUS_PGTABLE] = "pgtable",
	[MEMACCT_CENSUS_HUGETLB] = "hugetlb",
	[MEMACCT_CENSUS_THP] = "thp",
	[MEMACCT_CENSUS_UNEVICTABLE] = "unevictable",
	[MEMACCT_CENSUS_MLOCKED] = "mlocked",
	[MEMACCT_CENSUS_DIRTY] = "dirty",
	[MEMACCT_CENSUS_WRITEBACK] = "writeback",
	[MEMACCT_CENSUS_SWAPCACHE] = "swapcache",
	[MEMACCT_CENSUS_KSM] = "ksm",
	[MEMACCT_CENSUS_ZERO_PAGE] = "zero_page",
	[MEMACCT_CENSUS_IDLE] = "idle",
	[MEMACCT_CENSUS_OFFLINE] = "offline",
	[MEMACCT_CENSUS_LRU] = "lru",
	[MEMACCT_CENSUS_LRU_ACTIVE] = "lru_active",
	[MEMACCT_CENSUS_MAPPED_FILE] = "mapped_file",
	[MEMACCT_CENSUS_MAPPED_ANON] = "mapped_anon",
	[MEMACCT_CENSUS_MMAP] = "mmap",
	[MEMACCT_CENSUS_DIRTY_FILE] = "dirty_file",
	[MEMACCT_CENSUS_NO_FLAGS] = "no_flags",
	[MEMACCT_CENSUS_MAPPED] = "mapped",
	[MEMACCT_CENSUS_BUDDY_HEADS] = "buddy_heads",
};

/* --- tables ------------------------------------------------------------ */

static inline size_t hash2(uint64_t a, uint64_t b, size_t mask)
{
	uint64_t h = (a ^ (b * UINT64_C(0xff51afd7ed558ccd))) * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 32) & mask;
}

static int tab_grow(struct counts *c)
{
	size_t cap = c->tab_cap ? c->tab_cap * 2 : TAB_MIN;
	struct entry *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < c->tab_cap; i++) {
		const struct entry *e = &c->tab[i];
		size_t h;

		if (!e->pages)
			continue;
		h = hash2(e->flags, e->count, cap - 1);
		while (t[h].pages)
			h = (h + 1) & (cap - 1);
		t[h] = *e;
	}
	free(c->tab);
	c->tab = t;
	c->tab_cap = cap;
	return 0;
}

static int tab_add(struct counts *c, uint64_t flags, uint64_t count, uint64_t pages)
{
	size_t h = hash2(flags, count, c->tab_cap - 1);

	for (;;) {
		struct entry *e = &c->tab[h];

		if (!e->pages)
			break;
		if (e->flags == flags && e->count == count) {
			e->pages += pages;
			return 0;
		}
		h = (h + 1) & (c->tab_cap - 1);
	}
	/* A new key: keep the load at most one half. */
	if ((c->tab_n + 1) * 2 > c->tab_cap) {
		int r = tab_grow(c);

		if (r < 0)
			return r;
		return tab_add(c, flags, count, pages);
	}
	c->tab[h] = (struct entry){ .flags = flags, .count = count, .pages = pages };
	c->tab_n++;
	return 0;
}

static int ptab_grow(struct ptab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct pair *s = calloc(cap, sizeof(*s));
	uint8_t *u = calloc(cap, 1);

	if (!s || !u) {
		free(s);
		free(u);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		size_t h;

		if (!t->used[i])
			continue;
		h = hash2(t->slot[i].key, 0, cap - 1);
		while (u[h])
			h = (h + 1) & (cap - 1);
		s[h] = t->slot[i];
		u[h] = 1;
	}
	free(t->slot);
	free(t->used);
	t->slot = s;
	t->used = u;
	t->cap = cap;
	return 0;
}

static int ptab_add(struct ptab *t, uint64_t key, uint64_t pages)
{
	size_t h;

	if (!t->cap || (t->n + 1) * 2 > t->cap) {
		int r = ptab_grow(t);

		if (r < 0)
			return r;
	}
	h = hash2(key, 0, t->cap - 1);
	while (t->used[h] && t->slot[h].key != key)
		h = (h + 1) & (t->cap - 1);
	if (!t->used[h]) {
		t->used[h] = 1;
		t->slot[h] = (struct pair){ .key = key };
		t->n++;
	}
	t->slot[h].pages += pages;
	return 0;
}

static void ptab_clear(struct ptab *t)
{
	if (t->cap)
		memset(t->used, 0, t->cap);
	t->n = 0;
}

/* Heapsort @a by key: in place, no allocation. */
static void pairs_sort(struct pair *a, size_t n)
{
	size_t start = n / 2, end = n;

	while (end > 1) {
		size_t root, child;
		struct pair tmp;

		if (start > 0) {
			start--;
		} else {
			end--;
			tmp = a[0];
			a[0] = a[end];
			a[end] = tmp;
		}
		root = start;
		while ((child = 2 * root + 1) < end) {
			if (child + 1 < end && a[child].key < a[child + 1].key)
				child++;
			if (a[root].key >= a[child].key)
				break;
			tmp = a[root];
			a[root] = a[child];
			a[child] = tmp;
			root = child;
		}
	}
}

static int pairs_reserve(struct pair **a, size_t *cap, size_t n)
{
	struct pair *p;

	if (n <= *cap)
		return 0;
	p = realloc(*a, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*a = p;
	*cap = n;
	return 0;
}

static void counts_free(struct counts *k)
{
	free(k->tab);
	free(k->cg.slot);
	free(k->cg.used);
}

static void counts_clear(struct counts *k)
{
	memset(k->tab, 0, k->tab_cap * sizeof(*k->tab));
	k->tab_n = 0;
	ptab_clear(&k->cg);
}

/* --- the handle ------------------------------------------------------------ */

int memacct_census_new(struct memacct_census **ret)
{
	struct memacct_census *c;

	assert_return(ret, -EINVAL);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->pid = -1;
	if (tab_grow(&c->k) < 0) {
		free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

struct memacct_census *memacct_census_free(struct memacct_census *c)
{
	if (!c)
		return NULL;
	counts_free(&c->k);
	for (size_t i = 1; i < c->nw; i++) {
		counts_free(&c->w[i].own);
		free(c->w[i].fbuf);
		free(c->w[i].cbuf);
		free(c->w[i].gbuf);
	}
	for (size_t i = 0; i < c->nw; i++)
		free(c->w[i].spans);
	free(c->w);
	free(c->cg_sorted);
	free(c->hist);
	free(c->fbuf);
	free(c->cbuf);
	free(c->gbuf);
	memacct_vmas_free(c->vmas);
	free(c->pfns);
	free(c->pfns_tmp);
	free(c);
	return NULL;
}

/*
 * The three read buffers, written through once when first allocated: a
 * reader's buffer pages are anonymous memory, and pages first touched in
 * the middle of a scan would be counted by it but missing from a meminfo
 * read just before (measured: AnonPages rises by exactly the buffers' size
 * during a first scan).
 */
static int bufs_alloc(uint64_t **fbuf, uint64_t **cbuf, uint64_t **gbuf, uint32_t flags,
		      size_t *nbufs)
{
	uint64_t **b[3] = { fbuf, cbuf, gbuf };
	size_t nb = flags & MEMACCT_CENSUS_CGROUPS ? 3 : 2;

	for (size_t i = 0; i < nb; i++) {
		if (*b[i])
			continue;
		*b[i] = malloc(CHUNK * sizeof(uint64_t));
		if (!*b[i])
			return -ENOMEM;
		memset(*b[i], 0, CHUNK * sizeof(uint64_t));
		(*nbufs)++;
	}
	return 0;
}

static void reset(struct memacct_census *c)
{
	c->pid = -1;
	c->has_counts = c->has_cgroups = false;
	memset(c->keys, 0, sizeof(c->keys));
	memset(c->bits, 0, sizeof(c->bits));
	counts_clear(&c->k);
	c->n_cg = 0;
	c->n_hist = 0;
	c->small_thp = 0;
	c->duration_us = 0;
	c->threads_used = 1;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* --- opening the files ------------------------------------------------------ */

struct files {
	struct table f, c, g;
	bool has_c, has_g;
};

static void files_close(struct files *fs)
{
	table_close(&fs->f);
	if (fs->has_c)
		table_close(&fs->c);
	if (fs->has_g)
		table_close(&fs->g);
}

static int open_one(struct memacct_source *src, const char *name, struct table *t,
		    struct memacct_diag *diag)
{
	int r = table_open(src, name, t, diag);

	if ((r == -EACCES || r == -EPERM) && source_is_live(src)) {
		/* fs/proc/page.c: proc_create(name, S_IRUSR, ...), owned by root */
		r = -EPERM;
		diag_set(diag, r, 0, 0, name, strlen(name),
			 "the kpage* files are readable by root only (mode 0400): the census needs "
			 "root, and PFNs in pagemap need CAP_SYS_ADMIN");
	} else if (r == -ENOENT) {
		diag_set(diag, r, 0, 0, name, strlen(name),
			 source_is_live(src) ? "the kernel has no such file"
					     : "the capture has no such file");
	}
	return r;
}

static int files_open(struct memacct_source *src, uint32_t flags, struct files *fs,
		      struct memacct_diag *diag)
{
	int r;

	fs->has_c = fs->has_g = false;
	r = open_one(src, "kpageflags", &fs->f, diag);
	if (r < 0)
		return r;
	if (!(flags & MEMACCT_CENSUS_NO_COUNT)) {
		r = open_one(src, "kpagecount", &fs->c, diag);
		if (r < 0)
			goto fail;
		fs->has_c = true;
	}
	if (flags & MEMACCT_CENSUS_CGROUPS) {
		r = open_one(src, "kpagecgroup", &fs->g, diag);
		if (r < 0)
			goto fail;
		fs->has_g = true;
	}
	return 0;
fail:
	files_close(fs);
	return r;
}

static int start(struct memacct_census *c, struct memacct_source *src, uint32_t flags,
		 struct memacct_diag *diag)
{
	assert_return(c && src, -EINVAL);
	assert_return(!(flags & ~(uint32_t)(MEMACCT_CENSUS_CGROUPS | MEMACCT_CENSUS_NO_COUNT)),
		      -EINVAL);
	reset(c);
	if (memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &c->page_size) < 0) {
		diag_set(diag, -ENOENT, 0, 0, "page_size", 9,
			 "the capture does not say its page size (MANIFEST page_size)");
		return -ENOENT;
	}
	return bufs_alloc(&c->fbuf, &c->cbuf, &c->gbuf, flags, &c->nbufs);
}

/* The companion file @name holds fewer entries from @pfn than kpageflags. */
static int short_companion(const char *name, uint64_t pfn, struct memacct_diag *diag)
{
	diag_set(diag, -EBADMSG, 0, 0, name, strlen(name),
		 "the capture's kpagecount or kpagecgroup does not hold a PFN its kpageflags "
		 "holds");
	(void)pfn;
	return -EBADMSG;
}

/*
 * Read @n entries of the companion file @t at @pfn into @buf, shortening
 * *@n to what it holds; none at all is a broken capture.
 */
static int read_companion(struct table *t, const char *name, uint64_t pfn, uint64_t *buf,
			  size_t *n, struct memacct_diag *diag)
{
	size_t got = 0;
	int r = table_read(t, pfn, *n, buf, &got);

	if (r == -ENODATA || (r == 0 && got == 0))
		return short_companion(name, pfn, diag);
	if (r < 0)
		return r;
	if (got < *n)
		*n = got;
	return 0;
}

/* --- counting ---------------------------------------------------------------- */

static int acc_flush(struct counts *c, struct acc *a)
{
	int r = 0;

	if (a->run)
		r = tab_add(c, a->flags, a->count, a->run);
	a->run = 0;
	return r;
}

static int acc_flush_cg(struct counts *c, struct acc *a)
{
	int r = 0;

	if (a->ino_run)
		r = ptab_add(&c->cg, a->ino, a->ino_run);
	a->ino_run = 0;
	return r;
}

/*
 * A THP folio ends at @pfn: count its pages when it is smaller than a PMD
 * (a PMD maps page_size / 8 pages: 8-byte page table entries).
 */
static void folio_end(struct acc *a, uint64_t pfn)
{
	if (unlikely(a->unknown)) {
		a->unknown = false;
		a->has_reset = true;
		a->reset_pfn = pfn;
		return;
	}
	if (a->in_folio && pfn - a->folio_start < a->pmd_pages)
		a->small_thp += pfn - a->folio_start;
	a->in_folio = false;
}

/* The THP folio bookkeeping of a page with flags @f at @pfn that starts a new key. */
static void folio_step(struct acc *a, uint64_t f, uint64_t pfn)
{
	if ((f & (F_THP | F_TAIL)) == (F_THP | F_TAIL))
		return;
	folio_end(a, pfn);
	if ((f & (F_THP | F_HEAD)) == (F_THP | F_HEAD)) {
		a->in_folio = true;
		a->folio_start = pfn;
	}
}

/*
 * Start over at a PFN that does not follow the last one read (@pfn: one
 * past it): the next page has no known predecessor.
 */
static int acc_break(struct counts *c, struct acc *a, uint64_t pfn)
{
	int r = acc_flush(c, a);

	folio_end(a, pfn);

	if (r == 0)
		r = acc_flush_cg(c, a);
	a->flags = a->count = 0;
	a->ino = 0;
	return r;
}

/*
 * The hot loop: one compare per page while the key repeats. @cnt NULL: no
 * kpagecount (every count reads 0 and is not used).
 */
static inline int count_pages(struct counts *c, struct acc *a, uint64_t pfn,
			      const uint64_t *fl, const uint64_t *cnt, size_t n)
{
	uint64_t f = a->flags, k = a->count, run = a->run, heads = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		uint64_t nf = fl[i], nk = cnt ? cnt[i] : 0;

		if (likely(nf == f && nk == k)) {
			run++;
			continue;
		}
		if (run) {
			r = tab_add(c, f, k, run);
			if (r < 0)
				return r;
		}
		heads += (nf & F_BUDDY) && !(f & F_BUDDY);
		if ((nf | f) & F_THP)
			folio_step(a, nf, pfn + i);
		f = nf;
		k = nk;
		run = 1;
	}
	a->flags = f;
	a->count = k;
	a->run = run;
	a->heads += heads;
	return 0;
}

static int count_cgroups(struct counts *c, struct acc *a, const uint64_t *g, size_t n)
{
	uint64_t ino = a->ino, run = a->ino_run;
	int r;

	for (size_t i = 0; i < n; i++) {
		if (likely(g[i] == ino)) {
			run++;
			continue;
		}
		if (run) {
			r = ptab_add(&c->cg, ino, run);
			if (r < 0)
				return r;
		}
		ino = g[i];
		run = 1;
	}
	a->ino = ino;
	a->ino_run = run;
	return 0;
}

/* --- the results ---------------------------------------------------------------- */

/* Derive the per-flag and combination counts, the histogram and the memcg list. */
static int finish(struct memacct_census *c, struct acc *a, uint64_t end, int pid, uint64_t t0)
{
	uint64_t *k = c->keys;
	size_t n = 0;
	int r;

	r = acc_break(&c->k, a, end);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c->k.tab_cap; i++) {
		const struct entry *e = &c->k.tab[i];
		uint64_t f = e->flags, p = e->pages, rest = f;
		bool mapped = e->count > 0;

		if (!p)
			continue;
		while (rest) {
			c->bits[__builtin_ctzll(rest)] += p;
			rest &= rest - 1;
		}
		k[MEMACCT_CENSUS_TOTAL] += p;
		/*
		 * A slab page's mapping word holds slab data, and fs/proc/page.c
		 * stable_page_flags() derives ANON and KSM from it all the same:
		 * a SLAB page is never an anonymous one.
		 */
		if ((f & (F_ANON | F_SLAB)) == F_ANON)
			k[MEMACCT_CENSUS_ANON] += p;
		if ((f & (F_LRU | F_MMAP)) && !(f & (F_ANON | F_SWAPBACKED)))
			k[MEMACCT_CENSUS_FILE] += p;
		if ((f & (F_SWAPBACKED | F_ANON)) == F_SWAPBACKED)
			k[MEMACCT_CENSUS_SHMEM] += p;
		if (f & F_SLAB)
			k[MEMACCT_CENSUS_SLAB] += p;
		if (f & F_BUDDY)
			k[MEMACCT_CENSUS_BUDDY] += p;
		if (f & BIT(MEMACCT_KPF_PGTABLE))
			k[MEMACCT_CENSUS_PGTABLE] += p;
		if (f & BIT(MEMACCT_KPF_HUGE))
			k[MEMACCT_CENSUS_HUGETLB] += p;
		if (f & BIT(MEMACCT_KPF_THP))
			k[MEMACCT_CENSUS_THP] += p;
		if (f & BIT(MEMACCT_KPF_UNEVICTABLE))
			k[MEMACCT_CENSUS_UNEVICTABLE] += p;
		if (f & BIT(MEMACCT_KPF_MLOCKED))
			k[MEMACCT_CENSUS_MLOCKED] += p;
		if (f & F_DIRTY)
			k[MEMACCT_CENSUS_DIRTY] += p;
		if (f & BIT(MEMACCT_KPF_WRITEBACK))
			k[MEMACCT_CENSUS_WRITEBACK] += p;
		if (f & BIT(MEMACCT_KPF_SWAPCACHE))
			k[MEMACCT_CENSUS_SWAPCACHE] += p;
		if ((f & (BIT(MEMACCT_KPF_KSM) | F_SLAB)) == BIT(MEMACCT_KPF_KSM))
			k[MEMACCT_CENSUS_KSM] += p;
		if (f & BIT(MEMACCT_KPF_ZERO_PAGE))
			k[MEMACCT_CENSUS_ZERO_PAGE] += p;
		if (f & BIT(MEMACCT_KPF_IDLE))
			k[MEMACCT_CENSUS_IDLE] += p;
		if (f & (F_OFFLINE | F_NOPAGE))
			k[MEMACCT_CENSUS_OFFLINE] += p;
		if (f & F_LRU)
			k[MEMACCT_CENSUS_LRU] += p;
		if ((f & (F_LRU | F_ACTIVE)) == (F_LRU | F_ACTIVE))
			k[MEMACCT_CENSUS_LRU_ACTIVE] += p;
		if (mapped && !(f & F_ANON))
			k[MEMACCT_CENSUS_MAPPED_FILE] += p;
		if (mapped && (f & F_ANON))
			k[MEMACCT_CENSUS_MAPPED_ANON] += p;
		if (f & F_MMAP)
			k[MEMACCT_CENSUS_MMAP] += p;
		if ((f & (F_DIRTY | F_SWAPBACKED)) == F_DIRTY)
			k[MEMACCT_CENSUS_DIRTY_FILE] += p;
		if (!f)
			k[MEMACCT_CENSUS_NO_FLAGS] += p;
		if (mapped)
			k[MEMACCT_CENSUS_MAPPED] += p;
		n++;
	}
	k[MEMACCT_CENSUS_BUDDY_HEADS] = a->heads;
	c->small_thp = a->small_thp;

	/*
	 * The mapcount histogram: distinct counts are few, keys may be many.
	 * Room for a full table, so that a next read with more keys fits.
	 */
	if (c->has_counts) {
		r = pairs_reserve(&c->hist, &c->hist_cap, c->k.tab_cap / 2);
		if (r < 0)
			return r;
		n = 0;
		for (size_t i = 0; i < c->k.tab_cap; i++)
			if (c->k.tab[i].pages)
				c->hist[n++] = (struct pair){ c->k.tab[i].count, c->k.tab[i].pages };
		pairs_sort(c->hist, n);
		c->n_hist = 0;
		for (size_t i = 0; i < n; i++) {
			if (c->n_hist && c->hist[c->n_hist - 1].key == c->hist[i].key)
				c->hist[c->n_hist - 1].pages += c->hist[i].pages;
			else
				c->hist[c->n_hist++] = c->hist[i];
		}
	}
	if (c->has_cgroups) {
		r = pairs_reserve(&c->cg_sorted, &c->cg_sorted_cap, c->k.cg.cap / 2);
		if (r < 0)
			return r;
		c->n_cg = 0;
		for (size_t i = 0; i < c->k.cg.cap; i++)
			if (c->k.cg.used[i])
				c->cg_sorted[c->n_cg++] = c->k.cg.slot[i];
		pairs_sort(c->cg_sorted, c->n_cg);
	}
	c->duration_us = now_us() - t0;
	c->pid = pid;
	return 0;
}

/* --- the whole machine ---------------------------------------------------------- */

static int scan(struct memacct_census *c, struct files *fs, struct acc *a, uint64_t *ret_end,
		struct memacct_diag *diag)
{
	uint64_t pfn = 0, next;
	int r;

	for (;;) {
		size_t n;

		*ret_end = pfn;
		r = table_next(&fs->f, pfn, &next);
		if (r == -ENODATA)
			return 0;
		if (r < 0)
			return r;
		if (next != pfn) {
			r = acc_break(&c->k, a, pfn);
			if (r < 0)
				return r;
			pfn = next;
		}
		r = table_read(&fs->f, pfn, CHUNK, c->fbuf, &n);
		if (r < 0)
			return r;
		if (n == 0)
			return 0;
		if (fs->has_c) {
			r = read_companion(&fs->c, "kpagecount", pfn, c->cbuf, &n, diag);
			if (r < 0)
				return r;
		}
		if (fs->has_g) {
			r = read_companion(&fs->g, "kpagecgroup", pfn, c->gbuf, &n, diag);
			if (r < 0)
				return r;
			r = count_cgroups(&c->k, a, c->gbuf, n);
			if (r < 0)
				return r;
		}
		if (fs->has_c)
			r = count_pages(&c->k, a, pfn, c->fbuf, c->cbuf, n);
		else
			r = count_pages(&c->k, a, pfn, c->fbuf, NULL, n);
		if (r < 0)
			return r;
		pfn += n;
	}
}

/* --- the whole machine, in threads ------------------------------------------------ */

/* What the threads of one read share. */
struct par {
	struct files *fs;
	atomic_uint_fast64_t next;	/* the lowest chunk not yet claimed */
	atomic_bool stop;		/* the end of the file, or an error: claim no more */
};

/* The highest chunk claimed: its last PFN + 1 still fits. */
#define MAX_CHUNK (UINT64_MAX / CHUNK - 1)

/* Claim the next chunk holding PFNs, skipping those a sparse capture lacks. */
static bool claim(struct par *p, uint64_t *ret)
{
	uint_fast64_t cur = atomic_load_explicit(&p->next, memory_order_relaxed);
	uint64_t next;

	for (;;) {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed) || cur > MAX_CHUNK)
			return false;
		if (table_next(&p->fs->f, cur * CHUNK, &next) < 0 || next / CHUNK > MAX_CHUNK)
			return false;
		if (atomic_compare_exchange_weak_explicit(&p->next, &cur, next / CHUNK + 1,
							  memory_order_relaxed,
							  memory_order_relaxed)) {
			*ret = next / CHUNK;
			return true;
		}
	}
}

static int span_push(struct worker *w, const struct span *s)
{
	if (w->n_spans == w->spans_cap) {
		size_t cap = w->spans_cap ? w->spans_cap * 2 : 64;
		struct span *p = realloc(w->spans, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		w->spans = p;
		w->spans_cap = cap;
	}
	w->spans[w->n_spans++] = *s;
	return 0;
}

/*
 * Count chunk @ch as scan() counts its part of the file, but for its first
 * page, which is left to the merge with what precedes it, and the THP folio
 * state it starts with, unknown until its first folio_end().
 */
static int count_chunk(struct worker *w, uint64_t ch)
{
	struct files *fs = w->par->fs;
	struct acc *a = &w->a;
	struct span s = { .chunk = ch };
	uint64_t lo = ch * CHUNK, hi = lo + CHUNK, pfn = lo, next;
	bool first = true;
	int r;

	a->run = a->ino_run = 0;
	a->in_folio = a->has_reset = false;
	a->unknown = true;
	for (;;) {
		size_t n;

		r = table_next(&fs->f, pfn, &next);
		if (r == -ENODATA || (r == 0 && next >= hi))
			break;
		if (r < 0)
			return r;
		if (next != pfn && !first) {
			r = acc_break(w->k, a, pfn);
			if (r < 0)
				return r;
		}
		pfn = next;
		r = table_read(&fs->f, pfn, (size_t)(hi - pfn), w->fbuf, &n);
		if (r < 0)
			return r;
		if (n == 0) {
			s.eof = true;
			atomic_store_explicit(&w->par->stop, true, memory_order_relaxed);
			break;
		}
		if (fs->has_c) {
			r = read_companion(&fs->c, "kpagecount", pfn, w->cbuf, &n, &w->diag);
			if (r < 0)
				return r;
		}
		if (first) {
			/* The page before is another chunk's: seen as the same key. */
			s.first = pfn;
			s.first_flags = a->flags = w->fbuf[0];
			s.first_count = a->count = fs->has_c ? w->cbuf[0] : 0;
			first = false;
		}
		if (fs->has_g) {
			r = read_companion(&fs->g, "kpagecgroup", pfn, w->gbuf, &n, &w->diag);
			if (r == 0)
				r = count_cgroups(w->k, a, w->gbuf, n);
			if (r < 0)
				return r;
		}
		if (fs->has_c)
			r = count_pages(w->k, a, pfn, w->fbuf, w->cbuf, n);
		else
			r = count_pages(w->k, a, pfn, w->fbuf, NULL, n);
		if (r < 0)
			return r;
		pfn += n;
	}
	a->unknown = false;
	if (first)
		s.first = pfn;
	s.end = pfn;
	r = acc_flush(w->k, a);
	if (r == 0)
		r = acc_flush_cg(w->k, a);
	if (r < 0)
		return r;
	s.last_flags = a->flags;
	s.last_count = a->count;
	s.has_reset = a->has_reset;
	s.reset_pfn = a->reset_pfn;
	s.in_folio = a->in_folio;
	s.folio_start = a->folio_start;
	if (first && !s.eof)
		return 0;
	return span_push(w, &s);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t ch;
	int r;

	while (claim(w->par, &ch)) {
		r = count_chunk(w, ch);
		if (r < 0) {
			w->err = r;
			w->err_chunk = ch;
			atomic_store_explicit(&w->par->stop, true, memory_order_relaxed);
			break;
		}
	}
	return NULL;
}

/*
 * The threads worth starting: @want, but no more than the chunks holding
 * PFNs (probed one entry each, into @buf).
 */
static size_t threads_for(struct files *fs, size_t want, uint64_t *buf)
{
	uint64_t pfn = 0, next;
	size_t n = 0, got;

	while (n < want) {
		if (table_next(&fs->f, pfn, &next) < 0 || next / CHUNK > MAX_CHUNK)
			break;
		/* A live file has no end but where a read returns nothing. */
		if (table_read(&fs->f, next, 1, buf, &got) < 0 || got == 0)
			break;
		n++;
		pfn = (next / CHUNK + 1) * CHUNK;
	}
	return n ? n : 1;
}

static int workers_get(struct memacct_census *c, size_t n, uint32_t flags)
{
	int r;

	if (n > c->nw) {
		struct worker *w = realloc(c->w, n * sizeof(*w));

		if (!w)
			return -ENOMEM;
		memset(w + c->nw, 0, (n - c->nw) * sizeof(*w));
		c->w = w;
		c->nw = n;
	}
	c->w[0].k = &c->k;
	c->w[0].fbuf = c->fbuf;
	c->w[0].cbuf = c->cbuf;
	c->w[0].gbuf = c->gbuf;
	for (size_t i = 1; i < n; i++) {
		struct worker *w = &c->w[i];

		w->k = &w->own;
		if (!w->own.tab) {
			r = tab_grow(&w->own);
			if (r < 0)
				return r;
		}
		/* What a failed read left. */
		counts_clear(&w->own);
		r = bufs_alloc(&w->fbuf, &w->cbuf, &w->gbuf, flags, &c->nbufs);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The next span in PFN order over the first @nw workers (each's are), or NULL. */
static const struct span *span_next(struct memacct_census *c, size_t nw)
{
	const struct span *best = NULL;
	struct worker *bw = NULL;

	for (size_t i = 0; i < nw; i++) {
		struct worker *w = &c->w[i];

		if (w->cur < w->n_spans && (!best || w->spans[w->cur].chunk < best->chunk)) {
			best = &w->spans[w->cur];
			bw = w;
		}
	}
	if (bw)
		bw->cur++;
	return best;
}

/*
 * Add the workers' tables into the census's, and walk the chunks in PFN
 * order to count what each first page and folio owe to the chunk before.
 */
static int merge(struct memacct_census *c, size_t nw, struct acc *g, uint64_t *ret_end,
		 struct memacct_diag *diag)
{
	uint64_t eof = UINT64_MAX, end = 0, pf = 0, pk = 0;
	const struct worker *bad = NULL;
	const struct span *s;
	int r;

	for (size_t i = 0; i < nw; i++)
		for (size_t j = 0; j < c->w[i].n_spans; j++)
			if (c->w[i].spans[j].eof && c->w[i].spans[j].chunk < eof)
				eof = c->w[i].spans[j].chunk;
	/* What one thread would have met first: none past the end it saw. */
	for (size_t i = 0; i < nw; i++)
		if (c->w[i].err && c->w[i].err_chunk <= eof &&
		    (!bad || c->w[i].err_chunk < bad->err_chunk))
			bad = &c->w[i];
	if (bad) {
		const struct memacct_diag *d = &bad->diag;

		if (d->error)
			diag_set(diag, d->error, d->line, d->column, d->key, strlen(d->key),
				 d->message);
		return bad->err;
	}

	for (size_t i = 1; i < nw; i++) {
		const struct counts *k = &c->w[i].own;

		for (size_t j = 0; j < k->tab_cap; j++)
			if (k->tab[j].pages) {
				r = tab_add(&c->k, k->tab[j].flags, k->tab[j].count,
					    k->tab[j].pages);
				if (r < 0)
					return r;
			}
		for (size_t j = 0; j < k->cg.cap; j++)
			if (k->cg.used[j]) {
				r = ptab_add(&c->k.cg, k->cg.slot[j].key, k->cg.slot[j].pages);
				if (r < 0)
					return r;
			}
	}

	for (size_t i = 0; i < nw; i++) {
		g->heads += c->w[i].a.heads;
		g->small_thp += c->w[i].a.small_thp;
		c->w[i].cur = 0;
	}
	/* scan()'s walk, with each chunk's inside already counted. */
	while ((s = span_next(c, nw))) {
		if (s->first != s->end) {
			if (s->first != end) {
				/* acc_break() */
				folio_end(g, end);
				pf = pk = 0;
			}
			if (s->first_flags != pf || s->first_count != pk) {
				g->heads += (s->first_flags & F_BUDDY) && !(pf & F_BUDDY);
				if ((s->first_flags | pf) & F_THP)
					folio_step(g, s->first_flags, s->first);
			}
			if (s->has_reset) {
				folio_end(g, s->reset_pfn);
				g->in_folio = s->in_folio;
				g->folio_start = s->folio_start;
			}
			pf = s->last_flags;
			pk = s->last_count;
			end = s->end;
		}
		if (s->eof)
			break;
	}
	*ret_end = end;
	return 0;
}

static int scan_threads(struct memacct_census *c, struct files *fs, size_t nw, uint32_t flags,
			struct acc *a, uint64_t *ret_end, struct memacct_diag *diag)
{
	struct par p = { .fs = fs };
	sigset_t all, old;
	pthread_attr_t attr;
	bool attr_ok;
	size_t started = 1;
	int r;

	r = workers_get(c, nw, flags);
	if (r < 0)
		return r;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, false);
	for (size_t i = 0; i < nw; i++) {
		struct worker *w = &c->w[i];

		w->par = &p;
		w->a = (struct acc){ .pmd_pages = a->pmd_pages };
		w->n_spans = 0;
		w->err = 0;
		w->diag = (struct memacct_diag){ .sz = sizeof(w->diag) };
	}
	/* The threads take no signal of the process: the caller's thread does. */
	attr_ok = pthread_attr_init(&attr) == 0;
	if (attr_ok)
		pthread_attr_setstacksize(&attr, STACK_SIZE);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* A thread that cannot start leaves its chunks to the others. */
	while (started < nw &&
	       pthread_create(&c->w[started].thread, attr_ok ? &attr : NULL, work,
			      &c->w[started]) == 0)
		started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (attr_ok)
		pthread_attr_destroy(&attr);
	work(&c->w[0]);
	for (size_t i = 1; i < started; i++)
		pthread_join(c->w[i].thread, NULL);
	c->threads_used = started;
	return merge(c, started, a, ret_end, diag);
}

static size_t threads_want(const struct memacct_census *c)
{
	long n;

	if (c->threads)
		return c->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

int memacct_census_set_threads(struct memacct_census *c, unsigned int n)
{
	assert_return(c, -EINVAL);
	c->threads = n;
	return 0;
}

int memacct_census_read(struct memacct_census *c, struct memacct_source *src, uint32_t flags,
			struct memacct_diag *diag)
{
	struct acc a = { 0 };
	struct files fs;
	uint64_t t0 = now_us(), end = 0;
	size_t nw;
	int r;

	r = start(c, src, flags, diag);
	if (r < 0)
		return r;
	a.pmd_pages = c->page_size / 8;
	r = files_open(src, flags, &fs, diag);
	if (r < 0)
		return r;
	c->has_counts = fs.has_c;
	c->has_cgroups = fs.has_g;
	nw = threads_want(c);
	if (nw > 1)
		nw = threads_for(&fs, nw, c->fbuf);
	if (nw > 1)
		r = scan_threads(c, &fs, nw, flags, &a, &end, diag);
	else
		r = scan(c, &fs, &a, &end, diag);
	files_close(&fs);
	if (r == 0)
		r = finish(c, &a, end, 0, t0);
	if (r < 0)
		reset(c);
	return r;
}

/* --- one process ------------------------------------------------------------------- */

static int pfns_push(struct memacct_census *c, uint64_t pfn)
{
	if (c->npfn == c->pfn_cap) {
		size_t cap = c->pfn_cap ? c->pfn_cap * 2 : 64 * 1024;
		uint64_t *p = realloc(c->pfns, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->pfns = p;
		p = realloc(c->pfns_tmp, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		c->pfns_tmp = p;
		c->pfn_cap = cap;
	}
	c->pfns[c->npfn++] = pfn;
	return 0;
}

/* LSD radix sort of the PFNs, RADIX_BITS per pass, as many passes as the largest needs. */
static void pfns_sort(struct memacct_census *c)
{
	uint64_t *a = c->pfns, *b = c->pfns_tmp, max = 0, *t;
	const size_t buckets = (size_t)1 << RADIX_BITS;

	for (size_t i = 0; i < c->npfn; i++)
		if (a[i] > max)
			max = a[i];
	for (unsigned int shift = 0; shift < 64 && (max >> shift); shift += RADIX_BITS) {
		size_t sum = 0;

		memset(c->radix, 0, sizeof(c->radix));
		for (size_t i = 0; i < c->npfn; i++)
			c->radix[(a[i] >> shift) & (buckets - 1)]++;
		for (size_t i = 0; i < buckets; i++) {
			size_t v = c->radix[i];

			c->radix[i] = sum;
			sum += v;
		}
		for (size_t i = 0; i < c->npfn; i++)
			b[c->radix[(a[i] >> shift) & (buckets - 1)]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	c->pfns = a;
	c->pfns_tmp = b;
}

/* The kernel's gate VMAs lie above the task size: pagemap returns nothing there. */
static bool gate_vma(const struct memacct_vma *v)
{
	const char *name;

	return memacct_vma_get_path(v, &name) == 0 &&
	       (!strcmp(name, "[vsyscall]") || !strcmp(name, "[vectors]"));
}

static int gone(int pid, struct memacct_diag *diag)
{
	diag_set(diag, -ESRCH, 0, 0, NULL, 0, "the process exited during the census");
	(void)pid;
	return -ESRCH;
}

static int hidden_pfns(const char *path, struct memacct_diag *diag)
{
	diag_set(diag, -EPERM, 0, 0, path, strlen(path),
		 "pagemap shows PFNs only to a reader with CAP_SYS_ADMIN (root); these read as 0");
	return -EPERM;
}

/* Push the PFNs of the present entries of pages [vpn, vend) of VMA @v. */
static int collect_range(struct memacct_census *c, struct table *pm, const struct memacct_vma *v,
			 bool live, uint64_t vpn, uint64_t vend, const char *path, int pid,
			 struct memacct_diag *diag)
{
	int r = 0;

	while (vpn < vend) {
		size_t want = vend - vpn > PM_CHUNK ? PM_CHUNK : (size_t)(vend - vpn), n;
		uint64_t next;

		if (!live) {
			/* A capture holds what it holds: follow its runs. */
			r = table_next(pm, vpn, &next);
			if (r == -ENODATA || (r == 0 && next >= vend))
				return 0;
			if (r < 0)
				return r;
			vpn = next;
			want = vend - vpn > PM_CHUNK ? PM_CHUNK : (size_t)(vend - vpn);
		}
		r = table_read(pm, vpn, want, c->fbuf, &n);
		if (r < 0)
			return r;
		if (n == 0)
			return live && !gate_vma(v) ? gone(pid, diag) : 0;
		for (size_t j = 0; j < n; j++) {
			uint64_t e = c->fbuf[j];

			if (!(e & MEMACCT_PM_PRESENT))
				continue;
			/* PFN 0 is never a page a process maps: the kernel hid it. */
			if (!(e & MEMACCT_PM_PFN_MASK))
				return hidden_pfns(path, diag);
			r = pfns_push(c, e & MEMACCT_PM_PFN_MASK);
			if (r < 0)
				return r;
		}
		vpn += n;
	}
	return 0;
}

/*
 * Collect the PFNs of every present page of @pid's VMAs. A large live VMA
 * is read where PAGEMAP_SCAN finds pages (pmscan.h); the scan does not see
 * into VM_PFNMAP VMAs, which maps does not mark: device memory mapped in
 * one of 16 MiB or more is left out (it has no struct page to census).
 */
static int collect(struct memacct_census *c, struct memacct_source *src, int pid,
		   struct memacct_diag *diag)
{
	struct table pm;
	char path[32];
	bool live = source_is_live(src);
	int nv, r;

	r = memacct_maps_read(c->vmas, src, pid, diag);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%d/pagemap", pid);
	r = table_open(src, path, &pm, diag);
	if (r == -ENOENT && live)
		r = -ESRCH;
	if (r == -ENOENT || r == -ESRCH)
		diag_set(diag, r, 0, 0, path, strlen(path),
			 r == -ESRCH ? "no such process, or a kernel thread"
				     : "the capture has no pagemap");
	if (r < 0)
		return r;

	pmscan_reset(&c->scan);
	c->npfn = 0;
	nv = memacct_vmas_count(c->vmas);
	for (int i = 0; i < nv && r == 0; i++) {
		const struct memacct_vma *v = memacct_vmas_at(c->vmas, (size_t)i);
		uint64_t start, end, vpn, vend, rs, re;

		if (memacct_vma_get(v, MEMACCT_VMA_START, &start) < 0 ||
		    memacct_vma_get(v, MEMACCT_VMA_END, &end) < 0)
			continue;
		vpn = start / c->page_size;
		vend = (end + c->page_size - 1) / c->page_size;
		if (!live || vend - vpn < PMSCAN_MIN_PAGES) {
			r = collect_range(c, &pm, v, live, vpn, vend, path, pid, diag);
			continue;
		}
		while ((r = pmscan_next(&c->scan, pm.fd, vpn * c->page_size, vend * c->page_size,
					PMSCAN_GAP_PAGES * c->page_size, &rs, &re)) > 0) {
			r = collect_range(c, &pm, v, live, rs / c->page_size, re / c->page_size,
					  path, pid, diag);
			if (r < 0)
				break;
			vpn = re / c->page_size;
		}
		if (r == -ESRCH)
			r = gone(pid, diag);
	}
	table_close(&pm);
	return r;
}

/*
 * Count the collected PFNs (sorted, with repeats): read the kpage* files
 * over runs of nearby PFNs, and add each PFN as often as it is mapped.
 */
static int count_pfns(struct memacct_census *c, struct files *fs, struct acc *a,
		      struct memacct_diag *diag)
{
	uint64_t prev_pfn = UINT64_MAX, prev_flags = 0;
	bool prev_head = false;
	size_t i = 0;
	int r;

	while (i < c->npfn) {
		uint64_t lo = c->pfns[i], hi = lo;
		size_t j = i, n = 0;

		while (j + 1 < c->npfn && c->pfns[j + 1] - lo < CHUNK &&
		       c->pfns[j + 1] - hi <= READ_GAP)
			hi = c->pfns[++j];
		r = table_read(&fs->f, lo, (size_t)(hi - lo + 1), c->fbuf, &n);
		if (r == -ENODATA) {
			diag_set(diag, -EBADMSG, 0, 0, "kpageflags", 10,
				 "the capture's kpageflags does not hold a PFN the process maps");
			return -EBADMSG;
		}
		if (r < 0)
			return r;
		if (n && fs->has_c) {
			r = read_companion(&fs->c, "kpagecount", lo, c->cbuf, &n, diag);
			if (r < 0)
				return r;
		}
		if (n && fs->has_g) {
			r = read_companion(&fs->g, "kpagecgroup", lo, c->gbuf, &n, diag);
			if (r < 0)
				return r;
		}
		for (; i < c->npfn && (n == 0 ? c->pfns[i] <= hi : c->pfns[i] < lo + n); i++) {
			uint64_t pfn = c->pfns[i], f, k, g;
			bool head;

			if (n == 0) {
				/* Past the end of the files: no struct page (a PFN mapping). */
				f = F_NOPAGE;
				k = g = 0;
			} else {
				f = c->fbuf[pfn - lo];
				k = fs->has_c ? c->cbuf[pfn - lo] : 0;
				g = fs->has_g ? c->gbuf[pfn - lo] : 0;
			}
			if (pfn == prev_pfn)
				head = prev_head;
			else
				head = (f & F_BUDDY) &&
				       !(prev_pfn == pfn - 1 && (prev_flags & F_BUDDY));
			a->heads += head;
			prev_pfn = pfn;
			prev_flags = f;
			prev_head = head;
			if (f != a->flags || k != a->count) {
				r = acc_flush(&c->k, a);
				if (r < 0)
					return r;
				a->flags = f;
				a->count = k;
			}
			a->run++;
			if (fs->has_g) {
				if (g != a->ino) {
					r = acc_flush_cg(&c->k, a);
					if (r < 0)
						return r;
					a->ino = g;
				}
				a->ino_run++;
			}
		}
	}
	return 0;
}

int memacct_census_read_pid(struct memacct_census *c, struct memacct_source *src, int pid,
			    uint32_t flags, struct memacct_diag *diag)
{
	struct acc a = { 0 };
	struct files fs;
	uint64_t t0 = now_us();
	int r;

	assert_return(pid > 0, -EINVAL);
	r = start(c, src, flags, diag);
	if (r < 0)
		return r;
	if (!c->vmas) {
		r = memacct_vmas_new(&c->vmas);
		if (r < 0)
			return r;
	}
	r = files_open(src, flags, &fs, diag);
	if (r < 0)
		return r;
	c->has_counts = fs.has_c;
	c->has_cgroups = fs.has_g;
	r = collect(c, src, pid, diag);
	if (r == 0) {
		pfns_sort(c);
		r = count_pfns(c, &fs, &a, diag);
	}
	files_close(&fs);
	/* Folios are not sized here: a process maps parts of them. */
	if (r == 0)
		r = finish(c, &a, 0, pid, t0);
	if (r < 0)
		reset(c);
	return r;
}

/* --- getters ------------------------------------------------------------------------ */

static uint64_t bytes(const struct memacct_census *c, uint64_t pages)
{
	uint64_t b;

	return __builtin_mul_overflow(pages, c->page_size, &b) ? UINT64_MAX : b;
}

int memacct_census_get(const struct memacct_census *c, uint32_t key, uint64_t *ret)
{
	assert_return(c && ret, -EINVAL);
	if (key == 0 || key > NKEYS)
		return -EOPNOTSUPP;
	if (c->pid < 0)
		return -ENOENT;
	if (!c->has_counts && (key == MEMACCT_CENSUS_MAPPED_FILE ||
			       key == MEMACCT_CENSUS_MAPPED_ANON || key == MEMACCT_CENSUS_MAPPED))
		return -ENOENT;
	*ret = bytes(c, c->keys[key]);
	return 0;
}

int memacct_census_get_flag(const struct memacct_census *c, unsigned int bit, uint64_t *ret)
{
	assert_return(c && ret, -EINVAL);
	if (bit >= 64)
		return -EINVAL;
	if (c->pid < 0)
		return -ENOENT;
	*ret = bytes(c, c->bits[bit]);
	return 0;
}

int memacct_census_key_name(uint32_t key, const char **ret)
{
	assert_return(ret, -EINVAL);
	if (key == 0 || key > NKEYS)
		return -EOPNOTSUPP;
	*ret = key_names[key];
	return 0;
}

int memacct_census_key_count(void)
{
	return NKEYS;
}

int memacct_census_get_pid(const struct memacct_census *c)
{
	assert_return(c, -EINVAL);
	return c->pid < 0 ? -ENOENT : c->pid;
}

int memacct_census_mapcount_count(const struct memacct_census *c)
{
	assert_return(c, -EINVAL);
	return c->pid < 0 ? 0 : (int)c->n_hist;
}

int memacct_census_mapcount_at(const struct memacct_census *c, size_t i, uint64_t *ret_mapcount,
			       uint64_t *ret_bytes)
{
	assert_return(c && ret_mapcount && ret_bytes, -EINVAL);
	if (c->pid < 0 || i >= c->n_hist)
		return -ERANGE;
	*ret_mapcount = c->hist[i].key;
	*ret_bytes = bytes(c, c->hist[i].pages);
	return 0;
}

int memacct_census_cgroup_count(const struct memacct_census *c)
{
	assert_return(c, -EINVAL);
	return c->pid < 0 ? 0 : (int)c->n_cg;
}

int memacct_census_cgroup_at(const struct memacct_census *c, size_t i, uint64_t *ret_ino,
			     uint64_t *ret_bytes)
{
	assert_return(c && ret_ino && ret_bytes, -EINVAL);
	if (c->pid < 0 || i >= c->n_cg)
		return -ERANGE;
	*ret_ino = c->cg_sorted[i].key;
	*ret_bytes = bytes(c, c->cg_sorted[i].pages);
	return 0;
}

/* --- for the identities --------------------------------------------------------------- */

int census_sum(const struct memacct_census *c, uint64_t mask, uint64_t value, int mapped,
	       uint64_t *ret)
{
	uint64_t p = 0;

	if (c->pid < 0 || (mapped != CENSUS_ANY && !c->has_counts))
		return -ENOENT;
	for (size_t i = 0; i < c->k.tab_cap; i++) {
		const struct entry *e = &c->k.tab[i];

		if (!e->pages || (e->flags & mask) != value)
			continue;
		if ((mapped == CENSUS_MAPPED && !e->count) ||
		    (mapped == CENSUS_UNMAPPED && e->count))
			continue;
		p += e->pages;
	}
	*ret = bytes(c, p);
	return 0;
}

uint64_t census_own_bytes(const struct memacct_census *c)
{
	return (uint64_t)c->nbufs * CHUNK * sizeof(uint64_t);
}

uint64_t census_small_thp_bytes(const struct memacct_census *c)
{
	return bytes(c, c->small_thp);
}

uint64_t census_duration_us(const struct memacct_census *c)
{
	return c->duration_us;
}

size_t census_threads_used(const struct memacct_census *c)
{
	return c->threads_used;
}
