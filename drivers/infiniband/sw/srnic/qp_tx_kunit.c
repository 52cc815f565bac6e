// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: transmit segmentation (qp_tx.c). Messages are cut into FPDUs,
 * the FPDUs laid end to end as TCP would carry them, and the stream read
 * back by the receive parser (qp_rx.c) cut at every byte: each FPDU must
 * stay within MULPDU, carry the offsets and L bit RFC 5041 asks for, and
 * pass the CRC check; the payload must come out as it went in.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "qp_rx.h"
#include "qp_tx.h"

#define T_STREAM	4096
#define T_MSG		1000
#define T_TO		0xfff0ULL

static const u8 t_none[1];

struct t_rx {
	int segs;
	int lasts;
	u32 bytes;
	u64 next_to;
	u32 next_mo;
	bool ordered;
	u8 data[T_MSG];
};

static int t_begin(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct t_rx *r = ctx;
	const struct srnic_ddp_seg *s = &rx->seg;

	if (s->tagged ? s->h.to != r->next_to : s->h.mo != r->next_mo)
		r->ordered = false;
	return 0;
}

static int t_data(void *ctx, struct srnic_fpdu_rx *rx, const u8 *p, u32 len,
		  u32 off)
{
	struct t_rx *r = ctx;

	if (r->bytes + len > sizeof(r->data))
		return -EINVAL;
	memcpy(r->data + r->bytes, p, len);
	r->bytes += len;
	return 0;
}

static int t_end(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct t_rx *r = ctx;
	const struct srnic_ddp_seg *s = &rx->seg;

	r->segs++;
	r->lasts += s->h.last;
	r->next_to += s->pay_len;
	r->next_mo += s->pay_len;
	return 0;
}

static const struct srnic_fpdu_rx_ops t_ops = {
	.begin = t_begin, .data = t_data, .end = t_end,
};

/* Cut a message into @out; fail the test if an FPDU is over @mulpdu. */
static size_t t_cut(struct kunit *test, const struct srnic_ddp_hdr *h,
		    const u8 *pay, u32 len, u32 mulpdu, bool crc, u8 *out,
		    int *nseg)
{
	struct srnic_fpdu_seg seg;
	struct srnic_fpdu_tx t;
	size_t n = 0;

	*nseg = 0;
	KUNIT_ASSERT_EQ(test, srnic_fpdu_tx_init(&t, h, len, mulpdu, crc), 0);
	while (!srnic_fpdu_tx_done(&t)) {
		KUNIT_ASSERT_EQ(test, srnic_fpdu_tx_next(&t, &seg), 0);
		KUNIT_EXPECT_LE(test, get_unaligned_be16(seg.head), mulpdu);
		KUNIT_ASSERT_LE(test, n + seg.head_len + seg.pay_len +
				SRNIC_TX_TAIL_MAX, (size_t)T_STREAM);
		memcpy(out + n, seg.head, seg.head_len);
		n += seg.head_len;
		/* The CRC walk in two pieces, as a page walk would. */
		srnic_fpdu_tx_crc(&t, &seg, pay + seg.pay_off, seg.pay_len / 2);
		srnic_fpdu_tx_crc(&t, &seg, pay + seg.pay_off + seg.pay_len / 2,
				  seg.pay_len - seg.pay_len / 2);
		memcpy(out + n, pay + seg.pay_off, seg.pay_len);
		n += seg.pay_len;
		n += srnic_fpdu_tx_tail(&t, &seg, out + n);
		KUNIT_EXPECT_EQ(test, n % 4, 0);
		(*nseg)++;
	}
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_next(&t, &seg), -ENODATA);
	return n;
}

static void t_read_back(struct kunit *test, const u8 *stream, size_t n,
			size_t cut, bool crc, struct t_rx *r, u64 to)
{
	struct srnic_fpdu_rx *rx = kzalloc(sizeof(*rx), GFP_KERNEL);
	size_t used, off = 0;
	int rv = 0;

	KUNIT_ASSERT_NOT_NULL(test, rx);
	memset(r, 0, sizeof(*r));
	r->ordered = true;
	r->next_to = to;
	srnic_fpdu_rx_init(rx, crc, SRNIC_RX_ULPDU_MAX);
	while (!rv && off < n) {
		size_t piece = off < cut ? cut - off : n - off;

		rv = srnic_fpdu_rx_feed(rx, stream + off, piece, &used, &t_ops,
					r);
		KUNIT_EXPECT_EQ(test, used, piece);
		off += used;
	}
	kfree(rx);
	KUNIT_EXPECT_EQ(test, rv, 0);
}

static void write_cut_at_mulpdu_reads_back_at_every_split(struct kunit *test)
{
	u8 *out = kunit_kzalloc(test, T_STREAM, GFP_KERNEL);
	u8 *pay = kunit_kzalloc(test, T_MSG, GFP_KERNEL);
	struct t_rx *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct srnic_ddp_hdr h = {
		.opcode = SRNIC_RDMAP_WRITE, .stag = 0x1234, .to = T_TO,
	};
	size_t n, cut;
	int i, nseg, crc;

	KUNIT_ASSERT_TRUE(test, out && pay && r);
	for (i = 0; i < T_MSG; i++)
		pay[i] = i * 13 + 5;
	for (crc = 0; crc < 2; crc++) {
		/* 14-byte header + 101 payload: odd, so every FPDU pads. */
		n = t_cut(test, &h, pay, T_MSG, 115, crc, out, &nseg);
		KUNIT_EXPECT_EQ(test, nseg, DIV_ROUND_UP(T_MSG, 101));
		for (cut = 0; cut <= n; cut += 1 + cut / 64) {
			t_read_back(test, out, n, cut, crc, r, T_TO);
			KUNIT_EXPECT_EQ(test, r->segs, nseg);
			KUNIT_EXPECT_EQ(test, r->lasts, 1);
			KUNIT_EXPECT_TRUE(test, r->ordered);
			KUNIT_EXPECT_EQ(test, r->bytes, T_MSG);
			KUNIT_EXPECT_MEMEQ(test, r->data, pay, T_MSG);
		}
	}
}

static void send_offsets_and_last(struct kunit *test)
{
	u8 *out = kunit_kzalloc(test, T_STREAM, GFP_KERNEL);
	u8 *pay = kunit_kzalloc(test, T_MSG, GFP_KERNEL);
	struct t_rx *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct srnic_ddp_hdr h = {
		.opcode = SRNIC_RDMAP_SEND_SE_INV, .stag = 0x99, .msn = 3,
	};
	size_t n, cut;
	int nseg;

	KUNIT_ASSERT_TRUE(test, out && pay && r);
	n = t_cut(test, &h, pay, 300, 18 + 128, true, out, &nseg);
	KUNIT_EXPECT_EQ(test, nseg, 3);
	for (cut = 0; cut <= n; cut++) {
		t_read_back(test, out, n, cut, true, r, 0);
		KUNIT_EXPECT_EQ(test, r->segs, 3);
		KUNIT_EXPECT_EQ(test, r->lasts, 1);
		KUNIT_EXPECT_TRUE(test, r->ordered);
		KUNIT_EXPECT_EQ(test, r->bytes, 300);
	}
}

static void zero_length_message_is_one_fpdu(struct kunit *test)
{
	u8 *out = kunit_kzalloc(test, T_STREAM, GFP_KERNEL);
	struct t_rx *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	static const u8 ops[] = { SRNIC_RDMAP_SEND, SRNIC_RDMAP_WRITE,
				  SRNIC_RDMAP_READ_RESP };
	struct srnic_ddp_hdr h = { .msn = 1 };
	size_t n;
	int i, nseg;

	KUNIT_ASSERT_TRUE(test, out && r);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		h.opcode = ops[i];
		n = t_cut(test, &h, t_none, 0, 1024, true, out, &nseg);
		KUNIT_EXPECT_EQ(test, nseg, 1);
		t_read_back(test, out, n, 0, true, r, 0);
		KUNIT_EXPECT_EQ(test, r->segs, 1);
		KUNIT_EXPECT_EQ(test, r->lasts, 1);
	}
}

static void read_request_is_one_whole_fpdu(struct kunit *test)
{
	u8 *out = kunit_kzalloc(test, T_STREAM, GFP_KERNEL);
	struct t_rx *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct srnic_ddp_hdr h = {
		.opcode = SRNIC_RDMAP_READ_REQ, .msn = 1,
		.rreq = { .sink_stag = 1, .sink_to = 2, .size = 4096,
			  .src_stag = 3, .src_to = 4 },
	};
	struct srnic_fpdu_tx t;
	size_t n;
	int nseg;

	KUNIT_ASSERT_TRUE(test, out && r);
	n = t_cut(test, &h, t_none, 0, 64, true, out, &nseg);
	KUNIT_EXPECT_EQ(test, nseg, 1);
	KUNIT_EXPECT_EQ(test, n, 2 + 46 + 4);
	t_read_back(test, out, n, 0, true, r, 0);
	KUNIT_EXPECT_EQ(test, r->segs, 1);
	/* A Read Request carries no payload; MULPDU must hold its body. */
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_init(&t, &h, 1, 1024, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_init(&t, &h, 0, 46, true),
			-EINVAL);
}

static void refuses_what_cannot_be_framed(struct kunit *test)
{
	struct srnic_ddp_hdr h = { .opcode = SRNIC_RDMAP_WRITE, .to = ~0ULL };
	struct srnic_fpdu_tx t;

	/* The range would run past 2^64. */
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_init(&t, &h, 2, 1024, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_init(&t, &h, 1, 1024, true), 0);
	h.to = 0;
	/* MULPDU must leave room for payload. */
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_init(&t, &h, 1, 14, true),
			-EINVAL);
	/* A Terminate is framed whole, never cut. */
	h.opcode = SRNIC_RDMAP_TERMINATE;
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_init(&t, &h, 0, 1024, true),
			-EINVAL);
}

static void terminate_framed_whole(struct kunit *test)
{
	u8 *out = kunit_kzalloc(test, T_STREAM, GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct t_rx *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct srnic_term_code code = {
		SRNIC_TERM_LAYER_LLP, SRNIC_TERM_LLP_MPA, SRNIC_TERM_LLP_CRC,
	};
	u8 term[SRNIC_DDP_TERM_MAX];
	size_t tl, n, used;

	KUNIT_ASSERT_TRUE(test, out && rx && r);
	KUNIT_ASSERT_EQ(test, srnic_ddp_build_term(code, NULL, 1, term,
						   sizeof(term), &tl),
			SRNIC_DDP_OK);
	n = srnic_fpdu_tx_whole(term, tl, true, out, SRNIC_TX_TERM_MAX);
	KUNIT_EXPECT_EQ(test, n, 2 + 22 + 4);
	KUNIT_EXPECT_EQ(test, srnic_fpdu_tx_whole(term, tl, true, out, n - 1),
			0);
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_EXPECT_EQ(test, srnic_fpdu_rx_feed(rx, out, n, &used, &t_ops, r),
			0);
	KUNIT_EXPECT_EQ(test, r->segs, 1);
	KUNIT_EXPECT_EQ(test, rx->seg.h.opcode, SRNIC_RDMAP_TERMINATE);
	KUNIT_EXPECT_EQ(test, rx->seg.term.code.ecode, SRNIC_TERM_LLP_CRC);
}

static struct kunit_case srnic_qp_tx_cases[] = {
	KUNIT_CASE(write_cut_at_mulpdu_reads_back_at_every_split),
	KUNIT_CASE(send_offsets_and_last),
	KUNIT_CASE(zero_length_message_is_one_fpdu),
	KUNIT_CASE(read_request_is_one_whole_fpdu),
	KUNIT_CASE(refuses_what_cannot_be_framed),
	KUNIT_CASE(terminate_framed_whole),
	{}
};

static struct kunit_suite srnic_qp_tx_suite = {
	.name = "srnic_qp_tx",
	.test_cases = srnic_qp_tx_cases,
};

kunit_test_suite(srnic_qp_tx_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic's transmit segmentation");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
