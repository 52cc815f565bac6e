// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: is the SA a received segment came through the connection's own
 * (xg_sa_is_conn(), datapath.c)? A third IPsec peer with a valid SA of its own
 * must not be able to speak for the connection's peer.
 */
#include <kunit/test.h>
#include <linux/inet.h>
#include <linux/socket.h>
#include <net/xfrm.h>

#include "conn.h"
#include "datapath.h"

/* The connection: 192.0.2.1:40000 (us) <-> 192.0.2.2:3260 (peer). */
#define US4	"192.0.2.1"
#define PEER4	"192.0.2.2"
#define ROGUE4	"198.51.100.7"
#define US6	"2001:db8::1"
#define PEER6	"2001:db8::2"
#define ROGUE6	"2001:db8:bad::7"

struct xg_t_sa_case {
	const char *desc;
	u16 family;
	u8 mode;		/* XFRM_MODE_* */
	const char *saddr;	/* the SA's source (outer, in tunnel mode) */
	const char *daddr;	/* the SA's destination */
	const char *sel_src;	/* selector source prefix; NULL: wildcard */
	u8 sel_len;
	const char *peer;	/* the outbound tunnel's peer; NULL: unknown */
	bool want;
};

static const struct xg_t_sa_case xg_t_sa_cases[] = {
	{ "transport_the_connections_sa", AF_INET, XFRM_MODE_TRANSPORT,
	  PEER4, US4, NULL, 0, NULL, true },
	{ "transport_sa_of_a_third_peer", AF_INET, XFRM_MODE_TRANSPORT,
	  ROGUE4, US4, NULL, 0, NULL, false },
	{ "transport_sa_to_another_local_address", AF_INET,
	  XFRM_MODE_TRANSPORT, PEER4, "192.0.2.9", NULL, 0, NULL, false },
	{ "transport_v6_the_connections_sa", AF_INET6, XFRM_MODE_TRANSPORT,
	  PEER6, US6, NULL, 0, NULL, true },
	{ "transport_v6_sa_of_a_third_peer", AF_INET6, XFRM_MODE_TRANSPORT,
	  ROGUE6, US6, NULL, 0, NULL, false },
	{ "tunnel_portal_wildcard_selector", AF_INET, XFRM_MODE_TUNNEL,
	  ROGUE4, US4, NULL, 0, NULL, true },
	{ "tunnel_selector_covers_the_peer", AF_INET, XFRM_MODE_TUNNEL,
	  "203.0.113.1", US4, "192.0.2.0", 24, NULL, true },
	{ "tunnel_selector_excludes_the_peer", AF_INET, XFRM_MODE_TUNNEL,
	  "203.0.113.1", US4, "10.0.0.0", 8, NULL, false },
	{ "tunnel_from_the_outbound_peer", AF_INET, XFRM_MODE_TUNNEL,
	  "203.0.113.1", US4, NULL, 0, "203.0.113.1", true },
	{ "tunnel_from_another_gateway", AF_INET, XFRM_MODE_TUNNEL,
	  ROGUE4, US4, NULL, 0, "203.0.113.1", false },
	{ "tunnel_v6_from_another_gateway", AF_INET6, XFRM_MODE_TUNNEL,
	  ROGUE6, US6, NULL, 0, "2001:db8:1::1", false },
	{ "tunnel_v6_from_the_outbound_peer", AF_INET6, XFRM_MODE_TUNNEL,
	  "2001:db8:1::1", US6, NULL, 0, "2001:db8:1::1", true },
};

static void xg_t_sa_desc(const struct xg_t_sa_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xg_t_sa, xg_t_sa_cases, xg_t_sa_desc);

static void xg_t_addr(struct kunit *test, u16 family, const char *s,
		      xfrm_address_t *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET)
		KUNIT_ASSERT_TRUE(test, in4_pton(s, -1, (u8 *)&a->a4, -1, NULL));
	else
		KUNIT_ASSERT_TRUE(test, in6_pton(s, -1, (u8 *)a->a6, -1, NULL));
}

static void sa_belongs_to_the_connection(struct kunit *test)
{
	const struct xg_t_sa_case *c = test->param_value;
	struct xfrm_state *x;
	xfrm_address_t a, peer;
	struct xg_tuple t = {
		.family = c->family,
		.lport = htons(40000),
		.rport = htons(3260),
	};

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	x->props.family = c->family;
	x->props.mode = c->mode;
	x->id.proto = IPPROTO_ESP;
	xg_t_addr(test, c->family, c->saddr, &x->props.saddr);
	xg_t_addr(test, c->family, c->daddr, &x->id.daddr);
	if (c->sel_src) {
		xg_t_addr(test, c->family, c->sel_src, &x->sel.saddr);
		x->sel.prefixlen_s = c->sel_len;
		x->sel.family = c->family;
	}

	xg_t_addr(test, c->family, c->family == AF_INET ? US4 : US6, &a);
	if (c->family == AF_INET)
		t.laddr.ip = a.a4;
	else
		memcpy(&t.laddr.in6, a.a6, sizeof(t.laddr.in6));
	xg_t_addr(test, c->family, c->family == AF_INET ? PEER4 : PEER6, &a);
	if (c->family == AF_INET)
		t.raddr.ip = a.a4;
	else
		memcpy(&t.raddr.in6, a.a6, sizeof(t.raddr.in6));

	if (c->peer) {
		xg_t_addr(test, c->family, c->peer, &peer);
		KUNIT_EXPECT_EQ(test, xg_sa_is_conn(x, &t, &peer, c->family),
				c->want);
	} else {
		KUNIT_EXPECT_EQ(test, xg_sa_is_conn(x, &t, NULL, 0), c->want);
	}
}

/* A selector that names ports must name the connection's. */
static void tunnel_selector_ports_must_match(struct kunit *test)
{
	struct xfrm_state *x;
	struct xg_tuple t = {
		.family = AF_INET,
		.lport = htons(40000),
		.rport = htons(3260),
	};

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	x->props.family = AF_INET;
	x->props.mode = XFRM_MODE_TUNNEL;
	x->sel.family = AF_INET;
	x->sel.proto = IPPROTO_TCP;
	x->sel.sport = htons(3260);
	x->sel.sport_mask = htons(0xffff);
	KUNIT_EXPECT_TRUE(test, xg_sa_is_conn(x, &t, NULL, 0));
	x->sel.sport = htons(3261);
	KUNIT_EXPECT_FALSE(test, xg_sa_is_conn(x, &t, NULL, 0));
	x->sel.sport = htons(3260);
	x->sel.proto = IPPROTO_UDP;
	KUNIT_EXPECT_FALSE(test, xg_sa_is_conn(x, &t, NULL, 0));
}

static struct kunit_case xg_conn_cases[] = {
	KUNIT_CASE_PARAM(sa_belongs_to_the_connection, xg_t_sa_gen_params),
	KUNIT_CASE(tunnel_selector_ports_must_match),
	{}
};

static struct kunit_suite xg_conn_suite = {
	.name = "xg_conn",
	.test_cases = xg_conn_cases,
};

kunit_test_suite(xg_conn_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for xfrm_guard's inbound SA ownership check");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
