// SPDX-License-Identifier: GPL-2.0
/*
 * net-dhcp.c TAP-A TAP-B SERVER-CMD - the DHCP client (lkl_dhcp_*()),
 * SLAAC, and MPTCP endpoints that follow a leased address, against the
 * host's dnsmasq and a native MPTCP server.
 *
 * Run by check-net-dhcp.sh inside a network namespace where the TAPs
 * TAP-A and TAP-B lead to path A (10.77.0.0/24, fd77::/64) and path B
 * (10.78.0.0/24, fd78::/64) of the peer namespace, which is .2 on both.
 * There dnsmasq leases 10.77.0.50-60 on A and 10.78.0.100-110 on B, for
 * 120 s with T1 10 s and T2 20 s, routers .2, and advertises the IPv6
 * prefixes (SLAAC); a native server echoes over MPTCP on 10.77.0.2:6000
 * and over TCP on [fd77::2]:6001.  "SERVER-CMD ARG" runs a shell
 * command on the peer's side: "range2" moves B's range to
 * 10.78.0.150-160 (a new dnsmasq, which forgets the old lease), "range3"
 * to 10.78.0.200-210, "joins" prints the peer's MPJoinSynRx, "block"
 * makes the peer drop DHCP unicast to 10.77.0.2 (renewals, not
 * rebinding broadcasts) and "unblock" undoes it; each prints 0 when
 * done.
 */
#include <stdio.h>
#include <stdlib.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/if.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/linux/mptcp.h>
#include <lkl/linux/sockios.h>
#include <lkl/linux/time.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "lkl-util.h"
#include "test.h"

#define BOOT_ARGS	"mem=128M loglevel=4"

/*
 * Path B: by the JSON configuration where the library has it (a "tap"
 * interface with "dhcp" and "mptcp": lkl_config_add_netdevs() before
 * boot, lkl_config_apply() when B's turn comes), else by the calls.
 */
#ifdef NET_DHCP_JSON
#include <lkl_config.h>

static struct lkl_config *cfg_b;
static char cfg_err[LKL_CONFIG_ERROR_LEN];

static int add_path_b(const char *tap, const unsigned char mac[6])
{
	char json[512];
	int r;

	snprintf(json, sizeof(json),
		 "{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"%s\", "
		 "\"mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\", \"mtu\": 1500, "
		 "\"dhcp\": true, \"mptcp\": \"subflow\" } ], "
		 "\"gateway\": \"10.77.0.2\" }", tap, mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	r = lkl_load_config_json(json, &cfg_b, cfg_err, sizeof(cfg_err));
	if (!r)
		r = lkl_config_add_netdevs(cfg_b, cfg_err, sizeof(cfg_err));
	if (r) {
		printf("# path B's configuration: %s\n", cfg_err);
		return r;
	}
	return cfg_b->ifaces[0].netdev_id;
}

static int start_path_b(int if1)
{
	int r = lkl_config_apply(cfg_b, cfg_err, sizeof(cfg_err));

	(void)if1;
	if (r)
		printf("# lkl_config_apply: %s\n", cfg_err);
	return r;
}

#define PATH_B_HOW	"the JSON configuration (\"dhcp\": true, " \
			"\"mptcp\": \"subflow\")"
#else
static int add_path_b(const char *tap, const unsigned char mac[6])
{
	return lkl_netdev_add_tap(tap, mac, 1500, 0);
}

static int start_path_b(int if1)
{
	struct lkl_dhcp_options ob = { .mptcp_flags = LKL_MPTCP_FLAG_SUBFLOW };

	return lkl_dhcp_start(if1, &ob);
}

#define PATH_B_HOW	"lkl_dhcp_start() with MPTCP flags SUBFLOW"
#endif

static const char *server_cmd;

static const char *dotted(unsigned int addr, char buf[16])
{
	const unsigned char *b = (const unsigned char *)&addr;

	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

/* Is @addr (network order) 10.@net.0.@lo .. 10.@net.0.@hi? */
static int in_range(unsigned int addr, int net, int lo, int hi)
{
	const unsigned char *b = (const unsigned char *)&addr;

	return b[0] == 10 && b[1] == net && b[2] == 0 && b[3] >= lo &&
	       b[3] <= hi;
}

/* Run SERVER-CMD @arg; its first line of output as a number, or -1. */
static long server(const char *arg)
{
	char cmd[512], line[64];
	long v = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s %s", server_cmd, arg);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		v = strtol(line, NULL, 10);
	if (pclose(f) != 0)
		return -1;
	return v;
}

/*
 * Wait up to @sec seconds for @ifindex's lease to satisfy @ok; @l gets
 * the last one read.  Returns @ok's verdict.
 */
static int wait_lease(int ifindex, int sec, struct lkl_dhcp_lease *l,
		      int (*ok)(const struct lkl_dhcp_lease *, void *),
		      void *arg)
{
	double end = host_sec() + sec;

	for (;;) {
		if (lkl_dhcp_get_lease(ifindex, l))
			memset(l, 0, sizeof(*l));
		if (ok(l, arg))
			return 1;
		if (host_sec() > end)
			return 0;
		host_sleep_ms(100);
	}
}

/* A lease of path @range: {net, lo, hi}. */
static int leased_in(const struct lkl_dhcp_lease *l, void *arg)
{
	const int *r = arg;

	return l->state == LKL_DHCP_BOUND && in_range(l->addr, r[0], r[1], r[2]);
}

static int renewed(const struct lkl_dhcp_lease *l, void *arg)
{
	return l->acks >= *(unsigned int *)arg;
}

static int state_is(const struct lkl_dhcp_lease *l, void *arg)
{
	return l->state == *(int *)arg;
}

static int error_is(const struct lkl_dhcp_lease *l, void *arg)
{
	return l->error == *(int *)arg;
}

static void show(const char *what, const struct lkl_dhcp_lease *l)
{
	char a[16], r[16], s[16];

	printf("# %s: state %d, %s/%u router %s server %s, lease %u s "
	       "(T1 %u, T2 %u, %u left), %u ACK, %u NAK, %u addresses, "
	       "error %d\n", what, l->state, dotted(l->addr, a), l->prefix,
	       dotted(l->router, r), dotted(l->server, s), l->lease_time,
	       l->t1, l->t2, l->remaining, l->acks, l->naks, l->addresses,
	       l->error);
}

/* The first lease of path A, checked field by field. */
static void check_lease_a(const struct lkl_dhcp_lease *l)
{
	CHECK_EQ("A: prefix /24 (option 1)", l->prefix, 24);
	CHECK_EQ("A: router 10.77.0.2 (option 3)", l->router, ip4(10, 77, 0, 2));
	CHECK_EQ("A: server 10.77.0.2 (option 54)", l->server,
		 ip4(10, 77, 0, 2));
	CHECK_EQ("A: lease time 120 s (option 51)", l->lease_time, 120);
	CHECK_EQ("A: T1 10 s (option 58)", l->t1, 10);
	CHECK_EQ("A: T2 20 s (option 59)", l->t2, 20);
	CHECK("A: remaining time within the lease",
	      l->remaining > 100 && l->remaining <= 120);
	CHECK_EQ("A: one ACK", l->acks, 1);
	CHECK_EQ("A: one address", l->addresses, 1);
	CHECK_EQ("A: no error", l->error, 0);
}

/*
 * The main table's default route (LKL's /proc/net/route): its gateway
 * (network order) and interface name in @dev, or 0 when there is none.
 */
static unsigned int default_gateway(char dev[16])
{
	static char buf[4096];
	unsigned int dst, gw;
	const char *p;

	read_lkl_file("/proc/net/route", buf, sizeof(buf));
	for (p = strchr(buf, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
		if (sscanf(p + 1, "%15s %x %x", dev, &dst, &gw) == 3 && !dst)
			return gw;
	return 0;
}

/* The API's refusals. */
static void check_errors(int if0)
{
	struct lkl_dhcp_options bad = { .mptcp_flags = 0x40 };
	struct lkl_dhcp_lease l;

	CHECK_EQ("start on ifindex 0 is -EINVAL", lkl_dhcp_start(0, NULL),
		 -LKL_EINVAL);
	CHECK_EQ("start on ifindex 999 is -ENODEV",
		 lkl_dhcp_start(999, NULL), -LKL_ENODEV);
	CHECK_EQ("start on lo (not Ethernet) is -EINVAL",
		 lkl_dhcp_start(1, NULL), -LKL_EINVAL);
	CHECK_EQ("start with MPTCP flag 0x40 is -EINVAL",
		 lkl_dhcp_start(if0, &bad), -LKL_EINVAL);
	bad.mptcp_flags = LKL_MPTCP_FLAG_IMPLICIT;
	CHECK_EQ("start with MPTCP flag IMPLICIT is -EINVAL",
		 lkl_dhcp_start(if0, &bad), -LKL_EINVAL);
	CHECK_EQ("stop without a client is -ENOENT", lkl_dhcp_stop(if0),
		 -LKL_ENOENT);
	CHECK_EQ("lease without a client is -ENOENT",
		 lkl_dhcp_get_lease(if0, &l), -LKL_ENOENT);
}

/* Interface @ifindex's primary IPv4 address (SIOCGIFADDR), or 0. */
static unsigned int if_addr(int ifindex)
{
	struct lkl_ifreq ifr;
	struct lkl_sockaddr_in sin;
	long fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0), r;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	ifr.lkl_ifr_ifindex = ifindex;
	r = lkl_sys_ioctl((unsigned int)fd, LKL_SIOCGIFNAME,
			  (unsigned long)&ifr);
	if (!r)
		r = lkl_sys_ioctl((unsigned int)fd, LKL_SIOCGIFADDR,
				  (unsigned long)&ifr);
	lkl_sys_close((unsigned int)fd);
	if (r)
		return 0;
	memcpy(&sin, &ifr.lkl_ifr_addr, sizeof(sin));
	return sin.sin_addr.s_addr;
}

/*
 * Wait up to @sec seconds for a global address of prefix @pfx (2 bytes,
 * /64) on interface @ifindex in LKL's /proc/net/if_inet6; its text in
 * @out.  Returns 1 when there is one.
 */
static int wait_slaac(int ifindex, const char *pfx, int sec, char out[33])
{
	static char buf[4096];
	double end = host_sec() + sec;
	char addr[33], name[32];
	unsigned int idx, plen, scope, flags;
	const char *p;
	int n;

	for (;;) {
		read_lkl_file("/proc/net/if_inet6", buf, sizeof(buf));
		for (p = buf; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 :
					     p + strlen(p)) {
			if (sscanf(p, "%32s %x %x %x %x %31s%n", addr, &idx,
				   &plen, &scope, &flags, name, &n) != 6)
				break;
			/* Global scope, no longer tentative (DAD done). */
			if ((int)idx == ifindex && !strncmp(addr, pfx, 4) &&
			    plen == 64 && scope == 0 && !(flags & 0x40)) {
				memcpy(out, addr, 33);
				return 1;
			}
		}
		if (host_sec() > end)
			return 0;
		host_sleep_ms(200);
	}
}

/* A TCP or MPTCP socket connected to @sa, with 10 s timeouts. */
static long connect_to(int family, int proto, void *sa, int salen)
{
	long fd = timed_socket(family, LKL_SOCK_STREAM, proto, 10), r;

	if (fd < 0)
		return fd;
	r = lkl_sys_connect((int)fd, (struct lkl_sockaddr *)sa, salen);
	if (r) {
		lkl_sys_close((unsigned int)fd);
		return r;
	}
	return fd;
}

/* Send @n bytes and read the echo back: 1 if it came back the same. */
static int echo(long fd, size_t n)
{
	static char out[65536], in[65536];
	size_t i, got = 0;
	long r;

	for (i = 0; i < n; i++)
		out[i] = (char)rand();
	if (lkl_sys_write((unsigned int)fd, out, n) != (long)n)
		return 0;
	while (got < n) {
		r = lkl_sys_read((unsigned int)fd, in + got, n - got);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return !memcmp(in, out, n);
}

static long mptcp_info(long fd, struct lkl_mptcp_info *info)
{
	int len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return lkl_sys_getsockopt((int)fd, LKL_SOL_MPTCP, LKL_MPTCP_INFO,
				  (char *)info, &len);
}

/*
 * Wait up to @sec seconds for a subflow of @fd from @local (network
 * order); returns the subflow count last seen, negative if none from
 * @local.
 */
static int wait_subflow_from(long fd, unsigned int local, int sec)
{
	struct {
		struct lkl_mptcp_subflow_data d;
		struct lkl_mptcp_subflow_addrs a[8];
	} s;
	double end = host_sec() + sec;
	unsigned int i;
	int len;

	for (;;) {
		memset(&s, 0, sizeof(s));
		s.d.size_subflow_data = sizeof(s.d);
		s.d.size_user = sizeof(s.a[0]);
		len = sizeof(s);
		if (lkl_sys_getsockopt((int)fd, LKL_SOL_MPTCP,
				       LKL_MPTCP_SUBFLOW_ADDRS, (char *)&s,
				       &len))
			return -1;
		for (i = 0; i < s.d.num_subflows && i < 8; i++)
			if (s.a[i].sin_local.sin_addr.s_addr == local)
				return (int)s.d.num_subflows;
		if (host_sec() > end)
			return -(int)s.d.num_subflows - 1;
		host_sleep_ms(100);
	}
}

/* The endpoints of @addr: how many, and the first in @ep. */
static int endpoints_of(unsigned int addr, struct lkl_mptcp_endpoint *ep)
{
	struct lkl_mptcp_endpoint eps[LKL_MPTCP_ENDPOINTS_MAX];
	int i, n, found = 0;

	n = lkl_mptcp_endpoint_list(eps, LKL_MPTCP_ENDPOINTS_MAX);
	for (i = 0; i < n && i < LKL_MPTCP_ENDPOINTS_MAX; i++) {
		if (eps[i].af != LKL_AF_INET || memcmp(eps[i].addr, &addr, 4))
			continue;
		if (!found++)
			*ep = eps[i];
	}
	return found;
}

static void check_endpoint(const char *what, int if1, unsigned int addr)
{
	struct lkl_mptcp_endpoint ep;
	char name[128];
	int n = endpoints_of(addr, &ep);

	snprintf(name, sizeof(name), "%s: one MPTCP endpoint of the address",
		 what);
	CHECK_EQ(name, n, 1);
	if (n != 1)
		return;
	snprintf(name, sizeof(name), "%s: its flags are SUBFLOW", what);
	CHECK_EQ(name, ep.flags, LKL_MPTCP_FLAG_SUBFLOW);
	snprintf(name, sizeof(name), "%s: its interface is eth1", what);
	CHECK_EQ(name, ep.ifindex, if1);
}

/* SLAAC on both interfaces, and IPv6 through the advertised router. */
static void check_slaac(int if0, int if1)
{
	struct lkl_sockaddr_in6 sin6;
	char a[33];
	long fd;

	test_section("SLAAC", 60);
	if (check(wait_slaac(if0, "fd77", 30, a), "SLAAC: eth0 has an address "
		  "in fd77::/64 from the router advertisement", "none"))
		printf("# eth0: %s\n", a);
	if (check(wait_slaac(if1, "fd78", 30, a), "SLAAC: eth1 has an address "
		  "in fd78::/64 from the router advertisement", "none"))
		printf("# eth1: %s\n", a);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = LKL_AF_INET6;
	sin6.sin6_port = be16(6001);
	sin6.sin6_addr.lkl_s6_addr[0] = 0xfd;
	sin6.sin6_addr.lkl_s6_addr[1] = 0x77;
	sin6.sin6_addr.lkl_s6_addr[15] = 2;
	fd = connect_to(LKL_AF_INET6, 0, &sin6, sizeof(sin6));
	check(fd >= 0, "SLAAC: TCP over IPv6 to fd77::2", "%s",
	      lkl_strerror((int)fd));
	if (fd >= 0) {
		CHECK("SLAAC: 4 KiB echoed over IPv6", echo(fd, 4096));
		lkl_sys_close((unsigned int)fd);
	}
}

/*
 * With the server's unicast port blocked, the renewal at T1 gets no
 * answer, and the lease is renewed by broadcast from T2 (REBINDING).
 */
static void rebinding(int if0)
{
	struct lkl_dhcp_lease l;
	unsigned int acks, addr;
	double t;
	int st = LKL_DHCP_RENEWING;

	test_section("rebinding", 60);
	if (server("block") != 0) {
		test_skip("A: rebinding at T2", "the peer could not drop "
			  "unicast DHCP (nft failed or is missing)");
		return;
	}
	lkl_dhcp_get_lease(if0, &l);
	addr = l.addr;
	acks = l.acks + 1;
	check(wait_lease(if0, 15, &l, state_is, &st),
	      "A: renewing at T1, unanswered (unicast dropped)", "state %d",
	      l.state);
	t = host_sec();
	check(wait_lease(if0, 20, &l, renewed, &acks),
	      "A: renewed by broadcast (rebinding)", "%u ACKs, state %d",
	      l.acks, l.state);
	show("A", &l);
	check(host_sec() - t > 8, "A: not before T2 (T1 + 10 s)",
	      "%.1f s after T1", host_sec() - t);
	CHECK_EQ("A: bound again", l.state, LKL_DHCP_BOUND);
	CHECK_EQ("A: same address after rebinding", l.addr, addr);
	CHECK_EQ("peer: unicast DHCP allowed again", server("unblock"), 0);
}

static const int RANGE_A[] = { 77, 50, 60 };
static const int RANGE_B1[] = { 78, 100, 110 };
static const int RANGE_B2[] = { 78, 150, 160 };
static const int RANGE_B3[] = { 78, 200, 210 };

/*
 * Change @n of path B's address, to one of @range from @old: the lease,
 * the interface, the endpoint and a new subflow follow, which the
 * server sees as one more join than @joins_before.
 */
static void check_change(int if1, long fd, const int *range,
			 unsigned int old, int joins_before, int n)
{
	struct lkl_dhcp_lease l;
	unsigned int addr;
	char name[160], a[16];
	int r;
	long j;

	snprintf(name, sizeof(name), "change %d: new address in 10.78.0.%d-%d",
		 n, range[1], range[2]);
	check(wait_lease(if1, 60, &l, leased_in, (void *)range), name,
	      "addr %s state %d", dotted(l.addr, a), l.state);
	show("B", &l);
	addr = l.addr;
	snprintf(name, sizeof(name), "change %d: the server's NAK counted", n);
	CHECK(name, l.naks >= (unsigned int)n);
	snprintf(name, sizeof(name), "change %d: %d addresses bound", n, n + 1);
	CHECK_EQ(name, l.addresses, n + 1);
	snprintf(name, sizeof(name), "change %d: eth1's address is the new one",
		 n);
	CHECK_EQ(name, if_addr(if1), addr);
	snprintf(name, sizeof(name), "change %d: no endpoint of the old address",
		 n);
	{
		struct lkl_mptcp_endpoint ep;

		CHECK_EQ(name, endpoints_of(old, &ep), 0);
	}
	snprintf(name, sizeof(name), "change %d", n);
	check_endpoint(name, if1, addr);
	r = wait_subflow_from(fd, addr, 20);
	snprintf(name, sizeof(name), "change %d: a subflow from the new address",
		 n);
	check(r > 0, name, "%d subflows, none from %s", -r - 1,
	      dotted(addr, a));
	j = server("joins");
	snprintf(name, sizeof(name), "change %d: the server saw one more join "
		 "(MPJoinSynRx %d -> more)", n, joins_before);
	check(j > joins_before, name, "MPJoinSynRx %ld", j);
	snprintf(name, sizeof(name), "change %d: 64 KiB echoed", n);
	CHECK(name, echo(fd, 65536));
}

static void mptcp_and_changes(int if0, int if1)
{
	struct lkl_mptcp_info info;
	struct lkl_sockaddr_in sin;
	struct lkl_dhcp_lease l;
	unsigned int acks, b1, b2;
	char a[16];
	long fd, j0, j1, j2;
	int r, st;

	test_section("MPTCP over path A", 30);
	CHECK_EQ("MPTCP limits 2 2", lkl_mptcp_set_limits(2, 2), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_port = be16(6000);
	sin.sin_addr.s_addr = ip4(10, 77, 0, 2);
	fd = connect_to(LKL_AF_INET, LKL_IPPROTO_MPTCP, &sin, sizeof(sin));
	if (!check(fd >= 0, "MPTCP connection to the native server", "%s",
		   lkl_strerror((int)fd)))
		return;
	CHECK("64 KiB echoed over MPTCP", echo(fd, 65536));
	r = (int)mptcp_info(fd, &info);
	check(r == 0 && info.mptcpi_subflows_total == 1,
	      "MPTCP_INFO: one subflow (the peer speaks MPTCP)", "%s, %u",
	      lkl_strerror(r), info.mptcpi_subflows_total);
	j0 = server("joins");
	check(j0 >= 0, "the server's MPJoinSynRx read", "%ld", j0);

	test_section("path B by DHCP: a new subflow", 60);
	CHECK_EQ("DHCP on eth1 by " PATH_B_HOW, start_path_b(if1), 0);
	check(wait_lease(if1, 30, &l, leased_in, (void *)RANGE_B1),
	      "B: address in 10.78.0.100-110", "addr %s state %d",
	      dotted(l.addr, a), l.state);
	show("B", &l);
	b1 = l.addr;
	CHECK_EQ("B: router 10.78.0.2", l.router, ip4(10, 78, 0, 2));
	check_endpoint("B", if1, b1);
	r = wait_subflow_from(fd, b1, 20);
	check(r == 2, "B: a second subflow, from B's address", "%d subflows%s",
	      r < 0 ? -r - 1 : r, r < 0 ? ", none from it" : "");
	j1 = server("joins");
	check(j1 > j0, "B: the server saw the join (MPJoinSynRx)",
	      "%ld, was %ld", j1, j0);
	CHECK("B: 64 KiB echoed over two subflows", echo(fd, 65536));

	test_section("renewal", 60);
	acks = 2;
	check(wait_lease(if0, 40, &l, renewed, &acks),
	      "A: lease renewed at T1 (a second ACK)", "%u ACKs", l.acks);
	show("A", &l);
	CHECK("A: same address after renewal", in_range(l.addr, 77, 50, 60));
	CHECK("A: the lease runs again from the renewal",
	      l.remaining > 100);
	rebinding(if0);

	test_section("change 1: new range, link down and up", 120);
	CHECK_EQ("peer: B's range moved to 10.78.0.150-160",
		 server("range2"), 0);
	CHECK_EQ("eth1 down", lkl_if_down(if1), 0);
	st = LKL_DHCP_LINK_DOWN;
	CHECK("B: the client sees the link down",
	      wait_lease(if1, 5, &l, state_is, &st));
	CHECK_EQ("eth1 up", lkl_if_up(if1), 0);
	check_change(if1, fd, RANGE_B2, b1, (int)j1, 1);
	j2 = server("joins");
	lkl_dhcp_get_lease(if1, &l);
	b2 = l.addr;

	test_section("change 2: new range, NAK at renewal", 120);
	CHECK_EQ("peer: B's range moved to 10.78.0.200-210",
		 server("range3"), 0);
	check_change(if1, fd, RANGE_B3, b2, (int)j2, 2);

	test_section("stop", 30);
	lkl_dhcp_get_lease(if1, &l);
	CHECK_EQ("stop eth1's client", lkl_dhcp_stop(if1), 0);
	CHECK_EQ("eth1 has no address left", if_addr(if1), 0);
	{
		struct lkl_mptcp_endpoint ep;

		CHECK_EQ("no endpoint left of B's address",
			 endpoints_of(l.addr, &ep), 0);
	}
	CHECK_EQ("eth1's lease is gone", lkl_dhcp_get_lease(if1, &l),
		 -LKL_ENOENT);
	CHECK("the connection goes on over path A", echo(fd, 65536));
	lkl_sys_close((unsigned int)fd);
}

int main(int argc, char **argv)
{
	const unsigned char mac0[6] = { 2, 0, 0, 0x77, 0, 1 };
	const unsigned char mac1[6] = { 2, 0, 0, 0x78, 0, 1 };
	struct lkl_dhcp_options oa = { .default_route = 1 };
	struct lkl_dhcp_lease l;
	int if0, if1, d0, d1, st, threads = host_thread_count();
	char a[16];
	long r;

	if (argc != 4) {
		fprintf(stderr, "usage: %s TAP-A TAP-B SERVER-CMD\n", argv[0]);
		return 2;
	}
	server_cmd = argv[3];
	srand(1);
	lkl_host_log_fd = -1;
	d0 = lkl_netdev_add_tap(argv[1], mac0, 1500, 0);
	d1 = add_path_b(argv[2], mac1);
	if (!check(d0 >= 0 && d1 >= 0, "two TAP devices", "%s, %s",
		   lkl_strerror(d0), lkl_strerror(d1)))
		return test_done();
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "kernel boots", "%s", lkl_strerror((int)r)))
		return test_done();
	lkl_mount_fs("proc");
	if0 = lkl_netdev_get_ifindex(d0);
	if1 = lkl_netdev_get_ifindex(d1);
	check(if0 > 0 && if1 > 0, "both interfaces found", "%d, %d", if0, if1);

	test_section("API errors", 30);
	check_errors(if0);

	test_section("path A by DHCP", 60);
	CHECK_EQ("eth0 up", lkl_if_up(if0), 0);
	CHECK_EQ("eth1 up", lkl_if_up(if1), 0);
	CHECK_EQ("DHCP on eth0", lkl_dhcp_start(if0, &oa), 0);
	CHECK_EQ("DHCP on eth0 again is -EBUSY", lkl_dhcp_start(if0, &oa),
		 -LKL_EBUSY);
	CHECK_EQ("lease with a NULL pointer is -EINVAL",
		 lkl_dhcp_get_lease(if0, NULL), -LKL_EINVAL);
	if (check(wait_lease(if0, 30, &l, leased_in, (void *)RANGE_A),
		  "A: bound to an address in 10.77.0.50-60", "addr %s state %d",
		  dotted(l.addr, a), l.state)) {
		show("A", &l);
		check_lease_a(&l);
		CHECK_EQ("A: eth0 has the address", if_addr(if0), l.addr);
		CHECK_EQ("A: the main default route is via its router",
			 default_gateway(a), ip4(10, 77, 0, 2));
	}

	check_slaac(if0, if1);
	mptcp_and_changes(if0, if1);

	test_section("halt with eth0's client running", 30);
	CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
	st = -LKL_ENODEV;
	check(wait_lease(if0, 5, &l, error_is, &st),
	      "the client ends by itself with -ENODEV", "error %d", l.error);
	CHECK_EQ("stop after halt frees it", lkl_dhcp_stop(if0), 0);
	r = host_thread_count_settled(threads, 2000);
	check(r == threads, "no thread left after halt and stop",
	      "%ld, were %d before boot", r, threads);
#ifdef NET_DHCP_JSON
	lkl_config_free(cfg_b);
#endif
	return test_done();
}
