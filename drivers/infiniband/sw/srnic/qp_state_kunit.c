// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the QP state machine of modify_qp (qp_state.c).
 */
#include <kunit/test.h>

#include "qp_state.h"

#define S(x)	IB_QPS_##x

/* Every transition the verbs define for an RC QP, and nothing else. */
static const struct {
	enum ib_qp_state from, to;
} srnic_t_valid[] = {
	{ S(RESET), S(RESET) }, { S(RESET), S(INIT) },
	{ S(INIT), S(RESET) }, { S(INIT), S(ERR) }, { S(INIT), S(INIT) },
	{ S(INIT), S(RTR) },
	{ S(RTR), S(RESET) }, { S(RTR), S(ERR) }, { S(RTR), S(RTS) },
	{ S(RTS), S(RESET) }, { S(RTS), S(ERR) }, { S(RTS), S(RTS) },
	{ S(RTS), S(SQD) },
	{ S(SQD), S(RESET) }, { S(SQD), S(ERR) }, { S(SQD), S(RTS) },
	{ S(SQD), S(SQD) },
	{ S(SQE), S(RESET) }, { S(SQE), S(ERR) }, { S(SQE), S(RTS) },
	{ S(ERR), S(RESET) }, { S(ERR), S(ERR) },
};

static bool srnic_t_is_valid(enum ib_qp_state from, enum ib_qp_state to)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(srnic_t_valid); i++)
		if (srnic_t_valid[i].from == from && srnic_t_valid[i].to == to)
			return true;
	return false;
}

static void every_defined_transition_passes_with_state_alone(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(srnic_t_valid); i++)
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    srnic_qp_modify_ok(srnic_t_valid[i].from,
						       srnic_t_valid[i].to,
						       IB_QP_STATE),
				    "%d -> %d", srnic_t_valid[i].from,
				    srnic_t_valid[i].to);
}

static void every_other_transition_is_refused(struct kunit *test)
{
	enum ib_qp_state from, to;

	for (from = S(RESET); from <= S(ERR); from++)
		for (to = S(RESET); to <= S(ERR); to++) {
			if (srnic_t_is_valid(from, to))
				continue;
			KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
					    srnic_qp_modify_ok(from, to,
							       IB_QP_STATE),
					    "%d -> %d", from, to);
		}
}

static void reset_to_rts_is_refused(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(RESET), S(RTS), IB_QP_STATE));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(INIT), S(RTS), IB_QP_STATE));
}

static void nothing_but_reset_and_err_leaves_err(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(ERR), S(RTS), IB_QP_STATE));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(ERR), S(INIT), IB_QP_STATE));
	KUNIT_EXPECT_EQ(test, 0,
			srnic_qp_modify_ok(S(ERR), S(RESET), IB_QP_STATE));
}

static void rdma_cm_iwarp_init_and_rtr_masks_pass(struct kunit *test)
{
	/* rdma_init_qp_attr() over iw_cm: STATE | ACCESS_FLAGS, then PORT */
	u32 m = IB_QP_STATE | IB_QP_ACCESS_FLAGS | IB_QP_PORT;

	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(RESET), S(INIT), m));
	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(INIT), S(RTR), m));
	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(INIT), S(INIT),
						    m | IB_QP_PKEY_INDEX));
}

static void iw_cm_rts_with_state_alone_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0,
			srnic_qp_modify_ok(S(RTR), S(RTS), IB_QP_STATE));
}

static void ib_path_attributes_are_refused(struct kunit *test)
{
	static const u32 ib_only[] = {
		IB_QP_AV, IB_QP_PATH_MTU, IB_QP_DEST_QPN, IB_QP_RQ_PSN,
		IB_QP_SQ_PSN, IB_QP_TIMEOUT, IB_QP_RETRY_CNT, IB_QP_RNR_RETRY,
		IB_QP_MIN_RNR_TIMER, IB_QP_QKEY, IB_QP_ALT_PATH,
		IB_QP_PATH_MIG_STATE, IB_QP_CAP,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(ib_only); i++) {
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    srnic_qp_modify_ok(S(INIT), S(RTR),
						       IB_QP_STATE | ib_only[i]),
				    "INIT->RTR with 0x%x", ib_only[i]);
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    srnic_qp_modify_ok(S(RTR), S(RTS),
						       IB_QP_STATE | ib_only[i]),
				    "RTR->RTS with 0x%x", ib_only[i]);
	}
}

static void ird_ord_only_before_rts_or_in_sqd(struct kunit *test)
{
	u32 m = IB_QP_STATE | IB_QP_MAX_QP_RD_ATOMIC | IB_QP_MAX_DEST_RD_ATOMIC;

	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(INIT), S(RTR), m));
	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(RTR), S(RTS), m));
	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(SQD), S(SQD), m));
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_qp_modify_ok(S(RTS), S(RTS), m));
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_qp_modify_ok(S(RESET), S(INIT), m));
}

static void attributes_without_state_apply_to_current_state(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(RTS), S(RESET),
						    IB_QP_ACCESS_FLAGS));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(RESET), S(INIT), IB_QP_ACCESS_FLAGS));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(ERR), S(ERR), IB_QP_ACCESS_FLAGS));
}

static void sqd_notify_only_on_the_way_to_sqd(struct kunit *test)
{
	u32 m = IB_QP_STATE | IB_QP_EN_SQD_ASYNC_NOTIFY;

	KUNIT_EXPECT_EQ(test, 0, srnic_qp_modify_ok(S(RTS), S(SQD), m));
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_qp_modify_ok(S(RTR), S(RTS), m));
}

static void out_of_range_states_are_refused(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(ERR) + 1, S(RESET), IB_QP_STATE));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_qp_modify_ok(S(RESET), S(ERR) + 1, IB_QP_STATE));
}

static void sq_takes_wrs_in_rts_sqd_and_err_only(struct kunit *test)
{
	enum ib_qp_state s;

	for (s = S(RESET); s <= S(ERR); s++)
		KUNIT_EXPECT_EQ_MSG(test, srnic_qp_can_post_send(s),
				    s == S(RTS) || s == S(SQD) || s == S(ERR),
				    "state %d", s);
}

static void rq_takes_wrs_in_every_state_but_reset(struct kunit *test)
{
	enum ib_qp_state s;

	for (s = S(RESET); s <= S(ERR); s++)
		KUNIT_EXPECT_EQ_MSG(test, srnic_qp_can_post_recv(s),
				    s != S(RESET), "state %d", s);
}

static struct kunit_case srnic_qp_state_cases[] = {
	KUNIT_CASE(every_defined_transition_passes_with_state_alone),
	KUNIT_CASE(every_other_transition_is_refused),
	KUNIT_CASE(reset_to_rts_is_refused),
	KUNIT_CASE(nothing_but_reset_and_err_leaves_err),
	KUNIT_CASE(rdma_cm_iwarp_init_and_rtr_masks_pass),
	KUNIT_CASE(iw_cm_rts_with_state_alone_passes),
	KUNIT_CASE(ib_path_attributes_are_refused),
	KUNIT_CASE(ird_ord_only_before_rts_or_in_sqd),
	KUNIT_CASE(attributes_without_state_apply_to_current_state),
	KUNIT_CASE(sqd_notify_only_on_the_way_to_sqd),
	KUNIT_CASE(out_of_range_states_are_refused),
	KUNIT_CASE(sq_takes_wrs_in_rts_sqd_and_err_only),
	KUNIT_CASE(rq_takes_wrs_in_every_state_but_reset),
	{}
};

static struct kunit_suite srnic_qp_state_suite = {
	.name = "srnic_qp_state",
	.test_cases = srnic_qp_state_cases,
};

kunit_test_suite(srnic_qp_state_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the srnic QP state machine");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
