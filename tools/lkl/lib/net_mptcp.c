// SPDX-License-Identifier: GPL-2.0
/*
 * net_mptcp.c - Multipath TCP configuration of this process's kernel:
 * the endpoints and limits of the in-kernel path manager, over the
 * generic netlink family "mptcp_pm" (include/uapi/linux/mptcp_pm.h).
 * The family's id is asked of the controller on every call: it is
 * cheap, and right whatever kernel runs.
 */
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>
#include <lkl/linux/genetlink.h>
#include <lkl/linux/mptcp.h>
#include <lkl/linux/netlink.h>
#include <lkl/socket.h>

#include "net_netlink.h"

/* Our flags are the kernel's MPTCP_PM_ADDR_FLAG_*. */
_Static_assert(LKL_MPTCP_FLAG_SIGNAL == LKL_MPTCP_PM_ADDR_FLAG_SIGNAL &&
	       LKL_MPTCP_FLAG_SUBFLOW == LKL_MPTCP_PM_ADDR_FLAG_SUBFLOW &&
	       LKL_MPTCP_FLAG_BACKUP == LKL_MPTCP_PM_ADDR_FLAG_BACKUP &&
	       LKL_MPTCP_FLAG_FULLMESH == LKL_MPTCP_PM_ADDR_FLAG_FULLMESH &&
	       LKL_MPTCP_FLAG_IMPLICIT == LKL_MPTCP_PM_ADDR_FLAG_IMPLICIT,
	       "LKL_MPTCP_FLAG_* differ from the kernel's");
#define MPTCP_USER_FLAGS	(LKL_MPTCP_FLAG_SIGNAL | \
				 LKL_MPTCP_FLAG_SUBFLOW | \
				 LKL_MPTCP_FLAG_BACKUP | \
				 LKL_MPTCP_FLAG_FULLMESH)
#define MPTCP_ID_MAX		255

/* Start command @cmd of the "mptcp_pm" family. */
static int pm_init(struct lkl_nl_req *req, int cmd, int flags)
{
	int family = lkl_genl_family(LKL_MPTCP_PM_NAME);

	if (family < 0)
		return family;
	return lkl_genl_init(req, family, cmd, LKL_MPTCP_PM_VER, flags);
}

static int addr_len(int af)
{
	if (af == LKL_AF_INET)
		return 4;
	if (af == LKL_AF_INET6)
		return 16;
	return -LKL_EAFNOSUPPORT;
}

/* The nested MPTCP_PM_ATTR_ADDR of @ep (its address only when @full). */
static int put_endpoint(struct lkl_nl_req *req,
			const struct lkl_mptcp_endpoint *ep, int full)
{
	unsigned short family = (unsigned short)ep->af;
	unsigned short port = (unsigned short)ep->port;
	unsigned char id = (unsigned char)ep->id;
	int nest, r;

	nest = lkl_nl_nest_start(req, LKL_MPTCP_PM_ATTR_ADDR);
	if (nest < 0)
		return nest;
	r = lkl_nl_attr(req, LKL_MPTCP_PM_ADDR_ATTR_ID, &id, sizeof(id));
	if (full) {
		lkl_nl_attr(req, LKL_MPTCP_PM_ADDR_ATTR_FAMILY, &family,
			    sizeof(family));
		lkl_nl_attr(req, ep->af == LKL_AF_INET ?
			    LKL_MPTCP_PM_ADDR_ATTR_ADDR4 :
			    LKL_MPTCP_PM_ADDR_ATTR_ADDR6, ep->addr,
			    (size_t)addr_len(ep->af));
		/* The port goes in host byte order. */
		if (port)
			lkl_nl_attr(req, LKL_MPTCP_PM_ADDR_ATTR_PORT, &port,
				    sizeof(port));
		if (ep->ifindex)
			lkl_nl_attr_u32(req, LKL_MPTCP_PM_ADDR_ATTR_IF_IDX,
					(unsigned int)ep->ifindex);
		r = lkl_nl_attr_u32(req, LKL_MPTCP_PM_ADDR_ATTR_FLAGS,
				    ep->flags);
	}
	lkl_nl_nest_end(req, nest);
	/* An attribute that did not fit fails lkl_nl_talk(). */
	return r;
}

/* Copy attribute @a's first @len bytes to @to, if it is there. */
static void copy_attr(const struct lkl_nlattr *a, void *to, size_t len)
{
	if (a && lkl_nl_len(a) >= len)
		memcpy(to, lkl_nl_data(a), len);
}

/* An endpoint as the kernel describes it (mptcp_nl_fill_addr()). */
static int get_endpoint(const struct lkl_nlattr *nest,
			struct lkl_mptcp_endpoint *ep)
{
	const struct lkl_nlattr *tb[LKL_MPTCP_PM_ADDR_ATTR_MAX + 1], *a;
	unsigned short family = 0, port = 0;
	unsigned char id = 0;
	int r, len;

	r = lkl_nl_parse(lkl_nl_data(nest), lkl_nl_len(nest), tb,
			 LKL_MPTCP_PM_ADDR_ATTR_MAX);
	if (r)
		return r;
	memset(ep, 0, sizeof(*ep));
	copy_attr(tb[LKL_MPTCP_PM_ADDR_ATTR_ID], &id, sizeof(id));
	copy_attr(tb[LKL_MPTCP_PM_ADDR_ATTR_FAMILY], &family, sizeof(family));
	copy_attr(tb[LKL_MPTCP_PM_ADDR_ATTR_PORT], &port, sizeof(port));
	copy_attr(tb[LKL_MPTCP_PM_ADDR_ATTR_IF_IDX], &ep->ifindex,
		  sizeof(ep->ifindex));
	copy_attr(tb[LKL_MPTCP_PM_ADDR_ATTR_FLAGS], &ep->flags,
		  sizeof(ep->flags));
	ep->id = id;
	ep->af = family;
	ep->port = port;
	len = addr_len(ep->af);
	if (!id || len < 0)
		return -LKL_EPROTO;
	a = tb[len == 4 ? LKL_MPTCP_PM_ADDR_ATTR_ADDR4 :
	       LKL_MPTCP_PM_ADDR_ATTR_ADDR6];
	if (!a || lkl_nl_len(a) < (size_t)len)
		return -LKL_EPROTO;
	memcpy(ep->addr, lkl_nl_data(a), (size_t)len);
	return 0;
}

/* What a dump of the endpoints fills. */
struct endpoint_list {
	struct lkl_mptcp_endpoint *eps;
	int max, count;
};

static int list_answer(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_nlattr *tb[LKL_MPTCP_PM_ATTR_MAX + 1];
	struct endpoint_list *l = arg;
	struct lkl_mptcp_endpoint ep;
	int r;

	r = lkl_genl_parse(h, tb, LKL_MPTCP_PM_ATTR_MAX);
	if (!r && !tb[LKL_MPTCP_PM_ATTR_ADDR])
		r = -LKL_EPROTO;
	if (!r)
		r = get_endpoint(tb[LKL_MPTCP_PM_ATTR_ADDR], &ep);
	if (r)
		return r;
	if (l->count < l->max)
		l->eps[l->count] = ep;
	l->count++;
	return 0;
}

int lkl_mptcp_endpoint_list(struct lkl_mptcp_endpoint *eps, int max)
{
	struct endpoint_list l = { eps, max, 0 };
	struct lkl_nl_req req;
	int r;

	if (max < 0 || (max && !eps))
		return -LKL_EINVAL;
	r = pm_init(&req, LKL_MPTCP_PM_CMD_GET_ADDR, LKL_NLM_F_DUMP);
	if (!r)
		r = lkl_nl_talk_cb(&req, list_answer, &l);
	return r ? r : l.count;
}

/* The id the kernel gave the endpoint with @ep's address and port. */
static int find_id(const struct lkl_mptcp_endpoint *ep)
{
	struct lkl_mptcp_endpoint all[LKL_MPTCP_ENDPOINTS_MAX];
	int n, i;

	n = lkl_mptcp_endpoint_list(all, LKL_MPTCP_ENDPOINTS_MAX);
	for (i = 0; i < n && i < LKL_MPTCP_ENDPOINTS_MAX; i++)
		if (all[i].af == ep->af && all[i].port == ep->port &&
		    !memcmp(all[i].addr, ep->addr, (size_t)addr_len(ep->af)))
			return all[i].id;
	return n < 0 ? n : -LKL_ENOENT;
}

int lkl_mptcp_endpoint_add(const struct lkl_mptcp_endpoint *ep)
{
	struct lkl_nl_req req;
	int r;

	if (!ep)
		return -LKL_EINVAL;
	if (addr_len(ep->af) < 0)
		return -LKL_EAFNOSUPPORT;
	if (ep->id < 0 || ep->id > MPTCP_ID_MAX || ep->port < 0 ||
	    ep->port > 0xffff || ep->ifindex < 0 ||
	    (ep->flags & ~(unsigned int)MPTCP_USER_FLAGS))
		return -LKL_EINVAL;
	r = pm_init(&req, LKL_MPTCP_PM_CMD_ADD_ADDR, 0);
	if (!r)
		r = put_endpoint(&req, ep, 1);
	if (!r)
		r = lkl_nl_talk(&req);
	if (r)
		return r;
	return ep->id ? ep->id : find_id(ep);
}

int lkl_mptcp_endpoint_del(int id)
{
	struct lkl_mptcp_endpoint ep;
	struct lkl_nl_req req;
	int r;

	/* Id 0 names the first subflow's address, not an endpoint. */
	if (id < 1 || id > MPTCP_ID_MAX)
		return -LKL_EINVAL;
	memset(&ep, 0, sizeof(ep));
	ep.id = id;
	r = pm_init(&req, LKL_MPTCP_PM_CMD_DEL_ADDR, 0);
	if (!r)
		r = put_endpoint(&req, &ep, 0);
	if (!r)
		r = lkl_nl_talk(&req);
	return r;
}

int lkl_mptcp_endpoint_flush(void)
{
	struct lkl_nl_req req;
	int r;

	r = pm_init(&req, LKL_MPTCP_PM_CMD_FLUSH_ADDRS, 0);
	if (!r)
		r = lkl_nl_talk(&req);
	return r;
}

int lkl_mptcp_set_limits(unsigned int subflows, unsigned int add_addr_accepted)
{
	struct lkl_nl_req req;
	int r;

	r = pm_init(&req, LKL_MPTCP_PM_CMD_SET_LIMITS, 0);
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_MPTCP_PM_ATTR_SUBFLOWS, subflows);
	if (!r)
		r = lkl_nl_attr_u32(&req, LKL_MPTCP_PM_ATTR_RCV_ADD_ADDRS,
				    add_addr_accepted);
	if (!r)
		r = lkl_nl_talk(&req);
	return r;
}

/* What a GET_LIMITS reply says. */
struct limits {
	unsigned int subflows, add_addr_accepted;
	int got;
};

static int limits_answer(const struct lkl_nlmsghdr *h, void *arg)
{
	const struct lkl_nlattr *tb[LKL_MPTCP_PM_ATTR_MAX + 1];
	const struct lkl_nlattr *sf, *aa;
	struct limits *l = arg;
	int r;

	r = lkl_genl_parse(h, tb, LKL_MPTCP_PM_ATTR_MAX);
	if (r)
		return r;
	sf = tb[LKL_MPTCP_PM_ATTR_SUBFLOWS];
	aa = tb[LKL_MPTCP_PM_ATTR_RCV_ADD_ADDRS];
	if (!sf || !aa || lkl_nl_len(sf) < 4 || lkl_nl_len(aa) < 4)
		return -LKL_EPROTO;
	memcpy(&l->subflows, lkl_nl_data(sf), 4);
	memcpy(&l->add_addr_accepted, lkl_nl_data(aa), 4);
	l->got = 1;
	return 0;
}

int lkl_mptcp_get_limits(unsigned int *subflows,
			 unsigned int *add_addr_accepted)
{
	struct limits l = { 0, 0, 0 };
	struct lkl_nl_req req;
	int r;

	r = pm_init(&req, LKL_MPTCP_PM_CMD_GET_LIMITS, 0);
	if (!r)
		r = lkl_nl_talk_cb(&req, limits_answer, &l);
	if (!r && !l.got)
		r = -LKL_EPROTO;
	if (r)
		return r;
	if (subflows)
		*subflows = l.subflows;
	if (add_addr_accepted)
		*add_addr_accepted = l.add_addr_accepted;
	return 0;
}
