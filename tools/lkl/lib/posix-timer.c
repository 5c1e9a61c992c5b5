// SPDX-License-Identifier: GPL-2.0
/*
 * One-shot timers on POSIX: a single timer thread serves them all.
 *
 * The thread exists while at least one timer is allocated: the first
 * timer_alloc starts it and the last timer_free stops and joins it, so a
 * kernel that has freed its timers leaves no thread behind.  It sleeps on
 * a CLOCK_MONOTONIC condition variable until the earliest deadline, then
 * runs the expired callbacks without holding the lock, so a callback may
 * re-arm or free timers (its own included).  No thread is ever created
 * per expiry.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "posix-host.h"

#define NSEC_PER_SEC	1000000000ULL

/* Deadlines past this many seconds are slept on as if never due. */
#define MAX_WAIT_SEC	0x7fffffffULL

struct lkl_timer {
	void (*fn)(void *);
	void *arg;
	unsigned long long deadline;
	int armed;
	int running;		/* fn runs now, on thread runner */
	int dying;		/* in timer_free: refuse re-arming */
	int freed;		/* freed by its own fn: free when fn returns */
	pthread_t runner;
	/* The armed list, sorted by deadline. */
	struct lkl_timer *prev, *next;
};

/*
 * One per timer thread.  A thread told to stop may still be finishing a
 * callback while its successor already serves the armed list.
 */
struct timer_thread {
	pthread_t th;
	int stop;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Wakes timer threads: a new earliest deadline, or stop. */
static pthread_cond_t wake;
/* Broadcast whenever a callback returns. */
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static int wake_ok;

static struct lkl_timer *armed_head;
static unsigned long ntimers;
static struct timer_thread *cur;	/* the serving thread, or NULL */

/* The wait must follow the monotonic clock, not wall-clock jumps. */
static void wake_init(void)
{
	pthread_condattr_t attr;

	if (pthread_condattr_init(&attr) != 0)
		return;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&wake, &attr) == 0)
		wake_ok = 1;
	pthread_condattr_destroy(&attr);
}

static void unlink_timer(struct lkl_timer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		armed_head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
	t->armed = 0;
}

/* Insert after timers due at the same time, so equal deadlines are FIFO. */
static void insert_timer(struct lkl_timer *t)
{
	struct lkl_timer *prev = NULL, *next = armed_head;

	while (next && next->deadline <= t->deadline) {
		prev = next;
		next = next->next;
	}
	t->prev = prev;
	t->next = next;
	if (prev)
		prev->next = t;
	else
		armed_head = t;
	if (next)
		next->prev = t;
	t->armed = 1;
}

/* Sleep (lock held) until the deadline, a wake-up, or a spurious return. */
static void wait_until(unsigned long long deadline)
{
	struct timespec ts;

	if (deadline / NSEC_PER_SEC > MAX_WAIT_SEC) {
		pthread_cond_wait(&wake, &lock);
		return;
	}
	ts.tv_sec = (time_t)(deadline / NSEC_PER_SEC);
	ts.tv_nsec = (long)(deadline % NSEC_PER_SEC);
	pthread_cond_timedwait(&wake, &lock, &ts);
}

/* Run an expired timer's callback; the lock is dropped around it. */
static void fire(struct lkl_timer *t)
{
	unlink_timer(t);
	t->running = 1;
	t->runner = pthread_self();
	pthread_mutex_unlock(&lock);
	t->fn(t->arg);
	pthread_mutex_lock(&lock);
	t->running = 0;
	if (t->freed)
		free(t);
	else
		pthread_cond_broadcast(&done);
}

static void *timer_loop(void *p)
{
	struct timer_thread *me = p;
	struct lkl_timer *t;
	int detached = 0;

#ifdef __linux__
	/* Wake at the deadline, not up to the default 50 us after it. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
	pthread_mutex_lock(&lock);
	while (!me->stop) {
		/*
		 * A callback of ours freed the last timer, so no one will
		 * join us: leave detached; a later timer_alloc starts anew.
		 */
		if (ntimers == 0) {
			cur = NULL;
			pthread_detach(pthread_self());
			detached = 1;
			break;
		}
		t = armed_head;
		if (!t)
			pthread_cond_wait(&wake, &lock);
		else if (t->deadline > lkl_posix_time())
			wait_until(t->deadline);
		else
			fire(t);
	}
	pthread_mutex_unlock(&lock);
	if (detached)
		free(me);
	return NULL;
}

/* Lock held.  Make sure a timer thread serves; 0 or a positive errno. */
static int start_thread(void)
{
	struct timer_thread *tt;
	int err;

	if (cur)
		return 0;
	tt = calloc(1, sizeof(*tt));
	if (!tt)
		return ENOMEM;
	err = lkl_posix_thread_start(&tt->th, timer_loop, tt);
	if (err) {
		free(tt);
		return err;
	}
	cur = tt;
	return 0;
}

/* Lock held; the last timer is gone.  Stop the thread and join it. */
static void stop_thread(void)
{
	struct timer_thread *tt = cur;

	cur = NULL;
	tt->stop = 1;
	/* A successor may be waiting too: wake every waiter. */
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(tt->th, NULL);
	free(tt);
	pthread_mutex_lock(&lock);
}

struct lkl_timer *lkl_posix_timer_alloc(void (*fn)(void *), void *arg)
{
	struct lkl_timer *t;

	if (!fn)
		return NULL;
	pthread_once(&wake_once, wake_init);
	if (!wake_ok)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	pthread_mutex_lock(&lock);
	if (start_thread() != 0) {
		pthread_mutex_unlock(&lock);
		free(t);
		return NULL;
	}
	ntimers++;
	pthread_mutex_unlock(&lock);
	return t;
}

int lkl_posix_timer_set_oneshot(struct lkl_timer *t, unsigned long long delta)
{
	unsigned long long now = lkl_posix_time();

	pthread_mutex_lock(&lock);
	/* A callback re-arming its timer must not keep timer_free waiting. */
	if (t->dying) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	if (t->armed)
		unlink_timer(t);
	/* Saturate: an overflowing delta means "practically never". */
	t->deadline = delta > ~0ULL - now ? ~0ULL : now + delta;
	insert_timer(t);
	/* Only a new earliest deadline changes how long threads sleep. */
	if (armed_head == t)
		pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	return 0;
}

void lkl_posix_timer_free(struct lkl_timer *t)
{
	pthread_t self = pthread_self();
	int own;

	if (!t)
		return;
	pthread_mutex_lock(&lock);
	/* Called from t's own callback: it cannot wait for itself. */
	own = t->running && pthread_equal(t->runner, self);
	t->dying = 1;
	if (t->armed)
		unlink_timer(t);
	while (!own && t->running)
		pthread_cond_wait(&done, &lock);
	if (own)
		t->freed = 1;	/* fire() frees it when the callback returns */
	ntimers--;
	/* On the serving thread itself, its loop notices ntimers == 0. */
	if (ntimers == 0 && cur && !pthread_equal(cur->th, self))
		stop_thread();
	pthread_mutex_unlock(&lock);
	if (!own)
		free(t);
}
