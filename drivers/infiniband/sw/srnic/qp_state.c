// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the RC QP state machine of the verbs (IBTA 10.3, with the iWARP
 * RDMAC verbs' view of connection attributes): which transitions exist and
 * which attributes each may carry.
 *
 * iWARP takes addressing, PSNs, MTU and timers from the TCP connection and
 * MPA, so no transition requires more than IB_QP_STATE; iw_cm moves a QP
 * to RTS with IB_QP_STATE alone. What a transition may carry mirrors
 * ib_modify_qp_is_ok() for RC, minus the attributes iWARP has no use for:
 * an attribute a transition does not list is refused rather than ignored,
 * so a consumer never believes it set something that has no effect.
 */
#include <kunit/visibility.h>

#include "qp_state.h"

#define SRNIC_QPS_NR	(IB_QPS_ERR + 1)

/* Attributes of the verbs that RC on iWARP has no use for. */
#define SRNIC_INIT_OPT	(IB_QP_PKEY_INDEX | IB_QP_PORT | IB_QP_ACCESS_FLAGS)
#define SRNIC_RD_ATOMIC	(IB_QP_MAX_QP_RD_ATOMIC | IB_QP_MAX_DEST_RD_ATOMIC)

static const struct {
	bool valid;
	u32 opt;
} srnic_qp_table[SRNIC_QPS_NR][SRNIC_QPS_NR] = {
	[IB_QPS_RESET] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_INIT]	= { true, SRNIC_INIT_OPT },
	},
	[IB_QPS_INIT] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_ERR]	= { true, 0 },
		[IB_QPS_INIT]	= { true, SRNIC_INIT_OPT },
		[IB_QPS_RTR]	= { true, SRNIC_INIT_OPT | SRNIC_RD_ATOMIC },
	},
	[IB_QPS_RTR] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_ERR]	= { true, 0 },
		[IB_QPS_RTS]	= { true, IB_QP_CUR_STATE | IB_QP_ACCESS_FLAGS |
					  SRNIC_RD_ATOMIC },
	},
	[IB_QPS_RTS] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_ERR]	= { true, 0 },
		[IB_QPS_RTS]	= { true, IB_QP_CUR_STATE | IB_QP_ACCESS_FLAGS },
		[IB_QPS_SQD]	= { true, IB_QP_EN_SQD_ASYNC_NOTIFY },
	},
	[IB_QPS_SQD] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_ERR]	= { true, 0 },
		[IB_QPS_RTS]	= { true, IB_QP_CUR_STATE | IB_QP_ACCESS_FLAGS },
		[IB_QPS_SQD]	= { true, IB_QP_ACCESS_FLAGS | SRNIC_RD_ATOMIC },
	},
	[IB_QPS_SQE] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_ERR]	= { true, 0 },
		[IB_QPS_RTS]	= { true, IB_QP_CUR_STATE | IB_QP_ACCESS_FLAGS },
	},
	[IB_QPS_ERR] = {
		[IB_QPS_RESET]	= { true, 0 },
		[IB_QPS_ERR]	= { true, 0 },
	},
};

/**
 * srnic_qp_modify_ok - may a QP in @cur be modified with @mask to @next?
 * @cur: the QP's state
 * @next: the state asked for; @cur if @mask lacks IB_QP_STATE
 * @mask: the attributes given
 *
 * Return: 0, or -EINVAL for a transition that does not exist or an
 * attribute the transition does not take.
 */
int srnic_qp_modify_ok(enum ib_qp_state cur, enum ib_qp_state next,
		       enum ib_qp_attr_mask mask)
{
	if ((unsigned int)cur >= SRNIC_QPS_NR ||
	    (unsigned int)next >= SRNIC_QPS_NR)
		return -EINVAL;
	if (!(mask & IB_QP_STATE))
		next = cur;
	if (!srnic_qp_table[cur][next].valid)
		return -EINVAL;
	if (mask & ~(IB_QP_STATE | srnic_qp_table[cur][next].opt))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_qp_modify_ok);

/**
 * srnic_qp_can_post_send - does the SQ of a QP in @state take new WRs?
 * @state: the QP's state
 *
 * In ERR the WRs are taken and completed at once with a flush error.
 *
 * Return: true in RTS, SQD (queued until RTS again) and ERR.
 */
bool srnic_qp_can_post_send(enum ib_qp_state state)
{
	return state == IB_QPS_RTS || state == IB_QPS_SQD ||
	       state == IB_QPS_ERR;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_qp_can_post_send);

/**
 * srnic_qp_can_post_recv - does the RQ of a QP in @state take new WRs?
 * @state: the QP's state
 *
 * Return: true in every state but RESET.
 */
bool srnic_qp_can_post_recv(enum ib_qp_state state)
{
	return state != IB_QPS_RESET && (unsigned int)state <= IB_QPS_ERR;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_qp_can_post_recv);
