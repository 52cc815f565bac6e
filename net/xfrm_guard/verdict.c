// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard verdict engine.
 *
 * Pure functions of a profile and SA descriptions: no locks, no allocation,
 * no sleeping, so callers can use them from any context, including softirq.
 */
#include <kunit/visibility.h>
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/xfrm.h>

#include "verdict.h"

/*
 * When several rules are broken, the verdict names the one the administrator
 * has to fix first: without ESP nothing else matters, an SA that is not
 * VALID will be replaced anyway, then come the properties an IKE proposal
 * controls (mode, then algorithms, then what the algorithms amount to), and
 * the replay window, a per-SA knob, comes last. Lower rank wins.
 */
static const u8 xg_reason_rank[__XFRM_GUARD_REASON_MAX] = {
	[XFRM_GUARD_REASON_NO_IPSEC]			= 1,
	[XFRM_GUARD_REASON_NOT_ESP]			= 2,
	[XFRM_GUARD_REASON_SA_NOT_VALID]		= 3,
	[XFRM_GUARD_REASON_MODE_NOT_ALLOWED]		= 4,
	[XFRM_GUARD_REASON_WEAK_ALGORITHM]		= 5,
	[XFRM_GUARD_REASON_NO_INTEGRITY]		= 6,
	[XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED]	= 7,
	[XFRM_GUARD_REASON_NO_ANTI_REPLAY]		= 8,
	[XFRM_GUARD_REASON_SA_WRONG_PEER]		= 9,
	[XFRM_GUARD_REASON_PROTECTED]			= U8_MAX,
};

static const char * const xg_reason_names[__XFRM_GUARD_REASON_MAX] = {
	[XFRM_GUARD_REASON_PROTECTED]			= "protected",
	[XFRM_GUARD_REASON_NO_IPSEC]			= "no_ipsec",
	[XFRM_GUARD_REASON_NOT_ESP]			= "not_esp",
	[XFRM_GUARD_REASON_SA_NOT_VALID]		= "sa_not_valid",
	[XFRM_GUARD_REASON_WEAK_ALGORITHM]		= "weak_algorithm",
	[XFRM_GUARD_REASON_NO_ANTI_REPLAY]		= "no_anti_replay",
	[XFRM_GUARD_REASON_MODE_NOT_ALLOWED]		= "mode_not_allowed",
	[XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED]	= "confidentiality_required",
	[XFRM_GUARD_REASON_NO_INTEGRITY]		= "no_integrity",
	[XFRM_GUARD_REASON_SA_WRONG_PEER]		= "sa_wrong_peer",
};

/**
 * xg_reason_name() - the stable name of a reason code
 * @reason: reason code
 *
 * The names are what dmesg, netlink events and xguard print; scripts match
 * on them, so they never change.
 *
 * Return: a lowercase name, or "unknown" for a value out of range.
 */
const char *xg_reason_name(enum xfrm_guard_reason reason)
{
	if ((unsigned int)reason >= __XFRM_GUARD_REASON_MAX)
		return "unknown";
	return xg_reason_names[reason];
}
EXPORT_SYMBOL_IF_KUNIT(xg_reason_name);

/**
 * xg_crc_name() - the stable name of a CRC decision
 * @crc: CRC decision
 *
 * Return: "software", "offloaded", "forced" or "disabled"; "unknown" for a
 * value out of range.
 */
const char *xg_crc_name(enum xfrm_guard_crc crc)
{
	switch (crc) {
	case XFRM_GUARD_CRC_COMPUTE_SOFTWARE:
		return "software";
	case XFRM_GUARD_CRC_SKIP_OFFLOADED:
		return "offloaded";
	case XFRM_GUARD_CRC_COMPUTE_FORCED:
		return "forced";
	case XFRM_GUARD_CRC_SKIP_DISABLED:
		return "disabled";
	}
	return "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(xg_crc_name);

/**
 * xg_sa_desc_from_state() - describe a real xfrm state for the engine
 * @d: description to fill
 * @x: state; the caller holds a reference on it
 *
 * Context: any. x->lock is not taken, so this may run where it is already
 * held (some km notification paths). The caller's reference keeps @x, and
 * the names the pointers in @d point to, alive. Identity, mode, flags and
 * algorithms are set before a state is inserted and never change, so they
 * are read plainly. km.state and km.dying (timers and deletion) and the ESN
 * replay window (XFRM_MSG_NEWAE) change under x->lock; they are read once
 * each with READ_ONCE instead of taking x->lock, because km notifications
 * run with it held. The result is therefore a snapshot whose fields may come
 * from either side of a concurrent update; each is a value the state really
 * had, and the guard re-evaluates on every notification and lazily, so a
 * decision from a stale snapshot does not last. The offload fields are set
 * before insertion and cleared only when the last reference is dropped.
 */
void xg_sa_desc_from_state(struct xg_sa_desc *d, const struct xfrm_state *x)
{
	const struct xfrm_replay_state_esn *esn = x->replay_esn;

	memset(d, 0, sizeof(*d));

	switch (x->id.proto) {
	case IPPROTO_ESP:
		d->proto = XG_PROTO_ESP;
		break;
	case IPPROTO_AH:
		d->proto = XG_PROTO_AH;
		break;
	default:
		d->proto = XG_PROTO_OTHER;
		break;
	}

	switch (x->props.mode) {
	case XFRM_MODE_TRANSPORT:
		d->mode = XFRM_GUARD_SA_MODE_TRANSPORT;
		break;
	case XFRM_MODE_TUNNEL:
		d->mode = XFRM_GUARD_SA_MODE_TUNNEL;
		break;
	case XFRM_MODE_BEET:
		d->mode = XFRM_GUARD_SA_MODE_BEET;
		break;
	default:
		d->mode = XFRM_GUARD_SA_MODE_OTHER;
		break;
	}

	switch (READ_ONCE(x->km.state)) {
	case XFRM_STATE_VOID:
		d->km_state = XG_KM_VOID;
		break;
	case XFRM_STATE_ACQ:
		d->km_state = XG_KM_ACQUIRE;
		break;
	case XFRM_STATE_VALID:
		d->km_state = XG_KM_VALID;
		break;
	case XFRM_STATE_EXPIRED:
		d->km_state = XG_KM_EXPIRED;
		break;
	case XFRM_STATE_DEAD:
		d->km_state = XG_KM_DEAD;
		break;
	default:
		/* XFRM_STATE_ERROR, and anything newer: not usable */
		d->km_state = XG_KM_ERROR;
		break;
	}
	d->dying = READ_ONCE(x->km.dying);

	d->esn = x->props.flags & XFRM_STATE_ESN;
	/* With a replay_esn block the legacy field is 0 and unused. */
	d->replay_window = esn ? READ_ONCE(esn->replay_window) :
				 x->props.replay_window;
	d->spi = x->id.spi;

	if (x->aalg) {
		d->aalg.name = x->aalg->alg_name;
		d->aalg.key_bits = x->aalg->alg_key_len;
		d->aalg.icv_bits = x->aalg->alg_trunc_len;
	}
	if (x->ealg) {
		d->ealg.name = x->ealg->alg_name;
		d->ealg.key_bits = x->ealg->alg_key_len;
	}
	if (x->aead) {
		d->aead.name = x->aead->alg_name;
		d->aead.key_bits = x->aead->alg_key_len;
		d->aead.icv_bits = x->aead->alg_icv_len;
	}

	/*
	 * Asking for offload on a device that cannot do it leaves dev NULL:
	 * the SA runs in software, and that is what must be reported.
	 */
	d->offload.dev = !!READ_ONCE(x->xso.dev);
	if (!d->offload.dev)
		return;
	switch (x->xso.type) {
	case XFRM_DEV_OFFLOAD_CRYPTO:
		d->offload.type = XG_OFFLOAD_CRYPTO;
		break;
	case XFRM_DEV_OFFLOAD_PACKET:
		d->offload.type = XG_OFFLOAD_PACKET;
		break;
	default:
		d->offload.type = XG_OFFLOAD_NONE;
		break;
	}
	switch (x->xso.dir) {
	case XFRM_DEV_OFFLOAD_IN:
		d->offload.dir = XG_OFFLOAD_DIR_IN;
		break;
	case XFRM_DEV_OFFLOAD_OUT:
		d->offload.dir = XG_OFFLOAD_DIR_OUT;
		break;
	case XFRM_DEV_OFFLOAD_FWD:
		d->offload.dir = XG_OFFLOAD_DIR_FWD;
		break;
	default:
		d->offload.dir = XG_OFFLOAD_DIR_NONE;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xg_sa_desc_from_state);

enum xg_slot {
	XG_SLOT_AEAD,
	XG_SLOT_EALG,
	XG_SLOT_AALG,
};

/* What the algorithm slots of one ESP SA amount to under a profile. */
struct xg_sa_algs {
	const char *weak;	/* first refused name, or NULL */
	const char *warn;	/* first name accepted with a warning */
	bool integrity;
	bool confidentiality;
};

/*
 * xfrm never puts an integrity algorithm in the encryption slot; a
 * description that does is not something we can reason about: refuse it.
 */
static bool xg_class_fits(enum xg_slot slot, enum xg_alg_class class)
{
	switch (slot) {
	case XG_SLOT_AEAD:
		return class == XG_CLASS_AEAD ||
		       class == XG_CLASS_AEAD_AUTH_ONLY;
	case XG_SLOT_EALG:
		return class == XG_CLASS_ENC || class == XG_CLASS_NULL_ENC;
	case XG_SLOT_AALG:
		return class == XG_CLASS_AUTH || class == XG_CLASS_NULL_AUTH;
	}
	return false;
}

static void xg_judge_slot(const struct xg_profile *p, enum xg_slot slot,
			  const struct xg_alg_desc *d, struct xg_sa_algs *a)
{
	enum xfrm_guard_alg_disposition disp;
	const struct xg_alg *alg;
	int id;

	if (!d->name)
		return;

	id = xg_alg_lookup(d->name);
	alg = xg_alg_get(id);
	if (!alg || !xg_class_fits(slot, alg->class))
		goto weak;
	disp = xg_profile_alg_disposition(p, id);
	if (disp == XFRM_GUARD_DISP_DENY)
		goto weak;
	if (d->key_bits < alg->min_key_bits)
		goto weak;
	if (slot != XG_SLOT_EALG && d->icv_bits < alg->min_icv_bits)
		goto weak;

	if (disp == XFRM_GUARD_DISP_WARN && !a->warn)
		a->warn = alg->name;

	/*
	 * NULL encryption and NULL authentication contribute nothing, which
	 * is how "cipher_null only with real authentication" and
	 * "digest_null only with an AEAD" follow without special cases.
	 */
	switch (alg->class) {
	case XG_CLASS_AEAD:
		a->integrity = true;
		a->confidentiality = true;
		break;
	case XG_CLASS_AEAD_AUTH_ONLY:
	case XG_CLASS_AUTH:
		a->integrity = true;
		break;
	case XG_CLASS_ENC:
		a->confidentiality = true;
		break;
	case XG_CLASS_NULL_ENC:
	case XG_CLASS_NULL_AUTH:
		break;
	}
	return;

weak:
	if (!a->weak)
		a->weak = d->name;
}

static bool xg_mode_ok(const struct xg_profile *p, enum xfrm_guard_sa_mode mode)
{
	switch (mode) {
	case XFRM_GUARD_SA_MODE_TRANSPORT:
	case XFRM_GUARD_SA_MODE_TUNNEL:
		return p->ipsec_modes & BIT(mode);
	default:
		/* BEET, and anything else xfrm knows: never RFC 3723's. */
		return false;
	}
}

/* The first rule one SA breaks, in xg_reason_rank order. */
static enum xfrm_guard_reason xg_judge_sa(const struct xg_profile *p,
					  const struct xg_sa_desc *sa,
					  bool inbound,
					  const struct xg_sa_algs *a)
{
	/* Received through anything but ESP is not protected (3723 2.3.1). */
	if (inbound && sa->proto != XG_PROTO_ESP)
		return XFRM_GUARD_REASON_NOT_ESP;
	/*
	 * A dying SA has passed its soft lifetime only: it still protects
	 * every packet until the hard lifetime, and the key manager installs
	 * its successor before deleting it (IKE rekeying). Refusing it would
	 * hold traffic at every rekey, which RFC 3723 3.5 asks us not to do.
	 */
	if (sa->km_state != XG_KM_VALID)
		return XFRM_GUARD_REASON_SA_NOT_VALID;
	if (!xg_mode_ok(p, sa->mode))
		return XFRM_GUARD_REASON_MODE_NOT_ALLOWED;
	/*
	 * AH or IPcomp wrapped around an ESP SA of the same bundle add or
	 * remove nothing the guard relies on; the ESP SA is what is judged.
	 */
	if (sa->proto != XG_PROTO_ESP)
		return XFRM_GUARD_REASON_PROTECTED;
	if (a->weak)
		return XFRM_GUARD_REASON_WEAK_ALGORITHM;
	if (!a->integrity)
		return XFRM_GUARD_REASON_NO_INTEGRITY;
	if (p->confidentiality && !a->confidentiality)
		return XFRM_GUARD_REASON_CONFIDENTIALITY_REQUIRED;
	/*
	 * Only the receiver checks sequence numbers, so an outbound SA's
	 * window (0 as xfrm_user wants it) says nothing. The explicit 0 test
	 * keeps an invalid profile with a minimum of 0 from accepting it.
	 */
	if (inbound && (!sa->replay_window ||
			sa->replay_window < p->min_replay_window))
		return XFRM_GUARD_REASON_NO_ANTI_REPLAY;
	return XFRM_GUARD_REASON_PROTECTED;
}

struct xg_eval_ctx {
	const struct xg_profile *p;
	struct xg_verdict *res;
	bool all_confidential;
};

static void xg_note(struct xg_eval_ctx *c, enum xfrm_guard_reason r,
		    int where, const char *weak)
{
	struct xg_verdict *res = c->res;

	if (xg_reason_rank[r] >= xg_reason_rank[res->reason])
		return;
	res->reason = r;
	res->culprit = where;
	if (r == XFRM_GUARD_REASON_WEAK_ALGORITHM)
		strscpy(res->alg, weak, sizeof(res->alg));
	else
		res->alg[0] = '\0';
}

static void xg_judge_one(struct xg_eval_ctx *c, const struct xg_sa_desc *sa,
			 int where, bool inbound)
{
	struct xg_sa_algs a = {};

	if (sa->proto == XG_PROTO_ESP) {
		xg_judge_slot(c->p, XG_SLOT_AEAD, &sa->aead, &a);
		xg_judge_slot(c->p, XG_SLOT_EALG, &sa->ealg, &a);
		xg_judge_slot(c->p, XG_SLOT_AALG, &sa->aalg, &a);
		if (!a.confidentiality)
			c->all_confidential = false;
		if (a.warn && !c->res->warn) {
			c->res->warn = true;
			c->res->warn_alg = a.warn;
		}
	} else if (inbound) {
		c->all_confidential = false;
	}
	xg_note(c, xg_judge_sa(c->p, sa, inbound, &a), where, a.weak);
}

static bool xg_sa_offloaded(const struct xg_sa_desc *sa,
			    enum xg_offload_dir dir)
{
	return sa->offload.dev &&
	       (sa->offload.type == XG_OFFLOAD_CRYPTO ||
		sa->offload.type == XG_OFFLOAD_PACKET) &&
	       sa->offload.dir == dir;
}

/*
 * RFC 3723 3.6.2: the CRC adds nothing only where IPsec integrity is checked
 * on the NIC in both directions. It is therefore skipped only when the
 * connection is protected (integrity really is there) and every outbound SA
 * and the inbound SA are offloaded, each for its own direction. Until a
 * segment has been received the inbound SA is unknown, and the CRC stays.
 */
static enum xfrm_guard_crc xg_crc_decide(const struct xg_profile *p,
					 const struct xg_sa_desc *out,
					 unsigned int n_out,
					 const struct xg_sa_desc *in,
					 bool protected)
{
	unsigned int i;

	switch (p->crc) {
	case XFRM_GUARD_CRC_POLICY_NEVER:
		return XFRM_GUARD_CRC_SKIP_DISABLED;
	case XFRM_GUARD_CRC_POLICY_AUTO:
		break;
	default:
		/* "always", and a value validation should have refused */
		return XFRM_GUARD_CRC_COMPUTE_FORCED;
	}

	if (!protected || !n_out || !in)
		return XFRM_GUARD_CRC_COMPUTE_SOFTWARE;
	for (i = 0; i < n_out; i++)
		if (!xg_sa_offloaded(&out[i], XG_OFFLOAD_DIR_OUT))
			return XFRM_GUARD_CRC_COMPUTE_SOFTWARE;
	if (!xg_sa_offloaded(in, XG_OFFLOAD_DIR_IN))
		return XFRM_GUARD_CRC_COMPUTE_SOFTWARE;
	return XFRM_GUARD_CRC_SKIP_OFFLOADED;
}

static enum xg_action xg_action_for(enum xfrm_guard_mode mode,
				    enum xfrm_guard_reason reason)
{
	switch (mode) {
	case XFRM_GUARD_MODE_OFF:
		return XG_ACTION_NONE;
	case XFRM_GUARD_MODE_AUDIT:
		return reason == XFRM_GUARD_REASON_PROTECTED ?
		       XG_ACTION_ACCEPT : XG_ACTION_REPORT;
	default:
		/* enforce, and a value validation should have refused */
		return reason == XFRM_GUARD_REASON_PROTECTED ?
		       XG_ACTION_ACCEPT : XG_ACTION_REFUSE;
	}
}

/**
 * xg_verdict_eval() - judge a connection's SAs against a profile
 * @p: profile (validated)
 * @out: the output bundle's states, outermost first; NULL if @n_out is 0
 * @n_out: number of states in @out; 0 when there is no transform, including
 *	a blackhole or queue route (the caller does not pass those)
 * @in: the ESP state the last segment was received through, or NULL if
 *	nothing has been received yet (then only @out is judged, and anti-replay
 *	is judged once a segment arrives)
 * @res: the verdict
 *
 * Every state is judged; when several rules are broken, @res names the
 * first in this order: no_ipsec, not_esp, sa_not_valid, mode_not_allowed,
 * weak_algorithm, no_integrity, confidentiality_required, no_anti_replay;
 * between states that break the same rule, the outermost outbound one, then
 * the inbound one. The output bundle must contain an ESP state; AH or IPcomp
 * states around it are judged for state and mode only. The inbound state
 * must be ESP.
 *
 * Mode "off" does not change the evaluation, only @res->action: the reason
 * is still a true statement about the SAs (for "xguard conn show"), but the
 * caller must not act on it or report it.
 *
 * Context: any; no locks, no allocation.
 */
void xg_verdict_eval(const struct xg_profile *p,
		     const struct xg_sa_desc *out, unsigned int n_out,
		     const struct xg_sa_desc *in, struct xg_verdict *res)
{
	struct xg_eval_ctx c = {
		.p = p,
		.res = res,
		.all_confidential = true,
	};
	unsigned int i;
	bool out_esp = false;

	memset(res, 0, sizeof(*res));
	res->reason = XFRM_GUARD_REASON_PROTECTED;
	res->culprit = XG_SA_NONE;

	if (!n_out)
		xg_note(&c, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE, NULL);
	for (i = 0; i < n_out; i++) {
		out_esp |= out[i].proto == XG_PROTO_ESP;
		xg_judge_one(&c, &out[i], i, false);
	}
	if (n_out && !out_esp)
		xg_note(&c, XFRM_GUARD_REASON_NOT_ESP, 0, NULL);
	if (in)
		xg_judge_one(&c, in, XG_SA_INBOUND, true);

	res->confidential = out_esp && c.all_confidential;
	res->chap_requires_confidentiality = p->chap_requires_confidentiality;
	res->crc = xg_crc_decide(p, out, n_out, in,
				 res->reason == XFRM_GUARD_REASON_PROTECTED);
	res->action = xg_action_for(p->mode, res->reason);
}
EXPORT_SYMBOL_IF_KUNIT(xg_verdict_eval);

/**
 * xg_verdict_eval_rx() - judge the SAs one received segment came through
 * @p: profile (validated)
 * @in: the segment's secpath states, outermost first; NULL if @n_in is 0
 * @n_in: number of states; 0 for a segment received in the clear
 * @res: the verdict
 *
 * The per-segment check of a guarded connection: the segment must have come
 * through an ESP state meeting the profile, anti-replay included. AH or
 * IPcomp states around it are judged for state and mode only, as in
 * xg_verdict_eval(). The CRC decision in @res is meaningless here.
 *
 * Context: any; no locks, no allocation.
 */
void xg_verdict_eval_rx(const struct xg_profile *p,
			const struct xg_sa_desc *in, unsigned int n_in,
			struct xg_verdict *res)
{
	struct xg_eval_ctx c = {
		.p = p,
		.res = res,
		.all_confidential = true,
	};
	unsigned int i;
	bool esp = false;

	memset(res, 0, sizeof(*res));
	res->reason = XFRM_GUARD_REASON_PROTECTED;
	res->culprit = XG_SA_NONE;

	if (!n_in)
		xg_note(&c, XFRM_GUARD_REASON_NO_IPSEC, XG_SA_NONE, NULL);
	for (i = 0; i < n_in; i++) {
		bool is_esp = in[i].proto == XG_PROTO_ESP;

		esp |= is_esp;
		xg_judge_one(&c, &in[i], XG_SA_INBOUND, is_esp);
	}
	if (n_in && !esp)
		xg_note(&c, XFRM_GUARD_REASON_NOT_ESP, XG_SA_INBOUND, NULL);
	res->confidential = esp && c.all_confidential;
	res->chap_requires_confidentiality = p->chap_requires_confidentiality;
	res->crc = XFRM_GUARD_CRC_COMPUTE_SOFTWARE;
	res->action = xg_action_for(p->mode, res->reason);
}
EXPORT_SYMBOL_IF_KUNIT(xg_verdict_eval_rx);

/**
 * xg_verdict_chap_ok() - may an iSCSI login over these SAs use CHAP?
 * @p: the profile the verdict was made with
 * @res: the connection's verdict
 *
 * RFC 3723 2.4.1: CHAP with a secret shorter than 96 bits needs IPsec
 * encryption. The kernel never sees the secret, so a profile with
 * chap_requires_confidentiality treats every secret as short. The answer
 * concerns encryption only; the caller applies the profile mode to it as to
 * the verdict itself.
 *
 * Return: true if CHAP may be used.
 */
bool xg_verdict_chap_ok(const struct xg_profile *p,
			const struct xg_verdict *res)
{
	return !p->chap_requires_confidentiality || res->confidential;
}
EXPORT_SYMBOL_IF_KUNIT(xg_verdict_chap_ok);

/**
 * xg_owner_reason_token() - the refusal token an owner gave, made safe
 * @reason: the owner's token, or NULL; need not be NUL-terminated within
 *	%XFRM_GUARD_OWNER_REASON_MAX bytes
 * @out: where the token to report goes
 * @len: size of @out, at least %XFRM_GUARD_OWNER_REASON_MAX
 *
 * The token ends up in dmesg, an audit record and netlink, so it must be a
 * short word: 1 to %XFRM_GUARD_OWNER_REASON_MAX - 1 ASCII letters, digits, '_' and
 * '-'. Anything else (NULL, empty, too long, spaces, control, format or
 * non-ASCII characters) becomes %XG_OWNER_REASON_GENERIC rather than being
 * cut or escaped, so that a report never shows half a token. At most
 * %XFRM_GUARD_OWNER_REASON_MAX bytes of @reason are read.
 *
 * Context: any; no locks, no allocation.
 */
void xg_owner_reason_token(const char *reason, char *out, size_t len)
{
	size_t n, i;

	n = reason ? strnlen(reason, XFRM_GUARD_OWNER_REASON_MAX) : 0;
	if (!n || n >= XFRM_GUARD_OWNER_REASON_MAX || n >= len)
		goto generic;
	/* isalnum() alone would take Latin-1 letters */
	for (i = 0; i < n; i++)
		if (!isascii(reason[i]) ||
		    (!isalnum(reason[i]) && reason[i] != '_' && reason[i] != '-'))
			goto generic;
	memcpy(out, reason, n);
	out[n] = '\0';
	return;
generic:
	strscpy(out, XG_OWNER_REASON_GENERIC, len);
}
EXPORT_SYMBOL_IF_KUNIT(xg_owner_reason_token);
