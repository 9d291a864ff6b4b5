/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/*
 * Names for the memcg inodes of /proc/kpagecgroup. fs/proc/page.c
 * kpagecgroup_read reports page_cgroup_ino() (mm/memcontrol.c): the closest
 * online ancestor of the page's memcg, as cgroup_ino(memcg->css.cgroup),
 * the kernfs inode number of that cgroup's directory, which is what stat()
 * returns for the directory (kernfs sets i_ino from the node's id). On
 * cgroup v1 the memcg's directory is in the memory controller's hierarchy.
 * Checked on 6.18 (cgroup v1): every inode kpagecgroup reported was the
 * st_ino of a directory under /sys/fs/cgroup/memory, the root being 1.
 */

#define MAX_DEPTH 64

struct node {
	uint64_t ino;
	size_t path;	/* offset in names */
};

struct memacct_cgroups {
	struct node *nodes;	/* sorted by ino */
	size_t n, cap;
	char *names;
	size_t len, names_cap;
};

static int add(struct memacct_cgroups *cg, uint64_t ino, const char *path, size_t plen)
{
	if (cg->n == cg->cap) {
		size_t cap = cg->cap ? cg->cap * 2 : 64;
		struct node *p = realloc(cg->nodes, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		cg->nodes = p;
		cg->cap = cap;
	}
	if (cg->len + plen + 1 > cg->names_cap) {
		size_t cap = cg->names_cap ? cg->names_cap : 4096;
		char *p;

		while (cap < cg->len + plen + 1)
			cap *= 2;
		p = realloc(cg->names, cap);
		if (!p)
			return -ENOMEM;
		cg->names = p;
		cg->names_cap = cap;
	}
	memcpy(cg->names + cg->len, path, plen);
	cg->names[cg->len + plen] = '\0';
	cg->nodes[cg->n++] = (struct node){ .ino = ino, .path = cg->len };
	cg->len += plen + 1;
	return 0;
}

/*
 * Index the directories below @dfd (consumed) on device @dev, whose path
 * relative to the root is @path (@plen bytes, "" for the root, in a
 * PATH_MAX buffer).
 */
static int walk(struct memacct_cgroups *cg, int dfd, dev_t dev, char *path, size_t plen,
		int depth)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = fdopendir(dfd);
	if (!d) {
		r = -errno;
		close(dfd);
		return r;
	}
	while ((de = readdir(d))) {
		struct stat st;
		size_t nlen;
		int fd;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nlen = strlen(de->d_name);
		if (plen + 1 + nlen >= PATH_MAX)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;	/* gone, or not a directory */
		/* Another filesystem mounted below (v1 hierarchies under a tmpfs). */
		if (fstat(fd, &st) < 0 || st.st_dev != dev) {
			close(fd);
			continue;
		}
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nlen + 1);
		r = add(cg, (uint64_t)st.st_ino, path, plen + 1 + nlen);
		if (r == 0 && depth < MAX_DEPTH)
			r = walk(cg, fd, dev, path, plen + 1 + nlen, depth + 1);
		else
			close(fd);
		path[plen] = '\0';
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

static int cmp_node(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

int memacct_cgroups_new(const char *root, struct memacct_cgroups **ret)
{
	struct memacct_cgroups *cg;
	char path[PATH_MAX];
	struct stat st;
	int fd, r;

	assert_return(ret, -EINVAL);
	if (!root) {
		root = "/sys/fs/cgroup/memory";
		if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
			root = "/sys/fs/cgroup";
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	cg = calloc(1, sizeof(*cg));
	if (!cg) {
		close(fd);
		return -ENOMEM;
	}
	r = add(cg, (uint64_t)st.st_ino, "/", 1);
	if (r < 0) {
		close(fd);
		goto fail;
	}
	path[0] = '\0';
	r = walk(cg, fd, st.st_dev, path, 0, 0);
	if (r < 0)
		goto fail;
	qsort(cg->nodes, cg->n, sizeof(*cg->nodes), cmp_node);
	*ret = cg;
	return 0;
fail:
	memacct_cgroups_free(cg);
	return r;
}

struct memacct_cgroups *memacct_cgroups_free(struct memacct_cgroups *cg)
{
	if (!cg)
		return NULL;
	free(cg->nodes);
	free(cg->names);
	free(cg);
	return NULL;
}

int memacct_cgroups_path(const struct memacct_cgroups *cg, uint64_t ino, const char **ret)
{
	size_t lo = 0, hi;

	assert_return(cg && ret, -EINVAL);
	hi = cg->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cg->nodes[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == cg->n || cg->nodes[lo].ino != ino)
		return -ENOENT;
	*ret = cg->names + cg->nodes[lo].path;
	return 0;
}
