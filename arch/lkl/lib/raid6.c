// SPDX-License-Identifier: GPL-2.0
/*
 * lib/raid6 lists its x86_64 SIMD algorithms whenever the compiler
 * targets x86_64, as ours does on an x86_64 host.  They need kernel-mode
 * FPU support, which LKL does not have: declare them here as never valid,
 * so the generic integer algorithms are chosen.  (On i386 the kernel is
 * built with __arch_um__, which keeps lib/raid6 from listing them.)
 */
#include <linux/raid/pq.h>

static int __maybe_unused lkl_raid6_unusable(void)
{
	return 0;
}

#define LKL_RAID6_UNUSABLE(algo)			\
	const struct raid6_calls algo = {		\
		.valid	= lkl_raid6_unusable,		\
		.name	= #algo " (not in LKL)",	\
	}

#if defined(__x86_64__)
LKL_RAID6_UNUSABLE(raid6_avx2x1);
LKL_RAID6_UNUSABLE(raid6_avx2x2);
LKL_RAID6_UNUSABLE(raid6_sse2x1);
LKL_RAID6_UNUSABLE(raid6_sse2x2);
LKL_RAID6_UNUSABLE(raid6_avx2x4);
LKL_RAID6_UNUSABLE(raid6_sse2x4);
#endif
