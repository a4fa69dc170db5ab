#!/bin/sh
# bench/bagit.sh - does `chancery export bagit` stay linear in the number of
# events of the history?
#
# usage: bench/bagit.sh [CHANCERY] [N...]   (defaults: build/chancery,
#                                            10000 20000 40000 80000)
#
# For each N: a repository of N note events (one commit each, made with
# git fast-import), the record of every event in the head's tree under
# events/YYYY/MM/, then `chancery export bagit` of everything, timed with
# /usr/bin/time (the run of least user time of 3). The first size is the
# baseline: the script prints the user CPU time per thousand events of
# each size and its ratio to the baseline's, and exits 1 when a ratio
# passes 2 (linear is 1). User time, not wall time: the wall time is
# mostly the kernel writing N small files, which a shared machine makes
# noisy, while a selection that is quadratic in events shows in user time.
#
# The intermediate commits keep the base tree and the last one adds every
# record: export reads the commit messages and the head's tree only, so
# this is what it reads in a real history of N events, without making N
# trees of up to N entries.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
C=${1:-$HERE/../build/chancery}
[ $# -gt 0 ] && shift
SIZES=${*:-10000 20000 40000 80000}
C=$(cd "$(dirname "$C")" && pwd)/$(basename "$C")
T=$(mktemp -d "${TMPDIR:-/tmp}/chancery-bench-bagit-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$T" CHANCERY_NOW=2004-03-12T09:00:00Z

# N events on top of the repository's branch
history() {
	n=$1 repo=$2
	branch=$(git -C "$repo" symbolic-ref HEAD)
	awk -v n="$n" -v branch="$branch" 'BEGIN {
		for (i = 1; i <= n; i++) {
			y = 1900 + int(i / 96) % 1000; m = 1 + int(i / 8) % 12
			id[i] = sprintf("%04d%02d%02dT%02d%02d00Z-%08x", y, m,
				1 + i % 28, i % 24, i % 60, i)
			msg = sprintf("note LBR: bench %d\n\nbench event %d\n\n" \
				"Chancery-Event: note\nChancery-Id: %s\n" \
				"Chancery-State: LBR\n", i, i, id[i])
			printf "commit %s\ncommitter Bench <b@example.org> %d +0000\n",
				branch, 1079082000 + i
			printf "data %d\n%s\n", length(msg), msg
			if (i == 1)
				printf "from %s^0\n", branch
			if (i == n)
				for (k = 1; k <= n; k++) {
					rec = sprintf("Event: note\nId: %s\nState: LBR\n\n" \
						"bench event %d\n", id[k], k)
					printf "M 100644 inline events/%s/%s/%s.txt\n",
						substr(id[k], 1, 4), substr(id[k], 5, 2), id[k]
					printf "data %d\n%s\n", length(rec), rec
				}
			printf "\n"
		}
	}' | git -C "$repo" fast-import --quiet
}

printf '%8s %8s %8s %16s %6s\n' events wall-s user-s 'user-s/1k events' ratio
base=
worst=0
for n in $SIZES; do
	rm -rf "$T/repo"
	"$C" --author 'Bench <b@example.org>' init "$T/repo" >/dev/null
	history "$n" "$T/repo"
	best=
	for run in 1 2 3; do
		rm -rf "$T/bag"
		/usr/bin/time -f '%e %U' -o "$T/time" \
			"$C" -C "$T/repo" export bagit "$T/bag" >/dev/null
		read -r wall user < "$T/time"
		if [ -z "$best" ] || awk -v a="$user" -v b="$best" \
				'BEGIN { exit !(a < b) }'; then
			best=$user bestwall=$wall
		fi
	done
	files=$(grep -c . "$T/bag/manifest-sha256.txt")
	[ "$files" -ge "$n" ] || { echo "bench: $files files for $n events" >&2; exit 2; }
	per=$(awk -v t="$best" -v n="$n" 'BEGIN { printf "%.4f", t * 1000 / n }')
	[ -n "$base" ] || base=$per
	ratio=$(awk -v a="$per" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
	printf '%8d %8s %8s %16s %6s\n' "$n" "$bestwall" "$best" "$per" "$ratio"
	worst=$(awk -v a="$ratio" -v b="$worst" 'BEGIN { print (a > b) ? a : b }')
done
awk -v w="$worst" 'BEGIN { exit (w > 2) ? 1 : 0 }' || {
	echo "bench: export bagit is not linear in events (ratio $worst)" >&2
	exit 1
}
