// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: memory regions. Every MR has a protection record (access.h) and
 * one or two STags (stag.h): an lkey always, and a distinct rkey when the
 * MR may ever be reached from the wire, so that an lkey never opens a
 * buffer to a peer (RFC 5042 6.1.1). A DMA MR is local only: the unsafe
 * global rkey of IB_PD_UNSAFE_GLOBAL_RKEY cannot exist (RFC 5042 6.2.1).
 */
#include <rdma/restrack.h>
#include <rdma/siw-abi.h>

#include "verbs.h"

#define SRNIC_MR_RIGHTS	(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE | \
			 IB_ACCESS_REMOTE_READ)
#define SRNIC_MR_REMOTE	(IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ | \
			 IB_ACCESS_REMOTE_ATOMIC | IB_ACCESS_MW_BIND)

/* Rights we grant; remote write also needs local write (IBTA C10-26). */
static bool srnic_mr_rights_ok(int access)
{
	access &= ~IB_ACCESS_OPTIONAL;
	if (access & ~SRNIC_MR_RIGHTS)
		return false;
	return !(access & IB_ACCESS_REMOTE_WRITE) ||
	       (access & IB_ACCESS_LOCAL_WRITE);
}

static struct srnic_mr *srnic_mr_new(struct ib_pd *ibpd, kuid_t uid,
				     u64 bytes)
{
	struct srnic_dev *sdev = to_sdev(ibpd->device);
	struct srnic_mr *mr;
	int rv;

	rv = srnic_limits_charge(&sdev->limits, uid, SRNIC_RES_MR, 1);
	if (rv)
		return ERR_PTR(rv);
	rv = srnic_limits_charge(&sdev->limits, uid, SRNIC_RES_MR_BYTES, bytes);
	if (rv)
		goto err_mr;
	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr) {
		rv = -ENOMEM;
		goto err_bytes;
	}
	mr->uid = uid;
	mr->bytes = bytes;
	srnic_mem_init(&mr->mem, SRNIC_MEM_MR);
	return mr;

err_bytes:
	srnic_limits_uncharge(&sdev->limits, uid, SRNIC_RES_MR_BYTES, bytes);
err_mr:
	srnic_limits_uncharge(&sdev->limits, uid, SRNIC_RES_MR, 1);
	return ERR_PTR(rv);
}

static void srnic_mr_free_rcu(struct rcu_head *rcu)
{
	struct srnic_mr *mr = container_of(rcu, struct srnic_mr, rcu);

	kfree(mr->pages);
	kfree(mr);
}

/* Undo srnic_mr_new() and srnic_mr_name(), for a record nobody can use. */
static void srnic_mr_release(struct srnic_dev *sdev, struct srnic_mr *mr)
{
	if (mr->stag_l)
		srnic_stag_free(&sdev->stags, mr->stag_l);
	if (mr->stag_r && mr->stag_r != mr->stag_l)
		srnic_stag_free(&sdev->stags, mr->stag_r);
	if (mr->umem)
		ib_umem_release(mr->umem);
	srnic_limits_uncharge(&sdev->limits, mr->uid, SRNIC_RES_MR_BYTES,
			      mr->bytes);
	srnic_limits_uncharge(&sdev->limits, mr->uid, SRNIC_RES_MR, 1);
	/* Lookups that found a name before it was freed may still look. */
	call_rcu(&mr->rcu, srnic_mr_free_rcu);
}

static int srnic_mr_name(struct srnic_dev *sdev, struct srnic_mr *mr,
			 bool remote)
{
	int rv;

	rv = srnic_stag_alloc(&sdev->stags, &mr->mem, SRNIC_STAG_LOCAL,
			      &mr->stag_l);
	if (rv)
		return rv;
	mr->stag_r = mr->stag_l;
	if (remote) {
		rv = srnic_stag_alloc(&sdev->stags, &mr->mem, SRNIC_STAG_REMOTE,
				      &mr->stag_r);
		if (rv)
			return rv;
	}
	mr->ibmr.lkey = mr->stag_l;
	mr->ibmr.rkey = mr->stag_r;
	return 0;
}

/**
 * srnic_get_dma_mr - ib_device_ops.get_dma_mr, local access only
 * @ibpd: the PD
 * @access: IB_ACCESS_* rights asked for
 *
 * ib_core asks for one with remote rights when a kernel ULP allocates a
 * PD with IB_PD_UNSAFE_GLOBAL_RKEY: an rkey that would expose all memory
 * to any peer. That is refused, and so the PD.
 *
 * Return: the MR or an ERR_PTR().
 */
struct ib_mr *srnic_get_dma_mr(struct ib_pd *ibpd, int access)
{
	struct srnic_dev *sdev = to_sdev(ibpd->device);
	struct srnic_mr *mr;
	int rv;

	if (access & SRNIC_MR_REMOTE) {
		dev_warn_ratelimited(&ibpd->device->dev,
				     "refused a DMA MR with remote access (IB_PD_UNSAFE_GLOBAL_RKEY): it would expose all memory\n");
		return ERR_PTR(-EINVAL);
	}
	if (!srnic_mr_rights_ok(access))
		return ERR_PTR(-EINVAL);

	mr = srnic_mr_new(ibpd, INVALID_UID, 0);
	if (IS_ERR(mr))
		return ERR_CAST(mr);
	rv = srnic_mr_name(sdev, mr, false);
	if (!rv)
		rv = srnic_mem_set_valid(&mr->mem, ibpd, 0, U64_MAX,
					 access, 0, 0);
	if (rv) {
		srnic_mr_release(sdev, mr);
		return ERR_PTR(rv);
	}
	return &mr->ibmr;
}

/**
 * srnic_reg_user_mr - ib_device_ops.reg_user_mr
 * @ibpd: the PD
 * @start: user virtual address
 * @len: bytes
 * @iova: the address the peer and the SGEs use
 * @access: IB_ACCESS_* rights
 * @udata: user data
 *
 * Return: the MR or an ERR_PTR().
 */
struct ib_mr *srnic_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 len,
				u64 iova, int access, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibpd->device);
	struct siw_uresp_reg_mr uresp = {};
	struct siw_ureq_reg_mr ureq;
	struct srnic_mr *mr;
	int rv;

	if (!len || !srnic_mr_rights_ok(access))
		return ERR_PTR(-EINVAL);
	/*
	 * libsiw may propose a key byte; srnic always chooses its own
	 * (RFC 5042 7.3), so the request is read only to reject garbage.
	 */
	if (udata && udata->inlen) {
		if (udata->inlen < sizeof(ureq) ||
		    ib_copy_from_udata(&ureq, udata, sizeof(ureq)))
			return ERR_PTR(-EINVAL);
		if (ureq.reserved[0] || ureq.reserved[1] || ureq.reserved[2] ||
		    ureq.pad)
			return ERR_PTR(-EINVAL);
	}
	if (udata && udata->outlen && udata->outlen < sizeof(uresp))
		return ERR_PTR(-EINVAL);
	mr = srnic_mr_new(ibpd, srnic_res_uid(udata), len);
	if (IS_ERR(mr))
		return ERR_CAST(mr);
	mr->umem = ib_umem_get(ibpd->device, start, len, access);
	if (IS_ERR(mr->umem)) {
		rv = PTR_ERR(mr->umem);
		mr->umem = NULL;
		goto err;
	}
	rv = srnic_mr_name(sdev, mr, access & SRNIC_MR_REMOTE);
	if (rv)
		goto err;
	rv = srnic_mem_set_valid(&mr->mem, ibpd, iova, len,
				 access & SRNIC_MR_RIGHTS, 0, 0);
	if (rv)
		goto err;
	mr->ibmr.iova = iova;
	mr->ibmr.length = len;
	if (udata && udata->outlen) {
		uresp.stag = mr->ibmr.lkey;
		rv = ib_copy_to_udata(udata, &uresp, sizeof(uresp));
		if (rv)
			goto err;
	}
	return &mr->ibmr;
err:
	srnic_mr_release(sdev, mr);
	return ERR_PTR(rv);
}

/**
 * srnic_alloc_mr - ib_device_ops.alloc_mr, for fast registration
 * @ibpd: the PD
 * @type: only IB_MR_TYPE_MEM_REG
 * @max_num_sg: pages the MR can map
 *
 * The MR has both names from the start, as IB_WR_REG_MR may grant remote
 * rights; it is not valid until then.
 *
 * Return: the MR or an ERR_PTR().
 */
struct ib_mr *srnic_alloc_mr(struct ib_pd *ibpd, enum ib_mr_type type,
			     u32 max_num_sg)
{
	struct srnic_dev *sdev = to_sdev(ibpd->device);
	struct srnic_mr *mr;
	int rv;

	if (type != IB_MR_TYPE_MEM_REG)
		return ERR_PTR(-EOPNOTSUPP);
	if (!max_num_sg || max_num_sg > SRNIC_MAX_FRMR_PAGES)
		return ERR_PTR(-EINVAL);
	mr = srnic_mr_new(ibpd, INVALID_UID, (u64)max_num_sg * PAGE_SIZE);
	if (IS_ERR(mr))
		return ERR_CAST(mr);
	mr->pages = kcalloc(max_num_sg, sizeof(*mr->pages), GFP_KERNEL);
	if (!mr->pages) {
		rv = -ENOMEM;
		goto err;
	}
	mr->max_pages = max_num_sg;
	rv = srnic_mr_name(sdev, mr, true);
	if (rv)
		goto err;
	return &mr->ibmr;
err:
	srnic_mr_release(sdev, mr);
	return ERR_PTR(rv);
}

static int srnic_mr_set_page(struct ib_mr *ibmr, u64 addr)
{
	struct srnic_mr *mr = to_smr(ibmr);

	if (mr->npages == mr->max_pages)
		return -ENOMEM;
	mr->pages[mr->npages++] = addr;
	return 0;
}

/**
 * srnic_map_mr_sg - ib_device_ops.map_mr_sg
 * @ibmr: a fast-registration MR, not valid
 * @sg: the scatterlist
 * @sg_nents: its entries
 * @sg_offset: offset into the first entry
 *
 * The pages may change only while no access can use them: a valid MR
 * must be invalidated first, and that invalidation complete.
 *
 * Return: entries mapped, or -EINVAL/-EBUSY.
 */
int srnic_map_mr_sg(struct ib_mr *ibmr, struct scatterlist *sg, int sg_nents,
		    unsigned int *sg_offset)
{
	struct srnic_mr *mr = to_smr(ibmr);

	if (!mr->pages)
		return -EINVAL;
	/* Accesses of the last registration may still copy to the pages. */
	if (srnic_mem_state(&mr->mem) == SRNIC_MEM_VALID ||
	    srnic_mem_inflight(&mr->mem))
		return -EBUSY;
	mr->npages = 0;
	return ib_sg_to_pages(ibmr, sg, sg_nents, sg_offset, srnic_mr_set_page);
}

/**
 * srnic_dereg_mr - ib_device_ops.dereg_mr
 * @ibmr: the MR
 * @udata: user data, NULL for kernel consumers
 *
 * Once the record is dead no access is in flight and none can pass; the
 * names then go to quarantine and the MR is freed after RCU readers.
 *
 * Return: 0.
 */
int srnic_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata)
{
	struct srnic_mr *mr = to_smr(ibmr);

	srnic_mem_kill(&mr->mem);
	srnic_mr_release(to_sdev(ibmr->device), mr);
	return 0;
}

/**
 * srnic_mr_fast_reg - execute an IB_WR_REG_MR
 * @qp: the QP it was posted on, lock held
 * @wqe: the WR
 *
 * Return: IB_WC_SUCCESS or the completion status of the failure.
 */
enum ib_wc_status srnic_mr_fast_reg(struct srnic_qp *qp,
				    const struct srnic_wqe *wqe)
{
	struct srnic_dev *sdev = to_sdev(qp->ibqp.device);
	struct srnic_mr *mr = to_smr(wqe->mr);
	u32 idx = srnic_stag_index(wqe->key);
	u8 key = srnic_stag_key(wqe->key);
	int state;

	lockdep_assert_held(&qp->lock);
	if (mr->ibmr.pd != qp->ibqp.pd) {
		atomic64_inc(&sdev->access_stats.refused[SRNIC_ACCESS_PD_MISMATCH - 1]);
		return IB_WC_MW_BIND_ERR;
	}
	if (!mr->pages || !srnic_mr_rights_ok(wqe->access) ||
	    (idx != srnic_stag_index(mr->stag_l) &&
	     idx != srnic_stag_index(mr->stag_r)))
		return IB_WC_MW_BIND_ERR;
	state = srnic_mem_state(&mr->mem);
	if (state != SRNIC_MEM_FREE && state != SRNIC_MEM_INVALIDATED)
		return IB_WC_MW_BIND_ERR;
	/* Before the rekey: srnic_mem_set_valid() would refuse anyway. */
	if (srnic_mem_inflight(&mr->mem)) {
		dev_info_ratelimited(&sdev->ibdev.dev,
				     "QP %u: REG_MR of lkey 0x%08x refused: accesses of its last registration still in flight\n",
				     qp->ibqp.qp_num, mr->stag_l);
		return IB_WC_MW_BIND_ERR;
	}

	/* The consumer may have chosen a new key (ib_update_fast_reg_key). */
	if (key != srnic_stag_key(mr->stag_l) &&
	    srnic_stag_rekey(&sdev->stags, mr->stag_l, key, &mr->stag_l))
		return IB_WC_MW_BIND_ERR;
	if (key != srnic_stag_key(mr->stag_r) &&
	    srnic_stag_rekey(&sdev->stags, mr->stag_r, key, &mr->stag_r))
		return IB_WC_MW_BIND_ERR;
	mr->ibmr.lkey = mr->stag_l;
	mr->ibmr.rkey = mr->stag_r;
	if (srnic_mem_set_valid(&mr->mem, mr->ibmr.pd, mr->ibmr.iova,
				mr->ibmr.length, wqe->access & SRNIC_MR_RIGHTS,
				SRNIC_MEM_LOCAL_INV | SRNIC_MEM_REMOTE_INV, 0))
		return IB_WC_MW_BIND_ERR;
	return IB_WC_SUCCESS;
}

/**
 * srnic_mr_local_inv - execute an IB_WR_LOCAL_INV
 * @qp: the QP it was posted on, lock held
 * @stag: the STag to invalidate, key included
 * @drain: on success, what the invalidation still waits for
 *
 * No access passes once it returned; the WR may complete only once
 * srnic_access_drained(@drain).
 *
 * Return: IB_WC_SUCCESS or IB_WC_LOC_PROT_ERR.
 */
enum ib_wc_status srnic_mr_local_inv(struct srnic_qp *qp, u32 stag,
				     struct srnic_access_drain *drain)
{
	struct srnic_dev *sdev = to_sdev(qp->ibqp.device);
	struct srnic_access_req req = {
		.stag = stag,
		.op = SRNIC_OP_LOCAL_INV,
		.pd = qp->ibqp.pd,
		.qp_id = qp->ibqp.qp_num,
	};

	lockdep_assert_held(&qp->lock);
	if (srnic_access_invalidate(&sdev->stags, &req, &sdev->access_stats,
				    drain))
		return IB_WC_LOC_PROT_ERR;
	return IB_WC_SUCCESS;
}

static const char *const srnic_mem_state_names[] = {
	[SRNIC_MEM_FREE] = "free",
	[SRNIC_MEM_VALID] = "valid",
	[SRNIC_MEM_INVALIDATED] = "invalidated",
	[SRNIC_MEM_DEAD] = "dead",
};

/**
 * srnic_fill_res_mr_entry - ib_device_ops.fill_res_mr_entry
 * @msg: the netlink message
 * @ibmr: the MR
 *
 * Return: 0 or -EMSGSIZE.
 */
int srnic_fill_res_mr_entry(struct sk_buff *msg, struct ib_mr *ibmr)
{
	struct srnic_mr *mr = to_smr(ibmr);
	unsigned int state = srnic_mem_state(&mr->mem);
	struct nlattr *table;

	table = nla_nest_start(msg, RDMA_NLDEV_ATTR_DRIVER);
	if (!table)
		return -EMSGSIZE;
	if (state < ARRAY_SIZE(srnic_mem_state_names) &&
	    rdma_nl_put_driver_string(msg, "state",
				      srnic_mem_state_names[state]))
		goto err;
	if (rdma_nl_put_driver_u32(msg, "remote", mr->stag_r != mr->stag_l))
		goto err;
	nla_nest_end(msg, table);
	return 0;
err:
	nla_nest_cancel(msg, table);
	return -EMSGSIZE;
}

/* A fast-registration MR's bytes at @addr: page by page. */
static int srnic_mr_pages_copy(struct srnic_mr *mr, u64 addr, u8 *buf,
			       u32 len, bool to_mem)
{
	u64 psz = mr->ibmr.page_size;
	u64 off;

	if (!psz || !mr->npages || addr < mr->ibmr.iova)
		return -EFAULT;
	/* iova sits at its offset inside the first page (ib_sg_to_pages()). */
	off = addr - mr->ibmr.iova + (mr->ibmr.iova & (psz - 1));
	while (len) {
		u64 idx = div64_u64(off, psz), in = off - idx * psz;
		u32 n = min_t(u64, len, psz - in);
		u8 *k;

		if (idx >= mr->npages)
			return -EFAULT;
		k = (u8 *)(uintptr_t)(mr->pages[idx] + in);
		if (to_mem)
			memcpy(k, buf, n);
		else
			memcpy(buf, k, n);
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

/**
 * srnic_mem_copy - copy bytes into or out of a buffer the access check
 *	granted
 * @mem: the record, with an access in flight on it
 * @addr: first byte, as the STag names it (virtual address or TO)
 * @buf: the other side of the copy
 * @len: bytes
 * @to_mem: copy @buf into the buffer, else out of it
 *
 * The caller checked [@addr, @addr + @len) with srnic_access_check() and
 * holds the access, so the MR and its pages stay. Kernel MRs only: the
 * addresses of a DMA MR and a fast-registration MR's pages are kernel
 * virtual addresses (ib_uses_virt_dma()). A user MR is refused: srnic
 * has no user QPs, and a kernel QP never shares a PD with one.
 *
 * Context: any; never sleeps.
 * Return: 0 or -EFAULT.
 */
int srnic_mem_copy(struct srnic_mem *mem, u64 addr, void *buf, u32 len,
		   bool to_mem)
{
	struct srnic_mr *mr;

	if (mem->type != SRNIC_MEM_MR)
		return -EFAULT;
	mr = container_of(mem, struct srnic_mr, mem);
	if (mr->umem)
		return -EFAULT;
	if (!len)
		return 0;
	if (mr->pages)
		return srnic_mr_pages_copy(mr, addr, buf, len, to_mem);
	if (to_mem)
		memcpy((void *)(uintptr_t)addr, buf, len);
	else
		memcpy(buf, (void *)(uintptr_t)addr, len);
	return 0;
}
