// SPDX-License-Identifier: GPL-2.0
/*
 * poll(), ppoll(), select(), pselect() and epoll over any mix of host
 * and LKL fds.
 *
 * Calls without an LKL fd go to the host untouched.  Otherwise the
 * ready fds of both sides are looked at once without blocking (LKL's
 * ppoll() with a zero timeout, the host's poll() with 0); when none is
 * ready and the timeout allows, the thread blocks in hijack_wait()
 * (wait.c): in the host kernel on the host fds, while its waiter thread
 * blocks in LKL on the LKL fds, whichever side is ready first waking
 * the other.  Signals and the timeout end the wait as the host's poll()
 * would (EINTR, never restarted).
 *
 * An epoll instance is the host's (its fd is a host fd), with an LKL
 * epoll instance beside it for the LKL fds added to it, created on the
 * first one.  epoll_wait() collects ready events from both without
 * blocking (taking turns at which comes first, so that neither side
 * starves the other), and otherwise waits for either epoll fd to become
 * readable as above.  Events keep the program's epoll_data.
 */
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl/linux/time_types.h>

#include "hijack.h"

_Static_assert(sizeof(struct epoll_event) == sizeof(struct lkl_epoll_event),
	       "struct epoll_event and struct lkl_epoll_event differ");
_Static_assert(offsetof(struct epoll_event, data) ==
	       offsetof(struct lkl_epoll_event, data),
	       "struct epoll_event and struct lkl_epoll_event differ");

/*
 * The host's events as LKL's: the same layout (above), but glibc packs
 * its struct on every x86 and the uapi header only on x86-64, so the
 * pointer goes through void * (the kernel copies them bytewise).
 */
static struct lkl_epoll_event *lkl_ev(struct epoll_event *ev)
{
	void *p = ev;

	return p;
}

/* Milliseconds left until @end (-1: no end), at least 0. */
static int left_ms(long long end)
{
	long long now;

	if (end < 0)
		return -1;
	now = hijack_now_ms();
	return now >= end ? 0 : (int)(end - now);
}

static long long end_ms(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : hijack_now_ms() + timeout_ms;
}

static int ts_ms(const struct timespec *ts)
{
	long long ms;

	if (!ts)
		return -1;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -2;
	ms = (long long)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
	return ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* LKL's ppoll() with a zero timeout. */
static long lkl_poll_now(struct pollfd *fds, int n)
{
	struct __lkl__kernel_timespec zero = { 0, 0 };

	return lkl_sys_ppoll((struct lkl_pollfd *)fds, (unsigned int)n, &zero,
			     NULL, 0);
}

/*
 * poll() over @fds, some of them LKL's.  Their pollfds are split into
 * an LKL and a host array, polled, and their revents put back.
 */
static int mixed_poll(struct pollfd *fds, nfds_t n, int timeout_ms,
		      const sigset_t *mask)
{
	long long end = end_ms(timeout_ms), spin_end;
	struct sig_mark m;
	struct pollfd *lkl, *host;
	int *lidx, *hidx, nl = 0, nh = 0, ready = 0, r;
	nfds_t i;

	lkl = malloc(sizeof(*lkl) * n * 2 + sizeof(int) * n * 2 + 1);
	if (!lkl)
		return -ENOMEM;
	host = lkl + n;
	lidx = (int *)(host + n);
	hidx = lidx + n;
	for (i = 0; i < n; i++) {
		int lfd = fds[i].fd < 0 ? FD_HOST : fd_route(fds[i].fd);

		fds[i].revents = 0;
		if (lfd == FD_DEAD) {
			fds[i].revents = POLLNVAL;
			ready++;
		} else if (lfd == FD_HOST) {
			host[nh] = fds[i];
			hidx[nh++] = (int)i;
		} else {
			lkl[nl] = fds[i];
			lkl[nl].fd = lfd;
			lidx[nl++] = (int)i;
		}
	}

	spin_end = hijack_now_us() + (timeout_ms < 0 ||
		timeout_ms * 1000LL > config_spin_us() ? config_spin_us() :
		timeout_ms * 1000LL);
	hijack_sig_mark(&m);
	for (;;) {
		r = (int)lkl_poll_now(lkl, nl);
		if (r >= 0 && hijack_sig_since(&m, 0))
			r = -EINTR;
		if (r >= 0 && nh)
			r = real.poll(host, (nfds_t)nh, 0) < 0 ? -errno : r;
		if (r < 0)
			break;
		for (i = 0; i < (nfds_t)nl; i++)
			r += lkl[i].revents != 0;
		for (i = 0; i < (nfds_t)nh; i++)
			r += host[i].revents != 0;
		if (r || ready || !timeout_ms)
			break;
		if (hijack_now_us() >= spin_end) {
			r = hijack_wait(lkl, nl, host, nh, left_ms(end), 0,
					mask);
			break;
		}
		sched_yield();
	}
	if (r >= 0) {
		for (i = 0; i < (nfds_t)nl; i++)
			fds[lidx[i]].revents = lkl[i].revents;
		for (i = 0; i < (nfds_t)nh; i++)
			fds[hidx[i]].revents = host[i].revents;
		r = 0;
		for (i = 0; i < n; i++)
			r += fds[i].revents != 0;
	}
	free(lkl);
	return r;
}

static int has_lkl_fd(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++)
		if (fds[i].fd >= 0 && fd_route(fds[i].fd) != FD_HOST)
			return 1;
	return 0;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	real_resolve();
	if (!has_lkl_fd(fds, n))
		return real.poll(fds, n, timeout);
	return (int)hijack_ret(mixed_poll(fds, n, timeout < 0 ? -1 : timeout,
					  NULL));
}

int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return poll(fds, n, timeout);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
	  const sigset_t *mask)
{
	int ms;

	real_resolve();
	if (!has_lkl_fd(fds, n))
		return real.ppoll(fds, n, ts, mask);
	ms = ts_ms(ts);
	if (ms == -2)
		return (int)hijack_ret(-EINVAL);
	return (int)hijack_ret(mixed_poll(fds, n, ms, mask));
}

int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		const sigset_t *mask, size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return ppoll(fds, n, ts, mask);
}

/* ---- select() and pselect(), as poll() ---- */

static int sets_have_lkl(int nfds, fd_set *r, fd_set *w, fd_set *e)
{
	int fd;

	for (fd = 0; fd < nfds; fd++) {
		if (!((r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) ||
		      (e && FD_ISSET(fd, e))))
			continue;
		if (fd_route(fd) != FD_HOST)
			return 1;
	}
	return 0;
}

/* The kernel's POLLIN_SET, POLLOUT_SET and POLLEX_SET. */
#define IN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define OUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define EX_SET	(POLLPRI)

static int select_poll(int nfds, fd_set *r, fd_set *w, fd_set *e,
		       int timeout_ms, const sigset_t *mask)
{
	struct pollfd *fds;
	int fd, n = 0, i, res, count = 0;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return -EINVAL;
	fds = malloc(sizeof(*fds) * (size_t)(nfds ? nfds : 1));
	if (!fds)
		return -ENOMEM;
	for (fd = 0; fd < nfds; fd++) {
		short ev = 0;

		if (r && FD_ISSET(fd, r))
			ev |= POLLIN;
		if (w && FD_ISSET(fd, w))
			ev |= POLLOUT;
		if (e && FD_ISSET(fd, e))
			ev |= POLLPRI;
		if (!ev)
			continue;
		fds[n].fd = fd;
		fds[n].events = ev;
		n++;
	}
	res = mixed_poll(fds, (nfds_t)n, timeout_ms, mask);
	for (i = 0; res >= 0 && i < n; i++) {
		if (fds[i].revents & POLLNVAL)
			res = -EBADF;
	}
	if (res >= 0) {
		for (i = 0; i < n; i++) {
			fd = fds[i].fd;
			if (r && FD_ISSET(fd, r) && !(fds[i].revents & IN_SET))
				FD_CLR(fd, r);
			if (w && FD_ISSET(fd, w) && !(fds[i].revents & OUT_SET))
				FD_CLR(fd, w);
			if (e && FD_ISSET(fd, e) && !(fds[i].revents & EX_SET))
				FD_CLR(fd, e);
			count += (r && FD_ISSET(fd, r)) +
				 (w && FD_ISSET(fd, w)) +
				 (e && FD_ISSET(fd, e));
		}
		res = count;
	}
	free(fds);
	return res;
}

/* Linux's select() leaves the time not slept in *@tv. */
int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	long long end;
	int ms = -1, res, left;

	real_resolve();
	if (nfds <= 0 || nfds > FD_SETSIZE || !sets_have_lkl(nfds, r, w, e))
		return real.select(nfds, r, w, e, tv);
	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0)
			return (int)hijack_ret(-EINVAL);
		ms = (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000);
	}
	end = end_ms(ms);
	res = select_poll(nfds, r, w, e, ms, NULL);
	if (tv) {
		left = left_ms(end);
		tv->tv_sec = left / 1000;
		tv->tv_usec = (left % 1000) * 1000;
	}
	return (int)hijack_ret(res);
}

int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e,
	    const struct timespec *ts, const sigset_t *mask)
{
	int ms;

	real_resolve();
	if (nfds <= 0 || nfds > FD_SETSIZE || !sets_have_lkl(nfds, r, w, e))
		return real.pselect(nfds, r, w, e, ts, mask);
	ms = ts_ms(ts);
	if (ms == -2)
		return (int)hijack_ret(-EINVAL);
	return (int)hijack_ret(select_poll(nfds, r, w, e, ms, mask));
}

/* ---- epoll ---- */

struct lkl_epoll {
	atomic_int lkl_epfd;		/* -1 until an LKL fd is added */
	atomic_int host_members;	/* host fds added, less those deleted */
	atomic_int turn;		/* which side epoll_wait() reads first */
};

static struct lkl_epoll **epolls;	/* by host epoll fd */
static pthread_mutex_t epoll_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t epolls_once = PTHREAD_ONCE_INIT;

static void epolls_alloc(void)
{
	void *p = mmap(NULL, sizeof(*epolls) * (size_t)fdt_size(),
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "lkl-hijack: no memory for the epoll table\n");
		_exit(127);
	}
	epolls = p;
}

static struct lkl_epoll *epoll_of(int epfd)
{
	if (!epolls || epfd < 0 || epfd >= fdt_size())
		return NULL;
	return __atomic_load_n(&epolls[epfd], __ATOMIC_ACQUIRE);
}

static int epoll_track(int epfd)
{
	struct lkl_epoll *ep;

	if (epfd < 0)
		return epfd;
	pthread_once(&epolls_once, epolls_alloc);
	if (epfd >= fdt_size())
		return epfd;	/* beyond any LKL fd: it stays the host's */
	ep = calloc(1, sizeof(*ep));
	if (!ep) {
		real.close(epfd);
		errno = ENOMEM;
		return -1;
	}
	atomic_store(&ep->lkl_epfd, -1);
	ep = __atomic_exchange_n(&epolls[epfd], ep, __ATOMIC_ACQ_REL);
	free(ep);
	return epfd;
}

/*
 * For fork(): each epoll's LKL fd becomes @fn(it).  A fork's child
 * shares the parent's epoll instances, as the host kernel's fork()
 * does, through duplicates of their LKL fds (proxy.c).
 */
void epoll_map_lkl(int (*fn)(int lfd))
{
	int fd, lfd;

	for (fd = 0; epolls && fd < fdt_size(); fd++) {
		if (epolls[fd]) {
			lfd = atomic_load(&epolls[fd]->lkl_epfd);
			if (lfd >= 0)
				atomic_store(&epolls[fd]->lkl_epfd, fn(lfd));
		}
	}
}

int epoll_tracked(int fd)
{
	return epoll_of(fd) != NULL;
}

void epoll_fd_closed(int fd)
{
	struct lkl_epoll *ep;

	if (!epoll_of(fd))
		return;
	ep = __atomic_exchange_n(&epolls[fd], NULL, __ATOMIC_ACQ_REL);
	if (!ep)
		return;
	if (atomic_load(&ep->lkl_epfd) >= 0)
		lkl_sys_close(atomic_load(&ep->lkl_epfd));
	free(ep);
}

int epoll_create(int size)
{
	real_resolve();
	return epoll_track(real.epoll_create(size));
}

int epoll_create1(int flags)
{
	real_resolve();
	return epoll_track(real.epoll_create1(flags));
}

static int lkl_epfd_get(struct lkl_epoll *ep)
{
	long r;

	if (atomic_load(&ep->lkl_epfd) >= 0)
		return atomic_load(&ep->lkl_epfd);
	pthread_mutex_lock(&epoll_lock);
	r = atomic_load(&ep->lkl_epfd);
	if (r < 0) {
		r = lkl_sys_epoll_create1(LKL_O_CLOEXEC);
		if (r >= 0)
			atomic_store(&ep->lkl_epfd, (int)r);
	}
	pthread_mutex_unlock(&epoll_lock);
	return (int)r;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct lkl_epoll *ep;
	int lfd, lep, r;

	real_resolve();
	ep = epoll_of(epfd);
	lfd = fd_route(fd);
	if (lfd == FD_DEAD)
		return (int)hijack_ret(-EBADF);
	if (lfd == FD_HOST) {
		r = real.epoll_ctl(epfd, op, fd, ev);
		if (!r && ep && op == EPOLL_CTL_ADD)
			atomic_fetch_add(&ep->host_members, 1);
		if (!r && ep && op == EPOLL_CTL_DEL)
			atomic_fetch_sub(&ep->host_members, 1);
		return r;
	}
	if (!ep)	/* not an epoll fd we know of */
		return (int)hijack_ret(fd_route(epfd) == FD_HOST ? -EINVAL :
								  -EBADF);
	lep = lkl_epfd_get(ep);
	if (lep < 0)
		return (int)hijack_ret(lep);
	return (int)hijack_ret(lkl_sys_epoll_ctl(lep, op, lfd,
						 lkl_ev(ev)));
}

/* Ready events of both sides without blocking: a count or -errno. */
static int epoll_collect(int epfd, struct lkl_epoll *ep, int lep,
			 struct epoll_event *ev, int max)
{
	int n = 0, r, i;
	int lkl_first = atomic_fetch_add(&ep->turn, 1) & 1;

	for (i = 0; i < 2 && n < max; i++) {
		if (i == lkl_first)
			r = (int)lkl_sys_epoll_pwait(lep,
					lkl_ev(ev + n),
					max - n, 0, NULL, 0);
		else if (atomic_load(&ep->host_members) > 0)
			r = real.epoll_wait(epfd, ev + n, max - n, 0);
		else
			r = 0;
		if (r < 0)
			r = i == lkl_first ? r : -errno;
		if (r < 0 && !n)
			return r;
		if (r > 0)
			n += r;
	}
	return n;
}

static int lkl_epoll_wait(int epfd, struct lkl_epoll *ep, int lep,
			  struct epoll_event *ev, int max, int timeout,
			  const sigset_t *mask)
{
	long long end = end_ms(timeout);
	struct pollfd lp = { lep, POLLIN, 0 }, hp = { epfd, POLLIN, 0 };
	int hosts, r;

	if (max <= 0)
		return -EINVAL;
	long long spin_end = hijack_now_us() + config_spin_us();
	struct sig_mark m;

	hijack_sig_mark(&m);
	for (;;) {
		r = epoll_collect(epfd, ep, lep, ev, max);
		if (r || !timeout)
			return r;
		if (hijack_sig_since(&m, 0))
			return -EINTR;
		if (hijack_now_us() < spin_end && left_ms(end)) {
			sched_yield();
			continue;
		}
		hosts = atomic_load(&ep->host_members) > 0;
		r = hijack_wait(&lp, 1, &hp, hosts, left_ms(end), 0, mask);
		if (r <= 0)
			return r;
		if (end >= 0 && !left_ms(end))
			timeout = 0;	/* one last look */
	}
}

int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout,
		const sigset_t *mask)
{
	struct lkl_epoll *ep;
	int lep;

	real_resolve();
	ep = epoll_of(epfd);
	lep = ep ? atomic_load(&ep->lkl_epfd) : -1;
	if (lep < 0)
		return real.epoll_pwait(epfd, ev, max, timeout, mask);
	return (int)hijack_ret(lkl_epoll_wait(epfd, ep, lep, ev, max,
					      timeout < 0 ? -1 : timeout,
					      mask));
}

int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	return epoll_pwait(epfd, ev, max, timeout, NULL);
}
