// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-poll.c - poll(), select() and epoll over a host pipe and TCP
 * sockets together, and the fd namespace: a plain host program that
 * check-hijack.sh runs natively and under the hijack (where the sockets
 * are LKL's and the pipe the host's).  The expected answers are the
 * host kernel's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include "hijack-pair.h"
#include "test.h"

static int sock[2], pfd[2];

struct later {
	int fd;
	int ms;
};

/* Write one byte to @fd after @ms milliseconds, from another thread. */
static void *write_later(void *arg)
{
	struct later *l = arg;

	usleep((useconds_t)l->ms * 1000);
	if (write(l->fd, "x", 1) != 1)
		perror("write_later");
	return NULL;
}

static void drain(int fd)
{
	char buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void drain_pipe(void)
{
	char c;

	if (read(pfd[0], &c, 1) != 1)
		perror("drain_pipe");
}

static void test_poll(void)
{
	struct pollfd p[2] = { { pfd[0], POLLIN, 0 }, { sock[1], POLLIN, 0 } };
	struct later l = { sock[0], 150 };
	pthread_t t;
	long long t0;
	int r;

	test_section("poll", 20);
	t0 = now_ms();
	r = poll(p, 2, 200);
	CHECK_EQ("poll: nothing ready: times out", r, 0);
	CHECK("poll: the timeout lasted 200 ms", now_ms() - t0 >= 190 &&
	      now_ms() - t0 < 1000);

	CHECK_EQ("poll: pipe written", write(pfd[1], "x", 1), 1);
	r = poll(p, 2, 1000);
	CHECK_EQ("poll: one ready (the pipe)", r, 1);
	CHECK("poll: the pipe is readable, the socket not",
	      p[0].revents == POLLIN && !p[1].revents);
	drain_pipe();

	CHECK_EQ("poll: socket written", send(sock[0], "y", 1, 0), 1);
	r = poll(p, 2, 1000);
	CHECK_EQ("poll: one ready (the socket)", r, 1);
	CHECK("poll: the socket is readable, the pipe not",
	      p[1].revents == POLLIN && !p[0].revents);
	CHECK_EQ("poll: pipe written again", write(pfd[1], "x", 1), 1);
	r = poll(p, 2, 0);
	CHECK_EQ("poll: both ready", r, 2);
	drain_pipe();
	drain(sock[1]);

	/* A wake-up from the socket side while poll() blocks. */
	pthread_create(&t, NULL, write_later, &l);
	t0 = now_ms();
	r = poll(p, 2, 5000);
	CHECK("poll: woken by the socket after ~150 ms",
	      r == 1 && p[1].revents == POLLIN && now_ms() - t0 < 2000);
	pthread_join(t, NULL);
	drain(sock[1]);

	/* ... and from the pipe side. */
	l.fd = pfd[1];
	pthread_create(&t, NULL, write_later, &l);
	t0 = now_ms();
	r = poll(p, 2, 5000);
	CHECK("poll: woken by the pipe after ~150 ms",
	      r == 1 && p[0].revents == POLLIN && now_ms() - t0 < 2000);
	pthread_join(t, NULL);
	drain_pipe();

	p[1].events = POLLOUT;
	CHECK_EQ("poll: the socket is writable", poll(p, 2, 0), 1);
	p[0].fd = 1000000;
	CHECK("poll: a bad fd is POLLNVAL",
	      poll(p, 2, 0) == 2 && p[0].revents == POLLNVAL);
}

static void test_select(void)
{
	struct later l = { sock[0], 150 };
	struct timeval tv = { 0, 200000 };
	fd_set r, w;
	pthread_t t;
	long long t0;
	int n, max = (pfd[0] > sock[1] ? pfd[0] : sock[1]) + 1;

	test_section("select", 20);
	FD_ZERO(&r);
	FD_SET(pfd[0], &r);
	FD_SET(sock[1], &r);
	t0 = now_ms();
	n = select(max, &r, NULL, NULL, &tv);
	CHECK_EQ("select: nothing ready: times out", n, 0);
	CHECK("select: the timeout lasted 200 ms", now_ms() - t0 >= 190);

	FD_SET(pfd[0], &r);
	FD_SET(sock[1], &r);
	pthread_create(&t, NULL, write_later, &l);
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	n = select(max, &r, NULL, NULL, &tv);
	CHECK("select: woken by the socket",
	      n == 1 && FD_ISSET(sock[1], &r) && !FD_ISSET(pfd[0], &r));
	CHECK("select: the time left is written back", tv.tv_sec < 5);
	pthread_join(t, NULL);
	drain(sock[1]);

	CHECK_EQ("select: pipe written", write(pfd[1], "x", 1), 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(pfd[0], &r);
	FD_SET(sock[1], &r);
	FD_SET(sock[0], &w);
	tv.tv_sec = 1;
	n = select(max, &r, &w, NULL, &tv);
	CHECK("select: the pipe readable and the socket writable",
	      n == 2 && FD_ISSET(pfd[0], &r) && !FD_ISSET(sock[1], &r) &&
	      FD_ISSET(sock[0], &w));
	drain_pipe();
}

static void test_epoll(void)
{
	struct epoll_event ev, out[4];
	struct later l = { sock[0], 150 };
	pthread_t t;
	long long t0;
	int ep = epoll_create1(EPOLL_CLOEXEC), n;

	test_section("epoll", 20);
	CHECK("epoll: created", ep >= 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 0x1111;
	CHECK_EQ("epoll: pipe added", epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev), 0);
	ev.data.u64 = 0x2222;
	CHECK_EQ("epoll: socket added", epoll_ctl(ep, EPOLL_CTL_ADD, sock[1], &ev), 0);
	CHECK("epoll: the socket twice is EEXIST",
	      epoll_ctl(ep, EPOLL_CTL_ADD, sock[1], &ev) < 0 && errno == EEXIST);
	t0 = now_ms();
	n = epoll_wait(ep, out, 4, 200);
	CHECK_EQ("epoll: nothing ready: times out", n, 0);
	CHECK("epoll: the timeout lasted 200 ms", now_ms() - t0 >= 190);

	pthread_create(&t, NULL, write_later, &l);
	n = epoll_wait(ep, out, 4, 5000);
	CHECK("epoll: woken by the socket, its data",
	      n == 1 && out[0].data.u64 == 0x2222 && out[0].events == EPOLLIN);
	pthread_join(t, NULL);
	drain(sock[1]);

	l.fd = pfd[1];
	pthread_create(&t, NULL, write_later, &l);
	n = epoll_wait(ep, out, 4, 5000);
	CHECK("epoll: woken by the pipe, its data",
	      n == 1 && out[0].data.u64 == 0x1111);
	pthread_join(t, NULL);

	CHECK_EQ("epoll: socket written", send(sock[0], "y", 1, 0), 1);
	n = epoll_wait(ep, out, 4, 1000);
	CHECK("epoll: both ready", n == 2 && out[0].data.u64 != out[1].data.u64);
	n = epoll_wait(ep, out, 1, 1000);
	CHECK_EQ("epoll: maxevents 1 gives one", n, 1);
	drain_pipe();
	drain(sock[1]);

	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 0x3333;
	CHECK_EQ("epoll: socket modified to edge-triggered",
		 epoll_ctl(ep, EPOLL_CTL_MOD, sock[1], &ev), 0);
	CHECK_EQ("epoll: socket written", send(sock[0], "y", 1, 0), 1);
	n = epoll_wait(ep, out, 4, 1000);
	CHECK("epoll: the edge is reported", n == 1 && out[0].data.u64 == 0x3333);
	CHECK_EQ("epoll: and only once", epoll_wait(ep, out, 4, 100), 0);
	drain(sock[1]);
	CHECK_EQ("epoll: socket deleted", epoll_ctl(ep, EPOLL_CTL_DEL, sock[1], NULL), 0);
	CHECK_EQ("epoll: socket written", send(sock[0], "y", 1, 0), 1);
	CHECK_EQ("epoll: a deleted socket is not reported", epoll_wait(ep, out, 4, 100), 0);
	drain(sock[1]);
	close(ep);
}

/* One fd namespace: numbers, dup2, close, fcntl, FD_SETSIZE. */
static void test_fds(void)
{
	char c = 0, buf[4];
	int fd, flags, two[2];
	struct timeval tv = { 0, 200000 };
	long long t0;

	test_section("fd namespace", 20);
	CHECK("fds: the sockets' numbers are distinct from the pipe's",
	      sock[0] != pfd[0] && sock[0] != pfd[1] && sock[1] != pfd[0] &&
	      sock[1] != pfd[1]);
	CHECK("fds: socket numbers are below FD_SETSIZE",
	      sock[0] < FD_SETSIZE && sock[1] < FD_SETSIZE);
	CHECK("fds: FD_CLOEXEC set and read back",
	      !fcntl(sock[0], F_SETFD, FD_CLOEXEC) &&
	      fcntl(sock[0], F_GETFD) == FD_CLOEXEC);

	fd = dup(sock[0]);
	CHECK("fds: dup() gives a new number", fd >= 0 && fd != sock[0]);
	CHECK_EQ("fds: send through the dup", send(fd, "d", 1, 0), 1);
	CHECK("fds: received", recv(sock[1], &c, 1, 0) == 1 && c == 'd');
	flags = fcntl(fd, F_GETFL);
	CHECK_EQ("fds: O_NONBLOCK through the dup",
		 fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
	CHECK("fds: the original shares it (one file description)",
	      fcntl(sock[0], F_GETFL) & O_NONBLOCK);
	fcntl(fd, F_SETFL, flags);
	CHECK("fds: and clears it with it", !(fcntl(sock[0], F_GETFL) & O_NONBLOCK));
	close(fd);
	CHECK_EQ("fds: the original still works after closing the dup",
		 send(sock[0], "e", 1, 0), 1);
	CHECK("fds: received", recv(sock[1], &c, 1, 0) == 1 && c == 'e');

	CHECK_EQ("fds: dup2 onto number 200", dup2(sock[1], 200), 200);
	CHECK_EQ("fds: send", send(sock[0], "f", 1, 0), 1);
	CHECK("fds: received through 200", recv(200, &c, 1, 0) == 1 && c == 'f');
	CHECK_EQ("fds: dup2 of the pipe onto 200 replaces it",
		 dup2(pfd[0], 200), 200);
	CHECK_EQ("fds: pipe written", write(pfd[1], "g", 1), 1);
	CHECK("fds: 200 is the pipe now", read(200, &c, 1) == 1 && c == 'g');
	close(200);
	CHECK("fds: a closed number is EBADF",
	      recv(200, &c, 1, MSG_DONTWAIT) < 0 && errno == EBADF);

	CHECK_EQ("fds: a second pair", tcp_pair(two), 0);
	fd = two[0];
	close(two[0]);
	CHECK_EQ("fds: the peer sees EOF after close()",
		 recv(two[1], buf, sizeof(buf), 0), 0);
	CHECK("fds: the closed socket's number is free on the host",
	      fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	two[0] = open("/dev/null", O_RDONLY);
	CHECK_EQ("fds: and the host can give it out",
		 fcntl(two[0], F_DUPFD, fd), fd);
	close(two[0]);
	two[0] = fd;
	CHECK_EQ("fds: and it is the host's file", read(two[0], buf, 1), 0);
	close(two[0]);
	close(two[1]);

	CHECK_EQ("fds: a third pair", tcp_pair(two), 0);
	fd = two[0];
	CHECK_EQ("fds: close_range() over it", close_range(fd, fd, 0), 0);
	CHECK_EQ("fds: the peer sees EOF", recv(two[1], buf, sizeof(buf), 0), 0);
	CHECK("fds: and the number is free",
	      fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	two[0] = open("/dev/null", O_RDONLY);
	CHECK_EQ("fds: the host's file that takes it is the host's",
		 fcntl(two[0], F_DUPFD, fd) == fd && read(fd, buf, 1) == 0, 1);
	close(fd);
	close(two[0]);
	close(two[1]);

	flags = fcntl(sock[1], F_GETFL);
	CHECK_EQ("fds: O_NONBLOCK set", fcntl(sock[1], F_SETFL, flags | O_NONBLOCK), 0);
	CHECK("fds: an empty non-blocking socket is EAGAIN",
	      recv(sock[1], buf, 1, 0) < 0 && errno == EAGAIN);
	fcntl(sock[1], F_SETFL, flags);
	CHECK("fds: MSG_DONTWAIT is EAGAIN",
	      recv(sock[1], buf, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN);
	setsockopt(sock[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_ms();
	CHECK("fds: SO_RCVTIMEO: EAGAIN",
	      recv(sock[1], buf, 1, 0) < 0 && errno == EAGAIN);
	CHECK("fds: after 200 ms", now_ms() - t0 >= 190 && now_ms() - t0 < 1000);
	tv.tv_usec = 0;
	setsockopt(sock[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int main(void)
{
	if (pipe(pfd) || tcp_pair(sock)) {
		perror("hijack-poll: setup");
		return 1;
	}
	test_poll();
	test_select();
	test_epoll();
	test_fds();
	return test_done();
}
