// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xfrm_guard rule matching (rules.c).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/inet.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "policy.h"
#include "rules.h"

#define ANY	XFRM_GUARD_OWNER_ANY
#define ISCSI	XFRM_GUARD_OWNER_ISCSI
#define IWARP	XFRM_GUARD_OWNER_IWARP

/* A rule as an administrator would type it. */
struct xg_t_spec {
	u32 prio;
	enum xfrm_guard_owner owner;
	u16 family;
	const char *addr;
	u8 len;
	u16 rlo, rhi;
	u16 llo, lhi;
	u32 profile;
};

static void xg_t_addr(struct kunit *test, u16 family, const char *s,
		      union xg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!s)
		return;
	if (family == AF_INET)
		KUNIT_ASSERT_TRUE_MSG(test, in4_pton(s, -1, (u8 *)&a->ip, -1,
						     NULL), "%s", s);
	else
		KUNIT_ASSERT_TRUE_MSG(test, in6_pton(s, -1, a->in6.s6_addr, -1,
						     NULL), "%s", s);
}

static void xg_t_rule(struct kunit *test, const struct xg_t_spec *s,
		      struct xg_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->priority = s->prio;
	r->owner = s->owner;
	r->family = s->family;
	r->prefix_len = s->len;
	xg_t_addr(test, s->family, s->addr, &r->remote);
	r->rport_lo = s->rlo;
	r->rport_hi = s->rhi;
	r->lport_lo = s->llo;
	r->lport_hi = s->lhi;
	r->profile = s->profile;
}

static void xg_t_flow(struct kunit *test, struct xg_flow *f,
		      enum xfrm_guard_owner owner, u16 family,
		      const char *addr, u16 rport, u16 lport)
{
	memset(f, 0, sizeof(*f));
	f->owner = owner;
	f->family = family;
	xg_t_addr(test, family, addr, &f->remote);
	f->rport = rport;
	f->lport = lport;
}

struct xg_t_ctx {
	struct xg_rule_table *t;
};

static int xg_rules_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct xg_t_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void xg_rules_test_exit(struct kunit *test)
{
	struct xg_t_ctx *c = test->priv;

	xg_rules_free(c->t);
}

static int xg_t_add(struct kunit *test, const struct xg_t_spec *s,
		    struct netlink_ext_ack *extack)
{
	struct xg_t_ctx *c = test->priv;
	struct xg_rule_table *n;
	struct xg_rule r;

	xg_t_rule(test, s, &r);
	n = xg_rules_insert(c->t, &r, GFP_KERNEL, extack);
	if (IS_ERR(n))
		return PTR_ERR(n);
	xg_rules_free(c->t);
	c->t = n;
	return 0;
}

static int xg_t_del(struct kunit *test, const struct xg_t_spec *s,
		    struct netlink_ext_ack *extack)
{
	struct xg_t_ctx *c = test->priv;
	struct xg_rule_table *n;
	struct xg_rule r;

	xg_t_rule(test, s, &r);
	n = xg_rules_remove(c->t, &r, GFP_KERNEL, extack);
	if (IS_ERR(n))
		return PTR_ERR(n);
	xg_rules_free(c->t);
	c->t = n;
	return 0;
}

static u32 xg_t_profile(struct kunit *test, enum xfrm_guard_owner owner,
			u16 family, const char *addr, u16 rport, u16 lport)
{
	struct xg_t_ctx *c = test->priv;
	struct xg_flow f;

	xg_t_flow(test, &f, owner, family, addr, rport, lport);
	return xg_rules_profile(c->t, &f);
}

static unsigned int xg_t_count(struct kunit *test)
{
	struct xg_t_ctx *c = test->priv;

	return c->t ? c->t->count : 0;
}

static void first_matching_rule_by_priority_wins(struct kunit *test)
{
	const struct xg_t_spec broad = {
		20, ANY, AF_INET, "10.0.0.0", 8, 0, 65535, 0, 65535, 2,
	};
	const struct xg_t_spec narrow = {
		10, ISCSI, AF_INET, "10.1.0.0", 16, 3260, 3260, 0, 65535, 1,
	};
	const struct xg_t_spec portal = {
		5, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 9999, 9999, 3,
	};
	struct xg_t_ctx *c = test->priv;
	const struct xg_rule *r;
	struct xg_flow f;

	/* added broad first: the order of insertion must not matter */
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &broad, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &narrow, NULL), 0);

	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.1.2.3",
					   3260, 40000), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.2.0.1",
					   3260, 40000), 2U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, IWARP, AF_INET, "10.1.2.3",
					   3260, 40000), 2U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.1.2.3",
					   3261, 40000), 2U);

	xg_t_flow(test, &f, ISCSI, AF_INET, "10.1.2.3", 3260, 40000);
	r = xg_rules_match(c->t, &f);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->priority, 10U);

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &portal, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.1.2.3",
					   3260, 9999), 3U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.1.2.3",
					   3260, 9998), 1U);
}

static void rules_kept_in_priority_order(struct kunit *test)
{
	static const u32 prios[] = { 30, 10, 20, 5, 40, 15 };
	struct xg_t_ctx *c = test->priv;
	struct xg_t_spec s = {
		0, ANY, AF_INET, "192.0.2.0", 24, 0, 65535, 0, 65535, 0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prios); i++) {
		s.prio = prios[i];
		s.profile = i;
		KUNIT_ASSERT_EQ(test, xg_t_add(test, &s, NULL), 0);
	}
	KUNIT_ASSERT_EQ(test, xg_t_count(test), (unsigned int)ARRAY_SIZE(prios));
	for (i = 1; i < c->t->count; i++)
		KUNIT_EXPECT_LT(test, c->t->rules[i - 1].priority,
				c->t->rules[i].priority);
	/* priority 5 was the fourth rule added */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "192.0.2.1",
					   1, 1), 3U);
}

static void no_match_falls_back_to_default_profile(struct kunit *test)
{
	const struct xg_t_spec v4 = {
		10, ANY, AF_INET, "192.0.2.0", 24, 0, 65535, 0, 65535, 4,
	};
	struct xg_flow f;

	/* no table at all */
	xg_t_flow(test, &f, ISCSI, AF_INET, "192.0.2.1", 3260, 1);
	KUNIT_EXPECT_NULL(test, xg_rules_match(NULL, &f));
	KUNIT_EXPECT_EQ(test, xg_rules_profile(NULL, &f),
			(u32)XG_PROFILE_DEFAULT);

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &v4, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "192.0.2.1",
					   3260, 1), 4U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "198.51.100.1",
					   3260, 1), (u32)XG_PROFILE_DEFAULT);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET6, "2001:db8::1",
					   3260, 1), (u32)XG_PROFILE_DEFAULT);
}

static void overlapping_rule_same_priority_refused(struct kunit *test)
{
	const struct xg_t_spec a = {
		10, ISCSI, AF_INET, "10.0.0.0", 8, 3260, 3260, 0, 65535, 1,
	};
	struct xg_t_spec b = {
		10, ANY, AF_INET, "10.1.0.0", 16, 0, 65535, 0, 65535, 2,
	};
	struct netlink_ext_ack extack = {};
	struct xg_t_ctx *c = test->priv;
	struct xg_rule_table *before;

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &a, NULL), 0);
	before = c->t;
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &b, &extack), -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, c->t, before);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 1U);

	/* at another priority the order is defined: accepted */
	b.prio = 11;
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &b, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 2U);
}

struct xg_overlap_case {
	const char *desc;
	struct xg_t_spec b;
	int want;
};

/* Each against 10: iscsi 10.0.0.0/16 rport 3260 lport 1024-65535. */
static const struct xg_overlap_case xg_overlap_cases[] = {
	{ "other_owner_is_disjoint",
	  { 10, IWARP, AF_INET, "10.0.0.0", 16, 3260, 3260, 1024, 65535 }, 0 },
	{ "other_prefix_is_disjoint",
	  { 10, ISCSI, AF_INET, "10.1.0.0", 16, 3260, 3260, 1024, 65535 }, 0 },
	{ "other_family_is_disjoint",
	  { 10, ISCSI, AF_INET6, "2001:db8::", 32, 3260, 3260, 1024, 65535 },
	  0 },
	{ "other_remote_port_is_disjoint",
	  { 10, ISCSI, AF_INET, "10.0.0.0", 16, 860, 860, 1024, 65535 }, 0 },
	{ "other_local_port_is_disjoint",
	  { 10, ISCSI, AF_INET, "10.0.0.0", 16, 3260, 3260, 0, 1023 }, 0 },
	{ "any_owner_overlaps",
	  { 10, ANY, AF_INET, "10.0.0.0", 16, 3260, 3260, 0, 65535 },
	  -EEXIST },
	{ "any_family_overlaps",
	  { 10, ISCSI, AF_UNSPEC, NULL, 0, 3260, 3260, 1024, 65535 },
	  -EEXIST },
	{ "nested_prefix_overlaps",
	  { 10, ISCSI, AF_INET, "10.0.5.0", 24, 3260, 3260, 1024, 65535 },
	  -EEXIST },
	{ "enclosing_prefix_overlaps",
	  { 10, ISCSI, AF_INET, "10.0.0.0", 8, 3260, 3260, 1024, 65535 },
	  -EEXIST },
	{ "port_ranges_sharing_one_port_overlap",
	  { 10, ISCSI, AF_INET, "10.0.0.0", 16, 3000, 3260, 0, 1024 },
	  -EEXIST },
	{ "identical_rule_overlaps",
	  { 10, ISCSI, AF_INET, "10.0.0.0", 16, 3260, 3260, 1024, 65535 },
	  -EEXIST },
};

KUNIT_ARRAY_PARAM_DESC(xg_overlap_cases, xg_overlap_cases, desc);

static void same_priority_rules_must_be_disjoint(struct kunit *test)
{
	const struct xg_overlap_case *oc = test->param_value;
	const struct xg_t_spec a = {
		10, ISCSI, AF_INET, "10.0.0.0", 16, 3260, 3260, 1024, 65535, 1,
	};
	struct xg_t_spec b = oc->b;

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &a, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &b, NULL), oc->want);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), oc->want ? 1U : 2U);

	/* the same match set one priority later is always fine */
	if (oc->want) {
		b.prio = 9;
		KUNIT_EXPECT_EQ(test, xg_t_add(test, &b, NULL), 0);
	}
}

static void owner_selects_rules(struct kunit *test)
{
	const struct xg_t_spec iscsi = {
		10, ISCSI, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec iwarp = {
		20, IWARP, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 2,
	};
	const struct xg_t_spec any = {
		30, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 3,
	};

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &iscsi, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &iwarp, NULL), 0);
	/* an unowned connection (portal guard) matches "any" rules only */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.0.0.1",
					   1, 3260), (u32)XG_PROFILE_DEFAULT);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &any, NULL), 0);

	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3260, 1), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, IWARP, AF_INET, "10.0.0.1",
					   3260, 1), 2U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.0.0.1",
					   1, 3260), 3U);
}

static void ipv4_prefix_boundaries(struct kunit *test)
{
	const struct xg_t_spec s23 = {
		10, ANY, AF_INET, "10.0.2.0", 23, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec s32 = {
		10, ANY, AF_INET, "192.0.2.7", 32, 0, 65535, 0, 65535, 2,
	};

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &s23, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &s32, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.0.2.0",
					   1, 1), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.0.3.255",
					   1, 1), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.0.4.0",
					   1, 1), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.0.1.255",
					   1, 1), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "192.0.2.7",
					   1, 1), 2U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "192.0.2.6",
					   1, 1), 0U);
}

static void ipv6_prefix_boundaries(struct kunit *test)
{
	const struct xg_t_spec s61 = {
		10, ANY, AF_INET6, "2001:db8:0:8::", 61, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec s128 = {
		10, ANY, AF_INET6, "2001:db8::42", 128, 0, 65535, 0, 65535, 2,
	};

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &s61, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &s128, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8:0:8::", 1, 1), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8:0:f:ffff:ffff:ffff:ffff",
					   1, 1), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8:0:10::", 1, 1), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8:0:7:ffff:ffff:ffff:ffff",
					   1, 1), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8::42", 1, 1), 2U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8::43", 1, 1), 0U);
}

static void zero_prefix_keeps_its_family(struct kunit *test)
{
	const struct xg_t_spec v4_all = {
		10, ANY, AF_INET, "0.0.0.0", 0, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec v6_all = {
		20, ANY, AF_INET6, "::", 0, 0, 65535, 0, 65535, 2,
	};
	struct xg_t_ctx *c = test->priv;

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &v4_all, NULL), 0);
	KUNIT_EXPECT_EQ(test, c->t->rules[0].family, (u16)AF_INET);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "203.0.113.9",
					   1, 1), 1U);
	/* 0.0.0.0/0 is every IPv4 address, not every address */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6, "2001:db8::9",
					   1, 1), 0U);
	/* an IPv4 peer of an IPv6 socket is IPv4 */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "::ffff:203.0.113.9", 1, 1), 1U);

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &v6_all, NULL), 0);
	KUNIT_EXPECT_EQ(test, c->t->rules[1].family, (u16)AF_INET6);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6, "2001:db8::9",
					   1, 1), 2U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "203.0.113.9",
					   1, 1), 1U);
}

static void no_remote_matches_both_families(struct kunit *test)
{
	const struct xg_t_spec all = {
		10, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 1,
	};
	struct xg_t_ctx *c = test->priv;

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &all, NULL), 0);
	KUNIT_EXPECT_EQ(test, c->t->rules[0].family, (u16)AF_UNSPEC);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "203.0.113.9",
					   1, 1), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6, "2001:db8::9",
					   1, 1), 1U);
}

/* The same priority may hold a /0 of each family: they do not overlap. */
static void zero_prefixes_of_two_families_do_not_overlap(struct kunit *test)
{
	const struct xg_t_spec v4_all = {
		10, ANY, AF_INET, "0.0.0.0", 0, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec v6_all = {
		10, ANY, AF_INET6, "::", 0, 0, 65535, 0, 65535, 2,
	};
	const struct xg_t_spec all = {
		10, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 3,
	};

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &v4_all, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &v6_all, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &all, NULL), -EEXIST);
	/* and deleting the IPv4 one leaves the IPv6 one */
	KUNIT_EXPECT_EQ(test, xg_t_del(test, &v4_all, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6, "2001:db8::9",
					   1, 1), 2U);
}

static const struct xg_rule *xg_t_portal(struct kunit *test, u16 family,
					 const char *addr, u16 rport,
					 u16 lport)
{
	struct xg_t_ctx *c = test->priv;
	struct xg_flow f;

	xg_t_flow(test, &f, ANY, family, addr, rport, lport);
	return xg_rules_match_portal(c->t, &f);
}

/*
 * A rule that names no local port never decides for a portal, whatever its
 * priority (issue: "remote 10.1.0.0/16 profile 2" at prio 5 switched off
 * the guard of "owner any lport 3260 profile 1" at prio 10).
 */
static void portal_ignores_rules_without_local_port(struct kunit *test)
{
	const struct xg_t_spec subnet4 = {
		5, ANY, AF_INET, "10.1.0.0", 16, 0, 65535, 0, 65535, 2,
	};
	const struct xg_t_spec subnet6 = {
		6, ANY, AF_INET6, "2001:db8::", 32, 0, 65535, 0, 65535, 2,
	};
	const struct xg_t_spec rport = {
		7, ANY, AF_UNSPEC, NULL, 0, 1000, 2000, 0, 65535, 3,
	};
	const struct xg_t_spec portal = {
		10, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 3260, 3260, 1,
	};
	const struct xg_rule *r;

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &subnet4, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &subnet6, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &rport, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &portal, NULL), 0);

	r = xg_t_portal(test, AF_INET, "10.1.2.3", 40000, 3260);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->profile, 1U);
	r = xg_t_portal(test, AF_INET6, "2001:db8::3", 40000, 3260);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->profile, 1U);
	/* the client's choice of source port changes nothing */
	r = xg_t_portal(test, AF_INET, "10.1.2.3", 1500, 3260);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->profile, 1U);
	/* no portal on another local port */
	KUNIT_EXPECT_NULL(test, xg_t_portal(test, AF_INET, "10.1.2.3", 1500,
					    3261));
	/* the attached connections' lookup still sees every rule */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET, "10.1.2.3",
					   40000, 3260), 2U);
}

static void portal_exception_names_the_portal(struct kunit *test)
{
	const struct xg_t_spec lab = {
		5, ANY, AF_INET, "10.9.0.0", 16, 0, 65535, 3260, 3260, 3,
	};
	const struct xg_t_spec portal = {
		10, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 3260, 3260, 1,
	};
	const struct xg_rule *r;

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &lab, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &portal, NULL), 0);
	r = xg_t_portal(test, AF_INET, "10.9.1.1", 40000, 3260);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->profile, 3U);
	r = xg_t_portal(test, AF_INET, "10.8.1.1", 40000, 3260);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->profile, 1U);
	/* an IPv4 exception does not reach IPv6 clients */
	r = xg_t_portal(test, AF_INET6, "2001:db8::1", 40000, 3260);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->profile, 1U);
}

static void v4_mapped_flow_matches_ipv4_rule(struct kunit *test)
{
	const struct xg_t_spec v4 = {
		10, ANY, AF_INET, "192.0.2.0", 24, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec v6 = {
		20, ANY, AF_INET6, "::", 1, 0, 65535, 0, 65535, 2,
	};

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &v4, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &v6, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "::ffff:192.0.2.9", 1, 1), 1U);
	/* mapped, but outside the prefix: not an IPv6 connection either */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "::ffff:198.51.100.1", 1, 1), 0U);
	/* a native IPv6 address in ::/1 still matches the v6 rule */
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ANY, AF_INET6,
					   "2001:db8::1", 1, 1), 2U);
}

static void port_ranges_are_inclusive(struct kunit *test)
{
	const struct xg_t_spec s = {
		10, ISCSI, AF_UNSPEC, NULL, 0, 3260, 3262, 1000, 1000, 1,
	};

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &s, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3259, 1000), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3260, 1000), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3262, 1000), 1U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3263, 1000), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3261, 999), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3261, 1001), 0U);
}

struct xg_invalid_case {
	const char *desc;
	struct xg_t_spec s;
	const char *word;	/* the message must say this */
};

static const struct xg_invalid_case xg_invalid_cases[] = {
	{ "portal_rule_keyed_on_remote_port",
	  { 10, ANY, AF_UNSPEC, NULL, 0, 1024, 65535, 3260, 3260 },
	  "remote port" },
	{ "ipv4_prefix_above_32",
	  { 10, ANY, AF_INET, "10.0.0.0", 33, 0, 65535, 0, 65535 }, "32" },
	{ "ipv6_prefix_above_128",
	  { 10, ANY, AF_INET6, "2001:db8::", 129, 0, 65535, 0, 65535 },
	  "128" },
	{ "prefix_without_family",
	  { 10, ANY, AF_UNSPEC, NULL, 8, 0, 65535, 0, 65535 }, "family" },
	{ "unknown_family",
	  { 10, ANY, AF_PACKET, NULL, 0, 0, 65535, 0, 65535 }, "family" },
	{ "ipv4_host_bits_set",
	  { 10, ANY, AF_INET, "10.0.0.1", 8, 0, 65535, 0, 65535 },
	  "prefix length" },
	{ "ipv4_address_with_zero_prefix",
	  { 10, ANY, AF_INET, "10.0.0.0", 0, 0, 65535, 0, 65535 },
	  "prefix length" },
	{ "ipv6_host_bits_set",
	  { 10, ANY, AF_INET6, "2001:db8::1", 64, 0, 65535, 0, 65535 },
	  "prefix length" },
	{ "ipv4_mapped_ipv6_prefix",
	  { 10, ANY, AF_INET6, "::ffff:10.0.0.0", 104, 0, 65535, 0, 65535 },
	  "IPv4" },
	{ "remote_port_range_reversed",
	  { 10, ANY, AF_UNSPEC, NULL, 0, 3261, 3260, 0, 65535 },
	  "remote port" },
	{ "local_port_range_reversed",
	  { 10, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 3261, 3260 },
	  "local port" },
	{ "unknown_owner",
	  { 10, __XFRM_GUARD_OWNER_MAX, AF_UNSPEC, NULL, 0, 0, 65535, 0,
	    65535 }, "owner" },
	{ "profile_index_out_of_range",
	  { 10, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535,
	    XFRM_GUARD_PROFILES_MAX }, "profile" },
};

KUNIT_ARRAY_PARAM_DESC(xg_invalid_cases, xg_invalid_cases, desc);

static void invalid_rules_refused(struct kunit *test)
{
	const struct xg_invalid_case *ic = test->param_value;
	const struct xg_t_spec good = {
		1, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 1,
	};
	struct netlink_ext_ack extack = {};
	struct xg_t_ctx *c = test->priv;
	struct xg_rule_table *before;
	struct xg_rule r;

	xg_t_rule(test, &ic->s, &r);
	KUNIT_EXPECT_EQ(test, xg_rule_validate(&r, &extack), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack._msg, ic->word),
				  "message \"%s\" lacks \"%s\"",
				  extack._msg, ic->word);

	KUNIT_ASSERT_EQ(test, xg_t_add(test, &good, NULL), 0);
	before = c->t;
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &ic->s, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, xg_t_del(test, &ic->s, NULL), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, c->t, before);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 1U);
}

static void well_formed_rules_accepted(struct kunit *test)
{
	static const struct xg_t_spec specs[] = {
		{ 1, ISCSI, AF_INET, "192.0.2.7", 32, 3260, 3260, 0, 65535 },
		{ 2, IWARP, AF_INET6, "2001:db8::7", 128, 0, 0, 0, 0 },
		{ 3, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535,
		  XFRM_GUARD_PROFILES_MAX - 1 },
		{ 4, ANY, AF_INET6, "::", 0, 0, 65535, 65535, 65535 },
		{ 5, ISCSI, AF_INET6, "::", 0, 65535, 65535, 65535, 65535 },
	};
	struct xg_rule r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		xg_t_rule(test, &specs[i], &r);
		KUNIT_EXPECT_EQ_MSG(test, xg_rule_validate(&r, NULL), 0,
				    "spec %u", i);
		KUNIT_EXPECT_EQ_MSG(test, xg_t_add(test, &specs[i], NULL), 0,
				    "spec %u", i);
	}
}

static void remove_deletes_exactly_one_rule(struct kunit *test)
{
	const struct xg_t_spec a = {
		10, ISCSI, AF_INET, "10.0.0.0", 8, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec b = {
		20, ANY, AF_INET, "0.0.0.0", 0, 3260, 3260, 0, 65535, 2,
	};
	const struct xg_t_spec c3 = {
		30, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 3,
	};
	/* a, but for any owner */
	const struct xg_t_spec a_any = {
		10, ANY, AF_INET, "10.0.0.0", 8, 0, 65535, 0, 65535, 1,
	};
	/* b as written for deletion: the profile is not part of the key */
	const struct xg_t_spec b_key = {
		20, ANY, AF_INET, "0.0.0.0", 0, 3260, 3260, 0, 65535, 0,
	};
	struct netlink_ext_ack extack = {};
	struct xg_t_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, xg_t_del(test, &a, NULL), -ENOENT);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &a, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &b, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_add(test, &c3, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, IWARP, AF_INET, "10.0.0.1",
					   3260, 1), 2U);

	KUNIT_ASSERT_EQ(test, xg_t_del(test, &b_key, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 2U);
	KUNIT_EXPECT_EQ(test, c->t->rules[0].priority, 10U);
	KUNIT_EXPECT_EQ(test, c->t->rules[1].priority, 30U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, IWARP, AF_INET, "10.0.0.1",
					   3260, 1), 3U);

	KUNIT_EXPECT_EQ(test, xg_t_del(test, &b_key, &extack), -ENOENT);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 2U);

	/* a rule that differs in one match field is a different rule */
	KUNIT_EXPECT_EQ(test, xg_t_del(test, &a_any, NULL), -ENOENT);

	KUNIT_ASSERT_EQ(test, xg_t_del(test, &a, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_t_del(test, &c3, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), 0U);
	KUNIT_EXPECT_EQ(test, xg_t_profile(test, ISCSI, AF_INET, "10.0.0.1",
					   3260, 1), (u32)XG_PROFILE_DEFAULT);
}

static void table_full_refused(struct kunit *test)
{
	struct xg_t_spec s = {
		0, ANY, AF_UNSPEC, NULL, 0, 0, 65535, 0, 65535, 1,
	};
	struct netlink_ext_ack extack = {};
	unsigned int i;

	for (i = 0; i < XG_RULES_MAX; i++) {
		s.prio = i;
		KUNIT_ASSERT_EQ(test, xg_t_add(test, &s, NULL), 0);
	}
	s.prio = XG_RULES_MAX;
	KUNIT_EXPECT_EQ(test, xg_t_add(test, &s, &extack), -ENOSPC);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, xg_t_count(test), (unsigned int)XG_RULES_MAX);
}

static void changes_leave_published_table_untouched(struct kunit *test)
{
	const struct xg_t_spec a = {
		10, ANY, AF_INET, "10.0.0.0", 8, 0, 65535, 0, 65535, 1,
	};
	const struct xg_t_spec b = {
		5, ANY, AF_INET, "10.0.0.0", 8, 0, 65535, 0, 65535, 2,
	};
	struct xg_rule_table *t1, *t2, *t3;
	struct xg_rule ra, rb;
	struct xg_flow f;

	xg_t_rule(test, &a, &ra);
	xg_t_rule(test, &b, &rb);
	xg_t_flow(test, &f, ANY, AF_INET, "10.1.1.1", 1, 1);

	t1 = xg_rules_insert(NULL, &ra, GFP_KERNEL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t1));
	t2 = xg_rules_insert(t1, &rb, GFP_KERNEL, NULL);
	if (IS_ERR(t2))
		xg_rules_free(t1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t2));
	t3 = xg_rules_remove(t2, &rb, GFP_KERNEL, NULL);

	/* readers of t1 and t2 still see what was there when they looked */
	KUNIT_EXPECT_EQ(test, t1->count, 1U);
	KUNIT_EXPECT_EQ(test, xg_rules_profile(t1, &f), 1U);
	KUNIT_EXPECT_EQ(test, t2->count, 2U);
	KUNIT_EXPECT_EQ(test, xg_rules_profile(t2, &f), 2U);
	KUNIT_EXPECT_FALSE(test, IS_ERR(t3));
	if (!IS_ERR(t3)) {
		KUNIT_EXPECT_EQ(test, t3->count, 1U);
		KUNIT_EXPECT_EQ(test, xg_rules_profile(t3, &f), 1U);
		xg_rules_free(t3);
	}
	xg_rules_free(t2);
	xg_rules_free(t1);
}

static struct kunit_case xg_rules_cases[] = {
	KUNIT_CASE(first_matching_rule_by_priority_wins),
	KUNIT_CASE(rules_kept_in_priority_order),
	KUNIT_CASE(no_match_falls_back_to_default_profile),
	KUNIT_CASE(overlapping_rule_same_priority_refused),
	KUNIT_CASE_PARAM(same_priority_rules_must_be_disjoint,
			 xg_overlap_cases_gen_params),
	KUNIT_CASE(owner_selects_rules),
	KUNIT_CASE(ipv4_prefix_boundaries),
	KUNIT_CASE(ipv6_prefix_boundaries),
	KUNIT_CASE(zero_prefix_keeps_its_family),
	KUNIT_CASE(no_remote_matches_both_families),
	KUNIT_CASE(zero_prefixes_of_two_families_do_not_overlap),
	KUNIT_CASE(portal_ignores_rules_without_local_port),
	KUNIT_CASE(portal_exception_names_the_portal),
	KUNIT_CASE(v4_mapped_flow_matches_ipv4_rule),
	KUNIT_CASE(port_ranges_are_inclusive),
	KUNIT_CASE_PARAM(invalid_rules_refused, xg_invalid_cases_gen_params),
	KUNIT_CASE(well_formed_rules_accepted),
	KUNIT_CASE(remove_deletes_exactly_one_rule),
	KUNIT_CASE(table_full_refused),
	KUNIT_CASE(changes_leave_published_table_untouched),
	{}
};

static struct kunit_suite xg_rules_suite = {
	.name = "xg_rules",
	.init = xg_rules_test_init,
	.exit = xg_rules_test_exit,
	.test_cases = xg_rules_cases,
};

kunit_test_suite(xg_rules_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xfrm_guard rule matching");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
