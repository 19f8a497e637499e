#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a program of the Debian 13 root (scripts/trixie-root.sh) with the
# host's /tmp and the repository's build folder visible at the same paths.
#
#   scripts/trixie-run.sh PROGRAM [ARGS...]    e.g. qemu-system-x86_64 ...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$TRIXIE_ROOT
prog=${1:?usage: trixie-run.sh PROGRAM [ARGS...]}
shift
[ -x "$root/usr/bin/$prog" ] || die "$root/usr/bin/$prog missing: run scripts/trixie-root.sh (make deps)"
bind() {		# bind DIR: the host's DIR at the same path in the root
	mkdir -p "$root$1"
	mountpoint -q "$root$1" || mount --bind "$1" "$root$1"
}
bind /tmp
bind /dev
bind /proc
bind "$BUILD"
# the binary by its absolute path: a wrapper of the same name early in
# PATH would otherwise find itself again inside the root
exec chroot "$root" "/usr/bin/$prog" "$@"
