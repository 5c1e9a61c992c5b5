// SPDX-License-Identifier: GPL-2.0
/*
 * fork(): the child keeps using its parent's kernel.
 *
 * A child of fork() has a copy of the kernel's memory but none of its
 * threads, so that copy cannot run.  Instead the child sends each LKL
 * call to the process whose kernel runs (the "root": the process that
 * booted it), where a thread makes the call for it:
 *
 *   child thread                        root
 *   channel (a host socketpair) ---->   a serving thread per channel:
 *   {nr, 6 args} ------------------->   lkl_syscall(nr, args) with the
 *                                       child's memory as user memory
 *   result <-------------------------   (process_vm_readv/writev)
 *
 * The kernel copies from and to the child's memory itself, through
 * lkl_set_user_memory(), so every call works as it is, pointers and
 * all.  Each thread of the child has its own channel, so a call that
 * blocks in one (a waiter's ppoll) holds up no other.
 *
 * File descriptors: all processes share the root kernel's fd table.
 * Like the host kernel, fork() gives the child its own references to
 * the parent's open files: before forking, the parent dup()s each of
 * its LKL fds, and the child uses the duplicates.  The parent may then
 * close its own (a server that forks per connection closes the accepted
 * socket) and the child's stay open.  The root knows which fds each
 * process holds (those it made, less those it closed) and closes them
 * when that process ends, however it ends (a pidfd tells it).
 *
 * New channels are asked for on one control socket that every process
 * of the family inherits: a message names the process and carries the
 * new channel's fd.  The first one of a child also claims the fds the
 * parent duplicated for it, and carries a probe (an address and the
 * value there) that the root reads back: where it cannot read the
 * child's memory (no permission; an emulator that moves addresses), the
 * child falls back to a kernel of its own (fork.c), loopback only.
 *
 * Programs started by the family (fork() and exec, posix_spawn(), a
 * shell in between) find the root too: the children's end of the
 * control socket stays open across exec, and LKL_HIJACK_ROOT ("fd:pid")
 * names it.  A new program whose constructor finds that fd still
 * connected to that pid uses the root's kernel (it inherits no LKL fds:
 * those close on exec).  Otherwise it boots its own, as any hijacked
 * program does.
 *
 * The family exists from the root's first fork() or boot, whichever
 * comes first, and its kernel starts on the first LKL call of any of
 * its members: a server that forks its workers before it opens a
 * socket, or a shell whose commands are hijacked, share one kernel.
 *
 * When the root exits, its kernel goes with it: the calls of children
 * still running fail with ENETDOWN from then on.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl/linux/fcntl.h>

#include "hijack.h"

/* ---- What the processes send each other ---- */

struct call_req {
	long no;
	long params[6];
};

enum { MSG_CHANNEL, MSG_HELLO };

struct ctl_msg {
	int type;		/* MSG_* */
	pid_t pid;		/* the sender */
	unsigned long probe;	/* MSG_HELLO: an address in the sender... */
	long probe_val;		/* ...and what it holds */
	int nclaims;		/* MSG_HELLO: LKL fds that are the sender's */
	int claims[];
};

#define ROOT_ENV	"LKL_HIJACK_ROOT"
#define CTL_MSG_MAX	(64 * 1024)
#define CLAIMS_MAX	((int)((CTL_MSG_MAX - sizeof(struct ctl_msg)) / sizeof(int)))

/* ---- State, kept across fork() (the child's copy is its own) ---- */

int proxy_remote_calls;		/* this process uses the root's kernel */
static int ctl_fd = -1;		/* the family's control socket: our end */
static int ctl_root_fd = -1;	/* the root's end (the root only) */
static long probe_word = (long)0x4c4b4c70726f6265LL;	/* any value */

/* Every channel of this process, to close them in a fork's child. */
static pthread_mutex_t chan_lock = PTHREAD_MUTEX_INITIALIZER;
static int *chans;
static int nchans, chans_cap;
static __thread int chan = -1;
static pthread_key_t chan_key;
static pthread_once_t chan_key_once = PTHREAD_ONCE_INIT;

/* This thread is in the fork() below: init.c's handler leaves us be. */
static __thread int forking;


int proxy_forking(void)
{
	return forking;
}

/* ---- Host fds of our own, which the program must not close ---- */

static unsigned char *reserved;	/* by host fd */

static void reserve(int fd, int on)
{
	if (!reserved) {
		reserved = mmap(NULL, (size_t)fdt_size(), PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				-1, 0);
		if (reserved == MAP_FAILED) {
			reserved = NULL;
			return;
		}
	}
	if (fd >= 0 && fd < fdt_size())
		reserved[fd] = (unsigned char)on;
}

int proxy_reserved(int fd)
{
	return reserved && fd >= 0 && fd < fdt_size() && reserved[fd];
}

int proxy_close_range(unsigned int first, unsigned int last, int flags)
{
	unsigned int fd, from = first, top = (unsigned int)fdt_size();
	int r = 0;

	for (fd = first; fd <= last && fd < top && reserved; fd++) {
		if (!reserved[fd])
			continue;
		if (fd > from && real.close_range(from, fd - 1, flags))
			r = -1;
		from = fd + 1;
	}
	if (from <= last && from >= first && real.close_range(from, last, flags))
		r = -1;
	return r;
}

/* ---- Plain host I/O, whole messages, through signals ---- */

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = real.write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1 when all of @len came, 0 at end of file, -1 on error. */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = real.read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 && p == buf ? 0 : -1;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/* Send @msg of @len bytes and the fd @fd on the control socket. */
static int ctl_send(const struct ctl_msg *msg, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do {
		n = real.sendmsg(ctl_fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* ---- The child's side: calls sent to the root ---- */

static void chan_release(void *arg)
{
	int fd = (int)(long)arg - 1, i;

	pthread_mutex_lock(&chan_lock);
	for (i = 0; i < nchans; i++) {
		if (chans[i] == fd) {
			chans[i] = chans[--nchans];
			break;
		}
	}
	pthread_mutex_unlock(&chan_lock);
	reserve(fd, 0);
	real.close(fd);
}

static void chan_key_create(void)
{
	if (pthread_key_create(&chan_key, chan_release)) {
		fprintf(stderr, "lkl-hijack: pthread_key_create failed\n");
		abort();
	}
}

/*
 * A channel for this thread: sends @msg (@len bytes) with its far end
 * on the control socket, then waits for the root's word on it.
 */
static int chan_open(struct ctl_msg *msg, size_t len)
{
	int sv[2], *grown;
	long word;

	pthread_once(&chan_key_once, chan_key_create);
	if (real.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	msg->pid = getpid();
	if (ctl_send(msg, len, sv[1])) {
		real.close(sv[0]);
		real.close(sv[1]);
		return -ENETDOWN;
	}
	real.close(sv[1]);
	if (read_all(sv[0], &word, sizeof(word)) != 1 || word) {
		real.close(sv[0]);
		return word ? (int)word : -ENETDOWN;
	}
	pthread_mutex_lock(&chan_lock);
	if (nchans == chans_cap) {
		grown = realloc(chans, sizeof(*chans) * (size_t)(chans_cap + 16));
		if (!grown) {
			pthread_mutex_unlock(&chan_lock);
			real.close(sv[0]);
			return -ENOMEM;
		}
		chans = grown;
		chans_cap += 16;
	}
	chans[nchans++] = sv[0];
	pthread_mutex_unlock(&chan_lock);
	reserve(sv[0], 1);
	chan = sv[0];
	pthread_setspecific(chan_key, (void *)(long)(chan + 1));
	return 0;
}

long proxy_call(long no, long *params)
{
	struct ctl_msg msg = { .type = MSG_CHANNEL };
	struct call_req req;
	long r;

	if (chan < 0 && chan_open(&msg, sizeof(msg)))
		return -ENETDOWN;
	req.no = no;
	memcpy(req.params, params, sizeof(req.params));
	if (write_all(chan, &req, sizeof(req)) ||
	    read_all(chan, &r, sizeof(r)) != 1)
		return -ENETDOWN;
	return r;
}

/* The process exits: its channels go; the root closes its fds. */
void proxy_exit(void)
{
	int i;

	pthread_mutex_lock(&chan_lock);
	for (i = 0; i < nchans; i++)
		real.close(chans[i]);
	nchans = 0;
	pthread_mutex_unlock(&chan_lock);
	chan = -1;
}

/* ---- The root's side: serving the children ---- */

/*
 * Which process holds each LKL fd; 0: the root (not tracked).  Which
 * are eventfds: a child's waiter thread (wait.c) may be blocked in a
 * ppoll() in the root when the child dies, and only its eventfd being
 * written ends that call (closing an fd wakes no one).
 */
static pid_t *owner;
static unsigned char *is_eventfd;
static int owner_top;		/* above every fd a child ever held */
static pthread_mutex_t owner_lock = PTHREAD_MUTEX_INITIALIZER;

static void own(int lfd, pid_t pid, int eventfd)
{
	if (lfd < 0 || lfd >= fdt_size())
		return;
	pthread_mutex_lock(&owner_lock);
	if (pid && lfd >= owner_top)
		owner_top = lfd + 1;
	owner[lfd] = pid;
	is_eventfd[lfd] = (unsigned char)eventfd;
	pthread_mutex_unlock(&owner_lock);
}

struct served {
	int fd;			/* the channel */
	pid_t pid;		/* the process at its other end */
};

static unsigned long mem_read(void *data, void *dst, const void *src,
			      unsigned long n)
{
	const struct served *s = data;
	struct iovec local = { dst, n }, far = { (void *)src, n };
	ssize_t r = syscall(SYS_process_vm_readv, s->pid, &local, 1UL, &far,
			    1UL, 0UL);

	return r < 0 ? n : n - (unsigned long)r;
}

static unsigned long mem_write(void *data, void *dst, const void *src,
			       unsigned long n)
{
	const struct served *s = data;
	struct iovec local = { (void *)src, n }, far = { dst, n };
	ssize_t r = syscall(SYS_process_vm_writev, s->pid, &local, 1UL, &far,
			    1UL, 0UL);

	return r < 0 ? n : n - (unsigned long)r;
}

/* Keep @owner up to date with what call @req of @s did (result @r). */
static void track(const struct served *s, const struct call_req *req, long r)
{
	int two[2];

	if (r < 0)
		return;
	switch (req->no) {
	case __lkl__NR_close:
		own((int)req->params[0], 0, 0);
		return;
	case __lkl__NR3264_fcntl:	/* fcntl, or fcntl64 on 32-bit hosts */
		if (req->params[1] != LKL_F_DUPFD &&
		    req->params[1] != LKL_F_DUPFD_CLOEXEC)
			return;
		break;
	case __lkl__NR_socket:
	case __lkl__NR_accept4:
	case __lkl__NR_dup:
	case __lkl__NR_dup3:
	case __lkl__NR_epoll_create1:
	case __lkl__NR_eventfd2:
	case __lkl__NR_openat:
#ifdef __lkl__NR_accept
	case __lkl__NR_accept:
#endif
		break;
	case __lkl__NR_socketpair:
	case __lkl__NR_pipe2:
		if (mem_read((void *)s, two,
			     (void *)req->params[req->no == __lkl__NR_pipe2 ?
						 0 : 3], sizeof(two)))
			return;
		own(two[0], s->pid, 0);
		own(two[1], s->pid, 0);
		return;
	default:
		return;
	}
	own((int)r, s->pid, req->no == __lkl__NR_eventfd2);
}

static void *serve(void *arg)
{
	struct served *s = arg;
	struct lkl_user_memory mem = { mem_read, mem_write, s };
	struct call_req req;
	long r;

	while (read_all(s->fd, &req, sizeof(req)) == 1) {
		lkl_set_user_memory(&mem);
		r = lkl_syscall(req.no, req.params);
		lkl_set_user_memory(NULL);
		track(s, &req, r);
		if (write_all(s->fd, &r, sizeof(r)))
			break;
	}
	real.close(s->fd);
	free(s);
	return NULL;
}

/* Start a thread serving channel @fd of @pid; the channel is told. */
static void serve_start(int fd, pid_t pid)
{
	struct served *s = malloc(sizeof(*s));
	long word = 0;

	if (!s) {
		word = -ENOMEM;
		goto out;
	}
	s->fd = fd;
	s->pid = pid;
	if (hijack_thread_start(serve, s)) {
		free(s);
		word = -EAGAIN;
	}
out:
	write_all(fd, &word, sizeof(word));
	if (word)
		real.close(fd);
}

/* The processes served, each with a pidfd that tells when it ends. */
static struct pollfd *watch;	/* watch[0]: the control socket */
static pid_t *watch_pid;
static int nwatch, watch_cap;

static void watch_add(pid_t pid)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	void *p, *q;

	if (pfd < 0) {
		hijack_log("no pidfd for process %d: its LKL fds stay open after it ends",
			   (int)pid);
		return;
	}
	if (nwatch == watch_cap) {
		p = realloc(watch, sizeof(*watch) * (size_t)(watch_cap + 16));
		if (p)
			watch = p;
		q = realloc(watch_pid,
			    sizeof(*watch_pid) * (size_t)(watch_cap + 16));
		if (q)
			watch_pid = q;
		if (!p || !q) {
			real.close(pfd);
			return;
		}
		watch_cap += 16;
	}
	watch[nwatch].fd = pfd;
	watch[nwatch].events = POLLIN;
	watch[nwatch].revents = 0;	/* the loop reads it before poll() */
	watch_pid[nwatch++] = pid;
}

/* Process @pid ended: wake its waiters, close what it held. */
static void reap(pid_t pid)
{
	unsigned long long one = 1;
	int lfd;

	pthread_mutex_lock(&owner_lock);
	for (lfd = 0; lfd < owner_top; lfd++) {
		if (owner[lfd] != pid)
			continue;
		if (is_eventfd[lfd])
			lkl_sys_write(lfd, (char *)&one, sizeof(one));
		owner[lfd] = 0;
		is_eventfd[lfd] = 0;
		lkl_sys_close(lfd);
	}
	pthread_mutex_unlock(&owner_lock);
}

/* A child's first channel: check that we reach its memory, then own. */
static long hello(struct ctl_msg *m, size_t len)
{
	struct served probe = { -1, m->pid };
	long val = 0;
	int i;

	if (len < sizeof(*m) || m->nclaims < 0 || m->nclaims > CLAIMS_MAX ||
	    len < sizeof(*m) + sizeof(int) * (size_t)m->nclaims)
		return -EINVAL;
	/* The family's first use of LKL: the kernel starts here. */
	if (hijack_boot())
		return -ENETDOWN;
	if (mem_read(&probe, &val, (void *)m->probe, sizeof(val)) ||
	    val != m->probe_val) {
		hijack_log("cannot read process %d's memory: it gets a kernel of its own",
			   (int)m->pid);
		for (i = 0; i < m->nclaims; i++)
			lkl_sys_close(m->claims[i]);
		return -EPERM;
	}
	for (i = 0; i < m->nclaims; i++)
		own(m->claims[i], m->pid, 0);
	watch_add(m->pid);
	return 0;
}

static void ctl_receive(void)
{
	static char buf[CTL_MSG_MAX];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct ctl_msg *m = (struct ctl_msg *)buf;
	struct cmsghdr *c;
	ssize_t n;
	long word;
	int fd = -1;

	n = real.recvmsg(ctl_root_fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return;
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd < 0)
		return;
	if ((size_t)n < sizeof(*m)) {
		real.close(fd);
		return;
	}
	if (m->type == MSG_HELLO) {
		word = hello(m, (size_t)n);
		if (word) {
			write_all(fd, &word, sizeof(word));
			real.close(fd);
			return;
		}
	}
	serve_start(fd, m->pid);
}

static void *acceptor(void *arg)
{
	int i;

	(void)arg;
	for (;;) {
		if (real.poll(watch, (nfds_t)nwatch, -1) < 0)
			continue;
		if (watch[0].revents)
			ctl_receive();
		for (i = 1; i < nwatch; i++) {
			if (!watch[i].revents)
				continue;
			reap(watch_pid[i]);
			real.close(watch[i].fd);
			watch[i] = watch[--nwatch];
			watch_pid[i] = watch_pid[nwatch];
			i--;
		}
	}
	return NULL;
}

/* The root's first fork: the control socket and its acceptor thread. */
static int root_start(void)
{
	char env[32];
	int sv[2];

	owner = mmap(NULL, sizeof(*owner) * (size_t)fdt_size(),
		     PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	is_eventfd = mmap(NULL, (size_t)fdt_size(), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (owner == MAP_FAILED || is_eventfd == MAP_FAILED)
		return -ENOMEM;
	if (real.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	watch_cap = 16;
	watch = calloc((size_t)watch_cap, sizeof(*watch));
	watch_pid = calloc((size_t)watch_cap, sizeof(*watch_pid));
	if (!watch || !watch_pid)
		goto fail;
	watch[0].fd = sv[0];
	watch[0].events = POLLIN;
	nwatch = 1;
	ctl_root_fd = sv[0];
	ctl_fd = sv[1];
	if (hijack_thread_start(acceptor, NULL))
		goto fail;
	reserve(sv[0], 1);
	reserve(sv[1], 1);
	/* Programs executed later reach us through sv[1] (see above). */
	snprintf(env, sizeof(env), "%d:%d", sv[1], (int)getpid());
	if (real.fcntl(sv[1], F_SETFD, 0) || setenv(ROOT_ENV, env, 1))
		hijack_log("programs this one executes cannot use its kernel: %s",
			   strerror(errno));
	return 0;
fail:
	free(watch);
	free(watch_pid);
	real.close(sv[0]);
	real.close(sv[1]);
	ctl_fd = ctl_root_fd = -1;
	return -ENOMEM;
}

void proxy_root_start(void)
{
	int r;

	if (proxy_remote_calls || ctl_fd >= 0)
		return;
	r = root_start();
	if (r)
		hijack_log("cannot serve forked or executed programs (%s): they get kernels of their own",
			   strerror(-r));
}

/*
 * A new program: if LKL_HIJACK_ROOT names the control socket of a live
 * root (the fd is there, and its peer is that process), join its family.
 */
void proxy_env_check(void)
{
	const char *v = getenv(ROOT_ENV);
	struct ucred cred;
	socklen_t len = sizeof(cred), tlen;
	int fd, pid, type = 0;

	tlen = sizeof(type);
	if (!v || sscanf(v, "%d:%d", &fd, &pid) != 2 || fd < 0 ||
	    real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) ||
	    type != SOCK_SEQPACKET ||
	    real.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.pid != pid || pid == getpid())
		return;
	ctl_fd = fd;
	reserve(fd, 1);
}

/*
 * On this process's first LKL call: use the kernel of the family's root
 * (which starts it if it has not yet).  1 if so, 0 if this process is
 * no member, or is the root, or the root cannot serve it (gone, or
 * cannot reach our memory): it then boots a kernel of its own.
 */
int proxy_attach(void)
{
	struct ctl_msg m = { .type = MSG_HELLO };

	if (proxy_remote_calls)
		return 1;
	if (ctl_fd < 0 || ctl_root_fd >= 0)
		return 0;
	m.probe = (unsigned long)&probe_word;
	m.probe_val = probe_word;
	proxy_remote_calls = 1;
	if (chan_open(&m, sizeof(m))) {
		proxy_remote_calls = 0;
		reserve(ctl_fd, 0);
		ctl_fd = -1;
		hijack_log("the kernel of this program's family cannot serve it: it boots one of its own");
		return 0;
	}
	hijack_log("using the kernel of this program's family");
	return 1;
}

/* In a child: the root's end of the control socket is the root's. */
static void child_unroot(void)
{
	if (ctl_root_fd < 0)
		return;
	reserve(ctl_root_fd, 0);
	real.close(ctl_root_fd);
	ctl_root_fd = -1;
}

/* ---- fork() ---- */

/* The parent's LKL fds and the duplicates made for the child. */
struct plan {
	int n, cap;
	int *from, *to;		/* sorted by from */
};

static struct plan *plan_now;	/* for map_fd(), in the child */

static void plan_add(struct plan *p, int lfd)
{
	int lo = 0, hi = p->n, mid;
	int *f, *t;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (p->from[mid] == lfd)
			return;
		if (p->from[mid] < lfd)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p->n == p->cap) {
		f = realloc(p->from, sizeof(int) * (size_t)(p->cap + 64));
		if (f)
			p->from = f;
		t = realloc(p->to, sizeof(int) * (size_t)(p->cap + 64));
		if (t)
			p->to = t;
		if (!f || !t) {
			p->n = -1;
			return;
		}
		p->cap += 64;
	}
	memmove(p->from + lo + 1, p->from + lo, sizeof(int) * (size_t)(p->n - lo));
	p->from[lo] = lfd;
	p->n++;
}

static void plan_add_fd(int fd, int lfd)
{
	(void)fd;
	if (plan_now->n >= 0)
		plan_add(plan_now, lfd);
}

static int plan_add_lfd(int lfd)
{
	if (plan_now->n >= 0)
		plan_add(plan_now, lfd);
	return lfd;
}

static int map_fd(int lfd)
{
	const struct plan *p = plan_now;
	int lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (p->from[mid] == lfd)
			return p->to[mid];
		if (p->from[mid] < lfd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lfd;
}

static void plan_undo(struct plan *p, int upto)
{
	int i;

	for (i = 0; i < upto; i++)
		lkl_sys_close(p->to[i]);
}

static void plan_free(struct plan *p)
{
	free(p->from);
	free(p->to);
	memset(p, 0, sizeof(*p));
}

/* Duplicate every LKL fd of this process, for the child: 0 or -errno. */
static int plan_make(struct plan *p)
{
	long r;
	int i;

	memset(p, 0, sizeof(*p));
	plan_now = p;
	fdt_for_each(plan_add_fd);
	epoll_map_lkl(plan_add_lfd);
	if (p->n < 0 || p->n > CLAIMS_MAX) {
		plan_free(p);
		return -ENOMEM;
	}
	for (i = 0; i < p->n; i++) {
		r = lkl_sys_fcntl(p->from[i], LKL_F_DUPFD_CLOEXEC, 0);
		if (r < 0) {
			plan_undo(p, i);
			plan_free(p);
			return (int)r;
		}
		p->to[i] = (int)r;
	}
	return 0;
}

/* In the child: our own references, the root's kernel. 0 or -errno. */
static int child_start(struct plan *p)
{
	size_t len = sizeof(struct ctl_msg) + sizeof(int) * (size_t)p->n;
	struct ctl_msg *m = calloc(1, len);
	int i, r;

	child_unroot();
	/* The parent's channels are the parent's threads'. */
	for (i = 0; i < nchans; i++) {
		reserve(chans[i], 0);
		real.close(chans[i]);
	}
	nchans = 0;
	chan = -1;
	pthread_mutex_init(&chan_lock, NULL);
	wait_forget_all();
	if (!m)
		return -ENOMEM;
	plan_now = p;
	fdt_remap(map_fd);
	epoll_map_lkl(map_fd);
	hijack_forked = 1;	/* fds left unmapped are dead */
	proxy_remote_calls = 1;
	m->type = MSG_HELLO;
	m->probe = (unsigned long)&probe_word;
	m->probe_val = probe_word;
	m->nclaims = p->n;

	memcpy(m->claims, p->to, sizeof(int) * (size_t)p->n);
	r = chan_open(m, len);
	free(m);
	if (r)
		proxy_remote_calls = 0;
	return r;
}

pid_t fork(void)
{
	struct plan p;
	pid_t pid;
	int r;

	real_resolve();
	if (!config_fork_shares())
		return real.fork();
	if (!proxy_remote_calls && !hijack_running()) {
		/*
		 * No kernel yet: the child will find it (or start it, in the
		 * root) through the control socket.
		 */
		proxy_root_start();
		forking = 1;
		pid = real.fork();
		forking = 0;
		if (!pid)
			child_unroot();
		return pid;
	}
	if (!proxy_remote_calls && ctl_fd < 0)
		return real.fork();	/* proxy_root_start() failed */
	r = plan_make(&p);
	if (r) {
		hijack_log("fork: cannot duplicate the LKL fds (%s): the child gets a kernel of its own",
			   strerror(-r));
		return real.fork();
	}
	pthread_mutex_lock(&chan_lock);
	forking = 1;
	pid = real.fork();
	forking = 0;
	if (pid == 0) {
		r = child_start(&p);
		if (r) {
			hijack_log("fork: the parent's kernel cannot serve this child (%s): it gets a kernel of its own",
				   strerror(-r));
			fork_reset_child();
			fdt_set_owner();
		}
		plan_free(&p);
		return 0;
	}
	pthread_mutex_unlock(&chan_lock);
	if (pid < 0)
		plan_undo(&p, p.n);
	plan_free(&p);
	return pid;
}
