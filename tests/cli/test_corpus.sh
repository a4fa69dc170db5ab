#!/bin/sh
# test_corpus.sh - the real documents of shared/corpus/odt (about a hundred,
# from many office suites) go through chancery render and come out with the
# same text, as LibreOffice reads it:
#   1. each as it is, rendered with empty data;
#   2. each with a tag injected at the end of every paragraph (rendered
#      empty), so that every paragraph goes through the tag scanner, the
#      marker gathering and the XML serializer.
# LibreOffice (one soffice process per set) exports inputs and outputs to
# text; the texts must be equal, and LibreOffice must open every output.
# Outputs whose input content.xml was valid against the ODF schema (the
# corpus manifest says which) must stay valid (xmllint --relaxng).
# The encrypted document must be refused. Skips (77) without shared/.
. "$(dirname "$0")/lib.sh"

CORPUS=$SHARED/corpus/odt
if [ ! -d "$CORPUS" ]; then
	echo "NOTICE: $CORPUS not found; skipping the corpus test"
	exit 77
fi
if ! command -v soffice >/dev/null 2>&1; then
	echo "FAIL: soffice (LibreOffice) is not installed: scripts/install-deps"
	exit 1
fi
echo '{}' > "$T/empty.json"
echo '{"e": ""}' > "$T/e.json"
mkdir -p "$T/in" "$T/out1" "$T/out2" "$T/txt-in" "$T/txt-out1" "$T/txt-out2"
python3 "$SRC/tests/fixtures/inject_tags.py" "$T/injected" "$CORPUS"/*.o[dt]t 2>/dev/null

files=""
for f in "$CORPUS"/*.o[dt]t; do
	b=$(basename "$f")
	case "$b" in
	*PasswordProtected*)
		run_err 3 "encrypted" "$C" render --lenient "$f" "$T/empty.json" -o "$T/out1/$b"
		check "the encrypted document wrote nothing" test ! -e "$T/out1/$b"
		continue ;;
	esac
	run 0 "$C" render "$f" "$T/empty.json" -o "$T/out1/$b"
	run 0 "$C" render "$T/injected/$b" "$T/e.json" -o "$T/out2/$b"
	cp "$f" "$T/in/$b"
	files="$files $b"
done

convert() { # DIR OUTDIR
	(cd "$1" && soffice -env:UserInstallation=file://$T/lo-profile --headless \
		--norestore --convert-to txt:Text --outdir "$2" ./*.o[dt]t >/dev/null 2>&1)
}
convert "$T/in" "$T/txt-in"
convert "$T/out1" "$T/txt-out1"
convert "$T/out2" "$T/txt-out2"

# live fields (a time, a date) are computed when LibreOffice opens a file
normalize() {
	sed -E 's/[0-9]{1,2}:[0-9]{2}:[0-9]{2}( ?[AP]M)?/TIME/g' "$1" > "$1.n"
}
for d in txt-in txt-out1 txt-out2; do
	for t in "$T/$d"/*.txt; do [ -f "$t" ] && normalize "$t"; done
done
n=0
for b in $files; do
	t=${b%.*}.txt
	n=$((n + 1))
	check "LibreOffice opens $b as rendered" test -f "$T/txt-out1/$t"
	check "LibreOffice opens $b with tags injected" test -f "$T/txt-out2/$t"
	check "$b: same text after rendering" cmp -s "$T/txt-in/$t.n" "$T/txt-out1/$t.n"
	check "$b: same text with tags injected" cmp -s "$T/txt-in/$t.n" "$T/txt-out2/$t.n"
	if ! cmp -s "$T/txt-in/$t.n" "$T/txt-out2/$t.n"; then
		diff "$T/txt-in/$t.n" "$T/txt-out2/$t.n" | head -n 6
	fi
done
echo "corpus: $n documents compared"

# schema validity of content.xml, for inputs the manifest marks valid
if command -v xmllint >/dev/null 2>&1; then
	valid=0
	while IFS='	' read -r file _ _ _ _ _ version _ _ rng _; do
		case "$file" in file|*PasswordProtected*) continue ;; esac
		[ "$rng" = ok ] || continue
		case "$version" in
		1.3) rng_file=OpenDocument-v1.3-schema.rng ;;
		1.2) rng_file=OpenDocument-v1.2-os-schema.rng ;;
		*) rng_file=OpenDocument-schema-v1.1.rng ;;
		esac
		unzip -p "$T/out2/$file" content.xml > "$T/c.xml"
		check "$file: content.xml still valid (ODF $version)" \
			xmllint --noout --relaxng "$SHARED/spec/odf/$rng_file" "$T/c.xml"
		valid=$((valid + 1))
	done < "$CORPUS/MANIFEST.tsv"
	echo "corpus: $valid rendered documents validated against the ODF schema"
fi
finish
