/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard tracepoints: every whole-connection verdict and every segment
 * the guard drops, with the tuple and the reason name xguard uses. IPv4
 * addresses are shown IPv4-mapped.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xfrm_guard

#if !defined(_XG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XG_TRACE_H

#include <linux/tracepoint.h>
#include <net/ipv6.h>

#include "conn.h"

#ifndef _XG_TRACE_HELPERS
#define _XG_TRACE_HELPERS
static inline void xg_trace_addr(u8 *dst, u16 family, const union xg_addr *a)
{
	if (family == AF_INET)
		ipv6_addr_set_v4mapped(a->ip, (struct in6_addr *)dst);
	else
		memcpy(dst, &a->in6, sizeof(a->in6));
}
#endif

DECLARE_EVENT_CLASS(xfrm_guard_class,
		    TP_PROTO(const struct xg_tuple *t, const char *what,
			     const char *reason),
		    TP_ARGS(t, what, reason),
		    TP_STRUCT__entry(__array(u8, laddr, 16)
				     __array(u8, raddr, 16)
				     __field(u16, lport)
				     __field(u16, rport)
				     __string(what, what)
				     __string(reason, reason)),
		    TP_fast_assign(xg_trace_addr(__entry->laddr, t->family,
						 &t->laddr);
				   xg_trace_addr(__entry->raddr, t->family,
						 &t->raddr);
				   __entry->lport = ntohs(t->lport);
				   __entry->rport = ntohs(t->rport);
				   __assign_str(what);
				   __assign_str(reason);),
		    TP_printk("%s [%pI6c]:%u -> [%pI6c]:%u reason=%s",
			      __get_str(what), __entry->laddr, __entry->lport,
			      __entry->raddr, __entry->rport,
			      __get_str(reason))
);

/* A whole-connection verdict; @what is the owner ("iscsi", "iwarp"). */
DEFINE_EVENT(xfrm_guard_class, xfrm_guard_verdict,
	     TP_PROTO(const struct xg_tuple *t, const char *what,
		      const char *reason),
	     TP_ARGS(t, what, reason)
);

/* A dropped segment; @what is "in" or "out". */
DEFINE_EVENT(xfrm_guard_class, xfrm_guard_drop,
	     TP_PROTO(const struct xg_tuple *t, const char *what,
		      const char *reason),
	     TP_ARGS(t, what, reason)
);

#endif /* _XG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
