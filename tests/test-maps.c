/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-vmas.h"
#include "memacct.h"

/*
 * A 6.x x86-64 maps file as fs/proc/task_mmu.c prints it: names padded to
 * column 74, none after an anonymous VMA's inode, a newline in a file name
 * escaped as "\012" by seq_path.
 */
static const char modern[] =
	"55680ae1e000-55680ae20000 r--p 00000000 fd:01 47316994                   /bin/cat\n"
	"55680ae29000-55680ae2a000 rwxs 0000a000 fd:01 47316994                   /bin/cat\n"
	"55680bed6000-55680bef7000 rw-p 00000000 00:00 0                          [heap]\n"
	"7f0000000000-7f0000021000 rw-p 00000000 00:00 0 \n"
	"7f0000021000-7f0000100000 ---p 00000000 00:00 0\n"
	"7f0000200000-7f0000300000 rw-s 00000000 00:01 1025                       /memfd:jit (deleted)\n"
	"7f0000300000-7f0000301000 r--p 00001000 103:02 4294967296                /tmp/a\\012b c\n"
	"7f0000400000-7f0000500000 rw-p 00000000 00:00 0                          [anon:libc_malloc]\n"
	"7ffe9215c000-7ffe9217f000 rw-p 00000000 00:00 0                          [stack]\n"
	"7ffe921da000-7ffe921dd000 r--p 00000000 00:00 0                          [vvar]\n"
	"7ffe921dd000-7ffe921de000 r-xp 00000000 00:00 0                          [vdso]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

#define R MEMACCT_VMA_PERM_READ
#define W MEMACCT_VMA_PERM_WRITE
#define X MEMACCT_VMA_PERM_EXEC
#define S MEMACCT_VMA_PERM_SHARED

static void test_modern(void **state)
{
	static const struct {
		uint64_t start, end, offset, inode;
		uint32_t major, minor, perms;
		const char *path;
	} want[] = {
		{ 0x55680ae1e000, 0x55680ae20000, 0, 47316994, 0xfd, 1, R, "/bin/cat" },
		{ 0x55680ae29000, 0x55680ae2a000, 0xa000, 47316994, 0xfd, 1, R | W | X | S, "/bin/cat" },
		{ 0x55680bed6000, 0x55680bef7000, 0, 0, 0, 0, R | W, "[heap]" },
		{ 0x7f0000000000, 0x7f0000021000, 0, 0, 0, 0, R | W, "" },
		{ 0x7f0000021000, 0x7f0000100000, 0, 0, 0, 0, 0, "" },
		{ 0x7f0000200000, 0x7f0000300000, 0, 1025, 0, 1, R | W | S, "/memfd:jit (deleted)" },
		{ 0x7f0000300000, 0x7f0000301000, 0x1000, 4294967296, 0x103, 2, R, "/tmp/a\\012b c" },
		{ 0x7f0000400000, 0x7f0000500000, 0, 0, 0, 0, R | W, "[anon:libc_malloc]" },
		{ 0x7ffe9215c000, 0x7ffe9217f000, 0, 0, 0, 0, R | W, "[stack]" },
		{ 0x7ffe921da000, 0x7ffe921dd000, 0, 0, 0, 0, R, "[vvar]" },
		{ 0x7ffe921dd000, 0x7ffe921de000, 0, 0, 0, 0, R | X, "[vdso]" },
		{ 0xffffffffff600000, 0xffffffffff601000, 0, 0, 0, 0, X, "[vsyscall]" },
	};
	struct memacct_vmas *v = new_vmas();
	uint64_t x;

	assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), sizeof(want) / sizeof(want[0]));
	assert_int_equal(memacct_vmas_count_skipped(v), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct memacct_vma *vma = at(v, i);

		assert_u64_equal(get(vma, MEMACCT_VMA_START), want[i].start);
		assert_u64_equal(get(vma, MEMACCT_VMA_END), want[i].end);
		assert_u64_equal(get(vma, MEMACCT_VMA_OFFSET), want[i].offset);
		assert_u64_equal(get(vma, MEMACCT_VMA_INODE), want[i].inode);
		assert_u64_equal(get(vma, MEMACCT_VMA_DEV_MAJOR), want[i].major);
		assert_u64_equal(get(vma, MEMACCT_VMA_DEV_MINOR), want[i].minor);
		assert_u64_equal(get(vma, MEMACCT_VMA_PERMS), want[i].perms);
		assert_string_equal(path_of(vma), want[i].path);
		/* A maps file has no counters: absent, not zero. */
		assert_int_equal(memacct_vma_get(vma, MEMACCT_SMAPS_RSS, &x), -ENOENT);
		assert_int_equal(memacct_vma_get(vma, MEMACCT_SMAPS_SIZE, &x), -ENOENT);
		assert_int_equal(memacct_vma_field_count(vma), 0);
	}
	assert_null(memacct_vmas_at(v, sizeof(want) / sizeof(want[0])));
	memacct_vmas_free(v);
}

/* Keys outside both key spaces are unknown, not absent. */
static void test_keys(void **state)
{
	static const uint32_t unknown[] = { 0, 8, 50, 99, 127, 1000, UINT32_MAX };
	struct memacct_vmas *v = new_vmas();
	const struct memacct_vma *vma;
	uint64_t x;

	assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	vma = at(v, 0);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(memacct_vma_get(vma, unknown[i], &x), -EOPNOTSUPP);
	for (uint32_t k = MEMACCT_VMA_START; k <= MEMACCT_VMA_PERMS; k++)
		assert_int_equal(memacct_vma_get(vma, k, &x), 0);
	for (uint32_t k = MEMACCT_SMAPS_SIZE; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++)
		assert_int_equal(memacct_vma_get(vma, k, &x), -ENOENT);
	memacct_vmas_free(v);
}

/* 32-bit kernels, old kernels and files that went through other hands. */
static void test_odd_formats(void **state)
{
	/* i386 2.6: 8-digit addresses, one space before the name, no padding. */
	static const char old32[] =
		"08048000-08089000 r-xp 00000000 03:01 104219 /bin/tcsh\n"
		"0808c000-08146000 rwxp 00000000 00:00 0\n"
		"40000000-40015000 r-xp 00000000 03:01 61874 /lib/ld-2.3.2.so\n";
	/* "\r\n" and "\n\r" line ends, tabs, blank lines, upper-case hex, a
	 * name with spaces and quotes, blanks after an anonymous inode. */
	static const char odd[] =
		"00400000-0040B000 r-xp 00000000 FC:00 2106562                /bin/cat\r\n"
		"7f53b7dad000-7f53b7f62000 r-xp 00000000 fc:00 263011        /lib/libc.so\n"
		"\r7f53b816d000-7f53b818f000\tr-xp\t00000000\tfc:00\t264284\t/lib/ld.so\n"
		"\n"
		"   \n"
		"7fff9c7ff000-7fff9c800000 r-xp 00000000 00:00 0                \"vd so\"\n"
		"ffffffffff600000-ffffffffff601000 r-xp 00000000 00:00 0    \t  \r\n";
	struct memacct_vmas *v = new_vmas();

	assert_int_equal(memacct_maps_parse(v, old32, sizeof(old32) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 3);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_START), 0x08048000);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_END), 0x08089000);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_DEV_MAJOR), 3);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_INODE), 104219);
	assert_string_equal(path_of(at(v, 0)), "/bin/tcsh");
	assert_string_equal(path_of(at(v, 1)), "");
	assert_u64_equal(get(at(v, 1), MEMACCT_VMA_PERMS), R | W | X);
	assert_string_equal(path_of(at(v, 2)), "/lib/ld-2.3.2.so");

	assert_int_equal(memacct_maps_parse(v, odd, sizeof(odd) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 5);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_END), 0x40b000);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_DEV_MAJOR), 0xfc);
	assert_string_equal(path_of(at(v, 0)), "/bin/cat");
	assert_string_equal(path_of(at(v, 1)), "/lib/libc.so");
	assert_u64_equal(get(at(v, 2), MEMACCT_VMA_START), 0x7f53b816d000);
	assert_u64_equal(get(at(v, 2), MEMACCT_VMA_INODE), 264284);
	assert_string_equal(path_of(at(v, 2)), "/lib/ld.so");
	assert_string_equal(path_of(at(v, 3)), "\"vd so\"");
	assert_string_equal(path_of(at(v, 4)), "");

	/* Empty input: no VMA, no error. */
	assert_int_equal(memacct_maps_parse(v, "", 0, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 0);
	assert_int_equal(memacct_maps_parse(v, NULL, 0, NULL), 0);
	assert_int_equal(memacct_maps_parse(v, "\n \n", 3, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 0);
	memacct_vmas_free(v);
}

struct bad_case {
	const char *what;
	const char *text;
	size_t len;
	int err;
	uint32_t line, column;
	const char *key;
};

#define T(s) s, sizeof(s) - 1
#define GOOD "00400000-0040b000 r-xp 00000000 fc:00 794418 /bin/cat\n"

static const struct bad_case bad[] = {
	{ "cut: last header without newline", T(GOOD "00600000-0060b000 r-xp 00000000 fc:00 1 /bin/ca"),
	  -EBADMSG, 2, 48, "header" },
	{ "cut inside the header", T(GOOD "00600000-0060b000 r-xp 0000"), -EBADMSG, 2, 28, "dev" },
	{ "no range dash", T("00400000 r-xp 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG, 1, 9,
	  "range" },
	{ "no start", T("-0040b000 r-xp 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG, 1, 1,
	  "header" },
	{ "non-hex start", T("thisisal-0040b000 rwxp 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG,
	  1, 1, "header" },
	{ "non-hex end", T("0040000d-linvalid rwxp 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG, 1,
	  10, "end" },
	{ "end with junk", T("00400000-0040b00x rwxp 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG,
	  1, 17, "end" },
	{ "backwards", T(GOOD "00400000-00200000 ---p 00000000 00:00 0\n"), -EBADMSG, 2, 1, "range" },
	{ "empty", T("7fe7ce79c000-7fe7ce79c000 ---p 00000000 00:00 0\n"), -EBADMSG, 1, 1, "range" },
	{ "start past 2^64", T("10000000000000000-20000000000000000 r--p 0 00:00 0\n"), -EOVERFLOW,
	  1, 1, "start" },
	{ "end past 2^64", T("0-10000000000000000 r--p 0 00:00 0\n"), -EOVERFLOW, 1, 3, "end" },
	{ "bad perms", T("00400000-0040b000 inpu 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG, 1,
	  19, "perms" },
	{ "upper-case perms", T("00400000-0040b000 ---S 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG,
	  1, 19, "perms" },
	{ "five perms", T("00400000-0040b000 r-xpp 00000000 fc:00 794418 /bin/cat\n"), -EBADMSG,
	  1, 19, "perms" },
	{ "no perms", T("00400000-0040b000\n"), -EBADMSG, 1, 18, "perms" },
	{ "bad offset", T("00400000-0040b000 rwxp tforproc fc:00 794418 /bin/cat\n"), -EBADMSG,
	  1, 24, "offset" },
	{ "offset past 2^64", T("00400000-0040b000 rwxp 100000000000000000 fc:00 1 /x\n"),
	  -EOVERFLOW, 1, 24, "offset" },
	{ "bad dev", T("00400000-0040b000 rwxp 00000000 ma:ps 794418 /bin/cat\n"), -EBADMSG, 1,
	  33, "dev" },
	{ "dev without minor", T("00400000-0040b000 rwxp 00000000 794418 /bin/cat\n"), -EBADMSG, 1,
	  39, "dev" },
	{ "dev past 32 bits", T("00400000-0040b000 rwxp 00000000 100000000:00 1 /x\n"), -EOVERFLOW,
	  1, 33, "dev" },
	{ "bad inode", T("00400000-0040b000 rwxp 00000000 fc:00 parse! /bin/cat\n"), -EBADMSG, 1,
	  39, "inode" },
	{ "no inode", T("00400000-0040b000 r-xp 00000000 fc:00\n"), -EBADMSG, 1, 38, "inode" },
	{ "inode glued to the name", T("00400000-0040b000 r-xp 00000000 fc:00 12/x\n"), -EBADMSG, 1,
	  41, "inode" },
	{ "inode past 2^64", T("00400000-0040b000 r-xp 0 fc:00 18446744073709551616 /x\n"), -EOVERFLOW,
	  1, 32, "inode" },
	{ "NUL in the name", T(GOOD "00600000-0060b000 r-xp 00000000 fc:00 1 /bin\0cat\n"), -EBADMSG, 2,
	  45, NULL },
	{ "a smaps field in maps", T(GOOD "Rss:                 296 kB\n"), -EBADMSG, 2, 1, "Rss" },
	{ "garbage", T(GOOD "hello world\n"), -EBADMSG, 2, 1, "header" },
};

static void test_bad(void **state)
{
	struct memacct_vmas *v = new_vmas();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct memacct_diag d = { .sz = sizeof(d) };
		int r;

		/* A good parse first: a failure must leave nothing of it behind. */
		assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
		r = memacct_maps_parse(v, c->text, c->len, &d);
		if (r != c->err || d.line != c->line || (c->column && d.column != c->column) ||
		    (c->key && strcmp(d.key, c->key)))
			fail_msg("%s: got %d line %u col %u key '%s' (%s), want %d line %u col %u key '%s'",
				 c->what, r, d.line, d.column, d.key, d.message ? d.message : "-",
				 c->err, c->line, c->column, c->key ? c->key : "*");
		assert_int_equal(d.error, c->err);
		assert_non_null(d.message);
		assert_int_equal(memacct_vmas_count(v), 0);
		assert_null(memacct_vmas_at(v, 0));
	}
	memacct_vmas_free(v);
}

static void test_lenient(void **state)
{
	static const char text[] =
		"00400000-0040b000 r-xp 00000000 fc:00 794418 /bin/cat\n"	/* 1 kept */
		"00600000-00500000 r--p 00000000 fc:00 794418 /bin/cat\n"	/* 2 backwards: dropped */
		"00700000-0070b000 rw-S 00001000 fc:00 794418 /bin/cat\n"	/* 3 kept, shared */
		"fffff0 r-xp 00002000 00:00 0 [vsyscall]\n"			/* 4 kept, no range */
		"00800000-0080b000 rw-p 00000000 00:00 zz /x\n"		/* 5 kept, no inode or path */
		"garbage line\n"						/* 6 skipped */
		"Rss: 4 kB\n"							/* 7 skipped */
		"00900000-0090b000 rw-p 00000000 00:00 0 [heap]";		/* 8 cut: kept */
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *p;
	uint64_t x;

	assert_int_equal(memacct_vmas_set_flags(v, 0x80), -EINVAL);
	assert_int_equal(memacct_maps_parse(v, text, sizeof(text) - 1, &d), -EBADMSG);
	assert_int_equal(d.line, 2);

	assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(memacct_maps_parse(v, text, sizeof(text) - 1, &d), 0);
	assert_int_equal(d.line, 0);	/* not written on success */
	assert_int_equal(memacct_vmas_count_skipped(v), 7);
	assert_int_equal(memacct_vmas_count(v), 5);

	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_START), 0x400000);
	assert_u64_equal(get(at(v, 1), MEMACCT_VMA_START), 0x700000);
	assert_u64_equal(get(at(v, 1), MEMACCT_VMA_PERMS), R | W | S);
	assert_u64_equal(get(at(v, 1), MEMACCT_VMA_OFFSET), 0x1000);
	assert_string_equal(path_of(at(v, 1)), "/bin/cat");

	assert_int_equal(memacct_vma_get(at(v, 2), MEMACCT_VMA_START, &x), -ENOENT);
	assert_int_equal(memacct_vma_get(at(v, 2), MEMACCT_VMA_END, &x), -ENOENT);
	assert_u64_equal(get(at(v, 2), MEMACCT_VMA_PERMS), R | X);
	assert_u64_equal(get(at(v, 2), MEMACCT_VMA_OFFSET), 0x2000);
	assert_string_equal(path_of(at(v, 2)), "[vsyscall]");

	assert_u64_equal(get(at(v, 3), MEMACCT_VMA_END), 0x80b000);
	assert_int_equal(memacct_vma_get(at(v, 3), MEMACCT_VMA_INODE, &x), -ENOENT);
	assert_int_equal(memacct_vma_get_path(at(v, 3), &p), -ENOENT);

	assert_string_equal(path_of(at(v, 4)), "[heap]");

	assert_int_equal(memacct_vmas_get_skipped(v, &d), 0);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.error, -EBADMSG);
	assert_string_equal(d.key, "range");

	/* A lenient parse without bad lines says so. */
	assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count_skipped(v), 0);
	assert_int_equal(memacct_vmas_get_skipped(v, &d), -ENOENT);
	memacct_vmas_free(v);
}

/* A megabyte-long name is a name; a megabyte of garbage is an error at its line. */
static void test_long_lines(void **state)
{
	size_t n = 1 << 20, len;
	char *buf = malloc(n + 256);
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *p;
	uint64_t x;

	if (!buf)
		abort();
	len = (size_t)sprintf(buf, GOOD "00600000-0060b000 r-xp 00000000 fc:00 1 /");
	memset(buf + len, 'a', n);
	len += n;
	buf[len++] = '\n';
	assert_int_equal(memacct_maps_parse(v, buf, len, &d), 0);
	assert_int_equal(memacct_vmas_count(v), 2);
	assert_int_equal(memacct_vma_get_path(at(v, 1), &p), 0);
	assert_int_equal(strlen(p), n + 1);

	len = (size_t)sprintf(buf, GOOD);
	memset(buf + len, '7', n);
	len += n;
	len += (size_t)sprintf(buf + len, "-1 r-xp 0 00:00 0\n" GOOD);
	assert_int_equal(memacct_maps_parse(v, buf, len, &d), -EOVERFLOW);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.key, "start");

	/* Lenient: the perms still read, so the VMA stays, without a range. */
	assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_maps_parse(v, buf, len, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 3);
	assert_int_equal(memacct_vmas_count_skipped(v), 1);
	assert_int_equal(memacct_vma_get(at(v, 1), MEMACCT_VMA_START, &x), -ENOENT);
	assert_u64_equal(get(at(v, 1), MEMACCT_VMA_PERMS), R | X);
	free(buf);
	memacct_vmas_free(v);
}

/* A handle refilled with smaller and larger files gives what a fresh one gives. */
static void test_reuse(void **state)
{
	static const char small[] = "00010000-00020000 r--p 00000000 00:00 0 [x]\n";
	struct memacct_vmas *v = new_vmas(), *fresh = new_vmas();

	for (int round = 0; round < 3; round++) {
		assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
		assert_int_equal(memacct_vmas_count(v), 12);
		assert_int_equal(memacct_maps_parse(v, small, sizeof(small) - 1, NULL), 0);
		assert_int_equal(memacct_vmas_count(v), 1);
		assert_string_equal(path_of(at(v, 0)), "[x]");
		assert_u64_equal(get(at(v, 0), MEMACCT_VMA_END), 0x20000);
	}
	assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_maps_parse(fresh, modern, sizeof(modern) - 1, NULL), 0);
	for (size_t i = 0; i < 12; i++) {
		for (uint32_t k = MEMACCT_VMA_START; k <= MEMACCT_VMA_PERMS; k++)
			assert_u64_equal(get(at(v, i), k), get(at(fresh, i), k));
		assert_string_equal(path_of(at(v, i)), path_of(at(fresh, i)));
	}
	memacct_vmas_free(fresh);
	memacct_vmas_free(v);
}

/* A source tree with PID/maps: what the reader gives, and its errors. */
static void test_read_tree(void **state)
{
	char dir[64] = "/tmp/memacct-test-maps-XXXXXX", path[128];
	struct memacct_source *src = NULL;
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/4242", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/4242/maps", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(modern, 1, sizeof(modern) - 1, f), sizeof(modern) - 1);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(memacct_source_new(dir, NULL, &src), 0);
	assert_int_equal(memacct_maps_read(v, src, 4242, &d), 0);
	assert_int_equal(memacct_vmas_count(v), 12);
	assert_string_equal(path_of(at(v, 11)), "[vsyscall]");

	assert_int_equal(memacct_maps_read(v, src, 4243, &d), -ESRCH);
	assert_int_equal(d.error, -ESRCH);
	assert_int_equal(memacct_maps_read(v, src, 0, &d), -EINVAL);
	assert_int_equal(memacct_maps_read(v, src, -1, &d), -EINVAL);
	memacct_source_free(src);

	unlink(path);
	snprintf(path, sizeof(path), "%s/4242", dir);
	rmdir(path);
	rmdir(dir);
	memacct_vmas_free(v);
}

static int live_marker(void)
{
	return 42;
}

/* This process's maps: what must hold on any machine. */
static void test_live(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t stack_addr = (uint64_t)(uintptr_t)&d;
	uint64_t code_addr = (uint64_t)(uintptr_t)&live_marker, prev_end = 0;
	int found_stack = 0, found_code = 0, r;

	assert_int_equal(live_marker(), 42);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	r = memacct_maps_read(v, src, (int)getpid(), &d);
	if (r < 0)
		fail_msg("maps_read: %d line %u: %s", r, d.line, d.message);
	assert_true(memacct_vmas_count(v) > 3);
	for (int i = 0; i < memacct_vmas_count(v); i++) {
		const struct memacct_vma *vma = at(v, (size_t)i);
		uint64_t s = get(vma, MEMACCT_VMA_START), e = get(vma, MEMACCT_VMA_END);
		uint64_t perms = get(vma, MEMACCT_VMA_PERMS);

		assert_true(s < e);
		assert_true(s >= prev_end);	/* proc.rst: addresses never go backwards */
		prev_end = e;
		if (s <= stack_addr && stack_addr < e) {
			found_stack = 1;
			/* "[stack]" natively; valgrind gives its client a stack of its own. */
			assert_true((perms & (R | W)) == (R | W));
		}
		if (s <= code_addr && code_addr < e) {
			found_code = 1;
			assert_true(perms & X);
			assert_true(path_of(vma)[0] == '/');
		}
	}
	assert_true(found_stack);
	assert_true(found_code);

	/* A pid that cannot exist (above any pid_max): -ESRCH. */
	assert_int_equal(memacct_maps_read(v, src, INT_MAX, &d), -ESRCH);
	memacct_source_free(src);
	memacct_vmas_free(v);
}

/* The diag struct of an older caller is written only up to its .sz. */
static void test_small_diag(void **state)
{
	struct memacct_vmas *v = new_vmas();
	struct {
		struct memacct_diag d;
		char canary[8];
	} s;
	size_t small = offsetof(struct memacct_diag, key);

	memset(&s, 0x5a, sizeof(s));
	s.d.sz = small;
	assert_int_equal(memacct_maps_parse(v, "x\n", 2, &s.d), -EBADMSG);
	assert_int_equal(s.d.error, -EBADMSG);
	assert_int_equal(s.d.line, 1);
	assert_int_equal((unsigned char)s.d.key[0], 0x5a);
	assert_int_equal((unsigned char)s.canary[0], 0x5a);
	memacct_vmas_free(v);
}

static void test_bad_args(void **state)
{
	struct memacct_vmas *v = new_vmas();
	struct memacct_source *src = NULL;
	const struct memacct_vma *vma;
	const char *p;
	uint64_t x;

	assert_int_equal(memacct_vmas_new(NULL), -EINVAL);
	assert_null(memacct_vmas_free(NULL));
	assert_int_equal(memacct_vmas_count(NULL), -EINVAL);
	assert_null(memacct_vmas_at(NULL, 0));
	assert_int_equal(memacct_vmas_set_flags(NULL, 0), -EINVAL);
	assert_int_equal(memacct_vmas_count_skipped(NULL), -EINVAL);
	assert_int_equal(memacct_maps_parse(NULL, "", 0, NULL), -EINVAL);
	assert_int_equal(memacct_maps_parse(v, NULL, 3, NULL), -EINVAL);
	assert_int_equal(memacct_maps_read(v, NULL, 1, NULL), -EINVAL);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_maps_read(NULL, src, 1, NULL), -EINVAL);
	memacct_source_free(src);

	assert_int_equal(memacct_maps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	vma = at(v, 0);
	assert_int_equal(memacct_vma_get(NULL, MEMACCT_VMA_START, &x), -EINVAL);
	assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_START, NULL), -EINVAL);
	assert_int_equal(memacct_vma_get_path(NULL, &p), -EINVAL);
	assert_int_equal(memacct_vma_get_path(vma, NULL), -EINVAL);
	memacct_vmas_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_odd_formats),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_small_diag),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("maps", tests, NULL, NULL);
}
