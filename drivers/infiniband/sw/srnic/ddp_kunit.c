// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: DDP and RDMAP headers, Terminate, Read Response bounds and RDMA
 * Read credits (ddp.c). Segments are built by ddp.c and then bent one
 * field at a time, so every refusal is shown against a segment that is
 * good in every other way; every ULPDU is parsed from a buffer of its
 * exact size, so KASAN sees any read past it. The wire layout is checked
 * once against bytes written out by hand from RFC 5040 and RFC 5041.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "ddp.h"

#define T_TAGGED_LEN	14
#define T_UNTAGGED_LEN	18
#define T_RREQ_LEN	(18 + 28)
#define T_TERM_LEN	(18 + 4)
#define T_BUF		256
#define T_STAG		0x12345678
#define T_TO		0x0123456789abcdefULL

static const char * const t_op_names[] = {
	"write", "read_req", "read_resp", "send", "send_inv", "send_se",
	"send_se_inv", "terminate",
};

/* A header of @opcode with every field distinct, in @buf. */
static struct srnic_ddp_hdr t_hdr(u8 opcode, bool last)
{
	struct srnic_ddp_hdr h = {
		.opcode = opcode,
		.last = last,
		.stag = T_STAG,
		.to = T_TO,
		.msn = 0x01020304,
		.mo = 0x05060708,
	};

	if (opcode == SRNIC_RDMAP_READ_REQ) {
		h.last = true;
		h.mo = 0;
		h.rreq.sink_stag = 0xa1a2a3a4;
		h.rreq.sink_to = 0x1000;
		h.rreq.size = 0x10000;
		h.rreq.src_stag = 0xb1b2b3b4;
		h.rreq.src_to = 0x2000;
	}
	return h;
}

/* Parse @len bytes of @src from a buffer of exactly that size. */
static enum srnic_ddp_err t_parse(struct kunit *test, const u8 *src, u16 len,
				  struct srnic_ddp_seg *s, u8 **copy)
{
	u8 *b = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	memcpy(b, src, len);
	if (copy)
		*copy = b;
	return srnic_ddp_parse(b, len, s);
}

/* Round trips: every opcode but Terminate, L on and off, some payload. */
static void t_round_trip(struct kunit *test, u8 opcode, bool last, u16 pay)
{
	struct srnic_ddp_hdr h = t_hdr(opcode, last);
	u8 *buf = kunit_kzalloc(test, T_BUF + 1000, GFP_KERNEL);
	struct srnic_ddp_seg s;
	size_t len;
	u8 *copy;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build(&h, buf, T_BUF, &len));
	/* A Read Request is one message, and its body is all of it. */
	if (opcode == SRNIC_RDMAP_READ_REQ)
		pay = 0;
	memset(buf + len, 0x5a, pay);
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			t_parse(test, buf, len + pay, &s, &copy));
	KUNIT_EXPECT_EQ(test, s.h.opcode, opcode);
	KUNIT_EXPECT_EQ(test, s.h.last, h.last);
	KUNIT_EXPECT_EQ(test, s.tagged, srnic_ddp_opcode_tagged(opcode));
	KUNIT_EXPECT_EQ(test, s.hdr_len, len);
	KUNIT_EXPECT_EQ(test, s.pay_len, pay);
	KUNIT_EXPECT_PTR_EQ(test, s.payload, pay ? copy + len : NULL);
	if (s.tagged) {
		KUNIT_EXPECT_EQ(test, len, T_TAGGED_LEN);
		KUNIT_EXPECT_EQ(test, s.h.stag, T_STAG);
		KUNIT_EXPECT_EQ(test, s.h.to, T_TO);
		return;
	}
	KUNIT_EXPECT_EQ(test, s.h.qn, opcode == SRNIC_RDMAP_READ_REQ ?
			SRNIC_DDP_QN_READ_REQ : SRNIC_DDP_QN_SEND);
	KUNIT_EXPECT_EQ(test, s.h.msn, h.msn);
	KUNIT_EXPECT_EQ(test, s.h.mo, h.mo);
	/* Only the Invalidate opcodes carry an STag in an untagged header. */
	KUNIT_EXPECT_EQ(test, s.h.stag, opcode == SRNIC_RDMAP_SEND_INV ||
			opcode == SRNIC_RDMAP_SEND_SE_INV ? T_STAG : 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(copy + 2), s.h.stag);
	KUNIT_EXPECT_EQ(test, s.h.rreq.sink_stag, h.rreq.sink_stag);
	KUNIT_EXPECT_EQ(test, s.h.rreq.sink_to, h.rreq.sink_to);
	KUNIT_EXPECT_EQ(test, s.h.rreq.size, h.rreq.size);
	KUNIT_EXPECT_EQ(test, s.h.rreq.src_stag, h.rreq.src_stag);
	KUNIT_EXPECT_EQ(test, s.h.rreq.src_to, h.rreq.src_to);
}

static const u8 t_ops[] = { 0, 1, 2, 3, 4, 5, 6 };

static void t_op_desc(const u8 *op, char *desc)
{
	strscpy(desc, t_op_names[*op], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_op, t_ops, t_op_desc);

static void every_opcode_round_trips(struct kunit *test)
{
	static const u16 pays[] = { 0, 1, 3, 1000 };
	const u8 *op = test->param_value;
	unsigned int i;

	for (i = 0; i < 2 * ARRAY_SIZE(pays); i++)
		t_round_trip(test, *op, i & 1, pays[i / 2]);
}

/* Malformed segments: one good segment, one field bent. */

struct t_bad {
	const char *name;
	u8 opcode;
	u8 off;			/* byte to change */
	u8 clear;		/* bits cleared first */
	u8 set;			/* then set */
	s16 trim;		/* bytes cut off the end (< 0: added) */
	enum srnic_ddp_err err;
	struct srnic_term_code term;
};

#define W	SRNIC_RDMAP_WRITE
#define RQ	SRNIC_RDMAP_READ_REQ
#define RR	SRNIC_RDMAP_READ_RESP
#define S	SRNIC_RDMAP_SEND
#define SI	SRNIC_RDMAP_SEND_INV
#define SE	SRNIC_RDMAP_SEND_SE
#define SEI	SRNIC_RDMAP_SEND_SE_INV
#define TM	SRNIC_RDMAP_TERMINATE
#define E(x)	SRNIC_DDP_ERR_##x
#define TC(l, t, c) \
	{ SRNIC_TERM_LAYER_##l, SRNIC_TERM_##l##_##t, SRNIC_TERM_##l##_##c }
#define CATA	TC(DDP, CATASTROPHIC, UNSPECIFIED_CATASTROPHIC)
#define RV	TC(RDMAP, OPERATION, VERSION)
#define UNSP	TC(RDMAP, OPERATION, UNSPECIFIED)
#define OPC	TC(RDMAP, OPERATION, UNEXPECTED_OPCODE)
#define QN	TC(DDP, UNTAGGED, U_INVALID_QN)
#define MO	TC(DDP, UNTAGGED, U_INVALID_MO)
#define DDPV_T	TC(DDP, TAGGED, T_VERSION)
#define DDPV_U	TC(DDP, UNTAGGED, U_VERSION)
#define DV	E(DDP_VERSION)
#define RQL	E(READ_REQ_LEN)
#define TF	E(TERM_FORMAT)

static const struct t_bad t_bads[] = {
	{ "ddp_version_0_tagged", W, 0, 0x03, 0, 0, DV, DDPV_T },
	{ "ddp_version_2_tagged", RR, 0, 0x03, 2, 0, DV, DDPV_T },
	{ "ddp_version_3_tagged", W, 0, 0x03, 3, 0, DV, DDPV_T },
	{ "ddp_version_0_untagged", S, 0, 0x03, 0, 0, DV, DDPV_U },
	{ "ddp_version_2_untagged", RQ, 0, 0x03, 2, 0, DV, DDPV_U },
	{ "ddp_version_3_untagged", TM, 0, 0x03, 3, 0, DV, DDPV_U },
	{ "ddp_reserved_bit_2", W, 0, 0, 0x20, 0, E(DDP_RSVD), CATA },
	{ "ddp_reserved_bit_3", S, 0, 0, 0x10, 0, E(DDP_RSVD), CATA },
	{ "ddp_reserved_bit_4", RQ, 0, 0, 0x08, 0, E(DDP_RSVD), CATA },
	{ "ddp_reserved_bit_5", RR, 0, 0, 0x04, 0, E(DDP_RSVD), CATA },
	{ "ddp_reserved_all", TM, 0, 0, 0x3c, 0, E(DDP_RSVD), CATA },
	{ "rdmap_version_0", W, 1, 0xc0, 0x00, 0, E(RDMAP_VERSION), RV },
	{ "rdmap_version_2", S, 1, 0xc0, 0x80, 0, E(RDMAP_VERSION), RV },
	{ "rdmap_version_3", RQ, 1, 0xc0, 0xc0, 0, E(RDMAP_VERSION), RV },
	{ "rdmap_reserved_bit_2", RR, 1, 0, 0x20, 0, E(RDMAP_RSVD), UNSP },
	{ "rdmap_reserved_bit_3", SE, 1, 0, 0x10, 0, E(RDMAP_RSVD), UNSP },
	{ "write_untagged", W, 0, 0x80, 0, 0, E(MODEL), OPC },
	{ "read_response_untagged", RR, 0, 0x80, 0, 0, E(MODEL), OPC },
	{ "read_request_tagged", RQ, 0, 0, 0x80, 0, E(MODEL), OPC },
	{ "send_tagged", S, 0, 0, 0x80, 0, E(MODEL), OPC },
	{ "send_inv_tagged", SI, 0, 0, 0x80, 0, E(MODEL), OPC },
	{ "send_se_tagged", SE, 0, 0, 0x80, 0, E(MODEL), OPC },
	{ "send_se_inv_tagged", SEI, 0, 0, 0x80, 0, E(MODEL), OPC },
	{ "terminate_tagged", TM, 0, 0, 0x80, 0, E(MODEL), OPC },
	{ "send_on_queue_1", S, 9, 0xff, 1, 0, E(QN), QN },
	{ "send_inv_on_queue_2", SI, 9, 0xff, 2, 0, E(QN), QN },
	{ "send_se_on_queue_3", SE, 9, 0xff, 3, 0, E(QN), QN },
	{ "send_se_inv_on_queue_2pow24", SEI, 6, 0xff, 1, 0, E(QN), QN },
	{ "read_request_on_queue_0", RQ, 9, 0xff, 0, 0, E(QN), QN },
	{ "read_request_on_queue_2", RQ, 9, 0xff, 2, 0, E(QN), QN },
	{ "terminate_on_queue_0", TM, 9, 0xff, 0, 0, E(QN), QN },
	{ "terminate_on_queue_1", TM, 9, 0xff, 1, 0, E(QN), QN },
	{ "terminate_on_queue_high", TM, 6, 0, 0x80, 0, E(QN), QN },
	{ "read_request_without_last", RQ, 0, 0x40, 0, 0, E(NOT_LAST), UNSP },
	{ "terminate_without_last", TM, 0, 0x40, 0, 0, E(NOT_LAST), UNSP },
	{ "read_request_at_offset_1", RQ, 17, 0, 1, 0, E(MO), MO },
	{ "terminate_at_offset_2pow31", TM, 14, 0, 0x80, 0, E(MO), MO },
	{ "read_request_with_payload_1", RQ, 0, 0, 0, -1, RQL, UNSP },
	{ "read_request_with_payload_4", RQ, 0, 0, 0, -4, RQL, UNSP },
	{ "empty_tagged_ulpdu", W, 0, 0, 0, T_TAGGED_LEN, E(SHORT), CATA },
	{ "empty_untagged_ulpdu", S, 0, 0, 0, T_UNTAGGED_LEN, E(SHORT), CATA },
	{ "read_request_without_body", RQ, 0, 0, 0, 28, E(SHORT), CATA },
	{ "terminate_without_control", TM, 0, 0, 0, 4, E(SHORT), CATA },
	{ "terminate_hdrct_reserved", TM, 21, 0, 0x01, 0, TF, UNSP },
	{ "terminate_m_without_length", TM, 20, 0, 0x80, 0, TF, UNSP },
	{ "terminate_r_without_d", TM, 20, 0, 0xa0, -2, TF, UNSP },
	{ "terminate_d_without_header", TM, 20, 0, 0xc0, -2, TF, UNSP },
	/* What RFC 5040 does not check, is not. */
	{ "untagged_stag_ignored_for_send", S, 2, 0, 0xff, 0, SRNIC_DDP_OK, {} },
	{ "write_not_last", W, 0, 0x40, 0, 0, SRNIC_DDP_OK, {} },
	{ "send_at_any_offset", S, 14, 0, 0xff, 0, SRNIC_DDP_OK, {} },
	{ "terminate_length_only", TM, 20, 0, 0x80, -2, SRNIC_DDP_OK, {} },
};

KUNIT_ARRAY_PARAM_DESC(t_bad, t_bads, name);

static void malformed_segments_are_refused(struct kunit *test)
{
	const struct t_bad *b = test->param_value;
	struct srnic_ddp_hdr h = t_hdr(b->opcode, true);
	struct srnic_term_code code;
	u8 buf[T_BUF] = {};
	struct srnic_ddp_seg s;
	size_t len;

	if (b->opcode == TM)
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build_term((struct srnic_term_code){},
						     NULL, 0, buf, T_BUF,
						     &len));
	else
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build(&h, buf, T_BUF, &len));
	buf[b->off] = (buf[b->off] & ~b->clear) | b->set;
	len = (ssize_t)len - b->trim;
	KUNIT_EXPECT_EQ(test, b->err, t_parse(test, buf, len, &s, NULL));
	if (b->err == SRNIC_DDP_OK)
		return;
	code = srnic_ddp_err_term(b->err, s.tagged);
	KUNIT_EXPECT_EQ(test, code.layer, b->term.layer);
	KUNIT_EXPECT_EQ(test, code.etype, b->term.etype);
	KUNIT_EXPECT_EQ(test, code.ecode, b->term.ecode);
}

/* Undefined opcodes, tagged and untagged, over a header of either size. */
static void unknown_opcodes_are_refused(struct kunit *test)
{
	u8 buf[T_RREQ_LEN] = { 0x41, 0x40 };
	struct srnic_ddp_hdr h = { .last = true };
	struct srnic_ddp_seg s;
	struct srnic_term_code code;
	size_t len;
	u8 op;

	for (op = SRNIC_RDMAP_OPCODE_NR; op <= 0xf; op++) {
		buf[1] = 0x40 | op;
		buf[0] = 0x41;
		KUNIT_EXPECT_EQ(test, SRNIC_DDP_ERR_OPCODE,
				t_parse(test, buf, sizeof(buf), &s, NULL));
		buf[0] = 0xc1;
		KUNIT_EXPECT_EQ(test, SRNIC_DDP_ERR_OPCODE,
				t_parse(test, buf, 2, &s, NULL));
		code = srnic_ddp_err_term(SRNIC_DDP_ERR_OPCODE, s.tagged);
		KUNIT_EXPECT_EQ(test, code.layer, SRNIC_TERM_LAYER_RDMAP);
		KUNIT_EXPECT_EQ(test, code.ecode,
				SRNIC_TERM_RDMAP_UNEXPECTED_OPCODE);
		h.opcode = op;
		KUNIT_EXPECT_EQ(test, SRNIC_DDP_ERR_OPCODE,
				srnic_ddp_build(&h, buf, sizeof(buf), &len));
		KUNIT_EXPECT_EQ(test, len, 0);
	}
}

/*
 * The siw CVE class: a ULPDU shorter than its header. Every opcode, every
 * length below the header, from a buffer of exactly that size.
 */
struct t_short {
	const char *name;
	u8 opcode;
	bool quote;		/* Terminate quoting a Read Request */
};

static const struct t_short t_shorts[] = {
	{ "write", W }, { "read_req", RQ }, { "read_resp", RR },
	{ "send", S }, { "send_inv", SI }, { "send_se", SE },
	{ "send_se_inv", SEI }, { "terminate", TM },
	{ "terminate_quoting_read_req", TM, true },
};

KUNIT_ARRAY_PARAM_DESC(t_short, t_shorts, name);

static void header_beyond_ulpdu_at_every_length(struct kunit *test)
{
	const struct t_short *t = test->param_value;
	struct srnic_ddp_hdr h = t_hdr(t->opcode, true);
	struct srnic_ddp_seg s, bad;
	u8 buf[T_BUF], rreq[T_RREQ_LEN];
	size_t len, rlen, n, hdr;
	enum srnic_ddp_err want;

	if (t->opcode != TM) {
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build(&h, buf, T_BUF, &len));
	} else {
		h = t_hdr(RQ, true);
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build(&h, rreq, sizeof(rreq), &rlen));
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_parse(rreq, rlen, &bad));
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build_term(srnic_ddp_err_term(E(IRD),
									false),
						     t->quote ? &bad : NULL, 7,
						     buf, T_BUF, &len));
	}
	hdr = t->opcode == TM ? T_TERM_LEN : len;
	for (n = 0; n < len; n++) {
		want = n < hdr ? E(SHORT) : E(TERM_FORMAT);
		KUNIT_EXPECT_EQ_MSG(test, want, t_parse(test, buf, n, &s, NULL),
				    "length %zu of %zu", n, len);
		if (want == E(SHORT))
			KUNIT_EXPECT_EQ(test, s.pay_len, 0);
	}
	KUNIT_EXPECT_EQ(test, SRNIC_DDP_OK, t_parse(test, buf, len, &s, NULL));
	KUNIT_EXPECT_EQ(test, s.hdr_len, hdr);
	KUNIT_EXPECT_EQ(test, s.hdr_len + s.pay_len, len);
}

/* Read Request sizes and ranges at the edges of 32 and 64 bits. */
struct t_rreq {
	const char *name;
	u32 size;
	u64 sink_to;
	u64 src_to;
	enum srnic_ddp_err err;
};

static const struct t_rreq t_rreqs[] = {
	{ "size_0", 0, 0, 0, SRNIC_DDP_OK },
	{ "size_0_at_top", 0, U64_MAX, U64_MAX, SRNIC_DDP_OK },
	{ "size_1", 1, 0, 0, SRNIC_DDP_OK },
	{ "size_2pow32_minus_1", U32_MAX, 0, 0, SRNIC_DDP_OK },
	{ "source_ends_at_2pow64", U32_MAX, 0, 1ULL + U64_MAX - U32_MAX,
	  SRNIC_DDP_OK },
	{ "source_ends_past_2pow64", U32_MAX, 0, 2ULL + U64_MAX - U32_MAX,
	  E(READ_REQ_WRAP) },
	{ "sink_ends_past_2pow64", 2, U64_MAX, 0, E(READ_REQ_WRAP) },
	{ "last_byte_of_space", 1, U64_MAX, U64_MAX, SRNIC_DDP_OK },
	{ "two_bytes_at_top", 2, 0, U64_MAX, E(READ_REQ_WRAP) },
};

KUNIT_ARRAY_PARAM_DESC(t_rreq, t_rreqs, name);

static void read_request_sizes_and_ranges(struct kunit *test)
{
	const struct t_rreq *r = test->param_value;
	struct srnic_ddp_hdr h = t_hdr(RQ, true);
	struct srnic_ddp_seg s;
	u8 buf[T_RREQ_LEN];
	size_t len;

	h.rreq.size = r->size;
	h.rreq.sink_to = r->sink_to;
	h.rreq.src_to = r->src_to;
	KUNIT_EXPECT_EQ(test, r->err,
			srnic_ddp_build(&h, buf, sizeof(buf), &len));
	if (r->err) {
		/* What the builder refuses, a peer can still send. */
		h.rreq.size = 0;
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build(&h, buf, sizeof(buf), &len));
		put_unaligned_be32(r->size, buf + 18 + 12);
	}
	KUNIT_EXPECT_EQ(test, r->err, t_parse(test, buf, len, &s, NULL));
	KUNIT_EXPECT_EQ(test, s.h.rreq.size, r->size);
	KUNIT_EXPECT_EQ(test, s.h.rreq.sink_to, r->sink_to);
	KUNIT_EXPECT_EQ(test, s.h.rreq.src_to, r->src_to);
}

/* Read Response bounding, one segment at a time. */
struct t_rresp {
	const char *name;
	struct srnic_rread rd;
	u32 stag;
	u64 to;
	u32 len;
	bool last;
	enum srnic_ddp_err err;
};

#define RD(to, len)	{ T_STAG, to, len }
#define TOP		(U64_MAX - 99)

static const struct t_rresp t_rresps[] = {
	{ "whole_range", RD(4096, 100), T_STAG, 4096, 100, true, SRNIC_DDP_OK },
	{ "first_byte", RD(4096, 100), T_STAG, 4096, 1, false, SRNIC_DDP_OK },
	{ "last_byte", RD(4096, 100), T_STAG, 4195, 1, true, SRNIC_DDP_OK },
	{ "one_before", RD(4096, 100), T_STAG, 4095, 1, false,
	  E(RRESP_BOUNDS) },
	{ "one_past", RD(4096, 100), T_STAG, 4196, 1, true, E(RRESP_BOUNDS) },
	{ "last_byte_plus_one", RD(4096, 100), T_STAG, 4195, 2, true,
	  E(RRESP_BOUNDS) },
	{ "middle_segment_overrun", RD(4096, 100), T_STAG, 4146, 51, false,
	  E(RRESP_BOUNDS) },
	{ "middle_segment_4g", RD(4096, 100), T_STAG, 4146, U32_MAX, false,
	  E(RRESP_BOUNDS) },
	{ "middle_segment_inside", RD(4096, 100), T_STAG, 4146, 10, false,
	  SRNIC_DDP_OK },
	{ "far_below", RD(4096, 100), T_STAG, 0, 100, true, E(RRESP_BOUNDS) },
	{ "wraps_to_range", RD(0, 100), T_STAG, U64_MAX, 2, false,
	  E(RRESP_WRAP) },
	{ "wraps_at_2pow64", RD(TOP, 100), T_STAG, U64_MAX, 2, true,
	  E(RRESP_WRAP) },
	{ "range_ends_at_2pow64", RD(TOP, 100), T_STAG, TOP, 100, true,
	  SRNIC_DDP_OK },
	{ "last_byte_of_space", RD(TOP, 100), T_STAG, U64_MAX, 1, true,
	  SRNIC_DDP_OK },
	{ "full_32bit_read", RD(0, U32_MAX), T_STAG, 0, U32_MAX, true, SRNIC_DDP_OK },
	{ "l_early", RD(4096, 100), T_STAG, 4096, 99, true, E(RRESP_LAST) },
	{ "l_late", RD(4096, 100), T_STAG, 4146, 50, false, E(RRESP_LAST) },
	{ "zero_length_read", RD(4096, 0), T_STAG, 4096, 0, true, SRNIC_DDP_OK },
	{ "zero_length_read_with_data", RD(4096, 0), T_STAG, 4096, 1, true,
	  E(RRESP_BOUNDS) },
	{ "zero_length_read_elsewhere", RD(4096, 0), T_STAG, 4097, 0, true,
	  E(RRESP_BOUNDS) },
	{ "other_stag", RD(4096, 100), T_STAG + 1, 4096, 100, true,
	  E(RRESP_STAG) },
};

KUNIT_ARRAY_PARAM_DESC(t_rresp, t_rresps, name);

static void read_response_bounded_by_its_read(struct kunit *test)
{
	const struct t_rresp *r = test->param_value;
	enum srnic_ddp_err err;
	struct srnic_term_code c;

	err = srnic_ddp_rresp_check(&r->rd, r->stag, r->to, r->len, r->last);
	KUNIT_EXPECT_EQ(test, r->err, err);
	if (err == E(RRESP_BOUNDS)) {
		c = srnic_ddp_err_term(err, true);
		KUNIT_EXPECT_EQ(test, c.layer, SRNIC_TERM_LAYER_DDP);
		KUNIT_EXPECT_EQ(test, c.etype, SRNIC_TERM_DDP_TAGGED);
		KUNIT_EXPECT_EQ(test, c.ecode, SRNIC_TERM_DDP_T_BASE_BOUNDS);
	}
}

/*
 * A Read answered in many segments: each segment is checked on its own,
 * so an overrun is caught whichever segment carries it.
 */
static void read_response_every_segment_checked(struct kunit *test)
{
	const struct srnic_rread rd = RD(1ULL << 40, 10000);
	u32 seg = 1448, off, n, bent;
	bool last;

	for (bent = 0; bent * seg < rd.len; bent++) {
		for (off = 0; off < rd.len; off += n) {
			n = min(seg, rd.len - off);
			last = off + n == rd.len;
			KUNIT_EXPECT_EQ(test, SRNIC_DDP_OK,
					srnic_ddp_rresp_check(&rd, T_STAG,
							      rd.to + off, n,
							      last));
			if (off / seg != bent)
				continue;
			KUNIT_EXPECT_EQ(test, E(RRESP_BOUNDS),
					srnic_ddp_rresp_check(&rd, T_STAG,
							      rd.to + off,
							      rd.len - off + 1,
							      last));
			KUNIT_EXPECT_EQ(test, E(RRESP_BOUNDS),
					srnic_ddp_rresp_check(&rd, T_STAG,
							      rd.to + off,
							      U32_MAX, last));
		}
	}
}

/* Terminate: every layer, type and code, quoting each kind of header. */
struct t_term {
	const char *name;
	struct srnic_term_code code;
};

#define TT(l, t, c)	{ #l "_" #t "_" #c, TC(l, t, c) }

static const struct t_term t_terms[] = {
	TT(RDMAP, CATASTROPHIC, UNSPECIFIED_CATASTROPHIC),
	TT(RDMAP, PROTECTION, INVALID_STAG), TT(RDMAP, PROTECTION, BASE_BOUNDS),
	TT(RDMAP, PROTECTION, ACCESS_RIGHTS),
	TT(RDMAP, PROTECTION, STAG_NOT_ASSOC), TT(RDMAP, PROTECTION, TO_WRAP),
	TT(RDMAP, PROTECTION, CANNOT_INVALIDATE),
	TT(RDMAP, PROTECTION, UNSPECIFIED), TT(RDMAP, OPERATION, VERSION),
	TT(RDMAP, OPERATION, UNEXPECTED_OPCODE),
	TT(RDMAP, OPERATION, CATASTROPHIC_STREAM),
	TT(RDMAP, OPERATION, CATASTROPHIC_GLOBAL),
	TT(RDMAP, OPERATION, CANNOT_INVALIDATE),
	TT(RDMAP, OPERATION, UNSPECIFIED),
	TT(DDP, CATASTROPHIC, UNSPECIFIED_CATASTROPHIC),
	TT(DDP, TAGGED, T_INVALID_STAG), TT(DDP, TAGGED, T_BASE_BOUNDS),
	TT(DDP, TAGGED, T_STAG_NOT_ASSOC), TT(DDP, TAGGED, T_TO_WRAP),
	TT(DDP, TAGGED, T_VERSION), TT(DDP, UNTAGGED, U_INVALID_QN),
	TT(DDP, UNTAGGED, U_MSN_NO_BUFFER), TT(DDP, UNTAGGED, U_MSN_RANGE),
	TT(DDP, UNTAGGED, U_INVALID_MO), TT(DDP, UNTAGGED, U_TOO_LONG),
	TT(DDP, UNTAGGED, U_VERSION), TT(LLP, MPA, STREAM_LOST),
	TT(LLP, MPA, CRC), TT(LLP, MPA, MARKER_MISMATCH),
	TT(LLP, MPA, BAD_REQ_REP), TT(LLP, MPA, CATASTROPHIC),
	TT(LLP, MPA, NO_IRD), TT(LLP, MPA, NO_RTR),
};

KUNIT_ARRAY_PARAM_DESC(t_term, t_terms, name);

/* What the Terminate quotes: nothing, or a segment of each kind. */
static void t_term_check(struct kunit *test, struct srnic_term_code code,
			 const u8 *bad_buf, u16 bad_len, u16 want_hdrct,
			 u8 ddp_len)
{
	struct srnic_ddp_seg bad, s;
	u8 buf[SRNIC_DDP_TERM_MAX];
	size_t len;

	srnic_ddp_parse(bad_buf, bad_len, &bad);
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build_term(code, bad_buf ? &bad : NULL,
					     0xabcdef, buf, sizeof(buf),
					     &len));
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK, t_parse(test, buf, len, &s, NULL));
	KUNIT_EXPECT_EQ(test, s.h.opcode, SRNIC_RDMAP_TERMINATE);
	KUNIT_EXPECT_TRUE(test, s.h.last);
	KUNIT_EXPECT_EQ(test, s.h.qn, SRNIC_DDP_QN_TERMINATE);
	KUNIT_EXPECT_EQ(test, s.h.msn, 0xabcdef);
	KUNIT_EXPECT_EQ(test, s.h.mo, 0);
	KUNIT_EXPECT_EQ(test, s.term.code.layer, code.layer);
	KUNIT_EXPECT_EQ(test, s.term.code.etype, code.etype);
	KUNIT_EXPECT_EQ(test, s.term.code.ecode, code.ecode);
	KUNIT_EXPECT_EQ(test, s.term.hdrct, want_hdrct);
	KUNIT_EXPECT_EQ(test, s.term.ddp_hdr_len, ddp_len);
	if (!bad_buf) {
		KUNIT_EXPECT_EQ(test, len, T_TERM_LEN);
		return;
	}
	KUNIT_EXPECT_EQ(test, s.term.seg_len, bad_len);
	if (ddp_len)
		KUNIT_EXPECT_MEMEQ(test, s.term.ddp_hdr, bad_buf, ddp_len);
	if (want_hdrct & SRNIC_TERM_HDRCT_R)
		KUNIT_EXPECT_MEMEQ(test, s.term.rdma_hdr, bad_buf + 18, 28);
	else
		KUNIT_EXPECT_NULL(test, s.term.rdma_hdr);
}

static void terminate_round_trips(struct kunit *test)
{
	const struct t_term *t = test->param_value;
	const u16 m = SRNIC_TERM_HDRCT_M, d = SRNIC_TERM_HDRCT_D;
	const u16 r = SRNIC_TERM_HDRCT_R;
	struct srnic_ddp_hdr h;
	u8 seg[T_BUF];
	size_t len;
	u8 op;

	t_term_check(test, t->code, NULL, 0, 0, 0);
	for (op = 0; op < SRNIC_RDMAP_TERMINATE; op++) {
		bool tagged = srnic_ddp_opcode_tagged(op);
		u8 dl = tagged ? T_TAGGED_LEN : T_UNTAGGED_LEN;

		h = t_hdr(op, true);
		KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
				srnic_ddp_build(&h, seg, sizeof(seg), &len));
		memset(seg + len, 0x77, 8);
		t_term_check(test, t->code, seg, len + 8,
			     m | d | (op == RQ ? r : 0), dl);
		/* A bad version is quoted as it came. */
		seg[0] ^= 0x03;
		t_term_check(test, t->code, seg, len, m | d |
			     (op == RQ ? r : 0), dl);
		/* A header cut short is not quoted; its length is. */
		t_term_check(test, t->code, seg, dl - 1, m, 0);
		if (op == RQ)
			t_term_check(test, t->code, seg, T_RREQ_LEN - 1, m | d,
				     dl);
	}
	t_term_check(test, t->code, seg, 0, m, 0);
}

static void builders_refuse_bad_input(struct kunit *test)
{
	struct srnic_term_code zero = {}, layer = { 16 }, type = { 0, 16 };
	struct srnic_ddp_hdr w = t_hdr(W, true), rq = t_hdr(RQ, true);
	struct srnic_ddp_hdr tm = t_hdr(TM, true);
	u8 buf[SRNIC_DDP_TERM_MAX];
	struct srnic_ddp_seg bad;
	size_t len = 1, n = sizeof(buf);

	KUNIT_EXPECT_EQ(test, E(TERM_FORMAT),
			srnic_ddp_build_term(layer, NULL, 0, buf, n, &len));
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_EQ(test, E(TERM_FORMAT),
			srnic_ddp_build_term(type, NULL, 0, buf, n, &len));
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK, srnic_ddp_build(&rq, buf, n, &len));
	srnic_ddp_parse(buf, len, &bad);
	KUNIT_EXPECT_EQ(test, E(NO_SPACE),
			srnic_ddp_build_term(zero, &bad, 0, buf, n - 1, &len));
	KUNIT_EXPECT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build_term(zero, &bad, 0, buf, n, &len));
	KUNIT_EXPECT_EQ(test, len, SRNIC_DDP_TERM_MAX);
	KUNIT_EXPECT_EQ(test, E(NO_SPACE),
			srnic_ddp_build(&w, buf, T_TAGGED_LEN - 1, &len));
	KUNIT_EXPECT_EQ(test, E(OPCODE), srnic_ddp_build(&tm, buf, n, &len));
	rq.last = false;
	KUNIT_EXPECT_EQ(test, E(NOT_LAST), srnic_ddp_build(&rq, buf, n, &len));
	rq.last = true;
	rq.mo = 1;
	KUNIT_EXPECT_EQ(test, E(MO), srnic_ddp_build(&rq, buf, n, &len));
}

static void t_expect_wire(struct kunit *test, const struct srnic_ddp_hdr *h,
			  const u8 *want, size_t n)
{
	u8 buf[T_BUF];
	size_t len;

	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build(h, buf, sizeof(buf), &len));
	KUNIT_ASSERT_EQ(test, len, n);
	KUNIT_EXPECT_MEMEQ(test, buf, want, n);
}

/* The bytes on the wire, written out by hand from RFC 5040 and 5041. */
static void wire_layout_matches_rfc(struct kunit *test)
{
	static const u8 write[] = {
		0xc1, 0x40, 0x12, 0x34, 0x56, 0x78,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	static const u8 send_se_inv[] = {
		0x01, 0x46, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	static const u8 read_req[] = {
		0x41, 0x41, 0, 0, 0, 0, 0, 0, 0, 1,
		0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
		0xa1, 0xa2, 0xa3, 0xa4, 0, 0, 0, 0, 0, 0, 0x10, 0x00,
		0, 1, 0, 0,
		0xb1, 0xb2, 0xb3, 0xb4, 0, 0, 0, 0, 0, 0, 0x20, 0x00,
	};
	static const u8 term[] = {
		0x41, 0x47, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0, 0,
		0x11, 0x01, 0xc0, 0x00, 0x00, 0x0e,
		0xc1, 0x40, 0x12, 0x34, 0x56, 0x78,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	const struct srnic_term_code bounds = TC(DDP, TAGGED, T_BASE_BOUNDS);
	struct srnic_ddp_hdr w = t_hdr(W, true), sei = t_hdr(SEI, false);
	struct srnic_ddp_hdr rq = t_hdr(RQ, true);
	struct srnic_ddp_seg bad;
	u8 buf[SRNIC_DDP_TERM_MAX];
	size_t len;

	t_expect_wire(test, &w, write, sizeof(write));
	t_expect_wire(test, &sei, send_se_inv, sizeof(send_se_inv));
	t_expect_wire(test, &rq, read_req, sizeof(read_req));
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_parse(write, sizeof(write), &bad));
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build_term(bounds, &bad, 9, buf,
					     sizeof(buf), &len));
	KUNIT_ASSERT_EQ(test, len, sizeof(term));
	KUNIT_EXPECT_MEMEQ(test, buf, term, len);
}

/* IRD and ORD are held exactly as negotiated. */
static void read_credits_are_exact(struct kunit *test)
{
	static const u32 depths[] = { 0, 1, 2, 3, 5, 127, 0x3fff };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(depths); i++) {
		struct srnic_rd_credits c = { .max = depths[i] };

		for (j = 0; j < depths[i]; j++)
			KUNIT_ASSERT_TRUE(test, srnic_ddp_credit_take(&c));
		KUNIT_EXPECT_FALSE(test, srnic_ddp_credit_take(&c));
		KUNIT_EXPECT_EQ(test, c.used, depths[i]);
		if (!depths[i])
			continue;
		srnic_ddp_credit_put(&c);
		KUNIT_EXPECT_TRUE(test, srnic_ddp_credit_take(&c));
		KUNIT_EXPECT_FALSE(test, srnic_ddp_credit_take(&c));
	}
}

static void every_reason_has_a_name_and_a_terminate(struct kunit *test)
{
	struct srnic_term_code c;
	unsigned int i, j;

	for (i = 0; i < SRNIC_DDP_ERR_NR; i++) {
		KUNIT_EXPECT_STRNEQ(test, srnic_ddp_err_name(i), "unknown");
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, srnic_ddp_err_name(i),
					    srnic_ddp_err_name(j));
		c = srnic_ddp_err_term(i, false);
		KUNIT_EXPECT_LE(test, c.layer, SRNIC_TERM_LAYER_DDP);
		KUNIT_EXPECT_LE(test, c.etype, SRNIC_TERM_DDP_UNTAGGED);
	}
	KUNIT_EXPECT_STREQ(test, srnic_ddp_err_name(SRNIC_DDP_ERR_NR),
			   "unknown");
	c = srnic_ddp_err_term(SRNIC_DDP_ERR_DDP_VERSION, true);
	KUNIT_EXPECT_EQ(test, c.ecode, SRNIC_TERM_DDP_T_VERSION);
	c = srnic_ddp_err_term(SRNIC_DDP_ERR_DDP_VERSION, false);
	KUNIT_EXPECT_EQ(test, c.ecode, SRNIC_TERM_DDP_U_VERSION);
}

/* Random ULPDUs in buffers of exact size: nothing read past the end. */
static void random_segments_stay_in_bounds(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, 0x5eed0dd9);
	for (i = 0; i < 20000; i++) {
		u16 len = prandom_u32_state(&rnd) % 80;
		u8 *b = kmalloc(len, GFP_KERNEL);
		struct srnic_ddp_seg s;
		enum srnic_ddp_err err;

		KUNIT_ASSERT_NOT_NULL(test, b);
		prandom_bytes_state(&rnd, b, len);
		if (len > 1) {
			/* Mostly plausible control bytes, so some parse. */
			b[0] = (b[0] & 0xc0) | SRNIC_DDP_VERSION;
			b[1] = 0x40 | (b[1] & 0x07);
		}
		err = srnic_ddp_parse(b, len, &s);
		kfree(b);
		KUNIT_ASSERT_LT(test, err, SRNIC_DDP_ERR_NR);
		if (err)
			continue;
		KUNIT_ASSERT_EQ(test, s.hdr_len + s.pay_len, len);
		KUNIT_ASSERT_LE(test, s.hdr_len, len);
	}
}

static struct kunit_case srnic_ddp_cases[] = {
	KUNIT_CASE_PARAM(every_opcode_round_trips, t_op_gen_params),
	KUNIT_CASE_PARAM(malformed_segments_are_refused, t_bad_gen_params),
	KUNIT_CASE(unknown_opcodes_are_refused),
	KUNIT_CASE_PARAM(header_beyond_ulpdu_at_every_length,
			 t_short_gen_params),
	KUNIT_CASE_PARAM(read_request_sizes_and_ranges, t_rreq_gen_params),
	KUNIT_CASE_PARAM(read_response_bounded_by_its_read,
			 t_rresp_gen_params),
	KUNIT_CASE(read_response_every_segment_checked),
	KUNIT_CASE_PARAM(terminate_round_trips, t_term_gen_params),
	KUNIT_CASE(builders_refuse_bad_input),
	KUNIT_CASE(wire_layout_matches_rfc),
	KUNIT_CASE(read_credits_are_exact),
	KUNIT_CASE(every_reason_has_a_name_and_a_terminate),
	KUNIT_CASE(random_segments_stay_in_bounds),
	{}
};

static struct kunit_suite srnic_ddp_suite = {
	.name = "srnic_ddp",
	.test_cases = srnic_ddp_cases,
};

kunit_test_suite(srnic_ddp_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic DDP and RDMAP headers");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
