/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard: the vocabulary shared by the guard and the modules that use it
 * (iscsi_xfrm, srnic). The same words appear in dmesg, netlink and xguard, so
 * the numeric values below are stable: append, never renumber.
 */
#ifndef _NET_XFRM_GUARD_H
#define _NET_XFRM_GUARD_H

#include <linux/types.h>
#include <uapi/linux/xfrm_guard.h>

/**
 * enum xfrm_guard_owner - who attached a connection to the guard
 * @XFRM_GUARD_OWNER_ANY: in a rule: any owner. In a lookup: a connection
 *	nobody attached (a listener protected by the portal guard), which only
 *	rules for @XFRM_GUARD_OWNER_ANY match.
 * @XFRM_GUARD_OWNER_ISCSI: the iSCSI initiator transport (iscsi_xfrm).
 * @XFRM_GUARD_OWNER_IWARP: the iWARP provider (srnic).
 * @__XFRM_GUARD_OWNER_MAX: number of owners; not an owner.
 *
 * The owners' name for the UAPI's enum xfrm_guard_owner_id, with its
 * values: this is the type of the in-kernel API the owners already call,
 * and the UAPI's is the netlink attribute's. Defined from the UAPI, the
 * two cannot drift apart.
 */
enum xfrm_guard_owner {
	XFRM_GUARD_OWNER_ANY = XFRM_GUARD_OWNER_ID_ANY,
	XFRM_GUARD_OWNER_ISCSI = XFRM_GUARD_OWNER_ID_ISCSI,
	XFRM_GUARD_OWNER_IWARP = XFRM_GUARD_OWNER_ID_IWARP,
	__XFRM_GUARD_OWNER_MAX = __XFRM_GUARD_OWNER_ID_MAX
};

/**
 * enum xfrm_guard_reason - why a connection is, or is not, protected
 * @XFRM_GUARD_REASON_PROTECTED: every SA meets the profile.
 * @XFRM_GUARD_REASON_NO_IPSEC: no transform at all: no SA, an empty output
 *	bundle, or a blackhole/queue route.
 * @XFRM_GUARD_REASON_NOT_ESP: the transform is not ESP (AH only, IPcomp
 *	only, ...); RFC 3723 2.3.1 requires ESP.
 * @XFRM_GUARD_REASON_SA_NOT_VALID: an SA is not in the VALID state (larval,
 *	expired, dead). A soft-expired ("dying") SA is still valid: it
 *	protects until its successor replaces it.
 * @XFRM_GUARD_REASON_WEAK_ALGORITHM: an algorithm is denied, unknown, or used
 *	with a key or ICV shorter than the profile accepts.
 * @XFRM_GUARD_REASON_NO_ANTI_REPLAY: the inbound SA has no replay window, or
 *	one below the profile's minimum (RFC 3723 2.3.1).
 * @XFRM_GUARD_REASON_MODE_NOT_ALLOWED: transport/tunnel mode not accepted by
 *	the profile, or a mode that is never accepted (BEET).
 * @XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED: the profile requires
 *	encryption and an SA has NULL encryption or is authentication only.
 * @XFRM_GUARD_REASON_NO_INTEGRITY: an SA encrypts without authenticating.
 * @XFRM_GUARD_REASON_SA_WRONG_PEER: a received segment came through an SA
 *	that meets the profile but is not the connection's: a transport-mode
 *	SA whose addresses are not the connection's, or a tunnel-mode SA
 *	whose selector does not cover the connection or whose outer source
 *	is not the peer the connection sends to.
 * @__XFRM_GUARD_REASON_MAX: number of reasons; not a reason.
 */
enum xfrm_guard_reason {
	XFRM_GUARD_REASON_PROTECTED,
	XFRM_GUARD_REASON_NO_IPSEC,
	XFRM_GUARD_REASON_NOT_ESP,
	XFRM_GUARD_REASON_SA_NOT_VALID,
	XFRM_GUARD_REASON_WEAK_ALGORITHM,
	XFRM_GUARD_REASON_NO_ANTI_REPLAY,
	XFRM_GUARD_REASON_MODE_NOT_ALLOWED,
	XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED,
	XFRM_GUARD_REASON_NO_INTEGRITY,
	XFRM_GUARD_REASON_SA_WRONG_PEER,
	__XFRM_GUARD_REASON_MAX
};

/**
 * enum xfrm_guard_crc - whether an owner computes its application-layer CRC
 * @XFRM_GUARD_CRC_COMPUTE_SOFTWARE: policy "auto" and at least one direction
 *	runs software IPsec (or the connection is not protected): keep the
 *	CRC (RFC 3723 3.6.2 [1]).
 * @XFRM_GUARD_CRC_SKIP_OFFLOADED: policy "auto" and every SA of both
 *	directions is offloaded to the NIC: the CRC adds nothing (RFC 3723
 *	3.6.2).
 * @XFRM_GUARD_CRC_COMPUTE_FORCED: policy "always".
 * @XFRM_GUARD_CRC_SKIP_DISABLED: policy "never".
 */
enum xfrm_guard_crc {
	XFRM_GUARD_CRC_COMPUTE_SOFTWARE,
	XFRM_GUARD_CRC_SKIP_OFFLOADED,
	XFRM_GUARD_CRC_COMPUTE_FORCED,
	XFRM_GUARD_CRC_SKIP_DISABLED,
};

/**
 * xfrm_guard_crc_wanted() - should the owner negotiate and use its CRC?
 * @crc: the guard's CRC decision for the connection
 *
 * Anything but an explicit "skip" keeps the CRC, so a value this header does
 * not know yet errs on the side of error detection.
 *
 * Return: true if the CRC should be used.
 */
static inline bool xfrm_guard_crc_wanted(enum xfrm_guard_crc crc)
{
	return crc != XFRM_GUARD_CRC_SKIP_OFFLOADED &&
	       crc != XFRM_GUARD_CRC_SKIP_DISABLED;
}

struct sock;
struct xfrm_guard_conn;

/**
 * struct xfrm_guard_owner_ops - how the guard tells an owner about changes
 * @protection_lost: the connection lost its protection. Transmission is
 *	held (xfrm_guard_tx_ok() says false, the guard drops any segment that
 *	would leave unprotected); the connection is not torn down (RFC 3723
 *	3.5).
 * @protection_restored: protection is back; transmission may resume on
 *	the same connection.
 *
 * Both run in process context from a workqueue, never concurrently for one
 * connection, and must not call xfrm_guard_detach() on it.
 */
struct xfrm_guard_owner_ops {
	void (*protection_lost)(void *priv, enum xfrm_guard_reason reason);
	void (*protection_restored)(void *priv);
};

/**
 * struct xfrm_guard_status - a connection as the guard sees it
 * @reason: the latest verdict.
 * @crc: the CRC decision that goes with it.
 * @tx_open: transmission allowed.
 * @enforced: the profile enforces (mode "enforce").
 * @confidential: every SA encrypts.
 * @warn: an SA uses an algorithm accepted with a warning.
 * @alg: the algorithm behind a weak_algorithm verdict, else "".
 * @rx_dropped: received segments dropped (not through an acceptable SA).
 * @tx_dropped: outgoing segments dropped (would have left unprotected).
 * @lost: times protection was lost.
 * @restored: times protection came back.
 * @chap_requires_confidentiality: the profile applied allows CHAP only over
 *	SAs that encrypt (RFC 3723 2.4.1: CHAP secrets are often guessable).
 */
struct xfrm_guard_status {
	enum xfrm_guard_reason reason;
	enum xfrm_guard_crc crc;
	bool tx_open;
	bool enforced;
	bool confidential;
	bool warn;
	char alg[64];
	u64 rx_dropped;
	u64 tx_dropped;
	u64 lost;
	u64 restored;
	bool chap_requires_confidentiality;
};

struct xfrm_guard_conn *xfrm_guard_attach(struct sock *sk,
					  enum xfrm_guard_owner owner,
					  const struct xfrm_guard_owner_ops *ops,
					  void *priv,
					  struct xfrm_guard_status *status);
void xfrm_guard_detach(struct xfrm_guard_conn *conn);
bool xfrm_guard_tx_ok(struct xfrm_guard_conn *conn);
enum xfrm_guard_crc xfrm_guard_crc(struct xfrm_guard_conn *conn);
void xfrm_guard_get_status(struct xfrm_guard_conn *conn,
			   struct xfrm_guard_status *status);
void xfrm_guard_owner_refused(struct xfrm_guard_conn *conn,
			      const char *reason);
const char *xfrm_guard_reason_name(enum xfrm_guard_reason reason);
const char *xfrm_guard_crc_name(enum xfrm_guard_crc crc);

#endif /* _NET_XFRM_GUARD_H */
