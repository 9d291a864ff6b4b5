/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include <memacct/memacct.h>

#include "test-tree.h"
#include "test-alloc.h"

#define KB UINT64_C(1024)
#define MI(k) MEMACCT_MEMINFO_##k

static struct memacct_source *source(const char *root)
{
	struct memacct_source *src = NULL;

	assert_int_equal(memacct_source_new(root, NULL, &src), 0);
	return src;
}

static void expect(const struct memacct_meminfo *mi, uint32_t key, uint64_t want)
{
	uint64_t v = UINT64_MAX;

	assert_int_equal(memacct_meminfo_get(mi, key, &v), 0);
	assert_u64_equal(v, want);
}

static const struct memacct_meminfo *node_mi(const struct memacct_nodes *nodes, size_t i,
					     int want_id)
{
	const struct memacct_meminfo *mi = NULL;
	int id = -1, n = -1;

	assert_int_equal(memacct_nodes_get_id(nodes, i, &id), 0);
	assert_int_equal(id, want_id);
	assert_int_equal(memacct_nodes_get_meminfo(nodes, i, &mi), 0);
	assert_non_null(mi);
	assert_int_equal(memacct_meminfo_get_node(mi, &n), 0);
	assert_int_equal(n, want_id);
	return mi;
}

/* This machine's one node (MANIFEST of fixtures/kernel-live). */
static void test_live_fixture(void **state)
{
	struct memacct_source *src = source(MEMACCT_FIXTURES "/kernel-live/proc");
	const struct memacct_meminfo *mi;
	struct memacct_nodes *nodes;
	const char *name;
	uint64_t v = 9;
	uint32_t unit, key;
	int id;

	(void)state;
	assert_int_equal(memacct_nodes_new(&nodes), 0);
	assert_int_equal(memacct_nodes_read(nodes, src, NULL), 0);
	assert_int_equal(memacct_nodes_count(nodes), 1);
	mi = node_mi(nodes, 0, 0);
	expect(mi, MI(MEMTOTAL), 24683748 * KB);
	expect(mi, MI(MEMFREE), 23573532 * KB);
	expect(mi, MI(MEMUSED), (24683748 - 23573532) * KB);
	expect(mi, MI(FILEPAGES), 883580 * KB);
	expect(mi, MI(ANONPAGES), 18628 * KB);
	expect(mi, MI(SHMEM), 10152 * KB);
	expect(mi, MI(SLAB), 114816 * KB);
	expect(mi, MI(HUGEPAGES_TOTAL), 8);
	expect(mi, MI(HUGEPAGES_FREE), 5);
	expect(mi, MI(HUGEPAGES_SURP), 0);
	/* Not printed per node. */
	assert_int_equal(memacct_meminfo_get(mi, MI(HUGEPAGES_RSVD), &v), -ENOENT);
	assert_int_equal(memacct_meminfo_get(mi, MI(CACHED), &v), -ENOENT);
	assert_u64_equal(v, 9);
	/* Names lose the prefix. */
	assert_int_equal(memacct_meminfo_at(mi, 0, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "MemTotal");
	assert_int_equal(key, MI(MEMTOTAL));
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(memacct_meminfo_count(mi), 36);
	assert_int_equal(memacct_nodes_get_id(nodes, 1, &id), -ERANGE);
	assert_int_equal(memacct_nodes_get_meminfo(nodes, 1, &mi), -ERANGE);
	memacct_nodes_free(nodes);
	memacct_source_free(src);
}

/* Hand-made: two nodes, sorted by id. */
static void test_two_nodes(void **state)
{
	struct memacct_source *src = source(MEMACCT_FIXTURES "/kernel-2node/proc");
	const struct memacct_meminfo *mi;
	struct memacct_nodes *nodes;

	(void)state;
	assert_int_equal(memacct_nodes_new(&nodes), 0);
	for (int pass = 0; pass < 2; pass++) {	/* the second parse takes the fast path */
		assert_int_equal(memacct_nodes_read(nodes, src, NULL), 0);
		assert_int_equal(memacct_nodes_count(nodes), 2);
		mi = node_mi(nodes, 0, 0);
		expect(mi, MI(MEMTOTAL), 8388608 * KB);
		expect(mi, MI(MEMFREE), 6291456 * KB);
		expect(mi, MI(FILEPAGES), 1048576 * KB);
		expect(mi, MI(SLAB), 131072 * KB);
		expect(mi, MI(HUGEPAGES_TOTAL), 2);
		mi = node_mi(nodes, 1, 1);
		expect(mi, MI(MEMTOTAL), 8126464 * KB);
		expect(mi, MI(MEMFREE), 7340032 * KB);
		expect(mi, MI(ANONPAGES), 131072 * KB);
		expect(mi, MI(SHMEM), 16384 * KB);
		expect(mi, MI(HUGEPAGES_FREE), 2);
	}
	memacct_nodes_free(nodes);
	memacct_source_free(src);
}

static void test_absent(void **state)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_source *src = source(MEMACCT_FIXTURES "/quiet/proc");
	struct memacct_nodes *nodes;
	struct tree t;

	(void)state;
	assert_int_equal(memacct_nodes_new(&nodes), 0);
	assert_int_equal(memacct_nodes_read(nodes, src, &d), -ENOENT);
	assert_string_equal(d.message, "no sys tree beside the root (a capture without sysfs)");
	assert_int_equal(memacct_nodes_count(nodes), 0);
	memacct_source_free(src);

	tree_make(&t, "nodes-absent");
	tree_mkdir(&t, "sys/devices/system");
	src = source(t.proc);
	assert_int_equal(memacct_nodes_read(nodes, src, &d), -ENOENT);
	assert_string_equal(d.message, "no node directory in sysfs: the kernel was built without NUMA");
	/* A node directory without meminfo. */
	tree_mkdir(&t, "sys/devices/system/node/node0");
	assert_int_equal(memacct_nodes_read(nodes, src, &d), -ENOENT);
	assert_string_equal(d.key, "devices/system/node/node0/meminfo");
	assert_string_equal(d.message, "cannot read a node's meminfo");
	memacct_source_free(src);
	tree_remove(&t);
	memacct_nodes_free(nodes);
}

static void parse_fails(const char *text, uint32_t line, uint32_t col, const char *key,
			const char *msg)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_meminfo *mi;
	uint64_t v;
	int n;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_int_equal(memacct_meminfo_parse(mi, text, strlen(text), &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, line, col, key);
	assert_string_equal(d.message, msg);
	assert_int_equal(memacct_meminfo_get(mi, MI(MEMTOTAL), &v), -ENOENT);
	assert_int_equal(memacct_meminfo_get_node(mi, &n), -ENOENT);

	/* Lenient: the line is skipped and counted. */
	assert_int_equal(memacct_meminfo_set_flags(mi, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_meminfo_parse(mi, text, strlen(text), NULL), 0);
	assert_int_equal(memacct_meminfo_count_skipped(mi), 1);
	expect(mi, MI(MEMTOTAL), 100 * KB);
	memacct_meminfo_free(mi);
}

/* Every line must carry the first line's "Node N " prefix, or none may. */
static void test_prefix_rules(void **state)
{
	(void)state;
	parse_fails("Node 0 MemTotal:  100 kB\nNode 1 MemFree:    50 kB\n", 2, 1, "Node 1 MemFree",
		    "mixed \"Node N\" prefixes: this line's N differs from the first line's");
	parse_fails("Node 0 MemTotal:  100 kB\nMemFree:    50 kB\n", 2, 1, "MemFree",
		    "line without the \"Node N\" prefix of the file's first line");
	parse_fails("MemTotal:  100 kB\nNode 0 MemFree:    50 kB\n", 2, 1, "Node 0 MemFree",
		    "\"Node N\" prefix on a line of a file whose first line has none");
	parse_fails("Node 3 MemTotal:  100 kB\nNode 3 MemFree:    50\n", 2, 0, "MemFree",
		    "missing unit: expected kB");
}

/* One handle parses node files and /proc/meminfo in turn, fast path included. */
static void test_prefix_switch(void **state)
{
	static const char node0[] = "Node 0 MemTotal:       100 kB\nNode 0 MemFree:         40 kB\n"
				    "Node 0 HugePages_Total:     2\n";
	static const char node12[] = "Node 12 MemTotal:       100 kB\nNode 12 MemFree:         40 kB\n"
				     "Node 12 HugePages_Total:     2\n";
	static const char mixed[] = "Node 0 MemTotal:       100 kB\nNode 1 MemFree:         40 kB\n"
				    "Node 0 HugePages_Total:     2\n";
	static const char plain[] = "MemTotal:       100 kB\nMemFree:         30 kB\n"
				    "HugePages_Total:     2\n";
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_meminfo *mi;
	int n = -1;

	(void)state;
	assert_int_equal(memacct_meminfo_new(&mi), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(memacct_meminfo_parse(mi, node0, strlen(node0), NULL), 0);
		assert_int_equal(memacct_meminfo_get_node(mi, &n), 0);
		assert_int_equal(n, 0);
		expect(mi, MI(MEMFREE), 40 * KB);
		expect(mi, MI(HUGEPAGES_TOTAL), 2);
	}
	assert_int_equal(memacct_meminfo_parse(mi, node12, strlen(node12), NULL), 0);
	assert_int_equal(memacct_meminfo_get_node(mi, &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(memacct_meminfo_count(mi), 3);
	/* After a node file, its fast path must not take another node's line. */
	assert_int_equal(memacct_meminfo_parse(mi, node0, strlen(node0), NULL), 0);
	assert_int_equal(memacct_meminfo_parse(mi, mixed, strlen(mixed), &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, 2, 1, "Node 1 MemFree");
	assert_int_equal(memacct_meminfo_parse(mi, node0, strlen(node0), NULL), 0);
	assert_int_equal(memacct_meminfo_parse(mi, plain, strlen(plain), NULL), 0);
	assert_int_equal(memacct_meminfo_get_node(mi, &n), -ENOENT);
	expect(mi, MI(MEMFREE), 30 * KB);
	assert_int_equal(memacct_meminfo_parse(mi, node0, strlen(node0), NULL), 0);
	expect(mi, MI(MEMFREE), 40 * KB);
	assert_int_equal(memacct_meminfo_get_node(NULL, &n), -EINVAL);
	memacct_meminfo_free(mi);
}

/* Node files that disagree with their directory, or with themselves, fail the read. */
static void test_bad_node_files(void **state)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_source *src;
	struct memacct_nodes *nodes;
	struct tree t;

	(void)state;
	assert_int_equal(memacct_nodes_new(&nodes), 0);
	tree_make(&t, "nodes-bad");
	tree_put(&t, "sys/devices/system/node/node0/meminfo", "Node 0 MemTotal:  100 kB\n");
	tree_put(&t, "sys/devices/system/node/node1/meminfo",
		 "Node 1 MemTotal:  100 kB\nNode 0 MemFree:  100 kB\n");
	tree_put(&t, "sys/devices/system/node/possible", "0-1\n");
	src = source(t.proc);
	assert_int_equal(memacct_nodes_read(nodes, src, &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, 2, 1, "Node 0 MemFree");
	assert_int_equal(memacct_nodes_count(nodes), 0);

	tree_put(&t, "sys/devices/system/node/node1/meminfo", "Node 0 MemTotal:  100 kB\n");
	assert_int_equal(memacct_nodes_read(nodes, src, &d), -EBADMSG);
	assert_string_equal(d.message,
			    "the \"Node N\" of a node's meminfo differs from its directory's N");

	tree_put(&t, "sys/devices/system/node/node1/meminfo", "MemTotal:  100 kB\n");
	assert_int_equal(memacct_nodes_read(nodes, src, &d), -EBADMSG);
	assert_string_equal(d.message, "node meminfo without the \"Node N\" prefix");

	tree_put(&t, "sys/devices/system/node/node1/meminfo", "Node 1 MemTotal:  100 kB\n");
	assert_int_equal(memacct_nodes_read(nodes, src, NULL), 0);
	assert_int_equal(memacct_nodes_count(nodes), 2);
	node_mi(nodes, 1, 1);
	memacct_source_free(src);
	tree_remove(&t);

	assert_int_equal(memacct_nodes_new(NULL), -EINVAL);
	assert_int_equal(memacct_nodes_read(nodes, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_nodes_count(NULL), -EINVAL);
	assert_null(memacct_nodes_free(NULL));
	memacct_nodes_free(nodes);
}

/* Once grown, a refill of nodes and hugepages allocates nothing (live and captured). */
static void test_refill_allocates_nothing(void **state)
{
	static const char *const roots[] = { NULL, MEMACCT_FIXTURES "/kernel-2node/proc" };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct memacct_source *src = NULL;
		struct memacct_nodes *nodes;
		struct memacct_hugepages *hp;
		unsigned long before;
		int rn, rh;

		assert_int_equal(memacct_source_new(roots[k], NULL, &src), 0);
		assert_int_equal(memacct_nodes_new(&nodes), 0);
		assert_int_equal(memacct_hugepages_new(&hp), 0);
		before = allocs;
		rn = memacct_nodes_read(nodes, src, NULL);
		rh = memacct_hugepages_read(hp, src, NULL);
		if (k == 1) {
			assert_int_equal(rn, 0);
			assert_int_equal(rh, 0);
		}
		if (alloc_counter_live(before)) {
			before = allocs;
			for (int i = 0; i < 100; i++) {
				assert_int_equal(memacct_nodes_read(nodes, src, NULL), rn);
				assert_int_equal(memacct_hugepages_read(hp, src, NULL), rh);
			}
			assert_int_equal(allocs - before, 0);
		}
		memacct_hugepages_free(hp);
		memacct_nodes_free(nodes);
		memacct_source_free(src);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_fixture),
		cmocka_unit_test(test_two_nodes),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_prefix_rules),
		cmocka_unit_test(test_prefix_switch),
		cmocka_unit_test(test_bad_node_files),
		cmocka_unit_test(test_refill_allocates_nothing),
	};

	return cmocka_run_group_tests_name("nodes", tests, NULL, NULL);
}
