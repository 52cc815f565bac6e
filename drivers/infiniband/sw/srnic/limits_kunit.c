// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: per-device and per-user quotas (limits.c).
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uidgid.h>

#include "limits.h"

#define UID_A	KUIDT_INIT(1000)
#define UID_B	KUIDT_INIT(1001)

static void srnic_t_limits_exit(void *data)
{
	srnic_limits_destroy(data);
}

static struct srnic_limits *srnic_t_limits(struct kunit *test)
{
	struct srnic_limits *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	srnic_limits_init(l);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, srnic_t_limits_exit, l));
	return l;
}

static void srnic_t_res_desc(const enum srnic_res *res, char *desc)
{
	strscpy(desc, srnic_res_name(*res), KUNIT_PARAM_DESC_SIZE);
}

static const enum srnic_res srnic_t_all_res[] = {
	SRNIC_RES_PD, SRNIC_RES_QP, SRNIC_RES_CQ, SRNIC_RES_MR, SRNIC_RES_SRQ,
	SRNIC_RES_MR_BYTES, SRNIC_RES_IRD,
};

KUNIT_ARRAY_PARAM(srnic_t_res, srnic_t_all_res, srnic_t_res_desc);

/* For each resource: the per-user limit stops one uid and only it. */
static void user_limit_is_per_uid_and_per_resource(struct kunit *test)
{
	enum srnic_res res = *(const enum srnic_res *)test->param_value;
	struct srnic_limits *l = srnic_t_limits(test);
	int r;

	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER, res, 3));
	KUNIT_EXPECT_EQ(test, 3ULL, srnic_limits_get(l, SRNIC_LIMIT_USER, res));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, res, 2));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, res, 1));
	KUNIT_EXPECT_EQ(test, -EDQUOT, srnic_limits_charge(l, UID_A, res, 1));
	/* Another user has its own share... */
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_B, res, 3));
	/* ...and the other resources are not limited. */
	for (r = 0; r < SRNIC_RES_NR; r++) {
		if (r == res)
			continue;
		KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, r, 100));
		srnic_limits_uncharge(l, UID_A, r, 100);
	}
	KUNIT_EXPECT_EQ(test, 3ULL, srnic_limits_usage(l, UID_A, res));
	KUNIT_EXPECT_EQ(test, 6ULL, srnic_limits_usage(l, INVALID_UID, res));
	KUNIT_EXPECT_EQ(test, 1ULL, srnic_limits_refused(l, SRNIC_LIMIT_USER,
							 res));
	KUNIT_EXPECT_EQ(test, 1ULL, srnic_limits_refused(l, SRNIC_LIMIT_USER,
							 SRNIC_RES_NR));
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_limits_refused(l, SRNIC_LIMIT_DEV,
							 SRNIC_RES_NR));
	/* Giving back makes room again. */
	srnic_limits_uncharge(l, UID_A, res, 1);
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, res, 1));
	srnic_limits_uncharge(l, UID_A, res, 3);
	srnic_limits_uncharge(l, UID_B, res, 3);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_limits_usage(l, INVALID_UID, res));
	/* A uid holding nothing keeps no record. */
	KUNIT_EXPECT_TRUE(test, xa_empty(&l->users));
}

static void device_limit_covers_all_users_and_kernel(struct kunit *test)
{
	struct srnic_limits *l = srnic_t_limits(test);

	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_DEV,
						  SRNIC_RES_CQ, 5));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, SRNIC_RES_CQ, 3));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_B, SRNIC_RES_CQ, 1));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, INVALID_UID,
						     SRNIC_RES_CQ, 1));
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			srnic_limits_charge(l, UID_B, SRNIC_RES_CQ, 1));
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			srnic_limits_charge(l, INVALID_UID, SRNIC_RES_CQ, 1));
	KUNIT_EXPECT_EQ(test, 2ULL, srnic_limits_refused(l, SRNIC_LIMIT_DEV,
							 SRNIC_RES_CQ));
	/* The refused charges took nothing. */
	KUNIT_EXPECT_EQ(test, 1ULL, srnic_limits_usage(l, UID_B, SRNIC_RES_CQ));
	KUNIT_EXPECT_EQ(test, 5ULL, srnic_limits_usage(l, INVALID_UID,
						       SRNIC_RES_CQ));
	srnic_limits_uncharge(l, UID_A, SRNIC_RES_CQ, 3);
	srnic_limits_uncharge(l, UID_B, SRNIC_RES_CQ, 1);
	srnic_limits_uncharge(l, INVALID_UID, SRNIC_RES_CQ, 1);
}

static void kernel_users_are_not_under_user_limits(struct kunit *test)
{
	struct srnic_limits *l = srnic_t_limits(test);

	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER,
						  SRNIC_RES_QP, 0));
	KUNIT_EXPECT_EQ(test, -EDQUOT,
			srnic_limits_charge(l, UID_A, SRNIC_RES_QP, 1));
	KUNIT_EXPECT_EQ(test, -EDQUOT,
			srnic_limits_charge(l, GLOBAL_ROOT_UID, SRNIC_RES_QP, 1));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, INVALID_UID,
						     SRNIC_RES_QP, 1));
	srnic_limits_uncharge(l, INVALID_UID, SRNIC_RES_QP, 1);
	KUNIT_EXPECT_TRUE(test, xa_empty(&l->users));
}

static void registered_bytes_cannot_wrap_the_quota(struct kunit *test)
{
	struct srnic_limits *l = srnic_t_limits(test);

	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER,
						  SRNIC_RES_MR_BYTES, SZ_1M));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A,
						     SRNIC_RES_MR_BYTES, SZ_512K));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A,
						     SRNIC_RES_MR_BYTES, SZ_512K));
	KUNIT_EXPECT_EQ(test, -EDQUOT,
			srnic_limits_charge(l, UID_A, SRNIC_RES_MR_BYTES, 1));
	/* A sum that would wrap 2^64 is refused, not wrapped below a limit. */
	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER,
						  SRNIC_RES_MR_BYTES, U64_MAX));
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			srnic_limits_charge(l, UID_A, SRNIC_RES_MR_BYTES,
					    U64_MAX));
	KUNIT_EXPECT_EQ(test, -ENOMEM,
			srnic_limits_charge(l, UID_B, SRNIC_RES_MR_BYTES,
					    U64_MAX));
	KUNIT_EXPECT_EQ(test, (u64)SZ_1M,
			srnic_limits_usage(l, INVALID_UID, SRNIC_RES_MR_BYTES));
	srnic_limits_uncharge(l, UID_A, SRNIC_RES_MR_BYTES, SZ_1M);
}

static void limits_change_at_run_time(struct kunit *test)
{
	struct srnic_limits *l = srnic_t_limits(test);

	KUNIT_EXPECT_EQ(test, U64_MAX,
			srnic_limits_get(l, SRNIC_LIMIT_USER, SRNIC_RES_IRD));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, SRNIC_RES_IRD,
						     16));
	/* Lowering below usage keeps what is held, refuses more. */
	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER,
						  SRNIC_RES_IRD, 8));
	KUNIT_EXPECT_EQ(test, -EDQUOT,
			srnic_limits_charge(l, UID_A, SRNIC_RES_IRD, 1));
	srnic_limits_uncharge(l, UID_A, SRNIC_RES_IRD, 9);
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, SRNIC_RES_IRD,
						     1));
	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER,
						  SRNIC_RES_IRD, U64_MAX));
	KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, UID_A, SRNIC_RES_IRD,
						     1000));
	srnic_limits_uncharge(l, UID_A, SRNIC_RES_IRD, 1008);
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_limits_set(l, SRNIC_LIMIT_USER,
							SRNIC_RES_NR, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			srnic_limits_charge(l, UID_A, SRNIC_RES_NR, 1));
	KUNIT_EXPECT_STREQ(test, srnic_res_name(SRNIC_RES_MR_BYTES), "mr_bytes");
	KUNIT_EXPECT_STREQ(test, srnic_res_name(SRNIC_RES_NR), "unknown");
}

static void many_users_each_get_their_share(struct kunit *test)
{
	struct srnic_limits *l = srnic_t_limits(test);
	int uid;

	KUNIT_ASSERT_EQ(test, 0, srnic_limits_set(l, SRNIC_LIMIT_USER,
						  SRNIC_RES_PD, 2));
	for (uid = 0; uid < 500; uid++) {
		kuid_t k = KUIDT_INIT(2000 + uid * 7919);

		KUNIT_EXPECT_EQ(test, 0, srnic_limits_charge(l, k, SRNIC_RES_PD,
							     2));
		KUNIT_EXPECT_EQ(test, -EDQUOT,
				srnic_limits_charge(l, k, SRNIC_RES_PD, 1));
	}
	KUNIT_EXPECT_EQ(test, 1000ULL, srnic_limits_usage(l, INVALID_UID,
							  SRNIC_RES_PD));
	KUNIT_EXPECT_EQ(test, 500ULL, srnic_limits_refused(l, SRNIC_LIMIT_USER,
							   SRNIC_RES_PD));
	for (uid = 0; uid < 500; uid++)
		srnic_limits_uncharge(l, KUIDT_INIT(2000 + uid * 7919),
				      SRNIC_RES_PD, 2);
	KUNIT_EXPECT_TRUE(test, xa_empty(&l->users));
}

static struct kunit_case srnic_limits_cases[] = {
	KUNIT_CASE_PARAM(user_limit_is_per_uid_and_per_resource,
			 srnic_t_res_gen_params),
	KUNIT_CASE(device_limit_covers_all_users_and_kernel),
	KUNIT_CASE(kernel_users_are_not_under_user_limits),
	KUNIT_CASE(registered_bytes_cannot_wrap_the_quota),
	KUNIT_CASE(limits_change_at_run_time),
	KUNIT_CASE(many_users_each_get_their_share),
	{}
};

static struct kunit_suite srnic_limits_suite = {
	.name = "srnic_limits",
	.test_cases = srnic_limits_cases,
};

kunit_test_suite(srnic_limits_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic per-device and per-user limits");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
