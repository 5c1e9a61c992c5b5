// SPDX-License-Identifier: GPL-2.0
/*
 * net-gso.c - the host library's cutting of large TCP frames
 * (tools/lkl/lib/net_gso.c, internal: its header is included from the
 * library's folder), with no kernel: what the raw backend hands a kernel
 * that did not accept GUEST_TSO.
 *
 * Large frames are built here, over IPv4 and IPv6, with and without a
 * VLAN tag, with TCP options, FIN, PSH and CWR set and a sequence number
 * that wraps; each is cut into segments written across two buffers, and
 * every segment is checked against the large frame: lengths, IPv4
 * identification and header checksum, sequence numbers, flags, a TCP
 * checksum verified here from scratch, the payload.  Frames that cannot
 * be cut (UDP, a GSO type that is not the frame's, no segment size, a
 * short header) are refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lkl_host.h>
#include <lkl/linux/virtio_net.h>

#include "../lib/net_gso.h"
#include "test.h"

#define PAYLOAD_MAX	65000
#define FRAME_MAX	(PAYLOAD_MAX + 200)
#define SEQ0		0xfffff000u	/* wraps within the first frame */
#define IP_ID0		0xfff0u		/* wraps too */
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_CWR		0x80

struct shape {
	int v6, vlan;
	size_t l3, l4, hlen;
};

static unsigned int get16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* The Internet checksum of a buffer, folded, not complemented. */
static unsigned int fold_sum(const unsigned char *p, size_t len,
			     uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * A large frame of @s's shape with @pay payload bytes and TCP flags
 * @flags into @f; returns its length.  The TCP checksum field holds
 * garbage, as a host's partial or stale one would.
 */
static size_t build(unsigned char *f, struct shape *s, size_t pay,
		    unsigned int flags)
{
	static const unsigned char macs[12] = { 2, 0, 0, 0, 0, 1,
						2, 0, 0, 0, 0, 2 };
	unsigned char *ip, *tcp;
	size_t i;

	memset(f, 0, FRAME_MAX);
	memcpy(f, macs, sizeof(macs));
	s->l3 = 14;
	if (s->vlan) {
		put16(f + 12, 0x8100);
		put16(f + 14, 42);
		s->l3 = 18;
	}
	put16(f + s->l3 - 2, s->v6 ? 0x86dd : 0x0800);
	ip = f + s->l3;
	if (s->v6) {
		ip[0] = 0x60;
		ip[6] = 6;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
		s->l4 = s->l3 + 40;
	} else {
		ip[0] = 0x45;
		put16(ip + 4, IP_ID0);
		put16(ip + 6, 0x4000);	/* DF */
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 10;
		ip[15] = 1;
		ip[16] = 10;
		ip[19] = 2;
		s->l4 = s->l3 + 20;
	}
	tcp = f + s->l4;
	put16(tcp, 40000);
	put16(tcp + 2, 5000);
	put16(tcp + 4, SEQ0 >> 16);
	put16(tcp + 6, SEQ0 & 0xffff);
	put16(tcp + 8, 0x1234);
	tcp[12] = 8 << 4;		/* 32 bytes: 12 of options */
	tcp[13] = (unsigned char)flags;
	put16(tcp + 14, 512);
	put16(tcp + 16, 0xbeef);
	tcp[20] = 1;
	tcp[21] = 1;
	tcp[22] = 8;			/* a timestamp option */
	tcp[23] = 10;
	s->hlen = s->l4 + 32;
	for (i = 0; i < pay; i++)
		f[s->hlen + i] = (unsigned char)(i * 7 + (i >> 8));
	return s->hlen + pay;
}

/* Whether segment @g (@glen bytes) has a right TCP checksum. */
static int tcp_csum_ok(const unsigned char *g, const struct shape *s,
		       size_t glen)
{
	size_t l4_len = glen - s->l4;
	uint32_t sum;

	if (s->v6)
		sum = fold_sum(g + s->l3 + 8, 32, 0);
	else
		sum = fold_sum(g + s->l3 + 12, 8, 0);
	sum += 6 + (uint32_t)l4_len;
	return fold_sum(g + s->l4, l4_len, sum) == 0xffff;
}

/* Check segment @i (@g, @glen bytes, header first) against frame @f. */
static int check_segment(const unsigned char *f, const struct shape *s,
			 size_t pay, size_t mss, unsigned int i,
			 const unsigned char *vh, const unsigned char *g,
			 size_t glen)
{
	static const unsigned char zero[LKL_NETDEV_HDR_LEN];
	size_t off = (size_t)i * mss, want = pay - off < mss ? pay - off : mss;
	int last = off + want == pay;
	unsigned int flags = f[s->l4 + 13];

	if (memcmp(vh, zero, sizeof(zero)) || glen != s->hlen + want ||
	    memcmp(g, f, s->l3) || memcmp(g + s->l4, f + s->l4, 4) ||
	    memcmp(g + s->l4 + 8, f + s->l4 + 8, 5) ||
	    memcmp(g + s->l4 + 14, f + s->l4 + 14, 2) ||
	    memcmp(g + s->l4 + 18, f + s->l4 + 18, s->hlen - s->l4 - 18) ||
	    memcmp(g + s->hlen, f + s->hlen + off, want))
		return 0;
	if (s->v6) {
		if (get16(g + s->l3 + 4) != glen - s->l4 ||
		    memcmp(g + s->l3, f + s->l3, 4) ||
		    memcmp(g + s->l3 + 6, f + s->l3 + 6, 34))
			return 0;
	} else {
		if (get16(g + s->l3 + 2) != glen - s->l3 ||
		    get16(g + s->l3 + 4) != ((IP_ID0 + i) & 0xffff) ||
		    fold_sum(g + s->l3, 20, 0) != 0xffff ||
		    memcmp(g + s->l3, f + s->l3, 2) ||
		    memcmp(g + s->l3 + 6, f + s->l3 + 6, 4) ||
		    memcmp(g + s->l3 + 12, f + s->l3 + 12, 8))
			return 0;
	}
	if (get32(g + s->l4 + 4) != (uint32_t)(SEQ0 + off))
		return 0;
	if (!last)
		flags &= ~(unsigned int)(TCP_FIN | TCP_PSH);
	if (i)
		flags &= ~(unsigned int)TCP_CWR;
	return g[s->l4 + 13] == flags && tcp_csum_ok(g, s, glen);
}

/* Cut one frame of @s's shape and check every segment. */
static void cut_one(const char *name, struct shape *s, size_t pay,
		    size_t mss, unsigned int gso_type)
{
	static unsigned char f[FRAME_MAX], out[FRAME_MAX];
	struct lkl_net_gso g;
	struct iovec iov[3];
	unsigned int n = 0, bad = 0, want;
	size_t len, glen;
	char what[128];

	len = build(f, s, pay, TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR);
	want = (unsigned int)((pay + mss - 1) / mss);
	snprintf(what, sizeof(what), "%s: taken", name);
	if (!check(!lkl_net_gso_start(&g, f, len, gso_type, (unsigned int)mss),
		   what, "refused"))
		return;
	while (lkl_net_gso_pending(&g) && n <= want) {
		/* Three buffers, split at odd places. */
		iov[0].iov_base = out;
		iov[0].iov_len = 5;
		iov[1].iov_base = out + 5;
		iov[1].iov_len = 61;
		iov[2].iov_base = out + 66;
		iov[2].iov_len = sizeof(out) - 66;
		glen = lkl_net_gso_next(&g, iov, 3);
		if (glen < LKL_NETDEV_HDR_LEN ||
		    !check_segment(f, s, pay, mss, n, out,
				   out + LKL_NETDEV_HDR_LEN,
				   glen - LKL_NETDEV_HDR_LEN))
			bad++;
		n++;
	}
	snprintf(what, sizeof(what), "%s: every segment right", name);
	check(n == want && !bad, what,
	      "%u segments, %u wrong (want %u)", n, bad, want);
}

static void refusals(void)
{
	static unsigned char f[FRAME_MAX];
	struct shape s = { 0 };
	struct lkl_net_gso g;
	size_t len;

	test_section("frames that cannot be cut", 10);
	len = build(f, &s, 3000, TCP_ACK);
	CHECK_EQ("no segment size: refused",
		 lkl_net_gso_start(&g, f, len, LKL_VIRTIO_NET_HDR_GSO_TCPV4, 0),
		 -1);
	CHECK_EQ("IPv4 frame said to be TCPv6: refused",
		 lkl_net_gso_start(&g, f, len, LKL_VIRTIO_NET_HDR_GSO_TCPV6,
				   1448), -1);
	CHECK_EQ("GSO type UDP: refused",
		 lkl_net_gso_start(&g, f, len, LKL_VIRTIO_NET_HDR_GSO_UDP,
				   1448), -1);
	CHECK_EQ("header cut short: refused",
		 lkl_net_gso_start(&g, f, s.l4 + 10,
				   LKL_VIRTIO_NET_HDR_GSO_TCPV4, 1448), -1);
	f[s.l3 + 9] = 17;
	CHECK_EQ("a UDP packet: refused",
		 lkl_net_gso_start(&g, f, len, LKL_VIRTIO_NET_HDR_GSO_TCPV4,
				   1448), -1);
	CHECK_EQ("nothing pending after a refusal",
		 lkl_net_gso_pending(&g), 0);
}

int main(void)
{
	struct shape v4 = { 0 }, v6 = { .v6 = 1 }, v4vlan = { .vlan = 1 },
		     v6vlan = { .v6 = 1, .vlan = 1 };

	test_section("cutting large TCP frames", 30);
	cut_one("IPv4, 64000 bytes in 1448-byte segments", &v4, 64000, 1448,
		LKL_VIRTIO_NET_HDR_GSO_TCPV4);
	cut_one("IPv4 with ECN, 10000 bytes in 1000-byte segments", &v4,
		10000, 1000,
		LKL_VIRTIO_NET_HDR_GSO_TCPV4 | LKL_VIRTIO_NET_HDR_GSO_ECN);
	cut_one("IPv6, 64000 bytes in 1428-byte segments", &v6, 64000, 1428,
		LKL_VIRTIO_NET_HDR_GSO_TCPV6);
	cut_one("IPv4 with a VLAN tag, 5001 bytes (odd) in 1448", &v4vlan,
		5001, 1448, LKL_VIRTIO_NET_HDR_GSO_TCPV4);
	cut_one("IPv6 with a VLAN tag, 8949 bytes in 8948",
		&v6vlan, 8949, 8948, LKL_VIRTIO_NET_HDR_GSO_TCPV6);
	cut_one("IPv4, 700 bytes in one segment", &v4, 700, 1448,
		LKL_VIRTIO_NET_HDR_GSO_TCPV4);
	refusals();
	return test_done();
}
