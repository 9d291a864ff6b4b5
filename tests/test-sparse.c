/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test-util.h"
#include "sparse.h"

/* write(2) counted, to see the writer batch its lines. */
static unsigned long writes;

ssize_t write(int fd, const void *buf, size_t n)
{
	writes++;
	return syscall(SYS_write, fd, buf, n);
}

/* A model of a table: which indices are held and their values. */
struct model {
	uint64_t len;
	bool *held;
	uint64_t *val;
};

static void model_init(struct model *m, uint64_t len)
{
	m->len = len;
	m->held = calloc(len, sizeof(*m->held));
	m->val = calloc(len, sizeof(*m->val));
	assert_non_null(m->held);
	assert_non_null(m->val);
}

static void model_done(struct model *m)
{
	free(m->held);
	free(m->val);
}

/* Everything the writer wrote to @fd, from offset 0. */
static char *read_back(int fd, size_t *ret_len)
{
	struct stat st;
	char *buf;

	assert_int_equal(fstat(fd, &st), 0);
	buf = xmalloc((size_t)st.st_size + 1);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	buf[st.st_size] = '\0';
	*ret_len = (size_t)st.st_size;
	return buf;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

/* Parse @text (NUL-terminated) or fail the test. */
static void parse_ok(const char *text, struct sparse *s)
{
	struct memacct_diag d = { .sz = sizeof(d) };
	int r = sparse_parse(text, strlen(text), s, &d);

	if (r < 0)
		print_error("line %u col %u: %s\n", d.line, d.column, d.message);
	assert_int_equal(r, 0);
}

/* Every index of @m read back from @s one by one, and in batches of every size. */
static void check_against(const struct sparse *s, const struct model *m, uint64_t end)
{
	uint64_t *out = xmalloc((size_t)m->len * sizeof(*out));
	size_t n;

	for (uint64_t i = 0; i < m->len; i++) {
		uint64_t v = ~UINT64_C(0), next;
		int r = sparse_read(s, i, 1, &v, &n);

		if (i >= end) {
			assert_int_equal(r, 0);
			assert_int_equal(n, 0);
			assert_int_equal(sparse_next(s, i, &next), -ENODATA);
			continue;
		}
		if (!m->held[i]) {
			uint64_t j = i;

			assert_int_equal(r, -ENODATA);
			while (j < m->len && j < end && !m->held[j])
				j++;
			if (j < m->len && j < end) {
				assert_int_equal(sparse_next(s, i, &next), 0);
				assert_u64_equal(next, j);
			} else {
				assert_int_equal(sparse_next(s, i, &next), -ENODATA);
			}
			continue;
		}
		assert_int_equal(r, 0);
		assert_int_equal(n, 1);
		assert_u64_equal(v, m->val[i]);
		assert_int_equal(sparse_next(s, i, &next), 0);
		assert_u64_equal(next, i);
	}
	/* Batches: stop short at the first index not held, or at @n. */
	for (uint64_t i = 0; i < m->len && i < end; i += 7) {
		size_t want = (size_t)(m->len - i), expect = 0;

		if (!m->held[i])
			continue;
		while (expect < want && i + expect < end && m->held[i + expect])
			expect++;
		assert_int_equal(sparse_read(s, i, want, out, &n), 0);
		assert_int_equal(n, expect);
		for (size_t k = 0; k < n; k++)
			assert_u64_equal(out[k], m->val[i + k]);
		if (expect > 3) {
			assert_int_equal(sparse_read(s, i, 3, out, &n), 0);
			assert_int_equal(n, 3);
		}
	}
	free(out);
}

/* Add the held entries of @m, in chunks of @chunk (gaps break chunks). */
static void write_model(struct memacct_sparse_writer *w, const struct model *m, size_t chunk)
{
	uint64_t i = 0;

	while (i < m->len) {
		size_t k = 0;

		if (!m->held[i]) {
			i++;
			continue;
		}
		while (i + k < m->len && m->held[i + k] && k < chunk)
			k++;
		assert_int_equal(memacct_sparse_writer_add(w, i, &m->val[i], k), 0);
		i += k;
	}
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

static void test_round_trip(void **state)
{
	struct memacct_sparse_writer *w = NULL;
	struct model m;
	struct sparse s;
	uint64_t seed = 42, runs = 0;
	size_t len, n;
	char *buf;
	int fd;

	/*
	 * 0x10..0x73: 100 zeros; 0x200..0x2ff: consecutive PFNs; 0x300..0x30f:
	 * the same PFN+flags pattern stepping by 2; 0x400..0x47f: pseudo-random;
	 * 0x500: one entry; 0x501..0x510 a different constant right after it.
	 */
	model_init(&m, 0x600);
	for (uint64_t i = 0x10; i < 0x10 + 100; i++)
		m.held[i] = true;
	for (uint64_t i = 0; i < 0x100; i++) {
		m.held[0x200 + i] = true;
		m.val[0x200 + i] = (UINT64_C(1) << 63) | (UINT64_C(1) << 56) | (0x12345 + i);
	}
	for (uint64_t i = 0; i < 0x10; i++) {
		m.held[0x300 + i] = true;
		m.val[0x300 + i] = 1000 + 2 * i;
	}
	for (uint64_t i = 0; i < 0x80; i++) {
		m.held[0x400 + i] = true;
		m.val[0x400 + i] = lcg(&seed);
	}
	m.held[0x500] = true;
	m.val[0x500] = 99;
	for (uint64_t i = 0x501; i < 0x511; i++) {
		m.held[i] = true;
		m.val[i] = 7;
	}

	fd = memfd_create("sparse", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, 0x600, &w), 0);
	write_model(w, &m, 13);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	buf = read_back(fd, &len);
	assert_true(sparse_is(buf, len));
	assert_int_equal(sparse_parse(buf, len, &s, NULL), 0);
	assert_true(s.has_end);
	assert_u64_equal(s.end, 0x600);
	check_against(&s, &m, 0x600);
	assert_int_equal(sparse_read(&s, 0x600, 4, m.val, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sparse_read(&s, UINT64_MAX, 4, m.val, &n), 0);
	assert_int_equal(n, 0);

	/* Equal values and constant steps collapse: one run each. */
	for (size_t i = 0; i < s.n; i++) {
		if (s.runs[i].index == 0x10) {
			assert_u64_equal(s.runs[i].count, 100);
			assert_u64_equal(s.runs[i].step, 0);
			runs++;
		}
		if (s.runs[i].index == 0x200) {
			assert_u64_equal(s.runs[i].count, 0x100);
			assert_u64_equal(s.runs[i].step, 1);
			runs++;
		}
		if (s.runs[i].index == 0x300) {
			assert_u64_equal(s.runs[i].count, 0x10);
			assert_u64_equal(s.runs[i].step, 2);
			runs++;
		}
	}
	assert_int_equal(runs, 3);
	/* A run never holds more lines than entries, and fewer here. */
	assert_true(s.n < 100 + 0x100 + 0x10 + 0x80 + 1 + 0x10);
	assert_int_equal(count_lines(buf, len) , s.n + 2);
	sparse_done(&s);
	free(buf);
	close(fd);
	model_done(&m);
}

/* Many lines, a few large writes; no "end" line; the same result as entry-by-entry adds. */
static void test_big_batched(void **state)
{
	struct memacct_sparse_writer *w = NULL;
	struct model m;
	struct sparse s;
	uint64_t seed = 7;
	unsigned long before;
	size_t len, len2, lines;
	char *buf, *buf2;
	int fd, fd2;

	model_init(&m, 20000);
	for (uint64_t i = 0; i < m.len; i++) {
		m.held[i] = (lcg(&seed) % 10) != 0;
		m.val[i] = lcg(&seed) % 4 ? lcg(&seed) : 5;
	}
	fd = memfd_create("sparse", MFD_CLOEXEC);
	assert_true(fd >= 0);
	before = writes;
	assert_int_equal(memacct_sparse_writer_new(fd, UINT64_MAX, &w), 0);
	write_model(w, &m, SIZE_MAX);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	buf = read_back(fd, &len);
	lines = count_lines(buf, len);
	assert_true(lines > 10000);
	/* Buffered: far fewer writes than lines (64 KiB each at most). */
	assert_true(writes - before <= len / 32768 + 2);
	assert_true(writes - before < lines / 100);

	assert_int_equal(sparse_parse(buf, len, &s, NULL), 0);
	assert_false(s.has_end);
	check_against(&s, &m, UINT64_MAX);
	sparse_done(&s);

	/* One add per entry writes the same bytes. */
	fd2 = memfd_create("sparse2", MFD_CLOEXEC);
	assert_true(fd2 >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd2, UINT64_MAX, &w), 0);
	write_model(w, &m, 1);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	buf2 = read_back(fd2, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(buf, buf2, len);
	free(buf);
	free(buf2);
	close(fd);
	close(fd2);
	model_done(&m);
}

static void test_writer_errors(void **state)
{
	struct memacct_sparse_writer *w = NULL;
	uint64_t v[4] = { 1, 2, 3, 4 }, top = UINT64_MAX, out[16];
	struct sparse s;
	char path[] = "/tmp/memacct-test-sparse-XXXXXX";
	size_t len, n;
	char *buf;
	int fd;

	fd = memfd_create("sparse", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(-1, 0, &w), -EINVAL);
	assert_int_equal(memacct_sparse_writer_new(fd, 100, &w), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 10, v, 4), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 13, v, 1), -EINVAL);	/* below 14 */
	assert_int_equal(memacct_sparse_writer_add(w, 98, v, 3), -EINVAL);	/* past end */
	assert_int_equal(memacct_sparse_writer_add(w, 100, v, 1), -EINVAL);
	assert_int_equal(memacct_sparse_writer_add(w, 20, NULL, 0), 0);
	/* 4 after 4 at index 14: a new run. */
	assert_int_equal(memacct_sparse_writer_add(w, 14, v + 3, 1), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 99, v, 1), 0);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	buf = read_back(fd, &len);
	assert_int_equal(sparse_parse(buf, len, &s, NULL), 0);
	assert_int_equal(sparse_read(&s, 10, 10, out, &n), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < 4; i++)
		assert_u64_equal(out[i], v[i]);
	assert_u64_equal(out[4], v[3]);
	assert_int_equal(sparse_read(&s, 99, 10, out, &n), 0);
	assert_int_equal(n, 1);
	assert_u64_equal(out[0], v[0]);
	assert_int_equal(sparse_read(&s, 100, 10, out, &n), 0);
	assert_int_equal(n, 0);
	sparse_done(&s);
	free(buf);
	close(fd);

	/* The top index: index + n reaches 2^64 exactly, then nothing more fits. */
	fd = memfd_create("sparse", MFD_CLOEXEC);
	assert_int_equal(memacct_sparse_writer_new(fd, UINT64_MAX, &w), 0);
	assert_int_equal(memacct_sparse_writer_add(w, UINT64_MAX - 1, v, 3), -EINVAL);
	assert_int_equal(memacct_sparse_writer_add(w, UINT64_MAX, &top, 1), 0);
	assert_int_equal(memacct_sparse_writer_add(w, UINT64_MAX, &top, 1), -EINVAL);
	assert_int_equal(memacct_sparse_writer_finish(w), 0);
	buf = read_back(fd, &len);
	assert_int_equal(sparse_parse(buf, len, &s, NULL), 0);
	assert_int_equal(sparse_read(&s, UINT64_MAX, 5, out, &n), 0);
	assert_int_equal(n, 1);
	assert_u64_equal(out[0], UINT64_MAX);
	sparse_done(&s);
	free(buf);
	close(fd);

	/* write() fails: the error comes back from finish. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(memacct_sparse_writer_new(fd, UINT64_MAX, &w), 0);
	assert_int_equal(memacct_sparse_writer_add(w, 0, v, 1), 0);
	assert_int_equal(memacct_sparse_writer_finish(w), -EBADF);
	close(fd);
	unlink(path);
}

static void test_lookup(void **state)
{
	struct sparse s;
	uint64_t out[16], next;
	size_t n;

	parse_ok("memacct-sparse 1\n"
		 "# two adjacent runs, a gap, a run with a step\n"
		 "10 3 a\n"
		 "13 2 B\n"
		 "20 4 100 10\n"
		 "end 30\n",
		 &s);
	assert_int_equal(s.n, 3);
	/* Across the adjacent runs in one read. */
	assert_int_equal(sparse_read(&s, 0x10, 16, out, &n), 0);
	assert_int_equal(n, 5);
	assert_u64_equal(out[0], 0xa);
	assert_u64_equal(out[2], 0xa);
	assert_u64_equal(out[3], 0xb);
	assert_u64_equal(out[4], 0xb);
	/* From inside a stepping run. */
	assert_int_equal(sparse_read(&s, 0x22, 16, out, &n), 0);
	assert_int_equal(n, 2);
	assert_u64_equal(out[0], 0x120);
	assert_u64_equal(out[1], 0x130);
	assert_int_equal(sparse_read(&s, 0x15, 1, out, &n), -ENODATA);
	assert_int_equal(sparse_read(&s, 0x0, 1, out, &n), -ENODATA);
	assert_int_equal(sparse_read(&s, 0x24, 1, out, &n), -ENODATA);
	assert_int_equal(sparse_read(&s, 0x30, 1, out, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sparse_next(&s, 0, &next), 0);
	assert_u64_equal(next, 0x10);
	assert_int_equal(sparse_next(&s, 0x15, &next), 0);
	assert_u64_equal(next, 0x20);
	assert_int_equal(sparse_next(&s, 0x24, &next), -ENODATA);
	assert_int_equal(sparse_next(&s, 0x30, &next), -ENODATA);
	sparse_done(&s);

	/* No end: past the last run is simply not held. */
	parse_ok("memacct-sparse 1\nFFFFFFFFFFFFFFF0 16 0 1\n", &s);
	assert_false(s.has_end);
	assert_int_equal(sparse_read(&s, UINT64_MAX - 1, 16, out, &n), 0);
	assert_int_equal(n, 2);
	assert_u64_equal(out[0], 14);
	assert_u64_equal(out[1], 15);
	assert_int_equal(sparse_read(&s, 0, 1, out, &n), -ENODATA);
	sparse_done(&s);

	/* End before any run, a file with no run at all. */
	parse_ok("memacct-sparse 1\nend 5\n1 1 1\n", &s);
	assert_int_equal(sparse_read(&s, 1, 8, out, &n), 0);
	assert_int_equal(n, 1);
	sparse_done(&s);
	parse_ok("memacct-sparse 1\n", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(sparse_read(&s, 0, 1, out, &n), -ENODATA);
	assert_int_equal(sparse_next(&s, 0, &next), -ENODATA);
	sparse_done(&s);
}

struct bad_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	int err;
	uint32_t line;
	uint32_t column;
	const char *key;
};

#define H "memacct-sparse 1\n"

static const struct bad_case bad_cases[] = {
	{ "empty", "", 0, -EBADMSG, 1, 1, "magic" },
	{ "garbage", "hello world\n", 0, -EBADMSG, 1, 1, "magic" },
	{ "binary", "\x03\0\0\0\0\0\x80\x81", 8, -EBADMSG, 1, 2, "line" },
	{ "version", "memacct-sparse 2\n", 0, -EBADMSG, 1, 16, "magic" },
	{ "magic-space", "memacct-sparse 1 \n", 0, -EBADMSG, 1, 17, "magic" },
	{ "magic-10", "memacct-sparse 10\n", 0, -EBADMSG, 1, 17, "magic" },
	{ "magic-truncated", "memacct-sparse 1", 0, -EBADMSG, 1, 17, "line" },
	{ "truncated", H "0 1 0\n10 2", 0, -EBADMSG, 3, 5, "line" },
	{ "empty-line", H "\n0 1 0\n", 0, -EBADMSG, 2, 1, "line" },
	{ "duplicate", H "0 1 0\n0 1 0\n", 0, -EBADMSG, 3, 1, "index" },
	{ "overlap", H "0 5 0\n4 1 0\n", 0, -EBADMSG, 3, 1, "index" },
	{ "unsorted", H "10 1 0\n5 1 0\n", 0, -EBADMSG, 3, 1, "index" },
	{ "count-0", H "0 0 0\n", 0, -EBADMSG, 2, 3, "count" },
	{ "index-past-2^64", H "10000000000000000 1 0\n", 0, -EOVERFLOW, 2, 1, "index" },
	{ "count-past-2^64", H "0 18446744073709551616 0\n", 0, -EOVERFLOW, 2, 3, "count" },
	{ "value-past-2^64", H "0 1 1ffffffffffffffff\n", 0, -EOVERFLOW, 2, 5, "value" },
	{ "step-past-2^64", H "0 2 0 fffffffffffffffff\n", 0, -EOVERFLOW, 2, 7, "step" },
	{ "end-past-2^64", H "end 10000000000000000\n", 0, -EOVERFLOW, 2, 5, "end" },
	{ "last-index", H "ffffffffffffffff 2 0\n", 0, -EOVERFLOW, 2, 18, "count" },
	{ "last-value", H "0 2 ffffffffffffffff 1\n", 0, -EOVERFLOW, 2, 22, "step" },
	{ "last-value-big-step", H "0 3 0 8000000000000000\n", 0, -EOVERFLOW, 2, 7, "step" },
	{ "missing-count", H "0\n", 0, -EBADMSG, 2, 2, "count" },
	{ "missing-value", H "0 1\n", 0, -EBADMSG, 2, 4, "value" },
	{ "trailing-space", H "0 1 0 \n", 0, -EBADMSG, 2, 7, "step" },
	{ "extra-field", H "0 1 0 1 5\n", 0, -EBADMSG, 2, 9, "line" },
	{ "two-spaces", H "0  1 0\n", 0, -EBADMSG, 2, 3, "count" },
	{ "tab", H "0\t1 0\n", 0, -EBADMSG, 2, 2, "index" },
	{ "0x", H "0 1 0x5\n", 0, -EBADMSG, 2, 6, "value" },
	{ "not-hex", H "g 1 0\n", 0, -EBADMSG, 2, 1, "index" },
	{ "hex-count", H "0 a 0\n", 0, -EBADMSG, 2, 3, "count" },
	{ "negative", H "0 -1 0\n", 0, -EBADMSG, 2, 3, "count" },
	{ "nul", H "0 1 \0\n", sizeof(H "0 1 \0\n") - 1, -EBADMSG, 2, 5, "line" },
	{ "nul-in-comment", H "# a\0b\n", sizeof(H "# a\0b\n") - 1, -EBADMSG, 2, 4, "line" },
	{ "cr", H "0 1 0\r\n", 0, -EBADMSG, 2, 6, "line" },
	{ "end-twice", H "end 10\nend 10\n", 0, -EBADMSG, 3, 1, "end" },
	{ "end-empty", H "end \n", 0, -EBADMSG, 2, 5, "end" },
	{ "end-garbage", H "end 1z\n", 0, -EBADMSG, 2, 6, "end" },
	{ "end-below-run", H "0 5 0\nend 4\n", 0, -EBADMSG, 3, 5, "end" },
	{ "run-past-end", H "end 4\n0 5 0\n", 0, -EBADMSG, 3, 1, "index" },
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct memacct_diag d = { .sz = sizeof(d) };
		struct sparse s = { .n = 12345 };
		size_t len = c->len ? c->len : strlen(c->text);
		int r;

		r = sparse_parse(c->text, len, &s, &d);
		if (r != c->err || d.line != c->line || d.column != c->column ||
		    strcmp(d.key, c->key))
			print_error("case %s: r=%d line %u col %u key %s: %s\n", c->name, r, d.line,
				    d.column, d.key, d.message ? d.message : "(null)");
		assert_int_equal(r, c->err);
		assert_diag(&d, c->err, c->line, c->column, c->key);
		/* Nothing written on failure. */
		assert_int_equal(s.n, 12345);
		assert_null(s.runs);
	}
}

/* A megabyte-long line: rejected where it passes the limit, with or without its '\n'. */
static void test_long_line(void **state)
{
	size_t len = strlen(H) + 2 + (1 << 20) + 1;
	char *buf = xmalloc(len + 8);
	struct memacct_diag d = { .sz = sizeof(d) };
	struct sparse s;

	memcpy(buf, H "# ", strlen(H) + 2);
	memset(buf + strlen(H) + 2, 'a', 1 << 20);
	buf[len - 1] = '\n';
	assert_int_equal(sparse_parse(buf, len, &s, &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, 2, SPARSE_MAX_LINE + 1, "line");
	d.line = 0;
	assert_int_equal(sparse_parse(buf, len - 1, &s, &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, 2, SPARSE_MAX_LINE + 1, "line");

	/* A line of exactly the limit is fine. */
	buf[strlen(H) + SPARSE_MAX_LINE] = '\n';
	assert_int_equal(sparse_parse(buf, strlen(H) + SPARSE_MAX_LINE + 1, &s, &d), 0);
	assert_int_equal(s.n, 0);
	sparse_done(&s);

	/* A megabyte of leading zeros still parses to its value... past the limit it does not. */
	memcpy(buf, H, strlen(H));
	memset(buf + strlen(H), '0', 1 << 20);
	memcpy(buf + strlen(H) + (1 << 20), " 1 0\n", 5);
	assert_int_equal(sparse_parse(buf, strlen(H) + (1 << 20) + 5, &s, &d), -EBADMSG);
	assert_diag(&d, -EBADMSG, 2, SPARSE_MAX_LINE + 1, "line");
	free(buf);
}

static void test_good_forms(void **state)
{
	struct memacct_diag d = { .sz = sizeof(d), .line = 777 };
	struct sparse s;
	uint64_t out[4];
	size_t n;

	/* Upper and lower case hex, leading zeros, comments anywhere, end after runs. */
	assert_int_equal(sparse_parse(H "#\n00Ab 2 fF 01\n# x\nend 00ad\n",
				      strlen(H "#\n00Ab 2 fF 01\n# x\nend 00ad\n"), &s, &d), 0);
	assert_int_equal(d.line, 777);	/* untouched on success */
	assert_int_equal(s.n, 1);
	assert_int_equal(sparse_read(&s, 0xab, 4, out, &n), 0);
	assert_int_equal(n, 2);
	assert_u64_equal(out[0], 0xff);
	assert_u64_equal(out[1], 0x100);
	assert_int_equal(sparse_read(&s, 0xad, 4, out, &n), 0);
	assert_int_equal(n, 0);
	sparse_done(&s);

	/* The largest values that fit. */
	parse_ok(H "0 1 ffffffffffffffff\n1 2 fffffffffffffffe 1\n"
		   "3 18446744073709551613 0\n",
		 &s);
	assert_int_equal(sparse_read(&s, 0, 3, out, &n), 0);
	assert_int_equal(n, 3);
	assert_u64_equal(out[0], UINT64_MAX);
	assert_u64_equal(out[2], UINT64_MAX);
	assert_int_equal(sparse_read(&s, UINT64_MAX, 3, out, &n), 0);
	assert_int_equal(n, 1);
	assert_u64_equal(out[0], 0);
	sparse_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_big_batched),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_good_forms),
	};

	return cmocka_run_group_tests_name("sparse", tests, NULL, NULL);
}
