#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KUnit tests of the series.
#
#   scripts/kunit.sh boot [KIND]  boot a patched kernel (default patched; or
#                           patched-7.3) with its built-in tests under QEMU and
#                           parse its KTAP output with kunit.py parse
#   scripts/kunit.sh run    tools/testing/kunit/kunit.py run --arch=x86_64 with
#                           drivers/iommu/intel/.kunitconfig (its own build) in
#                           the tree of BASE (default 6.12)
# Prints one PASS:/FAIL: line per test case.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LOGDIR=$BUILD/kunit
mkdir -p "$LOGDIR"

report() {
	# kunit.py parse output: "[PASSED] name" / "[FAILED] name" per case
	local log=$1 what=$2 pass fail
	pass=$(grep -c '\[PASSED\]' "$log" || true)
	fail=$(grep -Ec '\[(FAILED|CRASHED)\]' "$log" || true)
	grep -E '\[(PASSED|FAILED|CRASHED|SKIPPED)\]' "$log" |
		sed -E -e 's/^.*\[PASSED\] /PASS: kunit('"$what"'): /' \
			-e 's/^.*\[(FAILED|CRASHED)\] /FAIL: kunit('"$what"'): /' \
			-e 's/^.*\[SKIPPED\] /FAIL: kunit('"$what"') skipped: /'
	if [ "$pass" = 0 ]; then
		echo "FAIL: kunit($what): no test ran (see $log)"
	fi
}

boot() {
	local kind=${1:-patched} img label=boot
	img=$(kind_out "$kind")/arch/x86/boot/bzImage
	[ "$kind" = patched ] || label="boot $kind"
	[ -f "$img" ] || die "no $kind kernel: scripts/kernel.sh build $kind"
	log "booting the $kind kernel for its built-in KUnit tests"
	timeout 600 qemu-system-x86_64 -machine q35,kernel-irqchip=split -accel tcg \
		-m 1G -smp 1 -device intel-iommu,intremap=on -nographic -no-reboot \
		-kernel "$img" -append "console=ttyS0 intel_iommu=on panic=-1 no_timer_check kunit.filter_glob=intel-iommu-kdump*" \
		>"$LOGDIR/boot-$kind-console.log" 2>&1 || true
	python3 "$(kind_src "$kind")/tools/testing/kunit/kunit.py" parse "$LOGDIR/boot-$kind-console.log" \
		>"$LOGDIR/boot-$kind-parsed.log" 2>&1 || true
	report "$LOGDIR/boot-$kind-parsed.log" "$label"
}

run() {
	checkout_rev series
	log "kunit.py run --arch=x86_64 --kunitconfig=drivers/iommu/intel/.kunitconfig"
	(cd "$LINUX" && timeout 1800 python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--build_dir="$BUILD/kunit/build" --jobs="$JOBS" \
		--kunitconfig=drivers/iommu/intel/.kunitconfig) >"$LOGDIR/run.log" 2>&1 || true
	report "$LOGDIR/run.log" run
}

case "${1:-}" in
boot) boot "${2:-patched}" ;;
run) run ;;
*) die "usage: $0 boot [KIND] | run" ;;
esac
