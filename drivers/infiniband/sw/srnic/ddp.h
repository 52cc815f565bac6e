/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: DDP and RDMAP headers (RFC 5041, RFC 5040): checking a received
 * ULPDU, building headers and Terminate messages, Read Response bounds
 * and RDMA Read credits. Pure functions over byte buffers; no locking,
 * callable from any context.
 */
#ifndef _SRNIC_DDP_H
#define _SRNIC_DDP_H

#include <linux/types.h>

#include "proto.h"

/**
 * enum srnic_ddp_err - why a segment was refused or a header not built
 *
 * The names (srnic_ddp_err_name()) are what dmesg lines show;
 * srnic_ddp_err_term() gives the Terminate error each one is sent as.
 *
 * @SRNIC_DDP_OK: no fault
 * @SRNIC_DDP_ERR_SHORT: the ULPDU is shorter than the header its control
 *	bytes announce
 * @SRNIC_DDP_ERR_DDP_VERSION: a DDP version other than 1
 * @SRNIC_DDP_ERR_DDP_RSVD: reserved bits set in the DDP control byte
 * @SRNIC_DDP_ERR_RDMAP_VERSION: an RDMAP version other than 1
 * @SRNIC_DDP_ERR_RDMAP_RSVD: reserved bits set in the RDMAP control byte
 * @SRNIC_DDP_ERR_OPCODE: an opcode RFC 5040 does not define (8 to 15)
 * @SRNIC_DDP_ERR_MODEL: the T bit does not match the opcode (Write and
 *	Read Response are tagged, the rest untagged)
 * @SRNIC_DDP_ERR_QN: an untagged segment on the wrong queue for its opcode
 * @SRNIC_DDP_ERR_MO: a single-segment message (Read Request, Terminate)
 *	at a message offset other than 0
 * @SRNIC_DDP_ERR_NOT_LAST: a Read Request or Terminate without L
 * @SRNIC_DDP_ERR_READ_REQ_LEN: bytes after the body of a Read Request
 * @SRNIC_DDP_ERR_READ_REQ_WRAP: a Read Request whose sink or source range
 *	runs past 2^64
 * @SRNIC_DDP_ERR_TERM_FORMAT: a Terminate whose Hdrct bits announce
 *	headers it does not carry (or R without D), or with reserved Hdrct
 *	bits set; when building, a layer or type that does not fit 4 bits
 * @SRNIC_DDP_ERR_RRESP_STAG: a Read Response to an STag other than the
 *	sink of the outstanding Read
 * @SRNIC_DDP_ERR_RRESP_WRAP: a Read Response segment that runs past 2^64
 * @SRNIC_DDP_ERR_RRESP_BOUNDS: a Read Response segment outside the range
 *	the Read asked for
 * @SRNIC_DDP_ERR_RRESP_LAST: L on a segment that does not end the range,
 *	or none on the one that does
 * @SRNIC_DDP_ERR_IRD: a Read Request beyond the negotiated IRD
 * @SRNIC_DDP_ERR_NO_SPACE: the caller's buffer cannot hold the header
 * @SRNIC_DDP_ERR_MSN_RANGE: an untagged segment of a message other than
 *	the one its queue receives
 * @SRNIC_DDP_ERR_MSN_NO_BUFFER: an untagged message with no receive
 *	buffer posted for it
 * @SRNIC_DDP_ERR_UNTAGGED_MO: an untagged segment whose message offset
 *	is not where the message's bytes so far end
 * @SRNIC_DDP_ERR_TOO_LONG: an untagged message longer than its buffer
 * @SRNIC_DDP_ERR_NR: number of values
 */
enum srnic_ddp_err {
	SRNIC_DDP_OK,
	SRNIC_DDP_ERR_SHORT,
	SRNIC_DDP_ERR_DDP_VERSION,
	SRNIC_DDP_ERR_DDP_RSVD,
	SRNIC_DDP_ERR_RDMAP_VERSION,
	SRNIC_DDP_ERR_RDMAP_RSVD,
	SRNIC_DDP_ERR_OPCODE,
	SRNIC_DDP_ERR_MODEL,
	SRNIC_DDP_ERR_QN,
	SRNIC_DDP_ERR_MO,
	SRNIC_DDP_ERR_NOT_LAST,
	SRNIC_DDP_ERR_READ_REQ_LEN,
	SRNIC_DDP_ERR_READ_REQ_WRAP,
	SRNIC_DDP_ERR_TERM_FORMAT,
	SRNIC_DDP_ERR_RRESP_STAG,
	SRNIC_DDP_ERR_RRESP_WRAP,
	SRNIC_DDP_ERR_RRESP_BOUNDS,
	SRNIC_DDP_ERR_RRESP_LAST,
	SRNIC_DDP_ERR_IRD,
	SRNIC_DDP_ERR_NO_SPACE,
	SRNIC_DDP_ERR_MSN_RANGE,
	SRNIC_DDP_ERR_MSN_NO_BUFFER,
	SRNIC_DDP_ERR_UNTAGGED_MO,
	SRNIC_DDP_ERR_TOO_LONG,
	SRNIC_DDP_ERR_NR
};

/**
 * struct srnic_rdmap_rreq - an RDMA Read Request body in host order
 * @sink_stag: the requester's STag
 * @sink_to: tagged offset in @sink_stag
 * @size: bytes to read
 * @src_stag: the responder's STag
 * @src_to: tagged offset in @src_stag
 */
struct srnic_rdmap_rreq {
	u32 sink_stag;
	u64 sink_to;
	u32 size;
	u32 src_stag;
	u64 src_to;
};

/**
 * struct srnic_ddp_hdr - a DDP/RDMAP header in host order
 * @opcode: enum srnic_rdmap_opcode
 * @last: the L bit
 * @stag: tagged: the sink STag; Send with Invalidate: the STag to
 *	invalidate; otherwise 0
 * @to: tagged: the tagged offset
 * @qn: untagged: the queue number (built from @opcode, not from here)
 * @msn: untagged: the message sequence number
 * @mo: untagged: the message offset
 * @rreq: Read Request: the body
 */
struct srnic_ddp_hdr {
	u8 opcode;
	bool last;
	u32 stag;
	u64 to;
	u32 qn;
	u32 msn;
	u32 mo;
	struct srnic_rdmap_rreq rreq;
};

/**
 * struct srnic_rdmap_term - a received Terminate's own fields
 * @code: layer, type and code
 * @hdrct: SRNIC_TERM_HDRCT_* bits as received
 * @seg_len: with M: the length of the terminated DDP segment
 * @ddp_hdr: with D: the terminated DDP header, inside the parsed buffer
 * @ddp_hdr_len: bytes at @ddp_hdr (14 or 18), 0 without D
 * @rdma_hdr: with R: the terminated Read Request body (28 bytes)
 */
struct srnic_rdmap_term {
	struct srnic_term_code code;
	u16 hdrct;
	u16 seg_len;
	const u8 *ddp_hdr;
	u8 ddp_hdr_len;
	const u8 *rdma_hdr;
};

/**
 * struct srnic_ddp_seg - a received ULPDU, as srnic_ddp_parse() read it
 * @h: the header fields
 * @tagged: the T bit, valid as soon as the ULPDU has a byte
 * @ulpdu: the ULPDU as given, for a Terminate to quote
 * @ulpdu_len: bytes at @ulpdu
 * @hdr_len: bytes of DDP and RDMAP headers (Read Request body and
 *	Terminate control word included); 0 until the header is whole
 * @payload: the bytes after the headers (for a Terminate: its Segment
 *	Length and quoted headers); NULL when @pay_len is 0
 * @pay_len: bytes at @payload: exactly @ulpdu_len - @hdr_len
 * @term: Terminate: its fields
 */
struct srnic_ddp_seg {
	struct srnic_ddp_hdr h;
	bool tagged;
	const u8 *ulpdu;
	u16 ulpdu_len;
	u16 hdr_len;
	const u8 *payload;
	u16 pay_len;
	struct srnic_rdmap_term term;
};

/**
 * struct srnic_rread - an outstanding RDMA Read, as its requester sent it
 * @stag: the sink STag
 * @to: the sink tagged offset
 * @len: bytes asked for
 */
struct srnic_rread {
	u32 stag;
	u64 to;
	u32 len;
};

/**
 * struct srnic_rd_credits - RDMA Reads in flight against a negotiated
 *	depth (IRD inbound, ORD outbound); the caller serialises access
 * @max: the negotiated depth, exactly as negotiated
 * @used: Reads outstanding
 */
struct srnic_rd_credits {
	u32 max;
	u32 used;
};

/* Largest header srnic builds: untagged header and Read Request body. */
#define SRNIC_DDP_HDR_MAX \
	(sizeof(struct srnic_ddp_untagged_hdr) + \
	 sizeof(struct srnic_rdmap_read_req))
/* Largest Terminate: header, control, Segment Length, quoted headers. */
#define SRNIC_DDP_TERM_MAX \
	(sizeof(struct srnic_ddp_untagged_hdr) + \
	 sizeof(struct srnic_rdmap_term_hdr) + sizeof(__be16) + \
	 SRNIC_DDP_HDR_MAX)

/* Segments in, and the Terminate each refusal is reported as. */
enum srnic_ddp_err srnic_ddp_parse(const void *ulpdu, u16 len,
				   struct srnic_ddp_seg *s);
struct srnic_term_code srnic_ddp_err_term(enum srnic_ddp_err err,
					  bool tagged);

/* Headers out: into the caller's buffer, before the payload. */
enum srnic_ddp_err srnic_ddp_build(const struct srnic_ddp_hdr *h, void *buf,
				   size_t size, size_t *len);
enum srnic_ddp_err srnic_ddp_build_term(struct srnic_term_code code,
					const struct srnic_ddp_seg *bad,
					u32 msn, void *buf, size_t size,
					size_t *len);

/* Read Response placement and RDMA Read credits. */
enum srnic_ddp_err srnic_ddp_rresp_check(const struct srnic_rread *rd,
					 u32 stag, u64 to, u32 len,
					 bool last);
bool srnic_ddp_credit_take(struct srnic_rd_credits *c);
void srnic_ddp_credit_put(struct srnic_rd_credits *c);

bool srnic_ddp_opcode_tagged(u8 opcode);
const char *srnic_ddp_err_name(enum srnic_ddp_err err);

#endif /* _SRNIC_DDP_H */
