#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs of the vtd-kdump QEMU harness for one kernel kind.
#
#   scripts/initramfs.sh KIND OUTFILE
#
# KIND is baseline, patched (our O= builds in build/out/KIND) or debian
# (Debian's linux-image-$DEBIAN_KVER-unsigned, optional column).
#
# OUTFILE (cpio.gz) holds busybox (static, with its applet links), kexec and
# makedumpfile with the libraries ldd lists, vtdk_edu.ko and vtdk_nic.ko
# (scenario W) built for KIND, the harness /init, and in /boot the kernel
# image of KIND plus a smaller initramfs for the kdump kernel (the same
# without kexec and the kernel).
# The busybox/lib part is cached in build/initramfs/base.cpio.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

DEBIAN_KVER=${DEBIAN_KVER:-6.12.107+deb12-amd64}
HARNESS=$TOP/tools/testing/vtd-kdump
CACHE=$BUILD/initramfs

usage() { die "usage: $0 baseline|patched|debian|debian-primary|... OUTFILE"; }

kind=${1:-}
outfile=${2:-}
if [ -z "$kind" ] || [ -z "$outfile" ]; then usage; fi

# cpio (newc) of the files under $1, owned by root
mkcpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0)
}

# copy_bin ROOT FILE DEST [SYSROOT]: FILE (a path inside SYSROOT, default
# the host) and the libraries ldd lists there, into the initramfs ROOT
copy_bin() {
	local root=$1 file=$2 dest=$3 sys=${4:-} lib libs
	install -D -m 0755 "$sys$file" "$root$dest"
	if [ -n "$sys" ]; then
		libs=$(chroot "$sys" ldd "$file" | grep -o '/[^ ]*')
	else
		libs=$(ldd "$file" | grep -o '/[^ ]*')
	fi
	for lib in $libs; do
		[ -e "$root$lib" ] && continue
		if [ -n "$sys" ]; then
			install -D -m 0755 "$sys$(chroot "$sys" readlink -f "$lib")" "$root$lib"
		else
			install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
		fi
	done
}

# The part that depends on no kernel: busybox, kexec, makedumpfile, libraries.
# kexec-tools and makedumpfile come from the Debian 13 root when it has them
# (makedumpfile 1.7.2 of Debian 12 predates 6.10's page types: -d 31 then
# drops slab pages and crash cannot read the tasks), else from the host.
base_cpio() {
	local base=$CACHE/base.cpio root bb kexec mdf stamp sys=
	bb=$(command -v busybox) || die "busybox missing: apt-get install busybox-static"
	if [ -x "$TRIXIE_ROOT/usr/sbin/kexec" ] && [ -x "$TRIXIE_ROOT/usr/bin/makedumpfile" ]; then
		sys=$TRIXIE_ROOT
		kexec=/usr/sbin/kexec
		mdf=/usr/bin/makedumpfile
	else
		kexec=$(command -v kexec || echo /sbin/kexec)
		mdf=$(command -v makedumpfile) || die "makedumpfile missing: apt-get install makedumpfile"
	fi
	[ -x "$sys$kexec" ] || die "kexec missing: apt-get install kexec-tools"
	file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
		ldd "$bb" 2>&1 | grep -q 'not a dynamic' || die "$bb is not static: apt-get install busybox-static"
	stamp=$(stat -L -c '%n %s %Y' "$bb" "$sys$kexec" "$sys$mdf" "$0" | md5sum | cut -d' ' -f1)
	if [ -f "$base" ] && [ "$(cat "$base.stamp" 2>/dev/null)" = "$stamp" ]; then
		echo "$base"
		return
	fi
	root=$CACHE/base-root
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,mnt,boot,etc/vtdk,lib/vtdk,root}
	install -m 0755 "$bb" "$root/bin/busybox"
	local app
	for app in $("$bb" --list-full); do
		[ -e "$root/$app" ] || ln -s /bin/busybox "$root/$app"
	done
	copy_bin "$root" "$kexec" /sbin/kexec "$sys"
	copy_bin "$root" "$mdf" /usr/bin/makedumpfile "$sys"
	mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null || true
	mkcpio "$root" >"$base.tmp"
	mv "$base.tmp" "$base"
	echo "$stamp" >"$base.stamp"
	echo "$base"
}

# Build the harness module NAME (tools/testing/vtd-kdump/DIR/NAME.c) for
# the kind in build/mod/DIR-KIND; print its path.
build_module() {
	local name=$1 sub=$2 mod=$BUILD/mod/$2-$kind src out
	mkdir -p "$mod"
	cp "$HARNESS/$sub/$name.c" "$HARNESS/$sub/Kbuild" "$mod/"
	case "$kind" in
	debian)
		src=/usr/src/linux-headers-$DEBIAN_KVER
		[ -d "$src" ] || die "$src missing: apt-get install linux-headers-$DEBIAN_KVER"
		make -s -C "$src" M="$mod" modules >"$mod/build.log" 2>&1 ||
			{ cat "$mod/build.log" >&2; die "$name build failed for $kind"; }
		;;
	*)
		src=$(kind_src "$kind")
		out=$(kind_out "$kind")
		[ -f "$out/Module.symvers" ] || die "$out/Module.symvers missing: build the $kind kernel (with modules) first"
		make -s -C "$src" O="$out" M="$mod" modules >"$mod/build.log" 2>&1 ||
			{ cat "$mod/build.log" >&2; die "$name build failed for $kind"; }
		;;
	esac
	echo "$mod/$name.ko"
}

# VTDK_IOVA_BENCH=1: also build vtdk_iova_bench.ko (tools/testing/vtd-kdump/
# iova-bench, baseline/patched only) for vtdk.scenario=iova-bench; print its path.
build_iova_bench() {
	local mod=$BUILD/mod/iova-bench-$kind
	[ "$kind" != debian ] || die "VTDK_IOVA_BENCH: baseline or patched only"
	mkdir -p "$mod"
	cp "$HARNESS/iova-bench/vtdk_iova_bench.c" "$HARNESS/iova-bench/Kbuild" "$mod/"
	make -s -C "$(kind_src "$kind")" O="$(kind_out "$kind")" M="$mod" modules >"$mod/build.log" 2>&1 ||
		{ cat "$mod/build.log" >&2; die "vtdk_iova_bench build failed for $kind"; }
	echo "$mod/vtdk_iova_bench.ko"
}

# VTDK_SCALE=1: also build vtdk_scale.ko (tools/testing/vtd-kdump/scale, with
# the series' kdump_walk.c built in; baseline/patched only) for
# vtdk.scenario=scale (make scale-bench); print its path.
build_scale() {
	local mod=$BUILD/mod/scale-$kind
	[ "$kind" != debian ] || die "VTDK_SCALE: baseline or patched only"
	mkdir -p "$mod"
	cp "$HARNESS/scale/scale.c" "$HARNESS/scale/Kbuild" \
		"$TOP/drivers/iommu/intel/kdump_walk.c" \
		"$TOP/drivers/iommu/intel/kdump_walk.h" "$mod/"
	make -s -C "$(kind_src "$kind")" O="$(kind_out "$kind")" M="$mod" modules >"$mod/build.log" 2>&1 ||
		{ cat "$mod/build.log" >&2; die "vtdk_scale build failed for $kind"; }
	echo "$mod/vtdk_scale.ko"
}

kernel_image() {
	case "$kind" in
	debian) echo "/boot/vmlinuz-$DEBIAN_KVER" ;;
	*) echo "$(kind_out "$kind")/arch/x86/boot/bzImage" ;;
	esac
}

# Debian's kernel has virtio and friends as modules: copy them (decompressed,
# busybox insmod cannot read .ko.xz) in load order into lib/vtdk and list
# them in etc/vtdk/modules.
debian_modules() {
	local root=$1 mdir=/lib/modules/$DEBIAN_KVER want m path
	[ -d "$mdir" ] || die "$mdir missing: apt-get install linux-image-$DEBIAN_KVER-unsigned"
	want="virtio_pci virtio_blk"
	local order=()
	add_mod() {
		local name=$1 line deps d
		line=$(grep -E "(^|/)${name//_/[_-]}\.ko(\.[a-z]+)?:" "$mdir/modules.dep" || true)
		[ -n "$line" ] || return 0	# built in
		deps=${line#*:}
		for d in $deps; do
			d=$(basename "$d")
			add_mod "${d%%.ko*}"
		done
		for d in "${order[@]}"; do [ "$d" = "$name" ] && return 0; done
		order+=("$name")
		path=$mdir/${line%%:*}
		case "$path" in
		*.xz) xz -dc "$path" >"$root/lib/vtdk/$name.ko" ;;
		*.zst) zstd -qdc "$path" >"$root/lib/vtdk/$name.ko" ;;
		*.gz) gzip -dc "$path" >"$root/lib/vtdk/$name.ko" ;;
		*) cp "$path" "$root/lib/vtdk/$name.ko" ;;
		esac
	}
	for m in $want; do add_mod "$m"; done
	: >"$root/etc/vtdk/modules"
	for m in "${order[@]}"; do echo "$m.ko" >>"$root/etc/vtdk/modules"; done
}

main() {
	local base ko nic_ko image work primary=
	mkdir -p "$CACHE"
	base=$(base_cpio)
	# debian-primary: Debian's kernel crashes, the patched one captures
	if [ "$kind" = debian-primary ]; then
		primary=debian
		kind=patched
		work=$CACHE/debian-primary
	else
		work=$CACHE/$kind
	fi
	ko=$(build_module vtdk_edu edu)
	nic_ko=$(build_module vtdk_nic nic)
	image=$(kernel_image)
	[ -f "$image" ] || die "$image missing: build or install the $kind kernel first"

	rm -rf "$work"
	mkdir -p "$work/kdump/lib/vtdk" "$work/kdump/etc/vtdk" "$work/outer/boot"
	install -m 0755 "$HARNESS/qemu/init" "$work/kdump/init"
	install -m 0644 "$ko" "$work/kdump/lib/vtdk/vtdk_edu.ko"
	install -m 0644 "$nic_ko" "$work/kdump/lib/vtdk/vtdk_nic.ko"
	[ "$kind" = debian ] && debian_modules "$work/kdump"
	# both kernels: the primary maps, the kdump kernel measures
	if [ "${VTDK_SCALE:-0}" = 1 ]; then
		install -m 0644 "$(build_scale)" "$work/kdump/lib/vtdk/vtdk_scale.ko"
	fi

	# kdump initramfs: base + overlay, without kexec's kernel image
	{ cat "$base"; mkcpio "$work/kdump"; } | gzip -1 >"$work/outer/boot/kdump.img"
	cp "$image" "$work/outer/boot/vmlinuz"
	# primary only: the IOVA benchmark module and its parameters (VTDK_IOVA_BENCH_ARGS)
	if [ "${VTDK_IOVA_BENCH:-0}" = 1 ]; then
		local bench_ko
		bench_ko=$(build_iova_bench)
		install -D -m 0644 "$bench_ko" "$work/outer/lib/vtdk/vtdk_iova_bench.ko"
		mkdir -p "$work/outer/etc/vtdk"
		echo "${VTDK_IOVA_BENCH_ARGS:-}" >"$work/outer/etc/vtdk/iova-bench.args"
	fi
	# the primary's own modules, over the kdump kernel's in its initramfs
	if [ -n "$primary" ]; then
		kind=$primary
		mkdir -p "$work/outer/lib/vtdk" "$work/outer/etc/vtdk"
		install -m 0644 "$(build_module vtdk_edu edu)" "$work/outer/lib/vtdk/vtdk_edu.ko"
		install -m 0644 "$(build_module vtdk_nic nic)" "$work/outer/lib/vtdk/vtdk_nic.ko"
		debian_modules "$work/outer"
	fi
	mkdir -p "$(dirname "$outfile")"
	{ cat "$base"; mkcpio "$work/kdump"; mkcpio "$work/outer"; } | gzip -1 >"$outfile.tmp"
	mv "$outfile.tmp" "$outfile"
	log "initramfs for $kind: $outfile ($(du -h "$outfile" | cut -f1); kernel $image)"
}

main
