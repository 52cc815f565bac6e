// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: CQ sizing admission and overflow isolation (RFC 5042 6.4.3.2,
 * 6.4.6, 7.1).
 *
 * Each CQ keeps what is attached to it summed under both formulas, so an
 * admission is O(1) and a policy change needs no rescan. Admission is
 * control path and rare; one lock per device is enough. The owner of the
 * queues picks the setting: user contexts one, kernel consumers another.
 */
#include <kunit/visibility.h>
#include <linux/slab.h>

#include "admit.h"

/**
 * srnic_admit_init() - set up a device's admission state
 * @adm: the state
 * @policy: initial &srnic_admit.policy, for CQs of user contexts
 *
 * &srnic_admit.kernel_policy starts at SRNIC_ADMIT_ACCOUNT.
 */
void srnic_admit_init(struct srnic_admit *adm, enum srnic_admit_policy policy)
{
	memset(adm, 0, sizeof(*adm));
	spin_lock_init(&adm->lock);
	adm->policy = policy;
	adm->kernel_policy = SRNIC_ADMIT_ACCOUNT;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_init);

/**
 * srnic_admit_cq_init() - set up a CQ's admission view (create_cq)
 * @cq: the view
 * @depth: CQEs the CQ holds
 * @owner: user context, NULL for kernel users
 */
void srnic_admit_cq_init(struct srnic_admit_cq *cq, u32 depth,
			 const void *owner)
{
	memset(cq, 0, sizeof(*cq));
	cq->depth = depth;
	cq->owner = owner;
	INIT_LIST_HEAD(&cq->send_qps);
	INIT_LIST_HEAD(&cq->recv_qps);
	INIT_LIST_HEAD(&cq->links);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_cq_init);

/**
 * srnic_admit_srq_init() - set up an SRQ's admission view (create_srq)
 * @srq: the view
 * @depth: the SRQ's sizes
 * @owner: user context, NULL for kernel users
 *
 * An SRQ costs nothing until a QP attached to it has a recv CQ.
 */
void srnic_admit_srq_init(struct srnic_admit_srq *srq,
			  const struct srnic_admit_depth *depth,
			  const void *owner)
{
	memset(srq, 0, sizeof(*srq));
	srq->depth = *depth;
	srq->owner = owner;
	INIT_LIST_HEAD(&srq->links);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_srq_init);

/* A demand under both formulas; signed so that a shrink is a delta too. */
struct srnic_admit_delta {
	s64 strict;
	s64 trusted;
};

static void srnic_admit_delta_add(struct srnic_admit_delta *d,
				  const struct srnic_admit_depth *q, int sign)
{
	d->strict += sign * (s64)q->size;
	d->trusted += sign * (s64)q->posted;
}

/*
 * The setting for queues of @owner. Read once per admission: a change
 * applies to the admissions that start after it.
 */
static u32 srnic_admit_policy(const struct srnic_admit *adm, const void *owner)
{
	return owner ? READ_ONCE(adm->policy) : READ_ONCE(adm->kernel_policy);
}

/* Account overcommits by what the ULP asked for: the trusted formula. */
static bool srnic_admit_by_posted(u32 policy)
{
	return policy == SRNIC_ADMIT_TRUSTED || policy == SRNIC_ADMIT_ACCOUNT;
}

static u64 srnic_admit_need(const struct srnic_admit_cq *cq, u32 policy)
{
	return srnic_admit_by_posted(policy) ? cq->need_trusted :
					       cq->need_strict;
}

/* Would @cq still hold its need under @policy after adding @d? */
static bool srnic_admit_fits(const struct srnic_admit_cq *cq,
			     const struct srnic_admit_delta *d, u32 policy)
{
	s64 delta = srnic_admit_by_posted(policy) ? d->trusted : d->strict;

	/* Needs are sums of u32 sizes: far from the s64 limits. */
	return (s64)srnic_admit_need(cq, policy) + delta <= (s64)cq->depth;
}

/*
 * May @d be added to @cq under @policy? Under SRNIC_ADMIT_ACCOUNT always,
 * but *@over is set when that takes @cq beyond its depth, or further
 * beyond it; a demand that shrinks is no overcommit.
 */
static bool srnic_admit_room(const struct srnic_admit_cq *cq,
			     const struct srnic_admit_delta *d, u32 policy,
			     bool *over)
{
	if (policy != SRNIC_ADMIT_ACCOUNT)
		return srnic_admit_fits(cq, d, policy);
	if (d->trusted > 0 && !srnic_admit_fits(cq, d, policy))
		*over = true;
	return true;
}

static void srnic_admit_apply(struct srnic_admit_cq *cq,
			      const struct srnic_admit_delta *d)
{
	cq->need_strict += d->strict;
	cq->need_trusted += d->trusted;
}

static bool srnic_admit_depth_ok(const struct srnic_admit_depth *d)
{
	return d->posted <= d->size;
}

static struct srnic_admit_link *srnic_admit_find_link(struct srnic_admit_cq *cq,
						      struct srnic_admit_srq *srq)
{
	struct srnic_admit_link *link;

	list_for_each_entry(link, &cq->links, cq_node)
		if (link->srq == srq)
			return link;
	return NULL;
}

/**
 * srnic_admit_qp_create() - admit a QP onto its CQs (create_qp)
 * @adm: the device's state
 * @qp: the view to fill (embedded in the QP, contents need no init); on
 *	failure it is left unadmitted
 * @scq: send CQ
 * @rcq: recv CQ
 * @srq: SRQ or NULL
 * @sq: SQ sizes
 * @rq: RQ sizes, ignored when @srq is set
 * @owner: the QP's user context, NULL for kernel users
 *
 * Refused if @scq, @rcq or @srq belongs to another user context, or if a
 * CQ is in error, or if after adding the QP's demand (SQ on @scq, RQ or
 * the SRQ if not yet counted there on @rcq) a CQ's need under the policy
 * for @owner (&srnic_admit.policy, or .kernel_policy when NULL) would
 * exceed its depth; under SRNIC_ADMIT_ACCOUNT that is only counted.
 * Nothing changes on refusal.
 *
 * Context: process context, may sleep (allocates a link for an SRQ).
 * Return: 0, -EPERM (owner), -EIO (CQ in error), -ENOSPC (no room),
 * -ENOMEM, -EINVAL (posted > size).
 */
int srnic_admit_qp_create(struct srnic_admit *adm, struct srnic_admit_qp *qp,
			  struct srnic_admit_cq *scq, struct srnic_admit_cq *rcq,
			  struct srnic_admit_srq *srq,
			  const struct srnic_admit_depth *sq,
			  const struct srnic_admit_depth *rq,
			  const void *owner)
{
	struct srnic_admit_delta sd = {}, rd = {};
	struct srnic_admit_link *link = NULL, *fresh = NULL;
	u32 policy = srnic_admit_policy(adm, owner);
	bool over = false;
	int ret = 0;

	memset(qp, 0, sizeof(*qp));
	if (!srnic_admit_depth_ok(sq) || (!srq && !srnic_admit_depth_ok(rq)))
		return -EINVAL;
	if (srq) {
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh)
			return -ENOMEM;
	}

	spin_lock_bh(&adm->lock);
	if (scq->owner != owner || rcq->owner != owner ||
	    (srq && srq->owner != owner)) {
		adm->owner_refused++;
		ret = -EPERM;
		goto out;
	}
	if (scq->overflowed || rcq->overflowed) {
		ret = -EIO;
		goto out;
	}

	srnic_admit_delta_add(&sd, sq, 1);
	if (srq) {
		/* An SRQ counts once per CQ, however many QPs share both. */
		link = srnic_admit_find_link(rcq, srq);
		if (!link)
			srnic_admit_delta_add(&rd, &srq->depth, 1);
	} else {
		srnic_admit_delta_add(&rd, rq, 1);
	}
	if (scq == rcq) {
		sd.strict += rd.strict;
		sd.trusted += rd.trusted;
		rd = (struct srnic_admit_delta){};
	}
	/* Past the owner check, @owner's policy is the CQs' policy. */
	if (!srnic_admit_room(scq, &sd, policy, &over) ||
	    !srnic_admit_room(rcq, &rd, policy, &over)) {
		adm->refused++;
		ret = -ENOSPC;
		goto out;
	}
	if (over)
		adm->overcommit++;

	srnic_admit_apply(scq, &sd);
	srnic_admit_apply(rcq, &rd);
	if (srq && !link) {
		link = fresh;
		fresh = NULL;
		link->cq = rcq;
		link->srq = srq;
		list_add_tail(&link->cq_node, &rcq->links);
		list_add_tail(&link->srq_node, &srq->links);
	}
	if (link)
		link->users++;
	qp->scq = scq;
	qp->rcq = rcq;
	qp->srq = srq;
	qp->link = link;
	qp->sq = *sq;
	if (!srq)
		qp->rq = *rq;
	list_add_tail(&qp->scq_node, &scq->send_qps);
	if (rcq != scq)
		list_add_tail(&qp->rcq_node, &rcq->recv_qps);
	qp->admitted = true;
out:
	spin_unlock_bh(&adm->lock);
	kfree(fresh);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_qp_create);

/**
 * srnic_admit_qp_destroy() - give a QP's room back (destroy_qp)
 * @adm: the device's state
 * @qp: an admitted QP; nothing happens if it is not
 *
 * Context: any, does not sleep.
 */
void srnic_admit_qp_destroy(struct srnic_admit *adm, struct srnic_admit_qp *qp)
{
	struct srnic_admit_link *gone = NULL;
	struct srnic_admit_delta d = {};

	spin_lock_bh(&adm->lock);
	if (!qp->admitted)
		goto out;
	srnic_admit_delta_add(&d, &qp->sq, -1);
	srnic_admit_apply(qp->scq, &d);
	d = (struct srnic_admit_delta){};
	if (qp->link) {
		if (!--qp->link->users) {
			gone = qp->link;
			srnic_admit_delta_add(&d, &qp->srq->depth, -1);
			list_del(&gone->cq_node);
			list_del(&gone->srq_node);
		}
	} else {
		srnic_admit_delta_add(&d, &qp->rq, -1);
	}
	srnic_admit_apply(qp->rcq, &d);
	list_del(&qp->scq_node);
	if (qp->rcq != qp->scq)
		list_del(&qp->rcq_node);
	qp->admitted = false;
out:
	spin_unlock_bh(&adm->lock);
	kfree(gone);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_qp_destroy);

/**
 * srnic_admit_srq_modify() - resize an SRQ (modify_srq with IB_SRQ_MAX_WR)
 * @adm: the device's state
 * @srq: the SRQ
 * @depth: new sizes
 *
 * Refused if a CQ the SRQ completes on could not hold the new size under
 * the policy for the SRQ's owner; under SRNIC_ADMIT_ACCOUNT only counted.
 *
 * Context: any, does not sleep.
 * Return: 0, -ENOSPC or -EINVAL (posted > size).
 */
int srnic_admit_srq_modify(struct srnic_admit *adm, struct srnic_admit_srq *srq,
			   const struct srnic_admit_depth *depth)
{
	/* The SRQ only completes on CQs of its own owner. */
	u32 policy = srnic_admit_policy(adm, srq->owner);
	struct srnic_admit_delta d = {};
	struct srnic_admit_link *link;
	bool over = false;
	int ret = 0;

	if (!srnic_admit_depth_ok(depth))
		return -EINVAL;
	spin_lock_bh(&adm->lock);
	srnic_admit_delta_add(&d, depth, 1);
	srnic_admit_delta_add(&d, &srq->depth, -1);
	list_for_each_entry(link, &srq->links, srq_node) {
		if (!srnic_admit_room(link->cq, &d, policy, &over)) {
			adm->refused++;
			ret = -ENOSPC;
			goto out;
		}
	}
	if (over)
		adm->overcommit++;
	list_for_each_entry(link, &srq->links, srq_node)
		srnic_admit_apply(link->cq, &d);
	srq->depth = *depth;
out:
	spin_unlock_bh(&adm->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_srq_modify);

/**
 * srnic_admit_srq_destroy() - forget an SRQ (destroy_srq)
 * @adm: the device's state
 * @srq: an SRQ no admitted QP uses
 *
 * Context: any, does not sleep.
 * Return: 0, or -EBUSY if a QP still uses it.
 */
int srnic_admit_srq_destroy(struct srnic_admit *adm, struct srnic_admit_srq *srq)
{
	int ret = 0;

	spin_lock_bh(&adm->lock);
	if (!list_empty(&srq->links))
		ret = -EBUSY;
	spin_unlock_bh(&adm->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_srq_destroy);

/**
 * srnic_admit_cq_resize() - change a CQ's depth (resize_cq)
 * @adm: the device's state
 * @cq: the CQ
 * @depth: new depth
 *
 * Growing always succeeds; shrinking below the current need under the
 * policy for the CQ's owner is refused, or only counted under
 * SRNIC_ADMIT_ACCOUNT. The caller resizes its ring only after this
 * succeeded (and calls it again with the old depth if that fails).
 *
 * Context: any, does not sleep.
 * Return: 0 or -ENOSPC.
 */
int srnic_admit_cq_resize(struct srnic_admit *adm, struct srnic_admit_cq *cq,
			  u32 depth)
{
	u32 policy = srnic_admit_policy(adm, cq->owner);
	int ret = 0;

	spin_lock_bh(&adm->lock);
	if (srnic_admit_need(cq, policy) <= depth || depth >= cq->depth) {
		/*
		 * It fits, or it grows: a CQ over its need after a policy
		 * switch may always move towards it.
		 */
		cq->depth = depth;
	} else if (policy == SRNIC_ADMIT_ACCOUNT) {
		adm->overcommit++;
		cq->depth = depth;
	} else {
		adm->refused++;
		ret = -ENOSPC;
	}
	spin_unlock_bh(&adm->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_cq_resize);

/**
 * srnic_admit_cq_destroy() - forget a CQ (destroy_cq)
 * @adm: the device's state
 * @cq: a CQ no QP uses
 *
 * Context: any, does not sleep.
 * Return: 0, or -EBUSY if a QP still uses it.
 */
int srnic_admit_cq_destroy(struct srnic_admit *adm, struct srnic_admit_cq *cq)
{
	int ret = 0;

	spin_lock_bh(&adm->lock);
	if (!list_empty(&cq->send_qps) || !list_empty(&cq->recv_qps) ||
	    !list_empty(&cq->links))
		ret = -EBUSY;
	spin_unlock_bh(&adm->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_cq_destroy);

/**
 * srnic_admit_cq_overflow() - a CQ overflowed: put it and its QPs in error
 * @adm: the device's state
 * @cq: the CQ that had no room for a CQE
 * @fn: called once for each QP that uses @cq as send or recv CQ, and for
 *	no other QP; under @adm->lock with BH disabled, so it must not
 *	sleep (mark the QP in error and schedule its flush)
 * @arg: passed to @fn
 *
 * Only the first call for a CQ acts; later ones return -EALREADY. The
 * caller raises IB_EVENT_CQ_ERR when the return value is not negative.
 * QPs admitted later onto @cq are refused (-EIO).
 *
 * Context: any, does not sleep.
 * Return: number of QPs @fn was called for, or -EALREADY if @cq was
 * already in error.
 */
int srnic_admit_cq_overflow(struct srnic_admit *adm, struct srnic_admit_cq *cq,
			    void (*fn)(struct srnic_admit_qp *qp, void *arg),
			    void *arg)
{
	struct srnic_admit_qp *qp;
	int n = 0;

	spin_lock_bh(&adm->lock);
	if (cq->overflowed) {
		n = -EALREADY;
		goto out;
	}
	cq->overflowed = true;
	adm->overflows++;
	/* A QP with both CQs here is on send_qps only: called once. */
	list_for_each_entry(qp, &cq->send_qps, scq_node) {
		fn(qp, arg);
		n++;
	}
	list_for_each_entry(qp, &cq->recv_qps, rcq_node) {
		fn(qp, arg);
		n++;
	}
out:
	spin_unlock_bh(&adm->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_cq_overflow);

/**
 * srnic_admit_cq_need() - the CQEs a CQ must be able to hold
 * @adm: the device's state
 * @cq: the CQ
 * @policy: which formula (SRNIC_ADMIT_ACCOUNT: the trusted one)
 *
 * Return: the sum under @policy of what is attached to @cq.
 */
u64 srnic_admit_cq_need(struct srnic_admit *adm, struct srnic_admit_cq *cq,
			enum srnic_admit_policy policy)
{
	u64 need;

	spin_lock_bh(&adm->lock);
	need = srnic_admit_need(cq, policy);
	spin_unlock_bh(&adm->lock);
	return need;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_admit_cq_need);
