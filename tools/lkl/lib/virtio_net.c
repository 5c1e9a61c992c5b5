// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net devices on the virtio-mmio transport: lkl_netdev_add(),
 * lkl_netdev_remove() (lkl_host.h).  A backend (struct
 * lkl_netdev_backend, e.g. net_pipe.c) carries the frames.
 *
 * Queue 0 receives, queue 1 transmits.  Offered: MAC, STATUS (the link is
 * always up), MTU, indirect descriptors, and the offloads asked for that
 * the backend can carry (lkl_host.h).  The virtio-net header passes
 * through unchanged on transmit: a TSO frame of up to 64 KiB goes to the
 * backend whole, for the host's kernel (TAP) or the peer to cut.  On
 * receive the header is checked against what the driver accepted: a
 * partial checksum it did not accept is filled in here, a large segment
 * it did not accept is dropped (counted), so no frame reaches the kernel
 * in a form it would misread.
 *
 * With MRG_RXBUF the driver posts small buffers and a frame may fill
 * several (num_buffers in the first one's header): the thread holds
 * enough of them to cover the largest frame before it reads one, then
 * gives back those the frame used, in order.  Without it a frame must
 * fit the one buffer it is read into (the driver posts 64 KiB ones when
 * it accepted GUEST_TSO).
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
/* Ethernet and VLAN headers around the MTU. */
#define ETH_OVERHEAD	18
/* The largest frame with GUEST_TSO: a 64 KiB GSO packet and its headers. */
#define GSO_FRAME_MAX	(65536 + ETH_OVERHEAD)
/* Receive buffers held at once with MRG_RXBUF (the driver's are >= 1518 bytes). */
#define RX_HELD_MAX	64
/* Segments one readv() may take (the kernel's UIO_MAXIOV). */
#define RX_IOV_MAX	1024

#define F(bit)		(1ULL << LKL_VIRTIO_NET_F_##bit)
#define GUEST_GSO	(F(GUEST_TSO4) | F(GUEST_TSO6))

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

	/* Negotiated at DRIVER_OK. */
	int mrg;			/* MRG_RXBUF */
	size_t rx_need;			/* bytes of buffers a frame may need */

	/*
	 * The thread's state: requests held across poll()s.  Receive
	 * buffers are a ring of up to RX_HELD_MAX (one without MRG_RXBUF).
	 */
	struct virtio_req *rx;
	unsigned int rx_first, rx_held;
	struct iovec rx_iov[RX_IOV_MAX];
	struct virtio_req tx;
	int have_tx;
	unsigned long rx_dropped, tx_dropped, rx_csum_fixed;
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

/* The ones' complement sum of bytes [off, off + len) of the segments. */
static uint32_t iov_csum(const struct iovec *iov, unsigned int n, size_t off,
			 size_t len)
{
	uint32_t sum = 0;
	size_t pos = 0;		/* bytes summed: even ones are high bytes */
	unsigned int i;

	for (i = 0; i < n && len; i++) {
		const unsigned char *p = iov[i].iov_base;
		size_t l = iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		p += off;
		l -= off;
		off = 0;
		if (l > len)
			l = len;
		len -= l;
		while (l--) {
			sum += (pos++ & 1) ? *p : (uint32_t)*p << 8;
			p++;
		}
		sum = (sum & 0xffff) + (sum >> 16);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * Fill in a partial checksum the driver did not accept: the field
 * already holds the pseudo-header's sum, so the checksum is the
 * complement of the sum from csum_start to the end.  Returns 0, or -1
 * for offsets outside the frame.
 */
static int fill_csum(const struct iovec *iov, unsigned int n, size_t len,
		     const unsigned char *hdr)
{
	size_t start = lkl_virtio_get_le16(hdr + 6);
	size_t field = start + lkl_virtio_get_le16(hdr + 8);
	unsigned char c[2] = { 0, 0 };
	uint16_t sum;

	if (start >= len || field + 2 > len)
		return -1;
	sum = (uint16_t)~iov_csum(iov, n, LKL_NETDEV_HDR_LEN + start,
				  len - start);
	c[0] = (unsigned char)(sum >> 8);
	c[1] = (unsigned char)sum;
	lkl_virtio_iov_write(iov, n, LKL_NETDEV_HDR_LEN + field, c, 2);
	return 0;
}

/*
 * Make the header of a frame of @len bytes (header included) fit what
 * the driver accepted, and say it fills @nbufs buffers.  Returns 0, or
 * -1 to drop the frame.
 */
static int fix_rx_hdr(struct net_dev *n, const struct iovec *iov,
		      unsigned int cnt, size_t len, unsigned int nbufs)
{
	unsigned char hdr[LKL_NETDEV_HDR_LEN];
	const struct virtio_dev *v = &n->vdev;
	unsigned int gso;

	lkl_virtio_iov_read(iov, cnt, 0, hdr, sizeof(hdr));
	gso = hdr[1];
	if (gso != LKL_VIRTIO_NET_HDR_GSO_NONE &&
	    !((gso == LKL_VIRTIO_NET_HDR_GSO_TCPV4 &&
	       lkl_virtio_has_feature(v, LKL_VIRTIO_NET_F_GUEST_TSO4)) ||
	      (gso == LKL_VIRTIO_NET_HDR_GSO_TCPV6 &&
	       lkl_virtio_has_feature(v, LKL_VIRTIO_NET_F_GUEST_TSO6))))
		return -1;
	if (!lkl_virtio_has_feature(v, LKL_VIRTIO_NET_F_GUEST_CSUM)) {
		if (hdr[0] & LKL_VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			if (fill_csum(iov, cnt, len - LKL_NETDEV_HDR_LEN, hdr))
				return -1;
			n->rx_csum_fixed++;
		}
		/* DATA_VALID, and nothing else, is for GUEST_CSUM. */
		hdr[0] = 0;
	}
	hdr[0] &= LKL_VIRTIO_NET_HDR_F_NEEDS_CSUM |
		  LKL_VIRTIO_NET_HDR_F_DATA_VALID;
	lkl_virtio_put_le16(hdr + 10, (uint16_t)nbufs);	/* num_buffers */
	lkl_virtio_iov_write(iov, cnt, 0, hdr, sizeof(hdr));
	return 0;
}

static struct virtio_req *held(struct net_dev *n, unsigned int i)
{
	return &n->rx[(n->rx_first + i) % RX_HELD_MAX];
}

/*
 * Take receive buffers until the held ones cover the largest frame (one
 * buffer without MRG_RXBUF).  Returns 1 when they do, 0 when the driver
 * has no more (*pending counts buffers given back unused).
 */
static int rx_fill(struct net_dev *n, int *pending)
{
	unsigned int max = n->mrg ? RX_HELD_MAX : 1;
	size_t have = 0;
	unsigned int i;
	int r;

	for (i = 0; i < n->rx_held; i++)
		have += held(n, i)->in_len;
	while (n->rx_held < max && (!n->rx_held || have < n->rx_need)) {
		struct virtio_req *q = held(n, n->rx_held);

		r = lkl_virtio_queue_pop(&n->vdev, &n->queues[RX_QUEUE], q);
		if (r <= 0)
			return 0;
		/* Too small for a header: give it back unused. */
		if (q->in_len < LKL_NETDEV_HDR_LEN || q->n_out) {
			lkl_virtio_queue_push(&n->queues[RX_QUEUE], q->head, 0);
			(*pending)++;
			continue;
		}
		n->rx_held++;
		have += q->in_len;
	}
	return 1;
}

/* The held buffers' segments, in order, in n->rx_iov; their count. */
static unsigned int rx_iovs(struct net_dev *n, unsigned int *nreq)
{
	unsigned int cnt = 0, i, k;

	for (i = 0; i < n->rx_held; i++) {
		struct virtio_req *q = held(n, i);

		if (cnt + q->n_in > RX_IOV_MAX)
			break;
		for (k = 0; k < q->n_in; k++)
			n->rx_iov[cnt++] = q->iov[q->n_out + k];
	}
	*nreq = i;
	return cnt;
}

/*
 * Receive one frame into the held buffers.  Returns 1 when it was given
 * to the driver, 0 when nothing is waiting, -1 when a frame was dropped
 * (the buffers are kept for the next one).
 */
static int rx_one(struct net_dev *n)
{
	unsigned int cnt, nreq, used;
	size_t room = 0, left;
	long len;

	cnt = rx_iovs(n, &nreq);
	for (used = 0; used < nreq; used++)
		room += held(n, used)->in_len;
	len = n->be->recv(n->be, n->rx_iov, (int)cnt);
	if (len == -LKL_EAGAIN)
		return 0;
	if (len == 0) {
		/* End of file: the peer is gone; stop polling its fd. */
		n->be_dead = 1;
		return 0;
	}
	if (len < LKL_NETDEV_HDR_LEN || (size_t)len > room) {
		n->rx_dropped++;
		return -1;
	}
	/* The buffers the frame fills, then the header that says so. */
	for (used = 0, left = (size_t)len; left; used++)
		left -= left < held(n, used)->in_len ?
			left : held(n, used)->in_len;
	if (fix_rx_hdr(n, n->rx_iov, cnt, (size_t)len, used)) {
		n->rx_dropped++;
		return -1;
	}
	for (left = (size_t)len; used; used--) {
		struct virtio_req *q = held(n, 0);
		size_t l = left < q->in_len ? left : q->in_len;

		lkl_virtio_queue_push(&n->queues[RX_QUEUE], q->head,
				      (uint32_t)l);
		left -= l;
		n->rx_first = (n->rx_first + 1) % RX_HELD_MAX;
		n->rx_held--;
	}
	return 1;
}

/*
 * Receive while there are frames and buffers, interrupting every
 * RX_BATCH frames.  Returns whether a completion is still unannounced;
 * *starved is set when the driver gave too few buffers.
 */
static int serve_rx(struct net_dev *n, int *starved)
{
	int pending = 0, r;

	*starved = 0;
	while (!stopping(n) && !n->be_dead) {
		if (!rx_fill(n, &pending)) {
			*starved = 1;
			break;
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

/* What a frame may need once the driver chose its features. */
static void apply_features(struct net_dev *n)
{
	unsigned long long f = n->vdev.driver_features & LKL_NETDEV_OFFLOAD_ALL;
	size_t mtu = lkl_virtio_get_le16(&n->config.mtu);
	int err;

	n->mrg = lkl_virtio_has_feature(&n->vdev, LKL_VIRTIO_NET_F_MRG_RXBUF);
	n->rx_need = LKL_NETDEV_HDR_LEN +
		     (f & GUEST_GSO ? GSO_FRAME_MAX : mtu + ETH_OVERHEAD);
	if (!n->be->set_offload)
		return;
	err = n->be->set_offload(n->be, f);
	if (err)
		lkl_virtio_log(&n->vdev, "backend refused offloads %#llx: %s",
			       f, strerror(-err));
}

static void net_start(struct virtio_dev *vdev)
{
	struct net_dev *n = to_net(vdev);
	int err;

	if (n->running)
		return;
	__atomic_store_n(&n->stop, 0, __ATOMIC_RELEASE);
	n->rx_first = n->rx_held = 0;
	n->have_tx = 0;
	apply_features(n);
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
	n->rx_held = 0;
	n->have_tx = 0;
}

static const struct virtio_dev_ops net_ops = {
	.notify = net_notify,
	.start = net_start,
	.reset = net_reset,
};

/* ---- Adding and removing ---- */

static void setup_config(struct net_dev *n, unsigned int mtu,
			 unsigned long long offload)
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
			   1ULL << LKL_VIRTIO_RING_F_INDIRECT_DESC |
			   offload;
	n->vdev.config = c;
	n->vdev.config_len = sizeof(*c);
	n->vdev.queues = n->queues;
	n->vdev.num_queues = 2;
	n->vdev.ops = &net_ops;
	n->vdev.name = n->name;
}

static void free_net(struct net_dev *n)
{
	free(n->rx);
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
	n->rx = calloc(RX_HELD_MAX, sizeof(*n->rx));
	if (!n->rx || pipe2(n->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(n->rx);
		free(n);
		return NULL;
	}
	return n;
}

/* Take a free id and register; netdevs_lock held. */
static int register_net(struct net_dev *n, unsigned int mtu,
			unsigned long long offload)
{
	int id, err;

	for (id = 0; id < LKL_NETDEV_MAX; id++)
		if (!netdevs[id])
			break;
	if (id == LKL_NETDEV_MAX)
		return -LKL_ENOSPC;
	n->id = id;
	snprintf(n->name, sizeof(n->name), "net%d", id);
	setup_config(n, mtu, offload);
	err = lkl_virtio_dev_register(&n->vdev);
	if (err)
		return err;
	netdevs[id] = n;
	return id;
}

static int check_args(const struct lkl_netdev_backend *be,
		      const unsigned char mac[6], unsigned int mtu,
		      unsigned long long offload)
{
	if (!be || !be->send || !be->recv || !be->close || be->fd < 0)
		return -LKL_EINVAL;
	if (offload & ~LKL_NETDEV_OFFLOAD_ALL)
		return -LKL_EINVAL;
	/* As the driver: no segmentation without checksum offload. */
	if ((offload & (F(HOST_TSO4) | F(HOST_TSO6)) && !(offload & F(CSUM))) ||
	    (offload & GUEST_GSO && !(offload & F(GUEST_CSUM))))
		return -LKL_EINVAL;
	if (!mac || (mac[0] & 1))	/* a multicast MAC is no NIC's */
		return -LKL_EINVAL;
	if (mtu && (mtu < MTU_MIN || mtu > MTU_MAX))
		return -LKL_EINVAL;
	return 0;
}

/*
 * The offloads @be can carry of those asked for (one that depends on a
 * dropped one goes with it).
 */
static unsigned long long carried(const struct lkl_netdev_backend *be,
				  unsigned long long offload)
{
	unsigned long long f = offload & be->offload;

	if (!(f & F(CSUM)))
		f &= ~(F(HOST_TSO4) | F(HOST_TSO6));
	if (!(f & F(GUEST_CSUM)))
		f &= ~GUEST_GSO;
	return f;
}

int lkl_netdev_add(struct lkl_netdev_backend *be, const unsigned char mac[6],
		   unsigned int mtu, unsigned long long offload)
{
	struct net_dev *n;
	int ret;

	ret = check_args(be, mac, mtu, offload);
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
	ret = register_net(n, mtu ? mtu : 1500, carried(be, offload));
	pthread_mutex_unlock(&netdevs_lock);
	if (ret < 0)
		free_net(n);
	else if (carried(be, offload) != offload)
		lkl_virtio_log(&n->vdev,
			       "the backend cannot carry offloads %#llx: dropped",
			       offload & ~carried(be, offload));
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
