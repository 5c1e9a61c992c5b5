/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LKL's "vmlinux" is a relocatable object (ld -r): this script only
 * gathers the kernel's special sections (initcalls, __setup parameters,
 * scheduler classes, ...) under the symbols generic code looks for.
 * Addresses are assigned later, when a program links liblkl.
 */
#include <asm-generic/vmlinux.lds.h>
#include <asm/thread_info.h>
#include <asm/page.h>
#include <asm/cache.h>

/*
 * jiffies is the low word of jiffies_64: right on 64-bit and little-endian
 * hosts, which are all LKL builds for (a big-endian 32-bit host would need
 * jiffies_64 + 4).
 */
jiffies = jiffies_64;

SECTIONS
{
	__init_begin = .;
	HEAD_TEXT_SECTION
	INIT_TEXT_SECTION(PAGE_SIZE)
	INIT_DATA_SECTION(16)
	PERCPU_SECTION(L1_CACHE_BYTES)
	__init_end = .;

	_stext = .;
	_text = .;
	text = .;
	.text : {
		TEXT_TEXT
		SCHED_TEXT
		LOCK_TEXT
	}
	_etext = .;

	_sdata = .;
	RO_DATA(PAGE_SIZE)
	RW_DATA(L1_CACHE_BYTES, PAGE_SIZE, THREAD_SIZE)
	_edata = .;

	EXCEPTION_TABLE(16)

	BSS_SECTION(0, 0, 0)
	_end = .;

	STABS_DEBUG
	DWARF_DEBUG
	ELF_DETAILS

	DISCARDS
}
