// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the VT-d kdump walker.
 *
 * Input: an 8-byte header (capabilities, root page, budget, visited-set
 * order) followed by 12-byte writes into a zeroed old memory of
 * FUZZ_PAGES pages laid out as in kdump_walk_test.h (old RAM with a
 * kdump-RAM hole, data RAM, kdump data RAM and MMIO around it):
 *
 *   u8 op;  u8 page;  le16 qword;  le64 value
 *
 * op bit 0 turns the value into a pointer to buffer page (value % pages)
 * keeping the value's low 12 bits, bit 1 then also keeps its bits 63:52;
 * that lets the fuzzer build linked tables without guessing addresses.
 *
 * Every property of kdump_walk_test.h is checked (only old RAM mapped,
 * views released, leaves only into old RAM, ascending, coalesced, budget
 * respected); a violation aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdump_walk_test.h"

#define FUZZ_PAGES		16
#define FUZZ_HDR		8
#define FUZZ_REC		12
#define FUZZ_MAX_DEVS		1024	/* total work bound per input */

struct fuzz_ctx {
	struct vtd_kt_run run;
	unsigned int devs;
};

static u8 buf[FUZZ_PAGES * VTD_KDUMP_PAGE_SIZE];
static struct fuzz_ctx fc;

static u64 le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void fuzz_hw(struct vtd_kdump_hw *hw, const u8 *h)
{
	memset(hw, 0, sizeof(*hw));
	hw->scalable = h[0] & 1;
	hw->sllps = (h[0] >> 1) & 3;
	hw->fl1gp = h[0] & 8;
	hw->fl5lp = h[0] & 16;
	hw->pass_through = h[0] & 32;
	hw->dev_iotlb = h[0] & 64;
	hw->pasid_bits = (h[0] & 128) ? 20 : 0;
	hw->sagaw = h[1] & 0xf;
	hw->haw = 30 + (h[1] >> 4);	/* 30..45: some buffer pages beyond */
	hw->ndoms = 1U << (h[2] % 17);
}

static int fuzz_dev_cb(void *arg, struct vtd_kdump_dev *dev)
{
	struct fuzz_ctx *f = arg;

	if (++f->devs > FUZZ_MAX_DEVS)
		return -E2BIG;
	return vtd_kt_dev_cb(&f->run, dev);
}

/* the libFuzzer entry point, under a name that is not CamelCase */
int vtd_fuzz_one_input(const u8 *data, size_t size) __asm__("LLVMFuzzerTestOneInput");

int vtd_fuzz_one_input(const u8 *data, size_t size)
{
	struct vtd_kt_run *r = &fc.run;
	struct vtd_kdump_hw hw;
	struct vtd_kt_mem m;
	u64 root;
	size_t off;

	if (size < FUZZ_HDR)
		return 0;
	vtd_kt_mem_init(&m, buf, FUZZ_PAGES);
	vtd_kt_mem_add_data(&m);
	fuzz_hw(&hw, data);
	root = vtd_kt_page_phys(&m, data[3] % FUZZ_PAGES);

	for (off = FUZZ_HDR; off + FUZZ_REC <= size; off += FUZZ_REC) {
		const u8 *rec = data + off;
		unsigned int pg = rec[1] % FUZZ_PAGES;
		unsigned int q = (rec[2] | rec[3] << 8) %
				 (VTD_KDUMP_PAGE_SIZE / sizeof(u64));
		u64 v = le64(rec + 4);
		u64 *p = (u64 *)(buf + pg * VTD_KDUMP_PAGE_SIZE) + q;

		if (rec[0] & 1) {
			u64 keep = (v & ~VTD_KDUMP_ADDR_MASK) |
				   ((rec[0] & 2) ? v & GENMASK_ULL(63, 52) : 0);

			v = vtd_kt_page_phys(&m, (v >> 12) % FUZZ_PAGES) | keep;
		}
		*p = v;
	}

	vtd_kt_run_init(r, &m, &hw);
	fc.devs = 0;
	r->w.budget = 1 + data[4] % 64;
	r->visited.order = 1 + data[5] % VTD_KT_VISITED_ORDER;
	r->abort_after = (data[6] & 0x80) ? data[6] & 0x7f : -1;

	r->root_ret = vtd_kdump_walk_root(&r->w, root, fuzz_dev_cb, &fc);
	if (m.nr_live)
		vtd_kt_fail(r, "mappings left after walk_root", m.nr_live, 0);
	if (m.violations)
		vtd_kt_fail(r, m.why, m.violations, 0);
	if (r->root_ret && r->root_ret != -EINVAL && r->root_ret != -ENOMEM &&
	    r->root_ret != -E2BIG)
		vtd_kt_fail(r, "odd walk_root return", r->root_ret, 0);
	if (r->failures) {
		fprintf(stderr, "property violated: %s\n", r->why);
		abort();
	}
	return 0;
}
