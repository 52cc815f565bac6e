// SPDX-License-Identifier: GPL-2.0
/*
 * srnic: STag allocation (RFC 5042 6.1.1).
 *
 * An entry exists for every index that is live, in quarantine, or free
 * but remembered, so that the next key given to an index can differ from
 * its last one. Entries are never freed before the table: free indices
 * stay in the hash table as a record of their last key. What bounds the
 * number of entries is that, once enough indices are out of quarantine
 * (recycle_min), allocations reuse them instead of drawing fresh ones.
 *
 * Drawing a fresh index is a uniform draw over [1, 2^24) retried on a
 * collision with a live or quarantined index; with at most a few hundred
 * thousand entries in a space of 16M a retry is rare.
 */
#include <kunit/visibility.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "stag.h"

#define SRNIC_STAG_DRAWS	32
#define SRNIC_STAG_POOL_MIN	64

static const struct rhashtable_params srnic_stag_ht_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct srnic_stag_entry, index),
	.head_offset = offsetof(struct srnic_stag_entry, node),
	.automatic_shrinking = true,
};

/**
 * srnic_stag_table_init() - set up an empty name space with default settings
 * @t: the table, zeroed or not
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int srnic_stag_table_init(struct srnic_stag_table *t)
{
	int ret;

	memset(t, 0, sizeof(*t));
	ret = rhashtable_init(&t->ht, &srnic_stag_ht_params);
	if (ret)
		return ret;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->quarantine);
	t->quarantine_allocs = SRNIC_STAG_QUARANTINE_ALLOCS_DEFAULT;
	t->quarantine_ms = SRNIC_STAG_QUARANTINE_MS_DEFAULT;
	t->recycle_min = SRNIC_STAG_RECYCLE_MIN_DEFAULT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_stag_table_init);

static void srnic_stag_entry_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/**
 * srnic_stag_table_destroy() - free a name space
 * @t: the table; every STag must have been freed (WARNs otherwise)
 *
 * Context: process context, may sleep (waits for an RCU grace period).
 */
void srnic_stag_table_destroy(struct srnic_stag_table *t)
{
	WARN_ON(t->nr_live);
	/* Lookups that started before the last free may still run. */
	synchronize_rcu();
	rhashtable_free_and_destroy(&t->ht, srnic_stag_entry_free, NULL);
	kvfree(t->pool);
	t->pool = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_stag_table_destroy);

static u32 srnic_stag_entries(const struct srnic_stag_table *t)
{
	return t->nr_live + t->nr_quarantined + t->pool_len;
}

/*
 * The pool can hold every entry, so moving an entry out of quarantine
 * never allocates under the lock. Called with the lock held; may drop it
 * to allocate. Returns 0 once there is room for one more entry.
 */
static int srnic_stag_pool_room(struct srnic_stag_table *t)
	__must_hold(&t->lock)
{
	struct srnic_stag_entry **pool, **old;
	u32 cap;

	while (t->pool_cap <= srnic_stag_entries(t)) {
		cap = max(t->pool_cap * 2, SRNIC_STAG_POOL_MIN);
		spin_unlock_bh(&t->lock);
		pool = kvmalloc_array(cap, sizeof(*pool), GFP_KERNEL);
		spin_lock_bh(&t->lock);
		if (!pool)
			return -ENOMEM;
		old = pool;
		if (cap > t->pool_cap) {
			memcpy(pool, t->pool, t->pool_len * sizeof(*pool));
			old = t->pool;
			t->pool = pool;
			t->pool_cap = cap;
		}
		/* Only ever accessed under the lock: no reader to wait for. */
		spin_unlock_bh(&t->lock);
		kvfree(old);
		spin_lock_bh(&t->lock);
	}
	return 0;
}

static void srnic_stag_pool_del(struct srnic_stag_table *t,
				struct srnic_stag_entry *e)
{
	struct srnic_stag_entry *last = t->pool[--t->pool_len];

	t->pool[e->pool_pos] = last;
	last->pool_pos = e->pool_pos;
	e->pool_pos = U32_MAX;
}

/* Move every entry whose quarantine is over into the pool. */
static void srnic_stag_expire(struct srnic_stag_table *t)
{
	u32 qa = READ_ONCE(t->quarantine_allocs);
	u32 qms = READ_ONCE(t->quarantine_ms);
	unsigned long now = jiffies;
	struct srnic_stag_entry *e, *n;

	/* Both clocks only move forward: the list is ordered by both. */
	list_for_each_entry_safe(e, n, &t->quarantine, qnode) {
		if (t->allocs - e->free_seq < qa)
			break;
		if (qms && time_before(now, e->free_time + msecs_to_jiffies(qms)))
			break;
		list_del(&e->qnode);
		t->nr_quarantined--;
		e->pool_pos = t->pool_len;
		t->pool[t->pool_len++] = e;
	}
}

/* A random key that is not @last. */
static u8 srnic_stag_new_key(u8 last)
{
	return last + 1 + get_random_u32_below(SRNIC_STAG_KEY_MASK);
}

/*
 * Find an entry for a new name: a remembered one from the pool, or a
 * fresh index (using @fresh, needed only while the pool holds fewer than
 * @recycle entries). Returns NULL with *@err set if none.
 */
static struct srnic_stag_entry *
srnic_stag_pick(struct srnic_stag_table *t, u32 recycle,
		struct srnic_stag_entry **fresh, int *err)
{
	struct srnic_stag_entry *e;
	int i, ret;

	for (i = 0; i < SRNIC_STAG_DRAWS && *fresh; i++) {
		u32 index;

		if (t->pool_len >= recycle)
			break;
		index = get_random_u32_below(SRNIC_STAG_INDEX_MAX) + 1;
		e = rhashtable_lookup_fast(&t->ht, &index, srnic_stag_ht_params);
		if (!e) {
			e = *fresh;
			e->index = index;
			e->key = get_random_u8();	/* not yet visible */
			e->pool_pos = U32_MAX;
			INIT_LIST_HEAD(&e->qnode);
			ret = rhashtable_insert_fast(&t->ht, &e->node,
						     srnic_stag_ht_params);
			if (ret) {
				*err = ret;
				return NULL;
			}
			*fresh = NULL;
			return e;
		}
		if (e->pool_pos != U32_MAX) {
			srnic_stag_pool_del(t, e);
			goto reuse;
		}
		t->nr_collisions++;
	}
	if (!t->pool_len) {
		*err = -ENOSPC;
		return NULL;
	}
	e = t->pool[get_random_u32_below(t->pool_len)];
	srnic_stag_pool_del(t, e);
reuse:
	/* Lookups ignore the entry until alloc publishes e->mem. */
	WRITE_ONCE(e->key, srnic_stag_new_key(e->key));
	t->nr_reused++;
	return e;
}

/**
 * srnic_stag_alloc() - give @mem a new name
 * @t: the table
 * @mem: the object the name refers to, returned by srnic_stag_lookup()
 * @kind: lkey or rkey
 * @stag: set to the new STag on success
 *
 * The index is drawn with get_random_u32_below() from the indices not in
 * use and not in quarantine, or, once &srnic_stag_table.recycle_min
 * indices are out of quarantine, picked at random among those. The key is
 * random and differs from the last key used with that index. Call it
 * twice, with each kind, for an object that needs an lkey and an rkey.
 *
 * Context: process context, may sleep (allocates with GFP_KERNEL).
 * Return: 0, -ENOMEM, or -ENOSPC if no index could be found.
 */
int srnic_stag_alloc(struct srnic_stag_table *t, struct srnic_mem *mem,
		     enum srnic_stag_kind kind, u32 *stag)
{
	u32 recycle = max(READ_ONCE(t->recycle_min), 1U);
	struct srnic_stag_entry *fresh = NULL, *e;
	int err;

	spin_lock_bh(&t->lock);
	for (;;) {
		err = srnic_stag_pool_room(t);
		if (err)
			goto out;
		srnic_stag_expire(t);
		/* Reusing needs no memory: allocate only to draw fresh. */
		if (fresh || t->pool_len >= recycle)
			break;
		spin_unlock_bh(&t->lock);
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		spin_lock_bh(&t->lock);
		if (!fresh) {
			err = -ENOMEM;
			goto out;
		}
	}
	e = srnic_stag_pick(t, recycle, &fresh, &err);
	if (!e)
		goto out;
	WRITE_ONCE(e->kind, kind);
	e->live = true;
	/* Publishes index, key and kind to lookups with the pointer. */
	rcu_assign_pointer(e->mem, mem);
	t->allocs++;
	t->nr_live++;
	*stag = srnic_stag_make(e->index, e->key);
out:
	spin_unlock_bh(&t->lock);
	kfree(fresh);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_stag_alloc);

/**
 * srnic_stag_free() - retire a name
 * @t: the table
 * @stag: a live STag (the key is ignored, the index must be live)
 *
 * The index stops resolving at once for new lookups; readers inside an
 * RCU read-side section may still see the object, so the owner frees the
 * object only after an RCU grace period (and after it has made the object
 * unusable with srnic_mem_kill()). The index then sits in quarantine.
 *
 * Context: any, does not sleep.
 */
void srnic_stag_free(struct srnic_stag_table *t, u32 stag)
{
	u32 index = srnic_stag_index(stag);
	struct srnic_stag_entry *e;

	spin_lock_bh(&t->lock);
	e = rhashtable_lookup_fast(&t->ht, &index, srnic_stag_ht_params);
	if (WARN_ON(!e || !e->live))
		goto out;
	e->live = false;
	RCU_INIT_POINTER(e->mem, NULL);
	e->free_seq = t->allocs;
	e->free_time = jiffies;
	list_add_tail(&e->qnode, &t->quarantine);
	t->nr_live--;
	t->nr_quarantined++;
	srnic_stag_expire(t);
out:
	spin_unlock_bh(&t->lock);
}
EXPORT_SYMBOL_IF_KUNIT(srnic_stag_free);

/**
 * srnic_stag_rekey() - set a consumer-chosen key (fast registration)
 * @t: the table
 * @stag: a live STag; its index selects the entry, its key is ignored
 * @key: the new key (ib_update_fast_reg_key() lets the consumer pick it)
 * @new_stag: set to the STag with the new key
 *
 * Only for an object that is not valid (between invalidation and the next
 * registration), so that no access races with the key change.
 *
 * Context: any, does not sleep.
 * Return: 0 or -ENOENT if the index is not live.
 */
int srnic_stag_rekey(struct srnic_stag_table *t, u32 stag, u8 key,
		     u32 *new_stag)
{
	u32 index = srnic_stag_index(stag);
	struct srnic_stag_entry *e;
	int ret = -ENOENT;

	spin_lock_bh(&t->lock);
	e = rhashtable_lookup_fast(&t->ht, &index, srnic_stag_ht_params);
	if (e && e->live) {
		WRITE_ONCE(e->key, key);
		*new_stag = srnic_stag_make(index, key);
		ret = 0;
	}
	spin_unlock_bh(&t->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_stag_rekey);

/**
 * srnic_stag_lookup() - find the live entry of an STag's index
 * @t: the table
 * @stag: the STag as received; only its index is used
 *
 * The caller compares the key (READ_ONCE(e->key)) itself so it can tell
 * an unknown index from a wrong key; srnic_access_check() does.
 *
 * Context: under rcu_read_lock(); the entry and its &srnic_stag_entry.mem
 * stay valid until rcu_read_unlock().
 * Return: the entry, or NULL if the index is not live.
 */
struct srnic_stag_entry *srnic_stag_lookup(struct srnic_stag_table *t,
					   u32 stag)
{
	u32 index = srnic_stag_index(stag);
	struct srnic_stag_entry *e;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "STag lookup outside RCU");
	e = rhashtable_lookup(&t->ht, &index, srnic_stag_ht_params);
	if (!e || !rcu_access_pointer(e->mem))
		return NULL;
	return e;
}
EXPORT_SYMBOL_IF_KUNIT(srnic_stag_lookup);
