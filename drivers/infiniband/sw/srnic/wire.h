/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the seam between connection management (cm.c, cm_sock.c) and
 * the data path (qp_tx.c, qp_rx.c).
 *
 * The connection manager owns the TCP socket from creation to release:
 * it connects or accepts it, attaches it to the xfrm guard, runs the MPA
 * exchange, and reads exactly the MPA frame and nothing after it. Then it
 * hands the socket to the QP's data path with srnic_wire_start(); from
 * that call until srnic_wire_stop() returns, only the data path sends on
 * the socket or reads from it, and the connection manager keeps the socket
 * (and its guard attachment) alive. The data path asks the connection
 * manager what it cannot decide itself through &struct srnic_wire_ops.
 */
#ifndef _SRNIC_WIRE_H
#define _SRNIC_WIRE_H

#include <linux/types.h>

struct socket;
struct srnic_qp;

/**
 * struct srnic_wire_params - what the MPA exchange settled
 * @crc: every FPDU carries an MPA CRC, and a received one is checked
 * @ird: inbound RDMA Read Requests the peer may have outstanding at us,
 *	exactly as negotiated (one more is a TERMINATE)
 * @ord: outbound RDMA Read Requests we may have outstanding at the peer,
 *	exactly as negotiated
 * @mulpdu: the largest ULPDU (DDP header and payload) of one FPDU we
 *	send; RFC 5044's from the effective MSS unless both ends agreed more
 * @rtr_send: the RTR message (one %SRNIC_MPA_RTR_* bit) this side sends
 *	as its first FPDU, or 0; the initiator of a peer-to-peer exchange
 * @rtr_expect: the RTR message the peer sends as its first FPDU, or 0;
 *	it is consumed without a completion (and a Read answered)
 */
struct srnic_wire_params {
	bool crc;
	u16 ird;
	u16 ord;
	u32 mulpdu;
	u8 rtr_send;
	u8 rtr_expect;
};

/**
 * enum srnic_wire_end - why the data path stopped using the stream
 * @SRNIC_WIRE_END_TERM_SENT: we sent a TERMINATE (the QP is in ERR)
 * @SRNIC_WIRE_END_TERM_RCVD: the peer sent a TERMINATE
 * @SRNIC_WIRE_END_CLOSED: the peer closed or reset the stream
 * @SRNIC_WIRE_END_ERROR: a socket error other than a close
 */
enum srnic_wire_end {
	SRNIC_WIRE_END_TERM_SENT,
	SRNIC_WIRE_END_TERM_RCVD,
	SRNIC_WIRE_END_CLOSED,
	SRNIC_WIRE_END_ERROR,
};

/**
 * struct srnic_wire_ops - what the data path asks of the connection
 * @tx_ok: may bytes go out now? False while the xfrm guard holds the
 *	connection (protection lost); the data path then sends nothing,
 *	keeps its work queued and waits for srnic_wire_hold(qp, false).
 *	Called from the transmit work (process context) with the wire's
 *	spinlock held and BH disabled; must not sleep or take the QP's lock.
 * @ended: the data path has stopped using the stream for @why; called
 *	once, from process context (a work item), with no QP lock held. The
 *	connection manager moves the cm_id on (disconnect or close event) and
 *	later calls srnic_wire_stop().
 */
struct srnic_wire_ops {
	bool (*tx_ok)(void *ctx);
	void (*ended)(void *ctx, enum srnic_wire_end why);
};

/* qp_tx.c, qp_rx.c */
int srnic_wire_start(struct srnic_qp *qp, struct socket *sock,
		     const struct srnic_wire_params *p,
		     const struct srnic_wire_ops *ops, void *ctx);
void srnic_wire_stop(struct srnic_qp *qp);
void srnic_wire_hold(struct srnic_qp *qp, bool hold);
void srnic_wire_kick(struct srnic_qp *qp);
u8 srnic_wire_rtr(struct srnic_qp *qp);
int srnic_wire_crc(struct srnic_qp *qp);

#endif /* _SRNIC_WIRE_H */
