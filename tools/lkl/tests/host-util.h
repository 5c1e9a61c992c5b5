/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host-util.h - what the tests measure on the host side: its monotonic
 * clock, sleeps, and the number of threads of this process.
 */
#ifndef _LKL_TEST_HOST_UTIL_H
#define _LKL_TEST_HOST_UTIL_H

#include <dirent.h>
#include <time.h>

/* Host CLOCK_MONOTONIC in milliseconds. */
static inline double host_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Sleep @ms on the host, whatever signals arrive. */
static inline void host_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Threads of this host process, from the host's /proc; -1 on error. */
static inline int host_thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

#endif /* _LKL_TEST_HOST_UTIL_H */
