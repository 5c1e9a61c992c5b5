// SPDX-License-Identifier: GPL-2.0
/*
 * The TAP network backend: lkl_netdev_add_tap() (lkl_host.h).
 *
 * Frames go through a Linux TAP device of the host, opened through
 * /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR; the backend on
 * that fd, and what it does with offloads, is net_host_if.c's (the
 * macvtap backend shares it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <lkl_host.h>

#include "net_host_if.h"

#define TUN_PATH "/dev/net/tun"

int lkl_netdev_add_tap(const char *ifname, const unsigned char mac[6],
		       unsigned int mtu, unsigned long long offload)
{
	int fd, err;

	err = lkl_net_check_ifname(ifname);
	if (err)
		return err;
	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return lkl_posix_errno(errno);
	err = lkl_tun_setup(fd, ifname);
	if (err) {
		close(fd);
		return err;
	}
	return lkl_tun_netdev_add(fd, mac, mtu, offload);
}
