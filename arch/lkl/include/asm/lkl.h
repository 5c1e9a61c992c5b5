/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_LKL_H
#define _ASM_LKL_LKL_H

#include <asm/host_ops.h>

/* Internal interfaces between the files of arch/lkl/kernel. */

struct task_struct;

/*
 * The virtual CPU (kernel/cpu.c).  A host thread runs kernel code only
 * while it owns the CPU.
 */
int lkl_cpu_init(void);
int lkl_cpu_get(void);
int lkl_cpu_try_get(void);
void lkl_cpu_put(void);
void lkl_cpu_shutdown(void);
bool lkl_cpu_ready(void);

/* The task the scheduler runs on the CPU, kept up to date by switches. */
struct task_struct *lkl_cpu_curr(void);
void lkl_cpu_set_curr(struct task_struct *next);
/* Hand ownership to the host thread @tid as part of a task switch. */
void lkl_cpu_hand_over(lkl_thread_t tid);

/* Task switching (kernel/threads.c). */
/* Set once halt has begun: kernel threads woken then exit. */
extern bool lkl_halting;
bool lkl_switched_in(struct task_struct *self);
struct task_struct *lkl_last_prev(void);
void lkl_threads_stop(void);

/* Host tasks (kernel/host_tasks.c): tasks of application threads. */
int lkl_host_tasks_init(void);
void lkl_host_tasks_free(void);
bool lkl_is_host_task_fn(int (*fn)(void *));
void lkl_host_task_park(void);
void lkl_halted_wakeup(void) __noreturn;
void lkl_enter_user_mode(void) __noreturn;

/* Life cycle (kernel/setup.c); the first two are public API. */
int lkl_start_kernel(const struct lkl_host_operations *ops,
		     const char *cmdline);
long lkl_sys_halt(void);
int lkl_is_running(void);
void lkl_boot_done(lkl_thread_t init_thread);

/* Interrupts (kernel/irq.c). */
#define LKL_TIMER_IRQ	1
int lkl_trigger_irq(int irq);
int lkl_get_free_irq(const char *user);
void lkl_put_irq(int irq, const char *user);
bool lkl_irqs_pending(void);
bool lkl_run_pending_irqs(void);

/* Time (kernel/time.c). */
void lkl_time_free(void);

/* System calls (kernel/syscalls.c, kernel/host_tasks.c). */
long lkl_run_syscall(long no, long *params);
long lkl_syscall(long no, long *params);

/* Another process's user memory for this thread (kernel/user_memory.c). */
struct lkl_user_memory;
void lkl_set_user_memory(const struct lkl_user_memory *mem);

/* The kernel log (kernel/console.c). */
void lkl_console_init(void);

/* Memory (mm/bootmem.c). */
int lkl_bootmem_reserve(const char *cmdline);
void lkl_bootmem_init(void);
void lkl_bootmem_free(void);

#endif /* _ASM_LKL_LKL_H */
