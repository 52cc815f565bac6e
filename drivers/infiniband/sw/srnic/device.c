// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the ib_device, its identity, its port and what query_* report.
 */
#include <linux/if_arp.h>
#include <net/addrconf.h>
#include <rdma/ib_mad.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/iw_cm.h>
#include <rdma/siw-abi.h>

#include "verbs.h"

static int srnic_query_device(struct ib_device *ibdev,
			      struct ib_device_attr *attr,
			      struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibdev);

	if (udata->inlen || udata->outlen)
		return -EINVAL;

	memset(attr, 0, sizeof(*attr));
	attr->atomic_cap = IB_ATOMIC_NONE;
	attr->device_cap_flags = IB_DEVICE_MEM_MGT_EXTENSIONS;
	/*
	 * No IBK_LOCAL_DMA_LKEY: a device-wide lkey would be valid in every
	 * PD. ib_core asks each kernel PD for its own local-only DMA MR.
	 */
	attr->kernel_cap_flags = IBK_ALLOW_USER_UNREG;
	attr->max_mr_size = U64_MAX;
	attr->page_size_cap = PAGE_SIZE;
	attr->vendor_id = SRNIC_VENDOR_ID;
	attr->vendor_part_id = ibdev->index;
	attr->max_qp = SRNIC_MAX_QP;
	attr->max_qp_wr = SRNIC_MAX_QP_WR;
	attr->max_send_sge = SRNIC_MAX_SGE;
	attr->max_recv_sge = SRNIC_MAX_SGE;
	attr->max_sge_rd = SRNIC_MAX_SGE_RD;
	attr->max_cq = SRNIC_MAX_CQ;
	attr->max_cqe = SRNIC_MAX_CQE;
	attr->max_mr = SRNIC_MAX_MR;
	attr->max_pd = SRNIC_MAX_PD;
	attr->max_qp_rd_atom = SRNIC_MAX_ORD_QP;
	attr->max_qp_init_rd_atom = SRNIC_MAX_IRD_QP;
	attr->max_res_rd_atom = SRNIC_MAX_QP * SRNIC_MAX_IRD_QP;
	attr->max_srq = SRNIC_MAX_SRQ;
	attr->max_srq_wr = SRNIC_MAX_SRQ_WR;
	attr->max_srq_sge = SRNIC_MAX_SGE;
	attr->max_fast_reg_page_list_len = SRNIC_MAX_FRMR_PAGES;
	addrconf_addr_eui48((u8 *)&attr->sys_image_guid, sdev->raw_gid);
	return 0;
}

static int srnic_query_port(struct ib_device *ibdev, u32 port,
			    struct ib_port_attr *attr)
{
	struct srnic_dev *sdev = to_sdev(ibdev);
	struct net_device *ndev;
	int rv;

	memset(attr, 0, sizeof(*attr));
	rv = ib_get_eth_speed(ibdev, port, &attr->active_speed,
			      &attr->active_width);
	if (rv)
		return rv;

	ndev = ib_device_get_netdev(ibdev, SRNIC_PORT);
	if (!ndev)
		return -ENODEV;
	attr->gid_tbl_len = 1;
	attr->max_msg_sz = -1;
	attr->max_mtu = ib_mtu_int_to_enum(ndev->max_mtu);
	attr->active_mtu = ib_mtu_int_to_enum(READ_ONCE(sdev->mtu));
	attr->phys_state = netif_running(ndev) && netif_carrier_ok(ndev) ?
		IB_PORT_PHYS_STATE_LINK_UP : IB_PORT_PHYS_STATE_DISABLED;
	attr->state = attr->phys_state == IB_PORT_PHYS_STATE_LINK_UP ?
		IB_PORT_ACTIVE : IB_PORT_DOWN;
	attr->port_cap_flags = IB_PORT_CM_SUP | IB_PORT_DEVICE_MGMT_SUP;
	dev_put(ndev);
	return 0;
}

static int srnic_get_port_immutable(struct ib_device *ibdev, u32 port,
				    struct ib_port_immutable *immutable)
{
	struct ib_port_attr attr;
	int rv;

	rv = srnic_query_port(ibdev, port, &attr);
	if (rv)
		return rv;
	immutable->gid_tbl_len = attr.gid_tbl_len;
	immutable->core_cap_flags = RDMA_CORE_PORT_IWARP;
	return 0;
}

static int srnic_query_gid(struct ib_device *ibdev, u32 port, int index,
			   union ib_gid *gid)
{
	struct srnic_dev *sdev = to_sdev(ibdev);

	if (index)
		return -EINVAL;
	memset(gid, 0, sizeof(*gid));
	memcpy(gid->raw, sdev->raw_gid, ETH_ALEN);
	return 0;
}

/**
 * srnic_alloc_ucontext - ib_device_ops.alloc_ucontext
 * @ibuc: the context ib_core allocated
 * @udata: the siw user ABI: no request, &struct siw_uresp_alloc_ctx back
 *
 * Return: 0, -EINVAL if the response does not fit, -EFAULT.
 */
int srnic_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata)
{
	struct siw_uresp_alloc_ctx uresp = {
		.dev_id = ibuc->device->index,
	};

	if (udata->outlen < sizeof(uresp))
		return -EINVAL;
	return ib_copy_to_udata(udata, &uresp, sizeof(uresp));
}

/**
 * srnic_dealloc_ucontext - ib_device_ops.dealloc_ucontext
 * @ibuc: the context; ib_core destroyed every object it owned
 */
void srnic_dealloc_ucontext(struct ib_ucontext *ibuc)
{
}

/*
 * ib_core calls this before it destroys a context's objects because the
 * device goes away (rdma link delete, netdev removal, module unload). With
 * it, the removal does not wait for the process to close its file; the
 * process sees -EIO from then on. srnic maps nothing of a context into
 * the process, so there is nothing to zap.
 */
static void srnic_disassociate_ucontext(struct ib_ucontext *ibuc)
{
}

/**
 * srnic_user_queue_refused - refuse a user CQ, QP or SRQ
 * @sdev: the device
 * @what: "CQ", "QP" or "SRQ", for the log
 *
 * User queues are shared with the process through mmap() in the siw user
 * ABI; srnic does not yet implement that mapping. The refusal is logged
 * so that an administrator sees why libsiw's call failed.
 *
 * Return: -EOPNOTSUPP.
 */
int srnic_user_queue_refused(struct srnic_dev *sdev, const char *what)
{
	dev_info_ratelimited(&sdev->ibdev.dev,
			     "user %s refused: this srnic has user PDs and MRs but no user queues yet\n",
			     what);
	return -EOPNOTSUPP;
}

/*
 * Called by ib_core once the device is unregistered (or, on an error before
 * registration, from ib_dealloc_device()). The last driver code ib_core runs
 * for a device, so the module may go once every device got here.
 */
static void srnic_dealloc_driver(struct ib_device *ibdev)
{
	struct srnic_dev *sdev = to_sdev(ibdev);

	srnic_dev_forget(sdev);
	WARN_ON(!xa_empty(&sdev->qp_xa));
	xa_destroy(&sdev->qp_xa);
	WARN_ON(!xa_empty(&sdev->cep_xa));
	xa_destroy(&sdev->cep_xa);
	/* MRs are freed after a grace period, then their names are gone. */
	rcu_barrier();
	srnic_stag_table_destroy(&sdev->stags);
	srnic_limits_destroy(&sdev->limits);
}

static const struct ib_device_ops srnic_dev_ops = {
	.owner = THIS_MODULE,
	.device_group = &srnic_attr_group,

	.alloc_hw_port_stats = srnic_alloc_hw_port_stats,
	.alloc_mr = srnic_alloc_mr,
	.alloc_pd = srnic_alloc_pd,
	.alloc_ucontext = srnic_alloc_ucontext,
	.create_cq = srnic_create_cq,
	.create_qp = srnic_create_qp,
	.create_srq = srnic_create_srq,
	.dealloc_driver = srnic_dealloc_driver,
	.dealloc_pd = srnic_dealloc_pd,
	.dealloc_ucontext = srnic_dealloc_ucontext,
	.disassociate_ucontext = srnic_disassociate_ucontext,
	.dereg_mr = srnic_dereg_mr,
	.destroy_cq = srnic_destroy_cq,
	.destroy_qp = srnic_destroy_qp,
	.destroy_srq = srnic_destroy_srq,
	.fill_res_cq_entry = srnic_fill_res_cq_entry,
	.fill_res_mr_entry = srnic_fill_res_mr_entry,
	.fill_res_qp_entry = srnic_fill_res_qp_entry,
	.fill_res_srq_entry = srnic_fill_res_srq_entry,
	.get_dma_mr = srnic_get_dma_mr,
	.get_hw_stats = srnic_get_hw_stats,
	.get_port_immutable = srnic_get_port_immutable,
	.iw_accept = srnic_iw_accept,
	.iw_add_ref = srnic_iw_add_ref,
	.iw_connect = srnic_iw_connect,
	.iw_create_listen = srnic_iw_create_listen,
	.iw_destroy_listen = srnic_iw_destroy_listen,
	.iw_get_qp = srnic_iw_get_qp,
	.iw_reject = srnic_iw_reject,
	.iw_rem_ref = srnic_iw_rem_ref,
	.map_mr_sg = srnic_map_mr_sg,
	.modify_qp = srnic_modify_qp,
	.modify_srq = srnic_modify_srq,
	.poll_cq = srnic_poll_cq,
	.post_recv = srnic_post_recv,
	.post_send = srnic_post_send,
	.post_srq_recv = srnic_post_srq_recv,
	.query_device = srnic_query_device,
	.query_gid = srnic_query_gid,
	.query_port = srnic_query_port,
	.query_qp = srnic_query_qp,
	.query_srq = srnic_query_srq,
	.reg_user_mr = srnic_reg_user_mr,
	.req_notify_cq = srnic_req_notify_cq,
	.resize_cq = srnic_resize_cq,

	INIT_RDMA_OBJ_SIZE(ib_cq, srnic_cq, ibcq),
	INIT_RDMA_OBJ_SIZE(ib_pd, srnic_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_qp, srnic_qp, ibqp),
	INIT_RDMA_OBJ_SIZE(ib_srq, srnic_srq, ibsrq),
	INIT_RDMA_OBJ_SIZE(ib_ucontext, srnic_ucontext, ibuc),
};

/* The identity: driver_id and ABI version are what rdma-core binds by. */
static const struct ib_device_ops srnic_siw_identity_ops = {
	.driver_id = RDMA_DRIVER_SIW,
	.uverbs_abi_ver = SIW_ABI_VERSION,
};

static bool srnic_netdev_qualified(struct net_device *netdev)
{
	return netdev->type == ARPHRD_ETHER || netdev->type == ARPHRD_NONE ||
	       netdev->type == ARPHRD_IEEE802 ||
	       netdev->type == ARPHRD_LOOPBACK;
}

/**
 * srnic_dev_create - allocate and set up a device bound to a net_device
 * @netdev: the net_device; the caller holds a reference
 * @identity: the user ABI identity to present
 *
 * The device is not registered; the caller registers it or frees it with
 * ib_dealloc_device().
 *
 * Return: the device or an ERR_PTR().
 */
struct srnic_dev *srnic_dev_create(struct net_device *netdev,
				   enum srnic_identity identity)
{
	struct srnic_dev *sdev;
	struct ib_device *ibdev;
	int rv;

	if (!srnic_netdev_qualified(netdev))
		return ERR_PTR(-EINVAL);

	sdev = ib_alloc_device(srnic_dev, ibdev);
	if (!sdev)
		return ERR_PTR(-ENOMEM);
	ibdev = &sdev->ibdev;
	INIT_LIST_HEAD(&sdev->list);
	xa_init_flags(&sdev->qp_xa, XA_FLAGS_ALLOC1);
	xa_init_flags(&sdev->cep_xa, XA_FLAGS_ALLOC1);
	srnic_admit_init(&sdev->admit, SRNIC_ADMIT_STRICT);
	srnic_limits_init(&sdev->limits);
	rv = srnic_stag_table_init(&sdev->stags);
	if (rv) {
		/* No ops yet, so no dealloc_driver: undo by hand. */
		srnic_limits_destroy(&sdev->limits);
		ib_dealloc_device(ibdev);
		return ERR_PTR(rv);
	}
	sdev->netdev = netdev;
	sdev->identity = identity;
	sdev->mtu = READ_ONCE(netdev->mtu);
	sdev->port_active = netif_running(netdev) && netif_carrier_ok(netdev);

	/* rdma_cm over iWARP needs a unique GID even without a MAC */
	if (netdev->addr_len)
		memcpy(sdev->raw_gid, netdev->dev_addr,
		       min_t(unsigned int, netdev->addr_len, ETH_ALEN));
	else
		eth_random_addr(sdev->raw_gid);
	addrconf_addr_eui48((u8 *)&ibdev->node_guid, sdev->raw_gid);

	ibdev->node_type = RDMA_NODE_RNIC;
	memcpy(ibdev->node_desc, SRNIC_NODE_DESC, sizeof(SRNIC_NODE_DESC));
	ibdev->phys_port_cnt = 1;
	ibdev->num_comp_vectors = 1;
	ibdev->iw_driver_flags = IW_F_NO_PORT_MAP;
	memcpy(ibdev->iw_ifname, netdev->name, sizeof(ibdev->iw_ifname));

	ib_set_device_ops(ibdev, &srnic_dev_ops);
	if (identity == SRNIC_ID_SIW)
		ib_set_device_ops(ibdev, &srnic_siw_identity_ops);

	rv = ib_device_set_netdev(ibdev, netdev, SRNIC_PORT);
	if (rv) {
		ib_dealloc_device(ibdev);
		return ERR_PTR(rv);
	}
	return sdev;
}

/**
 * srnic_dev_port_event - report a port event to ib_core's consumers
 * @sdev: the device
 * @type: IB_EVENT_PORT_ACTIVE, IB_EVENT_PORT_ERR, IB_EVENT_GID_CHANGE, ...
 */
void srnic_dev_port_event(struct srnic_dev *sdev, enum ib_event_type type)
{
	struct ib_event event = {
		.device = &sdev->ibdev,
		.event = type,
		.element.port_num = SRNIC_PORT,
	};

	ib_dispatch_event(&event);
}
