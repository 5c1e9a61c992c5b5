// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-splice.c - splice() between a pipe and a TCP socket on
 * 127.0.0.1, both ways, checked byte for byte: run by check-hijack.sh
 * natively (the host's splice) and under the hijack (LKL's socket, the
 * data passing through the hijack's buffer).  Also what must be
 * refused as the host refuses it: offsets (EINVAL on the socket, ESPIPE
 * on the pipe), no pipe at all (EINVAL); and EAGAIN from an empty
 * non-blocking socket, or into a full pipe with SPLICE_F_NONBLOCK.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hijack-pair.h"
#include "test.h"

#define TOTAL	(4 << 20)

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 13));
}

/* Writes TOTAL bytes of the pattern to fd (a pipe or a socket). */
static void *writer(void *arg)
{
	int fd = *(int *)arg;
	unsigned char buf[8192];
	size_t done = 0, i, n;
	ssize_t w;

	while (done < TOTAL) {
		n = sizeof(buf) < TOTAL - done ? sizeof(buf) : TOTAL - done;
		for (i = 0; i < n; i++)
			buf[i] = pattern(done + i);
		w = write(fd, buf, n);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	return NULL;
}

/* Reads TOTAL bytes from fd and checks them against the pattern. */
static int read_check(int fd)
{
	unsigned char buf[8192];
	size_t done = 0, i;
	ssize_t n;

	while (done < TOTAL) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 0;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pattern(done + i))
				return 0;
		done += (size_t)n;
	}
	return 1;
}

struct reader {
	int fd, ok;
};

static void *reader(void *arg)
{
	struct reader *r = arg;

	r->ok = read_check(r->fd);
	return NULL;
}

/* Fill pipe @fd (made non-blocking) until it takes no more. */
static int fill_pipe(int fd)
{
	char buf[4096] = "";

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (write(fd, buf, sizeof(buf)) > 0)
		;
	return errno == EAGAIN;
}

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 5000) == 1;
}

/* splice() from @in to @out until TOTAL bytes moved; 1 if all did. */
static int splice_all(int in, int out)
{
	size_t done = 0;
	ssize_t n;

	while (done < TOTAL) {
		n = splice(in, NULL, out, NULL, TOTAL - done, 0);
		if (n <= 0)
			return 0;
		done += (size_t)n;
	}
	return 1;
}

/*
 * The pattern written to @wfd arrives at @in; splice() moves it from
 * @in to @out while a reader checks what comes out of @rfd (in @rd).
 */
static int through(int wfd, int in, int out, int rfd, struct reader *rd)
{
	pthread_t w, r;
	int ok;

	rd->fd = rfd;
	pthread_create(&w, NULL, writer, &wfd);
	pthread_create(&r, NULL, reader, rd);
	ok = splice_all(in, out);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	return ok;
}

int main(void)
{
	int pair[2], p[2], ok;
	struct reader rd;
	loff_t off = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_section("splice", 60);
	if (tcp_pair(pair) || pipe(p)) {
		perror("hijack-splice: setup");
		return 1;
	}

	/* pipe -> socket: a writer fills the pipe, the socket's peer checks. */
	ok = through(p[1], p[0], pair[0], pair[1], &rd);
	CHECK("4 MiB spliced from a pipe to a socket", ok);
	CHECK("the peer got them, in order", ok && rd.ok);
	/* socket -> pipe: the peer sends, the pipe's reader checks. */
	ok = through(pair[1], pair[0], p[1], p[0], &rd);
	CHECK("4 MiB spliced from a socket to a pipe", ok);
	CHECK("the pipe's reader got them, in order", ok && rd.ok);

	/* What the host refuses, refused alike. */
	errno = 0;
	CHECK("an offset on the socket: EINVAL",
	      splice(p[0], NULL, pair[0], &off, 1, 0) < 0 && errno == EINVAL);
	errno = 0;
	CHECK("an offset on the pipe: ESPIPE",
	      splice(pair[1], NULL, p[1], &off, 1, 0) < 0 && errno == ESPIPE);
	errno = 0;
	CHECK("two sockets, no pipe: EINVAL",
	      splice(pair[1], NULL, pair[0], NULL, 1, 0) < 0 &&
	      errno == EINVAL);
	/* SPLICE_F_NONBLOCK is for the pipe; the socket's O_NONBLOCK here. */
	fcntl(pair[1], F_SETFL, O_NONBLOCK);
	errno = 0;
	CHECK("from an empty non-blocking socket: EAGAIN",
	      splice(pair[1], NULL, p[1], NULL, 1, 0) < 0 && errno == EAGAIN);
	errno = 0;
	CHECK("SPLICE_F_NONBLOCK into a full pipe: EAGAIN",
	      fill_pipe(p[1]) && send(pair[0], "x", 1, 0) == 1 &&
	      wait_readable(pair[1]) &&
	      splice(pair[1], NULL, p[1], NULL, 1, SPLICE_F_NONBLOCK) < 0 &&
	      errno == EAGAIN);
	return test_done();
}
