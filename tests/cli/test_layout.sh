#!/bin/sh
# test_layout.sh - where events are filed: by day in a new repository
# (format 2), by month in one made before format 2 (format 1, the fixture
# tests/fixtures/format1.bundle, made by chancery 0.x before this change:
# an import of one State and one treaty, a note with an attachment and a
# deposit with its instrument), which reads, lists, shows and verifies as
# before, keeps filing by month until `chancery upgrade`, and files by day
# after it while its old events stay where they were. A commit filed in the
# wrong layout for its parent's format is refused by the commit check.
# A bare repository (init --bare) files the same way and takes every
# command without a working tree, syncing both ways.
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

# ---- a bare store: every command without a working tree ----------------------
S=$T/store.git
run_out 0 "^Created a bare chancery repository in $S " "$C" --author "$AUTHOR" init --bare "$S"
check "init --bare made a bare Git repository" test "$(git --git-dir="$S" rev-parse --is-bare-repository)" = true
check "with nothing checked out" test ! -e "$S/registry" -a ! -e "$S/index"
CHANCERY_NOW=2004-03-12T10:00:00Z run_out 0 '^Recorded note ' "$C" -C "$S" note --state LBR --attach "$T/call.txt" "a call to the store"
id=$(last_id "$S")
check "the bare store files by day too" in_head "$S" "$(day_path "$id")/call.txt"
printf 'state\nAFG\nLBR\n' > "$T/pilot.tsv"
run 0 "$C" -C "$S" campaign open pilot --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004 --recipients "$T/pilot.tsv"
run_err 2 '^chancery: letters generate: --pdf puts PDFs in the working tree, and this repository is bare' \
	"$C" -C "$S" letters generate pilot --pdf
check "a refused --pdf recorded nothing and made no folder" sh -c "! git --git-dir='$S' cat-file -e HEAD:campaigns/pilot/letters/LBR.odt && test -z \"\$(ls '$S' | grep campaigns)\""
run_out 0 'letters are in commit [0-9a-f]{12} at campaigns/pilot/letters/; get them with git archive' \
	"$C" -C "$S" letters generate pilot
check "the letters are in the commit" in_head "$S" campaigns/pilot/letters/LBR.odt
run 0 "$C" -C "$S" send pilot --date 2004-03-12
CHANCERY_NOW=2004-03-21T09:00:00Z run_out 0 'Recorded the reply of LBR' \
	"$C" -C "$S" reply pilot LBR --received 2004-03-20 --intends ratify:XVIII-10
printf '%%PDF-1.4\n%%%%EOF\n' > "$T/inst.pdf"
CHANCERY_NOW=2004-09-22T09:00:00Z run_out 0 'Recorded' \
	"$C" -C "$S" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/inst.pdf"
run_out 0 'deposit +LBR' "$C" -C "$S" log --state LBR
run_out 0 '^pilot as of .*2 recipients, 2 sent, 1 replied' "$C" -C "$S" status pilot --as-of 2004-09-22
run_err 0 'verify: a bare repository: no working tree to check' "$C" -C "$S" verify --full
check "verify found nothing altered" grep -q 'nothing altered' "$T/out"
git clone -q "$S" "$T/desk"
git -C "$T/desk" config user.name "Desk" && git -C "$T/desk" config user.email "desk@example.org"
run 0 "$C" -C "$T/desk" note --state LBR "from the desk"
check "a clone of the bare store records by day" in_head "$T/desk" "$(day_path "$(last_id "$T/desk")").txt"
run_out 0 'Synced: 0 commits in, 1 out' "$C" -C "$T/desk" sync
check "sync pushed into the bare store" test "$(git --git-dir="$S" rev-parse main)" = "$(git -C "$T/desk" rev-parse HEAD)"
run 0 "$C" -C "$S" note --state CHE "in the store meanwhile"
run 0 "$C" -C "$T/desk" note --state AFG "at the desk meanwhile"
git init -q --bare "$T/hub3.git" && git --git-dir="$T/hub3.git" symbolic-ref HEAD refs/heads/main
run_out 0 'Synced: 0 commits in, [0-9]+ out' "$C" -C "$S" sync "$T/hub3.git"
run 0 "$C" -C "$T/desk" sync "$T/hub3.git"
run 0 "$C" -C "$S" note --state FRA "in the store again"
run_out 0 'Synced: 2 commits in \(merged\)' "$C" -C "$S" sync "$T/hub3.git"
check "the bare store merged without a working tree" test "$(git --git-dir="$S" rev-list --count --merges main)" -ge 1
check "and holds the desk's note" sh -c "git --git-dir='$S' log --format=%s main | grep -q 'at the desk meanwhile'"
run_out 0 'nothing altered' "$C" -C "$S" verify --full
check "the bare store passes git fsck --strict" git --git-dir="$S" fsck --strict
check "still nothing checked out in it" test ! -e "$S/registry" -a ! -e "$S/events" -a ! -e "$S/index"
# a bare store without an identity of its own records as the head's
# tracked .chancery/config says (a copy: a commit made by hand)
git -C "$T/desk" config --file "$T/desk/.chancery/config" chancery.name "Shared Name"
git -C "$T/desk" config --file "$T/desk/.chancery/config" chancery.email "shared@example.org"
git -C "$T/desk" add .chancery/config && git -C "$T/desk" commit -qm "shared identity"
git clone -q --bare "$T/desk" "$T/copy.git"
run 0 "$C" -C "$T/copy.git" note "who records here"
check "the shared identity came from the head's .chancery/config" \
	test "$(git --git-dir="$T/copy.git" log -1 --format='%an <%ae>')" = "Shared Name <shared@example.org>"
check "and its temporary copy is gone" sh -c "! ls '$T/copy.git' | grep -q chancery-config"

finish
