// SPDX-License-Identifier: GPL-2.0
/*
 * vtdk_scale - the cost of adopting big old tables (issue 14), measured in
 * the kdump kernel under the vtd-kdump QEMU harness.
 *
 * mode=map    (primary, after vtdk_edu bound edu) map @pages 4 KiB pages
 *             for edu with iommu_map() on its DMA domain, at @iova_base
 *             and up (far above edu's 28-bit DMA mask, where the DMA
 *             allocator never goes): one physically contiguous 2 MiB
 *             chunk mapped over and over at consecutive IOVAs.  leaf=4k
 *             maps it from a 4 KiB- but not 2 MiB-aligned address, which
 *             forces 4 KiB leaves; leaf=2m from a 2 MiB-aligned one, so
 *             the domain can use 2 MiB leaves (512x fewer).  Then the live
 *             tables (DMAR_RTADDR_REG) are walked to show what the domain
 *             really holds: table pages per level, leaves per size.
 * mode=bound  (kdump kernel, before any driver attaches edu) find edu's old
 *             page table through its copied context entry and time, over
 *             exactly those table pages: one memremap() and a read of
 *             every byte per page (pp), the same without the read
 *             (maponly), one memremap() per physically contiguous run of
 *             them (run), through a cache of 2 MiB windows in the walk's
 *             order (win), and one memremap() of as many pages of a
 *             stretch of old RAM (span).  Then the series' walker itself
 *             (kdump_walk.c, built into this module) walks the same tree,
 *             once with a memremap() per table page as kdump_copy.c does
 *             and once through the 2 MiB windows: the walk/bound ratio on
 *             the same machine in the same boot, and what mapping runs of
 *             old table pages at once would save.
 * verify=1    (kdump kernel, after a driver attached edu) walk edu's live
 *             tables again: the new DMA domain, with what the series
 *             replayed into it.
 *
 * Every result is one "VTDK-RESULT scale_..." line.
 */

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <asm/processor.h>

#include "kdump_walk.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8

#define DMAR_CAP_REG		0x08
#define DMAR_RTADDR_REG		0x20
#define DMA_RTADDR_SMT		BIT_ULL(10)
#define VTD_ADDR_MASK		GENMASK_ULL(51, 12)
#define VTD_PS			BIT_ULL(7)
#define VTD_PGTT_FL		1
#define VTD_PGTT_SL		2
#define VTDK_PTES		512
#define VTDK_LEVELS		5
#define VTDK_CHUNK		SZ_2M
#define VTDK_CHUNK_PAGES	(VTDK_CHUNK / PAGE_SIZE)
/* 4 MiB: room for a 2 MiB chunk that starts 4 KiB into the block */
#define VTDK_BLOCK_ORDER	get_order(SZ_4M)
/* as the series: intel_iommu_kdump_walk_budget, VTD_KDUMP_MAX_RANGES */
#define VTDK_WALK_BUDGET	65536
#define VTDK_MAX_RANGES		65536
#define VTDK_MAX_TABLES		BIT(20)
#define VTDK_WIN_SIZE		SZ_2M
#define VTDK_WINS		8
#define VTDK_MAX_RAM		64

static char *mode = "map";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "map (primary) | bound (kdump kernel)");

static unsigned long pages = 1024;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "4 KiB pages to map for edu (the same chunk over and over)");

static char *leaf = "4k";
module_param(leaf, charp, 0444);
MODULE_PARM_DESC(leaf, "4k: a 4 KiB-aligned chunk (4 KiB leaves) | 2m: a 2 MiB-aligned one");

static unsigned long iova_base = SZ_64G;
module_param(iova_base, ulong, 0444);
MODULE_PARM_DESC(iova_base, "first IOVA of the mappings (2 MiB aligned)");

static unsigned long dmar_base;
module_param(dmar_base, ulong, 0444);
MODULE_PARM_DESC(dmar_base, "MMIO base of the IOMMU that translates edu (dmar0)");

static char *old_ram = "";
module_param(old_ram, charp, 0444);
MODULE_PARM_DESC(old_ram, "bound: the crashed kernel's RAM, START-END[,...] (inclusive, hex)");

static unsigned int rounds = 3;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "bound: measure everything this many times (the first is cold)");

static char *kdump_ram = "";
module_param(kdump_ram, charp, 0444);
MODULE_PARM_DESC(kdump_ram, "bound: this kernel's RAM, START-END[,...] (inclusive, hex)");

/* edu's translation as the live tables describe it */
struct vtdk_tree {
	u64 top;			/* physical address of the top table */
	unsigned int levels;
	bool sm;
	bool first_level;
	u64 present;			/* an entry is present if any bit is set */
};

/* What a walk of a tree found */
struct vtdk_census {
	u64 tables[VTDK_LEVELS + 1];	/* table pages per level */
	u64 leaves[VTDK_LEVELS + 1];	/* leaves per level inside [lo, hi) */
	u64 bad_pa;			/* of those, not mapping the chunk */
	u64 lo, hi;
	u64 chunk_pa;			/* 0: do not check what leaves map */
	bool deep;			/* read the leaf tables too */
	u64 *list;			/* table pages in walk order, if set */
	unsigned long nr, max;
	int err;
	u64 *buf[VTDK_LEVELS + 1];	/* one table copy per level */
};

static struct pci_dev *vtdk_edu(void)
{
	return pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
}

static bool vtdk_leaf_2m(void)
{
	return !strcmp(leaf, "2m");
}

/* Copy @n qwords from index @first of the page at @pa (any memory) */
static int vtdk_read(u64 pa, unsigned int first, unsigned int n, u64 *out)
{
	const u64 *t = memremap(pa & VTD_ADDR_MASK, PAGE_SIZE, MEMREMAP_WB);

	if (!t)
		return -ENOMEM;
	memcpy(out, t + first, n * sizeof(u64));
	memunmap((void *)t);
	return 0;
}

/* Find the page table that translates @pdev's requests without PASID */
static int vtdk_find_tree(struct pci_dev *pdev, struct vtdk_tree *t)
{
	u8 bus = pdev->bus->number, devfn = pdev->devfn;
	void __iomem *regs;
	u64 rtaddr, re, ce[4], pde, pe[4];
	u32 rid_pasid;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!dmar_base)
		return -ENODEV;
	regs = ioremap(dmar_base, PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	rtaddr = readq(regs + DMAR_RTADDR_REG);
	iounmap(regs);
	t->sm = rtaddr & DMA_RTADDR_SMT;

	if (!t->sm) {
		ret = vtdk_read(rtaddr, bus * 2, 1, &re);
		if (ret || !(re & 1))
			return ret ?: -ENOENT;
		ret = vtdk_read(re, devfn * 2, 2, ce);
		if (ret || !(ce[0] & 1))
			return ret ?: -ENOENT;
		if (((ce[0] >> 2) & 3) == 2)
			return -EOPNOTSUPP;	/* pass-through */
		t->top = ce[0] & VTD_ADDR_MASK;
		t->levels = (ce[1] & 7) + 2;
		t->present = BIT_ULL(0) | BIT_ULL(1);
		return 0;
	}

	ret = vtdk_read(rtaddr, bus * 2 + (devfn >= 128), 1, &re);
	if (ret || !(re & 1))
		return ret ?: -ENOENT;
	ret = vtdk_read(re, (devfn & 0x7f) * 4, 4, ce);
	if (ret || !(ce[0] & 1))
		return ret ?: -ENOENT;
	rid_pasid = ce[1] & GENMASK_ULL(19, 0);
	ret = vtdk_read(ce[0], rid_pasid >> 6, 1, &pde);
	if (ret || !(pde & 1))
		return ret ?: -ENOENT;
	ret = vtdk_read(pde, (rid_pasid & 63) * 8, 4, pe);
	if (ret || !(pe[0] & 1))
		return ret ?: -ENOENT;
	switch ((pe[0] >> 6) & 7) {
	case VTD_PGTT_SL:
		t->top = pe[0] & VTD_ADDR_MASK;
		t->levels = ((pe[0] >> 2) & 7) + 2;
		t->present = BIT_ULL(0) | BIT_ULL(1);
		break;
	case VTD_PGTT_FL:
		t->first_level = true;
		t->top = pe[2] & VTD_ADDR_MASK;
		t->levels = ((pe[2] >> 2) & 3) ? 5 : 4;
		t->present = BIT_ULL(0);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static void vtdk_census_table(struct vtdk_census *c, const struct vtdk_tree *t,
			      u64 pa, unsigned int level, u64 base)
{
	unsigned int shift = PAGE_SHIFT + 9 * (level - 1), i;
	u64 *e = c->buf[level];

	if (c->err)
		return;
	c->tables[level]++;
	if (c->list) {
		if (c->nr >= c->max) {
			c->err = -E2BIG;
			return;
		}
		c->list[c->nr++] = pa;
	}
	if (level == 1 && !c->deep)
		return;
	c->err = vtdk_read(pa, 0, VTDK_PTES, e);
	for (i = 0; i < VTDK_PTES && !c->err; i++) {
		u64 iova = base + ((u64)i << shift);
		u64 want;

		if (!(e[i] & t->present))
			continue;
		if (level > 1 && !(e[i] & VTD_PS)) {
			vtdk_census_table(c, t, e[i] & VTD_ADDR_MASK, level - 1,
					  iova);
			continue;
		}
		if (iova < c->lo || iova >= c->hi)
			continue;
		c->leaves[level]++;
		want = c->chunk_pa + (level == 1 ? (iova - c->lo) % VTDK_CHUNK : 0);
		if (c->chunk_pa && (e[i] & VTD_ADDR_MASK) != want)
			c->bad_pa++;
	}
	cond_resched();
}

static int vtdk_census(struct vtdk_census *c, const struct vtdk_tree *t)
{
	unsigned int l;

	for (l = 1; l <= t->levels; l++) {
		c->buf[l] = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!c->buf[l])
			c->err = -ENOMEM;
	}
	if (!c->err)
		vtdk_census_table(c, t, t->top, t->levels, 0);
	for (l = 1; l <= t->levels; l++)
		kfree(c->buf[l]);
	return c->err;
}

static u64 vtdk_census_total(const struct vtdk_census *c)
{
	u64 n = 0;
	unsigned int l;

	for (l = 1; l <= VTDK_LEVELS; l++)
		n += c->tables[l];
	return n;
}

static void vtdk_census_print(const char *what, const struct vtdk_tree *t,
			      const struct vtdk_census *c)
{
	pr_info("VTDK-RESULT scale_%s sm=%d first_level=%d levels=%u tables=%llu t1=%llu t2=%llu t3=%llu t4=%llu leaves_4k=%llu leaves_2m=%llu leaves_1g=%llu bad_pa=%llu err=%d\n",
		what, t->sm, t->first_level, t->levels, vtdk_census_total(c),
		c->tables[1], c->tables[2], c->tables[3], c->tables[4],
		c->leaves[1], c->leaves[2], c->leaves[3], c->bad_pa, c->err);
}

/* ---- mode=map (primary) ---- */

static struct page *vtdk_block;

static int vtdk_map(void)
{
	struct pci_dev *pdev = vtdk_edu();
	struct vtdk_census c = {};
	struct iommu_domain *dom;
	struct vtdk_tree t;
	unsigned long done = 0, calls = 0;
	u64 chunk, t0, ns;
	int ret;

	if (!pdev) {
		pr_info("VTDK-RESULT scale_map=no-edu\n");
		return -ENODEV;
	}
	ret = -EINVAL;
	dom = iommu_get_domain_for_dev(&pdev->dev);
	if (!dom || !(dom->type & __IOMMU_DOMAIN_PAGING) ||
	    !IS_ALIGNED(iova_base, VTDK_CHUNK) ||
	    (vtdk_leaf_2m() && !IS_ALIGNED(pages, VTDK_CHUNK_PAGES)))
		goto out;
	ret = -ENOMEM;
	vtdk_block = alloc_pages(GFP_KERNEL | __GFP_ZERO, VTDK_BLOCK_ORDER);
	if (!vtdk_block)
		goto out;
	chunk = page_to_phys(vtdk_block);
	chunk = ALIGN(chunk, VTDK_CHUNK) + (vtdk_leaf_2m() ? 0 : PAGE_SIZE);

	t0 = ktime_get_ns();
	while (done < pages) {
		unsigned long n = min(pages - done, VTDK_CHUNK_PAGES);

		ret = iommu_map(dom, iova_base + done * PAGE_SIZE, chunk,
				n * PAGE_SIZE, IOMMU_READ | IOMMU_WRITE,
				GFP_KERNEL);
		if (ret)
			break;
		done += n;
		calls++;
		cond_resched();
	}
	ns = ktime_get_ns() - t0;
	pr_info("VTDK-RESULT scale_map=%s pages=%lu leaf=%s iova=0x%lx chunk_pa=0x%llx mapped=%lu calls=%lu map_ns=%llu ret=%d domain_pgsizes=0x%lx\n",
		ret ? "error" : "ok", pages, leaf, iova_base, chunk, done, calls,
		ns, ret, dom->pgsize_bitmap);
	if (ret)
		goto out;

	/* what the domain really holds */
	ret = vtdk_find_tree(pdev, &t);
	if (ret) {
		pr_info("VTDK-RESULT scale_primary_tree=error err=%d\n", ret);
		ret = 0;
		goto out;
	}
	c.deep = true;
	c.lo = iova_base;
	c.hi = iova_base + pages * PAGE_SIZE;
	c.chunk_pa = chunk;
	vtdk_census(&c, &t);
	vtdk_census_print("primary_tree", &t, &c);
out:
	if (ret)
		pr_info("VTDK-RESULT scale_map=error err=%d\n", ret);
	pci_dev_put(pdev);
	return ret;
}

/* ---- mode=bound (kdump kernel) ---- */

/* Parse "START-END[,START-END...]" (hex, inclusive) into @r */
static int vtdk_parse_ranges(const char *s, struct vtd_kdump_range *r,
			     unsigned int max)
{
	unsigned int n = 0;
	u64 a, b;
	int len;

	while (*s) {
		if (n >= max || sscanf(s, "%llx-%llx%n", &a, &b, &len) != 2 ||
		    a > b)
			return -EINVAL;
		r[n].start = a;
		r[n++].end = b;
		s += len;
		if (*s == ',')
			s++;
	}
	return n;
}

static u64 vtdk_sum(const u64 *p, size_t n)
{
	u64 s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

/*
 * A cache of read-only 2 MiB windows of old RAM, the scheme kdump_copy.c
 * uses since issue 14 (measured here beside a memremap() per page, which
 * kdump_copy.c did before): a table page inside a window that is still
 * mapped costs no memremap().  A window is used only when all of it is old RAM; else, or
 * when every window is in use, the page alone is mapped and unmapped.
 */
struct vtdk_win {
	u64 base;
	u64 size;
	void *va;
	unsigned int refs;
	u64 stamp;
};

struct vtdk_wins {
	struct vtdk_win w[VTDK_WINS];
	u64 clock;
	u64 maps;			/* memremap() calls */
	const struct vtd_kdump_memmap *mem;
};

static struct vtdk_win *vtdk_win_victim(struct vtdk_wins *ws)
{
	struct vtdk_win *w, *victim = NULL;
	unsigned int i;

	for (i = 0; i < VTDK_WINS; i++) {
		w = &ws->w[i];
		if (w->refs)
			continue;
		if (!w->va)
			return w;
		if (!victim || w->stamp < victim->stamp)
			victim = w;
	}
	return victim;
}

static const void *vtdk_win_map(void *ctx, u64 phys)
{
	struct vtdk_wins *ws = ctx;
	u64 base = ALIGN_DOWN(phys, VTDK_WIN_SIZE);
	struct vtdk_win *w;
	unsigned int i;

	for (i = 0; i < VTDK_WINS; i++) {
		w = &ws->w[i];
		if (w->va && phys - w->base < w->size) {
			w->refs++;
			w->stamp = ++ws->clock;
			return w->va + (phys - w->base);
		}
	}
	ws->maps++;
	w = vtdk_win_victim(ws);
	if (!w || vtd_kdump_classify(ws->mem, base, VTDK_WIN_SIZE) !=
	    VTD_KDUMP_MEM_OLD_RAM)
		return memremap(phys, PAGE_SIZE, MEMREMAP_WB);
	if (w->va)
		memunmap(w->va);
	w->va = memremap(base, VTDK_WIN_SIZE, MEMREMAP_WB);
	if (!w->va)
		return memremap(phys, PAGE_SIZE, MEMREMAP_WB);
	w->base = base;
	w->size = VTDK_WIN_SIZE;
	w->refs = 1;
	w->stamp = ++ws->clock;
	return w->va + (phys - base);
}

static void vtdk_win_unmap(void *ctx, const void *va)
{
	struct vtdk_wins *ws = ctx;
	unsigned int i;

	for (i = 0; i < VTDK_WINS; i++) {
		struct vtdk_win *w = &ws->w[i];

		if (w->va && va >= w->va && va < w->va + w->size) {
			w->refs--;
			return;
		}
	}
	memunmap((void *)va);
}

static void vtdk_win_release(struct vtdk_wins *ws)
{
	unsigned int i;

	for (i = 0; i < VTDK_WINS; i++)
		if (ws->w[i].va)
			memunmap(ws->w[i].va);
	memset(ws->w, 0, sizeof(ws->w));
}

static const struct vtd_kdump_ops vtdk_win_ops = {
	.map = vtdk_win_map,
	.unmap = vtdk_win_unmap,
};

/* As kdump_copy.c: one memremap() per table page */
static const void *vtdk_pp_map(void *ctx, u64 phys)
{
	return memremap(phys, PAGE_SIZE, MEMREMAP_WB);
}

static void vtdk_pp_unmap(void *ctx, const void *va)
{
	memunmap((void *)va);
}

static const struct vtd_kdump_ops vtdk_pp_ops = {
	.map = vtdk_pp_map,
	.unmap = vtdk_pp_unmap,
};

static int vtdk_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

struct vtdk_bound {
	u64 pp_ns, maponly_ns, run_ns, win_ns, span_ns;
	unsigned long runs, span_pages;
	u64 win_maps;
	u64 sum;
};

/* The pages of @list, a memremap() of each, every byte read */
static int vtdk_bound_pp(const u64 *list, unsigned long nr, bool read,
			 u64 *ns, u64 *sum)
{
	unsigned long i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < nr; i++) {
		void *va = memremap(list[i], PAGE_SIZE, MEMREMAP_WB);

		if (!va)
			return -ENOMEM;
		if (read)
			*sum += vtdk_sum(va, VTDK_PTES);
		memunmap(va);
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

/* One memremap() per physically contiguous run of the (sorted) pages */
static int vtdk_bound_runs(const u64 *sorted, unsigned long nr,
			   struct vtdk_bound *b)
{
	unsigned long i = 0, j;
	u64 t0 = ktime_get_ns();

	while (i < nr) {
		void *va;

		for (j = i + 1; j < nr && sorted[j] == sorted[j - 1] + PAGE_SIZE; j++)
			;
		va = memremap(sorted[i], (j - i) * PAGE_SIZE, MEMREMAP_WB);
		if (!va)
			return -ENOMEM;
		b->sum += vtdk_sum(va, (j - i) * VTDK_PTES);
		memunmap(va);
		b->runs++;
		i = j;
	}
	b->run_ns = ktime_get_ns() - t0;
	return 0;
}

/* The pages of @list in walk order, through the 2 MiB windows */
static int vtdk_bound_win(const u64 *list, unsigned long nr,
			  const struct vtd_kdump_memmap *mem,
			  struct vtdk_bound *b)
{
	struct vtdk_wins ws = { .mem = mem };
	unsigned long i;
	u64 t0 = ktime_get_ns();
	int ret = 0;

	for (i = 0; i < nr; i++) {
		const u64 *va = vtdk_win_map(&ws, list[i]);

		if (!va) {
			ret = -ENOMEM;
			break;
		}
		b->sum += vtdk_sum(va, VTDK_PTES);
		vtdk_win_unmap(&ws, va);
	}
	vtdk_win_release(&ws);
	b->win_ns = ktime_get_ns() - t0;
	b->win_maps = ws.maps;
	return ret;
}

/*
 * As many pages of old RAM as @nr, with one memremap(): the largest old
 * RAM range that holds no RAM of this kernel, from its start.
 */
static int vtdk_bound_span(const struct vtd_kdump_memmap *mem, unsigned long nr,
			   struct vtdk_bound *b)
{
	u64 best = 0, best_len = 0, len, t0;
	unsigned int i;
	void *va;

	for (i = 0; i < mem->nr_old_ram; i++) {
		u64 s = PAGE_ALIGN(mem->old_ram[i].start);

		if (mem->old_ram[i].end < s)
			continue;
		len = (mem->old_ram[i].end + 1 - s) & PAGE_MASK;
		if (len > best_len &&
		    vtd_kdump_classify(mem, s, len) == VTD_KDUMP_MEM_OLD_RAM) {
			best = s;
			best_len = len;
		}
	}
	b->span_pages = min_t(u64, nr, best_len >> PAGE_SHIFT);
	if (!b->span_pages)
		return 0;
	t0 = ktime_get_ns();
	va = memremap(best, b->span_pages * PAGE_SIZE, MEMREMAP_WB);
	if (!va)
		return -ENOMEM;
	b->sum += vtdk_sum(va, b->span_pages * VTDK_PTES);
	memunmap(va);
	b->span_ns = ktime_get_ns() - t0;
	return 0;
}

/* The series' walker over edu's old tree */
struct vtdk_walkres {
	enum vtd_kdump_reason why;
	u64 ns, table_pages, leaves, rejected;
	unsigned int ranges;
};

static int vtdk_leaf_cb(void *arg, u64 iova, u64 phys, u64 size,
			unsigned int prot)
{
	vtd_kdump_runs_add(arg, iova, size);
	return 0;
}

static void vtdk_reject_cb(void *arg, u64 iova, u64 size,
			   enum vtd_kdump_reason why)
{
	vtd_kdump_runs_add(arg, iova, size);
}

static void vtdk_walk_once(struct vtd_kdump_walker *w,
			   const struct vtdk_tree *t, struct pci_dev *pdev,
			   struct vtd_kdump_runs *runs,
			   struct vtdk_walkres *res)
{
	struct vtd_kdump_visitor v = {
		.leaf = vtdk_leaf_cb,
		.reject = vtdk_reject_cb,
		.arg = runs,
	};
	struct vtd_kdump_dev dev = {
		.bus = pdev->bus->number,
		.devfn = pdev->devfn,
	};
	u64 t0;

	dev.ctx.format = t->first_level ? VTD_KDUMP_FMT_FIRST_LEVEL :
			 VTD_KDUMP_FMT_SECOND_LEVEL;
	dev.ctx.levels = t->levels;
	dev.ctx.pgtable = t->top;
	runs->nr = 0;
	runs->overflow = false;
	t0 = ktime_get_ns();
	res->why = vtd_kdump_walk_dev(w, &dev, &v);
	res->ns = ktime_get_ns() - t0;
	res->table_pages = dev.table_pages;
	res->leaves = dev.leaves;
	res->rejected = dev.rejected_leaves;
	res->ranges = runs->nr;
}

struct vtdk_kdump {
	struct vtd_kdump_range old[VTDK_MAX_RAM];
	struct vtd_kdump_range kdump[VTDK_MAX_RAM];
	struct vtd_kdump_memmap mem;
	struct vtd_kdump_hw hw;
	struct vtd_kdump_visited vis;
	struct vtd_kdump_runs runs;
	struct vtd_kdump_walker w;
};

static int vtdk_walker_setup(struct vtdk_kdump *k, const struct vtdk_tree *t)
{
	void __iomem *regs;
	u64 cap;
	int n;

	n = vtdk_parse_ranges(old_ram, k->old, VTDK_MAX_RAM);
	if (n <= 0)
		return n ?: -EINVAL;
	k->mem.old_ram = k->old;
	k->mem.nr_old_ram = n;
	n = vtdk_parse_ranges(kdump_ram, k->kdump, VTDK_MAX_RAM);
	if (n <= 0)
		return n ?: -EINVAL;
	k->mem.kdump_ram = k->kdump;
	k->mem.nr_kdump_ram = n;
	if (!vtd_kdump_memmap_valid(&k->mem))
		return -EINVAL;

	regs = ioremap(dmar_base, PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	cap = readq(regs + DMAR_CAP_REG);
	iounmap(regs);
	k->hw.scalable = t->sm;
	k->hw.sagaw = (cap >> 8) & 0x1f;
	k->hw.sllps = (cap >> 34) & 0xf;
	k->hw.fl1gp = (cap >> 56) & 1;
	k->hw.fl5lp = (cap >> 60) & 1;
	k->hw.haw = boot_cpu_data.x86_phys_bits;
	k->hw.ndoms = 1U << (4 + 2 * (cap & 7));

	/* sized as kdump_copy.c sizes them */
	k->vis.order = order_base_2(VTDK_WALK_BUDGET * 2);
	k->vis.slots = kvcalloc(1UL << k->vis.order, sizeof(*k->vis.slots),
				GFP_KERNEL);
	k->vis.gens = kvcalloc(1UL << k->vis.order, sizeof(*k->vis.gens),
			       GFP_KERNEL);
	k->runs.max = VTDK_MAX_RANGES;
	k->runs.r = kvcalloc(k->runs.max, sizeof(*k->runs.r), GFP_KERNEL);
	if (!k->vis.slots || !k->vis.gens || !k->runs.r)
		return -ENOMEM;
	k->w.hw = &k->hw;
	k->w.mem = &k->mem;
	k->w.visited = &k->vis;
	k->w.budget = VTDK_WALK_BUDGET;
	return 0;
}

static void vtdk_walker_free(struct vtdk_kdump *k)
{
	kvfree(k->vis.slots);
	kvfree(k->vis.gens);
	kvfree(k->runs.r);
}

/* The walker over edu's old tree: as kdump_copy.c, and through windows */
static void vtdk_walks(struct vtdk_kdump *k, const struct vtdk_tree *t,
		       struct pci_dev *pdev, unsigned int round)
{
	struct vtdk_wins ws = { .mem = &k->mem };
	struct vtdk_walkres pp, win;

	k->w.ops = &vtdk_pp_ops;
	k->w.ops_ctx = NULL;
	vtdk_walk_once(&k->w, t, pdev, &k->runs, &pp);
	cond_resched();
	k->w.ops = &vtdk_win_ops;
	k->w.ops_ctx = &ws;
	vtdk_walk_once(&k->w, t, pdev, &k->runs, &win);
	vtdk_win_release(&ws);
	pr_info("VTDK-RESULT scale_walk=%s round=%u reason=\"%s\" table_pages=%llu leaves=%llu rejected=%llu ranges=%u pp_ns=%llu win_ns=%llu win_maps=%llu win_reason=\"%s\" win_table_pages=%llu\n",
		pp.why ? "refused" : "ok", round, vtd_kdump_reason_str(pp.why),
		pp.table_pages, pp.leaves, pp.rejected, pp.ranges, pp.ns,
		win.ns, ws.maps, vtd_kdump_reason_str(win.why),
		win.table_pages);
}

/* One round of every measurement over the table pages of @c */
static int vtdk_round(unsigned int round, const struct vtdk_census *c,
		      const u64 *sorted, u64 sort_ns, struct vtdk_kdump *k,
		      const struct vtdk_tree *t, struct pci_dev *pdev)
{
	struct vtdk_bound b = {};
	int ret;

	ret = vtdk_bound_pp(c->list, c->nr, true, &b.pp_ns, &b.sum);
	if (!ret)
		ret = vtdk_bound_pp(c->list, c->nr, false, &b.maponly_ns,
				    &b.sum);
	if (!ret)
		ret = vtdk_bound_runs(sorted, c->nr, &b);
	if (!ret && k) {
		ret = vtdk_bound_win(c->list, c->nr, &k->mem, &b);
		if (!ret)
			ret = vtdk_bound_span(&k->mem, c->nr, &b);
	}
	pr_info("VTDK-RESULT scale_bound=%s round=%u table_pages=%lu pp_ns=%llu maponly_ns=%llu run_ns=%llu runs=%lu sort_ns=%llu win_ns=%llu win_maps=%llu span_ns=%llu span_pages=%lu sum=0x%llx err=%d\n",
		ret ? "error" : "ok", round, c->nr, b.pp_ns, b.maponly_ns,
		b.run_ns, b.runs, sort_ns, b.win_ns, b.win_maps, b.span_ns,
		b.span_pages, b.sum, ret);
	if (!ret && k)
		vtdk_walks(k, t, pdev, round);
	return ret;
}

static int vtdk_bound(void)
{
	struct pci_dev *pdev = vtdk_edu();
	struct vtdk_census c = {};
	struct vtdk_kdump *k;
	struct vtdk_tree t;
	u64 *sorted = NULL, t0, sort_ns;
	unsigned int round;
	bool walker;
	int ret;

	if (!pdev) {
		pr_info("VTDK-RESULT scale_bound=no-edu\n");
		return -ENODEV;
	}
	k = kvzalloc(sizeof(*k), GFP_KERNEL);
	if (!k) {
		ret = -ENOMEM;
		goto out;
	}
	ret = vtdk_find_tree(pdev, &t);
	if (ret) {
		pr_info("VTDK-RESULT scale_bound=error what=tree err=%d\n", ret);
		goto out;
	}
	/* the table pages, in walk order, without reading the leaf tables */
	c.max = VTDK_MAX_TABLES;
	c.list = kvmalloc_array(c.max, sizeof(*c.list), GFP_KERNEL);
	if (!c.list) {
		ret = -ENOMEM;
		goto out;
	}
	c.lo = iova_base;
	c.hi = iova_base + pages * PAGE_SIZE;
	ret = vtdk_census(&c, &t);
	vtdk_census_print("old_tree", &t, &c);
	if (ret)
		goto out;

	/* the memory maps: for the windows, the span and the walker */
	ret = *old_ram && *kdump_ram ? vtdk_walker_setup(k, &t) : -ENOENT;
	walker = !ret;
	if (ret)
		pr_info("VTDK-RESULT scale_walk=error what=setup err=%d\n", ret);

	sorted = kvmalloc_array(c.nr, sizeof(*sorted), GFP_KERNEL);
	if (!sorted) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(sorted, c.list, c.nr * sizeof(*sorted));
	t0 = ktime_get_ns();
	sort(sorted, c.nr, sizeof(*sorted), vtdk_u64_cmp, NULL);
	sort_ns = ktime_get_ns() - t0;

	/* round 1 also pays TCG's translation of the code and cold caches */
	for (round = 1; round <= rounds; round++) {
		ret = vtdk_round(round, &c, sorted, sort_ns, walker ? k : NULL,
				 &t, pdev);
		if (ret)
			break;
	}
	ret = 0;
out:
	if (k)
		vtdk_walker_free(k);
	kvfree(sorted);
	kvfree(c.list);
	kvfree(k);
	pci_dev_put(pdev);
	return ret;
}

/* ---- verify=1 (kdump kernel, after a driver attached edu) ---- */

static int vtdk_verify(void)
{
	struct pci_dev *pdev = vtdk_edu();
	struct vtdk_census c = {};
	struct vtdk_tree t;
	int ret;

	if (!pdev)
		return -ENODEV;
	ret = vtdk_find_tree(pdev, &t);
	if (!ret) {
		c.deep = true;
		c.lo = iova_base;
		c.hi = iova_base + pages * PAGE_SIZE;
		ret = vtdk_census(&c, &t);
		vtdk_census_print("new_tree", &t, &c);
	} else {
		pr_info("VTDK-RESULT scale_new_tree=error err=%d\n", ret);
	}
	pci_dev_put(pdev);
	return ret;
}

static int verify_set(const char *val, const struct kernel_param *kp)
{
	return vtdk_verify();
}

static const struct kernel_param_ops verify_ops = {
	.set = verify_set,
};

module_param_cb(verify, &verify_ops, NULL, 0200);
MODULE_PARM_DESC(verify, "write 1: walk edu's live tables (after a driver attached it)");

static int __init vtdk_scale_init(void)
{
	if (!strcmp(mode, "map"))
		return vtdk_map();
	if (!strcmp(mode, "bound"))
		return vtdk_bound();
	return -EINVAL;
}

static void __exit vtdk_scale_exit(void)
{
	/* the mappings point into the block: it stays with them */
}

module_init(vtdk_scale_init);
module_exit(vtdk_scale_exit);

MODULE_DESCRIPTION("vtd-kdump: cost of adopting big old VT-d tables");
MODULE_LICENSE("GPL");
