// SPDX-License-Identifier: GPL-2.0
/*
 * vtdk_iova_bench - cost of new DMA mappings in an IOVA domain seeded with
 * reserved ranges, as a vtd-kdump kdump kernel seeds it with the crashed
 * kernel's old IOVA runs (IOMMU_RESV_RESERVED regions).
 *
 * For one device behind the IOMMU (edu, PCI 1234:11e8, by default), and for
 * each count in ranges= (the first must be 0, the unseeded reference), the
 * module builds what dma-iommu builds for a DMA domain: a paging domain
 * (iommu_paging_domain_alloc()) and an iova_domain (4 KiB granule, start
 * pfn 1, rcaches) with the host bridge's memory windows and the device's
 * reserved regions reserved with reserve_iova(), then reserves the seeded
 * ranges the way iova_reserve_iommu_regions() reserves reserved regions
 * (one reserve_iova() per region, in ascending order; the time is reported
 * as "setup": reserve_iova() scans the tree from its first node, so it grows
 * with the square of the number of ranges).
 *
 * Layout of the seeded ranges: old DMA mappings as the crashed kernel's own
 * allocator left them.  A scratch iova_domain with the same reservations
 * hands out 2 * N single pages top-down below the DMA limit (limit_bits=,
 * default 32: dma-iommu's first try for a PCI device); every other page is
 * kept as a reserved range, so the ranges are N single pages separated by
 * one-page holes, packed just below the limit: the densest set of maximal
 * runs, and exactly where the allocator starts searching.  Fewer ranges
 * are the top N of the same layout.
 *
 * Measurements, each "ops" mappings of "pages" pages, interleaved (rep by
 * rep, mode by mode, case by case, the first case rotating), after one
 * uncounted warm-up round, repeated reps= times; the median is reported:
 *   pair   alloc_iova_fast(), iommu_map(), iommu_unmap(), free_iova_fast():
 *          one mapping at a time (after the first, the rcache serves all)
 *   batch  the same with batch= mappings outstanding (map all, unmap all)
 *   tree   batch= outstanding, with alloc_iova()/free_iova(): the path
 *          alloc_iova_fast()/free_iova_fast() take when the rcache misses
 *          (rbtree search, insert, erase), with iommu_map()/iommu_unmap()
 *   alloc  as tree, without iommu_map()/iommu_unmap(): the allocator alone
 * The domain is not attached to the device: no IOTLB invalidation is timed
 * (that cost is the same with and without seeding and would only dilute
 * the ratio).
 *
 * Output lines start with "VTDK-BENCH "; the load fails on an error.
 */

#define pr_fmt(fmt) "VTDK-BENCH " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/iommu.h>
#include <linux/iova.h>
#include <linux/ktime.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#define BENCH_MAX_CASES		8
#define BENCH_MAX_REPS		64

static unsigned int ranges[BENCH_MAX_CASES] = { 0, 1, 1024, 65536 };
static unsigned int nr_ranges = 4;
module_param_array(ranges, uint, &nr_ranges, 0444);
MODULE_PARM_DESC(ranges, "seeded range counts, the first 0 (default 0,1,1024,65536)");

static unsigned int reps = 31;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of every measurement (default 31)");

static unsigned int ops = 4096;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "mappings per measurement, a multiple of batch (default 4096)");

static unsigned int batch = 256;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch, "mappings outstanding in batch, tree and alloc (default 256)");

static unsigned int pages = 1;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "pages per mapping (default 1)");

static unsigned int limit_bits = 32;
module_param(limit_bits, uint, 0444);
MODULE_PARM_DESC(limit_bits, "DMA limit of the allocations in bits (default 32)");

static char *modes = "pair,batch,tree,alloc";
module_param(modes, charp, 0444);
MODULE_PARM_DESC(modes, "measurements: pair,batch,tree,alloc");

static char *device;
module_param(device, charp, 0444);
MODULE_PARM_DESC(device, "PCI device name (default: edu 1234:11e8, else the first device behind an IOMMU)");

enum bench_mode { MODE_PAIR, MODE_BATCH, MODE_TREE, MODE_ALLOC, NR_MODES };

static const char * const mode_names[NR_MODES] = {
	[MODE_PAIR] = "pair",
	[MODE_BATCH] = "batch",
	[MODE_TREE] = "tree",
	[MODE_ALLOC] = "alloc",
};

struct bench_case {
	unsigned int nr;		/* seeded ranges */
	struct iommu_domain *domain;
	struct iova_domain iovad;
	bool iovad_ready;
	u64 setup_ns;
	u64 ns[NR_MODES][BENCH_MAX_REPS];
	unsigned long lo[NR_MODES], hi[NR_MODES];	/* last batch's pfns */
};

struct bench {
	struct pci_dev *pdev;
	struct page *page;
	phys_addr_t phys;
	unsigned long limit;		/* highest pfn */
	unsigned long *layout;		/* seeded pfns, top first */
	unsigned long *pfns;		/* outstanding pfns of a batch */
	bool mode_on[NR_MODES];
	struct bench_case cases[BENCH_MAX_CASES];
	u64 sorted[BENCH_MAX_REPS];
	char list[BENCH_MAX_REPS * 21 + 1];
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* What iova_reserve_pci_windows() and iova_reserve_iommu_regions() reserve */
static void reserve_base(struct bench *b, struct iova_domain *iovad)
{
	struct pci_host_bridge *bridge = pci_find_host_bridge(b->pdev->bus);
	struct device *dev = &b->pdev->dev;
	struct iommu_resv_region *region;
	struct resource_entry *window;
	LIST_HEAD(resv);

	/* x86 host bridges have no dma_ranges: the windows are all */
	resource_list_for_each_entry(window, &bridge->windows) {
		if (resource_type(window->res) != IORESOURCE_MEM)
			continue;
		reserve_iova(iovad,
			     iova_pfn(iovad, window->res->start - window->offset),
			     iova_pfn(iovad, window->res->end - window->offset));
	}

	iommu_get_resv_regions(dev, &resv);
	list_for_each_entry(region, &resv, list) {
		if (region->type == IOMMU_RESV_SW_MSI)
			continue;
		reserve_iova(iovad, iova_pfn(iovad, region->start),
			     iova_pfn(iovad, region->start + region->length - 1));
	}
	iommu_put_resv_regions(dev, &resv);
}

/* The old mappings: every other page of 2 * n handed out top-down */
static int make_layout(struct bench *b, unsigned int n)
{
	struct iova_domain scratch;
	struct iova *iova;
	unsigned int i;
	int ret = 0;

	b->layout = vmalloc_array(max(n, 1U), sizeof(*b->layout));
	if (!b->layout)
		return -ENOMEM;

	init_iova_domain(&scratch, PAGE_SIZE, 1);
	reserve_base(b, &scratch);
	for (i = 0; i < 2 * n; i++) {
		iova = alloc_iova(&scratch, 1, b->limit, true);
		if (!iova) {
			pr_err("layout: IOVA space below the limit exhausted after %u pages\n",
			       i);
			ret = -ENOSPC;
			break;
		}
		if (!(i & 1))
			b->layout[i / 2] = iova->pfn_lo;
		if (!(i % 4096))
			cond_resched();
	}
	put_iova_domain(&scratch);
	if (!ret && n)
		pr_info("layout ranges=%u pages=1 holes=1 top=0x%lx bottom=0x%lx\n",
			n, b->layout[0], b->layout[n - 1]);
	return ret;
}

static int setup_case(struct bench *b, struct bench_case *c)
{
	u64 t0;
	int ret;
	int i;

	c->domain = iommu_paging_domain_alloc(&b->pdev->dev);
	if (IS_ERR(c->domain)) {
		ret = PTR_ERR(c->domain);
		c->domain = NULL;
		pr_err("iommu_paging_domain_alloc: %d\n", ret);
		return ret;
	}

	init_iova_domain(&c->iovad, PAGE_SIZE, 1);
	ret = iova_domain_init_rcaches(&c->iovad);
	if (ret) {
		put_iova_domain(&c->iovad);
		return ret;
	}
	c->iovad_ready = true;
	reserve_base(b, &c->iovad);

	/* as iova_reserve_iommu_regions(): one reserve_iova() per region */
	t0 = ktime_get_ns();
	for (i = c->nr - 1; i >= 0; i--) {
		if (!reserve_iova(&c->iovad, b->layout[i], b->layout[i]))
			return -ENOMEM;
		if (!(i % 1024))
			cond_resched();
	}
	c->setup_ns = ktime_get_ns() - t0;
	pr_info("setup ranges=%u reserve_ns=%llu\n", c->nr, c->setup_ns);
	return 0;
}

static void free_case(struct bench_case *c)
{
	if (c->iovad_ready)
		put_iova_domain(&c->iovad);
	if (c->domain)
		iommu_domain_free(c->domain);
}

static int map_one(struct bench *b, struct bench_case *c, unsigned long pfn)
{
	int ret;

	ret = iommu_map(c->domain, pfn << PAGE_SHIFT, b->phys,
			(size_t)pages << PAGE_SHIFT, IOMMU_READ | IOMMU_WRITE,
			GFP_KERNEL);
	if (ret)
		pr_err("iommu_map 0x%lx: %d\n", pfn << PAGE_SHIFT, ret);
	return ret;
}

static int unmap_one(struct bench_case *c, unsigned long pfn)
{
	size_t size = (size_t)pages << PAGE_SHIFT;

	if (iommu_unmap(c->domain, pfn << PAGE_SHIFT, size) != size) {
		pr_err("iommu_unmap 0x%lx failed\n", pfn << PAGE_SHIFT);
		return -EIO;
	}
	return 0;
}

static unsigned long get_iova(struct bench *b, struct bench_case *c,
			      enum bench_mode mode)
{
	struct iova *iova;

	if (mode == MODE_PAIR || mode == MODE_BATCH)
		return alloc_iova_fast(&c->iovad, pages, b->limit, true);
	iova = alloc_iova(&c->iovad, pages, b->limit, true);
	return iova ? iova->pfn_lo : 0;
}

static void put_iova(struct bench_case *c, enum bench_mode mode,
		     unsigned long pfn)
{
	if (mode == MODE_PAIR || mode == MODE_BATCH)
		free_iova_fast(&c->iovad, pfn, pages);
	else
		free_iova(&c->iovad, pfn);
}

/* One measurement: ops mappings; returns the time in ns, or 0 on error */
static u64 run_one(struct bench *b, struct bench_case *c, enum bench_mode mode)
{
	unsigned int n = mode == MODE_PAIR ? 1 : batch;
	bool map = mode != MODE_ALLOC;
	unsigned int round, i;
	u64 t0, t;

	t0 = ktime_get_ns();
	for (round = 0; round < ops / n; round++) {
		for (i = 0; i < n; i++) {
			b->pfns[i] = get_iova(b, c, mode);
			if (!b->pfns[i]) {
				pr_err("ranges=%u %s: IOVA allocation failed\n",
				       c->nr, mode_names[mode]);
				return 0;
			}
			if (map && map_one(b, c, b->pfns[i]))
				return 0;
		}
		for (i = 0; i < n; i++) {
			if (map && unmap_one(c, b->pfns[i]))
				return 0;
			put_iova(c, mode, b->pfns[i]);
		}
	}
	t = ktime_get_ns() - t0;
	c->lo[mode] = ULONG_MAX;
	c->hi[mode] = 0;
	for (i = 0; i < n; i++) {
		c->lo[mode] = min(c->lo[mode], b->pfns[i]);
		c->hi[mode] = max(c->hi[mode], b->pfns[i] + pages - 1);
	}
	cond_resched();
	return t ?: 1;
}

static void report(struct bench *b, struct bench_case *c, enum bench_mode mode)
{
	u64 *sorted = b->sorted;
	unsigned int r, len = 0;
	u64 med;

	for (r = 0; r < reps; r++)
		len += scnprintf(b->list + len, sizeof(b->list) - len, "%s%llu",
				 r ? "," : "", c->ns[mode][r]);
	memcpy(sorted, c->ns[mode], reps * sizeof(u64));
	sort(sorted, reps, sizeof(u64), cmp_u64, NULL);
	med = sorted[reps / 2];
	if (!(reps & 1))
		med = (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
	pr_info("result mode=%s ranges=%u ops=%u pages=%u median_ns=%llu ops_per_s=%llu pfns=0x%lx-0x%lx ns=%s\n",
		mode_names[mode], c->nr, ops, pages, med,
		div64_u64((u64)ops * NSEC_PER_SEC, med), c->lo[mode],
		c->hi[mode], b->list);
}

static struct pci_dev *find_device(void)
{
	struct pci_dev *pdev = NULL;

	if (device) {
		for_each_pci_dev(pdev)
			if (!strcmp(pci_name(pdev), device))
				return pdev;
		return NULL;
	}
	pdev = pci_get_device(0x1234, 0x11e8, NULL);
	if (pdev && device_iommu_mapped(&pdev->dev))
		return pdev;
	pci_dev_put(pdev);
	pdev = NULL;
	for_each_pci_dev(pdev)
		if (device_iommu_mapped(&pdev->dev))
			return pdev;
	return NULL;
}

static int parse_modes(struct bench *b)
{
	char *buf, *p, *w;
	int i, ret = 0;

	buf = kstrdup(modes, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	while ((w = strsep(&p, ",")) && !ret) {
		if (!*w)
			continue;
		i = match_string(mode_names, NR_MODES, w);
		if (i < 0) {
			pr_err("unknown mode '%s'\n", w);
			ret = -EINVAL;
		} else {
			b->mode_on[i] = true;
		}
	}
	kfree(buf);
	return ret;
}

static int check_params(void)
{
	unsigned int i;

	if (!nr_ranges || ranges[0]) {
		pr_err("ranges= must start with 0 (the unseeded reference)\n");
		return -EINVAL;
	}
	for (i = 1; i < nr_ranges; i++)
		if (ranges[i] > (1U << 20))
			return -EINVAL;
	if (!reps || reps > BENCH_MAX_REPS || !batch || !pages ||
	    pages > 32 || ops < batch || limit_bits < 24 || limit_bits > 48)
		return -EINVAL;
	ops -= ops % batch;
	return 0;
}

static int bench_run(struct bench *b)
{
	unsigned int i, r, max_nr = 0;
	enum bench_mode m;
	int ret;

	for (i = 0; i < nr_ranges; i++)
		max_nr = max(max_nr, ranges[i]);
	ret = make_layout(b, max_nr);
	if (ret)
		return ret;

	for (i = 0; i < nr_ranges; i++) {
		b->cases[i].nr = ranges[i];
		ret = setup_case(b, &b->cases[i]);
		if (ret)
			return ret;
	}

	/*
	 * Round 0 warms up (page tables, slab, rcaches) and is not counted;
	 * each round starts the cases at a different one.
	 */
	for (r = 0; r <= reps; r++)
		for (m = 0; m < NR_MODES; m++) {
			if (!b->mode_on[m])
				continue;
			for (i = 0; i < nr_ranges; i++) {
				struct bench_case *c = &b->cases[(i + r) % nr_ranges];
				u64 t = run_one(b, c, m);

				if (!t)
					return -EIO;
				if (r)
					c->ns[m][r - 1] = t;
			}
		}

	for (m = 0; m < NR_MODES; m++)
		for (i = 0; b->mode_on[m] && i < nr_ranges; i++)
			report(b, &b->cases[i], m);
	return 0;
}

static int __init vtdk_iova_bench_init(void)
{
	struct bench *b;
	unsigned int i;
	u64 t0;
	int ret;

	ret = check_params();
	if (ret)
		return ret;
	b = vzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	ret = parse_modes(b);
	if (ret)
		goto out_free;

	b->pdev = find_device();
	if (!b->pdev) {
		pr_err("no PCI device behind an IOMMU\n");
		ret = -ENODEV;
		goto out_free;
	}
	ret = iova_cache_get();
	if (ret)
		goto out_put_dev;
	b->page = alloc_pages(GFP_KERNEL, get_order((size_t)pages << PAGE_SHIFT));
	b->pfns = kcalloc(batch, sizeof(*b->pfns), GFP_KERNEL);
	if (!b->page || !b->pfns) {
		ret = -ENOMEM;
		goto out_cache;
	}
	b->phys = page_to_phys(b->page);
	b->limit = (u64)DMA_BIT_MASK(limit_bits) >> PAGE_SHIFT;

	pr_info("start dev=%s limit=0x%lx pages=%u ops=%u batch=%u reps=%u modes=%s\n",
		pci_name(b->pdev), b->limit, pages, ops, batch, reps, modes);
	t0 = ktime_get_ns();
	ret = bench_run(b);
	for (i = 0; i < nr_ranges; i++)
		free_case(&b->cases[i]);
	pr_info("%s rc=%d ms=%llu\n", ret ? "error" : "done", ret,
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));

out_cache:
	vfree(b->layout);
	kfree(b->pfns);
	if (b->page)
		__free_pages(b->page, get_order((size_t)pages << PAGE_SHIFT));
	iova_cache_put();
out_put_dev:
	pci_dev_put(b->pdev);
out_free:
	vfree(b);
	return ret;
}

static void __exit vtdk_iova_bench_exit(void)
{
}

module_init(vtdk_iova_bench_init);
module_exit(vtdk_iova_bench_exit);
MODULE_DESCRIPTION("vtd-kdump: IOVA allocation cost in a domain seeded with reserved ranges");
MODULE_LICENSE("GPL");
