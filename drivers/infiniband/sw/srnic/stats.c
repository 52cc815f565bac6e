// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: counters for "rdma statistic show link DEV/1".
 */
#include <kunit/visibility.h>

#include "srnic.h"

/* Names are the user interface: never rename one. */
static const struct rdma_stat_desc srnic_counter_descs[SRNIC_CNT_MAX] = {
	[SRNIC_CNT_INVALID_STAG].name = "invalid_stag",
	[SRNIC_CNT_KEY_MISMATCH].name = "stag_key_mismatch",
	[SRNIC_CNT_PD_MISMATCH].name = "pd_mismatch",
	[SRNIC_CNT_RIGHTS_VIOLATION].name = "rights_violation",
	[SRNIC_CNT_BOUNDS_VIOLATION].name = "bounds_violation",
	[SRNIC_CNT_ACCESS_AFTER_INVALIDATE].name = "access_after_invalidate",
	[SRNIC_CNT_CQ_OVERFLOW].name = "cq_overflow",
	[SRNIC_CNT_ADMISSION_REFUSED].name = "cq_admission_refused",
	[SRNIC_CNT_LIMIT_REFUSED].name = "limit_refused",
	[SRNIC_CNT_ADMISSION_OVERCOMMIT].name = "cq_admission_overcommit",
	[SRNIC_CNT_CM_BACKLOG_REFUSED].name = "cm_backlog_refused",
	[SRNIC_CNT_TERMINATE_SENT].name = "terminate_sent",
	[SRNIC_CNT_TERMINATE_RECEIVED].name = "terminate_received",
	[SRNIC_CNT_CRC_ERRORS].name = "crc_errors",
	[SRNIC_CNT_IRD_EXCEEDED].name = "ird_exceeded",
	[SRNIC_CNT_CRC_SKIPPED].name = "crc_skipped",
	[SRNIC_CNT_MPA_REFUSED].name = "mpa_refused",
};

/* The access check's refusals, by the counter that shows each. */
static const enum srnic_access_err srnic_counter_access[] = {
	[SRNIC_CNT_INVALID_STAG] = SRNIC_ACCESS_INVALID_STAG,
	[SRNIC_CNT_KEY_MISMATCH] = SRNIC_ACCESS_KEY_MISMATCH,
	[SRNIC_CNT_PD_MISMATCH] = SRNIC_ACCESS_PD_MISMATCH,
	[SRNIC_CNT_RIGHTS_VIOLATION] = SRNIC_ACCESS_RIGHTS,
	[SRNIC_CNT_BOUNDS_VIOLATION] = SRNIC_ACCESS_BOUNDS,
	[SRNIC_CNT_ACCESS_AFTER_INVALIDATE] = SRNIC_ACCESS_INVALIDATED,
};

static_assert(ARRAY_SIZE(srnic_counter_access) == SRNIC_CNT_CQ_OVERFLOW);

/**
 * srnic_alloc_hw_port_stats - ib_device_ops.alloc_hw_port_stats
 * @ibdev: the device
 * @port: the port (srnic has one)
 *
 * Return: the counter set ib_core shows and frees, or NULL.
 */
struct rdma_hw_stats *srnic_alloc_hw_port_stats(struct ib_device *ibdev,
						u32 port)
{
	return rdma_alloc_hw_stats_struct(srnic_counter_descs, SRNIC_CNT_MAX,
					  RDMA_HW_STATS_DEFAULT_LIFESPAN);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_alloc_hw_port_stats);

/**
 * srnic_get_hw_stats - ib_device_ops.get_hw_stats
 * @ibdev: the device
 * @stats: the set allocated by srnic_alloc_hw_port_stats()
 * @port: the port
 * @index: the counter asked for; all are filled in
 *
 * Return: the number of counters filled in.
 */
int srnic_get_hw_stats(struct ib_device *ibdev, struct rdma_hw_stats *stats,
		       u32 port, int index)
{
	struct srnic_dev *sdev = to_sdev(ibdev);
	atomic64_t *refused = sdev->access_stats.refused;
	struct srnic_admit *adm = &sdev->admit;
	u64 *v = stats->value;
	unsigned int i;

	/* &srnic_access_stats.refused is indexed by the reason minus one. */
	for (i = 0; i < ARRAY_SIZE(srnic_counter_access); i++)
		v[i] = atomic64_read(&refused[srnic_counter_access[i] - 1]);
	spin_lock_bh(&adm->lock);
	v[SRNIC_CNT_CQ_OVERFLOW] = adm->overflows;
	v[SRNIC_CNT_ADMISSION_REFUSED] = adm->refused + adm->owner_refused;
	v[SRNIC_CNT_ADMISSION_OVERCOMMIT] = adm->overcommit;
	spin_unlock_bh(&adm->lock);
	v[SRNIC_CNT_LIMIT_REFUSED] =
		srnic_limits_refused(&sdev->limits, SRNIC_LIMIT_DEV,
				     SRNIC_RES_NR) +
		srnic_limits_refused(&sdev->limits, SRNIC_LIMIT_USER,
				     SRNIC_RES_NR);
	v[SRNIC_CNT_CM_BACKLOG_REFUSED] =
		atomic64_read(&sdev->cm_backlog_refused);
	v[SRNIC_CNT_TERMINATE_SENT] = atomic64_read(&sdev->terminate_sent);
	v[SRNIC_CNT_TERMINATE_RECEIVED] =
		atomic64_read(&sdev->terminate_received);
	v[SRNIC_CNT_CRC_ERRORS] = atomic64_read(&sdev->crc_errors);
	v[SRNIC_CNT_IRD_EXCEEDED] = atomic64_read(&sdev->ird_exceeded);
	v[SRNIC_CNT_CRC_SKIPPED] = atomic64_read(&sdev->crc_skipped);
	v[SRNIC_CNT_MPA_REFUSED] = atomic64_read(&sdev->mpa_refused);
	return SRNIC_CNT_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_get_hw_stats);
