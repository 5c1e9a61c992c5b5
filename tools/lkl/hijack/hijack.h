/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hijack.h - what the files of liblkl-hijack.so share: the host libc's
 * own functions, the fd table, blocking on LKL fds, the kernel's start.
 */
#ifndef LKL_HIJACK_H
#define LKL_HIJACK_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- The host libc's functions (real.c) ---- */

/*
 * The definitions that the hijacked calls would have reached without
 * us, found with dlsym(RTLD_NEXT), typed after libc's own declarations.
 * Host fds always go there.
 */
struct hijack_real {
	__typeof__(socket) *socket;
	__typeof__(socketpair) *socketpair;
	__typeof__(bind) *bind;
	__typeof__(listen) *listen;
	__typeof__(accept) *accept;
	__typeof__(accept4) *accept4;
	__typeof__(connect) *connect;
	__typeof__(send) *send;
	__typeof__(sendto) *sendto;
	__typeof__(sendmsg) *sendmsg;
	__typeof__(sendmmsg) *sendmmsg;
	__typeof__(recv) *recv;
	__typeof__(recvfrom) *recvfrom;
	__typeof__(recvmsg) *recvmsg;
	__typeof__(recvmmsg) *recvmmsg;
	__typeof__(shutdown) *shutdown;
	__typeof__(getsockopt) *getsockopt;
	__typeof__(setsockopt) *setsockopt;
	__typeof__(getsockname) *getsockname;
	__typeof__(getpeername) *getpeername;
	__typeof__(read) *read;
	__typeof__(write) *write;
	__typeof__(readv) *readv;
	__typeof__(writev) *writev;
	__typeof__(close) *close;
	__typeof__(dup) *dup;
	__typeof__(dup2) *dup2;
	__typeof__(dup3) *dup3;
	__typeof__(fcntl) *fcntl;
	__typeof__(ioctl) *ioctl;
	__typeof__(sendfile) *sendfile;
	__typeof__(sendfile64) *sendfile64;
	__typeof__(splice) *splice;
	__typeof__(poll) *poll;
	__typeof__(ppoll) *ppoll;
	__typeof__(select) *select;
	__typeof__(pselect) *pselect;
	__typeof__(epoll_create) *epoll_create;
	__typeof__(epoll_create1) *epoll_create1;
	__typeof__(epoll_ctl) *epoll_ctl;
	__typeof__(epoll_wait) *epoll_wait;
	__typeof__(epoll_pwait) *epoll_pwait;
	__typeof__(fork) *fork;
	__typeof__(sigaction) *sigaction;
	int (*close_range)(unsigned int first, unsigned int last, int flags);
	void (*closefrom)(int lowfd);
};

extern struct hijack_real real;

/* Resolve every entry of @real; idempotent, safe before the constructor. */
void real_resolve(void);

/* ---- Configuration (config.c) and the kernel's life (init.c) ---- */

/*
 * Whether sockets of address family @family go to LKL (1) or stay on
 * the host (0): AF_UNIX and AF_PACKET stay on the host unless
 * LKL_HIJACK_HOST_FAMILIES says otherwise.
 */
int config_family_is_lkl(int family);

/* Parse the environment; on a bad value print why and exit. */
void config_load(void);

/* Add the network devices, before boot; 0 or a message in @err. */
int config_add_devices(char *err, size_t len);

/* The boot command line into @buf: 0, or -ERANGE if it does not fit. */
int config_boot_cmdline(char *buf, size_t len);

/* Microseconds to wait before main() (the JSON's "delay_main"). */
unsigned int config_delay_main(void);

/* Print the JSON's "dump" files from LKL on stderr (before halt). */
void config_dump(void);

/* Configure the running kernel; 0 or a message in @err. */
int config_apply(char *err, size_t len);

/* In a fork's child: the parent keeps the network devices. */
void config_forked_child(void);

/*
 * Whether a fork's child uses the parent's kernel (proxy.c), as by
 * default, or one of its own (LKL_HIJACK_FORK=new: fork.c).
 */
int config_fork_shares(void);

/*
 * Whether TCP sockets are made MPTCP ones (LKL_HIJACK_MPTCP, or the
 * JSON's "hijack_mptcp").
 */
int config_mptcp(void);

/*
 * Microseconds a thread that would block asks LKL again without
 * blocking (yielding the CPU in between) before it waits in the host
 * (LKL_HIJACK_SPIN_US, default 100).
 */
unsigned int config_spin_us(void);

/* Seconds to wait at exit for LKL's sockets to send what they hold. */
unsigned int config_exit_linger(void);

/* LKL_HIJACK_DEBUG: print what the hijack does on stderr. */
extern int hijack_debug;
void hijack_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Start the kernel if it is not running yet.  Returns 0 when it runs,
 * ENETDOWN when it cannot: after a failed start (the program was told
 * and is exiting).
 */
int hijack_boot(void);

/* Whether the kernel runs (or, in a fork's child, the root's does). */
int hijack_running(void);

/*
 * Whether this thread is starting the kernel: the host library's own
 * sockets then (the raw backend's AF_PACKET one) must be the host's,
 * whatever LKL_HIJACK_HOST_FAMILIES says.
 */
int hijack_booting(void);

/* ---- The fd table (fdtable.c) ---- */

/* Per LKL fd: shared by the host fds that dup() made of one socket. */
struct lkl_file {
	atomic_int refs;	/* host fds that point here */
	atomic_int nonblock;	/* O_NONBLOCK as the program set it */
	int type;		/* SOCK_STREAM, SOCK_DGRAM, ... */
};

/* Size the tables; called by the constructor. */
void fdt_init(void);

/* The tables are this process's (constructor, fork child). */
void fdt_set_owner(void);

/* Host fds 0..fdt_size()-1 can be LKL fds. */
int fdt_size(void);

/*
 * The LKL fd behind host fd @fd, or -1 when @fd is the host's own.
 * Lock-free: every wrapped call asks it first.
 */
int fdt_lkl(int fd);

/* The file of LKL fd @lfd (which must be in the table). */
struct lkl_file *fdt_file(int lfd);

/*
 * Give the new LKL socket @lfd (of @type) a host fd: returns the host fd
 * or -errno, after closing @lfd.  @nonblock is the program's O_NONBLOCK,
 * @cloexec the host fd's FD_CLOEXEC.
 */
int fdt_install(int lfd, int type, int nonblock, int cloexec);

/* close(), dup(), dup2()/dup3() (@flags: O_CLOEXEC) and F_DUPFD. */
int fdt_close(int fd);
/* Forget host fds @first..@last (close_range(), closefrom()). */
void fdt_forget_range(unsigned int first, unsigned int last);
int fdt_dup(int fd, int min, int cloexec);
int fdt_dup3(int oldfd, int newfd, int flags);

/* Where fd @fd's calls go: its LKL fd (>= 0), the host, or EBADF. */
#define FD_HOST		(-1)
#define FD_DEAD		(-2)
int fd_route(int fd);

/*
 * In a wrapper: the LKL fd of @fd into lfd, or return the host's call
 * @host_call for a host fd, or fail with EBADF.
 */
#define ROUTE(fd, host_call)						\
	int lfd;							\
	real_resolve();							\
	lfd = fd_route(fd);						\
	if (lfd == FD_HOST)						\
		return host_call;					\
	if (lfd == FD_DEAD) {						\
		errno = EBADF;						\
		return -1;						\
	}

/* The tables, kept across fork_reset_child() (which resets statics). */
struct fdt_saved {
	void *fd_map, *files, *orphans;
	int fd_max, fd_high;
};
void fdt_save(struct fdt_saved *s);
void fdt_restore(const struct fdt_saved *s);

/* Forget every LKL fd: their host fds stay, but return EBADF (fork). */
void fdt_orphan_all(void);
/* Nonzero in the child of a fork of a process whose kernel ran. */
extern int hijack_forked;

/* In a fork's child: LKL fd lfd becomes @map(lfd) (see proxy.c). */
void fdt_remap(int (*map)(int lfd));

/* Whether host fd @fd was an LKL fd before fdt_orphan_all(). */
int fdt_is_orphan(int fd);

/* Call @fn for each LKL fd in the table (at exit). */
void fdt_for_each(void (*fn)(int fd, int lfd));

/* ---- Signals (signal.c) ---- */

/* Around LKL calls of an application thread: handlers wait until leave. */
void hijack_lkl_enter(void);
void hijack_lkl_leave(void);

/* Handlers run by this thread, to tell whether a wait was interrupted. */
struct sig_mark {
	unsigned int runs, norestart;
};
void hijack_sig_mark(struct sig_mark *m);
/*
 * -EINTR if a handler ran since @m: one without SA_RESTART, or any when
 * the wait is not @restartable; else 0.
 */
int hijack_sig_since(const struct sig_mark *m, int restartable);

/* The program's handlers, kept across fork_reset_child(). */
struct signal_saved {
	struct sigaction app[65];
	unsigned char wrapped[65];
};
void signal_save(struct signal_saved *s);
void signal_restore(const struct signal_saved *s);

/* ---- fork() (fork.c) ---- */

/*
 * Copy this .so's writable segment, as it is before the hijack's first
 * act (real_resolve() calls it); once.
 */
void fork_snapshot(void);

/*
 * In the child of a fork of a process whose kernel ran: put the
 * segment back, orphan the LKL fds; the next LKL socket boots afresh.
 */
void fork_reset_child(void);

/* ---- fork()'s child served by the parent's kernel (proxy.c) ---- */

/*
 * Whether this process's LKL calls go to the root's kernel: read on
 * every LKL call, so a variable rather than a call.
 */
extern int proxy_remote_calls;
static inline int proxy_remote(void)
{
	return proxy_remote_calls;
}
/* The kernel booted: serve the programs forked or executed from now. */
void proxy_root_start(void);
/* A new program: find the family of the process that started it. */
void proxy_env_check(void);
/* First LKL call: use the family's kernel (1), or boot one's own (0). */
int proxy_attach(void);
/* Make LKL call @no in the root's kernel; its result or -ENETDOWN. */
long proxy_call(long no, long *params);
/* This thread is inside the hijack's fork(). */
int proxy_forking(void);
/* The process exits: close its channels to the root. */
void proxy_exit(void);
/*
 * Host fds the hijack holds for itself (the channels): the program's
 * close() of one does nothing, close_range() goes around them.
 */
int proxy_reserved(int fd);
int proxy_close_range(unsigned int first, unsigned int last, int flags);

/* ---- Socket transfers (socket.c), blocking as the program expects ---- */

/* sendmsg()/recvmsg() on LKL fd @lfd; the result or -errno. */
long hijack_sendmsg(int lfd, const struct msghdr *msg, int flags);
long hijack_recvmsg(int lfd, struct msghdr *msg, int flags);

/* ---- poll, select, epoll (poll.c) ---- */

/* Host fd @fd is closed or replaced: forget its LKL epoll, if any. */
void epoll_fd_closed(int fd);
/* Whether host fd @fd is an epoll instance poll.c knows. */
int epoll_tracked(int fd);
/* For fork(): each epoll's LKL fd becomes @fn(it). */
void epoll_map_lkl(int (*fn)(int lfd));

/* ---- Blocking on LKL fds (wait.c) ---- */

/*
 * Block the calling thread until one of the @nlkl LKL fds (struct
 * pollfd with LKL fd numbers) or of the @nhost host fds is ready, or
 * @timeout_ms (-1: none) passes.  The thread blocks in the host kernel,
 * never in LKL, so that signals interrupt it as they would a host call:
 * with @restart and no host fds and no timeout, a handler installed with
 * SA_RESTART lets the wait go on, as the host kernel restarts a read();
 * otherwise a handled signal ends it with -EINTR.  @mask, if not NULL,
 * is the signal mask while it waits (ppoll()'s).  Fills every revents
 * and returns how many fds are ready, 0 on timeout, or -errno.
 */
int hijack_wait(struct pollfd *lkl, int nlkl, struct pollfd *host, int nhost,
		int timeout_ms, int restart, const sigset_t *mask);

/*
 * Wait as a blocking call on LKL fd @lfd would, for @events: with the
 * socket's SO_RCVTIMEO (POLLIN) or SO_SNDTIMEO (POLLOUT).  Returns 0
 * (ready: try again), -EAGAIN (timed out) or -EINTR.
 */
int hijack_block(int lfd, short events);

/*
 * Start a detached thread running @fn(@arg) with every signal blocked
 * (the program's handlers run on its own threads): 0 or an errno.
 */
int hijack_thread_start(void *(*fn)(void *), void *arg);

/* In a fork's child: drop this thread's waiters (their threads are gone). */
void wait_forget_all(void);

/* Milliseconds and microseconds from a monotonic clock. */
long long hijack_now_ms(void);
long long hijack_now_us(void);

/* Set errno from a negative LKL result and return -1; else return @r. */
static inline long hijack_ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

#endif /* LKL_HIJACK_H */
