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
build_dir=$(readlink -f "$BUILD")
mkdir -p "$build_dir"
# the program by its absolute path: a wrapper of the same name early in PATH
# would otherwise find itself again inside the root
chroot_binds_cmd "$root" /tmp /dev /proc "$build_dir"
exec "${CHROOT_BINDS[@]}" "/usr/bin/$prog" "$@"
