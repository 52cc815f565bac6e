// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm login shim: the rules the transport applies to login text.
 *
 * - Digest offers follow the guard's CRC decision (RFC 3723 3.6.2): with
 *   NIC-offloaded IPsec (or crc=never) an offer that allows None becomes
 *   None; with crc=always an offer that allows CRC32C becomes CRC32C, one
 *   of None alone is refused, and a negotiated None is refused. Offers are
 *   only narrowed, never widened: iscsid rejects an answer it did not
 *   offer. A plain CRC32C offer is never weakened: once agreed, digests
 *   must be used (RFC 7143 13.1).
 * - CHAP challenges are remembered across connections so a target cannot
 *   reflect our own challenge back at us (RFC 3723 2.4.1, Alice/Storage):
 *   chap.c.
 * - CHAP may be refused over SAs that do not encrypt (RFC 3723 2.4.1).
 * - A refused login is answered with a final Login Response, so iscsid
 *   gives up at once instead of retrying into a timeout.
 *
 * The functions here only look at bytes; wiring them to .send_pdu, the
 * receive path and set_param is the transport's business.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "login.h"

/* RFC 7143 6.1: letters, digits, '.', '-', '+', '@', '_'. */
static bool ix_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
	       c == '@' || c == '_';
}

/**
 * ix_key_iter_init() - start walking a login data segment
 * @it: iterator
 * @buf: the segment, may be NULL if @len is 0
 * @len: its length in bytes
 */
void ix_key_iter_init(struct ix_key_iter *it, const char *buf, size_t len)
{
	it->buf = buf;
	it->len = buf ? len : 0;
	it->pos = 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_key_iter_init);

/**
 * ix_key_next() - the next key=value record
 * @it: iterator
 * @k: filled with the record on success
 *
 * A record must end in a NUL inside the segment, have a non-empty key of
 * valid characters and at most %IX_LOGIN_KEY_MAX bytes, and an '='. Each
 * call consumes at least two bytes, so a walk is bounded by the length.
 *
 * Return: 1 and @k filled, 0 at the end, -EINVAL on a malformed record.
 */
int ix_key_next(struct ix_key_iter *it, struct ix_key *k)
{
	const char *rec, *nul, *eq;
	size_t i, klen;

	if (it->pos >= it->len)
		return 0;
	rec = it->buf + it->pos;
	nul = memchr(rec, '\0', it->len - it->pos);
	if (!nul)
		return -EINVAL;
	eq = memchr(rec, '=', nul - rec);
	if (!eq)
		return -EINVAL;
	klen = eq - rec;
	if (!klen || klen > IX_LOGIN_KEY_MAX)
		return -EINVAL;
	for (i = 0; i < klen; i++)
		if (!ix_key_char(rec[i]))
			return -EINVAL;

	k->key = rec;
	k->key_len = klen;
	k->val = eq + 1;
	k->val_len = nul - (eq + 1);
	k->off = it->pos;
	k->rec_len = nul - rec + 1;
	it->pos += k->rec_len;
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(ix_key_next);

/**
 * ix_key_is() - does a record carry this key?
 * @k: record
 * @name: key name; keys are case sensitive (RFC 7143 6.1)
 *
 * Return: true if the key is exactly @name.
 */
bool ix_key_is(const struct ix_key *k, const char *name)
{
	return k->key_len == strlen(name) && !memcmp(k->key, name, k->key_len);
}
EXPORT_SYMBOL_IF_KUNIT(ix_key_is);

static bool ix_token_is(const char *tok, size_t n, const char *word)
{
	return n == strlen(word) && !memcmp(tok, word, n);
}

/*
 * Walk a comma-separated value list. Calls @fn for every element and stops
 * at the first non-zero return. Empty elements are malformed.
 */
static int ix_walk_tokens(const char *v, size_t n,
			  int (*fn)(const char *tok, size_t len, void *arg),
			  void *arg)
{
	size_t start = 0, i;
	int ret;

	if (!n)
		return -EINVAL;
	for (i = 0; i <= n; i++) {
		if (i < n && v[i] != ',')
			continue;
		if (i == start)
			return -EINVAL;
		ret = fn(v + start, i - start, arg);
		if (ret)
			return ret;
		start = i + 1;
	}
	return 0;
}

/* ---- (a) digest offers ------------------------------------------------ */

struct ix_digest_offer {
	bool none;
	bool crc32c;
	bool other;
};

static int ix_digest_token(const char *tok, size_t n, void *arg)
{
	struct ix_digest_offer *o = arg;

	if (ix_token_is(tok, n, "None"))
		o->none = true;
	else if (ix_token_is(tok, n, "CRC32C"))
		o->crc32c = true;
	else
		o->other = true;
	return 0;
}

/*
 * What an offer becomes under @crc, or NULL to leave it alone. An offer is
 * only ever narrowed to a value it already holds: iscsid checks the
 * target's answer against the offer it made, and an answer it never
 * offered ends the login. Offers with values we do not know are left
 * alone; the negotiated result is checked in set_param anyway
 * (ix_login_digest_check()).
 *
 * Return: the new value, NULL, or ERR_PTR(-EACCES) when @crc requires a
 * digest the offer does not allow.
 */
static const char *ix_digest_target(const struct ix_digest_offer *o,
				    enum xfrm_guard_crc crc)
{
	if (o->other)
		return NULL;
	switch (crc) {
	case XFRM_GUARD_CRC_SKIP_OFFLOADED:
	case XFRM_GUARD_CRC_SKIP_DISABLED:
		/* Only drop the CRC where the offer already allowed None. */
		return o->none && o->crc32c ? "None" : NULL;
	case XFRM_GUARD_CRC_COMPUTE_FORCED:
		if (o->none && !o->crc32c)
			return ERR_PTR(-EACCES);
		return o->none ? "CRC32C" : NULL;
	default:
		return NULL;
	}
}

struct ix_edit {
	size_t off;
	size_t old_len;
	const char *repl;
	size_t new_len;
};

static void ix_apply_edit(char *buf, size_t *cur, struct ix_edit *e,
			  struct ix_edit *rest, int n_rest)
{
	size_t tail = *cur - (e->off + e->old_len);
	int i;

	memmove(buf + e->off + e->new_len, buf + e->off + e->old_len, tail);
	memcpy(buf + e->off, e->repl, e->new_len);
	*cur = *cur - e->old_len + e->new_len;
	for (i = 0; i < n_rest; i++)
		if (rest[i].off > e->off)
			rest[i].off = rest[i].off - e->old_len + e->new_len;
}

/**
 * ix_login_trim_pad() - length of login text without its zero pad
 * @buf: a login data segment
 * @len: its length, possibly including the pad to a 4-byte boundary
 *
 * iscsid hands the text of a Login Request over with the pad included; the
 * text proper ends at the NUL that closes its last record (RFC 7143 6.1),
 * and the NULs after it are padding, not empty records.
 *
 * Return: @len less the NUL bytes after the last record's terminator; 0 if
 * @buf holds nothing but NULs.
 */
size_t ix_login_trim_pad(const char *buf, size_t len)
{
	while (len && !buf[len - 1] && (len == 1 || !buf[len - 2]))
		len--;
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_trim_pad);

/**
 * ix_login_digest_rewrite() - make HeaderDigest/DataDigest offers follow
 *	the guard's CRC decision
 * @buf: login request data segment, as iscsid hands it to .send_pdu
 * @len: bytes used in @buf
 * @cap: bytes available in @buf (>= @len)
 * @crc: the guard's decision for the connection
 *
 * %XFRM_GUARD_CRC_SKIP_OFFLOADED and %XFRM_GUARD_CRC_SKIP_DISABLED turn
 * "CRC32C,None" and "None,CRC32C" into "None"; %XFRM_GUARD_CRC_COMPUTE_FORCED
 * turns them into "CRC32C" and refuses an offer of "None" alone, which no
 * rewrite can fix: iscsid would reject a target's "CRC32C" it never offered.
 * "CRC32C" alone is never changed, and software CRC changes nothing. The
 * whole segment is validated before any byte moves, so on error @buf is
 * untouched.
 *
 * Return: the new length; -ENOSPC if it would exceed @cap; -EINVAL on
 * malformed text or a digest key given twice; -EACCES if @crc requires a
 * digest an offer does not allow.
 */
int ix_login_digest_rewrite(char *buf, size_t len, size_t cap,
			    enum xfrm_guard_crc crc)
{
	static const char * const names[] = { "HeaderDigest", "DataDigest" };
	struct ix_edit edits[ARRAY_SIZE(names)];
	bool seen[ARRAY_SIZE(names)] = { };
	struct ix_key_iter it;
	struct ix_key k;
	size_t cur, new_len;
	int n = 0, i, ret, refuse = 0;

	if (len > cap || len > IX_LOGIN_SEG_MAX || (!buf && len))
		return -EINVAL;

	new_len = len;
	ix_key_iter_init(&it, buf, len);
	while ((ret = ix_key_next(&it, &k)) > 0) {
		struct ix_digest_offer o = { };
		const char *to;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (ix_key_is(&k, names[i]))
				break;
		if (i == ARRAY_SIZE(names))
			continue;
		if (seen[i])
			return -EINVAL;
		seen[i] = true;

		ret = ix_walk_tokens(k.val, k.val_len, ix_digest_token, &o);
		if (ret)
			return ret;
		to = ix_digest_target(&o, crc);
		if (IS_ERR(to)) {
			/* Malformed text still wins: read on. */
			refuse = PTR_ERR(to);
			continue;
		}
		if (!to || ix_token_is(k.val, k.val_len, to))
			continue;
		edits[n].off = k.val - buf;
		edits[n].old_len = k.val_len;
		edits[n].repl = to;
		edits[n].new_len = strlen(to);
		new_len = new_len - k.val_len + edits[n].new_len;
		n++;
	}
	if (ret < 0)
		return ret;
	if (refuse)
		return refuse;
	if (new_len > cap || new_len > IX_LOGIN_SEG_MAX)
		return -ENOSPC;

	/*
	 * Shrink before growing so the text never passes @cap on the way to
	 * a result that fits.
	 */
	cur = len;
	for (i = 0; i < n; i++)
		if (edits[i].new_len <= edits[i].old_len)
			ix_apply_edit(buf, &cur, &edits[i], edits, n);
	for (i = 0; i < n; i++)
		if (edits[i].new_len > edits[i].old_len)
			ix_apply_edit(buf, &cur, &edits[i], edits, n);
	return new_len;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_digest_rewrite);

/**
 * ix_login_digest_check() - may the negotiated digest setting be used?
 * @crc: the guard's decision for the connection
 * @digest_on: the negotiated HeaderDigest or DataDigest is CRC32C
 * @reason: set to the refusal reason
 *
 * Under crc=always a target that answered None has refused the CRC we
 * require; the offer rewrite cannot prevent that, so set_param must.
 *
 * Return: 0, or -EACCES with @reason set.
 */
int ix_login_digest_check(enum xfrm_guard_crc crc, bool digest_on,
			  const char **reason)
{
	if (crc == XFRM_GUARD_CRC_COMPUTE_FORCED && !digest_on)
		return ix_login_refuse(reason, IX_REASON_CRC_REQUIRED, -EACCES);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_digest_check);

/* ---- (b) CHAP needs confidentiality ----------------------------------- */

static int ix_chap_token(const char *tok, size_t n, void *arg)
{
	if (ix_token_is(tok, n, "CHAP"))
		*(bool *)arg = true;
	return 0;
}

/**
 * ix_login_chap_confidentiality() - refuse CHAP over SAs that do not encrypt
 * @buf: login data segment, either direction
 * @len: its length
 * @required: the profile sets chap_requires_confidentiality
 * @encrypted: every SA of the connection encrypts
 * @reason: set to the refusal reason
 *
 * A login uses CHAP if AuthMethod lists CHAP or any CHAP_* key appears.
 * Without encryption a CHAP exchange with a short secret falls to an
 * offline dictionary attack (RFC 3723 2.4.1). The segment is validated
 * whatever @required says.
 *
 * Return: 0, -EACCES or -EINVAL (malformed), @reason set.
 */
int ix_login_chap_confidentiality(const char *buf, size_t len, bool required,
				  bool encrypted, const char **reason)
{
	struct ix_key_iter it;
	struct ix_key k;
	bool chap = false;
	int ret;

	if (len > IX_LOGIN_SEG_MAX || (!buf && len))
		return ix_login_refuse(reason, IX_REASON_MALFORMED, -EINVAL);
	ix_key_iter_init(&it, buf, len);
	while ((ret = ix_key_next(&it, &k)) > 0) {
		if (k.key_len > 5 && !memcmp(k.key, "CHAP_", 5)) {
			chap = true;
		} else if (ix_key_is(&k, "AuthMethod")) {
			ret = ix_walk_tokens(k.val, k.val_len, ix_chap_token,
					     &chap);
			if (ret)
				break;
		}
	}
	if (ret < 0)
		return ix_login_refuse(reason, IX_REASON_MALFORMED, ret);
	if (chap && required && !encrypted)
		return ix_login_refuse(reason, IX_REASON_CHAP_CONFIDENTIALITY,
				 -EACCES);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_chap_confidentiality);

/* ---- (c) a refusal answered on the target's behalf -------------------- */

/**
 * ix_login_reject() - the Login Response that ends a refused login at once
 * @req: the Login Request iscsid asked us to send, which is not sent
 * @rsp: filled with the answer iscsid gets instead
 *
 * iscsid retries a login whose connection failed, or whose bind or send
 * failed, until its initial login time (retries x login timeout) runs
 * out, then reports a timeout. A Login Response with status class
 * "initiator error" is final: iscsid gives up at once and iscsiadm shows
 * the error. Detail 0x02, "authorization failure: the initiator is not
 * allowed access" (RFC 7143 11.13.5), is what a guard refusal is: the
 * security policy does not allow this connection; iscsiadm reports it as
 * "iSCSI login failed due to authorization failure" (its error 24).
 *
 * The answer mirrors what the request identifies (ITT, ISID, TSIH, CSG,
 * version) the way a target would, carries no data and no transit, and
 * acknowledges the request's CmdSN without opening the window.
 */
void ix_login_reject(const struct iscsi_login_req *req,
		     struct iscsi_login_rsp *rsp)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_LOGIN_RSP;
	rsp->flags = req->flags & ISCSI_FLAG_LOGIN_CURRENT_STAGE_MASK;
	rsp->max_version = req->max_version;
	rsp->active_version = req->max_version;
	memcpy(rsp->isid, req->isid, sizeof(rsp->isid));
	rsp->tsih = req->tsih;
	rsp->itt = req->itt;
	rsp->statsn = req->exp_statsn;
	rsp->exp_cmdsn = req->cmdsn;
	rsp->max_cmdsn = req->cmdsn;
	rsp->status_class = ISCSI_STATUS_CLS_INITIATOR_ERR;
	rsp->status_detail = ISCSI_LOGIN_STATUS_TGT_FORBIDDEN;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_reject);
