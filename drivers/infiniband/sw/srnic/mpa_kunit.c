// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: MPA connection setup frames (mpa.c). Frames are built by mpa.c
 * and then bent byte by byte, so every refusal is shown against a frame
 * that is good in every other way; the wire layout is checked once
 * against bytes written out by hand from RFC 5044 and RFC 6581.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "mpa.h"

#define T_HDR		((u32)sizeof(struct srnic_mpa_hdr))
#define T_BUF		(SRNIC_MPA_FRAME_MAX + 64)
#define T_OFF_FLAGS	16
#define T_OFF_REV	17
#define T_OFF_PDLEN	18
#define T_OFF_IRD	20
#define T_OFF_ORD	22

enum t_kind { T_REQ, T_REP, T_REJ };

static const char * const t_kind_names[] = { "request", "reply", "reject" };

static void t_fill(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

/* The parameters each kind of frame is built with in these tests. */
static struct srnic_mpa_params t_params(enum t_kind kind, u8 rev)
{
	struct srnic_mpa_params p = { .rev = rev, .crc = kind == T_REQ };

	if (rev != SRNIC_MPA_REV_2 || kind == T_REJ)
		return p;
	p.p2p = true;
	if (kind == T_REQ) {
		p.rtr = SRNIC_MPA_RTR_WRITE | SRNIC_MPA_RTR_READ;
		p.ird = 0x3fff;
		p.ord = 1;
	} else {
		p.rtr = SRNIC_MPA_RTR_READ;
		p.ird = 1;
		p.ord = 0x3fff;
	}
	return p;
}

static enum srnic_mpa_err t_build(enum t_kind kind, u8 rev, const u8 *pd,
				  size_t pd_len, u8 *buf, size_t size,
				  size_t *len)
{
	struct srnic_mpa_params p = t_params(kind, rev);

	switch (kind) {
	case T_REQ:
		return srnic_mpa_build_req(&p, pd, pd_len, buf, size, len);
	case T_REP:
		return srnic_mpa_build_rep(&p, pd, pd_len, buf, size, len);
	default:
		return srnic_mpa_build_reject(rev, pd, pd_len, buf, size, len);
	}
}

static enum srnic_mpa_dir t_dir(enum t_kind kind)
{
	return kind == T_REQ ? SRNIC_MPA_REQ : SRNIC_MPA_REP;
}

/* Round trips: every kind, both revisions, private data at the limits. */

struct t_rt {
	enum t_kind kind;
	u8 rev;
	u16 pd_len;
};

static const u16 t_rt_lens[] = { 0, 1, 507, 508, 509, 511, 512, 513 };

/* Every kind, both revisions, every length: filled in by the generator. */
static struct t_rt t_rts[3 * 2 * ARRAY_SIZE(t_rt_lens)];

static const void *t_rt_gen_params(const void *prev, char *desc)
{
	const struct t_rt *r = prev;
	unsigned int i, n = ARRAY_SIZE(t_rt_lens);

	if (!r) {
		for (i = 0; i < ARRAY_SIZE(t_rts); i++) {
			t_rts[i].kind = i / (2 * n);
			t_rts[i].rev = 1 + i / n % 2;
			t_rts[i].pd_len = t_rt_lens[i % n];
		}
		r = t_rts;
	} else if (++r == t_rts + ARRAY_SIZE(t_rts)) {
		return NULL;
	}
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s_rev%u_pdata%u",
		 t_kind_names[r->kind], r->rev, r->pd_len);
	return r;
}

/* The user's bytes plus the v2 header must fit in 512. */
static bool t_rt_fits(const struct t_rt *r)
{
	return r->pd_len + (r->rev == 2 ? 4 : 0) <= SRNIC_MPA_MAX_PRIVDATA;
}

static void frames_round_trip(struct kunit *test)
{
	const struct t_rt *r = test->param_value;
	struct srnic_mpa_params want = t_params(r->kind, r->rev);
	struct srnic_mpa_params req = t_params(T_REQ, r->rev);
	u8 *pd = kunit_kmalloc(test, 1024, GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	struct srnic_mpa_frame f;
	enum srnic_mpa_err err;
	u8 *exact;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, pd);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	t_fill(pd, 1024, r->pd_len);
	err = t_build(r->kind, r->rev, pd, r->pd_len, buf, T_BUF, &len);
	if (!t_rt_fits(r)) {
		KUNIT_EXPECT_EQ(test, err, SRNIC_MPA_ERR_PDATA_LEN);
		KUNIT_EXPECT_EQ(test, len, 0);
		return;
	}
	KUNIT_ASSERT_EQ(test, err, SRNIC_MPA_OK);
	KUNIT_EXPECT_EQ(test, len, T_HDR + (r->rev == 2 ? 4 : 0) + r->pd_len);

	/* Bytes after the frame are the stream's, not the frame's. */
	KUNIT_ASSERT_EQ(test, 0, srnic_mpa_parse(t_dir(r->kind), buf, T_BUF,
						 &f));
	KUNIT_EXPECT_EQ(test, f.len, len);
	KUNIT_EXPECT_EQ(test, f.err, SRNIC_MPA_OK);
	KUNIT_EXPECT_EQ(test, f.p.rev, r->rev);
	KUNIT_EXPECT_EQ(test, f.reject, r->kind == T_REJ);
	KUNIT_EXPECT_FALSE(test, f.markers);
	KUNIT_EXPECT_EQ(test, f.p.crc, want.crc);
	KUNIT_EXPECT_EQ(test, f.p.p2p, want.p2p);
	KUNIT_EXPECT_EQ(test, f.p.rtr, want.rtr);
	KUNIT_EXPECT_EQ(test, f.p.ird, want.ird);
	KUNIT_EXPECT_EQ(test, f.p.ord, want.ord);
	KUNIT_ASSERT_EQ(test, f.pd_len, r->pd_len);
	if (r->pd_len)
		KUNIT_EXPECT_MEMEQ(test, f.pdata, pd, r->pd_len);
	else
		KUNIT_EXPECT_NULL(test, f.pdata);
	if (r->kind != T_REQ)
		KUNIT_EXPECT_EQ(test, srnic_mpa_check_reply(&req, &f),
				SRNIC_MPA_OK);

	/* Exactly the frame, in a buffer of its size (KASAN sees overreads). */
	exact = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, exact);
	memcpy(exact, buf, len);
	KUNIT_EXPECT_EQ(test, 0, srnic_mpa_parse(t_dir(r->kind), exact, len,
						 &f));
	KUNIT_EXPECT_EQ(test, f.len, len);
	KUNIT_ASSERT_EQ(test, f.pd_len, r->pd_len);
	if (r->pd_len)
		KUNIT_EXPECT_MEMEQ(test, f.pdata, pd, r->pd_len);
}

static void every_prefix_asks_for_more(struct kunit *test)
{
	const struct t_rt *r = test->param_value;
	u8 *buf = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 *pd = kunit_kmalloc(test, SRNIC_MPA_MAX_PRIVDATA, GFP_KERNEL);
	struct srnic_mpa_frame f;
	size_t len, l;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, pd);
	if (!t_rt_fits(r))
		kunit_skip(test, "no such frame");
	t_fill(pd, SRNIC_MPA_MAX_PRIVDATA, 3);
	KUNIT_ASSERT_EQ(test, SRNIC_MPA_OK,
			t_build(r->kind, r->rev, pd, r->pd_len, buf, T_BUF,
				&len));
	for (l = 0; l < len; l++) {
		u8 *part = kmalloc(l, GFP_KERNEL);
		u32 want = l < T_HDR ? T_HDR - l : len - l;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, part);
		memcpy(part, buf, l);
		ret = srnic_mpa_parse(t_dir(r->kind), part, l, &f);
		kfree(part);
		KUNIT_EXPECT_EQ_MSG(test, ret, -EAGAIN, "prefix %zu", l);
		KUNIT_EXPECT_EQ_MSG(test, f.need, want, "prefix %zu", l);
		KUNIT_EXPECT_EQ_MSG(test, f.err, SRNIC_MPA_OK, "prefix %zu", l);
		if (ret != -EAGAIN)
			return;
	}
	KUNIT_EXPECT_EQ(test, 0, srnic_mpa_parse(t_dir(r->kind), buf, len, &f));
}

/*
 * Refusals: a good frame of @kind and @rev with @pd_len bytes of user
 * data, read as @dir after up to two byte edits (b = b & ~clr | set).
 */
struct t_edit {
	u8 off, clr, set;
};

struct t_bad {
	const char *name;
	enum t_kind kind;
	u8 rev;
	u16 pd_len;
	enum srnic_mpa_dir dir;
	struct t_edit e[2];
	enum srnic_mpa_err want;
};

#define REQ	SRNIC_MPA_REQ
#define REP	SRNIC_MPA_REP
#define FL	T_OFF_FLAGS
#define PDL	T_OFF_PDLEN
#define PDL2	(T_OFF_PDLEN + 1)

static const struct t_bad t_bads[] = {
	{ "bad_key_first_byte", T_REQ, 1, 8, REQ, { { 0, 0xff, 'm' } },
	  SRNIC_MPA_ERR_KEY },
	{ "bad_key_last_byte", T_REP, 2, 8, REP, { { 15, 0xff, 'E' } },
	  SRNIC_MPA_ERR_KEY },
	{ "request_key_where_reply_expected", T_REQ, 1, 8, REP, {},
	  SRNIC_MPA_ERR_KEY_DIR },
	{ "reply_key_where_request_expected", T_REP, 2, 8, REQ, {},
	  SRNIC_MPA_ERR_KEY_DIR },
	{ "reject_key_where_request_expected", T_REJ, 1, 0, REQ, {},
	  SRNIC_MPA_ERR_KEY_DIR },
	{ "revision_0", T_REQ, 1, 8, REQ, { { T_OFF_REV, 0xff, 0 } },
	  SRNIC_MPA_ERR_REV },
	{ "revision_3", T_REQ, 2, 8, REQ, { { T_OFF_REV, 0xff, 3 } },
	  SRNIC_MPA_ERR_REV },
	{ "revision_255_reply", T_REP, 2, 8, REP, { { T_OFF_REV, 0xff, 255 } },
	  SRNIC_MPA_ERR_REV },
	{ "revision_3_reject", T_REJ, 1, 8, REP, { { T_OFF_REV, 0xff, 3 } },
	  SRNIC_MPA_ERR_REV },
	{ "markers_in_request", T_REQ, 1, 8, REQ, { { FL, 0, 0x80 } },
	  SRNIC_MPA_ERR_MARKERS },
	{ "markers_in_v2_request", T_REQ, 2, 0, REQ, { { FL, 0, 0x80 } },
	  SRNIC_MPA_ERR_MARKERS },
	{ "markers_in_reply", T_REP, 1, 8, REP, { { FL, 0, 0x80 } },
	  SRNIC_MPA_ERR_MARKERS },
	{ "pdata_513", T_REQ, 1, 8, REQ, { { PDL, 0xff, 2 }, { PDL2, 0xff, 1 } },
	  SRNIC_MPA_ERR_PDATA_LEN },
	{ "pdata_65535", T_REP, 2, 8, REP,
	  { { PDL, 0xff, 0xff }, { PDL2, 0xff, 0xff } },
	  SRNIC_MPA_ERR_PDATA_LEN },
	{ "pdata_513_reject", T_REJ, 2, 8, REP,
	  { { PDL, 0xff, 2 }, { PDL2, 0xff, 1 } }, SRNIC_MPA_ERR_PDATA_LEN },
	{ "v2_request_without_enhanced", T_REQ, 2, 8, REQ, { { FL, 0x10, 0 } },
	  SRNIC_MPA_ERR_V2_NOT_ENHANCED },
	{ "v2_reply_without_enhanced", T_REP, 2, 8, REP, { { FL, 0x10, 0 } },
	  SRNIC_MPA_ERR_V2_NOT_ENHANCED },
	{ "v1_request_relabelled_v2", T_REQ, 1, 8, REQ,
	  { { T_OFF_REV, 0xff, 2 } }, SRNIC_MPA_ERR_V2_NOT_ENHANCED },
	{ "v2_header_truncated_to_0", T_REQ, 2, 8, REQ, { { PDL2, 0xff, 0 } },
	  SRNIC_MPA_ERR_V2_TRUNCATED },
	{ "v2_header_truncated_to_3", T_REP, 2, 8, REP, { { PDL2, 0xff, 3 } },
	  SRNIC_MPA_ERR_V2_TRUNCATED },
	{ "v2_reject_header_truncated", T_REJ, 2, 0, REP, { { PDL2, 0xff, 2 } },
	  SRNIC_MPA_ERR_V2_TRUNCATED },
	{ "p2p_request_offers_no_rtr", T_REQ, 2, 8, REQ,
	  { { T_OFF_ORD, 0xc0, 0 } }, SRNIC_MPA_ERR_RTR_NONE },
	{ "p2p_reply_picks_no_rtr", T_REP, 2, 8, REP,
	  { { T_OFF_ORD, 0xc0, 0 } }, SRNIC_MPA_ERR_RTR_NONE },
	{ "rtr_write_without_p2p", T_REQ, 2, 8, REQ,
	  { { T_OFF_IRD, 0x80, 0 } }, SRNIC_MPA_ERR_RTR_UNKNOWN },
	{ "rtr_send_without_p2p", T_REP, 2, 8, REP,
	  { { T_OFF_IRD, 0x80, 0x40 }, { T_OFF_ORD, 0xc0, 0 } },
	  SRNIC_MPA_ERR_RTR_UNKNOWN },
	{ "reply_picks_two_rtr_types", T_REP, 2, 8, REP,
	  { { T_OFF_ORD, 0, 0x80 } }, SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "reply_picks_all_rtr_types", T_REP, 2, 8, REP,
	  { { T_OFF_ORD, 0, 0xc0 }, { T_OFF_IRD, 0, 0x40 } },
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	/* What RFC 5044 says is not checked, is not. */
	{ "request_r_bit_not_checked", T_REQ, 2, 8, REQ, { { FL, 0, 0x20 } },
	  SRNIC_MPA_OK },
	{ "reserved_bits_not_checked", T_REP, 2, 8, REP, { { FL, 0, 0x0f } },
	  SRNIC_MPA_OK },
	{ "enhanced_bit_reserved_in_v1", T_REQ, 1, 8, REQ, { { FL, 0, 0x10 } },
	  SRNIC_MPA_OK },
	{ "reject_read_whatever_m_says", T_REJ, 2, 8, REP, { { FL, 0, 0x80 } },
	  SRNIC_MPA_OK },
	{ "reject_v2_rtr_bits_skipped", T_REJ, 2, 8, REP,
	  { { T_OFF_ORD, 0, 0xc0 } }, SRNIC_MPA_OK },
};

#undef REQ
#undef REP
#undef FL
#undef PDL
#undef PDL2

static void t_bad_desc(const struct t_bad *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_bad, t_bads, t_bad_desc);

static void malformed_frames_are_refused(struct kunit *test)
{
	const struct t_bad *b = test->param_value;
	u8 *buf = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	u8 pd[16];
	struct srnic_mpa_frame f;
	unsigned int i;
	size_t len;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	t_fill(pd, sizeof(pd), 9);
	KUNIT_ASSERT_EQ(test, SRNIC_MPA_OK,
			t_build(b->kind, b->rev, pd, b->pd_len, buf, T_BUF,
				&len));
	for (i = 0; i < ARRAY_SIZE(b->e); i++) {
		const struct t_edit *e = &b->e[i];

		if (e->clr || e->set)
			buf[e->off] = (buf[e->off] & ~e->clr) | e->set;
	}
	ret = srnic_mpa_parse(b->dir, buf, len, &f);
	KUNIT_EXPECT_EQ(test, f.err, b->want);
	KUNIT_EXPECT_EQ(test, ret, b->want ? -EPROTO : 0);
	if (b->want)
		return;
	/* The bytes a check skips are still counted as the frame's. */
	KUNIT_EXPECT_EQ(test, f.len, len);
	KUNIT_EXPECT_EQ(test, f.pd_len, b->pd_len);
	KUNIT_EXPECT_FALSE(test, f.p.p2p && f.reject);
	KUNIT_EXPECT_EQ(test, f.markers, !!(buf[T_OFF_FLAGS] & 0x80));
}

static void bad_key_refused_before_header_is_whole(struct kunit *test)
{
	static const char junk[] = "MPA ID Rex Frame";
	struct srnic_mpa_frame f;

	/* Agreed so far: wait. At the first odd byte: refuse. */
	KUNIT_EXPECT_EQ(test, -EAGAIN, srnic_mpa_parse(SRNIC_MPA_REQ, junk, 9,
						       &f));
	KUNIT_EXPECT_EQ(test, -EPROTO, srnic_mpa_parse(SRNIC_MPA_REQ, junk,
						       10, &f));
	KUNIT_EXPECT_EQ(test, f.err, SRNIC_MPA_ERR_KEY);
	KUNIT_EXPECT_EQ(test, -EPROTO, srnic_mpa_parse(SRNIC_MPA_REQ, "G", 1,
						       &f));
	KUNIT_EXPECT_EQ(test, f.err, SRNIC_MPA_ERR_KEY);
	KUNIT_EXPECT_EQ(test, -EPROTO, srnic_mpa_parse(SRNIC_MPA_REP,
						       SRNIC_MPA_KEY_REQ, 11,
						       &f));
	KUNIT_EXPECT_EQ(test, f.err, SRNIC_MPA_ERR_KEY_DIR);
	/* An HTTP request on the port is not an MPA request. */
	KUNIT_EXPECT_EQ(test, -EPROTO, srnic_mpa_parse(SRNIC_MPA_REQ,
						       "GET / HTTP/1.1\r\n"
						       "Host: x\r\n\r\n", 27,
						       &f));
	KUNIT_EXPECT_EQ(test, f.err, SRNIC_MPA_ERR_KEY);
}

static void wire_layout_matches_rfc(struct kunit *test)
{
	static const u8 want[] = {
		'M', 'P', 'A', ' ', 'I', 'D', ' ', 'R',
		'e', 'q', ' ', 'F', 'r', 'a', 'm', 'e',
		0x50,		/* C, ENHANCED */
		0x02,		/* Rev */
		0x00, 0x07,	/* PD_Length: v2 header + 3 */
		0xc0, 0x05,	/* A (p2p), B (Send RTR), IRD 5 */
		0xc1, 0x02,	/* C (Write RTR), D (Read RTR), ORD 0x102 */
		0xaa, 0xbb, 0xcc,
	};
	static const u8 pd[] = { 0xaa, 0xbb, 0xcc };
	const struct srnic_mpa_params p = {
		.rev = 2, .crc = true, .p2p = true, .rtr = SRNIC_MPA_RTR_ALL,
		.ird = 5, .ord = 0x102,
	};
	u8 buf[64];
	size_t len;

	KUNIT_ASSERT_EQ(test, SRNIC_MPA_OK,
			srnic_mpa_build_req(&p, pd, sizeof(pd), buf,
					    sizeof(buf), &len));
	KUNIT_ASSERT_EQ(test, len, sizeof(want));
	KUNIT_EXPECT_MEMEQ(test, buf, want, sizeof(want));

	/* A reject: R, the revision asked for, a blank v2 header. */
	KUNIT_ASSERT_EQ(test, SRNIC_MPA_OK,
			srnic_mpa_build_reject(2, pd, 1, buf, sizeof(buf),
					       &len));
	KUNIT_ASSERT_EQ(test, len, 25);
	KUNIT_EXPECT_MEMEQ(test, buf, SRNIC_MPA_KEY_REP, 16);
	KUNIT_EXPECT_EQ(test, buf[16], 0x30);
	KUNIT_EXPECT_EQ(test, buf[17], 2);
	KUNIT_EXPECT_EQ(test, buf[19], 5);
	KUNIT_EXPECT_EQ(test, buf[20] | buf[21] | buf[22] | buf[23], 0);
	KUNIT_EXPECT_EQ(test, buf[24], 0xaa);
}

/* IRD and ORD: 14 bits each, read back exactly, no rounding. */
static const u16 t_counts[] = {
	0, 1, 2, 3, 5, 7, 127, 128, 129, 1000, 0x1fff, 0x2000, 0x3ffe, 0x3fff,
};

static void t_count_desc(const u16 *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "0x%04x", *v);
}

KUNIT_ARRAY_PARAM(t_count, t_counts, t_count_desc);

static void ird_ord_are_exact(struct kunit *test)
{
	const u16 v = *(const u16 *)test->param_value;
	struct srnic_mpa_params p = { .rev = 2 };
	struct srnic_mpa_frame f;
	u8 buf[64];
	size_t len;
	int rtr;

	/* Alone, then under every control bit: they never bleed across. */
	for (rtr = -1; rtr <= SRNIC_MPA_RTR_ALL; rtr++) {
		p.p2p = rtr >= 0;
		p.rtr = rtr > 0 ? rtr : 0;
		p.ird = v;
		p.ord = SRNIC_MPA_V2_COUNT_MASK - v;
		if (!rtr)
			continue;
		KUNIT_ASSERT_EQ(test, SRNIC_MPA_OK,
				srnic_mpa_build_req(&p, NULL, 0, buf,
						    sizeof(buf), &len));
		KUNIT_ASSERT_EQ(test, 0, srnic_mpa_parse(SRNIC_MPA_REQ, buf,
							 len, &f));
		KUNIT_EXPECT_EQ(test, f.p.ird, v);
		KUNIT_EXPECT_EQ(test, f.p.ord, SRNIC_MPA_V2_COUNT_MASK - v);
		KUNIT_EXPECT_EQ(test, f.p.p2p, p.p2p);
		KUNIT_EXPECT_EQ(test, f.p.rtr, p.rtr);
	}
}

/* What the builders will not put on the wire. */
struct t_nobuild {
	const char *name;
	enum t_kind kind;
	struct srnic_mpa_params p;
	size_t size;
	enum srnic_mpa_err want;
};

#define W	SRNIC_MPA_RTR_WRITE
#define R	SRNIC_MPA_RTR_READ
#define S	SRNIC_MPA_RTR_SEND

static const struct t_nobuild t_nobuilds[] = {
	{ "request_revision_0", T_REQ, { .rev = 0 }, T_BUF,
	  SRNIC_MPA_ERR_REV },
	{ "reply_revision_3", T_REP, { .rev = 3 }, T_BUF, SRNIC_MPA_ERR_REV },
	{ "reject_revision_3", T_REJ, { .rev = 3 }, T_BUF, SRNIC_MPA_ERR_REV },
	{ "ird_0x4000", T_REQ, { .rev = 2, .ird = 0x4000 }, T_BUF,
	  SRNIC_MPA_ERR_IRD_ORD },
	{ "ord_0xffff", T_REP, { .rev = 2, .ord = 0xffff }, T_BUF,
	  SRNIC_MPA_ERR_IRD_ORD },
	{ "ird_0x4000_ignored_in_v1", T_REQ, { .rev = 1, .ird = 0x4000 },
	  T_BUF, SRNIC_MPA_OK },
	{ "p2p_request_without_rtr", T_REQ, { .rev = 2, .p2p = true }, T_BUF,
	  SRNIC_MPA_ERR_RTR_NONE },
	{ "p2p_reply_without_rtr", T_REP, { .rev = 2, .p2p = true }, T_BUF,
	  SRNIC_MPA_ERR_RTR_NONE },
	{ "rtr_without_p2p", T_REQ, { .rev = 2, .rtr = W }, T_BUF,
	  SRNIC_MPA_ERR_RTR_UNKNOWN },
	{ "rtr_type_unknown", T_REQ, { .rev = 2, .p2p = true, .rtr = W | 8 },
	  T_BUF, SRNIC_MPA_ERR_RTR_UNKNOWN },
	{ "reply_with_two_rtr_types", T_REP,
	  { .rev = 2, .p2p = true, .rtr = W | R }, T_BUF,
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "request_with_three_rtr_types", T_REQ,
	  { .rev = 2, .p2p = true, .rtr = W | R | S }, T_BUF, SRNIC_MPA_OK },
	{ "buffer_one_short", T_REQ, { .rev = 2 }, 23, SRNIC_MPA_ERR_NO_SPACE },
	{ "buffer_exact", T_REQ, { .rev = 2 }, 24, SRNIC_MPA_OK },
	{ "reject_buffer_one_short", T_REJ, { .rev = 1 }, 19,
	  SRNIC_MPA_ERR_NO_SPACE },
	{ "no_buffer", T_REP, { .rev = 1 }, 0, SRNIC_MPA_ERR_NO_SPACE },
};

static void t_nobuild_desc(const struct t_nobuild *n, char *desc)
{
	strscpy(desc, n->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_nobuild, t_nobuilds, t_nobuild_desc);

static void builders_refuse_bad_frames(struct kunit *test)
{
	const struct t_nobuild *n = test->param_value;
	u8 *buf = kunit_kzalloc(test, T_BUF, GFP_KERNEL);
	enum srnic_mpa_err err;
	size_t len = 99;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	switch (n->kind) {
	case T_REQ:
		err = srnic_mpa_build_req(&n->p, NULL, 0, buf, n->size, &len);
		break;
	case T_REP:
		err = srnic_mpa_build_rep(&n->p, NULL, 0, buf, n->size, &len);
		break;
	default:
		err = srnic_mpa_build_reject(n->p.rev, NULL, 0, buf, n->size,
					     &len);
		break;
	}
	KUNIT_EXPECT_EQ(test, err, n->want);
	if (n->want)
		KUNIT_EXPECT_EQ(test, len, 0);
	else
		KUNIT_EXPECT_LE(test, len, n->size);
}

/* A reply against the request it answers: revision and RTR. */
struct t_match {
	const char *name;
	struct srnic_mpa_params req;
	struct srnic_mpa_params rep;
	bool reject;
	enum srnic_mpa_err want;
};

static const struct t_match t_matches[] = {
	{ "v1_answers_v1", { .rev = 1 }, { .rev = 1 }, false, SRNIC_MPA_OK },
	{ "v1_answers_v2", { .rev = 2 }, { .rev = 1 }, false, SRNIC_MPA_OK },
	{ "v2_answers_v1", { .rev = 1 }, { .rev = 2 }, false,
	  SRNIC_MPA_ERR_REV_ABOVE_REQ },
	{ "v2_reject_answers_v1", { .rev = 1 }, { .rev = 2 }, true,
	  SRNIC_MPA_ERR_REV_ABOVE_REQ },
	{ "v1_answers_p2p_v2", { .rev = 2, .p2p = true, .rtr = W },
	  { .rev = 1 }, false, SRNIC_MPA_OK },
	{ "client_server_both", { .rev = 2 }, { .rev = 2 }, false,
	  SRNIC_MPA_OK },
	{ "p2p_not_asked_for", { .rev = 2 },
	  { .rev = 2, .p2p = true, .rtr = W }, false,
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "rtr_not_asked_for", { .rev = 2 }, { .rev = 2, .rtr = R }, false,
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "write_of_write_read", { .rev = 2, .p2p = true, .rtr = W | R },
	  { .rev = 2, .p2p = true, .rtr = W }, false, SRNIC_MPA_OK },
	{ "read_of_write_read", { .rev = 2, .p2p = true, .rtr = W | R },
	  { .rev = 2, .p2p = true, .rtr = R }, false, SRNIC_MPA_OK },
	{ "send_of_send", { .rev = 2, .p2p = true, .rtr = S },
	  { .rev = 2, .p2p = true, .rtr = S }, false, SRNIC_MPA_OK },
	{ "send_of_write_read", { .rev = 2, .p2p = true, .rtr = W | R },
	  { .rev = 2, .p2p = true, .rtr = S }, false,
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "write_of_read", { .rev = 2, .p2p = true, .rtr = R },
	  { .rev = 2, .p2p = true, .rtr = W }, false,
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "two_of_all", { .rev = 2, .p2p = true, .rtr = W | R | S },
	  { .rev = 2, .p2p = true, .rtr = W | R }, false,
	  SRNIC_MPA_ERR_RTR_MISMATCH },
	{ "none_picked", { .rev = 2, .p2p = true, .rtr = W | R },
	  { .rev = 2, .p2p = true }, false, SRNIC_MPA_ERR_RTR_NONE },
	{ "p2p_dropped", { .rev = 2, .p2p = true, .rtr = W | R },
	  { .rev = 2 }, false, SRNIC_MPA_ERR_RTR_NONE },
	{ "p2p_dropped_rtr_kept", { .rev = 2, .p2p = true, .rtr = W },
	  { .rev = 2, .rtr = W }, false, SRNIC_MPA_ERR_RTR_NONE },
	{ "reject_needs_no_rtr", { .rev = 2, .p2p = true, .rtr = W },
	  { .rev = 2 }, true, SRNIC_MPA_OK },
};

#undef W
#undef R
#undef S

static void t_match_desc(const struct t_match *m, char *desc)
{
	strscpy(desc, m->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_match, t_matches, t_match_desc);

static void reply_must_answer_request(struct kunit *test)
{
	const struct t_match *m = test->param_value;
	const struct srnic_mpa_frame rep = { .p = m->rep, .reject = m->reject };

	KUNIT_EXPECT_EQ(test, srnic_mpa_check_reply(&m->req, &rep), m->want);
}

static void rtr_pick_prefers_write_then_read(struct kunit *test)
{
	const u8 all = SRNIC_MPA_RTR_ALL;

	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(all, all), SRNIC_MPA_RTR_WRITE);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(SRNIC_MPA_RTR_READ |
						 SRNIC_MPA_RTR_SEND, all),
			SRNIC_MPA_RTR_READ);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(SRNIC_MPA_RTR_SEND, all),
			SRNIC_MPA_RTR_SEND);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(all, SRNIC_MPA_RTR_READ),
			SRNIC_MPA_RTR_READ);
	/* Nothing in common: the caller rejects. */
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(SRNIC_MPA_RTR_SEND,
						 SRNIC_MPA_RTR_WRITE |
						 SRNIC_MPA_RTR_READ), 0);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(0, all), 0);
}

/* A Read RTR needs an ORD and an IRD of one; the other types need none. */
static void rtr_read_needs_read_credits(struct kunit *test)
{
	const u8 all = SRNIC_MPA_RTR_ALL;
	const u8 no_read = SRNIC_MPA_RTR_WRITE | SRNIC_MPA_RTR_SEND;

	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(all, 1, 1), all);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(all, 0, 1), no_read);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(all, 1, 0), no_read);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(all, 0, 0), no_read);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(SRNIC_MPA_RTR_READ, 0, 4), 0);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(SRNIC_MPA_RTR_READ, 127, 127),
			SRNIC_MPA_RTR_READ);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_usable(SRNIC_MPA_RTR_SEND, 0, 0),
			SRNIC_MPA_RTR_SEND);
	/* A responder with no IRD never picks the Read a request offers. */
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(SRNIC_MPA_RTR_READ |
						 SRNIC_MPA_RTR_SEND,
						 srnic_mpa_rtr_usable(all, 1, 0)),
			SRNIC_MPA_RTR_SEND);
	KUNIT_EXPECT_EQ(test, srnic_mpa_rtr_pick(SRNIC_MPA_RTR_READ,
						 srnic_mpa_rtr_usable(all, 1, 0)),
			0);
}

/* CRC: every policy, on both ends, with the peer's C flag both ways. */
struct t_crc {
	const char *name;
	enum srnic_mpa_crc_policy policy;
	enum srnic_mpa_dir peer_dir;
	bool peer_crc;
	enum srnic_mpa_err want;
	bool use;
};

#define T_CRC(pol, dir, c, err, use) \
	{ #pol "_" #dir "_c" #c, SRNIC_MPA_CRC_##pol, SRNIC_MPA_##dir, c, \
	  err, use }

static const struct t_crc t_crcs[] = {
	/* Responder: C in the reply if either end wants CRCs. */
	T_CRC(REQUIRED, REQ, 0, SRNIC_MPA_OK, true),
	T_CRC(REQUIRED, REQ, 1, SRNIC_MPA_OK, true),
	T_CRC(ALLOWED, REQ, 0, SRNIC_MPA_OK, false),
	T_CRC(ALLOWED, REQ, 1, SRNIC_MPA_OK, true),
	T_CRC(UNWANTED, REQ, 0, SRNIC_MPA_OK, false),
	T_CRC(UNWANTED, REQ, 1, SRNIC_MPA_ERR_CRC_UNWANTED, false),
	/* Initiator: a request with C must get a reply with C. */
	T_CRC(REQUIRED, REP, 0, SRNIC_MPA_ERR_CRC_REQUIRED, false),
	T_CRC(REQUIRED, REP, 1, SRNIC_MPA_OK, true),
	T_CRC(ALLOWED, REP, 0, SRNIC_MPA_OK, false),
	T_CRC(ALLOWED, REP, 1, SRNIC_MPA_OK, true),
	T_CRC(UNWANTED, REP, 0, SRNIC_MPA_OK, false),
	T_CRC(UNWANTED, REP, 1, SRNIC_MPA_ERR_CRC_UNWANTED, false),
	/* A policy from the future errs towards CRCs. */
	{ "unknown_policy_REQ_c0", 7, SRNIC_MPA_REQ, 0, SRNIC_MPA_OK, true },
	{ "unknown_policy_REP_c0", 7, SRNIC_MPA_REP, 0,
	  SRNIC_MPA_ERR_CRC_REQUIRED, false },
};

static void t_crc_desc(const struct t_crc *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t_crc, t_crcs, t_crc_desc);

static void crc_decision_table(struct kunit *test)
{
	const struct t_crc *c = test->param_value;
	bool use = !c->use;

	KUNIT_EXPECT_EQ(test, srnic_mpa_crc_decide(c->policy, c->peer_dir,
						   c->peer_crc, &use), c->want);
	KUNIT_EXPECT_EQ(test, use, c->use);
	/* RFC 5044 7.1: when agreed, CRCs are on iff either frame has C. */
	if (!c->want)
		KUNIT_EXPECT_EQ(test, use, c->peer_crc ||
				srnic_mpa_crc_offer(c->policy));
}

static void crc_offered_only_when_required(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, srnic_mpa_crc_offer(SRNIC_MPA_CRC_REQUIRED));
	KUNIT_EXPECT_FALSE(test, srnic_mpa_crc_offer(SRNIC_MPA_CRC_ALLOWED));
	KUNIT_EXPECT_FALSE(test, srnic_mpa_crc_offer(SRNIC_MPA_CRC_UNWANTED));
	KUNIT_EXPECT_TRUE(test, srnic_mpa_crc_offer(7));
}

static void every_reason_has_a_name(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < SRNIC_MPA_ERR_NR; i++) {
		const char *n = srnic_mpa_err_name(i);

		KUNIT_ASSERT_NOT_NULL(test, n);
		KUNIT_EXPECT_STRNEQ(test, n, "unknown");
		KUNIT_EXPECT_NULL(test, strchr(n, ' '));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, n, srnic_mpa_err_name(j));
	}
	KUNIT_EXPECT_STREQ(test, srnic_mpa_err_name(SRNIC_MPA_ERR_NR),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, srnic_mpa_err_name(-1), "unknown");
}

/*
 * Random headers and private data behind a good key, at random lengths,
 * in buffers of exactly that length: the parser stays inside them and
 * its three answers stay consistent.
 */
static void random_frames_stay_in_bounds(struct kunit *test)
{
	struct rnd_state rnd;
	int i;

	prandom_seed_state(&rnd, 5044);
	for (i = 0; i < 20000; i++) {
		enum srnic_mpa_dir dir = i & 1;
		size_t len = prandom_u32_state(&rnd) % (SRNIC_MPA_FRAME_MAX + 8);
		u8 *b = kmalloc(len, GFP_KERNEL);
		struct srnic_mpa_frame f;
		int ret;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		prandom_bytes_state(&rnd, b, len);
		memcpy(b, dir == SRNIC_MPA_REQ ? SRNIC_MPA_KEY_REQ :
			  SRNIC_MPA_KEY_REP, min_t(size_t, len, 16));
		if (len > T_OFF_PDLEN + 1) {
			/* Mostly plausible lengths, so some frames complete. */
			b[T_OFF_REV] = 1 + (b[T_OFF_REV] & 1);
			b[T_OFF_PDLEN] &= 1;
		}
		ret = srnic_mpa_parse(dir, b, len, &f);
		kfree(b);
		if (ret == 0) {
			KUNIT_ASSERT_LE(test, f.len, len);
			KUNIT_ASSERT_EQ(test, f.len, T_HDR + f.pd_len +
					(f.p.rev == 2 ? 4 : 0));
		} else if (ret == -EAGAIN) {
			KUNIT_ASSERT_GT(test, f.need, 0);
			KUNIT_ASSERT_LE(test, len + f.need,
					SRNIC_MPA_FRAME_MAX);
		} else {
			KUNIT_ASSERT_EQ(test, ret, -EPROTO);
			KUNIT_ASSERT_NE(test, f.err, SRNIC_MPA_OK);
		}
	}
}

static struct kunit_case srnic_mpa_cases[] = {
	KUNIT_CASE_PARAM(frames_round_trip, t_rt_gen_params),
	KUNIT_CASE_PARAM(every_prefix_asks_for_more, t_rt_gen_params),
	KUNIT_CASE_PARAM(malformed_frames_are_refused, t_bad_gen_params),
	KUNIT_CASE(bad_key_refused_before_header_is_whole),
	KUNIT_CASE(wire_layout_matches_rfc),
	KUNIT_CASE_PARAM(ird_ord_are_exact, t_count_gen_params),
	KUNIT_CASE_PARAM(builders_refuse_bad_frames, t_nobuild_gen_params),
	KUNIT_CASE_PARAM(reply_must_answer_request, t_match_gen_params),
	KUNIT_CASE(rtr_pick_prefers_write_then_read),
	KUNIT_CASE(rtr_read_needs_read_credits),
	KUNIT_CASE_PARAM(crc_decision_table, t_crc_gen_params),
	KUNIT_CASE(crc_offered_only_when_required),
	KUNIT_CASE(every_reason_has_a_name),
	KUNIT_CASE(random_frames_stay_in_bounds),
	{}
};

static struct kunit_suite srnic_mpa_suite = {
	.name = "srnic_mpa",
	.test_cases = srnic_mpa_cases,
};

kunit_test_suite(srnic_mpa_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic MPA connection setup frames");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
