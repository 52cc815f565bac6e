// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: iscsi_xfrm login shim (login.c).
 *
 * Segments are copied into buffers of exactly their capacity, so KASAN
 * reports any read or write past what the shim was given.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include "login.h"

/* A segment literal with its embedded NULs, and its length. */
#define SEG(s)		.in = (s), .in_len = sizeof(s) - 1

#define SW		XFRM_GUARD_CRC_COMPUTE_SOFTWARE
#define OFFLOADED	XFRM_GUARD_CRC_SKIP_OFFLOADED
#define FORCED		XFRM_GUARD_CRC_COMPUTE_FORCED
#define DISABLED	XFRM_GUARD_CRC_SKIP_DISABLED

static char *ix_t_buf(struct kunit *test, const char *s, size_t len,
		      size_t cap)
{
	char *b = kunit_kmalloc(test, cap ? cap : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	memcpy(b, s, len);
	return b;
}

/*
 * A buffer followed by a canary, for the rewrite: KASAN does not see
 * every out-of-line memmove() in a module, the canary does.
 */
#define IX_T_CANARY	16

static char *ix_t_guarded(struct kunit *test, const char *s, size_t len,
			  size_t cap)
{
	char *b = ix_t_buf(test, s, len, cap + IX_T_CANARY);

	memset(b + cap, 0xa5, IX_T_CANARY);
	return b;
}

static void ix_t_canary(struct kunit *test, const char *b, size_t cap)
{
	KUNIT_EXPECT_PTR_EQ_MSG(test, memchr_inv(b + cap, 0xa5, IX_T_CANARY),
				NULL, "write past the capacity");
}

/* Rewrite @in under @crc with @slack spare bytes; expect @out exactly. */
static void ix_t_rewrite(struct kunit *test, const char *in, size_t in_len,
			 enum xfrm_guard_crc crc, const char *out,
			 size_t out_len)
{
	size_t cap = max(in_len, out_len);
	char *b = ix_t_guarded(test, in, in_len, cap);
	int ret = ix_login_digest_rewrite(b, in_len, cap, crc);

	ix_t_canary(test, b, cap);
	KUNIT_ASSERT_EQ_MSG(test, ret, (int)out_len, "crc %d", crc);
	KUNIT_EXPECT_MEMEQ(test, b, out, out_len);
}

struct ix_t_digest {
	const char *desc;
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
	enum xfrm_guard_crc crc;
};

#define OUT(s)		.out = (s), .out_len = sizeof(s) - 1

static const struct ix_t_digest ix_offloaded_cases[] = {
	{ "header_crc_none", SEG("HeaderDigest=CRC32C,None\0"),
	  OUT("HeaderDigest=None\0"), OFFLOADED },
	{ "header_none_crc", SEG("HeaderDigest=None,CRC32C\0"),
	  OUT("HeaderDigest=None\0"), OFFLOADED },
	{ "data_crc_none", SEG("DataDigest=CRC32C,None\0"),
	  OUT("DataDigest=None\0"), OFFLOADED },
	{ "data_none_crc", SEG("DataDigest=None,CRC32C\0"),
	  OUT("DataDigest=None\0"), OFFLOADED },
	{ "both_among_other_keys",
	  SEG("InitiatorName=iqn.2004-10.org.example:alice\0"
	      "HeaderDigest=CRC32C,None\0DataDigest=None,CRC32C\0"
	      "MaxRecvDataSegmentLength=262144\0"),
	  OUT("InitiatorName=iqn.2004-10.org.example:alice\0"
	      "HeaderDigest=None\0DataDigest=None\0"
	      "MaxRecvDataSegmentLength=262144\0"), OFFLOADED },
};

static void ix_digest_desc(const struct ix_t_digest *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_offloaded, ix_offloaded_cases, ix_digest_desc);

static void offloaded_crc_turns_crc_or_none_into_none(struct kunit *test)
{
	const struct ix_t_digest *c = test->param_value;

	ix_t_rewrite(test, c->in, c->in_len, c->crc, c->out, c->out_len);
}

static const struct ix_t_digest ix_forced_cases[] = {
	{ "header_crc_none", SEG("HeaderDigest=CRC32C,None\0"),
	  OUT("HeaderDigest=CRC32C\0"), FORCED },
	{ "data_none_crc", SEG("DataDigest=None,CRC32C\0"),
	  OUT("DataDigest=CRC32C\0"), FORCED },
	{ "both_among_other_keys", SEG("A=1\0HeaderDigest=CRC32C,None\0B=2\0"
				       "DataDigest=None,CRC32C\0C=3\0"),
	  OUT("A=1\0HeaderDigest=CRC32C\0B=2\0DataDigest=CRC32C\0C=3\0"),
	  FORCED },
	/* crc=never narrows like offloaded. */
	{ "disabled_header_crc_none", SEG("HeaderDigest=CRC32C,None\0"),
	  OUT("HeaderDigest=None\0"), DISABLED },
	{ "disabled_data_none_crc", SEG("DataDigest=None,CRC32C\0"),
	  OUT("DataDigest=None\0"), DISABLED },
};

KUNIT_ARRAY_PARAM(ix_forced, ix_forced_cases, ix_digest_desc);

static void forced_or_disabled_crc_narrows_the_offer(struct kunit *test)
{
	const struct ix_t_digest *c = test->param_value;

	ix_t_rewrite(test, c->in, c->in_len, c->crc, c->out, c->out_len);
}

/*
 * A "None" offer cannot become "CRC32C": iscsid would reject the answer it
 * never offered. crc=always refuses it instead, leaving the text alone.
 */
static void forced_crc_refuses_none_offer(struct kunit *test)
{
#define NONE_SEG(x)	{ x, sizeof(x) - 1 }
	static const struct {
		const char *seg;
		size_t len;
	} cases[] = {
		NONE_SEG("HeaderDigest=None\0"),
		NONE_SEG("DataDigest=None\0"),
		NONE_SEG("HeaderDigest=CRC32C,None\0DataDigest=None\0"),
	};
#undef NONE_SEG
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len;
		char *b = ix_t_guarded(test, cases[i].seg, len, len + 8);

		KUNIT_EXPECT_EQ(test, ix_login_digest_rewrite(b, len, len + 8,
							      FORCED),
				-EACCES);
		KUNIT_EXPECT_MEMEQ(test, b, cases[i].seg, len);
		ix_t_canary(test, b, len + 8);
	}
}

static void plain_crc32c_never_weakened(struct kunit *test)
{
	static const char seg[] = "HeaderDigest=CRC32C\0DataDigest=CRC32C\0";
	enum xfrm_guard_crc crc;

	for (crc = SW; crc <= DISABLED; crc++)
		ix_t_rewrite(test, seg, sizeof(seg) - 1, crc, seg,
			     sizeof(seg) - 1);
}

static void software_crc_changes_nothing(struct kunit *test)
{
	static const char seg[] = "HeaderDigest=CRC32C,None\0"
				  "DataDigest=None\0";

	ix_t_rewrite(test, seg, sizeof(seg) - 1, SW, seg, sizeof(seg) - 1);
	/* Offloaded or disabled: a plain None stays, the list collapses. */
	ix_t_rewrite(test, seg, sizeof(seg) - 1, OFFLOADED,
		     "HeaderDigest=None\0DataDigest=None\0",
		     sizeof("HeaderDigest=None\0DataDigest=None\0") - 1);
	ix_t_rewrite(test, seg, sizeof(seg) - 1, DISABLED,
		     "HeaderDigest=None\0DataDigest=None\0",
		     sizeof("HeaderDigest=None\0DataDigest=None\0") - 1);
}

static void unknown_digest_values_left_alone(struct kunit *test)
{
	static const char seg[] = "HeaderDigest=None,X-com.example.dgst\0";

	ix_t_rewrite(test, seg, sizeof(seg) - 1, OFFLOADED, seg,
		     sizeof(seg) - 1);
	ix_t_rewrite(test, seg, sizeof(seg) - 1, FORCED, seg,
		     sizeof(seg) - 1);
}

static void empty_segment_accepted(struct kunit *test)
{
	char *b = ix_t_buf(test, "", 0, 8);

	KUNIT_EXPECT_EQ(test, ix_login_digest_rewrite(b, 0, 8, FORCED), 0);
	KUNIT_EXPECT_EQ(test, ix_login_digest_rewrite(NULL, 0, 0, FORCED), 0);
}

struct ix_t_bad {
	const char *desc;
	const char *in;
	size_t in_len;
};

static const struct ix_t_bad ix_bad_text[] = {
	{ "key_without_equals", SEG("HeaderDigest\0") },
	{ "no_final_nul", SEG("HeaderDigest=None\0DataDigest=None") },
	{ "only_a_key_no_nul", SEG("HeaderDigest") },
	{ "duplicate_header_digest",
	  SEG("HeaderDigest=None\0HeaderDigest=CRC32C\0") },
	{ "duplicate_data_digest",
	  SEG("DataDigest=CRC32C,None\0X=1\0DataDigest=None\0") },
	{ "empty_record", SEG("A=1\0\0") },
	{ "empty_key", SEG("=None\0") },
	{ "bad_key_character", SEG("Header Digest=None\0") },
	{ "key_of_64_bytes",
	  SEG("K123456789012345678901234567890123456789012345678901234567890123=1\0") },
	{ "empty_digest_list", SEG("HeaderDigest=\0") },
	{ "empty_digest_list_element", SEG("DataDigest=CRC32C,,None\0") },
	{ "trailing_comma", SEG("DataDigest=None,\0") },
};

static void ix_bad_desc(const struct ix_t_bad *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_bad, ix_bad_text, ix_bad_desc);

static void malformed_key_text_refused(struct kunit *test)
{
	const struct ix_t_bad *c = test->param_value;
	size_t cap = c->in_len + 16;
	char *b = ix_t_buf(test, c->in, c->in_len, cap);
	enum xfrm_guard_crc crc;

	for (crc = SW; crc <= DISABLED; crc++) {
		KUNIT_EXPECT_EQ_MSG(test, ix_login_digest_rewrite(b, c->in_len,
								  cap, crc),
				    -EINVAL, "crc %d", crc);
		KUNIT_EXPECT_MEMEQ(test, b, c->in, c->in_len);
	}
}

static void key_iterator_stops_at_length(struct kunit *test)
{
	/* The NUL that ends the record lies past the length we pass. */
	static const char seg[] = "A=1\0HeaderDigest=None";
	char *b = ix_t_buf(test, seg, sizeof(seg), sizeof(seg));
	struct ix_key_iter it;
	struct ix_key k;

	ix_key_iter_init(&it, b, sizeof(seg) - 1);
	KUNIT_ASSERT_EQ(test, ix_key_next(&it, &k), 1);
	KUNIT_EXPECT_TRUE(test, ix_key_is(&k, "A"));
	KUNIT_EXPECT_EQ(test, k.val_len, 1);
	KUNIT_EXPECT_EQ(test, ix_key_next(&it, &k), -EINVAL);

	ix_key_iter_init(&it, b, sizeof(seg));
	KUNIT_ASSERT_EQ(test, ix_key_next(&it, &k), 1);
	KUNIT_ASSERT_EQ(test, ix_key_next(&it, &k), 1);
	KUNIT_EXPECT_TRUE(test, ix_key_is(&k, "HeaderDigest"));
	KUNIT_EXPECT_FALSE(test, ix_key_is(&k, "HeaderDigestX"));
	KUNIT_EXPECT_FALSE(test, ix_key_is(&k, "Header"));
	KUNIT_EXPECT_EQ(test, ix_key_next(&it, &k), 0);
}

/* Narrowing never grows the text: a buffer with no slack is enough. */
static void rewrite_fits_without_slack(struct kunit *test)
{
	static const char seg[] = "HeaderDigest=None,CRC32C\0"
				  "DataDigest=CRC32C,None\0";
	static const char out[] = "HeaderDigest=CRC32C\0DataDigest=CRC32C\0";
	size_t len = sizeof(seg) - 1, want = sizeof(out) - 1;
	char *b = ix_t_guarded(test, seg, len, len);

	/* A length beyond the capacity is a caller bug, not a rewrite. */
	KUNIT_EXPECT_EQ(test, ix_login_digest_rewrite(b, len, len - 1, FORCED),
			-EINVAL);
	KUNIT_EXPECT_MEMEQ(test, b, seg, len);
	KUNIT_EXPECT_EQ(test, ix_login_digest_rewrite(b, len, len, FORCED),
			(int)want);
	KUNIT_EXPECT_MEMEQ(test, b, out, want);
	ix_t_canary(test, b, len);
}

static void forced_crc_refuses_negotiated_none(struct kunit *test)
{
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, ix_login_digest_check(FORCED, false, &reason),
			-EACCES);
	KUNIT_EXPECT_STREQ(test, reason, IX_REASON_CRC_REQUIRED);

	reason = NULL;
	KUNIT_EXPECT_EQ(test, ix_login_digest_check(FORCED, true, &reason), 0);
	KUNIT_EXPECT_EQ(test, ix_login_digest_check(SW, false, &reason), 0);
	KUNIT_EXPECT_EQ(test, ix_login_digest_check(OFFLOADED, false, &reason),
			0);
	/* Agreed digests are used even when the guard would skip them. */
	KUNIT_EXPECT_EQ(test, ix_login_digest_check(OFFLOADED, true, &reason),
			0);
	KUNIT_EXPECT_EQ(test, ix_login_digest_check(DISABLED, false, &reason),
			0);
	KUNIT_EXPECT_NULL(test, reason);
}

struct ix_trim_case {
	const char *name;
	const char *buf;
	size_t len;
	size_t want;
};

static const struct ix_trim_case ix_trim_cases[] = {
	{ "no pad", "A=1\0", 4, 4 },
	{ "one pad byte", "AB=1\0\0", 6, 5 },
	{ "three pad bytes", "A=1\0B=22\0\0\0\0", 12, 9 },
	{ "empty", "", 0, 0 },
	{ "only pad", "\0\0\0\0", 4, 0 },
	{ "unterminated text kept", "A=1", 3, 3 },
	{ "NUL inside kept", "A=1\0\0B=2\0", 9, 9 },
};

static void ix_trim_desc(const struct ix_trim_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_trim, ix_trim_cases, ix_trim_desc);

static void padded_text_trimmed_to_last_record(struct kunit *test)
{
	const struct ix_trim_case *c = test->param_value;
	size_t len = ix_login_trim_pad(c->buf, c->len);

	KUNIT_EXPECT_EQ(test, len, c->want);
	/* What is left parses, unless the text itself is broken. */
	if (len && c->buf[len - 1] == '\0') {
		struct ix_key_iter it;
		struct ix_key k;
		int ret;

		ix_key_iter_init(&it, c->buf, len);
		while ((ret = ix_key_next(&it, &k)) > 0)
			;
		KUNIT_EXPECT_EQ(test, ret, strstr(c->name, "inside") ? -EINVAL : 0);
	}
}

static struct kunit_case ix_login_digest_cases[] = {
	KUNIT_CASE_PARAM(padded_text_trimmed_to_last_record, ix_trim_gen_params),
	KUNIT_CASE_PARAM(offloaded_crc_turns_crc_or_none_into_none,
			 ix_offloaded_gen_params),
	KUNIT_CASE_PARAM(forced_or_disabled_crc_narrows_the_offer,
			 ix_forced_gen_params),
	KUNIT_CASE(plain_crc32c_never_weakened),
	KUNIT_CASE(software_crc_changes_nothing),
	KUNIT_CASE(forced_crc_refuses_none_offer),
	KUNIT_CASE(unknown_digest_values_left_alone),
	KUNIT_CASE(empty_segment_accepted),
	KUNIT_CASE_PARAM(malformed_key_text_refused, ix_bad_gen_params),
	KUNIT_CASE(key_iterator_stops_at_length),
	KUNIT_CASE(rewrite_fits_without_slack),
	KUNIT_CASE(forced_crc_refuses_negotiated_none),
	{}
};

static struct kunit_suite ix_login_digest_suite = {
	.name = "ix_login_digest",
	.test_cases = ix_login_digest_cases,
};

/* ---- CHAP ------------------------------------------------------------- */

static void ix_t_table_free(void *t)
{
	ix_chap_table_free(t);
}

static struct ix_chap_table *ix_t_table(struct kunit *test)
{
	struct ix_chap_table *t = ix_chap_table_alloc();

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ix_t_table_free,
							t), 0);
	return t;
}

/* Run a segment literal through the tx or rx check. */
#define TX(t, conn, s, now, r) \
	ix_login_chap_tx(t, conn, ix_t_buf(test, s, sizeof(s) - 1, \
					   sizeof(s) - 1), \
			 sizeof(s) - 1, now, r)
#define RX(t, conn, s, now, r) \
	ix_login_chap_rx(t, conn, ix_t_buf(test, s, sizeof(s) - 1, \
					   sizeof(s) - 1), \
			 sizeof(s) - 1, now, r)

/* Alice's challenge on connection 1, in every encoding. */
#define C_A_HEX		"0x0123456789abcdeffedcba9876543210"
#define C_A_HEX_UPPER	"0X0123456789ABCDEFFEDCBA9876543210"
#define C_A_HEX_ODD	"0x123456789abcdeffedcba9876543210"
#define C_A_B64		"0bASNFZ4mrze/+3LqYdlQyEA=="
#define C_A_B64_NOPAD	"0BASNFZ4mrze/+3LqYdlQyEA"
/* The target's honest challenges. */
#define C_T1		"0x00112233445566778899aabbccddeeff"
#define C_T2		"0bq83v"

struct ix_t_reflect {
	const char *desc;
	const char *sent;
	const char *echoed;
};

static const struct ix_t_reflect ix_reflect_cases[] = {
	{ "hex_as_hex", C_A_HEX, C_A_HEX },
	{ "hex_as_upper_hex", C_A_HEX, C_A_HEX_UPPER },
	{ "hex_as_odd_length_hex", C_A_HEX, C_A_HEX_ODD },
	{ "hex_as_base64", C_A_HEX, C_A_B64 },
	{ "hex_as_unpadded_base64", C_A_HEX, C_A_B64_NOPAD },
	{ "base64_as_hex", C_A_B64, C_A_HEX },
	{ "base64_as_base64", C_A_B64, C_A_B64 },
};

static void ix_reflect_desc(const struct ix_t_reflect *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_reflect, ix_reflect_cases, ix_reflect_desc);

/* Build "CHAP_A=5\0CHAP_I=1\0CHAP_C=<c>\0" and its length. */
static size_t ix_t_chap_seg(struct kunit *test, char **seg, const char *pre,
			    const char *c)
{
	size_t plen = strlen(pre), clen = strlen(c);
	size_t len = plen + 1 + 7 + clen + 1;
	char *b = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	memcpy(b, pre, plen);
	b[plen] = '\0';
	memcpy(b + plen + 1, "CHAP_C=", 7);
	memcpy(b + plen + 8, c, clen);
	b[len - 1] = '\0';
	*seg = b;
	return len;
}

static void reflected_challenge_refused_hex_and_base64(struct kunit *test)
{
	const struct ix_t_reflect *c = test->param_value;
	struct ix_chap_table *t = ix_t_table(test);
	unsigned long now = jiffies;
	const char *reason = NULL;
	char *seg;
	size_t len;

	/* Connection 1: Alice answers Rogue and challenges it back. */
	len = ix_t_chap_seg(test, &seg, "CHAP_N=alice\0CHAP_R=0x42", c->sent);
	KUNIT_ASSERT_EQ(test, ix_login_chap_tx(t, 1, seg, len, now, &reason),
			0);
	/* Connection 2: Rogue reflects Alice's challenge. */
	len = ix_t_chap_seg(test, &seg, "CHAP_A=5\0CHAP_I=7", c->echoed);
	KUNIT_EXPECT_EQ(test, ix_login_chap_rx(t, 2, seg, len, now + 1,
					       &reason), -EACCES);
	KUNIT_EXPECT_STREQ(test, reason, IX_REASON_CHAP_REFLECTION);
	/* And if the caller let it through, Alice's answer is refused. */
	reason = NULL;
	KUNIT_EXPECT_EQ(test, TX(t, 2, "CHAP_N=alice\0CHAP_R=0x99\0",
				 now + 2, &reason), -EACCES);
	KUNIT_EXPECT_STREQ(test, reason, IX_REASON_CHAP_REFLECTION);
}

static void mutual_chap_on_two_connections_accepted(struct kunit *test)
{
	struct ix_chap_table *t = ix_t_table(test);
	unsigned long now = jiffies;
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, TX(t, 1, "AuthMethod=CHAP,None\0", now,
				 &reason), 0);
	KUNIT_EXPECT_EQ(test, RX(t, 1, "CHAP_A=5\0CHAP_I=1\0CHAP_C=" C_T1 "\0",
				 now, &reason), 0);
	KUNIT_EXPECT_EQ(test, TX(t, 1, "CHAP_N=a\0CHAP_R=0x01\0CHAP_I=9\0"
				 "CHAP_C=" C_A_HEX "\0", now, &reason), 0);
	KUNIT_EXPECT_EQ(test, RX(t, 2, "CHAP_A=5\0CHAP_I=2\0CHAP_C=" C_T2 "\0",
				 now, &reason), 0);
	KUNIT_EXPECT_EQ(test, TX(t, 2, "CHAP_N=a\0CHAP_R=0x02\0", now,
				 &reason), 0);
	/* A target may reuse its own challenge; that is no reflection. */
	KUNIT_EXPECT_EQ(test, RX(t, 3, "CHAP_C=" C_T1 "\0", now, &reason), 0);
	KUNIT_EXPECT_NULL(test, reason);
}

static void challenge_echoed_on_same_connection_refused(struct kunit *test)
{
	struct ix_chap_table *t = ix_t_table(test);
	unsigned long now = jiffies;
	const char *reason = NULL;

	/* RFC 3723 2.4.1: never reuse the responder's challenge. */
	KUNIT_EXPECT_EQ(test, RX(t, 1, "CHAP_I=1\0CHAP_C=" C_T1 "\0", now,
				 &reason), 0);
	KUNIT_EXPECT_EQ(test, TX(t, 1, "CHAP_R=0x01\0CHAP_C=" C_T1 "\0", now,
				 &reason), -EACCES);
	KUNIT_EXPECT_STREQ(test, reason, IX_REASON_CHAP_REFLECTION);
}

static void expired_challenge_forgotten(struct kunit *test)
{
	struct ix_chap_table *t = ix_t_table(test);
	unsigned long now = jiffies;
	const char *reason = NULL;

	KUNIT_ASSERT_EQ(test, TX(t, 1, "CHAP_C=" C_A_HEX "\0", now, &reason),
			0);
	/* One jiffy before expiry the reflection is still caught... */
	KUNIT_EXPECT_EQ(test, RX(t, 2, "CHAP_C=" C_A_B64 "\0",
				 now + IX_CHAP_TTL - 1, &reason), -EACCES);
	/* ...at expiry it is gone. */
	reason = NULL;
	KUNIT_EXPECT_EQ(test, RX(t, 3, "CHAP_C=" C_A_B64 "\0",
				 now + IX_CHAP_TTL, &reason), 0);
	KUNIT_EXPECT_NULL(test, reason);
}

static void forgotten_connection_no_longer_matches(struct kunit *test)
{
	struct ix_chap_table *t = ix_t_table(test);
	unsigned long now = jiffies;
	const char *reason = NULL;

	KUNIT_ASSERT_EQ(test, TX(t, 1, "CHAP_C=" C_A_HEX "\0", now, &reason),
			0);
	ix_chap_forget(t, 1);
	KUNIT_EXPECT_EQ(test, RX(t, 2, "CHAP_C=" C_A_HEX "\0", now, &reason),
			0);
}

static void full_table_forgets_received_before_sent(struct kunit *test)
{
	struct ix_chap_table *t = ix_t_table(test);
	unsigned long now = jiffies;
	const char *reason = NULL;
	u8 c[4] = { 0xaa };
	int i;

	KUNIT_ASSERT_EQ(test, TX(t, 1, "CHAP_C=" C_A_HEX "\0", now, &reason),
			0);
	/* Flood with more received challenges than the table holds. */
	for (i = 0; i < 3 * IX_CHAP_TABLE_SIZE; i++) {
		c[1] = i;
		c[2] = i >> 8;
		KUNIT_ASSERT_EQ(test, ix_chap_note(t, IX_CHAP_RECEIVED, 100 + i,
						   c, sizeof(c), now + 1,
						   &reason), 0);
	}
	KUNIT_EXPECT_EQ(test, RX(t, 2, "CHAP_C=" C_A_B64 "\0", now + 2,
				 &reason), -EACCES);
}

static const struct ix_t_bad ix_bad_chap[] = {
	{ "no_digits", SEG("CHAP_C=0x\0") },
	{ "bad_hex_digit", SEG("CHAP_C=0x12g4\0") },
	{ "decimal", SEG("CHAP_C=12345\0") },
	{ "no_prefix", SEG("CHAP_C=abcdef\0") },
	{ "base64_only_padding", SEG("CHAP_C=0b====\0") },
	{ "base64_one_char", SEG("CHAP_C=0bQ\0") },
	{ "base64_bad_padding", SEG("CHAP_C=0bq83v=\0") },
	{ "base64_nonzero_trailing_bits", SEG("CHAP_C=0bQR==\0") },
	{ "base64_bad_char", SEG("CHAP_C=0bq8*v\0") },
	{ "two_challenges", SEG("CHAP_C=0x01\0CHAP_C=0x02\0") },
	{ "two_responses", SEG("CHAP_R=0x01\0CHAP_R=0x02\0") },
	{ "unterminated", SEG("CHAP_C=0x0102") },
};

KUNIT_ARRAY_PARAM(ix_bad_chap, ix_bad_chap, ix_bad_desc);

static void malformed_challenge_refused(struct kunit *test)
{
	const struct ix_t_bad *c = test->param_value;
	struct ix_chap_table *t = ix_t_table(test);
	char *b = ix_t_buf(test, c->in, c->in_len, c->in_len);
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, ix_login_chap_rx(t, 1, b, c->in_len, jiffies,
					       &reason), -EINVAL);
	KUNIT_EXPECT_STREQ(test, reason, IX_REASON_MALFORMED);
	reason = NULL;
	KUNIT_EXPECT_EQ(test, ix_login_chap_tx(t, 1, b, c->in_len, jiffies,
					       &reason), -EINVAL);
	KUNIT_EXPECT_STREQ(test, reason, IX_REASON_MALFORMED);
}

static void challenge_longer_than_1024_bytes_refused(struct kunit *test)
{
	size_t digits = 2 * (IX_CHAP_C_MAX + 1);
	char *v = kunit_kmalloc(test, digits + 2, GFP_KERNEL);
	u8 *out = kunit_kmalloc(test, IX_CHAP_C_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, out);
	v[0] = '0';
	v[1] = 'x';
	memset(v + 2, 'f', digits);
	KUNIT_EXPECT_EQ(test, ix_chap_decode(v, digits + 2, out,
					     IX_CHAP_C_MAX), -EINVAL);
	/* 1024 bytes is the limit, and it is accepted. */
	KUNIT_EXPECT_EQ(test, ix_chap_decode(v, digits, out, IX_CHAP_C_MAX),
			IX_CHAP_C_MAX);
	KUNIT_EXPECT_EQ(test, out[IX_CHAP_C_MAX - 1], 0xff);
}

static void encodings_decode_to_same_bytes(struct kunit *test)
{
	static const u8 want[] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
				   0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
				   0x32, 0x10 };
	static const char * const forms[] = { C_A_HEX, C_A_HEX_UPPER,
					       C_A_HEX_ODD, C_A_B64,
					       C_A_B64_NOPAD };
	u8 out[32];
	int i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		memset(out, 0, sizeof(out));
		KUNIT_EXPECT_EQ_MSG(test, ix_chap_decode(forms[i],
							 strlen(forms[i]), out,
							 sizeof(out)),
				    (int)sizeof(want), "%s", forms[i]);
		KUNIT_EXPECT_MEMEQ(test, out, want, sizeof(want));
	}
}

struct ix_t_conf {
	const char *desc;
	const char *in;
	size_t in_len;
	bool required;
	bool encrypted;
	int ret;
};

static const struct ix_t_conf ix_conf_cases[] = {
	{ "auth_method_chap_cleartext", SEG("AuthMethod=CHAP,None\0"),
	  true, false, -EACCES },
	{ "auth_method_none_chap_cleartext", SEG("AuthMethod=None,CHAP\0"),
	  true, false, -EACCES },
	{ "chap_key_cleartext", SEG("CHAP_A=5\0"), true, false, -EACCES },
	{ "chap_response_cleartext", SEG("CHAP_N=a\0CHAP_R=0x01\0"),
	  true, false, -EACCES },
	{ "chap_encrypted", SEG("AuthMethod=CHAP\0"), true, true, 0 },
	{ "chap_not_required", SEG("AuthMethod=CHAP\0"), false, false, 0 },
	{ "no_chap_cleartext", SEG("AuthMethod=None\0"), true, false, 0 },
	{ "srp_cleartext", SEG("AuthMethod=SRP\0"), true, false, 0 },
	{ "chapx_is_not_chap", SEG("AuthMethod=CHAPX\0CHAP=1\0"),
	  true, false, 0 },
	{ "no_auth_keys", SEG("HeaderDigest=None\0"), true, false, 0 },
	{ "malformed_auth_method", SEG("AuthMethod=CHAP,\0"), true, true,
	  -EINVAL },
	{ "malformed_text", SEG("CHAP_A"), false, true, -EINVAL },
};

static void ix_conf_desc(const struct ix_t_conf *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_conf, ix_conf_cases, ix_conf_desc);

static void chap_without_encryption_refused_when_required(struct kunit *test)
{
	const struct ix_t_conf *c = test->param_value;
	char *b = ix_t_buf(test, c->in, c->in_len, c->in_len);
	const char *reason = NULL;

	KUNIT_EXPECT_EQ(test, ix_login_chap_confidentiality(b, c->in_len,
							    c->required,
							    c->encrypted,
							    &reason), c->ret);
	if (c->ret == -EACCES)
		KUNIT_EXPECT_STREQ(test, reason, IX_REASON_CHAP_CONFIDENTIALITY);
	else if (c->ret == -EINVAL)
		KUNIT_EXPECT_STREQ(test, reason, IX_REASON_MALFORMED);
	else
		KUNIT_EXPECT_NULL(test, reason);
}

static struct kunit_case ix_login_chap_cases[] = {
	KUNIT_CASE_PARAM(reflected_challenge_refused_hex_and_base64,
			 ix_reflect_gen_params),
	KUNIT_CASE(mutual_chap_on_two_connections_accepted),
	KUNIT_CASE(challenge_echoed_on_same_connection_refused),
	KUNIT_CASE(expired_challenge_forgotten),
	KUNIT_CASE(forgotten_connection_no_longer_matches),
	KUNIT_CASE(full_table_forgets_received_before_sent),
	KUNIT_CASE_PARAM(malformed_challenge_refused, ix_bad_chap_gen_params),
	KUNIT_CASE(challenge_longer_than_1024_bytes_refused),
	KUNIT_CASE(encodings_decode_to_same_bytes),
	KUNIT_CASE_PARAM(chap_without_encryption_refused_when_required,
			 ix_conf_gen_params),
	{}
};

static struct kunit_suite ix_login_chap_suite = {
	.name = "ix_login_chap",
	.test_cases = ix_login_chap_cases,
};

/* ---- the local answer to a refused login ------------------------------ */

struct ix_t_reject {
	const char *name;
	u8 flags;	/* the request's T, C, CSG and NSG */
	u8 csg;		/* the CSG the answer must keep */
};

static const struct ix_t_reject ix_reject_cases[] = {
	{ "security negotiation, transit to operational",
	  ISCSI_FLAG_LOGIN_TRANSIT | (ISCSI_SECURITY_NEGOTIATION_STAGE << 2) |
	  ISCSI_OP_PARMS_NEGOTIATION_STAGE,
	  ISCSI_SECURITY_NEGOTIATION_STAGE << 2 },
	{ "operational, transit to full feature",
	  ISCSI_FLAG_LOGIN_TRANSIT | (ISCSI_OP_PARMS_NEGOTIATION_STAGE << 2) |
	  ISCSI_FULL_FEATURE_PHASE,
	  ISCSI_OP_PARMS_NEGOTIATION_STAGE << 2 },
	{ "security negotiation, continue bit, no transit",
	  ISCSI_FLAG_LOGIN_CONTINUE | (ISCSI_SECURITY_NEGOTIATION_STAGE << 2),
	  ISCSI_SECURITY_NEGOTIATION_STAGE << 2 },
};

static void ix_reject_desc(const struct ix_t_reject *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ix_reject, ix_reject_cases, ix_reject_desc);

/*
 * What iscsid reads of the answer: a Login Response, final (class 2 is
 * not retried), "authorization failure", for the request it sent, with
 * no data, no transit and no stage it did not ask for.
 */
static void refused_login_answered_with_final_reject(struct kunit *test)
{
	const struct ix_t_reject *c = test->param_value;
	static const u8 isid[6] = { 0x00, 0x02, 0x3d, 0x01, 0x00, 0x00 };
	struct iscsi_login_req req = {};
	struct iscsi_login_rsp rsp;

	memset(&rsp, 0xa5, sizeof(rsp));
	req.opcode = ISCSI_OP_LOGIN | ISCSI_OP_IMMEDIATE;
	req.flags = c->flags;
	req.max_version = ISCSI_DRAFT20_VERSION;
	req.min_version = ISCSI_DRAFT20_VERSION;
	hton24(req.dlength, 200);
	memcpy(req.isid, isid, sizeof(isid));
	req.tsih = cpu_to_be16(7);
	req.itt = (__force itt_t)cpu_to_be32(0x1234);
	req.cid = cpu_to_be16(0);
	req.cmdsn = cpu_to_be32(42);
	req.exp_statsn = cpu_to_be32(9);

	ix_login_reject(&req, &rsp);

	KUNIT_EXPECT_EQ(test, rsp.opcode, ISCSI_OP_LOGIN_RSP);
	KUNIT_EXPECT_EQ(test, rsp.status_class, ISCSI_STATUS_CLS_INITIATOR_ERR);
	KUNIT_EXPECT_EQ(test, rsp.status_detail,
			ISCSI_LOGIN_STATUS_TGT_FORBIDDEN);
	KUNIT_EXPECT_EQ(test, rsp.flags, c->csg);
	KUNIT_EXPECT_EQ(test, rsp.max_version, ISCSI_DRAFT20_VERSION);
	KUNIT_EXPECT_EQ(test, rsp.active_version, ISCSI_DRAFT20_VERSION);
	KUNIT_EXPECT_EQ(test, rsp.hlength, 0);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp.dlength), 0);
	KUNIT_EXPECT_MEMEQ(test, rsp.isid, isid, sizeof(isid));
	KUNIT_EXPECT_EQ(test, be16_to_cpu(rsp.tsih), 7);
	KUNIT_EXPECT_EQ(test, be32_to_cpu((__force __be32)rsp.itt), 0x1234);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp.statsn), 9);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp.exp_cmdsn), 42);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp.max_cmdsn), 42);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(rsp.rsvd4, 0, sizeof(rsp.rsvd4)));
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp.rsvd3), 0U);
}

static struct kunit_case ix_login_reject_cases[] = {
	KUNIT_CASE_PARAM(refused_login_answered_with_final_reject,
			 ix_reject_gen_params),
	{}
};

static struct kunit_suite ix_login_reject_suite = {
	.name = "ix_login_reject",
	.test_cases = ix_login_reject_cases,
};

kunit_test_suites(&ix_login_digest_suite, &ix_login_chap_suite,
		  &ix_login_reject_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the iscsi_xfrm login shim");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
