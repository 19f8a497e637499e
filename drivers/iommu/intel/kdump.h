/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adoption of the translation tables of a crashed kernel by the kdump
 * kernel: what iommu.c and debugfs.c call.
 */
#ifndef _INTEL_IOMMU_KDUMP_H
#define _INTEL_IOMMU_KDUMP_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "kdump_walk.h"

struct dentry;
struct device;
struct intel_iommu;
struct list_head;

/* What became of a device that the crashed kernel had a context entry for */
enum vtd_kdump_verdict {
	VTD_KDUMP_ADOPTED,		/* used in place, bad leaves left out */
	VTD_KDUMP_PARTIAL,		/* dangerous leaves: blocked until attach */
	VTD_KDUMP_QUARANTINED,		/* structure refused: blocked */
};

/**
 * struct vtd_kdump_dev_state - one old context entry and what was done with it
 * @walk: the validated context and the walk's counters
 * @verdict: adopted, partial or quarantined
 * @ranges: old IOVA ranges (maximal runs) the device may still use,
 *	    refused leaves included: they are reserved, never mapped
 * @maps: the validated mappings (IOVA -> address, rights) the walk found,
 *	  what the replay maps into the device's new domain
 * @nr_maps: number of entries in @maps
 * @maps_lost: bytes of validated mappings @maps could not hold
 * @table_hits: mappings taken out of @maps because they map a table page
 *		one of the walks read (see vtd_kdump_check_table_leaves())
 * @blocked: the new tables hold a blocking entry for the device (until a
 *	     driver attaches it, whatever the verdict)
 * @nr_ranges: number of entries in @ranges
 * @blocking_refusals: refused leaves that block the device until a driver
 *		       attaches it (see vtd_kdump_refusal_blocks())
 * @kept: the old mappings were replayed into the device's new DMA domain
 * @kept_pages: page-table pages that replay added to the domain
 * @dropped: the old mappings could not be replayed (budget, or failure)
 */
struct vtd_kdump_dev_state {
	struct vtd_kdump_dev walk;
	enum vtd_kdump_verdict verdict;
	struct vtd_kdump_map *maps;
	unsigned int nr_maps;
	u64 maps_lost;
	u64 table_hits;
	bool blocked;
	struct vtd_kdump_range *ranges;
	unsigned int nr_ranges;
	u64 blocking_refusals;
	bool kept;
	u64 kept_pages;
	bool dropped;
};

/**
 * struct intel_iommu_kdump - adoption state of one IOMMU
 * @devs: struct vtd_kdump_dev_state by (bus << 8 | devfn)
 * @block_table: zeroed page table behind every blocking entry
 * @block_pasid_dir: scalable mode: PASID directory of the blocking entries
 * @block_pasid_table: scalable mode: its PASID table (one entry, PASID 0)
 * @block_did: domain id of the blocking entries, of their own
 * @refused: context tables refused whole (bus << 8 | first devfn): every
 *	     device behind one is blocked and has no state in @devs
 * @nr_refused: entries in @refused
 * @refused_span: devfns a context table holds (256; scalable mode 128)
 * @adopted: devices whose old tables are used in place
 * @partial: devices with refused leaves (blocked until attach)
 * @quarantined: devices or buses refused as a whole
 * @leaves: validated leaf entries found
 * @rejected: entries refused (context entries, table pointers, leaves)
 * @ranges: reserved IOVA ranges over all devices
 * @boot_pages: pages allocated at boot (context tables, blocking page)
 * @attach_pages: page-table pages the replays added to new domains
 * @walk_us: time the boot-time walk and copy took
 */
struct intel_iommu_kdump {
	struct xarray devs;
	void *block_table;
	void *block_pasid_dir;
	void *block_pasid_table;
	u16 block_did;
	u16 *refused;
	unsigned int nr_refused;
	unsigned int refused_span;
	unsigned int adopted;
	unsigned int partial;
	unsigned int quarantined;
	u64 leaves;
	u64 rejected;
	u64 ranges;
	u64 boot_pages;
	u64 attach_pages;
	u64 walk_us;
};

#ifdef CONFIG_CRASH_DUMP
bool intel_iommu_kdump_setup(const char *opt);
int intel_iommu_kdump_adopt(struct intel_iommu *iommu);
void intel_iommu_kdump_free(struct intel_iommu *iommu);
bool intel_iommu_kdump_wants_dma_domain(struct device *dev);
bool intel_iommu_kdump_wants_identity(struct device *dev);
void intel_iommu_kdump_probe_finalize(struct device *dev);
void intel_iommu_kdump_resv_regions(struct device *dev,
				    struct list_head *head);
#else /* a kernel that cannot be a kdump kernel carries none of it */
static inline bool intel_iommu_kdump_setup(const char *opt)
{
	return false;
}

static inline int intel_iommu_kdump_adopt(struct intel_iommu *iommu)
{
	return -ENODEV;
}

static inline void intel_iommu_kdump_free(struct intel_iommu *iommu) {}

static inline bool intel_iommu_kdump_wants_dma_domain(struct device *dev)
{
	return false;
}

static inline bool intel_iommu_kdump_wants_identity(struct device *dev)
{
	return false;
}

static inline void intel_iommu_kdump_probe_finalize(struct device *dev) {}

static inline void intel_iommu_kdump_resv_regions(struct device *dev,
						  struct list_head *head) {}
#endif /* CONFIG_CRASH_DUMP */

#if defined(CONFIG_CRASH_DUMP) && defined(CONFIG_INTEL_IOMMU_DEBUGFS)
void intel_iommu_kdump_debugfs_init(struct dentry *parent);
#else
static inline void intel_iommu_kdump_debugfs_init(struct dentry *parent) {}
#endif

/* Shared by the kdump_*.c files only */
extern const struct vtd_kdump_memmap *vtd_kdump_memmap;
extern unsigned long vtd_kdump_max_pages;
struct vtd_kdump_dev_state *intel_iommu_kdump_dev(struct intel_iommu *iommu,
						  u8 bus, u8 devfn);
struct vtd_kdump_dev_state *intel_iommu_kdump_dev_of(struct device *dev);
int vtd_kdump_memmap_init(void);
void vtd_kdump_hw_init(struct vtd_kdump_hw *hw, struct intel_iommu *iommu);
int vtd_kdump_walker_init(struct vtd_kdump_walker *w, struct intel_iommu *iommu,
			  struct vtd_kdump_hw *hw, struct vtd_kdump_visited *vis);
void vtd_kdump_walker_release(struct vtd_kdump_walker *w);
int vtd_kdump_visited_alloc(struct vtd_kdump_visited *vis, unsigned long budget);
unsigned int vtd_kdump_ranges_normalize(struct vtd_kdump_range *r,
					unsigned int nr);
void vtd_kdump_visited_free(struct vtd_kdump_visited *vis);
bool intel_iommu_kdump_blocked(struct intel_iommu *iommu, u8 bus, u8 devfn);

/* dmar.c, which is built without CONFIG_INTEL_IOMMU too */
#if defined(CONFIG_CRASH_DUMP) && defined(CONFIG_INTEL_IOMMU)
void intel_iommu_kdump_set_haw(unsigned int haw);
#else
static inline void intel_iommu_kdump_set_haw(unsigned int haw) {}
#endif

#endif /* _INTEL_IOMMU_KDUMP_H */
