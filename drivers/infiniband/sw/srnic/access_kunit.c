// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the access check (access.c). One table row per rule and edge,
 * then invalidation: its checks, that no access passes once it returned
 * and none still runs once it completed, even when racing with it, and
 * that a record is not made valid under an access; that a record seen
 * valid carries the fields and key published with it; last, that nothing
 * checked against one registration acts on the next (ABA).
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "access.h"
#include "stag.h"

#define T_VA		0x10000ULL
#define T_LEN		0x1000ULL
#define T_TOP_VA	(U64_MAX - T_LEN + 1)	/* ends exactly at 2^64 */
#define T_QP		7
#define T_OTHER_QP	8

/* The fixture's objects. */
enum srnic_t_obj {
	T_MR_RW,	/* local write, remote read and write, MW bind */
	T_MR_RO,	/* remote read only */
	T_MR_WO,	/* remote write only */
	T_MR_QP,	/* remote read and write, QP scope (T_QP) */
	T_MW2B,		/* type 2B window bound to T_QP, read and write */
	T_MR_TOP,	/* remote read and write, last page of the space */
	T_NR_OBJ
};

/* Which name the request carries. */
enum srnic_t_name {
	T_LKEY,
	T_RKEY,
	T_BAD_INDEX,	/* an index nobody has */
	T_BAD_KEY,	/* the rkey's index with another key */
};

struct srnic_t_fix {
	struct srnic_stag_table t;
	struct srnic_access_stats stats;
	struct ib_pd *pd, *other_pd;
	struct srnic_mem mem[T_NR_OBJ];
	u32 lkey[T_NR_OBJ];
	u32 rkey[T_NR_OBJ];
};

static const struct {
	enum srnic_mem_type type;
	u64 va;
	u32 access;
	u32 flags;
} srnic_t_objs[T_NR_OBJ] = {
	[T_MR_RW] = { SRNIC_MEM_MR, T_VA, IB_ACCESS_LOCAL_WRITE |
		      IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE |
		      IB_ACCESS_MW_BIND, SRNIC_MEM_LOCAL_INV },
	[T_MR_RO] = { SRNIC_MEM_MR, T_VA, IB_ACCESS_REMOTE_READ,
		      SRNIC_MEM_LOCAL_INV | SRNIC_MEM_REMOTE_INV },
	[T_MR_WO] = { SRNIC_MEM_MR, T_VA, IB_ACCESS_LOCAL_WRITE |
		      IB_ACCESS_REMOTE_WRITE,
		      SRNIC_MEM_LOCAL_INV | SRNIC_MEM_REMOTE_INV },
	[T_MR_QP] = { SRNIC_MEM_MR, T_VA, IB_ACCESS_REMOTE_READ |
		      IB_ACCESS_REMOTE_WRITE, SRNIC_MEM_QP_SCOPE |
		      SRNIC_MEM_LOCAL_INV | SRNIC_MEM_REMOTE_INV },
	[T_MW2B] = { SRNIC_MEM_MW2B, T_VA, IB_ACCESS_REMOTE_READ |
		     IB_ACCESS_REMOTE_WRITE, SRNIC_MEM_QP_SCOPE |
		     SRNIC_MEM_LOCAL_INV | SRNIC_MEM_REMOTE_INV },
	[T_MR_TOP] = { SRNIC_MEM_MR, T_TOP_VA, IB_ACCESS_REMOTE_READ |
		       IB_ACCESS_REMOTE_WRITE, 0 },
};

static void srnic_t_fix_exit(void *data)
{
	struct srnic_t_fix *f = data;
	int i;

	for (i = 0; i < T_NR_OBJ; i++) {
		srnic_mem_kill(&f->mem[i]);
		srnic_stag_free(&f->t, f->lkey[i]);
		srnic_stag_free(&f->t, f->rkey[i]);
	}
	srnic_stag_table_destroy(&f->t);
}

static struct srnic_t_fix *srnic_t_fix(struct kunit *test)
{
	struct srnic_t_fix *f;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	/* PDs are compared by address only. */
	f->pd = kunit_kzalloc(test, sizeof(*f->pd), GFP_KERNEL);
	f->other_pd = kunit_kzalloc(test, sizeof(*f->pd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->pd);
	KUNIT_ASSERT_NOT_NULL(test, f->other_pd);
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_table_init(&f->t));
	for (i = 0; i < T_NR_OBJ; i++) {
		srnic_mem_init(&f->mem[i], srnic_t_objs[i].type);
		KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(&f->t, &f->mem[i],
							  SRNIC_STAG_LOCAL,
							  &f->lkey[i]));
		KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(&f->t, &f->mem[i],
							  SRNIC_STAG_REMOTE,
							  &f->rkey[i]));
		KUNIT_ASSERT_EQ(test, 0, srnic_mem_set_valid(&f->mem[i], f->pd,
							     srnic_t_objs[i].va,
							     T_LEN,
							     srnic_t_objs[i].access,
							     srnic_t_objs[i].flags,
							     T_QP));
	}
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, srnic_t_fix_exit, f));
	return f;
}

/* An STag whose index names nothing, with the key of @stag. */
static u32 srnic_t_unused_stag(struct srnic_t_fix *f, u32 stag)
{
	u32 index = srnic_stag_index(stag), cand;
	bool used;

	do {
		index = index % SRNIC_STAG_INDEX_MAX + 1;
		cand = srnic_stag_make(index, srnic_stag_key(stag));
		rcu_read_lock();
		used = srnic_stag_lookup(&f->t, cand);
		rcu_read_unlock();
	} while (used);
	return cand;
}

static u32 srnic_t_stag(struct srnic_t_fix *f, enum srnic_t_obj obj,
			enum srnic_t_name name)
{
	switch (name) {
	case T_LKEY:
		return f->lkey[obj];
	case T_RKEY:
		return f->rkey[obj];
	case T_BAD_INDEX:
		return srnic_t_unused_stag(f, f->rkey[obj]);
	case T_BAD_KEY:
	default:
		return f->rkey[obj] ^ 0x5a;
	}
}

/* Access sections run with BH disabled, as in the driver. */
static enum srnic_access_err srnic_t_check(struct srnic_t_fix *f,
					   const struct srnic_access_req *req)
{
	enum srnic_access_err err;
	struct srnic_mem *mem;

	local_bh_disable();
	err = srnic_access_check(&f->t, req, &f->stats, &mem);
	srnic_access_end(mem);
	local_bh_enable();
	return err;
}

/* Invalidate, and wait for the invalidation to complete, as the owner. */
static enum srnic_access_err srnic_t_inv(struct srnic_t_fix *f,
					 const struct srnic_access_req *req,
					 struct srnic_access_stats *stats)
{
	struct srnic_access_drain drain;
	enum srnic_access_err err;

	err = srnic_access_invalidate(&f->t, req, stats, &drain);
	if (err == SRNIC_ACCESS_OK)
		srnic_access_drain_wait(&f->t, &drain);
	return err;
}

struct srnic_t_acc {
	const char *name;
	enum srnic_t_obj obj;
	enum srnic_t_name stag;
	enum srnic_op op;
	u64 off;		/* addr = the object's va + off (mod 2^64) */
	u64 len;
	bool other_pd;
	bool other_qp;
	enum srnic_access_err want;
	u8 layer;		/* the Terminate a refusal maps to */
	u8 ecode;
};

#define RD	SRNIC_TERM_LAYER_RDMAP
#define DD	SRNIC_TERM_LAYER_DDP

static const struct srnic_t_acc srnic_t_accs[] = {
	/* bounds, byte granular */
	{ "write_whole_buffer_passes", T_MR_RW, T_RKEY, SRNIC_OP_REMOTE_WRITE,
	  0, T_LEN },
	{ "write_ending_at_exact_end_passes", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, T_LEN - 16, 16 },
	{ "write_one_byte_past_end_terminates", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, T_LEN - 15, 16, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_BASE_BOUNDS },
	{ "write_one_byte_before_start_terminates", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, (u64)-1, 16, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_BASE_BOUNDS },
	{ "write_last_byte_passes", T_MR_RW, T_RKEY, SRNIC_OP_REMOTE_WRITE,
	  T_LEN - 1, 1 },
	{ "write_longer_than_buffer_terminates", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, T_LEN + 1, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_BASE_BOUNDS },
	{ "write_addr_len_wrap_terminates_to_wrap", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 16, U64_MAX, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_TO_WRAP },
	{ "read_addr_len_wrap_terminates_to_wrap", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 16, U64_MAX - 8, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = RD, .ecode = SRNIC_RDMAP_ECODE_TO_WRAP },
	{ "zero_length_write_at_end_passes", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, T_LEN, 0 },
	{ "zero_length_write_past_end_terminates", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, T_LEN + 1, 0, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_BASE_BOUNDS },
	{ "top_of_space_exact_end_passes", T_MR_TOP, T_RKEY,
	  SRNIC_OP_REMOTE_READ, T_LEN - 0x800, 0x800 },
	{ "top_of_space_one_past_wraps", T_MR_TOP, T_RKEY,
	  SRNIC_OP_REMOTE_READ, T_LEN - 0x800, 0x801,
	  .want = SRNIC_ACCESS_BOUNDS, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_TO_WRAP },
	/* zero-length RDMA Read needs no valid STag (RFC 5042 6.3.5) */
	{ "zero_length_read_with_unknown_stag_passes", T_MR_RW, T_BAD_INDEX,
	  SRNIC_OP_REMOTE_READ, 0, 0 },
	{ "zero_length_read_on_write_only_passes", T_MR_WO, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 0, 0 },
	{ "zero_length_read_wrong_pd_passes", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_READ, T_LEN * 4, 0, .other_pd = true },
	/* rights */
	{ "read_on_read_only_passes", T_MR_RO, T_RKEY, SRNIC_OP_REMOTE_READ,
	  0, 64 },
	{ "read_on_write_only_stag_terminates", T_MR_WO, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 0, 1, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = RD, .ecode = SRNIC_RDMAP_ECODE_ACCESS_RIGHTS },
	{ "write_on_read_only_stag_terminates", T_MR_RO, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	{ "write_on_write_only_passes", T_MR_WO, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1 },
	{ "lkey_on_the_wire_terminates", T_MR_RW, T_LKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	{ "lkey_read_request_terminates", T_MR_RW, T_LKEY,
	  SRNIC_OP_REMOTE_READ, 0, 1, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = RD, .ecode = SRNIC_RDMAP_ECODE_ACCESS_RIGHTS },
	{ "rkey_in_local_sge_refused", T_MR_RW, T_RKEY, SRNIC_OP_LOCAL_READ,
	  0, 1, .want = SRNIC_ACCESS_RIGHTS, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_ACCESS_RIGHTS },
	{ "local_read_passes_without_rights", T_MR_RO, T_LKEY,
	  SRNIC_OP_LOCAL_READ, 0, T_LEN },
	{ "local_write_without_local_write_refused", T_MR_RO, T_LKEY,
	  SRNIC_OP_LOCAL_WRITE, 0, 1, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = RD, .ecode = SRNIC_RDMAP_ECODE_ACCESS_RIGHTS },
	{ "local_write_passes", T_MR_RW, T_LKEY, SRNIC_OP_LOCAL_WRITE, 0,
	  T_LEN },
	{ "local_sge_bounds_checked", T_MR_RW, T_LKEY, SRNIC_OP_LOCAL_READ,
	  1, T_LEN, .want = SRNIC_ACCESS_BOUNDS, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_BASE_BOUNDS },
	{ "read_response_into_lkey_passes", T_MR_RW, T_LKEY,
	  SRNIC_OP_READ_RESP, 0, 64 },
	{ "read_response_into_rkey_needs_remote_write", T_MR_RO, T_RKEY,
	  SRNIC_OP_READ_RESP, 0, 64, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	{ "read_response_into_lkey_needs_local_write", T_MR_RO, T_LKEY,
	  SRNIC_OP_READ_RESP, 0, 64, .want = SRNIC_ACCESS_RIGHTS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	{ "read_response_bounds_checked", T_MR_WO, T_RKEY,
	  SRNIC_OP_READ_RESP, T_LEN - 63, 64, .want = SRNIC_ACCESS_BOUNDS,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_BASE_BOUNDS },
	{ "bind_on_mr_with_mw_bind_passes", T_MR_RW, T_LKEY, SRNIC_OP_BIND,
	  0x100, 0x100 },
	{ "bind_without_mw_bind_refused", T_MR_WO, T_LKEY, SRNIC_OP_BIND, 0,
	  1, .want = SRNIC_ACCESS_RIGHTS, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_ACCESS_RIGHTS },
	{ "bind_on_a_window_refused", T_MW2B, T_LKEY, SRNIC_OP_BIND, 0, 1,
	  .want = SRNIC_ACCESS_RIGHTS, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_ACCESS_RIGHTS },
	{ "bind_window_past_mr_end_refused", T_MR_RW, T_LKEY, SRNIC_OP_BIND,
	  0x100, T_LEN, .want = SRNIC_ACCESS_BOUNDS, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_BASE_BOUNDS },
	/* names */
	{ "unknown_index_terminates", T_MR_RW, T_BAD_INDEX,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .want = SRNIC_ACCESS_INVALID_STAG,
	  .layer = DD, .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	{ "unknown_index_read_terminates", T_MR_RW, T_BAD_INDEX,
	  SRNIC_OP_REMOTE_READ, 0, 1, .want = SRNIC_ACCESS_INVALID_STAG,
	  .layer = RD, .ecode = SRNIC_RDMAP_ECODE_INVALID_STAG },
	{ "wrong_key_terminates", T_MR_RW, T_BAD_KEY, SRNIC_OP_REMOTE_WRITE,
	  0, 1, .want = SRNIC_ACCESS_KEY_MISMATCH, .layer = DD,
	  .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	{ "wrong_key_read_terminates", T_MR_RO, T_BAD_KEY,
	  SRNIC_OP_REMOTE_READ, 0, 1, .want = SRNIC_ACCESS_KEY_MISMATCH,
	  .layer = RD, .ecode = SRNIC_RDMAP_ECODE_INVALID_STAG },
	{ "wrong_key_reported_before_wrong_pd", T_MR_RW, T_BAD_KEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .other_pd = true,
	  .want = SRNIC_ACCESS_KEY_MISMATCH, .layer = DD,
	  .ecode = SRNIC_DDP_ECODE_T_INVALID_STAG },
	/* protection domain and single-QP scope */
	{ "write_from_other_pd_terminates", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .other_pd = true,
	  .want = SRNIC_ACCESS_PD_MISMATCH, .layer = DD,
	  .ecode = SRNIC_DDP_ECODE_T_STAG_NOT_ASSOC },
	{ "read_from_other_pd_terminates", T_MR_RO, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 0, 1, .other_pd = true,
	  .want = SRNIC_ACCESS_PD_MISMATCH, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_STAG_NOT_ASSOC },
	{ "local_sge_from_other_pd_refused", T_MR_RW, T_LKEY,
	  SRNIC_OP_LOCAL_READ, 0, 1, .other_pd = true,
	  .want = SRNIC_ACCESS_PD_MISMATCH, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_STAG_NOT_ASSOC },
	{ "pd_scope_mr_usable_from_any_qp", T_MR_RW, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .other_qp = true },
	{ "type2b_window_on_bound_qp_passes", T_MW2B, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, T_LEN },
	{ "type2b_window_on_other_qp_terminates", T_MW2B, T_RKEY,
	  SRNIC_OP_REMOTE_WRITE, 0, 1, .other_qp = true,
	  .want = SRNIC_ACCESS_SCOPE, .layer = DD,
	  .ecode = SRNIC_DDP_ECODE_T_STAG_NOT_ASSOC },
	{ "type2b_window_read_on_other_qp_terminates", T_MW2B, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 0, 1, .other_qp = true,
	  .want = SRNIC_ACCESS_SCOPE, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_STAG_NOT_ASSOC },
	{ "qp_scope_mr_on_other_qp_terminates", T_MR_QP, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 0, 1, .other_qp = true,
	  .want = SRNIC_ACCESS_SCOPE, .layer = RD,
	  .ecode = SRNIC_RDMAP_ECODE_STAG_NOT_ASSOC },
	{ "qp_scope_mr_on_its_qp_passes", T_MR_QP, T_RKEY,
	  SRNIC_OP_REMOTE_READ, 0, 1 },
	{ "pd_reported_before_scope", T_MW2B, T_RKEY, SRNIC_OP_REMOTE_WRITE,
	  0, 1, .other_pd = true, .other_qp = true,
	  .want = SRNIC_ACCESS_PD_MISMATCH, .layer = DD,
	  .ecode = SRNIC_DDP_ECODE_T_STAG_NOT_ASSOC },
};

#undef RD
#undef DD

static void srnic_t_acc_desc(const struct srnic_t_acc *a, char *desc)
{
	strscpy(desc, a->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(srnic_t_acc, srnic_t_accs, srnic_t_acc_desc);

static void access_rule_table(struct kunit *test)
{
	const struct srnic_t_acc *a = test->param_value;
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_req req = {
		.stag = srnic_t_stag(f, a->obj, a->stag),
		.op = a->op,
		.addr = srnic_t_objs[a->obj].va + a->off,
		.len = a->len,
		.pd = a->other_pd ? f->other_pd : f->pd,
		.qp_id = a->other_qp ? T_OTHER_QP : T_QP,
	};
	struct srnic_term_code tc;
	enum srnic_access_err err;
	struct srnic_mem *mem;
	bool held;
	int i;

	/* No KUnit expectation inside: it may sleep to report. */
	local_bh_disable();
	err = srnic_access_check(&f->t, &req, &f->stats, &mem);
	held = mem == &f->mem[a->obj];
	srnic_access_end(mem);
	local_bh_enable();

	KUNIT_EXPECT_EQ(test, a->want, err);
	/* A zero-length Read holds nothing; every other grant holds @mem. */
	if (a->want == SRNIC_ACCESS_OK &&
	    !(a->op == SRNIC_OP_REMOTE_READ && !a->len))
		KUNIT_EXPECT_TRUE(test, held);
	else
		KUNIT_EXPECT_NULL(test, mem);
	/* Nothing stays in flight after the section. */
	for (i = 0; i < T_NR_OBJ; i++)
		KUNIT_EXPECT_EQ(test, srnic_mem_inflight(&f->mem[i]), 0);
	/* Exactly the refusal's counter moved. */
	for (i = 0; i < SRNIC_ACCESS_NR_REFUSALS; i++)
		KUNIT_EXPECT_EQ(test, atomic64_read(&f->stats.refused[i]),
				a->want == i + 1 ? 1LL : 0LL);
	if (a->want == SRNIC_ACCESS_OK)
		return;
	tc = srnic_access_term_code(&req, a->want);
	KUNIT_EXPECT_EQ(test, tc.layer, a->layer);
	KUNIT_EXPECT_EQ(test, tc.etype, a->layer == SRNIC_TERM_LAYER_DDP ?
			SRNIC_DDP_ETYPE_TAGGED_BUF :
			SRNIC_RDMAP_ETYPE_REMOTE_PROTECTION);
	KUNIT_EXPECT_EQ(test, tc.ecode, a->ecode);
}

static struct srnic_access_req srnic_t_req(struct srnic_t_fix *f,
					   enum srnic_t_obj obj,
					   enum srnic_op op, u32 stag)
{
	return (struct srnic_access_req){
		.stag = stag, .op = op, .addr = srnic_t_objs[obj].va,
		.len = 8, .pd = f->pd, .qp_id = T_QP,
	};
}

static void invalidate_then_every_access_refused(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_req inv, req;
	enum srnic_op op;

	inv = srnic_t_req(f, T_MR_RW, SRNIC_OP_LOCAL_INV, f->lkey[T_MR_RW]);
	KUNIT_ASSERT_EQ(test, SRNIC_ACCESS_OK,
			srnic_t_inv(f, &inv, &f->stats));
	for (op = SRNIC_OP_LOCAL_READ; op < SRNIC_OP_LOCAL_INV; op++) {
		bool local = op == SRNIC_OP_LOCAL_READ ||
			     op == SRNIC_OP_LOCAL_WRITE || op == SRNIC_OP_BIND;

		req = srnic_t_req(f, T_MR_RW, op, local ? f->lkey[T_MR_RW] :
							  f->rkey[T_MR_RW]);
		KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED,
				srnic_t_check(f, &req));
	}
	/* A second invalidation finds nothing to invalidate. */
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED,
			srnic_t_inv(f, &inv, &f->stats));
	/* Counted as access after invalidate, one per attempt. */
	KUNIT_EXPECT_EQ(test,
			atomic64_read(&f->stats.refused[SRNIC_ACCESS_INVALIDATED - 1]),
			(s64)SRNIC_OP_LOCAL_INV + 1);
	/* Other objects are untouched. */
	req = srnic_t_req(f, T_MR_WO, SRNIC_OP_REMOTE_WRITE, f->rkey[T_MR_WO]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK, srnic_t_check(f, &req));
}

static void remote_invalidate_checks_key_pd_scope_and_permission(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_req inv, req;
	struct srnic_term_code tc;

	/* Wrong key. */
	inv = srnic_t_req(f, T_MW2B, SRNIC_OP_REMOTE_INV,
			  f->rkey[T_MW2B] ^ 0x01);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_KEY_MISMATCH,
			srnic_t_inv(f, &inv, &f->stats));
	/* Another PD's stream. */
	inv = srnic_t_req(f, T_MW2B, SRNIC_OP_REMOTE_INV, f->rkey[T_MW2B]);
	inv.pd = f->other_pd;
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_PD_MISMATCH,
			srnic_t_inv(f, &inv, &f->stats));
	/* Another QP of the same PD, for a window bound to one QP. */
	inv.pd = f->pd;
	inv.qp_id = T_OTHER_QP;
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_SCOPE,
			srnic_t_inv(f, &inv, &f->stats));
	/* The lkey is not a name the peer may use. */
	inv = srnic_t_req(f, T_MW2B, SRNIC_OP_REMOTE_INV, f->lkey[T_MW2B]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_RIGHTS,
			srnic_t_inv(f, &inv, &f->stats));
	/* An MR not registered for remote invalidation. */
	inv = srnic_t_req(f, T_MR_RW, SRNIC_OP_REMOTE_INV, f->rkey[T_MR_RW]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_RIGHTS,
			srnic_t_inv(f, &inv, &f->stats));
	tc = srnic_access_term_code(&inv, SRNIC_ACCESS_RIGHTS);
	KUNIT_EXPECT_EQ(test, tc.layer, SRNIC_TERM_LAYER_RDMAP);
	KUNIT_EXPECT_EQ(test, tc.ecode, SRNIC_RDMAP_ECODE_CANNOT_INVALIDATE);
	/* An MR registered without invalidation (reg_user_mr) keeps going. */
	inv = srnic_t_req(f, T_MR_TOP, SRNIC_OP_LOCAL_INV, f->lkey[T_MR_TOP]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_RIGHTS,
			srnic_t_inv(f, &inv, &f->stats));

	/* None of that invalidated anything. */
	req = srnic_t_req(f, T_MW2B, SRNIC_OP_REMOTE_READ, f->rkey[T_MW2B]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK, srnic_t_check(f, &req));
	req = srnic_t_req(f, T_MR_RW, SRNIC_OP_REMOTE_READ, f->rkey[T_MR_RW]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK, srnic_t_check(f, &req));

	/* The right stream with the right name does it. */
	inv = srnic_t_req(f, T_MW2B, SRNIC_OP_REMOTE_INV, f->rkey[T_MW2B]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK,
			srnic_t_inv(f, &inv, &f->stats));
	req = srnic_t_req(f, T_MW2B, SRNIC_OP_REMOTE_READ, f->rkey[T_MW2B]);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED,
			srnic_t_check(f, &req));
}

static void reregistration_with_new_key_revives_only_new_name(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_req inv, req;
	u32 old = f->rkey[T_MR_WO], fresh;

	inv = srnic_t_req(f, T_MR_WO, SRNIC_OP_LOCAL_INV, old);
	KUNIT_ASSERT_EQ(test, SRNIC_ACCESS_OK,
			srnic_t_inv(f, &inv, NULL));
	/* IB_WR_REG_MR with ib_inc_rkey(): new key, then valid again. */
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_rekey(&f->t, old,
						  srnic_stag_key(old) + 1,
						  &fresh));
	f->rkey[T_MR_WO] = fresh;
	KUNIT_ASSERT_EQ(test, 0, srnic_mem_set_valid(&f->mem[T_MR_WO], f->pd,
						     T_VA, T_LEN,
						     IB_ACCESS_REMOTE_WRITE,
						     SRNIC_MEM_LOCAL_INV, 0));
	req = srnic_t_req(f, T_MR_WO, SRNIC_OP_REMOTE_WRITE, old);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_KEY_MISMATCH,
			srnic_t_check(f, &req));
	req.stag = fresh;
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK, srnic_t_check(f, &req));
	/* A valid record cannot be re-registered under its users' feet. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_mem_set_valid(&f->mem[T_MR_WO], f->pd, 0, 1,
					    IB_ACCESS_REMOTE_WRITE, 0, 0));
}

static void killed_or_freed_names_refused(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_req req;
	u32 rkey = f->rkey[T_MR_RW];

	srnic_mem_kill(&f->mem[T_MR_RW]);
	req = srnic_t_req(f, T_MR_RW, SRNIC_OP_REMOTE_WRITE, rkey);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALID_STAG,
			srnic_t_check(f, &req));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_mem_set_valid(&f->mem[T_MR_RW], f->pd, T_VA, T_LEN,
					    IB_ACCESS_REMOTE_WRITE, 0, 0));
	srnic_stag_free(&f->t, rkey);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALID_STAG,
			srnic_t_check(f, &req));
	/* The fixture frees the names again on exit: give it a live one. */
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(&f->t, &f->mem[T_MR_RW],
						  SRNIC_STAG_REMOTE,
						  &f->rkey[T_MR_RW]));
	req.stag = f->rkey[T_MR_RW];
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALID_STAG,
			srnic_t_check(f, &req));
}

static void set_valid_refuses_buffer_past_top_of_space(struct kunit *test)
{
	struct srnic_mem mem;

	srnic_mem_init(&mem, SRNIC_MEM_MR);
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_mem_set_valid(&mem, NULL,
							   U64_MAX, 2, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, 0, srnic_mem_set_valid(&mem, NULL, U64_MAX, 1,
						     0, 0, 0));
}

/*
 * An access that passed before the invalidation holds up its completion:
 * the invalidation itself returns at once and from then on nothing new
 * passes, but the drain is not over, and the owner's wait sleeps, until
 * the holder is done. The holder's end comes from a timer in hard IRQ
 * context, which stands in for a second CPU, also on a uniprocessor.
 */
struct srnic_t_hold {
	struct hrtimer timer;
	struct srnic_t_fix *f;
	struct srnic_access_req req;
	struct srnic_mem *mem;
	enum srnic_access_err during;	/* a new access while draining */
	ktime_t ended;
};

static enum hrtimer_restart srnic_t_hold_end(struct hrtimer *timer)
{
	struct srnic_t_hold *h = container_of(timer, struct srnic_t_hold, timer);
	struct srnic_mem *mem;

	h->during = srnic_access_check(&h->f->t, &h->req, NULL, &mem);
	srnic_access_end(mem);
	h->ended = ktime_get();
	srnic_access_end(h->mem);
	return HRTIMER_NORESTART;
}

static struct srnic_t_hold *srnic_t_hold(struct kunit *test,
					 struct srnic_t_fix *f)
{
	enum srnic_access_err err;
	struct srnic_t_hold *h;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->f = f;
	h->req = srnic_t_req(f, T_MR_WO, SRNIC_OP_REMOTE_WRITE,
			     f->rkey[T_MR_WO]);
	h->during = SRNIC_ACCESS_NR;
	local_bh_disable();
	err = srnic_access_check(&f->t, &h->req, NULL, &h->mem);
	local_bh_enable();
	KUNIT_ASSERT_EQ(test, SRNIC_ACCESS_OK, err);
	hrtimer_init(&h->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	h->timer.function = srnic_t_hold_end;
	return h;
}

static void invalidation_completes_after_access_in_flight(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_drain drain;
	struct srnic_access_req inv;
	struct srnic_t_hold *h;
	ktime_t start, done;

	h = srnic_t_hold(test, f);
	inv = srnic_t_req(f, T_MR_WO, SRNIC_OP_LOCAL_INV, f->rkey[T_MR_WO]);
	/* Any context: the state change does not wait. */
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK,
			srnic_access_invalidate(&f->t, &inv, NULL, &drain));
	KUNIT_EXPECT_FALSE(test, srnic_access_drained(&f->t, &drain));
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, 1U, srnic_mem_inflight(&f->mem[T_MR_WO]));

	start = ktime_get();
	hrtimer_start(&h->timer, ms_to_ktime(200), HRTIMER_MODE_REL_HARD);
	srnic_access_drain_wait(&f->t, &drain);
	done = ktime_get();

	/* It returned after the holder was done, not before. */
	KUNIT_EXPECT_NE(test, ktime_to_ns(h->ended), 0LL);
	KUNIT_EXPECT_GE(test, ktime_to_ns(done), ktime_to_ns(h->ended));
	KUNIT_EXPECT_GE(test, ktime_ms_delta(done, start), 200LL);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED, h->during);
	KUNIT_EXPECT_TRUE(test, srnic_access_drained(&f->t, &drain));
	KUNIT_EXPECT_EQ(test, 0U, srnic_mem_inflight(&f->mem[T_MR_WO]));
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED,
			srnic_t_check(f, &h->req));
}

/*
 * srnic_mem_set_valid() must not change the fields under an access that
 * is still in flight: it refuses with -EBUSY until the invalidation has
 * drained, then goes through.
 */
static void set_valid_with_access_in_flight_refused(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_drain drain;
	struct srnic_access_req inv;
	struct srnic_t_hold *h;

	h = srnic_t_hold(test, f);
	/* Valid, in flight: -EINVAL as for any valid record. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_mem_set_valid(&f->mem[T_MR_WO], f->pd, T_VA,
					    T_LEN, IB_ACCESS_REMOTE_WRITE, 0, 0));
	inv = srnic_t_req(f, T_MR_WO, SRNIC_OP_LOCAL_INV, f->rkey[T_MR_WO]);
	KUNIT_ASSERT_EQ(test, SRNIC_ACCESS_OK,
			srnic_access_invalidate(&f->t, &inv, NULL, &drain));
	/* Invalidated, not drained: the holder still uses the old fields. */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			srnic_mem_set_valid(&f->mem[T_MR_WO], f->other_pd, 0,
					    U64_MAX, IB_ACCESS_REMOTE_WRITE |
					    IB_ACCESS_REMOTE_READ, 0, 0));
	KUNIT_EXPECT_PTR_EQ(test, f->pd, f->mem[T_MR_WO].pd);
	KUNIT_EXPECT_EQ(test, T_LEN, f->mem[T_MR_WO].len);
	KUNIT_EXPECT_EQ(test, SRNIC_MEM_INVALIDATED,
			srnic_mem_state(&f->mem[T_MR_WO]));

	local_bh_disable();
	srnic_access_end(h->mem);
	local_bh_enable();
	KUNIT_EXPECT_TRUE(test, srnic_access_drained(&f->t, &drain));
	KUNIT_EXPECT_EQ(test, 0,
			srnic_mem_set_valid(&f->mem[T_MR_WO], f->pd, T_VA,
					    T_LEN, IB_ACCESS_REMOTE_WRITE,
					    SRNIC_MEM_LOCAL_INV, 0));
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK, srnic_t_check(f, &h->req));
}

/*
 * Racing: a periodic timer in hard IRQ context takes an access in one
 * expiry and ends it in the next, so the access is in flight for a whole
 * period at a time, also on a uniprocessor, where the timer interrupts
 * the invalidation at any point. When it ends an access it records
 * whether the invalidation had already completed (drained): that must
 * never happen. Rounds invalidate at random points of the timer's cycle.
 */
struct srnic_t_race {
	struct hrtimer timer;
	struct srnic_t_fix *f;
	struct srnic_access_req req;
	struct srnic_mem *held;
	bool invalidated;	/* set once the invalidation completed */
	bool stop;
	unsigned long passed;	/* accesses that were granted */
	unsigned long refused;
	unsigned long after;	/* accesses still held after invalidation */
};

/* Without high-resolution timers this becomes one jiffy. */
#define SRNIC_T_RACE_PERIOD_NS	(200 * NSEC_PER_USEC)

static enum hrtimer_restart srnic_t_race_tick(struct hrtimer *timer)
{
	struct srnic_t_race *r = container_of(timer, struct srnic_t_race, timer);
	struct srnic_mem *mem;

	if (r->held) {
		/* "Touch the buffer" one last time: no invalidation is over. */
		if (smp_load_acquire(&r->invalidated))
			r->after++;
		srnic_access_end(r->held);
		r->held = NULL;
	} else if (srnic_access_check(&r->f->t, &r->req, NULL, &mem) ==
		   SRNIC_ACCESS_OK) {
		r->held = mem;
		r->passed++;
	} else {
		r->refused++;
	}
	if (READ_ONCE(r->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(SRNIC_T_RACE_PERIOD_NS));
	return HRTIMER_RESTART;
}

static void invalidate_racing_with_writes_leaves_none_after(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_req inv;
	struct srnic_t_race *r;
	int round, raced = 0;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->f = f;
	r->req = srnic_t_req(f, T_MR_WO, SRNIC_OP_REMOTE_WRITE,
			     f->rkey[T_MR_WO]);
	inv = srnic_t_req(f, T_MR_WO, SRNIC_OP_LOCAL_INV, f->lkey[T_MR_WO]);
	hrtimer_init(&r->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	r->timer.function = srnic_t_race_tick;
	for (round = 0; round < 40; round++) {
		WRITE_ONCE(r->stop, false);
		r->invalidated = false;
		hrtimer_start(&r->timer, ns_to_ktime(SRNIC_T_RACE_PERIOD_NS),
			      HRTIMER_MODE_REL_HARD);
		usleep_range(1000, 1000 + get_random_u32_below(3000));
		/* Racy on SMP, exact on UP; only tells whether we raced. */
		if (READ_ONCE(r->held))
			raced++;
		KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK,
				srnic_t_inv(f, &inv, NULL));
		/* Pairs with the timer's smp_load_acquire(). */
		smp_store_release(&r->invalidated, true);
		usleep_range(1000, 2000);
		WRITE_ONCE(r->stop, true);
		hrtimer_cancel(&r->timer);
		if (r->held) {
			srnic_access_end(r->held);
			r->held = NULL;
		}
		/* Valid again for the next round. */
		KUNIT_ASSERT_EQ(test, 0,
				srnic_mem_set_valid(&f->mem[T_MR_WO], f->pd, T_VA,
						    T_LEN, IB_ACCESS_REMOTE_WRITE,
						    SRNIC_MEM_LOCAL_INV, 0));
	}
	kunit_info(test, "%lu accesses granted, %lu refused; %d of 40 invalidations met one in flight\n",
		   r->passed, r->refused, raced);
	KUNIT_EXPECT_EQ(test, r->after, 0UL);
	/* The race was run: invalidations met accesses in flight. */
	KUNIT_EXPECT_GT(test, raced, 0);
	KUNIT_EXPECT_GT(test, r->refused, 0UL);
}

/*
 * Publication: a record is made valid again and again, alternately with
 * two different sets of fields and keys (generations 0 and 1), and
 * invalidated in between, while readers - a hard IRQ timer, which also
 * interrupts the writer anywhere on a uniprocessor, and a thread, which
 * runs beside it on SMP - ask for access with the name and range of
 * either generation. Whenever access is granted the reader, still
 * holding it (so nothing can change), reads the record and its key
 * again: they must be the granted generation's. A reader that saw VALID
 * with the fields or key of the other generation would be granted what
 * the current registration does not allow.
 *
 * This catches a writer that publishes VALID before the fields, a key
 * changed while valid, or a reader that checks fields it read before the
 * state. It cannot catch a missing acquire or release on x86: its
 * stores and loads are not reordered (TSO), so only a weakly ordered CPU
 * (arm64, POWER) could make it fail for that.
 */
#define SRNIC_T_PUB_PERIOD_NS	(100 * NSEC_PER_USEC)
#define SRNIC_T_PUB_MIN_MS	300
#define SRNIC_T_PUB_MAX_MS	5000
#define SRNIC_T_PUB_MIN_GRANTS	20

struct srnic_t_gen {
	u8 key;
	struct ib_pd *pd;
	u64 va;
	u64 len;
	u32 access;
	u32 flags;
	struct srnic_access_req req;
};

struct srnic_t_pub {
	struct hrtimer timer;
	struct srnic_t_fix *f;
	struct srnic_mem mem;
	u32 stag;
	struct srnic_t_gen gen[2];
	bool stop;
	atomic_long_t granted[2];
	atomic_long_t refused;
	atomic_long_t stale;
};

/* One reader's look; runs with BH or IRQs disabled. */
static void srnic_t_pub_read(struct srnic_t_pub *p, unsigned int g)
{
	const struct srnic_t_gen *want = &p->gen[g];
	struct srnic_stag_entry *e;
	struct srnic_mem *mem;
	bool same;

	if (srnic_access_check(&p->f->t, &want->req, NULL, &mem) !=
	    SRNIC_ACCESS_OK) {
		atomic_long_inc(&p->refused);
		return;
	}
	/* Held: invalidation waits for us, so the record stands still. */
	rcu_read_lock();
	e = srnic_stag_lookup(&p->f->t, p->stag);
	same = e && READ_ONCE(e->key) == want->key &&
	       mem->pd == want->pd && mem->va == want->va &&
	       mem->len == want->len && mem->access == want->access &&
	       mem->flags == want->flags;
	rcu_read_unlock();
	srnic_access_end(mem);
	atomic_long_inc(same ? &p->granted[g] : &p->stale);
}

static enum hrtimer_restart srnic_t_pub_tick(struct hrtimer *timer)
{
	struct srnic_t_pub *p = container_of(timer, struct srnic_t_pub, timer);

	srnic_t_pub_read(p, get_random_u32_below(2));
	if (READ_ONCE(p->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(SRNIC_T_PUB_PERIOD_NS));
	return HRTIMER_RESTART;
}

static int srnic_t_pub_thread(void *data)
{
	struct srnic_t_pub *p = data;
	unsigned int g = 0;

	while (!kthread_should_stop()) {
		local_bh_disable();
		srnic_t_pub_read(p, g);
		local_bh_enable();
		g ^= 1;
		cond_resched();
	}
	return 0;
}

static void srnic_t_pub_gen(struct srnic_t_pub *p, unsigned int g)
{
	struct srnic_t_gen *gen = &p->gen[g];

	gen->key = srnic_stag_key(p->stag) ^ (g ? 0x5a : 0);
	gen->pd = g ? p->f->other_pd : p->f->pd;
	gen->va = T_VA + g * 0x100000;
	gen->len = T_LEN << g;
	gen->access = g ? IB_ACCESS_REMOTE_READ : IB_ACCESS_REMOTE_WRITE;
	gen->flags = SRNIC_MEM_LOCAL_INV | (g ? SRNIC_MEM_QP_SCOPE : 0);
	gen->req = (struct srnic_access_req) {
		.stag = srnic_stag_make(srnic_stag_index(p->stag), gen->key),
		.op = g ? SRNIC_OP_REMOTE_READ : SRNIC_OP_REMOTE_WRITE,
		.addr = gen->va,
		.len = gen->len,
		.pd = gen->pd,
		.qp_id = T_QP,
	};
}

static void srnic_t_pub_free(void *data)
{
	struct srnic_t_pub *p = data;

	srnic_mem_kill(&p->mem);
	srnic_stag_free(&p->f->t, p->stag);
}

static void valid_record_carries_what_set_valid_published(struct kunit *test)
{
	struct srnic_t_fix *f = srnic_t_fix(test);
	unsigned long cycles = 0;
	struct task_struct *reader;
	struct srnic_access_req inv;
	unsigned long deadline, min;
	struct srnic_t_pub *p;
	unsigned int g;
	u32 stag;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p->f = f;
	srnic_mem_init(&p->mem, SRNIC_MEM_MR);
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(&f->t, &p->mem,
						  SRNIC_STAG_REMOTE, &p->stag));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, srnic_t_pub_free, p));
	srnic_t_pub_gen(p, 0);
	srnic_t_pub_gen(p, 1);

	hrtimer_init(&p->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	p->timer.function = srnic_t_pub_tick;
	hrtimer_start(&p->timer, ns_to_ktime(SRNIC_T_PUB_PERIOD_NS),
		      HRTIMER_MODE_REL_HARD);
	reader = kthread_run(srnic_t_pub_thread, p, "srnic_t_pub");
	if (IS_ERR(reader)) {
		WRITE_ONCE(p->stop, true);
		hrtimer_cancel(&p->timer);
		KUNIT_FAIL(test, "no reader thread: %ld", PTR_ERR(reader));
		return;
	}

	min = jiffies + msecs_to_jiffies(SRNIC_T_PUB_MIN_MS);
	deadline = jiffies + msecs_to_jiffies(SRNIC_T_PUB_MAX_MS);
	for (g = 0; time_before(jiffies, deadline); g ^= 1, cycles++) {
		const struct srnic_t_gen *gen = &p->gen[g];

		if (time_after(jiffies, min) &&
		    atomic_long_read(&p->granted[0]) >= SRNIC_T_PUB_MIN_GRANTS &&
		    atomic_long_read(&p->granted[1]) >= SRNIC_T_PUB_MIN_GRANTS)
			break;
		/* Not valid: the owner may change the key and the fields. */
		if (srnic_stag_rekey(&f->t, p->stag, gen->key, &stag) ||
		    srnic_mem_set_valid(&p->mem, gen->pd, gen->va, gen->len,
					gen->access, gen->flags, T_QP)) {
			KUNIT_FAIL(test, "cycle %lu: could not publish", cycles);
			break;
		}
		inv = gen->req;
		inv.op = SRNIC_OP_LOCAL_INV;
		if (srnic_t_inv(f, &inv, NULL) !=
		    SRNIC_ACCESS_OK) {
			KUNIT_FAIL(test, "cycle %lu: could not invalidate", cycles);
			break;
		}
		cond_resched();
	}
	WRITE_ONCE(p->stop, true);
	hrtimer_cancel(&p->timer);
	kthread_stop(reader);

	kunit_info(test, "%lu publications; granted %ld (gen 0) and %ld (gen 1), refused %ld, stale %ld\n",
		   cycles, atomic_long_read(&p->granted[0]),
		   atomic_long_read(&p->granted[1]),
		   atomic_long_read(&p->refused), atomic_long_read(&p->stale));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&p->stale), 0L);
	/* Both generations were seen valid, and readers met the changes. */
	KUNIT_EXPECT_GT(test, atomic_long_read(&p->granted[0]), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&p->granted[1]), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&p->refused), 0L);
}

/*
 * ABA: an invalidation or an access reads the record, checks the
 * registration its STag names, then acts on the record. If in that
 * window the owner invalidates the record and registers it again with a
 * new key (IB_WR_LOCAL_INV, then IB_WR_REG_MR after ib_inc_rkey()), a
 * peer's Send with Invalidate or RDMA Write carrying the old rkey must
 * neither invalidate nor reach the new registration: its STag does not
 * name it. A static stub of the rules check runs the owner's
 * re-registration inside the window.
 */
struct srnic_t_aba {
	struct srnic_t_fix *f;
	bool owner_ran;
	enum srnic_access_err owner_inv;
	bool owner_drained;
	int owner_rekey;
	int owner_valid;
	u32 fresh;
};

static enum srnic_access_err
srnic_t_aba_rules(const struct srnic_mem *mem, u8 kind,
		  const struct srnic_access_req *req)
{
	struct srnic_t_aba *a = kunit_get_current_test()->priv;
	struct srnic_t_fix *f = a->f;
	struct srnic_access_drain drain;
	struct srnic_access_req inv;
	u8 key = srnic_stag_key(f->rkey[T_MR_WO]) + 1;
	u32 lkey;

	/* The owner's own checks, and any later look, pass. */
	if (a->owner_ran)
		return SRNIC_ACCESS_OK;
	a->owner_ran = true;
	/* Atomic context here (RCU, maybe BH): nothing in flight to wait for. */
	inv = srnic_t_req(f, T_MR_WO, SRNIC_OP_LOCAL_INV, f->lkey[T_MR_WO]);
	a->owner_inv = srnic_access_invalidate(&f->t, &inv, NULL, &drain);
	a->owner_drained = srnic_access_drained(&f->t, &drain);
	a->owner_rekey = srnic_stag_rekey(&f->t, f->rkey[T_MR_WO], key,
					  &a->fresh) ?:
			 srnic_stag_rekey(&f->t, f->lkey[T_MR_WO], key, &lkey);
	a->owner_valid = srnic_mem_set_valid(&f->mem[T_MR_WO], f->pd, T_VA,
					     T_LEN, IB_ACCESS_REMOTE_WRITE,
					     SRNIC_MEM_LOCAL_INV |
					     SRNIC_MEM_REMOTE_INV, 0);
	return SRNIC_ACCESS_OK;
}

static const enum srnic_op srnic_t_aba_ops[] = {
	SRNIC_OP_REMOTE_INV,
	SRNIC_OP_REMOTE_WRITE,
};

static void srnic_t_aba_desc(const enum srnic_op *op, char *desc)
{
	strscpy(desc, *op == SRNIC_OP_REMOTE_INV ? "send_with_invalidate" :
						   "rdma_write",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(srnic_t_aba, srnic_t_aba_ops, srnic_t_aba_desc);

static void stale_stag_spares_new_registration(struct kunit *test)
{
	const enum srnic_op *op = test->param_value;
	struct srnic_t_fix *f = srnic_t_fix(test);
	struct srnic_access_drain drain;
	struct srnic_access_req stale, req;
	enum srnic_access_err err;
	struct srnic_mem *mem;
	struct srnic_t_aba *a;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	a->f = f;
	test->priv = a;
	stale = srnic_t_req(f, T_MR_WO, *op, f->rkey[T_MR_WO]);

	kunit_activate_static_stub(test, srnic_access_rules, srnic_t_aba_rules);
	local_bh_disable();
	if (*op == SRNIC_OP_REMOTE_INV) {
		err = srnic_access_invalidate(&f->t, &stale, NULL, &drain);
	} else {
		err = srnic_access_check(&f->t, &stale, NULL, &mem);
		srnic_access_end(mem);
	}
	local_bh_enable();
	kunit_deactivate_static_stub(test, srnic_access_rules);

	/* The owner re-registered inside the window. */
	KUNIT_ASSERT_TRUE(test, a->owner_ran);
	KUNIT_ASSERT_EQ(test, SRNIC_ACCESS_OK, a->owner_inv);
	KUNIT_ASSERT_TRUE(test, a->owner_drained);
	KUNIT_ASSERT_EQ(test, 0, a->owner_rekey);
	KUNIT_ASSERT_EQ(test, 0, a->owner_valid);
	f->rkey[T_MR_WO] = a->fresh;
	/* Checked again against the new registration: the old key fails. */
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_KEY_MISMATCH, err);
	/* The new registration is untouched: valid, nothing in flight. */
	KUNIT_EXPECT_EQ(test, SRNIC_MEM_VALID, srnic_mem_state(&f->mem[T_MR_WO]));
	KUNIT_EXPECT_EQ(test, 0U, srnic_mem_inflight(&f->mem[T_MR_WO]));
	req = srnic_t_req(f, T_MR_WO, SRNIC_OP_REMOTE_WRITE, a->fresh);
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK, srnic_t_check(f, &req));
}

static void access_err_names_are_counter_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, srnic_access_err_name(SRNIC_ACCESS_KEY_MISMATCH),
			   "key_mismatch");
	KUNIT_EXPECT_STREQ(test, srnic_access_err_name(SRNIC_ACCESS_INVALIDATED),
			   "access_after_invalidate");
	KUNIT_EXPECT_STREQ(test, srnic_access_err_name(SRNIC_ACCESS_NR),
			   "unknown");
}

static struct kunit_case srnic_access_cases[] = {
	KUNIT_CASE_PARAM(access_rule_table, srnic_t_acc_gen_params),
	KUNIT_CASE(invalidate_then_every_access_refused),
	KUNIT_CASE(remote_invalidate_checks_key_pd_scope_and_permission),
	KUNIT_CASE(reregistration_with_new_key_revives_only_new_name),
	KUNIT_CASE(killed_or_freed_names_refused),
	KUNIT_CASE(set_valid_refuses_buffer_past_top_of_space),
	KUNIT_CASE(invalidation_completes_after_access_in_flight),
	KUNIT_CASE(set_valid_with_access_in_flight_refused),
	KUNIT_CASE(invalidate_racing_with_writes_leaves_none_after),
	KUNIT_CASE_SLOW(valid_record_carries_what_set_valid_published),
	KUNIT_CASE_PARAM(stale_stag_spares_new_registration,
			 srnic_t_aba_gen_params),
	KUNIT_CASE(access_err_names_are_counter_names),
	{}
};

static struct kunit_suite srnic_access_suite = {
	.name = "srnic_access",
	.test_cases = srnic_access_cases,
};

kunit_test_suite(srnic_access_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the srnic access check");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
