/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IRQ_H
#define _ASM_LKL_IRQ_H

/* Lines for the timer and host devices; a word of pending bits each. */
#define NR_IRQS		64

#include <asm-generic/irq.h>

#endif /* _ASM_LKL_IRQ_H */
