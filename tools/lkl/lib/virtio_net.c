/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net devices on the virtio-mmio transport: lkl_netdev_add(),
 * lkl_netdev_remove() (lkl_host.h).  A backend (struct
 * lkl_netdev_backend, e.g. net_pipe.c) carries the frames.
 *
 * Queue 0 receives, queue 1 transmits.  Offered: MAC, STATUS (the link is
 * always up), MTU and indirect descriptors.  No offloads yet (no CSUM,
 * GUEST_CSUM, TSO, MRG_RXBUF): every frame is whole and checksummed, and
 * the virtio-net header the driver sees on receive is all zero but for
 * num_buffers = 1.
 *
 * Each device has one host thread, started at DRIVER_OK and joined at
 * reset (the kernel resets every virtio device on lkl_sys_halt()).  It
 * poll()s the backend's fd and a wake pipe; the kernel's notify only
 * writes a byte into the wake pipe, so the kernel's CPU never waits for
 * host I/O.  The thread receives only when it holds a receive buffer, so
 * a kernel that does not keep up pushes back on the backend instead of
 * losing frames; it sends without blocking and waits for POLLOUT when
 * the backend is full.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lkl_host.h>
#include <lkl/linux/virtio_ids.h>
#include <lkl/linux/virtio_net.h>
#include <lkl/linux/virtio_ring.h>

#include "virtio.h"

#define QUEUE_SIZE	256
#define RX_QUEUE	0
#define TX_QUEUE	1
/* Frames received before the driver is interrupted, at most. */
#define RX_BATCH	64
/* The driver's minimum is 68; the largest an IPv4 datagram allows. */
#define MTU_MIN		68
#define MTU_MAX		65535

struct net_dev {
	struct virtio_dev vdev;		/* first: see to_net() */
	struct virtio_queue queues[2];
	struct lkl_virtio_net_config config;
	struct lkl_netdev_backend *be;
	int id;
	char name[16];
	unsigned char mac[6];

	int wake[2];			/* the thread's wake pipe */
	int stop;			/* atomic */
	int running;			/* changed on the kernel's CPU */
	pthread_t thread;
	int be_dead;			/* the backend hung up */

	/* The thread's state: requests held across poll()s. */
	struct virtio_req rx, tx;
	int have_rx, have_tx;
	unsigned long rx_dropped, tx_dropped;
};

static pthread_mutex_t netdevs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct net_dev *netdevs[LKL_NETDEV_MAX];

static struct net_dev *to_net(struct virtio_dev *vdev)
{
	return (struct net_dev *)vdev;
}

static int stopping(struct net_dev *n)
{
	return __atomic_load_n(&n->stop, __ATOMIC_ACQUIRE);
}

/* ---- Transmit ---- */

/*
 * Send the held TX request.  Returns 1 when it is done with (sent or
 * dropped), 0 when the backend is full.
 */
static int tx_one(struct net_dev *n)
{
	struct virtio_req *r = &n->tx;
	long ret;

	if (r->out_len < LKL_NETDEV_HDR_LEN || n->be_dead) {
		n->tx_dropped++;
		return 1;
	}
	ret = n->be->send(n->be, r->iov, (int)r->n_out);
	if (ret == -LKL_EAGAIN)
		return 0;
	/* A frame the backend refuses is lost, as on a wire. */
	if (ret < 0)
		n->tx_dropped++;
	return 1;
}

/* Send what the driver queued; returns whether any request completed. */
static int serve_tx(struct net_dev *n, int *blocked)
{
	int done = 0, r;

	*blocked = 0;
	while (!stopping(n)) {
		if (!n->have_tx) {
			r = lkl_virtio_queue_pop(&n->vdev, &n->queues[TX_QUEUE],
						 &n->tx);
			if (r <= 0)
				break;
			n->have_tx = 1;
		}
		if (!tx_one(n)) {
			*blocked = 1;
			break;
		}
		lkl_virtio_queue_push(&n->queues[TX_QUEUE], n->tx.head, 0);
		n->have_tx = 0;
		done = 1;
	}
	return done;
}

/* ---- Receive ---- */

/*
 * The header the driver gets: without offloads a frame must arrive
 * whole and checksummed.  Returns 0, or -1 to drop a frame the peer
 * sent with offloads we did not negotiate.
 */
static int fix_rx_hdr(struct virtio_req *r)
{
	unsigned char hdr[LKL_NETDEV_HDR_LEN];
	const struct iovec *in = r->iov + r->n_out;

	lkl_virtio_iov_read(in, r->n_in, 0, hdr, sizeof(hdr));
	if ((hdr[0] & LKL_VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    (hdr[1] & ~LKL_VIRTIO_NET_HDR_GSO_ECN) != LKL_VIRTIO_NET_HDR_GSO_NONE)
		return -1;
	memset(hdr, 0, sizeof(hdr));
	lkl_virtio_put_le16(hdr + 10, 1);	/* num_buffers */
	lkl_virtio_iov_write(in, r->n_in, 0, hdr, sizeof(hdr));
	return 0;
}

/*
 * Receive one frame into the held RX request.  Returns 1 when the
 * request was completed, 0 when nothing is waiting, -1 when a frame was
 * dropped (the request is kept for the next one).
 */
static int rx_one(struct net_dev *n)
{
	struct virtio_req *r = &n->rx;
	long len;

	len = n->be->recv(n->be, r->iov + r->n_out, (int)r->n_in);
	if (len == -LKL_EAGAIN)
		return 0;
	if (len == 0) {
		/* End of file: the peer is gone; stop polling its fd. */
		n->be_dead = 1;
		return 0;
	}
	if (len < LKL_NETDEV_HDR_LEN || (size_t)len > r->in_len ||
	    fix_rx_hdr(r)) {
		n->rx_dropped++;
		return -1;
	}
	lkl_virtio_queue_push(&n->queues[RX_QUEUE], r->head, (uint32_t)len);
	n->have_rx = 0;
	return 1;
}

/*
 * Receive while there are frames and buffers, interrupting every
 * RX_BATCH frames.  Returns whether a completion is still unannounced;
 * *starved is set when the driver gave no buffer.
 */
static int serve_rx(struct net_dev *n, int *starved)
{
	int pending = 0, r;

	*starved = 0;
	while (!stopping(n) && !n->be_dead) {
		if (!n->have_rx) {
			r = lkl_virtio_queue_pop(&n->vdev, &n->queues[RX_QUEUE],
						 &n->rx);
			if (r <= 0) {
				*starved = 1;
				break;
			}
			/* Too small for a header: give it back unused. */
			if (n->rx.in_len < LKL_NETDEV_HDR_LEN) {
				lkl_virtio_queue_push(&n->queues[RX_QUEUE],
						      n->rx.head, 0);
				pending++;
				continue;
			}
			n->have_rx = 1;
		}
		r = rx_one(n);
		if (r == 0)
			break;
		if (r > 0 && ++pending >= RX_BATCH) {
			lkl_virtio_dev_interrupt(&n->vdev);
			pending = 0;
		}
	}
	return pending > 0;
}

/* ---- The device thread ---- */

static void drain_wake(struct net_dev *n)
{
	char buf[64];

	while (read(n->wake[0], buf, sizeof(buf)) > 0)
		;
}

/* Sleep until the backend or a kick needs us. */
static void wait_events(struct net_dev *n, int want_rx, int want_tx)
{
	struct pollfd p[2];
	nfds_t np = 1;

	p[0].fd = n->wake[0];
	p[0].events = POLLIN;
	if (!n->be_dead && (want_rx || want_tx)) {
		p[1].fd = n->be->fd;
		p[1].events = (short)((want_rx ? POLLIN : 0) |
				      (want_tx ? POLLOUT : 0));
		np = 2;
	}
	if (poll(p, np, -1) < 0 && errno != EINTR)
		lkl_virtio_log(&n->vdev, "poll: %s", strerror(errno));
}

static void *net_thread(void *arg)
{
	struct net_dev *n = arg;
	int tx_blocked, rx_starved, irq;

	while (!stopping(n)) {
		drain_wake(n);
		irq = serve_tx(n, &tx_blocked);
		irq |= serve_rx(n, &rx_starved);
		if (irq)
			lkl_virtio_dev_interrupt(&n->vdev);
		if (stopping(n))
			break;
		wait_events(n, !rx_starved, tx_blocked);
	}
	return NULL;
}

static void kick(struct net_dev *n)
{
	char c = 0;

	/* A full pipe already holds a wake-up: nothing is lost. */
	if (write(n->wake[1], &c, 1) < 0 && errno != EAGAIN)
		lkl_virtio_log(&n->vdev, "wake: %s", strerror(errno));
}

static void net_start(struct virtio_dev *vdev)
{
	struct net_dev *n = to_net(vdev);
	int err;

	if (n->running)
		return;
	__atomic_store_n(&n->stop, 0, __ATOMIC_RELEASE);
	n->have_rx = n->have_tx = 0;
	drain_wake(n);
	err = lkl_posix_thread_start(&n->thread, net_thread, n);
	if (err) {
		/* Unlike a disk, a NIC cannot be served from the notify. */
		lkl_virtio_log(vdev, "no device thread (%s): the link is dead",
			       strerror(err));
		return;
	}
	n->running = 1;
}

static void net_notify(struct virtio_dev *vdev, unsigned int q)
{
	struct net_dev *n = to_net(vdev);

	(void)q;
	if (n->running)
		kick(n);
}

/* Stop and join the thread: the rings must be left alone after this. */
static void net_reset(struct virtio_dev *vdev)
{
	struct net_dev *n = to_net(vdev);

	if (!n->running)
		return;
	__atomic_store_n(&n->stop, 1, __ATOMIC_RELEASE);
	kick(n);
	pthread_join(n->thread, NULL);
	n->running = 0;
	n->have_rx = n->have_tx = 0;
}

static const struct virtio_dev_ops net_ops = {
	.notify = net_notify,
	.start = net_start,
	.reset = net_reset,
};

/* ---- Adding and removing ---- */

static void setup_config(struct net_dev *n, unsigned int mtu)
{
	struct lkl_virtio_net_config *c = &n->config;

	memcpy(c->mac, n->mac, sizeof(c->mac));
	lkl_virtio_put_le16(&c->status, LKL_VIRTIO_NET_S_LINK_UP);
	lkl_virtio_put_le16(&c->max_virtqueue_pairs, 1);
	lkl_virtio_put_le16(&c->mtu, (uint16_t)mtu);
	n->queues[RX_QUEUE].num_max = QUEUE_SIZE;
	n->queues[TX_QUEUE].num_max = QUEUE_SIZE;
	n->vdev.device_id = LKL_VIRTIO_ID_NET;
	n->vdev.features = 1ULL << LKL_VIRTIO_NET_F_MAC |
			   1ULL << LKL_VIRTIO_NET_F_STATUS |
			   1ULL << LKL_VIRTIO_NET_F_MTU |
			   1ULL << LKL_VIRTIO_RING_F_INDIRECT_DESC;
	n->vdev.config = c;
	n->vdev.config_len = sizeof(*c);
	n->vdev.queues = n->queues;
	n->vdev.num_queues = 2;
	n->vdev.ops = &net_ops;
	n->vdev.name = n->name;
}

static void free_net(struct net_dev *n)
{
	if (n->wake[0] >= 0)
		close(n->wake[0]);
	if (n->wake[1] >= 0)
		close(n->wake[1]);
	free(n);
}

static struct net_dev *alloc_net(void)
{
	struct net_dev *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	if (pipe2(n->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(n);
		return NULL;
	}
	return n;
}

/* Take a free id and register; netdevs_lock held. */
static int register_net(struct net_dev *n, unsigned int mtu)
{
	int id, err;

	for (id = 0; id < LKL_NETDEV_MAX; id++)
		if (!netdevs[id])
			break;
	if (id == LKL_NETDEV_MAX)
		return -LKL_ENOSPC;
	n->id = id;
	snprintf(n->name, sizeof(n->name), "net%d", id);
	setup_config(n, mtu);
	err = lkl_virtio_dev_register(&n->vdev);
	if (err)
		return err;
	netdevs[id] = n;
	return id;
}

static int check_args(const struct lkl_netdev_backend *be,
		      const unsigned char mac[6], unsigned int mtu)
{
	if (!be || !be->send || !be->recv || !be->close || be->fd < 0)
		return -LKL_EINVAL;
	if (!mac || (mac[0] & 1))	/* a multicast MAC is no NIC's */
		return -LKL_EINVAL;
	if (mtu && (mtu < MTU_MIN || mtu > MTU_MAX))
		return -LKL_EINVAL;
	return 0;
}

int lkl_netdev_add(struct lkl_netdev_backend *be, const unsigned char mac[6],
		   unsigned int mtu)
{
	struct net_dev *n;
	int ret;

	ret = check_args(be, mac, mtu);
	if (ret)
		return ret;
	if (lkl_is_running())
		return -LKL_EBUSY;
	n = alloc_net();
	if (!n)
		return -LKL_ENOMEM;
	n->be = be;
	memcpy(n->mac, mac, sizeof(n->mac));
	pthread_mutex_lock(&netdevs_lock);
	ret = register_net(n, mtu ? mtu : 1500);
	pthread_mutex_unlock(&netdevs_lock);
	if (ret < 0)
		free_net(n);
	return ret;
}

int lkl_netdev_remove(int id)
{
	struct net_dev *n;

	if (id < 0 || id >= LKL_NETDEV_MAX)
		return -LKL_EINVAL;
	if (lkl_is_running())
		return -LKL_EBUSY;
	pthread_mutex_lock(&netdevs_lock);
	n = netdevs[id];
	netdevs[id] = NULL;
	pthread_mutex_unlock(&netdevs_lock);
	if (!n)
		return -LKL_ENODEV;
	net_reset(&n->vdev);
	lkl_virtio_dev_unregister(&n->vdev);
	n->be->close(n->be);
	free_net(n);
	return 0;
}

int lkl_virtio_net_mac(int id, unsigned char mac[6])
{
	int err = -LKL_ENODEV;

	if (id < 0 || id >= LKL_NETDEV_MAX)
		return -LKL_EINVAL;
	pthread_mutex_lock(&netdevs_lock);
	if (netdevs[id]) {
		memcpy(mac, netdevs[id]->mac, 6);
		err = 0;
	}
	pthread_mutex_unlock(&netdevs_lock);
	return err;
}
