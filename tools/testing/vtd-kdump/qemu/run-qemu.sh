#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # keys of result.env, which is sourced
#
# One crash-capture run of the vtd-kdump harness under QEMU (TCG).
#
#   run-qemu.sh [options] KIND SCENARIO
#
#   KIND       baseline | patched | debug (patched with lockdep) | fix1 (the base
#              with patch 1 only) | debian, or
#              baseline-7.3 | patched-7.3 (the mainline base)
#   SCENARIO   S1 | S2 | S3a | S3b | S3b-rsvd | S3c | S3d | R | W | capture
#              (S3d: edu's old leaf maps its own page table; S5: edu's old
#              context entry has reserved bits and its kdump driver attaches
#              it)
#              (R: real disks busy at the panic: the SATA disk holds an ext4
#              that takes the dump, an NVMe disk is added; W: an e1000 at
#              06.0 receives numbered frames at a fixed rate from the host
#              (wtraffic.py) across the panic, kexec, the adoption and the
#              kdump driver's attach)
#   --variant V    legacy (default) | sm (x-scalable-mode=on) | aw48 (aw-bits=48)
#                  | cm (caching-mode=on) | pt (iommu=pt in both kernels)
#                  | kpt (iommu=pt in the kdump kernel only, as kdump-tools
#                  passes a server's command line on)
#                  | fl (x-scalable-mode=on,x-flts=on: first-level tables,
#                  QEMU 10 of the Debian 13 root, scripts/trixie-root.sh);
#                  combine with '+', e.g. sm+aw48
#                  DMA setups of the "kdump IO rule" design (edu gets a 32-bit
#                  DMA mask so that it reaches the crash kernel region):
#                  id (intel_iommu=on,kdump_identity in both kernels)
#                  | idneg (only the kdump kernel has kdump_identity)
#                  | off (intel_iommu=off) | swiotlb (intel_iommu=off swiotlb=force)
#                  W only: skew (the kdump driver maps a page before its new
#                  ring, so that a fresh IOVA allocator does not hand out the
#                  old ring IOVA again)
#   --timeout S    hard limit for the whole run (default 240 s; debian 400 s)
#   --no-dump      do not write/verify the dump
#   --initramfs F  use F instead of building build/scenarios/KIND/initramfs.cpio.gz
#   --mem M        guest RAM (default 2G); --crashkernel C (default 256M)
#   --rate N       W: frames per second (default 200)
#   --append W     more words for the primary's command line (e.g.
#                  vtdk.nic_opts=new_buf_ro=1; scenario scale:
#                  vtdk.scale_pages=N vtdk.scale_leaf=4k|2m, see init)
#
# Output: build/scenarios/KIND/SCENARIO[-VARIANT]/ with console.log (everything
# the guest and QEMU printed), primary.log / kdump.log (the console split at
# the kdump kernel's boot), disk.img (flattened dump), vmcore (rebuilt),
# sata.img (the 64 MiB sparse disk on q35's AHCI controller, 00:1f.2, that
# both kernels read and write), result.env (KEY=value facts, see analyze.sh).
# Exit status 0 when the run ended by itself (whatever the outcome), 1 on a
# hang or a harness error.  QEMU (default qemu-system-x86_64) is the QEMU
# to run; the fl variant runs the Debian 13 root's QEMU 10.  W also keeps
# w-console.ts (every console line with the host time it appeared),
# w-sent.log and w-frames.csv (one row per frame: when it was sent, in which
# window, where it landed).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
BUILD=${BUILD:-$TOP/build}

variant=legacy
timeout_s=
dump=1
initramfs=
mem=2G
crashkernel=256M
rate=200
more_args=

while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variant=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--no-dump) dump=0; shift ;;
	--initramfs) initramfs=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--crashkernel) crashkernel=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--append) more_args="$more_args $2"; shift 2 ;;
	-h | --help) sed -n '4,48p' "$0"; exit 0 ;;
	-*) echo "run-qemu.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: run-qemu.sh [options] KIND SCENARIO" >&2; exit 2; }
kind=$1
scen=$2
DEBIAN_KVER=${DEBIAN_KVER:-6.12.107+deb12-amd64}

case "$kind" in
baseline | patched | debug | fix1 | baseline-7.3 | patched-7.3) ;;
debian | debian-primary) ;;
*) echo "run-qemu.sh: unknown kind $kind" >&2; exit 2 ;;
esac
case "$scen" in
S1 | S2 | S3a | S3b | S3b-rsvd | S3c | S3d | S5 | R | W | capture) ;;
iova-bench) ;;	# no crash: the IOVA benchmark (iova-bench.sh)
scale) ;;	# S2 with M more pages mapped for edu (scale-bench.sh)
*) echo "run-qemu.sh: unknown scenario $scen" >&2; exit 2 ;;
esac
[ -n "$timeout_s" ] || { [ "${kind%-primary}" = debian ] && timeout_s=400 || timeout_s=240; }

name=$scen
[ "$variant" = legacy ] || name=$scen-${variant//+/-}
dir=$BUILD/scenarios/$kind/$name
mkdir -p "$dir"
rm -f "$dir"/{console.log,primary.log,kdump.log,disk.img,sata.img,vmcore,result.env,crash.out,dmesg.txt}
rm -f "$dir"/w-{ports,console.ts,sent.log,frames.csv,sender.err}

iommu_dev=intel-iommu,intremap=on
iommu_arg=on
edu_dev=edu,addr=03.0
extra_args=
dma32() {
	edu_dev=edu,addr=03.0,dma_mask=0xffffffff
	extra_args="$extra_args vtdk.dma_bits=32"
}
read -r -a qemu <<<"${QEMU:-qemu-system-x86_64}"
IFS=+ read -r -a vparts <<<"$variant"
for v in "${vparts[@]}"; do
	case "$v" in
	legacy) ;;
	sm) iommu_dev=$iommu_dev,x-scalable-mode=on; iommu_arg=on,sm_on ;;
	fl)
		iommu_dev=$iommu_dev,x-scalable-mode=on,x-flts=on
		iommu_arg=on,sm_on
		qemu=("$TOP/scripts/trixie-run.sh" qemu-system-x86_64)
		;;
	pt) extra_args="$extra_args iommu=pt vtdk.kdump_extra=iommu=pt"; dma32 ;;
	kpt) extra_args="$extra_args vtdk.kdump_extra=iommu=pt" ;;
	aw48) iommu_dev=$iommu_dev,aw-bits=48 ;;
	cm) iommu_dev=$iommu_dev,caching-mode=on ;;
	id) iommu_arg=$iommu_arg,kdump_identity; dma32 ;;
	idneg) extra_args="$extra_args vtdk.kdump_iommu=$iommu_arg,kdump_identity"; dma32 ;;
	off) iommu_arg=off; dma32 ;;
	swiotlb) iommu_arg=off; extra_args="$extra_args swiotlb=force"; dma32 ;;
	skew) extra_args="$extra_args vtdk.nic_opts=skew=1" ;;
	*) echo "run-qemu.sh: unknown variant part $v" >&2; exit 2 ;;
	esac
done

if [ -z "$initramfs" ]; then
	initramfs=$BUILD/scenarios/$kind/initramfs.cpio.gz
	"$TOP/scripts/initramfs.sh" "$kind" "$initramfs" || {
		echo "FAIL: $kind $name: initramfs build failed" >&2
		exit 1
	}
fi
case "$kind" in
debian | debian-primary) kernel=/boot/vmlinuz-$DEBIAN_KVER ;;
*) kernel=$BUILD/out/$kind/arch/x86/boot/bzImage ;;
esac
[ -f "$kernel" ] || { echo "FAIL: $kind $name: no kernel image $kernel" >&2; exit 1; }

truncate -s 0 "$dir/disk.img"
truncate -s 1G "$dir/disk.img"
# q35's AHCI (00:1f.2) gets a disk, so that a real DMA-API driver (ahci, sd)
# attaches it in both kernels and does I/O (init: sata_io)
truncate -s 64M "$dir/sata.img"
nvme_dev=()
if [ "$scen" = R ]; then
	# the dump goes into a file of this ext4, as kdump-tools writes it
	rm -f "$dir/sata.img" "$dir/nvme.img"
	truncate -s 512M "$dir/sata.img"
	mkfs.ext4 -q -F "$dir/sata.img" || { echo "FAIL: $kind $name: mkfs.ext4 failed" >&2; exit 1; }
	truncate -s 64M "$dir/nvme.img"
	nvme_dev=(-drive "if=none,id=n0,file=$dir/nvme.img,format=raw"
		-device "nvme,serial=vtdk0,drive=n0,addr=05.0")
fi

# W: QEMU's e1000 at 06.0 on a UDP socket backend; the host's sender
# (wtraffic.py) picks the ports, follows the console and sends the frames
nic_dev=()
sender=
if [ "$scen" = W ]; then
	"$HERE/wtraffic.py" send "$dir" --rate "$rate" --max-s "$timeout_s" 2>"$dir/w-sender.err" &
	sender=$!
	for _ in $(seq 50); do
		[ -s "$dir/w-ports" ] && break
		sleep 0.1
	done
	read -r wpeer wlocal <"$dir/w-ports" || {
		echo "FAIL: $kind $name: wtraffic.py did not start" >&2
		kill "$sender" 2>/dev/null
		exit 1
	}
	nic_dev=(-netdev "socket,id=w0,udp=127.0.0.1:$wpeer,localaddr=127.0.0.1:$wlocal"
		-device "e1000,netdev=w0,addr=06.0,romfile=,mac=52:54:00:57:00:06")
fi

# no_timer_check: under TCG on a busy host the IO-APIC timer check fails now
# and then ("timer doesnt work through Interrupt-remapped IO-APIC")
append="console=ttyS0 intel_iommu=$iommu_arg crashkernel=$crashkernel panic=1 kunit.enable=0"
append="$append no_timer_check"
append="$append vtdk.scenario=$scen vtdk.dump=$dump$extra_args$more_args"

# shellcheck disable=SC2054
cmd=("${qemu[@]}" -machine q35,kernel-irqchip=split -accel tcg -m "$mem" -smp 2
	-cpu max -device "$iommu_dev"
	-device "$edu_dev"
	-drive "file=$dir/disk.img,if=none,id=d0,format=raw"
	-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on,addr=04.0
	"${nvme_dev[@]}"
	"${nic_dev[@]}"
	-drive "if=none,id=s0,file=$dir/sata.img,format=raw"
	-device ide-hd,drive=s0,bus=ide.0
	-vga none -nic none -nographic -no-reboot
	-kernel "$kernel" -initrd "$initramfs" -append "$append")
printf '%q ' "${cmd[@]}" >"$dir/cmd.txt"
echo >>"$dir/cmd.txt"

start=$(date +%s.%N)
timeout -k 5 "$timeout_s" "${cmd[@]}" </dev/null >"$dir/console.log" 2>&1
rc=$?
end=$(date +%s.%N)
if [ -n "$sender" ]; then
	kill "$sender" 2>/dev/null
	wait "$sender" 2>/dev/null
fi
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

{
	echo "kind=$kind"
	echo "scenario=$scen"
	echo "variant=$variant"
	echo "name=$name"
	echo "qemu_rc=$rc"
	echo "wall_s=$wall"
	echo "timeout_s=$timeout_s"
	echo "dump_requested=$dump"
} >"$dir/result.env"

"$HERE/analyze.sh" "$dir"
# shellcheck disable=SC1091
. "$dir/result.env"
last_console_line() {	# last_console_line WIDTH: QEMU's last non-empty line
	grep -v '^qemu-system-x86_64: terminating' "$dir/console.log" | tr -d '\r' |
		grep -v '^ *$' | tail -n 1 | cut -c1-"$1"
}
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	phase=primary
	[ "$kdump_boot" = yes ] && phase="kdump kernel"
	last=$(last_console_line 120)
	echo "FAIL: $kind $name: HANG in the $phase: no poweroff within ${timeout_s}s (last console line: $last)"
	exit 1
fi
w=
[ "$scen" = W ] && w=" w: sent=${w_sent:-?} consumed=${w_consumed:-?} old=${w_landed_old:-?} new=${w_landed_new:-?} lost=${w_lost:-?} skipped_desc=${w_skipped_desc:-?} dropped=${w_dropped:-?} post_attach=${w_post_attach_old:-?}/${w_post_attach_new:-?}/${w_post_attach_lost:-?}/${w_post_attach_dropped:-?}"
why=
if [ "$status" = no-primary ]; then
	# QEMU may not have started at all: say what it printed last
	last=$(last_console_line 160)
	why=" (last console line: ${last:-none})"
fi
echo "done: $kind $name in ${wall}s: status=$status$why kdump_boot=$kdump_boot dmar_faults=$dmar_faults landed=$landed dump=$dump_captured/$dump_verified sata_io=$sata_io splats=$primary_splats/$kdump_splats$w"
exit 0
