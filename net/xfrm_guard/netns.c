// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard per-network-namespace state. See netns.h for the locking rules.
 */
#include <kunit/visibility.h>
#include <linux/slab.h>

#include "conn.h"
#include "reeval.h"
#include "netns.h"
#include "datapath.h"
#include "refused.h"

/* Our slot in every namespace's net_generic() array; see xg_net(). */
unsigned int xg_net_id __read_mostly;

/*
 * The guard's work: re-evaluation, owner callbacks, hold timeouts. Storage
 * owners detach from their own reclaim-safe work (iSCSI connection
 * teardown), which may wait for ours, so ours must be reclaim-safe too.
 */
struct workqueue_struct *xg_wq __read_mostly;

static const char * const xg_stat_names[__XG_STAT_MAX] = {
	[XG_STAT_ATTACHED]	 = "attached",
	[XG_STAT_REFUSED]	 = "refused",
	[XG_STAT_AUDITED]	 = "audited",
	[XG_STAT_LOST]		 = "lost",
	[XG_STAT_RESTORED]	 = "restored",
	[XG_STAT_RX_DROPPED]	 = "rx_dropped",
	[XG_STAT_TX_HELD]	 = "tx_held",
	[XG_STAT_PORTAL_DROPPED] = "portal_dropped",
	[XG_STAT_WARNED]	 = "warned",
	[XG_STAT_OWNER_REFUSED]	 = "owner_refused",
	[XG_STAT_HOLD_EXPIRED]	 = "hold_expired",
};

static void xg_config_free(struct xg_config *cfg)
{
	if (cfg->free_rules)
		xg_rules_free(cfg->rules);
	kfree(cfg);
}

static void xg_config_free_rcu(struct rcu_head *head)
{
	xg_config_free(container_of(head, struct xg_config, rcu));
}

/* Every port a portal rule covers: what xg_rules_match_portal() looks at. */
static void xg_ports_add_portals(struct xg_ports *p,
				 const struct xg_config *cfg)
{
	const struct xg_rule *r;
	unsigned int i;

	if (!cfg || !cfg->rules)
		return;
	for (i = 0; i < cfg->rules->count; i++) {
		r = &cfg->rules->rules[i];
		if (xg_rule_is_portal(r))
			bitmap_set(p->map, r->lport_lo,
				   r->lport_hi - r->lport_lo + 1);
	}
}

/* Replace the port filter; the hooks may read the old one until they leave. */
static void xg_ports_publish(struct xg_net *xn, struct xg_ports *p)
{
	struct xg_ports *old;

	old = rcu_replace_pointer(xn->ports, p,
				  lockdep_is_held(&xn->hooks_lock));
	if (old)
		kfree_rcu_mightsleep(old);
}

/*
 * Before something becomes visible to the hooks: the filter as it is, which
 * holds every port visible now, plus @port (none if negative) and the
 * portals of @cfg (may be NULL).
 */
static int xg_ports_widen(struct xg_net *xn, int port,
			  const struct xg_config *cfg)
{
	const struct xg_ports *cur;
	struct xg_ports *p;

	cur = rcu_dereference_protected(xn->ports,
					lockdep_is_held(&xn->hooks_lock));
	if (cur)
		p = kmemdup(cur, sizeof(*p), GFP_KERNEL);
	else
		p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (port >= 0)
		__set_bit(port, p->map);
	xg_ports_add_portals(p, cfg);
	xg_ports_publish(xn, p);
	return 0;
}

/*
 * After something left the hooks' sight: exactly the ports of what is
 * still in it, so a port that another connection or a portal rule needs
 * stays. Without memory the filter stays as it is, with more ports than
 * needed: slower for them, never wrong.
 */
static void xg_ports_rebuild(struct xg_net *xn)
{
	const struct xg_config *cfg;
	struct xfrm_guard_conn *c;
	struct xg_ports *p;
	int bkt;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return;
	hash_for_each(xn->conns, bkt, c, hnode)
		__set_bit(ntohs(c->t.lport), p->map);
	/* Every publisher of the configuration holds hooks_lock too. */
	cfg = rcu_dereference_protected(xn->cfg,
					lockdep_is_held(&xn->hooks_lock));
	xg_ports_add_portals(p, cfg);
	xg_ports_publish(xn, p);
}

/*
 * Before something becomes visible to the hooks: its ports in the filter
 * and, if @hold, one more user of the hooks; the first registers them,
 * after the filter they will consult is in place. On error nothing the
 * hooks see has changed.
 */
static int xg_hooks_take(struct xg_net *xn, int port,
			 const struct xg_config *cfg, bool hold)
{
	int err;

	err = xg_ports_widen(xn, port, cfg);
	if (err || !hold)
		return err;
	if (!xn->hook_users) {
		if (xn->net)
			err = xg_nf_net_init(xn->net);
		if (err) {
			/* Nothing is hooked, so nothing keeps a filter. */
			xg_ports_publish(xn, NULL);
			return err;
		}
		xn->hooked = true;
	}
	xn->hook_users++;
	return 0;
}

/*
 * Publish @new in place of @old. A portal rule of @new has its ports in
 * the filter, and the namespace hooked, before the hooks can see it; a
 * portal only @old had loses its ports after they no longer can.
 */
static int xg_config_publish(struct xg_net *xn, struct xg_config *old,
			     struct xg_config *new)
{
	bool had = xg_config_has_portal(old);
	bool has = xg_config_has_portal(new);
	int err = 0;

	mutex_lock(&xn->hooks_lock);
	if (has)
		err = xg_hooks_take(xn, -1, new, !had);
	if (!err) {
		old->free_rules = new->rules != old->rules;
		rcu_assign_pointer(xn->cfg, new);
		if (had && !has)
			xg_net_hooks_put(xn);
		else if (had)
			xg_ports_rebuild(xn);
	}
	mutex_unlock(&xn->hooks_lock);
	return err;
}

/**
 * xg_config_update() - change a namespace's configuration
 * @xn: namespace state
 * @change: applied to a private copy of the current configuration; returns
 *	0 to publish the copy, or a negative errno (with a message in @extack)
 *	to drop it. It may replace the copy's rule table (the old one is then
 *	freed with the old configuration) but must not free it.
 * @arg: passed to @change
 * @extack: for error messages
 *
 * Context: process context; sleeps. Writers are serialised, so @change sees
 * the latest configuration and nothing changes underneath it. On error
 * nothing is published: no state changes.
 *
 * The first portal rule hooks the namespace, and every portal rule has its
 * local ports in the port filter, before the configuration holding it is
 * published (see xg_net).
 *
 * Return: 0 or the error @change returned, -ENOMEM, or the error of
 * registering the hooks.
 */
int xg_config_update(struct xg_net *xn,
		     int (*change)(struct xg_config *cfg, void *arg,
				   struct netlink_ext_ack *extack),
		     void *arg, struct netlink_ext_ack *extack)
{
	struct xg_config *old, *new;
	int err;

	mutex_lock(&xn->cfg_lock);
	old = rcu_dereference_protected(xn->cfg,
					lockdep_is_held(&xn->cfg_lock));
	new = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!new) {
		err = -ENOMEM;
		goto out;
	}
	new->free_rules = false;
	err = change(new, arg, extack);
	if (!err)
		err = xg_config_publish(xn, old, new);
	if (err) {
		/* A rule table @change built for the copy dies with it. */
		if (new->rules != old->rules)
			xg_rules_free(new->rules);
		kfree(new);
		goto out;
	}
	call_rcu(&old->rcu, xg_config_free_rcu);
	/* Every connection is judged again under the new configuration. */
	atomic_inc(&xn->gen);
	queue_work(xg_wq, &xn->reeval_work);
out:
	mutex_unlock(&xn->cfg_lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(xg_config_update);

/**
 * xg_config_has_portal() - does a configuration guard any portal?
 * @cfg: configuration
 *
 * Return: true if one of its rules is a portal rule (xg_rule_is_portal()).
 */
bool xg_config_has_portal(const struct xg_config *cfg)
{
	unsigned int i;

	if (!cfg->rules)
		return false;
	for (i = 0; i < cfg->rules->count; i++)
		if (xg_rule_is_portal(&cfg->rules->rules[i]))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(xg_config_has_portal);

/**
 * xg_net_hooks_get() - a connection is about to enter xg_net::conns
 * @xn: namespace state
 * @lport: the connection's local port (network order)
 *
 * Puts @lport in the port filter and takes a reference on the hooks (the
 * first one registers them): when this returns 0, every segment of the
 * connection that reaches the hooks once it is in xg_net::conns is
 * checked. See xg_net for the locking rule.
 *
 * Context: process context; sleeps. Under xg_net::hooks_lock, held until
 * the connection is in xg_net::conns.
 *
 * Return: 0, -ENOMEM or the error of registering the hooks (then nothing
 * the hooks see changed).
 */
int xg_net_hooks_get(struct xg_net *xn, __be16 lport)
{
	lockdep_assert_held(&xn->hooks_lock);
	return xg_hooks_take(xn, ntohs(lport), NULL, true);
}
EXPORT_SYMBOL_IF_KUNIT(xg_net_hooks_get);

/**
 * xg_net_hooks_put() - a user of the namespace's hooks is gone
 * @xn: namespace state
 *
 * For a connection once it left xg_net::conns, or for the configuration
 * once its last portal rule is no longer published. The last user
 * unregisters the hooks, which waits for segments still in them, and drops
 * the port filter; otherwise the filter is rebuilt from what is left.
 *
 * Context: process context; sleeps. Under xg_net::hooks_lock.
 */
void xg_net_hooks_put(struct xg_net *xn)
{
	lockdep_assert_held(&xn->hooks_lock);
	if (WARN_ON_ONCE(!xn->hook_users))
		return;
	if (--xn->hook_users) {
		xg_ports_rebuild(xn);
		return;
	}
	if (xn->net)
		xg_nf_net_exit(xn->net);
	xn->hooked = false;
	xg_ports_publish(xn, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(xg_net_hooks_put);

/**
 * xg_config_profile_id() - the index of the profile that applies to a flow
 * @cfg: configuration, from xg_config_get()
 * @flow: what is asked about
 *
 * A rule naming a profile that does not exist (which writers prevent)
 * falls back to the default profile rather than to no checking.
 *
 * Return: an index of an existing profile in @cfg->profiles.
 */
u32 xg_config_profile_id(const struct xg_config *cfg,
			 const struct xg_flow *flow)
{
	u32 id = XG_PROFILE_DEFAULT;

	if (cfg->rules)
		id = xg_rules_profile(cfg->rules, flow);
	if (id >= XFRM_GUARD_PROFILES_MAX || !test_bit(id, cfg->profile_used))
		id = XG_PROFILE_DEFAULT;
	return id;
}
EXPORT_SYMBOL_IF_KUNIT(xg_config_profile_id);

/**
 * xg_config_profile() - the profile that applies to a flow
 * @cfg: configuration, from xg_config_get()
 * @flow: what is asked about
 *
 * Return: the profile xg_config_profile_id() names, valid as long as @cfg
 * is.
 */
const struct xg_profile *xg_config_profile(const struct xg_config *cfg,
					   const struct xg_flow *flow)
{
	return &cfg->profiles[xg_config_profile_id(cfg, flow)];
}
EXPORT_SYMBOL_IF_KUNIT(xg_config_profile);

/**
 * xg_stat_add() - count an event
 * @xn: namespace state
 * @stat: the counter
 * @n: by how much
 *
 * Context: any.
 */
void xg_stat_add(struct xg_net *xn, enum xg_stat stat, u64 n)
{
	struct xg_pcpu_stats *s;
	unsigned long flags;

	/* Pins the CPU and keeps a softirq on it from nesting the update. */
	local_irq_save(flags);
	s = this_cpu_ptr(xn->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[stat], n);
	u64_stats_update_end(&s->syncp);
	local_irq_restore(flags);
}

/**
 * xg_stats_read() - sum the counters over all CPUs
 * @xn: namespace state
 * @out: the sums, by enum xg_stat
 *
 * Context: any.
 */
void xg_stats_read(struct xg_net *xn, u64 out[__XG_STAT_MAX])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * __XG_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct xg_pcpu_stats *s = per_cpu_ptr(xn->stats, cpu);
		u64 v[__XG_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __XG_STAT_MAX; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __XG_STAT_MAX; i++)
			out[i] += v[i];
	}
}

/**
 * xg_stat_name() - the stable name of a counter
 * @stat: the counter
 *
 * Return: a lowercase name, "unknown" for a value out of range.
 */
const char *xg_stat_name(enum xg_stat stat)
{
	if ((unsigned int)stat >= __XG_STAT_MAX)
		return "unknown";
	return xg_stat_names[stat];
}

/**
 * xg_net_setup() - set up a namespace's state
 * @xn: the state, zeroed
 * @net: the namespace, or NULL for a KUnit test's state that belongs to
 *	no namespace (then nothing is ever hooked)
 *
 * A new namespace has nothing to guard: its hooks are registered with the
 * first guarded connection or portal rule (see xg_net).
 *
 * Context: process context; sleeps.
 *
 * Return: 0 or a negative errno; on error nothing is left to undo.
 */
int xg_net_setup(struct xg_net *xn, struct net *net)
{
	struct xg_config *cfg;
	int cpu, err;

	xn->net = net;
	mutex_init(&xn->cfg_lock);
	hash_init(xn->conns);
	INIT_WORK(&xn->reeval_work, xg_conn_reeval_work);
	spin_lock_init(&xn->refused_lock);
	mutex_init(&xn->hooks_lock);
	xn->stats = alloc_percpu(struct xg_pcpu_stats);
	if (!xn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(xn->stats, cpu)->syncp);

	err = -ENOMEM;
	xn->refused = kzalloc(sizeof(*xn->refused), GFP_KERNEL);
	if (!xn->refused)
		goto err_stats;
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		goto err_refused;
	xg_profile_init_default(&cfg->profiles[XG_PROFILE_DEFAULT]);
	__set_bit(XG_PROFILE_DEFAULT, cfg->profile_used);
	cfg->free_rules = true;
	RCU_INIT_POINTER(xn->cfg, cfg);
	return 0;

err_refused:
	kfree(xn->refused);
err_stats:
	free_percpu(xn->stats);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(xg_net_setup);

/**
 * xg_net_teardown() - unhook a namespace and free its state
 * @xn: the state, from xg_net_setup()
 *
 * The re-evaluation work is disabled first, for good: our pernet exit runs
 * before xfrm's, so until xfrm's exit has deleted the namespace's SAs and
 * policies their timers still expire and call xg_km_changed(), and a work
 * item queued then would run on, or be freed with, the namespace's state.
 * Once disabled, every queue_work() of it (xg_km_changed(),
 * xg_config_update(), the output hook) does nothing; what those callers
 * change besides, xg_net::gen, lives as long as the namespace's memory,
 * which is freed after every pernet exit has run.
 *
 * Context: process context; sleeps. The namespace is going away: no
 * process in it is left, so no configuration change can come.
 */
void xg_net_teardown(struct xg_net *xn)
{
	struct xg_config *cfg;

	/* Cancels a queued run and waits for a running one. */
	disable_work_sync(&xn->reeval_work);
	xg_conn_net_exit(xn);
	/*
	 * What is left hooking the namespace is its portal rules (or a
	 * connection an owner left attached, which xg_conn_net_exit() warned
	 * about): no attach or configuration change can come any more.
	 */
	mutex_lock(&xn->hooks_lock);
	if (xn->hooked && xn->net)
		xg_nf_net_exit(xn->net);
	xn->hooked = false;
	xn->hook_users = 0;
	xg_ports_publish(xn, NULL);
	mutex_unlock(&xn->hooks_lock);
	/* No reader is left: the namespace is gone and so are its users. */
	cfg = rcu_dereference_protected(xn->cfg, true);
	RCU_INIT_POINTER(xn->cfg, NULL);
	cfg->free_rules = true;
	xg_config_free(cfg);
	/* Refusals are only read by dumps, which hold a reference on @net. */
	kfree(xn->refused);
	xn->refused = NULL;
	free_percpu(xn->stats);
	xn->stats = NULL;
	mutex_destroy(&xn->cfg_lock);
	mutex_destroy(&xn->hooks_lock);
}
EXPORT_SYMBOL_IF_KUNIT(xg_net_teardown);

static int __net_init xg_net_init(struct net *net)
{
	return xg_net_setup(xg_net(net), net);
}

static void __net_exit xg_net_exit(struct net *net)
{
	xg_net_teardown(xg_net(net));
}

static struct pernet_operations xg_net_ops = {
	.init = xg_net_init,
	.exit = xg_net_exit,
	.id = &xg_net_id,
	.size = sizeof(struct xg_net),
};

/**
 * xg_netns_init() - register the per-namespace state
 *
 * Return: 0 or a negative errno.
 */
int xg_netns_init(void)
{
	int err;

	xg_wq = alloc_workqueue("xfrm_guard", WQ_MEM_RECLAIM, 0);
	if (!xg_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&xg_net_ops);
	if (err)
		destroy_workqueue(xg_wq);
	return err;
}

/**
 * xg_netns_exit() - unregister the per-namespace state
 *
 * Waits for configurations still queued for freeing.
 */
void xg_netns_exit(void)
{
	unregister_pernet_subsys(&xg_net_ops);
	rcu_barrier();
	destroy_workqueue(xg_wq);
}
