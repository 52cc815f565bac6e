// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: protection domains. A PD is only a name that MRs, MWs and QPs
 * are compared by (RFC 5042 2.2.4); what it costs is the resource
 * manager's business.
 */
#include "verbs.h"

/**
 * srnic_alloc_pd - ib_device_ops.alloc_pd
 * @ibpd: the PD ib_core allocated
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0, or -ENOMEM/-EDQUOT when a limit refuses it.
 */
int srnic_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibpd->device);
	struct srnic_pd *pd = to_spd(ibpd);

	pd->uid = srnic_res_uid(udata);
	return srnic_limits_charge(&sdev->limits, pd->uid, SRNIC_RES_PD, 1);
}

/**
 * srnic_dealloc_pd - ib_device_ops.dealloc_pd
 * @ibpd: the PD, no object left in it
 * @udata: user data, NULL for kernel consumers
 *
 * Return: 0.
 */
int srnic_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct srnic_dev *sdev = to_sdev(ibpd->device);
	struct srnic_pd *pd = to_spd(ibpd);

	srnic_limits_uncharge(&sdev->limits, pd->uid, SRNIC_RES_PD, 1);
	return 0;
}
