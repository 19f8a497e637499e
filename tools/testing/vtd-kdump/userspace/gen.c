// SPDX-License-Identifier: GPL-2.0
/*
 * Generator of large synthetic old VT-d trees for bench.c; see gen.h.
 * It writes tables the way intel-iommu lays them out; it does not validate
 * anything (that is the walker's job) and shares no code with the walker.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/bits.h>
#include <linux/bitfield.h>

#include "gen.h"

#define PG		4096ULL
#define GEN_BASE	0x100000000ULL		/* 4 GiB: table buffer */
#define GEN_TARGET	0x10000000000ULL	/* 1 TiB: leaf targets */
#define GEN_TARGET_SPLIT 0x18000000000ULL	/* 1.5 TiB: adjacent ranges */
#define GEN_TARGET_SIZE	0x10000000000ULL	/* 1 TiB */
#define GEN_KDUMP_SIZE	0x10000000ULL		/* 256 MiB */
#define GEN_HAW		46
#define SL_SNP		BIT_ULL(11)
#define FL_US		BIT_ULL(2)
#define FL_A		BIT_ULL(5)
#define FL_D		BIT_ULL(6)

static u64 rnd(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

const char *gen_layout_name(enum gen_layout l)
{
	static const char * const n[] = { "contig", "scatter", "2M", "1G" };

	return l < GEN_NR_LAYOUTS ? n[l] : "?";
}

/* ---- leaf sequence: the same for the sizing pass and the build pass ---- */

struct leaf_it {
	u64 rng;
	u64 unit;		/* leaf size in bytes */
	u64 left;		/* leaves still to emit */
	u64 run_left;
	u64 iova;		/* next IOVA */
	u64 phys;
	u64 runs;
	enum gen_layout layout;
	unsigned int avg_run;
	bool first;
};

static void leaf_it_init(struct leaf_it *it, const struct gen_cfg *c, u64 seed)
{
	memset(it, 0, sizeof(*it));
	it->rng = seed;
	it->layout = c->layout;
	it->unit = c->layout == GEN_1G ? BIT_ULL(30) :
		   c->layout == GEN_2M ? BIT_ULL(21) : PG;
	it->left = c->pages * PG / it->unit;
	if (!it->left)
		it->left = 1;
	it->avg_run = c->layout == GEN_CONTIG ? (c->avg_run ? c->avg_run : 256) :
		      c->layout == GEN_2M ? 8 : c->layout == GEN_1G ? 2 : 1;
	/* 1 MiB like a DMA API IOVA allocator's first pages; aligned for PS */
	it->iova = it->unit > BIT_ULL(20) ? it->unit : BIT_ULL(20);
	it->first = true;
}

static bool leaf_next(struct leaf_it *it)
{
	u64 gap;

	if (!it->left)
		return false;
	if (!it->run_left) {
		if (!it->first) {
			gap = it->layout == GEN_CONTIG ? 1 + rnd(&it->rng) % 16 :
			      it->layout == GEN_SCATTER ? 1 + rnd(&it->rng) % 3 :
			      1 + rnd(&it->rng) % 4;
			it->iova += (gap + 1) * it->unit;	/* gap after the last leaf */
		}
		it->first = false;
		it->run_left = it->avg_run > 1 ?
			       1 + rnd(&it->rng) % (2 * it->avg_run - 1) : 1;
		it->runs++;
		if (it->layout == GEN_SCATTER)
			it->phys = GEN_TARGET + (rnd(&it->rng) % (GEN_TARGET_SIZE / PG)) * PG;
		else
			it->phys = GEN_TARGET + (it->iova & (GEN_TARGET_SIZE - 1));
	} else {
		it->iova += it->unit;
		it->phys = GEN_TARGET + (it->iova & (GEN_TARGET_SIZE - 1));
	}
	it->run_left--;
	it->left--;
	return true;
}

/* ---- old memory ---- */

static u64 *qw(struct gen_world *g, u64 phys)
{
	return (u64 *)(g->buf + (phys - g->base));
}

static u64 alloc_page(struct gen_world *g)
{
	if (g->used_pages >= g->buf_pages)
		abort();	/* sizing bug */
	return g->base + PG * g->used_pages++;	/* mmap'd: already zero */
}

static unsigned int shift_of(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static u64 table_entry(bool fl, u64 table)
{
	return fl ? table | VTD_FL_P | VTD_FL_RW | FL_US | FL_A :
		    table | VTD_SL_R | VTD_SL_W;
}

static u64 leaf_entry(bool fl, u64 phys, u64 size)
{
	u64 e = phys;

	if (size > PG)
		e |= fl ? VTD_FL_PS : VTD_SL_PS;
	return fl ? e | VTD_FL_P | VTD_FL_RW | FL_US | FL_A | FL_D :
		    e | VTD_SL_R | VTD_SL_W | SL_SNP;
}

static unsigned int size_level(u64 size)
{
	return size == BIT_ULL(30) ? 3 : size == BIT_ULL(21) ? 2 : 1;
}

/* Build one page-table tree; returns its top table, counts its runs/leaves */
static u64 build_tree(struct gen_world *g, u64 seed, struct gen_dev *d)
{
	const struct gen_cfg *c = &g->cfg;
	unsigned int top = c->levels, leaf_lvl, l;
	u64 root = alloc_page(g);
	struct leaf_it it;

	leaf_it_init(&it, c, seed);
	leaf_lvl = size_level(it.unit);
	while (leaf_next(&it)) {
		u64 t = root, *e;

		for (l = top; l > leaf_lvl; l--) {
			e = qw(g, t) + ((it.iova >> shift_of(l)) & 511);
			if (!*e)
				*e = table_entry(c->first_level, alloc_page(g));
			t = *e & VTD_SL_ADDR;
		}
		e = qw(g, t) + ((it.iova >> shift_of(leaf_lvl)) & 511);
		*e = leaf_entry(c->first_level, it.phys, it.unit);
		d->leaves++;
	}
	d->runs = it.runs;
	return root;
}

/* Highest IOVA a tree reaches, and an upper bound of its table pages */
static u64 size_tree(const struct gen_cfg *c, u64 seed, u64 *pages)
{
	struct leaf_it it;
	u64 end = 0, n = 0;
	unsigned int l;

	leaf_it_init(&it, c, seed);
	while (leaf_next(&it))
		end = it.iova + it.unit;
	/* level-l tables cover 2^(shift_of(l) + 9) bytes each */
	for (l = 1; l <= c->levels; l++) {
		unsigned int s = shift_of(l) + 9;

		n += (s >= 64 ? 0 : end >> s) + 2;
	}
	*pages = n;
	return end;
}

/* Pre-order walk of a built tree: the order the real walker reads tables */
static void dfs(struct gen_world *g, u64 table, unsigned int level,
		struct gen_dev *d, bool record)
{
	const u64 *t = qw(g, table);
	unsigned int i;

	if (record)
		g->seq[g->nr_seq++] = table;
	d->table_pages++;
	for (i = 0; i < 512; i++) {
		u64 e = t[i];

		if (!e)
			continue;
		d->present++;
		if (level > 1 && !(e & VTD_SL_PS))
			dfs(g, e & VTD_SL_ADDR, level - 1, d, record);
	}
}

static u64 tree_seed(const struct gen_cfg *c, unsigned int i)
{
	return c->seed * 0x100000001b3ULL + (c->shared ? 0 : i) * 0x9e3779b97f4a7c15ULL + 1;
}

int gen_build(struct gen_world *g, const struct gen_cfg *cfg)
{
	const struct gen_cfg *c = cfg;
	unsigned int i, ntrees, bus, nbus;
	u64 need = 0, aperture, seq_max, buf_bytes, kd;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	if (!c->ndev || c->ndev > 32 * 255)
		return -1;
	if (c->first_level ? (!c->scalable || c->levels < 4 || c->levels > 5) :
	    (c->levels < 3 || c->levels > 5))
		return -1;
	aperture = c->first_level ? BIT_ULL(shift_of(c->levels) + 8) :
		   BIT_ULL(shift_of(c->levels) + 9);
	ntrees = c->shared ? 1 : c->ndev;
	for (i = 0; i < ntrees; i++) {
		u64 p;

		if (size_tree(c, tree_seed(c, i), &p) > aperture)
			return -1;
		need += p;
	}
	nbus = (c->ndev + 31) / 32;
	need += 1 + 2 * nbus + 2 * c->ndev + 16;

	g->buf_pages = need;
	g->base = GEN_BASE;
	buf_bytes = need * PG;
	g->buf = mmap(NULL, buf_bytes, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->buf == MAP_FAILED) {
		g->buf = NULL;
		return -1;
	}

	/* e820-like: low RAM, RAM below the MMIO hole, tables, leaf targets */
	g->old_ram[0] = (struct vtd_kdump_range){ 0x1000, 0x9ffff };
	g->old_ram[1] = (struct vtd_kdump_range){ 0x100000, 0xbfffffff };
	g->old_ram[2] = (struct vtd_kdump_range){ GEN_BASE, GEN_BASE + buf_bytes - 1 };
	g->old_ram[3] = (struct vtd_kdump_range){ GEN_TARGET, GEN_TARGET_SPLIT - 1 };
	g->old_ram[4] = (struct vtd_kdump_range){ GEN_TARGET_SPLIT,
						  GEN_TARGET + GEN_TARGET_SIZE - 1 };
	kd = (GEN_BASE + buf_bytes + BIT_ULL(30)) & ~(BIT_ULL(30) - 1);
	g->kdump_ram[0] = (struct vtd_kdump_range){ kd, kd + GEN_KDUMP_SIZE - 1 };
	g->mem = (struct vtd_kdump_memmap){
		.old_ram = g->old_ram, .nr_old_ram = 5,
		.kdump_ram = g->kdump_ram, .nr_kdump_ram = 1,
	};

	g->hw = (struct vtd_kdump_hw){
		.scalable = c->scalable,
		.sagaw = VTD_SAGAW_3LEVEL | VTD_SAGAW_4LEVEL | VTD_SAGAW_5LEVEL,
		.sllps = VTD_SLLPS_2M | VTD_SLLPS_1G,
		.fl1gp = true, .fl5lp = true, .pass_through = true,
		.dev_iotlb = true, .flts = true, .slts = true, .prs = true,
		.rps = true, .haw = GEN_HAW, .ndoms = 65536,
		.pasid_bits = 20,
	};

	g->devs = calloc(c->ndev, sizeof(*g->devs));
	if (!g->devs)
		goto fail;

	/* root, context tables, PASID structures, then the trees */
	g->root = alloc_page(g);
	for (i = 0; i < c->ndev; i++) {
		struct gen_dev *d = &g->devs[i];
		u64 *re, *ce, ctp, lo, hi;
		bool upper;

		d->bus = 1 + i / 32;
		d->devfn = (i % 32) * 8;
		upper = c->scalable && d->devfn >= VTD_SM_CONTEXT_ENTRIES;
		re = qw(g, g->root) + d->bus * 2 + upper;
		if (!(*re & VTD_RE_P)) {
			*re = alloc_page(g) | VTD_RE_P;
			g->nr_ctx_tables++;
		}
		ctp = *re & VTD_RE_CTP;

		if (c->shared && i)
			d->pgtable = g->devs[0].pgtable;
		else
			d->pgtable = build_tree(g, tree_seed(c, i), d);
		if (c->shared && i) {
			d->runs = g->devs[0].runs;
			d->leaves = g->devs[0].leaves;
		}

		if (!c->scalable) {
			ce = qw(g, ctp) + d->devfn * 2;
			ce[0] = VTD_CE_LO_P |
				FIELD_PREP(VTD_CE_LO_TT, VTD_CE_TT_MULTI_LEVEL) |
				d->pgtable;
			ce[1] = FIELD_PREP(VTD_CE_HI_AW, c->levels - VTD_AW_LEVEL_BIAS) |
				FIELD_PREP(VTD_CE_HI_DID, c->shared ? 1 : 1 + i);
			continue;
		}
		/* scalable: per-device PASID directory and table, RID_PASID 0 */
		{
			u64 dir = alloc_page(g), ptbl = alloc_page(g), *pe;

			ce = qw(g, ctp) + (d->devfn % VTD_SM_CONTEXT_ENTRIES) * 4;
			ce[0] = VTD_SMCE_LO_P | dir;	/* PDTS 0: 128 entries */
			ce[1] = 0;			/* RID_PASID 0 */
			*qw(g, dir) = ptbl | VTD_PDE_P;
			pe = qw(g, ptbl);
			lo = VTD_PE0_P;
			hi = 0;
			if (c->first_level) {
				lo |= FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_FL_ONLY);
				hi = d->pgtable | FIELD_PREP(VTD_PE2_FLPM,
					c->levels == 5 ? VTD_FLPM_5LEVEL : VTD_FLPM_4LEVEL);
			} else {
				lo |= FIELD_PREP(VTD_PE0_PGTT, VTD_PGTT_SL_ONLY) |
				      FIELD_PREP(VTD_PE0_AW, c->levels - VTD_AW_LEVEL_BIAS) |
				      d->pgtable;
			}
			pe[0] = lo;
			pe[1] = FIELD_PREP(VTD_PE1_DID, c->shared ? 1 : 1 + i);
			pe[2] = hi;
		}
	}

	/* the read order: root, then per bus (lower, upper) table, devices */
	seq_max = 1 + g->nr_ctx_tables + 2ULL * c->ndev;
	for (i = 0; i < c->ndev; i++) {
		struct gen_dev tmp = { 0 };

		if (!c->shared || !i) {
			dfs(g, g->devs[i].pgtable, c->levels, &tmp, false);
			g->devs[i].table_pages = tmp.table_pages;
			g->devs[i].present = tmp.present;
		} else {
			g->devs[i].table_pages = g->devs[0].table_pages;
			g->devs[i].present = g->devs[0].present;
		}
		seq_max += g->devs[i].table_pages;
	}
	g->seq = malloc(seq_max * sizeof(u64));
	if (!g->seq)
		goto fail;
	g->seq[g->nr_seq++] = g->root;
	for (bus = 0; bus < 256; bus++) {
		unsigned int half;

		for (half = 0; half < (c->scalable ? 2u : 1u); half++) {
			u64 re = qw(g, g->root)[bus * 2 + half];

			if (!(re & VTD_RE_P))
				continue;
			g->seq[g->nr_seq++] = re & VTD_RE_CTP;
			for (i = 0; i < c->ndev; i++) {
				struct gen_dev *d = &g->devs[i], tmp = { 0 };
				u64 ce0, pde;

				/* devfn 128..255 live in the upper half */
				if (d->bus != bus ||
				    (c->scalable && d->devfn / 128 != half))
					continue;
				if (c->scalable) {
					ce0 = qw(g, re & VTD_RE_CTP)[(d->devfn % 128) * 4];
					g->seq[g->nr_seq++] = ce0 & VTD_SMCE_LO_PASIDDIRPTR;
					pde = *qw(g, ce0 & VTD_SMCE_LO_PASIDDIRPTR);
					g->seq[g->nr_seq++] = pde & VTD_PDE_SMPTBLPTR;
				}
				dfs(g, d->pgtable, c->levels, &tmp, true);
			}
		}
	}
	for (i = 0; i < c->ndev; i++) {
		g->total_runs += g->devs[i].runs;
		g->total_leaves += g->devs[i].leaves;
		g->total_table_pages += g->devs[i].table_pages;
		g->total_present += g->devs[i].present;
	}
	return 0;
fail:
	gen_free(g);
	return -1;
}

void gen_free(struct gen_world *g)
{
	if (g->buf)
		munmap(g->buf, g->buf_pages * PG);
	free(g->devs);
	free(g->seq);
	memset(g, 0, sizeof(*g));
}
