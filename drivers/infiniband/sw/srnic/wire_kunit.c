// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the data path over a real TCP stream. Two kernel sockets joined
 * over loopback in init_net; either both ends are srnic QPs (a Send, an
 * RDMA Write and an RDMA Read move end to end, cut into small FPDUs with
 * CRCs on, after each peer-to-peer RTR type), or one end is a bare
 * socket that plays a hostile peer and reads back the Terminate the QP
 * must answer with, or what it holds back until the RTR.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/scatterlist.h>
#include <linux/tcp.h>
#include <linux/unaligned.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <rdma/ib_verbs.h>

#include "mpa.h"
#include "objs.h"
#include "qp_rx.h"
#include "qp_tx.h"
#include "srnic.h"
#include "wire.h"

#define KW_DEV		"srnic_kw0"
#define KW_MULPDU	512	/* small: messages are cut into many FPDUs */
#define KW_LEN		3000

static struct ib_device *kw_dev;

struct kw_end {
	struct socket *sock;
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	atomic_t ended;
	int why;
};

static bool kw_tx_ok(void *ctx)
{
	return true;
}

static void kw_ended(void *ctx, enum srnic_wire_end why)
{
	struct kw_end *e = ctx;

	e->why = why;
	atomic_inc(&e->ended);
}

static const struct srnic_wire_ops kw_ops = {
	.tx_ok = kw_tx_ok,
	.ended = kw_ended,
};

static const struct srnic_wire_params kw_params = {
	.crc = true,
	.ird = 1,
	.ord = 2,
	.mulpdu = KW_MULPDU,
};

static int kw_pair(struct socket **a, struct socket **b)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct socket *l;
	int rv;

	*a = NULL;
	*b = NULL;
	rv = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &l);
	if (rv)
		return rv;
	rv = kernel_bind(l, (struct sockaddr *)&sin, sizeof(sin));
	if (!rv)
		rv = kernel_listen(l, 1);
	if (!rv)
		rv = kernel_getsockname(l, (struct sockaddr *)&sin) < 0;
	if (!rv)
		rv = sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
				      IPPROTO_TCP, a);
	if (!rv)
		rv = kernel_connect(*a, (struct sockaddr *)&sin, sizeof(sin), 0);
	if (!rv)
		rv = kernel_accept(l, b, 0);
	sock_release(l);
	if (!rv) {
		tcp_sock_set_nodelay((*a)->sk);
		tcp_sock_set_nodelay((*b)->sk);
		(*a)->sk->sk_rcvtimeo = 5 * HZ;
		(*b)->sk->sk_rcvtimeo = 5 * HZ;
	}
	return rv;
}

static int kw_to(struct ib_qp *qp, enum ib_qp_state state)
{
	struct ib_qp_attr attr = { .qp_state = state };

	return ib_modify_qp(qp, &attr, IB_QP_STATE);
}

/* A QP in RTS; its stream is started by the caller. */
static void kw_end_init(struct kunit *test, struct kw_end *e,
			struct socket *sock)
{
	struct ib_cq_init_attr ca = { .cqe = 16 };
	struct ib_qp_init_attr qa = {
		.send_cq = NULL,
		.cap = { .max_send_wr = 8, .max_recv_wr = 8,
			 .max_send_sge = 2, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_REQ_WR,
		.qp_type = IB_QPT_RC,
	};

	memset(e, 0, sizeof(*e));
	e->sock = sock;
	e->pd = ib_alloc_pd(kw_dev, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(e->pd));
	e->cq = ib_create_cq(kw_dev, NULL, NULL, NULL, &ca);
	KUNIT_ASSERT_FALSE(test, IS_ERR(e->cq));
	qa.send_cq = e->cq;
	qa.recv_cq = e->cq;
	e->qp = ib_create_qp(e->pd, &qa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(e->qp));
	KUNIT_ASSERT_EQ(test, 0, kw_to(e->qp, IB_QPS_INIT));
	KUNIT_ASSERT_EQ(test, 0, kw_to(e->qp, IB_QPS_RTR));
	KUNIT_ASSERT_EQ(test, 0, kw_to(e->qp, IB_QPS_RTS));
}

static void kw_end_fini(struct kw_end *e)
{
	if (e->qp) {
		srnic_wire_stop(to_sqp(e->qp));
		ib_destroy_qp(e->qp);
	}
	if (e->cq)
		ib_destroy_cq(e->cq);
	if (e->pd)
		ib_dealloc_pd(e->pd);
	if (e->sock)
		sock_release(e->sock);
}

static bool kw_poll(struct ib_cq *cq, struct ib_wc *wc)
{
	int i;

	for (i = 0; i < 250; i++) {
		if (ib_poll_cq(cq, 1, wc) == 1)
			return true;
		msleep(20);
	}
	return false;
}

/* A fast-registration MR over @buf (one page) with @access, on @e's QP. */
static struct ib_mr *kw_frmr(struct kunit *test, struct kw_end *e, void *buf,
			     struct scatterlist *sg, int access)
{
	struct ib_reg_wr rwr = {};
	struct ib_mr *mr;
	struct ib_wc wc;

	mr = ib_alloc_mr(e->pd, IB_MR_TYPE_MEM_REG, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mr));
	sg_init_one(sg, buf, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 1, ib_dma_map_sg(kw_dev, sg, 1,
					       DMA_BIDIRECTIONAL));
	KUNIT_ASSERT_EQ(test, 1, ib_map_mr_sg(mr, sg, 1, NULL, PAGE_SIZE));
	rwr.wr.opcode = IB_WR_REG_MR;
	rwr.wr.send_flags = IB_SEND_SIGNALED;
	rwr.mr = mr;
	rwr.key = mr->rkey;
	rwr.access = access;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(e->qp, &rwr.wr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(e->cq, &wc));
	KUNIT_ASSERT_EQ(test, IB_WC_SUCCESS, wc.status);
	return mr;
}

static void kw_fill(u8 *p, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 31;
}

/* A device counter (srnic.h), read the way "rdma statistic" reads it. */
static s64 kw_count(atomic64_t *c)
{
	return atomic64_read(c);
}

/* The stream with MPA CRCs, and without (guard said skip, peer agreed). */
static const bool kw_crc_cases[] = { true, false };

static void kw_crc_desc(const bool *crc, char *desc)
{
	strscpy(desc, *crc ? "crc" : "no_crc", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kw_crc, kw_crc_cases, kw_crc_desc);

/*
 * Send, RDMA Write and RDMA Read between two QPs, with and without MPA
 * CRCs; a stream without them is counted in crc_skipped, once per QP.
 */
static void send_write_read_end_to_end(struct kunit *test)
{
	const bool *crc = test->param_value;
	struct srnic_wire_params wp = kw_params;
	struct srnic_dev *sd = to_sdev(kw_dev);
	u8 *src = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *win = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct socket *sa, *sb;
	struct scatterlist sg;
	struct ib_recv_wr rwr = {};
	struct ib_rdma_wr wwr = {};
	struct ib_send_wr swr = {};
	struct ib_sge sge;
	struct ib_mr *mr;
	struct ib_wc wc;
	s64 skipped;

	KUNIT_ASSERT_TRUE(test, src && dst && win && a && b);
	wp.crc = *crc;
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&sa, &sb));
	kw_end_init(test, a, sa);
	kw_end_init(test, b, sb);
	skipped = kw_count(&sd->crc_skipped);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(a->qp), sa, &wp,
						  &kw_ops, a));
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb, &wp,
						  &kw_ops, b));
	KUNIT_EXPECT_EQ(test, skipped + (*crc ? 0 : 2),
			kw_count(&sd->crc_skipped));

	/* Send: B's receive gets every byte, A's WR completes. */
	kw_fill(src, KW_LEN, 1);
	sge = (struct ib_sge){ (uintptr_t)dst, PAGE_SIZE, b->pd->local_dma_lkey };
	rwr.wr_id = 7;
	rwr.sg_list = &sge;
	rwr.num_sge = 1;
	KUNIT_ASSERT_EQ(test, 0, ib_post_recv(b->qp, &rwr, NULL));
	sge = (struct ib_sge){ (uintptr_t)src, KW_LEN, a->pd->local_dma_lkey };
	swr.wr_id = 8;
	swr.opcode = IB_WR_SEND;
	swr.send_flags = IB_SEND_SIGNALED | IB_SEND_SOLICITED;
	swr.sg_list = &sge;
	swr.num_sge = 1;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &swr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(a->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 8, wc.wr_id);
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_RECV, wc.opcode);
	KUNIT_EXPECT_EQ(test, 7, wc.wr_id);
	KUNIT_EXPECT_EQ(test, KW_LEN, wc.byte_len);
	KUNIT_EXPECT_MEMEQ(test, dst, src, KW_LEN);

	/* RDMA Write into B's window, fenced by a Send behind it. */
	mr = kw_frmr(test, b, win, &sg, IB_ACCESS_LOCAL_WRITE |
		     IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ);
	kw_fill(src, KW_LEN, 2);
	sge = (struct ib_sge){ (uintptr_t)src, KW_LEN, a->pd->local_dma_lkey };
	wwr.wr.wr_id = 9;
	wwr.wr.opcode = IB_WR_RDMA_WRITE;
	wwr.wr.send_flags = IB_SEND_SIGNALED;
	wwr.wr.sg_list = &sge;
	wwr.wr.num_sge = 1;
	wwr.remote_addr = mr->iova + 16;
	wwr.rkey = mr->rkey;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &wwr.wr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(a->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_RDMA_WRITE, wc.opcode);
	sge = (struct ib_sge){ (uintptr_t)dst, PAGE_SIZE, b->pd->local_dma_lkey };
	KUNIT_ASSERT_EQ(test, 0, ib_post_recv(b->qp, &rwr, NULL));
	sge = (struct ib_sge){ (uintptr_t)src, 0, a->pd->local_dma_lkey };
	swr.send_flags = 0;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &swr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, 0, wc.byte_len);
	KUNIT_EXPECT_MEMEQ(test, win + 16, src, KW_LEN);

	/* RDMA Read of B's window back into A. */
	memset(dst, 0, PAGE_SIZE);
	sge = (struct ib_sge){ (uintptr_t)dst, 1000, a->pd->local_dma_lkey };
	wwr.wr.wr_id = 10;
	wwr.wr.opcode = IB_WR_RDMA_READ;
	wwr.remote_addr = mr->iova + 100;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &wwr.wr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(a->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_RDMA_READ, wc.opcode);
	KUNIT_EXPECT_EQ(test, 10, wc.wr_id);
	KUNIT_EXPECT_MEMEQ(test, dst, win + 100, 1000);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&a->ended));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&b->ended));

	srnic_wire_stop(to_sqp(a->qp));
	srnic_wire_stop(to_sqp(b->qp));
	ib_dereg_mr(mr);
	ib_dma_unmap_sg(kw_dev, &sg, 1, DMA_BIDIRECTIONAL);
	kw_end_fini(a);
	kw_end_fini(b);
}

/*
 * A Send longer than a transmit batch (%SRNIC_TX_BATCH) from two SGEs
 * leaves in several batches of consecutive FPDUs, and arrives whole: the
 * batch boundaries fall inside FPDU runs and across the SGE boundary.
 */
#define KW_LONG		(2 * SRNIC_TX_BATCH + 4321)

static void long_send_leaves_in_several_batches(struct kunit *test)
{
	const bool *crc = test->param_value;
	struct srnic_wire_params wp = kw_params;
	u8 *src = kunit_kmalloc(test, KW_LONG, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, KW_LONG + 64, GFP_KERNEL);
	struct kw_end *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct ib_recv_wr rwr = {};
	struct ib_send_wr swr = {};
	struct socket *sa, *sb;
	struct ib_sge rsge, ssge[2];
	struct ib_wc wc;
	u32 half = KW_LONG / 2 + 77;

	KUNIT_ASSERT_TRUE(test, src && dst && a && b);
	wp.crc = *crc;
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&sa, &sb));
	kw_end_init(test, a, sa);
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(a->qp), sa, &wp,
						  &kw_ops, a));
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb, &wp,
						  &kw_ops, b));
	kw_fill(src, KW_LONG, 9);
	rsge = (struct ib_sge){ (uintptr_t)dst, KW_LONG + 64,
				b->pd->local_dma_lkey };
	rwr.wr_id = 21;
	rwr.sg_list = &rsge;
	rwr.num_sge = 1;
	KUNIT_ASSERT_EQ(test, 0, ib_post_recv(b->qp, &rwr, NULL));
	ssge[0] = (struct ib_sge){ (uintptr_t)src, half, a->pd->local_dma_lkey };
	ssge[1] = (struct ib_sge){ (uintptr_t)src + half, KW_LONG - half,
				   a->pd->local_dma_lkey };
	swr.wr_id = 22;
	swr.opcode = IB_WR_SEND;
	swr.send_flags = IB_SEND_SIGNALED;
	swr.sg_list = ssge;
	swr.num_sge = 2;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &swr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(a->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 22, wc.wr_id);
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 21, wc.wr_id);
	KUNIT_EXPECT_EQ(test, KW_LONG, wc.byte_len);
	KUNIT_EXPECT_MEMEQ(test, dst, src, KW_LONG);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&a->ended));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&b->ended));
	kw_end_fini(a);
	kw_end_fini(b);
}

/*
 * What ib_core's rw API posts for every iWARP Read (nvmet-rdma serving a
 * host's write): REG_MR of the sink and an RDMA_READ_WITH_INV into it,
 * chained, its invalidate_rkey filled in before the MR got its new key.
 * The Read is posted while the sink is not valid yet, lands whole, and
 * the sink STag is invalid once the Read completed. Then a Read into
 * the PD's DMA lkey, which no invalidation may end, completes in error.
 */
static void read_with_invalidate_invalidates_the_sink(struct kunit *test)
{
	u8 *win = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct scatterlist sg, sga;
	struct ib_rdma_wr rd = {};
	struct ib_reg_wr reg = {};
	struct ib_mr *mr, *sink;
	struct socket *sa, *sb;
	struct ib_sge sge;
	struct ib_wc wc;

	KUNIT_ASSERT_TRUE(test, win && dst && a && b);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&sa, &sb));
	kw_end_init(test, a, sa);
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(a->qp), sa, &kw_params,
						  &kw_ops, a));
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb, &kw_params,
						  &kw_ops, b));
	mr = kw_frmr(test, b, win, &sg, IB_ACCESS_REMOTE_READ);
	kw_fill(win, PAGE_SIZE, 4);

	sink = ib_alloc_mr(a->pd, IB_MR_TYPE_MEM_REG, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sink));
	sg_init_one(&sga, dst, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 1, ib_dma_map_sg(kw_dev, &sga, 1,
					       DMA_BIDIRECTIONAL));
	KUNIT_ASSERT_EQ(test, 1, ib_map_mr_sg(sink, &sga, 1, NULL, PAGE_SIZE));
	/* As rw.c: ex names the key the MR had, then the MR gets a new one. */
	rd.wr.ex.invalidate_rkey = sink->lkey;
	ib_update_fast_reg_key(sink, ib_inc_rkey(sink->lkey));
	reg.wr.opcode = IB_WR_REG_MR;
	reg.wr.next = &rd.wr;
	reg.mr = sink;
	reg.key = sink->lkey;
	reg.access = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE;
	sge = (struct ib_sge){ sink->iova + 8, 1000, sink->lkey };
	rd.wr.wr_id = 21;
	rd.wr.opcode = IB_WR_RDMA_READ_WITH_INV;
	rd.wr.send_flags = IB_SEND_SIGNALED;
	rd.wr.sg_list = &sge;
	rd.wr.num_sge = 1;
	rd.remote_addr = mr->iova + 200;
	rd.rkey = mr->rkey;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &reg.wr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(a->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, IB_WC_RDMA_READ, wc.opcode);
	KUNIT_EXPECT_EQ(test, 21, wc.wr_id);
	KUNIT_EXPECT_MEMEQ(test, dst + 8, win + 200, 1000);
	KUNIT_EXPECT_EQ(test, SRNIC_MEM_INVALIDATED,
			srnic_mem_state(&to_smr(sink)->mem));
	/* The sink is gone: a Read into it is refused when posted. */
	KUNIT_EXPECT_EQ(test, -EINVAL, ib_post_send(a->qp, &rd.wr, NULL));

	/* No sink: refused when posted. */
	rd.wr.num_sge = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, ib_post_send(a->qp, &rd.wr, NULL));

	/*
	 * The DMA lkey is no fast-registration STag: the data lands, the
	 * invalidation is refused and the Read completes in error; the
	 * other end's STag, named in ex, is left alone.
	 */
	memset(dst, 0, PAGE_SIZE);
	sge = (struct ib_sge){ (uintptr_t)dst, 100, a->pd->local_dma_lkey };
	rd.wr.wr_id = 22;
	rd.wr.num_sge = 1;
	rd.wr.ex.invalidate_rkey = mr->rkey;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(a->qp, &rd.wr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(a->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_LOC_PROT_ERR, wc.status);
	KUNIT_EXPECT_EQ(test, 22, wc.wr_id);
	KUNIT_EXPECT_MEMEQ(test, dst, win + 200, 100);
	KUNIT_EXPECT_EQ(test, SRNIC_MEM_VALID,
			srnic_mem_state(&to_smr(mr)->mem));

	srnic_wire_stop(to_sqp(a->qp));
	srnic_wire_stop(to_sqp(b->qp));
	ib_dereg_mr(sink);
	ib_dma_unmap_sg(kw_dev, &sga, 1, DMA_BIDIRECTIONAL);
	ib_dereg_mr(mr);
	ib_dma_unmap_sg(kw_dev, &sg, 1, DMA_BIDIRECTIONAL);
	kw_end_fini(a);
	kw_end_fini(b);
}

/* The hostile peer: a ULPDU out as one FPDU, its CRC flipped if @bad. */
static void kw_raw_fpdu(struct kunit *test, struct socket *s, const u8 *u,
			size_t len, bool bad)
{
	struct msghdr msg = {};
	struct kvec iov;
	u8 f[256];
	size_t n;

	n = srnic_fpdu_tx_whole(u, len, true, f, sizeof(f));
	KUNIT_ASSERT_NE(test, n, 0);
	if (bad)
		f[n - 1] ^= 0x01;
	iov.iov_base = f;
	iov.iov_len = n;
	KUNIT_ASSERT_EQ(test, (int)n, kernel_sendmsg(s, &msg, &iov, 1, n));
}

/* The hostile peer: one raw FPDU out, the next FPDU back. */
static void kw_raw_send(struct kunit *test, struct socket *s,
			const struct srnic_ddp_hdr *h, const u8 *pay, u32 len)
{
	u8 u[128];
	size_t hl;

	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build(h, u, SRNIC_DDP_HDR_MAX, &hl));
	KUNIT_ASSERT_LE(test, hl + len, sizeof(u));
	memcpy(u + hl, pay, len);
	kw_raw_fpdu(test, s, u, hl + len, false);
}

/* What the hostile peer read: counts and the last segment per opcode. */
struct kw_seen {
	int n[SRNIC_RDMAP_OPCODE_NR];
	struct srnic_ddp_seg seg[SRNIC_RDMAP_OPCODE_NR];
};

static int kw_seen_begin(void *ctx, struct srnic_fpdu_rx *rx)
{
	return 0;
}

static int kw_seen_data(void *ctx, struct srnic_fpdu_rx *rx, const u8 *p,
			u32 len, u32 off)
{
	return 0;
}

static int kw_seen_end(void *ctx, struct srnic_fpdu_rx *rx)
{
	struct kw_seen *k = ctx;
	u8 op = rx->seg.h.opcode;

	k->n[op]++;
	k->seg[op] = rx->seg;
	return 0;
}

static const struct srnic_fpdu_rx_ops kw_seen_ops = {
	.begin = kw_seen_begin, .data = kw_seen_data, .end = kw_seen_end,
};

/* Read FPDUs from @s until one of @opcode came; false on timeout. */
static bool kw_raw_expect(struct srnic_fpdu_rx *rx, struct socket *s,
			  u8 opcode, struct kw_seen *k)
{
	u8 b[256];
	int tries;

	for (tries = 0; tries < 16 && !k->n[opcode]; tries++) {
		struct msghdr msg = {};
		struct kvec iov = { b, sizeof(b) };
		size_t used;
		int n;

		n = kernel_recvmsg(s, &msg, &iov, 1, sizeof(b), 0);
		if (n <= 0)
			return false;
		if (srnic_fpdu_rx_feed(rx, b, n, &used, &kw_seen_ops, k))
			return false;
	}
	return k->n[opcode];
}

static void kw_expect_term(struct kunit *test, struct kw_end *b,
			   struct socket *raw, u8 layer, u8 etype, u8 ecode)
{
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct kw_seen *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	const struct srnic_rdmap_term *t;
	struct ib_qp_attr attr;
	struct ib_qp_init_attr ia;
	int i;

	KUNIT_ASSERT_TRUE(test, rx && k);
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_ASSERT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_TERMINATE,
					      k));
	t = &k->seg[SRNIC_RDMAP_TERMINATE].term;
	KUNIT_EXPECT_EQ(test, t->code.layer, layer);
	KUNIT_EXPECT_EQ(test, t->code.etype, etype);
	KUNIT_EXPECT_EQ(test, t->code.ecode, ecode);
	for (i = 0; i < 50 && !atomic_read(&b->ended); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&b->ended));
	KUNIT_EXPECT_EQ(test, SRNIC_WIRE_END_TERM_SENT, b->why);
	KUNIT_EXPECT_EQ(test, 0, ib_query_qp(b->qp, &attr, 0, &ia));
	KUNIT_EXPECT_EQ(test, IB_QPS_ERR, attr.qp_state);
}

static void write_without_write_rights_terminates(struct kunit *test)
{
	u8 *win = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_ddp_hdr h = { .opcode = SRNIC_RDMAP_WRITE, .last = true };
	static const u8 pay[16] = { 1, 2, 3, 4 };
	struct socket *raw, *sb;
	struct scatterlist sg;
	struct ib_mr *mr;

	struct srnic_dev *sd = to_sdev(kw_dev);
	s64 sent;

	KUNIT_ASSERT_TRUE(test, win && b);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	mr = kw_frmr(test, b, win, &sg, IB_ACCESS_REMOTE_READ);
	h.stag = mr->rkey;
	h.to = mr->iova;
	sent = kw_count(&sd->terminate_sent);
	kw_raw_send(test, raw, &h, pay, sizeof(pay));
	/* DDP has no rights code: the STag is invalid for a Write. */
	kw_expect_term(test, b, raw, SRNIC_TERM_LAYER_DDP,
		       SRNIC_TERM_DDP_TAGGED, SRNIC_TERM_DDP_T_INVALID_STAG);
	KUNIT_EXPECT_EQ(test, 0, win[0]);
	KUNIT_EXPECT_EQ(test, sent + 1, kw_count(&sd->terminate_sent));

	srnic_wire_stop(to_sqp(b->qp));
	ib_dereg_mr(mr);
	ib_dma_unmap_sg(kw_dev, &sg, 1, DMA_BIDIRECTIONAL);
	kw_end_fini(b);
	sock_release(raw);
}

static void read_request_over_ird_terminates(struct kunit *test)
{
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_ddp_hdr h = {
		.opcode = SRNIC_RDMAP_READ_REQ, .last = true, .msn = 1,
	};
	struct srnic_dev *sd = to_sdev(kw_dev);
	struct socket *raw, *sb;
	s64 ird;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	ird = kw_count(&sd->ird_exceeded);
	/* Held: the first Read stays unanswered and keeps its credit. */
	srnic_wire_hold(to_sqp(b->qp), true);
	kw_raw_send(test, raw, &h, NULL, 0);
	h.msn = 2;
	kw_raw_send(test, raw, &h, NULL, 0);
	msleep(100);
	srnic_wire_hold(to_sqp(b->qp), false);
	kw_expect_term(test, b, raw, SRNIC_TERM_LAYER_DDP,
		       SRNIC_TERM_DDP_UNTAGGED, SRNIC_TERM_DDP_U_MSN_NO_BUFFER);
	KUNIT_EXPECT_EQ(test, ird + 1, kw_count(&sd->ird_exceeded));

	kw_end_fini(b);
	sock_release(raw);
}

/* An FPDU whose CRC is wrong: Terminate LLP/MPA/CRC, counted. */
static void bad_crc_terminates_and_is_counted(struct kunit *test)
{
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_ddp_hdr h = {
		.opcode = SRNIC_RDMAP_SEND, .last = true, .msn = 1,
	};
	struct srnic_dev *sd = to_sdev(kw_dev);
	struct socket *raw, *sb;
	s64 crc, sent;
	u8 u[64];
	size_t hl;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	crc = kw_count(&sd->crc_errors);
	sent = kw_count(&sd->terminate_sent);
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build(&h, u, SRNIC_DDP_HDR_MAX, &hl));
	memset(u + hl, 0x5a, 8);
	kw_raw_fpdu(test, raw, u, hl + 8, true);
	kw_expect_term(test, b, raw, SRNIC_TERM_LAYER_LLP, SRNIC_TERM_LLP_MPA,
		       SRNIC_TERM_LLP_CRC);
	KUNIT_EXPECT_EQ(test, crc + 1, kw_count(&sd->crc_errors));
	KUNIT_EXPECT_EQ(test, sent + 1, kw_count(&sd->terminate_sent));

	kw_end_fini(b);
	sock_release(raw);
}

/*
 * The peer's Terminate for B's RDMA Read, quoting its Read Request (the
 * source STag refused): the Read completes with IB_WC_REM_ACCESS_ERR, the
 * Send behind it is flushed, the QP goes to ERR, the stream ends, and it
 * is counted.
 */
static void terminate_from_peer_fails_the_wr_and_is_counted(struct kunit *test)
{
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct kw_seen *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_term_code code = {
		SRNIC_TERM_LAYER_RDMAP, SRNIC_TERM_RDMAP_PROTECTION,
		SRNIC_TERM_RDMAP_INVALID_STAG,
	};
	struct srnic_dev *sd = to_sdev(kw_dev);
	struct socket *raw, *sb;
	struct ib_qp_init_attr ia;
	struct ib_send_wr swr = {};
	struct ib_rdma_wr rd = {};
	struct ib_qp_attr attr;
	u8 u[SRNIC_DDP_TERM_MAX], qb[SRNIC_DDP_HDR_MAX];
	struct srnic_ddp_seg q;
	struct ib_sge sge;
	struct ib_wc wc;
	s64 rcvd, sent;
	size_t len, qlen;
	int i;

	KUNIT_ASSERT_TRUE(test, dst && b && rx && k);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	sge = (struct ib_sge){ (uintptr_t)dst, 64, b->pd->local_dma_lkey };
	rd.wr.wr_id = 31;
	rd.wr.opcode = IB_WR_RDMA_READ;
	rd.wr.send_flags = IB_SEND_SIGNALED;
	rd.wr.sg_list = &sge;
	rd.wr.num_sge = 1;
	rd.wr.next = &swr;
	rd.remote_addr = 0x1000;
	rd.rkey = 0x4242;
	swr.wr_id = 32;
	swr.opcode = IB_WR_SEND;
	swr.send_flags = IB_SEND_SIGNALED;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(b->qp, &rd.wr, NULL));
	/* The peer refuses what it got: the Read Request. */
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_ASSERT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_READ_REQ, k));
	rcvd = kw_count(&sd->terminate_received);
	sent = kw_count(&sd->terminate_sent);
	/*
	 * Quote the Read Request as received; its bytes are rebuilt, as the
	 * parser's header buffer has moved on to the Send behind it.
	 */
	q = k->seg[SRNIC_RDMAP_READ_REQ];
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build(&q.h, qb, sizeof(qb), &qlen));
	q.ulpdu = qb;
	q.ulpdu_len = qlen;
	KUNIT_ASSERT_EQ(test, SRNIC_DDP_OK,
			srnic_ddp_build_term(code, &q, 1, u, sizeof(u), &len));
	kw_raw_fpdu(test, raw, u, len, false);
	for (i = 0; i < 100 && !atomic_read(&b->ended); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&b->ended));
	KUNIT_EXPECT_EQ(test, SRNIC_WIRE_END_TERM_RCVD, b->why);
	KUNIT_EXPECT_EQ(test, 0, ib_query_qp(b->qp, &attr, 0, &ia));
	KUNIT_EXPECT_EQ(test, IB_QPS_ERR, attr.qp_state);
	KUNIT_EXPECT_EQ(test, rcvd + 1, kw_count(&sd->terminate_received));
	/* A Terminate is not answered with one. */
	KUNIT_EXPECT_EQ(test, sent, kw_count(&sd->terminate_sent));
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, 31, wc.wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_REM_ACCESS_ERR, wc.status);
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, 32, wc.wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_WR_FLUSH_ERR, wc.status);

	kw_end_fini(b);
	sock_release(raw);
}

static void read_response_longer_than_read_terminates(struct kunit *test)
{
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct kw_seen *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_ddp_hdr h = { .opcode = SRNIC_RDMAP_READ_RESP };
	static const u8 pay[64];
	const struct srnic_rdmap_rreq *rr;
	struct ib_rdma_wr wr = {};
	struct socket *raw, *sb;
	struct ib_sge sge;
	struct ib_wc wc;

	KUNIT_ASSERT_TRUE(test, dst && b && rx && k);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	/* B reads 32 bytes; the peer answers 16, then 32 more. */
	sge = (struct ib_sge){ (uintptr_t)dst, 32, b->pd->local_dma_lkey };
	wr.wr.opcode = IB_WR_RDMA_READ;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	wr.wr.sg_list = &sge;
	wr.wr.num_sge = 1;
	wr.remote_addr = 0x1000;
	wr.rkey = 0x4242;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(b->qp, &wr.wr, NULL));
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_ASSERT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_READ_REQ,
					      k));
	rr = &k->seg[SRNIC_RDMAP_READ_REQ].h.rreq;
	KUNIT_EXPECT_EQ(test, rr->size, 32);
	h.stag = rr->sink_stag;
	h.to = rr->sink_to;
	kw_raw_send(test, raw, &h, pay, 16);
	h.to += 16;
	h.last = true;
	kw_raw_send(test, raw, &h, pay, 32);
	kw_expect_term(test, b, raw, SRNIC_TERM_LAYER_DDP,
		       SRNIC_TERM_DDP_TAGGED, SRNIC_TERM_DDP_T_BASE_BOUNDS);
	/* The Read never completes successfully: it is flushed. */
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_WR_FLUSH_ERR, wc.status);

	kw_end_fini(b);
	sock_release(raw);
}

/* IB_SEND_FENCE: a Send behind a Read leaves only once the Read is done. */
static void fenced_send_waits_for_read(struct kunit *test)
{
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct kw_seen *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_ddp_hdr h = { .opcode = SRNIC_RDMAP_READ_RESP,
				   .last = true };
	static const u8 pay[32] = { 9, 8, 7 };
	const struct srnic_rdmap_rreq *rr;
	struct ib_send_wr swr = {};
	struct ib_rdma_wr wr = {};
	struct socket *raw, *sb;
	struct ib_sge sge;
	struct ib_wc wc;

	KUNIT_ASSERT_TRUE(test, dst && b && rx && k);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	sge = (struct ib_sge){ (uintptr_t)dst, 32, b->pd->local_dma_lkey };
	wr.wr.wr_id = 1;
	wr.wr.opcode = IB_WR_RDMA_READ;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	wr.wr.sg_list = &sge;
	wr.wr.num_sge = 1;
	wr.remote_addr = 0x1000;
	wr.rkey = 0x4242;
	swr.wr_id = 2;
	swr.opcode = IB_WR_SEND;
	swr.send_flags = IB_SEND_SIGNALED | IB_SEND_FENCE;
	wr.wr.next = &swr;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(b->qp, &wr.wr, NULL));

	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	KUNIT_ASSERT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_READ_REQ,
					      k));
	msleep(200);
	raw->sk->sk_rcvtimeo = HZ / 5;
	KUNIT_EXPECT_FALSE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_SEND, k));
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(b->cq, 1, &wc));

	raw->sk->sk_rcvtimeo = 5 * HZ;
	rr = &k->seg[SRNIC_RDMAP_READ_REQ].h.rreq;
	h.stag = rr->sink_stag;
	h.to = rr->sink_to;
	kw_raw_send(test, raw, &h, pay, sizeof(pay));
	KUNIT_EXPECT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_SEND, k));
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, 1, wc.wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_MEMEQ(test, dst, pay, sizeof(pay));
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, 2, wc.wr_id);
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);

	kw_end_fini(b);
	sock_release(raw);
}

/* A Send with Invalidate of @stag from the raw peer. */
static void kw_send_inv(struct kunit *test, struct socket *raw, u32 stag)
{
	struct srnic_ddp_hdr h = {
		.opcode = SRNIC_RDMAP_SEND_INV, .last = true, .msn = 1,
		.stag = stag,
	};
	static const u8 pay[8] = { 5 };

	kw_raw_send(test, raw, &h, pay, sizeof(pay));
}

static void send_with_invalidate_checks_key_before_invalidating(struct kunit *test)
{
	u8 *win = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_access_req req = { .op = SRNIC_OP_REMOTE_INV };
	struct ib_recv_wr rwr = {};
	struct srnic_term_code tc;
	struct socket *raw, *sb;
	struct scatterlist sg;
	struct ib_sge sge;
	struct ib_mr *mr;
	struct ib_wc wc;
	int round;

	KUNIT_ASSERT_TRUE(test, win && dst && b);
	for (round = 0; round < 2; round++) {
		KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
		kw_end_init(test, b, sb);
		KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
							  &kw_params, &kw_ops,
							  b));
		mr = kw_frmr(test, b, win, &sg, IB_ACCESS_LOCAL_WRITE |
			     IB_ACCESS_REMOTE_WRITE);
		sge = (struct ib_sge){ (uintptr_t)dst, 64,
				       b->pd->local_dma_lkey };
		rwr.wr_id = 3;
		rwr.sg_list = &sge;
		rwr.num_sge = 1;
		KUNIT_ASSERT_EQ(test, 0, ib_post_recv(b->qp, &rwr, NULL));
		if (!round) {
			/* Right index, wrong key: refused, still valid. */
			kw_send_inv(test, raw, mr->rkey ^ 1);
			tc = srnic_access_term_code(&req,
						    SRNIC_ACCESS_KEY_MISMATCH);
			kw_expect_term(test, b, raw, tc.layer, tc.etype,
				       tc.ecode);
			KUNIT_EXPECT_EQ(test, SRNIC_MEM_VALID,
					srnic_mem_state(&to_smr(mr)->mem));
		} else {
			kw_send_inv(test, raw, mr->rkey);
			KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
			KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
			KUNIT_EXPECT_EQ(test, 8, wc.byte_len);
			KUNIT_EXPECT_TRUE(test,
					  wc.wc_flags & IB_WC_WITH_INVALIDATE);
			KUNIT_EXPECT_EQ(test, mr->rkey, wc.ex.invalidate_rkey);
			KUNIT_EXPECT_EQ(test, SRNIC_MEM_INVALIDATED,
					srnic_mem_state(&to_smr(mr)->mem));
		}
		srnic_wire_stop(to_sqp(b->qp));
		ib_dereg_mr(mr);
		ib_dma_unmap_sg(kw_dev, &sg, 1, DMA_BIDIRECTIONAL);
		kw_end_fini(b);
		sock_release(raw);
	}
}

/*
 * B posts a signaled 100-byte Send that must not leave: the raw peer
 * reads nothing for half a second and B completes nothing. The peer's
 * socket waits 5 s again after.
 */
static void kw_send_held(struct kunit *test, struct kw_end *b, u8 *src,
			 u64 wr_id, struct socket *raw,
			 struct srnic_fpdu_rx *rx, struct kw_seen *k)
{
	struct ib_sge sge = { (uintptr_t)src, 100, b->pd->local_dma_lkey };
	struct ib_send_wr swr = {
		.wr_id = wr_id, .opcode = IB_WR_SEND,
		.send_flags = IB_SEND_SIGNALED, .sg_list = &sge, .num_sge = 1,
	};
	struct ib_wc wc;

	KUNIT_EXPECT_EQ(test, 0, ib_post_send(b->qp, &swr, NULL));
	srnic_fpdu_rx_init(rx, true, SRNIC_RX_ULPDU_MAX);
	raw->sk->sk_rcvtimeo = HZ / 2;
	KUNIT_EXPECT_FALSE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_SEND, k));
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(b->cq, 1, &wc));
	raw->sk->sk_rcvtimeo = 5 * HZ;
}

/* Held (protection lost): nothing leaves; released: the same WR goes. */
static void held_stream_sends_nothing_until_released(struct kunit *test)
{
	u8 *src = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct kw_seen *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct socket *raw, *sb;
	struct ib_wc wc;

	KUNIT_ASSERT_TRUE(test, src && b && rx && k);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb,
						  &kw_params, &kw_ops, b));
	srnic_wire_hold(to_sqp(b->qp), true);
	kw_send_held(test, b, src, 4, raw, rx, k);
	/* The QP was not torn down: released, the Send goes out. */
	srnic_wire_hold(to_sqp(b->qp), false);
	KUNIT_EXPECT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_SEND, k));
	KUNIT_EXPECT_EQ(test, 100, k->seg[SRNIC_RDMAP_SEND].pay_len);
	KUNIT_ASSERT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 4, wc.wr_id);

	kw_end_fini(b);
	sock_release(raw);
}

/*
 * Peer-to-peer (RFC 6581): A's first FPDU is the RTR type B picked, B
 * consumes it without a completion, then both ways work. A Read RTR is
 * held in A's ORQ like any Read, so its zero-length response is not
 * "unasked"; with an ORD of 2 and A's own Read posted before the stream
 * starts, that Read sits in the ORQ behind the RTR and still gets its
 * own response and completion.
 */
struct kw_rtr_case {
	const char *name;
	u8 rtr;
	u16 ord;
	bool early_read;
};

static const struct kw_rtr_case kw_rtr_cases[] = {
	{ "write", SRNIC_MPA_RTR_WRITE, 1, false },
	{ "read", SRNIC_MPA_RTR_READ, 1, false },
	{ "send", SRNIC_MPA_RTR_SEND, 1, false },
	{ "read_ord2_read_queued", SRNIC_MPA_RTR_READ, 2, true },
};

static void kw_rtr_desc(const struct kw_rtr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kw_rtr, kw_rtr_cases, kw_rtr_desc);

/* Everything a two-QP case set up, torn down however the case ends. */
struct kw_two {
	struct kw_end a, b;
	struct ib_mr *mr;
	struct scatterlist sg;
};

static void kw_two_fini(void *ctx)
{
	struct kw_two *t = ctx;

	if (t->a.qp)
		srnic_wire_stop(to_sqp(t->a.qp));
	if (t->b.qp)
		srnic_wire_stop(to_sqp(t->b.qp));
	if (t->mr) {
		ib_dereg_mr(t->mr);
		ib_dma_unmap_sg(kw_dev, &t->sg, 1, DMA_BIDIRECTIONAL);
	}
	kw_end_fini(&t->a);
	kw_end_fini(&t->b);
}

static void p2p_rtr_then_data_both_ways(struct kunit *test)
{
	const struct kw_rtr_case *c = test->param_value;
	u8 *src = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *rd = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u8 *win = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_two *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct srnic_wire_params pa = kw_params, pb = kw_params;
	struct socket *sa, *sb;
	struct ib_recv_wr rwr = {};
	struct ib_rdma_wr wwr = {};
	struct ib_send_wr swr = {};
	struct ib_sge sge, rsge;
	struct ib_wc wc;

	KUNIT_ASSERT_TRUE(test, src && dst && rd && win && t);
	pa.ord = c->ord;
	pb.ird = c->ord;
	pa.rtr_send = c->rtr;
	pb.rtr_expect = c->rtr;
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&sa, &sb));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, kw_two_fini, t));
	kw_end_init(test, &t->a, sa);
	kw_end_init(test, &t->b, sb);
	/* B's receive is posted first: a Send RTR must not take it. */
	sge = (struct ib_sge){ (uintptr_t)dst, PAGE_SIZE, t->b.pd->local_dma_lkey };
	rwr.wr_id = 21;
	rwr.sg_list = &sge;
	rwr.num_sge = 1;
	KUNIT_ASSERT_EQ(test, 0, ib_post_recv(t->b.qp, &rwr, NULL));
	t->mr = kw_frmr(test, &t->b, win, &t->sg, IB_ACCESS_LOCAL_WRITE |
			IB_ACCESS_REMOTE_READ);
	kw_fill(win, PAGE_SIZE, 6);
	/* A's Read of B's window, queued before A's stream starts. */
	rsge = (struct ib_sge){ (uintptr_t)rd, 700, t->a.pd->local_dma_lkey };
	wwr.wr.wr_id = 23;
	wwr.wr.opcode = IB_WR_RDMA_READ;
	wwr.wr.send_flags = IB_SEND_SIGNALED;
	wwr.wr.sg_list = &rsge;
	wwr.wr.num_sge = 1;
	wwr.remote_addr = t->mr->iova + 8;
	wwr.rkey = t->mr->rkey;
	if (c->early_read)
		KUNIT_ASSERT_EQ(test, 0, ib_post_send(t->a.qp, &wwr.wr, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(t->b.qp), sb, &pb,
						  &kw_ops, &t->b));
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(t->a.qp), sa, &pa,
						  &kw_ops, &t->a));
	if (c->early_read) {
		KUNIT_ASSERT_TRUE(test, kw_poll(t->a.cq, &wc));
		KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
		KUNIT_EXPECT_EQ(test, 23, wc.wr_id);
		KUNIT_EXPECT_MEMEQ(test, rd, win + 8, 700);
	}

	/* A Send from A lands in B's receive; the RTR completed nothing. */
	kw_fill(src, KW_LEN, 5);
	sge = (struct ib_sge){ (uintptr_t)src, KW_LEN, t->a.pd->local_dma_lkey };
	swr.wr_id = 22;
	swr.opcode = IB_WR_SEND;
	swr.send_flags = IB_SEND_SIGNALED;
	swr.sg_list = &sge;
	swr.num_sge = 1;
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(t->a.qp, &swr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(t->a.cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 22, wc.wr_id);
	KUNIT_ASSERT_TRUE(test, kw_poll(t->b.cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 21, wc.wr_id);
	KUNIT_EXPECT_EQ(test, KW_LEN, wc.byte_len);
	KUNIT_EXPECT_MEMEQ(test, dst, src, KW_LEN);

	/* A reads B's window (again): its Read gets this response. */
	memset(rd, 0, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, ib_post_send(t->a.qp, &wwr.wr, NULL));
	KUNIT_ASSERT_TRUE(test, kw_poll(t->a.cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 23, wc.wr_id);
	KUNIT_EXPECT_MEMEQ(test, rd, win + 8, 700);
	/* Nothing more completed on either side, nobody terminated. */
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(t->a.cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, 0, ib_poll_cq(t->b.cq, 1, &wc));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->a.ended));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&t->b.ended));
}

/* A Read RTR needs an ORD to send it and an IRD to answer it. */
static void read_rtr_without_read_credits_refused(struct kunit *test)
{
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_wire_params p = kw_params;
	struct socket *raw, *sb;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	p.rtr_send = SRNIC_MPA_RTR_READ;
	p.ord = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_wire_start(to_sqp(b->qp), sb, &p,
							&kw_ops, b));
	p = kw_params;
	p.rtr_expect = SRNIC_MPA_RTR_READ;
	p.ird = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_wire_start(to_sqp(b->qp), sb, &p,
							&kw_ops, b));
	/* With one of each it starts. */
	p.ird = 1;
	KUNIT_EXPECT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb, &p,
						  &kw_ops, b));
	kw_end_fini(b);
	sock_release(raw);
}

/*
 * A responder sends nothing before the initiator's RTR (RFC 6581), and
 * takes only a zero-length one: a first Write with data is no RTR.
 */
static void responder_waits_for_rtr(struct kunit *test)
{
	u8 *src = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kw_end *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct srnic_fpdu_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	struct kw_seen *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	struct srnic_wire_params pb = kw_params;
	struct srnic_ddp_hdr h = { .opcode = SRNIC_RDMAP_WRITE, .last = true };
	struct socket *raw, *sb;
	struct ib_wc wc;

	KUNIT_ASSERT_TRUE(test, src && b && rx && k);
	pb.rtr_expect = SRNIC_MPA_RTR_WRITE;
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb, &pb,
						  &kw_ops, b));
	kw_send_held(test, b, src, 31, raw, rx, k);
	/* The zero-length Write RTR: B's Send goes out behind it. */
	kw_raw_send(test, raw, &h, NULL, 0);
	KUNIT_EXPECT_TRUE(test, kw_raw_expect(rx, raw, SRNIC_RDMAP_SEND, k));
	KUNIT_EXPECT_EQ(test, 100, k->seg[SRNIC_RDMAP_SEND].pay_len);
	KUNIT_EXPECT_TRUE(test, kw_poll(b->cq, &wc));
	KUNIT_EXPECT_EQ(test, IB_WC_SUCCESS, wc.status);
	KUNIT_EXPECT_EQ(test, 31, wc.wr_id);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&b->ended));
	kw_end_fini(b);
	sock_release(raw);

	/* Again, but the peer's first FPDU is a Write with data. */
	memset(b, 0, sizeof(*b));
	KUNIT_ASSERT_EQ(test, 0, kw_pair(&raw, &sb));
	kw_end_init(test, b, sb);
	KUNIT_ASSERT_EQ(test, 0, srnic_wire_start(to_sqp(b->qp), sb, &pb,
						  &kw_ops, b));
	kw_raw_send(test, raw, &h, src, 16);
	kw_expect_term(test, b, raw, SRNIC_TERM_LAYER_LLP, SRNIC_TERM_LLP_MPA,
		       SRNIC_TERM_LLP_NO_RTR);
	kw_end_fini(b);
	sock_release(raw);
}

static int srnic_wire_suite_init(struct kunit_suite *suite)
{
	struct net_device *lo = dev_get_by_name(&init_net, "lo");
	int rv;

	if (!lo)
		return -ENODEV;
	rv = srnic_link_add(KW_DEV, lo);
	dev_put(lo);
	if (rv)
		return rv;
	kw_dev = ib_device_get_by_name(KW_DEV, RDMA_DRIVER_UNKNOWN);
	return kw_dev ? 0 : -ENODEV;
}

static void srnic_wire_suite_exit(struct kunit_suite *suite)
{
	if (kw_dev)
		ib_unregister_device_and_put(kw_dev);
	kw_dev = NULL;
}

static struct kunit_case srnic_wire_cases[] = {
	KUNIT_CASE_PARAM(send_write_read_end_to_end, kw_crc_gen_params),
	KUNIT_CASE_PARAM(long_send_leaves_in_several_batches, kw_crc_gen_params),
	KUNIT_CASE(read_with_invalidate_invalidates_the_sink),
	KUNIT_CASE(write_without_write_rights_terminates),
	KUNIT_CASE(read_request_over_ird_terminates),
	KUNIT_CASE(bad_crc_terminates_and_is_counted),
	KUNIT_CASE(terminate_from_peer_fails_the_wr_and_is_counted),
	KUNIT_CASE(read_response_longer_than_read_terminates),
	KUNIT_CASE(fenced_send_waits_for_read),
	KUNIT_CASE(send_with_invalidate_checks_key_before_invalidating),
	KUNIT_CASE(held_stream_sends_nothing_until_released),
	KUNIT_CASE_PARAM(p2p_rtr_then_data_both_ways, kw_rtr_gen_params),
	KUNIT_CASE(responder_waits_for_rtr),
	KUNIT_CASE(read_rtr_without_read_credits_refused),
	{}
};

static struct kunit_suite srnic_wire_suite = {
	.name = "srnic_wire",
	.suite_init = srnic_wire_suite_init,
	.suite_exit = srnic_wire_suite_exit,
	.test_cases = srnic_wire_cases,
};

kunit_test_suite(srnic_wire_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic's data path over loopback TCP");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
