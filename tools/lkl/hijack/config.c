// SPDX-License-Identifier: GPL-2.0
/*
 * The hijack's configuration, from LKL_HIJACK_* environment variables
 * (Documentation/lkl/hijack.rst lists them).
 *
 * Everything is parsed and checked by the constructor, before main():
 * a bad value, or a variable that names nothing we know (a typo), stops
 * the program there with a message naming it.  What only the kernel can
 * refuse (a TAP that is busy, a sysctl it does not have) stops it when
 * the kernel starts, before any socket is handed out: a program never
 * runs on a half-configured stack.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lkl.h>
#ifdef HIJACK_JSON
#include <lkl_config.h>
#endif
#include <lkl/linux/fcntl.h>
#include <lkl/linux/if.h>
#include <lkl/linux/sockios.h>

#include "hijack.h"

#define PREFIX		"LKL_HIJACK_"
/* Bad configuration: sysexits.h's EX_CONFIG. */
#define EXIT_CONFIG	78
#define DEFAULT_MEM	"mem=128M"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum { IF_NONE, IF_TAP, IF_MACVTAP, IF_RAW };

static struct {
	int iftype;
	const char *ifparams;
	int has_ip, has_gw, has_ip6, has_gw6;
	struct in_addr ip, gw;
	unsigned int masklen, masklen6;
	struct in6_addr ip6, gw6;
	unsigned char mac[6];
	unsigned int mtu;
	unsigned long long offload;
	const char *sysctl;	/* "key=value;key=value" */
	const char *mount;	/* "proc,sysfs" */
	const char *cmdline;
	unsigned int linger;
	unsigned int spin_us;
	unsigned long long host_families;	/* bit per AF_* */
	int mptcp;		/* TCP sockets made MPTCP ones */
	int netdev;		/* the device's id, -1 */
	int forked;		/* in a fork's child: no devices */
	int fork_new;		/* LKL_HIJACK_FORK=new: a kernel per child */
#ifdef HIJACK_JSON
	struct lkl_config *json;	/* LKL_HIJACK_CONFIG_FILE's */
#endif
} cfg = { .netdev = -1 };

int hijack_debug;

static const char *const known[] = {
	"NET_IFTYPE", "NET_IFPARAMS", "NET_IP", "NET_NETMASK_LEN",
	"NET_GATEWAY", "NET_IPV6", "NET_GATEWAY6", "NET_MAC", "NET_MTU",
	"OFFLOAD", "SYSCTL", "MOUNT", "DEBUG", "BOOT_CMDLINE",
	"CONFIG_FILE", "HOST_FAMILIES", "EXIT_LINGER", "SPIN_US", "MPTCP",
	"FORK", "ROOT", NULL
};

static const struct {
	const char *name;
	int af;
} families[] = {
	{ "unix", AF_UNIX }, { "inet", AF_INET }, { "inet6", AF_INET6 },
	{ "netlink", AF_NETLINK }, { "packet", AF_PACKET },
};

void hijack_log(const char *fmt, ...)
{
	va_list ap;

	if (!hijack_debug)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "lkl-hijack: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static const char *env(const char *var)
{
	char name[64];
	const char *v;

	snprintf(name, sizeof(name), PREFIX "%s", var);
	v = getenv(name);
	return v && *v ? v : NULL;
}

#define BAD(var, ...) bad_env(var, __VA_ARGS__)
static void __attribute__((noreturn, format(printf, 2, 3)))
bad_env(const char *var, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "lkl-hijack: %s%s=\"%s\": %s\n", PREFIX, var,
		env(var) ? env(var) : "", msg);
	exit(EXIT_CONFIG);
}

static unsigned long long number(const char *var, unsigned long long min,
				 unsigned long long max)
{
	const char *v = env(var);
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || *end || end == v || *v == '-' || n < min || n > max)
		BAD(var, "expected a number from %llu to %llu", min, max);
	return n;
}

/* Every LKL_HIJACK_* variable must be one we know. */
static void check_names(void)
{
	char **e;
	int i, len;

	for (e = environ; e && *e; e++) {
		if (strncmp(*e, PREFIX, strlen(PREFIX)))
			continue;
		for (i = 0; known[i]; i++) {
			len = (int)strlen(known[i]);
			if (!strncmp(*e + strlen(PREFIX), known[i], (size_t)len) &&
			    (*e)[strlen(PREFIX) + (size_t)len] == '=')
				break;
		}
		if (!known[i]) {
			fprintf(stderr, "lkl-hijack: %.*s: not a variable the hijack knows (see Documentation/lkl/hijack.rst)\n",
				(int)strcspn(*e, "="), *e);
			exit(EXIT_CONFIG);
		}
	}
}

static void load_iface(void)
{
	const char *v = env("NET_IFTYPE"), *p = env("NET_IFPARAMS");

	if (!v) {
		static const char *const needs[] = {
			"NET_IFPARAMS", "NET_IP", "NET_IPV6", "NET_MAC",
			"NET_MTU", "OFFLOAD", NULL
		};
		int i;

		for (i = 0; needs[i]; i++)
			if (env(needs[i]))
				BAD(needs[i], "needs " PREFIX "NET_IFTYPE");
		return;
	}
	if (!strcmp(v, "tap"))
		cfg.iftype = IF_TAP;
	else if (!strcmp(v, "macvtap"))
		cfg.iftype = IF_MACVTAP;
	else if (!strcmp(v, "raw"))
		cfg.iftype = IF_RAW;
	else
		BAD("NET_IFTYPE", "expected tap, macvtap or raw");
	if (!p)
		BAD("NET_IFPARAMS", "missing: the %s", cfg.iftype == IF_MACVTAP ?
		    "macvtap's /dev/tapN or name" : "interface's name");
	if ((cfg.iftype != IF_MACVTAP || !strchr(p, '/')) &&
	    (strlen(p) >= IFNAMSIZ || strpbrk(p, "/: \t\n")))
		BAD("NET_IFPARAMS", "not an interface name (1 to %d characters, no '/', ':' or blanks)",
		    IFNAMSIZ - 1);
	cfg.ifparams = p;
	if (env("NET_MTU"))
		cfg.mtu = (unsigned int)number("NET_MTU", 68, 65535);
	if (env("OFFLOAD")) {
		cfg.offload = number("OFFLOAD", 0, ULLONG_MAX);
		if (cfg.offload & ~LKL_NETDEV_OFFLOAD_ALL)
			BAD("OFFLOAD", "bits outside 0x%llx", LKL_NETDEV_OFFLOAD_ALL);
	}
}

static void load_mac(void)
{
	const char *v = env("NET_MAC");
	unsigned int b[6];
	char tail;
	int i;

	if (!v) {
		/* 02:00 and the IPv4 address: one MAC per address. */
		memcpy(cfg.mac, "\x02\x00\x00\x00\x00\x01", 6);
		if (cfg.has_ip)
			memcpy(cfg.mac + 2, &cfg.ip, 4);
		return;
	}
	if (sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6 || strlen(v) != 17)
		BAD("NET_MAC", "expected six hexadecimal bytes, aa:bb:cc:dd:ee:ff");
	for (i = 0; i < 6; i++)
		cfg.mac[i] = (unsigned char)b[i];
	if ((cfg.mac[0] & 1) || !memcmp(cfg.mac, "\0\0\0\0\0\0", 6))
		BAD("NET_MAC", "not a unicast address");
}

static void load_ipv4(void)
{
	if (env("NET_IP")) {
		if (inet_pton(AF_INET, env("NET_IP"), &cfg.ip) != 1)
			BAD("NET_IP", "not an IPv4 address (a.b.c.d)");
		if (!env("NET_NETMASK_LEN"))
			BAD("NET_IP", "needs " PREFIX "NET_NETMASK_LEN");
		cfg.has_ip = 1;
		cfg.masklen = (unsigned int)number("NET_NETMASK_LEN", 0, 32);
	} else if (env("NET_NETMASK_LEN")) {
		BAD("NET_NETMASK_LEN", "needs " PREFIX "NET_IP");
	}
	if (env("NET_GATEWAY")) {
		if (inet_pton(AF_INET, env("NET_GATEWAY"), &cfg.gw) != 1)
			BAD("NET_GATEWAY", "not an IPv4 address (a.b.c.d)");
		if (!cfg.has_ip)
			BAD("NET_GATEWAY", "needs " PREFIX "NET_IP");
		cfg.has_gw = 1;
	}
}

static void load_ipv6(void)
{
	const char *v = env("NET_IPV6");
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash;
	char *end;
	long len = 64;

	if (v) {
		slash = strchr(v, '/');
		if ((size_t)(slash ? slash - v : (long)strlen(v)) >= sizeof(addr))
			BAD("NET_IPV6", "not an IPv6 address");
		snprintf(addr, sizeof(addr), "%.*s",
			 (int)(slash ? slash - v : (long)strlen(v)), v);
		if (inet_pton(AF_INET6, addr, &cfg.ip6) != 1)
			BAD("NET_IPV6", "not an IPv6 address (addr or addr/prefix)");
		if (slash) {
			errno = 0;
			len = strtol(slash + 1, &end, 10);
			if (errno || *end || end == slash + 1 || len < 0 ||
			    len > 128)
				BAD("NET_IPV6", "the prefix length must be 0 to 128");
		}
		cfg.has_ip6 = 1;
		cfg.masklen6 = (unsigned int)len;
	}
	if (env("NET_GATEWAY6")) {
		if (inet_pton(AF_INET6, env("NET_GATEWAY6"), &cfg.gw6) != 1)
			BAD("NET_GATEWAY6", "not an IPv6 address");
		if (!cfg.has_ip6)
			BAD("NET_GATEWAY6", "needs " PREFIX "NET_IPV6");
		cfg.has_gw6 = 1;
	}
}

/* "key=value;key=value": each key a sysctl path, each with a value. */
static void load_sysctl(void)
{
	const char *v = env("SYSCTL"), *p, *eq, *semi;

	cfg.sysctl = v;
	for (p = v; p && *p; p = semi ? semi + 1 : p + strlen(p)) {
		semi = strchr(p, ';');
		eq = memchr(p, '=', semi ? (size_t)(semi - p) : strlen(p));
		if (!eq || eq == p)
			BAD("SYSCTL", "expected key=value;key=value...");
	}
}

/* "unix,packet" (the default), or "none". */
static void load_families(void)
{
	const char *v = env("HOST_FAMILIES"), *p;
	size_t len, i;

	cfg.host_families = 1ULL << AF_UNIX | 1ULL << AF_PACKET;
	if (!v)
		return;
	cfg.host_families = 0;
	if (!strcmp(v, "none"))
		return;
	for (p = v; *p; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		for (i = 0; i < ARRAY_SIZE(families); i++)
			if (strlen(families[i].name) == len &&
			    !strncmp(p, families[i].name, len))
				break;
		if (i == ARRAY_SIZE(families))
			BAD("HOST_FAMILIES", "expected a list of unix, inet, inet6, netlink, packet, or none");
		cfg.host_families |= 1ULL << families[i].af;
	}
}

#ifdef HIJACK_JSON
/* Pin the program to the CPU it runs on ("singlecpu"). */
static void single_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	CPU_ZERO(&set);
	CPU_SET(cpu < 0 ? 0 : cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		BAD("CONFIG_FILE", "singlecpu: sched_setaffinity: %s",
		    strerror(errno));
}

/*
 * The JSON file (lkl_config.h) configures the whole stack: the
 * variables that would say the same are refused beside it.
 */
static void load_json(void)
{
	static const char *const instead[] = {
		"NET_IFTYPE", "NET_IFPARAMS", "NET_IP", "NET_NETMASK_LEN",
		"NET_GATEWAY", "NET_IPV6", "NET_GATEWAY6", "NET_MAC",
		"NET_MTU", "OFFLOAD", "SYSCTL", "MOUNT", "BOOT_CMDLINE", NULL
	};
	char err[LKL_CONFIG_ERROR_LEN];
	int i;

	for (i = 0; instead[i]; i++)
		if (env(instead[i]))
			BAD(instead[i], "not with " PREFIX "CONFIG_FILE: say it in the file");
	if (lkl_load_config_file(env("CONFIG_FILE"), &cfg.json, err,
				 sizeof(err)) < 0) {
		fprintf(stderr, "lkl-hijack: %s\n", err);
		exit(EXIT_CONFIG);
	}
	if (cfg.json->nameserver)
		BAD("CONFIG_FILE", "nameserver: not supported by the hijack (names are resolved by the host's libc, on the host's network)");
	if (cfg.json->debug && !hijack_debug)
		hijack_debug = (int)(cfg.json->debug & INT_MAX);
	if (cfg.json->singlecpu)
		single_cpu();
	/* LKL_HIJACK_MPTCP, when given, wins (as LKL_HIJACK_DEBUG does). */
	if (!env("MPTCP"))
		cfg.mptcp = cfg.json->hijack_mptcp;
}
#endif

static void load_all(void)
{
	check_names();
	if (env("DEBUG"))
		hijack_debug = (int)number("DEBUG", 0, INT_MAX);
	cfg.linger = 5;
	if (env("EXIT_LINGER"))
		cfg.linger = (unsigned int)number("EXIT_LINGER", 0, 3600);
	cfg.spin_us = 100;
	if (env("SPIN_US"))
		cfg.spin_us = (unsigned int)number("SPIN_US", 0, 1000000);
	load_families();
	if (env("FORK")) {
		if (!strcmp(env("FORK"), "new"))
			cfg.fork_new = 1;
		else if (strcmp(env("FORK"), "share"))
			BAD("FORK", "expected \"share\" (the child uses the parent's kernel, the default) or \"new\" (a kernel of its own)");
	}
	if (env("MPTCP"))
		cfg.mptcp = (int)number("MPTCP", 0, 1);
	if (env("CONFIG_FILE")) {
#ifdef HIJACK_JSON
		load_json();
		return;
#else
		BAD("CONFIG_FILE", "this build has no JSON configuration (it needs cJSON, libcjson-dev): use the " PREFIX "NET_* variables");
#endif
	}
	load_iface();
	load_ipv4();
	load_ipv6();
	if (!cfg.iftype && (cfg.has_ip || cfg.has_ip6))
		BAD(cfg.has_ip ? "NET_IP" : "NET_IPV6", "needs " PREFIX "NET_IFTYPE");
	load_mac();
	load_sysctl();
	cfg.mount = env("MOUNT");
	cfg.cmdline = env("BOOT_CMDLINE");
}

static pthread_once_t loaded = PTHREAD_ONCE_INIT;

void config_load(void)
{
	pthread_once(&loaded, load_all);
}

void config_forked_child(void)
{
	config_load();
	cfg.forked = 1;
}

int config_family_is_lkl(int family)
{
	config_load();
	if (family < 0 || family >= 64)
		return 1;
	return !(cfg.host_families & (1ULL << family));
}

int config_mptcp(void)
{
	config_load();
	return cfg.mptcp;
}

int config_fork_shares(void)
{
	config_load();
	return !cfg.fork_new;
}

unsigned int config_spin_us(void)
{
	return cfg.spin_us;
}

unsigned int config_exit_linger(void)
{
	return cfg.linger;
}

unsigned int config_delay_main(void)
{
#ifdef HIJACK_JSON
	if (cfg.json)
		return cfg.json->delay_main;
#endif
	return 0;
}

int config_boot_cmdline(char *buf, size_t len)
{
	char base[64];
	int r;

	snprintf(base, sizeof(base), "%s loglevel=%d", DEFAULT_MEM,
		 hijack_debug ? 7 : 4);
#ifdef HIJACK_JSON
	if (cfg.json) {
		r = lkl_config_boot_cmdline(cfg.json, base, buf,
					    (unsigned int)len);
		return r < 0 ? r : 0;
	}
#endif
	r = snprintf(buf, len, "%s%s%s", base, cfg.cmdline ? " " : "",
		     cfg.cmdline ? cfg.cmdline : "");
	return r < 0 || (size_t)r >= len ? -ERANGE : 0;
}

/* "dump": print LKL's files (/proc/net/snmp...) on stderr, at exit. */
void config_dump(void)
{
#ifdef HIJACK_JSON
	static char buf[4096];
	long fd, n;
	int i;

	for (i = 0; cfg.json && i < cfg.json->dump_count; i++) {
		fprintf(stderr, "lkl-hijack: %s:\n", cfg.json->dump[i]);
		fd = lkl_sys_openat(LKL_AT_FDCWD, cfg.json->dump[i],
				    LKL_O_RDONLY, 0);
		if (fd < 0) {
			fprintf(stderr, "  %s\n", lkl_strerror((int)fd));
			continue;
		}
		while ((n = lkl_sys_read((int)fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stderr);
		lkl_sys_close((int)fd);
	}
#endif
}

int config_add_devices(char *err, size_t len)
{
	int r;

	if (cfg.forked) {
		hijack_log("a fork's child: the network devices are the parent's, this kernel has loopback only");
		return 0;
	}
#ifdef HIJACK_JSON
	if (cfg.json)
		return lkl_config_add_netdevs(cfg.json, err,
					      (unsigned int)len);
#endif
	switch (cfg.iftype) {
	case IF_TAP:
		r = lkl_netdev_add_tap(cfg.ifparams, cfg.mac, cfg.mtu,
				       cfg.offload);
		break;
	case IF_MACVTAP:
		r = lkl_netdev_add_macvtap(cfg.ifparams, cfg.mac, cfg.mtu,
					   cfg.offload);
		break;
	case IF_RAW:
		r = lkl_netdev_add_raw(cfg.ifparams, cfg.mac, cfg.mtu,
				       cfg.offload);
		break;
	default:
		return 0;
	}
	if (r < 0) {
		snprintf(err, len, "%sNET_IFPARAMS=\"%s\": cannot use it: %s",
			 PREFIX, cfg.ifparams, lkl_strerror(r));
		return r;
	}
	cfg.netdev = r;
	return 0;
}

/* The kernel's name of interface @ifindex, for /proc/sys paths. */
static int if_name(int ifindex, char *name)
{
	struct lkl_ifreq ifr;
	long fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM, 0), r;

	if (fd < 0)
		return (int)fd;
	memset(&ifr, 0, sizeof(ifr));
	ifr.lkl_ifr_ifindex = ifindex;
	r = lkl_sys_ioctl((int)fd, LKL_SIOCGIFNAME, (long)&ifr);
	lkl_sys_close((int)fd);
	if (!r)
		snprintf(name, IFNAMSIZ, "%s", ifr.lkl_ifr_name);
	return (int)r;
}

static int apply_sysctls(char *err, size_t len)
{
	char key[256], value[256];
	const char *p, *eq, *semi;
	int r;

	for (p = cfg.sysctl; p && *p; p = semi ? semi + 1 : p + strlen(p)) {
		semi = strchr(p, ';');
		eq = memchr(p, '=', semi ? (size_t)(semi - p) : strlen(p));
		snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
		snprintf(value, sizeof(value), "%.*s",
			 (int)(semi ? semi - eq - 1 : (long)strlen(eq + 1)),
			 eq + 1);
		r = lkl_sysctl(key, value);
		if (r < 0) {
			snprintf(err, len, "%sSYSCTL: %s=%s: %s", PREFIX, key,
				 value, lkl_strerror(r));
			return r;
		}
	}
	return 0;
}

static int apply_mounts(char *err, size_t len)
{
	char fstype[64];
	const char *p;
	size_t n;
	int r;

	for (p = cfg.mount; p && *p; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		snprintf(fstype, sizeof(fstype), "%.*s", (int)n, p);
		r = lkl_mount_fs(fstype);
		if (r < 0) {
			snprintf(err, len, "%sMOUNT: %s: %s", PREFIX, fstype,
				 lkl_strerror(r));
			return r;
		}
	}
	return 0;
}

#define TRY(what, call)							\
	do {								\
		r = (call);						\
		if (r < 0) {						\
			snprintf(err, len, "%s: %s", what,		\
				 lkl_strerror(r));			\
			return r;					\
		}							\
	} while (0)

static int apply_iface(char *err, size_t len)
{
	char path[IFNAMSIZ + 40], name[IFNAMSIZ];
	int ifindex, r;

	TRY("the interface", ifindex = lkl_netdev_get_ifindex(cfg.netdev));
	TRY("the interface up", lkl_if_up(ifindex));
	if (cfg.has_ip)
		TRY(PREFIX "NET_IP", lkl_if_set_ipv4(ifindex, cfg.ip.s_addr,
						     cfg.masklen));
	if (cfg.has_gw)
		TRY(PREFIX "NET_GATEWAY", lkl_set_ipv4_gateway(cfg.gw.s_addr));
	if (cfg.has_ip6) {
		/* Usable at once, as a program expects, not after DAD. */
		TRY("the interface's name", if_name(ifindex, name));
		snprintf(path, sizeof(path), "net/ipv6/conf/%s/accept_dad",
			 name);
		TRY(path, lkl_sysctl(path, "0"));
		TRY(PREFIX "NET_IPV6", lkl_if_add_ipv6(ifindex, &cfg.ip6,
						       cfg.masklen6));
	}
	if (cfg.has_gw6)
		TRY(PREFIX "NET_GATEWAY6", lkl_set_ipv6_gateway(&cfg.gw6));
	return 0;
}

int config_apply(char *err, size_t len)
{
	int r;

	TRY("proc in LKL", lkl_mount_fs("proc"));
	TRY("the loopback interface up", lkl_if_up(1));
	if (cfg.forked)
		return 0;
#ifdef HIJACK_JSON
	if (cfg.json)
		return lkl_config_apply(cfg.json, err, (unsigned int)len);
#endif
	r = apply_mounts(err, len);
	if (!r)
		r = apply_sysctls(err, len);
	if (!r && cfg.netdev >= 0)
		r = apply_iface(err, len);
	return r;
}
