// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-bench.c - lkl-hijack-bench, the figures of hijack-bench.sh;
 * prints them, never passes or fails.  A plain host program for the
 * first two modes, run natively and under liblkl-hijack.so:
 *
 *   lkl-hijack-bench rr ADDR PORT COUNT
 *	COUNT round trips of one byte each way over one TCP connection
 *	(TCP_NODELAY) to the echo server ADDR:PORT (lkl-net-echo), after
 *	200 not counted: "median_us M p99_us P"
 *   lkl-hijack-bench send COUNT
 *	the cost of send() of one byte on a connected UDP socket to another
 *	on 127.0.0.1 (the host's loopback, or LKL's under the hijack): the
 *	best of 5 rounds of COUNT sends, the receiver drained every 64
 *	sends, outside the time: "ns_per_call N"
 *   lkl-hijack-bench send-child COUNT
 *	the same, the sockets made by this process and the sends by a child
 *	of fork(): hijacked, the child's calls are made in its parent's
 *	kernel (the hijack's proxy)
 *   lkl-hijack-bench send-lkl COUNT
 *	the same loop calling lkl_sys_sendto() directly on a kernel this
 *	program boots (loopback only, the hijack's "mem=128M"): what the
 *	hijack's send() costs beyond LKL's own
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/in.h>
#include <lkl/socket.h>

#include "round-trip.h"

#define BATCH	64	/* sends between two drains of the receiver */
#define ROUNDS	5

static _Noreturn void die(const char *what, long err)
{
	fprintf(stderr, "lkl-hijack-bench: %s: %s\n", what,
		strerror((int)-err));
	exit(1);
}

static long number_arg(const char *s, long min, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s || v < min || v > max) {
		fprintf(stderr,
			"lkl-hijack-bench: %s '%s': expected a number from %ld to %ld\n",
			what, s, min, max);
		exit(2);
	}
	return v;
}

/* ---- send() of one byte, through the host's calls or LKL's ---- */

static long udp_send(long fd, const void *buf, size_t len)
{
	ssize_t r = send((int)fd, buf, len, 0);

	return r < 0 ? -errno : r;
}

static long udp_recv(long fd, void *buf, size_t len)
{
	ssize_t r = recv((int)fd, buf, len, 0);

	return r < 0 ? -errno : r;
}

static long lkl_udp_send(long fd, const void *buf, size_t len)
{
	return lkl_sys_sendto((int)fd, (void *)buf, len, 0, NULL, 0);
}

static long lkl_udp_recv(long fd, void *buf, size_t len)
{
	return lkl_sys_recvfrom((int)fd, buf, len, 0, NULL, NULL);
}

static const struct sock_ops udp_ops = { udp_send, udp_recv };
static const struct sock_ops lkl_udp_ops = { lkl_udp_send, lkl_udp_recv };

/* Host (or hijacked) UDP sockets: @fd[1] on 127.0.0.1, @fd[0] sends to it. */
static void udp_pair(long fd[2])
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, SOCK_DGRAM, 0), r = socket(AF_INET, SOCK_DGRAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || r < 0)
		die("socket", -errno);
	if (bind(r, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(r, (struct sockaddr *)&sin, &len))
		die("bind to 127.0.0.1", -errno);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect to 127.0.0.1", -errno);
	fd[0] = s;
	fd[1] = r;
}

/* The same in LKL, booted here with its loopback up. */
static void lkl_udp_pair(long fd[2])
{
	struct lkl_sockaddr_in sin = { .sin_family = LKL_AF_INET };
	int len = sizeof(sin);
	long s, r, err;

	lkl_host_log_fd = -1;
	err = lkl_start_kernel(&lkl_host_ops, "mem=128M loglevel=4");
	if (err)
		die("lkl_start_kernel", err);
	err = lkl_if_up(1);
	if (err)
		die("LKL's loopback up", err);
	s = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	r = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	if (s < 0 || r < 0)
		die("LKL socket", s < 0 ? s : r);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	err = lkl_sys_bind((int)r, (struct lkl_sockaddr *)&sin, sizeof(sin));
	if (!err)
		err = lkl_sys_getsockname((int)r, (struct lkl_sockaddr *)&sin,
					  &len);
	if (err)
		die("LKL bind to 127.0.0.1", err);
	err = lkl_sys_connect((int)s, (struct lkl_sockaddr *)&sin, sizeof(sin));
	if (err)
		die("LKL connect to 127.0.0.1", err);
	fd[0] = s;
	fd[1] = r;
}

/* Nanoseconds per send of one byte: the best of ROUNDS rounds of @n. */
static double send_cost(const struct sock_ops *ops, const long fd[2], long n)
{
	double best = 0, sum, t0;
	long round, i, j, r;
	char c = 's';

	for (round = 0; round < ROUNDS; round++) {
		sum = 0;
		for (i = 0; i < n; i += BATCH) {
			t0 = host_sec();
			for (j = 0; j < BATCH; j++) {
				r = ops->send(fd[0], &c, 1);
				if (r != 1)
					die("send", r < 0 ? r : -EIO);
			}
			sum += host_sec() - t0;
			for (j = 0; j < BATCH; j++) {
				r = ops->recv(fd[1], &c, 1);
				if (r != 1)
					die("recv", r < 0 ? r : -EIO);
			}
		}
		sum = sum * 1e9 / (double)(i ? i : 1);
		if (!round || sum < best)
			best = sum;
	}
	return best;
}

int main(int argc, char **argv)
{
	struct rtt rtt;
	long fd[2], n, r;
	pid_t pid;
	int st;

	if (argc == 5 && !strcmp(argv[1], "rr")) {
		n = number_arg(argv[4], 100, 10000000, "round trips");
		fd[0] = host_connect(argv[2],
				     (int)number_arg(argv[3], 1, 65535, "port"));
		if (fd[0] < 0)
			die(argv[2], fd[0]);
		r = round_trips(&host_ops, fd[0], n, &rtt);
		if (r)
			die("round trips", r);
		close((int)fd[0]);
		printf("median_us %.1f p99_us %.1f\n", rtt.median, rtt.p99);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "send")) {
		n = number_arg(argv[2], BATCH, 100000000, "sends");
		udp_pair(fd);
		printf("ns_per_call %.1f\n", send_cost(&udp_ops, fd, n));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "send-child")) {
		n = number_arg(argv[2], BATCH, 100000000, "sends");
		udp_pair(fd);
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork", -errno);
		if (pid == 0) {
			printf("ns_per_call %.1f\n", send_cost(&udp_ops, fd, n));
			exit(0);
		}
		if (waitpid(pid, &st, 0) != pid)
			die("waitpid", -errno);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	if (argc == 3 && !strcmp(argv[1], "send-lkl")) {
		n = number_arg(argv[2], BATCH, 100000000, "sends");
		lkl_udp_pair(fd);
		printf("ns_per_call %.1f\n", send_cost(&lkl_udp_ops, fd, n));
		lkl_sys_halt();
		return 0;
	}
	fprintf(stderr,
		"usage: %s rr ADDR PORT COUNT | send COUNT | send-child COUNT | send-lkl COUNT\n",
		argv[0]);
	return 2;
}
