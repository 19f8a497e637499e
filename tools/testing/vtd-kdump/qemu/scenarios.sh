#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # keys of result.env, which is sourced
#
# Run the vtd-kdump crash-capture scenarios under QEMU and tabulate them.
#
#   scenarios.sh [--kernels "baseline patched debian"] [--scenarios "S1 S2@sm ..."]
#                [--only KIND "S1 S2 ..."] [--quick] [--check [FILE]] [--no-run]
#                [--timeout S] [--jobs N]
#
#   --kernels    kernel kinds (default "baseline patched"; debug is the
#                patched kernel with lockdep and sleep-in-atomic checks, held
#                to the patched kernel's expectations; debian is optional:
#                Debian's linux-image-6.12.107+deb12-amd64-unsigned)
#   --scenarios  SCENARIO[@VARIANT] words (default: the full set below);
#                VARIANT is sm, aw48, cm, pt, fl or a '+' combination
#                (run-qemu.sh)
#   --only       run only these scenarios on KIND (e.g. a subset on debug)
#   --quick      only S1 S2 S3a (legacy mode)
#   --check      compare with expectations (default expectations.txt beside
#                this script): one PASS:/FAIL: line per check, exit 1 on a FAIL
#   --no-run     only rebuild the table (and checks) from earlier runs
#   --jobs N     runs at a time (default 1); W runs always go alone
#
# A kind whose kernel image is missing or not from a finished build of the
# tree as it stands (scripts/kernel.sh verify) makes none of its runs: a
# FAIL line, and every check of its runs fails for want of a result.  The
# result folders of the runs to make are emptied first: results come only
# from this run.
#
# Results: build/scenarios/KIND/NAME/ (see run-qemu.sh), the table on stdout
# and in build/scenarios/results.md and results.csv; W (frames into an e1000
# across every window) also per window in results-w.md.
set -uo pipefail
# expectations.txt may name scenarios with extglob patterns
shopt -s extglob
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
RES=$BUILD/scenarios

FULL="S1 S2 S3a S3b S3c S3d S2@sm S3a@sm S3b@sm S3c@sm S3d@sm S2@fl S3a@fl S3b@fl S3c@fl S3d@fl S2@aw48 S3a@aw48 S3b@aw48 S3c@aw48 S1@pt S2@pt S5 S5@kpt S5@sm R R@sm R@fl R@aw48 S1@id S2@id S2@sm+id S3a@id S1@idneg S1@off S1@swiotlb W W@sm W@skew"
QUICK="S1 S2 S3a S1@id"
kernels="baseline patched"
scenarios=$FULL
check=
run=1
timeout_opt=()
declare -A only

while [ $# -gt 0 ]; do
	case "$1" in
	--kernels) kernels=$2; shift 2 ;;
	--scenarios) scenarios=$2; shift 2 ;;
	--only) only[$2]=$3; shift 3 ;;
	--quick) scenarios=$QUICK; shift ;;
	--check)
		if [ $# -gt 1 ] && [ -f "$2" ]; then
			check=$2
			shift 2
		else
			check=$HERE/expectations.txt
			shift
		fi
		;;
	--no-run) run=0; shift ;;
	--timeout) timeout_opt=(--timeout "$2"); shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	-h | --help) sed -n '4,29p' "$0"; exit 0 ;;
	*) echo "scenarios.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# the scenarios KIND runs: --only's list, or all of them
runs_of() {
	echo "${only[$1]:-$scenarios}"
}

# the kind whose expectations KIND is held to: debug is the patched kernel
expect_kind() {
	case "$1" in
	debug | patched-7.3) echo patched ;;
	baseline-7.3) echo baseline ;;
	fix1-7.3) echo fix1 ;;
	*) echo "$1" ;;
	esac
}

kernel_image() {
	case "$1" in
	debian | debian-primary) echo "/boot/vmlinuz-${DEBIAN_KVER:-6.12.107+deb12-amd64}" ;;
	*) echo "$BUILD/out/$1/arch/x86/boot/bzImage" ;;
	esac
}

name_of() {			# S2@sm -> S2-sm
	local s=${1%%@*} v=
	[[ "$1" == *@* ]] && v=${1#*@}
	if [ -z "$v" ] || [ "$v" = legacy ]; then echo "$s"; else echo "$s-${v//+/-}"; fi
}

mkdir -p "$RES"
harness_fail=0
t_all=$(date +%s)
# One run of run-qemu.sh.  A run that hangs (no poweroff before the
# timeout; under TCG on a loaded 2-core host the guest's clock can stall,
# "sched: DL replenish lagged too much") is run once more: the first hang
# is printed as a RETRY: line with its last console line and kept in
# NAME.hang/, the second run's verdict is the one that counts.  Hangs that
# come back fail as before.
[ -n "${jobs:-}" ] || jobs=1
run_scenario() {
	local kind=$1 s=$2 v=$3 initrd=$4 out rc dir args
	args=("${timeout_opt[@]}" --initramfs "$initrd" --variant "$v" "$kind" "$s")
	out=$("$HERE/run-qemu.sh" "${args[@]}")
	rc=$?
	if [ $rc != 0 ] && grep -q '^FAIL: .*: HANG in the ' <<<"$out"; then
		dir=$RES/$kind/$(name_of "$s@$v")
		rm -rf "$dir.hang"
		[ -d "$dir" ] && mv "$dir" "$dir.hang"
		# shellcheck disable=SC2001 # at line starts only
		sed 's/^FAIL: /RETRY: /' <<<"$out"
		"$HERE/run-qemu.sh" "${args[@]}"
		return
	fi
	printf '%s\n' "$out"
	return $rc
}

# Each run prints its "done:" line (or FAIL: lines) when it ends; a run
# whose run-qemu.sh exits non-zero without a FAIL: line of its own gets one
# here, so that no failed run goes uncounted.
run_one() {		# run_one KIND SCENARIO VARIANT INITRD OUTFILE
	local out rc
	out=$(run_scenario "$1" "$2" "$3" "$4" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [ $rc != 0 ] && ! grep -q '^FAIL: ' <<<"$out"; then
		echo "FAIL: $1 $(name_of "$2@$3"): run-qemu.sh exited $rc: $(tail -n 1 <<<"$out")"
	fi
}

# Runs go $jobs at a time (a TCG guest keeps about one host core busy);
# W runs go alone, after the others: their host sender keeps a fixed frame
# rate and their windows are judged by host time.
declare -a queue_a queue_w
if [ $run = 1 ]; then
	for kind in $kernels; do
		img=$(kernel_image "$kind")
		case "$kind" in
		debian | debian-primary) verified=1 ;;
		*) verified=0 ;;
		esac
		if [ ! -f "$img" ]; then
			echo "FAIL: $kind: no kernel image $img (its build failed or did not run): none of its runs made"
			harness_fail=1
			continue
		fi
		if [ $verified = 0 ] && ! why=$("$TOP/scripts/kernel.sh" verify "$kind" 2>&1); then
			echo "FAIL: $(tail -n 1 <<<"$why"): none of its runs made"
			harness_fail=1
			continue
		fi
		# results come only from this run
		for sv in $(runs_of "$kind"); do
			rm -rf "${RES:?}/$kind/$(name_of "$sv")" "$RES/$kind/$(name_of "$sv").hang"
		done
		initrd=$RES/$kind/initramfs.cpio.gz
		"$TOP/scripts/initramfs.sh" "$kind" "$initrd" || {
			echo "FAIL: $kind: initramfs build failed: none of its runs made"
			harness_fail=1
			continue
		}
		for sv in $(runs_of "$kind"); do
			s=${sv%%@*}
			v=legacy
			[[ "$sv" == *@* ]] && v=${sv#*@}
			if [ "$s" = W ]; then
				queue_w+=("$kind $s $v $initrd")
			else
				queue_a+=("$kind $s $v $initrd")
			fi
		done
	done
	tmpd=$(mktemp -d)
	n=0
	running=0
	for job in "${queue_a[@]}"; do
		# shellcheck disable=SC2086 # four words
		set -- $job
		if [ $running -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
			for f in "$tmpd"/*.done; do
				[ -e "$f" ] || continue
				cat "${f%.done}.out"
				rm -f "$f" "${f%.done}.out"
			done
		fi
		n=$((n + 1))
		( run_one "$@" >"$tmpd/$n.out"; : >"$tmpd/$n.done" ) &
		running=$((running + 1))
	done
	wait
	for f in "$tmpd"/*.done; do
		[ -e "$f" ] || continue
		cat "${f%.done}.out"
	done
	rm -rf "$tmpd"
	for job in "${queue_w[@]}"; do
		# shellcheck disable=SC2086 # four words
		run_one $job
	done
fi
t_all=$(($(date +%s) - t_all))
# this run's hangs (the result folders of its runs were emptied first)
retries=0
[ $run = 1 ] && retries=$(for kind in $kernels; do
	for sv in $(runs_of "$kind"); do
		[ -d "$RES/$kind/$(name_of "$sv").hang" ] && echo x
	done
done | wc -l)
[ "$retries" = 0 ] || echo "NOTE: $retries scenario run(s) hung once and were run again (RETRY: lines above)"

# ---- table ----
cols=(scenario kernel status dmar_faults landed kdump_mem_written dump kdump_boot_s quarantine new_iova summary new_dma sata_io splats wall_s)
md=$RES/results.md
csv=$RES/results.csv
{
	echo "| scenario | kernel | status | DMAR faults | stale DMA landed | written in kdump memory | dump captured/verified | kdump boot (s) | quarantine lines | old → new IOVA | kdump summary | new DMA | SATA I/O | splats primary/kdump (first) | wall (s) |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$md"
(IFS=,; echo "${cols[*]},old_iova,tables_copied,w_old_buf,w_new_buf,w_iova_as_pa,w_check_pa,dump_old_buf,corrupt,pt_walk,qemu_vtd_msgs,stale_dma,already_set_lines,kdump_errors,first_splat,primary_sata_io,w_sent,w_consumed,w_landed_old,w_landed_new,w_lost,w_dropped,w_post_attach_not_old,w_faults_before_reset") >"$csv"

for sv in $scenarios; do
	name=$(name_of "$sv")
	for kind in $kernels; do
		env=$RES/$kind/$name/result.env
		[ -f "$env" ] || continue
		(
			# shellcheck disable=SC1090
			. "$env"
			dump="$dump_captured/$dump_verified"
			q="$quarantine_lines"
			[ "$edu_quarantined" = yes ] && q="$q (edu)"
			iova="${old_iova:-?}"
			[ -n "$new_iova" ] && iova="$iova → $new_iova"
			landed_c=$landed
			[ "$stale_dma" = timeout ] && landed_c="$landed (edu DMA timed out)"
			[ "$scenario" = W ] && landed_c="frames of the e1000: ${w_landed_old:--} old buffers, ${w_landed_new:--} new buffers, ${w_lost:--} lost, ${w_dropped:--} dropped, of ${w_sent:--}$([ "${w_skipped_desc:-0}" != 0 ] && echo " (and ${w_skipped_desc} descriptors skipped without a frame)"); after the attach ${w_post_attach_old:--}/${w_post_attach_new:--}/${w_post_attach_lost:--}/${w_post_attach_dropped:--}"
			st=$status
			[ "$status" = kdump-panic ] && st="kdump-panic: $kdump_panic"
			# keys added later: absent in older result.env files
			nd=${new_dma:-none}
			[ "$nd" = none ] && nd=-
			splats="${primary_splats:-?}/${kdump_splats:-?}"
			[ "${already_set_lines:-0}" != 0 ] && splats="$splats, $already_set_lines already-set"
			[ -n "${first_splat:-}" ] && splats="$splats ($(echo "$first_splat" | cut -c1-90 | sed 's/|/\\|/g'))"
			echo "| $name | $kind | $st | $dmar_faults | $landed_c | $kdump_mem_written | $dump | ${kdump_boot_s:--} | $q | $iova | ${kdump_summary:--} | $nd | ${sata_io:--} | $splats | $wall_s |" >>"$md"
			csvq() { printf '"%s"' "${1//\"/\"\"}"; }
			{
				for v in "$name" "$kind" "$status" "$dmar_faults" "$landed" "$kdump_mem_written" "$dump" \
					"$kdump_boot_s" "$quarantine_lines" "$new_iova" "$kdump_summary" "${new_dma:-}" \
					"${sata_io:-}" "${primary_splats:-}/${kdump_splats:-}" "$wall_s" \
					"$old_iova" "$tables_copied" "${w_old_buf:-}" "${w_new_buf:-}" "${w_iova_as_pa:-}" \
					"${w_check_pa:-}" "${dump_old_buf:-}" "$corrupt" "$pt_walk" "$qemu_vtd_msgs" \
					"${stale_dma:-}" "${already_set_lines:-}" "${kdump_errors:-}" "${first_splat:-}" \
					"${primary_sata_io:-}" "${w_sent:-}" "${w_consumed:-}" "${w_landed_old:-}" \
					"${w_landed_new:-}" "${w_lost:-}" "${w_dropped:-}" "${w_post_attach_not_old:-}" \
					"${w_faults_before_reset:-}"; do
					csvq "$v"
					printf ,
				done
				echo
			} | sed 's/,$//' >>"$csv"
		)
	done
done

# ---- the DMA setups side by side: one column per design ----
modes=$RES/results-modes.md
cell() {			# cell KIND NAME
	local env=$RES/$1/$2/result.env
	[ -f "$env" ] || { echo "-"; return; }
	(
		# shellcheck disable=SC1090
		. "$env"
		c="landed: $landed"
		[ "$landed_in_crash" = yes ] && c="$c (in the crash region)"
		[ "$landed_in_crash" = no ] && c="$c (outside the crash region)"
		[ "$kdump_mem_written" = yes ] && c="$c, **kdump memory written**"
		[ -n "$new_iova" ] && c="$c, new DMA address $new_iova"
		[ "$iova_reused" = 1 ] && c="$c (**old IOVA reused**)"
		c="$c; $dmar_faults faults; dump $dump_captured/$dump_verified"
		[ "$id_kept" = yes ] && c="$c; IOMMU left as found"
		[ "$id_refused_lines" != 0 ] && c="$c; identity refused, devices named: $id_refused_lines$([ "$id_refused_edu" = yes ] && echo ", edu among them"), tables adopted"
		[ -n "$id_primary_pages" ] && c="$c; primary page-table pages per domain: $id_primary_pages"
		[ "$status" != ok ] && c="status $status; $c"
		echo "$c"
	)
}
{
	echo "| scenario | 6.12 baseline | main series (adopt the old tables) | kdump IO rule (intel_iommu=kdump_identity) |"
	echo "|---|---|---|---|"
	echo "| S1 stale DMA | $(cell baseline S1) | $(cell patched S1) | $(cell patched S1-id) |"
	echo "| S2 kdump driver maps a new buffer | $(cell baseline S2) | $(cell patched S2) | $(cell patched S2-id) |"
	echo "| S2, scalable mode | $(cell baseline S2-sm) | $(cell patched S2-sm) | $(cell patched S2-sm-id) |"
	echo "| S3a old leaf points into the crash region | $(cell baseline S3a) | $(cell patched S3a) | $(cell patched S3a-id) |"
	echo "| S3a, scalable mode | $(cell baseline S3a-sm) | $(cell patched S3a-sm) | - |"
	echo "| primary without the option, kdump kernel with it | $(cell baseline S1-idneg) | - | $(cell patched S1-idneg) |"
	echo "| no IOMMU (intel_iommu=off) | $(cell baseline S1-off) | $(cell patched S1-off) | - |"
	echo "| no IOMMU, swiotlb=force | $(cell baseline S1-swiotlb) | $(cell patched S1-swiotlb) | - |"
} >"$modes"

# ---- the matrix: one row per scenario, one column per kernel kind ----
matrix=$RES/results-matrix.md
mcell() {			# mcell KIND NAME
	local env=$RES/$1/$2/result.env
	[ -f "$env" ] || { echo "-"; return; }
	(
		# shellcheck disable=SC1090
		. "$env"
		c="$landed"
		[ "$scenario" = W ] && c="frames old/new/lost/dropped ${w_landed_old:--}/${w_landed_new:--}/${w_lost:--}/${w_dropped:--}, after the attach ${w_post_attach_old:--}/${w_post_attach_new:--}/${w_post_attach_lost:--}/${w_post_attach_dropped:--}"
		[ "$kdump_mem_written" = yes ] && c="$c, **kdump memory written**"
		[ "$iova_reused" = 1 ] && c="$c, **old IOVA reused**"
		[ "$edu_quarantined" = yes ] && c="$c, edu quarantined"
		c="$c; $dmar_faults faults"
		[ "${kdump_splats:-0}" != 0 ] && c="$c; **$kdump_splats splats**"
		[ "${already_set_lines:-0}" != 0 ] && c="$c (${already_set_lines} already set)"
		[ -n "${new_dma:-}" ] && [ "$new_dma" != none ] && c="$c; new DMA $new_dma"
		[ "$scenario" = R ] && c="$c; ext4 fsck ${r_fsck:-?}, NVMe ${nvme_io:-?}"
		c="$c; dump $dump_captured/$dump_verified"
		[ -n "${kdump_boot_s:-}" ] && c="$c; /init $(printf %.2f "$kdump_boot_s") s"
		[ "$status" != ok ] && c="**$status**; $c"
		echo "$c"
	)
}
{
	printf '| scenario |'
	for kind in $kernels; do printf ' %s |' "$kind"; done
	printf '\n|---|'
	for kind in $kernels; do printf -- '---|'; done
	printf '\n'
	for sv in $scenarios; do
		name=$(name_of "$sv")
		printf '| %s |' "$name"
		for kind in $kernels; do printf ' %s |' "$(mcell "$kind" "$name")"; done
		printf '\n'
	done
} >"$matrix"

# ---- W: the e1000's frames per window ----
wmd=$RES/results-w.md
wwin=(pre_panic kexec boot adopted pre_attach attach post_attach)
{
	echo "Frames the host sent into the e1000 at a fixed rate, per window (by send time): sent: landed in the crashed kernel's buffers / in the kdump driver's new buffers / lost (consumed by the NIC, found in neither) / dropped (never consumed: the NIC could read no descriptor)."
	echo
	printf '| scenario | kernel | rate (/s) | sent / consumed |'
	for w in "${wwin[@]}"; do printf ' %s |' "$w"; done
	printf ' DMAR faults before the reset | new IOVAs = old (ring, buffers) |\n|---|---|---|---|'
	for w in "${wwin[@]}"; do printf -- '---|'; done
	printf -- '---|---|\n'
	for sv in $scenarios; do
		[ "${sv%%@*}" = W ] || continue
		name=$(name_of "$sv")
		for kind in $kernels; do
			env=$RES/$kind/$name/result.env
			[ -f "$env" ] || continue
			(
				# shellcheck disable=SC1090
				. "$env"
				printf '| %s | %s | %s | %s / %s |' "$name" "$kind" "${w_rate:--}" "${w_sent:--}" "${w_consumed:--}"
				for w in "${wwin[@]}"; do
					eval "printf ' %s: %s/%s/%s/%s |' \"\${w_${w}_sent:--}\" \"\${w_${w}_old:--}\" \"\${w_${w}_new:--}\" \"\${w_${w}_lost:--}\" \"\${w_${w}_dropped:--}\""
				done
				printf ' %s | %s, %s |\n' "${w_faults_before_reset:--}" "${w_ring_iova_reused:--}" "${w_buf_iova_reused:--}"
			)
		done
	done
} >"$wmd"

echo
cat "$md"
echo
cat "$modes"
echo
cat "$wmd"
echo
echo "results: $md $modes $matrix $wmd $csv"
[ $run = 1 ] && echo "scenario set took ${t_all}s"

# ---- checks ----
# the kind of the same base that a check of KIND is also tried on: the
# baseline for the patched kinds, the patched kernel for the baseline
other_kind() {
	case "$1" in
	patched | debug | fix1) echo baseline ;;
	baseline) echo patched ;;
	patched-7.3 | debug-7.3 | fix1-7.3) echo baseline-7.3 ;;
	baseline-7.3) echo patched-7.3 ;;
	esac
}
# check_env ENV KEY OP VALUE: 0 if ENV's KEY passes; prints what it got
check_env() {
	local got ok=0
	got=$(
		# shellcheck disable=SC1090
		. "$1"
		eval "echo \"\${$2-__missing__}\""
	)
	case "$3" in
	=) [ "$got" = "$4" ] && ok=1 ;;
	!=) [ "$got" != "$4" ] && [ "$got" != __missing__ ] && ok=1 ;;
	'~') echo "$got" | grep -qE -- "$4" && ok=1 ;;
	*) got="bad operator '$3'" ;;
	esac
	echo "$got"
	[ $ok = 1 ]
}
fails=0
nchecks=0
nsep=0
if [ -n "$check" ]; then
	echo
	while read -r ckind cscen key op val; do
		case "$ckind" in '' | '#'*) continue ;; esac
		for kind in $kernels; do
			# KIND of a row: a kind (its base's kernels too), KIND@BASE,
			# or =KIND (that kind alone)
			base=6.12
			case "$kind" in *-7.3) base=7.3 ;; esac
			if [ "${ckind#=}" != "$ckind" ]; then
				[ "$kind" = "${ckind#=}" ] || continue
			else
				# shellcheck disable=SC2254
				case "$(expect_kind "$kind")@$base" in $ckind@* | $ckind) ;; *) continue ;; esac
			fi
			for sv in $(runs_of "$kind"); do
				name=$(name_of "$sv")
				# shellcheck disable=SC2254
				case "$name" in $cscen) ;; *) continue ;; esac
				nchecks=$((nchecks + 1))
				env=$RES/$kind/$name/result.env
				if [ ! -f "$env" ]; then
					echo "FAIL: $kind $name: $key $op $val (no result: run missing)"
					fails=$((fails + 1))
					continue
				fi
				if got=$(check_env "$env" "$key" "$op" "$val"); then
					# does the other kernel of the base fail it?
					sep=
					okind=$(other_kind "$kind")
					oenv=$RES/$okind/$name/result.env
					# (a value the other kernel did not measure, such as a
					# crash run it does not get, separates nothing)
					if [ -n "$okind" ] && [ -f "$oenv" ] &&
						! ogot=$(check_env "$oenv" "$key" "$op" "$val"); then
						case "$ogot" in
						__missing__ | none* | n/a) ;;
						*)
							sep=" [separates: $okind has '$ogot']"
							nsep=$((nsep + 1))
							;;
						esac
					fi
					echo "PASS: $kind $name: $key $op $val$sep"
				else
					echo "FAIL: $kind $name: $key $op $val (got '$got')"
					fails=$((fails + 1))
				fi
			done
		done
	done <"$check"
	echo "checks: $fails failed"
	echo "NOTE: scenario checks: $nchecks, of which $nsep separate patched from baseline (the other kernel of the base, run on the same scenario, fails them)"
fi
[ $fails = 0 ] && [ $harness_fail = 0 ]
