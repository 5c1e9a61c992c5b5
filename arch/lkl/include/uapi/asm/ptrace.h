/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_PTRACE_H
#define _ASM_UAPI_LKL_PTRACE_H

/*
 * LKL has no user mode of its own: a task's "registers" are the host
 * thread it runs on.  The structure exists for the generic headers.
 */
struct user_pt_regs {
	unsigned long regs[1];
};

#endif /* _ASM_UAPI_LKL_PTRACE_H */
