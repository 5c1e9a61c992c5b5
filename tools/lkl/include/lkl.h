/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl.h - the public API of the Linux Kernel Library.
 *
 * Every identifier here and in <lkl/...> starts with lkl_ or LKL_, so this
 * header may be included together with libc's headers.
 *
 * Calls return a negative errno (-LKL_EINVAL, ...) on failure, like the
 * kernel's own system calls; lkl_strerror() names it.
 */
#ifndef _LKL_H
#define _LKL_H

#include <lkl/asm/host_ops.h>
#include <lkl/asm/user_memory.h>
#include <lkl/syscalls.h>	/* lkl_sys_<name>() for every system call */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Kernel life cycle (arch/lkl/kernel/setup.c) ---- */

/**
 * lkl_start_kernel - boot the kernel in this process
 * @ops: host operations; &lkl_host_ops for the POSIX implementation
 * @cmdline: kernel command line, e.g. "mem=64M loglevel=4"
 *
 * Returns 0 once every initcall has run and system calls can be made,
 * or a negative errno (a host-ops table of an unknown version, no memory,
 * a kernel already running).  The kernel runs on threads of its own; the
 * caller's thread is returned to it.
 */
int lkl_start_kernel(const struct lkl_host_operations *ops,
		     const char *cmdline);

/**
 * lkl_is_running - 1 between a successful lkl_start_kernel() and the end
 * of lkl_sys_halt(), else 0.
 */
int lkl_is_running(void);

/**
 * lkl_sys_halt - shut the kernel down
 *
 * Syncs filesystems, powers the kernel off, stops its threads and joins
 * them, and frees its memory.  Afterwards every system call returns
 * -LKL_ENODEV.  Returns 0, or a negative errno if no kernel was running.
 */
long lkl_sys_halt(void);

/* ---- System calls (arch/lkl/kernel/syscalls.c) ---- */

/**
 * lkl_syscall - make system call @no (__lkl__NR_<name>) with up to six
 * arguments in @params.  Runs on the calling thread, which gets a kernel
 * task of its own on its first call (released when the thread exits).
 * Returns the call's result; -LKL_ENOSYS for an unknown number.
 */
long lkl_syscall(long no, long *params);

/**
 * lkl_set_user_memory - where the calling host thread's system calls find
 * the memory their pointers point to: @mem's functions, or with NULL (the
 * default) this process's own memory.  For a thread that makes calls on
 * behalf of another process (see <lkl/asm/user_memory.h>).
 */
void lkl_set_user_memory(const struct lkl_user_memory *mem);

/* ---- Interrupts (arch/lkl/kernel/irq.c) ---- */

/**
 * lkl_get_free_irq - reserve an interrupt line for a host device.
 * Returns the irq number, or a negative errno when none is left.
 */
int lkl_get_free_irq(const char *user);

/** lkl_put_irq - give back a line reserved with lkl_get_free_irq(). */
void lkl_put_irq(int irq, const char *user);

/**
 * lkl_trigger_irq - raise @irq from any host thread.  Its handler runs
 * now if the kernel's CPU is free, else before the CPU is next released.
 * Returns 0, -LKL_EINVAL for a bad number, or -LKL_ENODEV before boot
 * and after halt.
 */
int lkl_trigger_irq(int irq);

/* ---- Helpers of the host library (tools/lkl/lib/utils.c) ---- */

/** lkl_strerror - the text for a negative (or positive) errno. */
const char *lkl_strerror(int err);

/** lkl_perror - print "msg: text of err" on stderr. */
void lkl_perror(const char *msg, int err);

/**
 * lkl_mount_fs - mount a virtual filesystem ("proc", "sysfs", "tmpfs",
 * "devtmpfs", ...) at /<fstype> inside the kernel, creating the
 * directory.  Returns 0 (also when it is mounted there already) or a
 * negative errno.
 */
int lkl_mount_fs(const char *fstype);

#ifdef __cplusplus
}
#endif

/*
 * The host library's devices (disks, network devices, their
 * configuration) and lkl_host_ops: one #include <lkl.h> gives the whole
 * API.  lkl_host.h includes this file first, so either order works.
 */
#include <lkl_host.h>
#include <lkl_config.h>

#endif /* _LKL_H */
