// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: MPA connection setup frames (RFC 5044 7.1, RFC 6581).
 *
 * The connection manager owns the socket and the timers; this file only
 * turns parameters into bytes and bytes into parameters, and says why
 * when it will not. The parser is written for a stream that arrives in
 * pieces: it reports how many more bytes a frame needs without treating
 * the shortfall as a fault, and it refuses a frame as early as the bytes
 * it has allow, so a peer that sends garbage is turned away at once
 * rather than when the setup timer runs out.
 *
 * Revision 2 frames always carry the RFC 6581 header. The IRD and ORD
 * in it are reported exactly as sent; what they are held to is the
 * connection manager's business.
 */
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "mpa.h"

#define SRNIC_MPA_HDR_LEN	sizeof(struct srnic_mpa_hdr)
#define SRNIC_MPA_V2_LEN	sizeof(struct srnic_mpa_v2_hdr)

/* One byte more than a key for the literal's NUL, which is never sent. */
static const char srnic_mpa_keys[][SRNIC_MPA_KEY_SIZE + 1] = {
	[SRNIC_MPA_REQ] = SRNIC_MPA_KEY_REQ,
	[SRNIC_MPA_REP] = SRNIC_MPA_KEY_REP,
};

static bool srnic_mpa_rev_known(u8 rev)
{
	return rev == SRNIC_MPA_REV_1 || rev == SRNIC_MPA_REV_2;
}

/* The RTR rules both ends of the v2 header follow, from the sender's side. */
static enum srnic_mpa_err srnic_mpa_rtr_check(enum srnic_mpa_dir dir,
					      bool p2p, u8 rtr)
{
	if (rtr & ~SRNIC_MPA_RTR_ALL || (rtr && !p2p))
		return SRNIC_MPA_ERR_RTR_UNKNOWN;
	if (p2p && !rtr)
		return SRNIC_MPA_ERR_RTR_NONE;
	/* A responder picks one type; offering several is a request's. */
	if (dir == SRNIC_MPA_REP && hweight8(rtr) > 1)
		return SRNIC_MPA_ERR_RTR_MISMATCH;
	return SRNIC_MPA_OK;
}

static void srnic_mpa_put_v2(u8 *at, const struct srnic_mpa_params *p)
{
	struct srnic_mpa_v2_hdr v2;
	u16 ird = p->ird, ord = p->ord;

	if (p->p2p)
		ird |= SRNIC_MPA_V2_P2P;
	if (p->rtr & SRNIC_MPA_RTR_SEND)
		ird |= SRNIC_MPA_V2_RTR_SEND;
	if (p->rtr & SRNIC_MPA_RTR_WRITE)
		ord |= SRNIC_MPA_V2_RTR_WRITE;
	if (p->rtr & SRNIC_MPA_RTR_READ)
		ord |= SRNIC_MPA_V2_RTR_READ;
	v2.ird = cpu_to_be16(ird);
	v2.ord = cpu_to_be16(ord);
	memcpy(at, &v2, sizeof(v2));
}

/*
 * Lay out one frame. @p has been checked for what its kind of frame
 * needs; this checks what every frame needs: a known revision, room for
 * the private data under the limit and in @buf.
 */
static enum srnic_mpa_err srnic_mpa_build(enum srnic_mpa_dir dir, u8 flags,
					  const struct srnic_mpa_params *p,
					  const void *pdata, size_t pd_len,
					  void *buf, size_t size, size_t *len)
{
	struct srnic_mpa_hdr hdr = {};
	size_t v2_len, total;
	u8 *b = buf;

	*len = 0;
	if (!srnic_mpa_rev_known(p->rev))
		return SRNIC_MPA_ERR_REV;
	v2_len = p->rev == SRNIC_MPA_REV_2 ? SRNIC_MPA_V2_LEN : 0;
	if (pd_len > SRNIC_MPA_MAX_PRIVDATA - v2_len)
		return SRNIC_MPA_ERR_PDATA_LEN;
	total = SRNIC_MPA_HDR_LEN + v2_len + pd_len;
	if (size < total)
		return SRNIC_MPA_ERR_NO_SPACE;

	memcpy(hdr.key, srnic_mpa_keys[dir], SRNIC_MPA_KEY_SIZE);
	hdr.flags = flags;
	if (p->crc)
		hdr.flags |= SRNIC_MPA_FLAG_CRC;
	if (v2_len)
		hdr.flags |= SRNIC_MPA_FLAG_ENHANCED;
	hdr.rev = p->rev;
	hdr.pd_len = cpu_to_be16(v2_len + pd_len);
	memcpy(b, &hdr, sizeof(hdr));
	if (v2_len)
		srnic_mpa_put_v2(b + SRNIC_MPA_HDR_LEN, p);
	if (pd_len)
		memcpy(b + SRNIC_MPA_HDR_LEN + v2_len, pdata, pd_len);
	*len = total;
	return SRNIC_MPA_OK;
}

static enum srnic_mpa_err srnic_mpa_build_accept(enum srnic_mpa_dir dir,
						 const struct srnic_mpa_params *p,
						 const void *pdata,
						 size_t pd_len, void *buf,
						 size_t size, size_t *len)
{
	enum srnic_mpa_err err;

	*len = 0;
	if (p->rev == SRNIC_MPA_REV_2) {
		if (p->ird > SRNIC_MPA_V2_COUNT_MASK ||
		    p->ord > SRNIC_MPA_V2_COUNT_MASK)
			return SRNIC_MPA_ERR_IRD_ORD;
		err = srnic_mpa_rtr_check(dir, p->p2p, p->rtr);
		if (err)
			return err;
	}
	return srnic_mpa_build(dir, 0, p, pdata, pd_len, buf, size, len);
}

/**
 * srnic_mpa_build_req() - lay out an MPA request
 * @p: revision, C flag and, for revision 2, IRD, ORD, peer-to-peer and
 *	the RTR types the initiator can send (at least one with @p->p2p)
 * @pdata: the consumer's private data (may be NULL when @pd_len is 0)
 * @pd_len: bytes at @pdata; with revision 2, the v2 header placed before
 *	them counts against %SRNIC_MPA_MAX_PRIVDATA too
 * @buf: where the frame goes
 * @size: bytes at @buf
 * @len: set to the frame's length, 0 on error
 *
 * The frame never asks for markers.
 *
 * Context: any; no locks.
 * Return: %SRNIC_MPA_OK, or the reason nothing was written.
 */
enum srnic_mpa_err srnic_mpa_build_req(const struct srnic_mpa_params *p,
				       const void *pdata, size_t pd_len,
				       void *buf, size_t size, size_t *len)
{
	return srnic_mpa_build_accept(SRNIC_MPA_REQ, p, pdata, pd_len, buf,
				      size, len);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_build_req);

/**
 * srnic_mpa_build_rep() - lay out an MPA reply that accepts the connection
 * @p: revision (not above the request's), C flag (srnic_mpa_crc_decide())
 *	and, for revision 2, IRD, ORD, and with @p->p2p the one RTR type
 *	picked (srnic_mpa_rtr_pick())
 * @pdata: the consumer's private data (may be NULL when @pd_len is 0)
 * @pd_len: bytes at @pdata; with revision 2, the v2 header placed before
 *	them counts against %SRNIC_MPA_MAX_PRIVDATA too
 * @buf: where the frame goes
 * @size: bytes at @buf
 * @len: set to the frame's length, 0 on error
 *
 * Context: any; no locks.
 * Return: %SRNIC_MPA_OK, or the reason nothing was written.
 */
enum srnic_mpa_err srnic_mpa_build_rep(const struct srnic_mpa_params *p,
				       const void *pdata, size_t pd_len,
				       void *buf, size_t size, size_t *len)
{
	return srnic_mpa_build_accept(SRNIC_MPA_REP, p, pdata, pd_len, buf,
				      size, len);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_build_rep);

/**
 * srnic_mpa_build_reject() - lay out an MPA reply that refuses the connection
 * @rev: the revision to answer with, as for an accepting reply
 * @pdata: the consumer's private data, for the peer's reject event (may
 *	be NULL when @pd_len is 0)
 * @pd_len: bytes at @pdata; with revision 2, the v2 header placed before
 *	them counts against %SRNIC_MPA_MAX_PRIVDATA too
 * @buf: where the frame goes
 * @size: bytes at @buf
 * @len: set to the frame's length, 0 on error
 *
 * A revision 2 reject carries a v2 header with no IRD, ORD or RTR type,
 * so that a peer which strips the header finds its private data where it
 * looks for it.
 *
 * Context: any; no locks.
 * Return: %SRNIC_MPA_OK, or the reason nothing was written.
 */
enum srnic_mpa_err srnic_mpa_build_reject(u8 rev, const void *pdata,
					  size_t pd_len, void *buf,
					  size_t size, size_t *len)
{
	const struct srnic_mpa_params p = { .rev = rev };

	return srnic_mpa_build(SRNIC_MPA_REP, SRNIC_MPA_FLAG_REJECT, &p,
			       pdata, pd_len, buf, size, len);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_build_reject);

/* Compare what there is of the key; name the other direction's key apart. */
static enum srnic_mpa_err srnic_mpa_key_check(enum srnic_mpa_dir dir,
					      const u8 *b, size_t len)
{
	enum srnic_mpa_dir other = dir == SRNIC_MPA_REQ ? SRNIC_MPA_REP :
							  SRNIC_MPA_REQ;

	len = min_t(size_t, len, SRNIC_MPA_KEY_SIZE);
	if (!memcmp(b, srnic_mpa_keys[dir], len))
		return SRNIC_MPA_OK;
	if (!memcmp(b, srnic_mpa_keys[other], len))
		return SRNIC_MPA_ERR_KEY_DIR;
	return SRNIC_MPA_ERR_KEY;
}

static int srnic_mpa_refuse(struct srnic_mpa_frame *f, enum srnic_mpa_err err)
{
	f->err = err;
	return -EPROTO;
}

static void srnic_mpa_get_v2(const u8 *at, struct srnic_mpa_params *p)
{
	struct srnic_mpa_v2_hdr v2;
	u16 ird, ord;

	memcpy(&v2, at, sizeof(v2));
	ird = be16_to_cpu(v2.ird);
	ord = be16_to_cpu(v2.ord);
	p->ird = ird & SRNIC_MPA_V2_COUNT_MASK;
	p->ord = ord & SRNIC_MPA_V2_COUNT_MASK;
	p->p2p = ird & SRNIC_MPA_V2_P2P;
	p->rtr = 0;
	if (ird & SRNIC_MPA_V2_RTR_SEND)
		p->rtr |= SRNIC_MPA_RTR_SEND;
	if (ord & SRNIC_MPA_V2_RTR_WRITE)
		p->rtr |= SRNIC_MPA_RTR_WRITE;
	if (ord & SRNIC_MPA_V2_RTR_READ)
		p->rtr |= SRNIC_MPA_RTR_READ;
}

/* The header is whole: the checks that need nothing past it. */
static int srnic_mpa_parse_hdr(enum srnic_mpa_dir dir,
			       const struct srnic_mpa_hdr *hdr, u16 *pd,
			       bool *enhanced, struct srnic_mpa_frame *f)
{
	f->p.rev = hdr->rev;
	if (!srnic_mpa_rev_known(hdr->rev))
		return srnic_mpa_refuse(f, SRNIC_MPA_ERR_REV);
	*pd = be16_to_cpu(hdr->pd_len);
	if (*pd > SRNIC_MPA_MAX_PRIVDATA)
		return srnic_mpa_refuse(f, SRNIC_MPA_ERR_PDATA_LEN);
	f->p.crc = hdr->flags & SRNIC_MPA_FLAG_CRC;
	f->markers = hdr->flags & SRNIC_MPA_FLAG_MARKERS;
	/* R is reserved in a request: not checked (RFC 5044 7.1). */
	f->reject = dir == SRNIC_MPA_REP && hdr->flags & SRNIC_MPA_FLAG_REJECT;
	/* A reject ends the setup either way; its private data still counts. */
	if (f->markers && !f->reject)
		return srnic_mpa_refuse(f, SRNIC_MPA_ERR_MARKERS);
	/* ENHANCED is a reserved bit to a revision 1 frame. */
	*enhanced = hdr->rev == SRNIC_MPA_REV_2;
	if (*enhanced && !(hdr->flags & SRNIC_MPA_FLAG_ENHANCED))
		return srnic_mpa_refuse(f, SRNIC_MPA_ERR_V2_NOT_ENHANCED);
	if (*enhanced && *pd < SRNIC_MPA_V2_LEN)
		return srnic_mpa_refuse(f, SRNIC_MPA_ERR_V2_TRUNCATED);
	return 0;
}

/**
 * srnic_mpa_parse() - read an MPA request or reply from the start of a buffer
 * @dir: the frame expected: %SRNIC_MPA_REQ on the responder,
 *	%SRNIC_MPA_REP on the initiator
 * @buf: the bytes received so far, from the first byte of the frame
 * @len: bytes at @buf; any number, including 0
 * @f: the result, filled in on every return
 *
 * Checks what the frame alone shows: the key and its direction, revision
 * 1 or 2, private data within %SRNIC_MPA_MAX_PRIVDATA, no markers (but a
 * reject is read whatever its M flag says), and for revision 2 the
 * ENHANCED flag, a v2 header that fits in the private data and RTR bits
 * that make sense (see &enum srnic_mpa_err). A reject must still hold
 * its v2 header, but what the header says is not checked: it is reported
 * with no peer-to-peer and no RTR type. A reply must then go through
 * srnic_mpa_check_reply(), and the C flag through srnic_mpa_crc_decide().
 *
 * A fault is reported as soon as the bytes that show it are in @buf, so
 * a bad key is refused before the header is whole. Nothing at or past
 * @f->len is read.
 *
 * Context: any; no locks.
 * Return: 0 when @buf starts with a whole, acceptable frame, described
 * in @f; -EAGAIN when what is in @buf is a good start but not the whole
 * frame: call again with at least @f->need more bytes; -EPROTO when the
 * frame is refused, for the reason in @f->err.
 */
int srnic_mpa_parse(enum srnic_mpa_dir dir, const void *buf, size_t len,
		    struct srnic_mpa_frame *f)
{
	struct srnic_mpa_hdr hdr;
	const u8 *b = buf;
	bool enhanced;
	size_t total;
	u16 pd;
	int ret;

	memset(f, 0, sizeof(*f));
	f->err = srnic_mpa_key_check(dir, b, len);
	if (f->err)
		return -EPROTO;
	if (len < SRNIC_MPA_HDR_LEN) {
		f->need = SRNIC_MPA_HDR_LEN - len;
		return -EAGAIN;
	}
	memcpy(&hdr, b, sizeof(hdr));
	ret = srnic_mpa_parse_hdr(dir, &hdr, &pd, &enhanced, f);
	if (ret)
		return ret;
	total = SRNIC_MPA_HDR_LEN + pd;
	if (len < total) {
		f->need = total - len;
		return -EAGAIN;
	}

	f->len = total;
	f->pd_len = pd;
	b += SRNIC_MPA_HDR_LEN;
	if (enhanced) {
		srnic_mpa_get_v2(b, &f->p);
		b += SRNIC_MPA_V2_LEN;
		f->pd_len -= SRNIC_MPA_V2_LEN;
		if (f->reject) {
			f->p.p2p = false;
			f->p.rtr = 0;
		} else {
			f->err = srnic_mpa_rtr_check(dir, f->p.p2p, f->p.rtr);
			if (f->err)
				return -EPROTO;
		}
	}
	f->pdata = f->pd_len ? b : NULL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_parse);

/**
 * srnic_mpa_check_reply() - does a reply answer the request that was sent?
 * @req: what the request said
 * @rep: the reply, as srnic_mpa_parse() accepted it
 *
 * The responder may answer with a lower revision, never a higher one. A
 * revision 1 answer to a revision 2 request means no v2 exchange: no
 * peer-to-peer, no RTR, no IRD or ORD; the caller decides whether it can
 * go on without them. Otherwise, a peer-to-peer request must get the
 * peer-to-peer bit back with exactly one of the RTR types it offered, and
 * a request that is not peer-to-peer must get neither. A reject is only
 * held to the revision rule: there is nothing else to agree on.
 *
 * The C flag is srnic_mpa_crc_decide()'s; IRD and ORD are the caller's.
 *
 * Context: any; no locks.
 * Return: %SRNIC_MPA_OK or the reason to refuse the reply.
 */
enum srnic_mpa_err srnic_mpa_check_reply(const struct srnic_mpa_params *req,
					 const struct srnic_mpa_frame *rep)
{
	if (rep->p.rev > req->rev)
		return SRNIC_MPA_ERR_REV_ABOVE_REQ;
	if (rep->reject || rep->p.rev != SRNIC_MPA_REV_2)
		return SRNIC_MPA_OK;
	if (!req->p2p)
		return rep->p.p2p || rep->p.rtr ? SRNIC_MPA_ERR_RTR_MISMATCH :
						  SRNIC_MPA_OK;
	if (!rep->p.p2p || !rep->p.rtr)
		return SRNIC_MPA_ERR_RTR_NONE;
	if (hweight8(rep->p.rtr) != 1 || rep->p.rtr & ~req->rtr)
		return SRNIC_MPA_ERR_RTR_MISMATCH;
	return SRNIC_MPA_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_check_reply);

/**
 * srnic_mpa_rtr_pick() - the RTR type a responder asks for
 * @offered: the request's RTR types
 * @supported: the types the responder can take as its RTR
 *
 * A zero-length Write is preferred: it consumes nothing at the
 * responder. A zero-length Read comes next (it needs an IRD of at least
 * one), and a zero-length Send last, since it takes a receive buffer
 * from the consumer.
 *
 * Context: any.
 * Return: one SRNIC_MPA_RTR_* type, or 0 when no type is both offered
 * and supported (reject with %SRNIC_MPA_ERR_RTR_MISMATCH).
 */
u8 srnic_mpa_rtr_pick(u8 offered, u8 supported)
{
	static const u8 order[] = {
		SRNIC_MPA_RTR_WRITE, SRNIC_MPA_RTR_READ, SRNIC_MPA_RTR_SEND,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (offered & supported & order[i])
			return order[i];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_rtr_pick);

/**
 * srnic_mpa_rtr_usable() - the RTR types a connection's Read credits allow
 * @types: SRNIC_MPA_RTR_* mask
 * @ord: the initiator's ORD
 * @ird: the responder's IRD
 *
 * A zero-length RDMA Read is a Read Request like any other: the initiator
 * holds it against its ORD until the response comes, and the responder
 * takes an IRD credit for it. Without one of each it would exceed what
 * was negotiated, so %SRNIC_MPA_RTR_READ is removed from @types.
 *
 * Context: any.
 * Return: @types, without %SRNIC_MPA_RTR_READ unless @ord and @ird are
 * both at least one.
 */
u8 srnic_mpa_rtr_usable(u8 types, u16 ord, u16 ird)
{
	if (!ord || !ird)
		types &= ~SRNIC_MPA_RTR_READ;
	return types;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_rtr_usable);

/**
 * srnic_mpa_crc_offer() - the C flag of a request
 * @policy: the local &enum srnic_mpa_crc_policy
 *
 * Only a policy that requires CRCs asks for them: by RFC 5044 7.1 one
 * C flag in either frame turns them on for both directions, so an
 * initiator that would merely accept them leaves the choice to the
 * responder.
 *
 * Context: any.
 * Return: true to set C.
 */
bool srnic_mpa_crc_offer(enum srnic_mpa_crc_policy policy)
{
	return policy != SRNIC_MPA_CRC_ALLOWED &&
	       policy != SRNIC_MPA_CRC_UNWANTED;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_crc_offer);

/**
 * srnic_mpa_crc_decide() - whether the connection uses CRCs
 * @policy: the local &enum srnic_mpa_crc_policy
 * @peer_dir: the frame @peer_crc comes from: %SRNIC_MPA_REQ on the
 *	responder, %SRNIC_MPA_REP on the initiator
 * @peer_crc: that frame's C flag
 * @use_crc: set to the decision; on the responder it is also the C flag
 *	of the reply
 *
 * RFC 5044 7.1: CRCs are off only when neither frame has C, and on for
 * both directions otherwise. So a responder sets C when either end wants
 * CRCs, and an initiator whose request had C must refuse a reply without
 * it: that responder would not check the CRCs it was asked for. An end
 * whose policy is %SRNIC_MPA_CRC_UNWANTED refuses a peer that sets C. A
 * policy value this function does not know is taken as
 * %SRNIC_MPA_CRC_REQUIRED, erring on the side of error detection.
 *
 * Context: any.
 * Return: %SRNIC_MPA_OK, or %SRNIC_MPA_ERR_CRC_REQUIRED or
 * %SRNIC_MPA_ERR_CRC_UNWANTED to refuse the peer (@use_crc is then
 * false).
 */
enum srnic_mpa_err srnic_mpa_crc_decide(enum srnic_mpa_crc_policy policy,
					enum srnic_mpa_dir peer_dir,
					bool peer_crc, bool *use_crc)
{
	*use_crc = false;
	switch (policy) {
	case SRNIC_MPA_CRC_ALLOWED:
		*use_crc = peer_crc;
		return SRNIC_MPA_OK;
	case SRNIC_MPA_CRC_UNWANTED:
		return peer_crc ? SRNIC_MPA_ERR_CRC_UNWANTED : SRNIC_MPA_OK;
	default:
		/* Our request had C: the reply must have kept it. */
		if (peer_dir == SRNIC_MPA_REP && !peer_crc)
			return SRNIC_MPA_ERR_CRC_REQUIRED;
		*use_crc = true;
		return SRNIC_MPA_OK;
	}
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_crc_decide);

static const char * const srnic_mpa_err_names[SRNIC_MPA_ERR_NR] = {
	[SRNIC_MPA_OK] = "ok",
	[SRNIC_MPA_ERR_KEY] = "bad_key",
	[SRNIC_MPA_ERR_KEY_DIR] = "wrong_direction_key",
	[SRNIC_MPA_ERR_REV] = "bad_revision",
	[SRNIC_MPA_ERR_REV_ABOVE_REQ] = "revision_above_request",
	[SRNIC_MPA_ERR_MARKERS] = "markers_unsupported",
	[SRNIC_MPA_ERR_PDATA_LEN] = "private_data_too_long",
	[SRNIC_MPA_ERR_V2_NOT_ENHANCED] = "v2_not_enhanced",
	[SRNIC_MPA_ERR_V2_TRUNCATED] = "v2_header_truncated",
	[SRNIC_MPA_ERR_IRD_ORD] = "ird_ord_out_of_range",
	[SRNIC_MPA_ERR_RTR_NONE] = "rtr_none",
	[SRNIC_MPA_ERR_RTR_UNKNOWN] = "rtr_unknown",
	[SRNIC_MPA_ERR_RTR_MISMATCH] = "rtr_mismatch",
	[SRNIC_MPA_ERR_CRC_REQUIRED] = "crc_required",
	[SRNIC_MPA_ERR_CRC_UNWANTED] = "crc_unwanted",
	[SRNIC_MPA_ERR_NO_SPACE] = "no_space",
};

/**
 * srnic_mpa_err_name() - short name of a refusal, for dmesg and rejects
 * @err: the value
 *
 * Context: any.
 * Return: e.g. "markers_unsupported"; "unknown" for a value out of range.
 */
const char *srnic_mpa_err_name(enum srnic_mpa_err err)
{
	if ((unsigned int)err >= SRNIC_MPA_ERR_NR)
		return "unknown";
	return srnic_mpa_err_names[err];
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mpa_err_name);
