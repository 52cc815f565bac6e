// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the connection manager as iw_cm sees it: the iw_cm ops. They
 * find or make an endpoint (cm_cep.c) and feed it the consumer's
 * decisions; every event goes back through the endpoint's state machine.
 */
#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "cm.h"
#include "verbs.h"

static unsigned int srnic_mpa_rev = SRNIC_MPA_REV_2;

/* Anything but revision 1 or 2 is refused, not quietly taken as 2. */
static int srnic_mpa_rev_set(const char *val, const struct kernel_param *kp)
{
	unsigned int rev;
	int rv;

	rv = kstrtouint(val, 0, &rev);
	if (rv)
		return rv;
	if (rev != SRNIC_MPA_REV_1 && rev != SRNIC_MPA_REV_2)
		return -EINVAL;
	return param_set_uint(val, kp);
}

static const struct kernel_param_ops srnic_mpa_rev_ops = {
	.set = srnic_mpa_rev_set,
	.get = param_get_uint,
};
module_param_cb(mpa_rev, &srnic_mpa_rev_ops, &srnic_mpa_rev, 0644);
MODULE_PARM_DESC(mpa_rev, "MPA revision of connect requests: 1 or 2 (default 2)");

static bool srnic_mpa_p2p;
module_param_named(mpa_p2p, srnic_mpa_p2p, bool, 0644);
MODULE_PARM_DESC(mpa_p2p, "ask for RFC 6581 peer-to-peer RTR in revision 2 requests (default off)");

/*
 * The RTR types a peer-to-peer request offers. Like cxgb4's p2p_type, it
 * lets an administrator match a peer that handles only one of them, and
 * lets the tests make each type go over the wire.
 */
static u8 srnic_mpa_rtr = SRNIC_MPA_RTR_ALL;

static const char *const srnic_mpa_rtr_names[] = {
	[SRNIC_MPA_RTR_ALL] = "any",
	[SRNIC_MPA_RTR_WRITE] = "write",
	[SRNIC_MPA_RTR_READ] = "read",
	[SRNIC_MPA_RTR_SEND] = "send",
};

static int srnic_mpa_rtr_set(const char *val, const struct kernel_param *kp)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(srnic_mpa_rtr_names); i++) {
		if (srnic_mpa_rtr_names[i] &&
		    sysfs_streq(val, srnic_mpa_rtr_names[i])) {
			WRITE_ONCE(*(u8 *)kp->arg, i);
			return 0;
		}
	}
	return -EINVAL;
}

static int srnic_mpa_rtr_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  srnic_mpa_rtr_names[READ_ONCE(*(u8 *)kp->arg)]);
}

static const struct kernel_param_ops srnic_mpa_rtr_ops = {
	.set = srnic_mpa_rtr_set,
	.get = srnic_mpa_rtr_get,
};
module_param_cb(mpa_rtr, &srnic_mpa_rtr_ops, &srnic_mpa_rtr, 0644);
MODULE_PARM_DESC(mpa_rtr, "RTR message a peer-to-peer request offers: any, write, read or send (default any)");

/* The QP a connect or accept names, if its IRD and ORD fit srnic's. */
static struct srnic_qp *srnic_cm_param_qp(struct srnic_dev *sdev,
					  const struct iw_cm_conn_param *param)
{
	if (param->ird > SRNIC_MAX_IRD_QP || param->ord > SRNIC_MAX_ORD_QP)
		return NULL;
	return xa_load(&sdev->qp_xa, param->qpn);
}

/**
 * srnic_iw_connect - ib_device_ops.iw_connect
 * @cm_id: the active cm_id; m_local_addr and m_remote_addr are used
 * @param: QP number, IRD, ORD and private data of the request
 *
 * Connects in the background: exactly one CONNECT_REPLY follows a 0
 * return, within %SRNIC_CM_MPA_TIMEOUT_MS of TCP and MPA each.
 *
 * Context: process; may sleep.
 * Return: 0, -EINVAL (no such QP, private data too long), -EBUSY (the
 * QP has a connection), -ENOMEM, or the socket's error.
 */
int srnic_iw_connect(struct iw_cm_id *cm_id, struct iw_cm_conn_param *param)
{
	struct srnic_dev *sdev = to_sdev(cm_id->device);
	struct srnic_qp *qp;
	struct srnic_cep *cep;
	int rv;

	qp = srnic_cm_param_qp(sdev, param);
	if (!qp)
		return -EINVAL;
	cep = srnic_cep_alloc(sdev, true);
	if (!cep)
		return -ENOMEM;
	kref_get(&cep->ref);
	mutex_lock(&cep->lock);
	cep->ird = param->ird;
	cep->ord = param->ord;
	cep->req.rev = READ_ONCE(srnic_mpa_rev);	/* 1 or 2: srnic_mpa_rev_set() */
	cep->req.ird = param->ird;
	cep->req.ord = param->ord;
	if (cep->req.rev == SRNIC_MPA_REV_2 && srnic_mpa_p2p) {
		cep->req.p2p = true;
		/*
		 * A Read RTR needs an ORD of one; without it the request
		 * offers a Write, which every responder takes.
		 */
		cep->req.rtr = srnic_mpa_rtr_usable(READ_ONCE(srnic_mpa_rtr),
						    param->ord, 1);
		if (!cep->req.rtr)
			cep->req.rtr = SRNIC_MPA_RTR_WRITE;
	}
	/* Sent once TCP is up (srnic_cep_tcp_up()). */
	if (param->private_data_len) {
		cep->out = kmemdup(param->private_data,
				   param->private_data_len, GFP_KERNEL);
		if (!cep->out) {
			rv = -ENOMEM;
			goto err;
		}
		cep->out_len = param->private_data_len;
	}
	cep->state = SRNIC_CEP_CONNECTING;
	rv = srnic_cep_qp_link(cep, qp);
	if (rv)
		goto err;
	cm_id->add_ref(cm_id);
	cep->cm_id = cm_id;
	srnic_cep_arm(cep);
	rv = srnic_cep_sock_connect(cep, &cm_id->m_local_addr,
				    &cm_id->m_remote_addr);
	if (rv)
		goto err;
	srnic_cep_kick(cep);
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
	return 0;
err:
	srnic_cep_close(cep);
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
	return rv;
}

/* Passive: the reply to send, from the request and the consumer's answer. */
static int srnic_cep_build_reply(struct srnic_cep *cep,
				 struct iw_cm_conn_param *param, u8 *frame,
				 size_t *len)
{
	enum srnic_mpa_crc_policy pol = srnic_cep_crc_policy(cep->crc);
	const struct srnic_mpa_frame *f = &cep->f;
	struct srnic_mpa_params p = { .rev = f->p.rev };
	enum srnic_mpa_err err;
	bool crc;
	u8 ok;

	err = srnic_mpa_crc_decide(pol, SRNIC_MPA_REQ, f->p.crc, &crc);
	if (err) {
		srnic_cep_log(cep, "request", err);
		return -EPROTO;
	}
	p.crc = crc;
	cep->wp.crc = crc;
	if (p.rev == SRNIC_MPA_REV_2) {
		/* What we offer is our IRD; our ORD stays within theirs. */
		srnic_cep_ird_ord(param->ird, param->ord, f->p.ird, f->p.ord,
				  &cep->wp.ird, &cep->wp.ord);
		p.ird = cep->wp.ird;
		p.ord = cep->wp.ord;
		if (f->p.p2p) {
			p.p2p = true;
			/* A Read RTR takes one of our IRD, one of their ORD. */
			ok = srnic_mpa_rtr_usable(SRNIC_MPA_RTR_ALL, f->p.ord,
						  cep->wp.ird);
			p.rtr = srnic_mpa_rtr_pick(f->p.rtr, ok);
			if (!p.rtr) {
				srnic_cep_log(cep, "request",
					      SRNIC_MPA_ERR_RTR_MISMATCH);
				return -EPROTO;
			}
			cep->wp.rtr_expect = p.rtr;
		}
	} else {
		cep->wp.ird = param->ird;
		cep->wp.ord = param->ord;
	}
	if (srnic_mpa_build_rep(&p, param->private_data,
				param->private_data_len, frame,
				SRNIC_MPA_FRAME_MAX, len))
		return -EINVAL;
	return 0;
}

/* Passive: take the endpoint from its listener's pending set. */
static void srnic_cep_claim(struct srnic_cep *cep)
{
	struct srnic_cep *l = cep->listener;

	if (!l)
		return;
	cep->listener = NULL;
	srnic_cep_unpend(l, cep);
	srnic_cep_put(l);
}

static int srnic_cep_accept(struct srnic_cep *cep, struct iw_cm_id *cm_id,
			    struct iw_cm_conn_param *param)
{
	struct srnic_dev *sdev = cep->sdev;
	struct srnic_qp *qp;
	u8 *frame;
	size_t len;
	int rv;

	qp = srnic_cm_param_qp(sdev, param);
	if (!qp)
		return -EINVAL;
	frame = kmalloc(SRNIC_MPA_FRAME_MAX, GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	rv = srnic_cep_build_reply(cep, param, frame, &len);
	if (!rv)
		rv = srnic_cep_qp_link(cep, qp);
	if (!rv) {
		cep->wp.mulpdu = srnic_cep_mulpdu(srnic_cep_sock_mss(cep));
		/* The peer hears "accepted" only of a QP that is in RTS. */
		rv = srnic_cep_rts(cep);
	}
	if (!rv) {
		rv = srnic_cep_mpa_send(cep, frame, len);
	} else if (!srnic_mpa_build_reject(cep->f.p.rev, NULL, 0, frame,
					   SRNIC_MPA_FRAME_MAX, &len)) {
		/* Best effort: the connection closes next. */
		srnic_cep_mpa_send(cep, frame, len);
	}
	kfree(frame);
	if (!rv)
		rv = srnic_cep_wire(cep);
	return rv;
}

/**
 * srnic_iw_accept - ib_device_ops.iw_accept
 * @cm_id: the cm_id iw_cm made for the CONNECT_REQUEST
 * @param: QP number, IRD, ORD and private data of the reply
 *
 * Moves the QP to RTS with the negotiated IRD and ORD, sends the MPA
 * reply and hands the QP the stream; ESTABLISHED follows. If the QP
 * cannot go to RTS, the peer gets a reject instead. A connection the
 * peer dropped, or whose listener went, is gone: -ECONNRESET.
 *
 * Context: process; may sleep.
 * Return: 0 or a negative errno; no event follows an error.
 */
int srnic_iw_accept(struct iw_cm_id *cm_id, struct iw_cm_conn_param *param)
{
	struct srnic_dev *sdev = to_sdev(cm_id->device);
	struct srnic_cep *cep;
	int rv = -ECONNRESET;

	cep = srnic_cep_find(sdev, cm_id->provider_data);
	if (!cep)
		return rv;
	mutex_lock(&cep->lock);
	if (cep->state == SRNIC_CEP_REQ_UP) {
		srnic_cep_claim(cep);
		cm_id->add_ref(cm_id);
		cep->cm_id = cm_id;
		rv = srnic_cep_accept(cep, cm_id, param);
		if (rv)
			srnic_cep_close(cep);
		else
			srnic_cep_input(cep, SRNIC_CEP_IN_ACCEPT);
	}
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
	return rv;
}

/**
 * srnic_iw_reject - ib_device_ops.iw_reject
 * @cm_id: the cm_id iw_cm made for the CONNECT_REQUEST
 * @pdata: private data for the peer's reject event
 * @pd_len: bytes at @pdata
 *
 * Context: process; may sleep.
 * Return: 0; -ECONNRESET if the connection is gone already; -EINVAL if
 * the private data does not fit.
 */
int srnic_iw_reject(struct iw_cm_id *cm_id, const void *pdata, u8 pd_len)
{
	struct srnic_dev *sdev = to_sdev(cm_id->device);
	struct srnic_cep *cep;
	size_t len;
	u8 *frame;
	int rv = -ECONNRESET;

	cep = srnic_cep_find(sdev, cm_id->provider_data);
	if (!cep)
		return rv;
	frame = kmalloc(SRNIC_MPA_FRAME_MAX, GFP_KERNEL);
	mutex_lock(&cep->lock);
	if (cep->state == SRNIC_CEP_REQ_UP) {
		srnic_cep_claim(cep);
		rv = -ENOMEM;
		if (frame) {
			rv = -EINVAL;
			if (!srnic_mpa_build_reject(cep->f.p.rev, pdata, pd_len,
						    frame, SRNIC_MPA_FRAME_MAX,
						    &len))
				rv = srnic_cep_mpa_send(cep, frame, len);
		}
		srnic_cep_input(cep, SRNIC_CEP_IN_REJECT);
	}
	mutex_unlock(&cep->lock);
	kfree(frame);
	srnic_cep_put(cep);
	return rv;
}

/**
 * srnic_iw_create_listen - ib_device_ops.iw_create_listen
 * @cm_id: the listening cm_id; m_local_addr is used
 * @backlog: the listen backlog; also the bound on connections accepted
 *	and not yet answered by iw_accept or iw_reject (waiting for their
 *	MPA request or for the consumer): one more is closed at once
 *
 * The socket lives in the network namespace of the device's netdev.
 *
 * Context: process; may sleep.
 * Return: 0 or the socket's error.
 */
int srnic_iw_create_listen(struct iw_cm_id *cm_id, int backlog)
{
	struct srnic_dev *sdev = to_sdev(cm_id->device);
	struct srnic_cep *cep;
	int rv;

	cep = srnic_cep_alloc(sdev, false);
	if (!cep)
		return -ENOMEM;
	kref_get(&cep->ref);
	mutex_lock(&cep->lock);
	cep->state = SRNIC_CEP_LISTEN;
	cep->backlog = max(backlog, 1);
	cm_id->add_ref(cm_id);
	cep->cm_id = cm_id;
	cm_id->provider_data = cep;
	rv = srnic_cep_sock_listen(cep, &cm_id->m_local_addr, backlog);
	if (rv)
		srnic_cep_close(cep);
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
	return rv;
}

/**
 * srnic_iw_destroy_listen - ib_device_ops.iw_destroy_listen
 * @cm_id: the listening cm_id
 *
 * Closes the listening socket, then every connection not yet accepted or
 * rejected: iw_cm drops the CONNECT_REQUESTs it has queued for a
 * listener that goes, so nobody else would answer them.
 *
 * Context: process; may sleep.
 * Return: 0.
 */
int srnic_iw_destroy_listen(struct iw_cm_id *cm_id)
{
	struct srnic_cep *l = cm_id->provider_data;
	struct srnic_cep *cep;
	unsigned long id;

	if (!l)
		return 0;
	kref_get(&l->ref);
	mutex_lock(&l->lock);
	srnic_cep_close(l);
	mutex_unlock(&l->lock);
	for (;;) {
		id = 0;
		xa_lock(&l->pending);
		cep = xa_find(&l->pending, &id, ULONG_MAX, XA_PRESENT);
		if (cep) {
			kref_get(&cep->ref);
			__xa_erase(&l->pending, id);
			atomic_dec(&l->children);
		}
		xa_unlock(&l->pending);
		if (!cep)
			break;
		mutex_lock(&cep->lock);
		/*
		 * iw_accept or iw_reject may have claimed it since it left
		 * the set: it is theirs now, and reports its own events.
		 */
		if (cep->listener == l)
			srnic_cep_close(cep);
		mutex_unlock(&cep->lock);
		srnic_cep_put(cep);
	}
	srnic_cep_put(l);
	return 0;
}

/**
 * srnic_iw_get_qp - ib_device_ops.iw_get_qp
 * @ibdev: the device
 * @qpn: the QP number
 *
 * Takes no reference (iw_cm takes one with iw_add_ref right after, under
 * its spinlock); srnic_destroy_qp() waits for a grace period after
 * unpublishing the number, so the QP cannot go in between.
 *
 * Context: any; called under iw_cm's spinlock.
 * Return: the QP or NULL.
 */
struct ib_qp *srnic_iw_get_qp(struct ib_device *ibdev, int qpn)
{
	struct srnic_qp *qp = xa_load(&to_sdev(ibdev)->qp_xa, qpn);

	return qp ? &qp->ibqp : NULL;
}

/**
 * srnic_iw_add_ref - ib_device_ops.iw_add_ref
 * @ibqp: the QP
 *
 * Context: any.
 */
void srnic_iw_add_ref(struct ib_qp *ibqp)
{
	refcount_inc(&to_sqp(ibqp)->cm_refs);
}

/**
 * srnic_iw_rem_ref - ib_device_ops.iw_rem_ref
 * @ibqp: the QP
 *
 * Context: any.
 */
void srnic_iw_rem_ref(struct ib_qp *ibqp)
{
	struct srnic_qp *qp = to_sqp(ibqp);

	if (refcount_dec_and_test(&qp->cm_refs))
		complete(&qp->cm_done);
}

/**
 * srnic_cm_qp_down - the QP left RTS (modify_qp to ERR or SQD)
 * @qp: the QP
 *
 * The connection is closed from the endpoint's work: iw_cm disconnects
 * this way, and a destroyed cm_id moves its QP to ERR.
 *
 * Context: any; the QP's lock not held.
 */
void srnic_cm_qp_down(struct srnic_qp *qp)
{
	spin_lock_bh(&qp->lock);
	if (qp->cep) {
		set_bit(SRNIC_CEP_F_DOWN, &qp->cep->flags);
		srnic_cep_kick(qp->cep);
	}
	spin_unlock_bh(&qp->lock);
}

/**
 * srnic_cm_qp_destroy - the QP goes: close its connection now
 * @qp: the QP
 *
 * Context: process; may sleep.
 */
void srnic_cm_qp_destroy(struct srnic_qp *qp)
{
	struct srnic_cep *cep;

	spin_lock_bh(&qp->lock);
	cep = qp->cep;
	if (cep)
		kref_get(&cep->ref);
	spin_unlock_bh(&qp->lock);
	if (!cep)
		return;
	mutex_lock(&cep->lock);
	srnic_cep_input(cep, SRNIC_CEP_IN_DOWN);
	/* Whatever the state, the QP is let go. */
	srnic_cep_qp_unlink(cep);
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
}
