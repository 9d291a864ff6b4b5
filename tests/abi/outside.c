/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program outside the tree, built only from the installed headers and library. */
#include <stdio.h>
#include <inttypes.h>
#include <memacct/memacct.h>

int main(int argc, char **argv)
{
	struct memacct_source *src = NULL;
	struct memacct_meminfo *mi = NULL;
	uint64_t total;
	int r;

	if (memacct_version() != MEMACCT_VERSION_HEX)
		return 1;
	printf("version %s\n", memacct_version_string());
	r = memacct_source_new(argc > 1 ? argv[1] : NULL, NULL, &src);
	if (r == 0)
		r = memacct_meminfo_new(&mi);
	if (r == 0)
		r = memacct_meminfo_read(mi, src, NULL);
	if (r == 0)
		r = memacct_meminfo_get(mi, MEMACCT_MEMINFO_MEMTOTAL, &total);
	if (r < 0) {
		fprintf(stderr, "outside: %s\n", memacct_strerror(r));
		return 1;
	}
	printf("MemTotal %" PRIu64 "\n", total);
	memacct_meminfo_free(mi);
	memacct_source_free(src);
	return 0;
}
