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
 */

#include <linux/iommu.h>
#include <linux/pci.h>

#include "iommu.h"
#include "kdump.h"

/**
 * intel_iommu_kdump_resv_regions() - add the old IOVA ranges of @dev
 * @dev: the device
 * @head: the list of reserved regions to extend
 */
void intel_iommu_kdump_resv_regions(struct device *dev, struct list_head *head)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct vtd_kdump_dev_state *st;
	struct iommu_resv_region *reg;
	unsigned int i;

	if (!info || !info->iommu)
		return;
	st = intel_iommu_kdump_dev(info->iommu, info->bus, info->devfn);
	if (!st)
		return;

	for (i = 0; i < st->nr_ranges; i++) {
		const struct vtd_kdump_range *r = &st->ranges[i];

		reg = iommu_alloc_resv_region(r->start, r->end - r->start + 1,
					      0, IOMMU_RESV_RESERVED,
					      GFP_KERNEL);
		if (!reg)
			return;
		list_add_tail(&reg->list, head);
	}
}
