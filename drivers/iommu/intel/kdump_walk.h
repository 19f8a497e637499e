/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validating walker for the VT-d translation tables that a crashed kernel
 * left behind.
 *
 * Everything here is pure table logic: old memory is reached only through
 * struct vtd_kdump_ops, so the same source builds into the kernel, into
 * KUnit and into the userspace harness in tools/testing/vtd-kdump/.  Every
 * field read from old memory is untrusted: it is read once, checked against
 * the memory map and against what the VT-d specification lets the hardware
 * translate, and only the checked copy is used.
 *
 * Not checked, because the IOMMU does not fault on it or the walker is not
 * told the capability that decides: XD in first-level entries (execute
 * requests only); domain id 0 with CAP.CM set (9.3: software must not use
 * it, the hardware does not refuse it); PASID-entry fields reserved only
 * without a capability the walker is not given (SSADE, SRE, WPE, EAFE, the
 * memory-type fields, RID_PRIV without ECAP.RPRIVS).
 */
#ifndef _INTEL_IOMMU_KDUMP_WALK_H
#define _INTEL_IOMMU_KDUMP_WALK_H

#include <linux/bits.h>
#include <linux/types.h>

#define VTD_KDUMP_PAGE_SHIFT		12
#define VTD_KDUMP_PAGE_SIZE		BIT_ULL(VTD_KDUMP_PAGE_SHIFT)
#define VTD_KDUMP_ADDR_MASK		GENMASK_ULL(63, VTD_KDUMP_PAGE_SHIFT)
#define VTD_KDUMP_LEVEL_STRIDE		9
#define VTD_KDUMP_PTES_PER_TABLE	BIT(VTD_KDUMP_LEVEL_STRIDE)

/*
 * Root-table entry (VT-d spec 9.1) and scalable-mode root entry (9.2).  In
 * legacy mode the upper qword is reserved; in scalable mode the lower qword
 * (LP, LCTP) points to the context table for devfn 0-127 and the upper
 * qword (UP, UCTP), with the same layout, to the one for devfn 128-255.
 */
#define VTD_RE_P			BIT_ULL(0)	/* present (SM: LP / UP) */
#define VTD_RE_RSVD			GENMASK_ULL(11, 1)
#define VTD_RE_CTP			GENMASK_ULL(63, 12)
#define VTD_ROOT_ENTRIES		256

/* Legacy context entry (9.3) */
#define VTD_CE_LO_P			BIT_ULL(0)
#define VTD_CE_LO_FPD			BIT_ULL(1)
#define VTD_CE_LO_TT			GENMASK_ULL(3, 2)
#define VTD_CE_LO_RSVD			GENMASK_ULL(11, 4)
#define VTD_CE_LO_SLPTPTR		GENMASK_ULL(63, 12)
#define VTD_CE_HI_AW			GENMASK_ULL(2, 0)
#define VTD_CE_HI_AVAIL			GENMASK_ULL(6, 3)
#define VTD_CE_HI_RSVD			(BIT_ULL(7) | GENMASK_ULL(63, 24))
#define VTD_CE_HI_DID			GENMASK_ULL(23, 8)
#define VTD_CE_TT_MULTI_LEVEL		0
#define VTD_CE_TT_DEV_IOTLB		1
#define VTD_CE_TT_PASS_THROUGH		2
#define VTD_AW_LEVEL_BIAS		2	/* AW value + 2 = table levels */
#define VTD_CONTEXT_ENTRIES		256

/* Scalable-mode context entry (9.4), 256 bits */
#define VTD_SMCE_LO_P			BIT_ULL(0)
#define VTD_SMCE_LO_FPD			BIT_ULL(1)
#define VTD_SMCE_LO_DTE			BIT_ULL(2)
#define VTD_SMCE_LO_PASIDE		BIT_ULL(3)
#define VTD_SMCE_LO_PRE			BIT_ULL(4)
#define VTD_SMCE_LO_RSVD		GENMASK_ULL(8, 5)
#define VTD_SMCE_LO_PDTS		GENMASK_ULL(11, 9)
#define VTD_SMCE_LO_PASIDDIRPTR		GENMASK_ULL(63, 12)
#define VTD_SMCE_HI_RID_PASID		GENMASK_ULL(19, 0)
#define VTD_SMCE_HI_RID_PRIV		BIT_ULL(20)	/* requests-without-PASID */
#define VTD_SMCE_HI_RSVD		GENMASK_ULL(63, 21)
#define VTD_SM_CONTEXT_ENTRIES		128	/* per 4 KiB table; two per bus */
#define VTD_SMCE_QWORDS			4
#define VTD_PASID_DIR_SHIFT		7	/* directory size: 2^(PDTS + 7) */

/* Scalable-mode PASID directory entry (9.5) and PASID table entry (9.6) */
#define VTD_PDE_P			BIT_ULL(0)
#define VTD_PDE_FPD			BIT_ULL(1)
#define VTD_PDE_RSVD			GENMASK_ULL(11, 2)
#define VTD_PDE_SMPTBLPTR		GENMASK_ULL(63, 12)
#define VTD_PASID_TABLE_SHIFT		6	/* 64 entries of 64 bytes */
#define VTD_PASID_TABLE_ENTRIES		BIT(VTD_PASID_TABLE_SHIFT)
#define VTD_PE0_P			BIT_ULL(0)
#define VTD_PE0_FPD			BIT_ULL(1)
#define VTD_PE0_AW			GENMASK_ULL(4, 2)
#define VTD_PE0_PGTT			GENMASK_ULL(8, 6)
#define VTD_PE0_RSVD			GENMASK_ULL(11, 10)
#define VTD_PE0_SSPTPTR			GENMASK_ULL(63, 12)
#define VTD_PE_QWORDS			8	/* 512-bit entry */
#define VTD_PE_FIRST_RSVD_QWORD		3	/* bits 511:192 are reserved */
#define VTD_PE1_DID			GENMASK_ULL(15, 0)
#define VTD_PE1_RSVD			GENMASK_ULL(22, 16)
#define VTD_PE1_PWSNP			BIT_ULL(23)	/* page-walk snoop */
/* Qword 2 holds the first-stage fields: used with PGTT first-stage only */
#define VTD_PE2_SRE			BIT_ULL(0)
#define VTD_PE2_FLPM			GENMASK_ULL(3, 2)
#define VTD_PE2_WPE			BIT_ULL(4)
#define VTD_PE2_RSVD			GENMASK_ULL(11, 8)
#define VTD_PE2_FSPTPTR			GENMASK_ULL(63, 12)
#define VTD_PGTT_FL_ONLY		1
#define VTD_PGTT_SL_ONLY		2
#define VTD_PGTT_NESTED			3
#define VTD_PGTT_PT			4
#define VTD_FLPM_4LEVEL			0
#define VTD_FLPM_5LEVEL			1

/* Second-level paging entries (9.8) */
#define VTD_SL_R			BIT_ULL(0)
#define VTD_SL_W			BIT_ULL(1)
#define VTD_SL_PS			BIT_ULL(7)
#define VTD_SL_ADDR			GENMASK_ULL(51, 12)

/*
 * First-level paging entries (9.7): the x86 paging format.  Bits 62:52 are
 * ignored; XD (bit 63) only restricts execute requests, which a device's
 * DMA is not: the walker ignores it too (see vtd_kdump_walk_dev()).
 */
#define VTD_FL_P			BIT_ULL(0)
#define VTD_FL_RW			BIT_ULL(1)
#define VTD_FL_US			BIT_ULL(2)	/* user-mode access */
#define VTD_FL_PS			BIT_ULL(7)
#define VTD_FL_PAT_LARGE		BIT_ULL(12)	/* PAT bit of a 2M/1G leaf */
#define VTD_FL_ADDR			GENMASK_ULL(51, 12)

/* CAP.SAGAW bits: which second-level table depths the IOMMU walks */
#define VTD_SAGAW_3LEVEL		BIT(1)	/* 39-bit AGAW */
#define VTD_SAGAW_4LEVEL		BIT(2)	/* 48-bit AGAW */
#define VTD_SAGAW_5LEVEL		BIT(3)	/* 57-bit AGAW */
/* CAP.SLLPS bits: second-level superpage sizes */
#define VTD_SLLPS_2M			BIT(0)
#define VTD_SLLPS_1G			BIT(1)
/* Address fields end at bit 51; a host address width is 13..52 bits */
#define VTD_KDUMP_MAX_HAW		52

/* Why an entry, a pointer or a whole walk was refused */
enum vtd_kdump_reason {
	VTD_KDUMP_OK = 0,
	VTD_KDUMP_ROOT_PTR,		/* root table not in old RAM */
	VTD_KDUMP_ROOT_RSVD,		/* root entry reserved bits set */
	VTD_KDUMP_CTX_PTR,		/* context table not in old RAM */
	VTD_KDUMP_CTX_RSVD,		/* context entry reserved bits set */
	VTD_KDUMP_CTX_TT,		/* unknown or unsupported translation type */
	VTD_KDUMP_CTX_AW,		/* address width not in CAP.SAGAW */
	VTD_KDUMP_CTX_DID,		/* domain id >= CAP.ND */
	VTD_KDUMP_PASID_DIR_PTR,	/* PASID directory not in old RAM */
	VTD_KDUMP_PASID_DIR_RSVD,
	VTD_KDUMP_PASID_RANGE,		/* RID_PASID beyond the directory */
	VTD_KDUMP_PASID_TBL_PTR,
	VTD_KDUMP_PASID_ENTRY_RSVD,
	/* unknown, nested or unsupported PGTT; first-stage with RID_PRIV */
	VTD_KDUMP_PASID_PGTT,
	/* SM: a PASID entry's DID >= CAP.ND is CTX_DID, its AW is CTX_AW */
	VTD_KDUMP_PASID_FLPM,		/* first-level paging mode unsupported */
	VTD_KDUMP_PGTABLE_PTR,		/* page-table page not in old RAM */
	VTD_KDUMP_PGTABLE_KDUMP,	/* page-table page in kdump memory */
	VTD_KDUMP_PGTABLE_RSVD,		/* non-leaf entry reserved bits set */
	VTD_KDUMP_PGTABLE_REVISIT,	/* table page reached twice: loop or alias */
	VTD_KDUMP_BUDGET,		/* walk budget exhausted */
	VTD_KDUMP_LEAF_RSVD,		/* leaf reserved bits or misalignment */
	VTD_KDUMP_LEAF_KDUMP,		/* leaf maps kdump-kernel memory */
	VTD_KDUMP_LEAF_NOT_RAM,		/* leaf maps neither old RAM nor kdump RAM */
	VTD_KDUMP_MAP_FAILED,		/* ops->map() failed */
	VTD_KDUMP_IOVA_RANGE,		/* first-level upper (kernel) half */
	VTD_KDUMP_VISIT_ABORTED,	/* the leaf visitor returned an error */
	VTD_KDUMP_LEAF_PRIV,		/* first level: U/S clear, user DMA faults */
	VTD_KDUMP_LEAF_TABLE,		/* leaf maps an IOMMU table page */
	VTD_KDUMP_NR_REASONS,
};

/* What an old physical range is, as far as the kdump kernel can tell */
enum vtd_kdump_mem {
	VTD_KDUMP_MEM_OLD_RAM,		/* entirely inside the crashed kernel's RAM */
	VTD_KDUMP_MEM_KDUMP,		/* overlaps memory the kdump kernel owns */
	VTD_KDUMP_MEM_OTHER,		/* MMIO, firmware, holes, or straddling */
};

struct vtd_kdump_range {
	u64 start;
	u64 end;			/* inclusive */
};

/* Memory map of the two kernels: sorted, non-overlapping ranges */
struct vtd_kdump_memmap {
	const struct vtd_kdump_range *old_ram;
	unsigned int nr_old_ram;
	const struct vtd_kdump_range *kdump_ram;
	unsigned int nr_kdump_ram;
};

/* The IOMMU's capabilities that bound what a valid entry may say */
struct vtd_kdump_hw {
	bool scalable;			/* DMAR_RTADDR_REG.SMT: table format */
	u8 sagaw;			/* VTD_SAGAW_* */
	u8 sllps;			/* VTD_SLLPS_* */
	bool fl1gp;			/* first-level 1 GiB pages */
	bool fl5lp;			/* first-level 5-level paging */
	bool pass_through;		/* ECAP.PT */
	bool dev_iotlb;			/* ECAP.DT */
	bool flts;			/* ECAP_REG.FLTS (bit 47): PGTT first-stage */
	bool slts;			/* ECAP_REG.SLTS (bit 46): PGTT second-stage */
	bool prs;			/* ECAP_REG.PRS (bit 29): context PRE */
	bool rps;			/* ECAP_REG.RPS (bit 49): RID_PASID other than 0 */
	/*
	 * Host address width in bits: the DMAR table's HAW (ACPI DMAR
	 * "Host Address Width" + 1).  Address bits at or above it are
	 * reserved in every entry.
	 */
	u8 haw;
	/*
	 * The CPU's physical-address width (x86_phys_bits); 0: @haw.  With
	 * MKTME or TDX the bits from here up to @haw carry a memory
	 * encryption KeyID: an address with any of them set is an alias of
	 * the address without them (see vtd_kdump_keyid_bits()).
	 */
	u8 phys_bits;
	u32 ndoms;			/* number of domain ids, CAP.ND */
	u8 pasid_bits;			/* ECAP.PSS + 1, 0 without PASID */
};

/*
 * Access to old memory.  map() returns a read-only view of the 4 KiB page
 * at @phys (page aligned, already classified as old RAM) or NULL; unmap()
 * releases it.  The walker holds at most one view per table level.
 */
struct vtd_kdump_ops {
	const void *(*map)(void *ctx, u64 phys);
	void (*unmap)(void *ctx, const void *va);
};

/* The page-table format a device's DMA goes through */
enum vtd_kdump_format {
	VTD_KDUMP_FMT_NONE,		/* not present */
	VTD_KDUMP_FMT_SECOND_LEVEL,
	VTD_KDUMP_FMT_FIRST_LEVEL,
	VTD_KDUMP_FMT_PASS_THROUGH,
};

/* A decoded, validated context (and for scalable mode, RID_PASID entry) */
struct vtd_kdump_ctx {
	u64 raw[4];			/* the entry as read once (SM: 4 qwords) */
	enum vtd_kdump_format format;
	u8 levels;			/* page-table depth: 3, 4 or 5 */
	u16 did;
	u64 pgtable;			/* physical address of the top table */
	u32 rid_pasid;			/* scalable mode only */
	u64 pasid_dir;			/* scalable mode only */
	u64 pasid_entry[VTD_PE_QWORDS];	/* SM: RID_PASID entry as read once */
};

/* Per-device result of a walk */
struct vtd_kdump_dev {
	u8 bus;
	u8 devfn;
	struct vtd_kdump_ctx ctx;
	enum vtd_kdump_reason reason;	/* first structural failure, or OK */
	u64 leaves;			/* validated leaves, not runs */
	u64 mapped_bytes;		/* bytes those leaves map */
	u64 rejected_leaves;
	u64 table_pages;		/* page-table pages read */
	int visit_err;			/* leaf() return, if VISIT_ABORTED */
	bool table_refused;		/* a whole context table was refused */
};

/*
 * Set of table pages already read in one device walk.  The caller owns the
 * storage: @slots and @gens have 2^@order entries, zeroed once; a walk reads
 * at most min(budget, 2^@order / 2) table pages, so the set never fills.
 * vtd_kdump_walk_dev() resets it cheaply by bumping @gen.
 */
struct vtd_kdump_visited {
	u64 *slots;
	u32 *gens;
	unsigned int order;
	u32 gen;
};

/* What a table page that a walk reads holds */
enum vtd_kdump_table {
	VTD_KDUMP_TABLE_ROOT,		/* the root table (9.1, 9.2) */
	VTD_KDUMP_TABLE_CONTEXT,	/* a context table (9.3, 9.4) */
	VTD_KDUMP_TABLE_PASID_DIR,	/* a page of a PASID directory (9.5) */
	VTD_KDUMP_TABLE_PASID,		/* a PASID table (9.6) */
	VTD_KDUMP_TABLE_PAGE,		/* a first- or second-level page table */
	VTD_KDUMP_NR_TABLES,
};

/*
 * Told of each table page a walk reads, as it reads it: @phys is the page,
 * @kind what it holds, @level the level of a page table (1 holds 4 KiB
 * leaves), 0 for the other kinds.  Every read is reported once: one device
 * walk never reads a page table twice, but a page read again (a context
 * table that two root entries point to, a table two devices share) is
 * reported again.  The adopted devices keep translating through these
 * pages in place: a writable leaf that reaches one could rewrite them.
 */
typedef void (*vtd_kdump_table_fn)(void *arg, u64 phys,
				   enum vtd_kdump_table kind,
				   unsigned int level);

struct vtd_kdump_walker {
	const struct vtd_kdump_ops *ops;
	void *ops_ctx;
	const struct vtd_kdump_hw *hw;
	const struct vtd_kdump_memmap *mem;
	struct vtd_kdump_visited *visited;
	u64 budget;			/* table pages one device walk may read */
	/*
	 * Leaves may map kdump-kernel memory: set only to check that the old
	 * tables identity-map the kdump region (the "kdump IO rule" mode),
	 * never when the leaves are to be kept.
	 */
	bool kdump_leaves_ok;
	/* Optional: told of every table page read; NULL costs nothing */
	vtd_kdump_table_fn table;
	void *table_arg;
};

/*
 * Called for validated leaves, in ascending IOVA order: [@iova, @iova +
 * @size) translates to [@phys, @phys + @size).  @phys is the address the
 * entry holds, KeyID bits included; the walker judged the memory it
 * reaches without them (see vtd_kdump_keyid_bits()).  One call may report a run
 * of leaves of one table that follow each other in IOVA and in memory with
 * the same permissions: @size is then n times the leaf size (4 KiB, 2 MiB
 * or 1 GiB), so a call of 2 MiB may be one 2 MiB leaf or 512 leaves of
 * 4 KiB; &vtd_kdump_dev.leaves counts the leaves, not the calls.  @prot
 * holds VTD_SL_R / VTD_SL_W (first-level leaves are reported with the same
 * bits): what the leaf and every entry above it allow, as the hardware
 * grants an access only if each level does.  A non-zero return stops the
 * walk and is returned.
 */
typedef int (*vtd_kdump_leaf_fn)(void *arg, u64 iova, u64 phys, u64 size,
				 unsigned int prot);
/* Called for each leaf entry that was refused; the walk goes on without it */
typedef void (*vtd_kdump_reject_fn)(void *arg, u64 iova, u64 size,
				    enum vtd_kdump_reason why);

struct vtd_kdump_visitor {
	vtd_kdump_leaf_fn leaf;
	vtd_kdump_reject_fn reject;
	void *arg;
};

/*
 * Called for every present context entry found from the root table, after
 * the entry itself was decoded and checked (@dev->reason says how that
 * went), and for every bus whose context table could not be used
 * (@dev->devfn is then the first devfn of the unusable table and
 * @dev->ctx.format is VTD_KDUMP_FMT_NONE).
 */
typedef int (*vtd_kdump_dev_fn)(void *arg, struct vtd_kdump_dev *dev);

bool vtd_kdump_memmap_valid(const struct vtd_kdump_memmap *mem);
enum vtd_kdump_mem vtd_kdump_classify(const struct vtd_kdump_memmap *mem,
				      u64 phys, u64 size);
const char *vtd_kdump_reason_str(enum vtd_kdump_reason why);
u64 vtd_kdump_keyid_bits(const struct vtd_kdump_hw *hw);

enum vtd_kdump_reason vtd_kdump_check_root_entry(const struct vtd_kdump_walker *w,
						 u64 val);
enum vtd_kdump_reason vtd_kdump_decode_context(const struct vtd_kdump_walker *w,
					       const u64 *raw,
					       struct vtd_kdump_ctx *ctx);
int vtd_kdump_walk_root(const struct vtd_kdump_walker *w, u64 root_phys,
			vtd_kdump_dev_fn fn, void *arg);
enum vtd_kdump_reason vtd_kdump_walk_dev(const struct vtd_kdump_walker *w,
					 struct vtd_kdump_dev *dev,
					 const struct vtd_kdump_visitor *v);

/*
 * Coalescing of IOVA ranges: a leaf that starts where the last run ended
 * extends it, so the number of ranges is the number of maximal runs.
 */
struct vtd_kdump_runs {
	struct vtd_kdump_range *r;
	unsigned int nr;
	unsigned int max;
	bool overflow;			/* a range did not fit in @max */
};

void vtd_kdump_runs_add(struct vtd_kdump_runs *runs, u64 start, u64 size);

/*
 * The validated mappings of one device, as the walk found them: [@iova,
 * @iova + @size) translates to [@phys, @phys + @size) with @prot
 * (VTD_SL_R / VTD_SL_W).  A leaf that follows the last map in IOVA and in
 * memory with the same rights extends it, so a map may span many leaves
 * and tables; @phys keeps the entries' KeyID bits, if any.
 */
struct vtd_kdump_map {
	u64 iova;
	u64 phys;
	u64 size;
	unsigned int prot;
};

struct vtd_kdump_maps {
	struct vtd_kdump_map *m;
	unsigned int nr;
	unsigned int max;
	u64 lost;			/* bytes of leaves that did not fit */
};

void vtd_kdump_maps_add(struct vtd_kdump_maps *maps, u64 iova, u64 phys,
			u64 size, unsigned int prot);
bool vtd_kdump_map_hits_pages(const struct vtd_kdump_map *m, const u64 *pages,
			      unsigned int nr_pages, u64 keyid_bits);
unsigned int vtd_kdump_pages_find(const u64 *pages, unsigned int nr, u64 addr);
unsigned int vtd_kdump_pages_sort(u64 *pages, unsigned int nr);
bool vtd_kdump_pages_hit(const u64 *pages, unsigned int nr, u64 start,
			 u64 end);
u64 vtd_kdump_ranges_merge_gap(const struct vtd_kdump_range *r,
			       unsigned int nr, unsigned int max);
bool vtd_kdump_ranges_merged(const struct vtd_kdump_range *r, unsigned int nr,
			     u64 gap, unsigned int *i, struct vtd_kdump_range *out);

#endif /* _INTEL_IOMMU_KDUMP_WALK_H */
