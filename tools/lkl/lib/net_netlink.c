// SPDX-License-Identifier: GPL-2.0
/*
 * net_netlink.c - the netlink requests of net_route.c, net_qdisc.c and
 * net_mptcp.c: build one message with attributes into a bounded buffer,
 * send it on an LKL AF_NETLINK socket (rtnetlink or generic netlink),
 * read the answers and the acknowledgement and return its error (0 or
 * -errno).  Every request gets a socket of its own, so that answers
 * cannot mix between threads.
 */
#include <string.h>

#include <lkl.h>
#include <lkl/linux/genetlink.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/socket.h>

#include "net_netlink.h"

/*
 * One datagram of answers: a dump packs several messages into up to a
 * page, an error quotes our whole request.
 */
#define NL_ANSWER_LEN	8192

static struct lkl_nlmsghdr *nl_hdr(struct lkl_nl_req *req)
{
	return (struct lkl_nlmsghdr *)req->buf;
}

int lkl_nl_init(struct lkl_nl_req *req, int type, int flags,
		const void *body, size_t body_len)
{
	struct lkl_nlmsghdr *h = nl_hdr(req);
	size_t len = LKL_NLMSG_HDRLEN + LKL_NLMSG_ALIGN(body_len);

	memset(req, 0, sizeof(*req));
	if (body_len > sizeof(req->buf) || len > sizeof(req->buf)) {
		req->overflow = 1;
		return -LKL_ENOBUFS;
	}
	h->nlmsg_type = (unsigned short)type;
	h->nlmsg_flags = (unsigned short)(flags | LKL_NLM_F_REQUEST |
					  LKL_NLM_F_ACK);
	h->nlmsg_seq = 1;
	memcpy((char *)req->buf + LKL_NLMSG_HDRLEN, body, body_len);
	req->len = len;
	h->nlmsg_len = (unsigned int)len;
	return 0;
}

int lkl_nl_attr(struct lkl_nl_req *req, int type, const void *data,
		size_t len)
{
	struct lkl_rtattr *rta;
	size_t need;

	if (len > 0xffff - sizeof(*rta)) {
		req->overflow = 1;
		return -LKL_ENOBUFS;
	}
	need = LKL_RTA_ALIGN(LKL_RTA_LENGTH(len));
	if (req->overflow || req->len > sizeof(req->buf) ||
	    need > sizeof(req->buf) - req->len) {
		req->overflow = 1;
		return -LKL_ENOBUFS;
	}
	rta = (struct lkl_rtattr *)((char *)req->buf + req->len);
	memset(rta, 0, need);
	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)LKL_RTA_LENGTH(len);
	if (len)
		memcpy((char *)rta + LKL_RTA_LENGTH(0), data, len);
	req->len += need;
	nl_hdr(req)->nlmsg_len = (unsigned int)req->len;
	return 0;
}

int lkl_nl_attr_u32(struct lkl_nl_req *req, int type, unsigned int v)
{
	return lkl_nl_attr(req, type, &v, sizeof(v));
}

int lkl_nl_nest_start(struct lkl_nl_req *req, int type)
{
	size_t at = req->len;
	int r;

	r = lkl_nl_attr(req, type | LKL_NLA_F_NESTED, NULL, 0);
	return r ? r : (int)at;
}

void lkl_nl_nest_end(struct lkl_nl_req *req, int nest)
{
	struct lkl_nlattr *a;

	if (req->overflow || nest < 0 || (size_t)nest >= req->len)
		return;
	a = (struct lkl_nlattr *)((char *)req->buf + nest);
	a->nla_len = (unsigned short)(req->len - (size_t)nest);
}

int lkl_nl_parse(const void *data, size_t len, const struct lkl_nlattr **tb,
		 int max)
{
	const char *p = data;
	int type;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= LKL_NLA_HDRLEN) {
		const struct lkl_nlattr *a = (const void *)p;
		size_t step = LKL_NLA_ALIGN(a->nla_len);

		if (a->nla_len < LKL_NLA_HDRLEN || a->nla_len > len)
			return -LKL_EPROTO;
		type = a->nla_type & LKL_NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return 0;
}

/* A bound netlink socket of @protocol, or -errno. */
static long nl_open(int protocol)
{
	struct lkl_sockaddr_nl sa;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_NETLINK, LKL_SOCK_RAW | LKL_SOCK_CLOEXEC,
			    protocol);
	if (fd < 0)
		return fd;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = LKL_AF_NETLINK;
	r = lkl_sys_bind((int)fd, (struct lkl_sockaddr *)&sa, sizeof(sa));
	if (r < 0) {
		lkl_sys_close((unsigned int)fd);
		return r;
	}
	return fd;
}

/* The error an ACK or a dump's end carries: 0 or -errno (-EPROTO if odd). */
static int nl_final_error(const struct lkl_nlmsghdr *h)
{
	int e;

	if (h->nlmsg_len < LKL_NLMSG_LENGTH(sizeof(e)))
		return h->nlmsg_type == LKL_NLMSG_DONE ? 0 : -LKL_EPROTO;
	memcpy(&e, LKL_NLMSG_DATA(h), sizeof(e));
	return e > 0 ? -LKL_EPROTO : e;
}

/*
 * The messages of one datagram (@n bytes) answering sequence 1: each
 * goes to @fn; *@done is set at the ACK or the end of a dump, whose
 * error is returned.
 */
static int nl_answers(const void *buf, long n, lkl_nl_answer_fn fn,
		      void *arg, int *done)
{
	const struct lkl_nlmsghdr *h = buf;
	long long len = n;	/* LKL_NLMSG_OK compares it with a u32 */
	int r;

	for (; LKL_NLMSG_OK(h, len); h = LKL_NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != 1)
			return -LKL_EPROTO;
		if (h->nlmsg_type == LKL_NLMSG_ERROR ||
		    h->nlmsg_type == LKL_NLMSG_DONE) {
			*done = 1;
			return nl_final_error(h);
		}
		if (!fn)
			return -LKL_EPROTO;
		r = fn(h, arg);
		if (r)
			return r;
	}
	return len > 0 ? -LKL_EPROTO : 0;
}

int lkl_nl_talk_cb(struct lkl_nl_req *req, lkl_nl_answer_fn fn, void *arg)
{
	struct lkl_sockaddr_nl to;
	unsigned int answer[NL_ANSWER_LEN / 4];
	int done = 0;
	long fd, n;

	if (req->overflow || req->len < LKL_NLMSG_HDRLEN)
		return -LKL_ENOBUFS;
	fd = nl_open(req->protocol);
	if (fd < 0)
		return (int)fd;
	memset(&to, 0, sizeof(to));
	to.nl_family = LKL_AF_NETLINK;
	n = lkl_sys_sendto((int)fd, req->buf, req->len, 0,
			   (struct lkl_sockaddr *)&to, sizeof(to));
	if (n >= 0 && (size_t)n != req->len)
		n = -LKL_EPROTO;
	while (n >= 0 && !done) {
		/* MSG_TRUNC: the full length, to tell a cut answer. */
		n = lkl_sys_recvfrom((int)fd, answer, sizeof(answer),
				     LKL_MSG_TRUNC, NULL, NULL);
		if (n > (long)sizeof(answer))
			n = -LKL_EMSGSIZE;
		if (n >= 0)
			n = nl_answers(answer, n, fn, arg, &done);
		if (n > 0)
			n = 0;
	}
	lkl_sys_close((unsigned int)fd);
	return (int)n;
}

int lkl_nl_talk(struct lkl_nl_req *req)
{
	return lkl_nl_talk_cb(req, NULL, NULL);
}

/* ---- Generic netlink ---- */

int lkl_genl_init(struct lkl_nl_req *req, int family, int cmd, int version,
		  int flags)
{
	struct lkl_genlmsghdr g;
	int r;

	memset(&g, 0, sizeof(g));
	g.cmd = (unsigned char)cmd;
	g.version = (unsigned char)version;
	r = lkl_nl_init(req, family, flags, &g, sizeof(g));
	req->protocol = LKL_NETLINK_GENERIC;
	return r;
}

int lkl_genl_parse(const struct lkl_nlmsghdr *h, const struct lkl_nlattr **tb,
		   int max)
{
	size_t hdr = LKL_NLMSG_HDRLEN + LKL_GENL_HDRLEN;

	if (h->nlmsg_len < hdr)
		return -LKL_EPROTO;
	return lkl_nl_parse((const char *)h + hdr, h->nlmsg_len - hdr, tb,
			    max);
}

static int genl_family_answer(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_nlattr *tb[LKL_CTRL_ATTR_FAMILY_ID + 1];
	unsigned short id;
	int r;

	r = lkl_genl_parse(h, tb, LKL_CTRL_ATTR_FAMILY_ID);
	if (r)
		return r;
	if (!tb[LKL_CTRL_ATTR_FAMILY_ID] ||
	    lkl_nl_len(tb[LKL_CTRL_ATTR_FAMILY_ID]) < sizeof(id))
		return -LKL_EPROTO;
	memcpy(&id, lkl_nl_data(tb[LKL_CTRL_ATTR_FAMILY_ID]), sizeof(id));
	*(int *)arg = id;
	return 0;
}

int lkl_genl_family(const char *name)
{
	struct lkl_nl_req req;
	int id = 0, r;

	r = lkl_genl_init(&req, LKL_GENL_ID_CTRL, LKL_CTRL_CMD_GETFAMILY, 1, 0);
	if (!r)
		r = lkl_nl_attr(&req, LKL_CTRL_ATTR_FAMILY_NAME, name,
				strlen(name) + 1);
	if (!r)
		r = lkl_nl_talk_cb(&req, genl_family_answer, &id);
	if (!r && id <= 0)
		r = -LKL_EPROTO;
	return r ? r : id;
}
