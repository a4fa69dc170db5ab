#!/bin/sh
# test_symbols.sh - the export policy (docs/install.md): libchancery.so
# exports the public API and nothing else. Every exported symbol is
# chancery_ followed by a letter or digit (no chancery__* internals, no
# unprefixed helper such as mustache_parse), every one is declared with
# CHANCERY_EXTERN in include/chancery/*.h, every such declaration is
# exported, and no public declaration lacks CHANCERY_EXTERN (a function
# added without it would be hidden from the shared library).
#
# usage: test_symbols.sh LIBCHANCERY_SO SOURCE_DIR
set -eu
so=$1 src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chancery-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

nm -D --defined-only "$so" | awk '{print $NF}' | sort -u >"$tmp/exported"
[ -s "$tmp/exported" ] || { echo "FAIL: $so exports nothing" >&2; exit 1; }
if grep -v '^chancery_[^_]' "$tmp/exported" >"$tmp/bad"; then
  echo "FAIL: exported symbols outside the public API:" >&2
  sed 's/^/  /' "$tmp/bad" >&2
  fails=$((fails + 1))
fi

# declarations: the name after CHANCERY_EXTERN(type), perhaps a line later
cat "$src"/include/chancery/*.h | tr '\n' ' ' |
  grep -o 'CHANCERY_EXTERN([^;{]*' | grep -v '^CHANCERY_EXTERN(type)' |
  sed 's/^CHANCERY_EXTERN(\([^()]*\(([^()]*)[^()]*\)*\)) *\**\([a-z0-9_]*\).*/\3/' |
  sort -u >"$tmp/declared"
if ! cmp -s "$tmp/declared" "$tmp/exported"; then
  echo "FAIL: declared (<) and exported (>) differ:" >&2
  diff "$tmp/declared" "$tmp/exported" | grep '^[<>]' | sed 's/^/  /' >&2
  fails=$((fails + 1))
fi

# a line that starts a function declaration at column 0 without the macro
if grep -n '^[a-z][^;(]*[ *]chancery_[a-z0-9_]*(' "$src"/include/chancery/*.h |
     grep -v ':typedef ' >"$tmp/bare"; then
  echo "FAIL: public declarations without CHANCERY_EXTERN:" >&2
  sed "s|^$src/||; s/^/  /" "$tmp/bare" >&2
  fails=$((fails + 1))
fi

[ $fails -eq 0 ] || exit 1
echo "test_symbols: $(wc -l <"$tmp/exported") exported symbols, all public"
