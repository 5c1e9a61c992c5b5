/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_UNISTD_H
#define _ASM_UAPI_LKL_UNISTD_H

/*
 * LKL uses the generic system call table on every host.  These select
 * its optional entries; 32-bit hosts get the 64-bit time calls only.
 */
#define __ARCH_WANT_RENAMEAT
#if __SIZEOF_LONG__ == 8
#define __ARCH_WANT_NEW_STAT
#else
#define __ARCH_WANT_STAT64
#endif
#define __ARCH_WANT_SET_GET_RLIMIT
#define __ARCH_WANT_SYS_CLONE3

#include <asm-generic/unistd.h>

#endif /* _ASM_UAPI_LKL_UNISTD_H */
