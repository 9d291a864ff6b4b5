/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

void help_capture(FILE *f)
{
	fputs("Usage: " PROG " capture DIR [--pid PID[,PID...]|all|none]...\n"
	      "                   [--pages PID[,PID...]]...\n"
	      "                   [--census] [--pfns FIRST-END] [--stat-refresh]\n"
	      "                   [--state TEXT] [--root ROOT]\n"
	      "\n"
	      "Copy what libmemacct reads into DIR, a captured tree that every command reads\n"
	      "back with --root DIR/proc:\n"
	      "  DIR/proc/meminfo, zoneinfo, buddyinfo, vmstat, sys/kernel/osrelease\n"
	      "      the system-wide counters and the kernel release\n"
	      "  DIR/proc/vmallocinfo, modules\n"
	      "      the kernel's vmalloc areas (root only) and modules ('kernel')\n"
	      "  DIR/sys/kernel/mm/hugepages/hugepages-*/nr_hugepages, free_hugepages,\n"
	      "      resv_hugepages, surplus_hugepages, nr_overcommit_hugepages\n"
	      "  DIR/sys/devices/system/node/node*/meminfo\n"
	      "      from ROOT/../sys (/sys for /proc): the hugetlb pools and the NUMA\n"
	      "      nodes ('kernel')\n"
	      "  DIR/proc/PID/status, statm, maps, smaps, smaps_rollup\n"
	      "      of every process (the default, --pid all: what check --pid all and\n"
	      "      check --system read back), or of each --pid and --pages PID\n"
	      "  DIR/proc/PID/pagemap\n"
	      "      --pages: the page-table entries of every VMA of PID/maps ([vsyscall]\n"
	      "      excepted: it is not in the process's page tables)\n"
	      "  DIR/proc/kpageflags, kpagecount, kpagecgroup\n"
	      "      --pages: the entries of exactly the page frames (PFNs) those pagemaps\n"
	      "      map; --census: kpageflags and kpagecount of every PFN (kpagecgroup\n"
	      "      still of the --pages PFNs only)\n"
	      "  DIR/meminfo.scan\n"
	      "      with processes from a live root: meminfo as read after every 8th\n"
	      "      process and after the last, each text ended by an empty line; how\n"
	      "      far meminfo moved while the processes were read, which check on\n"
	      "      the tree allows for as it does live\n"
	      "  DIR/MANIFEST\n"
	      "      where, when and how it was captured (below)\n"
	      "Every text file kept is one read of it (one read() of the whole file where\n"
	      "the kernel prints it at once), held in memory until every file is read; DIR\n"
	      "is written\n"
	      "afterwards, through a temporary directory beside it renamed into place, so DIR\n"
	      "never holds half a capture. DIR must not exist, or be an empty directory.\n"
	      "\n"
	      "pagemap and kpage* are written in the sparse format (see \"Sparse captures\" in\n"
	      "the README: \"memacct-sparse 1\", an \"end\" line, then runs \"INDEX COUNT VALUE\n"
	      "[STEP]\" in hexadecimal), which keeps only the entries read, with their\n"
	      "indices, so that a 64 MiB region takes a few lines rather than 128 KiB.\n"
	      "Readers of the tree tell an entry the capture does not hold from one that\n"
	      "is zero.\n"
	      "\n"
	      "Options:\n", f);
	fputs("  --pid PID[,PID...]    capture the text files of these processes only\n"
	      "                        (repeatable)\n"
	      "  --pid all             every process of the root, in pid order (the default\n"
	      "                        when no --pid or --pages is given), with the --pages\n"
	      "                        ones; the capturing process itself is left out. One\n"
	      "                        that exits meanwhile is left out whole (MANIFEST\n"
	      "                        vanished:); a file the kernel refuses is left out\n"
	      "                        (denied:) and the process's others kept\n"
	      "  --pid none            no process: the system-wide files only\n"
	      "  --pages PID[,PID...]  the same, plus their pagemap and the kpageflags,\n"
	      "                        kpagecount and kpagecgroup entries of the PFNs they map\n"
	      "                        (repeatable). Needs CAP_SYS_ADMIN: without it the\n"
	      "                        kernel zeroes every PFN in pagemap and the kpage* files\n"
	      "                        are root-only.\n"
	      "  --census              capture kpageflags and kpagecount for every PFN of the\n"
	      "                        machine (the input of 'pages'); root only\n"
	      "  --pfns FIRST-END      with --census: only PFNs FIRST to END-1 (hexadecimal)\n"
	      "  --stat-refresh        write 1 to ROOT/sys/vm/stat_refresh just before the\n"
	      "                        reads, folding the per-CPU vmstat deltas into the\n"
	      "                        global counters (root only; a live /proc only)\n"
	      "  --state TEXT          one line saying what the system was doing, written as\n"
	      "                        the MANIFEST's \"state:\"\n"
	      "  --root ROOT           capture from ROOT instead of /proc (a captured tree:\n"
	      "                        a copy of what it holds)\n"
	      "  --format FORMAT       table (default: one summary line) or json\n"
	      "  -h, --help            show this help\n"
	      "\n"
	      "Read order: meminfo zoneinfo buddyinfo vmstat; vmallocinfo, modules, each\n"
	      "pool's files and each node's meminfo (\"../sys/...\" in read_order: a\n"
	      "kernel-side file the root lacks is skipped without a word, one it refuses,\n"
	      "as vmallocinfo without root, is named under denied:); then each process in\n"
	      "the order given: PID/status statm maps smaps smaps_rollup, and with --pages\n"
	      "PID/pagemap; then kpageflags, kpagecount and kpagecgroup (the PFNs of every\n"
	      "--pages process at once, sorted and coalesced into runs, or every PFN with\n"
	      "--census). A file\n"
	      "the root lacks (no smaps_rollup before Linux 4.14, no kpagecgroup without\n"
	      "memory cgroups) is left out and said on stderr. A live process may change\n"
	      "while its files are read one after another, and a tree whose files\n"
	      "disagree is what check calls a violation; so smaps_rollup is also printed\n"
	      "before them, and when the one kept after them differs, the process's\n"
	      "files are read again (4 tries; MANIFEST unsteady: names one that never\n"
	      "held still).\n"
	      "\n"
	      "\n", f);
	fputs("MANIFEST (\"key: value\" lines):\n"
	      "  origin: captured         kernel: ROOT/sys/kernel/osrelease\n"
	      "  arch: uname -m (a live root only)       page_size: bytes     cpus: N\n"
	      "  captured: UTC time, ISO 8601            state: the --state TEXT\n"
	      "  stat_refresh: yes | no   read_order: the files, in the order read\n"
	      "  read_duration_us: wall time from the first read to the last\n"
	      "  processes: all | listed | none          pids: every process captured\n"
	      "  pages: the --pages processes            vanished: exited meanwhile\n"
	      "  unsteady: changed on every try          denied: PID/FILE or FILE refused\n"
	      "  census_pfns: FIRST-END (hexadecimal, END excluded) with --census\n"
	      "  meminfo_scan: N, the meminfo texts in DIR/meminfo.scan\n"
	      "\n"
	      "Exit status:\n"
	      "  0  captured\n"
	      "  2  usage error: no DIR, a bad PID, --pfns without --census, a TEXT with a\n"
	      "     newline\n"
	      "  3  nothing captured: DIR exists and is not empty, a process named with\n"
	      "     --pid or --pages does not exist or exited during the capture, a file\n"
	      "     of it or a system-wide one could not be read (--pages without\n"
	      "     CAP_SYS_ADMIN: \"Operation not permitted\", naming the capability), or\n"
	      "     DIR could not be written\n"
	      "\n"
	      "Examples:\n"
	      "  " PROG " capture /tmp/now --state \"idle after boot\" --stat-refresh\n"
	      "  " PROG " check --root /tmp/now/proc --system\n"
	      "  " PROG " capture /tmp/db --pages $(pidof postgres | tr ' ' ,)\n"
	      "  " PROG " capture /tmp/census --census --stat-refresh\n"
	      "  " PROG " check --root /tmp/now/proc\n", f);
}

enum {
	OPT_PID = OPT_CMD_FIRST,
	OPT_PAGES,
	OPT_CENSUS,
	OPT_PFNS,
	OPT_STAT_REFRESH,
	OPT_STATE,
};

/* Entries per read of pagemap or kpage*: 1 MiB. */
#define CHUNK ((size_t)1 << 17)

/* One file read, kept until the tree is written. */
struct held {
	char *path;		/* relative to proc/ */
	char *data;
	size_t len;
};

struct target {
	int pid;
	bool pages;
	bool listed;	/* found by listing the root (--pid all): may vanish, be denied */
	bool captured;
	bool kthread;
};

struct capture {
	const struct cli *cli;
	struct memacct_source *src;
	bool live;
	uint64_t page_size;

	/* what was asked */
	const char *dir;
	struct target *targets;
	size_t ntargets;
	bool all;		/* --pid all, the default: every process of the root */
	bool none;		/* --pid none: the system files only */
	bool census;
	uint64_t pfn_first, pfn_end;	/* --pfns; pfn_end 0: to the end */
	bool stat_refresh;
	const char *state;

	/* the tree being written */
	char *stage;		/* DIR.capture-XXXXXX, renamed to DIR at the end */
	int proc_fd;		/* stage/proc */

	/* what was read */
	struct held *files;
	size_t nfiles, files_cap;
	char **order;		/* read_order */
	size_t norder, order_cap;
	char **denied;		/* PID/file the kernel refused (--pid all) */
	size_t ndenied, denied_cap;
	int *vanished;		/* --pid all: processes that exited during the capture */
	size_t nvanished, vanished_cap;
	int *unsteady;		/* processes whose memory changed on every try */
	size_t nunsteady, unsteady_cap;
	uint64_t *pfns;		/* PFNs the pagemaps map (sorted before the kpage* reads) */
	size_t npfns, pfns_cap;
	uint64_t *buf;		/* CHUNK entries */
	uint64_t t0, t1;
	uint64_t bytes;		/* of every file written */
	uint64_t kpage_end;	/* the end of the kpage* files */
	char *scan;		/* meminfo.scan: the meminfo texts read among the processes */
	size_t scan_len, scan_cap, nscan;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int oom(void)
{
	cli_err("out of memory");
	return EXIT_READ;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int add_order(struct capture *c, const char *path)
{
	char *s;

	if (grow((void **)&c->order, &c->order_cap, c->norder + 1, sizeof(*c->order)) < 0 ||
	    !(s = strdup(path)))
		return -ENOMEM;
	c->order[c->norder++] = s;
	return 0;
}

/*
 * Read @path through the source and keep a copy. 0; -ENOENT when the root
 * does not have it (said by the caller); another negative errno said here.
 */
static int hold_file(struct capture *c, const char *path, bool in_order)
{
	struct held *h;
	const char *buf;
	size_t len;
	int r;

	r = memacct_source_read_file(c->src, path, &buf, &len);
	if (r < 0)
		return r;
	if (grow((void **)&c->files, &c->files_cap, c->nfiles + 1, sizeof(*c->files)) < 0)
		return -ENOMEM;
	h = &c->files[c->nfiles];
	h->path = strdup(path);
	h->data = malloc(len ? len : 1);
	if (!h->path || !h->data) {
		free(h->path);
		free(h->data);
		return -ENOMEM;
	}
	memcpy(h->data, buf, len);
	h->len = len;
	c->nfiles++;
	if (in_order && add_order(c, path) < 0)
		return -ENOMEM;
	return 0;
}

static const struct held *find_held(const struct capture *c, const char *path)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (!strcmp(c->files[i].path, path))
			return &c->files[i];
	return NULL;
}

/* mkdir -p of the directories of @path (relative to stage/proc). */
static int make_parents(int dirfd, const char *path)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = strchr(tmp, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(dirfd, tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create @path under stage/proc for writing: an fd, or a negative errno said. */
static int create_file(struct capture *c, const char *path)
{
	int fd, r;

	r = make_parents(c->proc_fd, path);
	if (r >= 0) {
		fd = openat(c->proc_fd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		r = fd < 0 ? -errno : fd;
	}
	if (r < 0)
		cli_err("%s/proc/%s: cannot create: %s", c->stage, path, strerror(-r));
	return r;
}

static int file_size_add(struct capture *c, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0)
		c->bytes += (uint64_t)st.st_size;
	return 0;
}

/* ---------------------------------------------------------------- reading */

/* 1: the entry at @idx exists or is not held (inside), 0: past the end. */
typedef int (*probe_fn)(void *h, uint64_t idx);

static int probe_pagemap(void *h, uint64_t idx)
{
	struct memacct_pagemap *pm = h;
	uint64_t e;
	size_t n = 0;
	int r;

	/* the caller keeps idx * page size within 64 bits */
	r = memacct_pagemap_read(pm, idx, 1, &e, &n);
	if (r == -ENODATA)
		return 1;
	return r < 0 ? r : n > 0;
}

static int probe_kpage(void *h, uint64_t idx)
{
	uint64_t e;
	size_t n = 0;
	int r;

	r = memacct_kpage_read(h, idx, 1, &e, &n);
	if (r == -ENODATA)
		return 1;
	return r < 0 ? r : n > 0;
}

/*
 * The end of a table file (one past its last index): reads stop there and
 * return nothing (pagemap_read: TASK_SIZE; kpage*: max_pfn rounded up to a
 * section). Binary search between @lo (inside) and @hi; UINT64_MAX when
 * even @hi is inside (a capture without an "end" line).
 */
static int find_end(probe_fn probe, void *h, uint64_t lo, uint64_t hi, uint64_t scale,
		    uint64_t *ret)
{
	int r;

	r = probe(h, hi * scale);
	if (r < 0)
		return r;
	if (r) {
		*ret = UINT64_MAX;
		return 0;
	}
	while (lo + 1 < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		r = probe(h, mid * scale);
		if (r < 0)
			return r;
		if (r)
			lo = mid;
		else
			hi = mid;
	}
	*ret = hi;
	return 0;
}

static void say_lib_error(const struct capture *c, const char *file, int r,
			  const struct memacct_diag *diag)
{
	if (r == -EPERM)
		cli_err("%s/%s: %s: reading it needs CAP_SYS_ADMIN (run as root)%s%s", c->cli->root,
			file, strerror(EPERM), diag && diag->message ? ": " : "",
			diag && diag->message ? diag->message : "");
	else
		cli_diag(c->cli->root, file, r, diag);
}

static int add_pfn(struct capture *c, uint64_t pfn)
{
	if (grow((void **)&c->pfns, &c->pfns_cap, c->npfns + 1, sizeof(*c->pfns)) < 0)
		return -ENOMEM;
	c->pfns[c->npfns++] = pfn;
	return 0;
}

static bool skip_vma(const struct memacct_vma *vma)
{
	const char *name = NULL;

	/* a fixed kernel page outside the process's page tables; pagemap has no entry */
	return memacct_vma_get_path(vma, &name) == 0 && !strcmp(name, "[vsyscall]");
}

/* PID/pagemap for every VMA of the maps text held, written as it is read. */
static int capture_pagemap(struct capture *c, int pid)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_sparse_writer *w = NULL;
	struct memacct_pagemap *pm = NULL;
	struct memacct_vmas *vmas = NULL;
	uint64_t end = 0, last = 0, present = 0, zero_pfn = 0;
	char path[64], maps_path[64];
	const struct held *maps;
	int fd = -1, r, ret = EXIT_READ;

	snprintf(path, sizeof(path), "%d/pagemap", pid);
	snprintf(maps_path, sizeof(maps_path), "%d/maps", pid);
	maps = find_held(c, maps_path);
	if (!maps) {
		cli_err("%s/%s: needed for its pagemap, but not read", c->cli->root, maps_path);
		return EXIT_READ;
	}
	if (memacct_vmas_new(&vmas) < 0)
		return oom();
	r = memacct_maps_parse(vmas, maps->data, maps->len, &diag);
	if (r < 0) {
		cli_diag(c->cli->root, maps_path, r, &diag);
		goto out;
	}
	r = memacct_pagemap_open(c->src, pid, &pm, &diag);
	if (r == -ESRCH || r == -ENOENT) {
		cli_err("pid %d: no pagemap (the process exited, or is a kernel thread)", pid);
		goto out;
	}
	if (r < 0) {
		say_lib_error(c, path, r, &diag);
		goto out;
	}
	if (!memacct_pagemap_may_see_pfns(pm)) {
		cli_err("%s/%s: the kernel hides page frame numbers from a reader without "
			"CAP_SYS_ADMIN (%s): run as root", c->cli->root, path, strerror(EPERM));
		goto out;
	}

	for (int i = 0; i < memacct_vmas_count(vmas); i++) {
		const struct memacct_vma *vma = memacct_vmas_at(vmas, (size_t)i);
		uint64_t e = 0;

		if (!skip_vma(vma) && memacct_vma_get(vma, MEMACCT_VMA_END, &e) == 0 && e > last)
			last = e;
	}
	r = find_end(probe_pagemap, pm, last / c->page_size ? last / c->page_size - 1 : 0,
		     UINT64_MAX / c->page_size, c->page_size, &end);
	if (r < 0) {
		say_lib_error(c, path, r, NULL);
		goto out;
	}

	fd = create_file(c, path);
	if (fd < 0)
		goto out;
	r = memacct_sparse_writer_new(fd, end, &w);
	if (r < 0) {
		cli_err("%s/proc/%s: %s", c->stage, path, strerror(-r));
		goto out;
	}
	for (int i = 0; i < memacct_vmas_count(vmas); i++) {
		const struct memacct_vma *vma = memacct_vmas_at(vmas, (size_t)i);
		uint64_t s, e;

		if (skip_vma(vma) || memacct_vma_get(vma, MEMACCT_VMA_START, &s) < 0 ||
		    memacct_vma_get(vma, MEMACCT_VMA_END, &e) < 0)
			continue;
		while (s < e) {
			size_t want = (size_t)((e - s) / c->page_size), n = 0;

			if (want > CHUNK)
				want = CHUNK;
			r = memacct_pagemap_read(pm, s, want, c->buf, &n);
			if (r < 0) {
				say_lib_error(c, path, r, NULL);
				goto out;
			}
			if (n == 0) {
				cli_err("pid %d: exited while its pagemap was read", pid);
				goto out;
			}
			for (size_t k = 0; k < n; k++) {
				if (!(c->buf[k] & MEMACCT_PM_PRESENT))
					continue;
				present++;
				if (!memacct_pm_pfn(c->buf[k]))
					zero_pfn++;
				else if (add_pfn(c, memacct_pm_pfn(c->buf[k])) < 0)
					goto nomem;
			}
			r = memacct_sparse_writer_add(w, s / c->page_size, c->buf, n);
			if (r < 0) {
				cli_err("%s/proc/%s: %s", c->stage, path, strerror(-r));
				goto out;
			}
			s += n * c->page_size;
		}
	}
	if (present && zero_pfn == present) {
		/* a reader in a user namespace: the capability is not the initial one */
		cli_err("%s/%s: every present entry has PFN 0: the kernel hid the page frame "
			"numbers (CAP_SYS_ADMIN in the initial user namespace is needed): %s",
			c->cli->root, path, strerror(EPERM));
		goto out;
	}
	r = memacct_sparse_writer_finish(w);
	w = NULL;
	if (r < 0) {
		cli_err("%s/proc/%s: %s", c->stage, path, strerror(-r));
		goto out;
	}
	file_size_add(c, fd);
	if (add_order(c, path) < 0)
		goto nomem;
	ret = EXIT_OK;
	goto out;
nomem:
	ret = oom();
out:
	if (w)
		memacct_sparse_writer_finish(w);
	if (fd >= 0)
		close(fd);
	memacct_pagemap_free(pm);
	memacct_vmas_free(vmas);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Copy kpage file @which for PFNs [@first, @end) of every run of @runs (pairs
 * of first, end), @nruns of them, skipping what the root does not hold.
 * 0; -ENOENT when the root has no such file (said by the caller).
 */
static int capture_kpage(struct capture *c, uint32_t which, const char *name,
			 const uint64_t *runs, size_t nruns)
{
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_sparse_writer *w = NULL;
	struct memacct_kpage *kp = NULL;
	uint64_t end = 0;
	int fd = -1, r;

	r = memacct_kpage_open(c->src, which, &kp, &diag);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		say_lib_error(c, name, r, &diag);
		return EXIT_READ;
	}
	r = find_end(probe_kpage, kp, 0, (UINT64_C(1) << 52), 1, &end);
	if (r < 0) {
		say_lib_error(c, name, r, NULL);
		goto fail;
	}
	fd = create_file(c, name);
	if (fd < 0)
		goto fail;
	r = memacct_sparse_writer_new(fd, end, &w);
	if (r < 0)
		goto fail_write;
	for (size_t i = 0; i < nruns; i++) {
		uint64_t pfn = runs[2 * i], stop = runs[2 * i + 1];

		if (stop > end)
			stop = end;
		while (pfn < stop) {
			size_t want = stop - pfn > CHUNK ? CHUNK : (size_t)(stop - pfn), n = 0;
			uint64_t next;

			r = memacct_kpage_next(kp, pfn, &next);
			if (r == -ENODATA || (r == 0 && next >= stop))
				break;
			if (r < 0) {
				say_lib_error(c, name, r, NULL);
				goto fail;
			}
			if (next > pfn) {
				pfn = next;
				continue;
			}
			r = memacct_kpage_read(kp, pfn, want, c->buf, &n);
			if (r < 0) {
				say_lib_error(c, name, r, NULL);
				goto fail;
			}
			if (n == 0)
				break;
			r = memacct_sparse_writer_add(w, pfn, c->buf, n);
			if (r < 0)
				goto fail_write;
			pfn += n;
		}
	}
	r = memacct_sparse_writer_finish(w);
	w = NULL;
	if (r < 0)
		goto fail_write;
	file_size_add(c, fd);
	close(fd);
	memacct_kpage_free(kp);
	c->kpage_end = end;
	return add_order(c, name) < 0 ? oom() : EXIT_OK;

fail_write:
	cli_err("%s/proc/%s: %s", c->stage, name, strerror(-r));
fail:
	if (w)
		memacct_sparse_writer_finish(w);
	if (fd >= 0)
		close(fd);
	memacct_kpage_free(kp);
	return EXIT_READ;
}

/*
 * kpage* for the PFNs the pagemaps mapped (sorted, coalesced); with --census
 * kpageflags and kpagecount for every PFN, and kpagecgroup still for the
 * pagemaps' PFNs only (when there are any).
 */
static int capture_kpages(struct capture *c)
{
	static const struct {
		uint32_t which;
		const char *name;
		bool census;	/* part of --census */
	} files[] = {
		{ MEMACCT_KPAGE_FLAGS, "kpageflags", true },
		{ MEMACCT_KPAGE_COUNT, "kpagecount", true },
		{ MEMACCT_KPAGE_CGROUP, "kpagecgroup", false },
	};
	uint64_t whole[2], *runs;
	size_t nruns = 0;
	int r = EXIT_OK;

	qsort(c->pfns, c->npfns, sizeof(*c->pfns), cmp_u64);
	runs = malloc(2 * c->npfns * sizeof(*runs) + 1);
	if (!runs)
		return oom();
	for (size_t i = 0; i < c->npfns; i++) {
		if (nruns && runs[2 * nruns - 1] >= c->pfns[i]) {
			if (runs[2 * nruns - 1] == c->pfns[i])
				runs[2 * nruns - 1]++;
			continue;
		}
		runs[2 * nruns] = c->pfns[i];
		runs[2 * nruns + 1] = c->pfns[i] + 1;
		nruns++;
	}
	whole[0] = c->pfn_first;
	whole[1] = c->pfn_end ? c->pfn_end : UINT64_MAX;
	for (size_t i = 0; i < ARRAY_SIZE(files) && r == EXIT_OK; i++) {
		bool all = c->census && files[i].census;

		if (!all && !nruns)
			continue;
		r = capture_kpage(c, files[i].which, files[i].name, all ? whole : runs,
				  all ? 1 : nruns);
		if (r == -ENOENT) {
			/* kpagecgroup needs CONFIG_MEMCG; the others are there since 2.6.25 */
			fprintf(stderr, PROG ": note: %s/%s is not there: not captured\n",
				c->cli->root, files[i].name);
			r = files[i].which == MEMACCT_KPAGE_CGROUP ? EXIT_OK : EXIT_READ;
		}
	}
	free(runs);
	return r;
}

enum sys_dir { SYS_POOLS, SYS_NODES };
static int capture_sys_dir(struct capture *c, enum sys_dir k);

static int capture_system(struct capture *c)
{
	static const char *const files[] = { "meminfo", "zoneinfo", "buddyinfo", "vmstat" };
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		r = hold_file(c, files[i], true);
		if (r == -ENOENT && i > 0) {
			fprintf(stderr, PROG ": note: %s/%s is not there: not captured\n",
				c->cli->root, files[i]);
			continue;
		}
		if (r < 0) {
			cli_diag(c->cli->root, files[i], r, NULL);
			return EXIT_READ;
		}
		if (i == 0) {
			r = capture_sys_dir(c, SYS_NODES);
			if (r != EXIT_OK)
				return r;
		}
	}
	return EXIT_OK;
}

/*
 * An optional file of the kernel side: absent (a kernel or a capture without
 * it) is skipped without a word, refused (vmallocinfo is root-only) is kept
 * out and named under the MANIFEST's denied:.
 */
static int add_denied(struct capture *c, const char *path);

static int hold_optional(struct capture *c, const char *path)
{
	int r = hold_file(c, path, true);

	if (r == -ENOMEM)
		return oom();
	if (r == -ENOENT || r == -ENOTDIR)
		return EXIT_OK;
	if (r == -EACCES || r == -EPERM)
		return add_denied(c, path);
	if (r < 0) {
		cli_diag(c->cli->root, path, r, NULL);
		return EXIT_READ;
	}
	return EXIT_OK;
}

static int cmp_named(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	unsigned long long m = strtoull(*x + strcspn(*x, "0123456789"), NULL, 10);
	unsigned long long n = strtoull(*y + strcspn(*y, "0123456789"), NULL, 10);

	return m != n ? (m > n) - (m < n) : strcmp(*x, *y);
}

/*
 * The entries of ROOT/@dir whose names are @prefix then digits (then
 * anything), sorted by that number: *ret is NULL-terminated and malloc'd,
 * as each name. An absent directory gives none; -errno when it cannot be
 * listed.
 */
static int list_dir(const struct capture *c, const char *dir, const char *prefix, char ***ret)
{
	size_t n = 0, cap = 0, plen = strlen(prefix);
	char path[4096 + 128], **v = NULL;
	struct dirent *e;
	DIR *d;
	int r = 0;

	cli_path(path, sizeof(path), c->cli->root, dir);
	d = opendir(path);
	if (!d && (errno == ENOENT || errno == ENOTDIR)) {
		*ret = NULL;
		return 0;
	}
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *s;

		if (strncmp(e->d_name, prefix, plen) || e->d_name[plen] < '0' ||
		    e->d_name[plen] > '9')
			continue;
		if (grow((void **)&v, &cap, n + 2, sizeof(*v)) < 0 || !(s = strdup(e->d_name))) {
			r = -ENOMEM;
			break;
		}
		v[n++] = s;
	}
	closedir(d);
	if (v) {
		v[n] = NULL;
		qsort(v, n, sizeof(*v), cmp_named);
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*ret = v;
	return 0;
}

static void free_names(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * The kernel side (the input of 'kernel'): vmallocinfo and modules, and the
 * sysfs tree beside the root, ROOT/../sys, written to DIR/sys: every hugetlb
 * pool's counters (SYS_POOLS) and every NUMA node's meminfo (SYS_NODES, read
 * right after meminfo: numa.nodes_sum compares the two). Kept in read_order
 * as "../sys/...", relative to DIR/proc as every other entry.
 */
static int capture_sys_dir(struct capture *c, enum sys_dir k)
{
	static const char *const pool_files[] = {
		"nr_hugepages", "free_hugepages", "resv_hugepages", "surplus_hugepages",
		"nr_overcommit_hugepages",
	};
	static const struct {
		const char *dir, *prefix;
	} dirs[] = {
		[SYS_POOLS] = { "../sys/kernel/mm/hugepages", "hugepages-" },
		[SYS_NODES] = { "../sys/devices/system/node", "node" },
	};
	char path[4096 + 128];
	char **names = NULL;
	int e, r = EXIT_OK;

	e = list_dir(c, dirs[k].dir, dirs[k].prefix, &names);
	if (e == -ENOMEM)
		return oom();
	if (e < 0)	/* the directory itself is refused: say it as a file would be */
		return add_denied(c, dirs[k].dir);
	for (size_t i = 0; names && names[i] && r == EXIT_OK; i++) {
		if (k == SYS_POOLS) {
			for (size_t f = 0; f < ARRAY_SIZE(pool_files) && r == EXIT_OK; f++) {
				snprintf(path, sizeof(path), "%s/%s/%s", dirs[k].dir, names[i],
					 pool_files[f]);
				r = hold_optional(c, path);
			}
		} else {
			snprintf(path, sizeof(path), "%s/%s/meminfo", dirs[k].dir, names[i]);
			r = hold_optional(c, path);
		}
	}
	free_names(names);
	return r;
}

static int capture_kernel(struct capture *c)
{
	int r = hold_optional(c, "vmallocinfo");

	if (r == EXIT_OK)
		r = hold_optional(c, "modules");
	if (r == EXIT_OK)
		r = capture_sys_dir(c, SYS_POOLS);
	return r;
}

/* A process whose maps and smaps were read empty: a kernel thread (no mm). */
static bool kernel_thread(const struct capture *c, int pid)
{
	char maps[64], smaps[64];
	const struct held *m, *s;

	snprintf(maps, sizeof(maps), "%d/maps", pid);
	snprintf(smaps, sizeof(smaps), "%d/smaps", pid);
	m = find_held(c, maps);
	s = find_held(c, smaps);
	return m && s && m->len == 0 && s->len == 0;
}

/* Forget the files held since @nfiles (a process that exited while it was read). */
static void drop_held(struct capture *c, size_t nfiles, size_t norder)
{
	while (c->nfiles > nfiles) {
		c->nfiles--;
		free(c->files[c->nfiles].path);
		free(c->files[c->nfiles].data);
	}
	while (c->norder > norder)
		free(c->order[--c->norder]);
}

static int add_int(int **v, size_t *n, size_t *cap, int x)
{
	if (grow((void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return oom();
	(*v)[(*n)++] = x;
	return EXIT_OK;
}

/* A listed process that exited during the capture: none of its files is kept. */
static int vanished(struct capture *c, int pid, size_t nfiles, size_t norder)
{
	drop_held(c, nfiles, norder);
	return add_int(&c->vanished, &c->nvanished, &c->vanished_cap, pid);
}

static int add_denied(struct capture *c, const char *path)
{
	char *s;

	if (grow((void **)&c->denied, &c->denied_cap, c->ndenied + 1, sizeof(*c->denied)) < 0 ||
	    !(s = strdup(path)))
		return oom();
	c->denied[c->ndenied++] = s;
	return EXIT_OK;
}

/*
 * One process's text files, held. A process named on the command line must
 * be captured whole (else exit 3); one found by listing the root (--pid all)
 * may exit meanwhile (then none of its files is kept) or refuse a file (then
 * the others are kept and the MANIFEST's "denied:" names it), as a live
 * reader would see it.
 */
static int hold_process(struct capture *c, struct target *t, size_t nfiles, size_t norder)
{
	static const char *const files[] = { "status", "statm", "maps", "smaps", "smaps_rollup" };
	char path[64];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%d/%s", t->pid, files[i]);
		r = hold_file(c, path, true);
		if (r == -ENOMEM)
			return oom();
		if (t->listed && (r == -ESRCH || (r == -ENOENT && (c->live || i == 0))) &&
		    !(r == -ESRCH && !strcmp(files[i], "smaps_rollup") && kernel_thread(c, t->pid)))
			return vanished(c, t->pid, nfiles, norder);
		if (t->listed && (r == -EACCES || r == -EPERM)) {
			/* without its status nothing of it is known (a "denied" process) */
			if (add_denied(c, path) != EXIT_OK)
				return EXIT_READ;
			if (i == 0)
				return EXIT_OK;
			continue;
		}
		if (r == -ENOENT && t->listed)
			continue;	/* a captured root without it: a copy of what it holds */
		if ((r == -ENOENT || r == -ESRCH) && i == 0) {
			cli_err("pid %d: no such process", t->pid);
			return EXIT_READ;
		}
		if (r == -ENOENT && !strcmp(files[i], "smaps_rollup")) {
			fprintf(stderr, PROG ": note: %s/%s is not there (Linux 4.14+): not "
				"captured\n", c->cli->root, path);
			continue;
		}
		if (r == -ESRCH && !strcmp(files[i], "smaps_rollup") && kernel_thread(c, t->pid)) {
			/* show_smaps_rollup: no mm, ESRCH; status and the empty maps tell it */
			if (!t->listed)
				fprintf(stderr, PROG ": note: pid %d is a kernel thread: it has no "
					"smaps_rollup%s\n", t->pid,
					t->pages ? " and no pagemap" : "");
			t->captured = true;
			t->kthread = true;
			return EXIT_OK;
		}
		if (r == -ESRCH || (r == -ENOENT && c->live)) {
			cli_err("pid %d: exited during the capture", t->pid);
			return EXIT_READ;
		}
		if (r < 0) {
			cli_diag(c->cli->root, path, r, NULL);
			return EXIT_READ;
		}
	}
	t->captured = true;
	return EXIT_OK;
}

/* PID/smaps_rollup as the kernel prints it now, into @probe; false when it cannot be read. */
static bool probe_rollup(struct capture *c, int pid, char **probe, size_t *len)
{
	char path[64];
	const char *buf;
	char *p;

	snprintf(path, sizeof(path), "%d/smaps_rollup", pid);
	if (memacct_source_read_file(c->src, path, &buf, len) < 0)
		return false;
	p = realloc(*probe, *len ? *len : 1);
	if (!p)
		return false;
	memcpy(p, buf, *len);
	*probe = p;
	return true;
}

/*
 * One process: its text files, then with --pages its pagemap. The files are
 * read one after another, and a live process may change meanwhile: then
 * they disagree with each other, which check reads as a violation in a
 * captured tree (nothing moves there). So on a live root smaps_rollup is
 * also printed before the others: when the one kept after them differs, the
 * process moved, and its files are read again (up to STEADY_TRIES times;
 * the MANIFEST's "unsteady:" names a process that never held still).
 */
#define STEADY_TRIES 4

/* A process is read between two meminfo reads this many apart, as in a live scan. */
#define SCAN_EVERY 8

/*
 * Append the root's meminfo to meminfo.scan: the tree keeps one meminfo, read
 * before its processes, and check on it allows for how far meminfo moved
 * while they were read only when it can see that (procs.c sample_captured()).
 */
static int sample_meminfo(struct capture *c)
{
	const char *buf;
	size_t len;
	int r;

	r = memacct_source_read_file(c->src, "meminfo", &buf, &len);
	if (r < 0) {
		cli_diag(c->cli->root, "meminfo", r, NULL);
		return EXIT_READ;
	}
	if (grow((void **)&c->scan, &c->scan_cap, c->scan_len + len + 2, 1) < 0)
		return oom();
	memcpy(c->scan + c->scan_len, buf, len);
	c->scan_len += len;
	if (len && buf[len - 1] != '\n')
		c->scan[c->scan_len++] = '\n';
	c->scan[c->scan_len++] = '\n';
	c->nscan++;
	return EXIT_OK;
}

static int capture_process(struct capture *c, struct target *t)
{
	size_t nfiles = c->nfiles, norder = c->norder, ndenied = c->ndenied, plen = 0;
	char *probe = NULL, rollup[64];
	int r = EXIT_OK;

	snprintf(rollup, sizeof(rollup), "%d/smaps_rollup", t->pid);
	for (int try = 1;; try++) {
		bool probed = c->live && probe_rollup(c, t->pid, &probe, &plen);
		const struct held *h;

		r = hold_process(c, t, nfiles, norder);
		if (r != EXIT_OK || !probed || !t->captured || t->kthread)
			break;
		h = find_held(c, rollup);
		if (!h || (h->len == plen && !memcmp(h->data, probe, plen)))
			break;
		if (try == STEADY_TRIES) {
			r = add_int(&c->unsteady, &c->nunsteady, &c->unsteady_cap, t->pid);
			break;
		}
		drop_held(c, nfiles, norder);
		while (c->ndenied > ndenied)
			free(c->denied[--c->ndenied]);
		t->captured = false;
	}
	free(probe);
	if (r == EXIT_OK && t->captured && t->pages)
		r = capture_pagemap(c, t->pid);
	return r;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_target(const void *a, const void *b)
{
	return cmp_int(&((const struct target *)a)->pid, &((const struct target *)b)->pid);
}

/*
 * --pid all: every numeric directory of the root joins the processes named
 * with --pid and --pages, all in pid order. The capturing process itself is
 * left out of a live root: its memory is the capture being made.
 */
static int list_processes(struct capture *c)
{
	int self = c->live ? (int)getpid() : 0;
	struct dirent *e;
	size_t cap = c->ntargets;
	DIR *d;

	d = opendir(c->cli->root);
	if (!d) {
		cli_err("%s: cannot list the processes: %s", c->cli->root, strerror(errno));
		return EXIT_READ;
	}
	while ((e = readdir(d))) {
		char *end;
		long pid;
		size_t i;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX || pid == self)
			continue;
		for (i = 0; i < c->ntargets && c->targets[i].pid != pid; i++)
			;
		if (i < c->ntargets)
			continue;	/* named: captured whole, or exit 3 */
		if (grow((void **)&c->targets, &cap, c->ntargets + 1, sizeof(*c->targets)) < 0) {
			closedir(d);
			return oom();
		}
		c->targets[c->ntargets++] = (struct target){ .pid = (int)pid, .listed = true };
	}
	closedir(d);
	if (c->ntargets)
		qsort(c->targets, c->ntargets, sizeof(*c->targets), cmp_target);
	return EXIT_OK;
}

static void stat_refresh(const struct capture *c)
{
	char path[4096 + 32];
	int fd;

	cli_path(path, sizeof(path), c->cli->root, "sys/vm/stat_refresh");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	/* EINVAL: a counter was negative after the fold, which still happened */
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		fprintf(stderr, PROG ": warning: writing %s failed (%s)%s\n", path, strerror(errno),
			errno == EINVAL ? ": a counter was negative after folding" : "");
	if (fd >= 0)
		close(fd);
}

/* ---------------------------------------------------------------- writing */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_stage(struct capture *c)
{
	if (c->proc_fd >= 0)
		close(c->proc_fd);
	c->proc_fd = -1;
	if (c->stage)
		nftw(c->stage, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* DIR: absent, or an empty directory. */
static int check_dir(const char *dir)
{
	struct stat st;
	int fd, n = 0;

	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		cli_err("%s: %s", dir, strerror(errno));
		return EXIT_READ;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_err("%s: exists and is not a directory", dir);
		return EXIT_READ;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *de;

		if (!d) {
			close(fd);
			fd = -1;
		} else {
			while ((de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					n++;
			closedir(d);
		}
	}
	if (fd < 0) {
		cli_err("%s: %s", dir, strerror(errno));
		return EXIT_READ;
	}
	if (n) {
		cli_err("%s: not empty: a capture goes into a new or empty directory", dir);
		return EXIT_READ;
	}
	return 0;
}

static int mkdir_proc(struct capture *c)
{
	int dfd = open(c->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = -1;

	if (dfd < 0)
		return -1;
	if (mkdirat(dfd, "proc", 0755) == 0)
		c->proc_fd = openat(dfd, "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->proc_fd >= 0)
		r = 0;
	close(dfd);
	return r;
}

static int make_stage(struct capture *c)
{
	size_t len = strlen(c->dir);
	char *p;

	while (len > 1 && c->dir[len - 1] == '/')
		len--;
	p = malloc(len + sizeof(".capture-XXXXXX"));
	if (!p)
		return oom();
	memcpy(p, c->dir, len);
	memcpy(p + len, ".capture-XXXXXX", sizeof(".capture-XXXXXX"));
	if (!mkdtemp(p)) {
		cli_err("%s: cannot create a directory beside it: %s", c->dir, strerror(errno));
		free(p);
		return EXIT_READ;
	}
	c->stage = p;
	/* mkdtemp makes it 0700; a capture is as readable as a checkout */
	if (chmod(p, 0755) < 0 || mkdir_proc(c) < 0) {
		cli_err("%s: %s", p, strerror(errno));
		return EXIT_READ;
	}
	return EXIT_OK;
}

static int write_held(struct capture *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		int fd = create_file(c, c->files[i].path), r;

		if (fd < 0)
			return EXIT_READ;
		r = write_all(fd, c->files[i].data, c->files[i].len);
		if (close(fd) < 0 && r == 0)
			r = -errno;
		if (r < 0) {
			cli_err("%s/proc/%s: %s", c->stage, c->files[i].path, strerror(-r));
			return EXIT_READ;
		}
		c->bytes += c->files[i].len;
	}
	return EXIT_OK;
}

/* The first line of a held file, without its newline; "" when not held. */
static const char *first_line(const struct capture *c, const char *path, int *ret_len)
{
	const struct held *h = find_held(c, path);
	const char *nl;

	if (!h) {
		*ret_len = 0;
		return "";
	}
	nl = memchr(h->data, '\n', h->len);
	*ret_len = (int)(nl ? (size_t)(nl - h->data) : h->len);
	return h->data;
}

static size_t captured(const struct capture *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ntargets; i++)
		n += c->targets[i].captured;
	return n;
}

static int write_scan(struct capture *c)
{
	int fd, r;

	if (!c->nscan)
		return EXIT_OK;
	fd = openat(c->proc_fd, "../meminfo.scan", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	r = fd < 0 ? -errno : write_all(fd, c->scan, c->scan_len);
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		cli_err("%s/meminfo.scan: %s", c->stage, strerror(-r));
		return EXIT_READ;
	}
	c->bytes += c->scan_len;
	return EXIT_OK;
}

static int write_manifest(struct capture *c)
{
	char when[32], path[4096 + 16];
	struct utsname u;
	const char *kernel;
	uint64_t v;
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int klen;
	FILE *f;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(path, sizeof(path), "%s/MANIFEST", c->stage);
	f = fopen(path, "wxe");
	if (!f) {
		cli_err("%s: %s", path, strerror(errno));
		return EXIT_READ;
	}
	fprintf(f, "origin: captured\n");
	kernel = first_line(c, "sys/kernel/osrelease", &klen);
	if (klen)
		fprintf(f, "kernel: %.*s\n", klen, kernel);
	if (c->live && uname(&u) == 0)
		fprintf(f, "arch: %s\n", u.machine);
	fprintf(f, "page_size: %" PRIu64 "\n", c->page_size);
	if (memacct_source_get(c->src, MEMACCT_SOURCE_NCPUS, &v) == 0)
		fprintf(f, "cpus: %" PRIu64 "\n", v);
	fprintf(f, "captured: %s\n", when);
	fprintf(f, "state: %s\n", c->state ? c->state : "not said (no --state given)");
	fprintf(f, "stat_refresh: %s\n", c->stat_refresh ? "yes" : "no");
	fputs("read_order:", f);
	for (i = 0; i < c->norder; i++)
		fprintf(f, " %s", c->order[i]);
	fprintf(f, "\nread_duration_us: %" PRIu64 "\n", c->t1 - c->t0);
	fprintf(f, "processes: %s\n", c->all ? "all" : c->ntargets ? "listed" : "none");
	if (captured(c)) {
		fputs("pids:", f);
		for (i = 0; i < c->ntargets; i++)
			if (c->targets[i].captured)
				fprintf(f, " %d", c->targets[i].pid);
		fputc('\n', f);
	}
	for (i = 0; i < c->ntargets && !c->targets[i].pages; i++)
		;
	if (i < c->ntargets) {
		fputs("pages:", f);
		for (i = 0; i < c->ntargets; i++)
			if (c->targets[i].pages)
				fprintf(f, " %d", c->targets[i].pid);
		fputc('\n', f);
	}
	if (c->nvanished) {
		fputs("vanished:", f);
		for (i = 0; i < c->nvanished; i++)
			fprintf(f, " %d", c->vanished[i]);
		fputc('\n', f);
	}
	if (c->nunsteady) {
		fputs("unsteady:", f);
		for (i = 0; i < c->nunsteady; i++)
			fprintf(f, " %d", c->unsteady[i]);
		fputc('\n', f);
	}
	if (c->ndenied) {
		fputs("denied:", f);
		for (i = 0; i < c->ndenied; i++)
			fprintf(f, " %s", c->denied[i]);
		fputc('\n', f);
	}
	if (c->census)
		fprintf(f, "census_pfns: %" PRIx64 "-%" PRIx64 "\n", c->pfn_first,
			c->pfn_end && c->pfn_end < c->kpage_end ? c->pfn_end : c->kpage_end);
	if (c->nscan)
		fprintf(f, "meminfo_scan: %zu\n", c->nscan);
	if (ferror(f) | (fclose(f) != 0)) {
		cli_err("%s: write error", path);
		return EXIT_READ;
	}
	return EXIT_OK;
}

/* Rename the stage to DIR (over an empty directory, which rename(2) allows). */
static int publish(struct capture *c)
{
	close(c->proc_fd);
	c->proc_fd = -1;
	if (rename(c->stage, c->dir) < 0) {
		cli_err("%s: cannot rename %s to it: %s", c->dir, c->stage, strerror(errno));
		return EXIT_READ;
	}
	free(c->stage);
	c->stage = NULL;
	return EXIT_OK;
}

static void print_summary(const struct capture *c)
{
	size_t i;

	if (c->cli->format == FORMAT_JSON) {
		struct json j;

		json_begin(&j, stdout);
		json_object_begin(&j);
		json_kv_str(&j, "dir", c->dir);
		json_kv_u64(&j, "files", c->norder + 1);
		json_kv_u64(&j, "bytes", c->bytes);
		json_kv_u64(&j, "read_duration_us", c->t1 - c->t0);
		json_kv_bool(&j, "stat_refresh", c->stat_refresh);
		json_key(&j, "pids");
		json_array_begin(&j);
		for (i = 0; i < c->ntargets; i++)
			if (c->targets[i].captured)
				json_u64(&j, (uint64_t)c->targets[i].pid);
		json_array_end(&j);
		json_key(&j, "pages");
		json_array_begin(&j);
		for (i = 0; i < c->ntargets; i++)
			if (c->targets[i].pages)
				json_u64(&j, (uint64_t)c->targets[i].pid);
		json_array_end(&j);
		json_key(&j, "vanished");
		json_array_begin(&j);
		for (i = 0; i < c->nvanished; i++)
			json_u64(&j, (uint64_t)c->vanished[i]);
		json_array_end(&j);
		json_key(&j, "denied");
		json_array_begin(&j);
		for (i = 0; i < c->ndenied; i++)
			json_str(&j, c->denied[i]);
		json_array_end(&j);
		json_object_end(&j);
		json_end(&j);
		return;
	}
	printf("captured %s: %zu files, %" PRIu64 " bytes, %zu processes, read in %" PRIu64
	       " us (stat_refresh: %s)\n", c->dir, c->norder + 1, c->bytes, captured(c),
	       c->t1 - c->t0, c->stat_refresh ? "yes" : "no");
	if (c->nvanished || c->ndenied)
		printf("not captured: %zu processes that exited meanwhile, %zu files the kernel "
		       "refused (MANIFEST: vanished, denied)\n", c->nvanished, c->ndenied);
}

/* ---------------------------------------------------------------- options */

static int add_targets(struct capture *c, const char *arg, bool pages)
{
	const char *p = arg;

	if (!pages && (!strcmp(arg, "all") || !strcmp(arg, "none"))) {
		if (arg[0] == 'a' ? c->none : c->all)
			return cli_usage_error("capture", "--pid all and --pid none contradict "
					       "each other");
		*(arg[0] == 'a' ? &c->all : &c->none) = true;
		return 0;
	}
	do {
		char num[32];
		size_t len = strcspn(p, ",");
		struct target *t;
		int pid;

		if (len == 0 || len >= sizeof(num))
			return cli_usage_error("capture", "'%s' is not a list of process ids", arg);
		memcpy(num, p, len);
		num[len] = '\0';
		if (cli_parse_pid("capture", num, &pid))
			return EXIT_USAGE;
		for (size_t i = 0; i < c->ntargets; i++)
			if (c->targets[i].pid == pid) {
				c->targets[i].pages |= pages;
				goto next;
			}
		t = realloc(c->targets, (c->ntargets + 1) * sizeof(*t));
		if (!t)
			return oom();
		c->targets = t;
		c->targets[c->ntargets++] = (struct target){ .pid = pid, .pages = pages };
next:
		p += len;
	} while (*p++ == ',');
	return 0;
}

static int parse_hex(const char *s, const char *end, uint64_t *ret)
{
	uint64_t v = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' :
			*s >= 'a' && *s <= 'f' ? *s - 'a' + 10 :
			*s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;

		if (d < 0 || v >> 60)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*ret = v;
	return 0;
}

static int parse_pfns(struct capture *c, const char *arg)
{
	const char *dash = strchr(arg, '-');

	if (!dash || parse_hex(arg, dash, &c->pfn_first) < 0 ||
	    parse_hex(dash + 1, dash + strlen(dash), &c->pfn_end) < 0 ||
	    c->pfn_end <= c->pfn_first)
		return cli_usage_error("capture", "--pfns wants FIRST-END in hexadecimal, "
				       "FIRST < END, e.g. 100000-140000; not '%s'", arg);
	return 0;
}

static int parse_args(struct capture *c, struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_GLOBAL_OPTIONS,
		{ "pid", required_argument, NULL, OPT_PID },
		{ "pages", required_argument, NULL, OPT_PAGES },
		{ "census", no_argument, NULL, OPT_CENSUS },
		{ "pfns", required_argument, NULL, OPT_PFNS },
		{ "stat-refresh", no_argument, NULL, OPT_STAT_REFRESH },
		{ "state", required_argument, NULL, OPT_STATE },
		{ NULL, 0, NULL, 0 },
	};
	bool pfns = false;
	int ch, r;

	while ((ch = cli_next_option(cli, "capture", argc, argv, opts)) >= 0) {
		switch (ch) {
		case OPT_PID:
		case OPT_PAGES:
			r = add_targets(c, optarg, ch == OPT_PAGES);
			if (r)
				return r;
			break;
		case OPT_CENSUS:
			c->census = true;
			break;
		case OPT_PFNS:
			if (parse_pfns(c, optarg))
				return EXIT_USAGE;
			pfns = true;
			break;
		case OPT_STAT_REFRESH:
			c->stat_refresh = true;
			break;
		case OPT_STATE:
			if (strpbrk(optarg, "\n\r"))
				return cli_usage_error("capture", "--state TEXT must be one line");
			c->state = optarg;
			break;
		}
	}
	if (ch == CLI_OPT_USAGE)
		return EXIT_USAGE;
	if (cli->help)
		return -1;
	if (cli->format == FORMAT_PROM)
		return cli_usage_error("capture", "capture prints no Prometheus metrics "
				       "(--format table or json)");
	if (optind >= argc)
		return cli_usage_error("capture", "a directory to capture into is needed");
	if (optind + 1 < argc)
		return cli_usage_error("capture", "unexpected argument '%s'", argv[optind + 1]);
	if (!argv[optind][0])
		return cli_usage_error("capture", "the directory name is empty");
	if (pfns && !c->census)
		return cli_usage_error("capture", "--pfns goes with --census");
	for (size_t i = 0; c->none && i < c->ntargets; i++)
		if (!c->targets[i].pages)
			return cli_usage_error("capture", "--pid none captures no process; not "
					       "with --pid %d", c->targets[i].pid);
	/* Nothing named: every process, so that check --pid all and --system read it back. */
	if (!c->ntargets && !c->none)
		c->all = true;
	c->dir = argv[optind];
	return 0;
}

/* ---------------------------------------------------------------- command */

static int run(struct capture *c)
{
	bool pages = c->census;
	uint64_t live = 0;
	int r;

	r = memacct_source_new(c->cli->root, NULL, &c->src);
	if (r < 0) {
		cli_err("%s: cannot open the root: %s", c->cli->root, memacct_strerror(r));
		return EXIT_READ;
	}
	c->live = memacct_source_get(c->src, MEMACCT_SOURCE_LIVE, &live) == 0 && live;
	if (memacct_source_get(c->src, MEMACCT_SOURCE_PAGE_SIZE, &c->page_size) < 0) {
		cli_err("%s: the page size is unknown (a captured tree needs a MANIFEST with "
			"page_size)", c->cli->root);
		return EXIT_READ;
	}
	if (c->stat_refresh && !c->live) {
		cli_err("%s: --stat-refresh needs a live /proc", c->cli->root);
		return EXIT_READ;
	}
	for (size_t i = 0; i < c->ntargets; i++)
		pages |= c->targets[i].pages;
	if (pages) {
		c->buf = malloc(CHUNK * sizeof(*c->buf));
		if (!c->buf)
			return oom();
	}
	r = check_dir(c->dir);
	if (r)
		return r;
	if (c->all) {
		r = list_processes(c);
		if (r)
			return r;
	}
	r = make_stage(c);
	if (r)
		return r;

	if (c->stat_refresh)
		stat_refresh(c);
	c->t0 = mono_us();
	r = capture_system(c);
	if (r == EXIT_OK)
		r = capture_kernel(c);
	for (size_t i = 0; i < c->ntargets && r == EXIT_OK; i++) {
		r = capture_process(c, &c->targets[i]);
		if (r == EXIT_OK && c->live && ((i + 1) % SCAN_EVERY == 0 || i + 1 == c->ntargets))
			r = sample_meminfo(c);
	}
	if (r == EXIT_OK && pages)
		r = capture_kpages(c);
	c->t1 = mono_us();
	if (r != EXIT_OK)
		return r;
	r = hold_file(c, "sys/kernel/osrelease", false);
	if (r < 0 && r != -ENOENT) {
		cli_diag(c->cli->root, "sys/kernel/osrelease", r, NULL);
		return EXIT_READ;
	}
	r = write_held(c);
	if (r == EXIT_OK)
		r = write_scan(c);
	if (r == EXIT_OK)
		r = write_manifest(c);
	if (r == EXIT_OK)
		r = publish(c);
	if (r == EXIT_OK)
		print_summary(c);
	return r;
}

int cmd_capture(struct cli *cli, int argc, char **argv)
{
	struct capture c = { .cli = cli, .proc_fd = -1 };
	size_t i;
	int r;

	r = parse_args(&c, cli, argc, argv);
	if (r < 0) {
		help_capture(stdout);
		r = EXIT_OK;
	} else if (r == 0) {
		r = run(&c);
	}
	if (r != EXIT_OK)
		remove_stage(&c);
	else if (c.proc_fd >= 0)
		close(c.proc_fd);
	free(c.stage);
	for (i = 0; i < c.nfiles; i++) {
		free(c.files[i].path);
		free(c.files[i].data);
	}
	free(c.files);
	for (i = 0; i < c.norder; i++)
		free(c.order[i]);
	free(c.order);
	for (i = 0; i < c.ndenied; i++)
		free(c.denied[i]);
	free(c.denied);
	free(c.vanished);
	free(c.unsteady);
	free(c.pfns);
	free(c.buf);
	free(c.scan);
	free(c.targets);
	memacct_source_free(c.src);
	return r;
}
