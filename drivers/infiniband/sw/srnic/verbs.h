/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the verbs objects (PD, CQ, QP, SRQ, MR) and their ib_device_ops.
 */
#ifndef _SRNIC_VERBS_H
#define _SRNIC_VERBS_H

#include <linux/workqueue.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_verbs.h>
#include <rdma/iw_cm.h>
#include <rdma/uverbs_ioctl.h>

#include "objs.h"
#include "srnic.h"

/* Who is charged: the calling user for user verbs, nobody for the kernel. */
static inline kuid_t srnic_res_uid(struct ib_udata *udata)
{
	return udata ? current_uid() : INVALID_UID;
}

/* The user context a CQ/SRQ/QP belongs to, for admission's ownership. */
static inline const void *srnic_udata_owner(struct ib_udata *udata)
{
	if (!udata)
		return NULL;
	return container_of(udata, struct uverbs_attr_bundle,
			    driver_udata)->context;
}

/* device.c */
int srnic_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata);
void srnic_dealloc_ucontext(struct ib_ucontext *ibuc);
int srnic_user_queue_refused(struct srnic_dev *sdev, const char *what);

/* pd.c */
int srnic_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);
int srnic_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);

/* cq.c */
int srnic_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		    struct uverbs_attr_bundle *attrs);
int srnic_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata);
int srnic_resize_cq(struct ib_cq *ibcq, int cqe, struct ib_udata *udata);
int srnic_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc);
int srnic_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags);
int srnic_fill_res_cq_entry(struct sk_buff *msg, struct ib_cq *ibcq);

/* qp.c */
int srnic_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *attr,
		    struct ib_udata *udata);
int srnic_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
		    int mask, struct ib_udata *udata);
int srnic_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		   struct ib_qp_init_attr *init_attr);
int srnic_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata);
int srnic_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		    const struct ib_send_wr **bad_wr);
int srnic_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		    const struct ib_recv_wr **bad_wr);
int srnic_fill_res_qp_entry(struct sk_buff *msg, struct ib_qp *ibqp);
int srnic_check_sges(struct ib_pd *pd, u32 qp_id, const struct ib_sge *sge,
		     int num_sge, enum srnic_op op);
void srnic_qp_cq_failed(struct srnic_admit_qp *aqp, void *arg);

/* cm.c: the iw_cm ops, and what the QP tells the connection manager */
int srnic_iw_connect(struct iw_cm_id *cm_id, struct iw_cm_conn_param *param);
int srnic_iw_accept(struct iw_cm_id *cm_id, struct iw_cm_conn_param *param);
int srnic_iw_reject(struct iw_cm_id *cm_id, const void *pdata, u8 pd_len);
int srnic_iw_create_listen(struct iw_cm_id *cm_id, int backlog);
int srnic_iw_destroy_listen(struct iw_cm_id *cm_id);
struct ib_qp *srnic_iw_get_qp(struct ib_device *ibdev, int qpn);
void srnic_iw_add_ref(struct ib_qp *ibqp);
void srnic_iw_rem_ref(struct ib_qp *ibqp);
void srnic_cm_qp_down(struct srnic_qp *qp);
void srnic_cm_qp_destroy(struct srnic_qp *qp);

/* srq.c */
int srnic_create_srq(struct ib_srq *ibsrq, struct ib_srq_init_attr *attr,
		     struct ib_udata *udata);
int srnic_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		     enum ib_srq_attr_mask mask, struct ib_udata *udata);
int srnic_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr);
int srnic_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata);
int srnic_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
			const struct ib_recv_wr **bad_wr);
int srnic_fill_res_srq_entry(struct sk_buff *msg, struct ib_srq *ibsrq);

/* mr.c */
struct ib_mr *srnic_get_dma_mr(struct ib_pd *ibpd, int access);
struct ib_mr *srnic_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 len,
				u64 iova, int access, struct ib_udata *udata);
struct ib_mr *srnic_alloc_mr(struct ib_pd *ibpd, enum ib_mr_type type,
			     u32 max_num_sg);
int srnic_map_mr_sg(struct ib_mr *ibmr, struct scatterlist *sg, int sg_nents,
		    unsigned int *sg_offset);
int srnic_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata);
enum ib_wc_status srnic_mr_fast_reg(struct srnic_qp *qp,
				    const struct srnic_wqe *wqe);
enum ib_wc_status srnic_mr_local_inv(struct srnic_qp *qp, u32 stag,
				     struct srnic_access_drain *drain);
int srnic_fill_res_mr_entry(struct sk_buff *msg, struct ib_mr *ibmr);

#endif /* _SRNIC_VERBS_H */
