/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xfrm_guard generic netlink interface.
 *
 * Family XFRM_GUARD_GENL_NAME, version XFRM_GUARD_GENL_VERSION, one
 * multicast group XFRM_GUARD_MCGRP_EVENTS. Every request and reply carries
 * its payload in one nest at the top level (a profile, a rule, the counters,
 * an event or a connection). Every object belongs to the network namespace
 * of the requesting socket.
 *
 * Every enum below is append-only: values never change meaning and are
 * never reused, so an old binary keeps working against a new kernel.
 * Ports are in host byte order; addresses are in network byte order.
 */
#ifndef _UAPI_LINUX_XFRM_GUARD_H
#define _UAPI_LINUX_XFRM_GUARD_H

#include <linux/types.h>

#define XFRM_GUARD_GENL_NAME		"xfrm_guard"
#define XFRM_GUARD_GENL_VERSION		1
#define XFRM_GUARD_MCGRP_EVENTS		"events"

/* Profile 0 always exists; profiles 1 to XFRM_GUARD_PROFILES_MAX - 1 may. */
#define XFRM_GUARD_PROFILES_MAX		16
/* Longest algorithm name, terminating NUL included (as in struct xfrm_algo). */
#define XFRM_GUARD_ALG_NAME_MAX		64
/* Largest minimum replay window a profile can ask for. */
#define XFRM_GUARD_REPLAY_WINDOW_MAX	4096
/* Longest owner refusal token, terminating NUL included. */
#define XFRM_GUARD_OWNER_REASON_MAX	32

/**
 * enum xfrm_guard_cmd - commands
 * @XFRM_GUARD_CMD_UNSPEC: not a command.
 * @XFRM_GUARD_CMD_PROFILE_GET: with %XFRM_GUARD_A_PROFILE holding
 *	%XFRM_GUARD_PROFILE_A_ID, get that profile; as a dump, every profile.
 *	Replies are %XFRM_GUARD_CMD_PROFILE_GET messages. Unprivileged.
 * @XFRM_GUARD_CMD_PROFILE_SET: create or modify the profile whose
 *	%XFRM_GUARD_PROFILE_A_ID is given. A new profile starts from the
 *	built-in defaults; attributes left out keep their value. Needs
 *	CAP_NET_ADMIN in the namespace's user namespace.
 * @XFRM_GUARD_CMD_PROFILE_DEL: delete a profile other than 0; refused with
 *	-EBUSY while a rule selects it. Privileged.
 * @XFRM_GUARD_CMD_RULE_ADD: add the rule in %XFRM_GUARD_A_RULE. Privileged.
 * @XFRM_GUARD_CMD_RULE_DEL: delete the rule with the same priority and
 *	match (the profile is ignored). Privileged.
 * @XFRM_GUARD_CMD_RULE_GET: dump the rules, by ascending priority.
 *	Unprivileged.
 * @XFRM_GUARD_CMD_STATS_GET: get the counters in %XFRM_GUARD_A_STATS.
 *	Unprivileged.
 * @XFRM_GUARD_CMD_EVENT: notification on %XFRM_GUARD_MCGRP_EVENTS,
 *	carrying %XFRM_GUARD_A_EVENT; not a request.
 * @XFRM_GUARD_CMD_CONN_GET: dump the guarded connections of the namespace,
 *	one %XFRM_GUARD_CMD_CONN_GET message with %XFRM_GUARD_A_CONN each:
 *	first the attached connections, then the attaches the guard refused
 *	most recently (%XFRM_GUARD_CONN_STATE_REFUSED), oldest first. Dump
 *	only. Unprivileged, like the socket list "ss" shows.
 * @__XFRM_GUARD_CMD_MAX: number of commands; not a command.
 */
enum xfrm_guard_cmd {
	XFRM_GUARD_CMD_UNSPEC,
	XFRM_GUARD_CMD_PROFILE_GET,
	XFRM_GUARD_CMD_PROFILE_SET,
	XFRM_GUARD_CMD_PROFILE_DEL,
	XFRM_GUARD_CMD_RULE_ADD,
	XFRM_GUARD_CMD_RULE_DEL,
	XFRM_GUARD_CMD_RULE_GET,
	XFRM_GUARD_CMD_STATS_GET,
	XFRM_GUARD_CMD_EVENT,
	XFRM_GUARD_CMD_CONN_GET,
	__XFRM_GUARD_CMD_MAX
};

#define XFRM_GUARD_CMD_MAX (__XFRM_GUARD_CMD_MAX - 1)

/**
 * enum xfrm_guard_attr - top-level attributes
 * @XFRM_GUARD_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_A_PROFILE: nest, enum xfrm_guard_profile_attr.
 * @XFRM_GUARD_A_RULE: nest, enum xfrm_guard_rule_attr.
 * @XFRM_GUARD_A_STATS: nest, enum xfrm_guard_stats_attr (replies only).
 * @XFRM_GUARD_A_EVENT: nest, enum xfrm_guard_event_attr (events only).
 * @XFRM_GUARD_A_CONN: nest, enum xfrm_guard_conn_attr (replies only).
 * @__XFRM_GUARD_A_MAX: number of attributes; not an attribute.
 */
enum xfrm_guard_attr {
	XFRM_GUARD_A_UNSPEC,
	XFRM_GUARD_A_PROFILE,
	XFRM_GUARD_A_RULE,
	XFRM_GUARD_A_STATS,
	XFRM_GUARD_A_EVENT,
	XFRM_GUARD_A_CONN,
	__XFRM_GUARD_A_MAX
};

#define XFRM_GUARD_A_MAX (__XFRM_GUARD_A_MAX - 1)

/**
 * enum xfrm_guard_mode - what the guard does with a verdict
 * @XFRM_GUARD_MODE_OFF: nothing.
 * @XFRM_GUARD_MODE_AUDIT: report unprotected connections, let them run.
 * @XFRM_GUARD_MODE_ENFORCE: refuse and drop what is not protected.
 * @__XFRM_GUARD_MODE_MAX: number of modes; not a mode.
 */
enum xfrm_guard_mode {
	XFRM_GUARD_MODE_OFF,
	XFRM_GUARD_MODE_AUDIT,
	XFRM_GUARD_MODE_ENFORCE,
	__XFRM_GUARD_MODE_MAX
};

/**
 * enum xfrm_guard_crc_policy - application-layer CRC policy (RFC 3723 3.6)
 * @XFRM_GUARD_CRC_POLICY_ALWAYS: always compute the CRC.
 * @XFRM_GUARD_CRC_POLICY_AUTO: omit it only when both directions are
 *	offloaded to the NIC.
 * @XFRM_GUARD_CRC_POLICY_NEVER: never compute it.
 * @__XFRM_GUARD_CRC_POLICY_MAX: number of policies; not a policy.
 */
enum xfrm_guard_crc_policy {
	XFRM_GUARD_CRC_POLICY_ALWAYS,
	XFRM_GUARD_CRC_POLICY_AUTO,
	XFRM_GUARD_CRC_POLICY_NEVER,
	__XFRM_GUARD_CRC_POLICY_MAX
};

/**
 * enum xfrm_guard_ipsec_mode - bits of %XFRM_GUARD_PROFILE_A_IPSEC_MODES
 * @XFRM_GUARD_IPSEC_TRANSPORT: transport mode is accepted.
 * @XFRM_GUARD_IPSEC_TUNNEL: tunnel mode is accepted.
 */
enum xfrm_guard_ipsec_mode {
	XFRM_GUARD_IPSEC_TRANSPORT	= 1 << 0,
	XFRM_GUARD_IPSEC_TUNNEL		= 1 << 1,
};

/**
 * enum xfrm_guard_alg_action - an administrator's override of an algorithm
 * @XFRM_GUARD_ALG_DEFAULT: drop the override, use the built-in judgement.
 * @XFRM_GUARD_ALG_ALLOW: allow (also silences a warning).
 * @XFRM_GUARD_ALG_DENY: deny.
 * @__XFRM_GUARD_ALG_MAX: number of actions; not an action.
 */
enum xfrm_guard_alg_action {
	XFRM_GUARD_ALG_DEFAULT,
	XFRM_GUARD_ALG_ALLOW,
	XFRM_GUARD_ALG_DENY,
	__XFRM_GUARD_ALG_MAX
};

/**
 * enum xfrm_guard_alg_disposition - how a profile judges an algorithm
 * @XFRM_GUARD_DISP_ALLOW: accepted.
 * @XFRM_GUARD_DISP_DENY: an SA using it is refused.
 * @XFRM_GUARD_DISP_WARN: accepted with a warning.
 */
enum xfrm_guard_alg_disposition {
	XFRM_GUARD_DISP_ALLOW,
	XFRM_GUARD_DISP_DENY,
	XFRM_GUARD_DISP_WARN,
};

/**
 * enum xfrm_guard_profile_attr - attributes of %XFRM_GUARD_A_PROFILE
 * @XFRM_GUARD_PROFILE_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_PROFILE_A_ID: u32, profile index, below
 *	%XFRM_GUARD_PROFILES_MAX; required in requests.
 * @XFRM_GUARD_PROFILE_A_MODE: u8, enum xfrm_guard_mode.
 * @XFRM_GUARD_PROFILE_A_CONFIDENTIALITY: u8, 0 or 1: every SA must encrypt.
 * @XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY: u8, 0 or 1: an iSCSI login
 *	may use CHAP only over an encrypting SA.
 * @XFRM_GUARD_PROFILE_A_IPSEC_MODES: u32, enum xfrm_guard_ipsec_mode bits;
 *	not empty.
 * @XFRM_GUARD_PROFILE_A_CRC: u8, enum xfrm_guard_crc_policy.
 * @XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW: u32, 1 to
 *	%XFRM_GUARD_REPLAY_WINDOW_MAX.
 * @XFRM_GUARD_PROFILE_A_ALGS: nest of %XFRM_GUARD_ALGS_A_ALG. In a request,
 *	the overrides to change (others keep theirs), applied in order; the
 *	attribute may be repeated. In a reply, every algorithm the guard
 *	knows, with its override and disposition.
 * @__XFRM_GUARD_PROFILE_A_MAX: number of attributes; not an attribute.
 */
enum xfrm_guard_profile_attr {
	XFRM_GUARD_PROFILE_A_UNSPEC,
	XFRM_GUARD_PROFILE_A_ID,
	XFRM_GUARD_PROFILE_A_MODE,
	XFRM_GUARD_PROFILE_A_CONFIDENTIALITY,
	XFRM_GUARD_PROFILE_A_CHAP_CONFIDENTIALITY,
	XFRM_GUARD_PROFILE_A_IPSEC_MODES,
	XFRM_GUARD_PROFILE_A_CRC,
	XFRM_GUARD_PROFILE_A_MIN_REPLAY_WINDOW,
	XFRM_GUARD_PROFILE_A_ALGS,
	__XFRM_GUARD_PROFILE_A_MAX
};

#define XFRM_GUARD_PROFILE_A_MAX (__XFRM_GUARD_PROFILE_A_MAX - 1)

/**
 * enum xfrm_guard_algs_attr - attributes of %XFRM_GUARD_PROFILE_A_ALGS
 * @XFRM_GUARD_ALGS_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_ALGS_A_ALG: nest, enum xfrm_guard_alg_attr; repeated.
 * @__XFRM_GUARD_ALGS_A_MAX: number of attributes; not an attribute.
 */
enum xfrm_guard_algs_attr {
	XFRM_GUARD_ALGS_A_UNSPEC,
	XFRM_GUARD_ALGS_A_ALG,
	__XFRM_GUARD_ALGS_A_MAX
};

#define XFRM_GUARD_ALGS_A_MAX (__XFRM_GUARD_ALGS_A_MAX - 1)

/**
 * enum xfrm_guard_alg_attr - attributes of %XFRM_GUARD_ALGS_A_ALG
 * @XFRM_GUARD_ALG_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_ALG_A_NAME: NUL-terminated string, the xfrm algorithm name
 *	(e.g. "cbc(des3_ede)"); required.
 * @XFRM_GUARD_ALG_A_ACTION: u8, enum xfrm_guard_alg_action; required in
 *	requests.
 * @XFRM_GUARD_ALG_A_DISPOSITION: u8, enum xfrm_guard_alg_disposition, the
 *	resulting judgement; replies only.
 * @__XFRM_GUARD_ALG_A_MAX: number of attributes; not an attribute.
 */
enum xfrm_guard_alg_attr {
	XFRM_GUARD_ALG_A_UNSPEC,
	XFRM_GUARD_ALG_A_NAME,
	XFRM_GUARD_ALG_A_ACTION,
	XFRM_GUARD_ALG_A_DISPOSITION,
	__XFRM_GUARD_ALG_A_MAX
};

#define XFRM_GUARD_ALG_A_MAX (__XFRM_GUARD_ALG_A_MAX - 1)

/**
 * enum xfrm_guard_owner_id - who attached a connection
 * @XFRM_GUARD_OWNER_ID_ANY: in a rule, any owner; in an event, a connection
 *	nobody attached (a portal guarded by a local-port rule).
 * @XFRM_GUARD_OWNER_ID_ISCSI: the iSCSI initiator transport.
 * @XFRM_GUARD_OWNER_ID_IWARP: the iWARP provider.
 * @__XFRM_GUARD_OWNER_ID_MAX: number of owners; not an owner.
 */
enum xfrm_guard_owner_id {
	XFRM_GUARD_OWNER_ID_ANY,
	XFRM_GUARD_OWNER_ID_ISCSI,
	XFRM_GUARD_OWNER_ID_IWARP,
	__XFRM_GUARD_OWNER_ID_MAX
};

/**
 * enum xfrm_guard_rule_attr - attributes of %XFRM_GUARD_A_RULE
 * @XFRM_GUARD_RULE_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_RULE_A_PRIORITY: u32, lower is tried first; required.
 * @XFRM_GUARD_RULE_A_OWNER: u8, enum xfrm_guard_owner_id; default any.
 * @XFRM_GUARD_RULE_A_FAMILY: u16, AF_INET or AF_INET6. Optional in
 *	requests (the address attribute implies it; if given, it must agree);
 *	AF_UNSPEC in replies for a rule without a remote address, which
 *	matches both families. A /0 prefix keeps its family: 0.0.0.0/0
 *	matches every IPv4 address and no IPv6 one.
 * @XFRM_GUARD_RULE_A_REMOTE_IP4: 4 bytes, remote IPv4 prefix.
 * @XFRM_GUARD_RULE_A_REMOTE_IP6: 16 bytes, remote IPv6 prefix.
 * @XFRM_GUARD_RULE_A_PREFIX_LEN: u8, remote prefix length; with an address
 *	it defaults to the full address, without one it must be 0.
 * @XFRM_GUARD_RULE_A_RPORT_LO: u16, lowest remote port; default 0.
 * @XFRM_GUARD_RULE_A_RPORT_HI: u16, highest remote port; default the low
 *	port if that is given, else 65535.
 * @XFRM_GUARD_RULE_A_LPORT_LO: u16, lowest local port; default 0.
 * @XFRM_GUARD_RULE_A_LPORT_HI: u16, highest local port; defaults as for
 *	%XFRM_GUARD_RULE_A_RPORT_HI.
 * @XFRM_GUARD_RULE_A_PROFILE: u32, profile selected; required when adding.
 * @__XFRM_GUARD_RULE_A_MAX: number of attributes; not an attribute.
 */
enum xfrm_guard_rule_attr {
	XFRM_GUARD_RULE_A_UNSPEC,
	XFRM_GUARD_RULE_A_PRIORITY,
	XFRM_GUARD_RULE_A_OWNER,
	XFRM_GUARD_RULE_A_FAMILY,
	XFRM_GUARD_RULE_A_REMOTE_IP4,
	XFRM_GUARD_RULE_A_REMOTE_IP6,
	XFRM_GUARD_RULE_A_PREFIX_LEN,
	XFRM_GUARD_RULE_A_RPORT_LO,
	XFRM_GUARD_RULE_A_RPORT_HI,
	XFRM_GUARD_RULE_A_LPORT_LO,
	XFRM_GUARD_RULE_A_LPORT_HI,
	XFRM_GUARD_RULE_A_PROFILE,
	__XFRM_GUARD_RULE_A_MAX
};

#define XFRM_GUARD_RULE_A_MAX (__XFRM_GUARD_RULE_A_MAX - 1)

/**
 * enum xfrm_guard_stats_attr - attributes of %XFRM_GUARD_A_STATS
 * @XFRM_GUARD_STATS_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_STATS_A_PAD: padding for 64-bit alignment.
 * @XFRM_GUARD_STATS_A_ATTACHED: u64, connections attached by an owner.
 * @XFRM_GUARD_STATS_A_REFUSED: u64, attaches refused.
 * @XFRM_GUARD_STATS_A_AUDITED: u64, unprotected connections let run in
 *	audit mode.
 * @XFRM_GUARD_STATS_A_LOST: u64, guarded connections that lost protection.
 * @XFRM_GUARD_STATS_A_RESTORED: u64, guarded connections whose protection
 *	came back.
 * @XFRM_GUARD_STATS_A_RX_DROPPED: u64, received segments dropped.
 * @XFRM_GUARD_STATS_A_TX_HELD: u64, transmissions held.
 * @XFRM_GUARD_STATS_A_PORTAL_DROPPED: u64, segments dropped by a local-port
 *	rule.
 * @XFRM_GUARD_STATS_A_WARNED: u64, verdicts that carried a warning.
 * @XFRM_GUARD_STATS_A_OWNER_REFUSED: u64, guarded connections their owner
 *	refused for a reason of its own (an iSCSI login rule, say).
 * @XFRM_GUARD_STATS_A_HOLD_EXPIRED: u64, guarded connections aborted after
 *	staying unprotected for the hold timeout.
 * @__XFRM_GUARD_STATS_A_MAX: number of attributes; not an attribute.
 *
 * Counters added later get the next attribute numbers; a reader that does
 * not know one may show it as "counter <type>".
 */
enum xfrm_guard_stats_attr {
	XFRM_GUARD_STATS_A_UNSPEC,
	XFRM_GUARD_STATS_A_PAD,
	XFRM_GUARD_STATS_A_ATTACHED,
	XFRM_GUARD_STATS_A_REFUSED,
	XFRM_GUARD_STATS_A_AUDITED,
	XFRM_GUARD_STATS_A_LOST,
	XFRM_GUARD_STATS_A_RESTORED,
	XFRM_GUARD_STATS_A_RX_DROPPED,
	XFRM_GUARD_STATS_A_TX_HELD,
	XFRM_GUARD_STATS_A_PORTAL_DROPPED,
	XFRM_GUARD_STATS_A_WARNED,
	XFRM_GUARD_STATS_A_OWNER_REFUSED,
	XFRM_GUARD_STATS_A_HOLD_EXPIRED,
	__XFRM_GUARD_STATS_A_MAX
};

#define XFRM_GUARD_STATS_A_MAX (__XFRM_GUARD_STATS_A_MAX - 1)

/**
 * enum xfrm_guard_event_type - what an event reports
 * @XFRM_GUARD_EVENT_UNSPEC: not an event.
 * @XFRM_GUARD_EVENT_REFUSED: a connection was refused (enforce mode).
 * @XFRM_GUARD_EVENT_LOST: a guarded connection lost protection; it holds.
 * @XFRM_GUARD_EVENT_RESTORED: protection came back; the connection resumes.
 * @XFRM_GUARD_EVENT_DROPPED: a segment was dropped (events of this type
 *	may be sampled by the sender).
 * @XFRM_GUARD_EVENT_AUDITED: an unprotected connection runs (audit mode).
 * @XFRM_GUARD_EVENT_OWNER_REFUSED: the owner of a guarded connection
 *	refused it for a reason of its own, given in
 *	%XFRM_GUARD_EVENT_A_OWNER_REASON; %XFRM_GUARD_EVENT_A_REASON is the
 *	guard's own verdict at that time.
 * @XFRM_GUARD_EVENT_HOLD_EXPIRED: a guarded connection stayed unprotected
 *	for the hold timeout; the guard aborted it (ETIMEDOUT) and its owner
 *	recovers the usual way (RFC 3723 3.5).
 * @__XFRM_GUARD_EVENT_MAX: number of types; not a type.
 */
enum xfrm_guard_event_type {
	XFRM_GUARD_EVENT_UNSPEC,
	XFRM_GUARD_EVENT_REFUSED,
	XFRM_GUARD_EVENT_LOST,
	XFRM_GUARD_EVENT_RESTORED,
	XFRM_GUARD_EVENT_DROPPED,
	XFRM_GUARD_EVENT_AUDITED,
	XFRM_GUARD_EVENT_OWNER_REFUSED,
	XFRM_GUARD_EVENT_HOLD_EXPIRED,
	__XFRM_GUARD_EVENT_MAX
};

/**
 * enum xfrm_guard_event_attr - attributes of %XFRM_GUARD_A_EVENT
 * @XFRM_GUARD_EVENT_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_EVENT_A_TYPE: u8, enum xfrm_guard_event_type.
 * @XFRM_GUARD_EVENT_A_OWNER: u8, enum xfrm_guard_owner_id.
 * @XFRM_GUARD_EVENT_A_FAMILY: u16, AF_INET or AF_INET6.
 * @XFRM_GUARD_EVENT_A_SADDR: local address, 4 or 16 bytes by family.
 * @XFRM_GUARD_EVENT_A_DADDR: remote address, 4 or 16 bytes by family.
 * @XFRM_GUARD_EVENT_A_SPORT: u16, local port.
 * @XFRM_GUARD_EVENT_A_DPORT: u16, remote port.
 * @XFRM_GUARD_EVENT_A_REASON: u32, the reason code (the stable values of
 *	enum xfrm_guard_reason in the kernel's net/xfrm_guard.h).
 * @XFRM_GUARD_EVENT_A_REASON_NAME: string, the reason's stable name, as in
 *	dmesg ("no_ipsec", "weak_algorithm", ...).
 * @XFRM_GUARD_EVENT_A_ALG: string, the algorithm at fault, if any.
 * @XFRM_GUARD_EVENT_A_PROFILE: u32, the profile applied.
 * @XFRM_GUARD_EVENT_A_OWNER_REASON: string, at most
 *	%XFRM_GUARD_OWNER_REASON_MAX bytes with the NUL: the owner's refusal
 *	token ("chap_reflection", "crc_required", ...; "owner_refused" when
 *	the owner gave none usable); %XFRM_GUARD_EVENT_OWNER_REFUSED only.
 * @__XFRM_GUARD_EVENT_A_MAX: number of attributes; not an attribute.
 */
enum xfrm_guard_event_attr {
	XFRM_GUARD_EVENT_A_UNSPEC,
	XFRM_GUARD_EVENT_A_TYPE,
	XFRM_GUARD_EVENT_A_OWNER,
	XFRM_GUARD_EVENT_A_FAMILY,
	XFRM_GUARD_EVENT_A_SADDR,
	XFRM_GUARD_EVENT_A_DADDR,
	XFRM_GUARD_EVENT_A_SPORT,
	XFRM_GUARD_EVENT_A_DPORT,
	XFRM_GUARD_EVENT_A_REASON,
	XFRM_GUARD_EVENT_A_REASON_NAME,
	XFRM_GUARD_EVENT_A_ALG,
	XFRM_GUARD_EVENT_A_PROFILE,
	XFRM_GUARD_EVENT_A_OWNER_REASON,
	__XFRM_GUARD_EVENT_A_MAX
};

#define XFRM_GUARD_EVENT_A_MAX (__XFRM_GUARD_EVENT_A_MAX - 1)

/**
 * enum xfrm_guard_sa_mode - IPsec mode of the SAs behind a connection
 * @XFRM_GUARD_SA_MODE_TRANSPORT: transport mode.
 * @XFRM_GUARD_SA_MODE_TUNNEL: tunnel mode.
 * @XFRM_GUARD_SA_MODE_BEET: BEET (never accepted).
 * @XFRM_GUARD_SA_MODE_OTHER: any other xfrm mode.
 * @__XFRM_GUARD_SA_MODE_MAX: number of modes; not a mode.
 */
enum xfrm_guard_sa_mode {
	XFRM_GUARD_SA_MODE_TRANSPORT,
	XFRM_GUARD_SA_MODE_TUNNEL,
	XFRM_GUARD_SA_MODE_BEET,
	XFRM_GUARD_SA_MODE_OTHER,
	__XFRM_GUARD_SA_MODE_MAX
};

/**
 * enum xfrm_guard_conn_attr - attributes of %XFRM_GUARD_A_CONN
 * @XFRM_GUARD_CONN_A_UNSPEC: not an attribute.
 * @XFRM_GUARD_CONN_A_PAD: padding for 64-bit alignment.
 * @XFRM_GUARD_CONN_A_OWNER: u8, enum xfrm_guard_owner_id.
 * @XFRM_GUARD_CONN_A_FAMILY: u16, AF_INET or AF_INET6.
 * @XFRM_GUARD_CONN_A_LADDR: local address, 4 or 16 bytes by family.
 * @XFRM_GUARD_CONN_A_RADDR: remote address, 4 or 16 bytes by family.
 * @XFRM_GUARD_CONN_A_LPORT: u16, local port.
 * @XFRM_GUARD_CONN_A_RPORT: u16, remote port.
 * @XFRM_GUARD_CONN_A_REASON: u32, the latest verdict's reason code (as
 *	%XFRM_GUARD_EVENT_A_REASON).
 * @XFRM_GUARD_CONN_A_REASON_NAME: string, the reason's stable name.
 * @XFRM_GUARD_CONN_A_CRC: string, the CRC decision: "software",
 *	"offloaded", "forced" or "disabled".
 * @XFRM_GUARD_CONN_A_TX_OPEN: u8, 1 if the owner may transmit, 0 while the
 *	connection is held.
 * @XFRM_GUARD_CONN_A_ENFORCED: u8, 1 if the profile applied enforces.
 * @XFRM_GUARD_CONN_A_CONFIDENTIAL: u8, 1 if every SA encrypts.
 * @XFRM_GUARD_CONN_A_WARN: u8, 1 if an SA uses an algorithm accepted with
 *	a warning.
 * @XFRM_GUARD_CONN_A_ALG: string, the algorithm behind a weak_algorithm
 *	verdict; absent otherwise.
 * @XFRM_GUARD_CONN_A_OUT_SAS: u8, states in the output bundle; 0 means no
 *	IPsec, and then the outbound attributes below are absent.
 * @XFRM_GUARD_CONN_A_MODE: u8, enum xfrm_guard_sa_mode of the outbound ESP
 *	state.
 * @XFRM_GUARD_CONN_A_OUT_SPI: u32, SPI of the outbound ESP state (host
 *	byte order, as "ip xfrm" prints it).
 * @XFRM_GUARD_CONN_A_OUT_OFFLOADED: u8, 1 if the outbound ESP state is
 *	offloaded to a NIC.
 * @XFRM_GUARD_CONN_A_IN_SPI: u32, SPI of the inbound SA (host byte order);
 *	absent, as are the next two, while no inbound SA is known.
 * @XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW: u32, the inbound SA's replay window.
 * @XFRM_GUARD_CONN_A_IN_OFFLOADED: u8, 1 if the inbound SA is offloaded.
 * @XFRM_GUARD_CONN_A_AEAD: string, outbound combined algorithm, if any.
 * @XFRM_GUARD_CONN_A_ENC: string, outbound encryption algorithm, if any.
 * @XFRM_GUARD_CONN_A_AUTH: string, outbound integrity algorithm, if any.
 * @XFRM_GUARD_CONN_A_RX_DROPPED: u64, received segments dropped.
 * @XFRM_GUARD_CONN_A_TX_DROPPED: u64, outgoing segments dropped (they
 *	would have left unprotected).
 * @XFRM_GUARD_CONN_A_LOST: u64, times protection was lost.
 * @XFRM_GUARD_CONN_A_RESTORED: u64, times protection came back.
 * @XFRM_GUARD_CONN_A_OWNER_REFUSED: string, the token of the owner's
 *	latest refusal (as %XFRM_GUARD_EVENT_A_OWNER_REASON); absent while
 *	the owner has refused nothing.
 * @XFRM_GUARD_CONN_A_STATE: u8, enum xfrm_guard_conn_state. A kernel that
 *	does not send it dumps attached connections only.
 * @XFRM_GUARD_CONN_A_PROFILE: u32, the profile the verdict was made with
 *	(as %XFRM_GUARD_EVENT_A_PROFILE).
 * @XFRM_GUARD_CONN_A_REFUSED_AGE: u64, seconds since the refusal (boot
 *	time, so suspended time counts); %XFRM_GUARD_CONN_STATE_REFUSED only.
 * @__XFRM_GUARD_CONN_A_MAX: number of attributes; not an attribute.
 *
 * An entry of state %XFRM_GUARD_CONN_STATE_REFUSED is a connection that
 * no longer exists: it carries only the owner, family, addresses, ports,
 * reason (code and name), algorithm, state, profile and refused age.
 */
enum xfrm_guard_conn_attr {
	XFRM_GUARD_CONN_A_UNSPEC,
	XFRM_GUARD_CONN_A_PAD,
	XFRM_GUARD_CONN_A_OWNER,
	XFRM_GUARD_CONN_A_FAMILY,
	XFRM_GUARD_CONN_A_LADDR,
	XFRM_GUARD_CONN_A_RADDR,
	XFRM_GUARD_CONN_A_LPORT,
	XFRM_GUARD_CONN_A_RPORT,
	XFRM_GUARD_CONN_A_REASON,
	XFRM_GUARD_CONN_A_REASON_NAME,
	XFRM_GUARD_CONN_A_CRC,
	XFRM_GUARD_CONN_A_TX_OPEN,
	XFRM_GUARD_CONN_A_ENFORCED,
	XFRM_GUARD_CONN_A_CONFIDENTIAL,
	XFRM_GUARD_CONN_A_WARN,
	XFRM_GUARD_CONN_A_ALG,
	XFRM_GUARD_CONN_A_OUT_SAS,
	XFRM_GUARD_CONN_A_MODE,
	XFRM_GUARD_CONN_A_OUT_SPI,
	XFRM_GUARD_CONN_A_OUT_OFFLOADED,
	XFRM_GUARD_CONN_A_IN_SPI,
	XFRM_GUARD_CONN_A_IN_REPLAY_WINDOW,
	XFRM_GUARD_CONN_A_IN_OFFLOADED,
	XFRM_GUARD_CONN_A_AEAD,
	XFRM_GUARD_CONN_A_ENC,
	XFRM_GUARD_CONN_A_AUTH,
	XFRM_GUARD_CONN_A_RX_DROPPED,
	XFRM_GUARD_CONN_A_TX_DROPPED,
	XFRM_GUARD_CONN_A_LOST,
	XFRM_GUARD_CONN_A_RESTORED,
	XFRM_GUARD_CONN_A_OWNER_REFUSED,
	XFRM_GUARD_CONN_A_STATE,
	XFRM_GUARD_CONN_A_PROFILE,
	XFRM_GUARD_CONN_A_REFUSED_AGE,
	__XFRM_GUARD_CONN_A_MAX
};

#define XFRM_GUARD_CONN_A_MAX (__XFRM_GUARD_CONN_A_MAX - 1)

/**
 * enum xfrm_guard_conn_state - what an entry of the connection dump is
 * @XFRM_GUARD_CONN_STATE_ATTACHED: a connection under the guard now
 *	(including one that is held, or that its owner refused: those stay
 *	attached until the owner lets them go).
 * @XFRM_GUARD_CONN_STATE_REFUSED: an attach the guard refused (enforce
 *	mode, not protected). The connection was never attached; the
 *	namespace remembers its latest few refusals (16) so that they can be
 *	seen after the fact.
 * @__XFRM_GUARD_CONN_STATE_MAX: number of states; not a state.
 */
enum xfrm_guard_conn_state {
	XFRM_GUARD_CONN_STATE_ATTACHED,
	XFRM_GUARD_CONN_STATE_REFUSED,
	__XFRM_GUARD_CONN_STATE_MAX
};

#endif /* _UAPI_LINUX_XFRM_GUARD_H */
