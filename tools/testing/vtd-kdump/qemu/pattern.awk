#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
# Name the content of a 2 KiB edu transfer, given as 64-bit hex words (one per
# line, in address order): old | stale | new | zero | partly-stale | other,
# exactly as vtdk_edu.c's pat_name() does.
{ w[n++] = tolower($1) }
END {
	if (n < 256) { print "short"; exit }
	for (i = 0; i < 256; i++) {
		x = sprintf("%04x", i)
		if (w[i] == "4f4c44425546" x) old++
		else if (w[i] == "5354414c4500" x) stale++
		else if (w[i] == "4e4557425546" x) new++
		else if (w[i] ~ /^0+$/) zero++
	}
	if (stale == 256) print "stale"
	else if (old == 256) print "old"
	else if (new == 256) print "new"
	else if (zero == 256) print "zero"
	else if (stale) print "partly-stale"
	else print "other"
}
