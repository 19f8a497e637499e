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
 * dma-iommu reserves the regions of the first device of a group only (the
 * IOVA domain is shared and set up once), so each device reports the union
 * of the old ranges of every device of its group and of its DMA aliases.
 *
 * reserve_iova() looks through the whole IOVA tree for each region, so
 * the union is reported as at most VTD_KDUMP_RESV_MAX_REGIONS: runs with
 * the smallest gaps between them are reported as one region, gap included.
 * Reserving more than was mapped only takes IOVA space from the new kernel.
 */

#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "iommu.h"
#include "kdump.h"

/* Reserved regions of one device: keeps seeding an IOVA domain to ms */
#define VTD_KDUMP_RESV_MAX_REGIONS	1024

static int vtd_kdump_alias_match(struct pci_dev *pdev, u16 alias, void *data)
{
	const struct vtd_kdump_dev_state *st = data;

	return alias == PCI_DEVID(st->walk.bus, st->walk.devfn);
}

/* Is @st the old state of a device of @dev's group, or of a DMA alias? */
static bool vtd_kdump_same_group(struct intel_iommu *iommu, struct device *dev,
				 const struct vtd_kdump_dev_state *st)
{
	struct pci_dev *other;
	bool same;

	if (!dev_is_pci(dev))
		return false;
	if (pci_for_each_dma_alias(to_pci_dev(dev), vtd_kdump_alias_match,
				   (void *)st))
		return true;
	other = pci_get_domain_bus_and_slot(iommu->segment, st->walk.bus,
					    st->walk.devfn);
	same = other && dev->iommu_group &&
	       other->dev.iommu_group == dev->iommu_group;
	pci_dev_put(other);
	return same;
}

/* Does the old state @st belong to one of the devices the caller joins? */
typedef bool (*vtd_kdump_member_fn)(const struct vtd_kdump_dev_state *st,
				    void *arg);

/*
 * The union of the old ranges of the states in @devs that @member accepts,
 * sorted and merged; *@nr of them.  Return: a kvmalloc'ed array, or NULL
 * (none, or no memory).
 */
static struct vtd_kdump_range *
vtd_kdump_union_ranges(struct xarray *devs, vtd_kdump_member_fn member,
		       void *arg, unsigned int *nr)
{
	struct vtd_kdump_dev_state *st;
	struct vtd_kdump_range *all;
	unsigned long idx;
	u64 total = 0;

	xa_for_each(devs, idx, st)
		if (st->nr_ranges && member(st, arg))
			total += st->nr_ranges;
	if (!total || total > UINT_MAX)
		return NULL;
	all = kvcalloc(total, sizeof(*all), GFP_KERNEL);
	if (!all)
		return NULL;
	*nr = 0;
	xa_for_each(devs, idx, st) {
		if (!st->nr_ranges || *nr + st->nr_ranges > total ||
		    !member(st, arg))
			continue;
		memcpy(all + *nr, st->ranges, st->nr_ranges * sizeof(*all));
		*nr += st->nr_ranges;
	}
	*nr = vtd_kdump_ranges_normalize(all, *nr);
	return all;
}

static bool vtd_kdump_group_member(const struct vtd_kdump_dev_state *st,
				   void *arg)
{
	struct device *dev = arg;
	struct device_domain_info *info = dev_iommu_priv_get(dev);

	return vtd_kdump_same_group(info->iommu, dev, st);
}

/*
 * The old ranges of @dev's group, sorted and merged; *@nr of them.
 * Return: a kvmalloc'ed array, or NULL (none, or no memory: then @dev's
 * own ranges are all that is reported).
 */
static struct vtd_kdump_range *vtd_kdump_group_ranges(struct device *dev,
						      unsigned int *nr)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);

	return vtd_kdump_union_ranges(&info->iommu->kdump->devs,
				      vtd_kdump_group_member, dev, nr);
}

/* Add @r (sorted, disjoint) to @head, at most VTD_KDUMP_RESV_MAX_REGIONS */
static void vtd_kdump_add_regions(const struct vtd_kdump_range *r,
				  unsigned int nr, struct list_head *head)
{
	struct iommu_resv_region *reg;
	struct vtd_kdump_range m;
	unsigned int i = 0;
	u64 gap;

	gap = vtd_kdump_ranges_merge_gap(r, nr, VTD_KDUMP_RESV_MAX_REGIONS);
	while (vtd_kdump_ranges_merged(r, nr, gap, &i, &m)) {
		reg = iommu_alloc_resv_region(m.start, m.end - m.start + 1,
					      0, IOMMU_RESV_RESERVED,
					      GFP_KERNEL);
		if (!reg)
			return;
		list_add_tail(&reg->list, head);
	}
}

/**
 * intel_iommu_kdump_resv_regions() - add the old IOVA ranges of @dev's group
 * @dev: the device
 * @head: the list of reserved regions to extend
 */
void intel_iommu_kdump_resv_regions(struct device *dev, struct list_head *head)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct vtd_kdump_range *all;
	unsigned int nr;

	if (!info || !info->iommu || !info->iommu->kdump)
		return;
	all = vtd_kdump_group_ranges(dev, &nr);
	if (all) {
		vtd_kdump_add_regions(all, nr, head);
		kvfree(all);
	} else if (st) {
		vtd_kdump_add_regions(st->ranges, st->nr_ranges, head);
	}
}

#ifdef CONFIG_INTEL_IOMMU_KDUMP_KUNIT_TEST
#include "kdump_resv_kunit.c"
#endif
