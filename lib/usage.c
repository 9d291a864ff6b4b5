/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "internal.h"

#define USAGE_NKEYS (MEMACCT_USAGE_HUGETLB + 1)

struct memacct_usage {
	struct memacct_status *st;
	struct memacct_vmas *vmas;
	uint64_t val[USAGE_NKEYS];
	uint8_t from[USAGE_NKEYS];	/* MEMACCT_USAGE_FROM_*, 0 = absent */
	bool kthread;
	bool have_status;	/* st holds this read's status */
	bool have_rollup;	/* vmas holds this read's smaps_rollup */
};

/* The smaps fields summed (fs/proc/task_mmu.c __show_smap), as in smaps_rollup. */
static const uint32_t sum_keys[] = {
	MEMACCT_SMAPS_RSS,
	MEMACCT_SMAPS_PSS,
	MEMACCT_SMAPS_PRIVATE_CLEAN,
	MEMACCT_SMAPS_PRIVATE_DIRTY,
	MEMACCT_SMAPS_SWAP,
	MEMACCT_SMAPS_SWAPPSS,
	MEMACCT_SMAPS_ANONYMOUS,
	MEMACCT_SMAPS_LOCKED,
	MEMACCT_SMAPS_SHARED_HUGETLB,
	MEMACCT_SMAPS_PRIVATE_HUGETLB,
};

struct sums {
	uint64_t v[ARRAY_SIZE(sum_keys)];
	bool has[ARRAY_SIZE(sum_keys)];
	size_t nvmas;
};

static void reset(struct memacct_usage *u)
{
	memset(u->val, 0, sizeof(u->val));
	memset(u->from, 0, sizeof(u->from));
	u->kthread = false;
	u->have_status = false;
	u->have_rollup = false;
}

int memacct_usage_new(struct memacct_usage **ret)
{
	struct memacct_usage *u;

	assert_return(ret, -EINVAL);
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	if (memacct_status_new(&u->st) < 0 || memacct_vmas_new(&u->vmas) < 0) {
		memacct_usage_free(u);
		return -ENOMEM;
	}
	*ret = u;
	return 0;
}

struct memacct_usage *memacct_usage_free(struct memacct_usage *u)
{
	if (u) {
		memacct_status_free(u->st);
		memacct_vmas_free(u->vmas);
		free(u);
	}
	return NULL;
}

static void set(struct memacct_usage *u, uint32_t key, uint64_t v, uint8_t from)
{
	u->val[key] = v;
	u->from[key] = from;
}

/* Set @key from status @skey unless an earlier source already gave it. */
static void set_status(struct memacct_usage *u, uint32_t key, uint32_t skey)
{
	uint64_t v;

	if (!u->from[key] && memacct_status_get(u->st, skey, &v) == 0)
		set(u, key, v, MEMACCT_USAGE_FROM_STATUS);
}

static void fill_status(struct memacct_usage *u)
{
	set_status(u, MEMACCT_USAGE_VSS, MEMACCT_STATUS_VMSIZE);
	set_status(u, MEMACCT_USAGE_RSS, MEMACCT_STATUS_VMRSS);
	set_status(u, MEMACCT_USAGE_ANON, MEMACCT_STATUS_RSSANON);
	set_status(u, MEMACCT_USAGE_FILE, MEMACCT_STATUS_RSSFILE);
	set_status(u, MEMACCT_USAGE_SHMEM, MEMACCT_STATUS_RSSSHMEM);
	set_status(u, MEMACCT_USAGE_SWAP, MEMACCT_STATUS_VMSWAP);
	set_status(u, MEMACCT_USAGE_LOCKED, MEMACCT_STATUS_VMLCK);
	set_status(u, MEMACCT_USAGE_HUGETLB, MEMACCT_STATUS_HUGETLBPAGES);
}

static int sum_vma(const struct memacct_vma *vma, void *userdata)
{
	struct sums *s = userdata;
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(sum_keys); i++) {
		if (memacct_vma_get(vma, sum_keys[i], &v) < 0)
			continue;
		if (__builtin_add_overflow(s->v[i], v, &s->v[i]))
			return -EOVERFLOW;
		s->has[i] = true;
	}
	s->nvmas++;
	return 0;
}

static bool sum_get(const struct sums *s, uint32_t key, uint64_t *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(sum_keys); i++)
		if (sum_keys[i] == key) {
			*ret = s->v[i];
			return s->has[i];
		}
	return false;
}

/* The values of smaps_rollup or of the smaps sum, before status fills the rest. */
static void fill_sums(struct memacct_usage *u, const struct sums *s, uint8_t from)
{
	uint64_t a, b;

	if (sum_get(s, MEMACCT_SMAPS_RSS, &a))
		set(u, MEMACCT_USAGE_RSS, a, from);
	if (sum_get(s, MEMACCT_SMAPS_PSS, &a))
		set(u, MEMACCT_USAGE_PSS, a, from);
	if (sum_get(s, MEMACCT_SMAPS_PRIVATE_CLEAN, &a) &&
	    sum_get(s, MEMACCT_SMAPS_PRIVATE_DIRTY, &b) && !__builtin_add_overflow(a, b, &a))
		set(u, MEMACCT_USAGE_USS, a, from);
	if (sum_get(s, MEMACCT_SMAPS_SWAP, &a))
		set(u, MEMACCT_USAGE_SWAP, a, from);
	if (sum_get(s, MEMACCT_SMAPS_SWAPPSS, &a))
		set(u, MEMACCT_USAGE_SWAP_PSS, a, from);
	if (sum_get(s, MEMACCT_SMAPS_LOCKED, &a))
		set(u, MEMACCT_USAGE_LOCKED, a, from);
	if (sum_get(s, MEMACCT_SMAPS_SHARED_HUGETLB, &a) &&
	    sum_get(s, MEMACCT_SMAPS_PRIVATE_HUGETLB, &b) && !__builtin_add_overflow(a, b, &a))
		set(u, MEMACCT_USAGE_HUGETLB, a, from);
}

/* A zombie ("Z") or dead ("X") task has exited: it has no mm left either. */
static bool exited(const struct memacct_status *st)
{
	const char *state;

	if (memacct_status_get_text(st, "State", &state) < 0)
		return false;
	return state[0] == 'Z' || state[0] == 'X';
}

int memacct_usage_read(struct memacct_usage *u, struct memacct_source *src, int pid,
		       uint32_t flags, struct memacct_diag *diag)
{
	struct sums s = { 0 };
	uint64_t anon;
	uint8_t from = 0;
	int r;

	assert_return(u && src && pid > 0, -EINVAL);
	assert_return(!(flags & ~(uint32_t)MEMACCT_USAGE_CHEAP), -EINVAL);
	reset(u);

	r = memacct_status_read(u->st, src, pid, diag);
	if (r == -ENOENT)
		r = -ESRCH;
	if (r < 0)
		return r;
	u->have_status = true;
	if (exited(u->st)) {
		u->have_status = false;
		diag_set(diag, -ESRCH, 0, 0, NULL, 0, "the process has exited");
		return -ESRCH;
	}
	if (memacct_status_has(u->st, MEMACCT_STATUS_VMSIZE) != 1) {
		u->kthread = true;
		return 0;
	}
	if (flags & MEMACCT_USAGE_CHEAP) {
		fill_status(u);
		return 0;
	}

	r = memacct_smaps_rollup_read(u->vmas, src, pid, diag);
	if (r == 0 && memacct_vmas_count(u->vmas) == 1) {
		sum_vma(memacct_vmas_at(u->vmas, 0), &s);
		from = MEMACCT_USAGE_FROM_SMAPS_ROLLUP;
		u->have_rollup = true;
	} else if (r == 0 || r == -ESRCH) {
		/* No rollup (before 4.14, or not captured), or the process is going. */
		r = memacct_smaps_foreach(u->vmas, src, pid, sum_vma, &s, diag);
		if (r == 0 && s.nvmas == 0) {
			diag_set(diag, -ESRCH, 0, 0, NULL, 0, "PID/smaps is empty: the process has exited");
			r = -ESRCH;
		}
		from = MEMACCT_USAGE_FROM_SMAPS;
	}
	if (r == -EACCES) {
		fill_status(u);
		return r;
	}
	if (r < 0) {
		reset(u);
		return r;
	}

	fill_sums(u, &s, from);
	/* anon: status RssAnon first, it counts every anon page once. */
	if (memacct_status_get(u->st, MEMACCT_STATUS_RSSANON, &anon) < 0 &&
	    sum_get(&s, MEMACCT_SMAPS_ANONYMOUS, &anon))
		set(u, MEMACCT_USAGE_ANON, anon, from);
	fill_status(u);
	return 0;
}

static int check_key(const struct memacct_usage *u, uint32_t key)
{
	assert_return(u, -EINVAL);
	assert_return(key >= MEMACCT_USAGE_VSS && key < USAGE_NKEYS, -EOPNOTSUPP);
	return u->from[key] ? 0 : -ENOENT;
}

int memacct_usage_get(const struct memacct_usage *u, uint32_t key, uint64_t *ret)
{
	int r;

	assert_return(ret, -EINVAL);
	r = check_key(u, key);
	if (r < 0)
		return r;
	*ret = u->val[key];
	return 0;
}

int memacct_usage_get_source(const struct memacct_usage *u, uint32_t key, uint32_t *ret)
{
	int r;

	assert_return(ret, -EINVAL);
	r = check_key(u, key);
	if (r < 0)
		return r;
	*ret = u->from[key];
	return 0;
}

int memacct_usage_get_status(const struct memacct_usage *u, const struct memacct_status **ret)
{
	assert_return(u && ret, -EINVAL);
	if (!u->have_status)
		return -ENOENT;
	*ret = u->st;
	return 0;
}

int memacct_usage_get_rollup(const struct memacct_usage *u, const struct memacct_vmas **ret)
{
	assert_return(u && ret, -EINVAL);
	if (!u->have_rollup)
		return -ENOENT;
	*ret = u->vmas;
	return 0;
}

int memacct_usage_is_kernel_thread(const struct memacct_usage *u)
{
	assert_return(u, -EINVAL);
	return u->kthread;
}
