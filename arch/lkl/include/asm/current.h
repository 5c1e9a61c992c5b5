/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_CURRENT_H
#define _ASM_LKL_CURRENT_H

#ifndef __ASSEMBLY__
struct task_struct;

/*
 * "current" is per host thread: the task this host thread runs as now.
 * A thread that runs interrupts for the CPU runs them as the CPU's
 * current task, as hardware would; see kernel/cpu.c.
 */
extern __thread struct task_struct *lkl_current
	__attribute__((tls_model("initial-exec")));

static __always_inline struct task_struct *get_current(void)
{
	return lkl_current;
}

#define current get_current()
#endif

#endif /* _ASM_LKL_CURRENT_H */
