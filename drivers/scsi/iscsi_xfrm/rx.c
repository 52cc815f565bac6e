// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: the receive path and the socket's callbacks.
 *
 * libiscsi_tcp's state machine dissects PDUs from the socket; around it
 * this file counts a digest, or a skip, per segment, ends the session on a
 * digest failure under IPsec integrity (RFC 3723 3.6.1), and checks a
 * Login Response for a reflected CHAP challenge before iscsid gets it
 * (RFC 3723 2.4.1).
 *
 * Context: the socket's callbacks (softirq), or libiscsi's receive work
 * under the socket lock; the socket serialises the two (see @rx_login in
 * struct ix_conn). Nothing here sleeps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <linux/unaligned.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <scsi/iscsi_if.h>
#include <scsi/libiscsi.h>
#include <scsi/libiscsi_tcp.h>
#include <scsi/scsi_transport_iscsi.h>

#include "ix.h"
#include "login.h"
#include "rx.h"

/* A digest failed: count it, and end the session if IPsec vouched. */
static void ix_rx_failed(struct ix_conn *ixc, bool was_hdr)
{
	struct iscsi_tcp_conn *tcp_conn = ixc->iconn->dd_data;
	struct iscsi_segment *seg = &tcp_conn->in.segment;
	struct xfrm_guard_status st;
	enum ix_digest_kind kind;

	if (seg->digest_len != ISCSI_DIGEST_SIZE ||
	    !memcmp(seg->digest, seg->recv_digest, ISCSI_DIGEST_SIZE))
		return;
	kind = was_hdr ? IX_DIGEST_HEADER : IX_DIGEST_DATA;
	ix_digest_verify(&ixc->dg, kind,
			 get_unaligned((__le32 *)seg->digest), seg->recv_digest);

	xfrm_guard_get_status(ixc->guard, &st);
	if (st.reason != XFRM_GUARD_REASON_PROTECTED)
		return;
	/*
	 * ESP already proved the bytes came unaltered from the peer, so a bad
	 * digest means a broken peer or an attack from inside it, not the
	 * network: recovery would only repeat it (RFC 3723 3.6.1).
	 */
	WRITE_ONCE(ixc->fatal, true);
	iscsi_conn_printk(KERN_ERR, ixc->iconn,
			  "%s digest failed under IPsec integrity: ending the session (RFC 3723 3.6.1)\n",
			  was_hdr ? "header" : "data");
	/* iscsid shuts a session down, without reinstating, on this error. */
	iscsi_conn_error_event(ixc->iconn->cls_conn, ISCSI_ERR_INVALID_HOST);
}

/*
 * Turn the target's Login Response, whose text was refused, into the final
 * refusal iscsid gets instead (see ix_refuse_login()): the status of
 * ix_login_reject(), no transit, no data. The tags stay the target's.
 */
static void ix_rx_reject(struct iscsi_hdr *hdr)
{
	struct iscsi_login_rsp *rsp = (struct iscsi_login_rsp *)hdr;

	rsp->flags &= ISCSI_FLAG_LOGIN_CURRENT_STAGE_MASK;
	rsp->status_class = ISCSI_STATUS_CLS_INITIATOR_ERR;
	rsp->status_detail = ISCSI_LOGIN_STATUS_TGT_FORBIDDEN;
	hton24(rsp->dlength, 0);
}

/*
 * The data segment of a Login Response is in (pad and digest included) and
 * nothing of the PDU has reached iscsid yet. Check its CHAP challenge now:
 * a reflected one (RFC 3723 2.4.1) must never reach iscsid, which would
 * answer it. Otherwise complete the PDU to iscsid from @rx_login, the
 * bytes that were checked. This replaces libiscsi_tcp's own completion of
 * the segment, and does what it does: check the digest, complete, and
 * make ready for the next header.
 *
 * Return: 0, or the iSCSI error iscsi_tcp_recv_skb() fails the
 * connection with.
 * Context: the receive path.
 */
static int ix_login_rsp_done(struct iscsi_tcp_conn *tcp_conn,
			     struct iscsi_segment *seg)
{
	struct ix_conn *ixc = tcp_conn->dd_data;
	unsigned int len = tcp_conn->in.datalen;
	const char *reason = NULL;
	int rc;

	/* ix_rx_failed() counts it. */
	if (seg->digest_len &&
	    memcmp(seg->digest, seg->recv_digest, seg->digest_len))
		return ISCSI_ERR_DATA_DGST;
	if (ix_login_chap_rx(ix_chap, ixc->id, ixc->rx_login, len, jiffies,
			     &reason)) {
		ix_refuse_rx(ixc, reason ?: IX_REASON_MALFORMED);
		/* In recovery iscsid would reconnect at once: fail instead. */
		if (READ_ONCE(ixc->started))
			return ISCSI_ERR_CONN_FAILED;
		ix_rx_reject(tcp_conn->in.hdr);
		len = 0;
	}
	rc = iscsi_complete_pdu(ixc->iconn, tcp_conn->in.hdr, ixc->rx_login,
				len);
	if (rc)
		return rc;
	iscsi_tcp_hdr_recv_prep(tcp_conn);
	return 0;
}

/*
 * A header was dissected and the segment for its data set up. The data of
 * a Login Response goes to @rx_login, and ix_login_rsp_done() sees it
 * before iscsid does; nothing of it has been received yet.
 * Context: the receive path.
 */
static void ix_rx_data_begins(struct ix_conn *ixc)
{
	struct iscsi_tcp_conn *tcp_conn = ixc->iconn->dd_data;
	struct iscsi_segment *seg = &tcp_conn->in.segment;
	unsigned int len = tcp_conn->in.datalen;

	if ((tcp_conn->in.hdr->opcode & ISCSI_OPCODE_MASK) !=
	    ISCSI_OP_LOGIN_RSP)
		return;
	/* libiscsi_tcp takes no more into conn->data, which is this size. */
	if (WARN_ON_ONCE(len > ISCSI_DEF_MAX_RECV_SEG_LEN || seg->copied))
		return;
	iscsi_segment_init_linear(seg, ixc->rx_login, len, ix_login_rsp_done,
				  seg->hash);
}

static int ix_recv(read_descriptor_t *rd_desc, struct sk_buff *skb,
		   unsigned int offset, size_t len)
{
	struct iscsi_conn *conn = rd_desc->arg.data;
	struct iscsi_tcp_conn *tcp_conn = conn->dd_data;
	struct ix_conn *ixc = tcp_conn->dd_data;
	struct iscsi_segment *seg = &tcp_conn->in.segment;
	unsigned int consumed, total = 0;
	int status;

	/* Nothing more is taken in from a refused connection. */
	if (READ_ONCE(ixc->refused))
		return len;
	do {
		bool was_hdr = iscsi_tcp_recv_segment_is_hdr(tcp_conn);
		bool fresh = !seg->total_copied;

		status = 0;
		consumed = iscsi_tcp_recv_skb(conn, skb, offset, false,
					      &status);
		offset += consumed;
		total += consumed;

		/* A header or data segment began: one digest, or one skip. */
		if (fresh && consumed) {
			enum ix_digest_kind kind = was_hdr ? IX_DIGEST_HEADER :
							     IX_DIGEST_DATA;
			int on = was_hdr ? conn->hdrdgst_en :
					   conn->datadgst_en;

			if (on)
				ix_digest_count(&ixc->dg, IX_DIGEST_RX, kind);
			else
				ix_digest_skip(&ixc->dg, IX_DIGEST_RX, kind);
		}
		if (status == ISCSI_TCP_CONN_ERR) {
			ix_rx_failed(ixc, was_hdr);
			break;
		}
		/*
		 * A refusal in this segment (ix_login_rsp_done()) ends the
		 * taking in at once: the PDUs behind it in the same skb must
		 * not reach iscsid either. The rest is consumed, unread.
		 */
		if (READ_ONCE(ixc->refused))
			return len;
		if (was_hdr && status == ISCSI_TCP_SEGMENT_DONE &&
		    !iscsi_tcp_recv_segment_is_hdr(tcp_conn))
			ix_rx_data_begins(ixc);
	} while (consumed && status != ISCSI_TCP_SKB_DONE);

	return total;
}

/*
 * A peer that closed with nothing left to read ends the connection; with
 * data still queued the receive path drains it first.
 * Context: sk_callback_lock held.
 */
static void ix_sk_state_check(struct sock *sk)
{
	struct iscsi_conn *conn = sk->sk_user_data;

	if ((sk->sk_state == TCP_CLOSE_WAIT || sk->sk_state == TCP_CLOSE) &&
	    conn->session->state != ISCSI_STATE_LOGGING_OUT &&
	    !atomic_read(&sk->sk_rmem_alloc))
		iscsi_conn_failure(conn, ISCSI_ERR_TCP_CONN_CLOSE);
}

/* Context: sk_callback_lock held, from softirq or the socket's owner. */
static void ix_recv_data(struct iscsi_conn *conn, struct sock *sk)
{
	struct iscsi_tcp_conn *tcp_conn = conn->dd_data;
	read_descriptor_t rd_desc = {
		.arg.data = conn,
		/* Hand over every skb there is: PDUs span skbs. */
		.count = 1,
	};

	tcp_read_sock(sk, &rd_desc, ix_recv);
	iscsi_tcp_segment_unmap(&tcp_conn->in.segment);
	ix_sk_state_check(sk);
}

/**
 * ix_recv_work() - libiscsi's receive work: the same receive, from process
 *	context
 * @work: &iscsi_conn.recvwork
 *
 * Context: process; takes &ix_conn.sock_lock and the socket lock.
 */
void ix_recv_work(struct work_struct *work)
{
	struct iscsi_conn *conn = container_of(work, struct iscsi_conn,
					       recvwork);
	struct ix_conn *ixc = ix_conn(conn);
	struct sock *sk;

	mutex_lock(&ixc->sock_lock);
	if (!ixc->sock) {
		mutex_unlock(&ixc->sock_lock);
		return;
	}
	sk = ixc->sock->sk;
	lock_sock(sk);
	read_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data)
		ix_recv_data(conn, sk);
	read_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	mutex_unlock(&ixc->sock_lock);
}

static void ix_data_ready(struct sock *sk)
{
	struct iscsi_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		ix_recv_data(conn, sk);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ix_state_change(struct sock *sk)
{
	void (*old)(struct sock *sk);
	struct iscsi_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (!conn) {
		read_unlock_bh(&sk->sk_callback_lock);
		return;
	}
	ix_sk_state_check(sk);
	old = ix_conn(conn)->old_state_change;
	read_unlock_bh(&sk->sk_callback_lock);
	old(sk);
}

static void ix_write_space(struct sock *sk)
{
	void (*old)(struct sock *sk);
	struct iscsi_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (!conn) {
		read_unlock_bh(&sk->sk_callback_lock);
		return;
	}
	old = ix_conn(conn)->old_write_space;
	read_unlock_bh(&sk->sk_callback_lock);
	old(sk);
	iscsi_conn_queue_xmit(conn);
}

/**
 * ix_set_callbacks() - make the socket's events drive the connection
 * @ixc: the connection, bound to &ix_conn.sock
 *
 * The socket's own callbacks are kept, for ix_restore_callbacks().
 */
void ix_set_callbacks(struct ix_conn *ixc)
{
	struct sock *sk = ixc->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = ixc->iconn;
	ixc->old_data_ready = sk->sk_data_ready;
	ixc->old_state_change = sk->sk_state_change;
	ixc->old_write_space = sk->sk_write_space;
	sk->sk_data_ready = ix_data_ready;
	sk->sk_state_change = ix_state_change;
	sk->sk_write_space = ix_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * ix_restore_callbacks() - give the socket its own callbacks back
 * @ixc: the connection, bound to &ix_conn.sock
 *
 * A callback of ours that runs after this finds no connection and
 * returns.
 */
void ix_restore_callbacks(struct ix_conn *ixc)
{
	struct sock *sk = ixc->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = ixc->old_data_ready;
	sk->sk_state_change = ixc->old_state_change;
	sk->sk_write_space = ixc->old_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
}
