/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/ioctl.h>

#include "pmscan.h"

/* include/uapi/linux/fs.h, Linux 6.7; Debian 12's headers predate it. */
struct pmscan_arg {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

#define PMSCAN_IOCTL _IOWR('f', 16, struct pmscan_arg)
#define PAGE_IS_PRESENT (1u << 3)
#define PAGE_IS_SWAPPED (1u << 4)

void pmscan_reset(struct pmscan *s)
{
	bool unsupported = s->unsupported;

	*s = (struct pmscan){ .unsupported = unsupported };
}

static int scan(struct pmscan *s, int fd, uint64_t start, uint64_t end)
{
	struct pmscan_arg a = {
		.size = sizeof(a),
		.start = start,
		.end = end,
		.vec = (uint64_t)(uintptr_t)s->vec,
		.vec_len = PMSCAN_VEC,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
	};
	int r = ioctl(fd, PMSCAN_IOCTL, &a);

	if (r < 0) {
		/* ENOTTY: before 6.7; EINVAL: a kernel that knows a smaller struct */
		if (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP) {
			s->unsupported = true;
			return 0;
		}
		return -errno;
	}
	/* The kernel stops early only when the vector is full; never trust less. */
	if ((size_t)r > PMSCAN_VEC || a.walk_end <= start || a.walk_end > end ||
	    (r < PMSCAN_VEC && a.walk_end != end)) {
		s->unsupported = true;
		return 0;
	}
	s->n = (size_t)r;
	s->i = 0;
	s->from = start;
	s->walk_end = a.walk_end;
	return 0;
}

int pmscan_next(struct pmscan *s, int fd, uint64_t start, uint64_t end, uint64_t gap,
		uint64_t *ret_start, uint64_t *ret_end)
{
	while (start < end) {
		uint64_t rs, re;
		int r;

		if (!s->unsupported && !(s->n && s->from <= start && start < s->walk_end)) {
			r = scan(s, fd, start, end);
			if (r < 0)
				return r;
		}
		if (s->unsupported) {
			*ret_start = start;
			*ret_end = end;
			return 1;
		}
		while (s->i < s->n && s->vec[s->i].end <= start)
			s->i++;
		if (s->i == s->n || s->vec[s->i].start >= end) {
			if (s->walk_end >= end || s->i < s->n)
				return 0;
			start = s->walk_end;	/* the vector was full: scan on */
			s->n = 0;
			continue;
		}
		rs = s->vec[s->i].start > start ? s->vec[s->i].start : start;
		re = s->vec[s->i].end;
		while (s->i + 1 < s->n && s->vec[s->i + 1].start - re <= gap)
			re = s->vec[++s->i].end;
		*ret_start = rs;
		*ret_end = re < end ? re : end;
		return 1;
	}
	return 0;
}
