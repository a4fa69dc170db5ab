#!/bin/sh
# test_dispatch.sh - what a campaign records is true to the day and stays a
# record (issue 13, findings 4, 6, 7 and a deadline after the event): no
# reply, note, dispatch or reminder dated after the day it is recorded; a
# dispatched letter is not replaced but superseded by a new one with its
# own reference, dispatched on its own; --template options are honoured or
# refused; campaigns are listed, shown and closed. One small campaign
# (three recipients) keeps it quick.
. "$(dirname "$0")/lib.sh"

R=$T/r
new_office "$R"
printf 'state\nFRA\nLBR\nTUV\n' > "$T/rec.tsv"
OPEN="--workflow treaty-event --letter-date 2004-03-12 --featured focus2004"

# ---- 7, 12: campaign open refuses what it cannot honour, writing nothing
HEAD0=$(git rev-parse HEAD)
run_err 3 "the deadline \(2004-09-30\) is after the event \(2004-09-21\)" \
	"$C" campaign open bad $OPEN --deadline 2004-09-30 --event 2004-09-21..2004-09-24
run_err 3 "template 'invitation-de' \(missing.odt\): no language 'de' \(en, fr or es\)" \
	"$C" campaign open bad $OPEN --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--template de=missing.odt
printf '%%PDF-1.4 not a template\n' > "$T/scan.pdf"
run_err 3 "template 'reminder-de' \(.*scan.pdf\): no language 'de' \(en, fr or es\)" \
	"$C" campaign open bad $OPEN --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--template "reminder-de=$T/scan.pdf"
run_err 3 "template 'notice-en' \(.*scan.pdf\): no kind 'notice' \(invitation, reminder or acknowledgment\)" \
	"$C" campaign open bad $OPEN --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--template "notice-en=$T/scan.pdf"
run_err 3 "template 'invitation-fr': '.*missing.odt': no such file" \
	"$C" campaign open bad $OPEN --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--template "fr=$T/missing.odt"
run_err 3 "template 'reminder-en'.*(ODT|zip|package)" \
	"$C" campaign open bad $OPEN --deadline 2004-09-01 --event 2004-09-21..2004-09-24 \
	--template "reminder-en=$T/scan.pdf"
check "nothing written by a refused campaign open" test "$(git rev-parse HEAD)" = "$HEAD0"
run_out 0 'Opened campaign c1' "$C" campaign open c1 $OPEN --deadline 2004-09-01 \
	--event 2004-09-21..2004-09-24 --recipients "$T/rec.tsv" --title "Campaign one"
run_out 0 'Generated 3 letters \(3 new or changed\)' "$C" letters generate c1

# ---- 4: no record dated after the day it is recorded (today: 2004-03-12)
HEAD1=$(git rev-parse HEAD)
run_err 3 "^chancery: --date 2004-03-20 is in the future \(today is 2004-03-12\)" \
	"$C" send c1 --date 2004-03-20
run 0 "$C" send c1 --date 2004-03-12
HEAD2=$(git rev-parse HEAD)
run_err 3 "^chancery: --received 2030-08-20 is in the future \(today is 2004-03-12\)" \
	"$C" reply c1 LBR --received 2030-08-20 --none
run_err 3 "^chancery: --date 2004-04-02 is in the future \(today is 2004-03-12\)" \
	"$C" note --campaign c1 --date 2004-04-02 "called"
run_err 3 "^chancery: --as-of 2004-08-18 is in the future \(today is 2004-03-12\)" \
	"$C" remind c1 --as-of 2004-08-18
check "nothing recorded by a future date" test "$(git rev-parse HEAD)" = "$HEAD2"
export CHANCERY_NOW=2004-08-20T10:00:00Z
run_out 0 'Recorded the reply of LBR' "$C" reply c1 LBR --received 2004-08-20 --none
run 0 "$C" note --campaign c1 --date 2004-08-19 "called the mission"

# ---- 6: a dispatched letter is a record
cp campaigns/c1/letters/TUV.odt "$T/tuv1.odt"
printf 'state,treaty,action,date\nTUV,XVIII-10,signature,2000-11-30\n' > "$T/row.csv"
run 0 "$C" import participation "$T/row.csv"
HEAD3=$(git rev-parse HEAD)
run_err 3 "^chancery: the letter to TUV was dispatched.*--supersede" "$C" letters generate c1
run_err 3 "^chancery: the letter to TUV was dispatched.*--supersede" "$C" letters generate c1 --state TUV
check "a dispatched letter is not replaced" cmp -s campaigns/c1/letters/TUV.odt "$T/tuv1.odt"
check "nothing recorded by a refused generate" test "$(git rev-parse HEAD)" = "$HEAD3"
run_out 0 'Generated 1 letter \(1 new or changed\)' "$C" letters generate c1 --supersede --state TUV
check "the first letter stays as it was" cmp -s campaigns/c1/letters/TUV.odt "$T/tuv1.odt"
check "the new letter is a file of its own" test -f campaigns/c1/letters/TUV-2.odt
check "the new letter has its own reference" sh -c \
	"unzip -p campaigns/c1/letters/TUV-2.odt content.xml | grep -q 'C1/TUV/2'"
check "the new letter names the one it supersedes" sh -c \
	"git log -1 --format=%B | grep -q '^Chancery-Supersedes: C1/TUV/1'"
run_out 0 'every letter of .c1. is sent already|Recorded the dispatch of 1 letter$' \
	"$C" send c1 --date 2004-08-20
check "send dispatches the new letter on its own" sh -c \
	"git log -1 --format=%B | grep -q '^Chancery-State: TUV' && ! git log -1 --format=%B | grep -q '^Chancery-State: FRA'"
run_out 0 '"reference": *"C1/TUV/2"' "$C" status c1 --format json
# the letter data is the current letter's: its reference, the one it supersedes
run_out 0 '"reference": *"C1/TUV/2"' "$C" letters data c1 TUV
run_out 0 '"supersedes": *"C1/TUV/1"' "$C" letters data c1 TUV
run_out 0 '"reference": *"C1/TUV/2"' "$C" letters data c1 TUV FRA
run_out 0 '"reference": *"C1/FRA/1"' "$C" letters data c1 FRA
run_out 0 'letters c1: generate for TUV' "$C" log --campaign c1
run_out 0 'letters are what their inputs give' "$C" letters verify c1
run_out 0 '3 letters up to date' "$C" letters generate c1 --supersede

# ---- 7: list, show, close
run_out 0 '^c1 +Campaign one +open +2004-03-12 +2004-09-01 +2004-09-21 +2004-09-24 +3 +3' "$C" campaign list
run_out 0 '^id,title,state,letter_date,deadline,event_start,event_end,recipients,letters' "$C" campaign list --format csv
run_out 0 '"id": *"c1"' "$C" campaign list --format json
run_out 0 '^Title: Campaign one$' "$C" campaign show c1
run_out 0 '^Templates: 9' "$C" campaign show c1
run_out 0 '"recipients": *3' "$C" campaign show c1 --format json
run_err 3 "no campaign 'nope'" "$C" campaign show nope
run_err 3 "--date 2004-09-30 is in the future" "$C" campaign close c1 --date 2004-09-30
run_out 0 'Closed campaign c1' "$C" campaign close c1 --date 2004-08-20
run_err 3 "campaign 'c1' is closed already" "$C" campaign close c1 --date 2004-08-20
run_out 0 '^c1 +Campaign one +closed' "$C" campaign list
run_out 0 '^Closed: 2004-08-20$' "$C" campaign show c1
run_err 3 "campaign 'c1' was closed on 2004-08-20: it generates no more letters" \
	"$C" letters generate c1 --supersede
export CHANCERY_NOW=2004-09-10T10:00:00Z
run_err 3 "campaign 'c1' was closed on 2004-08-20: it generates no more reminders" \
	"$C" remind c1 --as-of 2004-09-10
run_out 0 'Recorded the reply of FRA' "$C" reply c1 FRA --received 2004-09-10 --none
run 0 git fsck --no-progress
run_out 0 "^verified: .*nothing" "$C" verify
finish
