// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard refused attaches: a fixed ring of the latest ones, read in
 * order by sequence number, so that a dump that is resumed in several
 * parts neither repeats an entry nor skips one that is still there while
 * new refusals push old ones out.
 */
#include <kunit/visibility.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "refused.h"

/* A power of two, so that the modulo below is a mask even for a u64. */
static_assert(XG_REFUSED_MAX > 0 && !(XG_REFUSED_MAX & (XG_REFUSED_MAX - 1)));

/**
 * xg_refused_add() - remember a refusal, forgetting the oldest if full
 * @r: the ring
 * @e: the refusal; its @seq is ignored and set in the ring's copy
 *
 * Context: any; the caller serialises access to @r.
 */
void xg_refused_add(struct xg_refused_ring *r, const struct xg_refused *e)
{
	struct xg_refused *slot = &r->e[r->next_seq % XG_REFUSED_MAX];

	*slot = *e;
	slot->seq = r->next_seq++;
}
EXPORT_SYMBOL_IF_KUNIT(xg_refused_add);

/**
 * xg_refused_next() - the oldest remembered refusal from a point on
 * @r: the ring
 * @seq: the first sequence number wanted; a refusal already forgotten is
 *	passed over for the oldest one still remembered
 * @out: the refusal, if there is one
 *
 * A reader resumes with @out->seq + 1.
 *
 * Context: any; the caller serialises access to @r.
 *
 * Return: true if @out was filled in, false if no refusal numbered @seq or
 * later is remembered.
 */
bool xg_refused_next(const struct xg_refused_ring *r, u64 seq,
		     struct xg_refused *out)
{
	u64 oldest = r->next_seq > XG_REFUSED_MAX ?
		     r->next_seq - XG_REFUSED_MAX : 0;

	seq = max(seq, oldest);
	if (seq >= r->next_seq)
		return false;
	*out = r->e[seq % XG_REFUSED_MAX];
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xg_refused_next);
