// SPDX-License-Identifier: GPL-2.0
/*
 * cptofs / cpfromfs - copy files into, or out of, a filesystem image,
 * with the filesystem code of the Linux kernel running in this process
 * (LKL): no root, no loop devices, no FUSE.
 *
 *   cptofs   -i IMAGE -t TYPE [-P PART] [-p] SRC... DST
 *            host files and trees SRC... go to DST inside the image
 *   cpfromfs -i IMAGE -t TYPE [-P PART] [-p] SRC... DST
 *            SRC... inside the image go to the host directory DST
 *
 * One binary: it is cpfromfs when its name (argv[0]) ends in "cpfromfs".
 * As with cp -r: when DST is a directory each SRC lands in DST/<its name>,
 * otherwise the one SRC is copied to DST.  Directories are copied
 * recursively, symlinks as symlinks, fifos and device nodes as such.
 * -p keeps owner, group, mode and timestamps (on the host, the owner only
 * when allowed, as cp -p does).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#define BUF_SIZE	(1024 * 1024)
#define BOOT_ARGS	"mem=160M loglevel=4"

/* What the copy needs of a file, from either side. */
struct node {
	unsigned int mode;
	unsigned int uid, gid;
	unsigned long long rdev;
	long long atime, atime_ns, mtime, mtime_ns;
};

/*
 * One side of the copy: the host or the kernel.  Every operation returns
 * 0 (or a count, or an fd) or a negative errno; none follows a symlink at
 * the end of a path.
 */
struct side {
	int (*lstat)(const char *path, struct node *n);
	int (*open)(const char *path, int wr, unsigned int mode);
	long (*read)(int fd, void *buf, size_t len);
	long (*write)(int fd, const void *buf, size_t len);
	int (*close)(int fd);
	int (*mkdir)(const char *path, unsigned int mode);
	int (*symlink)(const char *target, const char *path);
	long (*readlink)(const char *path, char *buf, size_t len);
	int (*mknod)(const char *path, unsigned int mode,
		     unsigned long long dev);
	int (*unlink)(const char *path);
	int (*chown)(const char *path, unsigned int uid, unsigned int gid);
	int (*chmod)(const char *path, unsigned int mode);
	int (*utimes)(const char *path, const struct node *n);
	/* The names in a directory but . and .., in *names (malloc'ed). */
	int (*list)(const char *path, char ***names, size_t *count);
};

static const char *prog = "cptofs";
static int preserve;
static const char *image;
static unsigned int cmask;	/* the host's umask */

/* ---- The host side ---- */

static int neg_errno(int r)
{
	return r < 0 ? -errno : r;
}

static int host_lstat(const char *path, struct node *n)
{
	struct stat st;

	if (lstat(path, &st))
		return -errno;
	n->mode = st.st_mode;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	n->rdev = st.st_rdev;
	n->atime = st.st_atim.tv_sec;
	n->atime_ns = st.st_atim.tv_nsec;
	n->mtime = st.st_mtim.tv_sec;
	n->mtime_ns = st.st_mtim.tv_nsec;
	return 0;
}

static int host_open(const char *path, int wr, unsigned int mode)
{
	if (wr)
		return neg_errno(open(path, O_WRONLY | O_CREAT | O_TRUNC |
				      O_NOFOLLOW, mode));
	return neg_errno(open(path, O_RDONLY | O_NOFOLLOW));
}

static long host_read(int fd, void *buf, size_t len)
{
	ssize_t r = read(fd, buf, len);

	return r < 0 ? -errno : r;
}

static long host_write(int fd, const void *buf, size_t len)
{
	ssize_t r = write(fd, buf, len);

	return r < 0 ? -errno : r;
}

static int host_close(int fd)
{
	return neg_errno(close(fd));
}

static int host_mkdir(const char *path, unsigned int mode)
{
	return neg_errno(mkdir(path, mode));
}

static int host_symlink(const char *target, const char *path)
{
	return neg_errno(symlink(target, path));
}

static long host_readlink(const char *path, char *buf, size_t len)
{
	ssize_t r = readlink(path, buf, len);

	return r < 0 ? -errno : r;
}

static int host_mknod(const char *path, unsigned int mode,
		      unsigned long long dev)
{
	return neg_errno(mknod(path, mode, (dev_t)dev));
}

static int host_unlink(const char *path)
{
	return neg_errno(unlink(path));
}

/* Like cp -p: an owner we may not give is not an error. */
static int host_chown(const char *path, unsigned int uid, unsigned int gid)
{
	if (lchown(path, uid, gid) == 0 || errno == EPERM)
		return 0;
	return -errno;
}

static int host_chmod(const char *path, unsigned int mode)
{
	return neg_errno(chmod(path, mode));
}

static int host_utimes(const char *path, const struct node *n)
{
	struct timespec ts[2] = {
		{ n->atime, n->atime_ns }, { n->mtime, n->mtime_ns },
	};

	return neg_errno(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW));
}

static int add_name(char ***names, size_t *count, const char *name)
{
	char **more = realloc(*names, (*count + 1) * sizeof(**names));

	if (!more)
		return -ENOMEM;
	*names = more;
	more[*count] = strdup(name);
	if (!more[*count])
		return -ENOMEM;
	(*count)++;
	return 0;
}

static int is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

static int host_list(const char *path, char ***names, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while (!r && (errno = 0, e = readdir(d)))
		if (!is_dot(e->d_name))
			r = add_name(names, count, e->d_name);
	if (!r && errno)
		r = -errno;
	closedir(d);
	return r;
}

static const struct side host_side = {
	host_lstat, host_open, host_read, host_write, host_close,
	host_mkdir, host_symlink, host_readlink, host_mknod, host_unlink,
	host_chown, host_chmod, host_utimes, host_list,
};

/* ---- The kernel side ---- */

static int lkl_lstat(const char *path, struct node *n)
{
	struct lkl_stat st;
	long r = lkl_sys_newfstatat(LKL_AT_FDCWD, path, &st,
				    LKL_AT_SYMLINK_NOFOLLOW);

	if (r)
		return (int)r;
	n->mode = st.st_mode;
	n->uid = st.st_uid;
	n->gid = st.st_gid;
	n->rdev = st.st_rdev;
	n->atime = st.lkl_st_atime;
	n->atime_ns = (long long)st.st_atime_nsec;
	n->mtime = st.lkl_st_mtime;
	n->mtime_ns = (long long)st.st_mtime_nsec;
	return 0;
}

static int lkl_open(const char *path, int wr, unsigned int mode)
{
	if (wr)
		return (int)lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_WRONLY |
					   LKL_O_CREAT | LKL_O_TRUNC |
					   LKL_O_NOFOLLOW, mode);
	return (int)lkl_sys_openat(LKL_AT_FDCWD, path,
				   LKL_O_RDONLY | LKL_O_NOFOLLOW, 0);
}

static long lkl_read(int fd, void *buf, size_t len)
{
	return lkl_sys_read(fd, buf, len);
}

static long lkl_write(int fd, const void *buf, size_t len)
{
	return lkl_sys_write(fd, buf, len);
}

static int lkl_close(int fd)
{
	return (int)lkl_sys_close(fd);
}

static int lkl_mkdir(const char *path, unsigned int mode)
{
	return (int)lkl_sys_mkdirat(LKL_AT_FDCWD, path, mode);
}

static int lkl_symlink(const char *target, const char *path)
{
	return (int)lkl_sys_symlinkat(target, LKL_AT_FDCWD, path);
}

static long lkl_readlink(const char *path, char *buf, size_t len)
{
	return lkl_sys_readlinkat(LKL_AT_FDCWD, path, buf, (int)len);
}

static int lkl_mknod(const char *path, unsigned int mode,
		     unsigned long long dev)
{
	return (int)lkl_sys_mknodat(LKL_AT_FDCWD, path, mode,
				    (unsigned int)dev);
}

static int lkl_unlink(const char *path)
{
	return (int)lkl_sys_unlinkat(LKL_AT_FDCWD, path, 0);
}

static int lkl_chown(const char *path, unsigned int uid, unsigned int gid)
{
	return (int)lkl_sys_fchownat(LKL_AT_FDCWD, path, uid, gid,
				     LKL_AT_SYMLINK_NOFOLLOW);
}

static int lkl_chmod(const char *path, unsigned int mode)
{
	return (int)lkl_sys_fchmodat(LKL_AT_FDCWD, path, mode);
}

static int lkl_utimes(const char *path, const struct node *n)
{
	struct __lkl__kernel_timespec ts[2] = {
		{ n->atime, n->atime_ns }, { n->mtime, n->mtime_ns },
	};

	return (int)lkl_sys_utimensat(LKL_AT_FDCWD, path, ts,
				      LKL_AT_SYMLINK_NOFOLLOW);
}

/* struct linux_dirent64, as getdents64 fills it. */
struct lkl_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int lkl_list(const char *path, char ***names, size_t *count)
{
	static char buf[16384];
	long fd, n;
	int r = 0;

	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY |
			    LKL_O_DIRECTORY | LKL_O_NOFOLLOW, 0);
	if (fd < 0)
		return (int)fd;
	while (!r && (n = lkl_sys_getdents64((int)fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; !r && off < n;) {
			struct lkl_dirent64 *e = (struct lkl_dirent64 *)(buf + off);

			if (!is_dot(e->d_name))
				r = add_name(names, count, e->d_name);
			off += e->d_reclen;
		}
	}
	if (!r && n < 0)
		r = (int)n;
	lkl_sys_close((int)fd);
	return r;
}

static const struct side lkl_side = {
	lkl_lstat, lkl_open, lkl_read, lkl_write, lkl_close,
	lkl_mkdir, lkl_symlink, lkl_readlink, lkl_mknod, lkl_unlink,
	lkl_chown, lkl_chmod, lkl_utimes, lkl_list,
};

/* ---- Copying ---- */

/* Paths as the user wrote them, for messages. */
struct where {
	const struct side *ops;
	char path[PATH_MAX];
	size_t skip;		/* the mount point's length, in path */
};

#define SHOWN(w)	((w)->path + (w)->skip)

static int fail(const char *path, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s%s%s\n", prog, path, what ? what : "",
		what ? ": " : "", strerror(-err));
	return -1;
}

static int copy_data(struct where *src, struct where *dst,
		     const struct node *n)
{
	static char buf[BUF_SIZE];
	unsigned int mode = n->mode & (preserve ? 07777 : 0777);
	int in, out, r = 0;
	long got, put;

	in = src->ops->open(src->path, 0, 0);
	if (in < 0)
		return fail(SHOWN(src), "cannot open", in);
	out = dst->ops->open(dst->path, 1, mode);
	if (out < 0) {
		src->ops->close(in);
		return fail(SHOWN(dst), "cannot create", out);
	}
	while (!r && (got = src->ops->read(in, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			r = fail(SHOWN(src), "read error", (int)got);
			break;
		}
		for (long done = 0; !r && done < got; done += put) {
			put = dst->ops->write(out, buf + done,
					      (size_t)(got - done));
			if (put <= 0)
				r = fail(SHOWN(dst), "write error",
					 put ? (int)put : -EIO);
		}
	}
	src->ops->close(in);
	got = dst->ops->close(out);
	if (!r && got)
		r = fail(SHOWN(dst), "write error", (int)got);
	return r;
}

static int copy_symlink(struct where *src, struct where *dst)
{
	char target[PATH_MAX];
	long n = src->ops->readlink(src->path, target, sizeof(target) - 1);
	int r;

	if (n < 0)
		return fail(SHOWN(src), "cannot read link", (int)n);
	target[n] = 0;
	r = dst->ops->symlink(target, dst->path);
	if (r == -EEXIST && !dst->ops->unlink(dst->path))
		r = dst->ops->symlink(target, dst->path);
	return r ? fail(SHOWN(dst), "cannot make symlink", r) : 0;
}

static int copy_special(struct where *dst, const struct node *n)
{
	unsigned int mode = n->mode & (S_IFMT | (preserve ? 07777 : 0777));
	int r = dst->ops->mknod(dst->path, mode, n->rdev);

	if (r == -EEXIST && !dst->ops->unlink(dst->path))
		r = dst->ops->mknod(dst->path, mode, n->rdev);
	return r ? fail(SHOWN(dst), "cannot make node", r) : 0;
}

static int copy_node(struct where *src, struct where *dst);

/* path/name, when it fits (checked by the caller). */
static void append(struct where *w, const char *name)
{
	size_t n = strlen(w->path);

	if (n && w->path[n - 1] == '/')
		n--;
	snprintf(w->path + n, PATH_MAX - n, "/%s", name);
}

/* Appends "/name" to both paths, copies, and takes it off again. */
static int copy_child(struct where *src, struct where *dst, const char *name)
{
	size_t ls = strlen(src->path), ld = strlen(dst->path);
	int r;

	if (ls + strlen(name) + 2 > PATH_MAX ||
	    ld + strlen(name) + 2 > PATH_MAX)
		return fail(SHOWN(src), name, -ENAMETOOLONG);
	append(src, name);
	append(dst, name);
	r = copy_node(src, dst);
	src->path[ls] = 0;
	dst->path[ld] = 0;
	return r;
}

static int copy_dir(struct where *src, struct where *dst)
{
	char **names = NULL;
	size_t count = 0, i;
	struct node dn;
	int r, bad = 0;

	r = dst->ops->mkdir(dst->path, 0700);
	if (r == -EEXIST && (dst->ops->lstat(dst->path, &dn) ||
			     !S_ISDIR(dn.mode)))
		return fail(SHOWN(dst), "exists and is not a directory",
			    -EEXIST);
	if (r && r != -EEXIST)
		return fail(SHOWN(dst), "cannot make directory", r);
	r = src->ops->list(src->path, &names, &count);
	if (r)
		bad = fail(SHOWN(src), "cannot list", r);
	for (i = 0; i < count; i++) {
		bad |= copy_child(src, dst, names[i]);
		free(names[i]);
	}
	free(names);
	return bad ? -1 : 0;
}

/*
 * Owner, mode and times of dst as in n; without -p only a directory's
 * mode (made 0700 to fill it), less the umask.
 */
static int set_attrs(struct where *dst, const struct node *n)
{
	int r = 0;

	if (preserve)
		r = dst->ops->chown(dst->path, n->uid, n->gid);
	if (!r && !S_ISLNK(n->mode) && (preserve || S_ISDIR(n->mode)))
		r = dst->ops->chmod(dst->path, preserve ? n->mode & 07777 :
				    n->mode & 0777 & ~cmask);
	if (!r && preserve)
		r = dst->ops->utimes(dst->path, n);
	return r ? fail(SHOWN(dst), "cannot set attributes", r) : 0;
}

static int copy_node(struct where *src, struct where *dst)
{
	struct node n;
	int r;

	r = src->ops->lstat(src->path, &n);
	if (r)
		return fail(SHOWN(src), NULL, r);
	if (S_ISREG(n.mode))
		r = copy_data(src, dst, &n);
	else if (S_ISDIR(n.mode))
		r = copy_dir(src, dst);
	else if (S_ISLNK(n.mode))
		r = copy_symlink(src, dst);
	else
		r = copy_special(dst, &n);
	if (r && !S_ISDIR(n.mode))
		return -1;
	/* A directory's times after its contents. */
	return set_attrs(dst, &n) || r ? -1 : 0;
}

/* ---- Arguments and paths ---- */

static void usage(FILE *f, int from)
{
	fprintf(f,
		"Usage: %s -i IMAGE -t TYPE [-P PART] [-p] SRC... DST\n"
		"Copy %s a filesystem image, without root: the Linux kernel\n"
		"runs inside this program (LKL).\n\n"
		"  -i, --image IMAGE      the filesystem image (a file or block device)\n"
		"  -t, --type TYPE        its filesystem: ext4, vfat, btrfs, xfs, ...\n"
		"  -P, --partition PART   use partition PART (MBR or GPT) of the image\n"
		"  -p, --preserve         keep owner, group, mode and timestamps\n"
		"  -h, --help             this text\n\n"
		"%s\n"
		"When DST is a directory, each SRC is copied into it under its own\n"
		"name; directories are copied recursively, symlinks as symlinks.\n",
		prog, from ? "files out of" : "files into",
		from ? "SRC... are paths inside the image, DST a host directory or path."
		     : "SRC... are host files or directories, DST a path inside the image.");
}

/* The last component of path, without trailing slashes; "" for "/". */
static void base_name(const char *path, char *out, size_t len)
{
	size_t n = strlen(path);
	const char *b;

	while (n > 1 && path[n - 1] == '/')
		n--;
	b = path + n;
	while (b > path && b[-1] != '/')
		b--;
	n -= (size_t)(b - path);
	if (n >= len || !strcmp(b, "/") || (n == 1 && *b == '/'))
		n = 0;
	snprintf(out, len, "%.*s", (int)n, b);
	if (!strcmp(out, ".") || !strcmp(out, ".."))
		out[0] = 0;
}

/* A path inside the image: under the mount point. */
static int in_image(struct where *w, const char *mnt, const char *path)
{
	while (*path == '/')
		path++;
	w->ops = &lkl_side;
	w->skip = strlen(mnt);
	if (snprintf(w->path, PATH_MAX, "%s/%s", mnt, path) >= PATH_MAX - 2)
		return fail(path, NULL, -ENAMETOOLONG);
	return 0;
}

static int on_host(struct where *w, const char *path)
{
	w->ops = &host_side;
	w->skip = 0;
	if (snprintf(w->path, PATH_MAX, "%s", path) >= PATH_MAX - 2)
		return fail(path, NULL, -ENAMETOOLONG);
	return 0;
}

static int make_where(struct where *w, int image_side, const char *mnt,
		      const char *path)
{
	return image_side ? in_image(w, mnt, path) : on_host(w, path);
}

/* Whether w is a directory (following a symlink on the host only). */
static int is_dir(const struct where *w)
{
	struct node n;
	struct stat st;

	if (w->ops == &host_side)
		return stat(w->path, &st) == 0 && S_ISDIR(st.st_mode);
	return w->ops->lstat(w->path, &n) == 0 && S_ISDIR(n.mode);
}

/* Copies SRC... to DST; from: out of the image. */
static int copy_all(int from, const char *mnt, char **srcs, int nsrc,
		    const char *dst)
{
	static struct where s, d;
	char name[NAME_MAX + 1];
	int dir, bad = 0, i;

	if (make_where(&d, !from, mnt, dst))
		return -1;
	dir = is_dir(&d);
	if (nsrc > 1 && !dir) {
		fprintf(stderr, "%s: target '%s' is not a directory\n", prog,
			dst);
		return -1;
	}
	for (i = 0; i < nsrc; i++) {
		if (make_where(&s, from, mnt, srcs[i]) ||
		    make_where(&d, !from, mnt, dst)) {
			bad = 1;
			continue;
		}
		base_name(srcs[i], name, sizeof(name));
		if (dir && *name) {
			if (strlen(d.path) + strlen(name) + 2 > PATH_MAX) {
				bad = fail(name, NULL, -ENAMETOOLONG);
				continue;
			}
			append(&d, name);
		}
		bad |= copy_node(&s, &d) ? 1 : 0;
	}
	return bad ? -1 : 0;
}

/* ---- The kernel and the image ---- */

static int mount_image(int id, const char *type, unsigned int part,
		       char *mnt, size_t len)
{
	long r = lkl_mount_disk(id, part, type, 0, NULL, mnt,
				(unsigned int)len);

	if (!r)
		return 0;
	if (r == -LKL_ENXIO)
		fprintf(stderr, "%s: %s: no partition %u\n", prog, image, part);
	else if (r == -LKL_ENODEV)
		fprintf(stderr, "%s: unknown filesystem type '%s'\n", prog,
			type);
	else if (r == -LKL_EINVAL)
		fprintf(stderr, "%s: %s: no %s filesystem on it%s\n", prog,
			image, type, part ? " (in that partition)" : "");
	else
		fprintf(stderr, "%s: %s: cannot mount as %s: %s\n", prog,
			image, type, lkl_strerror((int)r));
	return -1;
}

/* Boots with the image as a disk, copies, unmounts and halts. */
static int run(int from, const char *type, unsigned int part, char **srcs,
	       int nsrc, const char *dst)
{
	struct lkl_disk disk = { .path = image, .readonly = from };
	char mnt[64];
	int id, r, bad;
	long hr;

	id = lkl_disk_add(&disk);
	if (id < 0) {
		fprintf(stderr, "%s: %s\n", prog, disk.error);
		return -1;
	}
	if (!getenv("LKL_LOG"))
		lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (r) {
		fprintf(stderr, "%s: cannot start the kernel: %s\n", prog,
			lkl_strerror(r));
		lkl_disk_remove(id);
		return -1;
	}
	bad = mount_image(id, type, part, mnt, sizeof(mnt));
	if (!bad) {
		bad = copy_all(from, mnt, srcs, nsrc, dst);
		r = (int)lkl_umount_disk(id, part, 0);
		if (r) {
			fprintf(stderr, "%s: %s: cannot unmount: %s\n", prog,
				image, lkl_strerror(r));
			bad = -1;
		}
	}
	hr = lkl_sys_halt();
	if (hr) {
		fprintf(stderr, "%s: halting the kernel: %s\n", prog,
			lkl_strerror((int)hr));
		bad = -1;
	}
	lkl_disk_remove(id);
	return bad;
}

/* Host sources that are not there: said before the kernel boots. */
static int check_host_srcs(char **srcs, int nsrc)
{
	struct stat st;
	int i, bad = 0;

	for (i = 0; i < nsrc; i++)
		if (lstat(srcs[i], &st))
			bad = fail(srcs[i], NULL, -errno);
	return bad;
}

static int parse_part(const char *arg, unsigned int *part)
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "type", required_argument, NULL, 't' },
		{ "partition", required_argument, NULL, 'P' },
		{ "preserve", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *type = NULL, *base = strrchr(argv[0], '/');
	unsigned int part = 0;
	int from, c;

	base = base ? base + 1 : argv[0];
	cmask = umask(0);
	umask(cmask);
	from = strlen(base) >= 8 && !strcmp(base + strlen(base) - 8,
					    "cpfromfs");
	prog = from ? "cpfromfs" : "cptofs";
	while ((c = getopt_long(argc, argv, "i:t:P:ph", opts, NULL)) != -1) {
		switch (c) {
		case 'i': image = optarg; break;
		case 't': type = optarg; break;
		case 'P':
			if (parse_part(optarg, &part))
				return 2;
			break;
		case 'p': preserve = 1; break;
		case 'h': usage(stdout, from); return 0;
		default: usage(stderr, from); return 2;
		}
	}
	if (!image || !type || argc - optind < 2) {
		fprintf(stderr, "%s: %s\n", prog, !image ? "no image (-i)" :
			!type ? "no filesystem type (-t)" :
			"need at least one SRC and a DST");
		fprintf(stderr, "Try '%s --help'.\n", prog);
		return 2;
	}
	if (!from && check_host_srcs(argv + optind, argc - optind - 1))
		return 1;
	return run(from, type, part, argv + optind, argc - optind - 1,
		   argv[argc - 1]) ? 1 : 0;
}
