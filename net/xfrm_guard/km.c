// SPDX-License-Identifier: GPL-2.0
/*
 * xfrm_guard key manager: not a key manager at all, but the way xfrm tells
 * modules that SAs and policies changed. Every such event moves the
 * namespace's generation, so each connection is re-judged before its next
 * transmit, and queues a re-evaluation that tells owners about lost or
 * restored protection. Some removals (device flush, namespace exit) send no
 * event; the per-segment checks catch those.
 */
#include <kunit/visibility.h>
#include <net/xfrm.h>

#include "km.h"
#include "netns.h"

/**
 * xg_km_changed() - SAs or policies of a namespace changed
 * @xn: the namespace's state
 *
 * Context: any; softirq with xfrm locks held when xfrm's timers call it.
 */
void xg_km_changed(struct xg_net *xn)
{
	atomic_inc(&xn->gen);
	/* Called in softirq with xfrm locks held: defer the work. */
	queue_work(xg_wq, &xn->reeval_work);
}
EXPORT_SYMBOL_IF_KUNIT(xg_km_changed);

static int xg_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	/* A flush passes no state, only the namespace. */
	xg_km_changed(xg_net(x ? xs_net(x) : c->net));
	return 0;
}

static int xg_km_notify_policy(struct xfrm_policy *xp, int dir,
			       const struct km_event *c)
{
	/* A flush passes no policy, only the namespace. */
	xg_km_changed(xg_net(xp ? xp_net(xp) : c->net));
	return 0;
}

/* Not ours to answer: IKE daemons get ACQUIREs through xfrm_user. */
static int xg_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t,
			 struct xfrm_policy *xp)
{
	return -ENOENT;
}

static struct xfrm_policy *xg_km_compile_policy(struct sock *sk, int opt,
						u8 *data, int len, int *dir)
{
	*dir = -EOPNOTSUPP;
	return NULL;
}

static struct xfrm_mgr xg_km = {
	.notify = xg_km_notify,
	.acquire = xg_km_acquire,
	.compile_policy = xg_km_compile_policy,
	.notify_policy = xg_km_notify_policy,
};

/**
 * xg_km_init() - listen to xfrm's SA and policy events
 */
void xg_km_init(void)
{
	xfrm_register_km(&xg_km);
}

/**
 * xg_km_exit() - stop listening
 */
void xg_km_exit(void)
{
	xfrm_unregister_km(&xg_km);
}
