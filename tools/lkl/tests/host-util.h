/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host-util.h - host-side helpers of the tests: the monotonic clock,
 * sleeps, the number of threads of this process, network byte order.
 */
#ifndef _LKL_TEST_HOST_UTIL_H
#define _LKL_TEST_HOST_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Host CLOCK_MONOTONIC in milliseconds. */
static inline double host_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Host CLOCK_MONOTONIC in seconds. */
static inline double host_sec(void)
{
	return host_ms() / 1e3;
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

/* The IPv4 address a.b.c.d in network byte order. */
static inline unsigned int ip4(int a, int b, int c, int d)
{
	unsigned char x[4] = { (unsigned char)a, (unsigned char)b,
			       (unsigned char)c, (unsigned char)d };
	unsigned int v;

	memcpy(&v, x, sizeof(v));
	return v;
}

/* A 16-bit value (a port) in network byte order. */
static inline uint16_t be16(unsigned int v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };
	uint16_t r;

	memcpy(&r, x, sizeof(r));
	return r;
}

#endif /* _LKL_TEST_HOST_UTIL_H */
