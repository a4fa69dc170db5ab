#!/bin/sh
# test_arrows.sh - every arrow between the library's modules points one way.
#
# The modules stand in one order, each using only those before it:
#   engine  <-  letters  <-  workflows  <-  archive
# (docs/architecture.md draws it). This test reads the compiled objects of
# each module (OBJECT_DIR/MODULE/*.o) with nm: every symbol a module's
# object needs from the library must be defined by its own module or one
# before it. A call up the order (engine calling letters, workflows calling
# archive) fails, named with the object and the symbol. The include tables
# (test_includes.sh) keep the headers apart; this keeps the links apart.
#
# usage: test_arrows.sh OBJECT_DIR
set -u
dir=${1:?usage: test_arrows.sh OBJECT_DIR}
order="engine letters workflows archive"
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

for m in $order; do
	ls "$dir/$m"/*.o >/dev/null 2>&1 || { echo "test_arrows: no objects in $dir/$m"; exit 2; }
	nm --defined-only "$dir/$m"/*.o | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }' |
		sort -u > "$tmp/$m.def"
done

allowed=""
for m in $order; do
	allowed="$allowed $m"
	cat /dev/null > "$tmp/ok"
	for a in $allowed; do cat "$tmp/$a.def" >> "$tmp/ok"; done
	sort -u -o "$tmp/ok" "$tmp/ok"
	cat "$tmp"/*.def | sort -u > "$tmp/all"
	for o in "$dir/$m"/*.o; do
		nm --undefined-only "$o" | awk '{ print $NF }' | sort -u > "$tmp/undef"
		# what the library defines but not at or below this module
		comm -12 "$tmp/undef" "$tmp/all" | comm -23 - "$tmp/ok" > "$tmp/up"
		while read -r sym; do
			owner=$(for u in $order; do grep -qx "$sym" "$tmp/$u.def" && echo "$u"; done)
			echo "${o#$dir/}: uses $sym of $owner, above $m"
			fail=1
		done < "$tmp/up"
	done
done
if [ "$fail" -ne 0 ]; then
	echo "test_arrows: FAILED: a module calls one above it ($order)"
	exit 1
fi
echo "test_arrows: every call goes down the order: $order"
