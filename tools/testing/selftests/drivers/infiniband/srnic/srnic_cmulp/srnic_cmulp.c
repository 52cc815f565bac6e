// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only kernel RDMA consumer of the in-kernel rdma_cm, for the
 * connection manager selftest (srnic_cm.sh). Each command runs in the
 * network namespace of the process that writes it, so a test drives both
 * ends of a connection from two namespaces.
 *
 * /sys/kernel/debug/srnic_cmulp/ctl
 *   write "listen NAME ADDR PORT MODE PDATA"
 *	listen; each CONNECT_REQUEST becomes connection NAME.N. MODE is
 *	"accept" (QP, four receives posted, a fast-registered MR for RDMA
 *	Write, accepted with "PDATA|rkey|addr"), "reject" (rejected with
 *	PDATA) or "hold" (left unanswered). PDATA "-" means none.
 *   write "connect NAME ADDR PORT PDATA"   connect with PDATA ("-": none)
 *   write "send NAME TEXT"     a signaled Send of TEXT
 *   write "write NAME TEXT"    a signaled RDMA Write of TEXT into the
 *				peer's MR (named by its accept's private data)
 *   write "disconnect NAME"    rdma_disconnect
 *   write "free NAME"          destroy the id, then the QP and the rest
 *   read   one line per connection: its events in order, the status of
 *	the last error event, the peer's private data, what was received
 *	and what the peer wrote into the MR
 *
 * Never load this on a real system.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/inet.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <rdma/ib_cm.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>

#define CU_NAME_LEN	32
#define CU_TEXT		64	/* bytes of private data and messages */
#define CU_BUF		(2 * CU_TEXT)	/* receive half, MR half */
#define CU_RECVS	4

enum cu_mode { CU_ACCEPT, CU_REJECT, CU_HOLD };

/**
 * struct cu_conn - one rdma_cm id and what hangs on it
 * @node: entry in cu_conns
 * @name: the name given, or LISTENER.N for a request
 * @mode: a listener's answer to requests
 * @children: a listener's requests so far
 * @pdata: private data to send
 * @id: the rdma_cm id
 * @pd: protection domain
 * @cq: completion queue (polled from a workqueue)
 * @qp: the RC QP
 * @mr: the fast-registration MR over the MR half of @buf
 * @buf: receive half, then MR half
 * @dev: the device @buf is mapped for
 * @dma: @buf's DMA address
 * @sg: @buf's MR half, for ib_map_mr_sg()
 * @cqe: completion of every WR
 * @events: rdma_cm events, in order
 * @status: status of the last event with an error
 * @peer_pd: the peer's private data, as text
 * @rkey: the peer's MR, from its accept's private data
 * @raddr: as above
 * @recvs: Sends received
 * @rx: the last of them
 * @wc_ok: successful send-side completions
 * @wc_err: completions with an error status
 * @mr_ok: the MR is registered
 */
struct cu_conn {
	struct list_head node;
	char name[CU_NAME_LEN];
	enum cu_mode mode;
	int children;
	char pdata[CU_TEXT];
	struct rdma_cm_id *id;
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_mr *mr;
	u8 *buf;
	struct ib_device *dev;
	u64 dma;
	struct scatterlist sg;
	struct ib_cqe cqe;
	char events[256];
	int status;
	char peer_pd[CU_TEXT + 1];
	u32 rkey;
	u64 raddr;
	int recvs;
	char rx[CU_TEXT + 1];
	int wc_ok;
	int wc_err;
	bool mr_ok;
};

/* cu_lock protects cu_conns; never held across an rdma_cm call. */
static DEFINE_MUTEX(cu_lock);
static LIST_HEAD(cu_conns);
static struct dentry *cu_dir;

static struct cu_conn *cu_find(const char *name)
{
	struct cu_conn *c;

	list_for_each_entry(c, &cu_conns, node)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static struct cu_conn *cu_new(const char *name)
{
	struct cu_conn *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	strscpy(c->name, name, sizeof(c->name));
	mutex_lock(&cu_lock);
	list_add_tail(&c->node, &cu_conns);
	mutex_unlock(&cu_lock);
	return c;
}

static void cu_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct cu_conn *c = cq->cq_context;

	if (wc->status != IB_WC_SUCCESS) {
		c->wc_err++;
		return;
	}
	switch (wc->opcode) {
	case IB_WC_RECV:
		memcpy(c->rx, c->buf, min_t(u32, wc->byte_len, CU_TEXT));
		c->rx[min_t(u32, wc->byte_len, CU_TEXT)] = 0;
		c->recvs++;
		break;
	case IB_WC_REG_MR:
		c->mr_ok = true;
		break;
	default:
		c->wc_ok++;
		break;
	}
}

static int cu_post_recv(struct cu_conn *c)
{
	struct ib_sge sge = {
		.addr = c->dma, .length = CU_TEXT, .lkey = c->pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = { .wr_cqe = &c->cqe, .sg_list = &sge,
				 .num_sge = 1 };

	return ib_post_recv(c->qp, &wr, NULL);
}

/* PD, CQ, QP and the MR on the id's device. */
static int cu_resources(struct cu_conn *c)
{
	struct ib_qp_init_attr qa = {
		.qp_type = IB_QPT_RC,
		.sq_sig_type = IB_SIGNAL_REQ_WR,
		.cap = { .max_send_wr = 8, .max_recv_wr = CU_RECVS,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ib_device *dev = c->id->device;
	int rv, i;

	c->cqe.done = cu_done;
	c->buf = kzalloc(CU_BUF, GFP_KERNEL);
	if (!c->buf)
		return -ENOMEM;
	c->dma = ib_dma_map_single(dev, c->buf, CU_BUF, DMA_BIDIRECTIONAL);
	c->dev = dev;
	c->pd = ib_alloc_pd(dev, 0);
	if (IS_ERR(c->pd))
		return PTR_ERR(c->pd);
	c->cq = ib_alloc_cq(dev, c, 16, 0, IB_POLL_WORKQUEUE);
	if (IS_ERR(c->cq))
		return PTR_ERR(c->cq);
	qa.send_cq = c->cq;
	qa.recv_cq = c->cq;
	rv = rdma_create_qp(c->id, c->pd, &qa);
	if (rv)
		return rv;
	c->qp = c->id->qp;
	c->mr = ib_alloc_mr(c->pd, IB_MR_TYPE_MEM_REG, 1);
	if (IS_ERR(c->mr))
		return PTR_ERR(c->mr);
	sg_init_table(&c->sg, 1);
	sg_dma_address(&c->sg) = c->dma + CU_TEXT;
	sg_dma_len(&c->sg) = CU_TEXT;
	if (ib_map_mr_sg(c->mr, &c->sg, 1, NULL, PAGE_SIZE) != 1)
		return -EINVAL;
	for (i = 0; i < CU_RECVS && !rv; i++)
		rv = cu_post_recv(c);
	return rv;
}

static int cu_reg_mr(struct cu_conn *c)
{
	struct ib_reg_wr wr = {
		.wr = { .wr_cqe = &c->cqe, .opcode = IB_WR_REG_MR,
			.send_flags = IB_SEND_SIGNALED },
		.mr = c->mr,
		.key = c->mr->rkey,
		.access = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE,
	};

	return ib_post_send(c->qp, &wr.wr, NULL);
}

/* One word per event, so that the test reads them as fields. */
static const char *cu_ev_name(enum rdma_cm_event_type e)
{
	static const char * const names[] = {
		[RDMA_CM_EVENT_ADDR_RESOLVED] = "ADDR_RESOLVED",
		[RDMA_CM_EVENT_ADDR_ERROR] = "ADDR_ERROR",
		[RDMA_CM_EVENT_ROUTE_RESOLVED] = "ROUTE_RESOLVED",
		[RDMA_CM_EVENT_ROUTE_ERROR] = "ROUTE_ERROR",
		[RDMA_CM_EVENT_CONNECT_REQUEST] = "CONNECT_REQUEST",
		[RDMA_CM_EVENT_CONNECT_RESPONSE] = "CONNECT_RESPONSE",
		[RDMA_CM_EVENT_CONNECT_ERROR] = "CONNECT_ERROR",
		[RDMA_CM_EVENT_UNREACHABLE] = "UNREACHABLE",
		[RDMA_CM_EVENT_REJECTED] = "REJECTED",
		[RDMA_CM_EVENT_ESTABLISHED] = "ESTABLISHED",
		[RDMA_CM_EVENT_DISCONNECTED] = "DISCONNECTED",
		[RDMA_CM_EVENT_DEVICE_REMOVAL] = "DEVICE_REMOVAL",
		[RDMA_CM_EVENT_TIMEWAIT_EXIT] = "TIMEWAIT_EXIT",
	};

	if ((unsigned int)e < ARRAY_SIZE(names) && names[e])
		return names[e];
	return "OTHER";
}

static void cu_event_name(struct cu_conn *c, const char *what)
{
	size_t n = strlen(c->events);

	snprintf(c->events + n, sizeof(c->events) - n, "%s%s", n ? "," : "",
		 what);
}

static void cu_take_pdata(struct cu_conn *c, const struct rdma_cm_event *ev)
{
	u8 len = min_t(u8, ev->param.conn.private_data_len, CU_TEXT);
	char *bar;

	/* A passive ESTABLISHED carries none: keep the request's. */
	if (!ev->param.conn.private_data || !len)
		return;
	memcpy(c->peer_pd, ev->param.conn.private_data, len);
	c->peer_pd[len] = 0;
	bar = strchr(c->peer_pd, '|');
	if (bar && sscanf(bar, "|%x|%llx", &c->rkey, &c->raddr) == 2)
		*bar = 0;
}

static int cu_request(struct cu_conn *l, struct rdma_cm_id *id,
		      const struct rdma_cm_event *ev)
{
	struct rdma_conn_param p = { .responder_resources = 1,
				     .initiator_depth = 1 };
	char name[CU_NAME_LEN], pd[CU_TEXT + 32];
	struct cu_conn *c;
	int rv;

	snprintf(name, sizeof(name), "%.16s.%d", l->name, ++l->children);
	c = cu_new(name);
	if (!c)
		return -ENOMEM;
	c->id = id;
	id->context = c;
	cu_event_name(c, "CONNECT_REQUEST");
	cu_take_pdata(c, ev);
	if (l->mode == CU_HOLD)
		return 0;
	if (l->mode == CU_REJECT)
		return rdma_reject(id, l->pdata, strlen(l->pdata),
				   IB_CM_REJ_CONSUMER_DEFINED);
	rv = cu_resources(c);
	if (rv)
		return rv;
	snprintf(pd, sizeof(pd), "%.40s|%x|%llx", l->pdata, c->mr->rkey,
		 c->mr->iova);
	p.private_data = pd;
	p.private_data_len = strlen(pd);
	return rdma_accept(id, &p);
}

static int cu_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev)
{
	struct rdma_conn_param p = { .responder_resources = 1,
				     .initiator_depth = 1 };
	struct cu_conn *c = id->context;
	int rv = 0;

	if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST) {
		rv = cu_request(c, id, ev);
		/* rdma_cm destroys the id of a failed request. */
		if (rv && id->context != c)
			((struct cu_conn *)id->context)->id = NULL;
		return rv;
	}
	cu_event_name(c, cu_ev_name(ev->event));
	if (ev->status)
		c->status = ev->status;
	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
		rv = rdma_resolve_route(id, 2000);
		break;
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
		rv = cu_resources(c);
		if (rv)
			break;
		p.private_data = c->pdata;
		p.private_data_len = strlen(c->pdata);
		rv = rdma_connect_locked(id, &p);
		break;
	case RDMA_CM_EVENT_ESTABLISHED:
		cu_take_pdata(c, ev);
		rv = cu_reg_mr(c);
		break;
	case RDMA_CM_EVENT_REJECTED:
		cu_take_pdata(c, ev);
		break;
	default:
		break;
	}
	if (rv && !c->status)
		c->status = rv;
	/* Errors are reported, never returned: the test frees the id. */
	return 0;
}

static void cu_free(struct cu_conn *c)
{
	if (c->id && !IS_ERR(c->id))
		rdma_destroy_id(c->id);
	if (c->qp)
		ib_destroy_qp(c->qp);
	if (!IS_ERR_OR_NULL(c->mr))
		ib_dereg_mr(c->mr);
	if (!IS_ERR_OR_NULL(c->cq))
		ib_free_cq(c->cq);
	if (c->dev)
		ib_dma_unmap_single(c->dev, c->dma, CU_BUF, DMA_BIDIRECTIONAL);
	if (!IS_ERR_OR_NULL(c->pd))
		ib_dealloc_pd(c->pd);
	kfree(c->buf);
	kfree(c);
}

static int cu_addr(const char *a, const char *port, struct sockaddr_storage *ss)
{
	u16 p;

	if (kstrtou16(port, 10, &p))
		return -EINVAL;
	return inet_pton_with_scope(current->nsproxy->net_ns, AF_UNSPEC, a,
				    port, ss);
}

static int cu_start(bool listen, const char *name, const char *a,
		    const char *port, const char *mode, const char *pdata)
{
	struct sockaddr_storage ss;
	struct cu_conn *c;
	int rv;

	rv = cu_addr(a, port, &ss);
	if (rv)
		return rv;
	mutex_lock(&cu_lock);
	c = cu_find(name);
	mutex_unlock(&cu_lock);
	if (c || strlen(name) > 16)
		return -EEXIST;
	c = cu_new(name);
	if (!c)
		return -ENOMEM;
	if (strcmp(pdata, "-"))
		strscpy(c->pdata, pdata, sizeof(c->pdata));
	c->mode = !strcmp(mode, "reject") ? CU_REJECT :
		  !strcmp(mode, "hold") ? CU_HOLD : CU_ACCEPT;
	c->id = rdma_create_id(current->nsproxy->net_ns, cu_handler, c,
			       RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(c->id))
		return PTR_ERR(c->id);
	if (listen) {
		rv = rdma_bind_addr(c->id, (struct sockaddr *)&ss);
		if (!rv)
			rv = rdma_listen(c->id, 8);
	} else {
		rv = rdma_resolve_addr(c->id, NULL, (struct sockaddr *)&ss,
				       2000);
	}
	return rv;
}

static int cu_post(struct cu_conn *c, bool write, const char *text)
{
	struct ib_sge sge = {
		.addr = c->dma + CU_TEXT, .length = strlen(text),
		.lkey = c->pd->local_dma_lkey,
	};
	struct ib_rdma_wr wr = {
		.wr = { .wr_cqe = &c->cqe, .sg_list = &sge, .num_sge = 1,
			.opcode = write ? IB_WR_RDMA_WRITE : IB_WR_SEND,
			.send_flags = IB_SEND_SIGNALED },
		.remote_addr = c->raddr,
		.rkey = c->rkey,
	};

	if (!c->qp)
		return -ENOTCONN;
	if (write && !c->rkey)
		return -EINVAL;
	memset(c->buf + CU_TEXT, 0, CU_TEXT);
	strscpy(c->buf + CU_TEXT, text, CU_TEXT);
	return ib_post_send(c->qp, &wr.wr, NULL);
}

static int cu_show(struct seq_file *m, void *v)
{
	struct cu_conn *c;

	mutex_lock(&cu_lock);
	list_for_each_entry(c, &cu_conns, node)
		seq_printf(m, "%s events %s status %d peer_pd \"%s\" recvs %d rx \"%s\" mr \"%.*s\" wc_ok %d wc_err %d mr_ok %d\n",
			   c->name, c->events[0] ? c->events : "-", c->status,
			   c->peer_pd, c->recvs, c->rx, c->buf ? CU_TEXT : 0,
			   c->buf ? (char *)c->buf + CU_TEXT : "",
			   c->wc_ok, c->wc_err, c->mr_ok);
	mutex_unlock(&cu_lock);
	return 0;
}

static int cu_open(struct inode *inode, struct file *file)
{
	return single_open(file, cu_show, NULL);
}

static int cu_cmd(char *buf)
{
	char cmd[16], name[CU_NAME_LEN], a[64], port[8], mode[8], text[CU_TEXT];
	struct cu_conn *c;

	if (sscanf(buf, "listen %31s %63s %7s %7s %63s", name, a, port, mode,
		   text) == 5)
		return cu_start(true, name, a, port, mode, text);
	if (sscanf(buf, "connect %31s %63s %7s %63s", name, a, port, text) == 4)
		return cu_start(false, name, a, port, "-", text);
	if (sscanf(buf, "%15s %31s", cmd, name) != 2)
		return -EINVAL;
	mutex_lock(&cu_lock);
	c = cu_find(name);
	if (c && !strcmp(cmd, "free"))
		list_del(&c->node);
	mutex_unlock(&cu_lock);
	if (!c)
		return -ENOENT;
	if (!strcmp(cmd, "free")) {
		cu_free(c);
		return 0;
	}
	if (!strcmp(cmd, "disconnect"))
		return c->id ? rdma_disconnect(c->id) : -ENOTCONN;
	if (sscanf(buf, "%*s %*s %63s", text) != 1)
		return -EINVAL;
	if (!strcmp(cmd, "send"))
		return cu_post(c, false, text);
	if (!strcmp(cmd, "write"))
		return cu_post(c, true, text);
	return -EINVAL;
}

/* Commands are not serialised against each other: the test runs one at a time. */
static ssize_t cu_write(struct file *file, const char __user *ubuf,
			size_t len, loff_t *ppos)
{
	char *buf;
	int rv;

	buf = memdup_user_nul(ubuf, min_t(size_t, len, 255));
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	rv = cu_cmd(buf);
	kfree(buf);
	return rv ? rv : len;
}

static const struct file_operations cu_fops = {
	.owner = THIS_MODULE,
	.open = cu_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = cu_write,
};

static int __init cu_init(void)
{
	cu_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0600, cu_dir, NULL, &cu_fops);
	return 0;
}

static void __exit cu_exit(void)
{
	struct cu_conn *c;

	debugfs_remove_recursive(cu_dir);
	for (;;) {
		mutex_lock(&cu_lock);
		c = list_first_entry_or_null(&cu_conns, struct cu_conn, node);
		if (c)
			list_del(&c->node);
		mutex_unlock(&cu_lock);
		if (!c)
			break;
		cu_free(c);
	}
}

module_init(cu_init);
module_exit(cu_exit);
MODULE_DESCRIPTION("sanguard test-only rdma_cm consumer for srnic's connection manager");
MODULE_LICENSE("GPL");
