/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int inputs_open(struct inputs *in, const struct cli *cli, uint32_t meminfo_flags)
{
	int r;

	memset(in, 0, sizeof(*in));
	r = memacct_source_new(cli->root, NULL, &in->src);
	if (r == -EBADMSG) {
		cli_err("%s: the MANIFEST beside it has a malformed page_size or cpus line (%s)",
			cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", cli->root, strerror(-r));
		return EXIT_READ;
	}
	r = memacct_meminfo_new(&in->mi);
	if (r >= 0)
		r = memacct_meminfo_set_flags(in->mi, meminfo_flags);
	if (r >= 0)
		r = memacct_buddyinfo_new(&in->bi);
	if (r >= 0)
		r = memacct_vmstat_new(&in->vs);
	if (r >= 0)
		r = memacct_zoneinfo_new(&in->zi);
	if (r >= 0)
		r = memacct_nodes_new(&in->nodes);
	if (r >= 0)
		r = memacct_vmallocinfo_new(&in->vi);
	if (r >= 0)
		r = memacct_hugepages_new(&in->hp);
	if (r < 0) {
		cli_err("cannot set up the parsers: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	return EXIT_OK;
}

void inputs_close(struct inputs *in)
{
	memacct_hugepages_free(in->hp);
	memacct_vmallocinfo_free(in->vi);
	memacct_nodes_free(in->nodes);
	memacct_zoneinfo_free(in->zi);
	memacct_vmstat_free(in->vs);
	memacct_buddyinfo_free(in->bi);
	memacct_meminfo_free(in->mi);
	memacct_source_free(in->src);
	memset(in, 0, sizeof(*in));
}

/* Fold the per-CPU vmstat deltas into the global counters (mm/vmstat.c, vmstat_refresh). */
int inputs_fold(struct inputs *in, const struct cli *cli)
{
	char path[4096 + 64];
	uint64_t live = 0;
	ssize_t n;
	int fd, e;

	if (memacct_source_get(in->src, MEMACCT_SOURCE_LIVE, &live) < 0 || !live)
		return cli_usage_error("check", "--fold needs a live procfs root; %s is not one",
				       cli->root);

	cli_path(path, sizeof(path), cli->root, "sys/vm/stat_refresh");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		cli_err("%s: %s (--fold needs root)", path, strerror(e));
		return EXIT_READ;
	}
	n = write(fd, "1\n", 2);
	e = errno;
	close(fd);
	/* Before Linux 5.13 the write failed with EINVAL when a counter was negative: folded anyway. */
	if (n < 0 && e == EINVAL) {
		cli_err("warning: %s: the kernel found a negative counter while folding", path);
	} else if (n < 0) {
		cli_err("%s: %s", path, strerror(e));
		return EXIT_READ;
	}
	in->folded = true;
	return EXIT_OK;
}

int inputs_read_meminfo(struct inputs *in, const struct cli *cli)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	int r;

	r = memacct_meminfo_read(in->mi, in->src, &diag);
	if (r < 0) {
		cli_diag(cli->root, "meminfo", r, &diag);
		return EXIT_READ;
	}
	return EXIT_OK;
}

/* An optional file: absent means not attached; unreadable is said and not attached. */
static int optional(int r, const struct memacct_diag *diag, const struct cli *cli,
		    const char *file, bool *have)
{
	char path[4096 + 64];

	*have = r >= 0;
	if (r >= 0 || r == -ENOENT)
		return EXIT_OK;
	if (r == -EACCES || r == -EPERM) {
		cli_path(path, sizeof(path), cli->root, file);
		cli_err("warning: %s: %s; identities that need it are skipped", path,
			memacct_strerror(r));
		return EXIT_OK;
	}
	cli_diag(cli->root, file, r, diag);
	return EXIT_READ;
}

/*
 * zoneinfo first (only its per-CPU thresholds are used), then buddyinfo,
 * meminfo and vmstat back to back: the two files compared with meminfo are
 * read right before and right after it.
 */
int inputs_read_all(struct inputs *in, const struct cli *cli)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	int r, ret;

	r = memacct_zoneinfo_read(in->zi, in->src, &diag);
	ret = optional(r, &diag, cli, "zoneinfo", &in->have_zi);
	if (ret != EXIT_OK)
		return ret;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_buddyinfo_read(in->bi, in->src, &diag);
	ret = optional(r, &diag, cli, "buddyinfo", &in->have_bi);
	if (ret != EXIT_OK)
		return ret;

	ret = inputs_read_meminfo(in, cli);
	if (ret != EXIT_OK)
		return ret;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_vmstat_read(in->vs, in->src, &diag);
	ret = optional(r, &diag, cli, "vmstat", &in->have_vs);
	if (ret != EXIT_OK)
		return ret;
	return inputs_read_kernel(in, cli);
}

/*
 * The kernel side (identities hugetlb.*, numa.*, vmalloc.*): the NUMA
 * nodes' meminfo first, nearest the system's; then vmallocinfo (root only:
 * without it the vmalloc identity is skipped, quietly, as vmallocinfo is
 * never readable by others) and the hugepage pools; and the release, for
 * the identities whose definition changed between kernels.
 */
int inputs_read_kernel(struct inputs *in, const struct cli *cli)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	const char *buf;
	size_t len;
	int r, ret;

	r = memacct_nodes_read(in->nodes, in->src, &diag);
	ret = optional(r, &diag, cli, "../sys/devices/system/node", &in->have_nodes);
	if (ret != EXIT_OK)
		return ret;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_vmallocinfo_read(in->vi, in->src, &diag);
	in->have_vi = r >= 0;
	in->vi_err = r < 0 ? r : 0;
	if (r < 0 && r != -ENOENT && r != -EACCES && r != -EPERM) {
		cli_diag(cli->root, "vmallocinfo", r, &diag);
		return EXIT_READ;
	}

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_hugepages_read(in->hp, in->src, &diag);
	ret = optional(r, &diag, cli, "../sys/kernel/mm/hugepages", &in->have_hp);
	if (ret != EXIT_OK)
		return ret;

	in->release[0] = '\0';
	if (memacct_source_read_file(in->src, "sys/kernel/osrelease", &buf, &len) == 0) {
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			len--;
		if (len < sizeof(in->release)) {
			memcpy(in->release, buf, len);
			in->release[len] = '\0';
		}
	}
	return EXIT_OK;
}

int inputs_snapshot(const struct inputs *in, struct memacct_snapshot **ret)
{
	struct memacct_snapshot *snap = NULL;
	int r;

	r = memacct_snapshot_new(&snap);
	if (r >= 0)
		r = memacct_snapshot_set_source(snap, in->src);
	if (r >= 0)
		r = memacct_snapshot_set_meminfo(snap, in->mi);
	if (r >= 0 && in->have_bi)
		r = memacct_snapshot_set_buddyinfo(snap, in->bi);
	if (r >= 0 && in->have_vs)
		r = memacct_snapshot_set_vmstat(snap, in->vs);
	if (r >= 0 && in->have_zi)
		r = memacct_snapshot_set_zoneinfo(snap, in->zi);
	if (r >= 0 && in->have_nodes)
		r = memacct_snapshot_set_nodes(snap, in->nodes);
	if (r >= 0 && in->have_vi)
		r = memacct_snapshot_set_vmallocinfo(snap, in->vi);
	if (r >= 0 && in->have_hp)
		r = memacct_snapshot_set_hugepages(snap, in->hp);
	/* a release that is not MAJOR.MINOR is left unset: the identities then say so */
	if (r >= 0 && in->release[0] &&
	    memacct_snapshot_set_osrelease(snap, in->release, strlen(in->release)) == -EBADMSG)
		r = 0;
	if (r >= 0 && in->folded)
		r = memacct_snapshot_set_value(snap, MEMACCT_SNAPSHOT_FOLDED, 1);
	if (r < 0) {
		memacct_snapshot_free(snap);
		cli_err("cannot set up the identity check: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	*ret = snap;
	return EXIT_OK;
}

void inputs_report_skipped(const struct inputs *in, const struct cli *cli)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	char path[4096 + 64];
	int n;

	n = memacct_meminfo_count_skipped(in->mi);
	if (n <= 0)
		return;
	cli_path(path, sizeof(path), cli->root, "meminfo");
	if (memacct_meminfo_get_skipped(in->mi, &d) < 0) {
		cli_err("%s: skipped %d malformed line%s", path, n, n == 1 ? "" : "s");
		return;
	}
	cli_err("%s: skipped %d malformed line%s; the first:", path, n, n == 1 ? "" : "s");
	d.error = d.error ? d.error : -EBADMSG;
	cli_diag(cli->root, "meminfo", d.error, &d);
}

/* --- one process ------------------------------------------------------- */

int proc_inputs_new(struct proc_inputs *p)
{
	int r;

	memset(p, 0, sizeof(*p));
	r = memacct_status_new(&p->st);
	if (r >= 0)
		r = memacct_vmas_new(&p->maps);
	if (r >= 0)
		r = memacct_vmas_new(&p->smaps);
	if (r >= 0)
		r = memacct_vmas_new(&p->rollup);
	if (r < 0) {
		cli_err("cannot set up the parsers: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	return EXIT_OK;
}

void proc_inputs_free(struct proc_inputs *p)
{
	memacct_vmas_free(p->rollup);
	memacct_vmas_free(p->smaps);
	memacct_vmas_free(p->maps);
	memacct_status_free(p->st);
	memset(p, 0, sizeof(*p));
}

/* Whether ROOT/PID is still there (a file of it may be absent from a capture). */
static bool pid_exists(const struct cli *cli, int pid)
{
	char path[4096 + 64], name[32];

	snprintf(name, sizeof(name), "%d", pid);
	cli_path(path, sizeof(path), cli->root, name);
	return access(path, F_OK) == 0;
}

/* The outcome of reading one file of @pid: PROC_READ with *@have, or why not. */
static int proc_file(int r, const struct memacct_diag *diag, const struct cli *cli, int pid,
		     const char *file, bool quiet, bool *have)
{
	char name[64];

	*have = r >= 0;
	if (r >= 0)
		return PROC_READ;
	if (r == -ESRCH || r == -ENOENT)
		return pid_exists(cli, pid) ? PROC_READ : PROC_VANISHED;
	if (r == -EACCES || r == -EPERM)
		return PROC_UNREADABLE;
	if (!quiet) {
		snprintf(name, sizeof(name), "%d/%s", pid, file);
		cli_diag(cli->root, name, r, diag);
	}
	return PROC_ERROR;
}

/*
 * status, statm, maps, smaps and smaps_rollup of @pid back to back (the
 * order of scripts/capture-process.sh). A file a capture lacks is not used.
 */
int proc_inputs_read(struct proc_inputs *p, struct memacct_source *src, const struct cli *cli,
		     int pid, bool quiet)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	bool have;
	int r, k;

	p->have_sm = p->have_maps = p->have_smaps = p->have_rollup = false;
	r = memacct_status_read(p->st, src, pid, &diag);
	if (r < 0) {
		if (r == -ESRCH || r == -ENOENT)
			return PROC_VANISHED;
		k = proc_file(r, &diag, cli, pid, "status", quiet, &have);
		return k == PROC_READ ? PROC_VANISHED : k;
	}
	if (memacct_status_has(p->st, MEMACCT_STATUS_VMSIZE) <= 0)
		return PROC_KTHREAD;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	p->sm = (struct memacct_statm){ .sz = sizeof(p->sm) };
	r = memacct_statm_read(src, pid, 0, &p->sm, &diag);
	k = proc_file(r, &diag, cli, pid, "statm", quiet, &p->have_sm);
	if (k != PROC_READ)
		return k;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_maps_read(p->maps, src, pid, &diag);
	k = proc_file(r, &diag, cli, pid, "maps", quiet, &p->have_maps);
	if (k != PROC_READ)
		return k;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_smaps_read(p->smaps, src, pid, &diag);
	k = proc_file(r, &diag, cli, pid, "smaps", quiet, &p->have_smaps);
	if (k != PROC_READ)
		return k;

	diag = (struct memacct_diag){ .sz = sizeof(diag) };
	r = memacct_smaps_rollup_read(p->rollup, src, pid, &diag);
	return proc_file(r, &diag, cli, pid, "smaps_rollup", quiet, &p->have_rollup);
}

int proc_inputs_snapshot(const struct proc_inputs *p, struct memacct_source *src, int pid,
			 struct memacct_snapshot **ret)
{
	struct memacct_snapshot *snap = NULL;
	int r;

	r = memacct_snapshot_new(&snap);
	if (r >= 0)
		r = memacct_snapshot_set_source(snap, src);
	if (r >= 0)
		r = memacct_snapshot_set_process(snap, pid, p->st, p->have_sm ? &p->sm : NULL,
						 p->have_maps ? p->maps : NULL,
						 p->have_smaps ? p->smaps : NULL,
						 p->have_rollup ? p->rollup : NULL);
	if (r < 0) {
		memacct_snapshot_free(snap);
		cli_err("cannot set up the identity check: %s", memacct_strerror(r));
		return EXIT_READ;
	}
	*ret = snap;
	return EXIT_OK;
}
