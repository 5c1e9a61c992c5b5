/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl_host.h - what the host library provides beside the kernel: the
 * POSIX host operations and host devices (disks).  Later: network
 * backends.
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

/* ---- Disks (tools/lkl/lib/virtio_blk.c, disk.c) ---- */

/*
 * Host files and block devices become virtio-blk disks of the kernel (vda,
 * vdb, ... in probe order; lkl_mount_disk() finds which is which).  They
 * belong here, not in lkl.h, because the POSIX host library serves them.
 * Disks are added before lkl_start_kernel(), as there is no hot-plug:
 * adding one announces it in lkl_host_ops.boot_args, so add every disk
 * before passing (or copying) lkl_host_ops to lkl_start_kernel().  Each
 * disk's requests are served by a host thread of its own, which the
 * kernel starts at boot and stops when it halts: after lkl_sys_halt() the
 * process has the threads it had before boot, with or without
 * lkl_disk_remove(), which only closes the disk and frees it.
 */

/* Disks at the same time. */
#define LKL_DISK_MAX	16

struct lkl_disk {
	/* In: the host file or block device; NULL to use fd instead. */
	const char *path;
	/*
	 * In, when path is NULL: an open host fd.  LKL uses a duplicate of
	 * it; the caller's fd stays the caller's to close.
	 */
	int fd;
	/*
	 * In: nonzero gives the kernel a read-only disk (VIRTIO_BLK_F_RO;
	 * lkl_mount_disk() then mounts it read-only).  The file is opened
	 * read-only; a writable disk needs write access on the host.
	 */
	int readonly;
	/* Out: on failure, a message naming the path and the cause. */
	char error[256];
};

/**
 * lkl_disk_add - give the kernel a disk, before lkl_start_kernel()
 * @disk: what to add; @disk->error gets a message on failure
 *
 * The disk's size is the file's, or the block device's, in whole 512-byte
 * sectors.  Discard and write-zeroes are offered when the host file can
 * have holes punched; flushes are fdatasync().  The disk's serial (in
 * /sys/block/vdX/serial) is "lkl-disk-<id>".  Returns the disk's id (>= 0), or a negative errno:
 * -LKL_ENOENT (no such file), -LKL_EACCES / -LKL_EROFS / -LKL_EPERM (a
 * file the host lets us read only, added writable), -LKL_EBADF (an fd
 * open read-only, added writable), -LKL_EISDIR / -LKL_EINVAL (not a
 * file or block device), -LKL_ENOSPC (LKL_DISK_MAX disks already),
 * -LKL_EBUSY (the kernel is running).
 */
int lkl_disk_add(struct lkl_disk *disk);

/**
 * lkl_disk_remove - close disk @id and free it
 *
 * Call it before lkl_start_kernel() (the kernel then never sees the disk)
 * or after lkl_sys_halt(); a halted kernel has let go of its disks
 * already, so a program may as well exit without it.  Returns 0,
 * -LKL_EBUSY while the kernel is running, -LKL_EINVAL or -LKL_ENODEV for
 * a bad id.
 */
int lkl_disk_remove(int id);

/**
 * lkl_mount_disk - mount disk @id, or one of its partitions, in the kernel
 * @id: from lkl_disk_add()
 * @part: 0 for the whole disk, N for its Nth partition (MBR or GPT, as the
 *        kernel reads them)
 * @fstype: "ext4", "vfat", "btrfs", "xfs", ...
 * @flags: LKL_MS_* mount flags; LKL_MS_RDONLY is added for a read-only disk
 * @opts: filesystem options ("errors=remount-ro", ...), or NULL
 * @mnt: gets the mount point, "/mnt/<device name>" (e.g. /mnt/vda1)
 * @mnt_len: bytes at @mnt
 *
 * Finds the disk's block device through sysfs (mounting it at /sysfs if
 * it is not), creates its node in /dev, creates the mount point and
 * mounts.  Returns 0, or a negative errno: -LKL_ENODEV (no such disk),
 * -LKL_ENXIO (no such partition), -LKL_ERANGE (@mnt too small), or what
 * mount(2) says: -LKL_EINVAL (no @fstype filesystem on it), -LKL_ENODEV
 * (no such filesystem type), ...
 */
long lkl_mount_disk(int id, unsigned int part, const char *fstype, int flags,
		    const char *opts, char *mnt, unsigned int mnt_len);

/**
 * lkl_umount_disk - unmount what lkl_mount_disk() mounted
 * @id, @part: as given to lkl_mount_disk()
 * @flags: umount2() flags, usually 0 (2 is MNT_DETACH)
 *
 * Unmounts /mnt/<device name> and removes the directory.  Returns 0 or a
 * negative errno (-LKL_EINVAL when it is not mounted, -LKL_EBUSY when a
 * file on it is open).
 */
long lkl_umount_disk(int id, unsigned int part, int flags);

#ifdef __cplusplus
}
#endif

#endif /* _LKL_HOST_H */
