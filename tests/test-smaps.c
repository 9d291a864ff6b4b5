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
 * Allocations are counted (test-alloc.h), to show that streaming allocates
 * nothing per VMA and that a grown handle allocates nothing at all.
 */
#include "test-alloc.h"

/* Two VMAs of a 6.x x86-64 smaps, as fs/proc/task_mmu.c prints them. */
static const char modern[] =
	"55c598b68000-55c598b6a000 r--p 00000000 fe:00 247498                     /usr/bin/head\n"
	"Size:                  8 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   8 kB\n"
	"Pss:                   5 kB\n"
	"Pss_Dirty:             1 kB\n"
	"Shared_Clean:          2 kB\n"
	"Shared_Dirty:          3 kB\n"
	"Private_Clean:         6 kB\n"
	"Private_Dirty:         7 kB\n"
	"Referenced:            8 kB\n"
	"Anonymous:             9 kB\n"
	"KSM:                  10 kB\n"
	"LazyFree:             11 kB\n"
	"AnonHugePages:        12 kB\n"
	"ShmemPmdMapped:       13 kB\n"
	"FilePmdMapped:        14 kB\n"
	"Shared_Hugetlb:       15 kB\n"
	"Private_Hugetlb:      16 kB\n"
	"Swap:                 17 kB\n"
	"SwapPss:              18 kB\n"
	"Locked:               19 kB\n"
	"THPeligible:           1\n"
	"ProtectionKey:        15\n"
	"VmFlags: rd mr mw me sd \n"
	"7ffe9215c000-7ffe9217f000 rw-p 00000000 00:00 0                          [stack]\n"
	"Size:                140 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                  24 kB\n"
	"Pss:                  24 kB\n"
	"Pss_Dirty:            24 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:        24 kB\n"
	"Referenced:           24 kB\n"
	"Anonymous:            24 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"ProtectionKey:         0\n"
	"VmFlags: rd wr mr mw me gd ac \n";

static void test_modern(void **state)
{
	struct memacct_vmas *v = new_vmas();
	const struct memacct_vma *a, *b;
	const char *t, *name;
	uint64_t x, flags;
	uint32_t unit, key;
	uint32_t k;

	assert_int_equal(memacct_smaps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 2);
	a = at(v, 0);
	b = at(v, 1);
	assert_u64_equal(get(a, MEMACCT_VMA_START), 0x55c598b68000);
	assert_u64_equal(get(a, MEMACCT_VMA_INODE), 247498);
	assert_string_equal(path_of(a), "/usr/bin/head");
	assert_string_equal(path_of(b), "[stack]");

	/* The first VMA's counters were printed as 8, 4, 4, 8, 5, 1, 2, 3, 6, 7, ... 19 kB. */
	assert_u64_equal(get(a, MEMACCT_SMAPS_SIZE), 8 * 1024);
	assert_u64_equal(get(a, MEMACCT_SMAPS_KERNELPAGESIZE), 4096);
	assert_u64_equal(get(a, MEMACCT_SMAPS_MMUPAGESIZE), 4096);
	assert_u64_equal(get(a, MEMACCT_SMAPS_RSS), 8 * 1024);
	assert_u64_equal(get(a, MEMACCT_SMAPS_PSS), 5 * 1024);
	assert_u64_equal(get(a, MEMACCT_SMAPS_PSS_DIRTY), 1 * 1024);
	assert_u64_equal(get(a, MEMACCT_SMAPS_SHARED_CLEAN), 2 * 1024);
	assert_u64_equal(get(a, MEMACCT_SMAPS_SHARED_DIRTY), 3 * 1024);
	for (k = MEMACCT_SMAPS_PRIVATE_CLEAN; k <= MEMACCT_SMAPS_LOCKED; k++)
		assert_u64_equal(get(a, k), (uint64_t)(k - MEMACCT_SMAPS_PRIVATE_CLEAN + 6) * 1024);
	assert_u64_equal(get(a, MEMACCT_SMAPS_THPELIGIBLE), 1);
	assert_u64_equal(get(a, MEMACCT_SMAPS_PROTECTIONKEY), 15);
	/* smaps has no Pss_Anon/File/Shmem: absent, not zero. */
	assert_int_equal(memacct_vma_get(a, MEMACCT_SMAPS_PSS_ANON, &x), -ENOENT);
	assert_int_equal(memacct_vma_get(a, MEMACCT_SMAPS_PSS_FILE, &x), -ENOENT);
	assert_int_equal(memacct_vma_get(a, MEMACCT_SMAPS_PSS_SHMEM, &x), -ENOENT);
	assert_int_equal(memacct_vma_get_by_name(a, "Pss_Anon", &x), -ENOENT);

	assert_u64_equal(by_name(a, "Swap"), 17 * 1024);
	assert_u64_equal(by_name(a, "THPeligible"), 1);
	assert_int_equal(memacct_vma_get_by_name(a, "VmFlags", &x), -ENODATA);
	assert_int_equal(memacct_vma_get_by_name(a, "Nope", &x), -ENOENT);
	assert_int_equal(memacct_vma_get_by_name(a, "", &x), -ENOENT);
	assert_int_equal(memacct_vma_get_text_by_name(a, "Rss", &t), -ENODATA);
	assert_int_equal(memacct_vma_get_text_by_name(a, "Pss_Anon", &t), -ENOENT);

	assert_int_equal(memacct_vma_get_vmflags(a, &flags), 0);
	assert_u64_equal(flags, MEMACCT_VMFLAG_RD | MEMACCT_VMFLAG_MR | MEMACCT_VMFLAG_MW |
			 MEMACCT_VMFLAG_ME | MEMACCT_VMFLAG_SD);
	assert_int_equal(memacct_vma_get_vmflags_text(a, &t), 0);
	assert_string_equal(t, "rd mr mw me sd");
	assert_string_equal(text_of(a, "VmFlags"), "rd mr mw me sd");
	assert_int_equal(memacct_vma_get_name(a, &t), -ENOENT);
	assert_int_equal(memacct_vma_get_vmflags(b, &flags), 0);
	assert_u64_equal(flags, MEMACCT_VMFLAG_RD | MEMACCT_VMFLAG_WR | MEMACCT_VMFLAG_MR |
			 MEMACCT_VMFLAG_MW | MEMACCT_VMFLAG_ME | MEMACCT_VMFLAG_GD |
			 MEMACCT_VMFLAG_AC);
	assert_u64_equal(get(b, MEMACCT_SMAPS_SIZE), 140 * 1024);
	assert_u64_equal(get(b, MEMACCT_SMAPS_PRIVATE_DIRTY), 24 * 1024);
	assert_u64_equal(get(b, MEMACCT_SMAPS_SWAP), 0);

	/* 24 counters in key order, then VmFlags. */
	assert_int_equal(memacct_vma_field_count(a), 25);
	assert_int_equal(memacct_vma_field_at(a, 0, &name, &x, &unit, &key), 0);
	assert_string_equal(name, "Size");
	assert_u64_equal(x, 8192);
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(key, MEMACCT_SMAPS_SIZE);
	assert_int_equal(memacct_vma_field_at(a, 6, &name, &x, &unit, &key), 0);
	assert_string_equal(name, "Shared_Clean");	/* after Pss_Dirty: Pss_Anon.. absent */
	assert_int_equal(key, MEMACCT_SMAPS_SHARED_CLEAN);
	assert_int_equal(memacct_vma_field_at(a, 23, &name, &x, &unit, &key), 0);
	assert_string_equal(name, "ProtectionKey");
	assert_int_equal(unit, MEMACCT_UNIT_COUNT);
	assert_u64_equal(x, 15);
	assert_int_equal(memacct_vma_field_at(a, 24, &name, &x, &unit, &key), 0);
	assert_string_equal(name, "VmFlags");
	assert_int_equal(unit, MEMACCT_UNIT_TEXT);
	assert_int_equal(key, 0);
	assert_int_equal(memacct_vma_field_at(a, 25, NULL, NULL, NULL, NULL), -ERANGE);
	for (int i = 0; i < 24; i++) {
		assert_int_equal(memacct_vma_field_at(a, (size_t)i, &name, &x, NULL, &key), 0);
		assert_u64_equal(by_name(a, name), x);
		assert_u64_equal(get(a, key), x);
	}
	memacct_vmas_free(v);
}

static void test_key_names(void **state)
{
	const char *name;
	uint32_t key, k;

	for (k = MEMACCT_SMAPS_SIZE; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++) {
		assert_int_equal(memacct_smaps_key_name(k, &name), 0);
		assert_int_equal(memacct_smaps_key_from_name(name, &key), 0);
		assert_int_equal(key, k);
	}
	assert_int_equal(memacct_smaps_key_name(MEMACCT_SMAPS_PSS_SHMEM, &name), 0);
	assert_string_equal(name, "Pss_Shmem");
	assert_int_equal(memacct_smaps_key_name(MEMACCT_SMAPS_THPELIGIBLE, &name), 0);
	assert_string_equal(name, "THPeligible");
	assert_int_equal(memacct_smaps_key_name(99, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_smaps_key_name(127, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_smaps_key_name(MEMACCT_VMA_START, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_smaps_key_from_name("VmFlags", &key), -ENOENT);
	assert_int_equal(memacct_smaps_key_from_name("rss", &key), -ENOENT);
	assert_int_equal(memacct_smaps_key_from_name("", &key), -ENOENT);
}

/* Every mnemonic of field-reference's table, and more, through a parse. */
static void test_vmflags(void **state)
{
	static const char text[] =
		"00400000-00401000 r--p 00000000 00:00 0\n"
		"VmFlags: rd wr ex sh mr mw me ms gd pf lo io sr rr dc de ac nr ht ar dd sd mm hg nh "
		"mg nl dw mp lf um uw sf wf bt mt ui ss sl dp gu ?? zz xyz \n"
		"00401000-00402000 r--p 00000000 00:00 0\n"
		"VmFlags:\n"
		"00402000-00403000 r--p 00000000 00:00 0\n"
		"VmFlags:\trd\t\twr\n";
	struct memacct_vmas *v = new_vmas();
	const char *t, *name;
	uint64_t flags, all = 0;

	assert_int_equal(memacct_smaps_parse(v, text, sizeof(text) - 1, NULL), 0);
	assert_int_equal(memacct_vma_get_vmflags(at(v, 0), &flags), 0);
	for (int bit = 0; bit < 64; bit++) {
		uint64_t f = UINT64_C(1) << bit;
		int r = memacct_smaps_vmflag_name(f, &name);

		if (r < 0) {
			assert_int_equal(r, -EOPNOTSUPP);
			continue;
		}
		assert_int_equal(strlen(name), 2);
		assert_non_null(strstr(text, name));
		all |= f;
	}
	/* Every bit the library names was on the line, and nothing else. */
	assert_u64_equal(flags, all);
	assert_u64_equal(all, (MEMACCT_VMFLAG_UNKNOWN << 1) - 1);
	assert_int_equal(memacct_smaps_vmflag_name(MEMACCT_VMFLAG_UNKNOWN, &name), 0);
	assert_string_equal(name, "??");
	assert_int_equal(memacct_smaps_vmflag_name(MEMACCT_VMFLAG_SL, &name), 0);
	assert_string_equal(name, "sl");
	assert_int_equal(memacct_smaps_vmflag_name(0, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_smaps_vmflag_name(3, &name), -EOPNOTSUPP);
	/* Unknown mnemonics are kept in the text. */
	assert_int_equal(memacct_vma_get_vmflags_text(at(v, 0), &t), 0);
	assert_non_null(strstr(t, "?? zz xyz"));
	assert_int_equal(t[strlen(t) - 1], 'z');

	assert_int_equal(memacct_vma_get_vmflags(at(v, 1), &flags), 0);
	assert_u64_equal(flags, 0);
	assert_int_equal(memacct_vma_get_vmflags_text(at(v, 1), &t), 0);
	assert_string_equal(t, "");
	assert_int_equal(memacct_vma_get_vmflags(at(v, 2), &flags), 0);
	assert_u64_equal(flags, MEMACCT_VMFLAG_RD | MEMACCT_VMFLAG_WR);
	memacct_vmas_free(v);
}

static void test_rollup(void **state)
{
	static const char rollup[] =
		"55f4d118e000-7ffff6e62000 ---p 00000000 00:00 0                          [rollup]\n"
		"Rss:                1908 kB\n"
		"Pss:                 573 kB\n"
		"Pss_Dirty:           144 kB\n"
		"Pss_Anon:            100 kB\n"
		"Pss_File:            469 kB\n"
		"Pss_Shmem:            12 kB\n"
		"Shared_Clean:       1356 kB\n"
		"Private_Dirty:       104 kB\n"
		"Locked:                0 kB";
	static const char empty_mm[] =
		"00000000-00000000 ---p 00000000 00:00 0                                  [rollup]\n"
		"Rss:                   0 kB\n";
	static const char two[] =
		"00400000-00500000 ---p 00000000 00:00 0 [rollup]\n"
		"Rss:                   4 kB\n"
		"00600000-00700000 ---p 00000000 00:00 0 [rollup]\n"
		"Rss:                   8 kB\n";
	static const char not_rollup[] =
		"00400000-00500000 r--p 00000000 00:00 0 [heap]\n"
		"Rss:                   4 kB\n";
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t x;

	assert_int_equal(memacct_smaps_rollup_parse(v, rollup, sizeof(rollup) - 1, &d), 0);
	assert_int_equal(memacct_vmas_count(v), 1);
	assert_string_equal(path_of(at(v, 0)), "[rollup]");
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_START), 0x55f4d118e000);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_END), 0x7ffff6e62000);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_PERMS), 0);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_PSS_ANON), 100 * 1024);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_PSS_FILE), 469 * 1024);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_PSS_SHMEM), 12 * 1024);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_LOCKED), 0);
	assert_int_equal(memacct_vma_get(at(v, 0), MEMACCT_SMAPS_SIZE, &x), -ENOENT);
	assert_int_equal(memacct_vma_get(at(v, 0), MEMACCT_SMAPS_SWAP, &x), -ENOENT);

	/* show_smaps_rollup of an mm without VMAs: 00000000-00000000. */
	assert_int_equal(memacct_smaps_rollup_parse(v, empty_mm, sizeof(empty_mm) - 1, &d), 0);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_END), 0);
	/* ... which smaps never has. */
	assert_int_equal(memacct_smaps_parse(v, empty_mm, sizeof(empty_mm) - 1, &d), -EBADMSG);
	assert_string_equal(d.key, "range");

	assert_int_equal(memacct_smaps_rollup_parse(v, "", 0, &d), 0);
	assert_int_equal(memacct_vmas_count(v), 0);

	assert_int_equal(memacct_smaps_rollup_parse(v, two, sizeof(two) - 1, &d), -EBADMSG);
	assert_int_equal(d.line, 3);
	assert_int_equal(memacct_vmas_count(v), 0);
	assert_int_equal(memacct_smaps_rollup_parse(v, not_rollup, sizeof(not_rollup) - 1, &d),
			 -EBADMSG);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.column, 41);
	assert_int_equal(memacct_smaps_rollup_parse(v, "Rss: 4 kB\n", 10, &d), -EBADMSG);
	assert_int_equal(d.line, 1);

	/* Lenient: the second block goes, the first stays. */
	assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_smaps_rollup_parse(v, two, sizeof(two) - 1, &d), 0);
	assert_int_equal(memacct_vmas_count(v), 1);
	assert_int_equal(memacct_vmas_count_skipped(v), 2);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_RSS), 4096);
	memacct_vmas_free(v);
}

/* Android's Name: lines, older kernels' orders, peers' hand-made files. */
static void test_odd_formats(void **state)
{
	static const char android[] =
		"54c00000-56c00000 r-xp 00000000 00:00 0                                  [anon:dalvik-zygote-jit-code-cache]\n"
		"Name:           [anon:dalvik-zygote-jit-code-cache]\n"
		"Size:              32768 kB\n"
		"Rss:                2048 kB\n"
		"VmFlags: rd ex mr mw me ac \n"
		"12c00000-13440000 rw-p 00000000 00:00 0  [anon:dalvik-main space (region space)]\n"
		"Name:           [anon:dalvik-main space (region space)]\n"
		"Rss:                2652 kB\n"
		"VmFlags: rd wr mr mw me ac";
	/* 3.x order (Swap before KernelPageSize), fields missing, tabs after the
	 * colon, "\r\n", a misaligned value, no final newline. */
	static const char old[] =
		"ff000000-ff800000 -w-p 00001080 fc:01 0            /file/name with space\r\n"
		"Rss:\t\t192 kB\r\n"
		"Swap:                  0 kB\n"
		"KernelPageSize:        4 kB\n"
		"Locked:                11 kB\n"
		"Size:0 kB   \n"
		"VmFlags: rd ex mr mw me dw sd";
	struct memacct_vmas *v = new_vmas();
	const char *t;
	uint64_t x, flags;

	assert_int_equal(memacct_smaps_parse(v, android, sizeof(android) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 2);
	assert_int_equal(memacct_vma_get_name(at(v, 0), &t), 0);
	assert_string_equal(t, "[anon:dalvik-zygote-jit-code-cache]");
	assert_string_equal(text_of(at(v, 0), "Name"), "[anon:dalvik-zygote-jit-code-cache]");
	assert_string_equal(path_of(at(v, 1)), "[anon:dalvik-main space (region space)]");
	assert_int_equal(memacct_vma_get_name(at(v, 1), &t), 0);
	assert_string_equal(t, "[anon:dalvik-main space (region space)]");
	assert_u64_equal(get(at(v, 1), MEMACCT_SMAPS_RSS), 2652 * 1024);
	assert_int_equal(memacct_vma_get_vmflags(at(v, 1), &flags), 0);
	assert_u64_equal(flags, MEMACCT_VMFLAG_RD | MEMACCT_VMFLAG_WR | MEMACCT_VMFLAG_MR |
			 MEMACCT_VMFLAG_MW | MEMACCT_VMFLAG_ME | MEMACCT_VMFLAG_AC);
	assert_int_equal(memacct_vma_get(at(v, 1), MEMACCT_SMAPS_SIZE, &x), -ENOENT);
	assert_int_equal(memacct_vma_field_count(at(v, 0)), 4);

	assert_int_equal(memacct_smaps_parse(v, old, sizeof(old) - 1, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 1);
	assert_string_equal(path_of(at(v, 0)), "/file/name with space");
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_RSS), 192 * 1024);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_LOCKED), 11 * 1024);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_SIZE), 0);
	assert_u64_equal(get(at(v, 0), MEMACCT_VMA_OFFSET), 0x1080);
	assert_int_equal(memacct_vma_get(at(v, 0), MEMACCT_SMAPS_PSS, &x), -ENOENT);
	assert_int_equal(memacct_vma_get(at(v, 0), MEMACCT_SMAPS_THPELIGIBLE, &x), -ENOENT);
	assert_int_equal(memacct_vma_get_vmflags(at(v, 0), &flags), 0);
	assert_true(flags & MEMACCT_VMFLAG_DW);
	assert_int_equal(memacct_vma_field_count(at(v, 0)), 6);
	memacct_vmas_free(v);
}

/* Lines a newer kernel may add are kept by name. */
static void test_unknown_fields(void **state)
{
	static const char text[] =
		"00400000-00401000 r--p 00000000 00:00 0\n"
		"Rss:                   4 kB\n"
		"FutureSize:           77 kB\n"
		"FutureCount:           9\n"
		"FutureText:    one two  \n"
		"Future_Empty:\n"
		"Pss:                   4 kB\n"
		"00401000-00402000 r--p 00000000 00:00 0\n"
		"FutureSize:           78 kB\n";
	struct memacct_vmas *v = new_vmas();
	const char *name;
	uint64_t x;
	uint32_t unit, key;

	assert_int_equal(memacct_smaps_parse(v, text, sizeof(text) - 1, NULL), 0);
	assert_u64_equal(by_name(at(v, 0), "FutureSize"), 77 * 1024);
	assert_u64_equal(by_name(at(v, 0), "FutureCount"), 9);
	assert_int_equal(memacct_vma_get_by_name(at(v, 0), "FutureText", &x), -ENODATA);
	assert_string_equal(text_of(at(v, 0), "FutureText"), "one two");
	assert_string_equal(text_of(at(v, 0), "Future_Empty"), "");
	assert_int_equal(memacct_vma_get_text_by_name(at(v, 0), "FutureSize", &name), -ENODATA);
	assert_u64_equal(by_name(at(v, 1), "FutureSize"), 78 * 1024);
	assert_int_equal(memacct_vma_get_by_name(at(v, 1), "FutureCount", &x), -ENOENT);

	assert_int_equal(memacct_vma_field_count(at(v, 0)), 6);
	/* Known counters first (Rss, Pss), then the others in file order. */
	assert_int_equal(memacct_vma_field_at(at(v, 0), 1, &name, &x, &unit, &key), 0);
	assert_string_equal(name, "Pss");
	assert_int_equal(memacct_vma_field_at(at(v, 0), 2, &name, &x, &unit, &key), 0);
	assert_string_equal(name, "FutureSize");
	assert_u64_equal(x, 77 * 1024);
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(key, 0);
	assert_int_equal(memacct_vma_field_at(at(v, 0), 3, &name, &x, &unit, NULL), 0);
	assert_string_equal(name, "FutureCount");
	assert_int_equal(unit, MEMACCT_UNIT_COUNT);
	assert_int_equal(memacct_vma_field_at(at(v, 0), 5, &name, &x, &unit, NULL), 0);
	assert_string_equal(name, "Future_Empty");
	assert_int_equal(unit, MEMACCT_UNIT_TEXT);
	assert_u64_equal(x, 0);
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
#define HDR "00400000-00401000 r--p 00000000 00:00 0\n"

static const struct bad_case bad[] = {
	{ "duplicate counter", T(HDR "Rss: 4 kB\nPss: 4 kB\nRss: 4 kB\n"), -EBADMSG, 4, 1, "Rss" },
	{ "duplicate VmFlags", T(HDR "VmFlags: rd\nVmFlags: rd\n"), -EBADMSG, 3, 1, "VmFlags" },
	{ "duplicate Name", T(HDR "Name: a\nName: a\n"), -EBADMSG, 3, 1, "Name" },
	{ "duplicate unknown", T(HDR "Foo: 1 kB\nFoo: 2 kB\n"), -EBADMSG, 3, 1, "Foo" },
	{ "missing unit", T(HDR "Rss:        4\n"), -EBADMSG, 2, 14, "Rss" },
	{ "unit on a count", T(HDR "THPeligible:    1 kB\n"), -EBADMSG, 2, 19, "THPeligible" },
	{ "unknown unit", T(HDR "Rss:        4 MB\n"), -EBADMSG, 2, 15, "Rss" },
	{ "number past 2^64", T(HDR "Rss: 18446744073709551616 kB\n"), -EOVERFLOW, 2, 6, "Rss" },
	{ "past 2^64 in bytes", T(HDR "Rss: 18014398509481984 kB\n"), -EOVERFLOW, 2, 6, "Rss" },
	{ "count past 2^64", T(HDR "ProtectionKey: 99999999999999999999\n"), -EOVERFLOW, 2, 16,
	  "ProtectionKey" },
	{ "negative", T(HDR "Rss: -4 kB\n"), -EBADMSG, 2, 6, "Rss" },
	{ "no value", T(HDR "Rss:\n"), -EBADMSG, 2, 5, "Rss" },
	{ "text value", T(HDR "Rss: 4 kB 5\n"), -EBADMSG, 2, 11, "Rss" },
	{ "NUL byte", T(HDR "Rss:    4\0 kB\n"), -EBADMSG, 2, 10, NULL },
	{ "field before the header", T("Rss: 4 kB\n" HDR), -EBADMSG, 1, 1, "Rss" },
	{ "key with a blank", T(HDR "Rss Anon: 4 kB\n"), -EBADMSG, 2, 1, "header" },
	{ "key with a dash", T(HDR "Rss-x: 4 kB\n"), -EBADMSG, 2, 1, "header" },
	{ "cut: header last, no newline", T(HDR "Rss: 4 kB\n00500000-00501000 r--p 0 00:00 0"),
	  -EBADMSG, 3, 33, "header" },
	{ "garbage", T(HDR "Rss: 4 kB\nhello\n"), -EBADMSG, 3, 1, "header" },
	{ "bad header in smaps", T(HDR "Rss: 4 kB\n00500000-00501000 r--x 0 00:00 0\n"), -EBADMSG, 3,
	  19, "perms" },
	{ "zero-size VMA", T("00400000-00400000 r--p 00000000 00:00 0\n"), -EBADMSG, 1, 1, "range" },
};

static void test_bad(void **state)
{
	struct memacct_vmas *v = new_vmas();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct memacct_diag d = { .sz = sizeof(d) };
		int r;

		assert_int_equal(memacct_smaps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
		r = memacct_smaps_parse(v, c->text, c->len, &d);
		if (r != c->err || d.line != c->line || (c->column && d.column != c->column) ||
		    (c->key && strcmp(d.key, c->key)))
			fail_msg("%s: got %d line %u col %u key '%s' (%s), want %d line %u col %u key '%s'",
				 c->what, r, d.line, d.column, d.key, d.message ? d.message : "-",
				 c->err, c->line, c->column, c->key ? c->key : "*");
		assert_int_equal(d.error, c->err);
		assert_non_null(d.message);
		assert_int_equal(memacct_vmas_count(v), 0);
	}
	memacct_vmas_free(v);
}

/* Reparsing takes a fast path keyed on the order of the block before; same rules. */
static void test_fast_path(void **state)
{
	static const struct {
		const char *from, *to;
		int err;
		uint32_t line;
	} m[] = {
		{ "Rss:                  24 kB", "Rss:                  24", -EBADMSG, 31 },
		{ "Rss:                  24 kB", "Rss:   18014398509481984 kB", -EOVERFLOW, 31 },
		{ "Rss:                  24 kB", "Rss:   184467440737095516150 kB", -EOVERFLOW, 31 },
		{ "Rss:                  24 kB", "Pss:                  24 kB", -EBADMSG, 32 },
		{ "THPeligible:           0", "THPeligible:           0 kB", -EBADMSG, 50 },
		{ "Locked:                0 kB", "Locked:                0 MB", -EBADMSG, 49 },
		{ "Locked:                0 kB", "Locked:                -0 kB", -EBADMSG, 49 },
	};
	struct memacct_vmas *v = new_vmas(), *ref = new_vmas();
	char text[sizeof(modern) + 64];

	assert_int_equal(memacct_smaps_parse(ref, modern, sizeof(modern) - 1, NULL), 0);
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct memacct_diag d = { .sz = sizeof(d) };
		const char *pos = strstr(modern + 200, m[i].from);
		size_t pre = (size_t)(pos - modern);

		assert_non_null(pos);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)pre, modern, m[i].to,
			 pos + strlen(m[i].from));
		for (int round = 0; round < 2; round++) {
			assert_int_equal(memacct_smaps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
			assert_int_equal(memacct_smaps_parse(v, text, strlen(text), &d), m[i].err);
			assert_int_equal(d.line, m[i].line);
		}
	}
	/* And the fast path gives what the first, slow, parse gave. */
	assert_int_equal(memacct_smaps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	for (size_t i = 0; i < 2; i++)
		for (uint32_t k = MEMACCT_SMAPS_SIZE; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++) {
			uint64_t a = 1, b = 2;

			assert_int_equal(memacct_vma_get(at(v, i), k, &a),
					 memacct_vma_get(at(ref, i), k, &b));
			assert_true(a == b || k == MEMACCT_SMAPS_PSS_ANON ||
				    k == MEMACCT_SMAPS_PSS_FILE || k == MEMACCT_SMAPS_PSS_SHMEM);
		}
	memacct_vmas_free(ref);
	memacct_vmas_free(v);
}

static void test_lenient(void **state)
{
	static const char text[] =
		"Rss:                   1 kB\n"					/* 1 skipped */
		"00400000-00401000 r--p 00000000 00:00 0 /a\n"		/* 2 */
		"Rss:                   4 kB\n"					/* 3 */
		"Rss:                   5 kB\n"					/* 4 skipped */
		"Pss:                   4\n"					/* 5 skipped */
		"junk\n"							/* 6 skipped */
		"00600000-00500000 r--p 00000000 00:00 0 /b\n"		/* 7 skipped */
		"Rss:                   6 kB\n"					/* 8 skipped */
		"VmFlags: rd\n"							/* 9 skipped */
		"fffff0 r-xp 00000000 00:00 0 [vsyscall]\n"			/* 10 skipped, kept */
		"Rss:                   7 kB\n"					/* 11 */
		"Swap:   99999999999999999999 kB\n"				/* 12 skipped */
		"VmFlags: rd ex\n";						/* 13 */
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t x;

	assert_int_equal(memacct_smaps_parse(v, text, sizeof(text) - 1, &d), -EBADMSG);
	assert_int_equal(d.line, 1);
	assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_smaps_parse(v, text, sizeof(text) - 1, &d), 0);
	assert_int_equal(memacct_vmas_count_skipped(v), 9);
	assert_int_equal(memacct_vmas_count(v), 2);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_RSS), 4096);
	assert_int_equal(memacct_vma_get(at(v, 0), MEMACCT_SMAPS_PSS, &x), -ENOENT);
	assert_int_equal(memacct_vma_get_vmflags(at(v, 0), &x), -ENOENT);
	assert_int_equal(memacct_vma_get(at(v, 1), MEMACCT_VMA_START, &x), -ENOENT);
	assert_u64_equal(get(at(v, 1), MEMACCT_SMAPS_RSS), 7 * 1024);
	assert_int_equal(memacct_vma_get(at(v, 1), MEMACCT_SMAPS_SWAP, &x), -ENOENT);
	assert_int_equal(memacct_vma_get_vmflags(at(v, 1), &x), 0);
	assert_u64_equal(x, MEMACCT_VMFLAG_RD | MEMACCT_VMFLAG_EX);
	assert_int_equal(memacct_vmas_get_skipped(v, &d), 0);
	assert_int_equal(d.line, 1);
	memacct_vmas_free(v);
}

/* A megabyte-long line. */
static void test_long_lines(void **state)
{
	size_t n = 1 << 20, len;
	char *buf = malloc(n + 256);
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *t;

	if (!buf)
		abort();
	len = (size_t)sprintf(buf, HDR "Rss: 4 kB\nVmFlags: ");
	for (size_t i = 0; i < n; i += 3)
		memcpy(buf + len + i, "rd ", 3);
	len += n / 3 * 3;
	len += (size_t)sprintf(buf + len, "\nPss: 4 kB\n");
	assert_int_equal(memacct_smaps_parse(v, buf, len, &d), 0);
	assert_int_equal(memacct_vma_get_vmflags_text(at(v, 0), &t), 0);
	assert_int_equal(strlen(t), n / 3 * 3 - 1);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_PSS), 4096);

	len = (size_t)sprintf(buf, HDR "Rss: ");
	memset(buf + len, '9', n);
	len += n;
	len += (size_t)sprintf(buf + len, " kB\nPss: 4 kB\n");
	assert_int_equal(memacct_smaps_parse(v, buf, len, &d), -EOVERFLOW);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.key, "Rss");

	len = (size_t)sprintf(buf, HDR);
	memset(buf + len, 'K', n);
	len += n;
	len += (size_t)sprintf(buf + len, ": 1 kB\nPss: 4 kB\n");
	assert_int_equal(memacct_smaps_parse(v, buf, len, &d), -EBADMSG);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.key[sizeof(d.key) - 1], '\0');

	assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_smaps_parse(v, buf, len, NULL), 0);
	assert_int_equal(memacct_vmas_count_skipped(v), 1);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_PSS), 4096);
	free(buf);
	memacct_vmas_free(v);
}

/*
 * A generated smaps of @n VMAs: VMA i spans [0x10000000 + i * 0x2000, +0x1000),
 * has Rss = i % 1000 kB, a Name line on every third, a path on every other.
 */
static char *gen_smaps(size_t n, size_t *ret_len)
{
	size_t cap = n * 240 + 64, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		abort();
	for (size_t i = 0; i < n; i++) {
		uint64_t s = 0x10000000 + (uint64_t)i * 0x2000;

		len += (size_t)snprintf(buf + len, cap - len,
					"%08" PRIx64 "-%08" PRIx64 " rw-p 00000000 00:00 0 %s\n"
					"%s"
					"Size:                  4 kB\n"
					"Rss:                %4zu kB\n"
					"Pss:                   1 kB\n"
					"THPeligible:           0\n"
					"VmFlags: rd wr mr mw me ac \n",
					s, s + 0x1000, i % 2 ? "/lib/x.so" : "",
					i % 3 ? "" : "Name:           [anon:x]\n", i % 1000);
		assert_true(len < cap);
	}
	*ret_len = len;
	return buf;
}

struct tally {
	size_t n;
	uint64_t rss;
	unsigned long allocs_in_cb;
	int stop_at;
};

static int tally_cb(const struct memacct_vma *vma, void *userdata)
{
	struct tally *t = userdata;
	uint64_t s;

	assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_START, &s), 0);
	assert_u64_equal(s, 0x10000000 + (uint64_t)t->n * 0x2000);
	t->rss += get(vma, MEMACCT_SMAPS_RSS);
	if ((int)++t->n == t->stop_at)
		return -ECANCELED;
	return 0;
}

/* 100,000 VMAs: streamed with no allocation per VMA, and as a table. */
static void test_many_vmas(void **state)
{
	const size_t n = 100000;
	struct memacct_vmas *v = new_vmas(), *scratch = new_vmas();
	struct tally t = { 0 };
	uint64_t want_rss = 0;
	unsigned long before, first, second, table;
	size_t len;
	char *buf = gen_smaps(n, &len);

	for (size_t i = 0; i < n; i++)
		want_rss += (uint64_t)(i % 1000) * 1024;

	before = allocs;
	assert_int_equal(memacct_smaps_parse_foreach(scratch, buf, len, tally_cb, &t, NULL), 0);
	first = allocs - before;
	assert_int_equal(t.n, n);
	assert_u64_equal(t.rss, want_rss);
	assert_int_equal(memacct_vmas_count(scratch), 0);

	memset(&t, 0, sizeof(t));
	before = allocs;
	assert_int_equal(memacct_smaps_parse_foreach(scratch, buf, len, tally_cb, &t, NULL), 0);
	second = allocs - before;
	before = allocs;
	assert_int_equal(t.n, n);

	assert_int_equal(memacct_smaps_parse(v, buf, len, NULL), 0);
	table = allocs - before;
	assert_int_equal(memacct_vmas_count(v), n);
	assert_u64_equal(get(at(v, n - 1), MEMACCT_VMA_START), 0x10000000 + (uint64_t)(n - 1) * 0x2000);
	assert_string_equal(path_of(at(v, n - 1)), "/lib/x.so");
	assert_string_equal(path_of(at(v, n - 2)), "");
	assert_u64_equal(get(at(v, 99999), MEMACCT_SMAPS_RSS), 999 * 1024);

	/*
	 * Linear, counted rather than timed: the stream grows one VMA's storage
	 * once (a handful of allocations) and then never again; the table grows
	 * by doubling, so its allocations are logarithmic in the VMA count.
	 * Under valgrind the counting allocator is replaced: first == 0, skip.
	 */
	if (first > 0) {
		assert_true(first <= 8);
		assert_int_equal(second, 0);
		assert_true(table <= 3 * 20);
		before = allocs;
		assert_int_equal(memacct_smaps_parse(v, buf, len, NULL), 0);
		assert_int_equal(allocs - before, 0);
	}

	/* A negative return stops the stream and is returned. */
	memset(&t, 0, sizeof(t));
	t.stop_at = 5;
	assert_int_equal(memacct_smaps_parse_foreach(scratch, buf, len, tally_cb, &t, NULL),
			 -ECANCELED);
	assert_int_equal(t.n, 5);
	assert_int_equal(memacct_vmas_count(scratch), 0);
	free(buf);
	memacct_vmas_free(scratch);
	memacct_vmas_free(v);
}

struct collect {
	const struct memacct_vmas *table;
	size_t n;
};

static int same_cb(const struct memacct_vma *vma, void *userdata)
{
	struct collect *c = userdata;
	const struct memacct_vma *t = at(c->table, c->n++);
	const char *pa, *pb;
	uint64_t a, b;

	for (uint32_t k = 1; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++) {
		int ra = memacct_vma_get(vma, k, &a), rb = memacct_vma_get(t, k, &b);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_u64_equal(a, b);
	}
	assert_string_equal(path_of(vma), path_of(t));
	assert_int_equal(memacct_vma_get_vmflags_text(vma, &pa), memacct_vma_get_vmflags_text(t, &pb));
	assert_int_equal(memacct_vma_field_count(vma), memacct_vma_field_count(t));
	return 0;
}

static int count_cb(const struct memacct_vma *vma, void *userdata)
{
	(*(size_t *)userdata)++;
	return 0;
}

/* The stream's errors: strict fails after the VMAs before the bad line. */
static void test_foreach(void **state)
{
	static const char text[] =
		"00400000-00401000 r--p 00000000 00:00 0\nRss: 4 kB\n"
		"00401000-00402000 r--p 00000000 00:00 0\nRss: 4 kB\nRss: 4 kB\n"
		"00402000-00403000 r--p 00000000 00:00 0\nRss: 4 kB\n";
	struct memacct_vmas *v = new_vmas(), *scratch = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	struct collect c = { .table = v };
	size_t n = 0;

	assert_int_equal(memacct_smaps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	assert_int_equal(memacct_smaps_parse_foreach(scratch, modern, sizeof(modern) - 1, same_cb,
						     &c, NULL), 0);
	assert_int_equal(c.n, 2);

	/* Strict: the first VMA was complete before the bad line and was delivered. */
	assert_int_equal(memacct_smaps_parse_foreach(scratch, text, sizeof(text) - 1, count_cb, &n,
						     &d), -EBADMSG);
	assert_int_equal(d.line, 5);
	assert_int_equal(n, 1);
	assert_int_equal(memacct_vmas_count(scratch), 0);

	/* Lenient: all three, as the table has them. */
	assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_vmas_set_flags(scratch, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_smaps_parse(v, text, sizeof(text) - 1, NULL), 0);
	memset(&c, 0, sizeof(c));
	c.table = v;
	assert_int_equal(memacct_smaps_parse_foreach(scratch, text, sizeof(text) - 1, same_cb, &c,
						     NULL), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(memacct_vmas_count_skipped(scratch), 1);
	memacct_vmas_free(scratch);
	memacct_vmas_free(v);
}

/* A source tree with PID/smaps and PID/smaps_rollup. */
static void test_read_tree(void **state)
{
	static const char rollup[] =
		"00400000-7fff00000000 ---p 00000000 00:00 0 [rollup]\nRss: 32 kB\nPss: 29 kB\n";
	char dir[64] = "/tmp/memacct-test-smaps-XXXXXX", path[128];
	struct memacct_source *src = NULL;
	struct memacct_vmas *v = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	size_t n = 0;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/77", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/77/smaps", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(modern, 1, sizeof(modern) - 1, f), sizeof(modern) - 1);
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/77/smaps_rollup", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(rollup, 1, sizeof(rollup) - 1, f), sizeof(rollup) - 1);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(memacct_source_new(dir, NULL, &src), 0);
	assert_int_equal(memacct_smaps_read(v, src, 77, &d), 0);
	assert_int_equal(memacct_vmas_count(v), 2);
	assert_u64_equal(get(at(v, 1), MEMACCT_SMAPS_SIZE), 140 * 1024);
	assert_int_equal(memacct_smaps_rollup_read(v, src, 77, &d), 0);
	assert_u64_equal(get(at(v, 0), MEMACCT_SMAPS_PSS), 29 * 1024);
	assert_int_equal(memacct_smaps_foreach(v, src, 77, count_cb, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_int_equal(memacct_smaps_read(v, src, 78, &d), -ESRCH);
	assert_int_equal(memacct_smaps_rollup_read(v, src, 78, &d), -ESRCH);
	assert_int_equal(memacct_smaps_foreach(v, src, 78, count_cb, &n, &d), -ESRCH);
	assert_int_equal(d.error, -ESRCH);
	assert_int_equal(memacct_smaps_read(v, src, 0, &d), -EINVAL);
	assert_int_equal(memacct_smaps_rollup_read(v, src, -5, &d), -EINVAL);
	assert_int_equal(memacct_smaps_foreach(v, src, 0, count_cb, &n, &d), -EINVAL);
	memacct_source_free(src);

	unlink(path);
	snprintf(path, sizeof(path), "%s/77/smaps", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/77", dir);
	rmdir(path);
	rmdir(dir);
	memacct_vmas_free(v);
}

/* Reads /proc/self/smaps to its end with plain read()s: what the source must give too. */
static char *read_whole(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 1 << 16, len = 0;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		abort();
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
	}
	close(fd);
	*ret_len = len;
	return buf;
}

struct live {
	uint64_t stack_addr, page;
	int found_stack;
	size_t n;
};

/* What holds for every VMA of a live smaps, whenever it is read. */
static int live_cb(const struct memacct_vma *vma, void *userdata)
{
	struct live *l = userdata;
	uint64_t s = get(vma, MEMACCT_VMA_START), e = get(vma, MEMACCT_VMA_END);
	uint64_t rss = get(vma, MEMACCT_SMAPS_RSS);

	/* fs/proc/task_mmu.c: Size is vm_end - vm_start; Rss is the sum of the
	 * four Shared/Private fields; Pss never exceeds Rss. */
	assert_u64_equal(get(vma, MEMACCT_SMAPS_SIZE), e - s);
	assert_true(rss <= e - s);
	assert_true(get(vma, MEMACCT_SMAPS_PSS) <= rss);
	assert_u64_equal(get(vma, MEMACCT_SMAPS_SHARED_CLEAN) + get(vma, MEMACCT_SMAPS_SHARED_DIRTY) +
			 get(vma, MEMACCT_SMAPS_PRIVATE_CLEAN) +
			 get(vma, MEMACCT_SMAPS_PRIVATE_DIRTY), rss);
	assert_true(get(vma, MEMACCT_SMAPS_KERNELPAGESIZE) >= l->page);
	if (s <= l->stack_addr && l->stack_addr < e) {
		/* Named "[stack]" natively; valgrind gives its client a stack of its own. */
		l->found_stack++;
		assert_true(get(vma, MEMACCT_VMA_PERMS) & MEMACCT_VMA_PERM_WRITE);
		assert_true(rss > 0);
	}
	l->n++;
	return 0;
}

/* This process's smaps and smaps_rollup: what must hold on any machine. */
static void test_live(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_vmas *v = new_vmas(), *direct = new_vmas(), *scratch = new_vmas();
	struct memacct_diag d = { .sz = sizeof(d) };
	struct live l = { .stack_addr = (uint64_t)(uintptr_t)&d,
			  .page = (uint64_t)sysconf(_SC_PAGESIZE) };
	int r;
	size_t len = 0;
	char *buf;

	/* Parsed from our own full read: the parser's rules hold on a live file. */
	buf = read_whole("/proc/self/smaps", &len);
	if (!buf)
		skip();
	r = memacct_smaps_parse(direct, buf, len, &d);
	if (r < 0)
		fail_msg("live smaps: %d line %u col %u key '%s': %s", r, d.line, d.column, d.key,
			 d.message);
	free(buf);
	assert_true(memacct_vmas_count(direct) > 3);
	for (int i = 0; i < memacct_vmas_count(direct); i++)
		live_cb(at(direct, (size_t)i), &l);
	assert_int_equal(l.found_stack, 1);

	/* Through the source, as a table and as a stream. */
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	r = memacct_smaps_read(v, src, (int)getpid(), &d);
	if (r < 0)
		fail_msg("smaps_read: %d line %u: %s", r, d.line, d.message);
	memset(&l, 0, sizeof(l));
	l.stack_addr = (uint64_t)(uintptr_t)&d;
	l.page = (uint64_t)sysconf(_SC_PAGESIZE);
	for (int i = 0; i < memacct_vmas_count(v); i++)
		live_cb(at(v, (size_t)i), &l);
	if (l.found_stack != 1)
		fail_msg("the VMA of our stack is missing: %d VMAs through the source, %d from "
			 "reading /proc/self/smaps to its end", memacct_vmas_count(v),
			 memacct_vmas_count(direct));
	l.found_stack = 0;
	l.n = 0;
	assert_int_equal(memacct_smaps_foreach(scratch, src, (int)getpid(), live_cb, &l, &d), 0);
	assert_int_equal(l.found_stack, 1);
	assert_true(l.n > 3);

	r = memacct_smaps_rollup_read(v, src, (int)getpid(), &d);
	if (r != -ENOENT && r != -ESRCH) {	/* before 4.14 there is no smaps_rollup */
		assert_int_equal(r, 0);
		assert_int_equal(memacct_vmas_count(v), 1);
		assert_string_equal(path_of(at(v, 0)), "[rollup]");
		assert_true(get(at(v, 0), MEMACCT_SMAPS_RSS) > 0);
	}
	assert_int_equal(memacct_smaps_read(v, src, INT_MAX, &d), -ESRCH);
	memacct_source_free(src);
	memacct_vmas_free(scratch);
	memacct_vmas_free(direct);
	memacct_vmas_free(v);
}

/* A kernel thread has no mm: empty smaps, and smaps_rollup fails with ESRCH. */
static void test_kernel_thread(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_vmas *v = new_vmas();
	char comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "r");
	int r;

	if (!f)
		skip();
	if (!fgets(comm, sizeof(comm), f) || strcmp(comm, "kthreadd\n")) {
		fclose(f);
		memacct_vmas_free(v);
		skip();
	}
	fclose(f);
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_smaps_read(v, src, 2, NULL), 0);
	assert_int_equal(memacct_vmas_count(v), 0);
	r = memacct_smaps_rollup_read(v, src, 2, NULL);
	assert_true(r == -ESRCH || r == -EACCES);
	memacct_source_free(src);
	memacct_vmas_free(v);
}

static void test_bad_args(void **state)
{
	struct memacct_vmas *v = new_vmas();
	const struct memacct_vma *vma;
	const char *t, *name;
	uint64_t x;
	uint32_t k;

	assert_int_equal(memacct_smaps_parse(NULL, "", 0, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_parse(v, NULL, 1, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_rollup_parse(NULL, "", 0, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_rollup_parse(v, NULL, 1, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_parse_foreach(v, "", 0, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_parse_foreach(NULL, "", 0, same_cb, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_read(v, NULL, 1, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_rollup_read(v, NULL, 1, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_foreach(v, NULL, 1, same_cb, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_key_name(MEMACCT_SMAPS_RSS, NULL), -EINVAL);
	assert_int_equal(memacct_smaps_key_from_name(NULL, &k), -EINVAL);
	assert_int_equal(memacct_smaps_vmflag_name(MEMACCT_VMFLAG_RD, NULL), -EINVAL);

	assert_int_equal(memacct_smaps_parse(v, modern, sizeof(modern) - 1, NULL), 0);
	vma = at(v, 0);
	assert_int_equal(memacct_vma_get_by_name(NULL, "Rss", &x), -EINVAL);
	assert_int_equal(memacct_vma_get_by_name(vma, NULL, &x), -EINVAL);
	assert_int_equal(memacct_vma_get_by_name(vma, "Rss", NULL), -EINVAL);
	assert_int_equal(memacct_vma_get_text_by_name(vma, NULL, &t), -EINVAL);
	assert_int_equal(memacct_vma_get_name(NULL, &t), -EINVAL);
	assert_int_equal(memacct_vma_get_vmflags(NULL, &x), -EINVAL);
	assert_int_equal(memacct_vma_get_vmflags_text(vma, NULL), -EINVAL);
	assert_int_equal(memacct_vma_field_count(NULL), -EINVAL);
	assert_int_equal(memacct_vma_field_at(NULL, 0, &name, NULL, NULL, NULL), -EINVAL);
	memacct_vmas_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_vmflags),
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_odd_formats),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_many_vmas),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_kernel_thread),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("smaps", tests, NULL, NULL);
}
