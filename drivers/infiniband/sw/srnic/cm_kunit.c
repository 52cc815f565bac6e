// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the connection manager's decisions (cm.c): the endpoint state
 * machine and its events, exact IRD/ORD, the CRC policy from the guard,
 * and MULPDU from the MSS.
 */
#include <kunit/test.h>

#include "cm.h"

#define NO_EVENT	SRNIC_CEP_NO_EVENT

/* Every input to every state; at most one event, and its status. */
static void each_input_delivers_at_most_one_event(struct kunit *test)
{
	struct srnic_cep_step st;
	int s, in, a;

	for (s = 0; s < SRNIC_CEP_NR; s++)
		for (a = 0; a < 2; a++)
			for (in = 0; in < SRNIC_CEP_IN_NR; in++) {
				st = srnic_cep_step(s, a, in);
				KUNIT_EXPECT_LT(test, (int)st.next,
						SRNIC_CEP_NR);
				if (st.event == NO_EVENT)
					KUNIT_EXPECT_EQ(test, st.status, 0);
			}
}

static void closed_endpoint_reports_nothing(struct kunit *test)
{
	struct srnic_cep_step st;
	int in;

	for (in = 0; in < SRNIC_CEP_IN_NR; in++) {
		st = srnic_cep_step(SRNIC_CEP_CLOSED, true, in);
		KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
		KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_CLOSED);
		st = srnic_cep_step(SRNIC_CEP_CLOSED, false, in);
		KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	}
}

struct reply_case {
	enum srnic_cep_state s;
	enum srnic_cep_input in;
	int status;
};

static const struct reply_case reply_cases[] = {
	{ SRNIC_CEP_CONNECTING, SRNIC_CEP_IN_TIMEOUT, -ETIMEDOUT },
	{ SRNIC_CEP_CONNECTING, SRNIC_CEP_IN_RESET, -ECONNRESET },
	{ SRNIC_CEP_CONNECTING, SRNIC_CEP_IN_GUARD_REFUSED, -EACCES },
	{ SRNIC_CEP_CONNECTING, SRNIC_CEP_IN_DOWN, -ECONNRESET },
	{ SRNIC_CEP_WAIT_REP, SRNIC_CEP_IN_MPA_REJECT, -ECONNREFUSED },
	{ SRNIC_CEP_WAIT_REP, SRNIC_CEP_IN_MPA_BAD, -EPROTO },
	{ SRNIC_CEP_WAIT_REP, SRNIC_CEP_IN_TIMEOUT, -ETIMEDOUT },
	{ SRNIC_CEP_WAIT_REP, SRNIC_CEP_IN_RESET, -ECONNRESET },
	{ SRNIC_CEP_WAIT_REP, SRNIC_CEP_IN_DOWN, -ECONNRESET },
};

/* Each failure of a connect is one CONNECT_REPLY with its own status. */
static void failed_connect_is_one_reply_with_status(struct kunit *test)
{
	struct srnic_cep_step st;
	int i;

	for (i = 0; i < ARRAY_SIZE(reply_cases); i++) {
		st = srnic_cep_step(reply_cases[i].s, true, reply_cases[i].in);
		KUNIT_EXPECT_EQ_MSG(test, st.event, IW_CM_EVENT_CONNECT_REPLY,
				    "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, st.status, reply_cases[i].status,
				    "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, st.next, SRNIC_CEP_CLOSED,
				    "case %d", i);
	}
}

static void connect_goes_tcp_then_mpa_then_rts(struct kunit *test)
{
	struct srnic_cep_step st;

	st = srnic_cep_step(SRNIC_CEP_CONNECTING, true, SRNIC_CEP_IN_TCP_UP);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_WAIT_REP);
	KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	/* A reply before TCP is up cannot be. */
	st = srnic_cep_step(SRNIC_CEP_CONNECTING, true, SRNIC_CEP_IN_MPA_OK);
	KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_CONNECTING);
	st = srnic_cep_step(SRNIC_CEP_WAIT_REP, true, SRNIC_CEP_IN_MPA_OK);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_RTS);
	KUNIT_EXPECT_EQ(test, st.event, IW_CM_EVENT_CONNECT_REPLY);
	KUNIT_EXPECT_EQ(test, st.status, 0);
}

/* Passive: iw_cm hears of nothing that fails before the request is whole. */
static void passive_failure_before_request_is_silent(struct kunit *test)
{
	static const enum srnic_cep_input ins[] = {
		SRNIC_CEP_IN_MPA_BAD, SRNIC_CEP_IN_TIMEOUT, SRNIC_CEP_IN_RESET,
		SRNIC_CEP_IN_GUARD_REFUSED, SRNIC_CEP_IN_DOWN,
	};
	struct srnic_cep_step st;
	int i;

	for (i = 0; i < ARRAY_SIZE(ins); i++) {
		st = srnic_cep_step(SRNIC_CEP_WAIT_REQ, false, ins[i]);
		KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
		KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_CLOSED);
	}
	st = srnic_cep_step(SRNIC_CEP_WAIT_REQ, false, SRNIC_CEP_IN_MPA_OK);
	KUNIT_EXPECT_EQ(test, st.event, IW_CM_EVENT_CONNECT_REQUEST);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_REQ_UP);
	/* Not accepted before the request was delivered. */
	st = srnic_cep_step(SRNIC_CEP_WAIT_REQ, false, SRNIC_CEP_IN_ACCEPT);
	KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_WAIT_REQ);
}

static void accept_is_established_reject_and_reset_are_silent(struct kunit *test)
{
	struct srnic_cep_step st;

	st = srnic_cep_step(SRNIC_CEP_REQ_UP, false, SRNIC_CEP_IN_ACCEPT);
	KUNIT_EXPECT_EQ(test, st.event, IW_CM_EVENT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_RTS);
	st = srnic_cep_step(SRNIC_CEP_REQ_UP, false, SRNIC_CEP_IN_REJECT);
	KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_CLOSED);
	st = srnic_cep_step(SRNIC_CEP_REQ_UP, false, SRNIC_CEP_IN_RESET);
	KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_CLOSED);
	/* The consumer decides how long it thinks: no timeout there. */
	st = srnic_cep_step(SRNIC_CEP_REQ_UP, false, SRNIC_CEP_IN_TIMEOUT);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_REQ_UP);
}

static void connected_endpoint_closes_once(struct kunit *test)
{
	struct srnic_cep_step st;
	int a;

	for (a = 0; a < 2; a++) {
		st = srnic_cep_step(SRNIC_CEP_RTS, a, SRNIC_CEP_IN_RESET);
		KUNIT_EXPECT_EQ(test, st.event, IW_CM_EVENT_CLOSE);
		KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_CLOSED);
		st = srnic_cep_step(SRNIC_CEP_RTS, a, SRNIC_CEP_IN_DOWN);
		KUNIT_EXPECT_EQ(test, st.event, IW_CM_EVENT_CLOSE);
		/* No second reply or timeout once connected. */
		st = srnic_cep_step(SRNIC_CEP_RTS, a, SRNIC_CEP_IN_TIMEOUT);
		KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
		KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_RTS);
		st = srnic_cep_step(SRNIC_CEP_RTS, a, SRNIC_CEP_IN_MPA_OK);
		KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	}
}

static void out_of_range_input_is_ignored(struct kunit *test)
{
	struct srnic_cep_step st = srnic_cep_step(SRNIC_CEP_WAIT_REP, true,
						  SRNIC_CEP_IN_NR);

	KUNIT_EXPECT_EQ(test, st.event, NO_EVENT);
	KUNIT_EXPECT_EQ(test, st.next, SRNIC_CEP_WAIT_REP);
}

/* RFC 6581: exact, not rounded; ORD never over the peer's IRD. */
static void ird_ord_are_exact(struct kunit *test)
{
	u16 ird, ord;

	srnic_cep_ird_ord(3, 5, 7, 2, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, 3);
	KUNIT_EXPECT_EQ(test, ord, 5);
	srnic_cep_ird_ord(3, 5, 3, 9, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, 3);
	KUNIT_EXPECT_EQ(test, ord, 3);
	srnic_cep_ird_ord(0, 16, 0, 16, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, 0);
	KUNIT_EXPECT_EQ(test, ord, 0);
	srnic_cep_ird_ord(127, 128, 128, 1, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, 127);
	KUNIT_EXPECT_EQ(test, ord, 128);
}

/* The request's 14-bit IRD/ORD reach iw_cm's u8 fields clamped, not cut. */
static void peer_ird_ord_are_clamped_to_the_device(struct kunit *test)
{
	struct srnic_mpa_params p = { .rev = SRNIC_MPA_REV_2 };
	u16 ird, ord;

	p.ird = 256;
	p.ord = 300;
	srnic_cep_peer_ird_ord(&p, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, SRNIC_MAX_IRD_QP);
	KUNIT_EXPECT_EQ(test, ord, SRNIC_MAX_ORD_QP);
	p.ird = 0x3fff;
	p.ord = 0x3fff;
	srnic_cep_peer_ird_ord(&p, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, SRNIC_MAX_IRD_QP);
	KUNIT_EXPECT_EQ(test, ord, SRNIC_MAX_ORD_QP);
	KUNIT_EXPECT_LE(test, ird, U8_MAX);
	p.ird = 7;
	p.ord = 3;
	srnic_cep_peer_ird_ord(&p, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, 3);
	KUNIT_EXPECT_EQ(test, ord, 7);
	p.ird = 0;
	p.ord = 0;
	srnic_cep_peer_ird_ord(&p, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, 0);
	KUNIT_EXPECT_EQ(test, ord, 0);
	p.rev = SRNIC_MPA_REV_1;
	srnic_cep_peer_ird_ord(&p, &ird, &ord);
	KUNIT_EXPECT_EQ(test, ird, SRNIC_MAX_IRD_QP);
	KUNIT_EXPECT_EQ(test, ord, SRNIC_MAX_ORD_QP);
}

/* A consumer whose iw_cm fails to copy private data (GFP_ATOMIC). */
struct fake_iwcm {
	int events;
	int status;
	int pd_len;
	int refs;
};

static int fake_iwcm_event(struct iw_cm_id *cm_id, struct iw_cm_event *ev)
{
	struct fake_iwcm *f = cm_id->context;

	if (ev->private_data_len)
		return -ENOMEM;
	f->events++;
	f->status = ev->status;
	f->pd_len = ev->private_data_len;
	return 0;
}

static void fake_iwcm_rem_ref(struct iw_cm_id *cm_id)
{
	struct fake_iwcm *f = cm_id->context;

	f->refs--;
}

static void reply_case_run(struct kunit *test, enum srnic_cep_input in,
			   int status)
{
	static const u8 pdata[] = "refused-by-peer";
	struct srnic_dev *sdev;
	struct iw_cm_id *cm_id;
	struct fake_iwcm *f;
	struct srnic_cep *cep;

	sdev = kunit_kzalloc(test, sizeof(*sdev), GFP_KERNEL);
	cm_id = kunit_kzalloc(test, sizeof(*cm_id), GFP_KERNEL);
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sdev);
	KUNIT_ASSERT_NOT_NULL(test, cm_id);
	KUNIT_ASSERT_NOT_NULL(test, f);
	xa_init_flags(&sdev->cep_xa, XA_FLAGS_ALLOC1);
	cm_id->context = f;
	cm_id->event_handler = fake_iwcm_event;
	cm_id->rem_ref = fake_iwcm_rem_ref;
	f->refs = 1;
	cep = srnic_cep_alloc(sdev, true);
	KUNIT_ASSERT_NOT_NULL(test, cep);
	kref_get(&cep->ref);
	mutex_lock(&cep->lock);
	cep->cm_id = cm_id;
	cep->state = SRNIC_CEP_WAIT_REP;
	cep->f.pdata = pdata;
	cep->f.pd_len = sizeof(pdata);
	srnic_cep_input(cep, in);
	KUNIT_EXPECT_EQ(test, cep->state, SRNIC_CEP_CLOSED);
	mutex_unlock(&cep->lock);
	srnic_cep_put(cep);
	KUNIT_EXPECT_EQ(test, f->events, 1);
	KUNIT_EXPECT_EQ(test, f->status, status);
	KUNIT_EXPECT_EQ(test, f->pd_len, 0);
	KUNIT_EXPECT_EQ(test, f->refs, 0);
	KUNIT_EXPECT_TRUE(test, xa_empty(&sdev->cep_xa));
	xa_destroy(&sdev->cep_xa);
}

/*
 * A CONNECT_REPLY iw_cm refuses (no memory for its private data) is
 * followed by one without: the cm_id never waits for ever.
 */
static void refused_reply_is_retried_without_private_data(struct kunit *test)
{
	reply_case_run(test, SRNIC_CEP_IN_MPA_OK, -ENOMEM);
	reply_case_run(test, SRNIC_CEP_IN_MPA_REJECT, -ECONNREFUSED);
}

static void crc_is_skipped_only_when_the_guard_says_so(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, srnic_cep_crc_policy(XFRM_GUARD_CRC_COMPUTE_SOFTWARE),
			SRNIC_MPA_CRC_REQUIRED);
	KUNIT_EXPECT_EQ(test, srnic_cep_crc_policy(XFRM_GUARD_CRC_COMPUTE_FORCED),
			SRNIC_MPA_CRC_REQUIRED);
	KUNIT_EXPECT_EQ(test, srnic_cep_crc_policy(XFRM_GUARD_CRC_SKIP_OFFLOADED),
			SRNIC_MPA_CRC_ALLOWED);
	KUNIT_EXPECT_EQ(test, srnic_cep_crc_policy(XFRM_GUARD_CRC_SKIP_DISABLED),
			SRNIC_MPA_CRC_UNWANTED);
	KUNIT_EXPECT_EQ(test, srnic_cep_crc_policy((enum xfrm_guard_crc)77),
			SRNIC_MPA_CRC_REQUIRED);
}

/* The FPDU (length, ULPDU, pad, CRC) fits one segment of the MSS. */
static void mulpdu_fits_the_mss(struct kunit *test)
{
	u32 mss, u, fpdu;

	for (mss = 200; mss <= 9000; mss += 7) {
		u = srnic_cep_mulpdu(mss);
		fpdu = round_up(SRNIC_MPA_FPDU_HDR_SIZE + u,
				SRNIC_MPA_FPDU_ALIGN) + SRNIC_MPA_CRC_SIZE;
		KUNIT_EXPECT_LE_MSG(test, fpdu, mss, "mss %u", mss);
		KUNIT_EXPECT_GT_MSG(test, fpdu + SRNIC_MPA_FPDU_ALIGN, mss,
				    "mss %u", mss);
	}
	KUNIT_EXPECT_EQ(test, srnic_cep_mulpdu(1448), 1442);
	KUNIT_EXPECT_EQ(test, srnic_cep_mulpdu(0), 128);
}

static struct kunit_case srnic_cm_cases[] = {
	KUNIT_CASE(each_input_delivers_at_most_one_event),
	KUNIT_CASE(closed_endpoint_reports_nothing),
	KUNIT_CASE(failed_connect_is_one_reply_with_status),
	KUNIT_CASE(connect_goes_tcp_then_mpa_then_rts),
	KUNIT_CASE(passive_failure_before_request_is_silent),
	KUNIT_CASE(accept_is_established_reject_and_reset_are_silent),
	KUNIT_CASE(connected_endpoint_closes_once),
	KUNIT_CASE(out_of_range_input_is_ignored),
	KUNIT_CASE(ird_ord_are_exact),
	KUNIT_CASE(peer_ird_ord_are_clamped_to_the_device),
	KUNIT_CASE(refused_reply_is_retried_without_private_data),
	KUNIT_CASE(crc_is_skipped_only_when_the_guard_says_so),
	KUNIT_CASE(mulpdu_fits_the_mss),
	{}
};

static struct kunit_suite srnic_cm_suite = {
	.name = "srnic_cm",
	.test_cases = srnic_cm_cases,
};

kunit_test_suite(srnic_cm_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic's connection manager");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
