#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test of vtd-kdump, in the order a failure is cheapest to find:
# userspace walker tests and a bounded fuzz pass, the two kernels, the
# upstream series (git am, per-patch build, checkpatch), KUnit, the QEMU
# crash-capture scenarios.  Each check prints one PASS:/FAIL: line; the last
# line is "N passed, N failed" and the exit status is non-zero on failure.
#
# Environment: QUICK=1 skips the per-patch series check; KUNIT_RUN=1 adds
# kunit.py run (its own kernel build; also make kunit-run);
# FUZZ_SECONDS (default 60) bounds the fuzz pass.
# BOOT_BENCH_GATE (default info: the ratio against the 1.05 target is printed,
# not judged; a number makes it a PASS/FAIL gate).
# DEBUG_SCENARIOS: the scenarios the debug kernel (lockdep, sleep-in-atomic,
# list debugging) runs, held to the patched kernel's expectations;
# MAINLINE_SCENARIOS: those the 7.3 baseline and patched kernels run (held to
# the baseline's and the patched kernel's expectations).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# CI's 90 minutes on 2 cores hold the whole matrix on the patched 6.12
# kernel and subsets elsewhere; make demo runs all of it on both bases.
# The baseline skips S3b/S3c outside legacy mode (in every mode 6.12 shows
# the same one fault there, as make demo's table does) and W-skew (6.12's
# fault handler prints the page-table walk of every fault while the NIC
# retries at 200 frames/s: the kdump kernel hung there in 5 of 7 runs,
# 3 of them in the CI sequence).  The mainline (7.3) kernels run the
# scenarios that separate baseline from patched in each table mode, the
# real drivers, the traffic across every window and the IO rule mode.
FULL_SET=$(sed -n 's/^FULL="\(.*\)"$/\1/p' "$TOP/tools/testing/vtd-kdump/qemu/scenarios.sh")
[ -n "$FULL_SET" ] || die "no FULL=\"...\" line in tools/testing/vtd-kdump/qemu/scenarios.sh"
BASELINE_SET=$(for s in $FULL_SET; do
	case "$s" in S3[bc]@* | W@skew) ;; *) printf '%s ' "$s" ;; esac
done)
MAINLINE_SET="S1 S2 S3a S2@sm S3a@sm S2@fl S3a@fl S2@aw48 R W S1@id"

LOG=$BUILD/test-all.log
mkdir -p "$BUILD"
: >"$LOG"
passed=0
failed=0
T0=$(date +%s)

count() {
	local line
	while IFS= read -r line; do
		echo "$line" | tee -a "$LOG"
		case "$line" in
		PASS:*) passed=$((passed + 1)) ;;
		FAIL*) failed=$((failed + 1)) ;;
		SUBTOTAL:*)
			# a sub-suite's own "N passed, N failed" count
			set -- $line
			passed=$((passed + $2))
			failed=$((failed + $3))
			;;
		esac
	done
}

# step NAME CMD...: run CMD, one PASS/FAIL line for the step as a whole
step() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	echo ">>> $name" >&2
	"$@" >"$BUILD/step-${name// /_}.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "PASS: $name ($(($(date +%s) - start)) s)"
	else
		echo "FAIL: $name (exit $rc, log: build/step-${name// /_}.log)"
		tail -n 15 "$BUILD/step-${name// /_}.log" | sed 's/^/    /'
	fi
	return $rc
}

# suite NAME CMD...: run CMD that prints PASS:/FAIL: lines itself
suite() {
	local name=$1
	shift
	echo ">>> $name" >&2
	"$@" 2>"$BUILD/suite-${name// /_}.err"
	local rc=$?
	[ $rc = 0 ] || echo "FAIL: $name exited $rc (stderr: build/suite-${name// /_}.err)"
}

# userspace harness: its failures, and its own count of checks
userspace() {
	make -s -C "$TOP/tools/testing/vtd-kdump/userspace" test 2>&1 |
		sed -nE -e 's/^FAIL /    userspace failure: /p' \
			-e 's/^([0-9]+) passed, ([0-9]+) failed$/SUBTOTAL: \1 \2 (userspace walker checks)/p'
	return "${PIPESTATUS[0]}"
}

count < <({
	step "deps" "$TOP/scripts/deps.sh"
	suite "Debian 13 root" "$TOP/scripts/trixie-run-test.sh"
	suite "wtraffic selftest" "$TOP/tools/testing/vtd-kdump/qemu/wtraffic.py" selftest
	suite "debian selftest" "$TOP/tools/testing/vtd-kdump/debian/selftest.sh"
	suite "userspace tests" userspace
	step "fuzz (bounded)" make -s -C "$TOP/tools/testing/vtd-kdump/userspace" fuzz-short \
		FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
	step "bench (CI size)" make -s -C "$TOP/tools/testing/vtd-kdump/userspace" bench-ci
	if step "kernel tree 6.12" "$TOP/scripts/kernel.sh" tree 6.12 &&
		step "kernel tree 7.3" "$TOP/scripts/kernel.sh" tree 7.3; then
		for kind in baseline patched debug fix1 baseline-7.3 patched-7.3; do
			step "$kind kernel build" "$TOP/scripts/kernel.sh" build "$kind"
		done
		for base in 6.12 7.3; do
			if BASE=$base step "series generate $base" "$TOP/scripts/series.sh" generate &&
				[ "${QUICK:-0}" != 1 ]; then
				BASE=$base suite "series check $base" "$TOP/scripts/series.sh" check
			fi
		done
		suite "kunit boot" "$TOP/scripts/kunit.sh" boot patched
		suite "kunit boot 7.3" "$TOP/scripts/kunit.sh" boot patched-7.3
		# kunit.py run builds a kernel of its own (about 7 min cold): run by
		# make kunit-run, or here with KUNIT_RUN=1
		[ "${KUNIT_RUN:-0}" = 1 ] && suite "kunit run" "$TOP/scripts/kunit.sh" run
		suite "qemu scenarios" "$TOP/tools/testing/vtd-kdump/qemu/scenarios.sh" \
			--kernels "baseline patched debug fix1 baseline-7.3 patched-7.3" \
			--only baseline "$BASELINE_SET" \
			--only debug "${DEBUG_SCENARIOS:-S1 S2 S3a S2@sm S3a@fl R W}" \
			--only fix1 "S2@sm S2@fl" \
			--only baseline-7.3 "${MAINLINE_SCENARIOS:-$MAINLINE_SET}" \
			--only patched-7.3 "${MAINLINE_SCENARIOS:-$MAINLINE_SET}" \
			--check
		# measured cost (issue 4): IOVA map/unmap after seeding (judged: time
		# ratio <= 1.2, the target), kdump boot time (five runs cannot resolve
		# the 1.05 target under TCG: printed as information, every run must
		# boot), about 4 min together
		suite "iova bench" "$TOP/tools/testing/vtd-kdump/qemu/iova-bench.sh"
		suite "boot bench" "$TOP/tools/testing/vtd-kdump/qemu/boot-bench.sh" \
			--runs 5 --gate "${BOOT_BENCH_GATE:-info}"
	fi
} 2>&1)

echo "total time: $(($(date +%s) - T0)) s" | tee -a "$LOG"
echo "$passed passed, $failed failed" | tee -a "$LOG"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
