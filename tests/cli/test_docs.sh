#!/bin/sh
# test_docs.sh - docs and code stay in step (curl's "sync tests"): every
# command has a reference page that names each of its options, the command
# index lists every command and every exit code, the design pages exist.
. "$(dirname "$0")/lib.sh"

D=$SRC/docs
for f in architecture.md repository-format.md commands/README.md; do
	check "docs/$f exists" test -s "$D/$f"
done
for cmd in $("$C" help --commands); do
	page=$D/commands/$cmd.md
	check "docs/commands/$cmd.md exists" test -s "$page"
	check "docs/commands/README.md lists $cmd" grep -q "\[$cmd\](" "$D/commands/README.md"
	for opt in $("$C" "$cmd" -h | grep -Eo -- '--[a-z][a-z-]*' | sort -u); do
		[ "$opt" = "--help" ] && continue
		check "docs/commands/$cmd.md documents $opt" grep -q -- "$opt" "$page"
	done
done
for code in 0 1 2 3 4 5; do
	check "exit code $code is documented" grep -Eq "^\| *$code *\|" "$D/commands/README.md"
done
for key in Chancery-Event Chancery-Id Chancery-State Chancery-Campaign Chancery-Treaty \
	Chancery-Date Chancery-Attachment Chancery-Registry Chancery-Rows Chancery-File \
	Chancery-Remote Chancery-Merged Chancery-Supersedes Chancery-Late Chancery-Intends Chancery-Received \
	Chancery-Corrects Chancery-Voids Chancery-Voids-Event Chancery-Reason; do
	check "trailer $key is documented" grep -q -- "$key" "$D/repository-format.md"
done
# the README's first session and second office run as written (issue 13):
# both blocks, one after the other, in an empty folder, the tool on PATH
W=$T/readme
mkdir -p "$W"
awk '/^## A first session/ { want = 1 } /^## A second office/ { want = 1 }
	want && /^```$/ { if (inside) { inside = 0; want = 0 } else inside = 1; next }
	inside' "$SRC/README.md" > "$W/session.sh"
check "the README has its first session and second office" test "$(grep -c '^chancery' "$W/session.sh")" -ge 15
mkdir -p "$W/bin" && ln -s "$C" "$W/bin/chancery"
check "the README's session runs as written (today's clock)" sh -c "cd '$W' && PATH='$W/bin':\$PATH env -u CHANCERY_NOW sh -e session.sh > session.out 2>&1"
[ -s "$W/focus2004/letters/FRA.pdf" ] || cat "$W/session.out" >&2
check "... its letters and their PDFs are written" test -s "$W/focus2004/letters/FRA.pdf"
check "... the second office has the same record" \
	test "$(git -C "$W/geneva" rev-parse HEAD)" = "$(git -C "$W/focus2004" rev-parse HEAD)"
finish
