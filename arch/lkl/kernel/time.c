// SPDX-License-Identifier: GPL-2.0
/*
 * Time: the host's monotonic clock is the clocksource and sched_clock;
 * one host one-shot timer is the clock-event device.  With
 * HIGH_RES_TIMERS and NO_HZ_IDLE, hrtimers get the host timer's
 * resolution and an idle kernel programs no tick at all.
 *
 * The host timer's callback runs on a host thread of its own: it only
 * raises the timer interrupt, whose handler runs under CPU ownership
 * like any other interrupt.
 */
#include <linux/clocksource.h>
#include <linux/clockchips.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/sched/clock.h>
#include <asm/lkl.h>

static struct lkl_timer *host_timer;

static u64 clock_read(struct clocksource *cs)
{
	return lkl_ops->time();
}

static struct clocksource lkl_clocksource = {
	.name	= "lkl",
	.rating	= 499,
	.read	= clock_read,
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS | CLOCK_SOURCE_VALID_FOR_HRES,
	.mask	= CLOCKSOURCE_MASK(64),
};

unsigned long long sched_clock(void)
{
	return lkl_ops->time();
}

static int timer_next_event(unsigned long delta_ns,
			    struct clock_event_device *evt)
{
	return lkl_ops->timer_set_oneshot(host_timer, delta_ns);
}

static struct clock_event_device lkl_clockevent = {
	.name		= "lkl",
	.features	= CLOCK_EVT_FEAT_ONESHOT,
	.set_next_event	= timer_next_event,
	.rating		= 499,
	.irq		= LKL_TIMER_IRQ,
};

static void host_timer_fired(void *arg)
{
	lkl_trigger_irq(LKL_TIMER_IRQ);
}

static irqreturn_t timer_irq(int irq, void *dev_id)
{
	lkl_clockevent.event_handler(&lkl_clockevent);
	return IRQ_HANDLED;
}

void __init time_init(void)
{
	host_timer = lkl_ops->timer_alloc(host_timer_fired, NULL);
	if (!host_timer)
		panic("lkl: cannot allocate the host timer\n");
	if (request_irq(LKL_TIMER_IRQ, timer_irq, IRQF_TIMER, "timer", NULL))
		panic("lkl: cannot request the timer interrupt\n");

	clocksource_register_hz(&lkl_clocksource, NSEC_PER_SEC);

	lkl_clockevent.cpumask = cpumask_of(0);
	clockevents_config_and_register(&lkl_clockevent, NSEC_PER_SEC,
					1, ULONG_MAX);

	/* Delay loops spin on the clock, counting nanoseconds (below). */
	lpj_fine = NSEC_PER_SEC / HZ;
}

/* At halt: stop the host timer (and with the last one, its thread). */
void lkl_time_free(void)
{
	if (host_timer)
		lkl_ops->timer_free(host_timer);
	host_timer = NULL;
}

/* A "loop" is one nanosecond: see lpj_fine above. */
void __delay(unsigned long loops)
{
	unsigned long long end = lkl_ops->time() + loops;

	while (lkl_ops->time() < end)
		cpu_relax();
}

void __ndelay(unsigned long nsecs)
{
	__delay(nsecs);
}

void __udelay(unsigned long usecs)
{
	__delay(usecs * NSEC_PER_USEC);
}

/* xloops is usecs * 2^32 / 10^6, as asm-generic/delay.h computes it. */
void __const_udelay(unsigned long xloops)
{
	__delay(((unsigned long long)xloops * NSEC_PER_SEC) >> 32);
}
