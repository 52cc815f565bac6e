/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: receiving FPDUs. A streaming MPA/DDP parser that takes the TCP
 * stream in chunks of any size, and the untagged-queue bookkeeping that
 * checks queue number, MSN and message offset. Both are pure: no socket,
 * no QP, no allocation; the caller serialises each instance.
 */
#ifndef _SRNIC_QP_RX_H
#define _SRNIC_QP_RX_H

#include <linux/types.h>

#include "ddp.h"

/*
 * Bytes of a ULPDU the parser keeps: the largest header it must see
 * whole before anything is placed (a Terminate with every quoted header;
 * a Read Request body is shorter). Payload is never kept.
 */
#define SRNIC_RX_HDR_MAX	SRNIC_DDP_TERM_MAX

/* ULPDU_Length is 16 bits: nothing longer can be framed. */
#define SRNIC_RX_ULPDU_MAX	U16_MAX

struct srnic_fpdu_rx;

/**
 * struct srnic_fpdu_rx_ops - what the parser's owner does with a segment
 * @begin: the header is whole and passed srnic_ddp_parse(); decide where
 *	the @rx->seg.pay_len payload bytes go. Return 0 to take them, or
 *	call srnic_fpdu_rx_fail() and return its value to refuse: the
 *	payload is then skipped (still checked against the CRC) and the
 *	refusal reported once the FPDU ended.
 * @data: @len payload bytes at @p, in order, the first at payload offset
 *	@off; 0, or srnic_fpdu_rx_fail()'s value to stop placing
 * @end: the FPDU passed its CRC and every byte was placed: complete what
 *	it completes. 0 goes on with the next FPDU; any other value stops
 *	the parser and srnic_fpdu_rx_feed() returns it (a Terminate
 *	received; or srnic_fpdu_rx_fail()'s value)
 *
 * None of them may sleep: the parser runs in the socket's data-ready
 * path. @ctx is the pointer given to srnic_fpdu_rx_feed().
 */
struct srnic_fpdu_rx_ops {
	int (*begin)(void *ctx, struct srnic_fpdu_rx *rx);
	int (*data)(void *ctx, struct srnic_fpdu_rx *rx, const u8 *p, u32 len,
		    u32 off);
	int (*end)(void *ctx, struct srnic_fpdu_rx *rx);
};

/**
 * enum srnic_fpdu_rx_stage - which field of the FPDU comes next
 * @SRNIC_RX_LEN: MPA's ULPDU_Length
 * @SRNIC_RX_HDR: the DDP/RDMAP header, gathered into &srnic_fpdu_rx.hdr
 * @SRNIC_RX_PAYLOAD: the payload, handed on as it comes
 * @SRNIC_RX_PAD: 0 to 3 pad bytes
 * @SRNIC_RX_CRC: the CRC field
 * @SRNIC_RX_DEAD: a fault was reported; the stream carries nothing more
 */
enum srnic_fpdu_rx_stage {
	SRNIC_RX_LEN,
	SRNIC_RX_HDR,
	SRNIC_RX_PAYLOAD,
	SRNIC_RX_PAD,
	SRNIC_RX_CRC,
	SRNIC_RX_DEAD,
};

/**
 * struct srnic_fpdu_rx - receive state of one stream
 * @crc: CRCs are in use (MPA negotiated them): each one is checked
 * @max_ulpdu: the longest ULPDU accepted, at least a tagged header and at
 *	most %SRNIC_RX_ULPDU_MAX
 * @stage: &enum srnic_fpdu_rx_stage
 * @got: bytes of the current field already taken
 * @ulpdu_len: ULPDU_Length of the FPDU being read
 * @hdr_need: bytes of the ULPDU to gather into @hdr
 * @rest: bytes of the ULPDU after the gathered header still to come
 * @pay_off: payload bytes handed on so far
 * @deliver: the owner took the segment: payload goes to &srnic_fpdu_rx_ops.data
 * @crc_acc: CRC32c of the FPDU so far (register value, not inverted)
 * @len_be: ULPDU_Length as received
 * @crc_in: the CRC field as received
 * @failed: the FPDU was refused; the rest of it is only skipped
 * @fail_term: with @failed: the Terminate that reports it
 * @fail_quote: with @failed: @seg is the segment to quote in it
 * @fail_why: with @failed: a short name for dmesg
 * @seg: the segment being read, as srnic_ddp_parse() read @hdr; its
 *	@ulpdu_len is the real ULPDU_Length, @pay_len the payload's
 * @hdr: the first @hdr_need bytes of the ULPDU
 */
struct srnic_fpdu_rx {
	bool crc;
	u16 max_ulpdu;
	u8 stage;
	u16 got;
	u16 ulpdu_len;
	u16 hdr_need;
	u32 rest;
	u32 pay_off;
	bool deliver;
	u32 crc_acc;
	u8 len_be[SRNIC_MPA_FPDU_HDR_SIZE];
	u8 crc_in[SRNIC_MPA_CRC_SIZE];
	bool failed;
	struct srnic_term_code fail_term;
	bool fail_quote;
	const char *fail_why;
	struct srnic_ddp_seg seg;
	u8 hdr[SRNIC_RX_HDR_MAX];
};

void srnic_fpdu_rx_init(struct srnic_fpdu_rx *rx, bool crc, u16 max_ulpdu);
int srnic_fpdu_rx_feed(struct srnic_fpdu_rx *rx, const u8 *p, size_t len,
		       size_t *used, const struct srnic_fpdu_rx_ops *ops,
		       void *ctx);
int srnic_fpdu_rx_fail(struct srnic_fpdu_rx *rx, struct srnic_term_code term,
		       bool quote, const char *why);

/**
 * struct srnic_rx_uq - one untagged queue's receive position (RFC 5041 5.3)
 * @msn: MSN of the message being received or next to come (starts at 1)
 * @mo: bytes of that message received so far
 * @open: a segment of that message came and its last one did not
 */
struct srnic_rx_uq {
	u32 msn;
	u32 mo;
	bool open;
};

void srnic_rx_uq_init(struct srnic_rx_uq *q);
enum srnic_ddp_err srnic_rx_uq_check(const struct srnic_rx_uq *q,
				     const struct srnic_ddp_seg *s);
void srnic_rx_uq_advance(struct srnic_rx_uq *q, const struct srnic_ddp_seg *s);

#endif /* _SRNIC_QP_RX_H */
