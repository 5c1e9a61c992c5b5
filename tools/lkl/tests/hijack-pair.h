/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hijack-pair.h - what the hijack-*.c test programs share: a connected
 * TCP pair on 127.0.0.1 (LKL's loopback when hijacked, the host's
 * otherwise) and a monotonic clock.
 */
#ifndef _LKL_HIJACK_PAIR_H
#define _LKL_HIJACK_PAIR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A listening socket on 127.0.0.1, any port; its address in @sin. */
static inline int tcp_listener(struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sin->sin_family = AF_INET;
	sin->sin_port = 0;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)sin, sizeof(*sin)) ||
	    listen(s, 16) || getsockname(s, (struct sockaddr *)sin, &len))
		return -1;
	return s;
}

/* @fd[0] connected to @fd[1], both blocking; 0 or -1. */
static inline int tcp_pair(int fd[2])
{
	struct sockaddr_in sin;
	int s = tcp_listener(&sin);

	if (s < 0)
		return -1;
	fd[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fd[0] < 0 ||
	    connect(fd[0], (struct sockaddr *)&sin, sizeof(sin))) {
		close(s);
		return -1;
	}
	fd[1] = accept(s, NULL, NULL);
	close(s);
	return fd[1] < 0 ? -1 : 0;
}

#endif /* _LKL_HIJACK_PAIR_H */
