/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference walker for the fuzz oracle (fuzz.c): a second, deliberately
 * simple reading of the rules that drivers/iommu/intel/kdump_walk.c
 * implements, written for the test and sharing no code with it.  It reads
 * every entry one at a time, classifies memory with a linear scan and keeps
 * the visited table pages in a plain array; there are no runs, hints,
 * hashes or fast paths.  Only the interface types (the capabilities, the
 * memory map, the reason and format enums) come from kdump_walk.h; every
 * bit position is spelt out again here from the VT-d specification.
 *
 * It also holds a reference for the identity check of kdump_cover.c: a
 * streaming verdict over the leaves in IOVA order.
 */
#ifndef _VTD_KDUMP_REF_H
#define _VTD_KDUMP_REF_H

#include <linux/types.h>
#include "kdump_walk.h"

/* Table pages one device walk may claim, at most (the fuzzer uses <= 512) */
#define REF_MAX_TABLES	4096

/* What the reference may read: @pages 4 KiB pages at fake physical @base */
struct ref_world {
	const u8 *buf;
	u64 base;
	u64 pages;
	const struct vtd_kdump_memmap *mem;
	const struct vtd_kdump_hw *hw;
	bool kdump_leaves_ok;
	u64 budget;		/* table pages one device walk may read */
};

/* One context entry (or refused context table) found from the root */
struct ref_dev {
	u8 bus;
	u8 devfn;
	bool table_refused;
	enum vtd_kdump_reason reason;	/* context, PASID entry: first refusal */
	enum vtd_kdump_format format;
	unsigned int levels;
	u64 pgtable;
};

struct ref_sink {
	void (*leaf)(void *arg, u64 iova, u64 phys, u64 size, unsigned int prot);
	void (*reject)(void *arg, u64 iova, u64 size, enum vtd_kdump_reason why);
	void *arg;
};

struct ref_result {
	enum vtd_kdump_reason reason;
	u64 leaves;
	u64 bytes;
	u64 rejected;
	u64 table_pages;
};

enum vtd_kdump_mem ref_classify(const struct vtd_kdump_memmap *mem, u64 phys,
				u64 size);
/*
 * Every context entry from the root table at @root, in bus/devfn order,
 * into @out (at most @max).  Return: 0, -EINVAL (root not old RAM or not
 * aligned), -ENOMEM (root not backed) or -E2BIG (more than @max).
 */
int ref_devices(const struct ref_world *rw, u64 root, struct ref_dev *out,
		unsigned int max, unsigned int *nr);
/* Walk the page tables of @d (reason OK), entry by entry, into @s */
void ref_walk_dev(const struct ref_world *rw, const struct ref_dev *d,
		  const struct ref_sink *s, struct ref_result *res);

/* Reference identity check; verdicts are enum vtd_kdump_cover_verdict */
struct ref_cover {
	const struct vtd_kdump_range *want;
	unsigned int nr_want;
	u64 pos;		/* first IOVA after the last leaf seen */
	bool pos_wrapped;	/* a leaf ended at the top of the space */
	u64 keyid;		/* address bits that select a KeyID */
	int verdict;
	u64 bad_start;
	u64 bad_end;
};

void ref_cover_init(struct ref_cover *c, const struct vtd_kdump_hw *hw,
		    const struct vtd_kdump_range *want, unsigned int nr);
/* Return: true once the check has failed (the walk would stop) */
bool ref_cover_leaf(struct ref_cover *c, u64 iova, u64 phys, u64 size,
		    unsigned int prot);
void ref_cover_reject(struct ref_cover *c, u64 iova, u64 size,
		      enum vtd_kdump_reason why);
int ref_cover_finish(struct ref_cover *c, enum vtd_kdump_reason walk,
		     bool pass_through);

#endif
