/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A field of a library-allocated record that grows at the end: read it only below ->sz. */
#define HAS(r, field) ((r)->sz >= offsetof(struct memacct_check_result, field) + sizeof((r)->field))

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static int collect(const struct memacct_check_result *r, void *userdata)
{
	struct results *res = userdata;
	struct result *o, *v;
	bool oom = false;

	if (res->n == res->cap) {
		size_t cap = res->cap ? 2 * res->cap : 32;

		v = realloc(res->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		res->v = v;
		res->cap = cap;
	}
	o = &res->v[res->n];
	memset(o, 0, sizeof(*o));
	if (!HAS(r, status) || !r->id)
		return -EINVAL;
	o->id = dup_or_null(r->id, &oom);
	o->kind = r->kind;
	o->status = r->status;
	if (HAS(r, tolerance)) {
		o->residual = r->residual;
		o->lhs = r->lhs;
		o->rhs = r->rhs;
		o->tolerance = r->tolerance;
	}
	o->unit = HAS(r, unit) && r->unit == MEMACCT_UNIT_COUNT ? MEMACCT_UNIT_COUNT
								 : MEMACCT_UNIT_BYTES;
	if (HAS(r, relation))
		o->relation = dup_or_null(r->relation, &oom);
	if (HAS(r, tolerance_source))
		o->tolerance_source = dup_or_null(r->tolerance_source, &oom);
	if (HAS(r, reason))
		o->reason = dup_or_null(r->reason, &oom);
	if (HAS(r, caveat))
		o->caveat = dup_or_null(r->caveat, &oom);
	if (HAS(r, missing))
		o->missing = dup_or_null(r->missing, &oom);
	if (HAS(r, source))
		o->source = dup_or_null(r->source, &oom);
	if (HAS(r, pid))
		o->pid = r->pid;
	res->n++;
	if (oom)
		return -ENOMEM;
	if (o->status < ARRAY_SIZE(res->by_status))
		res->by_status[o->status]++;
	return 0;
}

const char *const results_process_groups[] = {
	"status.*", "smaps.*", "smaps_rollup.*", "proc.*", "pagemap.*",
	"pages.pss_from_mapcount", "pages.uss_from_mapcount", NULL,
};

const char *const results_system_groups[] = { "meminfo.*", NULL };

const char *const results_pages_groups[] = { "pagemap.*", "pages.*", NULL };

/* What a run without options leaves out: the per-process, page-table and all-process ones. */
static const char *const default_skip[] = {
	"status.*", "smaps.*", "smaps_rollup.*", "proc.*", "pagemap.*", "pages.*", "system.*", NULL,
};

int results_append(struct results *res, const struct memacct_snapshot *snap,
		   const struct memacct_check_opts *opts)
{
	/* Without options only the system identities: the per-process ones need --pid. */
	struct memacct_check_opts sys = { .sz = sizeof(sys), .skip = default_skip };
	int r;

	r = memacct_check_run(snap, opts ? opts : &sys, collect, res);
	if (r < 0) {
		cli_err("the identity check failed: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	if (res->violated <= INT32_MAX - r)
		res->violated += r;
	return EXIT_OK;
}

int results_run(struct results *res, const struct memacct_snapshot *snap,
		const struct memacct_check_opts *opts)
{
	memset(res, 0, sizeof(*res));
	return results_append(res, snap, opts);
}

const char *results_kind_name(uint32_t kind)
{
	const char *s;

	return memacct_check_kind_name(kind, &s) < 0 ? "unknown" : s;
}

const char *results_status_name(uint32_t status)
{
	const char *s;

	return memacct_check_status_name(status, &s) < 0 ? "unknown" : s;
}

/*
 * "identities: 14 hold, 1 caveat, 1 violated (meminfo.free_vs_buddyinfo), 2 skipped"
 * The violated ids are listed while the line fits @width columns (0: always).
 */
void results_summary_line(const struct results *res, FILE *f, size_t width)
{
	unsigned holds = res->by_status[MEMACCT_CHECK_HOLDS];
	unsigned caveats = res->by_status[MEMACCT_CHECK_CAVEAT];
	unsigned violated = res->by_status[MEMACCT_CHECK_VIOLATED];
	unsigned skipped = res->by_status[MEMACCT_CHECK_SKIPPED];
	char head[128], tail[64];
	size_t i, len;

	snprintf(head, sizeof(head), "identities: %u hold%s, %u caveat%s, %u violated", holds,
		 holds == 1 ? "s" : "", caveats, caveats == 1 ? "" : "s", violated);
	snprintf(tail, sizeof(tail), ", %u skipped", skipped);
	len = strlen(head) + strlen(tail) + 1;
	for (i = 0; i < res->n; i++)
		if (res->v[i].status == MEMACCT_CHECK_VIOLATED)
			len += strlen(res->v[i].id) + 2;

	fputs(head, f);
	if (violated && width && len > width) {
		fputs(" (see 'memacct-cli check')", f);
	} else if (violated) {
		const char *sep = " (";

		for (i = 0; i < res->n; i++) {
			if (res->v[i].status != MEMACCT_CHECK_VIOLATED)
				continue;
			fprintf(f, "%s%s", sep, res->v[i].id);
			sep = ", ";
		}
		fputc(')', f);
	}
	fprintf(f, "%s\n", tail);
}

void results_free(struct results *res)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		struct result *o = &res->v[i];

		free(o->id);
		free(o->relation);
		free(o->tolerance_source);
		free(o->reason);
		free(o->caveat);
		free(o->missing);
		free(o->source);
	}
	free(res->v);
	memset(res, 0, sizeof(*res));
}
