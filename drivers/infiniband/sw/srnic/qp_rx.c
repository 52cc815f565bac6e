// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the receive side's pure units. srnic_fpdu_rx_feed() frames the
 * TCP stream into FPDUs (RFC 5044 4) one chunk at a time, whatever the
 * chunking: a field may be split at any byte. It keeps only a ULPDU's
 * header; the payload goes straight to its owner, so nothing is allocated
 * and nothing is copied twice. The CRC is computed in the same pass.
 *
 * Every length the peer sends is checked before it is used: ULPDU_Length
 * against the limit before anything is gathered, and the header by
 * srnic_ddp_parse() before the payload length is derived from it, so no
 * subtraction can go below zero (siw's CVE class: a ULPDU_Length shorter
 * than its header). A refused FPDU is still framed to its end, so that a
 * segment damaged in flight is reported as the CRC error it is, not as
 * whatever its damaged header seemed to say.
 */
#include <kunit/visibility.h>
#include <linux/crc32c.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "qp_rx.h"

#define SRNIC_RX_T_LEN		sizeof(struct srnic_ddp_tagged_hdr)
#define SRNIC_RX_U_LEN		sizeof(struct srnic_ddp_untagged_hdr)
#define SRNIC_RX_RREQ_LEN	(SRNIC_RX_U_LEN + \
				 sizeof(struct srnic_rdmap_read_req))

/**
 * srnic_fpdu_rx_init() - start a stream's receive state
 * @rx: the state
 * @crc: MPA negotiated CRCs
 * @max_ulpdu: the longest ULPDU to accept; raised to a tagged header's
 *	length if below it
 *
 * Context: any.
 */
void srnic_fpdu_rx_init(struct srnic_fpdu_rx *rx, bool crc, u16 max_ulpdu)
{
	memset(rx, 0, sizeof(*rx));
	rx->crc = crc;
	rx->max_ulpdu = max_t(u16, max_ulpdu, SRNIC_RX_T_LEN);
	rx->crc_acc = ~0U;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_rx_init);

/**
 * srnic_fpdu_rx_fail() - refuse the FPDU being read
 * @rx: the state
 * @term: the Terminate to report it with
 * @quote: the Terminate quotes @rx->seg (its header is trustworthy enough
 *	to show: not for a CRC or framing error)
 * @why: a short name for dmesg
 *
 * The first refusal of an FPDU is kept; later ones are ignored.
 *
 * Context: any; from the parser's callbacks or the parser itself.
 * Return: -EPROTO, for the callback to return.
 */
int srnic_fpdu_rx_fail(struct srnic_fpdu_rx *rx, struct srnic_term_code term,
		       bool quote, const char *why)
{
	if (!rx->failed) {
		rx->failed = true;
		rx->fail_term = term;
		rx->fail_quote = quote;
		rx->fail_why = why;
	}
	return -EPROTO;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_rx_fail);

static int srnic_rx_fail_ddp(struct srnic_fpdu_rx *rx, enum srnic_ddp_err err)
{
	return srnic_fpdu_rx_fail(rx, srnic_ddp_err_term(err, rx->seg.tagged),
				  true, srnic_ddp_err_name(err));
}

/*
 * How much of a ULPDU to gather before it is parsed, from its control
 * bytes: the header its T bit and opcode announce (a Read Request's body
 * and a Terminate's quoted headers included), but never more than the
 * ULPDU holds: a short one is gathered whole and refused by the parser.
 */
static u16 srnic_rx_hdr_need(const struct srnic_fpdu_rx *rx)
{
	u16 need;

	if (rx->hdr[0] & SRNIC_DDP_FLAG_TAGGED)
		need = SRNIC_RX_T_LEN;
	else if ((rx->hdr[1] & SRNIC_RDMAP_OPCODE_MASK) == SRNIC_RDMAP_READ_REQ)
		need = SRNIC_RX_RREQ_LEN;
	else if ((rx->hdr[1] & SRNIC_RDMAP_OPCODE_MASK) ==
		 SRNIC_RDMAP_TERMINATE)
		need = SRNIC_RX_HDR_MAX;
	else
		need = SRNIC_RX_U_LEN;
	return min(need, rx->ulpdu_len);
}

static void srnic_rx_crc(struct srnic_fpdu_rx *rx, const u8 *p, size_t len)
{
	if (rx->crc)
		rx->crc_acc = crc32c(rx->crc_acc, p, len);
}

/* ULPDU_Length is whole: check it, then gather the control bytes. */
static int srnic_rx_len_done(struct srnic_fpdu_rx *rx)
{
	rx->ulpdu_len = get_unaligned_be16(rx->len_be);
	if (rx->ulpdu_len > rx->max_ulpdu) {
		/* Nothing after it can be trusted to frame. */
		srnic_fpdu_rx_fail(rx, srnic_ddp_err_term(SRNIC_DDP_ERR_SHORT,
							  false),
				   false, "ulpdu_over_limit");
		rx->stage = SRNIC_RX_DEAD;
		return -EPROTO;
	}
	rx->hdr_need = min_t(u16, sizeof(struct srnic_ddp_ctrl),
			     rx->ulpdu_len);
	rx->stage = SRNIC_RX_HDR;
	return 0;
}

/*
 * The header is gathered: parse it, and hand it to the owner if it is
 * good. The parser sees the gathered bytes only; the payload length is
 * the real ULPDU_Length less the header the parser found in them. A
 * Terminate is gathered whole up to the most it can quote; anything
 * after that is framed, not read.
 */
static void srnic_rx_hdr_done(struct srnic_fpdu_rx *rx,
			      const struct srnic_fpdu_rx_ops *ops, void *ctx)
{
	struct srnic_ddp_seg *s = &rx->seg;
	enum srnic_ddp_err err;

	err = srnic_ddp_parse(rx->hdr, rx->hdr_need, s);
	if (!err && s->h.opcode == SRNIC_RDMAP_READ_REQ &&
	    rx->ulpdu_len > rx->hdr_need)
		err = SRNIC_DDP_ERR_READ_REQ_LEN;
	s->ulpdu_len = rx->ulpdu_len;
	rx->rest = rx->ulpdu_len - rx->hdr_need;
	rx->pay_off = 0;
	rx->deliver = false;
	rx->stage = SRNIC_RX_PAYLOAD;
	if (err) {
		srnic_rx_fail_ddp(rx, err);
		return;
	}
	if (s->h.opcode != SRNIC_RDMAP_TERMINATE) {
		s->pay_len = rx->ulpdu_len - s->hdr_len;
		s->payload = NULL;
	}
	if (!ops->begin(ctx, rx))
		rx->deliver = s->h.opcode != SRNIC_RDMAP_TERMINATE;
}

/* Payload bytes: a refused FPDU's are only framed and CRC'd. */
static size_t srnic_rx_payload(struct srnic_fpdu_rx *rx, const u8 *p,
			       size_t len, const struct srnic_fpdu_rx_ops *ops,
			       void *ctx)
{
	size_t n = min_t(size_t, len, rx->rest);

	srnic_rx_crc(rx, p, n);
	if (n && rx->deliver && !rx->failed &&
	    ops->data(ctx, rx, p, n, rx->pay_off))
		rx->deliver = false;
	rx->pay_off += n;
	rx->rest -= n;
	return n;
}

/* The FPDU is framed to its end: report a fault, or complete it. */
static int srnic_rx_fpdu_done(struct srnic_fpdu_rx *rx,
			      const struct srnic_fpdu_rx_ops *ops, void *ctx)
{
	int rv;

	if (rx->crc && get_unaligned_le32(rx->crc_in) != ~rx->crc_acc) {
		/* Whatever else was wrong, the bytes were not the peer's. */
		rx->failed = false;
		srnic_fpdu_rx_fail(rx, (struct srnic_term_code){
					   SRNIC_TERM_LAYER_LLP,
					   SRNIC_TERM_LLP_MPA,
					   SRNIC_TERM_LLP_CRC },
				   false, "mpa_crc");
	}
	if (rx->failed) {
		rx->stage = SRNIC_RX_DEAD;
		return -EPROTO;
	}
	rv = ops->end(ctx, rx);
	if (rx->failed) {
		rx->stage = SRNIC_RX_DEAD;
		return -EPROTO;
	}
	rx->stage = SRNIC_RX_LEN;
	rx->got = 0;
	rx->crc_acc = ~0U;
	return rv;
}

/* Gather up to @want bytes of a field at @dst + @rx->got. */
static size_t srnic_rx_gather(struct srnic_fpdu_rx *rx, u8 *dst, u16 want,
			      const u8 *p, size_t len)
{
	size_t n = min_t(size_t, len, want - rx->got);

	memcpy(dst + rx->got, p, n);
	rx->got += n;
	return n;
}

/* One step: consume what the current field takes of @p. */
static int srnic_rx_step(struct srnic_fpdu_rx *rx, const u8 *p, size_t len,
			 size_t *n, const struct srnic_fpdu_rx_ops *ops,
			 void *ctx)
{
	u16 pad;

	*n = 0;
	switch (rx->stage) {
	case SRNIC_RX_LEN:
		*n = srnic_rx_gather(rx, rx->len_be, sizeof(rx->len_be), p,
				     len);
		srnic_rx_crc(rx, p, *n);
		if (rx->got < sizeof(rx->len_be))
			return 0;
		rx->got = 0;
		return srnic_rx_len_done(rx);
	case SRNIC_RX_HDR:
		*n = srnic_rx_gather(rx, rx->hdr, rx->hdr_need, p, len);
		srnic_rx_crc(rx, p, *n);
		if (rx->got < rx->hdr_need)
			return 0;
		if (rx->hdr_need == sizeof(struct srnic_ddp_ctrl)) {
			u16 need = srnic_rx_hdr_need(rx);

			if (need > rx->hdr_need) {
				rx->hdr_need = need;
				return 0;
			}
		}
		rx->got = 0;
		srnic_rx_hdr_done(rx, ops, ctx);
		return 0;
	case SRNIC_RX_PAYLOAD:
		*n = srnic_rx_payload(rx, p, len, ops, ctx);
		if (rx->rest)
			return 0;
		rx->stage = SRNIC_RX_PAD;
		return 0;
	case SRNIC_RX_PAD:
		pad = srnic_mpa_fpdu_pad(rx->ulpdu_len);
		*n = min_t(size_t, len, pad - rx->got);
		srnic_rx_crc(rx, p, *n);
		rx->got += *n;
		if (rx->got < pad)
			return 0;
		rx->got = 0;
		rx->stage = SRNIC_RX_CRC;
		return 0;
	case SRNIC_RX_CRC:
		*n = srnic_rx_gather(rx, rx->crc_in, sizeof(rx->crc_in), p,
				     len);
		if (rx->got < sizeof(rx->crc_in))
			return 0;
		return srnic_rx_fpdu_done(rx, ops, ctx);
	default:
		return -EPROTO;
	}
}

/**
 * srnic_fpdu_rx_feed() - take the next bytes of the stream
 * @rx: the stream's state
 * @p: the bytes
 * @len: bytes at @p; any number, the stream may be cut anywhere
 * @used: set to the bytes taken; all of them unless an error or a
 *	nonzero &srnic_fpdu_rx_ops.end stopped the parser
 * @ops: the owner's callbacks, called in stream order
 * @ctx: passed to @ops
 *
 * A header is parsed only once it is whole, so a field split across any
 * number of calls is read exactly as if it came in one. The work done is
 * bounded by @len: at most one callback per FPDU boundary, field and
 * payload run within it.
 *
 * Context: any; never sleeps. The caller serialises calls on @rx.
 * Return: 0; -EPROTO once the stream is refused (@rx->fail_term and
 * @rx->seg say how, and every later call returns -EPROTO without taking
 * a byte); or what &srnic_fpdu_rx_ops.end returned.
 */
int srnic_fpdu_rx_feed(struct srnic_fpdu_rx *rx, const u8 *p, size_t len,
		       size_t *used, const struct srnic_fpdu_rx_ops *ops,
		       void *ctx)
{
	size_t done = 0, n;
	int rv = 0;

	if (rx->stage == SRNIC_RX_DEAD)
		rv = -EPROTO;
	while (!rv && done < len) {
		rv = srnic_rx_step(rx, p + done, len - done, &n, ops, ctx);
		done += n;
	}
	*used = done;
	return rv;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_fpdu_rx_feed);

/**
 * srnic_rx_uq_init() - an untagged queue before its first message
 * @q: the queue's position
 *
 * Context: any.
 */
void srnic_rx_uq_init(struct srnic_rx_uq *q)
{
	q->msn = 1;
	q->mo = 0;
	q->open = false;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_rx_uq_init);

/**
 * srnic_rx_uq_check() - may an untagged segment be placed?
 * @q: its queue's position
 * @s: the segment, as srnic_ddp_parse() read it (queue number checked)
 *
 * TCP delivers in order, so every segment belongs to the message the
 * queue receives and starts where that message's bytes so far end: MSN
 * anything else is out of range, and a message offset anything else is
 * invalid, as is one whose payload would run the message past 2^32.
 *
 * Context: any; the caller serialises.
 * Return: %SRNIC_DDP_OK, %SRNIC_DDP_ERR_MSN_RANGE or
 * %SRNIC_DDP_ERR_UNTAGGED_MO.
 */
enum srnic_ddp_err srnic_rx_uq_check(const struct srnic_rx_uq *q,
				     const struct srnic_ddp_seg *s)
{
	if (s->h.msn != q->msn)
		return SRNIC_DDP_ERR_MSN_RANGE;
	if (s->h.mo != q->mo || s->pay_len > U32_MAX - q->mo)
		return SRNIC_DDP_ERR_UNTAGGED_MO;
	return SRNIC_DDP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_rx_uq_check);

/**
 * srnic_rx_uq_advance() - account a segment srnic_rx_uq_check() passed
 * @q: its queue's position
 * @s: the segment
 *
 * Context: any; the caller serialises.
 */
void srnic_rx_uq_advance(struct srnic_rx_uq *q, const struct srnic_ddp_seg *s)
{
	if (s->h.last) {
		q->msn++;
		q->mo = 0;
		q->open = false;
		return;
	}
	q->mo += s->pay_len;
	q->open = true;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_rx_uq_advance);
