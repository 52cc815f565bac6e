/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard connections: sockets an owner (iscsi_xfrm, srnic) attached.
 * The connection itself is shared by the files that look after it: its
 * table and lifecycle (conn.c), its verdict (reeval.c), its segments
 * (datapath.c).
 */
#ifndef _XG_CONN_H
#define _XG_CONN_H

#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xfrm.h>
#include <net/xfrm_guard.h>

#include "netns.h"
#include "verdict.h"

/**
 * struct xg_tuple - a TCP connection seen from this host
 * @family: AF_INET or AF_INET6.
 * @lport: local port (network order).
 * @rport: remote port (network order).
 * @laddr: local address.
 * @raddr: remote address.
 */
struct xg_tuple {
	u16 family;
	__be16 lport;
	__be16 rport;
	union xg_addr laddr;
	union xg_addr raddr;
};

/**
 * struct xg_conn_sas - the SAs behind a connection's verdict, for display
 * @n_out: states in the output bundle (0: no IPsec).
 * @mode: IPsec mode of the outbound ESP state (enum xfrm_guard_sa_mode).
 * @out_spi: SPI of the outbound ESP state.
 * @in_spi: SPI of the inbound SA, if @have_in.
 * @in_replay_window: its replay window.
 * @have_in: an inbound SA was found.
 * @out_offloaded: the outbound ESP state is offloaded to a NIC.
 * @in_offloaded: the inbound SA is.
 * @aead: outbound combined algorithm, or "".
 * @enc: outbound encryption algorithm, or "".
 * @auth: outbound integrity algorithm, or "".
 */
struct xg_conn_sas {
	u8 n_out;
	u8 mode;
	__be32 out_spi;
	__be32 in_spi;
	u32 in_replay_window;
	bool have_in;
	bool out_offloaded;
	bool in_offloaded;
	char aead[XFRM_GUARD_ALG_NAME_MAX];
	char enc[XFRM_GUARD_ALG_NAME_MAX];
	char auth[XFRM_GUARD_ALG_NAME_MAX];
};

/**
 * struct xfrm_guard_conn - a guarded connection
 * @gen: xg_net::gen when the whole-connection verdict was made. Read on
 *	every transmit, lock-free; written under @lock.
 * @tx_open: that verdict allows transmission. Read lock-free.
 * @enforced: the profile was in enforce mode. Read lock-free.
 * @crc: the CRC decision. Read lock-free.
 * @xn: namespace state.
 * @hnode: in xg_net::conns, under xg_net::hooks_lock; RCU readers.
 * @t: addresses and ports.
 * @sk: the socket; the guard holds a reference until the RCU callback.
 * @owner: who attached it.
 * @ops: the owner's callbacks.
 * @priv: passed to @ops.
 * @lock: protects @verdict, @sas, @peer, @owner_refused, @told_lost, @dead
 *	and the writes of the fields above that are read lock-free.
 * @verdict: the whole-connection verdict.
 * @sas: what the SAs behind @verdict were, for the connection dump.
 * @owner_refused: the token of the owner's latest refusal
 *	(xfrm_guard_owner_refused()), or "".
 * @told_lost: what the owner was last told: lost (true) or protected.
 * @peer: the outer destination of the outbound tunnel-mode SA, the peer a
 *	tunnel-mode segment must come from; @peer_family is 0 when there is
 *	none (transport mode, or not protected).
 * @peer_family: AF_INET, AF_INET6 or 0.
 * @seg_gen: xg_net::gen made by the latest segment the out hook dropped
 *	while the verdict said open (a route the verdict cannot see, such as
 *	one source NAT picked); 0 when none. While xg_net::gen still equals
 *	it, the connection is judged unprotected, with @seg_reason.
 * @seg_reason: why that segment was dropped.
 * @dead: detached: nothing may be queued any more.
 * @work: tells the owner, in process context.
 * @hold_work: ends a hold that lasted hold_timeout seconds.
 * @rx_dropped: received segments dropped.
 * @tx_dropped: outgoing segments dropped.
 * @lost: times the owner was told protection was lost.
 * @restored: times the owner was told it came back.
 * @rcu: the hooks may still look at a detached connection for a while.
 */
struct xfrm_guard_conn {
	u32 gen;
	bool tx_open;
	bool enforced;
	enum xfrm_guard_crc crc;
	struct xg_net *xn;
	struct hlist_node hnode;
	struct xg_tuple t;
	struct sock *sk;
	enum xfrm_guard_owner owner;
	const struct xfrm_guard_owner_ops *ops;
	void *priv;
	spinlock_t lock; /* see above */
	struct xg_verdict verdict;
	struct xg_conn_sas sas;
	char owner_refused[XFRM_GUARD_OWNER_REASON_MAX];
	bool told_lost;
	xfrm_address_t peer;
	u16 peer_family;
	u32 seg_gen;
	enum xfrm_guard_reason seg_reason;
	bool dead;
	struct work_struct work;
	struct delayed_work hold_work;
	atomic64_t rx_dropped;
	atomic64_t tx_dropped;
	atomic64_t lost;
	atomic64_t restored;
	struct rcu_head rcu;
};

/**
 * struct xg_conn_info - one guarded connection, or refused attach, as dumped
 * @owner: who attached it, or asked to.
 * @t: addresses and ports.
 * @status: verdict, CRC decision and counters.
 * @sas: the SAs behind the verdict.
 * @owner_refused: the token of the owner's latest refusal, or "".
 * @profile: the index of the profile the verdict was made with.
 * @refused: not a connection but a refused attach the namespace remembers
 *	(xg_conn_dump_refused()): of @status only @reason and @alg mean
 *	anything, and @sas and @owner_refused are empty.
 * @refused_age: for @refused, seconds since the refusal.
 */
struct xg_conn_info {
	enum xfrm_guard_owner owner;
	struct xg_tuple t;
	struct xfrm_guard_status status;
	struct xg_conn_sas sas;
	char owner_refused[XFRM_GUARD_OWNER_REASON_MAX];
	u32 profile;
	bool refused;
	u64 refused_age;
};

unsigned int xg_conn_dump(struct xg_net *xn, unsigned int skip,
			  int (*fn)(const struct xg_conn_info *info, void *arg),
			  void *arg);
u64 xg_conn_dump_refused(struct xg_net *xn, u64 seq,
			 int (*fn)(const struct xg_conn_info *info, void *arg),
			 void *arg);

void xg_tuple_flow(const struct xg_tuple *t, enum xfrm_guard_owner owner,
		   struct xg_flow *f);
struct xfrm_guard_conn *xg_conn_lookup(struct xg_net *xn,
				       const struct xg_tuple *t);
void xg_conn_net_exit(struct xg_net *xn);

#if IS_ENABLED(CONFIG_KUNIT)
int xg_conn_insert(struct xg_net *xn, struct xfrm_guard_conn *c);
void xg_conn_remove(struct xfrm_guard_conn *c);
#endif

#endif /* _XG_CONN_H */
