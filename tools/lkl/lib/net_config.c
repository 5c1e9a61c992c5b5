// SPDX-License-Identifier: GPL-2.0
/*
 * Configuring the kernel's interfaces from the host program:
 * lkl_netdev_get_ifindex(), lkl_if_up/down(), lkl_if_set_ipv4(),
 * lkl_if_add_ipv6(), lkl_if_set_mtu() (lkl_host.h).
 *
 * All are the classic interface ioctls on a socket inside the kernel:
 * they need no netlink message building and cover what a first network
 * setup needs.  Interfaces are named by index, which stays valid when an
 * interface is renamed.
 */
#include <stdint.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/if.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/ipv6.h>
#include <lkl/linux/sockios.h>
#include <lkl/socket.h>

#include "virtio.h"

/* Interface indexes tried when looking for a MAC: the kernel's are small. */
#define IFINDEX_SCAN_MAX	4096

/* A socket of @family to make ioctls on, or -errno. */
static long ctl_socket(int family)
{
	return lkl_sys_socket(family, LKL_SOCK_DGRAM | LKL_SOCK_CLOEXEC, 0);
}

/* ioctl @cmd on a fresh socket of @family; 0 or -errno. */
static long sock_ioctl(int family, unsigned int cmd, void *arg)
{
	long fd = ctl_socket(family), r;

	if (fd < 0)
		return fd;
	r = lkl_sys_ioctl((unsigned int)fd, cmd, (unsigned long)arg);
	lkl_sys_close((unsigned int)fd);
	return r;
}

/* Fill ifr's name from @ifindex: 0 or -errno (-LKL_ENODEV). */
static long ifreq_by_index(int ifindex, struct lkl_ifreq *ifr)
{
	if (ifindex <= 0)
		return -LKL_EINVAL;
	memset(ifr, 0, sizeof(*ifr));
	ifr->lkl_ifr_ifindex = ifindex;
	return sock_ioctl(LKL_AF_INET, LKL_SIOCGIFNAME, ifr);
}

int lkl_netdev_get_ifindex(int id)
{
	struct lkl_ifreq ifr;
	unsigned char mac[6];
	long fd, r;
	int i, found = -LKL_ENODEV;

	r = lkl_virtio_net_mac(id, mac);
	if (r)
		return r == -LKL_EINVAL ? -LKL_ENODEV : (int)r;
	fd = ctl_socket(LKL_AF_INET);
	if (fd < 0)
		return (int)fd;
	/* Indexes may have holes: a missing one is -ENODEV, keep looking. */
	for (i = 1; i < IFINDEX_SCAN_MAX && found < 0; i++) {
		memset(&ifr, 0, sizeof(ifr));
		ifr.lkl_ifr_ifindex = i;
		if (lkl_sys_ioctl((unsigned int)fd, LKL_SIOCGIFNAME,
				  (unsigned long)&ifr) != 0)
			continue;
		if (lkl_sys_ioctl((unsigned int)fd, LKL_SIOCGIFHWADDR,
				  (unsigned long)&ifr) != 0)
			continue;
		if (!memcmp(ifr.lkl_ifr_hwaddr.sa_data, mac, sizeof(mac)))
			found = i;
	}
	lkl_sys_close((unsigned int)fd);
	return found;
}

static int set_flags(int ifindex, int set, int clear)
{
	struct lkl_ifreq ifr;
	long r;

	r = ifreq_by_index(ifindex, &ifr);
	if (r)
		return (int)r;
	r = sock_ioctl(LKL_AF_INET, LKL_SIOCGIFFLAGS, &ifr);
	if (r)
		return (int)r;
	ifr.lkl_ifr_flags = (short)((ifr.lkl_ifr_flags | set) & ~clear);
	return (int)sock_ioctl(LKL_AF_INET, LKL_SIOCSIFFLAGS, &ifr);
}

int lkl_if_up(int ifindex)
{
	return set_flags(ifindex, LKL_IFF_UP, 0);
}

int lkl_if_down(int ifindex)
{
	return set_flags(ifindex, 0, LKL_IFF_UP);
}

/* Put an IPv4 address into ifr's address union. */
static void put_sin(void *sa, unsigned int addr)
{
	struct lkl_sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_addr.s_addr = addr;
	memcpy(sa, &sin, sizeof(sin));
}

/* The netmask of a @len-bit prefix, in network byte order. */
static unsigned int prefix_mask(unsigned int len)
{
	uint32_t host = len ? ~0U << (32 - len) : 0;
	unsigned char b[4] = { (unsigned char)(host >> 24),
			       (unsigned char)(host >> 16),
			       (unsigned char)(host >> 8),
			       (unsigned char)host };
	unsigned int be;

	memcpy(&be, b, sizeof(be));
	return be;
}

int lkl_if_set_ipv4(int ifindex, unsigned int addr, unsigned int netmask_len)
{
	struct lkl_ifreq ifr;
	long r;

	if (netmask_len > 32)
		return -LKL_EINVAL;
	r = ifreq_by_index(ifindex, &ifr);
	if (r)
		return (int)r;
	put_sin(&ifr.lkl_ifr_addr, addr);
	r = sock_ioctl(LKL_AF_INET, LKL_SIOCSIFADDR, &ifr);
	if (r)
		return (int)r;
	put_sin(&ifr.lkl_ifr_netmask, prefix_mask(netmask_len));
	return (int)sock_ioctl(LKL_AF_INET, LKL_SIOCSIFNETMASK, &ifr);
}

int lkl_if_add_ipv6(int ifindex, const void *addr, unsigned int prefix_len)
{
	struct lkl_in6_ifreq req;

	if (!addr || prefix_len > 128 || ifindex <= 0)
		return -LKL_EINVAL;
	memset(&req, 0, sizeof(req));
	memcpy(&req.ifr6_addr, addr, sizeof(req.ifr6_addr));
	req.ifr6_prefixlen = prefix_len;
	req.ifr6_ifindex = ifindex;
	return (int)sock_ioctl(LKL_AF_INET6, LKL_SIOCSIFADDR, &req);
}

int lkl_if_set_mtu(int ifindex, unsigned int mtu)
{
	struct lkl_ifreq ifr;
	long r;

	if (mtu > 0x7fffffff)
		return -LKL_EINVAL;
	r = ifreq_by_index(ifindex, &ifr);
	if (r)
		return (int)r;
	ifr.lkl_ifr_mtu = (int)mtu;
	return (int)sock_ioctl(LKL_AF_INET, LKL_SIOCSIFMTU, &ifr);
}
