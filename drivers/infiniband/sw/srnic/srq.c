// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: shared receive queues, with the low-water notification of RFC
 * 5042 6.4.3.1 (IB_EVENT_SRQ_LIMIT_REACHED) and CQ admission of every CQ
 * they complete on.
 */
#include <kunit/visibility.h>
#include <rdma/restrack.h>

#include "verbs.h"

/**
 * srnic_create_srq - ib_device_ops.create_srq
 * @ibsrq: the SRQ ib_core allocated
 * @attr: type and sizes; sizes are reported back
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0, -EOPNOTSUPP, -EINVAL or a limit's refusal.
 */
int srnic_create_srq(struct ib_srq *ibsrq, struct ib_srq_init_attr *attr,
		     struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibsrq->device);
	struct srnic_srq *srq = to_ssrq(ibsrq);
	struct ib_srq_attr *a = &attr->attr;
	struct srnic_admit_depth depth;
	int rv;

	if (udata)
		return srnic_user_queue_refused(sdev, "SRQ");
	if (attr->srq_type != IB_SRQT_BASIC)
		return -EOPNOTSUPP;
	if (!a->max_wr || a->max_wr > SRNIC_MAX_SRQ_WR ||
	    a->max_sge > SRNIC_MAX_SGE || a->srq_limit > a->max_wr)
		return -EINVAL;

	srq->uid = srnic_res_uid(udata);
	rv = srnic_limits_charge(&sdev->limits, srq->uid, SRNIC_RES_SRQ, 1);
	if (rv)
		return rv;
	srq->ring = kvcalloc(a->max_wr, sizeof(*srq->ring), GFP_KERNEL);
	if (!srq->ring) {
		srnic_limits_uncharge(&sdev->limits, srq->uid, SRNIC_RES_SRQ, 1);
		return -ENOMEM;
	}
	spin_lock_init(&srq->lock);
	srq->size = a->max_wr;
	srq->max_sge = a->max_sge;
	srq->limit = a->srq_limit;
	srq->armed = a->srq_limit > 0;
	depth.size = srq->size;
	depth.posted = srq->size;
	srnic_admit_srq_init(&srq->admit, &depth, srnic_udata_owner(udata));
	return 0;
}

/**
 * srnic_modify_srq - ib_device_ops.modify_srq
 * @ibsrq: the SRQ
 * @attr: new size and/or limit
 * @mask: IB_SRQ_MAX_WR and/or IB_SRQ_LIMIT
 * @udata: user data, NULL for kernel consumers
 *
 * A new size must hold the WRs posted and pass admission on every CQ the
 * SRQ completes on; a limit arms IB_EVENT_SRQ_LIMIT_REACHED once.
 *
 * Return: 0, -EINVAL, -ENOSPC or -ENOMEM.
 */
int srnic_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		     enum ib_srq_attr_mask mask, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibsrq->device);
	struct srnic_srq *srq = to_ssrq(ibsrq);
	struct srnic_rqe *ring = NULL, *old = NULL;
	struct srnic_admit_depth depth, old_depth;
	u32 size, i;
	int rv = 0;

	if (mask & ~(IB_SRQ_MAX_WR | IB_SRQ_LIMIT))
		return -EINVAL;
	size = mask & IB_SRQ_MAX_WR ? attr->max_wr : srq->size;
	if (!size || size > SRNIC_MAX_SRQ_WR)
		return -EINVAL;
	if ((mask & IB_SRQ_LIMIT) && attr->srq_limit > size)
		return -EINVAL;

	if (size != srq->size) {
		ring = kvcalloc(size, sizeof(*ring), GFP_KERNEL);
		if (!ring)
			return -ENOMEM;
		depth.size = size;
		depth.posted = size;
		old_depth.size = srq->size;
		old_depth.posted = srq->size;
		rv = srnic_admit_srq_modify(&sdev->admit, &srq->admit, &depth);
		if (rv) {
			kvfree(ring);
			return rv;
		}
	}

	spin_lock_bh(&srq->lock);
	if (ring && srq->count > size) {
		rv = -EINVAL;
	} else if (ring) {
		for (i = 0; i < srq->count; i++)
			ring[i] = srq->ring[(srq->head + i) % srq->size];
		old = srq->ring;
		srq->ring = ring;
		srq->head = 0;
		srq->size = size;
	}
	if (!rv && (mask & IB_SRQ_LIMIT)) {
		srq->limit = attr->srq_limit;
		srq->armed = attr->srq_limit > 0;
	}
	spin_unlock_bh(&srq->lock);

	if (rv) {
		srnic_admit_srq_modify(&sdev->admit, &srq->admit, &old_depth);
		kvfree(ring);
		return rv;
	}
	kvfree(old);
	return 0;
}

/**
 * srnic_query_srq - ib_device_ops.query_srq
 * @ibsrq: the SRQ
 * @attr: filled in; srq_limit is 0 when not armed
 *
 * Return: 0.
 */
int srnic_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr)
{
	struct srnic_srq *srq = to_ssrq(ibsrq);

	spin_lock_bh(&srq->lock);
	attr->max_wr = srq->size;
	attr->max_sge = srq->max_sge;
	attr->srq_limit = srq->armed ? srq->limit : 0;
	spin_unlock_bh(&srq->lock);
	return 0;
}

/**
 * srnic_destroy_srq - ib_device_ops.destroy_srq
 * @ibsrq: the SRQ, no QP attached
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0, or -EBUSY if a QP still uses it.
 */
int srnic_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibsrq->device);
	struct srnic_srq *srq = to_ssrq(ibsrq);
	int rv;

	rv = srnic_admit_srq_destroy(&sdev->admit, &srq->admit);
	if (rv)
		return rv;
	kvfree(srq->ring);
	srnic_limits_uncharge(&sdev->limits, srq->uid, SRNIC_RES_SRQ, 1);
	return 0;
}

/**
 * srnic_post_srq_recv - ib_device_ops.post_srq_recv
 * @ibsrq: the SRQ
 * @wr: the chain of WRs
 * @bad_wr: set to the first WR not taken
 *
 * Return: 0, -EINVAL or -ENOMEM (SRQ full).
 */
int srnic_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
			const struct ib_recv_wr **bad_wr)
{
	struct srnic_srq *srq = to_ssrq(ibsrq);
	int rv = 0;

	spin_lock_bh(&srq->lock);
	for (; wr; wr = wr->next) {
		struct srnic_rqe *r;

		if (wr->num_sge > srq->max_sge) {
			rv = -EINVAL;
			break;
		}
		if (srq->count == srq->size) {
			rv = -ENOMEM;
			break;
		}
		rv = srnic_check_sges(ibsrq->pd, 0, wr->sg_list, wr->num_sge,
				      SRNIC_OP_LOCAL_WRITE);
		if (rv)
			break;
		r = &srq->ring[(srq->head + srq->count) % srq->size];
		r->wr_id = wr->wr_id;
		r->num_sge = wr->num_sge;
		memcpy(r->sge, wr->sg_list, wr->num_sge * sizeof(*r->sge));
		srq->count++;
	}
	spin_unlock_bh(&srq->lock);
	if (rv)
		*bad_wr = wr;
	return rv;
}

/**
 * srnic_srq_take - take the oldest WR of an SRQ for an incoming message
 * @srq: the SRQ
 * @rqe: where to copy it
 *
 * When the WRs left fall below the armed limit, the limit disarms and
 * IB_EVENT_SRQ_LIMIT_REACHED goes to the consumer (RFC 5042 6.4.3.1: the
 * low-water mark that lets it replenish or find the greedy peer).
 *
 * Context: any but hard IRQ.
 * Return: false if the SRQ is empty.
 */
bool srnic_srq_take(struct srnic_srq *srq, struct srnic_rqe *rqe)
{
	bool fire = false;

	spin_lock_bh(&srq->lock);
	if (!srq->count) {
		spin_unlock_bh(&srq->lock);
		return false;
	}
	*rqe = srq->ring[srq->head];
	srq->head = (srq->head + 1) % srq->size;
	srq->count--;
	if (srq->armed && srq->count < srq->limit) {
		srq->armed = false;
		fire = true;
	}
	spin_unlock_bh(&srq->lock);

	if (fire && srq->ibsrq.event_handler) {
		struct ib_event ev = {
			.device = srq->ibsrq.device,
			.event = IB_EVENT_SRQ_LIMIT_REACHED,
			.element.srq = &srq->ibsrq,
		};

		srq->ibsrq.event_handler(&ev, srq->ibsrq.srq_context);
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_srq_take);

/**
 * srnic_fill_res_srq_entry - ib_device_ops.fill_res_srq_entry
 * @msg: the netlink message
 * @ibsrq: the SRQ
 *
 * Return: 0 or -EMSGSIZE.
 */
int srnic_fill_res_srq_entry(struct sk_buff *msg, struct ib_srq *ibsrq)
{
	struct srnic_srq *srq = to_ssrq(ibsrq);
	struct nlattr *table;
	u32 size, used, limit;

	spin_lock_bh(&srq->lock);
	size = srq->size;
	used = srq->count;
	limit = srq->armed ? srq->limit : 0;
	spin_unlock_bh(&srq->lock);

	table = nla_nest_start(msg, RDMA_NLDEV_ATTR_DRIVER);
	if (!table)
		return -EMSGSIZE;
	if (rdma_nl_put_driver_u32(msg, "size", size) ||
	    rdma_nl_put_driver_u32(msg, "used", used) ||
	    rdma_nl_put_driver_u32(msg, "limit", limit)) {
		nla_nest_cancel(msg, table);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, table);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fill_res_srq_entry);
