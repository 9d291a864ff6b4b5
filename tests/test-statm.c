/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"
#include "memacct.h"

#define ALL_COLUMNS 0x7fu

/* `cat /proc/self/statm` on this project's 6.18 x86-64 machine (4 KiB pages). */
static const char self_618[] = "765 427 399 5 0 123 0\n";

static struct memacct_statm statm0(void)
{
	struct memacct_statm s;

	memset(&s, 0xa5, sizeof(s));
	s.sz = sizeof(s);
	return s;
}

static void test_modern(void **state)
{
	struct memacct_statm s = statm0();

	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 4096, 0, &s, NULL), 0);
	assert_int_equal(s.sz, sizeof(s));
	assert_u64_equal(s.size, UINT64_C(765) * 4096);
	assert_u64_equal(s.resident, UINT64_C(427) * 4096);
	assert_u64_equal(s.shared, UINT64_C(399) * 4096);
	assert_u64_equal(s.text, UINT64_C(5) * 4096);
	assert_u64_equal(s.lib, 0);
	assert_u64_equal(s.data, UINT64_C(123) * 4096);
	assert_u64_equal(s.dt, 0);
	assert_int_equal(s.present, ALL_COLUMNS);
	assert_int_equal(s.present, MEMACCT_STATM_SIZE | MEMACCT_STATM_RESIDENT |
			 MEMACCT_STATM_SHARED | MEMACCT_STATM_TEXT | MEMACCT_STATM_LIB |
			 MEMACCT_STATM_DATA | MEMACCT_STATM_DT);

	/* Other page sizes: 64 KiB (arm64, ppc64), and 1 = the columns as pages. */
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 65536, 0, &s, NULL), 0);
	assert_u64_equal(s.resident, UINT64_C(427) * 65536);
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 1, 0, &s, NULL), 0);
	assert_u64_equal(s.size, 765);
	assert_u64_equal(s.data, 123);

	/* A kernel thread or zombie: seven zeros, all present. */
	s = statm0();
	assert_int_equal(memacct_statm_parse("0 0 0 0 0 0 0\n", 14, 4096, 0, &s, NULL), 0);
	assert_u64_equal(s.size, 0);
	assert_u64_equal(s.resident, 0);
	assert_u64_equal(s.dt, 0);
	assert_int_equal(s.present, ALL_COLUMNS);
}

static void test_tolerated(void **state)
{
	static const char *const ok[] = {
		"1 2 3 4 5 6 7",		/* no final newline */
		"1 2 3 4 5 6 7\r\n",
		"  1\t2  3 4 5 6 7  \n",
		"1 2 3 4 5 6 7\n\n\n",
		"1 2 3 4 5 6 7\n \t\n",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct memacct_statm s = statm0();

		assert_int_equal(memacct_statm_parse(ok[i], strlen(ok[i]), 4096, 0, &s, NULL), 0);
		assert_u64_equal(s.size, 4096);
		assert_u64_equal(s.shared, 3 * 4096);
		assert_u64_equal(s.dt, 7 * 4096);
		assert_int_equal(s.present, ALL_COLUMNS);
	}
}

struct bad_case {
	const char *what;
	const char *text;
	size_t len;
	uint64_t page_size;
	int err;		/* strict */
	int lenient;		/* with MEMACCT_PARSE_SKIP_BAD_LINES */
	uint32_t present;	/* lenient present bits, when it succeeds */
	uint32_t line, column;
	const char *key;
};

#define L(s) s, sizeof(s) - 1

static const struct bad_case bad[] = {
	{ "empty", L(""), 4096, -EBADMSG, -EBADMSG, 0, 1, 1, "" },
	{ "blank", L(" \n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 2, "" },
	{ "garbage", L("abc\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 1, "size" },
	{ "truncated", L("765 427 39"), 4096, -EBADMSG, 0, 0x7, 1, 11, "text" },
	{ "six columns", L("200 100 20 2 3 4"), 4096, -EBADMSG, 0, 0x3f, 1, 17, "dt" },
	{ "one column", L("5\n"), 4096, -EBADMSG, 0, 0x1, 1, 2, "resident" },
	{ "eight columns", L("1 2 3 4 5 6 7 8\n"), 4096, -EBADMSG, 0, ALL_COLUMNS, 1, 15, "" },
	{ "eight, bad eighth", L("1 2 3 4 5 6 7 x\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 15, "" },
	{ "second line", L("1 2 3 4 5 6 7\n8\n"), 4096, -EBADMSG, 0, ALL_COLUMNS, 2, 1, "" },
	{ "negative", L("1 2 -3 4 5 6 7\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 5, "shared" },
	{ "hex", L("1 0x2 3 4 5 6 7\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 4, "resident" },
	{ "glued", L("1 2kB 3 4 5 6 7\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 4, "resident" },
	{ "comma", L("1,2,3,4,5,6,7\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 2, "size" },
	{ "stray CR", L("1 2 3\r4 5 6 7\n"), 4096, -EBADMSG, -EBADMSG, 0, 1, 6, "text" },
	{ "NUL", "1 2 3 4\0 5 6 7\n", 15, 4096, -EBADMSG, -EBADMSG, 0, 1, 8, "text" },
	{ "past 2^64", L("1 2 18446744073709551616 4 5 6 7\n"), 4096, -EOVERFLOW, -EOVERFLOW, 0, 1, 5, "shared" },
	{ "past 2^64 in bytes", L("1 4503599627370496 3 4 5 6 7\n"), 4096, -EOVERFLOW, -EOVERFLOW, 0, 1, 3, "resident" },
	{ "u64 max pages", L("1 2 18446744073709551615 4 5 6 7\n"), 4096, -EOVERFLOW, -EOVERFLOW, 0, 1, 5, "shared" },
	{ "past 2^64 ignored column", L("1 2 3 4 5 6 7 18446744073709551616\n"), 4096, -EBADMSG, -EOVERFLOW, 0, 1, 15, "" },
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct memacct_diag d = { .sz = sizeof(d) };
		struct memacct_statm s = statm0(), before = s;
		int r;

		r = memacct_statm_parse(c->text, c->len, c->page_size, 0, &s, &d);
		if (r != c->err || d.line != c->line || d.column != c->column ||
		    strcmp(d.key, c->key))
			fail_msg("%s: got %d line %u col %u key '%s' (%s), want %d line %u col %u '%s'",
				 c->what, r, d.line, d.column, d.key, d.message ? d.message : "-",
				 c->err, c->line, c->column, c->key);
		assert_int_equal(d.error, c->err);
		assert_non_null(d.message);
		/* Written only on success. */
		assert_memory_equal(&s, &before, sizeof(s));

		r = memacct_statm_parse(c->text, c->len, c->page_size, MEMACCT_PARSE_SKIP_BAD_LINES,
					&s, NULL);
		if (r != c->lenient)
			fail_msg("%s: lenient got %d, want %d", c->what, r, c->lenient);
		if (r == 0) {
			assert_int_equal(s.present, c->present);
			/* Absent columns read as 0 and say so in .present. */
			if (!(c->present & MEMACCT_STATM_DT))
				assert_u64_equal(s.dt, 0);
			else
				assert_u64_equal(s.dt, 7 * c->page_size);
			assert_u64_equal(s.size, strtoull(c->text, NULL, 10) * c->page_size);
		} else {
			assert_memory_equal(&s, &before, sizeof(s));
		}
	}
}

/* Chromium's kTestStatm: six columns, no newline. No kernel prints it. */
static void test_lenient_chromium(void **state)
{
	static const char six[] = "200 100 20 2 3 4";
	struct memacct_statm s = statm0();

	assert_int_equal(memacct_statm_parse(six, sizeof(six) - 1, 4096, 0, &s, NULL), -EBADMSG);
	assert_int_equal(memacct_statm_parse(six, sizeof(six) - 1, 4096,
					     MEMACCT_PARSE_SKIP_BAD_LINES, &s, NULL), 0);
	assert_u64_equal(s.resident, 100 * 4096);
	assert_u64_equal(s.data, 4 * 4096);
	assert_int_equal(s.present & MEMACCT_STATM_DT, 0);
	assert_int_equal(s.present & MEMACCT_STATM_DATA, MEMACCT_STATM_DATA);
}

/* Largest values: u64 max in pages of 1 byte; 2^52 - 1 pages of 4 KiB. */
static void test_limits(void **state)
{
	static const char max[] =
		"18446744073709551615 0 0 0 0 0 4503599627370495\n";
	struct memacct_statm s = statm0();

	assert_int_equal(memacct_statm_parse(max, sizeof(max) - 1, 1, 0, &s, NULL), 0);
	assert_u64_equal(s.size, UINT64_MAX);
	assert_int_equal(memacct_statm_parse(max + 21, sizeof(max) - 22, 4096,
					     MEMACCT_PARSE_SKIP_BAD_LINES, &s, NULL), 0);
	assert_int_equal(s.present, 0x3f);
	assert_u64_equal(s.data, UINT64_C(4503599627370495) * 4096);
	assert_u64_equal(s.data, UINT64_MAX - 4095);
}

/* An older caller's smaller struct is written only up to its .sz. */
static void test_small_struct(void **state)
{
	struct {
		struct memacct_statm s;
		char canary[8];
	} b;
	size_t upto_size = offsetof(struct memacct_statm, size) + sizeof(uint64_t);
	size_t upto_dt = offsetof(struct memacct_statm, present);

	memset(&b, 0x5a, sizeof(b));
	b.s.sz = upto_size;
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 4096, 0, &b.s, NULL), 0);
	assert_int_equal(b.s.sz, upto_size);
	assert_u64_equal(b.s.size, 765 * 4096);
	assert_int_equal((unsigned char)((char *)&b.s.resident)[0], 0x5a);

	memset(&b, 0x5a, sizeof(b));
	b.s.sz = upto_dt;
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 4096, 0, &b.s, NULL), 0);
	assert_u64_equal(b.s.data, 123 * 4096);
	assert_u64_equal(b.s.dt, 0);
	assert_int_equal((unsigned char)((char *)&b.s.present)[0], 0x5a);

	/* A newer caller's bigger struct: its tail is left alone. */
	memset(&b, 0x5a, sizeof(b));
	b.s.sz = sizeof(b);
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 4096, 0, &b.s, NULL), 0);
	assert_int_equal(b.s.present, ALL_COLUMNS);
	assert_int_equal(b.s._reserved, 0);
	assert_int_equal((unsigned char)b.canary[0], 0x5a);

	/* Too small to hold .size. */
	b.s.sz = upto_size - 1;
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 4096, 0, &b.s, NULL),
			 -EINVAL);
	b.s.sz = 0;
	assert_int_equal(memacct_statm_parse(self_618, sizeof(self_618) - 1, 4096, 0, &b.s, NULL),
			 -EINVAL);
}

static void test_bad_args(void **state)
{
	struct memacct_statm s = statm0();
	struct memacct_source *src = NULL;

	assert_int_equal(memacct_statm_parse(self_618, 4, 0, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_parse(self_618, 4, 4095, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_parse(self_618, 4, 12288, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_parse(self_618, 4, 4096, 0x80, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_parse(NULL, 4, 4096, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_parse(self_618, 4, 4096, 0, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_statm_parse(NULL, 0, 4096, 0, &s, NULL), -EBADMSG);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_statm_read(NULL, 1, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_read(src, 0, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_read(src, -5, 0, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_read(src, getpid(), 0x80, &s, NULL), -EINVAL);
	assert_int_equal(memacct_statm_read(src, getpid(), 0, NULL, NULL), -EINVAL);
	s.sz = 4;
	assert_int_equal(memacct_statm_read(src, getpid(), 0, &s, NULL), -EINVAL);
	memacct_source_free(src);
}

/* A captured tree: page size from the tree, -ENOENT when it does not say. */
static void test_read_tree(void **state)
{
	struct memacct_source_opts o = { .sz = sizeof(o), .page_size = 16384 };
	struct memacct_source *src = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_statm s = statm0(), before = s;
	char dir[192], path[224], manifest[192];
	struct tmp_root t;
	FILE *f;

	tmp_root_make(&t, "proc");
	assert_int_equal(mkdir(t.path, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/7", t.path);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/statm", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(self_618, f) >= 0);
	assert_int_equal(fclose(f), 0);

	/* No MANIFEST: the page size is unknown, -ENOENT as the source says it. */
	assert_int_equal(memacct_source_new(t.path, NULL, &src), 0);
	assert_int_equal(memacct_statm_read(src, 7, 0, &s, &d), -ENOENT);
	assert_int_equal(d.error, -ENOENT);
	assert_memory_equal(&s, &before, sizeof(s));
	memacct_source_free(src);

	/* The page size from the opts. */
	assert_int_equal(memacct_source_new(t.path, &o, &src), 0);
	assert_int_equal(memacct_statm_read(src, 7, 0, &s, NULL), 0);
	assert_u64_equal(s.size, 765 * 16384);
	/* No such pid: the open fails. */
	assert_int_equal(memacct_statm_read(src, 8, 0, &s, &d), -ENOENT);
	memacct_source_free(src);

	/* The page size from MANIFEST beside the root. */
	snprintf(manifest, sizeof(manifest), "%s/MANIFEST", t.dir);
	f = fopen(manifest, "w");
	assert_non_null(f);
	assert_true(fputs("page_size: 65536\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(memacct_source_new(t.path, NULL, &src), 0);
	assert_int_equal(memacct_statm_read(src, 7, 0, &s, NULL), 0);
	assert_u64_equal(s.resident, 427 * 65536);
	memacct_source_free(src);

	unlink(manifest);
	unlink(path);
	rmdir(dir);
	rmdir(t.path);
	rmdir(t.dir);
}

/* This process, live: what must hold on any machine. */
static void test_live(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_status *st = NULL;
	struct memacct_statm s = statm0(), s2 = statm0();
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), vmsize, vmdata, vmstk, vmexe;
	int stable = 0;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_status_new(&st), 0);
	assert_int_equal(memacct_statm_read(src, getpid(), 0, &s, NULL), 0);
	assert_int_equal(s.present, ALL_COLUMNS);
	assert_true(s.size > 0 && s.resident > 0);
	assert_true(s.resident <= s.size);
	assert_int_equal(s.size % page, 0);
	assert_int_equal(s.resident % page, 0);
	assert_int_equal(s.data % page, 0);
	/* lib and dt have been 0 since 2.6 (fs/proc/task_mmu.c task_statm). */
	assert_u64_equal(s.lib, 0);
	assert_u64_equal(s.dt, 0);

	/*
	 * R3: statm and status describe the same counters. Two files are two
	 * reads: compare only when statm did not move around the status read.
	 */
	for (int i = 0; i < 20 && !stable; i++) {
		assert_int_equal(memacct_statm_read(src, getpid(), 0, &s, NULL), 0);
		assert_int_equal(memacct_status_read(st, src, getpid(), NULL), 0);
		assert_int_equal(memacct_statm_read(src, getpid(), 0, &s2, NULL), 0);
		stable = s.size == s2.size && s.data == s2.data && s.text == s2.text;
	}
	if (stable) {
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMSIZE, &vmsize), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMDATA, &vmdata), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMSTK, &vmstk), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMEXE, &vmexe), 0);
		assert_u64_equal(s.size, vmsize);
		assert_u64_equal(s.data, vmdata + vmstk);
		assert_true(s.text >= vmexe);	/* the same span, but VmExe is clamped to exec_vm */
	}

	/* No such process. */
	assert_int_equal(memacct_statm_read(src, INT_MAX, 0, &s, NULL), -ENOENT);
	memacct_status_free(st);
	memacct_source_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lenient_chromium),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_small_struct),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests_name("statm", tests, NULL, NULL);
}
