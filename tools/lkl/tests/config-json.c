// SPDX-License-Identifier: GPL-2.0
/*
 * config-json.c - LKL's JSON configuration (lkl_config.h).
 *
 * First the errors: malformed configurations, each checked for the
 * exact message.  Then config/two-pipes.json: two pipe interfaces (fds
 * 100 and 101, the host ends held here) with addresses, per-interface
 * gateways, neighbours and qdiscs, default gateways, sysctls and mounts,
 * applied to a booted kernel and read back from inside it (rtnetlink
 * dumps, /proc, /sysfs, the MPTCP endpoints and limits).  TAP, raw and
 * macvtap interfaces are added
 * too, in a network namespace of this process's own, when it may make
 * one.  Last, the errors only a running kernel can give.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lkl.h>

#include "host-util.h"
#include "lkl-util.h"
#include "rtnl-dump.h"
#include "test.h"

#ifndef CONFIG_DIR
#error "CONFIG_DIR: the folder of the test configurations"
#endif
#define GOOD_FILE	CONFIG_DIR "/two-pipes.json"

/*
 * The fds two-pipes.json names, then those of the failing qdisc and
 * MPTCP endpoint.
 */
#define FD_A		100
#define FD_B		101
#define FD_BAD_QDISC	102
#define FD_BAD_MPTCP	104

static char err[LKL_CONFIG_ERROR_LEN];

struct bad_case {
	const char *name;
	const char *json;
	const char *want;
};

/* A pipe interface's keys, to make the bad ones shorter. */
#define PIPE	"\"type\": \"pipe\", \"param\": \"3\""
/* The same with an IPv4 address, and with IPv6 too. */
#define PIPE4	PIPE ", \"ip\": \"10.0.0.1\", \"masklen\": 24"
#define PIPE46	PIPE4 ", \"ipv6\": \"fd00::1\", \"masklen6\": 64"
/* An interface with two MPTCP endpoints. */
#define EP2	"{ " PIPE46 ", \"mptcp\": \"subflow\" }"
#define MPTCP_FLAGS_WHAT	"subflow, signal, backup or fullmesh"

static const struct bad_case bad_cases[] = {
	{ "bad JSON: missing value",
	  "{\n  \"gateway\": \"10.0.0.1\",\n  \"debug\": }\n",
	  "bad JSON at line 3, column 12 (near \"}\")" },
	{ "bad JSON: trailing comma in an array",
	  "{ \"interfaces\": [ { " PIPE " }, ] }",
	  "bad JSON at line 1, column 53 (near \"] }\")" },
	{ "bad JSON: cut short", "{ \"interfaces\": [",
	  "bad JSON at line 1, column 18: unexpected end of text" },
	{ "bad JSON: empty", "",
	  "bad JSON at line 1, column 1: unexpected end of text" },
	{ "bad JSON: text after the object", "{} x",
	  "bad JSON at line 1, column 4 (near \"x\")" },
	{ "top level not an object", "[1]",
	  "(top level): [1]: expected an object { ... }" },
	{ "interfaces not an array", "{ \"interfaces\": {} }",
	  "interfaces: {}: expected an array of objects" },
	{ "interface not an object", "{ \"interfaces\": [ \"tap0\" ] }",
	  "interfaces[0]: \"tap0\": expected an object" },
	{ "ip given as a number",
	  "{ \"interfaces\": [ { " PIPE ", \"ip\": 10 } ] }",
	  "interfaces[0].ip: 10: expected a string (an IPv4 address, "
	  "a.b.c.d)" },
	{ "debug given as a boolean", "{ \"debug\": true }",
	  "debug: true: expected 0..4294967295" },
	{ "sysctl given as an array", "{ \"sysctl\": [\"a=1\"] }",
	  "sysctl: [\"a=1\"]: expected a string (key=value;key=value...)" },
	{ "unknown interface key",
	  "{ \"interfaces\": [ { " PIPE ", \"maskln\": \"24\" } ] }",
	  "interfaces[0].maskln: unknown key (expected one of: type, param, "
	  "mtu, ip, masklen, ipv6, masklen6, ifgateway, ifgateway6, mac, "
	  "neigh, qdisc, offload, mptcp, mptcp_id, mptcp_port, dhcp)" },
	{ "unknown top-level key", "{ \"gatway\": \"10.0.0.1\" }",
	  "gatway: unknown key (expected one of: interfaces, gateway, "
	  "gateway6, nameserver, debug, mount, singlecpu, sysctl, "
	  "boot_cmdline, dump, delay_main, mptcp_limits, hijack_mptcp)" },
	{ "duplicate key",
	  "{ \"gateway\": \"10.0.0.1\", \"gateway\": \"10.0.0.2\" }",
	  "gateway: duplicate key" },
	{ "unknown interface type",
	  "{ \"interfaces\": [ { \"type\": \"tun\", \"param\": \"x\" } ] }",
	  "interfaces[0].type: \"tun\": expected tap, macvtap, raw or pipe" },
	{ "type missing", "{ \"interfaces\": [ { \"param\": \"tap0\" } ] }",
	  "interfaces[0].type: missing: expected tap, macvtap, raw or pipe" },
	{ "param missing", "{ \"interfaces\": [ { \"type\": \"tap\" } ] }",
	  "interfaces[0].param: missing: expected the TAP's name, 1..15 "
	  "bytes" },
	{ "TAP name too long",
	  "{ \"interfaces\": [ { \"type\": \"tap\", "
	  "\"param\": \"tap0123456789abc\" } ] }",
	  "interfaces[0].param: \"tap0123456789abc\": expected the TAP's "
	  "name, 1..15 bytes" },
	{ "TAP name given as a number",
	  "{ \"interfaces\": [ { \"type\": \"tap\", \"param\": 5 } ] }",
	  "interfaces[0].param: 5: expected a string (the TAP's name, 1..15 "
	  "bytes)" },
	{ "pipe fd 3.5", "{ \"interfaces\": [ { \"type\": \"pipe\", "
	  "\"param\": 3.5 } ] }",
	  "interfaces[0].param: 3.5: expected 0..2147483647" },
	{ "pipe fd not a number",
	  "{ \"interfaces\": [ { \"type\": \"pipe\", "
	  "\"param\": \"three\" } ] }",
	  "interfaces[0].param: \"three\": expected 0..2147483647" },
	{ "bad IPv4 address",
	  "{ \"interfaces\": [ { " PIPE ", \"ip\": \"10.0.0.300\", "
	  "\"masklen\": \"24\" } ] }",
	  "interfaces[0].ip: \"10.0.0.300\": expected an IPv4 address, "
	  "a.b.c.d" },
	{ "bad IPv6 gateway", "{ \"gateway6\": \"fd01::zz\" }",
	  "gateway6: \"fd01::zz\": expected an IPv6 address" },
	{ "bad nameserver", "{ \"nameserver\": \"dns.example\" }",
	  "nameserver: \"dns.example\": expected an IPv4 or IPv6 address" },
	{ "masklen 99",
	  "{ \"interfaces\": [ { " PIPE " }, { " PIPE ", \"ip\": \"10.0.0.1\", "
	  "\"masklen\": \"99\" } ] }",
	  "interfaces[1].masklen: \"99\": expected 0..32" },
	{ "masklen6 129",
	  "{ \"interfaces\": [ { " PIPE ", \"ipv6\": \"fd00::1\", "
	  "\"masklen6\": 129 } ] }",
	  "interfaces[0].masklen6: 129: expected 0..128" },
	{ "masklen -1",
	  "{ \"interfaces\": [ { " PIPE ", \"ip\": \"10.0.0.1\", "
	  "\"masklen\": \"-1\" } ] }",
	  "interfaces[0].masklen: \"-1\": expected 0..32" },
	{ "ip without masklen",
	  "{ \"interfaces\": [ { " PIPE ", \"ip\": \"10.0.0.1\" } ] }",
	  "interfaces[0].ip: \"10.0.0.1\": needs masklen (0..32) too" },
	{ "ifgateway without ip",
	  "{ \"interfaces\": [ { " PIPE ", \"ifgateway\": \"10.0.0.254\" } ] }",
	  "interfaces[0].ifgateway: \"10.0.0.254\": needs ip and masklen too" },
	{ "mtu 10", "{ \"interfaces\": [ { " PIPE ", \"mtu\": \"10\" } ] }",
	  "interfaces[0].mtu: \"10\": expected 68..65535" },
	{ "bad MAC",
	  "{ \"interfaces\": [ { " PIPE ", \"mac\": \"02:00:00:00:00\" } ] }",
	  "interfaces[0].mac: \"02:00:00:00:00\": expected a MAC address, "
	  "aa:bb:cc:dd:ee:ff" },
	{ "multicast MAC",
	  "{ \"interfaces\": [ { " PIPE ", "
	  "\"mac\": \"01:00:5e:00:00:01\" } ] }",
	  "interfaces[0].mac: \"01:00:5e:00:00:01\": expected a unicast MAC "
	  "address (first byte even)" },
	{ "offload bits that are not offloads",
	  "{ \"interfaces\": [ { " PIPE ", \"offload\": \"0x10003\" } ] }",
	  "interfaces[0].offload: \"0x10003\": bits 0x10000 are not "
	  "offloads: expected a mask of 0x9983 (LKL_NETDEV_OFFLOAD_ALL) bits" },
	{ "offload not hexadecimal",
	  "{ \"interfaces\": [ { " PIPE ", \"offload\": \"all\" } ] }",
	  "interfaces[0].offload: \"all\": expected a hexadecimal mask, e.g. "
	  "0x9983 (all offloads)" },
	{ "offload TSO without CSUM",
	  "{ \"interfaces\": [ { " PIPE ", \"offload\": \"0x800\" } ] }",
	  "interfaces[0].offload: \"0x800\": HOST_TSO4/6 (0x1800) need CSUM "
	  "(0x1)" },
	{ "neighbour without '|'",
	  "{ \"interfaces\": [ { " PIPE ", \"neigh\": \"10.0.0.2\" } ] }",
	  "interfaces[0].neigh: \"10.0.0.2\": entry \"10.0.0.2\": expected "
	  "IP|MAC" },
	{ "neighbour with a bad MAC",
	  "{ \"interfaces\": [ { " PIPE ", "
	  "\"neigh\": \"10.0.0.2|02:00:00:00:00:02;10.0.0.3|zz\" } ] }",
	  "interfaces[0].neigh: \"10.0.0.2|02:00:00:00:00:02;10.0.0.3|zz\": "
	  "entry \"10.0.0.3|zz\": expected a MAC address aa:bb:cc:dd:ee:ff "
	  "after '|'" },
	{ "qdisc not at the root",
	  "{ \"interfaces\": [ { " PIPE ", \"qdisc\": \"ingress|fq\" } ] }",
	  "interfaces[0].qdisc: \"ingress|fq\": expected root|KIND or KIND "
	  "(only the root qdisc can be set)" },
	{ "sysctl entry without '='",
	  "{ \"sysctl\": \"net.core.somaxconn=512;net.ipv4.ip_forward\" }",
	  "sysctl: \"net.core.somaxconn=512;net.ipv4.ip_forward\": entry "
	  "\"net.ipv4.ip_forward\": expected key=value" },
	{ "singlecpu 2", "{ \"singlecpu\": \"2\" }",
	  "singlecpu: \"2\": expected 0..1" },
	{ "mount of a path", "{ \"mount\": \"proc,/etc\" }",
	  "mount: \"proc,/etc\": entry \"/etc\": expected a filesystem type "
	  "such as proc or sysfs" },
	{ "two interfaces with one MAC",
	  "{ \"interfaces\": [ { " PIPE ", \"mac\": \"02:00:00:00:00:09\" }, "
	  "{ " PIPE ", \"mac\": \"02:00:00:00:00:09\" } ] }",
	  "interfaces[1].mac: \"02:00:00:00:00:09\": also the MAC of "
	  "interfaces[0]: expected one of its own" },
	{ "empty boot_cmdline", "{ \"boot_cmdline\": \"\" }",
	  "boot_cmdline: \"\": expected kernel command line options, not "
	  "empty" },
	{ "mptcp: unknown flag",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \"subflow,bakup\" } ] }",
	  "interfaces[0].mptcp: \"subflow,bakup\": entry \"bakup\": expected "
	  MPTCP_FLAGS_WHAT },
	{ "mptcp: a flag twice",
	  "{ \"interfaces\": [ { " PIPE4 ", "
	  "\"mptcp\": [\"subflow\", \"subflow\"] } ] }",
	  "interfaces[0].mptcp: [\"subflow\",\"subflow\"]: entry \"subflow\": "
	  "given twice" },
	{ "mptcp: a number in the array",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": [\"subflow\", 2] } ] }",
	  "interfaces[0].mptcp: [\"subflow\",2]: expected an array of "
	  "strings, each a flag: " MPTCP_FLAGS_WHAT },
	{ "mptcp: a number",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": 2 } ] }",
	  "interfaces[0].mptcp: 2: expected flags as \"subflow,backup\" or "
	  "[\"subflow\", \"backup\"]: " MPTCP_FLAGS_WHAT },
	{ "mptcp: no flag",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \" , \" } ] }",
	  "interfaces[0].mptcp: \" , \": expected at least one flag: "
	  MPTCP_FLAGS_WHAT },
	{ "mptcp: empty array",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": [] } ] }",
	  "interfaces[0].mptcp: []: expected at least one flag: "
	  MPTCP_FLAGS_WHAT },
	{ "mptcp: signal with fullmesh",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \"signal fullmesh\" } ] }",
	  "interfaces[0].mptcp: \"signal fullmesh\": signal and fullmesh "
	  "exclude each other" },
	{ "mptcp without an address",
	  "{ \"interfaces\": [ { " PIPE ", \"mptcp\": \"subflow\" } ] }",
	  "interfaces[0].mptcp: \"subflow\": needs ip or ipv6 too: its "
	  "endpoint is the interface's address" },
	{ "dhcp given as a string",
	  "{ \"interfaces\": [ { " PIPE ", \"dhcp\": \"yes\" } ] }",
	  "interfaces[0].dhcp: \"yes\": expected 0..1" },
	{ "dhcp with ip",
	  "{ \"interfaces\": [ { " PIPE4 ", \"dhcp\": true } ] }",
	  "interfaces[0].ip: \"10.0.0.1\": not with dhcp: DHCP gives the "
	  "IPv4 address" },
	{ "dhcp with mptcp_id",
	  "{ \"interfaces\": [ { " PIPE ", \"dhcp\": true, "
	  "\"mptcp\": \"subflow\", \"mptcp_id\": 3 } ] }",
	  "interfaces[0].mptcp_id: 3: not with dhcp: the leased address's "
	  "endpoint gets the kernel's id" },
	{ "dhcp with mptcp_port",
	  "{ \"interfaces\": [ { " PIPE ", \"dhcp\": 1, "
	  "\"mptcp\": \"signal\", \"mptcp_port\": 7000 } ] }",
	  "interfaces[0].mptcp_port: 7000: not with dhcp: the leased "
	  "address's endpoint has no port" },
	{ "mptcp_id 0",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \"subflow\", "
	  "\"mptcp_id\": 0 } ] }",
	  "interfaces[0].mptcp_id: 0: expected 1..255" },
	{ "mptcp_id without mptcp",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp_id\": \"3\" } ] }",
	  "interfaces[0].mptcp_id: \"3\": needs mptcp too" },
	{ "mptcp_id for two addresses",
	  "{ \"interfaces\": [ { " PIPE46 ", \"mptcp\": \"subflow\", "
	  "\"mptcp_id\": 3 } ] }",
	  "interfaces[0].mptcp_id: 3: the interface has ip and ipv6, an "
	  "endpoint each: one id cannot name both" },
	{ "mptcp_id twice",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \"subflow\", "
	  "\"mptcp_id\": 3 }, { " PIPE4 ", \"mptcp\": \"signal\", "
	  "\"mptcp_id\": 3 } ] }",
	  "interfaces[1].mptcp_id: 3: also the id of interfaces[0]: expected "
	  "one of its own" },
	{ "mptcp_port with subflow",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \"signal,subflow\", "
	  "\"mptcp_port\": 80 } ] }",
	  "interfaces[0].mptcp_port: 80: needs signal in mptcp, without "
	  "subflow (the port is announced and listened on)" },
	{ "mptcp_port 70000",
	  "{ \"interfaces\": [ { " PIPE4 ", \"mptcp\": \"signal\", "
	  "\"mptcp_port\": 70000 } ] }",
	  "interfaces[0].mptcp_port: 70000: expected 1..65535" },
	{ "ten MPTCP endpoints",
	  "{ \"interfaces\": [ " EP2 ", " EP2 ", " EP2 ", " EP2 ", " EP2 " ] }",
	  "interfaces[4].mptcp: \"subflow\": more than 8 endpoints "
	  "(LKL_MPTCP_ENDPOINTS_MAX), the most the kernel takes" },
	{ "mptcp_limits not an object", "{ \"mptcp_limits\": 2 }",
	  "mptcp_limits: 2: expected an object with subflows and/or "
	  "add_addr_accepted" },
	{ "mptcp_limits empty", "{ \"mptcp_limits\": {} }",
	  "mptcp_limits: {}: expected an object with subflows and/or "
	  "add_addr_accepted" },
	{ "mptcp_limits.subflows 9",
	  "{ \"mptcp_limits\": { \"subflows\": 9 } }",
	  "mptcp_limits.subflows: 9: expected 0..8" },
	{ "mptcp_limits: unknown key",
	  "{ \"mptcp_limits\": { \"subflow\": 2 } }",
	  "mptcp_limits.subflow: unknown key (expected one of: subflows, "
	  "add_addr_accepted)" },
	{ "hijack_mptcp 2", "{ \"hijack_mptcp\": 2 }",
	  "hijack_mptcp: 2: expected 0..1" },
};

static void test_bad_configs(void)
{
	struct lkl_config *cfg;
	size_t i;
	int r;

	test_section("malformed configurations", 30);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		cfg = (void *)1;
		r = lkl_load_config_json(bad_cases[i].json, &cfg, err,
					 sizeof(err));
		check(r == -LKL_EINVAL && !cfg &&
		      !strcmp(err, bad_cases[i].want), bad_cases[i].name,
		      "returned %d, message \"%s\", want \"%s\"", r, err,
		      bad_cases[i].want);
	}

	r = lkl_load_config_file(CONFIG_DIR "/no-such-file.json", &cfg, err,
				 sizeof(err));
	CHECK_EQ("absent file: -ENOENT", r, -LKL_ENOENT);
	CHECK_STR("absent file: message", err,
		  CONFIG_DIR "/no-such-file.json: No such file or directory");
	r = lkl_load_config_file(CONFIG_DIR, &cfg, err, sizeof(err));
	CHECK_EQ("a folder: -EISDIR", r, -LKL_EISDIR);
}

/* A file's message starts with its name. */
static void test_bad_file(void)
{
	char path[] = "/tmp/lkl-config-json-XXXXXX", want[256];
	static const char text[] = "{\n\t\"interfaces\": [\n\t\t{ \"type\": "
				   "\"tap\", \"param\": \"tap0\", \"masklen\": "
				   "\"33\" }\n\t]\n}\n";
	struct lkl_config *cfg;
	int fd, r;

	fd = mkstemp(path);
	if (!check(fd >= 0, "temporary file", "mkstemp: %s", strerror(errno)))
		return;
	r = write(fd, text, sizeof(text) - 1) == sizeof(text) - 1 ? 0 : -1;
	close(fd);
	if (!r)
		r = lkl_load_config_file(path, &cfg, err, sizeof(err));
	unlink(path);
	snprintf(want, sizeof(want),
		 "%s: interfaces[0].masklen: \"33\": expected 0..32", path);
	CHECK_EQ("bad file: -EINVAL", r, -LKL_EINVAL);
	CHECK_STR("bad file: message names the file", err, want);
}

static void check_loaded(const struct lkl_config *c)
{
	static const unsigned char mac_a[6] = { 2, 0, 0, 0, 0, 0xa };
	const struct lkl_config_iface *a = &c->ifaces[0], *b = &c->ifaces[1];
	unsigned int pid = (unsigned int)getpid();
	unsigned char mac_b[6] = { 2, (unsigned char)(pid >> 16),
				   (unsigned char)(pid >> 8),
				   (unsigned char)pid, 0, 2 };

	CHECK_EQ("2 interfaces", c->iface_count, 2);
	CHECK("both pipes", a->type == LKL_CONFIG_IF_PIPE &&
			    b->type == LKL_CONFIG_IF_PIPE);
	CHECK_STR("param \"100\"", a->param, "100");
	CHECK_STR("param 101 (a number) is \"101\"", b->param, "101");
	CHECK_EQ("mtu 1400", a->mtu, 1400);
	CHECK_EQ("second mtu not given: 0", b->mtu, 0);
	CHECK_EQ("offload 0x3", a->offload, 3);
	CHECK("mac 02:00:00:00:00:0a", !memcmp(a->mac, mac_a, 6));
	CHECK("default mac of index 1: 02:<pid>:00:02",
	      !memcmp(b->mac, mac_b, 6));
	CHECK("ip 10.1.0.1/24", a->has_ip && a->ip == ip4(10, 1, 0, 1) &&
				a->masklen == 24);
	CHECK("masklen 24 as a number", b->has_ip && b->masklen == 24);
	CHECK("ipv6 /64", a->has_ipv6 && a->masklen6 == 64);
	CHECK("second without ipv6", !b->has_ipv6 && !b->has_ifgateway6);
	CHECK_EQ("two neighbours", a->neigh_count, 2);
	CHECK("neighbours' families",
	      a->neigh_count == 2 && a->neigh[0].af == LKL_AF_INET &&
	      a->neigh[1].af == LKL_AF_INET6);
	CHECK_STR("qdisc root|fq is fq", a->qdisc, "fq");
	CHECK_STR("qdisc fq_codel", b->qdisc, "fq_codel");
	CHECK("not added yet", a->netdev_id == -1 && b->netdev_id == -1);
	CHECK("gateway 10.1.0.254",
	      c->has_gateway && c->gateway == ip4(10, 1, 0, 254));
	CHECK("gateway6", c->has_gateway6 && c->gateway6[15] == 0xfe);
	CHECK_EQ("three sysctls (trailing ';')", c->sysctl_count, 3);
	if (c->sysctl_count == 3) {
		CHECK_STR("sysctl key", c->sysctl[0].key, "net.ipv4.tcp_wmem");
		CHECK_STR("sysctl value with blanks", c->sysctl[0].value,
			  "4096 87380 2147483647");
		CHECK_STR("sysctl trimmed", c->sysctl[2].key,
			  "net.core.somaxconn");
	}
	CHECK("mount proc,sysfs", c->mount_count == 2 &&
				  !strcmp(c->mount[0], "proc") &&
				  !strcmp(c->mount[1], "sysfs"));
	CHECK_STR("nameserver", c->nameserver, "10.1.0.53");
	CHECK_EQ("nameserver family", c->nameserver_af, LKL_AF_INET);
	CHECK_EQ("debug 1", c->debug, 1);
	CHECK_EQ("singlecpu 1", c->singlecpu, 1);
	CHECK_EQ("delay_main 5000", c->delay_main, 5000);
	CHECK("dump: two paths", c->dump_count == 2 &&
				 !strcmp(c->dump[1], "/proc/net/dev"));
	CHECK_STR("boot_cmdline", c->boot_cmdline, "loglevel=4");
	CHECK("mptcp \"subflow, backup\"",
	      a->has_mptcp && a->mptcp_flags == (LKL_MPTCP_FLAG_SUBFLOW |
						 LKL_MPTCP_FLAG_BACKUP) &&
	      !a->mptcp_id && !a->mptcp_port);
	CHECK("mptcp [\"signal\"], id 7, port 5555",
	      b->has_mptcp && b->mptcp_flags == LKL_MPTCP_FLAG_SIGNAL &&
	      b->mptcp_id == 7 && b->mptcp_port == 5555);
	CHECK("mptcp_limits 3 and \"4\"",
	      c->has_mptcp_subflows && c->mptcp_subflows == 3 &&
	      c->has_mptcp_add_addr_accepted &&
	      c->mptcp_add_addr_accepted == 4);
	CHECK_EQ("hijack_mptcp true", c->hijack_mptcp, 1);
}

/* A socketpair whose LKL end is @fd; the host end is returned. */
static int wire(int fd)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return -1;
	if (dup2(sv[0], fd) < 0)
		return -1;
	close(sv[0]);
	return sv[1];
}

static const char bad_qdisc_json[] =
	"{ \"interfaces\": [ { \"type\": \"pipe\", \"param\": \"102\", "
	"\"mac\": \"02:00:00:00:00:0c\", \"qdisc\": \"nosuchqdisc\" } ] }";

/* An endpoint whose id two-pipes.json's interface B already has. */
static const char bad_mptcp_json[] =
	"{ \"interfaces\": [ { \"type\": \"pipe\", \"param\": \"104\", "
	"\"mac\": \"02:00:00:00:00:10\", \"ip\": \"10.6.0.1\", "
	"\"masklen\": 24, \"mptcp\": \"subflow\", \"mptcp_id\": 7 } ] }";

/* Host interfaces, made in our own network namespace. */
static const char tap_json[] =
	"{ \"interfaces\": [ { \"type\": \"tap\", \"param\": \"lklcfg0\", "
	"\"mac\": \"02:00:00:00:00:0d\", \"mtu\": \"9000\", "
	"\"offload\": \"0x9983\", \"ip\": \"10.3.0.1\", "
	"\"masklen\": \"24\" } ] }";

/*
 * The macvtap by its /dev/tapN path (%u: its ifindex): its name would be
 * looked up in /sys, which shows the namespace we left.
 */
static const char veth_json[] =
	"{ \"interfaces\": [ { \"type\": \"raw\", \"param\": \"lklcfg-v0\", "
	"\"mac\": \"02:00:00:00:00:0e\", \"ip\": \"10.4.0.1\", "
	"\"masklen\": \"24\" }, { \"type\": \"macvtap\", "
	"\"param\": \"/dev/tap%u\", \"mac\": \"02:00:00:00:00:0f\", "
	"\"offload\": \"0x9983\", \"ip\": \"10.5.0.1\", "
	"\"masklen\": \"24\" } ] }";

/* A veth pair, the macvtap on one end: raw goes on the other. */
static const char make_veth[] =
	"ip link add lklcfg-v0 type veth peer name lklcfg-v1 && "
	"ip link set lklcfg-v0 up && ip link set lklcfg-v1 up && "
	"ip link add link lklcfg-v1 name lklcfg-mvt type macvtap mode bridge "
	"&& ip link set lklcfg-mvt up";

static struct lkl_config *load(const char *json, const char *name)
{
	struct lkl_config *cfg = NULL;
	int r = lkl_load_config_json(json, &cfg, err, sizeof(err));

	check(r == 0, name, "%d: %s", r, err);
	return cfg;
}

/* Load @json and add its devices: the configuration, or NULL. */
static struct lkl_config *load_add(const char *json, const char *name)
{
	struct lkl_config *cfg;
	char loads[128];
	int r;

	snprintf(loads, sizeof(loads), "%s: loads", name);
	cfg = load(json, loads);
	if (!cfg)
		return NULL;
	r = lkl_config_add_netdevs(cfg, err, sizeof(err));
	if (!check(r == 0, name, "%d: %s", r, err)) {
		lkl_config_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * Whether the host takes packet sockets' options, which the raw backend
 * sets: qemu-user, that runs a cross build's tests, has none (ENOPROTOOPT).
 */
static int host_packet_options(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0), off = 0, r, e;

	if (fd < 0)
		return 1;	/* the backend's own error says more */
	r = setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &off, sizeof(off));
	e = errno;
	close(fd);
	return !(r < 0 && e == ENOPROTOOPT);
}

/*
 * The TAP, raw and macvtap interfaces, in a network namespace of our
 * own (it goes away with the process): *@tap and *@veth get their
 * configurations, or NULL when they could not be made.
 */
static void add_host_ifaces(struct lkl_config **tap, struct lkl_config **veth)
{
	char json[sizeof(veth_json) + 16];
	int r;

	*tap = *veth = NULL;
	if (unshare(CLONE_NEWNET) < 0) {
		test_skip("tap, raw and macvtap interfaces",
			  "cannot make a network namespace (%s): needs root",
			  strerror(errno));
		return;
	}
	*tap = load_add(tap_json, "tap interface added");
	if (!host_packet_options()) {
		test_skip("raw and macvtap interfaces",
			  "setsockopt(SOL_PACKET) is ENOPROTOOPT on this host "
			  "(qemu-user does not emulate packet socket options)");
		return;
	}
	r = system(make_veth);
	if (r != 0) {
		test_skip("raw and macvtap interfaces",
			  "`%s` failed (status %d): needs iproute2 and macvtap",
			  make_veth, r);
		return;
	}
	snprintf(json, sizeof(json), veth_json, if_nametoindex("lklcfg-mvt"));
	*veth = load_add(json, "raw and macvtap interfaces added");
}

/* The name of the interface whose /sysfs ifindex is @ifindex. */
static int if_name(int ifindex, char *name, size_t len)
{
	char path[64], buf[16];
	int i;

	for (i = 0; i < LKL_NETDEV_MAX; i++) {
		snprintf(path, sizeof(path), "/sysfs/class/net/eth%d/ifindex",
			 i);
		if (read_lkl_file(path, buf, sizeof(buf)) > 0 &&
		    atoi(buf) == ifindex) {
			snprintf(name, len, "eth%d", i);
			return 0;
		}
	}
	return -1;
}

/* Whether the kernel lists endpoint @want, field for field. */
static void check_endpoint(const struct lkl_mptcp_endpoint *eps, int n,
			   const struct lkl_mptcp_endpoint *want,
			   const char *name)
{
	const struct lkl_mptcp_endpoint *e = NULL;
	int i;

	for (i = 0; i < n && i < LKL_MPTCP_ENDPOINTS_MAX; i++)
		if (eps[i].id == want->id)
			e = &eps[i];
	check(e && e->af == want->af && e->port == want->port &&
	      e->ifindex == want->ifindex && e->flags == want->flags &&
	      !memcmp(e->addr, want->addr, want->af == LKL_AF_INET ? 4 : 16),
	      name, "id %d: %s; af %d port %d ifindex %d flags 0x%x", want->id,
	      e ? "differs" : "not listed", e ? e->af : 0, e ? e->port : 0,
	      e ? e->ifindex : 0, e ? e->flags : 0);
}

/* The endpoints and limits that "mptcp" and "mptcp_limits" made. */
static void check_mptcp_applied(const struct lkl_config *c)
{
	const struct lkl_config_iface *a = &c->ifaces[0], *b = &c->ifaces[1];
	struct lkl_mptcp_endpoint eps[LKL_MPTCP_ENDPOINTS_MAX], want;
	unsigned int subflows = 0, add_addr = 0;
	int n;

	CHECK("A's endpoint ids set, one per address",
	      a->mptcp_id4 > 0 && a->mptcp_id6 > 0 &&
	      a->mptcp_id4 != a->mptcp_id6);
	CHECK("B's endpoint id is 7, IPv4 only",
	      b->mptcp_id4 == 7 && b->mptcp_id6 == 0);
	n = lkl_mptcp_endpoint_list(eps, LKL_MPTCP_ENDPOINTS_MAX);
	CHECK_EQ("the kernel lists 3 endpoints", n, 3);
	memset(&want, 0, sizeof(want));
	want.id = a->mptcp_id4;
	want.af = LKL_AF_INET;
	memcpy(want.addr, &a->ip, 4);
	want.ifindex = a->ifindex;
	want.flags = LKL_MPTCP_FLAG_SUBFLOW | LKL_MPTCP_FLAG_BACKUP;
	check_endpoint(eps, n, &want, "10.1.0.1 subflow,backup dev A");
	want.id = a->mptcp_id6;
	want.af = LKL_AF_INET6;
	memcpy(want.addr, a->ipv6, 16);
	check_endpoint(eps, n, &want, "fd01::1 subflow,backup dev A");
	memset(&want, 0, sizeof(want));
	want.id = 7;
	want.af = LKL_AF_INET;
	memcpy(want.addr, &b->ip, 4);
	want.port = 5555;
	want.ifindex = b->ifindex;
	want.flags = LKL_MPTCP_FLAG_SIGNAL;
	check_endpoint(eps, n, &want, "10.2.0.1 port 5555 signal id 7 dev B");
	CHECK_EQ("lkl_mptcp_get_limits", lkl_mptcp_get_limits(&subflows,
							       &add_addr), 0);
	CHECK("limits 3 and 4", subflows == 3 && add_addr == 4);
}

static void check_applied(const struct lkl_config *c)
{
	static const unsigned char gw_mac_a[6] = { 2, 0, 0, 0, 1, 0xa };
	static const unsigned char gw_mac_b[6] = { 2, 0, 0, 0, 1, 0xb };
	int if_a = c->ifaces[0].ifindex, if_b = c->ifaces[1].ifindex;
	unsigned int gw_a = ip4(10, 1, 0, 254), gw_b = ip4(10, 2, 0, 254);
	unsigned int net_a = ip4(10, 1, 0, 0), net_b = ip4(10, 2, 0, 0);
	unsigned int a4 = ip4(10, 1, 0, 1), b4 = ip4(10, 2, 0, 1);
	unsigned char net6[16] = { 0xfd, 1 }, gw6[16] = { 0xfd, 1 };
	char buf[256], path[64], kind[32] = "", name[16] = "?";

	gw6[15] = 0xfe;
	CHECK("ifindexes set", if_a > 0 && if_b > 0 && if_a != if_b);
	CHECK_EQ("A has 10.1.0.1/24", count_addrs(LKL_AF_INET, if_a, &a4, 24),
		 1);
	CHECK_EQ("B has 10.2.0.1/24", count_addrs(LKL_AF_INET, if_b, &b4, 24),
		 1);
	CHECK_EQ("A has fd01::1/64",
		 count_addrs(LKL_AF_INET6, if_a, c->ifaces[0].ipv6, 64), 1);
	CHECK_EQ("rule from 10.1.0.0/24 lookup A's table",
		 count_rules(LKL_AF_INET, LKL_IF_TABLE_BASE + if_a, &net_a, 24),
		 1);
	CHECK_EQ("rule from 10.2.0.0/24 lookup B's table",
		 count_rules(LKL_AF_INET, LKL_IF_TABLE_BASE + if_b, &net_b, 24),
		 1);
	CHECK_EQ("rule from fd01::/64 lookup A's table",
		 count_rules(LKL_AF_INET6, LKL_IF_TABLE_BASE + if_a, net6, 64),
		 1);
	CHECK_EQ("A's table: default via 10.1.0.254 dev A",
		 count_defaults(LKL_AF_INET, LKL_IF_TABLE_BASE + if_a, &gw_a,
				if_a), 1);
	CHECK_EQ("B's table: default via 10.2.0.254 dev B",
		 count_defaults(LKL_AF_INET, LKL_IF_TABLE_BASE + if_b, &gw_b,
				if_b), 1);
	CHECK_EQ("A's table: default via fd01::fe dev A",
		 count_defaults(LKL_AF_INET6, LKL_IF_TABLE_BASE + if_a, gw6,
				if_a), 1);
	CHECK_EQ("main: default via 10.1.0.254 dev A",
		 count_defaults(LKL_AF_INET, LKL_RT_TABLE_MAIN, &gw_a, if_a),
		 1);
	CHECK_EQ("main: no default via 10.2.0.254",
		 count_defaults(LKL_AF_INET, LKL_RT_TABLE_MAIN, &gw_b, if_b),
		 0);
	CHECK_EQ("main: default via fd01::fe dev A",
		 count_defaults(LKL_AF_INET6, LKL_RT_TABLE_MAIN, gw6, if_a), 1);
	CHECK_EQ("neighbour 10.1.0.254 on A",
		 count_neighbours(LKL_AF_INET, if_a, &gw_a, gw_mac_a), 1);
	CHECK_EQ("neighbour fd01::fe on A",
		 count_neighbours(LKL_AF_INET6, if_a, gw6, gw_mac_a), 1);
	CHECK_EQ("neighbour 10.2.0.254 on B",
		 count_neighbours(LKL_AF_INET, if_b, &gw_b, gw_mac_b), 1);
	check(!root_qdisc_kind(if_a, kind, sizeof(kind)) &&
	      !strcmp(kind, "fq"), "A's root qdisc is fq", "\"%s\"", kind);
	check(!root_qdisc_kind(if_b, kind, sizeof(kind)) &&
	      !strcmp(kind, "fq_codel"), "B's root qdisc is fq_codel",
	      "\"%s\"", kind);
	lkl_sysctl_get("net.ipv4.tcp_wmem", buf, sizeof(buf));
	CHECK_STR("sysctl tcp_wmem", buf, "4096\t87380\t2147483647");
	lkl_sysctl_get("net.ipv4.tcp_congestion_control", buf, sizeof(buf));
	CHECK_STR("sysctl tcp_congestion_control", buf, "bbr");
	lkl_sysctl_get("net.core.somaxconn", buf, sizeof(buf));
	CHECK_STR("sysctl somaxconn", buf, "512");
	read_lkl_file("/proc/mounts", buf, sizeof(buf));
	CHECK("sysfs mounted at /sysfs", strstr(buf, "sysfs /sysfs sysfs"));
	CHECK_EQ("A's name from /sysfs", if_name(if_a, name, sizeof(name)), 0);
	snprintf(path, sizeof(path), "/sysfs/class/net/%s/mtu", name);
	read_lkl_file(path, buf, sizeof(buf));
	CHECK_STR("A's mtu is 1400", buf, "1400\n");
	check_mptcp_applied(c);
}

/* Whether interface @n of @c has address @want/24 (network order). */
static void check_addr(const struct lkl_config *c, int n, unsigned int want,
		       const char *name)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "%s has its address", name);
	CHECK_EQ(msg, count_addrs(LKL_AF_INET, c->ifaces[n].ifindex, &want,
				  24), 1);
}

static void check_host_ifaces(struct lkl_config *tap, struct lkl_config *veth)
{
	char buf[32] = "", path[64], name[16] = "?";
	int r;

	test_section("tap, raw and macvtap interfaces", 30);
	if (tap) {
		r = lkl_config_apply(tap, err, sizeof(err));
		check(r == 0, "apply the tap's", "%d: %s", r, err);
		check_addr(tap, 0, ip4(10, 3, 0, 1), "tap");
		if_name(tap->ifaces[0].ifindex, name, sizeof(name));
		snprintf(path, sizeof(path), "/sysfs/class/net/%s/mtu", name);
		read_lkl_file(path, buf, sizeof(buf));
		CHECK_STR("tap's mtu is 9000", buf, "9000\n");
	}
	if (veth) {
		r = lkl_config_apply(veth, err, sizeof(err));
		check(r == 0, "apply raw and macvtap", "%d: %s", r, err);
		check_addr(veth, 0, ip4(10, 4, 0, 1), "raw");
		check_addr(veth, 1, ip4(10, 5, 0, 1), "macvtap");
	}
}

/* Applying @c fails with @want_r and message @want. */
static void check_apply_error(struct lkl_config *c, const char *name,
			      int want_r, const char *want)
{
	int r = c ? lkl_config_apply(c, err, sizeof(err)) : 0;

	check(r == want_r && !strcmp(err, want), name,
	      "returned %d, message \"%s\"; want %d, \"%s\"", r, err, want_r,
	      want);
}

/* The same for the configuration @json, loaded here. */
static void check_json_apply_error(const char *json, const char *name,
				   int want_r, const char *want)
{
	char loads[128];
	struct lkl_config *c;

	snprintf(loads, sizeof(loads), "%s: loads", name);
	c = load(json, loads);
	check_apply_error(c, name, want_r, want);
	lkl_config_free(c);
}

/* A limit not given keeps its value (3 and 4: two-pipes.json's). */
static void test_mptcp_partial_limits(void)
{
	unsigned int subflows = 0, add_addr = 0;
	struct lkl_config *c;
	int r;

	c = load("{ \"mptcp_limits\": { \"add_addr_accepted\": 1 } }",
		 "load add_addr_accepted alone");
	r = c ? lkl_config_apply(c, err, sizeof(err)) : -1;
	check(r == 0, "apply add_addr_accepted alone", "%d: %s", r, err);
	lkl_mptcp_get_limits(&subflows, &add_addr);
	check(subflows == 3 && add_addr == 1,
	      "subflows kept (3), add_addr_accepted set (1)", "%u and %u",
	      subflows, add_addr);
	lkl_config_free(c);
}

/* Errors only a running kernel gives. */
static void test_apply_errors(struct lkl_config *applied,
			      struct lkl_config *bad_qdisc,
			      struct lkl_config *bad_mptcp)
{
	test_section("errors after boot", 30);
	check_apply_error(applied, "applied twice", -LKL_EEXIST,
			  "interfaces[0].ipv6: \"fd01::1/64\": "
			  "lkl_if_add_ipv6: File exists");
	check_apply_error(bad_qdisc, "unknown qdisc", -LKL_ENOENT,
			  "interfaces[0].qdisc: \"nosuchqdisc\": "
			  "lkl_qdisc_add: No such file or directory");
	check_apply_error(bad_mptcp, "MPTCP endpoint id in use", -LKL_EBUSY,
			  "interfaces[0].mptcp: \"10.6.0.1 subflow\": "
			  "lkl_mptcp_endpoint_add: Device or resource busy");
	check_json_apply_error("{ \"sysctl\": \"net.ipv4.no_such_sysctl=1\" }",
			       "unknown sysctl", -LKL_ENOENT,
			       "sysctl: \"net.ipv4.no_such_sysctl=1\": "
			       "lkl_sysctl: No such file or directory");
	check_json_apply_error("{ \"gateway\": \"192.0.2.1\" }",
			       "unreachable gateway", -LKL_ENETUNREACH,
			       "gateway: \"192.0.2.1\": lkl_set_ipv4_gateway: "
			       "Network is unreachable");
	check_json_apply_error("{ \"interfaces\": [ { \"type\": \"pipe\", "
			       "\"param\": \"5\" } ] }",
			       "interface never added", -LKL_ENODEV,
			       "interfaces[0].param: \"5\": no device: call "
			       "lkl_config_add_netdevs() before boot");
}

/* Adding fails on the second interface: the first is removed again. */
static void test_add_error(void)
{
	struct lkl_config *c;
	int r, host = wire(103);

	c = load("{ \"interfaces\": [ "
		 "{ \"type\": \"pipe\", \"param\": \"103\" },"
		 " { \"type\": \"pipe\", \"param\": \"999\" } ] }",
		 "load a closed fd");
	if (!c)
		return;
	close(999);
	r = lkl_config_add_netdevs(c, err, sizeof(err));
	CHECK_EQ("closed fd: -EBADF", r, -LKL_EBADF);
	CHECK_STR("closed fd: message", err,
		  "interfaces[1].param: \"999\": lkl_netdev_add_pipe: Bad file "
		  "descriptor");
	CHECK_EQ("the first device is removed again", c->ifaces[0].netdev_id,
		 -1);
	lkl_config_free(c);
	close(103);
	close(host);
}

int main(void)
{
	struct lkl_config *cfg = NULL, *bad_qdisc, *bad_mptcp, *tap, *veth;
	int host_a, host_b, host_q, host_m, r;
	char cmdline[256], small[10] = "";

	test_bad_configs();
	test_bad_file();

	test_section("load two-pipes.json", 30);
	r = lkl_load_config_file(GOOD_FILE, &cfg, err, sizeof(err));
	if (!check(r == 0, "load " GOOD_FILE, "%d: %s", r, err))
		return test_done();
	check_loaded(cfg);

	test_section("devices and boot", 60);
	test_add_error();
	host_a = wire(FD_A);
	host_b = wire(FD_B);
	host_q = wire(FD_BAD_QDISC);
	host_m = wire(FD_BAD_MPTCP);
	CHECK("socketpairs", host_a >= 0 && host_b >= 0 && host_q >= 0 &&
			     host_m >= 0);
	r = lkl_config_add_netdevs(cfg, err, sizeof(err));
	if (!check(r == 0, "add the devices", "%d: %s", r, err))
		return test_done();
	CHECK("device ids", cfg->ifaces[0].netdev_id >= 0 &&
			    cfg->ifaces[1].netdev_id >= 0);
	close(FD_A);
	close(FD_B);
	bad_qdisc = load_add(bad_qdisc_json, "the failing qdisc's device added");
	close(FD_BAD_QDISC);
	bad_mptcp = load_add(bad_mptcp_json,
			     "the taken endpoint id's device added");
	close(FD_BAD_MPTCP);
	add_host_ifaces(&tap, &veth);

	r = lkl_config_boot_cmdline(cfg, "mem=64M", cmdline, sizeof(cmdline));
	CHECK_STR("command line", cmdline, "mem=64M loglevel=4");
	CHECK_EQ("its length", r, (int)strlen("mem=64M loglevel=4"));
	CHECK_EQ("command line too long: -ERANGE",
		 lkl_config_boot_cmdline(cfg, "mem=64M", small, sizeof(small)),
		 -LKL_ERANGE);
	CHECK_STR("nothing written then", small, "");
	lkl_host_log_fd = -1;
	r = lkl_start_kernel(&lkl_host_ops, cmdline);
	if (!check(r == 0, "boot", "lkl_start_kernel: %d", r))
		return test_done();

	test_section("apply two-pipes.json", 60);
	r = lkl_config_apply(cfg, err, sizeof(err));
	if (check(r == 0, "apply", "%d: %s", r, err))
		check_applied(cfg);
	check_host_ifaces(tap, veth);
	if (bad_qdisc && bad_mptcp)
		test_apply_errors(cfg, bad_qdisc, bad_mptcp);
	test_mptcp_partial_limits();

	test_section("halt", 60);
	CHECK_EQ("lkl_sys_halt", lkl_sys_halt(), 0);
	lkl_config_free(cfg);
	lkl_config_free(bad_qdisc);
	lkl_config_free(bad_mptcp);
	lkl_config_free(tap);
	lkl_config_free(veth);
	close(host_a);
	close(host_b);
	close(host_q);
	close(host_m);
	return test_done();
}
