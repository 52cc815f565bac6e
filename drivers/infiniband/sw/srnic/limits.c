// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: per-device and per-user quotas (RFC 5042 3, 6.4.1, 7.2).
 *
 * Users are keyed by their uid in the initial user namespace, so two
 * containers mapping different host uids never share a quota, and one
 * user cannot escape its quota by creating a user namespace.
 */
#include <kunit/visibility.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "limits.h"

/* What one uid holds; exists while any of it is non-zero. */
struct srnic_limits_user {
	u64 used[SRNIC_RES_NR];
};

static const char * const srnic_res_names[SRNIC_RES_NR] = {
	[SRNIC_RES_PD] = "pd",
	[SRNIC_RES_QP] = "qp",
	[SRNIC_RES_CQ] = "cq",
	[SRNIC_RES_MR] = "mr",
	[SRNIC_RES_SRQ] = "srq",
	[SRNIC_RES_MR_BYTES] = "mr_bytes",
	[SRNIC_RES_IRD] = "ird",
};

/**
 * srnic_res_name() - short name of a resource for sysfs and logs
 * @res: the resource
 *
 * Return: e.g. "mr_bytes"; "unknown" out of range.
 */
const char *srnic_res_name(enum srnic_res res)
{
	if ((unsigned int)res >= SRNIC_RES_NR)
		return "unknown";
	return srnic_res_names[res];
}
EXPORT_SYMBOL_IF_KUNIT(srnic_res_name);

/**
 * srnic_limits_init() - set up quotas, all unlimited
 * @l: the quotas
 */
void srnic_limits_init(struct srnic_limits *l)
{
	int s, r;

	memset(l, 0, sizeof(*l));
	spin_lock_init(&l->lock);
	/* The xarray's own lock is taken from softirq too (uncharge). */
	xa_init_flags(&l->users, XA_FLAGS_LOCK_BH);
	for (s = 0; s < 2; s++)
		for (r = 0; r < SRNIC_RES_NR; r++) {
			l->max[s][r] = U64_MAX;
			atomic64_set(&l->refused[s][r], 0);
		}
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_init);

/**
 * srnic_limits_destroy() - free per-uid records
 * @l: the quotas; WARNs if anything is still charged
 */
void srnic_limits_destroy(struct srnic_limits *l)
{
	struct srnic_limits_user *u;
	unsigned long key;
	int r;

	for (r = 0; r < SRNIC_RES_NR; r++)
		WARN(l->used[r], "srnic: %llu %s still charged\n", l->used[r],
		     srnic_res_name(r));
	xa_for_each(&l->users, key, u)
		kfree(u);
	xa_destroy(&l->users);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_destroy);

static bool srnic_limits_room(u64 used, u64 amount, u64 max)
{
	u64 sum;

	return !check_add_overflow(used, amount, &sum) && sum <= max;
}

static bool srnic_limits_user_empty(const struct srnic_limits_user *u)
{
	int r;

	for (r = 0; r < SRNIC_RES_NR; r++)
		if (u->used[r])
			return false;
	return true;
}

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
			u64 amount)
{
	struct srnic_limits_user *u = NULL, *fresh = NULL;
	bool user = uid_valid(uid);
	unsigned long key = 0;
	int ret = 0;

	if ((unsigned int)res >= SRNIC_RES_NR)
		return -EINVAL;
	might_sleep();
	if (user) {
		key = from_kuid(&init_user_ns, uid);
		/* Allocate outside the lock in case the uid has no record. */
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh || xa_reserve_bh(&l->users, key, GFP_KERNEL)) {
			kfree(fresh);
			return -ENOMEM;
		}
	}

	spin_lock_bh(&l->lock);
	if (!srnic_limits_room(l->used[res], amount,
			       READ_ONCE(l->max[SRNIC_LIMIT_DEV][res]))) {
		atomic64_inc(&l->refused[SRNIC_LIMIT_DEV][res]);
		ret = -ENOMEM;
		goto out;
	}
	if (user) {
		u = xa_load(&l->users, key);
		if (!srnic_limits_room(u ? u->used[res] : 0, amount,
				       READ_ONCE(l->max[SRNIC_LIMIT_USER][res]))) {
			atomic64_inc(&l->refused[SRNIC_LIMIT_USER][res]);
			ret = -EDQUOT;
			goto out;
		}
		if (!u) {
			/* The slot is reserved: this store does not allocate. */
			ret = xa_err(xa_store_bh(&l->users, key, fresh, GFP_ATOMIC));
			if (ret)
				goto out;
			u = fresh;
			fresh = NULL;
		}
		u->used[res] += amount;
	}
	l->used[res] += amount;
out:
	/* A reservation nobody filled would read as an entry-less slot. */
	if (user && !u)
		xa_release(&l->users, key);
	spin_unlock_bh(&l->lock);
	kfree(fresh);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_charge);

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
			   enum srnic_res res, u64 amount)
{
	struct srnic_limits_user *u, *gone = NULL;

	if (WARN_ON_ONCE((unsigned int)res >= SRNIC_RES_NR))
		return;
	spin_lock_bh(&l->lock);
	if (!WARN_ON_ONCE(l->used[res] < amount))
		l->used[res] -= amount;
	if (uid_valid(uid)) {
		unsigned long key = from_kuid(&init_user_ns, uid);

		u = xa_load(&l->users, key);
		if (!WARN_ON_ONCE(!u || u->used[res] < amount)) {
			u->used[res] -= amount;
			if (srnic_limits_user_empty(u)) {
				xa_erase_bh(&l->users, key);
				gone = u;
			}
		}
	}
	spin_unlock_bh(&l->lock);
	kfree(gone);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_uncharge);

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
		     enum srnic_res res, u64 max)
{
	if ((unsigned int)scope > SRNIC_LIMIT_USER ||
	    (unsigned int)res >= SRNIC_RES_NR)
		return -EINVAL;
	WRITE_ONCE(l->max[scope][res], max);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_set);

/**
 * srnic_limits_get() - read a limit
 * @l: the quotas
 * @scope: device or per-user
 * @res: the resource
 *
 * Return: the limit, U64_MAX for none, 0 for a bad argument.
 */
u64 srnic_limits_get(struct srnic_limits *l, enum srnic_limit_scope scope,
		     enum srnic_res res)
{
	if ((unsigned int)scope > SRNIC_LIMIT_USER ||
	    (unsigned int)res >= SRNIC_RES_NR)
		return 0;
	return READ_ONCE(l->max[scope][res]);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_get);

/**
 * srnic_limits_usage() - current usage
 * @l: the quotas
 * @uid: a uid, or INVALID_UID for the device-wide usage
 * @res: the resource
 *
 * Return: the amount charged.
 */
u64 srnic_limits_usage(struct srnic_limits *l, kuid_t uid, enum srnic_res res)
{
	struct srnic_limits_user *u;
	u64 used = 0;

	if ((unsigned int)res >= SRNIC_RES_NR)
		return 0;
	spin_lock_bh(&l->lock);
	if (!uid_valid(uid)) {
		used = l->used[res];
	} else {
		u = xa_load(&l->users, from_kuid(&init_user_ns, uid));
		if (u)
			used = u->used[res];
	}
	spin_unlock_bh(&l->lock);
	return used;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_usage);

/**
 * srnic_limits_refused() - refusals so far
 * @l: the quotas
 * @scope: device or per-user
 * @res: the resource, or SRNIC_RES_NR for the sum over all resources
 *
 * Return: the count.
 */
u64 srnic_limits_refused(struct srnic_limits *l, enum srnic_limit_scope scope,
			 enum srnic_res res)
{
	u64 sum = 0;
	int r;

	if ((unsigned int)scope > SRNIC_LIMIT_USER ||
	    (unsigned int)res > SRNIC_RES_NR)
		return 0;
	if (res != SRNIC_RES_NR)
		return atomic64_read(&l->refused[scope][res]);
	for (r = 0; r < SRNIC_RES_NR; r++)
		sum += atomic64_read(&l->refused[scope][r]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_limits_refused);
