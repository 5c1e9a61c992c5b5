/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_THREAD_INFO_H
#define _ASM_LKL_THREAD_INFO_H

/*
 * Each task runs on a host thread of its own; the kernel stack that
 * generic code allocates is never used, so keep it one page.
 */
#define THREAD_SIZE_ORDER	0
#define THREAD_SIZE		(PAGE_SIZE << THREAD_SIZE_ORDER)

#ifndef __ASSEMBLY__
#include <asm/page.h>
#include <asm/host_ops.h>

struct task_struct;

/*
 * @sched_sem: the task's host thread sleeps on it while the task is not
 *	on the CPU; __switch_to() ups it to hand the CPU over.
 * @tid: the host thread that runs the task now (for host tasks, the
 *	application thread that adopted it).
 * @park_jb: set while a host task is parked or ended: the thread that
 *	switches it out jumps back there instead of sleeping.
 */
struct thread_info {
	unsigned long flags;
	int preempt_count;
	struct lkl_sem *sched_sem;
	lkl_thread_t tid;
	struct lkl_jmp_buf *park_jb;
};

#define INIT_THREAD_INFO(tsk)			\
{						\
	.flags		= 0,			\
	.preempt_count	= INIT_PREEMPT_COUNT,	\
}

#endif /* __ASSEMBLY__ */

#define TIF_SIGPENDING		0
#define TIF_NEED_RESCHED	1
#define TIF_NOTIFY_RESUME	2
#define TIF_NOTIFY_SIGNAL	3
#define TIF_MEMDIE		4
#define TIF_RESTORE_SIGMASK	5
#define TIF_POLLING_NRFLAG	6
/* The task belongs to an application thread, not a kernel thread. */
#define TIF_HOST_TASK		7
#define TIF_SYSCALL_TRACE	8

#define _TIF_SIGPENDING		(1 << TIF_SIGPENDING)
#define _TIF_NEED_RESCHED	(1 << TIF_NEED_RESCHED)
#define _TIF_NOTIFY_RESUME	(1 << TIF_NOTIFY_RESUME)
#define _TIF_NOTIFY_SIGNAL	(1 << TIF_NOTIFY_SIGNAL)
#define _TIF_MEMDIE		(1 << TIF_MEMDIE)
#define _TIF_POLLING_NRFLAG	(1 << TIF_POLLING_NRFLAG)
#define _TIF_HOST_TASK		(1 << TIF_HOST_TASK)
#define _TIF_SYSCALL_TRACE	(1 << TIF_SYSCALL_TRACE)

#endif /* _ASM_LKL_THREAD_INFO_H */
