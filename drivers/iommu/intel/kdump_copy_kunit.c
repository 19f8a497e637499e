// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the adoption decisions in kdump_copy.c (which includes
 * this file): which refused leaves cost a device its DMA, the verdict, the
 * stand-in for old RAM when the crashed kernel's memory map is unknown, and
 * the domain id of the blocking entries.
 */

#include <kunit/test.h>

/* Each leaf refusal reason and whether it blocks the device */
static const struct {
	enum vtd_kdump_reason why;
	bool blocks;
} vtd_kc_refusals[] = {
	{ VTD_KDUMP_LEAF_KDUMP, true },		/* reaches kdump memory */
	{ VTD_KDUMP_IOVA_RANGE, true },		/* target never checked */
	{ VTD_KDUMP_LEAF_RSVD, false },		/* the hardware faults */
	{ VTD_KDUMP_LEAF_PRIV, false },		/* so it does: U/S clear */
	{ VTD_KDUMP_LEAF_TABLE, true },		/* could rewrite old tables */
	{ VTD_KDUMP_LEAF_NOT_RAM, false },	/* RMRR, MMIO, a BAR */
	{ VTD_KDUMP_PGTABLE_PTR, true },	/* not a leaf reason: safe side */
};

static void vtd_kc_refusal_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtd_kc_refusals); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    vtd_kdump_refusal_blocks(vtd_kc_refusals[i].why),
				    vtd_kc_refusals[i].blocks, "%s",
				    vtd_kdump_reason_str(vtd_kc_refusals[i].why));
}

static void vtd_kc_verdict_test(struct kunit *test)
{
	struct vtd_kdump_dev dev = { .reason = VTD_KDUMP_OK };

	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&dev, 0), VTD_KDUMP_ADOPTED);
	/* leaves refused for harmless reasons keep the old context */
	dev.rejected_leaves = 256;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&dev, 0), VTD_KDUMP_ADOPTED);
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&dev, 1), VTD_KDUMP_PARTIAL);
	dev.reason = VTD_KDUMP_PGTABLE_REVISIT;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&dev, 0), VTD_KDUMP_QUARANTINED);
}

static void vtd_kc_complement_test(struct kunit *test)
{
	static const struct vtd_kdump_range kdump[] = {
		{ 0x0, 0xfff }, { 0x100000, 0x1fffff }, { 0x6f000000, 0x7effffff },
	};
	struct vtd_kdump_range out[ARRAY_SIZE(kdump) + 1];
	struct vtd_kdump_memmap map = {
		.old_ram = out,
		.kdump_ram = kdump,
		.nr_kdump_ram = ARRAY_SIZE(kdump),
	};
	unsigned int n;

	n = vtd_kdump_ranges_complement(kdump, ARRAY_SIZE(kdump), out,
					VTD_KDUMP_ADDR_LIMIT);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, out[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, out[0].end, 0xfffff);
	KUNIT_EXPECT_EQ(test, out[1].start, 0x200000);
	KUNIT_EXPECT_EQ(test, out[1].end, 0x6effffff);
	KUNIT_EXPECT_EQ(test, out[2].start, 0x7f000000);
	KUNIT_EXPECT_EQ(test, out[2].end, VTD_KDUMP_ADDR_LIMIT);

	/* kdump RAM reaching the limit leaves nothing above it */
	n = vtd_kdump_ranges_complement(&kdump[2], 1, out, 0x7effffff);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, out[0].end, 0x6effffff);

	/* the stand-in map is a valid map, disjoint from kdump RAM */
	map.nr_old_ram = vtd_kdump_ranges_complement(kdump, ARRAY_SIZE(kdump),
						     out, VTD_KDUMP_ADDR_LIMIT);
	KUNIT_EXPECT_TRUE(test, vtd_kdump_memmap_valid(&map));
	KUNIT_EXPECT_EQ(test, vtd_kdump_classify(&map, 0x100000, 0x1000),
			VTD_KDUMP_MEM_KDUMP);
	KUNIT_EXPECT_EQ(test, vtd_kdump_classify(&map, 0x80000000, 0x1000),
			VTD_KDUMP_MEM_OLD_RAM);
}

/*
 * Blocking entries get the domain id of their own that
 * intel_iommu_kdump_alloc_did() gave once every old one was reserved (not
 * FLPT_DEFAULT_DID, which pass-through contexts use, not an old one: the
 * allocator's part); an adopted entry keeps its own.
 */
static void vtd_kc_block_did_test(struct kunit *test)
{
	struct intel_iommu *iommu = kunit_kzalloc(test, sizeof(*iommu), GFP_KERNEL);
	struct vtd_kdump_copy *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u64 *table = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	u64 *adopted, first, second, kept;

	KUNIT_ASSERT_NOT_NULL(test, iommu);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, table);
	iommu->cap = 2;				/* CAP.ND = 2: 256 domain ids */
	iommu->agaw = 1;
	c->kd = kunit_kzalloc(test, sizeof(*c->kd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kd);
	c->kd->block_table = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kd->block_table);
	c->iommu = iommu;
	c->tables[0] = table;

	vtd_kdump_make_blocking(c, table + 0x10 * 2);
	vtd_kdump_make_blocking(c, table + 0x20 * 2);
	adopted = table + 0x30 * 2;
	adopted[0] = VTD_CE_LO_P | 0x12345000;
	adopted[1] = FIELD_PREP(VTD_CE_HI_DID, 3) | FIELD_PREP(VTD_CE_HI_AW, 1);

	vtd_kdump_use_block_did(c, 4);
	first = FIELD_GET(VTD_CE_HI_DID, table[0x10 * 2 + 1]);
	second = FIELD_GET(VTD_CE_HI_DID, table[0x20 * 2 + 1]);
	kept = FIELD_GET(VTD_CE_HI_DID, adopted[1]);
	KUNIT_EXPECT_EQ(test, c->kd->block_did, 4);
	KUNIT_EXPECT_EQ(test, first, 4);
	KUNIT_EXPECT_EQ(test, second, 4);
	KUNIT_EXPECT_EQ(test, kept, 3);
	KUNIT_EXPECT_TRUE(test, table[0x10 * 2] & VTD_CE_LO_FPD);
}

static struct kunit_case vtd_kdump_copy_cases[] = {
	KUNIT_CASE(vtd_kc_refusal_test),
	KUNIT_CASE(vtd_kc_verdict_test),
	KUNIT_CASE(vtd_kc_complement_test),
	KUNIT_CASE(vtd_kc_block_did_test),
	{}
};

static struct kunit_suite vtd_kdump_copy_suite = {
	.name = "intel-iommu-kdump-copy",
	.test_cases = vtd_kdump_copy_cases,
};

kunit_test_suite(vtd_kdump_copy_suite);
