// SPDX-License-Identifier: GPL-2.0
/*
 * kdump: adopt the translation tables of the crashed kernel.
 *
 * The kdump kernel finds the old root table in DMAR_RTADDR_REG with
 * translation still enabled.  Every old context entry and the page tables
 * behind it are validated by the walker in kdump_walk.c; valid context
 * entries are copied into context tables the kdump kernel owns (the page
 * tables behind them stay where they are and are used in place until a
 * driver attaches the device), invalid ones are replaced by blocking
 * entries that stop the device's DMA without a fault storm.  The old tables
 * are never written: the vmcore shows them as they were at the panic.
 */

#define pr_fmt(fmt)	"DMAR: " fmt

#include <linux/bitfield.h>
#include <linux/cache.h>
#include <linux/cacheflush.h>
#include <linux/crash_dump.h>
#include <linux/elf.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "iommu.h"
#include "pasid.h"
#include "../iommu-pages.h"
#include "kdump.h"

/* Page-table pages one device walk may read: 256 MiB of tables */
static unsigned long vtd_kdump_walk_budget = 65536;

/* All devices of one IOMMU together may read this many walk budgets */
#define VTD_KDUMP_TOTAL_BUDGETS	16
/* Reserved ranges one device may report before they are merged */
#define VTD_KDUMP_MAX_RANGES	65536
/* Devices named one by one in the log, per IOMMU */
#define VTD_KDUMP_LOG_DEVS	32
/* Program headers of the ELF core header we are willing to read */
#define VTD_KDUMP_MAX_PHDRS	4096
/* Upper bound of separate RAM ranges recorded for either kernel */
#define VTD_KDUMP_MAX_RAM_RANGES	VTD_KDUMP_MAX_PHDRS
/* Highest address a VT-d entry can hold (address fields end at bit 51) */
#define VTD_KDUMP_ADDR_LIMIT		(BIT_ULL(VTD_KDUMP_MAX_HAW) - 1)

static struct vtd_kdump_memmap vtd_kdump_mem;
const struct vtd_kdump_memmap *vtd_kdump_memmap;

/* intel_iommu=NAME=N: *@val = N; Return: whether @opt is NAME= */
static bool __init vtd_kdump_opt(const char *opt, const char *name,
				 unsigned long *val)
{
	size_t len = strlen(name), n;
	char num[24];

	if (strncmp(opt, name, len))
		return false;
	n = min(strcspn(opt + len, ","), sizeof(num) - 1);
	memcpy(num, opt + len, n);
	num[n] = '\0';
	if (kstrtoul(num, 0, val))
		pr_warn("intel_iommu=%s%s: not a number, ignored\n", name, num);
	return true;
}

/**
 * intel_iommu_kdump_setup() - parse a kdump sub-option of intel_iommu=
 * @opt: the option, up to the next comma or the end
 *
 * kdump_walk_budget=N: page-table pages one device walk may read;
 * kdump_max_pages=N: pages the adoption may allocate, all IOMMUs together.
 *
 * Return: true if @opt is one of them.
 */
bool __init intel_iommu_kdump_setup(const char *opt)
{
	return vtd_kdump_opt(opt, "kdump_walk_budget=", &vtd_kdump_walk_budget) ||
	       vtd_kdump_opt(opt, "kdump_max_pages=", &vtd_kdump_max_pages);
}

struct vtd_kdump_ram_list {
	struct vtd_kdump_range *r;
	unsigned int nr;
};

static int vtd_kdump_range_cmp(const void *a, const void *b)
{
	const struct vtd_kdump_range *ra = a, *rb = b;

	if (ra->start != rb->start)
		return ra->start < rb->start ? -1 : 1;
	return 0;
}

/**
 * vtd_kdump_ranges_normalize() - sort and merge ranges in place
 * @r: the ranges
 * @nr: number of entries in @r
 *
 * Return: the number of ranges left, sorted, none overlapping or adjacent.
 */
unsigned int vtd_kdump_ranges_normalize(struct vtd_kdump_range *r,
					unsigned int nr)
{
	unsigned int i, out = 0;

	if (!nr)
		return 0;
	sort(r, nr, sizeof(*r), vtd_kdump_range_cmp, NULL);
	for (i = 1; i < nr; i++) {
		if (r[i].start <= r[out].end + 1) {
			r[out].end = max(r[out].end, r[i].end);
			continue;
		}
		r[++out] = r[i];
	}
	return out + 1;
}

static int vtd_kdump_ram_add(struct vtd_kdump_ram_list *l, u64 start, u64 end)
{
	if (l->nr >= VTD_KDUMP_MAX_RAM_RANGES)
		return -E2BIG;
	l->r[l->nr].start = start;
	l->r[l->nr].end = end;
	l->nr++;
	return 0;
}

#ifdef CONFIG_PROC_VMCORE
/*
 * The crashed kernel's RAM is what the ELF core header describes: its
 * PT_LOAD segments.  The header was written by kexec in the crashed
 * kernel; it is checked like any other old data.
 */
static int __init vtd_kdump_read_old_ram(struct vtd_kdump_ram_list *l)
{
	struct elf64_hdr ehdr;
	struct elf64_phdr phdr;
	u64 pos = elfcorehdr_addr;
	unsigned int i;
	int ret;

	if (elfcorehdr_read((char *)&ehdr, sizeof(ehdr), &pos) != sizeof(ehdr))
		return -EIO;
	if (memcmp(ehdr.e_ident, ELFMAG, SELFMAG) ||
	    ehdr.e_ident[EI_CLASS] != ELFCLASS64 ||
	    ehdr.e_phentsize != sizeof(phdr) ||
	    ehdr.e_phnum > VTD_KDUMP_MAX_PHDRS)
		return -EINVAL;
	/* elfcorehdr= may come without a size; check it when given */
	if (elfcorehdr_size &&
	    (ehdr.e_phoff > elfcorehdr_size ||
	     (u64)ehdr.e_phnum * sizeof(phdr) > elfcorehdr_size - ehdr.e_phoff))
		return -EINVAL;

	for (i = 0; i < ehdr.e_phnum; i++) {
		pos = elfcorehdr_addr + ehdr.e_phoff + (u64)i * sizeof(phdr);
		if (elfcorehdr_read((char *)&phdr, sizeof(phdr), &pos) != sizeof(phdr))
			return -EIO;
		if (phdr.p_type != PT_LOAD || !phdr.p_memsz ||
		    phdr.p_paddr + phdr.p_memsz < phdr.p_paddr)
			continue;
		ret = vtd_kdump_ram_add(l, phdr.p_paddr,
					phdr.p_paddr + phdr.p_memsz - 1);
		if (ret)
			return ret;
	}
	return 0;
}
#else
static int __init vtd_kdump_read_old_ram(struct vtd_kdump_ram_list *l)
{
	return -ENODEV;
}
#endif

static int vtd_kdump_add_kdump_ram(struct resource *res, void *arg)
{
	return vtd_kdump_ram_add(arg, res->start, res->end);
}

static struct vtd_kdump_ram_list vtd_kdump_old_ram;

/*
 * The ELF core header is readable only until vmcore_init() (fs_initcall)
 * has parsed it, while the DMA-remapping init runs later, at
 * rootfs_initcall: take the crashed kernel's RAM ranges before.
 */
static int __init vtd_kdump_snapshot_old_ram(void)
{
	struct vtd_kdump_ram_list l = {};
	int ret;

	if (!is_kdump_kernel())
		return 0;
	l.r = kvcalloc(VTD_KDUMP_MAX_RAM_RANGES, sizeof(*l.r), GFP_KERNEL);
	if (!l.r)
		return 0;
	ret = vtd_kdump_read_old_ram(&l);
	if (ret) {
		pr_warn("kdump: cannot read the old memory map from the ELF core header (%d)\n",
			ret);
		kvfree(l.r);
		return 0;
	}
	l.nr = vtd_kdump_ranges_normalize(l.r, l.nr);
	if (!l.nr) {
		pr_warn("kdump: the ELF core header describes no old RAM\n");
		kvfree(l.r);
		return 0;
	}
	vtd_kdump_old_ram = l;
	return 0;
}
subsys_initcall(vtd_kdump_snapshot_old_ram);

/**
 * vtd_kdump_ranges_complement() - the addresses that @r does not cover
 * @r: sorted, disjoint ranges, all at or below @limit
 * @nr: number of entries in @r
 * @out: room for @nr + 1 ranges
 * @limit: the last address of the space
 *
 * Return: the number of ranges written to @out, sorted and disjoint.
 */
static unsigned int vtd_kdump_ranges_complement(const struct vtd_kdump_range *r,
						unsigned int nr,
						struct vtd_kdump_range *out,
						u64 limit)
{
	unsigned int i, n = 0;
	u64 next = 0;		/* first address not yet covered or written */
	bool done = false;

	for (i = 0; i < nr && !done && r[i].start <= limit; i++) {
		if (r[i].start > next) {
			out[n].start = next;
			out[n++].end = r[i].start - 1;
		}
		if (r[i].end >= limit)
			done = true;
		else
			next = r[i].end + 1;
	}
	if (!done) {
		out[n].start = next;
		out[n++].end = limit;
	}
	return n;
}

/*
 * Without the crashed kernel's memory map (no ELF core header, or one that
 * cannot be read), every address that is not the kdump kernel's RAM stands
 * in for old RAM: each check that needs only the kdump kernel's own memory
 * still holds (no table and no leaf inside it), where a plain copy checks
 * nothing.
 */
static int vtd_kdump_old_ram_unknown(const struct vtd_kdump_ram_list *kdump,
				     struct vtd_kdump_ram_list *old)
{
	old->r = kvcalloc(kdump->nr + 1, sizeof(*old->r), GFP_KERNEL);
	if (!old->r)
		return -ENOMEM;
	old->nr = vtd_kdump_ranges_complement(kdump->r, kdump->nr, old->r,
					      VTD_KDUMP_ADDR_LIMIT);
	pr_warn("kdump: old memory map unknown: old tables are checked against the kdump kernel's memory only\n");
	return old->nr ? 0 : -EINVAL;
}

/**
 * vtd_kdump_memmap_init() - record both kernels' RAM once
 *
 * The kdump kernel's own RAM comes from the resource tree, which (unlike
 * memblock on x86) lives on after boot, so the attach-time walk can use the
 * same map.  The result is in &vtd_kdump_memmap.
 *
 * Return: 0, or an error if not even the kdump kernel's RAM is known.
 */
int vtd_kdump_memmap_init(void)
{
	struct vtd_kdump_ram_list newl = {};
	int ret;

	if (vtd_kdump_memmap)
		return 0;

	newl.r = kvcalloc(VTD_KDUMP_MAX_RAM_RANGES, sizeof(*newl.r), GFP_KERNEL);
	if (!newl.r)
		return -ENOMEM;
	ret = walk_system_ram_res(0, U64_MAX, &newl, vtd_kdump_add_kdump_ram);
	if (ret < 0)
		goto err;

	newl.nr = vtd_kdump_ranges_normalize(newl.r, newl.nr);
	if (!vtd_kdump_old_ram.nr && newl.nr) {
		ret = vtd_kdump_old_ram_unknown(&newl, &vtd_kdump_old_ram);
		if (ret)
			goto err;
	}
	vtd_kdump_mem.old_ram = vtd_kdump_old_ram.r;
	vtd_kdump_mem.nr_old_ram = vtd_kdump_old_ram.nr;
	vtd_kdump_mem.kdump_ram = newl.r;
	vtd_kdump_mem.nr_kdump_ram = newl.nr;
	if (!newl.nr || !vtd_kdump_memmap_valid(&vtd_kdump_mem)) {
		ret = -EINVAL;
		goto err;
	}
	vtd_kdump_memmap = &vtd_kdump_mem;
	pr_info("kdump: old RAM: %u ranges, kdump RAM: %u ranges\n",
		vtd_kdump_old_ram.nr, newl.nr);
	return 0;
err:
	kvfree(newl.r);
	return ret;
}

/*
 * Old memory is read through a few read-only windows of 2 MiB.  A
 * memremap() of memory this kernel does not own is an ioremap: a vmap
 * area, page-table updates, a memtype reservation, and a TLB flush when it
 * goes; per 4 KiB table page that costs more than reading the page.  The
 * table pages of one tree mostly lie next to each other, so a window that
 * is still mapped serves the next pages.  A window is used only when all
 * of it is old RAM (never memory of this kernel); else, or when every
 * window is in use (the walker holds one view per table level, root and
 * context tables included), the page alone is mapped and unmapped as
 * before.
 */
#define VTD_KDUMP_WIN_SIZE	SZ_2M
#define VTD_KDUMP_WINS		8

struct vtd_kdump_win {
	u64 base;
	u64 size;
	void *va;
	unsigned int refs;
	u64 stamp;		/* last use, for the choice of a window to reuse */
};

struct vtd_kdump_wins {
	struct vtd_kdump_win w[VTD_KDUMP_WINS];
	u64 clock;
};

/* A window that may take a new mapping: an unused one, else the oldest idle */
static struct vtd_kdump_win *vtd_kdump_win_victim(struct vtd_kdump_wins *ws)
{
	struct vtd_kdump_win *w, *victim = NULL;
	unsigned int i;

	for (i = 0; i < VTD_KDUMP_WINS; i++) {
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

static const void *vtd_kdump_map_old(void *ctx, u64 phys)
{
	struct vtd_kdump_wins *ws = ctx;
	u64 base = ALIGN_DOWN(phys, VTD_KDUMP_WIN_SIZE);
	struct vtd_kdump_win *w;
	unsigned int i;

	for (i = 0; i < VTD_KDUMP_WINS; i++) {
		w = &ws->w[i];
		if (w->va && phys - w->base < w->size) {
			w->refs++;
			w->stamp = ++ws->clock;
			return w->va + (phys - w->base);
		}
	}
	w = vtd_kdump_win_victim(ws);
	if (!w || !vtd_kdump_memmap ||
	    vtd_kdump_classify(vtd_kdump_memmap, base, VTD_KDUMP_WIN_SIZE) !=
	    VTD_KDUMP_MEM_OLD_RAM)
		return memremap(phys, VTD_PAGE_SIZE, MEMREMAP_WB);
	if (w->va)
		memunmap(w->va);
	w->va = memremap(base, VTD_KDUMP_WIN_SIZE, MEMREMAP_WB);
	if (!w->va)
		return memremap(phys, VTD_PAGE_SIZE, MEMREMAP_WB);
	w->base = base;
	w->size = VTD_KDUMP_WIN_SIZE;
	w->refs = 1;
	w->stamp = ++ws->clock;
	return w->va + (phys - base);
}

static void vtd_kdump_unmap_old(void *ctx, const void *va)
{
	struct vtd_kdump_wins *ws = ctx;
	unsigned int i;

	for (i = 0; i < VTD_KDUMP_WINS; i++) {
		struct vtd_kdump_win *w = &ws->w[i];

		if (w->va && va >= w->va && va < w->va + w->size) {
			w->refs--;
			return;
		}
	}
	memunmap((void *)va);
}

static const struct vtd_kdump_ops vtd_kdump_memremap_ops = {
	.map = vtd_kdump_map_old,
	.unmap = vtd_kdump_unmap_old,
};

/* The DMAR table's host address width; 0 until dmar.c reports it */
static unsigned int vtd_kdump_dmar_haw __ro_after_init;

/**
 * intel_iommu_kdump_set_haw() - record the platform's host address width
 * @haw: the DMAR table's Host Address Width field plus one, in bits
 *
 * Called by parse_dmar_table().  Entries may hold addresses up to this
 * width; with MKTME or TDX it is wider than the CPU's physical-address
 * width, and the bits in between select a KeyID.
 */
void __init intel_iommu_kdump_set_haw(unsigned int haw)
{
	vtd_kdump_dmar_haw = haw;
}

/**
 * vtd_kdump_hw_init() - the capabilities of @iommu that bound valid entries
 * @hw: filled in
 * @iommu: the IOMMU
 */
void vtd_kdump_hw_init(struct vtd_kdump_hw *hw, struct intel_iommu *iommu)
{
	u64 cap = iommu->cap, ecap = iommu->ecap;

	hw->scalable = sm_supported(iommu);
	hw->sagaw = cap_sagaw(cap);
	hw->sllps = cap_super_page_val(cap);
	hw->fl1gp = cap_fl1gp_support(cap);
	hw->fl5lp = cap_fl5lp_support(cap);
	hw->pass_through = ecap_pass_through(ecap);
	hw->dev_iotlb = ecap_dev_iotlb_support(ecap);
	hw->flts = ecap_flts(ecap);
	hw->slts = ecap_slts(ecap);
	hw->prs = ecap_prs(ecap);
	hw->rps = ecap_rps(ecap);
	/* without the DMAR table's width, that of the CPU: no KeyIDs seen */
	hw->haw = vtd_kdump_dmar_haw ?: boot_cpu_data.x86_phys_bits;
	hw->phys_bits = boot_cpu_data.x86_phys_bits;
	hw->ndoms = cap_ndoms(cap);
	hw->pasid_bits = pasid_supported(iommu) ? ecap_pss(ecap) + 1 : 0;
}

/**
 * vtd_kdump_visited_alloc() - allocate a visited set for walks of @budget
 * @vis: the set
 * @budget: table pages one walk may read
 *
 * Return: 0, or -ENOMEM; free with vtd_kdump_visited_free().
 */
int vtd_kdump_visited_alloc(struct vtd_kdump_visited *vis, unsigned long budget)
{
	vis->order = order_base_2(budget * 2);
	vis->gen = 0;
	vis->slots = kvcalloc(1UL << vis->order, sizeof(*vis->slots), GFP_KERNEL);
	vis->gens = kvcalloc(1UL << vis->order, sizeof(*vis->gens), GFP_KERNEL);
	if (!vis->slots || !vis->gens) {
		vtd_kdump_visited_free(vis);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vtd_kdump_visited_free() - free what vtd_kdump_visited_alloc() allocated
 * @vis: the set
 */
void vtd_kdump_visited_free(struct vtd_kdump_visited *vis)
{
	kvfree(vis->slots);
	kvfree(vis->gens);
	vis->slots = NULL;
	vis->gens = NULL;
}

/**
 * vtd_kdump_walker_init() - set up a walker over old memory for @iommu
 * @w: the walker to fill in
 * @iommu: the IOMMU whose capabilities bound the entries
 * @hw: storage for the capabilities
 * @vis: storage for the visited set, allocated here
 *
 * Return: 0, or -ENOMEM; release with vtd_kdump_walker_release().
 */
int vtd_kdump_walker_init(struct vtd_kdump_walker *w, struct intel_iommu *iommu,
			  struct vtd_kdump_hw *hw, struct vtd_kdump_visited *vis)
{
	unsigned long budget = clamp(vtd_kdump_walk_budget, 16UL, 1UL << 24);
	struct vtd_kdump_wins *ws;

	vtd_kdump_hw_init(hw, iommu);
	ws = kzalloc_obj(*ws, GFP_KERNEL);
	if (!ws)
		return -ENOMEM;
	if (vtd_kdump_visited_alloc(vis, budget)) {
		kfree(ws);
		return -ENOMEM;
	}

	w->ops = &vtd_kdump_memremap_ops;
	w->ops_ctx = ws;
	w->hw = hw;
	w->mem = vtd_kdump_memmap;
	w->visited = vis;
	w->budget = budget;
	return 0;
}

/**
 * vtd_kdump_walker_release() - free what vtd_kdump_walker_init() allocated
 * @w: the walker
 */
void vtd_kdump_walker_release(struct vtd_kdump_walker *w)
{
	struct vtd_kdump_wins *ws = w->ops_ctx;
	unsigned int i;

	for (i = 0; ws && i < VTD_KDUMP_WINS; i++)
		if (ws->w[i].va)
			memunmap(ws->w[i].va);
	kfree(ws);
	w->ops_ctx = NULL;
	vtd_kdump_visited_free(w->visited);
}

/* A table page one of the walks read, and whose walk it was */
struct vtd_kdump_tpage {
	u64 phys;
	int dev;			/* bus << 8 | devfn, or -1: root, context */
	u8 kind;			/* enum vtd_kdump_table */
	u8 level;
};

/* Boot-time state of one adoption */
struct vtd_kdump_copy {
	struct intel_iommu *iommu;
	struct intel_iommu_kdump *kd;
	struct vtd_kdump_walker w;
	struct vtd_kdump_hw hw;
	struct vtd_kdump_visited vis;
	struct vtd_kdump_runs runs;
	struct vtd_kdump_maps maps;	/* of the device being walked */
	u64 blocking_refusals;		/* of the device being walked */
	u64 total_pages;		/* table pages read over all devices */
	int walking;			/* bus << 8 | devfn being walked, or -1 */
	/* every table page read on this IOMMU, in read order */
	struct vtd_kdump_tpage *tpages;
	unsigned int nr_tpages;
	unsigned int max_tpages;
	bool tpages_lost;		/* a page read is not in @tpages */
	/* context tables refused whole: bus << 8 | first devfn */
	u16 refused[VTD_ROOT_ENTRIES * 2];
	unsigned int nr_refused;
	/* new context tables: [bus * 2] lower (or only), [bus * 2 + 1] upper */
	u64 *tables[VTD_ROOT_ENTRIES * 2];
	unsigned int logged;
};

/**
 * intel_iommu_kdump_dev() - adoption state of an old context entry
 * @iommu: the IOMMU
 * @bus: PCI bus number
 * @devfn: PCI device and function
 *
 * Return: the state, or NULL if the crashed kernel had no entry there or
 * nothing was adopted on this IOMMU.
 */
struct vtd_kdump_dev_state *intel_iommu_kdump_dev(struct intel_iommu *iommu,
						  u8 bus, u8 devfn)
{
	if (!iommu->kdump)
		return NULL;
	return xa_load(&iommu->kdump->devs, (unsigned long)bus << 8 | devfn);
}

/**
 * intel_iommu_kdump_dev_of() - adoption state of @dev's old context entry
 * @dev: a device behind a VT-d IOMMU
 *
 * Return: the state, or NULL (see intel_iommu_kdump_dev()).
 */
struct vtd_kdump_dev_state *intel_iommu_kdump_dev_of(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);

	if (!info || !info->iommu)
		return NULL;
	return intel_iommu_kdump_dev(info->iommu, info->bus, info->devfn);
}

/* Where the context entry of @devfn lives in the new tables */
static u64 *vtd_kdump_new_entry(struct vtd_kdump_copy *c, u8 bus, u8 devfn)
{
	bool sm = c->hw.scalable;
	unsigned int slot = bus * 2 + (sm && devfn >= VTD_SM_CONTEXT_ENTRIES);
	unsigned int words = sm ? 4 : 2;
	unsigned int idx = sm ? devfn % VTD_SM_CONTEXT_ENTRIES : devfn;

	if (!c->tables[slot]) {
		c->tables[slot] = intel_iommu_kdump_alloc_page(c->iommu->node);
		if (!c->tables[slot])
			return NULL;
		c->kd->boot_pages++;
	}
	return c->tables[slot] + idx * words;
}

/*
 * A blocking entry: present, fault processing disabled, and translating
 * through an empty page table, so the device's DMA is refused without a
 * fault record for every request.  In scalable mode the FPD of the context
 * entry covers only faults up to the PASID directory (VT-d spec 7.1.3: the
 * FPD of the entry that was read last before the fault decides), so the
 * blocking context points to a PASID directory and table of its own whose
 * PASID 0 entry (RID_PASID 0) is present, has FPD set and translates
 * through the empty table: every request ends in a page-table fault that
 * is not recorded.  The blocking entries share one domain id of their own
 * (vtd_kdump_block_did()), as they share one translation structure.
 */
static void vtd_kdump_make_blocking(struct vtd_kdump_copy *c, u64 *ce)
{
	struct intel_iommu_kdump *kd = c->kd;

	if (c->hw.scalable) {
		ce[0] = VTD_SMCE_LO_P | VTD_SMCE_LO_FPD |
			virt_to_phys(kd->block_pasid_dir);
		ce[1] = 0;
		ce[2] = 0;
		ce[3] = 0;
		return;
	}
	ce[0] = VTD_CE_LO_P | VTD_CE_LO_FPD |
		FIELD_PREP(VTD_CE_LO_TT, VTD_CE_TT_MULTI_LEVEL) |
		virt_to_phys(kd->block_table);
	ce[1] = FIELD_PREP(VTD_CE_HI_AW, c->iommu->agaw) |
		FIELD_PREP(VTD_CE_HI_DID, kd->block_did);
}

/* The PASID directory and table behind the scalable-mode blocking entries */
static void vtd_kdump_make_block_pasid(struct vtd_kdump_copy *c)
{
	struct intel_iommu_kdump *kd = c->kd;
	u64 *pde = kd->block_pasid_dir, *pe = kd->block_pasid_table;
	u64 table = virt_to_phys(kd->block_table);

	pde[0] = VTD_PDE_P | VTD_PDE_FPD | virt_to_phys(pe);
	pe[1] = FIELD_PREP(VTD_PE1_DID, kd->block_did);
	/* snooped walks where the unit can (ECAP.SMPWC), as upstream sets it */
	if (ecap_smpwc(c->iommu->ecap))
		pe[1] |= VTD_PE1_PWSNP;
	if (ecap_slts(c->iommu->ecap)) {
		pe[0] = VTD_PE0_P | VTD_PE0_FPD |
			FIELD_PREP(VTD_PE0_AW, c->iommu->agaw) |
			FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_SL_ONLY) | table;
	} else {
		pe[2] = FIELD_PREP(VTD_PE2_FLPM, VTD_FLPM_4LEVEL) | table;
		pe[0] = VTD_PE0_P | VTD_PE0_FPD |
			FIELD_PREP(VTD_PE0_AW, c->iommu->agaw) |
			FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_FL_ONLY);
	}
	__iommu_flush_cache(c->iommu, pe, VTD_PAGE_SIZE);
	__iommu_flush_cache(c->iommu, pde, VTD_PAGE_SIZE);
}

/*
 * Scalable mode: an adopted device gets a PASID directory and table of its
 * own that hold only the RID_PASID entry the walker validated, so the
 * hardware cannot reach an old PASID entry nobody checked.  Requests with
 * another PASID then find no directory entry and are refused.  Return: 0,
 * or -E2BIG when RID_PASID lies beyond a one-page directory (the device
 * is then blocked until a driver attaches it), or -ENOMEM.
 */
static int vtd_kdump_own_pasid_dir(struct vtd_kdump_copy *c,
				   struct vtd_kdump_ctx *ctx, u64 *raw)
{
	unsigned int dir_idx = ctx->rid_pasid >> VTD_PASID_TABLE_SHIFT;
	unsigned int pe_idx = ctx->rid_pasid & (VTD_PASID_TABLE_ENTRIES - 1);
	u64 *dir, *table;

	if (dir_idx >= BIT(VTD_PASID_DIR_SHIFT))
		return -E2BIG;
	dir = intel_iommu_kdump_alloc_page(c->iommu->node);
	table = intel_iommu_kdump_alloc_page(c->iommu->node);
	if (!dir || !table) {
		intel_iommu_kdump_free_page(dir);
		intel_iommu_kdump_free_page(table);
		return -ENOMEM;
	}
	c->kd->boot_pages += 2;
	memcpy(table + pe_idx * VTD_PE_QWORDS, ctx->pasid_entry,
	       sizeof(ctx->pasid_entry));
	dir[dir_idx] = VTD_PDE_P | virt_to_phys(table);
	__iommu_flush_cache(c->iommu, table, VTD_PAGE_SIZE);
	__iommu_flush_cache(c->iommu, dir, VTD_PAGE_SIZE);
	raw[0] = (raw[0] & ~(VTD_SMCE_LO_PASIDDIRPTR | VTD_SMCE_LO_PDTS)) |
		 virt_to_phys(dir);
	return 0;
}

static int vtd_kdump_install(struct vtd_kdump_copy *c, u8 bus, u8 devfn,
			     const u64 *raw)
{
	u64 *ce = vtd_kdump_new_entry(c, bus, devfn);

	if (!ce)
		return -ENOMEM;
	if (raw)
		memcpy(ce, raw, (c->hw.scalable ? 4 : 2) * sizeof(u64));
	else
		vtd_kdump_make_blocking(c, ce);
	set_context_copied(c->iommu, bus, devfn);
	return 0;
}

/*
 * An adopted context entry.  In scalable mode a device whose RID_PASID
 * entry translates gets a PASID directory of its own; one whose RID_PASID
 * entry is absent (its DMA was refused already) gets the blocking entry,
 * which refuses it without recording faults.
 */
/* A blocking entry for @st's device; the core must give it a DMA domain */
static int vtd_kdump_install_blocking(struct vtd_kdump_copy *c,
				      struct vtd_kdump_dev_state *st)
{
	st->blocked = true;
	return vtd_kdump_install(c, st->walk.bus, st->walk.devfn, NULL);
}

static int vtd_kdump_install_adopted(struct vtd_kdump_copy *c,
				     struct vtd_kdump_dev_state *st)
{
	struct vtd_kdump_dev *dev = &st->walk;
	u64 raw[VTD_SMCE_QWORDS];
	int ret;

	if (!c->hw.scalable)
		return vtd_kdump_install(c, dev->bus, dev->devfn, dev->ctx.raw);
	/* no RID_PASID entry: its DMA was refused before the crash already */
	if (dev->ctx.format == VTD_KDUMP_FMT_NONE)
		return vtd_kdump_install_blocking(c, st);
	/* the context table first: once the directory exists, nothing fails */
	if (!vtd_kdump_new_entry(c, dev->bus, dev->devfn))
		return -ENOMEM;
	memcpy(raw, dev->ctx.raw, sizeof(raw));
	ret = vtd_kdump_own_pasid_dir(c, &dev->ctx, raw);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		/* never keep an old PASID directory nobody checked */
		pr_warn_ratelimited("%s: kdump: %04x:%02x:%02x.%d: RID_PASID %#x beyond one directory page: quarantined until a driver attaches it\n",
				    c->iommu->name, c->iommu->segment, dev->bus,
				    PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn),
				    dev->ctx.rid_pasid);
		st->verdict = VTD_KDUMP_PARTIAL;
		return vtd_kdump_install_blocking(c, st);
	}
	return vtd_kdump_install(c, dev->bus, dev->devfn, raw);
}

static void vtd_kdump_log_dev(struct vtd_kdump_copy *c,
			      const struct vtd_kdump_dev_state *st)
{
	const struct vtd_kdump_dev *d = &st->walk;

	if ((st->verdict == VTD_KDUMP_ADOPTED && !d->rejected_leaves) ||
	    c->logged++ >= VTD_KDUMP_LOG_DEVS)
		return;
	if (st->verdict == VTD_KDUMP_ADOPTED)
		pr_info("%s: kdump: %04x:%02x:%02x.%d: adopted, %llu leaf entries that cannot reach kdump memory left out\n",
			c->iommu->name, c->iommu->segment, d->bus,
			PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
			d->rejected_leaves);
	else if (st->verdict == VTD_KDUMP_PARTIAL)
		pr_warn("%s: kdump: %04x:%02x:%02x.%d: quarantined until a driver attaches it: %llu leaf entries refused, %llu may reach kdump memory, %llu map IOMMU table pages, %#llx bytes of mappings not recorded\n",
			c->iommu->name, c->iommu->segment, d->bus,
			PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
			d->rejected_leaves, st->blocking_refusals,
			st->table_hits, st->maps_lost);
	else
		pr_warn("%s: kdump: %04x:%02x:%02x.%d: quarantined: %s\n",
			c->iommu->name, c->iommu->segment, d->bus,
			PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
			vtd_kdump_reason_str(d->reason));
}

/**
 * vtd_kdump_refusal_blocks() - does a refused leaf cost the device its DMA?
 * @why: why the walker refused the leaf
 *
 * Until a driver attaches it, an adopted device translates through the old
 * tables in place, refused leaves included.  A leaf that maps memory of the
 * kdump kernel, or one whose target the walker did not check, would let
 * stale DMA reach that memory: the device is blocked until its driver
 * attaches it (%VTD_KDUMP_PARTIAL).  A leaf with reserved bits, or a
 * first-level leaf that denies user-mode access (which DMA without PASID
 * is), makes the hardware fault instead of translating, and a leaf that
 * maps neither kernel's RAM (an RMRR, stolen memory, MMIO, a peer BAR)
 * cannot reach the kdump kernel's memory: those leaves are only left out
 * of the replay, and the device keeps its old context, as a plain copy
 * keeps it.
 *
 * Return: true if the device must be blocked.
 */
static bool vtd_kdump_refusal_blocks(enum vtd_kdump_reason why)
{
	switch (why) {
	case VTD_KDUMP_LEAF_RSVD:
	case VTD_KDUMP_LEAF_PRIV:
	case VTD_KDUMP_LEAF_NOT_RAM:
		return false;
	default:
		return true;
	}
}

static int vtd_kdump_leaf_range(void *arg, u64 iova, u64 phys, u64 size,
				unsigned int prot)
{
	struct vtd_kdump_copy *c = arg;

	vtd_kdump_runs_add(&c->runs, iova, size);
	vtd_kdump_maps_add(&c->maps, iova, phys, size, prot);
	return 0;
}

/*
 * &vtd_kdump_walker.table: remember every table page read on the IOMMU.
 * The array grows by doubling; once a growth fails the list is incomplete
 * for good (@tpages_lost), and vtd_kdump_check_table_leaves() does not
 * trust it.
 */
static void vtd_kdump_table_read(void *arg, u64 phys, enum vtd_kdump_table kind,
				 unsigned int level)
{
	struct vtd_kdump_copy *c = arg;
	struct vtd_kdump_tpage *t = NULL;

	if (c->tpages_lost)
		return;
	if (c->nr_tpages >= c->max_tpages) {
		unsigned int max = c->max_tpages ? 2 * c->max_tpages : 1024;

		if (max > c->max_tpages)
			t = kvmalloc_array(max, sizeof(*t), GFP_KERNEL);
		if (!t) {
			c->tpages_lost = true;
			return;
		}
		if (c->nr_tpages)
			memcpy(t, c->tpages, c->nr_tpages * sizeof(*t));
		kvfree(c->tpages);
		c->tpages = t;
		c->max_tpages = max;
	}
	c->tpages[c->nr_tpages++] = (struct vtd_kdump_tpage){
		.phys = phys, .dev = c->walking, .kind = kind, .level = level,
	};
}

/* Refused leaves are reserved as well: the device may still use them */
static void vtd_kdump_reject_range(void *arg, u64 iova, u64 size,
				   enum vtd_kdump_reason why)
{
	struct vtd_kdump_copy *c = arg;

	vtd_kdump_runs_add(&c->runs, iova, size);
	if (vtd_kdump_refusal_blocks(why))
		c->blocking_refusals++;
}

static struct vtd_kdump_dev_state *
vtd_kdump_record(struct vtd_kdump_copy *c, const struct vtd_kdump_dev *dev)
{
	struct vtd_kdump_dev_state *st;
	unsigned long idx = (unsigned long)dev->bus << 8 | dev->devfn;

	st = kzalloc_obj(*st, GFP_KERNEL);
	if (!st)
		return NULL;
	st->walk = *dev;
	if (c->runs.nr) {
		st->ranges = kvmemdup(c->runs.r,
				      c->runs.nr * sizeof(*st->ranges),
				      GFP_KERNEL);
		if (!st->ranges)
			goto err;
		st->nr_ranges = c->runs.nr;
	}
	if (c->maps.nr) {
		st->maps = kvmemdup(c->maps.m, c->maps.nr * sizeof(*st->maps),
				    GFP_KERNEL);
		if (!st->maps)
			goto err;
		st->nr_maps = c->maps.nr;
	}
	st->maps_lost = c->maps.lost;
	if (xa_err(xa_store(&c->kd->devs, idx, st, GFP_KERNEL)))
		goto err;
	return st;
err:
	kvfree(st->maps);
	kvfree(st->ranges);
	kfree(st);
	return NULL;
}

/*
 * Blocked until a driver attaches it: a leaf that may reach kdump memory,
 * one that maps an IOMMU table page, or mappings the record could not hold
 * (their targets were not checked against the table pages).
 */
static enum vtd_kdump_verdict vtd_kdump_judge(const struct vtd_kdump_dev_state *st)
{
	if (st->walk.reason != VTD_KDUMP_OK)
		return VTD_KDUMP_QUARANTINED;
	if (st->blocking_refusals || st->table_hits || st->maps_lost)
		return VTD_KDUMP_PARTIAL;
	return VTD_KDUMP_ADOPTED;
}

/* A context table the walker refused: its devices are blocked at install */
static int vtd_kdump_refuse_table(struct vtd_kdump_copy *c,
				  const struct vtd_kdump_dev *dev)
{
	unsigned int n = c->hw.scalable ? VTD_SM_CONTEXT_ENTRIES :
					  VTD_CONTEXT_ENTRIES;

	pr_warn("%s: kdump: %04x:%02x devfn %02x-%02x: context table refused: %s\n",
		c->iommu->name, c->iommu->segment, dev->bus, dev->devfn,
		dev->devfn + n - 1, vtd_kdump_reason_str(dev->reason));
	if (c->nr_refused == ARRAY_SIZE(c->refused))
		return -EINVAL;		/* the walker reads each table once */
	c->refused[c->nr_refused++] = (u16)dev->bus << 8 | dev->devfn;
	c->kd->quarantined++;
	c->kd->rejected++;
	return 0;
}

/*
 * Called by the walker for every present old context entry: walk the
 * device's tables and record what they hold.  Nothing is installed yet:
 * a leaf of this device may map a table page that a later walk reads.
 */
static int vtd_kdump_walk_one(void *arg, struct vtd_kdump_dev *dev)
{
	struct vtd_kdump_visitor v = {
		.leaf = vtd_kdump_leaf_range,
		.reject = vtd_kdump_reject_range,
	};
	struct vtd_kdump_copy *c = arg;
	struct vtd_kdump_dev_state *st;

	if (dev->table_refused)
		return vtd_kdump_refuse_table(c, dev);

	c->runs.nr = 0;
	c->runs.overflow = false;
	c->maps.nr = 0;
	c->maps.lost = 0;
	c->blocking_refusals = 0;
	v.arg = c;
	/* crafted tables may repeat one tree behind every devfn: bound it */
	if (dev->reason == VTD_KDUMP_OK &&
	    c->total_pages >= c->w.budget * VTD_KDUMP_TOTAL_BUDGETS)
		dev->reason = VTD_KDUMP_BUDGET;
	if (dev->reason == VTD_KDUMP_OK) {
		c->walking = (int)dev->bus << 8 | dev->devfn;
		vtd_kdump_walk_dev(&c->w, dev, &v);
		c->walking = -1;
	}
	c->total_pages += dev->table_pages;

	st = vtd_kdump_record(c, dev);
	if (!st)
		return -ENOMEM;
	st->blocking_refusals = c->blocking_refusals;

	c->kd->leaves += dev->leaves;
	c->kd->rejected += dev->rejected_leaves;
	c->kd->ranges += st->nr_ranges;
	if (c->runs.overflow)
		pr_warn_once("%s: kdump: more than %u IOVA runs for one device, merged\n",
			     c->iommu->name, VTD_KDUMP_MAX_RANGES);
	return 0;
}

static const char * const vtd_kdump_table_names[VTD_KDUMP_NR_TABLES] = {
	[VTD_KDUMP_TABLE_ROOT] = "the root table",
	[VTD_KDUMP_TABLE_CONTEXT] = "a context table",
	[VTD_KDUMP_TABLE_PASID_DIR] = "a PASID directory",
	[VTD_KDUMP_TABLE_PASID] = "a PASID table",
	[VTD_KDUMP_TABLE_PAGE] = "a page table",
};

/* Name the first table page that @m of @st maps, in the log */
static void vtd_kdump_log_table_hit(struct vtd_kdump_copy *c,
				    const struct vtd_kdump_dev_state *st,
				    const struct vtd_kdump_map *m, u64 keyid)
{
	u64 start = m->phys & ~keyid, end = start + m->size - 1;
	const struct vtd_kdump_tpage *t = NULL;
	unsigned int i;

	for (i = 0; i < c->nr_tpages && !t; i++)
		if (c->tpages[i].phys <= end &&
		    c->tpages[i].phys + VTD_PAGE_SIZE - 1 >= start)
			t = &c->tpages[i];
	if (!t)
		return;
	/* one line a device: how many there are is in its quarantine line */
	if (t->dev < 0)
		pr_warn_ratelimited("%s: kdump: %04x:%02x:%02x.%d: IOVA %#llx maps %s at %#llx: not kept\n",
				    c->iommu->name, c->iommu->segment,
				    st->walk.bus, PCI_SLOT(st->walk.devfn),
				    PCI_FUNC(st->walk.devfn),
				    m->iova + (t->phys - start),
				    vtd_kdump_table_names[t->kind], t->phys);
	else
		pr_warn_ratelimited("%s: kdump: %04x:%02x:%02x.%d: IOVA %#llx maps %s (level %u) of %02x:%02x.%d at %#llx: not kept\n",
				    c->iommu->name, c->iommu->segment,
				    st->walk.bus, PCI_SLOT(st->walk.devfn),
				    PCI_FUNC(st->walk.devfn),
				    m->iova + (t->phys - start),
				    vtd_kdump_table_names[t->kind], t->level,
				    t->dev >> 8, PCI_SLOT(t->dev & 0xff),
				    PCI_FUNC(t->dev & 0xff), t->phys);
}

/*
 * The pieces of @m that map no page of @pages (sorted, distinct), into
 * @out (room for one more piece than @m maps table pages); *@hits counts
 * the table pages @m maps.  Return: the number of pieces.
 */
static unsigned int vtd_kdump_map_split(const struct vtd_kdump_map *m,
					const u64 *pages, unsigned int n,
					u64 keyid, struct vtd_kdump_map *out,
					u64 *hits)
{
	u64 start = m->phys & ~keyid, end = start + m->size - 1, pos = start;
	unsigned int i, nr = 0;

	for (i = vtd_kdump_pages_find(pages, n, start);
	     i < n && pages[i] <= end; i++) {
		if (pages[i] > pos && out)
			out[nr] = (struct vtd_kdump_map){
				.iova = m->iova + (pos - start),
				.phys = m->phys + (pos - start),
				.size = pages[i] - pos, .prot = m->prot,
			};
		if (pages[i] > pos)
			nr++;
		pos = pages[i] + VTD_PAGE_SIZE;
		(*hits)++;
	}
	if (pos <= end && out)
		out[nr] = (struct vtd_kdump_map){
			.iova = m->iova + (pos - start),
			.phys = m->phys + (pos - start),
			.size = end - pos + 1, .prot = m->prot,
		};
	if (pos <= end)
		nr++;
	return nr;
}

/*
 * Take the table pages @pages (sorted, distinct) out of @st's maps.
 * Return: 0, or -ENOMEM.
 */
static int vtd_kdump_cut_table_pages(struct vtd_kdump_copy *c,
				     struct vtd_kdump_dev_state *st,
				     const u64 *pages, unsigned int n, u64 keyid)
{
	struct vtd_kdump_map *out;
	u64 hits = 0, unused = 0;
	unsigned int i, nr = 0, first = st->nr_maps;

	for (i = 0; i < st->nr_maps; i++) {
		u64 before = hits;

		nr += vtd_kdump_map_split(&st->maps[i], pages, n, keyid, NULL,
					  &hits);
		if (hits != before && first == st->nr_maps)
			first = i;
	}
	if (!hits)
		return 0;
	out = kvmalloc_array(max(nr, 1U), sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	for (i = 0, nr = 0; i < st->nr_maps; i++)
		nr += vtd_kdump_map_split(&st->maps[i], pages, n, keyid,
					  out + nr, &unused);
	vtd_kdump_log_table_hit(c, st, &st->maps[first], keyid);
	kvfree(st->maps);
	st->maps = out;
	st->nr_maps = nr;
	st->table_hits = hits;
	c->kd->rejected += hits;
	return 0;
}

/*
 * Leaves that map an IOMMU table page.  The adopted devices go on
 * translating through their old tables in place, so a leaf that maps one
 * of the pages any walk on this IOMMU read (the root, a context or PASID
 * table, a page table of this or another device) would let stale DMA
 * rewrite tables after they were validated.  A driver of the crashed
 * kernel never asks for such a mapping; the one place it gets one anyway
 * is an identity map of RAM (the floppy workaround's 0-16 MiB, an RMRR
 * over RAM), and the tables lying there are then open to the device just
 * the same.  Either way the device is blocked until its driver attaches
 * it, and the table pages are cut out of its maps: they are never
 * replayed.  O(pages log pages + maps log pages).
 *
 * Return: 0, or -ENOMEM when not every table page could be remembered.
 */
static int vtd_kdump_check_table_leaves(struct vtd_kdump_copy *c)
{
	u64 keyid = vtd_kdump_keyid_bits(&c->hw);
	struct vtd_kdump_dev_state *st;
	unsigned long idx;
	unsigned int i, n;
	u64 *pages;
	int ret = 0;

	if (c->tpages_lost)
		return -ENOMEM;
	pages = kvmalloc_array(max(c->nr_tpages, 1U), sizeof(*pages),
			       GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < c->nr_tpages; i++)
		pages[i] = c->tpages[i].phys;
	n = vtd_kdump_pages_sort(pages, c->nr_tpages);

	xa_for_each(&c->kd->devs, idx, st) {
		ret = vtd_kdump_cut_table_pages(c, st, pages, n, keyid);
		if (ret)
			break;
	}
	kvfree(pages);
	return ret;
}

/* Install what each device's record earned it, then the refused tables */
static int vtd_kdump_install_all(struct vtd_kdump_copy *c)
{
	struct vtd_kdump_dev_state *st;
	unsigned int i, j, n;
	unsigned long idx;
	int ret;

	xa_for_each(&c->kd->devs, idx, st) {
		st->verdict = vtd_kdump_judge(st);
		if (st->verdict == VTD_KDUMP_ADOPTED) {
			/* keep the old domain id out of the new allocator */
			intel_iommu_kdump_reserve_did(c->iommu, st->walk.ctx.did);
			ret = vtd_kdump_install_adopted(c, st);
		} else {
			ret = vtd_kdump_install_blocking(c, st);
		}
		if (ret)
			return ret;
		/* install_adopted() may have blocked it after all */
		switch (st->verdict) {
		case VTD_KDUMP_ADOPTED:
			c->kd->adopted++;
			break;
		case VTD_KDUMP_PARTIAL:
			c->kd->partial++;
			break;
		default:
			c->kd->quarantined++;
			c->kd->rejected++;
			break;
		}
		vtd_kdump_log_dev(c, st);
	}
	n = c->hw.scalable ? VTD_SM_CONTEXT_ENTRIES : VTD_CONTEXT_ENTRIES;
	c->kd->refused_span = n;
	if (c->nr_refused) {
		c->kd->refused = kmemdup_array(c->refused, c->nr_refused,
					       sizeof(*c->refused), GFP_KERNEL);
		if (!c->kd->refused)
			return -ENOMEM;
		c->kd->nr_refused = c->nr_refused;
	}
	for (i = 0; i < c->nr_refused; i++)
		for (j = 0; j < n; j++) {
			ret = vtd_kdump_install(c, c->refused[i] >> 8,
						(c->refused[i] & 0xff) + j,
						NULL);
			if (ret)
				return ret;
		}
	return 0;
}

/* Give the legacy blocking entries of @table their domain id */
static void vtd_kdump_set_block_did(struct vtd_kdump_copy *c, u64 *table)
{
	u64 block = virt_to_phys(c->kd->block_table);
	unsigned int i;
	u64 *ce;

	for (i = 0; i < VTD_CONTEXT_ENTRIES; i++) {
		ce = table + i * 2;
		if ((ce[0] & VTD_CE_LO_P) &&
		    (ce[0] & VTD_CE_LO_SLPTPTR) == block &&
		    (ce[0] & VTD_CE_LO_FPD))
			ce[1] = (ce[1] & ~VTD_CE_HI_DID) |
				FIELD_PREP(VTD_CE_HI_DID, c->kd->block_did);
	}
}

/* Give the blocking entries the domain id @did */
static void vtd_kdump_use_block_did(struct vtd_kdump_copy *c, u16 did)
{
	unsigned int i;

	c->kd->block_did = did;
	if (c->hw.scalable) {
		vtd_kdump_make_block_pasid(c);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(c->tables); i++)
		if (c->tables[i])
			vtd_kdump_set_block_did(c, c->tables[i]);
}

/*
 * Now that every old domain id is reserved, give the blocking entries one
 * that no old entry uses and no new domain will get.  Return: 0, or
 * -ENOSPC when every domain id is taken.
 */
static int vtd_kdump_finish_blocking(struct vtd_kdump_copy *c)
{
	int did = intel_iommu_kdump_alloc_did(c->iommu);

	if (did < 0) {
		pr_err("%s: kdump: no domain id left for blocking entries\n",
		       c->iommu->name);
		return -ENOSPC;
	}
	vtd_kdump_use_block_did(c, did);
	return 0;
}

/* Point the new root table at the new context tables */
static void vtd_kdump_publish(struct vtd_kdump_copy *c)
{
	struct intel_iommu *iommu = c->iommu;
	unsigned int bus;

	spin_lock(&iommu->lock);
	for (bus = 0; bus < VTD_ROOT_ENTRIES; bus++) {
		u64 *lo = c->tables[bus * 2], *hi = c->tables[bus * 2 + 1];

		if (lo) {
			__iommu_flush_cache(iommu, lo, VTD_PAGE_SIZE);
			iommu->root_entry[bus].lo = virt_to_phys(lo) | VTD_RE_P;
		}
		if (hi) {
			__iommu_flush_cache(iommu, hi, VTD_PAGE_SIZE);
			iommu->root_entry[bus].hi = virt_to_phys(hi) | VTD_RE_P;
		}
	}
	spin_unlock(&iommu->lock);
	__iommu_flush_cache(iommu, iommu->root_entry, VTD_PAGE_SIZE);
}

static void vtd_kdump_free_state(struct intel_iommu_kdump *kd)
{
	struct vtd_kdump_dev_state *st;
	unsigned long idx;

	xa_for_each(&kd->devs, idx, st) {
		kvfree(st->maps);
		kvfree(st->ranges);
		kfree(st);
	}
	xa_destroy(&kd->devs);
	kfree(kd->refused);
	intel_iommu_kdump_free_page(kd->block_table);
	intel_iommu_kdump_free_page(kd->block_pasid_dir);
	intel_iommu_kdump_free_page(kd->block_pasid_table);
	kfree(kd);
}

/* The pages behind the blocking entries: an empty table, SM: PASID 0 */
static int vtd_kdump_alloc_block_pages(struct vtd_kdump_copy *c)
{
	struct intel_iommu_kdump *kd = c->kd;
	int node = c->iommu->node;

	kd->block_table = intel_iommu_kdump_alloc_page(node);
	if (!kd->block_table)
		return -ENOMEM;
	/*
	 * The hardware may walk it without snooping: ECAP.C says so of
	 * legacy-mode walks, ECAP.SMPWC with PWSNP of scalable-mode ones
	 * (VT-d 11.4.3, 9.6): write the zeroes back either way.
	 */
	clflush_cache_range(kd->block_table, VTD_PAGE_SIZE);
	kd->boot_pages = 1;
	if (!sm_supported(c->iommu))
		return 0;
	kd->block_pasid_dir = intel_iommu_kdump_alloc_page(node);
	kd->block_pasid_table = intel_iommu_kdump_alloc_page(node);
	if (!kd->block_pasid_dir || !kd->block_pasid_table)
		return -ENOMEM;
	kd->boot_pages += 2;
	return 0;
}

static struct vtd_kdump_copy *vtd_kdump_copy_alloc(struct intel_iommu *iommu)
{
	struct vtd_kdump_copy *c;

	c = kvzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return NULL;
	c->iommu = iommu;
	c->walking = -1;
	c->runs.max = VTD_KDUMP_MAX_RANGES;
	c->runs.r = kvcalloc(c->runs.max, sizeof(*c->runs.r), GFP_KERNEL);
	c->maps.max = VTD_KDUMP_MAX_RANGES;
	c->maps.m = kvcalloc(c->maps.max, sizeof(*c->maps.m), GFP_KERNEL);
	c->kd = kzalloc_obj(*c->kd, GFP_KERNEL);
	if (c->kd)
		xa_init(&c->kd->devs);
	if (!c->runs.r || !c->maps.m || !c->kd ||
	    vtd_kdump_alloc_block_pages(c) ||
	    vtd_kdump_walker_init(&c->w, iommu, &c->hw, &c->vis)) {
		if (c->kd)
			vtd_kdump_free_state(c->kd);
		kvfree(c->maps.m);
		kvfree(c->runs.r);
		kvfree(c);
		return NULL;
	}
	c->w.table = vtd_kdump_table_read;
	c->w.table_arg = c;
	return c;
}

static void vtd_kdump_copy_free(struct vtd_kdump_copy *c, bool keep_tables)
{
	unsigned int i;

	if (!keep_tables) {
		for (i = 0; i < ARRAY_SIZE(c->tables); i++)
			if (c->tables[i])
				intel_iommu_kdump_free_page(c->tables[i]);
	}
	vtd_kdump_walker_release(&c->w);
	kvfree(c->tpages);
	kvfree(c->maps.m);
	kvfree(c->runs.r);
	kvfree(c);
}

static void vtd_kdump_summary(struct intel_iommu *iommu)
{
	struct intel_iommu_kdump *kd = iommu->kdump;

	pr_info("%s: kdump: adopted %u devices, kept %llu mappings in %llu reserved ranges, quarantined %u devices (%u partial), rejected %llu entries, allocated %llu pages, %llu us\n",
		iommu->name, kd->adopted, kd->leaves, kd->ranges,
		kd->quarantined + kd->partial, kd->partial, kd->rejected,
		kd->boot_pages, kd->walk_us);
}

/**
 * intel_iommu_kdump_adopt() - take over the tables of the crashed kernel
 * @iommu: an IOMMU found with translation enabled in a kdump kernel
 *
 * Validate the old root table and everything behind it, copy valid context
 * entries into new context tables hung off @iommu->root_entry, block the
 * devices whose entries are not valid.  Translation stays on throughout.
 *
 * Return: 0 on success.  An error means the root table itself was unusable
 * (or memory ran out) and nothing was installed: the caller falls back to
 * disabling translation, as before.
 */
int intel_iommu_kdump_adopt(struct intel_iommu *iommu)
{
	u64 rtaddr = readq(iommu->reg + DMAR_RTADDR_REG);
	struct vtd_kdump_copy *c;
	ktime_t start = ktime_get();
	int ret;

	/*
	 * The RTT bit can only be changed when translation is disabled,
	 * but disabling translation means to open a window for data
	 * corruption. So bail out and don't copy anything if we would
	 * have to change the bit.
	 */
	if (!!(rtaddr & DMA_RTADDR_SMT) != !!sm_supported(iommu)) {
		pr_err("%s: kdump: old root table format differs from ours\n",
		       iommu->name);
		return -EINVAL;
	}

	ret = vtd_kdump_memmap_init();
	if (ret)
		return ret;

	iommu->copied_tables = bitmap_zalloc(BIT_ULL(16), GFP_KERNEL);
	if (!iommu->copied_tables)
		return -ENOMEM;

	c = vtd_kdump_copy_alloc(iommu);
	if (!c)
		return -ENOMEM;

	ret = vtd_kdump_walk_root(&c->w, rtaddr & VTD_PAGE_MASK,
				  vtd_kdump_walk_one, c);
	if (!ret)
		ret = vtd_kdump_check_table_leaves(c);
	if (!ret)
		ret = vtd_kdump_install_all(c);
	if (!ret)
		ret = vtd_kdump_finish_blocking(c);
	if (ret) {
		pr_err("%s: kdump: old root table %#llx refused (%d)\n",
		       iommu->name, rtaddr & VTD_PAGE_MASK, ret);
		bitmap_zero(iommu->copied_tables, BIT_ULL(16));
		vtd_kdump_free_state(c->kd);
		vtd_kdump_copy_free(c, false);
		return ret;
	}

	vtd_kdump_publish(c);
	iommu->kdump = c->kd;
	vtd_kdump_copy_free(c, true);

	iommu->kdump->walk_us = ktime_us_delta(ktime_get(), start);
	vtd_kdump_summary(iommu);
	return 0;
}

/**
 * intel_iommu_kdump_free() - release the adoption state of @iommu
 * @iommu: the IOMMU
 */
void intel_iommu_kdump_free(struct intel_iommu *iommu)
{
	if (!iommu->kdump)
		return;
	vtd_kdump_free_state(iommu->kdump);
	iommu->kdump = NULL;
}

#ifdef CONFIG_INTEL_IOMMU_KDUMP_KUNIT_TEST
#include "kdump_copy_kunit.c"
#endif
