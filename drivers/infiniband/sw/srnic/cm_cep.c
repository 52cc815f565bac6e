// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the connection endpoint. Its state machine (which iw_cm event
 * each input delivers, exactly once), its lifetime, and its work item,
 * which socket callbacks, the bounded MPA wait and the data path's end
 * all just queue: TCP up, the guard's verdict, the peer's MPA frame read
 * to its end, the QP moved to RTS and the stream handed to the data path.
 *
 * An endpoint runs in three contexts: the iw_cm ops (cm.c, the
 * consumer's process context), its work item and QP destroy. Each takes
 * the endpoint's mutex and a reference of its own, so the teardown that
 * drops the endpoint's own reference never frees it under a caller.
 *
 * Lock order: &srnic_cep.lock of a child, then its listener's; then the
 * QP's &srnic_qp.modify_lock (through modify_qp), &srnic_qp.lock and
 * &srnic_cep.qp_lock, never the other way round.
 */
#include <kunit/visibility.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "cm.h"
#include "verbs.h"

/**
 * srnic_cep_step - the endpoint state machine
 * @s: the endpoint's state
 * @active: it is the connecting side
 * @in: what happened
 *
 * Every path out of a connecting state delivers exactly one
 * CONNECT_REPLY; a passive endpoint is never seen by iw_cm before its
 * CONNECT_REQUEST and then only reports ESTABLISHED and CLOSE once each;
 * a closed endpoint reports nothing. An input a state does not expect
 * leaves it as it is.
 *
 * Context: any.
 * Return: the next state, and the event (with its status) to deliver.
 */
struct srnic_cep_step srnic_cep_step(enum srnic_cep_state s, bool active,
				     enum srnic_cep_input in)
{
	struct srnic_cep_step st = { s, SRNIC_CEP_NO_EVENT, 0 };
	static const int reply_status[SRNIC_CEP_IN_NR] = {
		[SRNIC_CEP_IN_MPA_REJECT] = -ECONNREFUSED,
		[SRNIC_CEP_IN_MPA_BAD] = -EPROTO,
		[SRNIC_CEP_IN_GUARD_REFUSED] = -EACCES,
		[SRNIC_CEP_IN_TIMEOUT] = -ETIMEDOUT,
		[SRNIC_CEP_IN_RESET] = -ECONNRESET,
		[SRNIC_CEP_IN_DOWN] = -ECONNRESET,
	};

	if ((unsigned int)in >= SRNIC_CEP_IN_NR)
		return st;
	switch (s) {
	case SRNIC_CEP_CONNECTING:
	case SRNIC_CEP_WAIT_REP:
		if (!active)
			break;
		if (s == SRNIC_CEP_CONNECTING && in == SRNIC_CEP_IN_TCP_UP) {
			st.next = SRNIC_CEP_WAIT_REP;
		} else if (s == SRNIC_CEP_WAIT_REP && in == SRNIC_CEP_IN_MPA_OK) {
			st.next = SRNIC_CEP_RTS;
			st.event = IW_CM_EVENT_CONNECT_REPLY;
		} else if (reply_status[in]) {
			st.next = SRNIC_CEP_CLOSED;
			st.event = IW_CM_EVENT_CONNECT_REPLY;
			st.status = reply_status[in];
		}
		break;
	case SRNIC_CEP_WAIT_REQ:
		if (active)
			break;
		if (in == SRNIC_CEP_IN_MPA_OK) {
			st.next = SRNIC_CEP_REQ_UP;
			st.event = IW_CM_EVENT_CONNECT_REQUEST;
		} else if (in != SRNIC_CEP_IN_ACCEPT &&
			   in != SRNIC_CEP_IN_REJECT &&
			   in != SRNIC_CEP_IN_TCP_UP) {
			/* Never seen by iw_cm: closed without an event. */
			st.next = SRNIC_CEP_CLOSED;
		}
		break;
	case SRNIC_CEP_REQ_UP:
		if (in == SRNIC_CEP_IN_ACCEPT) {
			st.next = SRNIC_CEP_RTS;
			st.event = IW_CM_EVENT_ESTABLISHED;
		} else if (in == SRNIC_CEP_IN_REJECT ||
			   in == SRNIC_CEP_IN_RESET || in == SRNIC_CEP_IN_DOWN) {
			/* iw_accept or iw_reject still comes, and fails. */
			st.next = SRNIC_CEP_CLOSED;
		}
		break;
	case SRNIC_CEP_RTS:
		if (in == SRNIC_CEP_IN_RESET || in == SRNIC_CEP_IN_DOWN) {
			st.next = SRNIC_CEP_CLOSED;
			st.event = IW_CM_EVENT_CLOSE;
		}
		break;
	case SRNIC_CEP_IDLE:
	case SRNIC_CEP_LISTEN:
		if (in == SRNIC_CEP_IN_DOWN)
			st.next = SRNIC_CEP_CLOSED;
		break;
	default:
		break;
	}
	return st;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_step);

/**
 * srnic_cep_ird_ord - exact IRD and ORD of a connection (RFC 6581)
 * @my_ird: the IRD this end offered (what it told the peer)
 * @my_ord: the ORD this end asked for
 * @peer_ird: the IRD the peer's frame carries
 * @peer_ord: the ORD the peer's frame carries (unused: the peer keeps its
 *	own ORD within @my_ird)
 * @ird: set to the IRD to enforce: what this end offered, no more
 * @ord: set to the ORD to respect: never more than the peer's IRD
 *
 * No rounding: what the frames say is what the data path enforces.
 *
 * Context: any.
 */
void srnic_cep_ird_ord(u16 my_ird, u16 my_ord, u16 peer_ird, u16 peer_ord,
		       u16 *ird, u16 *ord)
{
	*ird = my_ird;
	*ord = min(my_ord, peer_ird);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_ird_ord);

/**
 * srnic_cep_peer_ird_ord - what a passive endpoint reports of the request
 * @p: the fields of the peer's MPA request
 * @ird: set to the IRD the peer's ORD asks of us
 * @ord: set to the ORD the peer's IRD allows us
 *
 * A revision 2 request carries 14-bit values; the CONNECT_REQUEST's are
 * u8, and no QP of this device goes over %SRNIC_MAX_IRD_QP or
 * %SRNIC_MAX_ORD_QP, so they are clamped to those (256 must not become
 * 0). A revision 1 request says nothing: the device maxima.
 *
 * Context: any.
 */
void srnic_cep_peer_ird_ord(const struct srnic_mpa_params *p, u16 *ird,
			    u16 *ord)
{
	if (p->rev != SRNIC_MPA_REV_2) {
		*ird = SRNIC_MAX_IRD_QP;
		*ord = SRNIC_MAX_ORD_QP;
		return;
	}
	*ird = min_t(u16, p->ord, SRNIC_MAX_IRD_QP);
	*ord = min_t(u16, p->ird, SRNIC_MAX_ORD_QP);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_peer_ird_ord);

/**
 * srnic_cep_crc_policy - the MPA CRC policy from the guard's decision
 * @crc: xfrm_guard_crc() of the connection
 *
 * Only an explicit "skip" lets the CRC go: skipped for offloaded SAs
 * only if the peer agrees, refused with crc=never. Any other value
 * (software IPsec, no IPsec, crc=always, a value unknown here) requires
 * it.
 *
 * Context: any.
 * Return: the policy for srnic_mpa_crc_offer() and srnic_mpa_crc_decide().
 */
enum srnic_mpa_crc_policy srnic_cep_crc_policy(enum xfrm_guard_crc crc)
{
	switch (crc) {
	case XFRM_GUARD_CRC_SKIP_OFFLOADED:
		return SRNIC_MPA_CRC_ALLOWED;
	case XFRM_GUARD_CRC_SKIP_DISABLED:
		return SRNIC_MPA_CRC_UNWANTED;
	default:
		return SRNIC_MPA_CRC_REQUIRED;
	}
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_crc_policy);

/**
 * srnic_cep_mulpdu - RFC 5044's MULPDU for an effective MSS
 * @mss: the connection's effective MSS
 *
 * Without markers, an FPDU of the 2-byte length, the ULPDU, the pad to
 * four bytes and the CRC fits in one segment.
 *
 * Context: any.
 * Return: the largest ULPDU to send; at least 128 for a nonsense MSS.
 */
u32 srnic_cep_mulpdu(u32 mss)
{
	u32 m = round_down(mss, SRNIC_MPA_FPDU_ALIGN);

	if (m < 128 + SRNIC_MPA_FPDU_OVERHEAD)
		return 128;
	return m - SRNIC_MPA_FPDU_OVERHEAD;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_mulpdu);

static void srnic_cep_release(struct kref *ref)
{
	struct srnic_cep *cep = container_of(ref, struct srnic_cep, ref);

	xa_destroy(&cep->pending);
	mutex_destroy(&cep->lock);
	kfree(cep->out);
	kfree(cep);
}

/**
 * srnic_cep_put - drop a reference to an endpoint
 * @cep: the endpoint
 *
 * Context: any; the last reference is only dropped in process context.
 */
void srnic_cep_put(struct srnic_cep *cep)
{
	kref_put(&cep->ref, srnic_cep_release);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_put);

/**
 * srnic_cep_kick - have the endpoint's work run
 * @cep: the endpoint
 *
 * Context: any.
 */
void srnic_cep_kick(struct srnic_cep *cep)
{
	kref_get(&cep->ref);
	if (!queue_work(srnic_wq, &cep->work))
		srnic_cep_put(cep);
}

/**
 * srnic_cep_unpend - take a child out of its listener's pending set
 * @l: the listener
 * @cep: the child
 *
 * Context: any but hard IRQ.
 */
void srnic_cep_unpend(struct srnic_cep *l, struct srnic_cep *cep)
{
	if (xa_erase(&l->pending, cep->id))
		atomic_dec(&l->children);
}

/**
 * srnic_cep_arm - start the bounded wait (%SRNIC_CM_MPA_TIMEOUT_MS)
 * @cep: the endpoint; its work sees %SRNIC_CEP_F_TIMEOUT when it ends
 *
 * Context: any.
 */
void srnic_cep_arm(struct srnic_cep *cep)
{
	kref_get(&cep->ref);
	if (!queue_delayed_work(srnic_wq, &cep->timeout,
				msecs_to_jiffies(SRNIC_CM_MPA_TIMEOUT_MS)))
		srnic_cep_put(cep);
}

static void srnic_cep_disarm(struct srnic_cep *cep)
{
	if (cancel_delayed_work(&cep->timeout))
		srnic_cep_put(cep);
}

/*
 * A new wait, the old one forgotten: a timeout that ran already must not
 * end the new wait, so it is waited for (it only sets a bit and kicks)
 * before its bit is cleared.
 */
static void srnic_cep_rearm(struct srnic_cep *cep)
{
	if (cancel_delayed_work_sync(&cep->timeout))
		srnic_cep_put(cep);
	clear_bit(SRNIC_CEP_F_TIMEOUT, &cep->flags);
	srnic_cep_arm(cep);
}

static void srnic_cep_timeout(struct work_struct *work)
{
	struct srnic_cep *cep = container_of(to_delayed_work(work),
					     struct srnic_cep, timeout);

	set_bit(SRNIC_CEP_F_TIMEOUT, &cep->flags);
	srnic_cep_kick(cep);
	srnic_cep_put(cep);
}

static void srnic_cep_work(struct work_struct *work);

/**
 * srnic_cep_alloc - a new endpoint, numbered in the device's table
 * @sdev: the device
 * @active: the connecting side
 *
 * Context: process; may sleep.
 * Return: the endpoint with its own reference, or NULL.
 */
struct srnic_cep *srnic_cep_alloc(struct srnic_dev *sdev, bool active)
{
	struct srnic_cep *cep;
	int rv;

	cep = kzalloc(sizeof(*cep), GFP_KERNEL);
	if (!cep)
		return NULL;
	kref_init(&cep->ref);
	mutex_init(&cep->lock);
	spin_lock_init(&cep->qp_lock);
	xa_init(&cep->pending);
	INIT_WORK(&cep->work, srnic_cep_work);
	INIT_DELAYED_WORK(&cep->timeout, srnic_cep_timeout);
	cep->sdev = sdev;
	cep->active = active;
	rv = xa_alloc_cyclic(&sdev->cep_xa, &cep->id, cep, xa_limit_31b,
			     &sdev->cep_next, GFP_KERNEL);
	if (rv < 0) {
		srnic_cep_put(cep);
		return NULL;
	}
	return cep;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_alloc);

/**
 * srnic_cep_find - the endpoint a CONNECT_REQUEST's provider_data names
 * @sdev: the device
 * @provider_data: the endpoint's number
 *
 * Context: any.
 * Return: the endpoint with a reference for the caller, or NULL.
 */
struct srnic_cep *srnic_cep_find(struct srnic_dev *sdev,
				 const void *provider_data)
{
	unsigned long id = (unsigned long)provider_data;
	struct srnic_cep *cep;

	xa_lock(&sdev->cep_xa);
	cep = xa_load(&sdev->cep_xa, id);
	if (cep)
		kref_get(&cep->ref);
	xa_unlock(&sdev->cep_xa);
	return cep;
}

/**
 * srnic_cep_qp_unlink - let the QP go: its data path stops, it goes to ERR
 * @cep: the endpoint, locked
 *
 * Context: process; may sleep.
 */
void srnic_cep_qp_unlink(struct srnic_cep *cep)
{
	struct srnic_qp *qp;
	bool linked;

	spin_lock_bh(&cep->qp_lock);
	qp = cep->qp;
	cep->qp = NULL;
	spin_unlock_bh(&cep->qp_lock);
	if (!qp)
		return;
	srnic_wire_stop(qp);
	spin_lock_bh(&qp->lock);
	if (qp->state != IB_QPS_RESET && qp->state != IB_QPS_ERR &&
	    qp->state != IB_QPS_INIT)
		srnic_qp_to_err(qp);
	linked = qp->cep == cep;
	if (linked)
		qp->cep = NULL;
	spin_unlock_bh(&qp->lock);
	if (linked)
		srnic_cep_put(cep);
}

/**
 * srnic_cep_qp_link - tie a QP to the endpoint for the connection's life
 * @cep: the endpoint, locked
 * @qp: the QP
 *
 * Context: process.
 * Return: 0, or -EBUSY if the QP has a connection already.
 */
int srnic_cep_qp_link(struct srnic_cep *cep, struct srnic_qp *qp)
{
	int rv = 0;

	spin_lock_bh(&qp->lock);
	if (qp->cep) {
		rv = -EBUSY;
	} else {
		kref_get(&cep->ref);
		qp->cep = cep;
	}
	spin_unlock_bh(&qp->lock);
	if (!rv) {
		spin_lock_bh(&cep->qp_lock);
		cep->qp = qp;
		spin_unlock_bh(&cep->qp_lock);
	}
	return rv;
}

/**
 * srnic_cep_close - release everything the endpoint holds
 * @cep: the endpoint, locked; the caller holds a reference of its own
 *
 * The socket callbacks, the wait, the QP and its data path, the guard,
 * the socket, the cm_id, the listener and the endpoint's own reference.
 * No event: the state machine delivered what was due before.
 *
 * Context: process; may sleep.
 */
void srnic_cep_close(struct srnic_cep *cep)
{
	struct srnic_cep *listener = cep->listener;
	struct iw_cm_id *cm_id = cep->cm_id;

	if (cep->state == SRNIC_CEP_CLOSED)
		return;
	cep->state = SRNIC_CEP_CLOSED;
	srnic_cep_sock_unhook(cep);
	srnic_cep_disarm(cep);
	srnic_cep_qp_unlink(cep);
	srnic_cep_guard_detach(cep);
	srnic_cep_sock_release(cep);
	if (cm_id) {
		cep->cm_id = NULL;
		if (cm_id->provider_data == cep)
			cm_id->provider_data = NULL;
		cm_id->rem_ref(cm_id);
	}
	if (listener) {
		cep->listener = NULL;
		srnic_cep_unpend(listener, cep);
		srnic_cep_put(listener);
	}
	if (xa_erase(&cep->sdev->cep_xa, cep->id) == cep)
		srnic_cep_put(cep);
}

static void srnic_cep_addrs(struct srnic_cep *cep, struct iw_cm_event *ev)
{
	if (!cep->sock)
		return;
	kernel_getsockname(cep->sock, (struct sockaddr *)&ev->local_addr);
	kernel_getpeername(cep->sock, (struct sockaddr *)&ev->remote_addr);
}

/* CONNECT_REQUEST goes to the listener's cm_id, if it still listens. */
static int srnic_cep_up_request(struct srnic_cep *cep, struct iw_cm_event *ev)
{
	struct srnic_cep *l = cep->listener;
	int rv = -ECONNRESET;

	if (!l)
		return rv;
	ev->provider_data = (void *)(unsigned long)cep->id;
	mutex_lock_nested(&l->lock, SINGLE_DEPTH_NESTING);
	if (l->state == SRNIC_CEP_LISTEN && l->cm_id)
		rv = l->cm_id->event_handler(l->cm_id, ev);
	mutex_unlock(&l->lock);
	return rv;
}

/*
 * iw_cm copies an event's private data with GFP_ATOMIC and refuses the
 * event when that fails. A CONNECT_REPLY it never took leaves its cm_id
 * waiting for one for ever, so it gets another that needs no
 * allocation: no private data, and a failure (-ENOMEM for a connection
 * that was up) all the same, as the endpoint closes after it.
 */
static void srnic_cep_reply_bare(struct srnic_cep *cep, struct iw_cm_event *ev)
{
	ev->private_data = NULL;
	ev->private_data_len = 0;
	if (!ev->status)
		ev->status = -ENOMEM;
	if (cep->cm_id->event_handler(cep->cm_id, ev))
		dev_warn_ratelimited(&cep->sdev->ibdev.dev,
				     "connect: iw_cm refused CONNECT_REPLY (%d) twice\n",
				     ev->status);
}

/**
 * srnic_cep_input - feed an input to the endpoint's state machine
 * @cep: the endpoint, locked
 * @in: what happened
 *
 * Delivers the step's event, then moves on; a step to
 * %SRNIC_CEP_CLOSED, or an event iw_cm could not take, closes. A
 * CONNECT_REPLY iw_cm could not take is followed by a failed one that it
 * can (srnic_cep_reply_bare()).
 *
 * Context: process; may sleep.
 */
void srnic_cep_input(struct srnic_cep *cep, enum srnic_cep_input in)
{
	struct srnic_cep_step st = srnic_cep_step(cep->state, cep->active, in);
	struct iw_cm_event ev = {};
	int rv = 0;

	if (st.event == SRNIC_CEP_NO_EVENT && st.next == cep->state)
		return;
	if (st.event != SRNIC_CEP_NO_EVENT) {
		ev.event = st.event;
		ev.status = st.status;
		srnic_cep_addrs(cep, &ev);
		if (st.event == IW_CM_EVENT_CONNECT_REQUEST ||
		    st.event == IW_CM_EVENT_CONNECT_REPLY) {
			ev.private_data = (void *)cep->f.pdata;
			ev.private_data_len = cep->f.pd_len;
		}
		/*
		 * rdma_cm reads the event's ird as the consumer's initiator
		 * depth (its ORD) and ord as its responder resources (IRD).
		 */
		if (st.event == IW_CM_EVENT_CONNECT_REQUEST) {
			ev.ird = cep->ord;
			ev.ord = cep->ird;
			rv = srnic_cep_up_request(cep, &ev);
		} else if (cep->cm_id) {
			ev.ird = cep->wp.ord;
			ev.ord = cep->wp.ird;
			rv = cep->cm_id->event_handler(cep->cm_id, &ev);
			if (rv && st.event == IW_CM_EVENT_CONNECT_REPLY)
				srnic_cep_reply_bare(cep, &ev);
		}
	}
	if (rv)
		st.next = SRNIC_CEP_CLOSED;
	if (st.next == SRNIC_CEP_CLOSED)
		srnic_cep_close(cep);
	else
		cep->state = st.next;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_cep_input);

/**
 * srnic_cep_rts - move the QP to RTS with what MPA settled
 * @cep: the endpoint, locked; &srnic_cep.wp holds what MPA settled
 *
 * Context: process; may sleep.
 * Return: 0, or the error of modify_qp (e.g. an IRD over a limit).
 */
int srnic_cep_rts(struct srnic_cep *cep)
{
	struct srnic_qp *qp = cep->qp;
	struct ib_qp_attr attr = {};
	int rv;

	if (!qp)
		return -ECONNRESET;
	if (qp->state == IB_QPS_INIT) {
		attr.qp_state = IB_QPS_RTR;
		rv = srnic_modify_qp(&qp->ibqp, &attr, IB_QP_STATE, NULL);
		if (rv)
			return rv;
	}
	attr.qp_state = IB_QPS_RTS;
	attr.max_rd_atomic = cep->wp.ord;
	attr.max_dest_rd_atomic = cep->wp.ird;
	return srnic_modify_qp(&qp->ibqp, &attr, IB_QP_STATE |
			       IB_QP_MAX_QP_RD_ATOMIC |
			       IB_QP_MAX_DEST_RD_ATOMIC, NULL);
}

/**
 * srnic_cep_wire - hand the QP, in RTS, the stream
 * @cep: the endpoint, locked
 *
 * The socket gets its own callbacks back first: the data path saves
 * what it finds and restores it when it stops.
 *
 * Context: process; may sleep.
 * Return: 0, or the error of srnic_wire_start().
 */
int srnic_cep_wire(struct srnic_cep *cep)
{
	struct srnic_qp *qp = cep->qp;
	int rv;

	if (!qp)
		return -ECONNRESET;
	/* The data path saves the socket's own callbacks, not ours. */
	srnic_cep_sock_unhook(cep);
	rv = srnic_wire_start(qp, cep->sock, &cep->wp, &srnic_cep_wire_ops,
			      cep);
	if (rv)
		return rv;
	/* Closed before the data path hooked in: it never hears of it. */
	if (READ_ONCE(cep->sock->sk->sk_state) != TCP_ESTABLISHED) {
		set_bit(SRNIC_CEP_F_DOWN, &cep->flags);
		srnic_cep_kick(cep);
	}
	return 0;
}

/**
 * srnic_cep_go - move the QP to RTS and hand it the stream
 * @cep: the endpoint, locked; &srnic_cep.wp holds what MPA settled
 *
 * Context: process; may sleep.
 * Return: 0, or the error of srnic_cep_rts() or srnic_cep_wire().
 */
int srnic_cep_go(struct srnic_cep *cep)
{
	int rv = srnic_cep_rts(cep);

	return rv ? rv : srnic_cep_wire(cep);
}

/**
 * srnic_cep_log - count a refused MPA frame and say why, rate-limited
 * @cep: the endpoint
 * @what: "request" or "reply"
 * @err: why
 *
 * Context: process.
 */
void srnic_cep_log(struct srnic_cep *cep, const char *what,
		   enum srnic_mpa_err err)
{
	struct sockaddr_storage peer = {};

	atomic64_inc(&cep->sdev->mpa_refused);
	if (cep->sock)
		kernel_getpeername(cep->sock, (struct sockaddr *)&peer);
	dev_info_ratelimited(&cep->sdev->ibdev.dev, "MPA %s from %pISpc refused: %s\n",
			     what, &peer, srnic_mpa_err_name(err));
}

/* Active: the reply is whole; check it and go to RTS, or refuse it. */
static enum srnic_cep_input srnic_cep_got_reply(struct srnic_cep *cep)
{
	enum srnic_mpa_crc_policy pol = srnic_cep_crc_policy(cep->crc);
	const struct srnic_mpa_frame *f = &cep->f;
	enum srnic_mpa_err err;
	bool crc;
	int rv;

	if (f->reject)
		return SRNIC_CEP_IN_MPA_REJECT;
	err = srnic_mpa_check_reply(&cep->req, f);
	if (!err)
		err = srnic_mpa_crc_decide(pol, SRNIC_MPA_REP, f->p.crc, &crc);
	if (err) {
		srnic_cep_log(cep, "reply", err);
		return SRNIC_CEP_IN_MPA_BAD;
	}
	cep->wp.crc = crc;
	if (f->p.rev == SRNIC_MPA_REV_2) {
		srnic_cep_ird_ord(cep->ird, cep->ord, f->p.ird, f->p.ord,
				  &cep->wp.ird, &cep->wp.ord);
		if (f->p.p2p)
			cep->wp.rtr_send = f->p.rtr;
		/* A Read RTR beyond the ORD the reply left us: refused. */
		if (cep->wp.rtr_send &&
		    !srnic_mpa_rtr_usable(cep->wp.rtr_send, cep->wp.ord, 1)) {
			srnic_cep_log(cep, "reply", SRNIC_MPA_ERR_RTR_MISMATCH);
			return SRNIC_CEP_IN_MPA_BAD;
		}
	} else {
		cep->wp.ird = cep->ird;
		cep->wp.ord = cep->ord;
	}
	rv = srnic_cep_go(cep);
	if (rv) {
		dev_info_ratelimited(&cep->sdev->ibdev.dev,
				     "connect: QP %u cannot start (%d)\n",
				     cep->qp ? cep->qp->ibqp.qp_num : 0, rv);
		return SRNIC_CEP_IN_MPA_BAD;
	}
	return SRNIC_CEP_IN_MPA_OK;
}

/* Active: TCP is up; put it under the guard and send the MPA request. */
static enum srnic_cep_input srnic_cep_tcp_up(struct srnic_cep *cep)
{
	enum srnic_mpa_crc_policy pol;
	enum srnic_mpa_err err;
	size_t len;
	u8 *frame;
	int rv;

	rv = srnic_cep_guard_attach(cep);
	if (rv)
		return SRNIC_CEP_IN_GUARD_REFUSED;
	pol = srnic_cep_crc_policy(cep->crc);
	cep->req.crc = srnic_mpa_crc_offer(pol);
	cep->wp.mulpdu = srnic_cep_mulpdu(srnic_cep_sock_mss(cep));
	frame = kmalloc(SRNIC_MPA_FRAME_MAX, GFP_KERNEL);
	if (!frame)
		return SRNIC_CEP_IN_RESET;
	err = srnic_mpa_build_req(&cep->req, cep->out, cep->out_len, frame,
				  SRNIC_MPA_FRAME_MAX, &len);
	rv = err ? -EINVAL : srnic_cep_mpa_send(cep, frame, len);
	kfree(frame);
	if (rv)
		return err ? SRNIC_CEP_IN_MPA_BAD : SRNIC_CEP_IN_RESET;
	srnic_cep_rearm(cep);
	return SRNIC_CEP_IN_TCP_UP;
}

static void srnic_cep_run_active(struct srnic_cep *cep)
{
	int state, rv;

	if (cep->state == SRNIC_CEP_CONNECTING) {
		state = READ_ONCE(cep->sock->sk->sk_state);
		if (state == TCP_ESTABLISHED)
			srnic_cep_input(cep, srnic_cep_tcp_up(cep));
		else if (state == TCP_CLOSE || state == TCP_CLOSE_WAIT)
			srnic_cep_input(cep, SRNIC_CEP_IN_RESET);
	}
	if (cep->state != SRNIC_CEP_WAIT_REP)
		return;
	rv = srnic_cep_mpa_read(cep, SRNIC_MPA_REP);
	if (rv == -EPROTO) {
		srnic_cep_log(cep, "reply", cep->f.err);
		srnic_cep_input(cep, SRNIC_CEP_IN_MPA_BAD);
	} else if (rv == -ECONNRESET) {
		srnic_cep_input(cep, SRNIC_CEP_IN_RESET);
	} else if (!rv) {
		srnic_cep_disarm(cep);
		srnic_cep_input(cep, srnic_cep_got_reply(cep));
	}
}

/*
 * A refused request that is an MPA request at all gets a reject whose
 * private data names the reason (RFC 5044 7.1.4 lets the responder say
 * why), e.g. "markers_unsupported". Best effort: the socket closes next.
 */
static void srnic_cep_refuse_request(struct srnic_cep *cep)
{
	const size_t rev_at = offsetof(struct srnic_mpa_hdr, rev);
	const char *why = srnic_mpa_err_name(cep->f.err);
	u8 rev = SRNIC_MPA_REV_1;
	size_t len;
	u8 *frame;

	if (cep->f.err == SRNIC_MPA_ERR_KEY ||
	    cep->f.err == SRNIC_MPA_ERR_KEY_DIR)
		return;
	if (cep->got > rev_at && cep->buf[rev_at] == SRNIC_MPA_REV_2)
		rev = SRNIC_MPA_REV_2;
	frame = kmalloc(SRNIC_MPA_FRAME_MAX, GFP_KERNEL);
	if (!frame)
		return;
	if (!srnic_mpa_build_reject(rev, why, strlen(why), frame,
				    SRNIC_MPA_FRAME_MAX, &len))
		srnic_cep_mpa_send(cep, frame, len);
	kfree(frame);
}

/*
 * Passive: a request whose C flag our CRC policy cannot meet is refused
 * here, with the reason in the reject, before the consumer hears of it;
 * srnic_cep_build_reply() makes the same decision again on accept.
 */
static int srnic_cep_check_request(struct srnic_cep *cep)
{
	enum srnic_mpa_crc_policy pol = srnic_cep_crc_policy(cep->crc);
	bool crc;

	cep->f.err = srnic_mpa_crc_decide(pol, SRNIC_MPA_REQ, cep->f.p.crc,
					  &crc);
	return cep->f.err ? -EPROTO : 0;
}

static void srnic_cep_run_passive(struct srnic_cep *cep)
{
	int rv;

	rv = srnic_cep_mpa_read(cep, SRNIC_MPA_REQ);
	if (!rv)
		rv = srnic_cep_check_request(cep);
	if (rv == -EPROTO) {
		srnic_cep_log(cep, "request", cep->f.err);
		srnic_cep_refuse_request(cep);
		srnic_cep_input(cep, SRNIC_CEP_IN_MPA_BAD);
	} else if (rv == -ECONNRESET) {
		srnic_cep_input(cep, SRNIC_CEP_IN_RESET);
	} else if (!rv) {
		srnic_cep_disarm(cep);
		srnic_cep_peer_ird_ord(&cep->f.p, &cep->ird, &cep->ord);
		srnic_cep_input(cep, SRNIC_CEP_IN_MPA_OK);
	}
}

/*
 * srnic takes every connection off TCP's accept queue itself, so TCP's
 * backlog bounds nothing: the listener's own does. A connection beyond
 * it is closed unread, counted and logged.
 */
static bool srnic_cep_backlog_full(struct srnic_cep *l, struct socket *sock)
{
	struct sockaddr_storage local = {}, peer = {};

	if (atomic_read(&l->children) < l->backlog)
		return false;
	atomic64_inc(&l->sdev->cm_backlog_refused);
	kernel_getsockname(sock, (struct sockaddr *)&local);
	kernel_getpeername(sock, (struct sockaddr *)&peer);
	dev_info_ratelimited(&l->sdev->ibdev.dev,
			     "listener %pISpc: %d connections unanswered, %pISpc refused\n",
			     &local, l->backlog, &peer);
	return true;
}

/*
 * A listener: take every connection TCP has ready. The listener's lock is
 * held; a new child is not locked (nobody can reach it before its state
 * says so, and a child's lock nests outside its listener's).
 */
static void srnic_cep_run_listen(struct srnic_cep *l)
{
	struct srnic_cep *cep;
	struct socket *sock;

	while ((sock = srnic_cep_sock_accept(l))) {
		if (srnic_cep_backlog_full(l, sock)) {
			sock_release(sock);
			continue;
		}
		cep = srnic_cep_alloc(l->sdev, false);
		if (!cep) {
			sock_release(sock);
			continue;
		}
		kref_get(&cep->ref);
		cep->sock = sock;
		/* The guard decides before the first MPA byte is read. */
		if (srnic_cep_guard_attach(cep) ||
		    xa_insert(&l->pending, cep->id, cep, GFP_KERNEL)) {
			srnic_cep_close(cep);
			srnic_cep_put(cep);
			continue;
		}
		atomic_inc(&l->children);
		kref_get(&l->ref);
		cep->listener = l;
		cep->state = SRNIC_CEP_WAIT_REQ;
		srnic_cep_sock_hook(cep);
		srnic_cep_arm(cep);
		srnic_cep_kick(cep);
		srnic_cep_put(cep);
	}
}

static void srnic_cep_work(struct work_struct *work)
{
	struct srnic_cep *cep = container_of(work, struct srnic_cep, work);

	mutex_lock(&cep->lock);
	clear_bit(SRNIC_CEP_F_SOCK, &cep->flags);
	if (test_and_clear_bit(SRNIC_CEP_F_DOWN, &cep->flags))
		srnic_cep_input(cep, SRNIC_CEP_IN_DOWN);
	if (test_and_clear_bit(SRNIC_CEP_F_TIMEOUT, &cep->flags) &&
	    (cep->state == SRNIC_CEP_CONNECTING ||
	     cep->state == SRNIC_CEP_WAIT_REP ||
	     cep->state == SRNIC_CEP_WAIT_REQ))
		srnic_cep_input(cep, SRNIC_CEP_IN_TIMEOUT);
	switch (cep->state) {
	case SRNIC_CEP_LISTEN:
		srnic_cep_run_listen(cep);
		break;
	case SRNIC_CEP_CONNECTING:
	case SRNIC_CEP_WAIT_REP:
		srnic_cep_run_active(cep);
		break;
	case SRNIC_CEP_WAIT_REQ:
		srnic_cep_run_passive(cep);
		break;
	case SRNIC_CEP_REQ_UP:
		if (cep->sock && READ_ONCE(cep->sock->sk->sk_state) !=
				 TCP_ESTABLISHED)
			srnic_cep_input(cep, SRNIC_CEP_IN_RESET);
		break;
	default:
		break;
	}
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
}

