// SPDX-License-Identifier: GPL-2.0
/*
 * disk-bench.c - prints figures, never passes or fails.
 *
 * Sequential write and read of a file on ext4 in an image through LKL
 * (virtio-blk), against the host writing and reading the same amount to a
 * plain file in the same folder, in the same run; and creating 10,000
 * small files both ways.  Reads are from the disk on both sides: the
 * file's host pages are dropped (posix_fadvise) and LKL's own page cache
 * too (drop_caches) before reading.
 *
 * Usage: lkl-disk-bench [DIR [MIB]]   (DIR defaults to ".", MIB to 256)
 * LKL_BENCH_READ_AHEAD_KB=N sets the read-ahead of LKL's disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#define CHUNK		(1024 * 1024)
#define SMALL_FILES	10000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, long err)
{
	fprintf(stderr, "lkl-disk-bench: %s: %s\n", what,
		err < 0 ? lkl_strerror(err) : strerror(errno));
	exit(1);
}

struct figures {
	double write_s, read_s, create_s;
};

/* ---- the host's side: a plain file in DIR ---- */

static void host_run(const char *dir, long mib, char *buf, struct figures *f)
{
	char path[4096], name[4200];
	double t;
	long i;
	int fd;

	snprintf(path, sizeof(path), "%s/lkl-bench-host.dat", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		die(path, 0);
	t = now();
	for (i = 0; i < mib; i++)
		if (write(fd, buf, CHUNK) != CHUNK)
			die("host write", 0);
	if (fsync(fd))
		die("host fsync", 0);
	f->write_s = now() - t;
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);

	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path, 0);
	t = now();
	for (i = 0; i < mib; i++)
		if (read(fd, buf, CHUNK) != CHUNK)
			die("host read", 0);
	f->read_s = now() - t;
	close(fd);
	unlink(path);

	snprintf(path, sizeof(path), "%s/lkl-bench-host.d", dir);
	if (mkdir(path, 0700) && errno != EEXIST)
		die(path, 0);
	t = now();
	for (i = 0; i < SMALL_FILES; i++) {
		snprintf(name, sizeof(name), "%s/f%ld", path, i);
		fd = open(name, O_CREAT | O_WRONLY, 0600);
		if (fd < 0 || write(fd, buf, 100) != 100)
			die("host small file", 0);
		close(fd);
	}
	sync();
	f->create_s = now() - t;
	for (i = 0; i < SMALL_FILES; i++) {
		snprintf(name, sizeof(name), "%s/f%ld", path, i);
		unlink(name);
	}
	rmdir(path);
}

/* ---- LKL's side: ext4 in an image in DIR, through virtio-blk ---- */

static long lkl_write_file(const char *path, const char *data, long len)
{
	long fd = lkl_sys_open(path, LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC,
			       0600);
	long r = fd;

	if (fd < 0)
		return fd;
	if (len)
		r = lkl_sys_write(fd, data, len);
	lkl_sys_close(fd);
	return r < 0 ? r : 0;
}

static void lkl_run(const char *image, long mib, char *buf, struct figures *f)
{
	struct lkl_disk disk = { .path = image };
	char mnt[64], path[128];
	double t;
	long r, i, fd;
	int id;

	id = lkl_disk_add(&disk);
	if (id < 0) {
		fprintf(stderr, "lkl-disk-bench: %s\n", disk.error);
		exit(1);
	}
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, "mem=256M");
	if (r < 0)
		die("lkl_start_kernel", r);
	r = lkl_mount_disk(id, 0, "ext4", 0, NULL, mnt, sizeof(mnt));
	if (r < 0)
		die("lkl_mount_disk", r);
	r = lkl_mount_fs("proc");
	if (r < 0)
		die("mount proc", r);
	/* Optional: LKL_BENCH_READ_AHEAD_KB=N sets the disk's read-ahead. */
	if (getenv("LKL_BENCH_READ_AHEAD_KB")) {
		const char *ra = getenv("LKL_BENCH_READ_AHEAD_KB");

		snprintf(path, sizeof(path), "/sysfs/block/%s/queue/read_ahead_kb",
			 mnt + strlen("/mnt/"));
		r = lkl_write_file(path, ra, strlen(ra));
		if (r < 0)
			die(path, r);
	}

	snprintf(path, sizeof(path), "%s/big", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_TRUNC | LKL_O_WRONLY, 0600);
	if (fd < 0)
		die("lkl open", fd);
	t = now();
	for (i = 0; i < mib; i++) {
		r = lkl_sys_write(fd, buf, CHUNK);
		if (r != CHUNK)
			die("lkl write", r);
	}
	r = lkl_sys_fsync(fd);
	if (r < 0)
		die("lkl fsync", r);
	f->write_s = now() - t;
	lkl_sys_close(fd);

	/* Read from the disk: drop LKL's caches and the image's host pages. */
	r = lkl_write_file("/proc/sys/vm/drop_caches", "3", 1);
	if (r < 0)
		die("drop_caches", r);
	fd = open(image, O_RDONLY);
	if (fd >= 0) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	if (fd < 0)
		die("lkl open", fd);
	t = now();
	for (i = 0; i < mib; i++) {
		r = lkl_sys_read(fd, buf, CHUNK);
		if (r != CHUNK)
			die("lkl read", r);
	}
	f->read_s = now() - t;
	lkl_sys_close(fd);

	snprintf(path, sizeof(path), "%s/small", mnt);
	r = lkl_sys_mkdir(path, 0700);
	if (r < 0)
		die("lkl mkdir", r);
	t = now();
	for (i = 0; i < SMALL_FILES; i++) {
		snprintf(path, sizeof(path), "%s/small/f%ld", mnt, i);
		r = lkl_write_file(path, buf, 100);
		if (r < 0)
			die("lkl small file", r);
	}
	lkl_sys_sync();
	f->create_s = now() - t;

	lkl_umount_disk(id, 0, 0);
	lkl_sys_halt();
	lkl_disk_remove(id);
}

static void make_image(const char *image, long mib)
{
	char cmd[4400];
	int fd = open(image, O_CREAT | O_TRUNC | O_WRONLY, 0600);

	/* Room for the big file, the small ones and ext4's own blocks. */
	if (fd < 0 || ftruncate(fd, (off_t)(mib * 2 + 256) << 20))
		die(image, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F '%s'", image);
	if (system(cmd) != 0) {
		fprintf(stderr, "lkl-disk-bench: mkfs.ext4 failed (e2fsprogs)\n");
		exit(1);
	}
}

static void print_row(const char *what, double lkl, double host,
		      double amount, const char *unit)
{
	printf("%-28s lkl %9.1f %-8s host %9.1f %-8s ratio %.2f\n", what,
	       amount / lkl, unit, amount / host, unit, host / lkl);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	long mib = argc > 2 ? atol(argv[2]) : 256;
	struct figures host, lkl;
	char image[4096];
	char *buf;
	long i;

	if (mib <= 0) {
		fprintf(stderr, "usage: %s [DIR [MIB]]\n", argv[0]);
		return 2;
	}
	buf = malloc(CHUNK);
	if (!buf)
		die("malloc", 0);
	for (i = 0; i < CHUNK; i++)
		buf[i] = (char)(i * 131 + (i >> 9));

	snprintf(image, sizeof(image), "%s/lkl-bench.img", dir);
	make_image(image, mib);
	host_run(dir, mib, buf, &host);
	lkl_run(image, mib, buf, &lkl);
	unlink(image);

	printf("LKL disk benchmark: %ld MiB sequential, %d small files, in %s\n",
	       mib, SMALL_FILES, dir);
	printf("(ratio = LKL rate / host rate; LKL: ext4 in an image via virtio-blk;\n"
	       " host: a plain file on the host's filesystem; reads from the disk)\n\n");
	print_row("sequential write + fsync", lkl.write_s, host.write_s,
		  mib, "MiB/s");
	print_row("sequential read", lkl.read_s, host.read_s, mib, "MiB/s");
	print_row("create 10,000 files + sync", lkl.create_s, host.create_s,
		  SMALL_FILES, "files/s");
	free(buf);
	return 0;
}
