// SPDX-License-Identifier: GPL-2.0
/*
 * hello.c - the smallest LKL program, built against an installed LKL.
 *
 * Boots the kernel, prints its release (uname), writes a file on tmpfs
 * and reads it back, halts the kernel.  Exits 0 when all went well.
 * See the Makefile beside it: it builds with pkg-config only.
 */
#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/utsname.h>

static int fail(const char *what, long err)
{
	fprintf(stderr, "hello: %s: %s\n", what, lkl_strerror(err));
	return 1;
}

int main(void)
{
	static const char text[] = "hello from tmpfs";
	struct lkl_new_utsname u;
	char buf[64];
	long r, fd;

	r = lkl_start_kernel(&lkl_host_ops, "mem=32M loglevel=0");
	if (r < 0)
		return fail("lkl_start_kernel", r);

	memset(&u, 0, sizeof(u));
	r = lkl_sys_uname(&u);
	if (r < 0)
		return fail("uname", r);
	printf("release: %s\n", u.release);

	r = lkl_mount_fs("tmpfs");
	if (r < 0)
		return fail("mount tmpfs", r);
	fd = lkl_sys_openat(LKL_AT_FDCWD, "/tmpfs/hello.txt",
			    LKL_O_CREAT | LKL_O_RDWR | LKL_O_TRUNC, 0644);
	if (fd < 0)
		return fail("open /tmpfs/hello.txt", fd);
	r = lkl_sys_write(fd, text, strlen(text));
	if (r != (long)strlen(text))
		return fail("write", r < 0 ? r : -LKL_EIO);
	memset(buf, 0, sizeof(buf));
	r = lkl_sys_pread64(fd, buf, sizeof(buf) - 1, 0);
	if (r < 0)
		return fail("pread", r);
	lkl_sys_close(fd);
	printf("read back: %s\n", buf);

	r = lkl_sys_halt();
	if (r < 0)
		return fail("halt", r);
	printf("halted\n");
	return strcmp(buf, text) != 0;
}
