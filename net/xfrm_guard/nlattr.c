// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard generic netlink attributes: the request policies, and the
 * translation between attribute nests and the guard's profiles, rules,
 * events and connection records, both ways. netlink.c has the family and
 * its handlers; the wire format is documented in
 * include/uapi/linux/xfrm_guard.h and Documentation/netlink/specs/.
 */
#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "conn.h"
#include "netlink.h"
#include "verdict.h"

/*
 * The family's policy, xg_policy, is what genetlink validates requests
 * against; the nested ones are used again when a nest is parsed below.
 */
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

const struct nla_policy xg_policy[XFRM_GUARD_A_MAX + 1] = {
	[XFRM_GUARD_A_PROFILE] = NLA_POLICY_NESTED(xg_profile_policy),
	[XFRM_GUARD_A_RULE] = NLA_POLICY_NESTED(xg_rule_policy),
	/* replies and events only */
	[XFRM_GUARD_A_STATS] = { .type = NLA_REJECT },
	[XFRM_GUARD_A_EVENT] = { .type = NLA_REJECT },
	[XFRM_GUARD_A_CONN] = { .type = NLA_REJECT },
};

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
