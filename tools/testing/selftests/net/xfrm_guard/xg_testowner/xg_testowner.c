// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only xfrm_guard owner. Until iscsi_xfrm and srnic use the guard,
 * the selftests drive its in-kernel API through this module: one kernel TCP
 * connection at a time, made in the namespace of the process that writes
 * the command, attached as an iSCSI connection.
 *
 * /sys/kernel/debug/xg_testowner/ctl
 *   write "connect ADDR PORT"  connect (IPv4 or IPv6) and attach; the write
 *                              fails with EACCES if the guard refuses
 *   write "send N"             send N bytes of the pattern (byte i of the
 *                              stream is i % 251) if xfrm_guard_tx_ok()
 *                              allows it, else fail with EAGAIN ("held")
 *   write "send-force N"       send N bytes without asking the guard, as an
 *                              owner with data already queued would: the
 *                              guard's per-segment check must hold it back
 *   write "bench N"            time N calls of xfrm_guard_tx_ok() and N
 *                              calls of a no-op function, side by side
 *   write "connect-many ADDR PORT N"
 *                              connect N more connections to ADDR PORT and
 *                              attach each (for benchmarks: many guarded
 *                              connections besides the one above)
 *   write "close-many"         detach and close those
 *   write "hookbench N"        time N passes of an unguarded TCP segment
 *                              (IPv4, ports 9 to 9) through the netfilter
 *                              hooks of the writer's namespace, out
 *                              (LOCAL_OUT and POST_ROUTING) and in
 *                              (LOCAL_IN), and N no-op calls, side by side
 *   write "owner-refuse [REASON]"
 *                              report that the owner refused the
 *                              connection, with the rest of the line (maybe
 *                              empty, overlong or odd) as the reason
 *   write "close"              detach and close
 *   read                       the connection's state, verdict and counters;
 *                              after a refused connect, its verdict and
 *                              local port
 *
 * Never load this on a real system.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/netfilter.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/xfrm_guard.h>

#define XGT_CHUNK	4096
/* Room for the IPv4 and TCP headers the hook benchmark pushes, and more. */
#define XGT_HEADROOM	(MAX_HEADER + 128)

static struct {
	struct mutex lock; /* protects everything below */
	struct socket *sock;
	struct xfrm_guard_conn *conn;
	const char *state;
	struct xfrm_guard_status refused;
	u16 refused_lport;
	u64 sent;
	u64 held;
	atomic64_t lost_cb;
	atomic64_t restored_cb;
	u64 bench_calls;
	u64 bench_tx_ok_ns;
	u64 bench_noop_ns;
	struct socket **many_sock;
	struct xfrm_guard_conn **many_conn;
	unsigned int many;
	u64 hook_calls;
	u64 hook_out_ns;
	u64 hook_in_ns;
	u64 hook_noop_ns;
	unsigned int hook_entries;
} xgt = {
	.lock = __MUTEX_INITIALIZER(xgt.lock),
	.state = "none",
};

static struct dentry *xgt_dir;

static void xgt_lost(void *priv, enum xfrm_guard_reason reason)
{
	atomic64_inc(&xgt.lost_cb);
}

static void xgt_restored(void *priv)
{
	atomic64_inc(&xgt.restored_cb);
}

static const struct xfrm_guard_owner_ops xgt_ops = {
	.protection_lost = xgt_lost,
	.protection_restored = xgt_restored,
};

/* Context: xgt.lock held. */
static void xgt_close(void)
{
	if (xgt.conn)
		xfrm_guard_detach(xgt.conn);
	xgt.conn = NULL;
	if (xgt.sock)
		sock_release(xgt.sock);
	xgt.sock = NULL;
}

/* The baseline: a call the compiler cannot inline or drop. */
static noinline bool xgt_noop(struct xfrm_guard_conn *conn)
{
	barrier();
	return !!conn;
}

/*
 * The cost of the transmit check against a no-op call, measured the same
 * way in the same run: interleaved rounds, so frequency changes and other
 * load hit both alike.
 */
static int xgt_bench(u64 n)
{
	u64 t_ok = 0, t_noop = 0, i, round;
	unsigned int ok = 0;
	ktime_t t0;

	if (!xgt.conn)
		return -ENOTCONN;
	if (!n || n > 100000000)
		return -EINVAL;
	for (round = 0; round < 10; round++) {
		t0 = ktime_get();
		for (i = 0; i < n / 10; i++)
			ok += xfrm_guard_tx_ok(READ_ONCE(xgt.conn));
		t_ok += ktime_to_ns(ktime_sub(ktime_get(), t0));
		t0 = ktime_get();
		for (i = 0; i < n / 10; i++)
			ok += xgt_noop(READ_ONCE(xgt.conn));
		t_noop += ktime_to_ns(ktime_sub(ktime_get(), t0));
		cond_resched();
	}
	xgt.bench_calls = n / 10 * 10;
	xgt.bench_tx_ok_ns = t_ok;
	xgt.bench_noop_ns = t_noop;
	return ok ? 0 : -EIO;
}

/* Context: xgt.lock held. */
static void xgt_close_many(void)
{
	unsigned int i;

	for (i = 0; i < xgt.many; i++) {
		xfrm_guard_detach(xgt.many_conn[i]);
		sock_release(xgt.many_sock[i]);
	}
	kvfree(xgt.many_conn);
	kvfree(xgt.many_sock);
	xgt.many_conn = NULL;
	xgt.many_sock = NULL;
	xgt.many = 0;
}

static int xgt_close_many_cmd(void)
{
	xgt_close_many();
	return 0;
}

static int xgt_sockaddr(const char *addr, u16 port,
			struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (in4_pton(addr, -1, (u8 *)&sin->sin_addr, -1, NULL)) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (in6_pton(addr, -1, (u8 *)&sin6->sin6_addr, -1, NULL)) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	return -EINVAL;
}

static int xgt_connect_many(const char *addr, u16 port, unsigned int n)
{
	struct net *net = current->nsproxy->net_ns;
	struct sockaddr_storage ss;
	struct xfrm_guard_conn *conn;
	struct socket *sock;
	int len, err = 0;

	len = xgt_sockaddr(addr, port, &ss);
	if (len < 0)
		return len;
	if (!n || n > 10000)
		return -EINVAL;
	xgt_close_many();
	xgt.many_sock = kvcalloc(n, sizeof(*xgt.many_sock), GFP_KERNEL);
	xgt.many_conn = kvcalloc(n, sizeof(*xgt.many_conn), GFP_KERNEL);
	if (!xgt.many_sock || !xgt.many_conn) {
		xgt_close_many();
		return -ENOMEM;
	}
	while (xgt.many < n) {
		err = sock_create_kern(net, ss.ss_family, SOCK_STREAM,
				       IPPROTO_TCP, &sock);
		if (err)
			break;
		sock->sk->sk_sndtimeo = 10 * HZ;
		err = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
		if (err) {
			sock_release(sock);
			break;
		}
		conn = xfrm_guard_attach(sock->sk, XFRM_GUARD_OWNER_ISCSI,
					 NULL, NULL, NULL);
		if (IS_ERR(conn)) {
			sock_release(sock);
			err = PTR_ERR(conn);
			break;
		}
		xgt.many_sock[xgt.many] = sock;
		xgt.many_conn[xgt.many++] = conn;
		cond_resched();
	}
	return err;
}

static int xgt_okfn(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return 0;
}

/* An IPv4 TCP segment 10.99.1.1:9 -> 10.99.1.2:9 that nobody guards. */
static struct sk_buff *xgt_segment(void)
{
	struct sk_buff *skb;
	struct tcphdr *th;
	struct iphdr *iph;

	skb = alloc_skb(XGT_HEADROOM + 64, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, XGT_HEADROOM);
	skb_put_zero(skb, 64);
	th = skb_push(skb, sizeof(*th));
	memset(th, 0, sizeof(*th));
	th->source = htons(9);
	th->dest = htons(9);
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	skb_reset_transport_header(skb);
	iph = skb_push(skb, sizeof(*iph));
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(skb->len);
	iph->saddr = htonl(0x0a630101);
	iph->daddr = htonl(0x0a630102);
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

/*
 * The hooks' own cost for a segment nobody guards, the way netfilter runs
 * them for IPv4 (nf_hook(): nothing at all where the namespace has no
 * hook), against a no-op call, in interleaved rounds as xgt_bench() does.
 * A hook that does not accept the segment has freed it: that is an error.
 */
static int xgt_hookbench(u64 n)
{
	struct net *net = current->nsproxy->net_ns;
	u64 t_out = 0, t_in = 0, t_noop = 0, i, round;
	const struct nf_hook_entries *e;
	struct sk_buff *skb;
	unsigned int ok = 0;
	ktime_t t0;

	if (!n || n > 100000000)
		return -EINVAL;
	skb = xgt_segment();
	if (!skb)
		return -ENOMEM;
	rcu_read_lock();
	e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_POST_ROUTING]);
	xgt.hook_entries = e ? e->num_hook_entries : 0;
	rcu_read_unlock();
	for (round = 0; round < 10; round++) {
		t0 = ktime_get();
		for (i = 0; i < n / 10; i++) {
			if (nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, NULL,
				    skb, NULL, NULL, xgt_okfn) != 1 ||
			    nf_hook(NFPROTO_IPV4, NF_INET_POST_ROUTING, net,
				    NULL, skb, NULL, NULL, xgt_okfn) != 1)
				return -EIO;
		}
		t_out += ktime_to_ns(ktime_sub(ktime_get(), t0));
		t0 = ktime_get();
		for (i = 0; i < n / 10; i++)
			if (nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, NULL,
				    skb, NULL, NULL, xgt_okfn) != 1)
				return -EIO;
		t_in += ktime_to_ns(ktime_sub(ktime_get(), t0));
		t0 = ktime_get();
		for (i = 0; i < n / 10; i++)
			ok += xgt_noop(READ_ONCE(xgt.conn));
		t_noop += ktime_to_ns(ktime_sub(ktime_get(), t0));
		cond_resched();
	}
	kfree_skb(skb);
	xgt.hook_calls = n / 10 * 10;
	xgt.hook_out_ns = t_out;
	xgt.hook_in_ns = t_in;
	xgt.hook_noop_ns = t_noop;
	return ok <= xgt.hook_calls ? 0 : -EIO;
}

static int xgt_owner_refuse(const char *reason)
{
	if (!xgt.conn)
		return -ENOTCONN;
	xfrm_guard_owner_refused(xgt.conn, reason);
	return 0;
}

static int xgt_close_cmd(void)
{
	xgt_close();
	xgt.state = "none";
	return 0;
}

static int xgt_connect(const char *addr, u16 port)
{
	struct net *net = current->nsproxy->net_ns;
	struct sockaddr_storage ss;
	struct xfrm_guard_conn *conn;
	struct socket *sock;
	int len, err;

	len = xgt_sockaddr(addr, port, &ss);
	if (len < 0)
		return len;

	xgt_close();
	memset(&xgt.refused, 0, sizeof(xgt.refused));
	xgt.refused_lport = 0;
	xgt.sent = 0;
	xgt.held = 0;
	atomic64_set(&xgt.lost_cb, 0);
	atomic64_set(&xgt.restored_cb, 0);

	err = sock_create_kern(net, ss.ss_family, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (err)
		return err;
	/* Bounds the blocking connect and sends. */
	sock->sk->sk_sndtimeo = 10 * HZ;
	err = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	if (err) {
		sock_release(sock);
		xgt.state = "error";
		return err;
	}
	conn = xfrm_guard_attach(sock->sk, XFRM_GUARD_OWNER_ISCSI, &xgt_ops,
				 NULL, &xgt.refused);
	if (IS_ERR(conn)) {
		xgt.refused_lport = ntohs(inet_sk(sock->sk)->inet_sport);
		sock_release(sock);
		xgt.state = PTR_ERR(conn) == -EACCES ? "refused" : "error";
		return PTR_ERR(conn);
	}
	xgt.sock = sock;
	xgt.conn = conn;
	xgt.state = "attached";
	return 0;
}

static int xgt_send(u64 n, bool force)
{
	struct kvec iov;
	struct msghdr msg = {};
	u8 *buf;
	int err = 0;

	if (!xgt.conn)
		return -ENOTCONN;
	if (!force && !xfrm_guard_tx_ok(xgt.conn)) {
		xgt.held++;
		return -EAGAIN;
	}
	buf = kmalloc(XGT_CHUNK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (n) {
		size_t chunk = min_t(u64, n, XGT_CHUNK);
		size_t i;
		int sent;

		for (i = 0; i < chunk; i++)
			buf[i] = (xgt.sent + i) % 251;
		iov.iov_base = buf;
		iov.iov_len = chunk;
		sent = kernel_sendmsg(xgt.sock, &msg, &iov, 1, chunk);
		if (sent <= 0) {
			err = sent ? sent : -EIO;
			break;
		}
		xgt.sent += sent;
		n -= sent;
	}
	kfree(buf);
	return err;
}

static ssize_t xgt_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char cmd[128], addr[64];
	unsigned long long n;
	unsigned int port, many;
	int err;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	strim(cmd);

	mutex_lock(&xgt.lock);
	/* "connect %s %u" would also match "connect-many ...": it goes first. */
	if (sscanf(cmd, "connect-many %63s %u %u", addr, &port, &many) == 3 &&
	    port <= 65535)
		err = xgt_connect_many(addr, port, many);
	else if (sscanf(cmd, "connect %63s %u", addr, &port) == 2 &&
		 port <= 65535)
		err = xgt_connect(addr, port);
	else if (sscanf(cmd, "send %llu", &n) == 1)
		err = xgt_send(n, false);
	else if (sscanf(cmd, "send-force %llu", &n) == 1)
		err = xgt_send(n, true);
	else if (sscanf(cmd, "bench %llu", &n) == 1)
		err = xgt_bench(n);
	else if (!strcmp(cmd, "close-many"))
		err = xgt_close_many_cmd();
	else if (sscanf(cmd, "hookbench %llu", &n) == 1)
		err = xgt_hookbench(n);
	else if (!strcmp(cmd, "close"))
		err = xgt_close_cmd();
	else if (!strcmp(cmd, "owner-refuse"))
		err = xgt_owner_refuse("");
	else if (str_has_prefix(cmd, "owner-refuse "))
		err = xgt_owner_refuse(cmd + strlen("owner-refuse "));
	else
		err = -EINVAL;
	mutex_unlock(&xgt.lock);
	return err ? err : len;
}

static int xgt_show(struct seq_file *m, void *v)
{
	struct xfrm_guard_status st;

	mutex_lock(&xgt.lock);
	seq_printf(m, "state: %s\n", xgt.state);
	if (xgt.conn)
		xfrm_guard_get_status(xgt.conn, &st);
	else
		st = xgt.refused;
	if (xgt.conn || !strcmp(xgt.state, "refused")) {
		seq_printf(m, "reason: %s\n", xfrm_guard_reason_name(st.reason));
		seq_printf(m, "alg: %s\n", st.alg[0] ? st.alg : "-");
		seq_printf(m, "crc: %s\n", xfrm_guard_crc_name(st.crc));
		seq_printf(m, "enforced: %d\n", st.enforced);
		seq_printf(m, "confidential: %d\n", st.confidential);
		seq_printf(m, "chap_requires_confidentiality: %d\n",
			   st.chap_requires_confidentiality);
	}
	if (!xgt.conn && !strcmp(xgt.state, "refused"))
		seq_printf(m, "local_port: %u\n", xgt.refused_lport);
	if (xgt.conn) {
		seq_printf(m, "tx_ok: %d\n", xfrm_guard_tx_ok(xgt.conn));
		seq_printf(m, "rx_dropped: %llu\n", st.rx_dropped);
		seq_printf(m, "tx_dropped: %llu\n", st.tx_dropped);
		seq_printf(m, "lost: %llu\n", st.lost);
		seq_printf(m, "restored: %llu\n", st.restored);
		seq_printf(m, "local_port: %u\n",
			   ntohs(inet_sk(xgt.sock->sk)->inet_sport));
		seq_printf(m, "tcp_state: %u\n", READ_ONCE(xgt.sock->sk->sk_state));
	}
	seq_printf(m, "sent: %llu\n", xgt.sent);
	seq_printf(m, "held: %llu\n", xgt.held);
	if (xgt.bench_calls) {
		seq_printf(m, "bench_calls: %llu\n", xgt.bench_calls);
		seq_printf(m, "bench_tx_ok_ps_per_call: %llu\n",
			   div64_u64(xgt.bench_tx_ok_ns * 1000, xgt.bench_calls));
		seq_printf(m, "bench_noop_ps_per_call: %llu\n",
			   div64_u64(xgt.bench_noop_ns * 1000, xgt.bench_calls));
	}
	seq_printf(m, "many: %u\n", xgt.many);
	if (xgt.hook_calls) {
		seq_printf(m, "hook_calls: %llu\n", xgt.hook_calls);
		seq_printf(m, "hook_entries_post_routing: %u\n", xgt.hook_entries);
		seq_printf(m, "hook_out_ps_per_segment: %llu\n",
			   div64_u64(xgt.hook_out_ns * 1000, xgt.hook_calls));
		seq_printf(m, "hook_in_ps_per_segment: %llu\n",
			   div64_u64(xgt.hook_in_ns * 1000, xgt.hook_calls));
		seq_printf(m, "hook_noop_ps_per_call: %llu\n",
			   div64_u64(xgt.hook_noop_ns * 1000, xgt.hook_calls));
	}
	seq_printf(m, "lost_cb: %lld\n", atomic64_read(&xgt.lost_cb));
	seq_printf(m, "restored_cb: %lld\n", atomic64_read(&xgt.restored_cb));
	mutex_unlock(&xgt.lock);
	return 0;
}

static int xgt_open(struct inode *inode, struct file *file)
{
	return single_open(file, xgt_show, NULL);
}

static const struct file_operations xgt_fops = {
	.owner = THIS_MODULE,
	.open = xgt_open,
	.read = seq_read,
	.write = xgt_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init xgt_init(void)
{
	xgt_dir = debugfs_create_dir("xg_testowner", NULL);
	debugfs_create_file("ctl", 0600, xgt_dir, NULL, &xgt_fops);
	return 0;
}

static void __exit xgt_exit(void)
{
	debugfs_remove_recursive(xgt_dir);
	mutex_lock(&xgt.lock);
	xgt_close_many();
	xgt_close();
	mutex_unlock(&xgt.lock);
}

module_init(xgt_init);
module_exit(xgt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sanguard test only: an xfrm_guard owner driven from debugfs");
