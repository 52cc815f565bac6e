// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: iSCSI header and data digests (digest.c). Known answers come from
 * RFC 3720 B.4 and from an independent bitwise CRC32C; byte order is also
 * checked against the crypto API's "crc32c", which is what iscsi_tcp sends.
 * Also the custom statistics (stats.c), which carry the digest counters to
 * user space.
 */
#include <crypto/hash.h>
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <scsi/iscsi_if.h>

#include "digest.h"
#include "stats.h"

/* RFC 3720 B.4: a SCSI Read (10) command PDU (a BHS without AHS). */
static const u8 ix_t_read_pdu[IX_BHS_LEN] = {
	0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
	0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

enum ix_t_fill { IX_T_ZEROS, IX_T_ONES, IX_T_INC, IX_T_DEC, IX_T_PDU };

struct ix_t_vector {
	const char *desc;
	enum ix_t_fill fill;
	u32 crc;		/* the CRC value */
	u8 wire[IX_DIGEST_LEN];	/* the digest field, as RFC 3720 B.4 prints it */
};

static const struct ix_t_vector ix_t_vectors[] = {
	{ "32_zero_bytes", IX_T_ZEROS, 0x8a9136aa, { 0xaa, 0x36, 0x91, 0x8a } },
	{ "32_ff_bytes", IX_T_ONES, 0x62a8ab43, { 0x43, 0xab, 0xa8, 0x62 } },
	{ "32_incrementing", IX_T_INC, 0x46dd794e, { 0x4e, 0x79, 0xdd, 0x46 } },
	{ "32_decrementing", IX_T_DEC, 0x113fdb5c, { 0x5c, 0xdb, 0x3f, 0x11 } },
	{ "iscsi_read_pdu", IX_T_PDU, 0xd9963a56, { 0x56, 0x3a, 0x96, 0xd9 } },
};

static void ix_t_vector_desc(const struct ix_t_vector *v, char *desc)
{
	strscpy(desc, v->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_t_vector, ix_t_vectors, ix_t_vector_desc);

static unsigned int ix_t_vector_fill(const struct ix_t_vector *v, u8 *buf)
{
	int i;

	switch (v->fill) {
	case IX_T_ZEROS:
		memset(buf, 0, 32);
		return 32;
	case IX_T_ONES:
		memset(buf, 0xff, 32);
		return 32;
	case IX_T_INC:
		for (i = 0; i < 32; i++)
			buf[i] = i;
		return 32;
	case IX_T_DEC:
		for (i = 0; i < 32; i++)
			buf[i] = 31 - i;
		return 32;
	case IX_T_PDU:
		memcpy(buf, ix_t_read_pdu, sizeof(ix_t_read_pdu));
		return sizeof(ix_t_read_pdu);
	}
	return 0;
}

/* Independent of crc32c() and of any CPU instruction: the textbook loop. */
static u32 ix_t_crc32c_ref(const u8 *p, size_t len)
{
	u32 crc = ~0U;
	int b;

	while (len--) {
		crc ^= *p++;
		for (b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78 : 0);
	}
	return ~crc;
}

static void rfc3720_vector_digest_and_wire_bytes(struct kunit *test)
{
	const struct ix_t_vector *v = test->param_value;
	u8 buf[IX_BHS_LEN];
	unsigned int len = ix_t_vector_fill(v, buf);
	struct ix_crc c;
	__le32 d;

	ix_crc_init(&c);
	ix_crc_update(&c, buf, len);
	d = ix_crc_final(&c);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d), v->crc);
	KUNIT_EXPECT_MEMEQ(test, &d, v->wire, IX_DIGEST_LEN);
	KUNIT_EXPECT_EQ(test, ix_t_crc32c_ref(buf, len), v->crc);
}

static void rfc3720_read_pdu_as_header_digest(struct kunit *test)
{
	static const u8 want[IX_DIGEST_LEN] = { 0x56, 0x3a, 0x96, 0xd9 };
	__le32 d = 0;

	KUNIT_ASSERT_EQ(test, ix_crc_header(ix_t_read_pdu,
					    sizeof(ix_t_read_pdu), &d), 0);
	KUNIT_EXPECT_MEMEQ(test, &d, want, IX_DIGEST_LEN);
}

/* Our digest bytes are the crypto API's crc32c output, iscsi_tcp's wire. */
static void wire_bytes_match_crypto_api_crc32c(struct kunit *test)
{
	struct crypto_shash *tfm;
	u8 buf[77], out[IX_DIGEST_LEN];
	struct ix_crc c;
	__le32 d;
	int i, err;

	tfm = crypto_alloc_shash("crc32c", 0, 0);
	if (IS_ERR(tfm))
		kunit_skip(test, "no crc32c in the crypto API: %ld",
			   PTR_ERR(tfm));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = i * 13 + 5;
	err = crypto_shash_tfm_digest(tfm, buf, sizeof(buf) - 1, out);
	crypto_free_shash(tfm);
	KUNIT_ASSERT_EQ(test, err, 0);

	/* 76 bytes: no pad, so the two must agree byte for byte. */
	ix_crc_init(&c);
	ix_crc_update(&c, buf, sizeof(buf) - 1);
	d = ix_crc_final(&c);
	KUNIT_EXPECT_MEMEQ(test, &d, out, IX_DIGEST_LEN);
}

/* A BHS announcing two words of AHS, then the AHS, then unrelated bytes. */
static void ix_t_hdr_with_ahs(u8 *buf, size_t size)
{
	int i;

	memset(buf, 0x5a, size);
	memcpy(buf, ix_t_read_pdu, IX_BHS_LEN);
	buf[4] = 2;
	for (i = 0; i < 8; i++)
		buf[IX_BHS_LEN + i] = 0xa0 + i;
}

static void header_digest_covers_bhs_and_ahs(struct kunit *test)
{
	u8 buf[IX_BHS_LEN + 8 + 16];
	__le32 d, d2;

	ix_t_hdr_with_ahs(buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, ix_crc_header(buf, sizeof(buf), &d), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d), 0x9fd8acf9);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d),
			ix_t_crc32c_ref(buf, IX_BHS_LEN + 8));

	/* Bytes after the AHS are not part of the header... */
	buf[IX_BHS_LEN + 8] ^= 0xff;
	KUNIT_ASSERT_EQ(test, ix_crc_header(buf, sizeof(buf), &d2), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d2), le32_to_cpu(d));
	/* ...the last AHS byte is. */
	buf[IX_BHS_LEN + 7] ^= 0xff;
	KUNIT_ASSERT_EQ(test, ix_crc_header(buf, sizeof(buf), &d2), 0);
	KUNIT_EXPECT_NE(test, le32_to_cpu(d2), le32_to_cpu(d));
}

static void header_ahs_past_buffer_refused(struct kunit *test)
{
	u8 buf[IX_BHS_LEN + 8];
	__le32 d = cpu_to_le32(0x12345678);
	struct ix_digest_conn dc;
	struct ix_digest_stats st;

	ix_t_hdr_with_ahs(buf, sizeof(buf));
	/* Exactly enough is fine; one byte short of the AHS is not. */
	KUNIT_EXPECT_EQ(test, ix_crc_header(buf, sizeof(buf), &d), 0);
	d = cpu_to_le32(0x12345678);
	KUNIT_EXPECT_EQ(test, ix_crc_header(buf, sizeof(buf) - 1, &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, ix_crc_header(buf, IX_BHS_LEN, &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, ix_crc_header(buf, IX_BHS_LEN - 1, &d), -EINVAL);
	/* The largest AHS a BHS can announce: 255 words. */
	buf[4] = 255;
	KUNIT_EXPECT_EQ(test, ix_crc_header(buf, sizeof(buf), &d), -EINVAL);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d), 0x12345678);

	ix_digest_conn_init(&dc);
	KUNIT_EXPECT_EQ(test, ix_digest_header(&dc, IX_DIGEST_RX, buf,
					       sizeof(buf), &d), -EINVAL);
	ix_digest_stats_read(&dc, &st);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_HEADER], 0);
}

struct ix_t_pad {
	const char *desc;
	unsigned int len;
	u32 crc;	/* over the data and its zero pad */
	u32 crc_unpadded;
};

static const struct ix_t_pad ix_t_pads[] = {
	{ "len_1_pad_3", 1, 0x9522e17f, 0xa016d052 },
	{ "len_2_pad_2", 2, 0xad73dfba, 0x681ab76a },
	{ "len_3_pad_1", 3, 0x4a0ad547, 0x0622ce98 },
	{ "len_4_pad_0", 4, 0x7cf5f5c0, 0x7cf5f5c0 },
	{ "len_5_pad_3", 5, 0xcb749fe7, 0x3efa0bdc },
};

static void ix_t_pad_desc(const struct ix_t_pad *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_t_pad, ix_t_pads, ix_t_pad_desc);

static void data_digest_includes_zero_pad(struct kunit *test)
{
	const struct ix_t_pad *p = test->param_value;
	u8 buf[8] = {};
	struct scatterlist sg;
	struct ix_digest_conn dc;
	struct ix_crc c;
	__le32 d;
	int i;

	for (i = 0; i < p->len; i++)
		buf[i] = i * 7 + 1;
	KUNIT_ASSERT_EQ(test, ix_t_crc32c_ref(buf, p->len), p->crc_unpadded);
	KUNIT_ASSERT_EQ(test, ix_t_crc32c_ref(buf, ALIGN(p->len, 4)), p->crc);

	ix_crc_init(&c);
	ix_crc_update(&c, buf, p->len);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ix_crc_final(&c)), p->crc);

	/* A receiver that digests the pad bytes it received gets the same. */
	ix_crc_init(&c);
	ix_crc_update(&c, buf, ALIGN(p->len, 4));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ix_crc_final(&c)), p->crc);

	ix_digest_conn_init(&dc);
	sg_init_one(&sg, buf, p->len);
	KUNIT_ASSERT_EQ(test, ix_digest_data_sg(&dc, IX_DIGEST_TX, &sg, 0,
						p->len, &d), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(d), p->crc);
}

/*
 * Split points 0..IX_T_SPLIT_LEN. The parameter is a pointer into
 * ix_t_split_at[]; its index is the split point.
 */
#define IX_T_SPLIT_LEN	67
static const u8 ix_t_split_at[IX_T_SPLIT_LEN + 1];

static const void *ix_t_split_gen_params(const void *prev, char *desc)
{
	const u8 *p = prev ? (const u8 *)prev + 1 : ix_t_split_at;

	if (p > &ix_t_split_at[IX_T_SPLIT_LEN])
		return NULL;
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "split_at_%td",
		 p - ix_t_split_at);
	return p;
}

static unsigned int ix_t_split(struct kunit *test)
{
	return (const u8 *)test->param_value - ix_t_split_at;
}

static void ix_t_pattern(u8 *buf, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = i * 31 + 17;
}

/* The digest of the pattern, pad included, by the reference loop. */
static u32 ix_t_pattern_ref(void)
{
	u8 padded[ALIGN(IX_T_SPLIT_LEN, 4)] = {};

	ix_t_pattern(padded, IX_T_SPLIT_LEN);
	return ix_t_crc32c_ref(padded, sizeof(padded));
}

static void sg_split_anywhere_same_digest(struct kunit *test)
{
	unsigned int at = ix_t_split(test);
	struct scatterlist sg[2];
	struct ix_crc c, tail;
	u8 *buf;

	/* Heap, not stack: sg_set_buf() wants linear-mapped memory. */
	buf = kunit_kmalloc(test, IX_T_SPLIT_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	ix_t_pattern(buf, IX_T_SPLIT_LEN);

	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], buf, at);
	sg_set_buf(&sg[1], buf + at, IX_T_SPLIT_LEN - at);
	ix_crc_init(&c);
	KUNIT_ASSERT_EQ(test, ix_crc_update_sg(&c, sg, 0, IX_T_SPLIT_LEN), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ix_crc_final(&c)),
			ix_t_pattern_ref());

	/* Starting at the split point covers exactly the tail. */
	ix_crc_init(&c);
	KUNIT_ASSERT_EQ(test, ix_crc_update_sg(&c, sg, at,
					       IX_T_SPLIT_LEN - at), 0);
	ix_crc_init(&tail);
	ix_crc_update(&tail, buf + at, IX_T_SPLIT_LEN - at);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ix_crc_final(&c)),
			le32_to_cpu(ix_crc_final(&tail)));
}

static void incremental_split_anywhere_same_digest(struct kunit *test)
{
	unsigned int at = ix_t_split(test);
	u8 buf[IX_T_SPLIT_LEN];
	struct ix_digest_conn dc;
	struct ix_digest_stats st;
	struct ix_crc c;

	ix_t_pattern(buf, sizeof(buf));
	ix_digest_conn_init(&dc);
	ix_crc_init(&c);
	ix_crc_update(&c, buf, at);
	ix_crc_update(&c, buf + at, sizeof(buf) - at);
	KUNIT_EXPECT_EQ(test,
			le32_to_cpu(ix_digest_data_final(&dc, IX_DIGEST_RX, &c)),
			ix_t_pattern_ref());
	ix_digest_stats_read(&dc, &st);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_DATA], 1);
}

static void incremental_byte_by_byte_same_digest(struct kunit *test)
{
	u8 buf[IX_T_SPLIT_LEN];
	struct ix_crc c;
	unsigned int i;

	ix_t_pattern(buf, sizeof(buf));
	ix_crc_init(&c);
	for (i = 0; i < sizeof(buf); i++)
		ix_crc_update(&c, &buf[i], 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ix_crc_final(&c)), ix_t_pattern_ref());
}

/* One sg entry crossing a page boundary, in two-page memory at an offset. */
static void sg_entry_spanning_pages(struct kunit *test)
{
	const unsigned int off = PAGE_SIZE - 5, len = 13;
	struct scatterlist sg;
	struct page *pages;
	struct ix_crc c;
	u8 *p, *copy;

	copy = kunit_kzalloc(test, ALIGN(len, 4), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	p = page_address(pages);
	ix_t_pattern(p + off, len);
	memcpy(copy, p + off, len);

	sg_init_table(&sg, 1);
	sg_set_page(&sg, pages, len, off);
	ix_crc_init(&c);
	KUNIT_EXPECT_EQ(test, ix_crc_update_sg(&c, &sg, 0, len), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ix_crc_final(&c)),
			ix_t_crc32c_ref(copy, ALIGN(len, 4)));
	__free_pages(pages, 1);
}

static void sg_shorter_than_segment_refused(struct kunit *test)
{
	struct ix_digest_conn dc;
	struct ix_digest_stats st;
	struct scatterlist sg;
	struct ix_crc c;
	__le32 d;
	u8 *buf;

	buf = kunit_kzalloc(test, 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	sg_init_one(&sg, buf, 16);
	ix_crc_init(&c);
	KUNIT_EXPECT_EQ(test, ix_crc_update_sg(&c, &sg, 0, 16), 0);
	ix_crc_init(&c);
	KUNIT_EXPECT_EQ(test, ix_crc_update_sg(&c, &sg, 0, 17), -EINVAL);
	ix_crc_init(&c);
	KUNIT_EXPECT_EQ(test, ix_crc_update_sg(&c, &sg, 8, 9), -EINVAL);

	ix_digest_conn_init(&dc);
	KUNIT_EXPECT_EQ(test, ix_digest_data_sg(&dc, IX_DIGEST_TX, &sg, 4, 13,
						&d), -EINVAL);
	ix_digest_stats_read(&dc, &st);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_DATA], 0);
}

static void verify_counts_mismatches(struct kunit *test)
{
	static const u8 good[IX_DIGEST_LEN] = { 0x56, 0x3a, 0x96, 0xd9 };
	static const u8 bad[IX_DIGEST_LEN] = { 0x56, 0x3a, 0x96, 0xd8 };
	/* The wire is not aligned for us: read from an odd address. */
	u8 wire[1 + IX_DIGEST_LEN];
	struct ix_digest_conn dc;
	struct ix_digest_stats st;
	__le32 d;

	ix_digest_conn_init(&dc);
	KUNIT_ASSERT_EQ(test, ix_digest_header(&dc, IX_DIGEST_RX, ix_t_read_pdu,
					       IX_BHS_LEN, &d), 0);
	memcpy(wire + 1, good, IX_DIGEST_LEN);
	KUNIT_EXPECT_EQ(test, ix_digest_verify(&dc, IX_DIGEST_HEADER, d,
					       wire + 1), 0);
	memcpy(wire + 1, bad, IX_DIGEST_LEN);
	KUNIT_EXPECT_EQ(test, ix_digest_verify(&dc, IX_DIGEST_HEADER, d,
					       wire + 1), -EBADMSG);
	KUNIT_EXPECT_EQ(test, ix_digest_verify(&dc, IX_DIGEST_DATA, d,
					       wire + 1), -EBADMSG);
	KUNIT_EXPECT_EQ(test, ix_digest_verify(&dc, IX_DIGEST_DATA, d,
					       wire + 1), -EBADMSG);
	/* Byte-swapped is a mismatch too: the order on the wire matters. */
	d = cpu_to_le32(swab32(le32_to_cpu(d)));
	memcpy(wire + 1, good, IX_DIGEST_LEN);
	KUNIT_EXPECT_EQ(test, ix_digest_verify(&dc, IX_DIGEST_HEADER, d,
					       wire + 1), -EBADMSG);

	ix_digest_stats_read(&dc, &st);
	KUNIT_EXPECT_EQ(test, st.failed[IX_DIGEST_HEADER], 2);
	KUNIT_EXPECT_EQ(test, st.failed[IX_DIGEST_DATA], 2);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_HEADER], 1);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_DATA], 0);
}

struct ix_t_decision {
	const char *desc;
	bool negotiated_crc32c;
	enum xfrm_guard_crc crc;
	bool compute;
	enum ix_digest_skip why;
};

/* An agreed CRC32C is computed whatever the guard says. */
#define IX_T_AGREED_CRC32C(c) {						\
	.desc = "crc32c_" #c, .negotiated_crc32c = true,		\
	.crc = XFRM_GUARD_CRC_##c, .compute = true,			\
}

/* An agreed None is never computed; the reason follows the guard. */
#define IX_T_AGREED_NONE(c, w) {					\
	.desc = "none_" #c, .negotiated_crc32c = false,			\
	.crc = XFRM_GUARD_CRC_##c, .compute = false,			\
	.why = IX_DIGEST_SKIP_##w,					\
}

/* Every (negotiated, guard decision) pair. */
static const struct ix_t_decision ix_t_decisions[] = {
	IX_T_AGREED_CRC32C(COMPUTE_SOFTWARE),
	IX_T_AGREED_CRC32C(SKIP_OFFLOADED),
	IX_T_AGREED_CRC32C(COMPUTE_FORCED),
	IX_T_AGREED_CRC32C(SKIP_DISABLED),
	IX_T_AGREED_NONE(COMPUTE_SOFTWARE, NEGOTIATED_NONE),
	IX_T_AGREED_NONE(SKIP_OFFLOADED, OFFLOADED),
	IX_T_AGREED_NONE(COMPUTE_FORCED, NEGOTIATED_NONE),
	IX_T_AGREED_NONE(SKIP_DISABLED, POLICY),
};

static void ix_t_decision_desc(const struct ix_t_decision *t, char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_t_decision, ix_t_decisions, ix_t_decision_desc);

static void decide_table(struct kunit *test)
{
	const struct ix_t_decision *t = test->param_value;
	enum ix_digest_skip why = __IX_DIGEST_SKIP_MAX;
	bool on;

	on = ix_digest_decide(t->negotiated_crc32c, t->crc, &why);
	KUNIT_EXPECT_EQ(test, on, t->compute);
	if (!t->compute)
		KUNIT_EXPECT_STREQ(test, ix_digest_skip_name(why),
				   ix_digest_skip_name(t->why));
}

static void negotiated_crc32c_is_never_skipped(struct kunit *test)
{
	/* Every decision the guard has, and a value it has none for. */
	static const int crcs[] = {
		XFRM_GUARD_CRC_COMPUTE_SOFTWARE, XFRM_GUARD_CRC_SKIP_OFFLOADED,
		XFRM_GUARD_CRC_COMPUTE_FORCED, XFRM_GUARD_CRC_SKIP_DISABLED, 42,
	};
	struct ix_digest_conn dc;
	enum ix_digest_skip why;
	int i;

	for (i = 0; i < ARRAY_SIZE(crcs); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, ix_digest_decide(true, crcs[i], &why),
				      "crc decision %d", crcs[i]);
		ix_digest_conn_init(&dc);
		ix_digest_conn_set(&dc, true, true, crcs[i]);
		KUNIT_EXPECT_TRUE(test, ix_digest_on(&dc, IX_DIGEST_HEADER));
		KUNIT_EXPECT_TRUE(test, ix_digest_on(&dc, IX_DIGEST_DATA));
	}
}

static void conn_counts_computed_and_skipped_with_reason(struct kunit *test)
{
	struct ix_digest_conn dc;
	struct ix_digest_stats st;
	u8 buf[8] = { 1, 2, 3 };
	struct scatterlist sg;
	__le32 d;

	ix_digest_conn_init(&dc);
	/* HeaderDigest=CRC32C agreed, DataDigest=None, IPsec offloaded. */
	ix_digest_conn_set(&dc, true, false, XFRM_GUARD_CRC_SKIP_OFFLOADED);
	KUNIT_ASSERT_TRUE(test, ix_digest_on(&dc, IX_DIGEST_HEADER));
	KUNIT_ASSERT_FALSE(test, ix_digest_on(&dc, IX_DIGEST_DATA));

	KUNIT_ASSERT_EQ(test, ix_digest_header(&dc, IX_DIGEST_TX, ix_t_read_pdu,
					       IX_BHS_LEN, &d), 0);
	KUNIT_ASSERT_EQ(test, ix_digest_header(&dc, IX_DIGEST_RX, ix_t_read_pdu,
					       IX_BHS_LEN, &d), 0);
	ix_digest_skip(&dc, IX_DIGEST_TX, IX_DIGEST_DATA);
	ix_digest_skip(&dc, IX_DIGEST_RX, IX_DIGEST_DATA);
	ix_digest_skip(&dc, IX_DIGEST_RX, IX_DIGEST_DATA);

	/* A new login with other settings keeps the counters. */
	ix_digest_conn_set(&dc, false, false, XFRM_GUARD_CRC_SKIP_DISABLED);
	ix_digest_skip(&dc, IX_DIGEST_TX, IX_DIGEST_HEADER);
	ix_digest_conn_set(&dc, false, true, XFRM_GUARD_CRC_COMPUTE_SOFTWARE);
	ix_digest_skip(&dc, IX_DIGEST_TX, IX_DIGEST_HEADER);
	sg_init_one(&sg, buf, 3);
	KUNIT_ASSERT_EQ(test, ix_digest_data_sg(&dc, IX_DIGEST_TX, &sg, 0, 3,
						&d), 0);

	ix_digest_stats_read(&dc, &st);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_HEADER], 2);
	KUNIT_EXPECT_EQ(test, st.computed[IX_DIGEST_DATA], 1);
	KUNIT_EXPECT_EQ(test,
			st.skipped[IX_DIGEST_DATA][IX_DIGEST_SKIP_OFFLOADED], 3);
	KUNIT_EXPECT_EQ(test,
			st.skipped[IX_DIGEST_HEADER][IX_DIGEST_SKIP_POLICY], 1);
	KUNIT_EXPECT_EQ(test,
			st.skipped[IX_DIGEST_HEADER][IX_DIGEST_SKIP_NEGOTIATED_NONE],
			1);
	KUNIT_EXPECT_EQ(test,
			st.skipped[IX_DIGEST_DATA][IX_DIGEST_SKIP_NEGOTIATED_NONE],
			0);
	KUNIT_EXPECT_EQ(test, st.failed[IX_DIGEST_HEADER] +
			st.failed[IX_DIGEST_DATA], 0);
}

static struct kunit_case ix_digest_cases[] = {
	KUNIT_CASE_PARAM(rfc3720_vector_digest_and_wire_bytes,
			 ix_t_vector_gen_params),
	KUNIT_CASE(rfc3720_read_pdu_as_header_digest),
	KUNIT_CASE(wire_bytes_match_crypto_api_crc32c),
	KUNIT_CASE(header_digest_covers_bhs_and_ahs),
	KUNIT_CASE(header_ahs_past_buffer_refused),
	KUNIT_CASE_PARAM(data_digest_includes_zero_pad, ix_t_pad_gen_params),
	KUNIT_CASE_PARAM(sg_split_anywhere_same_digest, ix_t_split_gen_params),
	KUNIT_CASE_PARAM(incremental_split_anywhere_same_digest,
			 ix_t_split_gen_params),
	KUNIT_CASE(incremental_byte_by_byte_same_digest),
	KUNIT_CASE(sg_entry_spanning_pages),
	KUNIT_CASE(sg_shorter_than_segment_refused),
	KUNIT_CASE(verify_counts_mismatches),
	KUNIT_CASE_PARAM(decide_table, ix_t_decision_gen_params),
	KUNIT_CASE(negotiated_crc32c_is_never_skipped),
	KUNIT_CASE(conn_counts_computed_and_skipped_with_reason),
	{}
};

static struct kunit_suite ix_digest_suite = {
	.name = "ix_digest",
	.test_cases = ix_digest_cases,
};

/* ---- custom statistics (stats.c) ------------------------------------- */

/*
 * A get_stats reply as the transport class hands it over: the fixed part
 * zeroed, the custom entries whatever the skb held before (0xa5 here), and
 * one more entry past the end as a canary.
 */
static struct iscsi_stats *ix_t_stats(struct kunit *test)
{
	struct iscsi_stats *st;
	size_t sz = struct_size(st, custom, ISCSI_STATS_CUSTOM_MAX + 1);

	st = kunit_kmalloc(test, sz, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	memset(st, 0xa5, sz);
	memset(st, 0, sizeof(*st));
	return st;
}

/* Every byte of entry @i is defined: the name's tail is all NULs. */
static void ix_t_expect_entry_defined(struct kunit *test,
				      const struct iscsi_stats *st, int i)
{
	const char *d = st->custom[i].desc;
	size_t n = strnlen(d, ISCSI_STATS_CUSTOM_DESC_MAX);

	KUNIT_ASSERT_LT_MSG(test, n, (size_t)ISCSI_STATS_CUSTOM_DESC_MAX,
			    "entry %d has no NUL", i);
	KUNIT_EXPECT_PTR_EQ_MSG(test,
				memchr_inv(d + n, 0,
					   ISCSI_STATS_CUSTOM_DESC_MAX - n),
				NULL,
				"entry %d (%s): bytes after the NUL are not zero",
				i, d);
}

static void stats_desc_tail_is_zeroed(struct kunit *test)
{
	struct iscsi_stats *st = ix_t_stats(test);
	struct ix_digest_stats ds = { };
	int i, per_kind = 2 + __IX_DIGEST_SKIP_MAX;

	ds.computed[IX_DIGEST_HEADER] = 11;
	ds.failed[IX_DIGEST_DATA] = 22;
	ds.skipped[IX_DIGEST_DATA][IX_DIGEST_SKIP_OFFLOADED] = 33;
	ix_stats_add_digest(st, &ds);
	ix_stats_add(st, "tx_holds", 44);

	KUNIT_ASSERT_EQ(test, st->custom_length,
			__IX_DIGEST_KIND_MAX * per_kind + 1);
	for (i = 0; i < st->custom_length; i++)
		ix_t_expect_entry_defined(test, st, i);

	KUNIT_EXPECT_STREQ(test, st->custom[0].desc, "hdr_digest_computed");
	KUNIT_EXPECT_EQ(test, st->custom[0].value, 11);
	KUNIT_EXPECT_STREQ(test, st->custom[per_kind + 1].desc,
			   "data_digest_failed");
	KUNIT_EXPECT_EQ(test, st->custom[per_kind + 1].value, 22);
	i = per_kind + 2 + IX_DIGEST_SKIP_OFFLOADED;
	KUNIT_EXPECT_STREQ(test, st->custom[i].desc,
			   "data_digest_skipped_offloaded");
	KUNIT_EXPECT_EQ(test, st->custom[i].value, 33);
	i = st->custom_length - 1;
	KUNIT_EXPECT_STREQ(test, st->custom[i].desc, "tx_holds");
	KUNIT_EXPECT_EQ(test, st->custom[i].value, 44);
}

static void stats_long_desc_cut_and_zeroed(struct kunit *test)
{
	struct iscsi_stats *st = ix_t_stats(test);
	char name[ISCSI_STATS_CUSTOM_DESC_MAX + 16];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ix_stats_add(st, name, 1);
	ix_stats_add(st, "", 2);

	KUNIT_ASSERT_EQ(test, st->custom_length, 2);
	KUNIT_EXPECT_EQ(test, strnlen(st->custom[0].desc,
				      ISCSI_STATS_CUSTOM_DESC_MAX),
			(size_t)ISCSI_STATS_CUSTOM_DESC_MAX - 1);
	ix_t_expect_entry_defined(test, st, 0);
	ix_t_expect_entry_defined(test, st, 1);
	KUNIT_EXPECT_EQ(test, st->custom[1].value, 2);
}

static void stats_full_reply_drops_the_rest(struct kunit *test)
{
	struct iscsi_stats *st = ix_t_stats(test);
	struct ix_digest_stats ds = { };
	int i;

	for (i = 0; i < ISCSI_STATS_CUSTOM_MAX + 3; i++)
		ix_stats_add(st, "n", i);
	ix_stats_add_digest(st, &ds);

	KUNIT_EXPECT_EQ(test, st->custom_length, ISCSI_STATS_CUSTOM_MAX);
	KUNIT_EXPECT_EQ(test, st->custom[ISCSI_STATS_CUSTOM_MAX - 1].value,
			ISCSI_STATS_CUSTOM_MAX - 1);
	KUNIT_EXPECT_PTR_EQ(test,
			    memchr_inv(&st->custom[ISCSI_STATS_CUSTOM_MAX],
				       0xa5, sizeof(st->custom[0])),
			    NULL);
}

static struct kunit_case ix_stats_cases[] = {
	KUNIT_CASE(stats_desc_tail_is_zeroed),
	KUNIT_CASE(stats_long_desc_cut_and_zeroed),
	KUNIT_CASE(stats_full_reply_drops_the_rest),
	{}
};

static struct kunit_suite ix_stats_suite = {
	.name = "ix_stats",
	.test_cases = ix_stats_cases,
};

kunit_test_suites(&ix_digest_suite, &ix_stats_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the iscsi_xfrm digests and statistics");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
