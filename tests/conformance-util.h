/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The peers' conformance corpus (../shared/conformance), read in place:
 * <root>/<peer>/<case>/ with proc/ files and an expected.tsv. Without the
 * corpus a test is skipped (exit 77).
 */
#ifndef MEMACCT_CONFORMANCE_UTIL_H
#define MEMACCT_CONFORMANCE_UTIL_H

#include <dirent.h>
#include <sys/stat.h>

#include "test-util.h"

/* One case: the test's name first ("peer/case"), then its directory. */
struct conf_case {
	char name[512];
	char dir[8192];
};

/* $MEMACCT_CONFORMANCE_DIR, else the corpus the build was configured with. */
static inline const char *conf_root(void)
{
	const char *e = getenv("MEMACCT_CONFORMANCE_DIR");

	return e && *e ? e : MEMACCT_CONFORMANCE;
}

static inline int conf_is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Give every <peer>/<case> entry of the corpus to @take: its name "peer/case"
 * and its path. 0, or 77 (after a SKIP line) when there is no corpus.
 */
static inline int conf_walk(void (*take)(const char *name, const char *dir, void *userdata),
			    void *userdata)
{
	char path[4096], dir[8192], name[512];
	struct dirent *pe, *ce;
	DIR *pd, *cd;

	pd = opendir(conf_root());
	if (!pd) {
		printf("# SKIP: no conformance corpus at %s\n", conf_root());
		return 77;
	}
	while ((pe = readdir(pd))) {
		if (pe->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", conf_root(), pe->d_name);
		cd = opendir(path);
		if (!cd)
			continue;
		while ((ce = readdir(cd))) {
			if (ce->d_name[0] == '.')
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", path, ce->d_name);
			snprintf(name, sizeof(name), "%s/%s", pe->d_name, ce->d_name);
			take(name, dir, userdata);
		}
		closedir(cd);
	}
	closedir(pd);
	return 0;
}

/* A growing array of cases. */
struct conf_cases {
	struct conf_case *v;
	size_t n, cap;
};

static inline void conf_cases_add(struct conf_cases *cs, const char *name, const char *dir)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 32;
		cs->v = realloc(cs->v, cs->cap * sizeof(*cs->v));
		assert_non_null(cs->v);
	}
	snprintf(cs->v[cs->n].name, sizeof(cs->v[cs->n].name), "%s", name);
	snprintf(cs->v[cs->n].dir, sizeof(cs->v[cs->n].dir), "%s", dir);
	cs->n++;
}

/*
 * Run @fn as cmocka group @group once per state: @n states of @size bytes
 * from @states, each beginning with its test's name. No state: skipped (77),
 * "no @what case".
 */
static inline int conf_run(const char *group, const char *what, void (*fn)(void **state),
			   void *states, size_t n, size_t size)
{
	struct CMUnitTest *tests;
	int r;

	if (n == 0) {
		printf("# SKIP: no %s case under %s\n", what, conf_root());
		return 77;
	}
	tests = calloc(n, sizeof(*tests));
	assert_non_null(tests);
	for (size_t i = 0; i < n; i++) {
		tests[i].initial_state = (char *)states + i * size;
		tests[i].name = tests[i].initial_state;
		tests[i].test_func = fn;
	}
	r = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	return r;
}

/* The whole test: walk the corpus, keep the cases @take adds, run @fn on each. */
static inline int conf_main(const char *group, const char *what,
			    void (*take)(const char *name, const char *dir, void *userdata),
			    void (*fn)(void **state))
{
	struct conf_cases cases = { 0 };
	int r;

	r = conf_walk(take, &cases);
	if (r == 0)
		r = conf_run(group, what, fn, cases.v, cases.n, sizeof(*cases.v));
	free(cases.v);
	return r;
}

#endif
