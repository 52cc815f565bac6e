// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard connections: the table of sockets an owner (iscsi_xfrm, srnic)
 * attached, per namespace, their lifecycle, and the API owners call
 * (include/net/xfrm_guard.h). Judging a connection is reeval.c's, checking
 * its segments datapath.c's, telling about it report.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/jhash.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>

#include "conn.h"
#include "reeval.h"
#include "refused.h"
#include "report.h"
#include "trace.h"

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

/**
 * xg_tuple_flow() - what the rules are asked about a connection
 * @t: its tuple
 * @owner: who attached it; %XFRM_GUARD_OWNER_ANY for a portal's
 * @f: filled in
 */
void xg_tuple_flow(const struct xg_tuple *t, enum xfrm_guard_owner owner,
		   struct xg_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->owner = owner;
	f->family = t->family;
	f->remote = t->raddr;
	f->rport = ntohs(t->rport);
	f->lport = ntohs(t->lport);
}

/**
 * xg_conn_lookup() - the guarded connection of a tuple
 * @xn: namespace state
 * @t: the tuple, from this host's side
 *
 * Context: inside rcu_read_lock(); the connection may be detached but is
 * not freed until it is left.
 *
 * Return: the connection, or NULL.
 */
struct xfrm_guard_conn *xg_conn_lookup(struct xg_net *xn,
				       const struct xg_tuple *t)
{
	struct xfrm_guard_conn *c;

	hash_for_each_possible_rcu(xn->conns, c, hnode, xg_tuple_hash(t))
		if (xg_tuple_eq(&c->t, t))
			return c;
	return NULL;
}

/**
 * xg_conn_insert() - make a connection visible to the hooks
 * @xn: namespace state
 * @c: the connection, with its tuple, not yet in xg_net::conns
 *
 * Its local port is in the namespace's port filter, and the hooks are in
 * place, before a segment can find it (see xg_net).
 *
 * Context: process context; sleeps.
 *
 * Return: 0, -EEXIST (a connection with the same tuple is there), or the
 * error of xg_net_hooks_get(); on error nothing the hooks see changed.
 */
VISIBLE_IF_KUNIT int xg_conn_insert(struct xg_net *xn,
				    struct xfrm_guard_conn *c)
{
	bool exists;
	int err;

	mutex_lock(&xn->hooks_lock);
	err = xg_net_hooks_get(xn, c->t.lport);
	if (err)
		goto out;
	rcu_read_lock();
	exists = xg_conn_lookup(xn, &c->t);
	rcu_read_unlock();
	if (exists) {
		xg_net_hooks_put(xn);
		err = -EEXIST;
		goto out;
	}
	hash_add_rcu(xn->conns, &c->hnode, xg_tuple_hash(&c->t));
out:
	mutex_unlock(&xn->hooks_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(xg_conn_insert);

/**
 * xg_conn_remove() - take a connection out of the hooks' sight
 * @c: the connection, in xg_net::conns
 *
 * Its local port leaves the port filter after it left the table, unless
 * another connection or a portal rule still needs it; the last connection
 * or portal rule unhooks the namespace. Hooks already in a lookup may still
 * find @c until an RCU grace period passed.
 *
 * Context: process context; sleeps.
 */
VISIBLE_IF_KUNIT void xg_conn_remove(struct xfrm_guard_conn *c)
{
	struct xg_net *xn = c->xn;
	unsigned int noio;

	/*
	 * Storage owners detach from their reclaim-safe teardown work: the
	 * new port filter must not wait for I/O to what is torn down.
	 */
	noio = memalloc_noio_save();
	mutex_lock(&xn->hooks_lock);
	hash_del_rcu(&c->hnode);
	xg_net_hooks_put(xn);
	mutex_unlock(&xn->hooks_lock);
	memalloc_noio_restore(noio);
}
EXPORT_SYMBOL_IF_KUNIT(xg_conn_remove);

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
 * attached), -ENOMEM, or the error of hooking the namespace (the first
 * guarded connection of a namespace registers the netfilter hooks there).
 */
struct xfrm_guard_conn *xfrm_guard_attach(struct sock *sk,
					  enum xfrm_guard_owner owner,
					  const struct xfrm_guard_owner_ops *ops,
					  void *priv,
					  struct xfrm_guard_status *status)
{
	struct xfrm_guard_conn *c;
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
	xg_conn_init_work(c);

	gen = atomic_read(&xn->gen);
	xg_conn_judge(c, &j);
	v = j.v;
	trace_xfrm_guard_verdict(&c->t, xg_owner_name(owner),
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
				    xg_owner_name(owner), v.warn_alg);
	}

	sock_hold(sk);
	err = xg_conn_insert(xn, c);
	if (err) {
		sock_put(sk);
		kfree(c);
		return ERR_PTR(err);
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
	xg_conn_remove(c);
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
	char token[XFRM_GUARD_OWNER_REASON_MAX];
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
	xg_conn_report_owner(c->xn, XFRM_GUARD_EVENT_OWNER_REFUSED, c->owner,
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
