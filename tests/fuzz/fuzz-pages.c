// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the raw page tables: memacct_pages_decode() over
 * every length (odd ones too), and a table (lib/table.c) over the same bytes
 * in a memfd, read through a pread that returns short counts, at odd byte
 * boundaries, and EINTR now and then. Invariants:
 *  - decode: -EINVAL exactly when the length is not whole entries, -ENOSPC
 *    exactly when they do not fit, else every entry is the little-endian
 *    value of its 8 bytes; nothing written on failure;
 *  - table read: never more than asked, never past the end of the file,
 *    exactly min(n, entries - index) entries, equal to the decoded ones (raw:
 *    little-endian; live: native), nothing written past what it returns;
 *    next() is the index itself below the end, -ENODATA at or past it.
 */
#include <endian.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "table.h"

#define MAX_N 80
#define CANARY UINT64_C(0xc3c3c3c33c3c3c3c)

static size_t chunk;		/* bytes per pread, at most */
static unsigned int calls;	/* preads so far, for the EINTRs */

static ssize_t short_pread(int fd, void *buf, size_t n, off_t off)
{
	if (++calls % 7 == 3) {
		errno = EINTR;
		return -1;
	}
	return pread(fd, buf, n < chunk ? n : chunk, off);
}

static uint64_t le_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int b = 7; b >= 0; b--)
		v = v << 8 | p[b];
	return v;
}

static void check_decode(const uint8_t *data, size_t size, size_t cap)
{
	uint64_t out[MAX_N + 1];
	size_t n = 4242;
	int r;

	if (cap > MAX_N)
		cap = MAX_N;
	for (size_t i = 0; i <= MAX_N; i++)
		out[i] = CANARY;
	r = memacct_pages_decode(data, size, out, cap, &n);
	if (size % 8) {
		CHECK(r == -EINVAL);
	} else if (size / 8 > cap) {
		CHECK(r == -ENOSPC);
	} else {
		CHECK(r == 0 && n == size / 8);
		for (size_t i = 0; i < n; i++)
			CHECK(out[i] == le_at(data + i * 8));
	}
	if (r < 0)
		CHECK(n == 4242);
	for (size_t i = r == 0 ? n : 0; i <= MAX_N; i++)
		CHECK(out[i] == CANARY);
}

static void check_table(struct table *t, const uint8_t *data, size_t size, uint64_t index,
			size_t n)
{
	uint64_t out[MAX_N + 1], entries = size / 8, next;
	size_t got = 4242, expect;
	int r;

	for (size_t i = 0; i <= MAX_N; i++)
		out[i] = CANARY;
	r = table_read(t, index, n, out, &got);
	CHECK(r == 0);
	expect = index >= entries ? 0 : (entries - index < n ? (size_t)(entries - index) : n);
	CHECK(got == expect);
	for (size_t i = 0; i < got; i++) {
		uint64_t v = le_at(data + (index + i) * 8);

		CHECK(out[i] == (t->kind == TABLE_RAW ? v : le64toh(v)));
	}
	for (size_t i = got; i <= MAX_N; i++)
		CHECK(out[i] == CANARY);
	if (t->kind == TABLE_RAW) {
		r = table_next(t, index, &next);
		CHECK(index < entries ? r == 0 && next == index : r == -ENODATA);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct table t = { .fd = -1 };
	uint64_t entries = size / 8;

	if (fd < 0) {
		fd = memfd_create("fuzz-pages", MFD_CLOEXEC);
		CHECK(fd >= 0);
	}
	for (size_t cap = 0; cap <= size / 8 + 1; cap += 1 + cap / 4)
		check_decode(data, size, cap);
	check_decode(data, size, MAX_N);

	/* The table holds the whole entries; a partial last one is not there. */
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, entries * 8, 0) == (ssize_t)(entries * 8));
	chunk = size ? data[0] % 24 + 1 : 8;
	calls = 0;
	t.fd = fd;
	t.nentries = entries;
	t.pread = short_pread;
	for (int kind = TABLE_LIVE; kind <= TABLE_RAW; kind++) {
		t.kind = (enum table_kind)kind;
		for (size_t j = 0; j + 2 <= size && j < 64; j += 2) {
			uint64_t index = data[j] % (entries + 3);

			check_table(&t, data, entries * 8, index, data[j + 1] % (MAX_N + 1));
		}
		check_table(&t, data, entries * 8, 0, MAX_N);
		check_table(&t, data, entries * 8, entries, 1);
		check_table(&t, data, entries * 8, UINT64_MAX, 1);
		check_table(&t, data, entries * 8, (uint64_t)INT64_MAX / 8 - 1, 3);
	}
	return 0;
}
