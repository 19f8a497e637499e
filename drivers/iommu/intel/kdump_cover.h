/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does a device's translation identity-map a set of physical ranges?
 *
 * The "kdump IO rule" mode leaves the crashed kernel's tables in use: the
 * kdump kernel does DMA with physical addresses inside its own memory, so
 * every device must translate that memory to itself, and no other IOVA
 * may reach it.  The check is pure table logic, a leaf visitor for
 * vtd_kdump_walk_dev(), built into the kernel, KUnit and the userspace
 * harness alike.
 */
#ifndef _INTEL_IOMMU_KDUMP_COVER_H
#define _INTEL_IOMMU_KDUMP_COVER_H

#include "kdump_walk.h"

/* Why a device's translation does not identity-map the wanted ranges */
enum vtd_kdump_cover_verdict {
	VTD_KDUMP_COVER_OK = 0,
	VTD_KDUMP_COVER_GAP,		/* part of a range is not mapped */
	VTD_KDUMP_COVER_ELSEWHERE,	/* a range's IOVA maps other memory */
	VTD_KDUMP_COVER_ALIAS,		/* another IOVA maps into a range */
	VTD_KDUMP_COVER_READ_ONLY,	/* identity-mapped but not writable */
	VTD_KDUMP_COVER_WALK,		/* the tables themselves were refused */
	VTD_KDUMP_COVER_UNCHECKED,	/* a part of the tables was not walked */
	VTD_KDUMP_COVER_NR_VERDICTS,
};

/**
 * struct vtd_kdump_cover - state of one device's identity check
 * @want: the ranges that must be identity-mapped: sorted, disjoint
 * @nr_want: number of entries in @want
 * @as_map: @want as the "kdump" side of a memory map, to find aliases
 * @keyid: address bits that select a memory encryption KeyID (see
 *	   vtd_kdump_keyid_bits())
 * @cur: index of the first range not yet wholly covered
 * @next: first address of @want[@cur] not yet covered
 * @verdict: the first failure, or %VTD_KDUMP_COVER_OK
 * @bad: where that failure is (physical for ALIAS, IOVA otherwise)
 */
struct vtd_kdump_cover {
	const struct vtd_kdump_range *want;
	unsigned int nr_want;
	struct vtd_kdump_memmap as_map;
	u64 keyid;
	unsigned int cur;
	u64 next;
	enum vtd_kdump_cover_verdict verdict;
	struct vtd_kdump_range bad;
};

void vtd_kdump_cover_init(struct vtd_kdump_cover *c,
			  const struct vtd_kdump_hw *hw,
			  const struct vtd_kdump_range *want,
			  unsigned int nr_want);
int vtd_kdump_cover_leaf(void *arg, u64 iova, u64 phys, u64 size,
			 unsigned int prot);
void vtd_kdump_cover_reject(void *arg, u64 iova, u64 size,
			    enum vtd_kdump_reason why);
void vtd_kdump_cover_pass_through(struct vtd_kdump_cover *c);
enum vtd_kdump_cover_verdict vtd_kdump_cover_finish(struct vtd_kdump_cover *c,
						    enum vtd_kdump_reason walk);
const char *vtd_kdump_cover_str(enum vtd_kdump_cover_verdict verdict);

#endif /* _INTEL_IOMMU_KDUMP_COVER_H */
