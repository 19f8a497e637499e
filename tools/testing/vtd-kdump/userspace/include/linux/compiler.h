/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTD_SHIM_LINUX_COMPILER_H
#define _VTD_SHIM_LINUX_COMPILER_H

/* a single, untorn load or store, as the kernel's */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __maybe_unused		__attribute__((__unused__))

#endif
