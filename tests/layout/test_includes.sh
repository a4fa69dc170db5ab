#!/bin/sh
# test_includes.sh - who may include what: the two tables of
# docs/architecture.md ("owners" and "private"), enforced on the sources.
#
# Each row names headers (`git2.h`, `libxml/`, `engine/internal.h`) and the
# folders or files allowed to include them (`engine/`, `letters/data.c`).
# Any other file of the library, the tool or the public headers that
# includes one fails the test, named with its line: a dependency is called
# by the module that owns it, and no module reaches into another's private
# header. tests/ is outside the rule: tests may look anywhere.
#
# usage: test_includes.sh SOURCE_DIR
set -u
src=${1:?usage: test_includes.sh SOURCE_DIR}
doc=docs/architecture.md
cd "$src" || exit 2
[ -f "$doc" ] || { echo "test_includes: $doc: missing" >&2; exit 2; }
files=$(find engine letters workflows archive cli include -name '*.[ch]' | sort)
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
fail=0

# the rows of table NAME (between <!-- NAME --> and <!-- /NAME -->), as
# "headers cell|owners cell": the table's 2nd and 3rd columns
rows() {
	awk -v start="<!-- $1 -->" -v stop="<!-- /$1 -->" '
		$0 == start { on = 1; next }
		$0 == stop { on = 0 }
		on && /^\|/ && !/^\| *-/ && NR > 0 {
			split($0, c, "|")
			if (c[3] ~ /`/) print c[3] "|" c[4]
		}' "$doc"
}

# the `quoted` words of a cell, one per line
ticks() { printf '%s\n' "$1" | grep -o '`[^`]*`' | tr -d '`'; }

# is file $1 one of the owners $2 (a folder ends in '/')?
owned() {
	for o in $2; do
		case $o in
		*/) case $1 in "$o"*) return 0 ;; esac ;;
		*) [ "$1" = "$o" ] && return 0 ;;
		esac
	done
	return 1
}

check() {
	rows "$1" > "$tmp"
	[ -s "$tmp" ] || { echo "test_includes: no table '$1' in $doc"; fail=1; return; }
	while IFS='|' read -r headers owners; do
		os=$(ticks "$owners")
		for h in $(ticks "$headers"); do
			re=$(printf '%s' "$h" | sed 's/[.]/[.]/g')
			for f in $files; do
				owned "$f" "$os" && continue
				grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"](\.\./)*$re" "$f" |
				while IFS=: read -r line _; do
					echo "$f:$line: includes $h, which only" $os "may include"
				done | grep . && fail=1
			done
		done
	done < "$tmp"
}

check owners
check private
if [ "$fail" -ne 0 ]; then
	echo "test_includes: FAILED: see the tables of $doc"
	exit 1
fi
echo "test_includes: each dependency and private header is included by its owners only"
