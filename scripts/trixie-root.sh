#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian 13 (trixie) root with the newer tools the harness can use on a
# Debian 12 machine without touching its apt sources: QEMU 10 (first-level
# tables: -device intel-iommu,x-scalable-mode=on,x-flts=on), crash 8.0.6
# (reads 6.12 dumps in full), and makedumpfile 1.7.6 with kexec-tools 2.0.29
# for the harness initramfs (makedumpfile 1.7.2 of Debian 12 predates the
# page types of 6.10 and later: -d 31 then drops slab pages, and crash
# cannot read the tasks).  Made with mmdebstrap from the mirror the
# system's apt already uses; run its programs with scripts/trixie-run.sh.
#
#   scripts/trixie-root.sh [DIR]     (default $TRIXIE_ROOT)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=${1:-$TRIXIE_ROOT}
PKGS=qemu-system-x86,crash,kexec-tools,makedumpfile

present() {
	[ -x "$root/usr/bin/qemu-system-x86_64" ] && [ -x "$root/usr/bin/crash" ] &&
		[ -x "$root/usr/sbin/kexec" ] && [ -x "$root/usr/bin/makedumpfile" ]
}
if present; then
	log "Debian 13 root present: $root ($("$TOP/scripts/trixie-run.sh" qemu-system-x86_64 --version | head -n 1))"
	exit 0
fi
# an older root lacks only packages: add them from its own sources
if [ -x "$root/usr/bin/qemu-system-x86_64" ] && [ -x "$root/usr/bin/apt-get" ]; then
	log "adding ${PKGS//,/ } to the Debian 13 root $root"
	chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${PKGS//,/ } >/dev/null" &&
		present && exit 0
	log "could not add the packages: making the root anew"
fi
command -v mmdebstrap >/dev/null || die "mmdebstrap missing (make deps)"
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || die "cannot find the Debian mirror of this machine's apt sources"
log "making a Debian 13 root in $root (qemu-system-x86, crash)"
# never remove through the bind mounts of scripts/trixie-run.sh
if [ -d "$root" ]; then
	findmnt -rn -o TARGET | grep "^$root/" | sort -r | xargs -r -n 1 umount
	findmnt -rn -o TARGET | grep -q "^$root/" && die "$root still has mounts under it"
fi
rm -rf --one-file-system "$root.tmp"
mkdir -p "$(dirname "$root")"
mmdebstrap --quiet --variant=apt --include="$PKGS" trixie "$root.tmp" \
	"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" ||
	die "mmdebstrap failed"
rm -rf --one-file-system "$root"
mv "$root.tmp" "$root"
log "Debian 13 root ready: $root"
