/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkl_config.h - LKL's JSON configuration (tools/lkl/lib/config_json.c):
 * network devices, addresses, routes, neighbours, qdiscs, sysctls,
 * mounts, Multipath TCP endpoints and limits, and the settings a program
 * such as the hijack library reads (debug, singlecpu, delay_main,
 * nameserver, dump, hijack_mptcp).  The format is in
 * Documentation/lkl/config.rst.
 *
 * liblkl has these functions only when it was built with cJSON
 * (Debian's libcjson-dev); the musl build and targets without cJSON have
 * none of them (a program using them fails to link there).
 *
 * The order of use:
 *	lkl_load_config_file() or lkl_load_config_json()
 *	lkl_config_add_netdevs()		before boot
 *	lkl_config_boot_cmdline()		the command line to boot with
 *	lkl_start_kernel()
 *	lkl_config_apply()			once the kernel runs
 *	...
 *	lkl_sys_halt()
 *	lkl_config_free()
 * Each function taking @err writes a one-line message there on failure,
 * naming the key, its value and what was expected, e.g.
 * "interfaces[1].masklen: "99": expected 0..32".
 */
#ifndef _LKL_CONFIG_H
#define _LKL_CONFIG_H

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes that hold any error message of these functions. */
#define LKL_CONFIG_ERROR_LEN	512

/* An interface's "type": which backend carries its frames. */
enum lkl_config_iftype {
	LKL_CONFIG_IF_TAP,	/* param: the TAP's name */
	LKL_CONFIG_IF_MACVTAP,	/* param: a macvtap's /dev/tapN, or its name */
	LKL_CONFIG_IF_RAW,	/* param: the host interface's name */
	LKL_CONFIG_IF_PIPE,	/* param: an fd, one end of a socketpair */
};

/* One "ip|mac" entry of an interface's "neigh". */
struct lkl_config_neigh {
	int af;			/* LKL_AF_INET or LKL_AF_INET6 */
	unsigned char ip[16];	/* 4 bytes (IPv4) or 16 */
	unsigned char mac[6];
};

/* One element of "interfaces".  Addresses are in network byte order. */
struct lkl_config_iface {
	enum lkl_config_iftype type;
	char *param;
	unsigned int mtu;		/* 0: not given (1500) */
	unsigned char mac[6];		/* given, or 02:<pid>:00:<index+1> */
	unsigned long long offload;	/* LKL_NETDEV_OFFLOAD_* bits, 0 */

	int has_ip;			/* "ip" and "masklen" */
	unsigned int ip, masklen;
	int has_ifgateway;
	unsigned int ifgateway;

	int has_ipv6;			/* "ipv6" and "masklen6" */
	unsigned char ipv6[16];
	unsigned int masklen6;
	int has_ifgateway6;
	unsigned char ifgateway6[16];

	struct lkl_config_neigh *neigh;
	int neigh_count;
	char *qdisc;			/* the root qdisc's kind, or NULL */

	/*
	 * "mptcp": each of the interface's addresses (ip, ipv6) becomes an
	 * MPTCP endpoint with these LKL_MPTCP_FLAG_* bits, bound to it.
	 */
	int has_mptcp;
	unsigned int mptcp_flags;
	int mptcp_id;			/* "mptcp_id", 1..255; 0: the kernel's */
	int mptcp_port;			/* "mptcp_port" (signal only), or 0 */

	/*
	 * "dhcp": IPv4 by DHCP (lkl_dhcp_start()), "mptcp" flags given to
	 * the leased address; the client runs until lkl_dhcp_stop() or halt.
	 */
	int dhcp;

	/* Set by lkl_config_add_netdevs(): the device's id, else -1. */
	int netdev_id;
	/* Set by lkl_config_apply(): the kernel's ifindex, else 0. */
	int ifindex;
	/* Set by lkl_config_apply(): the ids of the endpoints, else 0. */
	int mptcp_id4, mptcp_id6;
};

/* One "key=value" of "sysctl". */
struct lkl_config_sysctl {
	char *key;
	char *value;
};

/* A loaded configuration; absent keys leave their field 0 or NULL. */
struct lkl_config {
	struct lkl_config_iface *ifaces;
	int iface_count;

	int has_gateway;		/* "gateway" */
	unsigned int gateway;
	int has_gateway6;		/* "gateway6" */
	unsigned char gateway6[16];

	struct lkl_config_sysctl *sysctl;
	int sysctl_count;
	char **mount;			/* "mount": filesystem types */
	int mount_count;

	/* "mptcp_limits": each given one is set, the other kept. */
	int has_mptcp_subflows;
	unsigned int mptcp_subflows;
	int has_mptcp_add_addr_accepted;
	unsigned int mptcp_add_addr_accepted;

	/* Read by the program, not applied by lkl_config_apply(). */
	char *nameserver;		/* an IPv4 or IPv6 address, as given */
	int nameserver_af;		/* LKL_AF_INET or LKL_AF_INET6, or 0 */
	unsigned char nameserver_addr[16];
	unsigned int debug;
	int singlecpu;			/* 0 or 1 */
	unsigned int delay_main;	/* microseconds */
	char **dump;			/* "dump": paths inside LKL */
	int dump_count;
	char *boot_cmdline;		/* see lkl_config_boot_cmdline() */
	/* For the hijack only: its TCP sockets made MPTCP ones (0 or 1). */
	int hijack_mptcp;
};

/**
 * lkl_load_config_json - parse the configuration in @text (NUL
 * terminated)
 * @cfg: gets the configuration, to be freed with lkl_config_free()
 * @err, @err_len: get the message when it fails (LKL_CONFIG_ERROR_LEN)
 *
 * Checks every key and value: unknown keys, duplicate keys, wrong types
 * and values out of range are errors.  Returns 0, -LKL_EINVAL (the
 * message says what is wrong; bad JSON is reported with its line and
 * column) or -LKL_ENOMEM.
 */
int lkl_load_config_json(const char *text, struct lkl_config **cfg,
			 char *err, unsigned int err_len);

/**
 * lkl_load_config_file - lkl_load_config_json() on the host file @path.
 * Also returns the errno of opening or reading it (-LKL_ENOENT, ...) or
 * -LKL_EFBIG for a file over 1 MiB; the message starts with @path.
 */
int lkl_load_config_file(const char *path, struct lkl_config **cfg,
			 char *err, unsigned int err_len);

/**
 * lkl_config_add_netdevs - add a network device for each interface,
 * before lkl_start_kernel()
 *
 * In the order of "interfaces" (the first is eth0 unless the program
 * added network devices of its own before).  On failure the
 * devices it added are removed again, and the error is that of
 * lkl_netdev_add_tap() (or _pipe, ...).  Returns 0 or a negative errno.
 */
int lkl_config_add_netdevs(struct lkl_config *cfg, char *err,
			   unsigned int err_len);

/**
 * lkl_config_boot_cmdline - the command line to boot with: @base (e.g.
 * "mem=64M"; may be NULL) then the configuration's "boot_cmdline", so
 * that its options come last and win.  Returns the length written to
 * @buf, or -LKL_ERANGE when @len bytes do not hold it (@buf is then
 * left alone).
 */
int lkl_config_boot_cmdline(const struct lkl_config *cfg, const char *base,
			    char *buf, unsigned int len);

/**
 * lkl_config_apply - configure the running kernel
 *
 * In this order: "mount" (lkl_mount_fs()), "sysctl"; for each interface:
 * link up, IPv4 and IPv6 addresses, neighbours, per-interface gateways,
 * root qdisc; then "gateway" and "gateway6"; then "mptcp_limits" and
 * each interface's "mptcp" endpoints (lkl_mptcp_endpoint_add()).  Stops at the first failure
 * and returns its negative errno, the message naming the key.  The
 * interfaces must have been added by lkl_config_add_netdevs().  Once per
 * boot: a second call finds the IPv6 addresses there (-LKL_EEXIST).
 */
int lkl_config_apply(struct lkl_config *cfg, char *err, unsigned int err_len);

/**
 * lkl_config_free - free @cfg (NULL is fine).  Its network devices are
 * removed too when the kernel is halted (or was never started); while it
 * runs they stay, as the kernel uses them.
 */
void lkl_config_free(struct lkl_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* _LKL_CONFIG_H */
