// SPDX-License-Identifier: GPL-2.0
/*
 * hijack-fork.c - fork() under the hijack with LKL_HIJACK_FORK=new, where
 * each child boots a kernel of its own: run by check-hijack.sh under
 * liblkl-hijack.so only, as it checks the hijack's rules (in
 * Documentation/lkl/hijack.rst), not the host's.  hijack-fork-share.c
 * checks the default, where the child uses its parent's kernel.
 *
 * The parent makes a TCP pair on LKL's loopback and forks twice.  Each
 * child finds its inherited LKL fds dead (EBADF) but closable, and makes
 * a TCP pair of its own, in a kernel of its own, and echoes through it;
 * its checks print here and its exit status is one more.  The parent's
 * pair and new sockets keep working meanwhile and after.  A vfork()
 * child (what posix_spawn() and Python's subprocess use) that closes,
 * dup2()s and close_range()s the LKL fds before it executes leaves the
 * parent's fds alone: it shares the parent's memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hijack-pair.h"
#include "test.h"

/* A blocking recv of exactly @len bytes, then compared. */
static int echo_wait(int fd[2], const char *msg)
{
	char buf[64] = "";
	size_t len = strlen(msg);

	return send(fd[0], msg, len, 0) == (ssize_t)len &&
	       recv(fd[1], buf, len, MSG_WAITALL) == (ssize_t)len &&
	       !memcmp(buf, msg, len);
}

static int child(int inherited[2], int n)
{
	char name[80];
	int mine[2], r;

	snprintf(name, sizeof(name), "child %d: an inherited LKL fd is EBADF", n);
	r = send(inherited[0], "x", 1, 0);
	CHECK(name, r < 0 && errno == EBADF);
	snprintf(name, sizeof(name), "child %d: and close() works on it", n);
	CHECK(name, !close(inherited[0]) && !close(inherited[1]));
	snprintf(name, sizeof(name), "child %d: a TCP pair of its own", n);
	CHECK(name, !tcp_pair(mine));
	snprintf(name, sizeof(name), "child %d: echo through it", n);
	CHECK(name, echo_wait(mine, "from the child"));
	return test_done();
}

int main(void)
{
	int pair[2], again[2], status, i;
	pid_t pid[2];

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_section("fork", 60);
	if (tcp_pair(pair)) {
		perror("hijack-fork: setup");
		return 1;
	}
	CHECK("parent: echo before fork", echo_wait(pair, "before"));
	for (i = 0; i < 2; i++) {
		fflush(stdout);
		pid[i] = fork();
		if (!pid[i])
			_exit(child(pair, i + 1));
		CHECK("parent: fork", pid[i] > 0);
		CHECK("parent: echo while a child runs", echo_wait(pair, "during"));
	}
	for (i = 0; i < 2; i++) {
		CHECK("parent: child exits with its checks passed",
		      waitpid(pid[i], &status, 0) == pid[i] &&
		      WIFEXITED(status) && !WEXITSTATUS(status));
	}
	CHECK("parent: echo after the children", echo_wait(pair, "after"));

	pid[0] = vfork();
	if (!pid[0]) {
		dup2(pair[1], 0);
		close(pair[0]);
		close_range(3, ~0U, 0);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	CHECK("parent: a vfork() child closed its fds and executed true",
	      pid[0] > 0 && waitpid(pid[0], &status, 0) == pid[0] &&
	      WIFEXITED(status) && !WEXITSTATUS(status));
	CHECK("parent: its fds still work after it", echo_wait(pair, "vfork"));
	CHECK("parent: a new pair after fork", !tcp_pair(again));
	CHECK("parent: echo through it", echo_wait(again, "new"));
	return test_done();
}
