/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_xfrm: the receive path, as connection setup and release see it.
 */
#ifndef _ISCSI_XFRM_RX_H
#define _ISCSI_XFRM_RX_H

struct ix_conn;
struct work_struct;

/* rx.c: receive from process context; the socket's callbacks. */
void ix_recv_work(struct work_struct *work);
void ix_set_callbacks(struct ix_conn *ixc);
void ix_restore_callbacks(struct ix_conn *ixc);

#endif /* _ISCSI_XFRM_RX_H */
