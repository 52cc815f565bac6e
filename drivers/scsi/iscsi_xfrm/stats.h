/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_xfrm: the transport's own connection statistics, as
 * "iscsiadm -m session -s" lists them after the standard ones.
 */
#ifndef _ISCSI_XFRM_STATS_H
#define _ISCSI_XFRM_STATS_H

#include <linux/types.h>

struct iscsi_stats;
struct ix_digest_stats;

void ix_stats_add(struct iscsi_stats *stats, const char *desc, u64 value);
void ix_stats_add_digest(struct iscsi_stats *stats,
			 const struct ix_digest_stats *ds);

#endif /* _ISCSI_XFRM_STATS_H */
