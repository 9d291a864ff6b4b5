/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The timing core both benchmarks share: batches, calibration, medians.
 * Included after the program has defined its struct ctx, its struct
 * bench_case (with name, fn and batch) and die().
 */
#ifndef MEMACCT_BENCH_UTIL_H
#define MEMACCT_BENCH_UTIL_H

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ns per call of one batch of @n calls. */
static double run_batch(struct ctx *c, struct bench_case *bc, uint64_t n)
{
	uint64_t t0, t1, i;
	int r;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		r = bc->fn(c);
		if (r < 0)
			die(bc->name, r);
	}
	t1 = now_ns();
	return (double)(t1 - t0) / (double)n;
}

/* A batch size that takes about @ms milliseconds (at least one call). */
static uint64_t calibrate(struct ctx *c, struct bench_case *bc, unsigned ms)
{
	uint64_t n = 1;
	double ns;

	for (;;) {
		ns = run_batch(c, bc, n);
		if (ns * (double)n >= 2e6 || n >= (1u << 30))
			break;
		n *= 2;
	}
	n = (uint64_t)((double)ms * 1e6 / ns);
	return n ? n : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
