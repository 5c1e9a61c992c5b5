/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_BARRIER_H
#define _ASM_LKL_BARRIER_H

/*
 * Real fences even on a uniprocessor kernel: host device threads (virtio)
 * read and write shared rings from other host CPUs, and virtio's barriers
 * come down to these.
 */
#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_rmb()	rmb()
#define dma_wmb()	wmb()

#include <asm-generic/barrier.h>

#endif /* _ASM_LKL_BARRIER_H */
