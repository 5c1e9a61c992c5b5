/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the host library: the virtio-mmio transport (virtio.c) and
 * what virtio devices (virtio_blk.c, later virtio-net) build on.
 * Not installed; applications use <lkl_host.h>.
 *
 * A device fills a struct virtio_dev (id, offered features, config space,
 * queues, callbacks) and registers it before lkl_start_kernel().
 * Registering gives it an MMIO window and an irq, and adds
 * "virtio_mmio.device=<size>@<window>:<irq>" to lkl_host_ops.boot_args;
 * the kernel's virtio_mmio driver then finds it at boot.  Every register
 * access of the driver arrives in lkl_virtio_iomem_access(), on the thread
 * that holds the kernel's CPU.
 *
 * Queues are split virtqueues in the process's own memory: the kernel's
 * physical addresses are host pointers.  A device serves them from host
 * threads of its own with lkl_virtio_queue_pop() / lkl_virtio_queue_push() and
 * raises its interrupt with lkl_virtio_dev_interrupt().
 */
#ifndef _LKL_VIRTIO_H
#define _LKL_VIRTIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "posix-host.h"

/* Devices of all types at once (each takes an irq and a window). */
#define VIRTIO_MAX_DEVS		32
/* Segments of one request, device-readable and device-writable together. */
#define VIRTIO_REQ_MAX_SEGS	256

struct virtio_dev;

/* One split virtqueue, as the driver set it up. */
struct virtio_queue {
	uint32_t num_max;	/* set by the device before registering */
	/* Below: transport state, written by virtio.c. */
	uint32_t num;
	uint32_t ready;
	uint64_t desc, avail, used;	/* driver's addresses */
	uint16_t last_avail;	/* next avail entry the device takes */
	uint16_t used_idx;	/* next used entry the device fills */
	int broken;		/* a bad descriptor chain was seen */
};

struct virtio_dev_ops {
	/*
	 * The driver wrote queue @q's index to QueueNotify: buffers were
	 * added.  Runs on the kernel's CPU: must not block.
	 */
	void (*notify)(struct virtio_dev *dev, unsigned int q);
	/*
	 * The driver set DRIVER_OK: the queues are ready to serve.
	 * Runs on the kernel's CPU.
	 */
	void (*start)(struct virtio_dev *dev);
	/*
	 * The driver reset the device.  When this returns the device must
	 * no longer touch any queue: the kernel may free the rings (and at
	 * halt, all of its memory) right after.
	 */
	void (*reset)(struct virtio_dev *dev);
};

struct virtio_dev {
	/* Set by the device before lkl_virtio_dev_register(). */
	uint32_t device_id;		/* LKL_VIRTIO_ID_* */
	uint64_t features;		/* offered, VERSION_1 is added */
	void *config;			/* device config space, little-endian */
	uint32_t config_len;
	struct virtio_queue *queues;
	unsigned int num_queues;
	const struct virtio_dev_ops *ops;
	const char *name;		/* for messages */

	/* Below: transport state, owned by virtio.c. */
	void *window;			/* MMIO window; NULL: unregistered */
	int irq;
	uint64_t driver_features;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint32_t queue_sel;
	uint32_t status;
	uint32_t int_status;		/* atomic: device threads set bits */
	uint32_t config_gen;
};

/* A descriptor chain taken from a queue, as host memory segments. */
struct virtio_req {
	uint16_t head;			/* for lkl_virtio_queue_push() */
	unsigned int n_out;		/* iov[0 .. n_out): device-readable */
	unsigned int n_in;		/* then n_in device-writable ones */
	size_t out_len, in_len;		/* bytes in each part */
	struct iovec iov[VIRTIO_REQ_MAX_SEGS];
};

/*
 * Give @dev an MMIO window and an irq and announce it on the kernel's
 * command line.  Only while the kernel is not running.  Returns 0 or a
 * negative LKL errno (-LKL_ENOSPC: too many devices, -LKL_EBUSY: no irq
 * left or the kernel is running, -LKL_E2BIG: command line full,
 * -LKL_EINVAL: a field out of range).
 */
LKL_POSIX_HIDDEN int lkl_virtio_dev_register(struct virtio_dev *dev);

/* Undo lkl_virtio_dev_register(); only while the kernel is not running. */
LKL_POSIX_HIDDEN void lkl_virtio_dev_unregister(struct virtio_dev *dev);

/*
 * Take the next available request of @q into @req.  Returns 1, 0 when
 * there is none (or the queue is not ready), or -1 for a malformed chain:
 * the queue is then marked broken and the device NEEDS_RESET.  Only one
 * thread may take from a queue at a time.
 */
LKL_POSIX_HIDDEN int lkl_virtio_queue_pop(struct virtio_dev *dev,
					  struct virtio_queue *q,
					  struct virtio_req *req);

/*
 * Give request @head back to the driver with @len bytes written into its
 * device-writable part.  Call lkl_virtio_dev_interrupt() after a batch.
 */
LKL_POSIX_HIDDEN void lkl_virtio_queue_push(struct virtio_queue *q,
					    uint16_t head, uint32_t len);

/*
 * Copy between a request's segments (iov[0 .. n)) and a flat buffer,
 * starting @off bytes into the segments.  Return the bytes copied, fewer
 * than @len when the segments end first.
 */
LKL_POSIX_HIDDEN size_t lkl_virtio_iov_read(const struct iovec *iov,
					    unsigned int n, size_t off,
					    void *buf, size_t len);
LKL_POSIX_HIDDEN size_t lkl_virtio_iov_write(const struct iovec *iov,
					     unsigned int n, size_t off,
					     const void *buf, size_t len);

/*
 * Describe bytes [off, off + len) of iov[0 .. n) in @out (room for n
 * entries).  Returns the number of entries used; fewer bytes are covered
 * when the segments end first.
 */
LKL_POSIX_HIDDEN unsigned int
lkl_virtio_iov_slice(const struct iovec *iov, unsigned int n, size_t off,
		     size_t len, struct iovec *out);

/* Tell the driver that used buffers are there (from any host thread). */
LKL_POSIX_HIDDEN void lkl_virtio_dev_interrupt(struct virtio_dev *dev);

/* Whether the driver accepted feature @bit. */
LKL_POSIX_HIDDEN int lkl_virtio_has_feature(const struct virtio_dev *dev,
					    unsigned int bit);

/* Print a message about @dev to the kernel log's host fd. */
LKL_POSIX_HIDDEN void lkl_virtio_log(const struct virtio_dev *dev,
				     const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Little-endian fields of rings and config spaces. */
LKL_POSIX_HIDDEN void lkl_virtio_put_le16(void *p, uint16_t v);
LKL_POSIX_HIDDEN void lkl_virtio_put_le32(void *p, uint32_t v);
LKL_POSIX_HIDDEN void lkl_virtio_put_le64(void *p, uint64_t v);
LKL_POSIX_HIDDEN uint16_t lkl_virtio_get_le16(const void *p);
LKL_POSIX_HIDDEN uint32_t lkl_virtio_get_le32(const void *p);
LKL_POSIX_HIDDEN uint64_t lkl_virtio_get_le64(const void *p);

/* The host operations ioremap and iomem_access (lkl_host_ops). */
LKL_POSIX_HIDDEN void *lkl_virtio_ioremap(long addr, int size);
LKL_POSIX_HIDDEN int lkl_virtio_iomem_access(const volatile void *addr,
					     void *val, int size, int write);

/*
 * For disk.c: the serial (VIRTIO_BLK_T_GET_ID) of disk @id and whether it
 * is read-only.  Returns 0, or -LKL_ENODEV when there is no such disk.
 */
LKL_POSIX_HIDDEN int lkl_virtio_blk_info(int id, char *serial,
					 size_t serial_len, int *readonly);

/*
 * For net_config.c: the MAC address of network device @id.  Returns 0,
 * -LKL_EINVAL for an id out of range, -LKL_ENODEV when there is none.
 */
LKL_POSIX_HIDDEN int lkl_virtio_net_mac(int id, unsigned char mac[6]);

#endif /* _LKL_VIRTIO_H */
