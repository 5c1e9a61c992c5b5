// SPDX-License-Identifier: GPL-2.0
/*
 * net-pipe.c - two LKL instances on a wire: virtio-net devices with the
 * pipe backend (lkl_netdev_add_pipe()) and the interface calls of
 * net_config.c.
 *
 * The parent makes a SOCK_SEQPACKET socketpair and forks; each process
 * adds a network device on its end, boots, and configures it: the
 * parent (the "server") is 10.0.0.1/24 and fd00::1/64, the child (the
 * "client") 10.0.0.2/24 and fd00::2/64.  The addresses exist only in
 * these two kernels: nothing reaches the host's network.  Then:
 *  - TCP over IPv4: 64 MiB client to server, then 64 MiB back, every
 *    byte checked against a position-dependent pattern;
 *  - ICMP echo both ways through ping sockets (ping_group_range set
 *    through /proc/sys);
 *  - TCP over IPv6, 4 MiB client to server;
 *  - a last exchange of one byte each way, so that neither halts while
 *    the other still needs it; halt; no host threads are left.
 * The child's result lines come back through a pipe and are counted in
 * the parent's summary.
 *
 * `net-pipe SERVER-OFFLOAD CLIENT-OFFLOAD` runs that with these offload
 * masks (hex, lkl_netdev_add_pipe()); with full offload both sides check
 * that frames larger than the MTU went through (TSO and LRO: the average
 * frame received is over 1514 bytes).  Without arguments it runs itself
 * for: no offload; full offload on both sides; checksum offload on the
 * server only, so that the client fills in the server's partial
 * checksums.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/icmp.h>
#include <lkl/linux/in.h>
#include <lkl/linux/in6.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "lkl-util.h"
#include "pair-util.h"
#include "test.h"

#define MiB		(1024 * 1024)
#define BULK_SIZE	(64 * MiB)
#define V6_SIZE		(4 * MiB)
#define PORT4		5000
#define PORT6		5001
#define BOOT_ARGS	"mem=128M loglevel=4"

static int is_server;
/* The offload masks of this run, the server's and the client's. */
static unsigned long long offload[2];
/* The server's view of the client process. */
static pid_t child_pid;
static int child_out = -1;
static const char *role;
static char name_buf[128];

/* A check name carrying the role, "server: ..." or "client: ...". */
static const char *nm(const char *what)
{
	snprintf(name_buf, sizeof(name_buf), "%s: %s", role, what);
	return name_buf;
}


/* ---- Sockets ---- */


static void sin4(struct lkl_sockaddr_in *sin, unsigned int addr, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = LKL_AF_INET;
	sin->sin_port = be16((unsigned int)port);
	sin->sin_addr.s_addr = addr;
}

static void sin6(struct lkl_sockaddr_in6 *sin, int last, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin6_family = LKL_AF_INET6;
	sin->sin6_port = be16((unsigned int)port);
	sin->sin6_addr.lkl_s6_addr[0] = 0xfd;
	sin->sin6_addr.lkl_s6_addr[15] = (unsigned char)last;
}

/* The server's end of the one TCP connection over IPv4. */
static long tcp4_connection(void)
{
	struct lkl_sockaddr_in sin;
	long lfd, fd;

	if (!is_server) {
		sin4(&sin, ip4(10, 0, 0, 1), PORT4);
		return connect_to(LKL_AF_INET, 0, &sin, sizeof(sin), 20);
	}
	sin4(&sin, 0, PORT4);
	lfd = listen_on(LKL_AF_INET, 0, &sin, sizeof(sin));
	if (lfd < 0)
		return lfd;
	fd = lkl_sys_accept((int)lfd, NULL, NULL);
	lkl_sys_close((unsigned int)lfd);
	return fd;
}

/* ---- The sections ---- */

static int setup_netdev(int id)
{
	int ifindex, r;

	ifindex = lkl_netdev_get_ifindex(id);
	if (!check(ifindex > 0, nm("lkl_netdev_get_ifindex finds the NIC"),
		   "%s", lkl_strerror(ifindex)))
		return -1;
	CHECK_EQ(nm("lkl_netdev_get_ifindex of no device is -ENODEV"),
		 lkl_netdev_get_ifindex(id + 1), -LKL_ENODEV);
	r = lkl_if_up(ifindex);
	check(r == 0, nm("lkl_if_up"), "%s", lkl_strerror(r));
	r = lkl_if_set_ipv4(ifindex, ip4(10, 0, 0, is_server ? 1 : 2), 24);
	check(r == 0, nm("lkl_if_set_ipv4 10.0.0.x/24"), "%s",
	      lkl_strerror(r));
	CHECK_EQ(nm("lkl_if_set_ipv4 with a 33-bit prefix is -EINVAL"),
		 lkl_if_set_ipv4(ifindex, ip4(10, 0, 0, 9), 33), -LKL_EINVAL);
	CHECK_EQ(nm("lkl_if_set_mtu above the device's maximum is -EINVAL"),
		 lkl_if_set_mtu(ifindex, 70000), -LKL_EINVAL);
	r = lkl_if_set_mtu(ifindex, 1500);
	check(r == 0, nm("lkl_if_set_mtu 1500"), "%s", lkl_strerror(r));
	return ifindex;
}

/* Bulk TCP both ways; prints the rates. */
static long tcp4_bulk(void)
{
	uint64_t bad = 0;
	double t;
	long fd, r;

	fd = tcp4_connection();
	if (!check(fd >= 0, nm("TCP over IPv4 connected"), "%s",
		   lkl_strerror((int)fd)))
		return fd;
	t = host_sec();
	r = is_server ? recv_stream(fd, BULK_SIZE, 1, &bad) :
			send_stream(fd, BULK_SIZE, 1);
	t = host_sec() - t;
	check_stream(r, bad, nm("64 MiB client to server, every byte checked"));
	if (r == 0 && is_server)
		printf("# TCP client to server: %.1f MiB/s\n", 64 / t);
	t = host_sec();
	r = is_server ? send_stream(fd, BULK_SIZE, 2) :
			recv_stream(fd, BULK_SIZE, 2, &bad);
	t = host_sec() - t;
	check_stream(r, bad, nm("64 MiB server to client, every byte checked"));
	if (r == 0 && !is_server)
		printf("# TCP server to client: %.1f MiB/s\n", 64 / t);
	return fd;
}

/*
 * With TSO and LRO on both sides, the bulk transfer must have gone as
 * frames larger than the MTU (1500): the device really carried them.
 */
static void large_frames(void)
{
	struct if_frames f;
	unsigned long long avg;

	if (offload[0] != LKL_NETDEV_OFFLOAD_ALL ||
	    offload[1] != LKL_NETDEV_OFFLOAD_ALL)
		return;
	if (!check(if_frames("eth0", &f) == 0, nm("eth0 in /proc/net/dev"),
		   "not listed"))
		return;
	avg = f.rx_packets ? f.rx_bytes / f.rx_packets : 0;
	check(avg > 1514, nm("large segments received (LRO)"),
	      "%llu bytes per frame", avg);
	printf("# %s: %llu frames received, %llu bytes on average\n", role,
	       f.rx_packets, avg);
	avg = f.tx_packets ? f.tx_bytes / f.tx_packets : 0;
	check(avg > 1514, nm("large segments sent (TSO)"),
	      "%llu bytes per frame", avg);
}

/* One echo request to the peer and its reply; 0 or -errno / 1 (bad). */
static long ping_peer(void)
{
	struct lkl_sockaddr_in to;
	unsigned char pkt[64], reply[128];
	struct lkl_icmphdr *h = (struct lkl_icmphdr *)pkt;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, LKL_IPPROTO_ICMP);
	if (fd < 0)
		return fd;
	memset(pkt, 0, sizeof(pkt));
	h->type = LKL_ICMP_ECHO;
	h->un.echo.sequence = be16(7);
	memcpy(pkt + sizeof(*h), "lkl-ping", 8);
	sin4(&to, ip4(10, 0, 0, is_server ? 2 : 1), 0);
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

static void icmp_echo(void)
{
	long r;

	r = allow_ping();
	if (!check(r == 0, nm("ping_group_range set through /proc/sys"), "%s",
		   lkl_strerror((int)r)))
		return;
	r = ping_peer();
	check(r == 0, nm("ICMP echo to the peer through a ping socket"),
	      "%s", r == 1 ? "bad reply" : lkl_strerror((int)r));
}

static void tcp6(int ifindex)
{
	struct lkl_sockaddr_in6 sin;
	unsigned char addr[16] = { 0xfd };
	uint64_t bad = 0;
	long lfd, fd, r;

	addr[15] = (unsigned char)(is_server ? 1 : 2);
	r = lkl_if_add_ipv6(ifindex, addr, 64);
	if (!check(r == 0, nm("lkl_if_add_ipv6 fd00::x/64"), "%s",
		   lkl_strerror((int)r)))
		return;
	if (is_server) {
		/* Bound to the wildcard: usable before DAD is done. */
		sin6(&sin, 0, PORT6);
		sin.sin6_addr.lkl_s6_addr[0] = 0;
		lfd = listen_on(LKL_AF_INET6, 0, &sin, sizeof(sin));
		if (!check(lfd >= 0, nm("IPv6 listen"), "%s",
			   lkl_strerror((int)lfd)))
			return;
		fd = lkl_sys_accept((int)lfd, NULL, NULL);
		lkl_sys_close((unsigned int)lfd);
		r = fd < 0 ? fd : recv_stream(fd, V6_SIZE, 3, &bad);
	} else {
		/* Retried while duplicate address detection runs. */
		sin6(&sin, 1, PORT6);
		fd = connect_to(LKL_AF_INET6, 0, &sin, sizeof(sin), 20);
		r = fd < 0 ? fd : send_stream(fd, V6_SIZE, 3);
	}
	check_stream(r, bad, nm("4 MiB over TCP/IPv6 (fd00::/64), checked"));
	if (fd >= 0)
		lkl_sys_close((unsigned int)fd);
}


/* ---- Before boot ---- */

static void add_errors(void)
{
	static const unsigned char mac[6] = { 2, 0, 0, 0, 0, 9 };
	static const unsigned char mcast[6] = { 1, 0, 0, 0, 0, 9 };
	FILE *file;
	int sv[2];

	CHECK_EQ("lkl_netdev_add_pipe of a closed fd is -EBADF",
		 lkl_netdev_add_pipe(999, mac, 0, 0), -LKL_EBADF);
	file = tmpfile();
	if (file) {
		CHECK_EQ("lkl_netdev_add_pipe of a file is -ENOTSOCK",
			 lkl_netdev_add_pipe(fileno(file), mac, 0, 0),
			 -LKL_ENOTSOCK);
		fclose(file);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		CHECK_EQ("lkl_netdev_add_pipe of a stream socket is -EINVAL",
			 lkl_netdev_add_pipe(sv[0], mac, 0, 0), -LKL_EINVAL);
		CHECK_EQ("lkl_netdev_add_pipe with a multicast MAC is -EINVAL",
			 lkl_netdev_add_pipe(sv[0], mcast, 0, 0), -LKL_EINVAL);
		close(sv[0]);
		close(sv[1]);
	}
	CHECK_EQ("lkl_netdev_remove of no device is -ENODEV",
		 lkl_netdev_remove(3), -LKL_ENODEV);
}

/* ---- One side ---- */

static void wait_client(const char *name, unsigned int seconds);

static void busy_after_boot(const unsigned char mac[6])
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		return;
	CHECK_EQ(nm("lkl_netdev_add_pipe after boot is -EBUSY"),
		 lkl_netdev_add_pipe(sv[0], mac, 0, 0), -LKL_EBUSY);
	close(sv[0]);
	close(sv[1]);
}

static int run_side(int fd)
{
	unsigned char mac[6] = { 2, 0, 0, 0, 0, 0 };
	int id, ifindex, threads, r;
	long conn;

	mac[5] = (unsigned char)(is_server ? 1 : 2);
	test_section(nm("boot"), 60);
	threads = host_thread_count();
	id = lkl_netdev_add_pipe(fd, mac, 9000, offload[!is_server]);
	if (!check(id >= 0, nm("lkl_netdev_add_pipe"), "%s",
		   lkl_strerror(id)))
		return 1;
	close(fd);
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, nm("boot"), "%s", lkl_strerror(r)))
		return 1;
	busy_after_boot(mac);
	ifindex = setup_netdev(id);
	if (ifindex < 0)
		return 1;

	test_section(nm("TCP over IPv4, 64 MiB each way"), 180);
	conn = tcp4_bulk();
	large_frames();
	test_section(nm("ICMP echo"), 30);
	icmp_echo();
	test_section(nm("TCP over IPv6"), 60);
	tcp6(ifindex);
	test_section(nm("halt"), 60);
	if (conn >= 0)
		pair_barrier(conn, is_server, nm("final exchange"));
	if (is_server)
		wait_client("client", 120);
	test_section(nm("halt"), 60);
	CHECK_EQ(nm("lkl_sys_halt"), lkl_sys_halt(), 0);
	CHECK_EQ(nm("no host thread left after halt"),
		 host_thread_count_settled(threads, 2000),
		 threads);
	CHECK_EQ(nm("lkl_netdev_remove after halt"), lkl_netdev_remove(id), 0);
	return 0;
}


/* The results of child @name (the client, or a run), once it exited. */
static void wait_client(const char *name, unsigned int seconds)
{
	wait_child(child_pid, child_out, name, seconds);
	child_out = -1;
}

/* One run: the two sides with offload masks @offload. */
static void run_pair(void)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		check(0, "socketpair", "%s", strerror(errno));
		return;
	}
	pid = fork_child(&child_out);
	if (pid == 0) {
		close(sv[0]);
		role = "client";
		run_side(sv[1]);
		exit(test_done());
	}
	close(sv[1]);
	role = "server";
	is_server = 1;
	if (!check(pid > 0, "fork", "%s", strerror(errno)))
		return;
	child_pid = pid;
	run_side(sv[0]);
	/* A server that gave up early still counts the client. */
	if (child_out >= 0)
		wait_client("client", 120);
}

/* Run this program again with each pair of offload masks. */
static void run_all(const char *self)
{
	static const char *const runs[][2] = {
		{ "0", "0" },
		{ "0x9983", "0x9983" },	/* LKL_NETDEV_OFFLOAD_ALL */
		{ "0x3", "0" },		/* checksums, server only */
	};
	char label[64];
	unsigned int i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		printf("# offloads: server %s, client %s\n", runs[i][0],
		       runs[i][1]);
		child_pid = fork_child(&child_out);
		if (child_pid == 0) {
			host_execv(self, (char *[]){ (char *)self,
				   (char *)runs[i][0], (char *)runs[i][1], NULL });
			printf("FAIL - exec %s: %s\n", self, strerror(errno));
			exit(1);
		}
		if (!check(child_pid > 0, "fork", "%s", strerror(errno)))
			return;
		snprintf(label, sizeof(label), "run with offloads %s/%s",
			 runs[i][0], runs[i][1]);
		wait_client(label, 500);
	}
}

int main(int argc, char **argv)
{
	unsigned int i;
	char *end;

	if (argc == 1) {
		add_errors();
		run_all(argv[0]);
		return test_done();
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s [SERVER-OFFLOAD CLIENT-OFFLOAD]\n",
			argv[0]);
		return 2;
	}
	for (i = 0; i < 2; i++) {
		offload[i] = strtoull(argv[1 + i], &end, 16);
		if (*end || end == argv[1 + i]) {
			fprintf(stderr, "%s: not a hex mask\n", argv[1 + i]);
			return 2;
		}
	}
	run_pair();
	return test_done();
}
