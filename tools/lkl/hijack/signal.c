// SPDX-License-Identifier: GPL-2.0
/*
 * Signal handlers and LKL calls.
 *
 * An application thread never blocks in LKL (wait.c), but its LKL calls
 * still take a moment, and may sleep briefly inside the kernel (a lock
 * another task holds).  A handler that ran in that moment and called
 * LKL itself would re-enter the kernel on a task that is in the middle
 * of a call: a hang, or worse.  So the hijack installs its own host
 * handler, deliver(), for every signal the program handles, and keeps
 * the program's sigaction here.  A signal that arrives while its thread
 * is inside an LKL call is recorded and its handler runs when the call
 * returns, before anything else, with the program's mask and flags: as
 * the kernel delivers a signal at the end of a system call.  Elsewhere
 * deliver() runs the handler at once.
 *
 * Waits that ask LKL repeatedly (wait.c's spin, poll.c) count handlers
 * run meanwhile (hijack_sig_since()): one run there interrupts the wait
 * as the host kernel would (EINTR, or a restart with SA_RESTART).
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <lkl.h>

#include "hijack.h"

#undef lkl_syscall
long lkl_syscall(long no, long *params);

#define NSIGS	65	/* 1..64 */

/* The program's dispositions of the signals deliver() stands in for. */
static struct sigaction app[NSIGS];
static unsigned char wrapped[NSIGS];

static __thread int depth;		/* in an LKL call */
static __thread sigset_t deferred;	/* arrived meanwhile */
static __thread int any_deferred;
static __thread siginfo_t deferred_info[NSIGS];
static __thread unsigned int runs, runs_norestart;

static void run_handler(int sig, siginfo_t *info, void *uc)
{
	const struct sigaction *a = &app[sig];

	runs++;
	if (!(a->sa_flags & SA_RESTART))
		runs_norestart++;
	if (a->sa_flags & SA_SIGINFO)
		a->sa_sigaction(sig, info, uc);
	else
		a->sa_handler(sig);
}

static void deliver(int sig, siginfo_t *info, void *uc)
{
	if (sig <= 0 || sig >= NSIGS || !wrapped[sig])
		return;
	if (app[sig].sa_flags & SA_RESETHAND)
		wrapped[sig] = 0;	/* the host reset it to SIG_DFL */
	if (depth) {
		sigaddset(&deferred, sig);
		deferred_info[sig] = *info;
		any_deferred = 1;
		return;
	}
	run_handler(sig, info, uc);
}

/* Run the handlers of what arrived during the call just ended. */
static void run_deferred(void)
{
	sigset_t block, old;
	int sig;

	while (any_deferred) {
		any_deferred = 0;
		for (sig = 1; sig < NSIGS; sig++) {
			if (!sigismember(&deferred, sig))
				continue;
			sigdelset(&deferred, sig);
			block = app[sig].sa_mask;
			if (!(app[sig].sa_flags & SA_NODEFER))
				sigaddset(&block, sig);
			pthread_sigmask(SIG_BLOCK, &block, &old);
			run_handler(sig, &deferred_info[sig], NULL);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
}

void hijack_lkl_enter(void)
{
	depth++;
	atomic_signal_fence(memory_order_seq_cst);
}

void hijack_lkl_leave(void)
{
	atomic_signal_fence(memory_order_seq_cst);
	if (--depth == 0 && any_deferred)
		run_deferred();
}

/* Every lkl_sys_*() of the hijack comes here (-Dlkl_syscall=...). */
long hijack_lkl_syscall(long no, long *params)
{
	long r;

	hijack_lkl_enter();
	if (proxy_remote())
		r = proxy_call(no, params);
	else
		r = lkl_syscall(no, params);
	hijack_lkl_leave();
	return r;
}

void hijack_sig_mark(struct sig_mark *m)
{
	m->runs = runs;
	m->norestart = runs_norestart;
}

int hijack_sig_since(const struct sig_mark *m, int restartable)
{
	if (runs_norestart != m->norestart)
		return -EINTR;
	if (runs != m->runs && !restartable)
		return -EINTR;
	return 0;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction mine, prev;
	int r;

	real_resolve();
	if (sig <= 0 || sig >= NSIGS || sig == SIGKILL || sig == SIGSTOP)
		return real.sigaction(sig, act, old);
	if (!act || act->sa_handler == SIG_DFL || act->sa_handler == SIG_IGN) {
		r = real.sigaction(sig, act, &prev);
		if (r)
			return r;
		if (old)
			*old = wrapped[sig] ? app[sig] : prev;
		if (act)
			wrapped[sig] = 0;
		return 0;
	}
	mine = *act;
	mine.sa_sigaction = deliver;
	mine.sa_flags |= SA_SIGINFO;
	prev = app[sig];
	/* Ready before the host can call deliver() with it. */
	app[sig] = *act;
	wrapped[sig] = 1;
	atomic_signal_fence(memory_order_seq_cst);
	r = real.sigaction(sig, &mine, old);
	if (r) {
		app[sig] = prev;
		return r;
	}
	if (old && old->sa_sigaction == deliver)
		*old = prev;
	return 0;
}

/* glibc's signal(): BSD semantics, SA_RESTART and the signal blocked. */
sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sig > 0 && sig < NSIGS)
		sigaddset(&sa.sa_mask, sig);
	if (sigaction(sig, &sa, &old))
		return SIG_ERR;
	return old.sa_handler;
}

sighandler_t bsd_signal(int sig, sighandler_t handler)
{
	return signal(sig, handler);
}

void signal_save(struct signal_saved *s)
{
	memcpy(s->app, app, sizeof(app));
	memcpy(s->wrapped, wrapped, sizeof(wrapped));
}

void signal_restore(const struct signal_saved *s)
{
	memcpy(app, s->app, sizeof(app));
	memcpy(wrapped, s->wrapped, sizeof(wrapped));
}
