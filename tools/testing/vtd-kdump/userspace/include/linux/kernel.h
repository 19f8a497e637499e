/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/kernel.h>: min/max/clamp and friends */
#ifndef _VTD_SHIM_LINUX_KERNEL_H
#define _VTD_SHIM_LINUX_KERNEL_H

#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#define U8_MAX		UINT8_MAX
#define U16_MAX		UINT16_MAX
#define U32_MAX		UINT32_MAX
#define U64_MAX		UINT64_MAX

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define min(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); \
			   (void)(&_a == &_b); _a < _b ? _a : _b; })
#define max(a, b)	({ typeof(a) _a = (a); typeof(b) _b = (b); \
			   (void)(&_a == &_b); _a > _b ? _a : _b; })
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b)	({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
#define clamp_t(t, v, lo, hi)	({ t _v = (v); min_t(t, max_t(t, _v, lo), hi); })

#endif
