// SPDX-License-Identifier: GPL-2.0
/*
 * xguard's policy commands: "profile show|set|del" and "rule add|del|show",
 * the requests they build and how they print what the kernel returns.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm_guard.h>

#include "xguard.h"

static const char *const mode_names[] = { "off", "audit", "enforce" };
static const char *const crc_names[] = { "always", "auto", "never" };
static const char *const action_names[] = { "default", "allow", "deny" };
static const char *const disp_names[] = { "allow", "deny", "warn" };

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

static void modes_str(uint32_t modes, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s",
		 modes & XFRM_GUARD_IPSEC_TRANSPORT ? "transport" : "",
		 (modes & XFRM_GUARD_IPSEC_TRANSPORT) &&
		 (modes & XFRM_GUARD_IPSEC_TUNNEL) ? "," : "",
		 modes & XFRM_GUARD_IPSEC_TUNNEL ? "tunnel" : "");
}

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

int do_profile_show(int argc, char **argv)
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

int do_profile_set(int argc, char **argv)
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

int do_profile_del(int argc, char **argv)
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

int do_rule_change(int argc, char **argv, bool add)
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

int do_rule_show(int argc, char **argv)
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
