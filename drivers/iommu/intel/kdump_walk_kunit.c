// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the VT-d kdump walker (kdump_walk.c).
 *
 * The cases live in kdump_walk_test.h and are shared with the userspace
 * harness in tools/testing/vtd-kdump/userspace/: every validation rule on
 * every table format and level count, runs of leaves checked as a whole,
 * memory-map classification, run coalescing, the walk budget, the visited
 * set, and seeded random trees.
 */
#include <kunit/test.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kdump_walk_test.h"

/*
 * The arguments of a parameter generator.  Where KUnit has
 * kunit_register_params_array(), generators get the test as well; this
 * file also builds on kernels from before that.
 */
#ifdef kunit_register_params_array
#define VTD_KT_GEN_ARGS	struct kunit *test, const void *prev, char *desc
#else
#define VTD_KT_GEN_ARGS	const void *prev, char *desc
#endif

#define VTD_KT_KUNIT_SEEDS	200

/* Storage of one test, off the stack */
struct vtd_kt_ctx {
	struct vtd_kt_mem m;
	struct vtd_kt_world w;
	struct vtd_kt_run r;
	struct vtd_kt_leaf want[VTD_KT_MAX_LEAVES];
	char err[VTD_KT_ERR_LEN];
};

static struct vtd_kt_ctx *vtd_kt_ctx_alloc(struct kunit *test, u8 **buf,
					   unsigned int pages)
{
	struct vtd_kt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	*buf = kunit_kzalloc(test, (size_t)pages * VTD_KDUMP_PAGE_SIZE,
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *buf);
	return c;
}

/* One parameter per (rule, kind) or (run case, kind) pair that applies */
struct vtd_kt_param {
	u16 rule;			/* or run case */
	u8 kind;
};

static struct vtd_kt_param vtd_kt_params[VTD_KT_NR_RULES * VTD_KT_NR_KINDS];

static const void *vtd_kt_rule_gen(VTD_KT_GEN_ARGS)
{
	const struct vtd_kt_param *p = prev;
	unsigned int i = p ? p - vtd_kt_params + 1 : 0;

	for (; i < ARRAY_SIZE(vtd_kt_params); i++) {
		unsigned int rule = i / VTD_KT_NR_KINDS;
		unsigned int kind = i % VTD_KT_NR_KINDS;

		if (!vtd_kt_rule_applies(&vtd_kt_rules[rule], kind))
			continue;
		vtd_kt_params[i].rule = rule;
		vtd_kt_params[i].kind = kind;
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s",
			 vtd_kt_kinds[kind].name, vtd_kt_rules[rule].name);
		return &vtd_kt_params[i];
	}
	return NULL;
}

static void vtd_kt_rule_test(struct kunit *test)
{
	const struct vtd_kt_param *p = test->param_value;
	struct vtd_kt_ctx *c;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	KUNIT_EXPECT_TRUE_MSG(test,
			      vtd_kt_run_rule(&vtd_kt_rules[p->rule], p->kind,
					      buf, &c->m, &c->w, &c->r, c->err,
					      sizeof(c->err)),
			      "%s", c->err);
}

/* One parameter per (run case, kind) pair that applies */
static struct vtd_kt_param vtd_kt_run_params[VTD_KT_NR_RUN_CASES *
					     VTD_KT_NR_KINDS];

static const void *vtd_kt_run_gen(VTD_KT_GEN_ARGS)
{
	const struct vtd_kt_param *p = prev;
	unsigned int i = p ? p - vtd_kt_run_params + 1 : 0;

	for (; i < ARRAY_SIZE(vtd_kt_run_params); i++) {
		unsigned int rc = i / VTD_KT_NR_KINDS;
		unsigned int kind = i % VTD_KT_NR_KINDS;

		if (!vtd_kt_run_case_applies(&vtd_kt_run_cases[rc], kind))
			continue;
		vtd_kt_run_params[i].rule = rc;
		vtd_kt_run_params[i].kind = kind;
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s",
			 vtd_kt_kinds[kind].name, vtd_kt_run_cases[rc].name);
		return &vtd_kt_run_params[i];
	}
	return NULL;
}

static void vtd_kt_run_test(struct kunit *test)
{
	const struct vtd_kt_param *p = test->param_value;
	struct vtd_kt_ctx *c;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	KUNIT_EXPECT_TRUE_MSG(test,
			      vtd_kt_run_run_case(&vtd_kt_run_cases[p->rule],
						  p->kind, buf, &c->m, &c->w,
						  &c->r, c->err,
						  sizeof(c->err)),
			      "%s", c->err);
}

static void vtd_kt_classify_desc(const struct vtd_kt_classify_case *t,
				 char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kt_classify, vtd_kt_classify_cases, vtd_kt_classify_desc);

static void vtd_kt_classify_test(struct kunit *test)
{
	const struct vtd_kt_classify_case *t = test->param_value;
	struct vtd_kt_ctx *c;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_init(&c->m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(&c->m);
	KUNIT_ASSERT_TRUE(test, vtd_kdump_memmap_valid(&c->m.map));
	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_classify(&c->m, t, c->err,
							  sizeof(c->err)),
			      "%s", c->err);
}

static void vtd_kt_runs_desc(const struct vtd_kt_runs_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kt_runs, vtd_kt_runs_cases, vtd_kt_runs_desc);

static void vtd_kt_runs_test(struct kunit *test)
{
	const struct vtd_kt_runs_case *t = test->param_value;
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_runs_case(t, err, sizeof(err)),
			      "%s", err);
}

static void vtd_kt_memmap_valid_test(struct kunit *test)
{
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_memmap_valid(err, sizeof(err)),
			      "%s", err);
}

static void vtd_kt_reason_str_test(struct kunit *test)
{
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_reason_strs(err, sizeof(err)),
			      "%s", err);
}

static void vtd_kt_sort_desc(const struct vtd_kt_sort_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kt_sort, vtd_kt_sort_cases, vtd_kt_sort_desc);

static void vtd_kt_sort_test(struct kunit *test)
{
	const struct vtd_kt_sort_case *t = test->param_value;
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_sort_case(t, err, sizeof(err)),
			      "%s", err);
}

static void vtd_kt_hit_desc(const struct vtd_kt_hit_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kt_hit, vtd_kt_hit_cases, vtd_kt_hit_desc);

static void vtd_kt_hit_test(struct kunit *test)
{
	const struct vtd_kt_hit_case *t = test->param_value;
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_hit_case(t, err, sizeof(err)),
			      "%s", err);
}

static void vtd_kt_merge_test(struct kunit *test)
{
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_merge(err, sizeof(err)),
			      "%s", err);
}

static const enum vtd_kt_kind vtd_kt_all_kinds[] = {
	VTD_KT_LEG_SL3, VTD_KT_LEG_SL4, VTD_KT_LEG_SL5, VTD_KT_LEG_PT,
	VTD_KT_SM_SL3, VTD_KT_SM_SL4, VTD_KT_SM_SL5, VTD_KT_SM_FL4,
	VTD_KT_SM_FL5, VTD_KT_SM_PT,
};

static void vtd_kt_kind_desc(const enum vtd_kt_kind *k, char *desc)
{
	strscpy(desc, vtd_kt_kinds[*k].name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kt_kind, vtd_kt_all_kinds, vtd_kt_kind_desc);

static void vtd_kt_budget_test(struct kunit *test)
{
	const enum vtd_kt_kind *k = test->param_value;
	struct vtd_kt_ctx *c;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	KUNIT_EXPECT_TRUE_MSG(test,
			      vtd_kt_check_budget_exact(*k, buf, &c->m, &c->w,
							&c->r, c->err,
							sizeof(c->err)),
			      "%s", c->err);
}

/* Every table page of the standard world is reported, once */
static void vtd_kt_table_reports_test(struct kunit *test)
{
	const enum vtd_kt_kind *k = test->param_value;
	struct vtd_kt_ctx *c;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	KUNIT_EXPECT_TRUE_MSG(test,
			      vtd_kt_check_table_reports(*k, buf, &c->m, &c->w,
							 &c->r, c->err,
							 sizeof(c->err)),
			      "%s", c->err);
}

static void vtd_kt_visited_wrap_test(struct kunit *test)
{
	const enum vtd_kt_kind *k = test->param_value;
	struct vtd_kt_ctx *c;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	KUNIT_EXPECT_TRUE_MSG(test,
			      vtd_kt_check_visited_wrap(*k, buf, &c->m, &c->w,
							&c->r, c->err,
							sizeof(c->err)),
			      "%s", c->err);
}

/*
 * A leaf of A that maps a table page any walk read (its own tables, B's,
 * the root, context and PASID tables) is caught, and only that one
 */
static void vtd_kt_table_leaf_test(struct kunit *test)
{
	const enum vtd_kt_kind *k = test->param_value;
	struct vtd_kt_ctx *c;
	unsigned int i;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	for (i = 0; i < VTD_KT_NR_TABLE_CASES; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      vtd_kt_check_table_case(&vtd_kt_table_cases[i],
							      *k, buf, &c->m,
							      &c->w, &c->r,
							      c->err,
							      sizeof(c->err)),
				      "%s", c->err);
}

static void vtd_kt_maps_desc(const struct vtd_kt_maps_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vtd_kt_maps, vtd_kt_maps_cases, vtd_kt_maps_desc);

/* Validated leaves coalesce into maps; what does not fit is counted */
static void vtd_kt_maps_test(struct kunit *test)
{
	const struct vtd_kt_maps_case *t = test->param_value;
	char err[VTD_KT_ERR_LEN];

	KUNIT_EXPECT_TRUE_MSG(test, vtd_kt_check_maps_case(t, err, sizeof(err)),
			      "%s", err);
}

/* Access rights ANDed down the walk, every kind against every case */
static void vtd_kt_prot_test(struct kunit *test)
{
	const enum vtd_kt_kind *k = test->param_value;
	struct vtd_kt_ctx *c;
	unsigned int i;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_BUF_PAGES);
	for (i = 0; i < VTD_KT_NR_PROT_CASES; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      vtd_kt_check_prot_case(&vtd_kt_prot_cases[i],
							     *k, buf, &c->m,
							     &c->w, &c->r,
							     c->err,
							     sizeof(c->err)),
				      "%s", c->err);
}

static void vtd_kt_random_test(struct kunit *test)
{
	struct vtd_kt_ctx *c;
	unsigned int seed;
	u8 *buf;

	c = vtd_kt_ctx_alloc(test, &buf, VTD_KT_RAND_PAGES);
	for (seed = 1; seed <= VTD_KT_KUNIT_SEEDS; seed++) {
		if (!vtd_kt_check_random_seed(seed, buf, &c->m, &c->w, &c->r,
					      c->want, c->err, sizeof(c->err))) {
			KUNIT_FAIL(test, "%s", c->err);
			return;
		}
		cond_resched();
	}
}

static struct kunit_case vtd_kdump_walk_cases[] = {
	KUNIT_CASE_PARAM(vtd_kt_rule_test, vtd_kt_rule_gen),
	KUNIT_CASE_PARAM(vtd_kt_run_test, vtd_kt_run_gen),
	KUNIT_CASE_PARAM(vtd_kt_classify_test, vtd_kt_classify_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_runs_test, vtd_kt_runs_gen_params),
	KUNIT_CASE(vtd_kt_memmap_valid_test),
	KUNIT_CASE(vtd_kt_reason_str_test),
	KUNIT_CASE(vtd_kt_merge_test),
	KUNIT_CASE_PARAM(vtd_kt_sort_test, vtd_kt_sort_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_hit_test, vtd_kt_hit_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_budget_test, vtd_kt_kind_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_table_reports_test, vtd_kt_kind_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_visited_wrap_test, vtd_kt_kind_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_prot_test, vtd_kt_kind_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_table_leaf_test, vtd_kt_kind_gen_params),
	KUNIT_CASE_PARAM(vtd_kt_maps_test, vtd_kt_maps_gen_params),
	KUNIT_CASE(vtd_kt_random_test),
	{}
};

static struct kunit_suite vtd_kdump_walk_suite = {
	.name = "intel-iommu-kdump-walk",
	.test_cases = vtd_kdump_walk_cases,
};

kunit_test_suite(vtd_kdump_walk_suite);

MODULE_DESCRIPTION("KUnit tests for the VT-d kdump table walker");
MODULE_LICENSE("GPL");
