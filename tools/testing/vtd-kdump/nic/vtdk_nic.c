// SPDX-License-Identifier: GPL-2.0
/*
 * vtdk_nic - test module for QEMU's e1000 (PCI 8086:100e), scenario W of the
 * vtd-kdump crash-capture harness (tools/testing/vtd-kdump/qemu): device DMA
 * that keeps going, at a known rate, across every window of a crash capture.
 * The host sends numbered frames (qemu/wtraffic.py) to the NIC's UDP socket
 * backend the whole time; each frame the NIC receives is one DMA write of its
 * data into the buffer of the next receive descriptor and one write-back of
 * that descriptor's status.
 *
 * mode=primary  (crashing kernel) bind the e1000 as a DMA-API driver, give
 *               it a ring of ndesc receive descriptors and one physically
 *               contiguous area of ndesc 256-byte buffers, both mapped with
 *               dma_map_page(), and enable reception; the old addresses are
 *               reported (and are parameters, for the kdump command line).
 *               Writing to the "snap" parameter reports the ring head: init
 *               does it just before the panic.
 * mode=kdump    (kdump kernel) first the NIC as a device nobody drives: no
 *               driver, no DMA API, only its registers and the old ring and
 *               buffers read through their old physical addresses (the stale
 *               read).  After pre_attach_ms it is bound as a DMA-API driver
 *               (the attach) that maps a new ring and new buffers the way the
 *               primary did, the buffers filled with a pattern and the ring
 *               pointing at them, without reprogramming the NIC: it still
 *               uses the old ring IOVA (skew=N: N pages are mapped first, so
 *               that an allocator that starts afresh does not hand the old
 *               ring IOVA out again; new_buf_ro=1: the new buffers are
 *               mapped for the device to read only).  After post_attach_ms a
 *               "nic=drain"
 *               line tells the host to stop sending, and drain_ms later the
 *               NIC is stopped (receive off, bus mastering off) and every
 *               descriptor it consumed is reported: the frame landed in the
 *               old buffer, in the new buffer of that index, or nowhere (the
 *               DMA faulted or went elsewhere), as runs of
 *               "VTDK-RESULT nic_run=" lines.  A frame the NIC could not put
 *               into any descriptor (the ring full, or every descriptor read
 *               faulting: QEMU's e1000 then walks the whole ring and drops
 *               the frame) is not consumed; it counts in MPC.
 *
 * QEMU's e1000 does not implement CTRL.RST (the bit only clears itself), so
 * "reset" here is what stops a real NIC's DMA as well: receive disabled and
 * bus mastering off; CTRL.RST is written too.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#define NIC_VENDOR		0x8086
#define NIC_DEVICE		0x100e	/* 82540EM, QEMU's "e1000" */

/* e1000 registers (8254x software developer's manual) */
#define E1000_CTRL		0x0000
#define E1000_CTRL_RST		BIT(26)
#define E1000_STATUS		0x0008
#define E1000_IMC		0x00d8
#define E1000_RCTL		0x0100
#define E1000_RDBAL		0x2800
#define E1000_RDBAH		0x2804
#define E1000_RDLEN		0x2808
#define E1000_RDH		0x2810
#define E1000_RDT		0x2818
#define E1000_RDTR		0x2820
#define E1000_RADV		0x282c
#define E1000_MPC		0x4010	/* missed packets: no free descriptor */
#define E1000_TPR		0x40d0	/* total packets received (clear on read) */

#define RCTL_EN			BIT(1)
#define RCTL_UPE		BIT(3)
#define RCTL_MPE		BIT(4)
#define RCTL_BAM		BIT(15)
#define RCTL_SZ_256		(3U << 16)
#define RCTL_SECRC		BIT(26)

#define RXD_STAT_DD		BIT(0)

#define NIC_BUFSZ		256	/* RCTL_SZ_256 */
#define NIC_DESC_SIZE		16
/* QEMU's e1000 takes RDLEN & 0xfff80 */
#define NIC_MAX_DESC		(0xfff80 / NIC_DESC_SIZE)

/* The host's frames (wtraffic.py): tag, sequence number, send time */
#define W_TAG			"VTDKWIN1"
#define W_TAG_OFF		14
#define W_SEQ_OFF		22
#define W_TIME_OFF		26
/* what the kdump driver writes into its new buffers first */
#define W_NEW_FILL		0xa5
#define W_MAX_RUNS		64

struct nic_rx_desc {
	__le64 addr;
	__le16 length;
	__le16 csum;
	u8 status;
	u8 errors;
	__le16 special;
};

static char *mode = "primary";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "primary | kdump");

static unsigned int ndesc = 4096;
module_param(ndesc, uint, 0444);
MODULE_PARM_DESC(ndesc, "receive descriptors (a power of two, 8 to 4096)");

static unsigned long ring_pa;
module_param(ring_pa, ulong, 0644);
MODULE_PARM_DESC(ring_pa, "physical address of the primary's ring (primary: output)");

static unsigned long ring_iova;
module_param(ring_iova, ulong, 0644);
MODULE_PARM_DESC(ring_iova, "IOVA of the primary's ring (primary: output)");

static unsigned long buf_pa;
module_param(buf_pa, ulong, 0644);
MODULE_PARM_DESC(buf_pa, "physical address of the primary's buffers (primary: output)");

static unsigned long buf_iova;
module_param(buf_iova, ulong, 0644);
MODULE_PARM_DESC(buf_iova, "IOVA of the primary's buffers (primary: output)");

static unsigned int pre_attach_ms = 1000;
module_param(pre_attach_ms, uint, 0444);
MODULE_PARM_DESC(pre_attach_ms, "kdump: time between the stale read and the attach");

static unsigned int post_attach_ms = 1000;
module_param(post_attach_ms, uint, 0444);
MODULE_PARM_DESC(post_attach_ms, "kdump: time between the attach and the reset");

static unsigned int drain_ms = 250;
module_param(drain_ms, uint, 0444);
MODULE_PARM_DESC(drain_ms, "kdump: time between the drain line (the host stops sending) and the reset");

static unsigned int skew;
module_param(skew, uint, 0444);
MODULE_PARM_DESC(skew, "kdump: pages the driver maps before its ring (0: the primary's layout)");

static bool new_buf_ro;
module_param(new_buf_ro, bool, 0444);
MODULE_PARM_DESC(new_buf_ro, "kdump: map the new buffers DMA_TO_DEVICE (the NIC may only read them)");

struct vtdk_nic {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct page *ring_page;
	struct page *buf_page;
	struct page *skew_page;
	dma_addr_t ring_dma;
	dma_addr_t buf_dma;
	dma_addr_t skew_dma;
	size_t ring_size;
	size_t buf_size;
	size_t skew_size;
	enum dma_data_direction buf_dir;
	bool ring_mapped;
	bool buf_mapped;
	bool skew_mapped;
};

static struct vtdk_nic nic;

static u32 nic_rd(u32 reg)
{
	return readl(nic.regs + reg);
}

static void nic_wr(u32 reg, u32 val)
{
	writel(val, nic.regs + reg);
}

/* The frame in @buf, if it is one of the host's: its sequence number. */
static bool w_frame(const u8 *buf, u32 *seq)
{
	if (memcmp(buf + W_TAG_OFF, W_TAG, sizeof(W_TAG) - 1))
		return false;
	*seq = get_unaligned_le32(buf + W_SEQ_OFF);
	return true;
}

/*
 * The ring and the buffers, allocated and mapped the same way in both
 * kernels (ring first, then buffers, same sizes), so that an IOVA allocator
 * that starts afresh hands out the same IOVAs again; @skew_pages mapped
 * first shift that layout.  The buffers are filled with @fill before they
 * are mapped.  The first mapping of the kdump kernel is where the core
 * attaches the device's DMA domain.
 */
static int nic_alloc_map(struct vtdk_nic *n, int fill, unsigned int skew_pages,
			 enum dma_data_direction buf_dir)
{
	struct device *dev = &n->pdev->dev;
	int ret;

	n->ring_size = (size_t)ndesc * NIC_DESC_SIZE;
	n->buf_size = (size_t)ndesc * NIC_BUFSZ;
	n->skew_size = (size_t)skew_pages * PAGE_SIZE;
	n->ring_page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
				   get_order(n->ring_size));
	n->buf_page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
				  get_order(n->buf_size));
	if (skew_pages)
		n->skew_page = alloc_pages(GFP_KERNEL | __GFP_ZERO,
					   get_order(n->skew_size));
	if (!n->ring_page || !n->buf_page || (skew_pages && !n->skew_page))
		return -ENOMEM;
	if (fill >= 0)
		memset(page_address(n->buf_page), fill, n->buf_size);

	if (skew_pages) {
		n->skew_dma = dma_map_page(dev, n->skew_page, 0, n->skew_size,
					   DMA_BIDIRECTIONAL);
		ret = dma_mapping_error(dev, n->skew_dma);
		if (ret)
			return ret;
		n->skew_mapped = true;
	}
	n->ring_dma = dma_map_page(dev, n->ring_page, 0, n->ring_size,
				   DMA_BIDIRECTIONAL);
	ret = dma_mapping_error(dev, n->ring_dma);
	if (ret)
		return ret;
	n->ring_mapped = true;
	n->buf_dir = buf_dir;
	n->buf_dma = dma_map_page(dev, n->buf_page, 0, n->buf_size, buf_dir);
	ret = dma_mapping_error(dev, n->buf_dma);
	if (ret)
		return ret;
	n->buf_mapped = true;
	return 0;
}

/* Descriptor i of the ring at @ring points at buffer i from @bufs on. */
static void nic_fill_ring(struct nic_rx_desc *ring, dma_addr_t bufs)
{
	unsigned int i;

	for (i = 0; i < ndesc; i++) {
		ring[i] = (struct nic_rx_desc){
			.addr = cpu_to_le64(bufs + (u64)i * NIC_BUFSZ),
		};
	}
	wmb();	/* descriptors before the device may read them */
}

static void nic_free(struct vtdk_nic *n)
{
	struct device *dev = &n->pdev->dev;

	if (n->buf_mapped)
		dma_unmap_page(dev, n->buf_dma, n->buf_size, n->buf_dir);
	if (n->ring_mapped)
		dma_unmap_page(dev, n->ring_dma, n->ring_size,
			       DMA_BIDIRECTIONAL);
	if (n->skew_mapped)
		dma_unmap_page(dev, n->skew_dma, n->skew_size,
			       DMA_BIDIRECTIONAL);
	if (n->skew_page)
		__free_pages(n->skew_page, get_order(n->skew_size));
	if (n->buf_page)
		__free_pages(n->buf_page, get_order(n->buf_size));
	if (n->ring_page)
		__free_pages(n->ring_page, get_order(n->ring_size));
	n->buf_mapped = false;
	n->ring_mapped = false;
	n->skew_mapped = false;
	n->buf_page = NULL;
	n->ring_page = NULL;
	n->skew_page = NULL;
}

/* Receive on: every frame, 256-byte buffers, no interrupts, no CRC. */
static void nic_start_rx(struct vtdk_nic *n)
{
	nic_wr(E1000_IMC, 0xffffffff);
	nic_wr(E1000_RCTL, 0);
	nic_wr(E1000_RDBAL, lower_32_bits(n->ring_dma));
	nic_wr(E1000_RDBAH, upper_32_bits(n->ring_dma));
	nic_wr(E1000_RDLEN, n->ring_size);
	nic_wr(E1000_RDH, 0);
	nic_wr(E1000_RDT, ndesc - 1);
	nic_wr(E1000_RDTR, 0);
	nic_wr(E1000_RADV, 0);
	nic_wr(E1000_RCTL, RCTL_EN | RCTL_UPE | RCTL_MPE | RCTL_BAM |
	       RCTL_SZ_256 | RCTL_SECRC);
	/*
	 * QEMU's e1000 takes no frame for one second (virtual clock) after an
	 * RCTL write (its flush_queue_timer): start the host's traffic after
	 * that, so that none of it waits in the host's socket buffer.
	 */
	msleep(1100);
}

static int vtdk_nic_primary(struct vtdk_nic *n)
{
	int ret;

	ret = nic_alloc_map(n, -1, 0, DMA_FROM_DEVICE);
	if (ret)
		return ret;
	nic_fill_ring(page_address(n->ring_page), n->buf_dma);
	nic_start_rx(n);

	ring_pa = page_to_phys(n->ring_page);
	ring_iova = n->ring_dma;
	buf_pa = page_to_phys(n->buf_page);
	buf_iova = n->buf_dma;
	pr_info("VTDK-RESULT role=primary nic=rx-on bdf=%s ndesc=%u bufsz=%u ring_pa=0x%lx ring_iova=0x%lx buf_pa=0x%lx buf_iova=0x%lx rdh=%u rctl=0x%x status=0x%x\n",
		pci_name(n->pdev), ndesc, NIC_BUFSZ, ring_pa, ring_iova,
		buf_pa, buf_iova, nic_rd(E1000_RDH), nic_rd(E1000_RCTL),
		nic_rd(E1000_STATUS));
	return 0;
}

/* ---- kdump kernel ---- */

enum w_where { W_NONE, W_OLD, W_NEW };
static const char * const w_where_name[] = { "none", "old", "new" };

struct w_desc {
	u8 where;
	u32 seq;
};

/* what became of each descriptor's frame (ndesc <= 4096) */
static struct w_desc w_descs[4096];

/* a consistent view of the old ring: the crashed kernel's memory */
struct w_old {
	struct nic_rx_desc *ring;
	u8 *bufs;
};

static int w_old_map(struct w_old *o)
{
	o->ring = memremap(ring_pa, (size_t)ndesc * NIC_DESC_SIZE,
			   MEMREMAP_WB);
	o->bufs = memremap(buf_pa, (size_t)ndesc * NIC_BUFSZ, MEMREMAP_WB);
	if (o->ring && o->bufs)
		return 0;
	if (o->ring)
		memunmap(o->ring);
	if (o->bufs)
		memunmap(o->bufs);
	return -ENOMEM;
}

static void w_old_unmap(struct w_old *o)
{
	memunmap(o->ring);
	memunmap(o->bufs);
}

/* Did descriptor i of the old ring receive a frame (status and data)? */
static bool w_old_landed(struct w_old *o, unsigned int i, u32 *seq,
			 bool *dd)
{
	*dd = READ_ONCE(o->ring[i].status) & RXD_STAT_DD;
	return w_frame(o->bufs + (size_t)i * NIC_BUFSZ, seq) && *dd;
}

static unsigned int rdh_stale, rdh_attach, rdh_attached, rdh_stop;

/* The NIC as a device nobody drives: registers and the old memory only. */
static int w_stale_read(struct w_old *o)
{
	unsigned int i, landed = 0;
	u32 seq, first = 0, last = 0;
	bool dd;
	u16 cmd;

	pci_read_config_word(nic.pdev, PCI_COMMAND, &cmd);
	rdh_stale = nic_rd(E1000_RDH);
	for (i = 0; i < rdh_stale && i < ndesc; i++) {
		if (!w_old_landed(o, i, &seq, &dd))
			continue;
		if (!landed++)
			first = seq;
		last = seq;
	}
	pr_info("VTDK-RESULT role=kdump nic=stale bdf=%s bound=%s pci_cmd=0x%x rctl=0x%x status=0x%x rdba=0x%x%08x rdlen=%u rdh=%u rdt=%u landed_old=%u seq=%u-%u\n",
		pci_name(nic.pdev),
		nic.pdev->driver ? nic.pdev->driver->name : "none", cmd,
		nic_rd(E1000_RCTL), nic_rd(E1000_STATUS), nic_rd(E1000_RDBAH),
		nic_rd(E1000_RDBAL), nic_rd(E1000_RDLEN), rdh_stale,
		nic_rd(E1000_RDT), landed, first, last);
	return 0;
}

static int vtdk_nic_kdump_probe(struct vtdk_nic *n)
{
	int ret;

	rdh_attach = nic_rd(E1000_RDH);
	pr_info("VTDK-RESULT role=kdump nic=attach rdh=%u\n", rdh_attach);
	/* the first DMA-API mapping: the device's domain is attached here */
	ret = nic_alloc_map(n, W_NEW_FILL, skew,
			    new_buf_ro ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	if (ret) {
		pr_info("VTDK-RESULT role=kdump nic=attach-error err=%d\n", ret);
		return ret;
	}
	nic_fill_ring(page_address(n->ring_page), n->buf_dma);
	rdh_attached = nic_rd(E1000_RDH);
	pr_info("VTDK-RESULT role=kdump nic=attached rdh=%u new_ring_iova=0x%llx new_buf_iova=0x%llx ring_iova_reused=%d buf_iova_reused=%d skew=%u skew_iova=0x%llx\n",
		rdh_attached, (u64)n->ring_dma, (u64)n->buf_dma,
		n->ring_dma == ring_iova, n->buf_dma == buf_iova, skew,
		(u64)n->skew_dma);
	return 0;
}

/*
 * Print the consumed descriptors as runs of one outcome and consecutive
 * sequence numbers.
 */
static void w_print_runs(const struct w_desc *d, unsigned int n)
{
	unsigned int i = 0, j, runs = 0;

	while (i < n && runs < W_MAX_RUNS) {
		for (j = i + 1; j < n && d[j].where == d[i].where; j++)
			if (d[i].where != W_NONE && d[j].seq != d[j - 1].seq + 1)
				break;
		if (d[i].where == W_NONE)
			pr_info("VTDK-RESULT nic_run=none desc=%u-%u\n", i,
				j - 1);
		else
			pr_info("VTDK-RESULT nic_run=%s desc=%u-%u seq=%u-%u\n",
				w_where_name[d[i].where], i, j - 1, d[i].seq,
				d[j - 1].seq);
		runs++;
		i = j;
	}
	if (i < n)
		pr_info("VTDK-RESULT nic_runs_truncated=%u\n", n - i);
}

/* Where did each frame the NIC consumed go? */
static void w_report(struct w_old *o, unsigned int mpc, unsigned int tpr)
{
	const u8 *newbufs = nic.buf_page ? page_address(nic.buf_page) : NULL;
	const struct nic_rx_desc *newring = nic.ring_page ?
		page_address(nic.ring_page) : NULL;
	unsigned int i, n = min(rdh_stop, ndesc);
	unsigned int cnt[3] = { 0 }, old_dd_only = 0, old_data_only = 0;
	unsigned int both = 0, new_dd = 0, beyond = 0;
	struct w_desc *d = w_descs;
	u32 seq, nseq;
	bool dd;

	for (i = 0; i < ndesc; i++) {
		bool old = w_old_landed(o, i, &seq, &dd);
		bool in_new = newbufs &&
			w_frame(newbufs + (size_t)i * NIC_BUFSZ, &nseq);

		if (newring && (READ_ONCE(newring[i].status) & RXD_STAT_DD))
			new_dd++;
		if (i >= n) {
			beyond += old || in_new;
			continue;
		}
		if (!old && dd)
			old_dd_only++;
		if (!old && !dd && w_frame(o->bufs + (size_t)i * NIC_BUFSZ,
					   &seq))
			old_data_only++;
		if (old && in_new)
			both++;
		d[i].where = old ? W_OLD : in_new ? W_NEW : W_NONE;
		d[i].seq = old ? seq : in_new ? nseq : 0;
		cnt[d[i].where]++;
	}
	pr_info("VTDK-RESULT role=kdump nic=report consumed=%u landed_old=%u landed_new=%u lost=%u old_dd_only=%u old_data_only=%u both=%u new_ring_dd=%u beyond=%u mpc=%u tpr=%u rdh_stale=%u rdh_attach=%u rdh_attached=%u rdh_stop=%u\n",
		n, cnt[W_OLD], cnt[W_NEW], cnt[W_NONE], old_dd_only,
		old_data_only, both, new_dd, beyond, mpc, tpr, rdh_stale,
		rdh_attach, rdh_attached, rdh_stop);
	w_print_runs(d, n);
}

/* ---- the PCI driver: the primary's, and the kdump kernel's attach ---- */

static int vtdk_nic_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vtdk_nic *n = &nic;
	bool primary = !strcmp(mode, "primary");
	int ret;

	if (n->pdev && n->pdev != pdev)
		return -EBUSY;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_disable;
	n->pdev = pdev;
	if (primary) {
		n->regs = pci_iomap(pdev, 0, 0);
		if (!n->regs) {
			ret = -ENOMEM;
			goto err_disable;
		}
		ret = vtdk_nic_primary(n);
	} else {
		ret = vtdk_nic_kdump_probe(n);
	}
	if (ret)
		goto err_free;
	return 0;

err_free:
	nic_free(n);
	if (primary) {
		pci_iounmap(pdev, n->regs);
		n->regs = NULL;
	}
err_disable:
	pci_disable_device(pdev);
	if (primary)
		n->pdev = NULL;
	pr_info("VTDK-RESULT role=%s nic=probe-error err=%d\n", mode, ret);
	return ret;
}

static void vtdk_nic_remove(struct pci_dev *pdev)
{
	nic_wr(E1000_RCTL, 0);
	pci_clear_master(pdev);
	nic_free(&nic);
	pci_disable_device(pdev);
}

static const struct pci_device_id vtdk_nic_ids[] = {
	{ PCI_DEVICE(NIC_VENDOR, NIC_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vtdk_nic_ids);

static struct pci_driver vtdk_nic_driver = {
	.name = "vtdk_nic",
	.id_table = vtdk_nic_ids,
	.probe = vtdk_nic_probe,
	.remove = vtdk_nic_remove,
};

static bool vtdk_nic_registered;

static int snap_set(const char *val, const struct kernel_param *kp)
{
	if (!nic.regs)
		return -ENODEV;
	pr_info("VTDK-RESULT role=primary nic=snap rdh=%u\n", nic_rd(E1000_RDH));
	return 0;
}

static const struct kernel_param_ops snap_ops = {
	.set = snap_set,
};

module_param_cb(snap, &snap_ops, NULL, 0200);
MODULE_PARM_DESC(snap, "primary: write anything to report the ring head");

/*
 * mode=kdump: the stale read, the attach, the stop and the report.  The
 * module stays loaded with the new mappings in place.
 */
static int vtdk_nic_kdump(void)
{
	struct pci_dev *pdev;
	struct w_old o;
	unsigned int mpc, tpr;
	int ret;

	if (!ring_pa || !buf_pa || !ndesc) {
		pr_info("VTDK-ERROR role=kdump nic=no-old-ring\n");
		return -EINVAL;
	}
	pdev = pci_get_device(NIC_VENDOR, NIC_DEVICE, NULL);
	if (!pdev) {
		pr_info("VTDK-ERROR role=kdump nic=no-device\n");
		return -ENODEV;
	}
	nic.pdev = pdev;
	nic.regs = ioremap(pci_resource_start(pdev, 0),
			   pci_resource_len(pdev, 0));
	ret = -ENOMEM;
	if (!nic.regs)
		goto out_put;
	if (w_old_map(&o))
		goto out_unmap;

	w_stale_read(&o);
	msleep(pre_attach_ms);

	ret = pci_register_driver(&vtdk_nic_driver);
	if (ret) {
		pr_info("VTDK-ERROR role=kdump nic=register-error err=%d\n", ret);
		goto out_old;
	}
	vtdk_nic_registered = true;
	if (!nic.ring_mapped)
		pr_info("VTDK-ERROR role=kdump nic=not-attached\n");
	msleep(post_attach_ms);
	/* the host sends no more from this line on; what is on its way lands */
	pr_info("VTDK-RESULT role=kdump nic=drain rdh=%u\n", nic_rd(E1000_RDH));
	msleep(drain_ms);

	/* stop the NIC's DMA: receive off, reset, bus mastering off */
	nic_wr(E1000_RCTL, 0);
	nic_wr(E1000_CTRL, nic_rd(E1000_CTRL) | E1000_CTRL_RST);
	pci_clear_master(pdev);
	rdh_stop = nic_rd(E1000_RDH);
	mpc = nic_rd(E1000_MPC);
	tpr = nic_rd(E1000_TPR);
	pr_info("VTDK-RESULT role=kdump nic=reset rdh=%u\n", rdh_stop);
	w_report(&o, mpc, tpr);
	ret = 0;
out_old:
	w_old_unmap(&o);
out_unmap:
	if (ret) {
		iounmap(nic.regs);
		nic.regs = NULL;
	}
out_put:
	if (ret) {
		nic.pdev = NULL;
		pci_dev_put(pdev);
	}
	return ret;
}

static int __init vtdk_nic_init(void)
{
	int ret;

	if (!is_power_of_2(ndesc) || ndesc < 8 || ndesc > 4096)
		return -EINVAL;
	if (!strcmp(mode, "kdump"))
		return vtdk_nic_kdump();
	if (strcmp(mode, "primary"))
		return -EINVAL;
	ret = pci_register_driver(&vtdk_nic_driver);
	if (!ret)
		vtdk_nic_registered = true;
	return ret;
}

static void __exit vtdk_nic_exit(void)
{
	if (vtdk_nic_registered)
		pci_unregister_driver(&vtdk_nic_driver);
	if (!strcmp(mode, "kdump") && nic.pdev) {
		iounmap(nic.regs);
		pci_dev_put(nic.pdev);
	}
}

module_init(vtdk_nic_init);
module_exit(vtdk_nic_exit);

MODULE_DESCRIPTION("vtd-kdump test driver for QEMU's e1000: DMA across every window of a crash capture");
MODULE_LICENSE("GPL");
