/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The identity engine. Each identity is checked where it holds, where it is
 * violated and where it is skipped, on small meminfo texts whose numbers the
 * expected values below are worked out from (kB * 1024), then over the
 * fixtures and the live /proc.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <unistd.h>

#include "test-util.h"
#include "memacct.h"

#define KB(x) ((uint64_t)(x) * 1024)

/* --- a meminfo text to edit ---------------------------------------------- */

struct text {
	int n;
	char name[64][32];
	char val[64][40];
};

/* Every "meminfo alone" identity holds here, and each by a known margin. */
static const char *const base_lines[][2] = {
	{ "MemTotal", "10000 kB" },	{ "MemFree", "4000 kB" },
	{ "MemAvailable", "6000 kB" },	{ "Buffers", "50 kB" },
	{ "Cached", "550 kB" },		{ "SwapCached", "0 kB" },
	{ "Active", "300 kB" },		{ "Inactive", "500 kB" },
	{ "Active(anon)", "100 kB" },	{ "Inactive(anon)", "200 kB" },
	{ "Active(file)", "200 kB" },	{ "Inactive(file)", "300 kB" },
	{ "Unevictable", "0 kB" },	{ "Mlocked", "0 kB" },
	{ "SwapTotal", "1000 kB" },	{ "SwapFree", "800 kB" },
	{ "Dirty", "0 kB" },		{ "AnonPages", "200 kB" },
	{ "Mapped", "100 kB" },		{ "Shmem", "100 kB" },
	{ "KReclaimable", "500 kB" },	{ "Slab", "700 kB" },
	{ "SReclaimable", "400 kB" },	{ "SUnreclaim", "300 kB" },
	{ "AnonHugePages", "0 kB" },	{ "ShmemHugePages", "0 kB" },
	{ "ShmemPmdMapped", "0 kB" },	{ "FileHugePages", "0 kB" },
	{ "FilePmdMapped", "0 kB" },	{ "HugePages_Total", "10" },
	{ "HugePages_Free", "6" },	{ "HugePages_Rsvd", "2" },
	{ "HugePages_Surp", "1" },	{ "Hugepagesize", "2048 kB" },
	{ "Hugetlb", "20480 kB" },	{ "DirectMap4k", "1000 kB" },
	{ "DirectMap2M", "9000 kB" },
};

static void t_base(struct text *t)
{
	t->n = 0;
	for (size_t i = 0; i < sizeof(base_lines) / sizeof(base_lines[0]); i++) {
		snprintf(t->name[t->n], sizeof(t->name[0]), "%s", base_lines[i][0]);
		snprintf(t->val[t->n], sizeof(t->val[0]), "%s", base_lines[i][1]);
		t->n++;
	}
}

/* Set a field to @kb kB (appended when absent). */
static void t_kb(struct text *t, const char *name, uint64_t kb)
{
	int i;

	for (i = 0; i < t->n && strcmp(t->name[i], name); i++)
		;
	if (i == t->n) {
		assert_true(t->n < 64);
		snprintf(t->name[t->n++], sizeof(t->name[0]), "%s", name);
	}
	if (!strncmp(name, "HugePages_", 10))
		snprintf(t->val[i], sizeof(t->val[0]), "%" PRIu64, kb);
	else
		snprintf(t->val[i], sizeof(t->val[0]), "%" PRIu64 " kB", kb);
}

static void t_del(struct text *t, const char *name)
{
	for (int i = 0; i < t->n; i++) {
		if (strcmp(t->name[i], name))
			continue;
		memmove(t->name[i], t->name[i + 1], (size_t)(t->n - i - 1) * sizeof(t->name[0]));
		memmove(t->val[i], t->val[i + 1], (size_t)(t->n - i - 1) * sizeof(t->val[0]));
		t->n--;
		return;
	}
	fail_msg("no field %s to delete", name);
}

/* --- running one identity ------------------------------------------------ */

struct env {
	const struct text *mi;		/* NULL: no meminfo attached */
	const char *buddyinfo;
	const char *vmstat;
	const char *zoneinfo;
	uint64_t page_size;		/* 0: leave unset */
	uint64_t ncpus;
	int live, folded;
	const struct memacct_check_opts *opts;
};

struct res {
	int called;
	char id[64];
	uint32_t kind, status;
	int64_t residual;
	uint64_t lhs, rhs, tolerance;
	uint32_t unit;
	char relation[400], tol_src[400], reason[2048], caveat[600], missing[300], source[200];
	bool has_caveat, has_missing;
};

static int grab(const struct memacct_check_result *r, void *userdata)
{
	struct res *o = userdata;

	assert_true(r->sz >= sizeof(struct memacct_check_result));
	assert_non_null(r->id);
	assert_non_null(r->relation);
	assert_non_null(r->reason);
	assert_non_null(r->tolerance_source);
	assert_non_null(r->source);
	/* Exactly the status's own extras. */
	assert_true((r->caveat != NULL) == (r->status == MEMACCT_CHECK_CAVEAT));
	assert_true((r->missing != NULL) == (r->status == MEMACCT_CHECK_SKIPPED));
	o->called++;
	snprintf(o->id, sizeof(o->id), "%s", r->id);
	o->kind = r->kind;
	o->status = r->status;
	o->residual = r->residual;
	o->lhs = r->lhs;
	o->rhs = r->rhs;
	o->tolerance = r->tolerance;
	assert_true(r->unit == MEMACCT_UNIT_BYTES || r->unit == MEMACCT_UNIT_COUNT);
	o->unit = r->unit;
	snprintf(o->relation, sizeof(o->relation), "%s", r->relation);
	snprintf(o->tol_src, sizeof(o->tol_src), "%s", r->tolerance_source);
	snprintf(o->reason, sizeof(o->reason), "%s", r->reason);
	snprintf(o->source, sizeof(o->source), "%s", r->source);
	o->has_caveat = r->caveat != NULL;
	o->has_missing = r->missing != NULL;
	snprintf(o->caveat, sizeof(o->caveat), "%s", r->caveat ? r->caveat : "");
	snprintf(o->missing, sizeof(o->missing), "%s", r->missing ? r->missing : "");
	return 0;
}

/* Run identity @id over @e; its result lands in @o; returns the run's value. */
static int run_env(const char *id, const struct env *e, struct res *o)
{
	struct memacct_meminfo *mi = NULL;
	struct memacct_buddyinfo *bi = NULL;
	struct memacct_vmstat *vs = NULL;
	struct memacct_zoneinfo *zi = NULL;
	struct memacct_snapshot *snap = NULL;
	const char *only[] = { id, NULL };
	struct memacct_check_opts opts = { .sz = sizeof(opts) };
	char buf[8192];
	size_t len = 0;
	int r;

	assert_int_equal(memacct_snapshot_new(&snap), 0);
	if (e->mi) {
		for (int i = 0; i < e->mi->n; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s: %s\n",
						e->mi->name[i], e->mi->val[i]);
		assert_int_equal(memacct_meminfo_new(&mi), 0);
		assert_int_equal(memacct_meminfo_parse(mi, buf, len, NULL), 0);
		assert_int_equal(memacct_snapshot_set_meminfo(snap, mi), 0);
	}
	if (e->buddyinfo) {
		assert_int_equal(memacct_buddyinfo_new(&bi), 0);
		assert_int_equal(memacct_buddyinfo_parse(bi, e->buddyinfo, strlen(e->buddyinfo),
							 NULL), 0);
		assert_int_equal(memacct_snapshot_set_buddyinfo(snap, bi), 0);
	}
	if (e->vmstat) {
		assert_int_equal(memacct_vmstat_new(&vs), 0);
		assert_int_equal(memacct_vmstat_parse(vs, e->vmstat, strlen(e->vmstat), NULL), 0);
		assert_int_equal(memacct_snapshot_set_vmstat(snap, vs), 0);
	}
	if (e->zoneinfo) {
		assert_int_equal(memacct_zoneinfo_new(&zi), 0);
		assert_int_equal(memacct_zoneinfo_parse(zi, e->zoneinfo, strlen(e->zoneinfo), NULL),
				 0);
		assert_int_equal(memacct_snapshot_set_zoneinfo(snap, zi), 0);
	}
	if (e->page_size)
		assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_PAGE_SIZE,
							    e->page_size), 0);
	if (e->ncpus)
		assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_NCPUS, e->ncpus),
				 0);
	if (e->live)
		assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_LIVE, 1), 0);
	if (e->folded)
		assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_FOLDED, 1), 0);
	if (e->opts)
		opts = *e->opts;
	opts.only = only;

	memset(o, 0, sizeof(*o));
	r = memacct_check_run(snap, &opts, grab, o);
	assert_int_equal(o->called, 1);
	assert_string_equal(o->id, id);

	memacct_snapshot_free(snap);
	memacct_meminfo_free(mi);
	memacct_buddyinfo_free(bi);
	memacct_vmstat_free(vs);
	memacct_zoneinfo_free(zi);
	return r;
}

/* The usual environment: 4 KiB pages, 2 CPUs, no zoneinfo (threshold 125). */
static int run_text(const char *id, const struct text *t, struct res *o)
{
	struct env e = { .mi = t, .page_size = 4096, .ncpus = 2 };

	return run_env(id, &e, o);
}

/* Drift tolerance of @n counters there: n x 2 CPUs x 125 pages x 4096 B. */
#define TOL(n) ((uint64_t)(n) * 2 * 125 * 4096)

#define assert_contains(hay, needle) \
	do { \
		if (!strstr((hay), (needle))) \
			fail_msg("\"%s\" not in \"%s\"", (needle), (hay)); \
	} while (0)

static void expect(const struct res *o, uint32_t status, uint64_t lhs, uint64_t rhs,
		   int64_t residual, uint64_t tolerance)
{
	if (o->status != status)
		fail_msg("%s: status %u, want %u: %s", o->id, o->status, status, o->reason);
	assert_u64_equal(o->lhs, lhs);
	assert_u64_equal(o->rhs, rhs);
	assert_true(o->residual == residual);
	assert_u64_equal(o->tolerance, tolerance);
}

static void expect_skipped(const struct res *o, const char *missing)
{
	if (o->status != MEMACCT_CHECK_SKIPPED)
		fail_msg("%s: status %u, want skipped: %s", o->id, o->status, o->reason);
	assert_true(o->has_missing);
	assert_string_equal(o->missing, missing);
	assert_contains(o->reason, missing);
	assert_u64_equal(o->lhs, 0);
	assert_u64_equal(o->rhs, 0);
	assert_true(o->residual == 0);
}

/* --- exact identities ---------------------------------------------------- */

static void test_active_split(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	assert_int_equal(run_text("meminfo.active_split", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(300), KB(100 + 200), 0, 0);
	assert_int_equal(o.kind, MEMACCT_CHECK_EXACT);
	assert_string_equal(o.relation, "Active = Active(anon) + Active(file)");
	assert_string_equal(o.reason, "Active = Active(anon) + Active(file) = 300 kB.");
	assert_contains(o.tol_src, "exact");
	assert_contains(o.source, "fs/proc/meminfo.c");

	t_kb(&t, "Active", 301);
	assert_int_equal(run_text("meminfo.active_split", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(301), KB(300), 1024, 0);
	assert_contains(o.reason, "301 kB");
	assert_contains(o.reason, "damaged");

	t_del(&t, "Active(file)");
	assert_int_equal(run_text("meminfo.active_split", &t, &o), 0);
	expect_skipped(&o, "Active(file)");
	t_del(&t, "Active");
	t_del(&t, "Active(anon)");
	run_text("meminfo.active_split", &t, &o);
	expect_skipped(&o, "Active, Active(anon), Active(file)");
}

static void test_inactive_split(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	assert_int_equal(run_text("meminfo.inactive_split", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(500), KB(200 + 300), 0, 0);

	t_kb(&t, "Inactive(anon)", 201);
	assert_int_equal(run_text("meminfo.inactive_split", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(500), KB(201 + 300), -1024, 0);

	t_del(&t, "Inactive");
	run_text("meminfo.inactive_split", &t, &o);
	expect_skipped(&o, "Inactive");
}

static void test_slab_split(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.slab_split", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(700), KB(400 + 300), 0, 0);

	t_kb(&t, "Slab", 700 + 4096);
	assert_int_equal(run_text("meminfo.slab_split", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(4796), KB(700), (int64_t)KB(4096), 0);

	t_del(&t, "SUnreclaim");
	run_text("meminfo.slab_split", &t, &o);
	expect_skipped(&o, "SUnreclaim");
}

static void test_kreclaimable(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.kreclaimable_ge_sreclaimable", &t, &o);
	/* The source makes it exact (same sreclaimable variable), not a bound. */
	assert_int_equal(o.kind, MEMACCT_CHECK_EXACT);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(500), KB(400), (int64_t)KB(100), 0);
	assert_string_equal(o.reason, "KReclaimable (500 kB) >= SReclaimable (400 kB).");

	t_kb(&t, "KReclaimable", 399);
	assert_int_equal(run_text("meminfo.kreclaimable_ge_sreclaimable", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(399), KB(400), -1024, 0);

	/* Before 4.20 there is no KReclaimable: skipped, never read as 0 (which would violate). */
	t_del(&t, "KReclaimable");
	assert_int_equal(run_text("meminfo.kreclaimable_ge_sreclaimable", &t, &o), 0);
	expect_skipped(&o, "KReclaimable");
}

/* --- bounds -------------------------------------------------------------- */

static void test_free_le_total(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	/* Margins: MemFree part TOL(1) + 6000 kB, MemAvailable part TOL(5) + 4000 kB. */
	assert_int_equal(run_text("meminfo.free_le_total", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(4000), KB(10000), -(int64_t)KB(6000), TOL(1));
	assert_string_equal(o.relation, "MemFree <= MemTotal");
	assert_contains(o.reason, "closest of 2 parts");

	/* Above MemTotal, but within one counter's drift. */
	t_kb(&t, "MemFree", 10500);
	run_text("meminfo.free_le_total", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(10500), KB(10000), (int64_t)KB(500), TOL(1));
	assert_contains(o.reason, "within the tolerance");

	t_kb(&t, "MemFree", 12000);
	assert_int_equal(run_text("meminfo.free_le_total", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(12000), KB(10000), (int64_t)KB(2000), TOL(1));

	/* Both parts violated: MemAvailable is further past its tolerance. */
	t_kb(&t, "MemAvailable", 20000);
	assert_int_equal(run_text("meminfo.free_le_total", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(20000), KB(10000), (int64_t)KB(10000), TOL(5));
	assert_string_equal(o.relation, "MemAvailable <= MemTotal");
	assert_contains(o.reason, "worst of 2 parts");

	t_kb(&t, "MemFree", 4000);
	run_text("meminfo.free_le_total", &t, &o);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(20000), KB(10000), (int64_t)KB(10000), TOL(5));

	/* Before 3.14: no MemAvailable, the other part is still checked. */
	t_del(&t, "MemAvailable");
	run_text("meminfo.free_le_total", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(4000), KB(10000), -(int64_t)KB(6000), TOL(1));
	assert_contains(o.reason, "not checked");
	assert_contains(o.reason, "MemAvailable <= MemTotal (MemAvailable absent)");

	t_del(&t, "MemFree");
	run_text("meminfo.free_le_total", &t, &o);
	expect_skipped(&o, "MemFree, MemAvailable");
}

static void test_mapped_in_cached(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.mapped_in_cached", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(100), KB(550 + 50), -(int64_t)KB(500), TOL(3));
	assert_string_equal(o.reason, "Mapped (100 kB) <= Cached + Buffers (600 kB).");

	/* TOL(3) is exactly 3000 kB: at it holds, one kB past it does not. */
	t_kb(&t, "Mapped", 3600);
	run_text("meminfo.mapped_in_cached", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(3600), KB(600), (int64_t)KB(3000), TOL(3));
	t_kb(&t, "Mapped", 3601);
	assert_int_equal(run_text("meminfo.mapped_in_cached", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(3601), KB(600), (int64_t)KB(3001), TOL(3));

	t_del(&t, "Mapped");
	run_text("meminfo.mapped_in_cached", &t, &o);
	expect_skipped(&o, "Mapped");
}

static void test_anonhuge_in_anon(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.anonhuge_in_anon", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, 0, KB(200), -(int64_t)KB(200), TOL(2));

	t_kb(&t, "AnonHugePages", 2048);
	run_text("meminfo.anonhuge_in_anon", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(2048), KB(200), (int64_t)KB(1848), TOL(2));
	t_kb(&t, "AnonHugePages", 4096);
	assert_int_equal(run_text("meminfo.anonhuge_in_anon", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(4096), KB(200), (int64_t)KB(3896), TOL(2));

	t_del(&t, "AnonHugePages");
	run_text("meminfo.anonhuge_in_anon", &t, &o);
	expect_skipped(&o, "AnonHugePages");
}

static void test_shmemhuge_in_shmem(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.shmemhuge_in_shmem", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, 0, 0, 0, TOL(2));
	assert_string_equal(o.relation, "ShmemPmdMapped <= ShmemHugePages");
	assert_contains(o.reason, "closest of 3 parts");

	t_kb(&t, "ShmemHugePages", 4096);
	assert_int_equal(run_text("meminfo.shmemhuge_in_shmem", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(4096), KB(100), (int64_t)KB(3996), TOL(2));
	assert_string_equal(o.relation, "ShmemHugePages <= Shmem");

	/* Two parts violated: ShmemPmdMapped is 6144 kB over, ShmemHugePages 3996 kB. */
	t_kb(&t, "ShmemPmdMapped", 10240);
	assert_int_equal(run_text("meminfo.shmemhuge_in_shmem", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(10240), KB(4096), (int64_t)KB(6144), TOL(2));
	assert_string_equal(o.relation, "ShmemPmdMapped <= ShmemHugePages");

	t_base(&t);
	t_kb(&t, "FilePmdMapped", 8192);
	t_kb(&t, "FileHugePages", 4096);
	assert_int_equal(run_text("meminfo.shmemhuge_in_shmem", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(8192), KB(4096), (int64_t)KB(4096), TOL(2));
	assert_string_equal(o.relation, "FilePmdMapped <= FileHugePages");

	/* 4.8 to 5.3: no File* lines. */
	t_base(&t);
	t_del(&t, "FileHugePages");
	t_del(&t, "FilePmdMapped");
	run_text("meminfo.shmemhuge_in_shmem", &t, &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_contains(o.reason, "FilePmdMapped <= FileHugePages (FilePmdMapped, FileHugePages "
			"absent)");

	t_del(&t, "ShmemHugePages");
	t_del(&t, "ShmemPmdMapped");
	run_text("meminfo.shmemhuge_in_shmem", &t, &o);
	expect_skipped(&o, "ShmemPmdMapped, ShmemHugePages, FilePmdMapped, FileHugePages");
}

static void test_mlocked_in_unevictable(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	t_kb(&t, "Unevictable", 100);
	t_kb(&t, "Mlocked", 100);
	run_text("meminfo.mlocked_in_unevictable", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(100), KB(100), 0, TOL(2));
	assert_string_equal(o.reason, "Mlocked = Unevictable = 100 kB.");

	t_kb(&t, "Mlocked", 2100);
	run_text("meminfo.mlocked_in_unevictable", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(2100), KB(100), (int64_t)KB(2000), TOL(2));
	t_kb(&t, "Mlocked", 2101);
	assert_int_equal(run_text("meminfo.mlocked_in_unevictable", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(2101), KB(100), (int64_t)KB(2001), TOL(2));

	t_del(&t, "Mlocked");
	run_text("meminfo.mlocked_in_unevictable", &t, &o);
	expect_skipped(&o, "Mlocked");
}

static void test_hugetlb_pool(void **state)
{
	const uint64_t hp = KB(2048);
	struct memacct_check_opts opts = {
		.sz = sizeof(opts), .flags = MEMACCT_CHECK_OPT_TOLERANCE_BYTES,
		.tolerance_bytes = 2 * KB(2048),
	};
	struct env e = { .page_size = 4096, .ncpus = 2, .opts = &opts };
	struct text t;
	struct res o;

	t_base(&t);
	/* Margins (bytes): Rsvd 4 x hp, Free 4 x hp, Surp 9 x hp, Hugetlb 0: the last is closest. */
	run_text("meminfo.hugetlb_pool", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(20480), 10 * hp, 0, 0);
	assert_string_equal(o.relation, "Hugetlb >= HugePages_Total x Hugepagesize");
	assert_contains(o.tol_src, "no per-CPU");

	/* A 1 GiB pool of another size only raises Hugetlb. */
	t_kb(&t, "Hugetlb", 20480 + 1048576);
	run_text("meminfo.hugetlb_pool", &t, &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_string_equal(o.relation, "HugePages_Rsvd <= HugePages_Free");

	/* Counts compare as counts. */
	t_kb(&t, "HugePages_Rsvd", 7);
	assert_int_equal(run_text("meminfo.hugetlb_pool", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, 7, 6, 1, 0);
	assert_int_equal(o.unit, MEMACCT_UNIT_COUNT);
	assert_string_equal(o.relation, "HugePages_Rsvd <= HugePages_Free");
	assert_string_equal(o.reason, "HugePages_Rsvd (7) is 1 above HugePages_Free (6), more "
			    "than the tolerance of 0: the pool's counters contradict each other, so "
			    "the capture is damaged or was taken while the pool was being resized (the "
			    "worst of 4 parts checked).");

	/* Both Rsvd (1 page = 2 MiB over) and Hugetlb (10 MiB short): Hugetlb is worse. */
	t_kb(&t, "Hugetlb", 10240);
	assert_int_equal(run_text("meminfo.hugetlb_pool", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(10240), 10 * hp, -(int64_t)KB(10240), 0);
	assert_int_equal(o.unit, MEMACCT_UNIT_BYTES);

	/* A caller's 4 MiB is 2 huge pages for the counts: Rsvd 7 <= Free 6 + 2 holds. */
	t_kb(&t, "Hugetlb", 20480);
	e.mi = &t;
	assert_int_equal(run_env("meminfo.hugetlb_pool", &e, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, 7, 6, 1, 2);
	assert_contains(o.tol_src, "caller's tolerance: 4194304 B");
	assert_contains(o.tol_src, "huge pages of 2097152 B");

	t_kb(&t, "HugePages_Surp", 11);
	t_kb(&t, "HugePages_Rsvd", 2);
	assert_int_equal(run_text("meminfo.hugetlb_pool", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, 11, 10, 1, 0);
	assert_string_equal(o.relation, "HugePages_Surp <= HugePages_Total");

	/* 2.6.17 to 4.15: no Hugetlb line. */
	t_base(&t);
	t_del(&t, "Hugetlb");
	run_text("meminfo.hugetlb_pool", &t, &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_contains(o.reason, "(Hugetlb absent)");

	/* No CONFIG_HUGETLB_PAGE. */
	t_del(&t, "HugePages_Total");
	t_del(&t, "HugePages_Free");
	t_del(&t, "HugePages_Rsvd");
	t_del(&t, "HugePages_Surp");
	t_del(&t, "Hugepagesize");
	run_text("meminfo.hugetlb_pool", &t, &o);
	expect_skipped(&o, "HugePages_Rsvd, HugePages_Free, HugePages_Total, HugePages_Surp, "
		       "Hugetlb, Hugepagesize");
}

static void test_swap_bounds(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	/* Margins: SwapFree part 200 kB (no drift), SwapCached part 200 kB + TOL(1). */
	run_text("meminfo.swap_bounds", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(800), KB(1000), -(int64_t)KB(200), 0);
	assert_string_equal(o.relation, "SwapFree <= SwapTotal");

	/* SwapCached 1500 kB against 200 kB of used swap: 1300 kB past, TOL(1) = 1000 kB. */
	t_kb(&t, "SwapCached", 1500);
	assert_int_equal(run_text("meminfo.swap_bounds", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(1500), KB(200), (int64_t)KB(1300), TOL(1));
	assert_string_equal(o.relation, "SwapCached <= SwapTotal - SwapFree");

	t_kb(&t, "SwapCached", 0);
	t_kb(&t, "SwapFree", 1001);
	assert_int_equal(run_text("meminfo.swap_bounds", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(1001), KB(1000), 1024, 0);

	/* No swap at all. */
	t_kb(&t, "SwapFree", 0);
	t_kb(&t, "SwapTotal", 0);
	run_text("meminfo.swap_bounds", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, 0, 0, 0, 0);

	t_del(&t, "SwapTotal");
	run_text("meminfo.swap_bounds", &t, &o);
	expect_skipped(&o, "SwapTotal");
}

static void test_directmap(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.directmap_covers_ram", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(1000 + 9000), KB(10000), 0, 0);
	assert_string_equal(o.relation, "DirectMap4k + DirectMap2M >= MemTotal");

	t_kb(&t, "MemTotal", 10001);
	assert_int_equal(run_text("meminfo.directmap_covers_ram", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(10000), KB(10001), -1024, 0);

	/* 32-bit highmem: the direct map covers lowmem only. */
	t_kb(&t, "MemTotal", 10000);
	t_kb(&t, "DirectMap2M", 5000);
	assert_int_equal(run_text("meminfo.directmap_covers_ram", &t, &o), 1);
	t_kb(&t, "HighTotal", 5000);
	t_kb(&t, "LowTotal", 5000);
	assert_int_equal(run_text("meminfo.directmap_covers_ram", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(6000), KB(5000), (int64_t)KB(1000), 0);
	assert_string_equal(o.relation, "DirectMap4k + DirectMap2M >= LowTotal");
	t_del(&t, "LowTotal");
	run_text("meminfo.directmap_covers_ram", &t, &o);
	expect_skipped(&o, "LowTotal");

	/* arm64 and most architectures print no DirectMap line. */
	t_base(&t);
	t_del(&t, "DirectMap4k");
	t_del(&t, "DirectMap2M");
	run_text("meminfo.directmap_covers_ram", &t, &o);
	expect_skipped(&o, "DirectMap*");
	assert_contains(o.reason, "prints no DirectMap line");
}

/* --- approximations and caveats ------------------------------------------ */

static void test_file_lru_vs_cache(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.file_lru_vs_cache", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(200 + 300 + 100), KB(550 + 50), 0, TOL(5));
	assert_int_equal(o.kind, MEMACCT_CHECK_APPROX);

	/* 4000 kB of page cache off the file LRU: within TOL(5) = 5000 kB. */
	t_kb(&t, "Cached", 4550);
	run_text("meminfo.file_lru_vs_cache", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(600), KB(4600), -(int64_t)KB(4000), TOL(5));

	/* 10000 kB off it, Unevictable 6000 kB: 10000 <= 6000 + 5000, the mlock caveat. */
	t_kb(&t, "Cached", 10550);
	t_kb(&t, "Unevictable", 6000);
	assert_int_equal(run_text("meminfo.file_lru_vs_cache", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_CAVEAT, KB(600), KB(10600), -(int64_t)KB(10000), TOL(5));
	assert_contains(o.caveat, "10000 kB");
	assert_contains(o.caveat, "Unevictable (6000 kB)");
	assert_contains(o.reason, o.caveat);

	/* Unevictable 5000 kB still covers it exactly; 4999 kB does not. */
	t_kb(&t, "Unevictable", 5000);
	assert_int_equal(run_text("meminfo.file_lru_vs_cache", &t, &o), 0);
	assert_int_equal(o.status, MEMACCT_CHECK_CAVEAT);
	t_kb(&t, "Unevictable", 4999);
	assert_int_equal(run_text("meminfo.file_lru_vs_cache", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(600), KB(10600), -(int64_t)KB(10000), TOL(5));
	assert_false(o.has_caveat);

	/* Without Unevictable there is nothing to allow for. */
	t_del(&t, "Unevictable");
	assert_int_equal(run_text("meminfo.file_lru_vs_cache", &t, &o), 1);

	/* The file LRU above the page cache: Unevictable cannot explain that direction. */
	t_base(&t);
	t_kb(&t, "Active(file)", 10200);
	t_kb(&t, "Unevictable", 100000);
	assert_int_equal(run_text("meminfo.file_lru_vs_cache", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(10600), KB(600), (int64_t)KB(10000), TOL(5));
	assert_contains(o.reason, "MADV_FREE");

	t_del(&t, "Shmem");
	run_text("meminfo.file_lru_vs_cache", &t, &o);
	expect_skipped(&o, "Shmem");
}

static void test_anon_lru_vs_anon(void **state)
{
	struct text t;
	struct res o;

	t_base(&t);
	run_text("meminfo.anon_lru_vs_anon", &t, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(100 + 200), KB(200 + 100), 0, TOL(4));

	/* 10000 kB of anon off the LRU, TOL(4) = 4000 kB: Unevictable 6000 kB covers it. */
	t_kb(&t, "AnonPages", 10200);
	t_kb(&t, "Unevictable", 6000);
	assert_int_equal(run_text("meminfo.anon_lru_vs_anon", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_CAVEAT, KB(300), KB(10300), -(int64_t)KB(10000), TOL(4));
	assert_contains(o.caveat, "Unevictable (6000 kB)");
	assert_contains(o.caveat, "10000 kB");
	/* SwapCached cannot explain a shortfall of the LRU. */
	t_kb(&t, "Unevictable", 5999);
	t_kb(&t, "SwapCached", 100000);
	assert_int_equal(run_text("meminfo.anon_lru_vs_anon", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(300), KB(10300), -(int64_t)KB(10000), TOL(4));

	/* 10000 kB more on the LRU than mapped: swap cache, up to SwapCached. */
	t_base(&t);
	t_kb(&t, "Inactive(anon)", 10200);
	t_kb(&t, "SwapCached", 6000);
	assert_int_equal(run_text("meminfo.anon_lru_vs_anon", &t, &o), 0);
	expect(&o, MEMACCT_CHECK_CAVEAT, KB(10300), KB(300), (int64_t)KB(10000), TOL(4));
	assert_contains(o.caveat, "SwapCached (6000 kB)");
	t_kb(&t, "SwapCached", 5999);
	t_kb(&t, "Unevictable", 100000);
	assert_int_equal(run_text("meminfo.anon_lru_vs_anon", &t, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(10300), KB(300), (int64_t)KB(10000), TOL(4));

	t_del(&t, "AnonPages");
	run_text("meminfo.anon_lru_vs_anon", &t, &o);
	expect_skipped(&o, "AnonPages");
}

/* Free pages of this buddyinfo, by hand: DMA 1 + 1 * 2 = 3, Normal 2 + 1 * 4 = 6. */
static const char buddy9[] = "Node 0, zone DMA 1 1 0\nNode 0, zone Normal 2 0 1\n";

static void test_free_vs_buddyinfo(void **state)
{
	struct text t;
	struct env e = { .mi = &t, .buddyinfo = buddy9, .page_size = 4096, .ncpus = 2 };
	struct res o;

	t_base(&t);
	t_kb(&t, "MemFree", 36);
	assert_int_equal(run_env("meminfo.free_vs_buddyinfo", &e, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(36), 9 * 4096, 0, TOL(1));
	assert_contains(o.reason, "36 kB");
	assert_false(strstr(o.reason, "different moments"));

	/* What this machine's vendor kernel shows: MemFree far above the free lists. */
	t_kb(&t, "MemFree", 36 + 20000000);
	assert_int_equal(run_env("meminfo.free_vs_buddyinfo", &e, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(20000036), 9 * 4096, (int64_t)KB(20000000), TOL(1));
	assert_contains(o.reason, "20000000 kB");
	assert_contains(o.reason, "a large positive residual is what vendor kernels with lazy");
	/* vmstat's nr_free_pages, when there, says which side is NR_FREE_PAGES. */
	e.vmstat = "nr_free_pages 9\n";
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	assert_contains(o.reason, "vmstat nr_free_pages (36 kB) agrees with buddyinfo");
	e.vmstat = "nr_free_pages 5000009\n";
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	assert_contains(o.reason, "differs from buddyinfo");
	e.vmstat = NULL;

	/* Live: the two files were read at different moments. */
	e.live = 1;
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	assert_contains(o.reason, "two files read at different moments");
	e.live = 0;

	/* More free in buddyinfo than MemFree: 1000 order-10 blocks = 4096000 kB. */
	e.buddyinfo = "Node 0, zone Normal 0 0 0 0 0 0 0 0 0 0 1000\n";
	t_kb(&t, "MemFree", 4000);
	assert_int_equal(run_env("meminfo.free_vs_buddyinfo", &e, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(4000), (uint64_t)1000 * 1024 * 4096,
	       -(int64_t)KB(4092000), TOL(1));
	assert_contains(o.reason, "isolated");

	/* 64 KiB pages: the same 9 pages are 576 kB. */
	e.buddyinfo = buddy9;
	e.page_size = 65536;
	t_kb(&t, "MemFree", 576);
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(576), 9 * 65536, 0, 2 * 125 * 65536);

	/* Unknown page size: 4096 assumed, and said. */
	e.page_size = 0;
	t_kb(&t, "MemFree", 36);
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(36), 9 * 4096, 0, TOL(1));
	assert_contains(o.reason, "page size is not known");
	assert_contains(o.tol_src, "assumed");

	e.page_size = 4096;
	e.buddyinfo = NULL;
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	expect_skipped(&o, "buddyinfo");
	e.mi = NULL;
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	expect_skipped(&o, "meminfo, buddyinfo");
	e.mi = &t;
	e.buddyinfo = "";
	run_env("meminfo.free_vs_buddyinfo", &e, &o);
	expect_skipped(&o, "buddyinfo (no zone)");
}

static void test_file_pages_vs_vmstat(void **state)
{
	struct text t;
	struct env e = { .mi = &t, .vmstat = "nr_free_pages 1\nnr_file_pages 150\n",
			 .page_size = 4096, .ncpus = 2 };
	struct res o;

	/* Cached 550 + Buffers 50 + SwapCached 0 = 600 kB = 150 pages. */
	t_base(&t);
	assert_int_equal(run_env("meminfo.file_pages_vs_vmstat", &e, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(600), 150 * 4096, 0, TOL(2));

	t_kb(&t, "SwapCached", 40);
	e.vmstat = "nr_file_pages 160\n";
	run_env("meminfo.file_pages_vs_vmstat", &e, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(640), 160 * 4096, 0, TOL(2));
	t_kb(&t, "SwapCached", 0);

	/* 650 pages = 2600 kB: 2000 kB apart, exactly TOL(2); one page more is too much. */
	e.vmstat = "nr_file_pages 650\n";
	run_env("meminfo.file_pages_vs_vmstat", &e, &o);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(600), 650 * 4096, -(int64_t)KB(2000), TOL(2));
	e.vmstat = "nr_file_pages 651\n";
	assert_int_equal(run_env("meminfo.file_pages_vs_vmstat", &e, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(600), 651 * 4096, -(int64_t)KB(2004), TOL(2));
	e.live = 1;
	run_env("meminfo.file_pages_vs_vmstat", &e, &o);
	assert_contains(o.reason, "two files read at different moments");
	e.live = 0;

	/* Cached clamped at 0: only >= is left. Buffers 50 kB against 5 pages = 20 kB. */
	t_kb(&t, "Cached", 0);
	e.vmstat = "nr_file_pages 5\n";
	assert_int_equal(run_env("meminfo.file_pages_vs_vmstat", &e, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(50), 5 * 4096, (int64_t)KB(30), TOL(2));
	assert_contains(o.relation, "clamped at 0");
	assert_contains(o.relation, ">=");
	e.vmstat = "nr_file_pages 1000\n";
	assert_int_equal(run_env("meminfo.file_pages_vs_vmstat", &e, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(50), 1000 * 4096, -(int64_t)KB(3950), TOL(2));

	e.vmstat = "nr_free_pages 1\n";
	run_env("meminfo.file_pages_vs_vmstat", &e, &o);
	expect_skipped(&o, "vmstat:nr_file_pages");
	e.vmstat = NULL;
	run_env("meminfo.file_pages_vs_vmstat", &e, &o);
	expect_skipped(&o, "vmstat");
}

/* --- tolerance ----------------------------------------------------------- */

static const char zone3[] =
	"Node 0, zone DMA\n  vm stats threshold: 4\n  vm stats threshold: 4\n"
	"Node 0, zone DMA32\n  vm stats threshold: 24\n  vm stats threshold: 24\n"
	"Node 0, zone Normal\n  vm stats threshold: 20\n  vm stats threshold: 20\n";

static void test_tolerance(void **state)
{
	struct text t;
	struct env e = { .mi = &t, .page_size = 4096, .ncpus = 2 };
	struct memacct_check_opts opts = { .sz = sizeof(opts) };
	struct res o;

	t_base(&t);
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, 3 * 2 * 125 * 4096);
	assert_contains(o.tol_src, "3 counters x 2 CPUs x 125 pages");
	assert_contains(o.tol_src, "ceiling");

	/* The highest threshold zoneinfo prints: 24. */
	e.zoneinfo = zone3;
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, 3 * 2 * 24 * 4096);
	assert_contains(o.tol_src, "x 24 pages (the highest vm stats threshold in zoneinfo)");
	e.zoneinfo = "Node 0, zone DMA\n  pages free 1\n";
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, 3 * 2 * 125 * 4096);
	assert_contains(o.tol_src, "printed no threshold");
	e.zoneinfo = NULL;

	/* Unknown CPU count and page size: 1 and 4096, said so. */
	e.ncpus = 0;
	e.page_size = 0;
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, 3 * 1 * 125 * 4096);
	assert_contains(o.tol_src, "(assumed: CPU count unknown)");
	assert_contains(o.tol_src, "(assumed: page size unknown)");

	e.ncpus = 128;
	e.page_size = 65536;
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, (uint64_t)3 * 128 * 125 * 65536);

	e.ncpus = 2;
	e.page_size = 4096;
	e.folded = 1;
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, 3 * 2 * 125 * 4096);
	assert_contains(o.tol_src, "folded");
	e.folded = 0;

	/* A caller's tolerance replaces it, exact identities included. */
	t_kb(&t, "Active", 301);
	e.opts = &opts;
	opts.flags = MEMACCT_CHECK_OPT_TOLERANCE_BYTES;
	opts.tolerance_bytes = 1024;
	assert_int_equal(run_env("meminfo.active_split", &e, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(301), KB(300), 1024, 1024);
	assert_string_equal(o.tol_src, "caller's tolerance: 1024 B");
	opts.tolerance_bytes = 1023;
	assert_int_equal(run_env("meminfo.active_split", &e, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(301), KB(300), 1024, 1023);
	run_env("meminfo.mapped_in_cached", &e, &o);
	assert_u64_equal(o.tolerance, 1023);

	/* ppm of the larger side: 308224 B x 3323 / 10^6 = 1024 (rounded down). */
	opts.flags = MEMACCT_CHECK_OPT_TOLERANCE_PPM;
	opts.tolerance_ppm = 3323;
	assert_int_equal(run_env("meminfo.active_split", &e, &o), 0);
	expect(&o, MEMACCT_CHECK_HOLDS, KB(301), KB(300), 1024, 308224 * 3323 / 1000000);
	assert_contains(o.tol_src, "3323 ppm");
	opts.tolerance_ppm = 3322;
	assert_int_equal(run_env("meminfo.active_split", &e, &o), 1);
	expect(&o, MEMACCT_CHECK_VIOLATED, KB(301), KB(300), 1024, 308224 * 3322 / 1000000);

	/* Both: the larger of the two. */
	opts.flags = MEMACCT_CHECK_OPT_TOLERANCE_PPM | MEMACCT_CHECK_OPT_TOLERANCE_BYTES;
	opts.tolerance_bytes = 10;
	opts.tolerance_ppm = 3323;
	run_env("meminfo.active_split", &e, &o);
	assert_u64_equal(o.tolerance, 1024);
	opts.tolerance_bytes = 5000;
	run_env("meminfo.active_split", &e, &o);
	assert_u64_equal(o.tolerance, 5000);
}

/* --- the run, the catalog ------------------------------------------------ */

static const char *const catalog_ids[] = {
	"meminfo.active_split",
	"meminfo.inactive_split",
	"meminfo.slab_split",
	"meminfo.free_le_total",
	"meminfo.kreclaimable_ge_sreclaimable",
	"meminfo.file_lru_vs_cache",
	"meminfo.anon_lru_vs_anon",
	"meminfo.mapped_in_cached",
	"meminfo.anonhuge_in_anon",
	"meminfo.shmemhuge_in_shmem",
	"meminfo.mlocked_in_unevictable",
	"meminfo.hugetlb_pool",
	"meminfo.swap_bounds",
	"meminfo.directmap_covers_ram",
	"meminfo.free_vs_buddyinfo",
	"meminfo.file_pages_vs_vmstat",
	/* one process */
	"status.rss_split",
	"status.peaks",
	"smaps.rss_split",
	"smaps.pss_bounds",
	"smaps.size_bounds",
	"smaps.locked",
	"smaps.geometry",
	"smaps_rollup.pss_split",
	"proc.maps_vs_smaps",
	"proc.rollup_vs_smaps",
	"proc.smaps_vs_status",
	"proc.statm_vs_status",
	"pagemap.present_vs_rss",
	"pagemap.swapped_vs_swap",
	"pagemap.exclusive_vs_private",
	"pages.pss_from_mapcount",
	"pages.uss_from_mapcount",
	"pages.lru_vs_meminfo",
	"pages.unevictable_vs_meminfo",
	"pages.mapped_vs_meminfo",
	"pages.anon_vs_meminfo",
	"pages.swapcache_vs_meminfo",
	"pages.slab_vs_meminfo",
	"pages.pgtable_vs_meminfo",
	"pages.huge_vs_meminfo",
	"pages.writeback_dirty",
	"pages.shmem_vs_meminfo",
	"pages.buddy_vs_free",
	"pages.mmap_vs_meminfo",
	"system.pss_vs_mapped_anon",
	"system.anonhuge_sum",
	"system.file_rss_ge_mapped",
	"system.swappss_le_used",
	"hugetlb.pools_sum",
	"hugetlb.default_pool",
	"numa.nodes_sum",
	"vmalloc.used_vs_vmallocinfo",
};

#define CATALOG_N ((int)(sizeof(catalog_ids) / sizeof(catalog_ids[0])))
#define NMEMINFO 16

static void test_catalog(void **state)
{
	const struct memacct_check_info *info;
	const uint32_t kinds[] = {
		MEMACCT_CHECK_EXACT, MEMACCT_CHECK_EXACT, MEMACCT_CHECK_EXACT, MEMACCT_CHECK_BOUND,
		MEMACCT_CHECK_EXACT, MEMACCT_CHECK_APPROX, MEMACCT_CHECK_APPROX, MEMACCT_CHECK_BOUND,
		MEMACCT_CHECK_BOUND, MEMACCT_CHECK_BOUND, MEMACCT_CHECK_BOUND, MEMACCT_CHECK_BOUND,
		MEMACCT_CHECK_BOUND, MEMACCT_CHECK_BOUND, MEMACCT_CHECK_APPROX, MEMACCT_CHECK_APPROX,
	};
	const char *name;

	assert_int_equal(memacct_check_count(), CATALOG_N);
	for (int i = 0; i < CATALOG_N; i++) {
		assert_int_equal(memacct_check_at((size_t)i, &info), 0);
		assert_string_equal(info->id, catalog_ids[i]);
	}
	for (size_t i = 0; i < 16; i++) {
		assert_int_equal(memacct_check_at(i, &info), 0);
		assert_true(info->sz >= sizeof(*info));
		assert_string_equal(info->id, catalog_ids[i]);
		assert_int_equal(info->kind, kinds[i]);
		assert_non_null(info->relation);
		assert_non_null(info->inputs);
		assert_non_null(info->source);
		assert_contains(info->inputs, "meminfo");
	}
	assert_int_equal(memacct_check_at(0, &info), 0);
	assert_string_equal(info->relation, "Active = Active(anon) + Active(file)");
	assert_string_equal(info->inputs, "meminfo");
	assert_int_equal(memacct_check_at(14, &info), 0);
	assert_string_equal(info->inputs, "meminfo, buddyinfo");
	assert_int_equal(memacct_check_at(15, &info), 0);
	assert_string_equal(info->inputs, "meminfo, vmstat");
	assert_int_equal(memacct_check_at(CATALOG_N, &info), -ERANGE);
	assert_int_equal(memacct_check_at(0, NULL), -EINVAL);

	assert_int_equal(memacct_check_kind_name(MEMACCT_CHECK_EXACT, &name), 0);
	assert_string_equal(name, "exact");
	assert_int_equal(memacct_check_kind_name(MEMACCT_CHECK_APPROX, &name), 0);
	assert_string_equal(name, "approx");
	assert_int_equal(memacct_check_kind_name(4, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_check_kind_name(0, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_check_status_name(MEMACCT_CHECK_CAVEAT, &name), 0);
	assert_string_equal(name, "caveat");
	assert_int_equal(memacct_check_status_name(MEMACCT_CHECK_SKIPPED, &name), 0);
	assert_string_equal(name, "skipped");
	assert_int_equal(memacct_check_status_name(5, &name), -EOPNOTSUPP);
}

struct tally {
	int calls, violated, stop_after;
	char ids[20][64];
	uint32_t status[20];
};

static int count_cb(const struct memacct_check_result *r, void *userdata)
{
	struct tally *t = userdata;

	if (t->calls < 20) {
		snprintf(t->ids[t->calls], sizeof(t->ids[0]), "%s", r->id);
		t->status[t->calls] = r->status;
	}
	t->calls++;
	t->violated += r->status == MEMACCT_CHECK_VIOLATED;
	if (t->stop_after && t->calls == t->stop_after)
		return -ECANCELED;
	return 0;
}

static void test_run(void **state)
{
	static const char *const only_slab[] = { "meminfo.slab_split", NULL };
	static const char *const all[] = { "meminfo.*", NULL };
	static const char *const unknown[] = { "meminfo.no_such_identity", NULL };
	static const char *const two[] = { "meminfo.swap_bounds", "meminfo.active_split", NULL };
	static const char *const bad1[] = { "*", NULL };
	static const char *const bad2[] = { "meminfo*", NULL };
	static const char *const bad3[] = { "", NULL };
	static const char *const bad4[] = { "meminfo.*.x", NULL };
	struct memacct_meminfo *mi = NULL;
	struct memacct_snapshot *snap = NULL;
	struct memacct_check_opts opts = { .sz = sizeof(opts) };
	struct tally t;
	struct text txt;
	char buf[4096];
	size_t len = 0;
	struct {
		struct memacct_check_opts o;
		uint64_t extra;
	} big;

	t_base(&txt);
	t_kb(&txt, "Slab", 701);
	t_kb(&txt, "Active", 299);
	for (int i = 0; i < txt.n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s: %s\n", txt.name[i],
					txt.val[i]);
	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_int_equal(memacct_meminfo_parse(mi, buf, len, NULL), 0);
	assert_int_equal(memacct_snapshot_new(&snap), 0);
	assert_int_equal(memacct_snapshot_set_meminfo(snap, mi), 0);

	/* Every identity, in catalog order; the two damaged ones counted. */
	memset(&t, 0, sizeof(t));
	assert_int_equal(memacct_check_run(snap, NULL, count_cb, &t), 2);
	assert_int_equal(t.calls, CATALOG_N);	/* the others skipped */
	assert_int_equal(t.violated, 2);
	for (int i = 0; i < 16; i++)
		assert_string_equal(t.ids[i], catalog_ids[i]);
	/* No buddyinfo, no vmstat: those two are skipped. */
	assert_int_equal(t.status[14], MEMACCT_CHECK_SKIPPED);
	assert_int_equal(t.status[15], MEMACCT_CHECK_SKIPPED);
	/* Without a callback it still counts. */
	assert_int_equal(memacct_check_run(snap, NULL, NULL, NULL), 2);

	memset(&t, 0, sizeof(t));
	opts.only = only_slab;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 1);
	assert_int_equal(t.calls, 1);
	assert_string_equal(t.ids[0], "meminfo.slab_split");

	memset(&t, 0, sizeof(t));
	opts.only = all;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 2);
	assert_int_equal(t.calls, 16);

	/* Catalog order, whatever the order of the list. */
	memset(&t, 0, sizeof(t));
	opts.only = two;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 1);
	assert_int_equal(t.calls, 2);
	assert_string_equal(t.ids[0], "meminfo.active_split");
	assert_string_equal(t.ids[1], "meminfo.swap_bounds");

	/* An id this version does not know selects nothing (a newer caller's list). */
	memset(&t, 0, sizeof(t));
	opts.only = unknown;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 0);
	assert_int_equal(t.calls, 0);

	memset(&t, 0, sizeof(t));
	opts.only = NULL;
	opts.skip = only_slab;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 1);
	assert_int_equal(t.calls, CATALOG_N - 1);
	memset(&t, 0, sizeof(t));
	opts.skip = all;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 0);
	assert_int_equal(t.calls, CATALOG_N - NMEMINFO);	/* all but meminfo.* */
	opts.skip = NULL;

	opts.only = bad1;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	opts.only = bad2;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	opts.only = NULL;
	opts.skip = bad3;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	opts.skip = bad4;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	opts.skip = NULL;

	/* The callback stops the run with its own error. */
	memset(&t, 0, sizeof(t));
	t.stop_after = 3;
	assert_int_equal(memacct_check_run(snap, NULL, count_cb, &t), -ECANCELED);
	assert_int_equal(t.calls, 3);

	opts.flags = 1u << 5;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	opts.flags = 0;
	opts._reserved = 1;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	opts._reserved = 0;
	opts.sz = 4;
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), -EINVAL);
	assert_int_equal(memacct_check_run(NULL, NULL, count_cb, &t), -EINVAL);

	/* A newer caller's larger struct: zero tail accepted, non-zero tail E2BIG. */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	memset(&t, 0, sizeof(t));
	assert_int_equal(memacct_check_run(snap, &big.o, count_cb, &t), 2);
	assert_int_equal(t.calls, CATALOG_N);
	big.extra = 1;
	assert_int_equal(memacct_check_run(snap, &big.o, count_cb, &t), -E2BIG);

	/* An older caller's smaller struct: the fields past its size are not read. */
	memset(&t, 0, sizeof(t));
	opts = (struct memacct_check_opts){ .sz = offsetof(struct memacct_check_opts, only),
					    .only = only_slab };
	assert_int_equal(memacct_check_run(snap, &opts, count_cb, &t), 2);
	assert_int_equal(t.calls, CATALOG_N);

	/* Nothing attached: every identity skipped for want of meminfo. */
	assert_int_equal(memacct_snapshot_set_meminfo(snap, NULL), 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(memacct_check_run(snap, NULL, count_cb, &t), 0);
	assert_int_equal(t.calls, CATALOG_N);
	for (int i = 0; i < 16; i++)
		assert_int_equal(t.status[i], MEMACCT_CHECK_SKIPPED);

	memacct_snapshot_free(snap);
	memacct_meminfo_free(mi);
}

static void test_snapshot(void **state)
{
	struct memacct_snapshot *snap = NULL;
	struct memacct_source *src = NULL;
	char dir[] = "/tmp/memacct-test-check-XXXXXX", path[80];
	struct text t;
	struct res o;
	FILE *f;

	assert_int_equal(memacct_snapshot_new(NULL), -EINVAL);
	assert_int_equal(memacct_snapshot_new(&snap), 0);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_PAGE_SIZE, 3), -EINVAL);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_PAGE_SIZE, 0), -EINVAL);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_PAGE_SIZE, 16384), 0);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_NCPUS, 0), -EINVAL);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_LIVE, 2), -EINVAL);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_FOLDED, 2), -EINVAL);
	assert_int_equal(memacct_snapshot_set_value(snap, 99, 1), -EOPNOTSUPP);
	assert_int_equal(memacct_snapshot_set_value(NULL, MEMACCT_SNAPSHOT_NCPUS, 1), -EINVAL);
	assert_int_equal(memacct_snapshot_set_meminfo(NULL, NULL), -EINVAL);
	assert_null(memacct_snapshot_free(NULL));
	memacct_snapshot_free(snap);

	/* A tree whose MANIFEST says 64 KiB pages and 8 CPUs: the tolerance follows it. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("page_size: 65536\ncpus: 8\n", f);
	fclose(f);
	assert_int_equal(memacct_source_new(dir, NULL, &src), 0);
	{
		struct memacct_meminfo *mi = NULL;
		const char *only[] = { "meminfo.mapped_in_cached", NULL };
		struct memacct_check_opts opts = { .sz = sizeof(opts), .only = only };
		char buf[4096];
		size_t len = 0;

		t_base(&t);
		for (int i = 0; i < t.n; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s: %s\n", t.name[i],
						t.val[i]);
		assert_int_equal(memacct_meminfo_new(&mi), 0);
		assert_int_equal(memacct_meminfo_parse(mi, buf, len, NULL), 0);
		assert_int_equal(memacct_snapshot_new(&snap), 0);
		assert_int_equal(memacct_snapshot_set_meminfo(snap, mi), 0);
		assert_int_equal(memacct_snapshot_set_source(snap, src), 0);
		memset(&o, 0, sizeof(o));
		assert_int_equal(memacct_check_run(snap, &opts, grab, &o), 0);
		assert_u64_equal(o.tolerance, (uint64_t)3 * 8 * 125 * 65536);
		memacct_snapshot_free(snap);
		memacct_meminfo_free(mi);
	}
	memacct_source_free(src);
	unlink(path);
	rmdir(dir);
}

/* --- fixtures ------------------------------------------------------------ */

struct fx {
	struct memacct_source *src;
	struct memacct_meminfo *mi;
	struct memacct_buddyinfo *bi;
	struct memacct_vmstat *vs;
	struct memacct_zoneinfo *zi;
	struct memacct_snapshot *snap;
};

/* Open fixture @name (skip the test when it is not there) and read what it has. */
static void fx_open(struct fx *x, const char *name, uint32_t mi_flags)
{
	char root[512];

	memset(x, 0, sizeof(*x));
	snprintf(root, sizeof(root), "%s/%s/proc", MEMACCT_FIXTURES, name);
	if (access(root, F_OK) < 0)
		skip();
	assert_int_equal(memacct_source_new(root, NULL, &x->src), 0);
	assert_int_equal(memacct_snapshot_new(&x->snap), 0);
	assert_int_equal(memacct_snapshot_set_source(x->snap, x->src), 0);
	assert_int_equal(memacct_meminfo_new(&x->mi), 0);
	assert_int_equal(memacct_meminfo_set_flags(x->mi, mi_flags), 0);
	assert_int_equal(memacct_meminfo_read(x->mi, x->src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_meminfo(x->snap, x->mi), 0);
	assert_int_equal(memacct_buddyinfo_new(&x->bi), 0);
	if (memacct_buddyinfo_read(x->bi, x->src, NULL) == 0)
		assert_int_equal(memacct_snapshot_set_buddyinfo(x->snap, x->bi), 0);
	assert_int_equal(memacct_vmstat_new(&x->vs), 0);
	if (memacct_vmstat_read(x->vs, x->src, NULL) == 0)
		assert_int_equal(memacct_snapshot_set_vmstat(x->snap, x->vs), 0);
	assert_int_equal(memacct_zoneinfo_new(&x->zi), 0);
	if (memacct_zoneinfo_read(x->zi, x->src, NULL) == 0)
		assert_int_equal(memacct_snapshot_set_zoneinfo(x->snap, x->zi), 0);
}

static void fx_close(struct fx *x)
{
	memacct_snapshot_free(x->snap);
	memacct_meminfo_free(x->mi);
	memacct_buddyinfo_free(x->bi);
	memacct_vmstat_free(x->vs);
	memacct_zoneinfo_free(x->zi);
	memacct_source_free(x->src);
}

static int fx_run(struct fx *x, const char *id, struct res *o)
{
	const char *only[] = { id, NULL };
	struct memacct_check_opts opts = { .sz = sizeof(opts), .only = only };
	int r;

	memset(o, 0, sizeof(*o));
	r = memacct_check_run(x->snap, &opts, grab, o);
	assert_int_equal(o->called, 1);
	return r;
}

static uint64_t mi_get(const struct fx *x, uint32_t key)
{
	uint64_t v;

	assert_int_equal(memacct_meminfo_get(x->mi, key, &v), 0);
	return v;
}

static void expect_holds_exactly(struct fx *x, const char *id)
{
	struct res o;

	fx_run(x, id, &o);
	if (o.status != MEMACCT_CHECK_HOLDS)
		fail_msg("%s: %s", id, o.reason);
	assert_true(o.residual == 0);
	assert_u64_equal(o.tolerance, 0);
}

/* Captured on this machine: the splits are exact, and MemFree is far above buddyinfo. */
static void check_captured(const char *name)
{
	struct fx x;
	struct res o;
	uint64_t pages, nr_file;
	int64_t want;

	fx_open(&x, name, 0);
	expect_holds_exactly(&x, "meminfo.active_split");
	expect_holds_exactly(&x, "meminfo.inactive_split");
	expect_holds_exactly(&x, "meminfo.slab_split");

	assert_int_equal(memacct_buddyinfo_get_free_pages(x.bi, &pages), 0);
	want = (int64_t)mi_get(&x, MEMACCT_MEMINFO_MEMFREE) - (int64_t)(pages * 4096);
	fx_run(&x, "meminfo.free_vs_buddyinfo", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_VIOLATED);
	assert_true(o.residual == want);
	assert_true(o.residual > (int64_t)KB(1024 * 1024));
	assert_contains(o.reason, "lazy");
	assert_contains(o.reason, "agrees with buddyinfo");
	/* zoneinfo's highest threshold on this 2-CPU machine: 24 pages. */
	assert_u64_equal(o.tolerance, 1 * 2 * 24 * 4096);

	assert_int_equal(memacct_vmstat_get_by_name(x.vs, "nr_file_pages", &nr_file), 0);
	want = (int64_t)(mi_get(&x, MEMACCT_MEMINFO_CACHED) + mi_get(&x, MEMACCT_MEMINFO_BUFFERS) +
			 mi_get(&x, MEMACCT_MEMINFO_SWAPCACHED)) - (int64_t)(nr_file * 4096);
	fx_run(&x, "meminfo.file_pages_vs_vmstat", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_true(o.residual == want);
	fx_close(&x);
}

static void test_fixture_quiet(void **state)
{
	check_captured("quiet");
}

static void test_fixture_shmem(void **state)
{
	struct fx x;
	struct res o;

	check_captured("shmem-1g");
	/* tmpfs pages are on the anon LRU and in Shmem: both LRU identities still hold. */
	fx_open(&x, "shmem-1g", 0);
	fx_run(&x, "meminfo.file_lru_vs_cache", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	fx_run(&x, "meminfo.anon_lru_vs_anon", &o);
	assert_true(o.status == MEMACCT_CHECK_HOLDS || o.status == MEMACCT_CHECK_CAVEAT);
	assert_true(mi_get(&x, MEMACCT_MEMINFO_SHMEM) >= KB(1024 * 1024));
	fx_close(&x);
}

static void test_fixture_mlock(void **state)
{
	struct fx x;
	struct res o;
	int64_t want;

	check_captured("mlock-512m");
	fx_open(&x, "mlock-512m", 0);
	want = (int64_t)(mi_get(&x, MEMACCT_MEMINFO_ACTIVE_ANON) +
			 mi_get(&x, MEMACCT_MEMINFO_INACTIVE_ANON)) -
	       (int64_t)(mi_get(&x, MEMACCT_MEMINFO_ANONPAGES) + mi_get(&x, MEMACCT_MEMINFO_SHMEM));
	fx_run(&x, "meminfo.anon_lru_vs_anon", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_CAVEAT);
	assert_true(o.residual == want);
	assert_true(-o.residual > (int64_t)KB(512 * 1024));
	assert_contains(o.caveat, "Unevictable");
	fx_run(&x, "meminfo.mlocked_in_unevictable", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	fx_close(&x);
}

static void test_fixture_damaged_slab(void **state)
{
	struct fx x;
	struct res o;
	int64_t want;

	fx_open(&x, "damaged-slab", 0);
	want = (int64_t)mi_get(&x, MEMACCT_MEMINFO_SLAB) -
	       (int64_t)(mi_get(&x, MEMACCT_MEMINFO_SRECLAIMABLE) +
			 mi_get(&x, MEMACCT_MEMINFO_SUNRECLAIM));
	assert_int_equal(fx_run(&x, "meminfo.slab_split", &o), 1);
	assert_int_equal(o.status, MEMACCT_CHECK_VIOLATED);
	assert_true(o.residual == want);
	assert_true(o.residual == 4194304);
	assert_u64_equal(o.tolerance, 0);
	expect_holds_exactly(&x, "meminfo.active_split");
	fx_close(&x);
}

/* Lenient parses of damaged files: what was lost is skipped, never read as 0. */
static void test_fixture_damaged_lenient(void **state)
{
	struct fx x;
	struct res o;

	fx_open(&x, "damaged-truncated", MEMACCT_PARSE_SKIP_BAD_LINES);
	fx_run(&x, "meminfo.inactive_split", &o);
	expect_skipped(&o, "Inactive(file)");
	fx_run(&x, "meminfo.slab_split", &o);
	expect_skipped(&o, "Slab, SReclaimable, SUnreclaim");
	expect_holds_exactly(&x, "meminfo.active_split");
	fx_close(&x);

	fx_open(&x, "damaged-nul", MEMACCT_PARSE_SKIP_BAD_LINES);
	fx_run(&x, "meminfo.mapped_in_cached", &o);
	expect_skipped(&o, "Mapped");
	fx_close(&x);

	fx_open(&x, "damaged-missing-unit", MEMACCT_PARSE_SKIP_BAD_LINES);
	fx_run(&x, "meminfo.file_lru_vs_cache", &o);
	expect_skipped(&o, "Shmem");
	fx_run(&x, "meminfo.anon_lru_vs_anon", &o);
	expect_skipped(&o, "Shmem");
	fx_run(&x, "meminfo.shmemhuge_in_shmem", &o);
	assert_contains(o.reason, "ShmemHugePages <= Shmem (Shmem absent)");
	fx_close(&x);
}

static void test_fixture_old(void **state)
{
	struct fx x;
	struct res o;

	fx_open(&x, "old-2.6.32", 0);
	fx_run(&x, "meminfo.kreclaimable_ge_sreclaimable", &o);
	expect_skipped(&o, "KReclaimable");
	fx_run(&x, "meminfo.free_le_total", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_string_equal(o.relation, "MemFree <= MemTotal");
	assert_contains(o.reason, "MemAvailable absent");
	/* No zoneinfo: the 125-page ceiling, with the MANIFEST's 4 CPUs. */
	fx_run(&x, "meminfo.file_lru_vs_cache", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_true(o.residual == (int64_t)(mi_get(&x, MEMACCT_MEMINFO_ACTIVE_FILE) +
					    mi_get(&x, MEMACCT_MEMINFO_INACTIVE_FILE) +
					    mi_get(&x, MEMACCT_MEMINFO_SHMEM)) -
			       (int64_t)(mi_get(&x, MEMACCT_MEMINFO_CACHED) +
					 mi_get(&x, MEMACCT_MEMINFO_BUFFERS)));
	assert_true(o.residual == -118784);
	assert_u64_equal(o.tolerance, 5 * 4 * 125 * 4096);
	fx_run(&x, "meminfo.anon_lru_vs_anon", &o);
	assert_true(o.residual == 8192);
	fx_run(&x, "meminfo.free_vs_buddyinfo", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_true(o.residual == 0);
	fx_run(&x, "meminfo.file_pages_vs_vmstat", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_true(o.residual == 0);
	fx_run(&x, "meminfo.hugetlb_pool", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_contains(o.reason, "Hugetlb absent");
	fx_run(&x, "meminfo.anonhuge_in_anon", &o);
	expect_skipped(&o, "AnonHugePages");
	/* Nothing is violated on this kernel. */
	assert_int_equal(memacct_check_run(x.snap, NULL, NULL, NULL), 0);
	fx_close(&x);
}

static void test_fixture_highmem(void **state)
{
	struct fx x;
	struct res o;

	fx_open(&x, "highmem-32bit", 0);
	fx_run(&x, "meminfo.directmap_covers_ram", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_contains(o.relation, ">= LowTotal");
	assert_u64_equal(o.rhs, mi_get(&x, MEMACCT_MEMINFO_LOWTOTAL));
	assert_u64_equal(o.lhs, mi_get(&x, MEMACCT_MEMINFO_DIRECTMAP4K) +
			 mi_get(&x, MEMACCT_MEMINFO_DIRECTMAP4M));
	assert_true(o.lhs < mi_get(&x, MEMACCT_MEMINFO_MEMTOTAL));
	fx_run(&x, "meminfo.free_vs_buddyinfo", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_true(o.residual == 0);
	fx_run(&x, "meminfo.file_lru_vs_cache", &o);
	assert_true(o.residual == -81920);
	fx_run(&x, "meminfo.anon_lru_vs_anon", &o);
	assert_true(o.residual == 86016);
	fx_run(&x, "meminfo.file_pages_vs_vmstat", &o);
	expect_skipped(&o, "vmstat");
	assert_int_equal(memacct_check_run(x.snap, NULL, NULL, NULL), 0);
	fx_close(&x);
}

static void test_fixture_arm64(void **state)
{
	struct fx x;
	struct res o;
	uint64_t pages;

	fx_open(&x, "arm64-scs", 0);
	fx_run(&x, "meminfo.directmap_covers_ram", &o);
	expect_skipped(&o, "DirectMap*");
	/* 64 KiB pages from the MANIFEST: a reader assuming 4096 would be off 16x. */
	assert_int_equal(memacct_buddyinfo_get_free_pages(x.bi, &pages), 0);
	fx_run(&x, "meminfo.free_vs_buddyinfo", &o);
	assert_int_equal(o.status, MEMACCT_CHECK_HOLDS);
	assert_u64_equal(o.rhs, pages * 65536);
	assert_true(o.residual == 0);
	assert_u64_equal(o.tolerance, (uint64_t)1 * 128 * 125 * 65536);
	fx_run(&x, "meminfo.file_lru_vs_cache", &o);
	assert_true(o.residual == -32768000);
	assert_u64_equal(o.tolerance, (uint64_t)5 * 128 * 125 * 65536);
	fx_run(&x, "meminfo.anon_lru_vs_anon", &o);
	assert_true(o.residual == -19660800);
	fx_run(&x, "meminfo.file_pages_vs_vmstat", &o);
	expect_skipped(&o, "vmstat");
	assert_int_equal(memacct_check_run(x.snap, NULL, NULL, NULL), 0);
	fx_close(&x);
}

/* --- live ---------------------------------------------------------------- */

static void test_live(void **state)
{
	static const char *const exact[] = {
		"meminfo.active_split", "meminfo.inactive_split", "meminfo.slab_split",
	};
	struct fx x;
	struct res o;
	uint64_t live;

	memset(&x, 0, sizeof(x));
	assert_int_equal(memacct_source_new(NULL, NULL, &x.src), 0);
	assert_int_equal(memacct_source_get(x.src, MEMACCT_SOURCE_LIVE, &live), 0);
	assert_u64_equal(live, 1);
	assert_int_equal(memacct_snapshot_new(&x.snap), 0);
	assert_int_equal(memacct_snapshot_set_source(x.snap, x.src), 0);
	assert_int_equal(memacct_meminfo_new(&x.mi), 0);
	assert_int_equal(memacct_meminfo_read(x.mi, x.src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_meminfo(x.snap, x.mi), 0);
	assert_int_equal(memacct_buddyinfo_new(&x.bi), 0);
	assert_int_equal(memacct_buddyinfo_read(x.bi, x.src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_buddyinfo(x.snap, x.bi), 0);
	assert_int_equal(memacct_vmstat_new(&x.vs), 0);
	assert_int_equal(memacct_vmstat_read(x.vs, x.src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_vmstat(x.snap, x.vs), 0);
	assert_int_equal(memacct_zoneinfo_new(&x.zi), 0);
	assert_int_equal(memacct_zoneinfo_read(x.zi, x.src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_zoneinfo(x.snap, x.zi), 0);

	/* Everywhere, one print of meminfo adds up exactly. */
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		expect_holds_exactly(&x, exact[i]);
	fx_run(&x, "meminfo.kreclaimable_ge_sreclaimable", &o);
	assert_true(o.status == MEMACCT_CHECK_HOLDS || o.status == MEMACCT_CHECK_SKIPPED);

	/* buddyinfo is there, so the check is made (whatever it finds) and says it was live. */
	fx_run(&x, "meminfo.free_vs_buddyinfo", &o);
	assert_int_not_equal(o.status, MEMACCT_CHECK_SKIPPED);
	assert_contains(o.reason, "two files read at different moments");
	fx_run(&x, "meminfo.file_pages_vs_vmstat", &o);
	assert_int_not_equal(o.status, MEMACCT_CHECK_SKIPPED);
	fx_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_active_split),
		cmocka_unit_test(test_inactive_split),
		cmocka_unit_test(test_slab_split),
		cmocka_unit_test(test_kreclaimable),
		cmocka_unit_test(test_free_le_total),
		cmocka_unit_test(test_mapped_in_cached),
		cmocka_unit_test(test_anonhuge_in_anon),
		cmocka_unit_test(test_shmemhuge_in_shmem),
		cmocka_unit_test(test_mlocked_in_unevictable),
		cmocka_unit_test(test_hugetlb_pool),
		cmocka_unit_test(test_swap_bounds),
		cmocka_unit_test(test_directmap),
		cmocka_unit_test(test_file_lru_vs_cache),
		cmocka_unit_test(test_anon_lru_vs_anon),
		cmocka_unit_test(test_free_vs_buddyinfo),
		cmocka_unit_test(test_file_pages_vs_vmstat),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_fixture_quiet),
		cmocka_unit_test(test_fixture_shmem),
		cmocka_unit_test(test_fixture_mlock),
		cmocka_unit_test(test_fixture_damaged_slab),
		cmocka_unit_test(test_fixture_damaged_lenient),
		cmocka_unit_test(test_fixture_old),
		cmocka_unit_test(test_fixture_highmem),
		cmocka_unit_test(test_fixture_arm64),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
