/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running tests/helpers/memstate (MEMACCT_MEMSTATE) from a test: start a
 * state, read its report, and stop it. A started state is remembered so
 * that a cmocka teardown (which runs after a failed assertion too) stops it:
 * call memstate_stop_all() there. memstate also cleans up by itself when
 * its stdin reaches end of file, so a test process that dies leaves nothing.
 */
#ifndef MEMACCT_TEST_MEMSTATE_H
#define MEMACCT_TEST_MEMSTATE_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memacct.h"

#define MEMSTATE_MAX_PIDS 8
#define MEMSTATE_MAX_LIVE 4

struct memstate {
	pid_t pid;		/* the helper, 0 when not running */
	int in_fd;		/* its stdin: closing it ends the state */
	int npids;
	int pids[MEMSTATE_MAX_PIDS];	/* the parent first, then its children */
	uint64_t start, end;	/* the region */
	unsigned long page_kb, swapped_kb, anon_huge_kb;
	int exit_status;	/* when it ended before "ready" */
};

static struct memstate *memstate_live[MEMSTATE_MAX_LIVE];

static inline void memstate_stop(struct memstate *m)
{
	int status;

	if (!m->pid)
		return;
	if (m->in_fd >= 0)
		close(m->in_fd);
	m->in_fd = -1;
	/* EOF on stdin: it stops its children and exits; a TERM if it does not */
	for (int i = 0; i < 500; i++) {
		pid_t r = waitpid(m->pid, &status, WNOHANG);

		if (r == m->pid || (r < 0 && errno != EINTR))
			break;
		if (i == 400)
			kill(m->pid, SIGTERM);
		usleep(10000);
	}
	if (waitpid(m->pid, &status, WNOHANG) == 0) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, &status, 0);
	}
	for (int i = 0; i < MEMSTATE_MAX_LIVE; i++)
		if (memstate_live[i] == m)
			memstate_live[i] = NULL;
	m->pid = 0;
}

static inline void memstate_stop_all(void)
{
	for (int i = 0; i < MEMSTATE_MAX_LIVE; i++)
		if (memstate_live[i])
			memstate_stop(memstate_live[i]);
}

/*
 * Run "memstate ARGS..." (NULL-terminated) and read its report up to the
 * "ready" line. @return 0 ready; 77 when the helper exited with 77 (the
 * kernel refused the state); -1 on any other failure.
 */
static inline int memstate_start(struct memstate *m, const char *const *args)
{
	const char *argv[8] = { MEMACCT_MEMSTATE };
	int in[2], out[2], status, slot = -1;
	char line[512];
	FILE *f;

	memset(m, 0, sizeof(*m));
	m->in_fd = -1;
	for (int i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	for (int i = 0; i < MEMSTATE_MAX_LIVE; i++)
		if (!memstate_live[i] && slot < 0)
			slot = i;
	if (slot < 0 || pipe2(in, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(NULL);
	m->pid = fork();
	if (m->pid < 0) {
		m->pid = 0;
		return -1;
	}
	if (m->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	m->in_fd = in[1];
	memstate_live[slot] = m;
	f = fdopen(out[0], "r");
	if (!f) {
		close(out[0]);
		memstate_stop(m);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "region %" SCNx64 "-%" SCNx64, &m->start, &m->end) == 2)
			continue;
		if (sscanf(line, "page_kb %lu", &m->page_kb) == 1 ||
		    sscanf(line, "swapped_kb %lu", &m->swapped_kb) == 1 ||
		    sscanf(line, "anon_huge_kb %lu", &m->anon_huge_kb) == 1)
			continue;
		if (!strncmp(line, "ready ", 6)) {
			char *p = line + 6, *end;

			while (m->npids < MEMSTATE_MAX_PIDS) {
				long v = strtol(p, &end, 10);

				if (end == p)
					break;
				m->pids[m->npids++] = (int)v;
				p = end;
			}
			fclose(f);
			return m->npids > 0 ? 0 : -1;
		}
	}
	fclose(f);
	/* it ended before it was ready */
	close(m->in_fd);
	m->in_fd = -1;
	waitpid(m->pid, &status, 0);
	memstate_live[slot] = NULL;
	m->pid = 0;
	m->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return m->exit_status == 77 ? 77 : -1;
}

/*
 * Read process @pid's smaps into @sm and its exact account into @ex, then
 * smaps again into @again, until the two smaps reads agree (other processes
 * mapping and unmapping shared library pages change this one's Pss between
 * the reads). @return the exact read's result (0 or a negative errno) when
 * it failed; else 0 when a consistent pair was read, 1 when it never was.
 */
static inline int memstate_read_exact(struct memacct_source *src, int pid, struct memacct_vmas *sm,
				      struct memacct_vmas *again, struct memacct_exact *ex,
				      uint32_t flags)
{
	static const uint32_t keys[] = { MEMACCT_SMAPS_RSS, MEMACCT_SMAPS_PSS,
					 MEMACCT_SMAPS_PRIVATE_CLEAN, MEMACCT_SMAPS_PRIVATE_DIRTY,
					 MEMACCT_SMAPS_SWAP };

	for (int tries = 0; tries < 200; tries++) {
		bool same = true;
		int r, n;

		if (memacct_smaps_read(sm, src, pid, NULL) < 0)
			return -ESRCH;
		r = memacct_exact_read(ex, src, pid, sm, flags, NULL);
		if (r < 0)
			return r;
		if (memacct_smaps_read(again, src, pid, NULL) < 0)
			return -ESRCH;
		n = memacct_vmas_count(sm);
		same = n == memacct_vmas_count(again);
		for (int i = 0; same && i < n; i++) {
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				uint64_t a = 0, b = 0;

				memacct_vma_get(memacct_vmas_at(sm, (size_t)i), keys[k], &a);
				memacct_vma_get(memacct_vmas_at(again, (size_t)i), keys[k], &b);
				same &= a == b;
			}
		}
		if (same)
			return 0;
		/* another process mapping or unmapping libc moves its Pss: let a burst pass */
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	return 1;
}

#endif
