/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "census-capture.h"
#include "census-internal.h"
#include "test-alloc.h"

#define PS 4096u
#define CHUNK_ENTRIES (128u * 1024)

/*
 * A constructed machine: runs of pages with known flags, mapcounts and
 * memcgs, with gaps (PFNs the capture does not hold) and a run longer than
 * two of the census's 1 MiB reads.
 */
static const struct crun machine[] = {
	{ 0, 100, 0, 0, 0 },					/* no flag at all */
	{ 100, 96, KPF(BUDDY), 0, 0 },				/* free: head 1 */
	{ 196, 1, KPF(LRU), 0, 5 },
	{ 197, 2, KPF(BUDDY), 0, 0 },				/* head 2 */
	{ 199, 2, KPF(BUDDY) | KPF(IDLE), 0, 0 },		/* a new key, not a head */
	/* 201..999 not held */
	{ 1000, 10, KPF(BUDDY), 0, 0 },				/* head 3: after a gap */
	{ 1010, 30, KPF(ANON) | KPF(LRU) | KPF(MMAP) | KPF(SWAPBACKED), 1, 7 },
	{ 1040, 10, KPF(ANON) | KPF(LRU) | KPF(MMAP) | KPF(SWAPBACKED), 2, 7 },
	{ 1050, 10, KPF(ANON) | KPF(LRU) | KPF(ACTIVE) | KPF(MMAP) | KPF(SWAPBACKED), 5, 7 },
	/* a slab whose mapping word reads as ANON */
	{ 1060, 10, KPF(SLAB) | KPF(ANON), 0, 9 },
	{ 1070, 10, KPF(LRU) | KPF(ACTIVE) | KPF(MMAP), 3, 5 },	/* mapped file */
	{ 1080, 10, KPF(LRU) | KPF(DIRTY), 0, 5 },		/* dirty file */
	{ 1090, 5, KPF(SWAPBACKED) | KPF(LRU) | KPF(MMAP), 1, 5 },	/* mapped shmem */
	{ 1095, 5, KPF(SWAPBACKED) | KPF(SWAPCACHE) | KPF(DIRTY), 0, 5 },
	{ 1100, 1, KPF(THP) | KPF(COMPOUND_HEAD) | KPF(ANON) | KPF(MMAP) | KPF(LRU) |
		   KPF(SWAPBACKED), 1, 7 },
	{ 1101, 7, KPF(THP) | KPF(COMPOUND_TAIL) | KPF(ANON) | KPF(MMAP) | KPF(LRU) |
		   KPF(SWAPBACKED), 1, 7 },			/* an 8-page anon THP */
	{ 1108, 2, KPF(PGTABLE), 0, 0 },
	{ 1110, 1, KPF(HUGE) | KPF(COMPOUND_HEAD), 0, 0 },
	{ 1111, 1, KPF(HUGE) | KPF(COMPOUND_TAIL), 0, 0 },
	{ 1112, 8, KPF(NOPAGE), 0, 0 },
	{ 1120, 4, KPF(ANON) | KPF(LRU) | KPF(UNEVICTABLE) | KPF(MLOCKED) | KPF(MMAP) |
		   KPF(SWAPBACKED), 1, 7 },
	{ 1124, 2, KPF(ZERO_PAGE), 0, 0 },
	{ 1126, 2, KPF(KSM) | KPF(ANON) | KPF(MMAP) | KPF(LRU) | KPF(SWAPBACKED), 3, 7 },
	{ 1128, 2, KPF(WRITEBACK) | KPF(LRU), 0, 5 },
	{ 1130, 2, KPF(IDLE) | KPF(LRU), 0, 5 },
	{ 1132, 2, KPF(OFFLINE), 0, 0 },
	{ 1134, 3, KPF(RESERVED), 0, 0 },
	/* across three reads of the census: still one run of free pages */
	{ 200000, 300000, KPF(BUDDY), 0, 0 },			/* head 4 */
	{ 500000, 1, KPF(LRU), 0, 5 },
	{ 500001, 10, KPF(BUDDY), 0, 0 },			/* head 5 */
};

/* The combinations, page by page, as census.h defines them. */
static bool ref_key(uint32_t key, uint64_t f, uint64_t k)
{
	switch (key) {
	case MEMACCT_CENSUS_TOTAL: return true;
	case MEMACCT_CENSUS_ANON: return (f & KPF(ANON)) && !(f & KPF(SLAB));
	case MEMACCT_CENSUS_FILE:
		return (f & (KPF(LRU) | KPF(MMAP))) && !(f & (KPF(ANON) | KPF(SWAPBACKED)));
	case MEMACCT_CENSUS_SHMEM: return (f & KPF(SWAPBACKED)) && !(f & KPF(ANON));
	case MEMACCT_CENSUS_SLAB: return f & KPF(SLAB);
	case MEMACCT_CENSUS_BUDDY: return f & KPF(BUDDY);
	case MEMACCT_CENSUS_PGTABLE: return f & KPF(PGTABLE);
	case MEMACCT_CENSUS_HUGETLB: return f & KPF(HUGE);
	case MEMACCT_CENSUS_THP: return f & KPF(THP);
	case MEMACCT_CENSUS_UNEVICTABLE: return f & KPF(UNEVICTABLE);
	case MEMACCT_CENSUS_MLOCKED: return f & KPF(MLOCKED);
	case MEMACCT_CENSUS_DIRTY: return f & KPF(DIRTY);
	case MEMACCT_CENSUS_WRITEBACK: return f & KPF(WRITEBACK);
	case MEMACCT_CENSUS_SWAPCACHE: return f & KPF(SWAPCACHE);
	case MEMACCT_CENSUS_KSM: return (f & KPF(KSM)) && !(f & KPF(SLAB));
	case MEMACCT_CENSUS_ZERO_PAGE: return f & KPF(ZERO_PAGE);
	case MEMACCT_CENSUS_IDLE: return f & KPF(IDLE);
	case MEMACCT_CENSUS_OFFLINE: return f & (KPF(OFFLINE) | KPF(NOPAGE));
	case MEMACCT_CENSUS_LRU: return f & KPF(LRU);
	case MEMACCT_CENSUS_LRU_ACTIVE:
		return (f & (KPF(LRU) | KPF(ACTIVE))) == (KPF(LRU) | KPF(ACTIVE));
	case MEMACCT_CENSUS_MAPPED_FILE: return k > 0 && !(f & KPF(ANON));
	case MEMACCT_CENSUS_MAPPED_ANON: return k > 0 && (f & KPF(ANON));
	case MEMACCT_CENSUS_MMAP: return f & KPF(MMAP);
	case MEMACCT_CENSUS_DIRTY_FILE: return (f & KPF(DIRTY)) && !(f & KPF(SWAPBACKED));
	case MEMACCT_CENSUS_NO_FLAGS: return f == 0;
	case MEMACCT_CENSUS_MAPPED: return k > 0;
	default: return false;
	}
}

/* Bytes of @key over @runs, page by page; BUDDY_HEADS walks the PFNs in order. */
static uint64_t ref_bytes(const struct crun *runs, size_t nr, uint32_t key)
{
	uint64_t pages = 0, prev_pfn = UINT64_MAX, prev_flags = 0;

	for (size_t i = 0; i < nr; i++) {
		for (uint64_t j = 0; j < runs[i].n; j++) {
			uint64_t pfn = runs[i].pfn + j, f = runs[i].flags;

			if (key == MEMACCT_CENSUS_BUDDY_HEADS)
				pages += (f & KPF(BUDDY)) &&
					 !(prev_pfn == pfn - 1 && (prev_flags & KPF(BUDDY)));
			else
				pages += ref_key(key, f, runs[i].count);
			prev_pfn = pfn;
			prev_flags = f;
		}
	}
	return pages * PS;
}

static uint64_t get(const struct memacct_census *c, uint32_t key)
{
	uint64_t v = UINT64_MAX;

	assert_int_equal(memacct_census_get(c, key, &v), 0);
	return v;
}

/* (a) Every combination and every flag of a constructed machine. */
static void test_constructed(void **state)
{
	const size_t nr = ARRAY_SIZE(machine);
	struct memacct_census *c = NULL;
	struct memacct_source *src;
	struct capture cap;
	uint64_t v, mc, b, ino, sum;

	(void)state;
	capture_make(&cap, PS);
	capture_runs(&cap, machine, nr, UINT64_MAX);
	src = capture_source(&cap);
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_get_pid(c), -ENOENT);
	assert_int_equal(memacct_census_get(c, MEMACCT_CENSUS_TOTAL, &v), -ENOENT);
	assert_int_equal(memacct_census_read(c, src, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	assert_int_equal(memacct_census_get_pid(c), 0);

	for (uint32_t k = 1; k <= (uint32_t)memacct_census_key_count(); k++) {
		const char *name;

		assert_int_equal(memacct_census_key_name(k, &name), 0);
		if (get(c, k) != ref_bytes(machine, nr, k))
			print_error("%s: %llu, expected %llu\n", name,
				    (unsigned long long)get(c, k),
				    (unsigned long long)ref_bytes(machine, nr, k));
		assert_u64_equal(get(c, k), ref_bytes(machine, nr, k));
	}
	/* The same, counted by hand from the table above. */
	assert_u64_equal(get(c, MEMACCT_CENSUS_TOTAL),
			 (uint64_t)(100 + 96 + 1 + 4 + 10 + 30 + 10 + 10 + 10 + 10 + 10 + 5 + 5 +
				    8 + 2 + 2 + 8 + 4 + 2 + 2 + 2 + 2 + 2 + 3 + 300000 + 1 + 10) *
				 PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_BUDDY_HEADS), 5u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_BUDDY), (96u + 4 + 10 + 300000 + 10) * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_ANON), (30u + 10 + 10 + 8 + 4 + 2) * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_MAPPED_ANON), (30u + 10 + 10 + 8 + 4 + 2) * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_MAPPED_FILE), (10u + 5) * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_SHMEM), 10u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_KSM), 2u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_NO_FLAGS), 100u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_OFFLINE), 10u * PS);

	/* Per flag: the raw bits, SLAB pages read as ANON included. */
	for (unsigned int bit = 0; bit < 64; bit++) {
		uint64_t pages = 0;

		for (size_t i = 0; i < nr; i++)
			if (machine[i].flags & (UINT64_C(1) << bit))
				pages += machine[i].n;
		assert_int_equal(memacct_census_get_flag(c, bit, &v), 0);
		assert_u64_equal(v, pages * PS);
	}
	assert_int_equal(memacct_census_get_flag(c, MEMACCT_KPF_ANON, &v), 0);
	assert_u64_equal(v, (30u + 10 + 10 + 10 + 8 + 4 + 2) * PS);
	assert_int_equal(memacct_census_get_flag(c, 64, &v), -EINVAL);

	/* Mapcounts: 0, 1, 2, 3, 5, ascending. */
	assert_int_equal(memacct_census_mapcount_count(c), 5);
	{
		const uint64_t want[][2] = {
			{ 0, get(c, MEMACCT_CENSUS_TOTAL) / PS - 47 - 10 - 12 - 10 },
			{ 1, 30 + 5 + 8 + 4 }, { 2, 10 }, { 3, 10 + 2 }, { 5, 10 },
		};

		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			assert_int_equal(memacct_census_mapcount_at(c, i, &mc, &b), 0);
			assert_u64_equal(mc, want[i][0]);
			assert_u64_equal(b, want[i][1] * PS);
		}
	}
	assert_int_equal(memacct_census_mapcount_at(c, 5, &mc, &b), -ERANGE);

	/* memcgs 0, 5, 7, 9, ascending, summing to the total. */
	assert_int_equal(memacct_census_cgroup_count(c), 4);
	{
		const uint64_t want[][2] = {
			{ 5, 1 + 10 + 10 + 5 + 5 + 2 + 2 + 1 }, { 7, 30 + 10 + 10 + 8 + 4 + 2 },
			{ 9, 10 },
		};

		assert_int_equal(memacct_census_cgroup_at(c, 0, &ino, &b), 0);
		assert_u64_equal(ino, 0);
		sum = b;
		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			assert_int_equal(memacct_census_cgroup_at(c, i + 1, &ino, &b), 0);
			assert_u64_equal(ino, want[i][0]);
			assert_u64_equal(b, want[i][1] * PS);
			sum += b;
		}
		assert_u64_equal(sum, get(c, MEMACCT_CENSUS_TOTAL));
	}
	assert_int_equal(memacct_census_cgroup_at(c, 4, &ino, &b), -ERANGE);

	/* Without CGROUPS: no memcg, the rest the same. */
	assert_int_equal(memacct_census_read(c, src, 0, NULL), 0);
	assert_int_equal(memacct_census_cgroup_count(c), 0);
	assert_u64_equal(get(c, MEMACCT_CENSUS_MMAP), ref_bytes(machine, nr, MEMACCT_CENSUS_MMAP));

	memacct_census_free(c);
	memacct_source_free(src);
	capture_remove(&cap);
}

/* (b) MEMACCT_CENSUS_NO_COUNT: kpagecount is not read, so MAPPED* are absent. */
static void test_no_count(void **state)
{
	struct memacct_census *c = NULL;
	struct memacct_source *src;
	struct capture cap;
	char path[160];
	uint64_t v;

	(void)state;
	capture_make(&cap, PS);
	capture_runs(&cap, machine, ARRAY_SIZE(machine), UINT64_MAX);
	/* Not even there: NO_COUNT must not open it. */
	snprintf(path, sizeof(path), "%s/kpagecount", cap.proc);
	assert_int_equal(unlink(path), 0);
	src = capture_source(&cap);
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_read(c, src, 0, NULL), -ENOENT);
	assert_int_equal(memacct_census_read(c, src, MEMACCT_CENSUS_NO_COUNT, NULL), 0);
	assert_int_equal(memacct_census_get(c, MEMACCT_CENSUS_MAPPED, &v), -ENOENT);
	assert_int_equal(memacct_census_get(c, MEMACCT_CENSUS_MAPPED_ANON, &v), -ENOENT);
	assert_int_equal(memacct_census_get(c, MEMACCT_CENSUS_MAPPED_FILE, &v), -ENOENT);
	assert_int_equal(memacct_census_mapcount_count(c), 0);
	assert_u64_equal(get(c, MEMACCT_CENSUS_LRU),
			 ref_bytes(machine, ARRAY_SIZE(machine), MEMACCT_CENSUS_LRU));
	assert_u64_equal(get(c, MEMACCT_CENSUS_BUDDY_HEADS), 5u * PS);
	memacct_census_free(c);
	memacct_source_free(src);
	capture_remove(&cap);
}

/* (c) Errors leave the census empty and say what was wrong. */
static void test_errors(void **state)
{
	static const struct crun shifted[] = { { 1, 10, 0, 0, 0 } };
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_census *c = NULL;
	struct memacct_source *src;
	struct capture cap;
	const char *name;
	uint64_t v;

	(void)state;
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_key_count(), 27);
	assert_int_equal(memacct_census_key_name(0, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_census_key_name(28, &name), -EOPNOTSUPP);
	assert_int_equal(memacct_census_key_name(MEMACCT_CENSUS_BUDDY_HEADS, &name), 0);
	assert_string_equal(name, "buddy_heads");
	assert_int_equal(memacct_census_get(c, 28, &v), -EOPNOTSUPP);

	/* No page size: the capture cannot say how many bytes a page is. */
	capture_make(&cap, 0);
	capture_runs(&cap, machine, 3, UINT64_MAX);
	src = capture_source(&cap);
	assert_int_equal(memacct_census_read(c, src, 0, &d), -ENOENT);
	assert_string_equal(d.key, "page_size");
	memacct_source_free(src);
	capture_remove(&cap);

	/* A census that worked, then a capture whose kpagecount misses a PFN. */
	capture_make(&cap, PS);
	capture_runs(&cap, machine, ARRAY_SIZE(machine), UINT64_MAX);
	src = capture_source(&cap);
	assert_int_equal(memacct_census_read(c, src, 0, NULL), 0);
	capture_kpage(&cap, "kpagecount", shifted, 1, 1, UINT64_MAX);
	assert_int_equal(memacct_census_read(c, src, 0, &d), -EBADMSG);
	assert_int_equal(d.error, -EBADMSG);
	assert_string_equal(d.key, "kpagecount");
	assert_int_equal(memacct_census_get_pid(c), -ENOENT);
	assert_int_equal(memacct_census_get(c, MEMACCT_CENSUS_TOTAL, &v), -ENOENT);
	assert_int_equal(memacct_census_get_flag(c, 0, &v), -ENOENT);
	assert_int_equal(memacct_census_mapcount_count(c), 0);
	assert_int_equal(memacct_census_read(c, src, 1u << 7, NULL), -EINVAL);
	assert_int_equal(memacct_census_read_pid(c, src, 0, 0, NULL), -EINVAL);
	/* The capture has no such process. */
	assert_int_equal(memacct_census_read_pid(c, src, 42, 0, NULL), -ESRCH);
	memacct_source_free(src);
	capture_remove(&cap);
	memacct_census_free(c);
	assert_null(memacct_census_free(NULL));
}

/* (d) One process of a capture: its maps, its pagemap, the kpage* files. */
static void test_pid_capture(void **state)
{
	const uint64_t P = MEMACCT_PM_PRESENT;
	/* 0x1000-0x5000: PFN 1010, 1011, swapped, 1070; 0x10000-0x12000: 1010 again, 5000. */
	const uint64_t vma1[] = { P | 1010, P | 1011, MEMACCT_PM_SWAPPED | (7u << 5), P | 1070 };
	const uint64_t vma2[] = { P | 1010, P | 5000 };
	struct memacct_sparse_writer *w = NULL;
	struct memacct_snapshot *snap = NULL;
	struct memacct_census *c = NULL;
	struct memacct_source *src;
	struct capture cap;
	char path[200];
	uint64_t mc, b;
	int fd;

	(void)state;
	capture_make(&cap, PS);
	/* The files end at PFN 2000: PFN 5000 has no struct page. */
	capture_runs(&cap, machine, 25, 2000);
	snprintf(path, sizeof(path), "%s/42", cap.proc);
	assert_int_equal(mkdir(path, 0755), 0);
	capture_text(&cap, "42/maps",
		     "00001000-00005000 rw-p 00000000 00:00 0 \n"
		     "00010000-00012000 r--p 00000000 08:01 1234 /usr/lib/x\n");
	snprintf(path, sizeof(path), "%s/42/pagemap", cap.proc);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, UINT64_MAX, &w), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 1, vma1, 4), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 0x10, vma2, 2), 0);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	assert_int_equal(close(fd), 0);

	src = capture_source(&cap);
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_read_pid(c, src, 42, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	assert_int_equal(memacct_census_get_pid(c), 42);
	/* Five present virtual pages: a frame mapped twice counts twice. */
	assert_u64_equal(get(c, MEMACCT_CENSUS_TOTAL), 5u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_ANON), 3u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_MAPPED_ANON), 3u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_FILE), 1u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_MAPPED_FILE), 1u * PS);
	assert_u64_equal(get(c, MEMACCT_CENSUS_OFFLINE), 1u * PS);	/* NOPAGE */
	assert_u64_equal(get(c, MEMACCT_CENSUS_MAPPED), 4u * PS);
	assert_int_equal(memacct_census_mapcount_count(c), 3);
	assert_int_equal(memacct_census_mapcount_at(c, 0, &mc, &b), 0);
	assert_true(mc == 0 && b == 1u * PS);
	assert_int_equal(memacct_census_mapcount_at(c, 1, &mc, &b), 0);
	assert_true(mc == 1 && b == 3u * PS);
	assert_int_equal(memacct_census_mapcount_at(c, 2, &mc, &b), 0);
	assert_true(mc == 3 && b == 1u * PS);
	assert_int_equal(memacct_census_cgroup_count(c), 3);	/* 0, 5, 7 */
	assert_int_equal(memacct_census_cgroup_at(c, 2, &mc, &b), 0);
	assert_true(mc == 7 && b == 3u * PS);

	/* The identities take a whole machine only. */
	assert_int_equal(memacct_snapshot_new(&snap), 0);
	assert_int_equal(memacct_snapshot_set_census(snap, c), -EINVAL);
	memacct_snapshot_free(snap);

	memacct_census_free(c);
	memacct_source_free(src);
	capture_remove(&cap);
}

/* --- live, as root -------------------------------------------------------- */

static struct memacct_source *live_or_skip(void)
{
	struct memacct_source *src = NULL;

	if (geteuid() != 0 || access("/proc/kpageflags", R_OK) != 0)
		skip();
	assert_int_equal(memacct_source_new(NULL, NULL, &src), 0);
	return src;
}

static uint64_t meminfo_get(struct memacct_source *src, uint32_t key)
{
	struct memacct_meminfo *mi = NULL;
	uint64_t v = 0;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	assert_int_equal(memacct_meminfo_read(mi, src, NULL), 0);
	assert_int_equal(memacct_meminfo_get(mi, key, &v), 0);
	memacct_meminfo_free(mi);
	return v;
}

static bool near(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;

	return d <= b / 2 + (64u << 20);
}

/* This process's memcg directory (cgroup v1 "memory" line, or v2 "0::"), or NULL. */
static const char *self_memcg(char *buf, size_t sz)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "r");
	const char *found = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ":memory:");

		if (!p && !strncmp(line, "0::", 3))
			p = line + 1;
		if (!p)
			continue;
		p = strchr(p + 1, ':') + 1;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, sz, "%s", p);
		found = buf;
		if (strstr(line, ":memory:"))
			break;
	}
	fclose(f);
	return found;
}

/* (e) The whole machine: sane against meminfo, memcgs named. */
static void test_live_machine(void **state)
{
	struct memacct_source *src = live_or_skip();
	struct memacct_cgroups *cg = NULL;
	struct memacct_census *c = NULL;
	uint64_t total, sum = 0, ino, b, mc, self_ino = 0, self_bytes = 0;
	char memcg[256], dir[512];
	const char *path, *mine;
	unsigned long before;
	struct stat st;

	(void)state;
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_read(c, src, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	total = get(c, MEMACCT_CENSUS_TOTAL);
	/* max_pfn, rounded up to a section: more than MemTotal (holes, reserved memory). */
	assert_true(total > meminfo_get(src, MEMACCT_MEMINFO_MEMTOTAL));
	assert_true(near(get(c, MEMACCT_CENSUS_MAPPED_ANON),
			 meminfo_get(src, MEMACCT_MEMINFO_ANONPAGES)));
	assert_true(near(get(c, MEMACCT_CENSUS_ANON), meminfo_get(src, MEMACCT_MEMINFO_ANONPAGES)));
	assert_true(near(get(c, MEMACCT_CENSUS_MAPPED_FILE),
			 meminfo_get(src, MEMACCT_MEMINFO_MAPPED)));
	assert_true(get(c, MEMACCT_CENSUS_MAPPED) ==
		    get(c, MEMACCT_CENSUS_MAPPED_ANON) + get(c, MEMACCT_CENSUS_MAPPED_FILE));
	for (int i = 0; i < memacct_census_mapcount_count(c); i++) {
		assert_int_equal(memacct_census_mapcount_at(c, (size_t)i, &mc, &b), 0);
		sum += b;
	}
	assert_u64_equal(sum, total);

	/* kpagecgroup's inodes are the memcg directories' (page_cgroup_ino). */
	assert_int_equal(memacct_cgroups_new(NULL, &cg), 0);
	mine = self_memcg(memcg, sizeof(memcg));
	snprintf(dir, sizeof(dir), "%s%s", access("/sys/fs/cgroup/memory", F_OK) == 0 ?
		 "/sys/fs/cgroup/memory" : "/sys/fs/cgroup", mine ? mine : "/");
	if (mine && stat(dir, &st) == 0) {
		self_ino = st.st_ino;
		assert_int_equal(memacct_cgroups_path(cg, self_ino, &path), 0);
		assert_string_equal(path, strcmp(mine, "") ? mine : "/");
	}
	sum = 0;
	for (int i = 0; i < memacct_census_cgroup_count(c); i++) {
		assert_int_equal(memacct_census_cgroup_at(c, (size_t)i, &ino, &b), 0);
		if (i)
			assert_true(ino > mc);
		mc = ino;
		sum += b;
		if (ino == self_ino)
			self_bytes = b;
	}
	assert_u64_equal(sum, total);
	if (self_ino)
		assert_true(self_bytes > 0);
	memacct_cgroups_free(cg);

	/* Grown: a second read allocates nothing. */
	before = allocs;
	assert_int_equal(memacct_census_read(c, src, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	assert_int_equal((int)(allocs - before), 0);

	memacct_census_free(c);
	memacct_source_free(src);
}

/* (f) This process after writing 16 MiB of anonymous memory. */
static void test_live_pid(void **state)
{
	struct memacct_source *src = live_or_skip();
	struct memacct_census *c = NULL;
	const size_t len = 16u << 20;
	uint64_t mc, b, one = 0, v;
	char *m;

	(void)state;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	memset(m, 0x5a, len);
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_read_pid(c, src, getpid(), 0, NULL), 0);
	assert_int_equal(memacct_census_get_pid(c), getpid());
	assert_true(get(c, MEMACCT_CENSUS_ANON) >= len);
	assert_true(get(c, MEMACCT_CENSUS_MAPPED_ANON) >= len);
	assert_true(get(c, MEMACCT_CENSUS_TOTAL) >= get(c, MEMACCT_CENSUS_MAPPED));
	for (int i = 0; i < memacct_census_mapcount_count(c); i++) {
		assert_int_equal(memacct_census_mapcount_at(c, (size_t)i, &mc, &b), 0);
		if (mc == 1)
			one = b;
	}
	assert_true(one >= len);
	assert_int_equal(memacct_census_read_pid(c, src, getpid(), MEMACCT_CENSUS_NO_COUNT, NULL),
			 0);
	assert_int_equal(memacct_census_get(c, MEMACCT_CENSUS_MAPPED, &v), -ENOENT);
	assert_true(get(c, MEMACCT_CENSUS_ANON) >= len);
	munmap(m, len);
	memacct_census_free(c);
	memacct_source_free(src);
}

/* (g) A process that is gone. */
static void test_live_gone(void **state)
{
	struct memacct_source *src = live_or_skip();
	struct memacct_census *c = NULL;
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(memacct_census_new(&c), 0);
	assert_int_equal(memacct_census_read_pid(c, src, pid, 0, NULL), -ESRCH);
	memacct_census_free(c);
	memacct_source_free(src);
}

/* The unprivileged child's verdict, as its exit status: 0, or the failed check. */
static int unprivileged_child(void)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	struct memacct_source *src = NULL;
	struct memacct_census *c = NULL;

	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return 2;
	/* A uid change makes us undumpable, and our /proc files root's: undo that. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return 3;
	if (memacct_source_new(NULL, NULL, &src) < 0 || memacct_census_new(&c) < 0)
		return 4;
	if (memacct_census_read(c, src, 0, &d) != -EPERM || d.error != -EPERM || !d.message)
		return 5;
	if (!strstr(d.message, "root") || !strstr(d.message, "CAP_SYS_ADMIN"))
		return 6;
	d.message = NULL;
	if (memacct_census_read_pid(c, src, getpid(), 0, &d) != -EPERM || !d.message ||
	    !strstr(d.message, "CAP_SYS_ADMIN"))
		return 7;
	if (memacct_census_get_pid(c) != -ENOENT)
		return 8;
	memacct_census_free(c);
	memacct_source_free(src);
	return 0;
}

/* (h) Not root: -EPERM, and the message names what is needed. */
static void test_live_unprivileged(void **state)
{
	int status;
	pid_t pid;

	(void)state;
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

/* --- cgroup names ----------------------------------------------------------- */

static uint64_t ino_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* (i) A directory tree indexed by inode, relative paths, "/" for the root. */
static void test_cgroups_tree(void **state)
{
	struct memacct_cgroups *cg = NULL;
	char dir[64], p[160];
	const char *path;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/memacct-test-cgroups-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/a", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/a/b", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/c", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/a/memory.stat", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);

	assert_int_equal(memacct_cgroups_new(dir, &cg), 0);
	assert_int_equal(memacct_cgroups_path(cg, ino_of(dir), &path), 0);
	assert_string_equal(path, "/");
	snprintf(p, sizeof(p), "%s/a/b", dir);
	assert_int_equal(memacct_cgroups_path(cg, ino_of(p), &path), 0);
	assert_string_equal(path, "/a/b");
	snprintf(p, sizeof(p), "%s/c", dir);
	assert_int_equal(memacct_cgroups_path(cg, ino_of(p), &path), 0);
	assert_string_equal(path, "/c");
	/* A file is no cgroup. */
	snprintf(p, sizeof(p), "%s/a/memory.stat", dir);
	assert_int_equal(memacct_cgroups_path(cg, ino_of(p), &path), -ENOENT);
	memacct_cgroups_free(cg);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
	assert_int_equal(memacct_cgroups_new(dir, &cg), -ENOENT);
	assert_null(memacct_cgroups_free(NULL));
}

/* (j) The machine's own hierarchy: its root is "/". */
static void test_cgroups_live(void **state)
{
	struct memacct_cgroups *cg = NULL;
	const char *root, *path;

	(void)state;
	root = access("/sys/fs/cgroup/memory", F_OK) == 0 ? "/sys/fs/cgroup/memory"
							   : "/sys/fs/cgroup";
	if (access(root, R_OK) != 0)
		skip();
	assert_int_equal(memacct_cgroups_new(NULL, &cg), 0);
	assert_int_equal(memacct_cgroups_path(cg, ino_of(root), &path), 0);
	assert_string_equal(path, "/");
	memacct_cgroups_free(cg);
}

/* --- threads ------------------------------------------------------------------ */

/* Every result of @a is @b's: combinations, flags, histogram, memcgs, folios. */
static void assert_census_equal(const struct memacct_census *a, const struct memacct_census *b)
{
	static const uint64_t sums[][3] = {
		{ 0, 0, CENSUS_ANY },
		{ KPF(ANON) | KPF(THP), KPF(ANON) | KPF(THP), CENSUS_MAPPED },
		{ KPF(MMAP), KPF(MMAP), CENSUS_UNMAPPED },
		{ KPF(BUDDY) | KPF(SLAB), 0, CENSUS_UNMAPPED },
	};
	uint64_t va, vb, ka, kb;
	int n;

	assert_int_equal(memacct_census_get_pid(a), memacct_census_get_pid(b));
	for (uint32_t key = 1; key <= (uint32_t)memacct_census_key_count(); key++) {
		int ra = memacct_census_get(a, key, &va), rb = memacct_census_get(b, key, &vb);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_u64_equal(va, vb);
	}
	for (unsigned int bit = 0; bit < 64; bit++) {
		int ra = memacct_census_get_flag(a, bit, &va), rb = memacct_census_get_flag(b, bit, &vb);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_u64_equal(va, vb);
	}
	n = memacct_census_mapcount_count(a);
	assert_int_equal(n, memacct_census_mapcount_count(b));
	for (int i = 0; i < n; i++) {
		assert_int_equal(memacct_census_mapcount_at(a, (size_t)i, &ka, &va), 0);
		assert_int_equal(memacct_census_mapcount_at(b, (size_t)i, &kb, &vb), 0);
		assert_u64_equal(ka, kb);
		assert_u64_equal(va, vb);
	}
	n = memacct_census_cgroup_count(a);
	assert_int_equal(n, memacct_census_cgroup_count(b));
	for (int i = 0; i < n; i++) {
		assert_int_equal(memacct_census_cgroup_at(a, (size_t)i, &ka, &va), 0);
		assert_int_equal(memacct_census_cgroup_at(b, (size_t)i, &kb, &vb), 0);
		assert_u64_equal(ka, kb);
		assert_u64_equal(va, vb);
	}
	assert_u64_equal(census_small_thp_bytes(a), census_small_thp_bytes(b));
	for (size_t i = 0; i < ARRAY_SIZE(sums); i++) {
		int ra = census_sum(a, sums[i][0], sums[i][1], (int)sums[i][2], &va);
		int rb = census_sum(b, sums[i][0], sums[i][1], (int)sums[i][2], &vb);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_u64_equal(va, vb);
	}
}

static const unsigned int thread_counts[] = { 2, 3, 7 };

/*
 * Read @src with one thread into @one and with each of thread_counts into
 * @many: the same return, diagnostic and results. @return what they returned.
 */
static int read_threads(struct memacct_census *one, struct memacct_census *many,
			struct memacct_source *src, uint32_t flags, size_t *ret_used)
{
	struct memacct_diag d1 = { .sz = sizeof(d1) }, dn = { .sz = sizeof(dn) };
	int r1, rn = 0;

	assert_int_equal(memacct_census_set_threads(one, 1), 0);
	r1 = memacct_census_read(one, src, flags, &d1);
	assert_int_equal(census_threads_used(one), 1);
	for (size_t i = 0; i < ARRAY_SIZE(thread_counts); i++) {
		assert_int_equal(memacct_census_set_threads(many, thread_counts[i]), 0);
		memset(&dn, 0, sizeof(dn));
		dn.sz = sizeof(dn);
		rn = memacct_census_read(many, src, flags, &dn);
		assert_int_equal(rn, r1);
		assert_int_equal(dn.error, d1.error);
		assert_string_equal(dn.key, d1.key);
		assert_ptr_equal(dn.message, d1.message);
		assert_true(census_threads_used(many) <= thread_counts[i]);
		if (ret_used)
			ret_used[i] = census_threads_used(many);
		assert_census_equal(one, many);
	}
	return r1;
}

/* (h) The captured fixtures: threads give exactly the one thread's census. */
static void test_threads_fixtures(void **state)
{
	static const char *const names[] = {
		"pages-census", "proc-anon-64m", "proc-cow-64m-x4", "proc-hugetlb-8x2m",
		"proc-mlock-32m", "proc-shared-file-64m-x3", "proc-shmem-64m-x2", "proc-thp-64m",
	};
	static const uint32_t flags[] = {
		0, MEMACCT_CENSUS_CGROUPS, MEMACCT_CENSUS_NO_COUNT,
		MEMACCT_CENSUS_CGROUPS | MEMACCT_CENSUS_NO_COUNT,
	};
	struct memacct_census *one = NULL, *many = NULL;
	char path[512];
	size_t used[ARRAY_SIZE(thread_counts)];
	uint64_t v;

	(void)state;
	assert_int_equal(memacct_census_new(&one), 0);
	assert_int_equal(memacct_census_new(&many), 0);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct memacct_source *src = NULL;

		snprintf(path, sizeof(path), "%s/%s/proc", MEMACCT_FIXTURES, names[i]);
		assert_int_equal(memacct_source_new(path, NULL, &src), 0);
		for (size_t j = 0; j < ARRAY_SIZE(flags); j++) {
			int r = read_threads(one, many, src, flags[j], used);

			/* pages-census has no kpagecgroup; the others have them all. */
			if (i == 0 && (flags[j] & MEMACCT_CENSUS_CGROUPS)) {
				assert_int_equal(r, -ENOENT);
				continue;
			}
			assert_int_equal(r, 0);
			assert_int_equal(memacct_census_get(one, MEMACCT_CENSUS_TOTAL, &v), 0);
			assert_true(v > 0);
			if (i == 0) {
				/* 6.5 Mi PFNs: 50 chunks, every thread had some. */
				assert_u64_equal(v, UINT64_C(0x640000) * PS);
				for (size_t k = 0; k < ARRAY_SIZE(thread_counts); k++)
					assert_int_equal(used[k], thread_counts[k]);
				assert_true(census_small_thp_bytes(one) > 0);
				assert_true(get(one, MEMACCT_CENSUS_BUDDY_HEADS) > 0);
			}
		}
		memacct_source_free(src);
	}
	memacct_census_free(one);
	memacct_census_free(many);
}

#define C ((uint64_t)CHUNK_ENTRIES)
#define THP_ANON (KPF(THP) | KPF(ANON) | KPF(LRU) | KPF(MMAP) | KPF(SWAPBACKED))
#define HEAD (THP_ANON | KPF(COMPOUND_HEAD))
#define TAIL (THP_ANON | KPF(COMPOUND_TAIL))

/*
 * A machine of 4 MiB pages (a PMD maps 512 Ki of them, 4 chunks), whose
 * runs, THP folios and gaps straddle the chunks the threads split it into.
 */
static const struct crun straddle[] = {
	{ 0, C + 4, KPF(BUDDY), 0, 0 },				/* head 1, across 0|1 */
	{ C + 4, 4, KPF(LRU), 0, 5 },
	{ 2 * C - 8, 1, HEAD, 1, 7 },				/* small: 16 */
	{ 2 * C - 7, 15, TAIL, 1, 7 },
	{ 2 * C + 8, 1, KPF(BUDDY), 0, 0 },			/* head 2 */
	{ 2 * C + 9, C - 10, KPF(LRU), 0, 5 },
	{ 3 * C - 1, 1, HEAD, 2, 7 },				/* small: 16 */
	{ 3 * C, 8, TAIL, 2, 7 },
	{ 3 * C + 8, 7, TAIL, 3, 7 },				/* a new key in it */
	{ 3 * C + 15, C - 15, KPF(BUDDY) | KPF(IDLE), 0, 0 },	/* head 3 */
	{ 4 * C, 1, HEAD, 1, 8 },				/* small: 32 */
	{ 4 * C + 1, 31, TAIL, 1, 8 },
	{ 4 * C + 32, C - 32, KPF(BUDDY), 0, 0 },		/* head 4 */
	/* 5C..5C+9 not held: a gap at a chunk's start */
	{ 5 * C + 10, 10, KPF(BUDDY), 0, 0 },			/* head 5 */
	{ 5 * C + 20, C - 20, KPF(BUDDY), 1, 0 },		/* a new key, not a head */
	/* chunk 6 not held at all */
	{ 7 * C, 5, KPF(BUDDY), 0, 0 },				/* head 6 */
	{ 8 * C - 4, 1, HEAD, 1, 7 },				/* cut by the gap: small 4 */
	{ 8 * C - 3, 3, TAIL, 1, 7 },
	{ 8 * C + 1, 3, TAIL, 1, 7 },				/* tails of nothing */
	{ 9 * C - 3, 1, HEAD, 1, 9 },				/* ended by 9C: small 3 */
	{ 9 * C - 2, 2, TAIL, 1, 9 },
	{ 9 * C, 2, KPF(LRU), 0, 5 },
	{ 10 * C - 5, 1, HEAD, 1, 7 },				/* over 10C..12C: small */
	{ 10 * C - 4, 2 * C + 9, TAIL, 1, 7 },			/* 2C + 10 */
	{ 12 * C + 5, 1, KPF(BUDDY), 0, 0 },			/* head 7 */
	{ 13 * C - 2, 1, HEAD, 1, 7 },				/* a PMD's: not small */
	{ 13 * C - 1, 4 * C - 1, TAIL, 1, 7 },
	{ 17 * C - 2, 3, KPF(BUDDY), 0, 0 },			/* head 8, across 16|17 */
	{ 17 * C + 1, 1, HEAD, 1, 7 },				/* ended by the end: small 1 */
};

#undef HEAD
#undef TAIL
#undef THP_ANON

/* (i) Chunk boundaries: heads, folios, gaps and keys across them. */
static void test_threads_straddle(void **state)
{
	const uint64_t ps = UINT64_C(4) << 20;
	struct memacct_census *one = NULL, *many = NULL;
	struct memacct_source *src;
	struct capture cap;
	size_t used[ARRAY_SIZE(thread_counts)];

	(void)state;
	capture_make(&cap, ps);
	capture_runs(&cap, straddle, ARRAY_SIZE(straddle), UINT64_MAX);
	src = capture_source(&cap);
	assert_int_equal(memacct_census_new(&one), 0);
	assert_int_equal(memacct_census_new(&many), 0);
	assert_int_equal(read_threads(one, many, src, MEMACCT_CENSUS_CGROUPS, used), 0);
	/* 17 of the 18 chunks hold PFNs: every thread started. */
	for (size_t k = 0; k < ARRAY_SIZE(thread_counts); k++)
		assert_int_equal(used[k], thread_counts[k]);
	assert_u64_equal(get(one, MEMACCT_CENSUS_BUDDY_HEADS), 8 * ps);
	assert_u64_equal(census_small_thp_bytes(one), (16 + 16 + 32 + 4 + 3 + 2 * C + 10 + 1) * ps);
	assert_u64_equal(get(one, MEMACCT_CENSUS_TOTAL),
			 ref_bytes(straddle, ARRAY_SIZE(straddle), MEMACCT_CENSUS_TOTAL) / PS * ps);
	assert_int_equal(read_threads(one, many, src, 0, NULL), 0);
	assert_int_equal(read_threads(one, many, src, MEMACCT_CENSUS_NO_COUNT, NULL), 0);
	memacct_source_free(src);
	capture_remove(&cap);
	memacct_census_free(one);
	memacct_census_free(many);
}

#undef C

/* Write @runs (from PFN 0, no gap) as raw captures: little-endian u64s. */
static void capture_raw(const struct capture *cap, const struct crun *runs, size_t nr)
{
	static const char *const names[] = { "kpageflags", "kpagecount", "kpagecgroup" };
	char path[256];

	for (int field = 0; field < 3; field++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", cap->proc, names[field]);
		f = fopen(path, "w");
		assert_non_null(f);
		for (size_t i = 0; i < nr; i++)
			for (uint64_t j = 0; j < runs[i].n; j++) {
				uint64_t v = htole64(crun_field(&runs[i], field));

				assert_int_equal(fwrite(&v, sizeof(v), 1, f), 1);
			}
		assert_int_equal(fclose(f), 0);
	}
}

/*
 * (j) More threads than chunks, raw captures (whose end is the file's),
 * and errors: the first in PFN order, as one thread meets it.
 */
static void test_threads_few_chunks(void **state)
{
	static const struct crun raw[] = {
		{ 0, CHUNK_ENTRIES + 7, KPF(BUDDY), 0, 0 },
		{ CHUNK_ENTRIES + 7, 5, KPF(LRU) | KPF(ACTIVE), 2, 5 },
		{ CHUNK_ENTRIES + 12, CHUNK_ENTRIES + 100, KPF(BUDDY), 0, 0 },
	};
	static const struct crun count_short[] = {
		{ 0, 2 * CHUNK_ENTRIES + 10, 0, 0, 0 },
	};
	struct memacct_census *one = NULL, *many = NULL;
	struct memacct_source *src;
	struct capture cap;
	size_t used[ARRAY_SIZE(thread_counts)];
	unsigned long before;

	(void)state;
	assert_int_equal(memacct_census_new(&one), 0);
	assert_int_equal(memacct_census_new(&many), 0);
	assert_int_equal(memacct_census_set_threads(NULL, 2), -EINVAL);

	capture_make(&cap, PS);
	capture_raw(&cap, raw, ARRAY_SIZE(raw));
	src = capture_source(&cap);
	assert_int_equal(read_threads(one, many, src, MEMACCT_CENSUS_CGROUPS, used), 0);
	/* 2 * CHUNK + 112 PFNs: 3 chunks, so never more than 3 threads. */
	assert_int_equal(used[0], 2);
	assert_int_equal(used[1], 3);
	assert_int_equal(used[2], 3);
	assert_u64_equal(get(one, MEMACCT_CENSUS_TOTAL), (2 * CHUNK_ENTRIES + 112) * (uint64_t)PS);
	assert_u64_equal(get(one, MEMACCT_CENSUS_BUDDY_HEADS), 2 * PS);
	assert_u64_equal(get(one, MEMACCT_CENSUS_LRU_ACTIVE), 5 * PS);
	/*
	 * Grown: the threads' buffers and tables are kept, a next read allocates
	 * nothing of its own. glibc's pthread_create() may allocate a new
	 * thread's TLS vector when its stack cache misses (seen under load: one
	 * per thread), so up to one allocation per thread is glibc's; a census
	 * that regrew its buffers would make three per thread.
	 */
	before = allocs;
	assert_int_equal(memacct_census_read(many, src, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	assert_true(allocs - before <= used[2]);
	memacct_source_free(src);
	capture_remove(&cap);

	/* One chunk: one thread whatever the count. */
	capture_make(&cap, PS);
	capture_runs(&cap, machine, 27, UINT64_MAX);
	src = capture_source(&cap);
	assert_int_equal(read_threads(one, many, src, 0, used), 0);
	for (size_t k = 0; k < ARRAY_SIZE(thread_counts); k++)
		assert_int_equal(used[k], 1);
	memacct_source_free(src);
	capture_remove(&cap);

	/* kpagecount ends inside the third chunk: the error of one thread. */
	capture_make(&cap, PS);
	capture_runs(&cap, count_short, 1, UINT64_MAX);
	capture_kpage(&cap, "kpagecount", (const struct crun[]){ { 0, 2 * CHUNK_ENTRIES + 3, 0, 0,
								   0 } }, 1, 1, UINT64_MAX);
	src = capture_source(&cap);
	assert_int_equal(read_threads(one, many, src, 0, NULL), -EBADMSG);
	assert_int_equal(memacct_census_get_pid(many), -ENOENT);
	assert_int_equal(read_threads(one, many, src, MEMACCT_CENSUS_NO_COUNT, NULL), 0);
	memacct_source_free(src);
	capture_remove(&cap);

	memacct_census_free(one);
	memacct_census_free(many);
}

/*
 * (k) Live, as root: threads read every PFN (the machine changes between two
 * reads, so only what does not change is compared).
 */
static void test_threads_live(void **state)
{
	struct memacct_source *src = live_or_skip();
	struct memacct_census *one = NULL, *many = NULL;
	uint64_t total, sum = 0, mc, b;
	unsigned long before;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	assert_int_equal(memacct_census_new(&one), 0);
	assert_int_equal(memacct_census_new(&many), 0);
	assert_int_equal(memacct_census_set_threads(one, 1), 0);
	assert_int_equal(memacct_census_read(one, src, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	/* The default: the online CPUs. */
	assert_int_equal(memacct_census_read(many, src, MEMACCT_CENSUS_CGROUPS, NULL), 0);
	assert_int_equal(census_threads_used(many), cpus);
	total = get(many, MEMACCT_CENSUS_TOTAL);
	assert_u64_equal(total, get(one, MEMACCT_CENSUS_TOTAL));
	for (int i = 0; i < memacct_census_mapcount_count(many); i++) {
		assert_int_equal(memacct_census_mapcount_at(many, (size_t)i, &mc, &b), 0);
		sum += b;
	}
	assert_u64_equal(sum, total);
	sum = 0;
	for (int i = 0; i < memacct_census_cgroup_count(many); i++) {
		assert_int_equal(memacct_census_cgroup_at(many, (size_t)i, &mc, &b), 0);
		sum += b;
	}
	assert_u64_equal(sum, total);
	assert_int_equal(memacct_census_set_threads(many, 2), 0);
	assert_int_equal(memacct_census_read(many, src, 0, NULL), 0);
	assert_int_equal(census_threads_used(many), 2);
	assert_u64_equal(get(many, MEMACCT_CENSUS_TOTAL), total);
	before = allocs;
	assert_int_equal(memacct_census_read(many, src, 0, NULL), 0);
	assert_int_equal((int)(allocs - before), 0);
	memacct_census_free(one);
	memacct_census_free(many);
	memacct_source_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constructed),
		cmocka_unit_test(test_no_count),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pid_capture),
		cmocka_unit_test(test_live_machine),
		cmocka_unit_test(test_live_pid),
		cmocka_unit_test(test_live_gone),
		cmocka_unit_test(test_live_unprivileged),
		cmocka_unit_test(test_cgroups_tree),
		cmocka_unit_test(test_cgroups_live),
		cmocka_unit_test(test_threads_fixtures),
		cmocka_unit_test(test_threads_straddle),
		cmocka_unit_test(test_threads_few_chunks),
		cmocka_unit_test(test_threads_live),
	};

	return cmocka_run_group_tests_name("census", tests, NULL, NULL);
}
