// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: what a received segment does. The parser (qp_rx.c) frames the
 * stream; these callbacks decide, for each segment, whether it may be
 * placed and where, place it, and complete what it completes.
 *
 * Every tagged segment, RDMA Write and Read Response alike, is placed
 * only through srnic_access_check() (STag, key, PD, QP scope, rights,
 * bounds); a Read Response is first bounded by the Read it answers, on
 * every segment. A Read Request is admitted only within the negotiated
 * IRD and on a source with remote-read rights (RFC 5042 6.3.5). A Send
 * with Invalidate passes the invalidation's own checks (key, PD, QP)
 * before anything is invalidated. Any refusal becomes a Terminate.
 *
 * Context: the socket's data-ready path (softirq) or the rx work, with
 * the socket lock held, which serialises everything on &srnic_wire.cur.
 */
#include <linux/skbuff.h>
#include <linux/unaligned.h>

#include "qp_wire.h"

static struct srnic_dev *srnic_rx_dev(struct srnic_wire *w)
{
	return to_sdev(w->qp->ibqp.device);
}

static void srnic_rx_req(struct srnic_wire *w, struct srnic_access_req *req,
			 u32 stag, enum srnic_op op, u64 addr, u64 len)
{
	req->stag = stag;
	req->op = op;
	req->addr = addr;
	req->len = len;
	req->pd = w->qp->ibqp.pd;
	req->qp_id = w->qp->ibqp.qp_num;
}

static int srnic_rx_refuse(struct srnic_fpdu_rx *rx,
			   const struct srnic_access_req *req,
			   enum srnic_access_err err)
{
	return srnic_fpdu_rx_fail(rx, srnic_access_term_code(req, err), true,
				  srnic_access_err_name(err));
}

static int srnic_rx_ddp_refuse(struct srnic_fpdu_rx *rx, enum srnic_ddp_err err)
{
	return srnic_fpdu_rx_fail(rx, srnic_ddp_err_term(err, rx->seg.tagged),
				  true, srnic_ddp_err_name(err));
}

/* A tagged segment: granted as a whole before a byte is placed. */
static int srnic_rx_tagged(struct srnic_wire *w, struct srnic_fpdu_rx *rx,
			   enum srnic_op op)
{
	const struct srnic_ddp_seg *s = &rx->seg;
	struct srnic_dev *sdev = srnic_rx_dev(w);
	struct srnic_access_req req;
	enum srnic_access_err err;

	srnic_rx_req(w, &req, s->h.stag, op, s->h.to, s->pay_len);
	err = srnic_access_check(&sdev->stags, &req, &sdev->access_stats,
				 &w->cur.mem);
	if (err) {
		w->cur.mem = NULL;
		return srnic_rx_refuse(rx, &req, err);
	}
	w->cur.addr = s->h.to;
	return 0;
}

static int srnic_rx_write(struct srnic_wire *w, struct srnic_fpdu_rx *rx)
{
	const struct srnic_ddp_seg *s = &rx->seg;

	/* RFC 6581: a zero-length Write as the peer's RTR names no buffer. */
	if (w->rtr_wait && w->p.rtr_expect == SRNIC_MPA_RTR_WRITE &&
	    !s->pay_len && s->h.last)
		return 0;
	return srnic_rx_tagged(w, rx, SRNIC_OP_REMOTE_WRITE);
}

static int srnic_rx_rresp(struct srnic_wire *w, struct srnic_fpdu_rx *rx)
{
	const struct srnic_ddp_seg *s = &rx->seg;
	struct srnic_rread rd;
	enum srnic_ddp_err err;
	bool any;

	spin_lock_bh(&w->lock);
	any = w->ord.used;
	if (any)
		rd = w->orq[w->orq_head].rd;
	spin_unlock_bh(&w->lock);
	if (!any)
		return srnic_fpdu_rx_fail(rx, (struct srnic_term_code){
					  SRNIC_TERM_LAYER_RDMAP,
					  SRNIC_TERM_RDMAP_OPERATION,
					  SRNIC_TERM_RDMAP_UNEXPECTED_OPCODE },
					  true, "read_response_unasked");
	err = srnic_ddp_rresp_check(&rd, s->h.stag, s->h.to, s->pay_len,
				    s->h.last);
	if (err)
		return srnic_rx_ddp_refuse(rx, err);
	/* A zero-length Read names no buffer to place into. */
	if (!rd.len)
		return 0;
	return srnic_rx_tagged(w, rx, SRNIC_OP_READ_RESP);
}

static u64 srnic_rx_rqe_cap(const struct srnic_rqe *rqe)
{
	u64 cap = 0;
	u32 i;

	for (i = 0; i < rqe->num_sge; i++)
		cap += rqe->sge[i].length;
	return cap;
}

static int srnic_rx_send(struct srnic_wire *w, struct srnic_fpdu_rx *rx)
{
	const struct srnic_ddp_seg *s = &rx->seg;
	struct srnic_rx_uq *q = &w->uq[SRNIC_DDP_QN_SEND];
	struct srnic_qp *qp = w->qp;
	enum srnic_ddp_err err;
	bool got;

	err = srnic_rx_uq_check(q, s);
	if (err)
		return srnic_rx_ddp_refuse(rx, err);
	if (!q->open) {
		/* RFC 6581: a zero-length Send as RTR takes no receive WR. */
		if (w->rtr_wait && w->p.rtr_expect == SRNIC_MPA_RTR_SEND &&
		    !s->pay_len && s->h.last)
			return 0;
		spin_lock_bh(&qp->lock);
		got = qp->state == IB_QPS_RTS && srnic_qp_rqe_take(qp, &w->cur.rqe);
		spin_unlock_bh(&qp->lock);
		if (!got)
			return srnic_rx_ddp_refuse(rx, SRNIC_DDP_ERR_MSN_NO_BUFFER);
		w->cur.have_rqe = true;
		w->cur.cap = srnic_rx_rqe_cap(&w->cur.rqe);
	}
	if (!w->cur.have_rqe)
		return srnic_rx_ddp_refuse(rx, SRNIC_DDP_ERR_MSN_NO_BUFFER);
	if ((u64)s->h.mo + s->pay_len > w->cur.cap)
		return srnic_rx_ddp_refuse(rx, SRNIC_DDP_ERR_TOO_LONG);
	return 0;
}

/*
 * Before the peer's RTR only the RTR itself (or a Terminate) may come. A
 * Write or Send RTR is zero-length (RFC 6581); one with data is not an
 * RTR, and taking it as data would leave us waiting for the RTR forever.
 */
static bool srnic_rx_rtr_ok(const struct srnic_wire *w,
			    const struct srnic_ddp_seg *s)
{
	bool empty = !s->pay_len && s->h.last;

	if (!w->rtr_wait)
		return true;
	switch (s->h.opcode) {
	case SRNIC_RDMAP_TERMINATE:
		return true;
	case SRNIC_RDMAP_WRITE:
		return w->p.rtr_expect == SRNIC_MPA_RTR_WRITE && empty;
	case SRNIC_RDMAP_READ_REQ:
		return w->p.rtr_expect == SRNIC_MPA_RTR_READ;
	case SRNIC_RDMAP_SEND:
		return w->p.rtr_expect == SRNIC_MPA_RTR_SEND && empty;
	default:
		return false;
	}
}

static int srnic_rx_begin(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct srnic_wire *w = ctx;
	u8 op = rx->seg.h.opcode;
	enum srnic_ddp_err err;

	/* A QP out of RTS places nothing (fail closed). */
	if (READ_ONCE(w->qp->state) != IB_QPS_RTS)
		return srnic_fpdu_rx_fail(rx, (struct srnic_term_code){
					  SRNIC_TERM_LAYER_RDMAP,
					  SRNIC_TERM_RDMAP_OPERATION,
					  SRNIC_TERM_RDMAP_UNSPECIFIED },
					  false, "qp_not_rts");
	if (!srnic_rx_rtr_ok(w, &rx->seg))
		return srnic_fpdu_rx_fail(rx, (struct srnic_term_code){
					  SRNIC_TERM_LAYER_LLP,
					  SRNIC_TERM_LLP_MPA,
					  SRNIC_TERM_LLP_NO_RTR },
					  false, "no_rtr");
	switch (op) {
	case SRNIC_RDMAP_WRITE:
		return srnic_rx_write(w, rx);
	case SRNIC_RDMAP_READ_RESP:
		return srnic_rx_rresp(w, rx);
	case SRNIC_RDMAP_READ_REQ:
		err = srnic_rx_uq_check(&w->uq[SRNIC_DDP_QN_READ_REQ], &rx->seg);
		return err ? srnic_rx_ddp_refuse(rx, err) : 0;
	case SRNIC_RDMAP_TERMINATE:
		return 0;
	default:
		return srnic_rx_send(w, rx);
	}
}

/* Untagged payload into the receive WR's SGEs, each piece re-checked. */
static int srnic_rx_send_data(struct srnic_wire *w, struct srnic_fpdu_rx *rx,
			      const u8 *p, u32 len, u64 at)
{
	struct srnic_dev *sdev = srnic_rx_dev(w);
	const struct srnic_rqe *rqe = &w->cur.rqe;
	u32 i;

	for (i = 0; i < rqe->num_sge && len; i++) {
		const struct ib_sge *sge = &rqe->sge[i];
		struct srnic_access_req req;
		enum srnic_access_err err;
		struct srnic_mem *mem;
		u32 n;
		int rv;

		if (at >= sge->length) {
			at -= sge->length;
			continue;
		}
		n = min_t(u64, len, sge->length - at);
		srnic_rx_req(w, &req, sge->lkey, SRNIC_OP_LOCAL_WRITE,
			     sge->addr + at, n);
		err = srnic_access_check(&sdev->stags, &req,
					 &sdev->access_stats, &mem);
		if (err)
			return srnic_rx_refuse(rx, &req, err);
		rv = srnic_mem_copy(mem, sge->addr + at, (void *)p, n, true);
		srnic_access_end(mem);
		if (rv)
			return srnic_rx_refuse(rx, &req, SRNIC_ACCESS_BOUNDS);
		p += n;
		len -= n;
		at = 0;
	}
	return len ? srnic_rx_ddp_refuse(rx, SRNIC_DDP_ERR_TOO_LONG) : 0;
}

static int srnic_rx_data(void *ctx, struct srnic_fpdu_rx *rx, const u8 *p,
			 u32 len, u32 off)
{
	struct srnic_wire *w = ctx;
	const struct srnic_ddp_seg *s = &rx->seg;

	if (s->tagged) {
		if (!w->cur.mem ||
		    srnic_mem_copy(w->cur.mem, w->cur.addr + off, (void *)p,
				   len, true))
			return srnic_rx_ddp_refuse(rx, SRNIC_DDP_ERR_RRESP_BOUNDS);
		return 0;
	}
	return srnic_rx_send_data(w, rx, p, len, (u64)s->h.mo + off);
}

/* The last segment of a Send: invalidate if asked, then complete. */
static int srnic_rx_send_end(struct srnic_wire *w, struct srnic_fpdu_rx *rx)
{
	const struct srnic_ddp_seg *s = &rx->seg;
	struct srnic_qp *qp = w->qp;
	struct srnic_cqe cqe = {
		.wr_id = w->cur.rqe.wr_id,
		.qp = &qp->ibqp,
		.byte_len = s->h.mo + s->pay_len,
		.opcode = IB_WC_RECV,
		.status = IB_WC_SUCCESS,
	};
	u8 op = s->h.opcode;

	if (op == SRNIC_RDMAP_SEND_INV || op == SRNIC_RDMAP_SEND_SE_INV) {
		struct srnic_dev *sdev = srnic_rx_dev(w);
		struct srnic_access_drain drain;
		struct srnic_access_req req;
		enum srnic_access_err err;

		srnic_rx_req(w, &req, s->h.stag, SRNIC_OP_REMOTE_INV, 0, 0);
		err = srnic_access_invalidate(&sdev->stags, &req,
					      &sdev->access_stats, &drain);
		if (err)
			return srnic_rx_refuse(rx, &req, err);
		cqe.wc_flags = IB_WC_WITH_INVALIDATE;
		cqe.ex = s->h.stag;
	}
	w->cur.have_rqe = false;
	spin_lock_bh(&qp->lock);
	if (qp->state == IB_QPS_RTS)
		srnic_cq_add(qp->rcq, &cqe, op == SRNIC_RDMAP_SEND_SE ||
			     op == SRNIC_RDMAP_SEND_SE_INV);
	spin_unlock_bh(&qp->lock);
	return 0;
}

static int srnic_rx_rresp_end(struct srnic_wire *w)
{
	struct srnic_qp *qp = w->qp;
	bool rtr;
	u32 idx;

	spin_lock_bh(&qp->lock);
	spin_lock(&w->lock);
	idx = w->orq[w->orq_head].sq_idx;
	rtr = w->orq[w->orq_head].rtr;
	w->orq_head = (w->orq_head + 1) % w->ord.max;
	srnic_ddp_credit_put(&w->ord);
	spin_unlock(&w->lock);
	/* The response to our Read RTR completes no WR. */
	if (!rtr && qp->state == IB_QPS_RTS && qp->sq_wire) {
		qp->sq[idx].done = true;
		qp->sq[idx].status = IB_WC_SUCCESS;
		srnic_qp_sq_done(qp);
	}
	spin_unlock_bh(&qp->lock);
	srnic_wire_tx_queue(w);
	return 0;
}

static int srnic_rx_rreq_end(struct srnic_wire *w, struct srnic_fpdu_rx *rx)
{
	const struct srnic_rdmap_rreq *rr = &rx->seg.h.rreq;
	struct srnic_dev *sdev = srnic_rx_dev(w);
	struct srnic_access_req req;
	enum srnic_access_err err;
	struct srnic_mem *mem;
	bool fits;

	spin_lock_bh(&w->lock);
	fits = srnic_ddp_credit_take(&w->ird);
	spin_unlock_bh(&w->lock);
	if (!fits) {
		atomic64_inc(&sdev->ird_exceeded);
		return srnic_rx_ddp_refuse(rx, SRNIC_DDP_ERR_IRD);
	}
	/* RFC 5042 6.3.5: the source must grant remote read. */
	srnic_rx_req(w, &req, rr->src_stag, SRNIC_OP_REMOTE_READ, rr->src_to,
		     rr->size);
	err = srnic_access_check(&sdev->stags, &req, &sdev->access_stats, &mem);
	spin_lock_bh(&w->lock);
	if (err) {
		srnic_ddp_credit_put(&w->ird);
	} else {
		struct srnic_irq_ent *e;

		e = &w->irq[(w->irq_head + w->irq_count) % w->ird.max];
		e->rr = *rr;
		e->mem = rr->size ? mem : NULL;
		w->irq_count++;
	}
	spin_unlock_bh(&w->lock);
	if (err)
		return srnic_rx_refuse(rx, &req, err);
	srnic_wire_tx_queue(w);
	return 0;
}

/* Does the Terminate quote an untagged segment of queue 1, a Read Request? */
static bool srnic_rx_term_about_read(const struct srnic_rdmap_term *t)
{
	const struct srnic_ddp_untagged_hdr *u;

	if (!(t->hdrct & SRNIC_TERM_HDRCT_D) || !t->ddp_hdr ||
	    t->ddp_hdr_len < sizeof(*u))
		return false;
	u = (const struct srnic_ddp_untagged_hdr *)t->ddp_hdr;
	return !(u->ctrl.ddp & SRNIC_DDP_FLAG_TAGGED) &&
	       get_unaligned_be32(&u->qn) == SRNIC_DDP_QN_READ_REQ;
}

static int srnic_rx_term_end(struct srnic_wire *w, struct srnic_fpdu_rx *rx)
{
	const struct srnic_rdmap_term *t = &rx->seg.term;
	struct srnic_qp *qp = w->qp;
	bool fatal;

	atomic64_inc(&srnic_rx_dev(w)->terminate_received);
	dev_info_ratelimited(&qp->ibqp.device->dev,
			     "QP %u: peer sent Terminate layer %u type %u code 0x%02x\n",
			     qp->ibqp.qp_num, t->code.layer, t->code.etype,
			     t->code.ecode);
	spin_lock_bh(&qp->lock);
	fatal = qp->state != IB_QPS_ERR && qp->state != IB_QPS_RESET;
	if (fatal)
		srnic_qp_remote_term(qp, t->code, srnic_rx_term_about_read(t));
	spin_unlock_bh(&qp->lock);
	if (fatal)
		srnic_qp_event(qp, IB_EVENT_QP_FATAL);
	srnic_wire_end(w, SRNIC_WIRE_END_TERM_RCVD);
	return -ECONNRESET;
}

/* The peer's RTR is in: what we held back may go. */
static void srnic_rx_rtr_came(struct srnic_wire *w)
{
	WRITE_ONCE(w->rtr_wait, false);
	srnic_wire_tx_queue(w);
}

static int srnic_rx_end(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct srnic_wire *w = ctx;
	const struct srnic_ddp_seg *s = &rx->seg;

	if (w->cur.mem) {
		srnic_access_end(w->cur.mem);
		w->cur.mem = NULL;
	}
	switch (s->h.opcode) {
	case SRNIC_RDMAP_WRITE:
		if (w->rtr_wait && !s->pay_len)
			srnic_rx_rtr_came(w);
		return 0;
	case SRNIC_RDMAP_READ_RESP:
		return s->h.last ? srnic_rx_rresp_end(w) : 0;
	case SRNIC_RDMAP_READ_REQ:
		srnic_rx_uq_advance(&w->uq[SRNIC_DDP_QN_READ_REQ], s);
		if (w->rtr_wait)
			srnic_rx_rtr_came(w);
		return srnic_rx_rreq_end(w, rx);
	case SRNIC_RDMAP_TERMINATE:
		return srnic_rx_term_end(w, rx);
	default:
		srnic_rx_uq_advance(&w->uq[SRNIC_DDP_QN_SEND], s);
		if (!w->cur.have_rqe) {
			/* The RTR Send: consumed without a completion. */
			srnic_rx_rtr_came(w);
			return 0;
		}
		return s->h.last ? srnic_rx_send_end(w, rx) : 0;
	}
}

const struct srnic_fpdu_rx_ops srnic_rx_place_ops = {
	.begin = srnic_rx_begin,
	.data = srnic_rx_data,
	.end = srnic_rx_end,
};

/**
 * srnic_rx_actor - tcp_read_sock()'s actor: feed an skb to the parser
 * @rd: its argument is the wire
 * @skb: the skb
 * @off: first byte to read in @skb
 * @len: bytes available from @off
 *
 * Walks the skb's linear part and fragments in place, at most the
 * budget's worth. A refusal sends a Terminate (srnic_wire_fail()).
 *
 * Context: socket lock held; softirq or process.
 * Return: bytes consumed; reading stops once fewer than @len.
 */
int srnic_rx_actor(read_descriptor_t *rd, struct sk_buff *skb,
		   unsigned int off, size_t len)
{
	struct srnic_wire *w = rd->arg.data;
	struct skb_seq_state st;
	unsigned int got = 0, l;
	const u8 *data;
	size_t used;
	int rv = 0;

	len = min_t(size_t, len, w->rx_budget);
	if (!len || READ_ONCE(w->dead)) {
		rd->count = 0;
		return 0;
	}
	skb_prepare_seq_read(skb, off, off + len, &st);
	while ((l = skb_seq_read(got, &data, &st)) != 0) {
		rv = srnic_fpdu_rx_feed(&w->rx, data, l, &used,
					&srnic_rx_place_ops, w);
		got += used;
		if (rv) {
			skb_abort_seq_read(&st);
			break;
		}
	}
	w->rx_budget -= got;
	if (rv == -EPROTO)
		srnic_wire_fail(w, w->rx.fail_term,
				w->rx.fail_quote ? &w->rx.seg : NULL,
				w->rx.fail_why);
	if (rv || !w->rx_budget)
		rd->count = 0;
	return got;
}

/**
 * srnic_rx_cur_release - give back what the segment being received held
 * @w: the wire, stopped
 *
 * A receive WR a Send was landing in completes flushed.
 */
void srnic_rx_cur_release(struct srnic_wire *w)
{
	struct srnic_qp *qp = w->qp;

	if (w->cur.mem) {
		srnic_access_end(w->cur.mem);
		w->cur.mem = NULL;
	}
	if (w->cur.have_rqe) {
		struct srnic_cqe cqe = {
			.wr_id = w->cur.rqe.wr_id,
			.qp = &qp->ibqp,
			.opcode = IB_WC_RECV,
			.status = IB_WC_WR_FLUSH_ERR,
		};

		spin_lock_bh(&qp->lock);
		srnic_cq_add(qp->rcq, &cqe, false);
		spin_unlock_bh(&qp->lock);
		w->cur.have_rqe = false;
	}
}
