#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the 6.12 kernel with the series (and without it, the baseline)
# as Debian packages, `make bindeb-pkg`, from Debian 13's own configuration.
#
#   scripts/deb-kernel.sh config KIND    configure build/debian/out/KIND
#   scripts/deb-kernel.sh build KIND     configure, build the packages and
#                                        vtdk_edu.ko for the test guest
#   KIND: baseline (tag base) or patched (branch series)
#
# Configuration: Debian's /boot/config-6.12.*-amd64 (trixie's linux-image
# package, fetched with apt-get download; the same file linux-config-6.12
# ships), `make olddefconfig` for this source, then `make localmodconfig`
# with the module list of Debian's kernel booted in the test guest (q35,
# intel-iommu, edu, virtio-blk root, AHCI and NVMe disks: scripts/deb-image.sh
# lsmod), then config/debian-vtd-kdump.config.  Everything Debian builds in
# stays built in; only modules the guest never loads are dropped (4051 of
# them in Debian's config).  LOCALVERSION names what the package carries:
# 6.12.N-vtdkdump (series) or 6.12.N-vtdbase (baseline); KDEB_PKGVERSION
# adds the repository commit.  Packages (.deb: image, headers, dbg,
# libc-dev) go to build/debian/out/, the build time to build/debian/out/KIND.time.
# ccache (a folder of its own) serves the second kind and rebuilds.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/deb-lib.sh
. "$(dirname "$0")/deb-lib.sh"

FRAG=$TOP/config/debian-vtd-kdump.config
DEB_JOBS=${DEB_JOBS:-3}

kind=${2:-}
case "$kind" in
baseline | patched) ;;
*) die "usage: $0 config|build baseline|patched" ;;
esac
out=$DEB_OUT/$kind
lv_var=DEB_LV_$kind
lv=${!lv_var}

# Debian 13's config of the stock kernel, from its package
stock_config() {
	local kver deb f
	kver=$(deb_kver stock)
	f=$DEB/config-$kver
	if [ ! -s "$f" ]; then
		deb=$(deb_download "linux-image-$kver")
		mkdir -p "$DEB"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./boot/config-$kver" >"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

configure() {
	local cfg lsmod sum line missing=0
	cfg=$(stock_config)
	# the module list: config/debian-guest-lsmod.txt (measured in the
	# guest), DEB_LSMOD=guest: measure it again (a first boot of Debian's
	# kernel in the guest), DEB_LSMOD=FILE: another list
	case "${DEB_LSMOD:-repo}" in
	repo) lsmod=$TOP/config/debian-guest-lsmod.txt ;;
	guest) lsmod=$("$TOP/scripts/deb-image.sh" lsmod) ;;
	*) lsmod=$DEB_LSMOD ;;
	esac
	[ -s "$lsmod" ] || die "no module list $lsmod"
	mkdir -p "$out"
	grep -v '^#' "$lsmod" >"$out/lsmod.txt"
	lsmod=$out/lsmod.txt
	checkout_rev "$(kind_rev "$kind")" "$LINUX"
	sum=$(cat "$cfg" "$lsmod" "$FRAG" "$0" | md5sum | cut -d' ' -f1)-$lv
	if [ -f "$out/.config" ] && [ "$(cat "$out/.config-stamp" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	log "configuring $kind: $(basename "$cfg") + localmodconfig ($(($(wc -l <"$lsmod") - 1)) modules) + $(basename "$FRAG")"
	mkdir -p "$out"
	cp "$cfg" "$out/.config"
	make -s -C "$LINUX" O="$out" olddefconfig >/dev/null
	# new symbols of the reduced config (a dependency changed): defaults
	make -s -C "$LINUX" O="$out" LSMOD="$lsmod" localmodconfig \
		< <(yes '' 2>/dev/null) >"$out/localmodconfig.log" 2>&1 ||
		{ cat "$out/localmodconfig.log" >&2; die "make localmodconfig failed"; }
	(cd "$LINUX" && ./scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$FRAG" >/dev/null)
	"$LINUX/scripts/config" --file "$out/.config" --set-str LOCALVERSION "$lv" --disable LOCALVERSION_AUTO
	make -s -C "$LINUX" O="$out" olddefconfig >/dev/null
	while read -r line; do
		case "$line" in '' | '#'*) continue ;; esac
		if [[ "$line" == *=n ]]; then
			grep -q "^${line%=n}=" "$out/.config" && { echo "config: $line not honoured" >&2; missing=1; }
		elif ! grep -qx "$line" "$out/.config"; then
			echo "config: $line not honoured" >&2
			missing=1
		fi
	done <"$FRAG"
	[ $missing = 0 ] || die "config fragment not applied for $kind"
	log "$kind config: $(grep -c '=y$' "$out/.config") built in, $(grep -c '=m$' "$out/.config") modules (Debian: $(grep -c '=y$' "$cfg") and $(grep -c '=m$' "$cfg"))"
	echo "$sum" >"$out/.config-stamp"
}

build() {
	local start kver pkgver rev
	configure
	# one ccache folder for both kinds: same source paths, same depth
	export CCACHE_DIR=$DEB_CCACHE_DIR
	export CCACHE_BASEDIR=$BUILD
	export CCACHE_NOHASHDIR=true
	export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	local cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	kver=$(make -s -C "$LINUX" kernelversion)$lv
	rev=$(git -C "$TOP" rev-parse --short=8 HEAD)
	pkgver=$(make -s -C "$LINUX" kernelversion)-1+${lv#-}.g$rev
	rm -f "$DEB_OUT"/linux-image-"$kver"_*.deb "$DEB_OUT"/linux-image-"$kver"-dbg_*.deb \
		"$DEB_OUT"/linux-headers-"$kver"_*.deb "$DEB_OUT"/linux-libc-dev_*+"${lv#-}".*.deb
	command -v ccache >/dev/null && ccache -z >/dev/null
	start=$(date +%s)
	log "make bindeb-pkg $kind ($(git -C "$LINUX" rev-parse --short HEAD), $kver, package $pkgver) -j$DEB_JOBS"
	# LOCALVERSION= (set, empty): no "+" from scripts/setlocalversion for a
	# tree that is not at a release tag (the release is then $kver exactly)
	make -C "$LINUX" O="$out" -j"$DEB_JOBS" CC="$cc" LOCALVERSION= KDEB_PKGVERSION="$pkgver" KDEB_COMPRESS=zstd \
		bindeb-pkg >"$out/build.log" 2>&1 || {
		grep -E 'error|Error' "$out/build.log" | head -20 >&2
		die "$kind package build failed: see $out/build.log"
	}
	echo "$(($(date +%s) - start))" >"$DEB_OUT/$kind.time"
	log "$kind packages built in $(cat "$DEB_OUT/$kind.time") s:"
	deb_files "$kind" | sed 's/^/    /' >&2
	command -v ccache >/dev/null && ccache -s 2>/dev/null | grep -E 'Hits|Misses|hit rate' | sed 's/^/    ccache: /' >&2
	# the test module for the guest, with this kernel's build folder and
	# compiler (while the tree is at this kind's revision)
	local mod=$DEB/mod/$kind
	rm -rf "$mod"
	mkdir -p "$mod"
	cp "$TOP/tools/testing/vtd-kdump/edu/vtdk_edu.c" "$TOP/tools/testing/vtd-kdump/edu/Kbuild" "$mod/"
	make -s -C "$LINUX" O="$out" CC="$cc" LOCALVERSION= M="$mod" modules >"$mod/build.log" 2>&1 ||
		{ cat "$mod/build.log" >&2; die "vtdk_edu build failed for $kind"; }
	git -C "$LINUX" rev-parse HEAD >"$out/built-rev"
}

case "${1:-}" in
config) configure ;;
build) build ;;
*) die "usage: $0 config|build baseline|patched" ;;
esac
