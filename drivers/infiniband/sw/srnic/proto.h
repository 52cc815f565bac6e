/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: iWARP wire formats. Byte layouts and the constants that name
 * their bits, nothing else: no driver state lives here, and every
 * multi-byte field is big-endian as it is on the wire.
 *
 * MPA: RFC 5044 (connection setup frames, section 7.1; FPDU framing,
 * section 4) and RFC 6581 (enhanced connection setup, revision 2).
 * DDP: RFC 5041 (headers, section 4; errors, section 7). RDMAP: RFC 5040
 * (headers, section 4; Terminate errors, section 7).
 */
#ifndef _SRNIC_PROTO_H
#define _SRNIC_PROTO_H

#include <linux/build_bug.h>
#include <linux/types.h>

/* MPA connection setup: request and reply frames (RFC 5044 7.1). */

#define SRNIC_MPA_KEY_SIZE	16
/* The keys are exactly 16 characters; the trailing NUL is not sent. */
#define SRNIC_MPA_KEY_REQ	"MPA ID Req Frame"
#define SRNIC_MPA_KEY_REP	"MPA ID Rep Frame"

/* Bits of &srnic_mpa_hdr.flags. */
#define SRNIC_MPA_FLAG_MARKERS	0x80	/* M: the sender wants markers */
#define SRNIC_MPA_FLAG_CRC	0x40	/* C: the sender wants CRCs */
#define SRNIC_MPA_FLAG_REJECT	0x20	/* R: reply only, connection refused */
#define SRNIC_MPA_FLAG_ENHANCED	0x10	/* RFC 6581: v2 header leads pdata */
/* The rest of the byte is reserved: sent as zero, not checked. */

#define SRNIC_MPA_REV_1		1
#define SRNIC_MPA_REV_2		2

/* Private data of one frame, v2 header included (RFC 5044 7.1). */
#define SRNIC_MPA_MAX_PRIVDATA	512

/**
 * struct srnic_mpa_hdr - header of an MPA request or reply frame
 * @key: %SRNIC_MPA_KEY_REQ or %SRNIC_MPA_KEY_REP, not NUL terminated
 * @flags: SRNIC_MPA_FLAG_* bits
 * @rev: MPA revision
 * @pd_len: bytes of private data that follow the header
 */
struct srnic_mpa_hdr {
	u8 key[SRNIC_MPA_KEY_SIZE];
	u8 flags;
	u8 rev;
	__be16 pd_len;
} __packed;

static_assert(sizeof(struct srnic_mpa_hdr) == 20);

/*
 * RFC 6581 enhanced connection setup data: with the ENHANCED flag, the
 * first four bytes of private data are two words, each a 14-bit count
 * under two control bits. In the IRD word: A, peer-to-peer (an RTR
 * message follows the reply), and B, zero-length Send as RTR. In the
 * ORD word: C, zero-length RDMA Write as RTR, and D, zero-length RDMA
 * Read as RTR. Masks are in host order, applied after be16_to_cpu().
 */
#define SRNIC_MPA_V2_P2P	0x8000	/* IRD word, A */
#define SRNIC_MPA_V2_RTR_SEND	0x4000	/* IRD word, B */
#define SRNIC_MPA_V2_RTR_WRITE	0x8000	/* ORD word, C */
#define SRNIC_MPA_V2_RTR_READ	0x4000	/* ORD word, D */
#define SRNIC_MPA_V2_COUNT_MASK	0x3fff

/**
 * struct srnic_mpa_v2_hdr - RFC 6581 data at the start of private data
 * @ird: the sender's inbound RDMA Read queue depth, with A and B
 * @ord: the sender's outbound RDMA Read queue depth, with C and D
 */
struct srnic_mpa_v2_hdr {
	__be16 ird;
	__be16 ord;
} __packed;

static_assert(sizeof(struct srnic_mpa_v2_hdr) == 4);

#define SRNIC_MPA_FRAME_MAX \
	(sizeof(struct srnic_mpa_hdr) + SRNIC_MPA_MAX_PRIVDATA)

/*
 * MPA full operation: an FPDU is ULPDU_Length, the ULPDU, 0 to 3 pad
 * bytes to a multiple of four, then the CRC32c (RFC 5044 4.1). The CRC
 * field is there even when CRCs are not in use. Markers are not part of
 * srnic's FPDUs: srnic refuses connections that ask for them.
 */
#define SRNIC_MPA_FPDU_HDR_SIZE	2	/* __be16 ULPDU_Length */
#define SRNIC_MPA_CRC_SIZE	4	/* __be32 CRC */
#define SRNIC_MPA_FPDU_ALIGN	4
#define SRNIC_MPA_FPDU_OVERHEAD	(SRNIC_MPA_FPDU_HDR_SIZE + SRNIC_MPA_CRC_SIZE)

/**
 * srnic_mpa_fpdu_pad() - pad bytes after a ULPDU of @ulpdu_len bytes
 * @ulpdu_len: the value of ULPDU_Length
 *
 * Return: 0 to 3, so that header, ULPDU and pad end on a 4-byte boundary.
 */
static inline u32 srnic_mpa_fpdu_pad(u32 ulpdu_len)
{
	return -(ulpdu_len + SRNIC_MPA_FPDU_HDR_SIZE) &
	       (SRNIC_MPA_FPDU_ALIGN - 1);
}

/*
 * DDP and RDMAP control (RFC 5041 4.1, RFC 5040 4.1): the first two bytes
 * of every ULPDU. The DDP control byte is T, L, four reserved bits and
 * the DDP version; the RDMAP control byte (DDP's first byte reserved for
 * the ULP) is the RDMAP version, two reserved bits and the opcode.
 */
#define SRNIC_DDP_FLAG_TAGGED	0x80	/* T: placed into a tagged buffer */
#define SRNIC_DDP_FLAG_LAST	0x40	/* L: last segment of a message */
#define SRNIC_DDP_RSVD_MASK	0x3c	/* sent as zero */
#define SRNIC_DDP_DV_MASK	0x03
#define SRNIC_DDP_VERSION	1

#define SRNIC_RDMAP_RV_SHIFT	6
#define SRNIC_RDMAP_RV_MASK	0xc0
#define SRNIC_RDMAP_RSVD_MASK	0x30	/* sent as zero */
#define SRNIC_RDMAP_OPCODE_MASK	0x0f
#define SRNIC_RDMAP_VERSION	1

/**
 * enum srnic_rdmap_opcode - RDMAP message kinds (RFC 5040 4.2)
 * @SRNIC_RDMAP_WRITE: RDMA Write, tagged
 * @SRNIC_RDMAP_READ_REQ: RDMA Read Request, untagged, queue 1
 * @SRNIC_RDMAP_READ_RESP: RDMA Read Response, tagged
 * @SRNIC_RDMAP_SEND: Send, untagged, queue 0
 * @SRNIC_RDMAP_SEND_INV: Send with Invalidate, untagged, queue 0
 * @SRNIC_RDMAP_SEND_SE: Send with Solicited Event, untagged, queue 0
 * @SRNIC_RDMAP_SEND_SE_INV: Send with Solicited Event and Invalidate,
 *	untagged, queue 0
 * @SRNIC_RDMAP_TERMINATE: Terminate, untagged, queue 2
 * @SRNIC_RDMAP_OPCODE_NR: number of opcodes; 8 to 15 are not defined
 */
enum srnic_rdmap_opcode {
	SRNIC_RDMAP_WRITE = 0,
	SRNIC_RDMAP_READ_REQ = 1,
	SRNIC_RDMAP_READ_RESP = 2,
	SRNIC_RDMAP_SEND = 3,
	SRNIC_RDMAP_SEND_INV = 4,
	SRNIC_RDMAP_SEND_SE = 5,
	SRNIC_RDMAP_SEND_SE_INV = 6,
	SRNIC_RDMAP_TERMINATE = 7,
	SRNIC_RDMAP_OPCODE_NR
};

/* Untagged queue numbers RDMAP uses (RFC 5040 5.1). */
#define SRNIC_DDP_QN_SEND	0
#define SRNIC_DDP_QN_READ_REQ	1
#define SRNIC_DDP_QN_TERMINATE	2

/**
 * struct srnic_ddp_ctrl - DDP control byte and RDMAP control byte
 * @ddp: T, L, reserved, DV
 * @rdmap: RV, reserved, opcode
 */
struct srnic_ddp_ctrl {
	u8 ddp;
	u8 rdmap;
} __packed;

static_assert(sizeof(struct srnic_ddp_ctrl) == 2);

/**
 * struct srnic_ddp_tagged_hdr - header of a tagged DDP segment (RFC 5041 4.3)
 * @ctrl: control bytes, T set
 * @stag: the data sink's STag
 * @to: the tagged offset of the segment's first payload byte
 */
struct srnic_ddp_tagged_hdr {
	struct srnic_ddp_ctrl ctrl;
	__be32 stag;
	__be64 to;
} __packed;

static_assert(sizeof(struct srnic_ddp_tagged_hdr) == 14);

/**
 * struct srnic_ddp_untagged_hdr - header of an untagged DDP segment
 *	(RFC 5041 4.4)
 * @ctrl: control bytes, T clear
 * @inval_stag: DDP's second to fifth bytes reserved for the ULP; RDMAP
 *	carries the STag to invalidate in them for Send with Invalidate and
 *	Send with SE and Invalidate, and zero otherwise (RFC 5040 4.1)
 * @qn: queue number
 * @msn: message sequence number, per queue
 * @mo: message offset of the segment's first payload byte
 */
struct srnic_ddp_untagged_hdr {
	struct srnic_ddp_ctrl ctrl;
	__be32 inval_stag;
	__be32 qn;
	__be32 msn;
	__be32 mo;
} __packed;

static_assert(sizeof(struct srnic_ddp_untagged_hdr) == 18);

/**
 * struct srnic_rdmap_read_req - body of an RDMA Read Request (RFC 5040 4.4)
 * @sink_stag: the requester's buffer, where the response is placed
 * @sink_to: tagged offset in @sink_stag
 * @size: RDMA Read message size in bytes
 * @src_stag: the responder's buffer, read from
 * @src_to: tagged offset in @src_stag
 */
struct srnic_rdmap_read_req {
	__be32 sink_stag;
	__be64 sink_to;
	__be32 size;
	__be32 src_stag;
	__be64 src_to;
} __packed;

static_assert(sizeof(struct srnic_rdmap_read_req) == 28);

/*
 * Terminate (RFC 5040 4.8): after the untagged header, the Terminate
 * control word: Layer (4 bits), EType (4 bits), Error Code (8 bits),
 * then Hdrct: M (the DDP Segment Length field is valid), D (the
 * terminated DDP header is included), R (the terminated RDMA header is
 * included), 13 reserved bits. When any Hdrct bit is set, a 16-bit DDP
 * Segment Length follows, then the offending DDP header (14 or 18
 * bytes, by its T bit) if D, then the offending Read Request body if R.
 */
#define SRNIC_TERM_HDRCT_M	0x8000
#define SRNIC_TERM_HDRCT_D	0x4000
#define SRNIC_TERM_HDRCT_R	0x2000
#define SRNIC_TERM_HDRCT_RSVD	0x1fff

/**
 * struct srnic_rdmap_term_hdr - Terminate control word
 * @layer_etype: layer in the high nibble, error type in the low nibble
 * @ecode: error code
 * @hdrct: SRNIC_TERM_HDRCT_* bits
 */
struct srnic_rdmap_term_hdr {
	u8 layer_etype;
	u8 ecode;
	__be16 hdrct;
} __packed;

static_assert(sizeof(struct srnic_rdmap_term_hdr) == 4);

/* Layers that report an error (RFC 5040 7.1). */
#define SRNIC_TERM_LAYER_RDMAP	0x0
#define SRNIC_TERM_LAYER_DDP	0x1
#define SRNIC_TERM_LAYER_LLP	0x2	/* MPA (RFC 5044 8) */

/* RDMAP error types and codes (RFC 5040 7.2). */
#define SRNIC_TERM_RDMAP_CATASTROPHIC		0x0
#define SRNIC_TERM_RDMAP_PROTECTION		0x1
#define SRNIC_TERM_RDMAP_OPERATION		0x2

#define SRNIC_TERM_RDMAP_UNSPECIFIED_CATASTROPHIC	0x00
#define SRNIC_TERM_RDMAP_INVALID_STAG		0x00
#define SRNIC_TERM_RDMAP_BASE_BOUNDS		0x01
#define SRNIC_TERM_RDMAP_ACCESS_RIGHTS		0x02
#define SRNIC_TERM_RDMAP_STAG_NOT_ASSOC		0x03
#define SRNIC_TERM_RDMAP_TO_WRAP		0x04
#define SRNIC_TERM_RDMAP_VERSION		0x05
#define SRNIC_TERM_RDMAP_UNEXPECTED_OPCODE	0x06
#define SRNIC_TERM_RDMAP_CATASTROPHIC_STREAM	0x07
#define SRNIC_TERM_RDMAP_CATASTROPHIC_GLOBAL	0x08
#define SRNIC_TERM_RDMAP_CANNOT_INVALIDATE	0x09
#define SRNIC_TERM_RDMAP_UNSPECIFIED		0xff

/* DDP error types and codes (RFC 5041 7.2). */
#define SRNIC_TERM_DDP_CATASTROPHIC		0x0
#define SRNIC_TERM_DDP_TAGGED			0x1
#define SRNIC_TERM_DDP_UNTAGGED			0x2

#define SRNIC_TERM_DDP_UNSPECIFIED_CATASTROPHIC	0x00
#define SRNIC_TERM_DDP_T_INVALID_STAG		0x00
#define SRNIC_TERM_DDP_T_BASE_BOUNDS		0x01
#define SRNIC_TERM_DDP_T_STAG_NOT_ASSOC		0x02
#define SRNIC_TERM_DDP_T_TO_WRAP		0x03
#define SRNIC_TERM_DDP_T_VERSION		0x04
#define SRNIC_TERM_DDP_U_INVALID_QN		0x01
#define SRNIC_TERM_DDP_U_MSN_NO_BUFFER		0x02
#define SRNIC_TERM_DDP_U_MSN_RANGE		0x03
#define SRNIC_TERM_DDP_U_INVALID_MO		0x04
#define SRNIC_TERM_DDP_U_TOO_LONG		0x05
#define SRNIC_TERM_DDP_U_VERSION		0x06

/**
 * struct srnic_term_code - what a Terminate reports (RFC 5040 7), in the
 *	host's terms: shared by the access check, DDP and the data path
 * @layer: SRNIC_TERM_LAYER_*
 * @etype: error type within @layer
 * @ecode: error code within @etype
 */
struct srnic_term_code {
	u8 layer;
	u8 etype;
	u8 ecode;
};

/* MPA errors (RFC 5044 8, RFC 6581 9): layer LLP, type 0. */
#define SRNIC_TERM_LLP_MPA			0x0

#define SRNIC_TERM_LLP_STREAM_LOST		0x01
#define SRNIC_TERM_LLP_CRC			0x02
#define SRNIC_TERM_LLP_MARKER_MISMATCH		0x03
#define SRNIC_TERM_LLP_BAD_REQ_REP		0x04
#define SRNIC_TERM_LLP_CATASTROPHIC		0x05
#define SRNIC_TERM_LLP_NO_IRD			0x06
#define SRNIC_TERM_LLP_NO_RTR			0x07

#endif /* _SRNIC_PROTO_H */
