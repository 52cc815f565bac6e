// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: DDP and RDMAP headers (RFC 5041 4, RFC 5040 4) and Terminate
 * messages (RFC 5040 4.8 and 7, RFC 5041 7).
 *
 * The receive path hands every ULPDU to srnic_ddp_parse() before it
 * looks at a single field: the parser reads nothing the ULPDU does not
 * hold, computes the payload length only once the header is known to
 * fit, and refuses everything RFC 5040 and 5041 do not allow for the
 * opcode at hand. Each refusal maps to the Terminate that reports it
 * (srnic_ddp_err_term()), and srnic_ddp_build_term() quotes the
 * offending header back to the peer.
 *
 * Tagged placement is not decided here: the STag, rights and bounds of
 * a Write or Read Request are srnic_access_check()'s. What is decided
 * here is what needs no memory registration: whether a Read Response
 * segment lies inside the Read it answers, checked on every segment
 * because a peer chooses where each one lands.
 */
#include <kunit/visibility.h>
#include <linux/bug.h>
#include <linux/limits.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "ddp.h"

#define SRNIC_DDP_T_LEN		sizeof(struct srnic_ddp_tagged_hdr)
#define SRNIC_DDP_U_LEN		sizeof(struct srnic_ddp_untagged_hdr)
#define SRNIC_DDP_RREQ_LEN	sizeof(struct srnic_rdmap_read_req)
#define SRNIC_DDP_TERM_LEN	sizeof(struct srnic_rdmap_term_hdr)
#define SRNIC_DDP_SEGLEN_LEN	sizeof(__be16)

/**
 * srnic_ddp_opcode_tagged() - whether an opcode is carried tagged
 * @opcode: enum srnic_rdmap_opcode
 *
 * Context: any.
 * Return: true for RDMA Write and Read Response, false for the rest.
 */
bool srnic_ddp_opcode_tagged(u8 opcode)
{
	return opcode == SRNIC_RDMAP_WRITE || opcode == SRNIC_RDMAP_READ_RESP;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_opcode_tagged);

static u32 srnic_ddp_opcode_qn(u8 opcode)
{
	switch (opcode) {
	case SRNIC_RDMAP_READ_REQ:
		return SRNIC_DDP_QN_READ_REQ;
	case SRNIC_RDMAP_TERMINATE:
		return SRNIC_DDP_QN_TERMINATE;
	default:
		return SRNIC_DDP_QN_SEND;
	}
}

static bool srnic_ddp_opcode_inval(u8 opcode)
{
	return opcode == SRNIC_RDMAP_SEND_INV ||
	       opcode == SRNIC_RDMAP_SEND_SE_INV;
}

/* Bytes RDMAP adds after the untagged header, before the payload. */
static u16 srnic_ddp_rdmap_len(u8 opcode)
{
	switch (opcode) {
	case SRNIC_RDMAP_READ_REQ:
		return SRNIC_DDP_RREQ_LEN;
	case SRNIC_RDMAP_TERMINATE:
		return SRNIC_DDP_TERM_LEN;
	default:
		return 0;
	}
}

/* [to, to + len) ends at or before 2^64. */
static bool srnic_ddp_range_wraps(u64 to, u32 len)
{
	return len && to > U64_MAX - (len - 1);
}

static bool srnic_ddp_rreq_wraps(const struct srnic_rdmap_rreq *rr)
{
	return srnic_ddp_range_wraps(rr->sink_to, rr->size) ||
	       srnic_ddp_range_wraps(rr->src_to, rr->size);
}

static void srnic_ddp_get_rreq(const u8 *at, struct srnic_rdmap_rreq *rr)
{
	struct srnic_rdmap_read_req w;

	memcpy(&w, at, sizeof(w));
	rr->sink_stag = be32_to_cpu(w.sink_stag);
	rr->sink_to = be64_to_cpu(w.sink_to);
	rr->size = be32_to_cpu(w.size);
	rr->src_stag = be32_to_cpu(w.src_stag);
	rr->src_to = be64_to_cpu(w.src_to);
}

static void srnic_ddp_put_rreq(u8 *at, const struct srnic_rdmap_rreq *rr)
{
	struct srnic_rdmap_read_req w = {
		.sink_stag = cpu_to_be32(rr->sink_stag),
		.sink_to = cpu_to_be64(rr->sink_to),
		.size = cpu_to_be32(rr->size),
		.src_stag = cpu_to_be32(rr->src_stag),
		.src_to = cpu_to_be64(rr->src_to),
	};

	memcpy(at, &w, sizeof(w));
}

/*
 * What follows a Terminate's control word: with any Hdrct bit, the DDP
 * Segment Length, then with D the quoted DDP header (its own T bit says
 * how long), then with R the quoted Read Request body. Bytes after
 * that are not read: a Terminate ends the stream either way, and the
 * peer is told nothing more by refusing them.
 */
static enum srnic_ddp_err srnic_ddp_parse_term(const u8 *at,
					       struct srnic_ddp_seg *s)
{
	struct srnic_rdmap_term *t = &s->term;
	struct srnic_rdmap_term_hdr th;
	const u8 *p = s->payload;
	u16 left = s->pay_len;
	__be16 seg_len;

	memcpy(&th, at, sizeof(th));
	t->code.layer = th.layer_etype >> 4;
	t->code.etype = th.layer_etype & 0xf;
	t->code.ecode = th.ecode;
	t->hdrct = be16_to_cpu(th.hdrct);
	if (t->hdrct & SRNIC_TERM_HDRCT_RSVD)
		return SRNIC_DDP_ERR_TERM_FORMAT;
	if (!t->hdrct)
		return SRNIC_DDP_OK;
	if ((t->hdrct & SRNIC_TERM_HDRCT_R) && !(t->hdrct & SRNIC_TERM_HDRCT_D))
		return SRNIC_DDP_ERR_TERM_FORMAT;
	if (left < SRNIC_DDP_SEGLEN_LEN)
		return SRNIC_DDP_ERR_TERM_FORMAT;
	memcpy(&seg_len, p, sizeof(seg_len));
	t->seg_len = be16_to_cpu(seg_len);
	p += SRNIC_DDP_SEGLEN_LEN;
	left -= SRNIC_DDP_SEGLEN_LEN;
	if (!(t->hdrct & SRNIC_TERM_HDRCT_D))
		return SRNIC_DDP_OK;
	if (!left)
		return SRNIC_DDP_ERR_TERM_FORMAT;
	t->ddp_hdr_len = p[0] & SRNIC_DDP_FLAG_TAGGED ? SRNIC_DDP_T_LEN :
							SRNIC_DDP_U_LEN;
	if (left < t->ddp_hdr_len) {
		t->ddp_hdr_len = 0;
		return SRNIC_DDP_ERR_TERM_FORMAT;
	}
	t->ddp_hdr = p;
	p += t->ddp_hdr_len;
	left -= t->ddp_hdr_len;
	if (!(t->hdrct & SRNIC_TERM_HDRCT_R))
		return SRNIC_DDP_OK;
	if (left < SRNIC_DDP_RREQ_LEN)
		return SRNIC_DDP_ERR_TERM_FORMAT;
	t->rdma_hdr = p;
	return SRNIC_DDP_OK;
}

static void srnic_ddp_set_payload(struct srnic_ddp_seg *s, u16 hdr_len)
{
	s->hdr_len = hdr_len;
	s->pay_len = s->ulpdu_len - hdr_len;
	s->payload = s->pay_len ? s->ulpdu + hdr_len : NULL;
}

static enum srnic_ddp_err srnic_ddp_parse_untagged(struct srnic_ddp_seg *s)
{
	struct srnic_ddp_hdr *h = &s->h;
	struct srnic_ddp_untagged_hdr u;
	u16 hdr_len = SRNIC_DDP_U_LEN + srnic_ddp_rdmap_len(h->opcode);
	const u8 *rdmap = s->ulpdu + SRNIC_DDP_U_LEN;

	if (s->ulpdu_len < hdr_len)
		return SRNIC_DDP_ERR_SHORT;
	memcpy(&u, s->ulpdu, sizeof(u));
	if (srnic_ddp_opcode_inval(h->opcode))
		h->stag = be32_to_cpu(u.inval_stag);
	h->qn = be32_to_cpu(u.qn);
	h->msn = be32_to_cpu(u.msn);
	h->mo = be32_to_cpu(u.mo);
	srnic_ddp_set_payload(s, hdr_len);
	if (h->qn != srnic_ddp_opcode_qn(h->opcode))
		return SRNIC_DDP_ERR_QN;

	switch (h->opcode) {
	case SRNIC_RDMAP_READ_REQ:
	case SRNIC_RDMAP_TERMINATE:
		/* Both are one segment, and nothing may follow them. */
		if (!h->last)
			return SRNIC_DDP_ERR_NOT_LAST;
		if (h->mo)
			return SRNIC_DDP_ERR_MO;
		break;
	default:
		return SRNIC_DDP_OK;
	}
	if (h->opcode == SRNIC_RDMAP_TERMINATE)
		return srnic_ddp_parse_term(rdmap, s);
	srnic_ddp_get_rreq(rdmap, &h->rreq);
	if (s->pay_len)
		return SRNIC_DDP_ERR_READ_REQ_LEN;
	if (srnic_ddp_rreq_wraps(&h->rreq))
		return SRNIC_DDP_ERR_READ_REQ_WRAP;
	return SRNIC_DDP_OK;
}

/**
 * srnic_ddp_parse() - check a received ULPDU and read its headers
 * @ulpdu: the bytes after MPA's ULPDU_Length, before pad and CRC
 * @len: the value of ULPDU_Length: bytes at @ulpdu
 * @s: filled in; on a refusal, as far as the ULPDU was read (@s->tagged
 *	always, the header fields once they were whole)
 *
 * Checks, in order: the control bytes are there, DDP version 1 with no
 * reserved bits, RDMAP version 1 with no reserved bits, a defined opcode
 * carried in its own buffer model, a header no longer than the ULPDU,
 * then for untagged segments the queue number of the opcode, and for
 * Read Request and Terminate one whole message at offset 0 (a Read
 * Request with nothing after its body and no range past 2^64, a
 * Terminate whose quoted headers are all there).
 *
 * Context: any; no locks.
 * Return: %SRNIC_DDP_OK, or the first fault; srnic_ddp_err_term() gives
 * the Terminate to send for it.
 */
enum srnic_ddp_err srnic_ddp_parse(const void *ulpdu, u16 len,
				   struct srnic_ddp_seg *s)
{
	struct srnic_ddp_tagged_hdr t;
	struct srnic_ddp_ctrl c;

	memset(s, 0, sizeof(*s));
	s->ulpdu = ulpdu;
	s->ulpdu_len = len;
	if (len)
		s->tagged = s->ulpdu[0] & SRNIC_DDP_FLAG_TAGGED;
	if (len < sizeof(c))
		return SRNIC_DDP_ERR_SHORT;
	memcpy(&c, ulpdu, sizeof(c));
	s->h.last = c.ddp & SRNIC_DDP_FLAG_LAST;
	s->h.opcode = c.rdmap & SRNIC_RDMAP_OPCODE_MASK;
	if ((c.ddp & SRNIC_DDP_DV_MASK) != SRNIC_DDP_VERSION)
		return SRNIC_DDP_ERR_DDP_VERSION;
	if (c.ddp & SRNIC_DDP_RSVD_MASK)
		return SRNIC_DDP_ERR_DDP_RSVD;
	if ((c.rdmap & SRNIC_RDMAP_RV_MASK) >> SRNIC_RDMAP_RV_SHIFT !=
	    SRNIC_RDMAP_VERSION)
		return SRNIC_DDP_ERR_RDMAP_VERSION;
	if (c.rdmap & SRNIC_RDMAP_RSVD_MASK)
		return SRNIC_DDP_ERR_RDMAP_RSVD;
	if (s->h.opcode >= SRNIC_RDMAP_OPCODE_NR)
		return SRNIC_DDP_ERR_OPCODE;
	if (srnic_ddp_opcode_tagged(s->h.opcode) != s->tagged)
		return SRNIC_DDP_ERR_MODEL;
	if (!s->tagged)
		return srnic_ddp_parse_untagged(s);

	if (len < sizeof(t))
		return SRNIC_DDP_ERR_SHORT;
	memcpy(&t, ulpdu, sizeof(t));
	s->h.stag = be32_to_cpu(t.stag);
	s->h.to = be64_to_cpu(t.to);
	srnic_ddp_set_payload(s, sizeof(t));
	return SRNIC_DDP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_parse);

static struct srnic_ddp_ctrl srnic_ddp_ctrl(u8 opcode, bool last)
{
	struct srnic_ddp_ctrl c = {
		.ddp = SRNIC_DDP_VERSION,
		.rdmap = SRNIC_RDMAP_VERSION << SRNIC_RDMAP_RV_SHIFT | opcode,
	};

	if (srnic_ddp_opcode_tagged(opcode))
		c.ddp |= SRNIC_DDP_FLAG_TAGGED;
	if (last)
		c.ddp |= SRNIC_DDP_FLAG_LAST;
	return c;
}

static void srnic_ddp_put_untagged(u8 *at, u8 opcode, bool last, u32 stag,
				   u32 msn, u32 mo)
{
	struct srnic_ddp_untagged_hdr u = {
		.ctrl = srnic_ddp_ctrl(opcode, last),
		.qn = cpu_to_be32(srnic_ddp_opcode_qn(opcode)),
		.msn = cpu_to_be32(msn),
		.mo = cpu_to_be32(mo),
	};

	if (srnic_ddp_opcode_inval(opcode))
		u.inval_stag = cpu_to_be32(stag);
	memcpy(at, &u, sizeof(u));
}

/**
 * srnic_ddp_build() - lay out the DDP and RDMAP header of a segment
 * @h: the fields; the queue number follows from @h->opcode, and
 *	@h->stag is sent in the untagged header only for the Send with
 *	Invalidate opcodes
 * @buf: where the header goes; the payload follows it
 * @size: bytes at @buf (%SRNIC_DDP_HDR_MAX fit every header)
 * @len: set to the header's length, 0 on error
 *
 * Refuses what srnic_ddp_parse() would refuse: an undefined opcode, a
 * Read Request that is not one whole message or whose ranges run past
 * 2^64. A Terminate is built by srnic_ddp_build_term().
 *
 * Context: any; no locks.
 * Return: %SRNIC_DDP_OK, or the reason nothing was written.
 */
enum srnic_ddp_err srnic_ddp_build(const struct srnic_ddp_hdr *h, void *buf,
				   size_t size, size_t *len)
{
	struct srnic_ddp_tagged_hdr t;
	size_t need;
	u8 *b = buf;

	*len = 0;
	if (h->opcode >= SRNIC_RDMAP_OPCODE_NR ||
	    h->opcode == SRNIC_RDMAP_TERMINATE)
		return SRNIC_DDP_ERR_OPCODE;
	if (h->opcode == SRNIC_RDMAP_READ_REQ) {
		if (!h->last)
			return SRNIC_DDP_ERR_NOT_LAST;
		if (h->mo)
			return SRNIC_DDP_ERR_MO;
		if (srnic_ddp_rreq_wraps(&h->rreq))
			return SRNIC_DDP_ERR_READ_REQ_WRAP;
	}
	need = srnic_ddp_opcode_tagged(h->opcode) ? SRNIC_DDP_T_LEN :
		SRNIC_DDP_U_LEN + srnic_ddp_rdmap_len(h->opcode);
	if (size < need)
		return SRNIC_DDP_ERR_NO_SPACE;

	if (srnic_ddp_opcode_tagged(h->opcode)) {
		t.ctrl = srnic_ddp_ctrl(h->opcode, h->last);
		t.stag = cpu_to_be32(h->stag);
		t.to = cpu_to_be64(h->to);
		memcpy(b, &t, sizeof(t));
	} else {
		srnic_ddp_put_untagged(b, h->opcode, h->last, h->stag, h->msn,
				       h->mo);
		if (h->opcode == SRNIC_RDMAP_READ_REQ)
			srnic_ddp_put_rreq(b + SRNIC_DDP_U_LEN, &h->rreq);
	}
	*len = need;
	return SRNIC_DDP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_build);

/* How much of @bad's header is whole, and so can be quoted. */
static u16 srnic_ddp_quote_hdrct(const struct srnic_ddp_seg *bad,
				 u8 *ddp_len)
{
	const u8 *b = bad->ulpdu;
	u16 hdrct = SRNIC_TERM_HDRCT_M;

	*ddp_len = 0;
	if (!bad->ulpdu_len)
		return hdrct;
	*ddp_len = b[0] & SRNIC_DDP_FLAG_TAGGED ? SRNIC_DDP_T_LEN :
						  SRNIC_DDP_U_LEN;
	if (bad->ulpdu_len < *ddp_len) {
		*ddp_len = 0;
		return hdrct;
	}
	hdrct |= SRNIC_TERM_HDRCT_D;
	if (*ddp_len == SRNIC_DDP_U_LEN &&
	    (b[1] & SRNIC_RDMAP_OPCODE_MASK) == SRNIC_RDMAP_READ_REQ &&
	    bad->ulpdu_len >= SRNIC_DDP_U_LEN + SRNIC_DDP_RREQ_LEN)
		hdrct |= SRNIC_TERM_HDRCT_R;
	return hdrct;
}

/**
 * srnic_ddp_build_term() - lay out a whole Terminate message
 * @code: layer, type and code (srnic_ddp_err_term() for a parse fault)
 * @bad: the segment at fault, as srnic_ddp_parse() left it, or NULL
 *	when there is none to quote (an error not tied to a segment, or an
 *	LLP error such as a bad CRC, whose bytes cannot be trusted)
 * @msn: the next MSN of the Terminate queue (queue 2)
 * @buf: where the message goes
 * @size: bytes at @buf (%SRNIC_DDP_TERM_MAX fit every Terminate)
 * @len: set to the message's length, 0 on error
 *
 * RFC 5040 4.8 asks the sender to quote what it was processing: with a
 * segment, the DDP Segment Length is sent (M), the segment's DDP
 * header if the segment held all of it (D), and the Read Request body
 * if the segment is a Read Request that held all of it (R). The quoted
 * bytes are the peer's, as received, faults included.
 *
 * Context: any; no locks.
 * Return: %SRNIC_DDP_OK, or the reason nothing was written.
 */
enum srnic_ddp_err srnic_ddp_build_term(struct srnic_term_code code,
					const struct srnic_ddp_seg *bad,
					u32 msn, void *buf, size_t size,
					size_t *len)
{
	struct srnic_rdmap_term_hdr th = {};
	size_t need = SRNIC_DDP_U_LEN + SRNIC_DDP_TERM_LEN;
	u16 hdrct = 0, quote = 0;
	u8 ddp_len = 0;
	u8 *b = buf;

	*len = 0;
	if (code.layer > 0xf || code.etype > 0xf)
		return SRNIC_DDP_ERR_TERM_FORMAT;
	if (bad) {
		hdrct = srnic_ddp_quote_hdrct(bad, &ddp_len);
		quote = ddp_len;
		if (hdrct & SRNIC_TERM_HDRCT_R)
			quote += SRNIC_DDP_RREQ_LEN;
		need += SRNIC_DDP_SEGLEN_LEN + quote;
	}
	if (size < need)
		return SRNIC_DDP_ERR_NO_SPACE;

	srnic_ddp_put_untagged(b, SRNIC_RDMAP_TERMINATE, true, 0, msn, 0);
	th.layer_etype = code.layer << 4 | code.etype;
	th.ecode = code.ecode;
	th.hdrct = cpu_to_be16(hdrct);
	memcpy(b + SRNIC_DDP_U_LEN, &th, sizeof(th));
	if (bad) {
		__be16 seg_len = cpu_to_be16(bad->ulpdu_len);
		u8 *at = b + SRNIC_DDP_U_LEN + SRNIC_DDP_TERM_LEN;

		memcpy(at, &seg_len, sizeof(seg_len));
		if (quote)
			memcpy(at + sizeof(seg_len), bad->ulpdu, quote);
	}
	*len = need;
	return SRNIC_DDP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_build_term);

/**
 * srnic_ddp_rresp_check() - bound one Read Response segment by its Read
 * @rd: the outstanding Read: sink STag, offset and length asked for
 * @stag: the segment's STag
 * @to: the segment's tagged offset
 * @len: the segment's payload bytes
 * @last: the segment's L bit
 *
 * Every segment is checked, not the first or last alone: the segment
 * must name the sink STag, lie in [@rd->to, @rd->to + @rd->len) without
 * running past 2^64, and carry L exactly when it ends the range. The
 * arithmetic is in offsets from @rd->to, so no sum can wrap. A
 * zero-length Read is answered by one empty segment at @rd->to with L.
 *
 * Context: any; no locks.
 * Return: %SRNIC_DDP_OK if the segment may be placed, else the fault.
 */
enum srnic_ddp_err srnic_ddp_rresp_check(const struct srnic_rread *rd,
					 u32 stag, u64 to, u32 len,
					 bool last)
{
	u64 off;

	if (stag != rd->stag)
		return SRNIC_DDP_ERR_RRESP_STAG;
	if (srnic_ddp_range_wraps(to, len))
		return SRNIC_DDP_ERR_RRESP_WRAP;
	if (to < rd->to)
		return SRNIC_DDP_ERR_RRESP_BOUNDS;
	off = to - rd->to;
	if (off > rd->len || len > rd->len - off)
		return SRNIC_DDP_ERR_RRESP_BOUNDS;
	if (last != (off + len == rd->len))
		return SRNIC_DDP_ERR_RRESP_LAST;
	return SRNIC_DDP_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_rresp_check);

/**
 * srnic_ddp_credit_take() - account one more RDMA Read in flight
 * @c: the depth and the count, under the caller's lock
 *
 * The depth is the one negotiated, exactly: no rounding. Inbound, a
 * refusal is %SRNIC_DDP_ERR_IRD; outbound, the Read waits.
 *
 * Context: any; the caller serialises.
 * Return: true if the Read fits, and it is counted; false otherwise.
 */
bool srnic_ddp_credit_take(struct srnic_rd_credits *c)
{
	if (c->used >= c->max)
		return false;
	c->used++;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_credit_take);

/**
 * srnic_ddp_credit_put() - account one RDMA Read completed
 * @c: the depth and the count, under the caller's lock
 *
 * Context: any; the caller serialises.
 */
void srnic_ddp_credit_put(struct srnic_rd_credits *c)
{
	if (WARN_ON_ONCE(!c->used))
		return;
	c->used--;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_credit_put);

#define SRNIC_TERM(l, t, c) \
	{ SRNIC_TERM_LAYER_##l, SRNIC_TERM_##l##_##t, SRNIC_TERM_##l##_##c }

/*
 * RFC 5040 and 5041 name no code for a few faults: a segment too short
 * for its own header and reserved DDP bits are DDP-level damage with no
 * buffer to blame (DDP, catastrophic); RDMAP-level malformations with no
 * code of their own are RDMAP remote operation errors, unspecified.
 */
static const struct srnic_term_code srnic_ddp_terms[SRNIC_DDP_ERR_NR] = {
	[SRNIC_DDP_ERR_SHORT] =
		SRNIC_TERM(DDP, CATASTROPHIC, UNSPECIFIED_CATASTROPHIC),
	[SRNIC_DDP_ERR_DDP_RSVD] =
		SRNIC_TERM(DDP, CATASTROPHIC, UNSPECIFIED_CATASTROPHIC),
	[SRNIC_DDP_ERR_RDMAP_VERSION] = SRNIC_TERM(RDMAP, OPERATION, VERSION),
	[SRNIC_DDP_ERR_RDMAP_RSVD] = SRNIC_TERM(RDMAP, OPERATION, UNSPECIFIED),
	[SRNIC_DDP_ERR_OPCODE] =
		SRNIC_TERM(RDMAP, OPERATION, UNEXPECTED_OPCODE),
	[SRNIC_DDP_ERR_MODEL] =
		SRNIC_TERM(RDMAP, OPERATION, UNEXPECTED_OPCODE),
	[SRNIC_DDP_ERR_QN] = SRNIC_TERM(DDP, UNTAGGED, U_INVALID_QN),
	[SRNIC_DDP_ERR_MO] = SRNIC_TERM(DDP, UNTAGGED, U_INVALID_MO),
	[SRNIC_DDP_ERR_NOT_LAST] = SRNIC_TERM(RDMAP, OPERATION, UNSPECIFIED),
	[SRNIC_DDP_ERR_READ_REQ_LEN] =
		SRNIC_TERM(RDMAP, OPERATION, UNSPECIFIED),
	[SRNIC_DDP_ERR_READ_REQ_WRAP] = SRNIC_TERM(RDMAP, PROTECTION, TO_WRAP),
	[SRNIC_DDP_ERR_TERM_FORMAT] =
		SRNIC_TERM(RDMAP, OPERATION, UNSPECIFIED),
	[SRNIC_DDP_ERR_RRESP_STAG] = SRNIC_TERM(DDP, TAGGED, T_INVALID_STAG),
	[SRNIC_DDP_ERR_RRESP_WRAP] = SRNIC_TERM(DDP, TAGGED, T_TO_WRAP),
	[SRNIC_DDP_ERR_RRESP_BOUNDS] = SRNIC_TERM(DDP, TAGGED, T_BASE_BOUNDS),
	[SRNIC_DDP_ERR_RRESP_LAST] = SRNIC_TERM(RDMAP, OPERATION, UNSPECIFIED),
	/* The Read Request queue has no buffer left for it. */
	[SRNIC_DDP_ERR_IRD] = SRNIC_TERM(DDP, UNTAGGED, U_MSN_NO_BUFFER),
	[SRNIC_DDP_ERR_NO_SPACE] =
		SRNIC_TERM(RDMAP, CATASTROPHIC, UNSPECIFIED_CATASTROPHIC),
	[SRNIC_DDP_ERR_MSN_RANGE] = SRNIC_TERM(DDP, UNTAGGED, U_MSN_RANGE),
	[SRNIC_DDP_ERR_MSN_NO_BUFFER] =
		SRNIC_TERM(DDP, UNTAGGED, U_MSN_NO_BUFFER),
	[SRNIC_DDP_ERR_UNTAGGED_MO] = SRNIC_TERM(DDP, UNTAGGED, U_INVALID_MO),
	[SRNIC_DDP_ERR_TOO_LONG] = SRNIC_TERM(DDP, UNTAGGED, U_TOO_LONG),
};

/**
 * srnic_ddp_err_term() - the Terminate a refusal is reported with
 * @err: the refusal
 * @tagged: the T bit of the segment at fault (&srnic_ddp_seg.tagged):
 *	a bad DDP version is a tagged or an untagged buffer error by it
 *
 * Context: any.
 * Return: layer, type and code of RFC 5040 7 and RFC 5041 7. For
 * %SRNIC_DDP_OK and values out of range, RDMAP local catastrophic,
 * which no correct caller sends.
 */
struct srnic_term_code srnic_ddp_err_term(enum srnic_ddp_err err,
					  bool tagged)
{
	static const struct srnic_term_code version[] = {
		SRNIC_TERM(DDP, UNTAGGED, U_VERSION),
		SRNIC_TERM(DDP, TAGGED, T_VERSION),
	};

	if (err == SRNIC_DDP_ERR_DDP_VERSION)
		return version[tagged];
	if ((unsigned int)err >= SRNIC_DDP_ERR_NR)
		err = SRNIC_DDP_OK;
	return srnic_ddp_terms[err];
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_err_term);

static const char * const srnic_ddp_err_names[SRNIC_DDP_ERR_NR] = {
	[SRNIC_DDP_OK] = "ok",
	[SRNIC_DDP_ERR_SHORT] = "header_beyond_ulpdu",
	[SRNIC_DDP_ERR_DDP_VERSION] = "bad_ddp_version",
	[SRNIC_DDP_ERR_DDP_RSVD] = "ddp_reserved_bits",
	[SRNIC_DDP_ERR_RDMAP_VERSION] = "bad_rdmap_version",
	[SRNIC_DDP_ERR_RDMAP_RSVD] = "rdmap_reserved_bits",
	[SRNIC_DDP_ERR_OPCODE] = "unknown_opcode",
	[SRNIC_DDP_ERR_MODEL] = "wrong_buffer_model",
	[SRNIC_DDP_ERR_QN] = "wrong_queue_number",
	[SRNIC_DDP_ERR_MO] = "bad_message_offset",
	[SRNIC_DDP_ERR_NOT_LAST] = "single_segment_without_last",
	[SRNIC_DDP_ERR_READ_REQ_LEN] = "read_request_payload",
	[SRNIC_DDP_ERR_READ_REQ_WRAP] = "read_request_wraps",
	[SRNIC_DDP_ERR_TERM_FORMAT] = "terminate_malformed",
	[SRNIC_DDP_ERR_RRESP_STAG] = "read_response_stag",
	[SRNIC_DDP_ERR_RRESP_WRAP] = "read_response_wraps",
	[SRNIC_DDP_ERR_RRESP_BOUNDS] = "read_response_out_of_bounds",
	[SRNIC_DDP_ERR_RRESP_LAST] = "read_response_last_misplaced",
	[SRNIC_DDP_ERR_IRD] = "ird_exceeded",
	[SRNIC_DDP_ERR_NO_SPACE] = "no_space",
	[SRNIC_DDP_ERR_MSN_RANGE] = "msn_out_of_range",
	[SRNIC_DDP_ERR_MSN_NO_BUFFER] = "no_receive_buffer",
	[SRNIC_DDP_ERR_UNTAGGED_MO] = "untagged_offset_out_of_order",
	[SRNIC_DDP_ERR_TOO_LONG] = "message_longer_than_buffer",
};

/**
 * srnic_ddp_err_name() - short name of a refusal, for dmesg
 * @err: the value
 *
 * Context: any.
 * Return: e.g. "wrong_queue_number"; "unknown" for a value out of range.
 */
const char *srnic_ddp_err_name(enum srnic_ddp_err err)
{
	if ((unsigned int)err >= SRNIC_DDP_ERR_NR)
		return "unknown";
	return srnic_ddp_err_names[err];
}
EXPORT_SYMBOL_IF_KUNIT(srnic_ddp_err_name);
