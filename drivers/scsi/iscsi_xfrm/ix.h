/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_xfrm: state shared by the transport's files.
 */
#ifndef _ISCSI_XFRM_IX_H
#define _ISCSI_XFRM_IX_H

#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <scsi/libiscsi_tcp.h>
#include <net/xfrm_guard.h>

#include "digest.h"

struct socket;
struct sock;
struct ahash_request;

/**
 * struct ix_conn - one iSCSI connection of ours
 * @iconn: libiscsi's connection, whose dd_data (through libiscsi_tcp's
 *	struct iscsi_tcp_conn) points back here.
 * @sock_lock: serialises @sock and @guard against readers outside the data
 *	path (get_param, get_stats, set_param, @refuse_work) and against
 *	bind/release.
 * @sock: the socket iscsid handed over at bind; NULL when not bound.
 * @guard: the socket's guard connection; NULL when not bound. The data
 *	path reads it without @sock_lock: it only runs between bind and
 *	release, which suspend it first.
 * @id: unique number of this connection, for the CHAP challenge table.
 * @out: the PDU being sent: header (with its digest), data, data digest.
 *	Only libiscsi's transmit worker touches it.
 * @out_data: the data part of @out, installed when the header is sent.
 * @out_dgst: the data digest part of @out.
 * @out_dgst_buf: the data digest's four bytes, wire order.
 * @out_has_data_dgst: the PDU in @out carries a data digest.
 * @rx_hash: crc32c request libiscsi_tcp verifies received digests with,
 *	allocated once per connection.
 * @dg: digest decisions and counters.
 * @old_data_ready: the socket's callback before bind.
 * @old_state_change: the socket's callback before bind.
 * @old_write_space: the socket's callback before bind.
 * @held: transmission holds because the guard reported protection lost
 *	(RFC 3723 3.5); set and cleared by the guard's callbacks.
 * @hold_work: keeps libiscsi's liveness timers from failing the
 *	connection while it holds; see ix_hold_work().
 * @hold_reason: why protection was lost, for the log.
 * @holds: how many times transmission held.
 * @held_pdus: transmit attempts refused while holding.
 * @refused: the guard refused this connection at bind, or the login shim
 *	refused it; nothing more is sent or received.
 * @refuse_work: reports a refusal made in the receive path, which cannot
 *	sleep, to the guard; see ix_refuse_rx().
 * @rx_refusal: the reason @refuse_work reports.
 * @reject_work: gives iscsid @reject; see ix_refuse_login().
 * @reject: the Login Response that ends a refused first login.
 * @started: the connection has reached full feature phase; a later login
 *	on it is recovery, not a first login.
 * @rx_login: the data segment of the Login Response being received,
 *	%ISCSI_DEF_MAX_RECV_SEG_LEN bytes. It is received here instead of
 *	into libiscsi's conn->data, which iscsid's next Login Request is
 *	copied into, checked, and completed to iscsid from here, so iscsid
 *	gets exactly the bytes that were checked. Only the receive path,
 *	which the socket serialises, touches it.
 * @fatal: a digest failed while IPsec integrity protected the connection
 *	(RFC 3723 3.6.1); the session is not reinstated.
 */
struct ix_conn {
	struct iscsi_conn *iconn;
	struct mutex sock_lock;	/* see @sock_lock above */
	struct socket *sock;
	struct xfrm_guard_conn *guard;
	u64 id;

	struct iscsi_segment out;
	struct iscsi_segment out_data;
	struct iscsi_segment out_dgst;
	__le32 out_dgst_buf;
	bool out_has_data_dgst;

	struct ahash_request *rx_hash;

	struct ix_digest_conn dg;

	void (*old_data_ready)(struct sock *sk);
	void (*old_state_change)(struct sock *sk);
	void (*old_write_space)(struct sock *sk);

	bool held;
	struct delayed_work hold_work;
	enum xfrm_guard_reason hold_reason;
	atomic64_t holds;
	atomic64_t held_pdus;
	bool refused;
	struct work_struct refuse_work;
	const char *rx_refusal;
	struct work_struct reject_work;
	struct iscsi_login_rsp reject;
	bool started;
	char *rx_login;
	bool fatal;
};

/* Header buffer each task carries: BHS, AHS and the header digest. */
struct ix_hdrbuf {
	struct iscsi_hdr bhs;
	char ahs[ISCSI_MAX_AHS_SIZE + ISCSI_DIGEST_SIZE];
};

static inline struct ix_conn *ix_conn(struct iscsi_conn *conn)
{
	struct iscsi_tcp_conn *tcp_conn = conn->dd_data;

	return tcp_conn->dd_data;
}

struct ix_chap_table;

/* transport.c: what the data path shares with connection setup. */
extern struct ix_chap_table *ix_chap;
extern struct workqueue_struct *ix_wq;

/* refuse.c */
void ix_refuse_init(struct ix_conn *ixc);
void ix_refuse(struct ix_conn *ixc, const char *reason);
void ix_refuse_rx(struct ix_conn *ixc, const char *reason);
int ix_refuse_login(struct ix_conn *ixc, const struct iscsi_hdr *req);

/* transport.c: registration of the transport, for main.c. */
int ix_transport_init(void);
void ix_transport_exit(void);

#endif /* _ISCSI_XFRM_IX_H */
