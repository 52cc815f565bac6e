// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard data path: every TCP segment of a guarded connection (or of a
 * portal rule's local port) is checked, in softirq or in the sender's
 * context, by netfilter hooks: when it is delivered (LOCAL_IN, after ESP
 * was removed, with the secpath that TCP later strips) and when it leaves
 * (POST_ROUTING, last: after source NAT, which may have looked the route
 * up again and picked another bundle, or none; before the bundle
 * transforms it; and at LOCAL_OUT when its route will discard it). This
 * is what keeps the guard closed where xfrm sends no notification, or
 * where it would send in the clear (policy flushed). Nothing here sleeps
 * or allocates.
 *
 * A namespace has the hooks only while it has something to guard: an
 * attached connection or a portal rule (see xg_net). Elsewhere a segment
 * never enters them. Where it does, a segment whose local port nothing
 * guards leaves them on the port filter's word (xg_skb_filter()), before
 * a tuple is built or anything is looked up.
 */
#include <kunit/visibility.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/xfrm.h>

#include "conn.h"
#include "datapath.h"
#include "reeval.h"
#include "report.h"
#include "trace.h"

/*
 * Portal guard: a portal rule (for any owner, naming a local port) makes
 * the guard check every segment of a connection nobody attached, such as
 * the LIO target's on 3260. Only portal rules decide for such a segment
 * (xg_rules_match_portal()): a rule that names no local port, whatever its
 * priority, neither guards a portal nor lets one go.
 */
static const struct xg_profile *xg_portal_profile(struct xg_net *xn,
						  const struct xg_tuple *t,
						  u32 *idp)
{
	const struct xg_config *cfg = xg_config_get(xn);
	const struct xg_rule *r;
	struct xg_flow f;
	u32 id;

	if (!cfg->rules)
		return NULL;
	xg_tuple_flow(t, XFRM_GUARD_OWNER_ANY, &f);
	r = xg_rules_match_portal(cfg->rules, &f);
	if (!r)
		return NULL;
	id = r->profile;
	if (id >= XFRM_GUARD_PROFILES_MAX || !test_bit(id, cfg->profile_used))
		id = XG_PROFILE_DEFAULT;
	*idp = id;
	return &cfg->profiles[id];
}

/*
 * The profile a segment must meet, or NULL when the guard lets it be: not
 * a guarded connection nor a portal's, or a profile that does not enforce.
 * @c is set to the guarded connection, if the segment belongs to one, and
 * @id to the profile's index.
 */
static const struct xg_profile *xg_segment_profile(struct xg_net *xn,
						   const struct xg_tuple *t,
						   struct xfrm_guard_conn **c,
						   u32 *id)
{
	const struct xg_profile *p;

	*c = xg_conn_lookup(xn, t);
	if (*c) {
		if (!READ_ONCE((*c)->enforced))
			return NULL;
		p = xg_profile_for(xn, t, (*c)->owner, id);
	} else {
		p = xg_portal_profile(xn, t, id);
	}
	return p && p->mode == XFRM_GUARD_MODE_ENFORCE ? p : NULL;
}

/*
 * The TCP header of a segment, or NULL for anything that is not TCP; a
 * segment too short to carry its ports is TCP's to drop. Part of
 * xg_skb_filter(), inlined with it.
 */
static __always_inline const struct tcphdr *
xg_skb_tcphdr(struct sk_buff *skb, u8 pf, struct tcphdr *buf)
{
	unsigned int thoff;

	/* The hook's family, not skb->protocol, which local output may not set. */
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP)
			return NULL;
		/* LOCAL_IN sees reassembled datagrams; POST_ROUTING whole ones. */
		thoff = skb_network_offset(skb) + iph->ihl * 4;
	} else {
		/*
		 * Walks extension headers, so a segment cannot hide behind
		 * one. A later fragment has no TCP header and is left alone:
		 * the first fragment carries the ports (RFC 7112), and
		 * dropping it kills the datagram.
		 */
		if (ipv6_find_hdr(skb, &thoff, IPPROTO_TCP, NULL, NULL) !=
		    IPPROTO_TCP)
			return NULL;
	}
	return skb_header_pointer(skb, thoff, sizeof(*buf), buf);
}

/* The tuple of a TCP segment with header @th, from this host's side. */
static void xg_skb_tuple(const struct sk_buff *skb, u8 pf, bool out,
			 const struct tcphdr *th, struct xg_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		t->family = AF_INET;
		t->laddr.ip = out ? iph->saddr : iph->daddr;
		t->raddr.ip = out ? iph->daddr : iph->saddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		t->family = AF_INET6;
		t->laddr.in6 = out ? ip6h->saddr : ip6h->daddr;
		t->raddr.in6 = out ? ip6h->daddr : ip6h->saddr;
	}
	t->lport = out ? th->source : th->dest;
	t->rport = out ? th->dest : th->source;
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

/**
 * xg_skb_filter() - may anything guard this segment?
 * @xn: namespace state
 * @skb: the segment
 * @pf: %NFPROTO_IPV4 or %NFPROTO_IPV6, the hook's family
 * @out: leaving this host (LOCAL_OUT, POST_ROUTING), not arriving
 * @buf: room for a copy of the TCP header
 *
 * The hooks' first question, asked before a tuple is built or anything is
 * looked up. The local port a segment is looked up by is its destination
 * port on the way in; on the way out it is its socket's (xg_sk_tuple()) or,
 * where the socket does not name the connection, its source port. Where
 * the port filter (xg_port_guarded()) holds none of these, no connection
 * and no portal rule guards the segment, and the hook lets it go.
 *
 * Inlined in the hooks, so that such a segment meets no call of ours.
 *
 * Context: netfilter hook, inside rcu_read_lock().
 *
 * Return: the segment's TCP header, or NULL when there is nothing to check:
 * not TCP, or a local port nothing guards.
 */
static __always_inline const struct tcphdr *
xg_skb_filter(struct xg_net *xn, struct sk_buff *skb, u8 pf, bool out,
	      struct tcphdr *buf)
{
	const struct tcphdr *th = xg_skb_tcphdr(skb, pf, buf);
	const struct sock *sk;

	if (!th)
		return NULL;
	if (!out)
		return xg_port_guarded(xn, th->dest) ? th : NULL;
	if (xg_port_guarded(xn, th->source))
		return th;
	/* Source NAT may have rewritten the port the socket still has. */
	sk = skb->sk;
	return sk && xg_port_guarded(xn, htons(sk->sk_num)) ? th : NULL;
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * xg_skb_filter_test() - xg_skb_filter(), out of line for KUnit
 * @xn: namespace state
 * @skb: the segment
 * @pf: %NFPROTO_IPV4 or %NFPROTO_IPV6
 * @out: leaving this host, not arriving
 * @buf: room for a copy of the TCP header
 *
 * Context: inside rcu_read_lock().
 *
 * Return: what xg_skb_filter() returns.
 */
const struct tcphdr *xg_skb_filter_test(struct xg_net *xn,
					struct sk_buff *skb, u8 pf, bool out,
					struct tcphdr *buf)
{
	return xg_skb_filter(xn, skb, pf, out, buf);
}
EXPORT_SYMBOL_IF_KUNIT(xg_skb_filter_test);
#endif

/*
 * The full checks, for what the port filter let through, are not inlined in
 * the hooks: their SA descriptions and verdict take some 700 bytes of
 * stack, which the kernel may zero on entry (CONFIG_INIT_STACK_ALL_ZERO),
 * and only a segment of a guarded port should pay for that.
 */

/**
 * xg_conn_check_out() - may this outgoing TCP segment leave?
 * @xn: namespace state
 * @skb: the segment, at POST_ROUTING, after source NAT
 * @pf: the hook's family
 * @th: its TCP header, from xg_skb_filter()
 *
 * Context: netfilter hook, inside rcu_read_lock().
 *
 * Return: NF_ACCEPT or NF_DROP.
 */
static noinline unsigned int xg_conn_check_out(struct xg_net *xn,
					       struct sk_buff *skb, u8 pf,
					       const struct tcphdr *th)
{
	struct xg_sa_desc out[XFRM_MAX_DEPTH];
	const struct xg_profile *p;
	struct xfrm_guard_conn *c;
	struct xg_tuple t, st;
	struct sock *sk;
	struct xg_verdict v;
	unsigned int n;
	u32 id;

	xg_skb_tuple(skb, pf, true, th, &t);
	/* The socket names the connection, whatever NAT wrote. */
	if (xg_sk_tuple(skb->sk, pf, &st))
		t = st;
	p = xg_segment_profile(xn, &t, &c, &id);
	if (!p)
		return NF_ACCEPT;

	n = xg_descs_from_dst(skb_dst(skb), out);
	xg_verdict_eval(p, out, n, NULL, &v);
	if (v.action != XG_ACTION_REFUSE) {
		/*
		 * A segment leaves protected again after one was dropped on
		 * a route the verdict could not see: judge again.
		 */
		if (c && unlikely(READ_ONCE(c->seg_gen)) &&
		    xchg(&c->seg_gen, 0)) {
			atomic_inc(&xn->gen);
			queue_work(xg_wq, &xn->reeval_work);
		}
		return NF_ACCEPT;
	}
	v.profile = id;

	trace_xfrm_guard_drop(&t, "out", xg_reason_name(v.reason));
	if (c) {
		atomic64_inc(&c->tx_dropped);
		xg_stat_add(xn, XG_STAT_TX_HELD, 1);
		/*
		 * The connection's verdict said open: it is stale, or the
		 * segment took a route a fresh lookup does not give (source
		 * NAT). Either way the connection is not protected now: note
		 * it for the judge, at the generation this drop makes.
		 */
		if (READ_ONCE(c->tx_open)) {
			WRITE_ONCE(c->seg_reason, v.reason);
			WRITE_ONCE(c->seg_gen, atomic_inc_return(&xn->gen));
			queue_work(xg_wq, &xn->reeval_work);
		}
	} else {
		xg_stat_add(xn, XG_STAT_PORTAL_DROPPED, 1);
		xg_conn_report(xn, XFRM_GUARD_EVENT_DROPPED,
			       XFRM_GUARD_OWNER_ANY, &t, &v);
	}
	/*
	 * Make TCP look the route up again for its retransmission: a cached
	 * clear route would otherwise outlive an SA or policy coming back.
	 */
	sk = skb->sk;
	if (sk && sk_fullsock(sk))
		sk_dst_reset(sk);
	return NF_DROP;
}

static bool xg_addr_is(const xfrm_address_t *a, const union xg_addr *b,
		       u16 family)
{
	if (family == AF_INET)
		return a->a4 == b->ip;
	return ipv6_addr_equal((const struct in6_addr *)a->a6, &b->in6);
}

static bool xg_prefix_has(const xfrm_address_t *prefix, u8 len,
			  const union xg_addr *a, u16 family)
{
	if (family == AF_INET) {
		if (!len)
			return true;
		if (len > 32)
			return false;
		return !((prefix->a4 ^ a->ip) & htonl(~0U << (32 - len)));
	}
	if (len > 128)
		return false;
	return ipv6_prefix_equal((const struct in6_addr *)prefix->a6, &a->in6,
				 len);
}

/*
 * Does an SA's selector cover the connection, seen as the peer sending to
 * us? xfrm's own matcher is not exported; this is the same test on the
 * fields a TCP connection has (a selector naming an interface covers no
 * connection of ours, which the guard cannot tie to one).
 */
static bool xg_selector_covers(const struct xfrm_selector *sel,
			       const struct xg_tuple *t)
{
	/* xfrm fills in the SA's own family; only a prefix makes it count. */
	if (sel->family != t->family && (sel->prefixlen_s || sel->prefixlen_d))
		return false;
	if (sel->proto && sel->proto != IPPROTO_TCP)
		return false;
	if (sel->ifindex)
		return false;
	if ((t->rport ^ sel->sport) & sel->sport_mask ||
	    (t->lport ^ sel->dport) & sel->dport_mask)
		return false;
	return xg_prefix_has(&sel->saddr, sel->prefixlen_s, &t->raddr,
			     t->family) &&
	       xg_prefix_has(&sel->daddr, sel->prefixlen_d, &t->laddr,
			     t->family);
}

/**
 * xg_sa_is_conn() - is an inbound SA the connection's own?
 * @x: the innermost SA a received segment came through
 * @t: the connection's tuple, from this host's side
 * @peer: the outer destination of the connection's outbound tunnel-mode
 *	SA, or NULL when not known (a portal's connection)
 * @peer_family: @peer's family; 0 when the connection has no outbound
 *	tunnel-mode SA
 *
 * Any SA that meets the profile is not enough: another IPsec peer of this
 * host, with an SA of its own, could otherwise put the peer's address on a
 * segment inside that SA, since xfrm finds an inbound SA by destination and
 * SPI alone. In transport mode the SA's addresses must be the connection's.
 * In tunnel (or BEET) mode its selector must cover the connection and,
 * where @peer is known, its outer source must be @peer.
 *
 * Context: any.
 *
 * Return: true if @x belongs to the connection.
 */
VISIBLE_IF_KUNIT bool xg_sa_is_conn(const struct xfrm_state *x,
				    const struct xg_tuple *t,
				    const xfrm_address_t *peer, u16 peer_family)
{
	if (x->props.mode == XFRM_MODE_TRANSPORT)
		return x->props.family == t->family &&
		       xg_addr_is(&x->props.saddr, &t->raddr, t->family) &&
		       xg_addr_is(&x->id.daddr, &t->laddr, t->family);

	if (!xg_selector_covers(&x->sel, t))
		return false;
	if (!peer || !peer_family)
		return true;
	return x->props.family == peer_family &&
	       xfrm_addr_equal(&x->props.saddr, peer, peer_family);
}
EXPORT_SYMBOL_IF_KUNIT(xg_sa_is_conn);

/*
 * Did the segment come from the connection's peer, through an SA of the
 * connection? The innermost SA delivered it. @c is NULL for a portal's
 * connection.
 * Context: inside rcu_read_lock(), softirq.
 */
static bool xg_secpath_is_conn(const struct sec_path *sp,
			       const struct xg_tuple *t,
			       struct xfrm_guard_conn *c)
{
	const struct xfrm_state *x;
	xfrm_address_t peer;
	u16 family;

	if (!sp || !sp->len)
		return false;
	x = sp->xvec[sp->len - 1];
	if (!c || x->props.mode == XFRM_MODE_TRANSPORT)
		return xg_sa_is_conn(x, t, NULL, 0);
	spin_lock(&c->lock);
	peer = c->peer;
	family = c->peer_family;
	spin_unlock(&c->lock);
	return xg_sa_is_conn(x, t, &peer, family);
}

/**
 * xg_conn_check_in() - may this received TCP segment be delivered?
 * @xn: namespace state
 * @skb: the segment, at LOCAL_IN, with the secpath of the SAs it came
 *	through (none if it arrived in the clear)
 * @pf: the hook's family
 * @th: its TCP header, from xg_skb_filter()
 *
 * A dropped segment does not mark the connection lost: anyone can inject
 * one, and that must not hold a protected connection.
 *
 * Context: netfilter hook, inside rcu_read_lock().
 *
 * Return: NF_ACCEPT or NF_DROP.
 */
static noinline unsigned int xg_conn_check_in(struct xg_net *xn,
					      struct sk_buff *skb, u8 pf,
					      const struct tcphdr *th)
{
	struct xg_sa_desc in[XFRM_MAX_DEPTH];
	const struct xg_profile *p;
	struct xfrm_guard_conn *c;
	struct sec_path *sp;
	struct xg_tuple t;
	struct xg_verdict v;
	unsigned int n = 0;
	u32 id;

	xg_skb_tuple(skb, pf, false, th, &t);
	p = xg_segment_profile(xn, &t, &c, &id);
	if (!p)
		return NF_ACCEPT;

	sp = skb_sec_path(skb);
	if (sp)
		for (; n < sp->len && n < XFRM_MAX_DEPTH; n++)
			xg_sa_desc_from_state(&in[n], sp->xvec[n]);
	xg_verdict_eval_rx(p, in, n, &v);
	if (v.action != XG_ACTION_REFUSE) {
		if (v.action != XG_ACTION_ACCEPT || xg_secpath_is_conn(sp, &t, c))
			return NF_ACCEPT;
		v.action = XG_ACTION_REFUSE;
		v.reason = XFRM_GUARD_REASON_SA_WRONG_PEER;
	}
	v.profile = id;

	trace_xfrm_guard_drop(&t, "in", xg_reason_name(v.reason));
	if (c) {
		atomic64_inc(&c->rx_dropped);
		xg_stat_add(xn, XG_STAT_RX_DROPPED, 1);
		xg_conn_report(xn, XFRM_GUARD_EVENT_DROPPED, c->owner, &t,
			       &v);
	} else {
		xg_stat_add(xn, XG_STAT_PORTAL_DROPPED, 1);
		xg_conn_report(xn, XFRM_GUARD_EVENT_DROPPED,
			       XFRM_GUARD_OWNER_ANY, &t, &v);
	}
	return NF_DROP;
}

static unsigned int xg_nf_in(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct xg_net *xn = xg_net(state->net);
	const struct tcphdr *th;
	struct tcphdr _th;

	/* Most segments of a hooked namespace are nobody's: no lookup. */
	th = xg_skb_filter(xn, skb, state->pf, false, &_th);
	if (!th)
		return NF_ACCEPT;
	return xg_conn_check_in(xn, skb, state->pf, th);
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
	struct xg_net *xn = xg_net(state->net);
	const struct tcphdr *th;
	struct tcphdr _th;

	th = xg_skb_filter(xn, skb, state->pf, true, &_th);
	if (!th)
		return NF_ACCEPT;
	return xg_conn_check_out(xn, skb, state->pf, th);
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
 * Context: process context; sleeps. Under xg_net::hooks_lock.
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
 *
 * Returns once no segment is in the hooks any more.
 *
 * Context: process context; sleeps. Under xg_net::hooks_lock.
 */
void xg_nf_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, xg_nf_ops, ARRAY_SIZE(xg_nf_ops));
}
