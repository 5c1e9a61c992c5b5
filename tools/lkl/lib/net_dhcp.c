// SPDX-License-Identifier: GPL-2.0
/*
 * net_dhcp.c - a DHCP client (RFC 2131, options of RFC 2132) for the
 * kernel's interfaces, at run time: lkl_dhcp_start(), lkl_dhcp_stop(),
 * lkl_dhcp_get_lease() (lkl_host.h).
 *
 * One host thread per interface makes LKL system calls: a UDP socket on
 * port 68 tied to the interface (SO_BINDTOIFINDEX) sends and receives
 * the messages (broadcast while there is no address, with the BROADCAST
 * flag so that the server answers by broadcast too), and an rtnetlink
 * socket tells it when the interface goes down or up.  The lease's
 * address is set with rtnetlink, its router as the interface's gateway
 * (per-interface table and source rule, net_route.c), and MPTCP
 * endpoints of the address follow it when it changes (net_mptcp.c).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/asm/ioctls.h>
#include <lkl/linux/fib_rules.h>
#include <lkl/linux/if.h>
#include <lkl/linux/if_addr.h>
#include <lkl/linux/if_arp.h>
#include <lkl/linux/in.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/linux/sockios.h>
#include <lkl/socket.h>

#include "net_netlink.h"
#include "posix-host.h"

#define CLIENT_PORT		68
#define SERVER_PORT		67
#define BOOTP_FIXED		236	/* op .. file, before the cookie */
#define MSG_MAX			1500
#define MAGIC_COOKIE		0x63825363u
#define FLAG_BROADCAST		0x8000u

/* Message types (option 53). */
#define DHCPDISCOVER	1
#define DHCPOFFER	2
#define DHCPREQUEST	3
#define DHCPDECLINE	4
#define DHCPACK		5
#define DHCPNAK		6
#define DHCPRELEASE	7

/* Options (RFC 2132). */
#define OPT_PAD		0
#define OPT_MASK	1
#define OPT_ROUTER	3
#define OPT_REQ_ADDR	50
#define OPT_LEASE	51
#define OPT_MSG_TYPE	53
#define OPT_SERVER_ID	54
#define OPT_PARAMS	55
#define OPT_MAX_SIZE	57
#define OPT_T1		58
#define OPT_T2		59
#define OPT_CLIENT_ID	61
#define OPT_END		255

/* Retransmission: 4 s doubled up to 64 s, each +-1 s (RFC 2131 4.1). */
#define RETX_FIRST_MS		4000
#define RETX_MAX_MS		64000
/* REQUEST after an OFFER, or to confirm a lease: tries before giving up. */
#define REQUEST_TRIES		4
#define REBOOT_TRIES		2
/* RENEWING and REBINDING wait at least this between tries (RFC 4.4.5). */
#define RENEW_RETX_MIN_MS	60000
#define MS			1000ULL
/* How long lkl_dhcp_stop() waits at most for its DHCPRELEASE to leave. */
#define RELEASE_WAIT_MS		500

struct dhcp_client {
	int used;
	int ifindex;
	struct lkl_dhcp_options opt;
	unsigned char mac[6];
	pthread_t thread;
	long sock, nl, wake[2];
	/* Set by lkl_dhcp_stop(), under dhcp_lock; read with stopping(). */
	int stop;
	uint32_t xid, rnd;
	/* The link is up; it went down (and maybe up) since last seen. */
	int link_up, bounced;
	/* Times in ms of lkl_posix_time(): bound at, T1, T2, expiry. */
	unsigned long long start_ms, t1_ms, t2_ms, end_ms;
	/* Endpoints of a lost address, re-added on the next one. */
	struct lkl_mptcp_endpoint eps[LKL_MPTCP_ENDPOINTS_MAX];
	int neps;
	/* Under dhcp_lock: what lkl_dhcp_get_lease() reads. */
	struct lkl_dhcp_lease lease;
};

/* A received message, its options picked out. */
struct dhcp_msg {
	int type;
	uint32_t yiaddr, server, mask, router;
	uint32_t lease, t1, t2;
	int has_mask, has_lease;
};

static struct dhcp_client clients[LKL_NETDEV_MAX];
static pthread_mutex_t dhcp_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long long now_ms(void)
{
	return lkl_posix_time() / 1000000ULL;
}

static uint32_t rand32(struct dhcp_client *c)
{
	/* xorshift32: xids and jitter need no more. */
	c->rnd ^= c->rnd << 13;
	c->rnd ^= c->rnd >> 17;
	c->rnd ^= c->rnd << 5;
	return c->rnd;
}

static int stopping(struct dhcp_client *c)
{
	return __atomic_load_n(&c->stop, __ATOMIC_ACQUIRE);
}

/* A port in network byte order. */
static unsigned short port_be(unsigned int port)
{
	unsigned char b[2] = { (unsigned char)(port >> 8),
			       (unsigned char)port };
	unsigned short be;

	memcpy(&be, b, 2);
	return be;
}

/* Update the public view under the lock. */
static void set_state(struct dhcp_client *c, int state)
{
	pthread_mutex_lock(&dhcp_lock);
	c->lease.state = state;
	pthread_mutex_unlock(&dhcp_lock);
}

static void set_error(struct dhcp_client *c, int err)
{
	if (!err)
		return;
	pthread_mutex_lock(&dhcp_lock);
	c->lease.error = err;
	pthread_mutex_unlock(&dhcp_lock);
}

/* ---- Messages ---- */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Append option @code with @len bytes of @data at @p; returns the end. */
static unsigned char *put_opt(unsigned char *p, int code, const void *data,
			      size_t len)
{
	*p++ = (unsigned char)code;
	*p++ = (unsigned char)len;
	memcpy(p, data, len);
	return p + len;
}

/*
 * Build a @type message in @buf: @ciaddr (network order) for RENEWING
 * and REBINDING, @req and @server (network order, 0 for none) as
 * options 50 and 54.  Returns its length.
 */
static size_t build_msg(struct dhcp_client *c, unsigned char *buf, int type,
			uint32_t ciaddr, uint32_t req, uint32_t server)
{
	static const unsigned char params[] = { OPT_MASK, OPT_ROUTER,
						OPT_LEASE, OPT_T1, OPT_T2 };
	unsigned char *p, cid[7], t = (unsigned char)type, size[2];
	unsigned int secs = 0;

	memset(buf, 0, MSG_MAX);
	buf[0] = 1;		/* BOOTREQUEST */
	buf[1] = 1;		/* Ethernet */
	buf[2] = 6;
	put_be32(buf + 4, c->xid);
	if (c->start_ms && type != DHCPRELEASE)
		secs = (unsigned int)((now_ms() - c->start_ms) / MS);
	buf[8] = (unsigned char)((secs > 0xffff ? 0xffff : secs) >> 8);
	buf[9] = (unsigned char)(secs > 0xffff ? 0xff : secs);
	/* Without an address, unicast answers could not reach us. */
	if (!ciaddr && type != DHCPRELEASE)
		buf[10] = FLAG_BROADCAST >> 8;
	memcpy(buf + 12, &ciaddr, 4);
	memcpy(buf + 28, c->mac, 6);
	put_be32(buf + BOOTP_FIXED, MAGIC_COOKIE);
	p = buf + BOOTP_FIXED + 4;
	p = put_opt(p, OPT_MSG_TYPE, &t, 1);
	cid[0] = 1;
	memcpy(cid + 1, c->mac, 6);
	p = put_opt(p, OPT_CLIENT_ID, cid, sizeof(cid));
	if (req)
		p = put_opt(p, OPT_REQ_ADDR, &req, 4);
	if (server)
		p = put_opt(p, OPT_SERVER_ID, &server, 4);
	if (type != DHCPRELEASE) {
		size[0] = MSG_MAX >> 8;
		size[1] = MSG_MAX & 0xff;
		p = put_opt(p, OPT_MAX_SIZE, size, 2);
		p = put_opt(p, OPT_PARAMS, params, sizeof(params));
	}
	*p++ = OPT_END;
	/* BOOTP relays expect at least 300 bytes. */
	return (size_t)(p - buf) < 300 ? 300 : (size_t)(p - buf);
}

/* Pick out the options we use; 0, or -1 for a malformed message. */
static int parse_opts(const unsigned char *p, size_t len, struct dhcp_msg *m)
{
	size_t i = 0, n;

	while (i < len) {
		int code = p[i++];

		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (i >= len || i + 1 + p[i] > len)
			return -1;
		n = p[i++];
		if (code == OPT_MSG_TYPE && n >= 1)
			m->type = p[i];
		else if (code == OPT_SERVER_ID && n >= 4)
			memcpy(&m->server, p + i, 4);
		else if (code == OPT_MASK && n >= 4)
			memcpy(&m->mask, p + i, 4), m->has_mask = 1;
		else if (code == OPT_ROUTER && n >= 4)
			memcpy(&m->router, p + i, 4);
		else if (code == OPT_LEASE && n >= 4)
			m->lease = get_be32(p + i), m->has_lease = 1;
		else if (code == OPT_T1 && n >= 4)
			m->t1 = get_be32(p + i);
		else if (code == OPT_T2 && n >= 4)
			m->t2 = get_be32(p + i);
		i += n;
	}
	return 0;
}

/*
 * Parse a received datagram: 0 if it is a reply to us (our xid and MAC)
 * of a known type, -1 to ignore it.
 */
static int parse_msg(struct dhcp_client *c, const unsigned char *buf,
		     size_t len, struct dhcp_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len < BOOTP_FIXED + 4 || buf[0] != 2 ||
	    get_be32(buf + 4) != c->xid || memcmp(buf + 28, c->mac, 6) ||
	    get_be32(buf + BOOTP_FIXED) != MAGIC_COOKIE)
		return -1;
	memcpy(&m->yiaddr, buf + 16, 4);
	if (parse_opts(buf + BOOTP_FIXED + 4, len - BOOTP_FIXED - 4, m))
		return -1;
	if (m->type == DHCPNAK)
		return 0;
	if (m->type != DHCPOFFER && m->type != DHCPACK)
		return -1;
	/* An offer or lease of no address, or from no server, is void. */
	if (!m->yiaddr || !m->server)
		return -1;
	return 0;
}

/* ---- Sockets ---- */

static int send_to(struct dhcp_client *c, const unsigned char *buf,
		   size_t len, uint32_t dst)
{
	struct lkl_sockaddr_in sin;
	long r;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = LKL_AF_INET;
	sin.sin_port = port_be(SERVER_PORT);
	sin.sin_addr.s_addr = dst;
	r = lkl_sys_sendto((int)c->sock, (void *)buf, len, 0,
			   (struct lkl_sockaddr *)&sin, sizeof(sin));
	return r < 0 ? (int)r : 0;
}

static int open_udp(struct dhcp_client *c)
{
	struct lkl_sockaddr_in sin;
	int one = 1, ifi = c->ifindex;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM | LKL_SOCK_CLOEXEC |
			    LKL_SOCK_NONBLOCK, 0);
	if (fd < 0)
		return (int)fd;
	/* Bound to the interface first, so that each may have port 68. */
	r = lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET, LKL_SO_BINDTOIFINDEX,
			       (char *)&ifi, sizeof(ifi));
	if (!r)
		r = lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET,
				       LKL_SO_BROADCAST, (char *)&one,
				       sizeof(one));
	if (!r)
		r = lkl_sys_setsockopt((int)fd, LKL_SOL_SOCKET,
				       LKL_SO_REUSEADDR, (char *)&one,
				       sizeof(one));
	if (!r) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = LKL_AF_INET;
		sin.sin_port = port_be(CLIENT_PORT);
		r = lkl_sys_bind((int)fd, (struct lkl_sockaddr *)&sin,
				 sizeof(sin));
	}
	if (r) {
		lkl_sys_close((unsigned int)fd);
		return (int)r;
	}
	c->sock = fd;
	return 0;
}

/* An rtnetlink socket that hears of interfaces going up and down. */
static int open_link_watch(struct dhcp_client *c)
{
	struct lkl_sockaddr_nl snl;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_NETLINK, LKL_SOCK_RAW | LKL_SOCK_CLOEXEC |
			    LKL_SOCK_NONBLOCK, LKL_NETLINK_ROUTE);
	if (fd < 0)
		return (int)fd;
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = LKL_AF_NETLINK;
	snl.nl_groups = LKL_RTMGRP_LINK;
	r = lkl_sys_bind((int)fd, (struct lkl_sockaddr *)&snl, sizeof(snl));
	if (r) {
		lkl_sys_close((unsigned int)fd);
		return (int)r;
	}
	c->nl = fd;
	return 0;
}

/* Interface @ifindex's name, then ioctl @cmd (SIOCGIF*): 0 or -errno. */
static int if_get(int ifindex, unsigned int cmd, struct lkl_ifreq *ifr)
{
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_INET, LKL_SOCK_DGRAM | LKL_SOCK_CLOEXEC, 0);
	if (fd < 0)
		return (int)fd;
	memset(ifr, 0, sizeof(*ifr));
	ifr->lkl_ifr_ifindex = ifindex;
	r = lkl_sys_ioctl((unsigned int)fd, LKL_SIOCGIFNAME,
			  (unsigned long)ifr);
	if (!r)
		r = lkl_sys_ioctl((unsigned int)fd, cmd, (unsigned long)ifr);
	lkl_sys_close((unsigned int)fd);
	return (int)r;
}

/* IFF_UP and IFF_RUNNING of @ifindex: 1, 0, or -errno. */
static int link_is_up(int ifindex)
{
	struct lkl_ifreq ifr;
	int r = if_get(ifindex, LKL_SIOCGIFFLAGS, &ifr);

	if (r)
		return r;
	return (ifr.lkl_ifr_flags & (LKL_IFF_UP | LKL_IFF_RUNNING)) ==
	       (LKL_IFF_UP | LKL_IFF_RUNNING);
}

/*
 * Read the link events waiting into c->link_up (the last state) and
 * c->bounced (set when the interface went down, maybe up again since).
 */
static void read_link_events(struct dhcp_client *c)
{
	unsigned int buf[2048];
	long n;

	while ((n = lkl_sys_recvfrom((int)c->nl, buf, sizeof(buf), 0, NULL,
				     NULL)) > 0) {
		const struct lkl_nlmsghdr *h = (void *)buf;
		size_t left = (size_t)n;

		for (; LKL_NLMSG_OK(h, left); h = LKL_NLMSG_NEXT(h, left)) {
			const struct lkl_ifinfomsg *ifi = LKL_NLMSG_DATA(h);
			int up;

			if (h->nlmsg_type != LKL_RTM_NEWLINK &&
			    h->nlmsg_type != LKL_RTM_DELLINK)
				continue;
			if (ifi->ifi_index != c->ifindex)
				continue;
			up = h->nlmsg_type == LKL_RTM_NEWLINK &&
			     (ifi->ifi_flags & (LKL_IFF_UP | LKL_IFF_RUNNING)) ==
			     (LKL_IFF_UP | LKL_IFF_RUNNING);
			if (c->link_up && !up)
				c->bounced = 1;
			c->link_up = up;
		}
	}
	/* The socket overflowed: events were lost, ask the interface. */
	if (n == -LKL_ENOBUFS) {
		int up = link_is_up(c->ifindex);

		c->bounced = 1;
		c->link_up = up > 0;
	}
}

/* What wait_reply() saw. */
#define WAIT_TIMEOUT	0
#define WAIT_MSG	1
#define WAIT_LINK	2	/* the link is down, or went down */
#define WAIT_STOP	3

/*
 * Wait until @deadline (ms) for a reply of type @t1 or @t2 to our
 * current xid, into @m.  Returns WAIT_*.
 */
static int wait_reply(struct dhcp_client *c, unsigned long long deadline,
		      int t1, int t2, struct dhcp_msg *m)
{
	unsigned char buf[MSG_MAX];

	for (;;) {
		struct lkl_pollfd fds[3] = {
			{ .fd = (int)c->wake[0], .events = LKL_POLLIN },
			{ .fd = (int)c->nl, .events = LKL_POLLIN },
			{ .fd = (int)c->sock, .events = LKL_POLLIN },
		};
		unsigned long long now = now_ms();
		int timeout;
		long n;

		if (stopping(c))
			return WAIT_STOP;
		if (!c->link_up || c->bounced)
			return WAIT_LINK;
		if (now >= deadline && deadline)
			return WAIT_TIMEOUT;
		/* 0 is "no deadline"; and wake up once a minute regardless. */
		timeout = !deadline || deadline - now > 60000 ? 60000 :
			  (int)(deadline - now);
		n = lkl_sys_poll(fds, 3, timeout);
		if (n < 0 && n != -LKL_EINTR) {
			/* Nothing to wait with: the client ends, saying why. */
			set_error(c, (int)n);
			return WAIT_STOP;
		}
		if (fds[1].revents)
			read_link_events(c);
		while ((n = lkl_sys_recvfrom((int)c->sock, buf, sizeof(buf), 0,
					     NULL, NULL)) > 0) {
			if (parse_msg(c, buf, (size_t)n, m))
				continue;
			if (m->type == t1 || m->type == t2)
				return WAIT_MSG;
		}
	}
}

/* The next retransmission delay after @prev ms. */
static unsigned long long next_retx(unsigned long long prev)
{
	unsigned long long base = prev ? prev * 2 : RETX_FIRST_MS;

	if (base > RETX_MAX_MS)
		base = RETX_MAX_MS;
	return base;
}

/* @base ms, give or take a second. */
static unsigned long long jitter(struct dhcp_client *c,
				 unsigned long long base)
{
	return base - 1000 + rand32(c) % 2001;
}

/* ---- Applying a lease ---- */

static unsigned int mask_len(uint32_t mask_be)
{
	const unsigned char *b = (const unsigned char *)&mask_be;
	uint32_t m = get_be32(b);
	unsigned int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return n;
}

/* The classful prefix of @addr, for a lease without a mask (RFC 2132). */
static unsigned int classful_len(uint32_t addr_be)
{
	unsigned char first = ((const unsigned char *)&addr_be)[0];

	return first < 128 ? 8 : first < 192 ? 16 : 24;
}

/* RTM_NEWADDR or RTM_DELADDR of @addr/@prefix on the interface. */
static int change_addr(int ifindex, int type, uint32_t addr,
		       unsigned int prefix)
{
	struct lkl_ifaddrmsg ifa;
	struct lkl_nl_req req;
	uint32_t brd;
	int r;

	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = LKL_AF_INET;
	ifa.ifa_prefixlen = (unsigned char)prefix;
	ifa.ifa_index = (unsigned int)ifindex;
	r = lkl_nl_init(&req, type, type == LKL_RTM_NEWADDR ?
			LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE : 0,
			&ifa, sizeof(ifa));
	if (!r)
		r = lkl_nl_attr(&req, LKL_IFA_LOCAL, &addr, 4);
	if (!r)
		r = lkl_nl_attr(&req, LKL_IFA_ADDRESS, &addr, 4);
	if (!r && type == LKL_RTM_NEWADDR && prefix < 31) {
		unsigned char m[4];

		put_be32(m, ~0u >> prefix);
		memcpy(&brd, m, 4);
		brd |= addr;
		r = lkl_nl_attr(&req, LKL_IFA_BROADCAST, &brd, 4);
	}
	return r ? r : lkl_nl_talk(&req);
}

/*
 * Undo the source rule of lkl_if_set_ipv4_gateway() for @addr/@prefix
 * (table and priority LKL_IF_TABLE_BASE + ifindex), and the table's
 * default route.  Either may be gone already: that is fine.
 */
static void del_if_gateway(int ifindex, uint32_t addr, unsigned int prefix)
{
	unsigned int table = LKL_IF_TABLE_BASE + (unsigned int)ifindex;
	struct lkl_fib_rule_hdr frh;
	struct lkl_nl_req req;
	struct lkl_rtmsg rt;
	unsigned char m[4];
	uint32_t mask;

	put_be32(m, prefix ? ~0u << (32 - prefix) : 0);
	memcpy(&mask, m, 4);
	addr &= mask;
	memset(&frh, 0, sizeof(frh));
	frh.family = LKL_AF_INET;
	frh.src_len = (unsigned char)prefix;
	frh.action = LKL_FR_ACT_TO_TBL;
	if (!lkl_nl_init(&req, LKL_RTM_DELRULE, 0, &frh, sizeof(frh))) {
		if (prefix)
			lkl_nl_attr(&req, LKL_FRA_SRC, &addr, 4);
		lkl_nl_attr_u32(&req, LKL_FRA_TABLE, table);
		lkl_nl_attr_u32(&req, LKL_FRA_PRIORITY, table);
		lkl_nl_talk(&req);
	}
	memset(&rt, 0, sizeof(rt));
	rt.rtm_family = LKL_AF_INET;
	rt.rtm_table = LKL_RT_TABLE_UNSPEC;
	if (!lkl_nl_init(&req, LKL_RTM_DELROUTE, 0, &rt, sizeof(rt))) {
		lkl_nl_attr_u32(&req, LKL_RTA_TABLE, table);
		lkl_nl_talk(&req);
	}
}

/*
 * Take the MPTCP endpoints of @addr out of the path manager, keeping
 * them in c->eps to be given the next address.
 */
static void save_endpoints(struct dhcp_client *c, uint32_t addr)
{
	struct lkl_mptcp_endpoint eps[LKL_MPTCP_ENDPOINTS_MAX];
	int i, n, r;

	n = lkl_mptcp_endpoint_list(eps, LKL_MPTCP_ENDPOINTS_MAX);
	if (n > LKL_MPTCP_ENDPOINTS_MAX)
		n = LKL_MPTCP_ENDPOINTS_MAX;
	for (i = 0; i < n; i++) {
		if (eps[i].af != LKL_AF_INET || memcmp(eps[i].addr, &addr, 4))
			continue;
		r = lkl_mptcp_endpoint_del(eps[i].id);
		if (r) {
			set_error(c, r);
			continue;
		}
		if (c->neps < LKL_MPTCP_ENDPOINTS_MAX)
			c->eps[c->neps++] = eps[i];
	}
}

/*
 * Give @addr the endpoints saved, or a new one with opt.mptcp_flags if
 * none was; the kernel then opens subflows from it on the connections.
 */
static void restore_endpoints(struct dhcp_client *c, uint32_t addr)
{
	struct lkl_mptcp_endpoint ep;
	int i, r;

	if (!c->neps && c->opt.mptcp_flags) {
		memset(&ep, 0, sizeof(ep));
		ep.af = LKL_AF_INET;
		ep.ifindex = c->ifindex;
		ep.flags = c->opt.mptcp_flags;
		c->eps[c->neps++] = ep;
	}
	for (i = 0; i < c->neps; i++) {
		memcpy(c->eps[i].addr, &addr, 4);
		r = lkl_mptcp_endpoint_add(&c->eps[i]);
		/* The same id may be taken meanwhile: let the kernel pick. */
		if (r == -LKL_EBUSY) {
			c->eps[i].id = 0;
			r = lkl_mptcp_endpoint_add(&c->eps[i]);
		}
		if (r < 0 && r != -LKL_EEXIST)
			set_error(c, r);
	}
	c->neps = 0;
}

/* Give up the address held: endpoints, rule, address. */
static void unbind(struct dhcp_client *c)
{
	struct lkl_dhcp_lease l;

	pthread_mutex_lock(&dhcp_lock);
	l = c->lease;
	c->lease.addr = 0;
	c->lease.router = 0;
	c->lease.remaining = 0;
	c->t1_ms = c->t2_ms = c->end_ms = 0;
	pthread_mutex_unlock(&dhcp_lock);
	if (!l.addr)
		return;
	save_endpoints(c, l.addr);
	del_if_gateway(c->ifindex, l.addr, l.prefix);
	set_error(c, change_addr(c->ifindex, LKL_RTM_DELADDR, l.addr,
				 l.prefix));
}

/* An ACK: take (or renew) its lease and configure the interface. */
static void bind_lease(struct dhcp_client *c, const struct dhcp_msg *m,
		       unsigned long long sent_ms)
{
	unsigned int prefix = m->has_mask ? mask_len(m->mask) :
				     classful_len(m->yiaddr);
	uint32_t lease = m->has_lease ? m->lease : 0xffffffffu;
	uint32_t t1 = m->t1 ? m->t1 : lease / 2;
	uint32_t t2 = m->t2 ? m->t2 : lease / 8 * 7;
	int changed, err = 0;

	if (t2 > lease)
		t2 = lease;
	if (t1 > t2)
		t1 = t2;
	pthread_mutex_lock(&dhcp_lock);
	changed = c->lease.addr != m->yiaddr || c->lease.prefix != prefix;
	pthread_mutex_unlock(&dhcp_lock);
	if (changed)
		unbind(c);
	/* Replace: the same address again keeps its place. */
	err = change_addr(c->ifindex, LKL_RTM_NEWADDR, m->yiaddr, prefix);
	/* Routes go with the link: set them again on every ACK. */
	if (!err && m->router)
		err = lkl_if_set_ipv4_gateway(c->ifindex, m->yiaddr, prefix,
					      m->router);
	if (!err && m->router && c->opt.default_route)
		err = lkl_set_ipv4_gateway(m->router);
	pthread_mutex_lock(&dhcp_lock);
	/* Times count from the request's sending (RFC 2131 4.4.1). */
	if (lease != 0xffffffffu) {
		c->t1_ms = sent_ms + t1 * MS;
		c->t2_ms = sent_ms + t2 * MS;
		c->end_ms = sent_ms + lease * MS;
	} else {
		c->t1_ms = c->t2_ms = c->end_ms = 0;
	}
	c->lease.addr = m->yiaddr;
	c->lease.prefix = prefix;
	c->lease.router = m->router;
	c->lease.server = m->server;
	c->lease.lease_time = lease;
	c->lease.t1 = t1;
	c->lease.t2 = t2;
	c->lease.acks++;
	if (changed)
		c->lease.addresses++;
	c->lease.state = LKL_DHCP_BOUND;
	if (err)
		c->lease.error = err;
	pthread_mutex_unlock(&dhcp_lock);
	if (changed)
		restore_endpoints(c, m->yiaddr);
}

/* ---- The states ---- */

static void count_nak(struct dhcp_client *c)
{
	pthread_mutex_lock(&dhcp_lock);
	c->lease.naks++;
	pthread_mutex_unlock(&dhcp_lock);
}

/*
 * Broadcast @type (REQUEST with @req, @server) until an answer of type
 * @want1/@want2 comes, retransmitting up to @tries times (0: forever).
 * Returns WAIT_*; @sent gets when the last one left.
 */
static int exchange(struct dhcp_client *c, int type, uint32_t ciaddr,
		    uint32_t req, uint32_t server, uint32_t dst, int tries,
		    int want1, int want2, struct dhcp_msg *m,
		    unsigned long long *sent)
{
	unsigned char buf[MSG_MAX];
	unsigned long long delay = 0;
	size_t len;
	int i, w;

	for (i = 0; !tries || i < tries; i++) {
		len = build_msg(c, buf, type, ciaddr, req, server);
		*sent = now_ms();
		/* A failed send (no route yet) is retried like a lost one. */
		send_to(c, buf, len, dst);
		delay = next_retx(delay);
		w = wait_reply(c, *sent + jitter(c, delay), want1, want2, m);
		if (w != WAIT_TIMEOUT)
			return w;
	}
	return WAIT_TIMEOUT;
}

/* INIT to BOUND: DISCOVER, OFFER, REQUEST, ACK.  Returns WAIT_*. */
static int discover(struct dhcp_client *c)
{
	unsigned long long sent;
	struct dhcp_msg m;
	int w;

	for (;;) {
		c->xid = rand32(c);
		c->start_ms = now_ms();
		set_state(c, LKL_DHCP_INIT);
		w = exchange(c, DHCPDISCOVER, 0, 0, 0, LKL_INADDR_BROADCAST,
			     0, DHCPOFFER, 0, &m, &sent);
		if (w != WAIT_MSG)
			return w;
		set_state(c, LKL_DHCP_REQUESTING);
		w = exchange(c, DHCPREQUEST, 0, m.yiaddr, m.server,
			     LKL_INADDR_BROADCAST, REQUEST_TRIES, DHCPACK,
			     DHCPNAK, &m, &sent);
		if (w == WAIT_MSG && m.type == DHCPACK) {
			bind_lease(c, &m, sent);
			return WAIT_MSG;
		}
		if (w == WAIT_MSG)
			count_nak(c);
		else if (w != WAIT_TIMEOUT)
			return w;
	}
}

/*
 * The link came back: confirm the lease held (INIT-REBOOT, RFC 2131
 * 3.2).  A NAK loses it; silence keeps it while it lasts.
 */
static int reboot(struct dhcp_client *c)
{
	unsigned long long sent;
	struct dhcp_msg m;
	uint32_t addr;
	int w;

	pthread_mutex_lock(&dhcp_lock);
	addr = c->lease.addr;
	pthread_mutex_unlock(&dhcp_lock);
	if (!addr || (c->end_ms && now_ms() >= c->end_ms)) {
		unbind(c);
		return discover(c);
	}
	c->xid = rand32(c);
	c->start_ms = now_ms();
	set_state(c, LKL_DHCP_REBOOTING);
	w = exchange(c, DHCPREQUEST, 0, addr, 0, LKL_INADDR_BROADCAST,
		     REBOOT_TRIES, DHCPACK, DHCPNAK, &m, &sent);
	if (w == WAIT_MSG && m.type == DHCPACK) {
		bind_lease(c, &m, sent);
		return WAIT_MSG;
	}
	if (w == WAIT_MSG) {
		count_nak(c);
		unbind(c);
		return discover(c);
	}
	if (w != WAIT_TIMEOUT)
		return w;
	/* No server answered: the routes the link lost come back. */
	pthread_mutex_lock(&dhcp_lock);
	m.yiaddr = c->lease.addr;
	m.router = c->lease.router;
	pthread_mutex_unlock(&dhcp_lock);
	if (m.router)
		set_error(c, lkl_if_set_ipv4_gateway(c->ifindex, m.yiaddr,
						     c->lease.prefix,
						     m.router));
	if (m.router && c->opt.default_route)
		set_error(c, lkl_set_ipv4_gateway(m.router));
	set_state(c, LKL_DHCP_BOUND);
	return WAIT_MSG;
}

/*
 * BOUND through RENEWING and REBINDING until the lease is renewed
 * (WAIT_MSG), lost (WAIT_TIMEOUT), or the link or the client stops.
 */
static int keep_lease(struct dhcp_client *c)
{
	unsigned long long sent, wait, now;
	struct dhcp_msg m;
	uint32_t addr, server;
	int w, state;

	if (!c->end_ms)		/* an infinite lease: wait for events */
		return wait_reply(c, 0, -1, -1, &m);
	w = wait_reply(c, c->t1_ms, -1, -1, &m);
	if (w != WAIT_TIMEOUT)
		return w;
	pthread_mutex_lock(&dhcp_lock);
	addr = c->lease.addr;
	server = c->lease.server;
	pthread_mutex_unlock(&dhcp_lock);
	c->xid = rand32(c);
	c->start_ms = now_ms();
	for (;;) {
		unsigned char buf[MSG_MAX];
		size_t len;

		now = now_ms();
		if (now >= c->end_ms)
			return WAIT_TIMEOUT;
		state = now < c->t2_ms ? LKL_DHCP_RENEWING :
			LKL_DHCP_REBINDING;
		set_state(c, state);
		len = build_msg(c, buf, DHCPREQUEST, addr, 0, 0);
		sent = now;
		send_to(c, buf, len, state == LKL_DHCP_RENEWING ? server :
			LKL_INADDR_BROADCAST);
		/* Half the time left to T2 (or expiry), a minute at least. */
		wait = ((state == LKL_DHCP_RENEWING ? c->t2_ms : c->end_ms) -
			now) / 2;
		if (wait < RENEW_RETX_MIN_MS)
			wait = RENEW_RETX_MIN_MS;
		if (state == LKL_DHCP_RENEWING && now + wait > c->t2_ms)
			wait = c->t2_ms - now;
		if (now + wait > c->end_ms)
			wait = c->end_ms - now;
		w = wait_reply(c, now + wait, DHCPACK, DHCPNAK, &m);
		if (w == WAIT_MSG && m.type == DHCPACK) {
			bind_lease(c, &m, sent);
			return WAIT_MSG;
		}
		if (w == WAIT_MSG) {
			count_nak(c);
			return WAIT_TIMEOUT;
		}
		if (w != WAIT_TIMEOUT)
			return w;
	}
}

static void release(struct dhcp_client *c)
{
	unsigned char buf[MSG_MAX];
	uint32_t addr, server;
	size_t len;
	int i;

	pthread_mutex_lock(&dhcp_lock);
	addr = c->lease.addr;
	server = c->lease.server;
	pthread_mutex_unlock(&dhcp_lock);
	if (!addr)
		return;
	c->xid = rand32(c);
	len = build_msg(c, buf, DHCPRELEASE, addr, 0, server);
	if (send_to(c, buf, len, server))
		return;
	/*
	 * The datagram's memory is the socket's until the device has sent
	 * it: wait for that (a little), or a halt that follows
	 * lkl_dhcp_stop() at once could keep it from leaving.
	 */
	for (i = 0; i < RELEASE_WAIT_MS / 10; i++) {
		int queued = 0;

		if (lkl_sys_ioctl((unsigned int)c->sock, LKL_SIOCOUTQ,
				  (unsigned long)&queued) || !queued)
			break;
		lkl_sys_poll(NULL, 0, 10);
	}
}

static void *client_thread(void *arg)
{
	struct dhcp_client *c = arg;
	int w;

	c->link_up = link_is_up(c->ifindex) > 0;
	while (!stopping(c)) {
		if (!c->link_up) {
			struct lkl_pollfd fds[2] = {
				{ .fd = (int)c->wake[0], .events = LKL_POLLIN },
				{ .fd = (int)c->nl, .events = LKL_POLLIN },
			};

			unsigned long long now = now_ms();
			int timeout = 60000;

			/* A lease may run out while the link is down. */
			if (c->end_ms && now >= c->end_ms)
				unbind(c);
			else if (c->end_ms && c->end_ms - now < 60000)
				timeout = (int)(c->end_ms - now);
			set_state(c, LKL_DHCP_LINK_DOWN);
			w = (int)lkl_sys_poll(fds, 2, timeout);
			if (w < 0 && w != -LKL_EINTR) {
				set_error(c, w);
				break;
			}
			read_link_events(c);
			continue;
		}
		if (c->bounced) {
			/* Routes went with the link; the lease may have. */
			c->bounced = 0;
			w = c->lease.addr ? reboot(c) : discover(c);
		} else if (!c->lease.addr) {
			w = discover(c);
		} else {
			w = keep_lease(c);
		}
		/* Expired or NAKed: start over. */
		if (w == WAIT_TIMEOUT)
			unbind(c);
		if (w == WAIT_STOP)
			break;
	}
	release(c);
	unbind(c);
	c->neps = 0;
	return NULL;
}

/* ---- The API ---- */

static struct dhcp_client *find(int ifindex)
{
	int i;

	for (i = 0; i < LKL_NETDEV_MAX; i++)
		if (clients[i].used && clients[i].ifindex == ifindex &&
		    !clients[i].stop)
			return &clients[i];
	return NULL;
}

/* The interface's MAC, if it is Ethernet: 0, -ENODEV or -EINVAL. */
static int ether_mac(int ifindex, unsigned char mac[6])
{
	struct lkl_ifreq ifr;
	int r = if_get(ifindex, LKL_SIOCGIFHWADDR, &ifr);

	if (r)
		return r;
	if (ifr.lkl_ifr_hwaddr.sa_family != LKL_ARPHRD_ETHER)
		return -LKL_EINVAL;
	memcpy(mac, ifr.lkl_ifr_hwaddr.sa_data, 6);
	return 0;
}

static void close_client(struct dhcp_client *c)
{
	if (c->sock >= 0)
		lkl_sys_close((unsigned int)c->sock);
	if (c->nl >= 0)
		lkl_sys_close((unsigned int)c->nl);
	if (c->wake[0] >= 0)
		lkl_sys_close((unsigned int)c->wake[0]);
	if (c->wake[1] >= 0)
		lkl_sys_close((unsigned int)c->wake[1]);
	memset(c, 0, sizeof(*c));
}

int lkl_dhcp_start(int ifindex, const struct lkl_dhcp_options *opt)
{
	struct dhcp_client *c = NULL;
	unsigned char mac[6];
	int i, r, fds[2];

	if (ifindex <= 0)
		return -LKL_EINVAL;
	if (opt && (opt->mptcp_flags & ~(unsigned int)(LKL_MPTCP_FLAG_SIGNAL |
						      LKL_MPTCP_FLAG_SUBFLOW |
						      LKL_MPTCP_FLAG_BACKUP |
						      LKL_MPTCP_FLAG_FULLMESH)))
		return -LKL_EINVAL;
	r = ether_mac(ifindex, mac);
	if (r)
		return r;
	pthread_mutex_lock(&dhcp_lock);
	if (find(ifindex)) {
		pthread_mutex_unlock(&dhcp_lock);
		return -LKL_EBUSY;
	}
	for (i = 0; i < LKL_NETDEV_MAX && !c; i++)
		if (!clients[i].used)
			c = &clients[i];
	if (!c) {
		pthread_mutex_unlock(&dhcp_lock);
		return -LKL_ENOSPC;
	}
	memset(c, 0, sizeof(*c));
	c->used = 1;
	c->ifindex = ifindex;
	pthread_mutex_unlock(&dhcp_lock);

	c->sock = c->nl = c->wake[0] = c->wake[1] = -1;
	if (opt)
		c->opt = *opt;
	memcpy(c->mac, mac, 6);
	c->rnd = (uint32_t)lkl_posix_time() ^ get_be32(mac + 2) ^
		 (uint32_t)ifindex << 16;
	if (!c->rnd)
		c->rnd = 1;
	r = open_udp(c);
	if (!r)
		r = open_link_watch(c);
	if (!r)
		r = (int)lkl_sys_pipe2(fds, LKL_O_CLOEXEC);
	if (!r) {
		c->wake[0] = fds[0];
		c->wake[1] = fds[1];
		r = lkl_posix_thread_start(&c->thread, client_thread, c);
		r = r ? lkl_posix_errno(r) : 0;
	}
	if (r) {
		pthread_mutex_lock(&dhcp_lock);
		close_client(c);
		pthread_mutex_unlock(&dhcp_lock);
	}
	return r;
}

int lkl_dhcp_stop(int ifindex)
{
	struct dhcp_client *c;
	char b = 1;

	pthread_mutex_lock(&dhcp_lock);
	c = find(ifindex);
	/* Out of find()'s sight from now on: a new client may start. */
	if (c)
		__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&dhcp_lock);
	if (!c)
		return -LKL_ENOENT;
	lkl_sys_write((unsigned int)c->wake[1], &b, 1);
	pthread_join(c->thread, NULL);
	pthread_mutex_lock(&dhcp_lock);
	close_client(c);
	pthread_mutex_unlock(&dhcp_lock);
	return 0;
}

int lkl_dhcp_get_lease(int ifindex, struct lkl_dhcp_lease *lease)
{
	struct dhcp_client *c;
	unsigned long long now = now_ms();

	if (!lease)
		return -LKL_EINVAL;
	pthread_mutex_lock(&dhcp_lock);
	c = find(ifindex);
	if (c) {
		*lease = c->lease;
		if (c->end_ms && lease->addr)
			lease->remaining = now >= c->end_ms ? 0 :
				(unsigned int)((c->end_ms - now) / MS);
		else if (lease->addr)
			lease->remaining = 0xffffffffu;
	}
	pthread_mutex_unlock(&dhcp_lock);
	return c ? 0 : -LKL_ENOENT;
}
