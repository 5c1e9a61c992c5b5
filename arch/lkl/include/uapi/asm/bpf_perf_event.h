/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_BPF_PERF_EVENT_H
#define _ASM_UAPI_LKL_BPF_PERF_EVENT_H

#include <linux/types.h>
#include <asm/ptrace.h>

typedef struct user_pt_regs bpf_user_pt_regs_t;

#endif /* _ASM_UAPI_LKL_BPF_PERF_EVENT_H */
