// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard: decides whether kernel TCP connections that carry IP block
 * storage or iWARP are protected by IPsec ESP meeting policy (RFC 3723).
 *
 * Profiles (policy.c), the verdict engine (verdict.c) and rule matching
 * (rules.c) make the decisions; netns.c holds them per namespace,
 * conn.c applies them to attached connections and portals, nf.c hooks
 * every TCP segment, km.c follows xfrm's SA and policy events, and
 * netlink.c and sysfs.c are the administrator's interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "km.h"
#include "netlink.h"
#include "netns.h"
#include "sysfs.h"

static int __init xfrm_guard_init(void)
{
	int err;

	err = xg_netns_init();
	if (err)
		return err;
	err = xg_netlink_init();
	if (err)
		goto err_netns;
	err = xg_sysfs_init();
	if (err)
		goto err_netlink;
	xg_km_init();
	return 0;

err_netlink:
	xg_netlink_exit();
err_netns:
	xg_netns_exit();
	return err;
}

static void __exit xfrm_guard_exit(void)
{
	xg_km_exit();
	xg_sysfs_exit();
	xg_netlink_exit();
	xg_netns_exit();
}

module_init(xfrm_guard_init);
module_exit(xfrm_guard_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPsec protection guard for storage and RDMA connections");
MODULE_AUTHOR("sanguard developers");
