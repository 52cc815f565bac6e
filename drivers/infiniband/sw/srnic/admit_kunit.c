// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: CQ sizing admission and overflow isolation (admit.c).
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "admit.h"

#define S	SRNIC_ADMIT_STRICT
#define T	SRNIC_ADMIT_TRUSTED

/* Distinct user contexts; only their addresses matter. */
static int srnic_t_ctx_a, srnic_t_ctx_b;

/*
 * A device whose user contexts and kernel consumers both get @policy:
 * the formulas are the same for both. Tests of one setting use owners
 * and set the other setting apart.
 */
static struct srnic_admit *srnic_t_admit(struct kunit *test,
					 enum srnic_admit_policy policy)
{
	struct srnic_admit *adm = kunit_kzalloc(test, sizeof(*adm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, adm);
	srnic_admit_init(adm, policy);
	adm->kernel_policy = policy;
	return adm;
}

static const struct srnic_admit_depth srnic_t_none;

static struct srnic_admit_depth srnic_t_d(u32 size, u32 posted)
{
	return (struct srnic_admit_depth){ .size = size, .posted = posted };
}

/* One QP on one or two fresh CQs. */
struct srnic_t_adm {
	const char *name;
	enum srnic_admit_policy policy;
	u32 scq_depth;
	u32 rcq_depth;		/* 0: the recv CQ is the send CQ */
	u32 sq_size, sq_posted;
	u32 rq_size, rq_posted;
	int want;
	u64 scq_need;		/* need of the send CQ after admission */
};

static const struct srnic_t_adm srnic_t_adms[] = {
	{ "strict_sq_plus_rq_exactly_fit", S, 64, 0, 32, 20, 32, 20, 0, 64 },
	{ "strict_one_cqe_short_refused", S, 63, 0, 32, 20, 32, 20, -ENOSPC, 0 },
	{ "strict_counts_sizes_not_requests", S, 40, 0, 32, 20, 32, 20,
	  -ENOSPC, 0 },
	{ "trusted_posted_limits_exactly_fit", T, 40, 0, 32, 20, 32, 20, 0, 40 },
	{ "trusted_one_cqe_short_refused", T, 39, 0, 32, 20, 32, 20, -ENOSPC, 0 },
	{ "strict_separate_cqs_each_fit", S, 32, 16, 32, 1, 16, 1, 0, 32 },
	{ "strict_send_cq_short_refused", S, 31, 64, 32, 1, 16, 1, -ENOSPC, 0 },
	{ "strict_recv_cq_short_refused", S, 64, 15, 32, 1, 16, 1, -ENOSPC, 0 },
	{ "trusted_separate_cqs_fit", T, 1, 1, 32, 1, 16, 1, 0, 1 },
	{ "empty_queues_fit_empty_cq", S, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "sq_posted_above_size_invalid", T, 1000, 0, 8, 9, 8, 8, -EINVAL, 0 },
	{ "rq_posted_above_size_invalid", S, 1000, 0, 8, 8, 8, 9, -EINVAL, 0 },
	{ "largest_depths_do_not_wrap", S, U32_MAX, 0, U32_MAX, 1, 1, 1,
	  -ENOSPC, 0 },
};

#undef S
#undef T

static void srnic_t_adm_desc(const struct srnic_t_adm *a, char *desc)
{
	strscpy(desc, a->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(srnic_t_adm, srnic_t_adms, srnic_t_adm_desc);

/*
 * Each row holds for a user context under &srnic_admit.policy and for the
 * kernel under .kernel_policy alike; the other setting is the other
 * formula.
 */
static void srnic_t_adm_run(struct kunit *test, const struct srnic_t_adm *a,
			    const void *owner)
{
	struct srnic_admit *adm = srnic_t_admit(test, a->policy);
	struct srnic_admit_depth sq = srnic_t_d(a->sq_size, a->sq_posted);
	struct srnic_admit_depth rq = srnic_t_d(a->rq_size, a->rq_posted);
	enum srnic_admit_policy other = a->policy == SRNIC_ADMIT_STRICT ?
					SRNIC_ADMIT_TRUSTED : SRNIC_ADMIT_STRICT;
	const char *who = owner ? "user" : "kernel";
	struct srnic_admit_cq scq, rcq;
	struct srnic_admit_cq *r = a->rcq_depth ? &rcq : &scq;
	struct srnic_admit_qp qp;

	if (owner)
		adm->kernel_policy = other;
	else
		adm->policy = other;
	srnic_admit_cq_init(&scq, a->scq_depth, owner);
	srnic_admit_cq_init(&rcq, a->rcq_depth, owner);
	KUNIT_EXPECT_EQ_MSG(test, a->want,
			    srnic_admit_qp_create(adm, &qp, &scq, r, NULL, &sq,
						  &rq, owner), "%s", who);
	KUNIT_EXPECT_EQ_MSG(test, a->scq_need,
			    srnic_admit_cq_need(adm, &scq, a->policy), "%s",
			    who);
	KUNIT_EXPECT_EQ_MSG(test, adm->refused,
			    a->want == -ENOSPC ? 1ULL : 0ULL, "%s", who);
	KUNIT_EXPECT_EQ_MSG(test, 0ULL, adm->overcommit, "%s", who);
	if (a->want)
		return;
	KUNIT_EXPECT_TRUE(test, qp.admitted);
	KUNIT_EXPECT_EQ(test, -EBUSY, srnic_admit_cq_destroy(adm, &scq));
	srnic_admit_qp_destroy(adm, &qp);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &scq, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &rcq, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &scq, SRNIC_ADMIT_TRUSTED));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &scq));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &rcq));
}

static void admission_table(struct kunit *test)
{
	const struct srnic_t_adm *a = test->param_value;

	srnic_t_adm_run(test, a, &srnic_t_ctx_a);
	srnic_t_adm_run(test, a, NULL);
}

static void qps_add_up_and_give_back_on_destroy(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q30 = srnic_t_d(30, 30), q20 = srnic_t_d(20, 20);
	struct srnic_admit_depth q1 = srnic_t_d(1, 1);
	struct srnic_admit_qp qp1, qp2, qp3;
	struct srnic_admit_cq cq;

	srnic_admit_cq_init(&cq, 100, NULL);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp1, &cq, &cq,
						       NULL, &q30, &q30, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp2, &cq, &cq,
						       NULL, &q20, &q20, NULL));
	KUNIT_EXPECT_EQ(test, 100ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	/* Full: even a one-WR SQ with no RQ does not fit. */
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			srnic_admit_qp_create(adm, &qp3, &cq, &cq, NULL, &q1,
					      &srnic_t_none, NULL));
	KUNIT_EXPECT_FALSE(test, qp3.admitted);
	srnic_admit_qp_destroy(adm, &qp1);
	KUNIT_EXPECT_EQ(test, 40ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_qp_create(adm, &qp3, &cq, &cq,
						       NULL, &q1, &srnic_t_none,
						       NULL));
	KUNIT_EXPECT_EQ(test, 41ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	/* Destroying twice gives nothing back twice. */
	srnic_admit_qp_destroy(adm, &qp1);
	KUNIT_EXPECT_EQ(test, 41ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	srnic_admit_qp_destroy(adm, &qp2);
	srnic_admit_qp_destroy(adm, &qp3);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
}

static void srq_counts_once_per_cq(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q10 = srnic_t_d(10, 5), q1 = srnic_t_d(1, 1);
	struct srnic_admit_depth s50 = srnic_t_d(50, 25);
	struct srnic_admit_qp qp1, qp2, qp3;
	struct srnic_admit_cq cq, cq2;
	struct srnic_admit_srq srq;

	srnic_admit_cq_init(&cq, 100, NULL);
	srnic_admit_cq_init(&cq2, 50, NULL);
	srnic_admit_srq_init(&srq, &s50, NULL);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp1, &cq, &cq,
						       &srq, &q10, NULL, NULL));
	KUNIT_EXPECT_EQ(test, 60ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 30ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_TRUSTED));
	/* A second QP of the same SRQ on the same CQ adds its SQ only. */
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp2, &cq, &cq,
						       &srq, &q10, NULL, NULL));
	KUNIT_EXPECT_EQ(test, 70ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	/* On another CQ the whole SRQ counts again: 50 + 1 > 50. */
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			srnic_admit_qp_create(adm, &qp3, &cq2, &cq2, &srq, &q1,
					      NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq2, 51));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp3, &cq2, &cq2,
						       &srq, &q1, NULL, NULL));
	KUNIT_EXPECT_EQ(test, 51ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, -EBUSY, srnic_admit_srq_destroy(adm, &srq));

	/* The SRQ leaves a CQ with the last of its QPs there. */
	srnic_admit_qp_destroy(adm, &qp1);
	KUNIT_EXPECT_EQ(test, 60ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	srnic_admit_qp_destroy(adm, &qp2);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 51ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
	srnic_admit_qp_destroy(adm, &qp3);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_destroy(adm, &srq));
}

static void srq_resize_must_fit_every_cq_it_completes_on(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q0 = srnic_t_d(0, 0), s10 = srnic_t_d(10, 10);
	struct srnic_admit_depth big, small = srnic_t_d(5, 5);
	struct srnic_admit_qp qp1, qp2;
	struct srnic_admit_cq cq1, cq2;
	struct srnic_admit_srq srq;

	srnic_admit_cq_init(&cq1, 100, NULL);
	srnic_admit_cq_init(&cq2, 20, NULL);
	srnic_admit_srq_init(&srq, &s10, NULL);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp1, &cq1, &cq1,
						       &srq, &q0, NULL, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp2, &cq1, &cq2,
						       &srq, &q0, NULL, NULL));
	/* cq1 could take 100, cq2 only 20: 21 is refused. */
	big = srnic_t_d(21, 21);
	KUNIT_EXPECT_EQ(test, -ENOSPC, srnic_admit_srq_modify(adm, &srq, &big));
	KUNIT_EXPECT_EQ(test, 10ULL, srnic_admit_cq_need(adm, &cq1, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 10ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
	big = srnic_t_d(20, 20);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_modify(adm, &srq, &big));
	KUNIT_EXPECT_EQ(test, 20ULL, srnic_admit_cq_need(adm, &cq1, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 20ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_modify(adm, &srq, &small));
	KUNIT_EXPECT_EQ(test, 5ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
	big = srnic_t_d(5, 6);
	KUNIT_EXPECT_EQ(test, -EINVAL, srnic_admit_srq_modify(adm, &srq, &big));
	srnic_admit_qp_destroy(adm, &qp1);
	srnic_admit_qp_destroy(adm, &qp2);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq1, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq2, SRNIC_ADMIT_STRICT));
}

/* &srnic_admit.policy, the setting for user contexts. */
static void cq_shrink_below_need_refused(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q = srnic_t_d(16, 4);
	struct srnic_admit_cq cq;
	struct srnic_admit_qp qp;

	srnic_admit_cq_init(&cq, 64, &srnic_t_ctx_a);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp, &cq, &cq, NULL,
						       &q, &q, &srnic_t_ctx_a));
	KUNIT_EXPECT_EQ(test, -ENOSPC, srnic_admit_cq_resize(adm, &cq, 31));
	KUNIT_EXPECT_EQ(test, 64U, cq.depth);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 32));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 1024));
	/* Under the trusted formula the same CQ may shrink to 8. */
	WRITE_ONCE(adm->policy, SRNIC_ADMIT_TRUSTED);
	KUNIT_EXPECT_EQ(test, -ENOSPC, srnic_admit_cq_resize(adm, &cq, 7));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 8));
	KUNIT_EXPECT_EQ(test, 2ULL, adm->refused);
	/*
	 * Back to strict, the CQ of 8 is below its need of 32: it may not
	 * shrink further, but it may grow, even if not yet to its need.
	 */
	WRITE_ONCE(adm->policy, SRNIC_ADMIT_STRICT);
	KUNIT_EXPECT_EQ(test, -ENOSPC, srnic_admit_cq_resize(adm, &cq, 7));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 8));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 16));
	KUNIT_EXPECT_EQ(test, 16U, cq.depth);
	KUNIT_EXPECT_EQ(test, 3ULL, adm->refused);
	srnic_admit_qp_destroy(adm, &qp);
}

static void policy_switch_applies_to_next_admission(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_TRUSTED);
	struct srnic_admit_depth q = srnic_t_d(16, 4);
	const void *ctx = &srnic_t_ctx_a;
	struct srnic_admit_qp qp1, qp2;
	struct srnic_admit_cq cq;

	srnic_admit_cq_init(&cq, 32, ctx);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp1, &cq, &cq,
						       NULL, &q, &q, ctx));
	KUNIT_EXPECT_EQ(test, 8ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_TRUSTED));
	KUNIT_EXPECT_EQ(test, 32ULL, srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	/* Both sums are kept, so switching needs no rescan. */
	WRITE_ONCE(adm->policy, SRNIC_ADMIT_STRICT);
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			srnic_admit_qp_create(adm, &qp2, &cq, &cq, NULL, &q, &q,
					      ctx));
	WRITE_ONCE(adm->policy, SRNIC_ADMIT_TRUSTED);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_qp_create(adm, &qp2, &cq, &cq,
						       NULL, &q, &q, ctx));
	srnic_admit_qp_destroy(adm, &qp1);
	srnic_admit_qp_destroy(adm, &qp2);
}

/*
 * cq_admission_kernel. One QP on one CQ of a user context or of the
 * kernel, each setting apart. nvme-rdma with queue depth q = 128 and
 * cq_factor 3 asks for a CQ of 3q + 1 = 385, an SQ of 385 and an RQ of
 * q + 1 = 129: 514 by the trusted formula.
 */
struct srnic_t_own {
	const char *name;
	bool user;		/* CQ and QP of a user context, not the kernel */
	enum srnic_admit_policy policy;		/* user contexts */
	enum srnic_admit_policy kernel_policy;	/* cq_admission_kernel */
	u32 cq_depth;
	u32 sq_size, sq_posted;
	u32 rq_size, rq_posted;
	int want;
	u64 overcommit;
};

#define S	SRNIC_ADMIT_STRICT
#define T	SRNIC_ADMIT_TRUSTED
#define A	SRNIC_ADMIT_ACCOUNT

static const struct srnic_t_own srnic_t_owns[] = {
	{ "kernel_account_admits_nvme_rdma_queue", false, S, A,
	  385, 385, 385, 129, 129, 0, 1 },
	{ "kernel_strict_refuses_nvme_rdma_queue", false, T, S,
	  385, 385, 385, 129, 129, -ENOSPC, 0 },
	{ "kernel_trusted_refuses_nvme_rdma_queue", false, S, T,
	  385, 385, 385, 129, 129, -ENOSPC, 0 },
	{ "kernel_account_fit_is_no_overcommit", false, S, A,
	  514, 385, 385, 129, 129, 0, 0 },
	{ "kernel_account_one_cqe_short_is_overcommit", false, S, A,
	  513, 385, 385, 129, 129, 0, 1 },
	{ "kernel_account_measures_requested_depths", false, S, A,
	  40, 32, 20, 32, 20, 0, 0 },
	{ "user_strict_ignores_kernel_account", true, S, A,
	  385, 385, 385, 129, 129, -ENOSPC, 0 },
	{ "user_trusted_ignores_kernel_strict", true, T, S,
	  40, 32, 20, 32, 20, 0, 0 },
	{ "user_strict_ignores_kernel_trusted", true, S, T,
	  40, 32, 20, 32, 20, -ENOSPC, 0 },
	{ "kernel_strict_ignores_user_trusted", false, T, S,
	  40, 32, 20, 32, 20, -ENOSPC, 0 },
	{ "kernel_trusted_ignores_user_strict", false, S, T,
	  40, 32, 20, 32, 20, 0, 0 },
};

#undef S
#undef T
#undef A

static void srnic_t_own_desc(const struct srnic_t_own *o, char *desc)
{
	strscpy(desc, o->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(srnic_t_own, srnic_t_owns, srnic_t_own_desc);

static void owner_picks_the_setting(struct kunit *test)
{
	const struct srnic_t_own *o = test->param_value;
	struct srnic_admit *adm = srnic_t_admit(test, o->policy);
	struct srnic_admit_depth sq = srnic_t_d(o->sq_size, o->sq_posted);
	struct srnic_admit_depth rq = srnic_t_d(o->rq_size, o->rq_posted);
	const void *owner = o->user ? &srnic_t_ctx_a : NULL;
	struct srnic_admit_cq cq;
	struct srnic_admit_qp qp;

	adm->kernel_policy = o->kernel_policy;
	srnic_admit_cq_init(&cq, o->cq_depth, owner);
	KUNIT_EXPECT_EQ(test, o->want,
			srnic_admit_qp_create(adm, &qp, &cq, &cq, NULL, &sq, &rq,
					      owner));
	KUNIT_EXPECT_EQ(test, adm->refused, o->want == -ENOSPC ? 1ULL : 0ULL);
	KUNIT_EXPECT_EQ(test, o->overcommit, adm->overcommit);
	if (o->want) {
		KUNIT_EXPECT_FALSE(test, qp.admitted);
		KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq,
								SRNIC_ADMIT_STRICT));
		return;
	}
	/* Account keeps both sums exactly as the other settings do. */
	KUNIT_EXPECT_EQ(test, (u64)o->sq_size + o->rq_size,
			srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, (u64)o->sq_posted + o->rq_posted,
			srnic_admit_cq_need(adm, &cq, SRNIC_ADMIT_TRUSTED));
	srnic_admit_qp_destroy(adm, &qp);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq,
							SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq,
							SRNIC_ADMIT_TRUSTED));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &cq));
}

static void kernel_setting_switch_applies_to_next_admission(struct kunit *test)
{
	struct srnic_admit *adm = kunit_kzalloc(test, sizeof(*adm), GFP_KERNEL);
	struct srnic_admit_depth sq = srnic_t_d(385, 385);
	struct srnic_admit_depth rq = srnic_t_d(129, 129);
	struct srnic_admit_qp qp1, qp2, uqp;
	struct srnic_admit_cq cq1, cq2, ucq;

	KUNIT_ASSERT_NOT_NULL(test, adm);
	/* As the device sets it up: users strict, the kernel accounted. */
	srnic_admit_init(adm, SRNIC_ADMIT_STRICT);
	KUNIT_EXPECT_EQ(test, (u32)SRNIC_ADMIT_ACCOUNT, adm->kernel_policy);
	srnic_admit_cq_init(&cq1, 385, NULL);
	srnic_admit_cq_init(&cq2, 385, NULL);
	srnic_admit_cq_init(&ucq, 385, &srnic_t_ctx_a);

	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp1, &cq1, &cq1,
						       NULL, &sq, &rq, NULL));
	KUNIT_EXPECT_EQ(test, 1ULL, adm->overcommit);
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			srnic_admit_qp_create(adm, &uqp, &ucq, &ucq, NULL, &sq,
					      &rq, &srnic_t_ctx_a));
	KUNIT_EXPECT_EQ(test, 1ULL, adm->refused);

	WRITE_ONCE(adm->kernel_policy, SRNIC_ADMIT_STRICT);
	/* What was admitted stays, and still counts on its CQ. */
	KUNIT_EXPECT_TRUE(test, qp1.admitted);
	KUNIT_EXPECT_EQ(test, 514ULL, srnic_admit_cq_need(adm, &cq1,
							  SRNIC_ADMIT_TRUSTED));
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			srnic_admit_qp_create(adm, &qp2, &cq2, &cq2, NULL, &sq,
					      &rq, NULL));
	KUNIT_EXPECT_EQ(test, 2ULL, adm->refused);

	WRITE_ONCE(adm->kernel_policy, SRNIC_ADMIT_ACCOUNT);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_qp_create(adm, &qp2, &cq2, &cq2,
						       NULL, &sq, &rq, NULL));
	KUNIT_EXPECT_EQ(test, 2ULL, adm->overcommit);
	KUNIT_EXPECT_EQ(test, 2ULL, adm->refused);

	srnic_admit_qp_destroy(adm, &qp1);
	srnic_admit_qp_destroy(adm, &qp2);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &cq1));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &cq2));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &ucq));
}

static void srnic_t_count(struct srnic_admit_qp *qp, void *arg)
{
	(*(int *)arg)++;
}

/*
 * Under account neither an SRQ that grows nor a CQ that shrinks is
 * refused; only what deepens an overcommit counts. An overcommitted CQ
 * that overflows is isolated like any other.
 */
static void account_counts_srq_growth_and_cq_shrink(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q50 = srnic_t_d(50, 50);
	struct srnic_admit_depth s60 = srnic_t_d(60, 60);
	struct srnic_admit_depth s80 = srnic_t_d(80, 80);
	struct srnic_admit_qp qp, late;
	struct srnic_admit_srq srq;
	struct srnic_admit_cq cq;
	int hits = 0;

	adm->kernel_policy = SRNIC_ADMIT_ACCOUNT;
	srnic_admit_cq_init(&cq, 100, NULL);
	srnic_admit_srq_init(&srq, &q50, NULL);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &qp, &cq, &cq, &srq,
						       &q50, NULL, NULL));
	KUNIT_EXPECT_EQ(test, 0ULL, adm->overcommit);

	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_modify(adm, &srq, &s80));
	KUNIT_EXPECT_EQ(test, 130ULL, srnic_admit_cq_need(adm, &cq,
							  SRNIC_ADMIT_TRUSTED));
	KUNIT_EXPECT_EQ(test, 1ULL, adm->overcommit);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 90));
	KUNIT_EXPECT_EQ(test, 90U, cq.depth);
	KUNIT_EXPECT_EQ(test, 2ULL, adm->overcommit);
	/* Growing towards the need, or needing less, is no overcommit. */
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_resize(adm, &cq, 120));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_modify(adm, &srq, &s60));
	KUNIT_EXPECT_EQ(test, 2ULL, adm->overcommit);
	KUNIT_EXPECT_EQ(test, 0ULL, adm->refused);

	/* The same requests under strict are refused. */
	WRITE_ONCE(adm->kernel_policy, SRNIC_ADMIT_STRICT);
	KUNIT_EXPECT_EQ(test, -ENOSPC, srnic_admit_srq_modify(adm, &srq, &s80));
	KUNIT_EXPECT_EQ(test, -ENOSPC, srnic_admit_cq_resize(adm, &cq, 100));
	KUNIT_EXPECT_EQ(test, 2ULL, adm->refused);
	KUNIT_EXPECT_EQ(test, 110ULL, srnic_admit_cq_need(adm, &cq,
							  SRNIC_ADMIT_TRUSTED));
	KUNIT_EXPECT_EQ(test, 120U, cq.depth);

	WRITE_ONCE(adm->kernel_policy, SRNIC_ADMIT_ACCOUNT);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_modify(adm, &srq, &s80));
	KUNIT_EXPECT_EQ(test, 3ULL, adm->overcommit);
	KUNIT_EXPECT_EQ(test, 1, srnic_admit_cq_overflow(adm, &cq,
							 srnic_t_count, &hits));
	KUNIT_EXPECT_EQ(test, 1, hits);
	KUNIT_EXPECT_EQ(test, -EIO,
			srnic_admit_qp_create(adm, &late, &cq, &cq, NULL, &q50,
					      &q50, NULL));

	srnic_admit_qp_destroy(adm, &qp);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_destroy(adm, &srq));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &cq));
}

static const enum srnic_admit_policy srnic_t_kernel_policies[] = {
	SRNIC_ADMIT_STRICT, SRNIC_ADMIT_TRUSTED, SRNIC_ADMIT_ACCOUNT,
};

static void srnic_t_kernel_policy_desc(const enum srnic_admit_policy *p,
				       char *desc)
{
	static const char * const names[] = { "strict", "trusted", "account" };

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "cq_admission_kernel_%s",
		 names[*p]);
}

KUNIT_ARRAY_PARAM(srnic_t_kernel_policy, srnic_t_kernel_policies,
		  srnic_t_kernel_policy_desc);

/* Whatever cq_admission_kernel says. */
static void cq_never_shared_between_user_contexts(struct kunit *test)
{
	const enum srnic_admit_policy *kernel_policy = test->param_value;
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q = srnic_t_d(1, 1);
	struct srnic_admit_cq cq_a, cq_b, cq_k;
	struct srnic_admit_srq srq_b;
	struct srnic_admit_qp qp;

	adm->kernel_policy = *kernel_policy;
	srnic_admit_cq_init(&cq_a, 64, &srnic_t_ctx_a);
	srnic_admit_cq_init(&cq_b, 64, &srnic_t_ctx_b);
	srnic_admit_cq_init(&cq_k, 64, NULL);
	srnic_admit_srq_init(&srq_b, &q, &srnic_t_ctx_b);
	KUNIT_EXPECT_EQ(test, -EPERM,
			srnic_admit_qp_create(adm, &qp, &cq_b, &cq_b, NULL, &q,
					      &q, &srnic_t_ctx_a));
	KUNIT_EXPECT_EQ(test, -EPERM,
			srnic_admit_qp_create(adm, &qp, &cq_a, &cq_b, NULL, &q,
					      &q, &srnic_t_ctx_a));
	KUNIT_EXPECT_EQ(test, -EPERM,
			srnic_admit_qp_create(adm, &qp, &cq_a, &cq_a, &srq_b, &q,
					      NULL, &srnic_t_ctx_a));
	/* Kernel CQs are not for user contexts, nor the other way round. */
	KUNIT_EXPECT_EQ(test, -EPERM,
			srnic_admit_qp_create(adm, &qp, &cq_k, &cq_k, NULL, &q,
					      &q, &srnic_t_ctx_a));
	KUNIT_EXPECT_EQ(test, -EPERM,
			srnic_admit_qp_create(adm, &qp, &cq_a, &cq_a, NULL, &q,
					      &q, NULL));
	KUNIT_EXPECT_EQ(test, 5ULL, adm->owner_refused);
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq_a, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0ULL, srnic_admit_cq_need(adm, &cq_b, SRNIC_ADMIT_STRICT));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_qp_create(adm, &qp, &cq_a, &cq_a,
						       NULL, &q, &q,
						       &srnic_t_ctx_a));
	srnic_admit_qp_destroy(adm, &qp);
}

/*
 * Overflow: six QPs over three CQs. The CQ that overflows takes down the
 * QPs that send or receive on it, each once, and nothing else.
 */
enum { Q_AA, Q_AB, Q_BA, Q_BB, Q_CC, Q_BC_SRQ, Q_NR };

struct srnic_t_ovf {
	struct srnic_admit_qp qp[Q_NR];
	int hits[Q_NR];
};

static void srnic_t_ovf_mark(struct srnic_admit_qp *qp, void *arg)
{
	struct srnic_t_ovf *o = arg;

	o->hits[qp - o->qp]++;
}

static void overflow_marks_only_qps_on_that_cq(struct kunit *test)
{
	struct srnic_admit *adm = srnic_t_admit(test, SRNIC_ADMIT_STRICT);
	struct srnic_admit_depth q = srnic_t_d(4, 4);
	static const int on_a[Q_NR] = { 1, 1, 1, 0, 0, 0 };
	static const int on_c[Q_NR] = { 1, 1, 1, 0, 1, 1 };
	struct srnic_admit_cq a, b, c;
	struct srnic_admit_srq srq;
	struct srnic_admit_qp late;
	struct srnic_t_ovf *o;
	int i;

	o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	srnic_admit_cq_init(&a, 64, NULL);
	srnic_admit_cq_init(&b, 64, NULL);
	srnic_admit_cq_init(&c, 64, NULL);
	srnic_admit_srq_init(&srq, &q, NULL);
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &o->qp[Q_AA], &a,
						       &a, NULL, &q, &q, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &o->qp[Q_AB], &a,
						       &b, NULL, &q, &q, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &o->qp[Q_BA], &b,
						       &a, NULL, &q, &q, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &o->qp[Q_BB], &b,
						       &b, NULL, &q, &q, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &o->qp[Q_CC], &c,
						       &c, NULL, &q, &q, NULL));
	KUNIT_ASSERT_EQ(test, 0, srnic_admit_qp_create(adm, &o->qp[Q_BC_SRQ],
						       &b, &c, &srq, &q, NULL,
						       NULL));

	KUNIT_EXPECT_EQ(test, 3, srnic_admit_cq_overflow(adm, &a,
							 srnic_t_ovf_mark, o));
	for (i = 0; i < Q_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, o->hits[i], on_a[i], "qp %d", i);
	KUNIT_EXPECT_TRUE(test, a.overflowed);
	KUNIT_EXPECT_FALSE(test, b.overflowed);
	KUNIT_EXPECT_FALSE(test, c.overflowed);

	/* Only the first overflow acts. */
	KUNIT_EXPECT_EQ(test, -EALREADY,
			srnic_admit_cq_overflow(adm, &a, srnic_t_ovf_mark, o));
	for (i = 0; i < Q_NR; i++)
		KUNIT_EXPECT_EQ(test, o->hits[i], on_a[i]);
	/* A CQ in error takes no new QP; the others still do. */
	KUNIT_EXPECT_EQ(test, -EIO, srnic_admit_qp_create(adm, &late, &b, &a,
							  NULL, &q, &q, NULL));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_qp_create(adm, &late, &b, &b, NULL,
						       &q, &q, NULL));
	srnic_admit_qp_destroy(adm, &late);

	KUNIT_EXPECT_EQ(test, 2, srnic_admit_cq_overflow(adm, &c,
							 srnic_t_ovf_mark, o));
	for (i = 0; i < Q_NR; i++)
		KUNIT_EXPECT_EQ_MSG(test, o->hits[i], on_c[i], "qp %d", i);
	KUNIT_EXPECT_EQ(test, 2ULL, adm->overflows);

	for (i = 0; i < Q_NR; i++)
		srnic_admit_qp_destroy(adm, &o->qp[i]);
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &a));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &b));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_cq_destroy(adm, &c));
	KUNIT_EXPECT_EQ(test, 0, srnic_admit_srq_destroy(adm, &srq));
}

static struct kunit_case srnic_admit_cases[] = {
	KUNIT_CASE_PARAM(admission_table, srnic_t_adm_gen_params),
	KUNIT_CASE(qps_add_up_and_give_back_on_destroy),
	KUNIT_CASE(srq_counts_once_per_cq),
	KUNIT_CASE(srq_resize_must_fit_every_cq_it_completes_on),
	KUNIT_CASE(cq_shrink_below_need_refused),
	KUNIT_CASE(policy_switch_applies_to_next_admission),
	KUNIT_CASE_PARAM(owner_picks_the_setting, srnic_t_own_gen_params),
	KUNIT_CASE(kernel_setting_switch_applies_to_next_admission),
	KUNIT_CASE(account_counts_srq_growth_and_cq_shrink),
	KUNIT_CASE_PARAM(cq_never_shared_between_user_contexts,
			 srnic_t_kernel_policy_gen_params),
	KUNIT_CASE(overflow_marks_only_qps_on_that_cq),
	{}
};

static struct kunit_suite srnic_admit_suite = {
	.name = "srnic_admit",
	.test_cases = srnic_admit_cases,
};

kunit_test_suite(srnic_admit_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic CQ admission and overflow isolation");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
