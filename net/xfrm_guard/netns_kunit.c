// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-namespace configuration. A change is published whole or
 * not at all, moves the namespace's generation so connections are judged
 * again, and a flow gets its rule's profile or, failing that, the default.
 * Once a namespace's state is torn down, nothing can queue its
 * re-evaluation any more, whatever xfrm still reports about it. The
 * netfilter hooks are there exactly while a connection or a portal rule
 * needs them.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

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

/* One reference per guarded connection: the last one unhooks. */
static void hooks_stay_until_their_last_user_goes(struct kunit *test)
{
	struct xg_t_counted *t = xg_t_counted_setup(test);

	KUNIT_ASSERT_EQ(test, xg_net_hooks_get(&t->xn), 0);
	KUNIT_EXPECT_TRUE(test, t->xn.hooked);
	KUNIT_ASSERT_EQ(test, xg_net_hooks_get(&t->xn), 0);
	KUNIT_EXPECT_EQ(test, t->xn.hook_users, 2U);
	xg_net_hooks_put(&t->xn);
	KUNIT_EXPECT_TRUE(test, t->xn.hooked);
	xg_net_hooks_put(&t->xn);
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

	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_add_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_net_hooks_get(xn), 0);
	KUNIT_ASSERT_EQ(test, xg_config_update(xn, xg_t_del_rule,
					       (void *)&xg_t_rule_3260, NULL), 0);
	KUNIT_EXPECT_TRUE(test, xn->hooked);
	xg_net_hooks_put(xn);
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
