#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kernel trees for vtd-kdump.
#
#   scripts/kernel.sh tree [BASE]       extract the base, commit the series
#   scripts/kernel.sh build KIND        configure and build KIND: patched,
#                                       debug, baseline (6.12) or the same
#                                       with -7.3 (7.3)
#   scripts/kernel.sh verify KIND       is KIND's image from a finished build
#                                       of the tree as it stands? (exit 1 if not)
#   scripts/kernel.sh stamp KIND        the stamp a finished build of KIND
#                                       writes (revision, config, image digest)
#   scripts/kernel.sh version [BASE]    print the base version
#
# A base is Debian's linux-source tarball (6.12: linux-source-6.12 from
# Debian 12/13; 7.3: linux-source-7.3 from trixie-backports, fetched by
# scripts/source-7.3.sh), extracted into build/linux (6.12) or
# build/linux-7.3 and committed as tag "base".  The series of a base is
# patches/BASE/series: each line names a patch file (mbox: the message, the
# diff of existing upstream files, and the diff of new files that an
# earlier commit of the series added) and the new files that the same
# commit takes from this repository.
#
# A new file lives in the repository once, as the last commit of the series
# leaves it.  The commit that lists it gets that content without what later
# patches add to it (their diffs of the file, undone from the last to the
# first), so each commit holds only what it uses; a file may also come into
# being as a diff (a move of upstream code) before the commit that lists it.
# The commits are built with git plumbing in a scratch index, so files whose
# content did not change keep their mtime and an incremental build stays
# incremental.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

base_version() {
	local base=${1:-$BASE} tree pkg
	tree=$(linux_of_base "$base")
	pkg=$(dpkg-query -W -f='${Version}' "linux-source-$base" 2>/dev/null ||
		cat "$SRC73_DIR/version" 2>/dev/null || echo unknown)
	echo "$(make -s -C "$tree" kernelversion 2>/dev/null) (Debian linux-source-$base $pkg)"
}

extract_base() {
	local base=$1 tarball tree stamp want
	tarball=$(tarball_of_base "$base")
	tree=$(linux_of_base "$base")
	if [ ! -f "$tarball" ]; then
		case "$base" in
		7.3) die "$tarball is missing: run scripts/source-7.3.sh (make deps)" ;;
		*) die "$tarball is missing: install Debian's linux-source-$base (make deps)" ;;
		esac
	fi
	stamp=$BUILD/.base-stamp-$base
	want=$(stat -c '%s %Y' "$tarball")
	if [ -d "$tree/.git" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	log "extracting $tarball into $tree"
	rm -rf "$tree"
	mkdir -p "$tree"
	tar -xf "$tarball" -C "$tree" --strip-components=1
	(
		cd "$tree"
		git init -q -b series
		git "${GIT_IDENT[@]}" add -A -f
		GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z" \
			git "${GIT_IDENT[@]}" commit -q -m "Linux $(make -s kernelversion) from Debian linux-source-$base"
		git tag -f base >/dev/null
	)
	echo "$want" >"$stamp"
}

# $1/F as commit @2 of the series lists it: the repository's F without the
# diffs of F in the patches after line @2 (undone from the last one back).
# @3: the series' patch names, one per line, in order.  Prints a blob id of
# the tree @4.
listed_content() {
	local f=$1 line=$2 names=$3 tree=$4 pdir scratch n=0 later=() p i
	pdir=$(dirname "$SERIES_FILE")
	while read -r p; do
		n=$((n + 1))
		[ $n -gt "$line" ] && later+=("$p")
	done <<<"$names"
	scratch=$(mktemp -d)
	mkdir -p "$scratch/$(dirname "$f")"
	cp "$TOP/$f" "$scratch/$f"
	for ((i = ${#later[@]} - 1; i >= 0; i--)); do
		p=$pdir/${later[$i]}
		grep -q "^diff --git a/$f b/$f\$" "$p" || continue
		(cd "$scratch" && git apply -R --include="$f" "$p") 2>"$scratch.err" || {
			cat "$scratch.err" >&2
			rm -rf "$scratch" "$scratch.err"
			die "$f: cannot undo ${later[$i]}'s diff of it on the repository's version (regenerate the patch: scripts/series.sh export)"
		}
	done
	git -C "$tree" hash-object -w "$scratch/$f"
	rm -rf "$scratch" "$scratch.err"
}

# Commit patches/BASE/series onto tag base of the tree @1; print the tip.
commit_series() {
	local tree=$1 tmp parent names
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	parent=$(git -C "$tree" rev-parse base)
	export GIT_INDEX_FILE=$tmp/index
	git -C "$tree" read-tree base
	names=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES_FILE" | awk '{ print $1 }')
	local lineno=0 n=0 patch files f author email date subject blob
	while read -r patch files; do
		lineno=$((lineno + 1))
		case "$patch" in '' | '#'*) continue ;; esac
		n=$((n + 1))
		[ -f "$PATCHES/$patch" ] || die "$SERIES_FILE:$lineno: no such patch $patch"
		git -C "$tree" mailinfo "$tmp/msg" "$tmp/diff" <"$PATCHES/$patch" >"$tmp/info" ||
			die "$patch: cannot parse the mail header"
		author=$(sed -n 's/^Author: //p' "$tmp/info")
		email=$(sed -n 's/^Email: //p' "$tmp/info")
		date=$(sed -n 's/^Date: //p' "$tmp/info")
		subject=$(sed -n 's/^Subject: //p' "$tmp/info")
		[ -n "$subject" ] || die "$patch: no Subject"
		if grep -q "^diff --git" "$tmp/diff"; then
			git -C "$tree" apply --cached --whitespace=nowarn "$tmp/diff" 2>"$tmp/err" || {
				cat "$tmp/err" >&2
				die "$patch does not apply to $(base_version "$SERIES_BASE") (series line $lineno)"
			}
		fi
		for f in $files; do
			[ -f "$TOP/$f" ] || die "$SERIES_FILE:$lineno: new file $f is missing"
			blob=$(listed_content "$f" "$n" "$names" "$tree")
			git -C "$tree" update-index --add --cacheinfo "100644,$blob,$f"
		done
		{
			echo "$subject"
			echo
			cat "$tmp/msg"
		} >"$tmp/full"
		tree_id=$(git -C "$tree" write-tree)
		parent=$(GIT_AUTHOR_NAME="${author:-vtd-kdump developers}" \
			GIT_AUTHOR_EMAIL="${email:-vtd-kdump@localhost}" \
			GIT_AUTHOR_DATE="${date:-2026-01-01T00:00:00Z}" \
			GIT_COMMITTER_NAME="${author:-vtd-kdump developers}" \
			GIT_COMMITTER_EMAIL="${email:-vtd-kdump@localhost}" \
			GIT_COMMITTER_DATE="${date:-2026-01-01T00:00:00Z}" \
			git -C "$tree" commit-tree "$tree_id" -p "$parent" -F "$tmp/full")
	done <"$SERIES_FILE"
	unset GIT_INDEX_FILE
	# every new file ends as the repository has it
	for f in $(sed -e 's/#.*//' "$SERIES_FILE" | awk '{ for (i = 2; i <= NF; i++) print $i }'); do
		cmp -s <(git -C "$tree" show "$parent:$f") "$TOP/$f" ||
			die "$f: the series does not end with the repository's version (a patch's diff of it is stale: scripts/series.sh export)"
	done
	echo "$parent"
}

make_tree() {
	local base=${1:-$BASE} tree tip
	tree=$(linux_of_base "$base")
	SERIES_BASE=$base
	PATCHES=$(patches_of_base "$base")
	SERIES_FILE=$PATCHES/series
	extract_base "$base"
	tip=$(commit_series "$tree")
	git -C "$tree" diff --quiet HEAD ||
		die "$tree has local changes: move them to patches/ (scripts/series.sh export) or reset them"
	# build kinds check out "series" or "base" detached: move the branch only
	git -C "$tree" checkout -q --detach
	git -C "$tree" branch -f series "$tip"
	log "base: $(base_version "$base")"
	log "series: $(git -C "$tree" rev-list --count base..series) commits on top of base"
	git -C "$tree" log --oneline base..series >&2
}

# the config fragments of kind $1 on top of vtd-kdump.config: the base's
# own, then the kind's
config_fragments() {
	local kind=$1 extra
	extra=$TOP/config/vtd-kdump-$(base_of_kind "$kind").config
	case "${kind%-7.3}" in
	patched) extra="$extra $TOP/config/vtd-kdump-series.config" ;;
	debug) extra="$extra $TOP/config/vtd-kdump-series.config $TOP/config/vtd-kdump-debug.config" ;;
	esac
	# DWARF only where crash opens the dumps (vtd-kdump-dwarf.config)
	case "$kind" in
	baseline | patched | fix1) extra="$extra $TOP/config/vtd-kdump-dwarf.config" ;;
	*) extra="$extra $TOP/config/vtd-kdump-nodwarf.config" ;;
	esac
	echo "$extra"
}

# what the configuration of kind $1 is made from: the fragments, and the
# VT-d Kconfig at the kind's revision (not as the tree is checked out now)
config_sum() {
	# shellcheck disable=SC2046 # a list of files
	{
		cat "$TOP/config/vtd-kdump.config" $(config_fragments "$1")
		git -C "$(kind_src "$1")" show "$(kind_rev "$1"):drivers/iommu/intel/Kconfig"
	} | md5sum | cut -d' ' -f1
}

configure() {
	local kind=$1 src out
	src=$(kind_src "$kind")
	out=$(kind_out "$kind")
	mkdir -p "$out"
	local frag=$TOP/config/vtd-kdump.config sum extra
	extra=$(config_fragments "$kind")
	sum=$(config_sum "$kind")
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

# A kind that is its base's baseline plus patches (patched, fix1) and has
# never been built starts from a copy of the baseline's finished build of
# this tree: make then rebuilds only what the patches and the kind's
# options change (kbuild's fixdep dependencies are per file and per
# option), where a fresh folder would depend on ccache, whose direct mode
# misses every file once the kind's options change autoconf.h.
seed_from_baseline() {
	local kind=$1 bkind out bout
	case "${kind%-7.3}" in
	patched | fix1) ;;
	*) return 0 ;;
	esac
	bkind=baseline${kind#"${kind%-7.3}"}
	out=$(kind_out "$kind")
	bout=$(kind_out "$bkind")
	[ ! -f "$out/.config" ] || return 0
	verify "$bkind" >/dev/null 2>&1 || return 0
	log "$kind: starting from a copy of the $bkind build"
	mkdir -p "$out"
	cp -a "$bout/." "$out/"
	rm -f "$out/build-stamp" "$out/built-rev" "$out/build.log"
}

build() {
	local kind=$1 src out start
	src=$(kind_src "$kind")
	out=$(kind_out "$kind")
	[ -d "$src/.git" ] || die "$src is missing: run 'scripts/kernel.sh tree $(base_of_kind "$kind")' first"
	checkout_rev "$(kind_rev "$kind")" "$src"
	# the stamp says which tree the image is from: gone until this build
	# succeeds, so that a failed build never leaves an image that passes
	# for this tree's (verify)
	rm -f "$out/build-stamp"
	seed_from_baseline "$kind"
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
	base_version "$(base_of_kind "$kind")" >"$out/base-version"
	git -C "$src" rev-parse HEAD >"$out/built-rev"
	stamp_of "$kind" >"$out/build-stamp"
}

# rev, configuration and image digest of kind $1 as the tree stands now
stamp_of() {
	local kind=$1 img
	img=$(kind_out "$kind")/arch/x86/boot/bzImage
	echo "rev $(git -C "$(kind_src "$kind")" rev-parse "$(kind_rev "$kind")^{commit}")"
	echo "config $(config_sum "$kind")"
	echo "image $(sha256sum <"$img" 2>/dev/null | cut -d' ' -f1)"
}

# verify KIND: the kernel image of KIND was built, successfully, from the
# tree as it stands (its revision for KIND and the configuration), and has
# not changed since.  One line on stdout either way; exit 1 if not.
verify() {
	local kind=$1 out want got
	out=$(kind_out "$kind")
	if [ ! -f "$out/arch/x86/boot/bzImage" ]; then
		echo "$kind: no kernel image ($out/arch/x86/boot/bzImage): its build failed or did not run"
		return 1
	fi
	if [ ! -f "$out/build-stamp" ]; then
		echo "$kind: the image is not from a finished build (no build-stamp: the last build failed or was interrupted)"
		return 1
	fi
	want=$(stamp_of "$kind")
	got=$(cat "$out/build-stamp")
	if [ "$want" != "$got" ]; then
		echo "$kind: the image is not this tree's: $(diff <(echo "$got") <(echo "$want") | sed -n 's/^> //p' | cut -d' ' -f1 | paste -sd, -) differ"
		return 1
	fi
	echo "$kind: image built from $(git -C "$(kind_src "$kind")" rev-parse --short "$(kind_rev "$kind")^{commit}")"
}

case "${1:-}" in
tree) make_tree "${2:-$BASE}" ;;
build) build "${2:?kind}" ;;
verify) verify "${2:?kind}" ;;
stamp) stamp_of "${2:?kind}" ;;
version) base_version "${2:-$BASE}" ;;
*) die "usage: $0 tree [BASE] | build KIND | verify KIND | version [BASE]" ;;
esac
