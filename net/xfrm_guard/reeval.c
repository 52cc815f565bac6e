// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard re-evaluation: a guarded connection judged as a whole, from a
 * fresh route lookup (the bundle TCP would get now) and the inbound SA,
 * when it is attached and again whenever something that can change the
 * answer happened (xg_net::gen moved: an SA or policy event, a
 * configuration change, a segment found unprotected). This drives
 * xfrm_guard_tx_ok(), the owner's lost/restored callbacks and the hold
 * timeout, all in process context.
 *
 * A segment that would leave unprotected is dropped, never the connection:
 * TCP retransmits it, and once an SA is back the retransmission goes out
 * protected on the same connection (RFC 3723 3.5). The hold timeout is what
 * ends a connection that stays unprotected, whatever TCP is doing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/xfrm.h>

#include "conn.h"
#include "reeval.h"
#include "report.h"
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

/**
 * xg_descs_from_dst() - describe the states of a bundle, outermost first
 * @dst: the bundle, or a route that is none
 * @out: filled in, %XFRM_MAX_DEPTH entries at most
 *
 * A blackhole or queue route has no state: it is "no IPsec". The
 * descriptions point into the states, which the bundle keeps alive as long
 * as the caller holds it.
 *
 * Return: the number of states described.
 */
unsigned int xg_descs_from_dst(const struct dst_entry *dst,
			       struct xg_sa_desc *out)
{
	unsigned int n = 0;

	for (; dst && dst->xfrm && n < XFRM_MAX_DEPTH; dst = xfrm_dst_child(dst))
		xg_sa_desc_from_state(&out[n++], dst->xfrm);
	return n;
}

/**
 * xg_profile_for() - the profile a connection is judged by
 * @xn: namespace state
 * @t: the connection's tuple
 * @owner: who attached it
 * @id: set to the profile's index
 *
 * Context: inside rcu_read_lock().
 *
 * Return: the profile, valid until rcu_read_unlock().
 */
const struct xg_profile *xg_profile_for(struct xg_net *xn,
					const struct xg_tuple *t,
					enum xfrm_guard_owner owner, u32 *id)
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
 * xg_conn_judge() - make a whole-connection verdict
 * @c: the connection
 * @j: the verdict and what goes with it
 *
 * Context: process or softirq context, not inside rcu_read_lock().
 */
void xg_conn_judge(struct xfrm_guard_conn *c, struct xg_judgement *j)
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
	j->enforced = p->mode == XFRM_GUARD_MODE_ENFORCE;
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

/**
 * xg_conn_recheck() - judge a connection again and publish the verdict
 * @c: the connection
 *
 * Context: process or softirq context.
 *
 * Return: whether the connection may transmit.
 */
bool xg_conn_recheck(struct xfrm_guard_conn *c)
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
	trace_xfrm_guard_verdict(&c->t, xg_owner_name(c->owner),
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

/**
 * xg_conn_init_work() - set up a new connection's work items
 * @c: the connection, not yet published
 */
void xg_conn_init_work(struct xfrm_guard_conn *c)
{
	INIT_WORK(&c->work, xg_conn_notify_work);
	INIT_DELAYED_WORK(&c->hold_work, xg_conn_hold_work);
}
