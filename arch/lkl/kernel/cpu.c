// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual CPU: an ownership token.
 *
 * A host thread runs kernel code only while it owns the CPU.  Threads
 * coming from outside (an application's system call, a device raising an
 * interrupt, the host timer) take it with lkl_cpu_get(); a task switch
 * hands it from one task's thread to the next (lkl_cpu_hand_over()).
 * A thread that holds the CPU without a task of its own runs as the CPU's
 * current task, like an interrupt on real hardware.
 *
 * While nobody owns the CPU its current task is either the idle task,
 * whose thread sleeps in arch_cpu_idle(), or the host task of an
 * application thread that left the kernel (host_tasks.c): keeping that
 * task current lets the thread's next system call start with no host
 * context switch at all.
 */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/idle.h>
#include <linux/cpu.h>
#include <asm/lkl.h>

struct lkl_cpu {
	struct lkl_mutex *lock;		/* protects the fields below it */
	bool owned;
	bool shutdown;
	bool idle_kicked;
	bool ready;			/* set once, when initialised */
	unsigned int sleepers;		/* threads waiting in lkl_cpu_get() */
	struct lkl_sem *sleep_sem;	/* ...sleep here */
	struct lkl_sem *idle_sem;	/* the idle thread sleeps here */
	lkl_thread_t owner;		/* changed only by the owner */
	struct task_struct *curr;	/* changed only by the owner */
};

static struct lkl_cpu cpu;

int lkl_cpu_init(void)
{
	cpu.lock = lkl_ops->mutex_alloc(0);
	cpu.sleep_sem = lkl_ops->sem_alloc(0);
	cpu.idle_sem = lkl_ops->sem_alloc(0);
	if (!cpu.lock || !cpu.sleep_sem || !cpu.idle_sem)
		return -ENOMEM;
	cpu.curr = &init_task;
	WRITE_ONCE(cpu.ready, true);
	return 0;
}

/* Interrupts may be raised from boot until shutdown. */
bool lkl_cpu_ready(void)
{
	return READ_ONCE(cpu.ready) && !READ_ONCE(cpu.shutdown);
}

struct task_struct *lkl_cpu_curr(void)
{
	return cpu.curr;
}

void lkl_cpu_set_curr(struct task_struct *next)
{
	cpu.curr = next;
}

void lkl_cpu_hand_over(lkl_thread_t tid)
{
	WRITE_ONCE(cpu.owner, tid);
}

static int cpu_take(lkl_thread_t self)
{
	cpu.owned = true;
	cpu.owner = self;
	lkl_current = cpu.curr;
	return 0;
}

/*
 * Wait for the CPU.  Returns 0 with the CPU owned and current set to the
 * CPU's current task, or -ENODEV once the kernel is shutting down.
 */
int lkl_cpu_get(void)
{
	lkl_thread_t self = lkl_ops->thread_self();
	int ret = -ENODEV;

	lkl_ops->mutex_lock(cpu.lock);
	if (cpu.owned && lkl_ops->thread_equal(cpu.owner, self)) {
		/* A host callback made a system call from kernel context. */
		lkl_ops->mutex_unlock(cpu.lock);
		return -EDEADLK;
	}
	while (cpu.owned && !cpu.shutdown) {
		cpu.sleepers++;
		lkl_ops->mutex_unlock(cpu.lock);
		lkl_ops->sem_down(cpu.sleep_sem);
		lkl_ops->mutex_lock(cpu.lock);
		cpu.sleepers--;
	}
	if (!cpu.shutdown)
		ret = cpu_take(self);
	lkl_ops->mutex_unlock(cpu.lock);
	return ret;
}

/* Take the CPU only if it is free: for interrupts, which can wait. */
int lkl_cpu_try_get(void)
{
	int ret = -EBUSY;

	lkl_ops->mutex_lock(cpu.lock);
	if (!cpu.owned && !cpu.shutdown)
		ret = cpu_take(lkl_ops->thread_self());
	lkl_ops->mutex_unlock(cpu.lock);
	return ret;
}

/* Let the idle thread run the scheduler; one pending kick is enough. */
static void kick_idle(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	if (!cpu.idle_kicked) {
		cpu.idle_kicked = true;
		lkl_ops->sem_up(cpu.idle_sem);
	}
	lkl_ops->mutex_unlock(cpu.lock);
}

/*
 * Release the CPU unless an interrupt is pending; returns false when one
 * is (the caller runs it and tries again).
 */
static bool cpu_release(void)
{
	lkl_ops->mutex_lock(cpu.lock);
	if (lkl_irqs_pending() && !cpu.shutdown) {
		lkl_ops->mutex_unlock(cpu.lock);
		return false;
	}
	cpu.owned = false;
	if (cpu.sleepers)
		lkl_ops->sem_up(cpu.sleep_sem);
	lkl_ops->mutex_unlock(cpu.lock);
	return true;
}

/*
 * Give the CPU up.  Interrupts that arrived while it was owned run first.
 * If a task is waiting to run, the current task leaves the CPU: a host
 * task is parked (the scheduler picks the next task right here); the
 * idle task's own thread is woken to call the scheduler.
 */
void lkl_cpu_put(void)
{
	struct task_struct *curr;
	bool host, own, ran = false;

	do {
		ran |= lkl_run_pending_irqs();
		curr = cpu.curr;
		if (lkl_halting)
			continue;
		host = test_tsk_thread_flag(curr, TIF_HOST_TASK);
		own = host && lkl_ops->thread_equal(task_thread_info(curr)->tid,
						    lkl_ops->thread_self());
		/*
		 * A host task stays current after its own call only while
		 * nothing else needs the CPU.  Once another thread had to use
		 * the CPU (the tick, a device), it is parked, so that an idle
		 * kernel really idles: the idle task stops the tick.
		 */
		if (host && (!own || test_tsk_need_resched(curr))) {
			lkl_current = curr;
			lkl_host_task_park();
			return;
		}
		/*
		 * Wake the idle thread when it must schedule, and after an
		 * interrupt, as hardware leaves its idle instruction: the idle
		 * loop then sees the tick fired and stops it (NO_HZ_IDLE).
		 */
		if (is_idle_task(curr) && (ran || test_tsk_need_resched(curr)))
			kick_idle();
	} while (!cpu_release());
}

/*
 * The idle task's thread gives the CPU up until a kick says there is
 * something to schedule.  Called with interrupts disabled; returns with
 * the CPU and interrupts enabled.
 */
void arch_cpu_idle(void)
{
	do {
		lkl_run_pending_irqs();
		if (need_resched())
			goto out;
	} while (!cpu_release());

	lkl_ops->sem_down(cpu.idle_sem);
	if (lkl_halting || lkl_cpu_get() < 0)
		lkl_ops->thread_exit();
	lkl_ops->mutex_lock(cpu.lock);
	cpu.idle_kicked = false;
	lkl_ops->mutex_unlock(cpu.lock);
out:
	raw_local_irq_enable();
}

/* No more owners: waiting threads return -ENODEV, the idle thread exits. */
void lkl_cpu_shutdown(void)
{
	unsigned int i;

	lkl_ops->mutex_lock(cpu.lock);
	cpu.shutdown = true;
	for (i = 0; i < cpu.sleepers; i++)
		lkl_ops->sem_up(cpu.sleep_sem);
	lkl_ops->sem_up(cpu.idle_sem);
	lkl_ops->mutex_unlock(cpu.lock);
}
