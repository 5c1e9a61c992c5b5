// SPDX-License-Identifier: GPL-2.0
/*
 * "User" memory reached through the host: see asm/uaccess.h.
 *
 * The pointer is per host thread, as the thread's calls run on it.  An
 * interrupt that this thread happens to run while it is set is not the
 * caller's business, but no interrupt handler touches user memory.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <asm/lkl.h>

__thread const struct lkl_user_memory *lkl_user_memory
	__attribute__((tls_model("initial-exec")));

/* Part of the kernel's API (arch/lkl/exports): lkl.h declares it. */
void lkl_set_user_memory(const struct lkl_user_memory *mem)
{
	lkl_user_memory = mem;
}

unsigned long lkl_user_memory_read(void *to, const void __user *from,
				   unsigned long n)
{
	const struct lkl_user_memory *m = lkl_user_memory;

	if (!n)
		return 0;
	return m->read(m->data, to, (const void __force *)from, n);
}

unsigned long lkl_user_memory_write(void __user *to, const void *from,
				    unsigned long n)
{
	const struct lkl_user_memory *m = lkl_user_memory;

	if (!n)
		return 0;
	return m->write(m->data, (void __force *)to, from, n);
}

unsigned long lkl_user_memory_clear(void __user *to, unsigned long n)
{
	static const char zeros[256];
	unsigned long chunk, left;

	while (n) {
		chunk = min_t(unsigned long, n, sizeof(zeros));
		left = lkl_user_memory_write(to, zeros, chunk);
		if (left)
			return n - (chunk - left);
		to += chunk;
		n -= chunk;
	}
	return 0;
}
