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
	for (i = 0; i < VTD_KT_NR_KINDS; i++) {
		CHECK(vtd_kt_check_budget_exact(i, buf, &m, &w, r, err,
						sizeof(err)), "%s", err);
		CHECK(vtd_kt_check_visited_wrap(i, buf, &m, &w, r, err,
						sizeof(err)), "%s", err);
		for (j = 0; j < VTD_KT_NR_PROT_CASES; j++)
			CHECK(vtd_kt_check_prot_case(&vtd_kt_prot_cases[j], i,
						     buf, &m, &w, r, err,
						     sizeof(err)), "%s", err);
	}
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
	test_random_trees(seeds);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
