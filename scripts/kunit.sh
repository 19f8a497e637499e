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
# Prints one PASS:/FAIL: line per test case (a parameterised case is one
# case: its table rows are shown as a number), for every case the tree's
# drivers/iommu/intel/*_kunit.c define, so a case that did not run fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LOGDIR=$BUILD/kunit
mkdir -p "$LOGDIR"

# report LOG LABEL TREE: one PASS:/FAIL: line per test case of the series'
# suites in TREE (scripts/kunit-report.py): a case the log lacks fails
report() {
	python3 "$TOP/scripts/kunit-report.py" "$2" "$3" "$1" || true
}

boot() {
	local kind=${1:-patched} img label src
	img=$(kind_out "$kind")/arch/x86/boot/bzImage
	src=$(kind_src "$kind")
	label=$(base_of_kind "$kind")
	# the image must be the one built from this tree (a failed build
	# leaves the previous one): otherwise every case fails as not run
	if ! "$TOP/scripts/kernel.sh" verify "$kind" >"$LOGDIR/boot-$kind-verify.log" 2>&1; then
		echo "FAIL: kunit($label): $(tail -n 1 "$LOGDIR/boot-$kind-verify.log")"
		: >"$LOGDIR/boot-$kind-console.log"
		report "$LOGDIR/boot-$kind-console.log" "$label" "$src"
		return
	fi
	log "booting the $kind kernel for its built-in KUnit tests"
	timeout 600 qemu-system-x86_64 -machine q35,kernel-irqchip=split -accel tcg \
		-m 1G -smp 1 -device intel-iommu,intremap=on -nographic -no-reboot \
		-kernel "$img" -append "console=ttyS0 intel_iommu=on panic=-1 no_timer_check kunit.filter_glob=intel-iommu-kdump*" \
		>"$LOGDIR/boot-$kind-console.log" 2>&1 || true
	report "$LOGDIR/boot-$kind-console.log" "$label" "$src"
}

run() {
	checkout_rev series
	log "kunit.py run --arch=x86_64 --kunitconfig=drivers/iommu/intel/.kunitconfig"
	(cd "$LINUX" && timeout 1800 python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--build_dir="$BUILD/kunit/build" --jobs="$JOBS" \
		--kunitconfig=drivers/iommu/intel/.kunitconfig) >"$LOGDIR/run.log" 2>&1 || true
	report "$BUILD/kunit/build/test.log" "run $BASE" "$LINUX"
}

case "${1:-}" in
boot) boot "${2:-patched}" ;;
run) run ;;
*) die "usage: $0 boot [KIND] | run" ;;
esac
