// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the attach-time replay (kdump_attach.c, which includes
 * this file): mapping old ranges into a domain that already holds some,
 * undoing only what the replay mapped, and counting the page-table pages
 * the domain's page sizes need.  The domain is a fake: a short list of
 * mappings behind the same replay ops the kernel uses, which reports the
 * leaves and holes a page table would.
 */

#include <kunit/test.h>

#define VTD_KA_MAX_MAPS		16
#define VTD_KA_MAX_CALLS	16

struct vtd_ka_map {
	u64 iova;
	u64 phys;
	u64 size;
	bool ours;			/* mapped by the replay */
};

struct vtd_ka_domain {
	struct vtd_ka_map maps[VTD_KA_MAX_MAPS];
	unsigned int nr;
	unsigned int map_calls;
	unsigned int fail_at;		/* map() call that fails, 1-based */
	struct vtd_ka_map unmapped[VTD_KA_MAX_CALLS];
	unsigned int nr_unmapped;
};

/* Does [@start, @start + @size) hold no mapping of @d? */
static bool vtd_ka_hole(const struct vtd_ka_domain *d, u64 start, u64 size)
{
	unsigned int i;

	for (i = 0; i < d->nr; i++)
		if (d->maps[i].iova < start + size &&
		    start < d->maps[i].iova + d->maps[i].size)
			return false;
	return true;
}

/*
 * A mapping is reported whole; a hole as the largest aligned block of
 * 1 GiB, 2 MiB or 4 KiB without a mapping, as a page table would.
 */
static void vtd_ka_lookup(void *ctx, u64 iova, struct vtd_kdump_slot *slot)
{
	static const u64 sizes[] = { SZ_1G, SZ_2M, SZ_4K };
	struct vtd_ka_domain *d = ctx;
	unsigned int i;

	for (i = 0; i < d->nr; i++) {
		struct vtd_ka_map *m = &d->maps[i];

		if (iova >= m->iova && iova - m->iova < m->size) {
			slot->start = m->iova;
			slot->size = m->size;
			slot->phys = m->phys;
			slot->present = true;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		slot->size = sizes[i];
		slot->start = iova & ~(sizes[i] - 1);
		if (vtd_ka_hole(d, slot->start, slot->size))
			break;
	}
	slot->phys = 0;
	slot->present = false;
}

static int vtd_ka_map(void *ctx, u64 iova, u64 phys, u64 size, int prot)
{
	struct vtd_ka_domain *d = ctx;

	if (++d->map_calls == d->fail_at || d->nr == VTD_KA_MAX_MAPS)
		return -ENOMEM;
	d->maps[d->nr++] = (struct vtd_ka_map){ iova, phys, size, true };
	return 0;
}

static void vtd_ka_unmap(void *ctx, u64 iova, u64 size)
{
	struct vtd_ka_domain *d = ctx;

	if (d->nr_unmapped < VTD_KA_MAX_CALLS)
		d->unmapped[d->nr_unmapped++] =
			(struct vtd_ka_map){ iova, 0, size, false };
}

static const struct vtd_kdump_replay_ops vtd_ka_ops = {
	.lookup = vtd_ka_lookup,
	.map = vtd_ka_map,
	.unmap = vtd_ka_unmap,
};

/* A device whose boot-time walk found nothing (the tests feed the leaves) */
static struct vtd_kdump_dev_state vtd_ka_dev;

static struct vtd_kdump_replay *vtd_ka_replay(struct kunit *test,
					      struct vtd_ka_domain *d,
					      unsigned long pgsizes, u64 budget)
{
	struct vtd_kdump_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, vtd_kdump_replay_init(r, &vtd_ka_dev, 3, pgsizes,
						    budget), 0);
	r->ops = &vtd_ka_ops;
	r->ctx = d;
	return r;
}

#define VTD_KA_IOVA	0x100000ULL
#define VTD_KA_PHYS	0x7000000ULL

/* An empty domain: everything is mapped, in one piece */
static void vtd_ka_empty_test(struct kunit *test)
{
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r = vtd_ka_replay(test, d, SZ_4K, 16);

	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, VTD_KA_IOVA, VTD_KA_PHYS,
						    4 * SZ_4K, VTD_SL_R | VTD_SL_W), 0);
	KUNIT_EXPECT_EQ(test, r->mapped, 4 * SZ_4K);
	KUNIT_EXPECT_EQ(test, r->present, 0);
	KUNIT_EXPECT_EQ(test, r->conflict, 0);
	KUNIT_ASSERT_EQ(test, d->nr, 1);
	KUNIT_EXPECT_EQ(test, d->maps[0].iova, VTD_KA_IOVA);
	KUNIT_EXPECT_EQ(test, d->maps[0].phys, VTD_KA_PHYS);
	KUNIT_EXPECT_EQ(test, d->maps[0].size, 4 * SZ_4K);
	KUNIT_EXPECT_EQ(test, r->done.nr, 1);
	vtd_kdump_replay_release(r);
}

/* Leaves reported a page at a time coalesce into one run to undo */
static void vtd_ka_pieces_test(struct kunit *test)
{
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r = vtd_ka_replay(test, d, SZ_4K, 16);
	unsigned int i;

	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, VTD_KA_IOVA + i * SZ_4K,
							    VTD_KA_PHYS + i * SZ_4K,
							    SZ_4K, VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, d->nr, 4);
	KUNIT_EXPECT_EQ(test, d->maps[3].phys, VTD_KA_PHYS + 3 * SZ_4K);
	KUNIT_ASSERT_EQ(test, r->done.nr, 1);
	KUNIT_EXPECT_EQ(test, r->done.r[0].end, VTD_KA_IOVA + 4 * SZ_4K - 1);
	vtd_kdump_replay_release(r);
}

/*
 * A direct mapping (same target) in the middle of an old range, as the
 * floppy workaround's identity map under an old identity map: only the
 * holes around it are mapped, nothing is mapped twice.
 */
static void vtd_ka_same_target_test(struct kunit *test)
{
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r = vtd_ka_replay(test, d, SZ_4K, 16);
	unsigned int i;

	d->maps[d->nr++] = (struct vtd_ka_map){ VTD_KA_IOVA + SZ_4K,
		VTD_KA_PHYS + SZ_4K, 2 * SZ_4K, false };
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, VTD_KA_IOVA, VTD_KA_PHYS,
						    4 * SZ_4K, VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, r->mapped, 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, r->present, 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, r->conflict, 0);
	KUNIT_EXPECT_EQ(test, d->nr, 3);
	for (i = 1; i < d->nr; i++)
		KUNIT_EXPECT_TRUE(test, d->maps[i].iova == VTD_KA_IOVA ||
				  d->maps[i].iova == VTD_KA_IOVA + 3 * SZ_4K);
	/* a second device of the group replays the same: nothing to map */
	r->mapped = 0;
	r->present = 0;
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, VTD_KA_IOVA, VTD_KA_PHYS,
						    4 * SZ_4K, VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, r->mapped, 0);
	KUNIT_EXPECT_EQ(test, r->present, 4 * SZ_4K);
	vtd_kdump_replay_release(r);
}

/* An IOVA the domain maps elsewhere is a conflict: counted, left alone */
static void vtd_ka_conflict_test(struct kunit *test)
{
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r = vtd_ka_replay(test, d, SZ_4K, 16);

	d->maps[d->nr++] = (struct vtd_ka_map){ VTD_KA_IOVA + SZ_4K,
		VTD_KA_IOVA + SZ_4K, SZ_4K, false };
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, VTD_KA_IOVA, VTD_KA_PHYS,
						    3 * SZ_4K, VTD_SL_W), 0);
	KUNIT_EXPECT_EQ(test, r->mapped, 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, r->conflict, SZ_4K);
	KUNIT_EXPECT_EQ(test, r->first_conflict, VTD_KA_IOVA + SZ_4K);
	KUNIT_EXPECT_EQ(test, d->maps[0].phys, VTD_KA_IOVA + SZ_4K);
	/* the conflict splits what the replay mapped into two runs */
	KUNIT_EXPECT_EQ(test, r->done.nr, 2);
	vtd_kdump_replay_release(r);
}

/* A failed map: the undo unmaps the replay's own runs, not the others */
static void vtd_ka_undo_test(struct kunit *test)
{
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r = vtd_ka_replay(test, d, SZ_4K, 16);

	d->maps[d->nr++] = (struct vtd_ka_map){ VTD_KA_IOVA + SZ_4K,
		VTD_KA_PHYS + SZ_4K, SZ_4K, false };
	d->fail_at = 3;
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, VTD_KA_IOVA, VTD_KA_PHYS,
						    3 * SZ_4K, VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, 0x800000, 0x9000000,
						    SZ_4K, VTD_SL_R), -ENOMEM);
	vtd_kdump_replay_undo(r);
	KUNIT_ASSERT_EQ(test, d->nr_unmapped, 2);
	KUNIT_EXPECT_EQ(test, d->unmapped[0].iova, VTD_KA_IOVA);
	KUNIT_EXPECT_EQ(test, d->unmapped[0].size, SZ_4K);
	KUNIT_EXPECT_EQ(test, d->unmapped[1].iova, VTD_KA_IOVA + 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, d->unmapped[1].size, SZ_4K);
	vtd_kdump_replay_release(r);
}

/*
 * The page count follows the domain's page sizes: a 2 MiB leaf needs a
 * leaf table where the domain has no 2 MiB pages, none where it has; and
 * a replay that needs more than its budget stops.
 */
static void vtd_ka_tables_test(struct kunit *test)
{
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r;

	r = vtd_ka_replay(test, d, SZ_4K, 16);
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, SZ_1G, SZ_2M, SZ_2M,
						    VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, r->tables, 2);
	vtd_kdump_replay_release(r);

	r = vtd_ka_replay(test, d, SZ_4K | SZ_2M | SZ_1G, 16);
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, SZ_1G, SZ_2M, SZ_2M,
						    VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, r->tables, 1);
	/* the next 2 MiB under the same level-2 table costs nothing more */
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, SZ_1G + SZ_2M,
						    2 * SZ_2M, SZ_2M, VTD_SL_R), 0);
	KUNIT_EXPECT_EQ(test, r->tables, 1);
	vtd_kdump_replay_release(r);

	r = vtd_ka_replay(test, d, SZ_4K, 1);
	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_leaf(r, 4ULL * SZ_1G, 0, SZ_4K,
						    VTD_SL_R), -ENOSPC);
	vtd_kdump_replay_release(r);
}

/* Pieces of a map have the shape the walker reports leaves in */
static void vtd_ka_piece_test(struct kunit *test)
{
	/* 4 KiB leaves up to the end of their 2 MiB table */
	KUNIT_EXPECT_EQ(test, vtd_kdump_piece(SZ_2M - 2 * SZ_4K, 0x5000, SZ_1M),
			2 * SZ_4K);
	/* 2 MiB aligned both ways: 2 MiB leaves up to the end of the 1 GiB */
	KUNIT_EXPECT_EQ(test, vtd_kdump_piece(SZ_1G - SZ_4M, SZ_2M, SZ_1G),
			SZ_4M);
	/* IOVA aligned, address not: 4 KiB leaves */
	KUNIT_EXPECT_EQ(test, vtd_kdump_piece(SZ_2M, SZ_2M + SZ_4K, SZ_4M),
			SZ_2M);
	/* less than a 2 MiB leaf left: 4 KiB leaves */
	KUNIT_EXPECT_EQ(test, vtd_kdump_piece(SZ_2M, SZ_2M, SZ_1M), SZ_1M);
	/* 1 GiB aligned, 1 GiB and more */
	KUNIT_EXPECT_EQ(test, vtd_kdump_piece(SZ_1G, SZ_1G, SZ_1G + SZ_2M),
			SZ_1G);
}

/*
 * The maps recorded at boot are replayed, a map spanning two leaf tables
 * in two pieces (two tables counted), and only what lies inside the new
 * domain's aperture: a map across its end is clipped, one beyond it
 * skipped, the others kept.
 */
static void vtd_ka_maps_test(struct kunit *test)
{
	struct vtd_kdump_map maps[] = {
		{ SZ_2M - SZ_4K, 0x7000000, 2 * SZ_4K, VTD_SL_R | VTD_SL_W },
		{ SZ_1G - SZ_4K, 0x8000000, 2 * SZ_4K, VTD_SL_R },
		{ 4ULL * SZ_1G, 0x9000000, SZ_4K, VTD_SL_R },
	};
	struct vtd_kdump_dev_state st = { .maps = maps,
					  .nr_maps = ARRAY_SIZE(maps) };
	struct vtd_ka_domain *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vtd_kdump_replay *r = vtd_ka_replay(test, d, SZ_4K, 16);

	KUNIT_EXPECT_EQ(test, vtd_kdump_replay_maps(r, &st, SZ_1G - 1), 0);
	/* 0x1ff000 and 0x200000 in two tables, 0x3ffff000 inside */
	KUNIT_EXPECT_EQ(test, r->mapped, 3 * SZ_4K);
	KUNIT_EXPECT_EQ(test, r->beyond, SZ_4K + SZ_4K);
	KUNIT_ASSERT_EQ(test, d->nr, 3);
	KUNIT_EXPECT_EQ(test, d->maps[0].iova, SZ_2M - SZ_4K);
	KUNIT_EXPECT_EQ(test, d->maps[1].iova, SZ_2M);
	KUNIT_EXPECT_EQ(test, d->maps[1].phys, 0x7001000);
	KUNIT_EXPECT_EQ(test, d->maps[2].iova, SZ_1G - SZ_4K);
	/* the leaf tables of 0x1ff000, 0x200000, 0x3ffff000, one level-2 */
	KUNIT_EXPECT_EQ(test, r->tables, 4);
	vtd_kdump_replay_release(r);
}

static struct kunit_case vtd_kdump_attach_cases[] = {
	KUNIT_CASE(vtd_ka_empty_test),
	KUNIT_CASE(vtd_ka_pieces_test),
	KUNIT_CASE(vtd_ka_same_target_test),
	KUNIT_CASE(vtd_ka_conflict_test),
	KUNIT_CASE(vtd_ka_undo_test),
	KUNIT_CASE(vtd_ka_tables_test),
	KUNIT_CASE(vtd_ka_piece_test),
	KUNIT_CASE(vtd_ka_maps_test),
	{}
};

static struct kunit_suite vtd_kdump_attach_suite = {
	.name = "intel-iommu-kdump-attach",
	.test_cases = vtd_kdump_attach_cases,
};

kunit_test_suite(vtd_kdump_attach_suite);
