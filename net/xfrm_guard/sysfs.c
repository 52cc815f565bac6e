// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard /sys/kernel/xfrm_guard/: the initial namespace's default
 * profile, one value per file, and its counters in stats/. Read-only: the
 * only way to change policy is netlink, which knows namespaces and
 * reports errors; this is for a quick look and for scripts without xguard.
 */
#include <linux/bitops.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>

#include "netns.h"
#include "sysfs.h"

static struct kobject *xg_kobj;

static const char * const xg_mode_names[__XFRM_GUARD_MODE_MAX] = {
	[XFRM_GUARD_MODE_OFF] = "off",
	[XFRM_GUARD_MODE_AUDIT] = "audit",
	[XFRM_GUARD_MODE_ENFORCE] = "enforce",
};

static const char * const xg_crc_policy_names[__XFRM_GUARD_CRC_POLICY_MAX] = {
	[XFRM_GUARD_CRC_POLICY_ALWAYS] = "always",
	[XFRM_GUARD_CRC_POLICY_AUTO] = "auto",
	[XFRM_GUARD_CRC_POLICY_NEVER] = "never",
};

/* A copy, so that no file is formatted inside the RCU read section. */
static void xg_sysfs_profile(struct xg_profile *p)
{
	rcu_read_lock();
	*p = xg_config_get(xg_net(&init_net))->profiles[XG_PROFILE_DEFAULT];
	rcu_read_unlock();
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct xg_profile p;

	xg_sysfs_profile(&p);
	return sysfs_emit(buf, "%s\n", xg_mode_names[p.mode]);
}

static ssize_t confidentiality_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct xg_profile p;

	xg_sysfs_profile(&p);
	return sysfs_emit(buf, "%d\n", p.confidentiality);
}

static ssize_t chap_requires_confidentiality_show(struct kobject *kobj,
						  struct kobj_attribute *attr,
						  char *buf)
{
	struct xg_profile p;

	xg_sysfs_profile(&p);
	return sysfs_emit(buf, "%d\n", p.chap_requires_confidentiality);
}

static ssize_t ipsec_modes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct xg_profile p;
	int len = 0;

	xg_sysfs_profile(&p);
	if (p.ipsec_modes & BIT(XFRM_GUARD_SA_MODE_TRANSPORT))
		len += sysfs_emit_at(buf, len, "transport");
	if (p.ipsec_modes & BIT(XFRM_GUARD_SA_MODE_TUNNEL))
		len += sysfs_emit_at(buf, len, "%stunnel", len ? "," : "");
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static ssize_t crc_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct xg_profile p;

	xg_sysfs_profile(&p);
	return sysfs_emit(buf, "%s\n", xg_crc_policy_names[p.crc]);
}

static ssize_t min_replay_window_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct xg_profile p;

	xg_sysfs_profile(&p);
	return sysfs_emit(buf, "%u\n", p.min_replay_window);
}

/* Algorithms whose effective disposition is @disp, space separated. */
static ssize_t xg_sysfs_algs(char *buf, enum xfrm_guard_alg_disposition disp)
{
	struct xg_profile p;
	int i, len = 0;

	xg_sysfs_profile(&p);
	for (i = 0; i < XG_ALG_COUNT; i++)
		if (xg_profile_alg_disposition(&p, i) == disp)
			len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
					     xg_alg_get(i)->name);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static ssize_t denied_algorithms_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return xg_sysfs_algs(buf, XFRM_GUARD_DISP_DENY);
}

static ssize_t warned_algorithms_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return xg_sysfs_algs(buf, XFRM_GUARD_DISP_WARN);
}

static struct kobj_attribute xg_attr_mode = __ATTR_RO(mode);
static struct kobj_attribute xg_attr_confidentiality = __ATTR_RO(confidentiality);
static struct kobj_attribute xg_attr_chap =
	__ATTR_RO(chap_requires_confidentiality);
static struct kobj_attribute xg_attr_ipsec_modes = __ATTR_RO(ipsec_modes);
static struct kobj_attribute xg_attr_crc = __ATTR_RO(crc);
static struct kobj_attribute xg_attr_replay = __ATTR_RO(min_replay_window);
static struct kobj_attribute xg_attr_denied = __ATTR_RO(denied_algorithms);
static struct kobj_attribute xg_attr_warned = __ATTR_RO(warned_algorithms);

static struct attribute *xg_profile_attrs[] = {
	&xg_attr_mode.attr,
	&xg_attr_confidentiality.attr,
	&xg_attr_chap.attr,
	&xg_attr_ipsec_modes.attr,
	&xg_attr_crc.attr,
	&xg_attr_replay.attr,
	&xg_attr_denied.attr,
	&xg_attr_warned.attr,
	NULL
};

static const struct attribute_group xg_profile_group = {
	.attrs = xg_profile_attrs,
};

/* One file per counter, named by xg_stat_name(), made at load time. */
struct xg_stat_attr {
	struct kobj_attribute kattr;
	enum xg_stat stat;
};

static struct xg_stat_attr xg_stat_attrs[__XG_STAT_MAX];
static struct attribute *xg_stat_attr_ptrs[__XG_STAT_MAX + 1];

static ssize_t xg_stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct xg_stat_attr *sa = container_of(attr, struct xg_stat_attr, kattr);
	u64 v[__XG_STAT_MAX];

	xg_stats_read(xg_net(&init_net), v);
	return sysfs_emit(buf, "%llu\n", v[sa->stat]);
}

static const struct attribute_group xg_stats_group = {
	.name = "stats",
	.attrs = xg_stat_attr_ptrs,
};

static const struct attribute_group *xg_groups[] = {
	&xg_profile_group,
	&xg_stats_group,
	NULL
};

/**
 * xg_sysfs_init() - create /sys/kernel/xfrm_guard/
 *
 * Context: after the per-namespace state exists (it reads init_net's).
 * Return: 0 or a negative errno.
 */
int xg_sysfs_init(void)
{
	int i, err;

	for (i = 0; i < __XG_STAT_MAX; i++) {
		struct xg_stat_attr *sa = &xg_stat_attrs[i];

		sysfs_attr_init(&sa->kattr.attr);
		sa->kattr.attr.name = xg_stat_name(i);
		sa->kattr.attr.mode = 0444;
		sa->kattr.show = xg_stat_show;
		sa->stat = i;
		xg_stat_attr_ptrs[i] = &sa->kattr.attr;
	}

	xg_kobj = kobject_create_and_add("xfrm_guard", kernel_kobj);
	if (!xg_kobj)
		return -ENOMEM;
	err = sysfs_create_groups(xg_kobj, xg_groups);
	if (err) {
		kobject_put(xg_kobj);
		xg_kobj = NULL;
	}
	return err;
}

/**
 * xg_sysfs_exit() - remove /sys/kernel/xfrm_guard/
 *
 * Removing the files waits for reads in progress, so no show() runs once
 * this returns.
 */
void xg_sysfs_exit(void)
{
	sysfs_remove_groups(xg_kobj, xg_groups);
	kobject_put(xg_kobj);
	xg_kobj = NULL;
}
