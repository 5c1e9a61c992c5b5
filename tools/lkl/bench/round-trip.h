/* SPDX-License-Identifier: GPL-2.0 */
/*
 * round-trip.h - the benchmarks' 1-byte request/response loop over a
 * TCP connection to an echo server (lkl-net-echo), through host calls
 * or LKL's (struct sock_ops): the median and the 99th percentile of
 * the round trips.  Used by lkl-net-bench (LKL and the host) and by
 * lkl-hijack-bench (the host's calls, native or hijacked).
 */
#ifndef _LKL_BENCH_ROUND_TRIP_H
#define _LKL_BENCH_ROUND_TRIP_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../tests/host-util.h"

#define WARMUP		200		/* round trips not counted */

struct rtt {
	double median, p99;	/* microseconds */
};

struct sock_ops {
	long (*send)(long fd, const void *buf, size_t len);
	long (*recv)(long fd, void *buf, size_t len);
};

static long host_send(long fd, const void *buf, size_t len)
{
	ssize_t r = write((int)fd, buf, len);

	return r < 0 ? -errno : r;
}

static long host_recv(long fd, void *buf, size_t len)
{
	ssize_t r = read((int)fd, buf, len);

	return r < 0 ? -errno : r;
}

static const struct sock_ops host_ops = { host_send, host_recv };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A host TCP connection to @addr:@port (TCP_NODELAY): the fd, or -errno. */
static long host_connect(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -errno;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/*
 * @n timed exchanges of one byte each way with the echo server on @fd
 * (after WARMUP untimed ones): 0, or a negative errno.
 */
static long round_trips(const struct sock_ops *ops, long fd, long n,
			struct rtt *out)
{
	double *t = malloc(n * sizeof(*t)), t0;
	char c = 'x';
	long i, r = 0;

	if (!t)
		return -ENOMEM;
	for (i = -WARMUP; i < n; i++) {
		t0 = host_sec();
		r = ops->send(fd, &c, 1);
		if (r == 1)
			r = ops->recv(fd, &c, 1);
		if (r != 1) {
			free(t);
			return r < 0 ? r : -ECONNRESET;
		}
		if (i >= 0)
			t[i] = host_sec() - t0;
	}
	qsort(t, n, sizeof(*t), cmp_double);
	out->median = t[n / 2] * 1e6;
	out->p99 = t[n * 99 / 100] * 1e6;
	free(t);
	return 0;
}

#endif
