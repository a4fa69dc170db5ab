#!/bin/sh
# test_pdf_batch.sh - a --pdf batch larger than one soffice run converts:
# LibreOffice 7.4 stops after 246 files and exits 0, so the runner cuts a
# batch into runs (cli/office_pool.c); 250 letters must all get their PDF
# from one process (--jobs 1: runs of 200, the longest there are).
# Label slow: LibreOffice converts 250 documents.
. "$(dirname "$0")/lib.sh"

command -v soffice >/dev/null || { echo "SKIP: soffice is not installed (scripts/install-deps)"; exit 77; }
R=$T/repo
run 0 "$C" --author "$AUTHOR" init "$R"
cd "$R" || exit 1
run 0 "$C" --author "$AUTHOR" campaign open c --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004
git show HEAD:campaigns/c/templates/invitation-en.odt > "$T/invitation.odt"
"$C" letters data c LBR > "$T/lbr.json"
python3 - "$T/lbr.json" "$T/many.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for i in range(250):
    e = json.loads(json.dumps(d))
    e["letter"]["reference"] = "R%03d" % (i + 1)
    out.append(e)
json.dump(out, open(sys.argv[2], "w"))
PY
run_out 0 'Rendered 250 documents' "$C" render "$T/invitation.odt" "$T/many.json" \
	-o "$T/pdfs" --name '{{letter.reference}}.odt' --pdf --jobs 1
check "250 PDFs, the last ones too" test "$(ls "$T/pdfs" | grep -c '\.pdf$')" = 250
check "... R250 is a PDF" sh -c "head -c 5 '$T/pdfs/R250.pdf' | grep -q '%PDF-'"
finish
