# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The Debian user's path (make deb, make demo-debian): settings and helpers
# shared by scripts/deb-*.sh and tools/testing/vtd-kdump/debian/.  Sourced
# after scripts/lib.sh, not run.
#
# Three kernel kinds, one guest:
#   stock     Debian 13's own linux-image-6.12.*-amd64 (trixie's
#             linux-image-amd64 points at it), fetched with apt-get download
#   baseline  6.12 from linux-source-6.12 (tag base), Debian's config reduced
#             to the guest's modules, packaged with make bindeb-pkg
#   patched   the same with the series (branch series)

DEB=$BUILD/debian			# everything of the Debian path lives here
DEB_OUT=$DEB/out			# O= folders: $DEB_OUT/KIND; .debs in $DEB_OUT
# outside the repository (like the Debian 13 root of scripts/trixie-root.sh):
# the private apt state and the downloaded packages, the build root for the
# stock kernel's out-of-tree module
DEB_CACHE=${DEB_CACHE:-/var/cache/vtd-kdump/apt-trixie}
DEB_KBUILD_ROOT=${DEB_KBUILD_ROOT:-/var/cache/vtd-kdump/trixie-kbuild}
# Debian 13's crashkernel= default (/etc/default/grub.d/kdump-tools.cfg of
# kdump-tools 1.10.7); the guest has DEB_MEM of RAM
DEB_CRASHKERNEL=${DEB_CRASHKERNEL:-512M-:192M}
DEB_MEM=${DEB_MEM:-2G}
# LOCALVERSION of our kinds: the package and `uname -r` say what they carry
# shellcheck disable=SC2034 # read as ${!DEB_LV_KIND}
DEB_LV_baseline=-vtdbase
# shellcheck disable=SC2034
DEB_LV_patched=-vtdkdump
# a separate ccache: Debian's config shares no objects with the small
# config's, and must not evict them
DEB_CCACHE_DIR=${DEB_CCACHE_DIR:-$HOME/.cache/vtd-kdump-deb-ccache}

# the mirror this machine's apt uses (no host name is written anywhere)
deb_mirror() {
	local m
	m=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	[ -n "$m" ] || die "cannot find the Debian mirror of this machine's apt sources"
	echo "$m"
}

# apt-get/apt-cache options of the private trixie configuration: its own
# sources list, lists, cache and an empty dpkg status, so that the host's
# apt sources and state are never touched
deb_apt_opts() {
	local a=$DEB_CACHE/apt
	APT_OPTS=(-o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache"
		-o Dir::State::status=/dev/null -o APT::Get::List-Cleanup=0
		-o APT::Sandbox::User=root)
}

# apt-get update of the private configuration (once a day)
deb_apt_update() {
	local a=$DEB_CACHE/apt
	deb_apt_opts
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$DEB_CACHE/dl"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(deb_mirror) trixie main" >"$a/sources.list.new"
	if cmp -s "$a/sources.list.new" "$a/sources.list" &&
		[ -n "$(find "$a/lists" -maxdepth 1 -name '*trixie_main*Packages*' -mmin -1440 2>/dev/null)" ]; then
		rm -f "$a/sources.list.new"
		return 0
	fi
	mv "$a/sources.list.new" "$a/sources.list"
	log "apt-get update (private trixie configuration in $DEB_CACHE)"
	apt-get "${APT_OPTS[@]}" update -qq || die "apt-get update (trixie) failed"
}

# Debian 13's kernel ABI name: what trixie's linux-image-amd64 depends on
deb_stock_kver() {
	local dep
	deb_apt_update
	dep=$(apt-cache "${APT_OPTS[@]}" show linux-image-amd64 | sed -n 's/^Depends: //p' | head -n 1 |
		grep -o 'linux-image-[0-9][^ ,]*-amd64' | head -n 1)
	[ -n "$dep" ] || die "trixie's linux-image-amd64 names no kernel"
	echo "${dep#linux-image-}"
}

# deb_download PKG: the .deb of PKG (trixie) in $DEB_CACHE/dl, fetched with
# apt-get download if missing; prints its path
deb_download() {
	local pkg=$1 ver f
	deb_apt_update
	ver=$(apt-cache "${APT_OPTS[@]}" show "$pkg" | sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || die "no package $pkg in trixie"
	f=$DEB_CACHE/dl/${pkg}_${ver//:/%3a}_amd64.deb
	[ -f "$f" ] || f=$DEB_CACHE/dl/${pkg}_${ver//:/%3a}_all.deb
	if [ ! -f "$f" ]; then
		log "apt-get download $pkg=$ver (trixie)"
		(cd "$DEB_CACHE/dl" && apt-get "${APT_OPTS[@]}" download -qq "$pkg=$ver") ||
			die "apt-get download $pkg=$ver failed"
		f=$(ls "$DEB_CACHE/dl/${pkg}_${ver//:/%3a}_"*.deb)
	fi
	echo "$f"
}

# kernel release (uname -r) of kind $1
deb_kver() {
	case "$1" in
	stock) deb_stock_kver ;;
	baseline | patched)
		local lv=DEB_LV_$1
		echo "$(make -s -C "$LINUX" kernelversion)${!lv}"
		;;
	*) die "unknown Debian kind '$1' (stock, baseline, patched)" ;;
	esac
}

# the .deb files make deb left for kind $1 (image, headers, dbg), one a line
deb_files() {
	local kver
	kver=$(deb_kver "$1")
	ls "$DEB_OUT"/linux-image-"$kver"_*.deb "$DEB_OUT"/linux-image-"$kver"-dbg_*.deb \
		"$DEB_OUT"/linux-headers-"$kver"_*.deb 2>/dev/null
}

# chroot into the directory tree $1 with /dev, /proc and /sys of the host
# and run the rest (chroot_binds_cmd of lib.sh: binds in a mount namespace of
# the call's own, so an interrupted call leaves nothing mounted)
deb_chroot() {
	local root=$1
	shift
	chroot_binds_cmd "$root" /dev /proc /sys
	"${CHROOT_BINDS[@]}" "$@"
}

# deb_vmlinux KIND KVER: the vmlinux with debug info of the package of KIND
# (its linux-image-KVER-dbg: make deb's, or Debian's for stock, fetched with
# apt-get download unless DEB_STOCK_DBG=0), extracted once into
# $DEB/dbg/KVER/; prints its path, or fails when there is none
deb_vmlinux() {
	local kind=$1 kver=$2 v=$DEB/dbg/$2/vmlinux deb f
	[ -s "$v" ] && { echo "$v"; return 0; }
	case "$kind" in
	stock)
		[ "${DEB_STOCK_DBG:-1}" = 1 ] || return 1
		deb=$(deb_download "linux-image-$kver-dbg") || return 1
		;;
	*) deb=$(find "$DEB_OUT" -maxdepth 1 -name "linux-image-$kver-dbg_*.deb" | head -n 1) ;;
	esac
	[ -n "$deb" ] && [ -f "$deb" ] || return 1
	log "vmlinux of $(basename "$deb")"
	rm -rf "$DEB/dbg/$kver.tmp"
	mkdir -p "$DEB/dbg/$kver.tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$DEB/dbg/$kver.tmp" --wildcards --no-anchored 'vmlinux' 'vmlinux-*' 2>/dev/null
	f=$(find "$DEB/dbg/$kver.tmp" -type f \( -name vmlinux -o -name 'vmlinux-*' \) ! -name '*.py' -size +1M | head -n 1)
	[ -n "$f" ] || { rm -rf "$DEB/dbg/$kver.tmp"; return 1; }
	mkdir -p "$DEB/dbg/$kver"
	mv "$f" "$v"
	rm -rf "$DEB/dbg/$kver.tmp"
	echo "$v"
}
