#!/bin/sh
# test_corrections.sh - records put right without rewriting the past: a
# reply recorded wrongly corrected (reply --corrects), a reply, a note and a
# deposit voided (void), the correction notification of a voided deposit,
# the refusals, plain git log showing original and correction, verify after.
. "$(dirname "$0")/lib.sh"

R=$T/repo
new_office "$R"
printf 'state\nLBR\nMEX\nFRA\n' > "$T/recipients.tsv"
run 0 "$C" campaign open c --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004 \
	--recipients "$T/recipients.tsv"
run 0 "$C" letters generate c
CHANCERY_NOW=2004-03-15T10:00:00Z run 0 "$C" send c --date 2004-03-15
# the id of the event the last commit recorded, read with plain git
last_id() { git log -1 --format='%(trailers:key=Chancery-Id,valueonly)'; }
intentions() { # STATE: its intentions in status, "action treaty" joined by ','
	"$C" status c --as-of 2004-09-10 --format json | python3 -c "
import json, sys; d = json.load(sys.stdin)
s = [x for x in d['states'] if x['code'] == '$1'][0]
print(','.join(i['action'] + ' ' + i['treaty'] for i in s['intentions']) or '-')"
}

# ---- the issue's case: a reply recorded wrongly ------------------------------
export CHANCERY_NOW=2004-08-21T10:00:00Z
run 0 "$C" reply c LBR --received 2004-08-20 --intends ratify:IV-4
WRONG=$(last_id)
check "the wrong reply is in status" test "$(intentions LBR)" = "ratify IV-4"
run_out 0 '1 acknowledgment' "$C" remind c --as-of 2004-08-21
# a note --supersedes does not change what the reply says (it is a note)
run 0 "$C" note "LBR meant the Rome Statute" --state LBR --campaign c --supersedes "$WRONG"
check "note --supersedes changes nothing in status" test "$(intentions LBR)" = "ratify IV-4"
run_err 2 "--reason" "$C" reply c LBR --received 2004-08-20 --intends ratify:XVIII-10 \
	--corrects "$WRONG"
run_out 0 "Recorded the reply of LBR, correcting $WRONG" "$C" reply c LBR --received 2004-08-20 \
	--intends ratify:XVIII-10 --corrects "$WRONG" --reason "misread the note verbale"
FIXED=$(last_id)
check "status uses the correction" test "$(intentions LBR)" = "ratify XVIII-10"
# the correction is acknowledged on its own, with what it says
export CHANCERY_NOW=2004-08-22T10:00:00Z
run_out 0 'Generated 0 reminders and 1 acknowledgment' "$C" remind c --as-of 2004-08-22
check "the acknowledgment of the correction names XVIII-10" sh -c \
	"unzip -p campaigns/c/acknowledgments/LBR-2004-08-22.odt content.xml | grep -q XVIII-10"
run_out 0 'nothing is due' "$C" remind c --as-of 2004-08-22
check "the original stays in history" sh -c "git log --format=%s | grep -q '^reply c LBR: received 2004-08-20\$'"
# plain git log shows the original and the correction, naming who and why
git log -2 --format='%an|%(trailers:key=Chancery-Corrects,valueonly,separator=)|%(trailers:key=Chancery-Reason,valueonly,separator=)' \
	> "$T/log" 2>&1
check "git log: the correction names the original and the reason" \
	grep -qx "Treaty Section|$WRONG|misread the note verbale" "$T/log"
run_err 3 "reply $WRONG is corrected already \\(by $FIXED\\)" "$C" reply c LBR --received 2004-08-20 \
	--intends ratify:XVIII-10 --corrects "$WRONG" --reason again
run_err 3 "not of MEX in 'c'" "$C" reply c MEX --received 2004-08-20 --none \
	--corrects "$FIXED" --reason "wrong State"
NOTE=$(git log -1 --format='%(trailers:key=Chancery-Id,valueonly)' --grep='^note ')
run_err 3 "is a note, not a reply" "$C" reply c LBR --received 2004-08-20 --none \
	--corrects "$NOTE" --reason "not a reply"
run_err 3 "no event 'nosuchevent'" "$C" reply c LBR --received 2004-08-20 --none \
	--corrects nosuchevent --reason x

# ---- void a reply, a note -----------------------------------------------------
run 0 "$C" reply c MEX --received 2004-08-20 --intends ratify:XVIII-10
MEXR=$(last_id)
check "MEX's reply counts" test "$(intentions MEX)" = "ratify XVIII-10"
run_err 2 "--reason is required" "$C" void "$MEXR"
run_out 0 "Voided reply $MEXR" "$C" void "$MEXR" --reason "the reply was FRA's, filed under MEX"
VOID=$(last_id)
check "a voided reply is as if never received" test "$(intentions MEX)" = "-"
"$C" status c --as-of 2004-09-10 --format json > "$T/st.json"
check "status: MEX has no reply" python3 -c "
import json; d = json.load(open('$T/st.json'))
s = {x['code']: x for x in d['states']}
assert s['MEX']['reply'] is None, s['MEX']
assert s['LBR']['reply']['received'] == '2004-08-20'"
git log -1 --format='%(trailers:key=Chancery-Event,valueonly,separator=)|%(trailers:key=Chancery-Voids,valueonly,separator=)|%(trailers:key=Chancery-Reason,valueonly,separator=)' > "$T/log"
check "git log: the void names what and why" \
	grep -qx "void|$MEXR|the reply was FRA's, filed under MEX" "$T/log"
run_err 3 "reply $MEXR is voided already \\(by $VOID\\)" "$C" void "$MEXR" --reason again
run_err 3 "is a void: a void is not voided" "$C" void "$VOID" --reason again
run_err 3 "reply $MEXR is voided already" "$C" reply c MEX --received 2004-08-20 --none \
	--corrects "$MEXR" --reason x
run_err 3 "reply $WRONG is corrected already \\(by $FIXED\\): void the correction instead" \
	"$C" void "$WRONG" --reason x
run_err 3 "is a send: only a reply, a note or a deposit is voided" \
	"$C" void "$(git log -1 --format=%H --grep='^send c')" --reason x
run_err 3 "no event 'nosuchevent'" "$C" void nosuchevent --reason x
run_out 0 "Voided note $NOTE" "$C" void "$NOTE" --reason "meant for another file"
run_out 0 "voided by" "$C" history LBR
check "history marks the voided note" sh -c "'$C' history LBR | grep -q 'voided by $(last_id)'"
check "history marks the corrected reply" sh -c "'$C' history LBR | grep -q 'corrected by $FIXED: misread the note verbale'"
run_out 0 "voided by $VOID: the reply was FRA's, filed under MEX" "$C" show "$MEXR"
run_out 0 "\"voided_by\": \"$VOID\"" "$C" show "$MEXR" --format json

# ---- void a deposit: the correction notification ------------------------------
export CHANCERY_NOW=2004-09-22T15:00:00Z
printf '%%PDF-1.4\n1 0 obj <<>> endobj\n%%%%EOF\n' > "$T/inst.pdf"
run_out 0 'C.N.1.2004' "$C" deposit LBR XVIII-10 ratification --date 2004-09-22 --instrument "$T/inst.pdf"
DEP=$(last_id)
run_out 0 'XVIII-10 .*party' "$C" participation LBR --as-of 2004-09-30
run_out 0 'LBR' "$C" parties XVIII-10
export CHANCERY_NOW=2004-09-23T10:00:00Z
run_out 0 "Voided deposit $DEP \\(C.N.1.2004.TREATIES-XVIII.10 issued in error\\): correction notification C.N.2.2004.TREATIES-XVIII.10, notifications/2004/0002.odt" \
	"$C" void "$DEP" --reason "the instrument was Liberia's signature, not a ratification"
run_out 0 'XVIII-10 .*(not a party|none|-)' "$C" participation LBR --as-of 2004-09-30
check "the voided deposit is in no as-of view" sh -c "! '$C' participation LBR --as-of 2004-09-22 | grep -q 'XVIII-10 .*party'"
check "no longer a party" sh -c "'$C' parties XVIII-10 | grep -q 'LBR .*signatory'"
check "the entry and its notification stay" test -f archive/LBR/XVIII-10/2004-09-22-ratification.txt -a \
	-f notifications/2004/0001.odt -a -f archive/LBR/XVIII-10/2004-09-22-ratification.void
unzip -p notifications/2004/0002.odt content.xml > "$T/cn2.xml"
check "the correction notification names itself" grep -q 'C.N.2.2004.TREATIES-XVIII.10' "$T/cn2.xml"
check "and says the earlier one was issued in error" grep -q \
	'Depositary notification C.N.1.2004.TREATIES-XVIII.10, concerning the ratification by Liberia of the above treaty on 22 September 2004, was issued in error' "$T/cn2.xml"
check "with the reason" grep -q "Reason: the instrument was Liberia&apos;s signature\|Reason: the instrument was Liberia's signature" "$T/cn2.xml"
run_err 3 "deposit $DEP is voided already" "$C" void "$DEP" --reason again
run_out 0 '[0-9]+ events' "$C" verify
check "git fsck" git fsck --no-progress
finish
