/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: the privileged resource manager's quotas (RFC 5042 3, 6.4.1,
 * 7.2). Every object a ULP creates is charged to the device and to the
 * user (uid) that created it; a user can exhaust its own share only.
 */
#ifndef _SRNIC_LIMITS_H
#define _SRNIC_LIMITS_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

/**
 * enum srnic_res - the resources under quota
 * @SRNIC_RES_PD: protection domains
 * @SRNIC_RES_QP: queue pairs
 * @SRNIC_RES_CQ: completion queues
 * @SRNIC_RES_MR: memory regions
 * @SRNIC_RES_SRQ: shared receive queues
 * @SRNIC_RES_MR_BYTES: bytes registered (reg_user_mr length, alloc_mr
 *	max_num_sg pages)
 * @SRNIC_RES_IRD: inbound RDMA Read queue entries (IRD of each QP)
 * @SRNIC_RES_NR: number of resources
 */
enum srnic_res {
	SRNIC_RES_PD,
	SRNIC_RES_QP,
	SRNIC_RES_CQ,
	SRNIC_RES_MR,
	SRNIC_RES_SRQ,
	SRNIC_RES_MR_BYTES,
	SRNIC_RES_IRD,
	SRNIC_RES_NR
};

/**
 * enum srnic_limit_scope - which limit a setting or refusal is about
 * @SRNIC_LIMIT_DEV: the whole device
 * @SRNIC_LIMIT_USER: each uid
 */
enum srnic_limit_scope {
	SRNIC_LIMIT_DEV,
	SRNIC_LIMIT_USER,
};

/**
 * struct srnic_limits - quotas of one device
 * @max: settings: [scope][res] limit; U64_MAX means unlimited. Written
 *	with WRITE_ONCE() by srnic_limits_set(), read once per charge.
 *	Lowering a limit below current usage refuses new charges only.
 * @lock: protects @used and every per-uid usage record in @users
 *	(including creating and freeing them). Never taken in hard IRQ;
 *	charges and uncharges run in process context or softirq, so it is
 *	taken with BH disabled.
 * @used: device-wide usage per resource
 * @users: per-uid usage, keyed by the uid in the initial user namespace;
 *	a record exists while the uid holds anything
 * @refused: statistic: [scope][res] charges refused
 *
 * Kernel consumers (privileged ULPs, trusted by RFC 5042) charge with
 * INVALID_UID: only device limits apply to them.
 */
struct srnic_limits {
	u64 max[2][SRNIC_RES_NR];
	spinlock_t lock; /* usage: used[] and users */
	u64 used[SRNIC_RES_NR];
	struct xarray users;
	atomic64_t refused[2][SRNIC_RES_NR];
};

/* Setting up and tearing down a device's quotas. */
void srnic_limits_init(struct srnic_limits *l);
void srnic_limits_destroy(struct srnic_limits *l);

/* Charging at every creation, giving back at every destruction. */
int srnic_limits_charge(struct srnic_limits *l, kuid_t uid, enum srnic_res res,
			u64 amount);
void srnic_limits_uncharge(struct srnic_limits *l, kuid_t uid,
			   enum srnic_res res, u64 amount);

/* Settings, usage and refusals, for sysfs, restrack and counters. */
int srnic_limits_set(struct srnic_limits *l, enum srnic_limit_scope scope,
		     enum srnic_res res, u64 max);
u64 srnic_limits_get(struct srnic_limits *l, enum srnic_limit_scope scope,
		     enum srnic_res res);
u64 srnic_limits_usage(struct srnic_limits *l, kuid_t uid, enum srnic_res res);
u64 srnic_limits_refused(struct srnic_limits *l, enum srnic_limit_scope scope,
			 enum srnic_res res);
const char *srnic_res_name(enum srnic_res res);

#endif /* _SRNIC_LIMITS_H */
