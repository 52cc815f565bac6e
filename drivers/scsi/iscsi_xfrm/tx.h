/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_xfrm: the transmit path, as the transport's operations and
 * connection setup see it.
 */
#ifndef _ISCSI_XFRM_TX_H
#define _ISCSI_XFRM_TX_H

#include <linux/types.h>

struct iscsi_cls_conn;
struct iscsi_hdr;
struct iscsi_task;
struct work_struct;
struct xfrm_guard_owner_ops;

/* tx.c: the hold and resume on the guard's word. */
extern const struct xfrm_guard_owner_ops ix_guard_ops;
void ix_hold_work(struct work_struct *work);

/* tx.c: struct iscsi_transport operations that send. */
int ix_alloc_pdu(struct iscsi_task *task, u8 opcode);
int ix_init_pdu(struct iscsi_task *task, unsigned int offset,
		unsigned int count);
int ix_xmit_pdu(struct iscsi_task *task);
int ix_send_pdu(struct iscsi_cls_conn *cls_conn, struct iscsi_hdr *hdr,
		char *data, u32 size);

#endif /* _ISCSI_XFRM_TX_H */
