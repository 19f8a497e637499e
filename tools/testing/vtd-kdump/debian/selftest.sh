#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian runs' failure lines without QEMU (part of make test): recorded
# consoles go through tsconsole.py and analyze-debian.sh as run-debian.sh
# sends a live one, and the one line a FAIL gives is checked.
#
#   selftest.sh     PASS:/FAIL: lines, "N passed, N failed"; exit 1 on a failure
#
# Cases: a kernel halted in a panic before any capture kernel (the stream
# goes silent while its writer lives on, as QEMU does: tsconsole.py must stop
# the writer), kdump-tools not ready (crashkernel= too small), a hang of the
# capture kernel (QEMU killed by timeout), a capture kernel that panics.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

# check RC NAME: RC is the status of the test before it, taken first (the
# command substitutions in NAME would change $?)
check() {
	local rc=$1
	shift
	if [ "$rc" = 0 ]; then
		echo "PASS: debian selftest: $*"
		passed=$((passed + 1))
	else
		echo "FAIL: debian selftest: $*"
		failed=$((failed + 1))
	fi
}

# feed NAME SCENARIO QEMU_RC [SILENT]: the console of stdin through
# tsconsole.py and analyze-debian.sh, as run-debian.sh does; the writer (in
# QEMU's place, its pid in the pid file) then stays silent for SILENT
# seconds (default 0: it ends), as a halted QEMU does.  The seconds
# tsconsole.py took go to the case's file "took".
feed() {
	local scen=$2 rc=$3 silent=${4:-0} d=$TMP/$1 t0 console
	mkdir -p "$d"
	console=$(cat)
	t0=$(date +%s)
	# shellcheck disable=SC2016 # expanded by the inner shell
	bash -c 'echo $$ >"$1/qemu.pid"; printf "%s\n" "$2"; exec sleep "$3"' feed "$d" "$console" "$silent" |
		timeout 30 "$HERE/tsconsole.py" "$d" --halt-pidfile "$d/qemu.pid"
	echo $(($(date +%s) - t0)) >"$d/took"
	cat >"$d/result.env" <<-EOF
		kind=stock
		kver=6.12.0-test
		scenario=$scen
		variant=legacy
		name=$scen
		qemu_rc=$rc
		wall_s=1
		timeout_s=900
	EOF
	"$HERE/analyze-debian.sh" "$d" >/dev/null 2>&1
}

val() {			# val NAME KEY: KEY of the case's result.env
	(
		# shellcheck disable=SC1090
		. "$TMP/$1/result.env"
		eval "echo \"\${$2:-}\""
	)
}

banner() { echo "[    0.000000] Linux version $1 (test) #1 SMP"; }

# 1. the first boot halts in a panic (as Debian's kernel did under TCG load)
{
	banner 6.12.0-test
	echo '[    0.040000] Kernel panic - not syncing: timer doesnt work through Interrupt-remapped IO-APIC'
	echo '[    0.040000] ---[ end Kernel panic - not syncing: timer doesnt work through Interrupt-remapped IO-APIC ]---'
} | feed halt-first prep 0 60
took=$(cat "$TMP/halt-first/took")
[ "$took" -lt 15 ]
check $? "a halted first boot stops QEMU at once (took ${took} s, writer lived 60 s)"
[ "$(val halt-first status)" = halted ] &&
	[ "$(val halt-first error)" = "the first boot halted in a panic: [    0.040000] ---[ end Kernel panic - not syncing: timer doesnt work through Interrupt-remapped IO-APIC ]---" ]
check $? "halted first boot: status $(val halt-first status), one line: $(val halt-first error)"

# 2. kdump-tools did not load the capture kernel: the guest's one line
{
	banner 6.12.0-test
	echo '[   40.100000] VTDK-ERROR role=primary kdump-tools did not load the capture kernel: Not ready to kdump; crashkernel= reserved 16 MiB; kdump-tools: kexec_file_load failed: Cannot allocate memory'
	echo '[   41.000000] reboot: Power down'
} | feed not-ready S1 0
[ "$(val not-ready status)" = kdump-not-ready ] &&
	[ "$(val not-ready error)" = "kdump-tools did not load the capture kernel: Not ready to kdump; crashkernel= reserved 16 MiB; kdump-tools: kexec_file_load failed: Cannot allocate memory" ]
check $? "kdump-tools not ready: status $(val not-ready status), one line: $(val not-ready error)"

# 3. the capture kernel hangs: QEMU killed by timeout (124)
{
	banner 6.12.0-test
	echo '[   50.000000] sysrq: Trigger a crash'
	echo '[   50.000000] Kernel panic - not syncing: sysrq triggered crash'
	banner 6.12.0-test
	echo '[    3.000000] Run /init as init process'
} | feed hang S1 124
[ "$(val hang status)" = hang ] && [ "$(val hang phase)" = "capture kernel" ] &&
	[ "$(val hang last_line)" = "[    3.000000] Run /init as init process" ]
check $? "capture kernel hang: status $(val hang status), phase $(val hang phase), last line $(val hang last_line)"

# 4. the capture kernel panics without a capture kernel of its own
{
	banner 6.12.0-test
	echo '[   50.000000] Kernel panic - not syncing: sysrq triggered crash'
	banner 6.12.0-test
	echo '[    2.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008'
	echo '[    2.000000] Kernel panic - not syncing: Fatal exception'
	echo '[    2.000000] ---[ end Kernel panic - not syncing: Fatal exception ]---'
} | feed halt-capture S1 0 60
took=$(cat "$TMP/halt-capture/took")
[ "$took" -lt 15 ] && [ "$(val halt-capture status)" = halted ] &&
	[ "$(val halt-capture phase)" = "capture kernel" ]
check $? "halted capture kernel: ${took} s, status $(val halt-capture status), phase $(val halt-capture phase)"

# 5. the intended panic of the primary is not a halt: the capture kernel follows
{
	banner 6.12.0-test
	echo '[   50.000000] Kernel panic - not syncing: sysrq triggered crash'
	banner 6.12.0-test
	echo '[    3.000000] Run /init as init process'
} | feed no-halt S1 0
[ -z "$(val no-halt halted)" ] && [ "$(val no-halt status)" != halted ]
check $? "sysrq panic followed by a capture kernel: not halted (status $(val no-halt status))"

# 6. a test module that ignored a parameter the guest passed it (claim=1,
# which vtdk_edu no longer has, did exactly that) makes the run invalid
{
	banner 6.12.0-test
	echo '[   50.000000] Kernel panic - not syncing: sysrq triggered crash'
	banner 6.12.0-test
	echo "[    3.100000] vtdk_edu: unknown parameter 'claim' ignored"
	echo '[    3.200000] VTDK-RESULT role=kdump modprobe_rc=0 loaded=yes'
} | feed badparam S3a 0
[ "$(val badparam status)" = harness-param ] &&
	[[ "$(val badparam error)" == "a test module was given a parameter it does not have: vtdk_edu: unknown parameter "*claim*" ignored" ]]
check $? "a module that ignored a parameter: status $(val badparam status), one line: $(val badparam error)"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
