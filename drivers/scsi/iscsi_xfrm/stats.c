// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_xfrm: the transport's own connection statistics.
 *
 * They go to user space as struct iscsi_stats_custom entries (a name and a
 * value) after the standard counters of a get_stats netlink reply, which
 * the transport class multicasts to iscsid's netlink group. The class
 * zeroes the reply's fixed part but not the entries: they hold whatever
 * the skb held before. So every entry is written whole, the bytes after
 * the name's NUL included, or kernel memory would go to user space.
 */
#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <scsi/iscsi_if.h>

#include "digest.h"
#include "stats.h"

/**
 * ix_stats_add() - append one custom statistic
 * @stats: the reply being filled; @stats->custom has room for
 *	%ISCSI_STATS_CUSTOM_MAX entries
 * @desc: its name; cut to %ISCSI_STATS_CUSTOM_DESC_MAX - 1 bytes
 * @value: its value
 *
 * The entry is written whole: the name's tail is zeroed up to
 * %ISCSI_STATS_CUSTOM_DESC_MAX bytes. A statistic past the last entry is
 * dropped.
 */
void ix_stats_add(struct iscsi_stats *stats, const char *desc, u64 value)
{
	struct iscsi_stats_custom *c;

	if (stats->custom_length >= ISCSI_STATS_CUSTOM_MAX)
		return;
	c = &stats->custom[stats->custom_length++];
	memset(c, 0, sizeof(*c));
	strscpy(c->desc, desc, sizeof(c->desc));
	c->value = value;
}
EXPORT_SYMBOL_IF_KUNIT(ix_stats_add);

/**
 * ix_stats_add_digest() - append the digest counters
 * @stats: the reply being filled
 * @ds: the counters, from ix_digest_stats_read()
 *
 * Per kind ("hdr", "data"): <kind>_digest_computed, <kind>_digest_failed
 * and <kind>_digest_skipped_<why> for every reason a digest is skipped.
 */
void ix_stats_add_digest(struct iscsi_stats *stats,
			 const struct ix_digest_stats *ds)
{
	static const char * const kind[] = {
		[IX_DIGEST_HEADER] = "hdr",
		[IX_DIGEST_DATA] = "data",
	};
	char desc[ISCSI_STATS_CUSTOM_DESC_MAX];
	int k, w;

	BUILD_BUG_ON(ARRAY_SIZE(kind) != __IX_DIGEST_KIND_MAX);
	for (k = 0; k < __IX_DIGEST_KIND_MAX; k++) {
		snprintf(desc, sizeof(desc), "%s_digest_computed", kind[k]);
		ix_stats_add(stats, desc, ds->computed[k]);
		snprintf(desc, sizeof(desc), "%s_digest_failed", kind[k]);
		ix_stats_add(stats, desc, ds->failed[k]);
		for (w = 0; w < __IX_DIGEST_SKIP_MAX; w++) {
			snprintf(desc, sizeof(desc), "%s_digest_skipped_%s",
				 kind[k], ix_digest_skip_name(w));
			ix_stats_add(stats, desc, ds->skipped[k][w]);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(ix_stats_add_digest);
