// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics: there are no traps and no register frames to show; a stack
 * trace would be the host's (use the host's debugger).
 */
#include <linux/sched/debug.h>
#include <linux/printk.h>
#include <asm/ptrace.h>

void show_regs(struct pt_regs *regs)
{
	pr_info("lkl: no registers to show (tasks run on host threads)\n");
}

void show_stack(struct task_struct *task, unsigned long *sp,
		const char *loglvl)
{
	printk("%slkl: no stack trace; use a host debugger\n", loglvl);
}
