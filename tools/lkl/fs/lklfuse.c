// SPDX-License-Identifier: GPL-2.0
/*
 * lklfuse - mount a filesystem image on the host through FUSE, with the
 * filesystem code of the Linux kernel running in this process (LKL).
 *
 *   lklfuse IMAGE MOUNTPOINT -o type=TYPE[,ro][,part=N] [FUSE options]
 *
 * Every FUSE request becomes the matching system call of the kernel, on
 * the path under the image's mount point in LKL; file handles are LKL
 * file descriptors.  FUSE runs multithreaded (LKL system calls may come
 * from any thread).  On unmount (fusermount3 -u) the destroy callback
 * unmounts the image in LKL and halts the kernel, so that everything
 * written is on the image when lklfuse exits.
 *
 * Without -f, lklfuse goes to the background itself before it boots the
 * kernel (the kernel's threads would not survive a later fork), and the
 * foreground process exits only once the mount is up, or failed.
 */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm/statfs.h>

#include "image.h"

static const char *prog = "lklfuse";
static struct image im = { .prog = "lklfuse", .disk = -1 };

/* ---- Paths ---- */

/* The LKL path of FUSE path p: the mount point and p. */
static int lpath(const char *p, char *out)
{
	if (snprintf(out, PATH_MAX, "%s%s", im.mnt, p) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

#define LPATH(var, p)					\
	char var[PATH_MAX];				\
	do {						\
		int lp_ = lpath(p, var);		\
		if (lp_)				\
			return lp_;			\
	} while (0)

/* Files made for a user other than root belong to that user. */
static int give_to_caller(const char *lp)
{
	struct fuse_context *c = fuse_get_context();

	if (!c || (c->uid == 0 && c->gid == 0))
		return 0;
	return (int)lkl_sys_fchownat(LKL_AT_FDCWD, lp, c->uid, c->gid,
				     LKL_AT_SYMLINK_NOFOLLOW);
}

static void to_host_stat(const struct lkl_stat *l, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = l->st_dev;
	st->st_ino = l->st_ino;
	st->st_mode = l->st_mode;
	st->st_nlink = l->st_nlink;
	st->st_uid = l->st_uid;
	st->st_gid = l->st_gid;
	st->st_rdev = l->st_rdev;
	st->st_size = l->st_size;
	st->st_blksize = l->st_blksize;
	st->st_blocks = l->st_blocks;
	st->st_atim.tv_sec = l->lkl_st_atime;
	st->st_atim.tv_nsec = (long)l->st_atime_nsec;
	st->st_mtim.tv_sec = l->lkl_st_mtime;
	st->st_mtim.tv_nsec = (long)l->st_mtime_nsec;
	st->st_ctim.tv_sec = l->lkl_st_ctime;
	st->st_ctim.tv_nsec = (long)l->st_ctime_nsec;
}

/* ---- Attributes ---- */

static int op_getattr(const char *p, struct stat *st, struct fuse_file_info *fi)
{
	struct lkl_stat l;
	long r;

	if (fi) {
		r = lkl_sys_fstat((int)fi->fh, &l);
	} else {
		LPATH(lp, p);
		r = lkl_sys_newfstatat(LKL_AT_FDCWD, lp, &l,
				       LKL_AT_SYMLINK_NOFOLLOW);
	}
	if (!r)
		to_host_stat(&l, st);
	return (int)r;
}

static int op_chmod(const char *p, mode_t mode, struct fuse_file_info *fi)
{
	LPATH(lp, p);
	(void)fi;
	return (int)lkl_sys_fchmodat(LKL_AT_FDCWD, lp, mode);
}

static int op_chown(const char *p, uid_t uid, gid_t gid,
		    struct fuse_file_info *fi)
{
	LPATH(lp, p);
	(void)fi;
	return (int)lkl_sys_fchownat(LKL_AT_FDCWD, lp, uid, gid,
				     LKL_AT_SYMLINK_NOFOLLOW);
}

static int op_truncate(const char *p, off_t size, struct fuse_file_info *fi)
{
	if (fi)
		return (int)lkl_sys_ftruncate((int)fi->fh, size);
	LPATH(lp, p);
	return (int)lkl_sys_truncate(lp, size);
}

static int op_utimens(const char *p, const struct timespec tv[2],
		      struct fuse_file_info *fi)
{
	struct __lkl__kernel_timespec ts[2] = {
		{ tv[0].tv_sec, tv[0].tv_nsec }, { tv[1].tv_sec, tv[1].tv_nsec },
	};

	LPATH(lp, p);
	(void)fi;
	return (int)lkl_sys_utimensat(LKL_AT_FDCWD, lp, ts,
				      LKL_AT_SYMLINK_NOFOLLOW);
}

static int op_statfs(const char *p, struct statvfs *sv)
{
	struct lkl_statfs s;
	long r;

	LPATH(lp, p);
	r = lkl_sys_statfs(lp, &s);
	if (r)
		return (int)r;
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = s.f_bsize;
	sv->f_frsize = s.f_frsize ? s.f_frsize : s.f_bsize;
	sv->f_blocks = s.f_blocks;
	sv->f_bfree = s.f_bfree;
	sv->f_bavail = s.f_bavail;
	sv->f_files = s.f_files;
	sv->f_ffree = s.f_ffree;
	sv->f_favail = s.f_ffree;
	sv->f_namemax = s.f_namelen;
	return 0;
}

/* ---- Names ---- */

static int op_readlink(const char *p, char *buf, size_t size)
{
	long n;

	LPATH(lp, p);
	if (!size)
		return -EINVAL;
	n = lkl_sys_readlinkat(LKL_AT_FDCWD, lp, buf, (int)size - 1);
	if (n < 0)
		return (int)n;
	buf[n] = 0;
	return 0;
}

static int op_mknod(const char *p, mode_t mode, dev_t dev)
{
	long r;

	LPATH(lp, p);
	r = lkl_sys_mknodat(LKL_AT_FDCWD, lp, mode, (unsigned int)dev);
	return r ? (int)r : give_to_caller(lp);
}

static int op_mkdir(const char *p, mode_t mode)
{
	long r;

	LPATH(lp, p);
	r = lkl_sys_mkdirat(LKL_AT_FDCWD, lp, mode);
	return r ? (int)r : give_to_caller(lp);
}

static int op_unlink(const char *p)
{
	LPATH(lp, p);
	return (int)lkl_sys_unlinkat(LKL_AT_FDCWD, lp, 0);
}

static int op_rmdir(const char *p)
{
	LPATH(lp, p);
	return (int)lkl_sys_unlinkat(LKL_AT_FDCWD, lp, LKL_AT_REMOVEDIR);
}

static int op_symlink(const char *target, const char *p)
{
	long r;

	LPATH(lp, p);
	r = lkl_sys_symlinkat(target, LKL_AT_FDCWD, lp);
	return r ? (int)r : give_to_caller(lp);
}

static int op_rename(const char *from, const char *to, unsigned int flags)
{
	LPATH(lf, from);
	LPATH(lt, to);
	return (int)lkl_sys_renameat2(LKL_AT_FDCWD, lf, LKL_AT_FDCWD, lt,
				      flags);
}

static int op_link(const char *from, const char *to)
{
	LPATH(lf, from);
	LPATH(lt, to);
	return (int)lkl_sys_linkat(LKL_AT_FDCWD, lf, LKL_AT_FDCWD, lt, 0);
}

/* ---- Files ---- */

/* The host's open flags are the kernel's generic ones, as LKL's are. */
static int open_flags(int flags)
{
	return flags & ~(O_NOCTTY);
}

static int op_open(const char *p, struct fuse_file_info *fi)
{
	long fd;

	LPATH(lp, p);
	fd = lkl_sys_openat(LKL_AT_FDCWD, lp, open_flags(fi->flags), 0);
	if (fd < 0)
		return (int)fd;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int op_create(const char *p, mode_t mode, struct fuse_file_info *fi)
{
	long fd;
	int r;

	LPATH(lp, p);
	fd = lkl_sys_openat(LKL_AT_FDCWD, lp,
			    open_flags(fi->flags) | LKL_O_CREAT, mode);
	if (fd < 0)
		return (int)fd;
	r = give_to_caller(lp);
	if (r) {
		lkl_sys_close((int)fd);
		return r;
	}
	fi->fh = (uint64_t)fd;
	return 0;
}

static int op_read(const char *p, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	(void)p;
	return (int)lkl_sys_pread64((int)fi->fh, buf, size, off);
}

static int op_write(const char *p, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)p;
	return (int)lkl_sys_pwrite64((int)fi->fh, buf, size, off);
}

static int op_release(const char *p, struct fuse_file_info *fi)
{
	(void)p;
	return (int)lkl_sys_close((int)fi->fh);
}

static int op_fsync(const char *p, int datasync, struct fuse_file_info *fi)
{
	(void)p;
	if (datasync)
		return (int)lkl_sys_fdatasync((int)fi->fh);
	return (int)lkl_sys_fsync((int)fi->fh);
}

/* ---- Directories ---- */

/* struct linux_dirent64, as getdents64 fills it. */
struct lkl_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Passes each entry of one getdents64 buffer to filler; 1 when full. */
static int fill_entries(char *buf, long n, void *fbuf, fuse_fill_dir_t filler)
{
	struct stat st;

	for (long off = 0; off < n;) {
		struct lkl_dirent64 *e = (void *)(buf + off);

		memset(&st, 0, sizeof(st));
		st.st_ino = e->d_ino;
		st.st_mode = (unsigned int)e->d_type << 12;
		if (filler(fbuf, e->d_name, &st, 0, 0))
			return 1;
		off += e->d_reclen;
	}
	return 0;
}

static int op_readdir(const char *p, void *fbuf, fuse_fill_dir_t filler,
		      off_t offset, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	char buf[8192];
	long fd, n;

	LPATH(lp, p);
	(void)offset, (void)fi, (void)flags;
	fd = lkl_sys_openat(LKL_AT_FDCWD, lp, LKL_O_RDONLY | LKL_O_DIRECTORY,
			    0);
	if (fd < 0)
		return (int)fd;
	while ((n = lkl_sys_getdents64((int)fd, buf, sizeof(buf))) > 0)
		if (fill_entries(buf, n, fbuf, filler))
			break;
	lkl_sys_close((int)fd);
	return n < 0 ? (int)n : 0;
}

/* ---- Extended attributes ---- */

static int op_setxattr(const char *p, const char *name, const char *value,
		       size_t size, int flags)
{
	LPATH(lp, p);
	return (int)lkl_sys_lsetxattr(lp, name, value, size, flags);
}

static int op_getxattr(const char *p, const char *name, char *value,
		       size_t size)
{
	LPATH(lp, p);
	return (int)lkl_sys_lgetxattr(lp, name, value, size);
}

static int op_listxattr(const char *p, char *list, size_t size)
{
	LPATH(lp, p);
	return (int)lkl_sys_llistxattr(lp, list, size);
}

static int op_removexattr(const char *p, const char *name)
{
	LPATH(lp, p);
	return (int)lkl_sys_lremovexattr(lp, name);
}

/* ---- Life cycle ---- */

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->use_ino = 1;
	cfg->nullpath_ok = 0;
	return NULL;
}

/* Unmounts the image in LKL and halts the kernel: once. */
static void shut_down(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (image_close(&im))
		fprintf(stderr, "%s: %s may not be clean\n", prog, im.path);
}

static void op_destroy(void *data)
{
	(void)data;
	shut_down();
}

static const struct fuse_operations ops = {
	.getattr = op_getattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	.chmod = op_chmod,
	.chown = op_chown,
	.truncate = op_truncate,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.statfs = op_statfs,
	.release = op_release,
	.fsync = op_fsync,
	.setxattr = op_setxattr,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
	.removexattr = op_removexattr,
	.readdir = op_readdir,
	.init = op_init,
	.destroy = op_destroy,
	.create = op_create,
	.utimens = op_utimens,
};

/* ---- Arguments ---- */

struct conf {
	char *type;
	char *part;
	int ro;
};

enum { KEY_RO, KEY_HELP };

static const struct fuse_opt opt_spec[] = {
	{ "type=%s", offsetof(struct conf, type), 0 },
	{ "part=%s", offsetof(struct conf, part), 0 },
	FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_END,
};

/* The first non-option is the image; the rest are FUSE's. */
static int opt_proc(void *data, const char *arg, int key,
		    struct fuse_args *args)
{
	struct conf *c = data;

	(void)args;
	if (key == KEY_RO) {
		c->ro = 1;
		return 1;	/* FUSE mounts read-only as well */
	}
	if (key == FUSE_OPT_KEY_NONOPT && !im.path) {
		im.path = arg;
		return 0;
	}
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s IMAGE MOUNTPOINT -o type=TYPE[,ro][,part=N] [options]\n"
		"Mount the filesystem of IMAGE at MOUNTPOINT through FUSE, without\n"
		"root's mount: the Linux kernel runs inside this program (LKL).\n"
		"Unmount with fusermount3 -u MOUNTPOINT.\n\n"
		"  -o type=TYPE   the filesystem: ext4, vfat, btrfs, xfs, ...\n"
		"  -o ro          mount read-only (the image is opened read-only)\n"
		"  -o part=N      use partition N (MBR or GPT) of the image\n\n"
		"FUSE options:\n", prog);
}

static int check_args(const struct conf *c, const char *mnt)
{
	const char *why = !im.path ? "no IMAGE" : !mnt ? "no MOUNTPOINT" :
			  !c->type ? "no filesystem type (-o type=TYPE)" : NULL;

	if (!why)
		return 0;
	fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog, why, prog);
	return -1;
}

/* ---- Running ---- */

/*
 * Goes to the background: the parent waits on a pipe for the child's
 * one byte (0: mounted) and exits with it.  Returns the pipe's write end
 * in the child.
 */
static int background(void)
{
	int fds[2];
	pid_t pid;
	char c = 1;

	if (pipe(fds)) {
		perror(prog);
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror(prog);
		exit(1);
	}
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			c = 1;
		_exit(c);
	}
	close(fds[0]);
	setsid();
	return fds[1];
}

/* Tells the waiting parent how it went; detaches from the terminal. */
static void report(int fd, char status)
{
	int null;

	if (fd < 0)
		return;
	if (write(fd, &status, 1) != 1)
		status = 1;
	close(fd);
	if (status)
		return;
	if (chdir("/"))
		return;
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
}

static int serve(struct fuse_args *args, struct fuse_cmdline_opts *o,
		 int notify)
{
	struct fuse *f;
	int r = 1;

	f = fuse_new(args, &ops, sizeof(ops), NULL);
	if (!f)
		return 1;
	if (fuse_mount(f, o->mountpoint)) {
		fuse_destroy(f);
		return 1;
	}
	if (fuse_set_signal_handlers(fuse_get_session(f)) == 0) {
		report(notify, 0);
		notify = -1;
		r = o->singlethread ? fuse_loop(f) :
				      fuse_loop_mt(f, o->clone_fd);
		fuse_remove_signal_handlers(fuse_get_session(f));
	}
	report(notify, 1);
	fuse_unmount(f);
	fuse_destroy(f);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts o = { 0 };
	struct conf c = { 0 };
	int notify = -1, r;

	if (fuse_opt_parse(&args, &c, opt_spec, opt_proc) ||
	    fuse_parse_cmdline(&args, &o))
		return 2;
	if (o.show_help) {
		usage(stdout);
		fuse_cmdline_help();
		fuse_lib_help(&args);
		return 0;
	}
	if (o.show_version) {
		printf("%s using FUSE %s\n", prog, fuse_pkgversion());
		return 0;
	}
	if (check_args(&c, o.mountpoint) ||
	    (c.part && image_parse_part(prog, c.part, &im.part)))
		return 2;
	im.type = c.type;
	im.readonly = c.ro;
	if (!o.foreground)
		notify = background();
	if (image_open(&im)) {
		report(notify, 1);
		return 1;
	}
	r = serve(&args, &o, notify);
	shut_down();
	free(o.mountpoint);
	fuse_opt_free_args(&args);
	return r;
}
