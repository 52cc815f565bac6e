// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the connection manager's TCP socket. Created in the network
 * namespace of the device's netdev (where rdma_cm resolved the
 * addresses), put under the xfrm guard as owner "iwarp" before the first
 * MPA byte, and read only up to the end of the peer's MPA frame: what
 * follows belongs to the data path (wire.h). The only file of srnic that
 * includes net/xfrm_guard.h's API.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cm.h"

static struct net *srnic_cep_net(struct srnic_cep *cep)
{
	return dev_net(cep->sdev->netdev);
}

/* Socket callbacks: only wake the endpoint's work. */
static void srnic_cep_sk_event(struct sock *sk)
{
	struct srnic_cep *cep;

	read_lock_bh(&sk->sk_callback_lock);
	cep = sk->sk_user_data;
	if (cep) {
		set_bit(SRNIC_CEP_F_SOCK, &cep->flags);
		srnic_cep_kick(cep);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/**
 * srnic_cep_sock_hook - have socket events run the endpoint's work
 * @cep: the endpoint, with its socket
 *
 * Context: process; the endpoint's lock held or the endpoint not yet
 * reachable.
 */
void srnic_cep_sock_hook(struct srnic_cep *cep)
{
	struct sock *sk = cep->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	cep->saved_data_ready = sk->sk_data_ready;
	cep->saved_state_change = sk->sk_state_change;
	sk->sk_user_data = cep;
	sk->sk_data_ready = srnic_cep_sk_event;
	sk->sk_state_change = srnic_cep_sk_event;
	cep->hooked = true;
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * srnic_cep_sock_unhook - give the socket its own callbacks back
 * @cep: the endpoint
 *
 * Before the data path hooks in (it saves what it finds) and before the
 * socket is released. A callback that ran before this still has its work
 * queued, with a reference.
 *
 * Context: process; the endpoint's lock held.
 */
void srnic_cep_sock_unhook(struct srnic_cep *cep)
{
	struct sock *sk;

	if (!cep->hooked)
		return;
	sk = cep->sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = cep->saved_data_ready;
	sk->sk_state_change = cep->saved_state_change;
	sk->sk_user_data = NULL;
	cep->hooked = false;
	write_unlock_bh(&sk->sk_callback_lock);
}

/**
 * srnic_cep_sock_release - close the endpoint's socket
 * @cep: the endpoint, unhooked
 *
 * Context: process; the endpoint's lock held.
 */
void srnic_cep_sock_release(struct srnic_cep *cep)
{
	if (!cep->sock)
		return;
	sock_release(cep->sock);
	cep->sock = NULL;
}

static int srnic_cep_sock_create(struct srnic_cep *cep, int family)
{
	int rv;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	rv = sock_create_kern(srnic_cep_net(cep), family, SOCK_STREAM,
			      IPPROTO_TCP, &cep->sock);
	if (rv)
		return rv;
	sock_set_reuseaddr(cep->sock->sk);
	tcp_sock_set_nodelay(cep->sock->sk);
	return 0;
}

static int srnic_cep_addr_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					  sizeof(struct sockaddr_in);
}

/**
 * srnic_cep_sock_listen - a listening socket for a listener endpoint
 * @cep: the listener
 * @a: the address and port to listen on
 * @backlog: the listen backlog
 *
 * Context: process; may sleep; the endpoint's lock held.
 * Return: 0 or a negative errno.
 */
int srnic_cep_sock_listen(struct srnic_cep *cep, struct sockaddr_storage *a,
			  int backlog)
{
	int rv;

	rv = srnic_cep_sock_create(cep, a->ss_family);
	if (rv)
		return rv;
	rv = kernel_bind(cep->sock, (struct sockaddr *)a, srnic_cep_addr_len(a));
	if (!rv)
		rv = kernel_listen(cep->sock, backlog);
	if (rv)
		return rv;
	srnic_cep_sock_hook(cep);
	return 0;
}

/**
 * srnic_cep_sock_connect - start connecting the endpoint's socket
 * @cep: the active endpoint
 * @l: the local address (its port is tried, then any port)
 * @r: the peer
 *
 * Context: process; may sleep; the endpoint's lock held.
 * Return: 0 (the connection completes in the background) or a negative
 * errno.
 */
int srnic_cep_sock_connect(struct srnic_cep *cep, struct sockaddr_storage *l,
			   struct sockaddr_storage *r)
{
	struct sockaddr_storage any = *l;
	int rv;

	if (l->ss_family != r->ss_family)
		return -EINVAL;
	rv = srnic_cep_sock_create(cep, r->ss_family);
	if (rv)
		return rv;
	rv = kernel_bind(cep->sock, (struct sockaddr *)l, srnic_cep_addr_len(l));
	if (rv == -EADDRINUSE) {
		if (any.ss_family == AF_INET)
			((struct sockaddr_in *)&any)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&any)->sin6_port = 0;
		rv = kernel_bind(cep->sock, (struct sockaddr *)&any,
				 srnic_cep_addr_len(&any));
	}
	if (rv)
		return rv;
	srnic_cep_sock_hook(cep);
	rv = kernel_connect(cep->sock, (struct sockaddr *)r,
			    srnic_cep_addr_len(r), O_NONBLOCK);
	return rv == -EINPROGRESS ? 0 : rv;
}

/**
 * srnic_cep_sock_accept - one connection a listener has ready
 * @lcep: the listener, locked
 *
 * The new socket is a clone of the listening one, callbacks and all: it
 * gets the socket's own callbacks back before anything can call them.
 *
 * Context: process; the listener's lock held.
 * Return: the socket, or NULL when none is ready.
 */
struct socket *srnic_cep_sock_accept(struct srnic_cep *lcep)
{
	struct socket *sock;
	struct sock *sk;

	if (!lcep->sock || kernel_accept(lcep->sock, &sock, O_NONBLOCK))
		return NULL;
	sk = sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = lcep->saved_data_ready;
	sk->sk_state_change = lcep->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	tcp_sock_set_nodelay(sk);
	return sock;
}

/**
 * srnic_cep_sock_mss - the effective MSS of the endpoint's connection
 * @cep: the endpoint, connected
 *
 * Context: process.
 * Return: the MSS.
 */
u32 srnic_cep_sock_mss(struct srnic_cep *cep)
{
	return READ_ONCE(tcp_sk(cep->sock->sk)->mss_cache);
}

/**
 * srnic_cep_mpa_read - read the peer's MPA frame, not one byte further
 * @cep: the endpoint; &srnic_cep.buf and &srnic_cep.got keep what came
 * @dir: the frame expected
 *
 * Reads only as many bytes as srnic_mpa_parse() says the frame still
 * needs, so FPDUs that follow the frame stay in the socket for the data
 * path. A frame may come in any number of pieces.
 *
 * Context: process; the endpoint's lock held.
 * Return: 0 with the whole frame parsed in &srnic_cep.f (a reject's
 * private data cut to the 255 bytes iw_cm carries); -EAGAIN for
 * more to come; -EPROTO for a refused frame (&srnic_cep.f.err says why);
 * -ECONNRESET when the stream closed first.
 */
int srnic_cep_mpa_read(struct srnic_cep *cep, enum srnic_mpa_dir dir)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec iov;
	int rv, n;

	for (;;) {
		rv = srnic_mpa_parse(dir, cep->buf, cep->got, &cep->f);
		/*
		 * iw_cm carries at most 255 bytes of private data. A reject
		 * is still a reject: what it says is cut to that.
		 */
		if (!rv && cep->f.pd_len > U8_MAX) {
			if (cep->f.reject) {
				cep->f.pd_len = U8_MAX;
				return 0;
			}
			cep->f.err = SRNIC_MPA_ERR_PDATA_LEN;
			return -EPROTO;
		}
		if (rv != -EAGAIN)
			return rv;
		if (cep->f.need > sizeof(cep->buf) - cep->got)
			return -EPROTO;
		iov.iov_base = cep->buf + cep->got;
		iov.iov_len = cep->f.need;
		n = kernel_recvmsg(cep->sock, &msg, &iov, 1, iov.iov_len,
				   MSG_DONTWAIT);
		if (n == -EAGAIN) {
			if (READ_ONCE(cep->sock->sk->sk_state) != TCP_ESTABLISHED)
				return -ECONNRESET;
			return -EAGAIN;
		}
		if (n <= 0)
			return -ECONNRESET;
		cep->got += n;
	}
}

/**
 * srnic_cep_mpa_send - send an MPA frame whole
 * @cep: the endpoint, connected
 * @frame: the frame
 * @len: its bytes (at most %SRNIC_MPA_FRAME_MAX, which a fresh
 *	connection's send buffer always holds)
 *
 * Context: process; the endpoint's lock held.
 * Return: 0, or -ECONNRESET if the socket did not take it all.
 */
int srnic_cep_mpa_send(struct srnic_cep *cep, const void *frame, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = (void *)frame, .iov_len = len };
	int n;

	n = kernel_sendmsg(cep->sock, &msg, &iov, 1, len);
	return n == len ? 0 : -ECONNRESET;
}

static void srnic_cep_guard_lost(void *priv, enum xfrm_guard_reason reason)
{
	struct srnic_cep *cep = priv;

	spin_lock_bh(&cep->qp_lock);
	if (cep->qp)
		srnic_wire_hold(cep->qp, true);
	spin_unlock_bh(&cep->qp_lock);
}

static void srnic_cep_guard_restored(void *priv)
{
	struct srnic_cep *cep = priv;

	spin_lock_bh(&cep->qp_lock);
	if (cep->qp)
		srnic_wire_hold(cep->qp, false);
	spin_unlock_bh(&cep->qp_lock);
}

static const struct xfrm_guard_owner_ops srnic_cep_guard_ops = {
	.protection_lost = srnic_cep_guard_lost,
	.protection_restored = srnic_cep_guard_restored,
};

/**
 * srnic_cep_guard_attach - put the connection under the xfrm guard
 * @cep: the endpoint, connected
 *
 * Fails closed: a refusal, and any error of the attach, refuses the
 * connection. The guard logs and reports a refusal itself (reason code,
 * event, "xguard conn show"); this line says what srnic did about it.
 *
 * Context: process; may sleep.
 * Return: 0, or -EACCES for any failure.
 */
int srnic_cep_guard_attach(struct srnic_cep *cep)
{
	struct xfrm_guard_status st = {};
	struct sockaddr_storage peer = {};
	struct xfrm_guard_conn *g;

	g = xfrm_guard_attach(cep->sock->sk, XFRM_GUARD_OWNER_IWARP,
			      &srnic_cep_guard_ops, cep, &st);
	if (IS_ERR(g)) {
		kernel_getpeername(cep->sock, (struct sockaddr *)&peer);
		dev_info_ratelimited(&cep->sdev->ibdev.dev,
				     "%s connection %s %pISpc refused by the xfrm guard: %s (%ld)\n",
				     cep->active ? "active" : "passive",
				     cep->active ? "to" : "from", &peer,
				     PTR_ERR(g) == -EACCES ?
				     xfrm_guard_reason_name(st.reason) :
				     "attach_failed", PTR_ERR(g));
		return -EACCES;
	}
	cep->guard = g;
	cep->crc = xfrm_guard_crc(g);
	return 0;
}

/**
 * srnic_cep_guard_detach - take the connection from under the guard
 * @cep: the endpoint; its data path stopped
 *
 * Context: process; may sleep.
 */
void srnic_cep_guard_detach(struct srnic_cep *cep)
{
	if (!cep->guard)
		return;
	xfrm_guard_detach(cep->guard);
	cep->guard = NULL;
}

static bool srnic_cep_tx_ok(void *ctx)
{
	struct srnic_cep *cep = ctx;

	return cep->guard && xfrm_guard_tx_ok(cep->guard);
}

static void srnic_cep_ended(void *ctx, enum srnic_wire_end why)
{
	struct srnic_cep *cep = ctx;

	set_bit(SRNIC_CEP_F_DOWN, &cep->flags);
	srnic_cep_kick(cep);
}

/* The data path's questions, answered by the guard and the endpoint. */
const struct srnic_wire_ops srnic_cep_wire_ops = {
	.tx_ok = srnic_cep_tx_ok,
	.ended = srnic_cep_ended,
};
