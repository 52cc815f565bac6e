// SPDX-License-Identifier: GPL-2.0
/*
 * xg_offload_pair: a test-only, veth-like pair of Ethernet devices (link
 * kind "xgoff") that simulates IPsec ESP crypto offload, so that a TCP
 * connection can run end to end over an offloaded SA pair between two
 * network namespaces. Never load it on a real system.
 *
 * The model: both ends are this driver, so "encryption" is simulated by not
 * transforming. With crypto offload the stack builds the ESP header and
 * trailer but leaves the payload in clear text for the NIC; the pair hands
 * such a frame to its peer unchanged and tells the peer it was "encrypted
 * by the hardware". The peer looks up its own offloaded inbound SA (SPI,
 * destination, family) and marks the frame decrypted the way NIC drivers
 * do (secpath + xfrm_offload() CRYPTO_DONE/CRYPTO_SUCCESS); without such an
 * SA the frame is dropped and counted, as a real NIC's undecryptable frame
 * would fail software ESP's ICV check. ESP encrypted in software by the
 * sender is real ciphertext and passes through as on a veth.
 *
 * Create a pair with a veth-style netlink request: IFLA_INFO_KIND "xgoff"
 * and IFLA_INFO_DATA { XGOFF_INFO_PEER: struct ifinfomsg + IFLA_* of the
 * peer }. iproute2 has no parser for this kind, so "ip link add A type
 * xgoff" creates A and a peer named xgoff%d in A's namespace; the
 * selftests (xgoff_pair in tools/testing/selftests/sanguard/lib.sh) send
 * the request themselves.
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

#include "xgoff.h"

#define XGOFF_KIND	"xgoff"

enum {
	XGOFF_INFO_UNSPEC,
	XGOFF_INFO_PEER,	/* same layout as VETH_INFO_PEER */
	__XGOFF_INFO_MAX
};

#define XGOFF_INFO_MAX	(__XGOFF_INFO_MAX - 1)

/*
 * NETIF_F_HW_ESP (with xfrmdev_ops) and nothing else of ESP: no GSO_ESP, so
 * the stack segments before validate_xmit_xfrm(), and no HW_ESP_TX_CSUM, so
 * inner checksums are complete when the frame reaches us.
 */
#define XGOFF_FEATURES	(NETIF_F_HW_CSUM | NETIF_F_SG | NETIF_F_FRAGLIST | \
			 NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE | \
			 NETIF_F_RXCSUM)

static struct rtnl_link_ops xgoff_link_ops;

static netdev_tx_t xgoff_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	unsigned int len = skb->len;
	struct net_device *peer;
	bool hw_esp;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (unlikely(!peer)) {
		kfree_skb(skb);
		dev_core_stats_tx_dropped_inc(dev);
		goto out;
	}

	/* decide before the scrub below drops the sender's secpath */
	hw_esp = xgoff_ipsec_tx(dev, skb);

	/* frees the skb and counts on the peer on failure */
	if (__dev_forward_skb(peer, skb) != NET_RX_SUCCESS)
		goto out;

	dev_sw_netstats_tx_add(dev, 1, len);

	if (!xgoff_ipsec_rx(peer, skb, hw_esp)) {
		kfree_skb(skb);
		dev_core_stats_rx_dropped_inc(peer);
		goto out;
	}

	len = skb->len;
	if (likely(netif_rx(skb) == NET_RX_SUCCESS))
		dev_sw_netstats_rx_add(peer, len);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int xgoff_open(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	if (!peer)
		return -ENOTCONN;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static int xgoff_stop(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	return 0;
}

static int xgoff_init(struct net_device *dev)
{
	xgoff_debugfs_add(dev);
	return 0;
}

static void xgoff_uninit(struct net_device *dev)
{
	xgoff_ipsec_uninit(dev);
	xgoff_debugfs_del(dev);
}

static int xgoff_get_iflink(const struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct net_device *peer;
	int iflink;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	iflink = peer ? READ_ONCE(peer->ifindex) : 0;
	rcu_read_unlock();
	return iflink;
}

static const struct net_device_ops xgoff_netdev_ops = {
	.ndo_init		= xgoff_init,
	.ndo_uninit		= xgoff_uninit,
	.ndo_open		= xgoff_open,
	.ndo_stop		= xgoff_stop,
	.ndo_start_xmit		= xgoff_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_get_iflink		= xgoff_get_iflink,
};

static void xgoff_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE |
			   IFF_DISABLE_NETPOLL;
	dev->lltx = true;
	dev->netdev_ops = &xgoff_netdev_ops;
	dev->needs_free_netdev = true;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->max_mtu = ETH_MAX_MTU;

	dev->features |= XGOFF_FEATURES | NETIF_F_HW_ESP;
	dev->hw_features = XGOFF_FEATURES;
	/* xfrm_output() marks offloaded skbs as encapsulated */
	dev->hw_enc_features = XGOFF_FEATURES | NETIF_F_HW_ESP;

	xgoff_ipsec_setup(dev);
}

static int xgoff_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN)
			return -EINVAL;
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS])))
			return -EADDRNOTAVAIL;
	}
	return 0;
}

/* Register the peer described by @data (or a default one) in its netns. */
static struct net_device *xgoff_new_peer(struct net *src_net,
					 struct nlattr *tb[],
					 struct nlattr *data[],
					 struct netlink_ext_ack *extack)
{
	struct nlattr *peer_tb[IFLA_MAX + 1], **tbp = tb;
	unsigned char name_assign_type = NET_NAME_ENUM;
	char ifname[IFNAMSIZ] = XGOFF_KIND "%d";
	struct ifinfomsg *ifmp = NULL;
	struct net_device *peer;
	struct net *net;
	int err;

	if (data && data[XGOFF_INFO_PEER]) {
		ifmp = nla_data(data[XGOFF_INFO_PEER]);
		err = rtnl_nla_parse_ifinfomsg(peer_tb, data[XGOFF_INFO_PEER],
					       extack);
		if (err < 0)
			return ERR_PTR(err);
		err = xgoff_validate(peer_tb, NULL, extack);
		if (err < 0)
			return ERR_PTR(err);
		tbp = peer_tb;
		if (tbp[IFLA_IFNAME]) {
			nla_strscpy(ifname, tbp[IFLA_IFNAME], IFNAMSIZ);
			name_assign_type = NET_NAME_USER;
		}
	}

	/* without peer data the peer goes where the first device goes */
	net = rtnl_link_get_net(src_net, tbp);
	if (IS_ERR(net))
		return ERR_CAST(net);

	peer = rtnl_create_link(net, ifname, name_assign_type, &xgoff_link_ops,
				tbp, extack);
	if (IS_ERR(peer))
		goto out;

	if (!ifmp || !tbp[IFLA_ADDRESS])
		eth_hw_addr_random(peer);

	err = register_netdevice(peer);
	if (err < 0) {
		free_netdev(peer);
		peer = ERR_PTR(err);
		goto out;
	}
	netif_carrier_off(peer);

	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err < 0) {
		unregister_netdevice(peer);
		peer = ERR_PTR(err);
	}
out:
	put_net(net);
	return peer;
}

static int xgoff_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct net_device *peer;
	int err;

	peer = xgoff_new_peer(src_net, tb, data, extack);
	if (IS_ERR(peer))
		return PTR_ERR(peer);

	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		snprintf(dev->name, IFNAMSIZ, XGOFF_KIND "%%d");

	err = register_netdevice(dev);
	if (err < 0) {
		unregister_netdevice(peer);
		return err;
	}
	netif_carrier_off(dev);

	rcu_assign_pointer(((struct xgoff_priv *)netdev_priv(dev))->peer, peer);
	rcu_assign_pointer(((struct xgoff_priv *)netdev_priv(peer))->peer, dev);
	return 0;
}

static void xgoff_dellink(struct net_device *dev, struct list_head *head)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	/*
	 * Unregistration waits for an RCU grace period before freeing, so a
	 * transmit that still sees the peer pointer is safe.
	 */
	RCU_INIT_POINTER(priv->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (peer) {
		priv = netdev_priv(peer);
		RCU_INIT_POINTER(priv->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static struct net *xgoff_get_link_net(const struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static const struct nla_policy xgoff_policy[XGOFF_INFO_MAX + 1] = {
	[XGOFF_INFO_PEER]	= { .len = sizeof(struct ifinfomsg) },
};

static struct rtnl_link_ops xgoff_link_ops = {
	.kind		= XGOFF_KIND,
	.priv_size	= sizeof(struct xgoff_priv),
	.setup		= xgoff_setup,
	.validate	= xgoff_validate,
	.newlink	= xgoff_newlink,
	.dellink	= xgoff_dellink,
	.policy		= xgoff_policy,
	.maxtype	= XGOFF_INFO_MAX,
	.get_link_net	= xgoff_get_link_net,
};

static int xgoff_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (dev->netdev_ops == &xgoff_netdev_ops && event == NETDEV_CHANGENAME)
		xgoff_debugfs_rename(dev);
	return NOTIFY_DONE;
}

static struct notifier_block xgoff_netdev_nb = {
	.notifier_call = xgoff_netdev_event,
};

static int __init xgoff_module_init(void)
{
	int err;

	xgoff_debugfs_init();
	err = register_netdevice_notifier(&xgoff_netdev_nb);
	if (err)
		goto err_debugfs;
	err = rtnl_link_register(&xgoff_link_ops);
	if (err)
		goto err_notifier;
	return 0;

err_notifier:
	unregister_netdevice_notifier(&xgoff_netdev_nb);
err_debugfs:
	xgoff_debugfs_exit();
	return err;
}

static void __exit xgoff_module_exit(void)
{
	/* deletes every xgoff device, in every namespace */
	rtnl_link_unregister(&xgoff_link_ops);
	unregister_netdevice_notifier(&xgoff_netdev_nb);
	xgoff_debugfs_exit();
}

module_init(xgoff_module_init);
module_exit(xgoff_module_exit);

MODULE_DESCRIPTION("Test-only netdev pair simulating IPsec crypto offload");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(XGOFF_KIND);
