// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard generic netlink family "xfrm_guard": profiles, rules, counters,
 * the connection list and the "events" multicast group. The wire format is documented in
 * include/uapi/linux/xfrm_guard.h.
 *
 * Every change is made by xg_config_update() on a private copy that is
 * published only when the whole request was valid, so a refused request
 * changes nothing. Requests run with parallel_ops: configuration writers are
 * serialised per namespace by xg_net::cfg_lock and readers use RCU, so the
 * global genl_mutex would only make one namespace wait for another.
 */
#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/module.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <net/netlink.h>

#include "conn.h"
#include "netlink.h"
#include "netns.h"
#include "verdict.h"

static const struct nla_policy xg_alg_policy[XFRM_GUARD_ALG_A_MAX + 1] = {
	[XFRM_GUARD_ALG_A_NAME] = { .type = NLA_NUL_STRING,
				    .len = XFRM_GUARD_ALG_NAME_MAX - 1 },
	[XFRM_GUARD_ALG_A_ACTION] =
		NLA_POLICY_MAX(NLA_U8, __XFRM_GUARD_ALG_MAX - 1),
	/* a judgement, not something a request can set */
	[XFRM_GUARD_ALG_A_DISPOSITION] = { .type = NLA_REJECT },
};

static const struct nla_policy xg_algs_policy[XFRM_GUARD_ALGS_A_MAX + 1] = {
	[XFRM_GUARD_ALGS_A_ALG] = NLA_POLICY_NESTED(xg_alg_policy),
};

static const struct nla_policy
xg_profile_policy[XFRM_GUARD_PROFILE_A_MAX + 1] = {
	[XFRM_GUARD_PROFILE_A_ID] = NLA_POLICY_MAX(NLA_U32, XFRM_GUARD_PROFILES_MAX - 1),
	[XFRM_GUARD_PROFILE_A_MODE] =
		NLA_POLICY_MAX(NLA_U8, __XFRM_GUARD_MODE_MAX - 1),
	[XFRM_GUARD_PROFILE_A_CONFIDENTIALITY] = NLA_POLICY_MAX(NLA_U8, 1),
	[XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY] = NLA_POLICY_MAX(NLA_U8, 1),
	[XFRM_GUARD_PROFILE_A_IPSEC_MODES] =
		NLA_POLICY_MASK(NLA_U32, XFRM_GUARD_IPSEC_TRANSPORT |
					 XFRM_GUARD_IPSEC_TUNNEL),
	[XFRM_GUARD_PROFILE_A_CRC] =
		NLA_POLICY_MAX(NLA_U8, __XFRM_GUARD_CRC_POLICY_MAX - 1),
	[XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW] =
		NLA_POLICY_RANGE(NLA_U32, 1, XFRM_GUARD_REPLAY_WINDOW_MAX),
	[XFRM_GUARD_PROFILE_A_ALGS] = NLA_POLICY_NESTED(xg_algs_policy),
};

static const struct nla_policy xg_rule_policy[XFRM_GUARD_RULE_A_MAX + 1] = {
	[XFRM_GUARD_RULE_A_PRIORITY] = { .type = NLA_U32 },
	[XFRM_GUARD_RULE_A_OWNER] =
		NLA_POLICY_MAX(NLA_U8, __XFRM_GUARD_OWNER_ID_MAX - 1),
	[XFRM_GUARD_RULE_A_FAMILY] = { .type = NLA_U16 },
	[XFRM_GUARD_RULE_A_REMOTE_IP4] =
		NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[XFRM_GUARD_RULE_A_REMOTE_IP6] =
		NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[XFRM_GUARD_RULE_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[XFRM_GUARD_RULE_A_RPORT_LO] = { .type = NLA_U16 },
	[XFRM_GUARD_RULE_A_RPORT_HI] = { .type = NLA_U16 },
	[XFRM_GUARD_RULE_A_LPORT_LO] = { .type = NLA_U16 },
	[XFRM_GUARD_RULE_A_LPORT_HI] = { .type = NLA_U16 },
	[XFRM_GUARD_RULE_A_PROFILE] = NLA_POLICY_MAX(NLA_U32, XFRM_GUARD_PROFILES_MAX - 1),
};

static const struct nla_policy xg_policy[XFRM_GUARD_A_MAX + 1] = {
	[XFRM_GUARD_A_PROFILE] = NLA_POLICY_NESTED(xg_profile_policy),
	[XFRM_GUARD_A_RULE] = NLA_POLICY_NESTED(xg_rule_policy),
	/* replies and events only */
	[XFRM_GUARD_A_STATS] = { .type = NLA_REJECT },
	[XFRM_GUARD_A_EVENT] = { .type = NLA_REJECT },
	[XFRM_GUARD_A_CONN] = { .type = NLA_REJECT },
};

static struct genl_family xg_genl_family;

/*
 * A required attribute is missing: point at the hole the way the core does,
 * and say which one in words as well, for tools that only print the text.
 */
#define XG_REQUIRE(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *__ext = (extack);			\
	bool __missing = !(tb)[type];					\
									\
	if (__missing) {						\
		NL_SET_ERR_ATTR_MISS(__ext, nest, type);		\
		NL_SET_ERR_MSG(__ext, msg);				\
	}								\
	__missing;							\
})

static int xg_nl_parse_algs(const struct nlattr *algs, struct xg_profile *p,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XFRM_GUARD_ALG_A_MAX + 1];
	const struct nlattr *a;
	int rem, err, id;

	nla_for_each_nested(a, algs, rem) {
		if (nla_type(a) != XFRM_GUARD_ALGS_A_ALG) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "unexpected attribute in algorithm list");
			return -EINVAL;
		}
		err = nla_parse_nested(tb, XFRM_GUARD_ALG_A_MAX, a,
				       xg_alg_policy, extack);
		if (err)
			return err;
		if (XG_REQUIRE(extack, a, tb, XFRM_GUARD_ALG_A_NAME,
			       "algorithm override without a name") ||
		    XG_REQUIRE(extack, a, tb, XFRM_GUARD_ALG_A_ACTION,
			       "algorithm override without an action"))
			return -EINVAL;
		id = xg_alg_lookup(nla_data(tb[XFRM_GUARD_ALG_A_NAME]));
		if (id < 0) {
			NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_ALG_A_NAME],
					    "unknown algorithm");
			return -EINVAL;
		}
		err = xg_profile_set_alg(p, id,
					 nla_get_u8(tb[XFRM_GUARD_ALG_A_ACTION]),
					 extack);
		if (err)
			return err;
	}
	return 0;
}

/**
 * xg_nl_parse_profile() - read a profile nest of a request
 * @nest: the %XFRM_GUARD_A_PROFILE attribute
 * @id: set to the profile index (%XFRM_GUARD_PROFILE_A_ID, required)
 * @p: NULL to read only the index; else the profile to change, already
 *	holding the values that attributes left out keep
 * @extack: for error messages
 *
 * The result is checked with xg_profile_validate(), so a profile this
 * returns 0 for can be published as it is.
 *
 * Return: 0, or a negative errno with a message in @extack; on error @p may
 * be partly changed.
 */
int xg_nl_parse_profile(const struct nlattr *nest, u32 *id,
			struct xg_profile *p, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XFRM_GUARD_PROFILE_A_MAX + 1];
	const struct nlattr *a;
	int err, rem;

	err = nla_parse_nested(tb, XFRM_GUARD_PROFILE_A_MAX, nest,
			       xg_profile_policy, extack);
	if (err)
		return err;
	if (XG_REQUIRE(extack, nest, tb, XFRM_GUARD_PROFILE_A_ID,
		       "profile id missing"))
		return -EINVAL;
	*id = nla_get_u32(tb[XFRM_GUARD_PROFILE_A_ID]);
	if (!p)
		return 0;

	if (tb[XFRM_GUARD_PROFILE_A_MODE])
		p->mode = nla_get_u8(tb[XFRM_GUARD_PROFILE_A_MODE]);
	if (tb[XFRM_GUARD_PROFILE_A_CONFIDENTIALITY])
		p->confidentiality =
			nla_get_u8(tb[XFRM_GUARD_PROFILE_A_CONFIDENTIALITY]);
	if (tb[XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY])
		p->chap_requires_confidentiality =
			nla_get_u8(tb[XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY]);
	if (tb[XFRM_GUARD_PROFILE_A_IPSEC_MODES]) {
		p->ipsec_modes = nla_get_u32(tb[XFRM_GUARD_PROFILE_A_IPSEC_MODES]);
		if (!p->ipsec_modes) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[XFRM_GUARD_PROFILE_A_IPSEC_MODES],
					    "no IPsec mode accepted");
			return -EINVAL;
		}
	}
	if (tb[XFRM_GUARD_PROFILE_A_CRC])
		p->crc = nla_get_u8(tb[XFRM_GUARD_PROFILE_A_CRC]);
	if (tb[XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW])
		p->min_replay_window =
			nla_get_u32(tb[XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW]);
	/*
	 * Every algorithm list counts, not only the last one the parser kept:
	 * a sender may well put one list per override.
	 */
	nla_for_each_nested_type(a, XFRM_GUARD_PROFILE_A_ALGS, nest, rem) {
		err = xg_nl_parse_algs(a, p, extack);
		if (err)
			return err;
	}
	return xg_profile_validate(p, extack);
}
EXPORT_SYMBOL_IF_KUNIT(xg_nl_parse_profile);

static void xg_nl_port_range(struct nlattr *lo, struct nlattr *hi,
			     u16 *lo_out, u16 *hi_out)
{
	*lo_out = lo ? nla_get_u16(lo) : 0;
	if (hi)
		*hi_out = nla_get_u16(hi);
	else
		*hi_out = lo ? *lo_out : U16_MAX;
}

/**
 * xg_nl_parse_rule() - read a rule nest of a request
 * @nest: the %XFRM_GUARD_A_RULE attribute
 * @r: filled in; unset fields take the defaults of the UAPI header
 * @need_profile: %XFRM_GUARD_RULE_A_PROFILE is required (adding a rule)
 * @extack: for error messages
 *
 * The result is checked with xg_rule_validate().
 *
 * Return: 0, or a negative errno with a message in @extack.
 */
int xg_nl_parse_rule(const struct nlattr *nest, struct xg_rule *r,
		     bool need_profile, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XFRM_GUARD_RULE_A_MAX + 1];
	struct nlattr *addr = NULL;
	unsigned int max_len = 0;
	int err;

	err = nla_parse_nested(tb, XFRM_GUARD_RULE_A_MAX, nest, xg_rule_policy,
			       extack);
	if (err)
		return err;
	if (XG_REQUIRE(extack, nest, tb, XFRM_GUARD_RULE_A_PRIORITY,
		       "rule priority missing"))
		return -EINVAL;
	if (need_profile &&
	    XG_REQUIRE(extack, nest, tb, XFRM_GUARD_RULE_A_PROFILE,
		       "rule profile missing"))
		return -EINVAL;

	memset(r, 0, sizeof(*r));
	r->priority = nla_get_u32(tb[XFRM_GUARD_RULE_A_PRIORITY]);
	if (tb[XFRM_GUARD_RULE_A_OWNER])
		r->owner = nla_get_u8(tb[XFRM_GUARD_RULE_A_OWNER]);
	if (tb[XFRM_GUARD_RULE_A_PROFILE])
		r->profile = nla_get_u32(tb[XFRM_GUARD_RULE_A_PROFILE]);

	if (tb[XFRM_GUARD_RULE_A_REMOTE_IP4] && tb[XFRM_GUARD_RULE_A_REMOTE_IP6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_RULE_A_REMOTE_IP6],
				    "a rule has one remote prefix, not two");
		return -EINVAL;
	}
	if (tb[XFRM_GUARD_RULE_A_REMOTE_IP4]) {
		addr = tb[XFRM_GUARD_RULE_A_REMOTE_IP4];
		r->family = AF_INET;
		r->remote.ip = nla_get_in_addr(addr);
		max_len = 32;
	} else if (tb[XFRM_GUARD_RULE_A_REMOTE_IP6]) {
		addr = tb[XFRM_GUARD_RULE_A_REMOTE_IP6];
		r->family = AF_INET6;
		r->remote.in6 = nla_get_in6_addr(addr);
		max_len = 128;
	}
	if (tb[XFRM_GUARD_RULE_A_FAMILY] &&
	    nla_get_u16(tb[XFRM_GUARD_RULE_A_FAMILY]) != r->family) {
		NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_RULE_A_FAMILY],
				    "address family does not match the remote prefix");
		return -EINVAL;
	}
	if (tb[XFRM_GUARD_RULE_A_PREFIX_LEN]) {
		r->prefix_len = nla_get_u8(tb[XFRM_GUARD_RULE_A_PREFIX_LEN]);
		if (!addr && r->prefix_len) {
			NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_RULE_A_PREFIX_LEN],
					    "prefix length without a remote address");
			return -EINVAL;
		}
		if (r->prefix_len > max_len) {
			NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_RULE_A_PREFIX_LEN],
					    "prefix length longer than the address");
			return -EINVAL;
		}
	} else {
		r->prefix_len = max_len;
	}

	xg_nl_port_range(tb[XFRM_GUARD_RULE_A_RPORT_LO],
			 tb[XFRM_GUARD_RULE_A_RPORT_HI], &r->rport_lo, &r->rport_hi);
	xg_nl_port_range(tb[XFRM_GUARD_RULE_A_LPORT_LO],
			 tb[XFRM_GUARD_RULE_A_LPORT_HI], &r->lport_lo, &r->lport_hi);
	if (r->rport_lo > r->rport_hi) {
		NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_RULE_A_RPORT_HI] ?:
					    tb[XFRM_GUARD_RULE_A_RPORT_LO],
				    "remote port range is empty (low above high)");
		return -EINVAL;
	}
	if (r->lport_lo > r->lport_hi) {
		NL_SET_ERR_MSG_ATTR(extack, tb[XFRM_GUARD_RULE_A_LPORT_HI] ?:
					    tb[XFRM_GUARD_RULE_A_LPORT_LO],
				    "local port range is empty (low above high)");
		return -EINVAL;
	}

	err = xg_rule_validate(r, extack);
	if (err && addr && extack && !extack->bad_attr)
		NL_SET_BAD_ATTR(extack, addr);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(xg_nl_parse_rule);

static int xg_nl_fill_algs(struct sk_buff *skb, const struct xg_profile *p)
{
	struct nlattr *algs, *a;
	u8 ovr;
	int i;

	algs = nla_nest_start(skb, XFRM_GUARD_PROFILE_A_ALGS);
	if (!algs)
		return -EMSGSIZE;
	for (i = 0; i < XG_ALG_COUNT; i++) {
		ovr = test_bit(i, p->alg_deny) ? XFRM_GUARD_ALG_DENY :
		      test_bit(i, p->alg_allow) ? XFRM_GUARD_ALG_ALLOW :
						  XFRM_GUARD_ALG_DEFAULT;
		a = nla_nest_start(skb, XFRM_GUARD_ALGS_A_ALG);
		if (!a ||
		    nla_put_string(skb, XFRM_GUARD_ALG_A_NAME, xg_alg_get(i)->name) ||
		    nla_put_u8(skb, XFRM_GUARD_ALG_A_ACTION, ovr) ||
		    nla_put_u8(skb, XFRM_GUARD_ALG_A_DISPOSITION,
			       xg_profile_alg_disposition(p, i)))
			return -EMSGSIZE;
		nla_nest_end(skb, a);
	}
	nla_nest_end(skb, algs);
	return 0;
}

/**
 * xg_nl_fill_profile() - put a profile nest into a message
 * @skb: message
 * @id: profile index
 * @p: profile
 *
 * Return: 0, or -EMSGSIZE (the caller cancels what was added).
 */
int xg_nl_fill_profile(struct sk_buff *skb, u32 id, const struct xg_profile *p)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, XFRM_GUARD_A_PROFILE);
	if (!nest ||
	    nla_put_u32(skb, XFRM_GUARD_PROFILE_A_ID, id) ||
	    nla_put_u8(skb, XFRM_GUARD_PROFILE_A_MODE, p->mode) ||
	    nla_put_u8(skb, XFRM_GUARD_PROFILE_A_CONFIDENTIALITY,
		       p->confidentiality) ||
	    nla_put_u8(skb, XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY,
		       p->chap_requires_confidentiality) ||
	    nla_put_u32(skb, XFRM_GUARD_PROFILE_A_IPSEC_MODES, p->ipsec_modes) ||
	    nla_put_u8(skb, XFRM_GUARD_PROFILE_A_CRC, p->crc) ||
	    nla_put_u32(skb, XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW,
			p->min_replay_window) ||
	    xg_nl_fill_algs(skb, p))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xg_nl_fill_profile);

/**
 * xg_nl_fill_rule() - put a rule nest into a message
 * @skb: message
 * @r: rule, as stored (normalised)
 *
 * Return: 0, or -EMSGSIZE (the caller cancels what was added).
 */
int xg_nl_fill_rule(struct sk_buff *skb, const struct xg_rule *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, XFRM_GUARD_A_RULE);
	if (!nest ||
	    nla_put_u32(skb, XFRM_GUARD_RULE_A_PRIORITY, r->priority) ||
	    nla_put_u8(skb, XFRM_GUARD_RULE_A_OWNER, r->owner) ||
	    nla_put_u16(skb, XFRM_GUARD_RULE_A_FAMILY, r->family) ||
	    nla_put_u8(skb, XFRM_GUARD_RULE_A_PREFIX_LEN, r->prefix_len) ||
	    (r->family == AF_INET &&
	     nla_put_in_addr(skb, XFRM_GUARD_RULE_A_REMOTE_IP4, r->remote.ip)) ||
	    (r->family == AF_INET6 &&
	     nla_put_in6_addr(skb, XFRM_GUARD_RULE_A_REMOTE_IP6,
			      &r->remote.in6)) ||
	    nla_put_u16(skb, XFRM_GUARD_RULE_A_RPORT_LO, r->rport_lo) ||
	    nla_put_u16(skb, XFRM_GUARD_RULE_A_RPORT_HI, r->rport_hi) ||
	    nla_put_u16(skb, XFRM_GUARD_RULE_A_LPORT_LO, r->lport_lo) ||
	    nla_put_u16(skb, XFRM_GUARD_RULE_A_LPORT_HI, r->lport_hi) ||
	    nla_put_u32(skb, XFRM_GUARD_RULE_A_PROFILE, r->profile))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xg_nl_fill_rule);

/* Reply to a doit request with one nest, put there by @fill. */
static int xg_nl_reply(struct genl_info *info,
		       int (*fill)(struct sk_buff *skb, const void *arg),
		       const void *arg)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the reply");
		return -ENOMEM;
	}
	hdr = genlmsg_iput(msg, info);
	if (!hdr || fill(msg, arg)) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "reply does not fit a message");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

struct xg_nl_profile_arg {
	u32 id;
	struct xg_profile p;
};

static int xg_nl_fill_profile_arg(struct sk_buff *skb, const void *arg)
{
	const struct xg_nl_profile_arg *pa = arg;

	return xg_nl_fill_profile(skb, pa->id, &pa->p);
}

static int xg_nl_profile_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct xg_net *xn = xg_net(genl_info_net(info));
	struct nlattr *nest = info->attrs[XFRM_GUARD_A_PROFILE];
	const struct xg_config *cfg;
	struct xg_nl_profile_arg pa;
	bool found;
	int err;

	if (XG_REQUIRE(info->extack, NULL, info->attrs, XFRM_GUARD_A_PROFILE,
		       "profile attribute missing"))
		return -EINVAL;
	err = xg_nl_parse_profile(nest, &pa.id, NULL, info->extack);
	if (err)
		return err;

	rcu_read_lock();
	cfg = xg_config_get(xn);
	found = test_bit(pa.id, cfg->profile_used);
	if (found)
		pa.p = cfg->profiles[pa.id];
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "no such profile");
		return -ENOENT;
	}
	return xg_nl_reply(info, xg_nl_fill_profile_arg, &pa);
}

static void *xg_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &xg_genl_family, NLM_F_MULTI, cmd);
}

/*
 * Dumps walk the configuration published when each part of the dump is
 * filled: a change between two parts may be missed or seen half. Profiles
 * and rules change rarely and are small, so a dump nearly always fits in one
 * part anyway.
 */
static int xg_nl_profile_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct xg_net *xn = xg_net(sock_net(cb->skb->sk));
	const struct xg_config *cfg;
	unsigned long id;
	void *hdr;
	int err = 0;

	rcu_read_lock();
	cfg = xg_config_get(xn);
	for (id = cb->args[0]; id < XFRM_GUARD_PROFILES_MAX; id++) {
		if (!test_bit(id, cfg->profile_used))
			continue;
		hdr = xg_nl_dump_put(skb, cb, XFRM_GUARD_CMD_PROFILE_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		err = xg_nl_fill_profile(skb, id, &cfg->profiles[id]);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = id;
	/* a full part is not an error: the core asks for the next one */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int xg_nl_profile_set_change(struct xg_config *cfg, void *arg,
				    struct netlink_ext_ack *extack)
{
	const struct nlattr *nest = arg;
	struct xg_profile p;
	u32 id;
	int err;

	err = xg_nl_parse_profile(nest, &id, NULL, extack);
	if (err)
		return err;
	/* a new profile starts from the RFC defaults, not from zeroes */
	if (test_bit(id, cfg->profile_used))
		p = cfg->profiles[id];
	else
		xg_profile_init_default(&p);
	err = xg_nl_parse_profile(nest, &id, &p, extack);
	if (err)
		return err;
	cfg->profiles[id] = p;
	__set_bit(id, cfg->profile_used);
	return 0;
}

static int xg_nl_profile_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct xg_net *xn = xg_net(genl_info_net(info));

	if (XG_REQUIRE(info->extack, NULL, info->attrs, XFRM_GUARD_A_PROFILE,
		       "profile attribute missing"))
		return -EINVAL;
	return xg_config_update(xn, xg_nl_profile_set_change,
				info->attrs[XFRM_GUARD_A_PROFILE], info->extack);
}

static int xg_nl_profile_del_change(struct xg_config *cfg, void *arg,
				    struct netlink_ext_ack *extack)
{
	const struct nlattr *nest = arg;
	unsigned int i;
	u32 id;
	int err;

	err = xg_nl_parse_profile(nest, &id, NULL, extack);
	if (err)
		return err;
	if (id == XG_PROFILE_DEFAULT) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "the default profile cannot be deleted");
		return -EINVAL;
	}
	if (!test_bit(id, cfg->profile_used)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "no such profile");
		return -ENOENT;
	}
	for (i = 0; cfg->rules && i < cfg->rules->count; i++) {
		if (cfg->rules->rules[i].profile == id) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, nest,
						"profile %u is used by the rule of priority %u",
						id, cfg->rules->rules[i].priority);
			return -EBUSY;
		}
	}
	__clear_bit(id, cfg->profile_used);
	memset(&cfg->profiles[id], 0, sizeof(cfg->profiles[id]));
	return 0;
}

static int xg_nl_profile_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct xg_net *xn = xg_net(genl_info_net(info));

	if (XG_REQUIRE(info->extack, NULL, info->attrs, XFRM_GUARD_A_PROFILE,
		       "profile attribute missing"))
		return -EINVAL;
	return xg_config_update(xn, xg_nl_profile_del_change,
				info->attrs[XFRM_GUARD_A_PROFILE], info->extack);
}

static int xg_nl_rule_add_change(struct xg_config *cfg, void *arg,
				 struct netlink_ext_ack *extack)
{
	const struct nlattr *nest = arg;
	struct xg_rule_table *t;
	struct xg_rule r;
	int err;

	err = xg_nl_parse_rule(nest, &r, true, extack);
	if (err)
		return err;
	if (!test_bit(r.profile, cfg->profile_used)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "rule selects a profile that does not exist");
		return -ENOENT;
	}
	t = xg_rules_insert(cfg->rules, &r, GFP_KERNEL, extack);
	if (IS_ERR(t)) {
		if (PTR_ERR(t) == -ENOMEM)
			NL_SET_ERR_MSG(extack, "out of memory for the rule table");
		return PTR_ERR(t);
	}
	cfg->rules = t;
	return 0;
}

static int xg_nl_rule_del_change(struct xg_config *cfg, void *arg,
				 struct netlink_ext_ack *extack)
{
	const struct nlattr *nest = arg;
	struct xg_rule_table *t;
	struct xg_rule r;
	int err;

	err = xg_nl_parse_rule(nest, &r, false, extack);
	if (err)
		return err;
	t = xg_rules_remove(cfg->rules, &r, GFP_KERNEL, extack);
	if (IS_ERR(t)) {
		if (PTR_ERR(t) == -ENOMEM)
			NL_SET_ERR_MSG(extack, "out of memory for the rule table");
		return PTR_ERR(t);
	}
	/* no rules is spelt NULL, which readers test first */
	if (!t->count) {
		xg_rules_free(t);
		t = NULL;
	}
	cfg->rules = t;
	return 0;
}

static int xg_nl_rule_doit(struct genl_info *info,
			   int (*change)(struct xg_config *cfg, void *arg,
					 struct netlink_ext_ack *extack))
{
	struct xg_net *xn = xg_net(genl_info_net(info));

	if (XG_REQUIRE(info->extack, NULL, info->attrs, XFRM_GUARD_A_RULE,
		       "rule attribute missing"))
		return -EINVAL;
	return xg_config_update(xn, change, info->attrs[XFRM_GUARD_A_RULE],
				info->extack);
}

static int xg_nl_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xg_nl_rule_doit(info, xg_nl_rule_add_change);
}

static int xg_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return xg_nl_rule_doit(info, xg_nl_rule_del_change);
}

static int xg_nl_rule_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct xg_net *xn = xg_net(sock_net(cb->skb->sk));
	const struct xg_rule_table *t;
	unsigned long i;
	void *hdr;
	int err = 0;

	rcu_read_lock();
	t = xg_config_get(xn)->rules;
	for (i = cb->args[0]; t && i < t->count; i++) {
		hdr = xg_nl_dump_put(skb, cb, XFRM_GUARD_CMD_RULE_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		err = xg_nl_fill_rule(skb, &t->rules[i]);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = i;
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int xg_nl_fill_stats(struct sk_buff *skb, const void *arg)
{
	const u64 *v = arg;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, XFRM_GUARD_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __XG_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, XFRM_GUARD_STATS_A_ATTACHED + i, v[i],
				      XFRM_GUARD_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int xg_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	u64 v[__XG_STAT_MAX];

	xg_stats_read(xg_net(genl_info_net(info)), v);
	return xg_nl_reply(info, xg_nl_fill_stats, v);
}

/**
 * xg_nl_fill_event() - put an event nest into a message
 * @skb: message
 * @ev: the event
 *
 * Return: 0, or -EMSGSIZE.
 */
int xg_nl_fill_event(struct sk_buff *skb, const struct xg_event *ev)
{
	int alen = ev->family == AF_INET6 ? sizeof(struct in6_addr) :
					    sizeof(struct in_addr);
	struct nlattr *nest;

	nest = nla_nest_start(skb, XFRM_GUARD_A_EVENT);
	if (!nest ||
	    nla_put_u8(skb, XFRM_GUARD_EVENT_A_TYPE, ev->type) ||
	    nla_put_u8(skb, XFRM_GUARD_EVENT_A_OWNER, ev->owner) ||
	    nla_put_u16(skb, XFRM_GUARD_EVENT_A_FAMILY, ev->family) ||
	    nla_put(skb, XFRM_GUARD_EVENT_A_SADDR, alen, &ev->saddr) ||
	    nla_put(skb, XFRM_GUARD_EVENT_A_DADDR, alen, &ev->daddr) ||
	    nla_put_u16(skb, XFRM_GUARD_EVENT_A_SPORT, ev->sport) ||
	    nla_put_u16(skb, XFRM_GUARD_EVENT_A_DPORT, ev->dport) ||
	    nla_put_u32(skb, XFRM_GUARD_EVENT_A_REASON, ev->reason) ||
	    nla_put_string(skb, XFRM_GUARD_EVENT_A_REASON_NAME,
			   xg_reason_name(ev->reason)) ||
	    (ev->alg && ev->alg[0] &&
	     nla_put_string(skb, XFRM_GUARD_EVENT_A_ALG, ev->alg)) ||
	    nla_put_u32(skb, XFRM_GUARD_EVENT_A_PROFILE, ev->profile) ||
	    (ev->owner_reason && ev->owner_reason[0] &&
	     nla_put_string(skb, XFRM_GUARD_EVENT_A_OWNER_REASON,
			    ev->owner_reason)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xg_nl_fill_event);

/* Fits every event: fixed fields plus maximal algorithm and owner reason. */
static size_t xg_nl_event_size(void)
{
	return nla_total_size(0) +			/* nest */
	       nla_total_size(sizeof(u8)) * 2 +		/* type, owner */
	       nla_total_size(sizeof(u16)) * 3 +	/* family, ports */
	       nla_total_size(sizeof(struct in6_addr)) * 2 +
	       nla_total_size(sizeof(u32)) * 2 +	/* reason, profile */
	       nla_total_size(32) +			/* reason name */
	       nla_total_size(XFRM_GUARD_ALG_NAME_MAX) +
	       nla_total_size(XFRM_GUARD_OWNER_REASON_MAX);
}

/**
 * xg_nl_event() - tell the "events" listeners of a namespace what happened
 * @net: the connection's namespace
 * @ev: the event
 *
 * Costs one test when nobody listens. Events are not rate limited here: a
 * caller that can fire per packet (drops) samples before calling. An event
 * that cannot be allocated is lost; listeners see the counters anyway.
 *
 * Context: any (atomic allocation).
 */
void xg_nl_event(struct net *net, const struct xg_event *ev)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&xg_genl_family, net, 0))
		return;
	skb = genlmsg_new(xg_nl_event_size(), GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &xg_genl_family, 0, XFRM_GUARD_CMD_EVENT);
	if (!hdr || xg_nl_fill_event(skb, ev)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&xg_genl_family, net, skb, 0, 0, GFP_ATOMIC);
}

/* Both directions' SA facts, put only when there is something to tell. */
static int xg_nl_fill_conn_sas(struct sk_buff *skb, const struct xg_conn_sas *sas)
{
	if (nla_put_u8(skb, XFRM_GUARD_CONN_A_OUT_SAS, sas->n_out))
		return -EMSGSIZE;
	if (sas->n_out &&
	    (nla_put_u8(skb, XFRM_GUARD_CONN_A_MODE, sas->mode) ||
	     nla_put_u32(skb, XFRM_GUARD_CONN_A_OUT_SPI, be32_to_cpu(sas->out_spi)) ||
	     nla_put_u8(skb, XFRM_GUARD_CONN_A_OUT_OFFLOADED, sas->out_offloaded)))
		return -EMSGSIZE;
	if (sas->have_in &&
	    (nla_put_u32(skb, XFRM_GUARD_CONN_A_IN_SPI, be32_to_cpu(sas->in_spi)) ||
	     nla_put_u32(skb, XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW,
			 sas->in_replay_window) ||
	     nla_put_u8(skb, XFRM_GUARD_CONN_A_IN_OFFLOADED, sas->in_offloaded)))
		return -EMSGSIZE;
	if ((sas->aead[0] &&
	     nla_put_string(skb, XFRM_GUARD_CONN_A_AEAD, sas->aead)) ||
	    (sas->enc[0] && nla_put_string(skb, XFRM_GUARD_CONN_A_ENC, sas->enc)) ||
	    (sas->auth[0] && nla_put_string(skb, XFRM_GUARD_CONN_A_AUTH, sas->auth)))
		return -EMSGSIZE;
	return 0;
}

/* What a refused attach is remembered by: it has no SAs nor counters. */
static int xg_nl_fill_conn_refused(struct sk_buff *skb,
				   const struct xg_conn_info *info)
{
	if (nla_put_u8(skb, XFRM_GUARD_CONN_A_STATE,
		       XFRM_GUARD_CONN_STATE_REFUSED) ||
	    nla_put_u64_64bit(skb, XFRM_GUARD_CONN_A_REFUSED_AGE,
			      info->refused_age, XFRM_GUARD_CONN_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * xg_nl_fill_conn() - put a connection nest into a message
 * @skb: message
 * @info: the connection, or refused attach, as xg_conn_dump() or
 *	xg_conn_dump_refused() passes it on
 *
 * Context: any; does not sleep (xg_conn_dump() calls back under RCU).
 *
 * Return: 0, or -EMSGSIZE with everything this added removed again.
 */
int xg_nl_fill_conn(struct sk_buff *skb, const struct xg_conn_info *info)
{
	const struct xfrm_guard_status *st = &info->status;
	const struct xg_tuple *t = &info->t;
	int alen = t->family == AF_INET6 ? sizeof(struct in6_addr) :
					   sizeof(struct in_addr);
	struct nlattr *nest;

	nest = nla_nest_start(skb, XFRM_GUARD_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, XFRM_GUARD_CONN_A_OWNER, info->owner) ||
	    nla_put_u16(skb, XFRM_GUARD_CONN_A_FAMILY, t->family) ||
	    nla_put(skb, XFRM_GUARD_CONN_A_LADDR, alen, &t->laddr) ||
	    nla_put(skb, XFRM_GUARD_CONN_A_RADDR, alen, &t->raddr) ||
	    nla_put_u16(skb, XFRM_GUARD_CONN_A_LPORT, ntohs(t->lport)) ||
	    nla_put_u16(skb, XFRM_GUARD_CONN_A_RPORT, ntohs(t->rport)) ||
	    nla_put_u32(skb, XFRM_GUARD_CONN_A_REASON, st->reason) ||
	    nla_put_string(skb, XFRM_GUARD_CONN_A_REASON_NAME,
			   xg_reason_name(st->reason)) ||
	    (st->alg[0] && nla_put_string(skb, XFRM_GUARD_CONN_A_ALG, st->alg)) ||
	    nla_put_u32(skb, XFRM_GUARD_CONN_A_PROFILE, info->profile))
		goto cancel;
	if (info->refused) {
		if (xg_nl_fill_conn_refused(skb, info))
			goto cancel;
		nla_nest_end(skb, nest);
		return 0;
	}
	if (nla_put_u8(skb, XFRM_GUARD_CONN_A_STATE,
		       XFRM_GUARD_CONN_STATE_ATTACHED) ||
	    nla_put_string(skb, XFRM_GUARD_CONN_A_CRC, xg_crc_name(st->crc)) ||
	    nla_put_u8(skb, XFRM_GUARD_CONN_A_TX_OPEN, st->tx_open) ||
	    nla_put_u8(skb, XFRM_GUARD_CONN_A_ENFORCED, st->enforced) ||
	    nla_put_u8(skb, XFRM_GUARD_CONN_A_CONFIDENTIAL, st->confidential) ||
	    nla_put_u8(skb, XFRM_GUARD_CONN_A_WARN, st->warn) ||
	    xg_nl_fill_conn_sas(skb, &info->sas) ||
	    nla_put_u64_64bit(skb, XFRM_GUARD_CONN_A_RX_DROPPED, st->rx_dropped,
			      XFRM_GUARD_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, XFRM_GUARD_CONN_A_TX_DROPPED, st->tx_dropped,
			      XFRM_GUARD_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, XFRM_GUARD_CONN_A_LOST, st->lost,
			      XFRM_GUARD_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, XFRM_GUARD_CONN_A_RESTORED, st->restored,
			      XFRM_GUARD_CONN_A_PAD) ||
	    (info->owner_refused[0] &&
	     nla_put_string(skb, XFRM_GUARD_CONN_A_OWNER_REFUSED,
			    info->owner_refused)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
EXPORT_SYMBOL_IF_KUNIT(xg_nl_fill_conn);

struct xg_nl_conn_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int err;
};

/* One message per connection; a full part stops the walk. */
static int xg_nl_conn_dump_one(const struct xg_conn_info *info, void *arg)
{
	struct xg_nl_conn_dump *d = arg;
	void *hdr;

	hdr = xg_nl_dump_put(d->skb, d->cb, XFRM_GUARD_CMD_CONN_GET);
	if (!hdr) {
		d->err = -EMSGSIZE;
		return d->err;
	}
	d->err = xg_nl_fill_conn(d->skb, info);
	if (d->err) {
		genlmsg_cancel(d->skb, hdr);
		return d->err;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/**
 * struct xg_nl_conn_ctx - where a connection dump resumes (cb->ctx)
 * @sent: attached connections already sent.
 * @live_done: every attached connection was sent; refusals come next.
 * @refused_seq: the sequence number of the next refusal to send
 *	(xg_conn_dump_refused()).
 */
struct xg_nl_conn_ctx {
	unsigned int sent;
	bool live_done;
	u64 refused_seq;
};

/*
 * First the attached connections, then the remembered refusals. The
 * connection table is not frozen between parts (see xg_conn_dump()), so a
 * connection attached or detached meanwhile may be missed or shown twice,
 * as with "ss"; refusals resume by sequence number and are never repeated.
 */
static int xg_nl_conn_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct xg_nl_conn_ctx *ctx = (struct xg_nl_conn_ctx *)cb->ctx;
	struct xg_net *xn = xg_net(sock_net(cb->skb->sk));
	struct xg_nl_conn_dump d = { .skb = skb, .cb = cb };

	NL_ASSERT_DUMP_CTX_FITS(struct xg_nl_conn_ctx);
	if (!ctx->live_done) {
		ctx->sent = xg_conn_dump(xn, ctx->sent, xg_nl_conn_dump_one,
					 &d);
		ctx->live_done = !d.err;
	}
	if (ctx->live_done)
		ctx->refused_seq = xg_conn_dump_refused(xn, ctx->refused_seq,
							xg_nl_conn_dump_one,
							&d);
	/* one connection that does not fit an empty part never will */
	if (d.err && !skb->len)
		return d.err;
	return skb->len;
}

static const struct genl_ops xg_genl_ops[] = {
	{
		.cmd = XFRM_GUARD_CMD_PROFILE_GET,
		.doit = xg_nl_profile_get_doit,
		.dumpit = xg_nl_profile_get_dumpit,
	},
	{
		.cmd = XFRM_GUARD_CMD_PROFILE_SET,
		.doit = xg_nl_profile_set_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = XFRM_GUARD_CMD_PROFILE_DEL,
		.doit = xg_nl_profile_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = XFRM_GUARD_CMD_RULE_ADD,
		.doit = xg_nl_rule_add_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = XFRM_GUARD_CMD_RULE_DEL,
		.doit = xg_nl_rule_del_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = XFRM_GUARD_CMD_RULE_GET,
		.dumpit = xg_nl_rule_get_dumpit,
	},
	{
		.cmd = XFRM_GUARD_CMD_STATS_GET,
		.doit = xg_nl_stats_get_doit,
	},
	{
		.cmd = XFRM_GUARD_CMD_CONN_GET,
		.dumpit = xg_nl_conn_get_dumpit,
	},
};

/* Events name connections (addresses, ports): the namespace's admin only. */
static const struct genl_multicast_group xg_genl_mcgrps[] = {
	{ .name = XFRM_GUARD_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family xg_genl_family __ro_after_init = {
	.name = XFRM_GUARD_GENL_NAME,
	.version = XFRM_GUARD_GENL_VERSION,
	.maxattr = XFRM_GUARD_A_MAX,
	.policy = xg_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = xg_genl_ops,
	.n_ops = ARRAY_SIZE(xg_genl_ops),
	.mcgrps = xg_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(xg_genl_mcgrps),
};

/**
 * xg_netlink_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int xg_netlink_init(void)
{
	return genl_register_family(&xg_genl_family);
}

/**
 * xg_netlink_exit() - unregister the family; no request runs afterwards
 */
void xg_netlink_exit(void)
{
	genl_unregister_family(&xg_genl_family);
}
