/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "kdump IO rule" mode (intel_iommu=kdump_identity): what iommu.c
 * calls.
 */
#ifndef _INTEL_IOMMU_KDUMP_IDENTITY_H
#define _INTEL_IOMMU_KDUMP_IDENTITY_H

#include <linux/types.h>

struct device;
struct dmar_domain;
struct list_head;

#ifdef CONFIG_CRASH_DUMP
void intel_iommu_kdump_identity_enable(void);
void intel_iommu_kdump_identity_resv_regions(struct device *dev,
					     struct list_head *head);
void intel_iommu_kdump_identity_attached(struct dmar_domain *domain,
					 struct device *dev);
bool intel_iommu_kdump_identity_keep_tables(void);
#else /* no crashkernel= memory to map, no kdump kernel to be */
static inline void intel_iommu_kdump_identity_enable(void) {}

static inline void
intel_iommu_kdump_identity_resv_regions(struct device *dev,
					struct list_head *head) {}

static inline void
intel_iommu_kdump_identity_attached(struct dmar_domain *domain,
				    struct device *dev) {}

static inline bool intel_iommu_kdump_identity_keep_tables(void)
{
	return false;
}
#endif /* CONFIG_CRASH_DUMP */

#endif /* _INTEL_IOMMU_KDUMP_IDENTITY_H */
