#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the build, the harness and the tests need, from Debian's
# archive (Debian 12).  Only missing packages are installed; nothing else is
# fetched from anywhere.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# kernel base and build
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	dwarves cpio kmod xz-utils git python3 rsync ccache
	# scripts/checkpatch.pl (its SPDX check)
	python3-ply python3-git
	# crash-capture harness
	qemu-system-x86 kexec-tools makedumpfile crash busybox-static
	# userspace harness, fuzzing, benchmark plot
	clang libclang-rt-14-dev gnuplot-nox
	# the Debian 13 root (QEMU 10 for first-level tables, crash 8.0.6),
	# and the Debian guest of make demo-debian
	mmdebstrap
	# make deb: make bindeb-pkg (dh_* of debhelper), the guest's ext4 (mkfs.ext4 -d, debugfs)
	debhelper e2fsprogs
)

# deps.sh debian-kernel: also Debian's own 6.12 kernel and its headers, the
# primary of the debian-primary kind and the debian column (make demo; about
# 7 min with its initramfs, so not in make test)
DEBIAN_KVER=${DEBIAN_KVER:-6.12.107+deb12-amd64}
if [ "${1:-}" = debian-kernel ]; then
	PACKAGES+=("linux-image-$DEBIAN_KVER-unsigned" "linux-headers-$DEBIAN_KVER")
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
	log "all ${#PACKAGES[@]} Debian packages present"
else
	log "installing from Debian: ${missing[*]}"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
	log "installed ${#missing[@]} packages"
fi
# QEMU 10 and crash 8.0.6 from Debian 13, without touching apt's sources
"$(dirname "$0")/trixie-root.sh"
# the mainline base: linux-source-7.3 from trixie-backports, the same way
"$(dirname "$0")/source-7.3.sh"
