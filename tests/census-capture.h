/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef MEMACCT_TEST_CENSUS_CAPTURE_H
#define MEMACCT_TEST_CENSUS_CAPTURE_H

/*
 * Constructed kpage* captures for the census tests: runs of pages with
 * given flags, kpagecount and memcg inode, written with the sparse writer
 * into ROOT/proc beside a ROOT/MANIFEST that gives the page size.
 */

#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memacct/memacct.h>

#include "test-util.h"

#define KPF(k) (UINT64_C(1) << MEMACCT_KPF_##k)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* @n pages from @pfn with the same flags, kpagecount and memcg inode. */
struct crun {
	uint64_t pfn, n, flags, count, cg;
};

struct capture {
	char dir[64];
	char proc[96];
};

static inline void capture_make(struct capture *c, uint64_t ps)
{
	char path[160];
	FILE *f;

	snprintf(c->dir, sizeof(c->dir), "/tmp/memacct-test-census-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->proc, sizeof(c->proc), "%s/proc", c->dir);
	assert_int_equal(mkdir(c->proc, 0755), 0);
	if (ps) {
		snprintf(path, sizeof(path), "%s/MANIFEST", c->dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "page_size: %llu\ncpus: 1\n", (unsigned long long)ps);
		assert_int_equal(fclose(f), 0);
	}
}

/* A text file under ROOT/proc. */
static inline void capture_text(const struct capture *c, const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", c->proc, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Field of a run: 0 flags, 1 kpagecount, 2 kpagecgroup. */
static inline uint64_t crun_field(const struct crun *r, int field)
{
	return field == 0 ? r->flags : field == 1 ? r->count : r->cg;
}

/*
 * Write one kpage* file of @runs (ascending, not overlapping) as a sparse
 * capture; @end is its "end" line, UINT64_MAX for none.
 */
static inline void capture_kpage(const struct capture *c, const char *name, const struct crun *runs,
				 size_t nr, int field, uint64_t end)
{
	struct memacct_sparse_writer *w = NULL;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->proc, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, end, &w), 0);
	for (size_t i = 0; i < nr; i++) {
		uint64_t *v = xmalloc(runs[i].n * sizeof(*v));

		for (uint64_t j = 0; j < runs[i].n; j++)
			v[j] = crun_field(&runs[i], field);
		assert_int_equal(memacct_sparse_writer_add(w, runs[i].pfn, v, runs[i].n), 0);
		free(v);
	}
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	assert_int_equal(close(fd), 0);
}

/* kpageflags, kpagecount and kpagecgroup of @runs. */
static inline void capture_runs(const struct capture *c, const struct crun *runs, size_t nr,
				uint64_t end)
{
	capture_kpage(c, "kpageflags", runs, nr, 0, end);
	capture_kpage(c, "kpagecount", runs, nr, 1, end);
	capture_kpage(c, "kpagecgroup", runs, nr, 2, end);
}

static inline void capture_remove(const struct capture *c)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	assert_int_equal(system(cmd), 0);
}

static inline struct memacct_source *capture_source(const struct capture *c)
{
	struct memacct_source *src = NULL;

	assert_int_equal(memacct_source_new(c->proc, NULL, &src), 0);
	return src;
}

#endif
