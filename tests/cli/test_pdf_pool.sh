#!/bin/sh
# test_pdf_pool.sh - `letters generate --pdf` with a pool of converters
# (cli/office_pool.c), run against a fake soffice named by CHANCERY_SOFFICE:
# a shell script that converts by copying a tiny real PDF, records each of
# its runs, and hangs on the document named by FAKE_HANG. Several fakes run
# at once with --jobs 2, never with --jobs 1; a converter that hangs is
# killed with its process group and its other documents are converted;
# the hung letter is named on one line, exit 5; no fake is left running;
# Ctrl-C (SIGTERM here) stops every converter and removes the letters'
# temporary folder.
. "$(dirname "$0")/lib.sh"

mkdir "$T/bin" "$T/runs"
FAKE=$T/bin/fake-soffice
python3 - "$T/bin/tiny.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
out = b"%PDF-1.4\n"
offsets = []
for i, o in enumerate(objs):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for off in offsets:
    out += b"%010d 00000 n \n" % off
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
cat > "$FAKE" <<'SH'
#!/bin/sh
# a fake soffice: FAKE_RUNS/PID exists while a run runs; each run logs how
# many ran at its start, its profile and its files to FAKE_LOG
dir=$(dirname "$0")
mkdir "$FAKE_RUNS/$$"
echo "start $$ $(ls "$FAKE_RUNS" | wc -l) $1" >> "$FAKE_LOG"
out=
while [ $# -gt 0 ]; do
	case $1 in
	--outdir|--convert-to) [ "$1" = --outdir ] && out=$2; shift 2; continue ;;
	-*) shift; continue ;;
	esac
	b=$(basename "$1"); b=${b%.*}
	echo "file $$ $b" >> "$FAKE_LOG"
	if [ "$b" = "${FAKE_HANG:-}" ]; then
		# hang, with a child of its own in the group, as soffice.bin is
		( while :; do sleep 1; done ) &
		while :; do sleep 1; done
	fi
	cp "$dir/tiny.pdf" "$out/$b.pdf"
	shift
done
sleep "${FAKE_NAP:-0}"
rmdir "$FAKE_RUNS/$$"
SH
chmod +x "$FAKE"
export CHANCERY_SOFFICE="$FAKE" FAKE_LOG="$T/log" FAKE_RUNS="$T/runs"
# pgrep leaves itself out (a `sh -c` around it would match)
none_left() { ! pgrep -f "$FAKE" >/dev/null; }

R=$T/repo
run 0 "$C" --author "$AUTHOR" init "$R"
cd "$R" || exit 1
run 0 "$C" --author "$AUTHOR" campaign open c --workflow treaty-event --letter-date 2004-03-12 \
	--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004
P=$R/campaigns/c/pdf

# two converters at once, each with a profile of its own
FAKE_NAP=0.3 run_out 0 'PDFs in' "$C" --author "$AUTHOR" letters generate c --pdf --jobs 2
N=$(ls "$R/campaigns/c/letters" | grep -c '\.odt$')
check "letters to convert" test "$N" -gt 100
check "--jobs 2: a PDF per letter" test "$(ls "$P" | grep -c '\.pdf$')" = "$N"
check "... a real PDF" sh -c "head -c 5 '$P/LBR.pdf' | grep -q '%PDF-'"
check "--jobs 2: two converters ran at once" grep -q '^start [0-9]* 2 ' "$T/log"
check "--jobs 2: never three" sh -c "! grep -q '^start [0-9]* [3-9] ' '$T/log'"
check "--jobs 2: two profiles" test "$(grep '^start' "$T/log" | cut -d' ' -f4 | sort -u | wc -l)" = 2
check "--jobs 2: each letter converted once" test "$(grep -c '^file' "$T/log")" = "$N"
check "--jobs 2: runs of a few letters" test "$(grep -c '^start' "$T/log")" -gt 4
check "--jobs 2: nothing on stderr but for a terminal" sh -c "! grep -q 'pdf [0-9]' '$T/err'"

rm -f "$T/log"; rm -rf "$P"
FAKE_NAP=0.1 run 0 "$C" --author "$AUTHOR" letters generate c --pdf --jobs 1
check "--jobs 1: one converter at a time" sh -c "! grep -q '^start [0-9]* [2-9] ' '$T/log'"
check "--jobs 1: one run for the batch" test "$(grep -c '^start' "$T/log")" = 1
check "--jobs 1: a PDF per letter" test "$(ls "$P" | grep -c '\.pdf$')" = "$N"

run_err 2 "--jobs takes 1 to 256" "$C" letters generate c --pdf --jobs 0
run_err 2 "--jobs takes 1 to 256" "$C" letters generate c --pdf --jobs 2x

# a converter that hangs on FRA: killed, its other letters retried alone,
# FRA alone hangs again and is named; every other PDF is there
rm -f "$T/log"; rm -rf "$P"
FAKE_HANG=FRA CHANCERY_SOFFICE_TIMEOUT=2 run_err 5 "soffice did not finish within 2 s and was stopped, twice, on 'FRA.odt': no PDF" \
	"$C" --author "$AUTHOR" letters generate c --pdf --jobs 2
check "hung: one line names it" test "$(grep -c 'FRA' "$T/err")" = 1
check "hung: the count of missing PDFs" grep -q '^chancery: --pdf: 1 of [0-9]* PDFs missing' "$T/err"
check "hung: every other PDF is there" test "$(ls "$P" | grep -c '\.pdf$')" = "$((N - 1))"
check "hung: no PDF of FRA" test ! -e "$P/FRA.pdf"
check "hung: FRA tried twice" test "$(grep -c '^file [0-9]* FRA$' "$T/log")" = 2
check "hung: no converter left behind" none_left

# the same with one converter
rm -f "$T/log"; rm -rf "$P"
FAKE_HANG=FRA CHANCERY_SOFFICE_TIMEOUT=2 run_err 5 "soffice did not finish within 2 s and was stopped, twice, on 'FRA.odt': no PDF" \
	"$C" --author "$AUTHOR" letters generate c --pdf --jobs 1
check "--jobs 1, hung: every other PDF is there" test "$(ls "$P" | grep -c '\.pdf$')" = "$((N - 1))"
check "--jobs 1, hung: no converter left behind" none_left

# an old PDF is no proof: removed before its letter is converted
rm -f "$T/log"
FAKE_HANG=FRA CHANCERY_SOFFICE_TIMEOUT=2 run 5 "$C" --author "$AUTHOR" letters generate c --pdf
cp "$T/bin/tiny.pdf" "$P/FRA.pdf"
FAKE_HANG=FRA CHANCERY_SOFFICE_TIMEOUT=2 run_err 5 "'FRA.odt'" "$C" --author "$AUTHOR" letters generate c --pdf
check "an old PDF of the hung letter is gone" test ! -e "$P/FRA.pdf"

# no converter at all
run_err 5 "cannot run soffice" env CHANCERY_SOFFICE="$T/bin/none" "$C" letters generate c --pdf

# progress on a terminal
rm -rf "$P"
script -qec "'$C' letters generate c --pdf --jobs 2" /dev/null > "$T/tty" 2>&1
check "progress on a terminal: pdf N/N" grep -q "pdf $N/$N" "$T/tty"

# SIGTERM while a converter hangs: every converter stopped, the folder gone
rm -f "$T/log"
FAKE_HANG=FRA "$C" letters generate c --pdf --jobs 2 >"$T/out" 2>"$T/err" &
pid=$!
i=0
while ! grep -q '^file [0-9]* FRA$' "$T/log" 2>/dev/null && [ $i -lt 1200 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: exit 5" test "$rc" = 5
check "SIGTERM: said on one line" grep -q '^chancery: --pdf: interrupted; soffice was stopped' "$T/err"
check "SIGTERM: no converter left behind" none_left
tmp=$(sed -n 's|^start [0-9]* [0-9]* -env:UserInstallation=file://\(/tmp/chancery-pdf-[^/]*\)/.*|\1|p' "$T/log" | head -n 1)
check "SIGTERM: the temporary folder was named" test -n "$tmp"
check "SIGTERM: the temporary folder is gone" test ! -e "$tmp"
finish
