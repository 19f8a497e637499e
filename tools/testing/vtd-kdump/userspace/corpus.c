// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds for the fuzz target (fuzz.c), written to the directory given as
 * the only argument:
 *
 *  - gen-*: small trees from the benchmark's generator (gen.c) in every
 *    format (legacy SL 3/4/5, scalable SL 3/4/5 and FL 4/5) and layout
 *    (4 KiB runs, scattered pages, 2 MiB and 1 GiB runs), one or two
 *    devices, translated into fuzz.c's input: gen's table pages become
 *    buffer pages (skipping the kdump hole), pointers to them become
 *    pointer records, leaves into gen's target RAM are moved into the fuzz
 *    world's old RAM at [4G, 6G).  Both modes (walk, identity check).
 *  - id-*: identity maps of the fuzz world's kdump RAM ([6G, 6G + 256M)
 *    in 2 MiB or 1 GiB leaves, the buffer's kdump hole in 4 KiB leaves),
 *    second and first level, for the identity check; with a read-only
 *    leaf, a hole, an alias, as variants.
 *
 * Writes nothing that the fuzzer could not build itself: only the start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bits.h>
#include <linux/kernel.h>

#include "gen.h"

#define PG		4096ULL
#define FUZZ_PAGES	16
#define FUZZ_BASE	0x10000000ULL		/* fuzz.c: VTD_KT_BASE */
#define FUZZ_HOLE	10			/* first kdump page (16 - 4 - 2) */
#define FUZZ_HOLE_PAGES	4
#define FUZZ_DATA	0x100000000ULL		/* old RAM [4G, 6G) */
#define FUZZ_DATA_SIZE	0x80000000ULL
#define FUZZ_KDUMP	0x180000000ULL		/* kdump RAM, 256 MiB */
#define FUZZ_KDUMP_SIZE	0x10000000ULL
#define GEN_TARGET	0x10000000000ULL	/* gen.c: leaf targets */
#define ADDR		GENMASK_ULL(51, 12)
#define MAX_INPUT	65536
#define FUZZ_USABLE	(FUZZ_PAGES - FUZZ_HOLE_PAGES)

struct input {
	u8 b[MAX_INPUT];
	size_t len;
	bool full;
};

static const char *dir;
static unsigned int written;

static void hdr(struct input *in, bool scalable, unsigned int mode)
{
	/* all capabilities, HAW 45, CAP.ND 2^16, budget 64, visited 2^10 */
	in->b[0] = 0xfe | scalable;
	in->b[1] = 0xfe;
	in->b[2] = 16;
	in->b[3] = 0;		/* root: buffer page 0 */
	in->b[4] = 63;
	in->b[5] = 9;
	in->b[6] = 0;		/* the visitor never stops the walk */
	in->b[7] = mode;
	in->len = 8;
	in->full = false;
}

static void rec(struct input *in, u8 op, unsigned int page, unsigned int q,
		u64 v)
{
	u8 *r = in->b + in->len;
	int i;

	if (in->len + 12 > MAX_INPUT) {
		in->full = true;
		return;
	}
	r[0] = op;
	r[1] = page;
	r[2] = q & 0xff;
	r[3] = q >> 8;
	for (i = 0; i < 8; i++)
		r[4 + i] = v >> (8 * i);
	in->len += 12;
}

/* A pointer record: the value's low 12 and top 12 bits, buffer page @to */
static void ptr(struct input *in, unsigned int page, unsigned int q,
		unsigned int to, u64 flags)
{
	rec(in, 3, page, q, (flags & ~ADDR) | (u64)to << 12);
}

static void save(const struct input *in, const char *name)
{
	char path[512];
	FILE *f;

	if (in->full)
		return;
	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(in->b, 1, in->len, f) != in->len || fclose(f)) {
		perror(path);
		exit(1);
	}
	written++;
}

/* gen page @i -> fuzz buffer page, around the kdump hole */
static unsigned int fuzz_page(u64 i)
{
	return i < FUZZ_HOLE ? i : i + FUZZ_HOLE_PAGES;
}

static bool from_gen(const struct gen_cfg *cfg, unsigned int mode,
		     const char *name)
{
	static struct input in;
	struct gen_world g;
	u64 p;
	unsigned int q;

	if (gen_build(&g, cfg))
		return false;
	if (g.used_pages > FUZZ_USABLE) {
		gen_free(&g);
		return false;
	}
	hdr(&in, cfg->scalable, mode);
	for (p = 0; p < g.used_pages; p++) {
		const u64 *t = gen_va(&g, g.base + p * PG);

		for (q = 0; q < PG / 8; q++) {
			u64 v = t[q], a = v & ADDR;

			if (!v)
				continue;
			if (a >= g.base && a < g.base + g.used_pages * PG)
				ptr(&in, fuzz_page(p), q,
				    fuzz_page((a - g.base) / PG), v);
			else if (a >= GEN_TARGET)
				rec(&in, 0, fuzz_page(p), q, (v & ~ADDR) |
				    (FUZZ_DATA + (a - GEN_TARGET) % FUZZ_DATA_SIZE));
			else
				rec(&in, 0, fuzz_page(p), q, v);
		}
	}
	gen_free(&g);
	save(&in, name);
	return !in.full;
}

static const u64 seed_pages[] = { 16, 300, 1200 };

/* Both modes, one or two devices, of one format, layout and size */
static void gen_variants(bool sm, bool fl, unsigned int levels,
			 enum gen_layout l, unsigned int n)
{
	/* the number of leaves, whatever their size */
	unsigned int order = l == GEN_2M ? 9 : l == GEN_1G ? 18 : 0;
	/* walk, check; other memory maps (fuzz.c FUZZ_MAP_*) */
	static const unsigned int modes[] = { 0, 1, 0x30, 0xc1 };
	unsigned int d, i, mode;
	char name[64];

	for (d = 1; d <= 2; d++) {
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			mode = modes[i];
			struct gen_cfg c = {
				.scalable = sm, .first_level = fl,
				.levels = levels, .layout = l, .ndev = d,
				.pages = seed_pages[n] << order, .avg_run = 32,
				.seed = levels * 100 + l * 10 + n,
			};

			snprintf(name, sizeof(name), "gen-%s%s%u-%s-%llu-%ud-%02x",
				 sm ? "sm-" : "leg-", fl ? "fl" : "sl", levels,
				 gen_layout_name(l),
				 (unsigned long long)seed_pages[n], d, mode);
			from_gen(&c, mode, name);
		}
	}
}

static void gen_seeds(void)
{
	static const struct { bool sm, fl; unsigned int levels; } fmts[] = {
		{ false, false, 3 }, { false, false, 4 }, { false, false, 5 },
		{ true, false, 3 }, { true, false, 4 }, { true, false, 5 },
		{ true, true, 4 }, { true, true, 5 },
	};
	unsigned int f, l, n;

	for (f = 0; f < ARRAY_SIZE(fmts); f++)
		for (l = 0; l < GEN_NR_LAYOUTS; l++)
			for (n = 0; n < ARRAY_SIZE(seed_pages); n++)
				gen_variants(fmts[f].sm, fmts[f].fl,
					     fmts[f].levels, l, n);
}

/*
 * Identity map for the identity check: root (page 0), a context table
 * (page 1; scalable: PASID directory 2 and table 3), then a 4-level tree.
 * Device 00:01.0 on bus 0.
 */
enum id_twist {
	ID_PLAIN, ID_1G, ID_RO, ID_HOLE, ID_ALIAS,
	ID_KEYID,	/* the alias through a KeyID: CPU width 33, HAW 45 */
	ID_NOUS,	/* one 2 MiB leaf with U/S (first level) clear */
	ID_NR
};

static void id_seed(bool fl, enum id_twist t, unsigned int want)
{
	static const char * const names[ID_NR] = {
		"2m", "1g", "ro", "hole", "alias", "keyid", "nous",
	};
	static struct input in;
	unsigned int next, l4, l3, l2, l2lo, l1, i;
	u64 tbl = fl ? 0x27 : 0x3;		/* FL: P RW US A; SL: R W */
	u64 leaf = fl ? 0x67 : 0x803;		/* FL: + D; SL: + SNP */
	u64 ps = BIT_ULL(7), a;
	char name[64];

	hdr(&in, fl, 1 | want << 2);
	if (t == ID_KEYID)
		in.b[3] = 0xc0;		/* root page 0, CPU width 33 */
	if (!fl) {
		/* root entry bus 0 -> page 1; context 00:01.0: SL, AW 2 */
		ptr(&in, 0, 0, 1, 1);
		ptr(&in, 1, 8 * 2, 4, 1);
		rec(&in, 0, 1, 8 * 2 + 1, 2 | 5 << 8);
		next = 4;
	} else {
		/* scalable: context 00:01.0 -> PASID directory 2, table 3 */
		ptr(&in, 0, 0, 1, 1);
		ptr(&in, 1, 8 * 4, 2, 1);
		ptr(&in, 2, 0, 3, 1);
		/* RID_PASID 0: FL only, FLPM 4-level, DID 5 */
		rec(&in, 0, 3, 0, 1 | 1 << 6);
		rec(&in, 0, 3, 1, 5);
		ptr(&in, 3, 2, 4, 0);
		next = 4;
	}
	l4 = next++;
	l3 = next++;
	l2 = next++;
	l2lo = next++;
	l1 = next++;
	ptr(&in, l4, 0, l3, tbl);
	/* [6G, 7G): L3 entry 6 */
	if (t == ID_1G) {
		rec(&in, 0, l3, 6, FUZZ_KDUMP | leaf | ps);
	} else {
		ptr(&in, l3, 6, l2, tbl);
		for (i = 0; i < FUZZ_KDUMP_SIZE >> 21; i++) {
			u64 e = (FUZZ_KDUMP + ((u64)i << 21)) | leaf | ps;

			if (t == ID_HOLE && i == 32)
				continue;
			if (t == ID_RO && i == 7)
				e &= ~2ULL;	/* SL: W; FL: R/W */
			if (t == ID_NOUS && i == 9)
				e &= ~4ULL;	/* FL: U/S; SL: ignored */
			rec(&in, 0, l2, i, e);
		}
	}
	/* the buffer's kdump hole, 4 KiB identity leaves: L3 0, L2 128 */
	ptr(&in, l3, 0, l2lo, tbl);
	ptr(&in, l2lo, FUZZ_BASE >> 21, l1, tbl);
	for (i = 0; i < FUZZ_HOLE_PAGES; i++) {
		a = FUZZ_BASE + (u64)(FUZZ_HOLE + i) * PG;
		ptr(&in, l1, (a >> 12) & 511, FUZZ_HOLE + i, leaf);
	}
	/* an old buffer in old RAM, and with ID_ALIAS one into kdump RAM */
	ptr(&in, l1, 0, 9, leaf);
	a = t == ID_ALIAS ? FUZZ_KDUMP + PG :
	    t == ID_KEYID ? (FUZZ_KDUMP + PG) | BIT_ULL(40) : FUZZ_DATA;
	rec(&in, 0, l1, 1, a | leaf);
	snprintf(name, sizeof(name), "id-%s-%s-w%u", fl ? "fl4" : "sl4",
		 names[t], want);
	save(&in, name);
}

/*
 * Runs of leaves that cross what the walker's run fast path must notice:
 * 4 KiB leaves from old RAM into kdump RAM at 6G, over the buffer's pages
 * across its kdump hole, and 2 MiB leaves over [5G - 4M, 5G + 4M) (the
 * split of two adjacent old-RAM ranges; kdump RAM at 5G with FUZZ_MAP
 * bit 2).  Legacy SL4, device 00:01.0.
 */
static void run_seed(unsigned int mode)
{
	static struct input in;
	u64 leaf = 0x803, tbl = 0x3, ps = BIT_ULL(7);
	char name[64];
	unsigned int i;

	hdr(&in, false, mode);
	ptr(&in, 0, 0, 1, 1);
	ptr(&in, 1, 8 * 2, 2, 1);
	rec(&in, 0, 1, 8 * 2 + 1, 2 | 5 << 8);
	/* not page 3: kdump RAM with FUZZ_MAP bit 2 */
	ptr(&in, 2, 0, 8, tbl);			/* L4 -> L3 (page 8) */
	ptr(&in, 8, 0, 4, tbl);			/* L3 0 -> L2 (page 4) */
	ptr(&in, 4, 0, 5, tbl);			/* L2 0 -> L1 (page 5) */
	ptr(&in, 4, 1, 6, tbl);			/* L2 1 -> L1 (page 6) */
	for (i = 0; i < 512; i++)		/* [6G - 1M, 6G + 1M) */
		rec(&in, 0, 5, i, (FUZZ_KDUMP - 0x100000 + i * PG) | leaf);
	for (i = 0; i < FUZZ_PAGES; i++)	/* the buffer, hole and all */
		ptr(&in, 6, 100 + i, i, leaf);
	ptr(&in, 8, 4, 7, tbl);			/* L3 4 -> L2 (page 7) */
	for (i = 0; i < 4; i++)
		rec(&in, 0, 7, 510 + i, (FUZZ_DATA + 0x40000000 - 0x400000 +
					 i * 0x200000ULL) | leaf | ps);
	snprintf(name, sizeof(name), "run-sl4-%02x", mode);
	save(&in, name);
}

int main(int argc, char **argv)
{
	unsigned int t, want;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	gen_seeds();
	run_seed(0);
	run_seed(2);
	run_seed(0x40);
	run_seed(0xf2);
	run_seed(0xf1);
	for (t = 0; t < ID_NR; t++)
		for (want = 0; want < 4; want++) {
			id_seed(false, t, want);
			id_seed(true, t, want);
		}
	printf("%u seeds in %s\n", written, dir);
	return 0;
}
