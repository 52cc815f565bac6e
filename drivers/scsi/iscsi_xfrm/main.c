// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: software iSCSI/TCP initiator transport that carries no PDU
 * over a connection the IPsec guard rejects (RFC 3723).
 *
 * It registers the transport "tcp", as iscsi_tcp does, so stock open-iscsi
 * drives it; the two cannot be loaded together. The modprobe.d snippet in
 * Documentation/admin-guide/sanguard/iscsi_xfrm.rst makes iscsid's
 * "modprobe iscsi_tcp" load this module instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/namei.h>
#include <linux/path.h>

#include "ix.h"

/*
 * The transport class has no lookup by name, and a second "tcp" would trip
 * over the class device's name. Its sysfs entry is the one public sign that
 * another "tcp" transport (iscsi_tcp) is registered.
 */
static bool ix_tcp_transport_present(void)
{
	struct path path;

	if (kern_path("/sys/class/iscsi_transport/tcp", 0, &path))
		return false;
	path_put(&path);
	return true;
}

static int __init iscsi_xfrm_init(void)
{
	int err;

	if (ix_tcp_transport_present()) {
		pr_err("the iSCSI transport \"tcp\" is already registered (iscsi_tcp loaded?): unload it first, iscsi_xfrm replaces it\n");
		return -EBUSY;
	}
	err = ix_transport_init();
	if (err == -EBUSY)
		pr_err("the iSCSI transport class refused a second \"tcp\" transport\n");
	return err;
}

static void __exit iscsi_xfrm_exit(void)
{
	ix_transport_exit();
}

module_init(iscsi_xfrm_init);
module_exit(iscsi_xfrm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iSCSI/TCP initiator transport that requires IPsec");
MODULE_AUTHOR("sanguard developers");
MODULE_SOFTDEP("pre: xfrm_guard");
