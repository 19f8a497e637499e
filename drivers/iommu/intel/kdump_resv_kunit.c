// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the reserved regions of adopted devices (kdump_resv.c),
 * included there: a device reports the union of the old ranges of every
 * device of its group, since dma-iommu reserves the regions of the first
 * device that sets up the group's IOVA domain only.
 */

#include <kunit/test.h>

/* The states the test joins: those whose devfn has bit 4 clear */
static bool vtd_kr_member(const struct vtd_kdump_dev_state *st, void *arg)
{
	return !(st->walk.devfn & 0x10);
}

static struct vtd_kdump_dev_state *
vtd_kr_state(struct kunit *test, struct xarray *devs, u8 devfn,
	     const struct vtd_kdump_range *r, unsigned int nr)
{
	struct vtd_kdump_dev_state *st = kunit_kzalloc(test, sizeof(*st),
							GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->walk.devfn = devfn;
	st->ranges = kunit_kmalloc_array(test, nr, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->ranges);
	memcpy(st->ranges, r, nr * sizeof(*r));
	st->nr_ranges = nr;
	KUNIT_ASSERT_EQ(test, xa_err(xa_store(devs, devfn, st, GFP_KERNEL)), 0);
	return st;
}

/*
 * Four old contexts: 04.0 and 05.0 of one group, 02.0 and 06.0 (before and
 * after them in devfn order) of others.  The group's union holds the ranges
 * of both members, merged where they touch or overlap, and nothing of the
 * other devices.
 */
static void vtd_kr_union_test(struct kunit *test)
{
	static const struct vtd_kdump_range a[] = {
		{ 0xfff0000, 0xfff0fff },
		{ 0x1000, 0x1fff },
	};
	static const struct vtd_kdump_range b[] = {
		{ 0x2000, 0x2fff },
		{ 0x80000000, 0x8000ffff },
	};
	static const struct vtd_kdump_range other[] = {
		{ 0x40000000, 0x40000fff },
	};
	static const struct vtd_kdump_range want[] = {
		{ 0x1000, 0x2fff },
		{ 0xfff0000, 0xfff0fff },
		{ 0x80000000, 0x8000ffff },
	};
	struct vtd_kdump_range *u;
	struct xarray devs;
	unsigned int nr = 0, i;

	xa_init(&devs);
	vtd_kr_state(test, &devs, 0x10, other, ARRAY_SIZE(other));
	vtd_kr_state(test, &devs, 0x20, a, ARRAY_SIZE(a));
	vtd_kr_state(test, &devs, 0x28, b, ARRAY_SIZE(b));
	vtd_kr_state(test, &devs, 0x30, other, ARRAY_SIZE(other));

	u = vtd_kdump_union_ranges(&devs, vtd_kr_member, NULL, &nr);
	KUNIT_ASSERT_NOT_NULL(test, u);
	KUNIT_EXPECT_EQ(test, nr, ARRAY_SIZE(want));
	for (i = 0; i < min_t(unsigned int, nr, ARRAY_SIZE(want)); i++) {
		KUNIT_EXPECT_EQ_MSG(test, u[i].start, want[i].start, "range %u", i);
		KUNIT_EXPECT_EQ_MSG(test, u[i].end, want[i].end, "range %u", i);
	}
	kvfree(u);
	xa_destroy(&devs);
}

/* No member with ranges: nothing, and no allocation */
static void vtd_kr_union_empty_test(struct kunit *test)
{
	static const struct vtd_kdump_range other[] = {
		{ 0x40000000, 0x40000fff },
	};
	struct xarray devs;
	unsigned int nr = 0;

	xa_init(&devs);
	vtd_kr_state(test, &devs, 0x10, other, ARRAY_SIZE(other));
	KUNIT_EXPECT_NULL(test, vtd_kdump_union_ranges(&devs, vtd_kr_member,
						       NULL, &nr));
	xa_destroy(&devs);
}

/*
 * The windows of a device whose old IOVAs are unknown: the top quarter
 * below 2^24 .. 2^32 and below the top of a 39-bit unit, each reserved
 * ("never map"), disjoint, and holding where a crashed kernel's driver
 * with a 28- or 32-bit mask had its IOVAs (edu's 0xffff000, 0xfffff000).
 */
static void vtd_kr_windows_test(struct kunit *test)
{
	struct intel_iommu *iommu = kunit_kzalloc(test, sizeof(*iommu), GFP_KERNEL);
	struct iommu_resv_region *reg, *next;
	u64 last_end = 0, hold28 = 0, hold32 = 0;
	unsigned int n = 0;
	LIST_HEAD(head);

	KUNIT_ASSERT_NOT_NULL(test, iommu);
	iommu->agaw = 1;			/* 39 bits */
	iommu->cap = (u64)38 << 16;		/* CAP.MGAW: 39 bits */
	vtd_kdump_add_windows(iommu, &head);
	list_for_each_entry(reg, &head, list) {
		u64 end = reg->start + reg->length - 1;

		KUNIT_EXPECT_EQ(test, reg->type, IOMMU_RESV_RESERVED);
		KUNIT_EXPECT_GT(test, reg->start, last_end);
		/* the top quarter below a power of two */
		KUNIT_EXPECT_TRUE(test, is_power_of_2(end + 1));
		KUNIT_EXPECT_EQ(test, reg->length, (end + 1) / 4);
		if (reg->start <= 0xffff000 && end >= 0xffff000)
			hold28++;
		if (reg->start <= 0xfffff000 && end >= 0xfffff000)
			hold32++;
		last_end = end;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 32 - 24 + 1 + 1);
	KUNIT_EXPECT_EQ(test, last_end, BIT_ULL(39) - 1);
	KUNIT_EXPECT_EQ(test, hold28, 1);
	KUNIT_EXPECT_EQ(test, hold32, 1);
	list_for_each_entry_safe(reg, next, &head, list)
		kfree(reg);
}

static struct kunit_case vtd_kdump_resv_cases[] = {
	KUNIT_CASE(vtd_kr_union_test),
	KUNIT_CASE(vtd_kr_union_empty_test),
	KUNIT_CASE(vtd_kr_windows_test),
	{}
};

static struct kunit_suite vtd_kdump_resv_suite = {
	.name = "intel-iommu-kdump-resv",
	.test_cases = vtd_kdump_resv_cases,
};

kunit_test_suite(vtd_kdump_resv_suite);
