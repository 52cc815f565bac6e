// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: refusals. A connection the guard refused at bind, or the
 * login shim refused, sends nothing more; the refusal is reported to the
 * guard, and iscsid's login on it is answered so that it ends at once
 * (see Documentation/admin-guide/sanguard/iscsi_xfrm.rst).
 *
 * Context: iscsid's netlink requests, the receive path (which cannot
 * sleep, so its reports go through ix_wq) and ix_wq's work items, which
 * ix_release_conn() flushes or cancels.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <scsi/libiscsi.h>
#include <scsi/scsi_transport_iscsi.h>

#include "ix.h"
#include "login.h"

/* Any context: nothing more is sent on the connection, and the log says why. */
static void ix_refuse_mark(struct ix_conn *ixc, const char *reason)
{
	WRITE_ONCE(ixc->refused, true);
	iscsi_conn_printk(KERN_WARNING, ixc->iconn, "login refused: %s\n",
			  reason);
}

/**
 * ix_refuse() - refuse a connection in login, and report it
 * @ixc: the connection
 * @reason: the refusal reason, one of IX_REASON_*
 *
 * Nothing more is sent on the connection. The refusal is the guard's to
 * report like its own (dmesg, audit, event, counter):
 * xfrm_guard_owner_refused(), which may sleep.
 *
 * Context: process, with the guard attached (bind to release).
 */
void ix_refuse(struct ix_conn *ixc, const char *reason)
{
	ix_refuse_mark(ixc, reason);
	if (ixc->guard)
		xfrm_guard_owner_refused(ixc->guard, reason);
}

/* Tell iscsid that its refused login is over; see ix_refuse_login(). */
static void ix_reject_work(struct work_struct *work)
{
	struct ix_conn *ixc = container_of(work, struct ix_conn, reject_work);
	int err;

	err = iscsi_recv_pdu(ixc->iconn->cls_conn,
			     (struct iscsi_hdr *)&ixc->reject, NULL, 0);
	if (err)
		iscsi_conn_printk(KERN_ERR, ixc->iconn,
				  "cannot tell iscsid the login is refused (%d); it will time out\n",
				  err);
}

/**
 * ix_refuse_login() - consume a Login Request of a refused connection
 * @ixc: the connection, refused
 * @req: the Login Request from iscsid; it is not sent
 *
 * On a first login, iscsid is answered, once its send has returned as it
 * would for a real target, with the final Login Response of
 * ix_login_reject(): it gives up at once and iscsiadm reports an
 * authorization failure, instead of retrying until its login time runs
 * out and reporting a timeout. A connection that has been in full feature
 * phase is in recovery, where iscsid reconnects at once after any failed
 * login: there nothing is answered, and iscsid's login timeout paces its
 * attempts until protection returns or the session's replacement timeout
 * fails it.
 *
 * Context: process (iscsid's netlink request).
 * Return: 0; the request is consumed.
 */
int ix_refuse_login(struct ix_conn *ixc, const struct iscsi_hdr *req)
{
	if (READ_ONCE(ixc->started))
		return 0;
	ix_login_reject((const struct iscsi_login_req *)req, &ixc->reject);
	queue_work(ix_wq, &ixc->reject_work);
	return 0;
}

/* The report of ix_refuse_rx(); ix_release_conn() flushes it. */
static void ix_refuse_work(struct work_struct *work)
{
	struct ix_conn *ixc = container_of(work, struct ix_conn, refuse_work);

	mutex_lock(&ixc->sock_lock);
	if (ixc->guard)
		xfrm_guard_owner_refused(ixc->guard,
					 READ_ONCE(ixc->rx_refusal));
	mutex_unlock(&ixc->sock_lock);
}

/**
 * ix_refuse_rx() - refuse a connection from the receive path
 * @ixc: the connection
 * @reason: the refusal reason, one of IX_REASON_*
 *
 * The receive path cannot sleep: the guard hears of the refusal from
 * ix_refuse_work(). The caller fails the connection.
 *
 * Context: softirq, or the receive work under the socket lock.
 */
void ix_refuse_rx(struct ix_conn *ixc, const char *reason)
{
	ix_refuse_mark(ixc, reason);
	WRITE_ONCE(ixc->rx_refusal, reason);
	queue_work(ix_wq, &ixc->refuse_work);
}

/**
 * ix_refuse_init() - set up a new connection's refusal work
 * @ixc: the connection, being created
 */
void ix_refuse_init(struct ix_conn *ixc)
{
	INIT_WORK(&ixc->refuse_work, ix_refuse_work);
	INIT_WORK(&ixc->reject_work, ix_reject_work);
}
