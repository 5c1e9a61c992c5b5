// SPDX-License-Identifier: GPL-2.0
/*
 * One fd namespace for host and LKL fds.
 *
 * Every LKL socket is given a host fd number by opening a host
 * placeholder (an unbound AF_UNIX datagram socket): the host kernel then
 * cannot hand that number to anything else, select()'s FD_SETSIZE
 * applies to it as to any fd, and close(), dup2() onto it and fork()
 * treat it as a real fd.  fd_map[host fd] holds the LKL fd + 1 (0: the
 * host's own fd).  A placeholder that leaks into a call we do not wrap
 * fails (ENOTCONN...) rather than passing data somewhere.
 *
 * dup() makes a new placeholder pointing to the same LKL fd, with a
 * reference count in struct lkl_file, so that fds dup()ed from one
 * socket share its O_NONBLOCK as POSIX says file descriptions do.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <lkl.h>

#include "hijack.h"

/* Entries for host fds 0..fd_max-1; LKL fds 0..fd_max-1 alike. */
#define FD_TABLE_MAX	(1 << 20)

static atomic_int *fd_map;
static struct lkl_file *files;
static unsigned char *orphans;	/* host fds orphaned by fork */
static int fd_max;
/* Above the highest host fd ever given an LKL fd: where scans stop. */
static atomic_int fd_high;
/*
 * The process the tables belong to.  A vfork() child (posix_spawn,
 * Python's subprocess) shares our memory until it executes: its
 * close(), dup2() and close_range() act on its own fds only and must
 * leave the parent's tables alone.
 */
static pid_t owner;

void fdt_set_owner(void)
{
	owner = getpid();
}

static int in_vfork_child(void)
{
	return getpid() != owner;
}

static void *table(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "lkl-hijack: no memory for the fd table\n");
		_exit(127);
	}
	return p;
}

/* Pages are only touched for the fds in use, so the size costs nothing. */
void fdt_init(void)
{
	struct rlimit rl;

	fd_max = FD_TABLE_MAX;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_max < FD_TABLE_MAX)
		fd_max = rl.rlim_max < 1024 ? 1024 : (int)rl.rlim_max;
	fd_map = table(sizeof(*fd_map) * (size_t)fd_max);
	files = table(sizeof(*files) * (size_t)fd_max);
	orphans = table((size_t)fd_max);
}

int fdt_size(void)
{
	return fd_max;
}

int fdt_lkl(int fd)
{
	if (fd < 0 || fd >= fd_max || !fd_map)
		return -1;
	return atomic_load_explicit(&fd_map[fd], memory_order_acquire) - 1;
}

struct lkl_file *fdt_file(int lfd)
{
	return &files[lfd];
}

static void raise_high(int fd)
{
	int high = atomic_load(&fd_high);

	while (fd >= high &&
	       !atomic_compare_exchange_weak(&fd_high, &high, fd + 1))
		;
}

static void map_set(int fd, int v)
{
	raise_high(fd);
	atomic_store_explicit(&fd_map[fd], v, memory_order_release);
}

static void file_put(int lfd)
{
	if (atomic_fetch_sub(&files[lfd].refs, 1) == 1)
		lkl_sys_close(lfd);
}

/* A new placeholder host fd, or -errno. */
static int placeholder(int cloexec)
{
	int fd = real.socket(AF_UNIX, SOCK_DGRAM | (cloexec ? SOCK_CLOEXEC : 0),
			     0);

	if (fd < 0)
		return -errno;
	if (fd >= fd_max) {
		real.close(fd);
		return -EMFILE;
	}
	return fd;
}

int fdt_install(int lfd, int type, int nonblock, int cloexec)
{
	int fd;

	if (lfd >= fd_max) {
		lkl_sys_close(lfd);
		return -EMFILE;
	}
	fd = placeholder(cloexec);
	if (fd < 0) {
		lkl_sys_close(lfd);
		return fd;
	}
	files[lfd].type = type;
	atomic_store(&files[lfd].nonblock, nonblock);
	atomic_store(&files[lfd].refs, 1);
	orphans[fd] = 0;
	map_set(fd, lfd + 1);
	return fd;
}

/*
 * The entry goes first, so that no other thread finds the LKL fd once
 * the host number is free for reuse.
 */
int fdt_close(int fd)
{
	int v = 0;

	if (proxy_reserved(fd))
		return 0;	/* the hijack's own: see proxy.c */
	if (fd < 0 || fd >= fd_max ||
	    (!atomic_load(&fd_map[fd]) && !orphans[fd] && !epoll_tracked(fd)))
		return real.close(fd);
	if (in_vfork_child())
		return real.close(fd);
	v = atomic_exchange(&fd_map[fd], 0);
	orphans[fd] = 0;
	if (v)
		file_put(v - 1);
	else
		epoll_fd_closed(fd);
	return real.close(fd);
}

void fdt_forget_range(unsigned int first, unsigned int last)
{
	unsigned int fd, high = (unsigned int)atomic_load(&fd_high);
	int v;

	if (first < high && in_vfork_child())
		return;
	for (fd = first; fd <= last && fd < high; fd++) {
		v = atomic_exchange(&fd_map[fd], 0);
		orphans[fd] = 0;
		if (v)
			file_put(v - 1);
		else
			epoll_fd_closed((int)fd);
	}
}

int fdt_dup(int fd, int min, int cloexec)
{
	int lfd = fdt_lkl(fd), nfd;

	nfd = real.fcntl(fd, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, min);
	if (nfd < 0 || lfd < 0 || in_vfork_child())
		return nfd;
	if (nfd >= fd_max) {
		real.close(nfd);
		errno = EMFILE;
		return -1;
	}
	atomic_fetch_add(&files[lfd].refs, 1);
	map_set(nfd, lfd + 1);
	return nfd;
}

/*
 * dup2(), or dup3() with @flags (the caller refuses oldfd == newfd for
 * dup3()): the host call replaces whatever @newfd was (a host
 * file or a placeholder) atomically; then the entry is moved over and
 * the LKL fd that @newfd named, if any, loses a reference.
 */
int fdt_dup3(int oldfd, int newfd, int flags)
{
	int lfd = fdt_lkl(oldfd), r, prev;

	if (flags)
		r = real.dup3(oldfd, newfd, flags);
	else
		r = real.dup2(oldfd, newfd);
	if (r < 0 || oldfd == newfd)
		return r;
	if (newfd < fd_max && (lfd >= 0 || atomic_load(&fd_map[newfd]) ||
			       orphans[newfd] || epoll_tracked(newfd)) &&
	    in_vfork_child())
		return r;
	epoll_fd_closed(newfd);
	if (newfd >= fd_max) {
		if (lfd >= 0) {
			real.close(newfd);
			errno = EBADF;
			return -1;
		}
		return r;
	}
	if (lfd >= 0) {
		atomic_fetch_add(&files[lfd].refs, 1);
		raise_high(newfd);
	}
	prev = atomic_exchange(&fd_map[newfd], lfd + 1);
	orphans[newfd] = 0;
	if (prev)
		file_put(prev - 1);
	return r;
}

/*
 * In a fork's child that uses the parent's kernel (proxy.c): its LKL
 * fds are the duplicates the parent made, @map(old) for each old one.
 * Host fds that shared an LKL fd share its duplicate.
 */
void fdt_remap(int (*map)(int lfd))
{
	struct lkl_file *moved = table(sizeof(*files) * (size_t)fd_max);
	int fd, v, lfd, nlfd;

	for (fd = 0; fd < atomic_load(&fd_high); fd++) {
		v = atomic_load(&fd_map[fd]);
		if (!v)
			continue;
		lfd = v - 1;
		nlfd = map(lfd);
		if (nlfd < 0 || nlfd >= fd_max) {
			atomic_store(&fd_map[fd], 0);
			orphans[fd] = 1;
			continue;
		}
		if (!atomic_load(&moved[nlfd].refs)) {
			moved[nlfd].type = files[lfd].type;
			atomic_store(&moved[nlfd].nonblock,
				     atomic_load(&files[lfd].nonblock));
		}
		atomic_fetch_add(&moved[nlfd].refs, 1);
		atomic_store(&fd_map[fd], nlfd + 1);
	}
	munmap(files, sizeof(*files) * (size_t)fd_max);
	files = moved;
}

void fdt_orphan_all(void)
{
	int fd;

	for (fd = 0; fd < atomic_load(&fd_high); fd++) {
		if (atomic_load(&fd_map[fd])) {
			atomic_store(&fd_map[fd], 0);
			orphans[fd] = 1;
		}
	}
}

int fdt_is_orphan(int fd)
{
	return fd >= 0 && fd < fd_max && orphans && orphans[fd];
}

void fdt_for_each(void (*fn)(int fd, int lfd))
{
	int fd, v;

	for (fd = 0; fd < atomic_load(&fd_high); fd++) {
		v = atomic_load(&fd_map[fd]);
		if (v)
			fn(fd, v - 1);
	}
}

void fdt_save(struct fdt_saved *s)
{
	s->fd_map = fd_map;
	s->files = files;
	s->orphans = orphans;
	s->fd_max = fd_max;
	s->fd_high = atomic_load(&fd_high);
}

void fdt_restore(const struct fdt_saved *s)
{
	fd_map = s->fd_map;
	files = s->files;
	orphans = s->orphans;
	fd_max = s->fd_max;
	atomic_store(&fd_high, s->fd_high);
}

/* Set in the child of a fork (fork.c): orphans are checked from then. */
int hijack_forked;

int fd_route(int fd)
{
	int lfd = fdt_lkl(fd);

	if (lfd >= 0)
		return lfd;
	if (hijack_forked && fdt_is_orphan(fd))
		return FD_DEAD;
	return FD_HOST;
}
