// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-echo.c - an echo server and a many-threaded client, plain host
 * programs that check-hijack.sh runs under the hijack (and natively, as
 * the peer).
 *
 *   hijack-echo server ADDR PORT
 *	accept forever; a thread per connection echoes until EOF
 *   hijack-echo client ADDR PORT THREADS CONNECTIONS
 *	THREADS threads each open CONNECTIONS connections one after the
 *	other, send a message (1 to 16 KiB, its bytes a function of the
 *	thread, the connection and the position), read the echo, check it
 *	byte for byte and close; then one "ok"/"FAIL" line and the closing
 *	"N passed, N failed"
 *   hijack-echo rr ADDR PORT COUNT
 *	one connection (TCP_NODELAY), COUNT round trips of one byte; prints
 *	the time of one, then "ok"/"FAIL" and the closing line
 *   hijack-echo local THREADS CONNECTIONS
 *	the server (on 127.0.0.1, any port) and the client in this one
 *	process: under the hijack both are on LKL's loopback, so it needs
 *	no network (cross-hijack-loopback.sh runs it, cross builds too)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define MSG_MAX		(16 * 1024)

static struct sockaddr_in server;
static int conns;
static atomic_int stopping;	/* local: the listening socket is shut down */

struct result {
	int done;		/* connections echoed correctly */
	char error[160];	/* the first failure */
};

static void *echo(void *arg)
{
	int fd = (int)(long)arg;
	char buf[8192];
	ssize_t n, w, off;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = write(fd, buf + off, (size_t)(n - off));
			if (w <= 0)
				goto out;
		}
	}
out:
	close(fd);
	return NULL;
}

/* A socket listening on @server; port 0 (any) is replaced by the port. */
static int listen_on(void)
{
	socklen_t len = sizeof(server);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&server, sizeof(server)) ||
	    listen(s, 128) ||
	    getsockname(s, (struct sockaddr *)&server, &len)) {
		perror("hijack-echo server");
		return -1;
	}
	return s;
}

/* Accept on @arg (the listening fd) until it fails. */
static void *serve(void *arg)
{
	int s = (int)(long)arg, c;
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (stopping)
				return NULL;
			perror("hijack-echo accept");
			return NULL;
		}
		if (pthread_create(&t, &attr, echo, (void *)(long)c))
			close(c);
	}
}

static unsigned char pattern(long t, long i, size_t pos)
{
	return (unsigned char)((t * 131 + i * 17 + (long)pos * 7) >> 1);
}

static int one_connection(long t, long i, struct result *res)
{
	static __thread unsigned char out[MSG_MAX], in[MSG_MAX];
	size_t len = 1024 + (size_t)((t * 7919 + i * 104729) % (MSG_MAX - 1023));
	size_t pos, got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	ssize_t n;

	if (fd < 0) {
		snprintf(res->error, sizeof(res->error), "socket: %s",
			 strerror(errno));
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&server, sizeof(server))) {
		snprintf(res->error, sizeof(res->error),
			 "thread %ld connection %ld: connect: %s", t, i,
			 strerror(errno));
		close(fd);
		return -1;
	}
	for (pos = 0; pos < len; pos++)
		out[pos] = pattern(t, i, pos);
	if (send(fd, out, len, 0) != (ssize_t)len) {
		snprintf(res->error, sizeof(res->error),
			 "thread %ld connection %ld: send: %s", t, i,
			 strerror(errno));
		close(fd);
		return -1;
	}
	while (got < len) {
		n = recv(fd, in + got, len - got, 0);
		if (n <= 0) {
			snprintf(res->error, sizeof(res->error),
				 "thread %ld connection %ld: recv after %zu of %zu bytes: %s",
				 t, i, got, len, n ? strerror(errno) : "EOF");
			close(fd);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	if (memcmp(in, out, len)) {
		snprintf(res->error, sizeof(res->error),
			 "thread %ld connection %ld: the echo differs", t, i);
		return -1;
	}
	return 0;
}

static int round_trips(long count)
{
	struct timespec t0, t1;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	long i;
	char c = 'r';
	double us;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&server, sizeof(server))) {
		check(0, "rr: connect", "%s", strerror(errno));
		return test_done();
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		if (send(fd, &c, 1, 0) != 1 || recv(fd, &c, 1, 0) != 1 ||
		    c != 'r')
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	      (double)(t1.tv_nsec - t0.tv_nsec)) / 1e3 / (double)(i ? i : 1);
	printf("# rr: %ld round trips of 1 byte, %.1f us each\n", i, us);
	CHECK_EQ("rr: round trips done", i, count);
	return test_done();
}

static void *client(void *arg)
{
	struct result *res = arg;
	long t = res->done, i;

	res->done = 0;
	for (i = 0; i < conns; i++) {
		if (one_connection(t, i, res))
			break;
		res->done++;
	}
	return NULL;
}

/* @threads threads of @conns connections each; the closing line. */
static int clients(long threads)
{
	struct result *res = calloc((size_t)threads, sizeof(*res));
	pthread_t *tid = calloc((size_t)threads, sizeof(*tid));
	struct timespec t0, t1;
	long t, total = 0;
	double sec;

	if (!res || !tid) {
		perror("hijack-echo");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (t = 0; t < threads; t++) {
		res[t].done = (int)t;
		pthread_create(&tid[t], NULL, client, &res[t]);
	}
	for (t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		total += res[t].done;
		if (res[t].error[0])
			printf("# %s\n", res[t].error);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sec = (double)(t1.tv_sec - t0.tv_sec) +
	      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %ld connections in %.2f s (%.0f per second)\n", total, sec,
	       (double)total / sec);
	CHECK_EQ("echo: connections echoed and checked", total,
		 threads * conns);
	free(res);
	free(tid);
	return test_done();
}

/*
 * Server and clients in this process, on 127.0.0.1; the server's accept()
 * is ended by shutdown() (EINVAL), so no thread is left blocked at exit.
 */
static int local(long threads)
{
	pthread_t t;
	int s, r;

	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = listen_on();
	if (s < 0)
		return 1;
	printf("# server on 127.0.0.1:%d\n", ntohs(server.sin_port));
	if (pthread_create(&t, NULL, serve, (void *)(long)s)) {
		perror("hijack-echo: server thread");
		return 1;
	}
	r = clients(threads);
	stopping = 1;
	if (shutdown(s, SHUT_RDWR))
		perror("hijack-echo: shutdown of the listening socket");
	pthread_join(t, NULL);
	close(s);
	return r;
}

int main(int argc, char **argv)
{
	int s;

	if (argc == 4 && !strcmp(argv[1], "local")) {
		conns = atoi(argv[3]);
		return local(atol(argv[2]));
	}
	if (argc < 4 || (!strcmp(argv[1], "client") && argc != 6) ||
	    (!strcmp(argv[1], "rr") && argc != 5)) {
		fprintf(stderr, "usage: hijack-echo server ADDR PORT | client ADDR PORT THREADS CONNECTIONS | rr ADDR PORT COUNT | local THREADS CONNECTIONS\n");
		return 2;
	}
	server.sin_family = AF_INET;
	server.sin_port = htons((unsigned short)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &server.sin_addr) != 1) {
		fprintf(stderr, "hijack-echo: %s: not an IPv4 address\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "server")) {
		s = listen_on();
		if (s >= 0)
			serve((void *)(long)s);
		return 1;
	}
	if (!strcmp(argv[1], "rr"))
		return round_trips(atol(argv[4]));
	conns = atoi(argv[5]);
	return clients(atol(argv[4]));
}
