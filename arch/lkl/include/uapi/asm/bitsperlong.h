/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _ASM_UAPI_LKL_BITSPERLONG_H
#define _ASM_UAPI_LKL_BITSPERLONG_H

/* LKL takes the word size of the host it is built for. */
#define __BITS_PER_LONG (__SIZEOF_LONG__ * 8)

#include <asm-generic/bitsperlong.h>

#endif /* _ASM_UAPI_LKL_BITSPERLONG_H */
