// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard: decides whether kernel TCP connections that carry IP block
 * storage or iWARP are protected by IPsec ESP meeting policy (RFC 3723).
 *
 * The module so far holds the policy logic only: profiles (policy.c), the
 * verdict engine (verdict.c), rule matching (rules.c) and the per-namespace
 * state that holds them (netns.c). Nothing is hooked into the stack yet, so
 * loading it changes no traffic; netlink, the netfilter hooks and the socket
 * API come in their own files.
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
