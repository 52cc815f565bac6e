// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard netfilter hooks: every TCP segment of a guarded connection (or
 * of a portal rule's local port) is checked when it is delivered (LOCAL_IN,
 * after ESP was removed, with the secpath that TCP later strips) and when it
 * leaves (POST_ROUTING, last: after source NAT, which may have looked the
 * route up again and picked another bundle, or none; before the bundle
 * transforms it; and at LOCAL_OUT when its route will discard it).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "conn.h"
#include "nf.h"

/*
 * The tuple of a TCP segment, from this host's side. Return false for
 * anything that is not TCP; a segment too short to carry its ports is TCP's
 * to drop.
 */
static bool xg_skb_tuple(struct sk_buff *skb, u8 pf, bool out,
			 struct xg_tuple *t)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int thoff;

	memset(t, 0, sizeof(*t));
	/* The hook's family, not skb->protocol, which local output may not set. */
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP)
			return false;
		/* LOCAL_IN sees reassembled datagrams; POST_ROUTING whole ones. */
		thoff = skb_network_offset(skb) + iph->ihl * 4;
		t->family = AF_INET;
		t->laddr.ip = out ? iph->saddr : iph->daddr;
		t->raddr.ip = out ? iph->daddr : iph->saddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		int off;

		/*
		 * Walks extension headers, so a segment cannot hide behind
		 * one. A later fragment has no TCP header and is left alone:
		 * the first fragment carries the ports (RFC 7112), and
		 * dropping it kills the datagram.
		 */
		off = ipv6_find_hdr(skb, &thoff, IPPROTO_TCP, NULL, NULL);
		if (off != IPPROTO_TCP)
			return false;
		t->family = AF_INET6;
		t->laddr.in6 = out ? ip6h->saddr : ip6h->daddr;
		t->raddr.in6 = out ? ip6h->daddr : ip6h->saddr;
	}
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th)
		return false;
	t->lport = out ? th->source : th->dest;
	t->rport = out ? th->dest : th->source;
	return true;
}

static unsigned int xg_nf_in(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct xg_tuple t;

	if (!xg_skb_tuple(skb, state->pf, false, &t))
		return NF_ACCEPT;
	return xg_conn_check_in(xg_net(state->net), skb, &t);
}

/*
 * At POST_ROUTING the headers may carry NAT's addresses and ports. A segment
 * this host made names its connection through its socket instead: a full,
 * request or time-wait socket keeps the connection's tuple in sock_common.
 * TCP's control sockets (resets and ACKs for no socket) are raw sockets,
 * and a listener answering with a SYN cookie has no peer: their segments
 * are named by their headers.
 */
static bool xg_sk_tuple(const struct sock *sk, u8 pf, struct xg_tuple *t)
{
	if (!sk || !sk->sk_dport)
		return false;
	if (sk_fullsock(sk) &&
	    (sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP))
		return false;

	memset(t, 0, sizeof(*t));
	t->lport = htons(sk->sk_num);
	t->rport = sk->sk_dport;
	if (pf == NFPROTO_IPV4) {
		/* also an IPv6 socket's IPv4-mapped connection */
		t->family = AF_INET;
		t->laddr.ip = sk->sk_rcv_saddr;
		t->raddr.ip = sk->sk_daddr;
		return true;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family != AF_INET6)
		return false;
	t->family = AF_INET6;
	t->laddr.in6 = sk->sk_v6_rcv_saddr;
	t->raddr.in6 = sk->sk_v6_daddr;
	return true;
#else
	return false;
#endif
}

static bool xg_skb_forwarded(const struct sk_buff *skb, u8 pf)
{
	if (pf == NFPROTO_IPV4)
		return IPCB(skb)->flags & IPSKB_FORWARDED;
#if IS_ENABLED(CONFIG_IPV6)
	return IP6CB(skb)->flags & IP6SKB_FORWARDED;
#else
	return false;
#endif
}

static unsigned int xg_nf_check_out(struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct xg_tuple t, st;

	if (!xg_skb_tuple(skb, state->pf, true, &t))
		return NF_ACCEPT;
	/* The socket names the connection, whatever NAT wrote. */
	if (xg_sk_tuple(skb->sk, state->pf, &st))
		t = st;
	return xg_conn_check_out(xg_net(state->net), skb, &t);
}

static unsigned int xg_nf_out(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	/* Not this host's: a router's traffic is nobody's connection here. */
	if (xg_skb_forwarded(skb, state->pf))
		return NF_ACCEPT;
	return xg_nf_check_out(skb, state);
}

/*
 * A segment whose route discards it never reaches POST_ROUTING: xfrm gives
 * a blackhole route while a policy waits for its SA (an SA deleted or
 * expired, net.core.xfrm_larval_drop), and a route whose device left
 * discards too. The segment would vanish as if sent, so TCP would count it
 * in flight and back off, and what it queued after would follow it.
 * Refused here it is counted as a drop, and the failed send keeps TCP's
 * data queued until the guard reopens and pushes it.
 */
static unsigned int xg_nf_discarded(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	const struct dst_entry *dst = skb_dst(skb);

	if (!dst || READ_ONCE(dst->output) != dst_discard_out)
		return NF_ACCEPT;
	return xg_nf_check_out(skb, state);
}

/*
 * Last on LOCAL_IN, after anything that could still rewrite the segment
 * (conntrack has undone NAT: the tuple is the socket's); last on
 * POST_ROUTING, after source NAT and the route it may have picked anew, so
 * the bundle checked is the one the segment really leaves through; last on
 * LOCAL_OUT, after destination NAT's new route, for the segments whose
 * route will discard them before POST_ROUTING.
 */
static const struct nf_hook_ops xg_nf_ops[] = {
	{
		.hook = xg_nf_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST - 1,
	},
	{
		.hook = xg_nf_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_LAST - 1,
	},
	{
		.hook = xg_nf_discarded,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST - 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = xg_nf_in,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST - 1,
	},
	{
		.hook = xg_nf_out,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_LAST - 1,
	},
	{
		.hook = xg_nf_discarded,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST - 1,
	},
#endif
};

/**
 * xg_nf_net_init() - hook a namespace
 * @net: the namespace
 *
 * Return: 0 or a negative errno.
 */
int xg_nf_net_init(struct net *net)
{
	return nf_register_net_hooks(net, xg_nf_ops, ARRAY_SIZE(xg_nf_ops));
}

/**
 * xg_nf_net_exit() - unhook a namespace
 * @net: the namespace
 */
void xg_nf_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, xg_nf_ops, ARRAY_SIZE(xg_nf_ops));
}
