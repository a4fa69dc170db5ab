#!/bin/sh
# test_templates.sh - the shipped templates (letters/templates): they are
# what make-templates.py writes, they render in strict mode with the data of
# docs/template-data.md, LibreOffice opens every letter in English, French
# and Spanish, the wording and values are there, no tag is left, and the
# rendered content.xml is valid against the ODF 1.3 schema.
. "$(dirname "$0")/lib.sh"

TPL=$SRC/letters/templates
FIX=$SRC/tests/fixtures/letters
python3 "$TPL/make-templates.py" "$T/gen"
for f in "$TPL"/*.odt; do
	check "$(basename "$f") is what make-templates.py writes" cmp -s "$f" "$T/gen/$(basename "$f")"
done

mkdir -p "$T/letters" "$T/txt"
render() { # TEMPLATE DATA OUT
	run 0 "$C" render "$TPL/$1" "$FIX/$2" -o "$T/letters/$3"
}
render invitation-en.odt invitation-LBR.en.json invitation-LBR.odt
render invitation-fr.odt invitation-FRA.fr.json invitation-FRA.odt
render invitation-es.odt invitation-ARG.es.json invitation-ARG.odt
render reminder-en.odt reminder-LBR.en.json reminder-LBR.odt
render reminder-fr.odt reminder-FRA.fr.json reminder-FRA.odt
run_err 3 "variable .invitation.date. is not in the data" "$C" render "$TPL/reminder-fr.odt" "$FIX/invitation-FRA.fr.json" -o "$T/x.odt"
render acknowledgment-en.odt acknowledgment-LBR.en.json ack-LBR.odt
render acknowledgment-fr.odt acknowledgment-FRA.fr.json ack-FRA.odt
render notification-en.odt notification-LBR.en.json cn-LBR.odt
if command -v soffice >/dev/null 2>&1; then
	(cd "$T/letters" && soffice -env:UserInstallation=file://$T/lo --headless --norestore \
		--convert-to txt:Text --outdir "$T/txt" ./*.odt >/dev/null 2>&1)
	for f in "$T"/letters/*.odt; do
		b=$(basename "$f" .odt)
		check "LibreOffice opens $b" test -s "$T/txt/$b.txt"
		check "$b has no tag left" sh -c "! grep -q '{{' '$T/txt/$b.txt'"
	done
	check "English invitation: the State" grep -q "invite the Republic of Liberia to take part" "$T/txt/invitation-LBR.txt"
	check "English invitation: the deadline" grep -q "by 1 September 2004" "$T/txt/invitation-LBR.txt"
	check "English invitation: a row per treaty" test "$(grep -c '^IV-\|^V-\|^XVIII-' "$T/txt/invitation-LBR.txt")" -ge 15
	check "English invitation: the annex" grep -q "^Annex" "$T/txt/invitation-LBR.txt"
	check "French invitation" grep -q "J’ai l’honneur d’inviter la République française" "$T/txt/invitation-FRA.txt"
	check "French dates" grep -q "d’ici le 1er septembre 2004" "$T/txt/invitation-FRA.txt"
	check "French actions" grep -q "^signer" "$T/txt/invitation-FRA.txt"
	check "Spanish invitation" grep -q "Tengo el honor de invitar a la República Argentina" "$T/txt/invitation-ARG.txt"
	check "Spanish: already a party to all" grep -q "ya es parte en todos los tratados destacados" "$T/txt/invitation-ARG.txt"
	check "Spanish: no treaty table" sh -c "! grep -q '^Acción' '$T/txt/invitation-ARG.txt'"
	check "reminder" grep -q "my letter of 12 March 2004 (reference FOCUS2004/LBR/1)" "$T/txt/reminder-LBR.txt"
	check "acknowledgment with intentions" grep -q "^Rome Statute of the International Criminal Court (Rome Statute)" "$T/txt/ack-LBR.txt"
	check "acknowledgment without" grep -q "n’envisage pas d’action" "$T/txt/ack-FRA.txt"
	check "notification" grep -q "^LIBERIA: RATIFICATION" "$T/txt/cn-LBR.txt"
	check "notification: entry into force" grep -q "will enter into force for Liberia on 1 December 2004" "$T/txt/cn-LBR.txt"
	check "notification: the act said" grep -q "^Liberia deposited its instrument of ratification." "$T/txt/cn-LBR.txt"
else
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	FAIL=$((FAIL + 1))
fi
if [ -f "$SHARED/spec/odf/OpenDocument-v1.3-schema.rng" ]; then
	for f in "$T"/letters/*.odt; do
		for part in content.xml styles.xml; do
			unzip -p "$f" $part > "$T/part.xml"
			check "$(basename "$f") $part is valid ODF 1.3" \
				xmllint --noout --relaxng "$SHARED/spec/odf/OpenDocument-v1.3-schema.rng" "$T/part.xml"
		done
	done
else
	echo "NOTICE: $SHARED/spec/odf not found; schema checks skipped"
fi
finish
