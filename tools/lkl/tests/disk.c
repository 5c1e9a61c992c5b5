// SPDX-License-Identifier: GPL-2.0
/*
 * disk.c - virtio-blk disks: lkl_disk_add(), lkl_mount_disk() and what
 * the kernel does with them.
 *
 * The kernel boots once per process, so the test runs in two:
 *  - the writer (no argument) makes images with the host's mkfs.ext4,
 *    mkfs.vfat, mkfs.btrfs and mkfs.xfs, adds them, boots, writes a tree
 *    of files on each (a 32 MiB file, 1000 small ones, nested
 *    directories; symlinks and an xattr but on vfat), syncs, tries the
 *    error cases, unmounts, halts and checks the images on the host
 *    (fsck.ext4, fsck.vfat, btrfs check, xfs_repair -n);
 *  - the reader (disk --reader DIR), started by the writer with
 *    fork+exec, adds the same images read-only, boots and checks every
 *    file, then halts without removing its disks.
 * The reader's result lines are counted in the writer's summary.
 *
 * Host tools: mkfs.ext4/fsck.ext4 (e2fsprogs), mkfs.vfat/fsck.vfat
 * (dosfstools), mkfs.btrfs/btrfs (btrfs-progs), mkfs.xfs/xfs_repair
 * (xfsprogs); the checks that need one that is missing are skipped.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -I<installed headers> -Itools/lkl/include
 *        tools/lkl/tests/disk.c -L<dir of liblkl> -llkl -lpthread
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fs.h>
#include <lkl/linux/mount.h>
#include <lkl/linux/stat.h>

#include "host-util.h"
#include "test.h"

#define MiB		(1024 * 1024)
#define BIG_SIZE	(32 * MiB)
#define NFILES		1000
/* xfs wants 300 MiB images; four trees of 32 MiB go through the cache. */
#define BOOT_ARGS	"mem=256M loglevel=4"

/* Images, in the temporary directory. */
enum { IMG_EXT4, IMG_VFAT, IMG_SYNC, IMG_RAND, IMG_MBR, IMG_GPT, IMG_BTRFS,
       IMG_XFS, IMG_TRUNC, NR_IMGS };
static const char *const img_names[NR_IMGS] = {
	"ext4.img", "vfat.img", "sync.img", "rand.img", "mbr.img", "gpt.img",
	"btrfs.img", "xfs.img", "trunc.img",
};

/* The images that get the whole tree, and their filesystems. */
static const struct {
	int img;
	const char *fs;
} trees[] = {
	{ IMG_EXT4, "ext4" }, { IMG_VFAT, "vfat" },
	{ IMG_BTRFS, "btrfs" }, { IMG_XFS, "xfs" },
};
#define NR_TREES	(int)(sizeof(trees) / sizeof(trees[0]))
static char tmpdir[1024];
static char img[NR_IMGS][PATH_MAX];
static int disk_id[NR_IMGS];
static char mnt[NR_IMGS][64];

static const char *tool_mkfs_ext4, *tool_fsck_ext4, *tool_mkfs_vfat,
		  *tool_fsck_vfat, *tool_mkfs_btrfs, *tool_btrfs,
		  *tool_mkfs_xfs, *tool_xfs_repair;

/* ---- Host helpers ---- */

/* A host tool by name: in $PATH, else in the sbin directories. */
static const char *find_tool(const char *name)
{
	static char found[16][PATH_MAX];
	static int nfound;
	const char *path = getenv("PATH");
	char dirs[4096];
	char *dir, *save;

	if (nfound == 16)
		return NULL;
	snprintf(dirs, sizeof(dirs), "%s:/sbin:/usr/sbin:/usr/local/sbin",
		 path ? path : "/bin:/usr/bin");
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = found[nfound];

		if (snprintf(p, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
			continue;
		if (access(p, X_OK) == 0)
			return found[nfound++];
	}
	return NULL;
}

/*
 * Run a host tool, its output into DIR/tool.log; prints the log on
 * failure.  Returns its exit status, or -1.
 */
static int run_tool(const char *const argv[])
{
	char log[PATH_MAX + 16], line[256];
	int status;
	pid_t pid;
	FILE *f;

	snprintf(log, sizeof(log), "%s/tool.log", tmpdir);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	printf("# %s failed:\n", argv[0]);
	f = fopen(log, "r");
	for (int n = 0; f && n < 20 && fgets(line, sizeof(line), f); n++)
		printf("#   %s", line);
	if (f)
		fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int make_sparse(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int r;

	if (fd < 0)
		return -1;
	r = ftruncate(fd, size);
	close(fd);
	return r;
}

static int host_pwrite(const char *path, const void *buf, size_t len,
		       off_t off)
{
	int fd = open(path, O_WRONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = pwrite(fd, buf, len, off);
	close(fd);
	return r == (ssize_t)len ? 0 : -1;
}

/* ---- Content ---- */

/* xorshift64*: the same stream on both sides from the same seed. */
static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void rnd_fill(uint64_t *s, void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t v;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		v = rnd_next(s);
		memcpy(p + i, &v, 8);
	}
	if (i < len) {
		v = rnd_next(s);
		memcpy(p + i, &v, len - i);
	}
}

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

#define FNV_INIT	0xcbf29ce484222325ULL

/* Small file i: its path under the tree, and its content. */
static void small_path(char *buf, size_t len, const char *root, int i)
{
	snprintf(buf, len, "%s/tree/d%d/e%d/f%03d", root, i / 100,
		 i / 10 % 10, i);
}

static size_t small_content(int i, char *buf)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL + (uint64_t)i;
	size_t len = (size_t)i * 131 % 4000;
	int n = sprintf(buf, "file %d\n", i);

	rnd_fill(&seed, buf + n, len);
	return (size_t)n + len;
}

/* ---- LKL helpers ---- */

static long write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		long r = lkl_sys_write(fd, p + done, len - done);

		if (r <= 0)
			return r ? r : -LKL_EIO;
		done += (size_t)r;
	}
	return 0;
}

static long read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		long r = lkl_sys_read(fd, p + done, len - done);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (long)done;
}

static long put_file(const char *path, const void *buf, size_t len)
{
	long fd, r;

	fd = lkl_sys_openat(LKL_AT_FDCWD, path,
			    LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	r = write_all((int)fd, buf, len);
	lkl_sys_close((int)fd);
	return r;
}

/* 0 when the file holds exactly buf[0 .. len), else -1 or -errno. */
static long cmp_file(const char *path, const void *buf, size_t len)
{
	static char got[8192];
	long fd, r;

	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	r = read_full((int)fd, got, sizeof(got));
	lkl_sys_close((int)fd);
	if (r < 0)
		return r;
	return (size_t)r == len && memcmp(got, buf, len) == 0 ? 0 : -1;
}

static long mkdirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;
	long r;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = 0;
		r = lkl_sys_mkdirat(LKL_AT_FDCWD, buf, 0755);
		if (r && r != -LKL_EEXIST)
			return r;
		*p = c;
		if (!c)
			return 0;
	}
}

/* ---- The tree ---- */

static long write_big(const char *root, uint64_t *sum)
{
	static char buf[MiB];
	char path[256];
	uint64_t seed = 42;
	long fd, r = 0;
	int i;

	snprintf(path, sizeof(path), "%s/big.bin", root);
	fd = lkl_sys_openat(LKL_AT_FDCWD, path,
			    LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	*sum = FNV_INIT;
	for (i = 0; i < BIG_SIZE / MiB && !r; i++) {
		rnd_fill(&seed, buf, sizeof(buf));
		*sum = fnv(*sum, buf, sizeof(buf));
		r = write_all((int)fd, buf, sizeof(buf));
	}
	if (!r)
		r = lkl_sys_fsync((int)fd);
	lkl_sys_close((int)fd);
	return r;
}

/* Reads big.bin back; its checksum in *got, the expected one in *want. */
static long read_big(const char *root, uint64_t *got, uint64_t *want)
{
	static char buf[MiB], exp[MiB];
	char path[256];
	uint64_t seed = 42;
	long fd, r = 0;
	int i;

	snprintf(path, sizeof(path), "%s/big.bin", root);
	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	*got = *want = FNV_INIT;
	for (i = 0; i < BIG_SIZE / MiB; i++) {
		rnd_fill(&seed, exp, sizeof(exp));
		*want = fnv(*want, exp, sizeof(exp));
		r = read_full((int)fd, buf, sizeof(buf));
		if (r < 0)
			break;
		*got = fnv(*got, buf, (size_t)r);
		r = 0;
	}
	/* Nothing more after 32 MiB. */
	if (!r && read_full((int)fd, buf, 1) != 0)
		r = -1;
	lkl_sys_close((int)fd);
	return r;
}

/* 1000 files in 10 x 10 directories; the index of the first failure. */
static int write_small(const char *root, long *err)
{
	static char buf[8192];
	char path[256];
	int i;

	for (i = 0; i < NFILES; i++) {
		small_path(path, sizeof(path), root, i);
		if (i % 10 == 0) {
			*strrchr(path, '/') = 0;
			*err = mkdirs(path);
			if (*err)
				return i;
			small_path(path, sizeof(path), root, i);
		}
		*err = put_file(path, buf, small_content(i, buf));
		if (*err)
			return i;
	}
	return -1;
}

static int check_small(const char *root, long *err)
{
	static char buf[8192];
	char path[256];
	int i;

	for (i = 0; i < NFILES; i++) {
		small_path(path, sizeof(path), root, i);
		*err = cmp_file(path, buf, small_content(i, buf));
		if (*err)
			return i;
	}
	return -1;
}

static const char deep_dir[] = "deep/a/b/c/d/e/f/g/h";
static const char deep_text[] = "at the bottom\n";
static const char xattr_value[] = "lkl disk test";

/* "fs: what", for a check's name. */
static const char *fs_name(const char *fs, const char *what)
{
	static char name[128];

	snprintf(name, sizeof(name), "%s: %s", fs, what);
	return name;
}

/* Symlinks and xattrs: every filesystem here but vfat. */
static int fs_is_posix(const char *fs)
{
	return strcmp(fs, "vfat") != 0;
}

/* Writes the whole tree, then syncs the filesystem. */
static void write_tree(const char *root, const char *fs)
{
	char path[256], target[256];
	uint64_t sum;
	long r;
	int i;

	r = write_big(root, &sum);
	check(r == 0, fs_name(fs, "32 MiB file written and fsync'ed"), "%s",
	      lkl_strerror(r));
	i = write_small(root, &r);
	check(i < 0, fs_name(fs, "1000 small files written"), "file %d: %s",
	      i, lkl_strerror(r));
	snprintf(path, sizeof(path), "%s/%s", root, deep_dir);
	r = mkdirs(path);
	if (!r) {
		strcat(path, "/leaf.txt");
		r = put_file(path, deep_text, strlen(deep_text));
	}
	check(r == 0, fs_name(fs, "nested directories"), "%s",
	      lkl_strerror(r));
	if (fs_is_posix(fs)) {
		snprintf(path, sizeof(path), "%s/tree/big-link", root);
		r = lkl_sys_symlinkat("../big.bin", LKL_AT_FDCWD, path);
		if (!r) {
			snprintf(path, sizeof(path), "%s/deep-link", root);
			r = lkl_sys_symlinkat("deep/a/b/c", LKL_AT_FDCWD,
					      path);
		}
		CHECK_EQ(fs_name(fs, "symlinks"), r, 0);
		snprintf(target, sizeof(target), "%s/big.bin", root);
		r = lkl_sys_lsetxattr(target, "user.lkl", xattr_value,
				      sizeof(xattr_value), 0);
		check(r == 0, fs_name(fs, "xattr set"), "%s", lkl_strerror(r));
	}
	r = lkl_sys_openat(LKL_AT_FDCWD, root, LKL_O_RDONLY, 0);
	if (r >= 0) {
		long fd = r;

		r = lkl_sys_syncfs((int)fd);
		lkl_sys_close((int)fd);
	}
	check(r == 0, fs_name(fs, "syncfs"), "%s", lkl_strerror(r));
}

static void check_tree(const char *root, const char *fs)
{
	char path[256], buf[256], name[96];
	uint64_t got = 0, want = 0;
	long r;
	int i;

	r = read_big(root, &got, &want);
	snprintf(name, sizeof(name), "%s: 32 MiB file checksum matches", fs);
	check(r == 0 && got == want, name, "r=%ld, %016llx != %016llx", r,
	      (unsigned long long)got, (unsigned long long)want);
	i = check_small(root, &r);
	snprintf(name, sizeof(name), "%s: 1000 small files match", fs);
	check(i < 0, name, "file %d: %ld", i, r);
	snprintf(path, sizeof(path), "%s/%s/leaf.txt", root, deep_dir);
	r = cmp_file(path, deep_text, strlen(deep_text));
	snprintf(name, sizeof(name), "%s: nested directories", fs);
	check(r == 0, name, "%ld", r);
	if (!fs_is_posix(fs))
		return;

	snprintf(path, sizeof(path), "%s/tree/big-link", root);
	r = lkl_sys_readlinkat(LKL_AT_FDCWD, path, buf, sizeof(buf) - 1);
	if (r >= 0)
		buf[r] = 0;
	check(r >= 0 && !strcmp(buf, "../big.bin"),
	      fs_name(fs, "symlink target"), "%ld", r);
	snprintf(path, sizeof(path), "%s/deep-link/d/e/f/g/h/leaf.txt", root);
	r = cmp_file(path, deep_text, strlen(deep_text));
	CHECK_EQ(fs_name(fs, "path through a directory symlink"), r, 0);
	snprintf(path, sizeof(path), "%s/big.bin", root);
	r = lkl_sys_getxattr(path, "user.lkl", buf, sizeof(buf));
	check(r == sizeof(xattr_value) && !memcmp(buf, xattr_value, r),
	      fs_name(fs, "xattr read back"), "%ld", r);
}

/* ---- Partition tables ---- */

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* One MBR partition entry (slot 0) and the signature. */
static void mbr_entry(unsigned char *mbr, uint8_t type, uint32_t start,
		      uint32_t count)
{
	unsigned char *e = mbr + 446;

	e[1] = 0xfe; e[2] = 0xff; e[3] = 0xff;	/* CHS: use the LBA */
	e[4] = type;
	e[5] = 0xfe; e[6] = 0xff; e[7] = 0xff;
	put_le32(e + 8, start);
	put_le32(e + 12, count);
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
}

static int write_mbr(const char *path, uint32_t start, uint32_t count)
{
	unsigned char mbr[512] = { 0 };

	mbr_entry(mbr, 0x83, start, count);
	return host_pwrite(path, mbr, sizeof(mbr), 0);
}

static uint32_t crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = 0xffffffff;

	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320 & (0 - (c & 1)));
	}
	return ~c;
}

/* A GPT header at lba, its entries at entries_lba. */
static void gpt_header(unsigned char *h, uint64_t lba, uint64_t alt,
		       uint64_t entries_lba, uint64_t sectors,
		       uint32_t entries_crc)
{
	static const unsigned char disk_guid[16] = {
		0x4c, 0x4b, 0x4c, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };

	memset(h, 0, 512);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, 92);
	put_le64(h + 24, lba);
	put_le64(h + 32, alt);
	put_le64(h + 40, 34);
	put_le64(h + 48, sectors - 34);
	memcpy(h + 56, disk_guid, 16);
	put_le64(h + 72, entries_lba);
	put_le32(h + 80, 128);
	put_le32(h + 84, 128);
	put_le32(h + 88, entries_crc);
	put_le32(h + 16, crc32(h, 92));
}

/* Protective MBR, GPT with one partition [start, end], and its backup. */
static int write_gpt(const char *path, uint64_t sectors, uint64_t start,
		     uint64_t end)
{
	/* Linux filesystem data, 0FC63DAF-8483-4772-8E79-3D69D8477DE4 */
	static const unsigned char linux_fs[16] = {
		0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47,
		0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4 };
	static unsigned char entries[128 * 128];
	unsigned char mbr[512] = { 0 }, hdr[512];
	uint32_t crc;

	memset(entries, 0, sizeof(entries));
	memcpy(entries, linux_fs, 16);
	memset(entries + 16, 0x5a, 16);		/* partition GUID */
	put_le64(entries + 32, start);
	put_le64(entries + 40, end);
	entries[56] = 'l'; entries[58] = 'k'; entries[60] = 'l';
	crc = crc32(entries, sizeof(entries));

	mbr_entry(mbr, 0xee, 1, (uint32_t)(sectors - 1));
	if (host_pwrite(path, mbr, sizeof(mbr), 0))
		return -1;
	gpt_header(hdr, 1, sectors - 1, 2, sectors, crc);
	if (host_pwrite(path, hdr, sizeof(hdr), 512) ||
	    host_pwrite(path, entries, sizeof(entries), 2 * 512))
		return -1;
	gpt_header(hdr, sectors - 1, 1, sectors - 33, sectors, crc);
	if (host_pwrite(path, entries, sizeof(entries),
			(off_t)(sectors - 33) * 512) ||
	    host_pwrite(path, hdr, sizeof(hdr), (off_t)(sectors - 1) * 512))
		return -1;
	return 0;
}

/* ---- Writer: images ---- */

static void set_paths(void)
{
	int i;

	for (i = 0; i < NR_IMGS; i++)
		snprintf(img[i], sizeof(img[i]), "%s/%s", tmpdir, img_names[i]);
}

/* btrfs and xfs, when the host has their mkfs (sparse: little disk). */
static void make_btrfs_xfs(void)
{
	if (tool_mkfs_btrfs) {
		const char *a[] = { tool_mkfs_btrfs, "-q", "-f", img[IMG_BTRFS],
				    NULL };

		CHECK("btrfs image made",
		      !make_sparse(img[IMG_BTRFS], 256 * MiB) && !run_tool(a));
	}
	if (tool_mkfs_xfs) {
		const char *a[] = { tool_mkfs_xfs, "-q", "-f", img[IMG_XFS],
				    NULL };

		CHECK("xfs image made",
		      !make_sparse(img[IMG_XFS], 320 * MiB) && !run_tool(a));
	}
}

static int make_images(void)
{
	static char buf[MiB];
	uint64_t seed = 7;
	char blocks[32];
	int fd, i, ok = 1;

	/* Random bytes: no filesystem and no partition table. */
	fd = open(img[IMG_RAND], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (i = 0; fd >= 0 && i < 8; i++) {
		rnd_fill(&seed, buf, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			ok = 0;
	}
	if (fd >= 0)
		close(fd);
	CHECK("random-bytes image made", fd >= 0 && ok);

	if (tool_mkfs_ext4) {
		const char *a1[] = { tool_mkfs_ext4, "-q", "-F", img[IMG_EXT4],
				     NULL };
		const char *a2[] = { tool_mkfs_ext4, "-q", "-F", img[IMG_SYNC],
				     NULL };
		/* ext4 in partition 1, from sector 2048 (1 MiB), 20 MiB. */
		const char *a3[] = { tool_mkfs_ext4, "-q", "-F", "-b", "4096",
				     "-E", "offset=1048576", img[IMG_MBR],
				     "5120", NULL };
		const char *a4[] = { tool_mkfs_ext4, "-q", "-F", img[IMG_TRUNC],
				     NULL };

		CHECK("ext4 image made",
		      !make_sparse(img[IMG_EXT4], 160 * MiB) && !run_tool(a1));
		CHECK("second ext4 image made",
		      !make_sparse(img[IMG_SYNC], 48 * MiB) && !run_tool(a2));
		CHECK("MBR image with ext4 in partition 1 made",
		      !make_sparse(img[IMG_MBR], 24 * MiB) && !run_tool(a3) &&
		      !write_mbr(img[IMG_MBR], 2048, 40960));
		/* A 64 MiB ext4 cut to 8 MiB: its superblock promises more. */
		CHECK("truncated ext4 image made",
		      !make_sparse(img[IMG_TRUNC], 64 * MiB) && !run_tool(a4) &&
		      !truncate(img[IMG_TRUNC], 8 * MiB));
	}
	if (tool_mkfs_vfat) {
		const char *a1[] = { tool_mkfs_vfat, img[IMG_VFAT], NULL };
		/* vfat in partition 1, sectors 2048 .. 26623 (12 MiB). */
		const char *a2[] = { tool_mkfs_vfat, "--offset=2048",
				     img[IMG_GPT], blocks, NULL };

		snprintf(blocks, sizeof(blocks), "%d", 12 * 1024);
		CHECK("vfat image made",
		      !make_sparse(img[IMG_VFAT], 96 * MiB) && !run_tool(a1));
		CHECK("GPT image with vfat in partition 1 made",
		      !make_sparse(img[IMG_GPT], 16 * MiB) && !run_tool(a2) &&
		      !write_gpt(img[IMG_GPT], 16 * MiB / 512, 2048,
				 2048 + 12 * 2048 - 1));
	}
	make_btrfs_xfs();
	return 0;
}

static int have_img(int i)
{
	return access(img[i], R_OK) == 0 && disk_id[i] >= 0;
}

/* ---- Writer: adding disks ---- */

/* lkl_disk_add of a file the host lets us read only, added writable. */
static int add_host_ro(const char *path, int *err, char *msg, size_t len)
{
	struct lkl_disk d = { .path = path };

	*err = lkl_disk_add(&d);
	snprintf(msg, len, "%s", d.error);
	if (*err >= 0)
		lkl_disk_remove(*err);
	return *err < 0;
}

/*
 * root may open anything: try as nobody in a child (before boot, so
 * forking is safe), which reports through its exit status.
 */
static void test_host_ro(void)
{
	char path[PATH_MAX + 16], msg[256];
	int err, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/ro.img", tmpdir);
	if (make_sparse(path, MiB) || chmod(path, 0444)) {
		check(0, "read-only host file made", "%s", strerror(errno));
		return;
	}
	if (geteuid() != 0) {
		add_host_ro(path, &err, msg, sizeof(msg));
		check(err == -LKL_EACCES && strstr(msg, path),
		      "host read-only file added writable: -EACCES, the path in the message",
		      "%d \"%s\"", err, msg);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(77);
		add_host_ro(path, &err, msg, sizeof(msg));
		if (err != -LKL_EACCES)
			_exit(1);
		_exit(strstr(msg, path) && strstr(msg, "read-only") ? 0 : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		check(0, "host read-only file added writable", "child failed");
		return;
	}
	if (WEXITSTATUS(status) == 77)
		test_skip("host read-only file added writable",
			  "cannot drop root privileges");
	else
		check(WEXITSTATUS(status) == 0,
		      "host read-only file added writable: -EACCES, the path in the message",
		      "child status %d", WEXITSTATUS(status));
}

static void test_add_errors(void)
{
	char path[PATH_MAX + 16];
	struct lkl_disk d = { 0 };
	int r, fd;

	test_section("adding disks: errors", 30);
	snprintf(path, sizeof(path), "%s/missing.img", tmpdir);
	d.path = path;
	r = lkl_disk_add(&d);
	check(r == -LKL_ENOENT && strstr(d.error, path),
	      "missing image: -ENOENT, the path in the message", "%d \"%s\"",
	      r, d.error);
	d.path = tmpdir;
	d.readonly = 1;
	r = lkl_disk_add(&d);
	CHECK_EQ("a directory: -EISDIR", r, -LKL_EISDIR);
	d.path = NULL;
	d.fd = -1;
	r = lkl_disk_add(&d);
	CHECK_EQ("neither path nor fd: -EINVAL", r, -LKL_EINVAL);

	fd = open(img[IMG_RAND], O_RDONLY);
	d.fd = fd;
	d.readonly = 0;
	r = lkl_disk_add(&d);
	check(r == -LKL_EBADF && strstr(d.error, "read-only"),
	      "fd open read-only, added writable: -EBADF", "%d \"%s\"", r,
	      d.error);
	d.readonly = 1;
	r = lkl_disk_add(&d);
	check(r >= 0, "fd open read-only, added read-only", "%d \"%s\"", r,
	      d.error);
	if (r >= 0)
		CHECK_EQ("disk removed before boot", lkl_disk_remove(r), 0);
	close(fd);
	CHECK_EQ("remove of a bad id: -EINVAL", lkl_disk_remove(-1),
		 -LKL_EINVAL);
	CHECK_EQ("remove of a free id: -ENODEV", lkl_disk_remove(7),
		 -LKL_ENODEV);
	test_host_ro();
}

static void add_disks(int readonly)
{
	struct lkl_disk d = { 0 };
	int i;

	test_section("adding disks", 10);
	for (i = 0; i < NR_IMGS; i++) {
		disk_id[i] = -1;
		if (access(img[i], R_OK))
			continue;
		d.path = img[i];
		d.readonly = readonly && i != IMG_SYNC && i != IMG_RAND &&
			     i != IMG_MBR && i != IMG_GPT;
		disk_id[i] = lkl_disk_add(&d);
		check(disk_id[i] >= 0, img_names[i], "%s", d.error);
	}
}

/* ---- Writer: with the kernel ---- */

static long mount_img(int i, unsigned int part, const char *fstype)
{
	return lkl_mount_disk(disk_id[i], part, fstype, 0, NULL, mnt[i],
			      sizeof(mnt[i]));
}

static void test_mount_errors(void)
{
	char small[4];
	long r;

	test_section("mount errors", 30);
	if (have_img(IMG_RAND)) {
		r = mount_img(IMG_RAND, 0, "ext4");
		check(r < 0, "random bytes as ext4: mount fails", "got %ld", r);
		r = mount_img(IMG_RAND, 0, "vfat");
		check(r < 0, "random bytes as vfat: mount fails", "got %ld", r);
		r = mount_img(IMG_RAND, 1, "ext4");
		CHECK_EQ("random bytes: no partition 1", r, -LKL_ENXIO);
	}
	if (have_img(IMG_TRUNC)) {
		r = mount_img(IMG_TRUNC, 0, "ext4");
		check(r < 0, "truncated ext4 image: mount fails", "got %ld", r);
	}
	if (have_img(IMG_EXT4)) {
		r = mount_img(IMG_EXT4, 0, "vfat");
		check(r < 0, "ext4 mounted as vfat: error", "got %ld", r);
		r = mount_img(IMG_EXT4, 0, "nosuchfs");
		CHECK_EQ("unknown fstype: -ENODEV", r, -LKL_ENODEV);
		r = lkl_mount_disk(disk_id[IMG_EXT4], 0, "ext4", 0, NULL,
				   small, sizeof(small));
		CHECK_EQ("mount point buffer too small: -ERANGE", r,
			 -LKL_ERANGE);
		r = mount_img(IMG_EXT4, 3, "ext4");
		CHECK_EQ("no such partition: -ENXIO", r, -LKL_ENXIO);
	}
	r = lkl_mount_disk(LKL_DISK_MAX - 1, 0, "ext4", 0, NULL, small,
			   sizeof(small));
	CHECK_EQ("no such disk: -ENODEV", r, -LKL_ENODEV);
	r = lkl_mount_disk(0, 0, NULL, 0, NULL, small, sizeof(small));
	CHECK_EQ("NULL fstype: -EINVAL", r, -LKL_EINVAL);
}

static void test_partitions(void)
{
	static const char text[] = "in a partition\n";
	char path[128];
	long r;

	test_section("partitions", 30);
	if (have_img(IMG_MBR)) {
		r = mount_img(IMG_MBR, 1, "ext4");
		check(r == 0, "MBR partition 1 (ext4) mounted", "%s",
		      lkl_strerror(r));
		snprintf(path, sizeof(path), "%s/file", mnt[IMG_MBR]);
		if (!r) {
			r = put_file(path, text, strlen(text));
			if (!r)
				r = cmp_file(path, text, strlen(text));
			CHECK_EQ("MBR partition: file written and read", r, 0);
			r = lkl_umount_disk(disk_id[IMG_MBR], 1, 0);
			CHECK_EQ("MBR partition unmounted", r, 0);
		}
		r = mount_img(IMG_MBR, 2, "ext4");
		CHECK_EQ("MBR: no partition 2", r, -LKL_ENXIO);
	}
	if (have_img(IMG_GPT)) {
		r = mount_img(IMG_GPT, 1, "vfat");
		check(r == 0, "GPT partition 1 (vfat) mounted", "%s",
		      lkl_strerror(r));
		snprintf(path, sizeof(path), "%s/file", mnt[IMG_GPT]);
		if (!r) {
			r = put_file(path, text, strlen(text));
			if (!r)
				r = cmp_file(path, text, strlen(text));
			CHECK_EQ("GPT partition: file written and read", r, 0);
			r = lkl_umount_disk(disk_id[IMG_GPT], 1, 0);
			CHECK_EQ("GPT partition unmounted", r, 0);
		}
	}
}

/* The kernel's name of a disk: sysfs is mounted by lkl_mount_disk(). */
static int dev_path_of(int id, char *path, size_t len)
{
	static const char *const names[] = { "vda", "vdb", "vdc", "vdd",
					     "vde", "vdf", "vdg", "vdh", NULL };
	char want[32], serial[32], attr[128];
	long fd, n;

	snprintf(want, sizeof(want), "lkl-disk-%d", id);
	for (int i = 0; names[i]; i++) {
		snprintf(attr, sizeof(attr), "/sysfs/block/%s/serial",
			 names[i]);
		fd = lkl_sys_openat(LKL_AT_FDCWD, attr, LKL_O_RDONLY, 0);
		if (fd < 0)
			continue;
		n = lkl_sys_read((int)fd, serial, sizeof(serial) - 1);
		lkl_sys_close((int)fd);
		if (n < 0)
			continue;
		serial[n] = 0;
		if (strcmp(serial, want))
			continue;
		snprintf(path, len, "/dev/%s", names[i]);
		return 0;
	}
	return -1;
}

static int host_range_is_zero(const char *path, off_t off, size_t len)
{
	static char buf[MiB];
	int fd = open(path, O_RDONLY);
	ssize_t r;
	size_t i;

	if (fd < 0 || len > sizeof(buf))
		return 0;
	r = pread(fd, buf, len, off);
	close(fd);
	if (r != (ssize_t)len)
		return 0;
	for (i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}

/* BLKZEROOUT and BLKDISCARD reach the host file (random bytes before). */
static void test_zero_discard(void)
{
	uint64_t range[2];
	char dev[32];
	long fd, r;

	test_section("write zeroes and discard", 30);
	if (!have_img(IMG_RAND))
		return;
	/* The failed mounts made the node. */
	if (dev_path_of(disk_id[IMG_RAND], dev, sizeof(dev))) {
		check(0, "random-bytes disk found in sysfs", "no");
		return;
	}
	fd = lkl_sys_openat(LKL_AT_FDCWD, dev, LKL_O_RDWR, 0);
	if (!check(fd >= 0, "block device opened", "%s: %s", dev,
		   lkl_strerror(fd)))
		return;
	range[0] = 0;
	range[1] = MiB;
	r = lkl_sys_ioctl((int)fd, LKL_BLKZEROOUT, (unsigned long)range);
	check(r == 0 && host_range_is_zero(img[IMG_RAND], 0, MiB),
	      "BLKZEROOUT: zeroes in the host file", "%s", lkl_strerror(r));
	range[0] = MiB;
	r = lkl_sys_ioctl((int)fd, LKL_BLKDISCARD, (unsigned long)range);
	check(r == 0 && host_range_is_zero(img[IMG_RAND], MiB, MiB),
	      "BLKDISCARD: a hole in the host file", "%s", lkl_strerror(r));
	check(!host_range_is_zero(img[IMG_RAND], 2 * MiB, MiB),
	      "bytes beyond are left alone", "zeroed");

	/* The host file cut short under the kernel: an I/O error, no more. */
	if (truncate(img[IMG_RAND], 2 * MiB) == 0) {
		char buf[4096];

		r = lkl_sys_pread64((int)fd, buf, sizeof(buf), 6 * MiB);
		CHECK_EQ("reading past the host file's end: -EIO", r,
			 -LKL_EIO);
	}
	lkl_sys_close((int)fd);
}

static const char persist_text[] = "fsync'ed, then halted\n";

/* Free space given back: FITRIM punches holes in the host file. */
static void test_trim_and_persist(void)
{
	static char buf[MiB];
	struct lkl_fstrim_range range;
	char path[128];
	struct stat st0, st1;
	long r, fd;
	int i;

	test_section("trim, and fsync without unmount", 60);
	if (!have_img(IMG_SYNC))
		return;
	r = mount_img(IMG_SYNC, 0, "ext4");
	if (!check(r == 0, "second ext4 mounted", "%s", lkl_strerror(r)))
		return;
	snprintf(path, sizeof(path), "%s/fill", mnt[IMG_SYNC]);
	memset(buf, 0xa5, sizeof(buf));
	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_WRONLY | LKL_O_CREAT,
			    0644);
	for (i = 0, r = fd < 0 ? fd : 0; i < 16 && !r; i++)
		r = write_all((int)fd, buf, sizeof(buf));
	if (fd >= 0) {
		if (!r)
			r = lkl_sys_fsync((int)fd);
		lkl_sys_close((int)fd);
	}
	CHECK_EQ("16 MiB written", r, 0);
	stat(img[IMG_SYNC], &st0);
	r = lkl_sys_unlinkat(LKL_AT_FDCWD, path, 0);
	fd = lkl_sys_openat(LKL_AT_FDCWD, mnt[IMG_SYNC], LKL_O_RDONLY, 0);
	lkl_sys_syncfs((int)fd);
	memset(&range, 0, sizeof(range));
	range.len = UINT64_MAX;
	r = lkl_sys_ioctl((int)fd, LKL_FITRIM, (unsigned long)&range);
	lkl_sys_close((int)fd);
	stat(img[IMG_SYNC], &st1);
	check(r == 0 && st1.st_blocks + 16 * MiB / 512 / 2 < st0.st_blocks,
	      "FITRIM: the host file shrinks", "r=%ld, %lld -> %lld blocks",
	      r, (long long)st0.st_blocks, (long long)st1.st_blocks);

	/* Left mounted at halt: fsync must be enough. */
	snprintf(path, sizeof(path), "%s/persist.txt", mnt[IMG_SYNC]);
	fd = lkl_sys_openat(LKL_AT_FDCWD, path,
			    LKL_O_WRONLY | LKL_O_CREAT | LKL_O_TRUNC, 0644);
	r = fd < 0 ? fd : write_all((int)fd, persist_text,
				    strlen(persist_text));
	if (fd >= 0) {
		if (!r)
			r = lkl_sys_fsync((int)fd);
		lkl_sys_close((int)fd);
	}
	CHECK_EQ("file written and fsync'ed, left mounted", r, 0);
}

static void test_write_trees(void)
{
	char name[64];
	long r;
	int t, i;

	test_section("writing trees", 180);
	for (t = 0; t < NR_TREES; t++) {
		i = trees[t].img;
		if (!have_img(i))
			continue;
		r = mount_img(i, 0, trees[t].fs);
		snprintf(name, sizeof(name), "%s mounted", trees[t].fs);
		if (!check(r == 0, name, "%s", lkl_strerror(r)))
			continue;
		write_tree(mnt[i], trees[t].fs);
		r = lkl_umount_disk(disk_id[i], 0, 0);
		snprintf(name, sizeof(name), "%s unmounted", trees[t].fs);
		CHECK_EQ(name, r, 0);
	}
}

/* Halt; the disks' threads are gone without lkl_disk_remove(). */
static void test_halt(int threads0)
{
	double t0;
	long r;
	int n = -1;

	test_section("halt", 30);
	r = lkl_sys_halt();
	CHECK_EQ("lkl_sys_halt", r, 0);
	t0 = host_ms();
	while (host_ms() - t0 < 2000) {
		n = host_thread_count();
		if (n == threads0)
			break;
		host_sleep_ms(10);
	}
	check(n == threads0, "host threads back to the count before boot",
	      "%d threads, %d before boot", n, threads0);
}

/* tool [opt] [opt2] image: the host's check of image i. */
static void test_fsck(int i, const char *tool, const char *opt,
		      const char *opt2, const char *what)
{
	const char *argv[] = { tool, opt, opt2, img[i], NULL };

	if (!opt2) {
		argv[2] = img[i];
		argv[3] = NULL;
	}
	if (!tool)
		test_skip(what, "no fsck tool");
	else if (have_img(i))
		CHECK_EQ(what, run_tool(argv), 0);
}

/* ---- The reader, in a process of its own ---- */

/* Runs `argv0 --reader tmpdir`, counting its result lines as ours. */
static void run_reader(const char *argv0)
{
	char line[512];
	int pfd[2], status;
	pid_t pid;
	FILE *f;

	test_section("reader process", 300);
	if (pipe(pfd)) {
		check(0, "reader started", "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		host_execv(argv0, (char *[]){ (char *)argv0, "--reader",
					  tmpdir, NULL });
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "ok - ", 5))
			test_passed++;
		else if (!strncmp(line, "FAIL - ", 7))
			test_failed++;
		else if (!strncmp(line, "skip - ", 7))
			test_skipped++;
		else if (strstr(line, " passed, "))
			continue;	/* its summary: ours comes last */
		printf("%s", line);
	}
	if (f)
		fclose(f);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		check(0, "reader ran", "fork/wait failed");
		return;
	}
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "reader exits cleanly, halted without removing its disks",
	      "status 0x%x", status);
}

/* Mounts image i read-only and checks its tree. */
static void reader_check(int i, const char *fs)
{
	char path[128];
	long r, fd;

	if (!have_img(i))
		return;
	r = mount_img(i, 0, fs);
	if (!check(r == 0, fs_name(fs, "mounted read-only"), "%s", lkl_strerror(r)))
		return;
	snprintf(path, sizeof(path), "%s/new", mnt[i]);
	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_WRONLY | LKL_O_CREAT,
			    0644);
	CHECK_EQ(fs_name(fs, "read-only: creating a file is -EROFS"), fd,
		 -LKL_EROFS);
	check_tree(mnt[i], fs);
}

static int reader(const char *dir)
{
	int threads0;
	long r;
	char path[128];

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* LKL_DISK_LOG=1 shows the kernel's log on stderr. */
	if (!getenv("LKL_DISK_LOG"))
		lkl_host_log_fd = -1;
	snprintf(tmpdir, sizeof(tmpdir), "%s", dir);
	set_paths();
	/* Read-only on the host too: added read-only, they still mount. */
	for (int t = 0; t < NR_TREES; t++)
		chmod(img[trees[t].img], 0444);
	threads0 = host_thread_count();
	add_disks(1);

	test_section("reader: boot", 30);
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "reader: boot", "%s", lkl_strerror(r)))
		return test_done();

	test_section("reader: checking trees", 180);
	for (int t = 0; t < NR_TREES; t++)
		reader_check(trees[t].img, trees[t].fs);
	if (have_img(IMG_SYNC)) {
		r = mount_img(IMG_SYNC, 0, "ext4");
		if (check(r == 0, "ext4 left mounted at halt mounts again",
			  "%s", lkl_strerror(r))) {
			snprintf(path, sizeof(path), "%s/persist.txt",
				 mnt[IMG_SYNC]);
			r = cmp_file(path, persist_text, strlen(persist_text));
			CHECK_EQ("file fsync'ed before halt is there", r, 0);
			r = lkl_umount_disk(disk_id[IMG_SYNC], 0, 0);
			CHECK_EQ("unmounted", r, 0);
		}
	}
	/* The trees stay mounted, and no disk is removed. */
	test_halt(threads0);
	return test_done();
}

/* ---- The writer ---- */

static void remove_tmpdir(void)
{
	char path[PATH_MAX + 16];
	int i;

	for (i = 0; i < NR_IMGS; i++)
		unlink(img[i]);
	snprintf(path, sizeof(path), "%s/ro.img", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tool.log", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

int main(int argc, char **argv)
{
	const char *base = getenv("TMPDIR");
	int threads0, i;
	long r;

	if (argc == 3 && !strcmp(argv[1], "--reader"))
		return reader(argv[2]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* LKL_DISK_LOG=1 shows the kernel's log on stderr. */
	if (!getenv("LKL_DISK_LOG"))
		lkl_host_log_fd = -1;
	test_section("images", 60);
	snprintf(tmpdir, sizeof(tmpdir), "%s/lkl-disk-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755)) {
		check(0, "temporary directory", "%s", strerror(errno));
		return test_done();
	}
	tool_mkfs_ext4 = find_tool("mkfs.ext4");
	tool_fsck_ext4 = find_tool("fsck.ext4");
	tool_mkfs_vfat = find_tool("mkfs.vfat");
	tool_fsck_vfat = find_tool("fsck.vfat");
	tool_mkfs_btrfs = find_tool("mkfs.btrfs");
	tool_btrfs = find_tool("btrfs");
	tool_mkfs_xfs = find_tool("mkfs.xfs");
	tool_xfs_repair = find_tool("xfs_repair");
	if (!tool_mkfs_ext4)
		test_skip("ext4 images", "no mkfs.ext4 (e2fsprogs)");
	if (!tool_mkfs_vfat)
		test_skip("vfat images", "no mkfs.vfat (dosfstools)");
	if (!tool_mkfs_btrfs)
		test_skip("btrfs image", "no mkfs.btrfs (btrfs-progs)");
	if (!tool_mkfs_xfs)
		test_skip("xfs image", "no mkfs.xfs (xfsprogs)");
	set_paths();
	make_images();

	test_add_errors();
	threads0 = host_thread_count();
	add_disks(0);

	test_section("boot", 30);
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "boot with disks", "%s", lkl_strerror(r))) {
		remove_tmpdir();
		return test_done();
	}
	{
		struct lkl_disk d = { .path = img[IMG_RAND], .readonly = 1 };

		r = lkl_disk_add(&d);
		CHECK_EQ("adding a disk while running: -EBUSY", r, -LKL_EBUSY);
		CHECK_EQ("removing a disk while running: -EBUSY",
			 lkl_disk_remove(disk_id[IMG_RAND]), -LKL_EBUSY);
	}
	test_write_trees();
	test_mount_errors();
	test_partitions();
	test_zero_discard();
	test_trim_and_persist();
	test_halt(threads0);

	test_section("removing disks", 10);
	for (i = 0; i < NR_IMGS; i++)
		if (disk_id[i] >= 0)
			check(lkl_disk_remove(disk_id[i]) == 0, img_names[i],
			      "remove failed");

	test_section("host fsck", 60);
	test_fsck(IMG_EXT4, tool_fsck_ext4, "-fn", NULL,
		  "fsck.ext4 -fn: ext4 image clean");
	test_fsck(IMG_VFAT, tool_fsck_vfat, "-n", NULL,
		  "fsck.vfat -n: vfat image clean");
	test_fsck(IMG_BTRFS, tool_btrfs, "check", "--readonly",
		  "btrfs check --readonly: btrfs image clean");
	test_fsck(IMG_XFS, tool_xfs_repair, "-n", NULL,
		  "xfs_repair -n: xfs image clean");

	run_reader(argv[0]);
	test_section("host fsck after the reader", 60);
	test_fsck(IMG_SYNC, tool_fsck_ext4, "-fn", NULL,
		  "fsck.ext4 -fn: image left mounted at halt, clean after replay");
	remove_tmpdir();
	return test_done();
}
