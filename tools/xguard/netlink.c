// SPDX-License-Identifier: GPL-2.0
/*
 * xguard's netlink side: the libmnl socket, finding the xfrm_guard generic
 * netlink family, building requests, sending them and turning the kernel's
 * extended ack into one error line; then the helpers that read attributes
 * out of the replies.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/xfrm_guard.h>

#include "xguard.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* ---- netlink ---------------------------------------------------------- */

/* Where each attribute of the request sits, to name the one at fault. */
#define MAX_MARKS 64
static struct {
	uint32_t off;
	const char *name;
} marks[MAX_MARKS];
static int n_marks;

void mark(const struct nlmsghdr *nlh, const struct nlattr *a,
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

char nl_buf[1 << 16];

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
struct nlmsghdr *msg_start(uint8_t cmd, uint16_t flags)
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

struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type)
{
	/* the kernel validates strictly: nests must say they are nests */
	return mnl_attr_nest_start(nlh, type | NLA_F_NESTED);
}

/* Send @nlh and feed every reply message to @cb; dies on any error. */
void nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
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
		n = mnl_socket_recvfrom(nl->sk, nl_buf, sizeof(nl_buf));
		if (n < 0)
			die("cannot read the reply: %s", strerror(errno));
		ret = mnl_cb_run2(nl_buf, n, seq, nl->portid, cb, data, ctl,
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
		ssize_t n = mnl_socket_recvfrom(nl->sk, nl_buf, sizeof(nl_buf));
		int ret;

		if (n < 0)
			die("cannot read the reply: %s", strerror(errno));
		ret = mnl_cb_run2(nl_buf, n, nlh->nlmsg_seq, nl->portid, ctrl_cb,
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

void nl_init(struct nl *nl)
{
	nl_open(nl);
	nl_resolve(nl);
}

/* ---- attributes ------------------------------------------------------- */

int nest_table(const struct nlattr *nest, const struct nlattr **tb, int max)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) <= max)
			tb[mnl_attr_get_type(a)] = a;
	return 0;
}

const struct nlattr *top_attr(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

uint16_t get_u16(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 2 ? mnl_attr_get_u16(a) : 0;
}

uint8_t get_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

/* A string attribute, or NULL if absent or not NUL-terminated. */
const char *get_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		return NULL;
	return mnl_attr_get_str(a);
}

uint64_t get_u64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) >= 8 ? mnl_attr_get_u64(a) : 0;
}

/* An unsigned attribute of any width the UAPI gives (u8, u16 or u32). */
uint32_t get_uint(const struct nlattr *a)
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
