// SPDX-License-Identifier: GPL-2.0
/*
 * Cutting a large TCP frame into one frame per segment (net_gso.h), as
 * the host's kernel would before handing it to a device without TSO.
 *
 * Every segment gets the headers of the large frame with what differs
 * from one segment to the next made right: the IPv4 total length,
 * identification (counting up from the first) and header checksum, or
 * the IPv6 payload length; the TCP sequence number; FIN and PSH only on
 * the last segment, CWR only on the first; and a TCP checksum computed
 * over the segment, so it needs no offload from the kernel receiving it.
 */
#include <stdint.h>
#include <string.h>

#include <lkl_host.h>
#include <lkl/linux/virtio_net.h>

#include "net_gso.h"
#include "virtio.h"

#define ETH_HLEN	14
#define VLAN_HLEN	4
#define IPV6_HLEN	40
#define TCP_PROTO	6
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80
/* Ethernet with a VLAN tag, IPv4 or IPv6, TCP, with options. */
#define HDR_MAX		(ETH_HLEN + VLAN_HLEN + 60 + 60)

static unsigned int get16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Add @len bytes at @p, big-endian 16-bit words, to the sum @sum. */
static uint64_t sum16(uint64_t sum, const unsigned char *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (unsigned int)p[0] << 8;
	return sum;
}

/* The one's complement of the folded sum: a checksum field's value. */
static unsigned int csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned int)~sum & 0xffff;
}

int lkl_net_gso_start(struct lkl_net_gso *g, const unsigned char *frame,
		      size_t len, unsigned int gso_type, unsigned int gso_size)
{
	unsigned int type, gso = gso_type & ~LKL_VIRTIO_NET_HDR_GSO_ECN;

	memset(g, 0, sizeof(*g));
	if (len < ETH_HLEN || !gso_size)
		return -1;
	g->l3 = ETH_HLEN;
	type = get16(frame + 12);
	if (type == 0x8100 || type == 0x88a8) {
		g->l3 += VLAN_HLEN;
		if (len < g->l3)
			return -1;
		type = get16(frame + 16);
	}
	if (gso == LKL_VIRTIO_NET_HDR_GSO_TCPV4 && type == 0x0800 &&
	    len >= g->l3 + 20 && (frame[g->l3] >> 4) == 4 &&
	    frame[g->l3 + 9] == TCP_PROTO) {
		g->l4 = g->l3 + (size_t)(frame[g->l3] & 0xf) * 4;
	} else if (gso == LKL_VIRTIO_NET_HDR_GSO_TCPV6 && type == 0x86dd &&
		   len >= g->l3 + IPV6_HLEN && (frame[g->l3] >> 4) == 6 &&
		   frame[g->l3 + 6] == TCP_PROTO) {
		g->l4 = g->l3 + IPV6_HLEN;
		g->ipv6 = 1;
	} else {
		return -1;
	}
	if (g->l4 < g->l3 + 20 || len < g->l4 + 20)
		return -1;
	g->hlen = g->l4 + (size_t)(frame[g->l4 + 12] >> 4) * 4;
	if (g->hlen < g->l4 + 20 || g->hlen > HDR_MAX || g->hlen > len)
		return -1;
	g->frame = frame;
	g->len = len;
	g->mss = gso_size;
	return 0;
}

int lkl_net_gso_pending(const struct lkl_net_gso *g)
{
	return g->frame && g->off < g->len - g->hlen;
}

/* The headers of the next segment of @pay payload bytes, into @h. */
static void seg_headers(const struct lkl_net_gso *g, unsigned char *h,
			size_t pay, int last)
{
	unsigned char *ip = h + g->l3, *tcp = h + g->l4;
	size_t l4_len = g->hlen - g->l4 + pay;
	uint32_t seq;

	memcpy(h, g->frame, g->hlen);
	if (g->ipv6) {
		put16(ip + 4, (unsigned int)l4_len);
	} else {
		put16(ip + 2, (unsigned int)(g->hlen - g->l3 + pay));
		put16(ip + 4, (get16(ip + 4) + g->seg) & 0xffff);
		put16(ip + 10, 0);
		put16(ip + 10, csum_fold(sum16(0, ip, g->l4 - g->l3)));
	}
	seq = (uint32_t)get16(tcp + 4) << 16 | get16(tcp + 6);
	seq += (uint32_t)g->off;
	put16(tcp + 4, seq >> 16);
	put16(tcp + 6, seq & 0xffff);
	if (!last)
		tcp[13] &= (unsigned char)~(TCP_FIN | TCP_PSH);
	if (g->seg)
		tcp[13] &= (unsigned char)~TCP_CWR;
	put16(tcp + 16, 0);
}

/* The TCP checksum of segment headers @h and payload @p of @pay bytes. */
static unsigned int tcp_csum(const struct lkl_net_gso *g,
			     const unsigned char *h, const unsigned char *p,
			     size_t pay)
{
	const unsigned char *ip = h + g->l3;
	size_t l4_len = g->hlen - g->l4 + pay;
	uint64_t sum;

	/* The pseudo-header: addresses, protocol, TCP length. */
	if (g->ipv6)
		sum = sum16(0, ip + 8, 32);
	else
		sum = sum16(0, ip + 12, 8);
	sum += TCP_PROTO + (l4_len & 0xffff) + (l4_len >> 16);
	/* The TCP header's length is a multiple of 4: the words line up. */
	sum = sum16(sum, h + g->l4, g->hlen - g->l4);
	return csum_fold(sum16(sum, p, pay));
}

size_t lkl_net_gso_next(struct lkl_net_gso *g, const struct iovec *iov,
			unsigned int cnt)
{
	unsigned char vhdr[LKL_NETDEV_HDR_LEN] = { 0 }, h[HDR_MAX];
	size_t left = g->len - g->hlen - g->off;
	size_t pay = left < g->mss ? left : g->mss;
	const unsigned char *p = g->frame + g->hlen + g->off;

	seg_headers(g, h, pay, pay == left);
	put16(h + g->l4 + 16, tcp_csum(g, h, p, pay));
	lkl_virtio_iov_write(iov, cnt, 0, vhdr, sizeof(vhdr));
	lkl_virtio_iov_write(iov, cnt, sizeof(vhdr), h, g->hlen);
	lkl_virtio_iov_write(iov, cnt, sizeof(vhdr) + g->hlen, p, pay);
	g->off += pay;
	g->seg++;
	return sizeof(vhdr) + g->hlen + pay;
}
