// SPDX-License-Identifier: GPL-2.0
/*
 * A KUnit suite with one deliberately failing case. "make check-harness"
 * loads it in the VM and requires the runner to report the failure and exit
 * non-zero; it is never part of "make check".
 */
#include <kunit/test.h>

static void harness_passing_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2, 1 + 1);
}

static void harness_deliberately_failing_case(struct kunit *test)
{
	int answer = 41;

	KUNIT_EXPECT_EQ_MSG(test, answer, 42,
			    "deliberate failure: the harness must report it");
}

static struct kunit_case harness_fail_cases[] = {
	KUNIT_CASE(harness_passing_case),
	KUNIT_CASE(harness_deliberately_failing_case),
	{}
};

static struct kunit_suite harness_fail_suite = {
	.name = "sanguard_harness_fail",
	.test_cases = harness_fail_cases,
};

kunit_test_suite(harness_fail_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sanguard harness check: a failing KUnit case");
