/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test cases for the identity check of the kdump IO rule mode
 * (kdump_cover.c), shared by KUnit (kdump_cover_kunit.c) and the userspace
 * harness (tools/testing/vtd-kdump/userspace/): leaf sequences fed to the
 * visitor one by one, and whole walks over old tables built in the
 * walker's test world (kdump_walk_test.h).
 */
#ifndef _INTEL_IOMMU_KDUMP_COVER_TEST_H
#define _INTEL_IOMMU_KDUMP_COVER_TEST_H

#include <linux/sizes.h>

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

static inline bool vtd_kc_check_case(const struct vtd_kc_case *t, char *err,
				     size_t len)
{
	const struct vtd_kc_ranges *want = &vtd_kc_wants[t->want];
	enum vtd_kdump_cover_verdict got;
	struct vtd_kdump_cover c;
	unsigned int i;
	int ret = 0;

	vtd_kdump_cover_init(&c, NULL, want->r, want->nr);
	if (t->pass_through)
		vtd_kdump_cover_pass_through(&c);
	if (t->reject)
		vtd_kdump_cover_reject(&c, VTD_KC_OLD_IOVA, SZ_4K, t->reject);
	for (i = 0; i < t->nr_leaves && !ret; i++) {
		const struct vtd_kc_leaf *l = &t->leaves[i];

		ret = vtd_kdump_cover_leaf(&c, l->iova, l->phys, l->size,
					   l->prot);
	}
	got = vtd_kdump_cover_finish(&c, t->walk);
	if (got != t->expect || c.verdict != got) {
		snprintf(err, len, "%s: %s, want %s", t->name,
			 vtd_kdump_cover_str(got), vtd_kdump_cover_str(t->expect));
		return false;
	}
	if (t->expect && t->expect != VTD_KDUMP_COVER_WALK &&
	    c.bad.start != t->bad_start) {
		snprintf(err, len, "%s: failure at %#llx, want %#llx", t->name,
			 (unsigned long long)c.bad.start,
			 (unsigned long long)t->bad_start);
		return false;
	}
	/* the visitor stops the walk at the first failure, and only then */
	if (ret && !got) {
		snprintf(err, len, "%s: walk stopped without a failure", t->name);
		return false;
	}
	return true;
}

static inline bool vtd_kc_check_strs(char *err, size_t len)
{
	unsigned int v;

	for (v = 0; v < VTD_KDUMP_COVER_NR_VERDICTS; v++) {
		if (!strcmp(vtd_kdump_cover_str(v), "unknown")) {
			snprintf(err, len, "verdict %u has no name", v);
			return false;
		}
	}
	if (strcmp(vtd_kdump_cover_str(VTD_KDUMP_COVER_NR_VERDICTS),
		   "unknown")) {
		snprintf(err, len, "an unknown verdict has a name");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Whole walks: the old tables of one device in a test world           */
/* ------------------------------------------------------------------ */

#define VTD_KC_PAGES		16
#define VTD_KC_LEVELS		4
/* The kdump kernel's memory in the test world: [6G, 6G + 256M) */
#define VTD_KC_KDUMP		VTD_KT_DATA_KDUMP
#define VTD_KC_KDUMP_SIZE	(VTD_KT_DATA_KDUMP_END - VTD_KT_DATA_KDUMP + 1)

/* What a walk case adds to (or takes from) the identity map */
enum vtd_kc_twist {
	VTD_KC_PLAIN,			/* 2 MiB identity leaves, nothing else */
	VTD_KC_OLD_BUFFER,		/* + a stale buffer elsewhere */
	VTD_KC_ONE_1G,			/* one 1 GiB leaf instead */
	VTD_KC_HOLE,			/* one 2 MiB leaf missing */
	VTD_KC_ALIAS,			/* + an old IOVA into kdump memory */
	VTD_KC_NO_KDUMP_LEAVES,		/* walker refuses kdump leaves */
	VTD_KC_BAD_TABLE,		/* + a top entry pointing at MMIO */
	VTD_KC_KEYID_ALIAS,		/* + an old IOVA into a KeyID alias */
};

struct vtd_kc_walk_case {
	const char *name;
	bool first_level;
	enum vtd_kc_twist twist;
	enum vtd_kdump_cover_verdict expect;
	u64 bad_start;			/* if not OK and not WALK */
	u64 bad_end;			/* if not 0 */
};

#define VTD_KC_HOLE_AT		(VTD_KC_KDUMP + SZ_64M)

static const struct vtd_kc_walk_case vtd_kc_walk_cases[] = {
	{ "identity map and an old buffer", false, VTD_KC_OLD_BUFFER,
	  VTD_KDUMP_COVER_OK },
	{ "first level, one 1 GiB leaf", true, VTD_KC_ONE_1G,
	  VTD_KDUMP_COVER_OK },
	{ "first level, identity map and an old buffer", true,
	  VTD_KC_OLD_BUFFER, VTD_KDUMP_COVER_OK },
	{ "one 2 MiB leaf missing", false, VTD_KC_HOLE, VTD_KDUMP_COVER_GAP,
	  VTD_KC_HOLE_AT, VTD_KC_HOLE_AT + SZ_2M - 1 },
	{ "old IOVA into kdump memory", false, VTD_KC_ALIAS,
	  VTD_KDUMP_COVER_ALIAS, VTD_KC_KDUMP + SZ_4K },
	{ "without kdump_leaves_ok", false, VTD_KC_NO_KDUMP_LEAVES,
	  VTD_KDUMP_COVER_GAP, VTD_KC_KDUMP },
	{ "a table pointer to MMIO", false, VTD_KC_BAD_TABLE,
	  VTD_KDUMP_COVER_WALK },
	/* MKTME/TDX: the KeyID bits above the CPU's width lie under the HAW */
	{ "old IOVA into a KeyID alias of kdump memory", false,
	  VTD_KC_KEYID_ALIAS, VTD_KDUMP_COVER_ALIAS,
	  (VTD_KC_KDUMP + SZ_4K) | VTD_KT_KEYID },
	{ "first level, old IOVA into a KeyID alias", true,
	  VTD_KC_KEYID_ALIAS, VTD_KDUMP_COVER_ALIAS,
	  (VTD_KC_KDUMP + SZ_4K) | VTD_KT_KEYID },
};

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

static inline void vtd_kc_world_init(struct vtd_kc_world *kw, u8 *buf,
				     bool first_level)
{
	memset(kw, 0, sizeof(*kw));
	vtd_kt_mem_init(&kw->m, buf, VTD_KC_PAGES);
	vtd_kt_mem_add_data(&kw->m);
	vtd_kt_default_hw(&kw->hw, first_level);
	kw->vis.slots = kw->slots;
	kw->vis.gens = kw->gens;
	kw->vis.order = VTD_KT_VISITED_ORDER;
	kw->w.ops = &vtd_kt_ops;
	kw->w.ops_ctx = &kw->m;
	kw->w.hw = &kw->hw;
	kw->w.mem = &kw->m.map;
	kw->w.visited = &kw->vis;
	kw->w.budget = VTD_KT_BUDGET;
	kw->w.kdump_leaves_ok = true;
	kw->top = vtd_kt_alloc(&kw->m);
	kw->dev.ctx.format = first_level ? VTD_KDUMP_FMT_FIRST_LEVEL :
					   VTD_KDUMP_FMT_SECOND_LEVEL;
	kw->dev.ctx.levels = VTD_KC_LEVELS;
	kw->dev.ctx.pgtable = kw->top;
}

static inline void vtd_kc_map(struct vtd_kc_world *kw, u64 iova, u64 phys,
			      u64 size)
{
	struct vtd_kt_leaf l = { iova, phys, size, VTD_KC_RW };

	vtd_kt_install(&kw->m, kw->dev.ctx.format == VTD_KDUMP_FMT_FIRST_LEVEL,
		       kw->top, VTD_KC_LEVELS, &l, NULL);
}

static inline void vtd_kc_build(struct vtd_kc_world *kw, enum vtd_kc_twist t)
{
	u64 a;

	if (t == VTD_KC_ONE_1G) {
		vtd_kc_map(kw, VTD_KC_KDUMP, VTD_KC_KDUMP, SZ_1G);
		return;
	}
	for (a = VTD_KC_KDUMP; a < VTD_KC_KDUMP + VTD_KC_KDUMP_SIZE; a += SZ_2M)
		if (t != VTD_KC_HOLE || a != VTD_KC_HOLE_AT)
			vtd_kc_map(kw, a, a, SZ_2M);
	switch (t) {
	case VTD_KC_OLD_BUFFER:
		vtd_kc_map(kw, VTD_KC_OLD_IOVA, VTD_KT_DATA + SZ_4K, SZ_4K);
		break;
	case VTD_KC_ALIAS:
		vtd_kc_map(kw, VTD_KC_OLD_IOVA, VTD_KC_KDUMP + SZ_4K, SZ_4K);
		break;
	case VTD_KC_NO_KDUMP_LEAVES:
		kw->w.kdump_leaves_ok = false;
		break;
	case VTD_KC_KEYID_ALIAS:
		kw->hw.phys_bits = VTD_KT_PHYS_BITS;
		vtd_kc_map(kw, VTD_KC_OLD_IOVA,
			   (VTD_KC_KDUMP + SZ_4K) | VTD_KT_KEYID, SZ_4K);
		break;
	case VTD_KC_BAD_TABLE:
		/* top-level entry 8 covers IOVAs far above the map */
		vtd_kt_wr(&kw->m, kw->top + 8 * sizeof(u64),
			  vtd_kt_table_entry(false, VTD_KT_MMIO));
		break;
	default:
		break;
	}
}

static inline bool vtd_kc_check_walk(const struct vtd_kc_walk_case *t,
				     u8 *buf, struct vtd_kc_world *kw,
				     char *err, size_t len)
{
	static const struct vtd_kdump_range want[] = {
		{ VTD_KC_KDUMP, VTD_KC_KDUMP + VTD_KC_KDUMP_SIZE - 1 },
	};
	struct vtd_kdump_cover c;
	const struct vtd_kdump_visitor v = {
		.leaf = vtd_kdump_cover_leaf,
		.reject = vtd_kdump_cover_reject,
		.arg = &c,
	};
	enum vtd_kdump_cover_verdict got;
	enum vtd_kdump_reason why;

	vtd_kc_world_init(kw, buf, t->first_level);
	vtd_kc_build(kw, t->twist);
	if (kw->m.full) {
		snprintf(err, len, "%s: test world too small", t->name);
		return false;
	}
	vtd_kdump_cover_init(&c, &kw->hw, want, ARRAY_SIZE(want));
	why = vtd_kdump_walk_dev(&kw->w, &kw->dev, &v);
	got = vtd_kdump_cover_finish(&c, why);
	if (kw->m.violations) {
		snprintf(err, len, "%s: %s", t->name, kw->m.why);
		return false;
	}
	if (got != t->expect) {
		snprintf(err, len, "%s: %s (walk: %s), want %s", t->name,
			 vtd_kdump_cover_str(got), vtd_kdump_reason_str(why),
			 vtd_kdump_cover_str(t->expect));
		return false;
	}
	if ((t->bad_start && c.bad.start != t->bad_start) ||
	    (t->bad_end && c.bad.end != t->bad_end)) {
		snprintf(err, len, "%s: failure at %#llx-%#llx", t->name,
			 (unsigned long long)c.bad.start,
			 (unsigned long long)c.bad.end);
		return false;
	}
	return true;
}

#endif /* _INTEL_IOMMU_KDUMP_COVER_TEST_H */
