// SPDX-License-Identifier: GPL-2.0
/*
 * A fresh kernel in the child of a fork().
 *
 * The child of a process whose kernel ran has a copy of the kernel's
 * memory but none of its threads: that kernel cannot run there.  Nor
 * can a second kernel simply be started, as the kernel's static data
 * (in this .so's writable segment: .data and .bss of the kernel, of the
 * host library and of the hijack) is that of a kernel that booted.  So
 * the constructor keeps a copy of the writable segment as it was before
 * anything ran, and the child puts it back: this .so is then as it was
 * when loaded, and the child's first LKL socket boots a kernel of its
 * own.  The fd table lives outside the segment (mmap()ed), so the
 * child keeps it: its LKL fds become orphans (EBADF, but close()).
 *
 * The parent's network devices stay the parent's: it still holds them
 * (a TAP is attached to one process at a time), so the child's kernel
 * has loopback only.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hijack.h"

static struct {
	char *start;		/* the writable segment, in memory */
	size_t filesz, memsz;	/* initialised part, whole (with .bss) */
	char *copy;		/* its first filesz bytes before anything ran */
} seg;

static int find_segment(struct dl_phdr_info *info, size_t size, void *base)
{
	__typeof__(info->dlpi_phdr) ph;
	int i;

	(void)size;
	if ((void *)info->dlpi_addr != base)
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
			seg.start = (char *)info->dlpi_addr + ph->p_vaddr;
			seg.filesz = ph->p_filesz;
			seg.memsz = ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

void fork_snapshot(void)
{
	static atomic_int taken;
	Dl_info self;
	char *copy;

	if (atomic_exchange(&taken, 1))
		return;
	if (!dladdr((void *)fork_snapshot, &self) ||
	    !dl_iterate_phdr(find_segment, self.dli_fbase)) {
		fprintf(stderr, "lkl-hijack: cannot find liblkl-hijack.so's data segment\n");
		_exit(127);
	}
	copy = mmap(NULL, seg.filesz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED) {
		fprintf(stderr, "lkl-hijack: no memory for the data segment's copy\n");
		_exit(127);
	}
	/* seg is in the segment: set it first, so the copy holds it. */
	seg.copy = copy;
	memcpy(copy, seg.start, seg.filesz);
}

void fork_reset_child(void)
{
	struct signal_saved handlers;	/* not in the segment: on the stack */
	struct fdt_saved saved;

	wait_forget_all();
	fdt_save(&saved);
	signal_save(&handlers);
	memcpy(seg.start, seg.copy, seg.filesz);
	memset(seg.start + seg.filesz, 0, seg.memsz - seg.filesz);
	fdt_restore(&saved);
	signal_restore(&handlers);
	fdt_orphan_all();
	hijack_forked = 1;
	config_forked_child();
}
