#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # keys of result.env, which is sourced
#
# Read what one run of run-qemu.sh left in DIR and append the facts to
# DIR/result.env (KEY=value, sourceable).  It records what the logs and the
# dump show; it expects nothing.
#
#   analyze.sh DIR
#
# Keys (besides those run-qemu.sh wrote):
#   status          ok | hang | no-primary | primary-error |
#                   primary-roundtrip (edu's DMA round trip in the primary
#                   failed) | primary-walk (translated: the harness's walk of
#                   the primary's tables did not find edu's leaf) |
#                   no-kdump-boot | kdump-panic | kdump-error
#   roundtrip       primary's DMA round trip through edu (ok | ...)
#   bdf old_iova old_pa pt_walk   edu and its mapping in the primary
#   corrupt         what the primary damaged before the panic (S3*)
#   kdump_boot      yes | no;  kdump_boot_s: kdump printk time of "Run /init"
#   tables_copied   kdump kernel logged "Copied translation tables"
#   dmar_faults     DMAR fault records in the kdump kernel's log
#   drhd_fault_irqs "DRHD: handling fault status" lines in the kdump log
#   qemu_vtd_msgs   lines QEMU's VT-d model printed (vtd_...)
#   stale_dma       done | timeout | busy | none (kdump's edu DMA to old_iova;
#                   done also when the IOMMU blocked it: QEMU drops the write
#                   and edu completes the command)
#   new_dma         S2: NEWDMA words RAM -> edu -> RAM through the new IOVA
#                   after the stale DMA: ok | bad | timeout | none (not tried);
#                   new_dma_got: what the new buffer then held
#   w_<watch>       before>after for old_buf, iova_as_pa, check_pa, new_buf
#   landed          where the stale DMA landed: old-buffer, new-buffer,
#                   kdump-memory, iommu-table (S3d: the old page table that
#                   holds edu's leaf), old-memory (the old IOVA taken as a physical
#                   address outside kdump RAM: a swiotlb bounce buffer),
#                   dropped (comma separated), '-' if none sent
#   landed_pa landed_in_crash   physical page the stale DMA reached, and
#                   whether it lies in the primary's crash kernel region
#   id_primary_pages  kdump_identity: "BDF:N" page-table pages per DMA domain
#                   the primary reported after identity-mapping the region
#   id_primary_bad  primary lines saying a domain lacks the identity map
#   id_kept         kdump kernel left the IOMMU as found (yes | no)
#   ir_enabled      kdump kernel enabled interrupt remapping (yes | no)
#   id_refused_lines id_refused_edu  devices the kdump kernel named as in the
#                   way, and whether edu was one of them
#   id_summary      the kdump kernel's "kdump identity:" verdict line
#   kdump_mem_written  yes | no
#   did_scan did_conflicts did_first_conflict  at the end of the kdump
#                   kernel: the domain ids its live tables (old ones
#                   included) use with two different page tables, and the
#                   first such "DID:bdf/bdf" (did_scan=off: translation
#                   off, and did_conflicts is then no-scan:off, not 0)
#   check_pa_in_initrd  S3a: the target page of the damaged leaf lies in
#                   the kdump kernel's retained initrd (yes | no)
#   new_iova iova_reused   S2: new buffer's IOVA, equal to the old one?
#   quarantine_lines edu_quarantined kdump_summary   lines of the patched kernel
#   dump_captured   yes | no (makedumpfile -R rebuilt a dump from the disk)
#   dump_verified   yes | no | n/a: makedumpfile 1.7.6 finds the sysrq
#                   panic in the dump's log (dump_dmesg_panic), dumppage.py
#                   reads the old buffer page as the kdump kernel last saw
#                   it (dump_old_buf_raw), and where crash opens the dump,
#                   its log shows the panic and its read of the page agrees
#                   (dump_old_buf_crash)
#   dump_old_buf    content of the old buffer page in the dump
#   crash_bt        crash 8.0.6 (Debian 13 root) on the dump: ok (full mode,
#                   --no_kmem_cache for SLUB_TINY: the panic task's
#                   backtrace from the sysrq handler into crash_kexec),
#                   minimal (7.3: --minimal only), bad: ..., or none: why
#                   not run (vmlinux without DWARF, the debian kinds)
#   qemu_xlate_fail DEV@IOVA of QEMU's "detected translation failure" lines
#   qemu_vtd_other  other lines of QEMU's VT-d model (qemu_vtd_first_other)
#   stale_blocked   fault-record | qemu | no: what records that the stale
#                   DMA was blocked (landed=dropped needs one; without it a
#                   stale DMA that changed nothing is landed=unobserved)
#   R only: r_load (busy: each disk's loop moved data in the second before
#                   the panic; r_sata_mib r_nvme_mib: MiB moved by then), r_dump_rc (makedumpfile
#                   into the ext4), r_fsck (e2fsck -fn exit status of the SATA
#                   disk's ext4 afterwards), nvme_io (4 MiB through NVMe and back)
#   kdump_errors    VTDK-ERROR lines in the kdump log (any: status=kdump-error)
#   primary_splats kdump_splats  kernel splat lines in each log: WARNING:,
#                   BUG:, kernel BUG at, Oops, general protection fault,
#                   lockdep (possible recursive/circular locking, inconsistent
#                   lock state, DEBUG_LOCKS_WARN_ON, suspicious RCU usage),
#                   sleeping function called from invalid context, list_add/
#                   list_del corruption, KASAN:, UBSAN:
#   already_set_lines  "DMA PTE for vPFN 0x... already set" in the kdump log
#   first_splat     first splat or already-set line ("kdump: ..." or
#                   "primary: ...", timestamp cut, at most 160 characters)
#   sata_io primary_sata_io  1 MiB direct I/O to the disk on q35's AHCI
#                   (00:1f.2) and back, in the kdump kernel / the primary:
#                   ok | bad | nodisk (no sd disk on 00:1f.2) | none (no line)
#   W only (wtraffic.py analyze; frames the host sent at a fixed rate into
#   the e1000 from the primary's rx-on until the kdump kernel's drain line,
#   drain_ms before the driver resets the NIC):
#   w_sent w_consumed  frames sent / consumed by the NIC (its ring head)
#   w_landed_old w_landed_new w_lost  consumed frames found in the crashed
#                   kernel's buffers / in the kdump driver's new buffers /
#                   in neither (the DMA faulted or went elsewhere; w_lost
#                   leaves out w_skipped_desc, w_lost_desc is the guest's
#                   own count of descriptors found in neither)
#   w_dropped       frames sent that the NIC never consumed (it could read
#                   no descriptor, or the ring was full: see w_mpc)
#   w_<window>_{sent,old,new,lost,dropped,faults}  the same per window, by
#                   the host time the frame was sent; windows: pre_panic,
#                   kexec (until the kdump kernel's banner), boot (until
#                   "Copied translation tables": the root pointer write
#                   follows), adopted (until /init's stale read), pre_attach,
#                   attach (the driver's first mapping until its buffers are
#                   mapped), post_attach (until the drain line); faults: DMAR
#                   fault lines that appeared in that window (post_attach:
#                   until the reset line)
#   w_post_attach_not_old  post_attach new + lost + dropped
#   w_windows_old   windows (attach aside) with frames in the old buffers
#   w_faults_before_reset  DMAR fault lines of the kdump kernel before the
#                   reset line
#   w_sent_after    frames sent after the drain line (none expected)
#   w_seq_offsets   distinct (sequence number - descriptor) offsets of the
#                   landed frames (1 when no descriptor was skipped)
#   w_seq_in_order  yes when the landed frames' sequence numbers increase
#                   with their descriptors (the NIC took them in order)
#   w_skipped_desc  descriptors the NIC consumed without a frame: a "none"
#                   run between landed runs whose sequence numbers follow on
#                   (e1000 skips null buffer addresses: a ring zeroed at a
#                   reused IOVA)
#   w_inferred w_unknown_seq  lost frames whose sequence number was inferred
#                   from their descriptor; consumed numbers never sent
#   w_mpc w_tpr     the NIC's missed-packets count (ring full) and its total
#                   of received frames; w_tpr_agrees: that total equals
#                   w_consumed (yes | no); w_ring_full: the NIC's head
#                   reached the tail (it then took no more frames)
#   w_stale_bm w_stale_landed_old  bus mastering still on at the stale read,
#                   frames landed by then
#   w_ring_iova_reused w_buf_iova_reused  the kdump driver's new ring/buffer
#                   got the crashed kernel's IOVA
#   w_rate          measured send rate (frames/s); w_window_s: the windows'
#                   lengths (s); w_marks: host times (ms) of the markers
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
TRIXIE_ROOT=${TRIXIE_ROOT:-/var/cache/vtd-kdump/trixie}
dir=$(cd "${1:?usage: analyze.sh DIR}" && pwd) || exit 1
env=$dir/result.env
# shellcheck disable=SC1090
. "$env"

put() {			# put KEY VALUE
	local v=${2//\'/}
	printf "%s='%s'\n" "$1" "$v" >>"$env"
}

tr -d '\r' <"$dir/console.log" >"$dir/console.clean"
# The kdump kernel's log starts at the second "Linux version" banner.
split=$(grep -n 'Linux version ' "$dir/console.clean" | sed -n '2s/:.*//p')
if [ -n "$split" ]; then
	head -n $((split - 1)) "$dir/console.clean" >"$dir/primary.log"
	tail -n +"$split" "$dir/console.clean" >"$dir/kdump.log"
else
	cp "$dir/console.clean" "$dir/primary.log"
	: >"$dir/kdump.log"
fi
rm -f "$dir/console.clean"
P=$dir/primary.log
K=$dir/kdump.log

# value of key K on the last VTDK-RESULT line of file F that has it
rv() {
	grep -o 'VTDK-RESULT .*' "$2" | grep -o "\(^\| \)$1=[^ ]*" | tail -n 1 | sed "s/^ *$1=//; s/\"//g"
}

roundtrip=$(rv roundtrip "$P")
put roundtrip "${roundtrip:-none}"
# where the primary translates edu's DMA with its own tables, the harness's
# walk of them must find the leaf (pass-through, IOMMU off: no tables)
walk_expected=yes
case "+$variant+" in *+pt+* | *+off+* | *+swiotlb+*) walk_expected=no ;; esac
[ "$scenario" = iova-bench ] && walk_expected=no
put walk_expected "$walk_expected"
put bdf "$(rv bdf "$P")"
put old_iova "$(rv old_iova "$P")"
old_pa=$(rv old_pa "$P")
put old_pa "$old_pa"
walk=$(grep -o 'VTDK-RESULT walk=.*' "$P" | tail -n 1)
if [ -n "$walk" ]; then
	put pt_walk "sm=$(rv sm "$P"),levels=$(rv levels "$P"),leaf_ok=$(rv leaf_matches_pa "$P")"
else
	put pt_walk "$(rv walk_error "$P")"
fi
corrupt=$(grep -o 'VTDK-RESULT corrupt=[^ ]*' "$P" | sort -u | sed 's/.*=//' | tr '\n' ',' | sed 's/,$//')
put corrupt "${corrupt:--}"
primary_error=$(grep -o 'VTDK-ERROR .*' "$P" | head -n 1)
put primary_error "$primary_error"

kdump_boot=no
[ -s "$K" ] && kdump_boot=yes
put kdump_boot $kdump_boot
put kdump_boot_s "$(grep -m1 'Run /init as init process' "$K" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')"
put tables_copied "$(grep -q 'Copied translation tables from previous kernel' "$K" && echo yes || echo no)"
put dmar_faults "$(grep -cE 'DMAR: \[(DMA (Read|Write)|INTR-REMAP)' "$K")"
put drhd_fault_irqs "$(grep -c 'DRHD: handling fault status' "$K")"
put qemu_vtd_msgs "$(grep -cE 'qemu-system-x86_64: .*vtd' "$dir/console.log")"
# QEMU's VT-d model reports the first translation failure of each kind once
# ("vtd_iommu_translate: detected translation failure (dev=BB:DD:FF,
# iova=0x...)", after the walk's own "detected slpte/flpte permission error
# (iova=...)" line), whether or not FPD keeps it out of the fault log: the
# device and address of a DMA the IOMMU blocked.  Every other line of the
# model (an entry it rejects as malformed: reserved bits, an invalid
# context or PASID entry, ...) is qemu_vtd_other.
XLATE='detected translation failure \(dev=[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}, iova=0x[0-9a-f]+\)'
XLATE_WALK='vtd_iova_to_[sf]lpte: detected [sf]lpte permission error \(iova='
put qemu_xlate_fail "$(grep -oE "$XLATE" "$dir/console.log" | sed -E 's/.*dev=([^,]*), iova=(0x[0-9a-f]+).*/\1@\2/' | sort -u | paste -sd, -)"
put qemu_vtd_other "$(grep -E 'qemu-system-x86_64: .*vtd' "$dir/console.log" | grep -vE "$XLATE" | grep -cvE "$XLATE_WALK")"
put qemu_vtd_first_other "$(grep -E 'qemu-system-x86_64: .*vtd' "$dir/console.log" | grep -vE "$XLATE" | grep -vE "$XLATE_WALK" | head -n 1 | cut -c1-160)"
put qemu_errors "$(grep -E 'qemu-system-x86_64: |hardware error' "$dir/console.log" | grep -v vtd | head -n 1)"

stale=$(rv stale_dma "$K")
put stale_dma "${stale:-none}"
new_dma=$(rv new_dma "$K")
put new_dma "${new_dma:-none}"
put new_dma_got "$(rv new_dma_got "$K")"
sata=$(grep 'VTDK-RESULT role=kdump ' "$K" | grep -o 'sata_io=[^ ]*' | tail -n 1 | cut -d= -f2)
put sata_io "${sata:-none}"
sata=$(grep 'VTDK-RESULT role=primary ' "$P" | grep -o 'sata_io=[^ ]*' | tail -n 1 | cut -d= -f2)
put primary_sata_io "${sata:-none}"

# kernel splats: warnings, bugs, lockdep, sanitizers
SPLAT='WARNING:|BUG:|kernel BUG at|Oops|general protection fault|possible recursive locking|possible circular locking|inconsistent lock state|DEBUG_LOCKS_WARN_ON|suspicious RCU usage|sleeping function called from invalid context|list_(add|del) corruption|KASAN:|UBSAN:'
ALREADY='DMA PTE for vPFN 0x[0-9a-f]+ already set'
put primary_splats "$(grep -cE "$SPLAT" "$P")"
put kdump_splats "$(grep -cE "$SPLAT" "$K")"
put already_set_lines "$(grep -cE "$ALREADY" "$K")"
put kdump_errors "$(grep -c 'VTDK-ERROR' "$K")"
first=$(grep -m1 -E "$SPLAT|$ALREADY" "$K" | sed 's/^\[[ 0-9.]*\] *//' | cut -c1-150)
if [ -n "$first" ]; then
	first="kdump: $first"
else
	first=$(grep -m1 -E "$SPLAT" "$P" | sed 's/^\[[ 0-9.]*\] *//' | cut -c1-150)
	[ -n "$first" ] && first="primary: $first"
fi
put first_splat "$first"
landed=()
kmem=no
declare -A wb wa wr
while read -r line; do
	name=$(echo "$line" | grep -o 'watch=[^ ]*' | cut -d= -f2)
	wb[$name]=$(echo "$line" | grep -o 'before=[^ ]*' | cut -d= -f2)
	wa[$name]=$(echo "$line" | grep -o 'after=[^ ]*' | cut -d= -f2)
	wr[$name]=$(echo "$line" | grep -o 'kdump_ram=[^ ]*' | cut -d= -f2)
	put "w_$name" "${wb[$name]}>${wa[$name]}"
done < <(grep -o 'VTDK-RESULT watch=.*' "$K")
if [ "${wa[old_buf]:-}" = stale ] && [ "${wb[old_buf]:-}" != stale ]; then
	landed+=(old-buffer)
fi
if [ -n "${wa[new_buf]:-}" ] && [ "${wa[new_buf]}" != new ]; then
	landed+=(new-buffer)
fi
for w in iova_as_pa check_pa; do
	if [ "${wr[$w]:-0}" = 1 ] && [ "${wa[$w]:-}" != "${wb[$w]:-}" ]; then
		kmem=yes
	fi
done
[ $kmem = yes ] && landed+=(kdump-memory)
# S3d: the watched page is the old page table that holds edu's leaf
if [ "$scenario" = S3d ] && [ "${wr[check_pa]:-1}" = 0 ] &&
	[ -n "${wa[check_pa]:-}" ] && [ "${wa[check_pa]}" != "${wb[check_pa]}" ]; then
	landed+=(iommu-table)
fi
if [ "${wr[iova_as_pa]:-1}" = 0 ] && [ -n "${wa[iova_as_pa]:-}" ] &&
	[ "${wa[iova_as_pa]}" != "${wb[iova_as_pa]}" ]; then
	landed+=(old-memory)
fi
# A stale DMA that changed no watched page was dropped only if something
# records the block: a DMAR fault record of edu at the old IOVA (7.3 names
# the device with its PCI segment, 6.12 without), or QEMU's
# translation failure of edu at it (FPD keeps the first out of the log).
# Without either the outcome is unobserved (edu's own status says only that
# it finished the command).
blocked=no
bdf_p=$(rv bdf "$P")
iova_p=$(rv old_iova "$P")
if [ -n "$bdf_p" ] && [ -n "$iova_p" ]; then
	qdev=$(printf '%02x:%02x:%02x' $((0x${bdf_p:5:2})) $((0x${bdf_p:8:2})) $((${bdf_p:11:1})))
	grep -qE "DMAR: \[DMA (Read|Write)[^]]*\] Request device \[([0-9a-f]{4}:)?${bdf_p:5:5}\.${bdf_p:11:1}\] (PASID [0-9a-f]+ )?fault addr 0x0*${iova_p#0x}\b" "$K" &&
		blocked=fault-record
	if [ $blocked = no ] && grep -oE "$XLATE" "$dir/console.log" |
		grep -qE "dev=$qdev, iova=0x0*${iova_p#0x}\)"; then
		blocked=qemu
	fi
fi
put stale_blocked $blocked
if [ "${stale:-none}" = none ]; then
	landed_s=-
elif [ ${#landed[@]} -eq 0 ] && [ $blocked = no ]; then
	landed_s=unobserved
elif [ ${#landed[@]} -eq 0 ]; then
	landed_s=dropped
else
	landed_s=$(IFS=,; echo "${landed[*]}")
fi
put kdump_mem_written $kmem
# S3a: the damaged leaf's target is a page of the kdump kernel's retained
# initrd (kdump RAM that nothing uses)
# domain ids the kdump kernel's live tables use with two page tables (the
# spec expects entries that share a domain id to share their tables)
did_scan=$(rv did_scan "$K")
put did_scan "$did_scan"
# translation off: no table to scan, so no count (a 0 would prove nothing)
if [ "$did_scan" = ok ]; then
	put did_conflicts "$(rv did_conflicts "$K")"
else
	put did_conflicts "no-scan:${did_scan:-none}"
fi
put did_first_conflict "$(rv did_first_conflict "$K")"
put check_pa_in_initrd "$(rv check_pa_in_initrd "$K")"

# the DMA setups of the kdump IO rule design
put id_primary_pages "$(grep -oE '[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]: kdump identity: crash kernel memory identity-mapped, [0-9]+ page-table pages' "$P" |
	sed -E 's/^([^ ]*): .*, ([0-9]+) page-table pages/\1:\2/' | sort -u | tr '\n' ' ' | sed 's/ $//')"
put id_primary_bad "$(grep -c 'kdump identity: crash kernel memory .* will not keep' "$P")"
put id_kept "$(grep -q 'kdump identity: .*IOMMUs left as found' "$K" && echo yes || echo no)"
put ir_enabled "$(grep -q 'DMAR-IR: Enabled IRQ remapping' "$K" && echo yes || echo no)"
IDLINE='kdump identity: [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]: '
put id_refused_lines "$(grep -cE "$IDLINE" "$K")"
if [ -n "$(rv bdf "$P")" ] && grep -E "$IDLINE" "$K" | grep -q "$(rv bdf "$P")"; then
	put id_refused_edu yes
else
	put id_refused_edu no
fi
put id_summary "$(grep -E 'DMAR: kdump identity: (refused|[0-9]+ devices)' "$K" | tail -n 1 | sed 's/^\[[ 0-9.]*\] *//')"
put new_iova "$(rv new_iova "$K")"
put iova_reused "$(rv iova_reused "$K")"

bdf=$(rv bdf "$P")
QLINE='kdump: [0-9a-f]{4}:[0-9a-f]{2}(:[0-9a-f]{2}\.[0-7]| devfn [0-9a-f-]+): (quarantined|context table refused)'
put quarantine_lines "$(grep -cE "$QLINE" "$K")"
if [ -n "$bdf" ] && grep -E "$QLINE" "$K" | grep -q "$bdf"; then
	put edu_quarantined yes
else
	put edu_quarantined no
fi
put kdump_summary "$(grep -E 'DMAR: .*kdump: adopted' "$K" | tail -n 1 | sed 's/^\[[ 0-9.]*\] *//')"

# status
kpanic=$(grep -m1 -E 'Kernel panic|BUG: |Oops|general protection fault' "$K" | sed 's/^\[[ 0-9.]*\] *//')
put kdump_panic "$kpanic"
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	status=hang
elif ! grep -q 'VTDK-RESULT role=primary' "$P"; then
	status=no-primary
elif [ -n "$primary_error" ]; then
	status=primary-error
elif [ "${roundtrip:-none}" != ok ]; then
	# edu's DMA through the IOMMU did not work in the primary: nothing
	# the kdump kernel sees of it can be trusted
	status=primary-roundtrip
elif [ "$walk_expected" = yes ] && [[ "$(grep -o 'VTDK-RESULT walk=.*' "$P" | tail -n 1)" != *leaf_matches_pa=1* ]]; then
	# the harness's own walk of the live tables did not find edu's leaf
	# where the DMA API put it (S3*: the damage would miss)
	status=primary-walk
elif [ $kdump_boot = no ]; then
	status=no-kdump-boot
elif [ -n "$kpanic" ]; then
	status=kdump-panic
elif ! grep -q 'VTDK-RESULT role=kdump .*end' "$K" || grep -q 'VTDK-ERROR' "$K"; then
	status=kdump-error
else
	status=ok
fi
put status $status

# the dump
dump_rc=$(rv dump_rc "$K")
put dump_rc "${dump_rc:-none}"
captured=no
verified=n/a
dump_old=
if [ "$dump_requested" = 1 ] && [ "${dump_rc:-}" = 0 ]; then
	if [ -f "$dir/disk.img" ]; then
		rm -f "$dir/vmcore"
		makedumpfile -R "$dir/vmcore" <"$dir/disk.img" >"$dir/makedumpfile-R.log" 2>&1 &&
			[ -s "$dir/vmcore" ] && rm -f "$dir/disk.img"
	fi
	[ -s "$dir/vmcore" ] && captured=yes
fi
# R: the dump is a file of the ext4 on the SATA disk, which must be clean
# after the kdump kernel wrote it (its journal replayed at mount: the
# primary was writing to it at the panic)
if [ "$scenario" = R ]; then
	r_rc=$(rv r_dump_rc "$K")
	put r_dump_rc "${r_rc:-none}"
	put nvme_io "$(rv nvme_io "$K")"
	# both loops moved data, and did so in the second before the panic
	rs=$(rv r_sata_mib_last_s "$P")
	rn=$(rv r_nvme_mib_last_s "$P")
	put r_sata_mib "$(rv r_sata_mib "$P")"
	put r_nvme_mib "$(rv r_nvme_mib "$P")"
	if [ "${rs:-0}" -gt 0 ] 2>/dev/null && [ "${rn:-0}" -gt 0 ] 2>/dev/null; then
		put r_load busy
	else
		put r_load "idle: sata ${rs:-none} MiB, nvme ${rn:-none} MiB in the last second"
	fi
	fsck=none
	if [ -f "$dir/sata.img" ]; then
		e2fsck -fn "$dir/sata.img" >"$dir/e2fsck.log" 2>&1
		fsck=$?
		rm -f "$dir/vmcore"
		[ "${r_rc:-}" = 0 ] &&
			debugfs -R "dump /vmcore $dir/vmcore" "$dir/sata.img" >"$dir/debugfs.log" 2>&1
		[ -s "$dir/vmcore" ] && captured=yes
	fi
	put r_fsck "$fsck"
fi
expect_old=${wa[old_buf]:-old}
# The dump is verified without trusting one reader: makedumpfile 1.7.6
# (Debian 13 root; VMCOREINFO only, no vmlinux) must find the sysrq panic
# in the dump's log, dumppage.py (the dump file read directly) must find
# the old buffer page as the kdump kernel last saw it, and where crash
# 8.0.6 can open the dump (a vmlinux with DWARF), its log must show the
# panic and its read of that page must agree with dumppage.py's.  crash
# opens 6.12 dumps in full mode (crash_bt: the panic task's backtrace
# from the sysrq handler into crash_kexec; --no_kmem_cache: SLUB_TINY has
# no kmem_cache fields crash knows); 7.3 dumps only with --minimal (no
# Debian crash reads 7.3's structures: crash_bt=minimal).
mdf_run() {
	if [ -x "$TRIXIE_ROOT/usr/bin/makedumpfile" ]; then
		"$TOP/scripts/trixie-run.sh" makedumpfile "$@"
	else
		makedumpfile "$@"
	fi
}
if [ $captured = yes ]; then
	verified=no
	rm -f "$dir/dmesg.txt"
	mdf_run --dump-dmesg "$dir/vmcore" "$dir/dmesg.txt" >"$dir/dmesg.log" 2>&1
	dmesg_panic=no
	grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/dmesg.txt" 2>/dev/null &&
		dmesg_panic=yes
	put dump_dmesg_panic $dmesg_panic
	raw=$("$HERE/dumppage.py" "$dir/vmcore" "$old_pa" 2>"$dir/dumppage.log")
	put dump_old_buf_raw "$raw"
	dump_old=$raw
	crash_ok=yes
	vmlinux=$BUILD/out/$kind/vmlinux
	case "$kind" in
	patched | debug | patched-7.3 | debug-7.3) crash_kind=yes ;;
	*) crash_kind=no ;;
	esac
	if [ $crash_kind = no ]; then
		# the series' dumps are opened in crash; the others are read
		# by makedumpfile and dumppage.py only
		put crash_bt "none: not opened in crash for this kind"
	elif [ ! -x "$TRIXIE_ROOT/usr/bin/crash" ]; then
		put crash_bt "none: no crash 8.0.6 (Debian 13 root)"
		crash_ok=no
	elif ! readelf -S "$vmlinux" 2>/dev/null | grep -q '\.debug_info'; then
		put crash_bt "none: vmlinux without DWARF"
	else
		mode=(--no_kmem_cache)
		[ "${kind%-7.3}" != "$kind" ] && mode=(--minimal)
		bt=bt
		[ "${mode[0]}" = --minimal ] && bt=
		printf 'log\nrd -p -64 %s 256\n%s\nexit\n' "$old_pa" "$bt" |
			timeout 120 "$TOP/scripts/trixie-run.sh" crash -s "${mode[@]}" "$vmlinux" "$dir/vmcore" \
				>"$dir/crash.out" 2>&1
		crash_page=$(awk '/^ *[0-9a-f]+: +[0-9a-f]+/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9a-f]+$/ && length($i) == 16) print $i }' "$dir/crash.out" |
			"$HERE/pattern.awk")
		put dump_old_buf_crash "$crash_page"
		grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/crash.out" &&
			[ "$crash_page" = "$raw" ] || crash_ok=no
		if [ "${mode[0]}" = --minimal ]; then
			put crash_bt minimal
		elif grep -qE '#[0-9]+ \[[0-9a-f]+\] (__)?crash_kexec ' "$dir/crash.out" &&
			grep -qE '#[0-9]+ \[[0-9a-f]+\] (sysrq_handle_crash|__handle_sysrq) ' "$dir/crash.out"; then
			put crash_bt ok
		else
			put crash_bt "bad: $(grep -m1 -iE 'error|invalid|cannot|crash:' "$dir/crash.out" | cut -c1-120)"
		fi
	fi
	[ $dmesg_panic = yes ] && [ "$raw" = "$expect_old" ] && [ $crash_ok = yes ] && verified=yes
	# the stale DMA may have reached the old buffer only in the dump's view
	if [ "$dump_old" = stale ] && [[ ",$landed_s," != *,old-buffer,* ]] && [ "${wb[old_buf]:-old}" != stale ]; then
		case "$landed_s" in
		dropped | unobserved | -) landed_s=old-buffer ;;
		*) landed_s="$landed_s,old-buffer" ;;
		esac
	fi
fi
put landed "$landed_s"
crash=$(rv crashkernel "$P")
landed_pa=
case ",$landed_s," in
*,old-buffer,*) landed_pa=$old_pa ;;
*,new-buffer,*) landed_pa=$(rv new_pa "$K") ;;
*,old-memory,*) landed_pa=$(rv old_iova "$P") ;;
*,kdump-memory,*) landed_pa=$(rv check_pa "$P") ;;
esac
put landed_pa "$landed_pa"
if [ -n "$landed_pa" ] && [ -n "$crash" ]; then
	if [ $((landed_pa)) -ge $((${crash%-*})) ] && [ $((landed_pa)) -le $((${crash#*-})) ]; then
		put landed_in_crash yes
	else
		put landed_in_crash no
	fi
else
	put landed_in_crash -
fi
put dump_captured $captured
# W: where each of the host's frames landed, per window
if [ "$scenario" = W ]; then
	while IFS='=' read -r k v; do
		[ -n "$k" ] && put "$k" "$v"
	done < <("$HERE/wtraffic.py" analyze "$dir" 2>"$dir/w-analyze.err")
fi
put dump_verified $verified
put dump_old_buf "${dump_old:-}"

# The run counts (status stays ok) only if the harness did what the
# scenario says: S3a's damaged leaf points into the kdump kernel's retained
# initrd, R's disks were busy at the panic, W's frames went at the set rate,
# in order, into a ring that never ran full.  Otherwise status names what
# the harness failed to do (harness-...), and no check of the run can pass
# as if it had.
if [ "$status" = ok ]; then
	# shellcheck disable=SC1090
	. "$env"
	why=
	# a harness module given a parameter it does not have ignores it
	# ("unknown parameter ... ignored"): the harness did not do what it says
	badparam=$(grep -hoE 'vtdk_[a-z_]+: unknown parameter .[a-z_]+. ignored' "$P" "$K" | head -n 1)
	[ -n "$badparam" ] && why="harness-param: $badparam"
	case "$scenario" in
	S3a)
		[ -n "$why" ] || [ "${check_pa_in_initrd:-}" = yes ] ||
			why="harness-target: S3a's leaf target is not in the kdump initrd (${check_pa_in_initrd:-no line})"
		;;
	R)
		[ -n "$why" ] || [ "${r_load:-}" = busy ] || why="harness-r-load: ${r_load:-no line}"
		;;
	W)
		if [ -n "$why" ]; then
			:
		elif ! [[ "${w_rate:-}" =~ ^(1[89][0-9]|2[01][0-9])$ ]]; then
			why="harness-w-rate: ${w_rate:-none} frames/s (set: 200)"
		elif [ "${w_seq_in_order:-}" != yes ]; then
			why="harness-w-order: the NIC did not take the frames in order"
		elif [ "${w_ring_full:-}" != no ]; then
			why="harness-w-ring: ring full (${w_ring_full:-unknown})"
		fi
		;;
	esac
	[ -n "$why" ] && put status "$why"
fi
