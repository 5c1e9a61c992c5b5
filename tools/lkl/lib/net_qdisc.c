// SPDX-License-Identifier: GPL-2.0
/*
 * net_qdisc.c - the root queueing discipline of an interface, set over
 * rtnetlink (RTM_NEWQDISC), as `tc qdisc replace dev X root KIND` does.
 */
#include <string.h>

#include <lkl.h>
#include <lkl/linux/netlink.h>
#include <lkl/linux/pkt_sched.h>
#include <lkl/linux/rtnetlink.h>
#include <lkl/socket.h>

#include "net_netlink.h"

/* Qdisc kinds are short names ("fq", "fq_codel", "pfifo_fast"...). */
#define QDISC_KIND_MAX	16

int lkl_qdisc_add(int ifindex, const char *kind)
{
	struct lkl_nl_req req;
	struct lkl_tcmsg tc;
	size_t len;
	int r;

	if (ifindex <= 0 || !kind)
		return -LKL_EINVAL;
	len = strlen(kind);
	if (len == 0 || len >= QDISC_KIND_MAX)
		return -LKL_EINVAL;

	memset(&tc, 0, sizeof(tc));
	tc.tcm_family = LKL_AF_UNSPEC;
	tc.tcm_ifindex = ifindex;
	tc.tcm_parent = LKL_TC_H_ROOT;	/* handle 0: the kernel picks one */
	r = lkl_nl_init(&req, LKL_RTM_NEWQDISC,
			LKL_NLM_F_CREATE | LKL_NLM_F_REPLACE, &tc, sizeof(tc));
	if (!r)
		r = lkl_nl_attr(&req, LKL_TCA_KIND, kind, len + 1);
	if (!r)
		r = lkl_nl_talk(&req);
	return r;
}
