/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_xfrm login shim: pure logic over iSCSI login text (RFC 7143 6.1),
 * applied to what iscsid sends and what the target answers. login.c has
 * the parser, the digest rules and CHAP's need for confidentiality;
 * chap.c the CHAP challenge table against reflection.
 *
 * Every buffer is hostile: it may lack a final NUL, carry malformed keys or
 * lie about its length. Nothing here reads outside [buf, buf + len), and a
 * function that refuses leaves the buffer untouched.
 *
 * Locking: only the CHAP challenge table is shared; see struct ix_chap_table.
 */
#ifndef _IX_LOGIN_H
#define _IX_LOGIN_H

#include <linux/jiffies.h>
#include <linux/types.h>
#include <net/xfrm_guard.h>
#include <scsi/iscsi_proto.h>

/* DataSegmentLength is 24 bits (RFC 7143 11.2.1.6). */
#define IX_LOGIN_SEG_MAX	((1U << 24) - 1)
/* RFC 7143 6.1: key names are at most 63 bytes. */
#define IX_LOGIN_KEY_MAX	63
/* RFC 7143 12.1.3: a CHAP challenge is at most 1024 bytes once decoded. */
#define IX_CHAP_C_MAX		1024
#define IX_CHAP_TABLE_SIZE	64
/* A login that takes longer than this has long timed out in iscsid. */
#define IX_CHAP_TTL		(60 * HZ)

/* Refusal reasons, as dmesg, xguard and events print them. */
#define IX_REASON_CRC_REQUIRED			"crc_required"
#define IX_REASON_CHAP_REFLECTION		"chap_reflection"
#define IX_REASON_CHAP_CONFIDENTIALITY		"chap_requires_confidentiality"
#define IX_REASON_MALFORMED			"malformed_login_text"

/* Set *@reason, if asked for, to @why; return @err. */
static inline int ix_login_refuse(const char **reason, const char *why,
				  int err)
{
	if (reason)
		*reason = why;
	return err;
}

/**
 * struct ix_key - one key=value record of a login data segment
 * @key: first byte of the key name (not NUL-terminated here).
 * @key_len: bytes in the key name, 1..%IX_LOGIN_KEY_MAX.
 * @val: first byte of the value.
 * @val_len: bytes in the value, may be 0.
 * @off: offset of @key in the segment.
 * @rec_len: bytes of "key=value" plus its NUL.
 */
struct ix_key {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
	size_t off;
	size_t rec_len;
};

/**
 * struct ix_key_iter - position in a login data segment
 * @buf: the segment.
 * @len: its length.
 * @pos: offset of the next record.
 */
struct ix_key_iter {
	const char *buf;
	size_t len;
	size_t pos;
};

void ix_key_iter_init(struct ix_key_iter *it, const char *buf, size_t len);
int ix_key_next(struct ix_key_iter *it, struct ix_key *k);
bool ix_key_is(const struct ix_key *k, const char *name);
int ix_chap_decode(const char *val, size_t val_len, u8 *out, size_t out_size);

size_t ix_login_trim_pad(const char *buf, size_t len);
int ix_login_digest_rewrite(char *buf, size_t len, size_t cap,
			    enum xfrm_guard_crc crc);
int ix_login_digest_check(enum xfrm_guard_crc crc, bool digest_on,
			  const char **reason);

/**
 * enum ix_chap_dir - which way a challenge travelled, seen from the initiator
 * @IX_CHAP_RECEIVED: a target challenged us (CHAP_C in a login response).
 * @IX_CHAP_SENT: we challenged a target (CHAP_C in a request, mutual CHAP).
 */
enum ix_chap_dir {
	IX_CHAP_RECEIVED,
	IX_CHAP_SENT,
};

struct ix_chap_table;

struct ix_chap_table *ix_chap_table_alloc(void);
void ix_chap_table_free(struct ix_chap_table *t);
int ix_chap_note(struct ix_chap_table *t, enum ix_chap_dir dir, u64 conn,
		 const u8 *chal, size_t chal_len, unsigned long now,
		 const char **reason);
void ix_chap_forget(struct ix_chap_table *t, u64 conn);
int ix_login_chap_tx(struct ix_chap_table *t, u64 conn, const char *buf,
		     size_t len, unsigned long now, const char **reason);
int ix_login_chap_rx(struct ix_chap_table *t, u64 conn, const char *buf,
		     size_t len, unsigned long now, const char **reason);

int ix_login_chap_confidentiality(const char *buf, size_t len, bool required,
				  bool encrypted, const char **reason);

void ix_login_reject(const struct iscsi_login_req *req,
		     struct iscsi_login_rsp *rsp);

#endif /* _IX_LOGIN_H */
