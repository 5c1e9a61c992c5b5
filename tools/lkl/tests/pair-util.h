/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pair-util.h - helpers of the tests in which two LKL kernels, in a
 * parent and a child process, talk over network devices (net-pipe,
 * mptcp-pipe): a checked data pattern sent over stream sockets, the
 * sockets, the closing exchange, and the child's results counted in the
 * parent's.  Include after <lkl.h> and test.h.
 */
#ifndef _LKL_TEST_PAIR_UTIL_H
#define _LKL_TEST_PAIR_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "test.h"

/* The unit the streams are written, read and checked in. */
#define PAIR_CHUNK	(256 * 1024)

/* ---- The data pattern: byte p of a stream depends on p and a seed ---- */

static inline unsigned char pattern(uint64_t p, unsigned int seed)
{
	uint32_t x = (uint32_t)(p >> 2) * 2654435761U + seed;

	return (unsigned char)(x >> (8 * (p & 3)) ^ (p >> 20));
}

static inline void fill(unsigned char *buf, size_t len, uint64_t pos,
		 unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(pos + i, seed);
}

/* The first byte in buf that breaks the pattern, or len. */
static inline size_t verify(const unsigned char *buf, size_t len, uint64_t pos,
		     unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern(pos + i, seed))
			break;
	return i;
}

/* ---- Streams ---- */

/* Send @total bytes of the pattern; returns 0 or -errno. */
static inline long send_stream(long fd, uint64_t total, unsigned int seed)
{
	static unsigned char buf[PAIR_CHUNK];
	uint64_t pos = 0;
	long r;

	while (pos < total) {
		size_t len = total - pos < PAIR_CHUNK ? (size_t)(total - pos) :
						   PAIR_CHUNK;
		size_t off = 0;

		fill(buf, len, pos, seed);
		while (off < len) {
			r = lkl_sys_write((unsigned int)fd, (char *)buf + off,
					  len - off);
			if (r <= 0)
				return r ? r : -LKL_EPIPE;
			off += (size_t)r;
		}
		pos += len;
	}
	return 0;
}

/*
 * Receive @total bytes and check them; returns 0, -errno, or 1 for a
 * byte that breaks the pattern (its position in *bad).
 */
static inline long recv_stream(long fd, uint64_t total, unsigned int seed,
			uint64_t *bad)
{
	static unsigned char buf[PAIR_CHUNK];
	uint64_t pos = 0;
	long r;

	while (pos < total) {
		size_t want = total - pos < PAIR_CHUNK ? (size_t)(total - pos) :
						   PAIR_CHUNK;
		size_t ok;

		r = lkl_sys_read((unsigned int)fd, (char *)buf, want);
		if (r <= 0)
			return r ? r : -LKL_ECONNRESET;
		ok = verify(buf, (size_t)r, pos, seed);
		if (ok < (size_t)r) {
			*bad = pos + ok;
			return 1;
		}
		pos += (uint64_t)r;
	}
	return 0;
}

/* The result of send_stream() or recv_stream(), as a check. */
static inline void check_stream(long r, uint64_t bad, const char *name)
{
	if (r == 1)
		check(0, name, "byte %llu breaks the pattern",
		      (unsigned long long)bad);
	else
		check(r == 0, name, "%s", lkl_strerror((int)r));
}

/* ---- Sockets ---- */

/* A stream socket of @protocol (0: TCP) listening on @sa, or -errno. */
static inline long listen_on(int family, int protocol, void *sa, int salen)
{
	long fd = lkl_sys_socket(family, LKL_SOCK_STREAM, protocol), r;
	int one = 1;

	if (fd < 0)
		return fd;
	lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET, LKL_SO_REUSEADDR,
			   (char *)&one, sizeof(one));
	r = lkl_sys_bind((int)fd, sa, salen);
	if (!r)
		r = lkl_sys_listen((int)fd, 1);
	if (r) {
		lkl_sys_close((unsigned int)fd);
		return r;
	}
	return fd;
}

/* Connect, retrying while the server is not listening yet. */
static inline long connect_to(int family, int protocol, void *sa, int salen,
			      int seconds)
{
	double end = host_sec() + seconds;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	long fd, r;

	for (;;) {
		fd = lkl_sys_socket(family, LKL_SOCK_STREAM, protocol);
		if (fd < 0)
			return fd;
		r = lkl_sys_connect((int)fd, sa, salen);
		if (!r)
			return fd;
		lkl_sys_close((unsigned int)fd);
		if (host_sec() > end)
			return r;
		nanosleep(&pause, NULL);
	}
}

/*
 * The end.  A halting kernel sends nothing more, not even what it had
 * queued, so the server (the parent) halts last: it answers the client's
 * byte and then waits for the client process to exit, which it does
 * only once it has the answer.  Closes @fd; checks as @name.
 */
static inline void pair_barrier(long fd, int is_server, const char *name)
{
	char c = 'x';
	long r;

	if (is_server) {
		r = lkl_sys_read((unsigned int)fd, &c, 1);
		if (r == 1)
			r = lkl_sys_write((unsigned int)fd, &c, 1);
	} else {
		r = lkl_sys_write((unsigned int)fd, &c, 1);
		if (r == 1)
			r = lkl_sys_read((unsigned int)fd, &c, 1);
	}
	check(r == 1, name, "%s", lkl_strerror((int)r));
	lkl_sys_close((unsigned int)fd);
}

/* ---- The child's results ---- */

/*
 * Fork a child whose standard output goes to a pipe, its counters reset:
 * 0 in the child; in the parent the child's pid, *@out the read end of
 * the pipe (for wait_child()); -1 with errno when pipe or fork failed.
 */
static inline pid_t fork_child(int *out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		test_passed = test_failed = test_skipped = 0;
		return 0;
	}
	close(p[1]);
	if (pid < 0)
		close(p[0]);
	else
		*out = p[0];
	return pid;
}

/* The child's lines, counted here; its own summary line is dropped. */
static inline void collect_child(FILE *f)
{
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "ok - ", 5))
			test_passed++;
		else if (!strncmp(line, "FAIL - ", 7))
			test_failed++;
		else if (!strncmp(line, "skip - ", 7))
			test_skipped++;
		else if (strstr(line, " passed, "))
			continue;
		printf("%s", line);
	}
}

/*
 * The results of child process @pid, which writes its lines to @out (a
 * pipe, closed here), counted once it exited; "@name exits cleanly" is
 * one more check, in a section of @seconds.
 */
static inline void wait_child(pid_t pid, int out, const char *name,
			      unsigned int seconds)
{
	static char what[160];
	int status = -1;
	pid_t w;
	FILE *f;

	snprintf(what, sizeof(what), "%s exits cleanly", name);
	test_section(what, seconds);
	f = fdopen(out, "r");
	if (f) {
		collect_child(f);
		fclose(f);
	} else {
		close(out);
	}
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	check(w == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      what, "waitpid %d (%s), status 0x%x", (int)w,
	      w < 0 ? strerror(errno) : "-", status);
}

#endif /* _LKL_TEST_PAIR_UTIL_H */
