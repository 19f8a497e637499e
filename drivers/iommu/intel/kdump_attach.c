// SPDX-License-Identifier: GPL-2.0
/*
 * kdump: keep the crashed kernel's DMA mappings in the device's new domain.
 *
 * Until a kdump-kernel driver attaches a device, the device translates
 * through the old page tables in place.  When the iommu core has set up the
 * device's default DMA domain (probe_finalize: process context, before any
 * driver of the kdump kernel can bind the device, and before the attach
 * replaces the copied context entry in either mode), the old IOVA -> PA
 * mappings validated at boot (kdump_copy.c records them; old memory is not
 * read again, it may have changed since) are mapped again into that
 * domain, so a device whose
 * reset was incomplete still writes into the crashed kernel's buffers
 * (which the dump wants) and never into a buffer of the kdump kernel.
 *
 * The domain may already hold mappings: the core's direct mappings (RMRRs,
 * the floppy workaround's identity map) and the mappings of another device
 * of the group replayed before.  Only what is not mapped yet is mapped; an
 * IOVA already mapped to the same address is left as it is, one mapped
 * elsewhere is a conflict that is counted, logged once and left alone.  A
 * failed replay unmaps only what the replay itself mapped.
 *
 * The new domain owns every page-table page it uses; the old tables are
 * only read.  The pages the series allocates are capped by one budget for
 * all IOMMUs (they all come out of the crashkernel= reservation).
 */

#define pr_fmt(fmt)	"DMAR: " fmt

#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "iommu.h"
#include "kdump.h"

/*
 * Page-table pages the series may allocate, all IOMMUs together: 16 MiB
 * (intel_iommu=kdump_max_pages=, parsed by intel_iommu_kdump_setup())
 */
unsigned long vtd_kdump_max_pages = 4096;

/* Serialises the replays and the page budget they draw on */
static DEFINE_MUTEX(vtd_kdump_replay_lock);

/* Mapped pieces one replay remembers so that a failure can undo them */
#define VTD_KDUMP_REPLAY_PIECES	65536

static bool vtd_kdump_translated(const struct vtd_kdump_dev_state *st)
{
	return st->verdict != VTD_KDUMP_QUARANTINED &&
	       (st->walk.ctx.format == VTD_KDUMP_FMT_SECOND_LEVEL ||
		st->walk.ctx.format == VTD_KDUMP_FMT_FIRST_LEVEL);
}

/**
 * intel_iommu_kdump_blocked() - does the adoption block @bus/@devfn?
 * @iommu: the IOMMU
 * @bus: PCI bus number
 * @devfn: PCI device and function
 *
 * Return: true if the new tables hold a blocking entry for it: its old
 * context was refused (alone, or with its whole context table), or it may
 * reach kdump memory, or scalable mode left it nothing to translate with.
 */
bool intel_iommu_kdump_blocked(struct intel_iommu *iommu, u8 bus, u8 devfn)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev(iommu, bus, devfn);
	struct intel_iommu_kdump *kd = iommu->kdump;
	unsigned int i, first;

	if (st)
		return st->blocked;
	for (i = 0; kd && i < kd->nr_refused; i++) {
		first = kd->refused[i] & 0xff;
		if (kd->refused[i] >> 8 == bus && devfn >= first &&
		    devfn - first < kd->refused_span)
			return true;
	}
	return false;
}

/**
 * intel_iommu_kdump_wants_dma_domain() - must @dev get a translated domain?
 * @dev: the device
 *
 * A device whose old context translated through page tables keeps its old
 * IOVAs only in a DMA domain: an identity domain would turn them into raw
 * physical addresses of the kdump kernel.  A device the adoption blocked
 * needs one too, whatever the default domain type (iommu=pt comes to the
 * kdump kernel with the first kernel's command line): its attach waits for
 * its driver's first DMA mapping, and only a DMA domain turns that into a
 * call of the IOMMU driver; in an identity domain the blocking entry would
 * stay, and the device could never DMA again.
 */
bool intel_iommu_kdump_wants_dma_domain(struct device *dev)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);

	if (st && vtd_kdump_translated(st))
		return true;
	return info && info->iommu &&
	       intel_iommu_kdump_blocked(info->iommu, info->bus, info->devfn);
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

/* What the new domain holds at an IOVA: one leaf, or one hole */
struct vtd_kdump_slot {
	u64 start;			/* aligned to @size */
	u64 size;			/* of the leaf or of the hole */
	u64 phys;			/* what @start maps to, if @present */
	bool present;
};

/*
 * The new domain as the replay sees it.  lookup() describes the leaf or
 * hole at @iova; map() and unmap() are iommu_map() and iommu_unmap().
 */
struct vtd_kdump_replay_ops {
	void (*lookup)(void *ctx, u64 iova, struct vtd_kdump_slot *slot);
	int (*map)(void *ctx, u64 iova, u64 phys, u64 size, int prot);
	void (*unmap)(void *ctx, u64 iova, u64 size);
};

/**
 * struct vtd_kdump_replay - one device's old mappings going into a domain
 * @ops: access to the new domain
 * @ctx: passed to @ops
 * @st: the device; its validated maps, recorded at boot, are replayed
 * @pgsizes: page sizes the new domain maps with (its pgsize_bitmap)
 * @top_level: levels of the new domain's page table
 * @budget: page-table pages the replay may take at most
 * @last: last table (by IOVA prefix) counted per level
 * @tables: page-table pages the replay needs at most (exact on an empty
 *	    domain: tables that already exist are counted too)
 * @done: IOVA ranges the replay itself mapped, for an undo
 * @mapped: bytes mapped
 * @present: bytes already mapped to the same address, left as they were
 * @conflict: bytes already mapped elsewhere, left as they were
 * @first_conflict: IOVA of the first conflict
 * @beyond: bytes of maps beyond the new domain's aperture, not kept
 */
struct vtd_kdump_replay {
	const struct vtd_kdump_replay_ops *ops;
	void *ctx;
	const struct vtd_kdump_dev_state *st;
	unsigned long pgsizes;
	unsigned int top_level;
	u64 budget;
	u64 last[VTD_KDUMP_MAX_LEVELS];
	u64 tables;
	struct vtd_kdump_runs done;
	u64 mapped;
	u64 present;
	u64 conflict;
	u64 first_conflict;
	u64 beyond;
};

/*
 * Count the page-table pages below the top level that mapping [@iova,
 * @iova + @size) -> @phys needs: leaves come in IOVA order, so a table is
 * new when its IOVA prefix changes.  A leaf of the domain's page sizes
 * needs no table at its own level or below, nor does a run of smaller
 * leaves (one call may report up to 512) as big and as aligned.
 */
static void vtd_kdump_count_tables(struct vtd_kdump_replay *r, u64 iova,
				   u64 phys, u64 size)
{
	unsigned int level, shift;

	for (level = 1; level < r->top_level; level++) {
		shift = VTD_PAGE_SHIFT + VTD_STRIDE_SHIFT * level;
		if (size >= BIT_ULL(shift) && (r->pgsizes & BIT_ULL(shift)) &&
		    IS_ALIGNED(iova | phys, BIT_ULL(shift)))
			continue;
		if (r->last[level - 1] == iova >> shift)
			continue;
		r->last[level - 1] = iova >> shift;
		r->tables++;
	}
}

/* Remember [@iova, @iova + @size) as mapped by the replay */
static int vtd_kdump_replay_map(struct vtd_kdump_replay *r, u64 iova, u64 phys,
				u64 size, int prot)
{
	struct vtd_kdump_runs *done = &r->done;
	struct vtd_kdump_range *last = done->nr ? &done->r[done->nr - 1] : NULL;
	int ret;

	/* a full record would have to grow a run over a gap: refuse */
	if (done->nr == done->max && !(last && last->end + 1 == iova))
		return -E2BIG;
	ret = r->ops->map(r->ctx, iova, phys, size, prot);
	if (ret)
		return ret;
	vtd_kdump_runs_add(done, iova, size);
	r->mapped += size;
	return 0;
}

/*
 * Map the part of [@iova, @iova + @size) -> @phys that the domain does not
 * map yet, a leaf or a hole of the domain at a time.
 */
static int vtd_kdump_replay_range(struct vtd_kdump_replay *r, u64 iova,
				  u64 phys, u64 size, int prot)
{
	u64 pos = iova, end = iova + size, stop, want;
	struct vtd_kdump_slot s;
	int ret;

	while (pos < end) {
		r->ops->lookup(r->ctx, pos, &s);
		if (!s.size || pos < s.start || pos - s.start >= s.size)
			return -EINVAL;
		stop = min(end, s.start + s.size);
		want = phys + (pos - iova);
		if (!s.present) {
			ret = vtd_kdump_replay_map(r, pos, want, stop - pos, prot);
			if (ret)
				return ret;
		} else if (s.phys + (pos - s.start) == want) {
			r->present += stop - pos;
		} else {
			if (!r->conflict)
				r->first_conflict = pos;
			r->conflict += stop - pos;
		}
		pos = stop;
	}
	return 0;
}

/* Unmap what the replay mapped, and nothing else */
static void vtd_kdump_replay_undo(struct vtd_kdump_replay *r)
{
	unsigned int i;

	for (i = 0; i < r->done.nr; i++)
		r->ops->unmap(r->ctx, r->done.r[i].start,
			      r->done.r[i].end - r->done.r[i].start + 1);
	r->done.nr = 0;
}

/*
 * One leaf, or a run of leaves of one size inside one table of the new
 * domain's shape: [@iova, @iova + @size) -> @phys with @prot.
 */
static int vtd_kdump_replay_leaf(void *arg, u64 iova, u64 phys, u64 size,
				 unsigned int prot)
{
	struct vtd_kdump_replay *r = arg;
	int iommu_prot = 0;

	vtd_kdump_count_tables(r, iova, phys, size);
	if (r->tables > r->budget)
		return -ENOSPC;
	if (prot & VTD_SL_R)
		iommu_prot |= IOMMU_READ;
	if (prot & VTD_SL_W)
		iommu_prot |= IOMMU_WRITE;
	return vtd_kdump_replay_range(r, iova, phys, size, iommu_prot);
}

/*
 * The first piece of [@iova, @iova + @left) -> @phys in the shape the
 * walker reports leaves: a run of the largest leaf size both addresses are
 * aligned to, inside one table of such leaves (1 GiB leaves in a 512 GiB
 * table, 2 MiB in 1 GiB, 4 KiB in 2 MiB).  A map recorded at boot may span
 * many tables; vtd_kdump_count_tables() counts what one piece needs.
 * @iova, @phys and @left are multiples of 4 KiB.
 */
static u64 vtd_kdump_piece(u64 iova, u64 phys, u64 left)
{
	static const unsigned int shifts[] = { 30, 21, VTD_PAGE_SHIFT };
	u64 leaf = VTD_PAGE_SIZE, to_end;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		leaf = BIT_ULL(shifts[i]);
		if (!((iova | phys) & (leaf - 1)) && left >= leaf)
			break;
	}
	/* to the end of the table that holds leaves of this size */
	to_end = (iova | (leaf * VTD_KDUMP_PTES_PER_TABLE - 1)) - iova + 1;
	return min(left, to_end) & ~(leaf - 1);
}

/*
 * Replay the maps @st recorded at boot, clipped to the new domain's
 * aperture (the rest is counted in @r->beyond), in IOVA order.
 */
static int vtd_kdump_replay_maps(struct vtd_kdump_replay *r,
				 const struct vtd_kdump_dev_state *st,
				 u64 last_iova)
{
	unsigned int i;
	u64 pos, n, size;
	int ret;

	for (i = 0; i < st->nr_maps; i++) {
		const struct vtd_kdump_map *m = &st->maps[i];

		size = m->size;
		if (m->iova > last_iova) {
			r->beyond += size;
			continue;
		}
		if (size - 1 > last_iova - m->iova) {
			r->beyond += size - (last_iova - m->iova + 1);
			size = last_iova - m->iova + 1;
		}
		for (pos = 0; pos < size; pos += n) {
			n = vtd_kdump_piece(m->iova + pos, m->phys + pos,
					    size - pos);
			ret = vtd_kdump_replay_leaf(r, m->iova + pos,
						    m->phys + pos, n, m->prot);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int vtd_kdump_replay_init(struct vtd_kdump_replay *r,
				 const struct vtd_kdump_dev_state *st,
				 unsigned int top_level, unsigned long pgsizes,
				 u64 budget)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->st = st;
	r->top_level = min(top_level, VTD_KDUMP_MAX_LEVELS);
	r->pgsizes = pgsizes;
	r->budget = budget;
	for (i = 0; i < ARRAY_SIZE(r->last); i++)
		r->last[i] = U64_MAX;
	r->done.max = VTD_KDUMP_REPLAY_PIECES;
	r->done.r = kvcalloc(r->done.max, sizeof(*r->done.r), GFP_KERNEL);
	return r->done.r ? 0 : -ENOMEM;
}

static void vtd_kdump_replay_release(struct vtd_kdump_replay *r)
{
	kvfree(r->done.r);
	r->done.r = NULL;
}

/* ------------------------------------------------------------------ */
/* The new domain: an Intel DMA domain of this kernel                  */
/* ------------------------------------------------------------------ */

/*
 * The domain and its page table as the hardware walks it: VT-d second
 * level or x86 (first level) format, which share the page-size bit and the
 * address field and differ in what makes an entry present.
 */
struct vtd_kdump_domain {
	struct dmar_domain *domain;
	struct intel_iommu_kdump_pgtable pt;
	u64 present;
};

/* log2 of the bytes one entry maps at @level (level 1: 4 KiB) */
static unsigned int vtd_kdump_domain_shift(unsigned int level)
{
	return VTD_PAGE_SHIFT + VTD_STRIDE_SHIFT * (level - 1);
}

static void vtd_kdump_domain_lookup(void *ctx, u64 iova,
				    struct vtd_kdump_slot *slot)
{
	const struct vtd_kdump_domain *d = ctx;
	unsigned int level = d->pt.levels, shift;
	const u64 *table = phys_to_virt(d->pt.top);
	u64 pte;

	for (;; level--) {
		shift = vtd_kdump_domain_shift(level);
		pte = READ_ONCE(table[(iova >> shift) &
				      (VTD_KDUMP_PTES_PER_TABLE - 1)]);
		if (!(pte & d->present) || level == 1 || (pte & VTD_SL_PS))
			break;
		table = phys_to_virt(pte & VTD_SL_ADDR);
	}
	slot->size = BIT_ULL(shift);
	slot->start = iova & ~(slot->size - 1);
	slot->present = pte & d->present;
	slot->phys = slot->present ? pte & VTD_SL_ADDR & ~(slot->size - 1) : 0;
}

static int vtd_kdump_domain_map(void *ctx, u64 iova, u64 phys, u64 size,
				int prot)
{
	struct vtd_kdump_domain *d = ctx;

	return iommu_map(&d->domain->domain, iova, phys, size, prot,
			 GFP_KERNEL);
}

static void vtd_kdump_domain_unmap(void *ctx, u64 iova, u64 size)
{
	struct vtd_kdump_domain *d = ctx;

	iommu_unmap(&d->domain->domain, iova, size);
}

static const struct vtd_kdump_replay_ops vtd_kdump_domain_ops = {
	.lookup = vtd_kdump_domain_lookup,
	.map = vtd_kdump_domain_map,
	.unmap = vtd_kdump_domain_unmap,
};

/* Page-table pages of @table at @level and below */
static u64 vtd_kdump_count_table_pages(const struct vtd_kdump_domain *d,
				       const u64 *table, unsigned int level)
{
	unsigned int i;
	u64 n = 1;

	if (level == 1)
		return n;
	for (i = 0; i < VTD_KDUMP_PTES_PER_TABLE; i++) {
		u64 pte = READ_ONCE(table[i]);

		if ((pte & d->present) && !(pte & VTD_SL_PS))
			n += vtd_kdump_count_table_pages(d,
					phys_to_virt(pte & VTD_SL_ADDR),
					level - 1);
	}
	return n;
}

/* Page-table pages the domain holds now */
static u64 vtd_kdump_domain_pages(const struct vtd_kdump_domain *d)
{
	return vtd_kdump_count_table_pages(d, phys_to_virt(d->pt.top),
					   d->pt.levels);
}

/* Pages the series holds on every IOMMU, against the one budget */
static u64 vtd_kdump_pages_in_use(void)
{
	struct dmar_drhd_unit *drhd;
	struct intel_iommu *iommu;
	u64 n = 0;

	rcu_read_lock();
	for_each_active_iommu(iommu, drhd)
		if (iommu->kdump)
			n += iommu->kdump->boot_pages + iommu->kdump->attach_pages;
	rcu_read_unlock();
	return n;
}

/* Replay the old mappings of @dev into @domain; the replay lock is held */
static void vtd_kdump_keep_mappings(struct dmar_domain *domain,
				    struct device *dev,
				    struct vtd_kdump_dev_state *st)
{
	struct device_domain_info *info = dev_iommu_priv_get(dev);
	struct intel_iommu_kdump *kd = info->iommu->kdump;
	u64 used = vtd_kdump_pages_in_use(), before, after;
	struct vtd_kdump_domain d = { .domain = domain };
	struct vtd_kdump_replay r;
	int ret;

	/* nothing mapped before the crash: nothing to keep */
	if (!st->nr_maps) {
		st->kept = true;
		return;
	}
	/*
	 * The page sizes, the aperture and the page table of the domain as
	 * they are once it is attached to this IOMMU (where a default domain
	 * learns its superpage sizes only at attach, the helper takes them
	 * now, so that old 2 MiB and 1 GiB leaves are replayed as such).
	 */
	intel_iommu_kdump_domain_pgtable(domain, info->iommu, &d.pt);
	d.present = d.pt.first_stage ? VTD_FL_P : VTD_SL_R | VTD_SL_W;
	ret = vtd_kdump_replay_init(&r, st, d.pt.levels, d.pt.pgsize_bitmap,
				    vtd_kdump_max_pages > used ?
				    vtd_kdump_max_pages - used : 0);
	if (ret)
		goto dropped;
	r.ops = &vtd_kdump_domain_ops;
	r.ctx = &d;

	before = vtd_kdump_domain_pages(&d);
	ret = vtd_kdump_replay_maps(&r, st, d.pt.last_iova);
	if (ret) {
		vtd_kdump_replay_undo(&r);
		vtd_kdump_replay_release(&r);
		if (ret == -ENOSPC)
			dev_warn(dev, "kdump: keeping old mappings needs more than the %llu pages left of intel_iommu=kdump_max_pages=%lu: old mappings dropped\n",
				 r.budget, vtd_kdump_max_pages);
		goto dropped;
	}
	after = vtd_kdump_domain_pages(&d);
	vtd_kdump_replay_release(&r);

	st->kept = true;
	st->kept_pages = after > before ? after - before : 0;
	kd->attach_pages += st->kept_pages;
	if (r.conflict)
		dev_warn(dev, "kdump: %#llx bytes of old mappings from IOVA %#llx on conflict with the new domain's mappings: not kept\n",
			 r.conflict, r.first_conflict);
	if (r.beyond)
		dev_warn(dev, "kdump: %#llx bytes of old mappings beyond the new domain's aperture %#llx: not kept\n",
			 r.beyond, d.pt.last_iova);
	if (st->walk.rejected_leaves || st->table_hits)
		dev_info(dev, "kdump: %llu refused old entries not kept\n",
			 st->walk.rejected_leaves + st->table_hits);
	dev_info(dev, "kdump: kept %u old mappings as validated at boot (%#llx bytes mapped, %#llx already there, %llu pages)\n",
		 st->nr_maps, r.mapped, r.present, st->kept_pages);
	return;
dropped:
	dev_warn(dev, "kdump: old mappings dropped (%d)\n", ret);
	st->dropped = true;
}

/**
 * intel_iommu_kdump_probe_finalize() - give @dev's DMA domain its old mappings
 * @dev: a device the iommu core has set up, before any driver binds it
 *
 * The &iommu_ops.probe_finalize callback of the VT-d driver.  It runs in
 * process context with the device's default domain allocated and its
 * direct mappings made, and before the deferred attach replaces the copied
 * context entry.  When the old mappings cannot be kept (over the page
 * budget, beyond the aperture, failure), the device is attached later as
 * before this series, with its old IOVAs still reserved, and a warning says
 * so.
 */
void intel_iommu_kdump_probe_finalize(struct device *dev)
{
	struct vtd_kdump_dev_state *st = intel_iommu_kdump_dev_of(dev);
	struct iommu_domain *domain;

	if (!st || !vtd_kdump_translated(st))
		return;
	domain = iommu_get_dma_domain(dev);
	if (!domain || !iommu_is_dma_domain(domain))
		return;

	mutex_lock(&vtd_kdump_replay_lock);
	if (!st->kept && !st->dropped)
		vtd_kdump_keep_mappings(to_dmar_domain(domain), dev, st);
	mutex_unlock(&vtd_kdump_replay_lock);
}

#ifdef CONFIG_INTEL_IOMMU_KDUMP_KUNIT_TEST
#include "kdump_attach_kunit.c"
#endif
