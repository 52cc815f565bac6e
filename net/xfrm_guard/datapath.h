/* SPDX-License-Identifier: GPL-2.0 */
/* xfrm_guard data path: the netfilter hooks and the per-segment checks. */
#ifndef _XG_DATAPATH_H
#define _XG_DATAPATH_H

#include <linux/types.h>
#include <linux/xfrm.h>

struct net;

int xg_nf_net_init(struct net *net);
void xg_nf_net_exit(struct net *net);

#if IS_ENABLED(CONFIG_KUNIT)
struct sk_buff;
struct tcphdr;
struct xfrm_state;
struct xg_net;
struct xg_tuple;
bool xg_sa_is_conn(const struct xfrm_state *x, const struct xg_tuple *t,
		   const xfrm_address_t *peer, u16 peer_family);
const struct tcphdr *xg_skb_filter_test(struct xg_net *xn,
					struct sk_buff *skb, u8 pf, bool out,
					struct tcphdr *buf);
#endif

#endif /* _XG_DATAPATH_H */
