// SPDX-License-Identifier: GPL-2.0
/*
 * xg_offload_pair: counters and the SA table in debugfs, netdevsim style,
 * under /sys/kernel/debug/xg_offload/<ifname>/. The directory follows the
 * device's name; two devices of the same name in different namespaces
 * share nothing but the second one gets no directory.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "xgoff.h"

static struct dentry *xgoff_debugfs_root;

static int xgoff_sa_show(struct seq_file *m, void *unused)
{
	xgoff_ipsec_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xgoff_sa);

void xgoff_debugfs_init(void)
{
	xgoff_debugfs_root = debugfs_create_dir("xg_offload", NULL);
}

void xgoff_debugfs_exit(void)
{
	debugfs_remove_recursive(xgoff_debugfs_root);
}

void xgoff_debugfs_add(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct dentry *d;

	d = debugfs_create_dir(dev->name, xgoff_debugfs_root);
	if (IS_ERR(d)) {
		netdev_info(dev, "no debugfs directory: %pe\n", d);
		priv->ddir = NULL;
		return;
	}
	priv->ddir = d;
	debugfs_create_atomic_t("tx_esp", 0400, d, &priv->cnt.tx_esp);
	debugfs_create_atomic_t("rx_esp_ok", 0400, d, &priv->cnt.rx_esp_ok);
	debugfs_create_atomic_t("rx_esp_no_sa", 0400, d, &priv->cnt.rx_esp_no_sa);
	debugfs_create_atomic_t("rx_esp_sw", 0400, d, &priv->cnt.rx_esp_sw);
	debugfs_create_u32("sa_count", 0400, d, &priv->sa.count);
	debugfs_create_file("sa", 0400, d, dev, &xgoff_sa_fops);
}

void xgoff_debugfs_del(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);

	debugfs_remove_recursive(priv->ddir);
	priv->ddir = NULL;
}

/* RTNL held (NETDEV_CHANGENAME), so add/del/rename never race. */
void xgoff_debugfs_rename(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct dentry *d;

	if (!priv->ddir) {
		xgoff_debugfs_add(dev);
		return;
	}
	d = debugfs_rename(xgoff_debugfs_root, priv->ddir,
			   xgoff_debugfs_root, dev->name);
	if (IS_ERR(d)) {
		/* the name is taken: drop the stale directory, keep none */
		xgoff_debugfs_del(dev);
	}
}
