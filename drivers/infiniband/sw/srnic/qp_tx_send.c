// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: what goes out on a QP's stream, from the transmit work.
 *
 * In order of precedence: a pending Terminate; the RTR message MPA
 * asked for; Read Responses to the peer's Read Requests, oldest first;
 * then the SQ's WRs in order, RDMA Reads only while ORD allows. Each
 * message is cut into FPDUs (qp_tx.c); each FPDU is framed whole in the
 * wire's buffer with its payload copied from the granted buffer and its
 * CRC computed over the copy, and consecutive FPDUs of one message, up to
 * %SRNIC_TX_BATCH bytes, are handed to TCP in one call. A copy keeps the CRC
 * right even if the consumer touches the buffer while TCP still holds
 * it. Nothing is sent while the connection manager says no (the guard
 * lost protection) or srnic_wire_hold() holds the stream.
 *
 * Context: the tx work only (process; one at a time per wire, so the
 * tx_* fields of &struct srnic_wire need no lock).
 */
#include <linux/net.h>
#include <linux/socket.h>

#include "qp_wire.h"

/* Batches framed or pushes made per work run before it yields. */
#define SRNIC_TX_BUDGET	16

static bool srnic_tx_may_send(struct srnic_wire *w)
{
	bool ok;

	spin_lock_bh(&w->lock);
	ok = !w->hold && !w->stopping && w->ops->tx_ok(w->ctx);
	spin_unlock_bh(&w->lock);
	return ok;
}

/* Hand what is left of the framed FPDUs to TCP. */
static int srnic_tx_push(struct srnic_wire *w)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov;
	int rv;

	if (!srnic_tx_may_send(w))
		return -EAGAIN;
	iov.iov_base = w->tx_buf + w->tx_sent;
	iov.iov_len = w->tx_len - w->tx_sent;
	rv = kernel_sendmsg(w->sock, &msg, &iov, 1, iov.iov_len);
	if (rv < 0)
		return rv;
	/* Never trust a count beyond what was offered. */
	w->tx_sent += min_t(u32, rv, iov.iov_len);
	return w->tx_sent == w->tx_len ? 0 : -EAGAIN;
}

/* Copy @len bytes at message offset @off from the WR's SGEs. */
static int srnic_tx_sge_copy(struct srnic_wire *w, u8 *to, u64 off, u32 len)
{
	struct srnic_dev *sdev = to_sdev(w->qp->ibqp.device);
	const struct srnic_wqe *wqe = &w->tx_wqe;
	u32 i;

	for (i = 0; i < wqe->num_sge && len; i++) {
		const struct ib_sge *sge = &wqe->sge[i];
		struct srnic_access_req req = {
			.stag = sge->lkey,
			.op = SRNIC_OP_LOCAL_READ,
			.pd = w->qp->ibqp.pd,
			.qp_id = w->qp->ibqp.qp_num,
		};
		enum srnic_access_err err;
		struct srnic_mem *mem;
		u32 n;
		int rv;

		if (off >= sge->length) {
			off -= sge->length;
			continue;
		}
		n = min_t(u64, len, sge->length - off);
		req.addr = sge->addr + off;
		req.len = n;
		/* The check runs with preemption off (access.c). */
		local_bh_disable();
		err = srnic_access_check(&sdev->stags, &req,
					 &sdev->access_stats, &mem);
		local_bh_enable();
		if (err)
			return -EFAULT;
		rv = srnic_mem_copy(mem, req.addr, to, n, false);
		srnic_access_end(mem);
		if (rv)
			return rv;
		to += n;
		len -= n;
		off = 0;
	}
	return len ? -EFAULT : 0;
}

/* Frame the current message's next FPDU behind what the buffer holds. */
static int srnic_tx_frame(struct srnic_wire *w)
{
	struct srnic_fpdu_seg seg;
	u8 *p = w->tx_buf + w->tx_len;
	int rv;

	rv = srnic_fpdu_tx_next(&w->tx, &seg);
	if (rv)
		return rv;
	memcpy(p, seg.head, seg.head_len);
	p += seg.head_len;
	if (seg.pay_len) {
		if (w->tx_kind == SRNIC_TX_RRESP)
			rv = srnic_mem_copy(w->tx_rr.mem,
					    w->tx_rr.rr.src_to + seg.pay_off,
					    p, seg.pay_len, false);
		else
			rv = srnic_tx_sge_copy(w, p, seg.pay_off, seg.pay_len);
		if (rv)
			return rv;
		srnic_fpdu_tx_crc(&w->tx, &seg, p, seg.pay_len);
		p += seg.pay_len;
	}
	p += srnic_fpdu_tx_tail(&w->tx, &seg, p);
	w->tx_len = p - w->tx_buf;
	return 0;
}

/*
 * Frame the current message's next FPDUs, as many as the buffer takes, so
 * that TCP gets them in one call and can cut them into large segments
 * (GSO) instead of one call and one segment per FPDU. A batch never goes
 * past the end of its message: the message completes only once all of
 * it has been handed to TCP (srnic_tx_msg_done()).
 */
static int srnic_tx_frame_batch(struct srnic_wire *w)
{
	int rv;

	do {
		rv = srnic_tx_frame(w);
	} while (!rv && !srnic_fpdu_tx_done(&w->tx) &&
		 w->tx_cap - w->tx_len >= w->tx_fpdu_max);
	return rv;
}

static u32 srnic_tx_wqe_len(const struct srnic_wqe *wqe)
{
	u32 len = 0, i;

	for (i = 0; i < wqe->num_sge; i++)
		len += wqe->sge[i].length;
	return len;
}

/* The header and length of an SQ WR's message; ORQ entry for a Read. */
static int srnic_tx_wqe_msg(struct srnic_wire *w, struct srnic_ddp_hdr *h,
			    u32 *len)
{
	const struct srnic_wqe *wqe = &w->tx_wqe;

	memset(h, 0, sizeof(*h));
	*len = srnic_tx_wqe_len(wqe);
	switch (wqe->opcode) {
	case IB_WR_RDMA_WRITE:
		h->opcode = SRNIC_RDMAP_WRITE;
		h->stag = wqe->rkey;
		h->to = wqe->remote_addr;
		return 0;
	case IB_WR_RDMA_READ:
	case IB_WR_RDMA_READ_WITH_INV:
		h->opcode = SRNIC_RDMAP_READ_REQ;
		h->last = true;
		h->msn = w->tx_msn[SRNIC_DDP_QN_READ_REQ]++;
		if (wqe->num_sge) {
			h->rreq.sink_stag = wqe->sge[0].lkey;
			h->rreq.sink_to = wqe->sge[0].addr;
		}
		h->rreq.size = *len;
		h->rreq.src_stag = wqe->rkey;
		h->rreq.src_to = wqe->remote_addr;
		*len = 0;
		return 0;
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_INV:
		if (wqe->opcode == IB_WR_SEND_WITH_INV) {
			h->opcode = wqe->send_flags & IB_SEND_SOLICITED ?
				    SRNIC_RDMAP_SEND_SE_INV : SRNIC_RDMAP_SEND_INV;
			h->stag = wqe->ex;
		} else {
			h->opcode = wqe->send_flags & IB_SEND_SOLICITED ?
				    SRNIC_RDMAP_SEND_SE : SRNIC_RDMAP_SEND;
		}
		h->msn = w->tx_msn[SRNIC_DDP_QN_SEND]++;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Take the next SQ WR for the wire, if it is a wire WR, its turn has
 * come and, for a Read, ORD has room (the ORQ entry is then made).
 */
static bool srnic_tx_take_wqe(struct srnic_wire *w)
{
	struct srnic_qp *qp = w->qp;
	struct srnic_wqe *wqe;
	bool taken = false;
	u32 idx;

	spin_lock_bh(&qp->lock);
	if (qp->state != IB_QPS_RTS || qp->sq_draining ||
	    qp->sq_wire >= qp->sq_count)
		goto out;
	idx = (qp->sq_head + qp->sq_wire) % qp->sq_size;
	wqe = &qp->sq[idx];
	/* Local operations run from the SQ head, once all before are done. */
	if (wqe->opcode == IB_WR_REG_MR || wqe->opcode == IB_WR_LOCAL_INV)
		goto out;
	/* A fenced WR waits until every Read before it has its response. */
	if ((wqe->send_flags & IB_SEND_FENCE) && READ_ONCE(w->ord.used))
		goto out;
	if (srnic_wr_is_read(wqe->opcode)) {
		struct srnic_orq_ent *e;

		spin_lock(&w->lock);
		taken = srnic_ddp_credit_take(&w->ord);
		if (taken) {
			e = &w->orq[(w->orq_head + w->ord.used - 1) % w->ord.max];
			e->rd.stag = wqe->num_sge ? wqe->sge[0].lkey : 0;
			e->rd.to = wqe->num_sge ? wqe->sge[0].addr : 0;
			e->rd.len = srnic_tx_wqe_len(wqe);
			e->sq_idx = idx;
			e->rtr = false;
		}
		spin_unlock(&w->lock);
		if (!taken)
			goto out;
	}
	w->tx_wqe = *wqe;
	w->tx_sq_idx = idx;
	qp->sq_wire++;
	taken = true;
out:
	spin_unlock_bh(&qp->lock);
	return taken;
}

/* A WR left whole (or failed): it completes in SQ order. */
static void srnic_tx_wqe_done(struct srnic_wire *w, enum ib_wc_status status)
{
	struct srnic_qp *qp = w->qp;

	spin_lock_bh(&qp->lock);
	if (qp->state == IB_QPS_RTS && qp->sq_wire) {
		qp->sq[w->tx_sq_idx].done = true;
		qp->sq[w->tx_sq_idx].status = status;
		srnic_qp_sq_done(qp);
	}
	spin_unlock_bh(&qp->lock);
}

/*
 * The last FPDU of a Read Response is framed (its payload copied out of
 * the source): the Read is answered. Its IRD credit comes back now, not
 * once the bytes are pushed: the peer may send its next Read as soon as
 * this response reaches it, and that Read must find the credit free.
 */
static void srnic_tx_rresp_framed(struct srnic_wire *w)
{
	if (w->tx_rr.mem)
		srnic_access_end(w->tx_rr.mem);
	spin_lock_bh(&w->lock);
	w->irq_head = (w->irq_head + 1) % w->ird.max;
	w->irq_count--;
	srnic_ddp_credit_put(&w->ird);
	spin_unlock_bh(&w->lock);
}

/* The message whose last FPDU went out is over. */
static void srnic_tx_msg_done(struct srnic_wire *w)
{
	switch (w->tx_kind) {
	case SRNIC_TX_SQ:
		/* A Read completes when its response has come. */
		if (!srnic_wr_is_read(w->tx_wqe.opcode))
			srnic_tx_wqe_done(w, IB_WC_SUCCESS);
		break;
	case SRNIC_TX_TERM:
		srnic_wire_end(w, SRNIC_WIRE_END_TERM_SENT);
		break;
	default:
		break;
	}
	w->tx_kind = SRNIC_TX_NONE;
}

/*
 * Our zero-length Read RTR waits for its response like any Read, in the
 * ORQ and within the ORD (which the CM made at least one for it), so the
 * response it gets is asked for, and a Read posted after it waits its turn.
 */
static bool srnic_tx_rtr_read_take(struct srnic_wire *w)
{
	struct srnic_orq_ent *e;
	bool taken;

	spin_lock_bh(&w->lock);
	taken = srnic_ddp_credit_take(&w->ord);
	if (taken) {
		e = &w->orq[(w->orq_head + w->ord.used - 1) % w->ord.max];
		memset(e, 0, sizeof(*e));
		e->rtr = true;
	}
	spin_unlock_bh(&w->lock);
	return taken;
}

static int srnic_tx_start_rtr(struct srnic_wire *w)
{
	struct srnic_ddp_hdr h = { .last = true, .msn = 1 };
	int rv;

	if (w->rtr_todo == SRNIC_MPA_RTR_WRITE)
		h.opcode = SRNIC_RDMAP_WRITE;
	else if (w->rtr_todo == SRNIC_MPA_RTR_READ)
		h.opcode = SRNIC_RDMAP_READ_REQ;
	else
		h.opcode = SRNIC_RDMAP_SEND;
	rv = srnic_fpdu_tx_init(&w->tx, &h, 0, w->p.mulpdu, w->p.crc);
	if (rv)
		return rv;
	/* srnic_wire_start() refused a Read RTR without an ORD. */
	if (h.opcode == SRNIC_RDMAP_READ_REQ &&
	    WARN_ON_ONCE(!srnic_tx_rtr_read_take(w)))
		return -ENOSPC;
	/* A Read Request or Send used MSN 1 of its untagged queue. */
	if (h.opcode == SRNIC_RDMAP_READ_REQ)
		w->tx_msn[SRNIC_DDP_QN_READ_REQ]++;
	else if (h.opcode == SRNIC_RDMAP_SEND)
		w->tx_msn[SRNIC_DDP_QN_SEND]++;
	w->rtr_todo = 0;
	w->tx_kind = SRNIC_TX_RTR;
	return 0;
}

/* Pick the next message; false if there is none to send now. */
static bool srnic_tx_start(struct srnic_wire *w)
{
	struct srnic_ddp_hdr h = {};
	bool dead, rresp;
	u32 len;

	spin_lock_bh(&w->lock);
	if (w->term_len) {
		memcpy(w->tx_buf, w->term, w->term_len);
		w->tx_len = w->term_len;
		w->tx_sent = 0;
		w->term_len = 0;
		w->tx_kind = SRNIC_TX_TERM;
		spin_unlock_bh(&w->lock);
		return true;
	}
	dead = w->dead;
	rresp = w->irq_count;
	if (rresp)
		w->tx_rr = w->irq[w->irq_head];
	spin_unlock_bh(&w->lock);
	if (dead)
		return false;

	if (w->rtr_todo)
		return !srnic_tx_start_rtr(w);
	/*
	 * A responder sends nothing before the initiator's RTR, but the
	 * response to a Read RTR, which is how that RTR completes.
	 */
	if (!rresp && READ_ONCE(w->rtr_wait))
		return false;
	if (rresp) {
		h.opcode = SRNIC_RDMAP_READ_RESP;
		h.stag = w->tx_rr.rr.sink_stag;
		h.to = w->tx_rr.rr.sink_to;
		w->tx_kind = SRNIC_TX_RRESP;
		return !srnic_fpdu_tx_init(&w->tx, &h, w->tx_rr.rr.size,
					   w->p.mulpdu, w->p.crc);
	}
	if (!srnic_tx_take_wqe(w))
		return false;
	w->tx_kind = SRNIC_TX_SQ;
	if (srnic_tx_wqe_msg(w, &h, &len) ||
	    srnic_fpdu_tx_init(&w->tx, &h, len, w->p.mulpdu, w->p.crc)) {
		srnic_tx_wqe_done(w, IB_WC_LOC_QP_OP_ERR);
		w->tx_kind = SRNIC_TX_NONE;
		return false;
	}
	return true;
}

/* Frame the next FPDUs to send; false when there is nothing to send. */
static bool srnic_tx_next(struct srnic_wire *w)
{
	bool dead;
	int rv;

	spin_lock_bh(&w->lock);
	dead = w->dead;
	spin_unlock_bh(&w->lock);
	/* The QP went to ERR and flushed the WR: only a Terminate goes. */
	if (dead && w->tx_kind != SRNIC_TX_TERM)
		w->tx_kind = SRNIC_TX_NONE;

	if (w->tx_kind != SRNIC_TX_NONE &&
	    (w->tx_kind == SRNIC_TX_TERM || srnic_fpdu_tx_done(&w->tx)))
		srnic_tx_msg_done(w);
	if (w->tx_kind == SRNIC_TX_NONE && !srnic_tx_start(w))
		return false;
	if (w->tx_kind == SRNIC_TX_TERM)
		return true;
	rv = srnic_tx_frame_batch(w);
	if (!rv) {
		if (w->tx_kind == SRNIC_TX_RRESP && srnic_fpdu_tx_done(&w->tx))
			srnic_tx_rresp_framed(w);
		return true;
	}
	/*
	 * A local buffer went away under the WR: it fails, the QP too, and
	 * none of its FPDUs framed in this batch goes out after its error.
	 */
	w->tx_len = 0;
	if (w->tx_kind == SRNIC_TX_SQ)
		srnic_tx_wqe_done(w, IB_WC_LOC_PROT_ERR);
	w->tx_kind = SRNIC_TX_NONE;
	srnic_wire_fail(w, (struct srnic_term_code){
				SRNIC_TERM_LAYER_RDMAP,
				SRNIC_TERM_RDMAP_CATASTROPHIC,
				SRNIC_TERM_RDMAP_UNSPECIFIED_CATASTROPHIC },
			NULL, "local_buffer_lost");
	return false;
}

/**
 * srnic_tx_work - send what there is to send
 * @work: &srnic_wire.tx_work
 *
 * Stops when TCP has no room (the write-space callback queues it again),
 * when sending is held (srnic_wire_hold() queues it again), when nothing
 * is left, or after a budget of batches (then queues itself again).
 */
void srnic_tx_work(struct work_struct *work)
{
	struct srnic_wire *w = container_of(work, struct srnic_wire, tx_work);
	int budget = SRNIC_TX_BUDGET, rv;

	while (budget--) {
		if (w->tx_sent < w->tx_len) {
			rv = srnic_tx_push(w);
			if (rv == -EAGAIN)
				return;
			if (rv) {
				srnic_wire_end(w, SRNIC_WIRE_END_ERROR);
				return;
			}
			continue;
		}
		w->tx_len = 0;
		w->tx_sent = 0;
		if (!srnic_tx_next(w))
			return;
	}
	srnic_wire_tx_queue(w);
}

/**
 * srnic_tx_release - give back what transmit held: Reads not answered
 * @w: the wire, stopped
 */
void srnic_tx_release(struct srnic_wire *w)
{
	while (w->irq_count) {
		struct srnic_irq_ent *e = &w->irq[w->irq_head];

		if (e->mem)
			srnic_access_end(e->mem);
		w->irq_head = (w->irq_head + 1) % w->ird.max;
		w->irq_count--;
	}
}
