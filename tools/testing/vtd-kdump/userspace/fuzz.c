// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the VT-d kdump walker (kdump_walk.c) and the
 * identity check of the kdump IO rule mode (kdump_cover.c), with an
 * oracle: the reference walker of ref.c.
 *
 * Input: an 8-byte header followed by 12-byte writes into a zeroed old
 * memory of FUZZ_PAGES pages laid out as in kdump_walk_test.h (old RAM with
 * a kdump-RAM hole, data RAM, kdump data RAM and MMIO around it):
 *
 *   header: u8 caps[3], root page (0xff: unbacked old RAM, 0xfe:
 *           unaligned; bits 5:4 clear ECAP.PRS, RPS, bits 7:6 pick the
 *           CPU's address width), budget (bits 7:6
 *           clear ECAP.FLTS, SLTS), visited-set order, visitor abort
 *           point, mode
 *   record: u8 op;  u8 page;  le16 qword;  le64 value
 *
 * op bit 0 turns the value into a pointer to buffer page (value % pages)
 * keeping the value's low 12 bits, bit 1 then also keeps its bits 63:52;
 * that lets the fuzzer build linked tables without guessing addresses.
 *
 * Mode (header byte 7): bit 0 runs the identity check as the kdump IO rule
 * mode does (kdump_identity.c) instead of the plain walk; bit 1 flips
 * kdump_leaves_ok (off for the walk, on for the check, by default); bits
 * 3:2 choose the ranges that must be identity-mapped (FUZZ_WANT_*); bits
 * 7:4 change the memory map (FUZZ_MAP_*; 0: kdump_walk_test.h's).
 *
 * Checked for every input, a violation aborts:
 *  - safety (both modes): only old RAM mapped, views released, leaves only
 *    into old RAM (or kdump RAM with kdump_leaves_ok), ascending, of a
 *    valid shape, coalesced, budget respected (kdump_walk_test.h);
 *  - oracle (both modes): walk_root()'s return and the list of devices
 *    (bus, devfn, refused table, reason, format) equal the reference's;
 *    per device the verdict, the leaves as coalesced (iova, phys, prot)
 *    ranges, the counts of leaves, bytes, rejected leaves and table pages,
 *    and the sequence of rejected leaves (iova, size, reason) equal the
 *    reference's (see fuzz_compare() for the normalisations);
 *  - identity check: no crash; the walk stops at the leaf that fails the
 *    check and only then (bounded work); the verdict and the failing range
 *    equal those of ref_cover over the same leaf calls; the verdict equals
 *    that of ref_cover over the reference walker's leaves, entry by entry
 *    (ALIAS and ELSEWHERE normalised, see fuzz_cover_dev()).
 *
 * Throwaway builds with -DREF_MUTANT=n (ref.c) or -DFUZZ_MUTANT=n (here)
 * break one rule of the reference or of this harness, to see each check
 * fail once (make fuzz-mutants, README.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sizes.h>

#include "kdump_cover.h"
#include "kdump_walk_test.h"
#include "ref.h"

#define FUZZ_PAGES		16
#define FUZZ_HDR		8
#define FUZZ_REC		12
#define FUZZ_MAX_DEVS		1024	/* total work bound per input */
/* leaves of one device: at most 64 tables (budget) x 512 entries */
#define FUZZ_MAX_SEGS		(64 * 512 + 1)

#define FUZZ_MODE_COVER		BIT(0)
#define FUZZ_MODE_FLIP_KDUMP	BIT(1)
#define FUZZ_MODE_WANT_SHIFT	2
#define FUZZ_MODE_MAP_SHIFT	4

/* Memory map variants, header byte 7 bits 7:4 */
#define FUZZ_MAP_PAGES		BIT(0)	/* buffer old RAM: a range per page */
#define FUZZ_MAP_SLICES		BIT(1)	/* [4G, 6G): 16 adjacent ranges */
#define FUZZ_MAP_KDUMP_IN_OLD	BIT(2)	/* kdump RAM overlapping old RAM */
#define FUZZ_MAP_ABOVE_KDUMP	BIT(3)	/* old RAM right after kdump RAM */
#define FUZZ_MAX_RANGES		32

enum fuzz_want {
	FUZZ_WANT_KDUMP_RAM,	/* every kdump-RAM range, as the mode wants */
	FUZZ_WANT_2M,		/* [6G, 6G + 2M) */
	FUZZ_WANT_PAGES,	/* a page of the buffer hole, a page at 6G + 4K */
	FUZZ_WANT_NONE,
	FUZZ_NR_WANTS,
};

/* A maximal range of leaves: contiguous in IOVA and memory, same prot */
struct fuzz_seg {
	u64 iova;
	u64 phys;
	u64 size;
	unsigned int prot;
};

struct fuzz_side {
	struct fuzz_seg seg[FUZZ_MAX_SEGS];
	unsigned int nr;
	bool overflow;
	u64 rej_hash;		/* of the rejected leaves, in order */
	u64 nr_rej;
};

struct fuzz_ctx {
	struct vtd_kt_run run;
	struct vtd_kt_mem m;
	struct vtd_kdump_hw hw;
	struct ref_world rw;
	struct ref_dev ref[FUZZ_MAX_DEVS];
	unsigned int nr_ref;
	int ref_ret;
	unsigned int devs;
	bool cover;
	const struct vtd_kdump_range *want;
	unsigned int nr_want;
	/* the device being compared */
	struct fuzz_side real, ref_side;
	u64 ref_rej_hash[FUZZ_MAX_SEGS];	/* after k rejects */
	struct vtd_kdump_cover c;		/* the identity check */
	struct ref_cover ev;			/* ref_cover over c's calls */
	struct ref_cover rc;			/* ref_cover over ref leaves */
	bool c_failed;
	u64 calls_after_fail;
};

static u8 buf[FUZZ_PAGES * VTD_KDUMP_PAGE_SIZE];
static struct fuzz_ctx fc;
/* FUZZ_VERBOSE=1 in the environment: one line per device and side */
static int verbose = -1;

static const struct vtd_kdump_range want_2m[] = {
	{ VTD_KT_DATA_KDUMP, VTD_KT_DATA_KDUMP + SZ_2M - 1 },
};

static struct vtd_kdump_range want_pages[2];
static struct vtd_kdump_range map_old[FUZZ_MAX_RANGES], map_kdump[4];

static u64 le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void fuzz_hw(struct vtd_kdump_hw *hw, const u8 *h)
{
	/* MKTME/TDX: none, or KeyIDs below the HAW (data RAM stays below 33) */
	static const u8 cpu_bits[] = { 0, 44, 38, 33 };

	memset(hw, 0, sizeof(*hw));
	hw->scalable = h[0] & 1;
	hw->sllps = (h[0] >> 1) & 3;
	hw->fl1gp = h[0] & 8;
	hw->fl5lp = h[0] & 16;
	hw->pass_through = h[0] & 32;
	hw->dev_iotlb = h[0] & 64;
	/* ECAP.PSS + 1: 20 bits, or fewer than a big directory covers */
	hw->pasid_bits = (h[0] & 128) ? 20 - (h[2] >> 5) : 0;
	hw->sagaw = h[1] & 0xf;
	hw->haw = 30 + (h[1] >> 4);	/* 30..45: some buffer pages beyond */
	hw->ndoms = 1U << (h[2] % 17);
	/* bits the other header bytes leave unused; clear: capability there */
	hw->flts = !(h[4] & 0x40);
	hw->slts = !(h[4] & 0x80);
	hw->prs = !(h[3] & 0x10);
	hw->rps = !(h[3] & 0x20);
	hw->phys_bits = cpu_bits[h[3] >> 6];
}

static void fuzz_oracle_fail(const struct vtd_kdump_dev *dev,
			     const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "oracle: %02x:%02x.%d: %s: ", dev ? dev->bus : 0,
		dev ? dev->devfn >> 3 : 0, dev ? dev->devfn & 7 : 0, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static u64 fuzz_mix(u64 h, u64 v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/*
 * Normalisation 1: the walker reports a run of leaves of one table in one
 * call and the reference one call per entry; both are folded into maximal
 * ranges that follow each other in IOVA and in memory with the same
 * rights, which depend only on the set of (4 KiB page -> page, prot)
 * mappings, not on how they were reported.
 */
static void fuzz_seg_add(struct fuzz_side *s, u64 iova, u64 phys, u64 size,
			 unsigned int prot)
{
	struct fuzz_seg *l = s->nr ? &s->seg[s->nr - 1] : NULL;

	if (l && l->iova + l->size == iova && l->phys + l->size == phys &&
	    l->prot == prot) {
		l->size += size;
		return;
	}
	if (s->nr == FUZZ_MAX_SEGS) {
		s->overflow = true;
		return;
	}
	s->seg[s->nr++] = (struct fuzz_seg){ iova, phys, size, prot };
}

static void fuzz_side_reset(struct fuzz_side *s)
{
	s->nr = 0;
	s->overflow = false;
	s->rej_hash = 0;
	s->nr_rej = 0;
}

static void fuzz_rej_add(struct fuzz_side *s, u64 iova, u64 size,
			 enum vtd_kdump_reason why)
{
	s->rej_hash = fuzz_mix(fuzz_mix(fuzz_mix(s->rej_hash, iova), size), why);
	s->nr_rej++;
}

/* ---- the reference's sink ---- */

static void fuzz_ref_leaf(void *arg, u64 iova, u64 phys, u64 size,
			  unsigned int prot)
{
	struct fuzz_ctx *f = arg;

	fuzz_seg_add(&f->ref_side, iova, phys, size, prot);
	if (f->cover)
		ref_cover_leaf(&f->rc, iova, phys, size, prot);
}

static void fuzz_ref_reject(void *arg, u64 iova, u64 size,
			    enum vtd_kdump_reason why)
{
	struct fuzz_ctx *f = arg;

	fuzz_rej_add(&f->ref_side, iova, size, why);
	if (f->ref_side.nr_rej < FUZZ_MAX_SEGS)
		f->ref_rej_hash[f->ref_side.nr_rej] = f->ref_side.rej_hash;
	if (f->cover)
		ref_cover_reject(&f->rc, iova, size, why);
}

/* ---- the walker's visitors ---- */

static int fuzz_leaf(void *arg, u64 iova, u64 phys, u64 size,
		     unsigned int prot)
{
	struct fuzz_ctx *f = arg;

	fuzz_seg_add(&f->real, iova, phys, size, prot);
	return vtd_kt_leaf_cb(&f->run, iova, phys, size, prot);
}

static void fuzz_reject(void *arg, u64 iova, u64 size,
			enum vtd_kdump_reason why)
{
	struct fuzz_ctx *f = arg;

	fuzz_rej_add(&f->real, iova, size, why);
	vtd_kt_reject_cb(&f->run, iova, size, why);
}

static int fuzz_cover_leaf(void *arg, u64 iova, u64 phys, u64 size,
			   unsigned int prot)
{
	struct fuzz_ctx *f = arg;
	int ret;

	if (f->c_failed)
		f->calls_after_fail++;
	fuzz_leaf(f, iova, phys, size, prot);
	ref_cover_leaf(&f->ev, iova, phys, size, prot);
	ret = vtd_kdump_cover_leaf(&f->c, iova, phys, size, prot);
	if (ret)
		f->c_failed = true;
#if defined(FUZZ_MUTANT) && FUZZ_MUTANT == 1
	ret = 0;	/* a walker that ignores the visitor's error */
#elif defined(FUZZ_MUTANT) && FUZZ_MUTANT == 2
	ret = ret ?: -EIO;	/* a walker that stops at the first leaf */
#endif
	return ret;
}

static void fuzz_cover_reject(void *arg, u64 iova, u64 size,
			      enum vtd_kdump_reason why)
{
	struct fuzz_ctx *f = arg;

	fuzz_reject(f, iova, size, why);
	ref_cover_reject(&f->ev, iova, size, why);
	vtd_kdump_cover_reject(&f->c, iova, size, why);
}

/* ---- comparing one device ---- */

static void fuzz_dump_segs(const char *who, const struct fuzz_side *s,
			   unsigned int from)
{
	unsigned int i;

	fprintf(stderr, "  %s: %u ranges%s, %llu rejected\n", who, s->nr,
		s->overflow ? " (overflow)" : "", (unsigned long long)s->nr_rej);
	for (i = from; i < s->nr && i < from + 4; i++)
		fprintf(stderr, "    [%u] iova %#llx phys %#llx size %#llx prot %u\n",
			i, (unsigned long long)s->seg[i].iova,
			(unsigned long long)s->seg[i].phys,
			(unsigned long long)s->seg[i].size, s->seg[i].prot);
}

static bool fuzz_seg_eq(const struct fuzz_seg *a, const struct fuzz_seg *b)
{
	return a->iova == b->iova && a->phys == b->phys && a->size == b->size &&
	       a->prot == b->prot;
}

/*
 * The walker's leaves must be the reference's (all of them, or with
 * @prefix the first part of them: a stopped walk).
 */
static void fuzz_compare_segs(const struct fuzz_ctx *f,
			      const struct vtd_kdump_dev *dev, bool prefix)
{
	const struct fuzz_side *a = &f->real, *b = &f->ref_side;
	unsigned int i;

	if (a->overflow || b->overflow)
		fuzz_oracle_fail(dev, "harness", "too many leaf ranges");
	for (i = 0; i < a->nr; i++) {
		const struct fuzz_seg *x = &a->seg[i], *y = &b->seg[i];

		if (i < b->nr && fuzz_seg_eq(x, y))
			continue;
		/* the last range of a stopped walk may end early */
		if (prefix && i == a->nr - 1 && i < b->nr &&
		    x->iova == y->iova && x->phys == y->phys &&
		    x->prot == y->prot && x->size <= y->size)
			continue;
		break;
	}
	if (i == a->nr && (prefix || a->nr == b->nr))
		return;
	fprintf(stderr, "oracle: leaves differ at range %u (reason %s)\n", i,
		vtd_kdump_reason_str(dev->reason));
	fuzz_dump_segs("walker", a, i);
	fuzz_dump_segs("reference", b, i);
	fuzz_oracle_fail(dev, "accepted leaves differ", "range %u", i);
}

/*
 * Compare the walk of @dev with the reference's @res.
 *
 * Normalisation 2: a walk that the visitor stopped (the harness's abort
 * point, or the identity check's first failure) ends with VISIT_ABORTED
 * where the reference, which never stops, goes on: its leaves, rejected
 * leaves and table pages must then be a prefix of the reference's, and its
 * reason is not compared (the reference may find a structural failure
 * further on, which the walker never reached).
 *
 * Not normalised: the budget (the reference counts table pages the same
 * way and stops at the same page: exact reasons and counts), the walker's
 * runs (see fuzz_seg_add()), the visited set (the reference keeps every
 * claimed page; the walker's hash set is sized so that it never fills).
 */
static void fuzz_compare(struct fuzz_ctx *f, const struct vtd_kdump_dev *dev,
			 const struct ref_result *res)
{
	bool stopped = dev->reason == VTD_KDUMP_VISIT_ABORTED;
	const struct fuzz_side *a = &f->real, *b = &f->ref_side;

	if (verbose)
		fprintf(stderr,
			"%02x:%02x.%d: walker %s leaves %llu ranges %u rejected %llu tables %llu; reference %s leaves %llu ranges %u rejected %llu tables %llu\n",
			dev->bus, dev->devfn >> 3, dev->devfn & 7,
			vtd_kdump_reason_str(dev->reason),
			(unsigned long long)dev->leaves, a->nr,
			(unsigned long long)dev->rejected_leaves,
			(unsigned long long)dev->table_pages,
			vtd_kdump_reason_str(res->reason),
			(unsigned long long)res->leaves, b->nr,
			(unsigned long long)res->rejected,
			(unsigned long long)res->table_pages);
	if (stopped) {
		if (dev->leaves > res->leaves || dev->mapped_bytes > res->bytes ||
		    dev->rejected_leaves > res->rejected ||
		    dev->table_pages > res->table_pages)
			fuzz_oracle_fail(dev, "stopped walk did more than the reference",
					 "leaves %llu/%llu rejected %llu/%llu tables %llu/%llu",
					 (unsigned long long)dev->leaves,
					 (unsigned long long)res->leaves,
					 (unsigned long long)dev->rejected_leaves,
					 (unsigned long long)res->rejected,
					 (unsigned long long)dev->table_pages,
					 (unsigned long long)res->table_pages);
		if (a->nr_rej > b->nr_rej ||
		    (a->nr_rej && (a->nr_rej >= FUZZ_MAX_SEGS ||
				   f->ref_rej_hash[a->nr_rej] != a->rej_hash)))
			fuzz_oracle_fail(dev, "rejected leaves differ",
					 "stopped walk: %llu, reference %llu",
					 (unsigned long long)a->nr_rej,
					 (unsigned long long)b->nr_rej);
		fuzz_compare_segs(f, dev, true);
		return;
	}
	if (dev->reason != res->reason)
		fuzz_oracle_fail(dev, "reason differs", "walker %s, reference %s",
				 vtd_kdump_reason_str(dev->reason),
				 vtd_kdump_reason_str(res->reason));
	if (dev->leaves != res->leaves || dev->mapped_bytes != res->bytes ||
	    dev->rejected_leaves != res->rejected ||
	    dev->table_pages != res->table_pages)
		fuzz_oracle_fail(dev, "counts differ",
				 "walker/reference: leaves %llu/%llu bytes %#llx/%#llx rejected %llu/%llu tables %llu/%llu (%s)",
				 (unsigned long long)dev->leaves,
				 (unsigned long long)res->leaves,
				 (unsigned long long)dev->mapped_bytes,
				 (unsigned long long)res->bytes,
				 (unsigned long long)dev->rejected_leaves,
				 (unsigned long long)res->rejected,
				 (unsigned long long)dev->table_pages,
				 (unsigned long long)res->table_pages,
				 vtd_kdump_reason_str(dev->reason));
	if (a->nr_rej != b->nr_rej || a->rej_hash != b->rej_hash)
		fuzz_oracle_fail(dev, "rejected leaves differ",
				 "walker %llu, reference %llu (or other places/reasons)",
				 (unsigned long long)a->nr_rej,
				 (unsigned long long)b->nr_rej);
	fuzz_compare_segs(f, dev, false);
}

/* The checks of vtd_kt_dev_cb() on a walked device */
static void fuzz_safety(struct fuzz_ctx *f, struct vtd_kdump_dev *dev)
{
	struct vtd_kt_run *r = &f->run;

	vtd_kt_check_dev(r, dev, true);
	if (r->failures) {
		fprintf(stderr, "property violated: %s\n", r->why);
		abort();
	}
}

static void fuzz_reset_dev(struct fuzz_ctx *f)
{
	vtd_kt_reset_dev(&f->run);
	fuzz_side_reset(&f->real);
	fuzz_side_reset(&f->ref_side);
	f->ref_rej_hash[0] = 0;
}

static void fuzz_walk_ref(struct fuzz_ctx *f, const struct ref_dev *rd,
			  struct ref_result *res)
{
	const struct ref_sink s = {
		.leaf = fuzz_ref_leaf, .reject = fuzz_ref_reject, .arg = f,
	};

	ref_walk_dev(&f->rw, rd, &s, res);
}

/* The plain walk, as kdump_copy.c does it */
static void fuzz_walk_dev(struct fuzz_ctx *f, struct vtd_kdump_dev *dev,
			  const struct ref_dev *rd)
{
	const struct vtd_kdump_visitor v = {
		.leaf = fuzz_leaf, .reject = fuzz_reject, .arg = f,
	};
	struct ref_result res;

	fuzz_walk_ref(f, rd, &res);
	vtd_kdump_walk_dev(&f->run.w, dev, &v);
	fuzz_safety(f, dev);
	fuzz_compare(f, dev, &res);
}

/* ELSEWHERE and ALIAS are one class for the cross-check, see below */
static int fuzz_verdict_class(int verdict)
{
	return verdict == VTD_KDUMP_COVER_ALIAS ? VTD_KDUMP_COVER_ELSEWHERE :
						  verdict;
}

/* The identity check, as kdump_identity.c does it for each device */
static void fuzz_cover_dev(struct fuzz_ctx *f, struct vtd_kdump_dev *dev,
			   const struct ref_dev *rd)
{
	const struct vtd_kdump_visitor v = {
		.leaf = fuzz_cover_leaf, .reject = fuzz_cover_reject, .arg = f,
	};
	enum vtd_kdump_cover_verdict verdict;
	enum vtd_kdump_reason why;
	struct ref_result res;
	bool pt, stopped;
	int ev, rc;

	ref_cover_init(&f->rc, &f->hw, f->want, f->nr_want);
	ref_cover_init(&f->ev, &f->hw, f->want, f->nr_want);
	f->c_failed = false;
	f->calls_after_fail = 0;
	fuzz_walk_ref(f, rd, &res);

	vtd_kdump_cover_init(&f->c, &f->hw, f->want, f->nr_want);
	why = vtd_kdump_walk_dev(&f->run.w, dev, &v);
	pt = !why && dev->ctx.format == VTD_KDUMP_FMT_PASS_THROUGH;
	if (pt)
		vtd_kdump_cover_pass_through(&f->c);
	verdict = vtd_kdump_cover_finish(&f->c, why);

	fuzz_safety(f, dev);
	/* bounded work: the first failure stops the walk, and only it does */
	if (f->calls_after_fail)
		fuzz_oracle_fail(dev, "walk went on after the check failed",
				 "%llu leaf calls",
				 (unsigned long long)f->calls_after_fail);
	stopped = why == VTD_KDUMP_VISIT_ABORTED;
	if (f->c_failed != stopped)
		fuzz_oracle_fail(dev, "walk stopped without a failure, or not stopped",
				 "walk %s, check %s", vtd_kdump_reason_str(why),
				 vtd_kdump_cover_str(verdict));
	if (f->c.cur > f->c.nr_want || verdict >= VTD_KDUMP_COVER_NR_VERDICTS ||
	    verdict != f->c.verdict)
		fuzz_oracle_fail(dev, "check state out of range", "cur %u verdict %d",
				 f->c.cur, verdict);
	/* consistent with the leaves it saw */
	ev = ref_cover_finish(&f->ev, why, pt);
	if (ev != (int)verdict ||
	    (verdict && verdict != VTD_KDUMP_COVER_WALK &&
	     (f->ev.bad_start != f->c.bad.start ||
	      f->ev.bad_end != f->c.bad.end)))
		fuzz_oracle_fail(dev, "verdict not the one its leaves give",
				 "check %s [%#llx, %#llx], reference %s [%#llx, %#llx]",
				 vtd_kdump_cover_str(verdict),
				 (unsigned long long)f->c.bad.start,
				 (unsigned long long)f->c.bad.end,
				 vtd_kdump_cover_str(ev),
				 (unsigned long long)f->ev.bad_start,
				 (unsigned long long)f->ev.bad_end);
	/*
	 * Normalisation 3: against the reference walker's leaves, entry by
	 * entry, the verdict may differ only between ELSEWHERE and ALIAS: a
	 * run that maps a wanted range's IOVA elsewhere and, further on,
	 * maps some other IOVA into a wanted range is ALIAS as one call and
	 * ELSEWHERE entry by entry (the first failing entry decides).  Where
	 * it fails differs too (a run against one entry), so only the class
	 * is compared here; the place was compared just above.
	 */
	rc = ref_cover_finish(&f->rc, res.reason,
			      !res.reason && rd->format == VTD_KDUMP_FMT_PASS_THROUGH);
	if (verbose)
		fprintf(stderr,
			"%02x:%02x.%d: check %s [%#llx, %#llx]; reference over its leaves %s\n",
			dev->bus, dev->devfn >> 3, dev->devfn & 7,
			vtd_kdump_cover_str(verdict),
			(unsigned long long)f->c.bad.start,
			(unsigned long long)f->c.bad.end, vtd_kdump_cover_str(rc));
	if (fuzz_verdict_class(rc) != fuzz_verdict_class(verdict))
		fuzz_oracle_fail(dev, "verdict differs from the reference walker's",
				 "check %s (walk %s), reference %s (walk %s)",
				 vtd_kdump_cover_str(verdict),
				 vtd_kdump_reason_str(why),
				 vtd_kdump_cover_str(rc),
				 vtd_kdump_reason_str(res.reason));
	fuzz_compare(f, dev, &res);
}

static int fuzz_dev_cb(void *arg, struct vtd_kdump_dev *dev)
{
	struct fuzz_ctx *f = arg;
	const struct ref_dev *rd;

	if (++f->devs > FUZZ_MAX_DEVS)
		return -E2BIG;
	if (f->devs > f->nr_ref)
		fuzz_oracle_fail(dev, "device the reference did not find",
				 "#%u of %u", f->devs, f->nr_ref);
	rd = &f->ref[f->devs - 1];
	if (rd->bus != dev->bus || rd->devfn != dev->devfn ||
	    rd->table_refused != dev->table_refused)
		fuzz_oracle_fail(dev, "device differs",
				 "reference %02x:%02x.%d%s, walker%s",
				 rd->bus, rd->devfn >> 3, rd->devfn & 7,
				 rd->table_refused ? " (table)" : "",
				 dev->table_refused ? " (table)" : "");
	/* the reference reads the PASID entry here, the walker in walk_dev */
	if (dev->reason && dev->reason != rd->reason)
		fuzz_oracle_fail(dev, "context refused differently",
				 "walker %s, reference %s",
				 vtd_kdump_reason_str(dev->reason),
				 vtd_kdump_reason_str(rd->reason));
	if (dev->table_refused)
		return 0;

	fuzz_reset_dev(f);
	if (f->cover)
		fuzz_cover_dev(f, dev, rd);
	else if (dev->reason == VTD_KDUMP_OK)
		fuzz_walk_dev(f, dev, rd);
	if (!dev->reason &&
	    (dev->ctx.format != rd->format ||
	     ((rd->format == VTD_KDUMP_FMT_SECOND_LEVEL ||
	       rd->format == VTD_KDUMP_FMT_FIRST_LEVEL) &&
	      (dev->ctx.levels != rd->levels ||
	       dev->ctx.pgtable != rd->pgtable))))
		fuzz_oracle_fail(dev, "translation differs",
				 "format %d/%d levels %u/%u table %#llx/%#llx",
				 dev->ctx.format, rd->format, dev->ctx.levels,
				 rd->levels, (unsigned long long)dev->ctx.pgtable,
				 (unsigned long long)rd->pgtable);
	return 0;
}

static void fuzz_range(struct vtd_kdump_range *r, unsigned int *n, u64 start,
		       u64 end)
{
	r[*n].start = start;
	r[*n].end = end;
	(*n)++;
}

/*
 * Another memory map, sorted and without overlaps within each array:
 * chains of adjacent old-RAM ranges longer than the walker's hints join,
 * kdump RAM inside old RAM (kdump wins), old RAM next to kdump RAM.
 */
static void fuzz_memmap(struct fuzz_ctx *f, unsigned int mode)
{
	unsigned int v = mode >> FUZZ_MODE_MAP_SHIFT, no = 0, nk = 0, pg;
	struct vtd_kt_mem *m = &f->m;
	u64 hole = vtd_kt_page_phys(m, m->hole_first), a;
	u64 after = vtd_kt_page_phys(m, m->hole_first + VTD_KT_HOLE_PAGES);

	if (!v)
		return;
	if (v & FUZZ_MAP_PAGES) {
		for (pg = 0; pg < m->nr_pages; pg++)
			if (pg < m->hole_first ||
			    pg >= m->hole_first + VTD_KT_HOLE_PAGES)
				fuzz_range(map_old, &no, vtd_kt_page_phys(m, pg),
					   vtd_kt_page_phys(m, pg + 1) - 1);
	} else {
		fuzz_range(map_old, &no, vtd_kt_page_phys(m, 0), hole - 1);
		fuzz_range(map_old, &no, after, vtd_kt_buf_end(m) - 1);
	}
	if (v & FUZZ_MAP_SLICES) {
		for (a = VTD_KT_DATA; a < VTD_KT_DATA_KDUMP; a += SZ_128M)
			fuzz_range(map_old, &no, a, a + SZ_128M - 1);
	} else {
		fuzz_range(map_old, &no, VTD_KT_DATA, VTD_KT_DATA_SPLIT - 1);
		fuzz_range(map_old, &no, VTD_KT_DATA_SPLIT,
			   VTD_KT_DATA_KDUMP - 1);
	}
	if (v & FUZZ_MAP_ABOVE_KDUMP)
		fuzz_range(map_old, &no, VTD_KT_DATA_KDUMP_END + 1,
			   VTD_KT_DATA_END);
	if (v & FUZZ_MAP_KDUMP_IN_OLD)
		fuzz_range(map_kdump, &nk, vtd_kt_page_phys(m, 3),
			   vtd_kt_page_phys(m, 4) - 1);
	fuzz_range(map_kdump, &nk, hole, after - 1);
	if (v & FUZZ_MAP_KDUMP_IN_OLD)
		fuzz_range(map_kdump, &nk, VTD_KT_DATA + SZ_1G,
			   VTD_KT_DATA + SZ_1G + SZ_2M - 1);
	fuzz_range(map_kdump, &nk, VTD_KT_DATA_KDUMP, VTD_KT_DATA_KDUMP_END);
	m->map = (struct vtd_kdump_memmap){
		.old_ram = map_old, .nr_old_ram = no,
		.kdump_ram = map_kdump, .nr_kdump_ram = nk,
	};
	if (!vtd_kdump_memmap_valid(&m->map))
		fuzz_oracle_fail(NULL, "harness", "memory map %#x not valid", v);
}

static void fuzz_want(struct fuzz_ctx *f, unsigned int mode)
{
	const struct vtd_kt_mem *m = &f->m;

	switch ((mode >> FUZZ_MODE_WANT_SHIFT) % FUZZ_NR_WANTS) {
	case FUZZ_WANT_KDUMP_RAM:
		f->want = m->map.kdump_ram;
		f->nr_want = m->map.nr_kdump_ram;
		break;
	case FUZZ_WANT_2M:
		f->want = want_2m;
		f->nr_want = ARRAY_SIZE(want_2m);
		break;
	case FUZZ_WANT_PAGES:
		want_pages[0].start = m->kdump_ram[0].start;
		want_pages[0].end = m->kdump_ram[0].start + SZ_4K - 1;
		want_pages[1].start = VTD_KT_DATA_KDUMP + SZ_4K;
		want_pages[1].end = VTD_KT_DATA_KDUMP + 2 * SZ_4K - 1;
		f->want = want_pages;
		f->nr_want = ARRAY_SIZE(want_pages);
		break;
	default:
		f->want = NULL;
		f->nr_want = 0;
		break;
	}
}

/* the libFuzzer entry point, under a name that is not CamelCase */
int vtd_fuzz_one_input(const u8 *data, size_t size) __asm__("LLVMFuzzerTestOneInput");

int vtd_fuzz_one_input(const u8 *data, size_t size)
{
	struct fuzz_ctx *f = &fc;
	struct vtd_kt_run *r = &f->run;
	struct vtd_kt_mem *m = &f->m;
	unsigned int mode;
	u64 root;
	size_t off;

	if (verbose < 0)
		verbose = !!getenv("FUZZ_VERBOSE");
	if (size < FUZZ_HDR)
		return 0;
	vtd_kt_mem_init(m, buf, FUZZ_PAGES);
	vtd_kt_mem_add_data(m);
	fuzz_memmap(f, data[7]);
	fuzz_hw(&f->hw, data);
	/* a buffer page; or old RAM that is not backed, or not aligned */
	if (data[3] == 0xff)
		root = VTD_KT_DATA;
	else if (data[3] == 0xfe)
		root = vtd_kt_page_phys(m, 0) + 8;
	else
		root = vtd_kt_page_phys(m, data[3] % FUZZ_PAGES);
	mode = data[7];

	for (off = FUZZ_HDR; off + FUZZ_REC <= size; off += FUZZ_REC) {
		const u8 *rec = data + off;
		unsigned int pg = rec[1] % FUZZ_PAGES;
		unsigned int q = (rec[2] | rec[3] << 8) %
				 (VTD_KDUMP_PAGE_SIZE / sizeof(u64));
		u64 v = le64(rec + 4);
		u64 *p = (u64 *)(buf + pg * VTD_KDUMP_PAGE_SIZE) + q;

		if (rec[0] & 1) {
			u64 keep = (v & ~VTD_KDUMP_ADDR_MASK) |
				   ((rec[0] & 2) ? v & GENMASK_ULL(63, 52) : 0);

			v = vtd_kt_page_phys(m, (v >> 12) % FUZZ_PAGES) | keep;
		}
		*p = v;
	}

	vtd_kt_run_init(r, m, &f->hw);
	f->devs = 0;
	f->cover = mode & FUZZ_MODE_COVER;
	r->w.budget = 1 + data[4] % 64;
	r->visited.order = 1 + data[5] % VTD_KT_VISITED_ORDER;
	/* the identity check stops the walk itself */
	r->abort_after = (data[6] & 0x80) && !f->cover ? data[6] & 0x7f : -1;
	/* on for the identity check, as kdump_identity.c sets it */
	r->w.kdump_leaves_ok = f->cover ^ !!(mode & FUZZ_MODE_FLIP_KDUMP);
	fuzz_want(f, mode);

	f->rw = (struct ref_world){
		.buf = buf, .base = vtd_kt_page_phys(m, 0), .pages = FUZZ_PAGES,
		.mem = &m->map, .hw = &f->hw,
		.kdump_leaves_ok = r->w.kdump_leaves_ok,
		/* the walker's documented bound (kdump_walk.h) */
		.budget = min_t(u64, r->w.budget, BIT(r->visited.order) / 2),
	};
	f->ref_ret = ref_devices(&f->rw, root, f->ref, FUZZ_MAX_DEVS,
				 &f->nr_ref);

	r->root_ret = vtd_kdump_walk_root(&r->w, root, fuzz_dev_cb, f);
	if (m->nr_live)
		vtd_kt_fail(r, "mappings left after walk_root", m->nr_live, 0);
	if (m->violations)
		vtd_kt_fail(r, m->why, m->violations, 0);
	if (r->root_ret && r->root_ret != -EINVAL && r->root_ret != -ENOMEM &&
	    r->root_ret != -E2BIG)
		vtd_kt_fail(r, "odd walk_root return", r->root_ret, 0);
	if (r->failures) {
		fprintf(stderr, "property violated: %s\n", r->why);
		abort();
	}
	if (verbose)
		fprintf(stderr, "root: walker %d, %u devices; reference %d, %u\n",
			r->root_ret, f->devs, f->ref_ret, f->nr_ref);
	if (r->root_ret != f->ref_ret ||
	    f->devs != f->nr_ref + (f->ref_ret == -E2BIG))
		fuzz_oracle_fail(NULL, "root walk differs",
				 "walker %d with %u devices, reference %d with %u",
				 r->root_ret, f->devs, f->ref_ret, f->nr_ref);
	return 0;
}
