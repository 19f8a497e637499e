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
 *
 * A device whose walk did not finish reported no old IOVAs, or only some:
 * its group gets windows where the crashed kernel's allocator put them
 * (vtd_kdump_add_windows()), so that the new buffers of its driver stay
 * clear of its stale DMA once the driver has attached it.
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
	return alias == *(u16 *)data;
}

/* Is @bus/@devfn a device of @dev's group, or one of its DMA aliases? */
static bool vtd_kdump_same_group(struct intel_iommu *iommu, struct device *dev,
				 u8 bus, u8 devfn)
{
	u16 rid = PCI_DEVID(bus, devfn);
	struct pci_dev *other;
	bool same;

	if (!dev_is_pci(dev))
		return false;
	if (pci_for_each_dma_alias(to_pci_dev(dev), vtd_kdump_alias_match,
				   &rid))
		return true;
	other = pci_get_domain_bus_and_slot(iommu->segment, bus, devfn);
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

	return vtd_kdump_same_group(info->iommu, dev, st->walk.bus,
				    st->walk.devfn);
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

/*
 * Where the crashed kernel put the IOVAs of a device whose walk did not
 * finish (its context entry, PASID entry or tables were refused, or its
 * whole context table): dma-iommu allocates top down below the device's
 * DMA limit, below 4 GiB first for a PCI device (iommu_dma_alloc_iova()),
 * so the IOVAs a driver with a DMA mask of k bits had live sit at the top
 * of [0, 2^k).  The top quarter below each power of two from 2^24 to 2^32
 * and below the top of the IOMMU's address width is reserved: a kdump
 * driver with the crashed kernel's mask then allocates below that quarter,
 * and none of up to 2^(k-2) bytes of old IOVAs (1 GiB for 32 bits) is
 * handed out again.  Each window lies wholly below the next, so the new
 * allocator keeps three quarters of every range it searches.
 */
#define VTD_KDUMP_WINDOW_MIN_BITS	24
#define VTD_KDUMP_WINDOW_MAX_BITS	32

static bool vtd_kdump_add_window(struct list_head *head, unsigned int bits)
{
	u64 top = BIT_ULL(bits), size = top / 4;
	struct iommu_resv_region *reg;

	reg = iommu_alloc_resv_region(top - size, size, 0, IOMMU_RESV_RESERVED,
				      GFP_KERNEL);
	if (!reg)
		return false;
	list_add_tail(&reg->list, head);
	return true;
}

static void vtd_kdump_add_windows(struct intel_iommu *iommu,
				  struct list_head *head)
{
	unsigned int bits, width;

	/* the address width of the unit's page tables, and the guest one */
	width = min_t(unsigned int,
		      VTD_PAGE_SHIFT + VTD_STRIDE_SHIFT * agaw_to_level(iommu->agaw),
		      cap_mgaw(iommu->cap));
	for (bits = VTD_KDUMP_WINDOW_MIN_BITS;
	     bits <= min(width, VTD_KDUMP_WINDOW_MAX_BITS); bits++)
		if (!vtd_kdump_add_window(head, bits))
			return;
	if (width > VTD_KDUMP_WINDOW_MAX_BITS)
		vtd_kdump_add_window(head, width);
}

/*
 * Does @dev's group hold a device whose old IOVAs are unknown: blocked
 * because its old context, PASID entry or tables were refused before its
 * walk could finish?
 */
static bool vtd_kdump_group_unknown(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct intel_iommu_kdump *kd = info->iommu->kdump;
	struct vtd_kdump_dev_state *st;
	unsigned int i, j, first;
	unsigned long idx;

	xa_for_each(&kd->devs, idx, st)
		if (st->walk.reason != VTD_KDUMP_OK &&
		    vtd_kdump_same_group(info->iommu, dev, st->walk.bus,
					 st->walk.devfn))
			return true;
	for (i = 0; i < kd->nr_refused; i++) {
		first = kd->refused[i] & 0xff;
		for (j = 0; j < kd->refused_span; j++)
			if (vtd_kdump_same_group(info->iommu, dev,
						 kd->refused[i] >> 8,
						 first + j))
				return true;
	}
	return false;
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
	if (vtd_kdump_group_unknown(dev))
		vtd_kdump_add_windows(info->iommu, head);
}

#ifdef CONFIG_INTEL_IOMMU_KDUMP_KUNIT_TEST
#include "kdump_resv_kunit.c"
#endif
