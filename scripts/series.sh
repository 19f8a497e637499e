#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The upstream series, generated from the repository (never kept twice).
#
#   scripts/series.sh export     commits base..series of the base's tree ->
#                                patches/BASE/ (for a developer who edited the
#                                series in the tree)
#   scripts/series.sh generate   git format-patch base..series -> out/series/BASE/
#   scripts/series.sh check      git am out/series/BASE onto a pristine base,
#                                build every patch in turn, checkpatch --strict
#                                each
#
# BASE (6.12 or 7.3, default 6.12) picks the base (scripts/lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PATCHES=$(patches_of_base "$BASE")
SERIES_FILE=$PATCHES/series
SERIES_OUT=$TOP/out/series/$BASE
CHECK_OUT=$OUT/series-check-$BASE
# checkpatch runs from the base's tree while git am moves it on: the files
# it reads (scripts/, Documentation/) are none the series changes
CHECKPATCH_TREE=$LINUX

slug() {
	echo "$1" | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9]\+/-/g' -e 's/^-//' -e 's/-$//' | cut -c1-52
}

# Write patches/BASE/ from the commits base..series of the base's tree.  The
# new files each commit takes from the repository are kept from the current
# patches/BASE/series, line by line (so a restructured series is written by
# hand there first, with as many lines as commits); everything else a
# commit changes, new files added earlier included, goes into its patch as
# a diff.  The result is checked: the tree rebuilt from patches/ must be the
# tree exported.
export_series() {
	local n=0 c subj files mods tmp want listed=() line
	tmp=$(mktemp)
	while read -r line; do
		case "$line" in '' | '#'*) continue ;; esac
		read -r _ files <<<"$line"
		listed+=("$files")
	done <"$SERIES_FILE"
	[ "${#listed[@]}" = "$(git -C "$LINUX" rev-list --count base..series)" ] ||
		die "$SERIES_FILE has ${#listed[@]} lines, base..series $(git -C "$LINUX" rev-list --count base..series) commits: write the series file's lines (patch name, new files) first"
	want=$(git -C "$LINUX" rev-parse 'series^{tree}')
	sed -n '/^#/p' "$SERIES_FILE" >"$tmp"
	rm -f "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch
	for c in $(git -C "$LINUX" rev-list --reverse base..series); do
		files=${listed[$n]}
		n=$((n + 1))
		subj=$(git -C "$LINUX" log -1 --format=%s "$c")
		name=$(printf '%04d-%s.patch' "$n" "$(slug "$subj")")
		mods=$(git -C "$LINUX" diff-tree --no-commit-id -r --name-only "$c" |
			grep -vxF -f <(tr ' ' '\n' <<<"$files" | sed '/^$/d') | tr '\n' ' ' || true)
		{
			# the body without its trailing blank lines, so that
			# export and tree round-trip to the same text
			git -C "$LINUX" log -1 --format='From: %an <%ae>%nDate: %aD%nSubject: [PATCH] %s%n%n%b' "$c" |
				sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
			echo
			echo "---"
			if [ -n "$mods" ]; then
				# shellcheck disable=SC2086
				git -C "$LINUX" diff --stat=72 "$c^" "$c" -- $mods
				echo
				# shellcheck disable=SC2086
				git -C "$LINUX" diff "$c^" "$c" -- $mods
			fi
		} >"$PATCHES/$name"
		echo "$name${files:+ $files}" >>"$tmp"
	done
	mv "$tmp" "$SERIES_FILE"
	log "exported $n patches to ${PATCHES#$TOP/}/"
	"$TOP/scripts/kernel.sh" tree "$BASE" 2>/dev/null ||
		die "the exported series does not rebuild (scripts/kernel.sh tree $BASE)"
	[ "$(git -C "$LINUX" rev-parse 'series^{tree}')" = "$want" ] ||
		die "the exported series rebuilds to another tree than the one exported"
	log "checked: patches/$BASE rebuilds the exported tree"
}

generate() {
	rm -rf "$SERIES_OUT"
	mkdir -p "$SERIES_OUT"
	local n
	n=$(git -C "$LINUX" rev-list --count base..series)
	[ "$n" -gt 0 ] || die "the series is empty"
	git -C "$LINUX" format-patch -q --cover-letter --subject-prefix=PATCH \
		-o "$SERIES_OUT" base..series
	# the cover letter's text is kept in the repo
	local cover
	cover=$(ls "$SERIES_OUT"/0000-cover-letter.patch)
	# lines between "@@ BASE" and "@@" only for that base
	python3 - "$cover" "$TOP/patches/cover-letter.txt" "$BASE" <<'EOF'
import sys
cover, text, base = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
keep, out = True, []
for line in text.split("\n"):
    if line.startswith("@@ "):
        keep = line[3:].strip() == base
        continue
    if line.strip() == "@@":
        keep = True
        continue
    if keep:
        out.append(line)
text = "\n".join(out)
subject, _, body = text.partition("\n")
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", subject.strip())
s = s.replace("*** BLURB HERE ***", body.strip("\n"))
open(cover, "w").write(s)
EOF
	for f in "$SERIES_OUT"/*.patch; do
		case "$f" in *cover-letter*) continue ;; esac
		grep -q '^Subject: \[PATCH [0-9]*/[0-9]*\] iommu/vt-d: ' "$f" ||
			die "$(basename "$f"): subject must start with 'iommu/vt-d: '"
	done
	log "wrote $n patches and a cover letter to ${SERIES_OUT#$TOP/}/"
	ls "$SERIES_OUT" >&2
}

# Compiler warnings of a build log, without line numbers, sorted
warnings() {
	# paths relative to the tree: ccache may replay the output of a
	# compile another clone of the repository made
	{ grep 'warning:' "$1" || true; } |
		sed -E -e 's/:[0-9]+:[0-9]+:/:/' -e 's|^[^ :]*/build/linux(-[0-9.]+)?/||' |
		sort -u
}

# checkpatch types a patch may leave, from patches/checkpatch-exceptions
# ("BASE|* SLUG TYPE,TYPE reason"; SLUG: the patch file name without its
# number), as ",TYPE,TYPE" for --ignore
exceptions() {
	local slug=${1#[0-9][0-9][0-9][0-9]-}
	slug=${slug%.patch}
	awk -v base="$BASE" -v slug="$slug" '
		/^#/ || NF < 3 { next }
		($1 == base || $1 == "*") && $2 == slug { printf ",%s", $3 }
	' "$TOP/patches/checkpatch-exceptions"
}

# checkpatch's FILE_PATH_CHANGES asks on every new file whether MAINTAINERS
# needs an update; it is ignored above and answered here: every file the
# series adds must have the INTEL IOMMU entry's list as a maintainer
maintainers_cover_new_files() {
	local f missing=0
	while read -r f; do
		if ! (cd "$LINUX" && ./scripts/get_maintainer.pl --no-git --no-rolestats \
			-f "$f" 2>/dev/null) | grep -q 'iommu@lists.linux.dev'; then
			echo "FAIL: series: $f: no INTEL IOMMU maintainer (MAINTAINERS)"
			missing=1
		fi
	done < <(git -C "$LINUX" diff --name-only --diff-filter=A base HEAD)
	[ "$missing" = 0 ] && echo "PASS: series: MAINTAINERS covers every file the series adds"
	[ "$missing" = 0 ]
}

# checkpatch --strict of every patch of out/series/BASE, in order, against
# the tree of the base (the series changes none of the files checkpatch
# reads besides MAINTAINERS, whose FILE_PATH_CHANGES question is answered
# by maintainers_cover_new_files)
checkpatch_all() {
	local p n=0 name
	for p in "$SERIES_OUT"/0*-*.patch; do
		case "$p" in *cover-letter*) continue ;; esac
		n=$((n + 1))
		name=$(basename "$p")
		# UNKNOWN_COMMIT_ID: the tree is a release tarball without git
		# history, so checkpatch cannot look up a Fixes: commit (patch 1's
		# was checked against mainline by hand: see its note in the README)
		if (cd "$CHECKPATCH_TREE" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet \
			--ignore "UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES$(exceptions "$name")" "$p") \
			>"$CHECK_OUT/checkpatch-$n.log" 2>&1; then
			echo "PASS: series: $name: checkpatch --strict clean"
		else
			echo "FAIL: series: $name: checkpatch --strict"
			cat "$CHECK_OUT/checkpatch-$n.log"
		fi
	done
}

# Apply the generated series onto a pristine base with git am (in build/linux,
# on a scratch branch, so ccache serves unchanged objects), build each patch
# (W=1 for drivers/iommu/intel; with SERIES_FULL=1, as make series-check
# runs it, also a bzImage at every patch: 13 links per base do not fit CI's
# time, where the last patch's tree is checked to be the patched kind's,
# which its build step links), run checkpatch --strict on each.
check() {
	[ -d "$SERIES_OUT" ] || die "no series in $SERIES_OUT: run 'make series' first"
	local patched=patched
	[ "$BASE" = 6.12 ] || patched=patched-$BASE
	[ -f "$OUT/$patched/.config" ] || die "build the $patched kernel first (its .config is reused)"
	local fails=0 p n=0 start name target= cfgs
	[ "${SERIES_FULL:-0}" = 1 ] && target=bzImage
	checkout_rev base
	git -C "$LINUX" checkout -q -B series-check base
	mkdir -p "$CHECK_OUT"
	# The patched kind's configuration, without debug information unless
	# the patches are linked too (W=1 warnings do not depend on it, and the
	# files compile faster without it): kept as the
	# pristine copy each patch that touches a Kconfig file starts from, so
	# that an option a later patch adds (its KUnit tests) is set again
	# once the patch that defines it is applied.
	cp "$OUT/$patched/.config" "$CHECK_OUT/config.pristine"
	[ -n "$target" ] ||
		"$LINUX/scripts/config" --file "$CHECK_OUT/config.pristine" \
			-d DEBUG_INFO -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4 \
			-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE
	cp "$CHECK_OUT/config.pristine" "$CHECK_OUT/.config"
	setup_ccache
	# W=1 warnings the base already has are not the series' to fix
	make -s -C "$LINUX" O="$CHECK_OUT" olddefconfig >/dev/null 2>&1
	# checkpatch reads the patch files and a few files of the tree the
	# series does not change: run it beside the builds (one core is idle
	# while a single file compiles)
	checkpatch_all >"$CHECK_OUT/checkpatch-all.log" 2>&1 &
	local cp_pid=$!
	# every file of the folder compiled at the base, so that each of the
	# base's warnings is known (an earlier check left objects behind:
	# a patch that touches dmar.c would show dmar.c's own as new)
	rm -rf "$CHECK_OUT/drivers/iommu/intel"
	make -s -C "$LINUX" O="$CHECK_OUT" -j"$JOBS" "$KCC" W=1 drivers/iommu/intel/ \
		>"$CHECK_OUT/build-base.log" 2>&1 || die "the base does not build"
	warnings "$CHECK_OUT/build-base.log" >"$CHECK_OUT/warnings-base"
	for p in "$SERIES_OUT"/0*-*.patch; do
		case "$p" in *cover-letter*) continue ;; esac
		n=$((n + 1))
		name=$(basename "$p")
		if ! git -C "$LINUX" "${GIT_IDENT[@]}" am -q "$p" >"$CHECK_OUT/am-$n.log" 2>&1; then
			echo "FAIL: series: $name does not apply with git am"
			git -C "$LINUX" am --abort 2>/dev/null || true
			fails=$((fails + 1))
			break
		fi
		start=$(date +%s)
		cfgs=$(git -C "$LINUX" diff-tree --no-commit-id -r --name-only HEAD | grep -c '/Kconfig' || true)
		if [ "$cfgs" != 0 ]; then
			cp "$CHECK_OUT/config.pristine" "$CHECK_OUT/.config"
			make -s -C "$LINUX" O="$CHECK_OUT" olddefconfig >/dev/null 2>&1
		fi
		if make -s -C "$LINUX" O="$CHECK_OUT" -j"$JOBS" "$KCC" W=1 \
			drivers/iommu/intel/ >"$CHECK_OUT/build-$n.log" 2>&1 &&
			{ [ -z "$target" ] || make -s -C "$LINUX" O="$CHECK_OUT" -j"$JOBS" "$KCC" \
				$target >>"$CHECK_OUT/build-$n.log" 2>&1; }; then
			warnings "$CHECK_OUT/build-$n.log" >"$CHECK_OUT/warnings-$n"
			if comm -13 "$CHECK_OUT/warnings-base" "$CHECK_OUT/warnings-$n" | grep -q .; then
				echo "FAIL: series: $name: new W=1 warnings"
				comm -13 "$CHECK_OUT/warnings-base" "$CHECK_OUT/warnings-$n" | head
				fails=$((fails + 1))
			else
				echo "PASS: series: $name: builds (W=1 drivers/iommu/intel/${target:+, $target}) in $(($(date +%s) - start)) s"
			fi
		else
			echo "FAIL: series: $name: build failed, see $CHECK_OUT/build-$n.log"
			grep -E 'error' "$CHECK_OUT/build-$n.log" | head
			fails=$((fails + 1))
		fi
	done
	# every option the series adds was built with it: its objects exist
	local o
	for o in $(grep -h '^CONFIG_INTEL_IOMMU_KDUMP' "$CHECK_OUT/config.pristine" | sed 's/=.*//'); do
		grep -q "^$o=" "$CHECK_OUT/.config" ||
			{ echo "FAIL: series: $o of the patched kernel is not set at the last patch"; fails=$((fails + 1)); }
	done
	wait "$cp_pid"
	cat "$CHECK_OUT/checkpatch-all.log"
	fails=$((fails + $(grep -c '^FAIL' "$CHECK_OUT/checkpatch-all.log" || true)))
	maintainers_cover_new_files || fails=$((fails + 1))
	if [ "$(git -C "$LINUX" rev-parse 'HEAD^{tree}')" = "$(git -C "$LINUX" rev-parse 'series^{tree}')" ]; then
		echo "PASS: series: git am of out/series reproduces the build tree"
	else
		echo "FAIL: series: git am of out/series differs from the build tree"
		fails=$((fails + 1))
	fi
	checkout_rev series
	[ "$fails" = 0 ]
}

case "${1:-}" in
export) export_series ;;
generate) generate ;;
check) check ;;
*) die "usage: $0 export | generate | check" ;;
esac
