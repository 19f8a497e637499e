# SPDX-License-Identifier: GPL-2.0
# Common settings for the vtd-kdump build and test scripts.  Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
OUT=$BUILD/out			# O= build folders: $OUT/KIND

# The series is kept for two bases, generated from one set of new files:
# 6.12 (Debian 13, RHEL 10: the backport distributions carry) and 7.3 (the
# newest mainline Debian packages, trixie-backports: what goes upstream).
# Only the hook patches in patches/BASE/ differ.  BASE picks one (default
# 6.12); a kernel kind names its base itself (patched-7.3, ...).
BASE=${BASE:-6.12}
BASES="6.12 7.3"
# linux-source-7.3 comes from trixie-backports (scripts/source-7.3.sh)
SRC73_DIR=${SRC73_DIR:-/var/cache/vtd-kdump/linux-source-7.3}

# source tarball of base $1
tarball_of_base() {
	case "$1" in
	6.12) echo "${SRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}" ;;
	7.3) echo "$SRC73_DIR/linux-source-7.3.tar.xz" ;;
	*) die "unknown base '$1' (6.12 or 7.3)" ;;
	esac
}

# git tree of base $1: tag "base", branch "series" (base + ours)
linux_of_base() {
	case "$1" in
	6.12) echo "$BUILD/linux" ;;
	7.3) echo "$BUILD/linux-7.3" ;;
	*) die "unknown base '$1' (6.12 or 7.3)" ;;
	esac
}

# hook patches and series file of base $1
patches_of_base() {
	echo "$TOP/patches/$1"
}

# base of kernel kind $1: baseline, patched, debug (6.12), or the same with
# -7.3 (7.3)
base_of_kind() {
	case "$1" in
	*-7.3) echo 7.3 ;;
	*) echo 6.12 ;;
	esac
}

JOBS=${JOBS:-$(($(nproc) + 1))}
GIT_IDENT=(-c user.name="vtd-kdump build" -c user.email="vtd-kdump@localhost")

die() {
	echo "ERROR: $*" >&2
	exit 1
}

log() {
	echo ">>> $*" >&2
}

# chroot_binds_cmd ROOT DIR...: the command, in the array CHROOT_BINDS, that
# runs what follows it chrooted into ROOT with each host DIR bound at the
# same path.  The binds are made afresh in a mount namespace of the run's
# own (unshare) and vanish with it: whatever the system's namespace holds on
# those folders (a bind to a removed folder cannot even be mounted over) is
# detached first, never trusted, and each bind is checked by device and
# inode.  Callers append the command: "${CHROOT_BINDS[@]}" CMD ARGS, or
# exec it (every step execs: the caller's pid ends up the command's, so a
# timeout around the caller reaches it).
chroot_binds_cmd() {
	local root=$1 d
	shift
	command -v unshare >/dev/null || die "unshare missing (util-linux)"
	for d in "$@"; do
		mkdir -p "$root$d"
	done
	# shellcheck disable=SC2016,SC2034 # expanded by the inner shell; used by the caller
	CHROOT_BINDS=(unshare --mount --propagation private /bin/bash -euc '
root=$1 n=$2
shift 2
for d in "${@:1:n}"; do
	for _ in 1 2 3 4 5 6 7 8; do
		mountpoint -q "$root$d" || break
		umount -l "$root$d"
	done
	mount --bind "$d" "$root$d"
	[ "$(stat -c %d:%i "$d")" = "$(stat -c %d:%i "$root$d")" ] || {
		echo "chroot_binds: $root$d does not show $d after the bind" >&2
		exit 1
	}
done
shift "$n"
exec chroot "$root" "$@"
' chroot-binds "$root" $# "$@")
}

# The git revision of build/linux a kernel kind (patched, debug: patched
# with lock debugging, baseline, or fix1: the base with the series' first
# patch, the standalone fix, only) is built from.  Both kinds build from the one tree, checked out in turn, into
# folders at the same depth: the compiler sees the same paths, so ccache
# serves the second kind from the first one's objects.
kind_rev() {
	case "${1%-7.3}" in
	patched | debug) echo series ;;
	baseline) echo base ;;
	# the base with patch 1 only: the standalone fix for stable
	fix1) git -C "$(linux_of_base "$(base_of_kind "$1")")" rev-list --reverse base..series | head -n 1 ;;
	*) die "unknown kernel kind '$1' (patched, debug, baseline or fix1, optionally -7.3)" ;;
	esac
}

# Source tree of a kernel kind: the one tree of its base (see kind_rev)
kind_src() {
	kind_rev "$1" >/dev/null
	linux_of_base "$(base_of_kind "$1")"
}

kind_out() {
	kind_rev "$1" >/dev/null
	echo "$OUT/$1"
}

# Use ccache when it is installed: a rebuild after `make clean` costs
# little.  Depend mode: a miss compiles once with the compiler's own
# dependency output (kbuild's -Wp,-MMD), where direct mode would run the
# preprocessor first (a cold 6.12 build: 330 s instead of 405 s, measured).
# Sets KCC for make's command line.
setup_ccache() {
	if command -v ccache >/dev/null 2>&1; then
		export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/vtd-kdump-ccache}
		export CCACHE_DEPEND=1
		export CCACHE_BASEDIR=$BUILD
		export CCACHE_NOHASHDIR=true
		export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
		export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
		KCC="CC=ccache gcc"
	else
		KCC="CC=gcc"
	fi
}

# Check out @rev in the tree @2 (default $LINUX); only files that differ
# are touched.
checkout_rev() {
	local rev=$1 tree=${2:-$LINUX}
	git -C "$tree" diff --quiet HEAD ||
		die "$tree has local changes: move them to patches/ (scripts/series.sh export) or reset them"
	if [ "$(git -C "$tree" rev-parse HEAD)" != "$(git -C "$tree" rev-parse "$rev^{commit}")" ]; then
		git -C "$tree" checkout -q --detach "$rev"
	fi
}

# The Debian 13 root with QEMU 10 and crash 8.0.6 (scripts/trixie-root.sh);
# outside the repository, so that a new clone on the same machine finds it
TRIXIE_ROOT=${TRIXIE_ROOT:-/var/cache/vtd-kdump/trixie}

# the tree of $BASE (scripts that handle one base at a time)
LINUX=$(linux_of_base "$BASE")
