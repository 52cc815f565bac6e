/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xguard's private header: the declarations its files share. xguard.c
 * holds the options, errors, names, argument parsing and shared output;
 * netlink.c the socket, requests and attribute helpers; policy.c the
 * profile and rule commands; status.c the conn, stats and monitor ones.
 */
#ifndef XGUARD_H
#define XGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include <libmnl/libmnl.h>

/* ---- xguard.c --------------------------------------------------------- */

extern bool json;
extern const char *what;
extern int n_shown;

extern const char *const owner_names[3];

#define N(a) (sizeof(a) / sizeof((a)[0]))

noreturn void die(const char *fmt, ...);

const char *name_of(const char *const *names, size_t n, unsigned int v);
int lookup(const char *const *names, size_t n, const char *s);

unsigned long parse_num(const char *key, const char *s, unsigned long max);
void parse_range(const char *key, const char *s, uint16_t *lo, uint16_t *hi);
int parse_enum(const char *key, const char *const *names, size_t n,
	       const char *s);
bool parse_onoff(const char *key, const char *s);
const char *need_value(int *i, int argc, char **argv);

void put_json_str(const char *s);
void addr_str(uint16_t family, const void *addr, char *out, size_t len);

/* ---- netlink.c -------------------------------------------------------- */

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
	uint32_t events_grp;
};

/* where replies (and monitored events) are read */
extern char nl_buf[1 << 16];

void nl_init(struct nl *nl);
struct nlmsghdr *msg_start(uint8_t cmd, uint16_t flags);
struct nlattr *nest_start(struct nlmsghdr *nlh, uint16_t type);
void mark(const struct nlmsghdr *nlh, const struct nlattr *a,
	  const char *name);
void nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

int nest_table(const struct nlattr *nest, const struct nlattr **tb, int max);
const struct nlattr *top_attr(const struct nlmsghdr *nlh, uint16_t type);
uint8_t get_u8(const struct nlattr *a);
uint16_t get_u16(const struct nlattr *a);
uint32_t get_u32(const struct nlattr *a);
uint64_t get_u64(const struct nlattr *a);
uint32_t get_uint(const struct nlattr *a);
const char *get_str(const struct nlattr *a);

/* ---- policy.c --------------------------------------------------------- */

int do_profile_show(int argc, char **argv);
int do_profile_set(int argc, char **argv);
int do_profile_del(int argc, char **argv);
int do_rule_change(int argc, char **argv, bool add);
int do_rule_show(int argc, char **argv);

/* ---- status.c --------------------------------------------------------- */

int do_conn_show(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_monitor(int argc, char **argv);

#endif /* XGUARD_H */
