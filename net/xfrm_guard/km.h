/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XG_KM_H
#define _XG_KM_H

struct xg_net;

void xg_km_changed(struct xg_net *xn);
void xg_km_init(void);
void xg_km_exit(void);

#endif /* _XG_KM_H */
