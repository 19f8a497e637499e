#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2154 # keys of result.env, which is sourced
#
# Read what one run of run-debian.sh left in DIR (the console with host
# times, the run's disk) and append the facts to DIR/result.env (KEY=value,
# sourceable).  It records; the table (demo-debian.sh) and the checks judge.
#
#   analyze-debian.sh DIR
#
# The console is split at the kernel banners: the primary (or the first
# boot for prep), the capture kernel kdump-tools loaded, the rebooted system.
# Keys:
#   status        ok | halted | hang | kdump-not-ready | primary-error | no-capture-boot |
#                 harness-param (a test module ignored an unknown parameter)
#                 | capture-panic | no-dump | no-after-boot
#   halted        the "---[ end Kernel panic" line of a kernel that stopped
#                 without a capture kernel (tsconsole.py stopped QEMU)
#   error         one line for a FAIL (empty when the sequence ended by itself
#                 and saved a dump); phase, last_line: where a hang stopped
#   boots         kernel banners on the console (3 for a full sequence)
#   primary_kdump_ready_s  host time from the start to "ready to kdump"
#   capture_to_saved_s     host time from the capture kernel's first console
#                 line to kdump-tools' "saved vmcore in" line
#   capture_init_s  the capture kernel's printk time of "Run /init"
#   capture_step_s  its printk time of the edu step in kdump-tools' initrd
#   capture_prestart_s  its uptime at kdump-tools-dump.service's ExecStartPre
#   tables_copied kdump_summary quarantine_lines edu_quarantined  (capture log)
#   dmar_faults   DMAR fault records in the capture kernel's log
#   stale_dma new_dma new_iova iova_reused  the edu module's report
#   w_<watch>     before>after of the pages the stale DMA may reach
#   landed        old-buffer | new-buffer | kdump-memory | dropped (as the
#                 QEMU harness's analyze.sh names them)
#   check_pa_in_initrd  S3a: the damaged leaf's target is in the capture
#                 kernel's retained initrd (yes | no)
#   dump_saved    yes | no: /var/crash/<stamp>/dump.<stamp> on the disk
#   dump_dir dump_bytes dmesg_file  what kdump-tools left
#   guest_dmesg_panic  kdump-tools' dmesg.<stamp> (the crashed kernel's
#                 log) shows the sysrq panic (yes | no)
#   guest_kdump_log  the capture kernel's own log the test kept in the dump
#                 folder (vtdk-kdump-dmesg.txt) has its VTDK-RESULT lines,
#                 and for the patched kernel the summary (summary | results | no)
#   guest_adoption  first line of /sys/kernel/debug/iommu/intel/kdump_adoption
#                 as the capture kernel's drop-in (kdump-adoption.conf) kept
#                 it, or "absent"
#   journal_summary the summary line as `journalctl -k -b -1 | grep 'kdump:
#                 adopted'` found it on the rebooted system
#   fsck          e2fsck -fn of the root disk after the sequence (exit status)
#   dump_verified yes | no: the dump opens (crash 8.0.6 log with the vmlinux
#                 of the package, or makedumpfile --dump-dmesg without one)
#                 and shows the sysrq panic, and the old buffer page in the
#                 dump holds what the capture kernel saw
#   crash_bt      ok (bt reaches sysrq_handle_crash) | bad: ... | none (no vmlinux)
#   dump_old_buf  the old buffer page in the dump (dumppage.py)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
# shellcheck source=SCRIPTDIR/../../../../scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=SCRIPTDIR/../../../../scripts/deb-lib.sh
. "$TOP/scripts/deb-lib.sh"
QHARNESS=$TOP/tools/testing/vtd-kdump/qemu
dir=${1:?usage: analyze-debian.sh DIR}
env=$dir/result.env
# shellcheck disable=SC1090
. "$env"

put() {			# put KEY VALUE
	local v=${2//\'/}
	printf "%s='%s'\n" "$1" "$v" >>"$env"
}

TS=$dir/console.ts
# console without times, split at the "Linux version" banners
cut -f2- "$TS" >"$dir/console.txt"
mapfile -t banners < <(grep -n 'Linux version ' "$dir/console.txt" | cut -d: -f1)
put boots "${#banners[@]}"
part() {		# part N: lines of boot N (1-based)
	local n=$1 from to
	from=${banners[$((n - 1))]:-}
	[ -n "$from" ] || return 0
	to=${banners[$n]:-}
	if [ -n "$to" ]; then
		sed -n "${from},$((to - 1))p" "$dir/console.txt"
	else
		tail -n +"$from" "$dir/console.txt"
	fi
}
P=$dir/primary.log
K=$dir/kdump.log
A=$dir/after.log
part 1 >"$P"
part 2 >"$K"
part 3 >"$A"
# host time of the first console line matching $2 at or after banner $1
ts_of() {
	local from=${banners[$(($1 - 1))]:-}
	[ -n "$from" ] || return 0
	tail -n +"$from" "$TS" | grep -m1 -E "$2" | cut -f1
}
rv() {			# value of key $1 on the last VTDK-RESULT line of $2 that has it
	grep -o 'VTDK-RESULT .*' "$2" | grep -o "\(^\| \)$1=[^ ]*" | tail -n 1 | sed "s/^ *$1=//; s/\"//g"
}
printk_s() {		# printk time of the first line of $1 matching $2
	grep -m1 -E "$2" "$1" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}
last=$(grep -v -E '^ *$|qemu-system-x86_64: terminating' "$dir/console.txt" | tail -n 1 | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | cut -c1-140)
put last_line "$last"

error=
phase=
halted=
[ -f "$dir/halted" ] && halted=$(head -n 1 "$dir/halted" | cut -c1-140)
put halted "$halted"
# set_halted: status, phase and the one line of a kernel that halted
set_halted() {
	status=halted
	phase=$(boot_phase)
	error="the $phase halted in a panic: $halted"
}
# boot_phase: which boot the console ended in
boot_phase() {
	case "${#banners[@]}" in
	0 | 1) [ "$scenario" = prep ] && echo "first boot" || echo primary ;;
	2) echo "capture kernel" ;;
	*) echo "rebooted system" ;;
	esac
}
if [ "$scenario" = prep ]; then
	status=ok
	if [ -n "$halted" ]; then
		set_halted
	elif [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		status=hang
		phase="first boot"
	elif grep -q 'VTDK-ERROR' "$P"; then
		status=kdump-not-ready
		error=$(grep -o 'VTDK-ERROR .*' "$P" | head -n 1 | sed 's/^VTDK-ERROR role=[a-z]* //')
	elif ! grep -q 'VTDK-RESULT role=prep ' "$P"; then
		status=no-ready-line
		error="first boot ended without the prep line (last console line: $last)"
	fi
	put status "$status"
	put phase "$phase"
	put error "$error"
	put primary_kdump_ready_s "$(ts_of 1 'VTDK-RESULT role=prep ')"
	put landed -
	exit 0
fi

# ---- primary
put primary_kdump_ready_s "$(ts_of 1 'VTDK-RESULT role=primary scenario=')"
put roundtrip "$(rv roundtrip "$P")"
put bdf "$(rv bdf "$P")"
put old_iova "$(rv old_iova "$P")"
old_pa=$(rv old_pa "$P")
put old_pa "$old_pa"
put corrupt "$(grep -o 'VTDK-RESULT corrupt=[^ ]*' "$P" | sort -u | sed 's/.*=//' | tr '\n' ',' | sed 's/,$//')"
put disk_load "$(rv disk_load "$P")"
primary_error=$(grep -o 'VTDK-ERROR .*' "$P" | head -n 1 | sed 's/^VTDK-ERROR role=[a-z]* //')

# ---- capture kernel
put capture_kernel "$(grep -m1 -o 'Linux version [^ ]*' "$K" | cut -d' ' -f3)"
put capture_cmdline "$(grep -m1 -o 'Command line: .*' "$K" | cut -c15-)"
t_k=$(ts_of 2 'Linux version ')
t_saved=$(ts_of 2 'saved vmcore in')
cap=
[ -n "$t_k" ] && [ -n "$t_saved" ] && cap=$(awk -v a="$t_k" -v b="$t_saved" 'BEGIN { printf "%.1f", b - a }')
put capture_to_saved_s "$cap"
put capture_init_s "$(printk_s "$K" 'Run /init as init process')"
put capture_step_s "$(printk_s "$K" 'VTDK-RESULT role=kdump scenario=')"
put capture_prestart_s "$(rv uptime "$(grep 'role=kdump prestart' "$K" >"$dir/.pre"; echo "$dir/.pre")")"
rm -f "$dir/.pre"
put tables_copied "$(grep -q 'Copied translation tables from previous kernel' "$K" && echo yes || echo no)"
put dmar_faults "$(grep -cE 'DMAR: \[(DMA (Read|Write)|INTR-REMAP)' "$K")"
put stale_dma "$(rv stale_dma "$K")"
put new_dma "$(rv new_dma "$K")"
put new_iova "$(rv new_iova "$K")"
put iova_reused "$(rv iova_reused "$K")"
put check_pa_in_initrd "$(rv check_pa_in_initrd "$K")"
put kdump_errors "$(grep -c 'VTDK-ERROR' "$K")"
summary=$(grep -E 'DMAR: .*kdump: adopted' "$K" | tail -n 1 | sed 's/^\[[ 0-9.]*\] *//')
put kdump_summary "$summary"
bdf=$(rv bdf "$P")
QLINE='kdump: [0-9a-f]{4}:[0-9a-f]{2}(:[0-9a-f]{2}\.[0-7]| devfn [0-9a-f-]+): (quarantined|context table refused)'
put quarantine_lines "$(grep -cE "$QLINE" "$K")"
if [ -n "$bdf" ] && grep -E "$QLINE" "$K" | grep -q "$bdf"; then
	put edu_quarantined yes
else
	put edu_quarantined no
fi
kpanic=$(grep -m1 -E 'Kernel panic|BUG: |Oops|general protection fault' "$K" | sed 's/^\[[ 0-9.]*\] *//' | cut -c1-120)
put capture_panic "$kpanic"

# where the stale DMA landed (the same rules as the QEMU harness)
landed=()
kmem=no
declare -A wb wa wr
while read -r line; do
	name=$(echo "$line" | grep -o 'watch=[^ ]*' | cut -d= -f2)
	wb[$name]=$(echo "$line" | grep -o 'before=[^ ]*' | cut -d= -f2)
	wa[$name]=$(echo "$line" | grep -o 'after=[^ ]*' | cut -d= -f2)
	wr[$name]=$(echo "$line" | grep -o 'kdump_ram=[^ ]*' | cut -d= -f2)
	put "w_$name" "${wb[$name]}>${wa[$name]}"
done < <(grep -o 'VTDK-RESULT watch=.*' "$K")
[ "${wa[old_buf]:-}" = stale ] && [ "${wb[old_buf]:-}" != stale ] && landed+=(old-buffer)
[ -n "${wa[new_buf]:-}" ] && [ "${wa[new_buf]}" != new ] && landed+=(new-buffer)
for w in iova_as_pa check_pa; do
	if [ "${wr[$w]:-0}" = 1 ] && [ "${wa[$w]:-}" != "${wb[$w]:-}" ]; then
		kmem=yes
	fi
done
[ $kmem = yes ] && landed+=(kdump-memory)
stale=$(rv stale_dma "$K")
if [ -z "$stale" ]; then
	landed_s=-
elif [ ${#landed[@]} -eq 0 ]; then
	landed_s=dropped
else
	landed_s=$(IFS=,; echo "${landed[*]}")
fi
put landed "$landed_s"
put kdump_mem_written $kmem

# ---- what the disk holds (debugfs: no mount, no loop device)
saved=no
if [ -f "$dir/run.img" ]; then
	e2fsck -fn "$dir/run.img" >"$dir/e2fsck.log" 2>&1
	put fsck $?
	rm -rf "$dir/crash"
	mkdir -p "$dir/crash"
	debugfs -R "rdump /var/crash $dir/crash" "$dir/run.img" >"$dir/debugfs.log" 2>&1
fi
ddir=$(find "$dir/crash/crash" -mindepth 1 -maxdepth 1 -type d -name '2*' 2>/dev/null | sort | tail -n 1)
dumpf=
dmesgf=
if [ -n "$ddir" ]; then
	dumpf=$(find "$ddir" -maxdepth 1 -name 'dump.*' | head -n 1)
	dmesgf=$(find "$ddir" -maxdepth 1 -name 'dmesg.*' | head -n 1)
	[ -n "$dumpf" ] && [ -s "$dumpf" ] && saved=yes
fi
put dump_saved $saved
put dump_dir "${ddir#"$dir/crash/crash/"}"
put dump_bytes "$([ -n "$dumpf" ] && stat -c %s "$dumpf")"
put dmesg_file "$([ -n "$dmesgf" ] && basename "$dmesgf")"
put after_line "$(grep -o 'VTDK-RESULT role=after .*' "$A" | head -n 1 | cut -c13-)"
gpanic=no
[ -n "$dmesgf" ] && grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dmesgf" && gpanic=yes
put guest_dmesg_panic $gpanic
glog=no
if [ -n "$ddir" ] && [ -f "$ddir/vtdk-kdump-dmesg.txt" ]; then
	grep -q 'VTDK-RESULT watch=' "$ddir/vtdk-kdump-dmesg.txt" && glog=results
	grep -q 'kdump: adopted' "$ddir/vtdk-kdump-dmesg.txt" && [ "$glog" = results ] && glog=summary
	put guest_summary "$(grep -E 'DMAR: .*kdump: adopted' "$ddir/vtdk-kdump-dmesg.txt" | tail -n 1 | sed 's/^\[[ 0-9.]*\] *//')"
	put guest_landed_old_buf "$(grep -o 'VTDK-RESULT watch=old_buf .*' "$ddir/vtdk-kdump-dmesg.txt" | grep -o 'after=[^ ]*' | cut -d= -f2)"
fi
put guest_kdump_log $glog
if [ -n "$ddir" ] && [ -s "$ddir/vtdk-kdump_adoption.txt" ]; then
	put guest_adoption "$(head -n 1 "$ddir/vtdk-kdump_adoption.txt" | cut -c1-120)"
else
	put guest_adoption absent
fi
# the README's command on the rebooted system: journalctl -k -b -1 | grep
put journal_summary "$([ -n "$ddir" ] && head -n 1 "$ddir/vtdk-journal-summary.txt" 2>/dev/null | sed 's/^.*kernel: *//' | cut -c1-160)"

# ---- the dump: rebuilt from kdump-tools' flattened file, opened
verified=n/a
dump_old=
if [ $saved = yes ]; then
	verified=no
	rm -f "$dir/vmcore"
	makedumpfile -R "$dir/vmcore" <"$dumpf" >"$dir/makedumpfile-R.log" 2>&1
	vmlinux=$(deb_vmlinux "$kind" "$kver" 2>"$dir/vmlinux.log")
	expect_old=${wa[old_buf]:-old}
	dump_old=$("$QHARNESS/dumppage.py" "$dir/vmcore" "$old_pa" 2>"$dir/dumppage.log")
	if [ -n "$vmlinux" ] && [ -x "$TRIXIE_ROOT/usr/bin/crash" ]; then
		# crash 8.0.6 (Debian 13) in full mode, with the package's vmlinux,
		# on the file kdump-tools wrote (crash reads its flattened format)
		printf 'log\nbt\nexit\n' |
			timeout 300 "$TOP/scripts/trixie-run.sh" crash -s "$(realpath "$vmlinux")" "$(realpath "$dumpf")" \
				>"$dir/crash.out" 2>&1
		if grep -qE '#[0-9]+ \[[0-9a-f]+\] sysrq_handle_crash' "$dir/crash.out"; then
			put crash_bt ok
		else
			put crash_bt "bad: $(grep -m1 -iE 'error|invalid|cannot|crash:' "$dir/crash.out" | cut -c1-100)"
		fi
		grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/crash.out" &&
			[ "$dump_old" = "$expect_old" ] && verified=yes
		put crash_log "$(grep -cE 'VTDK-RESULT' "$dir/crash.out") VTDK lines"
	else
		put crash_bt none
		makedumpfile --dump-dmesg "$dir/vmcore" "$dir/dmesg.txt" >"$dir/dmesg.log" 2>&1
		grep -qE 'sysrq: Trigger a crash|Kernel panic - not syncing: sysrq' "$dir/dmesg.txt" 2>/dev/null &&
			[ "$dump_old" = "$expect_old" ] && verified=yes
	fi
	[ "${KEEP_VMCORE:-0}" = 1 ] || rm -f "$dir/vmcore"
fi
put dump_verified $verified
put dump_old_buf "$dump_old"

# ---- status and the one line of a failure
if [ -n "$halted" ]; then
	set_halted
elif [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	status=hang
	phase=$(boot_phase)
	grep -q 'saved vmcore in' "$K" && [ "${#banners[@]}" = 2 ] && phase="capture kernel, after the dump (reboot)"
elif [ -n "$primary_error" ]; then
	case "$primary_error" in
	*"did not load the capture kernel"*) status=kdump-not-ready ;;
	*) status=primary-error ;;
	esac
	error=$primary_error
elif badparam=$(grep -hoE 'vtdk_[a-z_]+: unknown parameter .[a-z_]+. ignored' "$dir/console.log" | head -n 1) &&
	[ -n "$badparam" ]; then
	# a test module ignored a parameter the guest passed: the step did not
	# do what the scenario says, whatever else the run shows
	status=harness-param
	error="a test module was given a parameter it does not have: $badparam"
elif [ "${#banners[@]}" -lt 2 ]; then
	status=no-capture-boot
	error="no capture kernel booted after the panic (last console line: $last)"
elif [ -n "$kpanic" ]; then
	status=capture-panic
	error="the capture kernel panicked: $kpanic"
elif [ $saved = no ]; then
	status=no-dump
	error="kdump-tools saved no dump ($(grep -m1 -oE 'kdump-tools.*(failed|error)[^\r]*' "$K" | cut -c1-100))"
elif [ "${#banners[@]}" -lt 3 ]; then
	status=no-after-boot
	error="the system did not come back after the dump"
else
	status=ok
fi
put status "$status"
put phase "$phase"
put error "$error"
