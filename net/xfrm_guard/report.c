// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard reporting: what the guard decided, told everywhere it is
 * looked for, in one vocabulary: a dmesg line, an event on the netlink
 * "events" group, an audit record for refusals, the namespace's list of
 * refused attaches, and the tracepoints (created here).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/audit.h>
#include <linux/ratelimit.h>

#include "conn.h"
#include "netlink.h"
#include "refused.h"
#include "report.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static const char * const xg_owner_names[__XFRM_GUARD_OWNER_MAX] = {
	[XFRM_GUARD_OWNER_ANY]	 = "portal",
	[XFRM_GUARD_OWNER_ISCSI] = "iscsi",
	[XFRM_GUARD_OWNER_IWARP] = "iwarp",
};

/**
 * xg_owner_name() - the name of an owner in dmesg and audit records
 * @owner: the owner; %XFRM_GUARD_OWNER_ANY is a portal's connection
 *
 * Return: "portal", "iscsi", "iwarp", or "unknown" for a value out of range.
 */
const char *xg_owner_name(enum xfrm_guard_owner owner)
{
	if ((unsigned int)owner >= __XFRM_GUARD_OWNER_MAX)
		return "unknown";
	return xg_owner_names[owner];
}

/*
 * One greppable dmesg line per event, with the words xguard and netlink
 * use, and the same event on the netlink "events" group. Drops can come at
 * line rate and from anyone: their events share one rate limit.
 */
static DEFINE_RATELIMIT_STATE(xg_drop_event_rs, 5 * HZ, 20);

/**
 * xg_conn_report_owner() - report an event in dmesg and on netlink
 * @xn: namespace state
 * @type: what happened
 * @owner: whose connection; %XFRM_GUARD_OWNER_ANY for a portal's
 * @t: the connection's tuple
 * @v: the verdict that goes with it
 * @owner_reason: the owner's own refusal token, for
 *	%XFRM_GUARD_EVENT_OWNER_REFUSED (dmesg shows it instead of the
 *	verdict), else NULL
 *
 * Context: any but hardirq.
 */
void xg_conn_report_owner(struct xg_net *xn,
			  enum xfrm_guard_event_type type,
			  enum xfrm_guard_owner owner,
			  const struct xg_tuple *t,
			  const struct xg_verdict *v,
			  const char *owner_reason)
{
	static const char * const what[__XFRM_GUARD_EVENT_MAX] = {
		[XFRM_GUARD_EVENT_REFUSED] = "refused",
		[XFRM_GUARD_EVENT_LOST] = "protection lost, holding",
		[XFRM_GUARD_EVENT_RESTORED] = "protection restored",
		[XFRM_GUARD_EVENT_DROPPED] = "dropped segment",
		[XFRM_GUARD_EVENT_AUDITED] = "unprotected (audit only)",
		[XFRM_GUARD_EVENT_OWNER_REFUSED] = "refused by owner",
		[XFRM_GUARD_EVENT_HOLD_EXPIRED] = "hold expired, connection aborted",
	};
	const char *who = xg_owner_name(owner);
	const char *why = owner_reason ?: xg_reason_name(v->reason);
	const char *alg = owner_reason ? "" : v->alg;
	struct xg_event ev = {
		.type = type,
		.owner = owner,
		.family = t->family,
		.saddr = t->laddr,
		.daddr = t->raddr,
		.sport = ntohs(t->lport),
		.dport = ntohs(t->rport),
		.reason = v->reason,
		.alg = v->alg[0] ? v->alg : NULL,
		.profile = v->profile,
		.owner_reason = owner_reason,
	};

	if (type != XFRM_GUARD_EVENT_DROPPED || __ratelimit(&xg_drop_event_rs))
		xg_nl_event(xn->net, &ev);

	if (t->family == AF_INET)
		pr_info_ratelimited("%s %s %pI4:%u -> %pI4:%u: %s%s%s\n",
				    what[type], who, &t->laddr.ip,
				    ntohs(t->lport), &t->raddr.ip,
				    ntohs(t->rport), why, alg[0] ? " " : "",
				    alg);
	else
		pr_info_ratelimited("%s %s [%pI6c]:%u -> [%pI6c]:%u: %s%s%s\n",
				    what[type], who, &t->laddr.in6,
				    ntohs(t->lport), &t->raddr.in6,
				    ntohs(t->rport), why, alg[0] ? " " : "",
				    alg);
}

/**
 * xg_conn_report() - report an event of the guard's own
 * @xn: namespace state
 * @type: what happened
 * @owner: whose connection
 * @t: the connection's tuple
 * @v: the verdict that goes with it
 *
 * Context: any but hardirq.
 */
void xg_conn_report(struct xg_net *xn,
		    enum xfrm_guard_event_type type,
		    enum xfrm_guard_owner owner,
		    const struct xg_tuple *t, const struct xg_verdict *v)
{
	xg_conn_report_owner(xn, type, owner, t, v, NULL);
}

/**
 * xg_conn_audit() - write an audit record for a refusal
 * @op: the record's op= word
 * @owner: whose connection
 * @t: the connection's tuple
 * @reason: the reason's name or the owner's token
 * @alg: the algorithm at fault, or ""
 *
 * An audit record for every refusal, in the IPsec event class xfrm itself
 * uses, so that auditd rules for IPsec see the guard's decisions too: the
 * guard's own (op xfrm-guard-refuse, the verdict's reason) and an owner's
 * (op xfrm-guard-owner-refuse, the owner's token). Both words are from a
 * fixed vocabulary or vetted by xg_owner_reason_token(): no escaping.
 *
 * Context: process context.
 */
void xg_conn_audit(const char *op, enum xfrm_guard_owner owner,
		   const struct xg_tuple *t, const char *reason,
		   const char *alg)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_MAC_IPSEC_EVENT);
	if (!ab)
		return;
	audit_log_format(ab, "op=%s owner=%s reason=%s", op,
			 xg_owner_name(owner), reason);
	if (alg[0])
		audit_log_format(ab, " alg=%s", alg);
	if (t->family == AF_INET)
		audit_log_format(ab, " src=%pI4 dst=%pI4", &t->laddr.ip,
				 &t->raddr.ip);
	else
		audit_log_format(ab, " src=%pI6c dst=%pI6c", &t->laddr.in6,
				 &t->raddr.in6);
	audit_log_format(ab, " sport=%u dport=%u res=0", ntohs(t->lport),
			 ntohs(t->rport));
	audit_log_end(ab);
}

/**
 * xg_conn_audit_refusal() - audit the guard's refusal of an attach
 * @owner: who asked to attach
 * @t: the connection's tuple
 * @v: the verdict
 */
void xg_conn_audit_refusal(enum xfrm_guard_owner owner,
			   const struct xg_tuple *t,
			   const struct xg_verdict *v)
{
	xg_conn_audit("xfrm-guard-refuse", owner, t, xg_reason_name(v->reason),
		      v->alg);
}

/**
 * xg_conn_remember_refusal() - note a refused attach in its namespace
 * @xn: namespace state
 * @owner: who asked to attach
 * @t: the connection's tuple
 * @v: the verdict
 *
 * A refused attach leaves no connection behind: the namespace keeps a note
 * of it, for the connection dump (xg_conn_dump_refused()).
 */
void xg_conn_remember_refusal(struct xg_net *xn,
			      enum xfrm_guard_owner owner,
			      const struct xg_tuple *t,
			      const struct xg_verdict *v)
{
	struct xg_refused e = {
		.when = ktime_get_boottime_seconds(),
		.owner = owner,
		.t = *t,
		.reason = v->reason,
		.profile = v->profile,
	};

	strscpy(e.alg, v->alg, sizeof(e.alg));
	spin_lock_bh(&xn->refused_lock);
	xg_refused_add(xn->refused, &e);
	spin_unlock_bh(&xn->refused_lock);
}
