/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the data path's state of one connected QP, shared by its three
 * files: qp_wire.c (start, stop, socket callbacks, errors), qp_rx_place.c
 * (what received segments do) and qp_tx_send.c (what goes out).
 */
#ifndef _SRNIC_QP_WIRE_H
#define _SRNIC_QP_WIRE_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "mpa.h"
#include "qp_rx.h"
#include "qp_tx.h"
#include "verbs.h"
#include "wire.h"

/* Receive work done per data-ready call or rx work run, in bytes. */
#define SRNIC_RX_BUDGET		(64 * 1024)

/**
 * struct srnic_orq_ent - one of our RDMA Reads in flight
 * @rd: the sink range it asked for; every Read Response segment is
 *	bounded by it
 * @sq_idx: the READ WR's slot in the SQ
 * @rtr: the zero-length Read we sent as our RTR (RFC 6581): no WR, its
 *	response completes nothing
 */
struct srnic_orq_ent {
	struct srnic_rread rd;
	u32 sq_idx;
	bool rtr;
};

/**
 * struct srnic_irq_ent - a peer's RDMA Read Request, to be answered
 * @rr: the request
 * @mem: the source the access check granted (its access held until the
 *	response is sent), or NULL for a zero-length Read
 */
struct srnic_irq_ent {
	struct srnic_rdmap_rreq rr;
	struct srnic_mem *mem;
};

/**
 * struct srnic_rx_cur - where the segment being received goes
 * @mem: tagged: the sink record the access check granted, held until
 *	the segment ends
 * @addr: tagged: the address of the segment's first byte
 * @rqe: untagged Send: the receive WR the message lands in
 * @have_rqe: @rqe is taken
 * @msg_len: untagged Send: bytes of the message so far
 * @cap: untagged Send: bytes the receive WR's SGEs hold
 */
struct srnic_rx_cur {
	struct srnic_mem *mem;
	u64 addr;
	struct srnic_rqe rqe;
	bool have_rqe;
	u32 msg_len;
	u64 cap;
};

/**
 * struct srnic_wire - a QP's data path on one TCP stream
 * @qp: the QP; it outlives the wire (srnic_wire_stop() before destroy)
 * @sock: the stream; the connection manager keeps it alive
 * @ops: the connection manager's callbacks
 * @ctx: their argument
 * @p: what MPA settled
 * @saved_data_ready: the socket's callbacks before srnic_wire_start()
 * @saved_write_space: as above
 * @saved_state_change: as above
 * @rx: receive parser; under the socket lock (data-ready runs with it
 *	held in softirq, the rx work takes it), which serialises all of
 *	the rx fields below
 * @uq: untagged queues 0 (Send), 1 (Read Request), 2 (Terminate)
 * @cur: the segment being received
 * @rx_budget: bytes left in this receive run
 * @rtr_wait: the peer's RTR message is still to come; until it has,
 *	we send nothing but a Terminate and the response to a Read RTR
 *	(RFC 6581: the responder waits for the RTR). Written by the rx
 *	path, read by the transmit work (READ_ONCE/WRITE_ONCE)
 * @lock: protects the fields from @ird to @ended; BH disabled; nests
 *	inside &srnic_qp.lock and outside &srnic_cq.lock
 * @ird: inbound Reads outstanding (IRD, exact)
 * @ord: outbound Reads outstanding (ORD, exact)
 * @orq: our Reads in flight, oldest first, @ord.max entries
 * @orq_head: oldest entry of @orq
 * @irq: peer's Reads to answer, oldest first, @ird.max entries
 * @irq_head: oldest entry of @irq
 * @irq_count: entries in @irq (not yet answered whole)
 * @term: the Terminate FPDU to send, framed
 * @term_len: bytes at @term; 0 when none is pending
 * @hold: srnic_wire_hold(): send nothing
 * @dead: the stream is done for: nothing more is received or sent,
 *	except a pending Terminate
 * @stopping: srnic_wire_stop() runs; no work is queued any more
 * @ended: &srnic_wire_ops.ended was called or is queued
 * @why: what @end_work reports
 * @tx_work: sends; one at a time, on an unbound workqueue
 * @rx_work: continues receiving after a budget ran out
 * @end_work: calls &srnic_wire_ops.ended in process context
 * @tx: transmit state, only touched by @tx_work: the message being cut
 * @tx_kind: what @tx is: SRNIC_TX_*
 * @tx_sq_idx: with an SQ WR, its slot
 * @tx_wqe: with an SQ WR, a copy taken under the QP's lock
 * @tx_rr: with a Read Response, the request it answers
 * @tx_msn: next MSN to send on queues 0, 1 and 2
 * @rtr_todo: the RTR message still to send
 * @tx_buf: the FPDUs being sent, framed whole: consecutive FPDUs of one
 *	message, handed to TCP in one call (srnic_tx_frame_batch())
 * @tx_cap: bytes @tx_buf holds: at least one FPDU of MULPDU
 * @tx_fpdu_max: the longest FPDU of this stream
 * @tx_len: bytes at @tx_buf
 * @tx_sent: bytes of @tx_buf already taken by TCP
 */
struct srnic_wire {
	struct srnic_qp *qp;
	struct socket *sock;
	const struct srnic_wire_ops *ops;
	void *ctx;
	struct srnic_wire_params p;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);

	struct srnic_fpdu_rx rx;
	struct srnic_rx_uq uq[3];
	struct srnic_rx_cur cur;
	u32 rx_budget;
	bool rtr_wait;

	spinlock_t lock; /* ird .. ended */
	struct srnic_rd_credits ird;
	struct srnic_rd_credits ord;
	struct srnic_orq_ent *orq;
	u32 orq_head;
	struct srnic_irq_ent *irq;
	u32 irq_head;
	u32 irq_count;
	u8 term[SRNIC_TX_TERM_MAX];
	u32 term_len;
	bool hold;
	bool dead;
	bool stopping;
	bool ended;
	enum srnic_wire_end why;

	struct work_struct tx_work;
	struct work_struct rx_work;
	struct work_struct end_work;

	struct srnic_fpdu_tx tx;
	u8 tx_kind;
	u32 tx_sq_idx;
	struct srnic_wqe tx_wqe;
	struct srnic_irq_ent tx_rr;
	u32 tx_msn[3];
	u8 rtr_todo;
	u8 *tx_buf;
	u32 tx_cap;
	u32 tx_fpdu_max;
	u32 tx_len;
	u32 tx_sent;
};

#define SRNIC_TX_NONE	0
#define SRNIC_TX_SQ	1
#define SRNIC_TX_RRESP	2
#define SRNIC_TX_RTR	3
#define SRNIC_TX_TERM	4

/* qp_wire.c */
void srnic_wire_fail(struct srnic_wire *w, struct srnic_term_code code,
		     const struct srnic_ddp_seg *bad, const char *why);
void srnic_wire_end(struct srnic_wire *w, enum srnic_wire_end why);
void srnic_wire_tx_queue(struct srnic_wire *w);

/* qp_rx_place.c */
extern const struct srnic_fpdu_rx_ops srnic_rx_place_ops;
int srnic_rx_actor(read_descriptor_t *rd, struct sk_buff *skb,
		   unsigned int off, size_t len);
void srnic_rx_cur_release(struct srnic_wire *w);

/* qp_tx_send.c */
void srnic_tx_work(struct work_struct *work);
void srnic_tx_release(struct srnic_wire *w);

#endif /* _SRNIC_QP_WIRE_H */
