/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xfrm_guard /sys/kernel/xfrm_guard/: a read-only view of the initial
 * network namespace's default profile and counters.
 */
#ifndef _XG_SYSFS_H
#define _XG_SYSFS_H

int xg_sysfs_init(void);
void xg_sysfs_exit(void);

#endif /* _XG_SYSFS_H */
