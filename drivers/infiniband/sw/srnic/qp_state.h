/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: which QP state transitions modify_qp accepts, and with which
 * attributes. Pure logic, no QP needed.
 */
#ifndef _SRNIC_QP_STATE_H
#define _SRNIC_QP_STATE_H

#include <rdma/ib_verbs.h>

int srnic_qp_modify_ok(enum ib_qp_state cur, enum ib_qp_state next,
		       enum ib_qp_attr_mask mask);
bool srnic_qp_can_post_send(enum ib_qp_state state);
bool srnic_qp_can_post_recv(enum ib_qp_state state);

#endif /* _SRNIC_QP_STATE_H */
