/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard verdict engine: judges a connection's SAs against a profile.
 *
 * The engine works on struct xg_sa_desc, a self-contained copy of what it
 * needs from a struct xfrm_state, so that it can be tested without xfrm and
 * so that its decisions depend on nothing that can change under it.
 */
#ifndef _XG_VERDICT_H
#define _XG_VERDICT_H

#include <linux/types.h>
#include <net/xfrm_guard.h>

#include "policy.h"

struct xfrm_state;

/* What an owner refusal is called when the owner gave no usable token. */
#define XG_OWNER_REASON_GENERIC	"owner_refused"

/**
 * enum xg_sa_proto - the transform of an SA
 * @XG_PROTO_ESP: ESP.
 * @XG_PROTO_AH: AH.
 * @XG_PROTO_OTHER: anything else (IPcomp, IPIP, ...).
 */
enum xg_sa_proto {
	XG_PROTO_ESP,
	XG_PROTO_AH,
	XG_PROTO_OTHER,
};

/**
 * enum xg_km_state - key manager state of an SA (xfrm's XFRM_STATE_*)
 * @XG_KM_VOID: being created.
 * @XG_KM_ACQUIRE: larval, waiting for the key manager.
 * @XG_KM_VALID: usable.
 * @XG_KM_ERROR: failed; also any state value this code does not know.
 * @XG_KM_EXPIRED: hard lifetime reached.
 * @XG_KM_DEAD: deleted.
 */
enum xg_km_state {
	XG_KM_VOID,
	XG_KM_ACQUIRE,
	XG_KM_VALID,
	XG_KM_ERROR,
	XG_KM_EXPIRED,
	XG_KM_DEAD,
};

/**
 * enum xg_offload_type - NIC offload of an SA (xfrm's XFRM_DEV_OFFLOAD_*)
 * @XG_OFFLOAD_NONE: software IPsec.
 * @XG_OFFLOAD_CRYPTO: the NIC does the crypto, the stack the rest.
 * @XG_OFFLOAD_PACKET: the NIC does the whole ESP processing.
 */
enum xg_offload_type {
	XG_OFFLOAD_NONE,
	XG_OFFLOAD_CRYPTO,
	XG_OFFLOAD_PACKET,
};

/**
 * enum xg_offload_dir - direction an SA is offloaded for
 * @XG_OFFLOAD_DIR_NONE: not offloaded.
 * @XG_OFFLOAD_DIR_IN: receive.
 * @XG_OFFLOAD_DIR_OUT: transmit.
 * @XG_OFFLOAD_DIR_FWD: forwarding (never ours).
 */
enum xg_offload_dir {
	XG_OFFLOAD_DIR_NONE,
	XG_OFFLOAD_DIR_IN,
	XG_OFFLOAD_DIR_OUT,
	XG_OFFLOAD_DIR_FWD,
};

/**
 * struct xg_offload_desc - NIC offload of an SA
 * @dev: a device holds the SA (xfrm falls back to software, with no device,
 *	when the one asked for cannot offload).
 * @type: offload type.
 * @dir: offload direction.
 */
struct xg_offload_desc {
	bool dev;
	enum xg_offload_type type;
	enum xg_offload_dir dir;
};

/**
 * struct xg_alg_desc - one algorithm slot of an SA
 * @name: xfrm algorithm name; NULL if the slot is empty.
 * @key_bits: key length in bits.
 * @icv_bits: ICV length in bits: the truncation length of an "aalg", the
 *	ICV length of an AEAD; unused for an "ealg".
 */
struct xg_alg_desc {
	const char *name;
	u32 key_bits;
	u32 icv_bits;
};

/**
 * struct xg_sa_desc - what the verdict engine knows about one SA
 * @proto: transform.
 * @mode: IPsec mode.
 * @km_state: key manager state.
 * @dying: soft lifetime expired; the key manager is expected to replace it.
 * @esn: extended sequence numbers.
 * @replay_window: anti-replay window in packets; 0 = no anti-replay. Only
 *	the receiver checks sequence numbers, so only an inbound SA's window
 *	means anything.
 * @spi: SPI, for reports only.
 * @aalg: integrity algorithm (ESP "auth").
 * @ealg: encryption algorithm (ESP "enc").
 * @aead: combined algorithm (ESP "aead").
 * @offload: NIC offload.
 *
 * The name pointers of a description filled from a state point into that
 * state: they live as long as the caller's reference on it.
 */
struct xg_sa_desc {
	enum xg_sa_proto proto;
	enum xfrm_guard_sa_mode mode;
	enum xg_km_state km_state;
	bool dying;
	bool esn;
	u32 replay_window;
	__be32 spi;
	struct xg_alg_desc aalg;
	struct xg_alg_desc ealg;
	struct xg_alg_desc aead;
	struct xg_offload_desc offload;
};

/**
 * enum xg_action - what the caller does with a verdict
 * @XG_ACTION_NONE: profile mode "off": the guard takes no position; the
 *	caller neither refuses, drops, nor reports. The reason is still
 *	filled in, for display only.
 * @XG_ACTION_ACCEPT: the connection is protected.
 * @XG_ACTION_REPORT: profile mode "audit" and not protected: the caller
 *	lets the traffic through and reports the reason.
 * @XG_ACTION_REFUSE: profile mode "enforce" and not protected: the caller
 *	refuses the connection or drops the segment, and reports the reason.
 */
enum xg_action {
	XG_ACTION_NONE,
	XG_ACTION_ACCEPT,
	XG_ACTION_REPORT,
	XG_ACTION_REFUSE,
};

/* Values of xg_verdict::culprit that are not an index into the out chain. */
#define XG_SA_NONE	(-1)
#define XG_SA_INBOUND	(-2)

/**
 * struct xg_verdict - the engine's answer
 * @action: what the caller does, from the profile mode and @reason.
 * @reason: the first rule broken, in the order documented at
 *	xg_verdict_eval(); %XFRM_GUARD_REASON_PROTECTED if none is.
 * @crc: the application-layer CRC decision.
 * @culprit: the SA behind @reason: an index into the out chain,
 *	%XG_SA_INBOUND, or %XG_SA_NONE (protected, or no SA at all).
 * @warn: an SA uses an algorithm the profile accepts with a warning.
 * @confidential: every ESP SA judged encrypts (meaningful when protected).
 * @chap_requires_confidentiality: the profile the verdict was made with
 *	allows CHAP only over SAs that encrypt (see xg_verdict_chap_ok()).
 * @warn_alg: the first algorithm behind @warn (a table name), or NULL.
 * @alg: for %XFRM_GUARD_REASON_WEAK_ALGORITHM, the name of the refused
 *	algorithm (a copy: unknown names are not in any table); else "".
 * @profile: the index of the profile the verdict was made with, for
 *	reports. The engine is given a profile, not its index: the caller
 *	sets this after xg_verdict_eval() or xg_verdict_eval_rx(), which
 *	leave it 0.
 */
struct xg_verdict {
	enum xg_action action;
	enum xfrm_guard_reason reason;
	enum xfrm_guard_crc crc;
	int culprit;
	bool warn;
	bool confidential;
	bool chap_requires_confidentiality;
	const char *warn_alg;
	char alg[XFRM_GUARD_ALG_NAME_MAX];
	u32 profile;
};

void xg_sa_desc_from_state(struct xg_sa_desc *d, const struct xfrm_state *x);
void xg_verdict_eval(const struct xg_profile *p,
		     const struct xg_sa_desc *out, unsigned int n_out,
		     const struct xg_sa_desc *in, struct xg_verdict *res);
void xg_verdict_eval_rx(const struct xg_profile *p,
			const struct xg_sa_desc *in, unsigned int n_in,
			struct xg_verdict *res);
bool xg_verdict_chap_ok(const struct xg_profile *p,
			const struct xg_verdict *res);
const char *xg_reason_name(enum xfrm_guard_reason reason);
void xg_owner_reason_token(const char *reason, char *out, size_t len);
const char *xg_crc_name(enum xfrm_guard_crc crc);

#endif /* _XG_VERDICT_H */
