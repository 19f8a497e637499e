/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/errno.h>.  The C library's <errno.h> itself
 * includes <linux/errno.h>, which finds this file first: take the codes
 * from <asm/errno.h> as the UAPI header does.
 */
#ifndef _VTD_SHIM_LINUX_ERRNO_H
#define _VTD_SHIM_LINUX_ERRNO_H

#include <asm/errno.h>

#endif
