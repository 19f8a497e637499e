/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTD_SHIM_LINUX_STRING_H
#define _VTD_SHIM_LINUX_STRING_H

#include <string.h>

#endif
