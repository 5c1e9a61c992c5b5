// SPDX-License-Identifier: GPL-2.0
/*
 * mptcp-pipe.c - Multipath TCP between two LKL kernels over two wires,
 * configured with the lkl_mptcp_*() calls (net_mptcp.c).
 *
 * The parent (the "server") makes two SOCK_SEQPACKET socketpairs and
 * forks; each process adds two pipe network devices, one per pair, and
 * boots.  Path A (eth0) is 10.0.1.0/24, path B (eth1) 10.0.2.0/24; the
 * server is .1 on both, the client .2, and each client interface has a
 * table and source rule of its own (lkl_if_set_ipv4_gateway()), the
 * server's address on that link as its gateway.  Nothing reaches the
 * host's network.
 *
 * The client first checks the API: the default limits, their range,
 * endpoints added (IPv4, IPv6, port, interface, every flag) and read
 * back equal, the errors of the library and of the kernel, deletion,
 * flush.  Then the client connects an IPPROTO_MPTCP socket to the
 * server's IPPROTO_MPTCP listener at 10.0.1.1 (path A), and the second
 * path comes from one of two configurations (`mptcp-pipe MODE`; without
 * an argument the program runs itself for both):
 *  - subflow: 10.0.2.2 on the client's eth1 is a `subflow` endpoint:
 *    the client's kernel adds a subflow from it to 10.0.1.1, through
 *    path B;
 *  - signal: 10.0.2.1 on the server's eth1 is a `signal` endpoint: the
 *    server announces it (ADD_ADDR), the client, which accepts two
 *    announcements, opens a subflow to it from 10.0.2.2.
 * Both sides check that the connection has two subflows (MPTCP_INFO)
 * and between which addresses (MPTCP_SUBFLOW_ADDRS), move 32 MiB each
 * way, every byte checked, and check that both devices carried a share
 * of it (/proc/net/dev).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/in.h>
#include <lkl/linux/mptcp.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "lkl-util.h"
#include "mptcp-util.h"
#include "pair-util.h"
#include "test.h"

#define MiB		(1024 * 1024)
#define BULK_SIZE	(32 * MiB)
#define PORT		5002
#define BOOT_ARGS	"mem=128M loglevel=4"
/* Each path must carry at least this share of the bulk bytes (%). */
#define MIN_SHARE	10

static int is_server;
/* The server announces its path B address instead of a client endpoint. */
static int signal_mode;
static const char *role;
static char name_buf[160];

/* A check name carrying the role, "server: ..." or "client: ...". */
static const char *nm(const char *what)
{
	snprintf(name_buf, sizeof(name_buf), "%s: %s", role, what);
	return name_buf;
}

/* The address of side @host (1 server, 2 client) on path @path (0, 1). */
static unsigned int path_addr(int path, int host)
{
	return ip4(10, 0, path + 1, host);
}

/* ---- The API, on the client ---- */

static struct lkl_mptcp_endpoint ep4(int id, unsigned int addr, int port,
				     int ifindex, unsigned int flags)
{
	struct lkl_mptcp_endpoint ep;

	memset(&ep, 0, sizeof(ep));
	ep.id = id;
	ep.af = LKL_AF_INET;
	memcpy(ep.addr, &addr, 4);
	ep.port = port;
	ep.ifindex = ifindex;
	ep.flags = flags;
	return ep;
}

static void api_limits(void)
{
	unsigned int sf = 99, aa = 99;
	char buf[16];
	int r;

	r = lkl_sysctl_get("net.mptcp.enabled", buf, sizeof(buf));
	check(r > 0 && !strcmp(buf, "1"), nm("net.mptcp.enabled is 1"),
	      "%s", r < 0 ? lkl_strerror(r) : buf);
	r = lkl_mptcp_get_limits(&sf, &aa);
	check(r == 0 && sf == 2 && aa == 0,
	      nm("limits at boot: subflows 2, add_addr_accepted 0"),
	      "%s, %u %u", lkl_strerror(r), sf, aa);
	CHECK_EQ(nm("lkl_mptcp_set_limits subflows 9 is the kernel's -EINVAL"),
		 lkl_mptcp_set_limits(9, 0), -LKL_EINVAL);
	CHECK_EQ(nm("lkl_mptcp_set_limits add_addr_accepted 9 is -EINVAL"),
		 lkl_mptcp_set_limits(0, 9), -LKL_EINVAL);
	r = lkl_mptcp_get_limits(&sf, &aa);
	check(r == 0 && sf == 2 && aa == 0,
	      nm("limits unchanged by the refused calls"), "%s, %u %u",
	      lkl_strerror(r), sf, aa);
	CHECK_EQ(nm("lkl_mptcp_set_limits 8 3"), lkl_mptcp_set_limits(8, 3),
		 0);
	r = lkl_mptcp_get_limits(&sf, &aa);
	check(r == 0 && sf == 8 && aa == 3, nm("limits read back: 8 3"),
	      "%s, %u %u", lkl_strerror(r), sf, aa);
	CHECK_EQ(nm("lkl_mptcp_get_limits with NULL pointers"),
		 lkl_mptcp_get_limits(NULL, NULL), 0);
}

/* The endpoints' list equals @want (@n of them, in id order). */
static void list_equals(const struct lkl_mptcp_endpoint *want, int n,
			const char *what)
{
	struct lkl_mptcp_endpoint got[LKL_MPTCP_ENDPOINTS_MAX];
	int r, i;

	r = lkl_mptcp_endpoint_list(got, LKL_MPTCP_ENDPOINTS_MAX);
	if (!check(r == n, nm(what), "%d endpoints listed, want %d (%s)", r,
		   n, r < 0 ? lkl_strerror(r) : "-"))
		return;
	for (i = 0; i < n; i++)
		if (memcmp(&got[i], &want[i], sizeof(got[i])))
			break;
	if (i == n) {
		check(1, nm(what), "-");
		return;
	}
	check(0, nm(what),
	      "endpoint %d differs: id %d af %d flags 0x%x port %d ifindex %d",
	      i, got[i].id, got[i].af, got[i].flags, got[i].port,
	      got[i].ifindex);
}

static void endpoint_errors(void)
{
	struct lkl_mptcp_endpoint ep = ep4(0, ip4(10, 0, 9, 1), 0, 0,
					   LKL_MPTCP_FLAG_SUBFLOW);

	ep.af = 99;
	CHECK_EQ(nm("endpoint of address family 99 is -EAFNOSUPPORT"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EAFNOSUPPORT);
	ep.af = LKL_AF_INET;
	ep.flags = 1 << 6;
	CHECK_EQ(nm("endpoint flag 0x40 is -EINVAL"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EINVAL);
	ep.flags = LKL_MPTCP_FLAG_IMPLICIT;
	CHECK_EQ(nm("endpoint flag implicit is -EINVAL"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EINVAL);
	ep.flags = LKL_MPTCP_FLAG_SUBFLOW;
	ep.id = 256;
	CHECK_EQ(nm("endpoint id 256 is -EINVAL"), lkl_mptcp_endpoint_add(&ep),
		 -LKL_EINVAL);
	ep.id = 0;
	ep.port = 70000;
	CHECK_EQ(nm("endpoint port 70000 is -EINVAL"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EINVAL);
	ep.port = 7000;
	CHECK_EQ(nm("endpoint with a port and `subflow`: kernel's -EINVAL"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EINVAL);
	ep.port = 0;
	ep.flags = LKL_MPTCP_FLAG_SIGNAL | LKL_MPTCP_FLAG_FULLMESH;
	CHECK_EQ(nm("endpoint `signal` and `fullmesh`: kernel's -EINVAL"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EINVAL);
	ep.flags = LKL_MPTCP_FLAG_SUBFLOW;
	ep.ifindex = -1;
	CHECK_EQ(nm("endpoint ifindex -1 is -EINVAL"),
		 lkl_mptcp_endpoint_add(&ep), -LKL_EINVAL);
	CHECK_EQ(nm("lkl_mptcp_endpoint_add(NULL) is -EINVAL"),
		 lkl_mptcp_endpoint_add(NULL), -LKL_EINVAL);
	CHECK_EQ(nm("endpoint_del of unknown id 42: the kernel's -EINVAL"),
		 lkl_mptcp_endpoint_del(42), -LKL_EINVAL);
	CHECK_EQ(nm("lkl_mptcp_endpoint_del of id 0 is -EINVAL"),
		 lkl_mptcp_endpoint_del(0), -LKL_EINVAL);
	CHECK_EQ(nm("lkl_mptcp_endpoint_del of id 256 is -EINVAL"),
		 lkl_mptcp_endpoint_del(256), -LKL_EINVAL);
	CHECK_EQ(nm("lkl_mptcp_endpoint_list with max -1 is -EINVAL"),
		 lkl_mptcp_endpoint_list(NULL, -1), -LKL_EINVAL);
}

static void api_endpoints(int if1)
{
	struct lkl_mptcp_endpoint eps[LKL_MPTCP_ENDPOINTS_MAX], one;
	unsigned char v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				 0, 0, 0, 0, 0, 0, 0, 2 };
	int r, i;

	CHECK_EQ(nm("no endpoint at boot"), lkl_mptcp_endpoint_list(NULL, 0),
		 0);
	endpoint_errors();

	/* One of each kind; the kernel picks the first id (1). */
	eps[0] = ep4(0, ip4(10, 0, 9, 1), 0, 0, LKL_MPTCP_FLAG_SIGNAL);
	eps[1] = ep4(20, 0, 0, if1, LKL_MPTCP_FLAG_SUBFLOW |
		     LKL_MPTCP_FLAG_BACKUP);
	eps[1].af = LKL_AF_INET6;
	memcpy(eps[1].addr, v6, sizeof(v6));
	eps[2] = ep4(30, path_addr(0, 2), 7000, 0, LKL_MPTCP_FLAG_SIGNAL |
		     LKL_MPTCP_FLAG_BACKUP);
	eps[3] = ep4(40, ip4(10, 0, 9, 3), 0, 0, LKL_MPTCP_FLAG_SUBFLOW |
		     LKL_MPTCP_FLAG_FULLMESH);
	r = lkl_mptcp_endpoint_add(&eps[0]);
	check(r > 0, nm("`signal` endpoint added, the kernel picks its id"),
	      "%s", lkl_strerror(r));
	eps[0].id = r;
	CHECK_EQ(nm("IPv6 `subflow backup` endpoint on eth1, id 20"),
		 lkl_mptcp_endpoint_add(&eps[1]), 20);
	CHECK_EQ(nm("`signal backup` endpoint with port 7000, id 30"),
		 lkl_mptcp_endpoint_add(&eps[2]), 30);
	CHECK_EQ(nm("`subflow fullmesh` endpoint, id 40"),
		 lkl_mptcp_endpoint_add(&eps[3]), 40);
	list_equals(eps, 4, "the 4 endpoints read back as added");

	one = eps[3];
	one.id = 0;
	CHECK_EQ(nm("the same address again: kernel's -EEXIST"),
		 lkl_mptcp_endpoint_add(&one), -LKL_EEXIST);
	one = ep4(40, ip4(10, 0, 9, 4), 0, 0, LKL_MPTCP_FLAG_SUBFLOW);
	CHECK_EQ(nm("an id in use: kernel's -EBUSY"),
		 lkl_mptcp_endpoint_add(&one), -LKL_EBUSY);
	r = lkl_mptcp_endpoint_list(&one, 1);
	check(r == 4 && one.id == eps[0].id,
	      nm("a list cut at 1 says 4 and gives the first"), "%d, id %d",
	      r, one.id);

	CHECK_EQ(nm("lkl_mptcp_endpoint_del 20"), lkl_mptcp_endpoint_del(20),
		 0);
	eps[1] = eps[2];
	eps[2] = eps[3];
	list_equals(eps, 3, "the 3 left read back");
	CHECK_EQ(nm("lkl_mptcp_endpoint_flush"), lkl_mptcp_endpoint_flush(), 0);
	CHECK_EQ(nm("no endpoint after flush"),
		 lkl_mptcp_endpoint_list(NULL, 0), 0);

	for (i = 0, r = 0; i < LKL_MPTCP_ENDPOINTS_MAX && r >= 0; i++) {
		one = ep4(0, ip4(10, 0, 8, i + 1), 0, 0,
			  LKL_MPTCP_FLAG_SUBFLOW);
		r = lkl_mptcp_endpoint_add(&one);
	}
	check(r > 0, nm("8 endpoints"), "%s", lkl_strerror(r));
	one = ep4(0, ip4(10, 0, 8, 99), 0, 0, LKL_MPTCP_FLAG_SUBFLOW);
	CHECK_EQ(nm("a 9th endpoint: kernel's -ERANGE"),
		 lkl_mptcp_endpoint_add(&one), -LKL_ERANGE);
	CHECK_EQ(nm("flush the 8"), lkl_mptcp_endpoint_flush(), 0);
}

/* ---- The connection ---- */

/* Address @addr written out in @buf. */
static const char *dotted(unsigned int addr, char buf[16])
{
	const unsigned char *b = (const unsigned char *)&addr;

	snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

/*
 * The subflows' addresses (MPTCP_SUBFLOW_ADDRS): the first from
 * 10.0.1.2 to 10.0.1.1, the second from 10.0.2.2 to 10.0.1.1 (the
 * client's `subflow` endpoint) or to 10.0.2.1 (the address the server
 * announced), whichever side looks.
 */
static void subflow_addrs(long fd)
{
	struct lkl_mptcp_subflow_addrs a[2];
	unsigned int i, j, num, client, server;
	int seen[2] = { 0, 0 };
	char b1[16], b2[16];
	long r;

	r = mptcp_subflow_addrs(fd, a, 2, &num);
	if (!check(r == 0 && num == 2,
		   nm("MPTCP_SUBFLOW_ADDRS lists 2 subflows"), "%s, %u",
		   lkl_strerror((int)r), num))
		return;
	for (i = 0; i < 2; i++) {
		client = a[i].sin_local.sin_addr.s_addr;
		server = a[i].sin_remote.sin_addr.s_addr;
		if (is_server) {
			server = client;
			client = a[i].sin_remote.sin_addr.s_addr;
		}
		for (j = 0; j < 2; j++)
			if (client == path_addr((int)j, 2) &&
			    server == path_addr(signal_mode ? (int)j : 0, 1))
				seen[j]++;
		printf("# %s: subflow %u: client %s, server %s\n", role, i,
		       dotted(client, b1), dotted(server, b2));
	}
	check(seen[0] == 1 && seen[1] == 1,
	      nm(signal_mode ? "subflows 10.0.1.2-10.0.1.1, 10.0.2.2-10.0.2.1" :
			       "subflows 10.0.1.2-10.0.1.1, 10.0.2.2-10.0.1.1"),
	      "%d and %d seen", seen[0], seen[1]);
}

/*
 * The connection, with its two subflows: the fd, or -errno.  The
 * server's listener goes to *@lfd.
 */
static long mptcp_connection(long *lfd)
{
	struct lkl_sockaddr_in sin;
	long fd, r;
	char c = 'h';
	int n;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_port = be16(PORT);
	if (is_server) {
		*lfd = listen_on(LKL_AF_INET, LKL_IPPROTO_MPTCP, &sin,
				 sizeof(sin));
		if (!check(*lfd >= 0, nm("IPPROTO_MPTCP listener"), "%s",
			   lkl_strerror((int)*lfd)))
			return *lfd;
		/*
		 * The listener stays open: the joins of the connection's
		 * other subflows come to it.
		 */
		fd = lkl_sys_accept((int)*lfd, NULL, NULL);
		/* A first byte makes the connection fully established. */
		r = fd < 0 ? fd : lkl_sys_write((unsigned int)fd, &c, 1);
	} else {
		sin.sin_addr.s_addr = path_addr(0, 1);
		fd = connect_to(LKL_AF_INET, LKL_IPPROTO_MPTCP, &sin,
				sizeof(sin), 20);
		r = fd < 0 ? fd : lkl_sys_read((unsigned int)fd, &c, 1);
	}
	if (!check(r == 1, nm("MPTCP connection over path A"), "%s",
		   lkl_strerror((int)r)))
		return r < 0 ? r : -LKL_EPROTO;
	n = wait_subflows(fd, 2, 10);
	check(n == 2, nm("MPTCP_INFO: 2 subflows"), "%d", n);
	subflow_addrs(fd);
	return fd;
}

/* The kernel's nonzero MPTCP counters (MPTcpExt), as comments. */
static void mptcp_counters(void)
{
	static char buf[16384];
	char *names, *values, *n, *v, *sn = NULL, *sv = NULL;

	if (read_lkl_file("/proc/net/netstat", buf, sizeof(buf)) <= 0)
		return;
	names = strstr(buf, "MPTcpExt:");
	values = names ? strstr(names + 1, "MPTcpExt:") : NULL;
	if (!values)
		return;
	*strchr(names, '\n') = 0;
	if (strchr(values, '\n'))
		*strchr(values, '\n') = 0;
	printf("# %s: MPTcpExt:", role);
	n = strtok_r(names + 9, " ", &sn);
	v = strtok_r(values + 9, " ", &sv);
	while (n && v) {
		if (strcmp(v, "0"))
			printf(" %s=%s", n, v);
		n = strtok_r(NULL, " ", &sn);
		v = strtok_r(NULL, " ", &sv);
	}
	printf("\n");
}

/* Each device's bytes received, for the shares of the bulk transfer. */
static void rx_bytes(unsigned long long rx[2])
{
	struct if_frames f;

	rx[0] = if_frames("eth0", &f) ? 0 : f.rx_bytes;
	rx[1] = if_frames("eth1", &f) ? 0 : f.rx_bytes;
}

/* @what's share of the bytes received on each path since @before. */
static void path_shares(const unsigned long long before[2], const char *what)
{
	unsigned long long now[2], d[2], sum;
	char name[128];
	int i;

	rx_bytes(now);
	for (i = 0; i < 2; i++)
		d[i] = now[i] - before[i];
	sum = d[0] + d[1];
	printf("# %s: %s received %llu bytes on path A, %llu on path B\n",
	       role, what, d[0], d[1]);
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name),
			 "%s: path %c carried >= %d%% of %s", role, 'A' + i,
			 MIN_SHARE, what);
		/* Some bytes may have come before the count began. */
		check(sum >= BULK_SIZE / 10 * 9 &&
		      d[i] * 100 >= sum * MIN_SHARE, name,
		      "%llu of %llu bytes", d[i], sum);
	}
}

/* 32 MiB each way over the connection, checked; prints the rates. */
static void bulk(long fd)
{
	unsigned long long before[2];
	struct lkl_mptcp_info info;
	uint64_t bad = 0;
	double t;
	long r;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		int sender = dir == 0 ? !is_server : is_server;

		rx_bytes(before);
		t = host_sec();
		r = sender ? send_stream(fd, BULK_SIZE, 11 + dir) :
			     recv_stream(fd, BULK_SIZE, 11 + dir, &bad);
		t = host_sec() - t;
		check_stream(r, bad, nm(dir ?
					"32 MiB server to client, checked" :
					"32 MiB client to server, checked"));
		if (r == 0 && !sender) {
			printf("# %s: %.1f MiB/s\n", role, 32 / t);
			path_shares(before, dir ? "server to client" :
					    "client to server");
		}
	}
	r = mptcp_info(fd, &info);
	check(r == 0 && info.mptcpi_subflows_total == 2,
	      nm("still 2 subflows after the transfer"), "%s, %u",
	      lkl_strerror((int)r), info.mptcpi_subflows_total);
	mptcp_counters();
}

/* ---- One side ---- */

static int setup_paths(const int id[2], int ifindex[2])
{
	int me = is_server ? 1 : 2, i, r;
	unsigned int sf, aa;

	for (i = 0; i < 2; i++) {
		ifindex[i] = lkl_netdev_get_ifindex(id[i]);
		if (!check(ifindex[i] > 0, nm("device found"), "%s",
			   lkl_strerror(ifindex[i])))
			return -1;
		r = lkl_if_up(ifindex[i]);
		if (!r)
			r = lkl_if_set_ipv4(ifindex[i], path_addr(i, me), 24);
		if (!r && !is_server)
			r = lkl_if_set_ipv4_gateway(ifindex[i], path_addr(i, 2),
						    24, path_addr(i, 1));
		if (!check(r == 0, nm(i ? "path B configured" :
				      "path A configured"), "%s",
			   lkl_strerror(r)))
			return -1;
	}
	/* The API once, in the first mode. */
	if (!is_server && !signal_mode) {
		api_limits();
		api_endpoints(ifindex[1]);
	}
	/* At least one extra subflow each side; accept announcements. */
	r = lkl_mptcp_set_limits(2, 2);
	if (!r)
		r = lkl_mptcp_get_limits(&sf, &aa);
	check(r == 0 && sf == 2 && aa == 2, nm("limits 2 2"), "%s, %u %u",
	      lkl_strerror(r), sf, aa);
	if (is_server == signal_mode) {
		struct lkl_mptcp_endpoint ep = ep4(0, path_addr(1, me), 0,
						   ifindex[1], signal_mode ?
						   LKL_MPTCP_FLAG_SIGNAL :
						   LKL_MPTCP_FLAG_SUBFLOW);

		r = lkl_mptcp_endpoint_add(&ep);
		check(r > 0, nm(signal_mode ?
				"`signal` endpoint 10.0.2.1 on eth1" :
				"`subflow` endpoint 10.0.2.2 on eth1"), "%s",
		      lkl_strerror(r));
	}
	return 0;
}

/* One side, up to the closing exchange; 0 if the kernel did not boot. */
static int run_side(const int fds[2])
{
	unsigned char mac[6] = { 2, 0, 0, 0, 0, 0 };
	int id[2], ifindex[2], i, r;
	long conn, lfd = -1;

	test_section(nm("boot"), 60);
	for (i = 0; i < 2; i++) {
		mac[4] = (unsigned char)(i + 1);
		mac[5] = (unsigned char)(is_server ? 1 : 2);
		id[i] = lkl_netdev_add_pipe(fds[i], mac, 1500,
					    LKL_NETDEV_OFFLOAD_ALL);
		if (!check(id[i] >= 0, nm("lkl_netdev_add_pipe"), "%s",
			   lkl_strerror(id[i])))
			return 0;
		close(fds[i]);
	}
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, nm("boot"), "%s", lkl_strerror(r)))
		return 0;
	test_section(nm("paths and the MPTCP API"), 60);
	if (setup_paths(id, ifindex))
		return 1;
	test_section(nm("MPTCP connection, 32 MiB each way"), 240);
	conn = mptcp_connection(&lfd);
	if (conn >= 0) {
		bulk(conn);
		test_section(nm("final exchange"), 60);
		pair_barrier(conn, is_server, nm("final exchange"));
	}
	if (lfd >= 0)
		lkl_sys_close((unsigned int)lfd);
	return 1;
}

static void halt(void)
{
	test_section(nm("halt"), 60);
	CHECK_EQ(nm("lkl_sys_halt"), lkl_sys_halt(), 0);
}

/* One run of MODE: this process is the server, a child the client. */
static void run_pair(void)
{
	int a[2], b[2], out = -1, fds[2], booted;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b)) {
		check(0, "socketpairs", "%s", strerror(errno));
		return;
	}
	pid = fork_child(&out);
	if (pid == 0) {
		close(a[0]);
		close(b[0]);
		role = "client";
		fds[0] = a[1];
		fds[1] = b[1];
		if (run_side(fds))
			halt();
		exit(test_done());
	}
	close(a[1]);
	close(b[1]);
	role = "server";
	is_server = 1;
	if (!check(pid > 0, "fork", "%s", strerror(errno)))
		return;
	fds[0] = a[0];
	fds[1] = b[0];
	booted = run_side(fds);
	/* The client's results, before this kernel stops answering it. */
	wait_child(pid, out, "client", 120);
	if (booted)
		halt();
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "subflow", "signal" };
	char label[64];
	unsigned int i;
	pid_t pid;
	int out = -1;

	if (argc == 2 && (!strcmp(argv[1], modes[0]) ||
			  !strcmp(argv[1], modes[1]))) {
		signal_mode = !strcmp(argv[1], "signal");
		run_pair();
		return test_done();
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [subflow|signal]\n", argv[0]);
		return 2;
	}
	/* Each mode in a process of its own: a process boots once. */
	for (i = 0; i < 2; i++) {
		printf("# mode %s\n", modes[i]);
		pid = fork_child(&out);
		if (pid == 0) {
			execl(argv[0], argv[0], modes[i], (char *)NULL);
			printf("FAIL - exec %s: %s\n", argv[0],
			       strerror(errno));
			exit(1);
		}
		if (!check(pid > 0, "fork", "%s", strerror(errno)))
			break;
		snprintf(label, sizeof(label), "mode %s", modes[i]);
		wait_child(pid, out, label, 300);
	}
	return test_done();
}
