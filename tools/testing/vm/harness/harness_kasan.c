// SPDX-License-Identifier: GPL-2.0
/*
 * Makes KASAN report a slab out-of-bounds read when loaded. "make
 * check-harness" requires the VM runner to spot the report in the console
 * log and exit non-zero; it is never part of "make check".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

static int __init harness_kasan_init(void)
{
	size_t size = 24;
	u8 *buf;
	u8 val;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	/* Hide the size from the compiler so it cannot see the overflow. */
	OPTIMIZER_HIDE_VAR(size);
	val = READ_ONCE(buf[size + 8]);
	pr_info("read one byte past the object (%u); KASAN must report it\n",
		val);
	kfree(buf);
	return 0;
}

static void __exit harness_kasan_exit(void)
{
}

module_init(harness_kasan_init);
module_exit(harness_kasan_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sanguard harness check: a deliberate KASAN report");
