// SPDX-License-Identifier: GPL-2.0
/*
 * mptcp-native.c - LKL's Multipath TCP against the host kernel's own,
 * over two TAP paths; run by check-mptcp-native.sh and mptcp-bench.sh,
 * which build the paths (mptcp-netns.sh):
 *
 *   usage: mptcp-native [--bench] [--probe CMD] [--down CMD] [--mib N]
 *                       [--pace M] TAP0 TAP1 PHASE...
 *
 * LKL's eth0 (on TAP0) is 10.78.1.2/24 with gateway 10.78.1.1 (path A),
 * eth1 (on TAP1) 10.78.2.2/24 with gateway 10.78.2.1 (path B), each with
 * a routing table and source rule of its own; the main default route is
 * path A's.  The native server is 10.78.9.1, behind both gateways:
 * MPTCP on port 5400, plain TCP on 5401.  The path manager is set with
 * the lkl_mptcp_*() calls: limits 2 and 0, 10.78.2.2 a `subflow`
 * endpoint on eth1.  The server announces nothing.
 *
 * What is sent is 1 MiB pieces: piece i is i as 8 bytes big-endian, then
 * bytes 8..2^20-1 of body(), which the server builds too.  After EOF the
 * server answers one line: the bytes it got, the offset of the first
 * wrong one (-1: none), the most subflows it saw (MPTCP_INFO, 0 for
 * TCP), its longest wait for data and the time from first to last byte.
 *
 * Phases, in the order given:
 *   join       an MPTCP connection gets its second subflow from
 *              10.78.2.2 (MPTCP_INFO, MPTCP_SUBFLOW_ADDRS); CMD of
 *              --probe, run while it is open, checks the server's side;
 *              8 MiB checked, the server saw 2 subflows
 *   aggregate  64 MiB (or N of --mib) over plain TCP (path A), then as
 *              much over MPTCP (both): the second must reach AGGREGATE_MIN
 *              times the first's rate
 *   handover   256 MiB over MPTCP; CMD of --down (a path goes down) runs
 *              once half is written; all arrives, the longest wait of
 *              the receiver under STALL_MAX
 *   bbr        bbr and fq in LKL, SO_MAX_PACING_RATE 20 Mbit/s (or M of
 *              --pace) on a TCP socket, some 10 s of data: the rate at
 *              the receiver within PACE_TOLERANCE
 * --bench prints the figures without judging them (rates, ratio, stall).
 * Every transfer prints the CPU time of this process per 10^9 bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/in.h>
#include <lkl/socket.h>

#include "host-util.h"
#include "lkl-util.h"
#include "mptcp-util.h"
#include "pair-util.h"
#include "test.h"

#define MiB		(1024 * 1024)
#define PIECE		MiB
#define BOOT_ARGS	"mem=256M loglevel=4"
#define MPTCP_PORT	5400
#define TCP_PORT	5401
#define JOIN_SIZE	(8ULL * MiB)
#define AGGREGATE_SIZE	(64ULL * MiB)
#define HANDOVER_SIZE	(256ULL * MiB)
/* The criteria. */
#define AGGREGATE_MIN	1.7
#define STALL_MAX	3.0
#define PACE_MBIT	20
#define PACE_TOLERANCE	0.05
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static int bench;
static unsigned long long aggregate_size = AGGREGATE_SIZE;
static unsigned int pace_mbit = PACE_MBIT;
static const char *probe_cmd, *down_cmd;
static int ifindex[2];
static unsigned char piece[PIECE];

/* Byte @j of every piece (from 8 on): the server computes the same. */
static unsigned char body(uint32_t j)
{
	return (unsigned char)((uint32_t)(j * 2654435761U) >> 13);
}

static unsigned int path_addr(int path, int host)
{
	return ip4(10, 78, path + 1, host);
}

/* ---- Set-up ---- */

static int setup(const char *const taps[2])
{
	unsigned char mac[6] = { 2, 0, 0, 0x78, 0, 2 };
	struct lkl_mptcp_endpoint ep;
	unsigned int a1 = path_addr(1, 2);
	int id[2], i, r;

	test_section("boot and two paths", 60);
	for (i = 0; i < 2; i++) {
		mac[4] = (unsigned char)(i + 1);
		id[i] = lkl_netdev_add_tap(taps[i], mac, 1500,
					   LKL_NETDEV_OFFLOAD_ALL);
		if (!check(id[i] >= 0, i ? "lkl_netdev_add_tap TAP1" :
				       "lkl_netdev_add_tap TAP0", "%s: %s",
			   taps[i], lkl_strerror(id[i])))
			return -1;
	}
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, BOOT_ARGS);
	if (!check(r == 0, "boot", "%s", lkl_strerror(r)))
		return -1;
	for (i = 0; i < 2; i++) {
		ifindex[i] = lkl_netdev_get_ifindex(id[i]);
		r = ifindex[i] > 0 ? lkl_if_up(ifindex[i]) : ifindex[i];
		if (!r)
			r = lkl_if_set_ipv4(ifindex[i], path_addr(i, 2), 24);
		if (!r)
			r = lkl_if_set_ipv4_gateway(ifindex[i], path_addr(i, 2),
						    24, path_addr(i, 1));
		if (!check(r == 0, i ? "path B: 10.78.2.2/24, gateway .1" :
				       "path A: 10.78.1.2/24, gateway .1",
			   "%s", lkl_strerror(r)))
			return -1;
	}
	r = lkl_set_ipv4_gateway(path_addr(0, 1));
	check(r == 0, "main default route via path A", "%s", lkl_strerror(r));
	r = lkl_mptcp_set_limits(2, 0);
	check(r == 0, "lkl_mptcp_set_limits 2 0", "%s", lkl_strerror(r));
	memset(&ep, 0, sizeof(ep));
	ep.af = LKL_AF_INET;
	memcpy(ep.addr, &a1, 4);
	ep.ifindex = ifindex[1];
	ep.flags = LKL_MPTCP_FLAG_SUBFLOW;
	r = lkl_mptcp_endpoint_add(&ep);
	check(r > 0, "`subflow` endpoint 10.78.2.2 on eth1", "%s",
	      lkl_strerror(r));
	return 0;
}

/* ---- Transfers ---- */

struct result {
	unsigned long long bytes;	/* what the server got */
	long long bad;			/* its first wrong byte, or -1 */
	int subflows;			/* the most it saw; 0: TCP */
	double stall, secs;		/* its longest wait, first to last */
	double mbit;			/* bytes / secs, in 10^6 bits/s */
	double cpu_gb;			/* our CPU seconds per 10^9 bytes */
	unsigned long long tx[2];	/* bytes eth0 and eth1 sent */
};

static double cpu_sec(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void tx_bytes(unsigned long long tx[2])
{
	struct if_frames f;

	tx[0] = if_frames("eth0", &f) ? 0 : f.tx_bytes;
	tx[1] = if_frames("eth1", &f) ? 0 : f.tx_bytes;
}

/* A connection to the server's @port, or -errno. */
static long open_conn(int protocol, int port)
{
	struct lkl_sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_port = be16((unsigned int)port);
	sin.sin_addr.s_addr = ip4(10, 78, 9, 1);
	return connect_to(LKL_AF_INET, protocol, &sin, sizeof(sin), 10);
}

/* What runs in the middle of a transfer, once @at bytes are written. */
struct midway {
	unsigned long long at;
	void (*run)(long fd);
};

/*
 * Send @size bytes of pieces on @fd, running @mid->run when it is time,
 * then read the server's answer into @res; closes @fd.  0 or -errno.
 */
static long send_pieces(long fd, unsigned long long size,
			const struct midway *mid, struct result *res)
{
	unsigned long long pos, before[2], after[2], i;
	char line[128];
	long r = 0, got = 0;
	double cpu;
	int n;

	tx_bytes(before);
	cpu = cpu_sec();
	for (pos = 0; pos < size && r >= 0; pos += PIECE) {
		size_t len = size - pos < PIECE ? size - pos : PIECE;

		for (i = 0; i < 8; i++)
			piece[i] = (unsigned char)(pos / PIECE >> (56 - 8 * i));
		if (mid && pos >= mid->at) {
			mid->run(fd);
			mid = NULL;
		}
		/* A blocking stream socket takes it all, or fails. */
		r = lkl_sys_write((unsigned int)fd, (char *)piece, len);
		if (r >= 0 && (size_t)r != len)
			r = -LKL_EIO;
	}
	if (r >= 0)
		r = lkl_sys_shutdown((int)fd, LKL_SHUT_WR);
	while (r >= 0 && got < (long)sizeof(line) - 1) {
		r = lkl_sys_read((unsigned int)fd, line + got,
				 sizeof(line) - 1 - got);
		if (r == 0)
			break;
		got += r;
	}
	res->cpu_gb = (cpu_sec() - cpu) / (size / 1e9);
	tx_bytes(after);
	for (i = 0; i < 2; i++)
		res->tx[i] = after[i] - before[i];
	lkl_sys_close((unsigned int)fd);
	if (r < 0)
		return r;
	line[got] = 0;
	n = sscanf(line, "%llu %lld %d %lf %lf", &res->bytes, &res->bad,
		   &res->subflows, &res->stall, &res->secs);
	if (n != 5) {
		printf("# the server answered \"%s\"\n", line);
		return -LKL_EPROTO;
	}
	res->mbit = res->secs > 0 ? res->bytes * 8 / res->secs / 1e6 : 0;
	return 0;
}

/* send_pieces() and the checks of what arrived, named after @what. */
static int transfer(long fd, const char *what, unsigned long long size,
		    const struct midway *mid, struct result *res)
{
	char name[160];
	long r;

	memset(res, 0, sizeof(*res));
	snprintf(name, sizeof(name), "%s: connected", what);
	if (!check(fd >= 0, name, "%s", lkl_strerror((int)fd)))
		return -1;
	r = send_pieces(fd, size, mid, res);
	snprintf(name, sizeof(name), "%s: %llu MiB sent, the server answered",
		 what, size / MiB);
	if (!check(r == 0, name, "%s", lkl_strerror((int)r)))
		return -1;
	snprintf(name, sizeof(name), "%s: the server got every byte, in order",
		 what);
	if (!check(res->bytes == size && res->bad < 0, name,
		   "%llu of %llu bytes, first wrong one at %lld", res->bytes,
		   size, res->bad))
		return -1;
	printf("# %s: %llu MiB in %.2f s: %.1f Mbit/s at the receiver, longest wait %.3f s; LKL: %.2f CPU s/GB, eth0 sent %llu bytes, eth1 %llu\n",
	       what, size / MiB, res->secs, res->mbit, res->stall, res->cpu_gb,
	       res->tx[0], res->tx[1]);
	return 0;
}

/* ---- Phases ---- */

/* Each subflow's local address, through MPTCP_SUBFLOW_ADDRS. */
static void check_subflow_addrs(long fd)
{
	struct lkl_mptcp_subflow_addrs a[2];
	int from[2] = { 0, 0 }, to = 0;
	unsigned int i, num;
	long r;

	r = mptcp_subflow_addrs(fd, a, 2, &num);
	if (!check(r == 0 && num == 2,
		   "join: MPTCP_SUBFLOW_ADDRS lists 2 subflows", "%s, %u",
		   lkl_strerror((int)r), num))
		return;
	for (i = 0; i < 2; i++) {
		from[0] += a[i].sin_local.sin_addr.s_addr == path_addr(0, 2);
		from[1] += a[i].sin_local.sin_addr.s_addr == path_addr(1, 2);
		to += a[i].sin_remote.sin_addr.s_addr == ip4(10, 78, 9, 1);
	}
	check(from[0] == 1 && from[1] == 1 && to == 2,
	      "join: subflows from 10.78.1.2 and 10.78.2.2 to 10.78.9.1",
	      "%d from path A, %d from path B, %d to the server", from[0],
	      from[1], to);
}

/* A shell command's exit status as the check @name. */
static void run_cmd(const char *cmd, const char *name)
{
	int st;

	fflush(stdout);
	st = system(cmd);
	check(st == 0, name, "'%s': status %d", cmd, st);
}

/*
 * After the first piece: the client's path manager opens its subflows
 * once the connection is fully established, which takes data.
 */
static void joined(long fd)
{
	int n = wait_subflows(fd, 2, 10);

	check(n == 2, "join: MPTCP_INFO says 2 subflows", "%d", n);
	check_subflow_addrs(fd);
	if (probe_cmd)
		run_cmd(probe_cmd,
			"join: the server's namespace sees one MPTCP connection of 2 subflows");
}

static void phase_join(void)
{
	const struct midway mid = { PIECE, joined };
	struct result res;

	test_section("join: two subflows", 60);
	if (!transfer(open_conn(LKL_IPPROTO_MPTCP, MPTCP_PORT), "join, MPTCP",
		      JOIN_SIZE, &mid, &res))
		check(res.subflows == 2, "join: the server saw 2 subflows",
		      "%d (MPTCP_INFO: mptcpi_subflows + 1)", res.subflows);
}

static void phase_aggregate(void)
{
	struct result tcp, mptcp;
	double ratio, share;
	char name[128];

	test_section("aggregate: TCP on path A, then MPTCP on both", 180);
	if (transfer(open_conn(0, TCP_PORT), "TCP, path A", aggregate_size,
		     NULL, &tcp) ||
	    transfer(open_conn(LKL_IPPROTO_MPTCP, MPTCP_PORT),
		     "MPTCP, paths A and B", aggregate_size, NULL, &mptcp))
		return;
	ratio = tcp.mbit > 0 ? mptcp.mbit / tcp.mbit : 0;
	share = 100.0 * mptcp.tx[1] / (mptcp.tx[0] + mptcp.tx[1] + 1);
	printf("# aggregation: MPTCP %.1f Mbit/s / TCP %.1f Mbit/s = %.2f; path B carried %.0f %% of MPTCP's bytes; CPU s/GB: TCP %.2f, MPTCP %.2f\n",
	       mptcp.mbit, tcp.mbit, ratio, share, tcp.cpu_gb, mptcp.cpu_gb);
	if (bench)
		return;
	snprintf(name, sizeof(name),
		 "aggregate: MPTCP over two paths >= %.1f x TCP over one",
		 AGGREGATE_MIN);
	check(ratio >= AGGREGATE_MIN, name, "%.2f (%.1f / %.1f Mbit/s)", ratio,
	      mptcp.mbit, tcp.mbit);
}

static void path_down(long fd)
{
	(void)fd;
	run_cmd(down_cmd, "handover: the path-down command");
}

static void phase_handover(void)
{
	const struct midway mid = { HANDOVER_SIZE / 2, path_down };
	struct result res;
	char name[128];

	test_section("handover: a path goes down mid-transfer", 300);
	if (!down_cmd) {
		test_skip("handover", "no --down command given");
		return;
	}
	if (transfer(open_conn(LKL_IPPROTO_MPTCP, MPTCP_PORT),
		     "handover, MPTCP", HANDOVER_SIZE, &mid, &res))
		return;
	printf("# hand-over: longest wait of the receiver %.3f s\n", res.stall);
	if (bench)
		return;
	snprintf(name, sizeof(name),
		 "handover: the receiver never waited %.0f s or more",
		 STALL_MAX);
	check(res.stall < STALL_MAX, name, "%.3f s", res.stall);
	/* Else nothing was handed over: path B must have had its share. */
	check(res.tx[1] >= HANDOVER_SIZE / 10,
	      "handover: path B carried >= 10 % of the bytes before it went down",
	      "eth1 sent %llu bytes", res.tx[1]);
}

static void phase_bbr(void)
{
	unsigned int rate = pace_mbit * 125000;	/* bytes per second */
	/*
	 * Some 10 s of data (25 MiB at 20 Mbit/s): long enough that one
	 * late timer of a busy host (a 130 ms stall was seen) costs ~1 %.
	 */
	unsigned long long size = (pace_mbit * 5 + 3) / 4 * MiB;
	struct result res;
	double wire, dev;
	char cc[32], name[160];
	long fd, r;

	snprintf(name, sizeof(name), "bbr: fq, pacing at %u Mbit/s",
		 pace_mbit);
	test_section(name, 120);
	r = lkl_sysctl("net.ipv4.tcp_congestion_control", "bbr");
	if (!r)
		r = lkl_sysctl_get("net.ipv4.tcp_congestion_control", cc,
				   sizeof(cc));
	check(r > 0 && !strcmp(cc, "bbr"), "bbr: tcp_congestion_control bbr",
	      "%s", r < 0 ? lkl_strerror((int)r) : cc);
	r = lkl_qdisc_add(ifindex[0], "fq");
	check(r == 0, "bbr: fq the root qdisc of eth0", "%s",
	      lkl_strerror((int)r));
	fd = open_conn(0, TCP_PORT);
	if (fd >= 0) {
		r = lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET,
				       LKL_SO_MAX_PACING_RATE, (char *)&rate,
				       sizeof(rate));
		snprintf(name, sizeof(name),
			 "bbr: SO_MAX_PACING_RATE %u bytes/s", rate);
		check(r == 0, name, "%s", lkl_strerror((int)r));
	}
	if (transfer(fd, "bbr, TCP paced", size, NULL, &res))
		return;
	/* The device's bytes: its frames (TSO ones) with their headers. */
	wire = res.secs > 0 ? res.tx[0] * 8 / res.secs / 1e6 : 0;
	dev = res.mbit / pace_mbit - 1;
	printf("# bbr: %.2f Mbit/s of data at the receiver (%+.1f %% from %u Mbit/s), %.2f Mbit/s through LKL's eth0\n",
	       res.mbit, dev * 100, pace_mbit, wire);
	if (bench)
		return;
	snprintf(name, sizeof(name), "bbr: paced rate within %.0f %% of %u Mbit/s",
		 PACE_TOLERANCE * 100, pace_mbit);
	check(dev < PACE_TOLERANCE && dev > -PACE_TOLERANCE, name,
	      "%.2f Mbit/s at the receiver", res.mbit);
}

static const struct {
	const char *name;
	void (*run)(void);
} phases[] = {
	{ "join", phase_join },
	{ "aggregate", phase_aggregate },
	{ "handover", phase_handover },
	{ "bbr", phase_bbr },
};

static int usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--bench] [--probe CMD] [--down CMD] [--mib N] [--pace M] TAP0 TAP1 PHASE...\n"
		"PHASE: join, aggregate, handover or bbr; N: 1..65536 MiB, M: 1..10000 Mbit/s\n",
		prog);
	return 2;
}

/* The number of option @opt: 1..@max, else 0 (and a message). */
static unsigned int parse_num(const char *s, const char *opt,
			      unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || end == s || v < 1 || v > max) {
		fprintf(stderr, "%s %s: expected 1..%lu\n", opt, s, max);
		return 0;
	}
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	const char *args[16];
	unsigned int i;
	int a, n = 0, p;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--bench"))
			bench = 1;
		else if (!strcmp(argv[a], "--probe") && a + 1 < argc)
			probe_cmd = argv[++a];
		else if (!strcmp(argv[a], "--down") && a + 1 < argc)
			down_cmd = argv[++a];
		else if (!strcmp(argv[a], "--mib") && a + 1 < argc)
			aggregate_size = parse_num(argv[++a], "--mib", 65536) * MiB;
		else if (!strcmp(argv[a], "--pace") && a + 1 < argc)
			pace_mbit = parse_num(argv[++a], "--pace", 10000);
		else if (argv[a][0] != '-' && n < 16)
			args[n++] = argv[a];
		else
			return usage(argv[0]);
	}
	if (n < 3 || !aggregate_size || !pace_mbit)
		return usage(argv[0]);
	for (p = 2; p < n; p++) {
		for (i = 0; i < ARRAY_LEN(phases); i++)
			if (!strcmp(args[p], phases[i].name))
				break;
		if (i == ARRAY_LEN(phases)) {
			fprintf(stderr, "%s: unknown phase '%s'\n", argv[0],
				args[p]);
			return usage(argv[0]);
		}
	}
	for (i = 8; i < PIECE; i++)
		piece[i] = body(i);
	if (!setup(args)) {
		for (p = 2; p < n; p++)
			for (i = 0; i < ARRAY_LEN(phases); i++)
				if (!strcmp(args[p], phases[i].name))
					phases[i].run();
		test_section("halt", 60);
		CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
	}
	return test_done();
}
