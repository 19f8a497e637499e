/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTD_SHIM_LINUX_BITFIELD_H
#define _VTD_SHIM_LINUX_BITFIELD_H

#define FIELD_GET(mask, reg)	\
	((typeof(mask))(((reg) & (mask)) >> __builtin_ctzll(mask)))
#define FIELD_PREP(mask, val)	\
	((typeof(mask))(((typeof(mask))(val) << __builtin_ctzll(mask)) & (mask)))

#endif
