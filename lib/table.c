/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <endian.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "table.h"

#define MAX_SPARSE ((uint64_t)1 << 30)

/* Read @len bytes at @off, looping on short reads. @return the bytes read or -errno. */
static ssize_t read_at(struct table *t, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = t->pread(t->fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* What was read stands; the next call meets the error. */
			return got >= 8 ? (ssize_t)got : -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int open_sparse(struct table *t, uint64_t size, struct memacct_diag *diag)
{
	struct sparse s;
	ssize_t n;
	char *buf;
	int r;

	if (size > MAX_SPARSE)
		return -EFBIG;
	buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		return -ENOMEM;
	n = read_at(t, buf, (size_t)size, 0);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	r = sparse_parse(buf, (size_t)n, &s, diag);
	free(buf);
	if (r < 0)
		return r;
	close(t->fd);
	t->fd = -1;
	t->kind = TABLE_SPARSE;
	t->sparse = s;
	return 0;
}

int table_open(const struct memacct_source *src, const char *path, struct table *t,
	       struct memacct_diag *diag)
{
	struct table n = { .fd = -1, .pread = pread };
	char head[sizeof(SPARSE_MAGIC) - 1];
	struct stat st;
	ssize_t len;
	int r;

	n.fd = source_openat(src, path, O_RDONLY);
	if (n.fd < 0)
		return n.fd;
	if (source_is_live(src)) {
		n.kind = TABLE_LIVE;
		*t = n;
		return 0;
	}
	if (fstat(n.fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	len = read_at(&n, head, sizeof(head), 0);
	if (len < 0) {
		r = (int)len;
		goto fail;
	}
	if (sparse_is(head, (size_t)len)) {
		r = open_sparse(&n, (uint64_t)st.st_size, diag);
		if (r < 0)
			goto fail;
		*t = n;
		return 0;
	}
	if (st.st_size % 8) {
		r = -EBADMSG;
		diag_set(diag, r, 0, 0, path, strlen(path),
			 "a raw capture's size is not a multiple of 8 bytes");
		goto fail;
	}
	n.kind = TABLE_RAW;
	n.nentries = (uint64_t)st.st_size / 8;
	*t = n;
	return 0;
fail:
	if (n.fd >= 0)
		close(n.fd);
	return r;
}

void table_close(struct table *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	sparse_done(&t->sparse);
}

int table_read(struct table *t, uint64_t index, size_t n, uint64_t *out, size_t *ret_n)
{
	uint64_t room;
	ssize_t got;

	if (t->kind == TABLE_SPARSE)
		return sparse_read(&t->sparse, index, n, out, ret_n);

	/* The byte offset and length must fit an off_t and an ssize_t. */
	room = (uint64_t)INT64_MAX / 8;
	if (index >= room || n == 0) {
		*ret_n = 0;
		return 0;
	}
	room -= index;
	if (n > room)
		n = (size_t)room;
	if (n > SSIZE_MAX / 8)
		n = SSIZE_MAX / 8;
	got = read_at(t, out, n * 8, (off_t)(index * 8));
	if (got < 0)
		return (int)got;
	n = (size_t)got / 8;
	if (t->kind == TABLE_RAW)
		for (size_t i = 0; i < n; i++)
			out[i] = le64toh(out[i]);
	*ret_n = n;
	return 0;
}

int table_next(const struct table *t, uint64_t index, uint64_t *ret)
{
	switch (t->kind) {
	case TABLE_SPARSE:
		return sparse_next(&t->sparse, index, ret);
	case TABLE_RAW:
		if (index >= t->nentries)
			return -ENODATA;
		break;
	case TABLE_LIVE:
		break;
	}
	*ret = index;
	return 0;
}
