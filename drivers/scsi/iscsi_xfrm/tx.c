// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: the transmit path.
 *
 * Every PDU asks xfrm_guard_tx_ok() before each piece goes to the socket.
 * While the guard reports protection lost, transmission holds: the task
 * stays queued, the connection stays up (RFC 3723 3.5), and the guard's
 * protection_restored callback restarts it. Sent digests are computed
 * with crc32c() (digest.c) when a PDU is set up. Login PDUs from iscsid
 * pass the login shim (login.c, chap.c) on their way out.
 *
 * Context: libiscsi's transmit worker, one per connection, which alone
 * touches @out and its parts in struct ix_conn; iscsid's netlink requests
 * for .send_pdu; the guard's callbacks for the hold.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <scsi/iscsi_if.h>
#include <scsi/libiscsi.h>
#include <scsi/libiscsi_tcp.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_transport_iscsi.h>

#include "ix.h"
#include "login.h"
#include "tx.h"

/* --- guard callbacks: hold and resume --------------------------------- */

/**
 * ix_hold_work() - keep libiscsi's liveness clock current while held
 * @work: &ix_conn.hold_work
 *
 * While transmission holds, nothing can answer libiscsi's NOP-Out pings,
 * and its timers would fail the connection within seconds: exactly the
 * teardown RFC 3723 3.5 says not to do. So while held the liveness clock
 * is kept current. The guard's hold_timeout bounds how long a connection
 * may hold: the guard then aborts the socket, which fails the connection.
 * The work runs on ix_wq: the connection's release, on a reclaim-safe
 * workqueue, waits for it.
 */
void ix_hold_work(struct work_struct *work)
{
	struct ix_conn *ixc = container_of(to_delayed_work(work),
					   struct ix_conn, hold_work);
	struct iscsi_conn *conn = ixc->iconn;

	if (!READ_ONCE(ixc->held))
		return;
	WRITE_ONCE(conn->last_recv, jiffies);
	WRITE_ONCE(conn->last_ping, jiffies);
	queue_delayed_work(ix_wq, &ixc->hold_work, HZ);
}

static void ix_protection_lost(void *priv, enum xfrm_guard_reason reason)
{
	struct ix_conn *ixc = priv;

	ixc->hold_reason = reason;
	WRITE_ONCE(ixc->held, true);
	atomic64_inc(&ixc->holds);
	iscsi_conn_printk(KERN_WARNING, ixc->iconn,
			  "IPsec protection lost (%s): transmission holds, connection kept\n",
			  xfrm_guard_reason_name(reason));
	mod_delayed_work(ix_wq, &ixc->hold_work, 0);
}

static void ix_protection_restored(void *priv)
{
	struct ix_conn *ixc = priv;

	WRITE_ONCE(ixc->held, false);
	cancel_delayed_work(&ixc->hold_work);
	iscsi_conn_printk(KERN_INFO, ixc->iconn,
			  "IPsec protection restored: transmission resumes\n");
	iscsi_conn_queue_xmit(ixc->iconn);
}

/* The guard calls these when a bound connection loses or regains protection. */
const struct xfrm_guard_owner_ops ix_guard_ops = {
	.protection_lost = ix_protection_lost,
	.protection_restored = ix_protection_restored,
};

/* --- transmit --------------------------------------------------------- */

/*
 * Send as much of @seg as the socket takes. Returns the bytes sent, 0 when
 * the segment is complete, -ENODATA when the guard holds transmission, or
 * the socket's error.
 */
static int ix_xmit_segment(struct ix_conn *ixc, struct iscsi_segment *seg)
{
	struct iscsi_tcp_conn *tcp_conn = ixc->iconn->dd_data;
	unsigned int sent = 0;
	int r = 0;

	while (!iscsi_tcp_segment_done(tcp_conn, seg, 0, r)) {
		struct msghdr msg = {};
		struct bio_vec bv;
		unsigned int off = seg->copied, len = seg->size - seg->copied;

		if (!xfrm_guard_tx_ok(ixc->guard)) {
			atomic64_inc(&ixc->held_pdus);
			iscsi_tcp_segment_unmap(seg);
			return sent ? sent : -ENODATA;
		}
		if (seg->total_copied + seg->size < seg->total_size)
			msg.msg_flags |= MSG_MORE;
		if (seg->data) {
			bvec_set_virt(&bv, seg->data + off, len);
		} else {
			struct scatterlist *sg = seg->sg;

			/* Zero copy unless a digest vouches for the bytes. */
			if (!ixc->out_has_data_dgst)
				msg.msg_flags |= MSG_SPLICE_PAGES;
			bvec_set_page(&bv, sg_page(sg), len,
				      off + seg->sg_offset + sg->offset);
		}
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bv, 1, len);
		r = sock_sendmsg(ixc->sock, &msg);
		if (r < 0) {
			iscsi_tcp_segment_unmap(seg);
			return r;
		}
		sent += r;
	}
	return sent;
}

/* Header sent: the data follows, or the PDU is done. */
static int ix_hdr_sent(struct iscsi_tcp_conn *tcp_conn,
		       struct iscsi_segment *seg)
{
	struct ix_conn *ixc = tcp_conn->dd_data;

	ixc->out = ixc->out_data;
	return 0;
}

/* Data (and pad) sent: its digest follows. */
static int ix_data_sent(struct iscsi_tcp_conn *tcp_conn,
			struct iscsi_segment *seg)
{
	struct ix_conn *ixc = tcp_conn->dd_data;

	if (ixc->out_has_data_dgst) {
		ixc->out_has_data_dgst = false;
		ixc->out = ixc->out_dgst;
	}
	return 0;
}

static bool ix_out_pending(struct ix_conn *ixc)
{
	return ixc->out.total_copied < ixc->out.total_size;
}

/**
 * ix_xmit_pdu() - send what the socket takes of the PDU being sent
 * @task: the task whose PDU ix_init_pdu() set up
 *
 * Every piece asks the guard first: while it holds, nothing is sent and
 * the PDU stays where it is, for libiscsi to retry.
 *
 * Context: libiscsi's transmit worker.
 * Return: 0 when the PDU is sent, -EAGAIN or -ENODATA (held) when libiscsi
 * is to retry it, -EACCES on a refused connection, -EINVAL when not
 * bound, or -EIO when the connection failed.
 */
int ix_xmit_pdu(struct iscsi_task *task)
{
	struct iscsi_conn *conn = task->conn;
	struct ix_conn *ixc = ix_conn(conn);
	unsigned int noreclaim;
	int rc = 0;

	if (!ixc->sock) {
		iscsi_conn_printk(KERN_ERR, conn, "not bound to a socket\n");
		return -EINVAL;
	}
	if (READ_ONCE(ixc->refused))
		return -EACCES;

	noreclaim = memalloc_noreclaim_save();
	while (ix_out_pending(ixc)) {
		rc = ix_xmit_segment(ixc, &ixc->out);
		if (rc == -ENODATA || rc == -EAGAIN)
			break;
		if (rc < 0) {
			iscsi_conn_failure(conn, ISCSI_ERR_XMIT_FAILED);
			rc = -EIO;
			break;
		}
		conn->txdata_octets += rc;
		if (!ix_out_pending(ixc) && ixc->out.done) {
			rc = ixc->out.done(conn->dd_data, &ixc->out);
			if (rc) {
				iscsi_conn_failure(conn, rc);
				rc = -EIO;
				break;
			}
		} else if (!rc) {
			rc = -EAGAIN;
			break;
		}
		rc = 0;
	}
	memalloc_noreclaim_restore(noreclaim);
	return rc;
}

/**
 * ix_init_pdu() - set up a PDU to send: header, data and their digests
 * @task: the task; its header is in task->hdr
 * @offset: where the data starts in the command's buffer
 * @count: bytes of data, 0 for none
 *
 * Digests are computed here, before a byte is sent.
 *
 * Context: libiscsi's transmit worker.
 * Return: 0, or -EIO when the data cannot be mapped or digested.
 */
int ix_init_pdu(struct iscsi_task *task, unsigned int offset,
		unsigned int count)
{
	struct iscsi_conn *conn = task->conn;
	struct ix_conn *ixc = ix_conn(conn);
	unsigned int hdrlen = task->hdr_len;
	u8 *hdr = (u8 *)task->hdr;
	int err;

	memset(&ixc->out_data, 0, sizeof(ixc->out_data));
	ixc->out_has_data_dgst = false;

	if (conn->hdrdgst_en) {
		__le32 d;

		err = ix_digest_header(&ixc->dg, IX_DIGEST_TX, hdr, hdrlen,
				       &d);
		if (err)
			return -EIO;
		memcpy(hdr + hdrlen, &d, ISCSI_DIGEST_SIZE);
		hdrlen += ISCSI_DIGEST_SIZE;
	} else {
		ix_digest_skip(&ixc->dg, IX_DIGEST_TX, IX_DIGEST_HEADER);
	}
	iscsi_segment_init_linear(&ixc->out, hdr, hdrlen, ix_hdr_sent, NULL);
	if (!count)
		return 0;

	if (task->sc) {
		struct scsi_data_buffer *sdb = &task->sc->sdb;

		err = iscsi_segment_seek_sg(&ixc->out_data, sdb->table.sgl,
					    sdb->table.nents, offset, count,
					    ix_data_sent, NULL);
		if (err)
			return -EIO;
		if (conn->datadgst_en &&
		    ix_digest_data_sg(&ixc->dg, IX_DIGEST_TX, sdb->table.sgl,
				      offset, count, &ixc->out_dgst_buf))
			return -EIO;
	} else {
		iscsi_segment_init_linear(&ixc->out_data, task->data, count,
					  ix_data_sent, NULL);
		if (conn->datadgst_en) {
			struct ix_crc c;

			ix_crc_init(&c);
			ix_crc_update(&c, task->data, count);
			ixc->out_dgst_buf = ix_digest_data_final(&ixc->dg,
								 IX_DIGEST_TX,
								 &c);
		}
	}
	if (conn->datadgst_en) {
		ixc->out_has_data_dgst = true;
		iscsi_segment_init_linear(&ixc->out_dgst, &ixc->out_dgst_buf,
					  ISCSI_DIGEST_SIZE, NULL, NULL);
	} else {
		ix_digest_skip(&ixc->dg, IX_DIGEST_TX, IX_DIGEST_DATA);
	}
	return 0;
}

/**
 * ix_alloc_pdu() - give a task its header buffer
 * @task: the task; struct ix_hdrbuf follows its struct iscsi_tcp_task
 * @opcode: the PDU's opcode (unused: every header fits the buffer)
 *
 * Return: 0.
 */
int ix_alloc_pdu(struct iscsi_task *task, u8 opcode)
{
	struct iscsi_tcp_task *tcp_task = task->dd_data;

	task->hdr = task->dd_data + sizeof(*tcp_task);
	task->hdr_max = sizeof(struct ix_hdrbuf) - ISCSI_DIGEST_SIZE;
	return 0;
}

/* --- login shim ------------------------------------------------------- */

/*
 * What iscsid sends during login passes here first. The text is copied to
 * a buffer of our own: a digest offer may grow ("None" -> "CRC32C") and
 * the netlink message holding iscsid's copy has no room to spare.
 */
static int ix_send_login(struct ix_conn *ixc, struct iscsi_hdr *hdr,
			 char *data, u32 size)
{
	struct iscsi_cls_conn *cls_conn = ixc->iconn->cls_conn;
	const size_t cap = ISCSI_DEF_MAX_RECV_SEG_LEN;
	struct xfrm_guard_status st;
	const char *reason = NULL;
	char *buf;
	int len, err;

	if (size > cap)
		return -EINVAL;
	xfrm_guard_get_status(ixc->guard, &st);
	buf = kmalloc(cap, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, size);
	/* iscsid includes the pad; libiscsi adds it again on the wire. */
	size = ix_login_trim_pad(buf, size);

	len = ix_login_digest_rewrite(buf, size, cap, st.crc);
	if (len < 0) {
		/* -EACCES: crc=always, and the offer allows only None. */
		err = len;
		reason = len == -EACCES ? IX_REASON_CRC_REQUIRED :
					  IX_REASON_MALFORMED;
		goto refuse;
	}
	if (len != size)
		iscsi_conn_printk(KERN_INFO, ixc->iconn,
				  "digest offer follows the CRC decision (%s)\n",
				  xfrm_guard_crc_name(st.crc));
	err = ix_login_chap_confidentiality(buf, len,
					    st.chap_requires_confidentiality,
					    st.confidential, &reason);
	if (err)
		goto refuse;
	err = ix_login_chap_tx(ix_chap, ixc->id, buf, len, jiffies, &reason);
	if (err)
		goto refuse;

	hton24(hdr->dlength, len);
	err = iscsi_conn_send_pdu(cls_conn, hdr, buf, len);
	kfree(buf);
	return err;

refuse:
	kfree(buf);
	ix_refuse(ixc, reason ? reason : IX_REASON_MALFORMED);
	return ix_refuse_login(ixc, hdr);
}

/**
 * ix_send_pdu() - send a PDU iscsid built; Login PDUs go through the shim
 * @cls_conn: the connection
 * @hdr: the PDU's header
 * @data: its data segment
 * @size: bytes in @data
 *
 * Nothing is sent on a refused connection. A Login Request there, or one
 * the shim refuses, is answered locally (ix_refuse_login()).
 *
 * Context: process (iscsid's netlink request); may sleep.
 * Return: 0, -ENOTCONN when not bound, -EACCES when a PDU other than a
 * Login Request is refused, -EINVAL for login text over
 * %ISCSI_DEF_MAX_RECV_SEG_LEN bytes, -ENOMEM, or libiscsi's error.
 */
int ix_send_pdu(struct iscsi_cls_conn *cls_conn, struct iscsi_hdr *hdr,
		char *data, u32 size)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	bool login = (hdr->opcode & ISCSI_OPCODE_MASK) == ISCSI_OP_LOGIN;

	if (!ixc->sock)
		return -ENOTCONN;
	if (READ_ONCE(ixc->refused))
		return login ? ix_refuse_login(ixc, hdr) : -EACCES;
	if (login)
		return ix_send_login(ixc, hdr, data, size);
	return iscsi_conn_send_pdu(cls_conn, hdr, data, size);
}
