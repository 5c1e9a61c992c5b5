/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl-util.h - helpers of the tests that look inside a running LKL
 * kernel: reading its files, an interface's frame counters.
 * Include after <lkl.h>.
 */
#ifndef _LKL_TEST_LKL_UTIL_H
#define _LKL_TEST_LKL_UTIL_H

#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/time.h>
#include <lkl/socket.h>

/* Read LKL file @path into @buf (NUL terminated): length or -errno. */
static inline long read_lkl_file(const char *path, char *buf, size_t len)
{
	long fd = lkl_sys_open(path, LKL_O_RDONLY, 0), n, got = 0;

	if (fd < 0)
		return fd;
	while ((size_t)got < len - 1) {
		n = lkl_sys_read((unsigned int)fd, buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
	}
	lkl_sys_close((unsigned int)fd);
	buf[got] = 0;
	return got;
}

/* A socket with receive and send timeouts of @sec seconds, or -errno. */
static inline long timed_socket(int family, int type, int proto, int sec)
{
	struct lkl_timeval tv = { sec, 0 };
	long fd = lkl_sys_socket(family, type, proto);

	if (fd < 0)
		return fd;
	lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET, LKL_SO_RCVTIMEO_OLD,
			   (char *)&tv, sizeof(tv));
	lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET, LKL_SO_SNDTIMEO_OLD,
			   (char *)&tv, sizeof(tv));
	return fd;
}

/* Let every group make ping sockets: the default range admits none. */
static inline long allow_ping(void)
{
	return lkl_sysctl("net.ipv4.ping_group_range", "0 2147483647");
}

/* An interface's counters, from LKL's /proc/net/dev. */
struct if_frames {
	unsigned long long rx_bytes, rx_packets, tx_bytes, tx_packets;
};

/*
 * Fill @f for interface @ifname (mounting proc if needed).  Returns 0, or
 * -1 when the interface is not listed.  The average frame size these
 * give tells whether large segments went through the device (TSO, LRO):
 * above the MTU, they did.
 */
static inline int if_frames(const char *ifname, struct if_frames *f)
{
	static char buf[8192];
	char pat[32];
	const char *p;

	lkl_mount_fs("proc");
	if (read_lkl_file("/proc/net/dev", buf, sizeof(buf)) <= 0)
		return -1;
	snprintf(pat, sizeof(pat), " %s:", ifname);
	p = strstr(buf, pat);
	if (!p)
		return -1;
	/* rx: bytes packets errs drop fifo frame compressed multicast; tx: */
	if (sscanf(p + strlen(pat),
		   "%llu %llu %*u %*u %*u %*u %*u %*u %llu %llu",
		   &f->rx_bytes, &f->rx_packets, &f->tx_bytes,
		   &f->tx_packets) != 4)
		return -1;
	return 0;
}

#endif /* _LKL_TEST_LKL_UTIL_H */
