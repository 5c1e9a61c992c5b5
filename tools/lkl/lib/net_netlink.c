/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net_netlink.c - the rtnetlink requests of net_route.c: build one
 * message with attributes into a bounded buffer, send it on an LKL
 * AF_NETLINK/NETLINK_ROUTE socket, read the acknowledgement and return
 * its error (0 or -errno).  Every request gets a socket of its own, so
 * that answers cannot mix between threads.
 */
#include <string.h>

#include <lkl.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/socket.h>

#include "net_netlink.h"

/* Room for an error answer that quotes our whole request. */
#define NL_ANSWER_LEN	(LKL_NL_BUF_LEN + 256)

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
	memcpy((char *)rta + LKL_RTA_LENGTH(0), data, len);
	req->len += need;
	nl_hdr(req)->nlmsg_len = (unsigned int)req->len;
	return 0;
}

int lkl_nl_attr_u32(struct lkl_nl_req *req, int type, unsigned int v)
{
	return lkl_nl_attr(req, type, &v, sizeof(v));
}

/* A bound NETLINK_ROUTE socket, or -errno. */
static long nl_open(void)
{
	struct lkl_sockaddr_nl sa;
	long fd, r;

	fd = lkl_sys_socket(LKL_AF_NETLINK, LKL_SOCK_RAW | LKL_SOCK_CLOEXEC,
			    LKL_NETLINK_ROUTE);
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

/* The error code of an answer to sequence 1: 0, -errno, or -EPROTO. */
static int nl_ack(const void *buf, long n)
{
	const struct lkl_nlmsghdr *h = buf;
	const struct lkl_nlmsgerr *e;

	if (!LKL_NLMSG_OK(h, n) || h->nlmsg_seq != 1 ||
	    h->nlmsg_type != LKL_NLMSG_ERROR)
		return -LKL_EPROTO;
	if (h->nlmsg_len < LKL_NLMSG_LENGTH(sizeof(*e)))
		return -LKL_EPROTO;
	e = LKL_NLMSG_DATA(h);
	return e->error > 0 ? -LKL_EPROTO : e->error;
}

int lkl_nl_talk(struct lkl_nl_req *req)
{
	struct lkl_sockaddr_nl to;
	unsigned int answer[NL_ANSWER_LEN / 4];
	long fd, n;

	if (req->overflow || req->len < LKL_NLMSG_HDRLEN)
		return -LKL_ENOBUFS;
	fd = nl_open();
	if (fd < 0)
		return (int)fd;
	memset(&to, 0, sizeof(to));
	to.nl_family = LKL_AF_NETLINK;
	n = lkl_sys_sendto((int)fd, req->buf, req->len, 0,
			   (struct lkl_sockaddr *)&to, sizeof(to));
	if (n >= 0 && (size_t)n != req->len)
		n = -LKL_EPROTO;
	if (n >= 0)
		n = lkl_sys_recvfrom((int)fd, answer, sizeof(answer), 0,
				     NULL, NULL);
	if (n >= 0)
		n = nl_ack(answer, n);
	lkl_sys_close((unsigned int)fd);
	return (int)n;
}
