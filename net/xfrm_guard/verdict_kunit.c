// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the xfrm_guard verdict engine (verdict.c), over synthetic SAs and
 * over struct xfrm_state built by hand.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/netdevice.h>
#include <linux/string.h>
#include <net/xfrm.h>

#include "policy.h"
#include "verdict.h"

#define GCM		"rfc4106(gcm(aes))"

/* A valid ESP transport SA with AES-GCM-16; inbound ones have a window of 32. */
static void xg_t_sa(struct xg_sa_desc *d, bool inbound)
{
	memset(d, 0, sizeof(*d));
	d->proto = XG_PROTO_ESP;
	d->mode = XFRM_GUARD_SA_MODE_TRANSPORT;
	d->km_state = XG_KM_VALID;
	d->replay_window = inbound ? 32 : 0;
	d->spi = cpu_to_be32(inbound ? 0x2000 : 0x1000);
	d->aead.name = GCM;
	d->aead.key_bits = 160;
	d->aead.icv_bits = 128;
}

static void xg_t_algs(struct xg_sa_desc *d, const struct xg_alg_desc *aead,
		      const struct xg_alg_desc *ealg,
		      const struct xg_alg_desc *aalg)
{
	d->aead = *aead;
	d->ealg = *ealg;
	d->aalg = *aalg;
}

static void xg_t_expect(struct kunit *test, const struct xg_verdict *v,
			enum xfrm_guard_reason reason, int culprit)
{
	KUNIT_EXPECT_STREQ(test, xg_reason_name(v->reason),
			   xg_reason_name(reason));
	KUNIT_EXPECT_EQ(test, v->culprit, culprit);
}

static void protected_gcm_transport_pair(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_ACCEPT);
	KUNIT_EXPECT_EQ(test, v.crc, XFRM_GUARD_CRC_COMPUTE_SOFTWARE);
	KUNIT_EXPECT_TRUE(test, v.confidential);
	KUNIT_EXPECT_FALSE(test, v.warn);
	KUNIT_EXPECT_NULL(test, v.warn_alg);
	KUNIT_EXPECT_STREQ(test, v.alg, "");
}

struct xg_alg_case {
	const char *desc;
	bool confidentiality;
	struct xg_alg_desc aead;
	struct xg_alg_desc ealg;
	struct xg_alg_desc aalg;
	enum xfrm_guard_reason want;
	const char *want_alg;
	bool want_warn;
};

static const struct xg_alg_case xg_alg_cases[] = {
	{
		.desc = "aes_cbc_with_hmac_sha256_accepted",
		.ealg = { "cbc(aes)", 128 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_ctr_with_aes_xcbc_accepted",
		.ealg = { "rfc3686(ctr(aes))", 160 },
		.aalg = { "xcbc(aes)", 128, 96 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_cbc_with_aes_cmac_accepted",
		.ealg = { "cbc(aes)", 256 },
		.aalg = { "cmac(aes)", 128, 96 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_cbc_with_hmac_sha1_96_accepted",
		.ealg = { "cbc(aes)", 128 },
		.aalg = { "hmac(sha1)", 160, 96 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_cbc_with_hmac_sha384_accepted",
		.ealg = { "cbc(aes)", 192 },
		.aalg = { "hmac(sha384)", 384, 192 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_cbc_with_hmac_sha512_accepted",
		.ealg = { "cbc(aes)", 256 },
		.aalg = { "hmac(sha512)", 512, 256 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "des3_with_hmac_sha1_accepted_with_warning",
		.ealg = { "cbc(des3_ede)", 192 },
		.aalg = { "hmac(sha1)", 160, 96 },
		.want = XFRM_GUARD_REASON_PROTECTED,
		.want_warn = true,
	}, {
		.desc = "des3_with_hmac_md5_refused_and_warned",
		.ealg = { "cbc(des3_ede)", 192 },
		.aalg = { "hmac(md5)", 128, 96 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "hmac(md5)",
		.want_warn = true,
	}, {
		.desc = "aes_gcm_meets_confidentiality_required",
		.confidentiality = true,
		.aead = { GCM, 160, 128 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_cbc_meets_confidentiality_required",
		.confidentiality = true,
		.ealg = { "cbc(aes)", 128 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "aes_ccm_8_accepted",
		.aead = { "rfc4309(ccm(aes))", 152, 64 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "chacha20_poly1305_accepted",
		.aead = { "rfc7539esp(chacha20,poly1305)", 288, 128 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "rejects_hmac_md5",
		.ealg = { "cbc(aes)", 128 },
		.aalg = { "hmac(md5)", 128, 96 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "hmac(md5)",
	}, {
		.desc = "unknown_cipher_fails_closed",
		.ealg = { "cbc(camellia)", 128 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "cbc(camellia)",
	}, {
		.desc = "unknown_aead_fails_closed",
		.aead = { "rfc4106(gcm(sm4))", 160, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "rfc4106(gcm(sm4))",
	}, {
		.desc = "compat_alias_fails_closed",
		.ealg = { "aes", 128 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "aes",
	}, {
		.desc = "integrity_name_in_cipher_slot_fails_closed",
		.ealg = { "hmac(sha256)", 256 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "hmac(sha256)",
	}, {
		.desc = "aead_name_in_cipher_slot_fails_closed",
		.ealg = { GCM, 160 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = GCM,
	}, {
		.desc = "cipher_name_in_integrity_slot_fails_closed",
		.ealg = { "cbc(aes)", 128 },
		.aalg = { "cbc(aes)", 128, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "cbc(aes)",
	}, {
		.desc = "truncated_hmac_icv_is_weak",
		.ealg = { "cbc(aes)", 128 },
		.aalg = { "hmac(sha256)", 256, 64 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "hmac(sha256)",
	}, {
		.desc = "short_aes_key_is_weak",
		.ealg = { "cbc(aes)", 64 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "cbc(aes)",
	}, {
		.desc = "gcm_with_8_octet_icv_is_weak",
		.aead = { GCM, 160, 64 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = GCM,
	}, {
		.desc = "encryption_without_auth_is_no_integrity",
		.ealg = { "cbc(aes)", 128 },
		.want = XFRM_GUARD_REASON_NO_INTEGRITY,
	}, {
		.desc = "no_algorithm_at_all_is_no_integrity",
		.want = XFRM_GUARD_REASON_NO_INTEGRITY,
	}, {
		.desc = "null_enc_with_hmac_accepted_without_confidentiality",
		.ealg = { "ecb(cipher_null)", 0 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "null_enc_refused_when_confidentiality_required",
		.confidentiality = true,
		.ealg = { "ecb(cipher_null)", 0 },
		.aalg = { "hmac(sha256)", 256, 128 },
		.want = XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED,
	}, {
		.desc = "null_enc_without_auth_is_no_integrity",
		.ealg = { "ecb(cipher_null)", 0 },
		.want = XFRM_GUARD_REASON_NO_INTEGRITY,
	}, {
		.desc = "null_enc_with_null_auth_is_no_integrity",
		.ealg = { "ecb(cipher_null)", 0 },
		.aalg = { "digest_null", 0, 0 },
		.want = XFRM_GUARD_REASON_NO_INTEGRITY,
	}, {
		.desc = "gmac_accepted_without_confidentiality",
		.aead = { "rfc4543(gcm(aes))", 160, 128 },
		.want = XFRM_GUARD_REASON_PROTECTED,
	}, {
		.desc = "gmac_refused_when_confidentiality_required",
		.confidentiality = true,
		.aead = { "rfc4543(gcm(aes))", 160, 128 },
		.want = XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED,
	}, {
		.desc = "weak_algorithm_reported_before_missing_integrity",
		.ealg = { "cbc(des)", 64 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "cbc(des)",
	}, {
		.desc = "weak_algorithm_reported_before_confidentiality",
		.confidentiality = true,
		.ealg = { "ecb(cipher_null)", 0 },
		.aalg = { "hmac(md5)", 128, 96 },
		.want = XFRM_GUARD_REASON_WEAK_ALGORITHM,
		.want_alg = "hmac(md5)",
	},
};

KUNIT_ARRAY_PARAM_DESC(xg_alg_cases, xg_alg_cases, desc);

/* Both directions carry the algorithms under test. */
static void algorithms_judged_per_rfc8221(struct kunit *test)
{
	const struct xg_alg_case *c = test->param_value;
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.confidentiality = c->confidentiality;
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_t_algs(&out, &c->aead, &c->ealg, &c->aalg);
	xg_t_algs(&in, &c->aead, &c->ealg, &c->aalg);
	xg_verdict_eval(&p, &out, 1, &in, &v);

	/* the outbound SA is reported when both break the same rule */
	xg_t_expect(test, &v, c->want,
		    c->want == XFRM_GUARD_REASON_PROTECTED ? XG_SA_NONE : 0);
	KUNIT_EXPECT_STREQ(test, v.alg, c->want_alg ?: "");
	KUNIT_EXPECT_EQ(test, v.warn, c->want_warn);
	KUNIT_EXPECT_EQ(test, v.action,
			c->want == XFRM_GUARD_REASON_PROTECTED ?
			XG_ACTION_ACCEPT : XG_ACTION_REFUSE);
}

static void rejects_des_cbc(struct kunit *test)
{
	const struct xg_alg_desc none = {}, des = { "cbc(des)", 64 };
	const struct xg_alg_desc sha = { "hmac(sha256)", 256, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	/* only the inbound SA uses DES: it must still be caught */
	xg_t_algs(&in, &none, &des, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, XG_SA_INBOUND);
	KUNIT_EXPECT_STREQ(test, v.alg, "cbc(des)");
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);

	xg_t_algs(&out, &none, &des, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, 0);
	KUNIT_EXPECT_STREQ(test, v.alg, "cbc(des)");
}

static void null_auth_needs_aead(struct kunit *test)
{
	const struct xg_alg_desc none = {}, aes = { "cbc(aes)", 128 };
	const struct xg_alg_desc gcm = { GCM, 160, 128 };
	const struct xg_alg_desc null_auth = { "digest_null", 0, 0 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);

	xg_t_algs(&out, &none, &aes, &null_auth);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_INTEGRITY, 0);

	xg_t_algs(&out, &gcm, &none, &null_auth);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void null_enc_needs_real_auth(struct kunit *test)
{
	const struct xg_alg_desc none = {};
	const struct xg_alg_desc null_enc = { "ecb(cipher_null)", 0 };
	const struct xg_alg_desc sha1 = { "hmac(sha1)", 160, 96 };
	const struct xg_alg_desc null_auth = { "digest_null", 0, 0 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_t_algs(&out, &none, &null_enc, &sha1);
	xg_t_algs(&in, &none, &null_enc, &sha1);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_FALSE(test, v.confidential);

	xg_t_algs(&in, &none, &null_enc, &null_auth);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_INTEGRITY, XG_SA_INBOUND);
}

static void admin_allow_accepts_denied_algorithm(struct kunit *test)
{
	const struct xg_alg_desc none = {}, des = { "cbc(des)", 64 };
	const struct xg_alg_desc sha = { "hmac(sha256)", 256, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES_CBC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_t_algs(&out, &none, &des, &sha);
	xg_t_algs(&in, &none, &des, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void admin_deny_refuses_default_algorithm(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_AES_GCM,
						 XFRM_GUARD_ALG_DENY, NULL), 0);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, 0);
	KUNIT_EXPECT_STREQ(test, v.alg, GCM);

	/* denying NULL encryption takes away the auth-only option */
	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_NULL_CIPHER,
						 XFRM_GUARD_ALG_DENY, NULL), 0);
	out.aead = (struct xg_alg_desc){};
	out.ealg = (struct xg_alg_desc){ "ecb(cipher_null)", 0 };
	out.aalg = (struct xg_alg_desc){ "hmac(sha256)", 256, 128 };
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, 0);
	KUNIT_EXPECT_STREQ(test, v.alg, "ecb(cipher_null)");
}

static void overrides_do_not_lift_structural_rules(struct kunit *test)
{
	const struct xg_alg_desc none = {}, aes = { "cbc(aes)", 128 };
	const struct xg_alg_desc null_enc = { "ecb(cipher_null)", 0 };
	const struct xg_alg_desc null_auth = { "digest_null", 0, 0 };
	const struct xg_alg_desc gmac = { "rfc4543(gcm(aes))", 160, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.confidentiality = true;
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_NULL_DIGEST,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_NULL_CIPHER,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_AES_GMAC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);

	xg_t_algs(&out, &none, &aes, &null_auth);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_INTEGRITY, 0);

	xg_t_algs(&out, &none, &null_enc, &null_auth);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_INTEGRITY, 0);

	xg_t_algs(&out, &gmac, &none, &none);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED, 0);
}

static void warns_on_3des(struct kunit *test)
{
	const struct xg_alg_desc none = {}, des3 = { "cbc(des3_ede)", 192 };
	const struct xg_alg_desc sha1 = { "hmac(sha1)", 160, 96 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_t_algs(&in, &none, &des3, &sha1);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_TRUE(test, v.warn);
	KUNIT_EXPECT_STREQ(test, v.warn_alg, "cbc(des3_ede)");
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_ACCEPT);

	/* an administrator who allows it explicitly has heard the warning */
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES3_CBC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_FALSE(test, v.warn);
	KUNIT_EXPECT_NULL(test, v.warn_alg);
}

static void replay_window_zero_refused(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	in.replay_window = 0;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);

	/* even under an invalid profile that asks for no minimum */
	p.min_replay_window = 0;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);

	/* with ESN the window is judged the same way */
	in.esn = true;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);
	in.replay_window = 128;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void replay_window_below_profile_minimum_refused(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);

	in.replay_window = 31;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);

	in.replay_window = 32;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);

	p.min_replay_window = 64;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);

	p.min_replay_window = XFRM_GUARD_REPLAY_WINDOW_MAX;
	in.replay_window = XFRM_GUARD_REPLAY_WINDOW_MAX;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void outbound_replay_window_is_ignored(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	KUNIT_ASSERT_EQ(test, out.replay_window, 0U);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);

	/* nor does a large outbound window make up for a missing inbound one */
	out.replay_window = 1024;
	in.replay_window = 0;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);
}

static void nothing_received_yet_judges_outbound_only(struct kunit *test)
{
	struct xg_sa_desc out;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_verdict_eval(&p, &out, 1, NULL, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);

	out.aead.icv_bits = 64;
	xg_verdict_eval(&p, &out, 1, NULL, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, 0);
}

static void tunnel_refused_when_only_transport(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.ipsec_modes = BIT(XFRM_GUARD_SA_MODE_TRANSPORT);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	out.mode = XFRM_GUARD_SA_MODE_TUNNEL;
	in.mode = XFRM_GUARD_SA_MODE_TUNNEL;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);

	/* the inbound SA is held to the same profile */
	out.mode = XFRM_GUARD_SA_MODE_TRANSPORT;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED,
		    XG_SA_INBOUND);

	/* the default profile takes both */
	xg_profile_init_default(&p);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void transport_refused_when_only_tunnel(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.ipsec_modes = BIT(XFRM_GUARD_SA_MODE_TUNNEL);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);

	out.mode = XFRM_GUARD_SA_MODE_TUNNEL;
	in.mode = XFRM_GUARD_SA_MODE_TUNNEL;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void beet_and_other_modes_never_accepted(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	out.mode = XFRM_GUARD_SA_MODE_BEET;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);

	/* not even under a profile that validation would have refused */
	p.ipsec_modes = 0xff;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);

	out.mode = XFRM_GUARD_SA_MODE_OTHER;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);
}

static void empty_chain_is_no_ipsec(struct kunit *test)
{
	struct xg_sa_desc in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_verdict_eval(&p, NULL, 0, NULL, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);
	KUNIT_EXPECT_FALSE(test, v.confidential);
	KUNIT_EXPECT_EQ(test, v.crc, XFRM_GUARD_CRC_COMPUTE_SOFTWARE);

	/* protected input does not make up for cleartext output */
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, NULL, 0, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE);
}

static void ah_only_is_not_esp(struct kunit *test)
{
	const struct xg_alg_desc none = {};
	const struct xg_alg_desc sha = { "hmac(sha256)", 256, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	out.proto = XG_PROTO_AH;
	xg_t_algs(&out, &none, &none, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NOT_ESP, 0);
	KUNIT_EXPECT_FALSE(test, v.confidential);

	/* IPcomp alone is no better */
	out.proto = XG_PROTO_OTHER;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NOT_ESP, 0);
}

static void inbound_ah_is_not_esp(struct kunit *test)
{
	const struct xg_alg_desc none = {};
	const struct xg_alg_desc sha = { "hmac(sha256)", 256, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	in.proto = XG_PROTO_AH;
	xg_t_algs(&in, &none, &none, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NOT_ESP, XG_SA_INBOUND);
}

static void ah_around_esp_is_judged_for_state_and_mode(struct kunit *test)
{
	const struct xg_alg_desc none = {};
	const struct xg_alg_desc md5 = { "hmac(md5)", 128, 96 };
	struct xg_sa_desc out[2], in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out[0], false);
	xg_t_sa(&out[1], false);
	xg_t_sa(&in, true);
	out[0].proto = XG_PROTO_AH;
	/* the guard relies on ESP only, so AH's algorithm is not judged */
	xg_t_algs(&out[0], &none, &none, &md5);
	xg_verdict_eval(&p, out, 2, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);

	out[0].km_state = XG_KM_DEAD;
	xg_verdict_eval(&p, out, 2, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_SA_NOT_VALID, 0);

	out[0].km_state = XG_KM_VALID;
	out[0].mode = XFRM_GUARD_SA_MODE_BEET;
	xg_verdict_eval(&p, out, 2, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);
}

static void culprit_names_the_failing_chain_member(struct kunit *test)
{
	struct xg_sa_desc out[3], in;
	struct xg_profile p;
	struct xg_verdict v;
	int i;

	xg_profile_init_default(&p);
	for (i = 0; i < 3; i++)
		xg_t_sa(&out[i], false);
	xg_t_sa(&in, true);
	out[2].aalg = (struct xg_alg_desc){ "hmac(md5)", 128, 96 };
	out[1].km_state = XG_KM_EXPIRED;
	/* sa_not_valid outranks weak_algorithm, wherever they are */
	xg_verdict_eval(&p, out, 3, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_SA_NOT_VALID, 1);
	KUNIT_EXPECT_STREQ(test, v.alg, "");

	out[1].km_state = XG_KM_VALID;
	xg_verdict_eval(&p, out, 3, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, 2);
	KUNIT_EXPECT_STREQ(test, v.alg, "hmac(md5)");
}

struct xg_km_case {
	const char *desc;
	enum xg_km_state state;
	bool dying;
	enum xfrm_guard_reason want;
};

static const struct xg_km_case xg_km_cases[] = {
	{ "valid_accepted", XG_KM_VALID, false, XFRM_GUARD_REASON_PROTECTED },
	{ "valid_and_dying_still_protects", XG_KM_VALID, true,
	  XFRM_GUARD_REASON_PROTECTED },
	{ "expired_and_dying_refused", XG_KM_EXPIRED, true,
	  XFRM_GUARD_REASON_SA_NOT_VALID },
	{ "void_refused", XG_KM_VOID, false, XFRM_GUARD_REASON_SA_NOT_VALID },
	{ "larval_acquire_refused", XG_KM_ACQUIRE, false,
	  XFRM_GUARD_REASON_SA_NOT_VALID },
	{ "error_refused", XG_KM_ERROR, false, XFRM_GUARD_REASON_SA_NOT_VALID },
	{ "expired_refused", XG_KM_EXPIRED, false,
	  XFRM_GUARD_REASON_SA_NOT_VALID },
	{ "dead_refused", XG_KM_DEAD, false, XFRM_GUARD_REASON_SA_NOT_VALID },
};

KUNIT_ARRAY_PARAM_DESC(xg_km_cases, xg_km_cases, desc);

static void only_valid_live_sas_protect(struct kunit *test)
{
	const struct xg_km_case *c = test->param_value;
	bool ok = c->want == XFRM_GUARD_REASON_PROTECTED;
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	out.km_state = c->state;
	out.dying = c->dying;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, c->want, ok ? XG_SA_NONE : 0);

	xg_t_sa(&out, false);
	in.km_state = c->state;
	in.dying = c->dying;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, c->want, ok ? XG_SA_NONE : XG_SA_INBOUND);
}

static void rx_segment_in_the_clear_refused(struct kunit *test)
{
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_verdict_eval_rx(&p, NULL, 0, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);
}

static void rx_segment_through_good_esp_accepted(struct kunit *test)
{
	struct xg_profile p;
	struct xg_sa_desc in;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&in, true);
	xg_verdict_eval_rx(&p, &in, 1, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_ACCEPT);
	KUNIT_EXPECT_TRUE(test, v.confidential);
}

static void rx_segment_without_anti_replay_refused(struct kunit *test)
{
	struct xg_profile p;
	struct xg_sa_desc in;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&in, true);
	in.replay_window = 0;
	xg_verdict_eval_rx(&p, &in, 1, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);
}

static void rx_segment_through_ah_only_is_not_esp(struct kunit *test)
{
	struct xg_profile p;
	struct xg_sa_desc in;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&in, true);
	in.proto = XG_PROTO_AH;
	in.aead.name = NULL;
	in.aalg.name = "hmac(sha256)";
	in.aalg.key_bits = 256;
	in.aalg.icv_bits = 128;
	xg_verdict_eval_rx(&p, &in, 1, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NOT_ESP, XG_SA_INBOUND);
}

static void rx_ah_around_good_esp_accepted(struct kunit *test)
{
	struct xg_sa_desc in[2];
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&in[0], true);
	in[0].proto = XG_PROTO_AH;
	in[0].replay_window = 0;
	xg_t_sa(&in[1], true);
	xg_verdict_eval_rx(&p, in, 2, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void rx_audit_mode_reports_instead_of_dropping(struct kunit *test)
{
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.mode = XFRM_GUARD_MODE_AUDIT;
	xg_verdict_eval_rx(&p, NULL, 0, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REPORT);
	p.mode = XFRM_GUARD_MODE_OFF;
	xg_verdict_eval_rx(&p, NULL, 0, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_NONE);
}

static void reasons_follow_documented_precedence(struct kunit *test)
{
	const struct xg_alg_desc none = {};
	const struct xg_alg_desc des = { "cbc(des)", 64 };
	const struct xg_alg_desc aes = { "cbc(aes)", 128 };
	const struct xg_alg_desc null_enc = { "ecb(cipher_null)", 0 };
	const struct xg_alg_desc sha = { "hmac(sha256)", 256, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	/* one SA pair that breaks every rule; repair one rule at a time */
	xg_profile_init_default(&p);
	p.ipsec_modes = BIT(XFRM_GUARD_SA_MODE_TRANSPORT);
	p.confidentiality = true;
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	out.km_state = XG_KM_DEAD;
	out.mode = XFRM_GUARD_SA_MODE_TUNNEL;
	xg_t_algs(&out, &none, &des, &none);
	in.replay_window = 0;

	xg_verdict_eval(&p, NULL, 0, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE);

	out.proto = XG_PROTO_AH;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NOT_ESP, 0);

	out.proto = XG_PROTO_ESP;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_SA_NOT_VALID, 0);

	out.km_state = XG_KM_VALID;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_MODE_NOT_ALLOWED, 0);

	out.mode = XFRM_GUARD_SA_MODE_TRANSPORT;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_WEAK_ALGORITHM, 0);

	xg_t_algs(&out, &none, &aes, &none);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_INTEGRITY, 0);

	xg_t_algs(&out, &none, &null_enc, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED, 0);

	xg_t_algs(&out, &none, &aes, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);

	in.replay_window = 32;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void mode_off_takes_no_action(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.mode = XFRM_GUARD_MODE_OFF;
	xg_verdict_eval(&p, NULL, 0, NULL, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_NONE);
	/* the reason still says what the SAs are, for display */
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE);

	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_NONE);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
}

static void audit_reports_instead_of_refusing(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.mode = XFRM_GUARD_MODE_AUDIT;
	xg_verdict_eval(&p, NULL, 0, NULL, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REPORT);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE);

	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_ACCEPT);
}

static void enforce_refuses_unprotected(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, p.mode, XFRM_GUARD_MODE_ENFORCE);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	in.replay_window = 0;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);
	in.replay_window = 32;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_ACCEPT);

	/* a mode validation would refuse is treated as enforce */
	p.mode = __XFRM_GUARD_MODE_MAX;
	xg_verdict_eval(&p, NULL, 0, NULL, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);
}

static void chap_needs_confidentiality_when_profile_says_so(struct kunit *test)
{
	const struct xg_alg_desc none = {};
	const struct xg_alg_desc null_enc = { "ecb(cipher_null)", 0 };
	const struct xg_alg_desc sha = { "hmac(sha256)", 256, 128 };
	const struct xg_alg_desc gmac = { "rfc4543(gcm(aes))", 160, 128 };
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_TRUE(test, p.chap_requires_confidentiality);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_TRUE(test, xg_verdict_chap_ok(&p, &v));

	/* authentication-only ESP is protected, but not for CHAP */
	xg_t_algs(&in, &none, &null_enc, &sha);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_FALSE(test, v.confidential);
	KUNIT_EXPECT_FALSE(test, xg_verdict_chap_ok(&p, &v));

	xg_t_algs(&in, &gmac, &none, &none);
	xg_t_algs(&out, &gmac, &none, &none);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_FALSE(test, xg_verdict_chap_ok(&p, &v));

	p.chap_requires_confidentiality = false;
	KUNIT_EXPECT_TRUE(test, xg_verdict_chap_ok(&p, &v));

	/* no ESP at all is never confidential */
	p.chap_requires_confidentiality = true;
	xg_verdict_eval(&p, NULL, 0, NULL, &v);
	KUNIT_EXPECT_FALSE(test, xg_verdict_chap_ok(&p, &v));
}

/* The verdict carries the profile's CHAP rule, for xfrm_guard_get_status(). */
static void verdict_records_chap_requires_confidentiality(struct kunit *test)
{
	struct xg_sa_desc out, in;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	xg_t_sa(&out, false);
	xg_t_sa(&in, true);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_TRUE(test, v.chap_requires_confidentiality);
	xg_verdict_eval_rx(&p, &in, 1, &v);
	KUNIT_EXPECT_TRUE(test, v.chap_requires_confidentiality);

	p.chap_requires_confidentiality = false;
	xg_verdict_eval(&p, &out, 1, &in, &v);
	KUNIT_EXPECT_FALSE(test, v.chap_requires_confidentiality);
	xg_verdict_eval_rx(&p, &in, 1, &v);
	KUNIT_EXPECT_FALSE(test, v.chap_requires_confidentiality);

	/* recorded whatever the verdict, refusals included */
	p.chap_requires_confidentiality = true;
	xg_verdict_eval(&p, NULL, 0, NULL, &v);
	KUNIT_EXPECT_EQ(test, v.action, XG_ACTION_REFUSE);
	KUNIT_EXPECT_TRUE(test, v.chap_requires_confidentiality);
}

struct xg_owner_reason_case {
	const char *desc;
	const char *in;
	const char *want;
};

static const struct xg_owner_reason_case xg_owner_reason_cases[] = {
	{ "chap_reflection", "chap_reflection", "chap_reflection" },
	{ "longest_token_in_the_table", "chap_requires_confidentiality",
	  "chap_requires_confidentiality" },
	{ "digits_and_dash", "crc-required-2", "crc-required-2" },
	{ "null", NULL, XG_OWNER_REASON_GENERIC },
	{ "empty", "", XG_OWNER_REASON_GENERIC },
	/* 31 characters: the longest that fits */
	{ "31_chars", "abcdefghijklmnopqrstuvwxyz01234",
	  "abcdefghijklmnopqrstuvwxyz01234" },
	/* 32: would need 33 bytes with the NUL; refused, not cut */
	{ "32_chars", "abcdefghijklmnopqrstuvwxyz012345",
	  XG_OWNER_REASON_GENERIC },
	{ "space", "chap reflection", XG_OWNER_REASON_GENERIC },
	{ "newline", "chap\nfake line", XG_OWNER_REASON_GENERIC },
	{ "format", "%s%n", XG_OWNER_REASON_GENERIC },
	{ "audit_field", "x res=1", XG_OWNER_REASON_GENERIC },
	{ "high_bit", "chap\xc3\xa9", XG_OWNER_REASON_GENERIC },
};

KUNIT_ARRAY_PARAM_DESC(xg_owner_reason, xg_owner_reason_cases, desc);

static void owner_reason_vetted(struct kunit *test)
{
	const struct xg_owner_reason_case *c = test->param_value;
	char out[XFRM_GUARD_OWNER_REASON_MAX];

	memset(out, 'x', sizeof(out));
	xg_owner_reason_token(c->in, out, sizeof(out));
	KUNIT_EXPECT_STREQ(test, out, c->want);
}

/* Never read past XFRM_GUARD_OWNER_REASON_MAX bytes: no NUL there is "too long". */
static void owner_reason_unterminated_is_generic(struct kunit *test)
{
	char *in = kunit_kmalloc(test, XFRM_GUARD_OWNER_REASON_MAX, GFP_KERNEL);
	char out[XFRM_GUARD_OWNER_REASON_MAX];

	KUNIT_ASSERT_NOT_NULL(test, in);
	memset(in, 'a', XFRM_GUARD_OWNER_REASON_MAX);
	xg_owner_reason_token(in, out, sizeof(out));
	KUNIT_EXPECT_STREQ(test, out, XG_OWNER_REASON_GENERIC);
}

enum xg_t_off {
	XG_T_ABSENT,		/* no such SA */
	XG_T_SW,
	XG_T_CRYPTO_OUT,
	XG_T_PACKET_OUT,
	XG_T_CRYPTO_IN,
	XG_T_PACKET_IN,
	XG_T_DEV_NO_TYPE,	/* cannot happen in xfrm; must not count */
	XG_T_TYPE_NO_DEV,	/* the software fallback of a failed offload */
};

static void xg_t_offload(struct xg_sa_desc *d, enum xg_t_off o)
{
	struct xg_offload_desc *x = &d->offload;

	memset(x, 0, sizeof(*x));
	switch (o) {
	case XG_T_ABSENT:
	case XG_T_SW:
		break;
	case XG_T_CRYPTO_OUT:
	case XG_T_PACKET_OUT:
		x->dev = true;
		x->dir = XG_OFFLOAD_DIR_OUT;
		x->type = o == XG_T_CRYPTO_OUT ? XG_OFFLOAD_CRYPTO :
						 XG_OFFLOAD_PACKET;
		break;
	case XG_T_CRYPTO_IN:
	case XG_T_PACKET_IN:
		x->dev = true;
		x->dir = XG_OFFLOAD_DIR_IN;
		x->type = o == XG_T_CRYPTO_IN ? XG_OFFLOAD_CRYPTO :
						XG_OFFLOAD_PACKET;
		break;
	case XG_T_DEV_NO_TYPE:
		x->dev = true;
		x->dir = XG_OFFLOAD_DIR_OUT;
		break;
	case XG_T_TYPE_NO_DEV:
		x->type = XG_OFFLOAD_CRYPTO;
		x->dir = XG_OFFLOAD_DIR_OUT;
		break;
	}
}

struct xg_crc_case {
	const char *desc;
	enum xfrm_guard_crc_policy crc;
	enum xg_t_off out;
	enum xg_t_off out2;	/* a second outbound SA, or XG_T_ABSENT */
	enum xg_t_off in;
	bool unprotected;	/* inbound SA without anti-replay */
	enum xfrm_guard_crc want;
};

static const struct xg_crc_case xg_crc_cases[] = {
	{ "auto_both_crypto_offloaded_skips", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_SKIP_OFFLOADED },
	{ "auto_both_packet_offloaded_skips", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_PACKET_OUT, XG_T_ABSENT, XG_T_PACKET_IN, false,
	  XFRM_GUARD_CRC_SKIP_OFFLOADED },
	{ "auto_crypto_out_packet_in_skips", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_PACKET_IN, false,
	  XFRM_GUARD_CRC_SKIP_OFFLOADED },
	{ "auto_whole_bundle_offloaded_skips", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_CRYPTO_OUT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_SKIP_OFFLOADED },
	{ "auto_software_both_ways_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_SW, XG_T_ABSENT, XG_T_SW, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_only_outbound_offloaded_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_SW, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_only_inbound_offloaded_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_SW, XG_T_ABSENT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_inbound_not_seen_yet_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_ABSENT, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_one_software_state_in_bundle_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_SW, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_failed_offload_without_device_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_TYPE_NO_DEV, XG_T_ABSENT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_device_without_offload_type_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_DEV_NO_TYPE, XG_T_ABSENT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_offload_for_wrong_direction_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_IN, XG_T_ABSENT, XG_T_CRYPTO_OUT, false,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "auto_offloaded_but_unprotected_computes", XFRM_GUARD_CRC_POLICY_AUTO,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_CRYPTO_IN, true,
	  XFRM_GUARD_CRC_COMPUTE_SOFTWARE },
	{ "always_computes_when_offloaded", XFRM_GUARD_CRC_POLICY_ALWAYS,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_COMPUTE_FORCED },
	{ "always_computes_in_software", XFRM_GUARD_CRC_POLICY_ALWAYS,
	  XG_T_SW, XG_T_ABSENT, XG_T_SW, false,
	  XFRM_GUARD_CRC_COMPUTE_FORCED },
	{ "never_skips_in_software", XFRM_GUARD_CRC_POLICY_NEVER,
	  XG_T_SW, XG_T_ABSENT, XG_T_SW, false,
	  XFRM_GUARD_CRC_SKIP_DISABLED },
	{ "never_skips_when_offloaded", XFRM_GUARD_CRC_POLICY_NEVER,
	  XG_T_CRYPTO_OUT, XG_T_ABSENT, XG_T_CRYPTO_IN, false,
	  XFRM_GUARD_CRC_SKIP_DISABLED },
};

KUNIT_ARRAY_PARAM_DESC(xg_crc_cases, xg_crc_cases, desc);

static void crc_skipped_only_when_both_directions_offloaded(struct kunit *test)
{
	const struct xg_crc_case *c = test->param_value;
	struct xg_sa_desc out[2], in;
	unsigned int n = 1;
	struct xg_profile p;
	struct xg_verdict v;

	xg_profile_init_default(&p);
	p.crc = c->crc;
	xg_t_sa(&out[0], false);
	xg_t_offload(&out[0], c->out);
	if (c->out2 != XG_T_ABSENT) {
		xg_t_sa(&out[1], false);
		xg_t_offload(&out[1], c->out2);
		n = 2;
	}
	xg_t_sa(&in, true);
	xg_t_offload(&in, c->in);
	if (c->unprotected)
		in.replay_window = 0;

	xg_verdict_eval(&p, out, n, c->in == XG_T_ABSENT ? NULL : &in, &v);
	KUNIT_EXPECT_STREQ(test, xg_crc_name(v.crc), xg_crc_name(c->want));
	KUNIT_EXPECT_EQ(test, xfrm_guard_crc_wanted(v.crc),
			c->want == XFRM_GUARD_CRC_COMPUTE_SOFTWARE ||
			c->want == XFRM_GUARD_CRC_COMPUTE_FORCED);
	/* offload never changes whether a connection is protected */
	KUNIT_EXPECT_EQ(test, v.reason,
			c->unprotected ? XFRM_GUARD_REASON_NO_ANTI_REPLAY :
				  XFRM_GUARD_REASON_PROTECTED);
}

static void reason_names_are_stable(struct kunit *test)
{
	static const char *const want[__XFRM_GUARD_REASON_MAX] = {
		[XFRM_GUARD_REASON_PROTECTED] = "protected",
		[XFRM_GUARD_REASON_NO_IPSEC] = "no_ipsec",
		[XFRM_GUARD_REASON_NOT_ESP] = "not_esp",
		[XFRM_GUARD_REASON_SA_NOT_VALID] = "sa_not_valid",
		[XFRM_GUARD_REASON_WEAK_ALGORITHM] = "weak_algorithm",
		[XFRM_GUARD_REASON_NO_ANTI_REPLAY] = "no_anti_replay",
		[XFRM_GUARD_REASON_MODE_NOT_ALLOWED] = "mode_not_allowed",
		[XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED] =
			"confidentiality_required",
		[XFRM_GUARD_REASON_NO_INTEGRITY] = "no_integrity",
		[XFRM_GUARD_REASON_SA_WRONG_PEER] = "sa_wrong_peer",
	};
	int i;

	/* the numbers are UAPI-to-be: pin them too */
	KUNIT_EXPECT_EQ(test, XFRM_GUARD_REASON_PROTECTED, 0);
	KUNIT_EXPECT_EQ(test, XFRM_GUARD_REASON_NO_INTEGRITY, 8);
	KUNIT_EXPECT_EQ(test, XFRM_GUARD_REASON_SA_WRONG_PEER, 9);
	KUNIT_EXPECT_EQ(test, __XFRM_GUARD_REASON_MAX, 10);
	for (i = 0; i < __XFRM_GUARD_REASON_MAX; i++) {
		KUNIT_ASSERT_NOT_NULL(test, want[i]);
		KUNIT_EXPECT_STREQ(test, xg_reason_name(i), want[i]);
	}
	KUNIT_EXPECT_STREQ(test, xg_reason_name(__XFRM_GUARD_REASON_MAX),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, xg_reason_name(-1), "unknown");

	KUNIT_EXPECT_STREQ(test, xg_crc_name(XFRM_GUARD_CRC_COMPUTE_SOFTWARE),
			   "software");
	KUNIT_EXPECT_STREQ(test, xg_crc_name(XFRM_GUARD_CRC_SKIP_OFFLOADED),
			   "offloaded");
	KUNIT_EXPECT_STREQ(test, xg_crc_name(XFRM_GUARD_CRC_COMPUTE_FORCED),
			   "forced");
	KUNIT_EXPECT_STREQ(test, xg_crc_name(XFRM_GUARD_CRC_SKIP_DISABLED),
			   "disabled");
	KUNIT_EXPECT_STREQ(test, xg_crc_name(-1), "unknown");
}

/* A state as xfrm_user would leave it, for xg_sa_desc_from_state(). */
static struct xfrm_state *xg_t_state(struct kunit *test, const char *aead,
				     u32 key_bits, u32 icv_bits)
{
	struct xfrm_algo_aead *a;
	struct xfrm_state *x;

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	strscpy(a->alg_name, aead, sizeof(a->alg_name));
	a->alg_key_len = key_bits;
	a->alg_icv_len = icv_bits;
	x->aead = a;
	x->id.proto = IPPROTO_ESP;
	x->id.spi = cpu_to_be32(0x1234);
	x->props.mode = XFRM_MODE_TRANSPORT;
	x->km.state = XFRM_STATE_VALID;
	return x;
}

static void desc_from_state_reads_identity_and_algorithms(struct kunit *test)
{
	struct xfrm_algo_auth *auth;
	struct xfrm_algo *enc;
	struct xg_sa_desc d;
	struct xfrm_state *x;

	x = xg_t_state(test, GCM, 160, 128);
	x->props.replay_window = 32;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.proto, XG_PROTO_ESP);
	KUNIT_EXPECT_EQ(test, d.mode, XFRM_GUARD_SA_MODE_TRANSPORT);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_VALID);
	KUNIT_EXPECT_FALSE(test, d.dying);
	KUNIT_EXPECT_FALSE(test, d.esn);
	KUNIT_EXPECT_EQ(test, d.replay_window, 32U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(d.spi), 0x1234U);
	KUNIT_EXPECT_STREQ(test, d.aead.name, GCM);
	KUNIT_EXPECT_EQ(test, d.aead.key_bits, 160U);
	KUNIT_EXPECT_EQ(test, d.aead.icv_bits, 128U);
	KUNIT_EXPECT_NULL(test, d.ealg.name);
	KUNIT_EXPECT_NULL(test, d.aalg.name);
	KUNIT_EXPECT_FALSE(test, d.offload.dev);

	auth = kunit_kzalloc(test, sizeof(*auth), GFP_KERNEL);
	enc = kunit_kzalloc(test, sizeof(*enc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, auth);
	KUNIT_ASSERT_NOT_NULL(test, enc);
	strscpy(auth->alg_name, "hmac(sha1)", sizeof(auth->alg_name));
	auth->alg_key_len = 160;
	auth->alg_trunc_len = 96;
	strscpy(enc->alg_name, "cbc(aes)", sizeof(enc->alg_name));
	enc->alg_key_len = 256;
	x->aead = NULL;
	x->aalg = auth;
	x->ealg = enc;
	x->props.mode = XFRM_MODE_TUNNEL;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.mode, XFRM_GUARD_SA_MODE_TUNNEL);
	KUNIT_EXPECT_NULL(test, d.aead.name);
	KUNIT_EXPECT_STREQ(test, d.ealg.name, "cbc(aes)");
	KUNIT_EXPECT_EQ(test, d.ealg.key_bits, 256U);
	KUNIT_EXPECT_STREQ(test, d.aalg.name, "hmac(sha1)");
	KUNIT_EXPECT_EQ(test, d.aalg.key_bits, 160U);
	KUNIT_EXPECT_EQ(test, d.aalg.icv_bits, 96U);
}

static void desc_from_state_prefers_esn_replay_window(struct kunit *test)
{
	struct xfrm_replay_state_esn *esn;
	struct xfrm_state *x;
	struct xg_sa_desc d;

	x = xg_t_state(test, GCM, 160, 128);
	esn = kunit_kzalloc(test, sizeof(*esn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, esn);
	esn->replay_window = 128;
	x->replay_esn = esn;
	x->props.flags |= XFRM_STATE_ESN;
	/* xfrm_user keeps the legacy field 0 with ESN; make it differ */
	x->props.replay_window = 7;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_TRUE(test, d.esn);
	KUNIT_EXPECT_EQ(test, d.replay_window, 128U);

	/* a replay_esn block without the ESN flag is the bmp replay mode */
	x->props.flags = 0;
	esn->replay_window = 0;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_FALSE(test, d.esn);
	KUNIT_EXPECT_EQ(test, d.replay_window, 0U);
}

static void desc_from_state_maps_proto_mode_and_km_state(struct kunit *test)
{
	struct xfrm_state *x;
	struct xg_sa_desc d;

	x = xg_t_state(test, GCM, 160, 128);
	x->id.proto = IPPROTO_AH;
	x->props.mode = XFRM_MODE_BEET;
	x->km.state = XFRM_STATE_ACQ;
	x->km.dying = 1;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.proto, XG_PROTO_AH);
	KUNIT_EXPECT_EQ(test, d.mode, XFRM_GUARD_SA_MODE_BEET);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_ACQUIRE);
	KUNIT_EXPECT_TRUE(test, d.dying);

	x->id.proto = IPPROTO_COMP;
	x->props.mode = XFRM_MODE_ROUTEOPTIMIZATION;
	x->km.state = XFRM_STATE_EXPIRED;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.proto, XG_PROTO_OTHER);
	KUNIT_EXPECT_EQ(test, d.mode, XFRM_GUARD_SA_MODE_OTHER);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_EXPIRED);

	x->km.state = XFRM_STATE_DEAD;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_DEAD);
	x->km.state = XFRM_STATE_ERROR;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_ERROR);
	x->km.state = XFRM_STATE_VOID;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_VOID);
	/* a state value from a newer kernel is not usable */
	x->km.state = 200;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.km_state, XG_KM_ERROR);
}

static void desc_from_state_maps_offload(struct kunit *test)
{
	struct net_device *dev;
	struct xfrm_state *x;
	struct xg_sa_desc d;

	/* never dereferenced: only its presence is read */
	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	x = xg_t_state(test, GCM, 160, 128);

	x->xso.dev = dev;
	x->xso.type = XFRM_DEV_OFFLOAD_CRYPTO;
	x->xso.dir = XFRM_DEV_OFFLOAD_OUT;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_TRUE(test, d.offload.dev);
	KUNIT_EXPECT_EQ(test, d.offload.type, XG_OFFLOAD_CRYPTO);
	KUNIT_EXPECT_EQ(test, d.offload.dir, XG_OFFLOAD_DIR_OUT);

	x->xso.type = XFRM_DEV_OFFLOAD_PACKET;
	x->xso.dir = XFRM_DEV_OFFLOAD_IN;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_EQ(test, d.offload.type, XG_OFFLOAD_PACKET);
	KUNIT_EXPECT_EQ(test, d.offload.dir, XG_OFFLOAD_DIR_IN);

	/* what xfrm leaves behind when the device cannot offload */
	x->xso.dev = NULL;
	x->xso.type = XFRM_DEV_OFFLOAD_CRYPTO;
	xg_sa_desc_from_state(&d, x);
	KUNIT_EXPECT_FALSE(test, d.offload.dev);
	KUNIT_EXPECT_EQ(test, d.offload.type, XG_OFFLOAD_NONE);
	KUNIT_EXPECT_EQ(test, d.offload.dir, XG_OFFLOAD_DIR_NONE);
}

static void desc_from_state_feeds_the_engine(struct kunit *test)
{
	struct xfrm_replay_state_esn *esn;
	struct xg_sa_desc out, in;
	struct xfrm_state *xo, *xi;
	struct net_device *dev;
	struct xg_profile p;
	struct xg_verdict v;

	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	esn = kunit_kzalloc(test, sizeof(*esn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, esn);
	xo = xg_t_state(test, GCM, 160, 128);
	xi = xg_t_state(test, GCM, 160, 128);
	xo->xso.dev = dev;
	xo->xso.type = XFRM_DEV_OFFLOAD_CRYPTO;
	xo->xso.dir = XFRM_DEV_OFFLOAD_OUT;
	xi->xso.dev = dev;
	xi->xso.type = XFRM_DEV_OFFLOAD_CRYPTO;
	xi->xso.dir = XFRM_DEV_OFFLOAD_IN;
	esn->replay_window = 64;
	xi->replay_esn = esn;
	xi->props.flags |= XFRM_STATE_ESN;

	xg_profile_init_default(&p);
	xg_sa_desc_from_state(&out, xo);
	xg_sa_desc_from_state(&in, xi);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_PROTECTED, XG_SA_NONE);
	KUNIT_EXPECT_EQ(test, v.crc, XFRM_GUARD_CRC_SKIP_OFFLOADED);

	/* "ip xfrm state add" without replay-window */
	esn->replay_window = 0;
	xg_sa_desc_from_state(&in, xi);
	xg_verdict_eval(&p, &out, 1, &in, &v);
	xg_t_expect(test, &v, XFRM_GUARD_REASON_NO_ANTI_REPLAY, XG_SA_INBOUND);
	KUNIT_EXPECT_EQ(test, v.crc, XFRM_GUARD_CRC_COMPUTE_SOFTWARE);
}

static struct kunit_case xg_verdict_cases[] = {
	KUNIT_CASE(protected_gcm_transport_pair),
	KUNIT_CASE_PARAM(algorithms_judged_per_rfc8221, xg_alg_cases_gen_params),
	KUNIT_CASE(rejects_des_cbc),
	KUNIT_CASE(null_auth_needs_aead),
	KUNIT_CASE(null_enc_needs_real_auth),
	KUNIT_CASE(admin_allow_accepts_denied_algorithm),
	KUNIT_CASE(admin_deny_refuses_default_algorithm),
	KUNIT_CASE(overrides_do_not_lift_structural_rules),
	KUNIT_CASE(warns_on_3des),
	KUNIT_CASE(replay_window_zero_refused),
	KUNIT_CASE(replay_window_below_profile_minimum_refused),
	KUNIT_CASE(outbound_replay_window_is_ignored),
	KUNIT_CASE(nothing_received_yet_judges_outbound_only),
	KUNIT_CASE(tunnel_refused_when_only_transport),
	KUNIT_CASE(transport_refused_when_only_tunnel),
	KUNIT_CASE(beet_and_other_modes_never_accepted),
	KUNIT_CASE(empty_chain_is_no_ipsec),
	KUNIT_CASE(ah_only_is_not_esp),
	KUNIT_CASE(inbound_ah_is_not_esp),
	KUNIT_CASE(ah_around_esp_is_judged_for_state_and_mode),
	KUNIT_CASE(culprit_names_the_failing_chain_member),
	KUNIT_CASE_PARAM(only_valid_live_sas_protect, xg_km_cases_gen_params),
	KUNIT_CASE(reasons_follow_documented_precedence),
	KUNIT_CASE(mode_off_takes_no_action),
	KUNIT_CASE(audit_reports_instead_of_refusing),
	KUNIT_CASE(enforce_refuses_unprotected),
	KUNIT_CASE(chap_needs_confidentiality_when_profile_says_so),
	KUNIT_CASE(verdict_records_chap_requires_confidentiality),
	KUNIT_CASE_PARAM(owner_reason_vetted, xg_owner_reason_gen_params),
	KUNIT_CASE(owner_reason_unterminated_is_generic),
	KUNIT_CASE_PARAM(crc_skipped_only_when_both_directions_offloaded,
			 xg_crc_cases_gen_params),
	KUNIT_CASE(reason_names_are_stable),
	KUNIT_CASE(rx_segment_in_the_clear_refused),
	KUNIT_CASE(rx_segment_through_good_esp_accepted),
	KUNIT_CASE(rx_segment_without_anti_replay_refused),
	KUNIT_CASE(rx_segment_through_ah_only_is_not_esp),
	KUNIT_CASE(rx_ah_around_good_esp_accepted),
	KUNIT_CASE(rx_audit_mode_reports_instead_of_dropping),
	KUNIT_CASE(desc_from_state_reads_identity_and_algorithms),
	KUNIT_CASE(desc_from_state_prefers_esn_replay_window),
	KUNIT_CASE(desc_from_state_maps_proto_mode_and_km_state),
	KUNIT_CASE(desc_from_state_maps_offload),
	KUNIT_CASE(desc_from_state_feeds_the_engine),
	{}
};

static struct kunit_suite xg_verdict_suite = {
	.name = "xg_verdict",
	.test_cases = xg_verdict_cases,
};

kunit_test_suite(xg_verdict_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the xfrm_guard verdict engine");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
