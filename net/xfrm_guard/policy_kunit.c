// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xfrm_guard profiles and the algorithm table (policy.c).
 */
#include <kunit/test.h>
#include <linux/netlink.h>
#include <linux/string.h>

#include "policy.h"

/* Validate @p and expect -EINVAL with a message mentioning @word. */
static void xg_expect_invalid(struct kunit *test, const struct xg_profile *p,
			      const char *word)
{
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, xg_profile_validate(p, &extack), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(extack._msg, word),
				  "message \"%s\" lacks \"%s\"",
				  extack._msg, word);
}

static void default_profile_is_valid(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, &extack), 0);
	KUNIT_EXPECT_NULL(test, extack._msg);
}

static void default_profile_follows_rfc3723(struct kunit *test)
{
	struct xg_profile p;
	int i;

	memset(&p, 0xa5, sizeof(p));
	xg_profile_init_default(&p);
	KUNIT_EXPECT_EQ(test, p.mode, XFRM_GUARD_MODE_ENFORCE);
	/* 2.3.1: ESP with NULL encryption MUST be supported */
	KUNIT_EXPECT_FALSE(test, p.confidentiality);
	/* 2.4.1: CHAP with a short secret needs encryption */
	KUNIT_EXPECT_TRUE(test, p.chap_requires_confidentiality);
	/* 2.3.2: tunnel MUST, transport MAY */
	KUNIT_EXPECT_EQ(test, p.ipsec_modes,
			(u8)(BIT(XFRM_GUARD_SA_MODE_TRANSPORT) | BIT(XFRM_GUARD_SA_MODE_TUNNEL)));
	/* 3.6.2 */
	KUNIT_EXPECT_EQ(test, p.crc, XFRM_GUARD_CRC_POLICY_AUTO);
	/* 2.3.1 anti-replay; RFC 4303 3.4.3 window of 32 */
	KUNIT_EXPECT_EQ(test, p.min_replay_window, 32U);
	for (i = 0; i < XG_ALG_COUNT; i++)
		KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, i),
				xg_alg_get(i)->disposition);
}

static void replay_window_zero_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.min_replay_window = 0;
	xg_expect_invalid(test, &p, "replay");
}

static void replay_window_above_kernel_maximum_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.min_replay_window = XFRM_GUARD_REPLAY_WINDOW_MAX;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.min_replay_window = 1;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.min_replay_window = XFRM_GUARD_REPLAY_WINDOW_MAX + 1;
	xg_expect_invalid(test, &p, "replay");
}

static void beet_mode_never_allowed(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.ipsec_modes |= BIT(XFRM_GUARD_SA_MODE_BEET);
	xg_expect_invalid(test, &p, "BEET");
}

static void unknown_ipsec_mode_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.ipsec_modes = BIT(XFRM_GUARD_SA_MODE_TRANSPORT) | BIT(XFRM_GUARD_SA_MODE_OTHER);
	xg_expect_invalid(test, &p, "mode");
	p.ipsec_modes = BIT(7);
	xg_expect_invalid(test, &p, "mode");
}

static void empty_ipsec_mode_set_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.ipsec_modes = 0;
	xg_expect_invalid(test, &p, "mode");
}

static void single_ipsec_mode_accepted(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.ipsec_modes = BIT(XFRM_GUARD_SA_MODE_TRANSPORT);
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.ipsec_modes = BIT(XFRM_GUARD_SA_MODE_TUNNEL);
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
}

static void every_guard_mode_accepted_unknown_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.mode = XFRM_GUARD_MODE_OFF;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.mode = XFRM_GUARD_MODE_AUDIT;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.mode = XFRM_GUARD_MODE_ENFORCE;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.mode = __XFRM_GUARD_MODE_MAX;
	xg_expect_invalid(test, &p, "guard mode");
}

static void every_crc_policy_accepted_unknown_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.crc = XFRM_GUARD_CRC_POLICY_ALWAYS;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.crc = XFRM_GUARD_CRC_POLICY_NEVER;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.crc = __XFRM_GUARD_CRC_POLICY_MAX;
	xg_expect_invalid(test, &p, "CRC");
}

static void confidentiality_flags_need_no_validation(struct kunit *test)
{
	struct xg_profile p;

	/* both flags are plain choices; every combination is a valid profile */
	xg_profile_init_default(&p);
	p.confidentiality = true;
	p.chap_requires_confidentiality = false;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	p.confidentiality = false;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
}

static void algorithm_both_allowed_and_denied_refused(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	/* xg_profile_set_alg() cannot produce this; a raw copy could */
	__set_bit(XG_ALG_HMAC_SHA1, p.alg_allow);
	__set_bit(XG_ALG_HMAC_SHA1, p.alg_deny);
	xg_expect_invalid(test, &p, "allowed and denied");
	/* ... and the engine still fails closed on it */
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_HMAC_SHA1),
			XFRM_GUARD_DISP_DENY);
}

static void validation_fails_without_extack(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	p.min_replay_window = 0;
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), -EINVAL);
}

struct xg_alg_expect {
	const char *name;
	enum xg_alg_class class;
	enum xfrm_guard_alg_disposition disposition;
};

/*
 * The defaults, spelled out independently of the table so that a change to
 * the table has to be a change to this list too.
 */
static const struct xg_alg_expect xg_alg_expects[] = {
	{ "cbc(des)", XG_CLASS_ENC, XFRM_GUARD_DISP_DENY },
	{ "cbc(des3_ede)", XG_CLASS_ENC, XFRM_GUARD_DISP_WARN },
	{ "cbc(aes)", XG_CLASS_ENC, XFRM_GUARD_DISP_ALLOW },
	{ "rfc3686(ctr(aes))", XG_CLASS_ENC, XFRM_GUARD_DISP_ALLOW },
	{ "ecb(cipher_null)", XG_CLASS_NULL_ENC, XFRM_GUARD_DISP_ALLOW },
	{ "hmac(md5)", XG_CLASS_AUTH, XFRM_GUARD_DISP_DENY },
	{ "hmac(sha1)", XG_CLASS_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "hmac(sha256)", XG_CLASS_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "hmac(sha384)", XG_CLASS_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "hmac(sha512)", XG_CLASS_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "xcbc(aes)", XG_CLASS_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "cmac(aes)", XG_CLASS_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "digest_null", XG_CLASS_NULL_AUTH, XFRM_GUARD_DISP_ALLOW },
	{ "rfc4106(gcm(aes))", XG_CLASS_AEAD, XFRM_GUARD_DISP_ALLOW },
	{ "rfc4309(ccm(aes))", XG_CLASS_AEAD, XFRM_GUARD_DISP_ALLOW },
	{ "rfc4543(gcm(aes))", XG_CLASS_AEAD_AUTH_ONLY, XFRM_GUARD_DISP_ALLOW },
	{ "rfc7539esp(chacha20,poly1305)", XG_CLASS_AEAD, XFRM_GUARD_DISP_ALLOW },
};

KUNIT_ARRAY_PARAM_DESC(xg_alg_expects, xg_alg_expects, name);

static void algorithm_defaults_follow_rfc8221(struct kunit *test)
{
	const struct xg_alg_expect *e = test->param_value;
	const struct xg_alg *alg;
	struct xg_profile p;
	int id;

	id = xg_alg_lookup(e->name);
	KUNIT_ASSERT_GE(test, id, 0);
	alg = xg_alg_get(id);
	KUNIT_ASSERT_NOT_NULL(test, alg);
	KUNIT_EXPECT_STREQ(test, alg->name, e->name);
	KUNIT_EXPECT_EQ(test, alg->class, e->class);
	KUNIT_EXPECT_EQ(test, alg->disposition, e->disposition);
	KUNIT_EXPECT_NOT_NULL(test, alg->ref);

	xg_profile_init_default(&p);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, id),
			e->disposition);
}

static void algorithm_table_has_exactly_the_listed_names(struct kunit *test)
{
	bool seen[XG_ALG_COUNT] = {};
	unsigned int i;
	int id;

	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(xg_alg_expects), (size_t)XG_ALG_COUNT);
	for (i = 0; i < ARRAY_SIZE(xg_alg_expects); i++) {
		id = xg_alg_lookup(xg_alg_expects[i].name);
		KUNIT_ASSERT_GE(test, id, 0);
		KUNIT_EXPECT_FALSE_MSG(test, seen[id], "%s found twice",
				       xg_alg_expects[i].name);
		seen[id] = true;
	}
	for (id = 0; id < XG_ALG_COUNT; id++)
		KUNIT_EXPECT_TRUE_MSG(test, seen[id], "table entry %d (%s) untested",
				      id, xg_alg_get(id)->name);
	KUNIT_EXPECT_NULL(test, xg_alg_get(-1));
	KUNIT_EXPECT_NULL(test, xg_alg_get(XG_ALG_COUNT));
}

static void key_and_icv_floors_are_set_for_real_algorithms(struct kunit *test)
{
	const struct xg_alg *alg;
	int id;

	for (id = 0; id < XG_ALG_COUNT; id++) {
		alg = xg_alg_get(id);
		switch (alg->class) {
		case XG_CLASS_ENC:
			KUNIT_EXPECT_GE_MSG(test, alg->min_key_bits, 64, "%s", alg->name);
			break;
		case XG_CLASS_AUTH:
		case XG_CLASS_AEAD:
		case XG_CLASS_AEAD_AUTH_ONLY:
			KUNIT_EXPECT_GE_MSG(test, alg->min_key_bits, 128, "%s", alg->name);
			KUNIT_EXPECT_GE_MSG(test, alg->min_icv_bits, 64, "%s", alg->name);
			break;
		case XG_CLASS_NULL_ENC:
		case XG_CLASS_NULL_AUTH:
			KUNIT_EXPECT_EQ_MSG(test, alg->min_key_bits, 0, "%s", alg->name);
			break;
		}
	}
	/* the floors that keep hand-made "ip xfrm" SAs usable */
	KUNIT_EXPECT_EQ(test, xg_alg_get(XG_ALG_HMAC_SHA256)->min_icv_bits, 96);
	KUNIT_EXPECT_EQ(test, xg_alg_get(XG_ALG_AES_GCM)->min_icv_bits, 128);
}

static const char *const xg_unknown_names[] = {
	"cbc(camellia)",	/* real xfrm algorithm, not in the table */
	"hmac(rmd160)",
	"aes",			/* compat alias: states carry canonical names */
	"CBC(DES)",
	"cbc(des) ",
	"",
};

static void unknown_algorithm_names_not_found(struct kunit *test)
{
	char unterminated[XFRM_GUARD_ALG_NAME_MAX + 8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xg_unknown_names); i++)
		KUNIT_EXPECT_EQ_MSG(test, xg_alg_lookup(xg_unknown_names[i]),
				    -ENOENT, "\"%s\"", xg_unknown_names[i]);
	KUNIT_EXPECT_EQ(test, xg_alg_lookup(NULL), -ENOENT);

	/* no NUL within the xfrm field size: never read past it */
	memset(unterminated, 'a', sizeof(unterminated));
	unterminated[sizeof(unterminated) - 1] = '\0';
	KUNIT_EXPECT_EQ(test, xg_alg_lookup(unterminated), -ENOENT);
}

static void rejects_des_cbc_by_default(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_DENY);
}

static void rejects_hmac_md5_by_default(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_HMAC_MD5),
			XFRM_GUARD_DISP_DENY);
}

static void warns_on_3des_by_default(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES3_CBC),
			XFRM_GUARD_DISP_WARN);
}

static void admin_allow_overrides_default_deny(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES_CBC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_ALLOW);
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	/* other entries keep their defaults */
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_HMAC_MD5),
			XFRM_GUARD_DISP_DENY);
}

static void admin_allow_silences_3des_warning(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES3_CBC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES3_CBC),
			XFRM_GUARD_DISP_ALLOW);
}

static void admin_deny_overrides_default_allow(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_HMAC_SHA1,
						 XFRM_GUARD_ALG_DENY, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_HMAC_SHA1),
			XFRM_GUARD_DISP_DENY);
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
}

static void override_switches_between_allow_and_deny(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_AES_CBC,
						 XFRM_GUARD_ALG_DENY, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_AES_CBC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	/* the second override replaces the first; never both bits */
	KUNIT_EXPECT_EQ(test, xg_profile_validate(&p, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_AES_CBC),
			XFRM_GUARD_DISP_ALLOW);
}

static void override_default_restores_table_disposition(struct kunit *test)
{
	struct xg_profile p;

	xg_profile_init_default(&p);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES_CBC,
						 XFRM_GUARD_ALG_ALLOW, NULL), 0);
	KUNIT_ASSERT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES_CBC,
						 XFRM_GUARD_ALG_DEFAULT, NULL), 0);
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_DES_CBC),
			XFRM_GUARD_DISP_DENY);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(p.alg_allow, XG_ALG_COUNT));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(p.alg_deny, XG_ALG_COUNT));
}

static void override_of_unknown_algorithm_refused(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct xg_profile p, before;

	xg_profile_init_default(&p);
	before = p;
	KUNIT_EXPECT_EQ(test, xg_profile_set_alg(&p, XG_ALG_COUNT, XFRM_GUARD_ALG_ALLOW,
						 &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, xg_profile_set_alg(&p, -ENOENT, XFRM_GUARD_ALG_ALLOW,
						 NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, xg_profile_set_alg(&p, XG_ALG_DES_CBC,
						 __XFRM_GUARD_ALG_MAX, NULL), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, &p, &before, sizeof(p));
	/* an out-of-range id is judged as denied, never as allowed */
	KUNIT_EXPECT_EQ(test, xg_profile_alg_disposition(&p, XG_ALG_COUNT),
			XFRM_GUARD_DISP_DENY);
}

static struct kunit_case xg_policy_cases[] = {
	KUNIT_CASE(default_profile_is_valid),
	KUNIT_CASE(default_profile_follows_rfc3723),
	KUNIT_CASE(replay_window_zero_refused),
	KUNIT_CASE(replay_window_above_kernel_maximum_refused),
	KUNIT_CASE(beet_mode_never_allowed),
	KUNIT_CASE(unknown_ipsec_mode_refused),
	KUNIT_CASE(empty_ipsec_mode_set_refused),
	KUNIT_CASE(single_ipsec_mode_accepted),
	KUNIT_CASE(every_guard_mode_accepted_unknown_refused),
	KUNIT_CASE(every_crc_policy_accepted_unknown_refused),
	KUNIT_CASE(confidentiality_flags_need_no_validation),
	KUNIT_CASE(algorithm_both_allowed_and_denied_refused),
	KUNIT_CASE(validation_fails_without_extack),
	KUNIT_CASE_PARAM(algorithm_defaults_follow_rfc8221,
			 xg_alg_expects_gen_params),
	KUNIT_CASE(algorithm_table_has_exactly_the_listed_names),
	KUNIT_CASE(key_and_icv_floors_are_set_for_real_algorithms),
	KUNIT_CASE(unknown_algorithm_names_not_found),
	KUNIT_CASE(rejects_des_cbc_by_default),
	KUNIT_CASE(rejects_hmac_md5_by_default),
	KUNIT_CASE(warns_on_3des_by_default),
	KUNIT_CASE(admin_allow_overrides_default_deny),
	KUNIT_CASE(admin_allow_silences_3des_warning),
	KUNIT_CASE(admin_deny_overrides_default_allow),
	KUNIT_CASE(override_switches_between_allow_and_deny),
	KUNIT_CASE(override_default_restores_table_disposition),
	KUNIT_CASE(override_of_unknown_algorithm_refused),
	{}
};

static struct kunit_suite xg_policy_suite = {
	.name = "xg_policy",
	.test_cases = xg_policy_cases,
};

kunit_test_suite(xg_policy_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xfrm_guard profiles");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
