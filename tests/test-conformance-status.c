/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The peers' /proc/PID/status and /proc/PID/statm expectations in
 * ../shared/conformance: every "<pid>/status" and "<pid>/statm" row of every
 * case's expected.tsv, read through a source over the case's proc/ tree. The
 * corpus is read in place, never copied; without it the test is skipped
 * (exit 77).
 */
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "conformance-util.h"
#include "memacct.h"

/* The peers assert statm in pages; the corpus README says to use 4 KiB pages. */
#define PAGE 4096

/*
 * Peer statm files a strict parse rejects, and why: each is a hand-written
 * input no kernel prints (task_statm always prints seven columns). A lenient
 * parse must accept them and meet every expectation.
 */
static const struct {
	const char *name;
	const char *file;
	uint32_t present;
} lenient_statm[] = {
	/* Chromium's kTestStatm "200 100 20 2 3 4": six columns, no newline. */
	{ "chromium/statm-6-fields", "4242/statm", 0x3f },
};

/*
 * Peer statm files whose numbers do not fit in 64 bits once in bytes: read
 * with the 4 KiB page size they fail with -EOVERFLOW on that column; their
 * page counts are checked by a parse with a page size of 1.
 */
static const struct {
	const char *name;
	const char *file;
	const char *column;
} overflow_statm[] = {
	/* prometheus/procfs edited "shared" to 2^64 - 1 pages. */
	{ "prometheus-procfs/fixtures", "26231/statm", "shared" },
};

/* "<digits>/status" or "<digits>/statm": the pid and which file, else 0. */
static int our_file(const char *file, int *ret_pid, int *ret_statm)
{
	char *end;
	long pid = strtol(file, &end, 10);

	if (end == file || pid <= 0 || *end != '/')
		return 0;
	if (!strcmp(end, "/status"))
		*ret_statm = 0;
	else if (!strcmp(end, "/statm"))
		*ret_statm = 1;
	else
		return 0;
	*ret_pid = (int)pid;
	return 1;
}

/* The blank-separated words of @text joined by ',', words @from to @to - 1 (to < 0: all). */
static void words(const char *text, int from, int to, char *out, size_t size)
{
	size_t n = 0;
	int i = 0;

	out[0] = '\0';
	for (const char *p = text; *p;) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (!len)
			break;
		if (i >= from && (to < 0 || i < to)) {
			n += (size_t)snprintf(out + n, size - n, "%s%.*s", n ? "," : "", (int)len, p);
			assert_true(n < size);
		}
		i++;
		p += len;
	}
}

/* A CPU list "0-3,8" expanded to "0,1,2,3,8". */
static void expand_list(const char *text, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = text; *p;) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		assert_true(end > p);
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			assert_true(end > p + 1 && b >= a);
			p = end;
		}
		for (unsigned long c = a; c <= b; c++) {
			n += (size_t)snprintf(out + n, size - n, "%s%lu", n ? "," : "", c);
			assert_true(n < size);
		}
		if (*p == ',')
			p++;
		else
			assert_int_equal(*p, '\0');
	}
}

/* "Uid" or "Gid" and the key of its first column, else 0. */
static uint32_t id_key(const char *name)
{
	if (!strcmp(name, "Uid"))
		return MEMACCT_STATUS_UID_REAL;
	if (!strcmp(name, "Gid"))
		return MEMACCT_STATUS_GID_REAL;
	return 0;
}

static uint64_t number(const struct memacct_status *st, const char *cname, const char *name)
{
	uint64_t v = 0;
	int r = memacct_status_get_by_name(st, name, &v);

	if (r < 0)
		fail_msg("%s: %s: %s", cname, name, memacct_strerror(r));
	return v;
}

static void check_status_row(const struct conf_case *c, const char *file,
			     const struct memacct_status *st, char *key, const char *val,
			     const char *unit)
{
	char got[4096], *br;
	const char *t;
	uint64_t v;
	int from = 0, to = -1;

	if (!strncmp(key, "derived:", 8)) {
		if (strcmp(key + 8, "total_ctxt_switches"))
			fail_msg("%s: %s: no formula for %s", c->name, file, key);
		v = number(st, c->name, "voluntary_ctxt_switches") +
		    number(st, c->name, "nonvoluntary_ctxt_switches");
		if (v != strtoull(val, NULL, 10))
			fail_msg("%s: %s: %s = %" PRIu64 ", the peer expects %s", c->name, file, key,
				 v, val);
		return;
	}
	if (!strncmp(key, "absent:", 7)) {
		if (memacct_status_get_text(st, key + 7, &t) != -ENOENT ||
		    memacct_status_get_by_name(st, key + 7, &v) != -ENOENT)
			fail_msg("%s: %s: %s is absent from the file", c->name, file, key + 7);
		return;
	}
	/* "NSpid[0]", "Uid[0:3]": words of a multi-valued line. */
	br = strchr(key, '[');
	if (br) {
		char *colon;

		*br = '\0';
		from = atoi(br + 1);
		colon = strchr(br + 1, ':');
		to = colon ? atoi(colon + 1) : from + 1;
	}
	if (memacct_status_get_text(st, key, &t) < 0)
		fail_msg("%s: %s: no line %s", c->name, file, key);

	if (!strcmp(unit, "bytes") || !strcmp(unit, "kB") || (!strcmp(unit, "count") && !br)) {
		uint64_t want = strtoull(val, NULL, 10) * (!strcmp(unit, "kB") ? 1024 : 1);

		v = number(st, c->name, key);
		if (v != want)
			fail_msg("%s: %s: %s = %" PRIu64 ", the peer expects %" PRIu64, c->name,
				 file, key, v, want);
		return;
	}
	if (!strcmp(unit, "string")) {
		if (strcmp(t, val))
			fail_msg("%s: %s: %s is '%s', the peer expects '%s'", c->name, file, key, t,
				 val);
		return;
	}
	if (!strcmp(unit, "list") || !strcmp(unit, "count")) {
		words(t, from, to, got, sizeof(got));
		if (strcmp(got, val))
			fail_msg("%s: %s: %s is '%s', the peer expects '%s'", c->name, file, key,
				 got, val);
		/* Uid and Gid: the same numbers under their keys. */
		if (id_key(key)) {
			const char *p = val;

			for (int i = from; i < (to < 0 ? 4 : to); i++) {
				assert_int_equal(memacct_status_get(st, id_key(key) + (uint32_t)i, &v), 0);
				if (v != strtoull(p, (char **)&p, 10))
					fail_msg("%s: %s: %s[%d] = %" PRIu64, c->name, file, key, i, v);
				if (*p == ',')
					p++;
			}
		}
		return;
	}
	if (!strcmp(unit, "list-expanded")) {
		expand_list(t, got, sizeof(got));
		if (strcmp(got, val))
			fail_msg("%s: %s: %s is '%s' = '%s', the peer expects '%s'", c->name, file,
				 key, t, got, val);
		return;
	}
	if (!strcmp(unit, "hex-u64")) {
		char *end;

		v = strtoull(t, &end, 16);
		if (*end || end == t || v != strtoull(val, NULL, 16))
			fail_msg("%s: %s: %s is '%s', the peer expects %s", c->name, file, key, t,
				 val);
		return;
	}
	fail_msg("%s: %s: no rule for unit '%s' (key %s)", c->name, file, unit, key);
}

static uint64_t column(const struct memacct_statm *s, const char *name)
{
	if (!strcmp(name, "size"))
		return s->size;
	if (!strcmp(name, "resident"))
		return s->resident;
	if (!strcmp(name, "shared"))
		return s->shared;
	if (!strcmp(name, "text"))
		return s->text;
	if (!strcmp(name, "lib"))
		return s->lib;
	if (!strcmp(name, "data"))
		return s->data;
	if (!strcmp(name, "dt"))
		return s->dt;
	fail_msg("no statm column %s", name);
	return 0;
}

/* Both statm readings of @file: in pages (page size 1) and in bytes (4 KiB). */
static void read_statm(const struct conf_case *c, struct memacct_source *src, const char *file,
		       int pid, struct memacct_statm *pages, struct memacct_statm *bytes,
		       int *ret_bytes_ok)
{
	char path[8400];
	struct memacct_diag d = { .sz = sizeof(d) };
	uint32_t flags = 0, present = 0x7f;
	const char *overflow = NULL;
	size_t len = 0;
	char *buf;
	int r;

	for (size_t i = 0; i < sizeof(lenient_statm) / sizeof(lenient_statm[0]); i++) {
		if (strcmp(lenient_statm[i].name, c->name) || strcmp(lenient_statm[i].file, file))
			continue;
		r = memacct_statm_read(src, pid, 0, bytes, &d);
		if (r != -EBADMSG)
			fail_msg("%s: %s: strict read gave %d, not -EBADMSG", c->name, file, r);
		flags = MEMACCT_PARSE_SKIP_BAD_LINES;
		present = lenient_statm[i].present;
	}
	for (size_t i = 0; i < sizeof(overflow_statm) / sizeof(overflow_statm[0]); i++)
		if (!strcmp(overflow_statm[i].name, c->name) && !strcmp(overflow_statm[i].file, file))
			overflow = overflow_statm[i].column;

	r = memacct_statm_read(src, pid, flags, bytes, &d);
	if (overflow) {
		if (r != -EOVERFLOW || strcmp(d.key, overflow))
			fail_msg("%s: %s: read gave %d at '%s', want -EOVERFLOW at %s", c->name,
				 file, r, d.key, overflow);
		*ret_bytes_ok = 0;
	} else if (r < 0) {
		fail_msg("%s: %s: read failed: %d at line %u col %u (%s)", c->name, file, r,
			 d.line, d.column, d.message);
	} else {
		assert_int_equal(bytes->present, present);
		*ret_bytes_ok = 1;
	}

	snprintf(path, sizeof(path), "%s/proc/%s", c->dir, file);
	buf = slurp(path, &len);
	assert_non_null(buf);
	r = memacct_statm_parse(buf, len, 1, flags, pages, &d);
	free(buf);
	if (r < 0)
		fail_msg("%s: %s: parse in pages failed: %d (%s)", c->name, file, r, d.message);
	assert_int_equal(pages->present, present);
}

static void check_case(void **state)
{
	const struct conf_case *c = *state;
	struct memacct_source_opts o = { .sz = sizeof(o), .page_size = PAGE };
	struct memacct_source *src = NULL;
	struct memacct_status *st = NULL;
	struct memacct_statm pages = { .sz = sizeof(pages) }, bytes = { .sz = sizeof(bytes) };
	char path[8400], line[4096], cur[64] = "";
	int rows = 0, cur_ok = 0, bytes_ok = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc", c->dir);
	assert_int_equal(memacct_source_new(path, &o, &src), 0);
	assert_int_equal(memacct_status_new(&st), 0);
	snprintf(path, sizeof(path), "%s/expected.tsv", c->dir);
	f = fopen(path, "r");
	assert_non_null(f);

	while (fgets(line, sizeof(line), f)) {
		char *file = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n");
		char *val = strtok(NULL, "\t\n"), *unit = strtok(NULL, "\t\n");
		struct memacct_diag d = { .sz = sizeof(d) };
		int pid, is_statm, r;

		if (!file || !key || !val || !unit || !our_file(file, &pid, &is_statm))
			continue;
		rows++;
		/* Each file is read once, when its first row comes. */
		if (strcmp(cur, file)) {
			snprintf(cur, sizeof(cur), "%s", file);
			if (is_statm) {
				read_statm(c, src, file, pid, &pages, &bytes, &bytes_ok);
				cur_ok = 1;
			} else {
				r = memacct_status_read(st, src, pid, &d);
				if (r < 0 && strcmp(key, "@parse"))
					fail_msg("%s: %s: %d at line %u col %u key '%s': %s", c->name,
						 file, r, d.line, d.column, d.key, d.message);
				cur_ok = r == 0;
			}
		}
		if (!strcmp(key, "@parse")) {
			if (cur_ok != !strcmp(val, "ok"))
				fail_msg("%s: %s: the peer expects @parse %s", c->name, file, val);
			continue;
		}
		if (!is_statm) {
			check_status_row(c, file, st, key, val, unit);
			continue;
		}
		if (strcmp(unit, "pages"))
			fail_msg("%s: %s: statm %s in '%s', not pages", c->name, file, key, unit);
		if (column(&pages, key) != strtoull(val, NULL, 10))
			fail_msg("%s: %s: %s = %" PRIu64 " pages, the peer expects %s", c->name, file,
				 key, column(&pages, key), val);
		if (bytes_ok && column(&bytes, key) != column(&pages, key) * PAGE)
			fail_msg("%s: %s: %s = %" PRIu64 " bytes, not %s pages", c->name, file, key,
				 column(&bytes, key), val);
	}
	assert_true(rows > 0);
	fclose(f);
	memacct_status_free(st);
	memacct_source_free(src);
}

/* Does @tsv have a row for a status or statm file? */
static int has_rows(const char *tsv)
{
	char line[4096];
	FILE *f = fopen(tsv, "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *file = strtok(line, "\t\n");
		int pid, is_statm;

		found = file && our_file(file, &pid, &is_statm);
	}
	fclose(f);
	return found;
}

static void take(const char *name, const char *dir, void *userdata)
{
	char probe[8400];

	snprintf(probe, sizeof(probe), "%s/expected.tsv", dir);
	if (has_rows(probe))
		conf_cases_add(userdata, name, dir);
}

int main(void)
{
	return conf_main("conformance-status", "status or statm", take, check_case);
}
