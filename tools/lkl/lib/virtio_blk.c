// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk disks backed by a host file or block device:
 * lkl_disk_add() and lkl_disk_remove() (lkl_host.h).
 *
 * Each disk has one request queue, served by an I/O thread of its own so
 * that the kernel's CPU never waits for the host's disk: the kernel's
 * notify only wakes the thread, which reads and writes the kernel's
 * buffers in place (preadv/pwritev), completes the requests and raises
 * the disk's interrupt.
 *
 * The thread lives while the driver drives the device: it starts when
 * the driver sets DRIVER_OK and is stopped and joined when the driver
 * resets the device, which the kernel does for every virtio device on
 * the way down in lkl_sys_halt() (virtio_dev_shutdown()).  So halting
 * leaves the process with the threads it had before boot, whether or not
 * the program calls lkl_disk_remove() afterwards; the remove only closes
 * the disk's fd and frees it.  Should the thread not start (no memory),
 * requests are served on the kernel's CPU instead, in the notify.
 *
 * Host errors (EIO, ENOSPC, a file cut short under us) fail the one
 * request with VIRTIO_BLK_S_IOERR; the kernel sees an I/O error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* fallocate, preadv */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __linux__
#endif

#include <lkl_host.h>
#include <lkl/linux/fs.h>
#include <lkl/linux/virtio_blk.h>
#include <lkl/linux/virtio_ids.h>
#include <lkl/linux/virtio_ring.h>

#include "virtio.h"

#define SECTOR_SIZE	512
#define QUEUE_SIZE	256
/* Data segments per request; the header and status take two more. */
#define SEG_MAX		128
/* Ranges per DISCARD or WRITE_ZEROES request, and sectors per range. */
#define DISCARD_SEG_MAX	16
#define DISCARD_SECTORS	(1U << 22)
#define DISCARD_ALIGN	8	/* sectors: holes are made of whole blocks */

#define OUTHDR_SIZE	16	/* struct virtio_blk_outhdr */
#define RANGE_SIZE	16	/* struct virtio_blk_discard_write_zeroes */

struct blk_dev {
	struct virtio_dev vdev;		/* first: see to_blk() */
	struct virtio_queue queue;
	struct lkl_virtio_blk_config config;
	int id;
	int fd;
	int readonly;
	int can_punch;			/* DISCARD and WRITE_ZEROES offered */
	uint64_t sectors;
	char serial[LKL_VIRTIO_BLK_ID_BYTES + 1];
	char name[16];

	/* The I/O thread; lock guards kicked and stop. */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int kicked;
	int stop;
	int running;			/* changed on the kernel's CPU */
	pthread_t thread;

	/* The I/O thread's (or the notify's) request buffers. */
	struct virtio_req req;
	struct iovec data[VIRTIO_REQ_MAX_SEGS];
};

static pthread_mutex_t disks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct blk_dev *disks[LKL_DISK_MAX];

static struct blk_dev *to_blk(struct virtio_dev *vdev)
{
	return (struct blk_dev *)vdev;
}

/* ---- Requests ---- */

/* preadv/pwritev until done: 0, or -1 on an error or end of file. */
static int rw_full(int fd, struct iovec *iov, unsigned int n, off_t off,
		   int write)
{
	ssize_t r;

	while (n) {
		if (write)
			r = pwritev(fd, iov, (int)n, off);
		else
			r = preadv(fd, iov, (int)n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (char *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* Whether [sector, sector + count) is on the disk. */
static int range_ok(const struct blk_dev *b, uint64_t sector, uint64_t count)
{
	return sector <= b->sectors && count <= b->sectors - sector;
}

/* IN and OUT: data after the header, or before the status byte. */
static uint8_t do_rw(struct blk_dev *b, struct virtio_req *req,
		     uint64_t sector, int write, uint32_t *written)
{
	const struct iovec *part = write ? req->iov : req->iov + req->n_out;
	unsigned int nparts = write ? req->n_out : req->n_in;
	size_t off = write ? OUTHDR_SIZE : 0;
	size_t len = write ? req->out_len - OUTHDR_SIZE : req->in_len - 1;
	unsigned int n;

	if (write && b->readonly)
		return LKL_VIRTIO_BLK_S_IOERR;
	if (len % SECTOR_SIZE || !range_ok(b, sector, len / SECTOR_SIZE))
		return LKL_VIRTIO_BLK_S_IOERR;
	n = lkl_virtio_iov_slice(part, nparts, off, len, b->data);
	if (rw_full(b->fd, b->data, n, (off_t)(sector * SECTOR_SIZE), write))
		return LKL_VIRTIO_BLK_S_IOERR;
	if (!write)
		*written += (uint32_t)len;
	return LKL_VIRTIO_BLK_S_OK;
}

static uint8_t do_flush(struct blk_dev *b)
{
	if (b->readonly)
		return LKL_VIRTIO_BLK_S_OK;
	while (fdatasync(b->fd) != 0) {
		if (errno != EINTR)
			return LKL_VIRTIO_BLK_S_IOERR;
	}
	return LKL_VIRTIO_BLK_S_OK;
}

static uint8_t do_get_id(struct blk_dev *b, struct virtio_req *req,
			 uint32_t *written)
{
	size_t len = req->in_len - 1;

	/* NUL-padded, not terminated when all 20 bytes are used. */
	if (len > LKL_VIRTIO_BLK_ID_BYTES)
		len = LKL_VIRTIO_BLK_ID_BYTES;
	*written += (uint32_t)lkl_virtio_iov_write(req->iov + req->n_out,
					       req->n_in, 0, b->serial, len);
	return LKL_VIRTIO_BLK_S_OK;
}

static int punch(struct blk_dev *b, uint64_t sector, uint32_t count)
{
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
	while (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)(sector * SECTOR_SIZE),
			 (off_t)count * SECTOR_SIZE) != 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
#else
	(void)b;
	(void)sector;
	(void)count;
	return -1;
#endif
}

/*
 * Whether the file can have holes punched: punching one byte past its
 * end changes nothing, and fails where the filesystem cannot.
 */
static int can_punch(int fd, off_t size)
{
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 size, 1) == 0;
#else
	(void)fd;
	(void)size;
	return 0;
#endif
}

/*
 * Zero sectors and keep them allocated, as WRITE_ZEROES without the unmap
 * flag asks: FALLOC_FL_ZERO_RANGE where the filesystem has it, else
 * plain writes.
 */
static int zero(struct blk_dev *b, uint64_t sector, uint32_t count)
{
	static const char zeroes[64 * 1024];
	off_t off = (off_t)(sector * SECTOR_SIZE);
	off_t end = off + (off_t)count * SECTOR_SIZE;
	ssize_t r;

#if defined(FALLOC_FL_ZERO_RANGE) && defined(FALLOC_FL_KEEP_SIZE)
	if (fallocate(b->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off,
		      end - off) == 0)
		return 0;
#endif
	while (off < end) {
		size_t len = sizeof(zeroes);

		if ((off_t)len > end - off)
			len = (size_t)(end - off);
		r = pwrite(b->fd, zeroes, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += r;
	}
	return 0;
}

/*
 * DISCARD and WRITE_ZEROES: ranges after the header.  Discarding punches
 * holes, and so does zeroing with the unmap flag (holes read back as
 * zeroes, and write_zeroes_may_unmap is set).
 */
static uint8_t do_discard(struct blk_dev *b, struct virtio_req *req,
			  int zeroes)
{
	size_t len = req->out_len - OUTHDR_SIZE, off;
	uint32_t allowed = zeroes ? LKL_VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;
	unsigned char range[RANGE_SIZE];

	if (!b->can_punch)
		return LKL_VIRTIO_BLK_S_UNSUPP;
	if (len == 0 || len % RANGE_SIZE || len / RANGE_SIZE > DISCARD_SEG_MAX)
		return LKL_VIRTIO_BLK_S_IOERR;
	for (off = OUTHDR_SIZE; off < req->out_len; off += RANGE_SIZE) {
		uint64_t sector;
		uint32_t count, flags;

		lkl_virtio_iov_read(req->iov, req->n_out, off, range,
				    RANGE_SIZE);
		sector = lkl_virtio_get_le64(range);
		count = lkl_virtio_get_le32(range + 8);
		flags = lkl_virtio_get_le32(range + 12);
		if (flags & ~allowed)
			return LKL_VIRTIO_BLK_S_UNSUPP;
		if (count > DISCARD_SECTORS || !range_ok(b, sector, count))
			return LKL_VIRTIO_BLK_S_IOERR;
		if (count == 0)
			continue;
		if (zeroes && !(flags & allowed)) {
			if (zero(b, sector, count))
				return LKL_VIRTIO_BLK_S_IOERR;
		} else if (punch(b, sector, count)) {
			return LKL_VIRTIO_BLK_S_IOERR;
		}
	}
	return LKL_VIRTIO_BLK_S_OK;
}

/* Serve one request; returns the bytes written into its buffers. */
static uint32_t serve(struct blk_dev *b, struct virtio_req *req)
{
	unsigned char hdr[OUTHDR_SIZE];
	const struct iovec *last;
	uint32_t written = 1, type;
	uint8_t status;

	/* A header to read and a status byte to write, at the least. */
	if (req->out_len < OUTHDR_SIZE || req->in_len < 1)
		return 0;
	lkl_virtio_iov_read(req->iov, req->n_out, 0, hdr, sizeof(hdr));
	type = lkl_virtio_get_le32(hdr);

	switch (type) {
	case LKL_VIRTIO_BLK_T_IN:
	case LKL_VIRTIO_BLK_T_OUT:
		status = do_rw(b, req, lkl_virtio_get_le64(hdr + 8),
			       type == LKL_VIRTIO_BLK_T_OUT, &written);
		break;
	case LKL_VIRTIO_BLK_T_FLUSH:
		status = do_flush(b);
		break;
	case LKL_VIRTIO_BLK_T_GET_ID:
		status = do_get_id(b, req, &written);
		break;
	case LKL_VIRTIO_BLK_T_DISCARD:
	case LKL_VIRTIO_BLK_T_WRITE_ZEROES:
		status = b->readonly ? LKL_VIRTIO_BLK_S_IOERR :
			 do_discard(b, req,
				    type == LKL_VIRTIO_BLK_T_WRITE_ZEROES);
		break;
	default:
		status = LKL_VIRTIO_BLK_S_UNSUPP;
		break;
	}
	/* The status is the last writable byte (segments are never empty). */
	last = &req->iov[req->n_out + req->n_in - 1];
	((unsigned char *)last->iov_base)[last->iov_len - 1] = status;
	return written;
}

static int stopping(struct blk_dev *b)
{
	return __atomic_load_n(&b->stop, __ATOMIC_ACQUIRE);
}

/* Serve every request there is, then interrupt once. */
static void serve_queue(struct blk_dev *b)
{
	int done = 0;

	while (!stopping(b) &&
	       lkl_virtio_queue_pop(&b->vdev, &b->queue, &b->req) > 0) {
		uint32_t len = serve(b, &b->req);

		lkl_virtio_queue_push(&b->queue, b->req.head, len);
		done = 1;
	}
	if (done)
		lkl_virtio_dev_interrupt(&b->vdev);
}

/* ---- The I/O thread ---- */

/* Wait for a kick; returns 0 when told to stop. */
static int wait_kick(struct blk_dev *b)
{
	int go;

	pthread_mutex_lock(&b->lock);
	while (!b->kicked && !b->stop)
		pthread_cond_wait(&b->wake, &b->lock);
	go = !b->stop;
	b->kicked = 0;
	pthread_mutex_unlock(&b->lock);
	return go;
}

static void *io_thread(void *arg)
{
	struct blk_dev *b = arg;

	while (wait_kick(b))
		serve_queue(b);
	return NULL;
}

static void blk_start(struct virtio_dev *vdev)
{
	struct blk_dev *b = to_blk(vdev);
	int err;

	if (b->running)
		return;
	__atomic_store_n(&b->stop, 0, __ATOMIC_RELEASE);
	b->kicked = 0;
	err = lkl_posix_thread_start(&b->thread, io_thread, b);
	if (err) {
		lkl_virtio_log(vdev,
			       "no I/O thread (%s): serving on the kernel's CPU",
			       strerror(err));
		return;
	}
	b->running = 1;
}

static void blk_notify(struct virtio_dev *vdev, unsigned int q)
{
	struct blk_dev *b = to_blk(vdev);

	(void)q;
	if (!b->running) {
		serve_queue(b);
		return;
	}
	pthread_mutex_lock(&b->lock);
	b->kicked = 1;
	pthread_cond_signal(&b->wake);
	pthread_mutex_unlock(&b->lock);
}

/*
 * Stop and join the I/O thread.  This holds the kernel's CPU for as long
 * as the host takes to finish the one request in progress: the rings
 * must be left alone before the reset returns.
 */
static void blk_reset(struct virtio_dev *vdev)
{
	struct blk_dev *b = to_blk(vdev);

	if (!b->running)
		return;
	pthread_mutex_lock(&b->lock);
	__atomic_store_n(&b->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&b->wake);
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->thread, NULL);
	b->running = 0;
}

static const struct virtio_dev_ops blk_ops = {
	.notify = blk_notify,
	.start = blk_start,
	.reset = blk_reset,
};

/* ---- Adding and removing disks ---- */

static int disk_error(struct lkl_disk *disk, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int disk_error(struct lkl_disk *disk, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(disk->error, sizeof(disk->error), fmt, ap);
	va_end(ap);
	return err;
}

/* The path, or "fd N", for messages. */
static const char *disk_what(const struct lkl_disk *disk, char *buf,
			     size_t len)
{
	if (disk->path)
		return disk->path;
	snprintf(buf, len, "fd %d", disk->fd);
	return buf;
}

static int open_path(struct blk_dev *b, struct lkl_disk *disk)
{
	int err;

	b->fd = open(disk->path, (disk->readonly ? O_RDONLY : O_RDWR) |
				 O_CLOEXEC);
	if (b->fd >= 0)
		return 0;
	err = lkl_posix_errno(errno);
	if (!disk->readonly &&
	    (err == -LKL_EACCES || err == -LKL_EROFS || err == -LKL_EPERM))
		return disk_error(disk, err,
				  "%s: %s: read-only on the host? add it read-only",
				  disk->path, lkl_strerror(err));
	return disk_error(disk, err, "%s: %s", disk->path, lkl_strerror(err));
}

/* Our own copy of the caller's fd, which stays the caller's. */
static int open_fd(struct blk_dev *b, struct lkl_disk *disk)
{
	int flags = fcntl(disk->fd, F_GETFL);
	int err;

	if (flags < 0) {
		err = lkl_posix_errno(errno);
		return disk_error(disk, err, "fd %d: %s", disk->fd,
				  lkl_strerror(err));
	}
	if (!disk->readonly && (flags & O_ACCMODE) == O_RDONLY)
		return disk_error(disk, -LKL_EBADF,
				  "fd %d is open read-only: add it read-only",
				  disk->fd);
	b->fd = fcntl(disk->fd, F_DUPFD_CLOEXEC, 0);
	if (b->fd < 0) {
		err = lkl_posix_errno(errno);
		return disk_error(disk, err, "fd %d: %s", disk->fd,
				  lkl_strerror(err));
	}
	return 0;
}

/* Bytes in a block device, or -errno. */
static int64_t blkdev_size(int fd)
{
	uint64_t size;

	/*
	 * The host's ioctl number, from LKL's copy of <linux/fs.h> (libcs
	 * like musl ship no kernel headers): the generic encoding, the same
	 * on the hosts LKL builds for.
	 */
	if (ioctl(fd, LKL_BLKGETSIZE64, &size) != 0)
		return lkl_posix_errno(errno);
	return size > INT64_MAX ? INT64_MAX : (int64_t)size;
}

/* The largest offset this host's off_t holds. */
static int64_t off_max(void)
{
	return sizeof(off_t) >= 8 ? INT64_MAX : INT32_MAX;
}

static int probe_size(struct blk_dev *b, struct lkl_disk *disk)
{
	char buf[32];
	const char *what = disk_what(disk, buf, sizeof(buf));
	struct stat st;
	int64_t size;

	if (fstat(b->fd, &st) != 0) {
		int err = lkl_posix_errno(errno);

		return disk_error(disk, err, "%s: %s", what, lkl_strerror(err));
	}
	if (S_ISDIR(st.st_mode))
		return disk_error(disk, -LKL_EISDIR, "%s: is a directory",
				  what);
	if (S_ISREG(st.st_mode)) {
		size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		size = blkdev_size(b->fd);
		if (size < 0)
			return disk_error(disk, (int)size, "%s: size: %s",
					  what, lkl_strerror((int)size));
	} else {
		return disk_error(disk, -LKL_EINVAL,
				  "%s: not a regular file or a block device",
				  what);
	}
	if (size > off_max())
		size = off_max();
	/* A partial last sector is left out. */
	b->sectors = (uint64_t)size / SECTOR_SIZE;
	b->can_punch = !disk->readonly && S_ISREG(st.st_mode) &&
		       can_punch(b->fd, st.st_size);
	return 0;
}

static void setup_config(struct blk_dev *b)
{
	struct lkl_virtio_blk_config *c = &b->config;
	uint64_t f;

	f = 1ULL << LKL_VIRTIO_BLK_F_SEG_MAX |
	    1ULL << LKL_VIRTIO_BLK_F_BLK_SIZE |
	    1ULL << LKL_VIRTIO_BLK_F_FLUSH |
	    1ULL << LKL_VIRTIO_RING_F_INDIRECT_DESC;
	lkl_virtio_put_le64(&c->capacity, b->sectors);
	lkl_virtio_put_le32(&c->seg_max, SEG_MAX);
	lkl_virtio_put_le32(&c->blk_size, SECTOR_SIZE);
	if (b->readonly)
		f |= 1ULL << LKL_VIRTIO_BLK_F_RO;
	if (b->can_punch) {
		f |= 1ULL << LKL_VIRTIO_BLK_F_DISCARD |
		     1ULL << LKL_VIRTIO_BLK_F_WRITE_ZEROES;
		lkl_virtio_put_le32(&c->max_discard_sectors, DISCARD_SECTORS);
		lkl_virtio_put_le32(&c->max_discard_seg, DISCARD_SEG_MAX);
		lkl_virtio_put_le32(&c->discard_sector_alignment,
				    DISCARD_ALIGN);
		lkl_virtio_put_le32(&c->max_write_zeroes_sectors,
				    DISCARD_SECTORS);
		lkl_virtio_put_le32(&c->max_write_zeroes_seg, DISCARD_SEG_MAX);
		c->write_zeroes_may_unmap = 1;
	}

	b->queue.num_max = QUEUE_SIZE;
	b->vdev.device_id = LKL_VIRTIO_ID_BLOCK;
	b->vdev.features = f;
	b->vdev.config = c;
	b->vdev.config_len = sizeof(*c);
	b->vdev.queues = &b->queue;
	b->vdev.num_queues = 1;
	b->vdev.ops = &blk_ops;
	b->vdev.name = b->name;
}

/* Take a free id and register the device; disks_lock held. */
static int register_disk(struct blk_dev *b, struct lkl_disk *disk)
{
	int id, err;

	for (id = 0; id < LKL_DISK_MAX; id++)
		if (!disks[id])
			break;
	if (id == LKL_DISK_MAX)
		return disk_error(disk, -LKL_ENOSPC,
				  "too many disks (at most %d)", LKL_DISK_MAX);
	b->id = id;
	snprintf(b->name, sizeof(b->name), "disk%d", id);
	snprintf(b->serial, sizeof(b->serial), "lkl-disk-%d", id);
	setup_config(b);
	err = lkl_virtio_dev_register(&b->vdev);
	if (err)
		return disk_error(disk, err, "cannot register the disk: %s",
				  lkl_strerror(err));
	disks[id] = b;
	return id;
}

static void free_disk(struct blk_dev *b)
{
	if (b->fd >= 0)
		close(b->fd);
	pthread_cond_destroy(&b->wake);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static struct blk_dev *alloc_disk(void)
{
	struct blk_dev *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->fd = -1;
	if (pthread_mutex_init(&b->lock, NULL) != 0) {
		free(b);
		return NULL;
	}
	if (pthread_cond_init(&b->wake, NULL) != 0) {
		pthread_mutex_destroy(&b->lock);
		free(b);
		return NULL;
	}
	return b;
}

int lkl_disk_add(struct lkl_disk *disk)
{
	struct blk_dev *b;
	int ret;

	if (!disk)
		return -LKL_EINVAL;
	disk->error[0] = 0;
	if (!disk->path && disk->fd < 0)
		return disk_error(disk, -LKL_EINVAL,
				  "neither a path nor an fd");
	if (lkl_is_running())
		return disk_error(disk, -LKL_EBUSY,
				  "the kernel is running: add disks before lkl_start_kernel()");
	b = alloc_disk();
	if (!b)
		return disk_error(disk, -LKL_ENOMEM, "out of memory");
	b->readonly = !!disk->readonly;
	ret = disk->path ? open_path(b, disk) : open_fd(b, disk);
	if (!ret)
		ret = probe_size(b, disk);
	if (!ret) {
		pthread_mutex_lock(&disks_lock);
		ret = register_disk(b, disk);
		pthread_mutex_unlock(&disks_lock);
	}
	if (ret < 0)
		free_disk(b);
	return ret;
}

int lkl_disk_remove(int id)
{
	struct blk_dev *b;

	if (id < 0 || id >= LKL_DISK_MAX)
		return -LKL_EINVAL;
	if (lkl_is_running())
		return -LKL_EBUSY;
	pthread_mutex_lock(&disks_lock);
	b = disks[id];
	disks[id] = NULL;
	pthread_mutex_unlock(&disks_lock);
	if (!b)
		return -LKL_ENODEV;
	/* Normally the kernel's reset at halt has stopped it already. */
	blk_reset(&b->vdev);
	lkl_virtio_dev_unregister(&b->vdev);
	free_disk(b);
	return 0;
}

int lkl_virtio_blk_info(int id, char *serial, size_t serial_len,
			int *readonly)
{
	int err = -LKL_ENODEV;

	if (id < 0 || id >= LKL_DISK_MAX)
		return err;
	pthread_mutex_lock(&disks_lock);
	if (disks[id]) {
		snprintf(serial, serial_len, "%s", disks[id]->serial);
		*readonly = disks[id]->readonly;
		err = 0;
	}
	pthread_mutex_unlock(&disks_lock);
	return err;
}
