// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: the resource manager's knobs in /sys/class/infiniband/DEV/: the
 * CQ admission policy for kernel consumers (cq_admission_kernel), STag
 * quarantine, and per-device and per-user limits (limit_dev_RES,
 * limit_user_RES; "unlimited" or a number).
 *
 * A knob exists only where it can act: users hold PDs and MRs only (user
 * queues are refused), so the per-user limits are those of pd, mr and
 * mr_bytes, and the admission policy of user contexts' CQs is not shown.
 */
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "srnic.h"

static struct srnic_dev *srnic_sysfs_dev(struct device *dev)
{
	return rdma_device_to_drv_device(dev, struct srnic_dev, ibdev);
}

static const char * const srnic_admit_kernel_names[] = {
	[SRNIC_ADMIT_STRICT] = "strict",
	[SRNIC_ADMIT_TRUSTED] = "trusted",
	[SRNIC_ADMIT_ACCOUNT] = "account",
};

static ssize_t cq_admission_kernel_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	struct srnic_dev *sdev = srnic_sysfs_dev(dev);
	u32 policy = READ_ONCE(sdev->admit.kernel_policy);

	if (policy >= ARRAY_SIZE(srnic_admit_kernel_names))
		return -EIO;
	return sysfs_emit(buf, "%s\n", srnic_admit_kernel_names[policy]);
}

static ssize_t cq_admission_kernel_store(struct device *dev,
					 struct device_attribute *attr,
					 const char *buf, size_t count)
{
	struct srnic_dev *sdev = srnic_sysfs_dev(dev);
	int policy = sysfs_match_string(srnic_admit_kernel_names, buf);

	if (policy < 0)
		return -EINVAL;
	WRITE_ONCE(sdev->admit.kernel_policy, policy);
	return count;
}
static DEVICE_ATTR_RW(cq_admission_kernel);

/* The STag allocator reads each setting once per call (stag.h). */
static ssize_t srnic_u32_show(u32 *field, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*field));
}

static ssize_t srnic_u32_store(u32 *field, u32 min, const char *buf,
			       size_t count)
{
	u32 v;
	int rv = kstrtou32(buf, 0, &v);

	if (rv)
		return rv;
	if (v < min)
		return -EINVAL;
	WRITE_ONCE(*field, v);
	return count;
}

static ssize_t stag_quarantine_allocs_show(struct device *dev,
					   struct device_attribute *attr,
					   char *buf)
{
	return srnic_u32_show(&srnic_sysfs_dev(dev)->stags.quarantine_allocs,
			      buf);
}

static ssize_t stag_quarantine_allocs_store(struct device *dev,
					    struct device_attribute *attr,
					    const char *buf, size_t count)
{
	return srnic_u32_store(&srnic_sysfs_dev(dev)->stags.quarantine_allocs,
			       0, buf, count);
}
static DEVICE_ATTR_RW(stag_quarantine_allocs);

static ssize_t stag_quarantine_ms_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return srnic_u32_show(&srnic_sysfs_dev(dev)->stags.quarantine_ms, buf);
}

static ssize_t stag_quarantine_ms_store(struct device *dev,
					struct device_attribute *attr,
					const char *buf, size_t count)
{
	return srnic_u32_store(&srnic_sysfs_dev(dev)->stags.quarantine_ms, 0,
			       buf, count);
}
static DEVICE_ATTR_RW(stag_quarantine_ms);

static ssize_t stag_recycle_min_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return srnic_u32_show(&srnic_sysfs_dev(dev)->stags.recycle_min, buf);
}

static ssize_t stag_recycle_min_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	return srnic_u32_store(&srnic_sysfs_dev(dev)->stags.recycle_min, 1,
			       buf, count);
}
static DEVICE_ATTR_RW(stag_recycle_min);

/* "limit_dev_mr_bytes" -> SRNIC_LIMIT_DEV, SRNIC_RES_MR_BYTES */
static int srnic_limit_parse(struct device_attribute *attr,
			     enum srnic_limit_scope *scope,
			     enum srnic_res *res)
{
	const char *name = attr->attr.name + strlen("limit_");
	int i;

	if (str_has_prefix(name, "dev_")) {
		*scope = SRNIC_LIMIT_DEV;
		name += strlen("dev_");
	} else if (str_has_prefix(name, "user_")) {
		*scope = SRNIC_LIMIT_USER;
		name += strlen("user_");
	} else {
		return -EINVAL;
	}
	for (i = 0; i < SRNIC_RES_NR; i++) {
		if (!strcmp(name, srnic_res_name(i))) {
			*res = i;
			return 0;
		}
	}
	return -EINVAL;
}

static ssize_t srnic_limit_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	enum srnic_limit_scope scope;
	enum srnic_res res;
	u64 max;

	if (srnic_limit_parse(attr, &scope, &res))
		return -EINVAL;
	max = srnic_limits_get(&srnic_sysfs_dev(dev)->limits, scope, res);
	if (max == U64_MAX)
		return sysfs_emit(buf, "unlimited\n");
	return sysfs_emit(buf, "%llu\n", max);
}

static ssize_t srnic_limit_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	enum srnic_limit_scope scope;
	enum srnic_res res;
	u64 max;
	int rv;

	if (srnic_limit_parse(attr, &scope, &res))
		return -EINVAL;
	if (sysfs_streq(buf, "unlimited")) {
		max = U64_MAX;
	} else {
		rv = kstrtou64(buf, 0, &max);
		if (rv)
			return rv;
	}
	rv = srnic_limits_set(&srnic_sysfs_dev(dev)->limits, scope, res, max);
	return rv ? rv : count;
}

/* One show/store pair for all: the name says which limit. */
static struct device_attribute dev_attr_limit_dev_pd =
	__ATTR(limit_dev_pd, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_user_pd =
	__ATTR(limit_user_pd, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_dev_qp =
	__ATTR(limit_dev_qp, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_dev_cq =
	__ATTR(limit_dev_cq, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_dev_mr =
	__ATTR(limit_dev_mr, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_user_mr =
	__ATTR(limit_user_mr, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_dev_srq =
	__ATTR(limit_dev_srq, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_dev_mr_bytes =
	__ATTR(limit_dev_mr_bytes, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_user_mr_bytes =
	__ATTR(limit_user_mr_bytes, 0644, srnic_limit_show, srnic_limit_store);
static struct device_attribute dev_attr_limit_dev_ird =
	__ATTR(limit_dev_ird, 0644, srnic_limit_show, srnic_limit_store);

static struct attribute *srnic_attrs[] = {
	&dev_attr_cq_admission_kernel.attr,
	&dev_attr_stag_quarantine_allocs.attr,
	&dev_attr_stag_quarantine_ms.attr,
	&dev_attr_stag_recycle_min.attr,
	&dev_attr_limit_dev_pd.attr,
	&dev_attr_limit_user_pd.attr,
	&dev_attr_limit_dev_qp.attr,
	&dev_attr_limit_dev_cq.attr,
	&dev_attr_limit_dev_mr.attr,
	&dev_attr_limit_user_mr.attr,
	&dev_attr_limit_dev_srq.attr,
	&dev_attr_limit_dev_mr_bytes.attr,
	&dev_attr_limit_user_mr_bytes.attr,
	&dev_attr_limit_dev_ird.attr,
	NULL
};

const struct attribute_group srnic_attr_group = {
	.attrs = srnic_attrs,
};
