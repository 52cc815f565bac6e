/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xg_offload_pair: a veth-like pair of test netdevs that simulate IPsec
 * crypto offload (see main.c for the model). This header is what the
 * three files of the driver share; nothing outside the driver uses it.
 */
#ifndef _XGOFF_H
#define _XGOFF_H

#include <linux/atomic.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <net/xfrm.h>

/* Like a NIC's SA memory: a fixed number of slots, no allocation. */
#define XGOFF_SA_MAX	64

/**
 * struct xgoff_sa - one offloaded SA as the "hardware" keeps it
 * @x: the state, with a reference held while the slot is used; NULL if free
 * @daddr: destination address the receive side matches on
 * @spi: SPI (network order) the receive side matches on
 * @family: address family of @daddr (outer family of the SA)
 * @inbound: true for "offload ... dir in"
 */
struct xgoff_sa {
	struct xfrm_state *x;
	xfrm_address_t daddr;
	__be32 spi;
	u16 family;
	bool inbound;
};

/**
 * struct xgoff_sa_table - the per-device SA table
 * @lock: protects @slots and @count. Taken from process context (state
 *	add), from xdo_dev_state_delete() with the state's x->lock held, and
 *	from the transmit path of the peer (BH). Nothing is called with it
 *	held except xfrm_state_hold(); so the order is x->lock -> @lock and
 *	@lock is never held while taking x->lock.
 * @count: used slots
 * @slots: the SAs; xso.offload_handle is the slot index + 1
 */
struct xgoff_sa_table {
	spinlock_t lock;	/* slots, count: see @lock above */
	u32 count;
	struct xgoff_sa slots[XGOFF_SA_MAX];
};

/**
 * struct xgoff_counters - what debugfs shows per device
 * @tx_esp: ESP frames sent with the crypto left to this device
 * @rx_esp_ok: offloaded ESP frames received and matched to an inbound SA
 * @rx_esp_no_sa: offloaded ESP frames received with no matching inbound
 *	SA on this device: dropped (the payload was never encrypted, so
 *	handing it to software ESP could only fail its ICV check)
 * @rx_esp_sw: ESP frames encrypted in software by the sender, passed up
 *	unchanged for software ESP to decrypt, as a plain veth would
 */
struct xgoff_counters {
	atomic_t tx_esp;
	atomic_t rx_esp_ok;
	atomic_t rx_esp_no_sa;
	atomic_t rx_esp_sw;
};

/**
 * struct xgoff_priv - netdev private data
 * @peer: the other end of the pair; RCU, cleared under RTNL on dellink
 * @cnt: counters, touched per ESP frame
 * @sa: offloaded SAs of this device
 * @ddir: debugfs directory xg_offload/<ifname>
 */
struct xgoff_priv {
	struct net_device __rcu *peer;
	struct xgoff_counters cnt;
	struct xgoff_sa_table sa;
	struct dentry *ddir;
};

/* ipsec.c */
void xgoff_ipsec_setup(struct net_device *dev);
void xgoff_ipsec_uninit(struct net_device *dev);
bool xgoff_ipsec_tx(struct net_device *dev, struct sk_buff *skb);
bool xgoff_ipsec_rx(struct net_device *dev, struct sk_buff *skb, bool hw_esp);
void xgoff_ipsec_show(struct seq_file *m, struct net_device *dev);

/* debugfs.c */
void xgoff_debugfs_init(void);
void xgoff_debugfs_exit(void);
void xgoff_debugfs_add(struct net_device *dev);
void xgoff_debugfs_del(struct net_device *dev);
void xgoff_debugfs_rename(struct net_device *dev);

#endif /* _XGOFF_H */
