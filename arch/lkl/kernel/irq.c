// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts.
 *
 * Any host thread may raise an interrupt with lkl_trigger_irq().  If the
 * CPU is free the raising thread takes it and runs the handler at once;
 * otherwise the line stays pending and the CPU's owner runs it when it
 * next enables interrupts or gives the CPU up (cpu.c).
 *
 * The pending and reserved masks are touched by host threads that do not
 * own the CPU, and some of them before boot: plain host atomics here.
 */
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/hardirq.h>
#include <asm/irq_regs.h>
#include <asm/lkl.h>

#define IRQ_WORDS	(NR_IRQS / BITS_PER_LONG)

unsigned long lkl_irq_flags = ARCH_IRQ_DISABLED;
/*
 * Word 0 is a summary: nonzero when any line is pending; words 1.. hold
 * one bit per line.
 */
unsigned long lkl_irq_pending_word[1 + IRQ_WORDS];
static unsigned long irq_reserved[IRQ_WORDS];

static unsigned long *irq_word(unsigned long *mask, int irq)
{
	return &mask[irq / BITS_PER_LONG];
}

static unsigned long irq_bit(int irq)
{
	return 1UL << (irq % BITS_PER_LONG);
}

bool lkl_irqs_pending(void)
{
	return __atomic_load_n(&lkl_irq_pending_word[0], __ATOMIC_ACQUIRE);
}

/*
 * No register frame is interrupted, but the tick code accounts time and
 * runs timer_list timers only when there is one (tick_nohz_handler()):
 * give it a frame that says "kernel mode".
 */
static struct pt_regs irq_frame;

static void run_irq(int irq)
{
	struct pt_regs *old_regs;
	unsigned long flags;

	local_irq_save(flags);
	old_regs = set_irq_regs(&irq_frame);
	irq_enter();
	generic_handle_irq(irq);
	irq_exit();
	set_irq_regs(old_regs);
	local_irq_restore(flags);
}

/*
 * Run every pending interrupt; the caller owns the CPU.  Returns true if
 * it ran any.
 */
bool lkl_run_pending_irqs(void)
{
	static bool running;	/* only the CPU's owner gets here */
	unsigned long *pending = &lkl_irq_pending_word[1];
	unsigned long bits;
	int w;

	/* Handlers re-enable interrupts on return: do not nest. */
	bool ran = false;

	if (running || in_hardirq())
		return false;
	running = true;
	while (__atomic_exchange_n(&lkl_irq_pending_word[0], 0,
				   __ATOMIC_ACQ_REL)) {
		for (w = 0; w < IRQ_WORDS; w++) {
			bits = __atomic_exchange_n(&pending[w], 0,
						   __ATOMIC_ACQ_REL);
			while (bits) {
				int bit = __ffs(bits);

				bits &= ~(1UL << bit);
				run_irq(w * BITS_PER_LONG + bit);
				ran = true;
			}
		}
	}
	running = false;
	return ran;
}

/* local_irq_enable() with lines pending: run them, then enable. */
void lkl_irq_enable_pending(void)
{
	lkl_run_pending_irqs();
	lkl_irq_flags = ARCH_IRQ_ENABLED;
}

int lkl_trigger_irq(int irq)
{
	if (irq <= 0 || irq >= NR_IRQS)
		return -EINVAL;
	if (!lkl_cpu_ready())
		return -ENODEV;

	__atomic_fetch_or(irq_word(&lkl_irq_pending_word[1], irq),
			  irq_bit(irq), __ATOMIC_RELEASE);
	__atomic_store_n(&lkl_irq_pending_word[0], 1, __ATOMIC_RELEASE);

	/* Run it now if nobody owns the CPU; else its owner will. */
	if (lkl_cpu_try_get() == 0)
		lkl_cpu_put();
	return 0;
}

int lkl_get_free_irq(const char *user)
{
	int irq;

	/* Line 0 means "no interrupt" to drivers; the timer has its own. */
	for (irq = LKL_TIMER_IRQ + 1; irq < NR_IRQS; irq++) {
		unsigned long old = __atomic_fetch_or(irq_word(irq_reserved, irq),
						      irq_bit(irq),
						      __ATOMIC_ACQ_REL);

		if (!(old & irq_bit(irq)))
			return irq;
	}
	return -EBUSY;
}

void lkl_put_irq(int irq, const char *user)
{
	if (irq <= LKL_TIMER_IRQ || irq >= NR_IRQS)
		return;
	__atomic_fetch_and(irq_word(irq_reserved, irq), ~irq_bit(irq),
			   __ATOMIC_ACQ_REL);
}

void __init init_IRQ(void)
{
	int irq;

	for (irq = 0; irq < NR_IRQS; irq++)
		irq_set_chip_and_handler(irq, &dummy_irq_chip, handle_simple_irq);
}
