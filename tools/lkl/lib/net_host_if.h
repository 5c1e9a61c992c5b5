/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the host library: what the network backends on host
 * interfaces share (net_tap.c, net_macvtap.c, net_raw.c).  Not installed.
 */
#ifndef _LKL_NET_HOST_IF_H
#define _LKL_NET_HOST_IF_H

#include "posix-host.h"

/*
 * Whether @ifname is a name the host accepts for an interface: 1 to
 * IFNAMSIZ - 1 bytes, no '/', ':' or blanks.  0 or -LKL_EINVAL.
 */
LKL_POSIX_HIDDEN int lkl_net_check_ifname(const char *ifname);

/*
 * Set up @fd, an open /dev/net/tun or macvtap /dev/tapN, for the device:
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (TUNSETIFF with @ifname, which a
 * macvtap ignores; "" lets /dev/net/tun pick one), a virtio-net header of
 * LKL_NETDEV_HDR_LEN bytes, no receive offload until the kernel accepts
 * some (the backend's set_offload), non-blocking.  0 or -errno.
 */
LKL_POSIX_HIDDEN int lkl_tun_setup(int fd, const char *ifname);

/*
 * Give the kernel a network device whose frames are read() and write()n
 * on @fd, set up by lkl_tun_setup(): every offload is carried, the
 * receive ones mapped to TUNSETOFFLOAD at boot.  @fd is the device's from
 * now on, closed on failure too.  The id or lkl_netdev_add()'s errors.
 */
LKL_POSIX_HIDDEN int lkl_tun_netdev_add(int fd, const unsigned char mac[6],
					unsigned int mtu,
					unsigned long long offload);

#endif /* _LKL_NET_HOST_IF_H */
