// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the verbs objects as a kernel consumer sees them, on a real
 * device bound to the loopback netdev: PDs without the unsafe global rkey,
 * flush on error, CQ overflow isolation, admission, fast registration and
 * invalidation, SRQ limit events and resource limits. No wire is needed.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/rtnetlink.h>
#include <linux/scatterlist.h>
#include <net/netlink.h>
#include <rdma/rdma_netlink.h>
#include <net/net_namespace.h>

#include "verbs.h"

#define KT_DEV	"srnic_kt0"

static struct ib_device *kt_dev;

struct kt_events {
	atomic_t cq_err;
	atomic_t qp_fatal;
	atomic_t srq_limit;
	atomic_t last_wqe;
};

static void kt_cq_event(struct ib_event *ev, void *ctx)
{
	struct kt_events *e = ctx;

	if (ev->event == IB_EVENT_CQ_ERR)
		atomic_inc(&e->cq_err);
}

static void kt_qp_event(struct ib_event *ev, void *ctx)
{
	struct kt_events *e = ctx;

	if (ev->event == IB_EVENT_QP_FATAL)
		atomic_inc(&e->qp_fatal);
	if (ev->event == IB_EVENT_QP_LAST_WQE_REACHED)
		atomic_inc(&e->last_wqe);
}

static void kt_srq_event(struct ib_event *ev, void *ctx)
{
	struct kt_events *e = ctx;

	if (ev->event == IB_EVENT_SRQ_LIMIT_REACHED)
		atomic_inc(&e->srq_limit);
}

static struct ib_cq *kt_cq(struct kunit *test, int depth, struct kt_events *e)
{
	struct ib_cq_init_attr attr = { .cqe = depth };
	struct ib_cq *cq;

	cq = ib_create_cq(kt_dev, NULL, kt_cq_event, e, &attr);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(cq), "create_cq: %d",
			       PTR_ERR_OR_ZERO(cq));
	return cq;
}

static struct ib_qp *kt_qp_try(struct ib_pd *pd, struct ib_cq *scq,
			       struct ib_cq *rcq, struct ib_srq *srq,
			       u32 sq, u32 rq, struct kt_events *e)
{
	struct ib_qp_init_attr attr = {
		.event_handler = kt_qp_event,
		.qp_context = e,
		.send_cq = scq,
		.recv_cq = rcq,
		.srq = srq,
		.cap = {
			.max_send_wr = sq,
			.max_recv_wr = rq,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
		.sq_sig_type = IB_SIGNAL_REQ_WR,
		.qp_type = IB_QPT_RC,
	};

	return ib_create_qp(pd, &attr);
}

static struct ib_qp *kt_qp(struct kunit *test, struct ib_pd *pd,
			   struct ib_cq *cq, u32 sq, u32 rq, struct kt_events *e)
{
	struct ib_qp *qp = kt_qp_try(pd, cq, cq, NULL, sq, rq, e);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(qp), "create_qp: %d",
			       PTR_ERR_OR_ZERO(qp));
	return qp;
}

static int kt_to(struct ib_qp *qp, enum ib_qp_state state)
{
	struct ib_qp_attr attr = { .qp_state = state };

	return ib_modify_qp(qp, &attr, IB_QP_STATE);
}

static void kt_to_rts(struct kunit *test, struct ib_qp *qp)
{
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_RTR));
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_RTS));
}

static int kt_post_recv(struct ib_qp *qp, struct ib_pd *pd, void *buf,
			u64 wr_id)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)buf,
		.length = 64,
		.lkey = pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = { .wr_id = wr_id, .sg_list = &sge, .num_sge = 1 };

	return ib_post_recv(qp, &wr, NULL);
}

static enum ib_qp_state kt_state(struct ib_qp *qp)
{
	struct ib_qp_init_attr init;
	struct ib_qp_attr attr;

	ib_query_qp(qp, &attr, IB_QP_STATE, &init);
	return attr.qp_state;
}

static struct srnic_dev *kt_sdev(void)
{
	return to_sdev(kt_dev);
}

static void kt_kernel_admission_reset(void *sdev)
{
	WRITE_ONCE(((struct srnic_dev *)sdev)->admit.kernel_policy,
		   SRNIC_ADMIT_ACCOUNT);
}

/*
 * Kernel consumers are admitted under cq_admission_kernel, by default
 * account, which refuses nothing for lack of CQ room. Tests of refusals
 * ask for @policy until they end.
 */
static void kt_kernel_admission(struct kunit *test,
				enum srnic_admit_policy policy)
{
	WRITE_ONCE(kt_sdev()->admit.kernel_policy, policy);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action(test,
						  kt_kernel_admission_reset,
						  kt_sdev()));
}

/* The value a fill_res_*_entry function gave a driver attribute. */
static s64 kt_res_attr(struct sk_buff *msg, const char *name)
{
	struct nlattr *nest = (struct nlattr *)msg->data, *a;
	bool found = false;
	int rem;

	if (nla_type(nest) != RDMA_NLDEV_ATTR_DRIVER)
		return -1;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == RDMA_NLDEV_ATTR_DRIVER_STRING)
			found = !strcmp(nla_data(a), name);
		else if (found && nla_type(a) == RDMA_NLDEV_ATTR_DRIVER_U32)
			return nla_get_u32(a);
		else if (found && nla_type(a) == RDMA_NLDEV_ATTR_DRIVER_U64)
			return nla_get_u64(a);
	}
	return -1;
}

static void unsafe_global_rkey_pd_is_refused(struct kunit *test)
{
	struct ib_pd *pd = ib_alloc_pd(kt_dev, IB_PD_UNSAFE_GLOBAL_RKEY);

	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR_OR_ZERO(pd));
	if (!IS_ERR(pd))
		ib_dealloc_pd(pd);
}

static void kernel_pd_lkey_is_local_only(struct kunit *test)
{
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct srnic_access_req req = {
		.op = SRNIC_OP_REMOTE_WRITE,
		.addr = 4096,
		.len = 8,
	};
	struct srnic_mem *mem;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	KUNIT_EXPECT_EQ(test, 0U, pd->unsafe_global_rkey);
	req.stag = pd->__internal_mr->rkey;
	req.pd = pd;
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_RIGHTS,
			srnic_access_check(&kt_sdev()->stags, &req, NULL, &mem));
	req.op = SRNIC_OP_LOCAL_WRITE;
	req.stag = pd->local_dma_lkey;
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK,
			srnic_access_check(&kt_sdev()->stags, &req, NULL, &mem));
	srnic_access_end(mem);
	local_bh_enable();
	ib_dealloc_pd(pd);
}

static void error_flushes_every_wr(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_wc wc[8];
	struct ib_sge sge;
	struct ib_send_wr swr = {
		.wr_id = 100,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = IB_WR_SEND,
	};
	void *buf;
	int n, i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cq = kt_cq(test, 8, &e);
	qp = kt_qp(test, pd, cq, 4, 4, &e);
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	KUNIT_EXPECT_EQ(test, 0, kt_post_recv(qp, pd, buf, 1));
	KUNIT_EXPECT_EQ(test, 0, kt_post_recv(qp, pd, buf + 64, 2));
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_RTR));
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_RTS));
	sge = (struct ib_sge){ (u64)(uintptr_t)buf, 16, pd->local_dma_lkey };
	/* Unsignaled, and still it completes when flushed. */
	KUNIT_EXPECT_EQ(test, 0, ib_post_send(qp, &swr, NULL));
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(cq, 8, wc));

	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_ERR));
	n = ib_poll_cq(cq, 8, wc);
	KUNIT_ASSERT_EQ(test, 3, n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, IB_WC_WR_FLUSH_ERR, wc[i].status);
	KUNIT_EXPECT_EQ(test, 100ULL, wc[0].wr_id);
	KUNIT_EXPECT_EQ(test, 1ULL, wc[1].wr_id);
	KUNIT_EXPECT_EQ(test, 2ULL, wc[2].wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_RECV, wc[2].opcode);

	/* In ERR a new WR completes at once, flushed. */
	KUNIT_EXPECT_EQ(test, 0, kt_post_recv(qp, pd, buf, 3));
	KUNIT_EXPECT_EQ(test, 1, ib_poll_cq(cq, 8, wc));
	KUNIT_EXPECT_EQ(test, IB_WC_WR_FLUSH_ERR, wc[0].status);

	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static void post_send_before_rts_is_refused(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_send_wr swr = { .opcode = IB_WR_SEND };
	struct ib_cq *cq;
	struct ib_qp *qp;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	cq = kt_cq(test, 4, &e);
	qp = kt_qp(test, pd, cq, 2, 2, &e);
	KUNIT_EXPECT_EQ(test, -EINVAL, ib_post_send(qp, &swr, NULL));
	KUNIT_EXPECT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	KUNIT_EXPECT_EQ(test, -EINVAL, ib_post_send(qp, &swr, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, kt_to(qp, IB_QPS_RTS));
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static void cq_overflow_errors_exactly_its_qps(struct kunit *test)
{
	struct kt_events ea = {}, eb = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct srnic_dev *sdev = kt_sdev();
	struct ib_cq *cqa, *cqb;
	struct ib_qp *qa1, *qa2, *qb;
	struct ib_wc wc[8];
	u64 overflows;
	void *buf;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cqa = kt_cq(test, 4, &ea);
	cqb = kt_cq(test, 4, &eb);
	qa1 = kt_qp(test, pd, cqa, 1, 1, &ea);
	qa2 = kt_qp(test, pd, cqa, 1, 1, &ea);
	qb = kt_qp(test, pd, cqb, 2, 2, &eb);
	kt_to_rts(test, qa2);
	kt_to_rts(test, qb);
	KUNIT_ASSERT_EQ(test, 0, kt_to(qa1, IB_QPS_INIT));
	KUNIT_ASSERT_EQ(test, 0, kt_to(qa1, IB_QPS_ERR));
	overflows = sdev->admit.overflows;

	/* Each WR posted in ERR completes at once: the fifth has no room. */
	for (i = 0; i < 5; i++)
		kt_post_recv(qa1, pd, buf, i);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&ea.cq_err));
	KUNIT_EXPECT_EQ(test, overflows + 1, sdev->admit.overflows);

	for (i = 0; i < 100 && kt_state(qa2) != IB_QPS_ERR; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, IB_QPS_ERR, kt_state(qa2));
	KUNIT_EXPECT_GE(test, atomic_read(&ea.qp_fatal), 1);

	/* The QP on the other CQ saw nothing. */
	KUNIT_EXPECT_EQ(test, IB_QPS_RTS, kt_state(qb));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&eb.cq_err));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&eb.qp_fatal));
	KUNIT_EXPECT_EQ(test, 0, kt_post_recv(qb, pd, buf, 7));
	KUNIT_EXPECT_EQ(test, 0, kt_to(qb, IB_QPS_ERR));
	KUNIT_EXPECT_EQ(test, 1, ib_poll_cq(cqb, 8, wc));
	KUNIT_EXPECT_EQ(test, 7ULL, wc[0].wr_id);

	/* The failed CQ hands out what it holds, then reports its error. */
	KUNIT_EXPECT_EQ(test, 4, ib_poll_cq(cqa, 8, wc));
	KUNIT_EXPECT_EQ(test, -EIO, ib_poll_cq(cqa, 8, wc));
	/* And takes no new QP. */
	KUNIT_EXPECT_TRUE(test, IS_ERR(kt_qp_try(pd, cqa, cqa, NULL, 0, 0,
						 &ea)));

	ib_destroy_qp(qa1);
	ib_destroy_qp(qa2);
	ib_destroy_qp(qb);
	ib_destroy_cq(cqa);
	ib_destroy_cq(cqb);
	ib_dealloc_pd(pd);
}

static void qp_beyond_cq_depth_is_not_admitted(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_cq *cq;
	struct ib_qp *qp;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	kt_kernel_admission(test, SRNIC_ADMIT_STRICT);
	cq = kt_cq(test, 4, &e);
	qp = kt_qp_try(pd, cq, cq, NULL, 3, 2, &e);
	KUNIT_EXPECT_EQ(test, -ENOSPC, PTR_ERR_OR_ZERO(qp));
	if (!IS_ERR(qp))
		ib_destroy_qp(qp);
	qp = kt_qp(test, pd, cq, 2, 2, &e);
	/* A full CQ cannot shrink below what it admitted. */
	KUNIT_EXPECT_EQ(test, -ENOSPC, ib_resize_cq(cq, 3));
	KUNIT_EXPECT_EQ(test, 0, ib_resize_cq(cq, 8));
	ib_destroy_qp(qp);
	KUNIT_EXPECT_EQ(test, 0, ib_resize_cq(cq, 1));
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static void fast_reg_then_local_invalidate(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct srnic_dev *sdev = kt_sdev();
	struct srnic_access_req req = { .op = SRNIC_OP_REMOTE_WRITE, .len = 8 };
	struct ib_reg_wr rwr = {};
	struct ib_send_wr iwr = {};
	struct scatterlist sg;
	struct srnic_mem *mem;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_mr *mr;
	struct ib_wc wc;
	void *buf;
	u8 key;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cq = kt_cq(test, 8, &e);
	qp = kt_qp(test, pd, cq, 4, 0, &e);
	kt_to_rts(test, qp);

	mr = ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mr));
	KUNIT_EXPECT_NE(test, mr->lkey, mr->rkey);
	sg_init_one(&sg, buf, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 1, ib_dma_map_sg(kt_dev, &sg, 1,
					       DMA_BIDIRECTIONAL));
	KUNIT_ASSERT_EQ(test, 1, ib_map_mr_sg(mr, &sg, 1, NULL, PAGE_SIZE));
	key = srnic_stag_key(mr->rkey) + 1;
	ib_update_fast_reg_key(mr, key);

	rwr.wr.opcode = IB_WR_REG_MR;
	rwr.wr.send_flags = IB_SEND_SIGNALED;
	rwr.wr.wr_id = 1;
	rwr.mr = mr;
	rwr.key = mr->rkey;
	rwr.access = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &rwr.wr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_REG_MR, wc.opcode);

	req.pd = pd;
	req.addr = mr->iova;
	req.stag = mr->rkey;
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_OK,
			srnic_access_check(&sdev->stags, &req, NULL, &mem));
	srnic_access_end(mem);
	/* The lkey never opens the buffer to a peer. */
	req.stag = mr->lkey;
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_RIGHTS,
			srnic_access_check(&sdev->stags, &req, NULL, &mem));
	local_bh_enable();

	iwr.opcode = IB_WR_LOCAL_INV;
	iwr.send_flags = IB_SEND_SIGNALED;
	iwr.wr_id = 2;
	iwr.ex.invalidate_rkey = mr->rkey;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &iwr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_LOCAL_INV, wc.opcode);

	req.stag = mr->rkey;
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED,
			srnic_access_check(&sdev->stags, &req, NULL, &mem));
	local_bh_enable();

	/* Invalidating it again fails and takes the QP to ERR. */
	iwr.wr_id = 3;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &iwr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_LOC_PROT_ERR, wc.status);
	KUNIT_EXPECT_EQ(test, IB_QPS_ERR, kt_state(qp));

	ib_dma_unmap_sg(kt_dev, &sg, 1, DMA_BIDIRECTIONAL);
	ib_dereg_mr(mr);
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

/* Poll one completion, giving a work item up to a second to post it. */
static int kt_poll_wait(struct ib_cq *cq, struct ib_wc *wc)
{
	int i, n = 0;

	for (i = 0; i < 50 && !n; i++) {
		n = ib_poll_cq(cq, 1, wc);
		if (!n)
			msleep(20);
	}
	return n;
}

/*
 * A LOCAL_INV posted while an access of the MR is in flight cuts new
 * accesses off at once but completes only once that access ended, and
 * the REG_MR behind it in the SQ waits for it: post_send may run in
 * atomic context, so the wait happens in a work item, asleep.
 */
static void local_invalidate_completes_after_access_in_flight(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct srnic_dev *sdev = kt_sdev();
	struct srnic_access_req req = { .op = SRNIC_OP_REMOTE_WRITE, .len = 8 };
	struct ib_reg_wr rwr = {};
	struct ib_send_wr iwr = {};
	struct srnic_mem *held, *mem;
	struct scatterlist sg;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_mr *mr;
	struct ib_wc wc;
	void *buf;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cq = kt_cq(test, 8, &e);
	qp = kt_qp(test, pd, cq, 4, 0, &e);
	kt_to_rts(test, qp);
	mr = ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mr));
	sg_init_one(&sg, buf, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 1, ib_dma_map_sg(kt_dev, &sg, 1,
					       DMA_BIDIRECTIONAL));
	KUNIT_ASSERT_EQ(test, 1, ib_map_mr_sg(mr, &sg, 1, NULL, PAGE_SIZE));
	rwr.wr.opcode = IB_WR_REG_MR;
	rwr.wr.send_flags = IB_SEND_SIGNALED;
	rwr.wr.wr_id = 1;
	rwr.mr = mr;
	rwr.key = mr->rkey;
	rwr.access = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &rwr.wr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_ASSERT_EQ(test, IB_WC_SUCCESS, wc.status);

	/* A peer's write is being placed (as if on another CPU). */
	req.pd = pd;
	req.addr = mr->iova;
	req.stag = mr->rkey;
	local_bh_disable();
	KUNIT_ASSERT_EQ(test, SRNIC_ACCESS_OK,
			srnic_access_check(&sdev->stags, &req, NULL, &held));
	local_bh_enable();

	/* BH disabled, as a ULP posting from a completion handler. */
	iwr.opcode = IB_WR_LOCAL_INV;
	iwr.send_flags = IB_SEND_SIGNALED;
	iwr.wr_id = 2;
	iwr.ex.invalidate_rkey = mr->rkey;
	iwr.next = &rwr.wr;
	rwr.wr.wr_id = 3;
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, 0, ib_post_send(qp, &iwr, NULL));
	/* Cut off at once... */
	KUNIT_EXPECT_EQ(test, SRNIC_ACCESS_INVALIDATED,
			srnic_access_check(&sdev->stags, &req, NULL, &mem));
	local_bh_enable();
	/* ...but not complete, and nothing behind it ran. */
	msleep(50);
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, SRNIC_MEM_INVALIDATED,
			srnic_mem_state(&to_smr(mr)->mem));

	local_bh_disable();
	srnic_access_end(held);
	local_bh_enable();
	KUNIT_ASSERT_EQ(test, 1, kt_poll_wait(cq, &wc));
	KUNIT_EXPECT_EQ(test, 2ULL, wc.wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_LOCAL_INV, wc.opcode);
	KUNIT_ASSERT_EQ(test, 1, kt_poll_wait(cq, &wc));
	KUNIT_EXPECT_EQ(test, 3ULL, wc.wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_QPS_RTS, kt_state(qp));

	ib_dma_unmap_sg(kt_dev, &sg, 1, DMA_BIDIRECTIONAL);
	ib_dereg_mr(mr);
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static void sge_of_another_pd_is_refused(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_pd *other = ib_alloc_pd(kt_dev, 0);
	struct srnic_dev *sdev = kt_sdev();
	struct ib_cq *cq;
	struct ib_qp *qp;
	void *buf;
	s64 before;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cq = kt_cq(test, 4, &e);
	qp = kt_qp(test, pd, cq, 2, 2, &e);
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	before = atomic64_read(&sdev->access_stats.refused[SRNIC_ACCESS_PD_MISMATCH - 1]);
	KUNIT_EXPECT_EQ(test, -EINVAL, kt_post_recv(qp, other, buf, 1));
	KUNIT_EXPECT_EQ(test, before + 1,
			atomic64_read(&sdev->access_stats.refused[SRNIC_ACCESS_PD_MISMATCH - 1]));
	KUNIT_EXPECT_EQ(test, 0, kt_post_recv(qp, pd, buf, 2));
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(other);
	ib_dealloc_pd(pd);
}

static void srq_limit_fires_once_below_the_mark(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_srq_init_attr sattr = {
		.event_handler = kt_srq_event,
		.srq_context = &e,
		.attr = { .max_wr = 4, .max_sge = 1, .srq_limit = 2 },
		.srq_type = IB_SRQT_BASIC,
	};
	struct ib_sge sge;
	struct ib_recv_wr wr = { .sg_list = &sge, .num_sge = 1 };
	struct srnic_rqe rqe;
	struct ib_srq_attr qattr;
	struct sk_buff *msg;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_srq *srq;
	void *buf;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	srq = ib_create_srq(pd, &sattr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(srq));
	sge = (struct ib_sge){ (u64)(uintptr_t)buf, 64, pd->local_dma_lkey };
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, 0, ib_post_srq_recv(srq, &wr, NULL));
	KUNIT_EXPECT_EQ(test, -ENOMEM, ib_post_srq_recv(srq, &wr, NULL));
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, 0, srnic_fill_res_srq_entry(msg, srq));
	KUNIT_EXPECT_EQ(test, 4, kt_res_attr(msg, "used"));
	KUNIT_EXPECT_EQ(test, 2, kt_res_attr(msg, "limit"));
	nlmsg_free(msg);

	/* An SRQ of 4 on a CQ of 4 leaves no room for a send queue. */
	kt_kernel_admission(test, SRNIC_ADMIT_STRICT);
	cq = kt_cq(test, 4, &e);
	KUNIT_EXPECT_TRUE(test, IS_ERR(kt_qp_try(pd, cq, cq, srq, 1, 0, &e)));
	qp = kt_qp_try(pd, cq, cq, srq, 0, 0, &e);
	KUNIT_ASSERT_FALSE(test, IS_ERR(qp));

	KUNIT_EXPECT_TRUE(test, srnic_srq_take(to_ssrq(srq), &rqe));
	KUNIT_EXPECT_TRUE(test, srnic_srq_take(to_ssrq(srq), &rqe));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&e.srq_limit));
	KUNIT_EXPECT_TRUE(test, srnic_srq_take(to_ssrq(srq), &rqe));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&e.srq_limit));
	ib_query_srq(srq, &qattr);
	KUNIT_EXPECT_EQ(test, 0U, qattr.srq_limit);
	KUNIT_EXPECT_TRUE(test, srnic_srq_take(to_ssrq(srq), &rqe));
	KUNIT_EXPECT_FALSE(test, srnic_srq_take(to_ssrq(srq), &rqe));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&e.srq_limit));

	/* A QP on an SRQ hears that no WR of the SRQ will reach it. */
	KUNIT_EXPECT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	KUNIT_EXPECT_EQ(test, 0, kt_to(qp, IB_QPS_ERR));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&e.last_wqe));

	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_destroy_srq(srq);
	ib_dealloc_pd(pd);
}

static void device_qp_limit_refuses_with_enomem(struct kunit *test)
{
	struct kt_events e = {};
	struct srnic_dev *sdev = kt_sdev();
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_cq *cq;
	struct ib_qp *qp, *qp2;
	u64 used = srnic_limits_usage(&sdev->limits, INVALID_UID,
				      SRNIC_RES_QP);

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	cq = kt_cq(test, 8, &e);
	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(&sdev->limits,
						  SRNIC_LIMIT_DEV,
						  SRNIC_RES_QP, used + 1));
	qp = kt_qp(test, pd, cq, 1, 1, &e);
	qp2 = kt_qp_try(pd, cq, cq, NULL, 1, 1, &e);
	KUNIT_EXPECT_EQ(test, -ENOMEM, PTR_ERR_OR_ZERO(qp2));
	if (!IS_ERR(qp2))
		ib_destroy_qp(qp2);
	srnic_limits_set(&sdev->limits, SRNIC_LIMIT_DEV, SRNIC_RES_QP, U64_MAX);
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static u64 kt_counter(struct rdma_hw_stats *st, enum srnic_counter c)
{
	srnic_get_hw_stats(kt_dev, st, SRNIC_PORT, st->num_counters);
	return st->value[c];
}

static void counters_count_each_refusal(struct kunit *test)
{
	struct rdma_hw_stats *st = srnic_alloc_hw_port_stats(kt_dev, SRNIC_PORT);
	struct srnic_dev *sdev = kt_sdev();
	struct kt_events e = {};
	struct ib_pd *pd, *other;
	struct ib_cq *cq;
	struct ib_qp *qp;
	u64 pdm, adm, lim, ovf, ovc;
	void *buf;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_EXPECT_STREQ(test, "pd_mismatch",
			   st->descs[SRNIC_CNT_PD_MISMATCH].name);
	pd = ib_alloc_pd(kt_dev, 0);
	other = ib_alloc_pd(kt_dev, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	pdm = kt_counter(st, SRNIC_CNT_PD_MISMATCH);
	adm = kt_counter(st, SRNIC_CNT_ADMISSION_REFUSED);
	lim = kt_counter(st, SRNIC_CNT_LIMIT_REFUSED);
	ovf = kt_counter(st, SRNIC_CNT_CQ_OVERFLOW);
	ovc = kt_counter(st, SRNIC_CNT_ADMISSION_OVERCOMMIT);

	cq = kt_cq(test, 2, &e);
	/* A kernel consumer's overcommit is let through, and counted. */
	qp = kt_qp(test, pd, cq, 2, 1, &e);
	KUNIT_EXPECT_EQ(test, ovc + 1,
			kt_counter(st, SRNIC_CNT_ADMISSION_OVERCOMMIT));
	KUNIT_EXPECT_STREQ(test, "cq_admission_overcommit",
			   st->descs[SRNIC_CNT_ADMISSION_OVERCOMMIT].name);
	ib_destroy_qp(qp);
	kt_kernel_admission(test, SRNIC_ADMIT_STRICT);
	KUNIT_EXPECT_TRUE(test, IS_ERR(kt_qp_try(pd, cq, cq, NULL, 2, 1, &e)));
	KUNIT_EXPECT_EQ(test, adm + 1, kt_counter(st, SRNIC_CNT_ADMISSION_REFUSED));

	srnic_limits_set(&sdev->limits, SRNIC_LIMIT_DEV, SRNIC_RES_QP,
			 srnic_limits_usage(&sdev->limits, INVALID_UID,
					    SRNIC_RES_QP));
	KUNIT_EXPECT_TRUE(test, IS_ERR(kt_qp_try(pd, cq, cq, NULL, 1, 1, &e)));
	srnic_limits_set(&sdev->limits, SRNIC_LIMIT_DEV, SRNIC_RES_QP, U64_MAX);
	KUNIT_EXPECT_EQ(test, lim + 1, kt_counter(st, SRNIC_CNT_LIMIT_REFUSED));

	qp = kt_qp(test, pd, cq, 1, 1, &e);
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	KUNIT_EXPECT_EQ(test, -EINVAL, kt_post_recv(qp, other, buf, 1));
	KUNIT_EXPECT_EQ(test, pdm + 1, kt_counter(st, SRNIC_CNT_PD_MISMATCH));

	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_ERR));
	for (i = 0; i < 3; i++)
		kt_post_recv(qp, pd, buf, i);
	KUNIT_EXPECT_EQ(test, ovf + 1, kt_counter(st, SRNIC_CNT_CQ_OVERFLOW));

	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(other);
	ib_dealloc_pd(pd);
	rdma_free_hw_stats_struct(st);
}

static void resize_keeps_completions_in_order(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_wc wc[8];
	void *buf;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kt_kernel_admission(test, SRNIC_ADMIT_STRICT);
	cq = kt_cq(test, 4, &e);
	qp = kt_qp(test, pd, cq, 0, 4, &e);
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, 0, kt_post_recv(qp, pd, buf, i));
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_ERR));
	/* Move the ring's head, then wrap it around. */
	KUNIT_ASSERT_EQ(test, 2, ib_poll_cq(cq, 2, wc));
	for (i = 4; i < 6; i++)
		KUNIT_ASSERT_EQ(test, 0, kt_post_recv(qp, pd, buf, i));
	KUNIT_EXPECT_EQ(test, -ENOSPC, ib_resize_cq(cq, 3));
	KUNIT_ASSERT_EQ(test, 0, ib_resize_cq(cq, 8));
	KUNIT_ASSERT_EQ(test, 4, ib_poll_cq(cq, 8, wc));
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, (u64)i + 2, wc[i].wr_id);
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static void full_sq_refuses_with_enomem_at_the_first_wr_left(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_send_wr wr[3] = {};
	const struct ib_send_wr *bad = NULL;
	struct ib_cq *cq;
	struct ib_qp *qp;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	cq = kt_cq(test, 4, &e);
	qp = kt_qp(test, pd, cq, 2, 0, &e);
	kt_to_rts(test, qp);
	for (i = 0; i < 3; i++) {
		wr[i].opcode = IB_WR_RDMA_WRITE;
		wr[i].next = i < 2 ? &wr[i + 1] : NULL;
	}
	KUNIT_EXPECT_EQ(test, -ENOMEM, ib_post_send(qp, &wr[0], &bad));
	KUNIT_EXPECT_PTR_EQ(test, (const struct ib_send_wr *)&wr[2], bad);
	/* Atomics and immediate data are not offered. */
	wr[0].next = NULL;
	wr[0].opcode = IB_WR_ATOMIC_CMP_AND_SWP;
	KUNIT_EXPECT_EQ(test, -EINVAL, ib_post_send(qp, &wr[0], &bad));
	ib_destroy_qp(qp);
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static void reg_mr_needs_an_invalid_mr_and_sound_rights(struct kunit *test)
{
	struct kt_events e = {};
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_pd *other = ib_alloc_pd(kt_dev, 0);
	struct ib_reg_wr rwr = {};
	struct scatterlist sg;
	struct ib_cq *cq;
	struct ib_qp *qp, *qo;
	struct ib_mr *mr;
	struct ib_wc wc;
	void *buf;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cq = kt_cq(test, 8, &e);
	qp = kt_qp(test, pd, cq, 3, 0, &e);
	qo = kt_qp(test, other, cq, 1, 0, &e);
	kt_to_rts(test, qp);
	kt_to_rts(test, qo);
	mr = ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mr));
	sg_init_one(&sg, buf, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 1, ib_dma_map_sg(kt_dev, &sg, 1,
					       DMA_BIDIRECTIONAL));
	KUNIT_ASSERT_EQ(test, 1, ib_map_mr_sg(mr, &sg, 1, NULL, PAGE_SIZE));

	rwr.wr.opcode = IB_WR_REG_MR;
	rwr.mr = mr;
	rwr.key = mr->rkey;
	/* Remote write without local write is not a right one can grant. */
	rwr.access = IB_ACCESS_REMOTE_WRITE;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &rwr.wr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_MW_BIND_ERR, wc.status);
	KUNIT_EXPECT_EQ(test, IB_QPS_ERR, kt_state(qp));

	/* A QP of another PD cannot register it. */
	rwr.access = IB_ACCESS_LOCAL_WRITE;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qo, &rwr.wr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_MW_BIND_ERR, wc.status);

	/* Unsignaled and successful: no completion; twice: an error. */
	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_RESET));
	kt_to_rts(test, qp);
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &rwr.wr, NULL));
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(cq, 1, &wc));
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(qp, &rwr.wr, NULL));
	KUNIT_ASSERT_EQ(test, 1, ib_poll_cq(cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_MW_BIND_ERR, wc.status);
	KUNIT_EXPECT_EQ(test, -EBUSY, ib_map_mr_sg(mr, &sg, 1, NULL, PAGE_SIZE));

	ib_dma_unmap_sg(kt_dev, &sg, 1, DMA_BIDIRECTIONAL);
	ib_dereg_mr(mr);
	ib_destroy_qp(qp);
	ib_destroy_qp(qo);
	ib_destroy_cq(cq);
	ib_dealloc_pd(other);
	ib_dealloc_pd(pd);
}

static void ird_is_charged_and_shown_by_restrack(struct kunit *test)
{
	struct kt_events e = {};
	struct srnic_dev *sdev = kt_sdev();
	struct ib_pd *pd = ib_alloc_pd(kt_dev, 0);
	struct ib_qp_attr attr = { .qp_state = IB_QPS_RTR };
	struct sk_buff *msg;
	struct ib_cq *cq;
	struct ib_qp *qp;
	u64 ird;
	void *buf;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pd));
	buf = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	cq = kt_cq(test, 8, &e);
	qp = kt_qp(test, pd, cq, 3, 2, &e);
	ird = srnic_limits_usage(&sdev->limits, INVALID_UID, SRNIC_RES_IRD);

	KUNIT_ASSERT_EQ(test, 0, kt_to(qp, IB_QPS_INIT));
	attr.max_dest_rd_atomic = 4;
	KUNIT_ASSERT_EQ(test, 0, ib_modify_qp(qp, &attr, IB_QP_STATE |
					      IB_QP_MAX_DEST_RD_ATOMIC));
	KUNIT_EXPECT_EQ(test, ird + 4,
			srnic_limits_usage(&sdev->limits, INVALID_UID,
					   SRNIC_RES_IRD));
	/* Beyond the device's IRD limit: refused, nothing changes. */
	srnic_limits_set(&sdev->limits, SRNIC_LIMIT_DEV, SRNIC_RES_IRD, ird + 6);
	attr.qp_state = IB_QPS_RTS;
	attr.max_dest_rd_atomic = 8;
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			ib_modify_qp(qp, &attr, IB_QP_STATE |
				     IB_QP_MAX_DEST_RD_ATOMIC));
	KUNIT_EXPECT_EQ(test, IB_QPS_RTR, kt_state(qp));
	/* A transition that does not exist is refused before any charge. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ib_modify_qp(qp, &attr, IB_QP_MAX_DEST_RD_ATOMIC));
	srnic_limits_set(&sdev->limits, SRNIC_LIMIT_DEV, SRNIC_RES_IRD, U64_MAX);
	/* An IRD beyond the device's maximum is no limit question at all. */
	attr.max_dest_rd_atomic = SRNIC_MAX_IRD_QP + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ib_modify_qp(qp, &attr, IB_QP_MAX_DEST_RD_ATOMIC));
	KUNIT_EXPECT_EQ(test, 0, kt_post_recv(qp, pd, buf, 1));

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, 0, srnic_fill_res_qp_entry(msg, qp));
	KUNIT_EXPECT_EQ(test, 4, kt_res_attr(msg, "ird"));
	KUNIT_EXPECT_EQ(test, 3, kt_res_attr(msg, "sq_size"));
	KUNIT_EXPECT_EQ(test, 2, kt_res_attr(msg, "rq_size"));
	KUNIT_EXPECT_EQ(test, 1, kt_res_attr(msg, "rq_used"));
	nlmsg_free(msg);

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, 0, srnic_fill_res_cq_entry(msg, cq));
	KUNIT_EXPECT_EQ(test, 5, kt_res_attr(msg, "admitted"));
	KUNIT_EXPECT_EQ(test, 0, kt_res_attr(msg, "used"));
	nlmsg_free(msg);

	ib_destroy_qp(qp);
	KUNIT_EXPECT_EQ(test, ird, srnic_limits_usage(&sdev->limits,
						      INVALID_UID,
						      SRNIC_RES_IRD));
	ib_destroy_cq(cq);
	ib_dealloc_pd(pd);
}

static atomic_t kt_port_err, kt_port_active;

static void kt_port_event(struct ib_event_handler *h, struct ib_event *ev)
{
	if (ev->event == IB_EVENT_PORT_ERR)
		atomic_inc(&kt_port_err);
	if (ev->event == IB_EVENT_PORT_ACTIVE)
		atomic_inc(&kt_port_active);
}

static bool kt_wait(atomic_t *v, int want)
{
	int i;

	for (i = 0; i < 100 && atomic_read(v) < want; i++)
		msleep(20);
	return atomic_read(v) >= want;
}

static void port_follows_the_netdev(struct kunit *test)
{
	struct net_device *lo = dev_get_by_name(&init_net, "lo");
	struct ib_event_handler h;
	struct ib_port_attr pa;
	int mtu, rv;

	KUNIT_ASSERT_NOT_NULL(test, lo);
	mtu = lo->mtu;
	INIT_IB_EVENT_HANDLER(&h, kt_dev, kt_port_event);
	ib_register_event_handler(&h);
	atomic_set(&kt_port_err, 0);
	atomic_set(&kt_port_active, 0);

	rtnl_lock();
	rv = dev_set_mtu(lo, 1500);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, 0, rv);
	KUNIT_EXPECT_EQ(test, 0, ib_query_port(kt_dev, SRNIC_PORT, &pa));
	KUNIT_EXPECT_EQ(test, IB_MTU_1024, pa.active_mtu);

	rtnl_lock();
	dev_close(lo);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, kt_wait(&kt_port_err, 1));
	KUNIT_EXPECT_EQ(test, 0, ib_query_port(kt_dev, SRNIC_PORT, &pa));
	KUNIT_EXPECT_EQ(test, IB_PORT_DOWN, pa.state);

	rtnl_lock();
	rv = dev_open(lo, NULL);
	dev_set_mtu(lo, mtu);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, 0, rv);
	KUNIT_EXPECT_TRUE(test, kt_wait(&kt_port_active, 1));
	KUNIT_EXPECT_EQ(test, 0, ib_query_port(kt_dev, SRNIC_PORT, &pa));
	KUNIT_EXPECT_EQ(test, IB_PORT_ACTIVE, pa.state);
	KUNIT_EXPECT_EQ(test, IB_MTU_4096, pa.active_mtu);
	/* One event per change, not one per netdev notification. */
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&kt_port_err));

	ib_unregister_event_handler(&h);
	dev_put(lo);
}

static int srnic_verbs_suite_init(struct kunit_suite *suite)
{
	struct net_device *lo = dev_get_by_name(&init_net, "lo");
	int rv;

	if (!lo)
		return -ENODEV;
	rv = srnic_link_add(KT_DEV, lo);
	dev_put(lo);
	if (rv)
		return rv;
	kt_dev = ib_device_get_by_name(KT_DEV, RDMA_DRIVER_UNKNOWN);
	return kt_dev ? 0 : -ENODEV;
}

static void srnic_verbs_suite_exit(struct kunit_suite *suite)
{
	if (kt_dev)
		ib_unregister_device_and_put(kt_dev);
	kt_dev = NULL;
}

static struct kunit_case srnic_verbs_cases[] = {
	KUNIT_CASE(unsafe_global_rkey_pd_is_refused),
	KUNIT_CASE(kernel_pd_lkey_is_local_only),
	KUNIT_CASE(error_flushes_every_wr),
	KUNIT_CASE(post_send_before_rts_is_refused),
	KUNIT_CASE(cq_overflow_errors_exactly_its_qps),
	KUNIT_CASE(qp_beyond_cq_depth_is_not_admitted),
	KUNIT_CASE(fast_reg_then_local_invalidate),
	KUNIT_CASE(local_invalidate_completes_after_access_in_flight),
	KUNIT_CASE(sge_of_another_pd_is_refused),
	KUNIT_CASE(srq_limit_fires_once_below_the_mark),
	KUNIT_CASE(device_qp_limit_refuses_with_enomem),
	KUNIT_CASE(counters_count_each_refusal),
	KUNIT_CASE(port_follows_the_netdev),
	KUNIT_CASE(resize_keeps_completions_in_order),
	KUNIT_CASE(full_sq_refuses_with_enomem_at_the_first_wr_left),
	KUNIT_CASE(reg_mr_needs_an_invalid_mr_and_sound_rights),
	KUNIT_CASE(ird_is_charged_and_shown_by_restrack),
	{}
};

static struct kunit_suite srnic_verbs_suite = {
	.name = "srnic_verbs",
	.suite_init = srnic_verbs_suite_init,
	.suite_exit = srnic_verbs_suite_exit,
	.test_cases = srnic_verbs_cases,
};

kunit_test_suite(srnic_verbs_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the srnic verbs objects");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
