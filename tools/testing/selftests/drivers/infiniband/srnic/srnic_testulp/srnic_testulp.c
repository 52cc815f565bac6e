// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only kernel RDMA consumer (ULP). It lets the selftests create, on
 * a device of their choice, the objects an in-kernel ULP would (PD, CQ, RC
 * QP), so that what srnic does for kernel consumers can be seen from user
 * space: CQ admission as kernel consumers get it, "rdma resource" listing
 * kernel objects, and a CQ overflow isolated to the QPs on that CQ.
 *
 * /sys/kernel/debug/srnic_testulp/ctl
 *   write "make NAME DEV CQE SQ RQ"  a PD, a CQ of CQE entries and an RC QP
 *                                    with SQ send and RQ receive WRs on
 *                                    it, moved to RTS; the write fails
 *                                    with the error create_qp returned
 *   write "flush NAME N"             move NAME's QP to ERR and post N
 *                                    receive WRs, each of which completes
 *                                    at once with a flush status
 *   write "poll NAME"                reap NAME's CQ
 *   write "free NAME"                destroy NAME's objects
 *   read                             one line per set: its device, QP
 *                                    state, CQ and QP events seen and
 *                                    completions reaped
 *
 * Objects on a device that goes away are destroyed first (ib_client
 * remove), like any ULP does. Never load this on a real system.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <rdma/ib_verbs.h>

#define TU_NAME_LEN	16
#define TU_BUF_LEN	64

/**
 * struct tu_set - the objects of one "make"
 * @node: entry in tu_sets
 * @name: the name given to "make"
 * @dev: the device
 * @pd: its PD
 * @cq: its CQ
 * @qp: its QP
 * @buf: receive buffer of every posted WR
 * @posted: receive WRs posted so far, the next wr_id
 * @polled: completions reaped
 * @cq_err: IB_EVENT_CQ_ERR seen
 * @qp_fatal: IB_EVENT_QP_FATAL seen
 */
struct tu_set {
	struct list_head node;
	char name[TU_NAME_LEN];
	struct ib_device *dev;
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	void *buf;
	u64 posted;
	u64 polled;
	atomic_t cq_err;
	atomic_t qp_fatal;
};

/* tu_lock protects tu_sets and every set on it. Taken by the debugfs
 * handlers and the client's remove callback; never from an event handler.
 */
static DEFINE_MUTEX(tu_lock);
static LIST_HEAD(tu_sets);
static struct dentry *tu_dir;

static void tu_cq_event(struct ib_event *ev, void *ctx)
{
	struct tu_set *s = ctx;

	if (ev->event == IB_EVENT_CQ_ERR)
		atomic_inc(&s->cq_err);
}

static void tu_qp_event(struct ib_event *ev, void *ctx)
{
	struct tu_set *s = ctx;

	if (ev->event == IB_EVENT_QP_FATAL)
		atomic_inc(&s->qp_fatal);
}

static struct tu_set *tu_find(const char *name)
{
	struct tu_set *s;

	list_for_each_entry(s, &tu_sets, node)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static int tu_free(struct tu_set *s)
{
	list_del(&s->node);
	if (!IS_ERR_OR_NULL(s->qp))
		ib_destroy_qp(s->qp);
	if (!IS_ERR_OR_NULL(s->cq))
		ib_destroy_cq(s->cq);
	if (!IS_ERR_OR_NULL(s->pd))
		ib_dealloc_pd(s->pd);
	if (s->dev)
		ib_device_put(s->dev);
	kfree(s->buf);
	kfree(s);
	return 0;
}

static int tu_modify(struct ib_qp *qp, enum ib_qp_state state)
{
	struct ib_qp_attr attr = { .qp_state = state };

	return ib_modify_qp(qp, &attr, IB_QP_STATE);
}

static int tu_make(const char *name, const char *devname, u32 cqe, u32 sq,
		   u32 rq)
{
	struct ib_cq_init_attr cq_attr = { .cqe = cqe };
	struct ib_qp_init_attr qp_attr = {
		.event_handler = tu_qp_event,
		.qp_type = IB_QPT_RC,
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.cap = {
			.max_send_wr = sq,
			.max_recv_wr = rq,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
	};
	struct tu_set *s;
	int rv;

	if (strlen(name) >= TU_NAME_LEN || tu_find(name))
		return -EEXIST;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	INIT_LIST_HEAD(&s->node);
	list_add_tail(&s->node, &tu_sets);
	strscpy(s->name, name, sizeof(s->name));
	s->buf = kzalloc(TU_BUF_LEN, GFP_KERNEL);
	if (!s->buf) {
		rv = -ENOMEM;
		goto err;
	}
	s->dev = ib_device_get_by_name(devname, RDMA_DRIVER_UNKNOWN);
	if (!s->dev) {
		rv = -ENODEV;
		goto err;
	}
	s->pd = ib_alloc_pd(s->dev, 0);
	if (IS_ERR(s->pd)) {
		rv = PTR_ERR(s->pd);
		goto err;
	}
	s->cq = ib_create_cq(s->dev, NULL, tu_cq_event, s, &cq_attr);
	if (IS_ERR(s->cq)) {
		rv = PTR_ERR(s->cq);
		goto err;
	}
	qp_attr.qp_context = s;
	qp_attr.send_cq = s->cq;
	qp_attr.recv_cq = s->cq;
	s->qp = ib_create_qp(s->pd, &qp_attr);
	if (IS_ERR(s->qp)) {
		rv = PTR_ERR(s->qp);
		goto err;
	}
	rv = tu_modify(s->qp, IB_QPS_INIT);
	if (!rv)
		rv = tu_modify(s->qp, IB_QPS_RTR);
	if (!rv)
		rv = tu_modify(s->qp, IB_QPS_RTS);
	if (rv)
		goto err;
	return 0;
err:
	tu_free(s);
	return rv;
}

static int tu_flush(struct tu_set *s, u32 n)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)s->buf,
		.length = TU_BUF_LEN,
		.lkey = s->pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = { .sg_list = &sge, .num_sge = 1 };
	int rv;

	rv = tu_modify(s->qp, IB_QPS_ERR);
	while (!rv && n--) {
		wr.wr_id = s->posted++;
		rv = ib_post_recv(s->qp, &wr, NULL);
	}
	return rv;
}

/* Reap the CQ; a CQ in error hands out what it holds, then -EIO. */
static int tu_poll(struct tu_set *s)
{
	struct ib_wc wc[8];
	int n;

	while ((n = ib_poll_cq(s->cq, ARRAY_SIZE(wc), wc)) > 0)
		s->polled += n;
	return n;
}

static const char *tu_state(struct ib_qp *qp)
{
	static const char * const names[] = {
		[IB_QPS_RESET] = "RESET", [IB_QPS_INIT] = "INIT",
		[IB_QPS_RTR] = "RTR", [IB_QPS_RTS] = "RTS",
		[IB_QPS_SQD] = "SQD", [IB_QPS_SQE] = "SQE",
		[IB_QPS_ERR] = "ERR",
	};
	struct ib_qp_init_attr init;
	struct ib_qp_attr attr;

	if (ib_query_qp(qp, &attr, IB_QP_STATE, &init))
		return "unknown";
	if (attr.qp_state >= ARRAY_SIZE(names) || !names[attr.qp_state])
		return "unknown";
	return names[attr.qp_state];
}

static int tu_show(struct seq_file *m, void *v)
{
	struct tu_set *s;

	mutex_lock(&tu_lock);
	list_for_each_entry(s, &tu_sets, node)
		seq_printf(m, "%s dev %s qp %u state %s cq_err %d qp_fatal %d polled %llu\n",
			   s->name, dev_name(&s->dev->dev), s->qp->qp_num,
			   tu_state(s->qp), atomic_read(&s->cq_err),
			   atomic_read(&s->qp_fatal), s->polled);
	mutex_unlock(&tu_lock);
	return 0;
}

static int tu_open(struct inode *inode, struct file *file)
{
	return single_open(file, tu_show, NULL);
}

static ssize_t tu_write(struct file *file, const char __user *ubuf,
			size_t len, loff_t *ppos)
{
	char cmd[16], name[TU_NAME_LEN], dev[IB_DEVICE_NAME_MAX];
	struct tu_set *s;
	u32 a, b, c;
	char *buf;
	int rv;

	buf = memdup_user_nul(ubuf, min_t(size_t, len, 127));
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&tu_lock);
	if (sscanf(buf, "make %15s %63s %u %u %u", name, dev, &a, &b, &c) == 5) {
		rv = tu_make(name, dev, a, b, c);
	} else if (sscanf(buf, "%15s %15s", cmd, name) == 2) {
		s = tu_find(name);
		if (!s)
			rv = -ENOENT;
		else if (!strcmp(cmd, "flush") &&
			 sscanf(buf, "flush %*s %u", &a) == 1)
			rv = tu_flush(s, a);
		else if (!strcmp(cmd, "poll"))
			rv = tu_poll(s);
		else if (!strcmp(cmd, "free"))
			rv = tu_free(s);
		else
			rv = -EINVAL;
	} else {
		rv = -EINVAL;
	}
	mutex_unlock(&tu_lock);
	kfree(buf);
	return rv ? rv : len;
}

static const struct file_operations tu_fops = {
	.owner = THIS_MODULE,
	.open = tu_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = tu_write,
};

static int tu_add(struct ib_device *dev)
{
	return 0;
}

/* A ULP lets go of a device that goes away: destroy what is on it. */
static void tu_remove(struct ib_device *dev, void *client_data)
{
	struct tu_set *s, *tmp;

	mutex_lock(&tu_lock);
	list_for_each_entry_safe(s, tmp, &tu_sets, node)
		if (s->dev == dev)
			tu_free(s);
	mutex_unlock(&tu_lock);
}

static struct ib_client tu_client = {
	.name = "srnic_testulp",
	.add = tu_add,
	.remove = tu_remove,
};

static int __init tu_init(void)
{
	int rv;

	rv = ib_register_client(&tu_client);
	if (rv)
		return rv;
	tu_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, tu_dir, NULL, &tu_fops);
	return 0;
}

static void __exit tu_exit(void)
{
	struct tu_set *s, *tmp;

	debugfs_remove_recursive(tu_dir);
	mutex_lock(&tu_lock);
	list_for_each_entry_safe(s, tmp, &tu_sets, node)
		tu_free(s);
	mutex_unlock(&tu_lock);
	ib_unregister_client(&tu_client);
}

module_init(tu_init);
module_exit(tu_exit);
MODULE_DESCRIPTION("sanguard test-only kernel RDMA consumer");
MODULE_LICENSE("GPL");
