/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_UACCESS_H
#define _ASM_LKL_UACCESS_H

/*
 * No MMU: "user" memory is the application's memory, copied with memcpy.
 * Nothing catches a wild pointer, but the page at address 0 is refused,
 * so a NULL pointer gives -EFAULT, not a crash.  An empty range touches
 * nothing and is fine anywhere, as on other arches: programs peek with
 * recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC).
 *
 * A host thread may also make its calls for another process, whose
 * memory the host reaches another way (the hijack serving a fork's
 * child): lkl_set_user_memory() names that way, and every access below
 * takes it while it is set.  Checking a thread-local pointer is the
 * only cost to everyone else.
 */
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/user_memory.h>

#define LKL_USER_LOW_LIMIT	4096UL

static inline int __access_ok(const void __user *ptr, unsigned long size)
{
	unsigned long addr = (unsigned long)ptr;

	if (!size)
		return 1;
	return addr >= LKL_USER_LOW_LIMIT && addr + size >= addr;
}
#define __access_ok __access_ok

extern __thread const struct lkl_user_memory *lkl_user_memory
	__attribute__((tls_model("initial-exec")));

/* Through lkl_user_memory (kernel/user_memory.c): bytes not copied. */
unsigned long lkl_user_memory_read(void *to, const void __user *from,
				   unsigned long n);
unsigned long lkl_user_memory_write(void __user *to, const void *from,
				    unsigned long n);

static inline __must_check unsigned long
raw_copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (unlikely(lkl_user_memory))
		return lkl_user_memory_read(to, from, n);
	memcpy(to, (const void __force *)from, n);
	return 0;
}

static inline __must_check unsigned long
raw_copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (unlikely(lkl_user_memory))
		return lkl_user_memory_write(to, from, n);
	memcpy((void __force *)to, from, n);
	return 0;
}
#define INLINE_COPY_FROM_USER
#define INLINE_COPY_TO_USER

static __always_inline int
__get_user_fn(size_t size, const void __user *from, void *to)
{
	BUILD_BUG_ON(!__builtin_constant_p(size));

	if (unlikely(lkl_user_memory))
		return lkl_user_memory_read(to, from, size) ? -EFAULT : 0;
	switch (size) {
	case 1:
		*(u8 *)to = *((u8 __force *)from);
		return 0;
	case 2:
		*(u16 *)to = get_unaligned((u16 __force *)from);
		return 0;
	case 4:
		*(u32 *)to = get_unaligned((u32 __force *)from);
		return 0;
	case 8:
		*(u64 *)to = get_unaligned((u64 __force *)from);
		return 0;
	default:
		BUILD_BUG();
		return 0;
	}
}
#define __get_user_fn(sz, u, k)	__get_user_fn(sz, u, k)

static __always_inline int
__put_user_fn(size_t size, void __user *to, void *from)
{
	BUILD_BUG_ON(!__builtin_constant_p(size));

	if (unlikely(lkl_user_memory))
		return lkl_user_memory_write(to, from, size) ? -EFAULT : 0;
	switch (size) {
	case 1:
		*(u8 __force *)to = *(u8 *)from;
		return 0;
	case 2:
		put_unaligned(*(u16 *)from, (u16 __force *)to);
		return 0;
	case 4:
		put_unaligned(*(u32 *)from, (u32 __force *)to);
		return 0;
	case 8:
		put_unaligned(*(u64 *)from, (u64 __force *)to);
		return 0;
	default:
		BUILD_BUG();
		return 0;
	}
}
#define __put_user_fn(sz, u, k)	__put_user_fn(sz, u, k)

/* Kernel memory is always this process's own. */
#define __get_kernel_nofault(dst, src, type, err_label)			\
do {									\
	*((type *)dst) = get_unaligned((type *)(src));			\
	if (0)	/* the label must look used */				\
		goto err_label;						\
} while (0)

#define __put_kernel_nofault(dst, src, type, err_label)			\
do {									\
	put_unaligned(*((type *)src), (type *)(dst));			\
	if (0)								\
		goto err_label;						\
} while (0)

unsigned long lkl_user_memory_clear(void __user *to, unsigned long n);

static inline __must_check unsigned long
__clear_user(void __user *to, unsigned long n)
{
	if (unlikely(lkl_user_memory))
		return lkl_user_memory_clear(to, n);
	memset((void __force *)to, 0, n);
	return 0;
}
#define __clear_user __clear_user

#include <asm-generic/uaccess.h>

#endif /* _ASM_LKL_UACCESS_H */
