/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generator of large synthetic old VT-d trees for the walker benchmark.
 *
 * Old physical memory is an mmap'd buffer of 4 KiB pages at a fake physical
 * base; only table pages live in it (leaves point into an old-RAM range
 * that is never read).  The memory map has several old-RAM ranges (like an
 * e820 map), one of them the table buffer, and a kdump-RAM range that no
 * entry ever points into.  Everything is deterministic from the seed.
 *
 * The generator knows what it built: the order in which the walker must
 * read table pages (for the memcpy bound), the number of present entries
 * and the number of maximal IOVA runs per device, computed from the leaves
 * as they are generated, not from the walker.
 */
#ifndef _VTD_KDUMP_GEN_H
#define _VTD_KDUMP_GEN_H

#include <linux/types.h>
#include "kdump_walk.h"

enum gen_layout {
	GEN_CONTIG,		/* runs of 4K pages, random length, small gaps */
	GEN_SCATTER,		/* single 4K pages, each its own run */
	GEN_2M,			/* runs of 2 MiB superpages */
	GEN_1G,			/* runs of 1 GiB superpages */
	GEN_NR_LAYOUTS,
};

struct gen_cfg {
	bool scalable;		/* root -> context -> PASID dir -> PASID table */
	bool first_level;	/* scalable only: FL page tables (4/5 levels) */
	unsigned int levels;	/* 3/4/5 (SL), 4/5 (FL) */
	enum gen_layout layout;
	unsigned int ndev;
	u64 pages;		/* mapped 4 KiB pages per device */
	bool shared;		/* all devices share one domain / page table */
	unsigned int avg_run;	/* CONTIG: mean run length in pages (default 256) */
	u64 seed;
};

struct gen_dev {
	u8 bus, devfn;
	u64 pgtable;		/* top table */
	u64 runs;		/* maximal IOVA runs, from the generated leaves */
	u64 leaves;
	u64 table_pages;	/* page-table pages of its tree */
	u64 present;		/* present entries in those pages */
};

#define GEN_MAX_OLD_RAM	8

struct gen_world {
	struct gen_cfg cfg;
	u8 *buf;
	u64 buf_pages;		/* reserved (MAP_NORESERVE) */
	u64 used_pages;		/* allocated so far */
	u64 base;		/* fake physical address of buf[0] */
	struct vtd_kdump_range old_ram[GEN_MAX_OLD_RAM];
	struct vtd_kdump_range kdump_ram[1];
	struct vtd_kdump_memmap mem;
	struct vtd_kdump_hw hw;
	u64 root;
	struct gen_dev *devs;
	unsigned int nr_ctx_tables;
	/* table pages in the order the walker reads them (root walk) */
	u64 *seq;
	u64 nr_seq;
	u64 total_runs, total_leaves, total_table_pages, total_present;
	u64 rng;
};

const char *gen_layout_name(enum gen_layout l);
/* Build the world; returns 0 or -1 (cfg out of range, out of memory) */
int gen_build(struct gen_world *g, const struct gen_cfg *cfg);
void gen_free(struct gen_world *g);
/* Pointer to the buffer page at fake physical @phys (must be inside) */
static inline const void *gen_va(const struct gen_world *g, u64 phys)
{
	return g->buf + (phys - g->base);
}

#endif
