// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the ring of refused attaches (refused.c) and the dump's walk over
 * it (xg_conn_dump_refused()). The ring keeps the latest XG_REFUSED_MAX in
 * order, and a reader that resumes by sequence number sees every refusal
 * still kept exactly once, whatever came meanwhile.
 */
#include <kunit/test.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "conn.h"
#include "netns.h"
#include "refused.h"

/* The ring is a few KiB: too big for a test's stack. */
static struct xg_refused_ring *xg_t_ring(struct kunit *test)
{
	struct xg_refused_ring *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	return r;
}

/* Refusal number @n, told apart by its local port and time. */
static void xg_t_add(struct xg_refused_ring *r, unsigned int n)
{
	struct xg_refused e = {
		/* a reader must not trust what the writer put here */
		.seq = 0xdead,
		.when = 1000 + n,
		.owner = XFRM_GUARD_OWNER_ISCSI,
		.t = {
			.family = AF_INET,
			.lport = htons(40000 + n),
			.rport = htons(3260),
			.laddr.ip = htonl(0x0a000001),
			.raddr.ip = htonl(0x0a000002),
		},
		.reason = XFRM_GUARD_REASON_NO_IPSEC,
		.profile = n % 16,
	};

	if (n % 2) {
		e.reason = XFRM_GUARD_REASON_WEAK_ALGORITHM;
		strscpy(e.alg, "cbc(des)");
	}
	xg_refused_add(r, &e);
}

/* Refusal @n, as xg_t_add() made it, came back whole with its number. */
static void xg_t_expect(struct kunit *test, const struct xg_refused *e,
			unsigned int n)
{
	KUNIT_EXPECT_EQ(test, e->seq, n);
	KUNIT_EXPECT_EQ(test, e->when, 1000 + n);
	KUNIT_EXPECT_EQ(test, e->owner, XFRM_GUARD_OWNER_ISCSI);
	KUNIT_EXPECT_EQ(test, e->t.family, AF_INET);
	KUNIT_EXPECT_EQ(test, ntohs(e->t.lport), 40000 + n);
	KUNIT_EXPECT_EQ(test, ntohs(e->t.rport), 3260);
	KUNIT_EXPECT_EQ(test, ntohl(e->t.laddr.ip), 0x0a000001);
	KUNIT_EXPECT_EQ(test, ntohl(e->t.raddr.ip), 0x0a000002);
	KUNIT_EXPECT_EQ(test, e->profile, n % 16);
	if (n % 2) {
		KUNIT_EXPECT_EQ(test, e->reason,
				XFRM_GUARD_REASON_WEAK_ALGORITHM);
		KUNIT_EXPECT_STREQ(test, e->alg, "cbc(des)");
	} else {
		KUNIT_EXPECT_EQ(test, e->reason, XFRM_GUARD_REASON_NO_IPSEC);
		KUNIT_EXPECT_STREQ(test, e->alg, "");
	}
}

/*
 * Read everything from @seq on, as a dump does; the numbers seen go into
 * @seen. Return: how many.
 */
static unsigned int xg_t_read_all(const struct xg_refused_ring *r, u64 seq,
				  u64 *seen, unsigned int max)
{
	struct xg_refused e;
	unsigned int n = 0;

	while (n < max && xg_refused_next(r, seq, &e)) {
		seen[n++] = e.seq;
		seq = e.seq + 1;
	}
	return n;
}

static void empty_ring_has_nothing(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	struct xg_refused e;

	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, 0, &e));
	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, 5, &e));
	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, U64_MAX, &e));
}

static void few_refusals_read_back_oldest_first(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	struct xg_refused e;
	u64 seq = 0;
	unsigned int i;

	for (i = 0; i < 3; i++)
		xg_t_add(r, i);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_TRUE(test, xg_refused_next(r, seq, &e));
		xg_t_expect(test, &e, i);
		seq = e.seq + 1;
	}
	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, seq, &e));
	KUNIT_EXPECT_EQ(test, r->next_seq, 3);
}

static void full_ring_keeps_every_one(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	u64 seen[XG_REFUSED_MAX + 1];
	unsigned int i;

	for (i = 0; i < XG_REFUSED_MAX; i++)
		xg_t_add(r, i);
	KUNIT_ASSERT_EQ(test, xg_t_read_all(r, 0, seen, ARRAY_SIZE(seen)),
			XG_REFUSED_MAX);
	for (i = 0; i < XG_REFUSED_MAX; i++)
		KUNIT_EXPECT_EQ(test, seen[i], i);
}

/* Refusal 17 pushes out refusal 0, and only it. */
static void one_more_forgets_the_oldest(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	u64 seen[XG_REFUSED_MAX + 1];
	struct xg_refused e;
	unsigned int i;

	for (i = 0; i <= XG_REFUSED_MAX; i++)
		xg_t_add(r, i);
	KUNIT_ASSERT_EQ(test, xg_t_read_all(r, 0, seen, ARRAY_SIZE(seen)),
			XG_REFUSED_MAX);
	for (i = 0; i < XG_REFUSED_MAX; i++)
		KUNIT_EXPECT_EQ(test, seen[i], i + 1);
	/* the newest is whole, in the slot the oldest had */
	KUNIT_ASSERT_TRUE(test, xg_refused_next(r, XG_REFUSED_MAX, &e));
	xg_t_expect(test, &e, XG_REFUSED_MAX);
}

/* Many times round: still the latest ones, in order, each whole. */
static void wraps_many_times(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	unsigned int total = 10 * XG_REFUSED_MAX + 5, i;
	struct xg_refused e;
	u64 seq = 0;

	for (i = 0; i < total; i++)
		xg_t_add(r, i);
	for (i = total - XG_REFUSED_MAX; i < total; i++) {
		KUNIT_ASSERT_TRUE(test, xg_refused_next(r, seq, &e));
		xg_t_expect(test, &e, i);
		seq = e.seq + 1;
	}
	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, seq, &e));
}

/* A dump resumed after some entries: the rest, none twice. */
static void resume_continues_where_it_stopped(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	u64 seen[XG_REFUSED_MAX + 1];
	struct xg_refused e;
	unsigned int i, n;

	for (i = 0; i < 20; i++)
		xg_t_add(r, i);
	/* 0 to 3 are forgotten: a dump starts at 4; say it sent 4 to 9 */
	KUNIT_ASSERT_TRUE(test, xg_refused_next(r, 0, &e));
	KUNIT_EXPECT_EQ(test, e.seq, 4);
	n = xg_t_read_all(r, 10, seen, ARRAY_SIZE(seen));
	KUNIT_ASSERT_EQ(test, n, 10);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, seen[i], 10 + i);
}

/*
 * Refusals come between two parts of a dump: the new ones are seen, the
 * ones pushed out meanwhile are passed over, and none is seen twice.
 */
static void resume_after_new_refusals(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	u64 seen[XG_REFUSED_MAX + 1];
	unsigned int i, n;

	for (i = 0; i < 5; i++)
		xg_t_add(r, i);
	/* refusals 0 to 2 sent; 3 more come, nothing forgotten yet */
	for (i = 5; i < 8; i++)
		xg_t_add(r, i);
	n = xg_t_read_all(r, 3, seen, ARRAY_SIZE(seen));
	KUNIT_ASSERT_EQ(test, n, 5);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, seen[i], 3 + i);

	/* then 20 more: the reader at 8 jumps to the oldest kept, 12 */
	for (i = 8; i < 28; i++)
		xg_t_add(r, i);
	n = xg_t_read_all(r, 8, seen, ARRAY_SIZE(seen));
	KUNIT_ASSERT_EQ(test, n, XG_REFUSED_MAX);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, seen[i], 12 + i);
}

static void reader_past_the_end_gets_nothing(struct kunit *test)
{
	struct xg_refused_ring *r = xg_t_ring(test);
	struct xg_refused e;
	unsigned int i;

	for (i = 0; i < 20; i++)
		xg_t_add(r, i);
	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, 20, &e));
	KUNIT_EXPECT_FALSE(test, xg_refused_next(r, U64_MAX, &e));
	KUNIT_ASSERT_TRUE(test, xg_refused_next(r, 19, &e));
	xg_t_expect(test, &e, 19);
}

/* An IPv6 tuple and a long algorithm name survive the copy. */
static void entry_is_copied_whole(struct kunit *test)
{
	static const char alg[] = "rfc7539esp(chacha20,poly1305)-but-longer";
	struct xg_refused_ring *r = xg_t_ring(test);
	struct xg_refused in = {
		.when = 77,
		.owner = XFRM_GUARD_OWNER_IWARP,
		.t.family = AF_INET6,
		.t.lport = htons(1),
		.t.rport = htons(65535),
		.t.laddr.in6.s6_addr = { 0xfd, 0x99, [15] = 1 },
		.t.raddr.in6.s6_addr = { 0xfd, 0x99, [15] = 2 },
		.reason = XFRM_GUARD_REASON_NO_ANTI_REPLAY,
		.profile = 15,
	};
	struct xg_refused out;

	strscpy(in.alg, alg);
	xg_refused_add(r, &in);
	KUNIT_ASSERT_TRUE(test, xg_refused_next(r, 0, &out));
	KUNIT_EXPECT_EQ(test, out.seq, 0);
	KUNIT_EXPECT_EQ(test, out.when, 77);
	KUNIT_EXPECT_EQ(test, out.owner, XFRM_GUARD_OWNER_IWARP);
	KUNIT_EXPECT_EQ(test, out.t.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, ntohs(out.t.lport), 1);
	KUNIT_EXPECT_EQ(test, ntohs(out.t.rport), 65535);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&out.t.laddr.in6,
						&in.t.laddr.in6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&out.t.raddr.in6,
						&in.t.raddr.in6));
	KUNIT_EXPECT_EQ(test, out.reason, XFRM_GUARD_REASON_NO_ANTI_REPLAY);
	KUNIT_EXPECT_EQ(test, out.profile, 15);
	KUNIT_EXPECT_STREQ(test, out.alg, alg);
}

/*
 * The dump walk over a namespace's ring (conn.c): parts that fill up after
 * a few entries, refusals coming between parts, and the age.
 */
struct xg_t_dump {
	unsigned int room;	/* entries the current part still takes */
	unsigned int n;
	u16 lports[4 * XG_REFUSED_MAX];
	u64 ages[4 * XG_REFUSED_MAX];
};

static int xg_t_dump_one(const struct xg_conn_info *info, void *arg)
{
	struct xg_t_dump *d = arg;

	if (!info->refused || !d->room || d->n >= ARRAY_SIZE(d->lports))
		return -EMSGSIZE;
	d->room--;
	d->lports[d->n] = ntohs(info->t.lport);
	d->ages[d->n] = info->refused_age;
	d->n++;
	return 0;
}

static struct xg_net *xg_t_net(struct kunit *test)
{
	struct xg_net *xn;

	xn = kunit_kzalloc(test, sizeof(*xn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, xn);
	spin_lock_init(&xn->refused_lock);
	xn->refused = xg_t_ring(test);
	return xn;
}

static void dump_in_parts_sees_each_once(struct kunit *test)
{
	struct xg_net *xn = xg_t_net(test);
	struct xg_t_dump *d;
	unsigned int i, parts = 0;
	u64 seq = 0, prev;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	for (i = 0; i < 20; i++)
		xg_t_add(xn->refused, i);
	/* parts of 3 entries; 4 more refusals come after the second part */
	do {
		prev = seq;
		d->room = 3;
		seq = xg_conn_dump_refused(xn, seq, xg_t_dump_one, d);
		if (++parts == 2)
			for (i = 20; i < 24; i++)
				xg_t_add(xn->refused, i);
	} while (seq != prev && parts < 50);

	/* 4..9 sent in the first two parts; 10..19 were kept; 20..23 came */
	KUNIT_ASSERT_EQ(test, d->n, 6 + 14);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, d->lports[i], 40004 + i);
	/* 10 and later: 4 newer ones pushed out 4..7, which were sent */
	for (i = 6; i < d->n; i++)
		KUNIT_EXPECT_EQ(test, d->lports[i], 40010 + i - 6);
	KUNIT_EXPECT_EQ(test, seq, 24);
}

static void dump_gives_the_age(struct kunit *test)
{
	struct xg_net *xn = xg_t_net(test);
	time64_t now = ktime_get_boottime_seconds();
	struct xg_refused e = {
		.when = now - 5,
		.t.family = AF_INET,
		.t.lport = htons(1),
	};
	struct xg_t_dump *d;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	xg_refused_add(xn->refused, &e);
	/* a clock that went back (it cannot) would not make a huge age */
	e.when = now + 100;
	e.t.lport = htons(2);
	xg_refused_add(xn->refused, &e);
	d->room = 10;
	KUNIT_EXPECT_EQ(test, xg_conn_dump_refused(xn, 0, xg_t_dump_one, d), 2);
	KUNIT_ASSERT_EQ(test, d->n, 2);
	KUNIT_EXPECT_GE(test, d->ages[0], 5ULL);
	KUNIT_EXPECT_LE(test, d->ages[0], 7ULL);
	KUNIT_EXPECT_EQ(test, d->ages[1], 0ULL);
}

static struct kunit_case xg_refused_cases[] = {
	KUNIT_CASE(empty_ring_has_nothing),
	KUNIT_CASE(few_refusals_read_back_oldest_first),
	KUNIT_CASE(full_ring_keeps_every_one),
	KUNIT_CASE(one_more_forgets_the_oldest),
	KUNIT_CASE(wraps_many_times),
	KUNIT_CASE(resume_continues_where_it_stopped),
	KUNIT_CASE(resume_after_new_refusals),
	KUNIT_CASE(reader_past_the_end_gets_nothing),
	KUNIT_CASE(entry_is_copied_whole),
	KUNIT_CASE(dump_in_parts_sees_each_once),
	KUNIT_CASE(dump_gives_the_age),
	{}
};

static struct kunit_suite xg_refused_suite = {
	.name = "xg_refused",
	.test_cases = xg_refused_cases,
};

kunit_test_suite(xg_refused_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the xfrm_guard refused-attach ring");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
