// SPDX-License-Identifier: GPL-2.0
/*
 * fs2tar - write a filesystem image's contents out as a tar archive, with
 * the filesystem code of the Linux kernel running in this process (LKL):
 * no root, no loop devices.
 *
 *   fs2tar -t TYPE [-P PART] IMAGE OUT.tar      ("-" for standard output)
 *
 * Entries are named relative to the filesystem's root ("dir/file"), in
 * POSIX pax format, with numeric owners, modes, times, symlink targets,
 * device numbers and extended attributes.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "image.h"

#define BUF_SIZE	(1024 * 1024)
#define XATTR_LIST_MAX_	65536

static const char *prog = "fs2tar";

struct walk {
	struct archive *ar;
	struct archive_entry *ent;
	char path[PATH_MAX];	/* inside LKL: mnt/rel */
	size_t skip;		/* length of "mnt/" in path */
};

static int fail(const char *path, const char *what, long err)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, path, what,
		lkl_strerror((int)err));
	return -1;
}

static int ar_fail(struct walk *w)
{
	fprintf(stderr, "%s: writing the archive: %s\n", prog,
		archive_error_string(w->ar));
	return -2;	/* fatal: stop the walk */
}

static void set_stat(struct archive_entry *e, const struct lkl_stat *st)
{
	archive_entry_set_mode(e, st->st_mode);
	archive_entry_set_uid(e, st->st_uid);
	archive_entry_set_gid(e, st->st_gid);
	archive_entry_set_nlink(e, st->st_nlink);
	archive_entry_set_mtime(e, st->lkl_st_mtime, (long)st->st_mtime_nsec);
	archive_entry_set_atime(e, st->lkl_st_atime, (long)st->st_atime_nsec);
	archive_entry_set_ctime(e, st->lkl_st_ctime, (long)st->st_ctime_nsec);
	if (S_ISREG(st->st_mode))
		archive_entry_set_size(e, (la_int64_t)st->st_size);
	else
		archive_entry_set_size(e, 0);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		archive_entry_set_rdev(e, makedev(major(st->st_rdev),
						  minor(st->st_rdev)));
}

static int add_symlink(struct walk *w)
{
	char target[PATH_MAX];
	long n = lkl_sys_readlinkat(LKL_AT_FDCWD, w->path, target,
				    sizeof(target) - 1);

	if (n < 0)
		return fail(w->path + w->skip, "cannot read link", n);
	target[n] = 0;
	archive_entry_set_symlink(w->ent, target);
	return 0;
}

static void add_xattrs(struct walk *w)
{
	static char names[XATTR_LIST_MAX_], value[XATTR_LIST_MAX_];
	long n = lkl_sys_llistxattr(w->path, names, sizeof(names));

	for (long off = 0; n > 0 && off < n; off += strlen(names + off) + 1) {
		long v = lkl_sys_lgetxattr(w->path, names + off, value,
					   sizeof(value));

		if (v >= 0)
			archive_entry_xattr_add_entry(w->ent, names + off,
						      value, (size_t)v);
	}
}

static int copy_data(struct walk *w)
{
	static char buf[BUF_SIZE];
	long fd, n;
	int r = 0;

	fd = lkl_sys_openat(LKL_AT_FDCWD, w->path, LKL_O_RDONLY |
			    LKL_O_NOFOLLOW, 0);
	if (fd < 0)
		return fail(w->path + w->skip, "cannot open", fd);
	while (!r && (n = lkl_sys_read((int)fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(w->ar, buf, (size_t)n) != n)
			r = ar_fail(w);
	if (!r && n < 0)
		r = fail(w->path + w->skip, "read error", n);
	lkl_sys_close((int)fd);
	return r;
}

/* Writes the header (and data) of the file at w->path. */
static int add_entry(struct walk *w, const struct lkl_stat *st)
{
	int r = 0;

	archive_entry_clear(w->ent);
	archive_entry_set_pathname(w->ent, w->path + w->skip);
	set_stat(w->ent, st);
	if (S_ISLNK(st->st_mode) && add_symlink(w))
		return -1;
	add_xattrs(w);
	if (archive_write_header(w->ar, w->ent) != ARCHIVE_OK)
		return ar_fail(w);
	if (S_ISREG(st->st_mode) && st->st_size > 0)
		r = copy_data(w);
	if (r != -2 && archive_write_finish_entry(w->ar) != ARCHIVE_OK)
		return ar_fail(w);
	return r;
}

/* struct linux_dirent64, as getdents64 fills it. */
struct lkl_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

static int walk_node(struct walk *w, int top);

static int walk_child(struct walk *w, const char *name)
{
	size_t len = strlen(w->path);
	int r;

	if (len + strlen(name) + 2 > PATH_MAX)
		return fail(w->path + w->skip, name, -LKL_ENAMETOOLONG);
	snprintf(w->path + len, PATH_MAX - len, "%s%s",
		 w->path[len - 1] == '/' ? "" : "/", name);
	r = walk_node(w, 0);
	w->path[len] = 0;
	return r;
}

/* The entries of directory w->path, each in turn. */
static int walk_dir(struct walk *w)
{
	char *buf = malloc(65536);
	long fd, n;
	int r = 0, bad = 0;

	if (!buf)
		return fail(w->path + w->skip, "listing", -LKL_ENOMEM);
	fd = lkl_sys_openat(LKL_AT_FDCWD, w->path, LKL_O_RDONLY |
			    LKL_O_DIRECTORY | LKL_O_NOFOLLOW, 0);
	if (fd < 0) {
		free(buf);
		return fail(w->path + w->skip, "cannot list", fd);
	}
	while (r != -2 && (n = lkl_sys_getdents64((int)fd, buf, 65536)) > 0) {
		for (long off = 0; r != -2 && off < n;) {
			struct lkl_dirent64 *e = (void *)(buf + off);

			if (!is_dot(e->d_name))
				r = walk_child(w, e->d_name);
			bad |= r;
			off += e->d_reclen;
		}
	}
	if (r != -2 && n < 0)
		bad = fail(w->path + w->skip, "cannot list", n);
	lkl_sys_close((int)fd);
	free(buf);
	return r == -2 ? -2 : (bad ? -1 : 0);
}

static int walk_node(struct walk *w, int top)
{
	struct lkl_stat st;
	long r = lkl_sys_newfstatat(LKL_AT_FDCWD, w->path, &st,
				    LKL_AT_SYMLINK_NOFOLLOW);
	int a = 0;

	if (r)
		return fail(w->path + w->skip, "cannot stat", r);
	if (!top)
		a = add_entry(w, &st);
	if (a == -2 || !S_ISDIR(st.st_mode))
		return a;
	r = walk_dir(w);
	return r ? (int)r : a;
}

static struct archive *open_archive(const char *out)
{
	struct archive *ar = archive_write_new();

	if (!ar) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	if (archive_write_set_format_pax(ar) != ARCHIVE_OK ||
	    archive_write_open_filename(ar, strcmp(out, "-") ? out : NULL)
	    != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s: %s%s%s\n", prog, out,
			archive_error_string(ar),
			archive_errno(ar) ? ": " : "",
			archive_errno(ar) ? strerror(archive_errno(ar)) : "");
		archive_write_free(ar);
		return NULL;
	}
	return ar;
}

/* Boots, writes the tree at the image's root to out, halts. */
static int run(struct image *im, const char *out)
{
	static struct walk w;
	int r = -1;

	if (image_open(im))
		return -1;
	w.ar = open_archive(out);
	w.ent = archive_entry_new();
	if (w.ar && w.ent) {
		snprintf(w.path, sizeof(w.path), "%s/", im->mnt);
		w.skip = strlen(w.path);
		r = walk_node(&w, 1);
		if (archive_write_close(w.ar) != ARCHIVE_OK)
			r = ar_fail(&w);
	}
	if (w.ar)
		archive_write_free(w.ar);
	archive_entry_free(w.ent);
	if (image_close(im))
		r = -1;
	if (r && w.ar && strcmp(out, "-"))
		unlink(out);	/* no half archive */
	return r;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s -t TYPE [-P PART] IMAGE OUT.tar\n"
		"Write the files of a filesystem image out as a tar archive\n"
		"(POSIX pax), without root: the Linux kernel runs inside this\n"
		"program (LKL).  OUT.tar \"-\" is standard output.\n\n"
		"  -t, --type TYPE        the filesystem: ext4, vfat, btrfs, xfs, ...\n"
		"  -P, --partition PART   use partition PART (MBR or GPT) of the image\n"
		"  -h, --help             this text\n\n"
		"Entries are named relative to the filesystem's root and keep\n"
		"modes, numeric owners, times, symlink targets, device numbers\n"
		"and extended attributes.\n", prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "partition", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct image im = { .prog = "fs2tar", .readonly = 1, .disk = -1 };
	int c;

	while ((c = getopt_long(argc, argv, "t:P:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': im.type = optarg; break;
		case 'P':
			if (image_parse_part(prog, optarg, &im.part))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!im.type || argc - optind != 2) {
		fprintf(stderr, "%s: %s\nTry '%s --help'.\n", prog,
			!im.type ? "no filesystem type (-t)" :
			"need an IMAGE and an OUT.tar", prog);
		return 2;
	}
	im.path = argv[optind];
	return run(&im, argv[optind + 1]) ? 1 : 0;
}
