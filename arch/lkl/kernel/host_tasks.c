// SPDX-License-Identifier: GPL-2.0
/*
 * Host tasks: the kernel tasks of application threads.
 *
 * An application thread's first system call gives it a task of its own,
 * a thread of the init process (so getpid() is 1 for all of them, as for
 * the threads of one process), found again through a host TLS key and
 * released by the key's destructor when the thread exits.  The call then
 * runs on the application's own thread: no hand-off to a kernel thread.
 *
 * When the thread leaves the kernel its task stays the CPU's current task
 * ("lazy"), so the next call needs no switch.  When another task must run,
 * whichever thread holds the CPU parks the host task: TASK_PARKED (which
 * nothing but host_task_enter() wakes) and a detached switch (threads.c).
 * A parked task resumes when its thread calls again: it wakes the task,
 * gets the current task off the CPU, and sleeps until switched in.
 *
 * init itself becomes a host task once it has exec'd /init (init.c): it
 * is the parent that new host tasks are created from.
 */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/sched/idle.h>
#include <linux/resume_user_mode.h>
#include <linux/task_work.h>
#include <linux/pid.h>
#include <asm/lkl.h>

static struct lkl_tls_key *task_key;
/* Creating a host task adopts init; one creator at a time. */
static struct lkl_mutex *create_lock;
static struct task_struct *host0;

static int host_task_stub(void *unused)
{
	return 0;
}

bool lkl_is_host_task_fn(int (*fn)(void *))
{
	return fn == host_task_stub;
}

static void park_schedule(void *unused)
{
	schedule();
}

/*
 * Switch the CPU from current, a host task whose thread is outside the
 * kernel (or leaving it), to the next task.  Returns without the CPU.
 */
void lkl_host_task_park(void)
{
	struct lkl_jmp_buf jb;

	set_special_state(TASK_PARKED);
	current_thread_info()->park_jb = &jb;
	lkl_ops->jmp_buf_set(&jb, park_schedule, NULL);
}

/*
 * Make @task current on the calling thread.  Called with the CPU, as the
 * CPU's current task; returns 0 with the CPU, as @task, or -ENODEV
 * without it if the kernel halted meanwhile.
 */
static int host_task_enter(struct task_struct *task)
{
	struct thread_info *ti = task_thread_info(task);
	struct task_struct *curr = lkl_cpu_curr();

	ti->tid = lkl_ops->thread_self();
	if (curr == task) {
		lkl_current = task;
		return 0;
	}

	wake_up_state(task, TASK_PARKED);
	if (test_tsk_thread_flag(curr, TIF_HOST_TASK)) {
		lkl_host_task_park();
	} else {
		/* The idle task: only its own thread switches away from it. */
		set_tsk_need_resched(curr);
		lkl_cpu_put();
	}

	lkl_ops->sem_down(ti->sched_sem);
	if (!lkl_switched_in(task))
		return -ENODEV;
	schedule_tail(lkl_last_prev());
	return 0;
}

/* What a real kernel does on the way back to user mode. */
static void host_task_exit_to_user(void)
{
	if (test_thread_flag(TIF_NOTIFY_SIGNAL)) {
		clear_thread_flag(TIF_NOTIFY_SIGNAL);
		task_work_run();
	}
	if (test_thread_flag(TIF_NOTIFY_RESUME))
		resume_user_mode_work(NULL);
	/* No signal handlers run in host tasks: drop what is pending. */
	if (signal_pending(current))
		flush_signals(current);
}

static void host_task_exit(void *unused)
{
	do_exit(0);
}

/* End current, a host task; returns without the CPU. */
static void host_task_end(void)
{
	struct lkl_jmp_buf jb;

	/* The switch away from the dead task jumps back here. */
	current_thread_info()->park_jb = &jb;
	lkl_ops->jmp_buf_set(&jb, host_task_exit, NULL);
}

/*
 * Called with the CPU; returns with it as the new task, or an error
 * without it.
 */
static struct task_struct *host_task_create(void)
{
	struct task_struct *task;
	char comm[TASK_COMM_LEN];
	pid_t pid;
	int err;

	err = host_task_enter(host0);
	if (err)
		return ERR_PTR(err);

	pid = user_mode_thread(host_task_stub, NULL,
			       CLONE_VM | CLONE_FS | CLONE_FILES |
			       CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM);
	if (pid < 0) {
		lkl_cpu_put();
		return ERR_PTR(pid);
	}

	rcu_read_lock();
	task = find_task_by_pid_ns(pid, &init_pid_ns);
	rcu_read_unlock();

	snprintf(comm, sizeof(comm), "host%d", pid);
	__set_task_comm(task, comm, false);

	err = host_task_enter(task);
	if (err)
		return ERR_PTR(err);
	if (lkl_ops->tls_set(task_key, task)) {
		host_task_end();
		return ERR_PTR(-ENOMEM);
	}
	return task;
}

/*
 * Where an application thread's call into the kernel goes back to if the
 * kernel halts while the thread sleeps in it.  Host TLS, not kernel
 * memory: the kernel's memory is given back to the host at halt.
 */
static __thread struct lkl_jmp_buf *halt_jb
	__attribute__((tls_model("initial-exec")));

struct host_call {
	long no;
	long *params;
	long ret;
};

/* Runs inside halt_jb: everything from taking the CPU to giving it up. */
static void host_call_run(void *arg)
{
	struct host_call *call = arg;
	struct task_struct *task = lkl_ops->tls_get(task_key);
	int err;

	if (!task) {
		lkl_ops->mutex_lock(create_lock);
		err = lkl_cpu_get();
		if (!err) {
			task = host_task_create();
			err = IS_ERR(task) ? PTR_ERR(task) : 0;
		}
		lkl_ops->mutex_unlock(create_lock);
	} else {
		err = lkl_cpu_get();
		if (!err)
			err = host_task_enter(task);
	}
	if (err) {
		call->ret = err;
		return;
	}

	call->ret = lkl_run_syscall(call->no, call->params);
	host_task_exit_to_user();
	lkl_cpu_put();
}

static long host_call(void (*fn)(void *), struct host_call *call)
{
	struct lkl_jmp_buf jb, *outer = halt_jb;

	if (!lkl_is_running())
		return -ENODEV;
	halt_jb = &jb;
	lkl_ops->jmp_buf_set(&jb, fn, call);
	/* A call made from a host callback (refused) must not lose ours. */
	halt_jb = outer;
	return call->ret;
}

long lkl_syscall(long no, long *params)
{
	struct host_call call = { .no = no, .params = params, .ret = -ENODEV };

	return host_call(host_call_run, &call);
}

/*
 * A thread woken because the kernel halts: an application thread leaves
 * the kernel through halt_jb (its call returns -ENODEV), a kernel thread
 * ends.  Nothing in the kernel's memory may be touched any more.
 */
void lkl_halted_wakeup(void)
{
	if (halt_jb)
		lkl_ops->jmp_buf_longjmp(halt_jb, 1);
	lkl_ops->thread_exit();
	unreachable();
}

static void host_task_release_run(void *arg)
{
	struct host_call *call = arg;
	struct task_struct *task = (struct task_struct *)call->params;

	if (lkl_cpu_get() < 0 || host_task_enter(task) < 0)
		return;
	host_task_end();
}

/* The TLS destructor: the application thread exits, so does its task. */
static void host_task_release(void *data)
{
	struct host_call call = { .params = data };

	host_call(host_task_release_run, &call);
}

/*
 * A user-mode thread returned from its function: that is init after
 * exec'ing /init.  It becomes host0, the parent of host tasks, and its
 * host thread ends; lkl_start_kernel() joins it.
 */
void lkl_enter_user_mode(void)
{
	set_thread_flag(TIF_HOST_TASK);
	host0 = current;
	host_task_exit_to_user();
	lkl_host_task_park();
	lkl_boot_done(lkl_ops->thread_self());
	lkl_ops->thread_exit();
	unreachable();
}

int lkl_host_tasks_init(void)
{
	create_lock = lkl_ops->mutex_alloc(0);
	task_key = lkl_ops->tls_alloc(host_task_release);
	if (!create_lock || !task_key)
		return -ENOMEM;
	return 0;
}

/* After halt: application threads that exit no longer reach the kernel. */
void lkl_host_tasks_free(void)
{
	lkl_ops->tls_free(task_key);
}
