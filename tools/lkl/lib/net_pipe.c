// SPDX-License-Identifier: GPL-2.0
/*
 * The pipe network backend: lkl_netdev_add_pipe() (lkl_host.h).
 *
 * Frames go through one end of an AF_UNIX socketpair, one message per
 * frame with its virtio-net header, so two LKL instances (two processes)
 * holding the two ends are two hosts on a wire, with no privileges.  A
 * message-keeping socket (SOCK_SEQPACKET or SOCK_DGRAM) is required: on
 * a stream the frames would run together.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lkl_host.h>

#include "posix-host.h"

struct pipe_be {
	struct lkl_netdev_backend be;	/* first: see to_pipe() */
};

static long pipe_send(struct lkl_netdev_backend *be, const struct iovec *iov,
		      int cnt)
{
	struct msghdr msg = { .msg_iov = (struct iovec *)iov,
			      .msg_iovlen = (size_t)cnt };
	ssize_t r;

	do {
		/* MSG_NOSIGNAL: a peer that is gone is an error, no SIGPIPE. */
		r = sendmsg(be->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -LKL_EAGAIN : lkl_posix_errno(errno);
	return r;
}

static long pipe_recv(struct lkl_netdev_backend *be, const struct iovec *iov,
		      int cnt)
{
	struct msghdr msg = { .msg_iov = (struct iovec *)iov,
			      .msg_iovlen = (size_t)cnt };
	ssize_t r;

	do {
		/* MSG_TRUNC: the real length, so a cut frame is seen as such. */
		r = recvmsg(be->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -LKL_EAGAIN : lkl_posix_errno(errno);
	return r;
}

static void pipe_close(struct lkl_netdev_backend *be)
{
	close(be->fd);
	free(be);
}

/* Whether @fd is a socket that keeps messages apart: 0 or -errno. */
static int check_fd(int fd)
{
	int type;
	socklen_t len = sizeof(type);

	if (fcntl(fd, F_GETFD) < 0)
		return -LKL_EBADF;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		return lkl_posix_errno(errno);
	if (type != SOCK_SEQPACKET && type != SOCK_DGRAM)
		return -LKL_EINVAL;
	return 0;
}

int lkl_netdev_add_pipe(int fd, const unsigned char mac[6], unsigned int mtu,
			unsigned long long offload)
{
	struct pipe_be *p;
	int err, id;

	err = check_fd(fd);
	if (err)
		return err;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -LKL_ENOMEM;
	p->be.fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (p->be.fd < 0) {
		err = lkl_posix_errno(errno);
		free(p);
		return err;
	}
	/* Headers pass through to the peer: it honours what it accepted. */
	p->be.offload = LKL_NETDEV_OFFLOAD_ALL;
	p->be.send = pipe_send;
	p->be.recv = pipe_recv;
	p->be.close = pipe_close;
	id = lkl_netdev_add(&p->be, mac, mtu, offload);
	if (id < 0)
		pipe_close(&p->be);
	return id;
}
