/* SPDX-License-Identifier: GPL-2.0 */
/*
 * host-util.h - host-side helpers of the tests: the monotonic clock,
 * sleeps, the number of threads of this process, network byte order,
 * running a program of the build again.
 */
#ifndef _LKL_TEST_HOST_UTIL_H
#define _LKL_TEST_HOST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/*
 * The thread count once it reached @want, or what it is after @ms: a
 * joined thread may still be listed for a moment (under qemu-user for
 * longer), as its host task ends after waking its joiner.
 */
static inline int host_thread_count_settled(int want, long ms)
{
	double t0 = host_ms();
	int n;

	while ((n = host_thread_count()) != want && host_ms() - t0 < ms)
		host_sleep_ms(10);
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

/*
 * execv() for a test that runs itself (or another program of the build)
 * again.  A cross build's tests run under the emulator named by $LKL_RUN
 * ("qemu-aarch64 -L /usr/aarch64-linux-gnu"), and a program under
 * qemu-user cannot exec a binary of the target itself unless binfmt_misc
 * is set up: the emulator is run again, with the program.  Returns only
 * on failure, as execv() does.
 */
static inline int host_execv(const char *path, char *const argv[])
{
	const char *run = getenv("LKL_RUN");
	char words[256], *args[64], *w, *save;
	size_t len;
	int n = 0, i;

	if (!run || !*run)
		return execv(path, argv);
	len = strlen(run);
	if (len >= sizeof(words)) {
		errno = E2BIG;
		return -1;
	}
	memcpy(words, run, len + 1);
	for (w = strtok_r(words, " ", &save); w && n < 32;
	     w = strtok_r(NULL, " ", &save))
		args[n++] = w;
	args[n++] = (char *)path;
	for (i = 1; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	if (argv[i]) {
		errno = E2BIG;
		return -1;
	}
	args[n] = NULL;
	return execvp(args[0], args);
}

#endif /* _LKL_TEST_HOST_UTIL_H */
