#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-7.3 (trixie-backports) on a Debian 12 machine
# without touching the system's apt sources: apt-get download under a
# private apt configuration (its own sources list, lists and cache under
# $SRC73_DIR), from the mirror the system's apt already uses.  Leaves
# $SRC73_DIR/linux-source-7.3.tar.xz and $SRC73_DIR/version.
#
#   scripts/source-7.3.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$SRC73_DIR
tarball=$dir/linux-source-7.3.tar.xz
if [ -f "$tarball" ] && [ -s "$dir/version" ]; then
	log "linux-source-7.3 $(cat "$dir/version") present: $tarball"
	exit 0
fi
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || die "cannot find the Debian mirror of this machine's apt sources"
apt=$dir/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie-backports main" \
	>"$apt/etc/sources.list"
opts=(-o "Dir::Etc::sourcelist=$apt/etc/sources.list" -o Dir::Etc::sourceparts=-
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
	-o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
log "fetching linux-source-7.3 from $mirror trixie-backports"
apt-get "${opts[@]}" update -qq || die "apt-get update (trixie-backports) failed"
version=$(apt-cache "${opts[@]}" show linux-source-7.3 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$version" ] || die "no linux-source-7.3 in trixie-backports"
rm -f "$apt"/linux-source-7.3_*.deb
(cd "$apt" && apt-get "${opts[@]}" download -qq "linux-source-7.3=$version") ||
	die "apt-get download linux-source-7.3=$version failed"
rm -rf "$apt/x"
dpkg-deb -x "$apt"/linux-source-7.3_*.deb "$apt/x"
mv "$apt/x/usr/src/linux-source-7.3.tar.xz" "$tarball"
rm -rf "$apt/x" "$apt"/linux-source-7.3_*.deb
echo "$version" >"$dir/version"
log "linux-source-7.3 $version: $tarball"
