/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XG_NF_H
#define _XG_NF_H

struct net;

int xg_nf_net_init(struct net *net);
void xg_nf_net_exit(struct net *net);

#endif /* _XG_NF_H */
