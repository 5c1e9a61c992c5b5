/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the POSIX host library: what its files share.
 * Not installed; applications use <lkl_host.h>.
 */
#ifndef _LKL_POSIX_HOST_H
#define _LKL_POSIX_HOST_H

#include <pthread.h>
#include <lkl/asm/host_ops.h>

/* Kept out of liblkl.so's dynamic symbols, whatever its version script. */
#if defined(__GNUC__) || defined(__clang__)
#define LKL_POSIX_HIDDEN __attribute__((visibility("hidden")))
#else
#define LKL_POSIX_HIDDEN
#endif

/*
 * Start fn(arg) on a new joinable thread with every signal blocked and a
 * stack deep enough for kernel code.  Returns 0 or a positive errno.
 */
LKL_POSIX_HIDDEN int lkl_posix_thread_start(pthread_t *thread,
					     void *(*fn)(void *), void *arg);

/*
 * A host errno as a negative LKL errno: the one place host errors are
 * translated (the numbers differ on some hosts).  Unknown ones are EIO.
 */
LKL_POSIX_HIDDEN int lkl_posix_errno(int host_errno);

/* Monotonic clock in nanoseconds. */
LKL_POSIX_HIDDEN unsigned long long lkl_posix_time(void);

/* One-shot timers (posix-timer.c). */
LKL_POSIX_HIDDEN struct lkl_timer *
lkl_posix_timer_alloc(void (*fn)(void *), void *arg);
LKL_POSIX_HIDDEN int lkl_posix_timer_set_oneshot(struct lkl_timer *timer,
						 unsigned long long delta);
LKL_POSIX_HIDDEN void lkl_posix_timer_free(struct lkl_timer *timer);

#endif /* _LKL_POSIX_HOST_H */
