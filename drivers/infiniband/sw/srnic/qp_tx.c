// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the transmit side's pure unit: cutting a message into FPDUs.
 *
 * Each FPDU carries at most MULPDU bytes of ULPDU, so that a peer sized
 * for RFC 5044's default accepts it; the header is built by ddp.c, the
 * CRC covers ULPDU_Length, ULPDU and pad (RFC 5044 4.1) and is computed
 * over the payload where the caller walks it for sending, so the payload
 * is read once.
 */
#include <kunit/visibility.h>
#include <linux/crc32c.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "qp_tx.h"

static u16 srnic_tx_hdr_len(u8 opcode)
{
	if (srnic_ddp_opcode_tagged(opcode))
		return sizeof(struct srnic_ddp_tagged_hdr);
	if (opcode == SRNIC_RDMAP_READ_REQ)
		return sizeof(struct srnic_ddp_untagged_hdr) +
		       sizeof(struct srnic_rdmap_read_req);
	return sizeof(struct srnic_ddp_untagged_hdr);
}

/**
 * srnic_fpdu_tx_init() - start cutting a message
 * @t: the state
 * @h: the message's header (opcode, STag and base offset, or MSN)
 * @len: payload bytes
 * @mulpdu: the largest ULPDU to send; at most ULPDU_Length's 16 bits
 *	are used
 * @crc: compute CRCs
 *
 * Context: any.
 * Return: 0; -EINVAL for a Terminate (srnic_fpdu_tx_whole()), a Read
 * Request with payload, a tagged range past 2^64 or a MULPDU that leaves
 * no room for payload.
 */
int srnic_fpdu_tx_init(struct srnic_fpdu_tx *t, const struct srnic_ddp_hdr *h,
		       u32 len, u32 mulpdu, bool crc)
{
	u16 hl;

	memset(t, 0, sizeof(*t));
	if (h->opcode >= SRNIC_RDMAP_TERMINATE)
		return -EINVAL;
	if (h->opcode == SRNIC_RDMAP_READ_REQ && len)
		return -EINVAL;
	if (srnic_ddp_opcode_tagged(h->opcode) && len &&
	    h->to > U64_MAX - (len - 1))
		return -EINVAL;
	hl = srnic_tx_hdr_len(h->opcode);
	mulpdu = min_t(u32, mulpdu, U16_MAX);
	if (mulpdu <= hl)
		return -EINVAL;
	t->h = *h;
	t->len = len;
	t->max_pay = mulpdu - hl;
	t->crc = crc;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_tx_init);

/**
 * srnic_fpdu_tx_done() - every FPDU of the message was framed
 * @t: the state
 *
 * Context: any.
 * Return: true once the FPDU with L was framed.
 */
bool srnic_fpdu_tx_done(const struct srnic_fpdu_tx *t)
{
	return t->started && t->off == t->len;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_tx_done);

/**
 * srnic_fpdu_tx_next() - frame the message's next FPDU
 * @t: the state
 * @seg: filled in: head bytes, payload range, CRC over the head
 *
 * Tagged FPDUs carry the offset of their first byte, untagged ones their
 * message offset; the last carries L. A zero-length message is one FPDU.
 *
 * Context: any.
 * Return: 0, or -ENODATA once srnic_fpdu_tx_done().
 */
int srnic_fpdu_tx_next(struct srnic_fpdu_tx *t, struct srnic_fpdu_seg *seg)
{
	struct srnic_ddp_hdr h = t->h;
	size_t hl;
	u32 n;

	if (srnic_fpdu_tx_done(t))
		return -ENODATA;
	n = min(t->len - t->off, t->max_pay);
	if (srnic_ddp_opcode_tagged(h.opcode))
		h.to += t->off;
	else
		h.mo = t->off;
	h.last = t->off + n == t->len;
	if (srnic_ddp_build(&h, seg->head + SRNIC_MPA_FPDU_HDR_SIZE,
			    SRNIC_DDP_HDR_MAX, &hl))
		return -EINVAL;
	put_unaligned_be16(hl + n, seg->head);
	seg->head_len = SRNIC_MPA_FPDU_HDR_SIZE + hl;
	seg->pay_off = t->off;
	seg->pay_len = n;
	seg->crc = t->crc ? crc32c(~0U, seg->head, seg->head_len) : 0;
	t->off += n;
	t->started = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_tx_next);

/**
 * srnic_fpdu_tx_crc() - add payload bytes to an FPDU's CRC
 * @t: the state
 * @seg: the FPDU
 * @p: the next payload bytes, in order
 * @len: bytes at @p
 *
 * Context: any.
 */
void srnic_fpdu_tx_crc(const struct srnic_fpdu_tx *t,
		       struct srnic_fpdu_seg *seg, const void *p, size_t len)
{
	if (t->crc)
		seg->crc = crc32c(seg->crc, p, len);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_tx_crc);

/* Pad and CRC field after @ulpdu_len bytes of ULPDU; @reg covers them. */
static size_t srnic_tx_put_tail(u16 ulpdu_len, bool crc, u32 reg, u8 *tail)
{
	static const u8 zero[SRNIC_MPA_FPDU_ALIGN];
	u32 pad = srnic_mpa_fpdu_pad(ulpdu_len);

	memset(tail, 0, pad);
	if (crc) {
		reg = crc32c(reg, zero, pad);
		put_unaligned_le32(~reg, tail + pad);
	} else {
		put_unaligned_le32(0, tail + pad);
	}
	return pad + SRNIC_MPA_CRC_SIZE;
}

/**
 * srnic_fpdu_tx_tail() - the bytes that end an FPDU
 * @t: the state
 * @seg: the FPDU, its whole payload added to its CRC
 * @tail: %SRNIC_TX_TAIL_MAX bytes: pad, then the CRC field
 *
 * Context: any.
 * Return: bytes written at @tail.
 */
size_t srnic_fpdu_tx_tail(const struct srnic_fpdu_tx *t,
			  const struct srnic_fpdu_seg *seg, u8 *tail)
{
	u16 ulpdu_len = get_unaligned_be16(seg->head);

	return srnic_tx_put_tail(ulpdu_len, t->crc, seg->crc, tail);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_tx_tail);

/**
 * srnic_fpdu_tx_whole() - frame a whole small ULPDU as one FPDU
 * @ulpdu: the ULPDU (a Terminate, a Read Request)
 * @len: bytes at @ulpdu
 * @crc: compute the CRC
 * @out: where the FPDU goes
 * @size: bytes at @out
 *
 * Context: any.
 * Return: bytes of the FPDU, or 0 if @size cannot hold it.
 */
size_t srnic_fpdu_tx_whole(const void *ulpdu, u16 len, bool crc, u8 *out,
			   size_t size)
{
	size_t n = SRNIC_MPA_FPDU_HDR_SIZE + len;
	u32 reg = ~0U;

	if (size < n + srnic_mpa_fpdu_pad(len) + SRNIC_MPA_CRC_SIZE)
		return 0;
	put_unaligned_be16(len, out);
	memcpy(out + SRNIC_MPA_FPDU_HDR_SIZE, ulpdu, len);
	if (crc)
		reg = crc32c(reg, out, n);
	return n + srnic_tx_put_tail(len, crc, reg, out + n);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_tx_whole);
