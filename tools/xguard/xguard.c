// SPDX-License-Identifier: GPL-2.0
/*
 * xguard: configure and watch the xfrm_guard kernel module over its
 * generic netlink family, in the style of "ip xfrm".
 *
 *   xguard [-j] [-n NETNS] profile show [id N]
 *   xguard profile set [id N] [mode M] [conf on|off] ...
 *   xguard rule add|del|show ...
 *   xguard conn show	(attached connections, then the latest refused)
 *   xguard stats
 *   xguard monitor [-c N]
 *
 * Every error ends the program with status 1 and one line on stderr that
 * carries the kernel's own explanation (netlink extended ack) when there
 * is one.
 *
 * This file holds the command line: options, dispatch, usage, the shared
 * helpers for errors, names, arguments and output. netlink.c talks to the
 * kernel, policy.c holds the profile and rule commands, status.c the
 * connection, counter and event commands; xguard.h is what they share.
 */
#define _GNU_SOURCE	/* setns() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xguard.h"

bool json;
const char *what;	/* the command, for error messages */
int n_shown;		/* objects printed so far, for JSON commas */

noreturn void die(const char *fmt, ...)
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

const char *const owner_names[] = { "any", "iscsi", "iwarp" };

const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n ? names[v] : "unknown";
}

int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

/* ---- argument parsing ------------------------------------------------- */

unsigned long parse_num(const char *key, const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > max)
		die("%s: \"%s\" is not a number from 0 to %lu", key, s, max);
	return v;
}

void parse_range(const char *key, const char *s, uint16_t *lo, uint16_t *hi)
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

int parse_enum(const char *key, const char *const *names, size_t n,
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

bool parse_onoff(const char *key, const char *s)
{
	static const char *const names[] = { "off", "on" };

	return parse_enum(key, names, 2, s);
}

/* "KEY VALUE": the value of @argv[0]'s key, or die. */
const char *need_value(int *i, int argc, char **argv)
{
	if (*i + 1 >= argc)
		die("\"%s\" needs a value", argv[*i]);
	*i += 1;
	return argv[*i];
}

/* ---- output ----------------------------------------------------------- */

void put_json_str(const char *s)
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

void addr_str(uint16_t family, const void *addr, char *out, size_t len)
{
	if (!inet_ntop(family, addr, out, len))
		snprintf(out, len, "?");
}

/* ---- main ------------------------------------------------------------- */

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: xguard [-j] [-n NETNS] OBJECT COMMAND [ARGS]\n"
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
		"  -n NETNS  in network namespace NETNS (as \"ip -n\")\n"
		"ALG is an xfrm algorithm name, e.g. \"cbc(des3_ede)\".\n"
		"Objects and settings belong to the network namespace xguard\n"
		"runs in (NETNS with -n); changing them needs CAP_NET_ADMIN there.\n");
}

/*
 * "-n NETNS": work in the named network namespace, as "ip -n" does: a
 * name is looked up under /run/netns ("ip netns add" makes it there), a
 * value with a slash is taken as the path of a namespace file (such as
 * /proc/PID/ns/net). Done before the netlink socket exists, so the
 * socket, and everything the command reads or changes, belongs to it.
 */
static void enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (!*name)
		die("-n needs a network namespace name");
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else if (snprintf(path, sizeof(path), "/run/netns/%s", name) >=
		 (int)sizeof(path))
		die("network namespace name too long");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("network namespace \"%s\": %s", name, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0)
		die("network namespace \"%s\": %s", name, strerror(errno));
	close(fd);
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
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "-netns") ||
		    !strcmp(argv[i], "--netns")) {
			if (i + 1 >= argc)
				die("\"%s\" needs a network namespace name",
				    argv[i]);
			enter_netns(argv[++i]);
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
