// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the identity check of the kdump IO rule mode
 * (kdump_cover.c).  The cases live in kdump_cover_test.h and are shared
 * with the userspace harness in tools/testing/vtd-kdump/userspace/.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "kdump_cover_test.h"

static void vtd_kc_case_desc(const struct vtd_kc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kc, vtd_kc_cases, vtd_kc_case_desc);

static void vtd_kc_visitor_test(struct kunit *test)
{
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kc_check_case(test->param_value, err,
						      sizeof(err)),
			      "%s", err);
}

static void vtd_kc_str_test(struct kunit *test)
{
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kc_check_strs(err, sizeof(err)),
			      "%s", err);
}

static void vtd_kc_walk_desc(const struct vtd_kc_walk_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kc_walk, vtd_kc_walk_cases, vtd_kc_walk_desc);

static void vtd_kc_walk_test(struct kunit *test)
{
	struct vtd_kc_world *kw = kunit_kzalloc(test, sizeof(*kw), GFP_KERNEL);
	char err[VTD_KT_ERR_LEN];
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, kw);
	buf = kunit_kzalloc(test, VTD_KC_PAGES * VTD_KDUMP_PAGE_SIZE,
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE_MSG(test, vtd_kc_check_walk(test->param_value, buf,
						      kw, err, sizeof(err)),
			      "%s", err);
}

static struct kunit_case vtd_kdump_cover_cases[] = {
	KUNIT_CASE_PARAM(vtd_kc_visitor_test, vtd_kc_gen_params),
	KUNIT_CASE(vtd_kc_str_test),
	KUNIT_CASE_PARAM(vtd_kc_walk_test, vtd_kc_walk_gen_params),
	{}
};

static struct kunit_suite vtd_kdump_cover_suite = {
	.name = "intel-iommu-kdump-cover",
	.test_cases = vtd_kdump_cover_cases,
};

kunit_test_suite(vtd_kdump_cover_suite);

MODULE_DESCRIPTION("KUnit tests for the VT-d kdump identity check");
MODULE_LICENSE("GPL");
