// SPDX-License-Identifier: GPL-2.0
/*
 * Memory: one region taken from the host at boot ("mem=", 64 MiB by
 * default) is all the page allocator, slab and page cache ever use.
 */
#include <linux/init.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/ctype.h>
#include <linux/string.h>
#include <asm/lkl.h>

unsigned long lkl_memory_start;
unsigned long lkl_memory_end;
void *empty_zero_page;

#define LKL_MEM_DEFAULT		(64 * SZ_1M)
#define LKL_MEM_MIN		(16 * SZ_1M)

static void *region;
static unsigned long region_size;

/*
 * Take the memory region from the host before the kernel starts, so that
 * a "mem=" the host cannot give is an error lkl_start_kernel() returns
 * (-ENOMEM), not a panic.  The last "mem=" word wins, as for early_param.
 */
int lkl_bootmem_reserve(const char *cmdline)
{
	unsigned long long size = LKL_MEM_DEFAULT;
	const char *p = cmdline;
	char *end;

	while ((p = strstr(p, "mem=")) != NULL) {
		if (p == cmdline || isspace(p[-1]))
			size = memparse(p + 4, &end);
		p += 4;
	}
	if (size < LKL_MEM_MIN)
		size = LKL_MEM_MIN;
	/* More than the address space of a 32-bit host: not a wrap-around. */
	if (size > ULONG_MAX - PAGE_SIZE)
		return -ENOMEM;
	region_size = PAGE_ALIGN(size);
	region = lkl_ops->mem_alloc(region_size);
	return region ? 0 : -ENOMEM;
}

/* Parsed by lkl_bootmem_reserve(); registered so the word is known. */
static int __init early_mem(char *p)
{
	return 0;
}
early_param("mem", early_mem);

void __init lkl_bootmem_init(void)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES] = { 0 };

	lkl_memory_start = PAGE_ALIGN((unsigned long)region);
	lkl_memory_end = (unsigned long)region + region_size;
	memblock_add(lkl_memory_start, lkl_memory_end - lkl_memory_start);

	min_low_pfn = PFN_UP(lkl_memory_start);
	max_low_pfn = PFN_DOWN(lkl_memory_end);
	max_pfn = max_low_pfn;
	high_memory = (void *)lkl_memory_end;

	empty_zero_page = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!empty_zero_page)
		panic("lkl: cannot allocate the zero page\n");

	max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
	free_area_init(max_zone_pfn);
}

void __init mem_init(void)
{
	set_max_mapnr(max_low_pfn - ARCH_PFN_OFFSET);
	memblock_free_all();
}

/* Init sections live in the host's image: nothing to give back. */
void free_initmem(void)
{
}

/* After halt: give the region back to the host. */
void lkl_bootmem_free(void)
{
	lkl_ops->mem_free(region, region_size);
	region = NULL;
}
