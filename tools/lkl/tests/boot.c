// SPDX-License-Identifier: GPL-2.0
/*
 * boot.c - boots LKL once and checks what an application sees: files on
 * tmpfs, pipes, eventfd, epoll, timers, /proc, sysctl, TCP/UDP/MPTCP on
 * the loopback, many host threads at once, bad input, idle CPU use, halt.
 *
 * Every section runs under a watchdog (test_section) so a hang is a
 * failure, not a stuck run.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -I<installed headers> -Itools/lkl/include
 *        tools/lkl/tests/boot.c -L<dir of liblkl> -llkl -lpthread
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm/socket.h>
#include <lkl/linux/eventfd.h>
#include <lkl/linux/fs.h>
#include <lkl/linux/if.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/sockios.h>
#include <lkl/linux/stat.h>
#include <lkl/linux/time.h>
#include <lkl/linux/utsname.h>

#include "host-util.h"
#include "test.h"

#define MiB (1024 * 1024)

/* ---- helpers making LKL calls ---- */

static long write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		long r = lkl_sys_write(fd, p + done, len - done);

		if (r <= 0)
			return r ? r : -LKL_EIO;
		done += r;
	}
	return done;
}

/* Reads a whole (small) file into buf, NUL-terminated; length or -errno. */
static long read_file(const char *path, char *buf, size_t size)
{
	long fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0);
	size_t len = 0;
	long r;

	if (fd < 0)
		return fd;
	while (len < size - 1) {
		r = lkl_sys_read(fd, buf + len, size - 1 - len);
		if (r < 0) {
			lkl_sys_close(fd);
			return r;
		}
		if (r == 0)
			break;
		len += r;
	}
	buf[len] = 0;
	lkl_sys_close(fd);
	return len;
}

static long write_file(const char *path, const char *s)
{
	long fd = lkl_sys_openat(LKL_AT_FDCWD, path,
				 LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC,
				 0644);
	long r;

	if (fd < 0)
		return fd;
	r = write_all(fd, s, strlen(s));
	lkl_sys_close(fd);
	return r;
}

/*
 * Lists a directory with getdents64: the names (without "." and "..")
 * joined by '/' into out, in the order returned.  Count or -errno.
 */
static long list_dir(const char *path, char *out, size_t outsize)
{
	_Alignas(8) char buf[4096];
	long fd, n, count = 0;

	if (out)
		out[0] = 0;
	fd = lkl_sys_openat(LKL_AT_FDCWD, path,
			    LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	/* linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name[] */
	while ((n = lkl_sys_getdents64(fd, (void *)buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			unsigned short reclen;
			const char *name = buf + off + 19;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			if (reclen == 0)
				break;
			off += reclen;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			count++;
			if (out && strlen(out) + strlen(name) + 2 < outsize) {
				if (out[0])
					strcat(out, "/");
				strcat(out, name);
			}
		}
	}
	lkl_sys_close(fd);
	return n < 0 ? n : count;
}

/* Is each '/'-separated name of want in got, and are there as many? */
static int same_names(const char *got, const char *want)
{
	char w[256], *tok, *save;
	int nw = 0, ng = got[0] ? 1 : 0;
	const char *p;

	for (p = got; *p; p++)
		ng += *p == '/';
	snprintf(w, sizeof(w), "%s", want);
	for (tok = strtok_r(w, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		size_t l = strlen(tok);
		const char *g = got;
		int found = 0;

		nw++;
		while (*g) {
			size_t gl = strcspn(g, "/");

			if (gl == l && !strncmp(g, tok, l))
				found = 1;
			g += gl;
			if (*g)
				g++;
		}
		if (!found)
			return 0;
	}
	return nw == ng;
}

static long count_proc1_tasks(void)
{
	return list_dir("/proc/1/task", NULL, 0);
}

/* ---- sections ---- */

static void test_basic(void)
{
	struct lkl_new_utsname u;
	long pid, r;

	test_section("basic", 10);
	pid = lkl_sys_getpid();
	check(pid > 0, "getpid > 0", "got %ld", pid);
	CHECK_EQ("getpid is stable", lkl_sys_getpid(), pid);

	memset(&u, 0, sizeof(u));
	r = lkl_sys_uname(&u);
	CHECK_EQ("uname returns 0", r, 0);
	CHECK_STR("uname sysname", u.sysname, "Linux");
	check(!strncmp(u.release, "6.12.", 5), "uname release 6.12.*",
	      "got \"%s\"", u.release);

	r = lkl_start_kernel(&lkl_host_ops, "mem=64M");
	check(r < 0, "second lkl_start_kernel refused", "got %ld", r);
	CHECK_EQ("lkl_is_running", lkl_is_running(), 1);
}

static void test_files(void)
{
	const char *text = "hello, tmpfs world";
	struct lkl_stat st;
	char buf[64];
	long fd, r;

	test_section("tmpfs files", 10);
	r = lkl_mount_fs("tmpfs");
	CHECK_EQ("mount tmpfs", r, 0);
	CHECK_EQ("mount tmpfs again is fine", lkl_mount_fs("tmpfs"), 0);

	/* creat() is openat(O_CREAT|O_WRONLY|O_TRUNC) in the generic table */
	fd = lkl_sys_openat(LKL_AT_FDCWD, "/tmpfs/a",
			    LKL_O_CREAT | LKL_O_WRONLY | LKL_O_TRUNC, 0644);
	check(fd >= 0, "creat /tmpfs/a", "%s", lkl_strerror(fd));
	CHECK_EQ("write to new file", lkl_sys_write(fd, text, strlen(text)),
		 (long)strlen(text));
	lkl_sys_close(fd);

	fd = lkl_sys_openat(LKL_AT_FDCWD, "/tmpfs/a", LKL_O_RDWR, 0);
	check(fd >= 0, "openat O_RDWR", "%s", lkl_strerror(fd));
	memset(buf, 0, sizeof(buf));
	r = lkl_sys_read(fd, buf, sizeof(buf) - 1);
	CHECK_EQ("read whole file length", r, (long)strlen(text));
	CHECK_STR("read whole file content", buf, text);
	CHECK_EQ("read at EOF returns 0", lkl_sys_read(fd, buf, 8), 0);

	memset(buf, 0, sizeof(buf));
	r = lkl_sys_pread64(fd, buf, 5, 7);
	CHECK_EQ("pread64 length", r, 5);
	CHECK_STR("pread64 content at offset 7", buf, "tmpfs");

	CHECK_EQ("lseek SEEK_END is the size",
		 lkl_sys_lseek(fd, 0, LKL_SEEK_END), (long)strlen(text));
	CHECK_EQ("lseek SEEK_SET 7", lkl_sys_lseek(fd, 7, LKL_SEEK_SET), 7);
	CHECK_EQ("overwrite in the middle", lkl_sys_write(fd, "TMPFS", 5), 5);

	memset(&st, 0, sizeof(st));
	CHECK_EQ("fstat", lkl_sys_fstat(fd, &st), 0);
	CHECK_EQ("fstat st_size", st.st_size, (long)strlen(text));
	check(LKL_S_ISREG(st.st_mode), "fstat regular file", "mode %o",
	      (unsigned int)st.st_mode);

	CHECK_EQ("ftruncate to 5", lkl_sys_ftruncate(fd, 5), 0);
	memset(&st, 0, sizeof(st));
	lkl_sys_fstat(fd, &st);
	CHECK_EQ("size after ftruncate", st.st_size, 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("pread after ftruncate", lkl_sys_pread64(fd, buf, 60, 0), 5);
	CHECK_STR("content after ftruncate", buf, "hello");
	lkl_sys_close(fd);

	r = lkl_sys_renameat(LKL_AT_FDCWD, "/tmpfs/a", LKL_AT_FDCWD,
			     "/tmpfs/b");
	CHECK_EQ("renameat a -> b", r, 0);
	CHECK_EQ("old name is gone",
		 lkl_sys_openat(LKL_AT_FDCWD, "/tmpfs/a", LKL_O_RDONLY, 0),
		 -LKL_ENOENT);
	CHECK_EQ("read renamed file", read_file("/tmpfs/b", buf, sizeof(buf)),
		 5);
	CHECK_STR("renamed file content", buf, "hello");

	memset(&st, 0, sizeof(st));
	CHECK_EQ("newfstatat by path",
		 lkl_sys_newfstatat(LKL_AT_FDCWD, "/tmpfs/b", &st, 0), 0);
	CHECK_EQ("newfstatat st_size", st.st_size, 5);

	CHECK_EQ("unlinkat b", lkl_sys_unlinkat(LKL_AT_FDCWD, "/tmpfs/b", 0),
		 0);
	CHECK_EQ("stat after unlink is ENOENT",
		 lkl_sys_newfstatat(LKL_AT_FDCWD, "/tmpfs/b", &st, 0),
		 -LKL_ENOENT);
}

static void test_dirs(void)
{
	char names[256], buf[64];
	long r;

	test_section("directories and links", 10);
	CHECK_EQ("mkdirat /tmpfs/d",
		 lkl_sys_mkdirat(LKL_AT_FDCWD, "/tmpfs/d", 0755), 0);
	CHECK_EQ("mkdirat again is EEXIST",
		 lkl_sys_mkdirat(LKL_AT_FDCWD, "/tmpfs/d", 0755), -LKL_EEXIST);
	lkl_sys_mkdirat(LKL_AT_FDCWD, "/tmpfs/d/sub", 0755);
	write_file("/tmpfs/d/one", "1");
	write_file("/tmpfs/d/two", "22");
	r = lkl_sys_symlinkat("one", LKL_AT_FDCWD, "/tmpfs/d/link");
	CHECK_EQ("symlinkat", r, 0);

	r = list_dir("/tmpfs/d", names, sizeof(names));
	CHECK_EQ("getdents64 entry count", r, 4);
	check(same_names(names, "one/two/sub/link"), "getdents64 names",
	      "got \"%s\"", names);

	memset(buf, 0, sizeof(buf));
	r = lkl_sys_readlinkat(LKL_AT_FDCWD, "/tmpfs/d/link", buf,
			       sizeof(buf));
	CHECK_EQ("readlinkat length", r, 3);
	CHECK_STR("readlinkat target", buf, "one");
	/* the link resolves: reading through it gives the target's data */
	CHECK_EQ("read through symlink",
		 read_file("/tmpfs/d/link", buf, sizeof(buf)), 1);
	CHECK_STR("content through symlink", buf, "1");
	CHECK_EQ("unlinkat a non-empty dir is ENOTEMPTY",
		 lkl_sys_unlinkat(LKL_AT_FDCWD, "/tmpfs/d", LKL_AT_REMOVEDIR),
		 -LKL_ENOTEMPTY);
}

static void test_pipe_eventfd(void)
{
	int p[2] = { -1, -1 };
	char buf[16];
	uint64_t v;
	long r, efd;

	test_section("pipe2 and eventfd2", 10);
	r = lkl_sys_pipe2(p, LKL_O_NONBLOCK);
	CHECK_EQ("pipe2", r, 0);
	CHECK_EQ("empty non-blocking pipe is EAGAIN",
		 lkl_sys_read(p[0], buf, sizeof(buf)), -LKL_EAGAIN);
	CHECK_EQ("pipe write", lkl_sys_write(p[1], "abcdef", 6), 6);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("pipe read part", lkl_sys_read(p[0], buf, 4), 4);
	CHECK_STR("pipe read content", buf, "abcd");
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("pipe read rest", lkl_sys_read(p[0], buf, sizeof(buf)), 2);
	CHECK_STR("pipe rest content", buf, "ef");
	lkl_sys_close(p[1]);
	CHECK_EQ("pipe EOF after writer closed",
		 lkl_sys_read(p[0], buf, sizeof(buf)), 0);
	lkl_sys_close(p[0]);

	efd = lkl_sys_eventfd2(0, LKL_O_NONBLOCK);
	check(efd >= 0, "eventfd2", "%s", lkl_strerror(efd));
	CHECK_EQ("eventfd at 0 reads EAGAIN",
		 lkl_sys_read(efd, (void *)&v, 8), -LKL_EAGAIN);
	v = 3;
	lkl_sys_write(efd, (void *)&v, 8);
	v = 4;
	lkl_sys_write(efd, (void *)&v, 8);
	v = 0;
	CHECK_EQ("eventfd read size", lkl_sys_read(efd, (void *)&v, 8), 8);
	CHECK_EQ("eventfd counter adds writes", v, 7);
	CHECK_EQ("eventfd read resets counter",
		 lkl_sys_read(efd, (void *)&v, 8), -LKL_EAGAIN);
	v = UINT64_MAX;
	CHECK_EQ("eventfd write of 2^64-1 is EINVAL",
		 lkl_sys_write(efd, (void *)&v, 8), -LKL_EINVAL);
	lkl_sys_close(efd);

	/* EFD_SEMAPHORE: each read takes one */
	efd = lkl_sys_eventfd2(2, LKL_O_NONBLOCK | LKL_EFD_SEMAPHORE);
	v = 0;
	lkl_sys_read(efd, (void *)&v, 8);
	CHECK_EQ("semaphore eventfd reads 1", v, 1);
	v = 0;
	lkl_sys_read(efd, (void *)&v, 8);
	CHECK_EQ("semaphore eventfd reads 1 again", v, 1);
	CHECK_EQ("semaphore eventfd empty after 2 reads",
		 lkl_sys_read(efd, (void *)&v, 8), -LKL_EAGAIN);
	lkl_sys_close(efd);
}

static void test_epoll(void)
{
	struct lkl_epoll_event ev, out[4];
	int p[2];
	long ep, r;
	char c;

	test_section("epoll", 10);
	ep = lkl_sys_epoll_create1(0);
	check(ep >= 0, "epoll_create1", "%s", lkl_strerror(ep));
	lkl_sys_pipe2(p, 0);
	memset(&ev, 0, sizeof(ev));
	ev.events = LKL_EPOLLIN;
	ev.data = 0x1234;
	CHECK_EQ("epoll_ctl ADD",
		 lkl_sys_epoll_ctl(ep, LKL_EPOLL_CTL_ADD, p[0], &ev), 0);
	r = lkl_sys_epoll_pwait(ep, out, 4, 0, NULL, 8);
	CHECK_EQ("epoll: empty pipe not ready", r, 0);
	lkl_sys_write(p[1], "x", 1);
	memset(out, 0, sizeof(out));
	r = lkl_sys_epoll_pwait(ep, out, 4, 1000, NULL, 8);
	CHECK_EQ("epoll: ready after write", r, 1);
	check(out[0].events & LKL_EPOLLIN, "epoll: EPOLLIN set",
	      "events %#x", (unsigned int)out[0].events);
	CHECK_EQ("epoll: data returned", out[0].data, 0x1234);
	lkl_sys_read(p[0], &c, 1);
	CHECK_EQ("epoll: not ready once drained",
		 lkl_sys_epoll_pwait(ep, out, 4, 0, NULL, 8), 0);
	lkl_sys_close(p[0]);
	lkl_sys_close(p[1]);
	lkl_sys_close(ep);
}

static void test_time(void)
{
	struct __lkl__kernel_timespec ts, prev;
	struct __lkl__kernel_itimerspec its;
	struct lkl_pollfd pfd;
	int p[2], i, mono_ok = 1;
	double t0, dt;
	uint64_t exp = 0;
	long r, tfd;

	test_section("time", 20);
	lkl_sys_pipe2(p, 0);
	pfd.fd = p[0];
	pfd.events = LKL_POLLIN;
	pfd.revents = 0;
	ts.tv_sec = 0;
	ts.tv_nsec = 100 * 1000000L;
	t0 = host_ms();
	r = lkl_sys_ppoll(&pfd, 1, &ts, NULL, 8);
	dt = host_ms() - t0;
	CHECK_EQ("ppoll on empty pipe times out", r, 0);
	check(dt >= 100 && dt < 150, "ppoll 100 ms timeout accuracy",
	      "took %.2f ms", dt);
	lkl_sys_close(p[0]);
	lkl_sys_close(p[1]);

	ts.tv_sec = 0;
	ts.tv_nsec = 10 * 1000000L;
	t0 = host_ms();
	r = lkl_sys_nanosleep(&ts, NULL);
	dt = host_ms() - t0;
	CHECK_EQ("nanosleep returns 0", r, 0);
	check(dt >= 10 && dt < 30, "nanosleep 10 ms accuracy",
	      "took %.2f ms", dt);

	/* High-resolution timers: sub-tick sleeps are not rounded to 10 ms. */
	r = lkl_sys_clock_getres(LKL_CLOCK_MONOTONIC, &ts);
	check(r == 0 && ts.tv_sec == 0 && ts.tv_nsec == 1,
	      "CLOCK_MONOTONIC resolution is 1 ns (hrtimers)",
	      "r=%ld res=%lld ns", r, (long long)ts.tv_nsec);
	for (i = 0, dt = 1e9; i < 5; i++) {
		double one;

		ts.tv_sec = 0;
		ts.tv_nsec = 200 * 1000L;
		t0 = host_ms();
		lkl_sys_nanosleep(&ts, NULL);
		one = host_ms() - t0;
		if (one < dt)
			dt = one;
	}
	check(dt >= 0.2 && dt < 2, "nanosleep 200 us takes 0.2..2 ms (best of 5)",
	      "took %.3f ms", dt);

	r = lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &prev);
	CHECK_EQ("clock_gettime MONOTONIC", r, 0);
	for (i = 0; i < 10000; i++) {
		lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec < prev.tv_sec ||
		    (ts.tv_sec == prev.tv_sec && ts.tv_nsec <= prev.tv_nsec)) {
			mono_ok = 0;
			break;
		}
		prev = ts;
	}
	check(mono_ok, "CLOCK_MONOTONIC strictly increasing over 10000 calls",
	      "call %d: %lld.%09lld after %lld.%09lld", i,
	      (long long)ts.tv_sec, (long long)ts.tv_nsec,
	      (long long)prev.tv_sec, (long long)prev.tv_nsec);

	tfd = lkl_sys_timerfd_create(LKL_CLOCK_MONOTONIC, 0);
	check(tfd >= 0, "timerfd_create", "%s", lkl_strerror(tfd));
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 20 * 1000000L;
	t0 = host_ms();
	CHECK_EQ("timerfd_settime 20 ms",
		 lkl_sys_timerfd_settime(tfd, 0, &its, NULL), 0);
	r = lkl_sys_read(tfd, (void *)&exp, 8);
	dt = host_ms() - t0;
	CHECK_EQ("timerfd read size", r, 8);
	check(exp >= 1, "timerfd expirations >= 1", "got %llu",
	      (unsigned long long)exp);
	check(dt >= 20, "timerfd fired after its period", "after %.2f ms", dt);
	lkl_sys_close(tfd);
}

static void test_proc(void)
{
	char buf[4096], name[64];
	const char *p;
	long r, pid = lkl_sys_getpid();

	test_section("proc and sysctl", 10);
	CHECK_EQ("mount proc", lkl_mount_fs("proc"), 0);
	r = read_file("/proc/version", buf, sizeof(buf));
	check(r > 0, "read /proc/version", "%s", lkl_strerror(r));
	check(strstr(buf, "Linux version 6.12.") != NULL,
	      "/proc/version is 6.12", "got \"%s\"", buf);

	r = read_file("/proc/self/status", buf, sizeof(buf));
	check(r > 0, "read /proc/self/status", "%s", lkl_strerror(r));
	check(strstr(buf, "Name:") != NULL, "/proc/self/status has Name:",
	      "not found");
	p = strstr(buf, "\nPid:");
	check(p != NULL, "/proc/self/status has Pid:", "not found");
	if (p)
		check(strtol(p + 5, NULL, 10) == pid,
		      "/proc/self/status Pid is getpid()", "status says %ld",
		      strtol(p + 5, NULL, 10));

	/* sysctl: hostname, seen back through /proc and through uname */
	r = write_file("/proc/sys/kernel/hostname", "lkl-boot-test");
	CHECK_EQ("write kernel.hostname", r, 13);
	read_file("/proc/sys/kernel/hostname", buf, sizeof(buf));
	CHECK_STR("read back kernel.hostname", buf, "lkl-boot-test\n");
	{
		struct lkl_new_utsname u;

		memset(&u, 0, sizeof(u));
		lkl_sys_uname(&u);
		CHECK_STR("uname nodename follows sysctl", u.nodename,
			  "lkl-boot-test");
	}

	/* sysctl: TCP congestion control, restored afterwards */
	r = read_file("/proc/sys/net/ipv4/tcp_congestion_control", name,
		      sizeof(name));
	check(r > 0, "read tcp_congestion_control", "%s", lkl_strerror(r));
	r = write_file("/proc/sys/net/ipv4/tcp_congestion_control", "reno");
	CHECK_EQ("set tcp_congestion_control reno", r, 4);
	read_file("/proc/sys/net/ipv4/tcp_congestion_control", buf,
		  sizeof(buf));
	CHECK_STR("read back tcp_congestion_control", buf, "reno\n");
	if (name[0])
		write_file("/proc/sys/net/ipv4/tcp_congestion_control", name);
}

/* ---- host threads ---- */

static pthread_barrier_t reap_bar;

static void *short_lived(void *arg)
{
	long *res = arg;

	*res = lkl_sys_getpid();
	/* stay alive until the main thread has counted the tasks */
	pthread_barrier_wait(&reap_bar);
	pthread_barrier_wait(&reap_bar);
	return NULL;
}

static void test_thread_reap(void)
{
	enum { N = 64 };
	pthread_t th[N];
	long res[N], n0, during, after = -1, pid = lkl_sys_getpid();
	int i, started = 0, good = 0;
	double t0;

	test_section("64 short-lived host threads", 30);
	n0 = count_proc1_tasks();
	check(n0 > 0, "count /proc/1/task", "%s", lkl_strerror(n0));
	pthread_barrier_init(&reap_bar, NULL, N + 1);
	for (i = 0; i < N; i++) {
		if (pthread_create(&th[i], NULL, short_lived, &res[i]))
			break;
		started++;
	}
	if (started != N) {
		/* the barrier cannot be met: nothing more to check safely */
		check(0, "start 64 threads", "only %d started", started);
		return;
	}
	pthread_barrier_wait(&reap_bar);
	during = count_proc1_tasks();
	check(during >= n0 + N, "each host thread got a kernel task",
	      "%ld tasks with 64 threads alive, %ld before", during, n0);
	pthread_barrier_wait(&reap_bar);
	for (i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		good += res[i] == pid;
	}
	CHECK_EQ("64 threads' getpid results", good, N);

	t0 = host_ms();
	while (host_ms() - t0 < 2000) {
		after = count_proc1_tasks();
		if (after == n0)
			break;
		host_sleep_ms(10);
	}
	check(after == n0, "kernel tasks of exited threads reaped within 2 s",
	      "%ld tasks, %ld before", after, n0);
	pthread_barrier_destroy(&reap_bar);
}

struct hammer {
	long pid;
	long errors;
	long first_err;
};

static void *hammer_fn(void *arg)
{
	struct hammer *h = arg;
	int p[2], i;

	if (lkl_sys_pipe2(p, 0) < 0) {
		h->errors = 1;
		return NULL;
	}
	for (i = 0; i < 10000; i++) {
		int v = -1;
		long r1 = lkl_sys_getpid();
		long r2 = lkl_sys_write(p[1], (void *)&i, sizeof(i));
		long r3 = lkl_sys_read(p[0], (void *)&v, sizeof(v));

		if (r1 != h->pid || r2 != sizeof(i) || r3 != sizeof(v) ||
		    v != i) {
			if (!h->errors)
				h->first_err = i;
			h->errors++;
		}
	}
	lkl_sys_close(p[0]);
	lkl_sys_close(p[1]);
	return NULL;
}

static void test_concurrency(void)
{
	enum { N = 8 };
	struct hammer h[N];
	pthread_t th[N];
	long errors = 0, first = -1;
	int i, started = 0;
	double t0;

	test_section("8 threads x 10000 syscalls", 120);
	t0 = host_ms();
	for (i = 0; i < N; i++) {
		h[i].pid = lkl_sys_getpid();
		h[i].errors = 0;
		h[i].first_err = -1;
		if (pthread_create(&th[i], NULL, hammer_fn, &h[i]) == 0)
			started++;
		else
			break;
	}
	for (i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		if (h[i].errors && first < 0)
			first = h[i].first_err;
		errors += h[i].errors;
	}
	CHECK_EQ("8 threads started", started, N);
	check(errors == 0, "8 threads x 10000 getpid+write+read all correct",
	      "%ld wrong iterations, first at %ld", errors, first);
	printf("# %d x 10000 x 3 syscalls in %.0f ms\n", N, host_ms() - t0);
}

/* ---- network ---- */

/* sin_family and sin6_family are both first: family is in either. */
union sockaddr_any {
	struct lkl_sockaddr_in v4;
	struct lkl_sockaddr_in6 v6;
};

static void put_be16(void *p, unsigned int v)
{
	unsigned char b[2] = { v >> 8, v & 0xff };

	memcpy(p, b, 2);
}

static unsigned int get_be16(const void *p)
{
	const unsigned char *b = p;

	return b[0] << 8 | b[1];
}

/* Loopback address of @family, port in host order; returns its length. */
static int loopback(union sockaddr_any *a, int family, unsigned int port)
{
	memset(a, 0, sizeof(*a));
	if (family == LKL_AF_INET) {
		static const unsigned char lo4[4] = { 127, 0, 0, 1 };

		a->v4.sin_family = LKL_AF_INET;
		put_be16(&a->v4.sin_port, port);
		memcpy(&a->v4.sin_addr, lo4, 4);
		return sizeof(a->v4);
	}
	{
		unsigned char lo6[16] = { 0 };

		lo6[15] = 1;
		a->v6.sin6_family = LKL_AF_INET6;
		put_be16(&a->v6.sin6_port, port);
		memcpy(&a->v6.sin6_addr, lo6, 16);
		return sizeof(a->v6);
	}
}

static unsigned int port_of(const union sockaddr_any *a)
{
	if (a->v4.sin_family == LKL_AF_INET)
		return get_be16(&a->v4.sin_port);
	return get_be16(&a->v6.sin6_port);
}

/* A listening socket on the loopback, with its address (port filled). */
static long listen_on(int family, int proto, union sockaddr_any *a)
{
	int len = loopback(a, family, 0);
	long fd = lkl_sys_socket(family, LKL_SOCK_STREAM, proto), r;

	if (fd < 0)
		return fd;
	r = lkl_sys_bind(fd, (void *)a, len);
	if (r == 0)
		r = lkl_sys_listen(fd, 8);
	if (r == 0)
		r = lkl_sys_getsockname(fd, (void *)a, &len);
	if (r < 0) {
		lkl_sys_close(fd);
		return r;
	}
	return fd;
}

static void test_lo_up(void)
{
	struct lkl_ifreq ifr;
	long fd, r;

	test_section("loopback up", 10);
	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	check(fd >= 0, "AF_INET socket for ioctl", "%s", lkl_strerror(fd));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_ifrn.ifrn_name, "lo");
	r = lkl_sys_ioctl(fd, LKL_SIOCGIFFLAGS, (long)&ifr);
	CHECK_EQ("SIOCGIFFLAGS lo", r, 0);
	ifr.ifr_ifru.ifru_flags |= LKL_IFF_UP;
	r = lkl_sys_ioctl(fd, LKL_SIOCSIFFLAGS, (long)&ifr);
	CHECK_EQ("SIOCSIFFLAGS lo up", r, 0);
	memset(&ifr.ifr_ifru, 0, sizeof(ifr.ifr_ifru));
	lkl_sys_ioctl(fd, LKL_SIOCGIFFLAGS, (long)&ifr);
	check(ifr.ifr_ifru.ifru_flags & LKL_IFF_UP, "lo is up",
	      "flags %#x", (unsigned int)ifr.ifr_ifru.ifru_flags);
	lkl_sys_close(fd);
}

/* The byte at stream offset i: depends on i, so loss or reordering shows. */
static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 131 + (i >> 8) * 7 + (i >> 16) * 3);
}

#define CHUNK (64 * 1024)

struct stream {
	int family, proto;
	union sockaddr_any addr;
	long lfd;
	size_t len;
	/* buffers of their own: kernel-made threads may have small stacks */
	unsigned char send_buf[CHUNK], recv_buf[CHUNK];
	/* results */
	long send_err, recv_err;
	size_t received, bad_at;
	long mismatches;
};

static void *stream_send(void *arg)
{
	struct stream *s = arg;
	unsigned char *chunk = s->send_buf;
	size_t off = 0;
	long fd, r;
	int alen = s->family == LKL_AF_INET ? sizeof(s->addr.v4)
					    : sizeof(s->addr.v6);

	fd = lkl_sys_socket(s->family, LKL_SOCK_STREAM, s->proto);
	if (fd < 0) {
		s->send_err = fd;
		return NULL;
	}
	r = lkl_sys_connect(fd, (void *)&s->addr, alen);
	if (r < 0) {
		s->send_err = r;
		lkl_sys_close(fd);
		return NULL;
	}
	while (off < s->len) {
		size_t n = s->len - off, i, done = 0;

		if (n > CHUNK)
			n = CHUNK;
		for (i = 0; i < n; i++)
			chunk[i] = pattern(off + i);
		while (done < n) {
			r = lkl_sys_sendto(fd, chunk + done, n - done,
					   LKL_MSG_NOSIGNAL, NULL, 0);
			if (r <= 0) {
				s->send_err = r ? r : -LKL_EIO;
				lkl_sys_close(fd);
				return NULL;
			}
			done += r;
		}
		off += n;
	}
	lkl_sys_close(fd);
	return NULL;
}

static void *stream_recv(void *arg)
{
	struct stream *s = arg;
	unsigned char *buf = s->recv_buf;
	long fd, r, i;

	fd = lkl_sys_accept4(s->lfd, NULL, NULL, 0);
	if (fd < 0) {
		s->recv_err = fd;
		return NULL;
	}
	while ((r = lkl_sys_recvfrom(fd, buf, CHUNK, 0, NULL,
				     NULL)) > 0) {
		for (i = 0; i < r; i++) {
			if (buf[i] != pattern(s->received + i)) {
				if (!s->mismatches)
					s->bad_at = s->received + i;
				s->mismatches++;
			}
		}
		s->received += r;
	}
	if (r < 0)
		s->recv_err = r;
	lkl_sys_close(fd);
	return NULL;
}

static void test_stream(const char *name, int family, int proto, size_t len)
{
	static struct stream s;	/* 128 KiB of buffers: not on the stack */
	char what[128];
	pthread_t tr, ts;
	double t0, dt;

	test_section(name, 60);
	memset(&s, 0, sizeof(s));
	s.family = family;
	s.proto = proto;
	s.len = len;
	s.lfd = listen_on(family, proto, &s.addr);
	snprintf(what, sizeof(what), "%s: listen on loopback", name);
	if (!check(s.lfd >= 0, what, "%s", lkl_strerror(s.lfd)))
		return;
	snprintf(what, sizeof(what), "%s: bound to a port", name);
	check(port_of(&s.addr) != 0, what, "port 0");
	if (proto == LKL_IPPROTO_MPTCP) {
		int v = 0, vl = sizeof(v);
		long r = lkl_sys_getsockopt(s.lfd, LKL_SOL_SOCKET,
					    LKL_SO_PROTOCOL, (void *)&v, &vl);

		snprintf(what, sizeof(what), "%s: SO_PROTOCOL is MPTCP", name);
		check(r == 0 && v == LKL_IPPROTO_MPTCP, what,
		      "r=%ld protocol=%d", r, v);
	}

	t0 = host_ms();
	if (pthread_create(&tr, NULL, stream_recv, &s) ||
	    pthread_create(&ts, NULL, stream_send, &s)) {
		check(0, name, "pthread_create failed");
		return;
	}
	pthread_join(ts, NULL);
	/* a sender that never connected would leave accept() blocked */
	if (s.send_err)
		lkl_sys_shutdown(s.lfd, LKL_SHUT_RDWR);
	pthread_join(tr, NULL);
	dt = host_ms() - t0;
	lkl_sys_close(s.lfd);

	snprintf(what, sizeof(what), "%s: sender no error", name);
	check(s.send_err == 0, what, "%s", lkl_strerror(s.send_err));
	snprintf(what, sizeof(what), "%s: receiver no error", name);
	check(s.recv_err == 0, what, "%s", lkl_strerror(s.recv_err));
	snprintf(what, sizeof(what), "%s: %zu bytes received", name, len);
	CHECK_EQ(what, s.received, len);
	snprintf(what, sizeof(what), "%s: content verified", name);
	check(s.mismatches == 0, what, "%ld bad bytes, first at %zu",
	      s.mismatches, s.bad_at);
	printf("# %s: %zu bytes in %.0f ms (%.1f MiB/s)\n", name, len, dt,
	       dt > 0 ? len / (double)MiB / (dt / 1e3) : 0);
}

static void test_udp(void)
{
	union sockaddr_any ra, sa, from;
	char buf[64];
	long rfd, sfd, r;
	int len, slen, flen = sizeof(from);

	test_section("udp loopback", 10);
	rfd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	sfd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0);
	len = loopback(&ra, LKL_AF_INET, 0);
	CHECK_EQ("udp bind receiver", lkl_sys_bind(rfd, (void *)&ra, len), 0);
	lkl_sys_getsockname(rfd, (void *)&ra, &len);
	slen = loopback(&sa, LKL_AF_INET, 0);
	CHECK_EQ("udp bind sender", lkl_sys_bind(sfd, (void *)&sa, slen), 0);
	lkl_sys_getsockname(sfd, (void *)&sa, &slen);

	r = lkl_sys_sendto(sfd, "datagram!", 9, 0, (void *)&ra, len);
	CHECK_EQ("udp sendto", r, 9);
	memset(buf, 0, sizeof(buf));
	memset(&from, 0, sizeof(from));
	r = lkl_sys_recvfrom(rfd, buf, sizeof(buf), 0, (void *)&from, &flen);
	CHECK_EQ("udp recvfrom length", r, 9);
	CHECK_STR("udp datagram content", buf, "datagram!");
	check(from.v4.sin_family == LKL_AF_INET &&
	      port_of(&from) == port_of(&sa), "udp source is the sender",
	      "family %d port %u, sender port %u", from.v4.sin_family,
	      port_of(&from), port_of(&sa));

	/*
	 * SO_RCVTIMEO sleeps in schedule_timeout(): a timer_list timer, run
	 * by the tick (unlike the hrtimers of ppoll and nanosleep).
	 */
	{
		struct __lkl__kernel_old_timeval tv = { 0, 100 * 1000 };
		double t0, dt;

		r = lkl_sys_setsockopt(rfd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
				       (void *)&tv, sizeof(tv));
		CHECK_EQ("SO_RCVTIMEO 100 ms", r, 0);
		t0 = host_ms();
		r = lkl_sys_recvfrom(rfd, buf, sizeof(buf), 0, NULL, NULL);
		dt = host_ms() - t0;
		CHECK_EQ("recv times out with -EAGAIN (timer_list timer)", r,
			 -LKL_EAGAIN);
		check(dt >= 95 && dt < 300, "SO_RCVTIMEO 100 ms accuracy",
		      "took %.2f ms", dt);
	}
	lkl_sys_close(rfd);
	lkl_sys_close(sfd);
}

static atomic_int accept_done;
static long accept_res;

static void *blocked_accept(void *arg)
{
	long lfd = *(long *)arg;

	accept_res = lkl_sys_accept4(lfd, NULL, NULL, 0);
	atomic_store(&accept_done, 1);
	return NULL;
}

static void test_blocked_accept(void)
{
	union sockaddr_any a;
	pthread_t th;
	long lfd, cfd, pid = lkl_sys_getpid(), r;
	int i, good = 0, alen;

	test_section("syscalls while a thread blocks in accept", 20);
	lfd = listen_on(LKL_AF_INET, 0, &a);
	if (!check(lfd >= 0, "listen for blocked accept", "%s",
		   lkl_strerror(lfd)))
		return;
	atomic_store(&accept_done, 0);
	pthread_create(&th, NULL, blocked_accept, &lfd);
	host_sleep_ms(50);	/* let it reach accept() */
	for (i = 0; i < 1000; i++)
		good += lkl_sys_getpid() == pid;
	CHECK_EQ("1000 syscalls while accept() blocks", good, 1000);
	CHECK_EQ("accept() still blocked", atomic_load(&accept_done), 0);

	cfd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM, 0);
	alen = sizeof(a.v4);
	r = lkl_sys_connect(cfd, (void *)&a, alen);
	CHECK_EQ("connect wakes accept()", r, 0);
	pthread_join(th, NULL);
	check(accept_res >= 0, "blocked accept() returned a socket", "%s",
	      lkl_strerror(accept_res));
	if (accept_res >= 0)
		lkl_sys_close(accept_res);
	lkl_sys_close(cfd);
	lkl_sys_close(lfd);
}

/* ---- errors ---- */

static void test_bad_input(void)
{
	long params[6] = { 0 };
	const char *e1, *e2;
	int pipefd[2];
	char buf[8];

	test_section("bad input", 10);
	CHECK_EQ("read on fd 9999 is EBADF", lkl_sys_read(9999, buf, 1),
		 -LKL_EBADF);
	CHECK_EQ("close fd 9999 is EBADF", lkl_sys_close(9999), -LKL_EBADF);
	CHECK_EQ("openat NULL path is EFAULT",
		 lkl_sys_openat(LKL_AT_FDCWD, NULL, LKL_O_RDONLY, 0),
		 -LKL_EFAULT);
	if (lkl_sys_pipe2(pipefd, 0) == 0) {
		lkl_sys_write(pipefd[1], "x", 1);
		CHECK_EQ("write of 0 bytes from NULL is 0 (an empty range)",
			 lkl_sys_write(pipefd[1], NULL, 0), 0);
		CHECK_EQ("read of 0 bytes into NULL is 0",
			 lkl_sys_read(pipefd[0], NULL, 0), 0);
		CHECK_EQ("read of 1 byte into NULL is EFAULT",
			 lkl_sys_read(pipefd[0], NULL, 1), -LKL_EFAULT);
		lkl_sys_close(pipefd[0]);
		lkl_sys_close(pipefd[1]);
	}
	CHECK_EQ("openat missing file is ENOENT",
		 lkl_sys_openat(LKL_AT_FDCWD, "/no/such/file", LKL_O_RDONLY,
				0), -LKL_ENOENT);
	CHECK_EQ("lkl_syscall(5000) is ENOSYS", lkl_syscall(5000, params),
		 -LKL_ENOSYS);
	e1 = lkl_strerror(-LKL_ENOENT);
	e2 = lkl_strerror(-LKL_EPERM);
	check(e1 && e1[0], "lkl_strerror(-ENOENT) non-empty", "empty");
	check(e1 && e2 && strcmp(e1, e2) != 0,
	      "lkl_strerror ENOENT differs from EPERM", "both \"%s\"",
	      e1 ? e1 : "(null)");
}

static void test_idle(void)
{
	struct rusage r0, r1;
	double used;

	test_section("idle CPU use", 20);
	getrusage(RUSAGE_SELF, &r0);
	host_sleep_ms(5000);
	getrusage(RUSAGE_SELF, &r1);
	used = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1e3 +
	       (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e3 +
	       (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e3 +
	       (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e3;
	printf("# idle: %.1f ms of process CPU time in 5 s\n", used);
	check(used < 50, "idle kernel uses < 50 ms CPU in 5 s",
	      "used %.1f ms", used);
}

static void test_halt(int host_threads0)
{
	long r;
	int n = -1;
	double t0;

	test_section("halt", 30);
	r = lkl_sys_halt();
	CHECK_EQ("lkl_sys_halt returns 0", r, 0);
	CHECK_EQ("lkl_is_running after halt", lkl_is_running(), 0);
	r = lkl_sys_getpid();
	check(r < 0, "syscall after halt fails", "got %ld", r);
	t0 = host_ms();
	while (host_ms() - t0 < 1000) {
		n = host_thread_count();
		if (n == host_threads0)
			break;
		host_sleep_ms(10);
	}
	check(n == host_threads0, "host threads back to the count before boot",
	      "%d threads, %d before boot", n, host_threads0);
}

/*
 * lkl_start_kernel() in a child process (a kernel boots once per
 * process): its result, or -1000 if the child died.
 */
static int start_in_child(const char *cmdline)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int r = lkl_start_kernel(&lkl_host_ops, cmdline);

		if (r == 0)
			lkl_sys_halt();
		_exit(r < 0 ? -r : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1000;
	return -WEXITSTATUS(status);
}

/* Before boot: a table of another ABI version is refused, with a message. */
static void test_before_boot(void)
{
	struct lkl_host_operations bad = lkl_host_ops;
	long params[6] = { 0 };
	int r;

	test_section("before boot", 10);
	bad.version = LKL_HOST_OPS_VERSION + 1;
	r = lkl_start_kernel(&bad, "mem=64M");
	check(r == -LKL_EINVAL, "host ops of an unknown version refused",
	      "got %d", r);
	r = lkl_start_kernel(NULL, "mem=64M");
	check(r == -LKL_EINVAL, "NULL host ops refused", "got %d", r);
	check(!lkl_is_running(), "not running before boot", "running");
	r = lkl_syscall(__lkl__NR_getpid, params);
	check(r == -LKL_ENODEV, "syscall before boot is -ENODEV", "got %d", r);
	r = start_in_child("mem=100000G");
	check(r == -LKL_ENOMEM, "mem= the host cannot give: -ENOMEM, no crash",
	      "got %d", r);
	r = lkl_trigger_irq(5);
	check(r < 0, "irq before boot is an error", "got %d", r);
}

int main(void)
{
	int host_threads0 = host_thread_count();
	double t0;
	long r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	lkl_host_log_fd = -1;
	test_before_boot();
	test_section("boot", 30);
	t0 = host_ms();
	r = lkl_start_kernel(&lkl_host_ops, "mem=64M loglevel=4");
	if (!check(r == 0, "lkl_start_kernel", "%s", lkl_strerror(r)))
		return test_done();
	printf("# booted in %.1f ms\n", host_ms() - t0);

	test_basic();
	test_files();
	test_dirs();
	test_pipe_eventfd();
	test_epoll();
	test_time();
	test_proc();
	test_thread_reap();
	test_bad_input();
	test_lo_up();
	test_stream("tcp ipv4 16 MiB", LKL_AF_INET, 0, 16 * MiB);
	test_stream("tcp ipv6 16 MiB", LKL_AF_INET6, 0, 16 * MiB);
	test_udp();
	test_stream("mptcp 1 MiB", LKL_AF_INET, LKL_IPPROTO_MPTCP, 1 * MiB);
	test_blocked_accept();
	test_concurrency();
	test_idle();
	test_halt(host_threads0);
	return test_done();
}
