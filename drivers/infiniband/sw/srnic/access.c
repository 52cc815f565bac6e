// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the access check of every tagged operation.
 *
 * A record's accesses in flight, its state and its generation share one
 * word (access.h), and every change of it that depends on what was
 * checked is a cmpxchg from the word that was checked:
 *
 *	access			invalidate		set_valid (owner)
 *	w = read_acquire	w = read_acquire	w = read
 *	check key, fields	check key, fields	FREE/INVALIDATED, 0 in
 *	against w (VALID)	against w (VALID)	flight; write fields
 *	cmpxchg(w, w + 1)	cmpxchg(w, INVAL|w)	cmpxchg_release(w,
 *	  acquire		  fully ordered		  VALID | gen + 1)
 *
 * The generation is why this is safe against reuse (ABA): between the
 * read and the cmpxchg the owner may invalidate the record, give it a new
 * key and make it valid again. Without the generation that is the same
 * VALID word, and an invalidation checked against the old key would
 * land on the new registration; an access would be counted into it.
 * With it the cmpxchg fails, and the access or invalidation is checked
 * again, against what the record is now. A refused access writes
 * nothing, so a peer that sprays a stale STag cannot make the owner's
 * set_valid() find accesses in flight.
 *
 * Draining: an invalidation does not wait. Accesses counted before its
 * cmpxchg are in the count it left; none is added after it (the word is
 * no longer VALID), so the count only falls. srnic_access_end() drops it
 * with release and, when it reaches zero on a record that is not valid,
 * wakes whoever waits on the record's address; waiters read the count
 * with acquire, so the holders' last touches of the buffer happen before
 * the wait returns. Waiting sleeps: holders may be preempted, and an
 * invalidation posted from atomic context (post_send in softirq) is
 * completed from a work item, in process context, once drained (qp.c).
 * srnic_mem_kill() waits the same way.
 *
 * Publishing a record is a message-passing pair: the owner writes the
 * fields (PD, bounds, rights, flags, QP; the key through
 * srnic_stag_rekey()) while the record is not valid, then sets VALID
 * with release; every reader reads the word with acquire before any
 * field or the key, and trusts what it read only if its cmpxchg then
 * finds the same VALID generation. A reader that sees VALID therefore
 * sees the fields of the set_valid() that wrote it, never older ones,
 * also on weakly ordered CPUs. The entry's kind is published by
 * srnic_stag_alloc()'s rcu_assign_pointer() of the entry's record
 * pointer; the word load depends on that pointer and the kind is read
 * after it, so the acquire orders it too.
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/wait_bit.h>

#include "access.h"

static u64 srnic_mem_word(u64 gen, enum srnic_mem_state state, u64 inflight)
{
	return FIELD_PREP(SRNIC_MEM_GEN, gen) |
	       FIELD_PREP(SRNIC_MEM_STATE, state) |
	       FIELD_PREP(SRNIC_MEM_INFLIGHT, inflight);
}

static enum srnic_mem_state srnic_mem_w_state(u64 w)
{
	return FIELD_GET(SRNIC_MEM_STATE, w);
}

static u32 srnic_mem_w_gen(u64 w)
{
	return FIELD_GET(SRNIC_MEM_GEN, w);
}

static u32 srnic_mem_w_inflight(u64 w)
{
	return FIELD_GET(SRNIC_MEM_INFLIGHT, w);
}

/* Same registration: state and generation, whatever the count. */
static bool srnic_mem_w_same(u64 a, u64 b)
{
	return !((a ^ b) & ~SRNIC_MEM_INFLIGHT);
}

/**
 * srnic_mem_init() - set up a record, not yet valid
 * @mem: the record
 * @type: &enum srnic_mem_type
 *
 * Context: any.
 */
void srnic_mem_init(struct srnic_mem *mem, enum srnic_mem_type type)
{
	BUILD_BUG_ON(FIELD_MAX(SRNIC_MEM_STATE) != SRNIC_MEM_DEAD);
	memset(mem, 0, sizeof(*mem));
	atomic64_set(&mem->state, srnic_mem_word(0, SRNIC_MEM_FREE, 0));
	mem->type = type;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mem_init);

/**
 * srnic_mem_set_valid() - publish the record's fields and make it valid
 * @mem: a record in state FREE or INVALIDATED (after srnic_mem_init(), or
 *	after an invalidation that has drained)
 * @pd: PD
 * @va: first byte
 * @len: bytes
 * @access: IB_ACCESS_* rights
 * @flags: SRNIC_MEM_* flags
 * @qp_id: QP number for SRNIC_MEM_QP_SCOPE, else ignored
 *
 * Used for registration, IB_WR_REG_MR and MW bind. The registration gets
 * the next generation, so that nothing checked against an earlier one
 * can act on it. Changing the fields under an access still in flight
 * would let it touch a buffer it was not granted; that is refused.
 *
 * Context: any, does not sleep.
 * Return: 0; -EBUSY if accesses of the previous registration are still
 * in flight (its invalidation has not drained); -EINVAL if the record is
 * valid or dead, or va + len wraps.
 */
int srnic_mem_set_valid(struct srnic_mem *mem, struct ib_pd *pd, u64 va,
			u64 len, u32 access, u32 flags, u32 qp_id)
{
	/*
	 * No acquire needed: the owner reads its own record, and nothing
	 * read below depends on it. The accesses of the last registration
	 * are ordered before us by the drain that told the owner it was
	 * over (acquire of the count).
	 */
	s64 old = atomic64_read(&mem->state);
	u64 last;

	switch (srnic_mem_w_state(old)) {
	case SRNIC_MEM_FREE:
	case SRNIC_MEM_INVALIDATED:
		break;
	default:
		return -EINVAL;
	}
	/* Accesses only ever join a VALID word: this count only falls. */
	if (srnic_mem_w_inflight(old))
		return -EBUSY;
	/* The buffer may end at 2^64, not beyond. */
	if (len && check_add_overflow(va, len - 1, &last))
		return -EINVAL;
	WRITE_ONCE(mem->pd, pd);
	WRITE_ONCE(mem->va, va);
	WRITE_ONCE(mem->len, len);
	WRITE_ONCE(mem->access, access);
	WRITE_ONCE(mem->flags, flags);
	WRITE_ONCE(mem->qp_id, qp_id);
	/*
	 * Release: the fields above, and a key set by srnic_stag_rekey()
	 * before this call, are visible to whoever sees this VALID. Pairs
	 * with the atomic64_read_acquire() of the word in
	 * srnic_access_check() and srnic_access_invalidate(). Fails only
	 * if the owner raced with itself (a kill).
	 */
	if (!atomic64_try_cmpxchg_release(&mem->state, &old,
					  srnic_mem_word(srnic_mem_w_gen(old) + 1,
							 SRNIC_MEM_VALID, 0)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mem_set_valid);

/* Acquire: the holders' touches of the buffer happened before. */
static bool srnic_mem_idle(struct srnic_mem *mem)
{
	return !srnic_mem_w_inflight(atomic64_read_acquire(&mem->state));
}

/**
 * srnic_mem_kill() - make a record unusable for good, wait for accesses
 * @mem: the record
 *
 * For deregistration/deallocation. After it returns no access is in
 * flight and none can pass; then free the names (srnic_stag_free()) and,
 * after an RCU grace period, the object.
 *
 * Context: process context; sleeps while accesses are in flight. Must
 * not be called by a holder of an access to @mem.
 */
void srnic_mem_kill(struct srnic_mem *mem)
{
	might_sleep();
	/*
	 * DEAD is all ones of the state field: from any state, keeping the
	 * count and generation. Accesses counted before are waited for;
	 * any cmpxchg after it fails.
	 */
	atomic64_or(srnic_mem_word(0, SRNIC_MEM_DEAD, 0), &mem->state);
	wait_var_event(mem, srnic_mem_idle(mem));
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mem_kill);

/* Is the name (lkey/rkey) with these rights good for @op? */
static bool srnic_access_allowed(const struct srnic_mem *mem, u8 kind,
				 enum srnic_op op)
{
	u32 access = READ_ONCE(mem->access), flags = READ_ONCE(mem->flags);
	bool local = kind == SRNIC_STAG_LOCAL;

	switch (op) {
	case SRNIC_OP_LOCAL_READ:
		return local;
	case SRNIC_OP_LOCAL_WRITE:
		return local && (access & IB_ACCESS_LOCAL_WRITE);
	case SRNIC_OP_REMOTE_READ:
		return !local && (access & IB_ACCESS_REMOTE_READ);
	case SRNIC_OP_REMOTE_WRITE:
		return !local && (access & IB_ACCESS_REMOTE_WRITE);
	case SRNIC_OP_READ_RESP:
		return access &
		       (local ? IB_ACCESS_LOCAL_WRITE : IB_ACCESS_REMOTE_WRITE);
	case SRNIC_OP_BIND:
		return local && mem->type == SRNIC_MEM_MR &&
		       (access & IB_ACCESS_MW_BIND);
	case SRNIC_OP_LOCAL_INV:
		return flags & SRNIC_MEM_LOCAL_INV;
	case SRNIC_OP_REMOTE_INV:
		return !local && (flags & SRNIC_MEM_REMOTE_INV);
	default:
		return false;
	}
}

/*
 * [addr, addr + len) inside [va, va + mem->len), byte granular, with no
 * sum that can wrap: work on the offset from va. A zero-length access
 * passes anywhere in [va, va + mem->len].
 */
static bool srnic_access_in_bounds(const struct srnic_mem *mem, u64 addr,
				   u64 len)
{
	u64 va = READ_ONCE(mem->va), size = READ_ONCE(mem->len);
	u64 off, last;

	if (len && check_add_overflow(addr, len - 1, &last))
		return false;
	if (addr < va)
		return false;
	off = addr - va;
	return len <= size && off <= size - len;
}

/**
 * srnic_access_rules() - the checks after the key and the state
 * @mem: the record, read after its state
 * @kind: &enum srnic_stag_kind of the name used
 * @req: the request
 *
 * Shared by the access check and invalidation. A KUnit static stub can
 * replace it, to run something in the window between reading a record
 * and acting on it.
 *
 * Return: SRNIC_ACCESS_OK, or the PD, scope or rights refusal.
 */
VISIBLE_IF_KUNIT enum srnic_access_err
srnic_access_rules(const struct srnic_mem *mem, u8 kind,
		   const struct srnic_access_req *req)
{
	KUNIT_STATIC_STUB_REDIRECT(srnic_access_rules, mem, kind, req);
	if (READ_ONCE(mem->pd) != req->pd)
		return SRNIC_ACCESS_PD_MISMATCH;
	if ((READ_ONCE(mem->flags) & SRNIC_MEM_QP_SCOPE) &&
	    READ_ONCE(mem->qp_id) != req->qp_id)
		return SRNIC_ACCESS_SCOPE;
	if (!srnic_access_allowed(mem, kind, req->op))
		return SRNIC_ACCESS_RIGHTS;
	return SRNIC_ACCESS_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_rules);

static enum srnic_access_err srnic_access_state(u64 w)
{
	switch (srnic_mem_w_state(w)) {
	case SRNIC_MEM_VALID:
		return SRNIC_ACCESS_OK;
	case SRNIC_MEM_INVALIDATED:
		return SRNIC_ACCESS_INVALIDATED;
	default:
		return SRNIC_ACCESS_INVALID_STAG;
	}
}

/*
 * Everything but the bounds, against the registration of word @w, which
 * was read with acquire: key (the key after the word: it changes only
 * while the record is not valid, and set_valid() publishes it with the
 * state), state, then PD, scope and rights.
 */
static enum srnic_access_err
srnic_access_judge(const struct srnic_stag_entry *e,
		   const struct srnic_mem *mem, u64 w,
		   const struct srnic_access_req *req)
{
	enum srnic_access_err err;

	if (READ_ONCE(e->key) != srnic_stag_key(req->stag))
		return SRNIC_ACCESS_KEY_MISMATCH;
	err = srnic_access_state(w);
	if (err != SRNIC_ACCESS_OK)
		return err;
	return srnic_access_rules(mem, READ_ONCE(e->kind), req);
}

static enum srnic_access_err
srnic_access_count(struct srnic_access_stats *stats, enum srnic_access_err err)
{
	if (err != SRNIC_ACCESS_OK && stats)
		atomic64_inc(&stats->refused[err - 1]);
	return err;
}

/*
 * Check @req against what @mem is now and, if it passes, count one more
 * access into that very registration. Under rcu_read_lock().
 */
static enum srnic_access_err
srnic_access_begin(const struct srnic_stag_entry *e, struct srnic_mem *mem,
		   const struct srnic_access_req *req)
{
	enum srnic_access_err err;
	s64 w, seen;

	w = atomic64_read_acquire(&mem->state);
	for (;;) {
		err = srnic_access_judge(e, mem, w, req);
		if (err == SRNIC_ACCESS_OK &&
		    !srnic_access_in_bounds(mem, req->addr, req->len))
			err = SRNIC_ACCESS_BOUNDS;
		if (err != SRNIC_ACCESS_OK)
			return err;
		do {
			seen = w;
			/*
			 * Acquire: the buffer is touched after we are
			 * counted, so an invalidation that saw the count
			 * waits for the touches.
			 */
			if (atomic64_try_cmpxchg_acquire(&mem->state, &w, w + 1))
				return SRNIC_ACCESS_OK;
			/* Only the count moved: what we checked holds. */
		} while (srnic_mem_w_same(w, seen));
		/*
		 * Another state or registration: check again. A failed
		 * cmpxchg orders nothing, so read the word with acquire.
		 */
		w = atomic64_read_acquire(&mem->state);
	}
}

/**
 * srnic_access_check() - the access check of every tagged operation
 * @t: the device's STag table
 * @req: the request; @req->op must not be an invalidation
 * @stats: counters to bump on refusal, or NULL
 * @memp: on success, set to the record (NULL for a zero-length Read);
 *	the caller touches the buffer, then calls srnic_access_end()
 *
 * Checks, in order: zero-length RDMA Read (passes, RFC 5042 6.3.5), index
 * live, key, state (invalidated, then not valid), PD, QP scope, the name
 * (lkey/rkey) and rights for @req->op, byte-granular bounds
 * [addr, addr + len) within [va, va + len) computed without overflow
 * (zero length passes at any addr in [va, va + len]). A granted access is
 * counted into the registration it was checked against, never a later
 * one; a refused one leaves the record untouched.
 *
 * Context: softirq, or process context with BH disabled; does not sleep.
 * Takes rcu_read_lock() itself. Between a successful return and
 * srnic_access_end() the caller must not sleep, and should be brief: an
 * invalidation's completion waits for it.
 * Return: SRNIC_ACCESS_OK or the reason of the refusal.
 */
enum srnic_access_err srnic_access_check(struct srnic_stag_table *t,
					 const struct srnic_access_req *req,
					 struct srnic_access_stats *stats,
					 struct srnic_mem **memp)
{
	enum srnic_access_err err;
	struct srnic_stag_entry *e;
	struct srnic_mem *mem;

	*memp = NULL;
	lockdep_assert_preemption_disabled();
	/* RFC 5042 6.3.5: no data, no STag needed. */
	if (req->op == SRNIC_OP_REMOTE_READ && !req->len)
		return SRNIC_ACCESS_OK;
	if (WARN_ON_ONCE(req->op >= SRNIC_OP_LOCAL_INV))
		return srnic_access_count(stats, SRNIC_ACCESS_RIGHTS);

	rcu_read_lock();
	e = srnic_stag_lookup(t, req->stag);
	mem = e ? rcu_dereference(e->mem) : NULL;
	if (mem) {
		err = srnic_access_begin(e, mem, req);
		if (err == SRNIC_ACCESS_OK)
			*memp = mem;
	} else {
		err = SRNIC_ACCESS_INVALID_STAG;
	}
	rcu_read_unlock();
	return srnic_access_count(stats, err);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_check);

/**
 * srnic_access_end() - the buffer is no longer touched
 * @mem: the record from srnic_access_check(), may be NULL
 *
 * Context: any, does not sleep. @mem may be freed as soon as the count
 * drops, so it is not dereferenced after.
 */
void srnic_access_end(struct srnic_mem *mem)
{
	s64 w;

	if (!mem)
		return;
	/*
	 * Release: every touch of the buffer is done before the count
	 * drops. Pairs with the acquire in srnic_mem_idle() and
	 * srnic_access_drained().
	 */
	w = atomic64_dec_return_release(&mem->state);
	if (srnic_mem_w_inflight(w) ||
	    srnic_mem_w_state(w) == SRNIC_MEM_VALID)
		return;
	/*
	 * The last access of an invalidated or dying record: a waiter may
	 * sleep on it. The barrier orders the count before
	 * wake_up_var()'s waitqueue_active(), against the waiter's
	 * enqueue before its look at the count. Only the address is used.
	 */
	smp_mb();
	wake_up_var(mem);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_end);

/* Check and invalidate the registration @mem is now; under RCU. */
static enum srnic_access_err
srnic_access_inv_one(const struct srnic_stag_entry *e, struct srnic_mem *mem,
		     const struct srnic_access_req *req,
		     struct srnic_access_drain *drain)
{
	enum srnic_access_err err;
	s64 w, seen;

	w = atomic64_read_acquire(&mem->state);
	for (;;) {
		err = srnic_access_judge(e, mem, w, req);
		if (err != SRNIC_ACCESS_OK)
			return err;
		do {
			seen = w;
			/*
			 * Of two racing invalidations (or a kill), one wins;
			 * and only on the registration that was checked.
			 */
			if (atomic64_try_cmpxchg(&mem->state, &w,
						 srnic_mem_word(srnic_mem_w_gen(w),
								SRNIC_MEM_INVALIDATED,
								srnic_mem_w_inflight(w))))
				goto done;
		} while (srnic_mem_w_same(w, seen));
		w = atomic64_read_acquire(&mem->state);
	}
done:
	drain->mem = srnic_mem_w_inflight(w) ? mem : NULL;
	drain->stag = req->stag;
	drain->gen = srnic_mem_w_gen(w);
	return SRNIC_ACCESS_OK;
}

/**
 * srnic_access_invalidate() - local or remote invalidation
 * @t: the device's STag table
 * @req: @req->op is SRNIC_OP_LOCAL_INV or SRNIC_OP_REMOTE_INV; @addr and
 *	@len are ignored; @pd and @qp_id are the invalidating QP's
 * @stats: counters to bump on refusal, or NULL
 * @drain: on success, what the invalidation still waits for
 *
 * Checks index, full key, state (must be valid), PD, QP scope, and that
 * the record may be invalidated this way; then moves that registration,
 * and no later one, to INVALIDATED. From then on no access passes
 * (RFC 5042 6.2.2), so a caller that checks each segment as it goes stops
 * even a Read Response queued before. Accesses that passed before may
 * still be touching the buffer: the invalidation is complete, and may be
 * reported, only once srnic_access_drained() is true (or
 * srnic_access_drain_wait() returned).
 *
 * Context: any, does not sleep or wait.
 * Return: SRNIC_ACCESS_OK or the reason of the refusal.
 */
enum srnic_access_err srnic_access_invalidate(struct srnic_stag_table *t,
					      const struct srnic_access_req *req,
					      struct srnic_access_stats *stats,
					      struct srnic_access_drain *drain)
{
	enum srnic_access_err err;
	struct srnic_stag_entry *e;
	struct srnic_mem *mem;

	if (WARN_ON_ONCE(req->op != SRNIC_OP_LOCAL_INV &&
			 req->op != SRNIC_OP_REMOTE_INV))
		return srnic_access_count(stats, SRNIC_ACCESS_RIGHTS);

	rcu_read_lock();
	e = srnic_stag_lookup(t, req->stag);
	mem = e ? rcu_dereference(e->mem) : NULL;
	if (mem)
		err = srnic_access_inv_one(e, mem, req, drain);
	else
		err = SRNIC_ACCESS_INVALID_STAG;
	rcu_read_unlock();
	return srnic_access_count(stats, err);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_invalidate);

/**
 * srnic_access_drained() - is an invalidation complete?
 * @t: the device's STag table
 * @drain: from a successful srnic_access_invalidate()
 *
 * True once no access counted into the invalidated registration is in
 * flight. Looks the record up by the STag again rather than trusting
 * the pointer: if the name no longer leads to it, the record was killed,
 * which waits for its accesses, before its name was freed.
 *
 * Context: any, does not sleep. Once it returned true, the accesses'
 * touches of the buffer happened before (acquire).
 * Return: true if the invalidation is complete.
 */
bool srnic_access_drained(struct srnic_stag_table *t,
			  const struct srnic_access_drain *drain)
{
	struct srnic_stag_entry *e;
	struct srnic_mem *mem;
	bool busy = false;
	s64 w;

	if (!drain->mem)
		return true;
	rcu_read_lock();
	e = srnic_stag_lookup(t, drain->stag);
	mem = e ? rcu_dereference(e->mem) : NULL;
	if (mem == drain->mem) {
		w = atomic64_read_acquire(&mem->state);
		busy = srnic_mem_w_gen(w) == drain->gen &&
		       srnic_mem_w_state(w) != SRNIC_MEM_VALID &&
		       srnic_mem_w_inflight(w);
	}
	rcu_read_unlock();
	return !busy;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_drained);

/**
 * srnic_access_drain_wait() - sleep until an invalidation is complete
 * @t: the device's STag table
 * @drain: from a successful srnic_access_invalidate()
 *
 * Woken by the srnic_access_end() that drops the last access.
 *
 * Context: process context, sleeps. Must not be called by a holder of an
 * access to the invalidated record.
 */
void srnic_access_drain_wait(struct srnic_stag_table *t,
			     const struct srnic_access_drain *drain)
{
	might_sleep();
	if (drain->mem)
		wait_var_event(drain->mem, srnic_access_drained(t, drain));
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_drain_wait);

/**
 * srnic_access_term_code() - the Terminate code sent for a refusal
 * @req: the refused request
 * @err: the refusal, not SRNIC_ACCESS_OK
 *
 * Tagged placement (Write, Read Response) reports DDP tagged buffer
 * errors; everything else (Read Requests, Send with Invalidate) reports
 * RDMAP remote protection errors (RFC 5040 section 7). A bounds refusal
 * whose addr + len wraps 2^64 is reported as a TO wrap.
 *
 * Context: any.
 * Return: layer, error type and code.
 */
struct srnic_term_code srnic_access_term_code(const struct srnic_access_req *req,
					      enum srnic_access_err err)
{
	struct srnic_term_code tc;
	u64 last;
	bool wrap;

	wrap = req->len && check_add_overflow(req->addr, req->len - 1, &last);

	if (req->op == SRNIC_OP_REMOTE_WRITE || req->op == SRNIC_OP_READ_RESP) {
		tc.layer = SRNIC_TERM_LAYER_DDP;
		tc.etype = SRNIC_DDP_ETYPE_TAGGED_BUF;
		switch (err) {
		case SRNIC_ACCESS_BOUNDS:
			tc.ecode = wrap ? SRNIC_DDP_ECODE_T_TO_WRAP :
					  SRNIC_DDP_ECODE_T_BASE_BOUNDS;
			break;
		case SRNIC_ACCESS_PD_MISMATCH:
		case SRNIC_ACCESS_SCOPE:
			tc.ecode = SRNIC_DDP_ECODE_T_STAG_NOT_ASSOC;
			break;
		default:
			/* DDP has no rights code: the STag is invalid for it. */
			tc.ecode = SRNIC_DDP_ECODE_T_INVALID_STAG;
			break;
		}
		return tc;
	}

	tc.layer = SRNIC_TERM_LAYER_RDMAP;
	tc.etype = SRNIC_RDMAP_ETYPE_REMOTE_PROTECTION;
	switch (err) {
	case SRNIC_ACCESS_BOUNDS:
		tc.ecode = wrap ? SRNIC_RDMAP_ECODE_TO_WRAP :
				  SRNIC_RDMAP_ECODE_BASE_BOUNDS;
		break;
	case SRNIC_ACCESS_PD_MISMATCH:
	case SRNIC_ACCESS_SCOPE:
		tc.ecode = SRNIC_RDMAP_ECODE_STAG_NOT_ASSOC;
		break;
	case SRNIC_ACCESS_RIGHTS:
		tc.ecode = req->op == SRNIC_OP_REMOTE_INV ?
			   SRNIC_RDMAP_ECODE_CANNOT_INVALIDATE :
			   SRNIC_RDMAP_ECODE_ACCESS_RIGHTS;
		break;
	default:
		tc.ecode = SRNIC_RDMAP_ECODE_INVALID_STAG;
		break;
	}
	return tc;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_term_code);

static const char * const srnic_access_err_names[SRNIC_ACCESS_NR] = {
	[SRNIC_ACCESS_OK] = "ok",
	[SRNIC_ACCESS_INVALID_STAG] = "invalid_stag",
	[SRNIC_ACCESS_KEY_MISMATCH] = "key_mismatch",
	[SRNIC_ACCESS_PD_MISMATCH] = "pd_mismatch",
	[SRNIC_ACCESS_SCOPE] = "scope_violation",
	[SRNIC_ACCESS_RIGHTS] = "rights_violation",
	[SRNIC_ACCESS_BOUNDS] = "bounds_violation",
	[SRNIC_ACCESS_INVALIDATED] = "access_after_invalidate",
};

/**
 * srnic_access_err_name() - short name of a refusal for logs and counters
 * @err: the value
 *
 * Context: any.
 * Return: e.g. "key_mismatch"; "unknown" for a value out of range.
 */
const char *srnic_access_err_name(enum srnic_access_err err)
{
	if ((unsigned int)err >= SRNIC_ACCESS_NR)
		return "unknown";
	return srnic_access_err_names[err];
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_err_name);
