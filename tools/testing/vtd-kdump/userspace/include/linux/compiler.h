/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTD_SHIM_LINUX_COMPILER_H
#define _VTD_SHIM_LINUX_COMPILER_H

#define READ_ONCE(x)		(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile typeof(x) *)&(x) = (val))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __maybe_unused		__attribute__((unused))

#endif
