#!/bin/sh
# test_verify_incremental.sh - verify keeps what it proved (issue 14, part
# 4): a clean run keeps a proof in the derived index; the default run then
# checks only the commits after it (the counts say so), still finds a
# commit forged after it, runs in full when the proof's commit left the
# branch or the index is missing or damaged (saying so in one line), and
# re-hashes the archived files whose fixity is due, so an altered file is
# found within the period (chancery.fixityDays), while an edit the
# working tree's stat shows is found by every run. --report shows the proofs
# and the coverage.
. "$(dirname "$0")/lib.sh"

note() { # REPO TEXT [FILE]
	if [ -n "${3:-}" ]; then
		"$C" --author "$AUTHOR" -C "$1" note --state LBR --attach "$3" "$2"
	else
		"$C" --author "$AUTHOR" -C "$1" note --state LBR "$2"
	fi
}

R=$T/r
run 0 "$C" --author "$AUTHOR" init "$R"
printf 'a scan of the note verbale\n' > "$T/scan.txt"
run 0 note "$R" "first" "$T/scan.txt"
run 0 note "$R" "second"
ATT=$(cd "$R" && find events -name scan.txt | head -n 1)
check "the attachment is archived at $ATT" test -f "$R/$ATT"

# ---- the first run is full, keeps a proof -----------------------------------
run_err 0 "verify: no proof kept \(the index is new" "$C" -C "$R" verify
check "the first run says it is full" grep -Eq '^verified: 3 events' "$T/out"
check "the proof is in the index" test -f "$R/.git/chancery/index.db"

# ---- the default run checks only the new commits ------------------------------
run 0 note "$R" "third"
run 0 note "$R" "fourth"
run_out 0 "^verified since the last proof: 2 events, 2 files \(0 due for fixity\): nothing altered$" \
	"$C" -C "$R" verify
check "an incremental run says nothing on stderr" test ! -s "$T/err"
run_out 0 "^verified since the last proof: 0 events" "$C" -C "$R" verify
run_out 0 "^verified: 5 events, " "$C" -C "$R" verify --full

# ---- --report -----------------------------------------------------------------
run_out 0 "^proof 2004-03-12T09:00:00Z [0-9a-f]{12} full: 5 events, " "$C" -C "$R" verify --report
check "the report lists the incremental proofs" grep -Eq \
	'^proof 2004-03-12T09:00:00Z [0-9a-f]{12} incremental: 2 events, 2 files$' "$T/out"
check "the report gives the fixity coverage" grep -Eq \
	"^fixity: 1 of 1 files re-hashed within 90 days; oldest check 2004-03-12T09:00:00Z $ATT$" "$T/out"
run_err 2 "--report takes no other option" "$C" -C "$R" verify --report --full

# ---- the fixity share finds an altered file within the period ----------------
cp -a "$R" "$T/r2"  # kept for the object-database case below
R2=$T/r2
# an edit the file's stat shows (size, times): found by every run at once
printf 'a scan of the note verbale, altered\n' > "$R/$ATT"
run_out 1 "^$ATT: the working tree's copy differs from the branch head" "$C" -C "$R" verify
git -C "$R" checkout -q -- "$ATT"
run_out 0 "since the last proof" "$C" -C "$R" verify
# one it does not show, the fixity share's, within its period (same size,
# inode and modification time; ctime not
# trusted, as on some file systems; the file older than the index, which
# is then not "racy": git does not hash it for want of a telling stat)
git -C "$R" config core.trustctime false
touch -d '2004-01-01 00:00' "$R/$ATT"
git -C "$R" update-index -q --refresh
printf 'a scan of the note verbalX\n' > "$R/$ATT"
touch -d '2004-01-01 00:00' "$R/$ATT"
run_out 0 "since the last proof" "$C" -C "$R" verify
check "within 90 days of its check the altered file is not due yet" \
	grep -q "0 due for fixity" "$T/out"
git -C "$R" config chancery.fixityDays 1
CHANCERY_NOW=2004-03-14T09:00:00Z run_out 1 \
	"^$ATT: the working tree's copy fails its SHA-256" "$C" -C "$R" verify
run_out 1 "^$ATT: the working tree's copy" "$C" -C "$R" verify --full
git -C "$R" config chancery.fixityDays soon
run_err 3 "chancery.fixityDays 'soon': not a number of days" "$C" -C "$R" verify
git -C "$R" show "HEAD:$ATT" > "$R/$ATT" && git -C "$R" config --unset chancery.fixityDays
git -C "$R" config --unset core.trustctime

# the same in the object database (the copy checks in full first: another
# working tree)
run_err 0 "the last proof checked another working tree" "$C" -C "$R2" verify
BLOB=$(git -C "$R2" rev-parse "HEAD:$ATT")
OBJ=$R2/.git/objects/$(echo "$BLOB" | cut -c1-2)/$(echo "$BLOB" | cut -c3-)
chmod u+w "$OBJ" && printf 'garbage' > "$OBJ"
git -C "$R2" config chancery.fixityDays 0
run_out 1 "^$ATT: its object cannot be read" "$C" -C "$R2" verify

# ---- a commit forged after the proof -----------------------------------------
REC=$(cd "$R" && git log -1 --format=%H -- events >/dev/null && find events -name '*.txt' ! -name scan.txt | sort | head -n 1)
run 0 "$C" -C "$R" verify
printf 'Forged: yes\n' >> "$R/$REC"
git -C "$R" commit -qam "note LBR: fourth" --author "$AUTHOR"
run_out 1 "records no event: made outside chancery" "$C" -C "$R" verify
check "the forged commit is found by the default (incremental) run" \
	sh -c "! grep -q 'checking in full' '$T/err'"

# ---- a proof whose commit left the branch: full ------------------------------
S=$T/s
run 0 "$C" --author "$AUTHOR" init "$S"
run 0 note "$S" "one"
run 0 note "$S" "two"
run 0 "$C" -C "$S" verify
git -C "$S" reset -q --hard HEAD~1
run 0 note "$S" "two, again"
run_err 1 "verify: the last proof's commit [0-9a-f]{12} is no longer in the branch's history: checking in full" \
	"$C" -C "$S" verify
check "the full run names the lost commit" grep -q "no longer contains commit" "$T/out"

# a commit made after the proof and then cut away (the branch reset to the
# proof's commit and recorded on again): the reflog since the proof says so
U=$T/u
run 0 "$C" --author "$AUTHOR" init "$U"
run 0 note "$U" "one"
run 0 "$C" -C "$U" verify
run 0 note "$U" "two"
git -C "$U" reset -q --hard HEAD~1
run 0 note "$U" "two, again"
run_out 1 "no longer contains commit [0-9a-f]{12} it pointed to" "$C" -C "$U" verify
check "the lost commit is found by the incremental run" \
	sh -c "! grep -q 'checking in full' '$T/err'"

# ---- the index removed or damaged: full, said in one line --------------------
X=$T/x
run 0 "$C" --author "$AUTHOR" init "$X"
run 0 note "$X" "one"
run 0 "$C" -C "$X" verify
rm -f "$X/.git/chancery/index.db" "$X/.git/chancery/index.db-wal" "$X/.git/chancery/index.db-shm"
run_err 0 "verify: no proof kept \(the index is new, or was missing or damaged" "$C" -C "$X" verify
check "the run without an index is full" grep -q '^verified: 2 events' "$T/out"
check "the note is one line" test "$(wc -l < "$T/err")" -eq 1
run_out 0 "since the last proof" "$C" -C "$X" verify
rm -f "$X/.git/chancery/index.db-wal" "$X/.git/chancery/index.db-shm"
printf 'not a database at all, but long enough to be taken for one %0500d\n' 0 > "$X/.git/chancery/index.db"
run_err 0 "verify: no proof kept" "$C" -C "$X" verify
check "the run with a damaged index is full" grep -q '^verified: 2 events' "$T/out"
run_out 0 "since the last proof" "$C" -C "$X" verify

# ---- a file edited after the proof, of a commit after it: the commit's checks
# say it (its recorded blob, its fixity line); the working tree's own check,
# which comes last, does not say it a third time
printf 'a letter received\n' > "$T/letter.txt"
run 0 note "$X" "two" "$T/letter.txt"
L=$(cd "$X" && find events -name letter.txt | head -n 1)
printf 'a letter received, and edited\n' > "$X/$L"
run_out 1 "^$L: the working tree's copy differs from what event" "$C" -C "$X" verify
check "the working tree's check does not repeat it" \
	sh -c "! grep -q \"^$L: the working tree's copy differs from the branch head\" '$T/out'"
check "the edited file is reported twice, not three times" test "$(grep -c "^$L:" "$T/out")" -eq 2

finish
