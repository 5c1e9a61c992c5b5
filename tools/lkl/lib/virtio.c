// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport (version 2 registers) and split virtqueues,
 * for the host library's virtio devices.  See virtio.h.
 *
 * The kernel reaches a device through its MMIO window: a page of address
 * space reserved with mmap(PROT_NONE), so that it is unique in the
 * process and never overlaps kernel memory, and so that a stray direct
 * access faults at once.  The kernel never dereferences it: asm/io.h
 * turns every readl/writel into the iomem_access host operation, which
 * lands in lkl_virtio_iomem_access() below.
 *
 * Memory ordering.  The kernel's own barriers on LKL are compiler
 * barriers (asm-generic, no SMP), while our device threads run on other
 * host CPUs.  So this side never relies on the driver ordering a store
 * before a later load: the device never asks to skip kicks (no
 * VRING_USED_F_NO_NOTIFY, no EVENT_IDX) and interrupts after every batch
 * even when the driver set VRING_AVAIL_F_NO_INTERRUPT, which the spec
 * lets a device do.  A lost kick or interrupt is then impossible; the
 * cost is an interrupt the driver might not have needed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <lkl_host.h>
#include <lkl/linux/virtio_config.h>
#include <lkl/linux/virtio_mmio.h>
#include <lkl/linux/virtio_ring.h>

#include "virtio.h"

/* Registers up to 0x100, then the config space: one page is enough. */
#define WINDOW_SIZE		0x1000UL
#define CONFIG_MAX		(WINDOW_SIZE - LKL_VIRTIO_MMIO_CONFIG)

#define MMIO_MAGIC		0x74726976	/* "virt" */
#define MMIO_VERSION		2
#define VENDOR_ID		0x4c4b4c	/* "LKL" */

/* "virtio_mmio.device=0x1000@0x<16 digits>:<irq> " and some margin. */
#define BOOT_ARG_MAX		64
#define BOOT_ARGS_SIZE		(VIRTIO_MAX_DEVS * BOOT_ARG_MAX)

static pthread_mutex_t devs_lock = PTHREAD_MUTEX_INITIALIZER;
/* Written under devs_lock, read without it by iomem_access. */
static struct virtio_dev *devs[VIRTIO_MAX_DEVS];
static char boot_args[BOOT_ARGS_SIZE];

/* ---- Byte order: rings and config spaces are little-endian ---- */

void lkl_virtio_put_le16(void *p, uint16_t v)
{
	unsigned char *b = p;

	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
}

void lkl_virtio_put_le32(void *p, uint32_t v)
{
	lkl_virtio_put_le16(p, (uint16_t)v);
	lkl_virtio_put_le16((unsigned char *)p + 2, (uint16_t)(v >> 16));
}

void lkl_virtio_put_le64(void *p, uint64_t v)
{
	lkl_virtio_put_le32(p, (uint32_t)v);
	lkl_virtio_put_le32((unsigned char *)p + 4, (uint32_t)(v >> 32));
}

uint16_t lkl_virtio_get_le16(const void *p)
{
	const unsigned char *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t lkl_virtio_get_le32(const void *p)
{
	const unsigned char *b = p;

	return lkl_virtio_get_le16(b) |
	       (uint32_t)lkl_virtio_get_le16(b + 2) << 16;
}

uint64_t lkl_virtio_get_le64(const void *p)
{
	const unsigned char *b = p;

	return lkl_virtio_get_le32(b) |
	       (uint64_t)lkl_virtio_get_le32(b + 4) << 32;
}

/* A 16-bit ring index as stored, for atomic loads and stores. */
static uint16_t le16_swap(uint16_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

/* ---- Messages ---- */

void lkl_virtio_log(const struct virtio_dev *dev, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int len;

	len = snprintf(buf, sizeof(buf), "lkl: virtio %s: ",
		       dev->name ? dev->name : "device");
	if (len < 0 || (size_t)len >= sizeof(buf))
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, sizeof(buf) - (size_t)len - 1, fmt, ap);
	va_end(ap);
	len = (int)strlen(buf);
	buf[len++] = '\n';
	if (lkl_host_ops.print)
		lkl_host_ops.print(buf, len);
}

/* ---- Registration ---- */

/* Rebuild the command-line words of every device; devs_lock held. */
static int update_boot_args(void)
{
	char buf[BOOT_ARGS_SIZE];
	size_t len = 0;
	int i, n;

	buf[0] = 0;
	for (i = 0; i < VIRTIO_MAX_DEVS; i++) {
		if (!devs[i])
			continue;
		n = snprintf(buf + len, sizeof(buf) - len,
			     "%svirtio_mmio.device=0x%lx@0x%lx:%d",
			     len ? " " : "", WINDOW_SIZE,
			     (unsigned long)devs[i]->window, devs[i]->irq);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			return -LKL_E2BIG;
		len += (size_t)n;
	}
	memcpy(boot_args, buf, len + 1);
	lkl_host_ops.boot_args = len ? boot_args : NULL;
	return 0;
}

static int check_dev(const struct virtio_dev *dev)
{
	unsigned int i;

	if (!dev->ops || !dev->ops->notify || !dev->ops->start ||
	    !dev->ops->reset || dev->device_id == 0)
		return -LKL_EINVAL;
	if (dev->config_len > CONFIG_MAX || (dev->config_len && !dev->config))
		return -LKL_EINVAL;
	if (dev->num_queues == 0 || !dev->queues)
		return -LKL_EINVAL;
	for (i = 0; i < dev->num_queues; i++) {
		uint32_t n = dev->queues[i].num_max;

		/* Split rings: a power of two, at most 32768 entries. */
		if (n == 0 || n > 32768 || (n & (n - 1)))
			return -LKL_EINVAL;
	}
	return 0;
}

static int add_dev(struct virtio_dev *dev)
{
	int i, err;

	for (i = 0; i < VIRTIO_MAX_DEVS; i++)
		if (!devs[i])
			break;
	if (i == VIRTIO_MAX_DEVS)
		return -LKL_ENOSPC;
	__atomic_store_n(&devs[i], dev, __ATOMIC_RELEASE);
	err = update_boot_args();
	if (err)
		__atomic_store_n(&devs[i], NULL, __ATOMIC_RELEASE);
	return err;
}

int lkl_virtio_dev_register(struct virtio_dev *dev)
{
	void *window;
	int irq, err;

	err = check_dev(dev);
	if (err)
		return err;
	if (lkl_is_running())
		return -LKL_EBUSY;
	window = mmap(NULL, WINDOW_SIZE, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (window == MAP_FAILED)
		return -LKL_ENOMEM;
	irq = lkl_get_free_irq(dev->name ? dev->name : "virtio");
	if (irq < 0) {
		munmap(window, WINDOW_SIZE);
		return irq;
	}

	dev->window = window;
	dev->irq = irq;
	dev->status = 0;
	dev->int_status = 0;
	pthread_mutex_lock(&devs_lock);
	err = add_dev(dev);
	pthread_mutex_unlock(&devs_lock);
	if (err) {
		lkl_put_irq(irq, dev->name ? dev->name : "virtio");
		munmap(window, WINDOW_SIZE);
		dev->window = NULL;
	}
	return err;
}

void lkl_virtio_dev_unregister(struct virtio_dev *dev)
{
	int i;

	if (!dev->window)
		return;
	pthread_mutex_lock(&devs_lock);
	for (i = 0; i < VIRTIO_MAX_DEVS; i++)
		if (devs[i] == dev)
			__atomic_store_n(&devs[i], NULL, __ATOMIC_RELEASE);
	/* Fewer words than before: this cannot run out of room. */
	update_boot_args();
	pthread_mutex_unlock(&devs_lock);
	lkl_put_irq(dev->irq, dev->name ? dev->name : "virtio");
	munmap(dev->window, WINDOW_SIZE);
	dev->window = NULL;
}

/* The device whose window holds addr, and the offset in it. */
static struct virtio_dev *find_dev(uintptr_t addr, uint32_t *offset)
{
	struct virtio_dev *dev;
	uintptr_t base;
	int i;

	for (i = 0; i < VIRTIO_MAX_DEVS; i++) {
		dev = __atomic_load_n(&devs[i], __ATOMIC_ACQUIRE);
		if (!dev)
			continue;
		base = (uintptr_t)dev->window;
		if (addr >= base && addr - base < WINDOW_SIZE) {
			*offset = (uint32_t)(addr - base);
			return dev;
		}
	}
	return NULL;
}

void *lkl_virtio_ioremap(long addr, int size)
{
	uint32_t offset;

	if (size <= 0 || !find_dev((uintptr_t)addr, &offset))
		return NULL;
	if (offset + (unsigned long)size > WINDOW_SIZE)
		return NULL;
	return (void *)(uintptr_t)addr;
}

/* ---- Features, status, interrupts ---- */

int lkl_virtio_has_feature(const struct virtio_dev *dev, unsigned int bit)
{
	return bit < 64 && (dev->driver_features >> bit) & 1;
}

static uint64_t offered_features(const struct virtio_dev *dev)
{
	return dev->features | 1ULL << LKL_VIRTIO_F_VERSION_1;
}

static void raise_irq(struct virtio_dev *dev, uint32_t why)
{
	__atomic_fetch_or(&dev->int_status, why, __ATOMIC_SEQ_CST);
	/* -ENODEV once the kernel is shutting down: nobody to tell. */
	lkl_trigger_irq(dev->irq);
}

void lkl_virtio_dev_interrupt(struct virtio_dev *dev)
{
	raise_irq(dev, LKL_VIRTIO_MMIO_INT_VRING);
}

/* A driver bug we cannot serve around: ask for a reset, stop the queue. */
static void needs_reset(struct virtio_dev *dev, struct virtio_queue *q,
			const char *why)
{
	lkl_virtio_log(dev, "queue %u: %s; the device needs a reset",
		       (unsigned int)(q - dev->queues), why);
	q->broken = 1;
	__atomic_fetch_or(&dev->status, LKL_VIRTIO_CONFIG_S_NEEDS_RESET,
			  __ATOMIC_SEQ_CST);
	raise_irq(dev, LKL_VIRTIO_MMIO_INT_CONFIG);
}

static void reset_queue(struct virtio_queue *q)
{
	uint32_t num_max = q->num_max;

	memset(q, 0, sizeof(*q));
	q->num_max = num_max;
	q->num = num_max;
}

static void reset_dev(struct virtio_dev *dev)
{
	unsigned int i;

	/* First quiesce the device's threads, then forget the rings. */
	dev->ops->reset(dev);
	for (i = 0; i < dev->num_queues; i++)
		reset_queue(&dev->queues[i]);
	dev->driver_features = 0;
	dev->device_features_sel = 0;
	dev->driver_features_sel = 0;
	dev->queue_sel = 0;
	__atomic_store_n(&dev->int_status, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&dev->status, 0, __ATOMIC_SEQ_CST);
}

static int features_ok(const struct virtio_dev *dev)
{
	uint64_t f = dev->driver_features;

	return !(f & ~offered_features(dev)) &&
	       (f >> LKL_VIRTIO_F_VERSION_1 & 1);
}

static void write_status(struct virtio_dev *dev, uint32_t val)
{
	uint32_t old = __atomic_load_n(&dev->status, __ATOMIC_SEQ_CST);
	uint32_t added = val & ~old;

	if (val == 0) {
		reset_dev(dev);
		return;
	}
	/* FEATURES_OK only sticks when we can live with the features. */
	if ((added & LKL_VIRTIO_CONFIG_S_FEATURES_OK) && !features_ok(dev))
		val &= ~(uint32_t)LKL_VIRTIO_CONFIG_S_FEATURES_OK;
	/* NEEDS_RESET is ours to set and only a reset clears it. */
	val |= old & LKL_VIRTIO_CONFIG_S_NEEDS_RESET;
	__atomic_store_n(&dev->status, val, __ATOMIC_SEQ_CST);
	if ((added & LKL_VIRTIO_CONFIG_S_DRIVER_OK) &&
	    (val & LKL_VIRTIO_CONFIG_S_FEATURES_OK))
		dev->ops->start(dev);
}

/* ---- Queue registers ---- */

static struct virtio_queue *sel_queue(struct virtio_dev *dev)
{
	if (dev->queue_sel >= dev->num_queues)
		return NULL;
	return &dev->queues[dev->queue_sel];
}

/* Whether [addr, addr + len) is host memory we can point at. */
static int addr_ok(uint64_t addr, uint64_t len)
{
	if (addr == 0 || addr + len < addr)
		return 0;
	return addr + len - 1 <= (uint64_t)UINTPTR_MAX;
}

static int queue_layout_ok(const struct virtio_queue *q)
{
	uint64_t n = q->num;

	if (n == 0 || n > q->num_max || (n & (n - 1)))
		return 0;
	/* desc 16 n; avail 6 + 2 n; used 6 + 8 n; each aligned. */
	return addr_ok(q->desc, 16 * n) && q->desc % 16 == 0 &&
	       addr_ok(q->avail, 6 + 2 * n) && q->avail % 2 == 0 &&
	       addr_ok(q->used, 6 + 8 * n) && q->used % 4 == 0;
}

static void set_queue_ready(struct virtio_dev *dev, struct virtio_queue *q,
			    uint32_t val)
{
	if (!val) {
		q->ready = 0;
		return;
	}
	if (!queue_layout_ok(q)) {
		lkl_virtio_log(dev, "queue %u: bad size or ring addresses",
			       dev->queue_sel);
		return;
	}
	q->last_avail = 0;
	q->used_idx = 0;
	q->broken = 0;
	q->ready = 1;
}

static void set_half(uint64_t *v, int high, uint32_t val)
{
	if (high)
		*v = (*v & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*v = (*v & ~0xffffffffULL) | val;
}

/* Queue registers that only mean something while the queue is off. */
static void write_queue_reg(struct virtio_dev *dev, uint32_t offset,
			    uint32_t val)
{
	struct virtio_queue *q = sel_queue(dev);

	if (!q)
		return;
	if (offset == LKL_VIRTIO_MMIO_QUEUE_READY) {
		set_queue_ready(dev, q, val);
		return;
	}
	if (q->ready)
		return;
	switch (offset) {
	case LKL_VIRTIO_MMIO_QUEUE_NUM:
		q->num = val;
		break;
	case LKL_VIRTIO_MMIO_QUEUE_DESC_LOW:
	case LKL_VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc, offset == LKL_VIRTIO_MMIO_QUEUE_DESC_HIGH,
			 val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case LKL_VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&q->avail, offset == LKL_VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
			 val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_USED_LOW:
	case LKL_VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&q->used, offset == LKL_VIRTIO_MMIO_QUEUE_USED_HIGH,
			 val);
		break;
	}
}

static void notify(struct virtio_dev *dev, uint32_t index)
{
	uint32_t status = __atomic_load_n(&dev->status, __ATOMIC_SEQ_CST);

	if (index >= dev->num_queues || !dev->queues[index].ready ||
	    !(status & LKL_VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	dev->ops->notify(dev, index);
}

/* ---- Register access ---- */

static uint32_t read_reg(struct virtio_dev *dev, uint32_t offset)
{
	struct virtio_queue *q = sel_queue(dev);
	uint64_t f = offered_features(dev);

	switch (offset) {
	case LKL_VIRTIO_MMIO_MAGIC_VALUE:
		return MMIO_MAGIC;
	case LKL_VIRTIO_MMIO_VERSION:
		return MMIO_VERSION;
	case LKL_VIRTIO_MMIO_DEVICE_ID:
		return dev->device_id;
	case LKL_VIRTIO_MMIO_VENDOR_ID:
		return VENDOR_ID;
	case LKL_VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->device_features_sel > 1)
			return 0;
		return (uint32_t)(f >> (32 * dev->device_features_sel));
	case LKL_VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? q->num_max : 0;
	case LKL_VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case LKL_VIRTIO_MMIO_INTERRUPT_STATUS:
		return __atomic_load_n(&dev->int_status, __ATOMIC_SEQ_CST);
	case LKL_VIRTIO_MMIO_STATUS:
		return __atomic_load_n(&dev->status, __ATOMIC_SEQ_CST);
	case LKL_VIRTIO_MMIO_CONFIG_GENERATION:
		return dev->config_gen;
	case LKL_VIRTIO_MMIO_SHM_LEN_LOW:
	case LKL_VIRTIO_MMIO_SHM_LEN_HIGH:
	case LKL_VIRTIO_MMIO_SHM_BASE_LOW:
	case LKL_VIRTIO_MMIO_SHM_BASE_HIGH:
		/* All ones: no shared memory region. */
		return 0xffffffff;
	}
	return 0;
}

static void write_reg(struct virtio_dev *dev, uint32_t offset, uint32_t val)
{
	switch (offset) {
	case LKL_VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->device_features_sel = val;
		break;
	case LKL_VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->driver_features_sel = val;
		break;
	case LKL_VIRTIO_MMIO_DRIVER_FEATURES:
		/* Frozen once FEATURES_OK is set. */
		if (dev->driver_features_sel > 1 ||
		    (dev->status & LKL_VIRTIO_CONFIG_S_FEATURES_OK))
			break;
		set_half(&dev->driver_features, dev->driver_features_sel == 1,
			 val);
		break;
	case LKL_VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = val;
		break;
	case LKL_VIRTIO_MMIO_QUEUE_NOTIFY:
		notify(dev, val);
		break;
	case LKL_VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_fetch_and(&dev->int_status, ~val, __ATOMIC_SEQ_CST);
		break;
	case LKL_VIRTIO_MMIO_STATUS:
		write_status(dev, val);
		break;
	default:
		write_queue_reg(dev, offset, val);
		break;
	}
}

/* The config space: plain bytes; driver writes are ignored. */
static int config_access(struct virtio_dev *dev, uint32_t offset, void *val,
			 int size, int write)
{
	if (offset > dev->config_len ||
	    (uint32_t)size > dev->config_len - offset)
		return -1;
	if (!write)
		memcpy(val, (const char *)dev->config + offset, (size_t)size);
	return 0;
}

int lkl_virtio_iomem_access(const volatile void *addr, void *val, int size,
			    int write)
{
	struct virtio_dev *dev;
	uint32_t offset;

	if (!val || (size != 1 && size != 2 && size != 4 && size != 8))
		return -1;
	dev = find_dev((uintptr_t)addr, &offset);
	if (!dev)
		return -1;
	if (offset >= LKL_VIRTIO_MMIO_CONFIG)
		return config_access(dev, offset - LKL_VIRTIO_MMIO_CONFIG,
				     val, size, write);
	/* Registers are 32 bits wide and aligned. */
	if (size != 4 || offset % 4)
		return -1;
	if (write)
		write_reg(dev, offset, lkl_virtio_get_le32(val));
	else
		lkl_virtio_put_le32(val, read_reg(dev, offset));
	return 0;
}

/* ---- Split virtqueues ---- */

static void *host_ptr(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

/* Append one buffer to req; writable ones must come after readable ones. */
static int add_seg(struct virtio_req *req, uint64_t addr, uint32_t len,
		   int writable)
{
	unsigned int n = req->n_out + req->n_in;
	size_t *total = writable ? &req->in_len : &req->out_len;

	if (len == 0)
		return 0;
	if (!addr_ok(addr, len) || n == VIRTIO_REQ_MAX_SEGS)
		return -1;
	if (!writable && req->n_in)
		return -1;
	if (*total + len < *total)
		return -1;
	req->iov[n].iov_base = host_ptr(addr);
	req->iov[n].iov_len = len;
	*total += len;
	if (writable)
		req->n_in++;
	else
		req->n_out++;
	return 0;
}

/*
 * Walk the chain starting at head, following one indirect table if
 * there is one.  Every table entry may be visited at most once: more
 * means a loop.
 */
static int walk_chain(struct virtio_queue *q, uint16_t head,
		      struct virtio_req *req)
{
	const struct lkl_vring_desc *table = host_ptr(q->desc);
	uint32_t size = q->num, i = head, seen = 0;
	int indirect = 0;

	req->n_out = req->n_in = 0;
	req->out_len = req->in_len = 0;
	if (i >= size)
		return -1;
	for (;;) {
		const struct lkl_vring_desc *d = &table[i];
		uint64_t addr = lkl_virtio_get_le64(&d->addr);
		uint32_t len = lkl_virtio_get_le32(&d->len);
		uint16_t flags = lkl_virtio_get_le16(&d->flags);

		if (++seen > size)
			return -1;
		if (flags & LKL_VRING_DESC_F_INDIRECT) {
			/* One level, as the last buffer of the chain. */
			if (indirect || (flags & LKL_VRING_DESC_F_NEXT) ||
			    len == 0 || len % sizeof(*d) || !addr_ok(addr, len))
				return -1;
			table = host_ptr(addr);
			size = len / sizeof(*d);
			i = 0;
			seen = 0;
			indirect = 1;
			continue;
		}
		if (add_seg(req, addr, len, flags & LKL_VRING_DESC_F_WRITE))
			return -1;
		if (!(flags & LKL_VRING_DESC_F_NEXT))
			return 0;
		i = lkl_virtio_get_le16(&d->next);
		if (i >= size)
			return -1;
	}
}

int lkl_virtio_queue_pop(struct virtio_dev *dev, struct virtio_queue *q,
			 struct virtio_req *req)
{
	struct lkl_vring_avail *avail = host_ptr(q->avail);
	uint16_t idx, head;

	if (!q->ready || q->broken)
		return 0;
	/* Pairs with the driver's barrier before it publishes idx. */
	idx = le16_swap(__atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE));
	if (idx == q->last_avail)
		return 0;
	if ((uint16_t)(idx - q->last_avail) > q->num) {
		needs_reset(dev, q, "avail index jumped past the queue size");
		return -1;
	}
	head = lkl_virtio_get_le16(&avail->ring[q->last_avail % q->num]);
	q->last_avail++;
	req->head = head;
	if (walk_chain(q, head, req)) {
		needs_reset(dev, q, "malformed descriptor chain");
		return -1;
	}
	return 1;
}

void lkl_virtio_queue_push(struct virtio_queue *q, uint16_t head, uint32_t len)
{
	struct lkl_vring_used *used = host_ptr(q->used);
	struct lkl_vring_used_elem *e = &used->ring[q->used_idx % q->num];

	lkl_virtio_put_le32(&e->id, head);
	lkl_virtio_put_le32(&e->len, len);
	q->used_idx++;
	/* The element is visible before the index that publishes it. */
	__atomic_store_n(&used->idx, le16_swap(q->used_idx), __ATOMIC_RELEASE);
}

/* ---- Segments of a request ---- */

/* Skip off bytes: the index of the segment they end in, and where. */
static unsigned int iov_seek(const struct iovec *iov, unsigned int n,
			     size_t *off)
{
	unsigned int i = 0;

	while (i < n && *off >= iov[i].iov_len) {
		*off -= iov[i].iov_len;
		i++;
	}
	return i;
}

size_t lkl_virtio_iov_read(const struct iovec *iov, unsigned int n, size_t off,
			   void *buf, size_t len)
{
	unsigned int i = iov_seek(iov, n, &off);
	size_t done = 0, chunk;

	for (; i < n && done < len; i++, off = 0) {
		chunk = iov[i].iov_len - off;
		if (chunk > len - done)
			chunk = len - done;
		memcpy((char *)buf + done, (char *)iov[i].iov_base + off,
		       chunk);
		done += chunk;
	}
	return done;
}

size_t lkl_virtio_iov_write(const struct iovec *iov, unsigned int n, size_t off,
			    const void *buf, size_t len)
{
	unsigned int i = iov_seek(iov, n, &off);
	size_t done = 0, chunk;

	for (; i < n && done < len; i++, off = 0) {
		chunk = iov[i].iov_len - off;
		if (chunk > len - done)
			chunk = len - done;
		memcpy((char *)iov[i].iov_base + off,
		       (const char *)buf + done, chunk);
		done += chunk;
	}
	return done;
}

unsigned int lkl_virtio_iov_slice(const struct iovec *iov, unsigned int n,
				  size_t off, size_t len, struct iovec *out)
{
	unsigned int i = iov_seek(iov, n, &off), k = 0;
	size_t chunk;

	for (; i < n && len; i++, off = 0) {
		chunk = iov[i].iov_len - off;
		if (chunk > len)
			chunk = len;
		out[k].iov_base = (char *)iov[i].iov_base + off;
		out[k].iov_len = chunk;
		k++;
		len -= chunk;
	}
	return k;
}
