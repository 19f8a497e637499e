// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the identity check of the kdump IO rule mode
 * (kdump_cover.c): leaf sequences fed to the visitor one by one, and whole
 * walks over old tables built in a test world (kdump_walk_test.h).
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "kdump_cover.h"
#include "kdump_walk_test.h"

#define VTD_KC_MAX_LEAVES	4
#define VTD_KC_RW		(VTD_SL_R | VTD_SL_W)

/* A crash kernel region and a low one, as on a machine with both */
#define VTD_KC_A		0x61000000ULL
#define VTD_KC_A_END		0x70ffffffULL
#define VTD_KC_B		0x7f000000ULL
#define VTD_KC_B_END		0x7fffffffULL
#define VTD_KC_OLD_IOVA		0xffff000ULL

/* The wanted ranges of a case */
enum vtd_kc_want {
	VTD_KC_IN_NONE,
	VTD_KC_IN_A,
	VTD_KC_IN_AB,
	VTD_KC_IN_TOP,
	VTD_KC_NR_WANTS,
};

struct vtd_kc_leaf {
	u64 iova;
	u64 phys;
	u64 size;
	unsigned int prot;
};

struct vtd_kc_case {
	const char *name;
	enum vtd_kc_want want;
	struct vtd_kc_leaf leaves[VTD_KC_MAX_LEAVES];
	unsigned int nr_leaves;
	bool pass_through;
	enum vtd_kdump_reason reject;	/* one refused leaf, reported first */
	enum vtd_kdump_reason walk;	/* what the walk ended with */
	enum vtd_kdump_cover_verdict expect;
	u64 bad_start;			/* where, if not OK */
};

static const struct vtd_kdump_range vtd_kc_a[] = {
	{ VTD_KC_A, VTD_KC_A_END },
};

static const struct vtd_kdump_range vtd_kc_ab[] = {
	{ VTD_KC_A, VTD_KC_A_END },
	{ VTD_KC_B, VTD_KC_B_END },
};

static const struct vtd_kdump_range vtd_kc_top[] = {
	{ 0xfffffffffffff000ULL, U64_MAX },
};

struct vtd_kc_ranges {
	const struct vtd_kdump_range *r;
	unsigned int nr;
};

static const struct vtd_kc_ranges vtd_kc_wants[VTD_KC_NR_WANTS] = {
	[VTD_KC_IN_NONE] = { NULL, 0 },
	[VTD_KC_IN_A] = { vtd_kc_a, ARRAY_SIZE(vtd_kc_a) },
	[VTD_KC_IN_AB] = { vtd_kc_ab, ARRAY_SIZE(vtd_kc_ab) },
	[VTD_KC_IN_TOP] = { vtd_kc_top, ARRAY_SIZE(vtd_kc_top) },
};

#define VTD_KC_ID_A		{ VTD_KC_A, VTD_KC_A, VTD_KC_A_END - VTD_KC_A + 1, \
				  VTD_KC_RW }
#define VTD_KC_ID_B		{ VTD_KC_B, VTD_KC_B, VTD_KC_B_END - VTD_KC_B + 1, \
				  VTD_KC_RW }

static const struct vtd_kc_case vtd_kc_cases[] = {
	{ "one run covers the region", VTD_KC_IN_A, { VTD_KC_ID_A }, 1,
	  .expect = VTD_KDUMP_COVER_OK },
	{ "two runs cover two regions", VTD_KC_IN_AB,
	  { VTD_KC_ID_A, VTD_KC_ID_B }, 2, .expect = VTD_KDUMP_COVER_OK },
	{ "one 1 GiB leaf covers both regions", VTD_KC_IN_AB,
	  { { 0x40000000, 0x40000000, SZ_1G, VTD_KC_RW } }, 1,
	  .expect = VTD_KDUMP_COVER_OK },
	{ "leaves before and between regions are ignored", VTD_KC_IN_AB,
	  { { VTD_KC_OLD_IOVA, 0x1000, SZ_4K, VTD_KC_RW }, VTD_KC_ID_A,
	    { 0x71000000, 0x2000, SZ_4K, VTD_SL_R }, VTD_KC_ID_B }, 4,
	  .expect = VTD_KDUMP_COVER_OK },
	{ "first page missing", VTD_KC_IN_A,
	  { { VTD_KC_A + SZ_4K, VTD_KC_A + SZ_4K,
	      VTD_KC_A_END - VTD_KC_A + 1 - SZ_4K, VTD_KC_RW } }, 1,
	  .expect = VTD_KDUMP_COVER_GAP, .bad_start = VTD_KC_A },
	{ "page missing in the middle", VTD_KC_IN_A,
	  { { VTD_KC_A, VTD_KC_A, SZ_4K, VTD_KC_RW },
	    { VTD_KC_A + 2 * SZ_4K, VTD_KC_A + 2 * SZ_4K,
	      VTD_KC_A_END - VTD_KC_A + 1 - 2 * SZ_4K, VTD_KC_RW } }, 2,
	  .expect = VTD_KDUMP_COVER_GAP, .bad_start = VTD_KC_A + SZ_4K },
	{ "upper half missing", VTD_KC_IN_A,
	  { { VTD_KC_A, VTD_KC_A, SZ_128M, VTD_KC_RW } }, 1,
	  .expect = VTD_KDUMP_COVER_GAP, .bad_start = VTD_KC_A + SZ_128M },
	{ "second region missing", VTD_KC_IN_AB, { VTD_KC_ID_A }, 1,
	  .expect = VTD_KDUMP_COVER_GAP, .bad_start = VTD_KC_B },
	{ "no leaves at all", VTD_KC_IN_A, {}, 0,
	  .expect = VTD_KDUMP_COVER_GAP, .bad_start = VTD_KC_A },
	{ "region's IOVA maps other memory", VTD_KC_IN_A,
	  { { VTD_KC_A, 0x1000000, VTD_KC_A_END - VTD_KC_A + 1, VTD_KC_RW } },
	  1, .expect = VTD_KDUMP_COVER_ELSEWHERE, .bad_start = VTD_KC_A },
	{ "old IOVA maps into the region", VTD_KC_IN_A,
	  { { VTD_KC_OLD_IOVA, 0x69000000, SZ_4K, VTD_KC_RW }, VTD_KC_ID_A },
	  2, .expect = VTD_KDUMP_COVER_ALIAS, .bad_start = 0x69000000 },
	{ "old IOVA maps across the region's start", VTD_KC_IN_A,
	  { { 0x1000, VTD_KC_A - SZ_4K, 2 * SZ_4K, VTD_KC_RW }, VTD_KC_ID_A },
	  2, .expect = VTD_KDUMP_COVER_ALIAS, .bad_start = VTD_KC_A - SZ_4K },
	{ "alias after the region was covered", VTD_KC_IN_A,
	  { VTD_KC_ID_A, { 0x80000000, VTD_KC_A, SZ_4K, VTD_KC_RW } }, 2,
	  .expect = VTD_KDUMP_COVER_ALIAS, .bad_start = VTD_KC_A },
	{ "read-only identity map", VTD_KC_IN_A,
	  { { VTD_KC_A, VTD_KC_A, VTD_KC_A_END - VTD_KC_A + 1, VTD_SL_R } }, 1,
	  .expect = VTD_KDUMP_COVER_READ_ONLY, .bad_start = VTD_KC_A },
	{ "write-only identity map", VTD_KC_IN_A,
	  { { VTD_KC_A, VTD_KC_A, VTD_KC_A_END - VTD_KC_A + 1, VTD_SL_W } }, 1,
	  .expect = VTD_KDUMP_COVER_READ_ONLY, .bad_start = VTD_KC_A },
	{ "pass-through", VTD_KC_IN_AB, {}, 0, .pass_through = true,
	  .expect = VTD_KDUMP_COVER_OK },
	{ "tables refused after covering leaves", VTD_KC_IN_AB,
	  { VTD_KC_ID_A, VTD_KC_ID_B }, 2, .walk = VTD_KDUMP_PGTABLE_PTR,
	  .expect = VTD_KDUMP_COVER_WALK },
	{ "upper half of a first-level table skipped", VTD_KC_IN_AB,
	  { VTD_KC_ID_A, VTD_KC_ID_B }, 2, .reject = VTD_KDUMP_IOVA_RANGE,
	  .expect = VTD_KDUMP_COVER_UNCHECKED, .bad_start = VTD_KC_OLD_IOVA },
	{ "refused leaf outside the region", VTD_KC_IN_AB,
	  { VTD_KC_ID_A, VTD_KC_ID_B }, 2, .reject = VTD_KDUMP_LEAF_RSVD,
	  .expect = VTD_KDUMP_COVER_OK },
	{ "nothing wanted", VTD_KC_IN_NONE, { VTD_KC_ID_A }, 1,
	  .expect = VTD_KDUMP_COVER_OK },
	{ "region ends at the top of the address space",
	  VTD_KC_IN_TOP,
	  { { 0xfffffffffffff000ULL, 0xfffffffffffff000ULL, SZ_4K,
	      VTD_KC_RW } }, 1, .expect = VTD_KDUMP_COVER_OK },
};

static void vtd_kc_case_desc(const struct vtd_kc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kc, vtd_kc_cases, vtd_kc_case_desc);

static void vtd_kc_visitor_test(struct kunit *test)
{
	const struct vtd_kc_case *t = test->param_value;
	struct vtd_kdump_cover c;
	unsigned int i;
	int ret = 0;

	const struct vtd_kc_ranges *want = &vtd_kc_wants[t->want];

	vtd_kdump_cover_init(&c, want->r, want->nr);
	if (t->pass_through)
		vtd_kdump_cover_pass_through(&c);
	if (t->reject)
		vtd_kdump_cover_reject(&c, VTD_KC_OLD_IOVA, SZ_4K, t->reject);
	for (i = 0; i < t->nr_leaves && !ret; i++) {
		const struct vtd_kc_leaf *l = &t->leaves[i];

		ret = vtd_kdump_cover_leaf(&c, l->iova, l->phys, l->size,
					   l->prot);
	}
	KUNIT_EXPECT_EQ_MSG(test, vtd_kdump_cover_finish(&c, t->walk),
			    t->expect, "%s", vtd_kdump_cover_str(c.verdict));
	KUNIT_EXPECT_EQ(test, c.verdict, t->expect);
	if (t->expect && t->expect != VTD_KDUMP_COVER_WALK)
		KUNIT_EXPECT_EQ(test, c.bad.start, t->bad_start);
	/* the visitor stops the walk at the first failure, and only then */
	if (ret)
		KUNIT_EXPECT_NE(test, c.verdict, VTD_KDUMP_COVER_OK);
}

static void vtd_kc_str_test(struct kunit *test)
{
	unsigned int v;

	for (v = 0; v < VTD_KDUMP_COVER_NR_VERDICTS; v++) {
		KUNIT_EXPECT_NOT_NULL(test, vtd_kdump_cover_str(v));
		KUNIT_EXPECT_STRNEQ(test, vtd_kdump_cover_str(v), "unknown");
	}
	KUNIT_EXPECT_STREQ(test,
			   vtd_kdump_cover_str(VTD_KDUMP_COVER_NR_VERDICTS),
			   "unknown");
}

/* ------------------------------------------------------------------ */
/* Whole walks: the old tables of one device in a test world           */
/* ------------------------------------------------------------------ */

#define VTD_KC_PAGES		16
#define VTD_KC_LEVELS		4
/* The kdump kernel's memory in the test world: [6G, 6G + 256M) */
#define VTD_KC_KDUMP		VTD_KT_DATA_KDUMP
#define VTD_KC_KDUMP_SIZE	(VTD_KT_DATA_KDUMP_END - VTD_KT_DATA_KDUMP + 1)

struct vtd_kc_world {
	struct vtd_kt_mem m;
	struct vtd_kdump_hw hw;
	struct vtd_kdump_visited vis;
	u64 slots[BIT(VTD_KT_VISITED_ORDER)];
	u32 gens[BIT(VTD_KT_VISITED_ORDER)];
	struct vtd_kdump_walker w;
	struct vtd_kdump_dev dev;
	u64 top;
};

static struct vtd_kc_world *vtd_kc_world_alloc(struct kunit *test,
					       bool first_level)
{
	struct vtd_kc_world *kw = kunit_kzalloc(test, sizeof(*kw), GFP_KERNEL);
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, kw);
	buf = kunit_kzalloc(test, VTD_KC_PAGES * VTD_KDUMP_PAGE_SIZE,
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	vtd_kt_mem_init(&kw->m, buf, VTD_KC_PAGES);
	vtd_kt_mem_add_data(&kw->m);
	vtd_kt_default_hw(&kw->hw, first_level);
	kw->vis = (struct vtd_kdump_visited) {
		.slots = kw->slots, .gens = kw->gens,
		.order = VTD_KT_VISITED_ORDER,
	};
	kw->w = (struct vtd_kdump_walker) {
		.ops = &vtd_kt_ops, .ops_ctx = &kw->m, .hw = &kw->hw,
		.mem = &kw->m.map, .visited = &kw->vis,
		.budget = VTD_KT_BUDGET, .kdump_leaves_ok = true,
	};
	kw->top = vtd_kt_alloc(&kw->m);
	kw->dev.ctx.format = first_level ? VTD_KDUMP_FMT_FIRST_LEVEL :
					   VTD_KDUMP_FMT_SECOND_LEVEL;
	kw->dev.ctx.levels = VTD_KC_LEVELS;
	kw->dev.ctx.pgtable = kw->top;
	return kw;
}

static void vtd_kc_map(struct kunit *test, struct vtd_kc_world *kw,
		       u64 iova, u64 phys, u64 size, unsigned int prot)
{
	struct vtd_kt_leaf l = { iova, phys, size, prot };

	vtd_kt_install(&kw->m, kw->dev.ctx.format == VTD_KDUMP_FMT_FIRST_LEVEL,
		       kw->top, VTD_KC_LEVELS, &l, NULL);
	KUNIT_ASSERT_FALSE(test, kw->m.full);
}

/* Identity-map the kdump memory of the world with 2 MiB leaves */
static void vtd_kc_map_kdump(struct kunit *test, struct vtd_kc_world *kw,
			     u64 skip)
{
	u64 a;

	for (a = VTD_KC_KDUMP; a < VTD_KC_KDUMP + VTD_KC_KDUMP_SIZE; a += SZ_2M)
		if (a != skip)
			vtd_kc_map(test, kw, a, a, SZ_2M, VTD_KC_RW);
}

static enum vtd_kdump_cover_verdict vtd_kc_walk(struct kunit *test,
						struct vtd_kc_world *kw,
						struct vtd_kdump_cover *c)
{
	static const struct vtd_kdump_range want[] = {
		{ VTD_KC_KDUMP, VTD_KC_KDUMP + VTD_KC_KDUMP_SIZE - 1 },
	};
	const struct vtd_kdump_visitor v = {
		.leaf = vtd_kdump_cover_leaf,
		.reject = vtd_kdump_cover_reject,
		.arg = c,
	};
	enum vtd_kdump_reason why;

	vtd_kdump_cover_init(c, want, ARRAY_SIZE(want));
	why = vtd_kdump_walk_dev(&kw->w, &kw->dev, &v);
	KUNIT_EXPECT_EQ_MSG(test, kw->m.violations, 0, "%s", kw->m.why);
	return vtd_kdump_cover_finish(c, why);
}

static void vtd_kc_walk_identity_test(struct kunit *test)
{
	struct vtd_kc_world *kw = vtd_kc_world_alloc(test, false);
	struct vtd_kdump_cover c;

	vtd_kc_map_kdump(test, kw, 0);
	/* the stale DMA buffer of the crashed kernel, elsewhere */
	vtd_kc_map(test, kw, VTD_KC_OLD_IOVA, VTD_KT_DATA + SZ_4K, SZ_4K,
		   VTD_KC_RW);
	KUNIT_EXPECT_EQ(test, vtd_kc_walk(test, kw, &c), VTD_KDUMP_COVER_OK);
	KUNIT_EXPECT_EQ(test, kw->dev.leaves,
			VTD_KC_KDUMP_SIZE / SZ_2M + 1);
}

static void vtd_kc_walk_first_level_test(struct kunit *test)
{
	struct vtd_kc_world *kw = vtd_kc_world_alloc(test, true);
	struct vtd_kdump_cover c;

	vtd_kc_map(test, kw, VTD_KC_KDUMP, VTD_KC_KDUMP, SZ_1G, VTD_KC_RW);
	KUNIT_EXPECT_EQ(test, vtd_kc_walk(test, kw, &c), VTD_KDUMP_COVER_OK);
}

static void vtd_kc_walk_gap_test(struct kunit *test)
{
	struct vtd_kc_world *kw = vtd_kc_world_alloc(test, false);
	struct vtd_kdump_cover c;

	vtd_kc_map_kdump(test, kw, VTD_KC_KDUMP + SZ_64M);
	KUNIT_EXPECT_EQ(test, vtd_kc_walk(test, kw, &c), VTD_KDUMP_COVER_GAP);
	KUNIT_EXPECT_EQ(test, c.bad.start, VTD_KC_KDUMP + SZ_64M);
	KUNIT_EXPECT_EQ(test, c.bad.end, VTD_KC_KDUMP + SZ_64M + SZ_2M - 1);
}

static void vtd_kc_walk_alias_test(struct kunit *test)
{
	struct vtd_kc_world *kw = vtd_kc_world_alloc(test, false);
	struct vtd_kdump_cover c;

	vtd_kc_map_kdump(test, kw, 0);
	vtd_kc_map(test, kw, VTD_KC_OLD_IOVA, VTD_KC_KDUMP + SZ_4K, SZ_4K,
		   VTD_KC_RW);
	KUNIT_EXPECT_EQ(test, vtd_kc_walk(test, kw, &c),
			VTD_KDUMP_COVER_ALIAS);
	KUNIT_EXPECT_EQ(test, c.bad.start, VTD_KC_KDUMP + SZ_4K);
}

/* Without kdump_leaves_ok the walker refuses the leaves: never covered */
static void vtd_kc_walk_needs_kdump_leaves_test(struct kunit *test)
{
	struct vtd_kc_world *kw = vtd_kc_world_alloc(test, false);
	struct vtd_kdump_cover c;

	vtd_kc_map_kdump(test, kw, 0);
	kw->w.kdump_leaves_ok = false;
	KUNIT_EXPECT_EQ(test, vtd_kc_walk(test, kw, &c), VTD_KDUMP_COVER_GAP);
	KUNIT_EXPECT_EQ(test, kw->dev.rejected_leaves,
			VTD_KC_KDUMP_SIZE / SZ_2M);
}

static void vtd_kc_walk_refused_table_test(struct kunit *test)
{
	struct vtd_kc_world *kw = vtd_kc_world_alloc(test, false);
	struct vtd_kdump_cover c;

	vtd_kc_map_kdump(test, kw, 0);
	/* a top-level entry pointing at MMIO */
	vtd_kt_wr(&kw->m, kw->top + 8 * sizeof(u64),
		  vtd_kt_table_entry(false, VTD_KT_MMIO));
	KUNIT_EXPECT_EQ(test, vtd_kc_walk(test, kw, &c), VTD_KDUMP_COVER_WALK);
	KUNIT_EXPECT_EQ(test, kw->dev.reason, VTD_KDUMP_PGTABLE_PTR);
}

static struct kunit_case vtd_kdump_cover_cases[] = {
	KUNIT_CASE_PARAM(vtd_kc_visitor_test, vtd_kc_gen_params),
	KUNIT_CASE(vtd_kc_str_test),
	KUNIT_CASE(vtd_kc_walk_identity_test),
	KUNIT_CASE(vtd_kc_walk_first_level_test),
	KUNIT_CASE(vtd_kc_walk_gap_test),
	KUNIT_CASE(vtd_kc_walk_alias_test),
	KUNIT_CASE(vtd_kc_walk_needs_kdump_leaves_test),
	KUNIT_CASE(vtd_kc_walk_refused_table_test),
	{}
};

static struct kunit_suite vtd_kdump_cover_suite = {
	.name = "intel-iommu-kdump-cover",
	.test_cases = vtd_kdump_cover_cases,
};

kunit_test_suite(vtd_kdump_cover_suite);

MODULE_DESCRIPTION("KUnit tests for the VT-d kdump identity check");
MODULE_LICENSE("GPL");
