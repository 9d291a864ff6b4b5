/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The example of libmemacct(3), which holds this file verbatim. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <memacct/memacct.h>

/* Called once per identity; r is valid only during the call. */
static int print_verdict(const struct memacct_check_result *r,
			 void *userdata)
{
	const char *status = "?";

	(void)userdata;
	memacct_check_status_name(r->status, &status);
	printf("%s: %s\n", r->id, status);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const only[] = {
		"meminfo.active_split", "meminfo.slab_split", NULL
	};
	struct memacct_check_opts opts = {
		.sz = sizeof(opts), .only = only
	};
	struct memacct_diag diag = { .sz = sizeof(diag) };
	struct memacct_source *src = NULL;
	struct memacct_meminfo *mi = NULL;
	struct memacct_snapshot *snap = NULL;
	/* A captured tree (fixtures/quiet/proc), or NULL: /proc. */
	const char *root = argc > 1 ? argv[1] : NULL;
	uint64_t total, avail;
	int64_t unaccounted;
	int r, violated = -1;

	r = memacct_source_new(root, NULL, &src);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", root ? root : "/proc",
			memacct_strerror(r));
		return 2;
	}
	r = memacct_meminfo_new(&mi);
	if (r == 0)
		r = memacct_meminfo_read(mi, src, &diag);
	if (r == -EBADMSG || r == -EOVERFLOW) {
		fprintf(stderr, "meminfo:%" PRIu32 ":%" PRIu32 ": %s\n",
			diag.line, diag.column, diag.message);
		goto out;
	} else if (r < 0) {
		fprintf(stderr, "meminfo: %s\n", memacct_strerror(r));
		goto out;
	}

	/* A parse fails without MemTotal: it is always there. */
	memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, &total);
	printf("MemTotal: %" PRIu64 " bytes\n", total);
	/* Absent before Linux 3.14: -ENOENT, never 0. */
	r = memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMAVAILABLE,
			       &avail);
	if (r == 0)
		printf("MemAvailable: %" PRIu64 " bytes\n", avail);
	else if (r == -ENOENT)
		printf("MemAvailable: absent\n");
	r = memacct_meminfo_get_derived(mi,
					MEMACCT_DERIVED_UNACCOUNTED_LRU,
					&unaccounted);
	if (r == 0)
		printf("unaccounted (LRU formula): %" PRId64 " bytes\n",
		       unaccounted);

	/* The snapshot borrows mi: mi must outlive it. */
	r = memacct_snapshot_new(&snap);
	if (r == 0)
		r = memacct_snapshot_set_meminfo(snap, mi);
	if (r == 0)
		r = memacct_snapshot_set_source(snap, src);
	if (r == 0)
		r = memacct_check_run(snap, &opts, print_verdict, NULL);
	if (r < 0)
		fprintf(stderr, "check: %s\n", memacct_strerror(r));
	else
		violated = r;	/* the number of identities violated */
out:
	memacct_snapshot_free(snap);
	memacct_meminfo_free(mi);
	memacct_source_free(src);
	if (violated < 0)
		return 2;
	return violated > 0 ? 1 : 0;
}
