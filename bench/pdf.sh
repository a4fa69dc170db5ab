#!/bin/sh
# bench/pdf.sh - does `letters generate --pdf` use the machine? Converts
# the letters of a campaign of the Focus 2004 sample (every State: 192
# letters) with one LibreOffice process (--jobs 1) and with a pool of
# them (--jobs N, default: the number of cores), ROUNDS times each,
# alternating, and prints each wall time, the best of each and their
# ratio pool/one (the target on 2 cores: at most 0.6). Each run also
# gives the CPU time of its converters (user + system, from
# /usr/bin/time) and the parallelism reached, CPU / wall: on a quiet
# machine --jobs 2 reaches nearly 2. The load average is printed before
# each run: on a shared machine, read the figures with it.
#
# usage: bench/pdf.sh [CHANCERY] [-- JOBS [ROUNDS]]
#        (defaults: build/chancery, the number of cores, 2)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
C=$HERE/../build/chancery
if [ $# -gt 0 ] && [ "$1" != -- ]; then C=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift
JOBS=${1:-$(getconf _NPROCESSORS_ONLN)}
ROUNDS=${2:-2}
C=$(cd "$(dirname "$C")" && pwd)/$(basename "$C")
command -v soffice >/dev/null || { echo "bench/pdf.sh: soffice is not installed" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/chancery-bench-pdf-XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$T" CHANCERY_NOW=2004-03-12T09:00:00Z
A='Bench <bench@example.org>'

"$C" --author "$A" init "$T/repo" >/dev/null
cd "$T/repo"
"$C" --author "$A" campaign open c --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004 >/dev/null
"$C" --author "$A" letters generate c >/dev/null
N=$(ls campaigns/c/letters | grep -c '\.odt$')
echo "letters: $N; pool: --jobs $JOBS; rounds: $ROUNDS"

# one timed conversion with --jobs $1: prints the wall seconds
timed() {
	rm -rf campaigns/c/pdf
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	/usr/bin/time -f '%e %U %S' -o "$T/time" \
		"$C" --author "$A" letters generate c --pdf --jobs "$1" >/dev/null
	made=$(ls campaigns/c/pdf | grep -c '\.pdf$')
	[ "$made" = "$N" ] || { echo "bench/pdf.sh: $made of $N PDFs" >&2; exit 1; }
	read -r s u k < "$T/time"
	cpu=$(echo "$u + $k" | bc)
	echo "--jobs $1: $s s wall, $cpu s CPU, parallelism" \
		"$(echo "scale=2; $cpu / $s" | bc) (load before: $load)" >&2
	echo "$s"
}
best1= bestn=
for r in $(seq "$ROUNDS"); do
	s=$(timed 1)
	[ -z "$best1" ] || [ "$(echo "$s < $best1" | bc)" = 1 ] && best1=$s
	s=$(timed "$JOBS")
	[ -z "$bestn" ] || [ "$(echo "$s < $bestn" | bc)" = 1 ] && bestn=$s
done
echo "best --jobs 1: $best1 s; best --jobs $JOBS: $bestn s"
echo "ratio: $(echo "scale=3; $bestn / $best1" | bc)"
