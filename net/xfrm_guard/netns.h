/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard per-network-namespace state: the configuration (profiles and
 * rules), the counters and the latest refused attaches.
 *
 * Locking: the configuration is one immutable object published under RCU.
 * Readers, in any context, use xg_config_get() inside rcu_read_lock().
 * Writers go through xg_config_update(), which takes xg_net::cfg_lock,
 * copies the current object, lets the caller change the copy, and publishes
 * it; the old object is freed after a grace period. Counters are per-CPU and
 * need no lock. The refused attaches are read and written under
 * xg_net::refused_lock only. What the netfilter hooks consult to tell
 * whether a segment is guarded (the connections, the port filter, the
 * portal rules) changes under xg_net::hooks_lock; see struct xg_net.
 */
#ifndef _XG_NETNS_H
#define _XG_NETNS_H

#include <linux/bitops.h>
#include <linux/hashtable.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/xfrm_guard.h>

#include "policy.h"
#include "rules.h"

struct netlink_ext_ack;
struct xg_refused_ring;

/**
 * struct xg_config - a namespace's policy, published as a whole
 * @rcu: for freeing after a grace period.
 * @free_rules: set by xg_config_update() when the successor has its own rule
 *	table, so freeing this object frees @rules too.
 * @profile_used: which entries of @profiles exist; %XG_PROFILE_DEFAULT
 *	always does.
 * @profiles: the profiles, by index; rules select them.
 * @rules: the rule table, or NULL when there are no rules.
 */
struct xg_config {
	struct rcu_head rcu;
	bool free_rules;
	DECLARE_BITMAP(profile_used, XFRM_GUARD_PROFILES_MAX);
	struct xg_profile profiles[XFRM_GUARD_PROFILES_MAX];
	struct xg_rule_table *rules;
};

/**
 * enum xg_stat - per-namespace counters
 * @XG_STAT_ATTACHED: connections attached by an owner.
 * @XG_STAT_REFUSED: attaches refused (enforce mode, not protected).
 * @XG_STAT_AUDITED: unprotected connections let run in audit mode.
 * @XG_STAT_LOST: guarded connections that lost protection.
 * @XG_STAT_RESTORED: guarded connections whose protection came back.
 * @XG_STAT_RX_DROPPED: received segments of guarded connections dropped.
 * @XG_STAT_TX_HELD: transmissions held while protection was missing.
 * @XG_STAT_PORTAL_DROPPED: segments dropped by a local-port (portal) rule.
 * @XG_STAT_WARNED: verdicts that carried a warning (3DES, ...).
 * @XG_STAT_HOLD_EXPIRED: guarded connections the guard aborted because
 *	they stayed unprotected for the hold timeout.
 * @XG_STAT_OWNER_REFUSED: guarded connections their owner refused for a
 *	reason of its own (xfrm_guard_owner_refused()).
 * @__XG_STAT_MAX: number of counters; not a counter.
 */
enum xg_stat {
	XG_STAT_ATTACHED,
	XG_STAT_REFUSED,
	XG_STAT_AUDITED,
	XG_STAT_LOST,
	XG_STAT_RESTORED,
	XG_STAT_RX_DROPPED,
	XG_STAT_TX_HELD,
	XG_STAT_PORTAL_DROPPED,
	XG_STAT_WARNED,
	XG_STAT_OWNER_REFUSED,
	XG_STAT_HOLD_EXPIRED,
	__XG_STAT_MAX
};

/*
 * Not the UAPI's enum xfrm_guard_stats_attr itself: the counters index a
 * per-CPU array from 0, and the attributes start after UNSPEC and PAD.
 * Counter i is sent as XFRM_GUARD_STATS_A_ATTACHED + i.
 */
static_assert(XFRM_GUARD_STATS_A_ATTACHED + XG_STAT_WARNED ==
	      XFRM_GUARD_STATS_A_WARNED);
static_assert(XFRM_GUARD_STATS_A_ATTACHED + XG_STAT_OWNER_REFUSED ==
	      XFRM_GUARD_STATS_A_OWNER_REFUSED);
static_assert(XFRM_GUARD_STATS_A_ATTACHED + XG_STAT_HOLD_EXPIRED ==
	      XFRM_GUARD_STATS_A_HOLD_EXPIRED);
static_assert(XFRM_GUARD_STATS_A_ATTACHED + __XG_STAT_MAX ==
	      __XFRM_GUARD_STATS_A_MAX);

/**
 * struct xg_pcpu_stats - one CPU's counters
 * @syncp: makes 64-bit reads consistent on 32-bit machines.
 * @c: the counters, by enum xg_stat.
 */
struct xg_pcpu_stats {
	struct u64_stats_sync syncp;
	u64_stats_t c[__XG_STAT_MAX];
};

/* One bit per TCP port. */
#define XG_PORTS		(U16_MAX + 1)

/**
 * struct xg_ports - the local TCP ports something may guard
 * @map: bit n is set if a guarded connection has local port n or a portal
 *	rule covers port n. A clear bit is a promise that no segment to or
 *	from local port n is guarded; a set bit only says "look".
 *
 * Immutable once published (xg_net::ports): 8 KiB, replaced as a whole.
 */
struct xg_ports {
	DECLARE_BITMAP(map, XG_PORTS);
};

#define XG_CONN_HASH_BITS	8

/**
 * struct xg_net - xfrm_guard state of one network namespace
 * @gen: bumped on every change that can alter a verdict (SA or policy
 *	added, changed or removed, configuration changed, a guarded segment
 *	found unprotected). A connection evaluated at an older generation is
 *	re-evaluated before its next transmit is allowed.
 * @net: the namespace.
 * @cfg: the published configuration; see the locking rules above.
 * @cfg_lock: serialises configuration writers.
 * @stats: per-CPU counters.
 * @conns: guarded connections by address/port tuple (conn.c); changed
 *	under @hooks_lock, read under RCU.
 * @reeval_work: re-evaluates every connection after @gen moved. Disabled
 *	for good when the namespace's teardown begins (xg_net_teardown()).
 * @refused_lock: protects @refused and what it points to: taken with
 *	spin_lock_bh(), held only to copy one entry in or out (never while
 *	calling out, e.g. into a netlink dump), so a refusal never waits
 *	for a reader long.
 * @refused: the latest attaches refused in this namespace (refused.h);
 *	allocated and freed with the namespace.
 * @hooks_lock: serialises the writers of @conns, @cfg's publication,
 *	@hook_users, @hooked and @ports; see below.
 * @hook_users: why the namespace needs the netfilter hooks: one for each
 *	attached connection, from before it is in @conns until after it left,
 *	and one while the published configuration has a portal rule.
 * @hooked: the hooks are registered (or, for a KUnit test's state that
 *	belongs to no namespace, would be).
 * @ports: the port filter the hooks consult before any lookup
 *	(xg_port_guarded()); NULL while @hook_users is 0.
 *
 * The netfilter hooks are registered in a namespace only while something
 * there is guarded, so that a namespace with nothing to guard never runs
 * them; where they run, a segment whose local port @ports does not hold
 * leaves them after one bit test. Locking rule: @hooks_lock is a mutex,
 * taken in process context only, after xg_net::cfg_lock when both are held
 * and never the other way round. Under it, and only under it, a connection
 * enters or leaves @conns, a configuration is published, the hooks are
 * registered and unregistered (so a get that returns has them in place),
 * and @ports is replaced (published with RCU, the old one freed after a
 * grace period). Whatever is visible to the hooks (a connection in @conns,
 * a portal rule of the published @cfg) holds a hook reference and has its
 * local port(s) in @ports: both are taken before it becomes visible and
 * given up only after it is gone, so no segment it guards passes
 * unchecked. Taking a port copies @ports with the port added; giving one
 * up rebuilds @ports from @conns and @cfg, so a port another connection
 * or rule still needs stays. A rebuild that cannot allocate keeps the old
 * filter, which only holds more ports than needed.
 */
struct xg_net {
	atomic_t gen;
	struct net *net;
	struct xg_config __rcu *cfg;
	struct mutex cfg_lock; /* serialises configuration writers */
	struct xg_pcpu_stats __percpu *stats;
	DECLARE_HASHTABLE(conns, XG_CONN_HASH_BITS);
	struct work_struct reeval_work;
	spinlock_t refused_lock; /* protects @refused; see above */
	struct xg_refused_ring *refused;
	struct mutex hooks_lock; /* see above */
	unsigned int hook_users;
	bool hooked;
	struct xg_ports __rcu *ports;
};

extern unsigned int xg_net_id;

/**
 * xg_net() - the xfrm_guard state of a namespace
 * @net: the namespace
 *
 * Inline: it is the first thing every netfilter hook of ours does.
 *
 * Return: the state; it exists for as long as @net does.
 */
static inline struct xg_net *xg_net(const struct net *net)
{
	return net_generic(net, xg_net_id);
}

/**
 * xg_config_get() - the namespace's current configuration
 * @xn: namespace state
 *
 * Context: inside rcu_read_lock(); the result is valid until it is left.
 *
 * Return: the configuration, never NULL while the namespace lives.
 */
static inline const struct xg_config *xg_config_get(struct xg_net *xn)
{
	return rcu_dereference(xn->cfg);
}

int xg_config_update(struct xg_net *xn,
		     int (*change)(struct xg_config *cfg, void *arg,
				   struct netlink_ext_ack *extack),
		     void *arg, struct netlink_ext_ack *extack);

u32 xg_config_profile_id(const struct xg_config *cfg,
			 const struct xg_flow *flow);
const struct xg_profile *xg_config_profile(const struct xg_config *cfg,
					   const struct xg_flow *flow);

/**
 * xg_port_guarded() - may a segment of this local port be guarded?
 * @xn: namespace state
 * @lport: the segment's local TCP port (network order), as the lookups
 *	of the connection table and the portal rules take it
 *
 * The hooks' first question: false means no guarded connection has
 * @lport as its local port and no portal rule covers it, so the segment is
 * nobody's to check. Without a filter (nothing hooked) it answers true.
 *
 * Context: inside rcu_read_lock().
 *
 * Return: false if the segment needs no lookup.
 */
static inline bool xg_port_guarded(struct xg_net *xn, __be16 lport)
{
	const struct xg_ports *p = rcu_dereference(xn->ports);

	return !p || test_bit(ntohs(lport), p->map);
}

bool xg_config_has_portal(const struct xg_config *cfg);
int xg_net_hooks_get(struct xg_net *xn, __be16 lport);
void xg_net_hooks_put(struct xg_net *xn);

void xg_stat_add(struct xg_net *xn, enum xg_stat stat, u64 n);
void xg_stats_read(struct xg_net *xn, u64 out[__XG_STAT_MAX]);
const char *xg_stat_name(enum xg_stat stat);

int xg_net_setup(struct xg_net *xn, struct net *net);
void xg_net_teardown(struct xg_net *xn);

extern struct workqueue_struct *xg_wq;

int xg_netns_init(void);
void xg_netns_exit(void);

#endif /* _XG_NETNS_H */
