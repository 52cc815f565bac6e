// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: RC queue pairs: creation with CQ admission, the verbs state
 * machine (qp_state.c), posting with every SGE checked against its STag,
 * local operations (fast registration, local invalidation) in SQ order,
 * and flush on error.
 *
 * A work request that needs the peer (Send, RDMA Write, RDMA Read) goes
 * to the data path (qp_tx_send.c) once the QP has a stream, and stays
 * queued until then or until the QP is flushed; local operations behind
 * it wait in SQ order.
 */
#include <kunit/visibility.h>
#include <rdma/restrack.h>

#include "mpa.h"
#include "qp_state.h"
#include "verbs.h"
#include "wire.h"

#define SRNIC_QP_ACCESS	(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE | \
			 IB_ACCESS_REMOTE_READ)

static u8 srnic_wc_opcode(u8 wr_opcode)
{
	switch (wr_opcode) {
	case IB_WR_RDMA_WRITE:
		return IB_WC_RDMA_WRITE;
	case IB_WR_RDMA_READ:
	case IB_WR_RDMA_READ_WITH_INV:
		return IB_WC_RDMA_READ;
	case IB_WR_REG_MR:
		return IB_WC_REG_MR;
	case IB_WR_LOCAL_INV:
		return IB_WC_LOCAL_INV;
	default:
		return IB_WC_SEND;
	}
}

/**
 * srnic_qp_event - deliver an asynchronous event of @qp to its consumer
 * @qp: the QP
 * @type: the event
 */
void srnic_qp_event(struct srnic_qp *qp, enum ib_event_type type)
{
	struct ib_event ev = {
		.device = qp->ibqp.device,
		.event = type,
		.element.qp = &qp->ibqp,
	};

	if (qp->ibqp.event_handler)
		qp->ibqp.event_handler(&ev, qp->ibqp.qp_context);
}

/* Complete the oldest SQ entry; flushes and errors always complete. */
static void srnic_sq_complete(struct srnic_qp *qp, enum ib_wc_status status)
{
	struct srnic_wqe *w = &qp->sq[qp->sq_head];

	if (status != IB_WC_SUCCESS || qp->sig_all ||
	    (w->send_flags & IB_SEND_SIGNALED)) {
		struct srnic_cqe cqe = {
			.wr_id = w->wr_id,
			.qp = &qp->ibqp,
			.opcode = srnic_wc_opcode(w->opcode),
			.status = status,
		};

		srnic_cq_add(qp->scq, &cqe, false);
	}
	if (w->opcode == IB_WR_REG_MR)
		qp->sq_reg--;
	qp->sq_head = (qp->sq_head + 1) % qp->sq_size;
	qp->sq_count--;
	if (qp->sq_wire)
		qp->sq_wire--;
}

static void srnic_qp_flush(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	/* A LOCAL_INV still draining completes with the rest, flushed. */
	qp->sq_draining = false;
	while (qp->sq_count)
		srnic_sq_complete(qp, IB_WC_WR_FLUSH_ERR);
	while (qp->rq_count) {
		struct srnic_cqe cqe = {
			.wr_id = qp->rq[qp->rq_head].wr_id,
			.qp = &qp->ibqp,
			.opcode = IB_WC_RECV,
			.status = IB_WC_WR_FLUSH_ERR,
		};

		srnic_cq_add(qp->rcq, &cqe, false);
		qp->rq_head = (qp->rq_head + 1) % qp->rq_size;
		qp->rq_count--;
	}
}

/**
 * srnic_qp_to_err - enter ERR: every outstanding WR completes flushed
 * @qp: the QP, lock held
 */
void srnic_qp_to_err(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	qp->state = IB_QPS_ERR;
	srnic_qp_flush(qp);
	/* The SRQ keeps its WRs; tell the consumer none will come here. */
	if (qp->ibqp.srq)
		srnic_qp_event(qp, IB_EVENT_QP_LAST_WQE_REACHED);
}

/* The completion status a peer's Terminate gives the WR it refused. */
static enum ib_wc_status srnic_term_wc_status(struct srnic_term_code code)
{
	switch (code.layer) {
	case SRNIC_TERM_LAYER_RDMAP:
		if (code.etype == SRNIC_TERM_RDMAP_PROTECTION)
			return IB_WC_REM_ACCESS_ERR;
		if (code.etype == SRNIC_TERM_RDMAP_OPERATION)
			return IB_WC_REM_OP_ERR;
		return IB_WC_REM_ABORT_ERR;
	case SRNIC_TERM_LAYER_DDP:
		if (code.etype == SRNIC_TERM_DDP_TAGGED)
			return IB_WC_REM_ACCESS_ERR;
		if (code.etype == SRNIC_TERM_DDP_UNTAGGED)
			return IB_WC_REM_INV_REQ_ERR;
		return IB_WC_REM_ABORT_ERR;
	default:
		return IB_WC_REM_ABORT_ERR;
	}
}

/**
 * srnic_qp_remote_term - the peer sent a Terminate: QP to ERR
 * @qp: the QP, lock held
 * @code: what the Terminate reported
 * @about_read: the segment it quotes is one of our Read Requests
 *
 * Sends and RDMA Writes complete once they are sent, so the only WR the
 * peer's Terminate can still fail is an RDMA Read waiting for its
 * response. When the Terminate quotes a Read Request and the oldest WR on
 * the wire is a Read (the peer checks Read Requests in order), that Read
 * completes with the remote error the Terminate names (its source STag
 * refused: IB_WC_REM_ACCESS_ERR; beyond the peer's IRD:
 * IB_WC_REM_INV_REQ_ERR; ...). Everything else is flushed.
 */
void srnic_qp_remote_term(struct srnic_qp *qp, struct srnic_term_code code,
			  bool about_read)
{
	lockdep_assert_held(&qp->lock);
	if (qp->state == IB_QPS_ERR || qp->state == IB_QPS_RESET)
		return;
	/*
	 * A finished WR at the head completes at once (srnic_qp_sq_done()),
	 * unless it waits for an invalidation to drain: that one flushes.
	 */
	if (about_read && qp->sq_count && qp->sq_wire && !qp->sq_draining &&
	    srnic_wr_is_read(qp->sq[qp->sq_head].opcode) &&
	    !qp->sq[qp->sq_head].done)
		srnic_sq_complete(qp, srnic_term_wc_status(code));
	srnic_qp_to_err(qp);
}

/* An invalidation cut accesses off; they are still running. */
static bool srnic_qp_inv_pending(struct srnic_qp *qp)
{
	struct srnic_dev *sdev = to_sdev(qp->ibqp.device);

	if (srnic_access_drained(&sdev->stags, &qp->sq_drain))
		return false;
	qp->sq_draining = true;
	queue_work(srnic_wq, &qp->drain_work);
	return true;
}

/**
 * srnic_qp_sq_run - run the local operations at the head of the SQ
 * @qp: the QP, lock held
 *
 * IB_WR_REG_MR and IB_WR_LOCAL_INV take effect in SQ order: only once
 * every WR before them is done. A failed one moves the QP to ERR. A
 * LOCAL_INV completes only once no access it cut off still runs; until
 * then the SQ waits behind it (&srnic_qp.sq_draining), as this may run in
 * atomic context and must not wait here.
 */
void srnic_qp_sq_run(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	while (qp->state == IB_QPS_RTS && !READ_ONCE(qp->cq_failed) &&
	       qp->sq_count && !qp->sq_draining) {
		struct srnic_wqe *w = &qp->sq[qp->sq_head];
		enum ib_wc_status status;

		if (w->opcode == IB_WR_REG_MR) {
			status = srnic_mr_fast_reg(qp, w);
		} else if (w->opcode == IB_WR_LOCAL_INV) {
			status = srnic_mr_local_inv(qp, w->ex, &qp->sq_drain);
			if (status == IB_WC_SUCCESS && srnic_qp_inv_pending(qp))
				break;
		} else {
			/* Wire WRs leave from the data path, in order. */
			if (qp->wire)
				srnic_wire_kick(qp);
			break;
		}
		srnic_sq_complete(qp, status);
		if (status != IB_WC_SUCCESS) {
			srnic_qp_to_err(qp);
			srnic_qp_event(qp, IB_EVENT_QP_FATAL);
		}
	}
}

/**
 * srnic_qp_sq_done - complete the WRs the data path finished, in order
 * @qp: the QP, lock held
 *
 * A WR completes only once every WR before it did (a Send behind an
 * RDMA Read waits for the Read's response). A failed one moves the QP
 * to ERR. Local operations that were waiting behind them run after.
 *
 * An RDMA_READ_WITH_INV invalidates its sink STag here, in SQ order,
 * once its response is in; like a LOCAL_INV it completes only once no
 * access the invalidation cut off still runs (&srnic_qp.sq_draining).
 * A sink STag it may not invalidate (another PD or QP, unknown, already
 * invalid) completes it with IB_WC_LOC_PROT_ERR.
 */
void srnic_qp_sq_done(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	while (qp->sq_count && qp->sq_wire && qp->sq[qp->sq_head].done &&
	       !qp->sq_draining) {
		struct srnic_wqe *w = &qp->sq[qp->sq_head];
		enum ib_wc_status status = w->status;

		if (status == IB_WC_SUCCESS &&
		    w->opcode == IB_WR_RDMA_READ_WITH_INV && !w->inv_done) {
			w->inv_done = true;
			status = srnic_mr_local_inv(qp, w->ex, &qp->sq_drain);
			if (status == IB_WC_SUCCESS && srnic_qp_inv_pending(qp))
				return;
		}
		srnic_sq_complete(qp, status);
		if (status != IB_WC_SUCCESS) {
			srnic_qp_to_err(qp);
			srnic_qp_event(qp, IB_EVENT_QP_FATAL);
			return;
		}
	}
	srnic_qp_sq_run(qp);
}

/**
 * srnic_qp_rqe_take - take the receive WR an incoming Send lands in
 * @qp: the QP, lock held
 * @rqe: where to copy it
 *
 * From the QP's RQ, or from its SRQ.
 *
 * Return: false if none is posted.
 */
bool srnic_qp_rqe_take(struct srnic_qp *qp, struct srnic_rqe *rqe)
{
	lockdep_assert_held(&qp->lock);
	if (qp->ibqp.srq)
		return srnic_srq_take(to_ssrq(qp->ibqp.srq), rqe);
	if (!qp->rq_count)
		return false;
	*rqe = qp->rq[qp->rq_head];
	qp->rq_head = (qp->rq_head + 1) % qp->rq_size;
	qp->rq_count--;
	return true;
}

static void srnic_qp_drain_work(struct work_struct *work)
{
	struct srnic_qp *qp = container_of(work, struct srnic_qp, drain_work);
	struct srnic_stag_table *t = &to_sdev(qp->ibqp.device)->stags;
	struct srnic_access_drain drain;

	spin_lock_bh(&qp->lock);
	/* Flush, RESET and a later LOCAL_INV may change what we wait for. */
	while (qp->sq_draining && !srnic_access_drained(t, &qp->sq_drain)) {
		drain = qp->sq_drain;
		spin_unlock_bh(&qp->lock);
		srnic_access_drain_wait(t, &drain);
		spin_lock_bh(&qp->lock);
	}
	if (qp->sq_draining) {
		qp->sq_draining = false;
		srnic_sq_complete(qp, IB_WC_SUCCESS);
		/* WRs behind a Read with invalidate may be done already. */
		srnic_qp_sq_done(qp);
	}
	spin_unlock_bh(&qp->lock);
}

static void srnic_qp_err_work(struct work_struct *work)
{
	struct srnic_qp *qp = container_of(work, struct srnic_qp, err_work);
	bool moved;

	spin_lock_bh(&qp->lock);
	moved = qp->state != IB_QPS_ERR && qp->state != IB_QPS_RESET;
	if (moved)
		srnic_qp_to_err(qp);
	spin_unlock_bh(&qp->lock);
	if (moved)
		srnic_qp_event(qp, IB_EVENT_QP_FATAL);
}

/**
 * srnic_qp_cq_failed - a CQ of @aqp's QP overflowed
 * @aqp: the QP's admission view
 * @arg: unused
 *
 * Called by srnic_admit_cq_overflow() under the admission lock, possibly
 * while the producer of the overflowing CQE holds this QP's lock: only
 * mark the QP and let the work item move it to ERR.
 */
void srnic_qp_cq_failed(struct srnic_admit_qp *aqp, void *arg)
{
	struct srnic_qp *qp = container_of(aqp, struct srnic_qp, admit);

	WRITE_ONCE(qp->cq_failed, true);
	queue_work(srnic_wq, &qp->err_work);
}

/* One SGE against its lkey; a refusal is counted and logged. */
static int srnic_check_sge(struct ib_pd *pd, u32 qp_id,
			   const struct ib_sge *sge, int i, enum srnic_op op)
{
	struct srnic_dev *sdev = to_sdev(pd->device);
	struct srnic_access_req req = {
		.stag = sge->lkey,
		.op = op,
		.addr = sge->addr,
		.len = sge->length,
		.pd = pd,
		.qp_id = qp_id,
	};
	enum srnic_access_err err;
	struct srnic_mem *mem;

	err = srnic_access_check(&sdev->stags, &req, &sdev->access_stats, &mem);
	if (err) {
		dev_info_ratelimited(&pd->device->dev,
				     "QP %u: SGE %d (lkey 0x%08x, %u bytes) refused: %s\n",
				     qp_id, i, sge->lkey, sge->length,
				     srnic_access_err_name(err));
		return -EINVAL;
	}
	srnic_access_end(mem);
	return 0;
}

/**
 * srnic_check_sges - check each SGE against its lkey
 * @pd: the PD of the QP or SRQ posting
 * @qp_id: the posting QP's number (0 for an SRQ)
 * @sge: the SGEs
 * @num_sge: how many
 * @op: SRNIC_OP_LOCAL_READ (data sent) or SRNIC_OP_LOCAL_WRITE (written)
 *
 * Context: BH disabled (the poster's queue lock).
 * Return: 0 or -EINVAL.
 */
int srnic_check_sges(struct ib_pd *pd, u32 qp_id, const struct ib_sge *sge,
		     int num_sge, enum srnic_op op)
{
	int i;

	for (i = 0; i < num_sge; i++)
		if (srnic_check_sge(pd, qp_id, &sge[i], i, op))
			return -EINVAL;
	return 0;
}

/**
 * srnic_create_qp - ib_device_ops.create_qp
 * @ibqp: the QP ib_core allocated
 * @attr: type, CQs, SRQ and queue sizes; sizes are reported back
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0; -EOPNOTSUPP for anything but RC; -EINVAL for sizes beyond
 * the device's; an admission refusal (-ENOSPC, -EPERM, -EIO) or a
 * limit's refusal (-EDQUOT, -ENOMEM).
 */
int srnic_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *attr,
		    struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibqp->device);
	struct srnic_qp *qp = to_sqp(ibqp);
	struct srnic_srq *srq = attr->srq ? to_ssrq(attr->srq) : NULL;
	struct ib_qp_cap *cap = &attr->cap;
	struct srnic_admit_depth sq, rq = {};
	int rv;

	if (udata)
		return srnic_user_queue_refused(sdev, "QP");
	if (attr->qp_type != IB_QPT_RC || attr->create_flags)
		return -EOPNOTSUPP;
	if (!attr->send_cq || !attr->recv_cq ||
	    cap->max_send_wr > SRNIC_MAX_QP_WR ||
	    cap->max_recv_wr > SRNIC_MAX_QP_WR ||
	    cap->max_send_sge > SRNIC_MAX_SGE ||
	    cap->max_recv_sge > SRNIC_MAX_SGE || cap->max_inline_data)
		return -EINVAL;
	if (srq)
		cap->max_recv_wr = 0;

	qp->uid = srnic_res_uid(udata);
	rv = srnic_limits_charge(&sdev->limits, qp->uid, SRNIC_RES_QP, 1);
	if (rv)
		return rv;

	qp->sq_size = cap->max_send_wr;
	qp->rq_size = cap->max_recv_wr;
	qp->sq = kvcalloc(max(qp->sq_size, 1U), sizeof(*qp->sq), GFP_KERNEL);
	qp->rq = kvcalloc(max(qp->rq_size, 1U), sizeof(*qp->rq), GFP_KERNEL);
	if (!qp->sq || !qp->rq) {
		rv = -ENOMEM;
		goto err_rings;
	}

	/* Kernel rings hold exactly what was asked: size == MaxPosted. */
	sq.size = qp->sq_size;
	sq.posted = qp->sq_size;
	rq.size = qp->rq_size;
	rq.posted = qp->rq_size;
	qp->scq = to_scq(attr->send_cq);
	qp->rcq = to_scq(attr->recv_cq);
	rv = srnic_admit_qp_create(&sdev->admit, &qp->admit, &qp->scq->admit,
				   &qp->rcq->admit, srq ? &srq->admit : NULL,
				   &sq, &rq, srnic_udata_owner(udata));
	if (rv) {
		dev_info_ratelimited(&sdev->ibdev.dev,
				     "QP refused by CQ admission (%d): SQ %u on CQ %u, RQ %u%s on CQ %u\n",
				     rv, sq.size, qp->scq->ibcq.res.id, rq.size,
				     srq ? " + SRQ" : "", qp->rcq->ibcq.res.id);
		goto err_rings;
	}

	rv = xa_alloc_cyclic(&sdev->qp_xa, &ibqp->qp_num, qp,
			     XA_LIMIT(1, SRNIC_MAX_QPN), &sdev->qp_next,
			     GFP_KERNEL);
	if (rv < 0)
		goto err_admit;

	mutex_init(&qp->modify_lock);
	spin_lock_init(&qp->lock);
	INIT_WORK(&qp->err_work, srnic_qp_err_work);
	INIT_WORK(&qp->drain_work, srnic_qp_drain_work);
	qp->state = IB_QPS_RESET;
	refcount_set(&qp->cm_refs, 1);
	init_completion(&qp->cm_done);
	qp->sig_all = attr->sq_sig_type == IB_SIGNAL_ALL_WR;
	qp->max_send_sge = cap->max_send_sge;
	qp->max_recv_sge = cap->max_recv_sge;
	return 0;

err_admit:
	srnic_admit_qp_destroy(&sdev->admit, &qp->admit);
err_rings:
	kvfree(qp->sq);
	kvfree(qp->rq);
	srnic_limits_uncharge(&sdev->limits, qp->uid, SRNIC_RES_QP, 1);
	return rv;
}

/**
 * srnic_destroy_qp - ib_device_ops.destroy_qp
 * @ibqp: the QP
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0.
 */
int srnic_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibqp->device);
	struct srnic_qp *qp = to_sqp(ibqp);

	/* Its connection closes first (a CLOSE lets iw_cm drop its refs). */
	srnic_cm_qp_destroy(qp);
	srnic_wire_stop(qp);
	xa_erase(&sdev->qp_xa, ibqp->qp_num);
	/* iw_get_qp() lookups run under iw_cm's spinlock: let them end. */
	synchronize_rcu();
	if (!refcount_dec_and_test(&qp->cm_refs))
		wait_for_completion(&qp->cm_done);
	/* Off its CQs' lists first: no overflow can schedule it again. */
	srnic_admit_qp_destroy(&sdev->admit, &qp->admit);
	cancel_work_sync(&qp->err_work);
	cancel_work_sync(&qp->drain_work);
	kvfree(qp->sq);
	kvfree(qp->rq);
	srnic_limits_uncharge(&sdev->limits, qp->uid, SRNIC_RES_IRD, qp->ird);
	srnic_limits_uncharge(&sdev->limits, qp->uid, SRNIC_RES_QP, 1);
	mutex_destroy(&qp->modify_lock);
	return 0;
}

static int srnic_modify_attrs_ok(const struct ib_qp_attr *attr, int mask)
{
	if ((mask & IB_QP_ACCESS_FLAGS) &&
	    (attr->qp_access_flags & ~SRNIC_QP_ACCESS))
		return -EINVAL;
	if ((mask & IB_QP_MAX_QP_RD_ATOMIC) &&
	    attr->max_rd_atomic > SRNIC_MAX_ORD_QP)
		return -EINVAL;
	if ((mask & IB_QP_MAX_DEST_RD_ATOMIC) &&
	    attr->max_dest_rd_atomic > SRNIC_MAX_IRD_QP)
		return -EINVAL;
	if ((mask & IB_QP_PORT) && attr->port_num != SRNIC_PORT)
		return -EINVAL;
	if ((mask & IB_QP_PKEY_INDEX) && attr->pkey_index)
		return -EINVAL;
	return 0;
}

/* The side effects of entering @next; lock held. */
static void srnic_qp_enter(struct srnic_qp *qp, enum ib_qp_state next,
			   const struct ib_qp_attr *attr, int mask)
{
	enum ib_qp_state cur = qp->state;

	switch (next) {
	case IB_QPS_ERR:
		srnic_qp_to_err(qp);
		break;
	case IB_QPS_RESET:
		/* RESET discards WRs without completions. */
		qp->state = next;
		qp->sq_draining = false;
		qp->sq_head = 0;
		qp->sq_count = 0;
		qp->sq_reg = 0;
		qp->sq_wire = 0;
		qp->rq_head = 0;
		qp->rq_count = 0;
		break;
	case IB_QPS_SQD:
		qp->state = next;
		if (cur != IB_QPS_SQD && (mask & IB_QP_EN_SQD_ASYNC_NOTIFY) &&
		    attr->en_sqd_async_notify && !qp->sq_count)
			srnic_qp_event(qp, IB_EVENT_SQ_DRAINED);
		break;
	case IB_QPS_RTS:
		qp->state = next;
		srnic_qp_sq_run(qp);
		break;
	default:
		qp->state = next;
		break;
	}
}

/**
 * srnic_modify_qp - ib_device_ops.modify_qp
 * @ibqp: the QP
 * @attr: the attributes
 * @mask: which of them are given
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0, -EINVAL for a transition or attribute the state machine
 * does not take (qp_state.c), -EIO if a CQ of the QP failed, or a limit's
 * refusal of the IRD.
 */
int srnic_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
		    int mask, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibqp->device);
	struct srnic_qp *qp = to_sqp(ibqp);
	enum ib_qp_state cur, next;
	u32 old_ird, new_ird;
	bool do_cm = false;
	int rv;

	rv = srnic_modify_attrs_ok(attr, mask);
	if (rv)
		return rv;

	mutex_lock(&qp->modify_lock);
	/* Refuse a bad transition before charging anything for it. */
	spin_lock_bh(&qp->lock);
	rv = srnic_qp_modify_ok(qp->state, mask & IB_QP_STATE ?
				attr->qp_state : qp->state, mask);
	spin_unlock_bh(&qp->lock);
	if (rv)
		goto out;
	old_ird = qp->ird;
	new_ird = mask & IB_QP_MAX_DEST_RD_ATOMIC ? attr->max_dest_rd_atomic :
						   old_ird;
	if (new_ird > old_ird) {
		rv = srnic_limits_charge(&sdev->limits, qp->uid, SRNIC_RES_IRD,
					 new_ird - old_ird);
		if (rv)
			goto out;
	}

	spin_lock_bh(&qp->lock);
	cur = qp->state;
	next = mask & IB_QP_STATE ? attr->qp_state : cur;
	rv = srnic_qp_modify_ok(cur, next, mask);
	if (!rv && (mask & IB_QP_CUR_STATE) && attr->cur_qp_state != cur)
		rv = -EINVAL;
	if (!rv && READ_ONCE(qp->cq_failed) && next != IB_QPS_RESET &&
	    next != IB_QPS_ERR)
		rv = -EIO;
	if (!rv) {
		if (mask & IB_QP_ACCESS_FLAGS)
			qp->access = attr->qp_access_flags;
		if (mask & IB_QP_MAX_QP_RD_ATOMIC)
			qp->ord = attr->max_rd_atomic;
		qp->ird = new_ird;
		if (next != cur || next == IB_QPS_ERR)
			srnic_qp_enter(qp, next, attr, mask);
	}
	spin_unlock_bh(&qp->lock);

	if (!rv && (next == IB_QPS_ERR || next == IB_QPS_SQD))
		do_cm = true;
	if (rv && new_ird > old_ird)
		srnic_limits_uncharge(&sdev->limits, qp->uid, SRNIC_RES_IRD,
				      new_ird - old_ird);
	else if (!rv && new_ird < old_ird)
		srnic_limits_uncharge(&sdev->limits, qp->uid, SRNIC_RES_IRD,
				      old_ird - new_ird);
out:
	mutex_unlock(&qp->modify_lock);
	/* iw_cm disconnects by moving the QP to ERR or SQD. */
	if (do_cm)
		srnic_cm_qp_down(qp);
	return rv;
}

/**
 * srnic_query_qp - ib_device_ops.query_qp
 * @ibqp: the QP
 * @attr: filled in
 * @mask: ignored; everything is filled in
 * @init_attr: filled in
 *
 * Return: 0.
 */
int srnic_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		   struct ib_qp_init_attr *init_attr)
{
	struct srnic_qp *qp = to_sqp(ibqp);

	memset(attr, 0, sizeof(*attr));
	memset(init_attr, 0, sizeof(*init_attr));
	spin_lock_bh(&qp->lock);
	attr->qp_state = qp->state;
	attr->cur_qp_state = qp->state;
	attr->qp_access_flags = qp->access;
	attr->max_rd_atomic = qp->ord;
	attr->max_dest_rd_atomic = qp->ird;
	spin_unlock_bh(&qp->lock);
	attr->port_num = SRNIC_PORT;
	attr->path_mtu = ib_mtu_int_to_enum(READ_ONCE(to_sdev(ibqp->device)->mtu));
	attr->cap.max_send_wr = qp->sq_size;
	attr->cap.max_recv_wr = qp->rq_size;
	attr->cap.max_send_sge = qp->max_send_sge;
	attr->cap.max_recv_sge = qp->max_recv_sge;

	init_attr->qp_type = IB_QPT_RC;
	init_attr->send_cq = &qp->scq->ibcq;
	init_attr->recv_cq = &qp->rcq->ibcq;
	init_attr->srq = ibqp->srq;
	init_attr->cap = attr->cap;
	init_attr->sq_sig_type = qp->sig_all ? IB_SIGNAL_ALL_WR :
					       IB_SIGNAL_REQ_WR;
	return 0;
}

/*
 * Will a REG_MR queued in the SQ make @lkey valid? Its MR's lkey index
 * with the key byte it registers. Newest first.
 */
static bool srnic_sq_registers(const struct srnic_qp *qp, u32 lkey)
{
	u32 i, n = qp->sq_reg;

	lockdep_assert_held(&qp->lock);
	for (i = qp->sq_count; i-- && n;) {
		const struct srnic_wqe *w =
			&qp->sq[(qp->sq_head + i) % qp->sq_size];

		if (w->opcode != IB_WR_REG_MR)
			continue;
		if (srnic_stag_index(lkey) ==
		    srnic_stag_index(to_smr(w->mr)->stag_l) &&
		    srnic_stag_key(lkey) == srnic_stag_key(w->key))
			return true;
		n--;
	}
	return false;
}

static int srnic_sq_wr_ok(struct srnic_qp *qp, const struct ib_send_wr *wr,
			  bool check_sges)
{
	enum srnic_op op = SRNIC_OP_LOCAL_READ;
	int i;

	if (wr->send_flags & IB_SEND_INLINE)
		return -EINVAL;
	switch (wr->opcode) {
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_INV:
	case IB_WR_RDMA_WRITE:
		if (wr->num_sge > qp->max_send_sge)
			return -EINVAL;
		break;
	case IB_WR_RDMA_READ_WITH_INV:
		/* It invalidates its sink: there must be one. */
		if (!wr->num_sge)
			return -EINVAL;
		fallthrough;
	case IB_WR_RDMA_READ:
		if (wr->num_sge > SRNIC_MAX_SGE_RD)
			return -EINVAL;
		op = SRNIC_OP_LOCAL_WRITE;
		break;
	case IB_WR_REG_MR:
	case IB_WR_LOCAL_INV:
		if (wr->num_sge)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!check_sges)
		return 0;
	for (i = 0; i < wr->num_sge; i++) {
		/*
		 * An MR that a REG_MR queued ahead registers is not valid
		 * yet (ib_core's rw API chains REG_MR and the Read into it):
		 * its SGE is checked when the WR runs, as every SGE is
		 * again then, and a refusal completes the WR in error.
		 */
		if (srnic_sq_registers(qp, wr->sg_list[i].lkey))
			continue;
		if (srnic_check_sge(qp->ibqp.pd, qp->ibqp.qp_num,
				    &wr->sg_list[i], i, op))
			return -EINVAL;
	}
	return 0;
}

static void srnic_sq_fill(struct srnic_wqe *w, const struct ib_send_wr *wr)
{
	memset(w, 0, sizeof(*w));
	w->wr_id = wr->wr_id;
	w->opcode = wr->opcode;
	w->send_flags = wr->send_flags;
	w->num_sge = wr->num_sge;
	memcpy(w->sge, wr->sg_list, wr->num_sge * sizeof(*w->sge));
	switch (wr->opcode) {
	case IB_WR_RDMA_READ_WITH_INV:
		/*
		 * The STag invalidated is the sink's, sge[0].lkey, as siw
		 * and cxgb4 do, not ex.invalidate_rkey: ib_core's rw API
		 * fills that in before it gives the MR its new key (in
		 * rdma_rw_update_lkey()), so it names the old one.
		 */
		w->ex = wr->sg_list[0].lkey;
		fallthrough;
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_READ:
		w->remote_addr = rdma_wr(wr)->remote_addr;
		w->rkey = rdma_wr(wr)->rkey;
		break;
	case IB_WR_SEND_WITH_INV:
	case IB_WR_LOCAL_INV:
		w->ex = wr->ex.invalidate_rkey;
		break;
	case IB_WR_REG_MR:
		w->mr = reg_wr(wr)->mr;
		w->key = reg_wr(wr)->key;
		w->access = reg_wr(wr)->access;
		break;
	default:
		break;
	}
}

/**
 * srnic_post_send - ib_device_ops.post_send
 * @ibqp: the QP
 * @wr: the chain of WRs
 * @bad_wr: set to the first WR not taken
 *
 * Return: 0, -EINVAL (state, opcode, SGEs, an SGE refused by the access
 * check) or -ENOMEM (SQ full).
 */
int srnic_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		    const struct ib_send_wr **bad_wr)
{
	struct srnic_qp *qp = to_sqp(ibqp);
	enum ib_qp_state state;
	int rv = 0;

	spin_lock_bh(&qp->lock);
	state = READ_ONCE(qp->cq_failed) ? IB_QPS_ERR : qp->state;
	if (!srnic_qp_can_post_send(state)) {
		rv = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		rv = srnic_sq_wr_ok(qp, wr, state != IB_QPS_ERR);
		if (rv)
			break;
		if (qp->sq_count == qp->sq_size) {
			rv = -ENOMEM;
			break;
		}
		srnic_sq_fill(&qp->sq[(qp->sq_head + qp->sq_count) %
				      qp->sq_size], wr);
		qp->sq_count++;
		if (wr->opcode == IB_WR_REG_MR)
			qp->sq_reg++;
	}
	if (state == IB_QPS_ERR)
		srnic_qp_flush(qp);
	else
		srnic_qp_sq_run(qp);
out:
	spin_unlock_bh(&qp->lock);
	if (rv)
		*bad_wr = wr;
	return rv;
}

/**
 * srnic_post_recv - ib_device_ops.post_recv
 * @ibqp: the QP, not attached to an SRQ
 * @wr: the chain of WRs
 * @bad_wr: set to the first WR not taken
 *
 * Return: 0, -EINVAL or -ENOMEM (RQ full).
 */
int srnic_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		    const struct ib_recv_wr **bad_wr)
{
	struct srnic_qp *qp = to_sqp(ibqp);
	enum ib_qp_state state;
	int rv = 0;

	if (ibqp->srq) {
		*bad_wr = wr;
		return -EINVAL;
	}
	spin_lock_bh(&qp->lock);
	state = READ_ONCE(qp->cq_failed) ? IB_QPS_ERR : qp->state;
	if (!srnic_qp_can_post_recv(state)) {
		rv = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		struct srnic_rqe *r;

		if (wr->num_sge > qp->max_recv_sge) {
			rv = -EINVAL;
			break;
		}
		if (qp->rq_count == qp->rq_size) {
			rv = -ENOMEM;
			break;
		}
		if (state != IB_QPS_ERR) {
			rv = srnic_check_sges(ibqp->pd, ibqp->qp_num,
					      wr->sg_list, wr->num_sge,
					      SRNIC_OP_LOCAL_WRITE);
			if (rv)
				break;
		}
		r = &qp->rq[(qp->rq_head + qp->rq_count) % qp->rq_size];
		r->wr_id = wr->wr_id;
		r->num_sge = wr->num_sge;
		memcpy(r->sge, wr->sg_list, wr->num_sge * sizeof(*r->sge));
		qp->rq_count++;
	}
	if (state == IB_QPS_ERR)
		srnic_qp_flush(qp);
out:
	spin_unlock_bh(&qp->lock);
	if (rv)
		*bad_wr = wr;
	return rv;
}

/*
 * The peer-to-peer RTR (RFC 6581) of the QP's connection: the message it
 * sent as initiator or took as responder; "none" without one.
 */
static const char *srnic_qp_rtr_name(struct srnic_qp *qp)
{
	switch (srnic_wire_rtr(qp)) {
	case SRNIC_MPA_RTR_WRITE:
		return "write";
	case SRNIC_MPA_RTR_READ:
		return "read";
	case SRNIC_MPA_RTR_SEND:
		return "send";
	default:
		return "none";
	}
}

/**
 * srnic_fill_res_qp_entry - ib_device_ops.fill_res_qp_entry
 * @msg: the netlink message
 * @ibqp: the QP
 *
 * Return: 0 or -EMSGSIZE.
 */
int srnic_fill_res_qp_entry(struct sk_buff *msg, struct ib_qp *ibqp)
{
	struct srnic_qp *qp = to_sqp(ibqp);
	struct nlattr *table;
	u32 sq_used, rq_used;
	const char *rtr;
	int crc;

	spin_lock_bh(&qp->lock);
	sq_used = qp->sq_count;
	rq_used = qp->rq_count;
	rtr = srnic_qp_rtr_name(qp);
	crc = srnic_wire_crc(qp);
	spin_unlock_bh(&qp->lock);

	table = nla_nest_start(msg, RDMA_NLDEV_ATTR_DRIVER);
	if (!table)
		return -EMSGSIZE;
	if (rdma_nl_put_driver_u32(msg, "sq_size", qp->sq_size) ||
	    rdma_nl_put_driver_u32(msg, "sq_used", sq_used) ||
	    rdma_nl_put_driver_u32(msg, "rq_size", qp->rq_size) ||
	    rdma_nl_put_driver_u32(msg, "rq_used", rq_used) ||
	    rdma_nl_put_driver_u32(msg, "ird", qp->ird) ||
	    rdma_nl_put_driver_u32(msg, "ord", qp->ord) ||
	    rdma_nl_put_driver_string(msg, "rtr", rtr) ||
	    rdma_nl_put_driver_string(msg, "crc",
				      crc < 0 ? "none" : crc ? "on" : "off")) {
		nla_nest_cancel(msg, table);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, table);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fill_res_qp_entry);
