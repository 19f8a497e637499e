#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Selftest of the harness's judges (no QEMU, no kernel build, about 20 s):
# what make test counts must fail when what it checks is not there.
#
#   selftest.sh
#
#   - kunit-report.py: a case missing from the log, a suite that was not
#     compiled, a failed table row, a skipped case each fail; a whole log
#     passes case by case, a parameterised case once
#   - kernel.sh verify: an image without a finished build, one from another
#     revision or configuration, one changed after its build each fail
#   - scenarios.sh --check: a run that left no result fails each of its
#     rows; a row the other kernel of the base fails is marked as separating
#   - boot-bench.sh: a run that did not boot fails, and the "every run
#     booted" line does not follow
#   - analyze.sh on recorded consoles (selftest/*.log.gz, real runs): the
#     stale DMA's outcome comes from the data or a record of the block (a
#     run whose block QEMU did not record is "unobserved", not "dropped"),
#     R's disks must have moved data just before the panic, a test module
#     that ignored a parameter makes the run invalid, a domain-id scan that
#     did not run gives no count
#
# One PASS:/FAIL: line per check; "N passed, N failed" last; exit 1 on a FAIL.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

check() {		# check OK|BAD WHAT [DETAIL]
	if [ "$1" = OK ]; then
		echo "PASS: harness selftest: $2"
		passed=$((passed + 1))
	else
		echo "FAIL: harness selftest: $2${3:+ ($3)}"
		failed=$((failed + 1))
	fi
}

# ---- kunit-report.py ----
kunit_report() {
	local tree=$TMP/ktree log=$TMP/ktap out
	mkdir -p "$tree/drivers/iommu/intel"
	cat >"$tree/drivers/iommu/intel/a_kunit.c" <<'EOF'
static struct kunit_case a_cases[] = {
	KUNIT_CASE_PARAM(a_rule_test, a_gen),
	KUNIT_CASE(a_plain_test),
	{}
};
static struct kunit_suite a_suite = {
	.name = "intel-iommu-kdump-a",
	.test_cases = a_cases,
};
EOF
	cat >"$tree/drivers/iommu/intel/b_kunit.c" <<'EOF'
static struct kunit_case b_cases[] = {
	KUNIT_CASE(b_one_test),
	{}
};
static struct kunit_suite b_suite = {
	.name = "intel-iommu-kdump-b",
	.test_cases = b_cases,
};
EOF
	# both suites, every case passing; console timestamps as the kernel
	# prints them
	cat >"$log" <<'EOF'
[    1.000000] KTAP version 1
[    1.000000] 1..2
[    1.000001]     KTAP version 1
[    1.000001]     # Subtest: intel-iommu-kdump-a
[    1.000001]     1..2
[    1.000002]         KTAP version 1
[    1.000002]         # Subtest: a_rule_test
[    1.000003]         ok 1 root: not present
[    1.000003]         ok 2 root: reserved bits
[    1.000003]         ok 3 leaf: kdump memory
[    1.000004]     ok 1 a_rule_test
[    1.000005]     ok 2 a_plain_test
[    1.000006] ok 1 intel-iommu-kdump-a
[    1.000007]     KTAP version 1
[    1.000007]     # Subtest: intel-iommu-kdump-b
[    1.000007]     1..1
[    1.000008]     ok 1 b_one_test
[    1.000009] ok 2 intel-iommu-kdump-b
EOF
	out=$(python3 "$TOP/scripts/kunit-report.py" t "$tree" "$log")
	if [ "$(grep -c '^PASS' <<<"$out")" = 3 ] && ! grep -q '^FAIL' <<<"$out" &&
		grep -q 'a_rule_test (3 table rows)' <<<"$out"; then
		check OK "kunit: a whole log gives one PASS per case (3), a table of 3 rows as one"
	else
		check BAD "kunit: a whole log gives one PASS per case" "$(tr '\n' '|' <<<"$out")"
	fi
	# suite b not compiled: its case fails as not run
	sed '/intel-iommu-kdump-b/,$d' "$log" >"$log.nob"
	out=$(python3 "$TOP/scripts/kunit-report.py" t "$tree" "$log.nob")
	grep -q '^FAIL: kunit(t): intel-iommu-kdump-b: b_one_test: not run (suite not in the log)' <<<"$out" &&
		check OK "kunit: a suite that was not compiled fails each of its cases" ||
		check BAD "kunit: a suite that was not compiled fails each of its cases" "$(tr '\n' '|' <<<"$out")"
	# a case missing from its suite
	grep -v 'a_plain_test' "$log" >"$log.noplain"
	out=$(python3 "$TOP/scripts/kunit-report.py" t "$tree" "$log.noplain")
	grep -q '^FAIL: .*a_plain_test: not run (case not in the log)' <<<"$out" &&
		check OK "kunit: a case missing from the log fails" ||
		check BAD "kunit: a case missing from the log fails" "$(tr '\n' '|' <<<"$out")"
	# a failed table row fails its case, named
	sed 's/ok 2 root: reserved bits/not ok 2 root: reserved bits/' "$log" >"$log.row"
	out=$(python3 "$TOP/scripts/kunit-report.py" t "$tree" "$log.row")
	grep -q '^FAIL: .*a_rule_test: 1 of 3 rows failed: root: reserved bits' <<<"$out" &&
		check OK "kunit: a failed table row fails its case, by name" ||
		check BAD "kunit: a failed table row fails its case" "$(tr '\n' '|' <<<"$out")"
	# a skipped case fails
	sed 's/ok 1 b_one_test/ok 1 b_one_test # SKIP no hardware/' "$log" >"$log.skip"
	out=$(python3 "$TOP/scripts/kunit-report.py" t "$tree" "$log.skip")
	grep -q '^FAIL: .*b_one_test: skipped' <<<"$out" &&
		check OK "kunit: a skipped case fails" ||
		check BAD "kunit: a skipped case fails" "$(tr '\n' '|' <<<"$out")"
}

# ---- kernel.sh verify ----
kernel_verify() {
	local b=$TMP/vbuild tree out
	tree=$b/linux
	mkdir -p "$tree/drivers/iommu/intel"
	echo "config INTEL_IOMMU" >"$tree/drivers/iommu/intel/Kconfig"
	git -C "$tree" init -q -b series
	git -C "$tree" -c user.name=t -c user.email=t@t add -A
	git -C "$tree" -c user.name=t -c user.email=t@t commit -q -m base
	git -C "$tree" tag base
	echo x >"$tree/new.c"
	echo "config INTEL_IOMMU_KDUMP_KUNIT_TEST" >>"$tree/drivers/iommu/intel/Kconfig"
	git -C "$tree" -c user.name=t -c user.email=t@t add -A
	git -C "$tree" -c user.name=t -c user.email=t@t commit -q -m "patch 1"
	out=$b/out/patched
	mkdir -p "$out/arch/x86/boot"
	echo image >"$out/arch/x86/boot/bzImage"
	v() { BUILD=$b "$TOP/scripts/kernel.sh" verify patched; }
	# no stamp: the build did not finish
	if v >/dev/null 2>&1; then
		check BAD "kernel verify: an image without a finished build fails"
	else
		check OK "kernel verify: an image without a finished build fails"
	fi
	# a stamp as a finished build writes it (stamp_of is kernel.sh's own)
	BUILD=$b "$TOP/scripts/kernel.sh" stamp patched >"$out/build-stamp"
	v >/dev/null 2>&1 && check OK "kernel verify: the image of a finished build of the tree passes" ||
		check BAD "kernel verify: the image of a finished build of the tree passes" "$(v 2>&1)"
	# the tree moved on
	echo y >"$tree/new.c"
	git -C "$tree" -c user.name=t -c user.email=t@t commit -q -am "patch 1 v2"
	v >/dev/null 2>&1 && check BAD "kernel verify: an image of another revision fails" ||
		check OK "kernel verify: an image of another revision fails"
	git -C "$tree" reset -q --hard HEAD~1
	# the baseline's image stays its own while the tree is checked out at
	# the series (whose Kconfig differs) for another kind
	mkdir -p "$b/out/baseline/arch/x86/boot"
	echo image >"$b/out/baseline/arch/x86/boot/bzImage"
	git -C "$tree" checkout -q --detach base
	BUILD=$b "$TOP/scripts/kernel.sh" stamp baseline >"$b/out/baseline/build-stamp"
	git -C "$tree" checkout -q series
	BUILD=$b "$TOP/scripts/kernel.sh" verify baseline >/dev/null 2>&1 &&
		check OK "kernel verify: the baseline's image still passes with the tree at the series" ||
		check BAD "kernel verify: the baseline's image still passes with the tree at the series" \
			"$(BUILD=$b "$TOP/scripts/kernel.sh" verify baseline 2>&1)"
	# the image changed after the build
	echo other >"$out/arch/x86/boot/bzImage"
	v >/dev/null 2>&1 && check BAD "kernel verify: an image changed after its build fails" ||
		check OK "kernel verify: an image changed after its build fails"
}

# ---- scenarios.sh --check ----
scenario_checks() {
	local b=$TMP/sbuild res out exp=$TMP/expect
	res=$b/scenarios
	mkdir -p "$res/baseline/S2" "$res/patched/S2" "$res/baseline/S3a" "$res/patched/S3a"
	printf "status='ok'\nlanded='new-buffer'\niova_reused='1'\n" >"$res/baseline/S2/result.env"
	printf "status='ok'\nlanded='old-buffer'\niova_reused='0'\n" >"$res/patched/S2/result.env"
	printf "status='ok'\nlanded='kdump-memory'\n" >"$res/baseline/S3a/result.env"
	cat >"$exp" <<'EOF'
patched   *    status = ok
patched   S2   landed = old-buffer
baseline  S2   iova_reused = 1
patched   S3a  landed = dropped
EOF
	out=$(BUILD=$b "$HERE/scenarios.sh" --no-run --kernels "baseline patched" \
		--scenarios "S2 S3a" --check "$exp" 2>&1)
	grep -q '^FAIL: patched S3a: landed = dropped (no result: run missing)' <<<"$out" &&
		grep -q '^FAIL: patched S3a: status = ok (no result: run missing)' <<<"$out" &&
		check OK "scenarios: a run that left no result fails each of its rows" ||
		check BAD "scenarios: a run that left no result fails each of its rows" "$(grep -E '^(PASS|FAIL)' <<<"$out" | tr '\n' '|')"
	grep -q "^PASS: patched S2: landed = old-buffer \[separates: baseline has 'new-buffer'\]" <<<"$out" &&
		grep -q "^PASS: baseline S2: iova_reused = 1 \[separates: patched has '0'\]" <<<"$out" &&
		grep -q '^PASS: patched S2: status = ok$' <<<"$out" &&
		grep -q '^NOTE: scenario checks: 5, of which 2 separate' <<<"$out" &&
		check OK "scenarios: rows the other kernel fails are marked separating, the others not (2 of 5)" ||
		check BAD "scenarios: separating rows" "$(grep -E '^(PASS|FAIL|NOTE)' <<<"$out" | tr '\n' '|')"
}

# ---- boot-bench.sh: no "every run booted" PASS after a run that did not ----
boot_bench() {
	local b=$TMP/bbuild out
	mkdir -p "$b/bench/boot"
	{
		echo "run,kind,kdump_boot_s,status,wall_s,kdump_summary"
		echo '1,baseline,1.37,ok,7.3,""'
		echo '1,patched,1.79,ok,7.9,"DMAR: dmar0: kdump: adopted 3 devices, 100 us"'
		echo '2,baseline,,no-kdump-boot,7.3,""'
		echo '2,patched,1.80,ok,7.9,"DMAR: dmar0: kdump: adopted 3 devices, 100 us"'
	} >"$b/bench/boot/runs.csv"
	out=$(BUILD=$b "$HERE/boot-bench.sh" --no-run --gate info 2>&1)
	if grep -q '^FAIL: boot-bench: baseline: 1 run' <<<"$out" && ! grep -q '^PASS' <<<"$out"; then
		check OK "boot-bench: a run that did not boot fails, and no PASS line follows it"
	else
		check BAD "boot-bench: a run that did not boot fails, and no PASS line follows it" "$(grep -E '^(PASS|FAIL)' <<<"$out" | tr '\n' '|')"
	fi
}

kunit_report
kernel_verify
boot_bench
scenario_checks
. "$HERE/selftest-analyze.sh"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
