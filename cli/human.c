/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>

#include "cli.h"

/* "512 B", "23.5 GiB": binary units, one decimal, promoted before "1024.0". */
static void format_bytes(char *buf, size_t len, uint64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v;
	size_t k = 0;

	while (d >= 1023.95 && k + 1 < ARRAY_SIZE(units)) {
		d /= 1024.0;
		k++;
	}
	if (k == 0)
		snprintf(buf, len, "%" PRIu64 " B", v);
	else
		snprintf(buf, len, "%.1f %s", d, units[k]);
}

const char *human_ubytes(char buf[HUMAN_LEN], uint64_t v)
{
	format_bytes(buf, HUMAN_LEN, v);
	return buf;
}

const char *human_bytes(char buf[HUMAN_LEN], int64_t v)
{
	/* Negate in uint64_t: -INT64_MIN does not fit in int64_t. */
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

	if (v >= 0) {
		format_bytes(buf, HUMAN_LEN, mag);
	} else {
		buf[0] = '-';
		format_bytes(buf + 1, HUMAN_LEN - 1, mag);
	}
	return buf;
}

const char *human_percent(char buf[HUMAN_LEN], int64_t part, uint64_t whole)
{
	if (whole == 0)
		snprintf(buf, HUMAN_LEN, "-");
	else
		snprintf(buf, HUMAN_LEN, "%.1f%%", (double)part * 100.0 / (double)whole);
	return buf;
}
