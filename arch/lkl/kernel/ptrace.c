// SPDX-License-Identifier: GPL-2.0
/* Tasks have no user registers or user mode to trace. */
#include <linux/ptrace.h>
#include <linux/sched.h>

long arch_ptrace(struct task_struct *child, long request,
		 unsigned long addr, unsigned long data)
{
	return -EIO;
}

void ptrace_disable(struct task_struct *child)
{
}
