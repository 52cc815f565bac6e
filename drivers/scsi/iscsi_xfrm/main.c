// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: software iSCSI/TCP initiator transport that carries no PDU
 * over a connection the IPsec guard rejects (RFC 3723).
 *
 * This is the module skeleton; the transport is added file by file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

static int __init iscsi_xfrm_init(void)
{
	return 0;
}

static void __exit iscsi_xfrm_exit(void)
{
}

module_init(iscsi_xfrm_init);
module_exit(iscsi_xfrm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iSCSI/TCP initiator transport that requires IPsec");
MODULE_AUTHOR("sanguard developers");
