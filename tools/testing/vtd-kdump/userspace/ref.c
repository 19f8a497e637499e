// SPDX-License-Identifier: GPL-2.0
/*
 * Reference walker and identity check for the fuzz oracle; see ref.h.
 *
 * Written from the VT-d specification (chapter 9, "Translation Structure
 * Formats") and the rules documented in kdump_walk.h, one entry at a time.
 * Where the walker makes a policy choice (what is refused, and in which
 * order the checks of one entry are made) this file makes the same choice,
 * spelt out again, so that both must agree entry by entry.
 *
 * -DREF_MUTANT=n breaks one rule on purpose (make fuzz-mutants): the fuzz
 * oracle must then report a disagreement.
 */
#include <errno.h>
#include <string.h>

#include <linux/bits.h>

#include "ref.h"
#include "kdump_cover.h"

#ifndef REF_MUTANT
#define REF_MUTANT	0
#endif
#define MUTANT(n)	(REF_MUTANT == (n))

#define PAGE		4096ULL
/* bits hi..lo of a qword */
#define BITS(hi, lo)	((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))
#define ADDR_63_12	BITS(63, 12)
#define ADDR_51_12	BITS(51, 12)

/* Root entry (9.1, 9.2): present, reserved, context-table pointer */
#define RE_PRESENT	BIT_ULL(0)
#define RE_RESERVED	BITS(11, 1)

/* Legacy context entry (9.3) */
#define CE_PRESENT	BIT_ULL(0)
#define CE_LO_RESERVED	BITS(11, 4)
#define CE_HI_RESERVED	(BITS(63, 24) | BIT_ULL(7))
#define CE_TT_SHIFT	2
#define CE_TT_UNTRANSLATED	0
#define CE_TT_ALL	1		/* with device TLB */
#define CE_TT_PASS	2
#define CE_DID_SHIFT	8

/* Scalable-mode context entry (9.4) */
#define SMCE_LO_RESERVED	BITS(8, 5)
#define SMCE_HI_RESERVED	BITS(63, 21)
#define SMCE_DTE	BIT_ULL(2)
#define SMCE_PASIDE	BIT_ULL(3)
#define SMCE_PRE	BIT_ULL(4)
#define SMCE_PDTS_SHIFT	9
#define SMCE_RID_PRIV	BIT_ULL(20)	/* qword 1 */

/* PASID directory entry (9.5), PASID table entry (9.6) */
#define PDE_RESERVED	BITS(11, 2)
#define PE_PGTT_SHIFT	6
#define PE_AW_SHIFT	2
#define PE_FLPM_SHIFT	2
#define PGTT_FIRST	1
#define PGTT_SECOND	2
#define PGTT_PASS	4
/* reserved: qword 0 bits 11:10, qword 1 bits 22:16, first-stage qword 2 11:8 */
#define PE0_RESERVED	BITS(11, 10)
#define PE1_RESERVED	BITS(22, 16)
#define PE2_FS_RESERVED	BITS(11, 8)

/* Paging entries: second level (9.8) and first level (9.7) */
#define SL_READ		BIT_ULL(0)
#define SL_WRITE	BIT_ULL(1)
#define FL_PRESENT	BIT_ULL(0)
#define FL_RW		BIT_ULL(1)
#define FL_US		BIT_ULL(2)
#define PG_PS		BIT_ULL(7)
#define FL_PAT_LARGE	BIT_ULL(12)

/* Capabilities: CAP.SAGAW bit n is AW value n; CAP.SLLPS bits 0, 1 */
#define SLLPS_2M	1
#define SLLPS_1G	2

static const struct vtd_kdump_hw *hw_of(const struct ref_world *rw)
{
	return rw->hw;
}

/* Address bits at or above the host address width (13..52 bits) */
static bool beyond_haw(const struct ref_world *rw, u64 addr)
{
	unsigned int haw = hw_of(rw)->haw;

	if (haw < 13)
		haw = 13;
	if (haw > 52)
		haw = 52;
	return addr >> haw;
}

/*
 * MKTME/TDX: the address bits from the CPU's physical-address width up to
 * the host address width select a KeyID; the memory reached is the one at
 * the address without them.  0 when the CPU's width is unset or not below.
 */
static u64 keyid_of(const struct vtd_kdump_hw *hw)
{
	unsigned int haw = hw->haw, cpu = hw->phys_bits;

	if (haw < 13)
		haw = 13;
	if (haw > 52)
		haw = 52;
	if (!cpu || cpu >= haw)
		return 0;
	if (cpu < 13)
		cpu = 13;
	return BITS(haw - 1, cpu);
}

static u64 rd(const u8 *page, unsigned int qword)
{
	u64 v;

	memcpy(&v, page + qword * 8, sizeof(v));
	return v;
}

/* The backed page at @phys, or NULL: what ops->map() returns in the test */
static const u8 *page_at(const struct ref_world *rw, u64 phys)
{
	if (phys < rw->base || (phys - rw->base) / PAGE >= rw->pages)
		return NULL;
	return rw->buf + (phys - rw->base);
}

/*
 * KDUMP if any byte of [phys, phys + size) is kdump RAM; OLD_RAM if each
 * byte is old RAM (possibly over several adjacent ranges); else OTHER.
 * Linear scans; the ranges may come in any order.
 */
enum vtd_kdump_mem ref_classify(const struct vtd_kdump_memmap *mem, u64 phys,
				u64 size)
{
	u64 last = phys + size - 1, at = phys;
	unsigned int i;
	bool found;

	if (!size || last < phys)
		return VTD_KDUMP_MEM_OTHER;
	for (i = 0; i < mem->nr_kdump_ram; i++)
		if (mem->kdump_ram[i].start <= last &&
		    phys <= mem->kdump_ram[i].end)
			return VTD_KDUMP_MEM_KDUMP;
	do {
		found = false;
		for (i = 0; i < mem->nr_old_ram; i++) {
			const struct vtd_kdump_range *r = &mem->old_ram[i];

			if (r->start > at || r->end < at)
				continue;
			if (r->end >= last)
				return VTD_KDUMP_MEM_OLD_RAM;
			at = r->end + 1;	/* r->end < last: no wrap */
			found = true;
			break;
		}
	} while (found);
	return VTD_KDUMP_MEM_OTHER;
}

static bool is_old_ram(const struct ref_world *rw, u64 page)
{
	return ref_classify(rw->mem, page, PAGE) == VTD_KDUMP_MEM_OLD_RAM;
}

/* ---------------------------------------------------------------- */
/* Root, context and PASID structures                                */
/* ---------------------------------------------------------------- */

struct ref_enum {
	const struct ref_world *rw;
	struct ref_dev *out;
	unsigned int max;
	unsigned int nr;
	bool full;
};

static bool add_dev(struct ref_enum *en, const struct ref_dev *d)
{
	if (en->nr == en->max) {
		en->full = true;
		return false;
	}
	en->out[en->nr++] = *d;
	return true;
}

static bool refuse_table(struct ref_enum *en, unsigned int bus,
			 unsigned int devfn, enum vtd_kdump_reason why)
{
	struct ref_dev d = {
		.bus = bus, .devfn = devfn, .table_refused = true,
		.reason = why, .format = VTD_KDUMP_FMT_NONE,
	};

	return add_dev(en, &d);
}

/* AW (context entry, PASID entry): 1, 2, 3 = 3, 4, 5 levels, in SAGAW */
static bool aw_ok(const struct ref_world *rw, unsigned int aw)
{
	return aw >= 1 && aw <= 3 && (hw_of(rw)->sagaw & (1U << aw));
}

static enum vtd_kdump_reason decode_legacy(const struct ref_world *rw,
					   u64 lo, u64 hi, struct ref_dev *d)
{
	const struct vtd_kdump_hw *hw = hw_of(rw);
	unsigned int tt = (lo >> CE_TT_SHIFT) & 3;
	unsigned int aw = hi & 7;
	unsigned int did = (hi >> CE_DID_SHIFT) & 0xffff;

	if ((lo & CE_LO_RESERVED) || (hi & CE_HI_RESERVED))
		return VTD_KDUMP_CTX_RSVD;
	if (tt == 3 || (tt == CE_TT_ALL && !hw->dev_iotlb) ||
	    (tt == CE_TT_PASS && !hw->pass_through))
		return VTD_KDUMP_CTX_TT;
	if (!aw_ok(rw, aw))
		return VTD_KDUMP_CTX_AW;
	if (did >= hw->ndoms + MUTANT(6))
		return VTD_KDUMP_CTX_DID;
	if (tt == CE_TT_PASS) {
		/* mutant 9: pass-through reported as no translation */
		d->format = MUTANT(9) ? VTD_KDUMP_FMT_NONE :
					      VTD_KDUMP_FMT_PASS_THROUGH;
		return VTD_KDUMP_OK;
	}
	if (beyond_haw(rw, lo & ADDR_63_12))
		return VTD_KDUMP_CTX_RSVD;
	d->format = VTD_KDUMP_FMT_SECOND_LEVEL;
	d->levels = aw + 2;
	d->pgtable = lo & ADDR_63_12;
	return VTD_KDUMP_OK;
}

/* Read @n qwords at @phys (inside one page): @bad if not old RAM */
static enum vtd_kdump_reason read_old(const struct ref_world *rw, u64 phys,
				      unsigned int n, u64 *out,
				      enum vtd_kdump_reason bad)
{
	u64 page = phys & ~(PAGE - 1);
	const u8 *p;
	unsigned int i;

	if (!is_old_ram(rw, page))
		return bad;
	p = page_at(rw, page);
	if (!p)
		return VTD_KDUMP_MAP_FAILED;
	for (i = 0; i < n; i++)
		out[i] = rd(p, (phys - page) / 8 + i);
	return VTD_KDUMP_OK;
}

/* @ce1: the context entry's qword 1 (RID_PRIV) */
static enum vtd_kdump_reason decode_pasid_entry(const struct ref_world *rw,
						const u64 *pe, u64 ce1,
						struct ref_dev *d)
{
	const struct vtd_kdump_hw *hw = hw_of(rw);
	unsigned int q;

	if (!(pe[0] & 1))
		return VTD_KDUMP_OK;		/* requests without PASID blocked */
	for (q = 3; q < 8; q++)
		if (pe[q])
			return VTD_KDUMP_PASID_ENTRY_RSVD;
	if ((pe[0] & PE0_RESERVED) || (pe[1] & PE1_RESERVED))
		return VTD_KDUMP_PASID_ENTRY_RSVD;
	if ((pe[1] & 0xffff) >= hw->ndoms)
		return VTD_KDUMP_CTX_DID;
	switch ((pe[0] >> PE_PGTT_SHIFT) & 7) {
	case PGTT_FIRST:
		if (!hw->flts)
			return VTD_KDUMP_PASID_PGTT;
		if (pe[2] & PE2_FS_RESERVED)
			return VTD_KDUMP_PASID_ENTRY_RSVD;
		/* supervisor requests-without-PASID: not adopted */
		if (ce1 & SMCE_RID_PRIV)
			return VTD_KDUMP_PASID_PGTT;
		switch ((pe[2] >> PE_FLPM_SHIFT) & 3) {
		case 0:
			d->levels = 4;
			break;
		case 1:
			if (!hw->fl5lp)
				return VTD_KDUMP_PASID_FLPM;
			d->levels = 5;
			break;
		default:
			return VTD_KDUMP_PASID_FLPM;
		}
		if (beyond_haw(rw, pe[2] & ADDR_63_12))
			return VTD_KDUMP_PASID_ENTRY_RSVD;
		d->format = VTD_KDUMP_FMT_FIRST_LEVEL;
		d->pgtable = pe[2] & ADDR_63_12;
		return VTD_KDUMP_OK;
	case PGTT_SECOND:
		if (!hw->slts)
			return VTD_KDUMP_PASID_PGTT;
		if (!aw_ok(rw, (pe[0] >> PE_AW_SHIFT) & 7))
			return VTD_KDUMP_CTX_AW;
		if (beyond_haw(rw, pe[0] & ADDR_63_12))
			return VTD_KDUMP_PASID_ENTRY_RSVD;
		d->format = VTD_KDUMP_FMT_SECOND_LEVEL;
		d->levels = ((pe[0] >> PE_AW_SHIFT) & 7) + 2;
		d->pgtable = pe[0] & ADDR_63_12;
		return VTD_KDUMP_OK;
	case PGTT_PASS:
		if (!hw->pass_through)
			return VTD_KDUMP_PASID_PGTT;
		d->format = VTD_KDUMP_FMT_PASS_THROUGH;
		return VTD_KDUMP_OK;
	default:		/* nested, reserved */
		return VTD_KDUMP_PASID_PGTT;
	}
}

static enum vtd_kdump_reason decode_sm(const struct ref_world *rw,
				       const u64 *ce, struct ref_dev *d)
{
	const struct vtd_kdump_hw *hw = hw_of(rw);
	unsigned int bits = ((ce[0] >> SMCE_PDTS_SHIFT) & 7) + 7 + 6;
	u64 rid_pasid = ce[1] & 0xfffff, dir = ce[0] & ADDR_63_12;
	enum vtd_kdump_reason why;
	u64 pde, pe[8];

	if ((ce[0] & SMCE_LO_RESERVED) || (ce[1] & SMCE_HI_RESERVED) ||
	    ce[2] || ce[3])
		return VTD_KDUMP_CTX_RSVD;
	if (beyond_haw(rw, dir))
		return VTD_KDUMP_CTX_RSVD;
	if (((ce[0] & SMCE_DTE) && !hw->dev_iotlb) ||
	    ((ce[0] & SMCE_PASIDE) && !hw->pasid_bits) ||
	    ((ce[0] & SMCE_PRE) && !hw->prs) || (rid_pasid && !hw->rps))
		return VTD_KDUMP_CTX_RSVD;
	if (hw->pasid_bits && hw->pasid_bits < bits)
		bits = hw->pasid_bits;
	if (rid_pasid >= (1ULL << bits))
		return VTD_KDUMP_PASID_RANGE;

	/* directory entry rid_pasid / 64, then entry rid_pasid % 64 */
	why = read_old(rw, dir + (rid_pasid / 64) * 8, 1, &pde,
		       VTD_KDUMP_PASID_DIR_PTR);
	if (why)
		return why;
	if (!(pde & 1))
		return VTD_KDUMP_OK;
	if ((pde & PDE_RESERVED) || beyond_haw(rw, pde & ADDR_63_12))
		return VTD_KDUMP_PASID_DIR_RSVD;
	why = read_old(rw, (pde & ADDR_63_12) + (rid_pasid % 64) * 64, 8, pe,
		       VTD_KDUMP_PASID_TBL_PTR);
	if (why)
		return why;
	return decode_pasid_entry(rw, pe, ce[1], d);
}

/* A context table, from root-entry qword @re; false when @out is full */
static bool walk_ctx_table(struct ref_enum *en, unsigned int bus,
			   unsigned int first, u64 re)
{
	const struct ref_world *rw = en->rw;
	bool sm = hw_of(rw)->scalable;
	unsigned int i, n = sm ? 128 : 256, qw = sm ? 4 : 2;
	u64 table = re & ADDR_63_12;
	const u8 *p;

	if ((re & RE_RESERVED) || beyond_haw(rw, table))
		return refuse_table(en, bus, first, VTD_KDUMP_ROOT_RSVD);
	if (!is_old_ram(rw, table))
		return refuse_table(en, bus, first, VTD_KDUMP_CTX_PTR);
	p = page_at(rw, table);
	if (!p)
		return refuse_table(en, bus, first, VTD_KDUMP_MAP_FAILED);
	for (i = 0; i < n; i++) {
		struct ref_dev d = { .bus = bus, .devfn = first + i };
		u64 ce[4] = { };
		unsigned int q;

		for (q = 0; q < qw; q++)
			ce[q] = rd(p, i * qw + q);
		if (!(ce[0] & CE_PRESENT))
			continue;
		d.format = VTD_KDUMP_FMT_NONE;
		d.reason = sm ? decode_sm(rw, ce, &d) :
				decode_legacy(rw, ce[0], ce[1], &d);
		if (!add_dev(en, &d))
			return false;
	}
	return true;
}

int ref_devices(const struct ref_world *rw, u64 root, struct ref_dev *out,
		unsigned int max, unsigned int *nr)
{
	struct ref_enum en = { .rw = rw, .out = out, .max = max };
	const u8 *p;
	unsigned int bus;

	*nr = 0;
	if ((root & (PAGE - 1)) || !is_old_ram(rw, root))
		return -EINVAL;
	p = page_at(rw, root);
	if (!p)
		return MUTANT(10) ? -EINVAL : -ENOMEM;
	for (bus = 0; bus < 256; bus++) {
		u64 lo = rd(p, 2 * bus), hi = rd(p, 2 * bus + 1);
		bool more = true;

		if (!hw_of(rw)->scalable) {
			/* legacy: the upper qword is reserved */
			if (!(lo & RE_PRESENT))
				continue;
			if (hi && !MUTANT(7))
				more = refuse_table(&en, bus, 0,
						    VTD_KDUMP_ROOT_RSVD);
			else
				more = walk_ctx_table(&en, bus, 0, lo);
		} else {
			if (lo & RE_PRESENT)
				more = walk_ctx_table(&en, bus, 0, lo);
			if (more && (hi & RE_PRESENT))
				more = walk_ctx_table(&en, bus, 128, hi);
		}
		if (!more)
			break;
	}
	*nr = en.nr;
	return en.full ? -E2BIG : 0;
}

/* ---------------------------------------------------------------- */
/* Page tables                                                       */
/* ---------------------------------------------------------------- */

struct ref_pt {
	const struct ref_world *rw;
	const struct ref_sink *s;
	struct ref_result *res;
	bool fl;
	unsigned int top;
	unsigned int nr_claimed;
	u64 claimed[REF_MAX_TABLES];
};

static bool present(const struct ref_pt *pt, u64 e)
{
	return pt->fl ? e & FL_PRESENT : e & (SL_READ | SL_WRITE);
}

/* VTD_SL_R / VTD_SL_W as the entry grants them (FL: present = readable) */
static unsigned int rights(const struct ref_pt *pt, u64 e)
{
	if (pt->fl)
		return VTD_SL_R | ((e & FL_RW) ? VTD_SL_W : 0);
	return ((e & SL_READ) ? VTD_SL_R : 0) | ((e & SL_WRITE) ? VTD_SL_W : 0);
}

/* May a leaf of 2^shift bytes exist at all (CAP.SLLPS, FL1GP)? */
static bool size_ok(const struct ref_pt *pt, unsigned int shift)
{
	const struct vtd_kdump_hw *hw = hw_of(pt->rw);

	if (shift == 12)
		return true;
	if (shift == 21)
		return pt->fl || (hw->sllps & SLLPS_2M);
	return pt->fl ? hw->fl1gp : (hw->sllps & SLLPS_1G);
}

/*
 * @user: first level, U/S set in every entry above (requests-without-PASID
 * are user-mode requests: U/S clear anywhere on the way faults them)
 */
static void leaf(struct ref_pt *pt, u64 e, unsigned int shift, u64 iova,
		 unsigned int above, bool user)
{
	u64 size = 1ULL << shift, addr = e & ADDR_51_12;
	u64 below = (size - 1) & ~(PAGE - 1);	/* must be 0: alignment */
	enum vtd_kdump_reason why = VTD_KDUMP_OK;
	u64 phys;

	if (pt->fl && shift > 12)
		below &= ~FL_PAT_LARGE;		/* PAT of a large FL leaf */
	if (!size_ok(pt, shift) || beyond_haw(pt->rw, addr) || (addr & below))
		why = VTD_KDUMP_LEAF_RSVD;
	else if (pt->fl && !(user && (e & FL_US)) && !MUTANT(12))
		why = VTD_KDUMP_LEAF_PRIV;
	phys = addr & ~(size - 1);
	if (!why) {
		/* mutant 11: a KeyID alias judged by its own address */
		switch (ref_classify(pt->rw->mem, MUTANT(11) ? phys :
				     phys & ~keyid_of(hw_of(pt->rw)), size)) {
		case VTD_KDUMP_MEM_OLD_RAM:
			break;
		case VTD_KDUMP_MEM_KDUMP:
			if (!pt->rw->kdump_leaves_ok || MUTANT(8))
				why = VTD_KDUMP_LEAF_KDUMP;
			break;
		default:
			why = VTD_KDUMP_LEAF_NOT_RAM;
			break;
		}
	}
	if (why) {
		pt->res->rejected++;
		if (pt->s->reject)
			pt->s->reject(pt->s->arg, iova, size, why);
		return;
	}
	pt->res->leaves++;
	pt->res->bytes += size;
	if (pt->s->leaf)
		pt->s->leaf(pt->s->arg, iova, phys, size,
			    (MUTANT(1) ? ~0U : above) & rights(pt, e));
}

/* Sign-extend @iova from bit @bits - 1 (first-level canonical form) */
static u64 canonical(u64 iova, unsigned int bits)
{
	if (bits < 64 && (iova & (1ULL << (bits - 1))) && !MUTANT(4))
		iova |= ~0ULL << bits;
	return iova;
}

static enum vtd_kdump_reason table(struct ref_pt *pt, u64 phys,
				   unsigned int level, u64 base,
				   unsigned int above, bool user)
{
	unsigned int shift = 12 + 9 * (level - 1), i, k;
	/* first level: the upper half of the top table is the kernel's */
	unsigned int usable = (pt->fl && level == pt->top) ? 256 : 512;
	enum vtd_kdump_reason why;
	const u8 *p;

	switch (ref_classify(pt->rw->mem, phys, PAGE)) {
	case VTD_KDUMP_MEM_OLD_RAM:
		break;
	case VTD_KDUMP_MEM_KDUMP:
		return VTD_KDUMP_PGTABLE_KDUMP;
	default:
		return VTD_KDUMP_PGTABLE_PTR;
	}
	if (pt->nr_claimed >= pt->rw->budget + MUTANT(3) ||
	    pt->nr_claimed >= REF_MAX_TABLES)
		return VTD_KDUMP_BUDGET;
	for (k = 0; k < pt->nr_claimed; k++)
		if (pt->claimed[k] == phys)
			return VTD_KDUMP_PGTABLE_REVISIT;
	pt->claimed[pt->nr_claimed++] = phys;
	p = page_at(pt->rw, phys);
	if (!p)
		return VTD_KDUMP_MAP_FAILED;
	pt->res->table_pages++;

	for (i = 0; i < usable; i++) {
		u64 e = rd(p, i), iova = base + ((u64)i << shift);

		if (!present(pt, e))
			continue;
		if (level == 1 || ((e & PG_PS) && (level == 2 || level == 3))) {
			leaf(pt, e, shift, iova, above, user);
			continue;
		}
		/* a table pointer: PS is reserved at levels 4 and 5 */
		if (((e & PG_PS) && !MUTANT(2)) ||
		    beyond_haw(pt->rw, e & ADDR_51_12))
			return VTD_KDUMP_PGTABLE_RSVD;
		why = table(pt, e & ADDR_51_12, level - 1, iova,
			    above & rights(pt, e), user && (e & FL_US));
		if (why)
			return why;
	}
	for (; i < 512; i++) {
		u64 e = rd(p, i);

		if (!present(pt, e))
			continue;
		pt->res->rejected++;
		if (pt->s->reject)
			pt->s->reject(pt->s->arg,
				      canonical((u64)i << shift, shift + 9),
				      1ULL << shift, VTD_KDUMP_IOVA_RANGE);
	}
	return VTD_KDUMP_OK;
}

void ref_walk_dev(const struct ref_world *rw, const struct ref_dev *d,
		  const struct ref_sink *s, struct ref_result *res)
{
	static struct ref_pt pt;
	unsigned int min;

	memset(res, 0, sizeof(*res));
	res->reason = d->reason;
	if (d->reason || d->table_refused)
		return;
	if (d->format != VTD_KDUMP_FMT_SECOND_LEVEL &&
	    d->format != VTD_KDUMP_FMT_FIRST_LEVEL)
		return;
	min = d->format == VTD_KDUMP_FMT_FIRST_LEVEL ? 4 : 3;
	if (d->levels < min || d->levels > 5) {
		res->reason = VTD_KDUMP_CTX_AW;
		return;
	}
	pt.rw = rw;
	pt.s = s;
	pt.res = res;
	pt.fl = d->format == VTD_KDUMP_FMT_FIRST_LEVEL;
	pt.top = d->levels;
	pt.nr_claimed = 0;
	res->reason = table(&pt, d->pgtable, d->levels, 0,
			    VTD_SL_R | VTD_SL_W, true);
}

/* ---------------------------------------------------------------- */
/* Identity check                                                    */
/* ---------------------------------------------------------------- */

void ref_cover_init(struct ref_cover *c, const struct vtd_kdump_hw *hw,
		    const struct vtd_kdump_range *want, unsigned int nr)
{
	memset(c, 0, sizeof(*c));
	c->want = want;
	c->nr_want = nr;
	c->keyid = keyid_of(hw);
}

/* The lowest wanted address in [lo, hi] and the end of its range */
static bool want_in(const struct ref_cover *c, u64 lo, u64 hi, u64 *first,
		    u64 *end)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < c->nr_want; i++) {
		const struct vtd_kdump_range *w = &c->want[i];
		u64 a = w->start > lo ? w->start : lo;

		if (w->end < lo || w->start > hi)
			continue;
		if (!any || a < *first) {
			*first = a;
			*end = w->end;
			any = true;
		}
	}
	return any;
}

static bool fail(struct ref_cover *c, int verdict, u64 start, u64 end)
{
	if (!c->verdict) {
		c->verdict = verdict;
		c->bad_start = start;
		c->bad_end = end;
	}
	return true;
}

bool ref_cover_leaf(struct ref_cover *c, u64 iova, u64 phys, u64 size,
		    unsigned int prot)
{
	u64 last = iova + size - 1, a, end;

	if (c->verdict)
		return true;
	/* another IOVA reaching into a wanted range, maybe through a KeyID */
	if (iova != phys && want_in(c, phys & ~c->keyid,
				    (phys & ~c->keyid) + size - 1, &a, &end))
		return fail(c, VTD_KDUMP_COVER_ALIAS, phys, phys + size - 1);
	/* wanted addresses between the last leaf and this one: unmapped */
	if (!c->pos_wrapped && iova > c->pos &&
	    want_in(c, c->pos, iova - 1, &a, &end))
		return fail(c, VTD_KDUMP_COVER_GAP, a,
			    end < iova - 1 ? end : iova - 1);
	if (want_in(c, iova, last, &a, &end)) {
		if (iova != phys)
			return fail(c, VTD_KDUMP_COVER_ELSEWHERE, iova, last);
		if ((prot & (VTD_SL_R | VTD_SL_W)) != (VTD_SL_R | VTD_SL_W) &&
		    !MUTANT(5))
			return fail(c, VTD_KDUMP_COVER_READ_ONLY, iova, last);
	}
	if (last == ~0ULL)
		c->pos_wrapped = true;
	else
		c->pos = last + 1;
	return false;
}

void ref_cover_reject(struct ref_cover *c, u64 iova, u64 size,
		      enum vtd_kdump_reason why)
{
	/* a subtree the walker did not read may map anything */
	if (why == VTD_KDUMP_IOVA_RANGE)
		fail(c, VTD_KDUMP_COVER_UNCHECKED, iova, iova + size - 1);
}

int ref_cover_finish(struct ref_cover *c, enum vtd_kdump_reason walk,
		     bool pass_through)
{
	u64 a, end;

	if (c->verdict)
		return c->verdict;
	if (walk)
		fail(c, VTD_KDUMP_COVER_WALK, 0, 0);
	else if (!pass_through && !c->pos_wrapped &&
		 want_in(c, c->pos, ~0ULL, &a, &end))
		fail(c, VTD_KDUMP_COVER_GAP, a, end);
	return c->verdict;
}
