/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net_netlink.h - a small netlink helper inside the library (not part of
 * the API): one request built into a bounded buffer, sent on an LKL
 * AF_NETLINK socket (NETLINK_ROUTE, or NETLINK_GENERIC for generic
 * netlink families), its answers and ACK read back.
 */
#ifndef _LKL_NET_NETLINK_H
#define _LKL_NET_NETLINK_H

#include <stddef.h>

#include <lkl/linux/netlink.h>

#include "posix-host.h"

/* Room for a header, a body and a few addresses: routes, rules, neighbours. */
#define LKL_NL_BUF_LEN	512

struct lkl_nl_req {
	/* 4-byte aligned, as netlink messages are. */
	unsigned int buf[LKL_NL_BUF_LEN / 4];
	size_t len;
	/* Set when an attribute did not fit: lkl_nl_talk() then fails. */
	int overflow;
	/* LKL_NETLINK_ROUTE (0, lkl_nl_init()) or LKL_NETLINK_GENERIC. */
	int protocol;
};

/*
 * Start a request of @type (LKL_RTM_*) with @flags (LKL_NLM_F_*; REQUEST
 * and ACK are added) and the fixed-size body @body (@body_len bytes).
 * Returns 0 or -LKL_ENOBUFS when the body does not fit.
 */
LKL_POSIX_HIDDEN int lkl_nl_init(struct lkl_nl_req *req, int type, int flags,
				 const void *body, size_t body_len);

/* Append attribute @type with @len bytes of @data: 0 or -LKL_ENOBUFS. */
LKL_POSIX_HIDDEN int lkl_nl_attr(struct lkl_nl_req *req, int type,
				 const void *data, size_t len);

/* Append a 32-bit attribute. */
LKL_POSIX_HIDDEN int lkl_nl_attr_u32(struct lkl_nl_req *req, int type,
				     unsigned int v);

/*
 * Open nested attribute @type (LKL_NLA_F_NESTED is added): returns a
 * handle for lkl_nl_nest_end(), or -LKL_ENOBUFS.
 */
LKL_POSIX_HIDDEN int lkl_nl_nest_start(struct lkl_nl_req *req, int type);

/* Close the nested attribute opened as @nest: its length covers the rest. */
LKL_POSIX_HIDDEN void lkl_nl_nest_end(struct lkl_nl_req *req, int nest);

/*
 * Send @req to the kernel and wait for its acknowledgement.  Returns 0,
 * the negative errno of the kernel's NLMSG_ERROR, -LKL_ENOBUFS for a
 * request that overflowed, -LKL_EPROTO for an answer that is not an ACK
 * of this request, or the socket calls' errors.
 */
LKL_POSIX_HIDDEN int lkl_nl_talk(struct lkl_nl_req *req);

/*
 * Called for each answer of a request that is neither its ACK nor the
 * end of a dump: 0 goes on, a negative errno stops and is returned.
 */
typedef int (*lkl_nl_answer_fn)(const struct lkl_nlmsghdr *h, void *arg);

/*
 * lkl_nl_talk() for requests that get answers (a reply, or a dump with
 * LKL_NLM_F_DUMP): @fn sees each one, then the final ACK's error, or
 * the error a dump ended with, is returned.
 */
LKL_POSIX_HIDDEN int lkl_nl_talk_cb(struct lkl_nl_req *req,
				    lkl_nl_answer_fn fn, void *arg);

/*
 * Index the attributes in @data (@len bytes) by type, nesting and byte
 * order flags masked: @tb[0..@max] (NULL where absent; types above @max
 * are skipped).  Returns 0, or -LKL_EPROTO for a malformed attribute.
 */
LKL_POSIX_HIDDEN int lkl_nl_parse(const void *data, size_t len,
				  const struct lkl_nlattr **tb, int max);

/* The payload of attribute @a and its length. */
static inline const void *lkl_nl_data(const struct lkl_nlattr *a)
{
	return (const char *)a + LKL_NLA_HDRLEN;
}

static inline size_t lkl_nl_len(const struct lkl_nlattr *a)
{
	return a->nla_len - LKL_NLA_HDRLEN;
}

/* ---- Generic netlink ---- */

/*
 * Start command @cmd, version @version, of generic netlink family
 * @family (an id from lkl_genl_family()), @flags as for lkl_nl_init().
 */
LKL_POSIX_HIDDEN int lkl_genl_init(struct lkl_nl_req *req, int family,
				   int cmd, int version, int flags);

/*
 * The attributes of generic netlink message @h, indexed as by
 * lkl_nl_parse(); -LKL_EPROTO for a message too short or malformed.
 */
LKL_POSIX_HIDDEN int lkl_genl_parse(const struct lkl_nlmsghdr *h,
				    const struct lkl_nlattr **tb, int max);

/*
 * The id of generic netlink family @name ("mptcp_pm"), asked of the
 * controller: > 0, -LKL_ENOENT when the kernel has no such family, or
 * lkl_nl_talk()'s errors.
 */
LKL_POSIX_HIDDEN int lkl_genl_family(const char *name);

#endif /* _LKL_NET_NETLINK_H */
