// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the sparse capture format (lib/sparse.c). Invariants:
 *  - a parse fails only with -EBADMSG, -EOVERFLOW or -ENOMEM, with a
 *    diagnostic that names the error and a line and column, and leaves the
 *    output untouched;
 *  - on success the runs are sorted, never overlap, have a count and fit;
 *  - lookups agree with a naive re-decoding of the text (its own field split,
 *    strtoull, a linear scan): a read never returns more than asked, never
 *    writes past what it returns, stops exactly where the naive table stops
 *    holding entries, and next() names the same index;
 *  - what the writer writes from the decoded entries parses back to the same.
 */
#include <stdbool.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "sparse.h"

#define MAX_N 64
#define CANARY UINT64_C(0x5a5aa5a55a5aa5a5)
#define MAX_ROUND_TRIP 4096

struct naive {
	struct sparse_run *runs;
	size_t n;
	bool has_end;
	uint64_t end;
};

/* The accepted text again, the simple way. */
static void naive_decode(const char *buf, size_t len, struct naive *nv)
{
	const char *p = buf, *end = buf + len;
	char line[SPARSE_MAX_LINE + 1];
	bool first = true;

	nv->runs = malloc((len / 2 + 1) * sizeof(*nv->runs));
	CHECK(nv->runs);
	nv->n = 0;
	nv->has_end = false;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l;
		char *q;

		CHECK(eol);
		l = (size_t)(eol - p);
		CHECK(l <= SPARSE_MAX_LINE);
		memcpy(line, p, l);
		line[l] = '\0';
		p = eol + 1;
		if (first) {
			CHECK(!strcmp(line, "memacct-sparse 1"));
			first = false;
		} else if (line[0] == '#') {
			continue;
		} else if (!strncmp(line, "end ", 4)) {
			nv->has_end = true;
			nv->end = strtoull(line + 4, &q, 16);
			CHECK(*q == '\0');
		} else {
			struct sparse_run *r = &nv->runs[nv->n++];

			r->index = strtoull(line, &q, 16);
			CHECK(*q == ' ');
			r->count = strtoull(q + 1, &q, 10);
			CHECK(*q == ' ');
			r->value = strtoull(q + 1, &q, 16);
			r->step = 0;
			if (*q == ' ')
				r->step = strtoull(q + 1, &q, 16);
			CHECK(*q == '\0');
		}
	}
}

/* The entry at @i by a linear scan: 1 and *@v when held. */
static int naive_get(const struct naive *nv, uint64_t i, uint64_t *v)
{
	if (nv->has_end && i >= nv->end)
		return 0;
	for (size_t k = 0; k < nv->n; k++) {
		const struct sparse_run *r = &nv->runs[k];

		if (i >= r->index && i - r->index < r->count) {
			*v = r->value + (i - r->index) * r->step;
			return 1;
		}
	}
	return 0;
}

static void check_query(const struct sparse *s, const struct naive *nv, uint64_t i, size_t n)
{
	uint64_t out[MAX_N + 1], v = 0, next;
	size_t got = 12345;
	int r, held;

	for (size_t k = 0; k <= MAX_N; k++)
		out[k] = CANARY;
	r = sparse_read(s, i, n, out, &got);
	held = naive_get(nv, i, &v);
	if (n == 0 || (nv->has_end && i >= nv->end)) {
		CHECK(r == 0 && got == 0);
	} else if (!held) {
		CHECK(r == -ENODATA);
		CHECK(got == 12345);
	} else {
		size_t expect = 0;

		CHECK(r == 0);
		CHECK(got >= 1 && got <= n);
		while (expect < n && naive_get(nv, i + expect, &v)) {
			if (expect < got)
				CHECK(out[expect] == v);
			expect++;
			if (i + expect == 0)
				break;	/* wrapped past 2^64 - 1 */
		}
		CHECK(got == expect);
	}
	for (size_t k = r == 0 ? got : 0; k <= MAX_N; k++)
		CHECK(out[k] == CANARY);

	/* next(): @i itself when held, else the start of the first run after it. */
	r = sparse_next(s, i, &next);
	if (naive_get(nv, i, &v)) {
		CHECK(r == 0 && next == i);
	} else {
		uint64_t best = 0;
		bool found = false;

		for (size_t k = 0; k < nv->n; k++)
			if (nv->runs[k].index > i && (!found || nv->runs[k].index < best)) {
				best = nv->runs[k].index;
				found = true;
			}
		if (nv->has_end && i >= nv->end)
			found = false;
		CHECK(found ? r == 0 && next == best : r == -ENODATA);
	}
}

static void check_structure(const struct sparse *s)
{
	for (size_t k = 0; k < s->n; k++) {
		const struct sparse_run *r = &s->runs[k];
		uint64_t span;

		CHECK(r->count >= 1);
		CHECK(r->count - 1 <= UINT64_MAX - r->index);
		CHECK(!__builtin_mul_overflow(r->count - 1, r->step, &span));
		CHECK(span <= UINT64_MAX - r->value);
		if (k)
			CHECK(r->index > s->runs[k - 1].index + (s->runs[k - 1].count - 1));
		if (s->has_end)
			CHECK(r->index + (r->count - 1) < s->end);
	}
}

/* Every held entry through the writer (when there are few), and back. */
static void check_round_trip(const struct sparse *s, const struct naive *nv)
{
	struct memacct_sparse_writer *w = NULL;
	uint64_t total = 0, vals[MAX_N], out[MAX_N];
	struct sparse back;
	char *buf;
	off_t len;
	size_t got;
	int fd;

	for (size_t k = 0; k < s->n; k++) {
		if (s->runs[k].count > MAX_ROUND_TRIP - total)
			return;
		total += s->runs[k].count;
	}
	fd = memfd_create("fuzz-sparse", MFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(memacct_sparse_writer_new(fd, s->has_end ? s->end : UINT64_MAX, &w) == 0);
	for (size_t k = 0; k < s->n; k++) {
		uint64_t i = s->runs[k].index, left = s->runs[k].count;

		while (left) {
			size_t n = left < MAX_N ? (size_t)left : MAX_N;

			CHECK(sparse_read(s, i, n, vals, &got) == 0 && got == n);
			CHECK(memacct_sparse_writer_add(w, i, vals, n) == 0);
			left -= n;
			i += n;
		}
	}
	CHECK(memacct_sparse_writer_finish(w) == 0);
	len = lseek(fd, 0, SEEK_END);
	CHECK(len > 0);
	buf = malloc((size_t)len);
	CHECK(buf);
	CHECK(pread(fd, buf, (size_t)len, 0) == len);
	close(fd);
	CHECK(sparse_parse(buf, (size_t)len, &back, NULL) == 0);
	free(buf);
	/* The writer's "no end" is UINT64_MAX, so "end ffffffffffffffff" comes back as none. */
	if (s->has_end && s->end == UINT64_MAX)
		CHECK(!back.has_end);
	else
		CHECK(back.has_end == s->has_end && (!s->has_end || back.end == s->end));
	CHECK(back.n <= s->n);	/* merging only ever joins runs */
	for (size_t k = 0; k < s->n; k++) {
		uint64_t i = s->runs[k].index, left = s->runs[k].count;

		while (left) {
			size_t n = left < MAX_N ? (size_t)left : MAX_N;

			CHECK(sparse_read(&back, i, n, out, &got) == 0 && got == n);
			for (size_t j = 0; j < n; j++)
				CHECK(naive_get(nv, i + j, &vals[j]) && out[j] == vals[j]);
			left -= n;
			i += n;
		}
	}
	sparse_done(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct memacct_diag d = { .sz = sizeof(d) };
	struct sparse s = { .n = 777 };
	struct naive nv;
	uint64_t h = 1469598103934665603ULL;
	int r;

	r = sparse_parse(buf, size, &s, &d);
	CHECK(strict_result_ok(r));
	if (r < 0) {
		check_failure_diag(&d, r);
		CHECK(d.line >= 1 && d.column >= 1);
		CHECK(s.n == 777 && !s.runs);
		return 0;
	}
	check_structure(&s);
	naive_decode(buf, size, &nv);
	CHECK(nv.n == s.n && nv.has_end == s.has_end && (!s.has_end || nv.end == s.end));
	for (size_t k = 0; k < s.n; k++)
		CHECK(!memcmp(&nv.runs[k], &s.runs[k], sizeof(s.runs[k])));

	/* Queries: around the first and last runs' edges, and a few hashed indices. */
	for (size_t k = 0; k < s.n; k++) {
		const struct sparse_run *run = &s.runs[k];
		uint64_t last = run->index + (run->count - 1);
		const uint64_t q[] = { run->index, run->index - 1, last, last + 1,
				       run->index + run->count / 2 };

		if (k >= 32 && k + 32 < s.n)
			continue;
		for (size_t j = 0; j < sizeof(q) / sizeof(q[0]); j++)
			check_query(&s, &nv, q[j], (size_t)((q[j] ^ k) % (MAX_N + 1)));
	}
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	for (int j = 0; j < 16; j++, h = h * 6364136223846793005ULL + 1)
		check_query(&s, &nv, j < 8 ? h >> (j * 8) : h, (size_t)(h % (MAX_N + 1)));
	if (s.has_end) {
		check_query(&s, &nv, s.end, MAX_N);
		check_query(&s, &nv, s.end - 1, MAX_N);
	}
	check_round_trip(&s, &nv);
	free(nv.runs);
	sparse_done(&s);
	return 0;
}
