/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the connection manager. cm.c holds the iw_cm ops, cm_cep.c the
 * endpoint and its state machine, cm_sock.c the kernel TCP socket, the
 * xfrm guard attachment and the MPA frames on the socket.
 */
#ifndef _SRNIC_CM_H
#define _SRNIC_CM_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/xfrm_guard.h>
#include <rdma/iw_cm.h>

#include "mpa.h"
#include "objs.h"
#include "wire.h"

/* Bounded wait for TCP and the peer's MPA frame (request or reply). */
#define SRNIC_CM_MPA_TIMEOUT_MS	5000

/**
 * enum srnic_cep_state - where an endpoint is
 * @SRNIC_CEP_IDLE: just allocated
 * @SRNIC_CEP_LISTEN: a listener; accepts TCP connections
 * @SRNIC_CEP_CONNECTING: active: TCP connect in progress
 * @SRNIC_CEP_WAIT_REP: active: MPA request sent, waiting for the reply
 * @SRNIC_CEP_WAIT_REQ: passive: TCP accepted and guarded, waiting for
 *	the MPA request
 * @SRNIC_CEP_REQ_UP: passive: CONNECT_REQUEST delivered, waiting for
 *	iw_accept or iw_reject
 * @SRNIC_CEP_RTS: the QP's data path runs on the stream
 * @SRNIC_CEP_CLOSED: done; holds nothing any more
 * @SRNIC_CEP_NR: number of states
 */
enum srnic_cep_state {
	SRNIC_CEP_IDLE,
	SRNIC_CEP_LISTEN,
	SRNIC_CEP_CONNECTING,
	SRNIC_CEP_WAIT_REP,
	SRNIC_CEP_WAIT_REQ,
	SRNIC_CEP_REQ_UP,
	SRNIC_CEP_RTS,
	SRNIC_CEP_CLOSED,
	SRNIC_CEP_NR
};

/**
 * enum srnic_cep_input - what happened to an endpoint
 * @SRNIC_CEP_IN_TCP_UP: active: the TCP connection is established
 * @SRNIC_CEP_IN_MPA_OK: the peer's MPA frame is whole and acceptable
 * @SRNIC_CEP_IN_MPA_REJECT: active: the reply rejects the connection
 * @SRNIC_CEP_IN_MPA_BAD: the peer's MPA frame is refused
 * @SRNIC_CEP_IN_GUARD_REFUSED: the xfrm guard refused the connection
 * @SRNIC_CEP_IN_TIMEOUT: the bounded wait ran out
 * @SRNIC_CEP_IN_RESET: the peer closed or reset the stream
 * @SRNIC_CEP_IN_ACCEPT: passive: iw_accept
 * @SRNIC_CEP_IN_REJECT: passive: iw_reject
 * @SRNIC_CEP_IN_DOWN: the data path ended, the QP left RTS, or the
 *	consumer is done with the endpoint (destroy)
 * @SRNIC_CEP_IN_NR: number of inputs
 */
enum srnic_cep_input {
	SRNIC_CEP_IN_TCP_UP,
	SRNIC_CEP_IN_MPA_OK,
	SRNIC_CEP_IN_MPA_REJECT,
	SRNIC_CEP_IN_MPA_BAD,
	SRNIC_CEP_IN_GUARD_REFUSED,
	SRNIC_CEP_IN_TIMEOUT,
	SRNIC_CEP_IN_RESET,
	SRNIC_CEP_IN_ACCEPT,
	SRNIC_CEP_IN_REJECT,
	SRNIC_CEP_IN_DOWN,
	SRNIC_CEP_IN_NR
};

/**
 * struct srnic_cep_step - what an input does in a state
 * @next: the state after it
 * @event: the iw_cm event to deliver, or -1 for none
 * @status: the event's status
 */
struct srnic_cep_step {
	enum srnic_cep_state next;
	int event;
	int status;
};

/**
 * struct srnic_cep - one connection endpoint (or a listener)
 * @ref: references: one while the endpoint is open (dropped by its
 *	teardown), one per queued work or armed timeout, one per caller
 *	that looked it up
 * @lock: serialises everything below that is not marked otherwise;
 *	a child's lock nests outside its listener's
 * @state: &enum srnic_cep_state
 * @active: the connecting side
 * @id: index in the device's endpoint table, the provider_data of a
 *	CONNECT_REQUEST (a number, so that a stale one finds nothing)
 * @sdev: the device
 * @cm_id: the iw_cm id the endpoint reports to, with a reference
 * @listener: a passive endpoint not yet claimed by iw_accept or
 *	iw_reject: its listener, with a reference
 * @pending: a listener's children, by @id, until claimed; all are
 *	released on iw_destroy_listen (a CONNECT_REQUEST iw_cm drops when
 *	its listener goes is never answered)
 * @children: a listener's entries in @pending
 * @backlog: a listener's bound on @children: a TCP connection beyond it
 *	is closed as soon as it is accepted
 * @qp_lock: protects @qp for the guard's callbacks; BH disabled
 * @qp: the QP the stream belongs to, from accept or connect
 * @sock: the TCP socket
 * @guard: the xfrm guard's attachment of @sock
 * @crc: the guard's CRC decision
 * @hooked: our socket callbacks are installed
 * @saved_data_ready: the socket's own callbacks, restored before the
 *	data path takes the socket or it is released
 * @saved_state_change: as above
 * @work: runs the endpoint on socket events, timeouts and data path ends
 * @timeout: the bounded wait for TCP and the peer's MPA frame
 * @flags: SRNIC_CEP_F_* bits, set from any context
 * @ird: passive: the peer's ORD (our IRD to allow); active: ours
 * @ord: passive: the peer's IRD; active: ours
 * @req: active: what our MPA request said
 * @out: active: the consumer's private data for the request
 * @out_len: bytes at @out
 * @wp: what MPA settled, for the data path
 * @got: bytes of the peer's MPA frame in @buf
 * @buf: the peer's MPA frame, read up to its end and no further
 * @f: @buf parsed
 */
struct srnic_cep {
	struct kref ref;
	struct mutex lock; /* see above */
	enum srnic_cep_state state;
	bool active;
	u32 id;
	struct srnic_dev *sdev;
	struct iw_cm_id *cm_id;
	struct srnic_cep *listener;
	struct xarray pending;
	atomic_t children;
	int backlog;
	spinlock_t qp_lock; /* qp */
	struct srnic_qp *qp;
	struct socket *sock;
	struct xfrm_guard_conn *guard;
	enum xfrm_guard_crc crc;
	bool hooked;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	struct work_struct work;
	struct delayed_work timeout;
	unsigned long flags;
	u16 ird;
	u16 ord;
	struct srnic_mpa_params req;
	u8 *out;
	u16 out_len;
	struct srnic_wire_params wp;
	u16 got;
	u8 buf[SRNIC_MPA_FRAME_MAX];
	struct srnic_mpa_frame f;
};

#define SRNIC_CEP_F_SOCK	0	/* a socket callback fired */
#define SRNIC_CEP_F_TIMEOUT	1	/* the wait ran out */
#define SRNIC_CEP_F_DOWN	2	/* data path ended or QP left RTS */

#define SRNIC_CEP_NO_EVENT	(-1)	/* &srnic_cep_step.event: none */

/* cm_cep.c */
struct srnic_cep_step srnic_cep_step(enum srnic_cep_state s, bool active,
				     enum srnic_cep_input in);
void srnic_cep_ird_ord(u16 my_ird, u16 my_ord, u16 peer_ird, u16 peer_ord,
		       u16 *ird, u16 *ord);
void srnic_cep_peer_ird_ord(const struct srnic_mpa_params *p, u16 *ird,
			    u16 *ord);
enum srnic_mpa_crc_policy srnic_cep_crc_policy(enum xfrm_guard_crc crc);
u32 srnic_cep_mulpdu(u32 mss);
void srnic_cep_kick(struct srnic_cep *cep);
void srnic_cep_unpend(struct srnic_cep *l, struct srnic_cep *cep);
void srnic_cep_put(struct srnic_cep *cep);
struct srnic_cep *srnic_cep_alloc(struct srnic_dev *sdev, bool active);
struct srnic_cep *srnic_cep_find(struct srnic_dev *sdev,
				 const void *provider_data);
void srnic_cep_arm(struct srnic_cep *cep);
int srnic_cep_qp_link(struct srnic_cep *cep, struct srnic_qp *qp);
void srnic_cep_qp_unlink(struct srnic_cep *cep);
void srnic_cep_close(struct srnic_cep *cep);
void srnic_cep_input(struct srnic_cep *cep, enum srnic_cep_input in);
int srnic_cep_rts(struct srnic_cep *cep);
int srnic_cep_wire(struct srnic_cep *cep);
int srnic_cep_go(struct srnic_cep *cep);
void srnic_cep_log(struct srnic_cep *cep, const char *what,
		   enum srnic_mpa_err err);

/* cm_sock.c */
int srnic_cep_sock_listen(struct srnic_cep *cep, struct sockaddr_storage *a,
			  int backlog);
int srnic_cep_sock_connect(struct srnic_cep *cep, struct sockaddr_storage *l,
			   struct sockaddr_storage *r);
struct socket *srnic_cep_sock_accept(struct srnic_cep *lcep);
void srnic_cep_sock_hook(struct srnic_cep *cep);
void srnic_cep_sock_unhook(struct srnic_cep *cep);
void srnic_cep_sock_release(struct srnic_cep *cep);
int srnic_cep_guard_attach(struct srnic_cep *cep);
void srnic_cep_guard_detach(struct srnic_cep *cep);
int srnic_cep_mpa_read(struct srnic_cep *cep, enum srnic_mpa_dir dir);
int srnic_cep_mpa_send(struct srnic_cep *cep, const void *frame, size_t len);
u32 srnic_cep_sock_mss(struct srnic_cep *cep);
extern const struct srnic_wire_ops srnic_cep_wire_ops;

#endif /* _SRNIC_CM_H */
