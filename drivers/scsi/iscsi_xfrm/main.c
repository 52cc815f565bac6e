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
#include <linux/notifier.h>
#include <linux/string.h>
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

/*
 * The other way round: iscsi_tcp loading while we hold "tcp" would trip
 * over the class device's name (a sysfs duplicate-name report) before it
 * fails. Stop it as it comes, with a message that says why.
 */
static int ix_module_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct module *mod = data;

	if (action != MODULE_STATE_COMING || strcmp(mod->name, "iscsi_tcp"))
		return NOTIFY_DONE;
	pr_err("iscsi_tcp cannot load while iscsi_xfrm provides the iSCSI transport \"tcp\": unload iscsi_xfrm first\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block ix_module_nb = {
	.notifier_call = ix_module_notify,
};

static int __init iscsi_xfrm_init(void)
{
	int err;

	if (ix_tcp_transport_present()) {
		pr_err("the iSCSI transport \"tcp\" is already registered (iscsi_tcp loaded?): unload it first, iscsi_xfrm replaces it\n");
		return -EBUSY;
	}
	err = register_module_notifier(&ix_module_nb);
	if (err)
		return err;
	err = ix_transport_init();
	if (err) {
		unregister_module_notifier(&ix_module_nb);
		if (err == -EBUSY)
			pr_err("the iSCSI transport class refused a second \"tcp\" transport\n");
	}
	return err;
}

static void __exit iscsi_xfrm_exit(void)
{
	ix_transport_exit();
	unregister_module_notifier(&ix_module_nb);
}

module_init(iscsi_xfrm_init);
module_exit(iscsi_xfrm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iSCSI/TCP initiator transport that requires IPsec");
MODULE_AUTHOR("sanguard developers");
MODULE_SOFTDEP("pre: xfrm_guard");
