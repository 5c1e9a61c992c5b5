// SPDX-License-Identifier: GPL-2.0
/*
 * The raw network backend: lkl_netdev_add_raw() (lkl_host.h).
 *
 * Frames go through an AF_PACKET SOCK_RAW socket bound to a host
 * interface: what LKL sends leaves on the interface as it is, and the
 * socket hands LKL a copy of every frame the interface receives that a
 * NIC with LKL's MAC would take (to that MAC, or multicast/broadcast).
 * The host's own stack gets those frames too (lkl_host.h says what that
 * means for TCP).  The interface is put in promiscuous mode while the
 * socket is open, so that frames to LKL's MAC reach it at all; a socket
 * filter keeps the rest, and the host's own outgoing frames, out of the
 * socket.
 *
 * With PACKET_VNET_HDR the socket puts the host's virtio-net header
 * (struct virtio_net_hdr, 10 bytes: ours without num_buffers) before
 * every frame, and honours it on what we send: partial checksums and TSO
 * frames of up to 64 KiB go out for the host to finish, and frames come
 * in as the host has them, large (GRO, or a veth peer's TSO) and with
 * partial checksums (a veth's).  Every offload is carried then.  The
 * host cannot be asked to cut what it hands over (as a TAP's
 * TUNSETOFFLOAD does), so a large TCP frame for a kernel that did not
 * accept GUEST_TSO is cut here (net_gso.c), and a partial checksum is
 * filled in by the device.  Without PACKET_VNET_HDR frames pass with no
 * header and no offload is carried.
 *
 * The virtio-net header is little-endian for the device and host-endian
 * for the socket: the same on the hosts LKL runs on (x86, arm, arm64).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <lkl_host.h>
/* Packet-socket and filter definitions from LKL's headers (musl has none). */
#include <lkl/linux/filter.h>
#include <lkl/linux/if_arp.h>
#include <lkl/linux/if_ether.h>
#include <lkl/linux/if_packet.h>
#include <lkl/linux/sockios.h>
#include <lkl/linux/virtio_net.h>

#include "net_gso.h"
#include "net_host_if.h"
#include "virtio.h"

/* The socket's header with PACKET_VNET_HDR: struct virtio_net_hdr. */
#define SOCK_HDR_LEN	10
/* The largest frame the host hands over: 64 KiB, Ethernet, a VLAN tag. */
#define BIG_FRAME	(65536 + 18)
/* Socket buffers: room for a few dozen 64 KiB frames each way. */
#define SOCK_BUF	(4 << 20)

struct raw_be {
	struct lkl_netdev_backend be;	/* first: see to_raw() */
	char ifname[IFNAMSIZ];
	size_t sock_hdr;		/* SOCK_HDR_LEN, or 0 without */
	unsigned long long features;	/* accepted by the kernel */
	int warned;			/* large frames dropped: said so */
	struct iovec *iov;		/* a frame's segments for the socket */
	unsigned int iov_max;
	unsigned char *big;		/* BIG_FRAME bytes, with the header */
	struct lkl_net_gso gso;		/* a large frame in @big being cut */
};

static struct raw_be *to_raw(struct lkl_netdev_backend *be)
{
	return (struct raw_be *)be;
}

/* Room in r->iov for @cnt segments, the header and @big: 0 or -1. */
static int iov_room(struct raw_be *r, int cnt)
{
	unsigned int want = (unsigned int)cnt + 2;
	struct iovec *v;

	if (want <= r->iov_max)
		return 0;
	v = realloc(r->iov, want * sizeof(*v));
	if (!v)
		return -1;
	r->iov = v;
	r->iov_max = want;
	return 0;
}

/*
 * Point r->iov at @hdr (the socket's part of it) and the frame after
 * our header in @iov[0 .. @cnt); returns the number of segments.
 */
static unsigned int sock_iov(struct raw_be *r, unsigned char *hdr,
			     const struct iovec *iov, int cnt)
{
	unsigned int n = 0;

	if (r->sock_hdr) {
		r->iov[0].iov_base = hdr;
		r->iov[0].iov_len = r->sock_hdr;
		n = 1;
	}
	return n + lkl_virtio_iov_slice(iov, (unsigned int)cnt,
					LKL_NETDEV_HDR_LEN, SIZE_MAX,
					r->iov + n);
}

static long raw_send(struct lkl_netdev_backend *be, const struct iovec *iov,
		     int cnt)
{
	struct raw_be *r = to_raw(be);
	unsigned char hdr[LKL_NETDEV_HDR_LEN];
	struct msghdr msg = { 0 };
	ssize_t sent;

	if (iov_room(r, cnt))
		return -LKL_ENOMEM;
	if (lkl_virtio_iov_read(iov, (unsigned int)cnt, 0, hdr, sizeof(hdr)) !=
	    sizeof(hdr))
		return -LKL_EINVAL;
	msg.msg_iov = r->iov;
	msg.msg_iovlen = sock_iov(r, hdr, iov, cnt);
	do {
		sent = sendmsg(be->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return errno == EWOULDBLOCK ? -LKL_EAGAIN : lkl_posix_errno(errno);
	return sent + LKL_NETDEV_HDR_LEN - (ssize_t)r->sock_hdr;
}

/* Whether the kernel accepted the large frame whose header is @hdr. */
static int gso_accepted(const struct raw_be *r, const unsigned char *hdr)
{
	switch (hdr[1]) {
	case LKL_VIRTIO_NET_HDR_GSO_NONE:
		return 1;
	case LKL_VIRTIO_NET_HDR_GSO_TCPV4:
		return !!(r->features & 1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4);
	case LKL_VIRTIO_NET_HDR_GSO_TCPV6:
		return !!(r->features & 1ULL << LKL_VIRTIO_NET_F_GUEST_TSO6);
	default:
		return 0;
	}
}

/* Say once why large frames from the host are lost. */
static void warn_gso(struct raw_be *r, const unsigned char *hdr, size_t len)
{
	char msg[400];
	ssize_t w;
	int n;

	if (r->warned || lkl_host_log_fd < 0)
		return;
	r->warned = 1;
	n = snprintf(msg, sizeof(msg),
		     "lkl: raw %s: a large frame from the host (%zu bytes, GSO type %#x) that the kernel did not accept and that cannot be cut is dropped: turn GRO and LRO off on %s, or add the TSO offloads\n",
		     r->ifname, len, hdr[1], r->ifname);
	if (n <= 0)
		return;
	/* Best effort, as the kernel's own log (lkl_host_ops.print). */
	w = write(lkl_host_log_fd, msg,
		  (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	(void)w;
}

/* The bytes a frame may take in @iov[0 .. @cnt), after our header. */
static size_t frame_room(const struct iovec *iov, int cnt)
{
	size_t room = 0;
	int i;

	for (i = 0; i < cnt; i++)
		room += iov[i].iov_len;
	return room > LKL_NETDEV_HDR_LEN ? room - LKL_NETDEV_HDR_LEN : 0;
}

/*
 * A large frame of @len bytes the kernel did not accept, with header
 * @hdr: its first @room bytes are in @iov, the rest already in r->big
 * at offset @room.  Gather it whole in r->big and start cutting it; its
 * first segment goes into @iov.  Returns that segment's length, or 0
 * when the frame cannot be cut.
 */
static size_t cut_big(struct raw_be *r, const unsigned char *hdr,
		      const struct iovec *iov, int cnt, size_t len,
		      size_t room)
{
	if (!r->big || len > BIG_FRAME)
		return 0;
	lkl_virtio_iov_read(iov, (unsigned int)cnt, LKL_NETDEV_HDR_LEN, r->big,
			    len < room ? len : room);
	if (lkl_net_gso_start(&r->gso, r->big, len, hdr[1],
			      lkl_virtio_get_le16(hdr + 4)) ||
	    !lkl_net_gso_pending(&r->gso))
		return 0;
	return lkl_net_gso_next(&r->gso, iov, (unsigned int)cnt);
}

/*
 * The socket filter only lets in frames for LKL; the header is turned
 * into ours (num_buffers is the device's to fill).  A large TCP frame
 * the kernel did not accept is received whole (its tail into r->big),
 * then handed over one segment per call, as the host would have cut it
 * for a TAP.  Any other large frame the kernel did not accept is passed
 * on as it is, for the device to count and drop, and we say why.
 */
static long raw_recv(struct lkl_netdev_backend *be, const struct iovec *iov,
		     int cnt)
{
	struct raw_be *r = to_raw(be);
	unsigned char hdr[LKL_NETDEV_HDR_LEN];
	struct msghdr msg = { 0 };
	size_t room, len, seg;
	ssize_t got;

	if (lkl_net_gso_pending(&r->gso))
		return (long)lkl_net_gso_next(&r->gso, iov, (unsigned int)cnt);
	if (iov_room(r, cnt))
		return -LKL_ENOMEM;
	memset(hdr, 0, sizeof(hdr));
	room = frame_room(iov, cnt);
	msg.msg_iov = r->iov;
	msg.msg_iovlen = sock_iov(r, hdr, iov, cnt);
	if (r->big && room < BIG_FRAME) {
		r->iov[msg.msg_iovlen].iov_base = r->big + room;
		r->iov[msg.msg_iovlen++].iov_len = BIG_FRAME - room;
	}
	do {
		/* MSG_TRUNC: the real length, so a cut frame is seen as such. */
		got = recvmsg(be->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	} while (got < 0 && errno == EINTR);
	if (got < 0)
		return errno == EWOULDBLOCK ? -LKL_EAGAIN : lkl_posix_errno(errno);
	if ((size_t)got < r->sock_hdr)
		return -LKL_EIO;
	len = (size_t)got - r->sock_hdr;
	if (!gso_accepted(r, hdr)) {
		seg = cut_big(r, hdr, iov, cnt, len, room);
		if (seg)
			return (long)seg;
		warn_gso(r, hdr, len);
	}
	lkl_virtio_iov_write(iov, (unsigned int)cnt, 0, hdr, sizeof(hdr));
	return (long)(len + LKL_NETDEV_HDR_LEN);
}

static int raw_set_offload(struct lkl_netdev_backend *be,
			   unsigned long long features)
{
	to_raw(be)->features = features;
	return 0;
}

static void raw_close(struct lkl_netdev_backend *be)
{
	struct raw_be *r = to_raw(be);

	close(be->fd);
	free(r->iov);
	free(r->big);
	free(r);
}

/* The relative jump from instruction @pc to instruction @to. */
#define JUMP_TO(to, pc)	((unsigned char)((to) - (pc) - 1))

/*
 * The socket filter: accept a frame to @mac or to a group address,
 * received (not one the host sends) and not of a VLAN whose tag the NIC
 * took off; reject the rest.  Word loads are big-endian.
 */
static int attach_filter(int fd, const unsigned char mac[6])
{
	enum { ACCEPT = 10, REJECT = 11 };
	struct lkl_sock_filter code[] = {
		/* 0 */ LKL_BPF_STMT(LKL_BPF_LD | LKL_BPF_W | LKL_BPF_ABS,
				    LKL_SKF_AD_OFF + LKL_SKF_AD_PKTTYPE),
		/* 1 */ LKL_BPF_JUMP(LKL_BPF_JMP | LKL_BPF_JEQ | LKL_BPF_K,
				    LKL_PACKET_OUTGOING, JUMP_TO(REJECT, 1), 0),
		/* 2 */ LKL_BPF_STMT(LKL_BPF_LD | LKL_BPF_W | LKL_BPF_ABS,
				    LKL_SKF_AD_OFF +
				    LKL_SKF_AD_VLAN_TAG_PRESENT),
		/* 3 */ LKL_BPF_JUMP(LKL_BPF_JMP | LKL_BPF_JEQ | LKL_BPF_K,
				    0, 0, JUMP_TO(REJECT, 3)),
		/* 4: the group bit of the destination */
		LKL_BPF_STMT(LKL_BPF_LD | LKL_BPF_B | LKL_BPF_ABS, 0),
		/* 5 */ LKL_BPF_JUMP(LKL_BPF_JMP | LKL_BPF_JSET | LKL_BPF_K,
				    1, JUMP_TO(ACCEPT, 5), 0),
		/* 6 */ LKL_BPF_STMT(LKL_BPF_LD | LKL_BPF_W | LKL_BPF_ABS, 0),
		/* 7 */ LKL_BPF_JUMP(LKL_BPF_JMP | LKL_BPF_JEQ | LKL_BPF_K,
				    (uint32_t)mac[0] << 24 |
				    (uint32_t)mac[1] << 16 |
				    (uint32_t)mac[2] << 8 | mac[3],
				    0, JUMP_TO(REJECT, 7)),
		/* 8 */ LKL_BPF_STMT(LKL_BPF_LD | LKL_BPF_H | LKL_BPF_ABS, 4),
		/* 9 */ LKL_BPF_JUMP(LKL_BPF_JMP | LKL_BPF_JEQ | LKL_BPF_K,
				    (uint32_t)mac[4] << 8 | mac[5],
				    JUMP_TO(ACCEPT, 9), JUMP_TO(REJECT, 9)),
		/* 10: ACCEPT, the whole frame */
		LKL_BPF_STMT(LKL_BPF_RET | LKL_BPF_K, 0xffffffffU),
		/* 11: REJECT */
		LKL_BPF_STMT(LKL_BPF_RET | LKL_BPF_K, 0),
	};
	struct lkl_sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)) < 0)
		return lkl_posix_errno(errno);
	return 0;
}

/* Whether interface @ifname is an Ethernet one: 0, -LKL_EINVAL or -errno. */
static int check_ether(int fd, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, LKL_SIOCGIFHWADDR, &ifr) < 0)
		return lkl_posix_errno(errno);
	return ifr.ifr_hwaddr.sa_family == LKL_ARPHRD_ETHER ? 0 : -LKL_EINVAL;
}

/*
 * The host's virtio-net header before every frame (PACKET_VNET_HDR):
 * its length, 0 where the host has no such option, or -errno.
 */
static long sock_hdr_len(int fd)
{
	int on = 1;

	if (!setsockopt(fd, SOL_PACKET, LKL_PACKET_VNET_HDR, &on, sizeof(on)))
		return SOCK_HDR_LEN;
	return errno == ENOPROTOOPT ? 0 : lkl_posix_errno(errno);
}

/*
 * Socket buffers of SOCK_BUF bytes each way, past the host's limits
 * (net.core.rmem_max) where we may: with the default ones a few large
 * frames fill the socket, and the host drops the next.  Only a matter
 * of speed, so what the host allows is what we take.
 */
static void grow_buffers(int fd)
{
	int size = SOCK_BUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* Everything but the header, then bind @fd to interface @ifindex. */
static int raw_setup(int fd, int ifindex, const unsigned char mac[6])
{
	struct lkl_packet_mreq mr;
	struct lkl_sockaddr_ll sll;
	int on = 1, err;

	/* Before bind(): no frame gets in unfiltered. */
	err = attach_filter(fd, mac);
	if (err)
		return err;
	/* Hosts before Linux 4.20 lack it: the filter drops those frames. */
	if (setsockopt(fd, SOL_PACKET, LKL_PACKET_IGNORE_OUTGOING, &on,
		       sizeof(on)) && errno != ENOPROTOOPT)
		return lkl_posix_errno(errno);
	grow_buffers(fd);
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = ifindex;
	mr.mr_type = LKL_PACKET_MR_PROMISC;
	if (setsockopt(fd, SOL_PACKET, LKL_PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)))
		return lkl_posix_errno(errno);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(LKL_ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return lkl_posix_errno(errno);
	return 0;
}

/* A packet socket on @ifname for a device of address @mac, in r->be.fd. */
static int raw_open(struct raw_be *r, const char *ifname,
		    const unsigned char mac[6])
{
	unsigned int ifindex;
	long hdr;
	int err;

	r->be.fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  0);
	if (r->be.fd < 0)
		return lkl_posix_errno(errno);
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return errno == ENODEV || errno == ENXIO ? -LKL_ENODEV :
		       lkl_posix_errno(errno);
	err = check_ether(r->be.fd, ifname);
	if (err)
		return err;
	hdr = sock_hdr_len(r->be.fd);
	if (hdr < 0)
		return (int)hdr;
	r->sock_hdr = (size_t)hdr;
	return raw_setup(r->be.fd, (int)ifindex, mac);
}

int lkl_netdev_add_raw(const char *ifname, const unsigned char mac[6],
		       unsigned int mtu, unsigned long long offload)
{
	struct raw_be *r;
	int err;

	err = lkl_net_check_ifname(ifname);
	if (err)
		return err;
	if (!mac)
		return -LKL_EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -LKL_ENOMEM;
	memcpy(r->ifname, ifname, strlen(ifname));
	err = raw_open(r, ifname, mac);
	if (err) {
		if (r->be.fd >= 0)
			close(r->be.fd);
		free(r);
		return err;
	}
	if (r->sock_hdr) {
		r->big = malloc(BIG_FRAME);
		if (!r->big) {
			raw_close(&r->be);
			return -LKL_ENOMEM;
		}
	}
	r->be.offload = r->sock_hdr ? LKL_NETDEV_OFFLOAD_ALL : 0;
	r->be.send = raw_send;
	r->be.recv = raw_recv;
	r->be.set_offload = raw_set_offload;
	r->be.close = raw_close;
	err = lkl_netdev_add(&r->be, mac, mtu, offload);
	if (err < 0)
		raw_close(&r->be);
	return err;
}
