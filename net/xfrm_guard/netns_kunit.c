// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-namespace configuration. A change is published whole or
 * not at all, moves the namespace's generation so connections are judged
 * again, and a flow gets its rule's profile or, failing that, the default.
 * Once a namespace's state is torn down, nothing can queue its
 * re-evaluation any more, whatever xfrm still reports about it. The
 * netfilter hooks are there exactly while a connection or a portal rule
 * needs them, and their port filter holds exactly the local ports that a
 * connection or a portal rule guards: a segment to any other port leaves
 * the hooks without a lookup.
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#include "conn.h"
#include "datapath.h"
#include "km.h"
#include "netns.h"

static void xg_t_noop_work(struct work_struct *work)
{
}

/* struct xg_net holds the connection hash: too big for a test's stack. */
static struct xg_net *xg_t_net_init(struct kunit *test)
{
	struct xg_config *cfg;
	struct xg_net *xn;

	xn = kunit_kzalloc(test, sizeof(*xn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, xn);
	mutex_init(&xn->cfg_lock);
	mutex_init(&xn->hooks_lock);
	INIT_WORK(&xn->reeval_work, xg_t_noop_work);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	xg_profile_init_default(&cfg->profiles[XG_PROFILE_DEFAULT]);
	__set_bit(XG_PROFILE_DEFAULT, cfg->profile_used);
	RCU_INIT_POINTER(xn->cfg, cfg);
	return xn;
}

static void xg_t_net_exit(struct xg_net *xn)
{
	struct xg_config *cfg;

	flush_work(&xn->reeval_work);
	rcu_barrier();
	cfg = rcu_dereference_protected(xn->cfg, true);
	xg_rules_free(cfg->rules);
	kfree(cfg);
	/* A portal rule left behind keeps a port filter. */
	kfree(rcu_dereference_protected(xn->ports, true));
}

static int xg_t_set_audit(struct xg_config *cfg, void *arg,
			  struct netlink_ext_ack *extack)
{
	cfg->profiles[XG_PROFILE_DEFAULT].mode = XFRM_GUARD_MODE_AUDIT;
	return 0;
}

static int xg_t_change_then_fail(struct xg_config *cfg, void *arg,
				 struct netlink_ext_ack *extack)
{
	cfg->profiles[XG_PROFILE_DEFAULT].mode = XFRM_GUARD_MODE_OFF;
	cfg->rules = xg_rules_insert(cfg->rules, arg, GFP_KERNEL, extack);
	if (IS_ERR(cfg->rules))
		return PTR_ERR(cfg->rules);
	return -EINVAL;
}

static int xg_t_add_rule(struct xg_config *cfg, void *arg,
			 struct netlink_ext_ack *extack)
{
	const struct xg_rule *r = arg;
	struct xg_rule_table *t;

	if (r->profile < XFRM_GUARD_PROFILES_MAX && !test_bit(r->profile, cfg->profile_used)) {
		xg_profile_init_default(&cfg->profiles[r->profile]);
		cfg->profiles[r->profile].mode = XFRM_GUARD_MODE_OFF;
		__set_bit(r->profile, cfg->profile_used);
	}
	t = xg_rules_insert(cfg->rules, r, GFP_KERNEL, extack);
	if (IS_ERR(t))
		return PTR_ERR(t);
	cfg->rules = t;
	return 0;
}

static const struct xg_rule xg_t_rule_3260 = {
	.priority = 10,
	.owner = XFRM_GUARD_OWNER_ANY,
	.rport_hi = U16_MAX,
	.lport_lo = 3260,
	.lport_hi = 3260,
	.profile = 2,
};

static void config_change_is_published_and_moves_generation(struct kunit *test)
{
	const struct xg_config *before, *after;
	struct xg_net *xn;
	int gen;

	xn = xg_t_net_init(test);
	before = rcu_access_pointer(xn->cfg);
	gen = atomic_read(&xn->gen);
	KUNIT_EXPECT_EQ(test, xg_config_update(xn, xg_t_set_audit, NULL, NULL), 0);
	after = rcu_access_pointer(xn->cfg);
	KUNIT_EXPECT_PTR_NE(test, before, after);
	KUNIT_EXPECT_EQ(test, after->profiles[XG_PROFILE_DEFAULT].mode,
			XFRM_GUARD_MODE_AUDIT);
	KUNIT_EXPECT_EQ(test, atomic_read(&xn->gen), gen + 1);
	xg_t_net_exit(xn);
}

static void failed_change_publishes_nothing(struct kunit *test)
{
	const struct xg_config *before;
	struct xg_rule r = xg_t_rule_3260;
	struct xg_net *xn;
	int gen;

	xn = xg_t_net_init(test);
	before = rcu_access_pointer(xn->cfg);
	gen = atomic_read(&xn->gen);
	r.profile = XG_PROFILE_DEFAULT;
	KUNIT_EXPECT_EQ(test,
			xg_config_update(xn, xg_t_change_then_fail, &r, NULL),
			-EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(xn->cfg), before);
	KUNIT_EXPECT_EQ(test, before->profiles[XG_PROFILE_DEFAULT].mode,
			XFRM_GUARD_MODE_ENFORCE);
	KUNIT_EXPECT_NULL(test, before->rules);
	KUNIT_EXPECT_EQ(test, atomic_read(&xn->gen), gen);
	xg_t_net_exit(xn);
}

static void flow_gets_its_rules_profile_else_default(struct kunit *test)
{
	struct xg_flow portal = {
		.owner = XFRM_GUARD_OWNER_ANY,
		.family = AF_INET,
		.rport = 40000,
		.lport = 3260,
	};
	struct xg_flow other = portal;
	const struct xg_config *cfg;
	struct xg_net *xn;

	other.lport = 3261;
	xn = xg_t_net_init(test);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	rcu_read_lock();
	cfg = xg_config_get(xn);
	KUNIT_EXPECT_PTR_EQ(test, xg_config_profile(cfg, &portal),
			    &cfg->profiles[2]);
	KUNIT_EXPECT_PTR_EQ(test, xg_config_profile(cfg, &other),
			    &cfg->profiles[XG_PROFILE_DEFAULT]);
	rcu_read_unlock();
	xg_t_net_exit(xn);
}

static void rule_to_missing_profile_falls_back_to_default(struct kunit *test)
{
	struct xg_flow portal = {
		.owner = XFRM_GUARD_OWNER_ANY,
		.family = AF_INET,
		.lport = 3260,
	};
	struct xg_config *cfg;
	struct xg_net *xn;

	xn = xg_t_net_init(test);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	/* Writers never let this happen; readers must still fail safe. */
	cfg = rcu_dereference_protected(xn->cfg, true);
	__clear_bit(2, cfg->profile_used);
	KUNIT_EXPECT_PTR_EQ(test, xg_config_profile(cfg, &portal),
			    (const struct xg_profile *)&cfg->profiles[XG_PROFILE_DEFAULT]);
	xg_t_net_exit(xn);
}

/* A namespace's state that counts its re-evaluations. */
struct xg_t_counted {
	struct xg_net xn;
	atomic_t runs;
};

static void xg_t_count_work(struct work_struct *work)
{
	struct xg_t_counted *t = container_of(work, struct xg_t_counted,
					      xn.reeval_work);

	atomic_inc(&t->runs);
}

static void xg_t_counted_cancel(void *data)
{
	struct xg_t_counted *t = data;

	/* A work a failing test left queued must not outlive @t. */
	cancel_work_sync(&t->xn.reeval_work);
}

/* The pernet code's own state, with no namespace behind it. */
static struct xg_t_counted *xg_t_counted_setup(struct kunit *test)
{
	struct xg_t_counted *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, xg_net_setup(&t->xn, NULL), 0);
	INIT_WORK(&t->xn.reeval_work, xg_t_count_work);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							xg_t_counted_cancel, t), 0);
	return t;
}

/*
 * Our pernet exit runs before xfrm's, so xfrm's SA timers can still expire
 * and notify (xg_km_changed()) after it: the re-evaluation must then not be
 * queued, or it would run on a freed namespace.
 */
static void km_event_after_teardown_queues_nothing(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	bool queued;

	xg_net_teardown(&t->xn);
	/* What an SA's hard expiry does in xfrm's timer, softirq. */
	local_bh_disable();
	xg_km_changed(&t->xn);
	local_bh_enable();
	queued = work_pending(&t->xn.reeval_work);
	KUNIT_EXPECT_FALSE_MSG(test, queued, "xfrm event queued the work");
	flush_work(&t->xn.reeval_work);
	/* Every other site queues it directly (conn.c, xg_config_update()). */
	queued = queue_work(system_wq, &t->xn.reeval_work);
	KUNIT_EXPECT_FALSE_MSG(test, queued, "queue_work() queued the work");
	flush_work(&t->xn.reeval_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs), 0);
}

/* A re-evaluation queued before the teardown is done or gone after it. */
static void teardown_leaves_no_reevaluation_behind(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	int runs;

	local_bh_disable();
	xg_km_changed(&t->xn);
	local_bh_enable();
	xg_net_teardown(&t->xn);
	runs = atomic_read(&t->runs);
	KUNIT_EXPECT_LE(test, runs, 1);
	KUNIT_EXPECT_EQ(test, work_busy(&t->xn.reeval_work), 0U);
	flush_work(&t->xn.reeval_work);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs), runs);
}

static int xg_t_del_rule(struct xg_config *cfg, void *arg,
			 struct netlink_ext_ack *extack)
{
	struct xg_rule_table *t;

	t = xg_rules_remove(cfg->rules, arg, GFP_KERNEL, extack);
	if (IS_ERR(t))
		return PTR_ERR(t);
	cfg->rules = t;
	return 0;
}

static const struct xg_rule xg_t_rule_iscsi_3260 = {
	.priority = 20,
	.owner = XFRM_GUARD_OWNER_ISCSI,
	.rport_hi = U16_MAX,
	.lport_lo = 3260,
	.lport_hi = 3260,
	.profile = 2,
};

static void new_namespace_is_not_hooked(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);

	KUNIT_EXPECT_FALSE(test, t->xn.hooked);
	KUNIT_EXPECT_EQ(test, t->xn.hook_users, 0U);
	xg_net_teardown(&t->xn);
}

/*
 * A guarded connection as the table and the hooks see it: a tuple, no
 * socket. @peer tells apart connections that share a local port.
 */
static struct xfrm_guard_conn *xg_t_conn(struct kunit *test,
					 struct xg_net *xn, u16 family,
					 u16 lport, u8 peer)
{
	struct xfrm_guard_conn *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->xn = xn;
	c->owner = XFRM_GUARD_OWNER_ISCSI;
	c->enforced = true;
	c->t.family = family;
	c->t.lport = htons(lport);
	c->t.rport = htons(3260);
	if (family == AF_INET) {
		c->t.laddr.ip = htonl(0xc0000201);
		c->t.raddr.ip = htonl(0xc0000200 | peer);
	} else {
		c->t.laddr.in6.s6_addr32[0] = htonl(0x20010db8);
		c->t.laddr.in6.s6_addr32[3] = htonl(1);
		c->t.raddr.in6.s6_addr32[0] = htonl(0x20010db8);
		c->t.raddr.in6.s6_addr32[3] = htonl(0x100 | peer);
	}
	return c;
}

/* Is @port in the namespace's port filter? None: nothing is. */
static bool xg_t_in_filter(struct xg_net *xn, u16 port)
{
	const struct xg_ports *p = rcu_dereference_protected(xn->ports, true);

	return p && test_bit(port, p->map);
}

static unsigned int xg_t_filter_weight(struct xg_net *xn)
{
	const struct xg_ports *p = rcu_dereference_protected(xn->ports, true);

	return p ? bitmap_weight(p->map, XG_PORTS) : 0;
}

/* One reference per guarded connection: the last one unhooks. */
static void hooks_stay_until_their_last_user_goes(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xfrm_guard_conn *a = xg_t_conn(test, &t->xn, AF_INET, 40000, 2);
	struct xfrm_guard_conn *b = xg_t_conn(test, &t->xn, AF_INET, 40001, 2);

	KUNIT_ASSERT_EQ(test, xg_conn_insert(&t->xn, a), 0);
	KUNIT_EXPECT_TRUE(test, t->xn.hooked);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(&t->xn, b), 0);
	KUNIT_EXPECT_EQ(test, t->xn.hook_users, 2U);
	xg_conn_remove(a);
	KUNIT_EXPECT_TRUE(test, t->xn.hooked);
	xg_conn_remove(b);
	KUNIT_EXPECT_FALSE(test, t->xn.hooked);
	KUNIT_EXPECT_EQ(test, t->xn.hook_users, 0U);
	xg_net_teardown(&t->xn);
}

/*
 * Portal rules hook the namespace as one user, from the first one added
 * (before its configuration is published) to the last one removed; other
 * rules guard only attached connections and hook nothing.
 */
static void portal_rules_hook_the_namespace(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xg_rule second = xg_t_rule_3260;

	second.priority = 11;
	second.lport_lo = 3261;
	second.lport_hi = 3261;
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule,
					       (void *)&xg_t_rule_iscsi_3260,
					       NULL), 0);
	KUNIT_EXPECT_FALSE(test, xn->hooked);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_EXPECT_TRUE(test, xn->hooked);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule, &second,
					       NULL), 0);
	KUNIT_EXPECT_EQ(test, xn->hook_users, 1U);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_EXPECT_TRUE(test, xn->hooked);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule, &second,
					       NULL), 0);
	KUNIT_EXPECT_FALSE(test, xn->hooked);
	KUNIT_EXPECT_EQ(test, xn->hook_users, 0U);
	xg_net_teardown(xn);
}

/* A connection keeps the hooks when the last portal rule goes. */
static void connection_keeps_hooks_after_portal_rule_goes(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *c = xg_t_conn(test, xn, AF_INET, 40000, 2);

	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, c), 0);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_EXPECT_TRUE(test, xn->hooked);
	xg_conn_remove(c);
	KUNIT_EXPECT_FALSE(test, xn->hooked);
	xg_net_teardown(xn);
}

static void failed_portal_change_takes_no_hook(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_rule r = xg_t_rule_3260;

	r.profile = XG_PROFILE_DEFAULT;
	KUNIT_EXPECT_EQ(test, xg_config_update(&t->xn, xg_t_change_then_fail,
					       &r, NULL), -EINVAL);
	KUNIT_EXPECT_FALSE(test, t->xn.hooked);
	KUNIT_EXPECT_EQ(test, t->xn.hook_users, 0U);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(t->xn.ports));
	xg_net_teardown(&t->xn);
}

/* A namespace that goes away with a portal rule is unhooked. */
static void teardown_unhooks_a_portal_namespace(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);

	KUNIT_ASSERT_EQ(test, xg_config_update(&t->xn, xg_t_add_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_EXPECT_TRUE(test, t->xn.hooked);
	xg_net_teardown(&t->xn);
	KUNIT_EXPECT_FALSE(test, t->xn.hooked);
	KUNIT_EXPECT_EQ(test, t->xn.hook_users, 0U);
}

/*
 * The port filter. A connection's local port is in it from before the
 * connection is in the table until after it left, whatever else shares the
 * port; nothing else is.
 */
static void connection_port_is_in_filter_while_attached(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *a = xg_t_conn(test, xn, AF_INET, 40000, 2);
	struct xfrm_guard_conn *b = xg_t_conn(test, xn, AF_INET6, 50000, 2);

	KUNIT_EXPECT_NULL(test, rcu_access_pointer(xn->ports));
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, a), 0);
	KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, 40000));
	KUNIT_EXPECT_EQ(test, xg_t_filter_weight(xn), 1U);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, b), 0);
	/* The filter knows ports, not families: IPv6's 50000 is IPv4's. */
	KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, 50000));
	KUNIT_EXPECT_EQ(test, xg_t_filter_weight(xn), 2U);
	xg_conn_remove(a);
	KUNIT_EXPECT_FALSE(test, xg_t_in_filter(xn, 40000));
	KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, 50000));
	xg_conn_remove(b);
	/* Nothing guarded: no hooks, no filter. */
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(xn->ports));
	xg_net_teardown(xn);
}

/* Two connections on one local port (a server's): the port stays for both. */
static void shared_port_stays_until_its_last_connection_goes(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *a = xg_t_conn(test, xn, AF_INET, 4420, 2);
	struct xfrm_guard_conn *b = xg_t_conn(test, xn, AF_INET, 4420, 3);
	struct xfrm_guard_conn *other = xg_t_conn(test, xn, AF_INET, 40000, 2);

	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, other), 0);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, a), 0);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, b), 0);
	xg_conn_remove(a);
	KUNIT_EXPECT_TRUE_MSG(test, xg_t_in_filter(xn, 4420),
			      "port of a connection still attached left the filter");
	xg_conn_remove(b);
	KUNIT_EXPECT_FALSE(test, xg_t_in_filter(xn, 4420));
	KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, 40000));
	xg_conn_remove(other);
	xg_net_teardown(xn);
}

/* A connection that is already attached: the second attach changes nothing. */
static void refused_duplicate_leaves_filter_and_hooks(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *a = xg_t_conn(test, xn, AF_INET, 40000, 2);
	struct xfrm_guard_conn *dup = xg_t_conn(test, xn, AF_INET, 40000, 2);

	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, a), 0);
	KUNIT_EXPECT_EQ(test, xg_conn_insert(xn, dup), -EEXIST);
	KUNIT_EXPECT_EQ(test, xn->hook_users, 1U);
	KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, 40000));
	xg_conn_remove(a);
	KUNIT_EXPECT_FALSE(test, xn->hooked);
	xg_net_teardown(xn);
}

struct xg_t_portal_case {
	const char *desc;
	enum xfrm_guard_owner owner;
	u16 lo;
	u16 hi;
	unsigned int ports;	/* how many the filter must hold */
};

static const struct xg_t_portal_case xg_t_portal_cases[] = {
	{ "one_port", XFRM_GUARD_OWNER_ANY, 3260, 3260, 1 },
	{ "a_range", XFRM_GUARD_OWNER_ANY, 3260, 3270, 11 },
	{ "every_port_but_0", XFRM_GUARD_OWNER_ANY, 1, U16_MAX, U16_MAX },
	{ "every_port_but_65535", XFRM_GUARD_OWNER_ANY, 0, U16_MAX - 1,
	  U16_MAX },
	/* Not portal rules: they guard no portal, so no port. */
	{ "owner_any_naming_no_port", XFRM_GUARD_OWNER_ANY, 0, U16_MAX, 0 },
	{ "an_owners_rule", XFRM_GUARD_OWNER_ISCSI, 3260, 3260, 0 },
};

static void xg_t_portal_desc(const struct xg_t_portal_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xg_t_portal, xg_t_portal_cases, xg_t_portal_desc);

/* A portal rule's ports, all of them and only them, while it exists. */
static void portal_rule_ports_are_in_filter(struct kunit *test)
{
	const struct xg_t_portal_case *pc = test->param_value;
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xg_rule r = {
		.priority = 10,
		.owner = pc->owner,
		.rport_hi = U16_MAX,
		.lport_lo = pc->lo,
		.lport_hi = pc->hi,
		.profile = XG_PROFILE_DEFAULT,
	};

	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule, &r, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_filter_weight(xn), pc->ports);
	KUNIT_EXPECT_EQ(test, xn->hooked, pc->ports != 0);
	if (pc->ports) {
		KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, pc->lo));
		KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, pc->hi));
		if (pc->lo > 0)
			KUNIT_EXPECT_FALSE(test, xg_t_in_filter(xn, pc->lo - 1));
		if (pc->hi < U16_MAX)
			KUNIT_EXPECT_FALSE(test, xg_t_in_filter(xn, pc->hi + 1));
	}
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule, &r, NULL), 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(xn->ports));
	KUNIT_EXPECT_FALSE(test, xn->hooked);
	xg_net_teardown(xn);
}

/* Removing a rule takes out its ports, but none another one still needs. */
static void rule_removal_keeps_ports_others_need(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *c = xg_t_conn(test, xn, AF_INET, 3260, 2);
	struct xg_rule a = xg_t_rule_3260, b = xg_t_rule_3260;
	unsigned int port;

	a.lport_hi = 3262;
	b.priority = 11;
	b.lport_lo = 3262;
	b.lport_hi = 3264;
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule, &a, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule, &b, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, c), 0);
	for (port = 3260; port <= 3264; port++)
		KUNIT_EXPECT_TRUE(test, xg_t_in_filter(xn, port));

	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule, &a, NULL), 0);
	KUNIT_EXPECT_TRUE_MSG(test, xg_t_in_filter(xn, 3260),
			      "the connection's port went with the rule");
	KUNIT_EXPECT_FALSE(test, xg_t_in_filter(xn, 3261));
	KUNIT_EXPECT_TRUE_MSG(test, xg_t_in_filter(xn, 3262),
			      "the other rule's port went with the rule");
	KUNIT_EXPECT_EQ(test, xg_t_filter_weight(xn), 4U);

	xg_conn_remove(c);
	KUNIT_EXPECT_FALSE(test, xg_t_in_filter(xn, 3260));
	KUNIT_EXPECT_EQ(test, xg_t_filter_weight(xn), 3U);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule, &b, NULL), 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(xn->ports));
	xg_net_teardown(xn);
}

/* Take @port out of the filter behind the writers' back. */
static void xg_t_filter_forget(struct kunit *test, struct xg_net *xn,
			       u16 port)
{
	struct xg_ports *p, *old;

	mutex_lock(&xn->hooks_lock);
	old = rcu_dereference_protected(xn->ports,
					lockdep_is_held(&xn->hooks_lock));
	p = kmemdup(old, sizeof(*p), GFP_KERNEL);
	if (p) {
		__clear_bit(port, p->map);
		rcu_assign_pointer(xn->ports, p);
	}
	mutex_unlock(&xn->hooks_lock);
	KUNIT_ASSERT_NOT_NULL(test, p);
	synchronize_rcu();
	kfree(old);
}

/*
 * The hooks' first question (xg_skb_filter()), asked of real segments in a
 * namespace that guards a connection on local port 40000, a portal on 3260,
 * and a connection on 9 whose port the test took out of the filter: only
 * the filter decides, so a segment to 9 goes without a lookup that would
 * have found the connection.
 */
struct xg_t_seg_case {
	const char *desc;
	u16 family;
	u8 proto;
	bool out;
	u16 sport;
	u16 dport;
	u16 sock_lport;	/* the sending socket's local port; 0: no socket */
	bool checked;
};

static const struct xg_t_seg_case xg_t_seg_cases[] = {
	{ "in_to_a_connections_port", AF_INET, IPPROTO_TCP, false,
	  3260, 40000, 0, true },
	{ "in_v6_to_a_portal", AF_INET6, IPPROTO_TCP, false,
	  50000, 3260, 0, true },
	{ "in_from_a_guarded_port_is_not_to_it", AF_INET, IPPROTO_TCP, false,
	  40000, 5000, 0, false },
	{ "in_to_an_unguarded_port", AF_INET6, IPPROTO_TCP, false,
	  3260, 3261, 0, false },
	{ "in_to_a_port_the_filter_lacks", AF_INET, IPPROTO_TCP, false,
	  3260, 9, 0, false },
	{ "in_not_tcp", AF_INET, IPPROTO_UDP, false, 5000, 40000, 0, false },
	{ "out_from_a_connections_port", AF_INET, IPPROTO_TCP, true,
	  40000, 3260, 0, true },
	{ "out_v6_from_a_portal", AF_INET6, IPPROTO_TCP, true,
	  3260, 50000, 0, true },
	{ "out_to_a_guarded_port_is_not_from_it", AF_INET, IPPROTO_TCP, true,
	  5000, 40000, 0, false },
	{ "out_nat_rewrote_the_sockets_guarded_port", AF_INET, IPPROTO_TCP,
	  true, 61000, 3260, 40000, true },
	{ "out_socket_and_header_unguarded", AF_INET6, IPPROTO_TCP, true,
	  5000, 3260, 5001, false },
};

static void xg_t_seg_desc(const struct xg_t_seg_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xg_t_seg, xg_t_seg_cases, xg_t_seg_desc);

/* An IP packet with a 20-byte TCP (or other) header, from @sport to @dport. */
static struct sk_buff *xg_t_segment(struct kunit *test,
				    const struct xg_t_seg_case *c)
{
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(MAX_HEADER + 128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, MAX_HEADER);
	skb_reset_network_header(skb);
	if (c->family == AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = sizeof(*iph) / 4;
		iph->ttl = 64;
		iph->protocol = c->proto;
		iph->tot_len = htons(sizeof(*iph) + sizeof(*th));
		iph->saddr = htonl(0xc0000201);
		iph->daddr = htonl(0xc0000202);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		ip6h->version = 6;
		ip6h->nexthdr = c->proto;
		ip6h->hop_limit = 64;
		ip6h->payload_len = htons(sizeof(*th));
		ip6h->saddr.s6_addr32[0] = htonl(0x20010db8);
		ip6h->saddr.s6_addr32[3] = htonl(1);
		ip6h->daddr.s6_addr32[0] = htonl(0x20010db8);
		ip6h->daddr.s6_addr32[3] = htonl(2);
	}
	skb_set_transport_header(skb, skb->len);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(c->sport);
	th->dest = htons(c->dport);
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	return skb;
}

static void segment_is_checked_only_on_a_guarded_port(struct kunit *test)
{
	const struct xg_t_seg_case *sc = test->param_value;
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *a = xg_t_conn(test, xn, AF_INET, 40000, 2);
	struct xfrm_guard_conn *hidden = xg_t_conn(test, xn, AF_INET, 9, 2);
	struct xg_rule r = xg_t_rule_3260;
	const struct tcphdr *th;
	struct sk_buff *skb;
	struct tcphdr buf;
	struct sock *sk;

	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule, &r, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, a), 0);
	KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, hidden), 0);
	xg_t_filter_forget(test, xn, 9);

	skb = xg_t_segment(test, sc);
	if (sc->sock_lport) {
		/* Only the socket's local port is read. */
		sk = kunit_kzalloc(test, sizeof(*sk), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sk);
		sk->sk_num = sc->sock_lport;
		skb->sk = sk;
	}
	rcu_read_lock();
	th = xg_skb_filter_test(xn, skb, sc->family == AF_INET ?
				NFPROTO_IPV4 : NFPROTO_IPV6, sc->out, &buf);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, !!th, sc->checked);
	if (th)
		KUNIT_EXPECT_EQ(test, ntohs(th->dest), sc->dport);
	skb->sk = NULL;
	kfree_skb(skb);

	xg_conn_remove(hidden);
	xg_conn_remove(a);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule, &r, NULL), 0);
	xg_net_teardown(xn);
}

/*
 * The filter against a model, through a long random walk of attaches,
 * detaches, rule additions and removals: after every step it holds every
 * port a connection or portal rule guards (a missing one would let that
 * port's segments through unchecked) and no other.
 */
#define XG_T_WALK_CONNS	8
#define XG_T_WALK_RULES	5
#define XG_T_WALK_STEPS	600

static const u16 xg_t_walk_lports[XG_T_WALK_CONNS] = {
	3260, 3260, 3261, 40000, 40000, 9, U16_MAX, 1,
};

static const struct xg_rule xg_t_walk_rules[XG_T_WALK_RULES] = {
	{ .priority = 1, .owner = XFRM_GUARD_OWNER_ANY, .rport_hi = U16_MAX,
	  .lport_lo = 3260, .lport_hi = 3262 },
	{ .priority = 2, .owner = XFRM_GUARD_OWNER_ANY, .rport_hi = U16_MAX,
	  .lport_lo = 3262, .lport_hi = 3262 },
	{ .priority = 3, .owner = XFRM_GUARD_OWNER_ANY, .rport_hi = U16_MAX,
	  .lport_lo = 40000, .lport_hi = 40100 },
	/* not portal rules */
	{ .priority = 4, .owner = XFRM_GUARD_OWNER_ANY, .rport_hi = U16_MAX,
	  .lport_hi = U16_MAX },
	{ .priority = 5, .owner = XFRM_GUARD_OWNER_ISCSI, .rport_hi = U16_MAX,
	  .lport_lo = 9, .lport_hi = 9 },
};

static void xg_t_walk_check(struct kunit *test, struct xg_net *xn,
			    const unsigned long *want, unsigned int step)
{
	const struct xg_ports *p = rcu_dereference_protected(xn->ports, true);
	unsigned int port;

	if (!p) {
		KUNIT_ASSERT_TRUE_MSG(test, bitmap_empty(want, XG_PORTS),
				      "step %u: no filter while ports are guarded",
				      step);
		KUNIT_ASSERT_FALSE(test, xn->hooked);
		return;
	}
	KUNIT_ASSERT_TRUE(test, xn->hooked);
	for_each_set_bit(port, want, XG_PORTS)
		KUNIT_ASSERT_TRUE_MSG(test, test_bit(port, p->map),
				      "step %u: guarded port %u not in the filter",
				      step, port);
	for_each_set_bit(port, p->map, XG_PORTS)
		KUNIT_ASSERT_TRUE_MSG(test, test_bit(port, want),
				      "step %u: port %u in the filter, guarded by nothing",
				      step, port);
}

static void filter_holds_exactly_the_guarded_ports(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);
	struct xg_net *xn = &t->xn;
	struct xfrm_guard_conn *conns[XG_T_WALK_CONNS];
	bool attached[XG_T_WALK_CONNS] = {}, ruled[XG_T_WALK_RULES] = {};
	struct rnd_state rnd;
	unsigned long *want;
	unsigned int i, step;

	want = kunit_kzalloc(test, BITS_TO_LONGS(XG_PORTS) * sizeof(long),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; i < XG_T_WALK_CONNS; i++)
		conns[i] = xg_t_conn(test, xn, i & 1 ? AF_INET6 : AF_INET,
				     xg_t_walk_lports[i], i);
	prandom_seed_state(&rnd, 3260);

	for (step = 0; step < XG_T_WALK_STEPS; step++) {
		i = prandom_u32_state(&rnd) % (XG_T_WALK_CONNS + XG_T_WALK_RULES);
		if (i < XG_T_WALK_CONNS) {
			if (attached[i])
				xg_conn_remove(conns[i]);
			else
				KUNIT_ASSERT_EQ(test, xg_conn_insert(xn, conns[i]), 0);
			attached[i] = !attached[i];
		} else {
			i -= XG_T_WALK_CONNS;
			KUNIT_ASSERT_EQ(test, xg_config_update(xn, ruled[i] ?
							       xg_t_del_rule :
							       xg_t_add_rule,
							       (void *)&xg_t_walk_rules[i],
							       NULL), 0);
			ruled[i] = !ruled[i];
		}

		bitmap_zero(want, XG_PORTS);
		for (i = 0; i < XG_T_WALK_CONNS; i++)
			if (attached[i])
				__set_bit(xg_t_walk_lports[i], want);
		for (i = 0; i < XG_T_WALK_RULES; i++) {
			const struct xg_rule *r = &xg_t_walk_rules[i];

			if (ruled[i] && xg_rule_is_portal(r))
				bitmap_set(want, r->lport_lo,
					   r->lport_hi - r->lport_lo + 1);
		}
		xg_t_walk_check(test, xn, want, step);
	}

	for (i = 0; i < XG_T_WALK_CONNS; i++)
		if (attached[i])
			xg_conn_remove(conns[i]);
	for (i = 0; i < XG_T_WALK_RULES; i++)
		if (ruled[i])
			KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule,
							       (void *)&xg_t_walk_rules[i],
							       NULL), 0);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(xn->ports));
	xg_net_teardown(xn);
}

static struct kunit_case xg_netns_cases[] = {
	KUNIT_CASE(config_change_is_published_and_moves_generation),
	KUNIT_CASE(failed_change_publishes_nothing),
	KUNIT_CASE(flow_gets_its_rules_profile_else_default),
	KUNIT_CASE(rule_to_missing_profile_falls_back_to_default),
	KUNIT_CASE(km_event_after_teardown_queues_nothing),
	KUNIT_CASE(teardown_leaves_no_reevaluation_behind),
	KUNIT_CASE(new_namespace_is_not_hooked),
	KUNIT_CASE(hooks_stay_until_their_last_user_goes),
	KUNIT_CASE(portal_rules_hook_the_namespace),
	KUNIT_CASE(connection_keeps_hooks_after_portal_rule_goes),
	KUNIT_CASE(failed_portal_change_takes_no_hook),
	KUNIT_CASE(teardown_unhooks_a_portal_namespace),
	KUNIT_CASE(connection_port_is_in_filter_while_attached),
	KUNIT_CASE(shared_port_stays_until_its_last_connection_goes),
	KUNIT_CASE(refused_duplicate_leaves_filter_and_hooks),
	KUNIT_CASE_PARAM(portal_rule_ports_are_in_filter, xg_t_portal_gen_params),
	KUNIT_CASE(rule_removal_keeps_ports_others_need),
	KUNIT_CASE_PARAM(segment_is_checked_only_on_a_guarded_port,
			 xg_t_seg_gen_params),
	KUNIT_CASE(filter_holds_exactly_the_guarded_ports),
	{}
};

static struct kunit_suite xg_netns_suite = {
	.name = "xg_netns",
	.test_cases = xg_netns_cases,
};

kunit_test_suite(xg_netns_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the xfrm_guard per-namespace configuration");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
