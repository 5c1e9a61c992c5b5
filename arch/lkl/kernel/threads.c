// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks on host threads.
 *
 * Every kernel thread runs on a host thread of its own, created with the
 * task (copy_thread()).  A task's thread sleeps on the task's sched_sem
 * while the task is off the CPU.  __switch_to(prev, next) wakes next's
 * thread, which now owns the CPU, and puts prev's thread to sleep: the
 * Linux scheduler decides who runs, the host only provides the blocking.
 *
 * Host tasks (host_tasks.c) are the exception: their thread is an
 * application thread, which may be outside the kernel when its task is
 * switched out.  Such a "detached" switch is made by whichever thread
 * holds the CPU; it jumps back (park_jb) instead of sleeping.
 */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <asm/switch_to.h>
#include <asm/lkl.h>

__thread struct task_struct *lkl_current __attribute__((tls_model("initial-exec")));
bool lkl_halting;

/* The previous task of the latest switch: what schedule_tail() needs. */
static struct task_struct *last_prev;
/* The host thread of a kernel thread that died in the latest switch. */
static lkl_thread_t dead_tid;

/*
 * Called by a thread that was switched in: it owns the CPU.  Returns
 * false if it was woken because the kernel halts instead.
 */
bool lkl_switched_in(struct task_struct *self)
{
	lkl_thread_t tid;

	if (READ_ONCE(lkl_halting))
		return false;
	lkl_current = self;
	tid = dead_tid;
	dead_tid = 0;
	/* The dead thread is on its way out; it holds nothing we need. */
	if (tid)
		lkl_ops->thread_join(tid);
	return true;
}

struct task_struct *lkl_last_prev(void)
{
	return last_prev;
}

struct task_struct *__switch_to(struct task_struct *prev,
				struct task_struct *next)
{
	struct thread_info *prev_ti = task_thread_info(prev);
	struct thread_info *next_ti = task_thread_info(next);
	struct lkl_jmp_buf *jb = prev_ti->park_jb;

	last_prev = prev;
	lkl_cpu_set_curr(next);
	lkl_cpu_hand_over(next_ti->tid);

	/*
	 * A detached switch (a parked or ended host task): this thread goes
	 * back to where it was.  Sleeps on the way (in do_exit(), say) are
	 * ordinary switches: the thread is the task's own and can wait.
	 */
	if (jb && (READ_ONCE(prev->__state) == TASK_PARKED ||
		   READ_ONCE(prev->__state) == TASK_DEAD)) {
		prev_ti->park_jb = NULL;
		lkl_ops->sem_up(next_ti->sched_sem);
		lkl_ops->jmp_buf_longjmp(jb, 1);
	}
	if (READ_ONCE(prev->__state) == TASK_DEAD) {
		/* next's thread joins us; prev's memory is freed there too. */
		dead_tid = lkl_ops->thread_self();
		lkl_ops->sem_up(next_ti->sched_sem);
		lkl_ops->thread_exit();
	}
	lkl_ops->sem_up(next_ti->sched_sem);
	lkl_ops->sem_down(prev_ti->sched_sem);
	if (!lkl_switched_in(prev))
		lkl_halted_wakeup();
	return last_prev;
}

/* The first code a new kernel thread's host thread runs. */
static void thread_bootstrap(void *arg)
{
	struct task_struct *task = arg;
	struct thread_info *ti = task_thread_info(task);

	lkl_ops->sem_down(ti->sched_sem);
	if (!lkl_switched_in(task))
		lkl_halted_wakeup();
	schedule_tail(last_prev);

	task->thread.fn(task->thread.fn_arg);

	/*
	 * Kernel threads never get here (they end in do_exit()).  A user
	 * mode thread does: init, once it has exec'd /init (init.c).
	 */
	lkl_enter_user_mode();
}

int copy_thread(struct task_struct *p, const struct kernel_clone_args *args)
{
	struct thread_info *ti = task_thread_info(p);

	/* The thread_info was copied from the parent: start afresh. */
	clear_ti_thread_flag(ti, TIF_HOST_TASK);
	ti->park_jb = NULL;
	ti->tid = 0;

	if (!args->fn)
		return -EINVAL;		/* no user mode to fork() into */

	ti->sched_sem = lkl_ops->sem_alloc(0);
	if (!ti->sched_sem)
		return -ENOMEM;

	if (lkl_is_host_task_fn(args->fn)) {
		/* An application thread will run it: no thread of its own. */
		set_ti_thread_flag(ti, TIF_HOST_TASK);
		return 0;
	}

	p->thread.fn = args->fn;
	p->thread.fn_arg = args->fn_arg;
	ti->tid = lkl_ops->thread_create(thread_bootstrap, p);
	if (!ti->tid) {
		lkl_ops->sem_free(ti->sched_sem);
		ti->sched_sem = NULL;
		return -ENOMEM;
	}
	return 0;
}

void arch_release_task_struct(struct task_struct *tsk)
{
	struct thread_info *ti = task_thread_info(tsk);

	if (ti->sched_sem)
		lkl_ops->sem_free(ti->sched_sem);
	ti->sched_sem = NULL;
}

void flush_thread(void)
{
}

/*
 * Halt: wake every task's thread so that kernel threads exit, and join
 * them; application threads sleeping in a system call return from it
 * with -ENODEV.  Called by the halting thread, which owns the CPU.
 */
void lkl_threads_stop(void)
{
	struct task_struct *g, *t;
	lkl_thread_t *tids, self = lkl_ops->thread_self();
	int n = 0, max = nr_threads + 1, i;

	tids = kmalloc_array(max, sizeof(*tids), GFP_KERNEL);

	WRITE_ONCE(lkl_halting, true);
	lkl_cpu_shutdown();

	rcu_read_lock();
	for_each_process_thread(g, t) {
		struct thread_info *ti = task_thread_info(t);

		if (t->exit_state || !ti->sched_sem)
			continue;
		if (!test_ti_thread_flag(ti, TIF_HOST_TASK) && tids &&
		    n < max && ti->tid && !lkl_ops->thread_equal(ti->tid, self))
			tids[n++] = ti->tid;
		lkl_ops->sem_up(ti->sched_sem);
	}
	rcu_read_unlock();

	/* The idle task: the thread that booted the kernel. */
	if (tids && n < max)
		tids[n++] = task_thread_info(&init_task)->tid;
	lkl_ops->sem_up(task_thread_info(&init_task)->sched_sem);

	for (i = 0; i < n; i++)
		lkl_ops->thread_join(tids[i]);
	if (dead_tid)
		lkl_ops->thread_join(dead_tid);
	dead_tid = 0;
	kfree(tids);
}
