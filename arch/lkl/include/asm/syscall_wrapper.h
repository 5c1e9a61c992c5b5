/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LKL's system call entries.  lkl_syscall(no, params) hands over the
 * arguments as an array of six longs; every entry of the table takes that
 * array and reads its arguments out of it, so no entry is ever called
 * through a function pointer of another type.
 *
 * The words: an argument takes one word, except a 64-bit one (loff_t,
 * u64) on a 32-bit host, which takes two consecutive words, the low half
 * first.  There is no padding: the rule is the same on every 32-bit host
 * whatever its C calling convention (arm's EABI would align such a pair,
 * i386 would not), and every call of the generic table fits in six words
 * (sync_file_range and fallocate use all six).  The lkl_sys_*() wrappers
 * of <lkl/syscalls.h> split their arguments the same way
 * (scripts/lkl-install-headers.py).  On a 64-bit host every argument is
 * one word.
 *
 * SYSCALL_DEFINEn(name, ...) makes __lkl_sys_name(const long *args); the
 * kernel's own __se_sys_name() and __do_sys_name() follow as in the
 * generic definition.
 */
#ifndef _ASM_LKL_SYSCALL_WRAPPER_H
#define _ASM_LKL_SYSCALL_WRAPPER_H

#include <linux/build_bug.h>

/* Words an argument of type t takes. */
#define __LKL_SC_NW(t)		(1 + (sizeof(t) > sizeof(long)))

/* The argument of type t at word o: one word, or two put together. */
#define __LKL_SC_GET(t, o)						\
	((__typeof(__builtin_choose_expr(__TYPE_IS_LL(t), 0LL, 0L)))	\
	 (__LKL_SC_NW(t) == 2 ?						\
	  ((unsigned long long)(unsigned long)args[o] |			\
	   (unsigned long long)(unsigned long)args[(o) + 1] << 32) :	\
	  (unsigned long long)args[o]))

/*
 * The arguments of __se_sys_name(), each from the words after the last.
 * A comma-separated list, as the kernel's __MAP(): no parentheses around
 * it, and the names (a) are not used, only the types.
 */
#define __LKL_SC_ARGS1(o, t, a)	__LKL_SC_GET(t, o)
#define __LKL_SC_ARGS2(o, t, a, ...)					\
	__LKL_SC_GET(t, o), __LKL_SC_ARGS1((o) + __LKL_SC_NW(t), __VA_ARGS__)
#define __LKL_SC_ARGS3(o, t, a, ...)					\
	__LKL_SC_GET(t, o), __LKL_SC_ARGS2((o) + __LKL_SC_NW(t), __VA_ARGS__)
#define __LKL_SC_ARGS4(o, t, a, ...)					\
	__LKL_SC_GET(t, o), __LKL_SC_ARGS3((o) + __LKL_SC_NW(t), __VA_ARGS__)
#define __LKL_SC_ARGS5(o, t, a, ...)					\
	__LKL_SC_GET(t, o), __LKL_SC_ARGS4((o) + __LKL_SC_NW(t), __VA_ARGS__)
#define __LKL_SC_ARGS6(o, t, a, ...)					\
	__LKL_SC_GET(t, o), __LKL_SC_ARGS5((o) + __LKL_SC_NW(t), __VA_ARGS__)

/* Words all the arguments take: at most the six of lkl_syscall(). */
#define __LKL_SC_WORDS1(t, a)		__LKL_SC_NW(t)
#define __LKL_SC_WORDS2(t, a, ...)	\
	(__LKL_SC_NW(t) + __LKL_SC_WORDS1(__VA_ARGS__))
#define __LKL_SC_WORDS3(t, a, ...)	\
	(__LKL_SC_NW(t) + __LKL_SC_WORDS2(__VA_ARGS__))
#define __LKL_SC_WORDS4(t, a, ...)	\
	(__LKL_SC_NW(t) + __LKL_SC_WORDS3(__VA_ARGS__))
#define __LKL_SC_WORDS5(t, a, ...)	\
	(__LKL_SC_NW(t) + __LKL_SC_WORDS4(__VA_ARGS__))
#define __LKL_SC_WORDS6(t, a, ...)	\
	(__LKL_SC_NW(t) + __LKL_SC_WORDS5(__VA_ARGS__))

#define __SYSCALL_DEFINEx(x, name, ...)					\
	long __lkl_sys##name(const long *args);				\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__));	\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__));\
	long __lkl_sys##name(const long *args)				\
	{								\
		BUILD_BUG_ON_MSG(__LKL_SC_WORDS##x(__VA_ARGS__) > 6,	\
				 "sys" #name ": more than six words");	\
		return __se_sys##name(__LKL_SC_ARGS##x(0, __VA_ARGS__));\
	}								\
	static long __se_sys##name(__MAP(x, __SC_LONG, __VA_ARGS__))	\
	{								\
		long ret = __do_sys##name(__MAP(x, __SC_CAST, __VA_ARGS__));\
		__MAP(x, __SC_TEST, __VA_ARGS__);			\
		return ret;						\
	}								\
	static inline long __do_sys##name(__MAP(x, __SC_DECL, __VA_ARGS__))

#define SYSCALL_DEFINE0(sname)						\
	SYSCALL_METADATA(_##sname, 0);					\
	long __lkl_sys_##sname(const long *args);			\
	long __lkl_sys_##sname(const long *args)

/* A call that is not configured in: -ENOSYS, unless defined elsewhere. */
#define COND_SYSCALL(name)						\
	long __lkl_sys_##name(const long *args);			\
	long __weak __lkl_sys_##name(const long *args)			\
	{								\
		return sys_ni_syscall();				\
	}

long __lkl_sys_ni_syscall(const long *args);

#endif /* _ASM_LKL_SYSCALL_WRAPPER_H */
