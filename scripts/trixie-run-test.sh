#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks of scripts/trixie-run.sh, the way into the Debian 13 root that
# runs QEMU 10 (the -fl scenarios) and crash 8.0.6:
#  - the build folder is seen inside the root;
#  - also when the system's namespace still holds a bind, from an earlier
#    run, to a build folder that was removed and made again at the same path
#    (a clean clone at the path of the previous one, as in CI);
#  - a run leaves no mount behind in the system's namespace;
#  - QEMU 10 starts.
# One PASS:/FAIL: line each.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

run=$TOP/scripts/trixie-run.sh
root=$TRIXIE_ROOT
result() {	# result NAME OK-EXPRESSION-STATUS DETAIL
	if [ "$2" = 0 ]; then echo "PASS: trixie-run: $1"; else echo "FAIL: trixie-run: $1 ($3)"; fi
}
mounts() { findmnt -rn -o TARGET | grep -c "^$root/" || true; }

probe=probe-$$-$RANDOM
mkdir -p "$BUILD"
touch "$BUILD/$probe"
"$run" test -f "$BUILD/$probe"
result "a file of the build folder is seen in the root" $? "$BUILD/$probe not seen"
rm -f "$BUILD/$probe"

# a build folder no run has seen: nothing of it stays mounted after the run
fresh=/var/tmp/vtd-kdump-trixie-run-fresh.$$
mkdir -p "$fresh"
before=$(mounts)
BUILD=$fresh "$run" true
after=$(mounts)
[ "$before" = "$after" ]
result "no mount left in the system's namespace" $? "$before mounts under the root before, $after after"
umount -l "$root$fresh" 2>/dev/null
rmdir "$root$fresh" "$fresh" 2>/dev/null

# a stale bind in the system's namespace, as older runs left them (in a
# folder of its own: the real build folder may be bound already)
stale=/var/tmp/vtd-kdump-trixie-run-test.$$
rm -rf "$stale"
mkdir -p "$stale" "$root$stale"
mount --bind "$stale" "$root$stale" || die "cannot make the stale bind"
rm -rf "$stale"
mkdir -p "$stale"
touch "$stale/$probe"
BUILD=$stale "$run" test -f "$stale/$probe"
result "a build folder made again under a stale bind is seen" $? "the root shows the removed folder"
umount -l "$root$stale" 2>/dev/null
rmdir "$root$stale" 2>/dev/null
rm -rf "$stale"

v=$("$run" qemu-system-x86_64 --version 2>&1 | head -n 1)
[[ "$v" == "QEMU emulator version 10."* ]]
result "QEMU 10 starts: $v" $? "got '$v'"
