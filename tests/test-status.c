/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"
#include "memacct.h"
#include "test-alloc.h"

/* `cat /proc/self/status` on this project's 6.18 x86-64 machine, byte for byte. */
static const char self_618[] =
	"Name:\tcat\n"
	"Umask:\t0022\n"
	"State:\tR (running)\n"
	"Tgid:\t20822\n"
	"Ngid:\t0\n"
	"Pid:\t20822\n"
	"PPid:\t20820\n"
	"TracerPid:\t0\n"
	"Uid:\t0\t0\t0\t0\n"
	"Gid:\t0\t0\t0\t0\n"
	"FDSize:\t256\n"
	"Groups:\t \n"
	"NStgid:\t20822\n"
	"NSpid:\t20822\n"
	"NSpgid:\t20820\n"
	"NSsid:\t18930\n"
	"Kthread:\t0\n"
	"VmPeak:\t    3708 kB\n"
	"VmSize:\t    3708 kB\n"
	"VmLck:\t       0 kB\n"
	"VmPin:\t       0 kB\n"
	"VmHWM:\t    1768 kB\n"
	"VmRSS:\t    1768 kB\n"
	"RssAnon:\t     116 kB\n"
	"RssFile:\t    1652 kB\n"
	"RssShmem:\t       0 kB\n"
	"VmData:\t    1008 kB\n"
	"VmStk:\t     132 kB\n"
	"VmExe:\t      20 kB\n"
	"VmLib:\t    1528 kB\n"
	"VmPTE:\t      40 kB\n"
	"VmSwap:\t       0 kB\n"
	"HugetlbPages:\t       0 kB\n"
	"CoreDumping:\t0\n"
	"THP_enabled:\t1\n"
	"untag_mask:\t0xffffffffffffffff\n"
	"Threads:\t1\n"
	"SigQ:\t0/96365\n"
	"SigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000000000000\n"
	"SigIgn:\t0000000000000000\n"
	"SigCgt:\t0000000000000000\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t000001fffeffffff\n"
	"CapEff:\t000001fffeffffff\n"
	"CapBnd:\t000001fffeffffff\n"
	"CapAmb:\t0000000000000000\n"
	"NoNewPrivs:\t0\n"
	"Seccomp:\t0\n"
	"Seccomp_filters:\t0\n"
	"Speculation_Store_Bypass:\tvulnerable\n"
	"SpeculationIndirectBranch:\talways enabled\n"
	"Cpus_allowed:\t3\n"
	"Cpus_allowed_list:\t0-1\n"
	"Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	"00000000,00000000,00000000,00000000,00000000,00000000,00000001\n"
	"Mems_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t0\n"
	"nonvoluntary_ctxt_switches:\t0\n";

/* /proc/2/status (kthreadd) on the same machine, byte for byte: no mm, no Vm or Rss line. */
static const char kthreadd_618[] =
	"Name:\tkthreadd\n"
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"Tgid:\t2\n"
	"Ngid:\t0\n"
	"Pid:\t2\n"
	"PPid:\t0\n"
	"TracerPid:\t0\n"
	"Uid:\t0\t0\t0\t0\n"
	"Gid:\t0\t0\t0\t0\n"
	"FDSize:\t64\n"
	"Groups:\t \n"
	"NStgid:\t2\n"
	"NSpid:\t2\n"
	"NSpgid:\t0\n"
	"NSsid:\t0\n"
	"Kthread:\t1\n"
	"Threads:\t1\n"
	"SigQ:\t0/96365\n"
	"SigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000000000000\n"
	"SigIgn:\tffffffffffffffff\n"
	"SigCgt:\t0000000000000000\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t000001ffffffffff\n"
	"CapEff:\t000001ffffffffff\n"
	"CapBnd:\t000001ffffffffff\n"
	"CapAmb:\t0000000000000000\n"
	"NoNewPrivs:\t0\n"
	"Seccomp:\t0\n"
	"Seccomp_filters:\t0\n"
	"Speculation_Store_Bypass:\tvulnerable\n"
	"SpeculationIndirectBranch:\talways enabled\n"
	"Cpus_allowed:\t3\n"
	"Cpus_allowed_list:\t0-1\n"
	"Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	"00000000,00000000,00000000,00000000,00000000,00000000,00000001\n"
	"Mems_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t66\n"
	"nonvoluntary_ctxt_switches:\t0\n";

static const uint32_t memory_keys[] = {
	MEMACCT_STATUS_VMPEAK, MEMACCT_STATUS_VMSIZE, MEMACCT_STATUS_VMLCK,
	MEMACCT_STATUS_VMPIN, MEMACCT_STATUS_VMHWM, MEMACCT_STATUS_VMRSS,
	MEMACCT_STATUS_RSSANON, MEMACCT_STATUS_RSSFILE, MEMACCT_STATUS_RSSSHMEM,
	MEMACCT_STATUS_VMDATA, MEMACCT_STATUS_VMSTK, MEMACCT_STATUS_VMEXE,
	MEMACCT_STATUS_VMLIB, MEMACCT_STATUS_VMPTE, MEMACCT_STATUS_VMPMD,
	MEMACCT_STATUS_VMSWAP, MEMACCT_STATUS_HUGETLBPAGES,
};

static struct memacct_status *new_st(void)
{
	struct memacct_status *st = NULL;

	assert_int_equal(memacct_status_new(&st), 0);
	assert_non_null(st);
	return st;
}

static uint64_t get(const struct memacct_status *st, uint32_t key)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_status_get(st, key, &v), 0);
	return v;
}

static uint64_t by_name(const struct memacct_status *st, const char *name)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(memacct_status_get_by_name(st, name, &v), 0);
	return v;
}

static const char *text(const struct memacct_status *st, const char *name)
{
	const char *t = NULL;

	assert_int_equal(memacct_status_get_text(st, name, &t), 0);
	assert_non_null(t);
	return t;
}

/* Lines of @s that are not blank. */
static int count_lines(const char *s)
{
	int n = 0;

	for (const char *p = s; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (strspn(p, " \t\r") < len)
			n++;
		p += len + (nl != NULL);
	}
	return n;
}

static void test_modern(void **state)
{
	struct memacct_status *st = new_st();
	const char *name, *t;
	uint64_t v = 12345;
	uint32_t unit, key;

	assert_int_equal(memacct_status_parse(st, self_618, sizeof(self_618) - 1, NULL), 0);
	assert_int_equal(memacct_status_count(st), count_lines(self_618));
	assert_int_equal(memacct_status_count_skipped(st), 0);

	assert_u64_equal(get(st, MEMACCT_STATUS_VMPEAK), 3708 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMSIZE), 3708 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMLCK), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMPIN), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMHWM), 1768 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 1768 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_RSSANON), 116 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_RSSFILE), 1652 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_RSSSHMEM), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMDATA), 1008 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMSTK), 132 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMEXE), 20 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMLIB), 1528 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMPTE), 40 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMSWAP), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_HUGETLBPAGES), 0);
	/* R1 (fs/proc/task_mmu.c task_mem): VmRSS = RssAnon + RssFile + RssShmem. */
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS),
			 get(st, MEMACCT_STATUS_RSSANON) + get(st, MEMACCT_STATUS_RSSFILE) +
			 get(st, MEMACCT_STATUS_RSSSHMEM));

	assert_u64_equal(get(st, MEMACCT_STATUS_PID), 20822);
	assert_u64_equal(get(st, MEMACCT_STATUS_TGID), 20822);
	assert_u64_equal(get(st, MEMACCT_STATUS_PPID), 20820);
	assert_u64_equal(get(st, MEMACCT_STATUS_TRACERPID), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_THREADS), 1);
	for (uint32_t k = MEMACCT_STATUS_UID_REAL; k <= MEMACCT_STATUS_GID_FS; k++)
		assert_u64_equal(get(st, k), 0);

	/* VmPMD left the kernel in 4.15: absent, not zero, output untouched. */
	assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMPMD, &v), -ENOENT);
	assert_u64_equal(v, 12345);
	assert_int_equal(memacct_status_has(st, MEMACCT_STATUS_VMPMD), 0);
	assert_int_equal(memacct_status_has(st, MEMACCT_STATUS_VMRSS), 1);
	assert_int_equal(memacct_status_has(st, MEMACCT_STATUS_UID_FS), 1);
	assert_int_equal(memacct_status_get(st, 0, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_status_get(st, 31, &v), -EOPNOTSUPP);
	assert_int_equal(memacct_status_has(st, 31), -EOPNOTSUPP);

	/* Text lines: any line's text; masks stay text even when all digits. */
	assert_string_equal(text(st, "Name"), "cat");
	assert_string_equal(text(st, "State"), "R (running)");
	assert_string_equal(text(st, "Groups"), "");
	assert_string_equal(text(st, "Umask"), "0022");
	assert_string_equal(text(st, "Cpus_allowed"), "3");
	assert_string_equal(text(st, "Cpus_allowed_list"), "0-1");
	assert_string_equal(text(st, "SigPnd"), "0000000000000000");
	assert_string_equal(text(st, "CapEff"), "000001fffeffffff");
	assert_string_equal(text(st, "SpeculationIndirectBranch"), "always enabled");
	assert_string_equal(text(st, "untag_mask"), "0xffffffffffffffff");
	assert_string_equal(text(st, "Uid"), "0\t0\t0\t0");
	assert_string_equal(text(st, "VmPeak"), "3708 kB");
	assert_string_equal(text(st, "Pid"), "20822");
	assert_int_equal(strlen(text(st, "Mems_allowed")), 32 * 9 - 1);
	assert_int_equal(memacct_status_get_by_name(st, "Cpus_allowed", &v), -ENODATA);
	assert_int_equal(memacct_status_get_by_name(st, "Umask", &v), -ENODATA);
	assert_int_equal(memacct_status_get_by_name(st, "NSpid", &v), -ENODATA);
	assert_int_equal(memacct_status_get_by_name(st, "Uid", &v), -ENODATA);
	assert_int_equal(memacct_status_get_by_name(st, "Name", &v), -ENODATA);
	assert_int_equal(memacct_status_get_text(st, "Nope", &t), -ENOENT);
	assert_int_equal(memacct_status_get_by_name(st, "Nope", &v), -ENOENT);
	assert_int_equal(memacct_status_get_by_name(st, "vmrss", &v), -ENOENT);

	/* Lines the library does not know: counts by shape. */
	assert_u64_equal(by_name(st, "FDSize"), 256);
	assert_u64_equal(by_name(st, "Kthread"), 0);
	assert_u64_equal(by_name(st, "THP_enabled"), 1);
	assert_u64_equal(by_name(st, "VmRSS"), 1768 * 1024);
	assert_u64_equal(by_name(st, "Threads"), 1);

	/* File order, units, keys. */
	assert_int_equal(memacct_status_at(st, 0, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "Name");
	assert_int_equal(unit, MEMACCT_UNIT_TEXT);
	assert_int_equal(key, 0);
	assert_u64_equal(v, 0);
	assert_int_equal(memacct_status_text_at(st, 0, &t), 0);
	assert_string_equal(t, "cat");
	assert_int_equal(memacct_status_at(st, 5, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "Pid");
	assert_int_equal(unit, MEMACCT_UNIT_COUNT);
	assert_int_equal(key, MEMACCT_STATUS_PID);
	assert_u64_equal(v, 20822);
	assert_int_equal(memacct_status_at(st, 8, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "Uid");
	assert_int_equal(unit, MEMACCT_UNIT_TEXT);
	assert_int_equal(key, 0);
	assert_int_equal(memacct_status_at(st, 10, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "FDSize");
	assert_int_equal(unit, MEMACCT_UNIT_COUNT);
	assert_int_equal(key, 0);
	assert_u64_equal(v, 256);
	assert_int_equal(memacct_status_at(st, 22, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "VmRSS");
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(key, MEMACCT_STATUS_VMRSS);
	assert_u64_equal(v, 1768 * 1024);
	assert_int_equal(memacct_status_at(st, 22, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(memacct_status_at(st, (size_t)memacct_status_count(st), &name, &v, &unit,
					   &key), -ERANGE);
	assert_int_equal(memacct_status_text_at(st, 999, &t), -ERANGE);
	memacct_status_free(st);
}

static void test_kernel_thread(void **state)
{
	struct memacct_status *st = new_st();
	uint64_t v;

	assert_int_equal(memacct_status_parse(st, kthreadd_618, sizeof(kthreadd_618) - 1, NULL), 0);
	for (size_t i = 0; i < sizeof(memory_keys) / sizeof(memory_keys[0]); i++) {
		assert_int_equal(memacct_status_get(st, memory_keys[i], &v), -ENOENT);
		assert_int_equal(memacct_status_has(st, memory_keys[i]), 0);
	}
	assert_int_equal(memacct_status_get_by_name(st, "VmRSS", &v), -ENOENT);
	assert_string_equal(text(st, "Name"), "kthreadd");
	assert_u64_equal(get(st, MEMACCT_STATUS_PID), 2);
	assert_u64_equal(get(st, MEMACCT_STATUS_PPID), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_THREADS), 1);
	assert_u64_equal(by_name(st, "Kthread"), 1);
	assert_u64_equal(by_name(st, "voluntary_ctxt_switches"), 66);
	assert_int_equal(memacct_status_count(st), count_lines(kthreadd_618));

	/* Reuse: a process with memory, then the kernel thread again: nothing stale. */
	assert_int_equal(memacct_status_parse(st, self_618, sizeof(self_618) - 1, NULL), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 1768 * 1024);
	assert_int_equal(memacct_status_parse(st, kthreadd_618, sizeof(kthreadd_618) - 1, NULL), 0);
	assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMRSS, &v), -ENOENT);
	assert_int_equal(memacct_status_get_by_name(st, "VmRSS", &v), -ENOENT);
	assert_int_equal(memacct_status_get_by_name(st, "THP_enabled", &v), -ENOENT);
	memacct_status_free(st);
}

static void test_key_names(void **state)
{
	const char *name;
	char line[64];
	struct memacct_status *st = new_st();

	/* Every memory and number key is named as the kernel spells its line. */
	for (uint32_t k = MEMACCT_STATUS_VMPEAK; k <= MEMACCT_STATUS_THREADS; k++) {
		uint64_t v = 0;

		assert_int_equal(memacct_status_key_name(k, &name), 0);
		snprintf(line, sizeof(line), "%s:\t%u%s\n", name, k,
			 k <= MEMACCT_STATUS_HUGETLBPAGES ? " kB" : "");
		assert_int_equal(memacct_status_parse(st, line, strlen(line), NULL), 0);
		assert_int_equal(memacct_status_get(st, k, &v), 0);
		assert_u64_equal(v, k <= MEMACCT_STATUS_HUGETLBPAGES ? (uint64_t)k * 1024 : k);
	}
	assert_int_equal(memacct_status_key_name(MEMACCT_STATUS_RSSSHMEM, &name), 0);
	assert_string_equal(name, "RssShmem");
	assert_int_equal(memacct_status_key_name(MEMACCT_STATUS_HUGETLBPAGES, &name), 0);
	assert_string_equal(name, "HugetlbPages");
	assert_int_equal(memacct_status_key_name(MEMACCT_STATUS_UID_REAL, &name), 0);
	assert_string_equal(name, "Uid[0]");
	assert_int_equal(memacct_status_key_name(MEMACCT_STATUS_GID_FS, &name), 0);
	assert_string_equal(name, "Gid[3]");
	assert_int_equal(memacct_status_key_name(0, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_status_key_name(31, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_status_key_name(1, NULL), -EINVAL);
	memacct_status_free(st);
}

static void test_ids(void **state)
{
	static const char max[] = "Uid:\t4294967295\t4061200383\t1\t0\nGid:\t7 8 9  4294967294\n";
	struct memacct_status *st = new_st();

	assert_int_equal(memacct_status_parse(st, max, sizeof(max) - 1, NULL), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_REAL), UINT32_MAX);
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_EFFECTIVE), UINT64_C(4061200383));
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_SAVED), 1);
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_FS), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_REAL), 7);
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_EFFECTIVE), 8);
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_SAVED), 9);
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_FS), UINT64_C(4294967294));
	assert_string_equal(text(st, "Gid"), "7 8 9  4294967294");
	assert_int_equal(memacct_status_count(st), 2);
	memacct_status_free(st);
}

/* Formats of other kernels, architectures and hand-written peers. */
static void test_odd_formats(void **state)
{
	/* Leading empty line (prometheus/procfs), spaces instead of tabs, CRLF, no final newline. */
	static const char odd[] =
		"\n"
		"Name:   kube-proxy\n"
		"Uid:\t0\t0\t0\t0\r\n"
		"NSpid:  26235\t1\n"
		"VmRSS:     42652 kB\n"
		"RssAnon:           24852 kB\r\n"
		"VmPMD:\t      12 kB\n"
		"VmPUD:\t       4 kB\n"
		"SigCgt:\tfffffffffffffffffffffffe783ffeff\n"
		"SomeCount:\t17\n"
		"SomeSize:\t3 MB\n"
		"SomeEmpty:\n"
		"Threads:        51";
	struct memacct_status *st = new_st();
	const char *name;
	uint32_t unit, key;
	uint64_t v;

	assert_int_equal(memacct_status_parse(st, odd, sizeof(odd) - 1, NULL), 0);
	assert_int_equal(memacct_status_count(st), 12);
	assert_string_equal(text(st, "Name"), "kube-proxy");
	assert_string_equal(text(st, "NSpid"), "26235\t1");
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 42652 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_RSSANON), 24852 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMPMD), 12 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_THREADS), 51);
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_FS), 0);
	assert_string_equal(text(st, "SigCgt"), "fffffffffffffffffffffffe783ffeff");
	/* Unknown lines by shape: kB = bytes, a bare number = count, else text. */
	assert_int_equal(memacct_status_at(st, 6, &name, &v, &unit, &key), 0);
	assert_string_equal(name, "VmPUD");
	assert_int_equal(unit, MEMACCT_UNIT_BYTES);
	assert_int_equal(key, 0);
	assert_u64_equal(v, 4096);
	assert_u64_equal(by_name(st, "SomeCount"), 17);
	assert_int_equal(memacct_status_get_by_name(st, "SomeSize", &v), -ENODATA);
	assert_string_equal(text(st, "SomeSize"), "3 MB");
	assert_int_equal(memacct_status_get_by_name(st, "SomeEmpty", &v), -ENODATA);
	assert_string_equal(text(st, "SomeEmpty"), "");

	/* Empty: no line, no error. */
	assert_int_equal(memacct_status_parse(st, "", 0, NULL), 0);
	assert_int_equal(memacct_status_count(st), 0);
	assert_int_equal(memacct_status_parse(st, NULL, 0, NULL), 0);
	assert_int_equal(memacct_status_parse(st, "\n\n \t\n", 5, NULL), 0);
	assert_int_equal(memacct_status_count(st), 0);
	assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_PID, &v), -ENOENT);
	assert_int_equal(memacct_status_get_text(st, "Name", &name), -ENOENT);
	memacct_status_free(st);
}

struct bad_case {
	const char *what;
	const char *text;
	size_t len;
	int err;
	uint32_t line, column;
	const char *key;
};

#define L(s) s, sizeof(s) - 1

static const struct bad_case bad[] = {
	{ "no colon", L("Name:\tx\nabc\n"), -EBADMSG, 2, 4, "abc" },
	{ "garbage", L("\x7f\x45LF\x02\x01\n"), -EBADMSG, 1, 0, NULL },
	{ "cut mid-key", L("Name:\tx\nVmRSS:\t 1768 kB\nRssAn"), -EBADMSG, 3, 6, "RssAn" },
	{ "cut before the unit", L("Name:\tx\nVmRSS:\t    1768"), -EBADMSG, 2, 16, "VmRSS" },
	{ "cut after the colon", L("Name:\tx\nVmRSS:"), -EBADMSG, 2, 7, "VmRSS" },
	{ "missing unit", L("VmSize:\t    3708\nVmRSS:\t1 kB\n"), -EBADMSG, 1, 17, "VmSize" },
	{ "unknown unit", L("VmRSS:\t1 MB\n"), -EBADMSG, 1, 10, "VmRSS" },
	{ "glued unit", L("VmRSS:\t1kB\n"), -EBADMSG, 1, 9, "VmRSS" },
	{ "unit on a number", L("Pid:\t5 kB\n"), -EBADMSG, 1, 8, "Pid" },
	{ "text in a number", L("Threads:\tmany\n"), -EBADMSG, 1, 10, "Threads" },
	{ "no value in a number", L("PPid:\n"), -EBADMSG, 1, 6, "PPid" },
	{ "negative", L("VmSwap:\t-1 kB\n"), -EBADMSG, 1, 9, "VmSwap" },
	{ "two numbers", L("VmRSS:\t1 2 kB\n"), -EBADMSG, 1, 10, "VmRSS" },
	{ "past 2^64", L("Name:\tx\nVmData:\t18446744073709551616 kB\n"), -EOVERFLOW, 2, 9, "VmData" },
	{ "past 2^64 in bytes", L("VmData:\t18014398509481984 kB\n"), -EOVERFLOW, 1, 9, "VmData" },
	{ "past 2^64, a number", L("Pid:\t18446744073709551616\n"), -EOVERFLOW, 1, 6, "Pid" },
	{ "past 2^64, unknown", L("Foo:\t99999999999999999999\n"), -EOVERFLOW, 1, 6, "Foo" },
	{ "uid past 2^32", L("Uid:\t0\t4294967296\t0\t0\n"), -EOVERFLOW, 1, 8, "Uid" },
	{ "three uids", L("Uid:\t0\t0\t0\n"), -EBADMSG, 1, 11, "Uid" },
	{ "five gids", L("Gid:\t0\t0\t0\t0\t0\n"), -EBADMSG, 1, 14, "Gid" },
	{ "hex gid", L("Gid:\t0\t0x1\t0\t0\n"), -EBADMSG, 1, 9, "Gid" },
	{ "one uid", L("Uid:\t1000\n"), -EBADMSG, 1, 10, "Uid" },
	{ "no uid", L("Uid:\n"), -EBADMSG, 1, 5, "Uid" },
	{ "duplicate memory key", L("VmRSS:\t1 kB\nVmHWM:\t1 kB\nVmRSS:\t2 kB\n"), -EBADMSG, 3, 1, "VmRSS" },
	{ "duplicate text key", L("Name:\ta\nState:\tR\nName:\tb\n"), -EBADMSG, 3, 1, "Name" },
	{ "duplicate unknown key", L("Foo:\t1\nFoo:\tx\n"), -EBADMSG, 2, 1, "Foo" },
	{ "duplicate Uid", L("Uid:\t1 1 1 1\nUid:\t1 1 1 1\n"), -EBADMSG, 2, 1, "Uid" },
	{ "NUL in a value", "Name:\tx\nVmRSS:\t1\0 kB\n", 19, -EBADMSG, 2, 9, "VmRSS" },
	{ "NUL in a text", "Name:\tx\0y\n", 10, -EBADMSG, 1, 8, "Name" },
	{ "NUL in a key", "Vm\0RSS:\t1 kB\n", 13, -EBADMSG, 1, 3, NULL },
	{ "empty key", L("Name:\tx\n:\t1\n"), -EBADMSG, 2, 1, "" },
	{ "control byte in key", L("Vm\x01:\t1 kB\n"), -EBADMSG, 1, 3, NULL },
	{ "non-ASCII key", L("N\xc3\xa4me:\tx\n"), -EBADMSG, 1, 2, NULL },
};

static void test_bad(void **state)
{
	struct memacct_status *st = new_st();

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct memacct_diag d = { .sz = sizeof(d) };
		const char *t;
		uint64_t v;
		int r;

		/* A good parse first: a failure must leave nothing of it behind. */
		assert_int_equal(memacct_status_parse(st, self_618, sizeof(self_618) - 1, NULL), 0);
		r = memacct_status_parse(st, c->text, c->len, &d);
		if (r != c->err || d.line != c->line || (c->column && d.column != c->column) ||
		    (c->key && strcmp(d.key, c->key)))
			fail_msg("%s: got %d line %u col %u key '%s' (%s), want %d line %u col %u",
				 c->what, r, d.line, d.column, d.key, d.message ? d.message : "-",
				 c->err, c->line, c->column);
		assert_int_equal(d.error, c->err);
		assert_non_null(d.message);
		assert_int_equal(memacct_status_count(st), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMRSS, &v), -ENOENT);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_UID_REAL, &v), -ENOENT);
		assert_int_equal(memacct_status_get_text(st, "Name", &t), -ENOENT);

		/* Lenient: the one bad line goes, nothing fails. */
		assert_int_equal(memacct_status_set_flags(st, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
		assert_int_equal(memacct_status_parse(st, c->text, c->len, NULL), 0);
		assert_int_equal(memacct_status_count_skipped(st), 1);
		memset(&d, 0, sizeof(d));
		d.sz = sizeof(d);
		assert_int_equal(memacct_status_get_skipped(st, &d), 0);
		assert_int_equal(d.error, c->err);
		assert_int_equal(d.line, c->line);
		assert_int_equal(memacct_status_set_flags(st, 0), 0);
	}
	memacct_status_free(st);
}

static void test_lenient(void **state)
{
	static const char txt[] =
		"Name:\tok\n"
		"garbage line\n"
		"VmRSS:\t10 kB\n"
		"VmRSS:\t20 kB\n"
		"VmData:\t99999999999999999999999 kB\n"
		"VmStk:\t5\n"
		"Uid:\t1 2 3\n"
		"Gid:\t4 5 6 7\n"
		"VmSwap:\t7 kB\n";
	struct memacct_status *st = new_st();
	struct memacct_diag d = { .sz = sizeof(d) };
	uint64_t v;

	assert_int_equal(memacct_status_set_flags(st, 0x80), -EINVAL);
	assert_int_equal(memacct_status_set_flags(NULL, 0), -EINVAL);
	assert_int_equal(memacct_status_parse(st, txt, sizeof(txt) - 1, &d), -EBADMSG);
	assert_int_equal(d.line, 2);
	assert_int_equal(memacct_status_set_flags(st, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(memacct_status_parse(st, txt, sizeof(txt) - 1, &d), 0);
	assert_int_equal(d.line, 0);	/* not written on success */
	assert_int_equal(memacct_status_count_skipped(st), 5);
	assert_int_equal(memacct_status_count(st), 4);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 10 * 1024);	/* the first one */
	assert_u64_equal(get(st, MEMACCT_STATUS_VMSWAP), 7 * 1024);
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_SAVED), 6);
	assert_int_equal(memacct_status_has(st, MEMACCT_STATUS_VMDATA), 0);
	assert_int_equal(memacct_status_has(st, MEMACCT_STATUS_VMSTK), 0);
	assert_int_equal(memacct_status_has(st, MEMACCT_STATUS_UID_REAL), 0);
	assert_int_equal(memacct_status_get_text(st, "Uid", (const char **)&d.message), -ENOENT);
	assert_string_equal(text(st, "Name"), "ok");
	assert_int_equal(memacct_status_get_skipped(st, &d), 0);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.error, -EBADMSG);
	assert_string_equal(d.key, "garbage line");

	/* A lenient parse without bad lines says so. */
	assert_int_equal(memacct_status_parse(st, self_618, sizeof(self_618) - 1, NULL), 0);
	assert_int_equal(memacct_status_count_skipped(st), 0);
	assert_int_equal(memacct_status_get_skipped(st, &d), -ENOENT);
	assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMSTK, &v), 0);
	memacct_status_free(st);
}

/* Megabyte-long lines: a 1 MiB Groups line is text like any other; a 1 MiB
 * number or key is an error at the right place. */
static void test_long_lines(void **state)
{
	size_t n = 1 << 20, len;
	char *buf = xmalloc(n + 64);
	struct memacct_status *st = new_st();
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *t;

	len = (size_t)sprintf(buf, "Name:\tx\nGroups:\t");
	for (size_t i = 0; i < n / 8; i++)
		len += (size_t)sprintf(buf + len, "%07zu ", i);
	len += (size_t)sprintf(buf + len, "\nVmRSS:\t4 kB\n");
	assert_int_equal(memacct_status_parse(st, buf, len, &d), 0);
	t = text(st, "Groups");
	assert_int_equal(strlen(t), n - 1);
	assert_memory_equal(t, "0000000 0000001 ", 16);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 4096);

	len = (size_t)sprintf(buf, "Name:\tx\nVmRSS:\t");
	memset(buf + len, '7', n);
	len += n;
	len += (size_t)sprintf(buf + len, " kB\n");
	assert_int_equal(memacct_status_parse(st, buf, len, &d), -EOVERFLOW);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.key, "VmRSS");

	len = (size_t)sprintf(buf, "Name:\tx\n");
	memset(buf + len, 'K', n);
	len += n;
	len += (size_t)sprintf(buf + len, ":\t1 kB\nVmRSS:\t1 kB\n");
	assert_int_equal(memacct_status_parse(st, buf, len, &d), -EBADMSG);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.key[sizeof(d.key) - 1], '\0');

	/* Lenient: the long line goes, the rest stays. */
	assert_int_equal(memacct_status_set_flags(st, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
	assert_int_equal(memacct_status_parse(st, buf, len, NULL), 0);
	assert_int_equal(memacct_status_count(st), 2);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 1024);
	free(buf);
	memacct_status_free(st);
}

/* Many lines: every one is kept and reachable by name (the index grows). */
static void test_many_lines(void **state)
{
	size_t n = 20000, len = 0;
	char *buf = xmalloc(n * 32), name[32];
	struct memacct_status *st = new_st();

	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "Field%zu:\t%zu kB\n", i, i);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(memacct_status_parse(st, buf, len, NULL), 0);
		assert_int_equal(memacct_status_count(st), (int)n);
		for (size_t i = 0; i < n; i += 997) {
			snprintf(name, sizeof(name), "Field%zu", i);
			assert_u64_equal(by_name(st, name), (uint64_t)i * 1024);
		}
	}
	free(buf);
	memacct_status_free(st);
}

/* The diag struct of an older caller is written only up to its .sz. */
static void test_small_diag(void **state)
{
	struct memacct_status *st = new_st();
	struct {
		struct memacct_diag d;
		char canary[8];
	} s;

	memset(&s, 0x5a, sizeof(s));
	s.d.sz = offsetof(struct memacct_diag, key);
	assert_int_equal(memacct_status_parse(st, "x\n", 2, &s.d), -EBADMSG);
	assert_int_equal(s.d.error, -EBADMSG);
	assert_int_equal(s.d.line, 1);
	assert_int_equal((unsigned char)s.d.key[0], 0x5a);
	assert_int_equal((unsigned char)s.canary[0], 0x5a);
	memacct_status_free(st);
}

/* A captured tree: the reader goes through the source, pid by pid. */
static void test_read_tree(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_status *st = new_st();
	struct memacct_diag d = { .sz = sizeof(d) };
	struct tmp_root t;
	char dir[160], path[192];
	FILE *f;

	tmp_root_make(&t, "42");
	assert_int_equal(mkdir(t.path, 0700), 0);
	snprintf(dir, sizeof(dir), "%s", t.path);
	snprintf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(self_618, f) >= 0);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(memacct_source_new(t.dir, NULL, &src), 0);
	assert_int_equal(memacct_status_read(st, src, 42, &d), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS), 1768 * 1024);
	/* No such pid: the open fails, -ENOENT, and the handle holds nothing. */
	assert_int_equal(memacct_status_read(st, src, 43, &d), -ENOENT);
	assert_int_equal(d.error, -ENOENT);
	assert_int_equal(memacct_status_count(st), 0);
	assert_int_equal(memacct_status_read(st, src, 0, NULL), -EINVAL);
	assert_int_equal(memacct_status_read(st, src, -1, NULL), -EINVAL);
	assert_int_equal(memacct_status_read(st, NULL, 42, NULL), -EINVAL);
	assert_int_equal(memacct_status_read(NULL, src, 42, NULL), -EINVAL);

	/* A damaged file in the tree fails as its bytes would. */
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs("Name:\tx\nVmRSS:\t   17", f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(memacct_status_read(st, src, 42, &d), -EBADMSG);
	assert_int_equal(d.line, 2);
	assert_string_equal(d.key, "VmRSS");

	memacct_source_free(src);
	unlink(path);
	rmdir(dir);
	rmdir(t.dir);
	memacct_status_free(st);
}

/* PF_KTHREAD in /proc/PID/stat's flags (include/linux/sched.h). */
#define PF_KTHREAD 0x00200000

/* A kernel thread's pid on this machine, or 0 (in a container, say). */
static int find_kthread(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pid = 0;

	if (!d)
		return 0;
	while (!pid && (e = readdir(d))) {
		char path[300], buf[1024], *p;
		unsigned long flags;
		ssize_t n;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* Fields after "(comm)": state ppid pgrp session tty_nr tpgid flags. */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1 &&
		    (flags & PF_KTHREAD))
			pid = atoi(e->d_name);
	}
	closedir(d);
	return pid;
}

/* This process, read live: what must hold on any machine. */
static void test_live(void **state)
{
	struct memacct_source *src = NULL;
	struct memacct_status *st = new_st();
	char comm[17] = "";
	uint64_t v;
	int kpid;

	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	assert_int_equal(memacct_status_read(st, src, getpid(), NULL), 0);
	assert_int_equal(memacct_status_count_skipped(st), 0);
	assert_u64_equal(get(st, MEMACCT_STATUS_PID), (uint64_t)getpid());
	assert_u64_equal(get(st, MEMACCT_STATUS_TGID), (uint64_t)getpid());
	assert_u64_equal(get(st, MEMACCT_STATUS_PPID), (uint64_t)getppid());
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_REAL), getuid());
	assert_u64_equal(get(st, MEMACCT_STATUS_UID_EFFECTIVE), geteuid());
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_REAL), getgid());
	assert_u64_equal(get(st, MEMACCT_STATUS_GID_EFFECTIVE), getegid());
	assert_true(get(st, MEMACCT_STATUS_THREADS) >= 1);
	assert_int_equal(prctl(PR_GET_NAME, comm), 0);
	assert_string_equal(text(st, "Name"), comm);
	/* task_mem: both maxima, and (since 4.5) RSS as the sum of its parts. */
	assert_true(get(st, MEMACCT_STATUS_VMRSS) > 0);
	assert_true(get(st, MEMACCT_STATUS_VMHWM) >= get(st, MEMACCT_STATUS_VMRSS));
	assert_true(get(st, MEMACCT_STATUS_VMPEAK) >= get(st, MEMACCT_STATUS_VMSIZE));
	if (memacct_status_get(st, MEMACCT_STATUS_RSSANON, &v) == 0)
		assert_u64_equal(get(st, MEMACCT_STATUS_VMRSS),
				 v + get(st, MEMACCT_STATUS_RSSFILE) +
				 get(st, MEMACCT_STATUS_RSSSHMEM));
	for (int i = 0; i < memacct_status_count(st); i++) {
		uint32_t unit;

		assert_int_equal(memacct_status_at(st, (size_t)i, NULL, &v, &unit, NULL), 0);
		if (unit == MEMACCT_UNIT_BYTES)
			assert_int_equal(v % 1024, 0);
	}

	/* No such process: pid_max is at most 2^22, so INT_MAX never exists. */
	assert_int_equal(memacct_status_read(st, src, INT_MAX, NULL), -ENOENT);

	/* A kernel thread has no memory lines; it is not an error. */
	kpid = find_kthread();
	if (kpid > 0) {
		int r = memacct_status_read(st, src, kpid, NULL);

		if (r != -ENOENT) {	/* it may have exited since */
			assert_int_equal(r, 0);
			for (size_t i = 0; i < sizeof(memory_keys) / sizeof(memory_keys[0]); i++)
				assert_int_equal(memacct_status_has(st, memory_keys[i]), 0);
			assert_u64_equal(get(st, MEMACCT_STATUS_PID), (uint64_t)kpid);
		}
	}
	memacct_source_free(src);
	memacct_status_free(st);
}

static void test_no_alloc(void **state)
{
#ifdef NO_INTERPOSE
	skip();
#else
	struct memacct_status *st = new_st();
	unsigned long before;
	uint64_t v;

	before = allocs;
	assert_int_equal(memacct_status_parse(st, self_618, sizeof(self_618) - 1, NULL), 0);
	if (!alloc_counter_live(before)) {
		memacct_status_free(st);
		skip();
	}
	before = allocs;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(memacct_status_parse(st, kthreadd_618, sizeof(kthreadd_618) - 1,
						      NULL), 0);
		assert_int_equal(memacct_status_parse(st, self_618, sizeof(self_618) - 1, NULL), 0);
		assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMRSS, &v), 0);
	}
	assert_int_equal(allocs - before, 0);
	memacct_status_free(st);
#endif
}

static void test_bad_args(void **state)
{
	struct memacct_status *st = new_st();
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *t;
	uint64_t v;

	assert_int_equal(memacct_status_new(NULL), -EINVAL);
	assert_int_equal(memacct_status_parse(NULL, "", 0, NULL), -EINVAL);
	assert_int_equal(memacct_status_parse(st, NULL, 3, NULL), -EINVAL);
	assert_int_equal(memacct_status_get(st, MEMACCT_STATUS_VMRSS, NULL), -EINVAL);
	assert_int_equal(memacct_status_get(NULL, MEMACCT_STATUS_VMRSS, &v), -EINVAL);
	assert_int_equal(memacct_status_get_by_name(st, NULL, &v), -EINVAL);
	assert_int_equal(memacct_status_get_text(st, "Name", NULL), -EINVAL);
	assert_int_equal(memacct_status_get_text(NULL, "Name", &t), -EINVAL);
	assert_int_equal(memacct_status_has(NULL, 1), -EINVAL);
	assert_int_equal(memacct_status_count(NULL), -EINVAL);
	assert_int_equal(memacct_status_at(NULL, 0, NULL, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(memacct_status_text_at(st, 0, NULL), -EINVAL);
	assert_int_equal(memacct_status_count_skipped(NULL), -EINVAL);
	assert_int_equal(memacct_status_get_skipped(st, NULL), -EINVAL);
	d.sz = 0;
	assert_int_equal(memacct_status_get_skipped(st, &d), -EINVAL);
	assert_null(memacct_status_free(NULL));
	memacct_status_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modern),
		cmocka_unit_test(test_kernel_thread),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_odd_formats),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_small_diag),
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_no_alloc),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
