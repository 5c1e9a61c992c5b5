// SPDX-License-Identifier: GPL-2.0
/*
 * net-config.c - routes, source rules, neighbours and sysctls
 * (net_route.c) in one LKL with two pipe network devices.
 *
 * The host program holds the other end of each device's socketpair:
 * it sees every frame the kernel sends.  Device A is 10.1.0.1/24
 * (gateway 10.1.0.254), device B 10.2.0.1/24 (gateway 10.2.0.254), each
 * with its own table and source rule (lkl_if_set_ipv4_gateway()); the
 * main default route goes through A.  The checks read the kernel's
 * state back (/proc/net/route, RTM_GETRULE and RTM_GETROUTE dumps,
 * /proc/sys) and prove the rules work: a TCP SYN from 10.2.0.1 to an
 * address behind the gateways leaves through B, addressed to B's
 * gateway; one from 10.1.0.1, or from an unbound socket, through A.
 * Also IPv6 per-interface gateways, error cases, and sysctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/fib_rules.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/pkt_sched.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "lkl-util.h"
#include "rtnl-dump.h"
#include "test.h"

#define BOOT_ARGS	"mem=64M loglevel=4"
#define FRAME_MAX	2048
/* virtio-net header, then Ethernet: the IPv4 header starts here. */
#define IP_OFF		(LKL_NETDEV_HDR_LEN + 14)

static const unsigned char mac_a[6] = { 2, 0, 0, 0, 0, 0xa };
static const unsigned char mac_b[6] = { 2, 0, 0, 0, 0, 0xb };
static const unsigned char gw_mac_a[6] = { 2, 0, 0, 0, 1, 0xa };
static const unsigned char gw_mac_b[6] = { 2, 0, 0, 0, 1, 0xb };

/* Host ends of the two wires. */
static int wire_a = -1, wire_b = -1;
static int if_a, if_b;

static void ip6(unsigned char out[16], int net, int host)
{
	memset(out, 0, 16);
	out[0] = 0xfd;
	out[1] = (unsigned char)net;
	out[15] = (unsigned char)host;
}

/* ---- Frames on the wires ---- */

static void drain(int fd)
{
	char f[FRAME_MAX];

	while (recv(fd, f, sizeof(f), MSG_DONTWAIT) > 0)
		;
}

/*
 * Wait up to @ms for a TCP/IPv4 frame on @fd from @src to @dst sent to
 * Ethernet address @dmac: 1 when seen, 0 when not.
 */
static int saw_syn(int fd, unsigned int src, unsigned int dst,
		   const unsigned char dmac[6], int ms)
{
	unsigned char f[FRAME_MAX];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (poll(&p, 1, ms) > 0) {
		n = recv(fd, f, sizeof(f), MSG_DONTWAIT);
		if (n < IP_OFF + 20)
			continue;
		if (f[IP_OFF - 2] != 0x08 || f[IP_OFF - 1] != 0 ||
		    f[IP_OFF + 9] != 6)
			continue;
		if (!memcmp(f + LKL_NETDEV_HDR_LEN, dmac, 6) &&
		    !memcmp(f + IP_OFF + 12, &src, 4) &&
		    !memcmp(f + IP_OFF + 16, &dst, 4))
			return 1;
	}
	return 0;
}

/* A non-blocking TCP connect from @src (0: unbound) to @dst:80. */
static long start_connect(unsigned int src, unsigned int dst)
{
	struct lkl_sockaddr_in sa;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_STREAM | LKL_SOCK_NONBLOCK,
			    0);
	if (fd < 0)
		return fd;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = LKL_AF_INET;
	sa.sin_addr.s_addr = src;
	if (src && lkl_sys_bind((int)fd, (void *)&sa, sizeof(sa)) < 0) {
		lkl_sys_close((unsigned int)fd);
		return -1;
	}
	sa.sin_addr.s_addr = dst;
	sa.sin_port = __builtin_bswap16(80);
	r = lkl_sys_connect((int)fd, (void *)&sa, sizeof(sa));
	if (r != -LKL_EINPROGRESS) {
		lkl_sys_close((unsigned int)fd);
		return r < 0 ? r : -1;
	}
	return fd;
}

/*
 * Connect from @src to @dst: the SYN must go out on @want_fd to @gw_mac
 * and not on @other_fd.
 */
static void check_path(const char *name, unsigned int src, unsigned int dst,
		       unsigned int seen_src, int want_fd, int other_fd,
		       const unsigned char gw_mac[6])
{
	char n1[128];
	long fd;

	drain(wire_a);
	drain(wire_b);
	fd = start_connect(src, dst);
	snprintf(n1, sizeof(n1), "%s: connect in progress", name);
	if (!check(fd >= 0, n1, "connect: %ld", fd))
		return;
	snprintf(n1, sizeof(n1), "%s: SYN leaves on the right wire", name);
	CHECK(n1, saw_syn(want_fd, seen_src, dst, gw_mac, 2000));
	snprintf(n1, sizeof(n1), "%s: no SYN on the other wire", name);
	CHECK(n1, !saw_syn(other_fd, seen_src, dst, gw_mac, 200) &&
		  !saw_syn(other_fd, seen_src, dst,
			   gw_mac == gw_mac_a ? gw_mac_b : gw_mac_a, 0));
	lkl_sys_close((unsigned int)fd);
}

/* ---- The tests ---- */

static int add_wire(const unsigned char mac[6], int *host_end)
{
	int sv[2], id;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return -errno;
	id = lkl_netdev_add_pipe(sv[0], mac, 0, 0);
	close(sv[0]);
	if (id < 0) {
		close(sv[1]);
		return id;
	}
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	*host_end = sv[1];
	return id;
}

static void setup_interfaces(int id_a, int id_b)
{
	if_a = lkl_netdev_get_ifindex(id_a);
	if_b = lkl_netdev_get_ifindex(id_b);
	CHECK("ifindex of A", if_a > 0);
	CHECK("ifindex of B", if_b > 0 && if_b != if_a);
	CHECK_EQ("A up", lkl_if_up(if_a), 0);
	CHECK_EQ("B up", lkl_if_up(if_b), 0);
	CHECK_EQ("A 10.1.0.1/24", lkl_if_set_ipv4(if_a, ip4(10, 1, 0, 1), 24),
		 0);
	CHECK_EQ("B 10.2.0.1/24", lkl_if_set_ipv4(if_b, ip4(10, 2, 0, 1), 24),
		 0);
}

static void test_ipv4_routes(void)
{
	unsigned int gw_a = ip4(10, 1, 0, 254), gw_b = ip4(10, 2, 0, 254);
	unsigned int net_a = ip4(10, 1, 0, 0), net_b = ip4(10, 2, 0, 0);
	unsigned int tab_a = LKL_IF_TABLE_BASE + if_a;
	unsigned int tab_b = LKL_IF_TABLE_BASE + if_b;
	static char buf[8192];
	char line[128];

	test_section("IPv4 gateways", 30);
	CHECK_EQ("neighbour 10.1.0.254 on A",
		 lkl_add_neighbor(if_a, LKL_AF_INET, &gw_a, gw_mac_a), 0);
	CHECK_EQ("neighbour 10.2.0.254 on B",
		 lkl_add_neighbor(if_b, LKL_AF_INET, &gw_b, gw_mac_b), 0);
	CHECK_EQ("per-interface gateway A",
		 lkl_if_set_ipv4_gateway(if_a, ip4(10, 1, 0, 1), 24, gw_a), 0);
	CHECK_EQ("per-interface gateway B",
		 lkl_if_set_ipv4_gateway(if_b, ip4(10, 2, 0, 1), 24, gw_b), 0);
	CHECK_EQ("per-interface gateway B again",
		 lkl_if_set_ipv4_gateway(if_b, ip4(10, 2, 0, 1), 24, gw_b), 0);
	CHECK_EQ("default gateway 10.1.0.254", lkl_set_ipv4_gateway(gw_a), 0);

	CHECK_EQ("mount proc", lkl_mount_fs("proc"), 0);
	CHECK("read /proc/net/route",
	      read_lkl_file("/proc/net/route", buf, sizeof(buf)) > 0);
	snprintf(line, sizeof(line), "\t00000000\t%08X\t0003", gw_a);
	CHECK("/proc/net/route: main default via 10.1.0.254 (UG)",
	      strstr(buf, line) != NULL);
	snprintf(line, sizeof(line), "\t%08X\t", gw_b);
	CHECK("/proc/net/route: no route via 10.2.0.254 in main",
	      strstr(buf, line) == NULL);

	CHECK_EQ("rule from 10.1.0.0/24 lookup table A, once",
		 count_rules(LKL_AF_INET, tab_a, &net_a, 24), 1);
	CHECK_EQ("rule from 10.2.0.0/24 lookup table B, once",
		 count_rules(LKL_AF_INET, tab_b, &net_b, 24), 1);
	CHECK_EQ("table B: default via 10.2.0.254 dev B",
		 count_defaults(LKL_AF_INET, tab_b, &gw_b, if_b), 1);
	CHECK_EQ("table A: default via 10.1.0.254 dev A",
		 count_defaults(LKL_AF_INET, tab_a, &gw_a, if_a), 1);
	CHECK_EQ("main: default via 10.1.0.254 dev A",
		 count_defaults(LKL_AF_INET, LKL_RT_TABLE_MAIN, &gw_a, if_a),
		 1);
}

static void test_source_routing(void)
{
	unsigned int far = ip4(192, 168, 50, 1);

	test_section("source rules route traffic", 30);
	check_path("from 10.2.0.1", ip4(10, 2, 0, 1), far, ip4(10, 2, 0, 1),
		   wire_b, wire_a, gw_mac_b);
	check_path("from 10.1.0.1", ip4(10, 1, 0, 1), far, ip4(10, 1, 0, 1),
		   wire_a, wire_b, gw_mac_a);
	check_path("unbound (main default)", 0, ip4(192, 168, 60, 1),
		   ip4(10, 1, 0, 1), wire_a, wire_b, gw_mac_a);
}

static void test_ipv6_routes(void)
{
	unsigned char a6[16], b6[16], ga6[16], gb6[16], net_b6[16];

	test_section("IPv6 gateways", 30);
	ip6(a6, 1, 1);
	ip6(b6, 2, 1);
	ip6(ga6, 1, 0xfe);
	ip6(gb6, 2, 0xfe);
	ip6(net_b6, 2, 0);
	CHECK_EQ("A fd01::1/64", lkl_if_add_ipv6(if_a, a6, 64), 0);
	CHECK_EQ("B fd02::1/64", lkl_if_add_ipv6(if_b, b6, 64), 0);
	CHECK_EQ("neighbour fd02::fe on B",
		 lkl_add_neighbor(if_b, LKL_AF_INET6, gb6, gw_mac_b), 0);
	CHECK_EQ("per-interface IPv6 gateway B",
		 lkl_if_set_ipv6_gateway(if_b, b6, 64, gb6), 0);
	CHECK_EQ("default IPv6 gateway fd01::fe", lkl_set_ipv6_gateway(ga6),
		 0);
	CHECK_EQ("IPv6 rule from fd02::/64 lookup table B",
		 count_rules(LKL_AF_INET6, LKL_IF_TABLE_BASE + if_b, net_b6,
			     64), 1);
	CHECK_EQ("IPv6 table B: default via fd02::fe dev B",
		 count_defaults(LKL_AF_INET6, LKL_IF_TABLE_BASE + if_b, gb6,
				if_b), 1);
	CHECK_EQ("IPv6 main: default via fd01::fe dev A",
		 count_defaults(LKL_AF_INET6, LKL_RT_TABLE_MAIN, ga6, if_a), 1);
}

static void test_errors(void)
{
	unsigned int a = ip4(10, 1, 0, 1), gw = ip4(10, 1, 0, 254);
	unsigned char x6[16];

	test_section("errors", 30);
	ip6(x6, 9, 9);
	CHECK_EQ("ifindex 0 is -ENODEV", lkl_if_set_ipv4_gateway(0, a, 24, gw),
		 -LKL_ENODEV);
	CHECK_EQ("ifindex -3 is -ENODEV",
		 lkl_if_set_ipv4_gateway(-3, a, 24, gw), -LKL_ENODEV);
	CHECK_EQ("absent ifindex 9999 is -ENODEV",
		 lkl_if_set_ipv4_gateway(9999, a, 24, gw), -LKL_ENODEV);
	CHECK_EQ("prefix 99 is -EINVAL",
		 lkl_if_set_ipv4_gateway(if_a, a, 99, gw), -LKL_EINVAL);
	CHECK_EQ("IPv6 prefix 129 is -EINVAL",
		 lkl_if_set_ipv6_gateway(if_a, x6, 129, x6), -LKL_EINVAL);
	CHECK_EQ("IPv6 NULL gateway is -EINVAL",
		 lkl_if_set_ipv6_gateway(if_a, x6, 64, NULL), -LKL_EINVAL);
	CHECK_EQ("unreachable gateway is -ENETUNREACH",
		 lkl_set_ipv4_gateway(ip4(192, 0, 2, 1)), -LKL_ENETUNREACH);
	CHECK_EQ("neighbour of family 99 is -EAFNOSUPPORT",
		 lkl_add_neighbor(if_a, 99, &a, gw_mac_a), -LKL_EAFNOSUPPORT);
	CHECK_EQ("neighbour on ifindex 0 is -ENODEV",
		 lkl_add_neighbor(0, LKL_AF_INET, &a, gw_mac_a), -LKL_ENODEV);
}

static void test_qdisc(void)
{
	char kind[32] = "";
	int r;

	test_section("qdisc", 30);
	r = lkl_qdisc_add(if_a, "fq");
	CHECK_EQ("lkl_qdisc_add fq on A", r, 0);
	r = root_qdisc_kind(if_a, kind, sizeof(kind));
	check(r == 0 && !strcmp(kind, "fq"), "A's root qdisc is fq (dump)",
	      "r=%d kind=\"%s\"", r, kind);
	r = lkl_qdisc_add(if_a, "fq_codel");
	CHECK_EQ("lkl_qdisc_add fq_codel replaces it", r, 0);
	r = root_qdisc_kind(if_a, kind, sizeof(kind));
	check(r == 0 && !strcmp(kind, "fq_codel"),
	      "A's root qdisc is now fq_codel", "r=%d kind=\"%s\"", r, kind);
	CHECK_EQ("unknown qdisc kind: -ENOENT",
		 lkl_qdisc_add(if_a, "nosuchqdisc"), -LKL_ENOENT);
	CHECK_EQ("qdisc on ifindex 9999: -ENODEV",
		 lkl_qdisc_add(9999, "fq"), -LKL_ENODEV);
	CHECK_EQ("empty qdisc kind: -EINVAL", lkl_qdisc_add(if_a, ""),
		 -LKL_EINVAL);
}

static void test_sysctl(void)
{
	char buf[64], name[128];

	test_section("sysctl", 30);
	CHECK_EQ("set tcp_congestion_control=bbr",
		 lkl_sysctl("net.ipv4.tcp_congestion_control", "bbr"), 0);
	CHECK_EQ("get tcp_congestion_control",
		 lkl_sysctl_get("net.ipv4.tcp_congestion_control", buf,
				sizeof(buf)), 3);
	CHECK_STR("tcp_congestion_control is bbr", buf, "bbr");
	CHECK_EQ("set default_qdisc=fq",
		 lkl_sysctl("net.core.default_qdisc", "fq"), 0);
	lkl_sysctl_get("net.core.default_qdisc", buf, sizeof(buf));
	CHECK_STR("default_qdisc is fq", buf, "fq");
	CHECK_EQ("slash path: ip_forward=1",
		 lkl_sysctl("net/ipv4/ip_forward", "1"), 0);
	lkl_sysctl_get("net.ipv4.ip_forward", buf, sizeof(buf));
	CHECK_STR("ip_forward is 1", buf, "1");
	CHECK_EQ("cut to the buffer",
		 lkl_sysctl_get("net.ipv4.tcp_congestion_control", buf, 3), 2);
	CHECK_STR("cut value", buf, "bb");
	CHECK_EQ("unknown sysctl is -ENOENT",
		 lkl_sysctl("net.ipv4.no_such_thing", "1"), -LKL_ENOENT);
	CHECK_EQ("unknown sysctl get is -ENOENT",
		 lkl_sysctl_get("net.nope", buf, sizeof(buf)), -LKL_ENOENT);
	CHECK_EQ("unknown congestion control is refused",
		 lkl_sysctl("net.ipv4.tcp_congestion_control", "nope"),
		 -LKL_ENOENT);
	CHECK_EQ("empty path is -EINVAL", lkl_sysctl("", "1"), -LKL_EINVAL);
	CHECK_EQ("'..' is -EINVAL", lkl_sysctl("net/../../etc", "1"),
		 -LKL_EINVAL);
	CHECK_EQ("zero-length buffer is -EINVAL",
		 lkl_sysctl_get("net.ipv4.ip_forward", buf, 0), -LKL_EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	{
		static char longp[400];

		memset(longp, 'a', sizeof(longp) - 1);
		CHECK_EQ("long path is -ENAMETOOLONG", lkl_sysctl(longp, "1"),
			 -LKL_ENAMETOOLONG);
	}
	CHECK_EQ("absent 128-byte name is -ENOENT", lkl_sysctl(name, "1"),
		 -LKL_ENOENT);
}

int main(void)
{
	int id_a, id_b;
	long r;

	test_section("boot with two pipe devices", 60);
	id_a = add_wire(mac_a, &wire_a);
	id_b = add_wire(mac_b, &wire_b);
	CHECK("device A added", id_a >= 0);
	CHECK("device B added", id_b >= 0);
	if (id_a < 0 || id_b < 0)
		return test_done();
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "boot", "lkl_start_kernel: %ld", r))
		return test_done();
	setup_interfaces(id_a, id_b);
	test_ipv4_routes();
	test_source_routing();
	test_ipv6_routes();
	test_errors();
	test_qdisc();
	test_sysctl();
	test_section("halt", 60);
	CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
	lkl_netdev_remove(id_a);
	lkl_netdev_remove(id_b);
	close(wire_a);
	close(wire_b);
	return test_done();
}
