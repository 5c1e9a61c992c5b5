/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The memory a host thread's system calls read and write.
 *
 * Normally the pointers given to a system call are the calling process's
 * own and the kernel copies with memcpy().  A host thread that makes
 * calls on behalf of another process (the hijack serves the calls of a
 * fork's child in the parent's kernel) names, with lkl_set_user_memory(),
 * how to reach that process's memory instead: e.g. process_vm_readv()
 * and process_vm_writev().
 */
#ifndef _ASM_UAPI_LKL_USER_MEMORY_H
#define _ASM_UAPI_LKL_USER_MEMORY_H

struct lkl_user_memory {
	/*
	 * Copy @n bytes from the other process's @src to @dst (read), or
	 * from @src to the other process's @dst (write).  Return how many
	 * bytes could NOT be copied: 0 when all were (the call then gets
	 * -EFAULT otherwise).  Called from inside system calls, on the
	 * thread that made them; they must not make LKL calls.
	 */
	unsigned long (*read)(void *data, void *dst, const void *src,
			      unsigned long n);
	unsigned long (*write)(void *data, void *dst, const void *src,
			       unsigned long n);
	void *data;
};

#endif /* _ASM_UAPI_LKL_USER_MEMORY_H */
