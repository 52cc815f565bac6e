/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the verbs objects (PD, CQ, QP, SRQ, MR) as the driver keeps
 * them. Free of uverbs and umem headers, so that the data path can
 * include it; verbs.h adds the ib_device_ops around them.
 */
#ifndef _SRNIC_OBJS_H
#define _SRNIC_OBJS_H

#include <linux/completion.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>

#include "srnic.h"

struct ib_umem;
struct srnic_cep;
struct srnic_wire;

struct srnic_pd {
	struct ib_pd ibpd;
	kuid_t uid;		/* charged to */
};

/**
 * struct srnic_ucontext - a user process's context on the device
 * @ibuc: ib_core's part
 *
 * The context is what admission compares to keep CQs and SRQs within one
 * user context (srnic_udata_owner()). User contexts get PDs and MRs;
 * srnic does not yet implement the queue mapping of the siw user ABI, so
 * user CQs, QPs and SRQs are refused with -EOPNOTSUPP.
 */
struct srnic_ucontext {
	struct ib_ucontext ibuc;
};

/**
 * struct srnic_cqe - one completion in a CQ's ring
 * @wr_id: the WR's
 * @qp: the QP it completes on
 * @byte_len: bytes received or transferred
 * @ex: invalidated STag (IB_WC_WITH_INVALIDATE)
 * @opcode: &enum ib_wc_opcode
 * @status: &enum ib_wc_status
 * @wc_flags: IB_WC_*
 */
struct srnic_cqe {
	u64 wr_id;
	struct ib_qp *qp;
	u32 byte_len;
	u32 ex;
	u8 opcode;
	u8 status;
	u8 wc_flags;
};

/**
 * struct srnic_cq - a completion queue
 * @ibcq: ib_core's part; ibcq.cqe is the depth
 * @lock: protects @ring, @head, @count, @notify and @error. Innermost lock
 *	of the driver; taken with IRQs saved because CQEs are produced in
 *	process context and softirq and polled from both.
 * @ring: @ibcq.cqe entries
 * @head: oldest entry
 * @count: entries in the ring
 * @notify: armed IB_CQ_SOLICITED / IB_CQ_NEXT_COMP, cleared when it fires
 * @error: overflowed; takes no CQE any more (RFC 5042 6.4.3.2)
 * @admit: admission view, under the device's &srnic_admit.lock
 * @uid: the limits were charged to this user
 */
struct srnic_cq {
	struct ib_cq ibcq;
	spinlock_t lock; /* ring, notify, error */
	struct srnic_cqe *ring;
	u32 head;
	u32 count;
	u8 notify;
	bool error;
	struct srnic_admit_cq admit;
	kuid_t uid;
};

/**
 * struct srnic_wqe - a send queue entry
 * @wr_id: the WR's
 * @opcode: &enum ib_wr_opcode
 * @send_flags: IB_SEND_*
 * @num_sge: entries in @sge
 * @sge: local buffers, each checked with its lkey when posted
 * @remote_addr: RDMA Write/Read target
 * @rkey: RDMA Write/Read target STag
 * @ex: the STag to invalidate: invalidate_rkey (SEND_WITH_INV,
 *	LOCAL_INV), the sink's lkey (RDMA_READ_WITH_INV)
 * @mr: IB_WR_REG_MR: the MR
 * @key: IB_WR_REG_MR: the STag it names, key byte included
 * @access: IB_WR_REG_MR: the rights to grant
 * @done: the data path finished it (sent it whole, or its Read
 *	Response came); it completes once every WR before it did
 * @status: with @done, the completion's status
 * @inv_done: RDMA_READ_WITH_INV: @ex was invalidated (or refused)
 */
struct srnic_wqe {
	u64 wr_id;
	u8 opcode;
	u32 send_flags;
	u32 num_sge;
	struct ib_sge sge[SRNIC_MAX_SGE];
	u64 remote_addr;
	u32 rkey;
	u32 ex;
	struct ib_mr *mr;
	u32 key;
	int access;
	bool done;
	u8 status;
	bool inv_done;
};

/*
 * srnic_wr_is_read - an RDMA Read on the wire. RDMA_READ_WITH_INV is the
 * iWARP Read whose sink STag (sge[0].lkey) is invalidated once the
 * response is in, before the WR completes; ib_core's rw API uses it for
 * every iWARP Read (rdma_cap_read_inv()).
 */
static inline bool srnic_wr_is_read(u8 opcode)
{
	return opcode == IB_WR_RDMA_READ || opcode == IB_WR_RDMA_READ_WITH_INV;
}

/**
 * struct srnic_rqe - a receive queue entry (RQ and SRQ)
 * @wr_id: the WR's
 * @num_sge: entries in @sge
 * @sge: receive buffers, each checked for local write when posted
 */
struct srnic_rqe {
	u64 wr_id;
	u32 num_sge;
	struct ib_sge sge[SRNIC_MAX_SGE];
};

/**
 * struct srnic_qp - an RC queue pair
 * @ibqp: ib_core's part
 * @modify_lock: serialises modify_qp and destroy_qp (they may sleep)
 * @lock: protects @state, @cq_failed, both rings and the attributes
 *	below it. Taken with BH disabled: kernel consumers post from
 *	softirq (completion handlers). Nests
 *	outside &srnic_cq.lock and &srnic_srq.lock.
 * @state: the verbs state
 * @scq: send CQ
 * @rcq: receive CQ (SRQ completions too)
 * @cq_failed: a CQ of the QP overflowed; the QP counts as in ERR and
 *	@err_work moves it there
 * @sq: send ring
 * @sq_size: entries in @sq, exactly the max_send_wr asked for
 * @sq_head: oldest entry of @sq
 * @sq_count: entries of @sq in use
 * @sq_reg: IB_WR_REG_MR entries among them
 * @rq: receive ring, unused with an SRQ
 * @rq_size: entries in @rq
 * @rq_head: oldest entry of @rq
 * @rq_count: entries of @rq in use
 * @access: IB_ACCESS_* remote rights of the QP (modify_qp)
 * @ird: inbound RDMA Read queue depth, charged to the limits
 * @ord: outbound RDMA Reads in flight
 * @sig_all: IB_SIGNAL_ALL_WR
 * @max_send_sge: per WR
 * @max_recv_sge: per WR
 * @admit: admission view, under the device's &srnic_admit.lock
 * @err_work: moves the QP to ERR after its CQ overflowed
 * @sq_draining: the LOCAL_INV at the head of @sq has invalidated but
 *	waits for accesses still in flight; srnic_qp_sq_run() stops there
 *	and @drain_work completes it. Cleared by a flush or RESET.
 * @sq_drain: what that LOCAL_INV waits for, while @sq_draining
 * @drain_work: sleeps until @sq_drain is over, then completes the head
 *	and runs the SQ on (post_send may run in atomic context)
 * @wire: the data path on the QP's stream, or NULL; set and cleared
 *	under @lock by srnic_wire_start() and srnic_wire_stop()
 * @sq_wire: entries from @sq_head on that the data path took; the next
 *	one it sends is at @sq_head + @sq_wire
 * @uid: the limits were charged to this user
 * @cep: the connection endpoint the QP is connected through, with a
 *	reference; set and cleared under @lock by the connection manager
 * @cm_refs: iw_cm's references (iw_add_ref/iw_rem_ref) plus one of the
 *	QP's own, dropped by destroy_qp, which then waits for @cm_done
 * @cm_done: the last of @cm_refs went
 */
struct srnic_qp {
	struct ib_qp ibqp;
	struct mutex modify_lock; /* modify_qp, destroy_qp */
	spinlock_t lock; /* state, rings, attributes */
	enum ib_qp_state state;
	struct srnic_cq *scq;
	struct srnic_cq *rcq;
	bool cq_failed;
	struct srnic_wqe *sq;
	u32 sq_size;
	u32 sq_head;
	u32 sq_count;
	u32 sq_reg;
	struct srnic_rqe *rq;
	u32 rq_size;
	u32 rq_head;
	u32 rq_count;
	u32 access;
	u8 ird;
	u8 ord;
	bool sig_all;
	u32 max_send_sge;
	u32 max_recv_sge;
	struct srnic_admit_qp admit;
	struct work_struct err_work;
	bool sq_draining;
	struct srnic_access_drain sq_drain;
	struct work_struct drain_work;
	struct srnic_wire *wire;
	u32 sq_wire;
	kuid_t uid;
	struct srnic_cep *cep;
	refcount_t cm_refs;
	struct completion cm_done;
};

/**
 * struct srnic_srq - a shared receive queue
 * @ibsrq: ib_core's part
 * @lock: protects the ring, @limit and @armed; BH disabled
 * @ring: the receive WRs
 * @size: entries in @ring
 * @head: oldest entry
 * @count: entries in use
 * @max_sge: per WR
 * @limit: IB_EVENT_SRQ_LIMIT_REACHED when @count drops below it
 * @armed: @limit is armed (one event per arming)
 * @admit: admission view, under the device's &srnic_admit.lock
 * @uid: the limits were charged to this user
 */
struct srnic_srq {
	struct ib_srq ibsrq;
	spinlock_t lock; /* ring, limit */
	struct srnic_rqe *ring;
	u32 size;
	u32 head;
	u32 count;
	u32 max_sge;
	u32 limit;
	bool armed;
	struct srnic_admit_srq admit;
	kuid_t uid;
};

/**
 * struct srnic_mr - a memory region
 * @ibmr: ib_core's part; lkey/rkey there are what the consumer sees and
 *	may carry a key byte it chose (ib_update_fast_reg_key())
 * @mem: the protection record every tagged access checks
 * @stag_l: the lkey as the STag table knows it
 * @stag_r: the rkey as the STag table knows it; equals @stag_l for a
 *	local-only MR
 * @umem: pinned user memory (reg_user_mr)
 * @pages: page addresses of a fast-registration MR (map_mr_sg)
 * @max_pages: capacity of @pages
 * @npages: pages mapped
 * @bytes: what was charged to SRNIC_RES_MR_BYTES
 * @uid: the limits were charged to this user
 * @rcu: the MR is freed after lockless lookups are done
 */
struct srnic_mr {
	struct ib_mr ibmr;
	struct srnic_mem mem;
	u32 stag_l;
	u32 stag_r;
	struct ib_umem *umem;
	u64 *pages;
	u32 max_pages;
	u32 npages;
	u64 bytes;
	kuid_t uid;
	struct rcu_head rcu;
};

static inline struct srnic_pd *to_spd(struct ib_pd *pd)
{
	return container_of(pd, struct srnic_pd, ibpd);
}

static inline struct srnic_cq *to_scq(struct ib_cq *cq)
{
	return container_of(cq, struct srnic_cq, ibcq);
}

static inline struct srnic_qp *to_sqp(struct ib_qp *qp)
{
	return container_of(qp, struct srnic_qp, ibqp);
}

static inline struct srnic_srq *to_ssrq(struct ib_srq *srq)
{
	return container_of(srq, struct srnic_srq, ibsrq);
}

static inline struct srnic_mr *to_smr(struct ib_mr *mr)
{
	return container_of(mr, struct srnic_mr, ibmr);
}

/* qp.c: what the data path asks of the QP; lock held where marked. */
void srnic_qp_event(struct srnic_qp *qp, enum ib_event_type type);
void srnic_qp_to_err(struct srnic_qp *qp);
void srnic_qp_remote_term(struct srnic_qp *qp, struct srnic_term_code code,
			  bool about_read);
void srnic_qp_sq_done(struct srnic_qp *qp);
void srnic_qp_sq_run(struct srnic_qp *qp);
bool srnic_qp_rqe_take(struct srnic_qp *qp, struct srnic_rqe *rqe);

/* cq.c */
int srnic_cq_add(struct srnic_cq *cq, const struct srnic_cqe *cqe,
		 bool solicited);

/* srq.c */
bool srnic_srq_take(struct srnic_srq *srq, struct srnic_rqe *rqe);

/* mr.c */
int srnic_mem_copy(struct srnic_mem *mem, u64 addr, void *buf, u32 len,
		   bool to_mem);

/* qp_wire.c */
void srnic_wire_stop(struct srnic_qp *qp);

#endif /* _SRNIC_OBJS_H */
