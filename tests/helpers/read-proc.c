// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * read-proc SRCROOT DESTDIR NAME...: read each SRCROOT/NAME once, in the
 * order given, each with as few read() calls as the kernel allows, keeping
 * every file in memory until all are read; then write them to DESTDIR/NAME
 * (directories created) and print "read_duration_us: N" on stdout, N being
 * the time from the first open to the last close. Used by
 * scripts/capture-fixture.sh so the files describe moments close together.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 16
#define CHUNK (1u << 20)

struct file {
	const char *name;
	char *buf;
	size_t len;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int slurp(int dirfd, struct file *f)
{
	size_t cap = CHUNK;
	int fd;

	fd = openat(dirfd, f->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f->buf = malloc(cap);
	if (!f->buf) {
		close(fd);
		return -ENOMEM;
	}
	f->len = 0;
	for (;;) {
		ssize_t n;

		if (f->len == cap) {
			char *nb = realloc(f->buf, cap * 2);

			if (!nb) {
				close(fd);
				return -ENOMEM;
			}
			f->buf = nb;
			cap *= 2;
		}
		n = read(fd, f->buf + f->len, cap - f->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		if (n == 0)
			break;
		f->len += (size_t)n;
	}
	close(fd);
	return 0;
}

static int mkdirs_for(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int spill(const char *destdir, const struct file *f)
{
	char path[4096];
	size_t off = 0;
	int fd, r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", destdir, f->name) >= sizeof(path))
		return -ENAMETOOLONG;
	r = mkdirs_for(path);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (off < f->len) {
		ssize_t n = write(fd, f->buf + off, f->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		off += (size_t)n;
	}
	return close(fd) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct file files[MAX_FILES] = { 0 };
	int nfiles = argc - 3, dirfd, i, r;
	uint64_t t0, t1;

	if (argc < 4 || nfiles > MAX_FILES) {
		fprintf(stderr, "usage: %s SRCROOT DESTDIR NAME... (at most %d)\n", argv[0],
			MAX_FILES);
		return 2;
	}
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < nfiles; i++)
		files[i].name = argv[3 + i];

	t0 = now_ns();
	for (i = 0; i < nfiles; i++) {
		r = slurp(dirfd, &files[i]);
		if (r < 0) {
			fprintf(stderr, "%s: %s/%s: %s\n", argv[0], argv[1], files[i].name,
				strerror(-r));
			return 1;
		}
	}
	t1 = now_ns();
	close(dirfd);

	for (i = 0; i < nfiles; i++) {
		r = spill(argv[2], &files[i]);
		if (r < 0) {
			fprintf(stderr, "%s: %s/%s: %s\n", argv[0], argv[2], files[i].name,
				strerror(-r));
			return 1;
		}
		free(files[i].buf);
	}
	printf("read_duration_us: %llu\n", (unsigned long long)((t1 - t0 + 500) / 1000));
	return 0;
}
