/* SPDX-License-Identifier: GPL-2.0 */
/* xfrm_guard reporting: dmesg, events, audit, remembered refusals. */
#ifndef _XG_REPORT_H
#define _XG_REPORT_H

#include <uapi/linux/xfrm_guard.h>

#include "conn.h"

const char *xg_owner_name(enum xfrm_guard_owner owner);
void xg_conn_report(struct xg_net *xn, enum xfrm_guard_event_type type,
		    enum xfrm_guard_owner owner, const struct xg_tuple *t,
		    const struct xg_verdict *v);
void xg_conn_report_owner(struct xg_net *xn, enum xfrm_guard_event_type type,
			  enum xfrm_guard_owner owner,
			  const struct xg_tuple *t, const struct xg_verdict *v,
			  const char *owner_reason);
void xg_conn_audit(const char *op, enum xfrm_guard_owner owner,
		   const struct xg_tuple *t, const char *reason,
		   const char *alg);
void xg_conn_audit_refusal(enum xfrm_guard_owner owner,
			   const struct xg_tuple *t,
			   const struct xg_verdict *v);
void xg_conn_remember_refusal(struct xg_net *xn, enum xfrm_guard_owner owner,
			      const struct xg_tuple *t,
			      const struct xg_verdict *v);

#endif /* _XG_REPORT_H */
