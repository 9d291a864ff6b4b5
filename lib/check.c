/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "check-internal.h"
#include "opts.h"

/*
 * The identity engine: runs the catalog over a snapshot. A run allocates
 * nothing: each result is built in the run's own scratch space (on the
 * stack), handed to the callback, and forgotten.
 */

/* mm/vmstat.c calculate_normal_threshold(): "threshold = min(125, threshold)". */
#define KERNEL_MAX_THRESHOLD 125
#define ASSUMED_PAGE_SIZE 4096

static const struct {
	const struct check_def *defs;
	const size_t *n;
	bool process;	/* the identities of one process: results carry its pid */
} groups[] = {
	{ check_meminfo_defs, &check_meminfo_ndefs, false },
	{ check_process_defs, &check_process_ndefs, true },
	{ check_pagemap_defs, &check_pagemap_ndefs, true },
	{ check_census_defs, &check_census_ndefs, false },
	{ check_system_defs, &check_system_ndefs, false },
	{ check_kernel_defs, &check_kernel_ndefs, false },
	{ check_vmalloc_defs, &check_vmalloc_ndefs, false },
};

struct check_run {
	const struct memacct_snapshot *snap;
	const struct check_def *def;
	uint64_t flags;
	uint64_t tol_bytes;
	uint32_t tol_ppm;
	uint64_t threshold;
	const char *threshold_src;
	struct memacct_check_result res;
	char relation[320];
	char tol_src[384];
	char reason[1536];
	size_t reason_len;
	char caveat[512];
	char missing[256];
};

static size_t catalog_size(void)
{
	size_t n = 0;

	for (size_t g = 0; g < ARRAY_SIZE(groups); g++)
		n += *groups[g].n;
	return n;
}

static const struct check_def *catalog_at(size_t i, bool *process)
{
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		if (i < *groups[g].n) {
			if (process)
				*process = groups[g].process;
			return &groups[g].defs[i];
		}
		i -= *groups[g].n;
	}
	return NULL;
}

int memacct_check_count(void)
{
	return (int)catalog_size();
}

int memacct_check_at(size_t i, const struct memacct_check_info **ret)
{
	const struct check_def *d;

	assert_return(ret, -EINVAL);
	d = catalog_at(i, NULL);
	if (!d)
		return -ERANGE;
	*ret = &d->info;
	return 0;
}

int memacct_check_kind_name(uint32_t kind, const char **ret)
{
	static const char *const names[] = { NULL, "exact", "bound", "approx" };

	assert_return(ret, -EINVAL);
	if (kind == 0 || kind >= ARRAY_SIZE(names))
		return -EOPNOTSUPP;
	*ret = names[kind];
	return 0;
}

int memacct_check_status_name(uint32_t status, const char **ret)
{
	static const char *const names[] = { NULL, "holds", "caveat", "violated", "skipped" };

	assert_return(ret, -EINVAL);
	if (status == 0 || status >= ARRAY_SIZE(names))
		return -EOPNOTSUPP;
	*ret = names[status];
	return 0;
}

/* --- formatting ------------------------------------------------------- */

const char *check_fmt_bytes(char *buf, size_t sz, uint64_t v)
{
	if (v % 1024 == 0)
		snprintf(buf, sz, "%" PRIu64 " kB", v / 1024);
	else
		snprintf(buf, sz, "%" PRIu64 " B", v);
	return buf;
}

const char *check_fmt_sbytes(char *buf, size_t sz, int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	buf[0] = v < 0 ? '-' : '+';
	check_fmt_bytes(buf + 1, sz - 1, m);
	return buf;
}

/* A value of @part: bytes ("N kB") or, for a count relation, a plain count. */
static const char *fmt_val(char *buf, size_t sz, const struct check_part *part, uint64_t v)
{
	if (part->unit) {
		snprintf(buf, sz, "%" PRIu64, v);
		return buf;
	}
	return check_fmt_bytes(buf, sz, v);
}

static void vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vappend(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
	int n;

	if (*len >= cap - 1)
		return;
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	if (n < 0)
		return;
	*len = (size_t)n >= cap - *len ? cap - 1 : *len + (size_t)n;
}

void check_reason_add(struct check_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(r->reason, sizeof(r->reason), &r->reason_len, fmt, ap);
	va_end(ap);
}

/* Add @name to the ", "-separated list @list (capacity @cap) unless it is there. */
static void list_add(char *list, size_t cap, const char *name)
{
	size_t len = strlen(list), n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
			return;
		p += n;
	}
	if (len + (len ? 2 : 0) + n + 1 > cap)
		return;
	if (len) {
		memcpy(list + len, ", ", 2);
		len += 2;
	}
	memcpy(list + len, name, n + 1);
}

/* --- inputs ------------------------------------------------------------ */

void check_missing(struct check_run *r, struct check_part *part, const char *name)
{
	/* Without a part the caller only probes an optional input. */
	if (part)
		list_add(part->miss, sizeof(part->miss), name);
}

bool check_mi(struct check_run *r, struct check_part *part, uint32_t key, uint64_t *v)
{
	const char *name = "?";

	*v = 0;
	if (!r->snap->mi) {
		check_missing(r, part, "meminfo");
		return false;
	}
	if (memacct_meminfo_get(r->snap->mi, key, v) == 0)
		return true;
	*v = 0;
	memacct_meminfo_key_name(key, &name);
	check_missing(r, part, name);
	return false;
}

bool check_vs(struct check_run *r, struct check_part *part, const char *name, uint64_t *v)
{
	char buf[64];

	*v = 0;
	if (!r->snap->vs) {
		check_missing(r, part, "vmstat");
		return false;
	}
	if (memacct_vmstat_get_by_name(r->snap->vs, name, v) == 0)
		return true;
	*v = 0;
	snprintf(buf, sizeof(buf), "vmstat:%s", name);
	check_missing(r, part, buf);
	return false;
}

bool check_bi_free_pages(struct check_run *r, struct check_part *part, uint64_t *v)
{
	int k;

	*v = 0;
	if (!r->snap->bi) {
		check_missing(r, part, "buddyinfo");
		return false;
	}
	k = memacct_buddyinfo_get_free_pages(r->snap->bi, v);
	if (k == 0)
		return true;
	*v = 0;
	check_missing(r, part, k == -EOVERFLOW ? "buddyinfo (free pages overflow 64 bits)" :
		    "buddyinfo (no zone)");
	return false;
}

uint64_t check_page_size(const struct check_run *r)
{
	return r->snap->page_size ? r->snap->page_size : ASSUMED_PAGE_SIZE;
}

bool check_page_size_known(const struct check_run *r)
{
	return r->snap->page_size != 0;
}

bool check_has_meminfo(const struct check_run *r)
{
	return r->snap->mi != NULL;
}

bool check_live(const struct check_run *r)
{
	return r->snap->live == 1;
}

const struct memacct_snapshot *check_snap(const struct check_run *r)
{
	return r->snap;
}

const struct memacct_check_result *check_result(const struct check_run *r)
{
	return &r->res;
}

/* --- judging ----------------------------------------------------------- */

/* @ppm parts per million of @v, rounded down, saturating. */
static uint64_t ppm_of(uint64_t v, uint32_t ppm)
{
	return sat_add(sat_mul(v / 1000000, ppm), (v % 1000000) * ppm / 1000000);
}

/* The tolerance of @p in its own unit; its origin goes to @src when non-NULL. */
static uint64_t part_tolerance(const struct check_run *r, const struct check_part *p,
			       char *src, size_t sz)
{
	const struct memacct_snapshot *s = r->snap;
	uint64_t tol = 0, larger = p->lhs > p->rhs ? p->lhs : p->rhs;
	size_t len = 0;

	if (r->flags & (MEMACCT_CHECK_OPT_TOLERANCE_BYTES | MEMACCT_CHECK_OPT_TOLERANCE_PPM)) {
		uint64_t b = 0, q = 0;

		if (r->flags & MEMACCT_CHECK_OPT_TOLERANCE_BYTES)
			b = p->unit ? r->tol_bytes / p->unit : r->tol_bytes;
		if (r->flags & MEMACCT_CHECK_OPT_TOLERANCE_PPM)
			q = ppm_of(larger, r->tol_ppm);
		tol = b > q ? b : q;
		if (!src)
			return tol;
		if ((r->flags & MEMACCT_CHECK_OPT_TOLERANCE_BYTES) &&
		    (r->flags & MEMACCT_CHECK_OPT_TOLERANCE_PPM))
			snprintf(src, sz, "caller's tolerance: the larger of %" PRIu64 " B and %" PRIu32
				 " ppm of the larger side", r->tol_bytes, r->tol_ppm);
		else if (r->flags & MEMACCT_CHECK_OPT_TOLERANCE_BYTES)
			snprintf(src, sz, "caller's tolerance: %" PRIu64 " B", r->tol_bytes);
		else
			snprintf(src, sz, "caller's tolerance: %" PRIu32 " ppm of the larger side",
				 r->tol_ppm);
		if (p->unit && (r->flags & MEMACCT_CHECK_OPT_TOLERANCE_BYTES)) {
			len = strlen(src);
			snprintf(src + len, sz - len, ", in huge pages of %" PRIu64 " B", p->unit);
		}
		return tol;
	}

	if (p->slack) {
		if (src)
			snprintf(src, sz, "%s", p->slack_text ? p->slack_text : "truncation");
		return p->slack;
	}
	if (r->def->info.kind == MEMACCT_CHECK_EXACT) {
		if (src)
			snprintf(src, sz, "0: exact, both sides come from the same values in one "
				 "print of the file");
		return 0;
	}
	if (p->counters == 0) {
		if (src)
			snprintf(src, sz, "0: no per-CPU vmstat counter is involved");
		return 0;
	}

	tol = sat_mul(sat_mul(sat_mul(p->counters, s->ncpus ? s->ncpus : 1), r->threshold),
		      check_page_size(r));
	if (!src)
		return tol;
	snprintf(src, sz, "per-CPU drift: %" PRIu32 " counter%s x %" PRIu64 " CPU%s%s x %"
		 PRIu64 " pages (%s) x %" PRIu64 " B pages%s",
		 p->counters, p->counters == 1 ? "" : "s",
		 s->ncpus ? s->ncpus : 1, s->ncpus == 1 || !s->ncpus ? "" : "s",
		 s->ncpus ? "" : " (assumed: CPU count unknown)", r->threshold, r->threshold_src,
		 check_page_size(r), s->page_size ? "" : " (assumed: page size unknown)");
	if (s->folded == 1) {
		len = strlen(src);
		snprintf(src + len, sz - len, "; the per-CPU deltas were folded before the read");
	}
	return tol;
}

void check_judge(const struct check_run *r, struct check_part *p)
{
	uint64_t d;
	bool over;	/* the side that must not be larger is larger */

	p->tolerance = part_tolerance(r, p, NULL, 0);
	if (p->lhs >= p->rhs) {
		d = p->lhs - p->rhs;
		p->residual = d > INT64_MAX ? INT64_MAX : (int64_t)d;
		over = p->cmp != CMP_GE;
	} else {
		d = p->rhs - p->lhs;
		p->residual = d > INT64_MAX ? INT64_MIN : -(int64_t)d;
		over = p->cmp != CMP_LE;
	}
	if (d == 0)
		over = false;
	if (!over)
		p->margin = (double)p->tolerance + (p->cmp == CMP_EQ ? -(double)d : (double)d);
	else
		p->margin = (double)p->tolerance - (double)d;
	if (p->unit)
		p->margin *= (double)p->unit;
	p->status = over && d > p->tolerance ? MEMACCT_CHECK_VIOLATED : MEMACCT_CHECK_HOLDS;
}

static const char *cmp_text(uint8_t cmp)
{
	return cmp == CMP_EQ ? "=" : cmp == CMP_LE ? "<=" : ">=";
}

/* The reason's first clause for a judged part. */
static void reason_part(struct check_run *r, const struct check_part *p)
{
	char l[48], rr[48], dd[48], t[48];
	uint64_t d = p->lhs > p->rhs ? p->lhs - p->rhs : p->rhs - p->lhs;
	bool within = p->status == MEMACCT_CHECK_HOLDS;

	fmt_val(l, sizeof(l), p, p->lhs);
	fmt_val(rr, sizeof(rr), p, p->rhs);
	fmt_val(dd, sizeof(dd), p, d);
	fmt_val(t, sizeof(t), p, p->tolerance);
	if (d == 0) {
		check_reason_add(r, "%s = %s = %s", p->lhs_text, p->rhs_text, l);
		return;
	}
	if ((p->cmp == CMP_LE && p->lhs < p->rhs) || (p->cmp == CMP_GE && p->lhs > p->rhs)) {
		check_reason_add(r, "%s (%s) %s %s (%s)", p->lhs_text, l, cmp_text(p->cmp), p->rhs_text,
			   rr);
		return;
	}
	check_reason_add(r, "%s (%s) is %s %s %s (%s), %s the tolerance of %s", p->lhs_text, l, dd,
		   p->lhs > p->rhs ? "above" : "below", p->rhs_text, rr,
		   within ? "within" : "more than", t);
}

bool check_part_worse(const struct check_part *a, const struct check_part *b)
{
	bool va = a->status == MEMACCT_CHECK_VIOLATED, vb = b->status == MEMACCT_CHECK_VIOLATED;

	return va > vb || (va == vb && a->margin < b->margin);
}

int check_parts(struct check_run *r, struct check_part *parts, size_t n, const char *hint)
{
	struct check_part *worst = NULL;
	size_t checked = 0, unchecked = 0;

	for (size_t i = 0; i < n; i++) {
		struct check_part *p = &parts[i];

		if (p->miss[0]) {
			unchecked++;
			continue;
		}
		check_judge(r, p);
		checked++;
		if (!worst || check_part_worse(p, worst))
			worst = p;
	}

	if (!worst) {
		for (size_t i = 0; i < n; i++) {
			char *tok = parts[i].miss, *next;

			/* Merge the parts' lists, each name once. */
			for (; tok && *tok; tok = next) {
				char name[160];
				size_t len;

				next = strstr(tok, ", ");
				len = next ? (size_t)(next - tok) : strlen(tok);
				if (len >= sizeof(name))
					len = sizeof(name) - 1;
				memcpy(name, tok, len);
				name[len] = '\0';
				list_add(r->missing, sizeof(r->missing), name);
				if (next)
					next += 2;
			}
		}
		r->res.status = MEMACCT_CHECK_SKIPPED;
		r->res.missing = r->missing;
		snprintf(r->tol_src, sizeof(r->tol_src), "none: not checked");
		check_reason_add(r, "skipped: %s %s absent, and an absent input is never read as zero",
			   r->missing, strchr(r->missing, ',') ? "are" : "is");
		return -1;
	}

	snprintf(r->relation, sizeof(r->relation), "%s %s %s", worst->lhs_text,
		 cmp_text(worst->cmp), worst->rhs_text);
	r->res.relation = r->relation;
	r->res.lhs = worst->lhs;
	r->res.rhs = worst->rhs;
	r->res.residual = worst->residual;
	r->res.tolerance = worst->tolerance;
	r->res.status = worst->status;
	r->res.unit = worst->unit ? MEMACCT_UNIT_COUNT : MEMACCT_UNIT_BYTES;
	part_tolerance(r, worst, r->tol_src, sizeof(r->tol_src));
	reason_part(r, worst);
	if (worst->status == MEMACCT_CHECK_VIOLATED && hint)
		check_reason_add(r, ": %s", hint);
	if (checked > 1)
		check_reason_add(r, " (the %s of %zu parts checked)",
			   worst->status == MEMACCT_CHECK_VIOLATED ? "worst" : "closest", checked);
	if (unchecked) {
		check_reason_add(r, "; not checked for lack of an input:");
		for (size_t i = 0, k = 0; i < n; i++)
			if (parts[i].miss[0])
				check_reason_add(r, "%s %s %s %s (%s absent)", k++ ? ";" : "",
					   parts[i].lhs_text, cmp_text(parts[i].cmp),
					   parts[i].rhs_text, parts[i].miss);
	}
	return (int)(worst - parts);
}

void check_caveat(struct check_run *r, const char *fmt, ...)
{
	size_t len = 0;
	va_list ap;

	va_start(ap, fmt);
	vappend(r->caveat, sizeof(r->caveat), &len, fmt, ap);
	va_end(ap);
	r->res.status = MEMACCT_CHECK_CAVEAT;
	r->res.caveat = r->caveat;
	check_reason_add(r, ", but %s", r->caveat);
}

/* --- the run ----------------------------------------------------------- */

static bool pattern_valid(const char *p)
{
	const char *star;
	size_t n;

	if (!p || !*p)
		return false;
	n = strlen(p);
	star = strchr(p, '*');
	return !star || (star == p + n - 1 && n >= 3 && p[n - 2] == '.');
}

static bool pattern_match(const char *p, const char *id)
{
	size_t n = strlen(p);

	if (p[n - 1] == '*')
		return !strncmp(id, p, n - 1);
	return !strcmp(id, p);
}

static bool list_match(const char *const *list, const char *id)
{
	for (; *list; list++)
		if (pattern_match(*list, id))
			return true;
	return false;
}

static int list_valid(const char *const *list)
{
	if (!list)
		return 0;
	for (; *list; list++)
		if (!pattern_valid(*list))
			return -EINVAL;
	return 0;
}

static void run_one(struct check_run *r, const struct check_def *d, bool process)
{
	r->def = d;
	memset(&r->res, 0, sizeof(r->res));
	r->relation[0] = r->tol_src[0] = r->reason[0] = r->caveat[0] = r->missing[0] = '\0';
	r->reason_len = 0;
	r->res.sz = sizeof(r->res);
	r->res.unit = MEMACCT_UNIT_BYTES;
	r->res.id = d->info.id;
	r->res.kind = d->info.kind;
	r->res.relation = d->info.relation;
	r->res.source = d->info.source;
	r->res.pid = process ? r->snap->pid : 0;
	d->run(r);
	r->res.tolerance_source = r->tol_src;
	check_reason_add(r, ".");
	r->res.reason = r->reason;
}

int memacct_check_run(const struct memacct_snapshot *snap, const struct memacct_check_opts *opts,
		      memacct_check_fn fn, void *userdata)
{
	const char *const *only, *const *skip;
	struct check_run r = { .snap = snap };
	uint64_t known_flags = MEMACCT_CHECK_OPT_TOLERANCE_BYTES | MEMACCT_CHECK_OPT_TOLERANCE_PPM;
	int violated = 0, k;

	assert_return(snap, -EINVAL);
	k = opts_check(opts, sizeof(struct memacct_check_opts));
	if (k < 0)
		return k;
	r.flags = OPTS_GET(opts, flags, 0);
	r.tol_bytes = OPTS_GET(opts, tolerance_bytes, 0);
	r.tol_ppm = OPTS_GET(opts, tolerance_ppm, 0);
	only = OPTS_GET(opts, only, NULL);
	skip = OPTS_GET(opts, skip, NULL);
	assert_return(!(r.flags & ~known_flags), -EINVAL);
	assert_return(OPTS_GET(opts, _reserved, 0) == 0, -EINVAL);
	assert_return(list_valid(only) == 0 && list_valid(skip) == 0, -EINVAL);

	r.threshold = KERNEL_MAX_THRESHOLD;
	r.threshold_src = "the kernel's ceiling: no zoneinfo";
	if (snap->zi) {
		if (memacct_zoneinfo_get_max_threshold(snap->zi, &r.threshold) == 0)
			r.threshold_src = "the highest vm stats threshold in zoneinfo";
		else
			r.threshold_src = "the kernel's ceiling: zoneinfo printed no threshold";
	}

	for (size_t i = 0, n = catalog_size(); i < n; i++) {
		bool process = false;
		const struct check_def *d = catalog_at(i, &process);

		if ((only && !list_match(only, d->info.id)) || (skip && list_match(skip, d->info.id)))
			continue;
		run_one(&r, d, process);
		if (r.res.status == MEMACCT_CHECK_VIOLATED && violated < INT32_MAX)
			violated++;
		if (fn) {
			k = fn(&r.res, userdata);
			if (k < 0)
				return k;
		}
	}
	return violated;
}
