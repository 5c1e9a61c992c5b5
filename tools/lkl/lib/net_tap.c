/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TAP network backend: lkl_netdev_add_tap() (lkl_host.h).
 *
 * Frames go through a Linux TAP device of the host, opened through
 * /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR: every read() or
 * write() is one Ethernet frame after a virtio-net header of
 * LKL_NETDEV_HDR_LEN bytes (TUNSETVNETHDRSZ), the layout virtio_net.c
 * hands to backends, so frames pass through unchanged.  The host's kernel
 * honours the header of what we write (partial checksums, TSO frames of
 * up to 64 KiB): every transmit offload is carried.  What it may hand us
 * is what TUNSETOFFLOAD allows, set at boot from the receive offloads
 * the kernel accepted; until then (and without them) it checksums and
 * segments frames itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lkl_host.h>
/*
 * The host's TUN ioctls, from LKL's own copy of the uapi header rather
 * than the host's <linux/if_tun.h>: musl and other libcs ship without
 * kernel headers.  The numbers are the generic ioctl encoding, the same
 * for the hosts LKL builds for (x86, arm, arm64).
 */
#include <lkl/linux/if_tun.h>
#include <lkl/linux/virtio_net.h>

#include "posix-host.h"

#define TUN_PATH "/dev/net/tun"

struct tap_be {
	struct lkl_netdev_backend be;	/* first: freed through it */
};

static long tap_send(struct lkl_netdev_backend *be, const struct iovec *iov,
		     int cnt)
{
	ssize_t r;

	do {
		r = writev(be->fd, iov, cnt);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -LKL_EAGAIN : lkl_posix_errno(errno);
	return r;
}

static long tap_recv(struct lkl_netdev_backend *be, const struct iovec *iov,
		     int cnt)
{
	ssize_t r;

	do {
		r = readv(be->fd, iov, cnt);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -LKL_EAGAIN : lkl_posix_errno(errno);
	return r;
}

/* Let the host send us what the kernel accepted (TUNSETOFFLOAD). */
static int tap_set_offload(struct lkl_netdev_backend *be,
			   unsigned long long features)
{
	unsigned long tun = 0;

	if (features & (1ULL << LKL_VIRTIO_NET_F_GUEST_CSUM)) {
		tun |= LKL_TUN_F_CSUM;
		if (features & (1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4))
			tun |= LKL_TUN_F_TSO4;
		if (features & (1ULL << LKL_VIRTIO_NET_F_GUEST_TSO6))
			tun |= LKL_TUN_F_TSO6;
	}
	if (ioctl(be->fd, LKL_TUNSETOFFLOAD, tun) < 0)
		return lkl_posix_errno(errno);
	return 0;
}

static void tap_close(struct lkl_netdev_backend *be)
{
	close(be->fd);
	free(be);
}

/* An interface name the host accepts: 1..IFNAMSIZ-1 bytes, no '/' or space. */
static int check_name(const char *ifname)
{
	size_t len, i;

	if (!ifname)
		return -LKL_EINVAL;
	len = strnlen(ifname, IFNAMSIZ);
	if (len == 0 || len >= IFNAMSIZ)
		return -LKL_EINVAL;
	for (i = 0; i < len; i++)
		if (ifname[i] == '/' || ifname[i] == ':' ||
		    (unsigned char)ifname[i] <= ' ')
			return -LKL_EINVAL;
	return 0;
}

/* Attach @fd to TAP @ifname (created if absent) and set it up; 0 or -errno. */
static int tap_setup(int fd, const char *ifname)
{
	struct ifreq ifr;
	int hdr_len = LKL_NETDEV_HDR_LEN;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = LKL_IFF_TAP | LKL_IFF_NO_PI | LKL_IFF_VNET_HDR;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, LKL_TUNSETIFF, &ifr) < 0)
		return lkl_posix_errno(errno);
	if (ioctl(fd, LKL_TUNSETVNETHDRSZ, &hdr_len) < 0)
		return lkl_posix_errno(errno);
	/* None until the kernel has said what it accepts (tap_set_offload). */
	if (ioctl(fd, LKL_TUNSETOFFLOAD, 0UL) < 0)
		return lkl_posix_errno(errno);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return lkl_posix_errno(errno);
	return 0;
}

int lkl_netdev_add_tap(const char *ifname, const unsigned char mac[6],
		       unsigned int mtu, unsigned long long offload)
{
	struct tap_be *t;
	int fd, err, id;

	err = check_name(ifname);
	if (err)
		return err;
	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return lkl_posix_errno(errno);
	err = tap_setup(fd, ifname);
	if (err) {
		close(fd);
		return err;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return -LKL_ENOMEM;
	}
	t->be.fd = fd;
	t->be.offload = LKL_NETDEV_OFFLOAD_ALL;
	t->be.send = tap_send;
	t->be.recv = tap_recv;
	t->be.set_offload = tap_set_offload;
	t->be.close = tap_close;
	id = lkl_netdev_add(&t->be, mac, mtu, offload);
	if (id < 0)
		tap_close(&t->be);
	return id;
}
