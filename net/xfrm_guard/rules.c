// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard rules: an ordered list, searched front to back.
 *
 * A plain sorted array, copied on every change: rules change a handful of
 * times in a system's life and are read for every new connection (and every
 * segment to a guarded portal), so reads are what has to be cheap and
 * lock-free. See rules.h for the locking rules.
 */
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/ipv6.h>

#include "policy.h"
#include "rules.h"

static __be32 xg_mask4(unsigned int len)
{
	/* a shift by 32 is undefined, and /0 is the common case */
	return len ? htonl(~0U << (32 - len)) : 0;
}

static bool xg_v6_host_bits_clear(const struct in6_addr *a, unsigned int len)
{
	struct in6_addr prefix;

	ipv6_addr_prefix(&prefix, a, len);
	return ipv6_addr_equal(&prefix, a);
}

/**
 * xg_rule_validate() - check a rule as an administrator wrote it
 * @r: rule
 * @extack: where to put the reason; may be NULL
 *
 * Return: 0, or -EINVAL with a message in @extack.
 */
int xg_rule_validate(const struct xg_rule *r, struct netlink_ext_ack *extack)
{
	if ((unsigned int)r->owner >= __XFRM_GUARD_OWNER_MAX) {
		NL_SET_ERR_MSG(extack, "unknown rule owner");
		return -EINVAL;
	}

	switch (r->family) {
	case AF_UNSPEC:
		if (r->prefix_len) {
			NL_SET_ERR_MSG(extack,
				       "a remote prefix needs an address family");
			return -EINVAL;
		}
		break;
	case AF_INET:
		if (r->prefix_len > 32) {
			NL_SET_ERR_MSG(extack, "IPv4 prefix length above 32");
			return -EINVAL;
		}
		/* like "ip route", catch 10.0.0.1/8 meant as 10.0.0.0/8 */
		if (r->remote.ip & ~xg_mask4(r->prefix_len)) {
			NL_SET_ERR_MSG(extack,
				       "remote address has bits set beyond the prefix length");
			return -EINVAL;
		}
		break;
	case AF_INET6:
		if (r->prefix_len > 128) {
			NL_SET_ERR_MSG(extack, "IPv6 prefix length above 128");
			return -EINVAL;
		}
		if (!xg_v6_host_bits_clear(&r->remote.in6, r->prefix_len)) {
			NL_SET_ERR_MSG(extack,
				       "remote address has bits set beyond the prefix length");
			return -EINVAL;
		}
		/* lookups match mapped addresses as IPv4: this could never match */
		if (r->prefix_len >= 96 && ipv6_addr_v4mapped(&r->remote.in6)) {
			NL_SET_ERR_MSG(extack,
				       "write an IPv4-mapped prefix as IPv4");
			return -EINVAL;
		}
		break;
	default:
		NL_SET_ERR_MSG(extack, "unknown address family");
		return -EINVAL;
	}

	if (r->rport_lo > r->rport_hi) {
		NL_SET_ERR_MSG(extack, "remote port range is empty (low above high)");
		return -EINVAL;
	}
	if (r->lport_lo > r->lport_hi) {
		NL_SET_ERR_MSG(extack, "local port range is empty (low above high)");
		return -EINVAL;
	}
	if (r->profile >= XFRM_GUARD_PROFILES_MAX) {
		NL_SET_ERR_MSG(extack, "profile index out of range");
		return -EINVAL;
	}
	/*
	 * A portal's remote port is the client's source port: the client
	 * picks it, so it must not decide whether, or how, a portal is
	 * guarded.
	 */
	if (xg_rule_is_portal(r) && (r->rport_lo != 0 || r->rport_hi != U16_MAX)) {
		NL_SET_ERR_MSG(extack,
			       "a portal rule (owner any with a local port) cannot select by remote port: the client chooses it");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xg_rule_validate);

/**
 * xg_rule_is_portal() - is a rule a portal rule?
 * @r: rule
 *
 * A portal rule is for any owner and names a local port range: it guards
 * connections nobody attached, such as a target's on 3260.
 *
 * Return: true for a portal rule.
 */
bool xg_rule_is_portal(const struct xg_rule *r)
{
	return r->owner == XFRM_GUARD_OWNER_ANY &&
	       (r->lport_lo != 0 || r->lport_hi != U16_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(xg_rule_is_portal);

/*
 * One stored form per match set, so that overlap and identity are simple.
 * The family stays: 0.0.0.0/0 is every IPv4 address, not every address.
 */
static void xg_rule_normalise(struct xg_rule *r)
{
	if (r->prefix_len)
		return;
	memset(&r->remote, 0, sizeof(r->remote));
}

static bool xg_prefix_overlap(const struct xg_rule *a, const struct xg_rule *b)
{
	/* two prefixes intersect iff the shorter one contains the other */
	unsigned int len = min(a->prefix_len, b->prefix_len);

	if (a->family == AF_UNSPEC || b->family == AF_UNSPEC)
		return true;
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return !((a->remote.ip ^ b->remote.ip) & xg_mask4(len));
	return ipv6_prefix_equal(&a->remote.in6, &b->remote.in6, len);
}

static bool xg_rules_overlap(const struct xg_rule *a, const struct xg_rule *b)
{
	if (a->owner != XFRM_GUARD_OWNER_ANY &&
	    b->owner != XFRM_GUARD_OWNER_ANY && a->owner != b->owner)
		return false;
	if (a->rport_lo > b->rport_hi || b->rport_lo > a->rport_hi)
		return false;
	if (a->lport_lo > b->lport_hi || b->lport_lo > a->lport_hi)
		return false;
	return xg_prefix_overlap(a, b);
}

/* Same priority and match set; the profile is what a rule says, not is. */
static bool xg_rules_same(const struct xg_rule *a, const struct xg_rule *b)
{
	if (a->priority != b->priority || a->owner != b->owner ||
	    a->family != b->family || a->prefix_len != b->prefix_len ||
	    a->rport_lo != b->rport_lo || a->rport_hi != b->rport_hi ||
	    a->lport_lo != b->lport_lo || a->lport_hi != b->lport_hi)
		return false;
	switch (a->family) {
	case AF_INET:
		return a->remote.ip == b->remote.ip;
	case AF_INET6:
		return ipv6_addr_equal(&a->remote.in6, &b->remote.in6);
	}
	return true;
}

static struct xg_rule_table *xg_rules_alloc(unsigned int count, gfp_t gfp)
{
	struct xg_rule_table *t;

	t = kmalloc(struct_size(t, rules, count), gfp);
	if (t)
		t->count = count;
	return t;
}

/**
 * xg_rules_insert() - a copy of a table with one more rule
 * @old: current table; NULL if there is none yet
 * @r: rule to add (validated and normalised here)
 * @gfp: allocation flags
 * @extack: where to put the reason for a refusal; may be NULL
 *
 * The new rule goes after the rules of lower or equal priority. Two rules of
 * the same priority must not both match a connection, since the order between
 * them would then be an accident of insertion: such a rule is refused.
 *
 * Context: the caller serialises writers; @old is not changed.
 * Return: the new table, or ERR_PTR(-EINVAL) (invalid rule), -EEXIST
 * (same priority and overlapping match), -ENOSPC (%XG_RULES_MAX rules
 * already) or -ENOMEM.
 */
struct xg_rule_table *xg_rules_insert(const struct xg_rule_table *old,
				      const struct xg_rule *r, gfp_t gfp,
				      struct netlink_ext_ack *extack)
{
	unsigned int n = old ? old->count : 0;
	unsigned int i, pos = n;
	struct xg_rule_table *t;
	struct xg_rule nr = *r;
	int err;

	err = xg_rule_validate(r, extack);
	if (err)
		return ERR_PTR(err);
	xg_rule_normalise(&nr);

	if (n >= XG_RULES_MAX) {
		NL_SET_ERR_MSG(extack, "too many rules");
		return ERR_PTR(-ENOSPC);
	}
	for (i = 0; i < n; i++) {
		const struct xg_rule *o = &old->rules[i];

		if (o->priority == nr.priority && xg_rules_overlap(o, &nr)) {
			NL_SET_ERR_MSG(extack,
				       "a rule of the same priority matches some of the same connections");
			return ERR_PTR(-EEXIST);
		}
		if (pos == n && o->priority > nr.priority)
			pos = i;
	}

	t = xg_rules_alloc(n + 1, gfp);
	if (!t)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < pos; i++)
		t->rules[i] = old->rules[i];
	t->rules[pos] = nr;
	for (i = pos; i < n; i++)
		t->rules[i + 1] = old->rules[i];
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_insert);

/**
 * xg_rules_remove() - a copy of a table without one rule
 * @old: current table; NULL if there is none
 * @r: the rule to remove, identified by priority and match set (the profile
 *	is ignored); validated and normalised like a rule being added
 * @gfp: allocation flags
 * @extack: where to put the reason for a refusal; may be NULL
 *
 * Same-priority rules never overlap, so priority and match set name at most
 * one rule.
 *
 * Context: the caller serialises writers; @old is not changed.
 * Return: the new table (possibly empty), or ERR_PTR(-EINVAL), -ENOENT (no
 * such rule) or -ENOMEM.
 */
struct xg_rule_table *xg_rules_remove(const struct xg_rule_table *old,
				      const struct xg_rule *r, gfp_t gfp,
				      struct netlink_ext_ack *extack)
{
	unsigned int n = old ? old->count : 0;
	struct xg_rule_table *t;
	struct xg_rule key = *r;
	unsigned int i, pos;
	int err;

	err = xg_rule_validate(r, extack);
	if (err)
		return ERR_PTR(err);
	xg_rule_normalise(&key);

	for (pos = 0; pos < n; pos++)
		if (xg_rules_same(&old->rules[pos], &key))
			break;
	if (pos == n) {
		NL_SET_ERR_MSG(extack, "no such rule");
		return ERR_PTR(-ENOENT);
	}

	t = xg_rules_alloc(n - 1, gfp);
	if (!t)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < pos; i++)
		t->rules[i] = old->rules[i];
	for (i = pos + 1; i < n; i++)
		t->rules[i - 1] = old->rules[i];
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_remove);

static bool xg_rule_matches(const struct xg_rule *r, const struct xg_flow *f)
{
	if (r->owner != XFRM_GUARD_OWNER_ANY && r->owner != f->owner)
		return false;
	if (f->rport < r->rport_lo || f->rport > r->rport_hi)
		return false;
	if (f->lport < r->lport_lo || f->lport > r->lport_hi)
		return false;
	switch (r->family) {
	case AF_UNSPEC:
		return true;
	case AF_INET:
		return f->family == AF_INET &&
		       !((f->remote.ip ^ r->remote.ip) & xg_mask4(r->prefix_len));
	case AF_INET6:
		return f->family == AF_INET6 &&
		       ipv6_prefix_equal(&f->remote.in6, &r->remote.in6,
					 r->prefix_len);
	}
	return false;
}

static const struct xg_rule *xg_rules_find(const struct xg_rule_table *t,
					   const struct xg_flow *f,
					   bool portal_only)
{
	struct xg_flow v4;
	unsigned int i;

	if (!t)
		return NULL;

	/* a v6 socket talking to an IPv4 peer is an IPv4 connection */
	if (f->family == AF_INET6 && ipv6_addr_v4mapped(&f->remote.in6)) {
		v4 = *f;
		v4.family = AF_INET;
		v4.remote.ip = f->remote.in6.s6_addr32[3];
		f = &v4;
	}

	for (i = 0; i < t->count; i++) {
		const struct xg_rule *r = &t->rules[i];

		if (portal_only && !xg_rule_is_portal(r))
			continue;
		if (xg_rule_matches(r, f))
			return r;
	}
	return NULL;
}

/**
 * xg_rules_match() - the first rule that matches a connection
 * @t: table; NULL means no rules
 * @f: the connection
 *
 * Context: any; inside rcu_read_lock() if @t is a published table.
 * Return: the matching rule of lowest priority, or NULL.
 */
const struct xg_rule *xg_rules_match(const struct xg_rule_table *t,
				     const struct xg_flow *f)
{
	return xg_rules_find(t, f, false);
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_match);

/**
 * xg_rules_match_portal() - the portal rule for a connection nobody attached
 * @t: table; NULL means no rules
 * @f: the connection, with @f->owner %XFRM_GUARD_OWNER_ANY
 *
 * Only portal rules (xg_rule_is_portal()) are tried: a rule that names no
 * local port neither guards a portal nor lets one go, whatever its
 * priority. Among the portal rules the first match wins, so an exception
 * for a portal has to name the portal's port.
 *
 * Context: as xg_rules_match().
 * Return: the matching portal rule of lowest priority, or NULL.
 */
const struct xg_rule *xg_rules_match_portal(const struct xg_rule_table *t,
					    const struct xg_flow *f)
{
	return xg_rules_find(t, f, true);
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_match_portal);

/**
 * xg_rules_profile() - the profile that applies to a connection
 * @t: table; NULL means no rules
 * @f: the connection
 *
 * Context: as xg_rules_match().
 * Return: the profile index of the first matching rule, else
 * %XG_PROFILE_DEFAULT.
 */
u32 xg_rules_profile(const struct xg_rule_table *t, const struct xg_flow *f)
{
	const struct xg_rule *r = xg_rules_match(t, f);

	return r ? r->profile : XG_PROFILE_DEFAULT;
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_profile);

/**
 * xg_rules_free() - free a table no reader can see
 * @t: table, or NULL
 */
void xg_rules_free(struct xg_rule_table *t)
{
	kfree(t);
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_free);

/**
 * xg_rules_free_rcu() - free a table that was published, after readers left
 * @t: table, or NULL
 */
void xg_rules_free_rcu(struct xg_rule_table *t)
{
	if (t)
		kfree_rcu(t, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(xg_rules_free_rcu);
