#!/bin/sh
# bench/verify.sh - does `chancery verify` stay linear in the number of
# deposits of the history? verify asks the commit check of every commit,
# and the check proves that the registry each deposit leaves still loads
# (engine/audit.c): done by loading the whole registry (24,000 rows of
# participation) at every deposit, verify was quadratic in deposits.
#
# usage: bench/verify.sh [CHANCERY [BASELINE]] [-- N...]
#        (defaults: build/chancery, no baseline, 25 50 100 200)
#
# For each N: a repository of N deposits (accessions of the sample
# registry's States to its treaties, as many as the registry allows, made
# with the tool), then `chancery verify --full` (plain `verify` checks only
# what came after its last proof: a build without --full is timed with
# plain `verify`, which was full), timed with /usr/bin/time (the
# run of least user time of 3). The first size is the reference: the
# script prints the user time per deposit and its ratio to the first
# size's, and exits 1 when a ratio passes 2 (linear is 1). With BASELINE
# (another build of the tool, e.g. of main) it also times the baseline on
# the same repositories and prints baseline/now.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
C=$HERE/../build/chancery
B=
if [ $# -gt 0 ] && [ "$1" != -- ]; then C=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" != -- ]; then B=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift
SIZES=${*:-25 50 100 200}
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
C=$(abs "$C")
[ -n "$B" ] && B=$(abs "$B")
T=$(mktemp -d "${TMPDIR:-/tmp}/chancery-bench-verify-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$T" CHANCERY_NOW=2004-09-21T09:00:00Z
printf '%%PDF-1.4\n1 0 obj <<>> endobj\n%%%%EOF\n' > "$T/inst.pdf"

# the least user time of 3 runs of `$1 verify` in $2: "WALL USER"
timed() {
	best= bestwall= full=
	"$1" verify -h 2>&1 | grep -q -- --full && full=--full
	for run in 1 2 3; do
		/usr/bin/time -f '%e %U' -o "$T/time" "$1" -C "$2" verify $full \
			>/dev/null 2>&1 || { echo "verify failed in $2" >&2; exit 1; }
		read -r wall user < "$T/time"
		if [ -z "$best" ] || awk -v a="$user" -v b="$best" \
				'BEGIN { exit !(a < b) }'; then
			best=$user bestwall=$wall
		fi
	done
	echo "$bestwall $best"
}

# N deposits on top of a new repository $2: accessions, in registry order,
# skipping those the registry refuses (already a party, closed, ...)
deposits() {
	n=$1 repo=$2 made=0
	"$C" --author 'Bench <b@example.org>' init "$repo" >/dev/null
	grep -v '^#' "$repo/registry/treaties.tsv" | tail -n +2 | cut -f1 > "$T/treaties"
	grep -v '^#' "$repo/registry/states.tsv" | tail -n +2 | cut -f1 > "$T/states"
	while read -r tr && [ "$made" -lt "$n" ]; do
		while read -r st && [ "$made" -lt "$n" ]; do
			if "$C" --author 'Bench <b@example.org>' -C "$repo" deposit \
					"$st" "$tr" accession --date 2004-09-21 \
					--instrument "$T/inst.pdf" >/dev/null 2>&1; then
				made=$((made + 1))
			fi
		done < "$T/states"
	done < "$T/treaties"
	[ "$made" -eq "$n" ] || { echo "only $made deposits of $n" >&2; exit 1; }
}

if [ -n "$B" ]; then
	printf '%9s %8s %8s %12s %6s %12s %10s\n' deposits wall-s user-s \
		'user-ms/dep' ratio 'baseline-s' 'base/now'
else
	printf '%9s %8s %8s %12s %6s\n' deposits wall-s user-s 'user-ms/dep' ratio
fi
base= worst=0
for n in $SIZES; do
	rm -rf "$T/repo"
	deposits "$n" "$T/repo"
	set -- $(timed "$C" "$T/repo")
	wall=$1 user=$2
	per=$(awk -v u="$user" -v n="$n" 'BEGIN { printf "%.2f", 1000 * u / n }')
	[ -z "$base" ] && base=$per
	ratio=$(awk -v p="$per" -v b="$base" 'BEGIN { printf "%.2f", (b > 0 ? p / b : 1) }')
	worst=$(awk -v r="$ratio" -v w="$worst" 'BEGIN { print (r > w ? r : w) }')
	if [ -n "$B" ]; then
		set -- $(timed "$B" "$T/repo")
		speed=$(awk -v b="$2" -v u="$user" 'BEGIN { printf "%.1f", (u > 0 ? b / u : 0) }')
		printf '%9d %8s %8s %12s %6s %12s %10s\n' "$n" "$wall" "$user" \
			"$per" "$ratio" "$2" "$speed"
	else
		printf '%9d %8s %8s %12s %6s\n' "$n" "$wall" "$user" "$per" "$ratio"
	fi
done
awk -v w="$worst" 'BEGIN { exit !(w > 2) }' && {
	echo "verify is not linear in deposits (worst ratio $worst)" >&2
	exit 1
}
exit 0
