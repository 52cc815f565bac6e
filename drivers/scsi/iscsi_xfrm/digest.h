/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_xfrm: iSCSI header and data digests (CRC32C, RFC 7143 13.1) with the
 * library crc32c(), and the per-connection decision and counters that go
 * with them.
 */
#ifndef _ISCSI_XFRM_DIGEST_H
#define _ISCSI_XFRM_DIGEST_H

#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <net/xfrm_guard.h>

struct scatterlist;

/* A digest as it travels: four bytes, least significant first. */
#define IX_DIGEST_LEN	4
/* Basic Header Segment; its byte 4 is TotalAHSLength in 4-byte words. */
#define IX_BHS_LEN	48

/**
 * struct ix_crc - a CRC32C being computed over data that arrives in pieces
 * @crc: the running CRC register (pre-inverted, as crc32c() wants it).
 * @len: bytes fed so far; only its low two bits matter (for the pad).
 */
struct ix_crc {
	u32 crc;
	unsigned int len;
};

static inline void ix_crc_init(struct ix_crc *c)
{
	c->crc = ~0U;
	c->len = 0;
}

void ix_crc_update(struct ix_crc *c, const void *buf, unsigned int len);
int ix_crc_update_sg(struct ix_crc *c, struct scatterlist *sg,
		     unsigned int offset, unsigned int len);
__le32 ix_crc_final(struct ix_crc *c);
int ix_crc_header(const void *hdr, size_t avail, __le32 *digest);

enum ix_digest_dir {
	IX_DIGEST_TX,
	IX_DIGEST_RX,
	__IX_DIGEST_DIR_MAX
};

enum ix_digest_kind {
	IX_DIGEST_HEADER,
	IX_DIGEST_DATA,
	__IX_DIGEST_KIND_MAX
};

/**
 * enum ix_digest_skip - why a connection carries no digest of some kind
 * @IX_DIGEST_SKIP_NEGOTIATED_NONE: login agreed on None and the guard did
 *	not ask for that (the peer or the administrator chose it).
 * @IX_DIGEST_SKIP_OFFLOADED: login agreed on None and the guard reports
 *	NIC-offloaded IPsec on both directions (RFC 3723 3.6.2).
 * @IX_DIGEST_SKIP_POLICY: login agreed on None and policy says crc=never.
 * @__IX_DIGEST_SKIP_MAX: number of reasons; not a reason.
 */
enum ix_digest_skip {
	IX_DIGEST_SKIP_NEGOTIATED_NONE,
	IX_DIGEST_SKIP_OFFLOADED,
	IX_DIGEST_SKIP_POLICY,
	__IX_DIGEST_SKIP_MAX
};

/*
 * One direction's counters. Each direction has a single writer (the xmit
 * path for TX, the socket read path for RX), so plain u64_stats suffice;
 * readers go through ix_digest_stats_read().
 */
struct ix_digest_counters {
	struct u64_stats_sync syncp;
	u64_stats_t computed[__IX_DIGEST_KIND_MAX];
	u64_stats_t skipped[__IX_DIGEST_KIND_MAX][__IX_DIGEST_SKIP_MAX];
	u64_stats_t failed[__IX_DIGEST_KIND_MAX];
};

/**
 * struct ix_digest_conn - a connection's digest state
 * @on: per kind, whether the PDUs carry that digest. Read on every PDU;
 *	written by ix_digest_conn_set() only while the connection is stopped.
 * @why: per kind, why it is off (meaningful only when @on is false).
 * @cnt: counters per direction.
 */
struct ix_digest_conn {
	bool on[__IX_DIGEST_KIND_MAX];
	u8 why[__IX_DIGEST_KIND_MAX];
	struct ix_digest_counters cnt[__IX_DIGEST_DIR_MAX];
};

/* Both directions summed, as the statistics dump reports them. */
struct ix_digest_stats {
	u64 computed[__IX_DIGEST_KIND_MAX];
	u64 skipped[__IX_DIGEST_KIND_MAX][__IX_DIGEST_SKIP_MAX];
	u64 failed[__IX_DIGEST_KIND_MAX];
};

bool ix_digest_decide(bool negotiated_crc32c, enum xfrm_guard_crc crc,
		      enum ix_digest_skip *why);
void ix_digest_conn_init(struct ix_digest_conn *dc);
void ix_digest_conn_set(struct ix_digest_conn *dc, bool hdr_crc32c,
			bool data_crc32c, enum xfrm_guard_crc crc);

static inline bool ix_digest_on(const struct ix_digest_conn *dc,
				enum ix_digest_kind kind)
{
	return dc->on[kind];
}

void ix_digest_skip(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		    enum ix_digest_kind kind);
void ix_digest_count(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		     enum ix_digest_kind kind);
int ix_digest_header(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		     const void *hdr, size_t avail, __le32 *digest);
int ix_digest_data_sg(struct ix_digest_conn *dc, enum ix_digest_dir dir,
		      struct scatterlist *sg, unsigned int offset,
		      unsigned int len, __le32 *digest);
__le32 ix_digest_data_final(struct ix_digest_conn *dc, enum ix_digest_dir dir,
			    struct ix_crc *c);
int ix_digest_verify(struct ix_digest_conn *dc, enum ix_digest_kind kind,
		     __le32 computed, const void *wire);
void ix_digest_stats_read(const struct ix_digest_conn *dc,
			  struct ix_digest_stats *st);
const char *ix_digest_skip_name(enum ix_digest_skip why);

#endif /* _ISCSI_XFRM_DIGEST_H */
