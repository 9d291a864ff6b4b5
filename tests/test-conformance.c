/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The peers' meminfo expectations in ../shared/conformance: every "meminfo"
 * row of every case's expected.tsv. The corpus is read in place, never copied;
 * without it the whole test is skipped (exit 77).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <unistd.h>

#include "conformance-util.h"
#include "memacct.h"

/*
 * Peer files our strict parser rejects, and why: each is a hand-written peer
 * input no kernel prints. Strict parsing must fail at that line; a lenient
 * parse must skip exactly those lines and then meet every expectation.
 */
static const struct {
	const char *name;
	uint32_t line;
	const char *key;
	int skipped;
} rejected[] = {
	{ "psutil/meminfo-negative-memavailable", 5, "MemAvailable", 1 },	/* "-1 kB" */
	{ "psutil/meminfo-duplicate-key", 8, "Inactive(file)", 1 },		/* twice */
	/* "HugePages_Total: 41 kB": kB on the four HugePages_* counts */
	{ "psutil/meminfo-synthetic-all-fields", 41, "HugePages_Total", 4 },
};

/* A value by name, 0 when absent: the peers' convention, used for their formulas only. */
static uint64_t or0(const struct memacct_meminfo *mi, const char *name)
{
	uint64_t v;

	return memacct_meminfo_get_by_name(mi, name, &v) == 0 ? v : 0;
}

static int has(const struct memacct_meminfo *mi, const char *name)
{
	uint64_t v;

	return memacct_meminfo_get_by_name(mi, name, &v) == 0;
}

/* The peers' derived quantities (formulas from the corpus README), in bytes or percent. */
static int derived(const struct memacct_meminfo *mi, const char *what, const char *rejected_key,
		   double *ret)
{
	double total = (double)or0(mi, "MemTotal"), avail = (double)or0(mi, "MemAvailable");

	if (!strcmp(what, "gopsutil.Cached"))
		*ret = (double)(or0(mi, "Cached") + or0(mi, "SReclaimable"));
	else if (!strcmp(what, "psutil.cached"))	/* psutil gives up (0) without Cached */
		*ret = has(mi, "Cached") ? (double)(or0(mi, "Cached") + or0(mi, "SReclaimable")) : 0;
	else if (!strcmp(what, "gopsutil.Used"))
		*ret = total - avail;
	else if (!strcmp(what, "gopsutil.UsedPercent"))
		*ret = (total - avail) / total * 100.0;
	else if (!strcmp(what, "psutil.available")) {
		if (has(mi, "MemAvailable"))
			*ret = avail;
		else if (rejected_key && !strcmp(rejected_key, "MemAvailable"))
			*ret = 0;	/* psutil reports a negative MemAvailable as 0 */
		else
			*ret = (double)(or0(mi, "MemFree") + or0(mi, "Cached"));
	} else if (!strcmp(what, "chromium.AmountOfAvailablePhysicalMemory") && avail != 0)
		*ret = avail - (double)or0(mi, "Active(file)");
	else if (!strcmp(what, "chromium.AmountOfAvailablePhysicalMemory") ||
		 !strcmp(what, "chromium.AmountOfAvailablePhysicalMemory_if_MemAvailable_zeroed"))
		*ret = (double)(or0(mi, "MemFree") + or0(mi, "SReclaimable") +
				or0(mi, "Inactive(file)"));
	else if (!strcmp(what, "chromium.GetSystemCommitChargeFromMeminfo")) {
		double used = total - (double)(or0(mi, "MemFree") + or0(mi, "Buffers") +
					       or0(mi, "Cached"));
		*ret = used > 0 ? used : 0;
	} else
		return -1;
	return 0;
}

static void check_case(void **state)
{
	const struct conf_case *c = *state;
	char path[8400], line[1024];
	struct memacct_meminfo *mi = NULL;
	struct memacct_diag d = { .sz = sizeof(d) };
	const char *rejected_key = NULL;
	int parse_expect = 0, strict, rows = 0;
	size_t len = 0;
	char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/meminfo", c->dir);
	buf = slurp(path, &len);
	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/expected.tsv", c->dir);
	f = fopen(path, "r");
	assert_non_null(f);

	/* First pass: the @parse row, if any. */
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "meminfo\t@parse\t", 15))
			parse_expect = !strncmp(line + 15, "error", 5) ? -1 : 1;

	assert_int_equal(memacct_meminfo_new(&mi), 0);
	strict = memacct_meminfo_parse(mi, buf, len, &d);
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		if (strcmp(rejected[i].name, c->name))
			continue;
		if (strict != -EBADMSG || d.line != rejected[i].line ||
		    strcmp(d.key, rejected[i].key))
			fail_msg("%s: strict parse gave %d at line %u key %s", c->name, strict,
				 d.line, d.key);
		rejected_key = rejected[i].key;
		assert_int_equal(memacct_meminfo_set_flags(mi, MEMACCT_PARSE_SKIP_BAD_LINES), 0);
		assert_int_equal(memacct_meminfo_parse(mi, buf, len, NULL), 0);
		assert_int_equal(memacct_meminfo_count_skipped(mi), rejected[i].skipped);
		strict = 0;
	}
	if (parse_expect < 0) {
		if (strict >= 0)
			fail_msg("%s: the peer expects a parse error; we accepted it", c->name);
		assert_non_null(d.message);
		goto out;
	}
	if (strict < 0)
		fail_msg("%s: parse failed: %d at line %u col %u key '%s': %s", c->name, strict,
			 d.line, d.column, d.key, d.message);

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char *file = strtok(line, "\t\n"), *key = strtok(NULL, "\t\n");
		char *val = strtok(NULL, "\t\n"), *unit = strtok(NULL, "\t\n");
		uint64_t got = 0, want;
		double dv = 0;

		if (!file || strcmp(file, "meminfo") || !key || !val || !unit)
			continue;
		rows++;
		if (!strcmp(key, "@parse"))
			continue;
		if (!strncmp(key, "absent:", 7)) {
			if (memacct_meminfo_get_by_name(mi, key + 7, &got) != -ENOENT)
				fail_msg("%s: %s is absent from the file, we report %" PRIu64,
					 c->name, key + 7, got);
			continue;
		}
		if (!strcmp(key, "count:keys")) {
			int n = 0;

			for (int i = 0; i < memacct_meminfo_count(mi); i++) {
				uint32_t u;

				assert_int_equal(memacct_meminfo_at(mi, (size_t)i, NULL, NULL, &u, NULL), 0);
				n += u != MEMACCT_UNIT_TEXT;
			}
			assert_int_equal(n, strtoull(val, NULL, 10));
			continue;
		}
		if (!strncmp(key, "derived:", 8)) {
			double scale = !strcmp(unit, "kB") ? 1024.0 : 1.0, w = strtod(val, NULL) * scale;

			if (derived(mi, key + 8, rejected_key, &dv) < 0)
				fail_msg("%s: no formula for %s", c->name, key);
			if (fabs(dv - w) > 1e-9 * fabs(w))
				fail_msg("%s: %s = %.17g, the peer expects %.17g", c->name, key, dv, w);
			continue;
		}
		want = strtoull(val, NULL, 10);
		if (!strcmp(unit, "kB"))
			want *= 1024;
		if (memacct_meminfo_get_by_name(mi, key, &got) < 0)
			fail_msg("%s: %s missing", c->name, key);
		if (got != want)
			fail_msg("%s: %s = %" PRIu64 ", the peer expects %" PRIu64, c->name, key, got,
				 want);
	}
	assert_true(rows > 0);
out:
	fclose(f);
	free(buf);
	memacct_meminfo_free(mi);
}

/* A case with a proc/meminfo. */
static void take(const char *name, const char *dir, void *userdata)
{
	char probe[8400];

	snprintf(probe, sizeof(probe), "%s/proc/meminfo", dir);
	if (access(probe, R_OK) != 0)
		return;
	assert_true(conf_is_dir(dir));
	conf_cases_add(userdata, name, dir);
}

int main(void)
{
	return conf_main("conformance", "meminfo", take, check_case);
}
