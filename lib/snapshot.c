/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "check-internal.h"

#define MAX_NCPUS ((uint64_t)1 << 24)

int memacct_snapshot_new(struct memacct_snapshot **ret)
{
	struct memacct_snapshot *snap;

	assert_return(ret, -EINVAL);
	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	snap->live = SNAPSHOT_UNSET;
	snap->folded = SNAPSHOT_UNSET;
	*ret = snap;
	return 0;
}

struct memacct_snapshot *memacct_snapshot_free(struct memacct_snapshot *snap)
{
	free(snap);
	return NULL;
}

int memacct_snapshot_set_meminfo(struct memacct_snapshot *snap, const struct memacct_meminfo *mi)
{
	assert_return(snap, -EINVAL);
	snap->mi = mi;
	return 0;
}

int memacct_snapshot_set_buddyinfo(struct memacct_snapshot *snap,
				   const struct memacct_buddyinfo *bi)
{
	assert_return(snap, -EINVAL);
	snap->bi = bi;
	return 0;
}

int memacct_snapshot_set_vmstat(struct memacct_snapshot *snap, const struct memacct_vmstat *vs)
{
	assert_return(snap, -EINVAL);
	snap->vs = vs;
	return 0;
}

int memacct_snapshot_set_zoneinfo(struct memacct_snapshot *snap,
				  const struct memacct_zoneinfo *zi)
{
	assert_return(snap, -EINVAL);
	snap->zi = zi;
	return 0;
}

int memacct_snapshot_set_process(struct memacct_snapshot *snap, int pid,
				 const struct memacct_status *st, const struct memacct_statm *sm,
				 const struct memacct_vmas *maps, const struct memacct_vmas *smaps,
				 const struct memacct_vmas *rollup)
{
	assert_return(snap && pid >= 0, -EINVAL);
	if (pid != snap->pid)
		snap->exact = NULL;	/* it describes the previous process */
	snap->pid = pid;
	snap->st = st;
	snap->sm = sm;
	snap->maps = maps;
	snap->smaps = smaps;
	snap->rollup = rollup;
	return 0;
}

int memacct_snapshot_set_exact(struct memacct_snapshot *snap, const struct memacct_exact *ex)
{
	assert_return(snap, -EINVAL);
	assert_return(!ex || memacct_exact_get_pid(ex) == snap->pid, -EINVAL);
	snap->exact = ex;
	return 0;
}

int memacct_snapshot_set_census(struct memacct_snapshot *snap, const struct memacct_census *c)
{
	assert_return(snap, -EINVAL);
	assert_return(!c || memacct_census_get_pid(c) == 0, -EINVAL);
	snap->census = c;
	return 0;
}

int memacct_snapshot_set_procs(struct memacct_snapshot *snap, const struct memacct_procs *procs)
{
	assert_return(snap, -EINVAL);
	snap->procs = procs;
	return 0;
}

int memacct_snapshot_set_hugepages(struct memacct_snapshot *snap,
				   const struct memacct_hugepages *hp)
{
	assert_return(snap, -EINVAL);
	snap->hp = hp;
	return 0;
}

int memacct_snapshot_set_nodes(struct memacct_snapshot *snap, const struct memacct_nodes *nodes)
{
	assert_return(snap, -EINVAL);
	snap->nodes = nodes;
	return 0;
}

int memacct_snapshot_set_value(struct memacct_snapshot *snap, uint32_t key, uint64_t value)
{
	assert_return(snap, -EINVAL);
	switch (key) {
	case MEMACCT_SNAPSHOT_PAGE_SIZE:
		assert_return(value && (value & (value - 1)) == 0, -EINVAL);
		snap->page_size = value;
		return 0;
	case MEMACCT_SNAPSHOT_NCPUS:
		assert_return(value >= 1 && value <= MAX_NCPUS, -EINVAL);
		snap->ncpus = value;
		return 0;
	case MEMACCT_SNAPSHOT_LIVE:
		assert_return(value <= 1, -EINVAL);
		snap->live = (uint8_t)value;
		return 0;
	case MEMACCT_SNAPSHOT_FOLDED:
		assert_return(value <= 1, -EINVAL);
		snap->folded = (uint8_t)value;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* A property of @src: 0 with *v, 1 when the source does not know it, or < 0. */
static int source_value(const struct memacct_source *src, uint32_t key, uint64_t *v)
{
	int r = memacct_source_get(src, key, v);

	return r == -ENOENT ? 1 : r;
}

int memacct_snapshot_set_source(struct memacct_snapshot *snap, const struct memacct_source *src)
{
	uint64_t ps = 0, ncpus = 0, live = 0;
	int rps, rn, rl;

	assert_return(snap && src, -EINVAL);
	rps = source_value(src, MEMACCT_SOURCE_PAGE_SIZE, &ps);
	rn = source_value(src, MEMACCT_SOURCE_NCPUS, &ncpus);
	rl = source_value(src, MEMACCT_SOURCE_LIVE, &live);
	if (rps < 0)
		return rps;
	if (rn < 0)
		return rn;
	if (rl < 0)
		return rl;
	if ((rps == 0 && (ps == 0 || (ps & (ps - 1)))) || (rn == 0 && (ncpus == 0 || ncpus > MAX_NCPUS)))
		return -EINVAL;
	if (rps == 0)
		snap->page_size = ps;
	if (rn == 0)
		snap->ncpus = ncpus;
	if (rl == 0)
		snap->live = live ? 1 : 0;
	return 0;
}

int memacct_snapshot_set_vmallocinfo(struct memacct_snapshot *snap,
				     const struct memacct_vmallocinfo *vi)
{
	assert_return(snap, -EINVAL);
	snap->vi = vi;
	return 0;
}

/* A decimal number of at most 3 digits at *p. */
static int release_part(const char **p, const char *end, uint32_t *v)
{
	const char *q = *p;

	*v = 0;
	while (q < end && *q >= '0' && *q <= '9' && q - *p < 4)
		*v = *v * 10 + (uint32_t)(*q++ - '0');
	if (q == *p || q - *p > 3)
		return -EBADMSG;
	*p = q;
	return 0;
}

int memacct_snapshot_set_osrelease(struct memacct_snapshot *snap, const char *release, size_t len)
{
	const char *p = release, *end = release + len;
	uint32_t major, minor, patch = 0;

	assert_return(snap && (release || len == 0), -EINVAL);
	if (len == 0) {
		snap->kernel_version = 0;
		return 0;
	}
	if (release_part(&p, end, &major) < 0 || major == 0 || major > 255 || p == end ||
	    *p++ != '.' || release_part(&p, end, &minor) < 0 || minor > 255)
		return -EBADMSG;
	if (p < end && *p == '.') {
		p++;
		if (release_part(&p, end, &patch) < 0)
			return -EBADMSG;
	}
	snap->kernel_version = major << 16 | minor << 8 | (patch > 255 ? 255 : patch);
	return 0;
}
