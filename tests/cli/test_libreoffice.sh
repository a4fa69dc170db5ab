#!/bin/sh
# test_libreoffice.sh - templates as LibreOffice saves them, and documents as
# LibreOffice reads them: a template with tags formatted in parts is re-saved
# by LibreOffice (which then stores those tags split across spans and
# text:s elements), rendered by chancery, and read back by LibreOffice: the
# values are there, no tag is left, the table has a row per item; --pdf
# makes a PDF of each document, with one LibreOffice process and with two
# at once (--jobs 2).
. "$(dirname "$0")/lib.sh"

if ! command -v soffice >/dev/null 2>&1; then
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	exit 1
fi
LO="soffice -env:UserInstallation=file://$T/lo --headless --norestore"
python3 "$SRC/tests/fixtures/split_template.py" "$T/written.odt"
mkdir "$T/resaved"
(cd "$T" && $LO --convert-to odt:writer8 --outdir "$T/resaved" written.odt >/dev/null 2>&1)
check "LibreOffice re-saved the template" test -s "$T/resaved/written.odt"
unzip -p "$T/resaved/written.odt" content.xml > "$T/resaved.xml"
check "the re-saved template has tags split across spans" \
	sh -c "! grep -q '{{state.formal_name}}' '$T/resaved.xml' && grep -q 'formal' '$T/resaved.xml'"

cat > "$T/data.json" <<'JSON'
{"state": {"formal_name": "the Republic of Liberia"},
 "letter": {"reference": "FOCUS2004/LBR/1"},
 "signer": "Kofi A. Annan",
 "treaties": [
   {"id": "XVIII-10", "title": "Rome Statute", "action": "accede"},
   {"id": "IV-11-b", "title": "OPAC", "action": "sign"},
   {"id": "IV-4", "title": "ICCPR", "action": "ratify"}]}
JSON
run 0 "$C" render "$T/resaved/written.odt" "$T/data.json" -o "$T/letter.odt"
mkdir "$T/txt"
(cd "$T" && $LO --convert-to txt:Text --outdir "$T/txt" letter.odt >/dev/null 2>&1)
check "LibreOffice opens the letter" test -s "$T/txt/letter.txt"
check "the formal name is there" grep -q "Dear the Republic of Liberia," "$T/txt/letter.txt"
check "the reference is there, spaces kept" grep -q "Reference: FOCUS2004/LBR/1   end" "$T/txt/letter.txt"
check "a list line per treaty" test "$(grep -c '^- ' "$T/txt/letter.txt")" = 3
check "the block section kept its order" grep -q "^- OPAC (IV-11-b)" "$T/txt/letter.txt"
check "no tag is left" sh -c "! grep -q '{{' '$T/txt/letter.txt'"
check "a table row per treaty" test "$(unzip -p "$T/letter.odt" content.xml | grep -o '<table:table-row' | wc -l)" = 3
check "the signer is there" grep -q "Yours, Kofi A. Annan" "$T/txt/letter.txt"

# a batch with --pdf: one soffice for all
printf '[{"state":{"formal_name":"A"},"letter":{"reference":"R1"},"signer":"S","treaties":[]},{"state":{"formal_name":"B"},"letter":{"reference":"R2"},"signer":"S","treaties":[]}]' > "$T/batch.json"
run_out 0 'Rendered 2 documents' "$C" render "$T/resaved/written.odt" "$T/batch.json" \
	-o "$T/pdfs" --name '{{letter.reference}}.odt' --pdf
check "a PDF per document" sh -c "test -s '$T/pdfs/R1.pdf' && test -s '$T/pdfs/R2.pdf' && head -c 5 '$T/pdfs/R1.pdf' | grep -q '%PDF-'"
check "nothing else left in the folder" test "$(ls -A "$T/pdfs" | wc -l)" = 4
# a pool of two converters over four documents, each a valid PDF of a page
printf '[{"state":{"formal_name":"A"},"letter":{"reference":"P1"},"signer":"S","treaties":[]},{"state":{"formal_name":"B"},"letter":{"reference":"P2"},"signer":"S","treaties":[]},{"state":{"formal_name":"C"},"letter":{"reference":"P3"},"signer":"S","treaties":[]},{"state":{"formal_name":"D"},"letter":{"reference":"P4"},"signer":"S","treaties":[]}]' > "$T/four.json"
run_out 0 'Rendered 4 documents' "$C" render "$T/resaved/written.odt" "$T/four.json" \
	-o "$T/pool" --name '{{letter.reference}}.odt' --pdf --jobs 2
for i in 1 2 3 4; do
	check "--jobs 2: P$i.pdf starts %PDF-" sh -c "head -c 5 '$T/pool/P$i.pdf' | grep -q '%PDF-'"
	check "--jobs 2: P$i.pdf has a page and ends %%EOF" sh -c \
		"grep -aq '/Type */Page[^s]' '$T/pool/P$i.pdf' && tail -c 8 '$T/pool/P$i.pdf' | grep -aq '%%EOF'"
done
check "--jobs 2: nothing else left in the folder" test "$(ls -A "$T/pool" | wc -l)" = 8
# the README's example: a relative -o (soffice then used to get the
# profile 'file://letters/...' and hang until the timeout)
mkdir "$T/rel"
(cd "$T/rel" && CHANCERY_SOFFICE_TIMEOUT=60 "$C" render "$T/resaved/written.odt" "$T/batch.json" \
	-o letters --name '{{letter.reference}}.odt' --pdf >"$T/out" 2>"$T/err")
check "relative -o: PDFs made" sh -c "head -c 5 '$T/rel/letters/R1.pdf' | grep -q '%PDF-' && test -s '$T/rel/letters/R2.pdf'"
check "relative -o: no hidden folder left" test "$(ls -A "$T/rel/letters" | wc -l)" = 4
finish
