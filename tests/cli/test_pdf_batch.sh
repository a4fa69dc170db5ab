#!/bin/sh
# test_pdf_batch.sh - a --pdf batch larger than one soffice run converts:
# LibreOffice 7.4 stops after 246 files and exits 0, so the runner cuts a
# batch into runs (cli/office_pool.c); 250 letters must all get their PDF
# from one process (--jobs 1: runs of 200, the longest there are).
# Label slow: LibreOffice converts 250 documents (of one line each).
. "$(dirname "$0")/lib.sh"

command -v soffice >/dev/null || { echo "SKIP: soffice is not installed (scripts/install-deps)"; exit 77; }
# The behaviour under test is the cutting of a batch, not the letter: a
# one-line document converts in a fraction of a second, where a Focus 2004
# letter (an annex of 385 table rows) takes about two. Conversions of real
# letters: test_libreoffice.sh, test_pdf_pool.sh, bench/pdf.sh.
python3 "$SRC/tests/fixtures/one_paragraph_odt.py" "$T/one-line.odt" \
	'Reference {{letter.reference}}'
python3 -c 'import json, sys; json.dump([{"letter": {"reference": "R%03d" % (i + 1)}}
    for i in range(250)], open(sys.argv[1], "w"))' "$T/many.json"
run_out 0 'Rendered 250 documents' "$C" render "$T/one-line.odt" "$T/many.json" \
	-o "$T/pdfs" --name '{{letter.reference}}.odt' --pdf --jobs 1
check "250 PDFs, the last ones too" test "$(ls "$T/pdfs" | grep -c '\.pdf$')" = 250
check "... R250 is a PDF" sh -c "head -c 5 '$T/pdfs/R250.pdf' | grep -q '%PDF-'"
finish
