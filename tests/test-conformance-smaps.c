/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The peers' maps, smaps and smaps_rollup expectations in ../shared/conformance:
 * every "<pid>/maps", "<pid>/smaps" and "<pid>/smaps_rollup" row of every
 * case's expected.tsv (key grammar in the corpus README). The corpus is read
 * in place, never copied; without it the whole test is skipped (exit 77).
 * Every smaps file is also streamed with memacct_smaps_parse_foreach(), which
 * must see exactly the VMAs the table holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "conformance-util.h"
#include "memacct.h"

/*
 * Peer files our strict parser rejects, and why: each is a hand-made peer
 * input no kernel prints. Strict parsing must fail at that line and
 * attribute; a lenient parse must skip exactly that many lines and then meet
 * every expectation.
 */
static const struct {
	const char *name;
	const char *file;
	uint32_t line;
	const char *key;
	int skipped;
} rejected[] = {
	/* A zero-size VMA (7fe7ce79c000-7fe7ce79c000), then a backwards one
	 * (00400000-00200000): fs/proc/task_mmu.c prints neither, Chromium drops
	 * both. Lenient: both blocks go, 16 lines each. */
	{ "chromium/smaps-os-metrics", "102/smaps", 1, "range", 32 },
	/* "---S": the kernel prints 's' or 'p' only; the peer reads anything but
	 * 'p' as shared. Lenient: the header is kept, perms read in either case. */
	{ "chromium/maps-permissions", "202/maps", 1, "perms", 1 },
	/* "fffff0 r-xp 00000000 00:00 0 [vsyscall]": no start-end range. Lenient:
	 * the VMA is kept without a range, so its counters still add up. */
	{ "psutil/process-mocked", "101/smaps", 1, "range", 1 },
};

struct conf_file {
	char title[400];	/* the test's: "peer/case file" */
	char name[256];		/* peer/case */
	char file[64];		/* "26231/smaps" */
	char dir[4400];		/* the case's directory */
};

enum kind { KIND_MAPS, KIND_SMAPS, KIND_ROLLUP };

/* "123/maps" and the like; the kind, or -1. */
static int file_kind(const char *file)
{
	const char *slash = strchr(file, '/');

	if (!slash || slash == file || strspn(file, "0123456789") != (size_t)(slash - file))
		return -1;
	if (!strcmp(slash + 1, "maps"))
		return KIND_MAPS;
	if (!strcmp(slash + 1, "smaps"))
		return KIND_SMAPS;
	if (!strcmp(slash + 1, "smaps_rollup"))
		return KIND_ROLLUP;
	return -1;
}

static int parse(struct memacct_vmas *v, int kind, const char *buf, size_t len,
		 struct memacct_diag *d)
{
	switch (kind) {
	case KIND_MAPS:
		return memacct_maps_parse(v, buf, len, d);
	case KIND_SMAPS:
		return memacct_smaps_parse(v, buf, len, d);
	default:
		return memacct_smaps_rollup_parse(v, buf, len, d);
	}
}

/* The VMA whose header range is the text "<start>-<end>". */
static const struct memacct_vma *find_vma(const struct memacct_vmas *v, const char *range)
{
	char *dash;
	uint64_t s = strtoull(range, &dash, 16), e, a, b;

	assert_int_equal(*dash, '-');
	e = strtoull(dash + 1, NULL, 16);
	for (int i = 0; i < memacct_vmas_count(v); i++) {
		const struct memacct_vma *vma = memacct_vmas_at(v, (size_t)i);

		if (memacct_vma_get(vma, MEMACCT_VMA_START, &a) == 0 &&
		    memacct_vma_get(vma, MEMACCT_VMA_END, &b) == 0 && a == s && b == e)
			return vma;
	}
	return NULL;
}

static uint64_t field_or0(const struct memacct_vma *vma, const char *name)
{
	uint64_t v;

	return memacct_vma_get_by_name(vma, name, &v) == 0 ? v : 0;
}

/* A per-VMA quantity a peer computes (formulas in the corpus README), in bytes. */
static int vma_derived(const struct memacct_vma *vma, const char *what, uint64_t *ret)
{
	uint64_t s, e;
	const char *path;

	if (!strcmp(what, "uss")) {
		*ret = field_or0(vma, "Private_Clean") + field_or0(vma, "Private_Dirty");
	} else if (!strcmp(what, "psutil.uss")) {
		*ret = field_or0(vma, "Private_Clean") + field_or0(vma, "Private_Dirty") +
		       field_or0(vma, "Private_Hugetlb");
	} else if (!strcmp(what, "size_in_bytes")) {
		assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_START, &s), 0);
		assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_END, &e), 0);
		*ret = e - s;
	} else if (!strcmp(what, "androidheap.swappablePss")) {
		/* libmeminfo counts swappable PSS for mapped files only (.so, .apk,
		 * .art, ...); an anonymous or "[...]" VMA has none. */
		assert_int_equal(memacct_vma_get_path(vma, &path), 0);
		if (path[0] != '\0' && path[0] != '[')
			return -1;
		*ret = 0;
	} else {
		return -1;
	}
	return 0;
}

/* "r-xp" for a VMA. */
static void render_perms(const struct memacct_vma *vma, char out[5])
{
	uint64_t p;

	assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_PERMS, &p), 0);
	out[0] = p & MEMACCT_VMA_PERM_READ ? 'r' : '-';
	out[1] = p & MEMACCT_VMA_PERM_WRITE ? 'w' : '-';
	out[2] = p & MEMACCT_VMA_PERM_EXEC ? 'x' : '-';
	out[3] = p & MEMACCT_VMA_PERM_SHARED ? 's' : 'p';
	out[4] = '\0';
}

/* One row about one VMA: a header attribute, a field or a derived quantity. */
static void check_vma_row(const struct conf_file *c, const struct memacct_vma *vma,
			  const char *what, const char *val, uint64_t want)
{
	uint64_t got = 0, major, minor;
	const char *path;
	char perms[5];

	if (!strcmp(what, "path")) {
		assert_int_equal(memacct_vma_get_path(vma, &path), 0);
		if (strcmp(path, strcmp(val, "<empty>") ? val : ""))
			fail_msg("%s %s: path '%s', the peer expects '%s'", c->name, c->file, path,
				 val);
	} else if (!strcmp(what, "perms")) {
		render_perms(vma, perms);
		if (strncmp(perms, val, strlen(val)))
			fail_msg("%s %s: perms %s, the peer expects %s", c->name, c->file, perms,
				 val);
	} else if (!strcmp(what, "dev")) {
		assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_DEV_MAJOR, &major), 0);
		assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_DEV_MINOR, &minor), 0);
		assert_u64_equal(major, strtoull(val, NULL, 16));
		assert_u64_equal(minor, strtoull(strchr(val, ':') + 1, NULL, 16));
	} else if (!strcmp(what, "offset")) {
		assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_OFFSET, &got), 0);
		assert_u64_equal(got, want);
	} else if (!strcmp(what, "inode")) {
		assert_int_equal(memacct_vma_get(vma, MEMACCT_VMA_INODE, &got), 0);
		assert_u64_equal(got, want);
	} else if (!strncmp(what, "derived:", 8)) {
		if (vma_derived(vma, what + 8, &got) < 0)
			fail_msg("%s %s: no formula for %s", c->name, c->file, what);
		if (got != want)
			fail_msg("%s %s: %s = %" PRIu64 ", the peer expects %" PRIu64, c->name,
				 c->file, what, got, want);
	} else {
		if (memacct_vma_get_by_name(vma, what, &got) < 0)
			fail_msg("%s %s: %s missing", c->name, c->file, what);
		if (got != want)
			fail_msg("%s %s: %s = %" PRIu64 ", the peer expects %" PRIu64, c->name,
				 c->file, what, got, want);
	}
}

/* Every VMA of a file: a sum of a field, or of a per-VMA derived quantity. */
static uint64_t file_sum(const struct memacct_vmas *v, const char *field, int derived)
{
	uint64_t sum = 0, x;

	for (int i = 0; i < memacct_vmas_count(v); i++) {
		const struct memacct_vma *vma = memacct_vmas_at(v, (size_t)i);

		if (derived)
			assert_int_equal(vma_derived(vma, field, &x), 0);
		else if (memacct_vma_get_by_name(vma, field, &x) < 0)
			continue;
		sum += x;
	}
	return sum;
}

/* What foreach saw, VMA by VMA, against the table. */
struct stream_check {
	const struct memacct_vmas *table;
	size_t i;
};

static void assert_same_vma(const struct memacct_vma *a, const struct memacct_vma *b)
{
	static const uint32_t hdr_keys[] = { 1, 2, 3, 4, 5, 6, 7 };
	const char *pa = NULL, *pb = NULL;
	uint64_t va, vb;

	for (size_t k = 0; k < sizeof(hdr_keys) / sizeof(hdr_keys[0]); k++) {
		int ra = memacct_vma_get(a, hdr_keys[k], &va), rb = memacct_vma_get(b, hdr_keys[k], &vb);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_u64_equal(va, vb);
	}
	for (uint32_t k = MEMACCT_SMAPS_SIZE; k <= MEMACCT_SMAPS_PROTECTIONKEY; k++) {
		int ra = memacct_vma_get(a, k, &va), rb = memacct_vma_get(b, k, &vb);

		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_u64_equal(va, vb);
	}
	assert_int_equal(memacct_vma_get_path(a, &pa), memacct_vma_get_path(b, &pb));
	if (pa)
		assert_string_equal(pa, pb);
	assert_int_equal(memacct_vma_get_vmflags(a, &va), memacct_vma_get_vmflags(b, &vb));
	assert_int_equal(memacct_vma_field_count(a), memacct_vma_field_count(b));
}

static int stream_cb(const struct memacct_vma *vma, void *userdata)
{
	struct stream_check *sc = userdata;
	const struct memacct_vma *t = memacct_vmas_at(sc->table, sc->i++);

	assert_non_null(t);
	assert_same_vma(vma, t);
	return 0;
}

static void check_file(void **state)
{
	const struct conf_file *c = *state;
	char path[4500], line[1024];
	struct memacct_vmas *v = NULL, *scratch = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	int kind = file_kind(c->file), parse_expect = 0, strict, rows = 0, lenient = 0;
	size_t len = 0, flen = strlen(c->file);
	char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%s", c->dir, c->file);
	buf = slurp(path, &len);
	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/expected.tsv", c->dir);
	f = fopen(path, "r");
	assert_non_null(f);

	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, c->file, flen) && !strncmp(line + flen, "\t@parse\t", 8))
			parse_expect = !strncmp(line + flen + 8, "error", 5) ? -1 : 1;

	assert_int_equal(memacct_vmas_new(&v), 0);
	strict = parse(v, kind, buf, len, &d);
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		if (strcmp(rejected[i].name, c->name) || strcmp(rejected[i].file, c->file))
			continue;
		if (strict != -EBADMSG || d.line != rejected[i].line ||
		    strcmp(d.key, rejected[i].key))
			fail_msg("%s %s: strict parse gave %d at line %u key %s", c->name, c->file,
				 strict, d.line, d.key);
		assert_int_equal(memacct_vmas_set_flags(v, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
		assert_int_equal(parse(v, kind, buf, len, NULL), 0);
		assert_int_equal(memacct_vmas_count_skipped(v), rejected[i].skipped);
		strict = 0;
		lenient = 1;
	}
	if (parse_expect < 0) {
		if (strict >= 0)
			fail_msg("%s %s: the peer expects a parse error; we accepted it", c->name,
				 c->file);
		assert_non_null(d.message);
		goto out;
	}
	if (strict < 0)
		fail_msg("%s %s: parse failed: %d at line %u col %u key '%s': %s", c->name,
			 c->file, strict, d.line, d.column, d.key, d.message);
	if (kind == KIND_ROLLUP) {
		const char *p;

		assert_int_equal(memacct_vmas_count(v), 1);
		assert_int_equal(memacct_vma_get_path(memacct_vmas_at(v, 0), &p), 0);
		assert_string_equal(p, "[rollup]");
	}
	if (kind == KIND_SMAPS) {
		struct stream_check sc = { .table = v };

		assert_int_equal(memacct_vmas_new(&scratch), 0);
		if (lenient)
			assert_int_equal(memacct_vmas_set_flags(scratch, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
		assert_int_equal(memacct_smaps_parse_foreach(scratch, buf, len, stream_cb, &sc, NULL), 0);
		assert_int_equal(sc.i, memacct_vmas_count(v));
		assert_int_equal(memacct_vmas_count_skipped(scratch), memacct_vmas_count_skipped(v));
	}

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char *file = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n");
		char *val = strtok(NULL, "\t\n"), *unit = strtok(NULL, "\t\n");
		const struct memacct_vma *vma;
		const char *what;
		uint64_t want, got = 0;
		int absent = 0;

		if (!file || strcmp(file, c->file) || !key || !val || !unit)
			continue;
		rows++;
		if (!strcmp(key, "@parse"))
			continue;
		want = strtoull(val, NULL, 10);
		if (!strcmp(unit, "kB"))
			want *= 1024;
		if (!strcmp(key, "count:vma")) {
			assert_int_equal(memacct_vmas_count(v), want);
			continue;
		}
		if (!strncmp(key, "sum:", 4)) {
			got = file_sum(v, key + 4, 0);
			if (got != want)
				fail_msg("%s %s: %s = %" PRIu64 ", the peer expects %" PRIu64, c->name,
					 c->file, key, got, want);
			continue;
		}
		if (!strncmp(key, "absent:", 7)) {
			key += 7;
			absent = 1;
		}
		if (!strncmp(key, "vma:", 4)) {
			char *range = key + 4, *colon = strchr(range, ':');

			assert_non_null(colon);
			*colon = '\0';
			what = colon + 1;
			vma = find_vma(v, range);
			if (!vma)
				fail_msg("%s %s: no VMA %s", c->name, c->file, range);
		} else if (kind == KIND_ROLLUP) {
			vma = memacct_vmas_at(v, 0);
			what = key;
		} else if (!strncmp(key, "derived:", 8)) {
			got = file_sum(v, key + 8, 1);
			if (got != want)
				fail_msg("%s %s: %s = %" PRIu64 ", the peer expects %" PRIu64, c->name,
					 c->file, key, got, want);
			continue;
		} else {
			fail_msg("%s %s: a row this test does not understand: %s", c->name, c->file,
				 key);
			continue;
		}
		if (absent) {
			if (memacct_vma_get_by_name(vma, what, &got) != -ENOENT)
				fail_msg("%s %s: %s is absent from the file, we report %" PRIu64,
					 c->name, c->file, what, got);
			continue;
		}
		check_vma_row(c, vma, what, val, want);
	}
	assert_true(rows > 0);
out:
	fclose(f);
	free(buf);
	memacct_vmas_free(scratch);
	memacct_vmas_free(v);
}

struct conf_files {
	struct conf_file *v;
	size_t n, cap;
};

/* The distinct maps/smaps/smaps_rollup files a case's expected.tsv has rows for. */
static void add_files(const char *name, const char *dir, struct conf_file **files, size_t *n,
		      size_t *cap)
{
	char path[8400], line[1024];
	FILE *f;

	if (!conf_is_dir(dir))
		return;
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		size_t i;

		if (!tab)
			continue;
		*tab = '\0';
		if (file_kind(line) < 0)
			continue;
		for (i = 0; i < *n; i++)
			if (!strcmp((*files)[i].name, name) && !strcmp((*files)[i].file, line))
				break;
		if (i < *n)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*files = realloc(*files, *cap * sizeof(**files));
			assert_non_null(*files);
		}
		snprintf((*files)[*n].name, sizeof((*files)[*n].name), "%s", name);
		snprintf((*files)[*n].file, sizeof((*files)[*n].file), "%.63s", line);
		snprintf((*files)[*n].dir, sizeof((*files)[*n].dir), "%s", dir);
		snprintf((*files)[*n].title, sizeof((*files)[*n].title), "%s %s", (*files)[*n].name,
			 (*files)[*n].file);
		(*n)++;
	}
	fclose(f);
}

static void take(const char *name, const char *dir, void *userdata)
{
	struct conf_files *fs = userdata;

	add_files(name, dir, &fs->v, &fs->n, &fs->cap);
}

int main(void)
{
	struct conf_files files = { 0 };
	int r;

	r = conf_walk(take, &files);
	if (r == 0)
		r = conf_run("conformance-smaps", "maps/smaps", check_file, files.v, files.n,
			     sizeof(*files.v));
	free(files.v);
	return r;
}
