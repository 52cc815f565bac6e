/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the device and what every file of the driver needs from it.
 */
#ifndef _SRNIC_H
#define _SRNIC_H

#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <rdma/ib_verbs.h>

#include "access.h"
#include "admit.h"
#include "limits.h"
#include "stag.h"
#include "stats.h"

#define SRNIC_PORT		1
#define SRNIC_VENDOR_ID		0x626d74	/* siw's, so libsiw matches */
#define SRNIC_NODE_DESC		"Software iWARP stack"

/* Device capabilities: what query_device reports and create_* enforce. */
#define SRNIC_MAX_QP		(1024 * 16)
#define SRNIC_MAX_QP_WR		(1024 * 8)
#define SRNIC_MAX_ORD_QP	128
#define SRNIC_MAX_IRD_QP	128
#define SRNIC_MAX_SGE		6	/* SIW_MAX_SGE: the siw user ABI's */
#define SRNIC_MAX_SGE_RD	1
#define SRNIC_MAX_CQ		(1024 * 16)
#define SRNIC_MAX_CQE		(SRNIC_MAX_QP_WR * 16)
#define SRNIC_MAX_MR		(1024 * 16)
#define SRNIC_MAX_PD		(1024 * 16)
#define SRNIC_MAX_SRQ		(1024 * 4)
#define SRNIC_MAX_SRQ_WR	(1024 * 8)
#define SRNIC_MAX_FRMR_PAGES	256
#define SRNIC_MAX_QPN		((1U << 24) - 1)

/**
 * enum srnic_identity - which user ABI a device presents
 * @SRNIC_ID_SIW: driver_id RDMA_DRIVER_SIW, so rdma-core's libsiw binds;
 *	siw must not be loaded at the same time, because siw's netdev
 *	notifier takes every RDMA_DRIVER_SIW device for one of its own.
 * @SRNIC_ID_SRNIC: a driver_id of no other driver; runs beside siw.
 */
enum srnic_identity {
	SRNIC_ID_SIW,
	SRNIC_ID_SRNIC,
};

/**
 * struct srnic_dev - one RNIC, bound to one net_device
 * @ibdev: the ib_core device; must stay first (ib_alloc_device)
 * @netdev: the bound net_device; only compared, never dereferenced
 *	outside of a notifier or ib_device_get_netdev(), since ib_core holds
 *	the reference
 * @list: entry in the module's device list, under srnic_devs_lock
 * @identity: the user ABI identity the device was created with
 * @raw_gid: GID 0, the MAC of @netdev (random if it has none)
 * @mtu: MTU of @netdev, updated on NETDEV_CHANGEMTU (READ_ONCE)
 * @port_active: last port state reported with an event (under RTNL,
 *	since only the netdev notifier changes it)
 * @stags: the STag name space
 * @access_stats: refusals of the access check, by reason
 * @admit: CQ sizing admission and overflow isolation
 * @limits: per-device and per-user quotas
 * @qp_xa: QPs by number; numbers are handed out cyclically so that a
 *	stale number does not name a new QP at once
 * @qp_next: cursor of the cyclic allocation in @qp_xa
 * @cep_xa: connection endpoints by number (cm.c); a CONNECT_REQUEST
 *	names its endpoint by number, so a stale one finds nothing
 * @cep_next: cursor of the cyclic allocation in @cep_xa
 * @cm_backlog_refused: TCP connections a listener refused because it had
 *	its backlog of unanswered ones already (cm_cep.c)
 * @terminate_sent: Terminates the data path queued for a peer
 *	(srnic_wire_fail())
 * @terminate_received: Terminates peers sent (qp_rx_place.c)
 * @crc_errors: FPDUs whose MPA CRC did not match (srnic_wire_fail())
 * @ird_exceeded: inbound Read Requests beyond the IRD negotiated for the
 *	connection (qp_rx_place.c)
 * @crc_skipped: streams started without MPA CRCs (srnic_wire_start())
 * @mpa_refused: MPA requests and replies refused (srnic_cep_log())
 */
struct srnic_dev {
	struct ib_device ibdev;
	struct net_device *netdev;
	struct list_head list;
	enum srnic_identity identity;
	u8 raw_gid[ETH_ALEN];
	u32 mtu;
	bool port_active;
	struct srnic_stag_table stags;
	struct srnic_access_stats access_stats;
	struct srnic_admit admit;
	struct srnic_limits limits;
	struct xarray qp_xa;
	u32 qp_next;
	struct xarray cep_xa;
	u32 cep_next;
	atomic64_t cm_backlog_refused;
	atomic64_t terminate_sent;
	atomic64_t terminate_received;
	atomic64_t crc_errors;
	atomic64_t ird_exceeded;
	atomic64_t crc_skipped;
	atomic64_t mpa_refused;
};

static inline struct srnic_dev *to_sdev(struct ib_device *ibdev)
{
	return container_of(ibdev, struct srnic_dev, ibdev);
}

/* device.c */
struct srnic_dev *srnic_dev_create(struct net_device *netdev,
				   enum srnic_identity identity);
void srnic_dev_port_event(struct srnic_dev *sdev, enum ib_event_type type);

/* sysfs.c */
extern const struct attribute_group srnic_attr_group;

/* srnic_main.c */
extern struct workqueue_struct *srnic_wq;
void srnic_dev_forget(struct srnic_dev *sdev);
int srnic_link_add(const char *name, struct net_device *netdev);

#endif /* _SRNIC_H */
