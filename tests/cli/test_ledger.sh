#!/bin/sh
# test_ledger.sh - bench/ledger runs (a smoke test, nothing timed): on a
# history of 200 events it builds through the library, prints and writes
# its tables, and the history it leaves verifies clean and holds the 200
# events of ledger_gen's mix plus the notes the benchmark recorded.
#
# usage: test_ledger.sh CHANCERY SRC SHARED LEDGER_GEN
. "$(dirname "$0")/lib.sh"

GEN=$4
export CHANCERY_NOW=2034-06-02T09:00:00Z
R=$T/keep/200

run_out 0 '^verify +200 ' python3 "$SRC/bench/ledger" --sizes 200 --ref 0 \
	--runs 1 --verify-runs 1 --keep "$T/keep" --markdown "$T/ledger.md" \
	--chancery "$C" --gen "$GEN"
check "the targets are reported" grep -q '^targets (for 10^6 events), at 200 events:' "$T/out"
check "every question has a markdown row" sh -c "
	for q in 'status CAMPAIGN --format json' 'log --state LBR' 'history LBR' \
		'participation LBR' 'verify' 'git log --grep (baseline)' 'note' \
		'catch-up: log --state LBR after a note' 'verify after a note'; do
		grep -qF \"| \$q | 200 |\" '$T/ledger.md' || exit 1
	done"
# the whole history checked: `verify --full` where verify is incremental
FULL=
"$C" verify -h | grep -q -- --full && FULL=--full
run_out 0 '^verified: 203 events, .*nothing altered$' "$C" -C "$R" verify $FULL
# 200 of ledger_gen, the 2 notes of the benchmark, after init
git -C "$R" log --format='%(trailers:key=Chancery-Event,valueonly)' |
	grep . > "$T/types"
check "init and 202 events" test "$(wc -l < "$T/types")" -eq 203
check "the benchmark recorded 2 notes" test "$(git -C "$R" log --oneline \
	--grep '^bench: a call after the history' | wc -l)" -eq 2
for type in campaign letters send reply deposit note void close; do
	check "the mix has a $type" grep -qx "$type" "$T/types"
done
check "replies announce intentions" sh -c \
	"git -C '$R' log --format='%(trailers:key=Chancery-Intends,valueonly)' | grep -q ."
check "the history spans 30 years" sh -c \
	"git -C '$R' log --format=%cd --date=format:%Y | sort -u | wc -l | grep -qx 31"
# usage and a missing program are refused in one line, exit 2
run 2 python3 "$SRC/bench/ledger" --sizes x
check "a bad size is named in one line" sh -c \
	"test \$(wc -l < '$T/err') -eq 1 && grep -q \"^bench/ledger: --sizes 'x': expected numbers\" '$T/err'"
run 2 python3 "$SRC/bench/ledger" --sizes 10 --chancery "$T/none" --gen "$GEN"
check "a missing program is named in one line" sh -c \
	"test \$(wc -l < '$T/err') -eq 1 && grep -q \"'$T/none' is not an executable\" '$T/err'"
finish
