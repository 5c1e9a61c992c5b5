// SPDX-License-Identifier: GPL-2.0
/*
 * image.c - boot LKL with a filesystem image as its disk and mount it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/time.h>

#include "image.h"

/* As cptofs boots. */
#define BOOT_ARGS	"mem=160M loglevel=4"

static int say_mount_error(const struct image *im, long r)
{
	if (r == -LKL_ENXIO)
		fprintf(stderr, "%s: %s: no partition %u\n", im->prog,
			im->path, im->part);
	else if (r == -LKL_ENODEV)
		fprintf(stderr, "%s: unknown filesystem type '%s'\n",
			im->prog, im->type);
	else if (r == -LKL_EINVAL)
		fprintf(stderr, "%s: %s: no %s filesystem on it%s\n",
			im->prog, im->path, im->type,
			im->part ? " (in that partition)" : "");
	else
		fprintf(stderr, "%s: %s: cannot mount as %s: %s\n", im->prog,
			im->path, im->type, lkl_strerror((int)r));
	return -1;
}

static int halt_kernel(const struct image *im)
{
	long r = lkl_sys_halt();

	if (r)
		fprintf(stderr, "%s: halting the kernel: %s\n", im->prog,
			lkl_strerror((int)r));
	return r ? -1 : 0;
}

/* The kernel's clock starts at 1970: files made get the host's time. */
static void set_clock(void)
{
	struct timespec now;
	struct __lkl__kernel_timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &now))
		return;
	ts.tv_sec = now.tv_sec;
	ts.tv_nsec = now.tv_nsec;
	lkl_sys_clock_settime(LKL_CLOCK_REALTIME, &ts);
}

int image_open(struct image *im)
{
	struct lkl_disk disk = { .path = im->path, .readonly = im->readonly };
	long r;

	im->disk = lkl_disk_add(&disk);
	if (im->disk < 0) {
		fprintf(stderr, "%s: %s\n", im->prog, disk.error);
		return -1;
	}
	if (!getenv("LKL_LOG"))
		lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (r) {
		fprintf(stderr, "%s: cannot start the kernel: %s\n",
			im->prog, lkl_strerror((int)r));
		lkl_disk_remove(im->disk);
		im->disk = -1;
		return -1;
	}
	set_clock();
	r = lkl_mount_disk(im->disk, im->part, im->type,
			   0, NULL, im->mnt, sizeof(im->mnt));
	if (r) {
		say_mount_error(im, r);
		halt_kernel(im);
		lkl_disk_remove(im->disk);
		im->disk = -1;
		return -1;
	}
	return 0;
}

int image_close(struct image *im)
{
	long r;
	int bad = 0;

	if (im->disk < 0)
		return 0;
	r = lkl_umount_disk(im->disk, im->part, 0);
	if (r) {
		fprintf(stderr, "%s: %s: cannot unmount: %s\n", im->prog,
			im->path, lkl_strerror((int)r));
		bad = -1;
	}
	if (halt_kernel(im))
		bad = -1;
	lkl_disk_remove(im->disk);
	im->disk = -1;
	return bad;
}

int image_parse_part(const char *prog, const char *arg, unsigned int *part)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || !*arg || *end || v < 1 || v > 255) {
		fprintf(stderr, "%s: bad partition number '%s' (1..255)\n",
			prog, arg);
		return -1;
	}
	*part = (unsigned int)v;
	return 0;
}
