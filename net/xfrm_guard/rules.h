/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard rules: which profile applies to a connection.
 *
 * Locking: a rule table is immutable once published. Writers (netlink, under
 * the per-netns state's mutex, which serialises them) build a new table with
 * xg_rules_insert() or xg_rules_remove(), publish it with
 * rcu_assign_pointer() and free the old one with xg_rules_free_rcu().
 * Readers call xg_rules_match() on an rcu_dereference()d table inside
 * rcu_read_lock(), from any context. rules.c itself takes no lock.
 */
#ifndef _XG_RULES_H
#define _XG_RULES_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <net/xfrm_guard.h>

struct netlink_ext_ack;

/* Enough for any real portal list; bounds the cost of a copy-on-write. */
#define XG_RULES_MAX	256

/**
 * union xg_addr - a remote address of either family
 * @ip: IPv4 address.
 * @in6: IPv6 address.
 */
union xg_addr {
	__be32 ip;
	struct in6_addr in6;
};

/**
 * struct xg_rule - one rule
 * @priority: lower is tried first.
 * @owner: owner matched; %XFRM_GUARD_OWNER_ANY matches every owner.
 * @family: AF_INET or AF_INET6; AF_UNSPEC (both families) for a rule
 *	that names no remote prefix. A /0 prefix keeps its family.
 * @prefix_len: remote prefix length; 0 matches every address of @family.
 * @remote: remote prefix; bits beyond @prefix_len must be zero.
 * @rport_lo: lowest remote port matched (host order).
 * @rport_hi: highest remote port matched, >= @rport_lo.
 * @lport_lo: lowest local port matched (host order).
 * @lport_hi: highest local port matched, >= @lport_lo.
 * @profile: profile selected, below %XFRM_GUARD_PROFILES_MAX.
 */
struct xg_rule {
	u32 priority;
	enum xfrm_guard_owner owner;
	u16 family;
	u8 prefix_len;
	union xg_addr remote;
	u16 rport_lo;
	u16 rport_hi;
	u16 lport_lo;
	u16 lport_hi;
	u32 profile;
};

/**
 * struct xg_flow - what a lookup asks about
 * @owner: the connection's owner; %XFRM_GUARD_OWNER_ANY for a connection
 *	nobody attached (it matches only rules for any owner).
 * @family: AF_INET or AF_INET6; an IPv4-mapped IPv6 address is matched as
 *	IPv4.
 * @remote: remote address.
 * @rport: remote port (host order).
 * @lport: local port (host order).
 */
struct xg_flow {
	enum xfrm_guard_owner owner;
	u16 family;
	union xg_addr remote;
	u16 rport;
	u16 lport;
};

/**
 * struct xg_rule_table - an immutable, published rule list
 * @rcu: for xg_rules_free_rcu().
 * @count: number of rules.
 * @rules: the rules, by ascending priority.
 */
struct xg_rule_table {
	struct rcu_head rcu;
	unsigned int count;
	struct xg_rule rules[] __counted_by(count);
};

int xg_rule_validate(const struct xg_rule *r, struct netlink_ext_ack *extack);
struct xg_rule_table *xg_rules_insert(const struct xg_rule_table *old,
				      const struct xg_rule *r, gfp_t gfp,
				      struct netlink_ext_ack *extack);
struct xg_rule_table *xg_rules_remove(const struct xg_rule_table *old,
				      const struct xg_rule *r, gfp_t gfp,
				      struct netlink_ext_ack *extack);
bool xg_rule_is_portal(const struct xg_rule *r);
const struct xg_rule *xg_rules_match(const struct xg_rule_table *t,
				     const struct xg_flow *f);
const struct xg_rule *xg_rules_match_portal(const struct xg_rule_table *t,
					    const struct xg_flow *f);
u32 xg_rules_profile(const struct xg_rule_table *t, const struct xg_flow *f);
void xg_rules_free(struct xg_rule_table *t);
void xg_rules_free_rcu(struct xg_rule_table *t);

#endif /* _XG_RULES_H */
