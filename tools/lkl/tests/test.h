/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test.h - a tiny test harness for LKL's test programs.
 *
 * Every check prints one line, "ok - name" or "FAIL - name: detail", and
 * skips print "skip - name: reason".  test_done() prints the closing line
 * "N passed, N failed" (", N skipped" only when something was skipped)
 * and returns the exit status: non-zero when anything failed.
 *
 * test_section(name, seconds) arms a watchdog (alarm()): a section that
 * hangs is reported as a failure and the program exits, instead of
 * blocking the whole run.
 */
#ifndef _LKL_TEST_H
#define _LKL_TEST_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int test_passed, test_failed, test_skipped;
static const char *volatile test_cur_section = "(none)";
static volatile unsigned int test_cur_timeout;

/* The output may interleave with threads and end in a crash: flush often. */
static inline void test_vreport(int ok, const char *name, const char *fmt,
				va_list ap)
{
	if (ok) {
		test_passed++;
		printf("ok - %s\n", name);
	} else {
		test_failed++;
		printf("FAIL - %s: ", name);
		vprintf(fmt, ap);
		printf("\n");
	}
	fflush(stdout);
}

/* check(cond, name, fmt, ...): the detail is printed only on failure. */
static inline int check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	test_vreport(ok, name, fmt, ap);
	va_end(ap);
	return ok;
}

static inline void test_skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void test_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	test_skipped++;
	printf("skip - %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* CHECK(name, expr): the expression's text is the failure detail. */
#define CHECK(name, expr) \
	check(!!(expr), (name), "%s is false (%s:%d)", #expr, __FILE__, __LINE__)

/* CHECK_EQ(name, got, want): integers, both printed on failure. */
#define CHECK_EQ(name, got, want) \
	do { \
		long long _g = (long long)(got), _w = (long long)(want); \
		check(_g == _w, (name), "got %lld, want %lld (%s:%d)", \
		      _g, _w, __FILE__, __LINE__); \
	} while (0)

/* CHECK_STR(name, got, want): NUL-terminated strings. */
#define CHECK_STR(name, got, want) \
	do { \
		const char *_g = (got), *_w = (want); \
		check(_g && strcmp(_g, _w) == 0, (name), \
		      "got \"%s\", want \"%s\" (%s:%d)", _g ? _g : "(null)", \
		      _w, __FILE__, __LINE__); \
	} while (0)

static inline int test_done(void)
{
	alarm(0);
	if (test_skipped)
		printf("%d passed, %d failed, %d skipped\n", test_passed,
		       test_failed, test_skipped);
	else
		printf("%d passed, %d failed\n", test_passed, test_failed);
	fflush(stdout);
	return test_failed ? 1 : 0;
}

/* Signal handler helpers: only write(2), no stdio. */
static inline void test_put(const char *s)
{
	ssize_t r = write(1, s, strlen(s));

	(void)r;
}

static inline void test_put_uint(unsigned int v)
{
	char buf[16];
	int i = sizeof(buf);

	buf[--i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v && i > 0);
	test_put(buf + i);
}

static inline void test_on_alarm(int sig)
{
	(void)sig;
	/* The hung section counts as one more failure. */
	test_put("FAIL - ");
	test_put(test_cur_section);
	test_put(": timed out after ");
	test_put_uint(test_cur_timeout);
	test_put(" s\n");
	test_put_uint(test_passed);
	test_put(" passed, ");
	test_put_uint(test_failed + 1);
	test_put(" failed");
	if (test_skipped) {
		test_put(", ");
		test_put_uint(test_skipped);
		test_put(" skipped");
	}
	test_put("\n");
	_exit(1);
}

/* Start a section of checks that must finish within @seconds. */
static inline void test_section(const char *name, unsigned int seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = test_on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	fflush(stdout);
	test_cur_section = name;
	test_cur_timeout = seconds;
	printf("# %s\n", name);
	fflush(stdout);
	alarm(seconds);
}

#endif /* _LKL_TEST_H */
