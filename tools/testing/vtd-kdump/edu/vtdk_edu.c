// SPDX-License-Identifier: GPL-2.0
/*
 * vtdk_edu - test module for QEMU's edu device (PCI 1234:11e8), used by the
 * vtd-kdump crash-capture harness (tools/testing/vtd-kdump/qemu).
 *
 * mode=primary  (crashing kernel) bind edu, map one page with the DMA API,
 *               prove one DMA round trip, then leave the page filled with OLD
 *               words and the device's internal buffer filled with STALE
 *               words; the mapping is kept for the crash.  Writing "leaf",
 *               "ctx", "ctxrsvd" or "loop" to the "corrupt" parameter damages
 *               the live VT-d tables that translate edu's DMA (S3).
 * mode=stale    (kdump kernel) no driver is bound and the DMA API is never
 *               used: only BAR0 is mapped and edu is told to DMA its buffer to
 *               old_iova, as a device that kept running would (S1, S3).
 * mode=idle     load only, for the did_scan parameter (below).
 * mode=driver   (kdump kernel) bind edu as a DMA-API driver (this attaches
 *               the device's DMA domain), map a NEW page, make edu DMA to
 *               old_iova again (S2), and then move NEWDMA words through the
 *               new IOVA (RAM -> edu -> RAM) to prove the new mapping works.
 *
 * In the kdump modes the module watches the pages where the stale DMA may
 * land (the old buffer at old_pa, the new buffer, the physical page equal to
 * old_iova if it is kdump RAM, and check_pa) and prints what it saw as
 * "VTDK-RESULT key=value" lines.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_REG_ID		0x00
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_CNT		0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_CMD_RUN		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)
#define EDU_BUF			0x40000
#define EDU_DMA_BITS		28	/* QEMU's default edu dma_mask */

/* QEMU 7.2 aborts on a transfer that reaches the end of edu's 4 KiB buffer. */
#define VTDK_XFER		2048
#define VTDK_WORDS		(VTDK_XFER / sizeof(u64))

/* Word i of a pattern is TAG | i; the tags are ASCII in the top bytes. */
#define PAT_OLD			0x4f4c444255460000ULL	/* "OLDBUF" */
#define PAT_STALE		0x5354414c45000000ULL	/* "STALE" */
#define PAT_NEW			0x4e45574255460000ULL	/* "NEWBUF" */
#define PAT_NEWDMA		0x4e4557444d410000ULL	/* "NEWDMA" */
#define PAT_IDX_MASK		0xffffULL

/* VT-d */
#define DMAR_RTADDR_REG		0x20
#define DMA_RTADDR_SMT		BIT_ULL(10)
#define DMAR_GSTS_REG		0x1c
#define DMA_GSTS_TES		BIT(31)
#define VTD_ADDR_MASK		GENMASK_ULL(51, 12)
#define VTD_SL_PRESENT		(BIT_ULL(0) | BIT_ULL(1))
#define VTD_PTE_LARGE		BIT_ULL(7)
#define VTD_PGTT_FL		1
#define VTD_PGTT_SL		2

static char *mode = "primary";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "primary | stale | driver | idle");

static unsigned int dma_bits = EDU_DMA_BITS;
module_param(dma_bits, uint, 0444);
MODULE_PARM_DESC(dma_bits, "DMA mask width; QEMU's edu must have a dma_mask to match");

static unsigned long old_iova;
module_param(old_iova, ulong, 0644);
MODULE_PARM_DESC(old_iova, "primary: IOVA of the mapped buffer (output); kdump: where to send the stale DMA");

static unsigned long old_pa;
module_param(old_pa, ulong, 0644);
MODULE_PARM_DESC(old_pa, "physical address of the primary's buffer");

static unsigned long check_pa;
module_param(check_pa, ulong, 0644);
MODULE_PARM_DESC(check_pa, "kdump: another physical page to watch (e.g. the S3a target)");

static unsigned long target_pa;
module_param(target_pa, ulong, 0644);
MODULE_PARM_DESC(target_pa, "primary: where corrupt=leaf points the leaf PTE");

static unsigned long leaf_table_pa;
module_param(leaf_table_pa, ulong, 0444);
MODULE_PARM_DESC(leaf_table_pa, "primary: the page table holding the leaf of old_iova (output)");

static unsigned long dmar_base;
module_param(dmar_base, ulong, 0644);
MODULE_PARM_DESC(dmar_base, "MMIO base of the IOMMU that translates edu (dmar0 in /proc/iomem)");

static unsigned long new_iova;
module_param(new_iova, ulong, 0444);
MODULE_PARM_DESC(new_iova, "driver mode: IOVA of the new buffer (output)");

struct vtdk {
	struct pci_dev *pdev;
	void __iomem *bar;
	struct page *page;
	u64 *buf;
	dma_addr_t iova;
};

static struct vtdk vtdk;

static void pat_fill(u64 *buf, u64 tag)
{
	unsigned int i;

	for (i = 0; i < VTDK_WORDS; i++)
		buf[i] = tag | i;
}

/* Name the content of the first VTDK_XFER bytes of @buf. */
static const char *pat_name(const u64 *buf)
{
	unsigned int i, old = 0, stale = 0, new = 0, newdma = 0, zero = 0;

	for (i = 0; i < VTDK_WORDS; i++) {
		u64 w = buf[i];

		if (w == (PAT_OLD | i))
			old++;
		else if (w == (PAT_STALE | i))
			stale++;
		else if (w == (PAT_NEW | i))
			new++;
		else if (w == (PAT_NEWDMA | i))
			newdma++;
		else if (!w)
			zero++;
	}
	if (stale == VTDK_WORDS)
		return "stale";
	if (old == VTDK_WORDS)
		return "old";
	if (new == VTDK_WORDS)
		return "new";
	if (newdma == VTDK_WORDS)
		return "newdma";
	if (zero == VTDK_WORDS)
		return "zero";
	if (stale)
		return "partly-stale";
	return "other";
}

static int edu_dma(void __iomem *bar, u64 src, u64 dst, bool to_ram)
{
	unsigned long timeout = jiffies + 5 * HZ;

	if (readl(bar + EDU_REG_DMA_CMD) & EDU_CMD_RUN)
		return -EBUSY;
	writeq(src, bar + EDU_REG_DMA_SRC);
	writeq(dst, bar + EDU_REG_DMA_DST);
	writeq(VTDK_XFER, bar + EDU_REG_DMA_CNT);
	writeq(EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0), bar + EDU_REG_DMA_CMD);
	/* edu completes DMA on a 100 ms virtual-clock timer */
	while (readl(bar + EDU_REG_DMA_CMD) & EDU_CMD_RUN) {
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		usleep_range(2000, 5000);
	}
	return 0;
}

/* A page the stale DMA may reach, read before and after it. */
struct vtdk_watch {
	const char *name;
	unsigned long pa;
	bool kdump_ram;
	const char *before;
	const char *after;
};

static const char *watch_read(struct vtdk_watch *w)
{
	const char *res;
	void *p;

	p = memremap(w->pa & PAGE_MASK, PAGE_SIZE, MEMREMAP_WB);
	if (!p)
		return "unmapped";
	res = pat_name(p);
	memunmap(p);
	return res;
}

/* Send edu's buffer to old_iova and report what changed where. */
static void vtdk_stale_dma(void __iomem *bar, const char *scen_mode)
{
	struct vtdk_watch w[3];
	unsigned int i, n = 0;
	int ret;

	if (old_pa)
		w[n++] = (struct vtdk_watch){ .name = "old_buf", .pa = old_pa };
	/* the IOVA used untranslated as a physical address */
	if (old_iova && old_iova != old_pa)
		w[n++] = (struct vtdk_watch){ .name = "iova_as_pa", .pa = old_iova };
	if (check_pa)
		w[n++] = (struct vtdk_watch){ .name = "check_pa", .pa = check_pa };

	for (i = 0; i < n; i++) {
		w[i].kdump_ram = page_is_ram(PHYS_PFN(w[i].pa));
		w[i].before = watch_read(&w[i]);
	}

	ret = edu_dma(bar, EDU_BUF, old_iova, true);
	pr_info("VTDK-RESULT role=kdump mode=%s stale_dma=%s old_iova=0x%lx\n",
		scen_mode, ret ? (ret == -ETIMEDOUT ? "timeout" : "busy") : "done",
		old_iova);
	/* let a DMAR fault interrupt be handled before the caller looks */
	msleep(200);

	for (i = 0; i < n; i++) {
		w[i].after = watch_read(&w[i]);
		pr_info("VTDK-RESULT watch=%s pa=0x%lx kdump_ram=%d before=%s after=%s\n",
			w[i].name, w[i].pa, w[i].kdump_ram, w[i].before,
			w[i].after);
	}
}

/* ---- VT-d table walk (primary only: the tables are in our own RAM) ---- */

struct vtdk_walk {
	bool sm;
	bool first_level;
	int levels;
	int leaf_level;
	u64 *ctx;		/* legacy: 2 words, scalable: 4 words */
	u64 *ctx_ptr;		/* the word holding the next-table pointer */
	u64 top_pa;
	u64 *pte[6];		/* pte[l]: entry for the IOVA at level l */
	u64 table_pa[6];
};

static u64 *vtdk_table(u64 pa)
{
	pa &= VTD_ADDR_MASK;
	if (!pa || !pfn_valid(PHYS_PFN(pa)) || !page_is_ram(PHYS_PFN(pa)))
		return NULL;
	return phys_to_virt(pa);
}

static int vtdk_walk(struct vtdk_walk *w, void __iomem *regs, unsigned long iova)
{
	struct pci_dev *pdev = vtdk.pdev;
	u8 bus = pdev->bus->number, devfn = pdev->devfn;
	u64 rtaddr, *root, *tbl, present;
	int lvl;

	memset(w, 0, sizeof(*w));
	rtaddr = readq(regs + DMAR_RTADDR_REG);
	w->sm = rtaddr & DMA_RTADDR_SMT;
	root = vtdk_table(rtaddr);
	if (!root)
		return -ENOENT;

	if (!w->sm) {
		tbl = (root[bus * 2] & 1) ? vtdk_table(root[bus * 2]) : NULL;
		if (!tbl)
			return -ENOENT;
		w->ctx = tbl + devfn * 2;
		if (!(w->ctx[0] & 1))
			return -ENOENT;
		if (((w->ctx[0] >> 2) & 3) == 2)
			return -EOPNOTSUPP;	/* pass-through */
		w->ctx_ptr = &w->ctx[0];
		w->top_pa = w->ctx[0] & VTD_ADDR_MASK;
		w->levels = (w->ctx[1] & 7) + 2;
	} else {
		u64 re = root[bus * 2 + (devfn >= 128)];
		u64 *pdir, *pte;
		unsigned int pgtt;

		tbl = (re & 1) ? vtdk_table(re) : NULL;
		if (!tbl)
			return -ENOENT;
		w->ctx = tbl + (devfn & 0x7f) * 4;
		if (!(w->ctx[0] & 1))
			return -ENOENT;
		w->ctx_ptr = &w->ctx[0];
		pdir = vtdk_table(w->ctx[0]);
		if (!pdir || !(pdir[0] & 1))
			return -ENOENT;
		pte = vtdk_table(pdir[0]);	/* PASID 0: entry 0 of table 0 */
		if (!pte || !(pte[0] & 1))
			return -ENOENT;
		pgtt = (pte[0] >> 6) & 7;
		if (pgtt == VTD_PGTT_SL) {
			w->top_pa = pte[0] & VTD_ADDR_MASK;
			w->levels = ((pte[0] >> 2) & 7) + 2;
		} else if (pgtt == VTD_PGTT_FL) {
			w->first_level = true;
			w->top_pa = pte[2] & VTD_ADDR_MASK;
			w->levels = ((pte[2] >> 2) & 3) ? 5 : 4;
		} else {
			return -EOPNOTSUPP;
		}
	}
	if (w->levels < 2 || w->levels > 5)
		return -EINVAL;

	present = w->first_level ? BIT_ULL(0) : VTD_SL_PRESENT;
	w->table_pa[w->levels] = w->top_pa;
	for (lvl = w->levels; lvl >= 1; lvl--) {
		unsigned int idx = (iova >> (12 + 9 * (lvl - 1))) & 0x1ff;
		u64 e;

		tbl = vtdk_table(w->table_pa[lvl]);
		if (!tbl)
			return -EFAULT;
		w->pte[lvl] = &tbl[idx];
		e = tbl[idx];
		if (!(e & present))
			return -ENOENT;
		if (lvl == 1 || (e & VTD_PTE_LARGE)) {
			w->leaf_level = lvl;
			return 0;
		}
		w->table_pa[lvl - 1] = e & VTD_ADDR_MASK;
	}
	return -EINVAL;
}

static void vtdk_set_entry(u64 *entry, u64 val, const char *what)
{
	u64 old = *entry;

	WRITE_ONCE(*entry, val);
	clflush_cache_range(entry, sizeof(*entry));
	pr_info("VTDK-RESULT corrupt=%s entry_pa=0x%llx old=0x%016llx new=0x%016llx\n",
		what, (u64)virt_to_phys(entry), old, val);
}

static int vtdk_corrupt(const char *how)
{
	struct vtdk_walk w;
	void __iomem *regs;
	int ret;

	if (!vtdk.pdev || !dmar_base || !old_iova)
		return -ENODEV;
	regs = ioremap(dmar_base, PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	ret = vtdk_walk(&w, regs, old_iova);
	iounmap(regs);
	if (ret) {
		pr_info("VTDK-RESULT corrupt=%s walk_error=%d\n", how, ret);
		return ret;
	}

	if (!strcmp(how, "leaf")) {
		/* (a) old IOVA -> a page of the crash kernel region */
		if (!target_pa || w.leaf_level != 1)
			return -EINVAL;
		vtdk_set_entry(w.pte[1], (target_pa & VTD_ADDR_MASK) |
			       (*w.pte[1] & ~VTD_ADDR_MASK), how);
	} else if (!strcmp(how, "tableleaf")) {
		/*
		 * (d) old IOVA -> the page table that holds its own leaf: the
		 * device's DMA to the old IOVA rewrites its page table
		 */
		if (w.leaf_level != 1)
			return -EINVAL;
		vtdk_set_entry(w.pte[1], (w.table_pa[1] & VTD_ADDR_MASK) |
			       (*w.pte[1] & ~VTD_ADDR_MASK), how);
	} else if (!strcmp(how, "ctx")) {
		/* (b) table pointer of the context entry -> MMIO space */
		vtdk_set_entry(w.ctx_ptr, (dmar_base & VTD_ADDR_MASK) |
			       (*w.ctx_ptr & ~VTD_ADDR_MASK), how);
	} else if (!strcmp(how, "ctxrsvd")) {
		/* (b') reserved bits of the context entry */
		if (!w.sm)
			vtdk_set_entry(&w.ctx[0], w.ctx[0] | GENMASK_ULL(11, 4), how);
		vtdk_set_entry(&w.ctx[1], w.ctx[1] | GENMASK_ULL(63, 60), how);
	} else if (!strcmp(how, "loop")) {
		/* (c) the top-level entry for the IOVA points to its own table */
		vtdk_set_entry(w.pte[w.levels], w.table_pa[w.levels] |
			       (*w.pte[w.levels] & ~VTD_ADDR_MASK), how);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int corrupt_set(const char *val, const struct kernel_param *kp)
{
	char how[16];

	strscpy(how, val, sizeof(how));
	strim(how);
	return vtdk_corrupt(how);
}

static const struct kernel_param_ops corrupt_ops = {
	.set = corrupt_set,
};

module_param_cb(corrupt, &corrupt_ops, NULL, 0200);
MODULE_PARM_DESC(corrupt, "primary: write leaf|tableleaf|ctx|ctxrsvd|loop to damage edu's live VT-d tables");

/*
 * ---- domain ids of the live tables (kdump kernel) ----
 *
 * The VT-d spec expects entries that share a domain id to share their
 * translation structures (the IOTLB is tagged by domain id).  Walk the
 * tables the hardware uses now (DMAR_RTADDR_REG: the kdump kernel's root
 * table, its context tables and whatever they point to, old memory
 * included) and count the domain ids used with two different page tables.
 */

#define VTDK_DID_MAX		65536
#define VTDK_PT_MARK		1ULL	/* "pass-through": no table */
#define SM_CTX_PER_TABLE	128
#define SM_PASID_TABLE_SHIFT	6

struct vtdk_did_scan {
	u64 *root_of;		/* [did]: table it translates with, or 0 */
	u16 *owner;		/* [did]: first bus << 8 | devfn seen with it */
	unsigned int entries;
	unsigned int conflicts;
	char first[64];
};

static void vtdk_did_note(struct vtdk_did_scan *sc, u16 did, u64 table,
			  u8 bus, u8 devfn)
{
	sc->entries++;
	if (!sc->root_of[did]) {
		sc->root_of[did] = table;
		sc->owner[did] = bus << 8 | devfn;
		return;
	}
	if (sc->root_of[did] == table)
		return;
	if (!sc->conflicts++)
		snprintf(sc->first, sizeof(sc->first),
			 "%u:%02x:%02x.%d/%02x:%02x.%d", did,
			 sc->owner[did] >> 8, PCI_SLOT(sc->owner[did] & 0xff),
			 PCI_FUNC(sc->owner[did] & 0xff), bus, PCI_SLOT(devfn),
			 PCI_FUNC(devfn));
}

/* One qword of a table at physical address @pa (any memory) */
static bool vtdk_read_qwords(u64 pa, unsigned int idx, u64 *out,
			     unsigned int n)
{
	u64 *t = memremap(pa & VTD_ADDR_MASK, PAGE_SIZE, MEMREMAP_WB);
	unsigned int i;

	if (!t)
		return false;
	for (i = 0; i < n; i++)
		out[i] = READ_ONCE(t[idx + i]);
	memunmap(t);
	return true;
}

/* Scalable mode: the RID_PASID entry behind context entry @ce */
static void vtdk_did_sm(struct vtdk_did_scan *sc, const u64 *ce, u8 bus,
			u8 devfn)
{
	u32 rid_pasid = ce[1] & GENMASK_ULL(19, 0);
	u64 pde, pe[4], table;
	unsigned int pgtt;

	if (!vtdk_read_qwords(ce[0], rid_pasid >> SM_PASID_TABLE_SHIFT, &pde, 1) ||
	    !(pde & 1))
		return;
	if (!vtdk_read_qwords(pde, (rid_pasid & GENMASK(5, 0)) * 8, pe, 4) ||
	    !(pe[0] & 1))
		return;
	pgtt = (pe[0] >> 6) & 7;
	if (pgtt == VTD_PGTT_FL)
		table = pe[2] & VTD_ADDR_MASK;
	else if (pgtt == VTD_PGTT_SL)
		table = pe[0] & VTD_ADDR_MASK;
	else
		table = VTDK_PT_MARK;
	vtdk_did_note(sc, pe[1] & 0xffff, table, bus, devfn);
}

static void vtdk_did_bus(struct vtdk_did_scan *sc, bool sm, u64 ctp, u8 bus,
			 unsigned int first_devfn)
{
	unsigned int n = sm ? SM_CTX_PER_TABLE : 256, words = sm ? 4 : 2, i;
	u64 ce[4];

	for (i = 0; i < n; i++) {
		u8 devfn = first_devfn + i;

		if (!vtdk_read_qwords(ctp, i * words, ce, words) || !(ce[0] & 1))
			continue;
		if (sm) {
			vtdk_did_sm(sc, ce, bus, devfn);
			continue;
		}
		vtdk_did_note(sc, (ce[1] >> 8) & 0xffff,
			      ((ce[0] >> 2) & 3) == 2 ? VTDK_PT_MARK :
			      ce[0] & VTD_ADDR_MASK, bus, devfn);
	}
}

static int vtdk_did_scan(void)
{
	struct vtdk_did_scan sc = {};
	void __iomem *regs;
	u64 rtaddr, re[2];
	unsigned int bus;
	u32 gsts;
	bool sm;

	if (!dmar_base)
		return -ENODEV;
	regs = ioremap(dmar_base, PAGE_SIZE);
	if (!regs)
		return -ENOMEM;
	rtaddr = readq(regs + DMAR_RTADDR_REG);
	gsts = readl(regs + DMAR_GSTS_REG);
	iounmap(regs);
	if (!(gsts & DMA_GSTS_TES)) {
		/* no translation, no tables: nothing can share a domain id */
		pr_info("VTDK-RESULT did_scan=off did_entries=0 did_conflicts=0\n");
		return 0;
	}
	sm = rtaddr & DMA_RTADDR_SMT;
	sc.root_of = vzalloc(VTDK_DID_MAX * sizeof(*sc.root_of));
	sc.owner = vzalloc(VTDK_DID_MAX * sizeof(*sc.owner));
	if (!sc.root_of || !sc.owner)
		goto out;
	for (bus = 0; bus < 256; bus++) {
		if (!vtdk_read_qwords(rtaddr, bus * 2, re, 2))
			continue;
		if (re[0] & 1)
			vtdk_did_bus(&sc, sm, re[0], bus, 0);
		if (sm && (re[1] & 1))
			vtdk_did_bus(&sc, sm, re[1], bus, SM_CTX_PER_TABLE);
	}
	pr_info("VTDK-RESULT did_scan=ok sm=%d did_entries=%u did_conflicts=%u did_first_conflict=%s\n",
		sm, sc.entries, sc.conflicts, sc.conflicts ? sc.first : "-");
out:
	vfree(sc.root_of);
	vfree(sc.owner);
	return 0;
}

static int did_scan_set(const char *val, const struct kernel_param *kp)
{
	return vtdk_did_scan();
}

static const struct kernel_param_ops did_scan_ops = {
	.set = did_scan_set,
};

module_param_cb(did_scan, &did_scan_ops, NULL, 0200);
MODULE_PARM_DESC(did_scan, "write 1: report domain ids that the live tables use with two page tables");

/* ---- roles ---- */

static int vtdk_primary(struct vtdk *v)
{
	struct device *dev = &v->pdev->dev;
	struct vtdk_walk w;
	const char *rt;
	int ret;

	/* RAM -> edu: STALE words into the device's buffer */
	pat_fill(v->buf, PAT_STALE);
	dma_sync_single_for_device(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ret = edu_dma(v->bar, v->iova, EDU_BUF, false);
	if (ret)
		goto out;
	/* edu -> RAM: read them back into a cleared page */
	memset(v->buf, 0, PAGE_SIZE);
	dma_sync_single_for_device(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ret = edu_dma(v->bar, EDU_BUF, v->iova, true);
	if (ret)
		goto out;
	dma_sync_single_for_cpu(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	rt = pat_name(v->buf);
	/* the buffer now holds OLD words, the device STALE ones */
	pat_fill(v->buf, PAT_OLD);
	dma_sync_single_for_device(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);

	old_iova = v->iova;
	old_pa = page_to_phys(v->page);
	pr_info("VTDK-RESULT role=primary bdf=%s roundtrip=%s old_iova=0x%lx old_pa=0x%lx\n",
		pci_name(v->pdev), strcmp(rt, "stale") ? rt : "ok", old_iova,
		old_pa);

	if (dmar_base) {
		void __iomem *regs = ioremap(dmar_base, PAGE_SIZE);

		if (regs) {
			ret = vtdk_walk(&w, regs, old_iova);
			iounmap(regs);
			if (!ret && w.leaf_level == 1)
				leaf_table_pa = w.table_pa[1];
			if (ret)
				pr_info("VTDK-RESULT walk_error=%d\n", ret);
			else
				pr_info("VTDK-RESULT walk=ok sm=%d first_level=%d levels=%d leaf_level=%d leaf=0x%llx leaf_matches_pa=%d\n",
					w.sm, w.first_level, w.levels,
					w.leaf_level, *w.pte[w.leaf_level],
					w.leaf_level == 1 &&
					(*w.pte[1] & VTD_ADDR_MASK) == old_pa);
		}
	}
	return 0;
out:
	pr_info("VTDK-RESULT role=primary roundtrip=dma-error-%d\n", ret);
	return ret;
}

/*
 * Driver mode, after the stale DMA: NEWDMA words from the second half of the
 * new page into edu's buffer (RAM -> edu) and back into the first half
 * (edu -> RAM), both through the new IOVA.  Each transfer is VTDK_XFER bytes.
 */
static void vtdk_new_dma(struct vtdk *v)
{
	struct device *dev = &v->pdev->dev;
	u64 *src = v->buf + VTDK_WORDS;
	const char *got = "-";
	int ret;

	memset(v->buf, 0, VTDK_XFER);
	pat_fill(src, PAT_NEWDMA);
	dma_sync_single_for_device(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ret = edu_dma(v->bar, v->iova + VTDK_XFER, EDU_BUF, false);
	if (!ret)
		ret = edu_dma(v->bar, EDU_BUF, v->iova, true);
	dma_sync_single_for_cpu(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	if (!ret)
		got = pat_name(v->buf);
	pr_info("VTDK-RESULT role=kdump mode=driver new_dma=%s new_dma_got=%s new_iova=0x%llx\n",
		ret ? (ret == -ETIMEDOUT ? "timeout" : "bad") :
		(strcmp(got, "newdma") ? "bad" : "ok"), got, (u64)v->iova);
}

static int vtdk_kdump_driver(struct vtdk *v)
{
	struct device *dev = &v->pdev->dev;
	const char *before;

	pat_fill(v->buf, PAT_NEW);
	dma_sync_single_for_device(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	new_iova = v->iova;
	pr_info("VTDK-RESULT role=kdump mode=driver new_iova=0x%llx new_pa=0x%llx iova_reused=%d\n",
		(u64)v->iova, (u64)page_to_phys(v->page), v->iova == old_iova);

	dma_sync_single_for_cpu(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	before = pat_name(v->buf);
	vtdk_stale_dma(v->bar, "driver");

	dma_sync_single_for_cpu(dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	pr_info("VTDK-RESULT watch=new_buf pa=0x%llx kdump_ram=1 before=%s after=%s\n",
		(u64)page_to_phys(v->page), before, pat_name(v->buf));

	/* only now: the NEWDMA words overwrite the STALE ones in edu */
	vtdk_new_dma(v);
	return 0;
}

static int vtdk_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vtdk *v = &vtdk;
	int ret;

	if (v->pdev)
		return -EBUSY;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(dma_bits));
	if (ret)
		goto err_disable;
	v->bar = pci_iomap(pdev, 0, 0);
	if (!v->bar) {
		ret = -ENOMEM;
		goto err_disable;
	}
	v->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!v->page) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	v->buf = page_address(v->page);
	v->iova = dma_map_page(&pdev->dev, v->page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ret = dma_mapping_error(&pdev->dev, v->iova);
	if (ret) {
		pr_info("VTDK-RESULT role=%s map_error=%d\n", mode, ret);
		goto err_free;
	}
	v->pdev = pdev;

	if (!strcmp(mode, "driver"))
		ret = vtdk_kdump_driver(v);
	else
		ret = vtdk_primary(v);
	/* keep the mapping and the page whatever happened: it is evidence */
	return 0;

err_free:
	__free_page(v->page);
err_unmap:
	pci_iounmap(pdev, v->bar);
err_disable:
	pci_disable_device(pdev);
	return ret;
}

static void vtdk_remove(struct pci_dev *pdev)
{
	struct vtdk *v = &vtdk;

	dma_unmap_page(&pdev->dev, v->iova, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(v->page);
	pci_iounmap(pdev, v->bar);
	pci_disable_device(pdev);
	v->pdev = NULL;
}

static const struct pci_device_id vtdk_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vtdk_ids);

static struct pci_driver vtdk_driver = {
	.name = "vtdk_edu",
	.id_table = vtdk_ids,
	.probe = vtdk_probe,
	.remove = vtdk_remove,
};

static bool vtdk_registered;

/* mode=stale: no driver, no DMA API; config space and BAR0 only. */
static int vtdk_stale(void)
{
	struct pci_dev *pdev;
	void __iomem *bar;
	u16 cmd;

	pdev = pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
	if (!pdev) {
		pr_info("VTDK-RESULT role=kdump mode=stale error=no-edu\n");
		return -ENODEV;
	}
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	pr_info("VTDK-RESULT role=kdump mode=stale bdf=%s bound=%s pci_cmd=0x%x\n",
		pci_name(pdev), pdev->driver ? pdev->driver->name : "none", cmd);
	pci_write_config_word(pdev, PCI_COMMAND,
			      cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	bar = ioremap(pci_resource_start(pdev, 0), PAGE_SIZE);
	if (!bar) {
		pci_dev_put(pdev);
		return -ENOMEM;
	}
	vtdk_stale_dma(bar, "stale");
	iounmap(bar);
	pci_dev_put(pdev);
	return 0;
}

static int __init vtdk_init(void)
{
	int ret;

	if (!strcmp(mode, "stale"))
		return vtdk_stale();
	/* nothing but the did_scan parameter (scenarios without edu's DMA) */
	if (!strcmp(mode, "idle"))
		return 0;
	if (strcmp(mode, "primary") && strcmp(mode, "driver"))
		return -EINVAL;
	ret = pci_register_driver(&vtdk_driver);
	if (!ret)
		vtdk_registered = true;
	return ret;
}

static void __exit vtdk_exit(void)
{
	if (vtdk_registered)
		pci_unregister_driver(&vtdk_driver);
}

module_init(vtdk_init);
module_exit(vtdk_exit);

MODULE_DESCRIPTION("vtd-kdump test driver for QEMU's edu device");
MODULE_LICENSE("GPL");
