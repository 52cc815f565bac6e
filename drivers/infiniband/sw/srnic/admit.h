/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: completion queue sizing admission and overflow isolation
 * (RFC 5042 6.4.3.2, 6.4.6, 7.1). A queue that can complete work on a CQ
 * is admitted only if the CQ can hold every completion it may have to
 * take; a CQ that overflows anyway takes down exactly the QPs using it.
 *
 * Who owns a CQ decides which setting applies to it. User contexts are the
 * untrusted local peers of RFC 5042: their CQs follow &srnic_admit.policy
 * (strict or trusted; devices use strict, and have no knob for it, since
 * srnic refuses user CQs). Kernel ULPs are in
 * the kernel's trust domain (RFC 5042 7.1, Appendix A) and size a CQ by
 * the completions they will reap, not by their queue depths: nvme-rdma
 * puts cq_factor*q+1 send WRs, most of them unsignaled REG_MR/LOCAL_INV,
 * and q+1 receive WRs on a CQ of cq_factor*q+1 entries. CQs without an
 * owner follow "cq_admission_kernel" (strict, trusted or account, default
 * account); under account nothing is refused for lack of CQ room and an
 * admission that overcommits a CQ is only counted. Overflow isolation, and
 * the rule that no CQ or SRQ is shared between user contexts, hold under
 * every setting.
 */
#ifndef _SRNIC_ADMIT_H
#define _SRNIC_ADMIT_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * enum srnic_admit_policy - which RFC 5042 6.4.3.2 formula applies
 * @SRNIC_ADMIT_STRICT: the ULP is not trusted to limit what it posts:
 *	CQ_MIN_SIZE = SUM(SizeOfEachRQ) + SUM(SizeOfEachSRQ) +
 *	SUM(SizeOfEachSQ), where a queue's size is its capacity, the number
 *	of WRs the ring can hold (after the provider rounded the request
 *	up). Every WR that can ever be posted can complete.
 * @SRNIC_ADMIT_TRUSTED: the ULP is trusted to post no more than it asked
 *	for: CQ_MIN_SIZE = SUM(MaxPostedOnEachRQ) + SUM(MaxPostedOnEachSRQ) +
 *	SUM(MaxPostedOnEachSQ), where MaxPosted is the depth the ULP
 *	requested (ib_qp_cap.max_send_wr / max_recv_wr, ib_srq_attr.max_wr)
 *	before rounding.
 *
 * @SRNIC_ADMIT_ACCOUNT: for kernel consumers only
 *	(&srnic_admit.kernel_policy): the ULP is trusted to post no more than
 *	it asked for and to size its CQ by what it will reap. Nothing is
 *	refused for lack of CQ room; the trusted formula is still summed,
 *	and an admission that takes a CQ beyond its depth by it, or further
 *	beyond, counts in &srnic_admit.overcommit.
 *
 * In every formula an SRQ counts once on each CQ that receives its
 * completions (the recv CQ of any QP attached to it), however many of
 * those QPs share that CQ; a QP attached to an SRQ has no RQ of its own.
 */
enum srnic_admit_policy {
	SRNIC_ADMIT_STRICT,
	SRNIC_ADMIT_TRUSTED,
	SRNIC_ADMIT_ACCOUNT,
};

/**
 * struct srnic_admit_depth - one queue's two sizes
 * @size: capacity, what can ever be posted (strict formula)
 * @posted: the ULP's requested depth, MaxPosted (trusted formula);
 *	must not exceed @size
 */
struct srnic_admit_depth {
	u32 size;
	u32 posted;
};

/**
 * struct srnic_admit - admission state of one device
 * @lock: protects every field of every srnic_admit_cq, srnic_admit_srq,
 *	srnic_admit_qp and srnic_admit_link of this device except the
 *	settings. Taken with BH disabled (overflow is detected where CQEs
 *	are produced, possibly in softirq). Never held across a callback
 *	that may sleep.
 * @policy: the formula for CQs of user contexts, SRNIC_ADMIT_STRICT or
 *	SRNIC_ADMIT_TRUSTED; may change at any time (WRITE_ONCE()) and
 *	applies to admissions made after that.
 * @kernel_policy: setting "cq_admission_kernel" for CQs of kernel
 *	consumers (no owner), any &enum srnic_admit_policy,
 *	SRNIC_ADMIT_ACCOUNT after srnic_admit_init(); changed and applied
 *	like @policy. Under SRNIC_ADMIT_ACCOUNT in-tree ULPs that size CQs
 *	by signaled work (nvme-rdma, ib_cq_pool and rdma_rw users) work;
 *	strict and trusted apply the formulas exactly as for user contexts.
 * @refused: statistic: admissions refused for lack of CQ room
 * @owner_refused: statistic: admissions refused because a CQ or SRQ
 *	belongs to another user context
 * @overflows: statistic: CQs that overflowed
 * @overcommit: statistic: admissions under SRNIC_ADMIT_ACCOUNT that took
 *	a CQ beyond its depth by the trusted formula, or further beyond
 */
struct srnic_admit {
	spinlock_t lock; /* all admission views of the device */
	u32 policy;
	u32 kernel_policy;
	u64 refused;
	u64 owner_refused;
	u64 overflows;
	u64 overcommit;
};

/**
 * struct srnic_admit_cq - admission view of a CQ
 * @depth: CQEs the CQ can hold
 * @need_strict: sum of the strict-formula demands of what is attached
 * @need_trusted: sum of the trusted-formula demands of what is attached
 * @owner: user context (e.g. the ib_ucontext), NULL for kernel users;
 *	selects &srnic_admit.policy or &srnic_admit.kernel_policy
 * @overflowed: the CQ overflowed and is in error
 * @send_qps: &srnic_admit_qp.scq_node of QPs whose send CQ this is
 * @recv_qps: &srnic_admit_qp.rcq_node of QPs whose recv CQ this is and
 *	whose send CQ is another one (so each QP is on one list of a CQ)
 * @links: &srnic_admit_link.cq_node, one per SRQ completing here
 *
 * Both sums are kept so that a policy change never needs a rescan; the
 * one the current policy selects must stay <= @depth, except under
 * SRNIC_ADMIT_ACCOUNT, which only counts when the trusted one does not.
 */
struct srnic_admit_cq {
	u32 depth;
	u64 need_strict;
	u64 need_trusted;
	const void *owner;
	bool overflowed;
	struct list_head send_qps;
	struct list_head recv_qps;
	struct list_head links;
};

/**
 * struct srnic_admit_srq - admission view of an SRQ
 * @depth: its sizes
 * @owner: user context, NULL for kernel users
 * @links: &srnic_admit_link.srq_node, one per CQ it completes on
 */
struct srnic_admit_srq {
	struct srnic_admit_depth depth;
	const void *owner;
	struct list_head links;
};

/**
 * struct srnic_admit_link - an SRQ counted on one CQ
 * @cq: the CQ
 * @srq: the SRQ
 * @users: QPs with recv CQ @cq attached to @srq
 * @cq_node: link in &srnic_admit_cq.links
 * @srq_node: link in &srnic_admit_srq.links
 */
struct srnic_admit_link {
	struct srnic_admit_cq *cq;
	struct srnic_admit_srq *srq;
	u32 users;
	struct list_head cq_node;
	struct list_head srq_node;
};

/**
 * struct srnic_admit_qp - admission view of a QP
 * @scq: send CQ
 * @rcq: recv CQ (may equal @scq)
 * @srq: SRQ, or NULL if the QP has its own RQ
 * @link: the (rcq, srq) link when @srq is set
 * @sq: SQ sizes
 * @rq: RQ sizes (ignored with an SRQ)
 * @scq_node: link in @scq's &srnic_admit_cq.send_qps
 * @rcq_node: link in @rcq's &srnic_admit_cq.recv_qps when @rcq != @scq
 * @admitted: set by srnic_admit_qp_create(), cleared by _destroy()
 */
struct srnic_admit_qp {
	struct srnic_admit_cq *scq;
	struct srnic_admit_cq *rcq;
	struct srnic_admit_srq *srq;
	struct srnic_admit_link *link;
	struct srnic_admit_depth sq;
	struct srnic_admit_depth rq;
	struct list_head scq_node;
	struct list_head rcq_node;
	bool admitted;
};

/* Setting up the device's state and each CQ's and SRQ's view. */
void srnic_admit_init(struct srnic_admit *adm, enum srnic_admit_policy policy);
void srnic_admit_cq_init(struct srnic_admit_cq *cq, u32 depth,
			 const void *owner);
void srnic_admit_srq_init(struct srnic_admit_srq *srq,
			  const struct srnic_admit_depth *depth,
			  const void *owner);

/* Admission at create, resize and destroy of QPs, SRQs and CQs. */
int srnic_admit_qp_create(struct srnic_admit *adm, struct srnic_admit_qp *qp,
			  struct srnic_admit_cq *scq, struct srnic_admit_cq *rcq,
			  struct srnic_admit_srq *srq,
			  const struct srnic_admit_depth *sq,
			  const struct srnic_admit_depth *rq,
			  const void *owner);
void srnic_admit_qp_destroy(struct srnic_admit *adm, struct srnic_admit_qp *qp);
int srnic_admit_srq_modify(struct srnic_admit *adm, struct srnic_admit_srq *srq,
			   const struct srnic_admit_depth *depth);
int srnic_admit_srq_destroy(struct srnic_admit *adm, struct srnic_admit_srq *srq);
int srnic_admit_cq_resize(struct srnic_admit *adm, struct srnic_admit_cq *cq,
			  u32 depth);
int srnic_admit_cq_destroy(struct srnic_admit *adm, struct srnic_admit_cq *cq);

/* Overflow isolation, and the sums for reports. */
int srnic_admit_cq_overflow(struct srnic_admit *adm, struct srnic_admit_cq *cq,
			    void (*fn)(struct srnic_admit_qp *qp, void *arg),
			    void *arg);
u64 srnic_admit_cq_need(struct srnic_admit *adm, struct srnic_admit_cq *cq,
			enum srnic_admit_policy policy);

#endif /* _SRNIC_ADMIT_H */
