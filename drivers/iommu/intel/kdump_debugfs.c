// SPDX-License-Identifier: GPL-2.0
/*
 * kdump: debugfs view of what was adopted from the crashed kernel.
 *
 * /sys/kernel/debug/iommu/intel/kdump_adoption lists, per IOMMU, the
 * totals of the summary line and, per old context entry, the verdict, the
 * reason, the table format, the counters of the walk and the reserved IOVA
 * ranges.
 */

#include <linux/debugfs.h>
#include <linux/dmar.h>
#include <linux/pci.h>
#include <linux/seq_file.h>

#include "iommu.h"
#include "kdump.h"

static const char * const vtd_kdump_verdicts[] = {
	[VTD_KDUMP_ADOPTED] = "adopted",
	[VTD_KDUMP_PARTIAL] = "partial",
	[VTD_KDUMP_QUARANTINED] = "quarantined",
};

static const char * const vtd_kdump_formats[] = {
	[VTD_KDUMP_FMT_NONE] = "none",
	[VTD_KDUMP_FMT_SECOND_LEVEL] = "second-level",
	[VTD_KDUMP_FMT_FIRST_LEVEL] = "first-level",
	[VTD_KDUMP_FMT_PASS_THROUGH] = "pass-through",
};

static void vtd_kdump_show_dev(struct seq_file *m,
			       const struct vtd_kdump_dev_state *st)
{
	const struct vtd_kdump_dev *d = &st->walk;
	unsigned int i;

	seq_printf(m, "  %02x:%02x.%d %s reason=\"%s\" format=%s levels=%u did=%u leaves=%llu mapped=%#llx rejected=%llu blocking=%llu table_leaves=%llu tables=%llu ranges=%u maps=%u maps_lost=%#llx kept=%s pages=%llu\n",
		   d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
		   vtd_kdump_verdicts[st->verdict],
		   vtd_kdump_reason_str(d->reason),
		   vtd_kdump_formats[d->ctx.format], d->ctx.levels, d->ctx.did,
		   d->leaves, d->mapped_bytes, d->rejected_leaves,
		   st->blocking_refusals, st->table_hits, d->table_pages,
		   st->nr_ranges, st->nr_maps, st->maps_lost,
		   st->kept ? "yes" : st->dropped ? "dropped" : "not-yet",
		   st->kept_pages);
	for (i = 0; i < st->nr_ranges; i++)
		seq_printf(m, "    iova %#llx-%#llx\n", st->ranges[i].start,
			   st->ranges[i].end);
}

static int vtd_kdump_adoption_show(struct seq_file *m, void *unused)
{
	struct dmar_drhd_unit *drhd;
	struct intel_iommu *iommu;

	rcu_read_lock();
	for_each_active_iommu(iommu, drhd) {
		struct intel_iommu_kdump *kd = iommu->kdump;
		struct vtd_kdump_dev_state *st;
		unsigned long idx;

		if (!kd)
			continue;
		seq_printf(m, "%s: adopted=%u partial=%u quarantined=%u leaves=%llu rejected=%llu ranges=%llu boot_pages=%llu attach_pages=%llu block_did=%u walk_us=%llu\n",
			   iommu->name, kd->adopted, kd->partial,
			   kd->quarantined, kd->leaves, kd->rejected,
			   kd->ranges, kd->boot_pages, kd->attach_pages,
			   kd->block_did, kd->walk_us);
		xa_for_each(&kd->devs, idx, st)
			vtd_kdump_show_dev(m, st);
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtd_kdump_adoption);

/**
 * intel_iommu_kdump_debugfs_init() - create the kdump_adoption file
 * @parent: the intel iommu debugfs directory
 */
void intel_iommu_kdump_debugfs_init(struct dentry *parent)
{
	debugfs_create_file("kdump_adoption", 0444, parent, NULL,
			    &vtd_kdump_adoption_fops);
}
