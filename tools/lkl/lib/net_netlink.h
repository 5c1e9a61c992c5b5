/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net_netlink.h - a small rtnetlink helper inside the library (not part
 * of the API): one request built into a bounded buffer, sent on an LKL
 * AF_NETLINK/NETLINK_ROUTE socket, its ACK read back.
 */
#ifndef _LKL_NET_NETLINK_H
#define _LKL_NET_NETLINK_H

#include <stddef.h>

#include "posix-host.h"

/* Room for a header, a body and a few addresses: routes, rules, neighbours. */
#define LKL_NL_BUF_LEN	512

struct lkl_nl_req {
	/* 4-byte aligned, as netlink messages are. */
	unsigned int buf[LKL_NL_BUF_LEN / 4];
	size_t len;
	/* Set when an attribute did not fit: lkl_nl_talk() then fails. */
	int overflow;
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
 * Send @req to the kernel and wait for its acknowledgement.  Returns 0,
 * the negative errno of the kernel's NLMSG_ERROR, -LKL_ENOBUFS for a
 * request that overflowed, -LKL_EPROTO for an answer that is not an ACK
 * of this request, or the socket calls' errors.
 */
LKL_POSIX_HIDDEN int lkl_nl_talk(struct lkl_nl_req *req);

#endif /* _LKL_NET_NETLINK_H */
