// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: software iWARP RNIC with the RFC 5042 protection model.
 *
 * This is the module skeleton; device, verbs objects and the wire protocol
 * are added file by file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

static int __init srnic_init(void)
{
	return 0;
}

static void __exit srnic_exit(void)
{
}

module_init(srnic_init);
module_exit(srnic_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Software iWARP RNIC with the RFC 5042 protection model");
MODULE_AUTHOR("sanguard developers");
