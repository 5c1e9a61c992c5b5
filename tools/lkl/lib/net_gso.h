/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the host library: cutting a large TCP frame (a GSO frame:
 * a TCP segment of up to 64 KiB with a virtio-net header saying how to
 * cut it) into frames of one segment each, for a kernel that did not
 * accept large ones (net_gso.c; the raw backend uses it).  Not installed.
 */
#ifndef _LKL_NET_GSO_H
#define _LKL_NET_GSO_H

#include <stddef.h>
#include <sys/uio.h>

#include "posix-host.h"

struct lkl_net_gso {
	const unsigned char *frame;	/* the large frame, whole */
	size_t len;			/* its length */
	size_t l3, l4, hlen;		/* where IP, TCP and the payload start */
	size_t mss;			/* payload bytes per segment */
	size_t off;			/* payload bytes given out so far */
	unsigned int seg;		/* segments given out so far */
	int ipv6;
};

/*
 * Start cutting @frame (@len bytes, Ethernet header first, kept until
 * the last segment is out) whose virtio-net header says @gso_type and
 * @gso_size.  Returns 0, or -1 for a frame that is no TCP segment over
 * IPv4 or IPv6 that we can cut (nothing is pending then).
 */
LKL_POSIX_HIDDEN int lkl_net_gso_start(struct lkl_net_gso *g,
				       const unsigned char *frame, size_t len,
				       unsigned int gso_type,
				       unsigned int gso_size);

/* Whether segments remain to be given out. */
LKL_POSIX_HIDDEN int lkl_net_gso_pending(const struct lkl_net_gso *g);

/*
 * Write the next segment, after a virtio-net header of LKL_NETDEV_HDR_LEN
 * zero bytes (a whole, checksummed frame), into @iov[0 .. @cnt).  Returns
 * its length, header included: more than @iov holds means it was cut
 * short (a backend's recv() returns just that).
 */
LKL_POSIX_HIDDEN size_t lkl_net_gso_next(struct lkl_net_gso *g,
					 const struct iovec *iov,
					 unsigned int cnt);

#endif /* _LKL_NET_GSO_H */
