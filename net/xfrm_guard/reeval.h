/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard re-evaluation: judging a connection as a whole, and what
 * follows from a change of the answer.
 */
#ifndef _XG_REEVAL_H
#define _XG_REEVAL_H

#include <net/xfrm.h>

#include "conn.h"

/**
 * struct xg_judgement - a whole-connection verdict and what goes with it
 * @v: the verdict.
 * @enforced: the profile was in enforce mode.
 * @sas: the SAs behind @v.
 * @peer: see xfrm_guard_conn::peer.
 * @peer_family: see xfrm_guard_conn::peer_family.
 */
struct xg_judgement {
	struct xg_verdict v;
	bool enforced;
	struct xg_conn_sas sas;
	xfrm_address_t peer;
	u16 peer_family;
};

unsigned int xg_descs_from_dst(const struct dst_entry *dst,
			       struct xg_sa_desc *out);
const struct xg_profile *xg_profile_for(struct xg_net *xn,
					const struct xg_tuple *t,
					enum xfrm_guard_owner owner, u32 *id);
void xg_conn_judge(struct xfrm_guard_conn *c, struct xg_judgement *j);
bool xg_conn_recheck(struct xfrm_guard_conn *c);
void xg_conn_init_work(struct xfrm_guard_conn *c);
void xg_conn_reeval_work(struct work_struct *work);

#endif /* _XG_REEVAL_H */
