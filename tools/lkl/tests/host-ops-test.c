// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the POSIX host operations alone, without the kernel.
 * Prints "ok - name" or "FAIL - name: why" per check, then
 * "N passed, N failed"; exits 1 if any check failed.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lkl_host.h>

#define MSEC	1000000ULL

static const struct lkl_host_operations *ops = &lkl_host_ops;
static int npassed, nfailed;

static void ok(const char *name)
{
	printf("ok - %s\n", name);
	npassed++;
}

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL - %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	nfailed++;
}

static void sleep_ns(unsigned long long ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL),
			       (long)(ns % 1000000000ULL) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Host threads of this process, as the kernel counts them. */
static int count_tasks(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir("/proc/self/task");
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Poll until the task count drops to want (threads exit asynchronously). */
static int wait_tasks(int want, unsigned long long timeout)
{
	unsigned long long end = ops->time() + timeout;
	int n;

	while ((n = count_tasks()) != want && ops->time() < end)
		sleep_ns(MSEC);
	return n;
}

static void test_version(void)
{
	if (ops->version == LKL_HOST_OPS_VERSION)
		ok("version");
	else
		fail("version", "%u != %u", ops->version,
		     LKL_HOST_OPS_VERSION);
}

static void test_print(void)
{
	char buf[64];
	int p[2], saved = lkl_host_log_fd;
	ssize_t n;

	if (pipe(p) != 0) {
		fail("print", "pipe: %s", strerror(errno));
		return;
	}
	lkl_host_log_fd = p[1];
	ops->print("hello log\n", 10);
	lkl_host_log_fd = -1;
	ops->print("discarded", 9);
	lkl_host_log_fd = saved;
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	close(p[0]);
	if (n == 10 && memcmp(buf, "hello log\n", 10) == 0)
		ok("print writes to lkl_host_log_fd, -1 discards");
	else
		fail("print", "read %zd bytes", n);
}

struct pingpong {
	struct lkl_sem *ping, *pong;
	int rounds;
	int count;
};

static void pong_thread(void *p)
{
	struct pingpong *pp = p;
	int i;

	for (i = 0; i < pp->rounds; i++) {
		ops->sem_down(pp->ping);
		pp->count++;
		ops->sem_up(pp->pong);
	}
}

static void test_sem(void)
{
	struct pingpong pp = { ops->sem_alloc(0), ops->sem_alloc(0), 10000, 0 };
	lkl_thread_t t;
	int i, bad = 0;

	if (!pp.ping || !pp.pong) {
		fail("semaphores across threads", "sem_alloc failed");
		goto out;
	}
	t = ops->thread_create(pong_thread, &pp);
	if (!t) {
		fail("semaphores across threads", "thread_create failed");
		goto out;
	}
	for (i = 0; i < pp.rounds; i++) {
		ops->sem_up(pp.ping);
		ops->sem_down(pp.pong);
		if (pp.count != i + 1)
			bad++;
	}
	ops->thread_join(t);
	if (bad)
		fail("semaphores across threads", "%d rounds out of step", bad);
	else
		ok("semaphores across threads (10000 round trips)");
out:
	ops->sem_free(pp.ping);
	ops->sem_free(pp.pong);
}

static void test_sem_count(void)
{
	struct lkl_sem *s = ops->sem_alloc(3);
	int i;

	if (!s) {
		fail("semaphore initial count", "sem_alloc failed");
		return;
	}
	/* Three downs must not block. */
	for (i = 0; i < 3; i++)
		ops->sem_down(s);
	ops->sem_free(s);
	if (ops->sem_alloc(-1))
		fail("semaphore initial count", "accepted -1");
	else
		ok("semaphore initial count, negative refused");
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

struct intr_arg {
	pthread_t target;
	struct lkl_sem *sem;
	volatile int posted;
};

static void interrupter(void *p)
{
	struct intr_arg *a = p;

	sleep_ns(20 * MSEC);
	pthread_kill(a->target, SIGUSR1);
	sleep_ns(20 * MSEC);
	a->posted = 1;
	ops->sem_up(a->sem);
}

static void test_sem_eintr(void)
{
	struct intr_arg a = { pthread_self(), ops->sem_alloc(0), 0 };
	struct sigaction sa, old;
	lkl_thread_t t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: sem_wait sees EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	got_usr1 = 0;
	t = a.sem ? ops->thread_create(interrupter, &a) : 0;
	if (!t) {
		fail("sem_down survives a signal", "setup failed");
		goto out;
	}
	ops->sem_down(a.sem);
	ops->thread_join(t);
	if (!got_usr1)
		fail("sem_down survives a signal", "signal not delivered");
	else if (!a.posted)
		fail("sem_down survives a signal", "returned before sem_up");
	else
		ok("sem_down survives a signal");
out:
	sigaction(SIGUSR1, &old, NULL);
	ops->sem_free(a.sem);
}

struct counter {
	struct lkl_mutex *m;
	long value;
};

static void count_thread(void *p)
{
	struct counter *c = p;
	int i;

	for (i = 0; i < 100000; i++) {
		ops->mutex_lock(c->m);
		c->value++;
		ops->mutex_unlock(c->m);
	}
}

static void test_mutex(void)
{
	struct counter c = { ops->mutex_alloc(0), 0 };
	lkl_thread_t a, b;

	if (!c.m) {
		fail("mutex exclusion", "mutex_alloc failed");
		return;
	}
	a = ops->thread_create(count_thread, &c);
	b = ops->thread_create(count_thread, &c);
	if (a)
		ops->thread_join(a);
	if (b)
		ops->thread_join(b);
	if (!a || !b)
		fail("mutex exclusion", "thread_create failed");
	else if (c.value != 200000)
		fail("mutex exclusion", "counted %ld, not 200000", c.value);
	else
		ok("mutex exclusion (2 threads x 100000)");
	ops->mutex_free(c.m);
}

struct relock {
	struct lkl_mutex *m;
	volatile int got;
};

static void relock_thread(void *p)
{
	struct relock *r = p;

	ops->mutex_lock(r->m);
	r->got = 1;
	ops->mutex_unlock(r->m);
}

static void test_recursive_mutex(void)
{
	struct relock r = { ops->mutex_alloc(1), 0 };
	lkl_thread_t t;
	int early;

	if (!r.m) {
		fail("recursive mutex", "mutex_alloc failed");
		return;
	}
	ops->mutex_lock(r.m);
	ops->mutex_lock(r.m);
	t = ops->thread_create(relock_thread, &r);
	ops->mutex_unlock(r.m);
	sleep_ns(20 * MSEC);
	/* Still held once: the other thread must not have it yet. */
	early = r.got;
	ops->mutex_unlock(r.m);
	if (t)
		ops->thread_join(t);
	if (!t)
		fail("recursive mutex", "thread_create failed");
	else if (early)
		fail("recursive mutex", "released after one unlock of two");
	else if (!r.got)
		fail("recursive mutex", "never released");
	else
		ok("recursive mutex");
	ops->mutex_free(r.m);
}

struct thread_info {
	lkl_thread_t self;
	long tid;
	int ran;
	int unblocked;		/* first signal found unblocked, or 0 */
	int after_exit;
};

/*
 * Whether this thread can block @sig at all: the host kernel never lets
 * SIGKILL and SIGSTOP be blocked, and qemu-user (cross builds' tests)
 * keeps the last real-time signals for itself.
 */
static int blockable(int sig)
{
	sigset_t one, old, now;

	sigemptyset(&one);
	sigaddset(&one, sig);
	if (pthread_sigmask(SIG_BLOCK, &one, &old) != 0)
		return 0;
	pthread_sigmask(SIG_BLOCK, NULL, &now);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return sigismember(&now, sig) == 1;
}

static int first_unblocked(void)
{
	sigset_t set;
	int sig;

	if (pthread_sigmask(SIG_BLOCK, NULL, &set) != 0)
		return -1;
	for (sig = 1; sig < 32; sig++)
		if (!sigismember(&set, sig) && blockable(sig))
			return sig;
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		if (!sigismember(&set, sig) && blockable(sig))
			return sig;
	return 0;
}

static void info_thread(void *p)
{
	struct thread_info *ti = p;

	ti->self = ops->thread_self();
	ti->tid = ops->gettid();
	ti->unblocked = first_unblocked();
	ti->ran = 1;
}

static void test_threads(void)
{
	struct thread_info ti = { 0, 0, 0, -1, 0 };
	sigset_t mask, before, after;
	lkl_thread_t t;
	int rc;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &mask, &before);
	t = ops->thread_create(info_thread, &ti);
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	if (!t) {
		fail("thread create/join", "thread_create failed");
		goto out;
	}
	rc = ops->thread_join(t);
	if (rc != 0 || !ti.ran)
		fail("thread create/join", "join %d, ran %d", rc, ti.ran);
	else
		ok("thread create/join");

	if (!ops->thread_equal(ti.self, t) ||
	    ops->thread_equal(ops->thread_self(), t))
		fail("thread_self/thread_equal", "handles do not match");
	else
		ok("thread_self/thread_equal");

	if (ti.tid <= 0 || ti.tid == ops->gettid())
		fail("gettid", "thread %ld, main %ld", ti.tid, ops->gettid());
	else
		ok("gettid differs per thread");

	if (ti.unblocked)
		fail("new thread blocks all signals", "signal %d unblocked",
		     ti.unblocked);
	else
		ok("new thread blocks all signals");

	if (sigismember(&after, SIGUSR2) != 1 ||
	    sigismember(&after, SIGUSR1) != 0 ||
	    sigismember(&after, SIGTERM) != 0)
		fail("caller's signal mask restored", "mask changed");
	else
		ok("caller's signal mask restored");
out:
	pthread_sigmask(SIG_SETMASK, &before, NULL);
}

static void exit_thread(void *p)
{
	struct thread_info *ti = p;

	ti->ran = 1;
	ops->thread_exit();
	ti->after_exit = 1;
}

static void test_thread_exit(void)
{
	struct thread_info ti = { 0, 0, 0, 0, 0 };
	lkl_thread_t t = ops->thread_create(exit_thread, &ti);
	int rc;

	if (!t) {
		fail("thread_exit", "thread_create failed");
		return;
	}
	rc = ops->thread_join(t);
	if (rc != 0 || !ti.ran || ti.after_exit)
		fail("thread_exit", "join %d ran %d after %d", rc, ti.ran,
		     ti.after_exit);
	else
		ok("thread_exit ends the thread, join returns 0");
}

static struct lkl_tls_key *tls_key;
static void *destroyed_value;
static int destroyed_count;

static void tls_destructor(void *v)
{
	destroyed_value = v;
	destroyed_count++;
}

static int tls_value;

static void tls_thread(void *p)
{
	int *bad = p;

	if (ops->tls_get(tls_key) != NULL)
		*bad = 1;
	if (ops->tls_set(tls_key, &tls_value) != 0)
		*bad = 2;
	if (ops->tls_get(tls_key) != &tls_value)
		*bad = 3;
	/* Leave through thread_exit: the destructor must still run. */
	ops->thread_exit();
}

static void test_tls(void)
{
	lkl_thread_t t;
	int bad = 0, main_value;

	tls_key = ops->tls_alloc(tls_destructor);
	if (!tls_key) {
		fail("TLS", "tls_alloc failed");
		return;
	}
	ops->tls_set(tls_key, &main_value);
	t = ops->thread_create(tls_thread, &bad);
	if (t)
		ops->thread_join(t);
	if (!t || bad)
		fail("TLS set/get per thread", "thread %lu, bad %d",
		     (unsigned long)t, bad);
	else if (ops->tls_get(tls_key) != &main_value)
		fail("TLS set/get per thread", "main's value lost");
	else
		ok("TLS set/get per thread");
	if (destroyed_count != 1 || destroyed_value != &tls_value)
		fail("TLS destructor at thread exit", "ran %d times",
		     destroyed_count);
	else
		ok("TLS destructor at thread exit");
	ops->tls_set(tls_key, NULL);
	ops->tls_free(tls_key);
}

struct timer_rec {
	struct lkl_sem *sem;
	struct lkl_sem *started;	/* optional: up when fn starts */
	volatile unsigned long long fired_at;
	volatile int count;
	int rearm;		/* re-arm itself this many more times */
	struct lkl_timer *timer;
	unsigned long long sleep;	/* sleep in the callback */
	volatile int finished;
};

static void timer_cb(void *p)
{
	struct timer_rec *r = p;

	r->fired_at = ops->time();
	r->count++;
	if (r->started)
		ops->sem_up(r->started);
	if (r->sleep)
		sleep_ns(r->sleep);
	if (r->rearm > 0) {
		r->rearm--;
		ops->timer_set_oneshot(r->timer, MSEC);
	}
	r->finished = 1;
	if (r->sem)
		ops->sem_up(r->sem);
}

/* Set up a record and its timer; 0 on failure. */
static int timer_rec_init(struct timer_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->sem = ops->sem_alloc(0);
	r->timer = ops->timer_alloc(timer_cb, r);
	return r->sem && r->timer;
}

static void timer_rec_fini(struct timer_rec *r)
{
	ops->timer_free(r->timer);
	ops->sem_free(r->sem);
}

/*
 * Fire once 10 ms out; the best of five tries must land within 2 ms (one
 * try can lose a CPU timeslice on a loaded machine).
 */
static void test_timer_accuracy(void)
{
	const char *name = "timer fires once within 2 ms of 10 ms";
	long long late, best = -1;
	unsigned long long start;
	struct timer_rec r;
	int i;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	for (i = 0; i < 5; i++) {
		r.count = 0;
		start = ops->time();
		ops->timer_set_oneshot(r.timer, 10 * MSEC);
		ops->sem_down(r.sem);
		late = (long long)(r.fired_at - start) - 10 * (long long)MSEC;
		sleep_ns(20 * MSEC);
		if (late < 0 || r.count != 1) {
			fail(name, "fired %lld ns early, %d times", -late,
			     r.count);
			goto out;
		}
		if (best < 0 || late < best)
			best = late;
	}
	if (best > 2 * (long long)MSEC)
		fail(name, "fired %lld us late", best / 1000);
	else
		ok(name);
	printf("# best lateness %lld us\n", best / 1000);
out:
	timer_rec_fini(&r);
}

static void test_timer_rearm(void)
{
	const char *name = "re-arming replaces the earlier arming";
	unsigned long long start;
	struct timer_rec r;
	long long at;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	/* Later: only the second arming counts. */
	start = ops->time();
	ops->timer_set_oneshot(r.timer, 10 * MSEC);
	ops->timer_set_oneshot(r.timer, 40 * MSEC);
	ops->sem_down(r.sem);
	at = (long long)(r.fired_at - start);
	sleep_ns(30 * MSEC);
	if (r.count != 1 || at < 40 * (long long)MSEC) {
		fail(name, "later: fired %d times, at %lld us", r.count,
		     at / 1000);
		goto out;
	}
	/* Earlier: the timer must not wait for the first deadline. */
	r.count = 0;
	start = ops->time();
	ops->timer_set_oneshot(r.timer, 500 * MSEC);
	ops->timer_set_oneshot(r.timer, 5 * MSEC);
	ops->sem_down(r.sem);
	at = (long long)(r.fired_at - start);
	sleep_ns(20 * MSEC);
	if (r.count != 1 || at < 5 * (long long)MSEC ||
	    at > 100 * (long long)MSEC)
		fail(name, "earlier: fired %d times, at %lld us", r.count,
		     at / 1000);
	else
		ok(name);
out:
	timer_rec_fini(&r);
}

static void test_timer_many_rearms(int base)
{
	const char *name = "1000 re-arms create no threads";
	struct timer_rec r;
	int i, n, peak = 0;

	/* Threads joined by earlier tests may linger in /proc a moment. */
	wait_tasks(base, 100 * MSEC);
	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	for (i = 0; i < 1000; i++) {
		/* Mix deltas so that some expire while others are re-armed. */
		ops->timer_set_oneshot(r.timer, (unsigned long long)(i % 7) *
						1000ULL);
		if (i % 100 == 0) {
			n = count_tasks();
			peak = n > peak ? n : peak;
		}
	}
	ops->timer_set_oneshot(r.timer, MSEC);
	sleep_ns(10 * MSEC);
	n = count_tasks();
	peak = n > peak ? n : peak;
	/* timer_free orders the callbacks' writes before the read. */
	timer_rec_fini(&r);
	/* The base threads plus the one timer thread. */
	if (peak != base + 1)
		fail(name, "%d threads at peak, expected %d", peak, base + 1);
	else if (r.count < 1)
		fail(name, "never fired");
	else
		ok(name);
}

struct free_arg {
	struct lkl_timer *timer;
};

static void free_thread(void *p)
{
	ops->timer_free(((struct free_arg *)p)->timer);
}

static void test_timer_free_armed(void)
{
	const char *name = "timer_free from another thread while armed";
	struct timer_rec r;
	struct free_arg fa;
	lkl_thread_t t;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	ops->timer_set_oneshot(r.timer, 30 * MSEC);
	fa.timer = r.timer;
	t = ops->thread_create(free_thread, &fa);
	if (t)
		ops->thread_join(t);
	else
		ops->timer_free(r.timer);
	sleep_ns(60 * MSEC);
	if (!t)
		fail(name, "thread_create failed");
	else if (r.count)
		fail(name, "callback ran after free");
	else
		ok(name);
	ops->sem_free(r.sem);
}

static void test_timer_free_running(void)
{
	const char *name = "timer_free waits for a running callback";
	struct timer_rec r;
	int finished;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	r.started = ops->sem_alloc(0);
	if (!r.started) {
		fail(name, "setup failed");
		timer_rec_fini(&r);
		return;
	}
	r.sleep = 50 * MSEC;
	ops->timer_set_oneshot(r.timer, 0);
	/* Let the callback start, then free while it sleeps. */
	ops->sem_down(r.started);
	ops->timer_free(r.timer);
	finished = r.finished;
	ops->sem_free(r.started);
	ops->sem_free(r.sem);
	if (!finished)
		fail(name, "returned while the callback ran");
	else
		ok(name);
}

static void self_free_cb(void *p)
{
	struct timer_rec *r = p;

	ops->timer_free(r->timer);
	r->count++;
	ops->sem_up(r->sem);
}

static void test_timer_self_free(int base)
{
	const char *name = "a callback frees its own (last) timer";
	struct timer_rec r;
	int n;

	memset(&r, 0, sizeof(r));
	r.sem = ops->sem_alloc(0);
	r.timer = ops->timer_alloc(self_free_cb, &r);
	if (!r.sem || !r.timer) {
		fail(name, "setup failed");
		return;
	}
	ops->timer_set_oneshot(r.timer, MSEC);
	ops->sem_down(r.sem);
	/* The thread leaves detached on its own: give it a moment. */
	n = wait_tasks(base, 1000 * MSEC);
	ops->sem_free(r.sem);
	if (r.count != 1 || n != base)
		fail(name, "fired %d times, %d threads left", r.count, n);
	else
		ok(name);
}

static void test_timer_self_rearm(void)
{
	const char *name = "a callback re-arms its own timer";
	struct timer_rec r;
	int i;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	r.rearm = 4;
	ops->timer_set_oneshot(r.timer, MSEC);
	for (i = 0; i < 5; i++)
		ops->sem_down(r.sem);
	sleep_ns(10 * MSEC);
	if (r.count != 5)
		fail(name, "fired %d times, not 5", r.count);
	else
		ok(name);
	timer_rec_fini(&r);
}

static void test_timer_free_rearming(void)
{
	const char *name = "timer_free stops a timer that re-arms itself";
	struct timer_rec r;
	int i, count;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	r.rearm = 1 << 30;
	ops->timer_set_oneshot(r.timer, 0);
	for (i = 0; i < 3; i++)
		ops->sem_down(r.sem);
	ops->timer_free(r.timer);
	count = r.count;
	sleep_ns(10 * MSEC);
	if (r.count != count)
		fail(name, "fired %d more times", r.count - count);
	else
		ok(name);
	ops->sem_free(r.sem);
}

static void test_timer_order(void)
{
	const char *name = "several timers fire in deadline order";
	struct timer_rec r[3];
	int i, good = 1;

	for (i = 0; i < 3; i++)
		good &= timer_rec_init(&r[i]);
	if (!good) {
		fail(name, "setup failed");
		goto out;
	}
	ops->timer_set_oneshot(r[0].timer, 30 * MSEC);
	ops->timer_set_oneshot(r[1].timer, 10 * MSEC);
	ops->timer_set_oneshot(r[2].timer, 20 * MSEC);
	for (i = 0; i < 3; i++)
		ops->sem_down(r[i].sem);
	if (!(r[1].fired_at < r[2].fired_at && r[2].fired_at < r[0].fired_at))
		fail(name, "out of order");
	else
		ok(name);
out:
	for (i = 0; i < 3; i++)
		timer_rec_fini(&r[i]);
}

static void test_timer_thread_gone(int base)
{
	const char *name = "no timer thread once the last timer is freed";
	struct timer_rec r;
	int during, after;

	if (!timer_rec_init(&r)) {
		fail(name, "setup failed");
		return;
	}
	ops->timer_set_oneshot(r.timer, 1000 * MSEC);
	during = count_tasks();
	timer_rec_fini(&r);
	/*
	 * timer_free joined the thread; the host kernel unlists a joined
	 * thread a moment after the join returns.
	 */
	after = wait_tasks(base, 100 * MSEC);
	if (during != base + 1 || after != base)
		fail(name, "%d threads with a timer, %d after (base %d)",
		     during, after, base);
	else
		ok(name);
}

static int jmp_depth;

static void jump_deep(struct lkl_jmp_buf *jb, int depth)
{
	jmp_depth = depth;
	if (depth < 100)
		jump_deep(jb, depth + 1);
	else
		ops->jmp_buf_longjmp(jb, 7);
	jmp_depth = -1;	/* never reached */
}

struct jmp_arg {
	struct lkl_jmp_buf jb;
	int returned;
	int jump;
};

static void jmp_fn(void *p)
{
	struct jmp_arg *a = p;

	if (a->jump)
		jump_deep(&a->jb, 0);
	a->returned = 1;
}

static void test_jmp_buf(void)
{
	struct jmp_arg a;

	memset(&a, 0, sizeof(a));
	ops->jmp_buf_set(&a.jb, jmp_fn, &a);
	if (!a.returned) {
		fail("jmp_buf round trip", "fn did not return normally");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.jump = 1;
	ops->jmp_buf_set(&a.jb, jmp_fn, &a);
	if (a.returned || jmp_depth != 100)
		fail("jmp_buf round trip", "returned %d depth %d", a.returned,
		     jmp_depth);
	else
		ok("jmp_buf round trip (longjmp from 100 frames down)");
}

static void test_mem(void)
{
	static const unsigned long sizes[] = { 1, 4096, 5000, 1UL << 20,
					       64UL << 20 };
	unsigned long i;
	char *p;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = ops->mem_alloc(sizes[i]);
		if (!p || (uintptr_t)p % 4096) {
			fail("mem_alloc alignment", "size %lu gave %p",
			     sizes[i], (void *)p);
			return;
		}
		p[0] = 1;
		p[sizes[i] - 1] = 2;
		ops->mem_free(p, sizes[i]);
	}
	if (ops->mem_alloc(0))
		fail("mem_alloc alignment", "size 0 not refused");
	else
		ok("mem_alloc alignment, writable, freed");
}

static void test_time(void)
{
	unsigned long long a = ops->time(), b;

	sleep_ns(5 * MSEC);
	b = ops->time();
	if (b < a + 5 * MSEC)
		fail("time", "advanced only %llu ns", b - a);
	else
		ok("time is monotonic nanoseconds");
}

static void test_no_devices(void)
{
	char v[4];

	if (ops->ioremap(0x1000, 4) || ops->iomem_access(v, v, 4, 0) != -1)
		fail("ioremap/iomem_access", "a device answered");
	else
		ok("ioremap/iomem_access refuse without devices");
}

int main(void)
{
	int base = count_tasks();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (base != 1)
		printf("# %d threads at start\n", base);
	test_version();
	test_print();
	test_sem();
	test_sem_count();
	test_sem_eintr();
	test_mutex();
	test_recursive_mutex();
	test_threads();
	test_thread_exit();
	test_tls();
	test_mem();
	test_time();
	test_no_devices();
	test_jmp_buf();
	/*
	 * Count again once the joined threads are unlisted: a sanitizer's
	 * own helper thread may have started meanwhile.
	 */
	sleep_ns(20 * MSEC);
	base = count_tasks();
	if (base != 1)
		printf("# %d threads before the timer tests\n", base);
	test_timer_accuracy();
	test_timer_rearm();
	test_timer_many_rearms(base);
	test_timer_free_armed();
	test_timer_free_running();
	test_timer_self_rearm();
	test_timer_free_rearming();
	test_timer_order();
	test_timer_self_free(base);
	test_timer_thread_gone(base);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
