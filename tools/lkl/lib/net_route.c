// SPDX-License-Identifier: GPL-2.0
/*
 * net_route.c - routes, source rules, neighbours and sysctls from the
 * host program (lkl_host.h): lkl_set_ipv4/ipv6_gateway(),
 * lkl_if_set_ipv4/ipv6_gateway(), lkl_add_neighbor(), lkl_sysctl(),
 * lkl_sysctl_get().  The first ones are rtnetlink requests
 * (net_netlink.c); sysctls are files of /proc/sys inside the kernel.
 */
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/fcntl.h>
#include <lkl/linux/fib_rules.h>
#include <lkl/linux/neighbour.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/socket.h>

#include "net_netlink.h"

#define SYSCTL_PATH_MAX	256

/* A unicast route body for @family in @table: dst/@dst_len, @scope. */
static void route_body(struct lkl_rtmsg *rt, int family, unsigned int table,
		       unsigned int dst_len, int scope)
{
	memset(rt, 0, sizeof(*rt));
	rt->rtm_family = (unsigned char)family;
	rt->rtm_dst_len = (unsigned char)dst_len;
	rt->rtm_table = table < 256 ? (unsigned char)table : LKL_RT_TABLE_UNSPEC;
	rt->rtm_protocol = LKL_RTPROT_STATIC;
	rt->rtm_scope = (unsigned char)scope;
	rt->rtm_type = LKL_RTN_UNICAST;
}

/* Add (or replace) a default route via @gw (4 or 16 bytes) in @table. */
static int add_default(int family, const void *gw, size_t gw_len,
		       int ifindex, unsigned int table)
{
	struct lkl_nl_req req;
	struct lkl_rtmsg rt;
	int r;

	route_body(&rt, family, table, 0, LKL_RT_SCOPE_UNIVERSE);
	r = lkl_nl_init(&req, LKL_RTM_NEWROUTE,
			LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, &rt, sizeof(rt));
	if (!r)
		r = lkl_nl_attr(&req, LKL_RTA_GATEWAY, gw, gw_len);
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_RTA_TABLE, table);
	if (!r && ifindex > 0)
		r = lkl_nl_attr_u32(&req, LKL_RTA_OIF, (unsigned int)ifindex);
	return r ? r : lkl_nl_talk(&req);
}

int lkl_set_ipv4_gateway(unsigned int gw_be)
{
	return add_default(LKL_AF_INET, &gw_be, 4, 0, LKL_RT_TABLE_MAIN);
}

int lkl_set_ipv6_gateway(const void *gw16)
{
	if (!gw16)
		return -LKL_EINVAL;
	return add_default(LKL_AF_INET6, gw16, 16, 0, LKL_RT_TABLE_MAIN);
}

/* Keep the first @prefix bits of @addr (@len bytes), clear the rest. */
static void mask_prefix(unsigned char *addr, size_t len, unsigned int prefix)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (prefix >= 8) {
			prefix -= 8;
			continue;
		}
		addr[i] &= (unsigned char)(0xff00 >> prefix);
		prefix = 0;
	}
}

/* The on-link route of @addr/@prefix through @ifindex in @table. */
static int add_subnet(int family, const void *addr, size_t len,
		      unsigned int prefix, int ifindex, unsigned int table)
{
	unsigned char dst[16];
	struct lkl_nl_req req;
	struct lkl_rtmsg rt;
	int r;

	memcpy(dst, addr, len);
	mask_prefix(dst, len, prefix);
	route_body(&rt, family, table, prefix, LKL_RT_SCOPE_LINK);
	r = lkl_nl_init(&req, LKL_RTM_NEWROUTE,
			LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, &rt, sizeof(rt));
	if (!r && prefix > 0)
		r = lkl_nl_attr(&req, LKL_RTA_DST, dst, len);
	if (!r && family == LKL_AF_INET)
		r = lkl_nl_attr(&req, LKL_RTA_PREFSRC, addr, len);
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_RTA_TABLE, table);
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_RTA_OIF, (unsigned int)ifindex);
	return r ? r : lkl_nl_talk(&req);
}

/*
 * The rule "from @addr/@prefix lookup @table", of priority @table (before
 * the main table's 32766); one that exists is fine.
 */
static int add_source_rule(int family, const void *addr, size_t len,
			   unsigned int prefix, unsigned int table)
{
	struct lkl_fib_rule_hdr frh;
	struct lkl_nl_req req;
	unsigned char src[16];
	int r;

	memcpy(src, addr, len);
	mask_prefix(src, len, prefix);
	memset(&frh, 0, sizeof(frh));
	frh.family = (unsigned char)family;
	frh.src_len = (unsigned char)prefix;
	frh.action = LKL_FR_ACT_TO_TBL;
	r = lkl_nl_init(&req, LKL_RTM_NEWRULE,
			LKL_NLM_F_CREATE | LKL_NLM_F_EXCL, &frh, sizeof(frh));
	if (!r && prefix > 0)
		r = lkl_nl_attr(&req, LKL_FRA_SRC, src, len);
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_FRA_TABLE, table);
	/* A fixed priority makes the same rule twice an -EEXIST. */
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_FRA_PRIORITY, table);
	if (!r)
		r = lkl_nl_talk(&req);
	return r == -LKL_EEXIST ? 0 : r;
}

/* Subnet and default route in the interface's table, then the rule. */
static int if_gateway(int family, int ifindex, const void *addr,
		      unsigned int prefix, const void *gw)
{
	size_t len = family == LKL_AF_INET ? 4 : 16;
	unsigned int table;
	int r;

	if (ifindex <= 0 || ifindex > LKL_IF_TABLE_MAX_IFINDEX)
		return -LKL_ENODEV;
	if (!addr || !gw || prefix > len * 8)
		return -LKL_EINVAL;
	table = LKL_IF_TABLE_BASE + (unsigned int)ifindex;
	r = add_subnet(family, addr, len, prefix, ifindex, table);
	if (!r)
		r = add_default(family, gw, len, ifindex, table);
	if (!r)
		r = add_source_rule(family, addr, len, prefix, table);
	return r;
}

int lkl_if_set_ipv4_gateway(int ifindex, unsigned int addr_be,
			    unsigned int prefix, unsigned int gw_be)
{
	return if_gateway(LKL_AF_INET, ifindex, &addr_be, prefix, &gw_be);
}

int lkl_if_set_ipv6_gateway(int ifindex, const void *addr16,
			    unsigned int prefix, const void *gw16)
{
	return if_gateway(LKL_AF_INET6, ifindex, addr16, prefix, gw16);
}

int lkl_add_neighbor(int ifindex, int af, const void *ip,
		     const unsigned char mac[6])
{
	size_t len = af == LKL_AF_INET ? 4 : 16;
	struct lkl_nl_req req;
	struct lkl_ndmsg nd;
	int r;

	if (af != LKL_AF_INET && af != LKL_AF_INET6)
		return -LKL_EAFNOSUPPORT;
	if (ifindex <= 0)
		return -LKL_ENODEV;
	if (!ip || !mac)
		return -LKL_EINVAL;
	memset(&nd, 0, sizeof(nd));
	nd.ndm_family = (unsigned char)af;
	nd.ndm_ifindex = ifindex;
	nd.ndm_state = LKL_NUD_PERMANENT;
	r = lkl_nl_init(&req, LKL_RTM_NEWNEIGH,
			LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, &nd, sizeof(nd));
	if (!r)
		r = lkl_nl_attr(&req, LKL_NDA_DST, ip, len);
	if (!r)
		r = lkl_nl_attr(&req, LKL_NDA_LLADDR, mac, 6);
	return r ? r : lkl_nl_talk(&req);
}

/*
 * "/proc/sys/" + @path, dots turned into slashes unless @path has a
 * slash already.  0, -EINVAL (empty, "..", leading '/') or
 * -ENAMETOOLONG.
 */
static int sysctl_file(const char *path, char *out, size_t out_len)
{
	static const char root[] = "/proc/sys/";
	size_t n, i;
	int dots = !strchr(path, '/');

	n = strlen(path);
	if (!n || path[0] == '/' || path[0] == '.' || strstr(path, ".."))
		return -LKL_EINVAL;
	if (n >= out_len - (sizeof(root) - 1))
		return -LKL_ENAMETOOLONG;
	memcpy(out, root, sizeof(root) - 1);
	for (i = 0; i <= n; i++)
		out[sizeof(root) - 1 + i] = dots && path[i] == '.' ? '/' :
					   path[i];
	return 0;
}

/* Open sysctl @path with @flags, mounting /proc first: fd or -errno. */
static long sysctl_open(const char *path, int flags)
{
	char file[SYSCTL_PATH_MAX];
	long r;

	if (!path)
		return -LKL_EINVAL;
	r = sysctl_file(path, file, sizeof(file));
	if (r)
		return r;
	r = lkl_mount_fs("proc");
	if (r)
		return r;
	return lkl_sys_open(file, flags | LKL_O_CLOEXEC, 0);
}

int lkl_sysctl(const char *path, const char *value)
{
	size_t len;
	long fd, n;

	if (!value)
		return -LKL_EINVAL;
	fd = sysctl_open(path, LKL_O_WRONLY);
	if (fd < 0)
		return (int)fd;
	len = strlen(value);
	n = lkl_sys_write((unsigned int)fd, value, len);
	lkl_sys_close((unsigned int)fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -LKL_EIO;
}

int lkl_sysctl_get(const char *path, char *buf, int len)
{
	long fd, n;

	if (!buf || len <= 0)
		return -LKL_EINVAL;
	fd = sysctl_open(path, LKL_O_RDONLY);
	if (fd < 0)
		return (int)fd;
	n = lkl_sys_read((unsigned int)fd, buf, (size_t)len - 1);
	lkl_sys_close((unsigned int)fd);
	if (n < 0)
		return (int)n;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return (int)n;
}
