// SPDX-License-Identifier: GPL-2.0
/*
 * Start and halt.
 *
 * lkl_start_kernel() runs start_kernel() on a new host thread, which
 * becomes the idle task's thread, and returns once init has run every
 * initcall and exec'd /init (init.c).  lkl_sys_halt() syncs, powers the
 * kernel off through reboot(2), and machine_power_off() stops every
 * kernel thread before handing control back to the halting thread.
 */
#include <linux/init.h>
#include <linux/start_kernel.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/reboot.h>
#include <linux/pm.h>
#include <linux/syscalls.h>
#include <linux/string.h>
#include <linux/panic_notifier.h>
#include <linux/notifier.h>
#include <asm/setup.h>
#include <asm/lkl.h>

const struct lkl_host_operations *lkl_ops;

enum lkl_state { LKL_OFF, LKL_BOOTING, LKL_RUNNING, LKL_HALTED };
static enum lkl_state state;
static struct lkl_sem *boot_sem;
static lkl_thread_t init_thread;

void lkl_host_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lkl_ops->print(buf, len);
}

int lkl_is_running(void)
{
	return READ_ONCE(state) == LKL_RUNNING;
}

/* A kernel panic ends the process through the host, with a message. */
static int lkl_panic_notify(struct notifier_block *nb, unsigned long event,
			    void *msg)
{
	lkl_host_printf("lkl: kernel panic: %s\n", (const char *)msg);
	lkl_ops->panic();
	return NOTIFY_DONE;
}

static struct notifier_block lkl_panic_nb = {
	.notifier_call = lkl_panic_notify,
};

/* Lets reboot(2) power off (not "halt instead"): machine_power_off() does it. */
static void lkl_pm_power_off(void)
{
}

void __init setup_arch(char **cmdline_p)
{
	*cmdline_p = boot_command_line;
	lkl_console_init();
	atomic_notifier_chain_register(&panic_notifier_list, &lkl_panic_nb);
	pm_power_off = lkl_pm_power_off;
	parse_early_param();
	lkl_bootmem_init();
}

/* Init sections are never freed (free_initmem()): the references are safe. */
static void __ref boot_thread(void *arg)
{
	task_thread_info(&init_task)->tid = lkl_ops->thread_self();
	lkl_current = &init_task;
	if (lkl_cpu_get() < 0)
		lkl_ops->panic();
	start_kernel();
}

/* init has exec'd /init: boot is over (host_tasks.c). */
void lkl_boot_done(lkl_thread_t thread)
{
	init_thread = thread;
	lkl_ops->sem_up(boot_sem);
}

static int check_ops(const struct lkl_host_operations *ops)
{
	if (!ops)
		return -EINVAL;
	if (ops->version != LKL_HOST_OPS_VERSION) {
		if (ops->print) {
			static const char msg[] =
				"lkl: host operations of an unknown version, refusing to boot\n";
			ops->print(msg, sizeof(msg) - 1);
		}
		return -EINVAL;
	}
	return 0;
}

int __ref lkl_start_kernel(const struct lkl_host_operations *ops,
		     const char *cmdline)
{
	struct thread_info *ti = task_thread_info(&init_task);
	int err;

	err = check_ops(ops);
	if (err)
		return err;
	if (state != LKL_OFF)
		return -EBUSY;
	if (snprintf(boot_command_line, COMMAND_LINE_SIZE, "%s%s%s",
		     cmdline ? cmdline : "", ops->boot_args ? " " : "",
		     ops->boot_args ? ops->boot_args : "") >= COMMAND_LINE_SIZE)
		return -E2BIG;

	lkl_ops = ops;
	state = LKL_BOOTING;
	err = -ENOMEM;
	boot_sem = lkl_ops->sem_alloc(0);
	ti->sched_sem = lkl_ops->sem_alloc(0);
	if (!boot_sem || !ti->sched_sem)
		goto fail;
	err = lkl_bootmem_reserve(boot_command_line);
	if (err) {
		lkl_host_printf("lkl: the host cannot give the memory asked for\n");
		goto fail;
	}
	err = lkl_cpu_init();
	if (err)
		goto fail;
	err = lkl_host_tasks_init();
	if (err)
		goto fail;
	if (!lkl_ops->thread_create(boot_thread, NULL))
		goto fail;

	lkl_ops->sem_down(boot_sem);
	lkl_ops->thread_join(init_thread);
	WRITE_ONCE(state, LKL_RUNNING);
	return 0;

fail:
	/*
	 * Host objects allocated so far stay: the kernel cannot boot twice.
	 * Interrupts are refused from now on.
	 */
	if (lkl_cpu_ready())
		lkl_cpu_shutdown();
	state = LKL_HALTED;
	return err;
}

long lkl_sys_halt(void)
{
	long params[6] = { LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			   LINUX_REBOOT_CMD_POWER_OFF, 0, 0, 0 };
	long ret;

	if (!lkl_is_running())
		return -ENODEV;

	lkl_syscall(__NR_sync, params);
	ret = lkl_syscall(__NR_reboot, params);
	if (!READ_ONCE(lkl_halting))
		return ret;

	WRITE_ONCE(state, LKL_HALTED);
	lkl_time_free();
	lkl_host_tasks_free();
	lkl_bootmem_free();
	return 0;
}

/*
 * reboot(2) ends here once devices are shut down.  Stop the kernel's
 * threads and leave the system call for good: lkl_sys_halt() goes on.
 */
static void __noreturn lkl_power_off(void)
{
	lkl_threads_stop();
	lkl_halted_wakeup();
}

void machine_power_off(void)
{
	lkl_power_off();
}


void machine_halt(void)
{
	lkl_power_off();
}

void machine_restart(char *cmd)
{
	lkl_power_off();
}
