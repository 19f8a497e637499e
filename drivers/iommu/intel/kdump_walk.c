// SPDX-License-Identifier: GPL-2.0
/*
 * Validating walker for the VT-d translation tables that a crashed kernel
 * left behind: root and context tables (legacy and scalable mode), PASID
 * directories and tables, and first- and second-level page tables.
 *
 * Old memory is reached only through struct vtd_kdump_ops.  Every entry is
 * read exactly once (READ_ONCE) into a local, checked against the VT-d
 * specification, the IOMMU's capabilities and the memory map, and only
 * the checked local is used afterwards.
 */

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>
#include <linux/types.h>

#include "kdump_walk.h"

#define VTD_KDUMP_MIN_HAW	(VTD_KDUMP_PAGE_SHIFT + 1)
#define VTD_KDUMP_MAX_LEVELS	5
#define VTD_KDUMP_SL_MIN_LEVELS	3
#define VTD_KDUMP_FL_MIN_LEVELS	4
#define VTD_KDUMP_QWORDS_PER_PAGE	(VTD_KDUMP_PAGE_SIZE / sizeof(u64))
#define VTD_CE_QWORDS		2
#define VTD_RE_QWORDS		2
/* Fibonacci hashing of page frame numbers (GOLDEN_RATIO_64) */
#define VTD_KDUMP_HASH_MUL	0x61c8864680b583ebULL
/* The visited set may hold at most half of its slots */
#define VTD_KDUMP_VISITED_MAX_ORDER	31

/* ------------------------------------------------------------------ */
/* Memory map                                                          */
/* ------------------------------------------------------------------ */

/* Index of the first range that ends at or after @phys, or @nr */
static unsigned int vtd_kdump_range_search(const struct vtd_kdump_range *r,
					   unsigned int nr, u64 phys)
{
	unsigned int lo = 0, hi = nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (r[mid].end < phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool vtd_kdump_ranges_overlap(const struct vtd_kdump_range *r,
				     unsigned int nr, u64 first, u64 last)
{
	unsigned int i = vtd_kdump_range_search(r, nr, first);

	return i < nr && r[i].start <= last;
}

/* [@first, @last] lies inside one range or a chain of adjacent ranges */
static bool vtd_kdump_ranges_cover(const struct vtd_kdump_range *r,
				   unsigned int nr, u64 first, u64 last)
{
	unsigned int i = vtd_kdump_range_search(r, nr, first);
	u64 next = first;

	for (; i < nr && r[i].start <= next; i++) {
		if (r[i].end >= last)
			return true;
		/* r[i].end < last, so this cannot wrap */
		next = r[i].end + 1;
	}
	return false;
}

static bool vtd_kdump_ranges_sorted(const struct vtd_kdump_range *r,
				    unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (r[i].start > r[i].end)
			return false;
		if (i && r[i].start <= r[i - 1].end)
			return false;
	}
	return true;
}

/**
 * vtd_kdump_memmap_valid() - check that a memory map is usable
 * @mem: the memory map
 *
 * vtd_kdump_classify() relies on each array being sorted by address, with
 * non-empty, non-overlapping ranges.  The map is built from untrusted input
 * (the ELF core header), so the caller checks it once with this function.
 *
 * Return: true if both arrays are sorted and non-overlapping.
 */
bool vtd_kdump_memmap_valid(const struct vtd_kdump_memmap *mem)
{
	return vtd_kdump_ranges_sorted(mem->old_ram, mem->nr_old_ram) &&
	       vtd_kdump_ranges_sorted(mem->kdump_ram, mem->nr_kdump_ram);
}

/**
 * vtd_kdump_classify() - tell what a physical range of the old kernel is
 * @mem: memory map of the crashed and of the kdump kernel
 * @phys: first byte of the range
 * @size: size of the range in bytes
 *
 * Return: %VTD_KDUMP_MEM_KDUMP if the range overlaps memory of the kdump
 * kernel; %VTD_KDUMP_MEM_OLD_RAM if it lies wholly inside the crashed
 * kernel's RAM (one range or adjacent ranges); %VTD_KDUMP_MEM_OTHER
 * otherwise, and for an empty range or one that wraps around.
 */
enum vtd_kdump_mem vtd_kdump_classify(const struct vtd_kdump_memmap *mem,
				      u64 phys, u64 size)
{
	u64 last = phys + size - 1;

	if (!size || last < phys)
		return VTD_KDUMP_MEM_OTHER;
	if (vtd_kdump_ranges_overlap(mem->kdump_ram, mem->nr_kdump_ram,
				     phys, last))
		return VTD_KDUMP_MEM_KDUMP;
	if (vtd_kdump_ranges_cover(mem->old_ram, mem->nr_old_ram, phys, last))
		return VTD_KDUMP_MEM_OLD_RAM;
	return VTD_KDUMP_MEM_OTHER;
}

/* ------------------------------------------------------------------ */
/* Reasons, runs                                                       */
/* ------------------------------------------------------------------ */

static const char * const vtd_kdump_reason_strs[VTD_KDUMP_NR_REASONS] = {
	[VTD_KDUMP_OK]			= "ok",
	[VTD_KDUMP_ROOT_PTR]		= "root table not in old RAM",
	[VTD_KDUMP_ROOT_RSVD]		= "root entry reserved bits set",
	[VTD_KDUMP_CTX_PTR]		= "context table not in old RAM",
	[VTD_KDUMP_CTX_RSVD]		= "context entry reserved bits set",
	[VTD_KDUMP_CTX_TT]		= "unsupported translation type",
	[VTD_KDUMP_CTX_AW]		= "address width not in SAGAW",
	[VTD_KDUMP_CTX_DID]		= "domain id beyond CAP.ND",
	[VTD_KDUMP_PASID_DIR_PTR]	= "PASID directory not in old RAM",
	[VTD_KDUMP_PASID_DIR_RSVD]	= "PASID directory entry reserved bits set",
	[VTD_KDUMP_PASID_RANGE]		= "RID_PASID beyond the PASID directory",
	[VTD_KDUMP_PASID_TBL_PTR]	= "PASID table not in old RAM",
	[VTD_KDUMP_PASID_ENTRY_RSVD]	= "PASID entry reserved bits set",
	[VTD_KDUMP_PASID_PGTT]		= "unsupported PASID translation type",
	[VTD_KDUMP_PASID_FLPM]		= "unsupported first-level paging mode",
	[VTD_KDUMP_PGTABLE_PTR]		= "page table not in old RAM",
	[VTD_KDUMP_PGTABLE_KDUMP]	= "page table in kdump memory",
	[VTD_KDUMP_PGTABLE_RSVD]	= "page-table entry reserved bits set",
	[VTD_KDUMP_PGTABLE_REVISIT]	= "page table reached twice",
	[VTD_KDUMP_BUDGET]		= "walk budget exhausted",
	[VTD_KDUMP_LEAF_RSVD]		= "leaf reserved bits set or misaligned",
	[VTD_KDUMP_LEAF_KDUMP]		= "leaf maps kdump memory",
	[VTD_KDUMP_LEAF_NOT_RAM]	= "leaf maps no old RAM",
	[VTD_KDUMP_MAP_FAILED]		= "cannot map old memory",
	[VTD_KDUMP_IOVA_RANGE]		= "IOVA outside the aperture",
	[VTD_KDUMP_VISIT_ABORTED]	= "walk stopped by its caller",
	[VTD_KDUMP_LEAF_PRIV]		= "leaf denies user-mode DMA (U/S clear)",
	[VTD_KDUMP_LEAF_TABLE]		= "leaf maps an IOMMU table page",
};

/**
 * vtd_kdump_reason_str() - short description of a verdict, for log lines
 * @why: the reason
 *
 * Return: a static string, "unknown" for a value out of range.
 */
const char *vtd_kdump_reason_str(enum vtd_kdump_reason why)
{
	if ((unsigned int)why >= VTD_KDUMP_NR_REASONS ||
	    !vtd_kdump_reason_strs[why])
		return "unknown";
	return vtd_kdump_reason_strs[why];
}

/**
 * vtd_kdump_runs_add() - add an IOVA range to a list of maximal runs
 * @runs: the runs so far; ranges are expected in ascending order
 * @start: first IOVA of the range
 * @size: size of the range in bytes (0: nothing to add)
 *
 * A range that starts at or inside the last run extends it; otherwise it
 * opens a new run.  When @runs is full, the last run is extended to cover
 * the new range and @runs->overflow is set: the result then over-reserves
 * (it covers the gap too) but never under-reports what was mapped.
 */
void vtd_kdump_runs_add(struct vtd_kdump_runs *runs, u64 start, u64 size)
{
	struct vtd_kdump_range *last;
	u64 end = start + size - 1;

	if (!size)
		return;
	if (end < start)
		end = U64_MAX;

	last = runs->nr ? &runs->r[runs->nr - 1] : NULL;
	if (last && start >= last->start &&
	    (start <= last->end || start - 1 == last->end)) {
		last->end = max(last->end, end);
		return;
	}
	if (runs->nr < runs->max) {
		runs->r[runs->nr].start = start;
		runs->r[runs->nr].end = end;
		runs->nr++;
		return;
	}
	runs->overflow = true;
	if (last) {
		last->start = min(last->start, start);
		last->end = max(last->end, end);
	}
}

/**
 * vtd_kdump_maps_add() - record a validated leaf (or run of leaves)
 * @maps: the device's maps so far, in ascending IOVA order
 * @iova: first IOVA
 * @phys: the physical address @iova translates to
 * @size: bytes
 * @prot: VTD_SL_R / VTD_SL_W
 *
 * A leaf that continues the last map in IOVA and in memory, with the same
 * rights, extends it.  A leaf whose rights ANDed down the walk grant
 * nothing maps nothing (the hardware faults on it: VT-d 3.6, 3.7) and is
 * left out.  When @maps is full the leaf is left out and its bytes are
 * added to &vtd_kdump_maps.lost: the caller must not treat the maps as all
 * the device's mappings then.
 */
void vtd_kdump_maps_add(struct vtd_kdump_maps *maps, u64 iova, u64 phys,
			u64 size, unsigned int prot)
{
	struct vtd_kdump_map *last = maps->nr ? &maps->m[maps->nr - 1] : NULL;

	if (!size || !(prot & (VTD_SL_R | VTD_SL_W)))
		return;
	if (last && last->prot == prot && last->iova + last->size == iova &&
	    last->phys + last->size == phys && last->size + size > last->size) {
		last->size += size;
		return;
	}
	if (maps->nr == maps->max) {
		maps->lost += size;
		return;
	}
	maps->m[maps->nr++] = (struct vtd_kdump_map){
		.iova = iova, .phys = phys, .size = size, .prot = prot,
	};
}

/**
 * vtd_kdump_map_hits_pages() - does a map reach a table page?
 * @m: one of a device's maps (vtd_kdump_maps_add())
 * @pages: the table pages read on the IOMMU, sorted and distinct
 *	   (vtd_kdump_pages_sort())
 * @nr_pages: number of entries in @pages
 * @keyid_bits: address bits that only select a memory key
 *		(vtd_kdump_keyid_bits()): the map is judged without them
 *
 * O(log @nr_pages).
 *
 * Return: true if the memory @m maps overlaps a page of @pages.
 */
bool vtd_kdump_map_hits_pages(const struct vtd_kdump_map *m, const u64 *pages,
			      unsigned int nr_pages, u64 keyid_bits)
{
	u64 start = m->phys & ~keyid_bits;

	return vtd_kdump_pages_hit(pages, nr_pages, start, start + m->size - 1);
}

/* Heap sort: restore the max-heap below @root in @a[0..@n) */
static void vtd_kdump_sift_down(u64 *a, unsigned int root, unsigned int n)
{
	unsigned int child;
	u64 tmp;

	/* @root has a child while 2 * @root + 1 < @n: no overflow */
	while (root < n / 2) {
		child = 2 * root + 1;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		tmp = a[root];
		a[root] = a[child];
		a[child] = tmp;
		root = child;
	}
}

/**
 * vtd_kdump_pages_sort() - sort table-page addresses, each once
 * @pages: addresses of 4 KiB pages, as &vtd_kdump_walker.table reported
 *	   them (a page may come more than once)
 * @nr: number of entries in @pages
 *
 * Sorts @pages in place, ascending, and drops repeated pages, for
 * vtd_kdump_pages_hit().  A heap sort: O(@nr log @nr) time whatever the
 * order, no allocation, no recursion.
 *
 * Return: the number of distinct pages, now at the start of @pages.
 */
unsigned int vtd_kdump_pages_sort(u64 *pages, unsigned int nr)
{
	unsigned int i, n = 0;
	u64 tmp;

	for (i = nr / 2; i-- > 0;)
		vtd_kdump_sift_down(pages, i, nr);
	for (i = nr; i-- > 1;) {
		tmp = pages[0];
		pages[0] = pages[i];
		pages[i] = tmp;
		vtd_kdump_sift_down(pages, 0, i);
	}
	for (i = 0; i < nr; i++)
		if (!n || pages[i] != pages[n - 1])
			pages[n++] = pages[i];
	return n;
}

/**
 * vtd_kdump_pages_hit() - does a physical range reach a table page?
 * @pages: page-aligned addresses, sorted and distinct
 *	   (vtd_kdump_pages_sort())
 * @nr: number of entries in @pages
 * @start: first byte of the range; for a leaf, its address without KeyID
 *	   bits (vtd_kdump_keyid_bits())
 * @end: last byte of the range (inclusive)
 *
 * A binary search: O(log @nr).
 *
 * Return: true if any byte of [@start, @end] lies in one of the pages;
 * false for an empty range (@end below @start).
 */
bool vtd_kdump_pages_hit(const u64 *pages, unsigned int nr, u64 start,
			 u64 end)
{
	unsigned int i;

	if (end < start)
		return false;
	i = vtd_kdump_pages_find(pages, nr, start);
	return i < nr && pages[i] <= end;
}

/**
 * vtd_kdump_pages_find() - the first table page at or above an address
 * @pages: page-aligned addresses, sorted and distinct
 *	   (vtd_kdump_pages_sort())
 * @nr: number of entries in @pages
 * @addr: the address; the page holding it counts
 *
 * A binary search: O(log @nr).
 *
 * Return: the index of the first page of @pages whose end is at or above
 * @addr, or @nr if there is none.
 */
unsigned int vtd_kdump_pages_find(const u64 *pages, unsigned int nr, u64 addr)
{
	u64 first = addr & VTD_KDUMP_ADDR_MASK;
	unsigned int lo = 0, hi = nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (pages[mid] < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Ranges left when neighbours at most @gap bytes apart are merged */
static unsigned int vtd_kdump_ranges_count_merged(const struct vtd_kdump_range *r,
						  unsigned int nr, u64 gap)
{
	unsigned int i, n = nr ? 1 : 0;

	for (i = 1; i < nr; i++)
		if (r[i].start - r[i - 1].end - 1 > gap)
			n++;
	return n;
}

/**
 * vtd_kdump_ranges_merge_gap() - a gap that bounds the number of ranges
 * @r: sorted, disjoint ranges
 * @nr: number of entries in @r
 * @max: the most ranges wanted; at least 1
 *
 * Merging every two neighbours in @r that are at most the returned number
 * of bytes apart leaves at most @max ranges.  The gap is 0 or a page size
 * times a power of two, at most twice the smallest gap that would do, so
 * the merge over-reserves little and the search takes one pass per
 * doubling.  vtd_kdump_ranges_merged() then walks the merged ranges.
 *
 * Return: the gap in bytes; 0 when @r has at most @max ranges.
 */
u64 vtd_kdump_ranges_merge_gap(const struct vtd_kdump_range *r,
			       unsigned int nr, unsigned int max)
{
	u64 gap = 0;

	while (vtd_kdump_ranges_count_merged(r, nr, gap) > max(max, 1U)) {
		if (gap > U64_MAX / 2)
			return U64_MAX;
		gap = gap ? gap * 2 : VTD_KDUMP_PAGE_SIZE;
	}
	return gap;
}

/**
 * vtd_kdump_ranges_merged() - the next range after merging small gaps
 * @r: sorted, disjoint ranges
 * @nr: number of entries in @r
 * @gap: neighbours at most this many bytes apart are merged
 * @i: index of the first range to merge; advanced past the merged ones
 * @out: the merged range
 *
 * Return: false when @i is past the end of @r.
 */
bool vtd_kdump_ranges_merged(const struct vtd_kdump_range *r, unsigned int nr,
			     u64 gap, unsigned int *i, struct vtd_kdump_range *out)
{
	if (*i >= nr)
		return false;
	*out = r[(*i)++];
	while (*i < nr && r[*i].start - out->end - 1 <= gap)
		out->end = r[(*i)++].end;
	return true;
}

/* ------------------------------------------------------------------ */
/* Helpers on capabilities and old memory                              */
/* ------------------------------------------------------------------ */

static unsigned int vtd_kdump_haw(const struct vtd_kdump_hw *hw)
{
	return clamp_t(unsigned int, hw->haw, VTD_KDUMP_MIN_HAW,
		       VTD_KDUMP_MAX_HAW);
}

/* The bits of address field @addr that lie at or above the host width */
static u64 vtd_kdump_beyond_haw(const struct vtd_kdump_hw *hw, u64 addr)
{
	return addr & ~GENMASK_ULL(vtd_kdump_haw(hw) - 1, 0);
}

/**
 * vtd_kdump_keyid_bits() - address bits that select a memory encryption key
 * @hw: the IOMMU's capabilities, with the CPU's physical-address width
 *
 * With MKTME or TDX the CPU's physical-address width (x86_phys_bits) is
 * below the IOMMU's host address width: the bits in between carry a KeyID,
 * and an address with any of them set reaches the memory at the address
 * without them.  A leaf must be judged by what it reaches.
 *
 * Return: the bits from the CPU's width up to the host address width, 0
 * without KeyIDs (@hw->phys_bits 0 or not below @hw->haw).
 */
u64 vtd_kdump_keyid_bits(const struct vtd_kdump_hw *hw)
{
	unsigned int haw = vtd_kdump_haw(hw);

	if (!hw->phys_bits || hw->phys_bits >= haw)
		return 0;
	return GENMASK_ULL(haw - 1, max_t(unsigned int, hw->phys_bits,
					  VTD_KDUMP_MIN_HAW));
}

static bool vtd_kdump_sagaw_has(const struct vtd_kdump_hw *hw, unsigned int aw)
{
	return aw >= VTD_KDUMP_SL_MIN_LEVELS - VTD_AW_LEVEL_BIAS &&
	       aw <= VTD_KDUMP_MAX_LEVELS - VTD_AW_LEVEL_BIAS &&
	       (hw->sagaw & BIT(aw));
}

static unsigned int vtd_kdump_level_shift(unsigned int level)
{
	return VTD_KDUMP_PAGE_SHIFT + VTD_KDUMP_LEVEL_STRIDE * (level - 1);
}

static u64 vtd_kdump_level_size(unsigned int level)
{
	return BIT_ULL(vtd_kdump_level_shift(level));
}

/* Tell the caller, if it asked, of the table page just read */
static void vtd_kdump_note_table(const struct vtd_kdump_walker *w, u64 phys,
				 enum vtd_kdump_table kind, unsigned int level)
{
	if (w->table)
		w->table(w->table_arg, phys, kind, level);
}

/*
 * Read @n qwords from index @first of the old page at @page, which must be
 * old RAM (else @bad_ptr) and holds a table of @kind.  The page is mapped
 * only for the copy.
 */
static enum vtd_kdump_reason
vtd_kdump_read_qwords(const struct vtd_kdump_walker *w, u64 page,
		      unsigned int first, unsigned int n, u64 *out,
		      enum vtd_kdump_table kind, enum vtd_kdump_reason bad_ptr)
{
	const u64 *va;
	unsigned int i;

	if (vtd_kdump_classify(w->mem, page, VTD_KDUMP_PAGE_SIZE) !=
	    VTD_KDUMP_MEM_OLD_RAM)
		return bad_ptr;
	va = w->ops->map(w->ops_ctx, page);
	if (!va)
		return VTD_KDUMP_MAP_FAILED;
	vtd_kdump_note_table(w, page, kind, 0);
	for (i = 0; i < n; i++)
		out[i] = READ_ONCE(va[first + i]);
	w->ops->unmap(w->ops_ctx, va);
	return VTD_KDUMP_OK;
}

/* ------------------------------------------------------------------ */
/* Context entries                                                     */
/* ------------------------------------------------------------------ */

static bool vtd_kdump_tt_supported(const struct vtd_kdump_hw *hw,
				   unsigned int tt)
{
	switch (tt) {
	case VTD_CE_TT_MULTI_LEVEL:
		return true;
	case VTD_CE_TT_DEV_IOTLB:
		return hw->dev_iotlb;
	case VTD_CE_TT_PASS_THROUGH:
		return hw->pass_through;
	default:
		return false;
	}
}

static enum vtd_kdump_reason
vtd_kdump_decode_legacy_context(const struct vtd_kdump_hw *hw,
				struct vtd_kdump_ctx *ctx)
{
	u64 lo = ctx->raw[0], hi = ctx->raw[1];
	unsigned int tt = FIELD_GET(VTD_CE_LO_TT, lo);
	unsigned int aw = FIELD_GET(VTD_CE_HI_AW, hi);

	if ((lo & VTD_CE_LO_RSVD) || (hi & VTD_CE_HI_RSVD))
		return VTD_KDUMP_CTX_RSVD;
	if (!vtd_kdump_tt_supported(hw, tt))
		return VTD_KDUMP_CTX_TT;
	/* For pass-through, AW must still be a supported AGAW (9.3) */
	if (!vtd_kdump_sagaw_has(hw, aw))
		return VTD_KDUMP_CTX_AW;
	ctx->did = FIELD_GET(VTD_CE_HI_DID, hi);
	if (ctx->did >= hw->ndoms)
		return VTD_KDUMP_CTX_DID;
	if (tt == VTD_CE_TT_PASS_THROUGH) {
		/* SLPTPTR is ignored by hardware */
		ctx->format = VTD_KDUMP_FMT_PASS_THROUGH;
		return VTD_KDUMP_OK;
	}
	if (vtd_kdump_beyond_haw(hw, lo & VTD_CE_LO_SLPTPTR))
		return VTD_KDUMP_CTX_RSVD;
	ctx->format = VTD_KDUMP_FMT_SECOND_LEVEL;
	ctx->levels = aw + VTD_AW_LEVEL_BIAS;
	ctx->pgtable = lo & VTD_CE_LO_SLPTPTR;
	return VTD_KDUMP_OK;
}

/* Number of PASIDs the context entry's directory (and the IOMMU) covers */
static u32 vtd_kdump_pasid_limit(const struct vtd_kdump_hw *hw, u64 lo)
{
	unsigned int bits = FIELD_GET(VTD_SMCE_LO_PDTS, lo) +
			    VTD_PASID_DIR_SHIFT + VTD_PASID_TABLE_SHIFT;

	if (hw->pasid_bits && hw->pasid_bits < bits)
		bits = hw->pasid_bits;
	return BIT(bits);
}

static enum vtd_kdump_reason
vtd_kdump_decode_sm_context(const struct vtd_kdump_hw *hw,
			    struct vtd_kdump_ctx *ctx)
{
	u64 lo = ctx->raw[0], hi = ctx->raw[1];

	if ((lo & VTD_SMCE_LO_RSVD) || (hi & VTD_SMCE_HI_RSVD) ||
	    ctx->raw[2] || ctx->raw[3])
		return VTD_KDUMP_CTX_RSVD;
	if (vtd_kdump_beyond_haw(hw, lo & VTD_SMCE_LO_PASIDDIRPTR))
		return VTD_KDUMP_CTX_RSVD;
	/* Fields of capabilities the IOMMU lacks are reserved */
	if ((lo & VTD_SMCE_LO_DTE) && !hw->dev_iotlb)
		return VTD_KDUMP_CTX_RSVD;
	if ((lo & VTD_SMCE_LO_PASIDE) && !hw->pasid_bits)
		return VTD_KDUMP_CTX_RSVD;
	if ((lo & VTD_SMCE_LO_PRE) && !hw->prs)
		return VTD_KDUMP_CTX_RSVD;
	ctx->rid_pasid = FIELD_GET(VTD_SMCE_HI_RID_PASID, hi);
	/* Without ECAP.RPS, requests-without-PASID use PASID 0 */
	if (ctx->rid_pasid && !hw->rps)
		return VTD_KDUMP_CTX_RSVD;
	ctx->pasid_dir = lo & VTD_SMCE_LO_PASIDDIRPTR;
	if (ctx->rid_pasid >= vtd_kdump_pasid_limit(hw, lo))
		return VTD_KDUMP_PASID_RANGE;
	/* format, levels, did and pgtable come from the PASID entry */
	return VTD_KDUMP_OK;
}

/**
 * vtd_kdump_decode_context() - decode and check a context entry
 * @w: the walker (only @w->hw is used)
 * @raw: the entry as read once from old memory: 2 qwords in legacy mode,
 *	 4 in scalable mode
 * @ctx: the decoded entry; may have @raw as its @ctx->raw
 *
 * Nothing is mapped.  In scalable mode only the context entry is checked;
 * vtd_kdump_walk_dev() reads the RID_PASID entry and fills in the format.
 * A context entry that is not present decodes to %VTD_KDUMP_FMT_NONE.
 *
 * Return: %VTD_KDUMP_OK or why the entry cannot be adopted.
 */
enum vtd_kdump_reason vtd_kdump_decode_context(const struct vtd_kdump_walker *w,
					       const u64 *raw,
					       struct vtd_kdump_ctx *ctx)
{
	unsigned int n = w->hw->scalable ? VTD_SMCE_QWORDS : VTD_CE_QWORDS;
	u64 copy[VTD_SMCE_QWORDS] = { };
	unsigned int i;

	for (i = 0; i < n; i++)
		copy[i] = raw[i];
	memset(ctx, 0, sizeof(*ctx));
	memcpy(ctx->raw, copy, sizeof(ctx->raw));
	ctx->format = VTD_KDUMP_FMT_NONE;

	if (!(ctx->raw[0] & VTD_CE_LO_P))
		return VTD_KDUMP_OK;
	if (w->hw->scalable)
		return vtd_kdump_decode_sm_context(w->hw, ctx);
	return vtd_kdump_decode_legacy_context(w->hw, ctx);
}

/* ------------------------------------------------------------------ */
/* Root and context tables                                             */
/* ------------------------------------------------------------------ */

/**
 * vtd_kdump_check_root_entry() - check one qword of a root entry
 * @w: the walker (only @w->hw is used)
 * @val: a present root-table entry (legacy: the lower qword; scalable: either
 *	 half), as read once
 *
 * Return: %VTD_KDUMP_ROOT_RSVD if reserved bits are set or the context
 * table pointer exceeds the host address width, else %VTD_KDUMP_OK.
 */
enum vtd_kdump_reason vtd_kdump_check_root_entry(const struct vtd_kdump_walker *w,
						 u64 val)
{
	if ((val & VTD_RE_RSVD) || vtd_kdump_beyond_haw(w->hw, val & VTD_RE_CTP))
		return VTD_KDUMP_ROOT_RSVD;
	return VTD_KDUMP_OK;
}

/* Tell the caller that a whole context table (one bus or half) is unusable */
static int vtd_kdump_report_table(u8 bus, u8 first_devfn,
				  enum vtd_kdump_reason why,
				  vtd_kdump_dev_fn fn, void *arg)
{
	struct vtd_kdump_dev dev;

	memset(&dev, 0, sizeof(dev));
	dev.bus = bus;
	dev.devfn = first_devfn;
	dev.ctx.format = VTD_KDUMP_FMT_NONE;
	dev.reason = why;
	dev.table_refused = true;
	return fn(arg, &dev);
}

static int vtd_kdump_visit_context(const struct vtd_kdump_walker *w, u8 bus,
				   u8 devfn, const u64 *entry,
				   unsigned int qwords,
				   vtd_kdump_dev_fn fn, void *arg)
{
	u64 raw[VTD_SMCE_QWORDS] = { };
	struct vtd_kdump_dev dev;
	unsigned int i;

	raw[0] = READ_ONCE(entry[0]);
	if (!(raw[0] & VTD_CE_LO_P))
		return 0;
	for (i = 1; i < qwords; i++)
		raw[i] = READ_ONCE(entry[i]);

	memset(&dev, 0, sizeof(dev));
	dev.bus = bus;
	dev.devfn = devfn;
	dev.reason = vtd_kdump_decode_context(w, raw, &dev.ctx);
	return fn(arg, &dev);
}

/* Walk the context table that root entry qword @re points to */
static int vtd_kdump_walk_context_table(const struct vtd_kdump_walker *w,
					u8 bus, u8 first_devfn, u64 re,
					vtd_kdump_dev_fn fn, void *arg)
{
	unsigned int qwords = w->hw->scalable ? VTD_SMCE_QWORDS : VTD_CE_QWORDS;
	unsigned int nr = VTD_KDUMP_QWORDS_PER_PAGE / qwords;
	u64 table_phys = re & VTD_RE_CTP;
	enum vtd_kdump_reason why;
	const u64 *table;
	unsigned int i;
	int ret = 0;

	why = vtd_kdump_check_root_entry(w, re);
	if (!why && vtd_kdump_classify(w->mem, table_phys, VTD_KDUMP_PAGE_SIZE) !=
	    VTD_KDUMP_MEM_OLD_RAM)
		why = VTD_KDUMP_CTX_PTR;
	if (why)
		return vtd_kdump_report_table(bus, first_devfn, why, fn, arg);

	table = w->ops->map(w->ops_ctx, table_phys);
	if (!table)
		return vtd_kdump_report_table(bus, first_devfn,
					      VTD_KDUMP_MAP_FAILED, fn, arg);
	vtd_kdump_note_table(w, table_phys, VTD_KDUMP_TABLE_CONTEXT, 0);
	for (i = 0; i < nr && ret >= 0; i++)
		ret = vtd_kdump_visit_context(w, bus, first_devfn + i,
					      table + i * qwords, qwords,
					      fn, arg);
	w->ops->unmap(w->ops_ctx, table);
	return ret;
}

static int vtd_kdump_walk_bus(const struct vtd_kdump_walker *w, u8 bus,
			      u64 lo, u64 hi, vtd_kdump_dev_fn fn, void *arg)
{
	int ret = 0;

	if (!w->hw->scalable) {
		if (!(lo & VTD_RE_P))
			return 0;
		if (hi)
			return vtd_kdump_report_table(bus, 0, VTD_KDUMP_ROOT_RSVD,
						      fn, arg);
		return vtd_kdump_walk_context_table(w, bus, 0, lo, fn, arg);
	}

	if (lo & VTD_RE_P)
		ret = vtd_kdump_walk_context_table(w, bus, 0, lo, fn, arg);
	if (ret >= 0 && (hi & VTD_RE_P))
		ret = vtd_kdump_walk_context_table(w, bus,
						   VTD_SM_CONTEXT_ENTRIES, hi,
						   fn, arg);
	return ret;
}

/**
 * vtd_kdump_walk_root() - visit every present context entry
 * @w: the walker
 * @root_phys: physical address of the old root table (DMAR_RTADDR_REG)
 * @fn: called for each present context entry, decoded and checked, and for
 *	each context table that cannot be used (see &vtd_kdump_dev_fn)
 * @arg: passed to @fn
 *
 * Only an unusable root table fails the whole walk: it must be page aligned
 * and lie in old RAM.  Problems of one bus or one device are reported
 * through @fn and the walk goes on.
 *
 * Return: 0, -EINVAL if the root table is not old RAM, -ENOMEM if it cannot
 * be mapped, or the first negative value returned by @fn.
 */
int vtd_kdump_walk_root(const struct vtd_kdump_walker *w, u64 root_phys,
			vtd_kdump_dev_fn fn, void *arg)
{
	const u64 *root;
	unsigned int bus;
	int ret = 0;

	if ((root_phys & ~VTD_KDUMP_ADDR_MASK) ||
	    vtd_kdump_classify(w->mem, root_phys, VTD_KDUMP_PAGE_SIZE) !=
	    VTD_KDUMP_MEM_OLD_RAM)
		return -EINVAL;
	root = w->ops->map(w->ops_ctx, root_phys);
	if (!root)
		return -ENOMEM;
	vtd_kdump_note_table(w, root_phys, VTD_KDUMP_TABLE_ROOT, 0);

	for (bus = 0; bus < VTD_ROOT_ENTRIES && ret >= 0; bus++) {
		u64 lo = READ_ONCE(root[bus * VTD_RE_QWORDS]);
		u64 hi = READ_ONCE(root[bus * VTD_RE_QWORDS + 1]);

		if ((lo | hi) & VTD_RE_P)
			ret = vtd_kdump_walk_bus(w, bus, lo, hi, fn, arg);
	}
	w->ops->unmap(w->ops_ctx, root);
	return ret < 0 ? ret : 0;
}

/* ------------------------------------------------------------------ */
/* Scalable mode: PASID directory and RID_PASID entry                  */
/* ------------------------------------------------------------------ */

/*
 * PGTT first-stage (9.6).  Requests-without-PASID are user-mode requests
 * unless the context entry's RID_PRIV makes them supervisor requests (9.4);
 * the walker checks user-mode access only (U/S and R/W; supervisor access
 * also depends on SRE and WPE), so supervisor DMA through first-stage
 * tables is not adopted.
 */
static enum vtd_kdump_reason
vtd_kdump_decode_pasid_fl(const struct vtd_kdump_hw *hw, const u64 *pe,
			  struct vtd_kdump_ctx *ctx)
{
	if (!hw->flts)
		return VTD_KDUMP_PASID_PGTT;
	if (pe[2] & VTD_PE2_RSVD)
		return VTD_KDUMP_PASID_ENTRY_RSVD;
	if (ctx->raw[1] & VTD_SMCE_HI_RID_PRIV)
		return VTD_KDUMP_PASID_PGTT;
	switch (FIELD_GET(VTD_PE2_FLPM, pe[2])) {
	case VTD_FLPM_4LEVEL:
		ctx->levels = VTD_KDUMP_FL_MIN_LEVELS;
		break;
	case VTD_FLPM_5LEVEL:
		if (!hw->fl5lp)
			return VTD_KDUMP_PASID_FLPM;
		ctx->levels = VTD_KDUMP_MAX_LEVELS;
		break;
	default:
		return VTD_KDUMP_PASID_FLPM;
	}
	if (vtd_kdump_beyond_haw(hw, pe[2] & VTD_PE2_FSPTPTR))
		return VTD_KDUMP_PASID_ENTRY_RSVD;
	ctx->pgtable = pe[2] & VTD_PE2_FSPTPTR;
	ctx->format = VTD_KDUMP_FMT_FIRST_LEVEL;
	return VTD_KDUMP_OK;
}

static enum vtd_kdump_reason
vtd_kdump_decode_pasid_sl(const struct vtd_kdump_hw *hw, const u64 *pe,
			  struct vtd_kdump_ctx *ctx)
{
	unsigned int aw = FIELD_GET(VTD_PE0_AW, pe[0]);

	if (!hw->slts)
		return VTD_KDUMP_PASID_PGTT;
	if (!vtd_kdump_sagaw_has(hw, aw))
		return VTD_KDUMP_CTX_AW;
	if (vtd_kdump_beyond_haw(hw, pe[0] & VTD_PE0_SSPTPTR))
		return VTD_KDUMP_PASID_ENTRY_RSVD;
	ctx->levels = aw + VTD_AW_LEVEL_BIAS;
	ctx->pgtable = pe[0] & VTD_PE0_SSPTPTR;
	ctx->format = VTD_KDUMP_FMT_SECOND_LEVEL;
	return VTD_KDUMP_OK;
}

static enum vtd_kdump_reason
vtd_kdump_decode_pasid_entry(const struct vtd_kdump_hw *hw, const u64 *pe,
			     struct vtd_kdump_ctx *ctx)
{
	unsigned int q;

	if (!(pe[0] & VTD_PE0_P))
		return VTD_KDUMP_OK;
	for (q = VTD_PE_FIRST_RSVD_QWORD; q < VTD_PE_QWORDS; q++)
		if (pe[q])
			return VTD_KDUMP_PASID_ENTRY_RSVD;
	if ((pe[0] & VTD_PE0_RSVD) || (pe[1] & VTD_PE1_RSVD))
		return VTD_KDUMP_PASID_ENTRY_RSVD;
	ctx->did = FIELD_GET(VTD_PE1_DID, pe[1]);
	if (ctx->did >= hw->ndoms)
		return VTD_KDUMP_CTX_DID;

	switch (FIELD_GET(VTD_PE0_PGTT, pe[0])) {
	case VTD_PGTT_FL_ONLY:
		return vtd_kdump_decode_pasid_fl(hw, pe, ctx);
	case VTD_PGTT_SL_ONLY:
		return vtd_kdump_decode_pasid_sl(hw, pe, ctx);
	case VTD_PGTT_PT:
		if (!hw->pass_through)
			return VTD_KDUMP_PASID_PGTT;
		ctx->format = VTD_KDUMP_FMT_PASS_THROUGH;
		return VTD_KDUMP_OK;
	default:
		/* nested translation is not adopted; other values reserved */
		return VTD_KDUMP_PASID_PGTT;
	}
}

/*
 * Read the RID_PASID entry through the PASID directory and fill in the
 * format of @ctx.  A missing directory entry or PASID entry means that the
 * device's requests without PASID are blocked: format NONE, OK.
 */
static enum vtd_kdump_reason
vtd_kdump_resolve_rid_pasid(const struct vtd_kdump_walker *w,
			    struct vtd_kdump_ctx *ctx)
{
	u64 dir_off = (u64)(ctx->rid_pasid >> VTD_PASID_TABLE_SHIFT) * sizeof(u64);
	unsigned int pe_first = (ctx->rid_pasid & (VTD_PASID_TABLE_ENTRIES - 1)) *
				VTD_PE_QWORDS;
	u64 pe[VTD_PE_QWORDS];
	enum vtd_kdump_reason why;
	u64 pde;

	ctx->format = VTD_KDUMP_FMT_NONE;
	why = vtd_kdump_read_qwords(w, ctx->pasid_dir +
				    (dir_off & VTD_KDUMP_ADDR_MASK),
				    (dir_off & ~VTD_KDUMP_ADDR_MASK) / sizeof(u64),
				    1, &pde, VTD_KDUMP_TABLE_PASID_DIR,
				    VTD_KDUMP_PASID_DIR_PTR);
	if (why)
		return why;
	if (!(pde & VTD_PDE_P))
		return VTD_KDUMP_OK;
	if ((pde & VTD_PDE_RSVD) ||
	    vtd_kdump_beyond_haw(w->hw, pde & VTD_PDE_SMPTBLPTR))
		return VTD_KDUMP_PASID_DIR_RSVD;

	why = vtd_kdump_read_qwords(w, pde & VTD_PDE_SMPTBLPTR, pe_first,
				    VTD_PE_QWORDS, pe, VTD_KDUMP_TABLE_PASID,
				    VTD_KDUMP_PASID_TBL_PTR);
	if (why)
		return why;
	memcpy(ctx->pasid_entry, pe, sizeof(pe));
	return vtd_kdump_decode_pasid_entry(w->hw, pe, ctx);
}

/* ------------------------------------------------------------------ */
/* Page tables                                                         */
/* ------------------------------------------------------------------ */

/* What distinguishes the first- from the second-level paging format */
struct vtd_kdump_pt_fmt {
	u64 present;		/* an entry is present if any bit is set */
	u64 read;		/* leaf bits reported as VTD_SL_R */
	u64 write;		/* leaf bits reported as VTD_SL_W */
	u64 ps;			/* page size bit */
	u64 addr;		/* address field */
	u64 large_ignore;	/* non-address bits of a 2M/1G leaf's field */
	u64 user;		/* U/S: clear in any entry denies user DMA */
	unsigned int ps_leaf_levels;	/* BIT(level): PS marks a leaf */
	unsigned int ps_ok_levels;	/* BIT(level): that leaf size exists */
	bool canonical;		/* upper half of the input is sign-extended */
};

static void vtd_kdump_sl_fmt(const struct vtd_kdump_hw *hw,
			     struct vtd_kdump_pt_fmt *f)
{
	*f = (struct vtd_kdump_pt_fmt) {
		.present	= VTD_SL_R | VTD_SL_W,
		.read		= VTD_SL_R,
		.write		= VTD_SL_W,
		.ps		= VTD_SL_PS,
		.addr		= VTD_SL_ADDR,
		.ps_leaf_levels	= BIT(2) | BIT(3),
		.ps_ok_levels	= ((hw->sllps & VTD_SLLPS_2M) ? BIT(2) : 0) |
				  ((hw->sllps & VTD_SLLPS_1G) ? BIT(3) : 0),
	};
}

static void vtd_kdump_fl_fmt(const struct vtd_kdump_hw *hw,
			     struct vtd_kdump_pt_fmt *f)
{
	*f = (struct vtd_kdump_pt_fmt) {
		.present	= VTD_FL_P,
		.read		= VTD_FL_P,
		.write		= VTD_FL_RW,
		.ps		= VTD_FL_PS,
		.addr		= VTD_FL_ADDR,
		.large_ignore	= VTD_FL_PAT_LARGE,
		.user		= VTD_FL_US,
		.ps_leaf_levels	= BIT(2) | BIT(3),
		.ps_ok_levels	= BIT(2) | (hw->fl1gp ? BIT(3) : 0),
		.canonical	= true,
	};
}

/*
 * Old RAM that holds no kdump RAM, remembered from the last classification
 * that found such a range: the table pages of a tree, and the memory its
 * leaves map, mostly lie in a few big ranges, so most classifications are
 * answered here without a search.  A zeroed hint is empty.
 */
struct vtd_kdump_ram_hint {
	u64 first;
	u64 last;		/* inclusive */
	bool valid;
};

/* One device's page-table walk */
struct vtd_kdump_pt_walk {
	const struct vtd_kdump_walker *w;
	const struct vtd_kdump_visitor *v;
	struct vtd_kdump_dev *dev;
	struct vtd_kdump_pt_fmt fmt;
	unsigned int top_level;
	u64 budget;		/* table pages this walk may read */
	u64 beyond_haw;		/* address bits at or above the host width */
	u64 keyid;		/* leaf address bits that select a KeyID */
	struct vtd_kdump_ram_hint table_hint;	/* where table pages lie */
	struct vtd_kdump_ram_hint leaf_hint;	/* what leaves map */
	/*
	 * VTD_SL_R / VTD_SL_W that the entries above a table at each level
	 * grant: access is allowed only if every level allows it (VT-d spec
	 * 3.6.1 and 3.7.1), so a leaf's own bits are ANDed with these.
	 */
	unsigned int prot[VTD_KDUMP_MAX_LEVELS + 1];
	/*
	 * First level: the entries above a table at each level all have U/S
	 * set.  A request-without-PASID is a user-mode request (3.6): it
	 * faults unless U/S is set at every level down to the leaf.
	 */
	bool user[VTD_KDUMP_MAX_LEVELS + 1];
};

/* Adjacent old-RAM ranges a hint joins on either side, at most */
#define VTD_KDUMP_HINT_JOIN	8

/*
 * Remember the old RAM around @phys, which was just classified as such:
 * the range holding it, joined with adjacent ones, less any kdump RAM.
 */
static void vtd_kdump_hint_set(const struct vtd_kdump_memmap *mem,
			       struct vtd_kdump_ram_hint *h, u64 phys)
{
	const struct vtd_kdump_range *r = mem->old_ram;
	unsigned int i = vtd_kdump_range_search(r, mem->nr_old_ram, phys);
	unsigned int k = vtd_kdump_range_search(mem->kdump_ram,
						mem->nr_kdump_ram, phys);
	unsigned int j, n;

	h->valid = i < mem->nr_old_ram && r[i].start <= phys;
	if (!h->valid)
		return;
	h->first = r[i].start;
	h->last = r[i].end;
	/* sorted and disjoint: r[j].end + 1 cannot wrap while r[j + 1] exists */
	for (j = i, n = 0; j && n < VTD_KDUMP_HINT_JOIN &&
	     r[j - 1].end + 1 == r[j].start; j--, n++)
		h->first = r[j - 1].start;
	for (j = i, n = 0; j + 1 < mem->nr_old_ram && n < VTD_KDUMP_HINT_JOIN &&
	     r[j].end + 1 == r[j + 1].start; j++, n++)
		h->last = r[j + 1].end;
	/* kdump_ram[k] starts above @phys, kdump_ram[k - 1] ends below it */
	if (k < mem->nr_kdump_ram)
		h->last = min(h->last, mem->kdump_ram[k].start - 1);
	if (k)
		h->first = max(h->first, mem->kdump_ram[k - 1].end + 1);
}

/* vtd_kdump_classify(), answered from @h when the range lies inside it */
static enum vtd_kdump_mem
vtd_kdump_classify_hinted(const struct vtd_kdump_memmap *mem,
			  struct vtd_kdump_ram_hint *h, u64 phys, u64 size)
{
	u64 last = phys + size - 1;
	enum vtd_kdump_mem what;

	if (h->valid && size && last >= phys && phys >= h->first &&
	    last <= h->last)
		return VTD_KDUMP_MEM_OLD_RAM;
	what = vtd_kdump_classify(mem, phys, size);
	if (what == VTD_KDUMP_MEM_OLD_RAM)
		vtd_kdump_hint_set(mem, h, phys);
	return what;
}

static void vtd_kdump_visited_reset(struct vtd_kdump_visited *vs)
{
	if (!vs)
		return;
	if (!++vs->gen) {
		memset(vs->gens, 0, sizeof(*vs->gens) << vs->order);
		vs->gen = 1;
	}
}

static unsigned int vtd_kdump_visited_order(const struct vtd_kdump_visited *vs)
{
	return min_t(unsigned int, vs->order, VTD_KDUMP_VISITED_MAX_ORDER);
}

/* Add @phys; %VTD_KDUMP_PGTABLE_REVISIT if it was there already */
static enum vtd_kdump_reason vtd_kdump_visited_add(struct vtd_kdump_visited *vs,
						   u64 phys)
{
	unsigned int order = vtd_kdump_visited_order(vs);
	u32 mask = BIT(order) - 1;
	u32 i = order ? (phys >> VTD_KDUMP_PAGE_SHIFT) * VTD_KDUMP_HASH_MUL >>
			(64 - order) : 0;
	u32 n;

	for (n = 0; n <= mask; n++, i = (i + 1) & mask) {
		if (vs->gens[i] != vs->gen) {
			vs->gens[i] = vs->gen;
			vs->slots[i] = phys;
			return VTD_KDUMP_OK;
		}
		if (vs->slots[i] == phys)
			return VTD_KDUMP_PGTABLE_REVISIT;
	}
	return VTD_KDUMP_BUDGET;
}

static u64 vtd_kdump_walk_budget(const struct vtd_kdump_walker *w)
{
	if (!w->visited || !w->visited->slots || !w->visited->gens)
		return 0;
	return min_t(u64, w->budget,
		     BIT_ULL(vtd_kdump_visited_order(w->visited)) / 2);
}

/* May the walk read the table page at @phys? */
static enum vtd_kdump_reason vtd_kdump_claim_table(struct vtd_kdump_pt_walk *st,
						   u64 phys)
{
	switch (vtd_kdump_classify_hinted(st->w->mem, &st->table_hint, phys,
					  VTD_KDUMP_PAGE_SIZE)) {
	case VTD_KDUMP_MEM_OLD_RAM:
		break;
	case VTD_KDUMP_MEM_KDUMP:
		return VTD_KDUMP_PGTABLE_KDUMP;
	default:
		return VTD_KDUMP_PGTABLE_PTR;
	}
	if (st->dev->table_pages >= st->budget)
		return VTD_KDUMP_BUDGET;
	return vtd_kdump_visited_add(st->w->visited, phys);
}

static enum vtd_kdump_reason
vtd_kdump_leaf_mem_reason(const struct vtd_kdump_walker *w,
			  enum vtd_kdump_mem mem)
{
	switch (mem) {
	case VTD_KDUMP_MEM_OLD_RAM:
		return VTD_KDUMP_OK;
	case VTD_KDUMP_MEM_KDUMP:
		return w->kdump_leaves_ok ? VTD_KDUMP_OK : VTD_KDUMP_LEAF_KDUMP;
	default:
		return VTD_KDUMP_LEAF_NOT_RAM;
	}
}

static void vtd_kdump_reject(struct vtd_kdump_pt_walk *st, u64 iova, u64 size,
			     enum vtd_kdump_reason why)
{
	st->dev->rejected_leaves++;
	if (st->v->reject)
		st->v->reject(st->v->arg, iova, size, why);
}

static bool vtd_kdump_is_leaf(const struct vtd_kdump_pt_fmt *f, u64 pte,
			      unsigned int level)
{
	return level == 1 ||
	       ((pte & f->ps) && (f->ps_leaf_levels & BIT(level)));
}

/* First byte that the leaf @pte at @level maps */
static u64 vtd_kdump_leaf_phys(const struct vtd_kdump_pt_fmt *f, u64 pte,
			       unsigned int level)
{
	return pte & f->addr & ~(vtd_kdump_level_size(level) - 1);
}

/* The checks of the leaf @pte at @level that do not need the memory map */
static enum vtd_kdump_reason
vtd_kdump_leaf_bits(const struct vtd_kdump_pt_walk *st, u64 pte,
		    unsigned int level)
{
	const struct vtd_kdump_pt_fmt *f = &st->fmt;
	u64 addr = pte & f->addr;
	u64 low = (vtd_kdump_level_size(level) - 1) & f->addr;

	if (level > 1) {
		if (!(f->ps_ok_levels & BIT(level)))
			return VTD_KDUMP_LEAF_RSVD;
		low &= ~f->large_ignore;
	}
	if ((addr & st->beyond_haw) || (addr & low))
		return VTD_KDUMP_LEAF_RSVD;
	if (f->user && !((pte & f->user) && st->user[level]))
		return VTD_KDUMP_LEAF_PRIV;
	return VTD_KDUMP_OK;
}

/* The access rights @pte grants, as VTD_SL_R / VTD_SL_W */
static unsigned int vtd_kdump_entry_prot(const struct vtd_kdump_pt_fmt *f,
					 u64 pte)
{
	return ((pte & f->read) ? VTD_SL_R : 0) |
	       ((pte & f->write) ? VTD_SL_W : 0);
}

/*
 * Count @n validated leaves at @level, the first one @pte at @iova, the
 * others following it in IOVA and in memory, and report them to the
 * visitor as one range.
 */
static enum vtd_kdump_reason
vtd_kdump_visit_leaves(struct vtd_kdump_pt_walk *st, u64 pte,
		       unsigned int level, u64 iova, unsigned int n)
{
	const struct vtd_kdump_pt_fmt *f = &st->fmt;
	u64 size = (u64)n << vtd_kdump_level_shift(level);
	unsigned int prot;
	int ret;

	st->dev->leaves += n;
	st->dev->mapped_bytes += size;
	if (!st->v->leaf)
		return VTD_KDUMP_OK;
	prot = vtd_kdump_entry_prot(f, pte) & st->prot[level];
	ret = st->v->leaf(st->v->arg, iova, vtd_kdump_leaf_phys(f, pte, level),
			  size, prot);
	if (ret) {
		st->dev->visit_err = ret;
		return VTD_KDUMP_VISIT_ABORTED;
	}
	return VTD_KDUMP_OK;
}

/* Check the leaf @pte at @level; report it, or reject it and go on */
static enum vtd_kdump_reason vtd_kdump_walk_leaf(struct vtd_kdump_pt_walk *st,
						 u64 pte, unsigned int level,
						 u64 iova)
{
	u64 size = vtd_kdump_level_size(level);
	u64 phys = vtd_kdump_leaf_phys(&st->fmt, pte, level);
	enum vtd_kdump_reason why;
	enum vtd_kdump_mem mem;

	why = vtd_kdump_leaf_bits(st, pte, level);
	if (!why) {
		/* a KeyID alias reaches the memory without the KeyID */
		mem = vtd_kdump_classify_hinted(st->w->mem, &st->leaf_hint,
						phys & ~st->keyid, size);
		why = vtd_kdump_leaf_mem_reason(st->w, mem);
	}
	if (why) {
		vtd_kdump_reject(st, iova, size, why);
		return VTD_KDUMP_OK;
	}
	return vtd_kdump_visit_leaves(st, pte, level, iova, 1);
}

/*
 * Would each leaf mapping a part of [@phys, @phys + @size) pass the memory
 * map checks of vtd_kdump_walk_leaf()?  Yes if the whole range is old RAM
 * (then so is every part of it) or, with @kdump_leaves_ok, if it lies
 * wholly in kdump RAM (then every part of it overlaps kdump RAM).  False
 * says only that the leaves must be checked one by one.
 */
static bool vtd_kdump_run_mem_ok(struct vtd_kdump_pt_walk *st, u64 phys,
				 u64 size)
{
	const struct vtd_kdump_memmap *mem = st->w->mem;

	if (vtd_kdump_classify_hinted(mem, &st->leaf_hint, phys, size) ==
	    VTD_KDUMP_MEM_OLD_RAM)
		return true;
	return st->w->kdump_leaves_ok &&
	       vtd_kdump_ranges_cover(mem->kdump_ram, mem->nr_kdump_ram, phys,
				      phys + size - 1);
}

/*
 * May the @n leaves @pte, @pte + size, @pte + 2 * size, ... at @level be
 * accepted without checking each?  When no carry left their address field,
 * they differ in the address only: the reserved bits, the page-size rule
 * and the alignment of each are those of the last one, whose address is
 * the highest (host address width); what they map is one range, if no
 * carry reached the KeyID bits either.  False sends the run through
 * vtd_kdump_walk_leaf(), entry by entry, so that the bad entries in it are
 * rejected and the good ones kept.
 */
static bool vtd_kdump_run_valid(struct vtd_kdump_pt_walk *st, u64 pte,
				unsigned int level, unsigned int n)
{
	unsigned int shift = vtd_kdump_level_shift(level);
	u64 last = pte + ((u64)(n - 1) << shift);
	u64 phys = vtd_kdump_leaf_phys(&st->fmt, pte, level);

	if ((last ^ pte) & (~st->fmt.addr | st->keyid))
		return false;
	if (vtd_kdump_leaf_bits(st, last, level))
		return false;
	return vtd_kdump_run_mem_ok(st, phys & ~st->keyid, (u64)n << shift);
}

/*
 * The @n leaf entries at @level from @iova on are @pte, @pte + size, ...:
 * check them as one run when that is equivalent, else one by one.
 */
static enum vtd_kdump_reason vtd_kdump_walk_run(struct vtd_kdump_pt_walk *st,
						u64 pte, unsigned int level,
						u64 iova, unsigned int n)
{
	u64 size = vtd_kdump_level_size(level);
	enum vtd_kdump_reason why = VTD_KDUMP_OK;
	unsigned int k;

	if (n > 1 && vtd_kdump_run_valid(st, pte, level, n))
		return vtd_kdump_visit_leaves(st, pte, level, iova, n);
	for (k = 0; k < n && !why; k++)
		why = vtd_kdump_walk_leaf(st, pte + k * size, level,
					  iova + k * size);
	return why;
}

/*
 * Entries are compared a block at a time, without a branch inside a block,
 * so that the compiler can turn the compare into a few wide instructions.
 */
#define VTD_KDUMP_SCAN_BLOCK	16

/*
 * Number of entries from @table[@first] on, before @end, in which each
 * entry is the one before plus @step: @table[@first] is @pte, read once
 * by the caller, the next @pte + @step, and so on.  At least 1.
 *
 * Only this count comes out of the plain loads below: the caller goes on
 * with @pte and the count, never with the entries as read here, so a table
 * that changes meanwhile can only change which run gets checked, never let
 * an unchecked value through.
 */
static unsigned int vtd_kdump_run_length(const u64 *table, unsigned int first,
					 unsigned int end, u64 pte, u64 step)
{
	const u64 *p = table + first + 1, *stop = table + end;
	const u64 *prev;
	u64 diff;
	unsigned int k;

	if (p < stop && *p != pte + step)
		return 1;
	while (stop - p >= VTD_KDUMP_SCAN_BLOCK) {
		prev = p - 1;
		diff = 0;
		for (k = 0; k < VTD_KDUMP_SCAN_BLOCK; k++)
			diff |= (p[k] - prev[k]) ^ step;
		if (diff)
			break;
		p += VTD_KDUMP_SCAN_BLOCK;
	}
	while (p < stop && *p - p[-1] == step)
		p++;
	return p - table - first;
}

/* Entries vtd_kdump_or_block() folds into one value */
#define VTD_KDUMP_OR_BLOCK	8

/* The OR of the VTD_KDUMP_OR_BLOCK entries at @p, as a tree of ORs */
static u64 vtd_kdump_or_block(const u64 *p)
{
	return ((p[0] | p[1]) | (p[2] | p[3])) |
	       ((p[4] | p[5]) | (p[6] | p[7]));
}

/*
 * Number of entries from @table[@first] on, before @end, that are not
 * present (at least 1: the caller found @table[@first] not present).
 * What they hold is ignored, as the hardware ignores it.
 */
static unsigned int vtd_kdump_absent_length(const u64 *table,
					    unsigned int first,
					    unsigned int end, u64 present)
{
	const u64 *p = table + first + 1, *stop = table + end;

	while (stop - p >= VTD_KDUMP_OR_BLOCK &&
	       !(vtd_kdump_or_block(p) & present))
		p += VTD_KDUMP_OR_BLOCK;
	while (p < stop && !(*p & present))
		p++;
	return p - table - first;
}

static enum vtd_kdump_reason vtd_kdump_walk_table(struct vtd_kdump_pt_walk *st,
						  u64 phys, unsigned int level,
						  u64 base);

/* Follow the present, non-leaf entry @pte at @level to the next table */
static enum vtd_kdump_reason
vtd_kdump_walk_pointer(struct vtd_kdump_pt_walk *st, u64 pte,
		       unsigned int level, u64 iova)
{
	const struct vtd_kdump_pt_fmt *f = &st->fmt;

	/* PS in a PML4/PML5 (first level) or level 4/5 (second) entry */
	if ((pte & f->ps) || (pte & f->addr & st->beyond_haw))
		return VTD_KDUMP_PGTABLE_RSVD;
	st->prot[level - 1] = st->prot[level] & vtd_kdump_entry_prot(f, pte);
	st->user[level - 1] = st->user[level] && (pte & f->user);
	return vtd_kdump_walk_table(st, pte & f->addr, level - 1, iova);
}

/*
 * First-level input addresses are canonical: the upper half of the top
 * table translates sign-extended IOVAs, which no DMA domain of the new
 * kernel can hold (its aperture ends below bit N-1).  Return: the index of
 * the first entry of a table at @level beyond the aperture.
 */
static unsigned int vtd_kdump_aperture_end(const struct vtd_kdump_pt_walk *st,
					   unsigned int level)
{
	if (st->fmt.canonical && level == st->top_level)
		return VTD_KDUMP_PTES_PER_TABLE / 2;
	return VTD_KDUMP_PTES_PER_TABLE;
}

/* Reject the present entries of @table from index @first on */
static void vtd_kdump_reject_beyond(struct vtd_kdump_pt_walk *st,
				    const u64 *table, unsigned int level,
				    u64 base, unsigned int first)
{
	unsigned int shift = vtd_kdump_level_shift(level);
	unsigned int i;

	for (i = first; i < VTD_KDUMP_PTES_PER_TABLE; i++) {
		u64 iova = base + ((u64)i << shift);

		if (READ_ONCE(table[i]) & st->fmt.present)
			vtd_kdump_reject(st, iova | GENMASK_ULL(63, shift +
					 VTD_KDUMP_LEVEL_STRIDE),
					 BIT_ULL(shift), VTD_KDUMP_IOVA_RANGE);
	}
}

/*
 * Walk entries 0 to @end - 1 of @table at @level: absent entries and runs
 * of leaves a stretch at a time, pointers to lower tables one by one.
 */
static enum vtd_kdump_reason
vtd_kdump_walk_entries(struct vtd_kdump_pt_walk *st, const u64 *table,
		       unsigned int level, u64 base, unsigned int end)
{
	const struct vtd_kdump_pt_fmt *f = &st->fmt;
	unsigned int shift = vtd_kdump_level_shift(level);
	enum vtd_kdump_reason why = VTD_KDUMP_OK;
	unsigned int i, n;

	for (i = 0; i < end && !why; i += n) {
		u64 pte = READ_ONCE(table[i]);
		u64 iova = base + ((u64)i << shift);

		if (!(pte & f->present)) {
			n = vtd_kdump_absent_length(table, i, end, f->present);
		} else if (vtd_kdump_is_leaf(f, pte, level)) {
			n = vtd_kdump_run_length(table, i, end, pte,
						 BIT_ULL(shift));
			why = vtd_kdump_walk_run(st, pte, level, iova, n);
		} else {
			n = 1;
			why = vtd_kdump_walk_pointer(st, pte, level, iova);
		}
	}
	return why;
}

static enum vtd_kdump_reason vtd_kdump_walk_table(struct vtd_kdump_pt_walk *st,
						  u64 phys, unsigned int level,
						  u64 base)
{
	unsigned int end = vtd_kdump_aperture_end(st, level);
	enum vtd_kdump_reason why;
	const u64 *table;

	why = vtd_kdump_claim_table(st, phys);
	if (why)
		return why;
	table = st->w->ops->map(st->w->ops_ctx, phys);
	if (!table)
		return VTD_KDUMP_MAP_FAILED;
	st->dev->table_pages++;
	vtd_kdump_note_table(st->w, phys, VTD_KDUMP_TABLE_PAGE, level);

	why = vtd_kdump_walk_entries(st, table, level, base, end);
	if (!why)
		vtd_kdump_reject_beyond(st, table, level, base, end);
	st->w->ops->unmap(st->w->ops_ctx, table);
	return why;
}

static bool vtd_kdump_levels_valid(const struct vtd_kdump_ctx *ctx)
{
	unsigned int min = ctx->format == VTD_KDUMP_FMT_FIRST_LEVEL ?
			   VTD_KDUMP_FL_MIN_LEVELS : VTD_KDUMP_SL_MIN_LEVELS;

	return ctx->levels >= min && ctx->levels <= VTD_KDUMP_MAX_LEVELS;
}

/**
 * vtd_kdump_walk_dev() - validate a device's translation and visit its leaves
 * @w: the walker
 * @dev: a device as passed to the &vtd_kdump_dev_fn of vtd_kdump_walk_root()
 * @v: called for the validated leaves, in ascending IOVA order and runs of
 *     them at a time (see &vtd_kdump_leaf_fn), and for each rejected leaf
 *
 * In scalable mode the RID_PASID entry is read first and decides the
 * format.  The page tables are then walked depth first; each table page
 * must be old RAM, is read at most once and counts against @w->budget.
 * Every leaf entry gets the same checks whether it is part of a run or
 * not: a run is accepted as a whole only when that is equivalent to
 * accepting each of its entries, and walked entry by entry otherwise.
 * A leaf whose address has KeyID bits (MKTME, TDX) is judged by the memory
 * it reaches, the address without them; a table pointer with KeyID bits is
 * not old RAM: the IOMMU would read the table through a key the kdump
 * kernel does not read it with.
 * First-level leaves are checked as a request-without-PASID sees them, a
 * user-mode request (VT-d spec 3.6): a leaf below an entry with U/S clear
 * is refused (%VTD_KDUMP_LEAF_PRIV).  XD is not looked at: it restricts
 * execute requests only.
 * A structural failure (a bad table pointer, reserved bits in a non-leaf
 * entry, a page reached twice, the budget) stops the walk; a bad leaf is
 * only rejected.  Leaves reported before a structural failure must be
 * discarded by the caller: the verdict is for the whole device.
 *
 * Return: the verdict, also stored in @dev->reason; a device whose
 * @dev->reason is already set is returned unchanged.
 */
enum vtd_kdump_reason vtd_kdump_walk_dev(const struct vtd_kdump_walker *w,
					 struct vtd_kdump_dev *dev,
					 const struct vtd_kdump_visitor *v)
{
	struct vtd_kdump_pt_walk st = { .w = w, .v = v, .dev = dev };
	struct vtd_kdump_ctx *ctx = &dev->ctx;
	enum vtd_kdump_reason why = VTD_KDUMP_OK;

	if (dev->reason)
		return dev->reason;
	dev->leaves = 0;
	dev->mapped_bytes = 0;
	dev->rejected_leaves = 0;
	dev->table_pages = 0;
	dev->visit_err = 0;

	if (w->hw->scalable && (ctx->raw[0] & VTD_SMCE_LO_P))
		why = vtd_kdump_resolve_rid_pasid(w, ctx);
	if (why || (ctx->format != VTD_KDUMP_FMT_SECOND_LEVEL &&
		    ctx->format != VTD_KDUMP_FMT_FIRST_LEVEL))
		goto out;
	if (!vtd_kdump_levels_valid(ctx)) {
		why = VTD_KDUMP_CTX_AW;
		goto out;
	}

	if (ctx->format == VTD_KDUMP_FMT_FIRST_LEVEL)
		vtd_kdump_fl_fmt(w->hw, &st.fmt);
	else
		vtd_kdump_sl_fmt(w->hw, &st.fmt);
	st.top_level = ctx->levels;
	st.prot[st.top_level] = VTD_SL_R | VTD_SL_W;
	st.user[st.top_level] = true;
	st.beyond_haw = vtd_kdump_beyond_haw(w->hw, U64_MAX);
	st.keyid = vtd_kdump_keyid_bits(w->hw);
	st.budget = vtd_kdump_walk_budget(w);
	vtd_kdump_visited_reset(w->visited);
	why = vtd_kdump_walk_table(&st, ctx->pgtable, ctx->levels, 0);
out:
	dev->reason = why;
	return why;
}
