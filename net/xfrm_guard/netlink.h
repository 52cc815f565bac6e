/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard generic netlink family: configuration requests, the connection
 * list and events.
 */
#ifndef _XG_NETLINK_H
#define _XG_NETLINK_H

#include <linux/types.h>
#include <net/netlink.h>
#include <net/xfrm_guard.h>
#include <uapi/linux/xfrm_guard.h>

#include "policy.h"
#include "rules.h"

struct net;
struct nlattr;
struct xg_conn_info;
struct netlink_ext_ack;
struct sk_buff;

/**
 * struct xg_event - one notification for the "events" multicast group
 * @type: what happened.
 * @owner: the connection's owner; %XFRM_GUARD_OWNER_ANY for a portal.
 * @family: AF_INET or AF_INET6.
 * @saddr: local address.
 * @daddr: remote address.
 * @sport: local port (host order).
 * @dport: remote port (host order).
 * @reason: the verdict's reason code.
 * @alg: the algorithm at fault, or NULL.
 * @profile: the profile applied.
 * @owner_reason: for %XFRM_GUARD_EVENT_OWNER_REFUSED, the owner's refusal
 *	token (validated, shorter than %XFRM_GUARD_OWNER_REASON_MAX); else NULL.
 */
struct xg_event {
	enum xfrm_guard_event_type type;
	enum xfrm_guard_owner owner;
	u16 family;
	union xg_addr saddr;
	union xg_addr daddr;
	u16 sport;
	u16 dport;
	enum xfrm_guard_reason reason;
	const char *alg;
	u32 profile;
	const char *owner_reason;
};

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

extern const struct nla_policy xg_policy[XFRM_GUARD_A_MAX + 1];

void xg_nl_event(struct net *net, const struct xg_event *ev);

int xg_nl_parse_profile(const struct nlattr *nest, u32 *id,
			struct xg_profile *p, struct netlink_ext_ack *extack);
int xg_nl_parse_rule(const struct nlattr *nest, struct xg_rule *r,
		     bool need_profile, struct netlink_ext_ack *extack);
int xg_nl_fill_event(struct sk_buff *skb, const struct xg_event *ev);
int xg_nl_fill_profile(struct sk_buff *skb, u32 id,
		       const struct xg_profile *p);
int xg_nl_fill_rule(struct sk_buff *skb, const struct xg_rule *r);
int xg_nl_fill_conn(struct sk_buff *skb, const struct xg_conn_info *info);

int xg_netlink_init(void);
void xg_netlink_exit(void);

#endif /* _XG_NETLINK_H */
