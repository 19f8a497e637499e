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
#   status          ok | hang | no-primary | primary-error | no-kdump-boot |
#                   kdump-panic | kdump-error
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
#                   kdump-memory, old-memory (the old IOVA taken as a physical
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
#                   first such "DID:bdf/bdf" (did_scan=off: translation off)
#   check_pa_in_initrd  S3a: the target page of the damaged leaf lies in
#                   the kdump kernel's retained initrd (yes | no)
#   new_iova iova_reused   S2: new buffer's IOVA, equal to the old one?
#   quarantine_lines edu_quarantined kdump_summary   lines of the patched kernel
#   dump_captured   yes | no (makedumpfile -R rebuilt a dump from the disk)
#   dump_verified   yes | no | n/a (crash/dmesg shows the panic, and the old
#                   buffer page in the dump matches what the kdump kernel saw)
#   dump_old_buf    content of the old buffer page in the dump
#   crash_bt        ok when crash 8.0.6 (Debian 13 root, not --minimal, with
#                   --no_kmem_cache for SLUB_TINY) shows the panic in log
#                   and the panic task's backtrace from the sysrq handler
#                   into crash_kexec; none
#                   without that root or for the debian kind
#   R only: r_load (both disks busy at the panic), r_dump_rc (makedumpfile
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
dir=${1:?usage: analyze.sh DIR}
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
if [ "${wr[iova_as_pa]:-1}" = 0 ] && [ -n "${wa[iova_as_pa]:-}" ] &&
	[ "${wa[iova_as_pa]}" != "${wb[iova_as_pa]}" ]; then
	landed+=(old-memory)
fi
if [ "${stale:-none}" = none ]; then
	landed_s=-
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
put did_scan "$(rv did_scan "$K")"
put did_conflicts "$(rv did_conflicts "$K")"
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
	put r_load "$(rv r_load "$P")"
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
if [ $captured = yes ]; then
	verified=no
	case "$kind" in
	debian | debian-primary)
		# no vmlinux with debug info: dmesg from VMCOREINFO, page from the
		# dump file itself
		makedumpfile --dump-dmesg "$dir/vmcore" "$dir/dmesg.txt" >"$dir/dmesg.log" 2>&1
		dump_old=$("$HERE/dumppage.py" "$dir/vmcore" "$old_pa" 2>"$dir/dumppage.log")
		grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/dmesg.txt" 2>/dev/null &&
			[ "$dump_old" = "$expect_old" ] && verified=yes
		;;
	*)
		vmlinux=$BUILD/out/$kind/vmlinux
		# crash 8.0.2 (Debian 12) predates 6.12: its full start-up (slab,
		# modules, tasks) fails or aborts on these kernels, so use its
		# minimal mode (log, rd, sym) and take the KASLR offset from
		# VMCOREINFO
		printf 'log\nrd -p -64 %s 256\nexit\n' "$old_pa" |
			timeout 120 crash -s --minimal --kaslr auto \
				"$vmlinux" "$dir/vmcore" >"$dir/crash.out" 2>&1
		dump_old=$(awk '/^ *[0-9a-f]+: +[0-9a-f]+/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9a-f]+$/ && length($i) == 16) print $i }' "$dir/crash.out" |
			"$HERE/pattern.awk")
		grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/crash.out" &&
			[ "$dump_old" = "$expect_old" ] && verified=yes
		;;
	esac
	# crash 8.0.6 (Debian 13 root), not --minimal: the panic task's
	# backtrace must show the sysrq handler calling into crash_kexec.
	# --no_kmem_cache: tinyconfig's SLUB_TINY has no kmem_cache fields
	# crash knows ("invalid structure member offset: kmem_cache_s_num")
	if [ "${kind%-primary}" != debian ] && [ -x "$TRIXIE_ROOT/usr/bin/crash" ]; then
		printf 'log\nbt\nexit\n' |
			timeout 120 "$TOP/scripts/trixie-run.sh" crash -s --no_kmem_cache "$vmlinux" "$dir/vmcore" \
				>"$dir/crash-bt.out" 2>&1
		if grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/crash-bt.out" &&
			grep -qE '#[0-9]+ \[[0-9a-f]+\] (__)?crash_kexec ' "$dir/crash-bt.out" &&
			grep -qE '#[0-9]+ \[[0-9a-f]+\] (sysrq_handle_crash|__handle_sysrq) ' "$dir/crash-bt.out"; then
			put crash_bt ok
		else
			put crash_bt "bad: $(grep -m1 -iE 'error|invalid|cannot|crash:' "$dir/crash-bt.out" | cut -c1-120)"
		fi
	else
		put crash_bt none
	fi
	# independent of crash: read the page from the dump file directly
	put dump_old_buf_raw "$("$HERE/dumppage.py" "$dir/vmcore" "$old_pa" 2>>"$dir/dumppage.log")"
	# the stale DMA may have reached the old buffer only in the dump's view
	if [ "$dump_old" = stale ] && [[ ",$landed_s," != *,old-buffer,* ]] && [ "${wb[old_buf]:-old}" != stale ]; then
		[ "$landed_s" = dropped ] && landed_s=old-buffer || landed_s="$landed_s,old-buffer"
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
