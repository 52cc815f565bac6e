// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: the iSCSI/TCP initiator transport: sessions, connections,
 * parameters and attributes.
 *
 * open-iscsi drives a kernel transport named "tcp"; this is one, built on
 * libiscsi (sessions, tasks, recovery) and libiscsi_tcp (PDU receive state
 * machine, R2T handling). What it adds to a plain TCP transport:
 *
 *  - bind (here): the socket iscsid connected is put under the xfrm guard
 *    and refused unless the guard finds it protected by IPsec ESP that
 *    meets the namespace's policy; nothing, not even a Login PDU, is sent
 *    before that, and nothing at all on a refused connection, whose login
 *    is answered with a final refusal (ix_refuse_login(), refuse.c).
 *  - transmit (tx.c): every PDU asks xfrm_guard_tx_ok() first. While the
 *    guard reports protection lost, transmission holds (the task stays
 *    queued, the connection stays up, RFC 3723 3.5) and resumes when it
 *    returns.
 *  - login: the shim on .send_pdu (tx.c) makes digest offers follow the
 *    guard's CRC decision, refuses CHAP challenge reflection across
 *    connections and CHAP without confidentiality when policy asks
 *    (RFC 3723 2.4.1). A Login Response is checked in the receive path
 *    (rx.c) before it is completed to iscsid: a reflected challenge never
 *    reaches iscsid. Refusals are reported to the guard from here.
 *  - digests: sent ones are computed with crc32c() (digest.c), received
 *    ones are verified by libiscsi_tcp with the crypto API's crc32c (the
 *    same accelerated code) through one request per connection, set up
 *    here; a digest failure on a connection with IPsec integrity ends the
 *    session instead of entering recovery (RFC 3723 3.6.1, rx.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <scsi/iscsi_if.h>
#include <scsi/libiscsi.h>
#include <scsi/libiscsi_tcp.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_transport_iscsi.h>

#include "ix.h"
#include "login.h"
#include "rx.h"
#include "stats.h"
#include "tx.h"

static unsigned int ix_max_lun = ~0U;
module_param_named(max_lun, ix_max_lun, uint, 0444);
MODULE_PARM_DESC(max_lun, "Highest LUN number scanned (default: all)");

static struct scsi_transport_template *ix_scsi_transport;
static const struct scsi_host_template ix_sht;
static struct iscsi_transport ix_transport;

/* CHAP challenges seen on every connection, for reflection detection. */
struct ix_chap_table *ix_chap;
/*
 * Runs the refusal reports (refuse.c) and ix_hold_work(). WQ_MEM_RECLAIM:
 * ix_release_conn() flushes or cancels them from the transport class's
 * connection cleanup, which runs on a WQ_MEM_RECLAIM workqueue itself.
 */
struct workqueue_struct *ix_wq;
static atomic64_t ix_conn_ids = ATOMIC64_INIT(0);

struct ix_host {
	struct iscsi_session *session;
};

/* --- connections ------------------------------------------------------ */

static struct iscsi_cls_conn *
ix_conn_create(struct iscsi_cls_session *cls_sess, u32 conn_idx)
{
	struct iscsi_cls_conn *cls_conn;
	struct iscsi_tcp_conn *tcp_conn;
	struct crypto_ahash *tfm;
	struct iscsi_conn *conn;
	struct ix_conn *ixc;

	cls_conn = iscsi_tcp_conn_setup(cls_sess, sizeof(*ixc), conn_idx);
	if (!cls_conn)
		return NULL;
	conn = cls_conn->dd_data;
	tcp_conn = conn->dd_data;
	ixc = tcp_conn->dd_data;
	ixc->iconn = conn;
	ixc->id = atomic64_inc_return(&ix_conn_ids);
	mutex_init(&ixc->sock_lock);
	INIT_WORK(&conn->recvwork, ix_recv_work);
	INIT_DELAYED_WORK(&ixc->hold_work, ix_hold_work);
	ix_refuse_init(ixc);
	ix_digest_conn_init(&ixc->dg);

	ixc->rx_login = kmalloc(ISCSI_DEF_MAX_RECV_SEG_LEN, GFP_KERNEL);
	if (!ixc->rx_login)
		goto teardown;

	tfm = crypto_alloc_ahash("crc32c", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm)) {
		iscsi_conn_printk(KERN_ERR, conn,
				  "crc32c unavailable (%ld): cannot verify digests\n",
				  PTR_ERR(tfm));
		goto teardown;
	}
	ixc->rx_hash = ahash_request_alloc(tfm, GFP_KERNEL);
	if (!ixc->rx_hash) {
		crypto_free_ahash(tfm);
		goto teardown;
	}
	ahash_request_set_callback(ixc->rx_hash, 0, NULL, NULL);
	tcp_conn->rx_hash = ixc->rx_hash;
	return cls_conn;

teardown:
	kfree(ixc->rx_login);
	iscsi_tcp_conn_teardown(cls_conn);
	return NULL;
}

/*
 * Give the socket back to iscsid. The transport class never runs this
 * concurrently with bind/start/stop/destroy, but stop then destroy call
 * it twice.
 */
static void ix_release_conn(struct ix_conn *ixc)
{
	struct socket *sock = ixc->sock;
	struct xfrm_guard_conn *guard;

	if (!sock)
		return;
	kernel_sock_shutdown(sock, SHUT_RDWR);
	/* A refused connection was bound without our callbacks. */
	if (ixc->guard) {
		sock_hold(sock->sk);
		ix_restore_callbacks(ixc);
		sock_put(sock->sk);
	}
	iscsi_suspend_rx(ixc->iconn);
	cancel_work_sync(&ixc->reject_work);
	/* The receive path is done: report its refusal while attached. */
	flush_work(&ixc->refuse_work);

	mutex_lock(&ixc->sock_lock);
	guard = ixc->guard;
	ixc->guard = NULL;
	ixc->sock = NULL;
	mutex_unlock(&ixc->sock_lock);

	/* No more guard callbacks after this; then stop their work. */
	if (guard)
		xfrm_guard_detach(guard);
	WRITE_ONCE(ixc->held, false);
	cancel_delayed_work_sync(&ixc->hold_work);
	ix_chap_forget(ix_chap, ixc->id);
	sockfd_put(sock);
}

static void ix_conn_destroy(struct iscsi_cls_conn *cls_conn)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	struct crypto_ahash *tfm = crypto_ahash_reqtfm(ixc->rx_hash);

	ix_release_conn(ixc);
	ahash_request_free(ixc->rx_hash);
	crypto_free_ahash(tfm);
	kfree(ixc->rx_login);
	iscsi_tcp_conn_teardown(cls_conn);
}

static void ix_conn_stop(struct iscsi_cls_conn *cls_conn, int flag)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	struct socket *sock = ixc->sock;

	if (!sock)
		return;
	sock->sk->sk_err = EIO;
	wake_up_interruptible(sk_sleep(sock->sk));
	iscsi_suspend_tx(conn);
	ix_release_conn(ixc);
	iscsi_conn_stop(cls_conn, flag);
}

static int ix_conn_bind(struct iscsi_cls_session *cls_session,
			struct iscsi_cls_conn *cls_conn, u64 transport_eph,
			int is_leading)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	struct xfrm_guard_status st;
	struct xfrm_guard_conn *guard;
	struct sockaddr_storage peer;
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup((int)transport_eph, &err);
	if (!sock) {
		iscsi_conn_printk(KERN_ERR, conn, "no socket for fd %d (%d)\n",
				  (int)transport_eph, err);
		return -EEXIST;
	}
	err = -EINVAL;
	if (!sk_is_tcp(sock->sk))
		goto put;
	if (READ_ONCE(ixc->fatal)) {
		iscsi_conn_printk(KERN_ERR, conn,
				  "not reinstating a connection that failed a digest under IPsec integrity\n");
		err = -EACCES;
		goto put;
	}
	if (kernel_getpeername(sock, (struct sockaddr *)&peer) < 0)
		memset(&peer, 0, sizeof(peer));

	/*
	 * The verdict comes before a single byte of iSCSI. A refused
	 * connection is still bound, without our socket callbacks, so that
	 * its login can be answered (ix_refuse_login()) rather than failed
	 * here, which iscsid would retry until its login time runs out.
	 */
	guard = xfrm_guard_attach(sock->sk, XFRM_GUARD_OWNER_ISCSI,
				  &ix_guard_ops, ixc, &st);
	if (IS_ERR(guard)) {
		err = PTR_ERR(guard);
		if (err != -EACCES) {
			iscsi_conn_printk(KERN_ERR, conn,
					  "cannot guard connection to %pISpc (%d)\n",
					  &peer, err);
			goto put;
		}
		iscsi_conn_printk(KERN_WARNING, conn,
				  "refusing connection to %pISpc: %s%s%s\n",
				  &peer, xfrm_guard_reason_name(st.reason),
				  st.alg[0] ? ": " : "", st.alg);
		guard = NULL;
	} else if (!st.enforced || st.reason != XFRM_GUARD_REASON_PROTECTED) {
		iscsi_conn_printk(KERN_WARNING, conn,
				  "connection to %pISpc is not protected (%s); policy lets it through\n",
				  &peer, xfrm_guard_reason_name(st.reason));
	}

	err = iscsi_conn_bind(cls_session, cls_conn, is_leading);
	if (err) {
		if (guard)
			xfrm_guard_detach(guard);
		goto put;
	}

	mutex_lock(&ixc->sock_lock);
	ixc->sock = sock;
	ixc->guard = guard;
	mutex_unlock(&ixc->sock_lock);
	WRITE_ONCE(ixc->refused, !guard);
	WRITE_ONCE(ixc->held, false);
	memset(&ixc->out, 0, sizeof(ixc->out));
	if (!guard)
		return 0;

	sk = sock->sk;
	sk->sk_reuse = SK_CAN_REUSE;
	/* Bounds a blocked send; a hold does not block (it never sends). */
	sk->sk_sndtimeo = 15 * HZ;
	sk->sk_allocation = GFP_ATOMIC;
	sk->sk_use_task_frag = false;
	sk_set_memalloc(sk);
	sock_no_linger(sk);

	ix_set_callbacks(ixc);
	iscsi_tcp_hdr_recv_prep(conn->dd_data);
	return 0;

put:
	sockfd_put(sock);
	return err;
}

static int ix_conn_start(struct iscsi_cls_conn *cls_conn)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	enum xfrm_guard_crc crc;
	int err;

	if (!ixc->guard)
		return -ENOTCONN;
	if (READ_ONCE(ixc->refused))
		return -EACCES;
	crc = xfrm_guard_crc(ixc->guard);
	ix_digest_conn_set(&ixc->dg, conn->hdrdgst_en, conn->datadgst_en, crc);
	iscsi_conn_printk(KERN_INFO, conn,
			  "full feature phase: header digest %s, data digest %s (CRC decision: %s)\n",
			  conn->hdrdgst_en ? "CRC32C" : "None",
			  conn->datadgst_en ? "CRC32C" : "None",
			  xfrm_guard_crc_name(crc));
	err = iscsi_conn_start(cls_conn);
	if (!err)
		WRITE_ONCE(ixc->started, true);
	return err;
}

static int ix_digest_param(struct ix_conn *ixc, char *buf)
{
	const char *reason = NULL;
	int on, err;

	err = kstrtoint(buf, 10, &on);
	if (err)
		return err;
	err = ix_login_digest_check(xfrm_guard_crc(ixc->guard), on, &reason);
	if (err)
		ix_refuse(ixc, reason);
	return err;
}

static int ix_conn_set_param(struct iscsi_cls_conn *cls_conn,
			     enum iscsi_param param, char *buf, int buflen)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	int err;

	switch (param) {
	case ISCSI_PARAM_HDRDGST_EN:
	case ISCSI_PARAM_DATADGST_EN:
		mutex_lock(&ixc->sock_lock);
		if (!ixc->sock) {
			mutex_unlock(&ixc->sock_lock);
			return -ENOTCONN;
		}
		/* A refused connection sends nothing: no rule to apply. */
		err = ixc->guard ? ix_digest_param(ixc, buf) : 0;
		if (!err)
			err = iscsi_set_param(cls_conn, param, buf, buflen);
		mutex_unlock(&ixc->sock_lock);
		return err;
	case ISCSI_PARAM_MAX_R2T:
		return iscsi_tcp_set_max_r2t(conn, buf);
	default:
		return iscsi_set_param(cls_conn, param, buf, buflen);
	}
}

/* The local or peer address of a bound connection's socket. */
static int ix_sock_addr(struct iscsi_conn *conn, bool local,
			struct sockaddr_storage *ss)
{
	struct ix_conn *ixc = ix_conn(conn);
	int rc;

	mutex_lock(&ixc->sock_lock);
	if (!ixc->sock)
		rc = -ENOTCONN;
	else if (local)
		rc = kernel_getsockname(ixc->sock, (struct sockaddr *)ss);
	else
		rc = kernel_getpeername(ixc->sock, (struct sockaddr *)ss);
	mutex_unlock(&ixc->sock_lock);
	return rc < 0 ? rc : 0;
}

/* Pin the session's lead connection, so it outlives a concurrent destroy. */
static struct iscsi_conn *ix_get_leadconn(struct iscsi_session *session)
{
	struct iscsi_conn *conn;

	spin_lock_bh(&session->frwd_lock);
	conn = session->leadconn;
	if (conn)
		iscsi_get_conn(conn->cls_conn);
	spin_unlock_bh(&session->frwd_lock);
	return conn;
}

static int ix_conn_get_param(struct iscsi_cls_conn *cls_conn,
			     enum iscsi_param param, char *buf)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct sockaddr_storage ss;
	struct iscsi_conn *lead;
	int rc;

	switch (param) {
	case ISCSI_PARAM_CONN_PORT:
	case ISCSI_PARAM_CONN_ADDRESS:
	case ISCSI_PARAM_LOCAL_PORT:
		lead = ix_get_leadconn(conn->session);
		if (!lead)
			return -ENOTCONN;
		rc = ix_sock_addr(conn, param == ISCSI_PARAM_LOCAL_PORT, &ss);
		iscsi_put_conn(lead->cls_conn);
		if (rc)
			return rc;
		return iscsi_conn_get_addr_param(&ss, param, buf);
	default:
		return iscsi_conn_get_param(cls_conn, param, buf);
	}
}

static int ix_host_get_param(struct Scsi_Host *shost,
			     enum iscsi_host_param param, char *buf)
{
	struct ix_host *host = iscsi_host_priv(shost);
	struct iscsi_session *session = host->session;
	struct sockaddr_storage ss;
	struct iscsi_conn *conn;
	int rc;

	switch (param) {
	case ISCSI_HOST_PARAM_IPADDRESS:
		if (!session)
			return -ENOTCONN;
		conn = ix_get_leadconn(session);
		if (!conn)
			return -ENOTCONN;
		rc = ix_sock_addr(conn, true, &ss);
		iscsi_put_conn(conn->cls_conn);
		if (rc)
			return rc;
		return iscsi_conn_get_addr_param(&ss, (enum iscsi_param)param,
						 buf);
	default:
		return iscsi_host_get_param(shost, param, buf);
	}
}

static void ix_conn_get_stats(struct iscsi_cls_conn *cls_conn,
			      struct iscsi_stats *stats)
{
	struct iscsi_conn *conn = cls_conn->dd_data;
	struct ix_conn *ixc = ix_conn(conn);
	struct xfrm_guard_status st = {};
	struct ix_digest_stats ds;

	stats->custom_length = 0;
	ix_digest_stats_read(&ixc->dg, &ds);
	ix_stats_add_digest(stats, &ds);
	ix_stats_add(stats, "tx_holds", atomic64_read(&ixc->holds));
	ix_stats_add(stats, "tx_held_attempts", atomic64_read(&ixc->held_pdus));
	mutex_lock(&ixc->sock_lock);
	if (ixc->guard)
		xfrm_guard_get_status(ixc->guard, &st);
	mutex_unlock(&ixc->sock_lock);
	ix_stats_add(stats, "guard_rx_dropped", st.rx_dropped);
	ix_stats_add(stats, "guard_tx_dropped", st.tx_dropped);
	ix_stats_add(stats, "eh_abort_cnt", conn->eh_abort_cnt);
	iscsi_tcp_conn_get_stats(cls_conn, stats);
}

/* --- sessions --------------------------------------------------------- */

static struct iscsi_cls_session *
ix_session_create(struct iscsi_endpoint *ep, u16 cmds_max, u16 qdepth,
		  u32 initial_cmdsn)
{
	struct iscsi_cls_session *cls_session;
	struct Scsi_Host *shost;
	struct ix_host *host;
	int rc;

	if (ep) {
		pr_err("endpoints are not used by this transport\n");
		return NULL;
	}
	shost = iscsi_host_alloc(&ix_sht, sizeof(struct ix_host), 1);
	if (!shost)
		return NULL;
	shost->transportt = ix_scsi_transport;
	shost->cmd_per_lun = qdepth;
	shost->max_lun = ix_max_lun;
	shost->max_id = 0;
	shost->max_channel = 0;
	shost->max_cmd_len = SCSI_MAX_VARLEN_CDB_SIZE;
	shost->dma_alignment = 0;

	rc = iscsi_host_get_max_scsi_cmds(shost, cmds_max);
	if (rc < 0)
		goto free_host;
	shost->can_queue = rc;
	if (iscsi_host_add(shost, NULL))
		goto free_host;

	cls_session = iscsi_session_setup(&ix_transport, shost, cmds_max, 0,
					  sizeof(struct iscsi_tcp_task) +
					  sizeof(struct ix_hdrbuf),
					  initial_cmdsn, 0);
	if (!cls_session)
		goto remove_host;
	if (iscsi_tcp_r2tpool_alloc(cls_session->dd_data))
		goto remove_session;

	host = iscsi_host_priv(shost);
	host->session = cls_session->dd_data;
	return cls_session;

remove_session:
	iscsi_session_teardown(cls_session);
remove_host:
	iscsi_host_remove(shost, false);
free_host:
	iscsi_host_free(shost);
	return NULL;
}

static void ix_session_destroy(struct iscsi_cls_session *cls_session)
{
	struct Scsi_Host *shost = iscsi_session_to_shost(cls_session);
	struct iscsi_session *session = cls_session->dd_data;

	if (WARN_ON_ONCE(session->leadconn))
		return;
	iscsi_session_remove(cls_session);
	/* get_host_param reads the session: take the host out first. */
	iscsi_host_remove(shost, false);
	iscsi_tcp_r2tpool_free(session);
	iscsi_session_free(cls_session);
	iscsi_host_free(shost);
}

static umode_t ix_attr_is_visible(int param_type, int param)
{
	switch (param_type) {
	case ISCSI_HOST_PARAM:
		switch (param) {
		case ISCSI_HOST_PARAM_NETDEV_NAME:
		case ISCSI_HOST_PARAM_HWADDRESS:
		case ISCSI_HOST_PARAM_IPADDRESS:
		case ISCSI_HOST_PARAM_INITIATOR_NAME:
			return 0444;
		default:
			return 0;
		}
	case ISCSI_PARAM:
		switch (param) {
		case ISCSI_PARAM_MAX_RECV_DLENGTH:
		case ISCSI_PARAM_MAX_XMIT_DLENGTH:
		case ISCSI_PARAM_HDRDGST_EN:
		case ISCSI_PARAM_DATADGST_EN:
		case ISCSI_PARAM_CONN_ADDRESS:
		case ISCSI_PARAM_CONN_PORT:
		case ISCSI_PARAM_LOCAL_PORT:
		case ISCSI_PARAM_EXP_STATSN:
		case ISCSI_PARAM_PERSISTENT_ADDRESS:
		case ISCSI_PARAM_PERSISTENT_PORT:
		case ISCSI_PARAM_PING_TMO:
		case ISCSI_PARAM_RECV_TMO:
		case ISCSI_PARAM_INITIAL_R2T_EN:
		case ISCSI_PARAM_MAX_R2T:
		case ISCSI_PARAM_IMM_DATA_EN:
		case ISCSI_PARAM_FIRST_BURST:
		case ISCSI_PARAM_MAX_BURST:
		case ISCSI_PARAM_PDU_INORDER_EN:
		case ISCSI_PARAM_DATASEQ_INORDER_EN:
		case ISCSI_PARAM_ERL:
		case ISCSI_PARAM_TARGET_NAME:
		case ISCSI_PARAM_TPGT:
		case ISCSI_PARAM_USERNAME:
		case ISCSI_PARAM_PASSWORD:
		case ISCSI_PARAM_USERNAME_IN:
		case ISCSI_PARAM_PASSWORD_IN:
		case ISCSI_PARAM_FAST_ABORT:
		case ISCSI_PARAM_ABORT_TMO:
		case ISCSI_PARAM_LU_RESET_TMO:
		case ISCSI_PARAM_TGT_RESET_TMO:
		case ISCSI_PARAM_IFACE_NAME:
		case ISCSI_PARAM_INITIATOR_NAME:
			return 0444;
		default:
			return 0;
		}
	}
	return 0;
}

static int ix_device_configure(struct scsi_device *sdev,
			       struct queue_limits *lim)
{
	struct ix_host *host = iscsi_host_priv(sdev->host);
	struct iscsi_conn *conn = host->session->leadconn;

	/* A data digest is computed before the bytes are copied out. */
	if (conn && conn->datadgst_en)
		lim->features |= BLK_FEAT_STABLE_WRITES;
	return 0;
}

/*
 * A command does not time out while the transport holds by policy: it is
 * not lost, it waits for protection to come back (RFC 3723 3.5). Aborting
 * it would only queue a task management request behind the same hold and
 * end in session recovery. The guard's hold_timeout bounds the wait.
 */
static enum scsi_timeout_action ix_eh_cmd_timed_out(struct scsi_cmnd *sc)
{
	struct ix_host *host = iscsi_host_priv(sc->device->host);
	struct iscsi_session *session = host->session;
	struct iscsi_conn *conn;
	bool held = false;

	spin_lock_bh(&session->frwd_lock);
	conn = session->leadconn;
	if (conn && session->state == ISCSI_STATE_LOGGED_IN)
		held = READ_ONCE(ix_conn(conn)->held);
	spin_unlock_bh(&session->frwd_lock);
	if (held)
		return SCSI_EH_RESET_TIMER;
	return iscsi_eh_cmd_timed_out(sc);
}

static const struct scsi_host_template ix_sht = {
	.module			= THIS_MODULE,
	.name			= "iSCSI Initiator over TCP/IP, IPsec enforced",
	.queuecommand		= iscsi_queuecommand,
	.change_queue_depth	= scsi_change_queue_depth,
	.can_queue		= ISCSI_TOTAL_CMDS_MAX,
	.sg_tablesize		= 4096,
	.max_sectors		= 0xFFFF,
	.cmd_per_lun		= ISCSI_DEF_CMD_PER_LUN,
	.eh_timed_out		= ix_eh_cmd_timed_out,
	.eh_abort_handler	= iscsi_eh_abort,
	.eh_device_reset_handler = iscsi_eh_device_reset,
	.eh_target_reset_handler = iscsi_eh_recover_target,
	.dma_boundary		= PAGE_SIZE - 1,
	.device_configure	= ix_device_configure,
	/*
	 * open-iscsi finds a host's transport from proc_name minus "iscsi_":
	 * this must read "iscsi_tcp" for iscsid to manage our sessions.
	 */
	.proc_name		= "iscsi_tcp",
	.this_id		= -1,
	.track_queue_depth	= 1,
	.cmd_size		= sizeof(struct iscsi_cmd),
};

static struct iscsi_transport ix_transport = {
	.owner			= THIS_MODULE,
	/* open-iscsi's templates only know "tcp" for software iSCSI/TCP. */
	.name			= "tcp",
	.caps			= CAP_RECOVERY_L0 | CAP_MULTI_R2T |
				  CAP_HDRDGST | CAP_DATADGST,
	.create_session		= ix_session_create,
	.destroy_session	= ix_session_destroy,
	.create_conn		= ix_conn_create,
	.bind_conn		= ix_conn_bind,
	.destroy_conn		= ix_conn_destroy,
	.attr_is_visible	= ix_attr_is_visible,
	.set_param		= ix_conn_set_param,
	.get_conn_param		= ix_conn_get_param,
	.get_session_param	= iscsi_session_get_param,
	.start_conn		= ix_conn_start,
	.stop_conn		= ix_conn_stop,
	.get_host_param		= ix_host_get_param,
	.set_host_param		= iscsi_host_set_param,
	.send_pdu		= ix_send_pdu,
	.get_stats		= ix_conn_get_stats,
	.init_task		= iscsi_tcp_task_init,
	.xmit_task		= iscsi_tcp_task_xmit,
	.cleanup_task		= iscsi_tcp_cleanup_task,
	.xmit_pdu		= ix_xmit_pdu,
	.init_pdu		= ix_init_pdu,
	.alloc_pdu		= ix_alloc_pdu,
	.session_recovery_timedout = iscsi_session_recovery_timedout,
};

/**
 * ix_transport_init() - register the "tcp" transport
 *
 * Return: 0, -EINVAL for a bad max_lun, -ENOMEM, or -EBUSY when the
 * transport class refuses a second "tcp".
 */
int ix_transport_init(void)
{
	if (ix_max_lun < 1) {
		pr_err("max_lun must be at least 1, not %u\n", ix_max_lun);
		return -EINVAL;
	}
	ix_chap = ix_chap_table_alloc();
	if (!ix_chap)
		return -ENOMEM;
	ix_wq = alloc_workqueue("iscsi_xfrm", WQ_MEM_RECLAIM, 0);
	if (!ix_wq) {
		ix_chap_table_free(ix_chap);
		return -ENOMEM;
	}
	ix_scsi_transport = iscsi_register_transport(&ix_transport);
	if (!ix_scsi_transport) {
		destroy_workqueue(ix_wq);
		ix_chap_table_free(ix_chap);
		return -EBUSY;
	}
	return 0;
}

/**
 * ix_transport_exit() - unregister the transport
 *
 * The transport class holds a module reference per session, so no session
 * is left when this runs.
 */
void ix_transport_exit(void)
{
	iscsi_unregister_transport(&ix_transport);
	destroy_workqueue(ix_wq);
	ix_chap_table_free(ix_chap);
}
