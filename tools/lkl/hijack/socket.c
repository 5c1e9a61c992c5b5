// SPDX-License-Identifier: GPL-2.0
/*
 * The socket calls: socket(), socketpair() for LKL's address families,
 * and every other socket call on LKL fds.
 *
 * LKL sockets are always non-blocking inside LKL; the program's
 * O_NONBLOCK is kept in struct lkl_file.  A call that would block for a
 * blocking socket waits in hijack_block() (wait.c) and tries again, so
 * blocking, SO_RCVTIMEO/SO_SNDTIMEO, EINTR and SA_RESTART behave as on
 * the host.  A blocking send on a stream socket goes on until all is
 * sent (or a signal or timeout ends it with a partial count), as the
 * host kernel does; so does a recv with MSG_WAITALL.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <lkl.h>
#include <lkl/linux/in.h>

#include "hijack.h"

_Static_assert(sizeof(struct msghdr) == sizeof(struct lkl_user_msghdr) &&
	       offsetof(struct msghdr, msg_flags) ==
	       offsetof(struct lkl_user_msghdr, msg_flags),
	       "struct msghdr and struct lkl_user_msghdr differ");
_Static_assert(sizeof(struct mmsghdr) == sizeof(struct lkl_mmsghdr),
	       "struct mmsghdr and struct lkl_mmsghdr differ");
_Static_assert(sizeof(struct iovec) == sizeof(struct lkl_iovec),
	       "struct iovec and struct lkl_iovec differ");

#define SOCK_FLAGS	(SOCK_NONBLOCK | SOCK_CLOEXEC)

#define LSA(a)		((struct lkl_sockaddr *)(a))
#define LMSG(m)		((struct lkl_user_msghdr *)(m))


/* The error queue never waits: empty, it is EAGAIN at once. */
static int blocking(int lfd, int flags)
{
	return !(flags & (MSG_DONTWAIT | MSG_ERRQUEUE)) &&
	       !atomic_load(&fdt_file(lfd)->nonblock);
}

/*
 * LKL_HIJACK_MPTCP: a TCP socket is made an MPTCP one, as mptcpize does
 * on the host; where LKL refuses MPTCP (net.mptcp.enabled=0) it stays
 * TCP.  A peer without MPTCP gets plain TCP all the same.
 */
static long new_socket(int domain, int type, int protocol)
{
	int ltype = (type & ~SOCK_FLAGS) | LKL_SOCK_NONBLOCK;
	long lfd;

	if (config_mptcp() && (domain == AF_INET || domain == AF_INET6) &&
	    (type & ~SOCK_FLAGS) == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP)) {
		lfd = lkl_sys_socket(domain, ltype, LKL_IPPROTO_MPTCP);
		if (lfd != -LKL_ENOPROTOOPT && lfd != -LKL_EPROTONOSUPPORT)
			return lfd;
		hijack_log("no MPTCP socket (%s): a TCP one",
			   lkl_strerror((int)lfd));
	}
	return lkl_sys_socket(domain, ltype, protocol);
}

/* A new LKL socket: the kernel runs, and @domain is LKL's. */
static int lkl_socket(int domain, int type, int protocol)
{
	long lfd;
	int r = hijack_boot();

	if (r)
		return hijack_ret(-r);
	lfd = new_socket(domain, type, protocol);
	if (lfd < 0)
		return hijack_ret(lfd);
	return hijack_ret(fdt_install((int)lfd, type & ~SOCK_FLAGS,
				      !!(type & SOCK_NONBLOCK),
				      !!(type & SOCK_CLOEXEC)));
}

int socket(int domain, int type, int protocol)
{
	real_resolve();
	if (!config_family_is_lkl(domain) || hijack_booting())
		return real.socket(domain, type, protocol);
	return lkl_socket(domain, type, protocol);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	int lsv[2], fd0, fd1, r;
	long err;

	real_resolve();
	if (!config_family_is_lkl(domain) || hijack_booting())
		return real.socketpair(domain, type, protocol, sv);
	r = hijack_boot();
	if (r)
		return hijack_ret(-r);
	err = lkl_sys_socketpair(domain,
				 (type & ~SOCK_FLAGS) | LKL_SOCK_NONBLOCK,
				 protocol, lsv);
	if (err < 0)
		return hijack_ret(err);
	fd0 = fdt_install(lsv[0], type & ~SOCK_FLAGS, !!(type & SOCK_NONBLOCK),
			  !!(type & SOCK_CLOEXEC));
	if (fd0 < 0) {
		lkl_sys_close(lsv[1]);
		return hijack_ret(fd0);
	}
	fd1 = fdt_install(lsv[1], type & ~SOCK_FLAGS, !!(type & SOCK_NONBLOCK),
			  !!(type & SOCK_CLOEXEC));
	if (fd1 < 0) {
		fdt_close(fd0);
		return hijack_ret(fd1);
	}
	sv[0] = fd0;
	sv[1] = fd1;
	return 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	ROUTE(fd, real.bind(fd, addr, len));
	return hijack_ret(lkl_sys_bind(lfd, LSA(addr), (int)len));
}

int listen(int fd, int backlog)
{
	ROUTE(fd, real.listen(fd, backlog));
	return hijack_ret(lkl_sys_listen(lfd, backlog));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	long r;
	int w;

	ROUTE(fd, real.accept4(fd, addr, len, flags));
	if (flags & ~SOCK_FLAGS)
		return hijack_ret(-EINVAL);
	for (;;) {
		r = lkl_sys_accept4(lfd, LSA(addr), (int *)len,
				    LKL_SOCK_NONBLOCK);
		if (r != -EAGAIN || !blocking(lfd, 0))
			break;
		w = hijack_block(lfd, POLLIN);
		if (w) {
			r = w;
			break;
		}
	}
	if (r < 0)
		return hijack_ret(r);
	return hijack_ret(fdt_install((int)r, fdt_file(lfd)->type,
				      !!(flags & SOCK_NONBLOCK),
				      !!(flags & SOCK_CLOEXEC)));
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	real_resolve();
	if (fd_route(fd) == FD_HOST)
		return real.accept(fd, addr, len);
	return accept4(fd, addr, len, 0);
}

/*
 * A blocking connect() waits for the handshake and returns its result;
 * interrupted, it returns EINTR and the handshake goes on, as on the
 * host; timed out (SO_SNDTIMEO), EINPROGRESS.
 */
static long connect_wait(int lfd)
{
	int err = 0, elen = sizeof(err);
	long r = hijack_block(lfd, POLLOUT);

	if (r == -EAGAIN)
		return -EINPROGRESS;
	if (r)
		return r;
	r = lkl_sys_getsockopt(lfd, LKL_SOL_SOCKET, LKL_SO_ERROR, (char *)&err,
			       &elen);
	return r ? r : -err;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	long r;

	ROUTE(fd, real.connect(fd, addr, len));
	r = lkl_sys_connect(lfd, LSA(addr), (int)len);
	if (r != -EINPROGRESS || !blocking(lfd, 0))
		return hijack_ret(r);
	return hijack_ret(connect_wait(lfd));
}

int shutdown(int fd, int how)
{
	ROUTE(fd, real.shutdown(fd, how));
	return hijack_ret(lkl_sys_shutdown(lfd, how));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	ROUTE(fd, real.getsockopt(fd, level, name, val, len));
	return hijack_ret(lkl_sys_getsockopt(lfd, level, name, val,
					     (int *)len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	ROUTE(fd, real.setsockopt(fd, level, name, val, len));
	return hijack_ret(lkl_sys_setsockopt(lfd, level, name, (void *)val,
					     (int)len));
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	ROUTE(fd, real.getsockname(fd, addr, len));
	return hijack_ret(lkl_sys_getsockname(lfd, LSA(addr), (int *)len));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	ROUTE(fd, real.getpeername(fd, addr, len));
	return hijack_ret(lkl_sys_getpeername(lfd, LSA(addr), (int *)len));
}

/* ---- Transfers ---- */

static size_t iov_total(const struct iovec *iov, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

/*
 * Drop @done bytes from the front of @m's iovecs, on a private copy in
 * @*own (allocated the first time; the caller frees it).
 */
static int iov_advance(struct msghdr *m, size_t done, struct iovec **own)
{
	struct iovec *iov;
	size_t n;

	if (!*own) {
		n = sizeof(*iov) * m->msg_iovlen;
		*own = malloc(n ? n : 1);
		if (!*own)
			return -ENOMEM;
		memcpy(*own, m->msg_iov, n);
		m->msg_iov = *own;
	}
	iov = m->msg_iov;
	while (m->msg_iovlen && done >= iov->iov_len) {
		done -= iov->iov_len;
		iov++;
		m->msg_iovlen--;
	}
	if (m->msg_iovlen) {
		iov->iov_base = (char *)iov->iov_base + done;
		iov->iov_len -= done;
	}
	m->msg_iov = iov;
	return 0;
}

/*
 * LKL refuses any pointer below 4096, even for an empty buffer, where
 * Linux accepts one (iproute2 peeks with an empty NULL iovec): such
 * iovecs get a harmless valid pointer, on a private copy in @*own.
 */
static int iov_fix_empty(struct msghdr *m, struct iovec **own)
{
	static char empty;
	size_t i, n = m->msg_iovlen;

	for (i = 0; i < n; i++)
		if (!m->msg_iov[i].iov_len &&
		    (unsigned long)m->msg_iov[i].iov_base < 4096)
			break;
	if (i == n)
		return 0;
	*own = malloc(sizeof(**own) * n);
	if (!*own)
		return -ENOMEM;
	memcpy(*own, m->msg_iov, sizeof(**own) * n);
	for (; i < n; i++)
		if (!(*own)[i].iov_len)
			(*own)[i].iov_base = &empty;
	m->msg_iov = *own;
	return 0;
}

long hijack_sendmsg(int lfd, const struct msghdr *msg, int flags)
{
	struct msghdr m = *msg;
	struct iovec *own = NULL;
	int block = blocking(lfd, flags);
	int stream = fdt_file(lfd)->type == SOCK_STREAM;
	size_t len = iov_total(m.msg_iov, m.msg_iovlen), total = 0;
	long r = iov_fix_empty(&m, &own);

	while (!r) {
		r = lkl_sys_sendmsg(lfd, LMSG(&m), flags | MSG_DONTWAIT);
		if (r == -EINPROGRESS && block && stream && !total) {
			/*
			 * A send that connects (MSG_FASTOPEN, or after
			 * TCP_FASTOPEN_CONNECT) waits for the handshake as
			 * connect() does, then sends as on the host.
			 */
			r = connect_wait(lfd);
			flags &= ~MSG_FASTOPEN;
			continue;
		}
		if (r >= 0) {
			/* The connecting send, if any, is done. */
			flags &= ~MSG_FASTOPEN;
			total += (size_t)r;
			if (!block || !stream || total >= len)
				break;
			/* Ancillary data goes with the first bytes only. */
			m.msg_control = NULL;
			m.msg_controllen = 0;
			r = iov_advance(&m, (size_t)r, &own);
			if (r < 0)
				break;
			continue;
		}
		if (r != -EAGAIN || !block)
			break;
		r = hijack_block(lfd, POLLOUT);
		if (r)
			break;
	}
	free(own);
	if (total)
		return (long)total;
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		raise(SIGPIPE);
	return r;
}

long hijack_recvmsg(int lfd, struct msghdr *msg, int flags)
{
	struct msghdr m = *msg;
	struct iovec *own = NULL;
	int block = blocking(lfd, flags);
	int waitall = block && (flags & MSG_WAITALL) &&
		      fdt_file(lfd)->type == SOCK_STREAM;
	size_t len = iov_total(m.msg_iov, m.msg_iovlen), total = 0;
	long r = iov_fix_empty(&m, &own);

	while (!r) {
		r = lkl_sys_recvmsg(lfd, LMSG(&m),
				    (flags & ~MSG_WAITALL) | MSG_DONTWAIT);
		if (r > 0 && waitall) {
			total += (size_t)r;
			if (total >= len)
				break;
			r = iov_advance(&m, (size_t)r, &own);
			if (r < 0)
				break;
			continue;
		}
		if (r != -EAGAIN || !block)
			break;
		r = hijack_block(lfd, POLLIN);
		if (r)
			break;
	}
	free(own);
	msg->msg_namelen = m.msg_namelen;
	msg->msg_controllen = m.msg_controllen;
	msg->msg_flags = m.msg_flags;
	if (total)
		return (long)total;
	return r;
}

static long send_buf(int lfd, const void *buf, size_t len, int flags,
		     const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { (void *)to, tolen, &iov, 1, NULL, 0, 0 };

	return hijack_sendmsg(lfd, &m, flags);
}

static long recv_buf(int lfd, void *buf, size_t len, int flags,
		     struct sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = { buf, len };
	struct msghdr m = { from, fromlen ? *fromlen : 0, &iov, 1, NULL, 0, 0 };
	long r = hijack_recvmsg(lfd, &m, flags);

	if (r >= 0 && fromlen)
		*fromlen = m.msg_namelen;
	return r;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	ROUTE(fd, real.send(fd, buf, len, flags));
	return hijack_ret(send_buf(lfd, buf, len, flags, NULL, 0));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	ROUTE(fd, real.sendto(fd, buf, len, flags, to, tolen));
	return hijack_ret(send_buf(lfd, buf, len, flags, to, tolen));
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ROUTE(fd, real.sendmsg(fd, msg, flags));
	return hijack_ret(hijack_sendmsg(lfd, msg, flags));
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	ROUTE(fd, real.recv(fd, buf, len, flags));
	return hijack_ret(recv_buf(lfd, buf, len, flags, NULL, NULL));
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
		 struct sockaddr *from, socklen_t *fromlen)
{
	ROUTE(fd, real.recvfrom(fd, buf, len, flags, from, fromlen));
	return hijack_ret(recv_buf(lfd, buf, len, flags, from, fromlen));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ROUTE(fd, real.recvmsg(fd, msg, flags));
	return hijack_ret(hijack_recvmsg(lfd, msg, flags));
}

/* glibc's _FORTIFY_SOURCE versions, which Debian's programs call. */
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
	if (len > buflen)
		abort();
	return recv(fd, buf, len, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen,
		       int flags, struct sockaddr *from, socklen_t *fromlen)
{
	if (len > buflen)
		abort();
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

/*
 * A blocking sendmmsg() sends every message; so far as the host kernel
 * does, one that cannot go ends it with the count sent so far.
 */
int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
	unsigned int done = 0;
	long r;

	ROUTE(fd, real.sendmmsg(fd, vec, vlen, flags));
	while (done < vlen) {
		r = lkl_sys_sendmmsg(lfd, (struct lkl_mmsghdr *)vec + done,
				     vlen - done, flags | MSG_DONTWAIT);
		if (r > 0) {
			done += (unsigned int)r;
			continue;
		}
		if (!r)
			break;
		if (r == -EAGAIN && blocking(lfd, flags))
			r = hijack_block(lfd, POLLOUT);
		if (r)
			return done ? (int)done : (int)hijack_ret(r);
	}
	return (int)done;
}

/*
 * recvmmsg(): a blocking call without MSG_WAITFORONE waits for @vlen
 * messages; @timeout is checked after each one (the host's rule).
 */
int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
	     struct timespec *timeout)
{
	long long end = -1;
	unsigned int done = 0;
	long r;

	ROUTE(fd, real.recvmmsg(fd, vec, vlen, flags, timeout));
	if (timeout)
		end = hijack_now_ms() + timeout->tv_sec * 1000 +
		      timeout->tv_nsec / 1000000;
	while (done < vlen) {
		r = lkl_sys_recvmmsg(lfd, (struct lkl_mmsghdr *)vec + done,
				     vlen - done,
				     (flags & ~MSG_WAITFORONE) | MSG_DONTWAIT,
				     NULL);
		if (r > 0) {
			done += (unsigned int)r;
			if ((flags & MSG_WAITFORONE) ||
			    (end >= 0 && hijack_now_ms() >= end))
				break;
			continue;
		}
		if (!r)
			break;
		if (r == -EAGAIN && blocking(lfd, flags) &&
		    !(done && (flags & MSG_WAITFORONE)))
			r = hijack_block(lfd, POLLIN);
		if (r)
			return done ? (int)done : (int)hijack_ret(r);
	}
	return (int)done;
}
