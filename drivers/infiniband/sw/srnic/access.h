/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the one access check of every tagged operation (RFC 5042 6.1.1,
 * 6.2.1, 6.2.2, 6.3.5, 6.4.5): inbound RDMA Write, inbound RDMA Read
 * Request, Read Response placement, local SGEs, binds and invalidation.
 */
#ifndef _SRNIC_ACCESS_H
#define _SRNIC_ACCESS_H

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

#include "proto.h"
#include "stag.h"

/**
 * enum srnic_mem_state - life of a protection record
 * @SRNIC_MEM_FREE: named but not usable yet: a fast-registration MR before
 *	its first IB_WR_REG_MR, an unbound MW
 * @SRNIC_MEM_VALID: accesses that pass the checks may proceed
 * @SRNIC_MEM_INVALIDATED: invalidated locally or remotely; every access
 *	fails until the owner makes it valid again (re-registration, bind)
 * @SRNIC_MEM_DEAD: being destroyed; every access fails, for good. All
 *	ones in the state field, so that kill can OR it in from any state.
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

/*
 * &srnic_mem.state, one 64-bit word so that an access, an invalidation
 * and a registration each act on the registration they checked with one
 * compare-and-exchange:
 *
 *	bits  0..31	accesses in flight
 *	bits 32..33	&enum srnic_mem_state
 *	bits 34..63	generation: set_valid() counts it up, so each
 *			registration of the record has its own (it wraps
 *			after 2^30 registrations, far more than can happen
 *			inside one check)
 */
#define SRNIC_MEM_INFLIGHT	GENMASK_ULL(31, 0)
#define SRNIC_MEM_STATE		GENMASK_ULL(33, 32)
#define SRNIC_MEM_GEN		GENMASK_ULL(63, 34)

/**
 * struct srnic_mem - protection record of an MR or MW
 * @state: accesses in flight, &enum srnic_mem_state and generation, in
 *	one word (SRNIC_MEM_INFLIGHT, SRNIC_MEM_STATE, SRNIC_MEM_GEN).
 *	Lock-free; the rules, with the reasons at the top of access.c:
 *
 *	- An access is counted only with a cmpxchg from the very word it
 *	  checked (VALID, same generation), so it never counts itself into
 *	  a registration it did not check, and a refused access never
 *	  writes the word.
 *	- Invalidation is a cmpxchg from the word it checked to INVALIDATED,
 *	  same generation and count: it cannot hit a later registration.
 *	  It does not wait; the count then only falls, and the caller
 *	  reports the invalidation done once it reached zero
 *	  (srnic_access_drained(), srnic_access_drain_wait()).
 *	- Kill sets DEAD in any state, keeping the count, and sleeps until
 *	  the count is zero.
 *	- set_valid() goes from FREE or INVALIDATED with no access in
 *	  flight to VALID with the next generation, with release after
 *	  writing the fields below; it refuses while accesses are in flight.
 *	- Whoever reads fields or the key reads the word with acquire first
 *	  and trusts them only if a later cmpxchg finds the same
 *	  registration.
 *	- The access that brings the count of a non-valid record to zero
 *	  wakes the waiters (wake_up_var() on the record's address).
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
 * @access, @flags, @qp_id, @pd, @va and @len are written only by
 * srnic_mem_set_valid() (WRITE_ONCE(), the record not valid, nothing in
 * flight) and read with READ_ONCE(). The owner embeds the record in its
 * MR/MW object and frees that object only after srnic_mem_kill(),
 * srnic_stag_free() of its names and an RCU grace period.
 */
struct srnic_mem {
	atomic64_t state;
	u32 access;
	u32 flags;
	u8 type;
	u32 qp_id;
	struct ib_pd *pd;
	u64 va;
	u64 len;
};

/* Lockless snapshots, for reports and tests; stale as soon as read. */
static inline enum srnic_mem_state srnic_mem_state(const struct srnic_mem *mem)
{
	return FIELD_GET(SRNIC_MEM_STATE, (u64)atomic64_read(&mem->state));
}

static inline u32 srnic_mem_inflight(const struct srnic_mem *mem)
{
	return FIELD_GET(SRNIC_MEM_INFLIGHT, (u64)atomic64_read(&mem->state));
}

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
 *	to an outstanding Read (the ORQ) with the same STag and range.
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
 * &srnic_access_stats.refused; stats.c shows each under its name. The
 * checks run in the order given at
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
 * struct srnic_access_drain - what an invalidation still waits for
 * @mem: the invalidated record, or NULL when no access was in flight.
 *	Only compared with what @stag names, and used as the wait key:
 *	never dereferenced, as the record may be freed meanwhile.
 * @stag: the STag the invalidation named
 * @gen: the generation of the registration it invalidated
 *
 * Filled in by srnic_access_invalidate(). An invalidation is done, and
 * may be reported (the LOCAL_INV completion, the Send with Invalidate's
 * receive completion), once srnic_access_drained() says so.
 */
struct srnic_access_drain {
	struct srnic_mem *mem;
	u32 stag;
	u32 gen;
};

/* The record's life: owner side. */
void srnic_mem_init(struct srnic_mem *mem, enum srnic_mem_type type);
int srnic_mem_set_valid(struct srnic_mem *mem, struct ib_pd *pd, u64 va,
			u64 len, u32 access, u32 flags, u32 qp_id);
void srnic_mem_kill(struct srnic_mem *mem);

/* Accesses: any context, never sleep. */
enum srnic_access_err srnic_access_check(struct srnic_stag_table *t,
					 const struct srnic_access_req *req,
					 struct srnic_access_stats *stats,
					 struct srnic_mem **memp);
void srnic_access_end(struct srnic_mem *mem);

/* Invalidation: the state change never sleeps; only the wait does. */
enum srnic_access_err srnic_access_invalidate(struct srnic_stag_table *t,
					      const struct srnic_access_req *req,
					      struct srnic_access_stats *stats,
					      struct srnic_access_drain *drain);
bool srnic_access_drained(struct srnic_stag_table *t,
			  const struct srnic_access_drain *drain);
void srnic_access_drain_wait(struct srnic_stag_table *t,
			     const struct srnic_access_drain *drain);

/* Reporting a refusal. */
struct srnic_term_code srnic_access_term_code(const struct srnic_access_req *req,
					      enum srnic_access_err err);
const char *srnic_access_err_name(enum srnic_access_err err);

#if IS_ENABLED(CONFIG_KUNIT)
enum srnic_access_err srnic_access_rules(const struct srnic_mem *mem, u8 kind,
					 const struct srnic_access_req *req);
#endif

#endif /* _SRNIC_ACCESS_H */
