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
 *   reflect our own challenge back at us (RFC 3723 2.4.1, Alice/Storage).
 * - CHAP may be refused over SAs that do not encrypt (RFC 3723 2.4.1).
 *
 * The functions here only look at bytes; wiring them to .send_pdu, the
 * receive path and set_param is the transport's business.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/hex.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "login.h"

static int ix_refuse(const char **reason, const char *why, int err)
{
	if (reason)
		*reason = why;
	return err;
}

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
		return ix_refuse(reason, IX_REASON_CRC_REQUIRED, -EACCES);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_digest_check);

/* ---- (b) CHAP challenges -------------------------------------------- */

static int ix_b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int ix_decode_hex(const char *s, size_t n, u8 *out, size_t out_size)
{
	size_t bytes = n / 2 + n % 2, i, o = 0;
	int hi, lo;

	if (!n || bytes > out_size)
		return -EINVAL;
	i = 0;
	/* An odd number of digits implies a leading zero (RFC 7143 6.1). */
	if (n % 2) {
		lo = hex_to_bin(s[0]);
		if (lo < 0)
			return -EINVAL;
		out[o++] = lo;
		i = 1;
	}
	for (; i < n; i += 2) {
		hi = hex_to_bin(s[i]);
		lo = hex_to_bin(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[o++] = hi << 4 | lo;
	}
	return o;
}

/*
 * Strict RFC 4648 base64: padding optional but, if present, complete;
 * unused trailing bits must be zero, so one binary value has exactly one
 * encoding with padding and one without.
 */
static int ix_decode_b64(const char *s, size_t n, u8 *out, size_t out_size)
{
	size_t pad = 0, m, bytes, i, o = 0;
	u32 acc = 0;
	int bits = 0, d;

	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	m = n - pad;
	if (!m || m % 4 == 1 || (pad && (m + pad) % 4))
		return -EINVAL;
	bytes = m * 3 / 4;
	if (bytes > out_size)
		return -EINVAL;
	for (i = 0; i < m; i++) {
		d = ix_b64_val(s[i]);
		if (d < 0)
			return -EINVAL;
		acc = acc << 6 | d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = acc >> bits;
			acc &= (1U << bits) - 1;
		}
	}
	if (acc)
		return -EINVAL;
	return o;
}

/**
 * ix_chap_decode() - decode a CHAP_C large binary value
 * @val: the value, "0x"/"0X" hex or "0b"/"0B" base64 (RFC 7143 6.1)
 * @val_len: its length
 * @out: decoded bytes
 * @out_size: room in @out; at most %IX_CHAP_C_MAX is ever needed
 *
 * Return: decoded length (>= 1), or -EINVAL for any other form, a bad
 * digit, a non-canonical encoding or a value that does not fit.
 */
int ix_chap_decode(const char *val, size_t val_len, u8 *out, size_t out_size)
{
	if (val_len < 3 || val[0] != '0')
		return -EINVAL;
	if (out_size > IX_CHAP_C_MAX)
		out_size = IX_CHAP_C_MAX;
	if (val[1] == 'x' || val[1] == 'X')
		return ix_decode_hex(val + 2, val_len - 2, out, out_size);
	if (val[1] == 'b' || val[1] == 'B')
		return ix_decode_b64(val + 2, val_len - 2, out, out_size);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(ix_chap_decode);

/**
 * struct ix_chap_entry - a challenge seen on some connection
 * @stamp: jiffies when recorded; live for %IX_CHAP_TTL.
 * @conn: the recording connection's cookie.
 * @len: bytes in @chal; 0 marks a free slot.
 * @dir: enum ix_chap_dir.
 * @chal: the decoded challenge.
 */
struct ix_chap_entry {
	unsigned long stamp;
	u64 conn;
	u16 len;
	u8 dir;
	u8 chal[IX_CHAP_C_MAX];
};

/**
 * struct ix_chap_table - challenges of the last %IX_CHAP_TTL
 * @lock: protects everything below. Login PDUs of different sessions are
 *	sent from iscsid's netlink context and received from the socket's
 *	softirq path concurrently, hence a BH-safe spinlock. Held for at
 *	most one decode and one scan of the table.
 * @scratch: decode buffer for a challenge being recorded.
 * @e: the entries; small enough to scan linearly.
 */
struct ix_chap_table {
	spinlock_t lock; /* BH-safe; see above */
	u8 scratch[IX_CHAP_C_MAX];
	struct ix_chap_entry e[IX_CHAP_TABLE_SIZE];
};

/**
 * ix_chap_table_alloc() - an empty challenge table
 *
 * Return: the table (about 66 KiB) or NULL.
 */
struct ix_chap_table *ix_chap_table_alloc(void)
{
	struct ix_chap_table *t = kvzalloc(sizeof(*t), GFP_KERNEL);

	if (t)
		spin_lock_init(&t->lock);
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(ix_chap_table_alloc);

/**
 * ix_chap_table_free() - free a table from ix_chap_table_alloc()
 * @t: table, may be NULL
 */
void ix_chap_table_free(struct ix_chap_table *t)
{
	kvfree(t);
}
EXPORT_SYMBOL_IF_KUNIT(ix_chap_table_free);

static bool ix_chap_live(const struct ix_chap_entry *e, unsigned long now)
{
	return e->len && time_before(now, e->stamp + IX_CHAP_TTL);
}

static bool ix_chap_same(const struct ix_chap_entry *e, const u8 *c, size_t n)
{
	return e->len == n && !memcmp(e->chal, c, n);
}

/*
 * Slot for a new entry: a free or expired one, else the oldest received
 * challenge, else the oldest sent one. Our own challenges are what a
 * reflection replays, so they are the last to be forgotten.
 */
static struct ix_chap_entry *ix_chap_victim(struct ix_chap_table *t,
					    unsigned long now)
{
	struct ix_chap_entry *old[2] = { };
	struct ix_chap_entry *e;
	int i;

	for (i = 0; i < IX_CHAP_TABLE_SIZE; i++) {
		e = &t->e[i];
		if (!ix_chap_live(e, now))
			return e;
		if (!old[e->dir] || time_before(e->stamp, old[e->dir]->stamp))
			old[e->dir] = e;
	}
	return old[IX_CHAP_RECEIVED] ? old[IX_CHAP_RECEIVED] : old[IX_CHAP_SENT];
}

/* Under t->lock. */
static int ix_chap_note_locked(struct ix_chap_table *t, enum ix_chap_dir dir,
			       u64 conn, const u8 *chal, size_t n,
			       unsigned long now, const char **reason)
{
	struct ix_chap_entry *e, *dup = NULL;
	bool reflected = false;
	int i;

	for (i = 0; i < IX_CHAP_TABLE_SIZE; i++) {
		e = &t->e[i];
		if (!ix_chap_live(e, now) || !ix_chap_same(e, chal, n))
			continue;
		if (e->dir != dir)
			reflected = true;
		else if (e->conn == conn)
			dup = e;
	}
	/*
	 * Record even a reflected challenge: a later CHAP_R on this
	 * connection must still find it if the caller let the PDU through.
	 */
	if (!dup) {
		dup = ix_chap_victim(t, now);
		dup->conn = conn;
		dup->dir = dir;
		dup->len = n;
		memcpy(dup->chal, chal, n);
	}
	dup->stamp = now;
	if (reflected)
		return ix_refuse(reason, IX_REASON_CHAP_REFLECTION, -EACCES);
	return 0;
}

/**
 * ix_chap_note() - remember a challenge, refusing a reflection
 * @t: table
 * @dir: whether the initiator received or sent it
 * @conn: cookie of the connection it travelled on
 * @chal: decoded challenge
 * @chal_len: its length, 1..%IX_CHAP_C_MAX
 * @now: jiffies (passed in so tests control time)
 * @reason: set to the refusal reason
 *
 * A challenge equal to a live one of the other direction, on any
 * connection including this one, is a reflection (RFC 3723 2.4.1).
 *
 * Return: 0, -EACCES with @reason set, or -EINVAL for a bad length.
 */
int ix_chap_note(struct ix_chap_table *t, enum ix_chap_dir dir, u64 conn,
		 const u8 *chal, size_t chal_len, unsigned long now,
		 const char **reason)
{
	int ret;

	if (!chal_len || chal_len > IX_CHAP_C_MAX ||
	    (dir != IX_CHAP_RECEIVED && dir != IX_CHAP_SENT))
		return ix_refuse(reason, IX_REASON_MALFORMED, -EINVAL);
	spin_lock_bh(&t->lock);
	ret = ix_chap_note_locked(t, dir, conn, chal, chal_len, now, reason);
	spin_unlock_bh(&t->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ix_chap_note);

/**
 * ix_chap_forget() - drop a connection's challenges when it goes away
 * @t: table
 * @conn: the connection's cookie
 */
void ix_chap_forget(struct ix_chap_table *t, u64 conn)
{
	int i;

	spin_lock_bh(&t->lock);
	for (i = 0; i < IX_CHAP_TABLE_SIZE; i++)
		if (t->e[i].conn == conn)
			t->e[i].len = 0;
	spin_unlock_bh(&t->lock);
}
EXPORT_SYMBOL_IF_KUNIT(ix_chap_forget);

static int ix_chap_note_text(struct ix_chap_table *t, enum ix_chap_dir dir,
			     u64 conn, const struct ix_key *k,
			     unsigned long now, const char **reason)
{
	int n, ret;

	spin_lock_bh(&t->lock);
	n = ix_chap_decode(k->val, k->val_len, t->scratch, sizeof(t->scratch));
	if (n < 0)
		ret = ix_refuse(reason, IX_REASON_MALFORMED, n);
	else
		ret = ix_chap_note_locked(t, dir, conn, t->scratch, n, now,
					  reason);
	spin_unlock_bh(&t->lock);
	return ret;
}

/*
 * Are we about to answer a challenge we issued ourselves? The challenge
 * being answered is the newest one received on @conn.
 */
static bool ix_chap_answers_own(struct ix_chap_table *t, u64 conn,
				unsigned long now)
{
	struct ix_chap_entry *rx = NULL, *e;
	bool own = false;
	int i;

	spin_lock_bh(&t->lock);
	for (i = 0; i < IX_CHAP_TABLE_SIZE; i++) {
		e = &t->e[i];
		if (ix_chap_live(e, now) && e->dir == IX_CHAP_RECEIVED &&
		    e->conn == conn &&
		    (!rx || time_after_eq(e->stamp, rx->stamp)))
			rx = e;
	}
	for (i = 0; rx && i < IX_CHAP_TABLE_SIZE && !own; i++) {
		e = &t->e[i];
		own = ix_chap_live(e, now) && e->dir == IX_CHAP_SENT &&
		      ix_chap_same(e, rx->chal, rx->len);
	}
	spin_unlock_bh(&t->lock);
	return own;
}

/* Find CHAP_C and CHAP_R, each at most once, in a well-formed segment. */
static int ix_chap_scan(const char *buf, size_t len, struct ix_key *chal,
			bool *has_chal, bool *has_resp)
{
	struct ix_key_iter it;
	struct ix_key k;
	int ret;

	*has_chal = false;
	*has_resp = false;
	if (len > IX_LOGIN_SEG_MAX || (!buf && len))
		return -EINVAL;
	ix_key_iter_init(&it, buf, len);
	while ((ret = ix_key_next(&it, &k)) > 0) {
		if (ix_key_is(&k, "CHAP_C")) {
			/* Two challenges: which one would iscsid answer? */
			if (*has_chal)
				return -EINVAL;
			*has_chal = true;
			*chal = k;
		} else if (ix_key_is(&k, "CHAP_R")) {
			if (*has_resp)
				return -EINVAL;
			*has_resp = true;
		}
	}
	return ret;
}

/**
 * ix_login_chap_tx() - check an outgoing login request for reflection
 * @t: table
 * @conn: cookie of the connection
 * @buf: request data segment
 * @len: its length
 * @now: jiffies
 * @reason: set to the refusal reason
 *
 * Refuses a CHAP_R that answers a challenge we sent on any connection (the
 * target reflected it), and a CHAP_C equal to one a target sent us. Our
 * CHAP_C is remembered for the checks of other connections.
 *
 * Return: 0, -EACCES (reflection) or -EINVAL (malformed), @reason set.
 */
int ix_login_chap_tx(struct ix_chap_table *t, u64 conn, const char *buf,
		     size_t len, unsigned long now, const char **reason)
{
	struct ix_key chal;
	bool has_chal, has_resp;
	int ret;

	ret = ix_chap_scan(buf, len, &chal, &has_chal, &has_resp);
	if (ret)
		return ix_refuse(reason, IX_REASON_MALFORMED, ret);
	if (has_resp && ix_chap_answers_own(t, conn, now))
		return ix_refuse(reason, IX_REASON_CHAP_REFLECTION, -EACCES);
	if (has_chal)
		return ix_chap_note_text(t, IX_CHAP_SENT, conn, &chal, now,
					 reason);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_chap_tx);

/**
 * ix_login_chap_rx() - check a login response for a reflected challenge
 * @t: table
 * @conn: cookie of the connection
 * @buf: response data segment
 * @len: its length
 * @now: jiffies
 * @reason: set to the refusal reason
 *
 * Return: 0, -EACCES (the target's CHAP_C is one we sent) or -EINVAL
 * (malformed), @reason set.
 */
int ix_login_chap_rx(struct ix_chap_table *t, u64 conn, const char *buf,
		     size_t len, unsigned long now, const char **reason)
{
	struct ix_key chal;
	bool has_chal, has_resp;
	int ret;

	ret = ix_chap_scan(buf, len, &chal, &has_chal, &has_resp);
	if (ret)
		return ix_refuse(reason, IX_REASON_MALFORMED, ret);
	if (has_chal)
		return ix_chap_note_text(t, IX_CHAP_RECEIVED, conn, &chal, now,
					 reason);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_chap_rx);

/* ---- (c) CHAP needs confidentiality ----------------------------------- */

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
		return ix_refuse(reason, IX_REASON_MALFORMED, -EINVAL);
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
		return ix_refuse(reason, IX_REASON_MALFORMED, ret);
	if (chap && required && !encrypted)
		return ix_refuse(reason, IX_REASON_CHAP_CONFIDENTIALITY,
				 -EACCES);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_chap_confidentiality);
