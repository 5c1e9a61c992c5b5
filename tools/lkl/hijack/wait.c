// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking on LKL fds without blocking in LKL.
 *
 * An LKL system call runs on the calling thread, and one that blocks
 * sleeps on a host semaphore inside the kernel: a host signal arriving
 * then would run its handler in the middle of a kernel call (a handler
 * calling send() would re-enter the kernel on a task that is asleep),
 * and nothing would make the call return EINTR.  So application threads
 * never block in LKL: LKL sockets are always non-blocking inside LKL
 * (socket.c), and where the program expects a call to block, the
 * thread waits here, in the host kernel, while a helper thread of its
 * own (a "waiter", created on first need and kept) blocks in LKL's
 * ppoll() on the LKL fds:
 *
 *   application thread                 its waiter thread
 *   post go ------------------------->  lkl ppoll(LKL fds + LKL eventfd)
 *   host read()/poll() on host fds     ... an LKL fd is ready:
 *   + the host eventfd <-------------  write the host eventfd
 *   write the LKL eventfd ----------->  (ppoll returns if it had not)
 *   wait for done <-------------------  post done
 *
 * Because the application thread sleeps in a host call, a signal
 * interrupts it as it would any host call: its handler runs right away
 * (and may use LKL sockets freely), and the host kernel either restarts
 * the read() (SA_RESTART) or ends it with EINTR.  poll() is never
 * restarted, as the host kernel's own poll() and socket calls with a
 * timeout are not.  A handler that waits on LKL fds itself gets a
 * second waiter: waiters are a per-thread stack.  Waiter threads block
 * every signal.
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl/linux/time_types.h>

#include "hijack.h"

struct waiter {
	struct waiter *next;		/* this thread's other waiters */
	volatile sig_atomic_t busy;	/* in use (by a handler, maybe) */
	sem_t go, done;
	int host_efd;		/* blocking host eventfd, written by the waiter */
	int lkl_efd;		/* non-blocking LKL eventfd, stops the waiter */
	int quit;
	struct pollfd *fds;	/* LKL fds, the LKL eventfd last */
	int nfds, cap;
	struct pollfd *host;	/* host fds, the host eventfd last */
	int hcap;
	long result;		/* of the waiter's ppoll */
	int signalled;		/* the waiter wrote host_efd */
};

_Static_assert(sizeof(struct pollfd) == sizeof(struct lkl_pollfd),
	       "struct pollfd and struct lkl_pollfd differ");

static __thread struct waiter *thread_waiters;
static pthread_key_t waiters_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

long long hijack_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long hijack_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sem_wait_all(sem_t *s)
{
	while (sem_wait(s) < 0)
		;
}

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	uint64_t one = 1;
	long r;
	int i, ready;

	for (;;) {
		sem_wait_all(&w->go);
		if (w->quit)
			break;
		r = lkl_sys_ppoll((struct lkl_pollfd *)w->fds, w->nfds, NULL,
				  NULL, 0);
		ready = r < 0;
		for (i = 0; i < w->nfds - 1 && !ready; i++)
			ready = w->fds[i].revents != 0;
		w->result = r;
		w->signalled = ready;
		if (ready)
			real.write(w->host_efd, &one, sizeof(one));
		sem_post(&w->done);
	}
	lkl_sys_close(w->lkl_efd);
	real.close(w->host_efd);
	sem_destroy(&w->go);
	sem_destroy(&w->done);
	free(w->fds);
	free(w->host);
	free(w);
	return NULL;
}

/* The application thread ends: so do its waiters. */
static void waiters_release(void *arg)
{
	struct waiter *w = arg, *next;

	for (; w; w = next) {
		next = w->next;
		w->quit = 1;
		sem_post(&w->go);
	}
}

static void key_create(void)
{
	if (pthread_key_create(&waiters_key, waiters_release)) {
		fprintf(stderr, "lkl-hijack: pthread_key_create failed\n");
		abort();
	}
}

void wait_forget_all(void)
{
	if (thread_waiters)
		pthread_setspecific(waiters_key, NULL);
	thread_waiters = NULL;
}

int hijack_thread_start(void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* The thread inherits this mask: no signal handler runs there. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return err;
}

static struct waiter *waiter_new(void)
{
	struct waiter *w = calloc(1, sizeof(*w));
	long lfd;

	if (!w)
		return NULL;
	w->host_efd = eventfd(0, EFD_CLOEXEC);
	lfd = lkl_sys_eventfd2(0, LKL_O_NONBLOCK | LKL_O_CLOEXEC);
	if (w->host_efd < 0 || lfd < 0)
		goto fail;
	w->lkl_efd = (int)lfd;
	sem_init(&w->go, 0, 0);
	sem_init(&w->done, 0, 0);
	if (!hijack_thread_start(waiter_main, w))
		return w;
	sem_destroy(&w->go);
	sem_destroy(&w->done);
fail:
	if (lfd >= 0)
		lkl_sys_close((int)lfd);
	if (w->host_efd >= 0)
		real.close(w->host_efd);
	free(w);
	return NULL;
}

/* A free waiter of this thread, marked busy; NULL if none can be made. */
static struct waiter *waiter_get(void)
{
	struct waiter *w;

	for (w = thread_waiters; w; w = w->next) {
		if (!w->busy) {
			w->busy = 1;
			atomic_signal_fence(memory_order_seq_cst);
			return w;
		}
	}
	pthread_once(&key_once, key_create);
	w = waiter_new();
	if (!w)
		return NULL;
	w->busy = 1;
	w->next = thread_waiters;
	atomic_signal_fence(memory_order_seq_cst);
	thread_waiters = w;
	pthread_setspecific(waiters_key, w);
	return w;
}

static int grow(struct pollfd **p, int *cap, int n)
{
	struct pollfd *np;

	if (n <= *cap)
		return 0;
	np = realloc(*p, sizeof(**p) * (size_t)n);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = n;
	return 0;
}

/* Block in the host; returns 0 when woken, or -errno (-EINTR). */
static int host_block(struct waiter *w, int nhost, int timeout_ms,
		      int restart, const sigset_t *mask, int *consumed)
{
	uint64_t v;
	int r;

	struct timespec ts, *tsp = NULL;

	if (!nhost && timeout_ms < 0 && restart && !mask) {
		r = (int)real.read(w->host_efd, &v, sizeof(v));
		if (r < 0)
			return -errno;
		*consumed = 1;
		return 0;
	}
	w->host[nhost].fd = w->host_efd;
	w->host[nhost].events = POLLIN;
	w->host[nhost].revents = 0;
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	r = real.ppoll(w->host, (nfds_t)nhost + 1, tsp, mask);
	return r < 0 ? -errno : 0;
}

int hijack_wait(struct pollfd *lkl, int nlkl, struct pollfd *host, int nhost,
		int timeout_ms, int restart, const sigset_t *mask)
{
	struct waiter *w = waiter_get();
	uint64_t v = 1;
	int i, r, n = 0, consumed = 0;

	if (!w)
		return -ENOMEM;
	if (grow(&w->fds, &w->cap, nlkl + 1) ||
	    grow(&w->host, &w->hcap, nhost + 1)) {
		w->busy = 0;
		return -ENOMEM;
	}
	memcpy(w->fds, lkl, sizeof(*lkl) * (size_t)nlkl);
	w->fds[nlkl].fd = w->lkl_efd;
	w->fds[nlkl].events = POLLIN;
	w->nfds = nlkl + 1;
	if (nhost)
		memcpy(w->host, host, sizeof(*host) * (size_t)nhost);
	w->signalled = 0;
	sem_post(&w->go);

	r = host_block(w, nhost, timeout_ms, restart, mask, &consumed);

	if (consumed || (!r && (w->host[nhost].revents & POLLIN))) {
		/* The waiter woke us: it is done, no LKL call needed. */
		sem_wait_all(&w->done);
	} else {
		/* Stop the waiter (if it still waits), take its eventfd back. */
		lkl_sys_write(w->lkl_efd, (char *)&v, sizeof(v));
		sem_wait_all(&w->done);
		lkl_sys_read(w->lkl_efd, (char *)&v, sizeof(v));
	}
	if (w->signalled && !consumed)
		real.read(w->host_efd, &v, sizeof(v));

	if (!r && w->result < 0)
		r = (int)w->result;
	if (!r) {
		for (i = 0; i < nlkl; i++) {
			lkl[i].revents = w->fds[i].revents;
			n += lkl[i].revents != 0;
		}
		for (i = 0; i < nhost; i++) {
			host[i].revents = w->host[i].revents;
			n += host[i].revents != 0;
		}
	}
	atomic_signal_fence(memory_order_seq_cst);
	w->busy = 0;
	return r < 0 ? r : n;
}

/*
 * Whether @lfd becomes ready (1) within LKL_HIJACK_SPIN_US, asking LKL
 * without blocking: a reply on its way then costs no hand-over to the
 * waiter (host thread wake-ups and LKL task switches each way, some
 * 100 us on a busy 2-core machine, where LKL's round trip is 15 us).
 * A handler run meanwhile interrupts it as hijack_wait() would: -EINTR
 * unless @restartable and the handler has SA_RESTART.
 */
static int spin_ready(int lfd, short events, int restartable)
{
	struct pollfd p = { lfd, events, 0 };
	struct __lkl__kernel_timespec zero = { 0, 0 };
	long long end = hijack_now_us() + config_spin_us();
	struct sig_mark m;
	int r;

	hijack_sig_mark(&m);
	while (hijack_now_us() < end) {
		sched_yield();
		if (lkl_sys_ppoll((struct lkl_pollfd *)&p, 1, &zero, NULL, 0) > 0)
			return 1;
		/* A handler ran at the end of that call (signal.c). */
		r = hijack_sig_since(&m, restartable);
		if (r)
			return r;
	}
	return 0;
}

int hijack_block(int lfd, short events)
{
	struct timeval tv = { 0, 0 };
	int len = sizeof(tv), timeout = -1, r;
	struct pollfd p = { lfd, events, 0 };

	if (!lkl_sys_getsockopt(lfd, LKL_SOL_SOCKET,
				events & POLLIN ? LKL_SO_RCVTIMEO_OLD :
						  LKL_SO_SNDTIMEO_OLD,
				(char *)&tv, &len) &&
	    (tv.tv_sec || tv.tv_usec))
		timeout = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
	r = spin_ready(lfd, events, timeout < 0);
	if (r)
		return r < 0 ? r : 0;
	r = hijack_wait(&p, 1, NULL, 0, timeout, 1, NULL);
	if (r < 0)
		return r;
	return r ? 0 : -EAGAIN;
}
