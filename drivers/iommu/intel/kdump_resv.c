// SPDX-License-Identifier: GPL-2.0
/*
 * kdump: keep the crashed kernel's IOVAs out of the new IOVA allocator.
 *
 * Every IOVA range the old tables mapped for a device (including entries
 * that were refused: the device may still use those addresses) is reported
 * as an IOMMU_RESV_RESERVED region.  dma-iommu then reserves it in the
 * device's IOVA domain, so a new buffer never gets an IOVA that stale DMA
 * from before the crash may still target.  They are not DIRECT regions: an
 * old IOVA is not the physical address it maps.
 *
 * reserve_iova() looks through the whole IOVA tree for each region, so a
 * device reports at most VTD_KDUMP_RESV_MAX_REGIONS: runs with the smallest
 * gaps between them are reported as one region, gap included.  Reserving
 * more than was mapped only takes IOVA space from the new kernel.
 */

#include <linux/iommu.h>
#include <linux/pci.h>

#include "iommu.h"
#include "kdump.h"

/* Reserved regions of one device: keeps seeding an IOVA domain to ms */
#define VTD_KDUMP_RESV_MAX_REGIONS	1024

/**
 * intel_iommu_kdump_resv_regions() - add the old IOVA ranges of @dev
 * @dev: the device
 * @head: the list of reserved regions to extend
 */
void intel_iommu_kdump_resv_regions(struct device *dev, struct list_head *head)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);
	struct iommu_resv_region *reg;
	struct vtd_kdump_range r;
	unsigned int i = 0;
	u64 gap;

	if (!st)
		return;

	gap = vtd_kdump_ranges_merge_gap(st->ranges, st->nr_ranges,
					 VTD_KDUMP_RESV_MAX_REGIONS);
	while (vtd_kdump_ranges_merged(st->ranges, st->nr_ranges, gap, &i, &r)) {
		reg = iommu_alloc_resv_region(r.start, r.end - r.start + 1,
					      0, IOMMU_RESV_RESERVED,
					      GFP_KERNEL);
		if (!reg)
			return;
		list_add_tail(&reg->list, head);
	}
}
