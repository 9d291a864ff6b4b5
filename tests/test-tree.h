/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_TEST_TREE_H
#define MEMACCT_TEST_TREE_H

#include <ftw.h>
#include <sys/stat.h>

#include "test-util.h"

/*
 * A hand-made capture for one test: DIR/proc (the source's root) and files
 * anywhere under DIR, e.g. "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages".
 */
struct tree {
	char dir[64];
	char proc[80];
};

static inline void tree_make(struct tree *t, const char *name)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/memacct-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(t->dir));
	assert_true(snprintf(t->proc, sizeof(t->proc), "%s/proc", t->dir) < (int)sizeof(t->proc));
	assert_int_equal(mkdir(t->proc, 0755), 0);
}

/* A directory @rel under the tree, its parents included. */
static inline void tree_mkdir(const struct tree *t, const char *rel)
{
	char p[512];

	assert_true(snprintf(p, sizeof(p), "%s/%s", t->dir, rel) < (int)sizeof(p));
	for (char *s = p + strlen(t->dir) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* The file @rel with @text, its directories made. */
static inline void tree_put(const struct tree *t, const char *rel, const char *text)
{
	char p[512], d[512];
	char *slash;
	FILE *f;

	assert_true(snprintf(d, sizeof(d), "%s", rel) < (int)sizeof(d));
	slash = strrchr(d, '/');
	if (slash) {
		*slash = '\0';
		tree_mkdir(t, d);
	}
	assert_true(snprintf(p, sizeof(p), "%s/%s", t->dir, rel) < (int)sizeof(p));
	f = fopen(p, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static inline int tree_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void tree_remove(const struct tree *t)
{
	assert_int_equal(nftw(t->dir, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif
