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
 * @SRNIC_RES_MW: memory windows
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
	SRNIC_RES_MW,
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

/**
 * srnic_limits_init() - set up quotas, all unlimited
 * @l: the quotas
 */
void srnic_limits_init(struct srnic_limits *l);

/**
 * srnic_limits_destroy() - free per-uid records
 * @l: the quotas; WARNs if anything is still charged
 */
void srnic_limits_destroy(struct srnic_limits *l);

/**
 * srnic_limits_charge() - account @amount of @res to the device and @uid
 * @l: the quotas
 * @uid: the creating user (current_uid()), INVALID_UID for kernel users
 * @res: the resource
 * @amount: how much (1 for objects, bytes, IRD entries)
 *
 * Nothing is charged on refusal. The refusal is counted in @l->refused.
 *
 * Context: process context, may sleep (creates the uid's record).
 * Return: 0, -EDQUOT if @uid's limit would be exceeded, -ENOMEM if the
 * device's limit would be exceeded (checked first) or on allocation
 * failure, -EINVAL for a bad @res.
 */
int srnic_limits_charge(struct srnic_limits *l, kuid_t uid, enum srnic_res res,
			u64 amount);

/**
 * srnic_limits_uncharge() - give back what srnic_limits_charge() took
 * @l: the quotas
 * @uid: the same uid as charged
 * @res: the resource
 * @amount: the same amount as charged
 *
 * Context: any but hard IRQ, does not sleep.
 */
void srnic_limits_uncharge(struct srnic_limits *l, kuid_t uid,
			   enum srnic_res res, u64 amount);

/**
 * srnic_limits_set() - change a limit at run time (sysfs)
 * @l: the quotas
 * @scope: device or per-user
 * @res: the resource
 * @max: the new limit, U64_MAX for none
 *
 * Return: 0 or -EINVAL.
 */
int srnic_limits_set(struct srnic_limits *l, enum srnic_limit_scope scope,
		     enum srnic_res res, u64 max);

/**
 * srnic_limits_get() - read a limit
 * @l: the quotas
 * @scope: device or per-user
 * @res: the resource
 *
 * Return: the limit, U64_MAX for none, 0 for a bad argument.
 */
u64 srnic_limits_get(struct srnic_limits *l, enum srnic_limit_scope scope,
		     enum srnic_res res);

/**
 * srnic_limits_usage() - current usage
 * @l: the quotas
 * @uid: a uid, or INVALID_UID for the device-wide usage
 * @res: the resource
 *
 * Return: the amount charged.
 */
u64 srnic_limits_usage(struct srnic_limits *l, kuid_t uid, enum srnic_res res);

/**
 * srnic_limits_refused() - refusals so far
 * @l: the quotas
 * @scope: device or per-user
 * @res: the resource, or SRNIC_RES_NR for the sum over all resources
 *
 * Return: the count.
 */
u64 srnic_limits_refused(struct srnic_limits *l, enum srnic_limit_scope scope,
			 enum srnic_res res);

/**
 * srnic_res_name() - short name of a resource for sysfs and logs
 * @res: the resource
 *
 * Return: e.g. "mr_bytes"; "unknown" out of range.
 */
const char *srnic_res_name(enum srnic_res res);

#endif /* _SRNIC_LIMITS_H */
