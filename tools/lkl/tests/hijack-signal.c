// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-signal.c - SIGALRM interrupting blocked socket calls, with and
 * without SA_RESTART, and a handler that itself sends and closes: a
 * plain host program that check-hijack.sh runs natively (the host
 * kernel's answers, which the checks expect) and under the hijack.
 * SIGALRM comes from setitimer(), 200 ms after each call blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "hijack-pair.h"
#include "test.h"

static int sock[2], victim = -1;
static volatile sig_atomic_t handled, handler_sent;

/* Count, and with a victim, send a byte and close the victim. */
static void on_alarm(int sig)
{
	(void)sig;
	handled++;
	if (victim >= 0) {
		handler_sent = send(sock[0], "h", 1, 0) == 1;
		close(victim);
		victim = -1;
	}
}

static void arm(int restart)
{
	struct itimerval it = { { 0, 0 }, { 0, 200000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	handled = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void test_recv(void)
{
	char c = 0;
	long long t0;
	ssize_t r;
	int e, pair[2];

	printf("# recv\n");
	arm(0);
	t0 = now_ms();
	r = recv(sock[1], &c, 1, 0);
	e = errno;
	CHECK("recv without SA_RESTART: -1 EINTR", r == -1 && e == EINTR);
	CHECK_EQ("recv without SA_RESTART: the handler ran once", handled, 1);
	CHECK("recv without SA_RESTART: after ~200 ms",
	      now_ms() - t0 >= 150 && now_ms() - t0 < 3000);

	/* The handler sends the byte that the restarted recv gets. */
	CHECK_EQ("a victim socket pair", tcp_pair(pair), 0);
	close(pair[1]);
	victim = pair[0];
	arm(1);
	r = recv(sock[1], &c, 1, 0);
	CHECK("recv with SA_RESTART: restarted, gets the handler's byte",
	      r == 1 && c == 'h');
	CHECK("recv with SA_RESTART: the handler ran once and sent",
	      handled == 1 && handler_sent);
	CHECK("the handler's close() closed the victim",
	      fcntl(pair[0], F_GETFD) < 0 && errno == EBADF);
}

static void test_timeout(void)
{
	struct timeval tv = { 2, 0 };
	char c;
	ssize_t r;
	int e;

	printf("# recv with SO_RCVTIMEO\n");
	setsockopt(sock[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	arm(1);
	r = recv(sock[1], &c, 1, 0);
	e = errno;
	CHECK("recv with a timeout and SA_RESTART: EINTR, as Linux does",
	      r == -1 && e == EINTR && handled == 1);
	tv.tv_sec = 0;
	setsockopt(sock[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void test_accept(void)
{
	struct sockaddr_in sin;
	int s = tcp_listener(&sin), r, e;

	printf("# accept\n");
	CHECK("a listener", s >= 0);
	arm(0);
	r = accept(s, NULL, NULL);
	e = errno;
	CHECK("accept without SA_RESTART: -1 EINTR",
	      r == -1 && e == EINTR && handled == 1);
	close(s);
}

static void test_send(void)
{
	size_t len = 16 << 20;
	char *buf = calloc(1, len);
	int small = 64 * 1024;
	ssize_t r;

	printf("# send\n");
	setsockopt(sock[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	arm(0);
	r = send(sock[0], buf, len, 0);
	CHECK("a blocked send without SA_RESTART returns what it sent",
	      r > 0 && (size_t)r < len && handled == 1);
	free(buf);
}

/*
 * A handler that sends on an LKL socket, every 200 us, while the thread
 * it interrupts is busy with LKL calls of its own: nothing may hang, and
 * every byte the handler sent arrives.
 */
static int side[2], own[2];
static volatile sig_atomic_t side_sent, side_failed;

static void on_tick(int sig)
{
	int e = errno;

	(void)sig;
	if (send(side[0], "s", 1, MSG_DONTWAIT) == 1)
		side_sent++;
	else
		side_failed++;
	errno = e;
}

static void test_stress(void)
{
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	struct sigaction sa;
	char buf[256];
	long long t0 = now_ms();
	long rounds = 0, got = 0;
	ssize_t r;

	printf("# a handler sending while the thread is in LKL calls\n");
	if (tcp_pair(side) || tcp_pair(own)) {
		check(0, "stress: two new pairs", "%s", strerror(errno));
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (now_ms() - t0 < 2000) {
		if (send(own[0], buf, sizeof(buf), 0) != sizeof(buf) ||
		    recv(own[1], buf, sizeof(buf), MSG_WAITALL) != sizeof(buf))
			break;
		/* What the handler sent, read as it comes. */
		while ((r = recv(side[1], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			got += r;
		rounds++;
	}
	it.it_value.tv_usec = 0;
	it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	usleep(100 * 1000);
	CHECK("stress: the thread's own transfers went on for 2 s",
	      now_ms() - t0 >= 2000);
	while ((r = recv(side[1], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		got += r;
	printf("# %ld transfers, %d bytes sent by the handler, %d failed\n",
	       rounds, (int)side_sent, (int)side_failed);
	CHECK("stress: the handler ran and sent", side_sent > 100);
	CHECK_EQ("stress: no send from the handler failed", side_failed, 0);
	CHECK_EQ("stress: every byte it sent arrived", got, side_sent);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tcp_pair(sock)) {
		perror("hijack-signal: setup");
		return 1;
	}
	test_recv();
	test_timeout();
	test_accept();
	test_send();
	test_stress();
	return test_done();
}
