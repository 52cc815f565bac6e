// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard generic netlink family "xfrm_guard": profiles, rules, counters,
 * the connection list and the "events" multicast group; the handlers. The
 * policies and the attribute nests are in nlattr.c; the wire format is
 * documented in include/uapi/linux/xfrm_guard.h.
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

static struct genl_family xg_genl_family;

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
