/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: security and resource counters, shown by "rdma statistic".
 */
#ifndef _SRNIC_STATS_H
#define _SRNIC_STATS_H

#include <linux/atomic.h>
#include <rdma/ib_verbs.h>

/**
 * enum srnic_counter - one counter per refusal reason, and one for what
 *	kernel consumers were let overcommit
 * @SRNIC_CNT_INVALID_STAG: tagged access named no valid STag
 * @SRNIC_CNT_KEY_MISMATCH: STag index valid, key byte wrong
 * @SRNIC_CNT_PD_MISMATCH: STag of another protection domain
 * @SRNIC_CNT_SCOPE_VIOLATION: STag bound to another QP
 * @SRNIC_CNT_RIGHTS_VIOLATION: access the STag's rights do not grant
 * @SRNIC_CNT_BOUNDS_VIOLATION: range outside the registered region
 * @SRNIC_CNT_ACCESS_AFTER_INVALIDATE: use of an invalidated STag
 * @SRNIC_CNT_CQ_OVERFLOW: a CQ overflowed and went to error
 * @SRNIC_CNT_ADMISSION_REFUSED: CQ sizing admission refused a request
 * @SRNIC_CNT_LIMIT_REFUSED: a per-device or per-user limit refused one
 * @SRNIC_CNT_IRD_EXCEEDED: more inbound Read Requests than the IRD
 * @SRNIC_CNT_CRC_ERRORS: MPA CRC mismatch on receive
 * @SRNIC_CNT_CRC_SKIPPED: FPDUs sent without CRC by policy
 * @SRNIC_CNT_ADMISSION_OVERCOMMIT: a kernel consumer's queue admitted
 *	onto a CQ too small for it (cq_admission_kernel=account)
 * @SRNIC_CNT_MAX: number of counters
 */
enum srnic_counter {
	SRNIC_CNT_INVALID_STAG,
	SRNIC_CNT_KEY_MISMATCH,
	SRNIC_CNT_PD_MISMATCH,
	SRNIC_CNT_SCOPE_VIOLATION,
	SRNIC_CNT_RIGHTS_VIOLATION,
	SRNIC_CNT_BOUNDS_VIOLATION,
	SRNIC_CNT_ACCESS_AFTER_INVALIDATE,
	SRNIC_CNT_CQ_OVERFLOW,
	SRNIC_CNT_ADMISSION_REFUSED,
	SRNIC_CNT_LIMIT_REFUSED,
	SRNIC_CNT_IRD_EXCEEDED,
	SRNIC_CNT_CRC_ERRORS,
	SRNIC_CNT_CRC_SKIPPED,
	SRNIC_CNT_ADMISSION_OVERCOMMIT,
	SRNIC_CNT_MAX
};

/**
 * struct srnic_stats - the counters the driver raises itself
 * @cnt: one atomic per counter; refusals are rare, so no per-CPU copies.
 *	The access check, admission and limits units keep their own
 *	counts; srnic_get_hw_stats() adds them up under these names.
 */
struct srnic_stats {
	atomic64_t cnt[SRNIC_CNT_MAX];
};

static inline void srnic_stats_inc(struct srnic_stats *stats,
				   enum srnic_counter c)
{
	atomic64_inc(&stats->cnt[c]);
}

struct rdma_hw_stats *srnic_alloc_hw_port_stats(struct ib_device *ibdev,
						u32 port);
int srnic_get_hw_stats(struct ib_device *ibdev, struct rdma_hw_stats *stats,
		       u32 port, int index);

#endif /* _SRNIC_STATS_H */
