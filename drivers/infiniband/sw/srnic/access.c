// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the access check of every tagged operation.
 *
 * Ordering between an access and an invalidation (or a kill) is a
 * store-buffering pair on two words of the record:
 *
 *	access				invalidate
 *	atomic_inc(inflight)		cmpxchg(state, VALID, INVALIDATED)
 *	smp_mb__after_atomic()		(fully ordered)
 *	read state			read inflight until it is 0
 *
 * Either the access sees the new state and fails, or the invalidation
 * sees the access in flight and waits for srnic_access_end(). That drops
 * the count with release semantics and the wait reads it with acquire, so
 * the holder's last touch of the buffer happens before invalidation
 * returns; and from then on nothing touches the buffer until the owner
 * makes the record valid again.
 *
 * The wait spins: holders never sleep and run in softirq or with BH
 * disabled, so none can be preempted on the waiting CPU, and each holds
 * the buffer for one segment's copy at most.
 *
 * Publishing a record is a message-passing pair: the owner writes the
 * fields (PD, bounds, rights, flags, QP; the key through
 * srnic_stag_rekey()) while the record is not valid, then sets VALID
 * with release; every reader reads the state with acquire before any
 * field or the key:
 *
 *	srnic_mem_set_valid()		srnic_access_check(), _invalidate()
 *	write key, pd, va, len, ...	state = atomic_read_acquire(state)
 *	cmpxchg_release(state, VALID)	if VALID: read key, pd, va, len, ...
 *
 * A reader that sees VALID therefore sees the fields of the set_valid()
 * that wrote it, never older ones, also on weakly ordered CPUs (without
 * the acquire, arm64 or POWER may read the fields before the state).
 * The entry's kind is published by srnic_stag_alloc()'s
 * rcu_assign_pointer() of the entry's record pointer; the state load
 * depends on that pointer and the kind is read after the state, so the
 * acquire orders it too.
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/overflow.h>
#include <linux/processor.h>
#include <linux/rcupdate.h>

#include "access.h"

/**
 * srnic_mem_init() - set up a record, not yet valid
 * @mem: the record
 * @type: &enum srnic_mem_type
 */
void srnic_mem_init(struct srnic_mem *mem, enum srnic_mem_type type)
{
	memset(mem, 0, sizeof(*mem));
	atomic_set(&mem->state, SRNIC_MEM_FREE);
	atomic_set(&mem->inflight, 0);
	mem->type = type;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mem_init);

/**
 * srnic_mem_set_valid() - publish the record's fields and make it valid
 * @mem: a record that is FREE or INVALIDATED, no access in flight
 * @pd: PD
 * @va: first byte
 * @len: bytes
 * @access: IB_ACCESS_* rights
 * @flags: SRNIC_MEM_* flags
 * @qp_id: QP number for SRNIC_MEM_QP_SCOPE
 *
 * Return: 0, or -EINVAL if the record is valid or dead, or va + len wraps.
 */
int srnic_mem_set_valid(struct srnic_mem *mem, struct ib_pd *pd, u64 va,
			u64 len, u32 access, u32 flags, u32 qp_id)
{
	/*
	 * No acquire needed: the owner reads its own record, no field is
	 * read after it, and the stores below depend on it by control. The
	 * accesses before an invalidation are ordered before us by
	 * srnic_mem_wait_idle(), which returned before the owner got here.
	 */
	int old = atomic_read(&mem->state);
	u64 last;

	if (old != SRNIC_MEM_FREE && old != SRNIC_MEM_INVALIDATED)
		return -EINVAL;
	/* The buffer may end at 2^64, not beyond. */
	if (len && check_add_overflow(va, len - 1, &last))
		return -EINVAL;
	mem->pd = pd;
	mem->va = va;
	mem->len = len;
	mem->access = access;
	mem->flags = flags;
	mem->qp_id = qp_id;
	/*
	 * Release: the fields above, and a key set by srnic_stag_rekey()
	 * before this call, are visible to whoever sees VALID. Pairs with
	 * the atomic_read_acquire() of the state in srnic_access_check()
	 * and srnic_access_invalidate().
	 */
	if (atomic_cmpxchg_release(&mem->state, old, SRNIC_MEM_VALID) != old)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mem_set_valid);

static void srnic_mem_wait_idle(struct srnic_mem *mem)
{
	/*
	 * Holders do not sleep and run with BH disabled, so they cannot be
	 * waiting behind us on this CPU and finish in a bounded time.
	 */
	/*
	 * Acquire: the holders' last touches of the buffer happened before.
	 * Pairs with the atomic_dec_return_release() in srnic_access_end().
	 */
	while (atomic_read_acquire(&mem->inflight))
		cpu_relax();
}

/**
 * srnic_mem_kill() - make a record unusable for good, wait for accesses
 * @mem: the record
 */
void srnic_mem_kill(struct srnic_mem *mem)
{
	/* Fully ordered: pairs with srnic_access_check()'s full barrier. */
	atomic_xchg(&mem->state, SRNIC_MEM_DEAD);
	srnic_mem_wait_idle(mem);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_mem_kill);

/* Is the name (lkey/rkey) with these rights good for @op? */
static bool srnic_access_allowed(const struct srnic_mem *mem, u8 kind,
				 enum srnic_op op)
{
	bool local = kind == SRNIC_STAG_LOCAL;

	switch (op) {
	case SRNIC_OP_LOCAL_READ:
		return local;
	case SRNIC_OP_LOCAL_WRITE:
		return local && (mem->access & IB_ACCESS_LOCAL_WRITE);
	case SRNIC_OP_REMOTE_READ:
		return !local && (mem->access & IB_ACCESS_REMOTE_READ);
	case SRNIC_OP_REMOTE_WRITE:
		return !local && (mem->access & IB_ACCESS_REMOTE_WRITE);
	case SRNIC_OP_READ_RESP:
		return mem->access &
		       (local ? IB_ACCESS_LOCAL_WRITE : IB_ACCESS_REMOTE_WRITE);
	case SRNIC_OP_BIND:
		return local && mem->type == SRNIC_MEM_MR &&
		       (mem->access & IB_ACCESS_MW_BIND);
	case SRNIC_OP_LOCAL_INV:
		return mem->flags & SRNIC_MEM_LOCAL_INV;
	case SRNIC_OP_REMOTE_INV:
		return !local && (mem->flags & SRNIC_MEM_REMOTE_INV);
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
	u64 off, last;

	if (len && check_add_overflow(addr, len - 1, &last))
		return false;
	if (addr < mem->va)
		return false;
	off = addr - mem->va;
	return len <= mem->len && off <= mem->len - len;
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
	if (mem->pd != req->pd)
		return SRNIC_ACCESS_PD_MISMATCH;
	if ((mem->flags & SRNIC_MEM_QP_SCOPE) && mem->qp_id != req->qp_id)
		return SRNIC_ACCESS_SCOPE;
	if (!srnic_access_allowed(mem, kind, req->op))
		return SRNIC_ACCESS_RIGHTS;
	return SRNIC_ACCESS_OK;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_rules);

static enum srnic_access_err srnic_access_state(int state)
{
	if (state == SRNIC_MEM_VALID)
		return SRNIC_ACCESS_OK;
	if (state == SRNIC_MEM_INVALIDATED)
		return SRNIC_ACCESS_INVALIDATED;
	return SRNIC_ACCESS_INVALID_STAG;
}

static enum srnic_access_err
srnic_access_count(struct srnic_access_stats *stats, enum srnic_access_err err)
{
	if (err != SRNIC_ACCESS_OK && stats)
		atomic64_inc(&stats->refused[err - 1]);
	return err;
}

/**
 * srnic_access_check() - the access check of every tagged operation
 * @t: the device's STag table
 * @req: the request
 * @stats: counters to bump on refusal, or NULL
 * @memp: on success, the record to pass to srnic_access_end()
 *
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
	int state;
	u8 kind;

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
	if (!mem) {
		rcu_read_unlock();
		return srnic_access_count(stats, SRNIC_ACCESS_INVALID_STAG);
	}
	atomic_inc(&mem->inflight);
	/*
	 * Orders the increment before the state read: pairs with the fully
	 * ordered cmpxchg/xchg of invalidate and kill (see the top of the
	 * file).
	 */
	smp_mb__after_atomic();
	/*
	 * Acquire: the key, kind, PD, QP, rights and bounds read below are
	 * those the set_valid() whose VALID we see published. Pairs with
	 * the atomic_cmpxchg_release() in srnic_mem_set_valid(). The full
	 * barrier above orders only the increment before this load, not
	 * this load before the later ones.
	 */
	state = atomic_read_acquire(&mem->state);
	/*
	 * The key after the state: a key changes only while the record is
	 * not valid, and set_valid() publishes it with the state.
	 */
	if (READ_ONCE(e->key) != srnic_stag_key(req->stag))
		err = SRNIC_ACCESS_KEY_MISMATCH;
	else
		err = srnic_access_state(state);
	if (err == SRNIC_ACCESS_OK) {
		kind = READ_ONCE(e->kind);
		err = srnic_access_rules(mem, kind, req);
	}
	if (err == SRNIC_ACCESS_OK &&
	    !srnic_access_in_bounds(mem, req->addr, req->len))
		err = SRNIC_ACCESS_BOUNDS;
	if (err != SRNIC_ACCESS_OK)
		srnic_access_end(mem);
	else
		*memp = mem;
	rcu_read_unlock();
	return srnic_access_count(stats, err);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_check);

/**
 * srnic_access_end() - the buffer is no longer touched
 * @mem: the record from srnic_access_check(), may be NULL
 */
void srnic_access_end(struct srnic_mem *mem)
{
	/*
	 * Release: every touch of the buffer is done before the count drops.
	 * Pairs with the atomic_read_acquire() in srnic_mem_wait_idle().
	 */
	if (mem)
		atomic_dec_return_release(&mem->inflight);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_end);

/**
 * srnic_access_invalidate() - local or remote invalidation
 * @t: the device's STag table
 * @req: SRNIC_OP_LOCAL_INV or SRNIC_OP_REMOTE_INV, by whom
 * @stats: counters to bump on refusal, or NULL
 *
 * Return: SRNIC_ACCESS_OK or the reason of the refusal.
 */
enum srnic_access_err srnic_access_invalidate(struct srnic_stag_table *t,
					      const struct srnic_access_req *req,
					      struct srnic_access_stats *stats)
{
	enum srnic_access_err err;
	struct srnic_stag_entry *e;
	struct srnic_mem *mem;
	int state;

	if (WARN_ON_ONCE(req->op != SRNIC_OP_LOCAL_INV &&
			 req->op != SRNIC_OP_REMOTE_INV))
		return srnic_access_count(stats, SRNIC_ACCESS_RIGHTS);

	rcu_read_lock();
	e = srnic_stag_lookup(t, req->stag);
	mem = e ? rcu_dereference(e->mem) : NULL;
	if (!mem) {
		err = SRNIC_ACCESS_INVALID_STAG;
		goto out;
	}
	/*
	 * Acquire: the key, kind, PD, QP and flags checked below are those
	 * the set_valid() whose VALID we see published. Pairs with the
	 * atomic_cmpxchg_release() in srnic_mem_set_valid().
	 */
	state = atomic_read_acquire(&mem->state);
	if (READ_ONCE(e->key) != srnic_stag_key(req->stag))
		err = SRNIC_ACCESS_KEY_MISMATCH;
	else
		err = srnic_access_state(state);
	if (err == SRNIC_ACCESS_OK)
		err = srnic_access_rules(mem, READ_ONCE(e->kind), req);
	if (err != SRNIC_ACCESS_OK)
		goto out;
	/*
	 * Of two racing invalidations (or a kill), one wins. Fully ordered
	 * when it succeeds: pairs with srnic_access_check()'s full barrier.
	 */
	state = atomic_cmpxchg(&mem->state, SRNIC_MEM_VALID,
			       SRNIC_MEM_INVALIDATED);
	if (state != SRNIC_MEM_VALID) {
		err = srnic_access_state(state);
		goto out;
	}
	srnic_mem_wait_idle(mem);
out:
	rcu_read_unlock();
	return srnic_access_count(stats, err);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_invalidate);

/**
 * srnic_access_term_code() - the Terminate code part 2 sends for a refusal
 * @req: the refused request
 * @err: the refusal, not SRNIC_ACCESS_OK
 *
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
 * Return: the name; "unknown" for a value out of range.
 */
const char *srnic_access_err_name(enum srnic_access_err err)
{
	if ((unsigned int)err >= SRNIC_ACCESS_NR)
		return "unknown";
	return srnic_access_err_names[err];
}
EXPORT_SYMBOL_IF_KUNIT(srnic_access_err_name);
