/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnl-dump.h - reading a running LKL's network state back through
 * rtnetlink dumps: addresses, routes, source rules, neighbours, root
 * qdiscs.  Written independently of the library's own netlink code, so
 * that the tests check it rather than repeat it.  Include after <lkl.h>.
 */
#ifndef _LKL_TEST_RTNL_DUMP_H
#define _LKL_TEST_RTNL_DUMP_H

#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl/linux/fib_rules.h>
#include <lkl/linux/if_addr.h>
#include <lkl/linux/neighbour.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/pkt_sched.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/socket.h>

#define RTNL_DUMP_BUF	32768

typedef void (*rtnl_dump_fn)(const struct lkl_nlmsghdr *h, void *arg);

/*
 * Send a dump request of @type whose body is @hdr_len zero bytes but for
 * the family, @family (every rtnetlink header starts with it); call @fn
 * on each answer.  Returns 0 or a negative number.
 */
static inline int nl_dump(int type, int family, size_t hdr_len,
			  rtnl_dump_fn fn, void *arg)
{
	struct {
		struct lkl_nlmsghdr h;
		unsigned char body[sizeof(struct lkl_tcmsg)];
	} req;
	static char buf[RTNL_DUMP_BUF];
	long fd;
	long long n;	/* LKL_NLMSG_OK compares it with a u32 */
	int done = 0, r = 0;

	if (hdr_len > sizeof(req.body))
		return -1;
	fd = lkl_sys_socket(LKL_AF_NETLINK, LKL_SOCK_RAW, LKL_NETLINK_ROUTE);
	if (fd < 0)
		return (int)fd;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = (unsigned int)(sizeof(req.h) + hdr_len);
	req.h.nlmsg_type = (unsigned short)type;
	req.h.nlmsg_flags = LKL_NLM_F_REQUEST | LKL_NLM_F_DUMP;
	req.h.nlmsg_seq = 7;
	req.body[0] = (unsigned char)family;
	if (lkl_sys_sendto((int)fd, &req, req.h.nlmsg_len, 0, NULL, 0) < 0)
		done = 1, r = -1;
	while (!done) {
		const struct lkl_nlmsghdr *h = (void *)buf;

		n = lkl_sys_recvfrom((int)fd, buf, sizeof(buf), 0, NULL, NULL);
		if (n <= 0) {
			r = n < 0 ? (int)n : -1;
			break;
		}
		for (; LKL_NLMSG_OK(h, n); h = LKL_NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == LKL_NLMSG_DONE ||
			    h->nlmsg_type == LKL_NLMSG_ERROR) {
				done = 1;
				break;
			}
			fn(h, arg);
		}
	}
	lkl_sys_close((unsigned int)fd);
	return r;
}

/* Attributes of interest in a route or rule message. */
struct rtnl_attrs {
	unsigned int table, oif;
	unsigned char gw[16], src[16], dst[16];
	int has_gw, has_src, has_dst;
};

static inline void parse_attrs(const struct lkl_rtattr *rta, int len,
			       int rule, struct rtnl_attrs *a)
{
	memset(a, 0, sizeof(*a));
	for (; LKL_RTA_OK(rta, len); rta = LKL_RTA_NEXT(rta, len)) {
		const void *d = LKL_RTA_DATA(rta);
		size_t dl = LKL_RTA_PAYLOAD(rta);
		int type = rta->rta_type;

		if (dl > 16)
			continue;
		if ((rule && type == LKL_FRA_TABLE) ||
		    (!rule && type == LKL_RTA_TABLE))
			memcpy(&a->table, d, 4);
		else if (!rule && type == LKL_RTA_OIF)
			memcpy(&a->oif, d, 4);
		else if (!rule && type == LKL_RTA_GATEWAY)
			memcpy(a->gw, d, dl), a->has_gw = 1;
		else if (!rule && type == LKL_RTA_DST)
			memcpy(a->dst, d, dl), a->has_dst = 1;
		else if (rule && type == LKL_FRA_SRC)
			memcpy(a->src, d, dl), a->has_src = 1;
	}
}

/* What a dump looks for, and how often it found it. */
struct rtnl_want {
	unsigned int table;	/* routes, rules */
	int ifindex;		/* routes (output), addresses, neighbours */
	unsigned int prefix;	/* rules (source), addresses */
	unsigned char addr[16];	/* gateway, source, address, neighbour */
	size_t alen;		/* 4 (IPv4) or 16 */
	unsigned char mac[6];	/* neighbours */
	int found;
};

/* Run dump @type (@hdr_len: its header) for @w: how often found, or -1. */
static inline int rtnl_count(int type, int family, size_t hdr_len,
			     rtnl_dump_fn fn, struct rtnl_want *w,
			     const void *addr)
{
	w->alen = family == LKL_AF_INET ? 4 : 16;
	memcpy(w->addr, addr, w->alen);
	if (nl_dump(type, family, hdr_len, fn, w) < 0)
		return -1;
	return w->found;
}

static inline void on_rule(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_fib_rule_hdr *frh = LKL_NLMSG_DATA(h);
	struct rtnl_want *w = arg;
	struct rtnl_attrs a;
	int len = (int)h->nlmsg_len - LKL_NLMSG_LENGTH(sizeof(*frh));

	if (h->nlmsg_type != LKL_RTM_NEWRULE || len < 0)
		return;
	parse_attrs((const void *)((const char *)frh +
				   LKL_NLMSG_ALIGN(sizeof(*frh))), len, 1, &a);
	if (a.table == w->table && frh->src_len == w->prefix &&
	    frh->action == LKL_FR_ACT_TO_TBL && a.has_src &&
	    !memcmp(a.src, w->addr, w->alen))
		w->found++;
}

/* Rules "from @src/@src_len lookup @table"; -1 if the dump failed. */
static inline int count_rules(int family, unsigned int table, const void *src,
			      unsigned int src_len)
{
	struct rtnl_want w = { .table = table, .prefix = src_len };

	return rtnl_count(LKL_RTM_GETRULE, family,
			  sizeof(struct lkl_fib_rule_hdr), on_rule, &w, src);
}

/* Default routes in w->table via w->addr through w->ifindex. */
static inline void on_route(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_rtmsg *rt = LKL_NLMSG_DATA(h);
	struct rtnl_want *w = arg;
	struct rtnl_attrs a;

	if (h->nlmsg_type != LKL_RTM_NEWROUTE)
		return;
	parse_attrs(LKL_RTM_RTA(rt), (int)LKL_RTM_PAYLOAD(h), 0, &a);
	if (a.table == w->table && rt->rtm_dst_len == 0 && a.has_gw &&
	    !memcmp(a.gw, w->addr, w->alen) && (int)a.oif == w->ifindex)
		w->found++;
}

/* Default routes in @table via @gw through @oif; -1 if the dump failed. */
static inline int count_defaults(int family, unsigned int table,
				 const void *gw, int oif)
{
	struct rtnl_want w = { .table = table, .ifindex = oif };

	return rtnl_count(LKL_RTM_GETROUTE, family, sizeof(struct lkl_rtmsg),
			  on_route, &w, gw);
}

static inline void on_addr(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_ifaddrmsg *ifa = LKL_NLMSG_DATA(h);
	const struct lkl_rtattr *rta = LKL_IFA_RTA(ifa);
	int len = (int)LKL_IFA_PAYLOAD(h);
	struct rtnl_want *w = arg;

	if (h->nlmsg_type != LKL_RTM_NEWADDR ||
	    (int)ifa->ifa_index != w->ifindex || ifa->ifa_prefixlen != w->prefix)
		return;
	for (; LKL_RTA_OK(rta, len); rta = LKL_RTA_NEXT(rta, len))
		if (rta->rta_type == LKL_IFA_ADDRESS &&
		    LKL_RTA_PAYLOAD(rta) == w->alen &&
		    !memcmp(LKL_RTA_DATA(rta), w->addr, w->alen))
			w->found++;
}

/* Addresses @addr/@prefix on @ifindex; -1 if the dump failed. */
static inline int count_addrs(int family, int ifindex, const void *addr,
			      unsigned int prefix)
{
	struct rtnl_want w = { .ifindex = ifindex, .prefix = prefix };

	return rtnl_count(LKL_RTM_GETADDR, family,
			  sizeof(struct lkl_ifaddrmsg), on_addr, &w, addr);
}

static inline void on_neigh(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_ndmsg *nd = LKL_NLMSG_DATA(h);
	const struct lkl_rtattr *rta;
	int len = (int)h->nlmsg_len - LKL_NLMSG_LENGTH(sizeof(*nd));
	struct rtnl_want *w = arg;
	int ip = 0, mac = 0;

	if (h->nlmsg_type != LKL_RTM_NEWNEIGH || nd->ndm_ifindex != w->ifindex)
		return;
	rta = (const void *)((const char *)nd + LKL_NLMSG_ALIGN(sizeof(*nd)));
	for (; LKL_RTA_OK(rta, len); rta = LKL_RTA_NEXT(rta, len)) {
		if (rta->rta_type == LKL_NDA_DST &&
		    LKL_RTA_PAYLOAD(rta) == w->alen)
			ip = !memcmp(LKL_RTA_DATA(rta), w->addr, w->alen);
		else if (rta->rta_type == LKL_NDA_LLADDR &&
			 LKL_RTA_PAYLOAD(rta) == 6)
			mac = !memcmp(LKL_RTA_DATA(rta), w->mac, 6);
	}
	if (ip && mac && (nd->ndm_state & LKL_NUD_PERMANENT))
		w->found++;
}

/* Permanent neighbours @ip at @mac on @ifindex; -1 if the dump failed. */
static inline int count_neighbours(int family, int ifindex, const void *ip,
				   const unsigned char mac[6])
{
	struct rtnl_want w = { .ifindex = ifindex };

	memcpy(w.mac, mac, 6);
	return rtnl_count(LKL_RTM_GETNEIGH, family, sizeof(struct lkl_ndmsg),
			  on_neigh, &w, ip);
}

struct qdisc_want {
	int ifindex;
	char *kind;
	size_t len;
	int found;
};

static inline void on_qdisc(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_tcmsg *tc = LKL_NLMSG_DATA(h);
	const struct lkl_rtattr *rta = LKL_TCA_RTA(tc);
	int alen = (int)LKL_TCA_PAYLOAD(h);
	struct qdisc_want *w = arg;

	if (h->nlmsg_type != LKL_RTM_NEWQDISC ||
	    tc->tcm_ifindex != w->ifindex || tc->tcm_parent != LKL_TC_H_ROOT)
		return;
	for (; LKL_RTA_OK(rta, alen); rta = LKL_RTA_NEXT(rta, alen)) {
		if (rta->rta_type != LKL_TCA_KIND)
			continue;
		snprintf(w->kind, w->len, "%s", (const char *)LKL_RTA_DATA(rta));
		w->found = 1;
	}
}

/* The kind of @ifindex's root qdisc into @kind: 0, or -1 if none. */
static inline int root_qdisc_kind(int ifindex, char *kind, size_t len)
{
	struct qdisc_want w = { ifindex, kind, len, 0 };

	if (nl_dump(LKL_RTM_GETQDISC, 0, sizeof(struct lkl_tcmsg), on_qdisc,
		    &w) < 0)
		return -1;
	return w.found ? 0 : -1;
}

#endif /* _LKL_TEST_RTNL_DUMP_H */
