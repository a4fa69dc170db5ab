#!/bin/sh
# test_render.sh - chancery render end to end: one document, a JSON list, a
# CSV mail merge, text templates with partials, --name, --dry-run, --jobs,
# --pdf with a stand-in soffice, and nothing written when anything is wrong.
. "$(dirname "$0")/lib.sh"

python3 "$SRC/tests/fixtures/split_template.py" "$T/letter.odt"
cat > "$T/one.json" <<'JSON'
{"state": {"formal_name": "the Republic of Liberia"}, "letter": {"reference": "R/1"},
 "signer": "S", "treaties": [{"id": "IV-4", "title": "ICCPR", "action": "ratify"}]}
JSON
cat > "$T/list.json" <<'JSON'
[{"state": {"formal_name": "A", "code": "AAA"}, "letter": {"reference": "R/1"}, "signer": "S", "treaties": []},
 {"state": {"formal_name": "B", "code": "BBB"}, "letter": {"reference": "R/2"}, "signer": "S", "treaties": []},
 {"state": {"formal_name": "C", "code": "CCC"}, "letter": {"reference": "R/3"}, "signer": "S", "treaties": []}]
JSON

# one document
run 0 "$C" render "$T/letter.odt" "$T/one.json" -o "$T/one.odt"
check "one document written" sh -c "unzip -p '$T/one.odt' content.xml | grep -q 'the Republic of Liberia'"
check "no hidden folder left" test -z "$(ls -A "$T" | grep chancery-render)"
# a list, named by pattern, on several threads
run_out 0 'Rendered 3 documents into' "$C" render "$T/letter.odt" "$T/list.json" -o "$T/batch" \
	--name '{{state.code}}.odt' --jobs 3
check "three files named by the pattern" sh -c "test -f '$T/batch/AAA.odt' && test -f '$T/batch/BBB.odt' && test -f '$T/batch/CCC.odt'"
check "nothing else in the folder" test "$(ls -A "$T/batch" | wc -l)" = 3
run_out 0 'Rendered 3' "$C" render "$T/letter.odt" "$T/list.json" -o "$T/default"
check "default names" test -f "$T/default/document-00002.odt"
# deterministic output
"$C" render "$T/letter.odt" "$T/list.json" -o "$T/again" --name '{{state.code}}.odt' >/dev/null
check "the same data gives the same bytes" cmp -s "$T/batch/BBB.odt" "$T/again/BBB.odt"

# errors: nothing is written
printf '[{"state":{"formal_name":"A"},"letter":{"reference":"1"},"signer":"s","treaties":[]},{"state":{},"letter":{"reference":"2"},"signer":"s","treaties":[]},{"letter":{"reference":"3"},"signer":"s","treaties":[]}]' > "$T/bad.json"
run_err 3 "document 2: template 'letter.odt': content.xml paragraph 1 \('Dear \{\{state.formal_name\}\},'\): variable 'state.formal_name' is not in the data" \
	"$C" render "$T/letter.odt" "$T/bad.json" -o "$T/bad" --jobs 1
check "a failed batch wrote nothing" test -z "$(ls -A "$T/bad" 2>/dev/null)"
run_err 3 "2 problems in 3 documents; nothing was written" \
	"$C" render "$T/letter.odt" "$T/bad.json" --dry-run
check "--dry-run lists every problem" test "$(grep -c '^chancery: document' "$T/err")" = 2
run_out 0 '3 documents checked, no problem' "$C" render "$T/letter.odt" "$T/list.json" --dry-run
run_out 0 '' "$C" render --lenient "$T/letter.odt" "$T/bad.json" -o "$T/lenient"
check "--lenient renders missing names empty" test "$(ls "$T/lenient" | wc -l)" = 3
run_err 3 "documents? .*'same.odt'" "$C" render "$T/letter.odt" "$T/list.json" -o "$T/dup" --name 'same.odt'
check "duplicate names wrote nothing" test -z "$(ls -A "$T/dup" 2>/dev/null)"
run_err 3 "not a plain file name" "$C" render "$T/letter.odt" "$T/list.json" -o "$T/sl" --name '../{{state.code}}.odt'
# a problem line quoting the data never writes its control characters
printf '%s\n' '[{"code": "A\u001b]52;c;eA==\u0007/\u001b[2J"}]' > "$T/esc.json"
run_err 3 "not a plain file name" "$C" render "$T/letter.odt" "$T/esc.json" -o "$T/esc" --name '{{code}}.odt'
check "render's problem line holds no control character" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/err'"
run_err 3 'x1b' "$C" render "$T/letter.odt" "$T/esc.json" -o "$T/esc" --name '{{code}}.odt' --dry-run
check "nor with --dry-run" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/err'"
printf '{"a": ' > "$T/broken.json"
run_err 3 "data '.*broken.json': JSON" "$C" render "$T/letter.odt" "$T/broken.json" -o "$T/x.odt"
printf '[{"a": 1}, 2]' > "$T/notobj.json"
run_err 3 "item 2 is not an object" "$C" render --lenient "$T/letter.odt" "$T/notobj.json" -o "$T/no"
run_err 3 "cannot read" "$C" render "$T/letter.odt" "$T/missing.json" -o "$T/x.odt"
run_err 3 "no such file" "$C" render "$T/missing.odt" "$T/one.json" -o "$T/x.odt"
cp "$T/one.json" "$T/fake.odt"
run_err 3 "not a zip package" "$C" render "$T/fake.odt" "$T/one.json" -o "$T/x.odt"
run_err 2 "-o OUT is required" "$C" render "$T/letter.odt" "$T/one.json"
run_err 2 "--jobs takes 1 to 256" "$C" render "$T/letter.odt" "$T/one.json" -o x -j 0
check "no stray files from failures" test ! -e "$T/x.odt"

# CSV mail merge, text templates, partials
printf 'code,name\nLBR,Liberia\nCIV,"Côte d'"'"'Ivoire"\n' > "$T/states.csv"
printf 'Dear {{name}} ({{code}}),\n{{>footer}}' > "$T/note.mustache"
printf -- '-- the Treaty Section\n' > "$T/footer.mustache"
run_out 0 'Rendered 2 documents' "$C" render "$T/note.mustache" "$T/states.csv" -o "$T/notes" --name '{{code}}.txt'
check "CSV rows become documents" grep -q "Dear Côte d'Ivoire (CIV)," "$T/notes/CIV.txt"
check "partials come from beside the template" grep -q "the Treaty Section" "$T/notes/LBR.txt"
printf 'code\tname\nFRA\tFrance\n' > "$T/s.tsv"
run 0 "$C" render --text "$T/note.mustache" "$T/s.tsv" -o "$T/tsv"
check "TSV too" grep -q "Dear France (FRA)" "$T/tsv/document-00001.txt"
printf '{{#a}}' > "$T/broken.mustache"
run_err 3 "template 'broken.mustache': line 1, column 1: section 'a' is never closed" \
	"$C" render "$T/broken.mustache" "$T/one.json" -o "$T/b.txt"
printf '{{>nope}}' > "$T/b2.mustache"
run_err 3 "no partial 'nope'" "$C" render "$T/b2.mustache" "$T/one.json" -o "$T/b2.txt"
check "text errors wrote nothing" sh -c "test ! -e '$T/b.txt' && test ! -e '$T/b2.txt'"
# a file that is neither an ODT package nor UTF-8 text is no template,
# even one whose bytes happen to be UTF-8 (a PDF with no binary stream)
printf '%%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > "$T/scan.pdf"
run_err 3 "^chancery: template 'scan.pdf': a PDF document, neither an ODT package nor UTF-8 text\$" \
	"$C" render "$T/scan.pdf" "$T/states.csv" -o "$T/scan"
cp "$T/letter.odt" "$T/letter.zip"
run_err 3 "^chancery: template 'letter.zip': a zip package, not UTF-8 text \(an ODT template's name ends in .odt or .ott\)\$" \
	"$C" render "$T/letter.zip" "$T/one.json" -o "$T/zip.txt"
printf 'Dear \377\n' > "$T/latin1.txt"
run_err 3 "^chancery: template 'latin1.txt': neither an ODT package nor UTF-8 text\$" \
	"$C" render "$T/latin1.txt" "$T/one.json" -o "$T/l1.txt"
check "no template, nothing written" sh -c "test ! -e '$T/scan' && test ! -e '$T/zip.txt' && test ! -e '$T/l1.txt'"
# work is capped, not only output: eight nested sections over 20 items, a
# partial fanning out three ways for 40 levels; each stops at once (0.1 s;
# under memcheck 7 s). A run that never stopped is ctest's timeout to catch:
# no clock here decides the outcome.
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
names = "abcdefgh"
open(t + "/nest.mustache", "w").write("".join("{{#%s}}" % c for c in names) +
    "".join("{{/%s}}" % c for c in reversed(names)))
json.dump({c: [{}] * 20 for c in names}, open(t + "/nest.json", "w"))
open(t + "/fan.mustache", "w").write("{{>fan3}}")
open(t + "/fan3.mustache", "w").write("{{#a}}{{>fan3}}{{>fan3}}{{>fan3}}{{/a}}")
d = {"a": False}
for i in range(40):
    d = {"a": d}
json.dump(d, open(t + "/fan.json", "w"))
PY
run_err 3 "template 'nest.mustache': line 1, column 43: needs more than 10000000 steps to render \(limit 10000000\)" \
	"$C" render "$T/nest.mustache" "$T/nest.json" -o "$T/nest.txt"
run_err 3 "template 'fan.mustache': needs more than 10000000 steps to render \(limit 10000000\).*in partial 'fan3'" \
	"$C" render "$T/fan.mustache" "$T/fan.json" -o "$T/fan.txt"
check "a template over the limit wrote nothing" sh -c "test ! -e '$T/nest.txt' && test ! -e '$T/fan.txt'"

# --jobs parses strictly (cli_number): digits only, in range, the option named
for j in 1x '' ' 2' +2 2.0 0x2 99999999999999999999999 257; do
	run_err 2 "render: --jobs takes 1 to 256 \(a whole number\), not '" \
		"$C" render "$T/note.mustache" "$T/states.csv" -o "$T/jobs" --jobs "$j"
	check "--jobs '$j' is named" grep -qF "not '$j'" "$T/err"
done
check "a bad --jobs wrote nothing" test ! -e "$T/jobs"

# many documents on several threads: the workers share the batch's state,
# whose list of names grows 256, 512, ... 8192 as they take documents
# (ThreadSanitizer, make test-tsan, saw the race on it in every one of six
# runs of 10,000 documents, in two of five of 1,500)
python3 -c "
import json, sys
json.dump([{'code': 'S%05d' % i, 'name': 'State %d' % i} for i in range(10000)], sys.stdout)" > "$T/many.json"
run_out 0 'Rendered 10000 documents into' "$C" render "$T/note.mustache" "$T/many.json" \
	-o "$T/many" --name '{{code}}.txt' --jobs 4
check "10000 files" test "$(ls "$T/many" | wc -l)" = 10000
check "each file has its own document" sh -c "grep -q 'Dear State 0 (S00000),' '$T/many/S00000.txt' &&
	grep -q 'Dear State 9999 (S09999),' '$T/many/S09999.txt' &&
	test \"\$(cat '$T/many/'*.txt | grep -c '^Dear ')\" = 10000"
run_out 0 '10000 documents checked' "$C" render "$T/note.mustache" "$T/many.json" --dry-run -j 6

# a killed run's hidden folder is removed by the next run into the same
# place; one whose process is alive is another run's, and left alone; a
# link inside is removed, never followed. The dead run's number is the
# kernel's pid_max, which no process is ever given (a finished child's
# number could be given again to another process before the check).
dead=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
mkdir -p "$T/lo/.chancery-render-$dead/sub" "$T/lo/.chancery-render-$$" "$T/outside"
echo x > "$T/lo/.chancery-render-$dead/sub/old.txt"
echo keep > "$T/outside/keep.txt"
ln -s "$T/outside" "$T/lo/.chancery-render-$dead/link"
ln -s "$T/outside" "$T/lo/.chancery-render-99999999"
echo x > "$T/lo/.chancery-render-$$/theirs.txt"
run_err 0 "note: removing '.*/lo/.chancery-render-$dead', left by a run that did not finish \(process $dead\)" \
	"$C" render "$T/note.mustache" "$T/states.csv" -o "$T/lo" --name '{{code}}.txt'
check "the dead run's folder is gone" test ! -e "$T/lo/.chancery-render-$dead"
check "what a link inside it pointed to is kept" test -f "$T/outside/keep.txt"
check "a link named like a folder is not one" test -L "$T/lo/.chancery-render-99999999"
check "the live run's folder is kept" test -f "$T/lo/.chancery-render-$$/theirs.txt"
check "the documents are there" test -f "$T/lo/LBR.txt"
mkdir "$T/.chancery-render-$dead"
run 0 "$C" render --lenient "$T/note.mustache" "$T/one.json" -o "$T/single.txt"
check "one document: leftovers beside it go too" test ! -e "$T/.chancery-render-$dead"

# progress goes to a terminal only: piped, stderr stays empty
"$C" render "$T/letter.odt" "$T/list.json" -o "$T/quiet" 2>"$T/stderr" >/dev/null
check "silent when piped" test ! -s "$T/stderr"

# --pdf goes through the one soffice runner (cli/office.c); a stand-in
# soffice on PATH shows what it is given and what happens when it fails
# or hangs: nothing is written, one error line, and a hung converter is
# stopped with everything it started
mkdir -p "$T/fake"
cat > "$T/fake/soffice" <<EOF
#!/bin/sh
pwd > "$T/fake/cwd"
printf '%s\n' "\$@" > "$T/fake/args"
for f; do case \$f in *.odt) printf '%%PDF-fake' > "\${f%.odt}.pdf";; esac; done
EOF
chmod +x "$T/fake/soffice"
FAKE="$T/fake:$PATH"
run_out 0 'Rendered 3 documents' env PATH="$FAKE" "$C" render "$T/letter.odt" "$T/list.json" \
	-o "$T/fpdf" --name '{{state.code}}.odt' --pdf
check "a PDF moved beside each document" sh -c "test -f '$T/fpdf/AAA.pdf' && test -f '$T/fpdf/CCC.pdf' && test -f '$T/fpdf/CCC.odt'"
check "soffice is asked for PDFs, headless" sh -c "grep -qx -- --convert-to '$T/fake/args' && grep -qx pdf '$T/fake/args' && grep -qx -- --headless '$T/fake/args'"
check "with a throw-away profile in the hidden folder" grep -q "^-env:UserInstallation=file://$T/fpdf/.chancery-render-" "$T/fake/args"
check "run in the hidden folder, which is gone" sh -c "grep -q '/.chancery-render-' '$T/fake/cwd' && test ! -e \"\$(cat '$T/fake/cwd')\""
check "nothing else left" test "$(ls -A "$T/fpdf" | wc -l)" = 6
# a relative -o (the README's example): soffice gets absolute file URLs
# and folders, whatever its own working folder (it runs in the hidden one)
mkdir "$T/rel"
(cd "$T/rel" && PATH="$FAKE" "$C" render "$T/letter.odt" "$T/list.json" \
	-o letters --name '{{state.code}}.odt' --pdf >/dev/null 2>&1)
# (each converter of the pool has its own profile: .lo-profile, .lo-profile-1, ...;
# the args file holds the last run's, whichever converter ran it)
check "relative -o: the profile is an absolute file URL" grep -Eq "^-env:UserInstallation=file://$T/rel/letters/\.chancery-render-[0-9]+/\.lo-profile(-[0-9]+)?\$" "$T/fake/args"
check "relative -o: soffice writes to an absolute folder" sh -c "grep -A1 -x -- --outdir '$T/fake/args' | tail -n 1 | grep -qx '$T/rel/letters/.chancery-render-[0-9]*'"
check "relative -o: the PDFs are moved, the hidden folder is gone" sh -c "test -f '$T/rel/letters/AAA.pdf' && test \"\$(ls -A '$T/rel/letters' | wc -l)\" = 6"
printf '#!/bin/sh\nexit 0\n' > "$T/fake/soffice"
run_err 5 "soffice made no PDF of 'AAA.odt'" env PATH="$FAKE" "$C" render "$T/letter.odt" \
	"$T/list.json" -o "$T/nopdf" --name '{{state.code}}.odt' --pdf
printf '#!/bin/sh\nexit 1\n' > "$T/fake/soffice"
run_err 5 "soffice failed \(is LibreOffice installed" env PATH="$FAKE" "$C" render "$T/letter.odt" \
	"$T/list.json" -o "$T/fail" --pdf
check "nothing written when soffice fails" test -z "$(ls -A "$T/fail")$(ls -A "$T/nopdf")"
cat > "$T/fake/soffice" <<EOF
#!/bin/sh
echo \$\$ > "$T/fake/leader.pid"
sleep 600 &
echo \$! > "$T/fake/child.pid"
wait
EOF
# gone: dead or a zombie, within 30 s (a killed process takes a moment to
# die on a loaded machine; unkilled, the stand-in lives 600 s)
gone() {
	for _ in $(seq 300); do
		! kill -0 "$1" 2>/dev/null && return 0
		ps -o stat= -p "$1" | grep -q Z && return 0
		sleep 0.1
	done
	return 1
}
t0=$(date +%s)
run_err 5 "soffice did not finish within 3 s and was stopped" env CHANCERY_SOFFICE_TIMEOUT=3 \
	PATH="$FAKE" "$C" render "$T/letter.odt" "$T/one.json" -o "$T/hang.odt" --pdf
check "stopped at the timeout, not when the converter is done" test $(($(date +%s) - t0)) -lt 300
check "the hung converter is gone" gone "$(cat "$T/fake/leader.pid")"
check "what it started is gone too" gone "$(cat "$T/fake/child.pid")"
check "nothing written on timeout" sh -c "test ! -e '$T/hang.odt' && ! ls -A '$T' | grep -q chancery-render"
# interrupted while soffice runs (the README's hang, stopped by hand):
# soffice's group is killed, the hidden folder removed, and the tool dies
# of the signal
rm -f "$T/fake/leader.pid" "$T/fake/child.pid"
mkdir "$T/intr"
PATH="$FAKE" "$C" render "$T/letter.odt" "$T/list.json" -o "$T/intr/letters" --pdf \
	>/dev/null 2>"$T/intr.err" &
pid=$!
for _ in $(seq 300); do [ -s "$T/fake/child.pid" ] && break; sleep 0.1; done
kill -TERM "$pid"
wait "$pid"
check "interrupted: the tool dies of the signal" test $? = 143
check "interrupted: the hung converter is gone" gone "$(cat "$T/fake/leader.pid")"
check "interrupted: what it started is gone too" gone "$(cat "$T/fake/child.pid")"
check "interrupted: nothing left in -o" test -z "$(ls -A "$T/intr/letters")"
check "interrupted: one error line" grep -qx 'chancery: --pdf: interrupted; soffice was stopped' "$T/intr.err"
run_err 2 "CHANCERY_SOFFICE_TIMEOUT='1m': expected whole seconds" env CHANCERY_SOFFICE_TIMEOUT=1m \
	PATH="$FAKE" "$C" render "$T/letter.odt" "$T/one.json" -o "$T/bad.odt" --pdf
finish
