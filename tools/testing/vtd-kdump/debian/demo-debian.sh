#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # keys of result.env, which is sourced
#
# make demo-debian: the Debian user's path, end to end, side by side.
#
#   demo-debian.sh [--quick] [--scenarios "S1 S2 S3a S2@sm S3a@sm"]
#                  [--kinds "stock baseline patched"] [--no-build] [--no-run]
#                  [--no-bad]
#
# 1. make deb: the baseline and the patched 6.12 kernel as Debian packages
#    (scripts/deb-kernel.sh: Debian 13's config, localmodconfig), timed;
# 2. the Debian 13 guest with Debian's stock kernel and both packages
#    installed with dpkg, kdump-tools enabled (scripts/deb-image.sh), timed;
# 3. every scenario on every kind in the same guest (run-debian.sh;
#    SCENARIO@sm: QEMU x-scalable-mode=on and intel_iommu=on,sm_on), the
#    kinds interleaved per scenario so that the time ratios compare runs
#    made under the same load;
# 4. build/debian/results.md (the table) and results.csv, one PASS:/FAIL:
#    line per check (expectations below), build/debian/README-section.md
#    (the README's "Using it on a real machine", with the versions of
#    this run).  Exit status 1 if any check failed.
#
# 5. bad input: one more run of the last kind with crashkernel=16M, too
#    small for kdump-tools' capture kernel and initrd: the run must fail with
#    the guest's one line "kdump-tools did not load the capture kernel: ..."
#    (--no-bad: without it).
#
# --quick: S1 S2 S3a in legacy mode only.  --no-run: table and checks from
# the last runs.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
# shellcheck source=SCRIPTDIR/../../../../scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=SCRIPTDIR/../../../../scripts/deb-lib.sh
. "$TOP/scripts/deb-lib.sh"

scenarios="S1 S2 S3a S2@sm S3a@sm"
kinds="stock baseline patched"
build=1
run=1
bad=1
BAD_CK=16M
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) scenarios="S1 S2 S3a"; shift ;;
	--scenarios) scenarios=$2; shift 2 ;;
	--kinds) kinds=$2; shift 2 ;;
	--no-build) build=0; shift ;;
	--no-bad) bad=0; shift ;;
	--no-run) run=0; build=0; shift ;;
	-h | --help) sed -n '4,30p' "$0"; exit 0 ;;
	*) die "unknown option $1" ;;
	esac
done
bad_kind=${kinds##* }		# the bad-input run's kind: the last one

T0=$(date +%s)
mkdir -p "$DEB"
TIMES=$DEB/times.env
[ $run = 1 ] && : >"$TIMES"
stamp() { echo "$1=$2" >>"$TIMES"; }

if [ $build = 1 ]; then
	"$TOP/scripts/kernel.sh" tree 6.12 || die "kernel tree"
	log "base: $("$TOP/scripts/kernel.sh" version 6.12)"
	git -C "$LINUX" log --oneline base..series >&2
	for k in $kinds; do
		[ "$k" = stock ] && continue
		t=$(date +%s)
		"$TOP/scripts/deb-kernel.sh" build "$k" || die "make deb ($k) failed"
		stamp "deb_${k}_s" "$(($(date +%s) - t))"
		stamp "deb_${k}_make_s" "$(cat "$DEB_OUT/$k.time")"
	done
	t=$(date +%s)
	# shellcheck disable=SC2086 # a list of kinds
	"$TOP/scripts/deb-image.sh" build $kinds || die "guest image failed"
	stamp image_s "$(($(date +%s) - t))"
	# the module list make deb used, against the one this guest gave now
	if [ -s "$DEB/lsmod-stock.txt" ]; then
		d=$(diff <(grep -v '^#' "$TOP/config/debian-guest-lsmod.txt" | awk 'NR > 1 { print $1 }' | sort) \
			<(awk 'NR > 1 { print $1 }' "$DEB/lsmod-stock.txt" | sort) | grep '^[<>]' | tr '\n' ' ')
		log "module list of Debian's kernel in this guest: ${d:-the same as config/debian-guest-lsmod.txt}"
	fi
fi

if [ $run = 1 ]; then
	for s in $scenarios; do
		scen=${s%@*}
		var=legacy
		[ "$s" != "$scen" ] && var=${s#*@}
		for k in $kinds; do
			"$HERE/run-debian.sh" --variant "$var" "$k" "$scen"
		done
	done
	if [ $bad = 1 ]; then
			"$HERE/run-debian.sh" --crashkernel "$BAD_CK" "$bad_kind" S1
	fi
	stamp runs_s "$(($(date +%s) - T0))"
fi

# ---- the table and the checks
# shellcheck disable=SC1091
. "$DEB/image/kinds.env"
passed=0
failed=0
check() {		# check OK|BAD TEXT
	if [ "$1" = OK ]; then
		echo "PASS: $2"
		passed=$((passed + 1))
	else
		echo "FAIL: $2"
		failed=$((failed + 1))
	fi
}
# expectation of kind $1 in scenario $2: the landed value
expect_landed() {
	case "$2:$1" in
	S1:*) echo old-buffer ;;
	S2:patched) echo old-buffer ;;
	S2:*) echo new-buffer ;;		# 6.12: the old IOVA handed out again
	S3a:patched) echo dropped ;;
	S3a:*) echo kdump-memory ;;		# 6.12: the damaged leaf used
	*) echo '?' ;;
	esac
}

MD=$DEB/results.md
CSV=$DEB/results.csv
keys="status landed dmar_faults edu_quarantined new_iova iova_reused new_dma dump_saved dump_verified crash_bt fsck capture_to_saved_s capture_init_s kdump_summary guest_kdump_log guest_dmesg_panic wall_s error"
echo "scenario,kind,kver,$(echo "$keys" | tr ' ' ',')" >"$CSV"
{
	echo "| scenario | $(for k in $kinds; do printf '%s (%s) | ' "$k" "$(v=KVER_$k; echo "${!v}")"; done | sed 's/ | $//') |"
	echo "|---$(for _ in $kinds; do printf '|---'; done)|"
} >"$MD"
for s in $scenarios; do
	scen=${s%@*}
	name=$scen
	[ "$s" != "$scen" ] && name=$scen-${s#*@}
	row="| $name |"
	stock_t=
	for k in $kinds; do
		f=$DEB/runs/$k/$name/result.env
		if [ ! -f "$f" ]; then
			row="$row - |"
			check BAD "$k $name: not run"
			continue
		fi
		(
			# shellcheck disable=SC1090
			. "$f"
			line="$name,$k,$kver"
			for key in $keys; do line="$line,\"${!key:-}\""; done
			echo "$line" >>"$CSV"
		)
		# shellcheck disable=SC1090
		status='' landed='' dmar_faults='' edu_quarantined='' new_iova='' iova_reused='' new_dma='' \
			dump_saved='' dump_verified='' crash_bt='' fsck='' capture_to_saved_s='' kdump_summary='' \
			guest_kdump_log='' guest_dmesg_panic='' check_pa_in_initrd='' error='' guest_adoption='' journal_summary='' last_line=''
		# shellcheck disable=SC1090
		. "$f"
		[ "$k" = stock ] && stock_t=$capture_to_saved_s
		if [ "$status" != ok ]; then
			row="$row **$status**: ${error:-$last_line} |"
			check BAD "$k $name: $status: ${error:-$last_line}"
			continue
		fi
		cell=$landed
		[ "$edu_quarantined" = yes ] && cell="$cell, edu quarantined"
		if [ "$scen" = S2 ]; then
			if [ "$iova_reused" = 1 ]; then
				cell="$cell, **old IOVA $new_iova reused**"
			else
				cell="$cell, new IOVA $new_iova"
			fi
			cell="$cell, new DMA $new_dma"
		fi
		want=$(expect_landed "$k" "$scen")
		[ "$landed" = "$want" ] || cell="**$cell**"
		cell="$cell; $dmar_faults faults; dump saved $dump_saved, opened $dump_verified"
		[ "$crash_bt" = ok ] && cell="$cell (crash bt)"
		ratio=
		if [ -n "$stock_t" ] && [ -n "$capture_to_saved_s" ]; then
			ratio=$(awk -v a="$capture_to_saved_s" -v b="$stock_t" 'BEGIN { printf "%.2f", a / b }')
		fi
		cell="$cell; capture to saved ${capture_to_saved_s:-?} s"
		[ "$k" != stock ] && [ -n "$ratio" ] && cell="$cell (${ratio}x stock)"
		row="$row $cell |"
		# the checks
		if [ "$landed" = "$want" ]; then
			check OK "$k $name: stale DMA landed: $landed"
		else
			check BAD "$k $name: stale DMA landed: $landed (expected $want)"
		fi
		ok=BAD
		[ "$dump_saved" = yes ] && [ "$dump_verified" = yes ] && [ "$guest_dmesg_panic" = yes ] && ok=OK
		check $ok "$k $name: kdump-tools saved the dump ($dump_saved) and dmesg (shows the panic: $guest_dmesg_panic), the dump opens and shows the panic ($dump_verified)"
		ok=BAD
		[ "$fsck" = 0 ] && ok=OK
		check $ok "$k $name: root ext4 after the sequence: e2fsck -fn exit $fsck"
		if [ "$scen" = S3a ]; then
			# the damaged leaf's target is a page of the retained
			# capture initrd (kdump memory that nothing uses)
			ok=BAD
			[ "${check_pa_in_initrd:-}" = yes ] && ok=OK
			check $ok "$k $name: the damaged leaf's target is in the capture kernel's retained initrd (${check_pa_in_initrd:-no line})"
		fi
		case "$k" in
		patched)
			ok=BAD
			[ -n "$kdump_summary" ] && [ "$guest_kdump_log" = summary ] && [ -n "$journal_summary" ] && ok=OK
			check $ok "$k $name: summary line on the console ('$kdump_summary'), in the capture kernel's log ($guest_kdump_log), in journalctl -k -b -1 ('$journal_summary')"
			ok=OK
			case "$guest_adoption" in '' | no\ * | absent) ok=BAD ;; esac
			check $ok "$k $name: kdump_adoption kept by the drop-in: ${guest_adoption:-none}"
			ok=BAD
			[ "$dmar_faults" = 0 ] && ok=OK
			check $ok "$k $name: DMAR faults: $dmar_faults"
			if [ "$scen" = S2 ]; then
				ok=BAD
				[ "$iova_reused" = 0 ] && [ "$new_dma" = ok ] && ok=OK
				check $ok "$k $name: the kdump driver's new IOVA $new_iova (old one reused: $iova_reused), its DMA: $new_dma"
			fi
			if [ "$scen" = S3a ]; then
				ok=BAD
				[ "$edu_quarantined" = yes ] && ok=OK
				check $ok "$k $name: edu quarantined: $edu_quarantined"
			fi
			;;
		esac
	done
	echo "$row" >>"$MD"
done
if [ $bad = 1 ]; then
	f=$DEB/runs/$bad_kind/S1-ck$BAD_CK/result.env
	status='' error=''
	# shellcheck disable=SC1090
	[ -f "$f" ] && . "$f"
	ok=BAD
	[ "$status" = kdump-not-ready ] && [[ "$error" == "kdump-tools did not load the capture kernel: "* ]] && ok=OK
	check $ok "$bad_kind S1 with crashkernel=$BAD_CK: the run fails with one line (status ${status:-not run}): ${error:-none}"
	{
		echo
		echo "Bad input, $bad_kind with \`crashkernel=$BAD_CK\` (too small for kdump-tools' capture kernel and initrd): status \`${status:-not run}\`, the run's one line: \`${error:-none}\`"
	} >>"$MD"
fi
{
	echo
	echo "Cells: where edu's stale DMA to its old IOVA landed in the capture kernel"
	echo "(old-buffer: the crashed kernel's buffer, as intended; new-buffer: the"
	echo "capture kernel's driver's new buffer; kdump-memory: the capture kernel's own"
	echo "memory; dropped: nowhere), DMAR fault records in the capture kernel's log,"
	echo "whether kdump-tools saved /var/crash/<stamp>/dump.<stamp> and the dump opens"
	echo "(crash 8.0.6 \`log\`/\`bt\` with the vmlinux of the package's -dbg) and shows"
	echo "the sysrq panic, and the host time from the capture kernel's first console line"
	echo "to kdump-tools' \"saved vmcore\" line, with its ratio to the stock kernel's run of"
	echo "the same scenario (made next to it).  Bold: differs from what the kind must show."
} >>"$MD"
if [ -s "$TIMES" ]; then
	# shellcheck disable=SC1090
	. "$TIMES"
	{
		echo
		echo "Times of this run (2 cores, TCG):$(for k in $kinds; do v=deb_${k}_make_s; [ -n "${!v:-}" ] && printf ' make bindeb-pkg %s %s s;' "$k" "${!v}"; done) guest image ${image_s:-?} s; all runs and builds ${runs_s:-?} s."
	} >>"$MD"
fi
"$HERE/readme-section.sh" >"$DEB/README-section.md" || check BAD "README section"
echo
cat "$MD"
echo
echo "wall time: $(($(date +%s) - T0)) s"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
