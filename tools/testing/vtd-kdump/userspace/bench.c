// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the real walk + validate + range extraction of kdump_walk.c
 * against a memory-bandwidth bound: memcpy of every table page the walk
 * reads, in the same order.
 *
 *   bench [--ci] [--csv FILE] [--reps N] [--ratio-limit X] [--lin-limit X]
 *         [--lin-from PAGES] [--attempts N] [--runs N]
 *
 * Checks: walk/bound ratio <= --ratio-limit (2.0; 0 prints it as
 * information only) at every sweep size from 64 Ki pages on; ns per present
 * entry within a factor --lin-limit (1.5)
 * over the sweep sizes from --lin-from (16 Ki) pages on; ranges == maximal
 * runs everywhere.  --ci makes them a gate (exit status); a failed timing
 * check is measured again, up to --attempts sweeps (3 with --ci), and
 * judged on each size's best sweep: other jobs on the CPU only ever add
 * time.  Without --ci the checks are printed as TARGET MET / NOT MET.
 * --runs N repeats the size sweep N times and judges the targets on the
 * medians over the runs.
 *
 * The walk is driven as drivers/iommu/intel/kdump_copy.c drives it:
 * vtd_kdump_walk_root() with a per-device callback that resets the runs,
 * calls vtd_kdump_walk_dev() with leaf() and reject() doing
 * vtd_kdump_runs_add(), and counts the ranges; the visited set is sized as
 * the kernel sizes it (order_base_2(budget * 2), budget 65536 by default),
 * runs.max is VTD_KDUMP_MAX_RANGES (65536).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "gen.h"

/* as the kernel's compiler_attributes.h; the shims do not provide it */
#ifndef __aligned
#define __aligned(x)	__attribute__(\
			(__aligned__(x)))
#endif

#define KERNEL_BUDGET	65536ULL	/* intel_iommu=kdump_walk_budget= default */
#define KERNEL_MAX_RANGES 65536		/* VTD_KDUMP_MAX_RANGES */
#define MIN_SAMPLE_NS	4000000.0	/* one sample lasts >= 4 ms */

/* ---- old-memory access ---- */

static const void *b_map(void *ctx, u64 phys)
{
	return gen_va(ctx, phys);
}

static void b_unmap(void *ctx, const void *va)
{
}

static const struct vtd_kdump_ops b_ops = { .map = b_map, .unmap = b_unmap };

/* Verification pass: record the order of map() calls */
struct rec {
	struct gen_world *g;
	u64 n, bad;
};

static const void *r_map(void *ctx, u64 phys)
{
	struct rec *r = ctx;

	if (r->n >= r->g->nr_seq || r->g->seq[r->n] != phys)
		r->bad++;
	r->n++;
	return gen_va(r->g, phys);
}

static const struct vtd_kdump_ops r_ops = { .map = r_map, .unmap = b_unmap };

/* ---- the kernel's use of the walker ---- */

/* Variants for the "where does the time go" table (not the kernel's setup) */
static bool v_mem1;		/* memory map: one old-RAM range, one kdump range */
static bool v_noleaf;		/* no leaf/reject visitor: no range extraction */
static bool v_minvis;		/* visited set sized to the tree, not the budget */
static struct vtd_kdump_range v_one_range;

struct bctx {
	struct vtd_kdump_walker w;
	struct vtd_kdump_visited vis;
	struct vtd_kdump_runs runs;
	u64 ranges, leaves, rejected, table_pages, devs, bad_devs, overflow;
};

static int leaf_range(void *arg, u64 iova, u64 phys, u64 size, unsigned int prot)
{
	vtd_kdump_runs_add(arg, iova, size);
	return 0;
}

static void reject_range(void *arg, u64 iova, u64 size, enum vtd_kdump_reason why)
{
	vtd_kdump_runs_add(arg, iova, size);
}

static int adopt_one(void *arg, struct vtd_kdump_dev *dev)
{
	struct bctx *b = arg;
	struct vtd_kdump_visitor v = {
		.leaf = leaf_range, .reject = reject_range, .arg = &b->runs,
	};

	if (v_noleaf)
		v.leaf = NULL, v.reject = NULL;

	b->runs.nr = 0;
	b->runs.overflow = false;
	if (dev->table_refused || dev->reason) {
		b->bad_devs++;
		return 0;
	}
	if (vtd_kdump_walk_dev(&b->w, dev, &v))
		b->bad_devs++;
	b->devs++;
	b->ranges += b->runs.nr;
	b->overflow += b->runs.overflow;
	b->leaves += dev->leaves;
	b->rejected += dev->rejected_leaves;
	b->table_pages += dev->table_pages;
	return 0;
}

static unsigned int order_base_2(u64 n)
{
	unsigned int o = 0;

	while ((1ULL << o) < n)
		o++;
	return o;
}

static int bctx_init(struct bctx *b, struct gen_world *g)
{
	u64 per_dev = 0, budget = KERNEL_BUDGET;
	unsigned int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < g->cfg.ndev; i++)
		if (g->devs[i].table_pages > per_dev)
			per_dev = g->devs[i].table_pages;
	/* as if booted with intel_iommu=kdump_walk_budget= big enough */
	while (budget < per_dev)
		budget *= 2;
	if (v_minvis)
		budget = per_dev + 1;
	b->vis.order = order_base_2(budget * 2);
	b->vis.slots = calloc(1ULL << b->vis.order, sizeof(u64));
	b->vis.gens = calloc(1ULL << b->vis.order, sizeof(u32));
	b->runs.max = KERNEL_MAX_RANGES;
	b->runs.r = calloc(b->runs.max, sizeof(*b->runs.r));
	if (!b->vis.slots || !b->vis.gens || !b->runs.r)
		return -1;
	b->w = (struct vtd_kdump_walker){
		.ops = &b_ops, .ops_ctx = g, .hw = &g->hw, .mem = &g->mem,
		.visited = &b->vis, .budget = budget,
	};
	return 0;
}

static void bctx_free(struct bctx *b)
{
	free(b->vis.slots);
	free(b->vis.gens);
	free(b->runs.r);
}

static int walk_once(struct bctx *b, struct gen_world *g)
{
	b->ranges = 0;
	b->leaves = 0;
	b->rejected = 0;
	b->table_pages = 0;
	b->devs = 0;
	b->bad_devs = 0;
	b->overflow = 0;
	return vtd_kdump_walk_root(&b->w, g->root, adopt_one, b);
}

/* ---- the bound ---- */

static unsigned char dst[4096] __aligned(64);

static void bound_once(struct gen_world *g)
{
	u64 i;

	for (i = 0; i < g->nr_seq; i++) {
		memcpy(dst, gen_va(g, g->seq[i]), sizeof(dst));
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
}

/* ---- timing ---- */

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	struct gen_cfg cfg;
	u64 seq_pages, table_pages, present, leaves, ranges, runs;
	unsigned int ctx_tables;
	double walk_ns, bound_ns, walk_min, walk_max;
	u64 boot_bytes, attach_bytes, rss_kib;
	unsigned int inner, reps;
	bool ok;
	char why[160];
};

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int run_one(const struct gen_cfg *cfg, unsigned int reps, struct result *res)
{
	struct gen_world g;
	struct bctx b;
	struct rec rec;
	double t0, tw[64], tb[64], one;
	unsigned int r, k, inner;
	struct rusage ru;

	memset(res, 0, sizeof(*res));
	res->cfg = *cfg;
	if (gen_build(&g, cfg)) {
		snprintf(res->why, sizeof(res->why), "generator failed");
		return -1;
	}
	if (v_mem1) {
		v_one_range = (struct vtd_kdump_range){ g.old_ram[0].start,
			g.old_ram[g.mem.nr_old_ram - 1].end };
		g.mem.old_ram = &v_one_range;
		g.mem.nr_old_ram = 1;
	}
	if (bctx_init(&b, &g)) {
		gen_free(&g);
		snprintf(res->why, sizeof(res->why), "out of memory");
		return -1;
	}

	/* verification pass (untimed): same pages in the same order */
	rec = (struct rec){ .g = &g };
	b.w.ops = &r_ops;
	b.w.ops_ctx = &rec;
	walk_once(&b, &g);
	b.w.ops = &b_ops;
	b.w.ops_ctx = &g;
	res->ok = true;
	if (rec.bad || rec.n != g.nr_seq) {
		res->ok = false;
		snprintf(res->why, sizeof(res->why),
			 "map order differs from generator: %llu reads, %llu expected, %llu mismatches",
			 (unsigned long long)rec.n, (unsigned long long)g.nr_seq,
			 (unsigned long long)rec.bad);
	} else if (b.bad_devs || b.rejected || b.devs != cfg->ndev ||
		   b.leaves != g.total_leaves || b.table_pages != g.total_table_pages) {
		res->ok = false;
		snprintf(res->why, sizeof(res->why),
			 "walk verdict: %llu bad devices, %llu rejected, leaves %llu/%llu, pages %llu/%llu",
			 (unsigned long long)b.bad_devs, (unsigned long long)b.rejected,
			 (unsigned long long)b.leaves, (unsigned long long)g.total_leaves,
			 (unsigned long long)b.table_pages,
			 (unsigned long long)g.total_table_pages);
	} else if (b.ranges != g.total_runs || b.overflow) {
		res->ok = false;
		snprintf(res->why, sizeof(res->why),
			 "ranges %llu != maximal runs %llu (overflow on %llu devices)",
			 (unsigned long long)b.ranges, (unsigned long long)g.total_runs,
			 (unsigned long long)b.overflow);
	}

	/* warm-up: one of each, then size the inner loop */
	bound_once(&g);
	t0 = now_ns();
	walk_once(&b, &g);
	one = now_ns() - t0;
	inner = one >= MIN_SAMPLE_NS ? 1 : (unsigned int)(MIN_SAMPLE_NS / (one + 1)) + 1;
	if (reps > 64)
		reps = 64;
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		for (k = 0; k < inner; k++)
			walk_once(&b, &g);
		tw[r] = (now_ns() - t0) / inner;
		t0 = now_ns();
		for (k = 0; k < inner; k++)
			bound_once(&g);
		tb[r] = (now_ns() - t0) / inner;
	}
	res->walk_ns = median(tw, reps);	/* sorts tw */
	res->walk_min = tw[0];
	res->walk_max = tw[reps - 1];
	res->bound_ns = median(tb, reps);
	res->inner = inner;
	res->reps = reps;

	res->seq_pages = g.nr_seq;
	res->table_pages = b.table_pages;
	res->present = g.total_present;
	res->leaves = b.leaves;
	res->ranges = b.ranges;
	res->runs = g.total_runs;
	res->ctx_tables = g.nr_ctx_tables;
	res->boot_bytes = (u64)g.nr_ctx_tables * 4096 + b.ranges * 16;
	res->attach_bytes = b.table_pages * 4096;
	getrusage(RUSAGE_SELF, &ru);
	res->rss_kib = ru.ru_maxrss;

	bctx_free(&b);
	gen_free(&g);
	return res->ok ? 0 : -1;
}

/* ---- reporting ---- */

static const char *fmt_name(const struct gen_cfg *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s-%s%u", c->scalable ? "sm" : "leg",
		 c->first_level ? "fl" : "sl", c->levels);
	return buf;
}

static void print_head(void)
{
	printf("%-9s %4s %-7s %-8s %9s %10s %10s %10s %6s %7s %8s %8s %9s %10s %9s\n",
	       "M/dev", "N", "layout", "format", "tbl_pages", "present", "walk_ms",
	       "bound_ms", "ratio", "ns/ent", "ranges", "max_runs", "boot_KiB",
	       "attach_KiB", "peak_MiB");
}

static void print_row(const struct result *r)
{
	char f[32];
	char m[24];

	snprintf(m, sizeof(m), "%llu%s", (unsigned long long)r->cfg.pages,
		 r->cfg.shared ? "*" : "");
	fprintf(stdout,
		"%-9s %4u %-7s %-8s %9llu %10llu %10.3f %10.3f %6.2f %7.2f %8llu %8llu %9.1f %10.0f %9.1f%s%s\n",
		m, r->cfg.ndev, gen_layout_name(r->cfg.layout),
		fmt_name(&r->cfg, f, sizeof(f)),
		(unsigned long long)r->seq_pages, (unsigned long long)r->present,
		r->walk_ns / 1e6, r->bound_ns / 1e6, r->walk_ns / r->bound_ns,
		r->walk_ns / r->present, (unsigned long long)r->ranges,
		(unsigned long long)r->runs, r->boot_bytes / 1024.0,
		r->attach_bytes / 1024.0, r->rss_kib / 1024.0,
		r->ok ? "" : "  !! ", r->ok ? "" : r->why);
	fflush(stdout);
}

static void csv_row(FILE *f, const char *set, const struct result *r)
{
	char n[32];

	if (!f)
		return;
	fprintf(f,
		"%s,%llu,%u,%s,%s,%d,%llu,%llu,%llu,%llu,%.0f,%.0f,%.0f,%.0f,%.4f,%.3f,%llu,%llu,%llu,%llu,%llu,%d\n",
		set, (unsigned long long)r->cfg.pages, r->cfg.ndev,
		gen_layout_name(r->cfg.layout), fmt_name(&r->cfg, n, sizeof(n)),
		r->cfg.shared, (unsigned long long)r->seq_pages,
		(unsigned long long)r->table_pages, (unsigned long long)r->present,
		(unsigned long long)r->leaves, r->walk_ns, r->bound_ns,
		r->walk_min, r->walk_max, r->walk_ns / r->bound_ns,
		r->walk_ns / r->present, (unsigned long long)r->ranges,
		(unsigned long long)r->runs, (unsigned long long)r->boot_bytes,
		(unsigned long long)r->attach_bytes,
		(unsigned long long)r->rss_kib * 1024, r->ok);
}

/* The size sweep's timing targets, as measured in one pass */
struct sweep_stats {
	double worst_ratio;		/* walk/bound over sizes >= RATIO_FROM */
	u64 worst_ratio_m;
	double ns_min, ns_max;		/* ns per present entry, sizes >= lin_from */
	unsigned int failures;		/* generator or verification failures */
	unsigned int bad_ranges;
};

#define RATIO_FROM	BIT(16)		/* the ratio target holds from 64 Ki pages */

#define MAX_SIZES	8	/* sizes in a sweep */
#define MAX_RUNS	15	/* sweeps of --runs */

/* Account one size's walk/bound ratio and ns per entry in @st */
static void account(struct sweep_stats *st, u64 pages, double ratio,
		    double ns, u64 lin_from)
{
	if (pages >= lin_from) {
		st->ns_min = ns < st->ns_min ? ns : st->ns_min;
		st->ns_max = ns > st->ns_max ? ns : st->ns_max;
	}
	if (pages >= RATIO_FROM && ratio > st->worst_ratio) {
		st->worst_ratio = ratio;
		st->worst_ratio_m = pages;
	}
}

static void sweep(const u64 *sizes, unsigned int nsizes, unsigned int reps,
		  u64 lin_from, FILE *f, const char *set, struct result *res,
		  struct sweep_stats *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->ns_min = 1e300;
	print_head();
	for (i = 0; i < nsizes; i++) {
		struct gen_cfg c = {
			.levels = 4, .layout = GEN_CONTIG, .ndev = 1,
			.pages = sizes[i], .seed = 1, .avg_run = 512,
		};
		struct result *r = &res[i];

		if (run_one(&c, reps, r))
			st->failures++;
		print_row(r);
		csv_row(f, set, r);
		if (r->ranges != r->runs)
			st->bad_ranges++;
		account(st, r->cfg.pages, r->walk_ns / r->bound_ns,
			r->walk_ns / r->present, lin_from);
	}
}

/*
 * After @runs sweeps: per size, the median over the runs of walk, bound,
 * ratio and ns per entry (each run's values are medians of samples), with
 * the smallest and largest run; the targets are judged on these medians.
 */
static void sweep_medians(struct result res[][MAX_SIZES], unsigned int runs,
			  unsigned int nsizes, u64 lin_from,
			  struct sweep_stats *st)
{
	double w[MAX_RUNS], b[MAX_RUNS], q[MAX_RUNS], n[MAX_RUNS];
	double mw, mb, mq, mn;
	unsigned int i, k;

	st->worst_ratio = 0;
	st->worst_ratio_m = 0;
	st->ns_min = 1e300;
	st->ns_max = 0;
	printf("\nSize sweep, median over %u runs (smallest-largest run)\n",
	       runs);
	printf("%-9s %9s %10s %10s %10s %-19s %-19s %8s %10s\n", "M/dev",
	       "tbl_pages", "present", "walk_ms", "bound_ms", "ratio",
	       "ns/ent", "ranges", "attach_KiB");
	for (i = 0; i < nsizes; i++) {
		const struct result *r = &res[0][i];
		char rt[32], ne[32];

		for (k = 0; k < runs; k++) {
			w[k] = res[k][i].walk_ns;
			b[k] = res[k][i].bound_ns;
			q[k] = res[k][i].walk_ns / res[k][i].bound_ns;
			n[k] = res[k][i].walk_ns / res[k][i].present;
		}
		/* median() sorts: the extremes are then at 0 and runs - 1 */
		mw = median(w, runs);
		mb = median(b, runs);
		mq = median(q, runs);
		mn = median(n, runs);
		snprintf(rt, sizeof(rt), "%.2f (%.2f-%.2f)", mq, q[0],
			 q[runs - 1]);
		snprintf(ne, sizeof(ne), "%.2f (%.2f-%.2f)", mn, n[0],
			 n[runs - 1]);
		printf("%-9llu %9llu %10llu %10.4f %10.4f %-19s %-19s %8llu %10.0f\n",
		       (unsigned long long)r->cfg.pages,
		       (unsigned long long)r->seq_pages,
		       (unsigned long long)r->present, mw / 1e6, mb / 1e6, rt,
		       ne, (unsigned long long)r->ranges,
		       r->attach_bytes / 1024.0);
		account(st, r->cfg.pages, mq, mn, lin_from);
	}
}

/*
 * Keep each size's best (lowest) ratio and ns per entry over the sweeps so
 * far in @best_ratio, @best_ns (@attempt 1 starts them); with @st, judge
 * the timing checks on them and print them.
 */
static void best_of(const struct result *res, unsigned int nsizes,
		    double *best_ratio, double *best_ns, u64 lin_from,
		    unsigned int attempt, struct sweep_stats *st)
{
	unsigned int i;

	for (i = 0; i < nsizes; i++) {
		double ratio = res[i].walk_ns / res[i].bound_ns;
		double ns = res[i].walk_ns / res[i].present;

		if (attempt == 1 || ratio < best_ratio[i])
			best_ratio[i] = ratio;
		if (attempt == 1 || ns < best_ns[i])
			best_ns[i] = ns;
	}
	if (!st)
		return;
	st->worst_ratio = 0;
	st->worst_ratio_m = 0;
	st->ns_min = 1e300;
	st->ns_max = 0;
	printf("best of %u sweeps, per size (pages: ratio, ns/ent):", attempt);
	for (i = 0; i < nsizes; i++) {
		printf(" %llu: %.2f, %.2f", (unsigned long long)res[i].cfg.pages,
		       best_ratio[i], best_ns[i]);
		account(st, res[i].cfg.pages, best_ratio[i], best_ns[i],
			lin_from);
	}
	printf("\n");
}

static bool timing_ok(const struct sweep_stats *st, double ratio_limit,
		      double lin_limit)
{
	return st->worst_ratio_m &&
	       (ratio_limit <= 0 || st->worst_ratio <= ratio_limit) &&
	       st->ns_max / st->ns_min <= lin_limit;
}

/* PASS/FAIL lines of the checks; returns the number of failed ones */
static unsigned int report(const struct sweep_stats *st, unsigned int bad_ranges,
			   double ratio_limit, double lin_limit, u64 lin_from,
			   const char *pass, const char *fail)
{
	unsigned int failed = 0;

	if (!st->worst_ratio_m)
		printf("%s: no size >= %lu pages\n", fail, RATIO_FROM), failed++;
	else if (ratio_limit <= 0)
		printf("info: walk/bound %.2f at %llu pages (target 2.0 from %lu, not judged)\n",
		       st->worst_ratio, (unsigned long long)st->worst_ratio_m,
		       RATIO_FROM);
	else if (st->worst_ratio > ratio_limit)
		printf("%s: walk/bound ratio %.2f at %llu pages > %.1f\n", fail,
		       st->worst_ratio, (unsigned long long)st->worst_ratio_m,
		       ratio_limit), failed++;
	else
		printf("%s: walk/bound <= %.1f from %lu pages (worst %.2f at %llu)\n",
		       pass, ratio_limit, RATIO_FROM, st->worst_ratio,
		       (unsigned long long)st->worst_ratio_m);
	if (st->ns_max / st->ns_min > lin_limit)
		printf("%s: ns/entry varies %.2fx from %llu pages (%.2f..%.2f) > %.1f\n",
		       fail, st->ns_max / st->ns_min, (unsigned long long)lin_from,
		       st->ns_min, st->ns_max, lin_limit), failed++;
	else
		printf("%s: ns/entry varies %.2fx from %llu pages (%.2f..%.2f) <= %.1f\n",
		       pass, st->ns_max / st->ns_min, (unsigned long long)lin_from,
		       st->ns_min, st->ns_max, lin_limit);
	if (bad_ranges)
		printf("%s: reserved ranges != maximal runs in %u runs\n", fail,
		       bad_ranges), failed++;
	else
		printf("%s: reserved ranges == maximal runs in every sweep and matrix run\n",
		       pass);
	return failed;
}

static void print_usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--ci] [--csv FILE] [--reps N] [--ratio-limit X]\n"
		"       [--lin-limit X] [--lin-from PAGES] [--attempts N] [--runs N]\n",
		argv0);
}

int main(int argc, char **argv)
{
	static const u64 full_sizes[] = { 1 << 10, 1 << 12, 1 << 14, 1 << 16,
					  1 << 18, 1 << 20, 1 << 22, 1 << 24 };
	static const u64 ci_sizes[] = { 1 << 10, 1 << 12, 1 << 14, 1 << 16,
					1 << 18 };
	const u64 *sizes = full_sizes;
	double ratio_limit = 2.0, lin_limit = 1.5;
	unsigned int nsizes = 8, reps = 9, i, j, failures = 0, bad_ranges = 0;
	unsigned int attempts = 0, attempt, runs = 1, run;
	u64 matrix_pages = 1 << 16, lin_from = 1 << 14;
	const char *csv = NULL;
	static struct result res[MAX_RUNS][MAX_SIZES];
	double best_ratio[MAX_SIZES], best_ns[MAX_SIZES];
	struct sweep_stats st;
	struct result mr;
	bool ci = false;
	FILE *f = NULL;
	double t_start = now_ns();

	for (i = 1; i < (unsigned int)argc; i++) {
		bool more = i + 1 < (unsigned int)argc;

		if (!strcmp(argv[i], "--ratio-limit") && more) {
			ratio_limit = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "--lin-limit") && more) {
			lin_limit = strtod(argv[++i], NULL);
		} else if (!strcmp(argv[i], "--lin-from") && more) {
			lin_from = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--attempts") && more) {
			attempts = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--runs") && more) {
			runs = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--ci")) {
			ci = true;
		} else if (!strcmp(argv[i], "--csv") && more) {
			csv = argv[++i];
		} else if (!strcmp(argv[i], "--reps") && more) {
			reps = strtoul(argv[++i], NULL, 0);
		} else {
			print_usage(argv[0]);
			return 2;
		}
	}
	if (ci) {
		sizes = ci_sizes;
		nsizes = 5;
		reps = reps > 7 ? 7 : reps;
		matrix_pages = 1 << 12;
	}
	if (!attempts)
		attempts = ci ? 3 : 1;
	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "--runs: 1 to %u\n", MAX_RUNS);
		return 2;
	}
	if (runs > 1)
		attempts = 1;
	if (!reps)
		reps = 1;
	if (csv) {
		f = fopen(csv, "w");
		if (!f) {
			perror(csv);
			return 2;
		}
		fprintf(f,
			"set,pages_per_dev,ndev,layout,format,shared,table_pages_read,pt_pages,present,leaves,walk_ns,bound_ns,walk_min_ns,walk_max_ns,ratio,ns_per_entry,ranges,max_runs,boot_bytes,attach_bytes,peak_rss_bytes,ok\n");
	}

	fprintf(stdout,
		"Size sweep: 1 device, legacy mode, 4-level second level, contiguous runs (mean 512 pages, gaps 1-16 pages)\n"
		"walk = vtd_kdump_walk_root() + vtd_kdump_walk_dev() + vtd_kdump_runs_add(); bound = memcpy of the same table pages in the same order\n"
		"median of %u samples; tbl_pages = all pages read (root, context, PASID, page tables)\n",
		reps);
	/*
	 * Other jobs share this CPU: a timing check that fails is measured
	 * again (a new sweep), up to @attempts sweeps, and judged on each
	 * size's best sweep so far; or the sweep is run @runs times and judged
	 * on the medians.
	 */
	for (attempt = 1, run = 0; run < runs; attempt++) {
		if (attempt > 1)
			printf("\n%s (%u of %u)\n", runs > 1 ? "sweep again" :
			       "timing checks failed; sweep again",
			       runs > 1 ? run + 1 : attempt,
			       runs > 1 ? runs : attempts);
		sweep(sizes, nsizes, reps, lin_from, f,
		      attempt == 1 ? "sweep" : runs > 1 ? "sweep-run" :
		      "sweep-again", res[run], &st);
		if (attempt == 1)
			best_of(res[0], nsizes, best_ratio, best_ns, lin_from,
				attempt, NULL);
		failures += st.failures;
		bad_ranges += st.bad_ranges;
		if (runs > 1) {
			run++;
			continue;
		}
		if (attempt > 1)
			best_of(res[0], nsizes, best_ratio, best_ns, lin_from,
				attempt, &st);
		if (timing_ok(&st, ratio_limit, lin_limit) ||
		    attempt == attempts)
			break;
	}
	if (runs > 1)
		sweep_medians(res, runs, nsizes, lin_from, &st);

	fprintf(stdout,
		"\nLayout/format matrix: M = %llu pages per device, N = 4 devices (* = one shared domain)\n",
		(unsigned long long)matrix_pages);
	print_head();
	for (i = 0; i < 14; i++) {
		static const struct { bool sm, fl; unsigned int lv; int lay; bool sh; } m[] = {
			{ 0, 0, 4, GEN_CONTIG, 0 }, { 0, 0, 4, GEN_SCATTER, 0 },
			{ 0, 0, 4, GEN_2M, 0 },     { 0, 0, 4, GEN_1G, 0 },
			{ 0, 0, 3, GEN_CONTIG, 0 }, { 0, 0, 5, GEN_CONTIG, 0 },
			{ 1, 0, 3, GEN_CONTIG, 0 }, { 1, 0, 4, GEN_CONTIG, 0 },
			{ 1, 0, 5, GEN_CONTIG, 0 }, { 1, 1, 4, GEN_CONTIG, 0 },
			{ 1, 1, 5, GEN_CONTIG, 0 }, { 1, 1, 4, GEN_SCATTER, 0 },
			{ 0, 0, 4, GEN_CONTIG, 1 }, { 1, 1, 4, GEN_CONTIG, 1 },
		};
		struct gen_cfg c = {
			.scalable = m[i].sm, .first_level = m[i].fl,
			.levels = m[i].lv, .layout = m[i].lay, .ndev = 4,
			.pages = matrix_pages, .shared = m[i].sh, .seed = 2 + i,
		};

		if (run_one(&c, ci ? 3 : 5, &mr))
			failures++;
		print_row(&mr);
		csv_row(f, "matrix", &mr);
		if (mr.ranges != mr.runs)
			bad_ranges++;
	}
	if (!ci) {
		static const struct { const char *name; bool mem1, noleaf, minvis; } v[] = {
			{ "as the kernel (5 old-RAM ranges, runs_add, visited 2^17)", 0, 0, 0 },
			{ "memmap with 1 old-RAM range", 1, 0, 0 },
			{ "visited set sized to the tree", 0, 0, 1 },
			{ "no leaf visitor (no range extraction)", 0, 1, 0 },
			{ "all three", 1, 1, 1 },
		};

		fprintf(stdout,
			"\nVariants of how the walker is called: M = 1 Mi pages, 1 device, leg-sl4, contig\n");
		printf("%-58s %10s %10s %6s %7s\n", "variant", "walk_ms",
		       "bound_ms", "ratio", "ns/ent");
		for (j = 0; j < 5; j++) {
			struct gen_cfg c = {
				.levels = 4, .layout = GEN_CONTIG, .ndev = 1,
				.pages = 1 << 20, .seed = 1,
			};

			v_mem1 = v[j].mem1;
			v_noleaf = v[j].noleaf;
			v_minvis = v[j].minvis;
			run_one(&c, 7, &mr);	/* ranges are 0 without a visitor */
			printf("%-58s %10.3f %10.3f %6.2f %7.2f\n", v[j].name,
			       mr.walk_ns / 1e6, mr.bound_ns / 1e6,
			       mr.walk_ns / mr.bound_ns, mr.walk_ns / mr.present);
			csv_row(f, "variant", &mr);
		}
		v_mem1 = false;
		v_noleaf = false;
		v_minvis = false;
	}
	if (f)
		fclose(f);
	printf("\nelapsed %.1f s\n\n", (now_ns() - t_start) / 1e9);

	/* make bench: the targets, for information; make bench-ci: the gate */
	if (!ci) {
		report(&st, bad_ranges, ratio_limit, lin_limit, lin_from,
		       "TARGET MET", "TARGET NOT MET");
		return failures ? 1 : 0;
	}
	failures += report(&st, bad_ranges, ratio_limit, lin_limit, lin_from,
			   "PASS", "FAIL");
	return failures ? 1 : 0;
}
