/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard connections: sockets an owner (iscsi_xfrm, srnic) attached,
 * their verdicts, and the per-segment checks the netfilter hooks make.
 */
#ifndef _XG_CONN_H
#define _XG_CONN_H

#include <linux/skbuff.h>
#include <net/xfrm_guard.h>

#include "netns.h"
#include "verdict.h"

/**
 * struct xg_tuple - a TCP connection seen from this host
 * @family: AF_INET or AF_INET6.
 * @lport: local port (network order).
 * @rport: remote port (network order).
 * @laddr: local address.
 * @raddr: remote address.
 */
struct xg_tuple {
	u16 family;
	__be16 lport;
	__be16 rport;
	union xg_addr laddr;
	union xg_addr raddr;
};

/*
 * What the netfilter hooks ask for one segment: from the connection's point
 * of view, so an outgoing segment's source is the local side and an incoming
 * one's destination is.
 */
unsigned int xg_conn_check_out(struct xg_net *xn, struct sk_buff *skb,
			       const struct xg_tuple *t);
unsigned int xg_conn_check_in(struct xg_net *xn, struct sk_buff *skb,
			      const struct xg_tuple *t);

void xg_conn_reeval_work(struct work_struct *work);
void xg_conn_net_exit(struct xg_net *xn);

#endif /* _XG_CONN_H */
