// SPDX-License-Identifier: GPL-2.0
/*
 * net-tap.c TYPE PARAM OFFLOAD PEER-CMD - LKL on a host network
 * interface (TYPE tap, macvtap or raw: lkl_netdev_add_TYPE(PARAM)), with
 * the offload mask OFFLOAD (hex), against the host's own network stack.
 * First the errors of lkl_netdev_add_TYPE() for bad arguments.
 *
 * Run by check-net-tap.sh (tap) and check-net-backends.sh (macvtap, raw)
 * inside a private network namespace whose
 * interface leads to the peer namespace, 10.77.0.2/24 and fd77::2/64,
 * where a native server (python3) waits:
 *   TCP 5000: we send 256 MiB, it answers "LENGTH CRC32\n" of what it got;
 *   TCP 5001: it sends a 4-byte big-endian CRC32, then 256 MiB, then EOF;
 *   UDP 5002: it answers a datagram with "native:" and the datagram;
 *   TCP 5003 (IPv6): as 5000.
 * LKL is 10.77.0.1/24 and fd77::1/64.  PEER-CMD, a shell command (the
 * peer pinging us), runs while the kernel is up; its exit status is a
 * check.  With TSO and GUEST_TSO in OFFLOAD, the frames the device
 * carried must average more than the MTU: large segments went through.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/icmp.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/time.h>
#include <lkl/linux/virtio_net.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "lkl-util.h"
#include "test.h"

#define MiB		(1024 * 1024)
#define BULK_MIB	256u
#define BULK_SIZE	(BULK_MIB * MiB)
#define V6_SIZE		(16u * MiB)
#define CHUNK		(256 * 1024)
#define BOOT_ARGS	"mem=128M loglevel=4"

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c, n, k;

	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

/* CRC-32 (zlib's): crc = crc32(crc, buf, len), starting from 0. */
static uint32_t crc32(uint32_t crc, const unsigned char *buf, size_t len)
{
	size_t i;

	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void peer_sin(struct lkl_sockaddr_in *sin, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = LKL_AF_INET;
	sin->sin_port = be16((unsigned int)port);
	sin->sin_addr.s_addr = ip4(10, 77, 0, 2);
}

static void peer_sin6(struct lkl_sockaddr_in6 *sin, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin6_family = LKL_AF_INET6;
	sin->sin6_port = be16((unsigned int)port);
	sin->sin6_addr.lkl_s6_addr[0] = 0xfd;
	sin->sin6_addr.lkl_s6_addr[1] = 0x77;
	sin->sin6_addr.lkl_s6_addr[15] = 2;
}

/* Connect to the peer's @port (IPv6 if @v6), retried for a few seconds. */
static long connect_peer(int port, int v6)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	struct lkl_sockaddr_in sin;
	struct lkl_sockaddr_in6 sin6;
	void *sa = v6 ? (void *)&sin6 : (void *)&sin;
	int salen = v6 ? (int)sizeof(sin6) : (int)sizeof(sin);
	long fd, r = -LKL_ETIMEDOUT;
	int i;

	peer_sin(&sin, port);
	peer_sin6(&sin6, port);
	for (i = 0; i < 50; i++) {
		fd = timed_socket(v6 ? LKL_AF_INET6 : LKL_AF_INET,
				  LKL_SOCK_STREAM, 0, 30);
		if (fd < 0)
			return fd;
		r = lkl_sys_connect((int)fd, (struct lkl_sockaddr *)sa, salen);
		if (!r)
			return fd;
		lkl_sys_close((unsigned int)fd);
		nanosleep(&pause, NULL);
	}
	return r;
}

static long write_all(long fd, const void *buf, size_t len)
{
	size_t off = 0;
	long r;

	while (off < len) {
		r = lkl_sys_write((unsigned int)fd, (const char *)buf + off,
				  len - off);
		if (r <= 0)
			return r ? r : -LKL_EPIPE;
		off += (size_t)r;
	}
	return 0;
}

/* Read until EOF or @max bytes: the count, or -errno. */
static long read_all(long fd, void *buf, size_t max)
{
	size_t off = 0;
	long r;

	while (off < max) {
		r = lkl_sys_read((unsigned int)fd, (char *)buf + off, max - off);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		off += (size_t)r;
	}
	return (long)off;
}

/* ---- LKL to native ---- */

static long send_bulk(long fd, uint32_t size, uint32_t *crc)
{
	static unsigned char buf[CHUNK];
	uint32_t pos, i;
	long r;

	*crc = 0;
	for (pos = 0; pos < size; pos += CHUNK) {
		for (i = 0; i < CHUNK; i++)
			buf[i] = (unsigned char)((pos + i) * 2654435761U >> 13);
		*crc = crc32(*crc, buf, CHUNK);
		r = write_all(fd, buf, CHUNK);
		if (r)
			return r;
	}
	return lkl_sys_shutdown((int)fd, LKL_SHUT_WR);
}

/* Send @mib MiB to the peer's @port; it answers length and CRC-32. */
static void tcp_to_native(int port, int v6, uint32_t mib)
{
	char reply[64], want[64], what[64];
	uint32_t crc;
	double t;
	long fd, r;

	snprintf(what, sizeof(what), "TCP%s %u MiB LKL to native",
		 v6 ? "/IPv6" : "", mib);
	test_section(what, 120);
	fd = connect_peer(port, v6);
	if (!check(fd >= 0, "TCP connect to native", "%s: port %d: %s", what,
		   port, lkl_strerror((int)fd)))
		return;
	t = host_sec();
	r = send_bulk(fd, mib * MiB, &crc);
	if (!r)
		r = read_all(fd, reply, sizeof(reply) - 1);
	t = host_sec() - t;
	lkl_sys_close((unsigned int)fd);
	if (!check(r > 0, what, "sending: %s", lkl_strerror((int)r)))
		return;
	reply[r] = 0;
	snprintf(want, sizeof(want), "%u %08x\n", mib * MiB, crc);
	if (check(!strcmp(reply, want), what,
		  "native got \"%.40s\", want \"%.40s\"", reply, want))
		printf("# %s: %.1f MiB/s\n", what, mib / t);
}

/* ---- Native to LKL ---- */

static long recv_bulk(long fd, uint32_t *crc, uint32_t *len)
{
	static unsigned char buf[CHUNK];
	long r;

	*crc = 0;
	*len = 0;
	for (;;) {
		r = lkl_sys_read((unsigned int)fd, (char *)buf, sizeof(buf));
		if (r <= 0)
			return r;
		*crc = crc32(*crc, buf, (size_t)r);
		*len += (uint32_t)r;
		if (*len > BULK_SIZE)
			return -LKL_EMSGSIZE;
	}
}

static void tcp_from_native(void)
{
	unsigned char head[4];
	uint32_t want, crc = 0, len = 0;
	double t;
	long fd, r;

	test_section("TCP 256 MiB native to LKL", 120);
	fd = connect_peer(5001, 0);
	if (!check(fd >= 0, "TCP connect to native 10.77.0.2:5001", "%s",
		   lkl_strerror((int)fd)))
		return;
	t = host_sec();
	r = read_all(fd, head, sizeof(head));
	if (r == (long)sizeof(head))
		r = recv_bulk(fd, &crc, &len);
	else if (r >= 0)
		r = -LKL_ECONNRESET;
	t = host_sec() - t;
	lkl_sys_close((unsigned int)fd);
	if (!check(r == 0, "TCP 256 MiB native to LKL received", "%s",
		   lkl_strerror((int)r)))
		return;
	want = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 |
	       (uint32_t)head[2] << 8 | head[3];
	CHECK_EQ("TCP native to LKL length", len, BULK_SIZE);
	if (check(crc == want, "TCP 256 MiB native to LKL, CRC-32 matches",
		  "got %08x, want %08x", crc, want))
		printf("# TCP native to LKL: %.1f MiB/s\n", BULK_MIB / t);
}

/* ---- UDP, ICMP ---- */

static void udp_exchange(void)
{
	static char msg[] = "lkl-udp-datagram";
	struct lkl_sockaddr_in sin;
	char reply[128];
	long fd, r;

	test_section("UDP", 30);
	fd = timed_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0, 10);
	if (!check(fd >= 0, "UDP socket", "%s", lkl_strerror((int)fd)))
		return;
	peer_sin(&sin, 5002);
	r = lkl_sys_sendto((int)fd, msg, sizeof(msg) - 1, 0,
			   (struct lkl_sockaddr *)&sin, sizeof(sin));
	check(r == (long)sizeof(msg) - 1, "UDP datagram LKL to native",
	      "%s", lkl_strerror((int)r));
	r = lkl_sys_recvfrom((int)fd, reply, sizeof(reply) - 1, 0, NULL, NULL);
	lkl_sys_close((unsigned int)fd);
	if (!check(r > 0, "UDP datagram native to LKL", "%s",
		   lkl_strerror((int)r)))
		return;
	reply[r] = 0;
	CHECK_STR("UDP reply is native's echo", reply, "native:lkl-udp-datagram");
}

/* One echo request to the peer, its reply checked: 0, -errno or 1. */
static long ping_once(void)
{
	struct lkl_sockaddr_in to;
	unsigned char pkt[64], reply[128];
	struct lkl_icmphdr *h = (struct lkl_icmphdr *)pkt;
	long fd, r;

	fd = timed_socket(LKL_AF_INET, LKL_SOCK_DGRAM, LKL_IPPROTO_ICMP, 2);
	if (fd < 0)
		return fd;
	memset(pkt, 0, sizeof(pkt));
	h->type = LKL_ICMP_ECHO;
	h->un.echo.sequence = be16(7);
	memcpy(pkt + sizeof(*h), "lkl-ping", 8);
	peer_sin(&to, 0);
	r = lkl_sys_sendto((int)fd, pkt, sizeof(pkt), 0,
			   (struct lkl_sockaddr *)&to, sizeof(to));
	if (r == (long)sizeof(pkt))
		r = lkl_sys_recvfrom((int)fd, reply, sizeof(reply), 0, NULL,
				     NULL);
	lkl_sys_close((unsigned int)fd);
	if (r < 0)
		return r;
	h = (struct lkl_icmphdr *)reply;
	if (r != (long)sizeof(pkt) || h->type != LKL_ICMP_ECHOREPLY ||
	    h->un.echo.sequence != be16(7) ||
	    memcmp(reply + sizeof(*h), "lkl-ping", 8))
		return 1;
	return 0;
}

static void ping_native(void)
{
	long r;
	int i;

	test_section("ICMP echo", 30);
	r = allow_ping();
	if (!check(r == 0, "ping_group_range set through /proc/sys", "%s",
		   lkl_strerror((int)r)))
		return;
	/* The first may be lost while the bridge learns: three tries. */
	for (i = 0, r = 1; i < 3 && r; i++)
		r = ping_once();
	check(r == 0, "ICMP echo LKL to native through a ping socket", "%s",
	      r == 1 ? "bad reply" : lkl_strerror((int)r));
}

static void peer_pings(const char *cmd)
{
	int st;

	test_section("native pings LKL", 60);
	fflush(stdout);
	st = system(cmd);
	check(st == 0, "native pings LKL (10.77.0.1)", "'%s' gave status %d",
	      cmd, st);
}

/* ---- Before boot ---- */

static void tap_errors(const unsigned char *mac)
{
	CHECK_EQ("lkl_netdev_add_tap with a NULL name is -EINVAL",
		 lkl_netdev_add_tap(NULL, mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_tap with an empty name is -EINVAL",
		 lkl_netdev_add_tap("", mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_tap with a 16-byte name is -EINVAL",
		 lkl_netdev_add_tap("0123456789abcdef", mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_tap with a '/' in the name is -EINVAL",
		 lkl_netdev_add_tap("a/b", mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_tap of a non-TAP interface (lo) is -EINVAL",
		 lkl_netdev_add_tap("lo", mac, 0, 0), -LKL_EINVAL);
}

static void macvtap_errors(const unsigned char *mac)
{
	static const unsigned char group[6] = { 3, 0, 0, 0x77, 0, 9 };

	CHECK_EQ("lkl_netdev_add_macvtap with a NULL path is -EINVAL",
		 lkl_netdev_add_macvtap(NULL, mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_macvtap with an empty path is -EINVAL",
		 lkl_netdev_add_macvtap("", mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_macvtap with a multicast MAC is -EINVAL",
		 lkl_netdev_add_macvtap("lklmvt0", group, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_macvtap of a missing interface is -ENODEV",
		 lkl_netdev_add_macvtap("nosuchif0", mac, 0, 0), -LKL_ENODEV);
	CHECK_EQ("lkl_netdev_add_macvtap of a non-macvtap (lo) is -EINVAL",
		 lkl_netdev_add_macvtap("lo", mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_macvtap of a missing file is -ENOENT",
		 lkl_netdev_add_macvtap("/nonexistent/tap9", mac, 0, 0),
		 -LKL_ENOENT);
	CHECK_EQ("lkl_netdev_add_macvtap of /dev/null is -EINVAL",
		 lkl_netdev_add_macvtap("/dev/null", mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_macvtap of /dev/net/tun is -EINVAL",
		 lkl_netdev_add_macvtap("/dev/net/tun", mac, 0, 0),
		 -LKL_EINVAL);
}

static void raw_errors(const unsigned char *mac)
{
	CHECK_EQ("lkl_netdev_add_raw with a NULL name is -EINVAL",
		 lkl_netdev_add_raw(NULL, mac, 0, 0), -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_raw with a 16-byte name is -EINVAL",
		 lkl_netdev_add_raw("0123456789abcdef", mac, 0, 0),
		 -LKL_EINVAL);
	CHECK_EQ("lkl_netdev_add_raw of a missing interface is -ENODEV",
		 lkl_netdev_add_raw("nosuchif0", mac, 0, 0), -LKL_ENODEV);
	CHECK_EQ("lkl_netdev_add_raw of a non-Ethernet interface (lo) is -EINVAL",
		 lkl_netdev_add_raw("lo", mac, 0, 0), -LKL_EINVAL);
}

/* What adding a device of @type refuses, before the real one is added. */
static void add_errors(const char *type)
{
	static const unsigned char mac[6] = { 2, 0, 0, 0x77, 0, 9 };

	test_section("bad arguments", 10);
	if (!strcmp(type, "tap"))
		tap_errors(mac);
	else if (!strcmp(type, "macvtap"))
		macvtap_errors(mac);
	else if (!strcmp(type, "raw"))
		raw_errors(mac);
}

/*
 * With TSO and GUEST_TSO the bulk transfers must have gone through the
 * device as frames larger than the MTU (1500).
 */
static void large_frames(unsigned long long offload)
{
	const unsigned long long tso = 1ULL << LKL_VIRTIO_NET_F_HOST_TSO4,
		lro = 1ULL << LKL_VIRTIO_NET_F_GUEST_TSO4;
	unsigned long long rx, tx;
	struct if_frames f;

	test_section("frame sizes", 10);
	if (!check(if_frames("eth0", &f) == 0, "eth0 in /proc/net/dev",
		   "not listed"))
		return;
	rx = f.rx_packets ? f.rx_bytes / f.rx_packets : 0;
	tx = f.tx_packets ? f.tx_bytes / f.tx_packets : 0;
	printf("# eth0: %llu frames received, %llu bytes on average; %llu sent, %llu bytes on average\n",
	       f.rx_packets, rx, f.tx_packets, tx);
	if (offload & tso)
		check(tx > 1514, "large segments sent (TSO)",
		      "%llu bytes per frame", tx);
	else
		check(tx <= 1514, "no frame over the MTU sent without TSO",
		      "%llu bytes per frame", tx);
	if (offload & lro)
		check(rx > 1514, "large segments received (GUEST_TSO, LRO)",
		      "%llu bytes per frame", rx);
	else
		check(rx <= 1514, "no frame over the MTU received without LRO",
		      "%llu bytes per frame", rx);
}

/* The device of @type on host interface or path @param. */
static int add_device(const char *type, const char *param,
		      const unsigned char mac[6], unsigned long long offload)
{
	if (!strcmp(type, "tap"))
		return lkl_netdev_add_tap(param, mac, 1500, offload);
	if (!strcmp(type, "macvtap"))
		return lkl_netdev_add_macvtap(param, mac, 1500, offload);
	if (!strcmp(type, "raw"))
		return lkl_netdev_add_raw(param, mac, 1500, offload);
	return -LKL_EINVAL;
}

static int setup(const char *type, const char *param,
		 unsigned long long offload)
{
	static const unsigned char mac[6] = { 2, 0, 0, 0x77, 0, 1 };
	unsigned char ip6[16] = { 0xfd, 0x77, [15] = 1 };
	int id, ifindex, r;

	test_section("boot", 60);
	id = add_device(type, param, mac, offload);
	if (!check(id >= 0, "add the network device", "%s %s: %s", type,
		   param, lkl_strerror(id)))
		return -1;
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "boot", "%s", lkl_strerror(r)))
		return -1;
	ifindex = lkl_netdev_get_ifindex(id);
	if (!check(ifindex > 0, "lkl_netdev_get_ifindex", "%s",
		   lkl_strerror(ifindex)))
		return -1;
	r = lkl_if_up(ifindex);
	if (!check(r == 0, "lkl_if_up", "%s", lkl_strerror(r)))
		return -1;
	r = lkl_if_set_ipv4(ifindex, ip4(10, 77, 0, 1), 24);
	if (!check(r == 0, "lkl_if_set_ipv4 10.77.0.1/24", "%s",
		   lkl_strerror(r)))
		return -1;
	/* No duplicate address detection: the address is usable at once. */
	r = lkl_sysctl("net.ipv6.conf.eth0.accept_dad", "0");
	if (!r)
		r = lkl_if_add_ipv6(ifindex, ip6, 64);
	check(r == 0, "lkl_if_add_ipv6 fd77::1/64", "%s", lkl_strerror(r));
	return id;
}

int main(int argc, char **argv)
{
	unsigned long long offload;
	char *end;
	int id;

	if (argc != 5) {
		fprintf(stderr, "usage: %s TYPE PARAM OFFLOAD PEER-PING-COMMAND\n",
			argv[0]);
		return 2;
	}
	offload = strtoull(argv[3], &end, 16);
	if (*end || end == argv[3]) {
		fprintf(stderr, "%s: not a hex offload mask\n", argv[3]);
		return 2;
	}
	crc_init();
	add_errors(argv[1]);
	id = setup(argv[1], argv[2], offload);
	if (id >= 0) {
		ping_native();
		peer_pings(argv[4]);
		tcp_to_native(5000, 0, BULK_MIB);
		tcp_from_native();
		tcp_to_native(5003, 1, V6_SIZE / MiB);
		udp_exchange();
		large_frames(offload);
		test_section("halt", 60);
		CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
		CHECK_EQ("lkl_netdev_remove after halt", lkl_netdev_remove(id), 0);
	}
	return test_done();
}
