// SPDX-License-Identifier: GPL-2.0
/*
 * The macvtap network backend: lkl_netdev_add_macvtap() (lkl_host.h).
 *
 * A macvtap interface (`ip link add link eth0 name mvt0 type macvtap`)
 * is a MAC address of its own on a host interface, whose frames a
 * program reads and writes on the character device /dev/tap<ifindex>.
 * That device takes the TAP's ioctls and framing, so the backend on it
 * is net_host_if.c's, offloads included.  The lower interface hands the
 * macvtap the frames addressed to the macvtap's MAC only: the macvtap is
 * given LKL's MAC (SIOCSIFHWADDR on the device) when it has another.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <lkl_host.h>
/* Ioctl numbers and ARPHRD_ETHER from LKL's headers, as net_host_if.c. */
#include <lkl/linux/if_arp.h>
#include <lkl/linux/sockios.h>

#include "net_host_if.h"

/* /dev/net/tun (misc 10:200): a TAP made there is not a macvtap. */
#define TUN_MAJOR	10
#define TUN_MINOR	200

/* Read the first line of sysfs file @path into @buf: 0 or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lkl_posix_errno(errno);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return lkl_posix_errno(errno);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/*
 * The device node of macvtap interface @ifname, /dev/tap<ifindex>, in
 * @path, and the device number it must have in *@dev.  Returns 0,
 * -LKL_EINVAL (a bad name, or not a macvtap), -LKL_ENODEV (no such
 * interface).
 */
static int find_node(const char *ifname, char *path, size_t size, dev_t *dev)
{
	char file[128], line[32];
	unsigned int maj, min;
	int ifindex, err;

	err = lkl_net_check_ifname(ifname);
	if (err)
		return err;
	snprintf(file, sizeof(file), "/sys/class/net/%s/ifindex", ifname);
	err = read_line(file, line, sizeof(line));
	if (err)
		return err == -LKL_ENOENT ? -LKL_ENODEV : err;
	if (sscanf(line, "%d", &ifindex) != 1 || ifindex <= 0)
		return -LKL_EIO;
	snprintf(file, sizeof(file), "/sys/class/net/%s/macvtap/tap%d/dev",
		 ifname, ifindex);
	err = read_line(file, line, sizeof(line));
	if (err)
		return err == -LKL_ENOENT ? -LKL_EINVAL : err;
	if (sscanf(line, "%u:%u", &maj, &min) != 2)
		return -LKL_EIO;
	*dev = makedev(maj, min);
	snprintf(path, size, "/dev/tap%d", ifindex);
	return 0;
}

/*
 * Whether open @fd is a macvtap device (of number @dev, unless 0): 0,
 * -LKL_EINVAL (not a character device, or /dev/net/tun), -LKL_ENXIO (a
 * device of another number: /dev/tap<ifindex> is another namespace's
 * interface of that ifindex).
 */
static int check_node(int fd, dev_t dev)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return lkl_posix_errno(errno);
	if (!S_ISCHR(st.st_mode) ||
	    st.st_rdev == makedev(TUN_MAJOR, TUN_MINOR))
		return -LKL_EINVAL;
	if (dev && st.st_rdev != dev)
		return -LKL_ENXIO;
	return 0;
}

/* Give the macvtap on @fd address @mac if it has another: 0 or -errno. */
static int set_mac(int fd, const unsigned char mac[6])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, LKL_SIOCGIFHWADDR, &ifr) < 0)
		return lkl_posix_errno(errno);
	if (!memcmp(ifr.ifr_hwaddr.sa_data, mac, 6))
		return 0;
	ifr.ifr_hwaddr.sa_family = LKL_ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(fd, LKL_SIOCSIFHWADDR, &ifr) < 0)
		return lkl_posix_errno(errno);
	return 0;
}

/* Open macvtap device @path (of number @dev unless 0) and set it up. */
static int open_macvtap(const char *path, dev_t dev,
			const unsigned char mac[6])
{
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return lkl_posix_errno(errno);
	err = check_node(fd, dev);
	if (!err) {
		/* What is not a tap device knows neither ioctl. */
		err = lkl_tun_setup(fd, "");
		if (err == -LKL_ENOTTY)
			err = -LKL_EINVAL;
	}
	if (!err)
		err = set_mac(fd, mac);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int lkl_netdev_add_macvtap(const char *path, const unsigned char mac[6],
			   unsigned int mtu, unsigned long long offload)
{
	char node[32];
	dev_t dev = 0;
	int fd, err;

	/* Checked before the macvtap is given @mac (lkl_netdev_add's rule). */
	if (!path || !*path || !mac || (mac[0] & 1))
		return -LKL_EINVAL;
	if (!strchr(path, '/')) {
		err = find_node(path, node, sizeof(node), &dev);
		if (err)
			return err;
		path = node;
	}
	fd = open_macvtap(path, dev, mac);
	if (fd < 0)
		return fd;
	return lkl_tun_netdev_add(fd, mac, mtu, offload);
}
