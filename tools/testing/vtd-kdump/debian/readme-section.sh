#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the README's "Using it on a real machine" section: the commands the
# Debian test (make demo-debian) ran, with the versions and the output of
# its last patched run.  demo-debian.sh writes it to
# build/debian/README-section.md.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
# shellcheck source=SCRIPTDIR/../../../../scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=SCRIPTDIR/../../../../scripts/deb-lib.sh
. "$TOP/scripts/deb-lib.sh"

# shellcheck disable=SC1091
[ -f "$DEB/image/kinds.env" ] && . "$DEB/image/kinds.env"
stock=${KVER_stock:-6.12.*+deb13-amd64}
kver=${KVER_patched:-6.12.*-vtdkdump}
base=$(make -s -C "$LINUX" kernelversion 2>/dev/null || echo 6.12.y)
img=$(find "$DEB_OUT" -maxdepth 1 -name "linux-image-${kver}_*.deb" -printf '%f\n' 2>/dev/null | head -n 1)
pkgver=${img#linux-image-"${kver}"_}
pkgver=${pkgver%_amd64.deb}
[ -n "$img" ] || { img="linux-image-${kver}_VERSION_amd64.deb"; pkgver=VERSION; }
run=$(find "$DEB/runs/patched" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort | head -n 1)
summary=
adoption=
if [ -n "$run" ]; then
	d=$(find "$run/crash/crash" -mindepth 1 -maxdepth 1 -type d -name '2*' 2>/dev/null | head -n 1)
	[ -n "$d" ] && summary=$(sed 's/^.*kernel: *//' "$d/vtdk-journal-summary.txt" 2>/dev/null | head -n 3)
	[ -n "$d" ] && adoption=$(head -n 12 "$d/vtdk-kdump_adoption.txt" 2>/dev/null)
fi

cat <<EOF
## Using it on a real machine

Debian 13 (trixie), kdump-tools.  These are the steps \`make demo-debian\`
runs (scripts/deb-kernel.sh, scripts/deb-image.sh,
tools/testing/vtd-kdump/debian/): there, the machine is a Debian 13 guest
under QEMU (q35, \`intel-iommu\`, legacy and scalable mode, root on a
virtio-blk disk behind the IOMMU) and the same steps run with Debian's own
kernel ($stock) and with the baseline for the side-by-side table.

1. Build the kernel as Debian packages, from Debian's own configuration.
   \`make deb\` does this in \`build/linux\` (Debian's \`linux-source-6.12\`,
   $base, with the series applied; elsewhere: \`git am\` the patches of
   \`make series\` onto a 6.12 tree):

       cp /boot/config-$stock .config     # Debian's config (also in linux-config-6.12)
       make olddefconfig
       make LSMOD=lsmod.txt localmodconfig        # optional, for a quick build: only the
                                                  # modules \`lsmod\` lists on the machine
       scripts/config --set-str LOCALVERSION -vtdkdump --disable LOCALVERSION_AUTO \\
               --enable IOMMU_DEBUGFS --enable INTEL_IOMMU_DEBUGFS --disable DEBUG_INFO_BTF
       make olddefconfig
       make -j\$(nproc) LOCALVERSION= KDEB_PKGVERSION=$pkgver KDEB_COMPRESS=zstd bindeb-pkg

   (\`LOCALVERSION=\` on the command line: in a git tree that is not at a
   release tag, \`scripts/setlocalversion\` would otherwise add a \`+\` to
   the release.)

   Besides \`$img\` this leaves the \`-dbg\` package (vmlinux for
   \`crash\`) and \`linux-headers-$kver\`.  \`INTEL_IOMMU_DEBUGFS\` (not in
   Debian's config) is only needed for \`/sys/kernel/debug/iommu/intel/kdump_adoption\`;
   the summary line is logged without it.

2. Install it and enable kdump-tools:

       sudo dpkg -i $img
       sudo apt-get install kdump-tools           # its default: USE_KDUMP=1
       grep USE_KDUMP= /etc/default/kdump-tools   # USE_KDUMP=1
       sudo update-grub                            # kdump-tools adds crashkernel=$DEB_CRASHKERNEL
                                                   # (the test has no boot loader: QEMU passes
                                                   # that command line)
       sudo reboot                                 # into $kver
       kdump-config status                         # current state   : ready to kdump

   kdump-tools builds its own small initrd (\`/var/lib/kdump/initrd.img-$kver\`)
   on that first boot and boots the capture kernel with the same command
   line (so the same \`intel_iommu=\`) plus \`reset_devices
   systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb\`.

3. Keep the adoption report of the capture kernel (it exists only while
   that kernel runs):

       sudo mkdir -p /etc/systemd/system/kdump-tools-dump.service.d
       sudo tee /etc/systemd/system/kdump-tools-dump.service.d/kdump-adoption.conf <<'EOT'
       [Service]
       ExecStartPre=-/bin/sh -c 'cat /sys/kernel/debug/iommu/intel/kdump_adoption >/var/crash/kdump_adoption.txt'
       EOT

4. After a crash kdump-tools saves \`/var/crash/<stamp>/dump.<stamp>\` and
   \`dmesg.<stamp>\` and reboots.  Then (Debian 13 keeps the journal of the
   capture boot; crash 8.0.6 of Debian 13 reads kdump-tools' flattened dump,
   the vmlinux is in the \`-dbg\` package):

       journalctl -k -b -1 | grep 'kdump: adopted'
       cat /var/crash/kdump_adoption.txt
       crash /usr/lib/debug/lib/modules/$kver/vmlinux /var/crash/<stamp>/dump.<stamp>
EOF
if [ -n "$summary" ]; then
	echo
	echo "   The summary line of the test's S1 run (one per IOMMU; a quarantined"
	echo "   device gets a line of its own):"
	echo
	printf '%s\n' "$summary" | while IFS= read -r l; do echo "       $l"; done
fi
if [ -n "$adoption" ]; then
	echo
	echo "   and the start of its \`kdump_adoption\`:"
	echo
	printf '%s\n' "$adoption" | while IFS= read -r l; do echo "       $l"; done
fi
