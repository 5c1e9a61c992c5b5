// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-mptcp.c - the hijack's LKL_HIJACK_MPTCP: a plain host program
 * that makes its TCP connections the ordinary way (socket(AF_INET or
 * AF_INET6, SOCK_STREAM, 0 or IPPROTO_TCP)) on the loopback and checks
 * what the kernel made of them.  check-hijack.sh runs it under the
 * hijack as "hijack-mptcp mptcp" (LKL_HIJACK_MPTCP=1, or the JSON's
 * "hijack_mptcp"), where every socket must be MPTCP and each connection
 * MPTCP at both ends, and as "hijack-mptcp tcp" (no option, or MPTCP
 * disabled in LKL: the fallback), where they must be TCP.  Three
 * connections either way: the script counts them in LKL's MPTcpExt.
 */
#include <errno.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "hijack-pair.h"
#include "test.h"

/* Bytes sent over each connection, checked at the other end. */
#define DATA_LEN	(256 << 10)

static int want_mptcp;

/* SO_PROTOCOL of @fd, or -errno. */
static int protocol_of(int fd)
{
	socklen_t len = sizeof(int);
	int p = -1;

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &p, &len))
		return -errno;
	return p;
}

/*
 * MPTCP_INFO of @fd: 1 when the peer's key came (MPTCP at both ends), 0
 * when not (fallen back to TCP), -errno when @fd is no MPTCP socket.
 */
static int mptcp_both_ends(int fd)
{
	struct mptcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &len))
		return -errno;
	return !!(info.mptcpi_flags & MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED);
}

/* @fd's protocol; a @connected one's MPTCP_INFO too. */
static void check_socket(int fd, const char *what, int connected,
			 const char *name)
{
	int want = want_mptcp ? IPPROTO_MPTCP : IPPROTO_TCP;
	int p = protocol_of(fd), both = mptcp_both_ends(fd);
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: %s is %s (SO_PROTOCOL %d)", name,
		 what, want_mptcp ? "MPTCP" : "TCP", want);
	check(p == want, msg, "SO_PROTOCOL %d", p);
	snprintf(msg, sizeof(msg), "%s: %s: %s", name, what,
		 !want_mptcp ? "no MPTCP_INFO (a TCP socket)" : connected ?
		 "MPTCP_INFO says MPTCP at both ends" : "MPTCP_INFO answers");
	if (!want_mptcp)
		check(both < 0, msg, "MPTCP_INFO answered %d", both);
	else if (connected)
		check(both == 1, msg, "%d (%s)", both,
		      both < 0 ? strerror(-both) : "the peer's key not received");
	else
		check(both >= 0, msg, "%s", strerror(-both));
}

/* Connect to @addr from a socket made with @type and @protocol. */
static int connect_to(const struct sockaddr *addr, socklen_t len, int type,
		      int protocol)
{
	struct pollfd p;
	int fd = socket(addr->sa_family, type, protocol), err = 0;
	socklen_t elen = sizeof(err);

	if (fd < 0)
		return -1;
	if (!connect(fd, addr, len))
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	/* A SOCK_NONBLOCK one: the handshake ends by itself. */
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, 5000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) || err)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * One connection over @addr (the listener's socket made with protocol
 * 0), the client's socket with @type and @protocol: every socket's
 * protocol and the data.
 */
static void test_connection(struct sockaddr *addr, socklen_t len, int type,
			    int protocol, const char *name)
{
	static unsigned char buf[DATA_LEN], want[DATA_LEN];
	int l, c = -1, s = -1;
	char msg[160];
	size_t i;

	snprintf(msg, sizeof(msg), "%s: listening", name);
	l = socket(addr->sa_family, SOCK_STREAM, 0);
	if (!check(l >= 0 && !bind(l, addr, len) && !listen(l, 4) &&
		   !getsockname(l, addr, &len), msg, "%s", strerror(errno)))
		goto out;
	check_socket(l, "the listener", 0, name);
	c = connect_to(addr, len, type, protocol);
	if (c >= 0)
		s = accept(l, NULL, NULL);
	snprintf(msg, sizeof(msg), "%s: connected and accepted", name);
	if (!check(c >= 0 && s >= 0, msg, "%s", strerror(errno)))
		goto out;
	check_socket(c, "the client", 1, name);
	check_socket(s, "the accepted socket", 1, name);

	for (i = 0; i < DATA_LEN; i++)
		want[i] = (unsigned char)(i * 7 + i / 251);
	memset(buf, 0, sizeof(buf));
	if (type & SOCK_NONBLOCK) {
		/* The server blocks: the client's sends fill in between. */
		for (i = 0; i < DATA_LEN; i += 4096) {
			struct pollfd p = { c, POLLOUT, 0 };

			if (poll(&p, 1, 5000) != 1 ||
			    send(c, want + i, 4096, 0) != 4096 ||
			    recv(s, buf + i, 4096, MSG_WAITALL) != 4096)
				break;
		}
	} else {
		for (i = 0; i < DATA_LEN; i += 4096)
			if (send(c, want + i, 4096, 0) != 4096 ||
			    recv(s, buf + i, 4096, MSG_WAITALL) != 4096)
				break;
	}
	snprintf(msg, sizeof(msg), "%s: %d KiB received as sent", name,
		 DATA_LEN >> 10);
	check(!memcmp(buf, want, DATA_LEN), msg, "differ (stopped at %zu: %s)",
	      i, strerror(errno));
out:
	if (s >= 0)
		close(s);
	if (c >= 0)
		close(c);
	if (l >= 0)
		close(l);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	int u, p;

	if (argc != 2 || (strcmp(argv[1], "mptcp") && strcmp(argv[1], "tcp"))) {
		fprintf(stderr, "usage: %s mptcp|tcp: what TCP sockets should be\n",
			argv[0]);
		return 2;
	}
	want_mptcp = !strcmp(argv[1], "mptcp");
	test_section("IPv4, protocol 0", 30);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	test_connection((struct sockaddr *)&sin, sizeof(sin), SOCK_STREAM, 0,
			"IPv4, protocol 0");
	test_section("IPv4, IPPROTO_TCP, SOCK_NONBLOCK | SOCK_CLOEXEC", 30);
	sin.sin_port = 0;
	test_connection((struct sockaddr *)&sin, sizeof(sin),
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP,
			"IPv4, IPPROTO_TCP, non-blocking");
	test_section("IPv6", 30);
	sin6.sin6_addr = in6addr_loopback;
	test_connection((struct sockaddr *)&sin6, sizeof(sin6), SOCK_STREAM, 0,
			"IPv6, protocol 0");

	/* Only TCP is changed. */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	p = protocol_of(u);
	CHECK_EQ("a UDP socket stays UDP", p, IPPROTO_UDP);
	if (u >= 0)
		close(u);
	return test_done();
}
