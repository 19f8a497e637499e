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
	struct vtd_kdump_dev_state st = { .walk.reason = VTD_KDUMP_OK };

	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&st), VTD_KDUMP_ADOPTED);
	/* leaves refused for harmless reasons keep the old context */
	st.walk.rejected_leaves = 256;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&st), VTD_KDUMP_ADOPTED);
	st.blocking_refusals = 1;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&st), VTD_KDUMP_PARTIAL);
	/* a leaf that maps a table page, mappings the record lost */
	st.blocking_refusals = 0;
	st.table_hits = 1;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&st), VTD_KDUMP_PARTIAL);
	st.table_hits = 0;
	st.maps_lost = SZ_4K;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&st), VTD_KDUMP_PARTIAL);
	st.walk.reason = VTD_KDUMP_PGTABLE_REVISIT;
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(&st), VTD_KDUMP_QUARANTINED);
}

/* A device state with @nr maps of 4 KiB at @phys[i], in the IOMMU's devs */
/* An adoption's state with no device yet (freed by the test) */
static struct vtd_kdump_copy *vtd_kc_copy(struct kunit *test)
{
	struct vtd_kdump_copy *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->kd = kzalloc_obj(*c->kd, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kd);
	xa_init(&c->kd->devs);
	return c;
}

static struct vtd_kdump_dev_state *vtd_kc_state(struct kunit *test,
						struct vtd_kdump_copy *c,
						u8 bus, const u64 *phys,
						unsigned int nr)
{
	struct vtd_kdump_dev_state *st;
	unsigned int i;

	/* freed by vtd_kdump_free_state() */
	st = kzalloc_obj(*st, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	st->walk.bus = bus;
	st->maps = kvcalloc(nr, sizeof(*st->maps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->maps);
	for (i = 0; i < nr; i++)
		st->maps[i] = (struct vtd_kdump_map){
			.iova = (i + 1) * SZ_4K, .phys = phys[i],
			.size = SZ_4K, .prot = VTD_SL_R | VTD_SL_W,
		};
	st->nr_maps = nr;
	KUNIT_ASSERT_EQ(test, xa_err(xa_store(&c->kd->devs, bus << 8, st,
					      GFP_KERNEL)), 0);
	return st;
}

/*
 * Leaves that map a table page read by any walk on the IOMMU (another
 * device's, read after this device's walk, included) are taken out of
 * the record and counted; the others stay, in order.
 */
static void vtd_kc_table_leaves_test(struct kunit *test)
{
	static const u64 a_phys[] = { 0x10000000, 0x20003000, 0x10001000 };
	static const u64 b_phys[] = { 0x30000000 };
	struct vtd_kdump_copy *c = vtd_kc_copy(test);
	struct vtd_kdump_dev_state *a, *b;

	c->iommu = kunit_kzalloc(test, sizeof(*c->iommu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->iommu);
	c->hw.haw = 46;
	a = vtd_kc_state(test, c, 1, a_phys, ARRAY_SIZE(a_phys));
	b = vtd_kc_state(test, c, 2, b_phys, ARRAY_SIZE(b_phys));
	/* read in this order: root, B's page table, A's page table */
	c->walking = -1;
	vtd_kdump_table_read(c, 0x40000000, VTD_KDUMP_TABLE_ROOT, 0);
	c->walking = 2 << 8;
	vtd_kdump_table_read(c, 0x20003000, VTD_KDUMP_TABLE_PAGE, 1);
	c->walking = 1 << 8;
	vtd_kdump_table_read(c, 0x50000000, VTD_KDUMP_TABLE_PAGE, 3);
	KUNIT_ASSERT_EQ(test, c->nr_tpages, 3);

	KUNIT_EXPECT_EQ(test, vtd_kdump_check_table_leaves(c), 0);
	KUNIT_EXPECT_EQ(test, a->table_hits, 1);
	KUNIT_ASSERT_EQ(test, a->nr_maps, 2);
	KUNIT_EXPECT_EQ(test, a->maps[0].phys, 0x10000000);
	KUNIT_EXPECT_EQ(test, a->maps[1].phys, 0x10001000);
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(a), VTD_KDUMP_PARTIAL);
	KUNIT_EXPECT_EQ(test, b->table_hits, 0);
	KUNIT_EXPECT_EQ(test, b->nr_maps, 1);
	KUNIT_EXPECT_EQ(test, vtd_kdump_judge(b), VTD_KDUMP_ADOPTED);
	kvfree(c->tpages);
	vtd_kdump_free_state(c->kd);
}

/*
 * A list of table pages that could not grow is incomplete for good: no
 * later page is written anywhere, and no leaf is judged against it.
 */
static void vtd_kc_table_lost_test(struct kunit *test)
{
	struct vtd_kdump_copy *c = vtd_kc_copy(test);

	c->tpages = kvcalloc(2, sizeof(*c->tpages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->tpages);
	c->tpages[1].phys = 0x2000;
	/* a full list whose doubled size does not fit its counter */
	c->nr_tpages = 1U << 31;
	c->max_tpages = 1U << 31;
	c->walking = -1;
	vtd_kdump_table_read(c, 0x40000000, VTD_KDUMP_TABLE_ROOT, 0);
	KUNIT_EXPECT_TRUE(test, c->tpages_lost);
	KUNIT_EXPECT_EQ(test, c->nr_tpages, 1U << 31);
	/*
	 * once lost, the list stays lost: nothing is added even where the
	 * counters leave room (1 of 2 entries used)
	 */
	c->nr_tpages = 1;
	c->max_tpages = 2;
	vtd_kdump_table_read(c, 0x50000000, VTD_KDUMP_TABLE_PAGE, 1);
	KUNIT_EXPECT_EQ(test, c->nr_tpages, 1);
	KUNIT_EXPECT_EQ(test, c->tpages[1].phys, 0x2000);
	KUNIT_EXPECT_EQ(test, vtd_kdump_check_table_leaves(c), -ENOMEM);
	kvfree(c->tpages);
	vtd_kdump_free_state(c->kd);
}

/*
 * An identity map over RAM (the floppy workaround's 0-16 MiB) that holds
 * table pages keeps what lies around them: the pages are cut out, the
 * pieces keep their IOVA -> address and rights
 */
static void vtd_kc_table_cut_test(struct kunit *test)
{
	static const u64 pages[] = { 0x3000, 0x4000, 0x8000, 0x20000 };
	const struct vtd_kdump_map m = {
		.iova = 0x1000, .phys = 0x1000, .size = 0xf000,
		.prot = VTD_SL_R | VTD_SL_W,
	};
	struct vtd_kdump_map out[4];
	u64 hits = 0;

	KUNIT_ASSERT_EQ(test, vtd_kdump_map_split(&m, pages, ARRAY_SIZE(pages),
						  0, out, &hits), 3);
	KUNIT_EXPECT_EQ(test, hits, 3);
	KUNIT_EXPECT_EQ(test, out[0].iova, 0x1000);
	KUNIT_EXPECT_EQ(test, out[0].size, 0x2000);
	KUNIT_EXPECT_EQ(test, out[1].iova, 0x5000);
	KUNIT_EXPECT_EQ(test, out[1].phys, 0x5000);
	KUNIT_EXPECT_EQ(test, out[1].size, 0x3000);
	KUNIT_EXPECT_EQ(test, out[2].iova, 0x9000);
	KUNIT_EXPECT_EQ(test, out[2].size, 0x7000);
	KUNIT_EXPECT_EQ(test, out[2].prot, VTD_SL_R | VTD_SL_W);
	/* a map that is one table page leaves nothing */
	hits = 0;
	KUNIT_EXPECT_EQ(test, vtd_kdump_map_split(&(struct vtd_kdump_map){
		.iova = 0x9000, .phys = 0x20000, .size = 0x1000 },
		pages, ARRAY_SIZE(pages), 0, out, &hits), 0);
	KUNIT_EXPECT_EQ(test, hits, 1);
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

/*
 * The scalable-mode blocking PASID entry: present, FPD, second level
 * through the empty table, the blocking domain id, and snooped walks
 * exactly where the unit offers them (ECAP.SMPWC)
 */
static void vtd_kc_block_pasid_test(struct kunit *test)
{
	struct intel_iommu *iommu = kunit_kzalloc(test, sizeof(*iommu), GFP_KERNEL);
	struct vtd_kdump_copy *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u64 *pe;

	KUNIT_ASSERT_NOT_NULL(test, iommu);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->kd = kunit_kzalloc(test, sizeof(*c->kd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kd);
	c->kd->block_table = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	c->kd->block_pasid_dir = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	c->kd->block_pasid_table = kunit_kzalloc(test, VTD_PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kd->block_table);
	KUNIT_ASSERT_NOT_NULL(test, c->kd->block_pasid_dir);
	KUNIT_ASSERT_NOT_NULL(test, c->kd->block_pasid_table);
	c->iommu = iommu;
	c->kd->block_did = 7;
	pe = c->kd->block_pasid_table;

	iommu->ecap = BIT_ULL(46) | BIT_ULL(48);	/* ECAP.SLTS, ECAP.SMPWC */
	vtd_kdump_make_block_pasid(c);
	KUNIT_EXPECT_EQ(test, pe[0] & (VTD_PE0_P | VTD_PE0_FPD),
			VTD_PE0_P | VTD_PE0_FPD);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_PE0_PGTT, pe[0]), VTD_PGTT_SL_ONLY);
	KUNIT_EXPECT_EQ(test, pe[0] & VTD_PE0_SSPTPTR,
			virt_to_phys(c->kd->block_table));
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_PE1_DID, pe[1]), 7);
	KUNIT_EXPECT_TRUE(test, pe[1] & VTD_PE1_PWSNP);

	iommu->ecap = BIT_ULL(46);			/* no SMPWC */
	vtd_kdump_make_block_pasid(c);
	KUNIT_EXPECT_FALSE(test, pe[1] & VTD_PE1_PWSNP);
}

static struct kunit_case vtd_kdump_copy_cases[] = {
	KUNIT_CASE(vtd_kc_refusal_test),
	KUNIT_CASE(vtd_kc_verdict_test),
	KUNIT_CASE(vtd_kc_table_leaves_test),
	KUNIT_CASE(vtd_kc_table_lost_test),
	KUNIT_CASE(vtd_kc_table_cut_test),
	KUNIT_CASE(vtd_kc_complement_test),
	KUNIT_CASE(vtd_kc_block_did_test),
	KUNIT_CASE(vtd_kc_block_pasid_test),
	{}
};

static struct kunit_suite vtd_kdump_copy_suite = {
	.name = "intel-iommu-kdump-copy",
	.test_cases = vtd_kdump_copy_cases,
};

kunit_test_suite(vtd_kdump_copy_suite);
