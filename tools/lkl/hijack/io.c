// SPDX-License-Identifier: GPL-2.0
/*
 * The fd calls on LKL fds: read/write/readv/writev (the socket
 * transfers of socket.c), close and dup* (the fd table), fcntl, ioctl,
 * and sendfile() from a host file to an LKL socket.  Host fds go to the
 * host libc untouched.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <lkl.h>

#include "hijack.h"

/* Bytes sendfile() moves per read from the host file. */
#define SENDFILE_CHUNK	(256 * 1024)


static long rw(int lfd, const struct iovec *iov, int cnt, int out)
{
	struct msghdr m = { NULL, 0, (struct iovec *)iov, (size_t)cnt,
			    NULL, 0, 0 };

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	return out ? hijack_sendmsg(lfd, &m, 0) : hijack_recvmsg(lfd, &m, 0);
}

ssize_t read(int fd, void *buf, size_t len)
{
	struct iovec iov = { buf, len };

	ROUTE(fd, real.read(fd, buf, len));
	return hijack_ret(rw(lfd, &iov, 1, 0));
}

ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort();
	return read(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	ROUTE(fd, real.write(fd, buf, len));
	return hijack_ret(rw(lfd, &iov, 1, 1));
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	ROUTE(fd, real.readv(fd, iov, cnt));
	return hijack_ret(rw(lfd, iov, cnt, 0));
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	ROUTE(fd, real.writev(fd, iov, cnt));
	return hijack_ret(rw(lfd, iov, cnt, 1));
}

int close(int fd)
{
	real_resolve();
	return fdt_close(fd);
}

/*
 * close_range() and closefrom() close placeholders too: their LKL fds
 * go first.  CLOSE_RANGE_CLOEXEC closes nothing yet.
 */
int close_range(unsigned int first, unsigned int last, int flags)
{
	real_resolve();
	if (!real.close_range)
		return (int)hijack_ret(-ENOSYS);
	if (!(flags & CLOSE_RANGE_CLOEXEC) && first <= last)
		fdt_forget_range(first, last);
	return proxy_close_range(first, last, flags);
}

void closefrom(int lowfd)
{
	real_resolve();
	if (lowfd < 0)
		lowfd = 0;
	fdt_forget_range((unsigned int)lowfd, ~0U);
	if (real.close_range)
		proxy_close_range((unsigned int)lowfd, ~0U, 0);
	else if (real.closefrom)
		real.closefrom(lowfd);
}

int dup(int fd)
{
	real_resolve();
	if (fd_route(fd) == FD_DEAD)
		return (int)hijack_ret(-EBADF);
	return fdt_dup(fd, 0, 0);
}

int dup2(int oldfd, int newfd)
{
	real_resolve();
	if (fd_route(oldfd) == FD_DEAD)
		return (int)hijack_ret(-EBADF);
	return fdt_dup3(oldfd, newfd, 0);
}

int dup3(int oldfd, int newfd, int flags)
{
	real_resolve();
	if (fd_route(oldfd) == FD_DEAD)
		return (int)hijack_ret(-EBADF);
	if (oldfd == newfd || (flags & ~O_CLOEXEC))
		return (int)hijack_ret(-EINVAL);
	return fdt_dup3(oldfd, newfd, flags);
}

/*
 * fcntl() on an LKL fd: the fd flags (FD_CLOEXEC) and F_DUPFD are the
 * host fd's; the file status flags are LKL's, but for O_NONBLOCK, which
 * is the program's own (the LKL socket is always non-blocking);
 * everything else goes to LKL.
 */
static int lkl_fcntl(int fd, int lfd, int cmd, long arg)
{
	struct lkl_file *f = fdt_file(lfd);
	long r;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return fdt_dup(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
	case F_SETFD:
		return real.fcntl(fd, cmd, arg);
	case F_GETFL:
		r = lkl_sys_fcntl(lfd, LKL_F_GETFL, 0);
		if (r < 0)
			return (int)hijack_ret(r);
		r &= ~(long)O_NONBLOCK;
		return (int)(r | (atomic_load(&f->nonblock) ? O_NONBLOCK : 0));
	case F_SETFL:
		r = lkl_sys_fcntl(lfd, LKL_F_SETFL, arg | LKL_O_NONBLOCK);
		if (!r)
			atomic_store(&f->nonblock, !!(arg & O_NONBLOCK));
		return (int)hijack_ret(r);
	default:
		return (int)hijack_ret(lkl_sys_fcntl(lfd, cmd, arg));
	}
}

static int fcntl_long(int fd, int cmd, long arg)
{
	ROUTE(fd, real.fcntl(fd, cmd, arg));
	return lkl_fcntl(fd, lfd, cmd, arg);
}

/* Every fcntl() command takes an int, a pointer or nothing: a long holds it. */
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return fcntl_long(fd, cmd, arg);
}

/* What fcntl() is called as with _FILE_OFFSET_BITS=64 (glibc >= 2.28). */
int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return fcntl_long(fd, cmd, arg);
}

/* FIONBIO sets the program's O_NONBLOCK; other requests go to LKL. */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	ROUTE(fd, real.ioctl(fd, req, arg));
	if (req == FIONBIO) {
		if (!arg)
			return (int)hijack_ret(-EFAULT);
		atomic_store(&fdt_file(lfd)->nonblock, !!*(int *)arg);
		return 0;
	}
	return (int)hijack_ret(lkl_sys_ioctl(lfd, (unsigned int)req,
					     (long)arg));
}

/*
 * sendfile() to an LKL socket from a host file: read a chunk from the
 * file (at *@offset, or at its position), send it; the file position or
 * *@offset moves by what was sent.  From an LKL fd to anything the call
 * is LKL's own, which refuses a socket as input, as the host does.
 * Offsets are 64-bit throughout: sendfile() on a 32-bit host converts.
 */
static long sendfile_to_lkl(int out_lfd, int in_fd, off64_t *offset,
			    size_t count)
{
	char *buf = malloc(SENDFILE_CHUNK);
	off64_t pos = offset ? *offset : lseek64(in_fd, 0, SEEK_CUR);
	int seekable = offset || pos >= 0;
	size_t total = 0;
	long r = 0, n;
	struct iovec iov;
	struct msghdr m = { NULL, 0, &iov, 1, NULL, 0, 0 };

	if (!buf)
		return -ENOMEM;
	while (total < count) {
		n = count - total < SENDFILE_CHUNK ? (long)(count - total) :
						     SENDFILE_CHUNK;
		n = seekable ? pread64(in_fd, buf, (size_t)n, pos) :
			       real.read(in_fd, buf, (size_t)n);
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		iov.iov_base = buf;
		iov.iov_len = (size_t)n;
		r = hijack_sendmsg(out_lfd, &m, 0);
		if (r < 0)
			break;
		total += (size_t)r;
		if (seekable)
			pos += r;
		if (r < n)
			break;
	}
	free(buf);
	if (seekable && offset)
		*offset = pos;
	else if (seekable && total)
		lseek64(in_fd, pos, SEEK_SET);
	return total ? (long)total : r;
}

/*
 * sendfile with at least one LKL fd: the result (or -errno) in *@ret.
 * Returns 0 when both are host fds, for the caller to call the host's.
 */
static int sendfile_lkl(int out_fd, int in_fd, off64_t *offset,
			size_t count, long *ret)
{
	int out_l = fd_route(out_fd), in_l = fd_route(in_fd);

	if (out_l == FD_DEAD || in_l == FD_DEAD)
		*ret = -EBADF;
	else if (out_l == FD_HOST && in_l == FD_HOST)
		return 0;
	else if (in_l == FD_HOST)
		*ret = sendfile_to_lkl(out_l, in_fd, offset, count);
	else if (out_l == FD_HOST)
		*ret = -EINVAL;		/* a socket is not a file */
	else
		*ret = lkl_sys_sendfile64(out_l, in_l,
					  (__lkl__kernel_loff_t *)offset,
					  count);
	return 1;
}

ssize_t sendfile64(int out_fd, int in_fd, off64_t *offset, size_t count)
{
	long r;

	real_resolve();
	if (!sendfile_lkl(out_fd, in_fd, offset, count, &r))
		return real.sendfile64(out_fd, in_fd, offset, count);
	return hijack_ret(r);
}

ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
	off64_t off = offset ? *offset : 0;
	long r;

	real_resolve();
	if (!sendfile_lkl(out_fd, in_fd, offset ? &off : NULL, count, &r))
		return real.sendfile(out_fd, in_fd, offset, count);
	if (offset && r >= 0) {
		/* Past what a 32-bit off_t holds: as the host's sendfile(). */
		if ((off_t)off != off)
			return hijack_ret(-EOVERFLOW);
		*offset = (off_t)off;
	}
	return hijack_ret(r);
}

/*
 * splice() between a host pipe and an LKL socket.  The two kernels share
 * no pipe, so the data passes through a buffer here, and nothing may be
 * lost on the way: what is taken from the pipe is all sent (waiting for
 * the socket if it must), and what is taken from the socket is at most
 * what the pipe has room for.  Anything else with an LKL fd (no pipe,
 * or offsets) is refused as the host refuses it.
 */
#define SPLICE_CHUNK	(64 * 1024)

static int pipe_room(int pipe_fd, int nonblock)
{
	struct pollfd p = { .fd = pipe_fd, .events = POLLOUT };
	int size, queued;

	for (;;) {
		size = real.fcntl(pipe_fd, F_GETPIPE_SZ);
		if (size < 0 || real.ioctl(pipe_fd, FIONREAD, &queued))
			return -EINVAL;		/* not a pipe */
		if (size > queued)
			return size - queued;
		if (nonblock)
			return -EAGAIN;
		if (real.poll(&p, 1, -1) < 0)
			return -errno;
	}
}

static long splice_from_lkl(int in_lfd, int pipe_fd, size_t len,
			    unsigned int flags)
{
	int nonblock = (flags & SPLICE_F_NONBLOCK) ||
		       (real.fcntl(pipe_fd, F_GETFL) & O_NONBLOCK);
	int room = pipe_room(pipe_fd, nonblock);
	struct msghdr m = { 0 };
	struct iovec iov;
	char *buf;
	long n, w, done = 0;

	if (room < 0)
		return room;
	iov.iov_len = len < (size_t)room ? len : (size_t)room;
	if (iov.iov_len > SPLICE_CHUNK)
		iov.iov_len = SPLICE_CHUNK;
	buf = malloc(iov.iov_len);
	if (!buf)
		return -ENOMEM;
	iov.iov_base = buf;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	/* SPLICE_F_NONBLOCK is the pipe's: the socket's own O_NONBLOCK rules. */
	n = hijack_recvmsg(in_lfd, &m, 0);
	while (n > 0 && done < n) {
		w = real.write(pipe_fd, buf + done, (size_t)(n - done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;		/* the pipe's reader is gone */
		done += w;
	}
	free(buf);
	return n > 0 && !done ? -errno : n;
}

static long splice_to_lkl(int pipe_fd, int out_lfd, size_t len,
			  unsigned int flags)
{
	struct pollfd p = { .fd = pipe_fd, .events = POLLIN };
	struct iovec iov;
	char *buf;
	long n, r = 0, done = 0;

	if (flags & SPLICE_F_NONBLOCK && real.poll(&p, 1, 0) == 0)
		return -EAGAIN;
	buf = malloc(SPLICE_CHUNK);
	if (!buf)
		return -ENOMEM;
	n = real.read(pipe_fd, buf, len < SPLICE_CHUNK ? len : SPLICE_CHUNK);
	if (n < 0)
		r = -errno;
	while (n > 0 && done < n) {
		iov.iov_base = buf + done;
		iov.iov_len = (size_t)(n - done);
		r = rw(out_lfd, &iov, 1, 1);
		if (r == -EAGAIN)
			r = hijack_block(out_lfd, POLLOUT);
		else if (r > 0)
			done += r;
		if (r < 0 && r != -EAGAIN)
			break;
	}
	free(buf);
	return done ? done : n <= 0 ? (n < 0 ? r : 0) : r;
}

ssize_t splice(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out,
	       size_t len, unsigned int flags)
{
	int in_l, out_l, host_fd;

	real_resolve();
	in_l = fd_route(fd_in);
	out_l = fd_route(fd_out);
	if (in_l == FD_HOST && out_l == FD_HOST)
		return real.splice(fd_in, off_in, fd_out, off_out, len, flags);
	if (in_l == FD_DEAD || out_l == FD_DEAD)
		return hijack_ret(-EBADF);
	/* The host kernel's order: the pipe's offset, the other's, len. */
	host_fd = in_l >= 0 ? fd_out : fd_in;
	if ((in_l >= 0 && out_l >= 0) || real.fcntl(host_fd, F_GETPIPE_SZ) < 0)
		return hijack_ret(-EINVAL);	/* no pipe */
	if (in_l >= 0 ? off_out != NULL : off_in != NULL)
		return hijack_ret(-ESPIPE);	/* an offset on the pipe */
	if (in_l >= 0 ? off_in != NULL : off_out != NULL)
		return hijack_ret(-EINVAL);	/* one on the socket */
	if (!len)
		return 0;
	if (in_l >= 0)
		return hijack_ret(splice_from_lkl(in_l, fd_out, len, flags));
	return hijack_ret(splice_to_lkl(fd_in, out_l, len, flags));
}
