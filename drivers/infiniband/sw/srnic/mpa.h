/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: MPA connection setup (RFC 5044 7.1, RFC 6581): building and
 * checking request, reply and reject frames, and the CRC decision. Pure
 * functions over byte buffers; no locking, callable from any context.
 */
#ifndef _SRNIC_MPA_H
#define _SRNIC_MPA_H

#include <linux/types.h>

#include "proto.h"

/**
 * enum srnic_mpa_err - why a frame was not built or was refused
 *
 * The names (srnic_mpa_err_name()) are what dmesg lines and reject
 * reasons show.
 *
 * @SRNIC_MPA_OK: no fault
 * @SRNIC_MPA_ERR_KEY: the frame does not start with an MPA key
 * @SRNIC_MPA_ERR_KEY_DIR: a request key where a reply was expected, or
 *	the other way round
 * @SRNIC_MPA_ERR_REV: a revision other than 1 or 2
 * @SRNIC_MPA_ERR_REV_ABOVE_REQ: a reply with a higher revision than the
 *	request it answers
 * @SRNIC_MPA_ERR_MARKERS: the peer asks for markers, which srnic does
 *	not send or strip
 * @SRNIC_MPA_ERR_PDATA_LEN: private data over %SRNIC_MPA_MAX_PRIVDATA,
 *	counting the v2 header
 * @SRNIC_MPA_ERR_V2_NOT_ENHANCED: revision 2 without the ENHANCED flag
 * @SRNIC_MPA_ERR_V2_TRUNCATED: ENHANCED, but fewer than four bytes of
 *	private data to hold the v2 header
 * @SRNIC_MPA_ERR_IRD_ORD: an IRD or ORD to send over 14 bits
 * @SRNIC_MPA_ERR_RTR_NONE: peer-to-peer without an RTR type: a request
 *	that offers none, or a reply to a peer-to-peer request that picks
 *	none or drops the peer-to-peer bit
 * @SRNIC_MPA_ERR_RTR_UNKNOWN: RTR type bits without the peer-to-peer
 *	bit, or a local RTR mask with bits outside %SRNIC_MPA_RTR_ALL
 * @SRNIC_MPA_ERR_RTR_MISMATCH: a reply that picks more than one RTR
 *	type, one that was not offered, or any when none was offered
 * @SRNIC_MPA_ERR_CRC_REQUIRED: the local policy requires CRCs and the
 *	reply goes without them
 * @SRNIC_MPA_ERR_CRC_UNWANTED: the local policy refuses CRCs and the
 *	peer asks for them
 * @SRNIC_MPA_ERR_NO_SPACE: the caller's buffer cannot hold the frame
 * @SRNIC_MPA_ERR_NR: number of values
 */
enum srnic_mpa_err {
	SRNIC_MPA_OK,
	SRNIC_MPA_ERR_KEY,
	SRNIC_MPA_ERR_KEY_DIR,
	SRNIC_MPA_ERR_REV,
	SRNIC_MPA_ERR_REV_ABOVE_REQ,
	SRNIC_MPA_ERR_MARKERS,
	SRNIC_MPA_ERR_PDATA_LEN,
	SRNIC_MPA_ERR_V2_NOT_ENHANCED,
	SRNIC_MPA_ERR_V2_TRUNCATED,
	SRNIC_MPA_ERR_IRD_ORD,
	SRNIC_MPA_ERR_RTR_NONE,
	SRNIC_MPA_ERR_RTR_UNKNOWN,
	SRNIC_MPA_ERR_RTR_MISMATCH,
	SRNIC_MPA_ERR_CRC_REQUIRED,
	SRNIC_MPA_ERR_CRC_UNWANTED,
	SRNIC_MPA_ERR_NO_SPACE,
	SRNIC_MPA_ERR_NR
};

/**
 * enum srnic_mpa_dir - which frame of the exchange
 * @SRNIC_MPA_REQ: the initiator's request
 * @SRNIC_MPA_REP: the responder's reply, accepting or rejecting
 */
enum srnic_mpa_dir {
	SRNIC_MPA_REQ,
	SRNIC_MPA_REP,
};

/* RTR message types (RFC 6581), as a mask in &srnic_mpa_params.rtr. */
#define SRNIC_MPA_RTR_WRITE	0x1	/* zero-length RDMA Write */
#define SRNIC_MPA_RTR_READ	0x2	/* zero-length RDMA Read */
#define SRNIC_MPA_RTR_SEND	0x4	/* zero-length Send */
#define SRNIC_MPA_RTR_ALL \
	(SRNIC_MPA_RTR_WRITE | SRNIC_MPA_RTR_READ | SRNIC_MPA_RTR_SEND)

/**
 * struct srnic_mpa_params - what a frame says, apart from private data
 * @rev: %SRNIC_MPA_REV_1 or %SRNIC_MPA_REV_2
 * @crc: the C flag
 * @p2p: revision 2: the peer-to-peer bit
 * @rtr: revision 2: SRNIC_MPA_RTR_* mask; in a request the types the
 *	initiator can send, in a reply the one the responder picked
 * @ird: revision 2: the sender's IRD, 0 to %SRNIC_MPA_V2_COUNT_MASK
 * @ord: revision 2: the sender's ORD, 0 to %SRNIC_MPA_V2_COUNT_MASK
 *
 * Revision 1 frames carry none of @p2p, @rtr, @ird and @ord: they are
 * ignored when building and zero after parsing.
 */
struct srnic_mpa_params {
	u8 rev;
	bool crc;
	bool p2p;
	u8 rtr;
	u16 ird;
	u16 ord;
};

/**
 * struct srnic_mpa_frame - a received frame, as srnic_mpa_parse() read it
 * @p: the fields of the frame
 * @markers: the M flag (only ever set in a reject)
 * @reject: the R flag of a reply
 * @pdata: the consumer's private data, inside the parsed buffer, after
 *	the v2 header if there is one; NULL when @pd_len is 0
 * @pd_len: bytes at @pdata
 * @len: bytes of the whole frame, header and PD_Length; what follows in
 *	the buffer is not part of the frame
 * @need: when srnic_mpa_parse() returned -EAGAIN: at least this many
 *	more bytes are needed before the frame can be whole
 * @err: when srnic_mpa_parse() returned -EPROTO: why
 */
struct srnic_mpa_frame {
	struct srnic_mpa_params p;
	bool markers;
	bool reject;
	const u8 *pdata;
	u16 pd_len;
	u16 len;
	u16 need;
	enum srnic_mpa_err err;
};

/**
 * enum srnic_mpa_crc_policy - what the local end wants of CRCs
 * @SRNIC_MPA_CRC_REQUIRED: send C=1; CRCs are on, and a reply without C
 *	is refused
 * @SRNIC_MPA_CRC_ALLOWED: send C=0; CRCs are on if the peer sets C
 * @SRNIC_MPA_CRC_UNWANTED: send C=0; a peer that sets C is refused
 */
enum srnic_mpa_crc_policy {
	SRNIC_MPA_CRC_REQUIRED,
	SRNIC_MPA_CRC_ALLOWED,
	SRNIC_MPA_CRC_UNWANTED,
};

/* Frames out: into the caller's buffer, %SRNIC_MPA_FRAME_MAX bytes fit all. */
enum srnic_mpa_err srnic_mpa_build_req(const struct srnic_mpa_params *p,
				       const void *pdata, size_t pd_len,
				       void *buf, size_t size, size_t *len);
enum srnic_mpa_err srnic_mpa_build_rep(const struct srnic_mpa_params *p,
				       const void *pdata, size_t pd_len,
				       void *buf, size_t size, size_t *len);
enum srnic_mpa_err srnic_mpa_build_reject(u8 rev, const void *pdata,
					  size_t pd_len, void *buf,
					  size_t size, size_t *len);

/* Frames in: framing and checks on their own, then against the request. */
int srnic_mpa_parse(enum srnic_mpa_dir dir, const void *buf, size_t len,
		    struct srnic_mpa_frame *f);
enum srnic_mpa_err srnic_mpa_check_reply(const struct srnic_mpa_params *req,
					 const struct srnic_mpa_frame *rep);
u8 srnic_mpa_rtr_pick(u8 offered, u8 supported);
u8 srnic_mpa_rtr_usable(u8 types, u16 ord, u16 ird);

/* CRC: the C flag to send first, and what the peer's C flag decides. */
bool srnic_mpa_crc_offer(enum srnic_mpa_crc_policy policy);
enum srnic_mpa_err srnic_mpa_crc_decide(enum srnic_mpa_crc_policy policy,
					enum srnic_mpa_dir peer_dir,
					bool peer_crc, bool *use_crc);

const char *srnic_mpa_err_name(enum srnic_mpa_err err);

#endif /* _SRNIC_MPA_H */
