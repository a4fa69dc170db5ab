#!/bin/sh
# test_index.sh - the derived index through the tool: log, show, history
# and status answer the same from the index as by replaying history
# (git config chancery.index=false), participation and parties the same
# from the registry's cache as parsed, `index status|check|rebuild` and
# their exit codes, a row altered behind the index's back (check exit 1),
# a damaged file (rebuilt, never an error), an index that cannot be
# written (the replay answers), readers while a writer records.
. "$(dirname "$0")/lib.sh"

R=$T/repo
run 0 "$C" --author "$AUTHOR" init "$R"
cd "$R" || exit 1
git config user.name "Treaty Section"
git config user.email "treaty@example.org"
printf 'state\nLBR\nMEX\nFRA\n' > "$T/recipients.tsv"
run 0 "$C" campaign open c --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004 \
	--recipients "$T/recipients.tsv"
run 0 "$C" letters generate c
export CHANCERY_NOW=2004-03-15T10:00:00Z
run 0 "$C" send c --date 2004-03-15
export CHANCERY_NOW=2004-08-21T10:00:00Z
run 0 "$C" reply c LBR --received 2004-08-20 --intends ratify:IV-4
run 0 "$C" reply c MEX --received 2004-08-20 --intends ratify:XVIII-10
MEXR=$(git log -1 --format='%(trailers:key=Chancery-Id,valueonly)')
run 0 "$C" note "LBR asked for the text in French" --state LBR --campaign c
run 0 "$C" void "$MEXR" --reason "the reply was FRA's"
LAST=$(git log -1 --format=%H)

# ---- the same answers, index and replay ------------------------------------
answers() { # DIR: every answer compared, one file each
	mkdir -p "$1"
	"$C" log --format json > "$1/log" &&
	"$C" log --state LBR --format json > "$1/log-lbr" &&
	"$C" log --reverse --type reply --format json > "$1/log-reply" &&
	"$C" log --since 2004-08-01 --until 2004-08-31 --campaign c > "$1/log-aug" &&
	"$C" show "$MEXR" --format json > "$1/show" &&
	"$C" show "$(echo "$LAST" | cut -c1-9)" > "$1/show-commit" &&
	"$C" history LBR --format json > "$1/history" &&
	"$C" history XVIII-10 --format json > "$1/history-treaty" &&
	"$C" status c --format json > "$1/status" &&
	"$C" status c --as-of 2004-08-20 --format json > "$1/status-asof" &&
	"$C" participation LBR --format json > "$1/participation" &&
	"$C" participation FRA --as-of 2004-08-20 > "$1/participation-asof" &&
	"$C" parties XVIII-10 --format json > "$1/parties"
}
check "answers from the index" answers "$T/ix"
check "the index file was made" test -s .git/chancery/index.db
run_out 0 "^state +at the head" "$C" index status
git config chancery.index false
check "answers by replay" answers "$T/rp"
run_out 0 "^state +off" "$C" index status
git config --unset chancery.index
for f in log log-lbr log-reply log-aug show show-commit history history-treaty \
	status status-asof participation participation-asof parties; do
	check "$f: the index answers what the replay answers" cmp "$T/ix/$f" "$T/rp/$f"
done
check "the answers are not empty" grep -q "$MEXR" "$T/ix/log"
check "the registry was cached" test "$(sqlite3 .git/chancery/index.db \
	'SELECT count(*) FROM registry_cache')" = 1
check "participation is not empty" grep -q '"XVIII-10"' "$T/ix/participation"

# ---- index status, check, rebuild --------------------------------------------
N=$(git log --format='%(trailers:key=Chancery-Event,valueonly)' | grep -c .)
run_out 0 "^events +$N\$" "$C" index status
run_out 0 "^stamp +$LAST\$" "$C" index status
run_out 0 "^index checked: $N events, as history has them\$" "$C" index check
run_err 2 "is not check, rebuild or status" "$C" index frobnicate
run_err 2 "usage" "$C" index
sqlite3 .git/chancery/index.db "UPDATE events SET type='memo' WHERE seq=3"
run_err 1 "2 differences from history in $N events" "$C" index check
check "check names the row" grep -q "^event 3 (commit [0-9a-f]*): the index has a row history does not\$" "$T/out"
# verify --full holds the index to history too
run 1 "$C" verify --full
check "verify --full names the index's row" grep -q "index: event 3 (commit [0-9a-f]*): the index has a row history does not (chancery index rebuild makes it anew)" "$T/out" "$T/err"
run_out 0 "^index rebuilt from history\$" "$C" index rebuild
run 0 "$C" index check
run 0 "$C" verify --full
# the registry's cache: a damaged row is a difference, answers stay right
sqlite3 .git/chancery/index.db "UPDATE registry_cache SET data = CAST(substr(data, 1, 99) || x'ABAB' || substr(data, 102) AS BLOB)"
run_err 1 "1 difference from history" "$C" index check
check "check names the registry cache" grep -q "^the registry cache differs from the registry parsed afresh\$" "$T/out"
run 0 "$C" participation LBR --format json
check "a damaged cache answers right" cmp "$T/out" "$T/rp/participation"
run 0 "$C" index check
sqlite3 .git/chancery/index.db "UPDATE registry_cache SET data = x'00'"
run_out 0 "^index rebuilt from history\$" "$C" index rebuild
run 0 "$C" index check
run 0 "$C" parties XVIII-10 --format json
check "a rebuilt cache answers right" cmp "$T/out" "$T/rp/parties"
# the index is brought up to date by the next command
run 0 "$C" note "after the check" --state FRA
run_out 0 "after the check" "$C" log --state FRA
run_out 0 "^events +$((N + 1))\$" "$C" index status

# ---- a damaged file: rebuilt, never an error ---------------------------------
"$C" log --format json > "$T/before"
dd if=/dev/urandom of=.git/chancery/index.db bs=4096 count=1 conv=notrunc status=none
rm -f .git/chancery/index.db-wal .git/chancery/index.db-shm
run 0 "$C" log --format json
check "a damaged index answers right" cmp "$T/out" "$T/before"
run 0 "$C" index check
head -c 3000 .git/chancery/index.db > "$T/half" && cp "$T/half" .git/chancery/index.db
run 0 "$C" log --format json
check "a truncated index answers right" cmp "$T/out" "$T/before"
run 0 "$C" index check

# ---- an index that cannot be written: the replay answers -------------------------
rm -rf .git/chancery && echo "not a folder" > .git/chancery
run 0 "$C" log --format json
check "an unwritable index: the replay answers" cmp "$T/out" "$T/before"
run_out 0 "^state +off" "$C" index status
run_err 5 "index" "$C" index rebuild
rm -f .git/chancery
run 0 "$C" index check

# ---- search --------------------------------------------------------------------------
printf 'Minutes of the call.\nThe delegation promised an instrument of ratification.\n' > "$T/minutes.txt"
run 0 "$C" note "Call with the mission of Liberia about the Rome Statute" --state LBR \
	--campaign c --treaty XVIII-10 --attach "$T/minutes.txt"
run_out 0 "^[0-9T]+Z-[0-9a-f]{8}  2004-08-21  note +LBR  .*\[Liberia\]" "$C" search liberia
run_out 0 "\[ratification\]" "$C" search "promised ratification"
run_out 0 "note +LBR" "$C" search french --state LBR
run_err 1 "no event matches 'french'" "$C" search french --state MEX
check "no match prints no line" test ! -s "$T/out"
run 1 "$C" search french --since 2004-09-01
run 0 "$C" search french --until 2004-08-21 --campaign c
run_out 0 '"snippet"' "$C" search liberia --treaty XVIII-10 --format json
check "search json has the event" python3 -c "
import json; d = json.load(open('$T/out')); assert d['hits'][0]['state'] == 'LBR', d"
run_out 1 '"hits": \[\]' "$C" search nowhere-to-be-found --format json
run_err 3 "no word" "$C" search "  "
run_err 3 "is not a State code" "$C" search liberia --state lbr
run 1 "$C" search 'quote"d (syntax) OR NOT'
git config chancery.index false
run_err 3 "search needs the index" "$C" search liberia
git config --unset chancery.index

# ---- readers while a writer records -----------------------------------------------
( for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	"$C" note "concurrent $i" --state CHE >/dev/null 2>>"$T/writer.err" || echo fail >> "$T/writer.err"
done ) &
W=$!
prev=0 bad=0 reads=0
while kill -0 $W 2>/dev/null; do
	if ! n=$("$C" log --state CHE --format json 2>>"$T/reader.err" |
		python3 -c "import json,sys; e=json.load(sys.stdin)['events']
t=[x['subject'] for x in e]
# a prefix of the notes, newest first: concurrent k .. 1
k=len(t); assert t==['note CHE: concurrent %d' % i for i in range(k,0,-1)], t
print(k)"); then bad=$((bad + 1)); break; fi
	[ "$n" -lt "$prev" ] && bad=$((bad + 1))
	prev=$n reads=$((reads + 1))
done
wait $W
check "the writer recorded every note" test ! -s "$T/writer.err"
check "no reader failed or went back ($reads reads)" test "$bad" -eq 0 -a ! -s "$T/reader.err"
run_out 0 "concurrent 12" "$C" log --state CHE
run 0 "$C" index check
# verify --full checks the index also where it keeps the fixity of
# instruments: their open transaction made the check wait 10 s and give up
# in silence
printf '%%PDF-1.4\n1 0 obj <<>> endobj\n%%%%EOF\n' > "$T/inst.pdf"
CHANCERY_NOW=2004-09-22T10:00:00Z run 0 "$C" deposit MEX XVIII-10 ratification --date 2004-09-21 --instrument "$T/inst.pdf"
sqlite3 .git/chancery/index.db "UPDATE events SET type='memo' WHERE seq=2"
run 1 "$C" verify --full
check "verify --full with instruments names the index's row" grep -q "index: event 2 (commit" "$T/out" "$T/err"
check "verify --full did not give the index check up" test -z "$(grep 'was not checked' "$T/err")"
run 0 "$C" index rebuild
run 0 "$C" verify --full
finish
