// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace tests of the VT-d kdump walker: the shared rule and run tables
 * (kdump_walk_test.h, also run by KUnit), unit tests of the helpers, and
 * property tests over seeded random trees, with and without corruption.
 *
 * Prints "N passed, N failed" last and exits non-zero on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdump_cover_test.h"
#include "kdump_walk_test.h"
#include "gen.h"

static unsigned long passed, failed;
static bool verbose;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static u8 *xzalloc(size_t n)
{
	u8 *p = calloc(1, n);

	if (!p) {
		perror("calloc");
		exit(2);
	}
	return p;
}

/* ---------------------------------------------------------------- */

static void test_rules(void)
{
	u8 *buf = xzalloc(VTD_KT_BUF_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kt_run *r = (void *)xzalloc(sizeof(*r));
	struct vtd_kt_world w;
	struct vtd_kt_mem m;
	char err[VTD_KT_ERR_LEN];
	unsigned int i, kind, n = 0;

	for (i = 0; i < VTD_KT_NR_RULES; i++) {
		const struct vtd_kt_rule *rule = &vtd_kt_rules[i];

		for (kind = 0; kind < VTD_KT_NR_KINDS; kind++) {
			bool ok;

			if (!vtd_kt_rule_applies(rule, kind))
				continue;
			ok = vtd_kt_run_rule(rule, kind, buf, &m, &w, r, err,
					     sizeof(err));
			n++;
			CHECK(ok, "rule \"%s\" on %s: %s", rule->name,
			      vtd_kt_kinds[kind].name, err);
		}
	}
	printf("rules: %u rules, %u rule x kind cases\n",
	       (unsigned int)VTD_KT_NR_RULES, n);
	free(r);
	free(buf);
}

static void test_run_cases(void)
{
	u8 *buf = xzalloc(VTD_KT_BUF_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kt_run *r = (void *)xzalloc(sizeof(*r));
	struct vtd_kt_world w;
	struct vtd_kt_mem m;
	char err[VTD_KT_ERR_LEN];
	unsigned int i, kind, n = 0;

	for (i = 0; i < VTD_KT_NR_RUN_CASES; i++) {
		const struct vtd_kt_run_case *c = &vtd_kt_run_cases[i];

		for (kind = 0; kind < VTD_KT_NR_KINDS; kind++) {
			bool ok;

			if (!vtd_kt_run_case_applies(c, kind))
				continue;
			ok = vtd_kt_run_run_case(c, kind, buf, &m, &w, r, err,
						 sizeof(err));
			n++;
			CHECK(ok, "run case \"%s\" on %s: %s", c->name,
			      vtd_kt_kinds[kind].name, err);
		}
	}
	printf("runs: %u cases, %u case x kind checks\n",
	       (unsigned int)VTD_KT_NR_RUN_CASES, n);
	free(r);
	free(buf);
}

static void test_table_cases(void)
{
	u8 *buf = xzalloc(VTD_KT_BUF_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kt_run *r = (void *)xzalloc(sizeof(*r));
	char err[VTD_KT_ERR_LEN];
	struct vtd_kt_world w;
	struct vtd_kt_mem m;
	unsigned int i, j;

	vtd_kt_mem_init(&m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(&m);
	CHECK(vtd_kdump_memmap_valid(&m.map), "test memmap is valid");
	for (i = 0; i < VTD_KT_NR_CLASSIFY; i++)
		CHECK(vtd_kt_check_classify(&m, &vtd_kt_classify_cases[i], err,
					    sizeof(err)), "%s", err);
	for (i = 0; i < VTD_KT_NR_RUNS_CASES; i++)
		CHECK(vtd_kt_check_runs_case(&vtd_kt_runs_cases[i], err,
					     sizeof(err)), "%s", err);
	CHECK(vtd_kt_check_memmap_valid(err, sizeof(err)), "%s", err);
	CHECK(vtd_kt_check_reason_strs(err, sizeof(err)), "%s", err);
	CHECK(vtd_kt_check_merge(err, sizeof(err)), "%s", err);
	for (i = 0; i < VTD_KT_NR_SORT_CASES; i++)
		CHECK(vtd_kt_check_sort_case(&vtd_kt_sort_cases[i], err,
					     sizeof(err)), "%s", err);
	for (i = 0; i < VTD_KT_NR_HIT_CASES; i++)
		CHECK(vtd_kt_check_hit_case(&vtd_kt_hit_cases[i], err,
					    sizeof(err)), "%s", err);
	for (i = 0; i < VTD_KT_NR_KINDS; i++) {
		CHECK(vtd_kt_check_table_reports(i, buf, &m, &w, r, err,
						 sizeof(err)), "%s", err);
		CHECK(vtd_kt_check_budget_exact(i, buf, &m, &w, r, err,
						sizeof(err)), "%s", err);
		CHECK(vtd_kt_check_visited_wrap(i, buf, &m, &w, r, err,
						sizeof(err)), "%s", err);
		for (j = 0; j < VTD_KT_NR_PROT_CASES; j++)
			CHECK(vtd_kt_check_prot_case(&vtd_kt_prot_cases[j], i,
						     buf, &m, &w, r, err,
						     sizeof(err)), "%s", err);
		for (j = 0; j < VTD_KT_NR_TABLE_CASES; j++)
			CHECK(vtd_kt_check_table_case(&vtd_kt_table_cases[j], i,
						      buf, &m, &w, r, err,
						      sizeof(err)), "%s", err);
	}
	for (i = 0; i < VTD_KT_NR_MAPS_CASES; i++)
		CHECK(vtd_kt_check_maps_case(&vtd_kt_maps_cases[i], err,
					     sizeof(err)), "%s", err);
	free(r);
	free(buf);
}

/* Random classification against the naive reference */
/* The identity check of the kdump IO rule mode (kdump_cover_test.h) */
static void test_cover(void)
{
	u8 *buf = xzalloc(VTD_KC_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kc_world *kw = (void *)xzalloc(sizeof(*kw));
	char err[VTD_KT_ERR_LEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtd_kc_cases); i++)
		CHECK(vtd_kc_check_case(&vtd_kc_cases[i], err, sizeof(err)),
		      "%s", err);
	CHECK(vtd_kc_check_strs(err, sizeof(err)), "%s", err);
	for (i = 0; i < ARRAY_SIZE(vtd_kc_walk_cases); i++)
		CHECK(vtd_kc_check_walk(&vtd_kc_walk_cases[i], buf, kw, err,
					sizeof(err)), "%s", err);
	free(kw);
	free(buf);
}

static void test_classify_random(unsigned int seeds)
{
	u8 *buf = xzalloc(VTD_KT_BUF_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kt_mem m;
	unsigned long bad = 0;
	u64 s = 12345;
	unsigned int i;

	vtd_kt_mem_init(&m, buf, VTD_KT_BUF_PAGES);
	vtd_kt_mem_add_data(&m);
	for (i = 0; i < seeds * 20; i++) {
		u64 r = vtd_kt_rand(&s);
		u64 phys, size;

		switch (r & 3) {
		case 0:		/* near the buffer */
			phys = VTD_KT_BASE + (vtd_kt_rand(&s) % (VTD_KT_BUF_PAGES + 8)) *
			       VTD_KDUMP_PAGE_SIZE - 4 * VTD_KDUMP_PAGE_SIZE;
			break;
		case 1:		/* near the data ranges */
			phys = VTD_KT_DATA - VTD_KT_SZ_1G +
			       vtd_kt_rand(&s) % (5 * VTD_KT_SZ_1G);
			break;
		case 2:		/* near the end of the address space */
			phys = -(vtd_kt_rand(&s) % (4 * VTD_KT_SZ_1G));
			break;
		default:
			phys = vtd_kt_rand(&s);
			break;
		}
		size = vtd_kt_rand(&s) >> (vtd_kt_rand(&s) % 64);
		if (vtd_kdump_classify(&m.map, phys, size) !=
		    vtd_kt_naive_classify(&m, phys, size)) {
			if (!bad++)
				printf("classify(%#llx, %#llx) differs\n",
				       (unsigned long long)phys,
				       (unsigned long long)size);
		}
	}
	CHECK(!bad, "%lu random classifications differ from the reference", bad);
	free(buf);
}

/* ---------------------------------------------------------------- */
/* Table pages: the helpers against naive ones, the reports on gen trees */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

#define PAGES_MAX	64

/* vtd_kdump_pages_sort() and _hit() against qsort and a linear scan */
static void test_pages_random(unsigned int seeds)
{
	u64 p[PAGES_MAX], q[PAGES_MAX], s = 777;
	unsigned long bad = 0;
	unsigned int i, j, n, nq, k;

	for (i = 0; i < seeds; i++) {
		n = vtd_kt_rand(&s) % (PAGES_MAX + 1);
		for (j = 0; j < n; j++) {
			/* few distinct pages, so that many repeat */
			p[j] = (vtd_kt_rand(&s) % 48) << 12;
			if (!(vtd_kt_rand(&s) % 16))
				p[j] = VTD_KT_TOP_PAGE - (p[j] & 0x3000);
		}
		memcpy(q, p, sizeof(q));
		qsort(q, n, sizeof(u64), cmp_u64);
		for (j = 0, nq = 0; j < n; j++)
			if (!nq || q[j] != q[nq - 1])
				q[nq++] = q[j];
		if (vtd_kdump_pages_sort(p, n) != nq || memcmp(p, q, nq * 8)) {
			if (!bad++)
				printf("pages_sort differs, seed %u\n", i);
			continue;
		}
		for (k = 0; k < 16; k++) {
			u64 a = vtd_kt_rand(&s) % (50 << 12), b;
			bool naive = false;

			b = a + (vtd_kt_rand(&s) % 3 ? vtd_kt_rand(&s) % 0x3000 :
				 vtd_kt_rand(&s) >> 1);
			if (b < a)
				b = U64_MAX;
			for (j = 0; j < nq; j++)
				naive |= q[j] <= b && q[j] + 0xfff >= a;
			if (vtd_kdump_pages_hit(q, nq, a, b) != naive && !bad++)
				printf("pages_hit(%#llx, %#llx) differs, seed %u\n",
				       (unsigned long long)a,
				       (unsigned long long)b, i);
		}
	}
	CHECK(!bad, "%lu differences from the naive page helpers", bad);
}

/* A walk over a generated world, recording the table pages it reports */
struct gen_walk {
	const struct gen_world *g;
	struct vtd_kdump_walker w;
	struct vtd_kdump_visited vis;
	u64 *got;
	u64 nr_got, max_got;
	unsigned long bad_kind;
	enum vtd_kdump_reason worst;
};

static const void *gw_map(void *ctx, u64 phys)
{
	const struct gen_world *g = ctx;

	return gen_va(g, phys);
}

static void gw_unmap(void *ctx, const void *va)
{
}

static const struct vtd_kdump_ops gw_ops = { .map = gw_map, .unmap = gw_unmap };

static void gw_table(void *arg, u64 phys, enum vtd_kdump_table kind,
		     unsigned int level)
{
	struct gen_walk *gw = arg;
	bool page = kind == VTD_KDUMP_TABLE_PAGE;

	if (gw->nr_got < gw->max_got)
		gw->got[gw->nr_got] = phys;
	gw->nr_got++;
	if (page != !!level)
		gw->bad_kind++;
}

static int gw_dev(void *arg, struct vtd_kdump_dev *dev)
{
	struct gen_walk *gw = arg;
	const struct vtd_kdump_visitor v = { };

	if (vtd_kdump_walk_dev(&gw->w, dev, &v) && !gw->worst)
		gw->worst = dev->reason;
	return 0;
}

/*
 * Every table page the walk reads is reported, once, in the order the
 * walk reads it: the generator computed that order from what it built
 * (root, each context table, then per device its PASID directory and
 * table and its page tables, depth first).
 */
static void test_gen_table_reports(void)
{
	static const struct { bool sm, fl; unsigned int levels; } fmts[] = {
		{ false, false, 3 }, { false, false, 4 }, { false, false, 5 },
		{ true, false, 3 }, { true, false, 4 }, { true, false, 5 },
		{ true, true, 4 }, { true, true, 5 },
	};
	unsigned int n;

	/* every format, layout, and with and without a shared domain */
	for (n = 0; n < ARRAY_SIZE(fmts) * GEN_NR_LAYOUTS * 2; n++) {
		unsigned int f = n / (GEN_NR_LAYOUTS * 2);
		unsigned int layout = n / 2 % GEN_NR_LAYOUTS, shared = n % 2;
		struct gen_cfg cfg = {
			.scalable = fmts[f].sm, .first_level = fmts[f].fl,
			.levels = fmts[f].levels, .layout = layout,
			.ndev = 40, .pages = 3000, .shared = shared,
			.seed = 1000 + n,
		};
		struct gen_world g;
		struct gen_walk gw = { .g = &g };
		int ret;

		if (gen_build(&g, &cfg)) {
			CHECK(0, "gen_build %u failed", n);
			continue;
		}
		gw.max_got = g.nr_seq;
		gw.got = calloc(g.nr_seq ? g.nr_seq : 1, sizeof(u64));
		gw.vis.order = 12;
		gw.vis.slots = calloc(1UL << gw.vis.order, sizeof(u64));
		gw.vis.gens = calloc(1UL << gw.vis.order, sizeof(u32));
		gw.w = (struct vtd_kdump_walker){
			.ops = &gw_ops, .ops_ctx = &g, .hw = &g.hw,
			.mem = &g.mem, .visited = &gw.vis, .budget = 2048,
			.table = gw_table, .table_arg = &gw,
		};
		ret = vtd_kdump_walk_root(&gw.w, g.root, gw_dev, &gw);
		CHECK(!ret && !gw.worst && !gw.bad_kind &&
		      gw.nr_got == g.nr_seq &&
		      !memcmp(gw.got, g.seq, g.nr_seq * sizeof(u64)),
		      "gen world %u (%s, %u levels, %s%s): walk %d %s, %llu table pages reported, %llu read",
		      n, fmts[f].sm ? (fmts[f].fl ? "sm-fl" : "sm-sl") : "legacy",
		      fmts[f].levels, gen_layout_name(layout),
		      shared ? ", shared" : "", ret,
		      vtd_kdump_reason_str(gw.worst),
		      (unsigned long long)gw.nr_got,
		      (unsigned long long)g.nr_seq);
		free(gw.got);
		free(gw.vis.slots);
		free(gw.vis.gens);
		gen_free(&g);
	}
	printf("table reports: %u generated worlds\n", n);
}

/* ---------------------------------------------------------------- */
/* Property tests over random trees                                 */

static void test_random_trees(unsigned int seeds)
{
	u8 *buf = xzalloc(VTD_KT_RAND_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kt_run *r = (void *)xzalloc(sizeof(*r));
	struct vtd_kt_leaf want[VTD_KT_MAX_LEAVES];
	unsigned long verdicts[VTD_KDUMP_NR_REASONS] = { };
	unsigned long bad = 0, kinds[VTD_KT_NR_KINDS] = { };
	char err[VTD_KT_ERR_LEN];
	struct vtd_kt_world w;
	struct vtd_kt_mem m;
	unsigned int seed, i;

	for (seed = 1; seed <= seeds; seed++) {
		if (!vtd_kt_check_random_seed(seed, buf, &m, &w, r, want, err,
					      sizeof(err))) {
			if (!bad++)
				printf("%s\n", err);
			continue;
		}
		kinds[w.kind]++;
		for (i = 0; i < r->nr_recs; i++)
			verdicts[r->recs[i].reason]++;
	}
	CHECK(!bad, "%lu of %u random seeds broke a property", bad, seeds);
	printf("random trees per kind:");
	for (i = 0; i < VTD_KT_NR_KINDS; i++)
		printf(" %s=%lu", vtd_kt_kinds[i].name, kinds[i]);
	printf("\nverdicts after corruption:");
	for (i = 0; i < VTD_KDUMP_NR_REASONS; i++)
		if (verdicts[i])
			printf(" %s=%lu", vtd_kdump_reason_str(i), verdicts[i]);
	printf("\n");
	free(r);
	free(buf);
}

#ifdef VTD_KT_BENCH
static void bench(void)
{
	u8 *buf = xzalloc(VTD_KT_RAND_PAGES * VTD_KDUMP_PAGE_SIZE);
	struct vtd_kt_run *r = (void *)xzalloc(sizeof(*r));
	struct vtd_kt_leaf want[VTD_KT_MAX_LEAVES];
	unsigned long walks = 0, pages = 0;
	struct vtd_kt_world w;
	struct vtd_kt_mem m;
	unsigned int nr_bad;
	struct timespec t0, t1;
	double dt;

	vtd_kt_mem_init(&m, buf, VTD_KT_RAND_PAGES);
	vtd_kt_mem_add_data(&m);
	vtd_kt_random_world(&m, &w, 7, want, &nr_bad);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		vtd_kt_run_init(r, &m, &w.hw);
		vtd_kt_run_walk(r, w.root);
		pages += r->recs[0].table_pages;
		walks++;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	} while (dt < 2.0);
	printf("walk speed: %s, %lu walks in %.2f s: %.0f walks/s, %.0f table pages/s\n",
	       vtd_kt_kinds[w.kind].name, walks, dt, walks / dt, pages / dt);
	free(r);
	free(buf);
}
#endif

int main(int argc, char **argv)
{
	unsigned int seeds = 3000;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
			seeds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
#ifdef VTD_KT_BENCH
		else if (!strcmp(argv[i], "--bench")) {
			bench();
			return 0;
		}
#endif
	}

	test_table_cases();
	test_rules();
	test_run_cases();
	test_cover();
	test_classify_random(seeds);
	test_pages_random(seeds);
	test_gen_table_reports();
	test_random_trees(seeds);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
