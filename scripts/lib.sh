# SPDX-License-Identifier: GPL-2.0
# Common settings for the vtd-kdump build and test scripts.  Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
SRC_TARBALL=${SRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
LINUX=$BUILD/linux		# git tree: tag "base", branch "series" (base + ours)
OUT=$BUILD/out			# O= build folders: $OUT/patched, $OUT/baseline
JOBS=${JOBS:-$(($(nproc) + 1))}
GIT_IDENT=(-c user.name="vtd-kdump build" -c user.email="vtd-kdump@localhost")

die() {
	echo "ERROR: $*" >&2
	exit 1
}

log() {
	echo ">>> $*" >&2
}

# The git revision of build/linux a kernel kind (patched, debug: patched
# with lock debugging, or baseline) is built from.  Both kinds build from the one tree, checked out in turn, into
# folders at the same depth: the compiler sees the same paths, so ccache
# serves the second kind from the first one's objects.
kind_rev() {
	case "$1" in
	patched | debug) echo series ;;
	baseline) echo base ;;
	*) die "unknown kernel kind '$1' (patched, debug or baseline)" ;;
	esac
}

# Source tree of a kernel kind: the one tree (see kind_rev)
kind_src() {
	kind_rev "$1" >/dev/null
	echo "$LINUX"
}

kind_out() {
	kind_rev "$1" >/dev/null
	echo "$OUT/$1"
}

# Use ccache when it is installed: a rebuild after `make clean` or of the
# second kernel kind then costs little.  Sets KCC for make's command line.
setup_ccache() {
	if command -v ccache >/dev/null 2>&1; then
		export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/vtd-kdump-ccache}
		export CCACHE_BASEDIR=$BUILD
		export CCACHE_NOHASHDIR=true
		export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
		export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
		KCC="CC=ccache gcc"
	else
		KCC="CC=gcc"
	fi
}

# Check out @rev in build/linux; only files that differ are touched.
checkout_rev() {
	local rev=$1
	git -C "$LINUX" diff --quiet HEAD ||
		die "$LINUX has local changes: move them to patches/ (scripts/series.sh export) or reset them"
	if [ "$(git -C "$LINUX" rev-parse HEAD)" != "$(git -C "$LINUX" rev-parse "$rev^{commit}")" ]; then
		git -C "$LINUX" checkout -q --detach "$rev"
	fi
}

# The Debian 13 root with QEMU 10 and crash 8.0.6 (scripts/trixie-root.sh);
# outside the repository, so that a new clone on the same machine finds it
TRIXIE_ROOT=${TRIXIE_ROOT:-/var/cache/vtd-kdump/trixie}
