// SPDX-License-Identifier: GPL-2.0
/*
 * kdump: keep the crashed kernel's DMA mappings when a driver attaches.
 *
 * Until a kdump-kernel driver attaches a device, the device translates
 * through the old page tables in place.  At the first attach of its DMA
 * domain, the validated old IOVA -> PA mappings are mapped again into the
 * new domain, so a device whose reset was incomplete still writes into the
 * crashed kernel's buffers (which the dump wants) and never into a buffer
 * of the kdump kernel.  The new domain owns every page-table page it uses;
 * the old tables are only read.  The pages this takes are capped.
 */

#define pr_fmt(fmt)	"DMAR: " fmt

#include <linux/iommu.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>

#include "iommu.h"
#include "kdump.h"

/* Page-table pages the series may allocate per IOMMU: 16 MiB by default */
static unsigned long vtd_kdump_max_pages = 4096;
core_param(intel_iommu_kdump_max_pages, vtd_kdump_max_pages, ulong, 0444);

static bool vtd_kdump_translated(const struct vtd_kdump_dev_state *st)
{
	return st->verdict != VTD_KDUMP_QUARANTINED &&
	       (st->walk.ctx.format == VTD_KDUMP_FMT_SECOND_LEVEL ||
		st->walk.ctx.format == VTD_KDUMP_FMT_FIRST_LEVEL);
}

/**
 * intel_iommu_kdump_wants_dma_domain() - must @dev get a translated domain?
 * @dev: the device
 *
 * A device whose old context translated through page tables keeps its old
 * IOVAs only in a DMA domain: an identity domain would turn them into raw
 * physical addresses of the kdump kernel.
 */
bool intel_iommu_kdump_wants_dma_domain(struct device *dev)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);

	return st && vtd_kdump_translated(st);
}

/**
 * intel_iommu_kdump_wants_identity() - was @dev in pass-through before?
 * @dev: the device
 *
 * Its stale DMA goes to the crashed kernel's physical addresses; an identity
 * domain keeps it there.
 */
bool intel_iommu_kdump_wants_identity(struct device *dev)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);

	return st && st->verdict == VTD_KDUMP_ADOPTED &&
	       st->walk.ctx.format == VTD_KDUMP_FMT_PASS_THROUGH;
}

/* Levels of a VT-d page table, the leaf level 1 included */
#define VTD_KDUMP_MAX_LEVELS	5

struct vtd_kdump_replay {
	struct iommu_domain *domain;
	const struct vtd_kdump_dev_state *st;
	unsigned int top_level;		/* of the new domain */
	u64 last[VTD_KDUMP_MAX_LEVELS];	/* last table (by IOVA) per level */
	u64 tables;			/* tables below the top one touched */
	u64 mapped;
	u64 skipped;
};

/*
 * Count the page-table pages below the top level that the kept mappings
 * occupy in the new domain: leaves come in IOVA order, so a table is new
 * when its IOVA prefix changes.  This is what the mappings cost at most
 * (a table may already exist); it is exact on a fresh domain.
 */
static void vtd_kdump_count_tables(struct vtd_kdump_replay *r, u64 iova,
				   u64 phys, u64 size)
{
	unsigned int level, shift;

	for (level = 1; level < r->top_level; level++) {
		shift = VTD_PAGE_SHIFT + VTD_STRIDE_SHIFT * level;
		/*
		 * A superpage leaf needs no table at its own level or below,
		 * nor does a run of smaller leaves (one call may report up to
		 * 512) as big and as aligned: iommu_map() maps it as one.
		 */
		if (size >= BIT_ULL(shift) &&
		    IS_ALIGNED(iova | phys, BIT_ULL(shift)))
			continue;
		if (r->last[level - 1] == iova >> shift)
			continue;
		r->last[level - 1] = iova >> shift;
		r->tables++;
	}
}

/* Is [iova, iova + size) inside one of the ranges found at boot? */
static bool vtd_kdump_in_ranges(const struct vtd_kdump_dev_state *st,
				u64 iova, u64 size)
{
	unsigned int lo = 0, hi = st->nr_ranges;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct vtd_kdump_range *r = &st->ranges[mid];

		if (iova > r->end)
			lo = mid + 1;
		else if (iova < r->start)
			hi = mid;
		else
			return iova + size - 1 <= r->end;
	}
	return false;
}

static int vtd_kdump_replay_leaf(void *arg, u64 iova, u64 phys, u64 size,
				 unsigned int prot)
{
	struct vtd_kdump_replay *r = arg;
	int iommu_prot = 0;

	/* old memory may have changed since boot: keep only what was seen */
	if (!vtd_kdump_in_ranges(r->st, iova, size)) {
		r->skipped++;
		return 0;
	}
	vtd_kdump_count_tables(r, iova, phys, size);
	if (prot & VTD_SL_R)
		iommu_prot |= IOMMU_READ;
	if (prot & VTD_SL_W)
		iommu_prot |= IOMMU_WRITE;
	r->mapped++;
	return iommu_map(r->domain, iova, phys, size, iommu_prot, GFP_KERNEL);
}

static void vtd_kdump_replay_reject(void *arg, u64 iova, u64 size,
				    enum vtd_kdump_reason why)
{
	struct vtd_kdump_replay *r = arg;

	r->skipped++;
}

static void vtd_kdump_unmap_ranges(struct iommu_domain *domain,
				   const struct vtd_kdump_dev_state *st)
{
	unsigned int i;

	for (i = 0; i < st->nr_ranges; i++)
		iommu_unmap(domain, st->ranges[i].start,
			    st->ranges[i].end - st->ranges[i].start + 1);
}

static int vtd_kdump_replay(struct dmar_domain *domain, struct device *dev,
			    struct vtd_kdump_dev_state *st)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct vtd_kdump_replay r = {
		.domain = &domain->domain,
		.st = st,
		.top_level = min(agaw_to_level(domain->agaw), VTD_KDUMP_MAX_LEVELS),
		.last = { U64_MAX, U64_MAX, U64_MAX, U64_MAX, U64_MAX },
	};
	struct vtd_kdump_visitor v = {
		.leaf = vtd_kdump_replay_leaf,
		.reject = vtd_kdump_replay_reject,
		.arg = &r,
	};
	struct vtd_kdump_dev walk = st->walk;
	struct vtd_kdump_visited vis;
	struct vtd_kdump_walker w;
	struct vtd_kdump_hw hw;
	enum vtd_kdump_reason why;
	int ret;

	ret = vtd_kdump_walker_init(&w, info->iommu, &hw, &vis);
	if (ret)
		return ret;

	walk.leaves = 0;
	walk.mapped_bytes = 0;
	walk.rejected_leaves = 0;
	walk.table_pages = 0;
	why = vtd_kdump_walk_dev(&w, &walk, &v);
	vtd_kdump_walker_release(&w);
	if (why != VTD_KDUMP_OK) {
		dev_warn(dev, "kdump: old tables changed since boot: %s\n",
			 vtd_kdump_reason_str(why));
		return -EINVAL;
	}
	if (walk.reason != VTD_KDUMP_OK)
		return -EINVAL;
	if (r.skipped)
		dev_info(dev, "kdump: %llu old entries not kept (refused or new since boot)\n",
			 r.skipped);
	st->kept_pages = r.tables;
	return 0;
}

/**
 * intel_iommu_kdump_keep_mappings() - give @domain the old mappings of @dev
 * @domain: the DMA domain @dev is being attached to
 * @dev: the device
 *
 * Called before the domain's context (or PASID) entry replaces the copied
 * one.  Only the first DMA-API domain of a device gets the old mappings;
 * when they cannot be kept (over the page cap, address width, failure), the
 * device is attached as before this series, with its old IOVAs still
 * reserved, and a warning says so.
 *
 * Return: 0; the attach goes on in every case.
 */
int intel_iommu_kdump_keep_mappings(struct dmar_domain *domain,
				    struct device *dev)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct intel_iommu_kdump *kd;
	int ret;

	if (!st || st->kept || st->dropped || !vtd_kdump_translated(st) ||
	    !iommu_is_dma_domain(&domain->domain))
		return 0;
	kd = info->iommu->kdump;

	if (st->nr_ranges &&
	    st->ranges[st->nr_ranges - 1].end >= BIT_ULL(domain->gaw)) {
		dev_warn(dev, "kdump: old IOVAs exceed the new domain's %d-bit width: old mappings dropped\n",
			 domain->gaw);
		st->dropped = true;
		return 0;
	}
	if (kd->boot_pages + kd->attach_pages + st->walk.table_pages >
	    vtd_kdump_max_pages) {
		dev_warn(dev, "kdump: keeping old mappings needs %llu pages, over intel_iommu_kdump_max_pages=%lu: old mappings dropped\n",
			 st->walk.table_pages, vtd_kdump_max_pages);
		st->dropped = true;
		return 0;
	}

	ret = vtd_kdump_replay(domain, dev, st);
	if (ret) {
		vtd_kdump_unmap_ranges(&domain->domain, st);
		dev_warn(dev, "kdump: old mappings dropped (%d)\n", ret);
		st->dropped = true;
		return 0;
	}
	st->kept = true;
	kd->attach_pages += st->kept_pages;
	dev_info(dev, "kdump: kept %llu old mappings in %u ranges (%llu pages)\n",
		 st->walk.leaves, st->nr_ranges, st->kept_pages);
	return 0;
}
