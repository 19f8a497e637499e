#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # keys of result.env, which is sourced
#
# One boot sequence of the Debian 13 guest (scripts/deb-image.sh) under QEMU
# (TCG): the primary waits for kdump-tools, runs the scenario and panics;
# kdump-tools' capture kernel replays edu's stale DMA (in its initrd), saves
# /var/crash/<stamp>/ and reboots; the rebooted system reports what was saved
# and powers off.  Then analyze-debian.sh reads the disk.
#
#   run-debian.sh [--variant legacy|sm] [--crashkernel VALUE] [--timeout S]
#                 [--keep] KIND SCENARIO
#
#   KIND       stock (Debian 13's linux-image-6.12.*-amd64) | baseline |
#              patched (make deb)
#   SCENARIO   S1 | S2 | S3a | S3b | S3c, or prep (the first boot of a
#              kernel on the image itself: kdump-tools builds its initrd,
#              lsmod is kept; used by deb-image.sh)
#   --variant  legacy (default) or sm: QEMU's x-scalable-mode=on and
#              intel_iommu=on,sm_on
#   --crashkernel  crashkernel= instead of kdump-tools' default
#              ($DEB_CRASHKERNEL); the run's name gets "-ckVALUE" (the bad-input
#              run of make demo-debian: too small for kdump-tools to load)
#   --timeout  hard limit for the whole sequence (default 900 s, prep 1200 s)
#   --keep     keep the run's copy of the disk (run.img)
#
# The image is copied (sparse) for every run, so every run starts from the
# same guest.  QEMU boots the kernel and initrd the packages installed in the
# image's /boot (copied out by deb-image.sh) with -kernel/-initrd: no boot
# loader; the command line is what GRUB would pass after kdump-tools'
# /etc/default/grub.d/kdump-tools.cfg (crashkernel=) without "quiet".  The
# capture kernel's reboot restarts the same -kernel/-initrd/-append.
#
# Output: build/debian/runs/KIND/SCENARIO[-sm][-ckVALUE]/: console.log, console.ts
# (host time of every console line), cmd.txt, crash/ (what /var/crash held),
# result.env (analyze-debian.sh).  Exit status 0 when the sequence ended by
# itself, 1 on a hang or an error.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
# shellcheck source=SCRIPTDIR/../../../../scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=SCRIPTDIR/../../../../scripts/deb-lib.sh
. "$TOP/scripts/deb-lib.sh"

variant=legacy
ck=
timeout_s=
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variant=$2; shift 2 ;;
	--crashkernel) DEB_CRASHKERNEL=$2; ck=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '4,37p' "$0"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die "usage: run-debian.sh [--variant legacy|sm] [--crashkernel VALUE] [--timeout S] [--keep] KIND SCENARIO"
kind=$1
scen=$2
case "$kind" in stock | baseline | patched) ;; *) die "unknown kind $kind" ;; esac
case "$scen" in S1 | S2 | S3a | S3b | S3c | prep) ;; *) die "unknown scenario $scen" ;; esac
IMG=$DEB/image
[ -f "$IMG/kinds.env" ] || die "$IMG/kinds.env missing: scripts/deb-image.sh build first"
# shellcheck disable=SC1091
. "$IMG/kinds.env"
kv=KVER_$kind
kver=${!kv:-}
[ -n "$kver" ] || die "$kind is not installed in the image ($IMG/kinds.env)"
if [ ! -f "$IMG/vmlinuz-$kver" ] || [ ! -f "$IMG/initrd.img-$kver" ]; then
	die "no kernel/initrd of $kver in $IMG"
fi

iommu_dev=intel-iommu,intremap=on
iommu_arg=on
case "$variant" in
legacy) ;;
sm) iommu_dev=$iommu_dev,x-scalable-mode=on; iommu_arg=on,sm_on ;;
*) die "unknown variant $variant" ;;
esac
name=$scen
[ "$variant" = legacy ] || name=$scen-$variant
[ -z "$ck" ] || name=$name-ck${ck//[^0-9A-Za-z]/_}
if [ "$scen" = prep ]; then
	dir=$DEB/prep/$kind
	disk=$IMG/guest.img		# the first boot changes the image itself
	[ -n "$timeout_s" ] || timeout_s=1200
else
	dir=$DEB/runs/$kind/$name
	disk=$dir/run.img
	[ -n "$timeout_s" ] || timeout_s=900
fi
rm -rf "$dir"
mkdir -p "$dir"
if [ "$scen" != prep ]; then
	cp --sparse=always "$IMG/guest.img" "$disk" || die "cannot copy the image"
fi
# the harness's other disks: q35's AHCI (00:1f.2) and NVMe (00:05.0)
truncate -s 64M "$dir/sata.img" "$dir/nvme.img"

# no_timer_check: not GRUB's, but TCG's: on a busy host the IO-APIC timer
# check of every kernel here panics now and then ("timer doesn't work
# through Interrupt-remapped IO-APIC"), as in the QEMU harness; kdump-tools
# passes it on to the capture kernel with the rest of the command line
append="root=/dev/vda ro console=ttyS0 intel_iommu=$iommu_arg crashkernel=$DEB_CRASHKERNEL no_timer_check vtdk.scenario=$scen"
read -r -a qemu <<<"${QEMU:-qemu-system-x86_64}"
# shellcheck disable=SC2054
cmd=("${qemu[@]}" -machine q35,kernel-irqchip=split -accel tcg -m "$DEB_MEM" -smp 2
	-cpu max -device "$iommu_dev"
	-device edu,addr=03.0
	-drive "file=$disk,if=none,id=d0,format=raw"
	-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on,addr=04.0
	-drive "if=none,id=n0,file=$dir/nvme.img,format=raw"
	-device nvme,serial=vtdk0,drive=n0,addr=05.0
	-drive "if=none,id=s0,file=$dir/sata.img,format=raw"
	-device ide-hd,drive=s0,bus=ide.0
	-vga none -nic none -nographic -pidfile "$dir/qemu.pid"
	-kernel "$IMG/vmlinuz-$kver" -initrd "$IMG/initrd.img-$kver" -append "$append")
printf '%q ' "${cmd[@]}" >"$dir/cmd.txt"
echo >>"$dir/cmd.txt"

start=$(date +%s.%N)
timeout -k 5 "$timeout_s" "${cmd[@]}" </dev/null 2>&1 | "$HERE/tsconsole.py" "$dir" --halt-pidfile "$dir/qemu.pid"
rc=${PIPESTATUS[0]}
end=$(date +%s.%N)
{
	echo "kind=$kind"
	echo "kver=$kver"
	echo "scenario=$scen"
	echo "variant=$variant"
	echo "name=$name"
	echo "qemu_rc=$rc"
	echo "wall_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
	echo "timeout_s=$timeout_s"
} >"$dir/result.env"
rm -f "$dir/sata.img" "$dir/nvme.img"
"$HERE/analyze-debian.sh" "$dir"
[ "$keep" = 1 ] || rm -f "$dir/run.img"
# shellcheck disable=SC1091
. "$dir/result.env"
# analyze-debian.sh has judged the run: a hang (QEMU killed by the timeout,
# not halted) has a line of its own, every other failure its error line
if [ "$status" = hang ]; then
	echo "FAIL: $kind $name: HANG in the $phase: no poweroff within ${timeout_s}s (last console line: $last_line)"
	exit 1
fi
if [ -n "${error:-}" ]; then
	echo "FAIL: $kind $name: $error"
	exit 1
fi
if [ "$scen" = prep ]; then
	echo "done: $kind prep in ${wall_s}s: status=$status kdump ready at ${primary_kdump_ready_s}s"
else
	echo "done: $kind $name in ${wall_s}s: status=$status landed=$landed dmar_faults=$dmar_faults dump=$dump_saved/$dump_verified capture_to_saved=${capture_to_saved_s}s"
fi
exit 0
