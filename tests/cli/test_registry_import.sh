#!/bin/sh
# test_registry_import.sh - the CLI imports the real files of shared/data
# into an empty registry, and the result answers like the embedded sample.
# Skips (exit 77) with a notice where shared/ is absent.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$SHARED/data" ]; then
	echo "NOTICE: $SHARED/data not found; skipping the shared-data import test"
	exit 77
fi
E=$T/empty
S=$T/sample
"$C" --author "$AUTHOR" init --empty "$E" >/dev/null
"$C" --author "$AUTHOR" init "$S" >/dev/null
run_out 0 'Imported 192 rows' "$C" -C "$E" --author "$AUTHOR" import states "$SHARED/data/states-2004.tsv"
run_out 0 'Imported 401 rows' "$C" -C "$E" --author "$AUTHOR" import treaties "$SHARED/data/treaties-mtdsg.tsv"
run_out 0 'Imported 28 rows' "$C" -C "$E" --author "$AUTHOR" import treaties "$SHARED/data/treaties-focus2004.tsv"
run_out 0 'Imported 24542 rows' "$C" -C "$E" --author "$AUTHOR" import participation "$SHARED/data/participation-mtdsg-2004-03.tsv"
for s in LBR FRA CHE USA VAT; do
	check "participation $s matches the sample" \
		sh -c "'$C' -C '$E' participation $s --as-of 2004-03-12 > '$T/a' &&
		       '$C' -C '$S' participation $s --as-of 2004-03-12 > '$T/b' && cmp -s '$T/a' '$T/b'"
done
check "the States match the sample" \
	sh -c "'$C' -C '$E' states --format csv > '$T/a' && '$C' -C '$S' states --format csv > '$T/b' && cmp -s '$T/a' '$T/b'"
check "the import history is four events" \
	test "$("$C" -C "$E" log --type import --format json | grep -c '"type": "import"')" = 4
check "git fsck --strict accepts it" git -C "$E" fsck --strict
finish
