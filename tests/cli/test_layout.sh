#!/bin/sh
# test_layout.sh - where events are filed: by day in a new repository
# (format 2), by month in one made before format 2 (format 1, the fixture
# tests/fixtures/format1.bundle, made by chancery 0.x before this change:
# an import of one State and one treaty, a note with an attachment and a
# deposit with its instrument), which reads, lists, shows and verifies as
# before, keeps filing by month until `chancery upgrade`, and files by day
# after it while its old events stay where they were. A commit filed in the
# wrong layout for its parent's format is refused by the commit check.
. "$(dirname "$0")/lib.sh"

last_id() { git -C "$1" log -1 --format='%(trailers:key=Chancery-Id,valueonly)' | head -n 1; }
day_path() { echo "events/$(echo "$1" | cut -c1-4)/$(echo "$1" | cut -c5-6)/$(echo "$1" | cut -c7-8)/$1"; }
month_path() { echo "events/$(echo "$1" | cut -c1-4)/$(echo "$1" | cut -c5-6)/$1"; }
in_head() { git -C "$1" cat-file -e "HEAD:$2"; }
fixture() { # DIR: a clone of the format 1 fixture, no remote
	git clone -q -b main "$SRC/tests/fixtures/format1.bundle" "$1" 2>"$T/err" || _report "clone of the fixture"
	git -C "$1" remote remove origin
	git -C "$1" config user.name "Treaty Section"
	git -C "$1" config user.email "treaty@example.org"
}
echo "what was said" > "$T/call.txt"

# ---- a new repository: format 2, every event by day -------------------------
N=$T/new
run 0 "$C" --author "$AUTHOR" init "$N"
check "a new repository is at format 2" grep -qx 'chancery repository format 2' "$N/.chancery/format"
check "its init event is filed by day" in_head "$N" "$(day_path "$(last_id "$N")").txt"
CHANCERY_NOW=2004-03-12T10:00:00Z run 0 "$C" -C "$N" --author "$AUTHOR" note --state LBR --attach "$T/call.txt" "a call"
id=$(last_id "$N")
check "a note is filed at events/YYYY/MM/DD/ID.txt" in_head "$N" "$(day_path "$id").txt"
check "its attachment at events/YYYY/MM/DD/ID/NAME" in_head "$N" "$(day_path "$id")/call.txt"
check "and not by month" sh -c "! git -C '$N' cat-file -e 'HEAD:$(month_path "$id").txt'"
run_out 0 "$(day_path "$id")/call.txt" "$C" -C "$N" show "$id"
run_out 0 'nothing altered' "$C" -C "$N" verify
H=$(git -C "$N" rev-parse HEAD)
run_out 0 'already at repository format 2' "$C" -C "$N" upgrade
check "an upgrade of a format 2 repository records nothing" test "$(git -C "$N" rev-parse HEAD)" = "$H"

# ---- a repository of format 1: still read, written by month -----------------
O=$T/old
fixture "$O"
check "the fixture is at format 1" grep -qx 'chancery repository format 1' "$O/.chancery/format"
note1=20040922T151000Z-b7cb3b46
dep1=20040922T152000Z-a2a255f4
run_out 0 'verified: 5 events, 9 files' "$C" -C "$O" verify
run 0 "$C" -C "$O" log
check "log lists the five old events" test "$(wc -l < "$T/out")" -eq 5
run_out 0 "$(month_path $note1)/call.txt" "$C" -C "$O" show "$note1"
run_out 0 'a call from the mission' "$C" -C "$O" show "$note1"
run_out 0 "$(month_path $dep1)/instrument.pdf" "$C" -C "$O" show "$dep1"
export CHANCERY_NOW=2004-09-23T09:00:00Z
run_out 0 'Accession' "$C" -C "$O" history LBR
run_out 0 'party' "$C" -C "$O" participation LBR
run 0 "$C" -C "$O" note --state LBR --attach "$T/call.txt" "before the upgrade"
before=$(last_id "$O")
check "format 1 still files a new event by month" in_head "$O" "$(month_path "$before").txt"
check "and its attachment" in_head "$O" "$(month_path "$before")/call.txt"
run_out 0 'verified: 6 events' "$C" -C "$O" verify --full

# ---- the upgrade ------------------------------------------------------------
export CHANCERY_NOW=2004-09-24T09:00:00Z
run_out 0 'upgraded from repository format 1 to 2' "$C" -C "$O" upgrade
check "the upgrade is an event" sh -c "git -C '$O' log -1 --format='%(trailers:key=Chancery-Event,valueonly)' | grep -qx upgrade"
check "it says from and to" sh -c "git -C '$O' log -1 --format=%B | grep -q '^Chancery-From: 1$' && git -C '$O' log -1 --format=%B | grep -q '^Chancery-To: 2$'"
check "it changes .chancery/format and nothing else but its record" test "$(git -C "$O" diff --name-only HEAD~1 HEAD | grep -vc '^events/')" -eq 1
check "the working tree says format 2" grep -qx 'chancery repository format 2' "$O/.chancery/format"
export CHANCERY_NOW=2004-09-25T09:00:00Z
run 0 "$C" -C "$O" note --state LBR --attach "$T/call.txt" "after the upgrade"
after=$(last_id "$O")
check "after the upgrade a new event is filed by day" in_head "$O" "$(day_path "$after").txt"
check "and its attachment" in_head "$O" "$(day_path "$after")/call.txt"
check "the old events stay where they were" sh -c "git -C '$O' cat-file -e 'HEAD:$(month_path $note1).txt' && git -C '$O' cat-file -e 'HEAD:$(month_path "$before").txt' && git -C '$O' cat-file -e 'HEAD:$(month_path $dep1)/instrument.pdf'"
run_out 0 'before the upgrade' "$C" -C "$O" show "$before"
run_out 0 "$(day_path "$after")/call.txt" "$C" -C "$O" show "$after"
run 0 "$C" -C "$O" log
check "log lists old and new events" test "$(wc -l < "$T/out")" -eq 8
run_out 0 'verified: 8 events' "$C" -C "$O" verify --full
run 0 "$C" -C "$O" export bagit "$T/bag"
check "the bag has an old and a new attachment" sh -c "grep -q 'data/$(month_path $note1)/call.txt' '$T/bag/manifest-sha256.txt' && grep -q 'data/$(day_path "$after")/call.txt' '$T/bag/manifest-sha256.txt'"
run_out 0 'already at repository format 2' "$C" -C "$O" upgrade

# ---- forged layouts: the commit check holds each commit to its parent's -----
# FROM TO REPO: the head commit again on the same parent, its record (and
# attachments) moved from path FROM to path TO; verify must refuse it
relayout() {
	from=$1 to=$2 r=$3
	idx=$T/forged.idx
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git -C "$r" read-tree HEAD
	git -C "$r" ls-tree -r --name-only HEAD -- "$from.txt" "$from" | while read -r p; do
		blob=$(git -C "$r" rev-parse "HEAD:$p")
		GIT_INDEX_FILE=$idx git -C "$r" update-index --force-remove "$p"
		GIT_INDEX_FILE=$idx git -C "$r" update-index --add --cacheinfo "100644,$blob,$to${p#"$from"}"
	done
	tree=$(GIT_INDEX_FILE=$idx git -C "$r" write-tree)
	c=$(git -C "$r" log -1 --format=%B | git -C "$r" commit-tree "$tree" -p HEAD~1)
	git -C "$r" update-ref refs/heads/main "$c"
	git -C "$r" reset -q --hard
}
cp -R "$O" "$T/forged2"
relayout "$(day_path "$after")" "$(month_path "$after")" "$T/forged2"
run_out 1 "$(day_path "$after").txt: the record of event $after is not added by its commit .*repository format 2" "$C" -C "$T/forged2" verify
O1=$T/forged1
fixture "$O1"
relayout "$(month_path $dep1)" "$(day_path $dep1)" "$O1"
run_out 1 "$(month_path $dep1).txt: the record of event $dep1 is not added by its commit .*repository format 1" "$C" -C "$O1" verify

# the format changed by anything but an upgrade, or to anything but format 2
O2=$T/forged3
fixture "$O2"
run 0 "$C" -C "$O2" note --state LBR "a note"
echo 'chancery repository format 2' > "$O2/.chancery/format"
git -C "$O2" add .chancery/format
git -C "$O2" commit -q --amend --no-edit
run_out 1 '\.chancery/format: changed by commit .*, which note events never do' "$C" -C "$T/forged3" verify
O3=$T/forged4
fixture "$O3"
run 0 "$C" -C "$O3" upgrade
echo '*.odt binary' >> "$O3/.gitattributes"
git -C "$O3" add .gitattributes
git -C "$O3" commit -q --amend --no-edit
run_out 1 '\.gitattributes: changed by commit .*, which upgrade events never do' "$C" -C "$O3" verify
# a format this chancery does not know: refused, naming the file
echo 'chancery repository format 3' > "$O3/.chancery/format"
git -C "$O3" commit -q -a -m 'a later format'
run_err 3 "unknown repository format in \.chancery/format" "$C" -C "$O3" log

# a write after git itself moved the branch ahead of the working tree
# checks out every path, not only its own (the index lagged: the records
# of the commits moved in were left out)
N=$T/lag
run 0 "$C" --author "$AUTHOR" init "$N"
run 0 "$C" -C "$N" --author "$AUTHOR" note "first" --state LBR
c1=$(git -C "$N" rev-parse HEAD)
run 0 "$C" -C "$N" --author "$AUTHOR" note "second" --state LBR
c2=$(git -C "$N" rev-parse HEAD)
git -C "$N" reset -q --hard "$c1"
git -C "$N" update-ref refs/heads/main "$c2"
run 0 "$C" -C "$N" --author "$AUTHOR" note "third" --state LBR
check "the working tree holds every record after a lagging index" \
	test -z "$(git -C "$N" status --porcelain)"
run_out 0 'verified: 4 events' "$C" -C "$N" verify --full

# two offices, one upgraded: the other's sync merge is filed by its own
# (first parent's) format, as the commit check reads it
A=$T/officeA B=$T/officeB
fixture "$A"
git init -q --bare "$T/hub.git" && git --git-dir="$T/hub.git" symbolic-ref HEAD refs/heads/main
run 0 "$C" -C "$A" --author "$AUTHOR" sync "$T/hub.git"
git clone -q "$T/hub.git" "$B"
run 0 "$C" -C "$B" --author "$AUTHOR" upgrade
run 0 "$C" -C "$B" --author "$AUTHOR" note "from the upgraded office" --state LBR
run 0 "$C" -C "$A" --author "$AUTHOR" note "from the format 1 office" --state LBR
run 0 "$C" -C "$B" --author "$AUTHOR" sync
run 0 "$C" -C "$A" --author "$AUTHOR" sync "$T/hub.git"
run 0 "$C" -C "$A" verify --full
run 0 "$C" -C "$B" --author "$AUTHOR" sync
run 0 "$C" -C "$B" verify --full

finish
