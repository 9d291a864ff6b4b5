/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "table.h"

struct memacct_kpage {
	struct table t;
};

#define DENIED(f) \
	"/proc/" f " is readable by root only (CAP_SYS_ADMIN also needed for PFNs in pagemap)"

static const struct {
	const char *path;
	const char *denied;
} kpage_files[] = {
	[MEMACCT_KPAGE_FLAGS] = { "kpageflags", DENIED("kpageflags") },
	[MEMACCT_KPAGE_COUNT] = { "kpagecount", DENIED("kpagecount") },
	[MEMACCT_KPAGE_CGROUP] = { "kpagecgroup", DENIED("kpagecgroup") },
};

int memacct_kpage_open(struct memacct_source *src, uint32_t which, struct memacct_kpage **ret,
		       struct memacct_diag *diag)
{
	struct memacct_kpage *kp;
	const char *path;
	int r;

	assert_return(src && ret, -EINVAL);
	assert_return(which >= MEMACCT_KPAGE_FLAGS && which <= MEMACCT_KPAGE_CGROUP, -EINVAL);
	path = kpage_files[which].path;
	kp = calloc(1, sizeof(*kp));
	if (!kp)
		return -ENOMEM;
	r = table_open(src, path, &kp->t, diag);
	if (r < 0) {
		free(kp);
		/* fs/proc/page.c: proc_create(..., S_IRUSR, ...) */
		if (source_is_live(src) && (r == -EACCES || r == -EPERM)) {
			r = -EPERM;
			diag_set(diag, r, 0, 0, path, strlen(path), kpage_files[which].denied);
		} else if (r == -ENOENT) {
			diag_set(diag, r, 0, 0, path, strlen(path),
				 source_is_live(src) ? "the kernel has no such file"
						     : "the capture has no such file");
		}
		return r;
	}
	*ret = kp;
	return 0;
}

struct memacct_kpage *memacct_kpage_free(struct memacct_kpage *kp)
{
	if (!kp)
		return NULL;
	table_close(&kp->t);
	free(kp);
	return NULL;
}

int memacct_kpage_read(struct memacct_kpage *kp, uint64_t pfn, size_t n, uint64_t *out,
		       size_t *ret_n)
{
	assert_return(kp && (out || n == 0) && ret_n, -EINVAL);
	return table_read(&kp->t, pfn, n, out, ret_n);
}

int memacct_kpage_next(const struct memacct_kpage *kp, uint64_t pfn, uint64_t *ret_pfn)
{
	assert_return(kp && ret_pfn, -EINVAL);
	return table_next(&kp->t, pfn, ret_pfn);
}

/* include/uapi/linux/kernel-page-flags.h (0-26), include/linux/kernel-page-flags.h (32-42). */
static const char *const kpf_names[] = {
	[MEMACCT_KPF_LOCKED] = "LOCKED",
	[MEMACCT_KPF_ERROR] = "ERROR",
	[MEMACCT_KPF_REFERENCED] = "REFERENCED",
	[MEMACCT_KPF_UPTODATE] = "UPTODATE",
	[MEMACCT_KPF_DIRTY] = "DIRTY",
	[MEMACCT_KPF_LRU] = "LRU",
	[MEMACCT_KPF_ACTIVE] = "ACTIVE",
	[MEMACCT_KPF_SLAB] = "SLAB",
	[MEMACCT_KPF_WRITEBACK] = "WRITEBACK",
	[MEMACCT_KPF_RECLAIM] = "RECLAIM",
	[MEMACCT_KPF_BUDDY] = "BUDDY",
	[MEMACCT_KPF_MMAP] = "MMAP",
	[MEMACCT_KPF_ANON] = "ANON",
	[MEMACCT_KPF_SWAPCACHE] = "SWAPCACHE",
	[MEMACCT_KPF_SWAPBACKED] = "SWAPBACKED",
	[MEMACCT_KPF_COMPOUND_HEAD] = "COMPOUND_HEAD",
	[MEMACCT_KPF_COMPOUND_TAIL] = "COMPOUND_TAIL",
	[MEMACCT_KPF_HUGE] = "HUGE",
	[MEMACCT_KPF_UNEVICTABLE] = "UNEVICTABLE",
	[MEMACCT_KPF_HWPOISON] = "HWPOISON",
	[MEMACCT_KPF_NOPAGE] = "NOPAGE",
	[MEMACCT_KPF_KSM] = "KSM",
	[MEMACCT_KPF_THP] = "THP",
	[MEMACCT_KPF_OFFLINE] = "OFFLINE",
	[MEMACCT_KPF_ZERO_PAGE] = "ZERO_PAGE",
	[MEMACCT_KPF_IDLE] = "IDLE",
	[MEMACCT_KPF_PGTABLE] = "PGTABLE",
	[MEMACCT_KPF_RESERVED] = "RESERVED",
	[MEMACCT_KPF_MLOCKED] = "MLOCKED",
	[MEMACCT_KPF_OWNER_2] = "OWNER_2",
	[MEMACCT_KPF_PRIVATE] = "PRIVATE",
	[MEMACCT_KPF_PRIVATE_2] = "PRIVATE_2",
	[MEMACCT_KPF_OWNER_PRIVATE] = "OWNER_PRIVATE",
	[MEMACCT_KPF_ARCH] = "ARCH",
	[MEMACCT_KPF_UNCACHED] = "UNCACHED",
	[MEMACCT_KPF_SOFTDIRTY] = "SOFTDIRTY",
	[MEMACCT_KPF_ARCH_2] = "ARCH_2",
	[MEMACCT_KPF_ARCH_3] = "ARCH_3",
};

int memacct_kpageflag_info(unsigned int bit, const char **ret_name, uint32_t *ret_attrs)
{
	if (bit >= ARRAY_SIZE(kpf_names) || !kpf_names[bit])
		return -ENOENT;
	if (ret_name)
		*ret_name = kpf_names[bit];
	if (ret_attrs)
		*ret_attrs = bit >= MEMACCT_KPF_RESERVED ? MEMACCT_KPF_ATTR_UNSTABLE : 0;
	return 0;
}

int memacct_kpageflag_from_name(const char *name, unsigned int *ret_bit)
{
	assert_return(name && ret_bit, -EINVAL);
	for (unsigned int i = 0; i < ARRAY_SIZE(kpf_names); i++) {
		if (kpf_names[i] && !strcmp(kpf_names[i], name)) {
			*ret_bit = i;
			return 0;
		}
	}
	return -ENOENT;
}
