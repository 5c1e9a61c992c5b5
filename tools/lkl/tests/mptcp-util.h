/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mptcp-util.h - what the MPTCP tests (mptcp-pipe, mptcp-native) ask of
 * an LKL MPTCP socket: MPTCP_INFO, the wait for its subflows, and each
 * subflow's addresses (MPTCP_SUBFLOW_ADDRS).  Include after <lkl.h>.
 */
#ifndef _LKL_TEST_MPTCP_UTIL_H
#define _LKL_TEST_MPTCP_UTIL_H

#include <string.h>
#include <sys/socket.h>

#include <lkl.h>
#include <lkl/linux/mptcp.h>
#include <lkl/socket.h>

#include "host-util.h"

/* The connection's MPTCP_INFO; 0 or -errno. */
static inline long mptcp_info(long fd, struct lkl_mptcp_info *info)
{
	int len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return lkl_sys_getsockopt((int)fd, LKL_SOL_MPTCP, LKL_MPTCP_INFO,
				  (char *)info, &len);
}

/*
 * Wait up to @seconds for @n subflows (the first included); returns the
 * count last seen, or -1 when MPTCP_INFO fails.
 */
static inline int wait_subflows(long fd, int n, int seconds)
{
	double end = host_sec() + seconds;
	struct lkl_mptcp_info info;

	for (;;) {
		if (mptcp_info(fd, &info) < 0)
			return -1;
		if (info.mptcpi_subflows_total >= n || host_sec() > end)
			return info.mptcpi_subflows_total;
		host_sleep_ms(20);
	}
}

/* At most this many subflows' addresses are asked for. */
#define MPTCP_UTIL_SUBFLOWS_MAX	8

/*
 * Up to @max (at most MPTCP_UTIL_SUBFLOWS_MAX) subflows' local and remote
 * addresses into @a; *@num is how many subflows there are.  0 or -errno.
 */
static inline long mptcp_subflow_addrs(long fd,
				       struct lkl_mptcp_subflow_addrs *a,
				       unsigned int max, unsigned int *num)
{
	struct {
		struct lkl_mptcp_subflow_data d;
		struct lkl_mptcp_subflow_addrs a[MPTCP_UTIL_SUBFLOWS_MAX];
	} s;
	int len = sizeof(s);
	long r;

	memset(&s, 0, sizeof(s));
	s.d.size_subflow_data = sizeof(s.d);
	s.d.size_user = sizeof(s.a[0]);
	*num = 0;
	r = lkl_sys_getsockopt((int)fd, LKL_SOL_MPTCP, LKL_MPTCP_SUBFLOW_ADDRS,
			       (char *)&s, &len);
	if (r)
		return r;
	*num = s.d.num_subflows;
	if (max > MPTCP_UTIL_SUBFLOWS_MAX)
		max = MPTCP_UTIL_SUBFLOWS_MAX;
	memcpy(a, s.a, (*num < max ? *num : max) * sizeof(s.a[0]));
	return 0;
}

#endif /* _LKL_TEST_MPTCP_UTIL_H */
