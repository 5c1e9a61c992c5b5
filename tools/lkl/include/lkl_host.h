/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl_host.h - what the host library provides beside the kernel: the
 * POSIX host operations.  Later: host devices (virtio-mmio, disks,
 * network backends).
 */
#ifndef _LKL_HOST_H
#define _LKL_HOST_H

#include <lkl.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The host operations implemented on POSIX threads and clocks
 * (tools/lkl/lib/posix-host.c).  Start the kernel with
 * lkl_start_kernel(&lkl_host_ops, "mem=64M").
 */
extern struct lkl_host_operations lkl_host_ops;

/*
 * Where lkl_host_ops.print writes the kernel log: a host fd (default 2,
 * stderr), or -1 to discard it.  Set before lkl_start_kernel().
 */
extern int lkl_host_log_fd;

#ifdef __cplusplus
}
#endif

#endif /* _LKL_HOST_H */
