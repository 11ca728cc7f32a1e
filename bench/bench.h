/*
 * bench/bench.h - what the benchmarks share: a monotonic clock, the median
 * rate of an operation over ROUNDS rounds, and the peak memory of a child
 * that runs it once.  Header-only: each benchmark is its own program.
 */
#ifndef TAMGA_BENCH_H
#define TAMGA_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tamga/common.h>

#define ROUNDS 5

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Operations per second of fn over round_s seconds, median of ROUNDS;
 * exits naming the program when fn fails. */
static inline double rate(const char *prog, int (*fn)(void *), void *arg, double round_s)
{
	double r[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		double t0 = now_s(), t;
		long n = 0;

		do {
			if (fn(arg) != 0) {
				fprintf(stderr, "%s: operation failed: %s\n", prog, tamga_error_last()->message);
				exit(1);
			}
			n++;
			t = now_s();
		} while (t - t0 < round_s);
		r[i] = (double)n / (t - t0);
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
}

/* Peak RSS (KiB) of a child that runs fn once (or nothing, fn NULL). */
static inline long child_peak_kib(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;
	struct rusage ru;

	if (pid == 0)
		_exit(fn == NULL || fn(arg) == 0 ? 0 : 1);
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return ru.ru_maxrss;
}

#endif
