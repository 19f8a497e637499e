/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTD_SHIM_LINUX_LOG2_H
#define _VTD_SHIM_LINUX_LOG2_H

static inline int is_power_of_2(unsigned long long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

#define ilog2(n)		(63 - __builtin_clzll((unsigned long long)(n)))

#endif
