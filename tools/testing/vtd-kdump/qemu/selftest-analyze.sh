# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Part of selftest.sh (sourced): analyze.sh on recorded consoles of real
# runs (selftest/KIND-NAME.console.gz), as recorded and with one fact
# changed, and the keys analyze.sh must then give.  The dump is not read
# (dump_requested=0): only what the console says is judged here.

# analyze_console CONSOLE.gz KIND SCENARIO VARIANT [SED]: analyze.sh on the
# console (edited by the sed script SED), in a folder of its own; prints it
analyze_console() {
	local gz=$1 kind=$2 scen=$3 variant=$4 ed=${5:-} d
	d=$(mktemp -d "$TMP/an.XXXXXX")
	if [ -n "$ed" ]; then
		gzip -dc "$HERE/selftest/$gz" | sed -E "$ed" >"$d/console.log"
	else
		gzip -dc "$HERE/selftest/$gz" >"$d/console.log"
	fi
	printf 'kind=%s\nscenario=%s\nvariant=%s\nname=%s\nqemu_rc=0\nwall_s=1\ntimeout_s=240\ndump_requested=0\n' \
		"$kind" "$scen" "$variant" "$scen" >"$d/result.env"
	BUILD=$TMP/abuild "$HERE/analyze.sh" "$d" >/dev/null 2>&1
	echo "$d"
}

# key DIR KEY: the value analyze.sh gave KEY (the last one written)
key() {
	(
		# shellcheck disable=SC1091
		. "$1/result.env"
		eval "echo \"\${$2-__missing__}\""
	)
}

# expect WHAT DIR KEY=VALUE|KEY~REGEX...: one check, every KEY must have
# its VALUE (or match REGEX)
expect() {
	local what=$1 d=$2 kv k got bad=
	shift 2
	for kv in "$@"; do
		if [[ "$kv" =~ ^([a-z_0-9]+)~(.*)$ ]]; then
			k=${BASH_REMATCH[1]}
			got=$(key "$d" "$k")
			[[ "$got" =~ ${BASH_REMATCH[2]} ]] || bad="$bad $k='$got' (want ~ '${kv#*~}')"
		else
			k=${kv%%=*}
			got=$(key "$d" "$k")
			[ "$got" = "${kv#*=}" ] || bad="$bad $k='$got' (want '${kv#*=}')"
		fi
	done
	if [ -z "$bad" ]; then
		check OK "analyze: $what"
	else
		check BAD "analyze: $what" "${bad# }"
	fi
}

analyze_recorded() {
	local d
	# patched S3a: edu quarantined, its stale DMA blocked; QEMU records the
	# block (FPD keeps it out of the fault log)
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy)
	expect "patched S3a as recorded: valid, stale DMA dropped (QEMU recorded the block), no other QEMU VT-d line" \
		"$d" status=ok landed=dropped stale_blocked=qemu qemu_vtd_other=0 edu_quarantined=yes
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy \
		'/qemu-system-x86_64: vtd_(iommu_translate|iova_to_slpte)/d')
	expect "patched S3a without QEMU's record of the block: the stale DMA is unobserved, not dropped" \
		"$d" landed=unobserved stale_blocked=no
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy \
		'0,/^qemu-system-x86_64: vtd_iova_to_slpte/s//qemu-system-x86_64: vtd_ce_type_check: detected invalid context entry type\n&/')
	expect "patched S3a with a QEMU line rejecting an entry: counted as another VT-d line" \
		"$d" qemu_vtd_other=1
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy 's/roundtrip=ok/roundtrip=stale/')
	expect "patched S3a whose primary round trip failed: the run is invalid" \
		"$d" status=primary-roundtrip
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy 's/leaf_matches_pa=1/leaf_matches_pa=0/')
	expect "patched S3a whose harness walk missed edu's leaf: the run is invalid" \
		"$d" status=primary-walk
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy 's/check_pa_in_initrd=yes/check_pa_in_initrd=no/')
	expect "patched S3a whose leaf target is not in the retained initrd: the run is invalid" \
		"$d" "status~^harness-target: "
	d=$(analyze_console patched-S3a.console.gz patched S3a legacy \
		's/(VTDK-RESULT role=kdump check_pa_in_initrd)/vtdk_edu: unknown parameter '"'"'claim'"'"' ignored\n\1/')
	expect "patched S3a where a harness module ignored a parameter: the run is invalid" \
		"$d" "status~^harness-param: vtdk_edu: unknown parameter .?claim.? ignored"
	# baseline S3b: the damaged context entry faults, the fault record
	# names edu at its old IOVA
	d=$(analyze_console baseline-S3b.console.gz baseline S3b legacy)
	expect "baseline S3b as recorded: dropped, recorded by the DMAR fault of edu at the old IOVA" \
		"$d" status=ok landed=dropped stale_blocked=fault-record dmar_faults=1
	# 7.3 names the device with its PCI segment in the fault record
	d=$(analyze_console baseline-S3b.console.gz baseline S3b legacy \
		's/Request device \[00:03\.0\]/Request device [0000:00:03.0]/')
	expect "baseline S3b with 7.3's fault record (segment:bus:dev.fn): recorded by the DMAR fault" \
		"$d" status=ok landed=dropped stale_blocked=fault-record dmar_faults=1
	# R recorded before the loops counted what they moved: not valid
	d=$(analyze_console patched-R.console.gz patched R legacy)
	expect "patched R without the loops' byte counts: the disks' load is not shown, the run is invalid" \
		"$d" "status~^harness-r-load: idle: sata none MiB, nvme none MiB"
	if [ -f "$HERE/selftest/patched-R-load.console.gz" ]; then
		d=$(analyze_console patched-R-load.console.gz patched R legacy)
		expect "patched R with the loops' byte counts: both disks busy at the panic" \
			"$d" status=ok r_load=busy
		d=$(analyze_console patched-R-load.console.gz patched R legacy 's/r_nvme_mib_last_s=[0-9]+/r_nvme_mib_last_s=0/')
		expect "patched R whose NVMe loop moved nothing in the last second: the run is invalid" \
			"$d" "status~^harness-r-load: idle: .*nvme 0 MiB"
	else
		check BAD "analyze: recorded console patched-R-load.console.gz missing"
	fi
	# translation off: the domain-id scan did not run, so no count of 0
	d=$(analyze_console patched-S1-off.console.gz patched S1 off)
	expect "patched S1 with the IOMMU off: no domain-id scan, so no conflict count" \
		"$d" status=ok did_conflicts=no-scan:off landed=old-buffer
	d=$(analyze_console patched-S2.console.gz patched S2 legacy)
	expect "patched S2 as recorded: valid, old buffer, new IOVA, domain ids scanned" \
		"$d" status=ok landed=old-buffer iova_reused=0 did_conflicts=0 qemu_vtd_other=0
}

analyze_recorded
