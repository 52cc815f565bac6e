// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the FPDU receive parser and the untagged queue checks (qp_rx.c).
 * FPDUs are framed here by hand, independently of the transmit side, and
 * fed cut at every byte boundary: whatever the cut, the owner must see the
 * same header, the same payload in order and one completion. Malformed
 * FPDUs (bad CRC, ULPDU_Length below its header or over the limit, a
 * damaged header) must end the stream with the Terminate RFC 5040, 5041
 * and 5044 name, and never reach placement.
 */
#include <kunit/test.h>
#include <linux/crc32c.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "qp_rx.h"

#define T_BUF		512
#define T_PAY		37	/* not a multiple of 4: the FPDU has pad */
#define T_STAG		0x11223344
#define T_TO		0x1000ULL

/* What the owner saw. */
struct t_sink {
	int begins;
	int ends;
	u8 data[T_BUF];
	u32 got;
	bool in_order;
	struct srnic_ddp_seg seg;
	int refuse_begin;	/* refuse the segment with this DDP error */
	int end_rv;
};

static int t_begin(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct t_sink *k = ctx;

	k->begins++;
	k->seg = rx->seg;
	if (k->refuse_begin)
		return srnic_fpdu_rx_fail(rx, srnic_ddp_err_term(k->refuse_begin,
								 rx->seg.tagged),
					  true, "test");
	return 0;
}

static int t_data(void *ctx, struct srnic_fpdu_rx *rx, const u8 *p, u32 len,
		  u32 off)
{
	struct t_sink *k = ctx;

	if (off != k->got || k->got + len > sizeof(k->data)) {
		k->in_order = false;
		return -EINVAL;
	}
	memcpy(k->data + k->got, p, len);
	k->got += len;
	return 0;
}

static int t_end(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct t_sink *k = ctx;

	k->ends++;
	k->seg = rx->seg;
	return k->end_rv;
}

static const struct srnic_fpdu_rx_ops t_ops = {
	.begin = t_begin,
	.data = t_data,
	.end = t_end,
};

static void t_sink_init(struct t_sink *k)
{
	memset(k, 0, sizeof(*k));
	k->in_order = true;
}

/* Frame @ulen bytes of @ulpdu as one FPDU, written out from RFC 5044 4.1. */
static size_t t_fpdu(u8 *out, const u8 *ulpdu, u16 ulen, bool crc)
{
	size_t n = 0;
	u32 reg;

	put_unaligned_be16(ulen, out);
	n += 2;
	memcpy(out + n, ulpdu, ulen);
	n += ulen;
	while (n % 4)
		out[n++] = 0;
	reg = crc ? ~crc32c(~0U, out, n) : 0;
	put_unaligned_le32(reg, out + n);
	return n + 4;
}

/* A Send header and @pay payload bytes (i * 7 + 1) in @ulpdu. */
static u16 t_send_ulpdu(u8 *ulpdu, u8 opcode, u32 msn, u32 mo, bool last,
			u16 pay)
{
	struct srnic_ddp_hdr h = {
		.opcode = opcode, .last = last, .msn = msn, .mo = mo,
		.stag = T_STAG, .to = T_TO,
	};
	size_t hl;
	u16 i;

	if (srnic_ddp_build(&h, ulpdu, SRNIC_DDP_HDR_MAX, &hl))
		return 0;
	for (i = 0; i < pay; i++)
		ulpdu[hl + i] = i * 7 + 1;
	return hl + pay;
}

/* Feed @len bytes of @b, cut at @cut (and at every byte if @bytewise). */
static int t_feed(struct srnic_fpdu_rx *rx, const u8 *b, size_t len,
		  size_t cut, bool bytewise, struct t_sink *k, size_t *taken)
{
	size_t off = 0, used;
	int rv = 0;

	while (!rv && off < len) {
		size_t n = bytewise ? 1 : (off < cut ? cut - off : len - off);
		u8 *piece = kmemdup(b + off, n, GFP_KERNEL);

		/* Each piece in a buffer of its own: KASAN sees overreads. */
		if (!piece)
			return -ENOMEM;
		rv = srnic_fpdu_rx_feed(rx, piece, n, &used, &t_ops, k);
		kfree(piece);
		off += used;
		if (!rv && used != n)
			return -EIO;
	}
	*taken = off;
	return rv;
}

static void t_check_send(struct kunit *test, const struct t_sink *k, u16 pay)
{
	u16 i;

	KUNIT_EXPECT_EQ(test, k->begins, 1);
	KUNIT_EXPECT_EQ(test, k->ends, 1);
	KUNIT_EXPECT_TRUE(test, k->in_order);
	KUNIT_EXPECT_EQ(test, k->got, pay);
	KUNIT_EXPECT_EQ(test, k->seg.h.opcode, SRNIC_RDMAP_SEND);
	KUNIT_EXPECT_EQ(test, k->seg.pay_len, pay);
	for (i = 0; i < k->got; i++)
		if (k->data[i] != (u8)(i * 7 + 1)) {
			KUNIT_FAIL(test, "payload byte %u wrong", i);
			break;
		}
}

static void crc_is_rfc3720_crc32c(struct kunit *test)
{
	static const u8 want[4] = { 0xaa, 0x36, 0x91, 0x8a };
	u8 zero[32] = {}, wire[4];

	/* RFC 3720 B.4, 32 bytes of zeroes: the CRC MPA also uses. */
	put_unaligned_le32(~crc32c(~0U, zero, sizeof(zero)), wire);
	KUNIT_EXPECT_MEMEQ(test, wire, want, sizeof(want));
}

static void send_split_at_every_byte(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	size_t flen, cut, taken;
	u16 ulen;
	int crc;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_SEND, 1, 0, true, T_PAY);
	KUNIT_ASSERT_NE(test, ulen, 0);
	for (crc = 0; crc < 2; crc++) {
		flen = t_fpdu(f, u, ulen, crc);
		for (cut = 0; cut <= flen; cut++) {
			t_sink_init(k);
			srnic_fpdu_rx_init(rx, crc, SRNIC_RX_ULPDU_MAX);
			KUNIT_ASSERT_EQ(test, t_feed(rx, f, flen, cut, false, k,
						     &taken), 0);
			KUNIT_EXPECT_EQ(test, taken, flen);
			t_check_send(test, k, T_PAY);
		}
		t_sink_init(k);
		srnic_fpdu_rx_init(rx, crc, SRNIC_RX_ULPDU_MAX);
		KUNIT_ASSERT_EQ(test, t_feed(rx, f, flen, 0, true, k, &taken), 0);
		t_check_send(test, k, T_PAY);
	}
}

/* Two FPDUs, the second a tagged Write, in one stream cut anywhere. */
static void back_to_back_split_at_every_byte(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	size_t flen, cut, taken;
	u16 ulen;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_SEND, 1, 0, true, 5);
	flen = t_fpdu(f, u, ulen, true);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_WRITE, 0, 0, true, 0);
	flen += t_fpdu(f + flen, u, ulen, true);
	for (cut = 0; cut <= flen; cut++) {
		t_sink_init(k);
		srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
		KUNIT_ASSERT_EQ(test, t_feed(rx, f, flen, cut, false, k, &taken),
				0);
		KUNIT_EXPECT_EQ(test, k->begins, 2);
		KUNIT_EXPECT_EQ(test, k->ends, 2);
		KUNIT_EXPECT_EQ(test, k->got, 5);
		KUNIT_EXPECT_EQ(test, k->seg.h.opcode, SRNIC_RDMAP_WRITE);
		KUNIT_EXPECT_EQ(test, k->seg.h.stag, T_STAG);
		KUNIT_EXPECT_EQ(test, k->seg.h.to, T_TO);
		KUNIT_EXPECT_EQ(test, k->seg.pay_len, 0);
	}
}

static void t_expect_term(struct kunit *test, const struct srnic_fpdu_rx *rx,
			  u8 layer, u8 etype, u8 ecode)
{
	KUNIT_EXPECT_TRUE(test, rx->failed);
	KUNIT_EXPECT_EQ(test, rx->fail_term.layer, layer);
	KUNIT_EXPECT_EQ(test, rx->fail_term.etype, etype);
	KUNIT_EXPECT_EQ(test, rx->fail_term.ecode, ecode);
}

static void bad_crc_terminates_and_completes_nothing(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	size_t flen, at, taken;
	u16 ulen;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_SEND, 1, 0, true, T_PAY);
	flen = t_fpdu(f, u, ulen, true);
	/* A flipped bit anywhere, the length field excepted (framing). */
	for (at = 2; at < flen; at++) {
		f[at] ^= 0x10;
		t_sink_init(k);
		srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
		KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, at, false, k, &taken),
				-EPROTO);
		KUNIT_EXPECT_EQ(test, k->ends, 0);
		t_expect_term(test, rx, SRNIC_TERM_LAYER_LLP, SRNIC_TERM_LLP_MPA,
			      SRNIC_TERM_LLP_CRC);
		KUNIT_EXPECT_FALSE(test, rx->fail_quote);
		f[at] ^= 0x10;
	}
	/* Without CRCs the field is not checked. */
	f[flen - 1] ^= 0xff;
	t_sink_init(k);
	srnic_fpdu_rx_init(rx, false, SRNIC_RX_ULPDU_MAX);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, 0, true, k, &taken), 0);
	t_check_send(test, k, T_PAY);
}

/* siw's CVE class: ULPDU_Length shorter than the header it announces. */
static void ulpdu_below_header_length_terminates(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	static const u8 ops[] = { SRNIC_RDMAP_WRITE, SRNIC_RDMAP_SEND,
				  SRNIC_RDMAP_READ_REQ, SRNIC_RDMAP_TERMINATE };
	size_t flen, taken;
	u16 full, ulen;
	int i;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (ops[i] == SRNIC_RDMAP_TERMINATE) {
			struct srnic_term_code none = {};
			enum srnic_ddp_err e;
			size_t tl;

			e = srnic_ddp_build_term(none, NULL, 1, u, T_BUF, &tl);
			KUNIT_ASSERT_EQ(test, e, SRNIC_DDP_OK);
			full = tl;
		} else {
			full = t_send_ulpdu(u, ops[i], 1, 0, true, 0);
		}
		for (ulen = 0; ulen < full; ulen++) {
			flen = t_fpdu(f, u, ulen, true);
			t_sink_init(k);
			srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
			KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, 0, true, k,
						     &taken), -EPROTO);
			KUNIT_EXPECT_EQ(test, k->begins, 0);
			KUNIT_EXPECT_EQ(test, k->ends, 0);
			KUNIT_EXPECT_EQ(test, k->got, 0);
			/* Framed to its end, then refused. */
			KUNIT_EXPECT_EQ(test, taken, flen);
			t_expect_term(test, rx, SRNIC_TERM_LAYER_DDP,
				      SRNIC_TERM_DDP_CATASTROPHIC,
				      SRNIC_TERM_DDP_UNSPECIFIED_CATASTROPHIC);
		}
	}
}

static void ulpdu_over_limit_terminates_at_once(struct kunit *test)
{
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	u8 f[4] = { 0, 65, 0x41, 0x43 };
	size_t taken;

	KUNIT_ASSERT_TRUE(test, k && rx);
	t_sink_init(k);
	srnic_fpdu_rx_init(rx, true, 64);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, sizeof(f), 0, false, k, &taken),
			-EPROTO);
	/* Nothing after the length was read. */
	KUNIT_EXPECT_EQ(test, taken, 2);
	KUNIT_EXPECT_EQ(test, k->begins, 0);
	KUNIT_EXPECT_TRUE(test, rx->failed);
	KUNIT_EXPECT_FALSE(test, rx->fail_quote);
	/* A dead stream takes nothing more. */
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, sizeof(f), 0, false, k, &taken),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, taken, 0);
	/* 64 itself is fine. */
	f[1] = 64;
	srnic_fpdu_rx_init(rx, true, 64);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, 2, 0, false, k, &taken), 0);
}

static void bad_queue_number_terminates(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	size_t flen, taken;
	u16 ulen;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_SEND, 1, 0, true, 8);
	/* QN is bytes 6..9 of the untagged header: Send on queue 1. */
	put_unaligned_be32(SRNIC_DDP_QN_READ_REQ, u + 6);
	flen = t_fpdu(f, u, ulen, true);
	t_sink_init(k);
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, 9, false, k, &taken),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, k->got, 0);
	t_expect_term(test, rx, SRNIC_TERM_LAYER_DDP, SRNIC_TERM_DDP_UNTAGGED,
		      SRNIC_TERM_DDP_U_INVALID_QN);
	KUNIT_EXPECT_TRUE(test, rx->fail_quote);
	KUNIT_EXPECT_EQ(test, rx->seg.ulpdu_len, ulen);
}

/* The owner refuses at begin: payload is skipped, nothing completes. */
static void refused_segment_places_nothing(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	size_t flen, taken, tl;
	u8 term[SRNIC_DDP_TERM_MAX];
	u16 ulen;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_WRITE, 0, 0, true, T_PAY);
	flen = t_fpdu(f, u, ulen, true);
	t_sink_init(k);
	k->refuse_begin = SRNIC_DDP_ERR_RRESP_BOUNDS;
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, 0, true, k, &taken),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, k->got, 0);
	KUNIT_EXPECT_EQ(test, k->ends, 0);
	t_expect_term(test, rx, SRNIC_TERM_LAYER_DDP, SRNIC_TERM_DDP_TAGGED,
		      SRNIC_TERM_DDP_T_BASE_BOUNDS);
	/* The Terminate quotes the tagged header and the real length. */
	KUNIT_ASSERT_EQ(test, srnic_ddp_build_term(rx->fail_term, &rx->seg, 1,
						   term, sizeof(term), &tl),
			SRNIC_DDP_OK);
	KUNIT_EXPECT_EQ(test, tl, 18 + 4 + 2 + 14);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(term + 22), ulen);
	KUNIT_EXPECT_MEMEQ(test, term + 24, u, 14);
}

static void read_request_with_payload_terminates(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	size_t flen, taken;
	u16 ulen;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	ulen = t_send_ulpdu(u, SRNIC_RDMAP_READ_REQ, 1, 0, true, 0);
	KUNIT_ASSERT_EQ(test, ulen, 46);
	flen = t_fpdu(f, u, ulen, true);
	t_sink_init(k);
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, 0, true, k, &taken), 0);
	KUNIT_EXPECT_EQ(test, k->ends, 1);
	KUNIT_EXPECT_EQ(test, k->seg.h.opcode, SRNIC_RDMAP_READ_REQ);

	flen = t_fpdu(f, u, ulen + 3, true);
	t_sink_init(k);
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, 0, true, k, &taken),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, k->begins, 0);
	t_expect_term(test, rx, SRNIC_TERM_LAYER_RDMAP,
		      SRNIC_TERM_RDMAP_OPERATION, SRNIC_TERM_RDMAP_UNSPECIFIED);
}

static void terminate_received_reaches_owner(struct kunit *test)
{
	u8 *u = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *f = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct t_sink *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct srnic_term_code code;
	struct srnic_ddp_seg bad;
	size_t flen, taken, tl, cut;
	u8 w[64];
	u16 wl;

	KUNIT_ASSERT_TRUE(test, u && f && k && rx);
	wl = t_send_ulpdu(w, SRNIC_RDMAP_WRITE, 0, 0, true, 0);
	KUNIT_ASSERT_EQ(test, srnic_ddp_parse(w, wl, &bad), SRNIC_DDP_OK);
	code = srnic_ddp_err_term(SRNIC_DDP_ERR_RRESP_STAG, true);
	KUNIT_ASSERT_EQ(test, srnic_ddp_build_term(code, &bad, 1, u, T_BUF, &tl),
			SRNIC_DDP_OK);
	flen = t_fpdu(f, u, tl, true);
	for (cut = 0; cut <= flen; cut++) {
		t_sink_init(k);
		k->end_rv = -ECONNRESET;
		srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
		KUNIT_EXPECT_EQ(test, t_feed(rx, f, flen, cut, false, k, &taken),
				-ECONNRESET);
		KUNIT_EXPECT_EQ(test, k->ends, 1);
		KUNIT_EXPECT_EQ(test, k->got, 0);
		KUNIT_EXPECT_EQ(test, k->seg.h.opcode, SRNIC_RDMAP_TERMINATE);
		KUNIT_EXPECT_EQ(test, k->seg.term.code.layer,
				SRNIC_TERM_LAYER_DDP);
		KUNIT_EXPECT_EQ(test, k->seg.term.code.ecode,
				SRNIC_TERM_DDP_T_INVALID_STAG);
		KUNIT_EXPECT_EQ(test, k->seg.term.ddp_hdr_len, 14);
	}
}

static void untagged_msn_and_offset_checked(struct kunit *test)
{
	struct srnic_rx_uq q;
	struct srnic_ddp_seg s = {};

	srnic_rx_uq_init(&q);
	s.h.msn = 1;
	s.pay_len = 100;
	KUNIT_EXPECT_EQ(test, srnic_rx_uq_check(&q, &s), SRNIC_DDP_OK);
	srnic_rx_uq_advance(&q, &s);
	/* Next segment of message 1 must start at 100. */
	s.h.mo = 99;
	KUNIT_EXPECT_EQ(test, srnic_rx_uq_check(&q, &s),
			SRNIC_DDP_ERR_UNTAGGED_MO);
	s.h.mo = 100;
	s.h.msn = 2;
	KUNIT_EXPECT_EQ(test, srnic_rx_uq_check(&q, &s),
			SRNIC_DDP_ERR_MSN_RANGE);
	s.h.msn = 1;
	s.h.last = true;
	KUNIT_EXPECT_EQ(test, srnic_rx_uq_check(&q, &s), SRNIC_DDP_OK);
	srnic_rx_uq_advance(&q, &s);
	KUNIT_EXPECT_EQ(test, q.msn, 2);
	KUNIT_EXPECT_EQ(test, q.mo, 0);
	/* A message may not run past 2^32 bytes. */
	q.mo = U32_MAX - 10;
	s.h.msn = 2;
	s.h.mo = q.mo;
	s.pay_len = 11;
	KUNIT_EXPECT_EQ(test, srnic_rx_uq_check(&q, &s),
			SRNIC_DDP_ERR_UNTAGGED_MO);
	/* The codes RFC 5041 7.2 gives them. */
	KUNIT_EXPECT_EQ(test, srnic_ddp_err_term(SRNIC_DDP_ERR_MSN_RANGE,
						 false).ecode,
			SRNIC_TERM_DDP_U_MSN_RANGE);
	KUNIT_EXPECT_EQ(test, srnic_ddp_err_term(SRNIC_DDP_ERR_UNTAGGED_MO,
						 false).ecode,
			SRNIC_TERM_DDP_U_INVALID_MO);
}

static struct kunit_case srnic_qp_rx_cases[] = {
	KUNIT_CASE(crc_is_rfc3720_crc32c),
	KUNIT_CASE(send_split_at_every_byte),
	KUNIT_CASE(back_to_back_split_at_every_byte),
	KUNIT_CASE(bad_crc_terminates_and_completes_nothing),
	KUNIT_CASE(ulpdu_below_header_length_terminates),
	KUNIT_CASE(ulpdu_over_limit_terminates_at_once),
	KUNIT_CASE(bad_queue_number_terminates),
	KUNIT_CASE(refused_segment_places_nothing),
	KUNIT_CASE(read_request_with_payload_terminates),
	KUNIT_CASE(terminate_received_reaches_owner),
	KUNIT_CASE(untagged_msn_and_offset_checked),
	{}
};

static struct kunit_suite srnic_qp_rx_suite = {
	.name = "srnic_qp_rx",
	.test_cases = srnic_qp_rx_cases,
};

kunit_test_suite(srnic_qp_rx_suite);

MODULE_DESCRIPTION("KUnit tests for srnic's FPDU receive parser");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
