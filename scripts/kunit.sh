#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KUnit tests of the series.
#
#   scripts/kunit.sh boot   boot the patched kernel (tests built in) under
#                           QEMU and parse its KTAP output with kunit.py parse
#   scripts/kunit.sh run    tools/testing/kunit/kunit.py run --arch=x86_64 with
#                           drivers/iommu/intel/.kunitconfig (its own build)
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
	local img=$OUT/patched/arch/x86/boot/bzImage
	[ -f "$img" ] || die "no patched kernel: make kernel"
	log "booting the patched kernel for its built-in KUnit tests"
	timeout 600 qemu-system-x86_64 -machine q35,kernel-irqchip=split -accel tcg \
		-m 1G -smp 1 -device intel-iommu,intremap=on -nographic -no-reboot \
		-kernel "$img" -append "console=ttyS0 intel_iommu=on panic=-1 kunit.filter_glob=intel-iommu-kdump*" \
		>"$LOGDIR/boot-console.log" 2>&1 || true
	python3 "$LINUX/tools/testing/kunit/kunit.py" parse "$LOGDIR/boot-console.log" \
		>"$LOGDIR/boot-parsed.log" 2>&1 || true
	report "$LOGDIR/boot-parsed.log" boot
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
boot) boot ;;
run) run ;;
*) die "usage: $0 boot | run" ;;
esac
