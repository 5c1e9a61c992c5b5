// SPDX-License-Identifier: GPL-2.0
/*
 * net-echo.c - lkl-net-echo ADDR PORT: the native TCP echo server of the
 * network benchmark's round-trip figure (net-bench.sh runs it in the
 * peer namespace).  A plain host program: no LKL in it.
 *
 * Listens on the IPv4 address ADDR, TCP port PORT; each connection gets
 * a child process that writes back every byte it reads, at once
 * (TCP_NODELAY), until the client closes.  Prints one line on stdout
 * once it listens, so its caller knows when to start.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "lkl-net-echo: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Echo until EOF: the client sends a byte, waits for it, sends again. */
static void echo(int fd)
{
	char buf[4096];
	ssize_t n, off, w;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (off = 0; off < n; off += w) {
			w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return;
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1, ls, fd;
	char *end;
	long port;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ADDR PORT\n", argv[0]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "lkl-net-echo: '%s' is not an IPv4 address\n",
			argv[1]);
		return 2;
	}
	port = strtol(argv[2], &end, 10);
	if (*end || end == argv[2] || port < 1 || port > 65535) {
		fprintf(stderr, "lkl-net-echo: '%s' is not a port (1..65535)\n",
			argv[2]);
		return 2;
	}
	sin.sin_port = htons((uint16_t)port);
	/* Children are not waited for: the kernel reaps them. */
	signal(SIGCHLD, SIG_IGN);

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)))
		die(argv[1]);
	if (listen(ls, 16))
		die("listen");
	printf("lkl-net-echo: listening on %s:%ld\n", argv[1], port);
	fflush(stdout);

	for (;;) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		switch (fork()) {
		case -1:
			die("fork");
		case 0:
			/*
			 * A client that dies without closing (an LKL
			 * process's TCP dies with it) would leave this
			 * child waiting for ever: it goes with the server.
			 */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() == 1)
				_exit(0);
			close(ls);
			echo(fd);
			_exit(0);
		default:
			close(fd);
		}
	}
}
