// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: STag allocation (stag.c). The quarantine and key rules are
 * checked against an independent record of every index the test saw.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "access.h"
#include "stag.h"

static struct srnic_mem srnic_t_mem_a, srnic_t_mem_b;

static void srnic_t_table_exit(void *data)
{
	srnic_stag_table_destroy(data);
}

static struct srnic_stag_table *srnic_t_table(struct kunit *test, u32 qa,
					      u32 qms, u32 recycle)
{
	struct srnic_stag_table *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_table_init(t));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, srnic_t_table_exit, t));
	t->quarantine_allocs = qa;
	t->quarantine_ms = qms;
	t->recycle_min = recycle;
	return t;
}

static struct srnic_mem *srnic_t_lookup(struct srnic_stag_table *t, u32 stag,
					u8 *key, u8 *kind)
{
	struct srnic_stag_entry *e;
	struct srnic_mem *mem = NULL;

	rcu_read_lock();
	e = srnic_stag_lookup(t, stag);
	if (e) {
		mem = rcu_dereference(e->mem);
		*key = READ_ONCE(e->key);
		*kind = READ_ONCE(e->kind);
	}
	rcu_read_unlock();
	return mem;
}

static void stag_names_resolve_to_their_object(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 16, 0, 16);
	u32 lkey, rkey;
	u8 key, kind;

	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_LOCAL, &lkey));
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_REMOTE, &rkey));
	/* An lkey and an rkey of one MR never share an index. */
	KUNIT_EXPECT_NE(test, srnic_stag_index(lkey), srnic_stag_index(rkey));
	KUNIT_EXPECT_GE(test, srnic_stag_index(lkey), 1U);
	KUNIT_EXPECT_LE(test, srnic_stag_index(lkey), SRNIC_STAG_INDEX_MAX);

	KUNIT_EXPECT_PTR_EQ(test, srnic_t_lookup(t, lkey, &key, &kind),
			    &srnic_t_mem_a);
	KUNIT_EXPECT_EQ(test, key, srnic_stag_key(lkey));
	KUNIT_EXPECT_EQ(test, kind, SRNIC_STAG_LOCAL);
	KUNIT_EXPECT_PTR_EQ(test, srnic_t_lookup(t, rkey, &key, &kind),
			    &srnic_t_mem_a);
	KUNIT_EXPECT_EQ(test, key, srnic_stag_key(rkey));
	KUNIT_EXPECT_EQ(test, kind, SRNIC_STAG_REMOTE);
	KUNIT_EXPECT_EQ(test, t->nr_live, 2U);

	srnic_stag_free(t, lkey);
	srnic_stag_free(t, rkey);
	KUNIT_EXPECT_NULL(test, srnic_t_lookup(t, lkey, &key, &kind));
	KUNIT_EXPECT_NULL(test, srnic_t_lookup(t, rkey, &key, &kind));
	KUNIT_EXPECT_EQ(test, t->nr_live, 0U);
	KUNIT_EXPECT_EQ(test, t->nr_quarantined, 2U);
}

static void stag_index_zero_names_nothing(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 0, 0, 1);
	u8 key, kind;
	int i;

	for (i = 0; i < 256; i++)
		KUNIT_EXPECT_NULL(test, srnic_t_lookup(t, srnic_stag_make(0, i),
						       &key, &kind));
}

/*
 * The quarantine, measured in allocations: over 100k allocations with a
 * working set of 64 live STags, no index is handed out again before 1024
 * further allocations, none is live twice, and a reused index never gets
 * its previous key. recycle_min is small so that nearly every allocation
 * after the warm-up is a reuse, which is where the rules can break.
 */
#define SRNIC_T_ALLOCS		100000
#define SRNIC_T_LIVE		64
#define SRNIC_T_QUARANTINE	1024

static void stag_no_reuse_inside_quarantine_100k(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, SRNIC_T_QUARANTINE, 0,
						   256);
	u32 *live = kunit_kcalloc(test, SRNIC_T_LIVE, sizeof(u32), GFP_KERNEL);
	u64 early = 0, same_key = 0, twice = 0;
	struct xarray seen;	/* index -> value(free seq << 8 | key), or live */
	ktime_t start, t0;
	s64 in_stag = 0;	/* ns spent in alloc and free */
	u32 n;

	KUNIT_ASSERT_NOT_NULL(test, live);
	xa_init(&seen);
	start = ktime_get();
	for (n = 0; n < SRNIC_T_ALLOCS; n++) {
		u32 slot = n % SRNIC_T_LIVE, stag, index;
		void *old;
		int err;

		cond_resched();
		t0 = ktime_get();
		if (n >= SRNIC_T_LIVE)
			srnic_stag_free(t, live[slot]);
		err = srnic_stag_alloc(t, &srnic_t_mem_a, SRNIC_STAG_REMOTE,
				       &stag);
		in_stag += ktime_to_ns(ktime_sub(ktime_get(), t0));
		if (n >= SRNIC_T_LIVE) {
			index = srnic_stag_index(live[slot]);
			xa_store(&seen, index,
				 xa_mk_value((unsigned long)n << 8 |
					     srnic_stag_key(live[slot])),
				 GFP_KERNEL);
		}
		if (err) {
			KUNIT_FAIL(test, "allocation %u failed: %d", n, err);
			break;
		}
		index = srnic_stag_index(stag);
		old = xa_load(&seen, index);
		if (old == &srnic_t_mem_a) {
			twice++;
		} else if (old) {
			unsigned long v = xa_to_value(old);

			/* n allocations were made before this one. */
			if (n - (v >> 8) < SRNIC_T_QUARANTINE)
				early++;
			if ((v & 0xff) == srnic_stag_key(stag))
				same_key++;
		}
		xa_store(&seen, index, &srnic_t_mem_a, GFP_KERNEL);
		live[slot] = stag;
	}
	kunit_info(test, "%u allocations in %lld ms (%lld ms in alloc and free), %llu reused, %llu redrawn\n",
		   n, ktime_ms_delta(ktime_get(), start), in_stag / NSEC_PER_MSEC,
		   t->nr_reused, t->nr_collisions);
	for (n = 0; n < SRNIC_T_LIVE; n++)
		srnic_stag_free(t, live[n]);
	xa_destroy(&seen);

	KUNIT_EXPECT_EQ(test, twice, 0ULL);
	KUNIT_EXPECT_EQ(test, early, 0ULL);
	KUNIT_EXPECT_EQ(test, same_key, 0ULL);
	/* The rules were exercised: almost every allocation was a reuse. */
	KUNIT_EXPECT_GT(test, t->nr_reused, (u64)SRNIC_T_ALLOCS * 9 / 10);
	/* And memory stayed bounded by live + quarantine + recycle_min. */
	KUNIT_EXPECT_LE(test, t->nr_live + t->nr_quarantined + t->pool_len,
			(u32)(SRNIC_T_LIVE + SRNIC_T_QUARANTINE + 256 + 1));
}

static void stag_key_changes_on_every_reuse(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 0, 0, 1);
	DECLARE_BITMAP(keys, 256);
	u32 stag, prev;
	int i;

	bitmap_zero(keys, 256);
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_LOCAL, &prev));
	for (i = 0; i < 2000; i++) {
		srnic_stag_free(t, prev);
		if (srnic_stag_alloc(t, &srnic_t_mem_a, SRNIC_STAG_LOCAL,
				     &stag)) {
			KUNIT_FAIL(test, "allocation %d failed", i);
			return;
		}
		/* No quarantine, one free index: it comes back... */
		KUNIT_EXPECT_EQ(test, srnic_stag_index(stag),
				srnic_stag_index(prev));
		/* ...never with the key it had. */
		KUNIT_EXPECT_NE(test, srnic_stag_key(stag), srnic_stag_key(prev));
		__set_bit(srnic_stag_key(stag), keys);
		prev = stag;
	}
	srnic_stag_free(t, prev);
	/* Random, not a counter stuck on a few values: expect ~255. */
	KUNIT_EXPECT_GT(test, bitmap_weight(keys, 256), 200U);
}

static void stag_time_quarantine_holds_index(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 0, 2000, 1);
	u32 a, b, c;
	int i;

	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_LOCAL, &a));
	srnic_stag_free(t, a);
	/* Inside the 2 s the first free index is never handed out. */
	for (i = 0; i < 50; i++) {
		KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_b,
							  SRNIC_STAG_LOCAL,
							  &b));
		KUNIT_EXPECT_NE(test, srnic_stag_index(b), srnic_stag_index(a));
		srnic_stag_free(t, b);
	}
	KUNIT_EXPECT_EQ(test, t->nr_reused, 0ULL);
	KUNIT_EXPECT_EQ(test, t->pool_len, 0U);
	msleep(2200);
	/* After it, everything freed is in the pool and gets reused. */
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_LOCAL, &c));
	KUNIT_EXPECT_EQ(test, t->nr_reused, 1ULL);
	srnic_stag_free(t, c);
}

static void stag_count_and_time_both_hold(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 4, 200, 1);
	u32 a, b[4];
	int i;

	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_LOCAL, &a));
	srnic_stag_free(t, a);
	msleep(300);
	/* Time has passed, the count has not: still quarantined. */
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_b,
							  SRNIC_STAG_LOCAL,
							  &b[i]));
		KUNIT_EXPECT_NE(test, srnic_stag_index(b[i]),
				srnic_stag_index(a));
	}
	/* Four allocations later and 300 ms on: it is the only free one. */
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_LOCAL, &a));
	KUNIT_EXPECT_EQ(test, t->nr_reused, 1ULL);
	srnic_stag_free(t, a);
	for (i = 0; i < 4; i++)
		srnic_stag_free(t, b[i]);
}

static void stag_fresh_indices_are_unpredictable(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 0, 0, U32_MAX);
	u32 *stags = kunit_kcalloc(test, 4096, sizeof(u32), GFP_KERNEL);
	u32 high = 0, near = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, stags);
	for (i = 0; i < 4096; i++) {
		KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
							  SRNIC_STAG_REMOTE,
							  &stags[i]));
		if (srnic_stag_index(stags[i]) & BIT(23))
			high++;
		if (i && abs((s32)srnic_stag_index(stags[i]) -
			     (s32)srnic_stag_index(stags[i - 1])) < 4096)
			near++;
	}
	for (i = 0; i < 4096; i++)
		srnic_stag_free(t, stags[i]);
	/* Uniform over 2^24: half have the top bit (sd 32), few are close. */
	KUNIT_EXPECT_GT(test, high, 4096U / 2 - 300);
	KUNIT_EXPECT_LT(test, high, 4096U / 2 + 300);
	KUNIT_EXPECT_LT(test, near, 32U);
}

static void stag_rekey_sets_consumer_key(struct kunit *test)
{
	struct srnic_stag_table *t = srnic_t_table(test, 16, 0, 16);
	u32 stag, rekeyed;
	u8 key, kind, want;

	KUNIT_ASSERT_EQ(test, 0, srnic_stag_alloc(t, &srnic_t_mem_a,
						  SRNIC_STAG_REMOTE, &stag));
	want = srnic_stag_key(stag) + 1;
	KUNIT_ASSERT_EQ(test, 0, srnic_stag_rekey(t, stag, want, &rekeyed));
	KUNIT_EXPECT_EQ(test, srnic_stag_index(rekeyed), srnic_stag_index(stag));
	KUNIT_EXPECT_EQ(test, srnic_stag_key(rekeyed), want);
	KUNIT_EXPECT_PTR_EQ(test, srnic_t_lookup(t, stag, &key, &kind),
			    &srnic_t_mem_a);
	KUNIT_EXPECT_EQ(test, key, want);
	srnic_stag_free(t, rekeyed);
	/* A freed name cannot be rekeyed back to life. */
	KUNIT_EXPECT_EQ(test, -ENOENT, srnic_stag_rekey(t, rekeyed, 7, &stag));
}

static struct kunit_case srnic_stag_cases[] = {
	KUNIT_CASE(stag_names_resolve_to_their_object),
	KUNIT_CASE(stag_index_zero_names_nothing),
	KUNIT_CASE_SLOW(stag_no_reuse_inside_quarantine_100k),
	KUNIT_CASE(stag_key_changes_on_every_reuse),
	KUNIT_CASE_SLOW(stag_time_quarantine_holds_index),
	KUNIT_CASE(stag_count_and_time_both_hold),
	KUNIT_CASE(stag_fresh_indices_are_unpredictable),
	KUNIT_CASE(stag_rekey_sets_consumer_key),
	{}
};

static struct kunit_suite srnic_stag_suite = {
	.name = "srnic_stag",
	.test_cases = srnic_stag_cases,
};

kunit_test_suite(srnic_stag_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for srnic STag allocation");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
