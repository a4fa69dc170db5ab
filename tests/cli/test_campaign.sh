#!/bin/sh
# test_campaign.sh - the walkthrough of shared/WALKTHROUGH.md, end to end
# through the tool: a campaign opened with the real 2004 dates, 192 letters
# in their languages (LibreOffice opens them), dispatch, replies on time and
# late, refused intentions, reminders, status at several dates (JSON, HTML),
# letters verify, git fsck and plain git log over the whole history.
. "$(dirname "$0")/lib.sh"

R=$T/focus2004
new_office "$R"
run_out 0 'Opened campaign focus2004' "$C" campaign open focus2004 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --title "Focus 2004: Treaties on the Protection of Civilians"
run_err 3 "open already" "$C" campaign open focus2004 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004
run_err 3 "deadline is before the letter date" "$C" campaign open other --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-03-01 --event 2004-09-21..2004-09-24 --featured focus2004
printf '<workflow xmlns="urn:chancery:workflow:1" name="x"><state name="a"/></workflow>' > "$T/bad.xml"
run_err 3 "bad.xml:1: no initial state" "$C" campaign open other --workflow "$T/bad.xml" \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004
run_out 0 '192 letters checked, no problem' "$C" letters generate focus2004 --dry-run
run_out 0 'Generated 192 letters \(192 new or changed\)' "$C" letters generate focus2004
run_out 0 '192 letters up to date: nothing recorded' "$C" letters generate focus2004
run_out 0 'are what their inputs give' "$C" letters verify focus2004
run_out 0 '"action":"ratify"' "$C" letters data focus2004 LBR
run_out 0 'Recorded the dispatch of 192 letters' "$C" send focus2004 --date 2004-03-12
# what follows is recorded on 22 September: no reply or reminder is dated
# after the day it is recorded
export CHANCERY_NOW=2004-09-22T09:00:00Z
run_out 0 'Recorded the reply of LBR$' "$C" reply focus2004 LBR --received 2004-08-20 \
	--intends ratify:XVIII-10 --intends sign:IV-11-b --note "Note verbale of 19 August"
run_out 0 'late' "$C" reply focus2004 CHE --received 2004-09-10 --intends ratify:XVIII-12
run_err 3 "LBR never signed IV-13; sign it first, or accede" "$C" reply focus2004 LBR \
	--received 2004-08-20 --intends ratify:IV-13
run_err 3 "closed for signature on 2002-12-12" "$C" reply focus2004 LBR --received 2004-08-20 \
	--intends sign:XVIII-12
run_err 3 "FRA is already a party to IV-4" "$C" reply focus2004 FRA --received 2004-08-20 --intends sign:IV-4
run_err 3 "'ratify XVIII-10': expected ACTION:TREATY" "$C" reply focus2004 FRA --received 2004-08-20 --intends 'ratify XVIII-10'
run_err 3 "'sign': expected ACTION:TREATY" "$C" reply focus2004 FRA --received 2004-08-20 --withdraw sign
run_err 3 "no campaign 'nope'" "$C" reply nope LBR --received 2004-08-20 --none
run_err 2 "--received is required" "$C" reply focus2004 LBR --none
# on 18 August no reply has come in yet: everyone is reminded
run_out 0 'Generated 192 reminders and 0 acknowledgments' "$C" remind focus2004 --as-of 2004-08-18
run_out 0 'nothing is due' "$C" remind focus2004 --as-of 2004-08-18
# by 15 September both replies are in: they are acknowledged
run_out 0 'Generated 0 reminders and 2 acknowledgments' "$C" remind focus2004 --as-of 2004-09-15
run_out 0 '192 recipients, 192 sent, 1 replied \(1 on time, 0 late\), 192 reminded' \
	"$C" status focus2004 --as-of 2004-09-01
"$C" status focus2004 --as-of 2004-09-22 --format json > "$T/st.json"
check "status JSON, field by field" python3 -c "
import json; d=json.load(open('$T/st.json'))
s={x['code']: x for x in d['states']}
assert d['version']==1 and d['as_of']=='2004-09-22'
assert s['LBR']['workflow_state']=='replied-on-time', s['LBR']
assert s['LBR']['reply']=={'received':'2004-08-20','on_time':True}
assert s['LBR']['intentions']==[{'treaty':'XVIII-10','action':'ratify','done':None},{'treaty':'IV-11-b','action':'sign','done':None}]
assert s['CHE']['workflow_state']=='replied-late' and s['CHE']['reply']['on_time'] is False
assert s['FRA']['workflow_state']=='overdue' and s['FRA']['reminders']==['2004-08-18']
assert s['FRA']['letter']=={'reference':'FOCUS2004/FRA/1','language':'fr'}
assert d['totals']['late']==1 and d['totals']['on_time']==1 and d['totals']['reminded']==192
"
# as recorded before CHE's letter was entered: LBR only
AT=$(git log --format=%H --grep='^reply focus2004 LBR' | head -n 1)
run_out 0 '1 replied \(1 on time, 0 late\)' "$C" status focus2004 --at "$AT"
run_out 0 '"at"' "$C" status focus2004 --at "$AT" --format json
run_err 3 "no commit 'nosuchcommit'" "$C" status focus2004 --at nosuchcommit
run_err 2 "--as-of or --at" "$C" status focus2004 --at HEAD --as-of 2004-09-01
run 0 "$C" status focus2004 --as-of 2004-09-22 --format html -o "$T/status.html"
check "the HTML page holds the chart and a row per State" \
	sh -c "grep -q '<svg' '$T/status.html' && test \$(grep -c '<tr><td>' '$T/status.html') = 192"
check "the HTML page needs nothing from outside" sh -c "! grep -q 'src=\|href=\|<script' '$T/status.html'"
# a second campaign: two recipients, an English template of its own
printf 'state\nLBR\nFRA\n' > "$T/recipients.tsv"
python3 "$SRC/tests/fixtures/one_paragraph_odt.py" "$T/pilot-en.odt" \
	'PILOT {{state.name}} {{letter.reference}}: {{#treaties}}{{action_code}} {{id}}; {{/treaties}}'
run_out 0 'Opened campaign pilot' "$C" campaign open pilot --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --recipients "$T/recipients.tsv" --template "en=$T/pilot-en.odt"
run_out 0 'Generated 2 letters' "$C" letters generate pilot
check "the campaign's own template was used" \
	sh -c "unzip -p campaigns/pilot/letters/LBR.odt content.xml | grep -q 'PILOT Liberia PILOT/LBR/1: ratify IV-3;'"
check "the shipped French template for France" \
	sh -c "unzip -p campaigns/pilot/letters/FRA.odt content.xml | grep -q 'inviter la France'"
printf 'state\nQQQ\n' > "$T/bad-recipients.tsv"
run_err 3 "unknown State 'QQQ'" "$C" campaign open pilot2 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --recipients "$T/bad-recipients.tsv"
run_err 3 "not a zip package" "$C" campaign open pilot2 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --template "fr=$T/recipients.tsv"
run_err 3 "not a zip package" "$C" campaign open pilot2 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --template "reminder-es=$T/recipients.tsv"
run_err 3 "expected LANG=FILE or KIND-LANG=FILE" "$C" campaign open pilot2 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --template "$T/pilot-en.odt"
run_out 0 '"type": "reply"' "$C" log --state LBR --format json
run 0 "$C" log --campaign focus2004
check "git fsck --strict" git fsck --strict
check "plain git reads the replies" sh -c "git log --format='%(trailers:key=Chancery-Intends,valueonly)' | grep -qx 'ratify XVIII-10'"
if command -v soffice >/dev/null 2>&1; then
	mkdir -p "$T/txt"
	soffice -env:UserInstallation=file://$T/lo --headless --norestore --convert-to txt:Text \
		--outdir "$T/txt" campaigns/focus2004/letters/LBR.odt campaigns/focus2004/letters/FRA.odt \
		campaigns/focus2004/letters/ARG.odt campaigns/focus2004/reminders/FRA-2004-08-18.odt \
		campaigns/focus2004/acknowledgments/LBR-2004-08-20.odt >/dev/null 2>&1
	check "LibreOffice opens the English letter" grep -q "invite the Republic of Liberia" "$T/txt/LBR.txt"
	check "... the French one" grep -q "d’inviter la France" "$T/txt/FRA.txt"
	check "... the Spanish one" grep -q "del 21 al 24 de septiembre de 2004" "$T/txt/ARG.txt"
	check "... the reminder" grep -q "ma lettre du 12 mars 2004" "$T/txt/FRA-2004-08-18.txt"
	check "... the acknowledgment" grep -q "received on 20 August 2004" "$T/txt/LBR-2004-08-20.txt"
	run_out 0 'PDFs in' "$C" letters generate focus2004 --state FRA --pdf
	check "a PDF of the letter" sh -c "head -c 5 campaigns/focus2004/pdf/FRA.pdf | grep -q '%PDF-'"
	check "PDFs stay out of history" test -z "$(git status --porcelain)"
	check "the English letter asks LBR to ratify the Rome Statute" \
		sh -c "grep -A2 '^Rome Statute of the International Criminal Court (Rome Statute)' '$T/txt/LBR.txt' | grep -qx ratify"
else
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	FAIL=$((FAIL + 1))
fi
# letters generate --pdf through the same runner, with a stand-in soffice:
# the letters are handed to it from a temporary folder that is removed
# afterwards, whatever happens; a hung converter is stopped
mkdir -p "$T/fake"
cat > "$T/fake/soffice" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$T/fake/args"
printf '%%PDF-fake' > "$R/campaigns/focus2004/pdf/LBR.pdf"
EOF
chmod +x "$T/fake/soffice"
run_out 0 "PDFs in .*campaigns/focus2004/pdf" env PATH="$T/fake:$PATH" "$C" letters generate focus2004 --state LBR --pdf
check "soffice gets the letter, from a temporary folder" grep -q '^/tmp/chancery-pdf-.*/LBR.odt$' "$T/fake/args"
check "and only that one" test "$(grep -c '\.odt$' "$T/fake/args")" = 1
check "the PDFs go to campaigns/ID/pdf" grep -q "campaigns/focus2004/pdf$" "$T/fake/args"
check "the temporary folder is gone" test ! -e "$(dirname "$(grep '/LBR.odt$' "$T/fake/args")")"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" > "%s"\nsleep 600\n' "$T/fake/args" > "$T/fake/soffice"
run_err 5 "soffice did not finish within 2 s" env CHANCERY_SOFFICE_TIMEOUT=2 PATH="$T/fake:$PATH" \
	"$C" letters generate focus2004 --state FRA --pdf
check "the temporary folder is gone after a timeout" test ! -e "$(dirname "$(grep '/FRA.odt$' "$T/fake/args")")"
finish
