/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_HOST_OPS_H
#define _ASM_LKL_HOST_OPS_H

#include <uapi/asm/host_ops.h>

/* The table given to lkl_start_kernel(); valid until halt returns. */
extern const struct lkl_host_operations *lkl_ops;

/* Write a message with the host's print op only (before/after printk). */
void lkl_host_printf(const char *fmt, ...) __printf(1, 2);

#endif /* _ASM_LKL_HOST_OPS_H */
