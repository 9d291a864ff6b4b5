/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <endian.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pmscan.h"
#include "table.h"

#define CAP_SYS_ADMIN_BIT 21	/* include/uapi/linux/capability.h */

struct memacct_pagemap {
	struct table t;
	uint64_t page_size;
	int may_see_pfns;
	struct pmscan scan;
};

int memacct_pages_decode(const void *buf, size_t len, uint64_t *out, size_t cap, size_t *ret_n)
{
	const unsigned char *p = buf;
	size_t n = len / 8;

	assert_return((buf || len == 0) && (out || cap == 0) && ret_n, -EINVAL);
	if (len % 8)
		return -EINVAL;
	if (n > cap)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, p + i * 8, 8);
		out[i] = le64toh(v);
	}
	*ret_n = n;
	return 0;
}

/*
 * pagemap_read() shows PFNs when the opener has CAP_SYS_ADMIN
 * (fs/proc/task_mmu.c: file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN)):
 * our effective set at open time.
 */
static int has_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return !!(data[CAP_SYS_ADMIN_BIT / 32].effective & (1u << (CAP_SYS_ADMIN_BIT % 32)));
}

int memacct_pagemap_open(struct memacct_source *src, int pid, struct memacct_pagemap **ret,
			 struct memacct_diag *diag)
{
	struct memacct_pagemap *pm;
	char path[32];
	uint64_t page_size;
	bool live;
	int r;

	assert_return(src && pid > 0 && ret, -EINVAL);
	live = source_is_live(src);
	if (memacct_source_get(src, MEMACCT_SOURCE_PAGE_SIZE, &page_size) < 0) {
		diag_set(diag, -ENOENT, 0, 0, "page_size", 9,
			 "the capture does not say its page size (MANIFEST page_size)");
		return -ENOENT;
	}
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%d/pagemap", pid);
	r = table_open(src, path, &pm->t, diag);
	if (r < 0) {
		free(pm);
		if (live && r == -ENOENT)
			r = -ESRCH;
		if (r == -ESRCH)
			diag_set(diag, r, 0, 0, path, strlen(path),
				 "no such process, or a kernel thread");
		else if (r == -EACCES || r == -EPERM)
			diag_set(diag, r, 0, 0, path, strlen(path),
				 "not allowed to read the process's pagemap (PTRACE_MODE_READ)");
		else if (r == -ENOENT)
			diag_set(diag, r, 0, 0, path, strlen(path), "the capture has no pagemap");
		return r;
	}
	pm->page_size = page_size;
	pm->may_see_pfns = live ? has_cap_sys_admin() : 1;
	*ret = pm;
	return 0;
}

struct memacct_pagemap *memacct_pagemap_free(struct memacct_pagemap *pm)
{
	if (!pm)
		return NULL;
	table_close(&pm->t);
	free(pm);
	return NULL;
}

int memacct_pagemap_read(struct memacct_pagemap *pm, uint64_t vaddr, size_t n, uint64_t *out,
			 size_t *ret_n)
{
	assert_return(pm && (out || n == 0) && ret_n, -EINVAL);
	if (vaddr % pm->page_size)
		return -EINVAL;
	return table_read(&pm->t, vaddr / pm->page_size, n, out, ret_n);
}

int memacct_pagemap_may_see_pfns(const struct memacct_pagemap *pm)
{
	assert_return(pm, -EINVAL);
	return pm->may_see_pfns;
}

int pagemap_next_used(struct memacct_pagemap *pm, uint64_t start, uint64_t end, uint64_t *ret_start,
		      uint64_t *ret_end)
{
	if (pm->t.kind != TABLE_LIVE) {
		*ret_start = start;
		*ret_end = end;
		return start < end;
	}
	return pmscan_next(&pm->scan, pm->t.fd, start, end, PMSCAN_GAP_PAGES * pm->page_size,
			   ret_start, ret_end);
}
