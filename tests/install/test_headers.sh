#!/bin/sh
# test_headers.sh - every public header is self-contained and usable from C
# and C++: each one, included alone, compiles as C11 with -pedantic -Werror
# and as C++11 with g++; each declares its functions inside extern "C"
# guards; and a C++ program that takes the address of every public function
# links against libchancery.so (a declaration without C linkage would be
# looked for under a mangled name and not found).
#
# usage: test_headers.sh SOURCE_DIR CC CXX LIBCHANCERY_SO
set -eu
src=$1 cc=$2 cxx=$3 so=$4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chancery-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
command -v "$cxx" >/dev/null ||
  { echo "FAIL: no C++ compiler '$cxx' (scripts/install-deps installs g++)" >&2; exit 1; }
warn="-Wall -Wextra -Werror -pedantic"

for h in "$src/include/chancery.h" "$src"/include/chancery/*.h; do
  name=${h#"$src/include/"}
  printf '#include <%s>\n#include <%s>\n' "$name" "$name" >"$tmp/t.c"
  cp "$tmp/t.c" "$tmp/t.cpp"
  # shellcheck disable=SC2086
  "$cc" -std=c11 $warn -I "$src/include" -fsyntax-only "$tmp/t.c" ||
    fail "$name: not self-contained C11 (twice included)"
  # shellcheck disable=SC2086
  "$cxx" -std=c++11 $warn -I "$src/include" -fsyntax-only "$tmp/t.cpp" ||
    fail "$name: does not compile as C++11"
  if grep -q 'CHANCERY_EXTERN(' "$h" && [ "$name" != chancery.h ]; then
    grep -q '^extern "C" {' "$h" || fail "$name: no extern \"C\" guard"
  fi
done

# C linkage of every declaration, checked by the linker
cat "$src"/include/chancery/*.h | tr '\n' ' ' |
  grep -o 'CHANCERY_EXTERN([^;{]*' | grep -v '^CHANCERY_EXTERN(type)' |
  sed 's/^CHANCERY_EXTERN(\([^()]*\(([^()]*)[^()]*\)*\)) *\**\([a-z0-9_]*\).*/\3/' |
  sort -u >"$tmp/names"
{
  echo '#include <chancery.h>'
  echo 'typedef void (*fn)(void);'
  echo 'static const fn all[] = {'
  sed 's/.*/\treinterpret_cast<fn>(\&&),/' "$tmp/names"
  echo '};'
  echo 'int main() { return all[0] == 0; }'
} >"$tmp/link.cpp"
# shellcheck disable=SC2086
"$cxx" -std=c++11 $warn -I "$src/include" -o "$tmp/link" "$tmp/link.cpp" "$so" ||
  fail "a C++ program does not link every public function"

[ $fails -eq 0 ] || exit 1
echo "test_headers: $(ls "$src"/include/chancery/*.h | wc -l) headers and chancery.h, $(wc -l <"$tmp/names") functions"
