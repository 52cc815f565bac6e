// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xfrm_guard netlink attribute parsing (netlink.c). Requests are
 * built the way a user space tool would send them, nest by nest, and fed to
 * the same parsers the doit handlers use; replies are filled by the same
 * functions the handlers use and read back as a tool would.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "conn.h"
#include "netlink.h"
#include "policy.h"
#include "rules.h"

KUNIT_DEFINE_ACTION_WRAPPER(xg_t_kfree_skb, kfree_skb, struct sk_buff *);

/* One attribute of a hand-built request. */
enum xg_t_kind { T_END, T_U8, T_U16, T_U32, T_STR, T_BIN, T_ALG };

struct xg_t_attr {
	enum xg_t_kind kind;
	u16 type;
	u32 val;		/* T_U8/16/32, T_BIN length, T_ALG action */
	const char *str;	/* T_STR, T_ALG name; T_BIN bytes */
};

#define U8A(t, v)	{ T_U8, t, v }
#define U16A(t, v)	{ T_U16, t, v }
#define U32A(t, v)	{ T_U32, t, v }
#define STRA(t, s)	{ T_STR, t, 0, s }
#define BINA(t, b, l)	{ T_BIN, t, l, b }
#define ALGA(n, a)	{ T_ALG, 0, a, n }

#define XG_T_ATTRS_MAX	12

static struct sk_buff *xg_t_skb(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, xg_t_kfree_skb,
							   skb));
	return skb;
}

/* Build nest @outer holding @attrs; the nest lives as long as the test. */
static const struct nlattr *xg_t_build(struct kunit *test, u16 outer,
				       const struct xg_t_attr *attrs)
{
	struct sk_buff *skb = xg_t_skb(test);
	struct nlattr *nest, *algs, *alg;
	const struct xg_t_attr *a;
	int err = 0;

	nest = nla_nest_start(skb, outer);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	for (a = attrs; a->kind != T_END && !err; a++) {
		switch (a->kind) {
		case T_U8:
			err = nla_put_u8(skb, a->type, a->val);
			break;
		case T_U16:
			err = nla_put_u16(skb, a->type, a->val);
			break;
		case T_U32:
			err = nla_put_u32(skb, a->type, a->val);
			break;
		case T_STR:
			err = nla_put_string(skb, a->type, a->str);
			break;
		case T_BIN:
			err = nla_put(skb, a->type, a->val, a->str);
			break;
		case T_ALG:
			algs = nla_nest_start(skb, XFRM_GUARD_PROFILE_A_ALGS);
			alg = nla_nest_start(skb, XFRM_GUARD_ALGS_A_ALG);
			KUNIT_ASSERT_TRUE(test, algs && alg);
			err = nla_put_string(skb, XFRM_GUARD_ALG_A_NAME, a->str) ?:
			      nla_put_u8(skb, XFRM_GUARD_ALG_A_ACTION, a->val);
			nla_nest_end(skb, alg);
			nla_nest_end(skb, algs);
			break;
		case T_END:
			break;
		}
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	nla_nest_end(skb, nest);
	return nest;
}

static void xg_t_expect_msg(struct kunit *test,
			    const struct netlink_ext_ack *ext, const char *want)
{
	KUNIT_ASSERT_NOT_NULL_MSG(test, ext->_msg, "no extack message");
	if (want)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(ext->_msg, want),
					  "message \"%s\" lacks \"%s\"",
					  ext->_msg, want);
}

static int xg_t_profile(struct kunit *test, const struct xg_t_attr *attrs,
			u32 *id, struct xg_profile *p,
			struct netlink_ext_ack *ext)
{
	const struct nlattr *nest = xg_t_build(test, XFRM_GUARD_A_PROFILE, attrs);

	xg_profile_init_default(p);
	memset(ext, 0, sizeof(*ext));
	return xg_nl_parse_profile(nest, id, p, ext);
}

static void profile_every_field_parsed(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_PROFILE_A_ID, 7),
		U8A(XFRM_GUARD_PROFILE_A_MODE, XFRM_GUARD_MODE_AUDIT),
		U8A(XFRM_GUARD_PROFILE_A_CONFIDENTIALITY, 1),
		U8A(XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY, 0),
		U32A(XFRM_GUARD_PROFILE_A_IPSEC_MODES, XFRM_GUARD_IPSEC_TUNNEL),
		U8A(XFRM_GUARD_PROFILE_A_CRC, XFRM_GUARD_CRC_POLICY_NEVER),
		U32A(XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW, 4096),
		ALGA("cbc(des3_ede)", XFRM_GUARD_ALG_ALLOW),
		ALGA("cbc(aes)", XFRM_GUARD_ALG_DENY),
		{}
	};
	struct netlink_ext_ack ext;
	struct xg_profile p;
	u32 id = 0;

	KUNIT_ASSERT_EQ(test, 0, xg_t_profile(test, attrs, &id, &p, &ext));
	KUNIT_EXPECT_EQ(test, id, 7);
	KUNIT_EXPECT_EQ(test, p.mode, XFRM_GUARD_MODE_AUDIT);
	KUNIT_EXPECT_TRUE(test, p.confidentiality);
	KUNIT_EXPECT_FALSE(test, p.chap_requires_confidentiality);
	KUNIT_EXPECT_EQ(test, p.ipsec_modes, BIT(XFRM_GUARD_SA_MODE_TUNNEL));
	KUNIT_EXPECT_EQ(test, p.crc, XFRM_GUARD_CRC_POLICY_NEVER);
	KUNIT_EXPECT_EQ(test, p.min_replay_window, 4096);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES3_CBC),
			XFRM_GUARD_DISP_ALLOW);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_AES_CBC),
			XFRM_GUARD_DISP_DENY);
	/* untouched entries keep the table's judgement */
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_DENY);
	KUNIT_EXPECT_NULL(test, ext._msg);
}

static void profile_absent_fields_keep_values(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_PROFILE_A_ID, 0),
		U8A(XFRM_GUARD_PROFILE_A_MODE, XFRM_GUARD_MODE_OFF),
		{}
	};
	struct netlink_ext_ack ext;
	struct xg_profile p, want;
	u32 id = 99;

	KUNIT_ASSERT_EQ(test, 0, xg_t_profile(test, attrs, &id, &p, &ext));
	xg_profile_init_default(&want);
	want.mode = XFRM_GUARD_MODE_OFF;
	KUNIT_EXPECT_EQ(test, id, 0);
	KUNIT_EXPECT_EQ(test, 0, memcmp(&p, &want, sizeof(p)));
}

static void profile_id_only_leaves_profile_alone(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_PROFILE_A_ID, 3),
		U8A(XFRM_GUARD_PROFILE_A_MODE, XFRM_GUARD_MODE_OFF),
		{}
	};
	const struct nlattr *nest = xg_t_build(test, XFRM_GUARD_A_PROFILE, attrs);
	struct netlink_ext_ack ext = {};
	u32 id = 0;

	KUNIT_EXPECT_EQ(test, 0, xg_nl_parse_profile(nest, &id, NULL, &ext));
	KUNIT_EXPECT_EQ(test, id, 3);
}

static void profile_default_override_restores_table(struct kunit *test)
{
	const struct xg_t_attr allow[] = {
		U32A(XFRM_GUARD_PROFILE_A_ID, 0),
		ALGA("cbc(des)", XFRM_GUARD_ALG_ALLOW),
		{}
	};
	const struct xg_t_attr dflt[] = {
		U32A(XFRM_GUARD_PROFILE_A_ID, 0),
		ALGA("cbc(des)", XFRM_GUARD_ALG_DEFAULT),
		{}
	};
	struct netlink_ext_ack ext = {};
	const struct nlattr *nest;
	struct xg_profile p;
	u32 id;

	KUNIT_ASSERT_EQ(test, 0, xg_t_profile(test, allow, &id, &p, &ext));
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_ALLOW);
	nest = xg_t_build(test, XFRM_GUARD_A_PROFILE, dflt);
	KUNIT_ASSERT_EQ(test, 0, xg_nl_parse_profile(nest, &id, &p, &ext));
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_DENY);
}

/* A request that must be refused, and the message that must say why. */
struct xg_t_bad {
	const char *name;
	struct xg_t_attr attrs[XG_T_ATTRS_MAX];
	int err;
	const char *msg;	/* substring; NULL: any message */
	bool bad_attr;		/* extack points at the attribute at fault */
};

#define ID0 U32A(XFRM_GUARD_PROFILE_A_ID, 0)

static const struct xg_t_bad xg_bad_profiles[] = {
	{ "id missing", { U8A(XFRM_GUARD_PROFILE_A_MODE, 1) },
	  -EINVAL, "profile id missing" },
	{ "id 16", { U32A(XFRM_GUARD_PROFILE_A_ID, 16) },
	  -ERANGE, "integer out of range", true },
	{ "mode 3", { ID0, U8A(XFRM_GUARD_PROFILE_A_MODE, 3) },
	  -ERANGE, NULL, true },
	{ "confidentiality 2",
	  { ID0, U8A(XFRM_GUARD_PROFILE_A_CONFIDENTIALITY, 2) },
	  -ERANGE, NULL, true },
	{ "chap confidentiality 2",
	  { ID0, U8A(XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY, 2) },
	  -ERANGE, NULL, true },
	{ "BEET mode bit", { ID0, U32A(XFRM_GUARD_PROFILE_A_IPSEC_MODES, 4) },
	  -EINVAL, "reserved bit", true },
	{ "no IPsec mode", { ID0, U32A(XFRM_GUARD_PROFILE_A_IPSEC_MODES, 0) },
	  -EINVAL, "no IPsec mode accepted", true },
	{ "crc 3", { ID0, U8A(XFRM_GUARD_PROFILE_A_CRC, 3) },
	  -ERANGE, NULL, true },
	{ "replay window 0",
	  { ID0, U32A(XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW, 0) },
	  -ERANGE, NULL, true },
	{ "replay window 4097",
	  { ID0, U32A(XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW, 4097) },
	  -ERANGE, NULL, true },
	{ "mode as u32", { ID0, U32A(XFRM_GUARD_PROFILE_A_MODE, 1) },
	  -EINVAL, "invalid attribute length", true },
	{ "unknown attribute", { ID0, U32A(XFRM_GUARD_PROFILE_A_MAX + 1, 1) },
	  -EINVAL, NULL, true },
	{ "unknown algorithm", { ID0, ALGA("cbc(rot13)", XFRM_GUARD_ALG_DENY) },
	  -EINVAL, "unknown algorithm", true },
	{ "alias is not a canonical name", { ID0, ALGA("aes", 1) },
	  -EINVAL, "unknown algorithm", true },
	{ "algorithm action 3", { ID0, ALGA("cbc(aes)", 3) },
	  -ERANGE, NULL, true },
	{ "algorithm name too long",
	  { ID0, ALGA("0123456789012345678901234567890123456789012345678901234567890123",
		      XFRM_GUARD_ALG_DENY) },
	  -EINVAL, NULL, true },
};

static void xg_bad_profile_desc(const struct xg_t_bad *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xg_bad_profiles, xg_bad_profiles, xg_bad_profile_desc);

static void xg_t_expect_refused(struct kunit *test, const struct xg_t_bad *c,
				int err, const struct netlink_ext_ack *ext)
{
	KUNIT_EXPECT_EQ(test, err, c->err);
	xg_t_expect_msg(test, ext, c->msg);
	if (c->bad_attr)
		KUNIT_EXPECT_NOT_NULL(test, ext->bad_attr);
}

static void profile_invalid_refused(struct kunit *test)
{
	const struct xg_t_bad *c = test->param_value;
	struct netlink_ext_ack ext;
	struct xg_profile p;
	u32 id;

	xg_t_expect_refused(test, c, xg_t_profile(test, c->attrs, &id, &p, &ext),
			    &ext);
}

static void profile_alg_needs_name_and_action(struct kunit *test)
{
	struct sk_buff *skb = xg_t_skb(test);
	struct nlattr *nest, *algs, *alg;
	struct netlink_ext_ack ext = {};
	struct xg_profile p;
	u32 id;

	xg_profile_init_default(&p);
	nest = nla_nest_start(skb, XFRM_GUARD_A_PROFILE);
	KUNIT_ASSERT_EQ(test, 0, nla_put_u32(skb, XFRM_GUARD_PROFILE_A_ID, 0));
	algs = nla_nest_start(skb, XFRM_GUARD_PROFILE_A_ALGS);
	alg = nla_nest_start(skb, XFRM_GUARD_ALGS_A_ALG);
	KUNIT_ASSERT_EQ(test, 0, nla_put_string(skb, XFRM_GUARD_ALG_A_NAME,
						"cbc(aes)"));
	nla_nest_end(skb, alg);
	nla_nest_end(skb, algs);
	nla_nest_end(skb, nest);

	KUNIT_EXPECT_EQ(test, -EINVAL, xg_nl_parse_profile(nest, &id, &p, &ext));
	xg_t_expect_msg(test, &ext, "without an action");
	KUNIT_EXPECT_EQ(test, ext.miss_type, XFRM_GUARD_ALG_A_ACTION);
}

static void profile_disposition_is_not_settable(struct kunit *test)
{
	struct sk_buff *skb = xg_t_skb(test);
	struct nlattr *nest, *algs, *alg;
	struct netlink_ext_ack ext = {};
	struct xg_profile p;
	u32 id;

	xg_profile_init_default(&p);
	nest = nla_nest_start(skb, XFRM_GUARD_A_PROFILE);
	KUNIT_ASSERT_EQ(test, 0, nla_put_u32(skb, XFRM_GUARD_PROFILE_A_ID, 0));
	algs = nla_nest_start(skb, XFRM_GUARD_PROFILE_A_ALGS);
	alg = nla_nest_start(skb, XFRM_GUARD_ALGS_A_ALG);
	KUNIT_ASSERT_EQ(test, 0, nla_put_string(skb, XFRM_GUARD_ALG_A_NAME,
						"cbc(des)"));
	KUNIT_ASSERT_EQ(test, 0, nla_put_u8(skb, XFRM_GUARD_ALG_A_ACTION, 0));
	KUNIT_ASSERT_EQ(test, 0, nla_put_u8(skb, XFRM_GUARD_ALG_A_DISPOSITION,
					    XFRM_GUARD_DISP_ALLOW));
	nla_nest_end(skb, alg);
	nla_nest_end(skb, algs);
	nla_nest_end(skb, nest);

	KUNIT_EXPECT_EQ(test, -EINVAL, xg_nl_parse_profile(nest, &id, &p, &ext));
	KUNIT_EXPECT_NOT_NULL(test, ext.bad_attr);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_DENY);
}

static int xg_t_rule(struct kunit *test, const struct xg_t_attr *attrs,
		     struct xg_rule *r, bool need_profile,
		     struct netlink_ext_ack *ext)
{
	const struct nlattr *nest = xg_t_build(test, XFRM_GUARD_A_RULE, attrs);

	memset(ext, 0, sizeof(*ext));
	return xg_nl_parse_rule(nest, r, need_profile, ext);
}

static const u8 xg_t_net4[4] = { 10, 1, 0, 0 };
static const u8 xg_t_host4[4] = { 10, 1, 2, 3 };
static const u8 xg_t_net6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
static const u8 xg_t_mapped6[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 1 };

static void rule_every_field_ipv4(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_RULE_A_PRIORITY, 100),
		U8A(XFRM_GUARD_RULE_A_OWNER, XFRM_GUARD_OWNER_ID_ISCSI),
		U16A(XFRM_GUARD_RULE_A_FAMILY, AF_INET),
		BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_net4, 4),
		U8A(XFRM_GUARD_RULE_A_PREFIX_LEN, 16),
		U16A(XFRM_GUARD_RULE_A_RPORT_LO, 3260),
		U16A(XFRM_GUARD_RULE_A_RPORT_HI, 3262),
		U16A(XFRM_GUARD_RULE_A_LPORT_LO, 1024),
		U16A(XFRM_GUARD_RULE_A_LPORT_HI, 65535),
		U32A(XFRM_GUARD_RULE_A_PROFILE, 15),
		{}
	};
	struct netlink_ext_ack ext;
	struct xg_rule r;

	KUNIT_ASSERT_EQ(test, 0, xg_t_rule(test, attrs, &r, true, &ext));
	KUNIT_EXPECT_EQ(test, r.priority, 100);
	KUNIT_EXPECT_EQ(test, r.owner, XFRM_GUARD_OWNER_ISCSI);
	KUNIT_EXPECT_EQ(test, r.family, AF_INET);
	KUNIT_EXPECT_EQ(test, r.prefix_len, 16);
	KUNIT_EXPECT_EQ(test, ntohl(r.remote.ip), 0x0a010000);
	KUNIT_EXPECT_EQ(test, r.rport_lo, 3260);
	KUNIT_EXPECT_EQ(test, r.rport_hi, 3262);
	KUNIT_EXPECT_EQ(test, r.lport_lo, 1024);
	KUNIT_EXPECT_EQ(test, r.lport_hi, 65535);
	KUNIT_EXPECT_EQ(test, r.profile, 15);
}

static void rule_every_field_ipv6(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_RULE_A_PRIORITY, 1),
		U8A(XFRM_GUARD_RULE_A_OWNER, XFRM_GUARD_OWNER_ID_IWARP),
		BINA(XFRM_GUARD_RULE_A_REMOTE_IP6, xg_t_net6, 16),
		U8A(XFRM_GUARD_RULE_A_PREFIX_LEN, 32),
		U16A(XFRM_GUARD_RULE_A_LPORT_LO, 4420),
		U32A(XFRM_GUARD_RULE_A_PROFILE, 2),
		{}
	};
	struct netlink_ext_ack ext;
	struct in6_addr want = {};
	struct xg_rule r;

	memcpy(&want, xg_t_net6, sizeof(want));
	KUNIT_ASSERT_EQ(test, 0, xg_t_rule(test, attrs, &r, true, &ext));
	KUNIT_EXPECT_EQ(test, r.owner, XFRM_GUARD_OWNER_IWARP);
	KUNIT_EXPECT_EQ(test, r.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, r.prefix_len, 32);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&r.remote.in6, &want));
	/* a single port is a range of one */
	KUNIT_EXPECT_EQ(test, r.lport_lo, 4420);
	KUNIT_EXPECT_EQ(test, r.lport_hi, 4420);
	KUNIT_EXPECT_EQ(test, r.rport_lo, 0);
	KUNIT_EXPECT_EQ(test, r.rport_hi, 65535);
}

static void rule_defaults_match_everything(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_RULE_A_PRIORITY, 5),
		U32A(XFRM_GUARD_RULE_A_PROFILE, 1),
		{}
	};
	struct netlink_ext_ack ext;
	struct xg_rule r;

	KUNIT_ASSERT_EQ(test, 0, xg_t_rule(test, attrs, &r, true, &ext));
	KUNIT_EXPECT_EQ(test, r.owner, XFRM_GUARD_OWNER_ANY);
	KUNIT_EXPECT_EQ(test, r.family, AF_UNSPEC);
	KUNIT_EXPECT_EQ(test, r.prefix_len, 0);
	KUNIT_EXPECT_EQ(test, r.rport_lo, 0);
	KUNIT_EXPECT_EQ(test, r.rport_hi, 65535);
	KUNIT_EXPECT_EQ(test, r.lport_lo, 0);
	KUNIT_EXPECT_EQ(test, r.lport_hi, 65535);
}

static void rule_address_alone_is_a_host(struct kunit *test)
{
	const struct xg_t_attr attrs[] = {
		U32A(XFRM_GUARD_RULE_A_PRIORITY, 5),
		BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_host4, 4),
		{}
	};
	struct netlink_ext_ack ext;
	struct xg_rule r;

	/* deleting names no profile */
	KUNIT_ASSERT_EQ(test, 0, xg_t_rule(test, attrs, &r, false, &ext));
	KUNIT_EXPECT_EQ(test, r.prefix_len, 32);
	KUNIT_EXPECT_EQ(test, ntohl(r.remote.ip), 0x0a010203);
}

#define PRIO U32A(XFRM_GUARD_RULE_A_PRIORITY, 10)
#define PROF U32A(XFRM_GUARD_RULE_A_PROFILE, 0)

static const struct xg_t_bad xg_bad_rules[] = {
	{ "priority missing", { PROF }, -EINVAL, "priority missing" },
	{ "profile missing", { PRIO }, -EINVAL, "profile missing" },
	{ "profile 16", { PRIO, U32A(XFRM_GUARD_RULE_A_PROFILE, 16) },
	  -ERANGE, NULL, true },
	{ "owner 3", { PRIO, PROF, U8A(XFRM_GUARD_RULE_A_OWNER, 3) },
	  -ERANGE, NULL, true },
	{ "IPv4 prefix /33",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_net4, 4),
	    U8A(XFRM_GUARD_RULE_A_PREFIX_LEN, 33) },
	  -EINVAL, "prefix length longer than the address", true },
	{ "IPv6 prefix /129",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP6, xg_t_net6, 16),
	    U8A(XFRM_GUARD_RULE_A_PREFIX_LEN, 129) },
	  -ERANGE, NULL, true },
	{ "prefix length without an address",
	  { PRIO, PROF, U8A(XFRM_GUARD_RULE_A_PREFIX_LEN, 8) },
	  -EINVAL, "without a remote address", true },
	{ "host bits beyond the prefix",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_host4, 4),
	    U8A(XFRM_GUARD_RULE_A_PREFIX_LEN, 16) },
	  -EINVAL, "bits set beyond the prefix length", true },
	{ "IPv4-mapped IPv6 prefix",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP6, xg_t_mapped6, 16) },
	  -EINVAL, "IPv4-mapped", true },
	{ "IPv4 address of 5 bytes",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_net6, 5) },
	  -ERANGE, "size out of range", true },
	{ "IPv6 address of 4 bytes",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP6, xg_t_net6, 4) },
	  -ERANGE, "size out of range", true },
	{ "two remote prefixes",
	  { PRIO, PROF, BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_net4, 4),
	    BINA(XFRM_GUARD_RULE_A_REMOTE_IP6, xg_t_net6, 16) },
	  -EINVAL, "one remote prefix", true },
	{ "family does not match the address",
	  { PRIO, PROF, U16A(XFRM_GUARD_RULE_A_FAMILY, AF_INET6),
	    BINA(XFRM_GUARD_RULE_A_REMOTE_IP4, xg_t_net4, 4) },
	  -EINVAL, "does not match", true },
	{ "unknown family",
	  { PRIO, PROF, U16A(XFRM_GUARD_RULE_A_FAMILY, 99) },
	  -EINVAL, "does not match", true },
	{ "remote ports low above high",
	  { PRIO, PROF, U16A(XFRM_GUARD_RULE_A_RPORT_LO, 3261),
	    U16A(XFRM_GUARD_RULE_A_RPORT_HI, 3260) },
	  -EINVAL, "remote port range is empty", true },
	{ "local ports low above high",
	  { PRIO, PROF, U16A(XFRM_GUARD_RULE_A_LPORT_LO, 2),
	    U16A(XFRM_GUARD_RULE_A_LPORT_HI, 1) },
	  -EINVAL, "local port range is empty", true },
	{ "high port alone below the default low",
	  { PRIO, PROF, U16A(XFRM_GUARD_RULE_A_RPORT_HI, 80) },
	  0 },
	{ "port as u32", { PRIO, PROF, U32A(XFRM_GUARD_RULE_A_LPORT_LO, 1) },
	  -EINVAL, "invalid attribute length", true },
	{ "unknown attribute", { PRIO, PROF, U8A(XFRM_GUARD_RULE_A_MAX + 1, 0) },
	  -EINVAL, NULL, true },
};

KUNIT_ARRAY_PARAM(xg_bad_rules, xg_bad_rules, xg_bad_profile_desc);

static void rule_invalid_refused(struct kunit *test)
{
	const struct xg_t_bad *c = test->param_value;
	struct netlink_ext_ack ext;
	struct xg_rule r;
	int err;

	err = xg_t_rule(test, c->attrs, &r, true, &ext);
	if (!c->err) {
		/* the one valid entry: "rport -80" means 0-80 */
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_EQ(test, r.rport_lo, 0);
		KUNIT_EXPECT_EQ(test, r.rport_hi, 80);
		return;
	}
	xg_t_expect_refused(test, c, err, &ext);
}

static void rule_fill_parses_back(struct kunit *test)
{
	const struct xg_rule in = {
		.priority = 42, .owner = XFRM_GUARD_OWNER_ISCSI,
		.family = AF_INET6, .prefix_len = 32,
		.remote.in6.s6_addr = { 0x20, 0x01, 0x0d, 0xb8 },
		.rport_lo = 3260, .rport_hi = 3260,
		.lport_lo = 1, .lport_hi = 2, .profile = 4,
	};
	struct sk_buff *skb = xg_t_skb(test);
	struct netlink_ext_ack ext = {};
	struct xg_rule out;

	KUNIT_ASSERT_EQ(test, 0, xg_nl_fill_rule(skb, &in));
	KUNIT_ASSERT_EQ(test, 0, xg_nl_parse_rule((struct nlattr *)skb->data,
						  &out, true, &ext));
	KUNIT_EXPECT_EQ(test, 0, memcmp(&in, &out, sizeof(in)));
}

/* Read a nest the kernel wrote, as a user space tool would: no policy. */
static void xg_t_parse_reply(struct kunit *test, struct nlattr **tb, int max,
			     const void *nest)
{
	KUNIT_ASSERT_EQ(test, 0, nla_parse_nested_deprecated(tb, max, nest,
							     NULL, NULL));
}

static void profile_fill_reports_every_algorithm(struct kunit *test)
{
	struct nlattr *tb[XFRM_GUARD_PROFILE_A_MAX + 1];
	struct nlattr *atb[XFRM_GUARD_ALG_A_MAX + 1];
	struct sk_buff *skb = xg_t_skb(test);
	int rem, n = 0, denied = 0, warned = 0;
	struct xg_profile p;
	struct nlattr *a;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, 0, xg_profile_set_alg(&p, XG_ALG_AES_CBC,
						    XFRM_GUARD_ALG_DENY, NULL));
	KUNIT_ASSERT_EQ(test, 0, xg_nl_fill_profile(skb, 9, &p));
	xg_t_parse_reply(test, tb, XFRM_GUARD_PROFILE_A_MAX, skb->data);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_PROFILE_A_ID]);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[XFRM_GUARD_PROFILE_A_ID]), 9);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW]);
	KUNIT_EXPECT_EQ(test,
			nla_get_u32(tb[XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW]),
			32);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_PROFILE_A_ALGS]);
	nla_for_each_nested(a, tb[XFRM_GUARD_PROFILE_A_ALGS], rem) {
		xg_t_parse_reply(test, atb, XFRM_GUARD_ALG_A_MAX, a);
		KUNIT_ASSERT_NOT_NULL(test, atb[XFRM_GUARD_ALG_A_DISPOSITION]);
		n++;
		if (nla_get_u8(atb[XFRM_GUARD_ALG_A_DISPOSITION]) ==
		    XFRM_GUARD_DISP_DENY)
			denied++;
		if (nla_get_u8(atb[XFRM_GUARD_ALG_A_DISPOSITION]) ==
		    XFRM_GUARD_DISP_WARN)
			warned++;
	}
	KUNIT_EXPECT_EQ(test, n, XG_ALG_COUNT);
	/* cbc(des), hmac(md5), and the override on cbc(aes) */
	KUNIT_EXPECT_EQ(test, denied, 3);
	/* cbc(des3_ede) */
	KUNIT_EXPECT_EQ(test, warned, 1);
}

static void event_fill_carries_every_field(struct kunit *test)
{
	const struct xg_event ev = {
		.type = XFRM_GUARD_EVENT_REFUSED,
		.owner = XFRM_GUARD_OWNER_ISCSI,
		.family = AF_INET,
		.saddr.ip = htonl(0x0a000001),
		.daddr.ip = htonl(0x0a000002),
		.sport = 40000, .dport = 3260,
		.reason = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.alg = "cbc(des)",
		.profile = 3,
	};
	struct nlattr *tb[XFRM_GUARD_EVENT_A_MAX + 1];
	struct sk_buff *skb = xg_t_skb(test);

	KUNIT_ASSERT_EQ(test, 0, xg_nl_fill_event(skb, &ev));
	xg_t_parse_reply(test, tb, XFRM_GUARD_EVENT_A_MAX, skb->data);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_EVENT_A_TYPE]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[XFRM_GUARD_EVENT_A_TYPE]),
			XFRM_GUARD_EVENT_REFUSED);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_EVENT_A_SADDR]);
	KUNIT_EXPECT_EQ(test, nla_len(tb[XFRM_GUARD_EVENT_A_SADDR]), 4);
	KUNIT_EXPECT_EQ(test, ntohl(nla_get_in_addr(tb[XFRM_GUARD_EVENT_A_DADDR])),
			0x0a000002);
	KUNIT_EXPECT_EQ(test, nla_get_u16(tb[XFRM_GUARD_EVENT_A_DPORT]), 3260);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[XFRM_GUARD_EVENT_A_REASON]),
			XFRM_GUARD_REASON_WEAK_ALGORITHM);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_EVENT_A_REASON_NAME]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[XFRM_GUARD_EVENT_A_REASON_NAME]),
			   "weak_algorithm");
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_EVENT_A_ALG]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[XFRM_GUARD_EVENT_A_ALG]),
			   "cbc(des)");
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[XFRM_GUARD_EVENT_A_PROFILE]), 3);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_EVENT_A_OWNER_REASON]);
}

static void event_owner_refused_carries_the_token(struct kunit *test)
{
	const struct xg_event ev = {
		.type = XFRM_GUARD_EVENT_OWNER_REFUSED,
		.owner = XFRM_GUARD_OWNER_ISCSI,
		.family = AF_INET,
		.reason = XFRM_GUARD_REASON_PROTECTED,
		/* the longest token there can be */
		.owner_reason = "abcdefghijklmnopqrstuvwxyz01234",
	};
	struct nlattr *tb[XFRM_GUARD_EVENT_A_MAX + 1];
	struct sk_buff *skb = xg_t_skb(test);

	KUNIT_ASSERT_EQ(test, 0, xg_nl_fill_event(skb, &ev));
	xg_t_parse_reply(test, tb, XFRM_GUARD_EVENT_A_MAX, skb->data);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[XFRM_GUARD_EVENT_A_TYPE]),
			XFRM_GUARD_EVENT_OWNER_REFUSED);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_EVENT_A_OWNER_REASON]);
	KUNIT_EXPECT_STREQ(test,
			   (char *)nla_data(tb[XFRM_GUARD_EVENT_A_OWNER_REASON]),
			   "abcdefghijklmnopqrstuvwxyz01234");
	KUNIT_EXPECT_EQ(test, nla_len(tb[XFRM_GUARD_EVENT_A_OWNER_REASON]),
			XFRM_GUARD_OWNER_REASON_MAX);
}

static void event_without_algorithm_omits_it(struct kunit *test)
{
	const struct xg_event ev = {
		.type = XFRM_GUARD_EVENT_LOST, .family = AF_INET6,
		.reason = XFRM_GUARD_REASON_NO_IPSEC,
	};
	struct nlattr *tb[XFRM_GUARD_EVENT_A_MAX + 1];
	struct sk_buff *skb = xg_t_skb(test);

	KUNIT_ASSERT_EQ(test, 0, xg_nl_fill_event(skb, &ev));
	xg_t_parse_reply(test, tb, XFRM_GUARD_EVENT_A_MAX, skb->data);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_EVENT_A_ALG]);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_EVENT_A_SADDR]);
	KUNIT_EXPECT_EQ(test, nla_len(tb[XFRM_GUARD_EVENT_A_SADDR]), 16);
}

/* A connection over AES-GCM in transport mode, both SAs known. */
static void xg_t_conn_v4(struct xg_conn_info *info)
{
	memset(info, 0, sizeof(*info));
	info->owner = XFRM_GUARD_OWNER_ISCSI;
	info->t.family = AF_INET;
	info->t.laddr.ip = htonl(0x0a630101);
	info->t.raddr.ip = htonl(0x0a630102);
	info->t.lport = htons(40000);
	info->t.rport = htons(3260);
	info->status.reason = XFRM_GUARD_REASON_PROTECTED;
	info->status.crc = XFRM_GUARD_CRC_SKIP_OFFLOADED;
	info->status.tx_open = true;
	info->status.enforced = true;
	info->status.confidential = true;
	info->status.warn = true;
	info->status.rx_dropped = 3;
	/* above 32 bits, so a truncated counter shows */
	info->status.tx_dropped = 0x100000007ULL;
	info->status.lost = 2;
	info->status.restored = 1;
	info->sas.n_out = 1;
	info->sas.mode = XFRM_GUARD_SA_MODE_TRANSPORT;
	info->sas.out_spi = htonl(0x1000);
	info->sas.in_spi = htonl(0xc0de2000);
	info->sas.in_replay_window = 64;
	info->sas.have_in = true;
	info->sas.out_offloaded = true;
	info->sas.in_offloaded = true;
	strscpy(info->sas.aead, "rfc4106(gcm(aes))");
	/* not a real SA: every name slot filled, to see each one carried */
	strscpy(info->sas.enc, "cbc(aes)");
	strscpy(info->sas.auth, "hmac(sha256)");
	info->profile = 7;
}

static void xg_t_fill_conn(struct kunit *test, const struct xg_conn_info *info,
			   struct nlattr **tb)
{
	struct sk_buff *skb = xg_t_skb(test);
	struct nlattr *nest;

	KUNIT_ASSERT_EQ(test, 0, xg_nl_fill_conn(skb, info));
	nest = (struct nlattr *)skb->data;
	KUNIT_ASSERT_EQ(test, nla_type(nest), XFRM_GUARD_A_CONN);
	KUNIT_ASSERT_EQ(test, nla_total_size(nla_len(nest)), skb->len);
	xg_t_parse_reply(test, tb, XFRM_GUARD_CONN_A_MAX, nest);
}

/* Attribute @type of a reply is an unsigned integer of @bytes, worth @want. */
static void xg_t_expect_uint(struct kunit *test, struct nlattr **tb, int type,
			     int bytes, u64 want)
{
	const struct nlattr *a = tb[type];
	u64 got;

	KUNIT_ASSERT_NOT_NULL_MSG(test, a, "attribute %d missing", type);
	KUNIT_ASSERT_EQ_MSG(test, nla_len(a), bytes, "attribute %d", type);
	switch (bytes) {
	case 1:
		got = nla_get_u8(a);
		break;
	case 2:
		got = nla_get_u16(a);
		break;
	case 4:
		got = nla_get_u32(a);
		break;
	default:
		got = nla_get_u64(a);
		break;
	}
	KUNIT_EXPECT_EQ_MSG(test, got, want, "attribute %d", type);
}

static void xg_t_expect_str(struct kunit *test, struct nlattr **tb, int type,
			    const char *want)
{
	KUNIT_ASSERT_NOT_NULL_MSG(test, tb[type], "attribute %d missing", type);
	KUNIT_EXPECT_STREQ_MSG(test, (char *)nla_data(tb[type]), want,
			       "attribute %d", type);
}

static void conn_fill_ipv4_carries_every_attribute(struct kunit *test)
{
	struct nlattr *tb[XFRM_GUARD_CONN_A_MAX + 1];
	struct xg_conn_info info;

	xg_t_conn_v4(&info);
	xg_t_fill_conn(test, &info, tb);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OWNER, 1,
			 XFRM_GUARD_OWNER_ID_ISCSI);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_FAMILY, 2, AF_INET);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_CONN_A_LADDR]);
	KUNIT_EXPECT_EQ(test, nla_len(tb[XFRM_GUARD_CONN_A_LADDR]), 4);
	KUNIT_EXPECT_EQ(test, ntohl(nla_get_in_addr(tb[XFRM_GUARD_CONN_A_LADDR])),
			0x0a630101);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_CONN_A_RADDR]);
	KUNIT_EXPECT_EQ(test, nla_len(tb[XFRM_GUARD_CONN_A_RADDR]), 4);
	KUNIT_EXPECT_EQ(test, ntohl(nla_get_in_addr(tb[XFRM_GUARD_CONN_A_RADDR])),
			0x0a630102);
	/* ports and SPIs in host order, as the UAPI header promises */
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_LPORT, 2, 40000);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_RPORT, 2, 3260);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_REASON, 4,
			 XFRM_GUARD_REASON_PROTECTED);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_REASON_NAME, "protected");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_CRC, "offloaded");
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_TX_OPEN, 1, 1);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_ENFORCED, 1, 1);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_CONFIDENTIAL, 1, 1);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_WARN, 1, 1);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_ALG]);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OUT_SAS, 1, 1);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_MODE, 1,
			 XFRM_GUARD_SA_MODE_TRANSPORT);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OUT_SPI, 4, 0x1000);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OUT_OFFLOADED, 1, 1);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_IN_SPI, 4, 0xc0de2000);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW, 4, 64);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_IN_OFFLOADED, 1, 1);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_AEAD, "rfc4106(gcm(aes))");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_ENC, "cbc(aes)");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_AUTH, "hmac(sha256)");
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_RX_DROPPED, 8, 3);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_TX_DROPPED, 8,
			 0x100000007ULL);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_LOST, 8, 2);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_RESTORED, 8, 1);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_OWNER_REFUSED]);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_STATE, 1,
			 XFRM_GUARD_CONN_STATE_ATTACHED);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_PROFILE, 4, 7);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_REFUSED_AGE]);

	strscpy(info.owner_refused, "chap_reflection");
	xg_t_fill_conn(test, &info, tb);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_OWNER_REFUSED,
			"chap_reflection");
}

static void conn_fill_ipv6_without_inbound_sa_omits_it(struct kunit *test)
{
	struct nlattr *tb[XFRM_GUARD_CONN_A_MAX + 1];
	struct in6_addr l, r;
	struct xg_conn_info info;

	KUNIT_ASSERT_EQ(test, 1, in6_pton("fd99:1::1", -1, l.s6_addr, -1, NULL));
	KUNIT_ASSERT_EQ(test, 1, in6_pton("fd99:1::2", -1, r.s6_addr, -1, NULL));
	xg_t_conn_v4(&info);
	info.owner = XFRM_GUARD_OWNER_IWARP;
	info.t.family = AF_INET6;
	info.t.laddr.in6 = l;
	info.t.raddr.in6 = r;
	info.status.reason = XFRM_GUARD_REASON_WEAK_ALGORITHM;
	info.status.crc = XFRM_GUARD_CRC_COMPUTE_SOFTWARE;
	info.status.tx_open = false;
	info.status.confidential = false;
	info.status.warn = false;
	strscpy(info.status.alg, "cbc(des)");
	info.sas.mode = XFRM_GUARD_SA_MODE_TUNNEL;
	info.sas.have_in = false;
	info.sas.out_offloaded = false;
	info.sas.aead[0] = '\0';
	strscpy(info.sas.enc, "cbc(des)");
	xg_t_fill_conn(test, &info, tb);

	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OWNER, 1,
			 XFRM_GUARD_OWNER_ID_IWARP);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_FAMILY, 2, AF_INET6);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_CONN_A_LADDR]);
	KUNIT_ASSERT_EQ(test, nla_len(tb[XFRM_GUARD_CONN_A_LADDR]), 16);
	KUNIT_EXPECT_TRUE(test,
			  ipv6_addr_equal(&l, nla_data(tb[XFRM_GUARD_CONN_A_LADDR])));
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_CONN_A_RADDR]);
	KUNIT_ASSERT_EQ(test, nla_len(tb[XFRM_GUARD_CONN_A_RADDR]), 16);
	KUNIT_EXPECT_TRUE(test,
			  ipv6_addr_equal(&r, nla_data(tb[XFRM_GUARD_CONN_A_RADDR])));
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_REASON, 4,
			 XFRM_GUARD_REASON_WEAK_ALGORITHM);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_REASON_NAME,
			"weak_algorithm");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_ALG, "cbc(des)");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_CRC, "software");
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_TX_OPEN, 1, 0);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_CONFIDENTIAL, 1, 0);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_WARN, 1, 0);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_MODE, 1,
			 XFRM_GUARD_SA_MODE_TUNNEL);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OUT_SPI, 4, 0x1000);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OUT_OFFLOADED, 1, 0);
	/* no inbound SA seen: nothing about one, rather than zeroes */
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_IN_SPI]);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW]);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_IN_OFFLOADED]);
	KUNIT_EXPECT_NULL(test, tb[XFRM_GUARD_CONN_A_AEAD]);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_ENC, "cbc(des)");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_AUTH, "hmac(sha256)");
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_TX_DROPPED, 8,
			 0x100000007ULL);
}

static void conn_fill_without_ipsec_has_no_sa_attributes(struct kunit *test)
{
	static const int sa_attrs[] = {
		XFRM_GUARD_CONN_A_MODE, XFRM_GUARD_CONN_A_OUT_SPI,
		XFRM_GUARD_CONN_A_OUT_OFFLOADED, XFRM_GUARD_CONN_A_IN_SPI,
		XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW,
		XFRM_GUARD_CONN_A_IN_OFFLOADED, XFRM_GUARD_CONN_A_AEAD,
		XFRM_GUARD_CONN_A_ENC, XFRM_GUARD_CONN_A_AUTH,
	};
	struct nlattr *tb[XFRM_GUARD_CONN_A_MAX + 1];
	struct xg_conn_info info;
	int i;

	xg_t_conn_v4(&info);
	info.status.reason = XFRM_GUARD_REASON_NO_IPSEC;
	memset(&info.sas, 0, sizeof(info.sas));
	xg_t_fill_conn(test, &info, tb);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_REASON_NAME, "no_ipsec");
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OUT_SAS, 1, 0);
	for (i = 0; i < ARRAY_SIZE(sa_attrs); i++)
		KUNIT_EXPECT_NULL_MSG(test, tb[sa_attrs[i]], "attribute %d",
				      sa_attrs[i]);
	/* the counters are the connection's, SAs or not */
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_LOST, 8, 2);
}

/*
 * A refused attach: who, where, why and when, and nothing a connection
 * that never existed cannot have (SAs, CRC, counters).
 */
static void conn_fill_refused_carries_what_is_remembered(struct kunit *test)
{
	static const int absent[] = {
		XFRM_GUARD_CONN_A_CRC, XFRM_GUARD_CONN_A_TX_OPEN,
		XFRM_GUARD_CONN_A_ENFORCED, XFRM_GUARD_CONN_A_CONFIDENTIAL,
		XFRM_GUARD_CONN_A_WARN, XFRM_GUARD_CONN_A_OUT_SAS,
		XFRM_GUARD_CONN_A_MODE, XFRM_GUARD_CONN_A_OUT_SPI,
		XFRM_GUARD_CONN_A_IN_SPI, XFRM_GUARD_CONN_A_AEAD,
		XFRM_GUARD_CONN_A_ENC, XFRM_GUARD_CONN_A_AUTH,
		XFRM_GUARD_CONN_A_RX_DROPPED, XFRM_GUARD_CONN_A_TX_DROPPED,
		XFRM_GUARD_CONN_A_LOST, XFRM_GUARD_CONN_A_RESTORED,
		XFRM_GUARD_CONN_A_OWNER_REFUSED,
	};
	struct nlattr *tb[XFRM_GUARD_CONN_A_MAX + 1];
	struct xg_conn_info info;
	int i;

	xg_t_conn_v4(&info);
	memset(&info.status, 0, sizeof(info.status));
	memset(&info.sas, 0, sizeof(info.sas));
	info.status.reason = XFRM_GUARD_REASON_WEAK_ALGORITHM;
	strscpy(info.status.alg, "cbc(des3_ede)");
	/* what the dump never fills for a refusal is not sent even if set */
	strscpy(info.owner_refused, "chap_reflection");
	info.refused = true;
	/* above 32 bits, so a truncated age shows */
	info.refused_age = 0x100000002ULL;
	info.profile = 3;
	xg_t_fill_conn(test, &info, tb);

	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_STATE, 1,
			 XFRM_GUARD_CONN_STATE_REFUSED);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_REFUSED_AGE, 8,
			 0x100000002ULL);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_PROFILE, 4, 3);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_OWNER, 1,
			 XFRM_GUARD_OWNER_ID_ISCSI);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_FAMILY, 2, AF_INET);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_CONN_A_LADDR]);
	KUNIT_EXPECT_EQ(test, ntohl(nla_get_in_addr(tb[XFRM_GUARD_CONN_A_LADDR])),
			0x0a630101);
	KUNIT_ASSERT_NOT_NULL(test, tb[XFRM_GUARD_CONN_A_RADDR]);
	KUNIT_EXPECT_EQ(test, ntohl(nla_get_in_addr(tb[XFRM_GUARD_CONN_A_RADDR])),
			0x0a630102);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_LPORT, 2, 40000);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_RPORT, 2, 3260);
	xg_t_expect_uint(test, tb, XFRM_GUARD_CONN_A_REASON, 4,
			 XFRM_GUARD_REASON_WEAK_ALGORITHM);
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_REASON_NAME,
			"weak_algorithm");
	xg_t_expect_str(test, tb, XFRM_GUARD_CONN_A_ALG, "cbc(des3_ede)");
	for (i = 0; i < ARRAY_SIZE(absent); i++)
		KUNIT_EXPECT_NULL_MSG(test, tb[absent[i]], "attribute %d",
				      absent[i]);
}

/* A refusal that does not fit leaves nothing behind either. */
static void conn_fill_refused_that_does_not_fit_leaves_skb_unchanged(struct kunit *test)
{
	struct sk_buff *skb = xg_t_skb(test);
	struct xg_conn_info info;
	unsigned int len;

	xg_t_conn_v4(&info);
	info.refused = true;
	/* room for everything but the age */
	skb_put(skb, skb_tailroom(skb) - 100);
	len = skb->len;
	KUNIT_EXPECT_EQ(test, -EMSGSIZE, xg_nl_fill_conn(skb, &info));
	KUNIT_EXPECT_EQ(test, skb->len, len);
}

/* A dump part that fills up must end on a whole message, not half a nest. */
static void conn_fill_that_does_not_fit_leaves_skb_unchanged(struct kunit *test)
{
	struct sk_buff *skb = xg_t_skb(test);
	struct xg_conn_info info;
	unsigned int len;

	xg_t_conn_v4(&info);
	/* leave room for the nest and its first attributes only */
	skb_put(skb, skb_tailroom(skb) - 64);
	len = skb->len;
	KUNIT_EXPECT_EQ(test, -EMSGSIZE, xg_nl_fill_conn(skb, &info));
	KUNIT_EXPECT_EQ(test, skb->len, len);
}

static struct kunit_case xg_netlink_cases[] = {
	KUNIT_CASE(profile_every_field_parsed),
	KUNIT_CASE(profile_absent_fields_keep_values),
	KUNIT_CASE(profile_id_only_leaves_profile_alone),
	KUNIT_CASE(profile_default_override_restores_table),
	KUNIT_CASE_PARAM(profile_invalid_refused, xg_bad_profiles_gen_params),
	KUNIT_CASE(profile_alg_needs_name_and_action),
	KUNIT_CASE(profile_disposition_is_not_settable),
	KUNIT_CASE(rule_every_field_ipv4),
	KUNIT_CASE(rule_every_field_ipv6),
	KUNIT_CASE(rule_defaults_match_everything),
	KUNIT_CASE(rule_address_alone_is_a_host),
	KUNIT_CASE_PARAM(rule_invalid_refused, xg_bad_rules_gen_params),
	KUNIT_CASE(rule_fill_parses_back),
	KUNIT_CASE(profile_fill_reports_every_algorithm),
	KUNIT_CASE(event_fill_carries_every_field),
	KUNIT_CASE(event_without_algorithm_omits_it),
	KUNIT_CASE(event_owner_refused_carries_the_token),
	KUNIT_CASE(conn_fill_ipv4_carries_every_attribute),
	KUNIT_CASE(conn_fill_ipv6_without_inbound_sa_omits_it),
	KUNIT_CASE(conn_fill_without_ipsec_has_no_sa_attributes),
	KUNIT_CASE(conn_fill_that_does_not_fit_leaves_skb_unchanged),
	KUNIT_CASE(conn_fill_refused_carries_what_is_remembered),
	KUNIT_CASE(conn_fill_refused_that_does_not_fit_leaves_skb_unchanged),
	{}
};

static struct kunit_suite xg_netlink_suite = {
	.name = "xg_netlink",
	.test_cases = xg_netlink_cases,
};

kunit_test_suite(xg_netlink_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xfrm_guard netlink attributes");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
