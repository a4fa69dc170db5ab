#!/bin/sh
# test_letters_all.sh - the invitation of every State of the Focus 2004
# campaign in each of the three languages, 192 x 3 = 576 letters: the data
# of all of them in one language (letters data all --language), rendered
# in one batch per language, read by LibreOffice (text export, one run per
# language).
# Each letter names its State, leaves no tag, offers no signature of a
# treaty whose signature closes before the event, names no treaty adopted
# after the letter date (neither in the invited actions nor in the annex),
# and a French or Spanish letter marks every English title standing in.
# The named States, read closely: test_letters_text.sh. Label slow.
. "$(dirname "$0")/lib.sh"

if ! command -v soffice >/dev/null 2>&1; then
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	exit 1
fi
LO="soffice -env:UserInstallation=file://$T/lo --headless --norestore"
R=$T/r
run 0 "$C" --author "$AUTHOR" init "$R"
cd "$R" || exit 1
run_out 0 'Opened campaign focus2004' "$C" campaign open focus2004 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --title "Focus 2004: Treaties on the Protection of Civilians" \
	--author "$AUTHOR"
mkdir "$T/odt" "$T/txt"
for l in en fr es; do
	run 0 "$C" letters data focus2004 all --language $l
	cp "$T/out" "$T/data-$l.json"
	run_out 0 'Rendered 192 documents' "$C" render \
		"campaigns/focus2004/templates/invitation-$l.odt" "$T/data-$l.json" \
		-o "$T/odt" --name "{{state.code}}-$l.odt"
done
# one soffice run per language: a run converts at most 246 files and
# then stops without a word (LibreOffice 7, seen here), so 576 in one run
# would not all be read
for l in en fr es; do
	(cd "$T/odt" && $LO --convert-to txt:Text --outdir "$T/txt" ./*-$l.odt >/dev/null 2>&1)
done
check "LibreOffice read 576 letters" test "$(ls "$T/txt" | wc -l)" = 576

# the data against the registry, the letters against the data
python3 - "$T" registry/treaties.tsv > "$T/problems" <<'PY'
import csv, json, sys
T, reg = sys.argv[1], sys.argv[2]
rows = [l for l in open(reg, encoding="utf-8").read().split("\n")
        if l and not l.startswith("#")]
treaties = {r["id"]: r for r in csv.DictReader(rows, delimiter="\t")}
letter, event = "2004-03-12", "2004-09-21"
mark = {"fr": "(titre en anglais)", "es": "(título en inglés)"}
bad = 0
late = set()
def problem(msg):
    global bad
    bad += 1
    print(msg)
for l in ("en", "fr", "es"):
    for d in json.load(open("%s/data-%s.json" % (T, l), encoding="utf-8")):
        code = d["state"]["code"]
        text = open("%s/txt/%s-%s.txt" % (T, code, l), encoding="utf-8-sig").read()
        if "{{" in text:
            problem("%s-%s: a tag is left" % (code, l))
        if d["state"]["name"] not in text:
            problem("%s-%s: no %s" % (code, l, d["state"]["name"]))
        for t in d["treaties"]:
            r = treaties[t["id"]]
            if r["adopted"] > letter:
                problem("%s-%s: invited to %s, adopted %s" % (code, l, t["id"], r["adopted"]))
            if t["action_code"] == "sign" and r["signature_until"] and r["signature_until"] < event:
                problem("%s-%s: sign %s, closed %s" % (code, l, t["id"], r["signature_until"]))
            if t["action"] not in text:
                problem("%s-%s: %s not in the letter" % (code, l, t["action"]))
        for t in d["review"]:
            if treaties[t["id"]]["adopted"] > letter:
                late.add(t["id"])
            if l != "en" and t["title_fallback"] and t["title"] + " " + mark[l] not in text:
                problem("%s-%s: %s: English title not marked" % (code, l, t["id"]))
print("annex: %d treaties adopted after the letter date%s" % (len(late),
      (": " + " ".join(sorted(late))) if late else ""))
print("%d problems" % bad)
PY
check "576 letters: $(tail -1 "$T/problems")" grep -qx '0 problems' "$T/problems"
# the annex as of the letter date (the as-of filter of letter_data.c)
check "576 letters: $(grep '^annex:' "$T/problems" | cut -c1-60)" \
	grep -qx 'annex: 0 treaties adopted after the letter date' "$T/problems"
head -n 20 "$T/problems"
finish
