/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-process pagemap identities (lib/check-pages.c): each holds on a
 * live memstate state, holds on a hand-built capture (a sparse pagemap and
 * kpagecount, and an smaps that agrees), is violated when the smaps
 * disagrees (a caveat instead when the inputs were read live), and is
 * skipped when an input is missing.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "test-util.h"
#include "test-memstate.h"
#include "memacct.h"

#define PS UINT64_C(4096)
#define KB(x) ((uint64_t)(x) * 1024)
#define FIX(mapcount) ((PS << 12) / (mapcount))
#define P MEMACCT_PM_PRESENT
#define X MEMACCT_PM_EXCLUSIVE
#define NIDS 5
#define CAP_PID 100

static const char *const ids[NIDS] = {
	"pagemap.present_vs_rss", "pagemap.swapped_vs_swap", "pagemap.exclusive_vs_private",
	"pages.pss_from_mapcount", "pages.uss_from_mapcount",
};

static int teardown(void **state)
{
	memstate_stop_all();
	return 0;
}

struct got {
	int n;
	uint32_t status[NIDS];
	int64_t residual[NIDS];
	uint64_t lhs[NIDS], rhs[NIDS];
	int32_t pid[NIDS];
	char reason[NIDS][1024];
	char missing[NIDS][256];
	char caveat[NIDS][512];
	char source[NIDS][256];
};

static int collect(const struct memacct_check_result *r, void *userdata)
{
	struct got *g = userdata;
	int i = g->n++;

	assert_true(i < NIDS);
	assert_string_equal(r->id, ids[i]);
	assert_int_equal(r->kind, MEMACCT_CHECK_APPROX);
	g->status[i] = r->status;
	g->residual[i] = r->residual;
	g->lhs[i] = r->lhs;
	g->rhs[i] = r->rhs;
	g->pid[i] = r->pid;
	snprintf(g->reason[i], sizeof(g->reason[i]), "%s", r->reason ? r->reason : "");
	snprintf(g->missing[i], sizeof(g->missing[i]), "%s", r->missing ? r->missing : "");
	snprintf(g->caveat[i], sizeof(g->caveat[i]), "%s", r->caveat ? r->caveat : "");
	snprintf(g->source[i], sizeof(g->source[i]), "%s", r->source ? r->source : "");
	return 0;
}

/* Run the five identities on @smaps and @ex of @pid; @return the violations. */
static int run(int pid, const struct memacct_vmas *smaps, const struct memacct_exact *ex,
	       bool live, struct got *g)
{
	static const char *const only[] = { "pagemap.*", "pages.pss_from_mapcount",
					    "pages.uss_from_mapcount", NULL };
	struct memacct_check_opts o = { .sz = sizeof(o), .only = only };
	struct memacct_snapshot *snap = NULL;
	int k;

	memset(g, 0, sizeof(*g));
	assert_int_equal(memacct_snapshot_new(&snap), 0);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_PAGE_SIZE, PS), 0);
	assert_int_equal(memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_LIVE, live), 0);
	assert_int_equal(memacct_snapshot_set_process(snap, pid, NULL, NULL, NULL, smaps, NULL), 0);
	assert_int_equal(memacct_snapshot_set_exact(snap, ex), 0);
	k = memacct_check_run(snap, &o, collect, g);
	memacct_snapshot_free(snap);
	assert_true(k >= 0);
	assert_int_equal(g->n, NIDS);
	for (int i = 0; i < NIDS; i++) {
		assert_int_equal(g->pid[i], pid);
		assert_non_null(strstr(g->source[i], "fs/proc/"));
	}
	return k;
}

static int idx(const char *id)
{
	for (int i = 0; i < NIDS; i++)
		if (!strcmp(ids[i], id))
			return i;
	fail_msg("unknown id %s", id);
	return -1;
}

static void expect(const struct got *g, const char *id, uint32_t status, int64_t residual,
		   const char *in_text)
{
	int i = idx(id);

	if (g->status[i] != status || g->residual[i] != residual)
		fprintf(stderr, "%s: status %u residual %" PRId64 ": %s\n", id, g->status[i],
			g->residual[i], g->reason[i]);
	assert_int_equal(g->status[i], status);
	assert_true(g->residual[i] == residual);
	if (in_text && !strstr(g->reason[i], in_text))
		fail_msg("%s: '%s' not in '%s'", id, in_text, g->reason[i]);
}

static uint64_t ex_get(const struct memacct_exact *ex, uint32_t key)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_exact_get(ex, key, &v), 0);
	return v;
}

static uint64_t smaps_total(const struct memacct_vmas *v, uint32_t key)
{
	uint64_t sum = 0, x;

	for (int i = 0; i < memacct_vmas_count(v); i++) {
		x = 0xdeadbeef;
		assert_int_equal(memacct_vma_get(memacct_vmas_at(v, (size_t)i), key, &x), 0);
		sum += x;
	}
	return sum;
}

/* --- live ------------------------------------------------------------------ */

/* Every identity holds (swap may be a caveat: shmem) on each process of a state. */
static void live_state(const char *const *args)
{
	struct memacct_source *src = NULL;
	struct memacct_exact *ex = NULL;
	struct memacct_vmas *sm = NULL, *again = NULL;
	struct memstate m;
	struct got g;
	int r;

	if (geteuid() != 0)
		skip();
	r = memstate_start(&m, args);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_exact_new(&ex), 0);
	assert_int_equal(memacct_vmas_new(&sm), 0);
	assert_int_equal(memacct_vmas_new(&again), 0);
	for (int i = 0; i < m.npids; i++) {
		bool all = false;

		/*
		 * A pair of smaps reads that no other process disturbed: then each
		 * must hold. A process starting or exiting during the kpagecount
		 * lookups moves libc's mapcounts for a moment, unseen by smaps:
		 * such a read is taken again.
		 */
		for (int tries = 0; tries < 50 && !all; tries++) {
			assert_int_equal(memstate_read_exact(src, m.pids[i], sm, again, ex, 0), 0);
			assert_int_equal(run(m.pids[i], sm, ex, true, &g), 0);
			all = true;
			for (int k = 0; k < NIDS; k++)
				all &= g.status[k] == MEMACCT_CHECK_HOLDS;
		}
		for (int k = 0; k < NIDS; k++)
			if (g.status[k] != MEMACCT_CHECK_HOLDS)
				fail_msg("%s %s on %d: %s", args[0], ids[k], m.pids[i], g.reason[k]);
		/* the values reported are the two accounts' */
		assert_u64_equal(g.lhs[idx("pages.pss_from_mapcount")], ex_get(ex, MEMACCT_EXACT_PSS));
		assert_u64_equal(g.rhs[idx("pages.pss_from_mapcount")],
				 smaps_total(sm, MEMACCT_SMAPS_PSS));
		assert_u64_equal(g.lhs[idx("pages.uss_from_mapcount")], ex_get(ex, MEMACCT_EXACT_USS));
		assert_u64_equal(g.rhs[idx("pages.uss_from_mapcount")],
				 smaps_total(sm, MEMACCT_SMAPS_PRIVATE_CLEAN) +
				 smaps_total(sm, MEMACCT_SMAPS_PRIVATE_DIRTY));
		assert_u64_equal(g.lhs[idx("pagemap.exclusive_vs_private")],
				 ex_get(ex, MEMACCT_EXACT_EXCLUSIVE));
	}
	memstate_stop(&m);
	memacct_vmas_free(again);
	memacct_vmas_free(sm);
	memacct_exact_free(ex);
	memacct_source_free(src);
}

static void test_live_cow(void **state)
{
	const char *const args[] = { "cow", "64", "4", NULL };

	live_state(args);
}

static void test_live_shmem(void **state)
{
	const char *const args[] = { "shmem", "64", "2", NULL };

	live_state(args);
}

static void test_live_thp(void **state)
{
	const char *const args[] = { "thp", "64", NULL };

	live_state(args);
}

static void test_live_shared_file(void **state)
{
	const char *const args[] = { "shared-file", "16", "3", NULL };

	live_state(args);
}

/* --- a capture --------------------------------------------------------------- */

struct cap {
	char dir[64];
	char path[128];
	struct memacct_source *src;
	struct memacct_exact *ex;
	struct memacct_vmas *sm;
};

static void cap_text(struct cap *c, const char *name, const char *text)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

struct run {
	uint64_t index;
	size_t n;
	uint64_t values[16];
};

static void cap_sparse(struct cap *c, const char *name, const struct run *runs)
{
	struct memacct_sparse_writer *w = NULL;
	char path[192];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, UINT64_MAX, &w), 0);
	for (; runs->n; runs++)
		assert_int_equal(memacct_sparse_writer_add(w, runs->index, runs->values, runs->n), 0);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	assert_int_equal(close(fd), 0);
}

/*
 * VMA A, anonymous, 0x10000-0x20000: 4 exclusive pages; 0x2000-0x2003 of
 * kpagecount 2; 0x3000 of 3; 0x4000 of 0 (the zero page: present, not in
 * Rss); one swap entry. VMA B, a memfd, 0x30000-0x34000: one page of
 * kpagecount 2, and 8 kB of shmem in swap that pagemap cannot show. VMA C,
 * hugetlb, 0x40000-0x42000: two present entries. And the gate VMA.
 */
#define HA "00010000-00020000 rw-p 00000000 00:00 0 "
#define HB "00030000-00034000 rw-s 00000000 00:01 5 /memfd:x (deleted)"
#define HC "00040000-00042000 rw-p 00000000 00:10 6 /anon_hugepage (deleted)"
#define HG "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]"

static const uint64_t fix_a = 4 * FIX(1) + 4 * FIX(2) + FIX(3), fix_b = FIX(2);

static void cap_make(struct cap *c, bool hide_pfns)
{
	uint64_t m = hide_pfns ? 0 : MEMACCT_PM_PFN_MASK;
	const struct run pm[] = {
		{ 0x10, 11, { P | X | (0x1000 & m), P | X | (0x1001 & m), P | X | (0x1002 & m),
			      P | X | (0x1003 & m), P | (0x2000 & m), P | (0x2001 & m),
			      P | (0x2002 & m), P | (0x2003 & m), P | (0x3000 & m), P | (0x4000 & m),
			      MEMACCT_PM_SWAPPED | (3 << MEMACCT_PM_SWAP_OFFSET_SHIFT) } },
		{ 0x1b, 5, { 0 } },
		{ 0x30, 4, { P | MEMACCT_PM_FILE | (0x5000 & m), 0, 0, 0 } },
		{ 0x40, 2, { P | MEMACCT_PM_FILE | (0x8000 & m), P | MEMACCT_PM_FILE | (0x8001 & m) } },
		{ 0, 0, { 0 } },
	};
	const struct run kc[] = {
		{ 0x2000, 4, { 2, 2, 2, 2 } },
		{ 0x3000, 1, { 3 } },
		{ 0x4000, 1, { 0 } },
		{ 0x5000, 1, { 2 } },
		{ 0, 0, { 0 } },
	};

	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "/tmp/memacct-test-check-pages-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->path, sizeof(c->path), "%s/%d", c->dir, CAP_PID);
	assert_int_equal(mkdir(c->path, 0700), 0);
	cap_text(c, "MANIFEST", "page_size: 4096\n");
	cap_text(c, "100/maps", HA "\n" HB "\n" HC "\n" HG "\n");
	cap_sparse(c, "100/pagemap", pm);
	cap_sparse(c, "kpagecount", kc);
	assert_int_equal(memacct_source_new(c->dir, NULL, &c->src), 0);
	assert_int_equal(memacct_exact_new(&c->ex), 0);
	assert_int_equal(memacct_vmas_new(&c->sm), 0);
}

static void cap_free(struct cap *c)
{
	static const char *const names[] = { "MANIFEST", "kpagecount", "100/maps", "100/pagemap" };
	char path[192];

	memacct_vmas_free(c->sm);
	memacct_exact_free(c->ex);
	memacct_source_free(c->src);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, names[i]);
		unlink(path);
	}
	rmdir(c->path);
	rmdir(c->dir);
}

/* One smaps block; sizes in kB. */
static void block(char *buf, size_t sz, const char *header, unsigned size, unsigned rss,
		  unsigned pss, unsigned shared, unsigned private, unsigned swap, unsigned hugetlb,
		  const char *flags)
{
	size_t len = strlen(buf);

	snprintf(buf + len, sz - len,
		 "%s\nSize: %u kB\nKernelPageSize: 4 kB\nMMUPageSize: 4 kB\nRss: %u kB\n"
		 "Pss: %u kB\nShared_Clean: %u kB\nShared_Dirty: 0 kB\nPrivate_Clean: 0 kB\n"
		 "Private_Dirty: %u kB\nAnonHugePages: 0 kB\nShmemPmdMapped: 0 kB\n"
		 "FilePmdMapped: 0 kB\nShared_Hugetlb: 0 kB\nPrivate_Hugetlb: %u kB\n"
		 "Swap: %u kB\nVmFlags: %s\n",
		 header, size, rss, pss, shared, private, hugetlb, swap, flags);
}

struct edit {
	unsigned rss_a, pss_a, private_a, swap_a, swap_b, hugetlb_c;
	bool extra_vma;
};

/* The smaps of the capture, as the kernel would print it, changed by @e. */
static void cap_smaps(struct cap *c, const struct edit *e)
{
	char buf[4096] = "";
	/* show_smap: the fixed-point sum >> PSS_SHIFT, then >> 10 (kB), truncated */
	unsigned pss_a = (unsigned)(fix_a >> 22), pss_b = (unsigned)(fix_b >> 22);

	block(buf, sizeof(buf), HA, 64, e && e->rss_a ? e->rss_a : 36,
	      e && e->pss_a ? e->pss_a : pss_a, 20, e && e->private_a ? e->private_a : 16,
	      e && e->swap_a != 0 ? e->swap_a - 1 : 4, 0, "rd wr mr mw me ac");
	block(buf, sizeof(buf), HB, 16, 4, pss_b, 4, 0, e && e->swap_b ? e->swap_b - 1 : 8, 0,
	      "rd wr sh mr mw me ms");
	block(buf, sizeof(buf), HC, 8, 0, 0, 0, 0, 0, e && e->hugetlb_c ? e->hugetlb_c - 1 : 8,
	      "rd wr mr mw me de ht");
	if (e && e->extra_vma)
		block(buf, sizeof(buf), "00050000-00051000 rw-p 00000000 00:00 0 ", 4, 0, 0, 0, 0,
		      0, 0, "rd wr mr mw me ac");
	block(buf, sizeof(buf), HG, 4, 0, 0, 0, 0, 0, 0, "ex");
	assert_int_equal(memacct_smaps_parse(c->sm, buf, strlen(buf), NULL), 0);
}

static void test_capture_holds(void **state)
{
	struct cap c;
	struct got g;

	cap_make(&c, false);
	cap_smaps(&c, NULL);
	assert_int_equal(memacct_exact_read(c.ex, c.src, CAP_PID, c.sm, 0, NULL), 0);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 0);

	/* the zero page (kpagecount 0) is present but not in Rss: 9 of 10 present pages */
	expect(&g, "pagemap.present_vs_rss", MEMACCT_CHECK_HOLDS, 0, "with a kpagecount");
	assert_u64_equal(ex_get(c.ex, MEMACCT_EXACT_PRESENT), KB(44));
	assert_u64_equal(ex_get(c.ex, MEMACCT_EXACT_USS) + ex_get(c.ex, MEMACCT_EXACT_SHARED),
			 KB(36 + 4));
	/* B's 8 kB of shmem in swap: a caveat, even on a capture */
	expect(&g, "pagemap.swapped_vs_swap", MEMACCT_CHECK_CAVEAT, 0, NULL);
	assert_non_null(strstr(g.caveat[1], "8 kB of shmem"));
	expect(&g, "pagemap.exclusive_vs_private", MEMACCT_CHECK_HOLDS, 0, NULL);
	assert_u64_equal(g.lhs[2], KB(16));
	/* the exact total is above the kB-truncated sum, by under 1 kB per VMA */
	expect(&g, "pages.pss_from_mapcount", MEMACCT_CHECK_HOLDS,
	       (int64_t)(((fix_a + fix_b) >> 12) - KB((fix_a >> 22) + (fix_b >> 22))), NULL);
	assert_u64_equal(g.lhs[3], (fix_a + fix_b) >> 12);
	expect(&g, "pages.uss_from_mapcount", MEMACCT_CHECK_HOLDS, 0, NULL);
	assert_u64_equal(g.lhs[4], KB(16));
	cap_free(&c);
}

static void test_capture_violated(void **state)
{
	const struct edit rss = { .rss_a = 40 }, swap = { .swap_a = 1 },
		priv = { .private_a = 20 }, pss = { .pss_a = 30 }, huge = { .hugetlb_c = 5 },
		extra = { .extra_vma = true };
	struct cap c;
	struct got g;

	cap_make(&c, false);
	assert_int_equal(memacct_exact_read(c.ex, c.src, CAP_PID, NULL, 0, NULL), 0);

	/* Rss 40 kB: 4 kB more than the pages with a mapcount; the VMA is named */
	cap_smaps(&c, &rss);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 1);
	expect(&g, "pagemap.present_vs_rss", MEMACCT_CHECK_VIOLATED, -(int64_t)KB(4),
	       "the worst VMA: 00010000-00020000");
	/* read live, the same gap is a caveat */
	assert_int_equal(run(CAP_PID, c.sm, c.ex, true, &g), 0);
	expect(&g, "pagemap.present_vs_rss", MEMACCT_CHECK_CAVEAT, -(int64_t)KB(4), NULL);
	assert_non_null(strstr(g.caveat[0], "live"));

	/* a hugetlb VMA's pages against Private_Hugetlb */
	cap_smaps(&c, &huge);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 1);
	expect(&g, "pagemap.present_vs_rss", MEMACCT_CHECK_VIOLATED, (int64_t)KB(4),
	       "Shared_Hugetlb + Private_Hugetlb");

	/* an anonymous VMA's Swap 0 kB against one swapped entry */
	cap_smaps(&c, &swap);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 1);
	expect(&g, "pagemap.swapped_vs_swap", MEMACCT_CHECK_VIOLATED, (int64_t)KB(4), NULL);

	/* Private_Dirty 20 kB: both private identities; no THP to blame */
	cap_smaps(&c, &priv);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 2);
	expect(&g, "pagemap.exclusive_vs_private", MEMACCT_CHECK_VIOLATED, -(int64_t)KB(4), NULL);
	expect(&g, "pages.uss_from_mapcount", MEMACCT_CHECK_VIOLATED, -(int64_t)KB(4), NULL);

	/* Pss 30 kB of A: the exact PSS below smaps */
	cap_smaps(&c, &pss);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 1);
	expect(&g, "pages.pss_from_mapcount", MEMACCT_CHECK_VIOLATED,
	       (int64_t)((fix_a + fix_b) >> 12) - (int64_t)KB(30 + (fix_b >> 22)), NULL);

	/* a VMA smaps has and the exact account does not */
	cap_smaps(&c, &extra);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 2);
	expect(&g, "pagemap.present_vs_rss", MEMACCT_CHECK_VIOLATED, 1, "only one of");
	expect(&g, "pagemap.swapped_vs_swap", MEMACCT_CHECK_VIOLATED, 1, "only one of");
	cap_free(&c);
}

static void test_capture_no_mapcount(void **state)
{
	struct cap c;
	struct got g;

	/* a capture taken without CAP_SYS_ADMIN can still be read for pagemap alone */
	cap_make(&c, true);
	cap_smaps(&c, NULL);
	assert_int_equal(memacct_exact_read(c.ex, c.src, CAP_PID, c.sm, 0, NULL), -EPERM);
	assert_int_equal(memacct_exact_read(c.ex, c.src, CAP_PID, c.sm, MEMACCT_EXACT_NO_MAPCOUNT,
					    NULL), 0);
	assert_int_equal(run(CAP_PID, c.sm, c.ex, false, &g), 0);
	/* every present entry, the zero page's too: 4 kB above Rss, which may be zero pages */
	expect(&g, "pagemap.present_vs_rss", MEMACCT_CHECK_CAVEAT, (int64_t)KB(4), "zero page");
	expect(&g, "pagemap.exclusive_vs_private", MEMACCT_CHECK_HOLDS, 0, NULL);
	expect(&g, "pages.pss_from_mapcount", MEMACCT_CHECK_SKIPPED, 0, NULL);
	assert_string_equal(g.missing[3], "exact:PSS (read with MEMACCT_EXACT_NO_MAPCOUNT)");
	expect(&g, "pages.uss_from_mapcount", MEMACCT_CHECK_SKIPPED, 0, NULL);
	assert_string_equal(g.missing[4], "exact:USS (read with MEMACCT_EXACT_NO_MAPCOUNT)");
	cap_free(&c);
}

static void test_skipped(void **state)
{
	struct cap c;
	struct got g;

	cap_make(&c, false);
	cap_smaps(&c, NULL);
	assert_int_equal(memacct_exact_read(c.ex, c.src, CAP_PID, c.sm, 0, NULL), 0);
	run(CAP_PID, c.sm, NULL, false, &g);
	for (int i = 0; i < NIDS; i++) {
		assert_int_equal(g.status[i], MEMACCT_CHECK_SKIPPED);
		assert_string_equal(g.missing[i], "exact");
	}
	run(CAP_PID, NULL, c.ex, false, &g);
	for (int i = 0; i < NIDS; i++) {
		assert_int_equal(g.status[i], MEMACCT_CHECK_SKIPPED);
		assert_string_equal(g.missing[i], "smaps");
	}
	run(CAP_PID, NULL, NULL, false, &g);
	for (int i = 0; i < NIDS; i++)
		assert_string_equal(g.missing[i], "exact, smaps");
	cap_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_holds),
		cmocka_unit_test(test_capture_violated),
		cmocka_unit_test(test_capture_no_mapcount),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test_teardown(test_live_cow, teardown),
		cmocka_unit_test_teardown(test_live_shmem, teardown),
		cmocka_unit_test_teardown(test_live_thp, teardown),
		cmocka_unit_test_teardown(test_live_shared_file, teardown),
	};

	return cmocka_run_group_tests_name("check-pages", tests, NULL, NULL);
}
