/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard refused attaches: a namespace remembers the latest few, so
 * that a connection refused at attach (and so never guarded) can still be
 * seen in the connection dump after the fact.
 *
 * The ring itself takes no lock: its owner, struct xg_net, keeps it under
 * xg_net::refused_lock (see netns.h).
 */
#ifndef _XG_REFUSED_H
#define _XG_REFUSED_H

#include <linux/time64.h>
#include <linux/types.h>
#include <net/xfrm_guard.h>

#include "conn.h"

/* Refused attaches a namespace remembers; older ones are forgotten. */
#define XG_REFUSED_MAX	16

/**
 * struct xg_refused - one refused attach
 * @seq: its place in the namespace's sequence of refusals, from 0; set by
 *	xg_refused_add().
 * @when: when it was refused, in seconds of boot time
 *	(ktime_get_boottime_seconds()).
 * @owner: who asked to attach it.
 * @t: addresses and ports.
 * @reason: the verdict's reason.
 * @profile: the profile the verdict was made with.
 * @alg: the algorithm at fault, or "".
 */
struct xg_refused {
	u64 seq;
	time64_t when;
	enum xfrm_guard_owner owner;
	struct xg_tuple t;
	enum xfrm_guard_reason reason;
	u32 profile;
	char alg[XFRM_GUARD_ALG_NAME_MAX];
};

/**
 * struct xg_refused_ring - the latest refused attaches of a namespace
 * @next_seq: the sequence number the next refusal gets; also how many
 *	there have been.
 * @e: the refusals numbered @next_seq - %XG_REFUSED_MAX (or 0) to
 *	@next_seq - 1, refusal number n in e[n % %XG_REFUSED_MAX].
 */
struct xg_refused_ring {
	u64 next_seq;
	struct xg_refused e[XG_REFUSED_MAX];
};

void xg_refused_add(struct xg_refused_ring *r, const struct xg_refused *e);
bool xg_refused_next(const struct xg_refused_ring *r, u64 seq,
		     struct xg_refused *out);

#endif /* _XG_REFUSED_H */
