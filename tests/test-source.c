/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"
#include "memacct.h"

static char tmp[] = "/tmp/memacct-test-source-XXXXXX";
static char proc[sizeof(tmp) + 8];

static void put(const char *rel, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static int setup(void **state)
{
	if (!mkdtemp(tmp))
		return -1;
	snprintf(proc, sizeof(proc), "%s/proc", tmp);
	return mkdir(proc, 0755);
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd);
}

static uint64_t prop(const struct memacct_source *src, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(memacct_source_get(src, key, &v), 0);
	return v;
}

static void test_live(void **state)
{
	struct memacct_source *src = NULL;
	const char *buf, *buf2;
	size_t len, len2;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(prop(src, MEMACCT_SOURCE_LIVE), 1);
	assert_int_equal(prop(src, MEMACCT_SOURCE_PAGE_SIZE), (uint64_t)sysconf(_SC_PAGESIZE));
	assert_int_equal(prop(src, MEMACCT_SOURCE_NCPUS), (uint64_t)sysconf(_SC_NPROCESSORS_ONLN));
	assert_int_equal(memacct_source_read_file(src, "meminfo", &buf, &len), 0);
	assert_true(len > 100);
	assert_memory_equal(buf, "MemTotal:", 9);
	/* The second read reuses the kept fd and buffer, and reads from offset 0. */
	assert_int_equal(memacct_source_read_file(src, "meminfo", &buf2, &len2), 0);
	assert_true(buf2 == buf);
	assert_memory_equal(buf2, "MemTotal:", 9);
	/* A file larger than the first buffer (64 KiB) comes whole. */
	assert_int_equal(memacct_source_read_file(src, "self/smaps", &buf, &len), 0);
	assert_true(len > 0);
	assert_int_equal(memacct_source_read_file(src, "self/status", &buf, &len), 0);
	assert_memory_equal(buf, "Name:", 5);
	assert_int_equal(memacct_source_read_file(src, "no-such-file", &buf, &len), -ENOENT);
	assert_int_equal(memacct_source_read_file(src, "/etc/passwd", &buf, &len), -EINVAL);
	assert_int_equal(memacct_source_get(src, 99, &len2), -EOPNOTSUPP);
	memacct_source_free(src);
}

/*
 * A live multi-record seq_file (maps) comes a page per read(): the source
 * must read it to the end, while a single-show file (meminfo) takes one read.
 */
static void test_live_multipage(void **state)
{
	static char raw[1 << 20];
	struct memacct_source *src = NULL;
	void *maps[300];
	const char *buf;
	size_t len = 0;
	ssize_t n;
	int fd;

	/* Alternating protections keep 300 mappings apart: maps grows past a page. */
	for (int i = 0; i < 300; i++) {
		maps[i] = mmap(NULL, 4096, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(maps[i] != MAP_FAILED);
	}
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_source_read_file(src, "self/maps", &buf, &len), 0);
	assert_int_equal(memacct_source_read_file(src, "self/maps", &buf, &len), 0);
	fd = open("/proc/self/maps", O_RDONLY);
	assert_true(fd >= 0);
	size_t rlen = 0;
	while ((n = read(fd, raw + rlen, sizeof(raw) - rlen)) > 0)
		rlen += (size_t)n;
	close(fd);
	assert_true(rlen > 8192);
	assert_int_equal(len, rlen);
	assert_memory_equal(buf, raw, len);
	memacct_source_free(src);
	for (int i = 0; i < 300; i++)
		munmap(maps[i], 4096);
}

static void test_manifest(void **state)
{
	static const char manifest[] = "origin: hand-made\npage_size: 65536\ncpus: 8\n";
	struct memacct_source_opts o = { .sz = sizeof(o), .ncpus = 3 };
	struct memacct_source *src = NULL;
	char big[200000];
	const char *buf;
	size_t len;
	uint64_t v;

	put("MANIFEST", manifest, sizeof(manifest) - 1);
	assert_int_equal(memacct_source_new(proc, NULL, &src), 0);
	assert_int_equal(prop(src, MEMACCT_SOURCE_LIVE), 0);
	assert_int_equal(prop(src, MEMACCT_SOURCE_PAGE_SIZE), 65536);
	assert_int_equal(prop(src, MEMACCT_SOURCE_NCPUS), 8);
	memacct_source_free(src);

	/* Options win over the MANIFEST. */
	assert_int_equal(memacct_source_new(proc, &o, &src), 0);
	assert_int_equal(prop(src, MEMACCT_SOURCE_NCPUS), 3);
	assert_int_equal(prop(src, MEMACCT_SOURCE_PAGE_SIZE), 65536);
	memacct_source_free(src);

	/* A large regular file is read whole. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	put("proc/big", big, sizeof(big));
	assert_int_equal(memacct_source_new(proc, NULL, &src), 0);
	assert_int_equal(memacct_source_read_file(src, "big", &buf, &len), 0);
	assert_int_equal(len, sizeof(big));
	assert_int_equal(buf[len - 1], '\n');
	memacct_source_free(src);

	/* Malformed MANIFEST values are errors, not guesses. */
	put("MANIFEST", "page_size: 4095\n", 16);
	assert_int_equal(memacct_source_new(proc, NULL, &src), -EBADMSG);
	put("MANIFEST", "cpus: two\n", 10);
	assert_int_equal(memacct_source_new(proc, NULL, &src), -EBADMSG);

	/* No MANIFEST: the page size is unknown, CPUs come from ROOT/stat. */
	put("MANIFEST", "origin: captured\n", 17);
	put("proc/stat", "cpu  1 2 3\ncpu0 1 2\ncpu1 1 2\ncpu2 3 4\nintr 5\n", 45);
	assert_int_equal(memacct_source_new(proc, NULL, &src), 0);
	assert_int_equal(memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &v), -ENOENT);
	assert_int_equal(prop(src, MEMACCT_SOURCE_NCPUS), 3);
	memacct_source_free(src);
}

static void test_opts_and_errors(void **state)
{
	struct {
		struct memacct_source_opts o;
		uint64_t newer;
	} big = { .o = { .sz = sizeof(big) } };
	struct memacct_source_opts o = { .sz = sizeof(o), .page_size = 16384 };
	struct memacct_source *src = NULL;
	int fd;

	assert_int_equal(memacct_source_new(proc, &o, &src), 0);
	assert_int_equal(prop(src, MEMACCT_SOURCE_PAGE_SIZE), 16384);
	memacct_source_free(src);

	/* A newer caller's struct: fine while its extra bytes are zero. */
	src = NULL;
	assert_int_equal(memacct_source_new(proc, &big.o, &src), 0);
	memacct_source_free(src);
	big.newer = 1;
	src = NULL;
	assert_int_equal(memacct_source_new(proc, &big.o, &src), -E2BIG);
	assert_null(src);

	o.page_size = 4095;
	assert_int_equal(memacct_source_new(proc, &o, &src), -EINVAL);
	o.page_size = 0;
	o.flags = 1;
	assert_int_equal(memacct_source_new(proc, &o, &src), -EINVAL);
	o.flags = 0;
	o.sz = 2;
	assert_int_equal(memacct_source_new(proc, &o, &src), -EINVAL);
	assert_null(src);

	assert_int_equal(memacct_source_new("/nonexistent/memacct", NULL, &src), -ENOENT);
	assert_int_equal(memacct_source_new("/proc/meminfo", NULL, &src), -ENOTDIR);
	assert_int_equal(memacct_source_new(NULL, NULL, NULL), -EINVAL);
	assert_null(memacct_source_free(NULL));

	/* From an fd: ours is duplicated, the caller's stays open. */
	fd = open("/proc", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(memacct_source_new_fd(fd, NULL, &src), 0);
	assert_int_equal(prop(src, MEMACCT_SOURCE_LIVE), 1);
	memacct_source_free(src);
	assert_true(fcntl(fd, F_GETFD) >= 0);
	close(fd);
	assert_int_equal(memacct_source_new_fd(-1, NULL, &src), -EINVAL);
}

static void test_fixture(void **state)
{
	struct memacct_source *src = NULL;
	char path[4096];

	snprintf(path, sizeof(path), "%s/arm64-scs/proc", MEMACCT_FIXTURES);
	if (memacct_source_new(path, NULL, &src) == -ENOENT)
		skip();
	assert_int_equal(prop(src, MEMACCT_SOURCE_PAGE_SIZE), 65536);
	memacct_source_free(src);
}

/*
 * A source keeps one buffer, grown to its largest file. A /proc/sys file
 * refuses a read of 4 MiB or more (ENOMEM): after a 16 MiB smaps, osrelease
 * must still read.
 */
static void test_live_sysctl_after_big(void **state)
{
	struct memacct_source *src;
	const char *buf;
	size_t len, n = 0;
	char *p;
	long ps = sysconf(_SC_PAGESIZE);

	(void)state;
	if (access("/proc/sys/kernel/osrelease", R_OK) != 0)
		skip();
	/* 16384 VMAs of one page each, alternately readable and not: ~16 MiB of smaps */
	p = mmap(NULL, (size_t)ps * 16384, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 1; i < 16384; i += 2)
		assert_int_equal(mprotect(p + i * (size_t)ps, (size_t)ps, PROT_NONE), 0);
	assert_int_equal(memacct_source_new("/proc", NULL, &src), 0);
	assert_int_equal(memacct_source_read_file(src, "self/smaps", &buf, &len), 0);
	assert_true(len > (size_t)8 << 20);
	/* one VmFlags line per VMA: every VMA was read */
	for (const char *q = buf; (q = memmem(q, len - (size_t)(q - buf), "\nVmFlags:", 9)); q += 9)
		n++;
	assert_true(n >= 16384);
	assert_int_equal(memacct_source_read_file(src, "sys/kernel/osrelease", &buf, &len), 0);
	assert_true(len > 2 && buf[len - 1] == '\n');
	assert_true(buf[0] >= '2' && buf[0] <= '9');
	memacct_source_free(src);
	assert_int_equal(munmap(p, (size_t)ps * 16384), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_live_multipage),
		cmocka_unit_test(test_live_sysctl_after_big),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_opts_and_errors),
		cmocka_unit_test(test_fixture),
	};

	return cmocka_run_group_tests_name("source", tests, setup, teardown);
}
