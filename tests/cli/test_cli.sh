#!/bin/sh
# test_cli.sh - the chancery tool end to end: every command, its output
# formats, exit codes from the documented table, one-line errors, and
# nothing written when the input is bad.
. "$(dirname "$0")/lib.sh"

R=$T/repo
head_of() { git -C "$R" rev-parse HEAD; }

# ---- the tool itself
run 2 "$C"
run_out 0 'commands:' "$C" -h
run_out 0 '^chancery 0\.' "$C" --version
run_err 2 'not a chancery command' "$C" frobnicate
run_err 2 'unknown option' "$C" --frobnicate
for cmd in $("$C" help --commands); do
	run_out 0 '^usage: chancery' "$C" "$cmd" -h
	run_out 0 '^usage: chancery' "$C" help "$cmd"
done

# ---- init
run_out 0 'Created a chancery repository' "$C" --author "$AUTHOR" init "$R"
run_err 3 'not empty' "$C" --author "$AUTHOR" init "$R"
check "init made a repository git fsck accepts" git -C "$R" fsck --strict
# init --author is remembered: later commands record as that author without
# --author, with no Git identity anywhere else (a HOME of its own)
mkdir -p "$T/nohome"
run 0 "$C" init "$T/remember" --author 'Registry Clerk <clerk@example.org>'
HOME=$T/nohome run_out 0 'Recorded note' "$C" -C "$T/remember" note --state LBR "a call"
check "the note is recorded by the author init was given" \
	test "$(git -C "$T/remember" log -1 --format='%an <%ae>')" = 'Registry Clerk <clerk@example.org>'
check "kept in the office's own configuration" \
	test "$(git -C "$T/remember" config user.name)" = 'Registry Clerk'
rm -rf "$T/remember"
check "plain git log reads the trailers" \
	sh -c "git -C '$R' log --format='%(trailers:key=Chancery-Event,valueonly)' | grep -qx init"
run_err 3 'who is recording' "$C" init "$T/noid"
check "a failed init leaves nothing" test ! -e "$T/noid"
mkdir "$T/emptydir"
run_out 0 'empty registry' "$C" --author "$AUTHOR" init --empty "$T/emptydir"
run 1 "$C" -C "$T/emptydir" states

# ---- settings in Git's config syntax
git -C "$R" config user.name "Test Recorder"
git -C "$R" config user.email "test@example.org"

# ---- queries
cd "$R" || exit 1
run_out 0 '^LBR +Liberia' "$C" states
run_out 0 '"version": 1' "$C" states --format json
check "states JSON lists 192 States" \
	sh -c "'$C' states --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"states\"])==192'"
check "states CSV has a header and 192 rows" \
	sh -c "test \$('$C' states --format csv | wc -l) -eq 193"
run_err 2 'unknown format' "$C" states --format xml
run_out 0 '^XVIII-10 +Rome Statute' "$C" treaties --featured focus2004
check "the featured list has 28 treaties" \
	sh -c "test \$('$C' treaties --featured focus2004 --format csv | wc -l) -eq 29"
run_err 3 "no featured list 'nope'" "$C" treaties --featured nope
run_out 0 '^XVIII-10 +Rome Statute +signatory +1998-07-17' "$C" participation LBR --as-of 2004-03-12
run_out 0 '^IV-4 .* party .*accession +1980-11-04' "$C" participation FRA
run 1 "$C" participation FRA --as-of 1900-01-01
run_err 3 "'../x' is not a State code" "$C" participation ../x
run_err 3 "unknown State 'QQQ'" "$C" participation QQQ
run_err 3 "impossible date '2004-02-30'" "$C" participation LBR --as-of 2004-02-30
run_err 2 'missing argument' "$C" participation
run_out 0 'XVIII-10: 92 parties, 51 signatories' "$C" parties XVIII-10 --as-of 2004-03-12
run_out 0 '^FRA +France +party +1998-07-18 +ratification +2000-06-09' "$C" parties XVIII-10
run_out 0 '^LBR +Liberia +signatory +1998-07-17' "$C" parties XVIII-10 --as-of 2004-03-12
run 1 "$C" parties XVIII-10 --as-of 1998-01-01
run_err 3 "unknown treaty 'IV-99'" "$C" parties IV-99
run_err 3 "not a treaty reference" "$C" parties "../x"

# ---- note
H0=$(head_of)
run_out 0 '^Recorded note 20040312T090000Z-' "$C" --author "$AUTHOR" note --state LBR \
	--campaign focus2004 --date 2004-03-10 "Mission called: reply on its way"
H1=$(head_of)
check "note made one commit" test "$(git rev-list --count "$H0..$H1")" = 1
run_err 3 "not a State code" "$C" note --state ../x "bad"
run_err 3 "unknown State 'QQQ'" "$C" note --state QQQ "bad"
run_err 3 "impossible date" "$C" note --date 2004-02-30 "bad"
run_err 3 "date '1066-10-14' out of range" "$C" note --date 1066-10-14 "bad"
run_err 3 "not a treaty reference" "$C" note --treaty "../../etc" "bad"
run_err 3 "unknown treaty 'IV-99'" "$C" note --treaty IV-99 "bad"
run_err 3 "not a campaign id" "$C" note --campaign "Focus/2004" "bad"
run_err 3 "cannot read the file" "$C" note --attach "$T/missing.pdf" "bad"
run_err 2 "unknown option '--stat'" "$C" note --stat LBR "bad"
run_err 2 "missing argument" "$C" note
run_err 2 "needs a value" "$C" note "x" --state
run_err 2 "given twice" "$C" note --state LBR --state CHE "x"
# enormous values: refused with their limit named, nothing written
run_err 3 "message longer than 65536 bytes" "$C" note "$(head -c 70000 /dev/zero | tr '\0' 'x')"
truncate -s 65M "$T/huge.pdf"
run_err 3 "huge.pdf': larger than 67108864 bytes" "$C" note --attach "$T/huge.pdf" "huge"
rm -f "$T/huge.pdf"
run_err 3 "not a State code" "$C" note --state "$(head -c 5000 /dev/zero | tr '\0' 'A')" "long code"
check "bad notes wrote nothing" test "$(head_of)" = "$H1"
printf 'scan' > "$T/nv.pdf"
run_out 0 'Recorded note' "$C" --author "$AUTHOR" note --state CHE --treaty XVIII-12 \
	--attach "$T/nv.pdf" "Note verbale received"
check "the attachment is in the tree" \
	sh -c "git -C '$R' ls-tree -r --name-only HEAD | grep -q '/nv.pdf$'"
# export names what it does not know, as the queries do
run_err 3 "^chancery: unknown State 'ZZZ'\$" "$C" export bagit "$T/bag" --state ZZZ
run_err 3 "^chancery: unknown treaty 'IV-99'\$" "$C" export bagit "$T/bag" --treaty IV-99
run_err 3 "^chancery: no campaign 'nope'\$" "$C" export bagit "$T/bag" --campaign nope
run_out 0 'Wrote bag' "$C" export bagit "$T/bag" --state CHE
check "an unknown selection wrote no bag" sh -c "test -f '$T/bag/bagit.txt' && ! ls -a '$T' | grep -q '^\.bag'"
rm -rf "$T/bag"
# verify names both blobs of a file changed after its event recorded it
# (both used to print as the one libgit2 wrote last in its shared buffer)
cp -a "$R" "$T/tampered"
nv=$(git -C "$R" ls-tree -r --name-only HEAD | grep '/nv.pdf$')
was=$(git -C "$R" rev-parse "HEAD:$nv" | cut -c1-12)
printf 'forged' > "$T/tampered/$nv"
git -C "$T/tampered" -c user.name=x -c user.email=x@example.org commit -qam 'edit a scan'
now=$(git -C "$T/tampered" rev-parse "HEAD:$nv" | cut -c1-12)
run_out 1 "^$nv: changed after event [0-9a-zTZ-]+ recorded it \(now blob $now, recorded $was\)\$" "$C" -C "$T/tampered" verify
rm -rf "$T/tampered"
# only regular files are archived (as deposit does), read to their end
H=$(head_of)
mkfifo "$T/pipe.pdf"
run_err 3 "--attach '.*pipe.pdf': '.*pipe.pdf': not a regular file" "$C" note --attach "$T/pipe.pdf" "a pipe"
rm -f "$T/pipe.pdf"
run_err 3 "not a regular file" "$C" note --attach /dev/null "a device"
run_err 3 "not a regular file" "$C" note --attach "$T" "a folder"
check "no attachment that is not a file was recorded" test "$(head_of)" = "$H"
run_out 0 'Recorded note' "$C" note --attach /proc/self/status "the status of a process"
st=$(git -C "$R" ls-tree -r --name-only HEAD | grep '/status$')
check "a /proc file (size 0 reported) is archived with its content" \
	sh -c "git -C '$R' show 'HEAD:$st' | grep -q '^Name:'"
check "the record gives the size archived, not 0" \
	sh -c "git -C '$R' log -1 --format=%B | grep -q 'Chancery-Attachment: status sha256=[0-9a-f]* size=[1-9]'"
check "--author after the command works" \
	"$C" note --author 'Other Person <other@example.org>' "from someone else"
check "the author is recorded as git author" \
	sh -c "git -C '$R' log -1 --format=%an | grep -qx 'Other Person'"

git config chancery.name "Registry Clerk"
run 0 "$C" note "chancery.name overrides user.name"
check "chancery.name is the recorder" \
	sh -c "git -C '$R' log -1 --format='%an <%ae>' | grep -qx 'Registry Clerk <test@example.org>'"
git config --unset chancery.name

# ---- CHANCERY_NOW: a time a commit can hold, or nothing is recorded
H=$(head_of)
for v in 253402300800 4294967296 1800-01-01T00:00:00Z 1969-12-31T23:59:59Z 2999-12-31T23:59:59Z; do
	run_err 3 "^chancery: recording time -?[0-9]+ is out of range \(1970-01-01T00:00:01Z to 2106-02-07T06:28:15Z" \
		env CHANCERY_NOW=$v "$C" note "clock $v"
done
for v in 12x -5 +5 ' 12' 0 1970-01-01T00:00:00Z 99999999999999999999 2004-13-01T00:00:00Z 2004-03-12T09:00:00; do
	run_err 2 "^chancery: CHANCERY_NOW='.*': expected Unix seconds" env CHANCERY_NOW="$v" "$C" note "clock $v"
done
check "no time out of range was recorded" test "$(head_of)" = "$H"
run_err 3 "recording time 253402300800 is out of range" \
	env CHANCERY_NOW=253402300800 "$C" --author "$AUTHOR" init "$T/year10000"
check "init with a year 10000 clock created nothing" test ! -e "$T/year10000"
run_out 0 'Created' env CHANCERY_NOW=4294967295 "$C" --author "$AUTHOR" init "$T/clock"
run_out 0 '^Recorded note 21060207T062815Z-' env CHANCERY_NOW=4294967295 "$C" -C "$T/clock" \
	--author "$AUTHOR" note "the last second a commit can hold"
run 0 "$C" -C "$T/clock" verify
check "the commit holds that second" test "$(git -C "$T/clock" log -1 --format=%at)" = 4294967295

# ---- log and show
run_out 0 'note +LBR' "$C" log --state LBR
run_out 0 '"events"' "$C" log --format json
check "log JSON parses" sh -c "'$C' log --format json | python3 -m json.tool"
run 1 "$C" log --state ZWE
# a dispatch names every recipient: log --state shows it under that State
P=$T/pilot
printf 'state\nAFG\nLBR\n' > "$T/pilot.tsv"
"$C" --author "$AUTHOR" init "$P" >/dev/null 2>&1
(cd "$P" && "$C" --author "$AUTHOR" campaign open pilot --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --recipients "$T/pilot.tsv" && "$C" --author "$AUTHOR" letters generate pilot &&
	"$C" --author "$AUTHOR" send pilot --date 2004-03-12) >/dev/null 2>&1
run_out 0 '^2004-03-12  [0-9a-f]{12} send       LBR  Test Recorder' "$C" -C "$P" log --state LBR --type send
run_out 0 '^2004-03-12  [0-9a-f]{12} send       \*    Test Recorder' "$C" -C "$P" log --type send
# a reply says what it announces: saying nothing is a usage error
H=$(git -C "$P" rev-parse HEAD)
run_err 2 "^chancery: reply: say what the reply announces: --intends ACTION:TREATY, --withdraw ACTION:TREATY or --none\$" \
	"$C" -C "$P" --author "$AUTHOR" reply pilot LBR --received 2004-03-20
run_err 2 "^chancery: reply: --none and --intends exclude each other\$" \
	"$C" -C "$P" --author "$AUTHOR" reply pilot LBR --received 2004-03-20 --none --intends sign:IV-13
check "a reply refused as usage recorded nothing" test "$(git -C "$P" rev-parse HEAD)" = "$H"
rm -rf "$P"
# a type that is neither chancery's nor recorded here is a mistake, named
run_err 3 "^chancery: log: --type 'bogus' is no event type \(the types: init, import, note, sync, campaign, letters, send, reply, remind, deposit, void, close\)\$" "$C" log --type bogus
run 1 "$C" log --type deposit
run 1 "$C" log --type note --state ZWE
check "a type unknown: nothing on stdout" test ! -s "$T/out"
run_out 0 'note' "$C" log --since 2004-03-01 --until 2004-03-11
run_err 3 'impossible date' "$C" log --since 2004-04-31
run_err 3 'not a State code' "$C" log --state lbr
ID=$(git log --format='%(trailers:key=Chancery-Id,valueonly)' --grep='Mission called' | head -n 1)
run_out 0 '^Event: note' "$C" show "$ID"
run_out 0 'Mission called' "$C" show "$(git log --format=%h --grep='Mission called')"
run_out 0 '"record"' "$C" show "$ID" --format json
run_err 3 "no event 'nothing-here'" "$C" show nothing-here
# an id prefix of several events is ambiguous, and they are named
N04=$(git log --format='%(trailers:key=Chancery-Id,valueonly)' | grep -c '^2004')
FIRST=$(git log --format='%(trailers:key=Chancery-Id,valueonly)' | grep '^2004' | head -n 1)
run_err 3 "^chancery: '2004' is ambiguous: $N04 events match \($FIRST, .*\)\$" "$C" show 2004
check "the ambiguity is one line" test "$(wc -l < "$T/err")" = 1
run_err 3 "no event '1999'" "$C" show 1999
run_out 0 'Recorded note' "$C" note --supersedes "$ID" --state LBR "Correction: the mission wrote, it did not call"
check "the correction names the event it supersedes" \
	sh -c "git log -1 --format='%(trailers:key=Chancery-Supersedes,valueonly)' | grep -qx '$ID'"
check "the corrected record is untouched" \
	sh -c "'$C' show '$ID' | grep -q 'Mission called'"
run_err 3 "--supersedes: no event 'nope'" "$C" note --supersedes nope "x"

# ---- a peer's forged commits: no control character reaches the terminal
# (made with plain git: ESC ]52 sets the clipboard, ESC [2J clears the
# screen, a CR rewrites the line shown)
no_ctl() {
	! tr -d '\n\t' < "$1" | LC_ALL=C grep -q '[[:cntrl:]]' &&
	! LC_ALL=C grep -qP '\xc2[\x80-\x9f]' "$1"
}
F="$T/forged"
run 0 "$C" --author "$AUTHOR" init --empty "$F"
ESC=$(printf '\033'); BEL=$(printf '\007'); CR=$(printf '\r'); CSI=$(printf '\302\233')
fid=20040312T090000Z-0badc0de
blob=$(printf 'Event: note\nId: %s\nState: LBR\n\n%s]52;c;SGVsbG8=%s%s[2Jwiped %s[31m\n' \
	"$fid" "$ESC" "$BEL" "$ESC" "$CSI" | git -C "$F" hash-object -w --stdin)
GIT_INDEX_FILE="$T/forged.idx" git -C "$F" read-tree HEAD
GIT_INDEX_FILE="$T/forged.idx" git -C "$F" update-index --add --cacheinfo "100644,$blob,events/2004/03/$fid.txt"
tree=$(GIT_INDEX_FILE="$T/forged.idx" git -C "$F" write-tree)
forge() { # MESSAGE: a commit of the peer on the branch
	c=$(printf '%s' "$1" | git -C "$F" -c user.name=Peer -c user.email=peer@example.org \
		commit-tree "$tree" -p "$(git -C "$F" rev-parse HEAD)") &&
	git -C "$F" update-ref refs/heads/main "$c"
}
forge "$(printf 'note LBR%sFAKE: every State ratified\n\nfine\n\nChancery-Event: note\nChancery-Id: %s\nChancery-State: LBR\n' "$CR" "$fid")"
forge "$(printf 'x\n\nChancery-Event: note\nChancery-State: %s]52;c;SGk=%s\nChancery-Treaty: %s[2J\nChancery-Campaign: a%sb\n' "$ESC" "$BEL" "$ESC" "$CR")"
forge "$(printf '%s[2Jplain %s]52;c;SGk=%s\n' "$ESC" "$ESC" "$BEL")"
run_out 0 'FAKE: every State ratified' "$C" -C "$F" log
check "log shows the CR as an escape" grep -qF 'note LBR\x0dFAKE' "$T/out"
check "log writes no control character" no_ctl "$T/out"
check "a commit holding control characters in its trailers is no event" \
	sh -c "! grep -q 'SGk=' '$T/out'"
run_out 0 'wiped' "$C" -C "$F" show "$fid"
check "show writes the record's ESC as an escape" grep -qF '\x1b]52;c;SGVsbG8=\x07\x1b[2Jwiped \u009b[31m' "$T/out"
check "show writes no control character" no_ctl "$T/out"
run 0 "$C" -C "$F" log --format json
check "log JSON writes no control character" no_ctl "$T/out"
check "log JSON keeps the data (the CR as JSON's escape)" \
	sh -c "python3 -c 'import json,sys; e=json.load(sys.stdin)[\"events\"]; assert any(\"\\r\" in x[\"subject\"] for x in e)' < '$T/out'"
run 0 "$C" -C "$F" show "$fid" --format json
check "show JSON writes no control character" no_ctl "$T/out"
run_out 1 'commit [0-9a-f]{12} records an event chancery would refuse: State: ' "$C" -C "$F" verify
check "verify goes on to the plain-git commit after it" grep -q 'records no event: made outside chancery' "$T/out"
check "verify writes no control character" sh -c "'$C' -C '$F' verify > '$T/v.out' 2> '$T/v.err'; true"
check "verify's output has none" no_ctl "$T/v.out"
check "verify's errors have none" no_ctl "$T/v.err"

# ---- -C from anywhere, and not-a-repository errors
cd "$T" || exit 1
run_out 0 'Liberia' "$C" -C "$R" states
run_err 3 'not in a chancery repository' "$C" -C "$T/emptydir/.." states
mkdir "$T/plain" && git -C "$T/plain" init -q && echo x > "$T/plain/x" &&
	git -C "$T/plain" add x && git -C "$T/plain" -c user.name=a -c user.email=a@b commit -qm x
run_err 3 "not chancery's" "$C" -C "$T/plain" states
run_err 3 'cannot enter' "$C" -C "$T/does-not-exist" states

# ---- import
cat > "$T/bad.csv" <<'EOF'
code,name,language
XKX,Kosovo,en
QQ1,Broken,en
XYZ,Nowhere,de
EOF
H=$(head_of)
run_err 3 "bad.csv:3:1: code: 'QQ1' is not a State code" "$C" -C "$R" import states "$T/bad.csv"
check "every problem is listed" grep -q "bad.csv:4:13: language: 'de'" "$T/err"
check "a bad import commits nothing" test "$(head_of)" = "$H"
run_err 2 "not states, treaties or participation" "$C" -C "$R" import people "$T/bad.csv"
run_err 3 "cannot read" "$C" -C "$R" import states "$T/none.csv"
printf 'code,name,language\nXKX,%s,en\n' "$(head -c 2000 /dev/zero | tr '\0' 'n')" > "$T/long.csv"
run_err 3 "long.csv:2:5: name: longer than 1024 bytes" "$C" -C "$R" import states "$T/long.csv"
printf 'code,name,language\nXKX,%s,en\n' "$(head -c 70000 /dev/zero | tr '\0' 'n')" > "$T/long.csv"
run_err 3 "long.csv:2:5: field longer than 65536 bytes" "$C" -C "$R" import states "$T/long.csv"
check "enormous values imported nothing" test "$(head_of)" = "$H"
printf 'code,name,language\nXKX,"=HYPERLINK(""http://x"")",en\n' > "$T/good.csv"
run_out 0 'Imported 1 row into the states registry' "$C" -C "$R" import states "$T/good.csv"
run_err 0 'nothing new' "$C" -C "$R" import states "$T/good.csv"
check "CSV output neutralises formulas" \
	sh -c "'$C' -C '$R' states --format csv | grep -q '^XKX,\"'\"'\"'=HYPERLINK'"
# the other formula starters, + - and @, are quoted and disarmed too
printf 'code,name,language\nXKA,+1+cmd|calc,en\nXKB,-2+3,en\nXKC,@SUM(A1),en\n' > "$T/f.csv"
run 0 "$C" -C "$R" import states "$T/f.csv"
"$C" -C "$R" states --format csv > "$T/states.csv"
for v in "XKA +1+cmd|calc" "XKB -2+3" "XKC @SUM(A1)"; do
	check "CSV output disarms '${v#* }'" grep -qF "${v% *},\"'${v#* }\"," "$T/states.csv"
done

# ---- a working tree edited by hand, a lock held by another process
H=$(head_of)
rec=$(git -C "$R" ls-files 'events/*.txt' | head -n 1)
echo tampered >> "$R/$rec"
run_err 4 'changed by hand' "$C" -C "$R" note "refused"
check "nothing was recorded over a hand edit" test "$(head_of)" = "$H"
git -C "$R" checkout -q -- .
# another program's branch lock is never taken for a leftover, however new
# or old (a long git gc, push or rebase may hold it): wait, fail, leave it
# there. The holder is a process that stays alive, holding it, until the
# test releases it (through a FIFO): no timer of the test races the wait,
# so a slow machine (memcheck) cannot change the outcome
mkfifo "$T/release"
: > "$R/.git/refs/heads/main.lock"
( read -r _ < "$T/release"; rm -f "$R/.git/refs/heads/main.lock" ) </dev/null >/dev/null 2>&1 &
holder=$!
run_err 4 'locked by another process \(.*refs/heads/main\.lock\)' "$C" -C "$R" note "refused"
check "a live program's branch lock was left in place" test -f "$R/.git/refs/heads/main.lock"
check "its holder was still holding it" kill -0 "$holder"
kill -0 "$holder" 2>/dev/null && echo release > "$T/release"
wait "$holder"
check "the holder let it go" test ! -e "$R/.git/refs/heads/main.lock"
check "nothing was recorded under a live program's lock" test "$(head_of)" = "$H"
touch -d '1 hour ago' "$R/.git/refs/heads/main.lock"
run_err 4 'locked by another process \(.*refs/heads/main\.lock\)' "$C" -C "$R" note "refused"
check "another program's old branch lock was left in place" test -f "$R/.git/refs/heads/main.lock"
rm -f "$R/.git/refs/heads/main.lock"
check "nothing was recorded under a foreign lock" test "$(head_of)" = "$H"
# a chancery writer that died holding Git's branch or index lock says so in
# its mark: that leftover, and only it, is removed
printf 'publishing 999999999 refs/heads/main.lock\n' > "$R/.git/chancery.lock"
touch "$R/.git/refs/heads/main.lock"
run_out 0 'Recorded note' "$C" -C "$R" note "after a dead writer"
check "a dead writer's branch lock was cleared" test ! -e "$R/.git/refs/heads/main.lock"
check "the lock's mark is empty again" test ! -s "$R/.git/chancery.lock"
printf 'publishing 999999999 index.lock\n' > "$R/.git/chancery.lock"
touch "$R/.git/index.lock"
run_out 0 'Recorded note' "$C" -C "$R" note "after a writer that died checking out"
check "a dead writer's index lock was cleared" test ! -e "$R/.git/index.lock"
# one that died before taking any: a branch lock there now is another
# program's, and no mark names a file outside the expected ones
H=$(head_of)
printf 'publishing 999999999\n' > "$R/.git/chancery.lock"
touch "$R/.git/refs/heads/main.lock"
run_err 4 'locked by another process' "$C" -C "$R" note "refused"
check "a branch lock the mark does not name was left in place" test -f "$R/.git/refs/heads/main.lock"
rm -f "$R/.git/refs/heads/main.lock"
printf 'kept\n' > "$R/keep.txt"
printf 'publishing 999999999 ../keep.txt\n' > "$R/.git/chancery.lock"
run_out 0 'Recorded note' "$C" -C "$R" note "after a forged mark"
check "a mark naming another file removes nothing" test -f "$R/keep.txt"
rm -f "$R/keep.txt"
# marks shorter than a "publishing PID FILE" line (a dead writer's
# "behind 1", a torn write) name nothing and are read no further than
# they go (memcheck caught the scan past the end of "behind 1")
for mark in 'behind 1' 'publ' 'publishing ' 'publishing 1'; do
	printf '%s\n' "$mark" > "$R/.git/chancery.lock"
	run_out 0 'Recorded note' "$C" -C "$R" note "after the mark '$mark'"
done
check "the short marks removed nothing" test -f "$R/.git/chancery.lock"
H=$(head_of)
# the repository lock is a regular file of its own, never followed
printf 'precious\n' > "$T/precious"
rm -f "$R/.git/chancery.lock"
ln -s "$T/precious" "$R/.git/chancery.lock"
run_err 4 "chancery.lock' is not a regular file \(a symbolic link\)" "$C" -C "$R" note "refused"
check "the lock's symlink target was not truncated" test "$(cat "$T/precious")" = precious
rm -f "$R/.git/chancery.lock"
ln -s "$T/nowhere" "$R/.git/chancery.lock"
run_err 4 "chancery.lock' is not a regular file" "$C" -C "$R" note "refused"
check "a dangling lock symlink created nothing" test ! -e "$T/nowhere"
rm -f "$R/.git/chancery.lock"
ln "$T/precious" "$R/.git/chancery.lock"
run_err 4 "chancery.lock' is not a regular file \(a hard link" "$C" -C "$R" note "refused"
check "the lock's hard-linked file was not truncated" test "$(cat "$T/precious")" = precious
rm -f "$R/.git/chancery.lock"
mkfifo "$R/.git/chancery.lock"
run_err 4 "chancery.lock' is not a regular file \(a FIFO" "$C" -C "$R" note "refused"
rm -f "$R/.git/chancery.lock"
mkdir "$R/.git/chancery.lock"
run_err 4 "chancery.lock' is not a regular file \(a folder\)" "$C" -C "$R" note "refused"
rmdir "$R/.git/chancery.lock"
check "nothing was recorded over a strange lock file" test "$(head_of)" = "$H"

# ---- sync through a bare remote, and a conflict
git init -q --bare "$T/hub.git" && git --git-dir="$T/hub.git" symbolic-ref HEAD refs/heads/main
run_out 0 'Synced' "$C" -C "$R" sync "$T/hub.git"
git clone -q "$T/hub.git" "$T/clone"
"$C" -C "$T/clone" --author "$AUTHOR" note --state LBR "from the clone" >/dev/null
"$C" -C "$R" note --state CHE "from the first office" >/dev/null
run_out 0 'Synced: 0 commits in, 1 out' "$C" -C "$T/clone" --author "$AUTHOR" sync
run_out 0 'Synced: 1 commit in \(merged\), 2 out' "$C" -C "$R" sync "$T/hub.git"
run_out 0 'fast-forward' "$C" -C "$T/clone" --author "$AUTHOR" sync
check "both offices hold the same history" \
	test "$(git -C "$R" rev-parse HEAD)" = "$(git -C "$T/clone" rev-parse HEAD)"
printf 'code,name,language\nFRA,France (A),fr\n' > "$T/a.csv"
printf 'code,name,language\nFRA,France (B),fr\n' > "$T/b.csv"
"$C" -C "$R" import states "$T/a.csv" >/dev/null
"$C" -C "$T/clone" --author "$AUTHOR" import states "$T/b.csv" >/dev/null
"$C" -C "$R" sync "$T/hub.git" >/dev/null
run_err 4 'conflicts in 1 path' "$C" -C "$T/clone" --author "$AUTHOR" sync
check "the conflicting path is named" grep -q '^conflict: registry/states.tsv' "$T/err"
run_err 3 "no remote 'nowhere'" "$C" -C "$R" sync nowhere
git init -q --bare "$T/hub2.git" && git --git-dir="$T/hub2.git" symbolic-ref HEAD refs/heads/main
run_out 0 'Synced: 0 commits in, [0-9]+ out' "$C" -C "$R" sync "file://$T/hub2.git"
check "a file:// remote got the branch" \
	test "$(git --git-dir="$T/hub2.git" rev-parse main)" = "$(git -C "$R" rev-parse HEAD)"
# sync never removes another program's ref lock, however old: the fetch's
# tracking ref and a folder remote's branch; a dead chancery fetcher's or
# pusher's leftover (its mark says so) is removed
"$C" -C "$R" note "to push" >/dev/null
touch -d '1 hour ago' "$R/.git/refs/chancery/fetched/main.lock"
run_err 4 'locked by another process \(.*refs/chancery/fetched/main\.lock\)' "$C" -C "$R" sync "$T/hub2.git"
check "another program's tracking ref lock was left in place" test -f "$R/.git/refs/chancery/fetched/main.lock"
printf 'publishing 999999999 refs/chancery/fetched/main.lock\n' > "$R/.git/chancery-fetch.lock"
run_out 0 'Synced' "$C" -C "$R" sync --no-push "$T/hub2.git"
check "a dead fetcher's tracking ref lock was cleared" test ! -e "$R/.git/refs/chancery/fetched/main.lock"
touch -d '1 hour ago' "$T/hub2.git/refs/heads/main.lock"
run_err 4 'locked by another process \(.*hub2\.git/refs/heads/main\.lock\)' "$C" -C "$R" sync "$T/hub2.git"
check "another program's branch lock in the remote was left in place" test -f "$T/hub2.git/refs/heads/main.lock"
printf 'publishing 999999999 refs/heads/main.lock\n' > "$T/hub2.git/chancery.lock"
run_out 0 'Synced: 0 commits in, 1 out' "$C" -C "$R" sync "$T/hub2.git"
check "a dead pusher's branch lock in the remote was cleared" test ! -e "$T/hub2.git/refs/heads/main.lock"
check "the remote got the branch after all" \
	test "$(git --git-dir="$T/hub2.git" rev-parse main)" = "$(git -C "$R" rev-parse HEAD)"
# another pusher holding the folder remote's lock longer than any fixed
# bound (a slow push): waited for, not refused
"$C" -C "$R" note "pushed after a wait" >/dev/null
flock "$T/hub2.git/chancery.lock" sleep 7 &
holder=$!
sleep 1
run_out 0 'Synced: 0 commits in, 1 out' "$C" -C "$R" sync "$T/hub2.git"
wait $holder
check "the remote got the branch after the wait" \
	test "$(git --git-dir="$T/hub2.git" rev-parse main)" = "$(git -C "$R" rev-parse HEAD)"
# refs deleted in the remote while a fetch lists them, by another program
# (git): the fetch lists again, never fails on a ref gone. libgit2 1.5
# leaks what it had listed then; under ASan these syncs ask for whole
# stacks, which tests/lsan.supp names (the fast unwinder's stop in libgit2)
tip=$(git --git-dir="$T/hub2.git" rev-parse main)
( while :; do
	seq 50 | sed "s|.*|create refs/chancery/incoming/x& $tip|" |
		git --git-dir="$T/hub2.git" update-ref --stdin
	seq 50 | sed 's|.*|delete refs/chancery/incoming/x&|' |
		git --git-dir="$T/hub2.git" update-ref --stdin
done ) 2>/dev/null &
churn=$!
vanished=0
for i in $(seq 15); do
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
	"$C" -C "$R" sync --no-push "$T/hub2.git" >/dev/null 2>"$T/churn.err" ||
		{ vanished=$((vanished + 1)); cat "$T/churn.err"; }
done
kill $churn; wait $churn 2>/dev/null
check "15 fetches while the remote's refs come and go all succeed" test $vanished -eq 0
# a fetch from a folder waits for a pusher there (the holder of its lock,
# whose side ref would come and go under the fetch's listing): a branch
# the holder moves before it lets go is the one fetched
git clone -q "$T/hub2.git" "$T/ahead"
"$C" -C "$T/ahead" --author "$AUTHOR" note "pushed under the lock" >/dev/null
flock "$T/hub2.git/chancery.lock" sh -c "sleep 3; git -C '$T/ahead' push -q '$T/hub2.git' HEAD:main" &
holder=$!
sleep 1
run_out 0 'Synced: 1 commit in \(fast-forward\), 0 out' "$C" -C "$R" sync --no-push "$T/hub2.git"
wait $holder

# ---- a registry edited by hand into nonsense
cp -r "$R" "$T/broken"
sed -i 's/^DEU\t/DEU!\t/' "$T/broken/registry/states.tsv"
git -C "$T/broken" -c user.name=x -c user.email=x@y commit -qam "hand edit"
run_err 3 "malformed registry: registry/states.tsv:[0-9]+:1: code: 'DEU!' is not a State code" \
	"$C" -C "$T/broken" states

check "every repository passes git fsck --strict" \
	sh -c "git -C '$R' fsck --strict && git -C '$T/clone' fsck --strict && git --git-dir='$T/hub.git' fsck --strict"

finish
