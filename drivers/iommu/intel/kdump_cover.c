// SPDX-License-Identifier: GPL-2.0
/*
 * Identity check for the "kdump IO rule" mode: a leaf visitor that tells
 * whether a device's old translation maps a set of physical ranges to
 * themselves, readable and writable, and maps no other IOVA into them.
 *
 * The walker reports leaves in ascending IOVA order, so one cursor over
 * the sorted wanted ranges finds every gap: an address the cursor passes
 * without a leaf covering it stays unmapped.  Refused leaves are never
 * reported and so count as gaps.
 */

#include <linux/errno.h>
#include <linux/kernel.h>

#include "kdump_cover.h"

static const char * const vtd_kdump_cover_strs[VTD_KDUMP_COVER_NR_VERDICTS] = {
	[VTD_KDUMP_COVER_OK]		= "identity-mapped",
	[VTD_KDUMP_COVER_GAP]		= "not mapped",
	[VTD_KDUMP_COVER_ELSEWHERE]	= "mapped elsewhere",
	[VTD_KDUMP_COVER_ALIAS]		= "reached from another IOVA",
	[VTD_KDUMP_COVER_READ_ONLY]	= "not writable",
	[VTD_KDUMP_COVER_WALK]		= "tables refused",
	[VTD_KDUMP_COVER_UNCHECKED]	= "tables not wholly checked",
};

/**
 * vtd_kdump_cover_str() - describe a verdict of the identity check
 * @verdict: the verdict
 *
 * Return: a short, constant string.
 */
const char *vtd_kdump_cover_str(enum vtd_kdump_cover_verdict verdict)
{
	if (verdict >= VTD_KDUMP_COVER_NR_VERDICTS)
		return "unknown";
	return vtd_kdump_cover_strs[verdict];
}

/**
 * vtd_kdump_cover_init() - start an identity check
 * @c: the check
 * @hw: the IOMMU's capabilities, for its address widths: a leaf into a
 *	KeyID alias of a wanted range reaches that range too; NULL if the
 *	CPU has no KeyIDs
 * @want: the ranges to be identity-mapped; sorted, disjoint, non-empty
 *	  ranges (see vtd_kdump_memmap_valid()), kept by reference
 * @nr_want: number of entries in @want; zero makes every device pass
 */
void vtd_kdump_cover_init(struct vtd_kdump_cover *c,
			  const struct vtd_kdump_hw *hw,
			  const struct vtd_kdump_range *want,
			  unsigned int nr_want)
{
	*c = (struct vtd_kdump_cover) {
		.want = want,
		.nr_want = nr_want,
		.as_map = { .kdump_ram = want, .nr_kdump_ram = nr_want },
		.keyid = hw ? vtd_kdump_keyid_bits(hw) : 0,
		.next = nr_want ? want[0].start : 0,
	};
}

static int vtd_kdump_cover_fail(struct vtd_kdump_cover *c,
				enum vtd_kdump_cover_verdict verdict,
				u64 start, u64 end)
{
	if (!c->verdict) {
		c->verdict = verdict;
		c->bad.start = start;
		c->bad.end = end;
	}
	/* One failure decides the device: stop the walk */
	return -EFAULT;
}

/* Move the cursor past @last, the end of an identity-mapped leaf */
static void vtd_kdump_cover_advance(struct vtd_kdump_cover *c, u64 last)
{
	while (c->cur < c->nr_want && c->want[c->cur].end <= last)
		c->cur++;
	if (c->cur < c->nr_want)
		c->next = max(last + 1, c->want[c->cur].start);
}

/**
 * vtd_kdump_cover_leaf() - &vtd_kdump_leaf_fn of the identity check
 * @arg: the &struct vtd_kdump_cover
 * @iova: first IOVA of the leaf (or run of leaves)
 * @phys: physical address it translates to
 * @size: bytes mapped
 * @prot: %VTD_SL_R and %VTD_SL_W as the leaf grants them
 *
 * Return: 0 to go on, -EFAULT once the device has failed the check.
 */
int vtd_kdump_cover_leaf(void *arg, u64 iova, u64 phys, u64 size,
			 unsigned int prot)
{
	struct vtd_kdump_cover *c = arg;
	u64 last = iova + size - 1;

	if (c->verdict)
		return -EFAULT;
	/* a KeyID alias of a wanted range reaches it too */
	if (iova != phys &&
	    vtd_kdump_classify(&c->as_map, phys & ~c->keyid, size) ==
	    VTD_KDUMP_MEM_KDUMP)
		return vtd_kdump_cover_fail(c, VTD_KDUMP_COVER_ALIAS,
					    phys, phys + size - 1);
	if (c->cur >= c->nr_want || last < c->next)
		return 0;		/* no wanted address left in this leaf */
	if (iova > c->next)
		return vtd_kdump_cover_fail(c, VTD_KDUMP_COVER_GAP, c->next,
					    min(iova - 1, c->want[c->cur].end));
	if (iova != phys)
		return vtd_kdump_cover_fail(c, VTD_KDUMP_COVER_ELSEWHERE,
					    iova, last);
	if ((prot & (VTD_SL_R | VTD_SL_W)) != (VTD_SL_R | VTD_SL_W))
		return vtd_kdump_cover_fail(c, VTD_KDUMP_COVER_READ_ONLY,
					    iova, last);
	vtd_kdump_cover_advance(c, last);
	return 0;
}

/**
 * vtd_kdump_cover_reject() - &vtd_kdump_reject_fn of the identity check
 * @arg: the &struct vtd_kdump_cover
 * @iova: first IOVA of the refused leaf or subtree
 * @size: bytes it spans
 * @why: why the walker refused it
 *
 * The hardware goes on translating what the walker refused.  A leaf with
 * reserved bits, or a first-level leaf that denies user-mode access, only
 * faults, and one that maps neither kernel's RAM cannot reach the wanted
 * ranges, which are RAM of the kdump kernel (a KeyID alias of them is
 * neither: the walker judges it by the memory it reaches); but a subtree
 * the walker skipped unread may map anything, so it fails the device.  The
 * gap a refused leaf leaves in the wanted ranges is found by the cursor.
 */
void vtd_kdump_cover_reject(void *arg, u64 iova, u64 size,
			    enum vtd_kdump_reason why)
{
	struct vtd_kdump_cover *c = arg;

	if (why == VTD_KDUMP_IOVA_RANGE)
		vtd_kdump_cover_fail(c, VTD_KDUMP_COVER_UNCHECKED,
				     iova, iova + size - 1);
}

/**
 * vtd_kdump_cover_pass_through() - the device's DMA is not translated
 * @c: the check
 *
 * A pass-through context maps every address to itself: all ranges pass.
 */
void vtd_kdump_cover_pass_through(struct vtd_kdump_cover *c)
{
	c->cur = c->nr_want;
}

/**
 * vtd_kdump_cover_finish() - the verdict once the walk has ended
 * @c: the check
 * @walk: what vtd_kdump_walk_dev() returned
 *
 * Return: %VTD_KDUMP_COVER_OK if every wanted address is identity-mapped
 * and writable and no other IOVA maps into the ranges; else the first
 * failure, also in @c->verdict with its place in @c->bad.
 */
enum vtd_kdump_cover_verdict vtd_kdump_cover_finish(struct vtd_kdump_cover *c,
						    enum vtd_kdump_reason walk)
{
	if (c->verdict)
		return c->verdict;
	if (walk) {
		c->verdict = VTD_KDUMP_COVER_WALK;
		c->bad.start = 0;
		c->bad.end = 0;
	} else if (c->cur < c->nr_want) {
		vtd_kdump_cover_fail(c, VTD_KDUMP_COVER_GAP, c->next,
				     c->want[c->cur].end);
	}
	return c->verdict;
}
