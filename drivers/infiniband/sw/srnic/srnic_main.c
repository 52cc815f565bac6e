// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: software iWARP RNIC with the RFC 5042 protection model.
 *
 * Module life: "rdma link add NAME type srnic netdev DEV" creates a device,
 * "rdma link delete NAME" (or the net_device going away, or the module
 * going away) removes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <rdma/rdma_netlink.h>

#include "srnic.h"

static char *identity = "siw";
module_param(identity, charp, 0444);
MODULE_PARM_DESC(identity,
		 "user ABI identity of new devices: siw (default; libsiw binds, siw must not be loaded) or srnic (runs beside siw)");

static enum srnic_identity srnic_identity;

/*
 * Deferred QP work (moving a QP to ERR after its CQ overflowed, completing
 * a LOCAL_INV once its accesses drained). Storage ULPs wait for these
 * completions to free memory, so the queue has a rescuer (WQ_MEM_RECLAIM)
 * and makes progress under memory pressure.
 */
struct workqueue_struct *srnic_wq;

/*
 * Every device of the module, from its creation (before registration) to
 * its dealloc_driver. Writers hold srnic_devs_lock; the netdev notifier
 * reads under RCU and takes a device reference with ib_device_try_get(),
 * which ib_core's kfree_rcu() of the device makes safe. srnic_devs_lock is
 * never held across a call into ib_core that can unregister a device,
 * because dealloc_driver takes it.
 */
static LIST_HEAD(srnic_devs);
static DEFINE_MUTEX(srnic_devs_lock);
static atomic_t srnic_ndevs = ATOMIC_INIT(0);	/* entries of srnic_devs */
static DECLARE_WAIT_QUEUE_HEAD(srnic_devs_gone);	/* srnic_ndevs hit 0 */

/* Is siw loaded (or loading, or unloading)? Its /sys/module entry says. */
static bool srnic_siw_present(void)
{
	struct kobject *kobj;

	kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset, "siw");
	if (!kobj)
		return false;
	kobject_put(kobj);
	return true;
}

static unsigned int srnic_count_siw_identity(void)
{
	struct srnic_dev *sdev;
	unsigned int n = 0;

	lockdep_assert_held(&srnic_devs_lock);
	list_for_each_entry(sdev, &srnic_devs, list)
		if (sdev->identity == SRNIC_ID_SIW)
			n++;
	return n;
}

/**
 * srnic_dev_forget - take a device off the module's list
 * @sdev: the device, from its dealloc_driver
 *
 * Safe for a device that never made it onto the list.
 */
void srnic_dev_forget(struct srnic_dev *sdev)
{
	mutex_lock(&srnic_devs_lock);
	if (!list_empty(&sdev->list)) {
		list_del_rcu(&sdev->list);
		INIT_LIST_HEAD(&sdev->list);
		if (atomic_dec_and_test(&srnic_ndevs))
			wake_up_all(&srnic_devs_gone);
	}
	mutex_unlock(&srnic_devs_lock);
}

/**
 * srnic_link_add - create and register a device ("rdma link add")
 * @name: the device name
 * @netdev: the net_device to bind, referenced by the caller
 *
 * Return: 0, -EBUSY (siw identity while siw is loaded), -EEXIST (the
 * netdev has a device), -EINVAL (netdev type) or ib_core's error.
 */
int srnic_link_add(const char *name, struct net_device *netdev)
{
	struct srnic_dev *sdev, *other;
	int rv = 0;

	sdev = srnic_dev_create(netdev, srnic_identity);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);

	/*
	 * The check for siw and the list insertion are atomic with respect
	 * to srnic_module_event(), so siw and a siw-identity device never
	 * exist together whichever comes first.
	 */
	mutex_lock(&srnic_devs_lock);
	if (srnic_identity == SRNIC_ID_SIW && srnic_siw_present()) {
		pr_err("%s: not created: module siw is loaded and srnic has the siw identity (unload siw, or load srnic with identity=srnic)\n",
		       name);
		rv = -EBUSY;
	}
	list_for_each_entry(other, &srnic_devs, list) {
		if (!rv && other->netdev == netdev)
			rv = -EEXIST;
	}
	if (!rv) {
		list_add_tail_rcu(&sdev->list, &srnic_devs);
		atomic_inc(&srnic_ndevs);
	}
	mutex_unlock(&srnic_devs_lock);
	if (rv)
		goto err;

	ib_mark_name_assigned_by_user(&sdev->ibdev);
	rv = ib_register_device(&sdev->ibdev, name, NULL);
	if (rv)
		goto err;
	pr_info("%s: created on %s (identity %s)\n", name, netdev->name,
		identity);
	return 0;
err:
	ib_dealloc_device(&sdev->ibdev);
	return rv;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_link_add);

static struct rdma_link_ops srnic_link_ops = {
	.type = "srnic",
	.newlink = srnic_link_add,
};

static struct srnic_dev *srnic_dev_get_by_netdev(struct net_device *netdev)
{
	struct srnic_dev *sdev, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(sdev, &srnic_devs, list) {
		if (sdev->netdev == netdev && ib_device_try_get(&sdev->ibdev)) {
			found = sdev;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static void srnic_port_update(struct srnic_dev *sdev,
			      struct net_device *netdev)
{
	bool active = netif_running(netdev) && netif_carrier_ok(netdev);

	if (active == sdev->port_active)
		return;
	sdev->port_active = active;
	srnic_dev_port_event(sdev, active ? IB_EVENT_PORT_ACTIVE :
					    IB_EVENT_PORT_ERR);
}

/* Runs under RTNL, which also serialises sdev->port_active. */
static int srnic_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *arg)
{
	struct net_device *netdev = netdev_notifier_info_to_dev(arg);
	struct srnic_dev *sdev;

	sdev = srnic_dev_get_by_netdev(netdev);
	if (!sdev)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		srnic_port_update(sdev, netdev);
		break;
	case NETDEV_CHANGEMTU:
		WRITE_ONCE(sdev->mtu, READ_ONCE(netdev->mtu));
		break;
	case NETDEV_UNREGISTER:
		ib_unregister_device_queued(&sdev->ibdev);
		break;
	default:
		break;
	}
	ib_device_put(&sdev->ibdev);
	return NOTIFY_DONE;
}

static struct notifier_block srnic_netdev_nb = {
	.notifier_call = srnic_netdev_event,
};

/*
 * siw's netdev notifier casts every RDMA_DRIVER_SIW device to its own
 * structure: while a device of ours has that identity, siw must not load.
 */
static int srnic_module_event(struct notifier_block *nb, unsigned long action,
			      void *data)
{
	struct module *mod = data;
	unsigned int n;

	if (action != MODULE_STATE_COMING || strcmp(mod->name, "siw"))
		return NOTIFY_DONE;

	mutex_lock(&srnic_devs_lock);
	n = srnic_count_siw_identity();
	mutex_unlock(&srnic_devs_lock);
	if (!n)
		return NOTIFY_DONE;
	pr_err("refusing to let siw load: %u srnic device(s) have the siw identity (delete them, or load srnic with identity=srnic)\n",
	       n);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block srnic_module_nb = {
	.notifier_call = srnic_module_event,
};

static void srnic_unregister_all(void)
{
	struct srnic_dev *sdev;

	for (;;) {
		sdev = NULL;
		mutex_lock(&srnic_devs_lock);
		list_for_each_entry(sdev, &srnic_devs, list)
			if (ib_device_try_get(&sdev->ibdev))
				break;
		if (list_entry_is_head(sdev, &srnic_devs, list))
			sdev = NULL;
		mutex_unlock(&srnic_devs_lock);
		if (!sdev)
			break;
		ib_unregister_device_and_put(&sdev->ibdev);
	}
	/* Devices already on their way out (queued unregistration). */
	wait_event(srnic_devs_gone, !atomic_read(&srnic_ndevs));
}

static int __init srnic_init(void)
{
	int rv;

	if (!strcmp(identity, "siw")) {
		srnic_identity = SRNIC_ID_SIW;
	} else if (!strcmp(identity, "srnic")) {
		srnic_identity = SRNIC_ID_SRNIC;
	} else {
		pr_err("identity=%s: must be siw or srnic\n", identity);
		return -EINVAL;
	}

	srnic_wq = alloc_workqueue("srnic", WQ_MEM_RECLAIM, 0);
	if (!srnic_wq)
		return -ENOMEM;
	rv = register_module_notifier(&srnic_module_nb);
	if (rv)
		goto err_wq;
	rv = register_netdevice_notifier(&srnic_netdev_nb);
	if (rv)
		goto err_module_nb;
	rdma_link_register(&srnic_link_ops);
	return 0;

err_module_nb:
	unregister_module_notifier(&srnic_module_nb);
err_wq:
	destroy_workqueue(srnic_wq);
	return rv;
}

static void __exit srnic_exit(void)
{
	/* No new devices, then none left. */
	rdma_link_unregister(&srnic_link_ops);
	srnic_unregister_all();
	unregister_netdevice_notifier(&srnic_netdev_nb);
	unregister_module_notifier(&srnic_module_nb);
	/* Every QP is gone, and each cancelled its work when destroyed. */
	destroy_workqueue(srnic_wq);
}

module_init(srnic_init);
module_exit(srnic_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Software iWARP RNIC with the RFC 5042 protection model");
MODULE_AUTHOR("sanguard developers");
MODULE_ALIAS_RDMA_LINK("srnic");
