// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-fork-share.c - fork() under the hijack, by default: the child
 * uses its parent's kernel (tools/lkl/hijack/proxy.c).  Run by
 * check-hijack.sh under liblkl-hijack.so only; hijack-fork.c checks
 * LKL_HIJACK_FORK=new, where each child has a kernel of its own.
 *
 * What a program expects of fork() with the host's sockets, checked on
 * LKL's: the child's inherited sockets work, and stay open when the
 * parent closes its copies (a server that forks per connection); they
 * close when the child ends, even without close(); sockets the child
 * makes are in the same stack (the parent reaches its listener); a
 * grandchild works as well; a signal interrupts a child's blocked
 * recv(); poll() mixes a host pipe and an inherited socket; an epoll
 * set is shared, as the host kernel shares it.  A program it starts with
 * posix_spawn() (itself again, as "hijack-fork-share client PORT") and
 * one started through fork() and execv() use its kernel too: they reach
 * its listener on 127.0.0.1, which a kernel of their own would not have.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hijack-pair.h"
#include "test.h"

#define CONNS		4
#define REQ_BYTES	(256 * 1024)

/* 1 if @port is listening in the host's own TCP table. */
static int host_listens(int port)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[256];
	unsigned int p, st;
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x", &p, &st) == 2 &&
		    (int)p == port && st == 0x0a)
			found = 1;
	}
	fclose(f);
	return found;
}

static int recv_all(int fd, void *buf, size_t len)
{
	return recv(fd, buf, len, MSG_WAITALL) == (ssize_t)len;
}

static int send_all(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, 0) == (ssize_t)len;
}

static unsigned int sum(const unsigned char *p, size_t len)
{
	unsigned int s = 0;

	while (len--)
		s = s * 31 + *p++;
	return s;
}

/* The child of the server: answers with the sum of REQ_BYTES. */
static void serve_one(int conn, int listener, int close_it)
{
	static unsigned char buf[REQ_BYTES];
	unsigned int s;

	close(listener);
	if (!recv_all(conn, buf, sizeof(buf)))
		_exit(2);
	s = sum(buf, sizeof(buf));
	if (!send_all(conn, &s, sizeof(s)))
		_exit(3);
	if (close_it)
		close(conn);
	/* Else the root closes it when this process is gone. */
	_exit(0);
}

static void fork_per_connection(void)
{
	static unsigned char req[REQ_BYTES];
	struct sockaddr_in sin;
	int l = tcp_listener(&sin), c, a, i, status;
	unsigned int got;
	char byte;
	pid_t pid;

	test_section("a server that forks per connection", 0);
	CHECK("listener", l >= 0);
	CHECK("its port is LKL's, not in the host's table",
	      !host_listens(ntohs(sin.sin_port)));
	for (i = 0; i < CONNS; i++) {
		memset(req, 'a' + i, sizeof(req));
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&sin, sizeof(sin))) {
			CHECK("connect", 0);
			return;
		}
		a = accept(l, NULL, NULL);
		pid = fork();
		if (!pid)
			serve_one(a, l, i % 2);
		/* The parent closes its copy at once, as servers do. */
		CHECK("fork; the parent closes the accepted socket",
		      pid > 0 && !close(a));
		CHECK("the child answers on it",
		      send_all(c, req, sizeof(req)) &&
		      recv_all(c, &got, sizeof(got)) &&
		      got == sum(req, sizeof(req)));
		CHECK(i % 2 ? "end of file after the child's close()" :
		      "end of file once the child exits without close()",
		      recv(c, &byte, 1, 0) == 0);
		CHECK("the child exits 0", waitpid(pid, &status, 0) == pid &&
		      WIFEXITED(status) && !WEXITSTATUS(status));
		close(c);
	}
	close(l);
}

static int child_listener(void)
{
	struct sockaddr_in sin;
	int l = tcp_listener(&sin), pipefd[2], c, a, status;
	char ok = 0;
	pid_t pid;

	if (l < 0 || pipe(pipefd))
		return 0;
	close(l);
	pid = fork();
	if (!pid) {
		l = tcp_listener(&sin);
		/* Tell the parent the port, then take one connection. */
		if (l < 0 || write(pipefd[1], &sin, sizeof(sin)) != sizeof(sin))
			_exit(2);
		a = accept(l, NULL, NULL);
		_exit(a < 0 || !send_all(a, "k", 1) ? 3 : 0);
	}
	if (read(pipefd[0], &sin, sizeof(sin)) == sizeof(sin)) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c >= 0 && !connect(c, (struct sockaddr *)&sin, sizeof(sin)))
			recv_all(c, &ok, 1);
		close(c);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	return ok == 'k' && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status);
}

static int grandchild(int pair[2])
{
	int status;
	pid_t pid = fork(), gpid;

	if (!pid) {
		gpid = fork();
		if (!gpid)
			_exit(send_all(pair[0], "g", 1) ? 0 : 2);
		_exit(gpid > 0 && waitpid(gpid, &status, 0) == gpid &&
		      WIFEXITED(status) ? WEXITSTATUS(status) : 3);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* In a child: SIGALRM without SA_RESTART ends a blocked recv(). */
static int child_eintr(int fd)
{
	struct sigaction sa;
	int status;
	char c;
	pid_t pid = fork();

	if (!pid) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		_exit(recv(fd, &c, 1, 0) < 0 && errno == EINTR ? 0 : 2);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status);
}

/* In a child: poll() on a host pipe and an inherited socket. */
static int child_poll(int pair[2])
{
	struct pollfd p[2];
	int pipefd[2], status, ok;
	pid_t pid;

	if (pipe(pipefd))
		return 0;
	pid = fork();
	if (!pid) {
		p[0].fd = pipefd[0];
		p[1].fd = pair[1];
		p[0].events = p[1].events = POLLIN;
		ok = poll(p, 2, 5000) == 1 && p[1].revents == POLLIN &&
		     !p[0].revents;
		_exit(ok ? 0 : 2);
	}
	usleep(100 * 1000);
	ok = send_all(pair[0], "p", 1);
	ok = ok && pid > 0 && waitpid(pid, &status, 0) == pid &&
	     WIFEXITED(status) && !WEXITSTATUS(status);
	close(pipefd[0]);
	close(pipefd[1]);
	return ok;
}

/* An epoll set made by the parent, waited on by the child. */
static int child_epoll(int pair[2])
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), status, ok;
	pid_t pid;

	ev.data.fd = pair[1];
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, pair[1], &ev))
		return 0;
	pid = fork();
	if (!pid)
		_exit(epoll_wait(ep, &out, 1, 5000) == 1 &&
		      out.data.fd == pair[1] ? 0 : 2);
	usleep(100 * 1000);
	ok = send_all(pair[0], "e", 1);
	ok = ok && pid > 0 && waitpid(pid, &status, 0) == pid &&
	     WIFEXITED(status) && !WEXITSTATUS(status);
	close(ep);
	return ok;
}

extern char **environ;

/* "client PORT": connect to 127.0.0.1:PORT and say "s". */
static int client(const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int c = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_port = htons((unsigned short)atoi(port));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (c < 0 || connect(c, (struct sockaddr *)&sin, sizeof(sin)))
		return 2;
	return send_all(c, "s", 1) ? 0 : 3;
}

/* Start "@self client PORT" (posix_spawn, or fork + execv): it reaches us. */
static int started_program(const char *self, int spawn)
{
	struct sockaddr_in sin;
	int l = tcp_listener(&sin), a, status, ok;
	char port[16], c = 0;
	char *argv[] = { (char *)self, "client", port, NULL };
	struct pollfd p = { .events = POLLIN };
	pid_t pid;

	if (l < 0)
		return 0;
	snprintf(port, sizeof(port), "%d", ntohs(sin.sin_port));
	if (spawn) {
		if (posix_spawn(&pid, self, NULL, NULL, argv, environ))
			pid = -1;
	} else {
		pid = fork();
		if (!pid) {
			execv(self, argv);
			_exit(127);
		}
	}
	if (pid < 0) {
		close(l);
		return 0;
	}
	/* A program with a kernel of its own would never come. */
	p.fd = l;
	a = poll(&p, 1, 10000) == 1 ? accept(l, NULL, NULL) : -1;
	ok = a >= 0 && recv_all(a, &c, 1) && c == 's';
	close(a);
	close(l);
	return ok && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	int pair[2];
	char c[2];

	if (argc == 3 && !strcmp(argv[1], "client"))
		return client(argv[2]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_section("fork: the child uses the parent's kernel", 120);
	if (tcp_pair(pair)) {
		perror("hijack-fork-share: setup");
		return 1;
	}
	fflush(stdout);
	fork_per_connection();
	test_section("more children", 0);
	CHECK("a child's listener is reached by its parent", child_listener());
	CHECK("a grandchild sends on an inherited socket", grandchild(pair) &&
	      recv_all(pair[1], c, 1) && c[0] == 'g');
	CHECK("SIGALRM interrupts a child's blocked recv() (EINTR)",
	      child_eintr(pair[1]));
	CHECK("a child polls a host pipe and an inherited socket",
	      child_poll(pair) && recv_all(pair[1], c, 1) && c[0] == 'p');
	CHECK("a child waits on its parent's epoll set", child_epoll(pair) &&
	      recv_all(pair[1], c, 1) && c[0] == 'e');
	test_section("programs it starts", 0);
	CHECK("a program started with posix_spawn() reaches its listener",
	      started_program(argv[0], 1));
	CHECK("a program started with fork() and execv() reaches it",
	      started_program(argv[0], 0));
	CHECK("the parent's pair still works",
	      send_all(pair[0], "zz", 2) && recv_all(pair[1], c, 2) &&
	      !memcmp(c, "zz", 2));
	return test_done();
}
