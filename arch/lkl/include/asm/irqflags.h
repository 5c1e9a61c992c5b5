/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IRQFLAGS_H
#define _ASM_LKL_IRQFLAGS_H

#define ARCH_IRQ_ENABLED	1
#define ARCH_IRQ_DISABLED	0

#ifndef __ASSEMBLY__
/*
 * The CPU's interrupt flag (kernel/irq.c).  Interrupts raised while it is
 * clear stay pending; setting it runs them, as hardware would.
 */
extern unsigned long lkl_irq_flags;
extern unsigned long lkl_irq_pending_word[];
void lkl_irq_enable_pending(void);

static inline unsigned long arch_local_save_flags(void)
{
	return lkl_irq_flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags == ARCH_IRQ_ENABLED && lkl_irq_flags == ARCH_IRQ_DISABLED &&
	    __atomic_load_n(&lkl_irq_pending_word[0], __ATOMIC_RELAXED))
		lkl_irq_enable_pending();
	else
		lkl_irq_flags = flags;
}

#include <asm-generic/irqflags.h>
#endif

#endif /* _ASM_LKL_IRQFLAGS_H */
