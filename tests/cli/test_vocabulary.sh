#!/bin/sh
# test_vocabulary.sh - issue 13, findings 9 and 10: the notification
# reference in the UNTC's current form and as a repository setting; the
# depositary's whole vocabulary through the tool (reservation, declaration,
# objection, withdrawal of reservation, territorial application,
# notification, denunciation), each with its refusals, its place in
# participation and parties, verify and the BagIt export.
. "$(dirname "$0")/lib.sh"

R=$T/repo
export CHANCERY_NOW=2004-09-23T09:00:00Z
new_office "$R"
printf '%%PDF-1.4\n1 0 obj <<>> endobj\n%%%%EOF\n' > "$T/inst.pdf"
printf 'Mexico does not consider itself bound by article 87.\n' > "$T/res.txt"
ev() { sed -n 's/^Recorded .* (event \(.*\))$/\1/p' "$T/out"; }

# ---- finding 9: the reference ------------------------------------------------
run_out 0 "Notification C.N.1.2004.TREATIES-XVIII.10: notifications/2004/0001.odt" \
	"$C" deposit MEX XVIII-10 ratification --date 2004-09-21 --instrument "$T/inst.pdf"
git config chancery.notificationReference 'C.N.{n}.{yr}.TREATIES-{chapter}'
run_err 3 "chancery.notificationReference: .*unknown placeholder '\{yr\}'" \
	"$C" deposit FRA XVIII-12-a accession --date 2004-09-21 --instrument "$T/inst.pdf"
git config chancery.notificationReference 'C.N.{n}.{year}.TREATIES-{chapter_arabic}'
run_out 0 "Notification C.N.2.2004.TREATIES-18:" \
	"$C" deposit TUV XVIII-12-a accession --date 2004-09-21 --instrument "$T/inst.pdf"
git config --unset chancery.notificationReference
run_out 0 "Notification C.N.3.2004.TREATIES-XVIII.12.b:" \
	"$C" deposit TUV XVIII-12-b accession --date 2004-09-21 --instrument "$T/inst.pdf"

# ---- finding 10: reservations, declarations, objections ---------------------
HEAD0=$(git rev-parse HEAD)
run_err 3 "a reservation needs its text \(--text FILE\)" \
	"$C" deposit MEX XVIII-10 reservation --date 2004-09-21
run_err 3 "a reservation is made at signature or with the instrument" \
	"$C" deposit MEX XVIII-10 reservation --date 2004-09-22 --text "$T/res.txt"
check "nothing written by a refusal" test "$(git rev-parse HEAD)" = "$HEAD0"
run_out 0 "Notification C.N.4.2004.TREATIES-XVIII.10:" \
	"$C" deposit MEX XVIII-10 reservation --date 2004-09-21 --text "$T/res.txt"
RES=$(ev)
run 0 "$C" deposit MEX XVIII-10 declaration --date 2004-09-22 --text "$T/res.txt"
run_err 3 "is MEX's own reservation; a State objects to another's" \
	"$C" deposit MEX XVIII-10 objection --date 2004-09-23 --text "$T/res.txt" --objects-to "$RES"
run_err 3 "--objects-to 20040101T000000Z-00000000: no such event" \
	"$C" deposit FRA XVIII-10 objection --date 2004-09-23 --text "$T/res.txt" \
	--objects-to 20040101T000000Z-00000000
run_err 3 "an objection needs --objects-to" \
	"$C" deposit FRA XVIII-10 objection --date 2004-09-23 --text "$T/res.txt"
run 0 "$C" deposit FRA XVIII-10 objection --date 2004-09-23 --text "$T/res.txt" --objects-to "$RES"
run_err 3 "--withdraws 20040101T000000Z-00000000: no such event" \
	"$C" deposit MEX XVIII-10 reservation-withdrawal --date 2004-09-23 \
	--withdraws 20040101T000000Z-00000000
run_err 3 "a reservation of MEX; a State withdraws only its own" \
	"$C" deposit FRA XVIII-10 reservation-withdrawal --date 2004-09-23 --withdraws "$RES"
run 0 "$C" deposit MEX XVIII-10 reservation-withdrawal --date 2004-09-23 --withdraws "$RES"
run_err 3 "MEX has withdrawn that reservation" \
	"$C" deposit MEX XVIII-10 reservation-withdrawal --date 2004-09-23 --withdraws "$RES"
run_err 3 "MEX has withdrawn that reservation" \
	"$C" deposit DEU XVIII-10 objection --date 2004-09-23 --text "$T/res.txt" --objects-to "$RES"
run 0 "$C" deposit MEX XVIII-10 territorial-application --date 2004-09-23
run_err 3 "a notification needs --article" \
	"$C" deposit MEX XVIII-10 notification --date 2004-09-23 --text "$T/res.txt"
run 0 "$C" deposit MEX XVIII-10 notification --date 2004-09-23 --text "$T/res.txt" \
	--article "article 87(1)(a)"
# none of it changes a status; participation shows it
run_out 0 "XVIII-10 +Rome Statute +party .*reservation 2004-09-21; declaration 2004-09-22; notification 2004-09-23; reservation_withdrawal 2004-09-23; territorial_application 2004-09-23" \
	"$C" participation MEX --as-of 2004-09-23

# ---- denunciation --------------------------------------------------------------
run_err 3 "LBR is not a party to XVIII-10; only a party denounces" \
	"$C" deposit LBR XVIII-10 denunciation --date 2004-09-23 --instrument "$T/inst.pdf"
run_err 3 "IV-4 has no denunciation clause" \
	"$C" deposit FRA IV-4 denunciation --date 2004-09-23 --instrument "$T/inst.pdf"
run_err 3 "give the day it takes effect \(--effective DATE\)" \
	"$C" deposit FRA IV-1 denunciation --date 2004-09-23 --instrument "$T/inst.pdf"
run_err 3 "--effective is for a denunciation, not a ratification" \
	"$C" deposit FRA IV-13 ratification --date 2004-09-23 --instrument "$T/inst.pdf" \
	--effective 2005-01-01
run_out 0 "Takes effect on 2005-09-23: FRA is a party until then" \
	"$C" deposit FRA XVIII-10 denunciation --date 2004-09-23 --instrument "$T/inst.pdf"
run_out 0 "^FRA +France +party .*denunciation 2004-09-23 effective 2005-09-23" \
	"$C" parties XVIII-10 --as-of 2005-09-22
run 0 "$C" parties XVIII-10 --as-of 2005-09-23
check "no longer a party once it takes effect" sh -c "! grep -q '^FRA ' '$T/out'"
# without --as-of the answer is today's (CHANCERY_NOW, 2004-09-23): the
# denunciation is pending, FRA still a party; from the day it takes effect not
run_out 0 "^FRA +France +party .*denunciation 2004-09-23 effective 2005-09-23" \
	"$C" parties XVIII-10
run_out 0 "^XVIII-10 .* party " "$C" participation FRA
CHANCERY_NOW=2005-09-23T09:00:00Z run 0 "$C" parties XVIII-10
check "today after it takes effect: no longer a party" sh -c "! grep -q '^FRA ' '$T/out'"

# ---- the record holds --------------------------------------------------------
run_out 0 "nothing altered" "$C" verify
run 0 "$C" export bagit "$T/bag" --state MEX
check "the bag has the reservation's text" sh -c "grep -q 'data/events/2004/09/$RES/text.txt' '$T/bag/manifest-sha256.txt'"
check "the bag has the objection to MEX's reservation" sh -c "grep -q 'data/archive/FRA/XVIII-10/2004-09-23-objection.txt' '$T/bag/manifest-sha256.txt'"
finish
