/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "scan.h"

/*
 * mm/hugetlb.c hugetlb_sysfs_add_hstate and the *_show() functions: one
 * directory "hugepages-<size>kB" per hstate under /sys/kernel/mm/hugepages,
 * each file one "%lu\n" of that hstate's counters.
 */
#define HUGEPAGES_DIR "kernel/mm/hugepages"
#define NFILES 5

static const char *const files[NFILES] = {
	"nr_hugepages",			/* MEMACCT_HUGEPAGES_NR: h->nr_huge_pages */
	"free_hugepages",		/* h->free_huge_pages */
	"resv_hugepages",		/* h->resv_huge_pages */
	"surplus_hugepages",		/* h->surplus_huge_pages */
	"nr_overcommit_hugepages",	/* h->nr_overcommit_huge_pages */
};

struct pool {
	uint64_t size;
	uint64_t v[NFILES];
	uint32_t has;	/* bit i: files[i] was present */
};

struct memacct_hugepages {
	struct pool *p;
	size_t n, cap;
	uint64_t dents[512];	/* the directory listing's buffer */
};

int memacct_hugepages_new(struct memacct_hugepages **ret)
{
	struct memacct_hugepages *hp;

	assert_return(ret, -EINVAL);
	hp = calloc(1, sizeof(*hp));
	if (!hp)
		return -ENOMEM;
	*ret = hp;
	return 0;
}

struct memacct_hugepages *memacct_hugepages_free(struct memacct_hugepages *hp)
{
	if (hp) {
		free(hp->p);
		free(hp);
	}
	return NULL;
}

/* "hugepages-<N>kB" -> N * 1024. @return 0, 1 for a name that is no pool, -errno. */
static int pool_size(const char *name, uint64_t *ret)
{
	const char *p = name + 10, *end = name + strlen(name);
	uint64_t kb;
	int r;

	if (strncmp(name, "hugepages-", 10))
		return 1;
	r = scan_u64(&p, end, &kb);
	if (r < 0)
		return r;
	if (end - p != 2 || p[0] != 'k' || p[1] != 'B' || kb == 0)
		return -EBADMSG;
	return scan_mul(kb, 1024, ret);
}

/* One counter file: "%lu\n". @return 0, 1 when absent, or -errno with *@msg. */
static int read_counter(int dirfd, const char *path, uint64_t *ret, const char **msg)
{
	char buf[64];
	const char *p = buf, *end;
	ssize_t n;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		*msg = "cannot open a pool file";
		return -errno;
	}
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0) {
		*msg = "cannot read a pool file";
		return r;
	}
	end = buf + n;
	if (n > 0 && end[-1] == '\n')
		end--;
	if (n == (ssize_t)sizeof(buf)) {
		*msg = "pool file longer than a number";
		return -EBADMSG;
	}
	r = scan_u64(&p, end, ret);
	if (r == -EOVERFLOW) {
		*msg = "number does not fit in 64 bits";
		return r;
	}
	if (r < 0 || p != end) {
		*msg = "pool file is not a decimal number";
		return -EBADMSG;
	}
	return 0;
}

static int add_pool(struct memacct_hugepages *hp, struct pool **ret)
{
	if (hp->n == hp->cap) {
		size_t cap = hp->cap ? hp->cap * 2 : 4;
		struct pool *p = realloc(hp->p, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		hp->p = p;
		hp->cap = cap;
	}
	*ret = &hp->p[hp->n++];
	memset(*ret, 0, sizeof(**ret));
	return 0;
}

struct walk {
	struct memacct_hugepages *hp;
	int dirfd;
	struct memacct_diag *diag;
	bool failed;	/* an entry failed, and said why in diag */
};

/* One entry of the hugepages directory: a pool, or a name to pass over. */
static int pool_entry(struct walk *w, const char *name)
{
	char path[NAME_MAX + 32];
	const char *msg = NULL;
	struct pool *pool;
	uint64_t size;
	int r;

	r = pool_size(name, &size);
	if (r == 1)
		return 0;
	if (r < 0) {
		diag_set(w->diag, r, 0, 0, name, strlen(name),
			 r == -EOVERFLOW ? "pool size does not fit in 64 bits" :
			 "pool directory name is not hugepages-<N>kB");
		return r;
	}
	r = add_pool(w->hp, &pool);
	if (r < 0) {
		diag_set(w->diag, r, 0, 0, NULL, 0, "out of memory");
		return r;
	}
	pool->size = size;
	for (size_t i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", name, files[i]);
		r = read_counter(w->dirfd, path, &pool->v[i], &msg);
		if (r < 0) {
			diag_set(w->diag, r, 0, 0, path, strlen(path), msg);
			return r;
		}
		if (r == 0)
			pool->has |= 1u << i;
	}
	return 0;
}

static int take_pool(const char *name, void *userdata)
{
	struct walk *w = userdata;
	int r = pool_entry(w, name);

	w->failed = r < 0;
	return r;
}

int memacct_hugepages_read(struct memacct_hugepages *hp, struct memacct_source *src,
			   struct memacct_diag *diag)
{
	struct walk w = { .hp = hp, .diag = diag };
	int r;

	assert_return(hp && src, -EINVAL);
	hp->n = 0;
	w.dirfd = source_openat_sys(src, HUGEPAGES_DIR, O_RDONLY | O_DIRECTORY);
	if (w.dirfd == -ENOENT || w.dirfd == -ENOTDIR) {
		diag_set(diag, -ENOENT, 0, 0, HUGEPAGES_DIR, strlen(HUGEPAGES_DIR),
			 source_has_sys(src) ?
			 "no hugepages directory in sysfs: the kernel has no hugetlb support" :
			 "no sys tree beside the root (a capture without sysfs)");
		return -ENOENT;
	}
	if (w.dirfd < 0) {
		diag_set(diag, w.dirfd, 0, 0, HUGEPAGES_DIR, strlen(HUGEPAGES_DIR),
			 "cannot open the hugepages directory");
		return w.dirfd;
	}
	r = dir_foreach(w.dirfd, hp->dents, sizeof(hp->dents), take_pool, &w);
	close(w.dirfd);
	if (r < 0) {
		if (!w.failed)
			diag_set(diag, r, 0, 0, HUGEPAGES_DIR, strlen(HUGEPAGES_DIR),
				 "cannot list the hugepages directory");
		hp->n = 0;
		return r;
	}
	/* Directory order is the filesystem's: sort by size (a handful of pools). */
	for (size_t i = 1; i < hp->n; i++) {
		struct pool t = hp->p[i];
		size_t j = i;

		for (; j > 0 && hp->p[j - 1].size > t.size; j--)
			hp->p[j] = hp->p[j - 1];
		hp->p[j] = t;
	}
	return 0;
}

int memacct_hugepages_count(const struct memacct_hugepages *hp)
{
	assert_return(hp, -EINVAL);
	return (int)hp->n;
}

int memacct_hugepages_get(const struct memacct_hugepages *hp, size_t i, uint32_t key,
			  uint64_t *ret)
{
	const struct pool *p;

	assert_return(hp && ret, -EINVAL);
	if (key == 0 || key > MEMACCT_HUGEPAGES_NR_OVERCOMMIT)
		return -EOPNOTSUPP;
	if (i >= hp->n)
		return -ERANGE;
	p = &hp->p[i];
	if (key == MEMACCT_HUGEPAGES_SIZE) {
		*ret = p->size;
		return 0;
	}
	if (!(p->has & (1u << (key - MEMACCT_HUGEPAGES_NR))))
		return -ENOENT;
	*ret = p->v[key - MEMACCT_HUGEPAGES_NR];
	return 0;
}
