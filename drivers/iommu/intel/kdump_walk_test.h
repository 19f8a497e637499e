/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test cases for the VT-d kdump walker, shared by KUnit
 * (kdump_walk_kunit.c) and the userspace harness
 * (tools/testing/vtd-kdump/userspace/).
 *
 * A test world is an array of 4 KiB pages standing in for the crashed
 * kernel's memory at a fake physical base, with a memory map around it:
 *
 *   VTD_KT_BASE ...          buffer pages: old RAM (two adjacent ranges)
 *                            with a hole of kdump RAM near the end
 *   VTD_KT_DATA [4G, 6G)     old RAM outside the buffer, as two adjacent
 *                            ranges split at VTD_KT_DATA_SPLIT: leaf targets
 *   [6G, 6G + 256M)          kdump RAM
 *   [6G + 256M, 8G)          old RAM
 *   anything else            MMIO, holes (e.g. VTD_KT_MMIO)
 *
 * Builders lay out root, context (legacy and scalable), PASID and first- or
 * second-level page tables in it.  Each row of vtd_kt_rules[] corrupts one
 * entry of a standard world and says what the walk must conclude.
 *
 * Everything is static inline so that each test driver uses what it needs.
 */
#ifndef _INTEL_IOMMU_KDUMP_WALK_TEST_H
#define _INTEL_IOMMU_KDUMP_WALK_TEST_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "kdump_walk.h"

#define VTD_KT_BASE		0x10000000ULL	/* buffer page 0 */
#define VTD_KT_HOLE_PAGES	4
#define VTD_KT_DATA		0x100000000ULL	/* 4 GiB */
#define VTD_KT_DATA_SPLIT	0x140100000ULL	/* 5 GiB + 1 MiB */
#define VTD_KT_DATA_KDUMP	0x180000000ULL	/* 6 GiB */
#define VTD_KT_DATA_KDUMP_END	0x18fffffffULL
#define VTD_KT_DATA_END		0x1ffffffffULL	/* 8 GiB - 1 */
#define VTD_KT_MMIO		0xc0000000ULL	/* 3 GiB: in no range */
#define VTD_KT_HAW		46
/* A CPU address width below the HAW (MKTME, TDX), and a KeyID bit above it */
#define VTD_KT_PHYS_BITS	34
#define VTD_KT_KEYID		BIT_ULL(40)
#define VTD_KT_NDOMS		256
#define VTD_KT_MAX_LIVE		16
#define VTD_KT_MAX_RECS		8
#define VTD_KT_REC_MAPS		8	/* maps a record keeps */
#define VTD_KT_MAX_PAGES	512	/* table pages all walks report */
#define VTD_KT_MAX_LEAVES	128
#define VTD_KT_VISITED_ORDER	10
#define VTD_KT_BUDGET		256
/*
 * A property failure (VTD_KT_WHY_LEN) goes into an error message with some
 * context: the message buffers are twice as long, so nothing is cut off
 */
#define VTD_KT_WHY_LEN		160
#define VTD_KT_ERR_LEN		(2 * VTD_KT_WHY_LEN)

#define VTD_KT_BUS_A		1
#define VTD_KT_DEVFN_A		0x10
#define VTD_KT_DID_A		5
#define VTD_KT_BUS_B		2
#define VTD_KT_DEVFN_B		0x90
#define VTD_KT_DID_B		1
#define VTD_KT_RID_PASID_B	100	/* directory entry 1, table entry 36 */

#define VTD_KT_SZ_4K		0x1000ULL
#define VTD_KT_SZ_2M		0x200000ULL
#define VTD_KT_SZ_1G		0x40000000ULL

/* Linux sets these in its entries; the walker must accept them */
#define VTD_KT_SL_SNP		BIT_ULL(11)
#define VTD_KT_FL_US		BIT_ULL(2)
#define VTD_KT_FL_A		BIT_ULL(5)

/* ------------------------------------------------------------------ */
/* Old memory and its ops                                              */
/* ------------------------------------------------------------------ */

struct vtd_kt_mem {
	u8 *buf;			/* nr_pages * 4 KiB, zeroed */
	unsigned int nr_pages;
	unsigned int hole_first;	/* first buffer page of kdump RAM */
	unsigned int next;		/* next page to allocate */
	bool full;			/* an allocation failed */
	struct vtd_kdump_range old_ram[4];
	struct vtd_kdump_range kdump_ram[2];
	struct vtd_kdump_memmap map;
	/* What the ops saw */
	const void *live[VTD_KT_MAX_LIVE];
	unsigned int nr_live;
	unsigned int max_live;
	unsigned long maps;
	unsigned long violations;
	char why[VTD_KT_WHY_LEN];	/* first violation */
	/* each page read must be reported to walker->table before the next */
	bool check_tables;
	bool unreported;		/* @read was mapped, not yet reported */
	u64 read;
};

static inline u64 vtd_kt_page_phys(const struct vtd_kt_mem *m, unsigned int pg)
{
	return VTD_KT_BASE + (u64)pg * VTD_KDUMP_PAGE_SIZE;
}

static inline u64 vtd_kt_buf_end(const struct vtd_kt_mem *m)
{
	return vtd_kt_page_phys(m, m->nr_pages);
}

/* The kdump hole lies near the end, with two old-RAM pages after it */
static inline void vtd_kt_mem_init(struct vtd_kt_mem *m, u8 *buf,
				   unsigned int nr_pages)
{
	unsigned int split = nr_pages / 2;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->nr_pages = nr_pages;
	m->hole_first = nr_pages - VTD_KT_HOLE_PAGES - 2;
	memset(buf, 0, (size_t)nr_pages * VTD_KDUMP_PAGE_SIZE);

	m->old_ram[0].start = vtd_kt_page_phys(m, 0);
	m->old_ram[0].end = vtd_kt_page_phys(m, split) - 1;
	m->old_ram[1].start = vtd_kt_page_phys(m, split);
	m->old_ram[1].end = vtd_kt_page_phys(m, m->hole_first) - 1;
	m->old_ram[2].start = vtd_kt_page_phys(m, m->hole_first +
					       VTD_KT_HOLE_PAGES);
	m->old_ram[2].end = vtd_kt_buf_end(m) - 1;
	m->kdump_ram[0].start = vtd_kt_page_phys(m, m->hole_first);
	m->kdump_ram[0].end = m->old_ram[2].start - 1;
	m->kdump_ram[1].start = VTD_KT_DATA_KDUMP;
	m->kdump_ram[1].end = VTD_KT_DATA_KDUMP_END;
	m->map.old_ram = m->old_ram;
	m->map.nr_old_ram = 3;
	m->map.kdump_ram = m->kdump_ram;
	m->map.nr_kdump_ram = 2;
}

/*
 * Add the old RAM outside the buffer, [4G, 6G) as two adjacent ranges.  It
 * comes after the buffer, so the array stays sorted.  The buffer's own two
 * adjacent ranges are merged to make room.  [6G + 256M, 8G] stays out of
 * the map: leaves there are "not RAM".
 */
static inline void vtd_kt_mem_add_data(struct vtd_kt_mem *m)
{
	m->old_ram[0].end = m->old_ram[1].end;
	m->old_ram[1] = m->old_ram[2];
	m->old_ram[2].start = VTD_KT_DATA;
	m->old_ram[2].end = VTD_KT_DATA_SPLIT - 1;
	m->old_ram[3].start = VTD_KT_DATA_SPLIT;
	m->old_ram[3].end = VTD_KT_DATA_KDUMP - 1;
	m->map.nr_old_ram = 4;
}

/*
 * Independent, linear classification: the reference the walker's binary
 * search is checked against.
 */
static inline enum vtd_kdump_mem vtd_kt_naive_classify(const struct vtd_kt_mem *m,
						       u64 phys, u64 size)
{
	const struct vtd_kdump_memmap *map = &m->map;
	u64 last = phys + size - 1, next = phys;
	unsigned int i;

	if (!size || last < phys)
		return VTD_KDUMP_MEM_OTHER;
	for (i = 0; i < map->nr_kdump_ram; i++)
		if (map->kdump_ram[i].start <= last && map->kdump_ram[i].end >= phys)
			return VTD_KDUMP_MEM_KDUMP;
	for (i = 0; i < map->nr_old_ram; i++) {
		if (map->old_ram[i].start > next || map->old_ram[i].end < next)
			continue;
		if (map->old_ram[i].end >= last)
			return VTD_KDUMP_MEM_OLD_RAM;
		next = map->old_ram[i].end + 1;
		i = -1U;	/* rescan: the next range may come anywhere */
	}
	return VTD_KDUMP_MEM_OTHER;
}

static inline void vtd_kt_violation(struct vtd_kt_mem *m, const char *what,
				    u64 phys)
{
	if (!m->violations++)
		snprintf(m->why, sizeof(m->why), "%s at %#llx", what,
			 (unsigned long long)phys);
}

static inline bool vtd_kt_in_buf(const struct vtd_kt_mem *m, u64 phys)
{
	return phys >= VTD_KT_BASE && phys < vtd_kt_buf_end(m);
}

/* ops->map(): only page-aligned old RAM, and only the buffer is backed */
static inline const void *vtd_kt_map(void *ctx, u64 phys)
{
	struct vtd_kt_mem *m = ctx;
	const void *va;

	m->maps++;
	if (phys & ~VTD_KDUMP_ADDR_MASK) {
		vtd_kt_violation(m, "map of unaligned address", phys);
		return NULL;
	}
	if (vtd_kt_naive_classify(m, phys, VTD_KDUMP_PAGE_SIZE) !=
	    VTD_KDUMP_MEM_OLD_RAM) {
		vtd_kt_violation(m, "map of a page that is not old RAM", phys);
		return NULL;
	}
	if (!vtd_kt_in_buf(m, phys))
		return NULL;	/* old RAM the test does not back: map fails */
	if (m->nr_live == VTD_KT_MAX_LIVE) {
		vtd_kt_violation(m, "too many live mappings", phys);
		return NULL;
	}
	va = m->buf + (phys - VTD_KT_BASE);
	if (m->check_tables) {
		if (m->unreported)
			vtd_kt_violation(m, "table page read, not reported",
					 m->read);
		m->unreported = true;
		m->read = phys;
	}
	m->live[m->nr_live++] = va;
	if (m->nr_live > m->max_live)
		m->max_live = m->nr_live;
	return va;
}

static inline void vtd_kt_unmap(void *ctx, const void *va)
{
	struct vtd_kt_mem *m = ctx;
	unsigned int i;

	if (m->check_tables && m->unreported)
		vtd_kt_violation(m, "table page released, not reported",
				 m->read);
	for (i = 0; i < m->nr_live; i++) {
		if (m->live[i] != va)
			continue;
		m->live[i] = m->live[--m->nr_live];
		return;
	}
	vtd_kt_violation(m, "unmap of a view not mapped", 0);
}

static const struct vtd_kdump_ops vtd_kt_ops = {
	.map = vtd_kt_map,
	.unmap = vtd_kt_unmap,
};

/* Builder: allocate a zeroed buffer page, skipping the kdump hole */
static inline u64 vtd_kt_alloc(struct vtd_kt_mem *m)
{
	if (m->next == m->hole_first)
		m->next += VTD_KT_HOLE_PAGES;
	if (m->next >= m->nr_pages) {
		m->full = true;
		return VTD_KT_BASE;
	}
	return vtd_kt_page_phys(m, m->next++);
}

static inline u64 *vtd_kt_qword(struct vtd_kt_mem *m, u64 phys)
{
	static u64 dummy;

	if (!vtd_kt_in_buf(m, phys) || (phys & (sizeof(u64) - 1))) {
		m->full = true;
		return &dummy;
	}
	return (u64 *)(m->buf + (phys - VTD_KT_BASE));
}

static inline void vtd_kt_wr(struct vtd_kt_mem *m, u64 phys, u64 val)
{
	*vtd_kt_qword(m, phys) = val;
}

static inline u64 vtd_kt_rd(struct vtd_kt_mem *m, u64 phys)
{
	return *vtd_kt_qword(m, phys);
}

/* ------------------------------------------------------------------ */
/* Worlds                                                              */
/* ------------------------------------------------------------------ */

enum vtd_kt_kind {
	VTD_KT_LEG_SL3,
	VTD_KT_LEG_SL4,
	VTD_KT_LEG_SL5,
	VTD_KT_LEG_PT,
	VTD_KT_SM_SL3,
	VTD_KT_SM_SL4,
	VTD_KT_SM_SL5,
	VTD_KT_SM_FL4,
	VTD_KT_SM_FL5,
	VTD_KT_SM_PT,
	VTD_KT_NR_KINDS,
};

#define VTD_KT_K(k)	BIT(VTD_KT_##k)
#define VTD_KT_LEG_SL	(VTD_KT_K(LEG_SL3) | VTD_KT_K(LEG_SL4) | VTD_KT_K(LEG_SL5))
#define VTD_KT_SM_SL	(VTD_KT_K(SM_SL3) | VTD_KT_K(SM_SL4) | VTD_KT_K(SM_SL5))
#define VTD_KT_SL	(VTD_KT_LEG_SL | VTD_KT_SM_SL)
#define VTD_KT_FL	(VTD_KT_K(SM_FL4) | VTD_KT_K(SM_FL5))
#define VTD_KT_PGTABLE	(VTD_KT_SL | VTD_KT_FL)
#define VTD_KT_LEG	(VTD_KT_LEG_SL | VTD_KT_K(LEG_PT))
#define VTD_KT_SM	(VTD_KT_SM_SL | VTD_KT_FL | VTD_KT_K(SM_PT))
#define VTD_KT_ALL	(VTD_KT_LEG | VTD_KT_SM)

struct vtd_kt_kind_desc {
	const char *name;
	bool scalable;
	enum vtd_kdump_format format;
	unsigned int levels;
};

static const struct vtd_kt_kind_desc vtd_kt_kinds[VTD_KT_NR_KINDS] = {
	[VTD_KT_LEG_SL3] = { "legacy-sl3", false, VTD_KDUMP_FMT_SECOND_LEVEL, 3 },
	[VTD_KT_LEG_SL4] = { "legacy-sl4", false, VTD_KDUMP_FMT_SECOND_LEVEL, 4 },
	[VTD_KT_LEG_SL5] = { "legacy-sl5", false, VTD_KDUMP_FMT_SECOND_LEVEL, 5 },
	[VTD_KT_LEG_PT]  = { "legacy-pt", false, VTD_KDUMP_FMT_PASS_THROUGH, 0 },
	[VTD_KT_SM_SL3]  = { "sm-sl3", true, VTD_KDUMP_FMT_SECOND_LEVEL, 3 },
	[VTD_KT_SM_SL4]  = { "sm-sl4", true, VTD_KDUMP_FMT_SECOND_LEVEL, 4 },
	[VTD_KT_SM_SL5]  = { "sm-sl5", true, VTD_KDUMP_FMT_SECOND_LEVEL, 5 },
	[VTD_KT_SM_FL4]  = { "sm-fl4", true, VTD_KDUMP_FMT_FIRST_LEVEL, 4 },
	[VTD_KT_SM_FL5]  = { "sm-fl5", true, VTD_KDUMP_FMT_FIRST_LEVEL, 5 },
	[VTD_KT_SM_PT]   = { "sm-pt", true, VTD_KDUMP_FMT_PASS_THROUGH, 0 },
};

static inline void vtd_kt_default_hw(struct vtd_kdump_hw *hw, bool scalable)
{
	memset(hw, 0, sizeof(*hw));
	hw->scalable = scalable;
	hw->sagaw = VTD_SAGAW_3LEVEL | VTD_SAGAW_4LEVEL | VTD_SAGAW_5LEVEL;
	hw->sllps = VTD_SLLPS_2M | VTD_SLLPS_1G;
	hw->fl1gp = true;
	hw->fl5lp = true;
	hw->pass_through = true;
	hw->dev_iotlb = true;
	hw->flts = true;
	hw->slts = true;
	hw->prs = true;
	hw->rps = true;
	hw->haw = VTD_KT_HAW;
	hw->ndoms = VTD_KT_NDOMS;
	hw->pasid_bits = 20;
}

/* A leaf the builder installs, and the handles of its entries */
struct vtd_kt_leaf {
	u64 iova;
	u64 phys;
	u64 size;
	unsigned int prot;		/* VTD_SL_R / VTD_SL_W */
};

#define VTD_KT_MAX_LEVEL	5
#define VTD_KT_TOP_LEVEL	(VTD_KT_MAX_LEVEL + 1)	/* rule: the top one */

struct vtd_kt_path {
	u64 entry[VTD_KT_MAX_LEVEL + 1];	/* entry address per level */
	u64 table[VTD_KT_MAX_LEVEL + 1];	/* table holding it */
};

/* Standard world: device A (under test) and device B (bystander) */
struct vtd_kt_world {
	enum vtd_kt_kind kind;
	struct vtd_kdump_hw hw;
	u64 root;
	u64 root_entry_a;		/* root entry qword for A's table */
	u64 ctx_a;			/* A's context entry */
	u64 pde_a;			/* SM: A's PASID directory entry */
	u64 pe_a;			/* SM: A's PASID table entry */
	u64 top_a;			/* A's top page table */
	u64 top_b;			/* B's top page table */
	struct vtd_kt_path path[5];	/* per baseline leaf */
	unsigned int nr_leaves_a;
	unsigned int table_pages_a;
};

static inline unsigned int vtd_kt_shift(unsigned int level)
{
	return VTD_KDUMP_PAGE_SHIFT + VTD_KDUMP_LEVEL_STRIDE * (level - 1);
}

static inline unsigned int vtd_kt_index(u64 iova, unsigned int level)
{
	return (iova >> vtd_kt_shift(level)) & (VTD_KDUMP_PTES_PER_TABLE - 1);
}

static inline u64 vtd_kt_table_entry(bool fl, u64 table)
{
	return fl ? table | VTD_FL_P | VTD_FL_RW | VTD_KT_FL_US | VTD_KT_FL_A :
		    table | VTD_SL_R | VTD_SL_W;
}

static inline u64 vtd_kt_leaf_entry(bool fl, const struct vtd_kt_leaf *l)
{
	u64 e = l->phys;

	if (l->size > VTD_KT_SZ_4K)
		e |= fl ? VTD_FL_PS : VTD_SL_PS;
	if (fl)
		return e | VTD_FL_P | VTD_KT_FL_US | VTD_KT_FL_A |
		       ((l->prot & VTD_SL_W) ? VTD_FL_RW : 0);
	return e | VTD_KT_SL_SNP | (l->prot & (VTD_SL_R | VTD_SL_W));
}

static inline unsigned int vtd_kt_size_level(u64 size)
{
	return size == VTD_KT_SZ_1G ? 3 : size == VTD_KT_SZ_2M ? 2 : 1;
}

/*
 * Install leaf @l under the top table @top (@levels deep), allocating the
 * tables on the way.  Records the entries in @path if not NULL.
 * Return: the number of tables allocated.
 */
static inline unsigned int vtd_kt_install(struct vtd_kt_mem *m, bool fl,
					  u64 top, unsigned int levels,
					  const struct vtd_kt_leaf *l,
					  struct vtd_kt_path *path)
{
	unsigned int leaf_level = vtd_kt_size_level(l->size);
	unsigned int level, n = 0;
	u64 table = top;

	for (level = levels; level >= leaf_level; level--) {
		u64 e = table + vtd_kt_index(l->iova, level) * sizeof(u64);
		u64 val = vtd_kt_rd(m, e);

		if (path) {
			path->entry[level] = e;
			path->table[level] = table;
		}
		if (level == leaf_level) {
			vtd_kt_wr(m, e, vtd_kt_leaf_entry(fl, l));
			break;
		}
		if (!val) {
			val = vtd_kt_table_entry(fl, vtd_kt_alloc(m));
			vtd_kt_wr(m, e, val);
			n++;
		}
		table = val & VTD_SL_ADDR;
	}
	return n;
}

static const struct vtd_kt_leaf vtd_kt_leaves_a[] = {
	{ 0x1000, VTD_KT_DATA + 0x5000, VTD_KT_SZ_4K, VTD_SL_R | VTD_SL_W },
	{ 0x2000, VTD_KT_DATA + 0x9000, VTD_KT_SZ_4K, VTD_SL_R },
	{ 0x40000, VTD_KT_DATA + 0x1000, VTD_KT_SZ_4K, VTD_SL_R | VTD_SL_W },
	{ VTD_KT_SZ_1G + VTD_KT_SZ_2M, VTD_KT_DATA + VTD_KT_SZ_2M,
	  VTD_KT_SZ_2M, VTD_SL_R | VTD_SL_W },
	/* straddles the two adjacent old-RAM ranges at VTD_KT_DATA_SPLIT */
	{ 2 * VTD_KT_SZ_1G, VTD_KT_DATA + VTD_KT_SZ_1G, VTD_KT_SZ_1G, VTD_SL_W },
};

#define VTD_KT_A_LEAF4K		0
#define VTD_KT_A_LEAF2M		3
#define VTD_KT_A_LEAF1G		4
#define VTD_KT_A_LEAVES		ARRAY_SIZE(vtd_kt_leaves_a)
#define VTD_KT_A_BYTES		(3 * VTD_KT_SZ_4K + VTD_KT_SZ_2M + VTD_KT_SZ_1G)
#define VTD_KT_A_RUNS		4

static const struct vtd_kt_leaf vtd_kt_leaf_b = {
	0x3000, VTD_KT_DATA + 0x7000, VTD_KT_SZ_4K, VTD_SL_R | VTD_SL_W,
};

/* The entry of the translation structures for one device */
struct vtd_kt_dev_build {
	u8 bus;
	u8 devfn;
	u16 did;
	u32 rid_pasid;
	u64 ctx;			/* out: context entry */
	u64 pde;			/* out: PASID directory entry */
	u64 pe;				/* out: PASID table entry */
	u64 top;			/* out: top page table */
};

static inline u64 vtd_kt_ctx_table(struct vtd_kt_mem *m, u64 root, bool sm,
				   u8 bus, u8 devfn)
{
	u64 re = root + (u64)bus * 2 * sizeof(u64);
	u64 val;

	if (sm && devfn >= VTD_SM_CONTEXT_ENTRIES)
		re += sizeof(u64);
	val = vtd_kt_rd(m, re);
	if (!(val & VTD_RE_P)) {
		val = vtd_kt_alloc(m) | VTD_RE_P;
		vtd_kt_wr(m, re, val);
	}
	return val & VTD_RE_CTP;
}

static inline unsigned int vtd_kt_aw(unsigned int levels)
{
	return levels - VTD_AW_LEVEL_BIAS;
}

static inline void vtd_kt_build_legacy(struct vtd_kt_mem *m, u64 root,
				       const struct vtd_kt_kind_desc *k,
				       struct vtd_kt_dev_build *d)
{
	u64 ctx = vtd_kt_ctx_table(m, root, false, d->bus, d->devfn);
	bool pt = k->format == VTD_KDUMP_FMT_PASS_THROUGH;
	u64 lo, hi;

	d->ctx = ctx + (u64)d->devfn * 2 * sizeof(u64);
	d->top = pt ? 0 : vtd_kt_alloc(m);
	lo = d->top | FIELD_PREP(VTD_CE_LO_TT, pt ? VTD_CE_TT_PASS_THROUGH :
				 VTD_CE_TT_MULTI_LEVEL) | VTD_CE_LO_P;
	hi = FIELD_PREP(VTD_CE_HI_DID, d->did) |
	     FIELD_PREP(VTD_CE_HI_AW, vtd_kt_aw(pt ? 4 : k->levels));
	vtd_kt_wr(m, d->ctx, lo);
	vtd_kt_wr(m, d->ctx + sizeof(u64), hi);
}

static inline void vtd_kt_build_sm(struct vtd_kt_mem *m, u64 root,
				   const struct vtd_kt_kind_desc *k,
				   struct vtd_kt_dev_build *d)
{
	u64 ctx = vtd_kt_ctx_table(m, root, true, d->bus, d->devfn);
	u64 dir = vtd_kt_alloc(m), tbl = vtd_kt_alloc(m);
	u64 pe0 = VTD_PE0_P, pe2 = 0;

	d->ctx = ctx + (u64)(d->devfn % VTD_SM_CONTEXT_ENTRIES) *
		 VTD_SMCE_QWORDS * sizeof(u64);
	vtd_kt_wr(m, d->ctx, dir | VTD_SMCE_LO_PASIDE | VTD_SMCE_LO_DTE |
		  VTD_SMCE_LO_P);
	vtd_kt_wr(m, d->ctx + sizeof(u64),
		  FIELD_PREP(VTD_SMCE_HI_RID_PASID, d->rid_pasid));
	d->pde = dir + (d->rid_pasid >> VTD_PASID_TABLE_SHIFT) * sizeof(u64);
	vtd_kt_wr(m, d->pde, tbl | VTD_PDE_P);
	d->pe = tbl + (d->rid_pasid % VTD_PASID_TABLE_ENTRIES) *
		VTD_PE_QWORDS * sizeof(u64);

	d->top = k->format == VTD_KDUMP_FMT_PASS_THROUGH ? 0 : vtd_kt_alloc(m);
	switch (k->format) {
	case VTD_KDUMP_FMT_FIRST_LEVEL:
		pe0 |= FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_FL_ONLY) |
		       FIELD_PREP(VTD_PE0_AW, vtd_kt_aw(k->levels));
		pe2 = d->top | FIELD_PREP(VTD_PE2_FLPM, k->levels == 5 ?
					  VTD_FLPM_5LEVEL : VTD_FLPM_4LEVEL);
		break;
	case VTD_KDUMP_FMT_SECOND_LEVEL:
		pe0 |= d->top | FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_SL_ONLY) |
		       FIELD_PREP(VTD_PE0_AW, vtd_kt_aw(k->levels));
		break;
	default:
		pe0 |= FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_PT) |
		       FIELD_PREP(VTD_PE0_AW, vtd_kt_aw(4));
		break;
	}
	vtd_kt_wr(m, d->pe, pe0);
	vtd_kt_wr(m, d->pe + sizeof(u64), FIELD_PREP(VTD_PE1_DID, d->did));
	vtd_kt_wr(m, d->pe + 2 * sizeof(u64), pe2);
}

static inline void vtd_kt_build_dev(struct vtd_kt_mem *m, u64 root,
				    enum vtd_kt_kind kind,
				    struct vtd_kt_dev_build *d)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];

	if (k->scalable)
		vtd_kt_build_sm(m, root, k, d);
	else
		vtd_kt_build_legacy(m, root, k, d);
}

/* Lay out the standard world of @kind; false if the buffer was too small */
static inline bool vtd_kt_build_world(struct vtd_kt_mem *m,
				      struct vtd_kt_world *w,
				      enum vtd_kt_kind kind)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	bool fl = k->format == VTD_KDUMP_FMT_FIRST_LEVEL;
	struct vtd_kt_dev_build a = {
		VTD_KT_BUS_A, VTD_KT_DEVFN_A, VTD_KT_DID_A, 0,
	};
	struct vtd_kt_dev_build b = {
		VTD_KT_BUS_B, VTD_KT_DEVFN_B, VTD_KT_DID_B,
		k->scalable ? VTD_KT_RID_PASID_B : 0,
	};
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	vtd_kt_default_hw(&w->hw, k->scalable);
	w->root = vtd_kt_alloc(m);
	vtd_kt_build_dev(m, w->root, kind, &a);
	vtd_kt_build_dev(m, w->root, kind, &b);
	w->root_entry_a = w->root + VTD_KT_BUS_A * 2 * sizeof(u64);
	w->ctx_a = a.ctx;
	w->pde_a = a.pde;
	w->pe_a = a.pe;
	w->top_a = a.top;
	w->top_b = b.top;
	if (k->levels) {
		w->table_pages_a = 1;
		for (i = 0; i < VTD_KT_A_LEAVES; i++)
			w->table_pages_a += vtd_kt_install(m, fl, a.top,
							   k->levels,
							   &vtd_kt_leaves_a[i],
							   &w->path[i]);
		w->nr_leaves_a = VTD_KT_A_LEAVES;
		vtd_kt_install(m, fl, b.top, k->levels, &vtd_kt_leaf_b, NULL);
	}
	return !m->full;
}

/* ------------------------------------------------------------------ */
/* Running a walk and checking what the walker reported                */
/* ------------------------------------------------------------------ */

struct vtd_kt_rec {
	u8 bus;
	u8 devfn;
	enum vtd_kdump_reason reason;
	enum vtd_kdump_format format;
	u64 leaves;
	u64 rejected;
	u64 mapped_bytes;
	u64 table_pages;
	u64 calls;			/* leaf() calls */
	u64 rej_reasons;		/* BIT_ULL(why) of each rejected leaf */
	u64 readable_bytes;		/* reported with VTD_SL_R */
	u64 writable_bytes;		/* reported with VTD_SL_W */
	unsigned int nr_runs;
	bool runs_overflow;
	struct vtd_kdump_map maps[VTD_KT_REC_MAPS];
	unsigned int nr_maps;
};

struct vtd_kt_run {
	struct vtd_kt_mem *m;
	struct vtd_kdump_walker w;
	struct vtd_kdump_visited visited;
	u64 slots[BIT(VTD_KT_VISITED_ORDER)];
	u32 gens[BIT(VTD_KT_VISITED_ORDER)];
	int root_ret;
	unsigned int nr_recs;
	unsigned int nr_devs;		/* all records, also beyond nr_recs */
	struct vtd_kt_rec recs[VTD_KT_MAX_RECS];
	/* the leaves of the device being walked */
	struct vtd_kt_leaf leaves[VTD_KT_MAX_LEAVES];
	unsigned int nr_leaves;
	u64 leaves_seen;		/* leaf() calls */
	u64 bytes_seen;			/* bytes they reported */
	u64 readable_seen;		/* of those, with VTD_SL_R */
	u64 writable_seen;		/* of those, with VTD_SL_W */
	u64 rej_reasons;		/* BIT_ULL(why) of each rejected leaf */
	u64 next_iova;
	bool any_leaf;
	struct vtd_kdump_range run_buf[VTD_KT_MAX_LEAVES];
	struct vtd_kdump_runs runs;
	/* table pages reported by kind, page tables by level */
	u64 tables[VTD_KDUMP_NR_TABLES];
	u64 page_levels[VTD_KT_MAX_LEVEL + 1];
	u64 dev_pages[VTD_KT_BUDGET];	/* of the device being walked */
	unsigned int nr_dev_pages;
	/* every table page reported, all devices, as the kernel collects them */
	u64 all_pages[VTD_KT_MAX_PAGES];
	unsigned int nr_all_pages;
	bool all_pages_overflow;
	/* the validated maps of the device being walked */
	struct vtd_kdump_map map_buf[VTD_KT_MAX_LEAVES];
	struct vtd_kdump_maps maps;
	int abort_after;		/* leaf() fails after this many, or -1 */
	unsigned long failures;
	char why[VTD_KT_WHY_LEN];	/* first property failure */
};

static inline void vtd_kt_fail(struct vtd_kt_run *r, const char *what, u64 a,
			       u64 b)
{
	if (!r->failures++)
		snprintf(r->why, sizeof(r->why), "%s (%#llx, %#llx)", what,
			 (unsigned long long)a, (unsigned long long)b);
}

/*
 * Could [@iova, @iova + @size) -> @phys be what the walker reports for n
 * leaves of one size that follow each other in one table?  n >= 1 leaves
 * of 4 KiB, 2 MiB or 1 GiB, IOVA and address aligned to that size, within
 * the IOVA span of one table of such leaves.
 */
static inline bool vtd_kt_leaf_run_shape(u64 iova, u64 phys, u64 size)
{
	static const unsigned int shifts[] = { 12, 21, 30 };
	unsigned int i, shift, span;

	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		shift = shifts[i];
		span = shift + VTD_KDUMP_LEVEL_STRIDE;
		if (!size || ((iova | phys | size) & (BIT_ULL(shift) - 1)))
			continue;
		if (iova + size - 1 >= iova &&
		    iova >> span == (iova + size - 1) >> span)
			return true;
	}
	return false;
}

/*
 * The address bits that select a memory encryption KeyID, computed here
 * without the walker: from the CPU's width up to the host address width.
 */
static inline u64 vtd_kt_keyid_bits(const struct vtd_kdump_hw *hw)
{
	unsigned int haw = clamp_t(unsigned int, hw->haw, 13, 52);
	unsigned int cpu = hw->phys_bits;

	if (!cpu || cpu >= haw)
		return 0;
	return GENMASK_ULL(haw - 1, max(cpu, 13U));
}

/* Every property a validated leaf (or run of leaves) must have */
static inline int vtd_kt_leaf_cb(void *arg, u64 iova, u64 phys, u64 size,
				 unsigned int prot)
{
	struct vtd_kt_run *r = arg;
	enum vtd_kdump_mem mem;

	if (!vtd_kt_leaf_run_shape(iova, phys, size))
		vtd_kt_fail(r, "leaf (run) of odd size or alignment", iova,
			    size);
	if (r->any_leaf && iova < r->next_iova)
		vtd_kt_fail(r, "leaves out of IOVA order", iova, r->next_iova);
	/* a KeyID alias reaches the memory without the KeyID */
	mem = vtd_kt_naive_classify(r->m, phys & ~vtd_kt_keyid_bits(r->w.hw),
				    size);
	if (mem != VTD_KDUMP_MEM_OLD_RAM &&
	    !(r->w.kdump_leaves_ok && mem == VTD_KDUMP_MEM_KDUMP))
		vtd_kt_fail(r, "leaf maps memory that is not old RAM", phys, size);
	if (prot & ~(VTD_SL_R | VTD_SL_W))
		vtd_kt_fail(r, "leaf with odd prot", iova, prot);
	r->any_leaf = true;
	r->next_iova = iova + size;
	if (r->nr_leaves < VTD_KT_MAX_LEAVES) {
		struct vtd_kt_leaf *l = &r->leaves[r->nr_leaves++];

		l->iova = iova;
		l->phys = phys;
		l->size = size;
		l->prot = prot;
	}
	vtd_kdump_runs_add(&r->runs, iova, size);
	vtd_kdump_maps_add(&r->maps, iova, phys, size, prot);
	r->leaves_seen++;
	r->bytes_seen += size;
	if (prot & VTD_SL_R)
		r->readable_seen += size;
	if (prot & VTD_SL_W)
		r->writable_seen += size;
	if (r->abort_after >= 0 && r->leaves_seen > (u64)r->abort_after)
		return -ENOMEM;
	return 0;
}

static inline void vtd_kt_reject_cb(void *arg, u64 iova, u64 size,
				    enum vtd_kdump_reason why)
{
	struct vtd_kt_run *r = arg;

	if (why == VTD_KDUMP_OK || why >= VTD_KDUMP_NR_REASONS)
		vtd_kt_fail(r, "leaf rejected without a reason", iova, why);
	else
		r->rej_reasons |= BIT_ULL(why);
	if (!size)
		vtd_kt_fail(r, "rejected leaf of size 0", iova, size);
}

/*
 * &vtd_kdump_walker.table: each report is of the page just read (one
 * report per read, see vtd_kt_map()), of a valid kind and level, and no
 * device walk reports one of its page tables twice.
 */
static inline void vtd_kt_table_cb(void *arg, u64 phys,
				   enum vtd_kdump_table kind,
				   unsigned int level)
{
	struct vtd_kt_run *r = arg;
	struct vtd_kt_mem *m = r->m;
	bool page = kind == VTD_KDUMP_TABLE_PAGE;
	unsigned int i;

	if (!m->unreported || phys != m->read)
		vtd_kt_fail(r, "table page reported, not just read", phys, kind);
	m->unreported = false;
	if (kind >= VTD_KDUMP_NR_TABLES || level > VTD_KT_MAX_LEVEL ||
	    page != !!level) {
		vtd_kt_fail(r, "table page of odd kind or level", kind, level);
		return;
	}
	r->tables[kind]++;
	r->page_levels[level]++;
	if (r->nr_all_pages < ARRAY_SIZE(r->all_pages))
		r->all_pages[r->nr_all_pages++] = phys;
	else
		r->all_pages_overflow = true;
	if (!page)
		return;
	for (i = 0; i < r->nr_dev_pages; i++)
		if (r->dev_pages[i] == phys)
			vtd_kt_fail(r, "page table reported twice in one walk",
				    phys, level);
	if (r->nr_dev_pages < ARRAY_SIZE(r->dev_pages))
		r->dev_pages[r->nr_dev_pages++] = phys;
}

/* Maximal runs of the recorded leaves, computed without the walker */
static inline unsigned int vtd_kt_count_runs(const struct vtd_kt_run *r)
{
	unsigned int i, n = 0;

	for (i = 0; i < r->nr_leaves; i++)
		if (!i || r->leaves[i].iova !=
			  r->leaves[i - 1].iova + r->leaves[i - 1].size)
			n++;
	return n;
}

static inline void vtd_kt_check_runs(struct vtd_kt_run *r)
{
	unsigned int i, j = 0;

	if (r->leaves_seen > VTD_KT_MAX_LEAVES || r->runs.overflow)
		return;
	if (r->runs.nr != vtd_kt_count_runs(r)) {
		vtd_kt_fail(r, "run count differs", r->runs.nr,
			    vtd_kt_count_runs(r));
		return;
	}
	for (i = 0; i < r->nr_leaves; i++) {
		const struct vtd_kt_leaf *l = &r->leaves[i];

		if (i && l->iova != r->leaves[i - 1].iova + r->leaves[i - 1].size)
			j++;
		if (l->iova < r->runs.r[j].start ||
		    l->iova + l->size - 1 > r->runs.r[j].end)
			vtd_kt_fail(r, "leaf outside its run", l->iova, j);
	}
}

/* Forget what the leaf and reject callbacks saw of the last device */
static inline void vtd_kt_reset_dev(struct vtd_kt_run *r)
{
	r->nr_leaves = 0;
	r->leaves_seen = 0;
	r->bytes_seen = 0;
	r->readable_seen = 0;
	r->writable_seen = 0;
	r->rej_reasons = 0;
	r->nr_dev_pages = 0;
	r->any_leaf = false;
	r->runs.r = r->run_buf;
	r->runs.nr = 0;
	r->runs.max = VTD_KT_MAX_LEAVES;
	r->runs.overflow = false;
	r->maps.m = r->map_buf;
	r->maps.nr = 0;
	r->maps.max = VTD_KT_MAX_LEAVES;
	r->maps.lost = 0;
}

/*
 * The properties of a device after vtd_kdump_walk_dev() (@walked) or
 * without it: the budget held, the counts match what the callbacks saw,
 * and the walk left no mapping behind.
 */
static inline void vtd_kt_check_dev(struct vtd_kt_run *r,
				    const struct vtd_kdump_dev *dev, bool walked)
{
	if (walked) {
		if (dev->table_pages > r->w.budget)
			vtd_kt_fail(r, "budget exceeded", dev->table_pages,
				    r->w.budget);
		if (dev->reason == VTD_KDUMP_OK) {
			/* one call reports one leaf or a run of them */
			if (dev->mapped_bytes != r->bytes_seen)
				vtd_kt_fail(r, "mapped bytes differ",
					    dev->mapped_bytes, r->bytes_seen);
			if (dev->leaves < r->leaves_seen ||
			    dev->leaves > r->bytes_seen >> VTD_KDUMP_PAGE_SHIFT)
				vtd_kt_fail(r, "leaf count differs", dev->leaves,
					    r->leaves_seen);
			vtd_kt_check_runs(r);
		}
	}
	if (dev->reason >= VTD_KDUMP_NR_REASONS)
		vtd_kt_fail(r, "reason out of range", dev->reason, 0);
	if (r->m->nr_live > 2)
		vtd_kt_fail(r, "mappings left after walk_dev", r->m->nr_live, 0);
}

static inline int vtd_kt_dev_cb(void *arg, struct vtd_kdump_dev *dev)
{
	struct vtd_kt_run *r = arg;
	struct vtd_kdump_visitor v = {
		.leaf = vtd_kt_leaf_cb,
		.reject = vtd_kt_reject_cb,
		.arg = r,
	};
	bool walked = dev->reason == VTD_KDUMP_OK;
	struct vtd_kt_rec *rec;

	vtd_kt_reset_dev(r);
	if (walked)
		vtd_kdump_walk_dev(&r->w, dev, &v);
	vtd_kt_check_dev(r, dev, walked);

	if (r->nr_devs++ >= VTD_KT_MAX_RECS)
		return 0;
	rec = &r->recs[r->nr_recs++];
	rec->bus = dev->bus;
	rec->devfn = dev->devfn;
	rec->reason = dev->reason;
	rec->format = dev->ctx.format;
	rec->leaves = dev->leaves;
	rec->rejected = dev->rejected_leaves;
	rec->mapped_bytes = dev->mapped_bytes;
	rec->table_pages = dev->table_pages;
	rec->calls = r->leaves_seen;
	rec->rej_reasons = r->rej_reasons;
	rec->readable_bytes = r->readable_seen;
	rec->writable_bytes = r->writable_seen;
	rec->nr_runs = r->runs.nr;
	rec->runs_overflow = r->runs.overflow;
	rec->nr_maps = min_t(unsigned int, r->maps.nr, VTD_KT_REC_MAPS);
	memcpy(rec->maps, r->maps.m, rec->nr_maps * sizeof(rec->maps[0]));
	return 0;
}

static inline void vtd_kt_run_init(struct vtd_kt_run *r, struct vtd_kt_mem *m,
				   const struct vtd_kdump_hw *hw)
{
	memset(r, 0, sizeof(*r));
	r->m = m;
	r->visited.slots = r->slots;
	r->visited.gens = r->gens;
	r->visited.order = VTD_KT_VISITED_ORDER;
	r->w.ops = &vtd_kt_ops;
	r->w.ops_ctx = m;
	r->w.hw = hw;
	r->w.mem = &m->map;
	r->w.visited = &r->visited;
	r->w.budget = VTD_KT_BUDGET;
	r->w.table = vtd_kt_table_cb;
	r->w.table_arg = r;
	m->check_tables = true;
	m->unreported = false;
	r->abort_after = -1;
}

/* Walk from @root; property failures end up in r->failures / r->why */
static inline void vtd_kt_run_walk(struct vtd_kt_run *r, u64 root)
{
	r->root_ret = vtd_kdump_walk_root(&r->w, root, vtd_kt_dev_cb, r);
	if (r->m->nr_live)
		vtd_kt_fail(r, "mappings left after walk_root", r->m->nr_live, 0);
	if (r->m->violations)
		vtd_kt_fail(r, r->m->why, r->m->violations, 0);
}

static inline const struct vtd_kt_rec *vtd_kt_find(const struct vtd_kt_run *r,
						   u8 bus, unsigned int *count)
{
	const struct vtd_kt_rec *found = NULL;
	unsigned int i;

	*count = 0;
	for (i = 0; i < r->nr_recs; i++) {
		if (r->recs[i].bus != bus)
			continue;
		if (!found)
			found = &r->recs[i];
		(*count)++;
	}
	return found;
}

/* ------------------------------------------------------------------ */
/* The rule table                                                      */
/* ------------------------------------------------------------------ */

enum vtd_kt_target {
	VTD_KT_T_NONE,
	VTD_KT_T_ROOT_PTR,		/* the root table address itself */
	VTD_KT_T_ROOT_LO,		/* root entry of A's bus, lower qword */
	VTD_KT_T_ROOT_HI,		/* ... upper qword */
	VTD_KT_T_CTX,			/* A's context entry, qword .qword */
	VTD_KT_T_PDE,			/* A's PASID directory entry */
	VTD_KT_T_PE,			/* A's PASID entry, qword .qword */
	VTD_KT_T_PATH,			/* entry at .level on leaf .leaf's path */
	VTD_KT_T_TOP_DUP,		/* copy leaf 0's top entry to slot .qword */
};

enum vtd_kt_op {
	VTD_KT_OP_NONE,
	VTD_KT_OP_SET,			/* val |= mask */
	VTD_KT_OP_CLEAR,		/* val &= ~mask */
	VTD_KT_OP_FIELD,		/* replace field mask with value */
	VTD_KT_OP_ADDR,			/* replace bits 51:12 with an address */
};

enum vtd_kt_addr {
	VTD_KT_A_HOLE,			/* a kdump-RAM page in the buffer */
	VTD_KT_A_KDUMP,			/* kdump RAM outside the buffer, 1G-aligned */
	VTD_KT_A_MMIO,			/* in no range, 1G-aligned */
	VTD_KT_A_HIGH,			/* above the host address width */
	VTD_KT_A_UNBACKED,		/* old RAM the test cannot map */
	VTD_KT_A_SELF,			/* the table that holds the entry */
	VTD_KT_A_BUF_BASE,		/* buffer start: 2M there hits the hole */
	VTD_KT_A_DATA_END,		/* last data range (not in the map) */
	VTD_KT_A_OLD_RAM,		/* another valid old-RAM page */
	VTD_KT_A_KDUMP_KEYID,		/* A_KDUMP with KeyID bit 40 (under HAW) */
	VTD_KT_A_DATA_KEYID,		/* data RAM at 4G with KeyID bit 40 */
};

/* Capabilities a rule takes away */
#define VTD_KT_HW_NO_2M		BIT(0)
#define VTD_KT_HW_NO_1G		BIT(1)
#define VTD_KT_HW_NO_FL5	BIT(2)
#define VTD_KT_HW_NO_PT		BIT(3)
#define VTD_KT_HW_NO_DT		BIT(4)
#define VTD_KT_HW_NDOMS_A	BIT(5)		/* ndoms = A's DID */
#define VTD_KT_HW_ONLY_SAGAW4	BIT(6)
#define VTD_KT_HW_NO_PASID	BIT(7)
#define VTD_KT_HW_HAW_32	BIT(8)		/* haw 32: data above it */
#define VTD_KT_HW_PASID_BITS_6	BIT(9)		/* pasid_bits = 6 */
#define VTD_KT_HW_HAW_33	BIT(10)		/* haw 33: 8G and up */
#define VTD_KT_HW_HAW_52	BIT(11)		/* haw 52: none */
#define VTD_KT_HW_NO_FLTS	BIT(12)
#define VTD_KT_HW_NO_SLTS	BIT(13)
#define VTD_KT_HW_NO_PRS	BIT(14)
#define VTD_KT_HW_NO_RPS	BIT(15)
#define VTD_KT_HW_PHYS_34	BIT(16)		/* CPU: 34 bits, HAW 46 */

struct vtd_kt_rule {
	const char *name;
	unsigned int kinds;		/* VTD_KT_K() mask */
	enum vtd_kt_target target;
	unsigned int qword;		/* T_CTX, T_PE: which qword; TOP_DUP: slot */
	unsigned int leaf;		/* T_PATH: index in vtd_kt_leaves_a */
	unsigned int level;		/* T_PATH: level, 0 = the leaf's */
	enum vtd_kt_op op;
	u64 mask;
	u64 val;
	enum vtd_kt_addr addr;
	unsigned int hw;		/* VTD_KT_HW_* */
	u64 budget;			/* 0: default */
	int abort_after;		/* 0: never; n: leaf() fails after n */
	/* expected verdict */
	int root_ret;
	bool no_a;			/* A has no record at all */
	bool bus_level;			/* A's record is the whole table's */
	enum vtd_kdump_reason reason;
	bool none;			/* A resolves to format NONE */
	bool counts;			/* check leaves / rejected below */
	int leaves;
	int rejected;
	enum vtd_kdump_reason rej_why;	/* if set: why each was rejected */
	bool b_any;			/* B may be affected too */
};

static const struct vtd_kt_rule vtd_kt_rules[] __maybe_unused = {
	/* --- baselines --- */
	{ .name = "baseline", .kinds = VTD_KT_ALL, .reason = VTD_KDUMP_OK },

	/* --- root table --- */
	{ .name = "root table in kdump RAM", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_PTR, .addr = VTD_KT_A_HOLE,
	  .root_ret = -EINVAL, .no_a = true, .b_any = true },
	{ .name = "root table in MMIO", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_PTR, .addr = VTD_KT_A_MMIO,
	  .root_ret = -EINVAL, .no_a = true, .b_any = true },
	{ .name = "root table unaligned", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_PTR, .addr = VTD_KT_A_OLD_RAM,
	  .val = 0x800, .root_ret = -EINVAL, .no_a = true, .b_any = true },
	{ .name = "root table cannot be mapped", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_PTR, .addr = VTD_KT_A_UNBACKED,
	  .root_ret = -ENOMEM, .no_a = true, .b_any = true },

	/* --- root entries --- */
	{ .name = "root entry not present", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_CLEAR, .mask = VTD_RE_P,
	  .no_a = true },
	{ .name = "root entry reserved bit 1", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_SET, .mask = BIT_ULL(1),
	  .bus_level = true, .reason = VTD_KDUMP_ROOT_RSVD },
	{ .name = "root entry reserved bit 11", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_SET, .mask = BIT_ULL(11),
	  .bus_level = true, .reason = VTD_KDUMP_ROOT_RSVD },
	{ .name = "legacy root entry upper qword set", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_ROOT_HI, .op = VTD_KT_OP_SET, .mask = BIT_ULL(0),
	  .bus_level = true, .reason = VTD_KDUMP_ROOT_RSVD },
	{ .name = "SM root upper half: other half unaffected",
	  .kinds = VTD_KT_SM, .target = VTD_KT_T_ROOT_HI, .op = VTD_KT_OP_SET,
	  .mask = VTD_RE_P | BIT_ULL(3), .reason = VTD_KDUMP_OK,
	  /* A is found first (devfn 0x10); the broken upper half follows */ },
	{ .name = "context table above HAW", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HIGH, .bus_level = true,
	  .reason = VTD_KDUMP_ROOT_RSVD },
	{ .name = "context table in kdump RAM", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HOLE, .bus_level = true,
	  .reason = VTD_KDUMP_CTX_PTR },
	{ .name = "context table in MMIO", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_MMIO, .bus_level = true,
	  .reason = VTD_KDUMP_CTX_PTR },
	{ .name = "context table cannot be mapped", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_ROOT_LO, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_UNBACKED, .bus_level = true,
	  .reason = VTD_KDUMP_MAP_FAILED },

	/* --- legacy context entries --- */
	{ .name = "context entry not present", .kinds = VTD_KT_ALL,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_CLEAR, .mask = VTD_CE_LO_P,
	  .no_a = true },
	{ .name = "legacy context lo reserved bit 4", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = BIT_ULL(4),
	  .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "legacy context lo reserved bit 11", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = BIT_ULL(11),
	  .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "legacy context hi reserved bit 7", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(7), .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "legacy context hi reserved bit 24", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(24), .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "legacy context hi reserved bit 63", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(63), .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "legacy context AVAIL bits ignored", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = VTD_CE_HI_AVAIL, .reason = VTD_KDUMP_OK },
	{ .name = "legacy context FPD accepted", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = VTD_CE_LO_FPD,
	  .reason = VTD_KDUMP_OK },
	{ .name = "legacy TT 3 reserved", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_FIELD, .mask = VTD_CE_LO_TT,
	  .val = 3, .reason = VTD_KDUMP_CTX_TT },
	{ .name = "legacy TT dev-IOTLB without DT", .kinds = VTD_KT_LEG_SL,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_FIELD, .mask = VTD_CE_LO_TT,
	  .val = VTD_CE_TT_DEV_IOTLB, .hw = VTD_KT_HW_NO_DT,
	  .reason = VTD_KDUMP_CTX_TT },
	{ .name = "legacy TT dev-IOTLB with DT", .kinds = VTD_KT_LEG_SL,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_FIELD, .mask = VTD_CE_LO_TT,
	  .val = VTD_CE_TT_DEV_IOTLB, .reason = VTD_KDUMP_OK },
	{ .name = "legacy pass-through without ECAP.PT", .kinds = VTD_KT_K(LEG_PT),
	  .hw = VTD_KT_HW_NO_PT, .reason = VTD_KDUMP_CTX_TT, .b_any = true },
	{ .name = "legacy pass-through ignores SLPTPTR", .kinds = VTD_KT_K(LEG_PT),
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .reason = VTD_KDUMP_OK },
	{ .name = "legacy AW 0 (2-level)", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_FIELD,
	  .mask = VTD_CE_HI_AW, .val = 0, .reason = VTD_KDUMP_CTX_AW },
	{ .name = "legacy AW 4 reserved", .kinds = VTD_KT_LEG,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_FIELD,
	  .mask = VTD_CE_HI_AW, .val = 4, .reason = VTD_KDUMP_CTX_AW },
	{ .name = "legacy AW not in SAGAW",
	  .kinds = VTD_KT_K(LEG_SL3) | VTD_KT_K(LEG_SL5),
	  .hw = VTD_KT_HW_ONLY_SAGAW4, .reason = VTD_KDUMP_CTX_AW,
	  .b_any = true },
	{ .name = "legacy DID beyond CAP.ND", .kinds = VTD_KT_LEG,
	  .hw = VTD_KT_HW_NDOMS_A, .reason = VTD_KDUMP_CTX_DID },
	{ .name = "legacy SLPTPTR above HAW", .kinds = VTD_KT_LEG_SL,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .reason = VTD_KDUMP_CTX_RSVD },

	/* --- scalable-mode context entries --- */
	{ .name = "SM context lo reserved bit 5", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = BIT_ULL(5),
	  .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM context lo reserved bit 8", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = BIT_ULL(8),
	  .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM context hi reserved bit 21", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(21), .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM context qword 2 nonzero", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .qword = 2, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(0), .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM context qword 3 nonzero", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .qword = 3, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(63), .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM context DTE without DT", .kinds = VTD_KT_SM,
	  .hw = VTD_KT_HW_NO_DT, .reason = VTD_KDUMP_CTX_RSVD, .b_any = true },
	{ .name = "SM context PASIDE without PASID", .kinds = VTD_KT_SM,
	  .hw = VTD_KT_HW_NO_PASID, .reason = VTD_KDUMP_CTX_RSVD,
	  .b_any = true },
	{ .name = "SM context PRE without ECAP.PRS", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = VTD_SMCE_LO_PRE,
	  .hw = VTD_KT_HW_NO_PRS, .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM context PRE with ECAP.PRS", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_SET, .mask = VTD_SMCE_LO_PRE,
	  .reason = VTD_KDUMP_OK },
	/* A's RID_PASID 64: a PASID directory entry A does not have */
	{ .name = "SM RID_PASID other than 0 without ECAP.RPS",
	  .kinds = VTD_KT_SM, .target = VTD_KT_T_CTX, .qword = 1,
	  .op = VTD_KT_OP_FIELD, .mask = VTD_SMCE_HI_RID_PASID, .val = 64,
	  .hw = VTD_KT_HW_NO_RPS, .reason = VTD_KDUMP_CTX_RSVD,
	  .b_any = true },
	{ .name = "SM RID_PASID 0 without ECAP.RPS", .kinds = VTD_KT_SM,
	  .hw = VTD_KT_HW_NO_RPS, .reason = VTD_KDUMP_OK, .b_any = true },
	{ .name = "SM PASID directory above HAW", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .reason = VTD_KDUMP_CTX_RSVD },
	{ .name = "SM RID_PASID beyond directory", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_FIELD,
	  .mask = VTD_SMCE_HI_RID_PASID, .val = 128 * 64,
	  .reason = VTD_KDUMP_PASID_RANGE },
	{ .name = "SM RID_PASID beyond ECAP.PSS", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .qword = 1, .op = VTD_KT_OP_FIELD,
	  .mask = VTD_SMCE_HI_RID_PASID, .val = 64,
	  .hw = VTD_KT_HW_PASID_BITS_6, .reason = VTD_KDUMP_PASID_RANGE,
	  .b_any = true },
	{ .name = "SM PDTS widens the directory", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_FIELD,
	  .mask = VTD_SMCE_LO_PDTS, .val = 7, .reason = VTD_KDUMP_OK },
	{ .name = "SM PASID directory in kdump RAM", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HOLE,
	  .reason = VTD_KDUMP_PASID_DIR_PTR },
	{ .name = "SM PASID directory in MMIO", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_MMIO,
	  .reason = VTD_KDUMP_PASID_DIR_PTR },
	{ .name = "SM PASID directory cannot be mapped", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_UNBACKED, .reason = VTD_KDUMP_MAP_FAILED },

	/* --- PASID directory and table entries --- */
	{ .name = "PDE not present: nothing to adopt", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PDE, .op = VTD_KT_OP_CLEAR, .mask = VTD_PDE_P,
	  .reason = VTD_KDUMP_OK, .none = true, .counts = true },
	{ .name = "PDE reserved bit 2", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PDE, .op = VTD_KT_OP_SET, .mask = BIT_ULL(2),
	  .reason = VTD_KDUMP_PASID_DIR_RSVD },
	{ .name = "PDE reserved bit 11", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PDE, .op = VTD_KT_OP_SET, .mask = BIT_ULL(11),
	  .reason = VTD_KDUMP_PASID_DIR_RSVD },
	{ .name = "PDE pointer above HAW", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PDE, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .reason = VTD_KDUMP_PASID_DIR_RSVD },
	{ .name = "PASID table in kdump RAM", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PDE, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HOLE,
	  .reason = VTD_KDUMP_PASID_TBL_PTR },
	{ .name = "PASID table in MMIO", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PDE, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_MMIO,
	  .reason = VTD_KDUMP_PASID_TBL_PTR },
	{ .name = "PASID entry not present: nothing to adopt",
	  .kinds = VTD_KT_SM, .target = VTD_KT_T_PE, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_PE0_P, .reason = VTD_KDUMP_OK,
	  .none = true, .counts = true },
	{ .name = "PASID entry qword 3 nonzero", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .qword = 3, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(0), .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "PASID entry qword 7 nonzero", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .qword = 7, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(63), .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "PASID entry DID beyond CAP.ND", .kinds = VTD_KT_SM,
	  .hw = VTD_KT_HW_NDOMS_A, .reason = VTD_KDUMP_CTX_DID },
	{ .name = "PGTT 0 reserved", .kinds = VTD_KT_SM, .target = VTD_KT_T_PE,
	  .op = VTD_KT_OP_FIELD, .mask = VTD_PE0_PGTT, .val = 0,
	  .reason = VTD_KDUMP_PASID_PGTT },
	{ .name = "PGTT nested not adopted", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_FIELD, .mask = VTD_PE0_PGTT,
	  .val = VTD_PGTT_NESTED, .reason = VTD_KDUMP_PASID_PGTT },
	{ .name = "PGTT 5 reserved", .kinds = VTD_KT_SM, .target = VTD_KT_T_PE,
	  .op = VTD_KT_OP_FIELD, .mask = VTD_PE0_PGTT, .val = 5,
	  .reason = VTD_KDUMP_PASID_PGTT },
	{ .name = "PGTT pass-through without ECAP.PT", .kinds = VTD_KT_K(SM_PT),
	  .hw = VTD_KT_HW_NO_PT, .reason = VTD_KDUMP_PASID_PGTT,
	  .b_any = true },
	{ .name = "SL PASID entry AW 4 reserved", .kinds = VTD_KT_SM_SL,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_FIELD, .mask = VTD_PE0_AW,
	  .val = 4, .reason = VTD_KDUMP_CTX_AW },
	{ .name = "SL PASID entry AW not in SAGAW",
	  .kinds = VTD_KT_K(SM_SL3) | VTD_KT_K(SM_SL5),
	  .hw = VTD_KT_HW_ONLY_SAGAW4, .reason = VTD_KDUMP_CTX_AW,
	  .b_any = true },
	{ .name = "SL PASID entry SSPTPTR above HAW", .kinds = VTD_KT_SM_SL,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "FL FLPM 2 reserved", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PE, .qword = 2, .op = VTD_KT_OP_FIELD,
	  .mask = VTD_PE2_FLPM, .val = 2, .reason = VTD_KDUMP_PASID_FLPM },
	{ .name = "FL 5-level without FL5LP", .kinds = VTD_KT_K(SM_FL5),
	  .hw = VTD_KT_HW_NO_FL5, .reason = VTD_KDUMP_PASID_FLPM,
	  .b_any = true },
	{ .name = "FL FSPTPTR above HAW", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PE, .qword = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HIGH, .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	/* reserved bits of qwords 0-2 (9.6): qword 2 only for first-stage */
	{ .name = "PASID entry qword 0 reserved bit 10", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_SET, .mask = BIT_ULL(10),
	  .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "PASID entry qword 0 reserved bit 11", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_SET, .mask = BIT_ULL(11),
	  .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "PASID entry qword 1 reserved bit 16", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(16), .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "PASID entry qword 1 reserved bit 22", .kinds = VTD_KT_SM,
	  .target = VTD_KT_T_PE, .qword = 1, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(22), .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "FL PASID entry qword 2 reserved bit 8", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PE, .qword = 2, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(8), .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "FL PASID entry qword 2 reserved bit 11", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PE, .qword = 2, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(11), .reason = VTD_KDUMP_PASID_ENTRY_RSVD },
	{ .name = "SL/PT PASID entry: first-stage qword 2 unused",
	  .kinds = VTD_KT_SM_SL | VTD_KT_K(SM_PT), .target = VTD_KT_T_PE,
	  .qword = 2, .op = VTD_KT_OP_SET, .mask = BIT_ULL(8) | VTD_PE2_SRE,
	  .reason = VTD_KDUMP_OK },
	{ .name = "FL PASID entry: SSPTPTR unused", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .reason = VTD_KDUMP_OK },
	{ .name = "PGTT first-stage without ECAP.FLTS", .kinds = VTD_KT_FL,
	  .hw = VTD_KT_HW_NO_FLTS, .reason = VTD_KDUMP_PASID_PGTT,
	  .b_any = true },
	{ .name = "PGTT second-stage without ECAP.SLTS", .kinds = VTD_KT_SM_SL,
	  .hw = VTD_KT_HW_NO_SLTS, .reason = VTD_KDUMP_PASID_PGTT,
	  .b_any = true },
	{ .name = "PGTT first-stage, second-stage kinds without ECAP.FLTS",
	  .kinds = VTD_KT_SM_SL | VTD_KT_K(SM_PT), .hw = VTD_KT_HW_NO_FLTS,
	  .reason = VTD_KDUMP_OK },
	/* 9.4 RID_PRIV: supervisor requests-without-PASID are not modelled */
	{ .name = "FL with RID_PRIV (supervisor DMA) not adopted",
	  .kinds = VTD_KT_FL, .target = VTD_KT_T_CTX, .qword = 1,
	  .op = VTD_KT_OP_SET, .mask = VTD_SMCE_HI_RID_PRIV,
	  .reason = VTD_KDUMP_PASID_PGTT },
	{ .name = "SL/PT with RID_PRIV: privilege unused",
	  .kinds = VTD_KT_SM_SL | VTD_KT_K(SM_PT), .target = VTD_KT_T_CTX,
	  .qword = 1, .op = VTD_KT_OP_SET, .mask = VTD_SMCE_HI_RID_PRIV,
	  .reason = VTD_KDUMP_OK },

	/* --- page tables: structure --- */
	{ .name = "top table in kdump RAM", .kinds = VTD_KT_LEG_SL,
	  .target = VTD_KT_T_CTX, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HOLE,
	  .reason = VTD_KDUMP_PGTABLE_KDUMP },
	{ .name = "top table in MMIO", .kinds = VTD_KT_SM_SL,
	  .target = VTD_KT_T_PE, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_MMIO,
	  .reason = VTD_KDUMP_PGTABLE_PTR },
	{ .name = "FL top table in kdump RAM", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PE, .qword = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HOLE, .reason = VTD_KDUMP_PGTABLE_KDUMP },
	{ .name = "table pointer into kdump RAM", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HOLE, .reason = VTD_KDUMP_PGTABLE_KDUMP },
	{ .name = "table pointer into MMIO", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 3, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_MMIO, .reason = VTD_KDUMP_PGTABLE_PTR },
	{ .name = "table pointer beyond the old RAM map", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_DATA_END, .reason = VTD_KDUMP_PGTABLE_PTR },
	{ .name = "table that cannot be mapped", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_UNBACKED, .reason = VTD_KDUMP_MAP_FAILED },
	{ .name = "table pointer above HAW", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HIGH, .reason = VTD_KDUMP_PGTABLE_RSVD },
	{ .name = "table loops to itself", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_SELF, .reason = VTD_KDUMP_PGTABLE_REVISIT },
	{ .name = "top table loops to itself", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = VTD_KT_TOP_LEVEL,
	  .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_SELF,
	  .reason = VTD_KDUMP_PGTABLE_REVISIT },
	{ .name = "two entries share a table", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_TOP_DUP, .qword = 7,
	  .reason = VTD_KDUMP_PGTABLE_REVISIT },
	{ .name = "FL upper half rejected, not walked", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_TOP_DUP, .qword = 300, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = VTD_KT_A_LEAVES, .rejected = 1 },
	{ .name = "SL PS in level-4 entry", .kinds = VTD_KT_K(LEG_SL4) |
	  VTD_KT_K(LEG_SL5) | VTD_KT_K(SM_SL4) | VTD_KT_K(SM_SL5),
	  .target = VTD_KT_T_PATH, .level = 4, .op = VTD_KT_OP_SET,
	  .mask = VTD_SL_PS, .reason = VTD_KDUMP_PGTABLE_RSVD },
	{ .name = "SL PS in level-5 entry",
	  .kinds = VTD_KT_K(LEG_SL5) | VTD_KT_K(SM_SL5),
	  .target = VTD_KT_T_PATH, .level = 5, .op = VTD_KT_OP_SET,
	  .mask = VTD_SL_PS, .reason = VTD_KDUMP_PGTABLE_RSVD },
	{ .name = "FL PS in PML4 entry", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .level = 4, .op = VTD_KT_OP_SET,
	  .mask = VTD_FL_PS, .reason = VTD_KDUMP_PGTABLE_RSVD },
	{ .name = "FL PS in PML5 entry", .kinds = VTD_KT_K(SM_FL5),
	  .target = VTD_KT_T_PATH, .level = 5, .op = VTD_KT_OP_SET,
	  .mask = VTD_FL_PS, .reason = VTD_KDUMP_PGTABLE_RSVD },
	{ .name = "non-present table entry skipped", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_SL_R | VTD_SL_W | VTD_FL_P, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = VTD_KT_A_LEAVES - 3 },
	{ .name = "budget below the tree", .kinds = VTD_KT_PGTABLE,
	  .budget = 2, .reason = VTD_KDUMP_BUDGET, .b_any = true },
	{ .name = "leaf visitor error stops the walk", .kinds = VTD_KT_PGTABLE,
	  .abort_after = 2, .reason = VTD_KDUMP_VISIT_ABORTED },

	/* --- page tables: leaves --- */
	{ .name = "4K leaf into kdump RAM", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HOLE, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "4K leaf into MMIO", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_MMIO, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "4K leaf above HAW", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_HIGH, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "4K leaf to unbacked old RAM is fine", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_UNBACKED, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	{ .name = "4K leaf with only W", .kinds = VTD_KT_SL,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_SL_R, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	{ .name = "4K leaf not present", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_SL_R | VTD_SL_W | VTD_FL_P, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = VTD_KT_A_LEAVES - 1 },
	{ .name = "4K leaf: PS bit ignored at level 1", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_SET,
	  .mask = VTD_SL_PS, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	{ .name = "2M leaf into kdump RAM", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF2M, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_KDUMP, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "2M leaf overlapping the kdump hole", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF2M, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_BUF_BASE, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "2M leaf misaligned (bit 13)", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF2M, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(13), .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "SL 2M leaf bit 12 reserved", .kinds = VTD_KT_SL,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF2M, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(12), .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "FL 2M leaf bit 12 is PAT", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF2M, .op = VTD_KT_OP_SET,
	  .mask = VTD_FL_PAT_LARGE, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	{ .name = "SL 2M leaf without SLLPS 2M", .kinds = VTD_KT_SL,
	  .hw = VTD_KT_HW_NO_2M, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "FL 2M leaf needs no capability", .kinds = VTD_KT_FL,
	  .hw = VTD_KT_HW_NO_2M, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	{ .name = "1G leaf without 1G capability", .kinds = VTD_KT_PGTABLE,
	  .hw = VTD_KT_HW_NO_1G, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "1G leaf misaligned (bit 29)", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF1G, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(29), .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "1G leaf into kdump RAM", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF1G, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_KDUMP, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "1G leaf into MMIO", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF1G, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_MMIO, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	{ .name = "1G leaf beyond old RAM map", .kinds = VTD_KT_PGTABLE,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF1G, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_DATA_END, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1 },
	/*
	 * First level (3.6, 9.7): requests-without-PASID are user-mode
	 * requests; U/S clear in the leaf or any entry above it faults them.
	 * XD only restricts execute requests.
	 */
	{ .name = "FL 4K leaf with U/S clear", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K,
	  .op = VTD_KT_OP_CLEAR, .mask = VTD_KT_FL_US, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1,
	  .rej_why = VTD_KDUMP_LEAF_PRIV },
	{ .name = "FL 1G leaf with U/S clear", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF1G,
	  .op = VTD_KT_OP_CLEAR, .mask = VTD_KT_FL_US, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1,
	  .rej_why = VTD_KDUMP_LEAF_PRIV },
	{ .name = "FL table entry with U/S clear", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .level = 2, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_KT_FL_US, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 3, .rejected = 3,
	  .rej_why = VTD_KDUMP_LEAF_PRIV },
	{ .name = "FL top entry with U/S clear", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .level = VTD_KT_TOP_LEVEL,
	  .op = VTD_KT_OP_CLEAR, .mask = VTD_KT_FL_US, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = 0, .rejected = VTD_KT_A_LEAVES,
	  .rej_why = VTD_KDUMP_LEAF_PRIV },
	{ .name = "FL XD without NXE is not a fault", .kinds = VTD_KT_FL,
	  .target = VTD_KT_T_PATH, .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(63), .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	/*
	 * MKTME/TDX: the CPU's address width is below the IOMMU's HAW; the
	 * bits between select a KeyID, and the address is an alias of the
	 * one without them.
	 */
	{ .name = "4K leaf into a KeyID alias of kdump RAM",
	  .kinds = VTD_KT_PGTABLE, .target = VTD_KT_T_PATH,
	  .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_KDUMP_KEYID, .hw = VTD_KT_HW_PHYS_34,
	  .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1,
	  .rej_why = VTD_KDUMP_LEAF_KDUMP },
	{ .name = "1G leaf into a KeyID alias of kdump RAM",
	  .kinds = VTD_KT_PGTABLE, .target = VTD_KT_T_PATH,
	  .leaf = VTD_KT_A_LEAF1G, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_KDUMP_KEYID, .hw = VTD_KT_HW_PHYS_34,
	  .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1,
	  .rej_why = VTD_KDUMP_LEAF_KDUMP },
	{ .name = "4K leaf into a KeyID alias of old RAM",
	  .kinds = VTD_KT_PGTABLE, .target = VTD_KT_T_PATH,
	  .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_DATA_KEYID, .hw = VTD_KT_HW_PHYS_34,
	  .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = VTD_KT_A_LEAVES },
	{ .name = "4K leaf to bit 40 without KeyIDs: not RAM",
	  .kinds = VTD_KT_PGTABLE, .target = VTD_KT_T_PATH,
	  .leaf = VTD_KT_A_LEAF4K, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_KDUMP_KEYID, .reason = VTD_KDUMP_OK,
	  .counts = true, .leaves = VTD_KT_A_LEAVES - 1, .rejected = 1,
	  .rej_why = VTD_KDUMP_LEAF_NOT_RAM },
	{ .name = "table pointer into a KeyID alias: not read",
	  .kinds = VTD_KT_PGTABLE, .target = VTD_KT_T_PATH, .level = 2,
	  .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_DATA_KEYID,
	  .hw = VTD_KT_HW_PHYS_34, .reason = VTD_KDUMP_PGTABLE_PTR },
	{ .name = "leaves above a small HAW", .kinds = VTD_KT_PGTABLE,
	  .hw = VTD_KT_HW_HAW_32, .reason = VTD_KDUMP_OK, .counts = true,
	  .leaves = 0, .rejected = VTD_KT_A_LEAVES, .b_any = true },
};

#define VTD_KT_NR_RULES	ARRAY_SIZE(vtd_kt_rules)

static inline void vtd_kt_apply_hw(struct vtd_kdump_hw *hw, unsigned int f)
{
	if (f & VTD_KT_HW_NO_2M)
		hw->sllps &= ~VTD_SLLPS_2M;
	if (f & VTD_KT_HW_NO_1G) {
		hw->sllps &= ~VTD_SLLPS_1G;
		hw->fl1gp = false;
	}
	if (f & VTD_KT_HW_NO_FL5)
		hw->fl5lp = false;
	if (f & VTD_KT_HW_NO_PT)
		hw->pass_through = false;
	if (f & VTD_KT_HW_NO_DT)
		hw->dev_iotlb = false;
	if (f & VTD_KT_HW_NDOMS_A)
		hw->ndoms = VTD_KT_DID_A;
	if (f & VTD_KT_HW_ONLY_SAGAW4)
		hw->sagaw = VTD_SAGAW_4LEVEL;
	if (f & VTD_KT_HW_NO_PASID)
		hw->pasid_bits = 0;
	if (f & VTD_KT_HW_HAW_32)
		hw->haw = 32;
	if (f & VTD_KT_HW_PASID_BITS_6)
		hw->pasid_bits = 6;
	if (f & VTD_KT_HW_HAW_33)
		hw->haw = 33;
	if (f & VTD_KT_HW_HAW_52)
		hw->haw = 52;
	if (f & VTD_KT_HW_NO_FLTS)
		hw->flts = false;
	if (f & VTD_KT_HW_NO_SLTS)
		hw->slts = false;
	if (f & VTD_KT_HW_NO_PRS)
		hw->prs = false;
	if (f & VTD_KT_HW_NO_RPS)
		hw->rps = false;
	if (f & VTD_KT_HW_PHYS_34)
		hw->phys_bits = VTD_KT_PHYS_BITS;
}

static inline u64 vtd_kt_addr_of(const struct vtd_kt_mem *m,
				 enum vtd_kt_addr a, u64 self)
{
	switch (a) {
	case VTD_KT_A_HOLE:
		return vtd_kt_page_phys(m, m->hole_first);
	case VTD_KT_A_KDUMP:
		return VTD_KT_DATA_KDUMP;
	case VTD_KT_A_MMIO:
		return VTD_KT_MMIO;
	case VTD_KT_A_HIGH:
		return BIT_ULL(50);
	case VTD_KT_A_UNBACKED:
		return VTD_KT_DATA + 0x100000;
	case VTD_KT_A_SELF:
		return self;
	case VTD_KT_A_BUF_BASE:
		return VTD_KT_BASE;
	case VTD_KT_A_DATA_END:
		return VTD_KT_DATA_END + 1;
	case VTD_KT_A_KDUMP_KEYID:
		return VTD_KT_DATA_KDUMP | VTD_KT_KEYID;
	case VTD_KT_A_DATA_KEYID:
		return VTD_KT_DATA | VTD_KT_KEYID;
	case VTD_KT_A_OLD_RAM:
	default:
		return vtd_kt_page_phys(m, 1);
	}
}

static inline u64 vtd_kt_apply_op(const struct vtd_kt_rule *rule,
				  const struct vtd_kt_mem *m, u64 val, u64 self)
{
	switch (rule->op) {
	case VTD_KT_OP_SET:
		return val | rule->mask;
	case VTD_KT_OP_CLEAR:
		return val & ~rule->mask;
	case VTD_KT_OP_FIELD:
		return (val & ~rule->mask) |
		       ((rule->val << __builtin_ctzll(rule->mask)) & rule->mask);
	case VTD_KT_OP_ADDR:
		return (val & ~GENMASK_ULL(51, 12)) |
		       vtd_kt_addr_of(m, rule->addr, self);
	default:
		return val;
	}
}

/* Apply @rule to the world; returns the root table address to walk */
static inline u64 vtd_kt_corrupt(const struct vtd_kt_rule *rule,
				 struct vtd_kt_mem *m, struct vtd_kt_world *w)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[w->kind];
	const struct vtd_kt_path *p = &w->path[rule->leaf];
	unsigned int level;
	u64 e = 0, self = 0;

	switch (rule->target) {
	case VTD_KT_T_ROOT_PTR:
		return vtd_kt_addr_of(m, rule->addr, 0) + rule->val;
	case VTD_KT_T_ROOT_LO:
		e = w->root_entry_a;
		break;
	case VTD_KT_T_ROOT_HI:
		e = w->root_entry_a + sizeof(u64);
		break;
	case VTD_KT_T_CTX:
		e = w->ctx_a + rule->qword * sizeof(u64);
		break;
	case VTD_KT_T_PDE:
		e = w->pde_a;
		break;
	case VTD_KT_T_PE:
		e = w->pe_a + rule->qword * sizeof(u64);
		break;
	case VTD_KT_T_PATH:
		level = rule->level > k->levels ? k->levels : rule->level;
		if (!level)
			level = vtd_kt_size_level(vtd_kt_leaves_a[rule->leaf].size);
		e = p->entry[level];
		self = p->table[level];
		break;
	case VTD_KT_T_TOP_DUP:
		vtd_kt_wr(m, w->top_a + rule->qword * sizeof(u64),
			  vtd_kt_rd(m, w->path[0].entry[k->levels]));
		return w->root;
	default:
		return w->root;
	}
	if (rule->op != VTD_KT_OP_NONE)
		vtd_kt_wr(m, e, vtd_kt_apply_op(rule, m, vtd_kt_rd(m, e), self));
	return w->root;
}

static inline bool vtd_kt_rule_applies(const struct vtd_kt_rule *rule,
				       enum vtd_kt_kind kind)
{
	return rule->kinds & BIT(kind);
}

#define VTD_KT_BUF_PAGES	64

/*
 * Run @rule on a fresh world of @kind in @buf (VTD_KT_BUF_PAGES pages) with
 * @r as scratch.  Return: true if the verdict is the expected one; @err
 * says what differed otherwise.
 */
static inline bool vtd_kt_run_rule(const struct vtd_kt_rule *rule,
				   enum vtd_kt_kind kind, u8 *buf,
				   struct vtd_kt_mem *m, struct vtd_kt_world *w,
				   struct vtd_kt_run *r, char *err, size_t len)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	const struct vtd_kt_rec *a, *b;
	unsigned int na, nb;
	u64 root;

	err[0] = '\0';
	vtd_kt_mem_init(m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(m);
	if (!vtd_kt_build_world(m, w, kind)) {
		snprintf(err, len, "world does not fit");
		return false;
	}
	vtd_kt_apply_hw(&w->hw, rule->hw);
	root = vtd_kt_corrupt(rule, m, w);
	if (m->full) {
		snprintf(err, len, "corruption outside the buffer");
		return false;
	}
	vtd_kt_run_init(r, m, &w->hw);
	if (rule->budget)
		r->w.budget = rule->budget;
	if (rule->abort_after)
		r->abort_after = rule->abort_after;
	vtd_kt_run_walk(r, root);

	if (r->failures) {
		snprintf(err, len, "property: %s", r->why);
		return false;
	}
	if (r->root_ret != rule->root_ret) {
		snprintf(err, len, "walk_root returned %d, expected %d",
			 r->root_ret, rule->root_ret);
		return false;
	}
	a = vtd_kt_find(r, VTD_KT_BUS_A, &na);
	b = vtd_kt_find(r, VTD_KT_BUS_B, &nb);
	if (!rule->b_any && !rule->root_ret &&
	    (nb != 1 || b->reason != VTD_KDUMP_OK || b->devfn != VTD_KT_DEVFN_B ||
	     b->leaves != (k->levels ? 1 : 0) || b->rejected)) {
		snprintf(err, len, "bystander B disturbed: %u records, %s",
			 nb, nb ? vtd_kdump_reason_str(b->reason) : "-");
		return false;
	}
	if (rule->no_a) {
		if (na) {
			snprintf(err, len, "A has %u records, expected none", na);
			return false;
		}
		return true;
	}
	/* SM upper-half corruption adds a second record for bus A */
	if (na < 1 || (na > 1 && rule->target != VTD_KT_T_ROOT_HI)) {
		snprintf(err, len, "A has %u records, expected 1", na);
		return false;
	}
	if (a->reason != rule->reason) {
		snprintf(err, len, "A: %s, expected %s",
			 vtd_kdump_reason_str(a->reason),
			 vtd_kdump_reason_str(rule->reason));
		return false;
	}
	if (rule->bus_level != (a->format == VTD_KDUMP_FMT_NONE &&
				a->devfn == 0 && a->reason != VTD_KDUMP_OK)) {
		snprintf(err, len, "A: bus-level verdict %s expected",
			 rule->bus_level ? "" : "not");
		return false;
	}
	if (!rule->bus_level && a->devfn != VTD_KT_DEVFN_A) {
		snprintf(err, len, "A reported at devfn %#x", a->devfn);
		return false;
	}
	if (rule->reason != VTD_KDUMP_OK)
		return true;
	if (a->format != (rule->none ? VTD_KDUMP_FMT_NONE : k->format)) {
		snprintf(err, len, "A: format %d, expected %d", a->format,
			 rule->none ? VTD_KDUMP_FMT_NONE : k->format);
		return false;
	}
	if (rule->counts) {
		bool pg = k->levels && !rule->none;
		int want_leaves = pg ? rule->leaves : 0;
		int want_rej = pg ? rule->rejected : 0;

		if (a->leaves != (u64)want_leaves || a->rejected != (u64)want_rej) {
			snprintf(err, len, "A: %llu leaves %llu rejected, expected %d %d",
				 (unsigned long long)a->leaves,
				 (unsigned long long)a->rejected, want_leaves,
				 want_rej);
			return false;
		}
		if (rule->rej_why && want_rej &&
		    a->rej_reasons != BIT_ULL(rule->rej_why)) {
			snprintf(err, len, "A: leaves rejected as %#llx, expected %s",
				 (unsigned long long)a->rej_reasons,
				 vtd_kdump_reason_str(rule->rej_why));
			return false;
		}
		return true;
	}
	if (a->leaves != (k->levels ? VTD_KT_A_LEAVES : 0) || a->rejected ||
	    a->mapped_bytes != (k->levels ? VTD_KT_A_BYTES : 0) ||
	    a->nr_runs != (k->levels ? VTD_KT_A_RUNS : 0) ||
	    a->table_pages != w->table_pages_a) {
		snprintf(err, len, "A: %llu leaves %llu rejected %llu bytes %u runs %llu pages",
			 (unsigned long long)a->leaves,
			 (unsigned long long)a->rejected,
			 (unsigned long long)a->mapped_bytes, a->nr_runs,
			 (unsigned long long)a->table_pages);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Runs of leaves                                                      */
/* ------------------------------------------------------------------ */

/*
 * The walker checks a run of leaf entries, each the one before plus the
 * leaf size, as a whole when that is equivalent to checking each entry, and
 * reports it in one leaf() call.  Each case lays out one run for device A
 * (entry k maps .phys + k * size at .iova + k * size), changes some of its
 * entries, and states what the walk must find: what checking the entries
 * one by one finds, and how many leaf() calls report the leaves.
 */
struct vtd_kt_run_case {
	const char *name;
	unsigned int kinds;		/* VTD_KT_K() mask */
	unsigned int level;		/* of the leaves: 1 4K, 2 2M, 3 1G */
	unsigned int n;			/* entries in the run */
	u64 iova;
	u64 phys;			/* what entry 0 maps */
	unsigned int prot;		/* VTD_SL_R / VTD_SL_W */
	unsigned int edit;		/* first entry changed by .op ... */
	unsigned int edits;		/* ... and how many (0: none) */
	enum vtd_kt_op op;
	u64 mask;
	enum vtd_kt_addr addr;
	unsigned int hw;		/* VTD_KT_HW_* */
	bool kdump_leaves_ok;
	u64 old_ram_end;		/* data RAM to here, over kdump RAM */
	int abort_after;		/* 0: never; n: leaf() fails after n */
	/* expected */
	enum vtd_kdump_reason reason;
	unsigned int leaves;
	unsigned int rejected;
	unsigned int calls;		/* leaf() calls */
	unsigned int ranges;		/* maximal runs of the leaves */
};

#define VTD_KT_RW		(VTD_SL_R | VTD_SL_W)
#define VTD_KT_RUN_IOVA		0x40000000ULL	/* 1 GiB: table start */
#define VTD_KT_TWO_TABLES	(VTD_KT_RUN_IOVA + VTD_KT_SZ_2M - \
				 100 * VTD_KT_SZ_4K)
#define VTD_KT_BIG_RAM_END	0x3ffffffffULL	/* 16 GiB - 1 */
#define VTD_KT_HUGE_RAM_END	0x7ffffffffULL	/* 32 GiB - 1 */
#define VTD_KT_KEYID_CARRY	(BIT_ULL(VTD_KT_PHYS_BITS) - 16 * VTD_KT_SZ_4K)
#define VTD_KT_HAW_33_END	0x200000000ULL	/* 8 GiB */
#define VTD_KT_PRESENT_BITS	(VTD_SL_R | VTD_SL_W | VTD_FL_P)
#define VTD_KT_IGNORED_BIT	BIT_ULL(9)	/* ignored by both formats */
#define VTD_KT_CARRY_PHYS	(BIT_ULL(52) - 16 * VTD_KT_SZ_4K)
#define VTD_KT_CARRY_RAM_END	(BIT_ULL(52) + 16 * VTD_KT_SZ_4K - 1)
#define VTD_KT_BEFORE_SPLIT	(VTD_KT_DATA_SPLIT - 16 * VTD_KT_SZ_4K)
#define VTD_KT_BEFORE_KDUMP	(VTD_KT_DATA_KDUMP - 16 * VTD_KT_SZ_4K)
/* the two old-RAM pages after the kdump hole, the last of the buffer */
#define VTD_KT_LAST_BUF_PAGES	(VTD_KT_BASE + \
				 (VTD_KT_BUF_PAGES - 2) * VTD_KT_SZ_4K)

static const struct vtd_kt_run_case vtd_kt_run_cases[] __maybe_unused = {
	/* --- 4 KiB leaves --- */
	{ .name = "4K run fills a table", .kinds = VTD_KT_PGTABLE, .level = 1,
	  .n = 512, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .leaves = 512, .calls = 1, .ranges = 1 },
	{ .name = "4K run over two tables", .kinds = VTD_KT_PGTABLE,
	  .level = 1, .n = 300, .iova = VTD_KT_TWO_TABLES, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .leaves = 300, .calls = 2, .ranges = 1 },
	{ .name = "4K run over adjacent old-RAM ranges",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_BEFORE_SPLIT,
	  .prot = VTD_SL_R, .leaves = 32, .calls = 1, .ranges = 1 },
	{ .name = "4K run from old RAM into kdump RAM",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_BEFORE_KDUMP,
	  .prot = VTD_KT_RW, .leaves = 16, .rejected = 16, .calls = 16,
	  .ranges = 1 },
	{ .name = "4K run into kdump RAM, kdump leaves allowed",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_BEFORE_KDUMP,
	  .prot = VTD_KT_RW, .kdump_leaves_ok = true, .leaves = 32,
	  .calls = 32, .ranges = 1 },
	{ .name = "4K run in kdump RAM", .kinds = VTD_KT_PGTABLE, .level = 1,
	  .n = 32, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA_KDUMP,
	  .prot = VTD_KT_RW, .rejected = 32 },
	{ .name = "4K run in kdump RAM, kdump leaves allowed",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA_KDUMP,
	  .prot = VTD_KT_RW, .kdump_leaves_ok = true, .leaves = 32,
	  .calls = 1, .ranges = 1 },
	{ .name = "4K run out of kdump RAM into a hole, kdump leaves allowed",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA,
	  .phys = VTD_KT_DATA_KDUMP_END + 1 - 16 * VTD_KT_SZ_4K,
	  .prot = VTD_KT_RW, .kdump_leaves_ok = true, .leaves = 16,
	  .rejected = 16, .calls = 16, .ranges = 1 },
	{ .name = "4K run from a hole into old RAM", .kinds = VTD_KT_PGTABLE,
	  .level = 1, .n = 32, .iova = VTD_KT_RUN_IOVA,
	  .phys = VTD_KT_DATA - 16 * VTD_KT_SZ_4K, .prot = VTD_KT_RW,
	  .leaves = 16, .rejected = 16, .calls = 16, .ranges = 1 },
	{ .name = "4K run with an entry into kdump RAM in the middle",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .edit = 10, .edits = 1, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_KDUMP,
	  .leaves = 31, .rejected = 1, .calls = 2, .ranges = 2 },
	{ .name = "4K run with an entry above HAW in the middle",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .edit = 20, .edits = 1, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_HIGH,
	  .leaves = 31, .rejected = 1, .calls = 2, .ranges = 2 },
	{ .name = "4K run with an entry not present in the middle",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .edit = 10, .edits = 1, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_KT_PRESENT_BITS, .leaves = 31, .calls = 2, .ranges = 2 },
	{ .name = "4K run turning read-only halfway", .kinds = VTD_KT_PGTABLE,
	  .level = 1, .n = 32, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .edit = 16, .edits = 16, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_SL_W | VTD_FL_RW, .leaves = 32, .calls = 2, .ranges = 1 },
	{ .name = "4K run with an ignored bit set in one entry",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .edit = 16, .edits = 1, .op = VTD_KT_OP_SET,
	  .mask = VTD_KT_IGNORED_BIT, .leaves = 32, .calls = 3, .ranges = 1 },
	{ .name = "4K run crossing HAW in old RAM", .kinds = VTD_KT_PGTABLE,
	  .level = 1, .n = 32, .iova = VTD_KT_RUN_IOVA,
	  .phys = VTD_KT_HAW_33_END - 16 * VTD_KT_SZ_4K, .prot = VTD_KT_RW,
	  .hw = VTD_KT_HW_HAW_33, .old_ram_end = VTD_KT_BIG_RAM_END,
	  .leaves = 16, .rejected = 16, .calls = 16, .ranges = 1 },
	{ .name = "4K run into kdump RAM inside old RAM",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_BEFORE_KDUMP,
	  .prot = VTD_KT_RW, .old_ram_end = VTD_KT_BIG_RAM_END, .leaves = 16,
	  .rejected = 16, .calls = 16, .ranges = 1 },
	{ .name = "4K run out of kdump RAM inside old RAM",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA,
	  .phys = VTD_KT_DATA_KDUMP_END + 1 - 16 * VTD_KT_SZ_4K,
	  .prot = VTD_KT_RW, .old_ram_end = VTD_KT_BIG_RAM_END, .leaves = 16,
	  .rejected = 16, .calls = 16, .ranges = 1 },
	{ .name = "4K run after kdump RAM inside old RAM",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA_KDUMP_END + 1,
	  .prot = VTD_KT_RW, .old_ram_end = VTD_KT_BIG_RAM_END, .leaves = 32,
	  .calls = 1, .ranges = 1 },
	{ .name = "4K run after kdump RAM inside old RAM, one entry into it",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA_KDUMP_END + 1,
	  .prot = VTD_KT_RW, .old_ram_end = VTD_KT_BIG_RAM_END, .edit = 10,
	  .edits = 1, .op = VTD_KT_OP_ADDR, .addr = VTD_KT_A_KDUMP,
	  .leaves = 31, .rejected = 1, .calls = 2, .ranges = 2 },
	{ .name = "4K run in the last buffer pages, then an entry into MMIO",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 3,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_LAST_BUF_PAGES,
	  .prot = VTD_KT_RW, .edit = 2, .edits = 1, .op = VTD_KT_OP_ADDR,
	  .addr = VTD_KT_A_MMIO, .leaves = 2, .rejected = 1, .calls = 1,
	  .ranges = 1 },
	{ .name = "4K run whose address carries into bit 52",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_CARRY_PHYS,
	  .prot = VTD_KT_RW, .rejected = 32 },
	/* entries 16 on map 0 and up: RAM ending above 2^52 must not matter */
	{ .name = "4K run whose address carries into bit 52, 52-bit HAW",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_CARRY_PHYS,
	  .prot = VTD_KT_RW, .hw = VTD_KT_HW_HAW_52,
	  .old_ram_end = VTD_KT_CARRY_RAM_END, .leaves = 16, .rejected = 16,
	  .calls = 16, .ranges = 1 },
	{ .name = "4K run in a KeyID alias of old RAM",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA | VTD_KT_KEYID,
	  .prot = VTD_KT_RW, .hw = VTD_KT_HW_PHYS_34, .leaves = 32,
	  .calls = 1, .ranges = 1 },
	/* entries 16 on carry into the KeyID: aliases of 0 and up, no RAM */
	{ .name = "4K run carrying into the KeyID bits",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_KEYID_CARRY,
	  .prot = VTD_KT_RW, .hw = VTD_KT_HW_PHYS_34,
	  .old_ram_end = VTD_KT_HUGE_RAM_END, .leaves = 16, .rejected = 16,
	  .calls = 16, .ranges = 1 },
	{ .name = "leaf visitor error in the second run",
	  .kinds = VTD_KT_PGTABLE, .level = 1, .n = 32,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .edit = 10, .edits = 1, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_KT_PRESENT_BITS, .abort_after = 1,
	  .reason = VTD_KDUMP_VISIT_ABORTED },

	/* --- superpages --- */
	{ .name = "2M run", .kinds = VTD_KT_PGTABLE, .level = 2, .n = 64,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .leaves = 64, .calls = 1, .ranges = 1 },
	{ .name = "2M run without SLLPS 2M", .kinds = VTD_KT_SL, .level = 2,
	  .n = 64, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .hw = VTD_KT_HW_NO_2M, .rejected = 64 },
	{ .name = "FL 2M run with PAT in every entry", .kinds = VTD_KT_FL,
	  .level = 2, .n = 64, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .edits = 64, .op = VTD_KT_OP_SET,
	  .mask = VTD_FL_PAT_LARGE, .leaves = 64, .calls = 1, .ranges = 1 },
	{ .name = "SL 2M run with bit 12 in every entry", .kinds = VTD_KT_SL,
	  .level = 2, .n = 64, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .edits = 64, .op = VTD_KT_OP_SET,
	  .mask = BIT_ULL(12), .rejected = 64 },
	{ .name = "2M run from old RAM into kdump RAM",
	  .kinds = VTD_KT_PGTABLE, .level = 2, .n = 8,
	  .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA_KDUMP - 4 * VTD_KT_SZ_2M,
	  .prot = VTD_KT_RW, .leaves = 4, .rejected = 4, .calls = 4,
	  .ranges = 1 },
	{ .name = "2M run with PS clear in the middle", .kinds = VTD_KT_PGTABLE,
	  .level = 2, .n = 8, .iova = VTD_KT_RUN_IOVA, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .edit = 3, .edits = 1, .op = VTD_KT_OP_CLEAR,
	  .mask = VTD_SL_PS | VTD_FL_PS, .reason = VTD_KDUMP_MAP_FAILED },
	{ .name = "1G run over adjacent old-RAM ranges",
	  .kinds = VTD_KT_PGTABLE, .level = 3, .n = 2,
	  .iova = 2 * VTD_KT_SZ_1G, .phys = VTD_KT_DATA, .prot = VTD_KT_RW,
	  .leaves = 2, .calls = 1, .ranges = 1 },
	{ .name = "1G run into kdump RAM", .kinds = VTD_KT_PGTABLE, .level = 3,
	  .n = 2, .iova = 2 * VTD_KT_SZ_1G, .phys = VTD_KT_DATA + VTD_KT_SZ_1G,
	  .prot = VTD_KT_RW, .leaves = 1, .rejected = 1, .calls = 1,
	  .ranges = 1 },
	{ .name = "1G run without 1G pages", .kinds = VTD_KT_PGTABLE,
	  .level = 3, .n = 2, .iova = 2 * VTD_KT_SZ_1G, .phys = VTD_KT_DATA,
	  .prot = VTD_KT_RW, .hw = VTD_KT_HW_NO_1G, .rejected = 2 },
};

#define VTD_KT_NR_RUN_CASES	ARRAY_SIZE(vtd_kt_run_cases)

static inline bool vtd_kt_run_case_applies(const struct vtd_kt_run_case *c,
					   enum vtd_kt_kind kind)
{
	return c->kinds & BIT(kind);
}

/* Lay out the run of @c for device A of a world of @kind */
static inline bool vtd_kt_build_run(const struct vtd_kt_run_case *c,
				    enum vtd_kt_kind kind, struct vtd_kt_mem *m,
				    struct vtd_kt_world *w)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	bool fl = k->format == VTD_KDUMP_FMT_FIRST_LEVEL;
	struct vtd_kt_dev_build a = {
		VTD_KT_BUS_A, VTD_KT_DEVFN_A, VTD_KT_DID_A, 0,
	};
	const struct vtd_kt_rule edit = {
		.op = c->op, .mask = c->mask, .addr = c->addr,
	};
	u64 size = BIT_ULL(vtd_kt_shift(c->level));
	struct vtd_kt_path path;
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	vtd_kt_default_hw(&w->hw, k->scalable);
	vtd_kt_apply_hw(&w->hw, c->hw);
	w->root = vtd_kt_alloc(m);
	vtd_kt_build_dev(m, w->root, kind, &a);
	for (i = 0; i < c->n; i++) {
		struct vtd_kt_leaf l = {
			c->iova + i * size, c->phys + i * size, size, c->prot,
		};
		u64 e;

		vtd_kt_install(m, fl, a.top, k->levels, &l, &path);
		if (i < c->edit || i >= c->edit + c->edits)
			continue;
		e = path.entry[c->level];
		vtd_kt_wr(m, e, vtd_kt_apply_op(&edit, m, vtd_kt_rd(m, e), 0));
	}
	return !m->full;
}

/*
 * Run case @c on a world of @kind in @buf (VTD_KT_BUF_PAGES pages) with @r
 * as scratch.  Return: true if the walk found what @c expects; @err says
 * what differed otherwise.
 */
static inline bool vtd_kt_run_run_case(const struct vtd_kt_run_case *c,
				       enum vtd_kt_kind kind, u8 *buf,
				       struct vtd_kt_mem *m,
				       struct vtd_kt_world *w,
				       struct vtd_kt_run *r, char *err,
				       size_t len)
{
	const struct vtd_kt_rec *a;
	unsigned int na;

	err[0] = '\0';
	vtd_kt_mem_init(m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(m);
	if (c->old_ram_end)
		m->old_ram[3].end = c->old_ram_end;
	if (!vtd_kt_build_run(c, kind, m, w)) {
		snprintf(err, len, "world does not fit");
		return false;
	}
	vtd_kt_run_init(r, m, &w->hw);
	r->w.kdump_leaves_ok = c->kdump_leaves_ok;
	if (c->abort_after)
		r->abort_after = c->abort_after;
	vtd_kt_run_walk(r, w->root);
	if (r->failures) {
		snprintf(err, len, "property: %s", r->why);
		return false;
	}
	a = vtd_kt_find(r, VTD_KT_BUS_A, &na);
	if (r->root_ret || na != 1) {
		snprintf(err, len, "walk_root returned %d, %u records of A",
			 r->root_ret, na);
		return false;
	}
	if (a->reason != c->reason) {
		snprintf(err, len, "A: %s, expected %s",
			 vtd_kdump_reason_str(a->reason),
			 vtd_kdump_reason_str(c->reason));
		return false;
	}
	if (c->reason != VTD_KDUMP_OK)
		return true;
	if (a->leaves != c->leaves || a->rejected != c->rejected ||
	    a->calls != c->calls || a->nr_runs != c->ranges ||
	    a->mapped_bytes != (u64)c->leaves << vtd_kt_shift(c->level)) {
		snprintf(err, len,
			 "A: %llu leaves %llu rejected %llu calls %u ranges %llu bytes, want %u %u %u %u",
			 (unsigned long long)a->leaves,
			 (unsigned long long)a->rejected,
			 (unsigned long long)a->calls, a->nr_runs,
			 (unsigned long long)a->mapped_bytes, c->leaves,
			 c->rejected, c->calls, c->ranges);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Memory-map classification and run coalescing cases                 */
/* ------------------------------------------------------------------ */

/* Pages of the standard VTD_KT_BUF_PAGES buffer (hole: 58..61) */
#define VTD_KT_PG(n)		(VTD_KT_BASE + (u64)(n) * VTD_KDUMP_PAGE_SIZE)
#define VTD_KT_STD_HOLE		(VTD_KT_BUF_PAGES - VTD_KT_HOLE_PAGES - 2)

struct vtd_kt_classify_case {
	const char *name;
	u64 phys;
	u64 size;
	enum vtd_kdump_mem want;
};

static const struct vtd_kt_classify_case vtd_kt_classify_cases[] __maybe_unused = {
	{ "first buffer page", VTD_KT_PG(0), VTD_KT_SZ_4K, VTD_KDUMP_MEM_OLD_RAM },
	{ "buffer up to the hole", VTD_KT_PG(0),
	  VTD_KT_STD_HOLE * VTD_KT_SZ_4K, VTD_KDUMP_MEM_OLD_RAM },
	{ "buffer into the hole", VTD_KT_PG(0),
	  (VTD_KT_STD_HOLE + 1) * VTD_KT_SZ_4K, VTD_KDUMP_MEM_KDUMP },
	{ "hole page", VTD_KT_PG(VTD_KT_STD_HOLE), VTD_KT_SZ_4K,
	  VTD_KDUMP_MEM_KDUMP },
	{ "last hole byte", VTD_KT_PG(VTD_KT_STD_HOLE + VTD_KT_HOLE_PAGES) - 1,
	  1, VTD_KDUMP_MEM_KDUMP },
	{ "after the hole", VTD_KT_PG(VTD_KT_STD_HOLE + VTD_KT_HOLE_PAGES),
	  2 * VTD_KT_SZ_4K, VTD_KDUMP_MEM_OLD_RAM },
	{ "past the buffer end", VTD_KT_PG(VTD_KT_STD_HOLE + VTD_KT_HOLE_PAGES),
	  3 * VTD_KT_SZ_4K, VTD_KDUMP_MEM_OTHER },
	{ "straddles the buffer start", VTD_KT_BASE - VTD_KT_SZ_4K,
	  2 * VTD_KT_SZ_4K, VTD_KDUMP_MEM_OTHER },
	{ "first data GiB", VTD_KT_DATA, VTD_KT_SZ_1G, VTD_KDUMP_MEM_OLD_RAM },
	{ "across adjacent ranges", VTD_KT_DATA + VTD_KT_SZ_1G, VTD_KT_SZ_1G,
	  VTD_KDUMP_MEM_OLD_RAM },
	{ "split point", VTD_KT_DATA_SPLIT - 1, 2, VTD_KDUMP_MEM_OLD_RAM },
	{ "all data RAM", VTD_KT_DATA, 2 * VTD_KT_SZ_1G, VTD_KDUMP_MEM_OLD_RAM },
	{ "data RAM and a kdump byte", VTD_KT_DATA, 2 * VTD_KT_SZ_1G + 1,
	  VTD_KDUMP_MEM_KDUMP },
	{ "into kdump data", VTD_KT_DATA_KDUMP - VTD_KT_SZ_4K, 2 * VTD_KT_SZ_4K,
	  VTD_KDUMP_MEM_KDUMP },
	{ "after kdump data (unmapped)", VTD_KT_DATA_KDUMP_END + 1, VTD_KT_SZ_4K,
	  VTD_KDUMP_MEM_OTHER },
	{ "MMIO", VTD_KT_MMIO, VTD_KT_SZ_4K, VTD_KDUMP_MEM_OTHER },
	{ "below everything", 0, VTD_KT_SZ_4K, VTD_KDUMP_MEM_OTHER },
	{ "empty range", VTD_KT_DATA, 0, VTD_KDUMP_MEM_OTHER },
	{ "wraps around", U64_MAX - VTD_KT_SZ_4K + 1, 2 * VTD_KT_SZ_4K,
	  VTD_KDUMP_MEM_OTHER },
	{ "last page of the address space", U64_MAX - VTD_KT_SZ_4K + 1,
	  VTD_KT_SZ_4K, VTD_KDUMP_MEM_OTHER },
	{ "whole address space", 0, U64_MAX, VTD_KDUMP_MEM_KDUMP },
};

#define VTD_KT_NR_CLASSIFY	ARRAY_SIZE(vtd_kt_classify_cases)

static inline bool vtd_kt_check_classify(const struct vtd_kt_mem *m,
					 const struct vtd_kt_classify_case *c,
					 char *err, size_t len)
{
	enum vtd_kdump_mem got = vtd_kdump_classify(&m->map, c->phys, c->size);
	enum vtd_kdump_mem ref = vtd_kt_naive_classify(m, c->phys, c->size);

	if (got == c->want && ref == c->want)
		return true;
	snprintf(err, len, "classify %s: got %d, reference %d, expected %d",
		 c->name, got, ref, c->want);
	return false;
}

#define VTD_KT_RUNS_ADDS	6
#define VTD_KT_RUNS_MAX		4

struct vtd_kt_runs_case {
	const char *name;
	unsigned int max;
	unsigned int nr_add;
	struct vtd_kdump_range add[VTD_KT_RUNS_ADDS];	/* start, size */
	unsigned int nr;
	bool overflow;
	struct vtd_kdump_range want[VTD_KT_RUNS_MAX];
};

static const struct vtd_kt_runs_case vtd_kt_runs_cases[] __maybe_unused = {
	{ "contiguous leaves make one run", 4, 3,
	  { { 0x1000, 0x1000 }, { 0x2000, 0x1000 }, { 0x3000, 0x200000 } },
	  1, false, { { 0x1000, 0x202fff } } },
	{ "a gap opens a run", 4, 3,
	  { { 0x1000, 0x1000 }, { 0x3000, 0x1000 }, { 0x4000, 0x1000 } },
	  2, false, { { 0x1000, 0x1fff }, { 0x3000, 0x4fff } } },
	{ "overflow extends the last run", 1, 3,
	  { { 0x1000, 0x1000 }, { 0x10000, 0x1000 }, { 0x20000, 0x1000 } },
	  1, true, { { 0x1000, 0x20fff } } },
	{ "overflow with no room at all", 0, 1, { { 0x1000, 0x1000 } },
	  0, true, { } },
	{ "empty ranges are ignored", 4, 2, { { 0x1000, 0 }, { 0x5000, 0 } },
	  0, false, { } },
	{ "range inside the last run", 4, 2,
	  { { 0x1000, 0x3000 }, { 0x2000, 0x1000 } },
	  1, false, { { 0x1000, 0x3fff } } },
	{ "range ending at the top", 4, 2,
	  { { 0x1000, 0x1000 }, { U64_MAX - 0xfff, 0x1000 } },
	  2, false, { { 0x1000, 0x1fff }, { U64_MAX - 0xfff, U64_MAX } } },
	{ "size that wraps is clamped", 4, 1, { { U64_MAX - 0xfff, 0x2000 } },
	  1, false, { { U64_MAX - 0xfff, U64_MAX } } },
	{ "exactly max runs", 2, 2,
	  { { 0x1000, 0x1000 }, { 0x3000, 0x1000 } },
	  2, false, { { 0x1000, 0x1fff }, { 0x3000, 0x3fff } } },
};

#define VTD_KT_NR_RUNS_CASES	ARRAY_SIZE(vtd_kt_runs_cases)

static inline bool vtd_kt_check_runs_case(const struct vtd_kt_runs_case *c,
					  char *err, size_t len)
{
	struct vtd_kdump_range r[VTD_KT_RUNS_MAX] = { };
	struct vtd_kdump_runs runs = { .r = r, .max = c->max };
	unsigned int i;

	for (i = 0; i < c->nr_add; i++)
		vtd_kdump_runs_add(&runs, c->add[i].start, c->add[i].end);
	if (runs.nr != c->nr || runs.overflow != c->overflow) {
		snprintf(err, len, "runs %s: %u runs overflow %d, expected %u %d",
			 c->name, runs.nr, runs.overflow, c->nr, c->overflow);
		return false;
	}
	for (i = 0; i < c->nr; i++) {
		if (r[i].start != c->want[i].start || r[i].end != c->want[i].end) {
			snprintf(err, len, "runs %s: run %u is [%#llx, %#llx]",
				 c->name, i, (unsigned long long)r[i].start,
				 (unsigned long long)r[i].end);
			return false;
		}
	}
	return true;
}

static inline bool vtd_kt_check_memmap_valid(char *err, size_t len)
{
	static const struct vtd_kdump_range sorted[] = {
		{ 0x1000, 0x1fff }, { 0x2000, 0x2fff }, { 0x9000, 0x9000 },
	};
	static const struct vtd_kdump_range unsorted[] = {
		{ 0x9000, 0x9fff }, { 0x1000, 0x1fff },
	};
	static const struct vtd_kdump_range overlap[] = {
		{ 0x1000, 0x2fff }, { 0x2000, 0x3fff },
	};
	static const struct vtd_kdump_range inverted[] = { { 0x2000, 0x1000 } };
	struct vtd_kdump_memmap m = { };

	if (!vtd_kdump_memmap_valid(&m))
		goto fail;
	m.old_ram = sorted;
	m.nr_old_ram = ARRAY_SIZE(sorted);
	if (!vtd_kdump_memmap_valid(&m))
		goto fail;
	m.kdump_ram = unsorted;
	m.nr_kdump_ram = ARRAY_SIZE(unsorted);
	if (vtd_kdump_memmap_valid(&m))
		goto fail;
	m.kdump_ram = overlap;
	m.nr_kdump_ram = ARRAY_SIZE(overlap);
	if (vtd_kdump_memmap_valid(&m))
		goto fail;
	m.kdump_ram = inverted;
	m.nr_kdump_ram = ARRAY_SIZE(inverted);
	if (vtd_kdump_memmap_valid(&m))
		goto fail;
	return true;
fail:
	snprintf(err, len, "vtd_kdump_memmap_valid() misjudged a map");
	return false;
}

static inline bool vtd_kt_check_reason_strs(char *err, size_t len)
{
	unsigned int i, j;

	for (i = 0; i < VTD_KDUMP_NR_REASONS; i++) {
		const char *s = vtd_kdump_reason_str(i);

		if (!s || !strcmp(s, "unknown")) {
			snprintf(err, len, "reason %u has no string", i);
			return false;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(s, vtd_kdump_reason_str(j))) {
				snprintf(err, len, "reasons %u and %u share \"%s\"",
					 j, i, s);
				return false;
			}
		}
	}
	if (strcmp(vtd_kdump_reason_str(VTD_KDUMP_NR_REASONS), "unknown")) {
		snprintf(err, len, "out-of-range reason has a string");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Bounding the number of reserved ranges                              */
/* ------------------------------------------------------------------ */

#define VTD_KT_P		VTD_KT_SZ_4K
#define VTD_KT_MERGE_MAX	5

struct vtd_kt_merge_case {
	const char *name;
	struct vtd_kdump_range r[VTD_KT_MERGE_MAX];
	unsigned int nr;
	unsigned int max;
	u64 gap;			/* expected */
	unsigned int merged;		/* expected */
};

/* Gaps of 1, 2, 3 and 21 pages */
#define VTD_KT_MERGE_R	{ { 0x1000, 0x1fff }, { 0x3000, 0x3fff }, \
			  { 0x6000, 0x6fff }, { 0xa000, 0xafff }, \
			  { 0x20000, 0x20fff } }

static const struct vtd_kt_merge_case vtd_kt_merge_cases[] __maybe_unused = {
	{ "few enough", VTD_KT_MERGE_R, 5, 5, 0, 5 },
	{ "one page gap", VTD_KT_MERGE_R, 5, 4, VTD_KT_P, 4 },
	{ "two page gaps", VTD_KT_MERGE_R, 5, 3, 2 * VTD_KT_P, 3 },
	{ "doubling passes 3 pages", VTD_KT_MERGE_R, 5, 2, 4 * VTD_KT_P, 2 },
	{ "one range", VTD_KT_MERGE_R, 5, 1, 32 * VTD_KT_P, 1 },
	{ "max 0 means 1", VTD_KT_MERGE_R, 5, 0, 32 * VTD_KT_P, 1 },
	{ "empty", {}, 0, 1, 0, 0 },
	{ "adjacent ranges", { { 0x1000, 0x1fff }, { 0x2000, 0x2fff } }, 2, 2,
	  0, 1 },
	{ "up to the top", { { 0x1000, 0x1fff }, { U64_MAX - 0xfff, U64_MAX } },
	  2, 1, U64_MAX, 1 },
};

static inline bool vtd_kt_check_merge_case(const struct vtd_kt_merge_case *c,
					   char *err, size_t len)
{
	struct vtd_kdump_range out, prev = { 0, 0 };
	unsigned int i = 0, j, n = 0;
	u64 gap;

	gap = vtd_kdump_ranges_merge_gap(c->r, c->nr, c->max);
	if (gap != c->gap) {
		snprintf(err, len, "%s: gap %#llx, want %#llx", c->name,
			 (unsigned long long)gap, (unsigned long long)c->gap);
		return false;
	}
	while (vtd_kdump_ranges_merged(c->r, c->nr, gap, &i, &out)) {
		if (n && out.start <= prev.end) {
			snprintf(err, len, "%s: merged ranges overlap", c->name);
			return false;
		}
		prev = out;
		n++;
	}
	if (n != c->merged || i != c->nr) {
		snprintf(err, len, "%s: %u merged ranges, want %u", c->name, n,
			 c->merged);
		return false;
	}
	/* every input range lies inside one merged range */
	for (j = 0; j < c->nr; j++) {
		bool inside = false;

		for (i = 0; vtd_kdump_ranges_merged(c->r, c->nr, gap, &i, &out);)
			inside |= out.start <= c->r[j].start &&
				  c->r[j].end <= out.end;
		if (!inside) {
			snprintf(err, len, "%s: range %u lost", c->name, j);
			return false;
		}
	}
	return true;
}

static inline bool vtd_kt_check_merge(char *err, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtd_kt_merge_cases); i++)
		if (!vtd_kt_check_merge_case(&vtd_kt_merge_cases[i], err, len))
			return false;
	return true;
}

/* Walk the standard world of @kind once, with @budget, A's record in @a */
static inline bool vtd_kt_walk_std(enum vtd_kt_kind kind, u8 *buf,
				   struct vtd_kt_mem *m, struct vtd_kt_world *w,
				   struct vtd_kt_run *r, u64 budget, u32 gen,
				   const struct vtd_kt_rec **a)
{
	unsigned int na, i;

	vtd_kt_mem_init(m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(m);
	if (!vtd_kt_build_world(m, w, kind))
		return false;
	vtd_kt_run_init(r, m, &w->hw);
	r->w.budget = budget;
	if (gen) {
		/* stale stamps that would match if the wrap were not handled */
		r->visited.gen = gen;
		for (i = 0; i < ARRAY_SIZE(r->gens); i++) {
			r->gens[i] = 1;
			r->slots[i] = w->top_a;
		}
	}
	vtd_kt_run_walk(r, w->root);
	*a = vtd_kt_find(r, VTD_KT_BUS_A, &na);
	return !r->failures && !r->root_ret && na == 1;
}

/* The budget is exact: as many pages as the tree has pass, one less fails */
static inline bool vtd_kt_check_budget_exact(enum vtd_kt_kind kind, u8 *buf,
					     struct vtd_kt_mem *m,
					     struct vtd_kt_world *w,
					     struct vtd_kt_run *r,
					     char *err, size_t len)
{
	const struct vtd_kt_rec *a;
	u64 pages;

	if (!vtd_kt_kinds[kind].levels)
		return true;
	if (!vtd_kt_walk_std(kind, buf, m, w, r, VTD_KT_BUDGET, 0, &a))
		goto fail;
	pages = w->table_pages_a;
	if (!vtd_kt_walk_std(kind, buf, m, w, r, pages, 0, &a) ||
	    a->reason != VTD_KDUMP_OK || a->table_pages != pages)
		goto fail;
	if (!vtd_kt_walk_std(kind, buf, m, w, r, pages - 1, 0, &a) ||
	    a->reason != VTD_KDUMP_BUDGET || a->table_pages != pages - 1)
		goto fail;
	return true;
fail:
	snprintf(err, len, "budget on %s: %s", vtd_kt_kinds[kind].name,
		 r->failures ? r->why : "wrong verdict");
	return false;
}

/*
 * Access rights are ANDed down the walk: a non-leaf entry that denies
 * writes (or, second level, reads) takes that right from every leaf below
 * it, whatever the leaves say.  Device A's leaves 0-2 lie under one entry
 * at levels 2 and 3 (the top of a 3-level tree); leaf 1 is read-only, 0
 * and 2 read/write, and none of A's other leaves is below those entries.
 */
struct vtd_kt_prot_case {
	const char *name;
	unsigned int kinds;
	unsigned int level;		/* of the entry changed (1: none) */
	bool clear_read;		/* else the write right is cleared */
	u64 readable;			/* bytes of A reported readable (SL) */
	u64 writable;			/* and writable */
};

#define VTD_KT_A_WRITABLE	(VTD_KT_A_BYTES - VTD_KT_SZ_4K)
#define VTD_KT_A_LOW_RW		(2 * VTD_KT_SZ_4K)	/* leaves 0 and 2 */
#define VTD_KT_A_LOW		(3 * VTD_KT_SZ_4K)	/* leaves 0-2 */

static const struct vtd_kt_prot_case vtd_kt_prot_cases[] __maybe_unused = {
	{ "no entry changed", VTD_KT_PGTABLE, 1, false,
	  VTD_KT_A_BYTES - VTD_KT_SZ_1G, VTD_KT_A_WRITABLE },
	{ "level 2 denies writes", VTD_KT_PGTABLE, 2, false,
	  VTD_KT_A_BYTES - VTD_KT_SZ_1G, VTD_KT_A_WRITABLE - VTD_KT_A_LOW_RW },
	{ "level 3 denies writes", VTD_KT_PGTABLE, 3, false,
	  VTD_KT_A_BYTES - VTD_KT_SZ_1G, VTD_KT_A_WRITABLE - VTD_KT_A_LOW_RW },
	{ "level 2 denies reads", VTD_KT_SL, 2, true,
	  VTD_KT_A_BYTES - VTD_KT_SZ_1G - VTD_KT_A_LOW, VTD_KT_A_WRITABLE },
	{ "level 3 denies reads", VTD_KT_SL, 3, true,
	  VTD_KT_A_BYTES - VTD_KT_SZ_1G - VTD_KT_A_LOW, VTD_KT_A_WRITABLE },
};

#define VTD_KT_NR_PROT_CASES	ARRAY_SIZE(vtd_kt_prot_cases)

static inline bool vtd_kt_check_prot_case(const struct vtd_kt_prot_case *c,
					  enum vtd_kt_kind kind, u8 *buf,
					  struct vtd_kt_mem *m,
					  struct vtd_kt_world *w,
					  struct vtd_kt_run *r, char *err,
					  size_t len)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	bool fl = k->format == VTD_KDUMP_FMT_FIRST_LEVEL;
	unsigned int level = c->level;
	/* a present first-level entry always allows reads */
	u64 readable = fl ? VTD_KT_A_BYTES : c->readable;
	const struct vtd_kt_rec *a;
	unsigned int na;
	u64 e, right;

	if (!(c->kinds & BIT(kind)))
		return true;
	vtd_kt_mem_init(m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(m);
	if (!vtd_kt_build_world(m, w, kind)) {
		snprintf(err, len, "world does not fit");
		return false;
	}
	/* level 1 holds the leaves themselves: nothing above them changes */
	if (level > 1) {
		e = w->path[VTD_KT_A_LEAF4K].entry[level];
		right = c->clear_read ? VTD_SL_R : (fl ? VTD_FL_RW : VTD_SL_W);
		vtd_kt_wr(m, e, vtd_kt_rd(m, e) & ~right);
	}
	vtd_kt_run_init(r, m, &w->hw);
	vtd_kt_run_walk(r, w->root);
	a = vtd_kt_find(r, VTD_KT_BUS_A, &na);
	if (r->failures || na != 1 || a->reason != VTD_KDUMP_OK ||
	    a->leaves != VTD_KT_A_LEAVES) {
		snprintf(err, len, "%s on %s: %s", c->name, k->name,
			 r->failures ? r->why : "wrong verdict");
		return false;
	}
	if (a->readable_bytes != readable || a->writable_bytes != c->writable) {
		snprintf(err, len,
			 "%s on %s: %#llx/%#llx bytes readable/writable, expected %#llx/%#llx",
			 c->name, k->name,
			 (unsigned long long)a->readable_bytes,
			 (unsigned long long)a->writable_bytes,
			 (unsigned long long)readable,
			 (unsigned long long)c->writable);
		return false;
	}
	return true;
}

/*
 * Leaves that map IOMMU table pages.  A's first 4 KiB leaf (read/write) is
 * pointed at a table page the walks read; the table pages every walk
 * reported (all devices), sorted, must then catch A's maps and only A's.
 */
enum vtd_kt_table_target {
	VTD_KT_TT_NONE,			/* the world as built: no hit */
	VTD_KT_TT_OWN_LEAF_TABLE,	/* the table holding that very leaf */
	VTD_KT_TT_OWN_TOP,		/* A's top page table */
	VTD_KT_TT_OTHER_TOP,		/* B's top page table */
	VTD_KT_TT_ROOT,			/* the root table */
	VTD_KT_TT_CONTEXT,		/* A's context table */
	VTD_KT_TT_PASID_DIR,		/* SM: A's PASID directory */
	VTD_KT_TT_PASID_TABLE,		/* SM: A's PASID table */
	VTD_KT_TT_DATA,			/* a data page next to a table: no hit */
};

struct vtd_kt_table_case {
	const char *name;
	enum vtd_kt_table_target target;
	u32 kinds;
};

static const struct vtd_kt_table_case vtd_kt_table_cases[] __maybe_unused = {
	{ "no leaf maps a table page", VTD_KT_TT_NONE, VTD_KT_PGTABLE },
	{ "A maps its own leaf table", VTD_KT_TT_OWN_LEAF_TABLE, VTD_KT_PGTABLE },
	{ "A maps its own top table", VTD_KT_TT_OWN_TOP, VTD_KT_PGTABLE },
	{ "A maps B's top table", VTD_KT_TT_OTHER_TOP, VTD_KT_PGTABLE },
	{ "A maps the root table", VTD_KT_TT_ROOT, VTD_KT_PGTABLE },
	{ "A maps its context table", VTD_KT_TT_CONTEXT, VTD_KT_PGTABLE },
	{ "A maps its PASID directory", VTD_KT_TT_PASID_DIR,
	  VTD_KT_SM_SL | VTD_KT_FL },
	{ "A maps its PASID table", VTD_KT_TT_PASID_TABLE,
	  VTD_KT_SM_SL | VTD_KT_FL },
	{ "A maps an old page that is no table", VTD_KT_TT_DATA, VTD_KT_PGTABLE },
};

#define VTD_KT_NR_TABLE_CASES	ARRAY_SIZE(vtd_kt_table_cases)

static inline u64 vtd_kt_table_target(const struct vtd_kt_world *w,
				      enum vtd_kt_table_target t)
{
	switch (t) {
	case VTD_KT_TT_OWN_LEAF_TABLE:
		return w->path[VTD_KT_A_LEAF4K].table[1];
	case VTD_KT_TT_OWN_TOP:
		return w->top_a;
	case VTD_KT_TT_OTHER_TOP:
		return w->top_b;
	case VTD_KT_TT_ROOT:
		return w->root;
	case VTD_KT_TT_CONTEXT:
		return w->ctx_a & VTD_KDUMP_ADDR_MASK;
	case VTD_KT_TT_PASID_DIR:
		return w->pde_a & VTD_KDUMP_ADDR_MASK;
	case VTD_KT_TT_PASID_TABLE:
		return w->pe_a & VTD_KDUMP_ADDR_MASK;
	default:
		return 0;
	}
}

/* The index of @rec's first map that reaches a table page of @r, or -1 */
static inline int vtd_kt_rec_hits_tables(struct vtd_kt_run *r,
					 const struct vtd_kt_rec *rec)
{
	unsigned int n = vtd_kdump_pages_sort(r->all_pages, r->nr_all_pages);
	unsigned int i;

	r->nr_all_pages = n;
	for (i = 0; i < rec->nr_maps; i++)
		if (vtd_kdump_map_hits_pages(&rec->maps[i], r->all_pages, n,
					     vtd_kt_keyid_bits(r->w.hw)))
			return i;
	return -1;
}

static inline bool vtd_kt_check_table_case(const struct vtd_kt_table_case *c,
					   enum vtd_kt_kind kind, u8 *buf,
					   struct vtd_kt_mem *m,
					   struct vtd_kt_world *w,
					   struct vtd_kt_run *r, char *err,
					   size_t len)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	const struct vtd_kt_rec *a, *b;
	unsigned int na, nb;
	int hit_a, hit_b;
	u64 e, target;

	if (!(c->kinds & BIT(kind)))
		return true;
	vtd_kt_mem_init(m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(m);
	if (!vtd_kt_build_world(m, w, kind)) {
		snprintf(err, len, "world does not fit");
		return false;
	}
	target = vtd_kt_table_target(w, c->target);
	if (c->target == VTD_KT_TT_DATA)
		target = vtd_kt_alloc(m);	/* old RAM no walk reads */
	if (target) {
		e = w->path[VTD_KT_A_LEAF4K].entry[1];
		vtd_kt_wr(m, e, (vtd_kt_rd(m, e) & ~VTD_SL_ADDR) | target);
	}
	vtd_kt_run_init(r, m, &w->hw);
	vtd_kt_run_walk(r, w->root);
	a = vtd_kt_find(r, VTD_KT_BUS_A, &na);
	b = vtd_kt_find(r, VTD_KT_BUS_B, &nb);
	if (r->failures || na != 1 || nb != 1 || a->reason != VTD_KDUMP_OK ||
	    r->all_pages_overflow) {
		snprintf(err, len, "%s on %s: %s", c->name, k->name,
			 r->failures ? r->why : "wrong verdict or too many pages");
		return false;
	}
	hit_a = vtd_kt_rec_hits_tables(r, a);
	hit_b = vtd_kt_rec_hits_tables(r, b);
	/* the redirected leaf is A's first: its map is A's first */
	if (hit_a != (target && c->target != VTD_KT_TT_DATA ? 0 : -1) ||
	    hit_b != -1) {
		snprintf(err, len, "%s on %s: map %d of A and %d of B reach a table page",
			 c->name, k->name, hit_a, hit_b);
		return false;
	}
	return true;
}

/* Coalescing of validated leaves into maps */
struct vtd_kt_maps_case {
	const char *name;
	struct vtd_kt_leaf in[4];
	unsigned int nr_in;
	unsigned int max;
	unsigned int nr_out;		/* maps */
	u64 first_size;			/* size of the first map */
	u64 lost;
};

static const struct vtd_kt_maps_case vtd_kt_maps_cases[] __maybe_unused = {
	{ "one leaf", { { 0x1000, 0x5000, 0x1000, VTD_SL_R } }, 1, 4, 1,
	  0x1000, 0 },
	{ "two leaves in IOVA and memory: one map",
	  { { 0x1000, 0x5000, 0x1000, VTD_SL_R },
	    { 0x2000, 0x6000, 0x1000, VTD_SL_R } }, 2, 4, 1, 0x2000, 0 },
	{ "next IOVA, memory elsewhere: two maps",
	  { { 0x1000, 0x5000, 0x1000, VTD_SL_R },
	    { 0x2000, 0x9000, 0x1000, VTD_SL_R } }, 2, 4, 2, 0x1000, 0 },
	{ "same place, other rights: two maps",
	  { { 0x1000, 0x5000, 0x1000, VTD_SL_R },
	    { 0x2000, 0x6000, 0x1000, VTD_SL_R | VTD_SL_W } }, 2, 4, 2,
	  0x1000, 0 },
	{ "a 2M leaf after 4K leaves of the same run",
	  { { 0x1ff000, 0x3ff000, 0x1000, VTD_SL_W },
	    { 0x200000, 0x400000, 0x200000, VTD_SL_W } }, 2, 4, 1, 0x201000,
	  0 },
	{ "full: the leaf that does not fit is lost",
	  { { 0x1000, 0x5000, 0x1000, VTD_SL_R },
	    { 0x3000, 0x7000, 0x1000, VTD_SL_R },
	    { 0x5000, 0x9000, 0x2000, VTD_SL_R } }, 3, 2, 2, 0x1000, 0x2000 },
	{ "a leaf of size 0 is nothing", { { 0x1000, 0x5000, 0, VTD_SL_R } },
	  1, 4, 0, 0, 0 },
	{ "a leaf that grants no access maps nothing",
	  { { 0x1000, 0x5000, 0x1000, 0 },
	    { 0x2000, 0x6000, 0x1000, VTD_SL_W } }, 2, 4, 1, 0x1000, 0 },
};

#define VTD_KT_NR_MAPS_CASES	ARRAY_SIZE(vtd_kt_maps_cases)

static inline bool vtd_kt_check_maps_case(const struct vtd_kt_maps_case *c,
					  char *err, size_t len)
{
	struct vtd_kdump_map buf[4];
	struct vtd_kdump_maps maps = { .m = buf, .max = c->max };
	unsigned int i;

	for (i = 0; i < c->nr_in; i++)
		vtd_kdump_maps_add(&maps, c->in[i].iova, c->in[i].phys,
				   c->in[i].size, c->in[i].prot);
	if (maps.nr != c->nr_out || maps.lost != c->lost ||
	    (maps.nr && maps.m[0].size != c->first_size)) {
		snprintf(err, len, "maps %s: %u maps (first %#llx), %#llx lost",
			 c->name, maps.nr,
			 maps.nr ? (unsigned long long)maps.m[0].size : 0ULL,
			 (unsigned long long)maps.lost);
		return false;
	}
	return true;
}

/* Generation wrap-around clears the visited set */
static inline bool vtd_kt_check_visited_wrap(enum vtd_kt_kind kind, u8 *buf,
					     struct vtd_kt_mem *m,
					     struct vtd_kt_world *w,
					     struct vtd_kt_run *r,
					     char *err, size_t len)
{
	const struct vtd_kt_rec *a;

	if (!vtd_kt_kinds[kind].levels)
		return true;
	if (vtd_kt_walk_std(kind, buf, m, w, r, VTD_KT_BUDGET, U32_MAX, &a) &&
	    a->reason == VTD_KDUMP_OK && a->leaves == VTD_KT_A_LEAVES &&
	    r->visited.gen == 2)
		return true;
	snprintf(err, len, "visited wrap on %s: %s", vtd_kt_kinds[kind].name,
		 r->failures ? r->why : "wrong verdict");
	return false;
}

/* ------------------------------------------------------------------ */
/* Table pages: what the walk reads, and leaves that reach them        */
/* ------------------------------------------------------------------ */

/*
 * The standard world reports each table page it reads, once: the root,
 * A's and B's context tables (B: the upper half of its bus), in scalable
 * mode their PASID directory and table pages, and A's and B's page tables
 * (B: one per level), the top ones at the top level.
 */
static inline bool vtd_kt_check_table_reports(enum vtd_kt_kind kind, u8 *buf,
					      struct vtd_kt_mem *m,
					      struct vtd_kt_world *w,
					      struct vtd_kt_run *r,
					      char *err, size_t len)
{
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	u64 want[VTD_KDUMP_NR_TABLES] = { };
	const struct vtd_kt_rec *a;
	unsigned int i;

	if (!vtd_kt_walk_std(kind, buf, m, w, r, VTD_KT_BUDGET, 0, &a)) {
		snprintf(err, len, "table reports on %s: %s", k->name,
			 r->failures ? r->why : "walk failed");
		return false;
	}
	want[VTD_KDUMP_TABLE_ROOT] = 1;
	want[VTD_KDUMP_TABLE_CONTEXT] = 2;
	want[VTD_KDUMP_TABLE_PASID_DIR] = k->scalable ? 2 : 0;
	want[VTD_KDUMP_TABLE_PASID] = k->scalable ? 2 : 0;
	want[VTD_KDUMP_TABLE_PAGE] = k->levels ? w->table_pages_a + k->levels : 0;
	for (i = 0; i < VTD_KDUMP_NR_TABLES; i++) {
		if (r->tables[i] != want[i]) {
			snprintf(err, len, "table reports on %s: %llu of kind %u, want %llu",
				 k->name, (unsigned long long)r->tables[i], i,
				 (unsigned long long)want[i]);
			return false;
		}
	}
	if (k->levels && r->page_levels[k->levels] != 2) {
		snprintf(err, len, "table reports on %s: %llu top tables",
			 k->name, (unsigned long long)r->page_levels[k->levels]);
		return false;
	}
	return true;
}

#define VTD_KT_PAGES_MAX	8

struct vtd_kt_sort_case {
	const char *name;
	u64 in[VTD_KT_PAGES_MAX];
	unsigned int nr;
	u64 out[VTD_KT_PAGES_MAX];	/* sorted, each page once */
	unsigned int nr_out;
};

#define VTD_KT_TOP_PAGE		(U64_MAX & VTD_KDUMP_ADDR_MASK)

static const struct vtd_kt_sort_case vtd_kt_sort_cases[] __maybe_unused = {
	{ "no pages", { }, 0, { }, 0 },
	{ "one page", { 0x5000 }, 1, { 0x5000 }, 1 },
	{ "reversed", { 0x9000, 0x7000, 0x3000, 0x1000 }, 4,
	  { 0x1000, 0x3000, 0x7000, 0x9000 }, 4 },
	{ "duplicates", { 0x3000, 0x1000, 0x3000, 0x3000, 0x1000, 0x2000 }, 6,
	  { 0x1000, 0x2000, 0x3000 }, 3 },
	{ "one page many times", { 0x4000, 0x4000, 0x4000 }, 3, { 0x4000 }, 1 },
	{ "page 0 and the top page",
	  { VTD_KT_TOP_PAGE, 0, 0x1000, VTD_KT_TOP_PAGE, 0 }, 5,
	  { 0, 0x1000, VTD_KT_TOP_PAGE }, 3 },
	{ "eight, mixed",
	  { 0x180000000, 0x10002000, 0x10001000, 0x100000000, 0x10002000,
	    0x7000, 0x180000000, 0x10000000 }, 8,
	  { 0x7000, 0x10000000, 0x10001000, 0x10002000, 0x100000000,
	    0x180000000 }, 6 },
};

#define VTD_KT_NR_SORT_CASES	ARRAY_SIZE(vtd_kt_sort_cases)

/* Does a range hit one of these (sorted, distinct) table pages? */
static const u64 vtd_kt_hit_pages[] = {
	0x1000, 0x3000, 0x7000, VTD_KT_TOP_PAGE,
};

struct vtd_kt_hit_case {
	const char *name;
	u64 start;
	u64 end;			/* inclusive */
	bool hit;
};

static const struct vtd_kt_hit_case vtd_kt_hit_cases[] __maybe_unused = {
	{ "below every page", 0, 0xfff, false },
	{ "just before a page", 0x2000, 0x2fff, false },
	{ "first byte of a page", 0x3000, 0x3000, true },
	{ "last byte of a page", 0x3fff, 0x3fff, true },
	{ "just after a page", 0x4000, 0x6fff, false },
	{ "across a page", 0x2800, 0x37ff, true },
	{ "a 2M leaf over three pages", 0, 0x1fffff, true },
	{ "between pages, unaligned", 0x4001, 0x6ffe, false },
	{ "above every page below the top", 0x8000, VTD_KT_TOP_PAGE - 1,
	  false },
	{ "the last byte", U64_MAX, U64_MAX, true },
	{ "empty (end before start)", 0x3800, 0x37ff, false },
	{ "everything", 0, U64_MAX, true },
};

#define VTD_KT_NR_HIT_CASES	ARRAY_SIZE(vtd_kt_hit_cases)

static inline bool vtd_kt_check_sort_case(const struct vtd_kt_sort_case *c,
					  char *err, size_t len)
{
	u64 p[VTD_KT_PAGES_MAX];
	unsigned int n, i;

	memcpy(p, c->in, sizeof(p));
	n = vtd_kdump_pages_sort(p, c->nr);
	if (n != c->nr_out) {
		snprintf(err, len, "sort %s: %u pages, want %u", c->name, n,
			 c->nr_out);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (p[i] != c->out[i]) {
			snprintf(err, len, "sort %s: page %u is %#llx", c->name,
				 i, (unsigned long long)p[i]);
			return false;
		}
	}
	return true;
}

static inline bool vtd_kt_check_hit_case(const struct vtd_kt_hit_case *c,
					 char *err, size_t len)
{
	bool hit = vtd_kdump_pages_hit(vtd_kt_hit_pages,
				       ARRAY_SIZE(vtd_kt_hit_pages),
				       c->start, c->end);
	bool naive = false;
	unsigned int i;

	/* the expectation itself, checked page by page */
	for (i = 0; i < ARRAY_SIZE(vtd_kt_hit_pages); i++)
		naive |= c->start <= c->end &&
			 vtd_kt_hit_pages[i] <= c->end &&
			 vtd_kt_hit_pages[i] + VTD_KDUMP_PAGE_SIZE - 1 >= c->start;
	if (hit == c->hit && naive == c->hit)
		return true;
	snprintf(err, len, "hit %s: %d, reference %d, want %d", c->name, hit,
		 naive, c->hit);
	return false;
}

/* ------------------------------------------------------------------ */
/* Random trees                                                        */
/* ------------------------------------------------------------------ */

static inline u64 vtd_kt_rand(u64 *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

#define VTD_KT_RAND_PAGES	256

/*
 * May @l continue @prev, as the next leaf of a run (same size, next IOVA,
 * next address in the data RAM, same permissions)?
 */
static inline bool vtd_kt_continues(const struct vtd_kt_leaf *prev,
				    const struct vtd_kt_leaf *l)
{
	return prev->size == l->size && prev->iova + prev->size == l->iova &&
	       prev->phys >= VTD_KT_DATA &&
	       prev->phys + 2 * l->size <= VTD_KT_DATA_KDUMP;
}

/*
 * Build a random world: one device of a random kind with up to
 * VTD_KT_MAX_LEAVES / 2 random leaves, some of them into kdump RAM or MMIO,
 * some of them continuing the one before as runs of leaves do.
 * Fills @want (the valid leaves, in IOVA order) and *@nr_bad.
 */
static inline unsigned int vtd_kt_random_world(struct vtd_kt_mem *m,
					       struct vtd_kt_world *w, u64 seed,
					       struct vtd_kt_leaf *want,
					       unsigned int *nr_bad)
{
	enum vtd_kt_kind kind = vtd_kt_rand(&seed) % VTD_KT_NR_KINDS;
	const struct vtd_kt_kind_desc *k = &vtd_kt_kinds[kind];
	bool fl = k->format == VTD_KDUMP_FMT_FIRST_LEVEL;
	struct vtd_kt_dev_build d = {
		VTD_KT_BUS_A, VTD_KT_DEVFN_A, VTD_KT_DID_A, 0,
	};
	unsigned int n = vtd_kt_rand(&seed) % (VTD_KT_MAX_LEAVES / 2);
	struct vtd_kt_leaf prev = { };
	u64 limit, iova = 0;
	unsigned int i, nr = 0;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	vtd_kt_default_hw(&w->hw, k->scalable);
	if (vtd_kt_rand(&seed) & 1)
		w->hw.sllps = 0;
	if (vtd_kt_rand(&seed) & 1)
		w->hw.fl1gp = false;
	w->root = vtd_kt_alloc(m);
	d.rid_pasid = k->scalable ? vtd_kt_rand(&seed) % 4096 : 0;
	vtd_kt_build_dev(m, w->root, kind, &d);
	w->ctx_a = d.ctx;
	w->top_a = d.top;
	*nr_bad = 0;
	if (!k->levels)
		return 0;
	/* first level: lower half only */
	limit = BIT_ULL(vtd_kt_shift(k->levels) + VTD_KDUMP_LEVEL_STRIDE -
			(fl ? 1 : 0));

	for (i = 0; i < n; i++) {
		u64 r = vtd_kt_rand(&seed);
		u64 size = (r & 7) == 0 ? VTD_KT_SZ_1G :
			   (r & 7) < 3 ? VTD_KT_SZ_2M : VTD_KT_SZ_4K;
		struct vtd_kt_leaf l;
		unsigned int kind_of_target = (r >> 8) & 15;

		/* a gap, or none: contiguous leaves must coalesce */
		if ((r >> 4) & 1)
			iova += ((r >> 12) & 0xff) << (((r >> 20) & 1) ? 21 : 12);
		iova = (iova + size - 1) & ~(size - 1);
		if (iova + size > limit || iova + size < iova)
			break;
		l.iova = iova;
		l.size = size;
		l.prot = 1 + (r >> 24) % 3;
		l.phys = (VTD_KT_DATA + ((r >> 32) % (2 * VTD_KT_SZ_1G))) &
			 ~(size - 1);
		if (kind_of_target == 0)
			l.phys = VTD_KT_DATA_KDUMP;
		else if (kind_of_target == 1)
			l.phys = VTD_KT_MMIO;
		else if (kind_of_target < 8 && vtd_kt_continues(&prev, &l))
			l = prev, l.iova += size, l.phys += size;
		prev = l;
		iova += size;
		vtd_kt_install(m, fl, d.top, k->levels, &l, NULL);
		if (fl)		/* first level: present means readable */
			l.prot |= VTD_SL_R;
		if (l.phys == VTD_KT_DATA_KDUMP || l.phys == VTD_KT_MMIO ||
		    (size == VTD_KT_SZ_2M && !fl &&
		     !(w->hw.sllps & VTD_SLLPS_2M)) ||
		    (size == VTD_KT_SZ_1G &&
		     !(fl ? w->hw.fl1gp : (w->hw.sllps & VTD_SLLPS_1G)))) {
			(*nr_bad)++;
			continue;
		}
		want[nr++] = l;
	}
	return nr;
}

/*
 * Corrupt @n random qwords of the allocated pages: bit flips, pointers to
 * random buffer pages (loops, aliases), garbage, new present bits.
 */
static inline void vtd_kt_corrupt_random(struct vtd_kt_mem *m, u64 *s,
					 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && m->next; i++) {
		u64 r = vtd_kt_rand(s);
		unsigned int pg = r % m->next;
		unsigned int q = (r >> 16) % (VTD_KDUMP_PAGE_SIZE / sizeof(u64));
		u64 *p = (u64 *)(m->buf + pg * VTD_KDUMP_PAGE_SIZE) + q;

		switch ((r >> 32) & 3) {
		case 0:
			*p ^= BIT_ULL((r >> 40) % 64);
			break;
		case 1:
			*p = (*p & ~GENMASK_ULL(51, 12)) |
			     vtd_kt_page_phys(m, (r >> 40) % m->nr_pages);
			break;
		case 2:
			*p = vtd_kt_rand(s);
			break;
		default:
			*p |= VTD_SL_R | VTD_SL_W;
			break;
		}
	}
}

/*
 * The next segment of @l[*@i..@nr): leaves that follow each other in IOVA
 * and in memory with the same permissions, joined; *@i moves past it.
 */
static inline void vtd_kt_next_segment(const struct vtd_kt_leaf *l,
				       unsigned int nr, unsigned int *i,
				       struct vtd_kt_leaf *seg)
{
	*seg = l[(*i)++];
	while (*i < nr && l[*i].iova == seg->iova + seg->size &&
	       l[*i].phys == seg->phys + seg->size && l[*i].prot == seg->prot)
		seg->size += l[(*i)++].size;
}

/*
 * Did the walk report exactly the leaves in @want?  The walker may report
 * a run of leaves in one call, so both lists are compared as segments.
 */
static inline bool vtd_kt_same_leaves(const struct vtd_kt_run *r,
				      const struct vtd_kt_leaf *want,
				      unsigned int nr)
{
	struct vtd_kt_leaf a, b;
	unsigned int i = 0, j = 0;

	while (i < r->nr_leaves && j < nr) {
		vtd_kt_next_segment(r->leaves, r->nr_leaves, &i, &a);
		vtd_kt_next_segment(want, nr, &j, &b);
		if (a.iova != b.iova || a.phys != b.phys || a.size != b.size ||
		    a.prot != b.prot)
			return false;
	}
	return i == r->nr_leaves && j == nr;
}

/*
 * One property-test seed: a clean random tree must be walked exactly, the
 * same tree corrupted must keep every safety property.  @buf holds
 * VTD_KT_RAND_PAGES pages.  Return: true if both held.
 */
static inline bool vtd_kt_check_random_seed(u64 seed, u8 *buf,
					    struct vtd_kt_mem *m,
					    struct vtd_kt_world *w,
					    struct vtd_kt_run *r,
					    struct vtd_kt_leaf *want,
					    char *err, size_t len)
{
	const struct vtd_kt_rec *a;
	unsigned int nr, nr_bad, na;
	u64 s = seed * 0x9e3779b97f4a7c15ULL;

	vtd_kt_mem_init(m, buf, VTD_KT_RAND_PAGES);
	vtd_kt_mem_add_data(m);
	nr = vtd_kt_random_world(m, w, s, want, &nr_bad);
	if (m->full)
		return true;	/* too big for the buffer: not a verdict */
	vtd_kt_run_init(r, m, &w->hw);
	vtd_kt_run_walk(r, w->root);
	a = vtd_kt_find(r, VTD_KT_BUS_A, &na);
	if (r->failures || r->root_ret || na != 1 ||
	    a->reason != VTD_KDUMP_OK || a->leaves != nr ||
	    a->rejected != nr_bad || !vtd_kt_same_leaves(r, want, nr)) {
		snprintf(err, len, "seed %llu (%s): %s, %s, %llu/%u ok, %llu/%u bad",
			 (unsigned long long)seed, vtd_kt_kinds[w->kind].name,
			 r->failures ? r->why : "-",
			 na == 1 ? vtd_kdump_reason_str(a->reason) : "records?",
			 na ? (unsigned long long)a->leaves : 0ULL, nr,
			 na ? (unsigned long long)a->rejected : 0ULL, nr_bad);
		return false;
	}

	vtd_kt_corrupt_random(m, &s, 1 + vtd_kt_rand(&s) % 8);
	vtd_kt_run_init(r, m, &w->hw);
	r->w.budget = 1 + vtd_kt_rand(&s) % 64;
	vtd_kt_run_walk(r, w->root);
	if (r->failures) {
		snprintf(err, len, "seed %llu (%s): corrupted tree: %s",
			 (unsigned long long)seed, vtd_kt_kinds[w->kind].name,
			 r->why);
		return false;
	}
	return true;
}

#endif /* _INTEL_IOMMU_KDUMP_WALK_TEST_H */
