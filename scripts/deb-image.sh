#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian 13 (trixie) guest of `make demo-debian`: a root made with
# mmdebstrap from the mirror this machine's apt uses, with systemd,
# kdump-tools, kexec-tools and makedumpfile; kernels installed with dpkg in
# a chroot (their postinst hooks build /boot/initrd.img-*; kdump-tools' hook
# skips chroots and builds its own initrd on the first boot); the edu test
# module built for each kernel in /usr/lib/modules/KVER/updates; an ext4 on
# a raw disk image (mkfs.ext4 -d: no loop device, no mount).
#
#   scripts/deb-image.sh build [KIND...]  root, kernels (default: stock
#                                         baseline patched), first boots, image
#   scripts/deb-image.sh lsmod            the module list of Debian's kernel
#                                         booted in the guest (for make deb)
#   scripts/deb-image.sh kver KIND        kernel release of KIND
#
# Files: build/debian/root/ (the guest's tree), build/debian/image/guest.img
# (4 GiB sparse raw, root=/dev/vda), vmlinuz-KVER and initrd.img-KVER (the
# /boot files of the image, for QEMU's -kernel/-initrd), kinds.env.
# The first boot of each kernel (run-debian.sh KIND prep) happens once:
# kdump-tools builds /var/lib/kdump/initrd.img-KVER in the guest, as on a
# real machine, and that folder is copied back into the root (debugfs).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/deb-lib.sh
. "$(dirname "$0")/deb-lib.sh"

ROOT=$DEB/root
IMG=$DEB/image
GUEST=$TOP/tools/testing/vtd-kdump/debian/guest
RUN=$TOP/tools/testing/vtd-kdump/debian/run-debian.sh
STATE=$ROOT/var/lib/vtdk-image		# what has been put into the root
# the guest: systemd, kdump-tools and what it uses, initramfs-tools
PKGS=systemd-sysv,udev,kmod,initramfs-tools,zstd,kdump-tools,kexec-tools,makedumpfile,busybox,procps,file,bsdextrautils,linux-base,e2fsprogs
IMG_SIZE=4G

guest_sum() {
	cat "$GUEST"/* | md5sum | cut -d' ' -f1
}

# the files that end up in initrds
initrd_sum() {
	cat "$GUEST"/initramfs-* "$GUEST"/modprobe-* | md5sum | cut -d' ' -f1
}

make_root() {
	if [ -f "$STATE/packages" ] && [ "$(cat "$STATE/packages")" = "$PKGS" ]; then
		return 0
	fi
	command -v mmdebstrap >/dev/null || die "mmdebstrap missing (make deps)"
	log "mmdebstrap: Debian 13 guest root in $ROOT"
	mkdir -p "$DEB"
	rm -rf --one-file-system "$ROOT.tmp"
	local t0=$SECONDS
	mmdebstrap --quiet --variant=minbase --include="$PKGS" trixie "$ROOT.tmp" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(deb_mirror) trixie main" ||
		die "mmdebstrap failed"
	local r=$ROOT.tmp
	echo vtdk-guest >"$r/etc/hostname"
	echo '/dev/vda / ext4 errors=remount-ro 0 1' >"$r/etc/fstab"
	# a fixed machine id: no first-boot presets in the runs
	echo 5674646b64656269616e00000000000a >"$r/etc/machine-id"
	mkdir -p "$r/var/log/journal"	# the capture boot's journal survives its reboot
	# kdump-tools, as its README.Debian and /etc/default/kdump-tools say:
	# USE_KDUMP=1 (the debconf default), crashkernel= on the command line
	# (run-debian.sh: what /etc/default/grub.d/kdump-tools.cfg gives GRUB)
	sed -i 's/^USE_KDUMP=.*/USE_KDUMP=1/' "$r/etc/default/kdump-tools"
	grep -q '^USE_KDUMP=1$' "$r/etc/default/kdump-tools" || die "USE_KDUMP=1 not set"
	# kexec-tools must not turn reboots into kexec
	[ -f "$r/etc/default/kexec" ] && sed -i 's/^LOAD_KEXEC=.*/LOAD_KEXEC=false/' "$r/etc/default/kexec"
	# the test writes its result lines to /dev/kmsg
	echo 'kernel.printk_devkmsg = on' >"$r/etc/sysctl.d/90-vtdk.conf"
	mkdir -p "$r/var/lib/vtdk-image"
	echo "$PKGS" >"$r/var/lib/vtdk-image/packages"
	rm -rf --one-file-system "$ROOT"
	mv "$r" "$ROOT"
	log "guest root made in $((SECONDS - t0)) s ($(du -sh --one-file-system "$ROOT" | cut -f1))"
}

# the test's files in the guest; a change invalidates the initrds
sync_guest() {
	local sum
	sum=$(guest_sum)
	[ "$(cat "$STATE/guest" 2>/dev/null)" = "$sum" ] && return 0
	install -D -m 0755 "$GUEST/vtdk-debian" "$ROOT/usr/local/sbin/vtdk-debian"
	install -D -m 0644 "$GUEST/vtdk-scenario.service" "$ROOT/etc/systemd/system/vtdk-scenario.service"
	mkdir -p "$ROOT/etc/systemd/system/multi-user.target.wants"
	ln -sf /etc/systemd/system/vtdk-scenario.service "$ROOT/etc/systemd/system/multi-user.target.wants/"
	install -D -m 0644 "$GUEST/kdump-tools-dump-vtdk.conf" "$ROOT/etc/systemd/system/kdump-tools-dump.service.d/vtdk.conf"
	install -D -m 0644 "$GUEST/kdump-adoption.conf" "$ROOT/etc/systemd/system/kdump-tools-dump.service.d/kdump-adoption.conf"
	install -D -m 0644 "$GUEST/modprobe-vtdk-edu.conf" "$ROOT/etc/modprobe.d/vtdk-edu.conf"
	install -D -m 0755 "$GUEST/initramfs-hook" "$ROOT/etc/initramfs-tools/hooks/vtdk-kdump"
	install -D -m 0755 "$GUEST/initramfs-local-bottom" "$ROOT/etc/initramfs-tools/scripts/local-bottom/vtdk-kdump"
	if [ -f "$STATE/initrd" ] && [ "$(cat "$STATE/initrd")" != "$(initrd_sum)" ]; then
		# the initramfs parts changed: new initrds, new first boots
		log "initramfs files changed: update-initramfs, kdump initrds again"
		deb_chroot "$ROOT" update-initramfs -u -k all >/dev/null
		rm -f "$ROOT"/var/lib/kdump/initrd.img-* "$ROOT"/var/lib/kdump/size_initrd.img-*
	fi
	initrd_sum >"$STATE/initrd"
	echo "$sum" >"$STATE/guest"
}

# a trixie root with gcc-14 and the stock kernel's headers: its edu module
# is built the way a Debian user builds an out-of-tree module
kbuild_root() {
	local kver=$1 r=$DEB_KBUILD_ROOT
	[ -d "$r/usr/src/linux-headers-$kver" ] && return 0
	log "mmdebstrap: trixie build root with linux-headers-$kver in $r"
	rm -rf --one-file-system "$r.tmp"
	mmdebstrap --quiet --variant=apt --include="make,gcc-14,libc6-dev,kmod,linux-headers-$kver" trixie "$r.tmp" \
		"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(deb_mirror) trixie main" ||
		die "mmdebstrap (build root) failed"
	rm -rf --one-file-system "$r"
	mv "$r.tmp" "$r"
}

# vtdk_edu.ko for KIND at KVER: stock in the trixie build root against
# Debian's headers; ours as make deb left it (built in the kernel's own
# build folder, with the compiler of the kernel)
edu_module() {
	local kind=$1 kver=$2 r=$DEB_KBUILD_ROOT
	case "$kind" in
	stock)
		kbuild_root "$kver"
		rm -rf "$r/tmp/vtdk-edu"
		mkdir -p "$r/tmp/vtdk-edu"
		cp "$TOP/tools/testing/vtd-kdump/edu/vtdk_edu.c" "$TOP/tools/testing/vtd-kdump/edu/Kbuild" "$r/tmp/vtdk-edu/"
		deb_chroot "$r" make -s -C "/usr/src/linux-headers-$kver" M=/tmp/vtdk-edu modules \
			>"$DEB/edu-stock.log" 2>&1 || { cat "$DEB/edu-stock.log" >&2; die "vtdk_edu build for $kver failed"; }
		mkdir -p "$DEB/mod/stock"
		cp "$r/tmp/vtdk-edu/vtdk_edu.ko" "$DEB/mod/stock/vtdk_edu.ko"
		echo "$DEB/mod/stock/vtdk_edu.ko"
		;;
	*)
		[ -f "$DEB/mod/$kind/vtdk_edu.ko" ] || die "$DEB/mod/$kind/vtdk_edu.ko missing: make deb"
		echo "$DEB/mod/$kind/vtdk_edu.ko"
		;;
	esac
}

# the kernel package of KIND into the root (dpkg -i in a chroot) and its edu
install_kernel() {
	local kind=$1 kver deb sum ko
	kver=$(deb_kver "$kind")
	case "$kind" in
	stock) deb=$(deb_download "linux-image-$kver") ;;
	*) deb=$(find "$DEB_OUT" -maxdepth 1 -name "linux-image-${kver}_*.deb" | head -n 1)
		[ -n "$deb" ] || die "no linux-image-$kver .deb in $DEB_OUT: make deb" ;;
	esac
	sum=$(md5sum <"$deb" | cut -d' ' -f1)
	if [ "$(cat "$STATE/kernel-$kind" 2>/dev/null)" != "$sum" ]; then
		log "dpkg -i $(basename "$deb") in the guest root"
		cp "$deb" "$ROOT/tmp/"
		deb_chroot "$ROOT" dpkg -i "/tmp/$(basename "$deb")" >"$DEB/dpkg-$kind.log" 2>&1 ||
			{ cat "$DEB/dpkg-$kind.log" >&2; die "dpkg -i $(basename "$deb") failed"; }
		rm -f "$ROOT/tmp/$(basename "$deb")" "$ROOT/var/lib/kdump/initrd.img-$kver"
		grep -E 'update-initramfs|kdump-tools' "$DEB/dpkg-$kind.log" | sed 's/^/    /' >&2 || true
		[ -f "$ROOT/boot/initrd.img-$kver" ] || die "the package's hooks made no /boot/initrd.img-$kver"
		rm -f "$STATE/edu-$kind"
		echo "$sum" >"$STATE/kernel-$kind"
	fi
	ko=$(edu_module "$kind" "$kver")
	sum=$(md5sum <"$ko" | cut -d' ' -f1)
	if [ "$(cat "$STATE/edu-$kind" 2>/dev/null)" != "$sum" ]; then
		install -D -m 0644 "$ko" "$ROOT/usr/lib/modules/$kver/updates/vtdk_edu.ko"
		deb_chroot "$ROOT" depmod -a "$kver"
		rm -f "$ROOT/var/lib/kdump/initrd.img-$kver"	# its kdump initrd holds the module
		echo "$sum" >"$STATE/edu-$kind"
	fi
	echo "KVER_$kind=$kver" >>"$IMG/kinds.env.new"
}

mkimage() {
	rm -f "$IMG/guest.img.tmp"
	truncate -s "$IMG_SIZE" "$IMG/guest.img.tmp"
	mkfs.ext4 -q -F -L vtdk-root -d "$ROOT" "$IMG/guest.img.tmp" || die "mkfs.ext4 -d failed"
	mv "$IMG/guest.img.tmp" "$IMG/guest.img"
}

build() {
	local kinds=("$@") kind kver need=() t0=$SECONDS
	[ ${#kinds[@]} -gt 0 ] || kinds=(stock baseline patched)
	mkdir -p "$IMG"
	make_root
	sync_guest
	rm -f "$IMG/kinds.env.new"
	for kind in "${kinds[@]}"; do
		install_kernel "$kind"
	done
	mv "$IMG/kinds.env.new" "$IMG/kinds.env"
	# shellcheck disable=SC1091
	. "$IMG/kinds.env"
	rm -f "$IMG"/vmlinuz-* "$IMG"/initrd.img-*
	for kind in "${kinds[@]}"; do
		kver=KVER_$kind
		kver=${!kver}
		cp "$ROOT/boot/vmlinuz-$kver" "$ROOT/boot/initrd.img-$kver" "$IMG/"
		[ -f "$ROOT/var/lib/kdump/initrd.img-$kver" ] || need+=("$kind")
	done
	local sum
	sum=$(cat "$STATE"/* "$IMG/kinds.env" | md5sum | cut -d' ' -f1)
	if [ ${#need[@]} = 0 ] && [ -f "$IMG/guest.img" ] && [ "$(cat "$IMG/stamp" 2>/dev/null)" = "$sum" ]; then
		log "guest image up to date: $IMG/guest.img (${kinds[*]})"
		return 0
	fi
	mkimage
	# first boot of each kernel without kdump-tools' initrd: it builds it
	for kind in "${need[@]}"; do
		kver=KVER_$kind
		kver=${!kver}
		log "first boot of $kind ($kver): kdump-tools builds its initrd"
		"$RUN" "$kind" prep || die "first boot of $kind failed (build/debian/prep/$kind/console.log)"
		grep -q "VTDK-RESULT role=prep kernel=$kver kdump=ready" "$DEB/prep/$kind/console.log" ||
			die "first boot of $kind: no ready line (build/debian/prep/$kind/console.log)"
		grep -o 'VTDK-RESULT role=prep .*' "$DEB/prep/$kind/console.log" | tr -d '\r' | head -n 1 >&2
		rm -rf "$DEB/prep/$kind/var"
		mkdir -p "$DEB/prep/$kind/var"
		debugfs -R "rdump /var/lib/kdump /var/lib/vtdk $DEB/prep/$kind/var" "$IMG/guest.img" >/dev/null 2>&1
		[ -f "$DEB/prep/$kind/var/kdump/initrd.img-$kver" ] || die "first boot of $kind: no /var/lib/kdump/initrd.img-$kver"
		cp -a "$DEB/prep/$kind/var/kdump/." "$ROOT/var/lib/kdump/"
		cp "$DEB/prep/$kind/var/vtdk/lsmod-$kver" "$DEB/lsmod-$kind.txt"
	done
	# the image the runs copy: the root with every kernel's first boot done
	[ ${#need[@]} = 0 ] || mkimage
	echo "$sum" >"$IMG/stamp"
	log "guest image: $IMG/guest.img (${kinds[*]}) in $((SECONDS - t0)) s"
}

case "${1:-}" in
build) shift; build "$@" ;;
lsmod)
	kver=$(deb_kver stock)
	if [ ! -s "$DEB/lsmod-stock.txt" ] || ! grep -q '^virtio_blk ' "$DEB/lsmod-stock.txt"; then
		build stock
	fi
	echo "$DEB/lsmod-stock.txt"
	;;
kver) deb_kver "${2:?kind}" ;;
*) die "usage: $0 build [KIND...] | lsmod | kver KIND" ;;
esac
