/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"
#include "test-alloc.h"
#include "conformance-util.h"
#include "memacct.h"

#define NPAGES 64

/* pread(2) counted, to see a batch come in one read. */
static unsigned long preads;

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	preads++;
	return syscall(SYS_pread64, fd, buf, n, off);
}

static const char conf_case[] = "eminence-procfs/pagemap-kpageflags-synthetic";

static uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

/* NPAGES pages of our own, written (so present and exclusive), and the page after them unmapped. */
static char *map_pages(void)
{
	size_t ps = (size_t)page_size();
	char *m = mmap(NULL, (NPAGES + 1) * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	assert_int_equal(munmap(m + NPAGES * ps, ps), 0);
	for (size_t i = 0; i < NPAGES; i++)
		memset(m + i * ps, (int)(i + 1), ps);
	return m;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* (a) and (b): our own pages through the live source, then their kpage* entries. */
static void test_live(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *flags = NULL, *count = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t e[NPAGES + 1], pfns[NPAGES], v[NPAGES], next;
	uint64_t ps = page_size();
	unsigned long before, reads;
	char *m = map_pages();
	size_t n;

	if (geteuid() != 0) {
		munmap(m, NPAGES * ps);
		skip();
	}
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_pagemap_open(src, getpid(), &pm, &d), 0);
	assert_int_equal(memacct_pagemap_may_see_pfns(pm), 1);

	memset(e, 0xff, sizeof(e));
	before = allocs;
	reads = preads;
	assert_int_equal(memacct_pagemap_read(pm, (uint64_t)(uintptr_t)m, NPAGES + 1, e, &n), 0);
	assert_int_equal(preads - reads, 1);
	assert_int_equal(allocs - before, 0);
	assert_int_equal(n, NPAGES + 1);
	for (size_t i = 0; i < NPAGES; i++) {
		assert_true(e[i] & MEMACCT_PM_PRESENT);
		assert_false(e[i] & MEMACCT_PM_SWAPPED);
		assert_true(e[i] & MEMACCT_PM_EXCLUSIVE);
		assert_false(e[i] & MEMACCT_PM_FILE);
		pfns[i] = memacct_pm_pfn(e[i]);
		assert_true(pfns[i] != 0);
		assert_u64_equal(memacct_pm_swap_type(e[i]), 0);
	}
	assert_u64_equal(e[NPAGES], 0);	/* the unmapped page */

	/* One entry at a time gives the same entries; a misaligned address is EINVAL. */
	assert_int_equal(memacct_pagemap_read(pm, (uint64_t)(uintptr_t)m + 5 * ps, 1, v, &n), 0);
	assert_int_equal(n, 1);
	assert_u64_equal(v[0], e[5]);
	assert_int_equal(memacct_pagemap_read(pm, (uint64_t)(uintptr_t)m + 8, 1, v, &n), -EINVAL);
	assert_int_equal(memacct_pagemap_read(pm, (uint64_t)(uintptr_t)m, 0, v, &n), 0);
	assert_int_equal(n, 0);

	/* Distinct pages have distinct frames. */
	memcpy(v, pfns, sizeof(pfns));
	qsort(v, NPAGES, sizeof(v[0]), cmp_u64);
	for (size_t i = 1; i < NPAGES; i++)
		assert_true(v[i] != v[i - 1]);

	/* (b) The frames: anonymous, mapped once. */
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_FLAGS, &flags, &d), 0);
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &count, &d), 0);
	for (size_t i = 0; i < NPAGES; i++) {
		uint64_t f = 0, c = 0;

		before = allocs;
		assert_int_equal(memacct_kpage_read(flags, pfns[i], 1, &f, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(memacct_kpage_read(count, pfns[i], 1, &c, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(allocs - before, 0);
		assert_true(f & (UINT64_C(1) << MEMACCT_KPF_ANON));
		assert_false(f & (UINT64_C(1) << MEMACCT_KPF_NOPAGE));
		assert_false(f & (UINT64_C(1) << MEMACCT_KPF_BUDDY));
		assert_u64_equal(c, 1);
		assert_int_equal(memacct_kpage_next(flags, pfns[i], &next), 0);
		assert_u64_equal(next, pfns[i]);
	}
	/* A batch from the lowest frame: the entry of each of our frames within it agrees. */
	{
		uint64_t base = v[0], batch[256];

		reads = preads;
		assert_int_equal(memacct_kpage_read(flags, base, 256, batch, &n), 0);
		assert_int_equal(preads - reads, 1);
		assert_int_equal(n, 256);
		for (size_t i = 0; i < NPAGES; i++)
			if (pfns[i] - base < 256)
				assert_true(batch[pfns[i] - base] &
					    (UINT64_C(1) << MEMACCT_KPF_ANON));
	}
	/* Far past the last memory section: nothing. */
	assert_int_equal(memacct_kpage_read(flags, UINT64_C(1) << 52, 4, v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(memacct_kpage_open(src, 0, &flags, &d), -EINVAL);
	assert_int_equal(memacct_kpage_open(src, 4, &flags, &d), -EINVAL);

	memacct_kpage_free(flags);
	memacct_kpage_free(count);
	memacct_pagemap_free(pm);
	memacct_source_free(src);
	munmap(m, NPAGES * ps);
}

/* Gone, kernel threads, exited processes. */
static void test_live_processes(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	int go[2], status;
	uint64_t e[4];
	const char *buf;
	size_t n, len;
	pid_t pid;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_pagemap_open(src, 0x7ffffffe, &pm, &d), -ESRCH);
	assert_diag(&d, -ESRCH, 0, 0, "2147483646/pagemap");
	assert_int_equal(memacct_pagemap_open(src, 0, &pm, &d), -EINVAL);

	/* PID 2 is kthreadd outside a PID namespace: no mm, ESRCH. */
	if (memacct_source_read_file(src, "2/comm", &buf, &len) == 0 && len == 9 &&
	    !memcmp(buf, "kthreadd\n", 9))
		assert_int_equal(memacct_pagemap_open(src, 2, &pm, &d), -ESRCH);

	/* A child's pagemap opened while it lives, read after it exited: nothing. */
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;

		close(go[1]);
		_exit(read(go[0], &c, 1) == 0 ? 0 : 1);
	}
	close(go[0]);
	assert_int_equal(memacct_pagemap_open(src, pid, &pm, &d), 0);
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	n = 99;
	assert_int_equal(memacct_pagemap_read(pm, 0x400000, 4, e, &n), 0);
	assert_int_equal(n, 0);
	memacct_pagemap_free(pm);
	memacct_source_free(src);
}

/* (d) The child's verdict, as its exit status: 0, or the number of the check that failed. */
static int unprivileged_child(void)
{
	struct memacct_source *src = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *kp = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t ps = page_size(), e[4];
	char *m;
	size_t n;

	m = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 2;
	memset(m, 1, 4 * ps);
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 3;
	/* A uid change makes us undumpable, and our /proc files root's: undo that. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return 4;
	if (memacct_source_new(NULL, NULL, &src) < 0)
		return 5;
	if (memacct_kpage_open(src, MEMACCT_KPAGE_FLAGS, &kp, &d) != -EPERM)
		return 6;
	if (d.error != -EPERM || !d.message ||
	    (!strstr(d.message, "root") && !strstr(d.message, "CAP_SYS_ADMIN")))
		return 7;
	if (memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &kp, NULL) != -EPERM)
		return 8;
	if (memacct_pagemap_open(src, getpid(), &pm, &d) < 0)
		return 9;
	if (memacct_pagemap_may_see_pfns(pm) != 0)
		return 10;
	if (memacct_pagemap_read(pm, (uint64_t)(uintptr_t)m, 4, e, &n) < 0 || n != 4)
		return 11;
	for (size_t i = 0; i < 4; i++)
		if (!(e[i] & MEMACCT_PM_PRESENT) || memacct_pm_pfn(e[i]) != 0)
			return 12;
	memacct_pagemap_free(pm);
	/* Another user's process: not ours to ptrace. */
	if (memacct_pagemap_open(src, 1, &pm, &d) != -EACCES || d.error != -EACCES)
		return 13;
	memacct_source_free(src);
	return 0;
}

static void test_unprivileged(void **state)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(unprivileged_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status))
		print_error("unprivileged child failed check %d\n", WEXITSTATUS(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A capture root for one test: ROOT/MANIFEST and ROOT/proc. */
struct capture {
	char dir[64];
	char proc[96];
};

static void capture_make(struct capture *c, uint64_t ps)
{
	char path[160];
	FILE *f;

	snprintf(c->dir, sizeof(c->dir), "/tmp/memacct-test-pages-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->proc, sizeof(c->proc), "%s/proc", c->dir);
	assert_int_equal(mkdir(c->proc, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/77", c->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	if (ps) {
		snprintf(path, sizeof(path), "%s/MANIFEST", c->dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "page_size: %llu\n", (unsigned long long)ps);
		assert_int_equal(fclose(f), 0);
	}
}

static void capture_put(const struct capture *c, const char *rel, const void *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->proc, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void capture_remove(const struct capture *c)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	assert_int_equal(system(cmd), 0);
}

/* (e) Raw little-endian captures, read back through a source over the tree. */
static void test_raw_capture(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *kp = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t vals[300], le[300], out[400], next, ps = 16384;
	struct capture c;
	size_t n;

	for (size_t i = 0; i < 300; i++) {
		vals[i] = (UINT64_C(0x0123456789abcdef) * (i + 1)) ^ ((uint64_t)i << 56);
		le[i] = htole64(vals[i]);
	}
	capture_make(&c, ps);
	capture_put(&c, "kpagecount", le, sizeof(le));
	capture_put(&c, "77/pagemap", le, 100 * 8);
	capture_put(&c, "kpageflags", le, 13);	/* not whole entries */
	assert_int_equal(memacct_source_new(c.proc, NULL, &src), 0);

	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_COUNT, &kp, &d), 0);
	assert_int_equal(memacct_kpage_read(kp, 0, 400, out, &n), 0);
	assert_int_equal(n, 300);
	for (size_t i = 0; i < 300; i++)
		assert_u64_equal(out[i], vals[i]);
	assert_int_equal(memacct_kpage_read(kp, 290, 400, out, &n), 0);
	assert_int_equal(n, 10);
	assert_u64_equal(out[9], vals[299]);
	assert_int_equal(memacct_kpage_read(kp, 300, 4, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(memacct_kpage_next(kp, 299, &next), 0);
	assert_u64_equal(next, 299);
	assert_int_equal(memacct_kpage_next(kp, 300, &next), -ENODATA);
	memacct_kpage_free(kp);

	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_FLAGS, &kp, &d), -EBADMSG);
	assert_int_equal(d.error, -EBADMSG);
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_CGROUP, &kp, &d), -ENOENT);
	assert_diag(&d, -ENOENT, 0, 0, "kpagecgroup");

	assert_int_equal(memacct_pagemap_open(src, 78, &pm, &d), -ENOENT);
	assert_int_equal(memacct_pagemap_open(src, 77, &pm, &d), 0);
	assert_int_equal(memacct_pagemap_may_see_pfns(pm), 1);
	assert_int_equal(memacct_pagemap_read(pm, 10 * ps, 1000, out, &n), 0);
	assert_int_equal(n, 90);
	for (size_t i = 0; i < 90; i++)
		assert_u64_equal(out[i], vals[10 + i]);
	assert_int_equal(memacct_pagemap_read(pm, 10 * ps + 4096, 1, out, &n), -EINVAL);
	assert_int_equal(memacct_pagemap_read(pm, 100 * ps, 1, out, &n), 0);
	assert_int_equal(n, 0);
	memacct_pagemap_free(pm);
	memacct_source_free(src);

	capture_remove(&c);

	/* Without a page size the capture cannot map addresses to entries. */
	capture_make(&c, 0);
	capture_put(&c, "77/pagemap", le, 8);
	assert_int_equal(memacct_source_new(c.proc, NULL, &src), 0);
	assert_int_equal(memacct_pagemap_open(src, 77, &pm, &d), -ENOENT);
	assert_diag(&d, -ENOENT, 0, 0, "page_size");
	memacct_source_free(src);
	capture_remove(&c);
}

/* Sparse captures through a source: written by the writer, read by the readers. */
static void test_sparse_capture(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_kpage *kp = NULL;
	struct memacct_sparse_writer *w = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t vals[64], out[128], next, ps = 4096;
	struct capture c;
	char path[256];
	unsigned long before;
	size_t n;
	int fd;

	for (size_t i = 0; i < 64; i++)
		vals[i] = MEMACCT_PM_PRESENT | MEMACCT_PM_EXCLUSIVE | (0x4000 + i);
	capture_make(&c, ps);
	snprintf(path, sizeof(path), "%s/kpageflags", c.proc);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, 0x10000, &w), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 0x4000, vals, 32), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 0x5000, vals + 32, 32), 0);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	close(fd);
	capture_put(&c, "77/pagemap", "memacct-sparse 1\n10 2 0\n# x\n11 1 0\n", 35);

	assert_int_equal(memacct_source_new(c.proc, NULL, &src), 0);
	assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_FLAGS, &kp, &d), 0);
	before = allocs;
	assert_int_equal(memacct_kpage_read(kp, 0x4000, 128, out, &n), 0);
	assert_int_equal(allocs - before, 0);
	assert_int_equal(n, 32);
	for (size_t i = 0; i < 32; i++)
		assert_u64_equal(out[i], vals[i]);
	assert_int_equal(memacct_kpage_read(kp, 0x501f, 128, out, &n), 0);
	assert_int_equal(n, 1);
	assert_u64_equal(out[0], vals[63]);
	assert_int_equal(memacct_kpage_read(kp, 0x4020, 1, out, &n), -ENODATA);
	assert_int_equal(memacct_kpage_read(kp, 0x10000, 1, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(memacct_kpage_next(kp, 0, &next), 0);
	assert_u64_equal(next, 0x4000);
	assert_int_equal(memacct_kpage_next(kp, 0x4020, &next), 0);
	assert_u64_equal(next, 0x5000);
	assert_int_equal(memacct_kpage_next(kp, 0x5020, &next), -ENODATA);
	memacct_kpage_free(kp);

	/* The malformed pagemap: the overlap on line 4, reported at open. */
	assert_int_equal(memacct_pagemap_open(src, 77, &pm, &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, 4, 1, "index");
	memacct_source_free(src);
	capture_remove(&c);
}

static void test_decode(void **state)
{
	unsigned char buf[24];
	uint64_t out[3] = { 7, 7, 7 };
	size_t n = 99;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 17 + 1);
	for (size_t len = 1; len < sizeof(buf); len++) {
		if (len % 8)
			assert_int_equal(memacct_pages_decode(buf, len, out, 3, &n), -EINVAL);
	}
	assert_int_equal(n, 99);
	assert_int_equal(memacct_pages_decode(buf, 24, out, 2, &n), -ENOSPC);
	assert_u64_equal(out[0], 7);
	assert_int_equal(memacct_pages_decode(buf, 0, out, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(memacct_pages_decode(buf, 24, out, 3, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < 3; i++) {
		uint64_t v = 0;

		for (int b = 7; b >= 0; b--)
			v = v << 8 | buf[i * 8 + (size_t)b];
		assert_u64_equal(out[i], v);
	}
}

static void test_flag_names(void **state)
{
	unsigned int named = 0, bit;
	const char *name;
	uint32_t attrs;

	for (unsigned int b = 0; b < 70; b++) {
		int r = memacct_kpageflag_info(b, &name, &attrs);
		bool defined = b <= MEMACCT_KPF_PGTABLE ||
			       (b >= MEMACCT_KPF_RESERVED && b <= MEMACCT_KPF_ARCH_3);

		assert_int_equal(r, defined ? 0 : -ENOENT);
		if (r < 0)
			continue;
		named++;
		assert_int_equal(attrs, b >= 32 ? MEMACCT_KPF_ATTR_UNSTABLE : 0);
		assert_int_equal(memacct_kpageflag_from_name(name, &bit), 0);
		assert_int_equal(bit, b);
		assert_int_equal(memacct_kpageflag_info(b, NULL, NULL), 0);
	}
	assert_int_equal(named, 27 + 11);
	assert_int_equal(memacct_kpageflag_from_name("LRU", &bit), 0);
	assert_int_equal(bit, MEMACCT_KPF_LRU);
	assert_int_equal(memacct_kpageflag_from_name("MLOCKED", &bit), 0);
	assert_int_equal(bit, MEMACCT_KPF_MLOCKED);
	assert_int_equal(memacct_kpageflag_from_name("OWNER_2", &bit), 0);
	assert_int_equal(bit, MEMACCT_KPF_OWNER_2);
	assert_int_equal(memacct_kpageflag_from_name("lru", &bit), -ENOENT);
	assert_int_equal(memacct_kpageflag_from_name("", &bit), -ENOENT);
}

/* (c) The peer's synthetic pagemap and kpageflags: every row of expected.tsv. */

/* "entry[3]:present" -> 3 and "present". */
static void split_key(const char *key, const char *prefix, uint64_t *ret_i, const char **ret_name)
{
	char *end;

	assert_int_equal(strncmp(key, prefix, strlen(prefix)), 0);
	*ret_i = strtoull(key + strlen(prefix), &end, 10);
	assert_true(end[0] == ']' && end[1] == ':');
	*ret_name = end + 2;
}

static uint64_t pagemap_field(uint64_t e, const char *name)
{
	/*
	 * The peer decodes the swap fields from the raw bits even when PRESENT
	 * is set too (its synthetic entry has both; the kernel never does):
	 * ours answer for a swapped, not present entry, so ask them about that.
	 */
	uint64_t swap_view = e & ~MEMACCT_PM_PRESENT;

	if (!strcmp(name, "raw"))
		return e;
	if (!strcmp(name, "present"))
		return !!(e & MEMACCT_PM_PRESENT);
	if (!strcmp(name, "swapped"))
		return !!(e & MEMACCT_PM_SWAPPED);
	if (!strcmp(name, "exclusive"))
		return !!(e & MEMACCT_PM_EXCLUSIVE);
	if (!strcmp(name, "soft_dirty"))
		return !!(e & MEMACCT_PM_SOFT_DIRTY);
	if (!strcmp(name, "file"))
		return !!(e & MEMACCT_PM_FILE);
	if (!strcmp(name, "pfn"))
		return memacct_pm_pfn(e);
	if (!strcmp(name, "swap_type"))
		return memacct_pm_swap_type(swap_view);
	if (!strcmp(name, "swap_offset"))
		return memacct_pm_swap_offset(swap_view);
	fail_msg("unknown pagemap key %s", name);
	return 0;
}

/* "LOCKED,LRU" from the bits of @v, by memacct_kpageflag_info(). */
static void flag_names(uint64_t v, char *buf, size_t size)
{
	const char *name;

	buf[0] = '\0';
	for (unsigned int b = 0; b < 64; b++) {
		if (!(v & (UINT64_C(1) << b)))
			continue;
		assert_int_equal(memacct_kpageflag_info(b, &name, NULL), 0);
		if (buf[0])
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, name, size - strlen(buf) - 1);
	}
}

static uint64_t parse_expected(const char *value, const char *unit)
{
	char *end;
	uint64_t v;

	if (!strcmp(unit, "hex-u64")) {
		assert_int_equal(strncmp(value, "0x", 2), 0);
		v = strtoull(value + 2, &end, 16);
	} else {
		v = strtoull(value, &end, 10);
	}
	assert_true(*end == '\0' && end != value);
	return v;
}

static void test_conformance(void **state)
{
	struct memacct_source_opts opts = { .sz = sizeof(opts), .page_size = 4096 };
	struct memacct_source *src = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	char path[8192], *tsv, *save = NULL, *line;
	const char *dir = *state;
	size_t len, rows = 0;

	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	tsv = slurp(path, &len);
	assert_non_null(tsv);
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(memacct_source_new(path, &opts, &src), 0);

	for (line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL, *name_end;
		const char *name;
		uint64_t i, e = 0, expect;
		size_t n = 0;

		f[0] = strtok_r(line, "\t", &s2);
		for (int k = 1; k < 4; k++)
			f[k] = strtok_r(NULL, "\t", &s2);
		assert_non_null(f[3]);
		name_end = strchr(f[0], '/');
		if (name_end && !strcmp(name_end, "/pagemap")) {
			struct memacct_pagemap *pm = NULL;
			int pid = atoi(f[0]);

			split_key(f[1], "entry[", &i, &name);
			assert_int_equal(memacct_pagemap_open(src, pid, &pm, &d), 0);
			assert_int_equal(memacct_pagemap_read(pm, i * opts.page_size, 1, &e, &n),
					 0);
			assert_int_equal(n, 1);
			memacct_pagemap_free(pm);
			expect = parse_expected(f[2], f[3]);
			if (pagemap_field(e, name) != expect)
				print_error("%s %s: got 0x%llx\n", f[0], f[1],
					    (unsigned long long)pagemap_field(e, name));
			assert_u64_equal(pagemap_field(e, name), expect);
		} else if (!strcmp(f[0], "kpageflags")) {
			struct memacct_kpage *kp = NULL;

			split_key(f[1], "pfn[", &i, &name);
			assert_int_equal(memacct_kpage_open(src, MEMACCT_KPAGE_FLAGS, &kp, &d), 0);
			assert_int_equal(memacct_kpage_read(kp, i, 1, &e, &n), 0);
			memacct_kpage_free(kp);
			if (n != 1)
				print_error("%s %s: the file does not hold pfn %llu\n", f[0], f[1],
					    (unsigned long long)i);
			assert_int_equal(n, 1);
			if (!strcmp(f[3], "flag-names")) {
				char names[512];

				assert_string_equal(name, "flags");
				flag_names(e, names, sizeof(names));
				assert_string_equal(names, f[2]);
			} else {
				assert_string_equal(name, "raw");
				assert_u64_equal(e, parse_expected(f[2], f[3]));
			}
		} else {
			fail_msg("unexpected file %s in expected.tsv", f[0]);
		}
		rows++;
	}
	assert_true(rows > 0);
	memacct_source_free(src);
	free(tsv);
}

int main(void)
{
	static char conf_dir[8192];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_live_processes),
		cmocka_unit_test(test_unprivileged),
		cmocka_unit_test(test_raw_capture),
		cmocka_unit_test(test_sparse_capture),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_flag_names),
	};
	const struct CMUnitTest conf[] = {
		cmocka_unit_test_prestate(test_conformance, conf_dir),
	};
	int r;

	r = cmocka_run_group_tests_name("pages", tests, NULL, NULL);
	snprintf(conf_dir, sizeof(conf_dir), "%s/%s", conf_root(), conf_case);
	if (!conf_is_dir(conf_dir)) {
		printf("# SKIP: no %s under %s\n", conf_case, conf_root());
		return r ? r : 77;
	}
	return r | cmocka_run_group_tests_name("pages-conformance", conf, NULL, NULL);
}
