/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the one access check of every tagged operation (RFC 5042 6.1.1,
 * 6.2.1, 6.2.2, 6.3.5, 6.4.5): inbound RDMA Write, inbound RDMA Read
 * Request, Read Response placement, local SGEs, binds and invalidation.
 */
#ifndef _SRNIC_ACCESS_H
#define _SRNIC_ACCESS_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

#include "stag.h"

/**
 * enum srnic_mem_state - life of a protection record
 * @SRNIC_MEM_FREE: named but not usable yet: a fast-registration MR before
 *	its first IB_WR_REG_MR, an unbound MW
 * @SRNIC_MEM_VALID: accesses that pass the checks may proceed
 * @SRNIC_MEM_INVALIDATED: invalidated locally or remotely; every access
 *	fails until the owner makes it valid again (re-registration, bind)
 * @SRNIC_MEM_DEAD: being destroyed; every access fails, for good
 */
enum srnic_mem_state {
	SRNIC_MEM_FREE,
	SRNIC_MEM_VALID,
	SRNIC_MEM_INVALIDATED,
	SRNIC_MEM_DEAD,
};

/**
 * enum srnic_mem_type - what kind of object a record protects
 * @SRNIC_MEM_MR: a memory region
 * @SRNIC_MEM_MW1: a type 1 memory window (PD scope)
 * @SRNIC_MEM_MW2B: a type 2B memory window, bound to one QP
 */
enum srnic_mem_type {
	SRNIC_MEM_MR,
	SRNIC_MEM_MW1,
	SRNIC_MEM_MW2B,
};

/* &srnic_mem.flags */
/* Only the QP &srnic_mem.qp_id may use it (MR with QP scope, MW type 2B). */
#define SRNIC_MEM_QP_SCOPE	BIT(0)
/* A peer may invalidate it with Send with Invalidate (fast-reg MR, MW). */
#define SRNIC_MEM_REMOTE_INV	BIT(1)
/* Local invalidation allowed (fast-reg MR, MW; not a reg_user_mr MR). */
#define SRNIC_MEM_LOCAL_INV	BIT(2)

/**
 * struct srnic_mem - protection record of an MR or MW
 * @state: &enum srnic_mem_state. Changed only with cmpxchg() (invalidate),
 *	xchg() (kill) or srnic_mem_set_valid(), which sets VALID with
 *	release after writing the fields below. Whoever reads the state and
 *	then the fields or the STag's key (srnic_access_check(), after
 *	raising @inflight, and srnic_access_invalidate()) reads it with
 *	atomic_read_acquire(), so that VALID comes with the fields that
 *	set_valid() published; see the top of access.c.
 * @inflight: accesses that passed the check and may be touching the
 *	buffer right now. srnic_access_invalidate() and srnic_mem_kill()
 *	wait for it to drop to zero after they changed @state, so once they
 *	return nothing touches the buffer: a racing access either raised
 *	@inflight before the state change (and is waited for) or sees the
 *	new state and fails. Holders must not sleep: an access section is
 *	like a spin lock section (BH disabled when in process context).
 * @access: IB_ACCESS_* rights (LOCAL_WRITE, REMOTE_READ, REMOTE_WRITE,
 *	MW_BIND); local read is always allowed
 * @flags: SRNIC_MEM_QP_SCOPE, SRNIC_MEM_REMOTE_INV, SRNIC_MEM_LOCAL_INV
 * @type: &enum srnic_mem_type
 * @qp_id: with SRNIC_MEM_QP_SCOPE, the QP number allowed to use it
 * @pd: protection domain; compared by address only
 * @va: first byte of the buffer, in the address space the STag exposes
 * @len: bytes in the buffer; may be 0 (then only zero-length accesses at
 *	@va pass the bounds check)
 *
 * @access, @flags, @qp_id, @pd, @va and @len may change only while the
 * record is not valid and no access is in flight (srnic_mem_set_valid()
 * publishes them). The owner embeds the record in its MR/MW object and
 * frees that object only after srnic_mem_kill(), srnic_stag_free() of its
 * names and an RCU grace period.
 */
struct srnic_mem {
	atomic_t state;
	atomic_t inflight;
	u32 access;
	u32 flags;
	u8 type;
	u32 qp_id;
	struct ib_pd *pd;
	u64 va;
	u64 len;
};

/**
 * enum srnic_op - the operation asking for access
 * @SRNIC_OP_LOCAL_READ: local SGE read (Send, Write source); lkey only
 * @SRNIC_OP_LOCAL_WRITE: local SGE written (receive buffer); lkey only,
 *	needs IB_ACCESS_LOCAL_WRITE
 * @SRNIC_OP_REMOTE_READ: inbound RDMA Read Request, data source; rkey
 *	only, needs IB_ACCESS_REMOTE_READ. With length 0 it passes without
 *	any valid STag (RFC 5042 6.3.5) and holds nothing.
 * @SRNIC_OP_REMOTE_WRITE: inbound RDMA Write placement; rkey only, needs
 *	IB_ACCESS_REMOTE_WRITE
 * @SRNIC_OP_READ_RESP: Read Response placement into the sink of a local
 *	RDMA Read WR: the lkey with IB_ACCESS_LOCAL_WRITE, or the rkey with
 *	IB_ACCESS_REMOTE_WRITE. The caller has already matched the response
 *	to an outstanding Read (part 2, ORQ) with the same STag and range.
 * @SRNIC_OP_BIND: bind an MW onto this MR; lkey of an MR, needs
 *	IB_ACCESS_MW_BIND; the window's range must be inside the MR
 * @SRNIC_OP_LOCAL_INV: IB_WR_LOCAL_INV; lkey or rkey, needs
 *	SRNIC_MEM_LOCAL_INV; srnic_access_invalidate() only
 * @SRNIC_OP_REMOTE_INV: Send with Invalidate; rkey only, needs
 *	SRNIC_MEM_REMOTE_INV; srnic_access_invalidate() only
 * @SRNIC_OP_NR: number of operations
 */
enum srnic_op {
	SRNIC_OP_LOCAL_READ,
	SRNIC_OP_LOCAL_WRITE,
	SRNIC_OP_REMOTE_READ,
	SRNIC_OP_REMOTE_WRITE,
	SRNIC_OP_READ_RESP,
	SRNIC_OP_BIND,
	SRNIC_OP_LOCAL_INV,
	SRNIC_OP_REMOTE_INV,
	SRNIC_OP_NR
};

/**
 * enum srnic_access_err - why an access was refused
 *
 * The value minus one is the index of the refusal's counter in
 * &srnic_access_stats.refused; the order is that of the device's
 * counters (stats.h). The checks run in the order given at
 * srnic_access_check(), so a request with several faults reports the
 * first one found.
 *
 * @SRNIC_ACCESS_OK: granted
 * @SRNIC_ACCESS_INVALID_STAG: the index names nothing, or a record not
 *	yet valid, or one being destroyed
 * @SRNIC_ACCESS_KEY_MISMATCH: the index is live, the key is not its key
 * @SRNIC_ACCESS_PD_MISMATCH: the record's PD is not the requester's PD
 * @SRNIC_ACCESS_SCOPE: scoped to another QP (MW type 2B, QP-scope MR)
 * @SRNIC_ACCESS_RIGHTS: the name (lkey/rkey) or the rights do not allow
 *	the operation, or the record cannot be invalidated that way
 * @SRNIC_ACCESS_BOUNDS: the byte range is not inside the buffer, or
 *	addr + len wraps
 * @SRNIC_ACCESS_INVALIDATED: the record was invalidated
 * @SRNIC_ACCESS_NR: number of values
 */
enum srnic_access_err {
	SRNIC_ACCESS_OK,
	SRNIC_ACCESS_INVALID_STAG,
	SRNIC_ACCESS_KEY_MISMATCH,
	SRNIC_ACCESS_PD_MISMATCH,
	SRNIC_ACCESS_SCOPE,
	SRNIC_ACCESS_RIGHTS,
	SRNIC_ACCESS_BOUNDS,
	SRNIC_ACCESS_INVALIDATED,
	SRNIC_ACCESS_NR
};

#define SRNIC_ACCESS_NR_REFUSALS	(SRNIC_ACCESS_NR - 1)

/**
 * struct srnic_access_stats - refusal counters of one device
 * @refused: indexed by &enum srnic_access_err minus one
 */
struct srnic_access_stats {
	atomic64_t refused[SRNIC_ACCESS_NR_REFUSALS];
};

/**
 * struct srnic_access_req - what is asked, by whom
 * @stag: the STag as received or posted
 * @op: &enum srnic_op
 * @addr: first byte (tagged offset / virtual address)
 * @len: bytes
 * @pd: PD of the requesting QP
 * @qp_id: number of the requesting QP
 */
struct srnic_access_req {
	u32 stag;
	enum srnic_op op;
	u64 addr;
	u64 len;
	struct ib_pd *pd;
	u32 qp_id;
};

/* RFC 5040 section 7 Terminate header values (Layer, EType, Error Code). */
#define SRNIC_TERM_LAYER_RDMAP			0x0
#define SRNIC_TERM_LAYER_DDP			0x1
#define SRNIC_RDMAP_ETYPE_REMOTE_PROTECTION	0x1
#define SRNIC_DDP_ETYPE_TAGGED_BUF		0x1
#define SRNIC_RDMAP_ECODE_INVALID_STAG		0x00
#define SRNIC_RDMAP_ECODE_BASE_BOUNDS		0x01
#define SRNIC_RDMAP_ECODE_ACCESS_RIGHTS		0x02
#define SRNIC_RDMAP_ECODE_STAG_NOT_ASSOC	0x03
#define SRNIC_RDMAP_ECODE_TO_WRAP		0x04
#define SRNIC_RDMAP_ECODE_CANNOT_INVALIDATE	0x09
#define SRNIC_DDP_ECODE_T_INVALID_STAG		0x00
#define SRNIC_DDP_ECODE_T_BASE_BOUNDS		0x01
#define SRNIC_DDP_ECODE_T_STAG_NOT_ASSOC	0x02
#define SRNIC_DDP_ECODE_T_TO_WRAP		0x03

/**
 * struct srnic_term_code - how a refusal is reported in a Terminate
 * @layer: SRNIC_TERM_LAYER_RDMAP or SRNIC_TERM_LAYER_DDP
 * @etype: error type within @layer
 * @ecode: error code within @etype
 */
struct srnic_term_code {
	u8 layer;
	u8 etype;
	u8 ecode;
};

/**
 * srnic_mem_init() - set up a record, not yet valid
 * @mem: the record
 * @type: &enum srnic_mem_type
 *
 * Context: any.
 */
void srnic_mem_init(struct srnic_mem *mem, enum srnic_mem_type type);

/**
 * srnic_mem_set_valid() - publish the record's fields and make it valid
 * @mem: a record in state FREE or INVALIDATED, no access in flight (after
 *	srnic_mem_init(), or after srnic_access_invalidate() returned)
 * @pd: PD
 * @va: first byte
 * @len: bytes
 * @access: IB_ACCESS_* rights
 * @flags: SRNIC_MEM_* flags
 * @qp_id: QP number for SRNIC_MEM_QP_SCOPE, else ignored
 *
 * Used for registration, IB_WR_REG_MR and MW bind.
 *
 * Context: any, does not sleep.
 * Return: 0, or -EINVAL if the record is valid or dead, or va + len wraps.
 */
int srnic_mem_set_valid(struct srnic_mem *mem, struct ib_pd *pd, u64 va,
			u64 len, u32 access, u32 flags, u32 qp_id);

/**
 * srnic_mem_kill() - make a record unusable for good and wait for accesses
 * @mem: the record
 *
 * For deregistration/deallocation. After it returns no access is in
 * flight and none can pass; then free the names (srnic_stag_free()) and,
 * after an RCU grace period, the object.
 *
 * Context: any, does not sleep; spins while accesses are in flight. Must
 * not be called by a holder of an access to @mem.
 */
void srnic_mem_kill(struct srnic_mem *mem);

/**
 * srnic_access_check() - the access check of every tagged operation
 * @t: the device's STag table
 * @req: the request; @req->op must not be an invalidation
 * @stats: counters to bump on refusal, or NULL
 * @memp: on success, set to the record (NULL for a zero-length Read);
 *	the caller touches the buffer, then calls srnic_access_end()
 *
 * Checks, in order: zero-length RDMA Read (passes, RFC 5042 6.3.5), index
 * live, key, state (invalidated, then not valid), PD, QP scope, the name (lkey/rkey) and rights for
 * @req->op, byte-granular bounds [addr, addr + len) within [va, va + len)
 * computed without overflow (zero length passes at any addr in
 * [va, va + len]).
 *
 * Context: softirq, or process context with BH disabled; does not sleep.
 * Takes rcu_read_lock() itself. Between a successful return and
 * srnic_access_end() the caller must not sleep.
 * Return: SRNIC_ACCESS_OK or the reason of the refusal.
 */
enum srnic_access_err srnic_access_check(struct srnic_stag_table *t,
					 const struct srnic_access_req *req,
					 struct srnic_access_stats *stats,
					 struct srnic_mem **memp);

/**
 * srnic_access_end() - the buffer is no longer touched
 * @mem: the record from srnic_access_check(), may be NULL
 *
 * Context: any, does not sleep.
 */
void srnic_access_end(struct srnic_mem *mem);

/**
 * srnic_access_invalidate() - local or remote invalidation
 * @t: the device's STag table
 * @req: @req->op is SRNIC_OP_LOCAL_INV or SRNIC_OP_REMOTE_INV; @addr and
 *	@len are ignored; @pd and @qp_id are the invalidating QP's
 * @stats: counters to bump on refusal, or NULL
 *
 * Checks index, full key, state (must be valid), PD, QP scope, and that
 * the record may be invalidated this way; then moves it to INVALIDATED
 * and waits until no access is in flight. Once it returns SRNIC_ACCESS_OK
 * no access to the buffer is running and none can pass, including Read
 * Responses queued before (RFC 5042 6.2.2): the sender checks each
 * segment at transmit time.
 *
 * Context: softirq, or process context; does not sleep, spins while
 * accesses are in flight. Must not be called by a holder of an access
 * to the same record.
 * Return: SRNIC_ACCESS_OK or the reason of the refusal.
 */
enum srnic_access_err srnic_access_invalidate(struct srnic_stag_table *t,
					      const struct srnic_access_req *req,
					      struct srnic_access_stats *stats);

/**
 * srnic_access_term_code() - the Terminate code part 2 sends for a refusal
 * @req: the refused request
 * @err: the refusal, not SRNIC_ACCESS_OK
 *
 * Tagged placement (Write, Read Response) reports DDP tagged buffer
 * errors; everything else (Read Requests, Send with Invalidate) reports
 * RDMAP remote protection errors (RFC 5040 section 7). A bounds refusal
 * whose addr + len wraps 2^64 is reported as a TO wrap.
 *
 * Return: layer, error type and code.
 */
struct srnic_term_code srnic_access_term_code(const struct srnic_access_req *req,
					      enum srnic_access_err err);

/**
 * srnic_access_err_name() - short name of a refusal for logs and counters
 * @err: the value
 *
 * Return: e.g. "key_mismatch"; "unknown" for a value out of range.
 */
const char *srnic_access_err_name(enum srnic_access_err err);

#if IS_ENABLED(CONFIG_KUNIT)
enum srnic_access_err srnic_access_rules(const struct srnic_mem *mem, u8 kind,
					 const struct srnic_access_req *req);
#endif

#endif /* _SRNIC_ACCESS_H */
