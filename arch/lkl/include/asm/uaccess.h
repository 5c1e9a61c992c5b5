/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_UACCESS_H
#define _ASM_LKL_UACCESS_H

/*
 * No MMU: "user" memory is the application's memory, copied with memcpy
 * (CONFIG_UACCESS_MEMCPY).  Nothing catches a wild pointer, but the page
 * at address 0 is refused, so a NULL pointer gives -EFAULT, not a crash.
 * An empty range touches nothing and is fine anywhere, as on other
 * arches: programs peek with recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC).
 */
#define LKL_USER_LOW_LIMIT	4096UL

static inline int __access_ok(const void __user *ptr, unsigned long size)
{
	unsigned long addr = (unsigned long)ptr;

	if (!size)
		return 1;
	return addr >= LKL_USER_LOW_LIMIT && addr + size >= addr;
}
#define __access_ok __access_ok

#include <asm-generic/uaccess.h>

#endif /* _ASM_LKL_UACCESS_H */
