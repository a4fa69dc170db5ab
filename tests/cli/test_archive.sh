#!/bin/sh
# test_archive.sh - the event replayed: the Focus 2004 campaign, then
# dozens of treaty actions over the four days by many States (Liberia alone
# more than fifteen in one afternoon), signatures and instruments mixed, two
# depositors at once in one repository and two clones numbering through a
# shared remote; then status (the event in numbers), history, verify, bags
# checked by an independent reading of RFC 8493, and every way of altering
# the archive caught by verify.
. "$(dirname "$0")/lib.sh"

R=$T/repo
new_office "$R"
run 0 "$C" campaign open focus2004 --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004
run 0 "$C" letters generate focus2004
CHANCERY_NOW=2004-03-15T10:00:00Z run 0 "$C" send focus2004 --date 2004-03-15
# the replies, as the office recorded them: what each State announced
# ("none": no action); the outcomes after the event are derived from this
# table and the plan below
cat > "$T/replies" <<'RE'
LBR ratify:XVIII-10 ratify:IV-4 sign:IV-13
MEX ratify:XVIII-10
USA none
DEU none
CHE ratify:XVIII-12
RE
while read -r code what; do
	if [ "$what" = none ]; then set -- --none; else
		set --; for i in $what; do set -- "$@" --intends "$i"; done; fi
	CHANCERY_NOW=2004-08-20T10:00:00Z run 0 "$C" reply focus2004 "$code" --received 2004-08-20 "$@"
done < "$T/replies"

# instruments: a PDF, a PNG; and broken ones
printf '%%PDF-1.4\n1 0 obj <<>> endobj\n%%%%EOF\n' > "$T/inst.pdf"
python3 -c "
import struct, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
open('$T/inst.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(b'\0\0')) + chunk(b'IEND', b''))"
head -c 20 "$T/inst.pdf" > "$T/cut.pdf"
: > "$T/empty.pdf"
printf 'just text\n' > "$T/text.txt"

# ---- refusals: a clear line, nothing written --------------------------------
export CHANCERY_NOW=2004-09-21T09:00:00Z
HEAD0=$(git rev-parse HEAD)
run_err 3 "FRA is already a party to IV-4" "$C" deposit FRA IV-4 ratification --date 2004-09-21 --instrument "$T/inst.pdf"
run_err 3 "LBR never signed IV-13" "$C" deposit LBR IV-13 ratification --date 2004-09-21 --instrument "$T/inst.pdf"
run_err 3 "closed for signature on 2000-12-31" "$C" deposit MMR XVIII-10 signature --date 2004-09-21 --signed-by head-of-state
run_err 3 "a signature needs --signed-by" "$C" deposit LBR IV-13 signature --date 2004-09-21
run_err 3 "full powers are for signatures" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/inst.pdf" --signed-by full-powers:X
run_err 3 "needs its file" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21
run_err 3 "no such file" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/none.pdf"
run_err 3 "is empty" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/empty.pdf"
run_err 3 "cut short" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/cut.pdf"
run_err 3 "not a PDF, PNG, JPEG, TIFF or ODT" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/text.txt"
run_err 3 "is in the future" "$C" deposit LBR XVIII-10 ratification --date 2004-09-30 --instrument "$T/inst.pdf"
run_err 3 "not an action" "$C" deposit LBR XVIII-10 adhesion --date 2004-09-21 --instrument "$T/inst.pdf"
run_err 3 "unknown State 'XXX'" "$C" deposit XXX XVIII-10 accession --date 2004-09-21 --instrument "$T/inst.pdf"
run_err 3 "no campaign 'nope'" "$C" deposit LBR XVIII-10 ratification --date 2004-09-21 --instrument "$T/inst.pdf" --campaign nope
run_err 2 "--date is required" "$C" deposit LBR XVIII-10 ratification --instrument "$T/inst.pdf"
check "refusals wrote nothing" test "$(git rev-parse HEAD)" = "$HEAD0"
check "refusals left no archive" test ! -e archive

# ---- the plan: what each State does, from its invitation ------------------
# LBR does all 20 of its invitations on 22 September in the afternoon (and
# ratifies two of the treaties it signs); 29 other States one to three each.
python3 - "$C" > "$T/plan" <<'PY'
import json, subprocess, sys
C = sys.argv[1]
verb = {"sign": "signature", "ratify": "ratification", "accede": "accession",
        "sign_or_accede": "accession"}  # closed by the event: accede there
until = {t["id"]: t["signature_until"] for t in json.loads(subprocess.run(
    [C, "treaties", "--format", "json"], capture_output=True, text=True,
    check=True).stdout)["treaties"]}
def invites(code):
    # the letter's invitations (as of March); a treaty that closed for
    # signature since is acceded to in September
    d = json.loads(subprocess.run([C, "letters", "data", "focus2004", code],
                   capture_output=True, text=True, check=True).stdout)
    out = []
    for t in d["treaties"]:
        act = verb[t["action_code"]]
        if act == "signature" and until[t["id"]] and until[t["id"]] < "2004-09-21":
            act = "accession"
        out.append((t["id"], act))
    return out
days = ["2004-09-21", "2004-09-22", "2004-09-23", "2004-09-24"]
for tid, act in invites("LBR"):
    print("2004-09-22 LBR", tid, act)
    if act == "signature" and tid in ("IV-13", "IV-9"):
        print("2004-09-22 LBR", tid, "ratification")
others = ["AFG", "BEN", "BRA", "CAN", "CHL", "COL", "CRI", "ECU", "GAB", "GHA",
          "GTM", "HND", "JAM", "KEN", "LSO", "MLI", "MEX", "NER", "NGA", "PAN",
          "PRY", "PER", "SEN", "SLE", "TZA", "URY", "VEN", "ZMB", "NAM"]
for i, code in enumerate(others):
    inv = invites(code)
    for k, (tid, act) in enumerate(inv[: 1 + i % 3]):
        print(days[(i + k) % 4], code, tid, act)
PY
# the USA replied that it intends nothing, then signed IV-13 (issue 13)
echo "2004-09-23 USA IV-13 signature" >> "$T/plan"
N=$(wc -l < "$T/plan")
check "the plan has dozens of actions ($N)" test "$N" -ge 50
check "LBR alone more than fifteen" test "$(grep -c ' LBR ' "$T/plan")" -gt 15

# one deposit; the instrument kind alternates; signatures by full powers or
# the Foreign Minister
deposit() { # DAY STATE TREATY ACTION N
	case $4 in
	signature) if [ $(($5 % 2)) -eq 0 ]; then by=foreign-minister; else by=full-powers:$2/FP/$5; fi
		CHANCERY_NOW=${1}T16:00:00Z "$C" deposit "$2" "$3" signature --date "$1" \
			--signed-by "$by" --campaign focus2004 ;;
	*) if [ $(($5 % 2)) -eq 0 ]; then f=$T/inst.pdf; else f=$T/inst.png; fi
		CHANCERY_NOW=${1}T16:00:00Z "$C" deposit "$2" "$3" "$4" --date "$1" \
			--instrument "$f" --signed-by head-of-state --campaign focus2004 ;;
	esac
}
# two depositors at once: LBR's afternoon on one desk, everyone else on the
# other (each desk keeps its State's order: a signature before its ratification)
grep ' LBR ' "$T/plan" > "$T/desk1"
grep -v ' LBR ' "$T/plan" > "$T/desk2"
for desk in 1 2; do
	( i=0; while read -r day st tr act; do i=$((i + 1))
		deposit "$day" "$st" "$tr" "$act" "$i" > /dev/null 2>> "$T/desk$desk.err" ||
			echo "$day $st $tr $act" >> "$T/desk$desk.failed"
	done < "$T/desk$desk" ) &
done
wait
check "every deposit of both desks recorded" test ! -e "$T/desk1.failed" -a ! -e "$T/desk2.failed"
[ -e "$T/desk1.failed" ] && cat "$T/desk1.failed" "$T/desk1.err" | head -5
[ -e "$T/desk2.failed" ] && cat "$T/desk2.failed" "$T/desk2.err" | head -5
check "one notification per action" test "$(ls notifications/2004 | wc -l)" -eq "$N"
check "numbers 1..N without gaps or duplicates" test "$(ls notifications/2004 | sed 's/\.odt//' | sort -n | tr '\n' ' ')" = "$(seq -f '%04g' 1 "$N" | tr '\n' ' ')"
check "one archive entry per action" test "$(find archive -type f | wc -l)" -eq "$N"
check "git fsck --strict accepts the repository" git fsck --strict
check "deposits read with plain git" sh -c "git log --format='%(trailers:key=Chancery-Notification,valueonly)' | grep -c 'C.N.' | grep -qx $N"

# LibreOffice opens the notifications
NREF=$(sed -n 's/^Notification: //p' archive/LBR/XVIII-10/2004-09-22-ratification.txt)
NFILE=notifications/2004/$(printf '%04d' "$(echo "$NREF" | cut -d. -f3)").odt
check "the archive entry names the notification ($NREF)" test -f "$NFILE"
if command -v soffice >/dev/null 2>&1; then
	mkdir -p "$T/txt"
	soffice -env:UserInstallation=file://$T/lo --headless --norestore --convert-to txt:Text \
		--outdir "$T/txt" "$NFILE" notifications/2004/0001.odt >/dev/null 2>&1
	NTXT=$T/txt/$(basename "$NFILE" .odt).txt
	check "LibreOffice opens the notification: its reference" grep -q "^$NREF" "$NTXT"
	check "... the action" grep -q "LIBERIA: RATIFICATION" "$NTXT"
	check "... the entry into force" grep -q "will enter into force for Liberia on 1 December 2004" "$NTXT"
	check "... and the first of the year" grep -q "^C.N.1.2004.TREATIES-" "$T/txt/0001.txt"
else
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	FAIL=$((FAIL + 1))
fi

# participation sees the deposits at once
# without --as-of: as of today, by the clock (after the event)
CHANCERY_NOW=2004-09-25T09:00:00Z run_out 0 'XVIII-10 +Rome Statute +party +1998-07-17 +ratification +2004-09-22' "$C" participation LBR
run_out 0 'LBR +Liberia +party' "$C" parties XVIII-10 --as-of 2004-09-22
run_out 0 '^LBR,' "$C" parties XVIII-10 --as-of 2004-09-22 --format csv

# ---- the event in numbers ------------------------------------------------
"$C" status focus2004 --as-of 2004-10-01 --format json > "$T/st.json"
check "status: the event in numbers" python3 - "$T/st.json" "$T/plan" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
plan = [l.split() for l in open(sys.argv[2])]
e = d["event"]
assert e["actions"] == len(plan), (e["actions"], len(plan))
assert e["actions_by_day"] == dict(collections.Counter(p[0] for p in plan)), e["actions_by_day"]
assert e["actions_by_type"] == dict(collections.Counter(p[3] for p in plan)), e["actions_by_type"]
assert e["actions_by_state"] == dict(collections.Counter(p[1] for p in plan))
assert e["actions_by_state"]["LBR"] > 15
assert e["states"] == 31
rome = sum(1 for p in plan if p[2] == "XVIII-10" and p[3] != "signature")
assert e["parties"]["XVIII-10"]["after"] - e["parties"]["XVIII-10"]["before"] == rome
s = {x["code"]: x for x in d["states"]}
assert s["LBR"]["workflow_state"] == "acted-in-full", s["LBR"]["workflow_state"]
assert all(i["done"] == "2004-09-22" for i in s["LBR"]["intentions"]), s["LBR"]["intentions"]
assert len(s["LBR"]["actions"]) == e["actions_by_state"]["LBR"]
PY
check "status: after the event every State is in the final state its record calls for" \
	python3 - "$T/st.json" "$T/plan" "$T/replies" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
plan = [l.split() for l in open(sys.argv[2])]
replies = {l.split()[0]: [i for i in l.split()[1:] if i != "none"] for l in open(sys.argv[3])}
def outcome(code):
    acts = [(t, a) for _, c, t, a in plan if c == code]
    if code not in replies:
        return "acted-without-reply" if acts else "no-reply-no-action"
    ints = replies[code]
    if not ints:
        return "acted-after-none" if acts else "no-action-as-announced"
    done = sum(any(t == i.split(":")[1] and (a == "signature") == (i.split(":")[0] == "sign")
                   for t, a in acts) for i in ints)
    if done == len(ints):
        return "acted-in-full"
    if done:
        return "acted-in-part"
    return "acted-otherwise" if acts else "announced-no-action"
assert len(d["states"]) == 192
bad = [(x["code"], x["workflow_state"], outcome(x["code"])) for x in d["states"]
       if x["workflow_state"] != outcome(x["code"]) or not x["final"]]
assert not bad, bad
got = {x["code"]: x["workflow_state"] for x in d["states"]}
# the issue's cases: a "none" reply then a signature; no reply then a ratification
assert got["USA"] == "acted-after-none", got["USA"]
assert [c for _, c, t, a in plan if t == "XVIII-10" and a == "ratification" and c not in replies]
assert {got[c] for c in got} >= {"acted-in-full", "acted-after-none", "acted-without-reply",
    "no-action-as-announced", "announced-no-action", "no-reply-no-action"}, set(got.values())
PY
run_out 0 "^event 2004-09-21\\.\\.2004-09-24: $N actions by 31 States" "$C" status focus2004 --as-of 2004-10-01
run_out 0 "^  2004-09-22 +[0-9]+" "$C" status focus2004 --as-of 2004-10-01

# ---- status for people: names, intentions listed, one State, a filter -----
run_out 0 '^USA +United States of America +acted-after-none ' "$C" status focus2004 --as-of 2004-10-01
"$C" status focus2004 --as-of 2004-10-01 --format csv > "$T/st.csv"
check "status CSV: a name column, the intentions listed, every State" python3 - "$T/st.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert list(rows[0].keys()) == ["code", "name", "workflow_state", "sent", "received", "on_time",
                                "intentions", "reminders", "actions"], list(rows[0].keys())
r = {x["code"]: x for x in rows}
assert len(rows) == 192
assert r["LBR"]["name"] == "Liberia" and r["MEX"]["name"] == "Mexico"
assert r["LBR"]["intentions"] == "ratify:XVIII-10 ratify:IV-4 sign:IV-13", r["LBR"]
assert r["USA"]["intentions"] == "" and r["USA"]["workflow_state"] == "acted-after-none", r["USA"]
PY
run_out 0 '^story of USA \(United States of America\):' "$C" status focus2004 --as-of 2004-10-01 --state USA
check "status --state: one line, then the story to the outcome" sh -c "
	test \$(grep -c '^[A-Z][A-Z][A-Z]  ' '$T/out') -eq 1 &&
	grep -Eq '^  2004-08-20  reply: none +-> replied-on-time\$' '$T/out' &&
	grep -Eq '^  2004-09-23  deposit: signature IV-13 +-> acting\$' '$T/out' &&
	grep -Eq '^  2004-09-25  time +-> acted-after-none\$' '$T/out'"
run 0 "$C" status focus2004 --as-of 2004-10-01 --in acted-in-full --in acted-after-none --format json
check "status --in (twice): exactly the States in either state" python3 - "$T/out" "$T/st.json" <<'PY'
import json, sys
got = [x["code"] for x in json.load(open(sys.argv[1]))["states"]]
want = [x["code"] for x in json.load(open(sys.argv[2]))["states"]
        if x["workflow_state"] in ("acted-in-full", "acted-after-none")]
assert got == want and "USA" in got and "LBR" in got, (got, want)
PY
run_out 0 '^MEX,Mexico,' "$C" status focus2004 --as-of 2004-10-01 --state MEX --format csv
run_err 3 "--in 'bogus': not a state of workflow treaty-event \(its states: drafted," \
	"$C" status focus2004 --in bogus
run_err 3 "--state 'ZZZ': not a recipient of campaign focus2004" "$C" status focus2004 --state ZZZ
run_err 1 "no State of focus2004 is in" "$C" status focus2004 --as-of 2004-10-01 --in not-invited
# the page: names, the results of the event, scales that follow the data
run 0 "$C" status focus2004 --as-of 2004-10-01 --format html -o "$T/st.html"
check "the HTML page is well-formed (XML) and its HTML has no structural error" sh -c "
	xmllint --noout '$T/st.html' &&
	! xmllint --html --noout '$T/st.html' 2>&1 | grep 'error' | grep -v 'Tag [a-z]* invalid'"
check "the HTML page: names, results, data-driven scales" python3 - "$T/st.html" "$T/st.json" <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET
h = open(sys.argv[1]).read()
d = json.load(open(sys.argv[2]))
ns = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
root = ET.fromstring(h.split("\n", 1)[1])
# a row per State with its name
rows = root.findall(".//h:table[@class='states']/h:tr", ns)[1:]
assert len(rows) == 192
names = {r[0].text: r[1].text for r in rows}
assert names["USA"] == "United States of America" and names["LBR"] == "Liberia", names["USA"]
assert names["GBR"] == "United Kingdom of Great Britain and Northern Ireland"
# the results of the event, as the JSON has them
res = root.find(".//h:section[@id='results']", ns)
assert res is not None
e = d["event"]
def bars(cls):
    out = {}
    for tr in res.findall(".//h:table[@class='%s']/h:tr" % cls, ns):
        w = float(re.search(r"width:([0-9.]+)%", tr[2][0].get("style")).group(1))
        out[tr[0].text.split()[0]] = (int(tr[1].text), w)
    return out
for cls, key in (("by-day", "actions_by_day"), ("by-type", "actions_by_type"),
                 ("by-state", "actions_by_state")):
    b = bars(cls)
    assert {k: v[0] for k, v in b.items()} == e[key], (cls, b)
    top = max(v[0] for v in b.values())
    # the largest bar is the full width, the others in proportion
    assert all(abs(w - 100.0 * n / top) < 0.11 for n, w in b.values()), (cls, b)
    assert max(w for _, w in b.values()) == 100.0
lbr = [tr for tr in res.findall(".//h:table[@class='by-state']/h:tr", ns) if tr[0].text.startswith("LBR")]
assert lbr[0][0].text == "LBR Liberia", lbr[0][0].text
parties = {tr[0].text: [int(c.text) for c in tr[1:]]
           for tr in res.findall(".//h:table[@class='parties']/h:tr", ns)[1:]}
assert parties == {k: [v["before"], v["after"], v["after"] - v["before"]]
                   for k, v in e["parties"].items()}, parties
# replies over time: the line reaches the top of the chart at the most replies
svg = root.find(".//s:svg", ns)
pts = [tuple(map(float, p.split(","))) for p in svg.find("s:polyline", ns).get("points").split()]
ys = [y for _, y in pts]
axis = sorted(float(l.get("y1")) for l in svg.findall("s:line", ns) if l.get("stroke") == "#ddd")
replied = d["totals"]["replied"]
assert replied == 5, replied
assert min(ys) == axis[0] and max(ys) == axis[-1], (ys, axis)
labels = [t.text for t in svg.findall("s:text", ns)]
assert "0" in labels and str(replied) in labels, labels
# where the States stand: one bar per state any State is in
st = {tr[0].text.split()[0]: int(tr[1].text) for tr in root.findall(".//h:table[@class='standing']/h:tr", ns)}
assert st == d["totals"]["workflow_states"], (st, d["totals"]["workflow_states"])
PY

# ---- history ---------------------------------------------------------------
run 0 "$C" history LBR --format json
check "history LBR: letters, dispatch, reply, every deposit, in order" python3 -c "
import json; d=json.load(open('$T/out'))
types=[e['type'] for e in d['events']]
assert types[:3]==['letters','send','reply'], types[:3]
assert types.count('deposit')==$(grep -c ' LBR ' "$T/plan"), types
dates=[e['date'] for e in d['events']]
assert all(e['author'].startswith('Treaty Section') or e['author'].startswith('Test Recorder') for e in d['events'])
"
run_out 0 'deposit +[0-9a-zTZ-]+ +deposit LBR XVIII-10: Ratification' "$C" history XVIII-10
run_err 3 "neither a State nor a treaty" "$C" history QQQ

# ---- verify: the repository as recorded ---------------------------------------
run_out 0 'verified: .* nothing altered' "$C" verify
run_out 0 'nothing altered' "$C" verify --state LBR

# ---- bags -----------------------------------------------------------------------
B=$T/bags
mkdir -p "$B"
run_out 0 'Wrote bag' "$C" export bagit "$B/lbr" --state LBR --organization "Treaty Section"
check "LBR's bag is valid (RFC 8493, independent check)" python3 "$SRC/tests/cli/bagit_check.py" "$B/lbr"
check "... holds its letter, reply, instruments and notifications" sh -c "
	test -f '$B/lbr/data/campaigns/focus2004/letters/LBR.odt' &&
	test \$(find '$B/lbr/data/events' -name 'instrument.*' | wc -l) -ge 10 &&
	test \$(find '$B/lbr/data/notifications' -name '*.odt' | wc -l) -eq $(grep -c ' LBR ' "$T/plan") &&
	grep -q '^Payload-Oxum: ' '$B/lbr/bag-info.txt' &&
	grep -q \"^External-Identifier: git commit $(git rev-parse HEAD)\" '$B/lbr/bag-info.txt'"
check "... and none of another State's files" sh -c "! grep -q 'letters/FRA.odt' '$B/lbr/manifest-sha256.txt'"
run 0 "$C" export bagit "$B/camp" --campaign focus2004
check "the campaign's bag is valid" python3 "$SRC/tests/cli/bagit_check.py" "$B/camp"
run 0 "$C" export bagit "$B/rome" --treaty XVIII-10
check "the Rome Statute's bag is valid" python3 "$SRC/tests/cli/bagit_check.py" "$B/rome"
run 0 "$C" export bagit "$B/all"
check "the whole archive's bag is valid" python3 "$SRC/tests/cli/bagit_check.py" "$B/all"
cp "$B/lbr/bag-info.txt" "$T/bi" && echo "tampered" >> "$B/lbr/data/campaigns/focus2004/letters/LBR.odt"
check "the checker catches a bag altered afterwards" sh -c "! python3 '$SRC/tests/cli/bagit_check.py' '$B/lbr'"
run_err 3 "not an empty folder" "$C" export bagit "$B/all"
run_err 2 "one of them" "$C" export bagit "$B/x" --state LBR --treaty IV-4
check "a refused export leaves nothing" test ! -e "$B/x"

# ---- every way of altering the archive is caught ---------------------------------
INST=$(find events -path '*/instrument.pdf' | head -n 1)
REC=$(git log --format='%(trailers:key=Chancery-Archive,valueonly)' -1 | head -n 1)
REC=events/$(git log -1 --format='%(trailers:key=Chancery-Id,valueonly)' | head -n 1 | sed 's/^\(....\)\(..\).*/\1\/\2/')/$(git log -1 --format='%(trailers:key=Chancery-Id,valueonly)' | head -n 1).txt
check "the record of the last deposit is at $REC" test -f "$REC"
tamper() { # NAME, then commands in a fresh copy; verify must exit 1 with PATTERN
	name=$1; pat=$2; shift 2
	rm -rf "$T/copy" && cp -a "$R" "$T/copy"
	( cd "$T/copy" && eval "$*" ) > /dev/null 2>&1
	( cd "$T/copy" && "$C" verify ) > "$T/vout" 2> "$T/verr"
	rc=$?
	if [ $rc -eq 1 ] && grep -Eq -- "$pat" "$T/vout"; then PASS=$((PASS + 1)); else
		FAIL=$((FAIL + 1)); echo "FAIL: verify catches $name (exit $rc)"; head -n 3 "$T/vout"; fi
}
tamper "an instrument edited" "$INST: the working tree's copy" "printf x >> '$INST'"
tamper "an instrument truncated" "$INST: the working tree's copy" "head -c 5 '$INST' > t && mv t '$INST'"
tamper "an instrument replaced" "$INST: the working tree's copy" "cp '$T/inst.png' '$INST'"
tamper "an instrument deleted" "$INST: missing from the working tree" "rm '$INST'"
tamper "a record edited" "$REC: the working tree's copy" "sed -i 's/^Date: 2004-09-2./Date: 2004-09-20/' '$REC'"
tamper "a record deleted" "$REC: missing" "rm '$REC'"
tamper "an edit committed by hand" "records no event: made outside chancery" \
	"printf x >> '$INST' && git commit -qam 'fix scan'"
tamper "a file removed by a hand commit" "$INST: removed after event" \
	"git rm -q '$INST' && git commit -qm 'remove'"
tamper "history cut back" "no longer contains commit" "git reset -q --hard HEAD~3"
tamper "the last commit amended" "no longer contains commit" "git commit -q --amend -m 'deposit: amended'"
tamper "history rewritten, reflog gone" "its id no longer matches" \
	"FILTER_BRANCH_SQUELCH_WARNING=1 git filter-branch -f --msg-filter 'sed s/dispatched/sent/' HEAD && rm -rf .git/refs/original && git reflog expire --expire=now --all"
tamper "an object damaged" "unreadable or corrupt" \
	"o=\$(git rev-parse HEAD:'$INST') && f=.git/objects/\$(echo \$o | cut -c1-2)/\$(echo \$o | cut -c3-) && chmod u+w \$f && printf 'garbage' > \$f"
tamper "a notification removed" "notifications/2004: number" \
	"git rm -q notifications/2004/0001.odt && git commit -qm x"

# ---- two clones numbering through one remote ------------------------------------
git clone -q --bare "$R" "$T/remote.git"
git clone -q "$T/remote.git" "$T/a" && git clone -q "$T/remote.git" "$T/b"
for c in a b; do git -C "$T/$c" config user.name "Desk $c"; git -C "$T/$c" config user.email "$c@example.org"; done
cat > "$T/clone-plan" <<'PL'
a NOR IV-13 signature
b SWE IV-13 signature
a DNK IV-13 signature
b FIN IV-13 signature
a ISL IV-13 signature
b IRL IV-13 signature
PL
for c in a b; do
	( cd "$T/$c" && grep "^$c " "$T/clone-plan" | while read -r _ st tr act; do
		CHANCERY_NOW=2004-09-24T11:00:00Z "$C" deposit "$st" "$tr" "$act" --date 2004-09-24 \
			--signed-by foreign-minister > /dev/null 2>> "$T/clone-$c.err" || echo "$st" >> "$T/clone-$c.failed"
	done ) &
done
wait
check "both clones recorded every deposit" test ! -e "$T/clone-a.failed" -a ! -e "$T/clone-b.failed"
cat "$T/clone-a.err" "$T/clone-b.err" | head -n 5
(cd "$T/a" && "$C" sync > /dev/null 2>&1)
(cd "$T/b" && "$C" sync > /dev/null 2>&1)
(cd "$T/a" && "$C" sync > /dev/null 2>&1)
M=$((N + 6))
check "the clones agree" test "$(git -C "$T/a" rev-parse HEAD)" = "$(git -C "$T/b" rev-parse HEAD)"
check "numbers across clones run 1..$M without gaps or duplicates" test \
	"$(ls "$T/a/notifications/2004" | sed 's/\.odt//' | sort -n | tr '\n' ' ')" = "$(seq -f '%04g' 1 "$M" | tr '\n' ' ')"
(cd "$T/a" && "$C" verify > "$T/va" 2>&1) || cat "$T/va"
(cd "$T/b" && "$C" verify > "$T/vb" 2>&1) || cat "$T/vb"
check "verify passes in both clones" sh -c "cd '$T/a' && '$C' verify && cd '$T/b' && '$C' verify"
check "git fsck --strict in a clone" git -C "$T/a" fsck --strict
# offline numbering: the same number on both sides conflicts instead of merging
(cd "$T/a" && CHANCERY_NOW=2004-09-24T12:00:00Z "$C" deposit BEL IV-13 signature --date 2004-09-24 --signed-by foreign-minister --local > /dev/null)
(cd "$T/b" && CHANCERY_NOW=2004-09-24T12:00:00Z "$C" deposit NLD IV-13 signature --date 2004-09-24 --signed-by foreign-minister --local > /dev/null)
(cd "$T/a" && "$C" sync > /dev/null 2>&1)
cd "$T/b" || exit 1
run_err 4 "conflicts in 1 path .*notifications/2004/" "$C" sync
finish
