/* SPDX-License-Identifier: GPL-2.0 */
/*
 * image.h - boot LKL with one filesystem image as its disk and mount it;
 * unmount and halt again.  Shared by lklfuse and fs2tar.
 */
#ifndef LKL_FS_IMAGE_H
#define LKL_FS_IMAGE_H

#include <stddef.h>

struct image {
	const char *prog;	/* for messages */
	const char *path;	/* the image file or block device */
	const char *type;	/* ext4, vfat, btrfs, xfs, ... */
	unsigned int part;	/* 0: the whole disk, N: partition N */
	int readonly;
	int disk;		/* out: the disk id, -1 when none */
	char mnt[64];		/* out: where it is mounted in LKL */
};

/*
 * Adds the disk, boots the kernel and mounts the image; prints why not
 * and returns -1 on failure (with everything undone).
 */
int image_open(struct image *im);

/* Unmounts, halts the kernel, removes the disk; -1 (said) on errors. */
int image_close(struct image *im);

/* Parses a partition number 1..255; -1 (said) when bad. */
int image_parse_part(const char *prog, const char *arg, unsigned int *part);

#endif /* LKL_FS_IMAGE_H */
