/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_PROCESSOR_H
#define _ASM_LKL_PROCESSOR_H

#include <linux/compiler.h>

struct task_struct;

/*
 * A task's machine state is its host thread.  What a new kernel thread
 * runs first is kept here until its host thread starts (threads.c).
 */
struct thread_struct {
	int (*fn)(void *arg);
	void *fn_arg;
};

#define INIT_THREAD { }

/*
 * Busy-wait loops (on jiffies, say) must see interrupts as on hardware:
 * deliver the pending ones if interrupts are enabled (kernel/irq.c).
 */
extern unsigned long lkl_irq_flags;
extern unsigned long lkl_irq_pending_word[];
void lkl_irq_enable_pending(void);

static inline void cpu_relax(void)
{
	barrier();
	if (lkl_irq_flags && __atomic_load_n(&lkl_irq_pending_word[0],
					     __ATOMIC_RELAXED))
		lkl_irq_enable_pending();
}

/* No MMU: "user" pointers are the application's, anywhere. */
#define TASK_SIZE		(~0UL)
#define TASK_UNMAPPED_BASE	0
#define STACK_TOP		TASK_SIZE
#define STACK_TOP_MAX		TASK_SIZE

#define KSTK_EIP(tsk)		(0)
#define KSTK_ESP(tsk)		(0)

static inline unsigned long __get_wchan(struct task_struct *p)
{
	return 0;
}

#define task_pt_regs(tsk)	((struct pt_regs *)NULL)

#endif /* _ASM_LKL_PROCESSOR_H */
