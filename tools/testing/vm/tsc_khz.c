// SPDX-License-Identifier: GPL-2.0
/*
 * tsc_khz: print the host's TSC rate in kHz, measured against
 * CLOCK_MONOTONIC_RAW over 200 ms.
 *
 * tools/testing/vm/run passes it to the guest as tsc_early_khz=. Under
 * TCG the guest's TSC is the host's (QEMU reads the host's counter for
 * RDTSC), but the guest cannot calibrate it: without ACPI it has only the
 * PIT to measure against, and that calibration fails whenever QEMU's vCPU
 * thread shares its core, which leaves the guest on refined-jiffies.
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

int main(void)
{
	struct timespec a, b, nap = { 0, 200000000 };
	unsigned long long t0, t1;
	double ns;

	if (clock_gettime(CLOCK_MONOTONIC_RAW, &a))
		return 1;
	t0 = __rdtsc();
	nanosleep(&nap, NULL);
	t1 = __rdtsc();
	if (clock_gettime(CLOCK_MONOTONIC_RAW, &b))
		return 1;
	ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
	if (ns <= 0 || t1 <= t0)
		return 1;
	printf("%.0f\n", (t1 - t0) * 1e6 / ns);
	return 0;
}
