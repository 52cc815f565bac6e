// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm login shim: CHAP challenges across connections.
 *
 * Every CHAP_C this host sends or receives is remembered for a while, so
 * that a target cannot reflect our own challenge back at us and have us
 * compute the answer to it (RFC 3723 2.4.1, Alice/Storage): a challenge
 * equal to one that travelled the other way, on any connection, is
 * refused, and so is a CHAP_R that answers one of our own challenges.
 *
 * Like the rest of the shim, this only looks at bytes; login.c has the
 * parser and the other rules.
 */
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/hex.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "login.h"

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
		return ix_login_refuse(reason, IX_REASON_CHAP_REFLECTION, -EACCES);
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
		return ix_login_refuse(reason, IX_REASON_MALFORMED, -EINVAL);
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
		ret = ix_login_refuse(reason, IX_REASON_MALFORMED, n);
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
		return ix_login_refuse(reason, IX_REASON_MALFORMED, ret);
	if (has_resp && ix_chap_answers_own(t, conn, now))
		return ix_login_refuse(reason, IX_REASON_CHAP_REFLECTION, -EACCES);
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
		return ix_login_refuse(reason, IX_REASON_MALFORMED, ret);
	if (has_chal)
		return ix_chap_note_text(t, IX_CHAP_RECEIVED, conn, &chal, now,
					 reason);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_login_chap_rx);
