/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_SIGCONTEXT_H
#define _ASM_UAPI_LKL_SIGCONTEXT_H

#include <asm/ptrace.h>

/* Signals are not delivered to host threads by LKL: no saved context. */
struct sigcontext {
	struct user_pt_regs regs;
};

#endif /* _ASM_UAPI_LKL_SIGCONTEXT_H */
