// SPDX-License-Identifier: GPL-2.0
/*
 * The system call table: the generic one, the same on every host.  Calls
 * arrive through lkl_syscall() (host_tasks.c) on the caller's thread.
 * Every entry takes the six argument words of lkl_syscall() and reads
 * its arguments out of them (asm/syscall_wrapper.h).
 */
#include <linux/syscalls.h>
#include <linux/linkage.h>
#include <asm/unistd.h>
#include <asm/lkl.h>

typedef long (*lkl_syscall_fn)(const long *args);

/* Signals are never delivered to host tasks: nothing to return from. */
SYSCALL_DEFINE0(rt_sigreturn)
{
	return -ENOSYS;
}

/* mmap works on no-MMU too: anonymous maps come from the kernel's memory. */
#ifdef CONFIG_64BIT
SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags,
		unsigned long, fd, off_t, off)
{
	if (off & ~PAGE_MASK)
		return -EINVAL;
	return ksys_mmap_pgoff(addr, len, prot, flags, fd, off >> PAGE_SHIFT);
}
#else
SYSCALL_DEFINE6(mmap2, unsigned long, addr, unsigned long, len,
		unsigned long, prot, unsigned long, flags,
		unsigned long, fd, unsigned long, pgoff)
{
	return ksys_mmap_pgoff(addr, len, prot, flags, fd, pgoff);
}
#endif

long __lkl_sys_ni_syscall(const long *args)
{
	return -ENOSYS;
}

/* The entries' declarations, then the table. */
#undef __SYSCALL
#define __SYSCALL(nr, call)	long __lkl_##call(const long *args);
/* The generic list has no include guard: made to be read this way. */
#include <uapi/asm-generic/unistd.h>

#undef __SYSCALL
#define __SYSCALL(nr, call)	[nr] = __lkl_##call,

static const lkl_syscall_fn syscall_table[__NR_syscalls] = {
	[0 ... __NR_syscalls - 1] = __lkl_sys_ni_syscall,
#include <uapi/asm-generic/unistd.h>
};

long lkl_run_syscall(long no, long *params)
{
	static const long no_params[6];

	if (no < 0 || no >= __NR_syscalls)
		return -ENOSYS;
	return syscall_table[no](params ? params : no_params);
}
