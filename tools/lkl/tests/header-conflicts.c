// SPDX-License-Identifier: GPL-2.0
/*
 * header-conflicts - <lkl.h> and the installed <lkl/...> headers must be
 * usable in the same file as libc's headers: every name they define is
 * prefixed.  This file includes both worlds, in both orders around
 * lkl.h, and checks that the constants and layouts that the two share by
 * the ABI agree.  Compiling it is most of the test (each check is also a
 * _Static_assert); running it prints one line per check.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
 *	-I<installed include dir> -Itools/lkl/include header-conflicts.c
 * No liblkl is needed: nothing of it is called.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/epoll.h>
#include <poll.h>
#include <time.h>
#include <errno.h>
#include <stddef.h>
#include <arpa/inet.h>

#include <lkl.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/un.h>
#include <lkl/linux/if.h>
#include <lkl/linux/stat.h>
#include <lkl/linux/time.h>
#include <lkl/linux/signal.h>
#include <lkl/linux/tcp.h>

/* libc's again after lkl's: their include guards make this a no-op, but
 * a header that is not guarded would show up here. */
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define SAME_SIZE(a, b) (sizeof(a) == sizeof(b))
#define SAME_OFFSET(a, b, m) (offsetof(a, m) == offsetof(b, m))

/* Every check, as X(expression). */
#define CHECKS(X)							\
	X(LKL_AF_INET == AF_INET)					\
	X(LKL_AF_INET6 == AF_INET6)					\
	X(LKL_AF_UNIX == AF_UNIX)					\
	X(LKL_PF_INET == PF_INET)					\
	X(LKL_SOCK_STREAM == SOCK_STREAM)				\
	X(LKL_SOCK_DGRAM == SOCK_DGRAM)					\
	X(LKL_SOCK_NONBLOCK == SOCK_NONBLOCK)				\
	X(LKL_SOCK_CLOEXEC == SOCK_CLOEXEC)				\
	X(LKL_SOL_SOCKET == SOL_SOCKET)					\
	X(LKL_SO_REUSEADDR == SO_REUSEADDR)				\
	X(LKL_MSG_DONTWAIT == MSG_DONTWAIT)				\
	X(LKL_MSG_NOSIGNAL == MSG_NOSIGNAL)				\
	X(LKL_SHUT_RDWR == SHUT_RDWR)					\
	X((int)LKL_IPPROTO_TCP == (int)IPPROTO_TCP)				\
	X((int)LKL_IPPROTO_UDP == (int)IPPROTO_UDP)				\
	X(LKL_INADDR_LOOPBACK == INADDR_LOOPBACK)			\
	X(LKL_TCP_NODELAY == 1)						\
	X(SAME_SIZE(struct lkl_sockaddr, struct sockaddr))		\
	X(SAME_SIZE(struct lkl_sockaddr_in, struct sockaddr_in))	\
	X(SAME_OFFSET(struct lkl_sockaddr_in, struct sockaddr_in, sin_port)) \
	X(SAME_OFFSET(struct lkl_sockaddr_in, struct sockaddr_in, sin_addr)) \
	X(SAME_SIZE(struct lkl_sockaddr_in6, struct sockaddr_in6))	\
	X(SAME_OFFSET(struct lkl_sockaddr_in6, struct sockaddr_in6, sin6_addr)) \
	X(SAME_SIZE(struct lkl_in_addr, struct in_addr))		\
	X(SAME_SIZE(struct lkl_user_msghdr, struct msghdr))		\
	X(SAME_OFFSET(struct lkl_user_msghdr, struct msghdr, msg_control)) \
	X(SAME_SIZE(struct lkl_cmsghdr, struct cmsghdr))		\
	X(SAME_SIZE(struct lkl_iovec, struct iovec))			\
	X(SAME_SIZE(struct lkl_linger, struct linger))			\
	X(LKL_O_RDONLY == O_RDONLY)					\
	X(LKL_O_WRONLY == O_WRONLY)					\
	X(LKL_O_RDWR == O_RDWR)						\
	X(LKL_O_CREAT == O_CREAT)					\
	X(LKL_O_EXCL == O_EXCL)						\
	X(LKL_O_TRUNC == O_TRUNC)					\
	X(LKL_O_APPEND == O_APPEND)					\
	X(LKL_O_NONBLOCK == O_NONBLOCK)					\
	X(LKL_O_CLOEXEC == O_CLOEXEC)					\
	X(LKL_AT_FDCWD == AT_FDCWD)					\
	X(LKL_AT_REMOVEDIR == AT_REMOVEDIR)				\
	X(LKL_AT_SYMLINK_NOFOLLOW == AT_SYMLINK_NOFOLLOW)		\
	X(LKL_F_GETFL == F_GETFL)					\
	X(LKL_S_IFMT == S_IFMT)						\
	X(LKL_S_IFDIR == S_IFDIR)					\
	X(LKL_S_IFREG == S_IFREG)					\
	X(LKL_S_ISDIR(LKL_S_IFDIR) && S_ISDIR(S_IFDIR))			\
	X(sizeof(((struct lkl_stat *)0)->lkl_st_atime) == sizeof(long))	\
	X(sizeof(((struct lkl_stat *)0)->st_size) == sizeof(long))	\
	X(LKL_EPOLLIN == EPOLLIN)					\
	X(LKL_EPOLLOUT == EPOLLOUT)					\
	X(LKL_EPOLL_CTL_ADD == EPOLL_CTL_ADD)				\
	X(SAME_SIZE(struct lkl_epoll_event, struct epoll_event))	\
	X(LKL_POLLIN == POLLIN)						\
	X(LKL_POLLOUT == POLLOUT)					\
	X(SAME_SIZE(struct lkl_pollfd, struct pollfd))			\
	X(SAME_SIZE(struct lkl_timespec, struct timespec))		\
	X(sizeof(struct __lkl__kernel_timespec) == 16)			\
	X(LKL_CLOCK_MONOTONIC == CLOCK_MONOTONIC)			\
	X(LKL_CLOCK_REALTIME == CLOCK_REALTIME)				\
	X(LKL_SIGINT == SIGINT)						\
	X(LKL_SIGKILL == SIGKILL)					\
	X(LKL_SIGTERM == SIGTERM)					\
	X(LKL_SIGCHLD == SIGCHLD)					\
	X(LKL_EINVAL == EINVAL)						\
	X(LKL_ENOENT == ENOENT)						\
	X(LKL_EAGAIN == EAGAIN)						\
	X(sizeof(__lkl__u32) == 4 && sizeof(__lkl__u64) == 8)		\
	X(sizeof(lkl_sys_openat(LKL_AT_FDCWD, "/", LKL_O_RDONLY, 0)) ==	\
	  sizeof(long))							\
	X(sizeof(lkl_sys_open("/", LKL_O_RDONLY, 0)) == sizeof(long))	\
	X(__lkl__NR_openat > 0 && __lkl__NR_read >= 0)

#define STATIC_CHECK(e) _Static_assert(e, #e);
CHECKS(STATIC_CHECK)

static const struct {
	const char *what;
	int ok;
} checks[] = {
#define ROW(e) { #e, (e) },
	CHECKS(ROW)
};

/* The glibc macros st_atime and sa_handler must not reach LKL's members. */
static int both_stats(void)
{
	struct stat st;
	struct lkl_stat lst;

	memset(&st, 0, sizeof(st));
	memset(&lst, 0, sizeof(lst));
	st.st_atime = 1;
	lst.lkl_st_atime = 1;
	lst.st_atime_nsec = 2;
	return st.st_atime == lst.lkl_st_atime && lst.st_atime_nsec == 2;
}

static int both_sigactions(void)
{
	struct sigaction sa;
	struct lkl_sigaction lsa;

	memset(&sa, 0, sizeof(sa));
	memset(&lsa, 0, sizeof(lsa));
	sa.sa_handler = SIG_IGN;
	lsa.lkl_sa_handler = LKL_SIG_IGN;
	return sa.sa_handler == SIG_IGN && lsa.lkl_sa_handler == LKL_SIG_IGN;
}

/* The same address built with each world's names is the same bytes. */
static int both_sockaddrs(void)
{
	struct sockaddr_in a;
	struct lkl_sockaddr_in b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.sin_family = AF_INET;
	a.sin_port = htons(8080);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	b.sin_family = LKL_AF_INET;
	b.sin_port = __lkl__cpu_to_be16(8080);
	b.sin_addr.s_addr = __lkl__cpu_to_be32(LKL_INADDR_LOOPBACK);
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static int both_timespecs(void)
{
	struct timespec t = { 3, 4 };
	struct lkl_timespec lt = { 3, 4 };
	struct __lkl__kernel_timespec kt = { 3, 4 };

	return memcmp(&t, &lt, sizeof(t)) == 0 &&
	       kt.tv_sec == t.tv_sec && kt.tv_nsec == t.tv_nsec;
}

int main(void)
{
	const struct {
		const char *what;
		int ok;
	} runtime[] = {
		{ "struct stat and struct lkl_stat side by side", both_stats() },
		{ "struct sigaction and struct lkl_sigaction side by side",
		  both_sigactions() },
		{ "sockaddr_in built both ways is equal", both_sockaddrs() },
		{ "timespec and lkl_timespec agree", both_timespecs() },
	};
	unsigned int i, pass = 0, fail = 0;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		printf("%s %s\n", checks[i].ok ? "ok  " : "FAIL", checks[i].what);
		checks[i].ok ? pass++ : fail++;
	}
	for (i = 0; i < sizeof(runtime) / sizeof(runtime[0]); i++) {
		printf("%s %s\n", runtime[i].ok ? "ok  " : "FAIL",
		       runtime[i].what);
		runtime[i].ok ? pass++ : fail++;
	}
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
