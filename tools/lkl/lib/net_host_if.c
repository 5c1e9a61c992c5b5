// SPDX-License-Identifier: GPL-2.0
/*
 * What the network backends on host interfaces share (net_host_if.h):
 * the interface-name check, and the backend on a TUN-style fd that the
 * TAP (/dev/net/tun) and macvtap (/dev/tapN) backends both are.
 *
 * Such an fd, with IFF_VNET_HDR and TUNSETVNETHDRSZ set to
 * LKL_NETDEV_HDR_LEN, reads and writes one Ethernet frame after the very
 * virtio-net header virtio_net.c hands to backends, so frames pass
 * through unchanged.  The host's kernel honours the header of what we
 * write (partial checksums, TSO frames of up to 64 KiB): every transmit
 * offload is carried.  What it may hand us is what TUNSETOFFLOAD allows,
 * set at boot from the receive offloads the kernel accepted; until then
 * (and without them) it checksums and segments frames itself.
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

#include "net_host_if.h"

int lkl_net_check_ifname(const char *ifname)
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

static long tun_send(struct lkl_netdev_backend *be, const struct iovec *iov,
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

static long tun_recv(struct lkl_netdev_backend *be, const struct iovec *iov,
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
static int tun_set_offload(struct lkl_netdev_backend *be,
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

static void tun_close(struct lkl_netdev_backend *be)
{
	close(be->fd);
	free(be);
}

int lkl_tun_setup(int fd, const char *ifname)
{
	struct ifreq ifr;
	int hdr_len = LKL_NETDEV_HDR_LEN;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = LKL_IFF_TAP | LKL_IFF_NO_PI | LKL_IFF_VNET_HDR;
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	if (ioctl(fd, LKL_TUNSETIFF, &ifr) < 0)
		return lkl_posix_errno(errno);
	if (ioctl(fd, LKL_TUNSETVNETHDRSZ, &hdr_len) < 0)
		return lkl_posix_errno(errno);
	/* None until the kernel has said what it accepts (tun_set_offload). */
	if (ioctl(fd, LKL_TUNSETOFFLOAD, 0UL) < 0)
		return lkl_posix_errno(errno);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return lkl_posix_errno(errno);
	return 0;
}

int lkl_tun_netdev_add(int fd, const unsigned char mac[6], unsigned int mtu,
		       unsigned long long offload)
{
	struct lkl_netdev_backend *be;
	int id;

	be = calloc(1, sizeof(*be));
	if (!be) {
		close(fd);
		return -LKL_ENOMEM;
	}
	be->fd = fd;
	be->offload = LKL_NETDEV_OFFLOAD_ALL;
	be->send = tun_send;
	be->recv = tun_recv;
	be->set_offload = tun_set_offload;
	be->close = tun_close;
	id = lkl_netdev_add(be, mac, mtu, offload);
	if (id < 0)
		tun_close(be);
	return id;
}
