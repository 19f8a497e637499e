/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel's min/max/clamp helpers and limits */
#ifndef _VTD_SHIM_LINUX_KERNEL_H
#define _VTD_SHIM_LINUX_KERNEL_H

#include <stdint.h>
#include <stdio.h>
#include <linux/compiler.h>
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
/* each type argument is used once (checkpatch: no macro argument reuse) */
#define min_t(t, a, b)	({ t __m[2] = { (a), (b) }; __m[0] < __m[1] ? __m[0] : __m[1]; })
#define max_t(t, a, b)	({ t __m[2] = { (a), (b) }; __m[0] > __m[1] ? __m[0] : __m[1]; })
#define clamp_t(t, v, lo, hi)						\
	({ t __c[3] = { (v), (lo), (hi) };				\
	   __c[0] < __c[1] ? __c[1] : __c[0] > __c[2] ? __c[2] : __c[0]; })

#endif
