/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "scan.h"

/* drivers/base/node.c: /sys/devices/system/node/node<N>/meminfo. */
#define NODE_DIR "devices/system/node"

struct node {
	int id;
	struct memacct_meminfo *mi;	/* kept across reads, with its capacity */
};

struct memacct_nodes {
	struct node *v;
	size_t n, cap;
	uint64_t dents[512];	/* the directory listing's buffer */
};

int memacct_nodes_new(struct memacct_nodes **ret)
{
	struct memacct_nodes *nodes;

	assert_return(ret, -EINVAL);
	nodes = calloc(1, sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	*ret = nodes;
	return 0;
}

struct memacct_nodes *memacct_nodes_free(struct memacct_nodes *nodes)
{
	if (nodes) {
		for (size_t i = 0; i < nodes->cap; i++)
			memacct_meminfo_free(nodes->v[i].mi);
		free(nodes->v);
		free(nodes);
	}
	return NULL;
}

/* "node<N>" -> N. @return 0, or 1 for any other name. */
static int node_id(const char *name, int *ret)
{
	const char *p = name + 4, *end = name + strlen(name);
	uint64_t v;

	if (strncmp(name, "node", 4) || p == end || (unsigned char)(*p - '0') >= 10)
		return 1;
	if (scan_u64(&p, end, &v) < 0 || p != end || v > INT_MAX)
		return 1;
	*ret = (int)v;
	return 0;
}

/* The next slot, its meminfo handle made on first use. */
static int add_node(struct memacct_nodes *nodes, struct node **ret)
{
	struct node *nd;
	int r;

	if (nodes->n == nodes->cap) {
		size_t cap = nodes->cap ? nodes->cap * 2 : 4;
		struct node *v = realloc(nodes->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memset(v + nodes->cap, 0, (cap - nodes->cap) * sizeof(*v));
		nodes->v = v;
		nodes->cap = cap;
	}
	nd = &nodes->v[nodes->n];
	if (!nd->mi) {
		r = memacct_meminfo_new(&nd->mi);
		if (r < 0)
			return r;
	}
	nodes->n++;
	*ret = nd;
	return 0;
}

static int read_node(struct memacct_source *src, struct node *nd, const char *name,
		     struct memacct_diag *diag)
{
	char path[sizeof(NODE_DIR) + NAME_MAX + 16];
	const char *buf;
	size_t len;
	int node, r;

	snprintf(path, sizeof(path), NODE_DIR "/%s/meminfo", name);
	r = source_read_sys(src, path, &buf, &len);
	if (r < 0) {
		diag_set(diag, r, 0, 0, path, strlen(path), "cannot read a node's meminfo");
		return r;
	}
	r = memacct_meminfo_parse(nd->mi, buf, len, diag);
	if (r < 0)
		return r;
	r = memacct_meminfo_get_node(nd->mi, &node);
	if (r < 0 || node != nd->id) {
		diag_set(diag, -EBADMSG, 1, 1, path, strlen(path),
			 r < 0 ? "node meminfo without the \"Node N\" prefix" :
			 "the \"Node N\" of a node's meminfo differs from its directory's N");
		return -EBADMSG;
	}
	return 0;
}

struct walk {
	struct memacct_nodes *nodes;
	struct memacct_source *src;
	struct memacct_diag *diag;
	bool failed;	/* an entry failed, and said why in diag */
};

/* One entry of the node directory: a node, or a name to pass over. */
static int take_node(const char *name, void *userdata)
{
	struct walk *w = userdata;
	struct node *nd;
	int id, r;

	if (node_id(name, &id))
		return 0;
	r = add_node(w->nodes, &nd);
	if (r < 0) {
		diag_set(w->diag, r, 0, 0, NULL, 0, "out of memory");
		w->failed = true;
		return r;
	}
	nd->id = id;
	r = read_node(w->src, nd, name, w->diag);
	w->failed = r < 0;
	return r;
}

int memacct_nodes_read(struct memacct_nodes *nodes, struct memacct_source *src,
		       struct memacct_diag *diag)
{
	struct walk w = { .nodes = nodes, .src = src, .diag = diag };
	int fd, r;

	assert_return(nodes && src, -EINVAL);
	nodes->n = 0;
	fd = source_openat_sys(src, NODE_DIR, O_RDONLY | O_DIRECTORY);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		diag_set(diag, -ENOENT, 0, 0, NODE_DIR, strlen(NODE_DIR),
			 source_has_sys(src) ?
			 "no node directory in sysfs: the kernel was built without NUMA" :
			 "no sys tree beside the root (a capture without sysfs)");
		return -ENOENT;
	}
	if (fd < 0) {
		diag_set(diag, fd, 0, 0, NODE_DIR, strlen(NODE_DIR), "cannot open the node directory");
		return fd;
	}
	r = dir_foreach(fd, nodes->dents, sizeof(nodes->dents), take_node, &w);
	close(fd);
	if (r < 0) {
		if (!w.failed)
			diag_set(diag, r, 0, 0, NODE_DIR, strlen(NODE_DIR),
				 "cannot list the node directory");
		nodes->n = 0;
		return r;
	}
	/* Directory order is the filesystem's: sort by id, keeping every handle. */
	for (size_t i = 1; i < nodes->n; i++) {
		struct node t = nodes->v[i];
		size_t j = i;

		for (; j > 0 && nodes->v[j - 1].id > t.id; j--)
			nodes->v[j] = nodes->v[j - 1];
		nodes->v[j] = t;
	}
	return 0;
}

int memacct_nodes_count(const struct memacct_nodes *nodes)
{
	assert_return(nodes, -EINVAL);
	return (int)nodes->n;
}

int memacct_nodes_get_id(const struct memacct_nodes *nodes, size_t i, int *ret)
{
	assert_return(nodes && ret, -EINVAL);
	if (i >= nodes->n)
		return -ERANGE;
	*ret = nodes->v[i].id;
	return 0;
}

int memacct_nodes_get_meminfo(const struct memacct_nodes *nodes, size_t i,
			      const struct memacct_meminfo **ret)
{
	assert_return(nodes && ret, -EINVAL);
	if (i >= nodes->n)
		return -ERANGE;
	*ret = nodes->v[i].mi;
	return 0;
}
