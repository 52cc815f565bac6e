/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: security and resource counters, shown by "rdma statistic".
 */
#ifndef _SRNIC_STATS_H
#define _SRNIC_STATS_H

#include <rdma/ib_verbs.h>

/**
 * enum srnic_counter - the counters "rdma statistic" shows, in that order
 * @SRNIC_CNT_INVALID_STAG: an access named no valid STag
 * @SRNIC_CNT_KEY_MISMATCH: STag index valid, key byte wrong
 * @SRNIC_CNT_PD_MISMATCH: STag of another protection domain
 * @SRNIC_CNT_RIGHTS_VIOLATION: access the STag's rights do not grant
 * @SRNIC_CNT_BOUNDS_VIOLATION: range outside the registered region
 * @SRNIC_CNT_ACCESS_AFTER_INVALIDATE: use of an invalidated STag
 * @SRNIC_CNT_CQ_OVERFLOW: a CQ overflowed and went to error
 * @SRNIC_CNT_ADMISSION_REFUSED: CQ sizing admission refused a request
 * @SRNIC_CNT_LIMIT_REFUSED: a per-device or per-user limit refused one
 * @SRNIC_CNT_ADMISSION_OVERCOMMIT: a kernel consumer's queue admitted
 *	onto a CQ too small for it (cq_admission_kernel=account)
 * @SRNIC_CNT_CM_BACKLOG_REFUSED: a TCP connection to a listener that had
 *	as many unanswered connections as its backlog, closed at once
 * @SRNIC_CNT_TERMINATE_SENT: a QP refused its peer's input (or lost a
 *	local buffer) and queued a Terminate for the peer (RFC 5040 7.2);
 *	a stream the guard holds and that then ends never sends it
 * @SRNIC_CNT_TERMINATE_RECEIVED: a peer sent one of our QPs a Terminate
 * @SRNIC_CNT_CRC_ERRORS: an FPDU whose MPA CRC did not match (RFC 5044
 *	8), which ends the connection
 * @SRNIC_CNT_IRD_EXCEEDED: an RDMA Read Request beyond the IRD
 *	negotiated for its connection (RFC 5042 6.4.3.3)
 * @SRNIC_CNT_CRC_SKIPPED: a connection that started without MPA CRCs,
 *	because the guard let them go (NIC-offloaded ESP both ways, or
 *	crc=never) and the peer agreed (RFC 3723 3.6.2, RFC 5044 7.1)
 * @SRNIC_CNT_MPA_REFUSED: an MPA request or reply refused (bad frame,
 *	CRC policy, RTR, IRD/ORD), with the reason in the kernel log
 * @SRNIC_CNT_MAX: number of counters
 *
 * Every counter is kept by the unit that refuses (access check,
 * admission, limits) and only gathered here. A reason that no request
 * can meet on a device has no counter: no verb creates a QP-scoped STag,
 * so the access check never refuses for scope on a device.
 */
enum srnic_counter {
	SRNIC_CNT_INVALID_STAG,
	SRNIC_CNT_KEY_MISMATCH,
	SRNIC_CNT_PD_MISMATCH,
	SRNIC_CNT_RIGHTS_VIOLATION,
	SRNIC_CNT_BOUNDS_VIOLATION,
	SRNIC_CNT_ACCESS_AFTER_INVALIDATE,
	SRNIC_CNT_CQ_OVERFLOW,
	SRNIC_CNT_ADMISSION_REFUSED,
	SRNIC_CNT_LIMIT_REFUSED,
	SRNIC_CNT_ADMISSION_OVERCOMMIT,
	SRNIC_CNT_CM_BACKLOG_REFUSED,
	SRNIC_CNT_TERMINATE_SENT,
	SRNIC_CNT_TERMINATE_RECEIVED,
	SRNIC_CNT_CRC_ERRORS,
	SRNIC_CNT_IRD_EXCEEDED,
	SRNIC_CNT_CRC_SKIPPED,
	SRNIC_CNT_MPA_REFUSED,
	SRNIC_CNT_MAX
};

/* stats.c: ib_device_ops.alloc_hw_port_stats and .get_hw_stats */
struct rdma_hw_stats *srnic_alloc_hw_port_stats(struct ib_device *ibdev,
						u32 port);
int srnic_get_hw_stats(struct ib_device *ibdev, struct rdma_hw_stats *stats,
		       u32 port, int index);

#endif /* _SRNIC_STATS_H */
