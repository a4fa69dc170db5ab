#!/bin/sh
# test_letters_text.sh - what the Focus 2004 letters say, read as
# LibreOffice reads them (its text export, one soffice run for every file):
# the named States of issue 13 in their own language and in the two
# others (letters data --language, rendered with the campaign's template of
# that language), and two acknowledgments. English names carry their
# article ("the United States of America has"), French agrees in number
# ("les Comores n'ont"), APIC (signature closed 30 June 2004, before the
# event) is offered as "sign by ..., or accede", Spanish letters give the
# Spanish titles, a title with no source in the language is marked as
# English, and the acknowledgment of a "no action" reply promises nothing.
# The 576 letters of every State in every language: test_letters_all.sh.
. "$(dirname "$0")/lib.sh"

if ! command -v soffice >/dev/null 2>&1; then
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	exit 1
fi
LO="soffice -env:UserInstallation=file://$T/lo --headless --norestore"
R=$T/r
new_office "$R"
run_out 0 'Opened campaign focus2004' "$C" campaign open focus2004 --workflow treaty-event \
	--letter-date 2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--featured focus2004 --title "Focus 2004: Treaties on the Protection of Civilians" \
	--title-fr "Focus 2004 : traités relatifs à la protection des civils"
run_out 0 'Generated 192 letters' "$C" letters generate focus2004
run 0 "$C" send focus2004 --date 2004-03-12
export CHANCERY_NOW=2004-08-18T09:00:00Z
run_out 0 'Generated 192 reminders' "$C" remind focus2004 --as-of 2004-08-18
export CHANCERY_NOW=2004-09-15T09:00:00Z
run 0 "$C" reply focus2004 USA --received 2004-08-20 --none
run 0 "$C" reply focus2004 LBR --received 2004-08-20 --intends ratify:XVIII-10
run_out 0 '2 acknowledgments' "$C" remind focus2004 --as-of 2004-09-15

NAMED="LBR USA TUV NLD BHS PHL GMB VAT RUS COM MEX ARG"
mkdir "$T/odt" "$T/txt"
for s in $NAMED; do
	git show "HEAD:campaigns/focus2004/letters/$s.odt" > "$T/odt/$s.odt"
done
cp campaigns/focus2004/reminders/TUV-2004-08-18.odt "$T/odt/rem-TUV.odt"
for a in USA-2004-08-20 LBR-2004-08-20; do
	cp "campaigns/focus2004/acknowledgments/$a.odt" "$T/odt/ack-$a.odt"
done
# letters in a language not the State's own: its data in that language,
# rendered with the campaign's template of that language
for l in en fr es; do
	run 0 "$C" letters data focus2004 USA COM MEX --language $l
	cp "$T/out" "$T/data-$l.json"
	run_out 0 'Rendered 3 documents' "$C" render \
		"campaigns/focus2004/templates/invitation-$l.odt" "$T/data-$l.json" \
		-o "$T/odt" --name "{{state.code}}-$l.odt"
done
(cd "$T/odt" && $LO --convert-to txt:Text --outdir "$T/txt" ./*.odt >/dev/null 2>&1)
check "LibreOffice read every letter" test "$(ls "$T/txt" | wc -l)" = 24

has() {   # FILE TEXT: the text export of FILE has TEXT (fixed string)
	check "$1: '$2'" grep -qF -- "$2" "$T/txt/$1.txt"
}
hasnt() {
	check "$1: not '$2'" sh -c "! grep -qF -- \"\$0\" '$T/txt/$1.txt'" "$2"
}
for f in "$T"/txt/*.txt; do
	check "$(basename "$f"): no tag left" sh -c "! grep -q '{{' '$f'"
done

# English: the article of the name, from the registry
has USA "According to the records of the depositary, the United States of America has not yet"
has USA "Participation of the United States of America in the treaties"
for n in NLD:Netherlands BHS:Bahamas PHL:Philippines GMB:Gambia VAT:"Holy See" \
		RUS:"Russian Federation"; do
	has "${n%%:*}" "the ${n#*:}"
	hasnt "${n%%:*}" "depositary, ${n#*:}"
	hasnt "${n%%:*}" "of ${n#*:} in"
done
has LBR "depositary, Liberia has not yet"
has TUV "depositary, Tuvalu has not yet"

# APIC: signature closed 30 June 2004, before the event
for s in LBR USA TUV USA-en; do
	has $s "sign by 30 June 2004, or accede to it at the event"
done
has USA-fr "signer d’ici le 30 juin 2004, ou y adhérer lors de la manifestation"
has USA-es "firmar a más tardar el 30 de junio de 2004, o adherirse durante el evento"

# ... and a reminder after 30 June offers only what is still possible
check "rem-TUV: APIC, accede" sh -c "grep -A1 '^XVIII-13\$' '$T/txt/rem-TUV.txt' | grep -qx 'accede to'"
hasnt rem-TUV "sign by 30 June 2004"

# French: number agreement, the campaign's French title
has COM "les Comores n’ont pas encore accompli"
has USA-fr "les États-Unis d'Amérique n’ont pas encore accompli"
NB=$(printf '\302\240')   # French quotes hold no-break spaces
has COM "«${NB}Focus 2004 : traités relatifs à la protection des civils${NB}»"
hasnt COM "Treaties on the Protection of Civilians"
has COM "Convention relative au statut des réfugiés"

# Spanish: titles in Spanish; no Spanish campaign title: the English one,
# marked; a treaty with no Spanish title: the English one, marked
has MEX "Pacto Internacional de Derechos Civiles y Políticos"
has MEX "Acuerdo sobre los Privilegios e Inmunidades de la Corte Penal Internacional"
has MEX "«Focus 2004: Treaties on the Protection of Civilians» (título en inglés)"
has MEX "Charter of the United Nations (deposited in the archives of the Government of the United States of America) (título en inglés)"
hasnt MEX "International Covenant on Civil and Political Rights"
has ARG "Según los registros del depositario, la Argentina"
has USA-es "Pacto Internacional de Derechos Civiles y Políticos"
has COM-es "Convención sobre los Derechos del Niño"

# acknowledgments follow the reply
has ack-LBR-2004-08-20 "make the necessary arrangements"
has ack-USA-2004-08-20 "does not intend to take treaty actions at this time"
hasnt ack-USA-2004-08-20 "arrangements"
hasnt ack-USA-2004-08-20 "will contact"
finish
