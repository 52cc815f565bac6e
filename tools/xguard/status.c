// SPDX-License-Identifier: GPL-2.0
/*
 * xguard's status commands: "conn show" (attached connections, then the
 * latest refused attaches), "stats" (the namespace's counters) and
 * "monitor" (events as they happen), in text or JSON.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xfrm_guard.h>

#include "xguard.h"

static const char *const sa_mode_names[] = {
	"transport", "tunnel", "beet", "other",
};

static const char *const conn_state_names[] = { "attached", "refused" };

static const char *const event_names[] = {
	"unspec", "refused", "lost", "restored", "dropped", "audited",
	"owner_refused", "hold_expired",
};

/* by attribute type - XFRM_GUARD_STATS_A_ATTACHED */
static const char *const stat_names[] = {
	"attached", "refused", "audited", "lost", "restored", "rx_dropped",
	"tx_held", "portal_dropped", "warned", "owner_refused", "hold_expired",
};

/* ---- connections ------------------------------------------------------ */

/* "addr:port", with brackets around an IPv6 address. */
static void endpoint_str(uint16_t family, const struct nlattr *addr,
			 uint16_t port, char *out, size_t len)
{
	size_t alen = family == AF_INET6 ? 16 : 4;
	char a[INET6_ADDRSTRLEN] = "?";

	if (addr && mnl_attr_get_payload_len(addr) == alen)
		addr_str(family, mnl_attr_get_payload(addr), a, sizeof(a));
	if (family == AF_INET6)
		snprintf(out, len, "[%s]:%u", a, port);
	else
		snprintf(out, len, "%s:%u", a, port);
}

static void json_opt_str(const char *key, const char *v)
{
	printf(",\"%s\":", key);
	if (v)
		put_json_str(v);
	else
		printf("null");
}

static void json_opt_u32(const char *key, const struct nlattr *a)
{
	if (a)
		printf(",\"%s\":%u", key, get_uint(a));
	else
		printf(",\"%s\":null", key);
}

static void json_opt_bool(const char *key, const struct nlattr *a)
{
	printf(",\"%s\":%s", key, !a ? "null" : get_u8(a) ? "true" : "false");
}

/* The JSON tuple of a connection: owner, family, both ends. */
static void print_conn_json_tuple(const struct nlattr **tb)
{
	uint16_t family = get_u16(tb[XFRM_GUARD_CONN_A_FAMILY]);
	size_t alen = family == AF_INET6 ? 16 : 4;
	char l[INET6_ADDRSTRLEN] = "?", r[INET6_ADDRSTRLEN] = "?";

	if (tb[XFRM_GUARD_CONN_A_LADDR] &&
	    mnl_attr_get_payload_len(tb[XFRM_GUARD_CONN_A_LADDR]) == alen)
		addr_str(family, mnl_attr_get_payload(tb[XFRM_GUARD_CONN_A_LADDR]),
			 l, sizeof(l));
	if (tb[XFRM_GUARD_CONN_A_RADDR] &&
	    mnl_attr_get_payload_len(tb[XFRM_GUARD_CONN_A_RADDR]) == alen)
		addr_str(family, mnl_attr_get_payload(tb[XFRM_GUARD_CONN_A_RADDR]),
			 r, sizeof(r));
	printf("{\"owner\":\"%s\",\"family\":\"%s\"",
	       name_of(owner_names, N(owner_names),
		       get_u8(tb[XFRM_GUARD_CONN_A_OWNER])),
	       family == AF_INET6 ? "inet6" : "inet");
	printf(",\"local\":\"%s\",\"local_port\":%u", l,
	       get_u16(tb[XFRM_GUARD_CONN_A_LPORT]));
	printf(",\"remote\":\"%s\",\"remote_port\":%u", r,
	       get_u16(tb[XFRM_GUARD_CONN_A_RPORT]));
}

static void print_conn_json(const struct nlattr **tb)
{
	static const char *const counters[] = {
		"rx_dropped", "tx_dropped", "lost", "restored",
	};
	static const int counter_attrs[] = {
		XFRM_GUARD_CONN_A_RX_DROPPED, XFRM_GUARD_CONN_A_TX_DROPPED,
		XFRM_GUARD_CONN_A_LOST, XFRM_GUARD_CONN_A_RESTORED,
	};
	const struct nlattr *mode = tb[XFRM_GUARD_CONN_A_MODE];
	size_t i;

	if (n_shown)
		putchar(',');
	print_conn_json_tuple(tb);
	json_opt_str("reason", get_str(tb[XFRM_GUARD_CONN_A_REASON_NAME]));
	json_opt_u32("reason_code", tb[XFRM_GUARD_CONN_A_REASON]);
	json_opt_str("alg", get_str(tb[XFRM_GUARD_CONN_A_ALG]));
	json_opt_str("crc", get_str(tb[XFRM_GUARD_CONN_A_CRC]));
	json_opt_bool("tx_open", tb[XFRM_GUARD_CONN_A_TX_OPEN]);
	json_opt_bool("enforced", tb[XFRM_GUARD_CONN_A_ENFORCED]);
	json_opt_bool("confidential", tb[XFRM_GUARD_CONN_A_CONFIDENTIAL]);
	json_opt_bool("warn", tb[XFRM_GUARD_CONN_A_WARN]);
	json_opt_u32("out_sas", tb[XFRM_GUARD_CONN_A_OUT_SAS]);
	json_opt_str("mode", mode ? name_of(sa_mode_names, N(sa_mode_names),
					    get_u8(mode)) : NULL);
	json_opt_u32("out_spi", tb[XFRM_GUARD_CONN_A_OUT_SPI]);
	json_opt_bool("out_offloaded", tb[XFRM_GUARD_CONN_A_OUT_OFFLOADED]);
	json_opt_u32("in_spi", tb[XFRM_GUARD_CONN_A_IN_SPI]);
	json_opt_u32("in_replay_window", tb[XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW]);
	json_opt_bool("in_offloaded", tb[XFRM_GUARD_CONN_A_IN_OFFLOADED]);
	json_opt_str("aead", get_str(tb[XFRM_GUARD_CONN_A_AEAD]));
	json_opt_str("enc", get_str(tb[XFRM_GUARD_CONN_A_ENC]));
	json_opt_str("auth", get_str(tb[XFRM_GUARD_CONN_A_AUTH]));
	for (i = 0; i < N(counters); i++)
		printf(",\"%s\":%llu", counters[i],
		       (unsigned long long)get_u64(tb[counter_attrs[i]]));
	json_opt_str("owner_refused",
		     get_str(tb[XFRM_GUARD_CONN_A_OWNER_REFUSED]));
	printf(",\"state\":\"%s\"}",
	       name_of(conn_state_names, N(conn_state_names),
		       get_u8(tb[XFRM_GUARD_CONN_A_STATE])));
}

/*
 * A refused attach: the connection never existed, so there is no SA, CRC
 * or counter to show, only why, by which profile, and how long ago.
 */
static void print_refused_json(const struct nlattr **tb)
{
	if (n_shown)
		putchar(',');
	print_conn_json_tuple(tb);
	printf(",\"state\":\"refused\"");
	json_opt_str("reason", get_str(tb[XFRM_GUARD_CONN_A_REASON_NAME]));
	json_opt_u32("reason_code", tb[XFRM_GUARD_CONN_A_REASON]);
	json_opt_str("alg", get_str(tb[XFRM_GUARD_CONN_A_ALG]));
	json_opt_u32("profile", tb[XFRM_GUARD_CONN_A_PROFILE]);
	printf(",\"refused_age\":%llu}",
	       (unsigned long long)get_u64(tb[XFRM_GUARD_CONN_A_REFUSED_AGE]));
}

/*
 * After the attached connections, the latest refused attaches:
 *
 *   iscsi 10.0.0.1:40022 -> 10.0.0.2:3260
 *	refused no_ipsec 12s ago profile 0
 */
static void print_refused_text(const struct nlattr **tb)
{
	uint16_t family = get_u16(tb[XFRM_GUARD_CONN_A_FAMILY]);
	const char *reason = get_str(tb[XFRM_GUARD_CONN_A_REASON_NAME]);
	const char *alg = get_str(tb[XFRM_GUARD_CONN_A_ALG]);
	char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];

	endpoint_str(family, tb[XFRM_GUARD_CONN_A_LADDR],
		     get_u16(tb[XFRM_GUARD_CONN_A_LPORT]), l, sizeof(l));
	endpoint_str(family, tb[XFRM_GUARD_CONN_A_RADDR],
		     get_u16(tb[XFRM_GUARD_CONN_A_RPORT]), r, sizeof(r));
	printf("%s %s -> %s\n",
	       name_of(owner_names, N(owner_names),
		       get_u8(tb[XFRM_GUARD_CONN_A_OWNER])), l, r);
	printf("\trefused %s%s%s %llus ago profile %u\n",
	       reason ? reason : "unknown", alg ? " alg " : "", alg ? alg : "",
	       (unsigned long long)get_u64(tb[XFRM_GUARD_CONN_A_REFUSED_AGE]),
	       get_u32(tb[XFRM_GUARD_CONN_A_PROFILE]));
}

/*
 * One block per connection, in the manner of "ip xfrm state":
 *
 *   iscsi 10.0.0.1:40022 -> 10.0.0.2:3260
 *	verdict protected tx open enforced yes confidential yes crc software
 *	out esp spi 0x00001000 mode transport offload no
 *	in esp spi 0x00002000 replay-window 32 offload no
 *	aead rfc4106(gcm(aes))
 *	dropped rx 0 tx 0 protection lost 0 restored 0
 *
 * and, once the owner refused the connection for a reason of its own,
 *
 *	owner refused chap_reflection
 */
static void print_conn_text(const struct nlattr **tb)
{
	const char *refused = get_str(tb[XFRM_GUARD_CONN_A_OWNER_REFUSED]);
	uint16_t family = get_u16(tb[XFRM_GUARD_CONN_A_FAMILY]);
	const char *reason = get_str(tb[XFRM_GUARD_CONN_A_REASON_NAME]);
	const char *alg = get_str(tb[XFRM_GUARD_CONN_A_ALG]);
	const char *crc = get_str(tb[XFRM_GUARD_CONN_A_CRC]);
	const char *names[3];
	char l[INET6_ADDRSTRLEN + 8], r[INET6_ADDRSTRLEN + 8];
	static const char *const keys[3] = { "aead", "enc", "auth" };
	int i, n;

	names[0] = get_str(tb[XFRM_GUARD_CONN_A_AEAD]);
	names[1] = get_str(tb[XFRM_GUARD_CONN_A_ENC]);
	names[2] = get_str(tb[XFRM_GUARD_CONN_A_AUTH]);
	endpoint_str(family, tb[XFRM_GUARD_CONN_A_LADDR],
		     get_u16(tb[XFRM_GUARD_CONN_A_LPORT]), l, sizeof(l));
	endpoint_str(family, tb[XFRM_GUARD_CONN_A_RADDR],
		     get_u16(tb[XFRM_GUARD_CONN_A_RPORT]), r, sizeof(r));
	printf("%s %s -> %s\n",
	       name_of(owner_names, N(owner_names),
		       get_u8(tb[XFRM_GUARD_CONN_A_OWNER])), l, r);

	printf("\tverdict %s%s%s tx %s enforced %s confidential %s%s crc %s\n",
	       reason ? reason : "unknown", alg ? " alg " : "", alg ? alg : "",
	       get_u8(tb[XFRM_GUARD_CONN_A_TX_OPEN]) ? "open" : "held",
	       get_u8(tb[XFRM_GUARD_CONN_A_ENFORCED]) ? "yes" : "no",
	       get_u8(tb[XFRM_GUARD_CONN_A_CONFIDENTIAL]) ? "yes" : "no",
	       get_u8(tb[XFRM_GUARD_CONN_A_WARN]) ? " warn" : "",
	       crc ? crc : "unknown");

	if (tb[XFRM_GUARD_CONN_A_OUT_SPI])
		printf("\tout esp spi 0x%08x mode %s offload %s\n",
		       get_u32(tb[XFRM_GUARD_CONN_A_OUT_SPI]),
		       name_of(sa_mode_names, N(sa_mode_names),
			       get_u8(tb[XFRM_GUARD_CONN_A_MODE])),
		       get_u8(tb[XFRM_GUARD_CONN_A_OUT_OFFLOADED]) ? "yes" : "no");
	else
		printf("\tout none\n");
	if (tb[XFRM_GUARD_CONN_A_IN_SPI])
		printf("\tin esp spi 0x%08x replay-window %u offload %s\n",
		       get_u32(tb[XFRM_GUARD_CONN_A_IN_SPI]),
		       get_u32(tb[XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW]),
		       get_u8(tb[XFRM_GUARD_CONN_A_IN_OFFLOADED]) ? "yes" : "no");
	else
		printf("\tin none\n");

	for (i = 0, n = 0; i < 3; i++)
		if (names[i])
			printf("%s%s %s", n++ ? " " : "\t", keys[i], names[i]);
	if (n)
		putchar('\n');

	printf("\tdropped rx %llu tx %llu protection lost %llu restored %llu\n",
	       (unsigned long long)get_u64(tb[XFRM_GUARD_CONN_A_RX_DROPPED]),
	       (unsigned long long)get_u64(tb[XFRM_GUARD_CONN_A_TX_DROPPED]),
	       (unsigned long long)get_u64(tb[XFRM_GUARD_CONN_A_LOST]),
	       (unsigned long long)get_u64(tb[XFRM_GUARD_CONN_A_RESTORED]));
	if (refused)
		printf("\towner refused %s\n", refused);
}

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[XFRM_GUARD_CONN_A_MAX + 1];
	const struct nlattr *nest;
	bool refused;

	(void)data;
	nest = top_attr(nlh, XFRM_GUARD_A_CONN);
	if (!nest)
		return MNL_CB_OK;
	nest_table(nest, tb, XFRM_GUARD_CONN_A_MAX);
	/* a kernel without the attribute dumps attached connections only */
	refused = get_u8(tb[XFRM_GUARD_CONN_A_STATE]) ==
		  XFRM_GUARD_CONN_STATE_REFUSED;
	if (json && refused)
		print_refused_json(tb);
	else if (json)
		print_conn_json(tb);
	else if (refused)
		print_refused_text(tb);
	else
		print_conn_text(tb);
	n_shown++;
	return MNL_CB_OK;
}

int do_conn_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nl nl;

	what = "conn show";
	if (argc)
		die("unknown argument \"%s\"", argv[0]);
	nl_init(&nl);
	nlh = msg_start(XFRM_GUARD_CMD_CONN_GET, NLM_F_DUMP);
	if (json)
		printf("[");
	nl_talk(&nl, nlh, conn_cb, NULL);
	if (json)
		printf("]\n");
	mnl_socket_close(nl.sk);
	return 0;
}

/* ---- stats ------------------------------------------------------------ */

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *nest, *a;
	char unknown[32];
	const char *name;
	unsigned int t;

	(void)data;
	nest = top_attr(nlh, XFRM_GUARD_A_STATS);
	if (!nest)
		return MNL_CB_OK;
	if (json)
		printf("{");
	mnl_attr_for_each_nested(a, nest) {
		t = mnl_attr_get_type(a);
		if (t < XFRM_GUARD_STATS_A_ATTACHED ||
		    mnl_attr_get_payload_len(a) != sizeof(uint64_t))
			continue;
		t -= XFRM_GUARD_STATS_A_ATTACHED;
		if (t < N(stat_names)) {
			name = stat_names[t];
		} else {
			snprintf(unknown, sizeof(unknown), "counter_%u",
				 t + XFRM_GUARD_STATS_A_ATTACHED);
			name = unknown;
		}
		if (json)
			printf("%s\"%s\":%llu", n_shown++ ? "," : "", name,
			       (unsigned long long)mnl_attr_get_u64(a));
		else
			printf("%-16s %llu\n", name,
			       (unsigned long long)mnl_attr_get_u64(a));
	}
	if (json)
		printf("}\n");
	return MNL_CB_OK;
}

int do_stats(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nl nl;

	what = "stats";
	if (argc)
		die("unknown argument \"%s\"", argv[0]);
	nl_init(&nl);
	nlh = msg_start(XFRM_GUARD_CMD_STATS_GET, NLM_F_ACK);
	nl_talk(&nl, nlh, stats_cb, NULL);
	mnl_socket_close(nl.sk);
	return 0;
}

/* ---- monitor ---------------------------------------------------------- */

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[XFRM_GUARD_EVENT_A_MAX + 1];
	char s[INET6_ADDRSTRLEN + 2] = "?", d[INET6_ADDRSTRLEN + 2] = "?";
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const char *reason = "unknown", *alg = NULL, *type, *owner;
	const char *owner_reason;
	const struct nlattr *nest;
	long *count = data;
	uint16_t family;
	size_t alen;

	if (g->cmd != XFRM_GUARD_CMD_EVENT)
		return MNL_CB_OK;
	nest = top_attr(nlh, XFRM_GUARD_A_EVENT);
	if (!nest)
		return MNL_CB_OK;
	nest_table(nest, tb, XFRM_GUARD_EVENT_A_MAX);
	family = get_u16(tb[XFRM_GUARD_EVENT_A_FAMILY]);
	alen = family == AF_INET6 ? 16 : 4;
	if (tb[XFRM_GUARD_EVENT_A_SADDR] &&
	    mnl_attr_get_payload_len(tb[XFRM_GUARD_EVENT_A_SADDR]) == alen)
		addr_str(family, mnl_attr_get_payload(tb[XFRM_GUARD_EVENT_A_SADDR]),
			 s, sizeof(s));
	if (tb[XFRM_GUARD_EVENT_A_DADDR] &&
	    mnl_attr_get_payload_len(tb[XFRM_GUARD_EVENT_A_DADDR]) == alen)
		addr_str(family, mnl_attr_get_payload(tb[XFRM_GUARD_EVENT_A_DADDR]),
			 d, sizeof(d));
	if (tb[XFRM_GUARD_EVENT_A_REASON_NAME] &&
	    !mnl_attr_validate(tb[XFRM_GUARD_EVENT_A_REASON_NAME],
			       MNL_TYPE_NUL_STRING))
		reason = mnl_attr_get_str(tb[XFRM_GUARD_EVENT_A_REASON_NAME]);
	if (tb[XFRM_GUARD_EVENT_A_ALG] &&
	    !mnl_attr_validate(tb[XFRM_GUARD_EVENT_A_ALG], MNL_TYPE_NUL_STRING))
		alg = mnl_attr_get_str(tb[XFRM_GUARD_EVENT_A_ALG]);
	owner_reason = get_str(tb[XFRM_GUARD_EVENT_A_OWNER_REASON]);
	type = name_of(event_names, N(event_names),
		       get_u8(tb[XFRM_GUARD_EVENT_A_TYPE]));
	owner = name_of(owner_names, N(owner_names),
			get_u8(tb[XFRM_GUARD_EVENT_A_OWNER]));
	if (json) {
		printf("{\"event\":\"%s\",\"owner\":\"%s\",", type, owner);
		printf("\"saddr\":\"%s\",\"sport\":%u,", s,
		       get_u16(tb[XFRM_GUARD_EVENT_A_SPORT]));
		printf("\"daddr\":\"%s\",\"dport\":%u,", d,
		       get_u16(tb[XFRM_GUARD_EVENT_A_DPORT]));
		printf("\"reason\":\"%s\",\"reason_code\":%u,\"algorithm\":",
		       reason, get_u32(tb[XFRM_GUARD_EVENT_A_REASON]));
		if (alg)
			put_json_str(alg);
		else
			printf("null");
		printf(",\"profile\":%u", get_u32(tb[XFRM_GUARD_EVENT_A_PROFILE]));
		json_opt_str("owner_reason", owner_reason);
		printf("}\n");
	} else {
		bool v6 = family == AF_INET6;

		printf("%s owner %s %s%s%s:%u -> %s%s%s:%u reason %s%s%s%s%s profile %u\n",
		       type, owner, v6 ? "[" : "", s, v6 ? "]" : "",
		       get_u16(tb[XFRM_GUARD_EVENT_A_SPORT]),
		       v6 ? "[" : "", d, v6 ? "]" : "",
		       get_u16(tb[XFRM_GUARD_EVENT_A_DPORT]), reason,
		       alg ? " alg " : "", alg ? alg : "",
		       owner_reason ? " owner_reason " : "",
		       owner_reason ? owner_reason : "",
		       get_u32(tb[XFRM_GUARD_EVENT_A_PROFILE]));
	}
	fflush(stdout);
	(*count)++;
	return MNL_CB_OK;
}

int do_monitor(int argc, char **argv)
{
	long count = 0, limit = -1;
	struct pollfd pfd[2];
	sigset_t sigs;
	struct nl nl;
	ssize_t n;
	int i;

	what = "monitor";
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "count"))
			limit = parse_num("-c", need_value(&i, argc, argv),
					  LONG_MAX);
		else
			die("unknown argument \"%s\"", argv[i]);
	}
	nl_init(&nl);
	if (!nl.events_grp)
		die("the kernel has no \"%s\" group", XFRM_GUARD_MCGRP_EVENTS);
	if (mnl_socket_setsockopt(nl.sk, NETLINK_ADD_MEMBERSHIP,
				  &nl.events_grp, sizeof(nl.events_grp)) < 0)
		die("cannot join the \"%s\" group: %s%s",
		    XFRM_GUARD_MCGRP_EVENTS, strerror(errno),
		    errno == EPERM ?
		    " (needs CAP_NET_ADMIN in the network namespace)" : "");
	/* SIGINT/SIGTERM arrive as data, so none is lost between two reads */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	pfd[0].fd = mnl_socket_get_fd(nl.sk);
	pfd[0].events = POLLIN;
	pfd[1].fd = signalfd(-1, &sigs, 0);
	pfd[1].events = POLLIN;
	if (pfd[1].fd < 0)
		die("signalfd: %s", strerror(errno));

	while (limit < 0 || count < limit) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		n = mnl_socket_recvfrom(nl.sk, nl_buf, sizeof(nl_buf));
		if (n < 0) {
			if (errno == ENOBUFS) {
				fprintf(stderr, "xguard: monitor: %s\n",
					"events lost (receive buffer full)");
				continue;
			}
			die("cannot read events: %s", strerror(errno));
		}
		if (mnl_cb_run(nl_buf, n, 0, 0, event_cb, &count) < 0)
			die("bad event message: %s", strerror(errno));
	}
	close(pfd[1].fd);
	mnl_socket_close(nl.sk);
	return 0;
}
