// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard connections.
 *
 * A guarded connection is judged at two levels. As a whole, from a fresh
 * route lookup (the bundle TCP would get now) and the inbound SA, when it
 * is attached and again whenever something that can change the answer
 * happened (xg_net::gen moved): this drives xfrm_guard_tx_ok() and the
 * owner's lost/restored callbacks. And segment by segment, in the netfilter
 * hooks, from the bundle a segment really leaves through and the SAs it
 * really came through: this is what keeps the guard closed where xfrm sends
 * no notification, or where it would send in the clear (policy flushed).
 *
 * A segment that would leave unprotected is dropped, never the connection:
 * TCP retransmits it, and once an SA is back the retransmission goes out
 * protected on the same connection (RFC 3723 3.5). The hold timeout is what
 * ends a connection that stays unprotected, whatever TCP is doing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/audit.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/xfrm.h>

#include "conn.h"
#include "netlink.h"
#include "refused.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define XG_HOLD_TIMEOUT_DEFAULT	60
#define XG_HOLD_TIMEOUT_MAX	86400

/*
 * A hold must end: an idle connection has no TCP timer running, and the
 * peer's cleartext FIN or RST is dropped by the guard, so nothing but this
 * timeout ends a connection whose protection never comes back. Hence no 0.
 */
static int xg_hold_timeout_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, XG_HOLD_TIMEOUT_MAX);
}

static const struct kernel_param_ops xg_hold_timeout_ops = {
	.set = xg_hold_timeout_set,
	.get = param_get_uint,
};

static unsigned int hold_timeout = XG_HOLD_TIMEOUT_DEFAULT;
module_param_cb(hold_timeout, &xg_hold_timeout_ops, &hold_timeout, 0644);
MODULE_PARM_DESC(hold_timeout,
		 "Seconds a guarded connection may stay unprotected before the guard aborts it (1-86400, default 60)");

/**
 * struct xfrm_guard_conn - a guarded connection
 * @gen: xg_net::gen when the whole-connection verdict was made. Read on
 *	every transmit, lock-free; written under @lock.
 * @tx_open: that verdict allows transmission. Read lock-free.
 * @enforced: the profile was in enforce mode. Read lock-free.
 * @crc: the CRC decision. Read lock-free.
 * @xn: namespace state.
 * @hnode: in xg_net::conns, under xg_net::conn_lock; RCU readers.
 * @t: addresses and ports.
 * @sk: the socket; the guard holds a reference until the RCU callback.
 * @owner: who attached it.
 * @ops: the owner's callbacks.
 * @priv: passed to @ops.
 * @lock: protects @verdict, @sas, @peer, @owner_refused, @told_lost, @dead
 *	and the writes of the fields above that are read lock-free.
 * @verdict: the whole-connection verdict.
 * @sas: what the SAs behind @verdict were, for the connection dump.
 * @owner_refused: the token of the owner's latest refusal
 *	(xfrm_guard_owner_refused()), or "".
 * @told_lost: what the owner was last told: lost (true) or protected.
 * @peer: the outer destination of the outbound tunnel-mode SA, the peer a
 *	tunnel-mode segment must come from; @peer_family is 0 when there is
 *	none (transport mode, or not protected).
 * @peer_family: AF_INET, AF_INET6 or 0.
 * @seg_gen: xg_net::gen made by the latest segment the out hook dropped
 *	while the verdict said open (a route the verdict cannot see, such as
 *	one source NAT picked); 0 when none. While xg_net::gen still equals
 *	it, the connection is judged unprotected, with @seg_reason.
 * @seg_reason: why that segment was dropped.
 * @dead: detached: nothing may be queued any more.
 * @work: tells the owner, in process context.
 * @hold_work: ends a hold that lasted hold_timeout seconds.
 * @rx_dropped: received segments dropped.
 * @tx_dropped: outgoing segments dropped.
 * @lost: times the owner was told protection was lost.
 * @restored: times the owner was told it came back.
 * @rcu: the hooks may still look at a detached connection for a while.
 */
struct xfrm_guard_conn {
	u32 gen;
	bool tx_open;
	bool enforced;
	enum xfrm_guard_crc crc;
	struct xg_net *xn;
	struct hlist_node hnode;
	struct xg_tuple t;
	struct sock *sk;
	enum xfrm_guard_owner owner;
	const struct xfrm_guard_owner_ops *ops;
	void *priv;
	spinlock_t lock; /* see above */
	struct xg_verdict verdict;
	struct xg_conn_sas sas;
	char owner_refused[XG_OWNER_REASON_MAX];
	bool told_lost;
	xfrm_address_t peer;
	u16 peer_family;
	u32 seg_gen;
	enum xfrm_guard_reason seg_reason;
	bool dead;
	struct work_struct work;
	struct delayed_work hold_work;
	atomic64_t rx_dropped;
	atomic64_t tx_dropped;
	atomic64_t lost;
	atomic64_t restored;
	struct rcu_head rcu;
};

static const char * const xg_owner_names[__XFRM_GUARD_OWNER_MAX] = {
	[XFRM_GUARD_OWNER_ANY]	 = "portal",
	[XFRM_GUARD_OWNER_ISCSI] = "iscsi",
	[XFRM_GUARD_OWNER_IWARP] = "iwarp",
};

static u32 xg_tuple_hash(const struct xg_tuple *t)
{
	u32 ports = (__force u32)t->lport << 16 | (__force u32)t->rport;

	if (t->family == AF_INET)
		return jhash_3words((__force u32)t->laddr.ip,
				    (__force u32)t->raddr.ip, ports, AF_INET);
	return jhash2((const u32 *)&t->raddr.in6, 4,
		      jhash2((const u32 *)&t->laddr.in6, 4, ports));
}

static bool xg_tuple_eq(const struct xg_tuple *a, const struct xg_tuple *b)
{
	if (a->family != b->family || a->lport != b->lport ||
	    a->rport != b->rport)
		return false;
	if (a->family == AF_INET)
		return a->laddr.ip == b->laddr.ip && a->raddr.ip == b->raddr.ip;
	return ipv6_addr_equal(&a->laddr.in6, &b->laddr.in6) &&
	       ipv6_addr_equal(&a->raddr.in6, &b->raddr.in6);
}

/* An IPv4-mapped IPv6 socket sends and receives IPv4: it is an IPv4 tuple. */
static int xg_tuple_from_sock(const struct sock *sk, struct xg_tuple *t)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(t, 0, sizeof(*t));
	t->lport = inet->inet_sport;
	t->rport = inet->inet_dport;
	switch (sk->sk_family) {
	case AF_INET:
		t->family = AF_INET;
		t->laddr.ip = inet->inet_saddr;
		t->raddr.ip = inet->inet_daddr;
		return 0;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		if (ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
			t->family = AF_INET;
			t->laddr.ip = sk->sk_v6_rcv_saddr.s6_addr32[3];
			t->raddr.ip = sk->sk_v6_daddr.s6_addr32[3];
			return 0;
		}
		t->family = AF_INET6;
		t->laddr.in6 = sk->sk_v6_rcv_saddr;
		t->raddr.in6 = sk->sk_v6_daddr;
		return 0;
#endif
	}
	return -EAFNOSUPPORT;
}

static void xg_tuple_flow(const struct xg_tuple *t,
			  enum xfrm_guard_owner owner, struct xg_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->owner = owner;
	f->family = t->family;
	f->remote = t->raddr;
	f->rport = ntohs(t->rport);
	f->lport = ntohs(t->lport);
}

/*
 * One greppable dmesg line per event, with the words xguard and netlink
 * use, and the same event on the netlink "events" group. Drops can come at
 * line rate and from anyone: their events share one rate limit.
 */
static DEFINE_RATELIMIT_STATE(xg_drop_event_rs, 5 * HZ, 20);

/*
 * @owner_reason is the owner's own refusal token, for
 * XFRM_GUARD_EVENT_OWNER_REFUSED: dmesg shows it instead of the verdict.
 */
static void __xg_conn_report(struct xg_net *xn,
			     enum xfrm_guard_event_type type,
			     enum xfrm_guard_owner owner,
			     const struct xg_tuple *t,
			     const struct xg_verdict *v,
			     const char *owner_reason)
{
	static const char * const what[__XFRM_GUARD_EVENT_MAX] = {
		[XFRM_GUARD_EVENT_REFUSED] = "refused",
		[XFRM_GUARD_EVENT_LOST] = "protection lost, holding",
		[XFRM_GUARD_EVENT_RESTORED] = "protection restored",
		[XFRM_GUARD_EVENT_DROPPED] = "dropped segment",
		[XFRM_GUARD_EVENT_AUDITED] = "unprotected (audit only)",
		[XFRM_GUARD_EVENT_OWNER_REFUSED] = "refused by owner",
		[XFRM_GUARD_EVENT_HOLD_EXPIRED] = "hold expired, connection aborted",
	};
	const char *who = (unsigned int)owner < __XFRM_GUARD_OWNER_MAX ?
			  xg_owner_names[owner] : "unknown";
	const char *why = owner_reason ?: xg_reason_name(v->reason);
	const char *alg = owner_reason ? "" : v->alg;
	struct xg_event ev = {
		.type = type,
		.owner = owner,
		.family = t->family,
		.saddr = t->laddr,
		.daddr = t->raddr,
		.sport = ntohs(t->lport),
		.dport = ntohs(t->rport),
		.reason = v->reason,
		.alg = v->alg[0] ? v->alg : NULL,
		.profile = v->profile,
		.owner_reason = owner_reason,
	};

	if (type != XFRM_GUARD_EVENT_DROPPED || __ratelimit(&xg_drop_event_rs))
		xg_nl_event(xn->net, &ev);

	if (t->family == AF_INET)
		pr_info_ratelimited("%s %s %pI4:%u -> %pI4:%u: %s%s%s\n",
				    what[type], who, &t->laddr.ip,
				    ntohs(t->lport), &t->raddr.ip,
				    ntohs(t->rport), why, alg[0] ? " " : "",
				    alg);
	else
		pr_info_ratelimited("%s %s [%pI6c]:%u -> [%pI6c]:%u: %s%s%s\n",
				    what[type], who, &t->laddr.in6,
				    ntohs(t->lport), &t->raddr.in6,
				    ntohs(t->rport), why, alg[0] ? " " : "",
				    alg);
}

static void xg_conn_report(struct xg_net *xn,
			   enum xfrm_guard_event_type type,
			   enum xfrm_guard_owner owner,
			   const struct xg_tuple *t, const struct xg_verdict *v)
{
	__xg_conn_report(xn, type, owner, t, v, NULL);
}

/*
 * An audit record for every refusal, in the IPsec event class xfrm itself
 * uses, so that auditd rules for IPsec see the guard's decisions too: the
 * guard's own (op xfrm-guard-refuse, the verdict's reason) and an owner's
 * (op xfrm-guard-owner-refuse, the owner's token). Both words are from a
 * fixed vocabulary or vetted by xg_owner_reason_token(): no escaping.
 */
static void xg_conn_audit(const char *op, enum xfrm_guard_owner owner,
			  const struct xg_tuple *t, const char *reason,
			  const char *alg)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_MAC_IPSEC_EVENT);
	if (!ab)
		return;
	audit_log_format(ab, "op=%s owner=%s reason=%s", op,
			 xg_owner_names[owner], reason);
	if (alg[0])
		audit_log_format(ab, " alg=%s", alg);
	if (t->family == AF_INET)
		audit_log_format(ab, " src=%pI4 dst=%pI4", &t->laddr.ip,
				 &t->raddr.ip);
	else
		audit_log_format(ab, " src=%pI6c dst=%pI6c", &t->laddr.in6,
				 &t->raddr.in6);
	audit_log_format(ab, " sport=%u dport=%u res=0", ntohs(t->lport),
			 ntohs(t->rport));
	audit_log_end(ab);
}

static void xg_conn_audit_refusal(enum xfrm_guard_owner owner,
				  const struct xg_tuple *t,
				  const struct xg_verdict *v)
{
	xg_conn_audit("xfrm-guard-refuse", owner, t, xg_reason_name(v->reason),
		      v->alg);
}

/*
 * A refused attach leaves no connection behind: the namespace keeps a note
 * of it, for the connection dump (xg_conn_dump_refused()).
 */
static void xg_conn_remember_refusal(struct xg_net *xn,
				     enum xfrm_guard_owner owner,
				     const struct xg_tuple *t,
				     const struct xg_verdict *v)
{
	struct xg_refused e = {
		.when = ktime_get_boottime_seconds(),
		.owner = owner,
		.t = *t,
		.reason = v->reason,
		.profile = v->profile,
	};

	strscpy(e.alg, v->alg, sizeof(e.alg));
	spin_lock_bh(&xn->refused_lock);
	xg_refused_add(xn->refused, &e);
	spin_unlock_bh(&xn->refused_lock);
}

/* The bundle a lookup made now would give the connection, or an error. */
static struct dst_entry *xg_conn_route(const struct xfrm_guard_conn *c)
{
	struct net *net = sock_net(c->sk);
	struct sock *sk = c->sk;

	if (c->t.family == AF_INET) {
		struct flowi4 fl4;
		struct rtable *rt;

		rt = ip_route_output_ports(net, &fl4, sk, c->t.raddr.ip,
					   c->t.laddr.ip, c->t.rport,
					   c->t.lport, IPPROTO_TCP,
					   ip_sock_rt_tos(sk),
					   READ_ONCE(sk->sk_bound_dev_if));
		return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct flowi6 fl6 = {
			.flowi6_proto = IPPROTO_TCP,
			.flowi6_oif = READ_ONCE(sk->sk_bound_dev_if),
			.flowi6_mark = READ_ONCE(sk->sk_mark),
			.flowi6_uid = sk->sk_uid,
			.daddr = c->t.raddr.in6,
			.saddr = c->t.laddr.in6,
			.fl6_dport = c->t.rport,
			.fl6_sport = c->t.lport,
		};

		security_sk_classify_flow(sk, flowi6_to_flowi_common(&fl6));
		return ip6_dst_lookup_flow(net, sk, &fl6, NULL);
	}
#else
	return ERR_PTR(-EAFNOSUPPORT);
#endif
}

/*
 * The states of a bundle, outermost first. A blackhole or queue route has
 * no state: it is "no IPsec". The descriptions point into the states, which
 * the bundle keeps alive as long as the caller holds it.
 */
static unsigned int xg_descs_from_dst(const struct dst_entry *dst,
				      struct xg_sa_desc *out)
{
	unsigned int n = 0;

	for (; dst && dst->xfrm && n < XFRM_MAX_DEPTH; dst = xfrm_dst_child(dst))
		xg_sa_desc_from_state(&out[n++], dst->xfrm);
	return n;
}

/*
 * The profile a connection is judged by, and its index in @id.
 * Context: inside rcu_read_lock().
 */
static const struct xg_profile *xg_profile_for(struct xg_net *xn,
					       const struct xg_tuple *t,
					       enum xfrm_guard_owner owner,
					       u32 *id)
{
	const struct xg_config *cfg = xg_config_get(xn);
	struct xg_flow f;

	xg_tuple_flow(t, owner, &f);
	*id = xg_config_profile_id(cfg, &f);
	return &cfg->profiles[*id];
}

/*
 * The whole-connection verdict. The inbound SA is found by addresses: the
 * SA a segment of this connection would come through in transport mode.
 * Where there is none to be found that way (tunnel mode), the inbound side
 * is judged segment by segment only.
 */
static void xg_sas_note(struct xg_conn_sas *sas, const struct xg_sa_desc *out,
			unsigned int n, const struct xg_sa_desc *in)
{
	const struct xg_sa_desc *esp = NULL;
	unsigned int i;

	memset(sas, 0, sizeof(*sas));
	sas->n_out = n;
	for (i = 0; i < n && !esp; i++)
		if (out[i].proto == XG_PROTO_ESP)
			esp = &out[i];
	if (!esp && n)
		esp = &out[0];
	if (esp) {
		sas->out_spi = esp->spi;
		sas->mode = esp->mode;
		sas->out_offloaded = esp->offload.dev &&
				     esp->offload.type != XG_OFFLOAD_NONE;
		if (esp->aead.name)
			strscpy(sas->aead, esp->aead.name, sizeof(sas->aead));
		if (esp->ealg.name)
			strscpy(sas->enc, esp->ealg.name, sizeof(sas->enc));
		if (esp->aalg.name)
			strscpy(sas->auth, esp->aalg.name, sizeof(sas->auth));
	}
	if (in) {
		sas->have_in = true;
		sas->in_spi = in->spi;
		sas->in_replay_window = in->replay_window;
		sas->in_offloaded = in->offload.dev &&
				    in->offload.type != XG_OFFLOAD_NONE;
	}
}

/*
 * The outer destination of the first tunnel-mode (or BEET) ESP SA of a
 * bundle: the peer that the connection's segments must come back from.
 */
static u16 xg_tunnel_peer(const struct dst_entry *dst, xfrm_address_t *peer)
{
	unsigned int n = 0;

	for (; dst && dst->xfrm && n < XFRM_MAX_DEPTH;
	     dst = xfrm_dst_child(dst), n++) {
		const struct xfrm_state *x = dst->xfrm;

		if (x->id.proto != IPPROTO_ESP ||
		    x->props.mode == XFRM_MODE_TRANSPORT)
			continue;
		*peer = x->id.daddr;
		return x->props.family;
	}
	memset(peer, 0, sizeof(*peer));
	return 0;
}

/**
 * struct xg_judgement - a whole-connection verdict and what goes with it
 * @v: the verdict.
 * @enforced: the profile was in enforce mode.
 * @sas: the SAs behind @v.
 * @peer: see xfrm_guard_conn::peer.
 * @peer_family: see xfrm_guard_conn::peer_family.
 */
struct xg_judgement {
	struct xg_verdict v;
	bool enforced;
	struct xg_conn_sas sas;
	xfrm_address_t peer;
	u16 peer_family;
};

static void xg_conn_judge(struct xfrm_guard_conn *c, struct xg_judgement *j)
{
	struct xg_verdict *v = &j->v;
	struct xg_conn_sas *sas = &j->sas;
	struct xg_sa_desc out[XFRM_MAX_DEPTH], in;
	struct net *net = sock_net(c->sk);
	xfrm_address_t la = {}, ra = {};
	const struct xg_profile *p;
	struct xfrm_state *xin;
	struct dst_entry *dst;
	unsigned int n = 0;
	u32 id;

	dst = xg_conn_route(c);
	j->peer_family = 0;
	memset(&j->peer, 0, sizeof(j->peer));
	if (!IS_ERR(dst)) {
		n = xg_descs_from_dst(dst, out);
		j->peer_family = xg_tunnel_peer(dst, &j->peer);
	}

	if (c->t.family == AF_INET) {
		la.a4 = c->t.laddr.ip;
		ra.a4 = c->t.raddr.ip;
	} else {
		memcpy(la.a6, &c->t.laddr.in6, sizeof(la.a6));
		memcpy(ra.a6, &c->t.raddr.in6, sizeof(ra.a6));
	}
	xin = xfrm_state_lookup_byaddr(net, READ_ONCE(c->sk->sk_mark), &la,
				       &ra, IPPROTO_ESP, c->t.family);
	if (xin)
		xg_sa_desc_from_state(&in, xin);

	rcu_read_lock();
	p = xg_profile_for(c->xn, &c->t, c->owner, &id);
	xg_verdict_eval(p, out, n, xin ? &in : NULL, v);
	v->profile = id;
	j->enforced = p->mode == XG_GUARD_ENFORCE;
	rcu_read_unlock();
	/* The names point into the states: copy them while they are held. */
	xg_sas_note(sas, out, n, xin ? &in : NULL);

	if (xin)
		xfrm_state_put(xin);
	if (!IS_ERR(dst))
		dst_release(dst);
}

/*
 * Publish a verdict made at generation @gen, unless a newer one already
 * was. Tell the owner, from a work item, when the answer flips.
 */
static bool xg_conn_commit(struct xfrm_guard_conn *c,
			   const struct xg_judgement *j, u32 gen)
{
	const struct xg_verdict *v = &j->v;
	bool open = v->action != XG_ACTION_REFUSE;

	spin_lock_bh(&c->lock);
	if (c->dead || (s32)(gen - c->gen) < 0) {
		open = c->tx_open;
		goto out;
	}
	c->verdict = *v;
	c->sas = j->sas;
	c->peer = j->peer;
	c->peer_family = j->peer_family;
	WRITE_ONCE(c->enforced, j->enforced);
	WRITE_ONCE(c->crc, v->crc);
	WRITE_ONCE(c->tx_open, open);
	WRITE_ONCE(c->gen, gen);
	if (open == c->told_lost)
		queue_work(xg_wq, &c->work);
out:
	spin_unlock_bh(&c->lock);
	return open;
}

static bool xg_conn_recheck(struct xfrm_guard_conn *c)
{
	u32 gen = atomic_read(&c->xn->gen);
	struct xg_judgement j;

	xg_conn_judge(c, &j);
	/*
	 * A segment was dropped on a route a fresh lookup does not give
	 * (source NAT re-routes after LOCAL_OUT) and nothing changed since:
	 * the connection is not protected, whatever the lookup says.
	 */
	if (j.enforced && j.v.action != XG_ACTION_REFUSE &&
	    READ_ONCE(c->seg_gen) == gen) {
		j.v.action = XG_ACTION_REFUSE;
		j.v.reason = READ_ONCE(c->seg_reason);
	}
	trace_xfrm_guard_verdict(&c->t, xg_owner_names[c->owner],
				 xg_reason_name(j.v.reason));
	return xg_conn_commit(c, &j, gen);
}

/*
 * The hold timeout (RFC 3723 3.5: the only thing that ends a connection
 * whose protection is gone) runs from the moment the owner is told, and
 * does not depend on TCP: an idle connection has no timer of its own
 * running, and the peer's cleartext FIN or RST never gets through. When it
 * fires on a connection still held, the guard aborts the socket with
 * ETIMEDOUT, which the owner sees as any other connection failure.
 */
static void xg_conn_hold_work(struct work_struct *work)
{
	struct xfrm_guard_conn *c = container_of(to_delayed_work(work),
						 struct xfrm_guard_conn,
						 hold_work);
	struct xg_verdict v;

	spin_lock_bh(&c->lock);
	if (c->dead || !c->told_lost || c->tx_open) {
		spin_unlock_bh(&c->lock);
		return;
	}
	v = c->verdict;
	spin_unlock_bh(&c->lock);

	xg_stat_add(c->xn, XG_STAT_HOLD_EXPIRED, 1);
	xg_conn_report(c->xn, XFRM_GUARD_EVENT_HOLD_EXPIRED, c->owner, &c->t,
		       &v);
	xg_conn_audit("xfrm-guard-hold-expired", c->owner, &c->t,
		      xg_reason_name(v.reason), "");
	tcp_abort(c->sk, ETIMEDOUT);
}

static void xg_conn_notify_work(struct work_struct *work)
{
	struct xfrm_guard_conn *c = container_of(work, struct xfrm_guard_conn,
						 work);
	const struct xfrm_guard_owner_ops *ops = c->ops;
	struct xg_verdict v;
	bool lost;

	for (;;) {
		spin_lock_bh(&c->lock);
		lost = !c->tx_open;
		if (c->dead || lost == c->told_lost) {
			spin_unlock_bh(&c->lock);
			return;
		}
		c->told_lost = lost;
		v = c->verdict;
		spin_unlock_bh(&c->lock);

		if (lost) {
			mod_delayed_work(xg_wq, &c->hold_work,
					 (unsigned long)READ_ONCE(hold_timeout) * HZ);
			atomic64_inc(&c->lost);
			xg_stat_add(c->xn, XG_STAT_LOST, 1);
			xg_conn_report(c->xn, XFRM_GUARD_EVENT_LOST, c->owner,
				       &c->t, &v);
			if (ops && ops->protection_lost)
				ops->protection_lost(c->priv, v.reason);
		} else {
			/*
			 * Segments dropped while protection was missing wait
			 * for TCP's probe timer, whose backoff reaches two
			 * minutes: push them now. Uncorking is the exported
			 * way to push; no owner corks its socket.
			 */
			cancel_delayed_work(&c->hold_work);
			tcp_sock_set_cork(c->sk, false);
			atomic64_inc(&c->restored);
			xg_stat_add(c->xn, XG_STAT_RESTORED, 1);
			xg_conn_report(c->xn, XFRM_GUARD_EVENT_RESTORED,
				       c->owner, &c->t, &v);
			if (ops && ops->protection_restored)
				ops->protection_restored(c->priv);
		}
	}
}

/**
 * xg_conn_reeval_work() - re-judge every connection of a namespace
 * @work: xg_net::reeval_work
 *
 * Queued when xg_net::gen moves; the lost/restored callbacks follow from
 * the new verdicts.
 */
void xg_conn_reeval_work(struct work_struct *work)
{
	struct xg_net *xn = container_of(work, struct xg_net, reeval_work);
	struct xfrm_guard_conn *c;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(xn->conns, bkt, c, hnode)
		xg_conn_recheck(c);
	rcu_read_unlock();
}

static struct xfrm_guard_conn *xg_conn_lookup(struct xg_net *xn,
					      const struct xg_tuple *t)
{
	struct xfrm_guard_conn *c;

	hash_for_each_possible_rcu(xn->conns, c, hnode, xg_tuple_hash(t))
		if (xg_tuple_eq(&c->t, t))
			return c;
	return NULL;
}

/**
 * xfrm_guard_attach() - put a connected TCP socket under the guard
 * @sk: the socket, connected (ESTABLISHED)
 * @owner: %XFRM_GUARD_OWNER_ISCSI or %XFRM_GUARD_OWNER_IWARP
 * @ops: callbacks for lost and restored protection; may be NULL
 * @priv: passed to @ops
 * @status: if not NULL, the verdict, also when the attach is refused
 *
 * Judges the connection against the profile its namespace's rules select.
 * In enforce mode an unprotected connection is refused; in audit mode it is
 * attached and reported; in mode off it is attached and never acted on.
 * From then on every segment of the connection is checked in both
 * directions, and the owner is told when protection goes and comes back.
 *
 * Context: process context, may sleep. The caller keeps the socket alive
 * until xfrm_guard_detach().
 *
 * Return: the connection, or ERR_PTR(-EACCES) when refused (the reason in
 * @status, dmesg, audit, an event, the counters and the namespace's list of
 * recent refusals), -ENOTCONN, -EINVAL, -EAFNOSUPPORT, -EEXIST (already
 * attached) or -ENOMEM.
 */
struct xfrm_guard_conn *xfrm_guard_attach(struct sock *sk,
					  enum xfrm_guard_owner owner,
					  const struct xfrm_guard_owner_ops *ops,
					  void *priv,
					  struct xfrm_guard_status *status)
{
	struct xfrm_guard_conn *c, *other;
	struct xg_judgement j;
	struct xg_verdict v;
	struct xg_net *xn;
	int err;
	u32 gen;

	might_sleep();
	if (owner != XFRM_GUARD_OWNER_ISCSI && owner != XFRM_GUARD_OWNER_IWARP)
		return ERR_PTR(-EINVAL);
	if (!sk || sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP)
		return ERR_PTR(-EINVAL);
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return ERR_PTR(-ENOTCONN);

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	err = xg_tuple_from_sock(sk, &c->t);
	if (err) {
		kfree(c);
		return ERR_PTR(err);
	}
	xn = xg_net(sock_net(sk));
	c->xn = xn;
	c->sk = sk;
	c->owner = owner;
	c->ops = ops;
	c->priv = priv;
	spin_lock_init(&c->lock);
	INIT_WORK(&c->work, xg_conn_notify_work);
	INIT_DELAYED_WORK(&c->hold_work, xg_conn_hold_work);

	gen = atomic_read(&xn->gen);
	xg_conn_judge(c, &j);
	v = j.v;
	trace_xfrm_guard_verdict(&c->t, xg_owner_names[owner],
				 xg_reason_name(v.reason));
	c->verdict = v;
	c->sas = j.sas;
	c->peer = j.peer;
	c->peer_family = j.peer_family;
	c->gen = gen;
	c->enforced = j.enforced;
	c->crc = v.crc;
	c->tx_open = true;

	if (v.action == XG_ACTION_REFUSE) {
		xg_stat_add(xn, XG_STAT_REFUSED, 1);
		xg_conn_remember_refusal(xn, owner, &c->t, &v);
		xg_conn_audit_refusal(owner, &c->t, &v);
		xg_conn_report(xn, XFRM_GUARD_EVENT_REFUSED, owner, &c->t, &v);
		if (status)
			xfrm_guard_get_status(c, status);
		kfree(c);
		return ERR_PTR(-EACCES);
	}
	if (v.action == XG_ACTION_REPORT) {
		xg_stat_add(xn, XG_STAT_AUDITED, 1);
		xg_conn_report(xn, XFRM_GUARD_EVENT_AUDITED, owner, &c->t,
			       &v);
	}
	if (v.warn) {
		xg_stat_add(xn, XG_STAT_WARNED, 1);
		pr_warn_ratelimited("%s connection uses %s; RFC 8221 advises against it\n",
				    xg_owner_names[owner], v.warn_alg);
	}

	sock_hold(sk);
	spin_lock_bh(&xn->conn_lock);
	other = xg_conn_lookup(xn, &c->t);
	if (!other)
		hash_add_rcu(xn->conns, &c->hnode, xg_tuple_hash(&c->t));
	spin_unlock_bh(&xn->conn_lock);
	if (other) {
		sock_put(sk);
		kfree(c);
		return ERR_PTR(-EEXIST);
	}
	xg_stat_add(xn, XG_STAT_ATTACHED, 1);
	if (status)
		xfrm_guard_get_status(c, status);
	return c;
}
EXPORT_SYMBOL_GPL(xfrm_guard_attach);

static void xg_conn_free_rcu(struct rcu_head *head)
{
	struct xfrm_guard_conn *c = container_of(head, struct xfrm_guard_conn,
						 rcu);

	sock_put(c->sk);
	kfree(c);
}

/**
 * xfrm_guard_detach() - take a connection from under the guard
 * @c: the connection
 *
 * Its segments are no longer checked and its owner no longer called back.
 *
 * Context: process context, may sleep; not from an owner callback.
 */
void xfrm_guard_detach(struct xfrm_guard_conn *c)
{
	struct xg_net *xn = c->xn;

	spin_lock_bh(&xn->conn_lock);
	hash_del_rcu(&c->hnode);
	spin_unlock_bh(&xn->conn_lock);

	spin_lock_bh(&c->lock);
	c->dead = true;
	spin_unlock_bh(&c->lock);
	cancel_work_sync(&c->work);
	cancel_delayed_work_sync(&c->hold_work);
	/* The hooks and the re-evaluation may still hold @c under RCU. */
	call_rcu(&c->rcu, xg_conn_free_rcu);
}
EXPORT_SYMBOL_GPL(xfrm_guard_detach);

/**
 * xfrm_guard_tx_ok() - may the owner transmit on this connection now?
 * @c: the connection
 *
 * O(1) and lock-free while nothing changed since the last verdict; after a
 * change (an SA or policy event, a configuration change, a segment found
 * unprotected) the first caller re-judges the connection. Owners call it
 * before every transmission and hold what they would send while it says
 * false; the protection_restored callback says when to try again.
 *
 * Context: process or softirq context, not hardirq.
 *
 * Return: true if transmitting is allowed.
 */
bool xfrm_guard_tx_ok(struct xfrm_guard_conn *c)
{
	if (likely(READ_ONCE(c->gen) == (u32)atomic_read(&c->xn->gen)))
		return READ_ONCE(c->tx_open);
	return xg_conn_recheck(c);
}
EXPORT_SYMBOL_GPL(xfrm_guard_tx_ok);

/**
 * xfrm_guard_crc() - the CRC decision for a connection
 * @c: the connection
 *
 * Context: any.
 *
 * Return: whether the owner computes its CRC, and why (RFC 3723 3.6.2).
 */
enum xfrm_guard_crc xfrm_guard_crc(struct xfrm_guard_conn *c)
{
	return READ_ONCE(c->crc);
}
EXPORT_SYMBOL_GPL(xfrm_guard_crc);

/**
 * xfrm_guard_get_status() - a connection's verdict and counters
 * @c: the connection
 * @st: filled in
 *
 * Context: any but hardirq.
 */
void xfrm_guard_get_status(struct xfrm_guard_conn *c,
			   struct xfrm_guard_status *st)
{
	memset(st, 0, sizeof(*st));
	spin_lock_bh(&c->lock);
	st->reason = c->verdict.reason;
	st->crc = c->verdict.crc;
	st->tx_open = c->tx_open;
	st->enforced = c->enforced;
	st->confidential = c->verdict.confidential;
	st->warn = c->verdict.warn;
	st->chap_requires_confidentiality =
		c->verdict.chap_requires_confidentiality;
	strscpy(st->alg, c->verdict.alg, sizeof(st->alg));
	spin_unlock_bh(&c->lock);
	if (c->verdict.action == XG_ACTION_REFUSE)
		st->tx_open = false;
	st->rx_dropped = atomic64_read(&c->rx_dropped);
	st->tx_dropped = atomic64_read(&c->tx_dropped);
	st->lost = atomic64_read(&c->lost);
	st->restored = atomic64_read(&c->restored);
}
EXPORT_SYMBOL_GPL(xfrm_guard_get_status);

/**
 * xfrm_guard_owner_refused() - the owner refused a connection itself
 * @c: the connection
 * @reason: why, as a short stable token: "chap_reflection",
 *	"chap_requires_confidentiality", "crc_required",
 *	"malformed_login_text", ...
 *
 * For a refusal the guard did not make but the owner did, by a rule of its
 * own protocol (an iSCSI login that asks for CHAP over an SA that does not
 * encrypt, say). It is made as visible as the guard's own refusals: a dmesg
 * line, an audit record (op=xfrm-guard-owner-refuse), an
 * %XFRM_GUARD_EVENT_OWNER_REFUSED event, the namespace's owner_refused
 * counter, and the token in the connection dump. The connection itself is
 * left alone: it stays attached, and judged, until the owner detaches it.
 *
 * @reason may be anything: a token that is NULL, empty, not shorter than
 * %XFRM_GUARD_OWNER_REASON_MAX bytes (at most that many are read) or has
 * characters other than letters, digits, '_' and '-' is reported as
 * "owner_refused". A later refusal replaces the token the dump shows.
 *
 * Context: process context, may sleep.
 */
void xfrm_guard_owner_refused(struct xfrm_guard_conn *c, const char *reason)
{
	char token[XG_OWNER_REASON_MAX];
	struct xg_verdict v;

	might_sleep();
	if (WARN_ON_ONCE(IS_ERR_OR_NULL(c)))
		return;
	xg_owner_reason_token(reason, token, sizeof(token));

	spin_lock_bh(&c->lock);
	strscpy(c->owner_refused, token, sizeof(c->owner_refused));
	v = c->verdict;
	spin_unlock_bh(&c->lock);

	xg_stat_add(c->xn, XG_STAT_OWNER_REFUSED, 1);
	xg_conn_audit("xfrm-guard-owner-refuse", c->owner, &c->t, token, "");
	__xg_conn_report(c->xn, XFRM_GUARD_EVENT_OWNER_REFUSED, c->owner,
			 &c->t, &v, token);
}
EXPORT_SYMBOL_GPL(xfrm_guard_owner_refused);

/**
 * xfrm_guard_reason_name() - the stable name of a reason code
 * @reason: reason code
 *
 * Return: the name dmesg, netlink events and xguard use.
 */
const char *xfrm_guard_reason_name(enum xfrm_guard_reason reason)
{
	return xg_reason_name(reason);
}
EXPORT_SYMBOL_GPL(xfrm_guard_reason_name);

/**
 * xfrm_guard_crc_name() - the stable name of a CRC decision
 * @crc: CRC decision
 *
 * Return: "software", "offloaded", "forced" or "disabled".
 */
const char *xfrm_guard_crc_name(enum xfrm_guard_crc crc)
{
	return xg_crc_name(crc);
}
EXPORT_SYMBOL_GPL(xfrm_guard_crc_name);

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
	if (id >= XG_PROFILES_MAX || !test_bit(id, cfg->profile_used))
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
	return p && p->mode == XG_GUARD_ENFORCE ? p : NULL;
}

/**
 * xg_conn_check_out() - may this outgoing TCP segment leave?
 * @xn: namespace state
 * @skb: the segment, at POST_ROUTING, after source NAT
 * @t: its tuple from this host's side
 *
 * Context: netfilter hook, inside rcu_read_lock().
 *
 * Return: NF_ACCEPT or NF_DROP.
 */
unsigned int xg_conn_check_out(struct xg_net *xn, struct sk_buff *skb,
			       const struct xg_tuple *t)
{
	struct xg_sa_desc out[XFRM_MAX_DEPTH];
	const struct xg_profile *p;
	struct xfrm_guard_conn *c;
	struct sock *sk;
	struct xg_verdict v;
	unsigned int n;
	u32 id;

	p = xg_segment_profile(xn, t, &c, &id);
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

	trace_xfrm_guard_drop(t, "out", xg_reason_name(v.reason));
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
			       XFRM_GUARD_OWNER_ANY, t, &v);
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
 * @t: its tuple from this host's side
 *
 * A dropped segment does not mark the connection lost: anyone can inject
 * one, and that must not hold a protected connection.
 *
 * Context: netfilter hook, inside rcu_read_lock().
 *
 * Return: NF_ACCEPT or NF_DROP.
 */
unsigned int xg_conn_check_in(struct xg_net *xn, struct sk_buff *skb,
			      const struct xg_tuple *t)
{
	struct xg_sa_desc in[XFRM_MAX_DEPTH];
	const struct xg_profile *p;
	struct xfrm_guard_conn *c;
	struct sec_path *sp;
	struct xg_verdict v;
	unsigned int n = 0;
	u32 id;

	p = xg_segment_profile(xn, t, &c, &id);
	if (!p)
		return NF_ACCEPT;

	sp = skb_sec_path(skb);
	if (sp)
		for (; n < sp->len && n < XFRM_MAX_DEPTH; n++)
			xg_sa_desc_from_state(&in[n], sp->xvec[n]);
	xg_verdict_eval_rx(p, in, n, &v);
	if (v.action != XG_ACTION_REFUSE) {
		if (v.action != XG_ACTION_ACCEPT || xg_secpath_is_conn(sp, t, c))
			return NF_ACCEPT;
		v.action = XG_ACTION_REFUSE;
		v.reason = XFRM_GUARD_REASON_SA_WRONG_PEER;
	}
	v.profile = id;

	trace_xfrm_guard_drop(t, "in", xg_reason_name(v.reason));
	if (c) {
		atomic64_inc(&c->rx_dropped);
		xg_stat_add(xn, XG_STAT_RX_DROPPED, 1);
		xg_conn_report(xn, XFRM_GUARD_EVENT_DROPPED, c->owner, t,
			       &v);
	} else {
		xg_stat_add(xn, XG_STAT_PORTAL_DROPPED, 1);
		xg_conn_report(xn, XFRM_GUARD_EVENT_DROPPED,
			       XFRM_GUARD_OWNER_ANY, t, &v);
	}
	return NF_DROP;
}

/**
 * xg_conn_dump() - walk a namespace's guarded connections
 * @xn: namespace state
 * @skip: how many connections an earlier call already passed on
 * @fn: called for each further connection; returns non-zero to stop (its
 *	message is full) and must not sleep
 * @arg: passed to @fn
 *
 * The walk is not a snapshot: connections attached or detached meanwhile
 * may be missed or, across calls, seen twice.
 *
 * Context: any but hardirq.
 *
 * Return: the number of connections passed on, @skip included, so that the
 * next call can resume after them.
 */
unsigned int xg_conn_dump(struct xg_net *xn, unsigned int skip,
			  int (*fn)(const struct xg_conn_info *info, void *arg),
			  void *arg)
{
	struct xfrm_guard_conn *c;
	struct xg_conn_info info;
	unsigned int idx = 0;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(xn->conns, bkt, c, hnode) {
		if (idx++ < skip)
			continue;
		memset(&info, 0, sizeof(info));
		info.owner = c->owner;
		info.t = c->t;
		xfrm_guard_get_status(c, &info.status);
		spin_lock_bh(&c->lock);
		info.sas = c->sas;
		info.profile = c->verdict.profile;
		strscpy(info.owner_refused, c->owner_refused,
			sizeof(info.owner_refused));
		spin_unlock_bh(&c->lock);
		if (fn(&info, arg)) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	return idx;
}

/**
 * xg_conn_dump_refused() - walk a namespace's remembered refused attaches
 * @xn: namespace state
 * @seq: the sequence number of the first refusal wanted: 0 at first, then
 *	what the previous call returned
 * @fn: called for each refusal, oldest first, with @info.refused set;
 *	returns non-zero to stop (its message is full); may not sleep
 * @arg: passed to @fn
 *
 * Refusals made during a walk that is resumed are seen; ones forgotten
 * meanwhile (more than %XG_REFUSED_MAX newer ones came) are not. None is
 * passed on twice.
 *
 * Context: any but hardirq.
 *
 * Return: where the next call resumes: the sequence number after the last
 * refusal @fn accepted.
 */
u64 xg_conn_dump_refused(struct xg_net *xn, u64 seq,
			 int (*fn)(const struct xg_conn_info *info, void *arg),
			 void *arg)
{
	struct xg_conn_info info;
	struct xg_refused e;
	time64_t now;
	bool found;

	for (;;) {
		spin_lock_bh(&xn->refused_lock);
		found = xg_refused_next(xn->refused, seq, &e);
		spin_unlock_bh(&xn->refused_lock);
		if (!found)
			break;

		now = ktime_get_boottime_seconds();
		memset(&info, 0, sizeof(info));
		info.refused = true;
		info.refused_age = now > e.when ? now - e.when : 0;
		info.owner = e.owner;
		info.t = e.t;
		info.profile = e.profile;
		info.status.reason = e.reason;
		strscpy(info.status.alg, e.alg, sizeof(info.status.alg));
		if (fn(&info, arg))
			break;
		seq = e.seq + 1;
	}
	return seq;
}
EXPORT_SYMBOL_IF_KUNIT(xg_conn_dump_refused);

/**
 * xg_conn_net_exit() - a namespace goes away
 * @xn: namespace state
 *
 * Owners detach their connections before their sockets, and so before the
 * namespace, can go; what is left here is an owner's bug.
 */
void xg_conn_net_exit(struct xg_net *xn)
{
	int bkt;
	struct xfrm_guard_conn *c;

	cancel_work_sync(&xn->reeval_work);
	hash_for_each(xn->conns, bkt, c, hnode)
		WARN_ONCE(1, "connection still attached at namespace exit\n");
}
