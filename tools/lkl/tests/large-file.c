// SPDX-License-Identifier: GPL-2.0
/*
 * large-file.c - 64-bit values through lkl_syscall() on every host, the
 * proof that a 32-bit host splits them right (two words, low half first:
 * arch/lkl/include/asm/syscall_wrapper.h):
 *  - file offsets past 4 GiB on a sparse file in tmpfs: pwrite64 and
 *    pread64 (a wrong high word would land 4 GiB lower, where the file
 *    reads zeros), ftruncate, lseek/llseek, the size seen by stat;
 *  - on an ext4 disk (the host's mkfs.ext4): fallocate with a 64-bit
 *    offset and length, sync_file_range and fadvise64_64 (both take two
 *    64-bit values and one more word: all six);
 *  - 64-bit time: clock_settime to 2040 inside LKL, clock_gettime after
 *    it, a file time after 2038 through utimensat and statx;
 *  - layouts of the prefixed headers: the sizes and offsets the kernel's
 *    ABI fixes for stat64 (32-bit hosts), statx and __kernel_timespec.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -I<installed headers> large-file.c
 *        liblkl.a -lpthread
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl/linux/falloc.h>
#include <lkl/linux/fadvise.h>
#include <lkl/linux/fs.h>
#include <lkl/linux/stat.h>

#include "test.h"

#define GiB		(1024LL * 1024 * 1024)
/* 2040-01-01 00:00:00 UTC: past the 32-bit time_t's end in 2038. */
#define Y2040		2208988800LL

/* ---- Layouts fixed by the kernel's ABI ---- */

_Static_assert(sizeof(__lkl__kernel_loff_t) == 8, "loff_t is 64-bit");
_Static_assert(sizeof(struct __lkl__kernel_timespec) == 16 &&
	       offsetof(struct __lkl__kernel_timespec, tv_nsec) == 8,
	       "__kernel_timespec: 64-bit seconds on every host");
_Static_assert(sizeof(struct lkl_statx) == 256 &&
	       offsetof(struct lkl_statx, stx_size) == 40 &&
	       offsetof(struct lkl_statx, stx_mtime) == 112 &&
	       sizeof(((struct lkl_statx *)0)->stx_mtime.tv_sec) == 8,
	       "struct statx is the same on every host");
#if __SIZEOF_LONG__ == 4
_Static_assert(sizeof(struct lkl_stat64) == 104 &&
	       offsetof(struct lkl_stat64, st_ino) == 8 &&
	       offsetof(struct lkl_stat64, st_size) == 48 &&
	       offsetof(struct lkl_stat64, st_blocks) == 64 &&
	       offsetof(struct lkl_stat64, lkl_st_mtime) == 80,
	       "struct stat64 of the generic 32-bit ABI");
#else
_Static_assert(sizeof(((struct lkl_stat *)0)->st_size) == 8,
	       "struct stat has a 64-bit size on 64-bit hosts");
#endif

/* ---- The file size, as statx and as the host's stat call see it ---- */

static long long statx_size(const char *path)
{
	struct lkl_statx stx;
	long r = lkl_sys_statx(LKL_AT_FDCWD, path, 0, LKL_STATX_SIZE, &stx);

	return r < 0 ? r : (long long)stx.stx_size;
}

/* st_size of fstatat64 (32-bit hosts) or newfstatat (64-bit hosts). */
static long long stat_size(const char *path)
{
#if __SIZEOF_LONG__ == 4
	struct lkl_stat64 st;
	long r = lkl_sys_fstatat64(LKL_AT_FDCWD, path, &st, 0);
#else
	struct lkl_stat st;
	long r = lkl_sys_newfstatat(LKL_AT_FDCWD, path, &st, 0);
#endif
	return r < 0 ? r : (long long)st.st_size;
}

/* Seek fd to off with whence: the new offset, or -errno. */
static long long seek64(int fd, long long off, unsigned int whence)
{
#if __SIZEOF_LONG__ == 4
	__lkl__kernel_loff_t res;
	long r = lkl_sys_llseek(fd, (unsigned long)(off >> 32),
				(unsigned long)off, &res, whence);

	return r < 0 ? r : res;
#else
	return lkl_sys_lseek(fd, off, whence);
#endif
}

/* ---- tmpfs: a sparse file of 5 GiB ---- */

static void test_offsets(void)
{
	const char *path = "/tmpfs/big";
	long long size = 5 * GiB + 123, at = 4 * GiB + 7;
	char buf[8];
	long fd;

	test_section("64-bit file offsets (tmpfs)", 20);
	CHECK_EQ("mount tmpfs", lkl_mount_fs("tmpfs"), 0);
	fd = lkl_sys_open(path, LKL_O_RDWR | LKL_O_CREAT | LKL_O_LARGEFILE,
			  0600);
	if (!check(fd >= 0, "create a file", "%s", lkl_strerror((int)fd)))
		return;
	/*
	 * Written first: LKL's no-MMU tmpfs (ramfs) takes a truncate of an
	 * empty file as the start of a shared mapping and wants the whole
	 * size in contiguous memory.
	 */
	CHECK_EQ("pwrite64 at 4 GiB + 7", lkl_sys_pwrite64(fd, "LKL!", 4, at),
		 4);
	CHECK_EQ("size after pwrite64", statx_size(path), at + 4);
	CHECK_EQ("ftruncate to 5 GiB + 123", lkl_sys_ftruncate(fd, size), 0);
	CHECK_EQ("statx size after ftruncate", statx_size(path), size);
	CHECK_EQ("stat size after ftruncate", stat_size(path), size);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ("pread64 at 4 GiB + 7", lkl_sys_pread64(fd, buf, 4, at), 4);
	CHECK("pread64 at 4 GiB + 7 reads what was written",
	      !memcmp(buf, "LKL!", 4));
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ("pread64 at 7", lkl_sys_pread64(fd, buf, 4, 7), 4);
	CHECK("4 GiB lower is still a hole (the high word was not lost)",
	      !memcmp(buf, "\0\0\0\0", 4));
	CHECK_EQ("seek to 4 GiB + 7", seek64((int)fd, at, LKL_SEEK_SET), at);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ("read after the seek", lkl_sys_read(fd, buf, 4), 4);
	CHECK("read after the seek reads what was written",
	      !memcmp(buf, "LKL!", 4));
	CHECK_EQ("seek to the end", seek64((int)fd, 0, LKL_SEEK_END), size);
	if (sizeof(long) == 4)
		CHECK_EQ("lkl_sys_lseek past 2 GiB on a 32-bit host",
			 lkl_sys_lseek(fd, 0, LKL_SEEK_END), -LKL_EOVERFLOW);
	else
		CHECK_EQ("lkl_sys_lseek to the end",
			 lkl_sys_lseek(fd, 0, LKL_SEEK_END), size);
	CHECK_EQ("ftruncate to 4 GiB + 9", lkl_sys_ftruncate(fd, at + 2), 0);
	CHECK_EQ("size after the second ftruncate", statx_size(path), at + 2);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ("pread64 at 4 GiB + 7 after it: two bytes left",
		 lkl_sys_pread64(fd, buf, 4, at), 2);
	CHECK_EQ("close", lkl_sys_close(fd), 0);
	CHECK_EQ("unlink", lkl_sys_unlink(path), 0);
}

/* ---- ext4: fallocate, sync_file_range, fadvise64_64 ---- */

/* A sparse image with an ext4 filesystem made by the host's mkfs.ext4. */
static int make_ext4(const char *img)
{
	int status, fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
	pid_t pid;

	if (fd < 0 || ftruncate(fd, 64 << 20) || close(fd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp("mkfs.ext4", "mkfs.ext4", "-q", "-F", img, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_ext4(const char *img, int disk)
{
	long long at = 4 * GiB + 64 * 1024, len = 8192;
	struct lkl_statx before, after;
	char mnt[64], path[96];
	long fd, r;

	test_section("64-bit arguments on ext4", 30);
	if (disk < 0) {
		test_skip("ext4 checks", "%s: no ext4 image (mkfs.ext4)", img);
		return;
	}
	r = lkl_mount_disk(disk, 0, "ext4", 0, NULL, mnt, sizeof(mnt));
	if (!check(r == 0, "mount the ext4 disk", "%s", lkl_strerror((int)r)))
		return;
	snprintf(path, sizeof(path), "%s/sparse", mnt);
	fd = lkl_sys_open(path, LKL_O_RDWR | LKL_O_CREAT | LKL_O_LARGEFILE,
			  0600);
	if (!check(fd >= 0, "create a file on ext4", "%s",
		   lkl_strerror((int)fd)))
		return;
	lkl_sys_statx((int)fd, "", LKL_AT_EMPTY_PATH, LKL_STATX_BASIC_STATS,
		      &before);
	CHECK_EQ("fallocate KEEP_SIZE 8 KiB at 4 GiB + 64 KiB",
		 lkl_sys_fallocate((int)fd, LKL_FALLOC_FL_KEEP_SIZE, at, len),
		 0);
	lkl_sys_statx((int)fd, "", LKL_AT_EMPTY_PATH, LKL_STATX_BASIC_STATS,
		      &after);
	CHECK_EQ("fallocate allocated 8 KiB (16 blocks of 512 bytes)",
		 (long long)(after.stx_blocks - before.stx_blocks), 16);
	CHECK_EQ("KEEP_SIZE kept the size 0", (long long)after.stx_size, 0);
	CHECK_EQ("fallocate extending to 4 GiB + 72 KiB",
		 lkl_sys_fallocate((int)fd, 0, at, len), 0);
	CHECK_EQ("size after fallocate", statx_size(path), at + len);
	CHECK_EQ("pwrite64 into the allocated range",
		 lkl_sys_pwrite64(fd, "ext4", 4, at + 100), 4);
	CHECK_EQ("sync_file_range at 4 GiB + 64 KiB",
		 lkl_sys_sync_file_range((int)fd, at, len,
					 LKL_SYNC_FILE_RANGE_WRITE |
					 LKL_SYNC_FILE_RANGE_WAIT_AFTER), 0);
	/* Its flags are the sixth word: anything else is refused. */
	CHECK_EQ("sync_file_range with a bad flag is EINVAL",
		 lkl_sys_sync_file_range((int)fd, at, len, 0x100),
		 -LKL_EINVAL);
	CHECK_EQ("sync_file_range with a negative length is EINVAL",
		 lkl_sys_sync_file_range((int)fd, at, -len, 0), -LKL_EINVAL);
	CHECK_EQ("fadvise64_64 WILLNEED at 4 GiB + 64 KiB",
		 lkl_sys_fadvise64_64((int)fd, at, len, LKL_POSIX_FADV_WILLNEED),
		 0);
	CHECK_EQ("fadvise64_64 with a bad advice is EINVAL",
		 lkl_sys_fadvise64_64((int)fd, at, len, 99), -LKL_EINVAL);
	CHECK_EQ("close", lkl_sys_close(fd), 0);
	CHECK_EQ("unmount", lkl_umount_disk(disk, 0, 0), 0);
}

/* ---- 64-bit time ---- */

static void test_time64(void)
{
	struct __lkl__kernel_timespec ts = { Y2040, 500000000 }, now;
	struct __lkl__kernel_timespec times[2] = {
		{ Y2040 + 1, 0 }, { Y2040 + 2, 250 } };
	struct lkl_statx stx;
	long fd, r;

	test_section("64-bit time", 10);
	CHECK_EQ("clock_settime REALTIME to 2040",
		 lkl_sys_clock_settime(LKL_CLOCK_REALTIME, &ts), 0);
	CHECK_EQ("clock_gettime REALTIME",
		 lkl_sys_clock_gettime(LKL_CLOCK_REALTIME, &now), 0);
	check(now.tv_sec >= Y2040 && now.tv_sec < Y2040 + 10,
	      "clock_gettime after clock_settime is in 2040",
	      "tv_sec %lld, want %lld..%lld", (long long)now.tv_sec, Y2040,
	      Y2040 + 9);
	fd = lkl_sys_open("/tmpfs/t2040", LKL_O_RDWR | LKL_O_CREAT, 0600);
	CHECK("a file made in 2040", fd >= 0);
	r = lkl_sys_statx((int)fd, "", LKL_AT_EMPTY_PATH, LKL_STATX_MTIME,
			  &stx);
	check(r == 0 && stx.stx_mtime.tv_sec >= Y2040 &&
	      stx.stx_mtime.tv_sec < Y2040 + 10, "its mtime is in 2040",
	      "statx %ld, tv_sec %lld", r, (long long)stx.stx_mtime.tv_sec);
	CHECK_EQ("utimensat to 2040 + 2 s",
		 lkl_sys_utimensat(LKL_AT_FDCWD, "/tmpfs/t2040", times, 0), 0);
	r = lkl_sys_statx(LKL_AT_FDCWD, "/tmpfs/t2040", 0, LKL_STATX_MTIME,
			  &stx);
	check(r == 0 && stx.stx_mtime.tv_sec == Y2040 + 2 &&
	      stx.stx_mtime.tv_nsec == 250, "statx reads the mtime back",
	      "statx %ld, %lld.%09u", r, (long long)stx.stx_mtime.tv_sec,
	      stx.stx_mtime.tv_nsec);
	lkl_sys_close(fd);
}

int main(void)
{
	char img[] = "/tmp/lkl-large-file-XXXXXX";
	char imgpath[64];
	struct lkl_disk disk = { 0 };
	int id = -1;
	long r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	lkl_host_log_fd = -1;
	test_section("setup", 60);
	if (!check(mkdtemp(img) != NULL, "temporary folder", "%s",
		   strerror(errno)))
		return test_done();
	snprintf(imgpath, sizeof(imgpath), "%s/ext4.img", img);
	if (make_ext4(imgpath) == 0) {
		disk.path = imgpath;
		id = lkl_disk_add(&disk);
		check(id >= 0, "add the ext4 disk", "%s", disk.error);
	}
	r = lkl_start_kernel(&lkl_host_ops, "mem=64M loglevel=4");
	if (check(r == 0, "lkl_start_kernel", "%s", lkl_strerror((int)r))) {
		test_offsets();
		test_ext4(imgpath, id);
		test_time64();
		test_section("halt", 10);
		CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
	}
	unlink(imgpath);
	rmdir(img);
	return test_done();
}
