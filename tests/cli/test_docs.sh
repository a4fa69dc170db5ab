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
finish
