// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard profiles and the algorithm table.
 *
 * The table is the guard's whole universe of algorithms: a name that is not
 * in it is refused whatever the profile says, so that an algorithm added to
 * xfrm later is not accepted before someone has decided about it.
 */
#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/netlink.h>
#include <linux/string.h>

#include "policy.h"

static const struct xg_alg xg_algs[XG_ALG_COUNT] = {
	[XG_ALG_DES_CBC] = {
		.name = "cbc(des)", .class = XG_CLASS_ENC,
		.disposition = XFRM_GUARD_DISP_DENY, .min_key_bits = 64,
		.ref = "RFC 3723 2.3.1 SHOULD NOT; RFC 8221 MUST NOT",
	},
	[XG_ALG_DES3_CBC] = {
		.name = "cbc(des3_ede)", .class = XG_CLASS_ENC,
		.disposition = XFRM_GUARD_DISP_WARN, .min_key_bits = 192,
		.ref = "RFC 3723 2.3.1 MUST; RFC 8221 SHOULD NOT",
	},
	[XG_ALG_AES_CBC] = {
		.name = "cbc(aes)", .class = XG_CLASS_ENC,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.ref = "RFC 3602; RFC 8221 MUST",
	},
	[XG_ALG_AES_CTR] = {
		/* 128-bit AES key plus the 32-bit RFC 3686 nonce */
		.name = "rfc3686(ctr(aes))", .class = XG_CLASS_ENC,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 160,
		.ref = "RFC 3723 2.3.1 SHOULD; RFC 3686",
	},
	[XG_ALG_NULL_CIPHER] = {
		.name = "ecb(cipher_null)", .class = XG_CLASS_NULL_ENC,
		.disposition = XFRM_GUARD_DISP_ALLOW,
		.ref = "RFC 3723 2.3.1: NULL encryption MUST be supported",
	},
	[XG_ALG_HMAC_MD5] = {
		.name = "hmac(md5)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_DENY, .min_key_bits = 128,
		.min_icv_bits = 96,
		.ref = "RFC 8221 MUST NOT",
	},
	[XG_ALG_HMAC_SHA1] = {
		.name = "hmac(sha1)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.min_icv_bits = 96,
		.ref = "RFC 3723 2.3.1 MUST; RFC 2404",
	},
	[XG_ALG_HMAC_SHA256] = {
		/*
		 * RFC 4868 truncates to 128 bits, but xfrm's default for
		 * this name is 96 and "ip xfrm ... auth" uses it: refusing
		 * 96 would refuse most hand-made SAs for no real gain.
		 */
		.name = "hmac(sha256)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.min_icv_bits = 96,
		.ref = "RFC 4868; RFC 8221 MUST",
	},
	[XG_ALG_HMAC_SHA384] = {
		.name = "hmac(sha384)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.min_icv_bits = 192,
		.ref = "RFC 4868",
	},
	[XG_ALG_HMAC_SHA512] = {
		.name = "hmac(sha512)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.min_icv_bits = 256,
		.ref = "RFC 4868; RFC 8221 SHOULD",
	},
	[XG_ALG_AES_XCBC] = {
		.name = "xcbc(aes)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.min_icv_bits = 96,
		.ref = "RFC 3723 2.3.1 SHOULD; RFC 3566",
	},
	[XG_ALG_AES_CMAC] = {
		.name = "cmac(aes)", .class = XG_CLASS_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 128,
		.min_icv_bits = 96,
		.ref = "RFC 4494",
	},
	[XG_ALG_NULL_DIGEST] = {
		.name = "digest_null", .class = XG_CLASS_NULL_AUTH,
		.disposition = XFRM_GUARD_DISP_ALLOW,
		.ref = "RFC 8221: no authentication only with an AEAD",
	},
	[XG_ALG_AES_GCM] = {
		/*
		 * RFC 8221 only recommends the 16-octet ICV; the 8- and
		 * 12-octet variants xfrm also offers are refused.
		 */
		.name = "rfc4106(gcm(aes))", .class = XG_CLASS_AEAD,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 160,
		.min_icv_bits = 128,
		.ref = "RFC 4106; RFC 8221 MUST (16-octet ICV)",
	},
	[XG_ALG_AES_CCM] = {
		/* RFC 8221 recommends the 8-octet ICV variant (CCM_8) */
		.name = "rfc4309(ccm(aes))", .class = XG_CLASS_AEAD,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 152,
		.min_icv_bits = 64,
		.ref = "RFC 4309; RFC 8221 SHOULD (CCM_8)",
	},
	[XG_ALG_AES_GMAC] = {
		.name = "rfc4543(gcm(aes))", .class = XG_CLASS_AEAD_AUTH_ONLY,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 160,
		.min_icv_bits = 128,
		.ref = "RFC 4543: integrity only, no confidentiality",
	},
	[XG_ALG_CHACHA20_POLY1305] = {
		/* 256-bit key plus the 32-bit salt of RFC 7634 */
		.name = "rfc7539esp(chacha20,poly1305)", .class = XG_CLASS_AEAD,
		.disposition = XFRM_GUARD_DISP_ALLOW, .min_key_bits = 288,
		.min_icv_bits = 128,
		.ref = "RFC 7634; RFC 8221 SHOULD",
	},
};

/**
 * xg_alg_lookup() - find an algorithm by its xfrm name
 * @name: canonical xfrm name (xfrm_user stores canonical names in states,
 *	so compat aliases such as "aes" are deliberately not recognised)
 *
 * Context: any; the table is constant.
 * Return: an enum xg_alg_id, or -ENOENT if @name is not in the table or is
 * not NUL-terminated within %XFRM_GUARD_ALG_NAME_MAX bytes.
 */
int xg_alg_lookup(const char *name)
{
	size_t len;
	int i;

	if (!name)
		return -ENOENT;
	/* A name filling the whole xfrm field has no NUL: fail closed. */
	len = strnlen(name, XFRM_GUARD_ALG_NAME_MAX);
	if (len == XFRM_GUARD_ALG_NAME_MAX)
		return -ENOENT;
	for (i = 0; i < XG_ALG_COUNT; i++)
		if (!strcmp(name, xg_algs[i].name))
			return i;
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(xg_alg_lookup);

/**
 * xg_alg_get() - the table entry of an algorithm
 * @id: an enum xg_alg_id
 *
 * Return: the entry, or NULL if @id is out of range.
 */
const struct xg_alg *xg_alg_get(int id)
{
	if (id < 0 || id >= XG_ALG_COUNT)
		return NULL;
	return &xg_algs[id];
}
EXPORT_SYMBOL_IF_KUNIT(xg_alg_get);

/**
 * xg_profile_init_default() - fill in the default profile
 * @p: profile to overwrite
 *
 * Enforce; ESP in transport or tunnel mode (RFC 3723 2.3.2); an inbound
 * replay window of at least 32 packets (RFC 3723 2.3.1 requires anti-replay,
 * and 32 is the window RFC 4303 requires every receiver to support); NULL
 * encryption accepted (RFC 3723 2.3.1) but not for CHAP logins (RFC 3723
 * 2.4.1); CRC omitted only when both directions are offloaded (RFC 3723
 * 3.6.2); algorithm dispositions as in the table.
 */
void xg_profile_init_default(struct xg_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = XFRM_GUARD_MODE_ENFORCE;
	p->confidentiality = false;
	p->chap_requires_confidentiality = true;
	p->ipsec_modes = XG_IPSEC_MODES_VALID;
	p->crc = XFRM_GUARD_CRC_POLICY_AUTO;
	p->min_replay_window = 32;
}
EXPORT_SYMBOL_IF_KUNIT(xg_profile_init_default);

/**
 * xg_profile_validate() - check a profile before it is published
 * @p: profile to check
 * @extack: where to put the reason; may be NULL
 *
 * Return: 0, or -EINVAL with a message in @extack.
 */
int xg_profile_validate(const struct xg_profile *p,
			struct netlink_ext_ack *extack)
{
	if ((unsigned int)p->mode >= __XFRM_GUARD_MODE_MAX) {
		NL_SET_ERR_MSG(extack, "unknown guard mode");
		return -EINVAL;
	}
	if ((unsigned int)p->crc >= __XFRM_GUARD_CRC_POLICY_MAX) {
		NL_SET_ERR_MSG(extack, "unknown CRC policy");
		return -EINVAL;
	}
	if (p->ipsec_modes & BIT(XFRM_GUARD_SA_MODE_BEET)) {
		NL_SET_ERR_MSG(extack, "BEET mode is never accepted");
		return -EINVAL;
	}
	if (p->ipsec_modes & ~XG_IPSEC_MODES_VALID) {
		NL_SET_ERR_MSG(extack,
			       "only transport and tunnel mode can be accepted");
		return -EINVAL;
	}
	if (!p->ipsec_modes) {
		NL_SET_ERR_MSG(extack, "no IPsec mode accepted");
		return -EINVAL;
	}
	if (!p->min_replay_window) {
		NL_SET_ERR_MSG(extack,
			       "minimum replay window must be at least 1 (RFC 3723 2.3.1)");
		return -EINVAL;
	}
	if (p->min_replay_window > XFRM_GUARD_REPLAY_WINDOW_MAX) {
		NL_SET_ERR_MSG(extack,
			       "minimum replay window exceeds what an SA can have (4096)");
		return -EINVAL;
	}
	if (bitmap_intersects(p->alg_allow, p->alg_deny, XG_ALG_COUNT)) {
		NL_SET_ERR_MSG(extack, "algorithm both allowed and denied");
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xg_profile_validate);

/**
 * xg_profile_set_alg() - override an algorithm's disposition in a profile
 * @p: profile to change
 * @id: an enum xg_alg_id (int, so that a value from outside can be checked)
 * @ovr: new override; %XFRM_GUARD_ALG_DEFAULT drops the override
 * @extack: where to put the reason for a refusal; may be NULL
 *
 * An override changes how a name is judged, never the structural rules: NULL
 * encryption still needs real authentication and NULL authentication still
 * needs an AEAD, whatever is allowed here.
 *
 * Return: 0, or -EINVAL (unknown @id or @ovr) with @p unchanged.
 */
int xg_profile_set_alg(struct xg_profile *p, int id,
		       enum xfrm_guard_alg_action ovr,
		       struct netlink_ext_ack *extack)
{
	if (id < 0 || id >= XG_ALG_COUNT) {
		NL_SET_ERR_MSG(extack, "unknown algorithm");
		return -EINVAL;
	}
	if ((unsigned int)ovr >= __XFRM_GUARD_ALG_MAX) {
		NL_SET_ERR_MSG(extack, "unknown algorithm override");
		return -EINVAL;
	}
	__clear_bit(id, p->alg_allow);
	__clear_bit(id, p->alg_deny);
	if (ovr == XFRM_GUARD_ALG_ALLOW)
		__set_bit(id, p->alg_allow);
	else if (ovr == XFRM_GUARD_ALG_DENY)
		__set_bit(id, p->alg_deny);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xg_profile_set_alg);

/**
 * xg_profile_alg_disposition() - how a profile judges a known algorithm
 * @p: profile
 * @id: an enum xg_alg_id
 *
 * A deny override wins over an allow override, so a profile that somehow
 * has both (validation refuses it) still fails closed.
 *
 * Return: the effective disposition; %XFRM_GUARD_DISP_DENY for an unknown @id.
 */
enum xfrm_guard_alg_disposition
xg_profile_alg_disposition(const struct xg_profile *p, enum xg_alg_id id)
{
	if ((unsigned int)id >= XG_ALG_COUNT)
		return XFRM_GUARD_DISP_DENY;
	if (test_bit(id, p->alg_deny))
		return XFRM_GUARD_DISP_DENY;
	if (test_bit(id, p->alg_allow))
		return XFRM_GUARD_DISP_ALLOW;
	return xg_algs[id].disposition;
}
EXPORT_SYMBOL_IF_KUNIT(xg_profile_alg_disposition);
