/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard profiles: what an SA must look like for a connection to count as
 * protected, and the table of xfrm algorithm names the guard knows.
 */
#ifndef _XG_POLICY_H
#define _XG_POLICY_H

#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/types.h>
#include <uapi/linux/xfrm_guard.h>

struct netlink_ext_ack;

/*
 * The guard speaks the UAPI's vocabulary (include/uapi/linux/xfrm_guard.h):
 * profile modes, CRC policies, SA modes, algorithm actions and dispositions
 * and the limits below are its enums and constants, used here as they are.
 * XFRM_GUARD_REPLAY_WINDOW_MAX is the largest replay window an SA can have:
 * an ESN bitmap is at most XFRMA_REPLAY_ESN_MAX (4096) bytes of attribute,
 * which xfrm_user caps at 128 u32 words, so a larger minimum could never be
 * met. XFRM_GUARD_ALG_NAME_MAX is sized like xfrm_algo::alg_name.
 */

/* Profile 0 of a namespace is its default profile; rules select the others. */
#define XG_PROFILE_DEFAULT	0

/*
 * A profile's accepted modes are XFRM_GUARD_IPSEC_* bits, and the bit of
 * an SA's mode is BIT(enum xfrm_guard_sa_mode): two UAPI enums that the
 * profile check relates.
 */
static_assert(BIT(XFRM_GUARD_SA_MODE_TRANSPORT) == XFRM_GUARD_IPSEC_TRANSPORT);
static_assert(BIT(XFRM_GUARD_SA_MODE_TUNNEL) == XFRM_GUARD_IPSEC_TUNNEL);

/* The only modes a profile may accept (RFC 3723 2.3.2). */
#define XG_IPSEC_MODES_VALID	(XFRM_GUARD_IPSEC_TRANSPORT | XFRM_GUARD_IPSEC_TUNNEL)

/**
 * enum xg_alg_class - what an algorithm contributes to an ESP SA
 * @XG_CLASS_ENC: encryption (ESP "ealg").
 * @XG_CLASS_AUTH: integrity (ESP "aalg").
 * @XG_CLASS_AEAD: combined encryption and integrity.
 * @XG_CLASS_AEAD_AUTH_ONLY: an AEAD that authenticates but does not encrypt
 *	(GMAC, RFC 4543).
 * @XG_CLASS_NULL_ENC: NULL encryption (RFC 2410).
 * @XG_CLASS_NULL_AUTH: NULL authentication.
 */
enum xg_alg_class {
	XG_CLASS_ENC,
	XG_CLASS_AUTH,
	XG_CLASS_AEAD,
	XG_CLASS_AEAD_AUTH_ONLY,
	XG_CLASS_NULL_ENC,
	XG_CLASS_NULL_AUTH,
};

/**
 * enum xg_alg_id - index of a known algorithm in the table
 * @XG_ALG_DES_CBC: "cbc(des)".
 * @XG_ALG_DES3_CBC: "cbc(des3_ede)".
 * @XG_ALG_AES_CBC: "cbc(aes)".
 * @XG_ALG_AES_CTR: "rfc3686(ctr(aes))".
 * @XG_ALG_NULL_CIPHER: "ecb(cipher_null)".
 * @XG_ALG_HMAC_MD5: "hmac(md5)".
 * @XG_ALG_HMAC_SHA1: "hmac(sha1)".
 * @XG_ALG_HMAC_SHA256: "hmac(sha256)".
 * @XG_ALG_HMAC_SHA384: "hmac(sha384)".
 * @XG_ALG_HMAC_SHA512: "hmac(sha512)".
 * @XG_ALG_AES_XCBC: "xcbc(aes)".
 * @XG_ALG_AES_CMAC: "cmac(aes)".
 * @XG_ALG_NULL_DIGEST: "digest_null".
 * @XG_ALG_AES_GCM: "rfc4106(gcm(aes))".
 * @XG_ALG_AES_CCM: "rfc4309(ccm(aes))".
 * @XG_ALG_AES_GMAC: "rfc4543(gcm(aes))".
 * @XG_ALG_CHACHA20_POLY1305: "rfc7539esp(chacha20,poly1305)".
 * @XG_ALG_COUNT: number of known algorithms; not an algorithm.
 *
 * The indices are internal (they number the override bitmaps); anything that
 * leaves the kernel names algorithms by their xfrm name.
 */
enum xg_alg_id {
	XG_ALG_DES_CBC,
	XG_ALG_DES3_CBC,
	XG_ALG_AES_CBC,
	XG_ALG_AES_CTR,
	XG_ALG_NULL_CIPHER,
	XG_ALG_HMAC_MD5,
	XG_ALG_HMAC_SHA1,
	XG_ALG_HMAC_SHA256,
	XG_ALG_HMAC_SHA384,
	XG_ALG_HMAC_SHA512,
	XG_ALG_AES_XCBC,
	XG_ALG_AES_CMAC,
	XG_ALG_NULL_DIGEST,
	XG_ALG_AES_GCM,
	XG_ALG_AES_CCM,
	XG_ALG_AES_GMAC,
	XG_ALG_CHACHA20_POLY1305,
	XG_ALG_COUNT
};

/**
 * struct xg_alg - a known xfrm algorithm
 * @name: canonical xfrm name, as xfrm_user stores it in the state.
 * @class: what it contributes to an SA.
 * @disposition: default, following RFC 3723 as updated by RFC 7146 and the
 *	ESP requirement levels of RFC 8221.
 * @min_key_bits: shortest key accepted (xfrm counts nonce/salt bits in the
 *	key of CTR and AEAD modes, so these include them).
 * @min_icv_bits: shortest ICV (truncation length) accepted.
 * @ref: the clause behind @disposition, for messages and documentation.
 */
struct xg_alg {
	const char *name;
	enum xg_alg_class class;
	enum xfrm_guard_alg_disposition disposition;
	u16 min_key_bits;
	u16 min_icv_bits;
	const char *ref;
};

/**
 * struct xg_profile - what "protected" means for a set of connections
 * @mode: off, audit or enforce.
 * @confidentiality: every ESP SA must encrypt.
 * @chap_requires_confidentiality: an iSCSI login may use CHAP only over an
 *	encrypting SA (RFC 3723 2.4.1: the kernel cannot see the secret's
 *	length, so it assumes the short-secret case).
 * @ipsec_modes: accepted modes, BIT(enum xfrm_guard_sa_mode); a subset of
 *	%XG_IPSEC_MODES_VALID, not empty.
 * @crc: application-layer CRC policy.
 * @min_replay_window: smallest inbound replay window accepted, 1 to
 *	%XFRM_GUARD_REPLAY_WINDOW_MAX.
 * @alg_allow: algorithms an administrator allowed, by enum xg_alg_id.
 * @alg_deny: algorithms an administrator denied; disjoint from @alg_allow.
 *
 * A profile is a plain value: whoever publishes it (the per-netns state)
 * copies it whole and owns its locking.
 */
struct xg_profile {
	enum xfrm_guard_mode mode;
	bool confidentiality;
	bool chap_requires_confidentiality;
	u8 ipsec_modes;
	enum xfrm_guard_crc_policy crc;
	u32 min_replay_window;
	DECLARE_BITMAP(alg_allow, XG_ALG_COUNT);
	DECLARE_BITMAP(alg_deny, XG_ALG_COUNT);
};

void xg_profile_init_default(struct xg_profile *p);
int xg_profile_validate(const struct xg_profile *p,
			struct netlink_ext_ack *extack);
int xg_profile_set_alg(struct xg_profile *p, int id,
		       enum xfrm_guard_alg_action ovr,
		       struct netlink_ext_ack *extack);
enum xfrm_guard_alg_disposition
xg_profile_alg_disposition(const struct xg_profile *p, enum xg_alg_id id);

int xg_alg_lookup(const char *name);
const struct xg_alg *xg_alg_get(int id);

#endif /* _XG_POLICY_H */
