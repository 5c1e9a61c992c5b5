/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_LKL_IO_H
#define _ASM_LKL_IO_H

#include <linux/types.h>
#include <asm/host_ops.h>

/*
 * Device registers are emulated by the host library: every MMIO access
 * goes through the iomem_access host operation (this is how virtio-mmio
 * reaches its host-side devices).
 */
#define LKL_DEFINE_MMIO(bits)						\
static inline u##bits __lkl_raw_read##bits(const volatile void __iomem *addr) \
{									\
	u##bits val = 0;						\
	lkl_ops->iomem_access((const volatile void __force *)addr, &val, \
			      sizeof(val), 0);				\
	return val;							\
}									\
static inline void __lkl_raw_write##bits(u##bits val,			\
					 volatile void __iomem *addr)	\
{									\
	lkl_ops->iomem_access((const volatile void __force *)addr, &val, \
			      sizeof(val), 1);				\
}

LKL_DEFINE_MMIO(8)
LKL_DEFINE_MMIO(16)
LKL_DEFINE_MMIO(32)
LKL_DEFINE_MMIO(64)

#define __raw_readb	__lkl_raw_read8
#define __raw_readw	__lkl_raw_read16
#define __raw_readl	__lkl_raw_read32
#define __raw_readq	__lkl_raw_read64
#define __raw_writeb	__lkl_raw_write8
#define __raw_writew	__lkl_raw_write16
#define __raw_writel	__lkl_raw_write32
#define __raw_writeq	__lkl_raw_write64

#define ioremap ioremap
static inline void __iomem *ioremap(phys_addr_t offset, size_t size)
{
	return (void __iomem *)lkl_ops->ioremap(offset, size);
}

#define iounmap iounmap
static inline void iounmap(volatile void __iomem *addr)
{
}

#include <asm-generic/io.h>

#endif /* _ASM_LKL_IO_H */
