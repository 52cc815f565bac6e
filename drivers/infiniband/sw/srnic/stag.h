/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srnic: STag names (RFC 5042 6.1.1). An STag is a 24-bit index and an
 * 8-bit key. Indices come from a CSPRNG and a freed index sits in
 * quarantine before it can name anything again, so a peer can neither
 * predict the next STag nor reach a new buffer through a stale one.
 */
#ifndef _SRNIC_STAG_H
#define _SRNIC_STAG_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct srnic_mem;

#define SRNIC_STAG_KEY_BITS	8
#define SRNIC_STAG_KEY_MASK	0xffU
/* Index 0 is never allocated: STag 0x000000kk names nothing. */
#define SRNIC_STAG_INDEX_MAX	((1U << (32 - SRNIC_STAG_KEY_BITS)) - 1)

static inline u32 srnic_stag_index(u32 stag)
{
	return stag >> SRNIC_STAG_KEY_BITS;
}

static inline u8 srnic_stag_key(u32 stag)
{
	return stag & SRNIC_STAG_KEY_MASK;
}

static inline u32 srnic_stag_make(u32 index, u8 key)
{
	return index << SRNIC_STAG_KEY_BITS | key;
}

/**
 * enum srnic_stag_kind - which name of a memory object an STag is
 * @SRNIC_STAG_LOCAL: the lkey; valid in local SGEs and for binding only
 * @SRNIC_STAG_REMOTE: the rkey; the only name a peer may use. A remotely
 *	accessible MR gets both, with different indices, so that an lkey
 *	leaked through a bug never opens the buffer to the wire.
 */
enum srnic_stag_kind {
	SRNIC_STAG_LOCAL,
	SRNIC_STAG_REMOTE,
};

/**
 * struct srnic_stag_entry - one index in use, in quarantine or remembered
 * @node: link in &srnic_stag_table.ht
 * @index: the 24-bit index
 * @key: while live, the current key (read locklessly, READ_ONCE());
 *	while free, the last key that was used with @index
 * @kind: &enum srnic_stag_kind of a live entry
 * @live: true from srnic_stag_alloc() to srnic_stag_free()
 * @mem: the object a live entry names, NULL otherwise; RCU protected
 * @free_seq: &srnic_stag_table.allocs when the entry was freed
 * @free_time: jiffies when the entry was freed
 * @qnode: link in &srnic_stag_table.quarantine while quarantined
 * @pool_pos: position in &srnic_stag_table.pool, or U32_MAX
 * @rcu: to free the entry after lockless readers are done
 *
 * Entries are internal to stag.c except for srnic_stag_lookup() readers,
 * which may read @key, @kind and @mem under rcu_read_lock().
 */
struct srnic_stag_entry {
	struct rhash_head node;
	u32 index;
	u8 key;
	u8 kind;
	bool live;
	struct srnic_mem __rcu *mem;
	u64 free_seq;
	unsigned long free_time;
	struct list_head qnode;
	u32 pool_pos;
	struct rcu_head rcu;
};

/**
 * struct srnic_stag_table - the STag name space of one device
 * @ht: every entry, keyed by index. Lookups are lockless (RCU); inserts
 *	and removals happen under @lock.
 * @lock: serialises allocation and free: @ht updates, @quarantine,
 *	@pool, @allocs and the statistics. Taken with BH disabled, since
 *	srnic_stag_rekey() runs where an IB_WR_REG_MR is posted, which may
 *	be softirq. Lookups never take it.
 * @quarantine: freed entries, oldest first, not yet reusable
 * @pool: entries out of quarantine, ready for reuse with a new key
 * @pool_len: entries in @pool
 * @pool_cap: allocated slots of @pool
 * @allocs: allocations so far; the quarantine clock
 * @quarantine_allocs: setting: a freed index is not handed out again
 *	before this many further allocations were made (0: no count)
 * @quarantine_ms: setting: ... nor before this many milliseconds passed
 *	(0: no time). With both set, both must have passed.
 * @recycle_min: setting: once @pool holds at least this many indices,
 *	an allocation reuses one of them, picked at random, instead of
 *	drawing a fresh index. This bounds the entries kept to remember
 *	last keys to about the peak of live STags plus quarantine plus
 *	@recycle_min. Must be at least 1.
 * @nr_live: statistic: live entries
 * @nr_quarantined: statistic: entries in @quarantine
 * @nr_reused: statistic: allocations that reused a remembered index
 * @nr_collisions: statistic: random draws that hit an index in use or in
 *	quarantine and were drawn again
 *
 * Settings are plain u32 the device may change at any time (sysfs) with
 * WRITE_ONCE(); the allocator reads each once per call.
 */
struct srnic_stag_table {
	struct rhashtable ht;
	spinlock_t lock; /* allocation, free, quarantine, pool */
	struct list_head quarantine;
	struct srnic_stag_entry **pool;
	u32 pool_len;
	u32 pool_cap;
	u64 allocs;
	u32 quarantine_allocs;
	u32 quarantine_ms;
	u32 recycle_min;
	u32 nr_live;
	u32 nr_quarantined;
	u64 nr_reused;
	u64 nr_collisions;
};

#define SRNIC_STAG_QUARANTINE_ALLOCS_DEFAULT	4096
#define SRNIC_STAG_QUARANTINE_MS_DEFAULT	1000
#define SRNIC_STAG_RECYCLE_MIN_DEFAULT		4096

/* The name space: process context, may sleep. */
int srnic_stag_table_init(struct srnic_stag_table *t);
void srnic_stag_table_destroy(struct srnic_stag_table *t);

/* Names: allocation, retirement, consumer keys, lockless lookup. */
int srnic_stag_alloc(struct srnic_stag_table *t, struct srnic_mem *mem,
		     enum srnic_stag_kind kind, u32 *stag);
void srnic_stag_free(struct srnic_stag_table *t, u32 stag);
int srnic_stag_rekey(struct srnic_stag_table *t, u32 stag, u8 key,
		     u32 *new_stag);
struct srnic_stag_entry *srnic_stag_lookup(struct srnic_stag_table *t,
					   u32 stag);

#endif /* _SRNIC_STAG_H */
