// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: completion queues. A CQ never loses a completion silently: a CQE
 * that finds the ring full puts the CQ in error, raises IB_EVENT_CQ_ERR
 * and moves exactly the QPs using that CQ to error (RFC 5042 6.4.3.2,
 * 7.1); admission (admit.c) sizes CQs so that this takes a misbehaving
 * consumer.
 */
#include <kunit/visibility.h>
#include <linux/overflow.h>
#include <rdma/restrack.h>

#include "verbs.h"

/**
 * srnic_create_cq - ib_device_ops.create_cq
 * @ibcq: the CQ ib_core allocated
 * @attr: depth, flags and vector
 * @attrs: uverbs bundle, NULL-equivalent for kernel consumers
 *
 * Return: 0, -EINVAL, -EOPNOTSUPP, or a limit's refusal.
 */
int srnic_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		    struct uverbs_attr_bundle *attrs)
{
	struct ib_udata *udata = attrs ? &attrs->driver_udata : NULL;
	struct srnic_dev *sdev = to_sdev(ibcq->device);
	struct srnic_cq *cq = to_scq(ibcq);
	int rv;

	if (udata)
		return srnic_user_queue_refused(sdev, "CQ");
	if (attr->flags)
		return -EOPNOTSUPP;
	if (attr->cqe < 1 || attr->cqe > SRNIC_MAX_CQE ||
	    attr->comp_vector >= ibcq->device->num_comp_vectors)
		return -EINVAL;

	cq->uid = srnic_res_uid(udata);
	rv = srnic_limits_charge(&sdev->limits, cq->uid, SRNIC_RES_CQ, 1);
	if (rv)
		return rv;
	cq->ring = kvcalloc(attr->cqe, sizeof(*cq->ring), GFP_KERNEL);
	if (!cq->ring) {
		srnic_limits_uncharge(&sdev->limits, cq->uid, SRNIC_RES_CQ, 1);
		return -ENOMEM;
	}
	spin_lock_init(&cq->lock);
	ibcq->cqe = attr->cqe;
	srnic_admit_cq_init(&cq->admit, attr->cqe, srnic_udata_owner(udata));
	return 0;
}

/**
 * srnic_destroy_cq - ib_device_ops.destroy_cq
 * @ibcq: the CQ, no QP uses it
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0, or -EBUSY if a QP still uses it.
 */
int srnic_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibcq->device);
	struct srnic_cq *cq = to_scq(ibcq);
	int rv;

	rv = srnic_admit_cq_destroy(&sdev->admit, &cq->admit);
	if (rv)
		return rv;
	kvfree(cq->ring);
	srnic_limits_uncharge(&sdev->limits, cq->uid, SRNIC_RES_CQ, 1);
	return 0;
}

/**
 * srnic_resize_cq - ib_device_ops.resize_cq
 * @ibcq: the CQ
 * @cqe: the new depth
 * @udata: user data, NULL for kernel consumers
 *
 * Shrinking is refused below what admission needs for the queues on the
 * CQ and below the completions it holds.
 *
 * Return: 0, -EINVAL, -ENOSPC or -ENOMEM.
 */
int srnic_resize_cq(struct ib_cq *ibcq, int cqe, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibcq->device);
	struct srnic_cq *cq = to_scq(ibcq);
	struct srnic_cqe *ring, *old;
	u32 old_depth = ibcq->cqe;
	unsigned long flags;
	u32 i;
	int rv;

	if (cqe < 1 || cqe > SRNIC_MAX_CQE)
		return -EINVAL;
	ring = kvcalloc(cqe, sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	rv = srnic_admit_cq_resize(&sdev->admit, &cq->admit, cqe);
	if (rv) {
		kvfree(ring);
		return rv;
	}

	spin_lock_irqsave(&cq->lock, flags);
	if (cq->count > cqe) {
		spin_unlock_irqrestore(&cq->lock, flags);
		srnic_admit_cq_resize(&sdev->admit, &cq->admit, old_depth);
		kvfree(ring);
		return -EINVAL;
	}
	for (i = 0; i < cq->count; i++)
		ring[i] = cq->ring[(cq->head + i) % old_depth];
	old = cq->ring;
	cq->ring = ring;
	cq->head = 0;
	ibcq->cqe = cqe;
	spin_unlock_irqrestore(&cq->lock, flags);
	kvfree(old);
	return 0;
}

static void srnic_cq_overflow(struct srnic_cq *cq)
{
	struct srnic_dev *sdev = to_sdev(cq->ibcq.device);
	struct ib_event ev = {
		.device = cq->ibcq.device,
		.event = IB_EVENT_CQ_ERR,
		.element.cq = &cq->ibcq,
	};
	int n;

	n = srnic_admit_cq_overflow(&sdev->admit, &cq->admit,
				    srnic_qp_cq_failed, NULL);
	if (n < 0)
		return;
	dev_warn_ratelimited(&cq->ibcq.device->dev,
			     "CQ %u overflowed (depth %d): CQ in error, %d QP(s) using it to error\n",
			     cq->ibcq.res.id, cq->ibcq.cqe, n);
	if (cq->ibcq.event_handler)
		cq->ibcq.event_handler(&ev, cq->ibcq.cq_context);
}

/**
 * srnic_cq_add - queue a completion
 * @cq: the CQ
 * @cqe: the completion
 * @solicited: the completion is solicited (fires IB_CQ_SOLICITED)
 *
 * Context: any but hard IRQ; callers may hold their QP's lock.
 * Return: 0, -EIO if the CQ is in error, -ENOSPC if this completion
 * overflowed it (the CQ and its QPs are then on their way to error).
 */
int srnic_cq_add(struct srnic_cq *cq, const struct srnic_cqe *cqe,
		 bool solicited)
{
	unsigned long flags;
	bool fire;

	spin_lock_irqsave(&cq->lock, flags);
	if (cq->error) {
		spin_unlock_irqrestore(&cq->lock, flags);
		return -EIO;
	}
	if (cq->count == cq->ibcq.cqe) {
		cq->error = true;
		spin_unlock_irqrestore(&cq->lock, flags);
		srnic_cq_overflow(cq);
		return -ENOSPC;
	}
	cq->ring[(cq->head + cq->count) % cq->ibcq.cqe] = *cqe;
	cq->count++;
	fire = (cq->notify & IB_CQ_NEXT_COMP) ||
	       ((cq->notify & IB_CQ_SOLICITED) && solicited);
	if (fire)
		cq->notify = 0;
	spin_unlock_irqrestore(&cq->lock, flags);

	if (fire && cq->ibcq.comp_handler)
		cq->ibcq.comp_handler(&cq->ibcq, cq->ibcq.cq_context);
	return 0;
}

/**
 * srnic_poll_cq - ib_device_ops.poll_cq
 * @ibcq: the CQ
 * @num_entries: room in @wc
 * @wc: where to put completions
 *
 * A CQ in error still hands out what it holds, then reports an error.
 *
 * Return: completions returned, or -EIO for an empty CQ in error.
 */
int srnic_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc)
{
	struct srnic_cq *cq = to_scq(ibcq);
	unsigned long flags;
	int n;

	spin_lock_irqsave(&cq->lock, flags);
	for (n = 0; n < num_entries && cq->count; n++, wc++) {
		struct srnic_cqe *e = &cq->ring[cq->head];

		memset(wc, 0, sizeof(*wc));
		wc->wr_id = e->wr_id;
		wc->status = e->status;
		wc->opcode = e->opcode;
		wc->byte_len = e->byte_len;
		wc->qp = e->qp;
		wc->wc_flags = e->wc_flags;
		if (e->wc_flags & IB_WC_WITH_INVALIDATE)
			wc->ex.invalidate_rkey = e->ex;
		cq->head = (cq->head + 1) % ibcq->cqe;
		cq->count--;
	}
	if (!n && cq->error)
		n = -EIO;
	spin_unlock_irqrestore(&cq->lock, flags);
	return n;
}

/**
 * srnic_req_notify_cq - ib_device_ops.req_notify_cq
 * @ibcq: the CQ
 * @flags: IB_CQ_SOLICITED or IB_CQ_NEXT_COMP, and
 *	IB_CQ_REPORT_MISSED_EVENTS
 *
 * Return: with IB_CQ_REPORT_MISSED_EVENTS, 1 if completions are waiting,
 * else 0.
 */
int srnic_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags)
{
	struct srnic_cq *cq = to_scq(ibcq);
	unsigned long irqflags;
	int rv = 0;

	spin_lock_irqsave(&cq->lock, irqflags);
	cq->notify = flags & IB_CQ_SOLICITED_MASK;
	if ((flags & IB_CQ_REPORT_MISSED_EVENTS) && cq->count)
		rv = 1;
	spin_unlock_irqrestore(&cq->lock, irqflags);
	return rv;
}

/**
 * srnic_fill_res_cq_entry - ib_device_ops.fill_res_cq_entry
 * @msg: the netlink message
 * @ibcq: the CQ
 *
 * Return: 0 or -EMSGSIZE.
 */
int srnic_fill_res_cq_entry(struct sk_buff *msg, struct ib_cq *ibcq)
{
	struct srnic_dev *sdev = to_sdev(ibcq->device);
	struct srnic_cq *cq = to_scq(ibcq);
	enum srnic_admit_policy policy = READ_ONCE(sdev->admit.policy);
	struct nlattr *table;
	unsigned long flags;
	u32 used;
	bool error;

	spin_lock_irqsave(&cq->lock, flags);
	used = cq->count;
	error = cq->error;
	spin_unlock_irqrestore(&cq->lock, flags);

	table = nla_nest_start(msg, RDMA_NLDEV_ATTR_DRIVER);
	if (!table)
		return -EMSGSIZE;
	if (rdma_nl_put_driver_u32(msg, "used", used) ||
	    rdma_nl_put_driver_u64(msg, "admitted",
				   srnic_admit_cq_need(&sdev->admit, &cq->admit,
						       policy)) ||
	    rdma_nl_put_driver_string(msg, "state", error ? "error" : "ok")) {
		nla_nest_cancel(msg, table);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, table);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fill_res_cq_entry);
