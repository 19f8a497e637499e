#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IOVA allocation cost after seeding (issue 4, "measured cost"): boots the
# patched kernel under QEMU with vtdk.scenario=iova-bench, which loads
# vtdk_iova_bench.ko (tools/testing/vtd-kdump/iova-bench) in the primary
# kernel, and judges what it prints.
#
#   iova-bench.sh [--kernel KIND] [--limit R] [--args "reps=31 ops=4096"]
#                 [--timeout S] [--no-run]
#
#   --kernel   kernel kind (default patched; baseline works too)
#   --limit    target for seeded/unseeded time ratio (default 1.2)
#   --args     module parameters (see the module; default: its defaults,
#              ranges 0,1,1024,65536, 31 repetitions of 4096 mappings)
#   --no-run   only judge the last run's console
#
# One line per seeded range count of the judged measurement, "tree" (256
# mappings outstanding, alloc_iova()/free_iova(): the rcache-miss path,
# with iommu_map()/iommu_unmap()):
#   PASS|FAIL: iova-bench tree ranges=N: time ratio R <= LIMIT (...)
# and "info:" lines (not judged) for pair, batch (rcache), alloc (allocator
# alone) and the seeding time (reserve_iova() of the N ranges).  Exit status
# 1 on a FAIL.  The run works in build/bench/iova (its own BUILD folder, so
# that it never touches build/scenarios); results.md there.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
MAIN_BUILD=${BUILD:-$TOP/build}
WORK=$MAIN_BUILD/bench/iova

kind=patched
limit=1.2
args=
timeout_s=600
run=1
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kind=$2; shift 2 ;;
	--limit) limit=$2; shift 2 ;;
	--args) args=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--no-run) run=0; shift ;;
	-h | --help) sed -n '4,26p' "$0"; exit 0 ;;
	*) echo "iova-bench.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

log=$WORK/scenarios/$kind/iova-bench/console.log
if [ $run = 1 ]; then
	# a BUILD folder of its own that sees the kernels and the tree
	mkdir -p "$WORK"
	for d in out linux; do
		ln -sfn "$MAIN_BUILD/$d" "$WORK/$d"
	done
	t0=$(date +%s)
	if ! BUILD=$WORK VTDK_IOVA_BENCH=1 VTDK_IOVA_BENCH_ARGS=$args \
		"$TOP/scripts/initramfs.sh" "$kind" "$WORK/initramfs-$kind.cpio.gz" >&2; then
		echo "FAIL: iova-bench: initramfs with vtdk_iova_bench.ko failed to build"
		exit 1
	fi
	BUILD=$WORK "$HERE/run-qemu.sh" --timeout "$timeout_s" --no-dump \
		--initramfs "$WORK/initramfs-$kind.cpio.gz" "$kind" iova-bench >&2
	echo "iova-bench: run took $(($(date +%s) - t0)) s (console: $log)"
fi
[ -f "$log" ] || { echo "FAIL: iova-bench: no console log $log"; exit 1; }

b=$(tr -d '\r' <"$log" | grep -o 'VTDK-BENCH .*')
if ! grep -q '^VTDK-BENCH done rc=0' <<<"$b"; then
	last=$(tr -d '\r' <"$log" | grep -E 'VTDK-(BENCH|ERROR)' | tail -n 3 | tr '\n' ' ' | cut -c1-300)
	echo "FAIL: iova-bench: the module did not finish (last lines: ${last:-none})"
	exit 1
fi
echo "PASS: iova-bench: vtdk_iova_bench ran to the end ($(grep -o 'start .*' <<<"$b" | head -n1))"

# key=value of a VTDK-BENCH line
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

md=$WORK/results.md
{
	echo "| mode | ranges | median (ms per $(val ops "$(grep -m1 '^VTDK-BENCH result' <<<"$b")") maps) | ops/s | time ratio vs 0 | seeding (reserve_iova) | last batch (pfns) |"
	echo "|---|---|---|---|---|---|---|"
} >"$md"
fails=0
for mode in tree pair batch alloc; do
	ref=$(grep "^VTDK-BENCH result mode=$mode ranges=0 " <<<"$b")
	[ -n "$ref" ] || continue
	ref_ns=$(val median_ns "$ref")
	while read -r line; do
		n=$(val ranges "$line")
		ns=$(val median_ns "$line")
		ops=$(val ops_per_s "$line")
		setup=$(grep "^VTDK-BENCH setup ranges=$n " <<<"$b")
		setup_s=$(awk -v x="$(val reserve_ns "$setup")" 'BEGIN { printf "%.3f s", x / 1e9 }')
		ratio=$(awk -v a="$ns" -v b="$ref_ns" 'BEGIN { printf "%.3f", a / b }')
		ms=$(awk -v a="$ns" 'BEGIN { printf "%.2f", a / 1e6 }')
		echo "| $mode | $n | $ms | $ops | $ratio | $setup_s | $(val pfns "$line") |" >>"$md"
		[ "$n" = 0 ] && continue
		what="$mode ranges=$n: time ratio $ratio (seeded $ops ops/s, unseeded $(val ops_per_s "$ref") ops/s)"
		if [ "$mode" = tree ]; then
			if awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r <= l) }'; then
				echo "PASS: iova-bench $what <= $limit"
			else
				echo "FAIL: iova-bench $what > $limit"
				fails=$((fails + 1))
			fi
		else
			echo "info: iova-bench $what (not judged)"
		fi
	done < <(grep "^VTDK-BENCH result mode=$mode " <<<"$b")
done
while read -r line; do
	n=$(val ranges "$line")
	[ "$n" = 0 ] && continue
	echo "info: iova-bench seeding ranges=$n: reserve_iova() of the ranges took $(awk -v x="$(val reserve_ns "$line")" 'BEGIN { printf "%.3f s", x / 1e9 }')"
done < <(grep '^VTDK-BENCH setup ' <<<"$b")
echo
cat "$md"
echo "results: $md"
[ $fails = 0 ]
