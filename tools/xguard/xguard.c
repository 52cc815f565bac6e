// SPDX-License-Identifier: GPL-2.0
/*
 * xguard: configure and watch the xfrm_guard kernel module over its
 * generic netlink family, in the style of "ip xfrm".
 *
 *   xguard [-j] profile show [id N]
 *   xguard profile set [id N] [mode M] [conf on|off] ...
 *   xguard rule add|del|show ...
 *   xguard conn show	(attached connections, then the latest refused)
 *   xguard stats
 *   xguard monitor [-c N]
 *
 * Every error ends the program with status 1 and one line on stderr that
 * carries the kernel's own explanation (netlink extended ack) when there
 * is one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xfrm_guard.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

static bool json;
static const char *what;	/* the command, for error messages */

static noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xguard: ");
	if (what)
		fprintf(stderr, "%s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- names ------------------------------------------------------------ */

static const char *const mode_names[] = { "off", "audit", "enforce" };
static const char *const crc_names[] = { "always", "auto", "never" };
static const char *const owner_names[] = { "any", "iscsi", "iwarp" };
static const char *const action_names[] = { "default", "allow", "deny" };
static const char *const disp_names[] = { "allow", "deny", "warn" };
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

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n ? names[v] : "unknown";
}

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

/* ---- netlink ---------------------------------------------------------- */

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	uint32_t events_grp;
};

/* Where each attribute of the request sits, to name the one at fault. */
#define MAX_MARKS 64
static struct {
	uint32_t off;
	const char *name;
} marks[MAX_MARKS];
static int n_marks;

static void mark(const struct nlmsghdr *nlh, const struct nlattr *a,
		 const char *name)
{
	if (n_marks < MAX_MARKS) {
		marks[n_marks].off = (const char *)a - (const char *)nlh;
		marks[n_marks].name = name;
		n_marks++;
	}
}

static const char *marked(uint32_t off)
{
	int i;

	for (i = 0; i < n_marks; i++)
		if (marks[i].off == off)
			return marks[i].name;
	return NULL;
}

static char buf[1 << 16];

static void nl_open(struct nl *nl)
{
	int one = 1;

	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk)
		die("cannot open a generic netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		die("cannot bind the netlink socket: %s", strerror(errno));
	/* without these the kernel's explanations never reach us */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = time(NULL);
}

struct ack {
	int error;
	char msg[256];
	uint32_t offs;
	bool has_offs;
	uint32_t miss_type;
	bool has_miss;
};

static int ack_attr_cb(const struct nlattr *a, void *data)
{
	struct ack *ack = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(ack->msg, sizeof(ack->msg), "%s",
				 mnl_attr_get_str(a));
		break;
	case NLMSGERR_ATTR_OFFS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			ack->offs = mnl_attr_get_u32(a);
			ack->has_offs = true;
		}
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			ack->miss_type = mnl_attr_get_u32(a);
			ack->has_miss = true;
		}
		break;
	}
	return MNL_CB_OK;
}

static struct ack last_ack;

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int off;

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return MNL_CB_ERROR;
	memset(&last_ack, 0, sizeof(last_ack));
	last_ack.error = -err->error;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_parse(nlh, off, ack_attr_cb, &last_ack);
	}
	if (last_ack.error) {
		errno = last_ack.error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	const int *err = mnl_nlmsg_get_payload(nlh);

	(void)data;
	/* a dump that fails reports its error in NLMSG_DONE */
	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int)) && *err < 0) {
		memset(&last_ack, 0, sizeof(last_ack));
		last_ack.error = -*err;
		errno = -*err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static noreturn void die_ack(void)
{
	const char *attr = last_ack.has_offs ? marked(last_ack.offs) : NULL;
	char hint[128] = "";

	if (last_ack.error == EPERM)
		snprintf(hint, sizeof(hint),
			 " (needs CAP_NET_ADMIN in the network namespace)");
	if (last_ack.msg[0] && attr)
		die("%s: %s (%s)%s", attr, last_ack.msg,
		    strerror(last_ack.error), hint);
	if (last_ack.msg[0])
		die("%s (%s)%s", last_ack.msg, strerror(last_ack.error), hint);
	if (last_ack.has_miss)
		die("attribute %u missing (%s)", last_ack.miss_type,
		    strerror(last_ack.error));
	if (attr)
		die("%s: %s%s", attr, strerror(last_ack.error), hint);
	die("%s%s", strerror(last_ack.error), hint);
}

static char req[1 << 13];

/* Start a request in req[]; nl_talk() fills in the family and sequence. */
static struct nlmsghdr *msg_start(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct genlmsghdr *g;

	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = XFRM_GUARD_GENL_VERSION;
	n_marks = 0;
	return nlh;
}

static struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	/* the kernel validates strictly: nests must say they are nests */
	return mnl_attr_nest_start(nlh, type | NLA_F_NESTED);
}

/* Send @nlh and feed every reply message to @cb; dies on any error. */
static void nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	unsigned int seq;
	ssize_t n;
	int ret;

	nlh->nlmsg_type = nl->family;
	seq = ++nl->seq;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		die("cannot send the request: %s", strerror(errno));
	do {
		n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));
		if (n < 0)
			die("cannot read the reply: %s", strerror(errno));
		ret = mnl_cb_run2(buf, n, seq, nl->portid, cb, data, ctl,
				  NLMSG_MIN_TYPE);
	} while (ret > 0);
	if (ret < 0) {
		if (!last_ack.error)
			last_ack.error = errno;
		die_ack();
	}
}

struct ctrl_info {
	uint16_t id;
	uint32_t grp;
};

static int ctrl_grp_cb(const struct nlattr *a, void *data)
{
	struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {};
	struct ctrl_info *ci = data;
	const struct nlattr *g;

	mnl_attr_for_each_nested(g, a) {
		if (mnl_attr_get_type(g) > CTRL_ATTR_MCAST_GRP_MAX)
			continue;
		tb[mnl_attr_get_type(g)] = (struct nlattr *)g;
	}
	if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
	    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
		    XFRM_GUARD_MCGRP_EVENTS))
		ci->grp = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

static int ctrl_attr_cb(const struct nlattr *a, void *data)
{
	struct ctrl_info *ci = data;
	const struct nlattr *g;

	switch (mnl_attr_get_type(a)) {
	case CTRL_ATTR_FAMILY_ID:
		ci->id = mnl_attr_get_u16(a);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested(g, a)
			ctrl_grp_cb(g, ci);
		break;
	}
	return MNL_CB_OK;
}

static int ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb,
			      data);
}

static void nl_resolve(struct nl *nl)
{
	uint32_t ctrl[64];
	struct ctrl_info ci = {};
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	nlh = mnl_nlmsg_put_header(ctrl);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XFRM_GUARD_GENL_NAME);
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		die("cannot send the request: %s", strerror(errno));
	for (;;) {
		mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = error_cb };
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));
		int ret;

		if (n < 0)
			die("cannot read the reply: %s", strerror(errno));
		ret = mnl_cb_run2(buf, n, nlh->nlmsg_seq, nl->portid, ctrl_cb,
				  &ci, ctl, NLMSG_MIN_TYPE);
		if (ret < 0) {
			if (errno == ENOENT)
				die("no generic netlink family \"%s\"; %s",
				    XFRM_GUARD_GENL_NAME,
				    "is the xfrm_guard module loaded?");
			die("cannot look up family \"%s\": %s",
			    XFRM_GUARD_GENL_NAME, strerror(errno));
		}
		if (ret == MNL_CB_STOP)
			break;
	}
	if (!ci.id)
		die("generic netlink family \"%s\" not found",
		    XFRM_GUARD_GENL_NAME);
	nl->family = ci.id;
	nl->events_grp = ci.grp;
}

static void nl_init(struct nl *nl)
{
	nl_open(nl);
	nl_resolve(nl);
}

/* ---- argument parsing ------------------------------------------------- */

static unsigned long parse_num(const char *key, const char *s,
			       unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > max)
		die("%s: \"%s\" is not a number from 0 to %lu", key, s, max);
	return v;
}

static void parse_range(const char *key, const char *s, uint16_t *lo,
			uint16_t *hi)
{
	char tmp[32], *dash;

	snprintf(tmp, sizeof(tmp), "%s", s);
	dash = strchr(tmp, '-');
	if (dash) {
		*dash = '\0';
		*lo = parse_num(key, tmp, UINT16_MAX);
		*hi = parse_num(key, dash + 1, UINT16_MAX);
	} else {
		*lo = *hi = parse_num(key, tmp, UINT16_MAX);
	}
}

static int parse_enum(const char *key, const char *const *names, size_t n,
		      const char *s)
{
	int v = lookup(names, n, s);
	char list[128] = "";
	size_t i;

	if (v >= 0)
		return v;
	for (i = 0; i < n; i++) {
		strncat(list, names[i], sizeof(list) - strlen(list) - 2);
		if (i + 1 < n)
			strncat(list, "|", sizeof(list) - strlen(list) - 1);
	}
	die("%s: \"%s\" is not one of %s", key, s, list);
}

static bool parse_onoff(const char *key, const char *s)
{
	static const char *const names[] = { "off", "on" };

	return parse_enum(key, names, 2, s);
}

/* "KEY VALUE": the value of @argv[0]'s key, or die. */
static const char *need_value(int *i, int argc, char **argv)
{
	if (*i + 1 >= argc)
		die("\"%s\" needs a value", argv[*i]);
	*i += 1;
	return argv[*i];
}

/* ---- profiles --------------------------------------------------------- */

struct alg_view {
	char name[XFRM_GUARD_ALG_NAME_MAX];
	uint8_t action;
	uint8_t disp;
};

struct profile_view {
	uint32_t id, modes, replay;
	uint8_t mode, conf, chap, crc;
	int n_algs;
	struct alg_view algs[64];
};

static void put_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static int nest_table(const struct nlattr *nest, const struct nlattr **tb,
		      int max)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
	return 0;
}

static const struct nlattr *top_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

static uint16_t get_u16(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 2 ? mnl_attr_get_u16(a) : 0;
}

static uint8_t get_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

static void modes_str(uint32_t modes, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s",
		 modes & XFRM_GUARD_IPSEC_TRANSPORT ? "transport" : "",
		 (modes & XFRM_GUARD_IPSEC_TRANSPORT) &&
		 (modes & XFRM_GUARD_IPSEC_TUNNEL) ? "," : "",
		 modes & XFRM_GUARD_IPSEC_TUNNEL ? "tunnel" : "");
}

static int n_shown;

static void print_profile(const struct profile_view *p)
{
	static const uint8_t disps[] = { XFRM_GUARD_DISP_DENY,
					 XFRM_GUARD_DISP_WARN };
	char modes[32];
	int i, k, n;

	modes_str(p->modes, modes, sizeof(modes));
	if (json) {
		printf("%s{\"id\":%u,\"mode\":\"%s\",", n_shown ? "," : "",
		       p->id, name_of(mode_names, N(mode_names), p->mode));
		printf("\"confidentiality\":%s,", p->conf ? "true" : "false");
		printf("\"chap_requires_confidentiality\":%s,",
		       p->chap ? "true" : "false");
		printf("\"ipsec_modes\":[");
		if (p->modes & XFRM_GUARD_IPSEC_TRANSPORT)
			printf("\"transport\"");
		if (p->modes & XFRM_GUARD_IPSEC_TUNNEL)
			printf("%s\"tunnel\"",
			       p->modes & XFRM_GUARD_IPSEC_TRANSPORT ? "," : "");
		printf("],\"crc\":\"%s\",\"min_replay_window\":%u,\"algorithms\":[",
		       name_of(crc_names, N(crc_names), p->crc), p->replay);
		for (i = 0; i < p->n_algs; i++) {
			printf("%s{\"name\":", i ? "," : "");
			put_json_str(p->algs[i].name);
			printf(",\"override\":\"%s\",\"disposition\":\"%s\"}",
			       name_of(action_names, N(action_names),
				       p->algs[i].action),
			       name_of(disp_names, N(disp_names),
				       p->algs[i].disp));
		}
		printf("]}");
		n_shown++;
		return;
	}
	printf("profile %u: mode %s conf %s chap-conf %s modes %s crc %s replay %u\n",
	       p->id, name_of(mode_names, N(mode_names), p->mode),
	       p->conf ? "on" : "off", p->chap ? "on" : "off", modes,
	       name_of(crc_names, N(crc_names), p->crc), p->replay);
	for (k = 0; k < 2; k++) {
		for (i = 0, n = 0; i < p->n_algs; i++) {
			if (p->algs[i].disp != disps[k])
				continue;
			printf("%s %s", n++ ? "" : k ? "\twarn" : "\tdeny",
			       p->algs[i].name);
		}
		if (n)
			putchar('\n');
	}
	for (i = 0, n = 0; i < p->n_algs; i++) {
		if (p->algs[i].action == XFRM_GUARD_ALG_DEFAULT)
			continue;
		printf("%s %s %s", n++ ? "," : "\toverrides:",
		       name_of(action_names, N(action_names),
			       p->algs[i].action),
		       p->algs[i].name);
	}
	if (n)
		putchar('\n');
	n_shown++;
}

static int profile_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[XFRM_GUARD_PROFILE_A_MAX + 1];
	const struct nlattr *atb[XFRM_GUARD_ALG_A_MAX + 1];
	const struct nlattr *nest, *a;
	struct profile_view p = {};

	(void)data;
	nest = top_attr(nlh, XFRM_GUARD_A_PROFILE);
	if (!nest)
		return MNL_CB_OK;
	nest_table(nest, tb, XFRM_GUARD_PROFILE_A_MAX);
	p.id = get_u32(tb[XFRM_GUARD_PROFILE_A_ID]);
	p.mode = get_u8(tb[XFRM_GUARD_PROFILE_A_MODE]);
	p.conf = get_u8(tb[XFRM_GUARD_PROFILE_A_CONFIDENTIALITY]);
	p.chap = get_u8(tb[XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY]);
	p.modes = get_u32(tb[XFRM_GUARD_PROFILE_A_IPSEC_MODES]);
	p.crc = get_u8(tb[XFRM_GUARD_PROFILE_A_CRC]);
	p.replay = get_u32(tb[XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW]);
	if (tb[XFRM_GUARD_PROFILE_A_ALGS]) {
		mnl_attr_for_each_nested(a, tb[XFRM_GUARD_PROFILE_A_ALGS]) {
			struct alg_view *v = &p.algs[p.n_algs];

			if (p.n_algs >= (int)N(p.algs))
				break;
			nest_table(a, atb, XFRM_GUARD_ALG_A_MAX);
			if (!atb[XFRM_GUARD_ALG_A_NAME] ||
			    mnl_attr_validate(atb[XFRM_GUARD_ALG_A_NAME],
					      MNL_TYPE_NUL_STRING))
				continue;
			snprintf(v->name, sizeof(v->name), "%s",
				 mnl_attr_get_str(atb[XFRM_GUARD_ALG_A_NAME]));
			v->action = get_u8(atb[XFRM_GUARD_ALG_A_ACTION]);
			v->disp = get_u8(atb[XFRM_GUARD_ALG_A_DISPOSITION]);
			p.n_algs++;
		}
	}
	print_profile(&p);
	return MNL_CB_OK;
}

static void profile_put_id(struct nlmsghdr *nlh, uint32_t id)
{
	mark(nlh, mnl_nlmsg_get_payload_tail(nlh), "id");
	mnl_attr_put_u32(nlh, XFRM_GUARD_PROFILE_A_ID, id);
}

static uint32_t parse_id_only(int argc, char **argv, bool required)
{
	uint32_t id = 0;
	bool seen = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "id")) {
			id = parse_num("id", need_value(&i, argc, argv),
				       UINT32_MAX);
			seen = true;
		} else {
			die("unknown argument \"%s\"", argv[i]);
		}
	}
	if (required && !seen)
		die("\"id N\" is required");
	return id;
}

static int do_profile_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nl nl;
	uint32_t id;

	what = "profile show";
	id = parse_id_only(argc, argv, false);
	nl_init(&nl);
	if (argc) {
		nlh = msg_start(XFRM_GUARD_CMD_PROFILE_GET,
				NLM_F_ACK);
		nest = nest_start(nlh, XFRM_GUARD_A_PROFILE);
		profile_put_id(nlh, id);
		mnl_attr_nest_end(nlh, nest);
	} else {
		nlh = msg_start(XFRM_GUARD_CMD_PROFILE_GET,
				NLM_F_DUMP);
	}
	if (json)
		printf("[");
	nl_talk(&nl, nlh, profile_cb, NULL);
	if (json)
		printf("]\n");
	mnl_socket_close(nl.sk);
	return 0;
}

static int do_profile_set(int argc, char **argv)
{
	struct { const char *name; uint8_t action; } algs[32];
	struct nlattr *nest, *an, *a, *o;
	int i, n_algs = 0, k;
	struct nlmsghdr *nlh;
	struct nl nl;
	uint32_t id = 0;
	char *list, *tok, *save;

	what = "profile set";
	nlh = msg_start(XFRM_GUARD_CMD_PROFILE_SET, NLM_F_ACK);
	nest = nest_start(nlh, XFRM_GUARD_A_PROFILE);
	for (i = 0; i < argc; i++) {
		const char *key = argv[i];
		const char *v;

		v = need_value(&i, argc, argv);
		a = mnl_nlmsg_get_payload_tail(nlh);
		if (!strcmp(key, "id")) {
			id = parse_num(key, v, UINT32_MAX);
			continue;
		} else if (!strcmp(key, "mode")) {
			mnl_attr_put_u8(nlh, XFRM_GUARD_PROFILE_A_MODE,
					parse_enum(key, mode_names,
						   N(mode_names), v));
		} else if (!strcmp(key, "conf")) {
			mnl_attr_put_u8(nlh, XFRM_GUARD_PROFILE_A_CONFIDENTIALITY,
					parse_onoff(key, v));
		} else if (!strcmp(key, "chap-conf")) {
			mnl_attr_put_u8(nlh,
					XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY,
					parse_onoff(key, v));
		} else if (!strcmp(key, "modes")) {
			uint32_t m = 0;

			list = strdup(v);
			if (!list)
				die("out of memory");
			for (tok = strtok_r(list, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (!strcmp(tok, "transport"))
					m |= XFRM_GUARD_IPSEC_TRANSPORT;
				else if (!strcmp(tok, "tunnel"))
					m |= XFRM_GUARD_IPSEC_TUNNEL;
				else
					die("modes: \"%s\" is not transport or tunnel",
					    tok);
			}
			free(list);
			mnl_attr_put_u32(nlh, XFRM_GUARD_PROFILE_A_IPSEC_MODES, m);
		} else if (!strcmp(key, "crc")) {
			mnl_attr_put_u8(nlh, XFRM_GUARD_PROFILE_A_CRC,
					parse_enum(key, crc_names, N(crc_names),
						   v));
		} else if (!strcmp(key, "replay")) {
			mnl_attr_put_u32(nlh,
					 XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW,
					 parse_num(key, v, UINT32_MAX));
		} else if (lookup(action_names, N(action_names), key) >= 0) {
			k = lookup(action_names, N(action_names), key);
			if (n_algs >= (int)N(algs))
				die("too many algorithm overrides");
			algs[n_algs].name = v;
			algs[n_algs].action = k;
			n_algs++;
			continue;
		} else {
			die("unknown argument \"%s\"", key);
		}
		mark(nlh, a, key);
	}
	profile_put_id(nlh, id);
	if (n_algs) {
		an = nest_start(nlh, XFRM_GUARD_PROFILE_A_ALGS);
		for (i = 0; i < n_algs; i++) {
			static char names[32][80];

			o = nest_start(nlh, XFRM_GUARD_ALGS_A_ALG);
			snprintf(names[i], sizeof(names[i]), "%s %s",
				 action_names[algs[i].action], algs[i].name);
			mark(nlh, o, names[i]);
			mark(nlh, mnl_nlmsg_get_payload_tail(nlh), names[i]);
			mnl_attr_put_strz(nlh, XFRM_GUARD_ALG_A_NAME,
					  algs[i].name);
			mnl_attr_put_u8(nlh, XFRM_GUARD_ALG_A_ACTION,
					algs[i].action);
			mnl_attr_nest_end(nlh, o);
		}
		mnl_attr_nest_end(nlh, an);
	}
	mnl_attr_nest_end(nlh, nest);
	nl_init(&nl);
	nl_talk(&nl, nlh, NULL, NULL);
	mnl_socket_close(nl.sk);
	return 0;
}

static int do_profile_del(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nl nl;
	uint32_t id;

	what = "profile del";
	id = parse_id_only(argc, argv, true);
	nl_init(&nl);
	nlh = msg_start(XFRM_GUARD_CMD_PROFILE_DEL, NLM_F_ACK);
	nest = nest_start(nlh, XFRM_GUARD_A_PROFILE);
	profile_put_id(nlh, id);
	mnl_attr_nest_end(nlh, nest);
	nl_talk(&nl, nlh, NULL, NULL);
	mnl_socket_close(nl.sk);
	return 0;
}

/* ---- rules ------------------------------------------------------------ */

static void range_str(uint16_t lo, uint16_t hi, char *out, size_t len)
{
	if (lo == 0 && hi == UINT16_MAX)
		snprintf(out, len, "any");
	else if (lo == hi)
		snprintf(out, len, "%u", lo);
	else
		snprintf(out, len, "%u-%u", lo, hi);
}

static void addr_str(uint16_t family, const void *addr, char *out, size_t len)
{
	if (!inet_ntop(family, addr, out, len))
		snprintf(out, len, "?");
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[XFRM_GUARD_RULE_A_MAX + 1];
	char remote[INET6_ADDRSTRLEN + 8] = "any", rp[16], lp[16];
	uint16_t family, rlo, rhi, llo, lhi;
	const struct nlattr *nest, *addr;
	uint8_t plen;

	(void)data;
	nest = top_attr(nlh, XFRM_GUARD_A_RULE);
	if (!nest)
		return MNL_CB_OK;
	nest_table(nest, tb, XFRM_GUARD_RULE_A_MAX);
	family = get_u16(tb[XFRM_GUARD_RULE_A_FAMILY]);
	plen = get_u8(tb[XFRM_GUARD_RULE_A_PREFIX_LEN]);
	addr = family == AF_INET ? tb[XFRM_GUARD_RULE_A_REMOTE_IP4] :
	       family == AF_INET6 ? tb[XFRM_GUARD_RULE_A_REMOTE_IP6] : NULL;
	if (addr) {
		char a[INET6_ADDRSTRLEN];

		addr_str(family, mnl_attr_get_payload(addr), a, sizeof(a));
		snprintf(remote, sizeof(remote), "%s/%u", a, plen);
	}
	rlo = get_u16(tb[XFRM_GUARD_RULE_A_RPORT_LO]);
	rhi = get_u16(tb[XFRM_GUARD_RULE_A_RPORT_HI]);
	llo = get_u16(tb[XFRM_GUARD_RULE_A_LPORT_LO]);
	lhi = get_u16(tb[XFRM_GUARD_RULE_A_LPORT_HI]);
	range_str(rlo, rhi, rp, sizeof(rp));
	range_str(llo, lhi, lp, sizeof(lp));
	if (json) {
		printf("%s{\"priority\":%u,\"owner\":\"%s\",\"remote\":",
		       n_shown ? "," : "",
		       get_u32(tb[XFRM_GUARD_RULE_A_PRIORITY]),
		       name_of(owner_names, N(owner_names),
			       get_u8(tb[XFRM_GUARD_RULE_A_OWNER])));
		if (addr)
			put_json_str(remote);
		else
			printf("null");
		printf(",\"rport\":[%u,%u],\"lport\":[%u,%u],\"profile\":%u}",
		       rlo, rhi, llo, lhi,
		       get_u32(tb[XFRM_GUARD_RULE_A_PROFILE]));
	} else {
		printf("prio %u owner %s remote %s rport %s lport %s profile %u\n",
		       get_u32(tb[XFRM_GUARD_RULE_A_PRIORITY]),
		       name_of(owner_names, N(owner_names),
			       get_u8(tb[XFRM_GUARD_RULE_A_OWNER])),
		       remote, rp, lp, get_u32(tb[XFRM_GUARD_RULE_A_PROFILE]));
	}
	n_shown++;
	return MNL_CB_OK;
}

static void put_prefix(struct nlmsghdr *nlh, const char *s)
{
	char tmp[INET6_ADDRSTRLEN + 8], *slash;
	unsigned char addr[16];
	struct nlattr *a;

	snprintf(tmp, sizeof(tmp), "%s", s);
	slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	a = mnl_nlmsg_get_payload_tail(nlh);
	if (inet_pton(AF_INET, tmp, addr) == 1)
		mnl_attr_put(nlh, XFRM_GUARD_RULE_A_REMOTE_IP4, 4, addr);
	else if (inet_pton(AF_INET6, tmp, addr) == 1)
		mnl_attr_put(nlh, XFRM_GUARD_RULE_A_REMOTE_IP6, 16, addr);
	else
		die("remote: \"%s\" is not an IPv4 or IPv6 prefix", s);
	mark(nlh, a, "remote");
	if (slash) {
		a = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put_u8(nlh, XFRM_GUARD_RULE_A_PREFIX_LEN,
				parse_num("remote prefix length", slash + 1,
					  UINT8_MAX));
		mark(nlh, a, "remote");
	}
}

static int do_rule_change(int argc, char **argv, bool add)
{
	bool have_prio = false, have_profile = false;
	struct nlmsghdr *nlh;
	struct nlattr *nest, *a;
	uint16_t lo, hi;
	struct nl nl;
	int i;

	what = add ? "rule add" : "rule del";
	nlh = msg_start(add ? XFRM_GUARD_CMD_RULE_ADD : XFRM_GUARD_CMD_RULE_DEL,
			NLM_F_ACK);
	nest = nest_start(nlh, XFRM_GUARD_A_RULE);
	for (i = 0; i < argc; i++) {
		const char *key = argv[i];
		const char *v = need_value(&i, argc, argv);

		a = mnl_nlmsg_get_payload_tail(nlh);
		if (!strcmp(key, "prio") || !strcmp(key, "priority")) {
			mnl_attr_put_u32(nlh, XFRM_GUARD_RULE_A_PRIORITY,
					 parse_num(key, v, UINT32_MAX));
			have_prio = true;
		} else if (!strcmp(key, "owner")) {
			mnl_attr_put_u8(nlh, XFRM_GUARD_RULE_A_OWNER,
					parse_enum(key, owner_names,
						   N(owner_names), v));
		} else if (!strcmp(key, "remote")) {
			if (strcmp(v, "any"))
				put_prefix(nlh, v);
			continue;
		} else if (!strcmp(key, "rport") || !strcmp(key, "lport")) {
			bool r = key[0] == 'r';

			parse_range(key, v, &lo, &hi);
			mnl_attr_put_u16(nlh, r ? XFRM_GUARD_RULE_A_RPORT_LO :
					 XFRM_GUARD_RULE_A_LPORT_LO, lo);
			mark(nlh, a, key);
			a = mnl_nlmsg_get_payload_tail(nlh);
			mnl_attr_put_u16(nlh, r ? XFRM_GUARD_RULE_A_RPORT_HI :
					 XFRM_GUARD_RULE_A_LPORT_HI, hi);
		} else if (!strcmp(key, "profile")) {
			mnl_attr_put_u32(nlh, XFRM_GUARD_RULE_A_PROFILE,
					 parse_num(key, v, UINT32_MAX));
			have_profile = true;
		} else {
			die("unknown argument \"%s\"", key);
		}
		mark(nlh, a, key);
	}
	if (!have_prio)
		die("\"prio P\" is required");
	if (add && !have_profile)
		die("\"profile N\" is required");
	mnl_attr_nest_end(nlh, nest);
	nl_init(&nl);
	nl_talk(&nl, nlh, NULL, NULL);
	mnl_socket_close(nl.sk);
	return 0;
}

static int do_rule_show(int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nl nl;

	what = "rule show";
	if (argc)
		die("unknown argument \"%s\"", argv[0]);
	nl_init(&nl);
	nlh = msg_start(XFRM_GUARD_CMD_RULE_GET, NLM_F_DUMP);
	if (json)
		printf("[");
	nl_talk(&nl, nlh, rule_cb, NULL);
	if (json)
		printf("]\n");
	mnl_socket_close(nl.sk);
	return 0;
}

/* ---- connections ------------------------------------------------------ */

/* A string attribute, or NULL if absent or not NUL-terminated. */
static const char *get_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		return NULL;
	return mnl_attr_get_str(a);
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 8 ? mnl_attr_get_u64(a) : 0;
}

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

/* An unsigned attribute of any width the UAPI gives (u8, u16 or u32). */
static uint32_t get_uint(const struct nlattr *a)
{
	switch (a ? mnl_attr_get_payload_len(a) : 0) {
	case 1:
		return mnl_attr_get_u8(a);
	case 2:
		return mnl_attr_get_u16(a);
	case 4:
		return mnl_attr_get_u32(a);
	default:
		return 0;
	}
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

static int do_conn_show(int argc, char **argv)
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

static int do_stats(int argc, char **argv)
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

static int do_monitor(int argc, char **argv)
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
		n = mnl_socket_recvfrom(nl.sk, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS) {
				fprintf(stderr, "xguard: monitor: %s\n",
					"events lost (receive buffer full)");
				continue;
			}
			die("cannot read events: %s", strerror(errno));
		}
		if (mnl_cb_run(buf, n, 0, 0, event_cb, &count) < 0)
			die("bad event message: %s", strerror(errno));
	}
	close(pfd[1].fd);
	mnl_socket_close(nl.sk);
	return 0;
}

/* ---- main ------------------------------------------------------------- */

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: xguard [-j] OBJECT COMMAND [ARGS]\n"
		"\n"
		"  xguard profile show [id N]\n"
		"  xguard profile set [id N] [mode enforce|audit|off] [conf on|off]\n"
		"                     [chap-conf on|off] [modes transport,tunnel]\n"
		"                     [crc always|auto|never] [replay N]\n"
		"                     [allow ALG] [deny ALG] [default ALG] ...\n"
		"  xguard profile del id N\n"
		"  xguard rule add prio P [owner iscsi|iwarp|any] [remote PREFIX|any]\n"
		"                  [rport LO[-HI]] [lport LO[-HI]] profile N\n"
		"  xguard rule del prio P [owner ...] [remote ...] [rport ...] [lport ...]\n"
		"  xguard rule show\n"
		"  xguard conn show          attached connections, then the\n"
		"                            latest refused attaches\n"
		"  xguard stats\n"
		"  xguard monitor [-c N]\n"
		"  xguard help\n"
		"\n"
		"  -j  JSON output\n"
		"ALG is an xfrm algorithm name, e.g. \"cbc(des3_ede)\".\n"
		"Objects and settings belong to the caller's network namespace;\n"
		"changing them needs CAP_NET_ADMIN there.\n");
}

int main(int argc, char **argv)
{
	const char *obj, *cmd;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "-json") ||
		    !strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_help(stdout);
			return 0;
		}
		die("unknown option \"%s\" (try \"xguard help\")", argv[i]);
	}
	if (i >= argc) {
		print_help(stderr);
		return 1;
	}
	obj = argv[i++];
	cmd = i < argc ? argv[i] : NULL;
	if (!strcmp(obj, "help")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(obj, "stats"))
		return do_stats(argc - i, argv + i);
	if (!strcmp(obj, "monitor"))
		return do_monitor(argc - i, argv + i);
	if (!strcmp(obj, "profile")) {
		if (!cmd || !strcmp(cmd, "show") || !strcmp(cmd, "list"))
			return do_profile_show(cmd ? argc - i - 1 : 0,
					       argv + i + 1);
		if (!strcmp(cmd, "set"))
			return do_profile_set(argc - i - 1, argv + i + 1);
		if (!strcmp(cmd, "del") || !strcmp(cmd, "delete"))
			return do_profile_del(argc - i - 1, argv + i + 1);
		die("profile: unknown command \"%s\" (try \"xguard help\")",
		    cmd);
	}
	if (!strcmp(obj, "conn") || !strcmp(obj, "connection")) {
		if (!cmd || !strcmp(cmd, "show") || !strcmp(cmd, "list"))
			return do_conn_show(cmd ? argc - i - 1 : 0,
					    argv + i + 1);
		die("conn: unknown command \"%s\" (try \"xguard help\")", cmd);
	}
	if (!strcmp(obj, "rule")) {
		if (!cmd || !strcmp(cmd, "show") || !strcmp(cmd, "list"))
			return do_rule_show(cmd ? argc - i - 1 : 0,
					    argv + i + 1);
		if (!strcmp(cmd, "add"))
			return do_rule_change(argc - i - 1, argv + i + 1, true);
		if (!strcmp(cmd, "del") || !strcmp(cmd, "delete"))
			return do_rule_change(argc - i - 1, argv + i + 1, false);
		die("rule: unknown command \"%s\" (try \"xguard help\")", cmd);
	}
	die("unknown object \"%s\" (try \"xguard help\")", obj);
}
