// SPDX-License-Identifier: GPL-2.0
/*
 * The "kdump IO rule" mode, opt-in with intel_iommu=kdump_identity.
 *
 * In the kernel that may crash, every device that gets a DMA domain has the
 * crash kernel regions identity-mapped: they are reported as a direct
 * (relaxable) reserved region, which the iommu core maps before it
 * attaches the device and keeps out of the IOVA allocator.
 *
 * In the kdump kernel, if translation is still on and the crashed kernel's
 * tables identity-map all of the kdump kernel's memory for every device
 * (checked by the walker, entry by entry, not taken on trust), the IOMMU is
 * left exactly as found: nothing is copied, the root pointer is not
 * written, translation stays on, and the kdump kernel's drivers do DMA to
 * physical addresses, which the old tables translate to themselves.  Any
 * device in the way is named and the kernel adopts the old tables instead,
 * as it does without the option.
 */

#define pr_fmt(fmt)	"DMAR: " fmt

#include <linux/crash_dump.h>
#include <linux/crash_reserve.h>
#include <linux/dmar.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "iommu.h"
#include "kdump.h"
#include "kdump_cover.h"
#include "kdump_identity.h"

static bool intel_iommu_kdump_identity;

/* x86 never gives out its first 1 MiB of RAM (since v5.13): not for DMA */
#define VTD_KDUMP_ID_LOW_RESERVED	SZ_1M
/* Devices named one by one in the log */
#define VTD_KDUMP_ID_LOG_DEVS		32
/* All devices together may read this many per-device walk budgets */
#define VTD_KDUMP_ID_TOTAL_BUDGETS	16
/* Table pages the check of one new domain may read in the first kernel */
#define VTD_KDUMP_ID_DOMAIN_BUDGET	4096
/* Requester ids (bus << 8 | devfn) of one PCI segment */
#define VTD_KDUMP_ID_RIDS		BIT(16)

/**
 * intel_iommu_kdump_identity_enable() - intel_iommu=kdump_identity
 *
 * The kernel that may crash identity-maps its crash kernel memory in every
 * DMA domain; a kdump kernel (which inherits the option) keeps old tables
 * that identity-map all of its memory and leaves the IOMMUs as found.
 */
void __init intel_iommu_kdump_identity_enable(void)
{
	pr_info("kdump identity: identity-map the crash kernel memory, keep identity-mapping tables in kdump\n");
	intel_iommu_kdump_identity = true;
}

/* ------------------------------------------------------------------ */
/* The kernel that may crash                                           */
/* ------------------------------------------------------------------ */

/* The crash kernel regions reserved at boot: at most a high and a low one */
static unsigned int vtd_kdump_crash_regions(struct vtd_kdump_range *r)
{
	unsigned int nr = 0;

#ifdef CONFIG_CRASH_RESERVE
	if (crashk_low_res.end > crashk_low_res.start) {
		r[nr].start = crashk_low_res.start;
		r[nr++].end = crashk_low_res.end;
	}
	if (crashk_res.end > crashk_res.start) {
		r[nr].start = crashk_res.start;
		r[nr++].end = crashk_res.end;
	}
#endif
	return nr;
}

/**
 * intel_iommu_kdump_identity_resv_regions() - identity-map the crash region
 * @dev: a device behind a VT-d IOMMU
 * @head: its list of reserved regions
 *
 * With intel_iommu=kdump_identity in a kernel that reserved crash kernel
 * memory, report that memory as a relaxable direct region: the core maps it
 * 1:1 into every DMA domain of @dev (with superpages where the domain has
 * them) and never hands out IOVAs there.  Relaxable, so that a device may
 * still be given to userspace (VFIO), which then goes without the map.
 *
 * Not for an external-facing (untrusted) device: the map lets a device
 * write the kdump kernel, its initrd and purgatory, which is what the
 * IOMMU keeps a malicious device from.  Without the map, a kdump kernel
 * refuses the mode and adopts the old tables as usual.
 */
void intel_iommu_kdump_identity_resv_regions(struct device *dev,
					     struct list_head *head)
{
	struct vtd_kdump_range r[2];
	unsigned int i, nr;

	if (!intel_iommu_kdump_identity || is_kdump_kernel())
		return;
	if (dev_is_pci(dev) && to_pci_dev(dev)->untrusted) {
		dev_info_once(dev, "kdump identity: untrusted device: crash kernel memory not mapped\n");
		return;
	}
	nr = vtd_kdump_crash_regions(r);
	for (i = 0; i < nr; i++) {
		struct iommu_resv_region *reg;

		reg = iommu_alloc_resv_region(r[i].start,
					      r[i].end - r[i].start + 1,
					      IOMMU_READ | IOMMU_WRITE,
					      IOMMU_RESV_DIRECT_RELAXABLE,
					      GFP_KERNEL);
		if (!reg)
			return;
		list_add_tail(&reg->list, head);
	}
}

static const void *vtd_kdump_map_live(void *ctx, u64 phys)
{
	return phys_to_virt(phys);
}

static void vtd_kdump_unmap_live(void *ctx, const void *va)
{
}

/* This kernel's own tables, always mapped */
static const struct vtd_kdump_ops vtd_kdump_live_ops = {
	.map = vtd_kdump_map_live,
	.unmap = vtd_kdump_unmap_live,
};

/* Walk @domain as the kdump kernel will walk it, counting its table pages */
static enum vtd_kdump_cover_verdict
vtd_kdump_id_walk_domain(const struct intel_iommu_kdump_pgtable *pt,
			 struct intel_iommu *iommu,
			 const struct vtd_kdump_range *crash, unsigned int nr,
			 struct vtd_kdump_cover *c, u64 *table_pages)
{
	/* Tables anywhere below the address width, leaves anywhere */
	struct vtd_kdump_range all = { 0, BIT_ULL(VTD_KDUMP_MAX_HAW) - 1 };
	struct vtd_kdump_memmap mem = {
		.old_ram = &all, .nr_old_ram = 1,
		.kdump_ram = crash, .nr_kdump_ram = nr,
	};
	struct vtd_kdump_visitor v = {
		.leaf = vtd_kdump_cover_leaf,
		.reject = vtd_kdump_cover_reject,
		.arg = c,
	};
	struct vtd_kdump_dev dev = {};
	struct vtd_kdump_visited vis;
	struct vtd_kdump_walker w = {
		.ops = &vtd_kdump_live_ops,
		.mem = &mem,
		.visited = &vis,
		.budget = VTD_KDUMP_ID_DOMAIN_BUDGET,
		.kdump_leaves_ok = true,
	};
	struct vtd_kdump_hw hw;
	enum vtd_kdump_reason why = VTD_KDUMP_MAP_FAILED;

	vtd_kdump_hw_init(&hw, iommu);
	w.hw = &hw;
	dev.ctx.format = pt->first_stage ? VTD_KDUMP_FMT_FIRST_LEVEL :
					   VTD_KDUMP_FMT_SECOND_LEVEL;
	dev.ctx.levels = pt->levels;
	dev.ctx.pgtable = pt->top;

	vtd_kdump_cover_init(c, &hw, crash, nr);
	if (!vtd_kdump_visited_alloc(&vis, VTD_KDUMP_ID_DOMAIN_BUDGET)) {
		why = vtd_kdump_walk_dev(&w, &dev, &v);
		vtd_kdump_visited_free(&vis);
	}
	*table_pages = dev.table_pages;
	return vtd_kdump_cover_finish(c, why);
}

/*
 * Where the core maps direct regions before the first attach, when a DMA
 * domain does not know its IOMMU's superpage sizes yet (before generic_pt
 * domains), the crash kernel memory costs one leaf table per 2 MiB.  Once
 * attached, map it again with the superpages the domain now has.  Nothing
 * of this kernel does DMA to the crash kernel memory, so the moment without
 * a map is harmless.
 */
static void
vtd_kdump_id_use_superpages(struct dmar_domain *domain,
			    const struct intel_iommu_kdump_pgtable *pt,
			    const struct vtd_kdump_range *crash, unsigned int nr)
{
	unsigned int i;

	if (!pt->late_superpages)
		return;
	for (i = 0; i < nr; i++) {
		size_t size = crash[i].end - crash[i].start + 1;
		size_t unmapped;

		/*
		 * A short unmap took only the start: map that back as it was.
		 * A failed map leaves a gap that the check below reports.
		 */
		unmapped = iommu_unmap(&domain->domain, crash[i].start, size);
		if (unmapped != size)
			size = unmapped;
		if (size && iommu_map(&domain->domain, crash[i].start,
				      crash[i].start, size,
				      IOMMU_READ | IOMMU_WRITE, GFP_KERNEL))
			size = 0;
		if (size != crash[i].end - crash[i].start + 1)
			pr_warn_once("kdump identity: cannot remap [mem %#llx-%#llx] with superpages\n",
				     crash[i].start, crash[i].end);
	}
}

/**
 * intel_iommu_kdump_identity_attached() - finish and check the crash map
 * @domain: a domain just attached to @dev
 * @dev: the device
 *
 * At the first attach of each DMA domain: map the crash kernel memory with
 * superpages, walk the domain's tables with the walker the kdump kernel
 * will use, check that the memory is identity-mapped, and say how many
 * page-table pages the domain holds at this point.
 */
void intel_iommu_kdump_identity_attached(struct dmar_domain *domain,
					 struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct intel_iommu_kdump_pgtable pt;
	struct vtd_kdump_cover c;
	struct vtd_kdump_range crash[2];
	enum vtd_kdump_cover_verdict verdict;
	unsigned int nr;
	u64 pages;

	if (!intel_iommu_kdump_identity || is_kdump_kernel() || !info ||
	    domain->kdump_identity_checked ||
	    !(domain->domain.type & __IOMMU_DOMAIN_DMA_API))
		return;
	nr = vtd_kdump_crash_regions(crash);
	if (!nr)
		return;
	domain->kdump_identity_checked = 1;

	intel_iommu_kdump_domain_pgtable(domain, info->iommu, &pt);
	vtd_kdump_id_use_superpages(domain, &pt, crash, nr);
	verdict = vtd_kdump_id_walk_domain(&pt, info->iommu, crash, nr, &c,
					   &pages);
	if (verdict) {
		dev_warn(dev, "kdump identity: crash kernel memory %s at [mem %#llx-%#llx]: a kdump kernel will not keep the tables\n",
			 vtd_kdump_cover_str(verdict), c.bad.start, c.bad.end);
		return;
	}
	dev_info(dev, "kdump identity: crash kernel memory identity-mapped, %llu page-table pages in the domain\n",
		 pages);
}

/* ------------------------------------------------------------------ */
/* The kdump kernel                                                    */
/* ------------------------------------------------------------------ */

/* One run of the check over all IOMMUs */
struct vtd_kdump_id_check {
	struct vtd_kdump_range *want;
	unsigned int nr_want;
	/* per IOMMU seq_id: RIDs with a present context, RIDs that passed */
	unsigned long *seen[DMAR_UNITS_SUPPORTED];
	unsigned long *covered[DMAR_UNITS_SUPPORTED];
	struct intel_iommu *iommu;	/* the one being walked */
	struct vtd_kdump_walker w;
	u64 total_pages;
	unsigned int devices;
	unsigned int refused;
	unsigned int logged;
};

static void vtd_kdump_id_refuse(struct vtd_kdump_id_check *ck, u16 rid,
				const char *why, const struct vtd_kdump_range *at)
{
	ck->refused++;
	if (ck->logged++ >= VTD_KDUMP_ID_LOG_DEVS)
		return;
	if (at)
		pr_warn("%s: kdump identity: %04x:%02x:%02x.%d: kdump memory %s at [mem %#llx-%#llx]\n",
			ck->iommu->name, ck->iommu->segment, PCI_BUS_NUM(rid),
			PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff), why,
			at->start, at->end);
	else
		pr_warn("%s: kdump identity: %04x:%02x:%02x.%d: %s\n",
			ck->iommu->name, ck->iommu->segment, PCI_BUS_NUM(rid),
			PCI_SLOT(rid & 0xff), PCI_FUNC(rid & 0xff), why);
}

/* &vtd_kdump_dev_fn: does this old context identity-map the kdump memory? */
static int vtd_kdump_id_check_dev(void *arg, struct vtd_kdump_dev *dev)
{
	struct vtd_kdump_id_check *ck = arg;
	u16 rid = PCI_DEVID(dev->bus, dev->devfn);
	unsigned int seq = ck->iommu->seq_id;
	struct vtd_kdump_cover c;
	struct vtd_kdump_visitor v = {
		.leaf = vtd_kdump_cover_leaf,
		.reject = vtd_kdump_cover_reject,
		.arg = &c,
	};
	enum vtd_kdump_cover_verdict verdict;
	enum vtd_kdump_reason why;

	if (dev->table_refused) {
		/* a whole context table (a bus, or half of one) */
		vtd_kdump_id_refuse(ck, rid, vtd_kdump_reason_str(dev->reason),
				    NULL);
		return 0;
	}
	set_bit(rid, ck->seen[seq]);
	ck->devices++;

	vtd_kdump_cover_init(&c, ck->w.hw, ck->want, ck->nr_want);
	if (ck->total_pages >= VTD_KDUMP_ID_TOTAL_BUDGETS * ck->w.budget) {
		why = VTD_KDUMP_BUDGET;
	} else {
		/* also resolves a scalable-mode entry's RID_PASID format */
		why = vtd_kdump_walk_dev(&ck->w, dev, &v);
		ck->total_pages += dev->table_pages;
	}
	if (!why && dev->ctx.format == VTD_KDUMP_FMT_PASS_THROUGH)
		vtd_kdump_cover_pass_through(&c);
	verdict = vtd_kdump_cover_finish(&c, why);

	if (verdict == VTD_KDUMP_COVER_OK)
		set_bit(rid, ck->covered[seq]);
	else if (verdict == VTD_KDUMP_COVER_WALK)
		vtd_kdump_id_refuse(ck, rid, vtd_kdump_reason_str(why), NULL);
	else
		vtd_kdump_id_refuse(ck, rid, vtd_kdump_cover_str(verdict),
				    &c.bad);
	return 0;
}

/* Walk the old tables of @iommu; false if the IOMMU as a whole is refused */
static bool vtd_kdump_id_check_iommu(struct vtd_kdump_id_check *ck,
				     struct intel_iommu *iommu)
{
	u32 gsts = readl(iommu->reg + DMAR_GSTS_REG);
	u64 rtaddr = readq(iommu->reg + DMAR_RTADDR_REG);
	struct vtd_kdump_visited vis;
	struct vtd_kdump_hw hw;
	int ret;

	ck->iommu = iommu;
	if (!(gsts & DMA_GSTS_TES)) {
		pr_warn("%s: kdump identity: translation is off\n", iommu->name);
		return false;
	}
	if ((rtaddr & DMA_RTADDR_SMT) && !ecap_smts(iommu->ecap)) {
		pr_warn("%s: kdump identity: scalable-mode root table without ECAP.SMTS\n",
			iommu->name);
		return false;
	}
	ck->seen[iommu->seq_id] = bitmap_zalloc(VTD_KDUMP_ID_RIDS, GFP_KERNEL);
	ck->covered[iommu->seq_id] = bitmap_zalloc(VTD_KDUMP_ID_RIDS,
						   GFP_KERNEL);
	if (!ck->seen[iommu->seq_id] || !ck->covered[iommu->seq_id])
		return false;
	if (vtd_kdump_walker_init(&ck->w, iommu, &hw, &vis))
		return false;
	/* the format the crashed kernel chose, not the one we would */
	hw.scalable = !!(rtaddr & DMA_RTADDR_SMT);
	ck->w.kdump_leaves_ok = true;

	ret = vtd_kdump_walk_root(&ck->w, rtaddr & VTD_PAGE_MASK,
				  vtd_kdump_id_check_dev, ck);
	vtd_kdump_walker_release(&ck->w);
	if (ret) {
		pr_warn("%s: kdump identity: old root table %#llx refused (%d)\n",
			iommu->name, rtaddr & VTD_PAGE_MASK, ret);
		return false;
	}
	return true;
}

static int vtd_kdump_id_check_alias(struct pci_dev *pdev, u16 alias, void *arg)
{
	struct vtd_kdump_id_check *ck = arg;
	unsigned int seq = ck->iommu->seq_id;

	if (test_bit(alias, ck->covered[seq]))
		return 0;
	/* a present context that failed was named already */
	if (!test_bit(alias, ck->seen[seq]))
		vtd_kdump_id_refuse(ck, alias, "no context entry in the old tables",
				    NULL);
	return -ENOENT;
}

/* Every PCI device the kdump kernel may drive must pass, aliases included */
static void vtd_kdump_id_check_pci_devs(struct vtd_kdump_id_check *ck)
{
	struct pci_dev *pdev = NULL;

	for_each_pci_dev(pdev) {
		struct dmar_drhd_unit *drhd = dmar_find_matched_drhd_unit(pdev);

		if (!drhd || drhd->ignored || !drhd->iommu ||
		    !ck->covered[drhd->iommu->seq_id])
			continue;
		ck->iommu = drhd->iommu;
		pci_for_each_dma_alias(pdev, vtd_kdump_id_check_alias, ck);
	}
}

/* The kdump kernel's memory that DMA may target: its RAM above 1 MiB */
static int vtd_kdump_id_want(struct vtd_kdump_id_check *ck)
{
	const struct vtd_kdump_memmap *mem = vtd_kdump_memmap;
	unsigned int i;

	ck->want = kcalloc(mem->nr_kdump_ram, sizeof(*ck->want), GFP_KERNEL);
	if (!ck->want)
		return -ENOMEM;
	for (i = 0; i < mem->nr_kdump_ram; i++) {
		struct vtd_kdump_range r = mem->kdump_ram[i];

		if (r.end < VTD_KDUMP_ID_LOW_RESERVED)
			continue;
		r.start = max_t(u64, r.start, VTD_KDUMP_ID_LOW_RESERVED);
		ck->want[ck->nr_want++] = r;
	}
	return 0;
}

static void vtd_kdump_id_free(struct vtd_kdump_id_check *ck)
{
	unsigned int i;

	for (i = 0; i < DMAR_UNITS_SUPPORTED; i++) {
		bitmap_free(ck->seen[i]);
		bitmap_free(ck->covered[i]);
	}
	kfree(ck->want);
	kfree(ck);
}

static bool vtd_kdump_id_check_all(struct vtd_kdump_id_check *ck)
{
	struct dmar_drhd_unit *drhd;
	struct intel_iommu *iommu;
	unsigned int units = 0;

	for_each_iommu(iommu, drhd) {
		if (drhd->ignored)
			continue;
		if (!vtd_kdump_id_check_iommu(ck, iommu))
			return false;
		units++;
	}
	if (!units)
		return false;
	vtd_kdump_id_check_pci_devs(ck);
	return !ck->refused;
}

/**
 * intel_iommu_kdump_identity_keep_tables() - may the kdump kernel leave
 *	the IOMMUs as it found them?
 *
 * Called by intel_iommu_init() in place of setting up DMA remapping.  With
 * intel_iommu=kdump_identity in a kdump kernel: check that every IOMMU
 * still translates, and that every old context entry and every PCI device
 * behind an IOMMU identity-maps all of this kernel's memory above 1 MiB,
 * readable and writable, with no other IOVA reaching into it.
 *
 * Return: true if so: the caller must then leave the IOMMUs alone (no
 * copy, no root pointer write, translation stays on) and register no IOMMU
 * for DMA; false otherwise, with the devices in the way named in the log.
 */
bool intel_iommu_kdump_identity_keep_tables(void)
{
	ktime_t start = ktime_get();
	struct vtd_kdump_id_check *ck;
	bool keep = false;

	if (!intel_iommu_kdump_identity || !is_kdump_kernel())
		return false;
	if (vtd_kdump_memmap_init()) {
		pr_warn("kdump identity: the crashed kernel's memory map is unknown\n");
		goto out;
	}
	ck = kzalloc_obj(*ck, GFP_KERNEL);
	if (!ck)
		goto out;
	if (!vtd_kdump_id_want(ck))
		keep = vtd_kdump_id_check_all(ck);
	if (keep)
		pr_info("kdump identity: %u devices identity-map the kdump memory (%u ranges): IOMMUs left as found, translation on, %lld us\n",
			ck->devices, ck->nr_want,
			ktime_us_delta(ktime_get(), start));
	else
		pr_warn("kdump identity: refused, devices in the way: %u; adopting the old tables instead\n",
			ck->refused);
	vtd_kdump_id_free(ck);
out:
	return keep;
}
