/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "prom.h"

const struct skip_reason cli_skip_reasons[CLI_NSKIP_REASONS] = {
	{ MEMACCT_PROCS_VANISHED, "vanished", "vanished" },
	{ MEMACCT_PROCS_KERNEL_THREAD, "kernel_threads", "kernel_thread" },
	{ MEMACCT_PROCS_DENIED, "denied", "denied" },
	{ MEMACCT_PROCS_FAILED, "failed", "failed" },
};

uint64_t cli_skipped(const struct memacct_procs *p, uint32_t reason)
{
	int n = memacct_procs_count_skipped(p, reason);

	return n > 0 ? (uint64_t)n : 0;
}

void cli_json_skipped(struct json *j, const struct memacct_procs *p)
{
	json_key(j, "skipped");
	json_object_begin(j);
	for (size_t i = 0; i < CLI_NSKIP_REASONS; i++)
		json_kv_u64(j, cli_skip_reasons[i].json, cli_skipped(p, cli_skip_reasons[i].reason));
	json_object_end(j);
}

void cli_prom_scan(const char *prefix, const struct memacct_procs *p, uint64_t count,
		   const char *partial_help, const char *by)
{
	const char *const *bl = by ? (const char *const[]){ "by", by, NULL } : NULL;
	char partial[96], skipped[96];
	int npartial = memacct_procs_count_partial(p);

	snprintf(partial, sizeof(partial), "%s_partial", prefix);
	snprintf(skipped, sizeof(skipped), "%s_skipped", prefix);
	prom_family(stdout, prefix, "gauge", "Processes read by the scan, partial ones included.");
	prom_u64(stdout, prefix, bl, count);
	prom_family(stdout, partial, "gauge", partial_help);
	prom_u64(stdout, partial, bl, npartial > 0 ? (uint64_t)npartial : 0);
	prom_family(stdout, skipped, "gauge", "Processes the scan skipped, by reason.");
	for (size_t i = 0; i < CLI_NSKIP_REASONS; i++)
		prom_u64(stdout, skipped,
			 (const char *const[]){ "reason", cli_skip_reasons[i].label, by ? "by" : NULL,
						by, NULL },
			 cli_skipped(p, cli_skip_reasons[i].reason));
}

struct user_name {
	uint32_t uid;
	char name[64];
};

const char *user_names_get(struct user_names *u, uint32_t uid)
{
	struct user_name **v, *e;
	struct passwd pw, *res = NULL;
	char buf[4096];

	for (size_t i = 0; i < u->n; i++)
		if (u->v[i]->uid == uid)
			return u->v[i]->name;
	v = realloc(u->v, (u->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	u->v = v;
	e = malloc(sizeof(*e));
	if (!e)
		return NULL;
	u->v[u->n++] = e;
	e->uid = uid;
	/* A captured tree's uids are another machine's: this passwd would misname them. */
	if (u->live && getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res &&
	    strlen(res->pw_name) < sizeof(e->name))
		snprintf(e->name, sizeof(e->name), "%s", res->pw_name);
	else
		snprintf(e->name, sizeof(e->name), "%" PRIu32, uid);
	return e->name;
}

void user_names_free(struct user_names *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i]);
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

const char *cli_printable(char *buf, size_t width, const char *s)
{
	size_t i;

	if (!s)
		s = "-";
	for (i = 0; i < width && s[i]; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

struct rank {
	size_t i;
	uint64_t v;
	int pid;
	bool has;
};

/* Largest first, a process without the value last, then by pid. */
static int cmp_rank(const void *pa, const void *pb)
{
	const struct rank *a = pa, *b = pb;

	if (a->has != b->has)
		return a->has ? -1 : 1;
	if (a->has && a->v != b->v)
		return a->v > b->v ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

int ranking_order(const struct memacct_procs *p, uint32_t key, size_t **ret, size_t *ret_n)
{
	int n = memacct_procs_count(p);
	struct rank *r;
	size_t *order;

	if (n < 0)
		return n;
	r = calloc(n ? (size_t)n : 1, sizeof(*r));
	order = calloc(n ? (size_t)n : 1, sizeof(*order));
	if (!r || !order) {
		free(r);
		free(order);
		return -ENOMEM;
	}
	for (size_t i = 0; i < (size_t)n; i++) {
		r[i].i = i;
		memacct_procs_get_pid(p, i, &r[i].pid);
		r[i].has = memacct_procs_get(p, i, key, &r[i].v) == 0;
	}
	qsort(r, (size_t)n, sizeof(*r), cmp_rank);
	for (size_t i = 0; i < (size_t)n; i++)
		order[i] = r[i].i;
	free(r);
	*ret = order;
	*ret_n = (size_t)n;
	return 0;
}
