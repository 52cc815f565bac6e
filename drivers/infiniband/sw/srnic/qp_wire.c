// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: a QP's data path on its TCP stream, from srnic_wire_start() to
 * srnic_wire_stop(): the socket callbacks it installs, the work items
 * that receive, send and report the end, and the error path, where bad
 * input from the peer becomes a Terminate and the QP goes to ERR.
 *
 * Lifetime: the wire is reachable from the socket (sk_user_data, under
 * sk_callback_lock) and from the QP (&srnic_qp.wire, under the QP's
 * lock). srnic_wire_stop() unhooks it from both, then waits for the
 * work items, so nothing can run on it once it is freed.
 */
#include <kunit/visibility.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "qp_wire.h"

static struct srnic_wire *srnic_sk_wire(struct sock *sk)
{
	return rcu_dereference_sk_user_data(sk);
}

/* Receive as much as the budget allows; the socket lock is held. */
static void srnic_wire_rx(struct srnic_wire *w, struct sock *sk)
{
	read_descriptor_t rd = { .arg.data = w, .count = 1 };

	w->rx_budget = SRNIC_RX_BUDGET;
	/* Placement's access checks run with BH (and preemption) off. */
	local_bh_disable();
	tcp_read_sock(sk, &rd, srnic_rx_actor);
	local_bh_enable();
	/* Stopped by the budget with data left: go on in process context. */
	if (!w->rx_budget && !READ_ONCE(w->dead) &&
	    !READ_ONCE(w->stopping) && tcp_inq(sk))
		queue_work(system_unbound_wq, &w->rx_work);
}

static void srnic_sk_data_ready(struct sock *sk)
{
	struct srnic_wire *w;

	rcu_read_lock();
	w = srnic_sk_wire(sk);
	if (w && !READ_ONCE(w->dead))
		srnic_wire_rx(w, sk);
	rcu_read_unlock();
}

static void srnic_sk_write_space(struct sock *sk)
{
	struct srnic_wire *w;

	rcu_read_lock();
	w = srnic_sk_wire(sk);
	if (w && sk_stream_is_writeable(sk))
		srnic_wire_tx_queue(w);
	rcu_read_unlock();
}

static void srnic_sk_state_change(struct sock *sk)
{
	struct srnic_wire *w;

	rcu_read_lock();
	w = srnic_sk_wire(sk);
	if (w) {
		switch (sk->sk_state) {
		case TCP_CLOSE:
		case TCP_CLOSE_WAIT:
			srnic_wire_end(w, sk->sk_err ? SRNIC_WIRE_END_ERROR :
					  SRNIC_WIRE_END_CLOSED);
			break;
		default:
			break;
		}
	}
	rcu_read_unlock();
}

static void srnic_rx_work(struct work_struct *work)
{
	struct srnic_wire *w = container_of(work, struct srnic_wire, rx_work);
	struct sock *sk = w->sock->sk;

	lock_sock(sk);
	if (!READ_ONCE(w->dead) && !READ_ONCE(w->stopping))
		srnic_wire_rx(w, sk);
	release_sock(sk);
}

static void srnic_end_work(struct work_struct *work)
{
	struct srnic_wire *w = container_of(work, struct srnic_wire, end_work);
	enum srnic_wire_end why;

	spin_lock_bh(&w->lock);
	why = w->why;
	spin_unlock_bh(&w->lock);
	w->ops->ended(w->ctx, why);
}

/**
 * srnic_wire_tx_queue - have the transmit work run
 * @w: the wire
 *
 * Context: any.
 */
void srnic_wire_tx_queue(struct srnic_wire *w)
{
	if (!READ_ONCE(w->stopping))
		queue_work(system_unbound_wq, &w->tx_work);
}

/**
 * srnic_wire_end - the stream is done for; tell the connection manager
 * @w: the wire
 * @why: the reason; the first one given is reported, once
 *
 * Context: any.
 */
void srnic_wire_end(struct srnic_wire *w, enum srnic_wire_end why)
{
	bool queue = false;

	spin_lock_bh(&w->lock);
	w->dead = true;
	if (!w->ended && !w->stopping) {
		w->ended = true;
		w->why = why;
		queue = true;
	}
	spin_unlock_bh(&w->lock);
	if (queue)
		queue_work(system_unbound_wq, &w->end_work);
}

/**
 * srnic_wire_fail - refuse the peer's input: Terminate, QP to ERR
 * @w: the wire
 * @code: what the Terminate reports
 * @bad: the segment to quote, or NULL
 * @why: a short name for dmesg
 *
 * Receiving stops at once; the Terminate goes out through the transmit
 * work (still held back while the guard holds the stream), which then
 * reports %SRNIC_WIRE_END_TERM_SENT.
 *
 * Context: any; the caller holds no QP or wire lock.
 */
void srnic_wire_fail(struct srnic_wire *w, struct srnic_term_code code,
		     const struct srnic_ddp_seg *bad, const char *why)
{
	struct srnic_qp *qp = w->qp;
	struct srnic_dev *sdev = to_sdev(qp->ibqp.device);
	u8 ulpdu[SRNIC_DDP_TERM_MAX];
	bool fatal, sent = false;
	size_t len = 0;

	if (code.layer == SRNIC_TERM_LAYER_LLP &&
	    code.etype == SRNIC_TERM_LLP_MPA && code.ecode == SRNIC_TERM_LLP_CRC)
		atomic64_inc(&sdev->crc_errors);
	dev_info_ratelimited(&qp->ibqp.device->dev,
			     "QP %u: peer input refused (%s): Terminate layer %u type %u code 0x%02x\n",
			     qp->ibqp.qp_num, why, code.layer, code.etype,
			     code.ecode);
	srnic_ddp_build_term(code, bad, w->tx_msn[SRNIC_DDP_QN_TERMINATE],
			     ulpdu, sizeof(ulpdu), &len);

	spin_lock_bh(&qp->lock);
	fatal = qp->state != IB_QPS_ERR && qp->state != IB_QPS_RESET;
	if (fatal)
		srnic_qp_to_err(qp);
	spin_lock(&w->lock);
	if (!w->dead && len) {
		w->term_len = srnic_fpdu_tx_whole(ulpdu, len, w->p.crc, w->term,
						  sizeof(w->term));
		sent = w->term_len != 0;
	}
	w->dead = true;
	spin_unlock(&w->lock);
	spin_unlock_bh(&qp->lock);
	if (sent)
		atomic64_inc(&sdev->terminate_sent);
	if (fatal)
		srnic_qp_event(qp, IB_EVENT_QP_FATAL);
	srnic_wire_tx_queue(w);
}

static void srnic_wire_hook(struct srnic_wire *w, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	w->saved_data_ready = sk->sk_data_ready;
	w->saved_write_space = sk->sk_write_space;
	w->saved_state_change = sk->sk_state_change;
	rcu_assign_sk_user_data(sk, w);
	sk->sk_data_ready = srnic_sk_data_ready;
	sk->sk_write_space = srnic_sk_write_space;
	sk->sk_state_change = srnic_sk_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

static void srnic_wire_unhook(struct srnic_wire *w, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = w->saved_data_ready;
	sk->sk_write_space = w->saved_write_space;
	sk->sk_state_change = w->saved_state_change;
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	/* Callbacks that read the old pointer are done after this. */
	synchronize_rcu();
}

static int srnic_wire_alloc(struct srnic_wire *w)
{
	u32 mulpdu = min_t(u32, w->p.mulpdu, U16_MAX);

	w->tx_fpdu_max = SRNIC_MPA_FPDU_HDR_SIZE + mulpdu + SRNIC_TX_TAIL_MAX;
	w->tx_cap = max_t(u32, w->tx_fpdu_max, SRNIC_TX_BATCH);
	w->tx_buf = kvmalloc(w->tx_cap, GFP_KERNEL);
	w->orq = kcalloc(max_t(u32, w->p.ord, 1), sizeof(*w->orq), GFP_KERNEL);
	w->irq = kcalloc(max_t(u32, w->p.ird, 1), sizeof(*w->irq), GFP_KERNEL);
	if (!w->tx_buf || !w->orq || !w->irq)
		return -ENOMEM;
	return 0;
}

static void srnic_wire_free(struct srnic_wire *w)
{
	kvfree(w->tx_buf);
	kfree(w->orq);
	kfree(w->irq);
	kfree(w);
}

/**
 * srnic_wire_start - hand a connected, MPA-settled stream to a QP
 * @qp: the QP, in RTS
 * @sock: the TCP socket; only the data path uses it until
 *	srnic_wire_stop() returns
 * @p: what MPA settled (CRC, IRD, ORD, MULPDU, RTR)
 * @ops: the connection manager's callbacks
 * @ctx: their argument
 *
 * Context: process; may sleep.
 * Return: 0; -EINVAL if the QP already has a stream or @p cannot be
 * used (a MULPDU with no room for payload, a Read RTR with no ORD to
 * send it or no IRD to answer it); -ENOMEM.
 */
int srnic_wire_start(struct srnic_qp *qp, struct socket *sock,
		     const struct srnic_wire_params *p,
		     const struct srnic_wire_ops *ops, void *ctx)
{
	struct srnic_wire *w;
	int i, rv;

	if (p->mulpdu <= SRNIC_DDP_HDR_MAX || !ops->tx_ok || !ops->ended)
		return -EINVAL;
	/* A Read RTR is held against the ORD, answered within the IRD. */
	if ((p->rtr_send == SRNIC_MPA_RTR_READ && !p->ord) ||
	    (p->rtr_expect == SRNIC_MPA_RTR_READ && !p->ird))
		return -EINVAL;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->qp = qp;
	w->sock = sock;
	w->ops = ops;
	w->ctx = ctx;
	w->p = *p;
	spin_lock_init(&w->lock);
	INIT_WORK(&w->tx_work, srnic_tx_work);
	INIT_WORK(&w->rx_work, srnic_rx_work);
	INIT_WORK(&w->end_work, srnic_end_work);
	w->ird.max = p->ird;
	w->ord.max = p->ord;
	for (i = 0; i < ARRAY_SIZE(w->uq); i++) {
		srnic_rx_uq_init(&w->uq[i]);
		w->tx_msn[i] = 1;
	}
	w->rtr_todo = p->rtr_send;
	w->rtr_wait = p->rtr_expect;
	srnic_fpdu_rx_init(&w->rx, p->crc, SRNIC_RX_ULPDU_MAX);
	rv = srnic_wire_alloc(w);
	if (rv)
		goto err;

	spin_lock_bh(&qp->lock);
	if (qp->wire) {
		spin_unlock_bh(&qp->lock);
		rv = -EINVAL;
		goto err;
	}
	qp->wire = w;
	spin_unlock_bh(&qp->lock);
	if (!p->crc)
		atomic64_inc(&to_sdev(qp->ibqp.device)->crc_skipped);

	srnic_wire_hook(w, sock->sk);
	/* Bytes that came behind the MPA frame before the hook. */
	lock_sock(sock->sk);
	srnic_wire_rx(w, sock->sk);
	release_sock(sock->sk);
	srnic_wire_tx_queue(w);
	return 0;
err:
	srnic_wire_free(w);
	return rv;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_wire_start);

/**
 * srnic_wire_stop - take the stream back from a QP
 * @qp: the QP; nothing happens if it has no stream
 *
 * Restores the socket's callbacks, waits for the receive, transmit and
 * end work in flight, and releases what the wire held (the accesses of
 * Reads it did not answer). The QP keeps its WRs; the connection
 * manager or the consumer moves it to ERR to flush them.
 *
 * Context: process; may sleep. Not from &srnic_wire_ops.ended.
 */
void srnic_wire_stop(struct srnic_qp *qp)
{
	struct srnic_wire *w;

	spin_lock_bh(&qp->lock);
	w = qp->wire;
	spin_unlock_bh(&qp->lock);
	if (!w)
		return;

	spin_lock_bh(&w->lock);
	w->stopping = true;
	w->dead = true;
	spin_unlock_bh(&w->lock);
	srnic_wire_unhook(w, w->sock->sk);
	cancel_work_sync(&w->rx_work);
	cancel_work_sync(&w->tx_work);
	cancel_work_sync(&w->end_work);

	spin_lock_bh(&qp->lock);
	qp->wire = NULL;
	qp->sq_wire = 0;
	spin_unlock_bh(&qp->lock);
	/* Nothing runs on @w any more: no lock needed below. */
	srnic_rx_cur_release(w);
	srnic_tx_release(w);
	srnic_wire_free(w);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_wire_stop);

/**
 * srnic_wire_hold - hold or resume sending
 * @qp: the QP
 * @hold: true: send nothing until called with false (the guard lost
 *	protection); false: go on where it stopped
 *
 * Context: any.
 */
void srnic_wire_hold(struct srnic_qp *qp, bool hold)
{
	struct srnic_wire *w;

	spin_lock_bh(&qp->lock);
	w = qp->wire;
	if (w) {
		spin_lock(&w->lock);
		w->hold = hold;
		spin_unlock(&w->lock);
		if (!hold)
			srnic_wire_tx_queue(w);
	}
	spin_unlock_bh(&qp->lock);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_wire_hold);

/**
 * srnic_wire_kick - WRs were posted: let the data path send them
 * @qp: the QP, lock held
 *
 * Context: any; the QP's lock held (post_send, the SQ runner).
 */
void srnic_wire_kick(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	if (qp->wire)
		srnic_wire_tx_queue(qp->wire);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_wire_kick);

/**
 * srnic_wire_rtr - the peer-to-peer RTR message of the QP's stream
 * @qp: the QP, lock held
 *
 * Context: any; the QP's lock held.
 * Return: the %SRNIC_MPA_RTR_* type the QP sent as initiator or took as
 * responder; 0 without an RTR or a stream.
 */
u8 srnic_wire_rtr(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	return qp->wire ? qp->wire->p.rtr_send | qp->wire->p.rtr_expect : 0;
}

/**
 * srnic_wire_crc - whether the QP's stream carries MPA CRCs
 * @qp: the QP, lock held
 *
 * Context: any; the QP's lock held.
 * Return: 1 with CRCs, 0 without, -ENOTCONN when the QP has no stream.
 */
int srnic_wire_crc(struct srnic_qp *qp)
{
	lockdep_assert_held(&qp->lock);
	if (!qp->wire)
		return -ENOTCONN;
	return qp->wire->p.crc;
}
