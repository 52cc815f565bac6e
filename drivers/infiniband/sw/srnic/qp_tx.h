/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: transmit segmentation. One RDMAP message is cut into FPDUs of
 * at most MULPDU bytes of ULPDU each (RFC 5044 4.1, RFC 5041 5): the
 * caller gets each FPDU's head (ULPDU_Length and DDP/RDMAP header) and
 * tail (pad and CRC) here and sends the payload between them from where
 * it lies. Pure: no socket, no QP, no allocation; the caller serialises.
 */
#ifndef _SRNIC_QP_TX_H
#define _SRNIC_QP_TX_H

#include <linux/sizes.h>
#include <linux/types.h>

#include "ddp.h"

/* Bytes before an FPDU's payload, and after it. */
#define SRNIC_TX_HEAD_MAX	(SRNIC_MPA_FPDU_HDR_SIZE + SRNIC_DDP_HDR_MAX)
#define SRNIC_TX_TAIL_MAX	(SRNIC_MPA_FPDU_ALIGN - 1 + SRNIC_MPA_CRC_SIZE)
/* Bytes of the largest whole Terminate FPDU. */
#define SRNIC_TX_TERM_MAX	(SRNIC_MPA_FPDU_HDR_SIZE + SRNIC_DDP_TERM_MAX + \
				 SRNIC_TX_TAIL_MAX)
/*
 * Bytes of consecutive FPDUs the transmit work hands to TCP in one call:
 * what one GSO segment can carry, so a long message leaves in few large
 * segments rather than one segment per FPDU.
 */
#define SRNIC_TX_BATCH		SZ_64K

/**
 * struct srnic_fpdu_tx - one message being cut into FPDUs
 * @h: the message's header: for a tagged message @h.to is where its
 *	first byte goes, for an untagged one @h.mo is 0
 * @len: payload bytes of the message
 * @off: payload bytes already framed
 * @max_pay: payload bytes one FPDU carries at most
 * @crc: FPDUs carry a computed CRC (else the field is zero)
 * @started: the first FPDU was framed (a zero-length message has one)
 */
struct srnic_fpdu_tx {
	struct srnic_ddp_hdr h;
	u32 len;
	u32 off;
	u32 max_pay;
	bool crc;
	bool started;
};

/**
 * struct srnic_fpdu_seg - one FPDU of a message, as srnic_fpdu_tx_next()
 *	framed it
 * @head: ULPDU_Length and the DDP/RDMAP header
 * @head_len: bytes at @head
 * @pay_off: offset of the FPDU's payload in the message
 * @pay_len: payload bytes, sent between @head and the tail
 * @crc: CRC32c register over @head; the payload is added with
 *	srnic_fpdu_tx_crc() before srnic_fpdu_tx_tail()
 */
struct srnic_fpdu_seg {
	u8 head[SRNIC_TX_HEAD_MAX];
	u8 head_len;
	u32 pay_off;
	u32 pay_len;
	u32 crc;
};

int srnic_fpdu_tx_init(struct srnic_fpdu_tx *t, const struct srnic_ddp_hdr *h,
		       u32 len, u32 mulpdu, bool crc);
bool srnic_fpdu_tx_done(const struct srnic_fpdu_tx *t);
int srnic_fpdu_tx_next(struct srnic_fpdu_tx *t, struct srnic_fpdu_seg *seg);
void srnic_fpdu_tx_crc(const struct srnic_fpdu_tx *t,
		       struct srnic_fpdu_seg *seg, const void *p, size_t len);
size_t srnic_fpdu_tx_tail(const struct srnic_fpdu_tx *t,
			  const struct srnic_fpdu_seg *seg, u8 *tail);
size_t srnic_fpdu_tx_whole(const void *ulpdu, u16 len, bool crc, u8 *out,
			   size_t size);

#endif /* _SRNIC_QP_TX_H */
