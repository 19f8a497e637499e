#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kernel trees for vtd-kdump.
#
#   scripts/kernel.sh tree              extract the base, commit the series
#   scripts/kernel.sh build KIND        configure and build KIND (patched|debug|baseline)
#   scripts/kernel.sh version           print the base version
#
# The base is Debian's linux-source-6.12 tarball, extracted into $BUILD/linux
# and committed as tag "base".  The series is made of patches/series: each line
# names a patch file (mbox: message and the diff of existing upstream files)
# and the new files that the same commit adds from this repository.  The
# commits are built with git plumbing in a scratch index, so files whose
# content did not change keep their mtime and an incremental build stays
# incremental.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

base_version() {
	local pkg
	pkg=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
	echo "$(make -s -C "$LINUX" kernelversion 2>/dev/null) (Debian linux-source-6.12 $pkg)"
}

extract_base() {
	[ -f "$SRC_TARBALL" ] ||
		die "$SRC_TARBALL is missing: install Debian's linux-source-6.12 (make deps)"
	local stamp=$BUILD/.base-stamp want
	want=$(stat -c '%s %Y' "$SRC_TARBALL")
	if [ -d "$LINUX/.git" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	log "extracting $SRC_TARBALL into $LINUX"
	rm -rf "$LINUX" "$OUT"
	mkdir -p "$LINUX"
	tar -xf "$SRC_TARBALL" -C "$LINUX" --strip-components=1
	(
		cd "$LINUX"
		git init -q -b series
		git "${GIT_IDENT[@]}" add -A -f
		GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z" \
			git "${GIT_IDENT[@]}" commit -q -m "Linux $(make -s kernelversion) from Debian linux-source-6.12"
		git tag -f base >/dev/null
	)
	echo "$want" >"$stamp"
}

# Print the new files of series line "$@" (all fields after the patch name).
commit_series() {
	local tip parent series=$TOP/patches/series tmp
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	parent=$(git -C "$LINUX" rev-parse base)
	export GIT_INDEX_FILE=$tmp/index
	git -C "$LINUX" read-tree base
	local lineno=0 patch files f msg author date subject
	while read -r patch files; do
		lineno=$((lineno + 1))
		case "$patch" in '' | '#'*) continue ;; esac
		[ -f "$TOP/patches/$patch" ] || die "patches/series:$lineno: no such patch patches/$patch"
		git -C "$LINUX" mailinfo "$tmp/msg" "$tmp/diff" <"$TOP/patches/$patch" >"$tmp/info" ||
			die "patches/$patch: cannot parse the mail header"
		author=$(sed -n 's/^Author: //p' "$tmp/info")
		email=$(sed -n 's/^Email: //p' "$tmp/info")
		date=$(sed -n 's/^Date: //p' "$tmp/info")
		subject=$(sed -n 's/^Subject: //p' "$tmp/info")
		[ -n "$subject" ] || die "patches/$patch: no Subject"
		if grep -q "^diff --git" "$tmp/diff"; then
			git -C "$LINUX" apply --cached --whitespace=nowarn "$tmp/diff" 2>"$tmp/err" || {
				cat "$tmp/err" >&2
				die "patches/$patch does not apply to $(base_version) (series line $lineno)"
			}
		fi
		for f in $files; do
			[ -f "$TOP/$f" ] || die "patches/series:$lineno: new file $f is missing"
			git -C "$LINUX" update-index --add --cacheinfo \
				"100644,$(git -C "$LINUX" hash-object -w "$TOP/$f"),$f"
		done
		{
			echo "$subject"
			echo
			cat "$tmp/msg"
		} >"$tmp/full"
		tree=$(git -C "$LINUX" write-tree)
		parent=$(GIT_AUTHOR_NAME="${author:-vtd-kdump developers}" \
			GIT_AUTHOR_EMAIL="${email:-vtd-kdump@localhost}" \
			GIT_AUTHOR_DATE="${date:-2026-01-01T00:00:00Z}" \
			GIT_COMMITTER_NAME="${author:-vtd-kdump developers}" \
			GIT_COMMITTER_EMAIL="${email:-vtd-kdump@localhost}" \
			GIT_COMMITTER_DATE="${date:-2026-01-01T00:00:00Z}" \
			git -C "$LINUX" commit-tree "$tree" -p "$parent" -F "$tmp/full")
	done <"$series"
	unset GIT_INDEX_FILE
	echo "$parent"
}

make_tree() {
	extract_base
	local tip
	tip=$(commit_series)
	git -C "$LINUX" diff --quiet HEAD ||
		die "$LINUX has local changes: move them to patches/ (scripts/series.sh export) or reset them"
	# build kinds check out "series" or "base" detached: move the branch only
	git -C "$LINUX" checkout -q --detach
	git -C "$LINUX" branch -f series "$tip"
	log "base: $(base_version)"
	log "series: $(git -C "$LINUX" rev-list --count base..series) commits on top of base"
	git -C "$LINUX" log --oneline base..series >&2
}

configure() {
	local kind=$1 src=$LINUX out
	out=$(kind_out "$kind")
	mkdir -p "$out"
	local frag=$TOP/config/vtd-kdump.config sum extra=
	case "$kind" in
	patched) extra=$TOP/config/vtd-kdump-series.config ;;
	debug) extra="$TOP/config/vtd-kdump-series.config $TOP/config/vtd-kdump-debug.config" ;;
	esac
	sum=$(cat "$frag" $extra "$src/drivers/iommu/intel/Kconfig" | md5sum | cut -d' ' -f1)
	if [ -f "$out/.config" ] && [ "$(cat "$out/.config-stamp" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	log "configuring $kind"
	make -s -C "$src" O="$out" tinyconfig >/dev/null
	(cd "$src" && ./scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$frag" $extra >/dev/null)
	make -s -C "$src" O="$out" olddefconfig >/dev/null
	# every line of the fragment must have survived: a typo or a missing
	# dependency is a build error, not a silently smaller kernel
	local line missing=0
	while read -r line; do
		case "$line" in '' | '#'*) continue ;; esac
		if [[ "$line" == *=n ]]; then
			grep -q "^${line%=n}=" "$out/.config" && { echo "config: $line not honoured" >&2; missing=1; }
		elif ! grep -qx "$line" "$out/.config"; then
			echo "config: $line not honoured" >&2
			missing=1
		fi
	done < <(cat "$frag" $extra)
	[ $missing = 0 ] || die "config fragment not applied for $kind"
	echo "$sum" >"$out/.config-stamp"
}

build() {
	local kind=$1 src=$LINUX out start
	out=$(kind_out "$kind")
	[ -d "$src/.git" ] || die "$src is missing: run 'scripts/kernel.sh tree' first"
	checkout_rev "$(kind_rev "$kind")"
	configure "$kind"
	setup_ccache
	start=$(date +%s)
	log "building $kind kernel ($(git -C "$src" rev-parse --short HEAD)) in $out (make -j$JOBS)"
	make -s -C "$src" O="$out" -j"$JOBS" "$KCC" bzImage modules >"$out/build.log" 2>&1 || {
		grep -E 'error|Error' "$out/build.log" | head -20 >&2
		die "$kind kernel build failed: see $out/build.log"
	}
	grep -E 'warning:' "$out/build.log" >&2 || true
	log "$kind kernel built in $(($(date +%s) - start)) s: $out/arch/x86/boot/bzImage"
	base_version >"$out/base-version"
	git -C "$src" rev-parse HEAD >"$out/built-rev"
}

case "${1:-}" in
tree) make_tree ;;
build) build "${2:?kind}" ;;
version) base_version ;;
*) die "usage: $0 tree | build patched|debug|baseline | version" ;;
esac
