// SPDX-License-Identifier: GPL-2.0
/*
 * xg_offload_pair: the simulated IPsec engine. The control path
 * (xfrmdev_ops) accepts what a typical crypto-offload NIC accepts and keeps
 * the SAs in a small per-device table; the data path tells the receive side
 * of the pair whether a frame left "encrypted by the hardware" and, if so,
 * marks it as decrypted by the hardware the way NIC drivers do.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/seq_file.h>
#include <net/esp.h>
#include <net/xfrm.h>

#include "xgoff.h"

#define XGOFF_GCM_NAME		"rfc4106(gcm(aes))"
#define XGOFF_CBC_NAME		"cbc(aes)"
#define XGOFF_HMAC_NAME		"hmac(sha256)"
/* rfc4106 keys carry a 32-bit salt after the AES key */
#define XGOFF_GCM_SALT_BITS	32
#define XGOFF_ICV_BITS		128
#define XGOFF_HMAC_KEY_BITS	256

static bool xgoff_aes_key_bits_ok(unsigned int bits)
{
	return bits == 128 || bits == 256;
}

static int xgoff_check_algs(const struct xfrm_state *x,
			    struct netlink_ext_ack *extack)
{
	if (x->aead) {
		if (strcmp(x->aead->alg_name, XGOFF_GCM_NAME)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "AEAD not offloaded: only rfc4106(gcm(aes))");
			return -EINVAL;
		}
		if (x->aead->alg_key_len < XGOFF_GCM_SALT_BITS ||
		    !xgoff_aes_key_bits_ok(x->aead->alg_key_len -
					   XGOFF_GCM_SALT_BITS)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "rfc4106(gcm(aes)) offload needs a 128 or 256 bit key plus 32 bit salt");
			return -EINVAL;
		}
		if (x->aead->alg_icv_len != XGOFF_ICV_BITS) {
			NL_SET_ERR_MSG_MOD(extack,
					   "rfc4106(gcm(aes)) offload needs a 128 bit ICV");
			return -EINVAL;
		}
		return 0;
	}

	if (!x->ealg || !x->aalg) {
		NL_SET_ERR_MSG_MOD(extack,
				   "offload needs encryption and authentication: rfc4106(gcm(aes)), or cbc(aes) with hmac(sha256)");
		return -EINVAL;
	}
	if (strcmp(x->ealg->alg_name, XGOFF_CBC_NAME) ||
	    !xgoff_aes_key_bits_ok(x->ealg->alg_key_len)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cipher not offloaded: only cbc(aes) with a 128 or 256 bit key");
		return -EINVAL;
	}
	if (strcmp(x->aalg->alg_name, XGOFF_HMAC_NAME) ||
	    x->aalg->alg_key_len != XGOFF_HMAC_KEY_BITS ||
	    x->aalg->alg_trunc_len != XGOFF_ICV_BITS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "authentication not offloaded: only hmac(sha256), 256 bit key, 128 bit ICV");
		return -EINVAL;
	}
	return 0;
}

/*
 * Everything refused here is refused with -EINVAL, never -EOPNOTSUPP: the
 * core turns -EOPNOTSUPP into a silent software fallback, and a test that
 * asked for offload wants to know it did not get it.
 */
static int xgoff_check_state(const struct xfrm_state *x,
			     struct netlink_ext_ack *extack)
{
	if (x->id.proto != IPPROTO_ESP) {
		NL_SET_ERR_MSG_MOD(extack, "only ESP is offloaded");
		return -EINVAL;
	}
	if (x->xso.type != XFRM_DEV_OFFLOAD_CRYPTO) {
		NL_SET_ERR_MSG_MOD(extack, "only crypto offload, no packet offload");
		return -EINVAL;
	}
	if (x->props.mode != XFRM_MODE_TRANSPORT &&
	    x->props.mode != XFRM_MODE_TUNNEL) {
		NL_SET_ERR_MSG_MOD(extack, "only transport and tunnel mode are offloaded");
		return -EINVAL;
	}
	if (x->props.family != AF_INET && x->props.family != AF_INET6) {
		NL_SET_ERR_MSG_MOD(extack, "only IPv4 and IPv6 SAs are offloaded");
		return -EINVAL;
	}
	if (x->encap) {
		NL_SET_ERR_MSG_MOD(extack, "UDP-encapsulated ESP is not offloaded");
		return -EINVAL;
	}
	if (x->calg) {
		NL_SET_ERR_MSG_MOD(extack, "IPcomp is not offloaded");
		return -EINVAL;
	}
	return xgoff_check_algs(x, extack);
}

static int xgoff_state_add(struct xfrm_state *x, struct netlink_ext_ack *extack)
{
	struct xgoff_priv *priv = netdev_priv(x->xso.real_dev);
	struct xgoff_sa_table *t = &priv->sa;
	struct xgoff_sa *sa = NULL;
	unsigned int i;
	int err;

	err = xgoff_check_state(x, extack);
	if (err)
		return err;

	spin_lock_bh(&t->lock);
	for (i = 0; i < XGOFF_SA_MAX; i++) {
		if (!t->slots[i].x) {
			sa = &t->slots[i];
			break;
		}
	}
	if (sa) {
		xfrm_state_hold(x);
		sa->x = x;
		sa->daddr = x->id.daddr;
		sa->spi = x->id.spi;
		sa->family = x->props.family;
		sa->inbound = x->xso.dir == XFRM_DEV_OFFLOAD_IN;
		t->count++;
	}
	spin_unlock_bh(&t->lock);

	if (!sa) {
		NL_SET_ERR_MSG_MOD(extack, "device SA table is full");
		return -ENOSPC;
	}
	/* zero means "not offloaded" to xfrm_dst_offload_ok() */
	x->xso.offload_handle = i + 1;
	return 0;
}

/*
 * Called with x->lock held (BH off), before the state's own reference is
 * dropped, so the put below is never the last one.
 */
static void xgoff_state_delete(struct xfrm_state *x)
{
	struct xgoff_priv *priv = netdev_priv(x->xso.real_dev);
	struct xgoff_sa_table *t = &priv->sa;
	unsigned long i = x->xso.offload_handle - 1;
	bool found = false;

	spin_lock_bh(&t->lock);
	if (i < XGOFF_SA_MAX && t->slots[i].x == x) {
		memset(&t->slots[i], 0, sizeof(t->slots[i]));
		t->count--;
		found = true;
	}
	spin_unlock_bh(&t->lock);

	if (found)
		xfrm_state_put(x);
}

static bool xgoff_offload_ok(struct sk_buff *skb, struct xfrm_state *x)
{
	/*
	 * Like most NICs, no IPv4 options in front of a transport-mode ESP
	 * header; software ESP handles those.
	 */
	if (x->props.mode == XFRM_MODE_TRANSPORT &&
	    x->props.family == AF_INET && ip_hdr(skb)->ihl > 5)
		return false;
	return true;
}

/*
 * No xdo_dev_state_free: the table's reference is dropped in
 * xgoff_state_delete(), and free only runs once the last reference is gone,
 * so there is nothing of ours left to release by then.
 */
static const struct xfrmdev_ops xgoff_xfrmdev_ops = {
	.xdo_dev_state_add	= xgoff_state_add,
	.xdo_dev_state_delete	= xgoff_state_delete,
	.xdo_dev_offload_ok	= xgoff_offload_ok,
};

void xgoff_ipsec_setup(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);

	spin_lock_init(&priv->sa.lock);
	dev->xfrmdev_ops = &xgoff_xfrmdev_ops;
}

/*
 * The core flushes a device's states on NETDEV_UNREGISTER, before this runs,
 * and every flushed state passes through xgoff_state_delete(); a slot still
 * used here would be a state the core forgot.
 */
void xgoff_ipsec_uninit(struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);

	if (priv->sa.count)
		netdev_err(dev, "unregistered with %u offloaded SAs left\n",
			   priv->sa.count);
}

/*
 * Transmit: validate_xmit_xfrm() has run and left the ESP frame with its
 * payload in clear text for the hardware to encrypt, unless the state fell
 * back to software (CRYPTO_FALLBACK) or belongs to another device.
 */
bool xgoff_ipsec_tx(struct net_device *dev, struct sk_buff *skb)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct xfrm_offload *xo = xfrm_offload(skb);
	struct xfrm_state *x;

	if (!xo || (xo->flags & CRYPTO_FALLBACK))
		return false;
	x = xfrm_input_state(skb);
	/* a device flush may be clearing xso.dev under us */
	if (READ_ONCE(x->xso.dev) != dev || x->xso.dir != XFRM_DEV_OFFLOAD_OUT)
		return false;

	atomic_inc(&priv->cnt.tx_esp);
	return true;
}

/* Find the SPI and outer destination of an ESP frame; skb->data is at L3. */
static bool xgoff_parse_esp(struct sk_buff *skb, u16 *family,
			    xfrm_address_t *daddr, __be32 *spi)
{
	const struct ip_esp_hdr *esph;
	unsigned int off;

	switch (skb->protocol) {
	case htons(ETH_P_IP): {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return false;
		iph = (const struct iphdr *)skb->data;
		if (iph->protocol != IPPROTO_ESP || iph->ihl < 5 ||
		    ip_is_fragment(iph))
			return false;
		off = iph->ihl * 4;
		if (!pskb_may_pull(skb, off + sizeof(*esph)))
			return false;
		iph = (const struct iphdr *)skb->data;
		daddr->a4 = iph->daddr;
		*family = AF_INET;
		break;
	}
	case htons(ETH_P_IPV6): {
		const struct ipv6hdr *ip6h;

		off = sizeof(*ip6h);
		if (!pskb_may_pull(skb, off + sizeof(*esph)))
			return false;
		ip6h = (const struct ipv6hdr *)skb->data;
		if (ip6h->nexthdr != IPPROTO_ESP)
			return false;
		daddr->in6 = ip6h->daddr;
		*family = AF_INET6;
		break;
	}
	default:
		return false;
	}

	esph = (const struct ip_esp_hdr *)(skb->data + off);
	*spi = esph->spi;
	return true;
}

/* Returns the inbound state for the frame with a reference, or NULL. */
static struct xfrm_state *xgoff_sa_lookup(struct xgoff_sa_table *t, u16 family,
					  const xfrm_address_t *daddr,
					  __be32 spi)
{
	struct xfrm_state *x = NULL;
	unsigned int i;

	spin_lock_bh(&t->lock);
	for (i = 0; i < XGOFF_SA_MAX; i++) {
		const struct xgoff_sa *sa = &t->slots[i];

		if (sa->x && sa->inbound && sa->spi == spi &&
		    sa->family == family &&
		    xfrm_addr_equal(&sa->daddr, daddr, family)) {
			x = sa->x;
			xfrm_state_hold(x);
			break;
		}
	}
	spin_unlock_bh(&t->lock);
	return x;
}

/*
 * Receive, on the peer, after the frame was scrubbed: returns false if the
 * frame must be dropped. @hw_esp says the sender left the encryption to us,
 * i.e. the ESP payload is clear text that only this pair can "decrypt".
 */
bool xgoff_ipsec_rx(struct net_device *dev, struct sk_buff *skb, bool hw_esp)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct xfrm_offload *xo;
	struct xfrm_state *x;
	xfrm_address_t daddr = {};
	struct sec_path *sp;
	u16 family;
	__be32 spi;

	if (!xgoff_parse_esp(skb, &family, &daddr, &spi)) {
		if (!hw_esp)
			return true;
		/* offloaded ESP we cannot match: same fate as no SA */
		atomic_inc(&priv->cnt.rx_esp_no_sa);
		return false;
	}

	/*
	 * Real ciphertext from a software sender: a NIC would decrypt it if it
	 * had the SA, software ESP does the same job, so pass it up.
	 */
	if (!hw_esp) {
		atomic_inc(&priv->cnt.rx_esp_sw);
		return true;
	}

	x = xgoff_sa_lookup(&priv->sa, family, &daddr, spi);
	if (!x) {
		atomic_inc(&priv->cnt.rx_esp_no_sa);
		return false;
	}

	sp = secpath_set(skb);
	if (unlikely(!sp || sp->len == XFRM_MAX_DEPTH)) {
		xfrm_state_put(x);
		return false;
	}
	/* the secpath owns the reference from now on */
	sp->xvec[sp->len++] = x;
	sp->olen++;
	xo = xfrm_offload(skb);
	xo->flags = CRYPTO_DONE;
	xo->status = CRYPTO_SUCCESS;

	atomic_inc(&priv->cnt.rx_esp_ok);
	return true;
}

void xgoff_ipsec_show(struct seq_file *m, struct net_device *dev)
{
	struct xgoff_priv *priv = netdev_priv(dev);
	struct xgoff_sa_table *t = &priv->sa;
	unsigned int i;

	spin_lock_bh(&t->lock);
	for (i = 0; i < XGOFF_SA_MAX; i++) {
		const struct xgoff_sa *sa = &t->slots[i];
		const struct xfrm_state *x = sa->x;

		if (!x)
			continue;
		seq_printf(m, "%u dir %s spi 0x%08x mode %s alg %s daddr ", i,
			   sa->inbound ? "in" : "out", be32_to_cpu(sa->spi),
			   x->props.mode == XFRM_MODE_TUNNEL ? "tunnel" : "transport",
			   x->aead ? x->aead->alg_name : x->ealg->alg_name);
		if (sa->family == AF_INET6)
			seq_printf(m, "%pI6c\n", &sa->daddr.in6);
		else
			seq_printf(m, "%pI4\n", &sa->daddr.a4);
	}
	spin_unlock_bh(&t->lock);
}
