// SPDX-License-Identifier: GPL-2.0
/*
 * Mounting disks inside the kernel: lkl_mount_disk(), lkl_umount_disk()
 * (lkl_host.h).
 *
 * The kernel names virtio-blk disks in the order it probes them, which
 * need not be the order they were added; so the disk is found by its
 * serial (what virtio_blk.c answers to GET_ID), shown in
 * /sys/block/<name>/serial.  Its partitions are the directories under
 * /sys/block/<name>/ that have a "partition" file.  The kernel has no
 * devtmpfs mounted, so the node is made with mknod in /dev.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkl_host.h>
#include <lkl/linux/stat.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/mount.h>
#include <lkl/linux/virtio_blk.h>

#include "virtio.h"

#define SYSFS		"/sysfs"
#define NAME_MAX_LEN	32	/* a device name: "vda", "vdb12" */
#define PATH_LEN	128	/* SYSFS "/block/" name "/" name "/partition" */

/* Read a small sysfs file into buf, without its trailing newline. */
static long read_attr(const char *path, char *buf, size_t size)
{
	long fd, n;

	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	n = lkl_sys_read((int)fd, buf, size - 1);
	lkl_sys_close((int)fd);
	if (n < 0)
		return n;
	buf[n] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return n;
}

/*
 * Call fn(name, arg) for each entry of a directory but "." and "..",
 * until it returns nonzero; returns that, 0, or a negative errno.
 */
static long for_each_entry(const char *dir,
			   long (*fn)(const char *name, void *arg), void *arg)
{
	_Alignas(8) char buf[2048];
	long fd, n, off, ret = 0;

	fd = lkl_sys_openat(LKL_AT_FDCWD, dir, LKL_O_RDONLY | LKL_O_DIRECTORY,
			    0);
	if (fd < 0)
		return fd;
	/* linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name[] */
	while (!ret && (n = lkl_sys_getdents64((int)fd, (void *)buf,
					       sizeof(buf))) > 0) {
		for (off = 0; !ret && off < n;) {
			unsigned short reclen;
			const char *name = buf + off + 19;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			if (reclen == 0 || reclen > n - off)
				break;
			off += reclen;
			if (strcmp(name, ".") && strcmp(name, ".."))
				ret = fn(name, arg);
		}
	}
	lkl_sys_close((int)fd);
	if (!ret && n < 0)
		ret = n;
	return ret;
}

struct search {
	const char *want;	/* serial of the disk, or partition number */
	const char *dir;	/* for partitions: the disk's sysfs directory */
	char name[NAME_MAX_LEN];
};

/* A name from the kernel we can put into paths. */
static int name_ok(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < NAME_MAX_LEN && !strchr(name, '/');
}

static long match_serial(const char *name, void *arg)
{
	struct search *s = arg;
	char path[PATH_LEN], serial[LKL_VIRTIO_BLK_ID_BYTES + 2];

	if (!name_ok(name))
		return 0;
	if (snprintf(path, sizeof(path), SYSFS "/block/%s/serial", name) >=
	    (int)sizeof(path))
		return 0;
	/* Disks of other kinds have no serial: not ours. */
	if (read_attr(path, serial, sizeof(serial)) < 0 ||
	    strcmp(serial, s->want))
		return 0;
	strcpy(s->name, name);
	return 1;
}

static long match_partition(const char *name, void *arg)
{
	struct search *s = arg;
	char path[PATH_LEN], num[16];

	if (!name_ok(name))
		return 0;
	if (snprintf(path, sizeof(path), "%s/%s/partition", s->dir, name) >=
	    (int)sizeof(path))
		return 0;
	if (read_attr(path, num, sizeof(num)) < 0 || strcmp(num, s->want))
		return 0;
	strcpy(s->name, name);
	return 1;
}

/*
 * The kernel's name for partition part of disk id ("vda", "vdb2"), in
 * name (NAME_MAX_LEN bytes).  Sets *readonly for a read-only disk.
 */
static long find_device(int id, unsigned int part, char *name, int *readonly)
{
	char serial[LKL_VIRTIO_BLK_ID_BYTES + 1], dir[PATH_LEN], num[16];
	struct search s;
	long err;

	err = lkl_virtio_blk_info(id, serial, sizeof(serial), readonly);
	if (err)
		return err;
	err = lkl_mount_fs("sysfs");
	if (err)
		return err;
	memset(&s, 0, sizeof(s));
	s.want = serial;
	err = for_each_entry(SYSFS "/block", match_serial, &s);
	if (err <= 0)
		return err ? err : -LKL_ENODEV;
	if (part == 0) {
		strcpy(name, s.name);
		return 0;
	}
	snprintf(dir, sizeof(dir), SYSFS "/block/%s", s.name);
	snprintf(num, sizeof(num), "%u", part);
	s.want = num;
	s.dir = dir;
	err = for_each_entry(dir, match_partition, &s);
	if (err <= 0)
		return err ? err : -LKL_ENXIO;
	strcpy(name, s.name);
	return 0;
}

/* "major:minor" as mknod(2) takes it (the kernel's new_encode_dev()). */
static long parse_dev(const char *s, unsigned int *dev)
{
	unsigned long major, minor;
	char *end;

	major = strtoul(s, &end, 10);
	if (end == s || *end != ':')
		return -LKL_EINVAL;
	s = end + 1;
	minor = strtoul(s, &end, 10);
	if (end == s || *end || major > 0xfff || minor > 0xfffff)
		return -LKL_EINVAL;
	*dev = (unsigned int)((minor & 0xff) | (major << 8) |
			      ((minor & ~0xffUL) << 12));
	return 0;
}

/* Read the device number from sysfs and make /dev/<name> for it. */
static long make_node(const char *name, unsigned int part, const char *disk)
{
	char path[PATH_LEN], buf[32];
	struct lkl_stat st;
	unsigned int dev;
	long err;

	if (part)
		snprintf(path, sizeof(path), SYSFS "/block/%s/%s/dev", disk,
			 name);
	else
		snprintf(path, sizeof(path), SYSFS "/block/%s/dev", name);
	err = read_attr(path, buf, sizeof(buf));
	if (err < 0)
		return err;
	err = parse_dev(buf, &dev);
	if (err)
		return err;
	err = lkl_sys_mkdirat(LKL_AT_FDCWD, "/dev", 0755);
	if (err && err != -LKL_EEXIST)
		return err;
	snprintf(path, sizeof(path), "/dev/%s", name);
	err = lkl_sys_mknodat(LKL_AT_FDCWD, path, LKL_S_IFBLK | 0600, dev);
	if (err != -LKL_EEXIST)
		return err;
	/* There already: keep it if it is this very device. */
	err = lkl_sys_newfstatat(LKL_AT_FDCWD, path, &st, 0);
	if (!err && LKL_S_ISBLK(st.st_mode) && st.st_rdev == dev)
		return 0;
	err = lkl_sys_unlinkat(LKL_AT_FDCWD, path, 0);
	if (err)
		return err;
	return lkl_sys_mknodat(LKL_AT_FDCWD, path, LKL_S_IFBLK | 0600, dev);
}

/* The disk's own name, for a partition's sysfs path. */
static long device_names(int id, unsigned int part, char *name, char *disk,
			 int *readonly)
{
	long err = find_device(id, part, name, readonly);

	if (err || !part)
		return err;
	return find_device(id, 0, disk, readonly);
}

long lkl_mount_disk(int id, unsigned int part, const char *fstype, int flags,
		    const char *opts, char *mnt, unsigned int mnt_len)
{
	char name[NAME_MAX_LEN], disk[NAME_MAX_LEN], dev[PATH_LEN],
	     dir[PATH_LEN];
	int readonly = 0;
	long err;

	if (!fstype || !*fstype || !mnt)
		return -LKL_EINVAL;
	err = device_names(id, part, name, disk, &readonly);
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "/mnt/%s", name);
	if (strlen(dir) >= mnt_len)
		return -LKL_ERANGE;
	err = make_node(name, part, disk);
	if (err)
		return err;
	snprintf(dev, sizeof(dev), "/dev/%s", name);
	err = lkl_sys_mkdirat(LKL_AT_FDCWD, "/mnt", 0755);
	if (err && err != -LKL_EEXIST)
		return err;
	err = lkl_sys_mkdirat(LKL_AT_FDCWD, dir, 0755);
	if (err && err != -LKL_EEXIST)
		return err;
	if (readonly)
		flags |= LKL_MS_RDONLY;
	err = lkl_sys_mount(dev, dir, fstype, (unsigned long)flags, opts);
	if (err) {
		/* Leave nothing behind; a busy directory stays. */
		lkl_sys_unlinkat(LKL_AT_FDCWD, dir, LKL_AT_REMOVEDIR);
		return err;
	}
	strcpy(mnt, dir);
	return 0;
}

long lkl_umount_disk(int id, unsigned int part, int flags)
{
	char name[NAME_MAX_LEN], disk[NAME_MAX_LEN], dir[PATH_LEN];
	int readonly;
	long err;

	err = device_names(id, part, name, disk, &readonly);
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "/mnt/%s", name);
	err = lkl_sys_umount2(dir, flags);
	if (err)
		return err;
	return lkl_sys_unlinkat(LKL_AT_FDCWD, dir, LKL_AT_REMOVEDIR);
}
