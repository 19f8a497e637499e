#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a program of the Debian 13 root (scripts/trixie-root.sh) with the
# host's /tmp, /dev, /proc and the repository's build folder visible at the
# same paths.
#
#   scripts/trixie-run.sh PROGRAM [ARGS...]    e.g. qemu-system-x86_64 ...
#
# The binds are made afresh at every run, in a mount namespace of the run's
# own (unshare), and vanish with it.  Binds left in the system's namespace
# (older versions of this script made them there) are covered, never
# trusted: a clone removed and made again at the same path leaves a bind to
# the removed folder, through which the program saw an empty build folder.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$TRIXIE_ROOT
prog=${1:?usage: trixie-run.sh PROGRAM [ARGS...]}
shift
[ -x "$root/usr/bin/$prog" ] || die "$root/usr/bin/$prog missing: run scripts/trixie-root.sh (make deps)"
command -v unshare >/dev/null || die "unshare missing (util-linux)"
build_dir=$(readlink -f "$BUILD")
mkdir -p "$build_dir"
for d in /tmp /dev /proc "$build_dir"; do
	mkdir -p "$root$d"
done
# inside the new namespace: detach whatever is mounted on each folder of the
# root (a bind to a removed folder cannot even be mounted over), bind the
# host's folder, check that the root shows it, then enter the root (the
# program by its absolute path: a wrapper of the same name early in PATH
# would otherwise find itself again inside the root)
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private /bin/bash -euc '
root=$1 build_dir=$2 prog=$3
shift 3
for d in /tmp /dev /proc "$build_dir"; do
	for _ in 1 2 3 4 5 6 7 8; do
		mountpoint -q "$root$d" || break
		umount -l "$root$d"
	done
	mount --bind "$d" "$root$d"
	[ "$(stat -c %d:%i "$d")" = "$(stat -c %d:%i "$root$d")" ] || {
		echo "trixie-run.sh: $root$d does not show $d after the bind" >&2
		exit 1
	}
done
exec chroot "$root" "/usr/bin/$prog" "$@"
' trixie-run "$root" "$build_dir" "$prog" "$@"
