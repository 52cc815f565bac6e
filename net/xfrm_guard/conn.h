/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard connections: sockets an owner (iscsi_xfrm, srnic) attached,
 * their verdicts, and the per-segment checks the netfilter hooks make.
 */
#ifndef _XG_CONN_H
#define _XG_CONN_H

#include <linux/skbuff.h>
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
 * @mode: IPsec mode of the outbound ESP state (enum xg_ipsec_mode).
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
	char aead[XG_ALG_NAME_MAX];
	char enc[XG_ALG_NAME_MAX];
	char auth[XG_ALG_NAME_MAX];
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
	char owner_refused[XG_OWNER_REASON_MAX];
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

/*
 * What the netfilter hooks ask for one segment: from the connection's point
 * of view, so an outgoing segment's source is the local side and an incoming
 * one's destination is.
 */
unsigned int xg_conn_check_out(struct xg_net *xn, struct sk_buff *skb,
			       const struct xg_tuple *t);
unsigned int xg_conn_check_in(struct xg_net *xn, struct sk_buff *skb,
			      const struct xg_tuple *t);

#if IS_ENABLED(CONFIG_KUNIT)
struct xfrm_state;
bool xg_sa_is_conn(const struct xfrm_state *x, const struct xg_tuple *t,
		   const xfrm_address_t *peer, u16 peer_family);
#endif

void xg_conn_reeval_work(struct work_struct *work);
void xg_conn_net_exit(struct xg_net *xn);

#endif /* _XG_CONN_H */
