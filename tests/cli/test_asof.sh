#!/bin/sh
# test_asof.sh - nothing before it existed (issue 13): as of a day the tool
# leaves out treaties adopted after it (treaties, featured lists, parties,
# participation), a reply cannot announce an action on one, a campaign
# cannot feature one; and import tells every problem of a file.
. "$(dirname "$0")/lib.sh"

R=$T/r
run 0 "$C" --author "$AUTHOR" init "$R"
cd "$R" || exit 1

# treaties: 401, of which 33 adopted after 12 March 2004; XIX-40's
# adoption date is unknown: it counts as always there
run 0 "$C" treaties --as-of 2004-03-12 --format csv
check "treaties --as-of 2004-03-12: 368" test "$(tail -n +2 "$T/out" | wc -l)" -eq 368
for id in IV-15 XXVI-8 XXVII-17 XXVII-4-c; do
	check "treaties --as-of 2004-03-12 leaves out $id" sh -c "! grep -q '^$id,' '$T/out'"
done
check "treaties --as-of keeps XIX-40 (adoption unknown)" grep -q '^XIX-40,' "$T/out"
run_out 0 '^XXVI-8,' "$C" treaties --as-of 2013-04-02 --format csv
run_out 0 '^IV-13,' "$C" treaties --featured focus2004 --format csv
run 0 "$C" treaties --featured focus2004 --as-of 1990-01-01 --format csv
check "focus2004 as of 1990-01-01: 15 of 28" test "$(tail -n +2 "$T/out" | wc -l)" -eq 15
check "focus2004 as of 1990-01-01 leaves out IV-13 (1990-12-18)" sh -c "! grep -q '^IV-13,' '$T/out'"
run_err 3 "as-of: impossible date '2004-02-30'" "$C" treaties --as-of 2004-02-30

# parties before adoption: one line, exit 1, nothing on stdout. VI-18 has
# 40 "participations" dated before its adoption (the MTDSG heading date).
run 1 "$C" parties XXVI-8 --as-of 2004-09-24
check "parties XXVI-8 before adoption: the one line" test "$(cat "$T/err")" = \
	"chancery: XXVI-8 (adopted 2013-04-02) did not exist on 2004-09-24"
check "parties XXVI-8 before adoption: no table" test ! -s "$T/out"
run_err 1 '^chancery: VI-18 \(adopted 1975-08-08\) did not exist on 1975-08-07$' \
	"$C" parties VI-18 --as-of 1975-08-07 --format json
run_out 0 '^VI-18: 40 parties' "$C" parties VI-18 --as-of 1975-08-08
run 0 "$C" participation ARG --as-of 1975-08-07 --format csv
check "participation ARG as of 1975-08-07: no VI-18" sh -c "! grep -q '^VI-18,' '$T/out'"
run_out 0 '^VI-18,,party,,participation,1973-11-16' "$C" participation ARG --as-of 1975-08-08 --format csv

# a reply cannot announce what cannot be done: the treaty did not exist
run_out 0 'Opened campaign focus2004' "$C" --author "$AUTHOR" campaign open focus2004 \
	--workflow treaty-event --letter-date 2004-03-12 --deadline 2004-09-01 \
	--event 2004-09-21..2004-09-24 --featured focus2004
head=$(git rev-parse HEAD)
CHANCERY_NOW=2004-10-01T09:00:00Z run_err 3 \
	'^chancery: TUV sign XXVI-8: XXVI-8 \(adopted 2013-04-02\) did not exist on 2004-08-01$' \
	"$C" --author "$AUTHOR" reply focus2004 TUV --received 2004-08-01 --intends sign:XXVI-8
check "the refused reply recorded nothing" test "$(git rev-parse HEAD)" = "$head"
# a campaign cannot feature a treaty adopted after its letter date
printf 'treaty\nIV-1\nXXVI-8\n' > "$T/later.csv"
run_err 3 "later.csv:3: featured treaty XXVI-8 \(adopted 2013-04-02\) did not exist on the letter date 2004-03-12" \
	"$C" --author "$AUTHOR" campaign open later --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured "$T/later.csv"
check "the refused campaign recorded nothing" test "$(git rev-parse HEAD)" = "$head"

# import: 4 bad rows, each problem told with its file and line (the second
# kind of check ran only once the first found nothing: "2 problems")
printf 'state,treaty,action,date\nLBR,IV-4,ratifikation,2004-09-22\nQQQ,IV-4,ratification,2004-09-22\nLBR,IV-98,ratification,2004-9-22\nLBR,IV-99,signature,2004-09-22\n' > "$T/bad.csv"
run 3 "$C" --author "$AUTHOR" import participation "$T/bad.csv"
cat > "$T/want" <<EOT
$T/bad.csv:2:10: action: 'ratifikation' is not in the vocabulary
$T/bad.csv:4:24: date: malformed date '2004-9-22' (expected YYYY-MM-DD)
$T/bad.csv:3:1: unknown State 'QQQ' (import it first)
$T/bad.csv:4:5: unknown treaty 'IV-98' (import it first)
$T/bad.csv:5:5: unknown treaty 'IV-99' (import it first)
chancery: import: 5 problems in $T/bad.csv; nothing was imported
EOT
check "import tells all 5 problems of the 4 bad rows" cmp -s "$T/want" "$T/err"
check "the refused import recorded nothing" test "$(git rev-parse HEAD)" = "$head"
finish
