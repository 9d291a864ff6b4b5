// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hold-mlock MIB READYFILE: map MIB MiB of private anonymous memory, touch
 * every page, mlock it, then create READYFILE and sleep until SIGTERM or
 * SIGINT. Used by scripts/make-fixtures.sh for the mlock-512m state: the
 * capture should then show Mlocked, Unevictable and AnonPages about MIB MiB
 * above the quiet state.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	unsigned long mib;
	size_t len, i;
	char *end, *p;
	long page;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s MIB READYFILE\n", argv[0]);
		return 2;
	}
	errno = 0;
	mib = strtoul(argv[1], &end, 10);
	if (errno || *end || mib == 0 || mib > (1ul << 20)) {
		fprintf(stderr, "%s: bad size '%s'\n", argv[0], argv[1]);
		return 2;
	}
	len = (size_t)mib << 20;
	page = sysconf(_SC_PAGESIZE);

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	/* blocked until sigsuspend(), so a signal cannot slip in before the wait */
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: mmap: %s\n", argv[0], strerror(errno));
		return 1;
	}
	/* a write to every page, so none is left on the shared zero page */
	for (i = 0; i < len; i += (size_t)page)
		p[i] = (char)(1 + (i / (size_t)page) % 251);
	if (mlock(p, len) < 0) {
		fprintf(stderr, "%s: mlock: %s\n", argv[0], strerror(errno));
		return 1;
	}

	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[2], strerror(errno));
		return 1;
	}
	close(fd);

	while (!stop)
		sigsuspend(&old);
	munlock(p, len);
	munmap(p, len);
	return 0;
}
