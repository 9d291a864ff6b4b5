/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include <memacct/memacct.h>

#include "test-tree.h"

#define KB UINT64_C(1024)

/* The inputs of the kernel-side identities, read from one capture. */
struct inputs {
	struct memacct_source *src;
	struct memacct_meminfo *mi;
	struct memacct_zoneinfo *zi;
	struct memacct_hugepages *hp;
	struct memacct_nodes *nodes;
	struct memacct_snapshot *snap;
};

/* The verdicts of hugetlb.pools_sum, hugetlb.default_pool and numa.nodes_sum. */
struct verdict {
	uint32_t status, unit;
	int64_t residual;
	uint64_t lhs, rhs, tolerance;
	char relation[160], reason[1024], missing[256];
};

struct verdicts {
	int n;
	struct verdict pools_sum, default_pool, nodes_sum;
};

static int collect(const struct memacct_check_result *r, void *userdata)
{
	struct verdicts *v = userdata;
	struct verdict *x;

	v->n++;
	if (!strcmp(r->id, "hugetlb.pools_sum"))
		x = &v->pools_sum;
	else if (!strcmp(r->id, "hugetlb.default_pool"))
		x = &v->default_pool;
	else if (!strcmp(r->id, "numa.nodes_sum"))
		x = &v->nodes_sum;
	else
		return -EINVAL;
	x->status = r->status;
	x->unit = r->unit;
	x->residual = r->residual;
	x->lhs = r->lhs;
	x->rhs = r->rhs;
	x->tolerance = r->tolerance;
	snprintf(x->relation, sizeof(x->relation), "%s", r->relation ? r->relation : "");
	snprintf(x->reason, sizeof(x->reason), "%s", r->reason);
	snprintf(x->missing, sizeof(x->missing), "%s", r->missing ? r->missing : "");
	return 0;
}

/* Read what a capture has; sysfs parts it lacks are left out of the snapshot. */
static void load(struct inputs *in, const char *root)
{
	memset(in, 0, sizeof(*in));
	assert_int_equal(memacct_source_new(root, NULL, &in->src), 0);
	assert_int_equal(memacct_meminfo_new(&in->mi), 0);
	assert_int_equal(memacct_zoneinfo_new(&in->zi), 0);
	assert_int_equal(memacct_hugepages_new(&in->hp), 0);
	assert_int_equal(memacct_nodes_new(&in->nodes), 0);
	assert_int_equal(memacct_snapshot_new(&in->snap), 0);
	assert_int_equal(memacct_meminfo_read(in->mi, in->src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_meminfo(in->snap, in->mi), 0);
	if (memacct_zoneinfo_read(in->zi, in->src, NULL) == 0)
		assert_int_equal(memacct_snapshot_set_zoneinfo(in->snap, in->zi), 0);
	if (memacct_hugepages_read(in->hp, in->src, NULL) == 0)
		assert_int_equal(memacct_snapshot_set_hugepages(in->snap, in->hp), 0);
	if (memacct_nodes_read(in->nodes, in->src, NULL) == 0)
		assert_int_equal(memacct_snapshot_set_nodes(in->snap, in->nodes), 0);
	assert_int_equal(memacct_snapshot_set_source(in->snap, in->src), 0);
}

static void unload(struct inputs *in)
{
	memacct_snapshot_free(in->snap);
	memacct_nodes_free(in->nodes);
	memacct_hugepages_free(in->hp);
	memacct_zoneinfo_free(in->zi);
	memacct_meminfo_free(in->mi);
	memacct_source_free(in->src);
}

static int run(const struct inputs *in, struct verdicts *v)
{
	static const char *const only[] = { "hugetlb.*", "numa.*", NULL };
	struct memacct_check_opts opts = { .sz = sizeof(opts), .only = only };
	int r;

	memset(v, 0, sizeof(*v));
	r = memacct_check_run(in->snap, &opts, collect, v);
	assert_int_equal(v->n, 3);
	return r;
}

/* This machine: 8 pages of 2048 kB, one node; every side equal (MANIFEST). */
static void test_live_holds(void **state)
{
	struct inputs in;
	struct verdicts v;

	(void)state;
	load(&in, MEMACCT_FIXTURES "/kernel-live/proc");
	assert_int_equal(run(&in, &v), 0);
	assert_int_equal(v.pools_sum.status, MEMACCT_CHECK_HOLDS);
	assert_u64_equal(v.pools_sum.lhs, 16384 * KB);
	assert_u64_equal(v.pools_sum.rhs, 8 * 2048 * KB);
	assert_int_equal(v.pools_sum.residual, 0);
	assert_u64_equal(v.pools_sum.tolerance, 0);
	assert_string_equal(v.pools_sum.reason,
			    "Hugetlb = sum over the pools of nr_hugepages x size = 16384 kB.");
	assert_int_equal(v.default_pool.status, MEMACCT_CHECK_HOLDS);
	assert_int_equal(v.default_pool.unit, MEMACCT_UNIT_COUNT);
	assert_int_equal(v.nodes_sum.status, MEMACCT_CHECK_HOLDS);
	assert_int_equal(v.nodes_sum.residual, 0);
	unload(&in);
}

/* Hand-made: two nodes, two pool sizes, sums made by hand (MANIFEST). */
static void test_two_nodes_hold(void **state)
{
	struct inputs in;
	struct verdicts v;

	(void)state;
	load(&in, MEMACCT_FIXTURES "/kernel-2node/proc");
	assert_int_equal(run(&in, &v), 0);
	assert_int_equal(v.pools_sum.status, MEMACCT_CHECK_HOLDS);
	assert_u64_equal(v.pools_sum.lhs, 2105344 * KB);
	assert_u64_equal(v.pools_sum.rhs, (4 * 2048 + 2 * 1048576) * KB);
	assert_int_equal(v.default_pool.status, MEMACCT_CHECK_HOLDS);
	assert_int_equal(v.nodes_sum.status, MEMACCT_CHECK_HOLDS);
	assert_int_equal(v.nodes_sum.residual, 0);
	/* No zoneinfo: 4 CPUs x 125 pages x 4096 B per counter; MemTotal has none. */
	assert_non_null(strstr(v.nodes_sum.reason, " = "));
	unload(&in);
}

/* The broken copy: node1's MemFree 262144 kB short, the 1 GiB pool one page over. */
static void test_broken_violated(void **state)
{
	struct inputs in;
	struct verdicts v;

	(void)state;
	load(&in, MEMACCT_FIXTURES "/kernel-2node-broken/proc");
	assert_int_equal(run(&in, &v), 2);

	assert_int_equal(v.pools_sum.status, MEMACCT_CHECK_VIOLATED);
	assert_u64_equal(v.pools_sum.lhs, 2105344 * KB);
	assert_u64_equal(v.pools_sum.rhs, 3153920 * KB);
	assert_true(v.pools_sum.residual == -(int64_t)(1048576 * KB));
	assert_string_equal(v.pools_sum.reason,
			    "Hugetlb (2105344 kB) is 1048576 kB below sum over the pools of "
			    "nr_hugepages x size (3153920 kB), more than the tolerance of 0 kB: "
			    "Hugetlb is printed from the same per-pool counters, so a pool was "
			    "resized between the two reads, or a file is damaged.");

	assert_int_equal(v.default_pool.status, MEMACCT_CHECK_HOLDS);

	assert_int_equal(v.nodes_sum.status, MEMACCT_CHECK_VIOLATED);
	assert_string_equal(v.nodes_sum.relation, "sum of the nodes' MemFree = MemFree");
	assert_u64_equal(v.nodes_sum.lhs, 13369344 * KB);
	assert_u64_equal(v.nodes_sum.rhs, 13631488 * KB);
	assert_true(v.nodes_sum.residual == -(int64_t)(262144 * KB));
	assert_u64_equal(v.nodes_sum.tolerance, 1 * 4 * 125 * 4096);
	assert_non_null(strstr(v.nodes_sum.reason, "so a node is missing from the capture or a "
				"file is damaged (the worst of 6 parts checked)"));
	unload(&in);
}

/* fixtures/quiet has no sys/ tree: every kernel-side identity is skipped, and says why. */
static void test_absent_skipped(void **state)
{
	struct inputs in;
	struct verdicts v;

	(void)state;
	load(&in, MEMACCT_FIXTURES "/quiet/proc");
	assert_int_equal(run(&in, &v), 0);
	assert_int_equal(v.pools_sum.status, MEMACCT_CHECK_SKIPPED);
	assert_string_equal(v.pools_sum.missing, "hugepage pools (sysfs kernel/mm/hugepages)");
	assert_string_equal(v.pools_sum.reason,
			    "skipped: hugepage pools (sysfs kernel/mm/hugepages) is absent, and an "
			    "absent input is never read as zero.");
	assert_int_equal(v.default_pool.status, MEMACCT_CHECK_SKIPPED);
	assert_string_equal(v.default_pool.missing, "hugepage pools (sysfs kernel/mm/hugepages)");
	assert_int_equal(v.nodes_sum.status, MEMACCT_CHECK_SKIPPED);
	assert_string_equal(v.nodes_sum.missing, "NUMA nodes (sysfs devices/system/node)");
	assert_string_equal(v.nodes_sum.reason,
			    "skipped: NUMA nodes (sysfs devices/system/node) is absent, and an "
			    "absent input is never read as zero.");
	unload(&in);
}

/* Before 4.16 meminfo has no Hugetlb line; a node file lacking a field; no pool at all. */
static void test_fields_absent(void **state)
{
	struct inputs in, old;
	struct memacct_hugepages *empty;
	struct memacct_source *src;
	struct verdicts v;
	struct tree t;

	(void)state;
	load(&in, MEMACCT_FIXTURES "/kernel-2node/proc");
	load(&old, MEMACCT_FIXTURES "/old-2.6.32/proc");
	assert_int_equal(memacct_snapshot_set_meminfo(in.snap, old.mi), 0);
	assert_true(run(&in, &v) >= 0);	/* the other two compare 2.6.32 with kernel-2node */
	assert_int_equal(v.pools_sum.status, MEMACCT_CHECK_SKIPPED);
	assert_string_equal(v.pools_sum.missing, "Hugetlb (printed since Linux 4.16)");
	unload(&old);

	tree_make(&t, "check-kernel");
	tree_mkdir(&t, "sys/kernel/mm/hugepages");
	assert_int_equal(memacct_source_new(t.proc, NULL, &src), 0);
	assert_int_equal(memacct_hugepages_new(&empty), 0);
	assert_int_equal(memacct_hugepages_read(empty, src, NULL), 0);
	assert_int_equal(memacct_snapshot_set_meminfo(in.snap, in.mi), 0);
	assert_int_equal(memacct_snapshot_set_hugepages(in.snap, empty), 0);
	assert_int_equal(run(&in, &v), 0);
	assert_int_equal(v.pools_sum.status, MEMACCT_CHECK_SKIPPED);
	assert_string_equal(v.pools_sum.missing,
			    "hugepage pools (sysfs kernel/mm/hugepages has none)");

	/* A node file without FilePages: that part only is left out. */
	tree_put(&t, "sys/devices/system/node/node0/meminfo",
		 "Node 0 MemTotal: 16515072 kB\nNode 0 MemFree: 13631488 kB\n"
		 "Node 0 AnonPages: 655360 kB\nNode 0 Shmem: 81920 kB\nNode 0 Slab: 196608 kB\n");
	assert_int_equal(memacct_nodes_read(in.nodes, src, NULL), 0);
	assert_int_equal(run(&in, &v), 0);
	assert_int_equal(v.nodes_sum.status, MEMACCT_CHECK_HOLDS);
	assert_non_null(strstr(v.nodes_sum.reason,
			       "not checked for lack of an input: sum of the nodes' FilePages = "
			       "Cached + Buffers + SwapCached (node meminfo FilePages absent)"));
	memacct_hugepages_free(empty);
	memacct_source_free(src);
	tree_remove(&t);
	unload(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_holds),
		cmocka_unit_test(test_two_nodes_hold),
		cmocka_unit_test(test_broken_violated),
		cmocka_unit_test(test_absent_skipped),
		cmocka_unit_test(test_fields_absent),
	};

	return cmocka_run_group_tests_name("check-kernel", tests, NULL, NULL);
}
