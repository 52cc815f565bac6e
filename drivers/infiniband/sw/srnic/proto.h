/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: iWARP wire formats. Byte layouts and the constants that name
 * their bits, nothing else: no driver state lives here, and every
 * multi-byte field is big-endian as it is on the wire.
 *
 * MPA: RFC 5044 (connection setup frames, section 7.1; FPDU framing,
 * section 4) and RFC 6581 (enhanced connection setup, revision 2).
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

#endif /* _SRNIC_PROTO_H */
