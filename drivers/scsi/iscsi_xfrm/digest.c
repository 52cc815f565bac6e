// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: iSCSI header and data digests.
 *
 * The digest is CRC32C (RFC 7143 13.1) computed with the library crc32c(),
 * which runs on the CPU's CRC instruction where there is one and needs no
 * crypto request: nothing here allocates or sleeps, so the transmit and
 * receive paths call it directly, per segment as the data arrives.
 *
 * Byte order: the digest field carries the final (inverted) CRC least
 * significant byte first. That is what the crypto API's "crc32c" puts in
 * its output buffer (put_unaligned_le32(~crc)), which iscsi_tcp sends as
 * is, and what RFC 3720 B.4 lists: 32 zero bytes give CRC 0x8a9136aa, on
 * the wire "aa 36 91 8a".
 *
 * Whether a connection carries a digest is settled by login; see
 * ix_digest_decide() for how the guard's CRC decision fits in.
 */
#include <kunit/visibility.h>
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>
#include <linux/unaligned.h>

#include "digest.h"

static const u8 ix_zero_pad[3];

/**
 * ix_crc_update() - feed bytes to a CRC being computed
 * @c: the CRC, from ix_crc_init()
 * @buf: the bytes
 * @len: how many
 */
void ix_crc_update(struct ix_crc *c, const void *buf, unsigned int len)
{
	c->crc = crc32c(c->crc, buf, len);
	c->len += len;
}
EXPORT_SYMBOL_IF_KUNIT(ix_crc_update);

/**
 * ix_crc_update_sg() - feed bytes described by a scatterlist
 * @c: the CRC, from ix_crc_init()
 * @sg: the scatterlist (may be chained; entries may span pages)
 * @offset: bytes of @sg to skip first
 * @len: bytes to feed after that
 *
 * Maps one page at a time with kmap_local_page(), so it is usable in any
 * context, highmem included.
 *
 * Return: 0, or -EINVAL if @sg holds fewer than @offset + @len bytes; @c
 * is then meaningless.
 */
int ix_crc_update_sg(struct ix_crc *c, struct scatterlist *sg,
		     unsigned int offset, unsigned int len)
{
	for (; sg && len; sg = sg_next(sg)) {
		unsigned int off, n;

		if (offset >= sg->length) {
			offset -= sg->length;
			continue;
		}
		off = sg->offset + offset;
		n = min(len, sg->length - offset);
		offset = 0;
		len -= n;
		while (n) {
			struct page *page = nth_page(sg_page(sg),
						     off >> PAGE_SHIFT);
			unsigned int poff = offset_in_page(off);
			unsigned int chunk = min_t(unsigned int, n,
						   PAGE_SIZE - poff);
			void *p = kmap_local_page(page);

			ix_crc_update(c, p + poff, chunk);
			kunmap_local(p);
			off += chunk;
			n -= chunk;
		}
	}
	return len ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_crc_update_sg);

/**
 * ix_crc_final() - finish a CRC as a digest field
 * @c: the CRC
 *
 * The pad that brings a segment to a 4-byte boundary is part of the data
 * digest (RFC 7143: a digest covers its segment, pad included). If the
 * caller fed fewer bytes than that boundary, zero pad bytes (what we send)
 * are added here; a receiver that fed the pad bytes it actually received
 * is already aligned and gets nothing added.
 *
 * Return: the digest, in wire byte order.
 */
__le32 ix_crc_final(struct ix_crc *c)
{
	unsigned int pad = -c->len & 3;

	if (pad)
		ix_crc_update(c, ix_zero_pad, pad);
	return cpu_to_le32(~c->crc);
}
EXPORT_SYMBOL_IF_KUNIT(ix_crc_final);

/**
 * ix_crc_header() - header digest of a BHS and its AHS
 * @hdr: the header as received or about to be sent
 * @avail: bytes the caller has at @hdr
 * @digest: where the digest goes, in wire byte order
 *
 * The header digest covers the BHS and every AHS that follows it (RFC 7143);
 * the AHS length comes from the BHS and is trusted only as far as @avail
 * reaches.
 *
 * Return: 0, or -EINVAL if @avail does not hold the BHS and its AHS.
 */
int ix_crc_header(const void *hdr, size_t avail, __le32 *digest)
{
	struct ix_crc c;
	size_t len;

	if (avail < IX_BHS_LEN)
		return -EINVAL;
	len = IX_BHS_LEN + 4 * (size_t)((const u8 *)hdr)[4];
	if (len > avail)
		return -EINVAL;
	ix_crc_init(&c);
	ix_crc_update(&c, hdr, len);
	*digest = ix_crc_final(&c);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_crc_header);

/**
 * ix_digest_decide() - does a connection compute a digest of one kind?
 * @negotiated_crc32c: login agreed on CRC32C for this digest
 * @crc: the guard's CRC decision for the connection
 * @why: set to the reason when the answer is no
 *
 * A digest that login agreed on is always computed and sent: RFC 7143 13.1
 * leaves no room to drop an agreed digest, and the peer would reject every
 * PDU without it. The guard's decision acts earlier, on what the login shim
 * offers; here it only explains why a digest is absent. With crc=always
 * and None agreed the answer is still no: set_param refuses that
 * connection, there is no digest field to fill.
 *
 * Return: true if the digest is computed.
 */
bool ix_digest_decide(bool negotiated_crc32c, enum xfrm_guard_crc crc,
		      enum ix_digest_skip *why)
{
	if (negotiated_crc32c)
		return true;
	switch (crc) {
	case XFRM_GUARD_CRC_SKIP_OFFLOADED:
		*why = IX_DIGEST_SKIP_OFFLOADED;
		break;
	case XFRM_GUARD_CRC_SKIP_DISABLED:
		*why = IX_DIGEST_SKIP_POLICY;
		break;
	default:
		*why = IX_DIGEST_SKIP_NEGOTIATED_NONE;
		break;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_decide);

/**
 * ix_digest_conn_init() - a connection's digest state, all off, counters 0
 * @dc: the state
 */
void ix_digest_conn_init(struct ix_digest_conn *dc)
{
	int d;

	memset(dc, 0, sizeof(*dc));
	for (d = 0; d < __IX_DIGEST_DIR_MAX; d++)
		u64_stats_init(&dc->cnt[d].syncp);
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_conn_init);

/**
 * ix_digest_conn_set() - apply what login negotiated
 * @dc: the state
 * @hdr_crc32c: HeaderDigest=CRC32C was agreed
 * @data_crc32c: DataDigest=CRC32C was agreed
 * @crc: the guard's CRC decision
 *
 * Call only while no PDU flows (before start_conn). Counters carry over
 * from earlier logins of the connection.
 */
void ix_digest_conn_set(struct ix_digest_conn *dc, bool hdr_crc32c,
			bool data_crc32c, enum xfrm_guard_crc crc)
{
	enum ix_digest_skip why = IX_DIGEST_SKIP_NEGOTIATED_NONE;

	dc->on[IX_DIGEST_HEADER] = ix_digest_decide(hdr_crc32c, crc, &why);
	dc->why[IX_DIGEST_HEADER] = why;
	why = IX_DIGEST_SKIP_NEGOTIATED_NONE;
	dc->on[IX_DIGEST_DATA] = ix_digest_decide(data_crc32c, crc, &why);
	dc->why[IX_DIGEST_DATA] = why;
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_conn_set);

static void ix_count(struct ix_digest_counters *cnt, u64_stats_t *ctr)
{
	u64_stats_update_begin(&cnt->syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&cnt->syncp);
}

/**
 * ix_digest_skip() - count a PDU that goes without a digest of @kind
 * @dc: the connection's state
 * @dir: the direction; the caller serialises each direction
 * @kind: header or data
 */
void ix_digest_skip(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		    enum ix_digest_kind kind)
{
	struct ix_digest_counters *cnt = &dc->cnt[dir];

	ix_count(cnt, &cnt->skipped[kind][dc->why[kind]]);
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_skip);

/**
 * ix_digest_count() - count a digest computed elsewhere
 * @dc: the connection's state
 * @dir: the direction; the caller serialises each direction
 * @kind: header or data
 *
 * For digests libiscsi_tcp verifies on receive: the transport counts them
 * here so that both directions report alike.
 */
void ix_digest_count(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		     enum ix_digest_kind kind)
{
	struct ix_digest_counters *cnt = &dc->cnt[dir];

	ix_count(cnt, &cnt->computed[kind]);
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_count);

/**
 * ix_digest_header() - header digest of one PDU, counted
 * @dc: the connection's state
 * @dir: the direction; the caller serialises each direction
 * @hdr: BHS followed by its AHS
 * @avail: bytes the caller has at @hdr
 * @digest: the digest, wire byte order
 *
 * Return: 0, or -EINVAL as ix_crc_header() (not counted).
 */
int ix_digest_header(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		     const void *hdr, size_t avail, __le32 *digest)
{
	struct ix_digest_counters *cnt = &dc->cnt[dir];
	int err;

	err = ix_crc_header(hdr, avail, digest);
	if (!err)
		ix_count(cnt, &cnt->computed[IX_DIGEST_HEADER]);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_header);

/**
 * ix_digest_data_sg() - data digest of a whole data segment, counted
 * @dc: the connection's state
 * @dir: the direction; the caller serialises each direction
 * @sg: the scatterlist holding the segment
 * @offset: where in @sg the segment starts
 * @len: DataSegmentLength (without pad; zero pad is digested here)
 * @digest: the digest, wire byte order
 *
 * Return: 0, or -EINVAL if @sg is too short (not counted).
 */
int ix_digest_data_sg(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		      struct scatterlist *sg, unsigned int offset,
		      unsigned int len, __le32 *digest)
{
	struct ix_crc c;
	int err;

	ix_crc_init(&c);
	err = ix_crc_update_sg(&c, sg, offset, len);
	if (err)
		return err;
	*digest = ix_digest_data_final(dc, dir, &c);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_data_sg);

/**
 * ix_digest_data_final() - finish a data digest fed piece by piece, counted
 * @dc: the connection's state
 * @dir: the direction; the caller serialises each direction
 * @c: the CRC, fed with ix_crc_update() / ix_crc_update_sg()
 *
 * Return: the digest, wire byte order (see ix_crc_final() for the pad).
 */
__le32 ix_digest_data_final(struct ix_digest_conn *dc, enum ix_digest_dir dir,
			    struct ix_crc *c)
{
	struct ix_digest_counters *cnt = &dc->cnt[dir];

	ix_count(cnt, &cnt->computed[IX_DIGEST_DATA]);
	return ix_crc_final(c);
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_data_final);

/**
 * ix_digest_verify() - compare a received digest with the computed one
 * @dc: the connection's state
 * @kind: header or data
 * @computed: what ix_digest_header()/ix_digest_data_final() gave
 * @wire: the four digest bytes as received (any alignment)
 *
 * Receive path only; a mismatch is counted against RX.
 *
 * Return: 0 if they match, -EBADMSG if not.
 */
int ix_digest_verify(struct ix_digest_conn *dc, enum ix_digest_kind kind,
		     __le32 computed, const void *wire)
{
	struct ix_digest_counters *cnt = &dc->cnt[IX_DIGEST_RX];

	if (likely(get_unaligned((const __le32 *)wire) == computed))
		return 0;
	ix_count(cnt, &cnt->failed[kind]);
	return -EBADMSG;
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_verify);

/**
 * ix_digest_stats_read() - both directions' counters, summed
 * @dc: the connection's state
 * @st: the totals
 */
void ix_digest_stats_read(const struct ix_digest_conn *dc,
			  struct ix_digest_stats *st)
{
	int d, k, w;

	memset(st, 0, sizeof(*st));
	for (d = 0; d < __IX_DIGEST_DIR_MAX; d++) {
		const struct ix_digest_counters *cnt = &dc->cnt[d];
		struct ix_digest_stats one;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&cnt->syncp);
			for (k = 0; k < __IX_DIGEST_KIND_MAX; k++) {
				one.computed[k] = u64_stats_read(&cnt->computed[k]);
				one.failed[k] = u64_stats_read(&cnt->failed[k]);
				for (w = 0; w < __IX_DIGEST_SKIP_MAX; w++)
					one.skipped[k][w] =
						u64_stats_read(&cnt->skipped[k][w]);
			}
		} while (u64_stats_fetch_retry(&cnt->syncp, start));

		for (k = 0; k < __IX_DIGEST_KIND_MAX; k++) {
			st->computed[k] += one.computed[k];
			st->failed[k] += one.failed[k];
			for (w = 0; w < __IX_DIGEST_SKIP_MAX; w++)
				st->skipped[k][w] += one.skipped[k][w];
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_stats_read);

/**
 * ix_digest_skip_name() - the name of a skip reason, as dmesg and stats use
 * @why: the reason
 *
 * Return: a static string.
 */
const char *ix_digest_skip_name(enum ix_digest_skip why)
{
	switch (why) {
	case IX_DIGEST_SKIP_NEGOTIATED_NONE:
		return "negotiated_none";
	case IX_DIGEST_SKIP_OFFLOADED:
		return "offloaded";
	case IX_DIGEST_SKIP_POLICY:
		return "disabled_by_policy";
	default:
		return "unknown";
	}
}
EXPORT_SYMBOL_IF_KUNIT(ix_digest_skip_name);
